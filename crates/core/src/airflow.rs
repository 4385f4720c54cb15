//! Airflow connection values in every form people paste: the UI fields, the URI, the
//! environment variable (URI and JSON), the CLI (fields and JSON), Astro's
//! `airflow_settings.yaml`, a `.env` line and the provider's requirements line.
//!
//! Each form is `None` where it cannot carry the value safely, with a finding that says
//! why; nothing is emitted that Airflow would read differently from what was meant.
//! How Airflow reads each form is in docs/airflow-connections.md, and tests/airflow/ proves
//! every form against real Airflow 2.10 and 3.x.

pub mod conn_id;
pub mod problem;
mod shell;
#[cfg(test)]
pub(crate) mod stand_in;
pub mod stores;
pub mod uri;
pub mod yaml;

use crate::finding::{Diagnostic, Finding};
use crate::secret::Secret;
use crate::vocabulary::AuthMethod;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

pub use conn_id::{check_conn_id, ConnId, ConnIdProblem};
pub use problem::{AirflowProblem, CredentialField, DropReason, NotSendable, Store};
pub use stores::StoreForm;

/// The id the Databricks operators use when none is given.
pub const DEFAULT_CONN_ID: &str = "databricks_default";

/// The Airflow major version the user runs; it decides the provider pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AirflowVersion {
    /// Airflow 2.10 (the last 2.x most deployments run): provider 7.7.5 at most.
    V2,
    #[default]
    V3,
}

impl AirflowVersion {
    /// The provider version that is safe on this Airflow (docs/airflow-connections.md, "The requirements line"): on
    /// Airflow 2.10 an unpinned provider upgrades Airflow itself to 3.x, and 7.10.0 fixed
    /// the OAuth token URL.
    pub fn provider_pin(self) -> &'static str {
        match self {
            AirflowVersion::V2 => "==7.7.5",
            AirflowVersion::V3 => ">=7.10.0",
        }
    }
}

/// The provider line for requirements.txt. The Entra ID methods also need the provider's
/// `azure-identity` extra: the provider imports `azure.identity` only when it signs in,
/// and without it fails with "No module named 'azure'" (provider 7.7.5 and 7.23.0 list
/// `azure-identity` as an optional extra; tests/airflow/ shows the failure).
pub fn requirements_line(airflow: AirflowVersion, method: AuthMethod) -> String {
    let extra = if method.is_azure_only() {
        "[azure-identity]"
    } else {
        ""
    };
    format!(
        "apache-airflow-providers-databricks{extra}{}",
        airflow.provider_pin()
    )
}

impl Serialize for AirflowVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            AirflowVersion::V2 => "2",
            AirflowVersion::V3 => "3",
        })
    }
}

/// Accepts `2`, `3`, `"2"`, `"3"`, `"v2"`, `"2.x"`, `"2.10"` and the like.
impl<'de> Deserialize<'de> for AirflowVersion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Major;
        impl serde::de::Visitor<'_> for Major {
            type Value = AirflowVersion;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the Airflow major version, 2 or 3")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                match v {
                    2 => Ok(AirflowVersion::V2),
                    3 => Ok(AirflowVersion::V3),
                    _ => Err(E::custom("the Airflow major version must be 2 or 3")),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                self.visit_u64(u64::try_from(v).unwrap_or(0))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                let major = v.trim().trim_start_matches(['v', 'V']);
                match major.split('.').next() {
                    Some("2") => Ok(AirflowVersion::V2),
                    Some("3") => Ok(AirflowVersion::V3),
                    _ => Err(E::custom("the Airflow major version must be 2 or 3")),
                }
            }
        }
        d.deserialize_any(Major)
    }
}

