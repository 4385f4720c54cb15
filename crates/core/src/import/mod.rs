//! An existing Airflow connection, from whatever text the user holds: a URI, an
//! `AIRFLOW_CONN_…` line, connection JSON, `airflow connections export` / `get` output,
//! Astro's `airflow_settings.yaml` or an `airflow connections add` command. Each is read
//! exactly as Airflow 3 reads it (docs/airflow-import.md cites the Airflow code for every
//! rule, and where Airflow 2.10 differs), then judged as the Databricks provider will use
//! it. tests/airflow/ checks a corpus against real Airflow 3 and 2.10.

mod cli;
mod forms;
pub mod problem;
pub mod uri;
pub mod yaml;

use crate::finding::{errors_first, Diagnostic, Finding};
use crate::form::FormInput;
use crate::secret::Secret;
use crate::vocabulary::AuthMethod;
use forms::truthy;
use serde::ser::SerializeStruct;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;

pub use problem::{CliProblem, ImportProblem, UriProblem, YamlProblem};

/// The form a connection was pasted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextForm {
    /// A bare `databricks://…` URI.
    Uri,
    /// `AIRFLOW_CONN_…=<URI>` (shell, `.env`, docker-compose, Kubernetes).
    EnvUri,
    /// `AIRFLOW_CONN_…=<JSON>`.
    EnvJson,
    /// One connection as JSON (`Connection.from_json`).
    ConnectionJson,
    /// `airflow connections export` files.
    ExportJson,
    ExportYaml,
    ExportEnv,
    /// `airflow connections get -o json` or `-o yaml`.
    GetOutput,
    /// Astro's `airflow_settings.yaml`.
    AstroYaml,
    /// `airflow connections add` with field flags, `--conn-uri` or `--conn-json`.
    CliFields,
    CliUri,
    CliJson,
}

/// The fields as Airflow holds them before the extra is read: `None` and empty differ
/// in Airflow (a URI gives an empty Login, JSON none), and both count as empty.
#[derive(Clone, PartialEq, Default)]
pub(crate) struct RawConnection {
    pub conn_type: Option<String>,
    pub host: Option<String>,
    pub login: Option<String>,
    pub password: Option<String>,
    pub schema: Option<String>,
    pub port: Option<i64>,
    /// Extra as Airflow stores it: text that should hold a JSON object.
    pub extra: Option<String>,
}

