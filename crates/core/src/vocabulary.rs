//! Names shared by every analysis: the cloud a workspace runs on and the ways Airflow's
//! Databricks provider can sign in.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The cloud a workspace runs on, as the Databricks SDKs' DNS zones tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cloud {
    Aws,
    Azure,
    Gcp,
}

impl Cloud {
    pub fn as_str(self) -> &'static str {
        crate::finding::variant_name(&self)
    }

    /// The name people know the cloud by, for messages.
    pub fn display_name(self) -> &'static str {
        match self {
            Cloud::Aws => "AWS",
            Cloud::Azure => "Azure",
            Cloud::Gcp => "Google Cloud",
        }
    }
}

/// How Airflow's Databricks provider authenticates (its `_get_token` order, see
/// docs/credentials.md). The names are the command's and the page's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// Personal access token in Password, Login empty: Bearer. The recommended setup.
    Pat,
    /// Personal access token in Password with Login `token`: HTTP Basic.
    PatBasic,
    /// Databricks OAuth machine-to-machine: Login = client id, Password = secret,
    /// extra `service_principal_oauth: true`.
    SpOauth,
    /// Microsoft Entra ID service principal: Login = application id, Password = client
    /// secret, extra `azure_tenant_id`.
    AzureSp,
    /// Azure managed identity: extra `use_azure_managed_identity`.
    AzureMi,
    /// `DefaultAzureCredential`: extra `use_default_azure_credential`.
    AzureDefault,
    /// Databricks user name and password: HTTP Basic. Being retired by Databricks.
    Basic,
}

impl AuthMethod {
    pub const ALL: [AuthMethod; 7] = [
        AuthMethod::Pat,
        AuthMethod::PatBasic,
        AuthMethod::SpOauth,
        AuthMethod::AzureSp,
        AuthMethod::AzureMi,
        AuthMethod::AzureDefault,
        AuthMethod::Basic,
    ];

    pub fn as_str(self) -> &'static str {
        crate::finding::variant_name(&self)
    }

    /// The method's name in the page's picker.
    pub fn label(self) -> &'static str {
        match self {
            AuthMethod::Pat => "Personal access token (recommended)",
            AuthMethod::PatBasic => "Personal access token, Login \"token\"",
            AuthMethod::SpOauth => "Service principal, Databricks OAuth (M2M)",
            AuthMethod::AzureSp => "Azure service principal (Microsoft Entra ID)",
            AuthMethod::AzureMi => "Azure managed identity",
            AuthMethod::AzureDefault => "Azure DefaultAzureCredential",
            AuthMethod::Basic => "User name and password (being retired)",
        }
    }

    /// True for the methods that exist only on Azure Databricks.
    pub fn is_azure_only(self) -> bool {
        matches!(
            self,
            AuthMethod::AzureSp | AuthMethod::AzureMi | AuthMethod::AzureDefault
        )
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown method name, with the list of the known ones for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownMethod(pub String);

impl fmt::Display for UnknownMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = AuthMethod::ALL.iter().map(|m| m.as_str()).collect();
        write!(
            f,
            "unknown method {:?}; use one of: {}",
            self.0,
            known.join(", ")
        )
    }
}

impl std::error::Error for UnknownMethod {}

impl FromStr for AuthMethod {
    type Err = UnknownMethod;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AuthMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| UnknownMethod(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_round_trip_through_text_and_json() {
        for m in AuthMethod::ALL {
            assert_eq!(m.as_str().parse::<AuthMethod>(), Ok(m));
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
        assert!("PAT".parse::<AuthMethod>().is_err());
        assert!("token"
            .parse::<AuthMethod>()
            .unwrap_err()
            .to_string()
            .contains("pat_basic"));
    }

    #[test]
    fn clouds_serialise_as_the_contract_says() {
        assert_eq!(serde_json::to_value(Cloud::Gcp).unwrap(), "gcp");
        assert_eq!(Cloud::Azure.as_str(), "azure");
    }
}