/// What the user typed, as `dbx-check airflow` reads it from stdin.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionRequest {
    #[serde(default = "default_conn_id")]
    pub conn_id: String,
    /// The workspace URL as typed; the host analysis turns it into Airflow's Host.
    #[serde(default)]
    pub host: String,
    pub method: AuthMethod,
    #[serde(default)]
    pub login: String,
    #[serde(default)]
    pub secret: Secret,
    /// Extra keys the user adds (`http_path`, `azure_tenant_id`, ...).
    #[serde(default)]
    pub extra: Map<String, Value>,
    #[serde(default)]
    pub airflow: AirflowVersion,
}

fn default_conn_id() -> String {
    DEFAULT_CONN_ID.to_owned()
}

/// Shows the Extra keys only: a user may paste a secret into an Extra value.
impl fmt::Debug for ConnectionRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionRequest")
            .field("conn_id", &self.conn_id)
            .field("host", &self.host)
            .field("method", &self.method)
            .field("login", &self.login)
            .field("secret", &self.secret)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .field("airflow", &self.airflow)
            .finish()
    }
}

/// Exactly what to type into Airflow's connection form.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionFields {
    pub conn_type: &'static str,
    pub host: String,
    pub login: String,
    pub password: String,
    /// Always empty: see the `schema_port_empty` finding.
    pub schema: String,
    /// Always empty: see the `schema_port_empty` finding.
    pub port: String,
    /// Pretty JSON, or empty when there is no extra.
    pub extra: String,
}

/// The connection in every form; the keys are the `dbx-check airflow` contract and the
/// page's `data-output` names. Every form holds the secret, so `Debug` shows none of them.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct AirflowValues {
    pub fields: Option<ConnectionFields>,
    pub uri: Option<String>,
    pub env: Option<String>,
    pub env_json: Option<String>,
    pub cli: Option<String>,
    pub cli_json: Option<String>,
    pub yaml: Option<String>,
    pub dotenv: Option<String>,
    pub requirements: String,
    /// Where production Airflow keeps connections (see [`stores`]).
    pub aws_secrets_manager: Option<StoreForm>,
    pub gcp_secret_manager: Option<StoreForm>,
    pub azure_key_vault: Option<StoreForm>,
    pub vault: Option<StoreForm>,
    pub kubernetes: Option<StoreForm>,
    pub helm: Option<StoreForm>,
    pub findings: Vec<Finding>,
}

impl AirflowValues {
    /// No form written yet: only the requirements line, which needs no connection.
    fn unwritten(requirements: String) -> AirflowValues {
        AirflowValues {
            fields: None,
            uri: None,
            env: None,
            env_json: None,
            cli: None,
            cli_json: None,
            yaml: None,
            dotenv: None,
            requirements,
            aws_secrets_manager: None,
            gcp_secret_manager: None,
            azure_key_vault: None,
            vault: None,
            kubernetes: None,
            helm: None,
            findings: Vec::new(),
        }
    }
}

impl fmt::Debug for AirflowValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |form: &Option<String>| form.as_ref().map(|_| "<redacted>");
        f.debug_struct("AirflowValues")
            .field("fields", &self.fields.as_ref().map(|_| "<redacted>"))
            .field("uri", &shown(&self.uri))
            .field("env", &shown(&self.env))
            .field("env_json", &shown(&self.env_json))
            .field("cli", &shown(&self.cli))
            .field("cli_json", &shown(&self.cli_json))
            .field("yaml", &shown(&self.yaml))
            .field("dotenv", &shown(&self.dotenv))
            .field("requirements", &self.requirements)
            .field("aws_secrets_manager", &self.aws_secrets_manager)
            .field("gcp_secret_manager", &self.gcp_secret_manager)
            .field("azure_key_vault", &self.azure_key_vault)
            .field("vault", &self.vault)
            .field("kubernetes", &self.kubernetes)
            .field("helm", &self.helm)
            .field("findings", &self.findings)
            .finish()
    }
}

/// The connection as Airflow will hold it, before it is written in any form.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AirflowConnection {
    /// `https://<lower-case hostname>`.
    pub host: String,
    pub login: String,
    pub password: Secret,
    pub extra: Map<String, Value>,
}

