//! What each sign-in method needs in the connection form, where to find each value, and
//! what a browser can check of it. The field rules follow the Airflow Databricks provider's
//! `_get_token` (docs/credentials.md).

use crate::vocabulary::AuthMethod;
use serde::Serialize;

/// A field of Airflow's connection form, or a key of its Extra JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ConnectionField {
    #[serde(rename = "login")]
    Login,
    #[serde(rename = "password")]
    Password,
    #[serde(rename = "extra.service_principal_oauth")]
    ServicePrincipalOauth,
    #[serde(rename = "extra.azure_tenant_id")]
    AzureTenantId,
    #[serde(rename = "extra.azure_resource_id")]
    AzureResourceId,
    #[serde(rename = "extra.use_azure_managed_identity")]
    UseAzureManagedIdentity,
    #[serde(rename = "extra.azure_managed_identity_client_id")]
    AzureManagedIdentityClientId,
    #[serde(rename = "extra.use_default_azure_credential")]
    UseDefaultAzureCredential,
}

impl ConnectionField {
    /// The field's name on the page.
    pub fn label(self) -> &'static str {
        match self {
            ConnectionField::Login => "Login",
            ConnectionField::Password => "Password",
            ConnectionField::ServicePrincipalOauth => "Extra: service_principal_oauth",
            ConnectionField::AzureTenantId => "Tenant ID (extra azure_tenant_id)",
            ConnectionField::AzureResourceId => "Workspace resource ID (extra azure_resource_id)",
            ConnectionField::UseAzureManagedIdentity => "Extra: use_azure_managed_identity",
            ConnectionField::AzureManagedIdentityClientId => {
                "Managed identity client ID (extra azure_managed_identity_client_id)"
            }
            ConnectionField::UseDefaultAzureCredential => "Extra: use_default_azure_credential",
        }
    }

    /// The key in Extra, for the fields that live there.
    pub fn extra_key(self) -> Option<&'static str> {
        match self {
            ConnectionField::Login | ConnectionField::Password => None,
            ConnectionField::ServicePrincipalOauth => Some("service_principal_oauth"),
            ConnectionField::AzureTenantId => Some("azure_tenant_id"),
            ConnectionField::AzureResourceId => Some("azure_resource_id"),
            ConnectionField::UseAzureManagedIdentity => Some("use_azure_managed_identity"),
            ConnectionField::AzureManagedIdentityClientId => {
                Some("azure_managed_identity_client_id")
            }
            ConnectionField::UseDefaultAzureCredential => Some("use_default_azure_credential"),
        }
    }
}

/// How a method uses a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// The user must fill it.
    Required,
    /// The user may fill it.
    Optional,
    /// Must stay empty: filling it changes what Airflow does.
    Empty,
    /// Set to a fixed value (`value`), which the page writes itself.
    Fixed,
}

/// One field a method uses, with the help text the page shows next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldNeed {
    pub field: ConnectionField,
    pub need: Need,
    /// What goes in it, in words (or the fixed value).
    pub value: &'static str,
    /// Where to find the value, or why the field stays as it is.
    pub help: &'static str,
}

const fn need(
    field: ConnectionField,
    need: Need,
    value: &'static str,
    help: &'static str,
) -> FieldNeed {
    FieldNeed {
        field,
        need,
        value,
        help,
    }
}

const PAT_HELP: &str = "In the workspace: your user name (top right), Settings, Developer, Access tokens, \
    Generate new token. It is shown once and starts with dapi. A token works in one workspace only.";

