//! What can be wrong with, or worth knowing about, an Airflow connection built from the
//! user's input; each problem renders into a [`Finding`](crate::Finding).

use crate::finding::{Diagnostic, Severity};
use crate::vocabulary::AuthMethod;

use super::AirflowVersion;

/// A credential input, named by the Airflow field it goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSendable {
    /// HTTP headers are latin-1 in Python's `http.client` and `requests`' Basic auth.
    NotLatin1,
    /// `requests` refuses a header value with a line break.
    LineBreakInHeader,
}

/// A secrets store with naming rules of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Gcp,
    Azure,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AirflowProblem {
    HostMissing,
    HostUnusable,
    LoginMissing {
        method: AuthMethod,
    },
    SecretMissing {
        method: AuthMethod,
    },
    TenantMissing,
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
    SchemaAndPortEmpty,
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
    StoreCannotName {
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

impl Diagnostic for AirflowProblem {
    fn code(&self) -> &'static str {
        use AirflowProblem::*;
        match self {
            HostMissing => "host_missing",
            HostUnusable => "host_unusable",
            LoginMissing { .. } => "login_missing",
            SecretMissing { .. } => "secret_missing",
            TenantMissing => "azure_tenant_id_missing",
            LoginIgnored { .. } => "login_ignored",
            SecretIgnored { .. } => "secret_ignored",
            ExtraKeyDropped { .. } => "extra_key_dropped",
            ExtraValueReplaced { .. } => "extra_value_replaced",
            LoginSelectsFederation => "login_selects_federation",
            CredentialNotSendable {
                reason: NotSendable::NotLatin1,
                ..
            } => "credential_not_latin1",
            CredentialNotSendable {
                reason: NotSendable::LineBreakInHeader,
                ..
            } => "credential_line_break",
            NulCharacter => "nul_character",
            LineBreakNotTypeable { .. } => "line_break_not_typeable",
            ConnIdNotShellName { .. } => "conn_id_not_shell_name",
            ConnIdNotDotenvKey { .. } => "conn_id_not_dotenv_key",
            ManagedIdentityClientIdIgnored => "managed_identity_client_id_ignored",
            QuoteBreaksOldAstroCli => "quote_breaks_old_astro_cli",
            SchemaAndPortEmpty => "schema_port_empty",
            EnvConnectionNotInUi => "env_connection_not_in_ui",
            TestConnectionDisabled { .. } => "test_connection_disabled",
            SqlNeedsHttpPath => "sql_needs_http_path",
            ProviderPinned { .. } => "provider_pinned",
            AzureIdentityExtra => "azure_identity_extra",
            StoreCannotName { .. } => "store_cannot_name_conn_id",
            KeyVaultUnderscore { .. } => "key_vault_underscore",
            VaultLoginReadAsFile => "vault_login_read_as_file",
            SecretNotPromptable => "secret_not_promptable",
        }
    }

    fn severity(&self) -> Severity {
        use AirflowProblem::*;
        match self {
            HostMissing
            | HostUnusable
            | LoginMissing { .. }
            | SecretMissing { .. }
            | TenantMissing
            | LoginSelectsFederation
            | CredentialNotSendable { .. }
            | NulCharacter => Severity::Error,
            LoginIgnored { .. }
            | SecretIgnored { .. }
            | ExtraKeyDropped { .. }
            | ExtraValueReplaced { .. }
            | LineBreakNotTypeable { .. }
            | ConnIdNotShellName { .. }
            | ConnIdNotDotenvKey { .. }
            | ManagedIdentityClientIdIgnored
            | StoreCannotName { .. }
            | VaultLoginReadAsFile
            | SecretNotPromptable => Severity::Warning,
            QuoteBreaksOldAstroCli
            | SchemaAndPortEmpty
            | EnvConnectionNotInUi
            | TestConnectionDisabled { .. }
            | SqlNeedsHttpPath
            | ProviderPinned { .. }
            | AzureIdentityExtra
            | KeyVaultUnderscore { .. } => Severity::Info,
        }
    }

    fn message(&self) -> String {
        use AirflowProblem::*;
        match self {
            HostMissing => "There is no workspace URL, so there is nothing to put in Airflow's Host field.".into(),
            HostUnusable => "The workspace URL cannot be turned into an Airflow Host value, so no connection values are given.".into(),
            LoginMissing { method } => format!(
                "Signing in with {} needs a Login (the client or application id), and it is empty. Without it Airflow would use the secret as a personal access token.",
                method_name(*method)
            ),
            SecretMissing { method } => format!(
                "Signing in with {} needs a secret, and it is empty.",
                method_name(*method)
            ),
            TenantMissing => "A Microsoft Entra ID service principal needs the tenant id in Extra (azure_tenant_id), and there is none: without it Airflow signs in with Databricks Basic auth instead.".into(),
            LoginIgnored { method: AuthMethod::PatBasic } => "With a personal access token sent as Basic auth, Airflow's Login must be exactly 'token'; the Login typed was replaced.".into(),
            LoginIgnored { method: AuthMethod::AzureMi } => "The Login was not used: the managed identity's client id is already in Extra (azure_managed_identity_client_id).".into(),
            LoginIgnored { method: AuthMethod::AzureDefault } => "The Login was left out: DefaultAzureCredential takes its identity from the environment (AZURE_CLIENT_ID, AZURE_TENANT_ID and the like), not from Login.".into(),
            LoginIgnored { method } => format!(
                "The Login was left out: with {} Airflow's Login stays empty (with a Login, the token would be sent as Basic auth instead).",
                method_name(*method)
            ),
            SecretIgnored { method } => format!(
                "The secret was left out: {} needs none, and a Password with an empty Login would make Airflow use it as a personal access token instead.",
                method_name(*method)
            ),
            ExtraKeyDropped { key, reason } => {
                let why = match reason {
                    DropReason::ReplacesCredential => "Airflow would use it as the token instead of the credential set here".to_owned(),
                    DropReason::ReplacesHost => "Airflow would use it instead of the Host field".to_owned(),
                    DropReason::SelectsFederation => "it switches Airflow to token federation, which these values do not set up".to_owned(),
                    DropReason::SelectsOtherMethod(other) => format!("it switches Airflow to {}", method_name(*other)),
                    DropReason::NeedsAzureIdentity => "it makes Airflow fetch an Azure management token first, which needs an Entra ID service principal or a managed identity".to_owned(),
                    DropReason::OnlyForManagedIdentity => "Airflow reads it only for managed identity".to_owned(),
                };
                format!("The Extra key {key:?} was left out: {why}.")
            }
            ExtraValueReplaced { key } => format!(
                "The Extra key {key:?} must be the JSON value true for this sign-in method; the value given was replaced."
            ),
            LoginSelectsFederation => "This Login is a keyword to recent Airflow Databricks providers (7.23 reads it): federated_aws or federated_k8s switches to token federation instead of user name and password.".into(),
            CredentialNotSendable { field, reason: NotSendable::NotLatin1 } => format!(
                "{} has characters outside latin-1 (such as €). Airflow stores it, but cannot send it in an HTTP header: every request fails before it leaves Airflow.",
                crate::finding::capitalise(field.label())
            ),
            CredentialNotSendable { field, reason: NotSendable::LineBreakInHeader } => format!(
                "{} contains a line break. Airflow stores it, but cannot send it in an HTTP header: every request fails before it leaves Airflow.",
                crate::finding::capitalise(field.label())
            ),
            NulCharacter => "The input contains a NUL character, which no Airflow form can carry (a shell argument, an environment variable or a database field), so no values are given.".into(),
            LineBreakNotTypeable { field } => format!(
                "{} contains a line break, and the boxes of Airflow's connection form hold one line: the values for the form are not given.",
                crate::finding::capitalise(field.label())
            ),
            ConnIdNotShellName { var } => format!(
                "The variable name {var} contains a character a shell cannot use in a name ('-' or '.'): `export` refuses it, so no export line is given."
            ),
            ConnIdNotDotenvKey { var } => format!(
                "The variable name {var} is not accepted as a key in a Docker Compose .env file (only letters, digits, '_' and '.'), so no .env line is given."
            ),
            ManagedIdentityClientIdIgnored => "On Airflow 2.10 (provider 7.7.5) the managed identity's client id (azure_managed_identity_client_id) is not read: Airflow signs in with the system-assigned identity.".into(),
            QuoteBreaksOldAstroCli => "A value contains a single quote ('). astro-cli before 1.42 pastes each value between single quotes into a shell command, which breaks on it.".into(),
            SchemaAndPortEmpty => "Schema and Port stay empty: the Databricks provider builds its request URL from them ({Schema}://{Host}:{Port}), so a database name in Schema breaks every call.".into(),
            EnvConnectionNotInUi => "A connection defined in an environment variable (or .env) does not appear in Airflow's UI and cannot be tested there.".into(),
            TestConnectionDisabled { .. } => "Airflow's connection Test is off unless AIRFLOW__CORE__TEST_CONNECTION=Enabled, and it runs on the webserver (API server in Airflow 3), not on the workers where tasks run.".into(),
            SqlNeedsHttpPath => "There is no http_path in Extra. Test and the REST-based operators work without it, but SQL operators (DatabricksSqlOperator, DatabricksSqlHook) need it.".into(),
            ProviderPinned { airflow: AirflowVersion::V2 } => "The provider is pinned to 7.7.5, the last release that installs on Airflow 2.10: an unpinned line upgrades Airflow itself to 3.x.".into(),
            ProviderPinned { airflow: AirflowVersion::V3 } => "The provider needs at least 7.10.0: earlier releases build the OAuth token URL from the raw Host field.".into(),
            AzureIdentityExtra => "Microsoft Entra ID sign-in needs the provider's azure-identity extra: without it every call fails with \"No module named 'azure'\".".into(),
            StoreCannotName { store, name } => format!(
                "{} cannot hold a secret named {name}: {}. Its backend finds nothing and Airflow moves on to the next store, so no {} command is given.",
                store.title(), store.rule(), store.title()
            ),
            KeyVaultUnderscore { name } => format!(
                "Azure Key Vault names take only letters, digits and '-', so the backend looks up {name}: every '_' becomes '-', and case is ignored (databricks_prod and Databricks-Prod are one secret there)."
            ),
            VaultLoginReadAsFile => "The Login starts with '@' (or is '-'), which `vault kv put` reads as a file name (or stdin), so no Vault command is given.".into(),
            SecretNotPromptable => "The secret contains a line break or a control character, which a terminal prompt cannot take: the commands that ask for it (CLI, secrets stores, Kubernetes) are not given.".into(),
        }
    }

    fn fix(&self) -> String {
        use AirflowProblem::*;
        match self {
            HostMissing => "Paste the workspace URL from your browser's address bar, for example https://adb-1234567890123456.7.azuredatabricks.net.".into(),
            HostUnusable => "Fix the workspace URL first (see its own findings); the Airflow values follow.".into(),
            LoginMissing { .. } => "Put the service principal's client id (application id) in Login.".into(),
            SecretMissing { .. } => "Paste the secret (token or client secret) into the secret field.".into(),
            TenantMissing => "Add the Entra ID tenant id (a UUID, shown on the app registration's overview) as azure_tenant_id in Extra.".into(),
            LoginIgnored { method: AuthMethod::AzureMi } => "Leave Login empty, or remove azure_managed_identity_client_id from Extra to use the Login as the client id.".into(),
            LoginIgnored { .. } => "Nothing to do: the values given are right for this method. Pick another method if the Login matters.".into(),
            SecretIgnored { .. } => "Nothing to do: the values given leave Password empty.".into(),
            ExtraKeyDropped { reason: DropReason::ReplacesCredential, .. } => "Put the token in the secret field instead.".into(),
            ExtraKeyDropped { reason: DropReason::ReplacesHost, .. } => "Put the workspace URL in the URL field instead.".into(),
            ExtraKeyDropped { reason: DropReason::SelectsOtherMethod(other), .. } => format!(
                "If you meant to sign in with {}, pick that method instead.",
                method_name(*other)
            ),
            ExtraKeyDropped { .. } => "Nothing to do unless you meant another sign-in method; then pick that method.".into(),
            ExtraValueReplaced { .. } => "Nothing to do: the values given carry true.".into(),
            LoginSelectsFederation => "Use the real Databricks user name, or a personal access token instead (Databricks is retiring password sign-in).".into(),
            CredentialNotSendable { .. } => "Check that the right text was copied: Databricks tokens and client secrets are plain ASCII. Create a new one if needed.".into(),
            NulCharacter => "Copy the value again from its source; a secret never contains a NUL character.".into(),
            LineBreakNotTypeable { .. } => "Check that the right text was copied; if the line break belongs there, use the environment variable, JSON or CLI form instead.".into(),
            ConnIdNotShellName { var } => format!(
                "Use an id of letters, digits and '_' only (for example databricks_prod), or set {var} where names are not checked: your platform's environment settings (Kubernetes env, a Docker Compose environment: list) or the JSON or CLI form."
            ),
            ConnIdNotDotenvKey { .. } => "Use an id of letters, digits and '_' only, or add the connection with the CLI form or the Airflow UI.".into(),
            ManagedIdentityClientIdIgnored => "Use a system-assigned identity on Airflow 2.10, or upgrade to Airflow 2.11+ or 3.x with provider 7.10.0 or later.".into(),
            QuoteBreaksOldAstroCli => "Use astro-cli 1.42 or later (astro version), or add this connection with the CLI form.".into(),
            SchemaAndPortEmpty => "Leave Schema and Port empty in Airflow's form; put a SQL warehouse's catalog or schema in Extra (catalog, schema) if a SQL operator needs one.".into(),
            EnvConnectionNotInUi => "Check it from a terminal on the scheduler or a worker instead: AIRFLOW__CORE__TEST_CONNECTION=Enabled airflow connections test <id>.".into(),
            TestConnectionDisabled { command } => format!(
                "Set AIRFLOW__CORE__TEST_CONNECTION=Enabled (exactly that word) for the webserver, or test from a terminal where tasks run: {command}"
            ),
            SqlNeedsHttpPath => "Add \"http_path\" to Extra: the HTTP path from the SQL warehouse's or cluster's Connection details, for example /sql/1.0/warehouses/1234567890abcdef.".into(),
            ProviderPinned { airflow: AirflowVersion::V2 } => "Keep this exact pin in requirements.txt while you are on Airflow 2.10.".into(),
            ProviderPinned { airflow: AirflowVersion::V3 } => "Put this line in requirements.txt (Astro) or your image's pip install.".into(),
            AzureIdentityExtra => "Install the provider with [azure-identity], as the requirements line does.".into(),
            StoreCannotName { .. } => "Use an id of letters, digits and '_' only (for example databricks_prod).".into(),
            KeyVaultUnderscore { .. } => "Nothing to do: the command stores the secret under that name. Keep ids that differ only in '_', '-' or case apart.".into(),
            VaultLoginReadAsFile => "Add the connection with `vault kv put` yourself, giving login=@file with the Login in that file.".into(),
            SecretNotPromptable => "Check that the right text was copied; if it is, use the environment variable, JSON or Kubernetes manifest form.".into(),
        }
    }
}