impl fmt::Debug for RawConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawConnection")
            .field("conn_type", &self.conn_type)
            .field("host", &self.host)
            .field("login", &self.login)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("extra", &self.extra.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A connection as Airflow decodes it.
#[derive(Clone, PartialEq)]
pub struct ImportedConnection {
    pub conn_type: Option<String>,
    pub host: Option<String>,
    pub login: Option<String>,
    pub password: Option<Secret>,
    pub schema: Option<String>,
    pub port: Option<i64>,
    /// `extra_dejson`; a `token` in it is a secret too.
    pub extra: Map<String, Value>,
}

/// Extra's keys only: a token may sit in it.
impl fmt::Debug for ImportedConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportedConnection")
            .field("conn_type", &self.conn_type)
            .field("host", &self.host)
            .field("login", &self.login)
            .field("password", &self.password)
            .field("schema", &self.schema)
            .field("port", &self.port)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Writes the password in clear: this is the `dbx-check import` output, for scripts and
/// tests, as `dbx-check airflow` writes its forms with the secret.
impl Serialize for ImportedConnection {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ImportedConnection", 7)?;
        st.serialize_field("conn_type", &self.conn_type)?;
        st.serialize_field("host", &self.host)?;
        st.serialize_field("login", &self.login)?;
        st.serialize_field("password", &self.password.as_ref().map(Secret::expose))?;
        st.serialize_field("schema", &self.schema)?;
        st.serialize_field("port", &self.port)?;
        st.serialize_field("extra", &self.extra)?;
        st.end()
    }
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

impl ImportedConnection {
    fn from_raw(raw: RawConnection) -> Result<Self, ImportProblem> {
        let extra = match raw.extra.as_deref() {
            None | Some("") => Map::new(),
            Some(json) => match serde_json::from_str::<Value>(json) {
                Ok(Value::Object(map)) => map,
                Ok(_) => return Err(ImportProblem::ExtraNotObject),
                Err(_) => return Err(ImportProblem::ExtraNotJson),
            },
        };
        Ok(ImportedConnection {
            conn_type: raw.conn_type,
            host: raw.host,
            login: raw.login,
            password: raw.password.map(Secret::new),
            schema: raw.schema,
            port: raw.port,
            extra,
        })
    }

    fn login(&self) -> &str {
        text(&self.login)
    }

    fn password(&self) -> &str {
        self.password.as_ref().map_or("", Secret::expose)
    }

    fn extra_flag(&self, key: &str) -> bool {
        self.extra.get(key).is_some_and(truthy)
    }

    /// The sign-in the provider will use: `_get_token`'s order, then HTTP Basic
    /// (provider 7.23.0 `databricks_base.py`; shared order with 7.7.5 but federation).
    pub fn method(&self) -> Result<AuthMethod, ImportProblem> {
        let login = self.login();
        if self.extra.contains_key("token") || (login.is_empty() && !self.password().is_empty()) {
            return Ok(AuthMethod::Pat);
        }
        if self.extra.contains_key("azure_tenant_id") {
            return Ok(AuthMethod::AzureSp);
        }
        if self.extra_flag("use_azure_managed_identity") {
            return Ok(AuthMethod::AzureMi);
        }
        if self.extra_flag("use_default_azure_credential") {
            return Ok(AuthMethod::AzureDefault);
        }
        if self.extra_flag("service_principal_oauth") {
            return Ok(AuthMethod::SpOauth);
        }
        if self.extra_flag("federated_token_provider")
            || self.extra_flag("federated_aws")
            || self.extra_flag("federated_k8s")
            || matches!(login, "federated_aws" | "federated_k8s")
        {
            return Err(ImportProblem::Federation);
        }
        match login {
            "token" => Ok(AuthMethod::PatBasic),
            "" if self.password().is_empty() => Err(ImportProblem::NoCredential),
            _ => Ok(AuthMethod::Basic),
        }
    }

    /// The secret the provider sends: an Extra `token` first, else the Password.
    pub fn secret(&self) -> Secret {
        match self.extra.get("token") {
            Some(Value::String(token)) => Secret::new(token.clone()),
            Some(other) => Secret::new(other.to_string()),
            None => self.password.clone().unwrap_or_default(),
        }
    }

    /// What only the whole connection shows.
    fn problems(&self, method: Option<AuthMethod>) -> Vec<ImportProblem> {
        let mut out = Vec::new();
        let conn_type = text(&self.conn_type);
        if conn_type != "databricks" {
            out.push(ImportProblem::ConnTypeNotDatabricks {
                conn_type: conn_type.to_owned(),
            });
        }
        let extra_host = self.extra.get("host").and_then(Value::as_str);
        if extra_host.is_some() {
            out.push(ImportProblem::ExtraHostOverrides);
        }
        let host = extra_host.unwrap_or(text(&self.host));
        if host.trim().is_empty() {
            out.push(ImportProblem::HostMissing);
        } else if !host.starts_with("https://") {
            out.push(ImportProblem::HostWithoutScheme);
        }
        if !host.is_ascii() {
            out.push(ImportProblem::HostNotAscii);
        }
        if !text(&self.schema).is_empty() {
            out.push(ImportProblem::SchemaSet);
        }
        if self.port.is_some() {
            out.push(ImportProblem::PortSet);
        }
        let legacy: Vec<String> = self
            .extra
            .keys()
            .filter(|k| k.starts_with("extra__databricks__"))
            .cloned()
            .collect();
        if !legacy.is_empty() {
            out.push(ImportProblem::LegacyExtraKeys { keys: legacy });
        }
        for key in [
            "service_principal_oauth",
            "use_azure_managed_identity",
            "use_default_azure_credential",
        ] {
            if self.extra.get(key).is_some_and(Value::is_string) {
                out.push(ImportProblem::FlagIsText {
                    key: key.to_owned(),
                });
            }
        }
        let selectors: Vec<&'static str> = [
            "azure_tenant_id",
            "use_azure_managed_identity",
            "use_default_azure_credential",
            "service_principal_oauth",
        ]
        .into_iter()
        .filter(|k| {
            self.extra
                .get(*k)
                .is_some_and(|v| *k == "azure_tenant_id" || truthy(v))
        })
        .collect();
        if self.extra.contains_key("token") {
            out.push(ImportProblem::ExtraTokenWins {
                password_set: !self.password().is_empty(),
            });
        } else if method == Some(AuthMethod::Pat) && !selectors.is_empty() {
            out.push(ImportProblem::PasswordWinsOverExtra { keys: selectors });
        } else if method == Some(AuthMethod::AzureSp) && selectors.len() > 1 {
            let others = selectors
                .into_iter()
                .filter(|k| *k != "azure_tenant_id")
                .collect();
            out.push(ImportProblem::TenantIdWins { keys: others });
        }
        if let Some(m) = method {
            let needs_secret = matches!(
                m,
                AuthMethod::PatBasic
                    | AuthMethod::SpOauth
                    | AuthMethod::AzureSp
                    | AuthMethod::Basic
            );
            if needs_secret && self.password().is_empty() {
                out.push(ImportProblem::SecretMissing { method: m });
            }
        }
        out
    }
}