/// The fields `method` needs, in form order.
pub fn fields_needed(method: AuthMethod) -> Vec<FieldNeed> {
    use ConnectionField as F;
    match method {
        AuthMethod::Pat => vec![
            need(F::Login, Need::Empty, "nothing", "A filled Login makes Airflow switch from Bearer to Basic authentication."),
            need(F::Password, Need::Required, "a personal access token", PAT_HELP),
        ],
        AuthMethod::PatBasic => vec![
            need(F::Login, Need::Fixed, "token", "The word token, in lower case: the user name Databricks expects with a token over Basic authentication."),
            need(F::Password, Need::Required, "a personal access token", PAT_HELP),
        ],
        AuthMethod::SpOauth => vec![
            need(F::Login, Need::Required, "the service principal's Application ID (a UUID)",
                "In the workspace: Settings, Identity and access, Service principals, then the principal: Application ID. \
                 Account admins find it in the account console under User management, Service principals."),
            need(F::Password, Need::Required, "an OAuth secret of that service principal",
                "On the service principal's page, Secrets tab, Generate secret. It is shown once and starts with dose; \
                 a principal has at most 5 secrets, each valid for up to 730 days."),
            need(F::ServicePrincipalOauth, Need::Fixed, "true", "Tells Airflow to request OAuth tokens from the workspace with the client ID and secret."),
        ],
        AuthMethod::AzureSp => vec![
            need(F::Login, Need::Required, "the application (client) ID (a UUID)",
                "Azure portal: Microsoft Entra ID, App registrations, your app, Overview: Application (client) ID."),
            need(F::Password, Need::Required, "a client secret value of that application",
                "Azure portal: the app's Certificates & secrets, Client secrets, New client secret. Copy the Value column \
                 (not the Secret ID); it is shown only right after creation."),
            need(F::AzureTenantId, Need::Required, "the directory (tenant) ID (a UUID)",
                "Azure portal: the app's Overview page, Directory (tenant) ID."),
            need(F::AzureResourceId, Need::Optional, "the workspace's Azure resource ID",
                "Only when the service principal is not a user of the workspace but has Contributor rights on its Azure resource. \
                 Azure portal: the Databricks workspace, Properties (or JSON View), Resource ID."),
        ],
        AuthMethod::AzureMi => vec![
            need(F::Login, Need::Empty, "nothing", "A managed identity has no user name."),
            need(F::Password, Need::Empty, "nothing", "With a Password and an empty Login, Airflow uses the Password as a token instead."),
            need(F::UseAzureManagedIdentity, Need::Fixed, "true", "Tells Airflow to get tokens from the Azure machine it runs on."),
            need(F::AzureManagedIdentityClientId, Need::Optional, "the client ID of a user-assigned managed identity (a UUID)",
                "Azure portal: Managed Identities, the identity, Overview: Client ID. Leave empty for the machine's system-assigned identity."),
            need(F::AzureResourceId, Need::Optional, "the workspace's Azure resource ID",
                "Only when the identity is not a user of the workspace but has Contributor rights on its Azure resource. \
                 Azure portal: the Databricks workspace, Properties, Resource ID."),
        ],
        AuthMethod::AzureDefault => vec![
            need(F::Login, Need::Empty, "nothing", "DefaultAzureCredential reads its settings from the environment, not from the connection."),
            need(F::Password, Need::Empty, "nothing", "With a Password and an empty Login, Airflow uses the Password as a token instead."),
            need(F::UseDefaultAzureCredential, Need::Fixed, "true",
                "Tells Airflow to use DefaultAzureCredential: workload identity (AZURE_TENANT_ID, AZURE_CLIENT_ID, \
                 AZURE_FEDERATED_TOKEN_FILE), environment variables, managed identity or an Azure CLI login on the machine where tasks run."),
        ],
        AuthMethod::Basic => vec![
            need(F::Login, Need::Required, "the Databricks user name", "Usually the user's email address, as shown under your profile in the workspace."),
            need(F::Password, Need::Required, "the user's Databricks password", "Databricks is retiring password sign-in; prefer a personal access token."),
        ],
    }
}

/// How far the page can check a method from the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BrowserReach {
    /// The page can send the same requests Airflow sends (if the workspace lets the browser
    /// read the answer; otherwise through the relay or a command to run).
    Live,
    /// Only the format of the values can be checked here.
    FormatOnly,
    /// Nothing can be checked here: the credential lives on the Airflow machines.
    Nothing,
}