/// The Host value for Airflow: the host analysis's `https://<lower-case hostname>`, the one
/// Host every provider version reads right (docs/workspace-hosts.md). Why a host is
/// unusable is the host analysis's finding, shown next to the URL field.
fn airflow_host(raw: &str) -> Result<String, AirflowProblem> {
    if raw.trim().is_empty() {
        return Err(AirflowProblem::HostMissing);
    }
    crate::host::analyse_host(raw)
        .host
        .ok_or(AirflowProblem::HostUnusable)
}

/// What an Extra key means to the provider's `_get_token` (provider 7.23.0 and 7.7.5).
enum KeyRole {
    /// Never written: it overrides something these values set elsewhere.
    Never(DropReason),
    /// Its presence (or truth) selects this sign-in method.
    Selects(AuthMethod),
    /// Only meaningful for these methods; harmful or dead elsewhere.
    BoundTo(&'static [AuthMethod], DropReason),
}

fn key_role(key: &str) -> Option<KeyRole> {
    Some(match key {
        "token" => KeyRole::Never(DropReason::ReplacesCredential),
        "host" => KeyRole::Never(DropReason::ReplacesHost),
        "federated_token_provider" | "federated_aws" | "federated_k8s" => {
            KeyRole::Never(DropReason::SelectsFederation)
        }
        "azure_tenant_id" => KeyRole::Selects(AuthMethod::AzureSp),
        "use_azure_managed_identity" => KeyRole::Selects(AuthMethod::AzureMi),
        "use_default_azure_credential" => KeyRole::Selects(AuthMethod::AzureDefault),
        "service_principal_oauth" => KeyRole::Selects(AuthMethod::SpOauth),
        "azure_resource_id" => KeyRole::BoundTo(
            &[AuthMethod::AzureSp, AuthMethod::AzureMi],
            DropReason::NeedsAzureIdentity,
        ),
        "azure_managed_identity_client_id" => {
            KeyRole::BoundTo(&[AuthMethod::AzureMi], DropReason::OnlyForManagedIdentity)
        }
        _ => return None,
    })
}

/// The Extra flag that selects a method, which these values always write as `true`.
fn method_flag(method: AuthMethod) -> Option<&'static str> {
    match method {
        AuthMethod::SpOauth => Some("service_principal_oauth"),
        AuthMethod::AzureMi => Some("use_azure_managed_identity"),
        AuthMethod::AzureDefault => Some("use_default_azure_credential"),
        _ => None,
    }
}

/// The user's Extra, less every key that would make the provider do something other
/// than `method`, plus the method's own flag.
fn method_extra(
    method: AuthMethod,
    user: &Map<String, Value>,
    problems: &mut Vec<AirflowProblem>,
) -> Map<String, Value> {
    let mut extra = Map::new();
    for (key, value) in user {
        let keep = match key_role(key) {
            None => true,
            Some(KeyRole::Never(reason)) => {
                problems.push(AirflowProblem::ExtraKeyDropped {
                    key: key.clone(),
                    reason,
                });
                false
            }
            Some(KeyRole::Selects(selected)) if selected != method => {
                problems.push(AirflowProblem::ExtraKeyDropped {
                    key: key.clone(),
                    reason: DropReason::SelectsOtherMethod(selected),
                });
                false
            }
            Some(KeyRole::Selects(_)) => true,
            Some(KeyRole::BoundTo(methods, reason)) => {
                let keep = methods.contains(&method);
                if !keep {
                    problems.push(AirflowProblem::ExtraKeyDropped {
                        key: key.clone(),
                        reason,
                    });
                }
                keep
            }
        };
        if keep {
            extra.insert(key.clone(), value.clone());
        }
    }
    if let Some(flag) = method_flag(method) {
        // A real JSON boolean: the provider tests truthiness, and the string "false" is true.
        if extra.get(flag).is_some_and(|v| v != &Value::Bool(true)) {
            problems.push(AirflowProblem::ExtraValueReplaced { key: flag });
        }
        extra.insert(flag.to_owned(), Value::Bool(true));
    }
    extra
}