/// What `dbx-check import` prints, and what the page shows for a pasted connection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Import {
    pub form: Option<TextForm>,
    pub conn_id: Option<String>,
    pub connection: Option<ImportedConnection>,
    pub method: Option<AuthMethod>,
    pub findings: Vec<Finding>,
}

impl Import {
    fn failed(form: Option<TextForm>, conn_id: Option<String>, problem: ImportProblem) -> Self {
        Import {
            form,
            conn_id,
            connection: None,
            method: None,
            findings: vec![problem.to_finding()],
        }
    }
}

/// Decodes a pasted connection; `conn_id` picks one when the text holds several (without
/// it, the first of type databricks, else the first). Never panics.
///
/// ```
/// use dbx_check_core::import::import_connection;
/// use dbx_check_core::AuthMethod;
///
/// let text = "export AIRFLOW_CONN_DATABRICKS_DEFAULT='databricks://https://:dapi%231@adb-1.2.azuredatabricks.net'";
/// let import = import_connection(text, None);
/// assert_eq!(import.conn_id.as_deref(), Some("databricks_default"));
/// assert_eq!(import.method, Some(AuthMethod::Pat));
/// let conn = import.connection.unwrap();
/// assert_eq!(conn.host.as_deref(), Some("https://adb-1.2.azuredatabricks.net"));
/// assert_eq!(conn.password.unwrap().expose(), "dapi#1");
/// ```
pub fn import_connection(text: &str, conn_id: Option<&str>) -> Import {
    let found = match forms::find(text) {
        Ok(found) if found.is_empty() => {
            return Import::failed(None, None, ImportProblem::NotRecognised)
        }
        Ok(found) => found,
        Err(problem) => return Import::failed(None, None, problem),
    };
    let ids: Vec<String> = found.iter().filter_map(|f| f.conn_id.clone()).collect();
    let mut notes = Vec::new();
    if let Some(repeated) = ids
        .iter()
        .enumerate()
        .find(|(k, id)| ids.iter().skip(k + 1).any(|o| o == *id))
    {
        if found.iter().all(|f| f.form == TextForm::ExportEnv) {
            return Import::failed(
                Some(TextForm::ExportEnv),
                Some(repeated.1.clone()),
                ImportProblem::DuplicateConnId {
                    conn_id: repeated.1.clone(),
                },
            );
        }
    }
    let chosen = match conn_id {
        Some(wanted) => match found
            .iter()
            .position(|f| f.conn_id.as_deref() == Some(wanted))
        {
            Some(at) => at,
            None => {
                return Import::failed(
                    None,
                    None,
                    ImportProblem::ConnIdNotFound {
                        wanted: wanted.to_owned(),
                        available: ids,
                    },
                );
            }
        },
        None => found
            .iter()
            .position(|f| {
                f.raw
                    .as_ref()
                    .is_ok_and(|r| r.conn_type.as_deref() == Some("databricks"))
            })
            .unwrap_or(0),
    };
    let mut found = found;
    if found.len() > 1 {
        let chosen_id = found
            .get(chosen)
            .and_then(|f| f.conn_id.clone())
            .unwrap_or_default();
        let others = ids.iter().filter(|id| **id != chosen_id).cloned().collect();
        notes.push(ImportProblem::SeveralConnections {
            chosen: chosen_id,
            others,
        });
    }
    if chosen >= found.len() {
        return Import::failed(None, None, ImportProblem::NotRecognised);
    }
    let one = found.swap_remove(chosen);
    let mut findings: Vec<Finding> = notes
        .iter()
        .chain(&one.notes)
        .map(Diagnostic::to_finding)
        .collect();
    let connection = match one.raw.and_then(ImportedConnection::from_raw) {
        Ok(c) => c,
        Err(problem) => {
            let mut failed = Import::failed(Some(one.form), one.conn_id, problem);
            failed.findings.extend(findings);
            return failed;
        }
    };
    let method = connection.method();
    let mut problems = Vec::new();
    if let Err(problem) = &method {
        problems.push(problem.clone());
    }
    let method = method.ok();
    problems.extend(connection.problems(method));
    if matches!(
        one.form,
        TextForm::Uri | TextForm::EnvUri | TextForm::CliUri | TextForm::ExportEnv
    ) && uri_query_typed(text)
    {
        problems.push(ImportProblem::QueryExtraReadTwoWays);
    }
    findings.extend(problems.iter().map(Diagnostic::to_finding));
    errors_first(&mut findings);
    Import {
        form: Some(one.form),
        conn_id: one.conn_id,
        connection: Some(connection),
        method,
        findings,
    }
}

