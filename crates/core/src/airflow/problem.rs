//! What can be wrong with, or worth knowing about, an Airflow connection built from the
//! user's input, as data: each problem's code is its variant's serde name, and
//! [`AirflowProblem::wording`] holds its severity, message and fix.

use crate::finding::{capitalise, variant_name, Severity, Worded, Wording};
use crate::vocabulary::AuthMethod;
use serde::Serialize;
use Severity::{Error, Info, Warning};

use super::AirflowVersion;

/// A credential input, named by the Airflow field it goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CredentialField {
    Login,
    Secret,
}

impl CredentialField {
    fn label(self) -> &'static str {
        match self {
            CredentialField::Login => "the Login",
            CredentialField::Secret => "the secret (Airflow's Password field)",
        }
    }
}

/// Why a user-supplied Extra key was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DropReason {
    /// `token`: the provider uses it as a bearer token before anything else.
    ReplacesCredential,
    /// `host`: the provider uses it instead of the Host field.
    ReplacesHost,
    /// `federated_*`: selects token federation, which this page does not set up.
    SelectsFederation,
    /// A key that switches the provider to another sign-in method.
    SelectsOtherMethod(AuthMethod),
    /// `azure_resource_id`: makes the provider fetch an Azure management token first.
    NeedsAzureIdentity,
    /// `azure_managed_identity_client_id` without managed identity: never read.
    OnlyForManagedIdentity,
}

/// Why a credential cannot leave Airflow even though Airflow stores it.
/// Its serde names are the finding codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NotSendable {
    /// HTTP headers are latin-1 in Python's `http.client` and `requests`' Basic auth.
    #[serde(rename = "credential_not_latin1")]
    NotLatin1,
    /// `requests` refuses a header value with a line break.
    #[serde(rename = "credential_line_break")]
    LineBreakInHeader,
}

/// A secrets store with naming rules of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Store {
    Gcp,
    Azure,
}

/// Each variant's serde name is its finding's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AirflowProblem {
    HostMissing,
    HostUnusable,
    LoginMissing {
        method: AuthMethod,
    },
    SecretMissing {
        method: AuthMethod,
    },
    AzureTenantIdMissing,
    LoginIgnored {
        method: AuthMethod,
    },
    SecretIgnored {
        method: AuthMethod,
    },
    ExtraKeyDropped {
        key: String,
        reason: DropReason,
    },
    ExtraValueReplaced {
        key: &'static str,
    },
    LoginSelectsFederation,
    CredentialNotSendable {
        field: CredentialField,
        reason: NotSendable,
    },
    NulCharacter,
    LineBreakNotTypeable {
        field: CredentialField,
    },
    ConnIdNotShellName {
        var: String,
    },
    ConnIdNotDotenvKey {
        var: String,
    },
    ManagedIdentityClientIdIgnored,
    QuoteBreaksOldAstroCli,
    SchemaPortEmpty,
    EnvConnectionNotInUi,
    TestConnectionDisabled {
        command: String,
    },
    SqlNeedsHttpPath,
    ProviderPinned {
        airflow: AirflowVersion,
    },
    AzureIdentityExtra,
    /// The store cannot hold a secret under the name its backend looks up.
    StoreCannotNameConnId {
        store: Store,
        name: String,
    },
    /// Azure Key Vault: the backend looks up the name with every '_' turned into '-'.
    KeyVaultUnderscore {
        name: String,
    },
    /// `vault kv put` reads a value starting with '@' from a file.
    VaultLoginReadAsFile,
    /// A line break or control character: no terminal prompt can take the secret.
    SecretNotPromptable,
}

impl Store {
    fn title(self) -> &'static str {
        match self {
            Store::Gcp => "Google Secret Manager",
            Store::Azure => "Azure Key Vault",
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Store::Gcp => "secret ids take only letters, digits, '-' and '_'",
            Store::Azure => "names take only letters, digits and '-', 127 at most",
        }
    }
}