/// Builds the connection the user means, or `None` (with the reason) when a required
/// input is missing and any value given would make Airflow sign in some other way.
fn connection_for(
    req: &ConnectionRequest,
    host: String,
    problems: &mut Vec<AirflowProblem>,
) -> Option<AirflowConnection> {
    let method = req.method;
    let mut extra = method_extra(method, &req.extra, problems);
    // Problems that leave no correct connection to write.
    let mut missing = Vec::new();
    let (login, password) = match method {
        AuthMethod::Pat | AuthMethod::PatBasic => {
            // Bearer needs Login empty; Basic with a token needs Login `token`.
            let login = if method == AuthMethod::Pat {
                ""
            } else {
                "token"
            };
            if !req.login.is_empty() && req.login != login {
                problems.push(AirflowProblem::LoginIgnored { method });
            }
            if req.secret.is_empty() {
                missing.push(AirflowProblem::SecretMissing { method });
            }
            (login.to_owned(), req.secret.clone())
        }
        AuthMethod::SpOauth | AuthMethod::AzureSp | AuthMethod::Basic => {
            if req.login.is_empty() {
                missing.push(AirflowProblem::LoginMissing { method });
            }
            if req.secret.is_empty() {
                missing.push(AirflowProblem::SecretMissing { method });
            }
            let tenant = extra.get("azure_tenant_id").and_then(Value::as_str);
            if method == AuthMethod::AzureSp && tenant.is_none_or(|t| t.trim().is_empty()) {
                missing.push(AirflowProblem::AzureTenantIdMissing);
            }
            if method == AuthMethod::Basic
                && matches!(req.login.as_str(), "federated_aws" | "federated_k8s")
            {
                missing.push(AirflowProblem::LoginSelectsFederation);
            }
            (req.login.clone(), req.secret.clone())
        }
        AuthMethod::AzureMi | AuthMethod::AzureDefault => {
            if !req.secret.is_empty() {
                problems.push(AirflowProblem::SecretIgnored { method });
            }
            let client_id_key = "azure_managed_identity_client_id";
            if !req.login.is_empty() {
                if method == AuthMethod::AzureMi && !extra.contains_key(client_id_key) {
                    // The page's Login box holds a user-assigned identity's client id.
                    extra.insert(client_id_key.to_owned(), Value::String(req.login.clone()));
                } else {
                    problems.push(AirflowProblem::LoginIgnored { method });
                }
            }
            if req.airflow == AirflowVersion::V2 && extra.contains_key(client_id_key) {
                problems.push(AirflowProblem::ManagedIdentityClientIdIgnored);
            }
            (String::new(), Secret::default())
        }
    };
    let complete = missing.is_empty();
    problems.extend(missing);
    complete.then_some(AirflowConnection {
        host,
        login,
        password,
        extra,
    })
}

/// Problems with sending the credential: the provider sends it in an HTTP header for
/// these methods, and Python's HTTP stack encodes headers as latin-1 and refuses line
/// breaks in them (Basic auth base64-encodes the latin-1 bytes, so only latin-1 matters).
fn sending_problems(method: AuthMethod, conn: &AirflowConnection) -> Vec<AirflowProblem> {
    let not_latin1 = |text: &str| text.chars().any(|c| u32::from(c) > 0xFF);
    let line_break = |text: &str| text.contains(['\n', '\r']);
    let mut problems = Vec::new();
    let password = conn.password.expose();
    let mut check = |field, text: &str, bearer: bool| {
        if not_latin1(text) {
            problems.push(AirflowProblem::CredentialNotSendable {
                field,
                reason: NotSendable::NotLatin1,
            });
        } else if bearer && line_break(text) {
            problems.push(AirflowProblem::CredentialNotSendable {
                field,
                reason: NotSendable::LineBreakInHeader,
            });
        }
    };
    match method {
        AuthMethod::Pat => check(CredentialField::Secret, password, true),
        AuthMethod::PatBasic => check(CredentialField::Secret, password, false),
        AuthMethod::SpOauth | AuthMethod::Basic => {
            check(CredentialField::Login, &conn.login, false);
            check(CredentialField::Secret, password, false);
        }
        // Entra ID and managed identity send the secret in a form body, as UTF-8.
        AuthMethod::AzureSp | AuthMethod::AzureMi | AuthMethod::AzureDefault => {}
    }
    problems
}