/// True when some `?key=value` in the text would be typed differently by Airflow 3's core.
fn uri_query_typed(text: &str) -> bool {
    text.split_whitespace().any(|word| {
        let word = word.trim_matches(['\'', '"']);
        word.contains("://") && uri::query_typed_differently(word)
    })
}

/// The page's form filled from an imported connection: Host (or the Extra host the
/// provider uses instead) as the workspace URL, the sign-in the provider will actually
/// use, Login, the secret it sends, the conn id and the Extra settings the page has
/// boxes for. `None` when nothing was decoded.
pub fn to_form_input(import: &Import, base: &FormInput) -> Option<FormInput> {
    let conn = import.connection.as_ref()?;
    let extra_text = |key: &str| {
        conn.extra
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let host = conn
        .extra
        .get("host")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| conn.host.clone())
        .unwrap_or_default();
    let method = import.method.unwrap_or(base.method);
    let login = match method {
        // The page's Login box holds a user-assigned identity's client id.
        AuthMethod::AzureMi => extra_text("azure_managed_identity_client_id"),
        _ if conn.extra.contains_key("token") => String::new(),
        _ => conn.login().to_owned(),
    };
    Some(FormInput {
        workspace_url: host,
        method,
        login,
        secret: conn.secret(),
        azure_tenant_id: extra_text("azure_tenant_id"),
        azure_resource_id: extra_text("azure_resource_id"),
        azure_mi_client_id: extra_text("azure_managed_identity_client_id"),
        http_path: extra_text("http_path"),
        conn_id: import
            .conn_id
            .clone()
            .unwrap_or_else(|| base.conn_id.clone()),
        ..base.clone()
    })
}

#[cfg(test)]
mod tests;