/// What the browser can check for a method, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrowserCheck {
    pub reach: BrowserReach,
    pub reason: &'static str,
}

pub fn browser_check(method: AuthMethod) -> BrowserCheck {
    let (reach, reason) = match method {
        AuthMethod::Pat | AuthMethod::PatBasic => (
            BrowserReach::Live,
            "The page can call the workspace with the token exactly as Airflow's connection test does. Databricks often \
             stops browsers from reading its answers; then the page offers the relay or a command to run instead.",
        ),
        AuthMethod::SpOauth => (
            BrowserReach::Live,
            "The page can ask the workspace for an OAuth token with the client ID and secret, as Airflow does, and then \
             call the API with it, if the workspace lets the browser read its answers.",
        ),
        AuthMethod::AzureSp => (
            BrowserReach::FormatOnly,
            "Microsoft Entra ID refuses to hand out service principal tokens to a web page (error AADSTS9002326), so only \
             the format of the IDs and secret can be checked here. Test the connection from Airflow or a terminal.",
        ),
        AuthMethod::AzureMi => (
            BrowserReach::FormatOnly,
            "A managed identity exists only on the Azure machine where Airflow runs; a browser has none. Only the client \
             ID's format can be checked here.",
        ),
        AuthMethod::AzureDefault => (
            BrowserReach::Nothing,
            "DefaultAzureCredential takes everything from the environment of the machine where Airflow runs, so there is \
             nothing a browser can check.",
        ),
        AuthMethod::Basic => (
            BrowserReach::Live,
            "The page can call the workspace with the user name and password as Airflow does, if the workspace still \
             accepts passwords and lets the browser read its answers.",
        ),
    };
    BrowserCheck { reach, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_says_what_goes_in_login_and_password() {
        for method in AuthMethod::ALL {
            let fields = fields_needed(method);
            for form_field in [ConnectionField::Login, ConnectionField::Password] {
                assert_eq!(
                    fields.iter().filter(|f| f.field == form_field).count(),
                    1,
                    "{method} {form_field:?}"
                );
            }
            assert!(fields.iter().all(|f| !f.help.is_empty()));
        }
    }

    #[test]
    fn each_method_sets_exactly_the_extra_flag_airflow_reads_for_it() {
        let flag = |method| {
            fields_needed(method)
                .into_iter()
                .filter(|f| f.need == Need::Fixed && f.field.extra_key().is_some())
                .map(|f| f.field.extra_key())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            flag(AuthMethod::SpOauth),
            vec![Some("service_principal_oauth")]
        );
        assert_eq!(
            flag(AuthMethod::AzureMi),
            vec![Some("use_azure_managed_identity")]
        );
        assert_eq!(
            flag(AuthMethod::AzureDefault),
            vec![Some("use_default_azure_credential")]
        );
        assert!(flag(AuthMethod::Pat).is_empty());
        assert!(
            flag(AuthMethod::AzureSp).is_empty(),
            "azure_tenant_id is what selects azure_sp"
        );
    }

    #[test]
    fn the_browser_cannot_sign_in_with_entra_id() {
        assert_eq!(
            browser_check(AuthMethod::AzureSp).reach,
            BrowserReach::FormatOnly
        );
        assert!(browser_check(AuthMethod::AzureSp)
            .reason
            .contains("AADSTS9002326"));
        assert_eq!(
            browser_check(AuthMethod::AzureDefault).reach,
            BrowserReach::Nothing
        );
        assert_eq!(browser_check(AuthMethod::Pat).reach, BrowserReach::Live);
        let json = serde_json::to_value(fields_needed(AuthMethod::AzureSp)).unwrap();
        assert_eq!(json[2]["field"], "extra.azure_tenant_id");
        assert_eq!(json[2]["need"], "required");
    }
}