fn has_nul(value: &Value) -> bool {
    holds(value, '\0')
}

/// Whether a key or string of `value` holds `c`; for a `c` JSON writes as it is (a quote
/// `'`, not a NUL), the same as whether the JSON text does, without writing it.
fn holds(value: &Value, c: char) -> bool {
    match value {
        Value::String(s) => s.contains(c),
        Value::Array(items) => items.iter().any(|v| holds(v, c)),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains(c) || holds(v, c)),
        _ => false,
    }
}

/// The JSON form of the variable: Airflow's `Connection.from_json` keys, `extra` as an
/// object (keeps real booleans), and never `conn_id` (the connection would silently
/// become "not defined").
fn connection_json(conn: &AirflowConnection) -> String {
    let mut json = Map::new();
    json.insert("conn_type".into(), "databricks".into());
    json.insert("host".into(), conn.host.clone().into());
    if !conn.login.is_empty() {
        json.insert("login".into(), conn.login.clone().into());
    }
    let password = conn.password.expose();
    if !password.is_empty() {
        json.insert("password".into(), password.into());
    }
    if !conn.extra.is_empty() {
        json.insert("extra".into(), Value::Object(conn.extra.clone()));
    }
    Value::Object(json).to_string()
}

fn form_fields(conn: &AirflowConnection) -> ConnectionFields {
    ConnectionFields {
        conn_type: "databricks",
        host: conn.host.clone(),
        login: conn.login.clone(),
        password: conn.password.expose().to_owned(),
        schema: String::new(),
        port: String::new(),
        extra: if conn.extra.is_empty() {
            String::new()
        } else {
            serde_json::to_string_pretty(&conn.extra).unwrap_or_default()
        },
    }
}

/// Every Airflow form of the connection the user describes. Never panics.
///
/// ```
/// use dbx_check_core::{airflow_values, ConnectionRequest};
///
/// let request: ConnectionRequest = serde_json::from_str(
///     r#"{"host": "adb-1.2.azuredatabricks.net/?o=1", "method": "pat", "secret": "dapi#1"}"#,
/// )
/// .unwrap();
/// let values = airflow_values(&request);
/// assert_eq!(
///     values.uri.as_deref(),
///     Some("databricks://https://:dapi%231@adb-1.2.azuredatabricks.net")
/// );
/// assert_eq!(
///     values.dotenv.as_deref(),
///     Some("AIRFLOW_CONN_DATABRICKS_DEFAULT='databricks://https://:dapi%231@adb-1.2.azuredatabricks.net'")
/// );
/// assert!(values.findings.iter().any(|f| f.code == "sql_needs_http_path"));
/// ```
pub fn airflow_values(req: &ConnectionRequest) -> AirflowValues {
    build_values(req, airflow_host(&req.host), None, None).0
}

/// [`airflow_values`] for the page's form, which has analysed `req.host` already
/// (`host` is that analysis's Host value), and, when `mask` is given, the same forms with
/// `mask` in place of the secret, for the screen.
pub(crate) fn airflow_values_masked(
    req: &ConnectionRequest,
    host: Option<&str>,
    mask: Option<&str>,
) -> (AirflowValues, Option<AirflowValues>) {
    let host = if req.host.trim().is_empty() {
        Err(AirflowProblem::HostMissing)
    } else {
        host.map(str::to_owned).ok_or(AirflowProblem::HostUnusable)
    };
    build_values(req, host, None, mask)
}