fn method_name(method: AuthMethod) -> &'static str {
    match method {
        AuthMethod::Pat => "a personal access token",
        AuthMethod::PatBasic => "a personal access token with Login 'token'",
        AuthMethod::SpOauth => "Databricks OAuth for a service principal",
        AuthMethod::AzureSp => "a Microsoft Entra ID service principal",
        AuthMethod::AzureMi => "an Azure managed identity",
        AuthMethod::AzureDefault => "DefaultAzureCredential",
        AuthMethod::Basic => "a Databricks user name and password",
    }
}

impl Worded for AirflowProblem {
    fn named_code(&self) -> &'static str {
        self.code_of()
    }

    /// The problem's severity, message and fix, with the values its templates name.
    fn wording(&self) -> Wording<'_> {
        use AirflowProblem::*;
        match self {
            HostMissing => Wording::new(
                Error,
                "There is no workspace URL, so there is nothing to put in Airflow's Host field.",
                "Paste the workspace URL from your browser's address bar, for example https://adb-1234567890123456.7.azuredatabricks.net.",
            ),
            HostUnusable => Wording::new(
                Error,
                "The workspace URL cannot be turned into an Airflow Host value, so no connection values are given.",
                "Fix the workspace URL first (see its own findings); the Airflow values follow.",
            ),
            LoginMissing { method } => Wording::new(
                Error,
                "Signing in with {method} needs a Login (the client or application id), and it is empty. Without it Airflow would use the secret as a personal access token.",
                "Put the service principal's client id (application id) in Login.",
            )
            .with("method", method_name(*method)),
            SecretMissing { method } => Wording::new(
                Error,
                "Signing in with {method} needs a secret, and it is empty.",
                "Paste the secret (token or client secret) into the secret field.",
            )
            .with("method", method_name(*method)),
            AzureTenantIdMissing => Wording::new(
                Error,
                "A Microsoft Entra ID service principal needs the tenant id in Extra (azure_tenant_id), and there is none: without it Airflow signs in with Databricks Basic auth instead.",
                "Add the Entra ID tenant id (a UUID, shown on the app registration's overview) as azure_tenant_id in Extra.",
            ),
            LoginIgnored { method } => Wording::new(
                Warning,
                match method {
                    AuthMethod::PatBasic => "With a personal access token sent as Basic auth, Airflow's Login must be exactly 'token'; the Login typed was replaced.",
                    AuthMethod::AzureMi => "The Login was not used: the managed identity's client id is already in Extra (azure_managed_identity_client_id).",
                    AuthMethod::AzureDefault => "The Login was left out: DefaultAzureCredential takes its identity from the environment (AZURE_CLIENT_ID, AZURE_TENANT_ID and the like), not from Login.",
                    _ => "The Login was left out: with {method} Airflow's Login stays empty (with a Login, the token would be sent as Basic auth instead).",
                },
                match method {
                    AuthMethod::AzureMi => "Leave Login empty, or remove azure_managed_identity_client_id from Extra to use the Login as the client id.",
                    _ => "Nothing to do: the values given are right for this method. Pick another method if the Login matters.",
                },
            )
            .with("method", method_name(*method)),
            SecretIgnored { method } => Wording::new(
                Warning,
                "The secret was left out: {method} needs none, and a Password with an empty Login would make Airflow use it as a personal access token instead.",
                "Nothing to do: the values given leave Password empty.",
            )
            .with("method", method_name(*method)),
            ExtraKeyDropped { key, reason } => Wording::new(
                Warning,
                match reason {
                    DropReason::ReplacesCredential => "The Extra key {key} was left out: Airflow would use it as the token instead of the credential set here.",
                    DropReason::ReplacesHost => "The Extra key {key} was left out: Airflow would use it instead of the Host field.",
                    DropReason::SelectsFederation => "The Extra key {key} was left out: it switches Airflow to token federation, which these values do not set up.",
                    DropReason::SelectsOtherMethod(_) => "The Extra key {key} was left out: it switches Airflow to {other}.",
                    DropReason::NeedsAzureIdentity => "The Extra key {key} was left out: it makes Airflow fetch an Azure management token first, which needs an Entra ID service principal or a managed identity.",
                    DropReason::OnlyForManagedIdentity => "The Extra key {key} was left out: Airflow reads it only for managed identity.",
                },
                match reason {
                    DropReason::ReplacesCredential => "Put the token in the secret field instead.",
                    DropReason::ReplacesHost => "Put the workspace URL in the URL field instead.",
                    DropReason::SelectsOtherMethod(_) => "If you meant to sign in with {other}, pick that method instead.",
                    _ => "Nothing to do unless you meant another sign-in method; then pick that method.",
                },
            )
            .with("key", format!("{key:?}"))
            .with(
                "other",
                match reason {
                    DropReason::SelectsOtherMethod(other) => method_name(*other),
                    _ => "",
                },
            ),
            ExtraValueReplaced { key } => Wording::new(
                Warning,
                "The Extra key {key} must be the JSON value true for this sign-in method; the value given was replaced.",
                "Nothing to do: the values given carry true.",
            )
            .with("key", format!("{key:?}")),
            LoginSelectsFederation => Wording::new(
                Error,
                "This Login is a keyword to recent Airflow Databricks providers (7.23 reads it): federated_aws or federated_k8s switches to token federation instead of user name and password.",
                "Use the real Databricks user name, or a personal access token instead (Databricks is retiring password sign-in).",
            ),
            CredentialNotSendable { field, reason } => Wording::new(
                Error,
                match reason {
                    NotSendable::NotLatin1 => "{field} has characters outside latin-1 (such as €). Airflow stores it, but cannot send it in an HTTP header: every request fails before it leaves Airflow.",
                    NotSendable::LineBreakInHeader => "{field} contains a line break. Airflow stores it, but cannot send it in an HTTP header: every request fails before it leaves Airflow.",
                },
                "Check that the right text was copied: Databricks tokens and client secrets are plain ASCII. Create a new one if needed.",
            )
            .with("field", capitalise(field.label())),
            NulCharacter => Wording::new(
                Error,
                "The input contains a NUL character, which no Airflow form can carry (a shell argument, an environment variable or a database field), so no values are given.",
                "Copy the value again from its source; a secret never contains a NUL character.",
            ),
            LineBreakNotTypeable { field } => Wording::new(
                Warning,
                "{field} contains a line break, and the boxes of Airflow's connection form hold one line: the values for the form are not given.",
                "Check that the right text was copied; if the line break belongs there, use the environment variable, JSON or CLI form instead.",
            )
            .with("field", capitalise(field.label())),
            ConnIdNotShellName { var } => Wording::new(
                Warning,
                "The variable name {var} contains a character a shell cannot use in a name ('-' or '.'): `export` refuses it, so no export line is given.",
                "Use an id of letters, digits and '_' only (for example databricks_prod), or set {var} where names are not checked: your platform's environment settings (Kubernetes env, a Docker Compose environment: list) or the JSON or CLI form.",
            )
            .with("var", var.as_str()),
            ConnIdNotDotenvKey { var } => Wording::new(
                Warning,
                "The variable name {var} is not accepted as a key in a Docker Compose .env file (only letters, digits, '_' and '.'), so no .env line is given.",
                "Use an id of letters, digits and '_' only, or add the connection with the CLI form or the Airflow UI.",
            )
            .with("var", var.as_str()),
            ManagedIdentityClientIdIgnored => Wording::new(
                Warning,
                "On Airflow 2.10 (provider 7.7.5) the managed identity's client id (azure_managed_identity_client_id) is not read: Airflow signs in with the system-assigned identity.",
                "Use a system-assigned identity on Airflow 2.10, or upgrade to Airflow 2.11+ or 3.x with provider 7.10.0 or later.",
            ),
            QuoteBreaksOldAstroCli => Wording::new(
                Info,
                "A value contains a single quote ('). astro-cli before 1.42 pastes each value between single quotes into a shell command, which breaks on it.",
                "Use astro-cli 1.42 or later (astro version), or add this connection with the CLI form.",
            ),
            SchemaPortEmpty => Wording::new(
                Info,
                "Schema and Port stay empty: the Databricks provider builds its request URL from them ({Schema}://{Host}:{Port}), so a database name in Schema breaks every call.",
                "Leave Schema and Port empty in Airflow's form; put a SQL warehouse's catalog or schema in Extra (catalog, schema) if a SQL operator needs one.",
            ),
            EnvConnectionNotInUi => Wording::new(
                Info,
                "A connection defined in an environment variable (or .env) does not appear in Airflow's UI and cannot be tested there.",
                "Check it from a terminal on the scheduler or a worker instead: AIRFLOW__CORE__TEST_CONNECTION=Enabled airflow connections test <id>.",
            ),
            TestConnectionDisabled { command } => Wording::new(
                Info,
                "Airflow's connection Test is off unless AIRFLOW__CORE__TEST_CONNECTION=Enabled, and it runs on the webserver (API server in Airflow 3), not on the workers where tasks run.",
                "Set AIRFLOW__CORE__TEST_CONNECTION=Enabled (exactly that word) for the webserver, or test from a terminal where tasks run: {command}",
            )
            .with("command", command.as_str()),
            SqlNeedsHttpPath => Wording::new(
                Info,
                "There is no http_path in Extra. Test and the REST-based operators work without it, but SQL operators (DatabricksSqlOperator, DatabricksSqlHook) need it.",
                "Add \"http_path\" to Extra: the HTTP path from the SQL warehouse's or cluster's Connection details, for example /sql/1.0/warehouses/1234567890abcdef.",
            ),
            ProviderPinned {
                airflow: AirflowVersion::V2,
            } => Wording::new(
                Info,
                "The provider is pinned to 7.7.5, the last release that installs on Airflow 2.10: an unpinned line upgrades Airflow itself to 3.x.",
                "Keep this exact pin in requirements.txt while you are on Airflow 2.10.",
            ),
            ProviderPinned {
                airflow: AirflowVersion::V3,
            } => Wording::new(
                Info,
                "The provider needs at least 7.10.0: earlier releases build the OAuth token URL from the raw Host field.",
                "Put this line in requirements.txt (Astro) or your image's pip install.",
            ),
            AzureIdentityExtra => Wording::new(
                Info,
                "Microsoft Entra ID sign-in needs the provider's azure-identity extra: without it every call fails with \"No module named 'azure'\".",
                "Install the provider with [azure-identity], as the requirements line does.",
            ),
            StoreCannotNameConnId { store, name } => Wording::new(
                Warning,
                "{store} cannot hold a secret named {name}: {rule}. Its backend finds nothing and Airflow moves on to the next store, so no {store} command is given.",
                "Use an id of letters, digits and '_' only (for example databricks_prod).",
            )
            .with("store", store.title())
            .with("name", name.as_str())
            .with("rule", store.rule()),
            KeyVaultUnderscore { name } => Wording::new(
                Info,
                "Azure Key Vault names take only letters, digits and '-', so the backend looks up {name}: every '_' becomes '-', and case is ignored (databricks_prod and Databricks-Prod are one secret there).",
                "Nothing to do: the command stores the secret under that name. Keep ids that differ only in '_', '-' or case apart.",
            )
            .with("name", name.as_str()),
            VaultLoginReadAsFile => Wording::new(
                Warning,
                "The Login starts with '@' (or is '-'), which `vault kv put` reads as a file name (or stdin), so no Vault command is given.",
                "Add the connection with `vault kv put` yourself, giving login=@file with the Login in that file.",
            ),
            SecretNotPromptable => Wording::new(
                Warning,
                "The secret contains a line break or a control character, which a terminal prompt cannot take: the commands that ask for it (CLI, secrets stores, Kubernetes) are not given.",
                "Check that the right text was copied; if it is, use the environment variable, JSON or Kubernetes manifest form.",
            ),
        }
    }
}

impl AirflowProblem {
    /// One variant, two codes: the reason names the code.
    fn code_of(&self) -> &'static str {
        match self {
            AirflowProblem::CredentialNotSendable { reason, .. } => variant_name(reason),
            other => variant_name(other),
        }
    }
}