/// [`airflow_values`] with the secrets-store forms (`aws_secrets_manager` … `helm`) and
/// their findings, for `dbx-check airflow`. The page calls [`airflow_values`]: it does not
/// show the stores, and what it never names is not in its WebAssembly (the stores cost
/// 3 KB brotli, over the issue's budget).
pub fn airflow_values_with_stores(req: &ConnectionRequest) -> AirflowValues {
    build_values(req, airflow_host(&req.host), Some(add_stores), None).0
}

/// Fills the store forms of a connection whose secret can be typed at a prompt.
type StoresStep = fn(
    &ConnId,
    &AirflowConnection,
    &ConnectionRequest,
    &mut AirflowValues,
    &mut Vec<AirflowProblem>,
);

fn add_stores(
    id: &ConnId,
    conn: &AirflowConnection,
    req: &ConnectionRequest,
    values: &mut AirflowValues,
    problems: &mut Vec<AirflowProblem>,
) {
    let found = stores::stores(id, conn, req.method, req.airflow, problems);
    values.aws_secrets_manager = found.aws;
    values.gcp_secret_manager = found.gcp;
    values.azure_key_vault = found.azure;
    values.vault = found.vault;
    values.kubernetes = found.kubernetes;
    values.helm = found.helm;
}

/// The values of `req` for the Host `host` (what [`airflow_host`] made of `req.host`),
/// and, when `mask` is given, the same forms written with `mask` standing in for a
/// non-empty secret (the page's on-screen copy): one analysis, two writings.
fn build_values(
    req: &ConnectionRequest,
    host: Result<String, AirflowProblem>,
    stores_step: Option<StoresStep>,
    mask: Option<&str>,
) -> (AirflowValues, Option<AirflowValues>) {
    let mut findings: Vec<Finding> = Vec::new();
    let mut problems: Vec<AirflowProblem> = Vec::new();
    let mut values = AirflowValues::unwritten(requirements_line(req.airflow, req.method));

    let conn_id = check_conn_id(&req.conn_id);
    if let Err(problem) = &conn_id {
        findings.push(problem.to_finding());
    }
    let nul = req.login.contains('\0')
        || req.secret.expose().contains('\0')
        || req
            .extra
            .iter()
            .any(|(k, v)| k.contains('\0') || has_nul(v));
    let conn = match host {
        Err(problem) => {
            problems.push(problem);
            None
        }
        Ok(_) if nul => {
            problems.push(AirflowProblem::NulCharacter);
            None
        }
        Ok(host) => connection_for(req, host, &mut problems),
    };

    if let Some(conn) = &conn {
        write_forms(&mut values, &conn_id, conn, req, stores_step, &mut problems);
    }
    let masked = mask.map(|mask| match &conn {
        Some(conn) => masked_forms(&values, &conn_id, conn, mask),
        None => AirflowValues::unwritten(values.requirements.clone()),
    });
    problems.push(AirflowProblem::ProviderPinned {
        airflow: req.airflow,
    });
    if req.method.is_azure_only() {
        problems.push(AirflowProblem::AzureIdentityExtra);
    }

    findings.extend(problems.iter().map(Diagnostic::to_finding));
    // Errors first, then warnings, then notes; stable within each.
    crate::finding::errors_first(&mut findings);
    values.findings = findings;
    (values, masked)
}

/// The forms of `values` (written for `conn`) with `mask` in place of a non-empty
/// secret. The commands never hold the secret (they ask for it), so they are the same;
/// the forms that hold it are written again from the masked connection.
fn masked_forms(
    values: &AirflowValues,
    conn_id: &Result<ConnId, ConnIdProblem>,
    conn: &AirflowConnection,
    mask: &str,
) -> AirflowValues {
    let conn = AirflowConnection {
        password: if conn.password.is_empty() {
            Secret::default()
        } else {
            Secret::new(mask)
        },
        ..conn.clone()
    };
    let mut masked = AirflowValues::unwritten(values.requirements.clone());
    masked.cli = values.cli.clone();
    masked.cli_json = values.cli_json.clone();
    masked.fields = values.fields.as_ref().map(|fields| ConnectionFields {
        password: conn.password.expose().to_owned(),
        ..fields.clone()
    });
    let uri = uri::connection_uri(&conn);
    if let Ok(id) = conn_id {
        masked.env = shell::export_line(id, &uri);
        masked.env_json = shell::export_line(id, &connection_json(&conn));
        masked.yaml = Some(yaml::astro_settings(id, &conn));
        if id.is_dotenv_key() {
            masked.dotenv = Some(dotenv_line(id, &uri));
        }
    }
    masked.uri = Some(uri);
    masked
}

/// Single quotes: Docker Compose keeps them literal (no `$` expansion, no `#` comment)
/// and Astro's standalone mode strips one pair; the encoded URI never holds a `'`.
fn dotenv_line(id: &ConnId, uri: &str) -> String {
    format!("{}='{}'", id.env_var(), uri)
}

/// Writes every form of `conn` into `values`, with the problems the writing meets.
fn write_forms(
    values: &mut AirflowValues,
    conn_id: &Result<ConnId, ConnIdProblem>,
    conn: &AirflowConnection,
    req: &ConnectionRequest,
    stores_step: Option<StoresStep>,
    problems: &mut Vec<AirflowProblem>,
) {
    problems.extend(sending_problems(req.method, conn));
    let uri = uri::connection_uri(conn);
    let json = connection_json(conn);

    let line_break = [
        (CredentialField::Login, conn.login.as_str()),
        (CredentialField::Secret, conn.password.expose()),
    ]
    .into_iter()
    .find(|(_, text)| text.contains(['\n', '\r']));
    match line_break {
        Some((field, _)) => problems.push(AirflowProblem::LineBreakNotTypeable { field }),
        None => values.fields = Some(form_fields(conn)),
    }

    if let Ok(id) = &conn_id {
        values.env = shell::export_line(id, &uri);
        values.env_json = shell::export_line(id, &json);
        // Commands ask for the secret; a prompt cannot take every secret.
        let promptable = stores::promptable(conn.password.expose());
        if !promptable {
            problems.push(AirflowProblem::SecretNotPromptable);
        }
        let prompt = promptable.then(|| stores::prompt_label(req.method));
        values.cli = shell::cli_fields(id, conn, prompt);
        values.cli_json = shell::cli_json(id, conn, prompt);
        if let Some(step) = stores_step.filter(|_| promptable) {
            step(id, conn, req, values, problems);
        }
        values.yaml = Some(yaml::astro_settings(id, conn));
        if id.is_dotenv_key() {
            values.dotenv = Some(dotenv_line(id, &uri));
        }
        if !id.is_shell_name() {
            problems.push(AirflowProblem::ConnIdNotShellName { var: id.env_var() });
        }
        if !id.is_dotenv_key() {
            problems.push(AirflowProblem::ConnIdNotDotenvKey { var: id.env_var() });
        }
        let quoted = [id.as_str(), conn.login.as_str(), conn.password.expose()]
            .iter()
            .any(|v| v.contains('\''))
            || conn
                .extra
                .iter()
                .any(|(k, v)| k.contains('\'') || holds(v, '\''));
        if quoted {
            problems.push(AirflowProblem::QuoteBreaksOldAstroCli);
        }
        problems.push(AirflowProblem::TestConnectionDisabled {
            command: shell::test_command(id),
        });
    }
    values.uri = Some(uri);

    problems.push(AirflowProblem::SchemaPortEmpty);
    problems.push(AirflowProblem::EnvConnectionNotInUi);
    if !conn.extra.contains_key("http_path") {
        problems.push(AirflowProblem::SqlNeedsHttpPath);
    }
}

#[cfg(test)]
mod tests;
