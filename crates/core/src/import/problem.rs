//! Why a pasted connection could not be read, and what only the whole connection shows.
//! Messages never quote a value (any of them may hold a secret): they name fields, keys,
//! lines and conn ids, which are not secret.

use crate::finding::{Severity, Worded, Wording};
use crate::vocabulary::AuthMethod;
use serde::Serialize;
use std::borrow::Cow;
use Severity::{Error, Info, Warning};

/// Why Airflow refuses a connection URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum UriProblem {
    NoScheme,
    TooManySchemes,
    CredentialsBeforeProtocol,
    PortNotNumber,
    PortOutOfRange,
    Brackets,
}

/// What the small YAML reader does not read, or what is wrong in the YAML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum YamlProblem {
    Tab,
    Unsupported(&'static str),
    Unclosed,
    BadIndent,
    DuplicateKey(String),
}

/// Why an `airflow connections add` command would fail or could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CliProblem {
    Quoting,
    AmbiguousOption(String),
    UnknownArgument(String),
    MissingValue(String),
    NoConnId,
    UriAndJson,
    NoTypeUriOrJson,
    FieldsWithUriOrJson(Vec<&'static str>),
}

/// Each variant's serde name is its finding's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ImportProblem {
    // Nothing to decode.
    #[serde(rename = "import_empty")]
    Empty,
    #[serde(rename = "import_not_recognised")]
    NotRecognised,
    // The text was recognised but Airflow would refuse it.
    #[serde(rename = "import_uri_invalid")]
    Uri(UriProblem),
    #[serde(rename = "import_json_invalid")]
    Json { line: usize, column: usize },
    #[serde(rename = "import_json_not_connection")]
    JsonNotConnection,
    #[serde(rename = "import_extra_not_json")]
    ExtraNotJson,
    #[serde(rename = "import_extra_not_object")]
    ExtraNotObject,
    #[serde(rename = "import_port_not_integer")]
    PortNotInteger,
    #[serde(rename = "import_field_not_text")]
    FieldNotText { field: &'static str },
    #[serde(rename = "import_illegal_keys")]
    IllegalKeys { keys: Vec<String> },
    #[serde(rename = "import_conn_id_in_json")]
    ConnIdInJson,
    #[serde(rename = "import_yaml_unreadable")]
    Yaml { line: usize, problem: YamlProblem },
    #[serde(rename = "import_cli_invalid")]
    Cli(CliProblem),
    #[serde(rename = "import_export_line_invalid")]
    ExportLine { line: usize },
    #[serde(rename = "import_duplicate_conn_id")]
    DuplicateConnId { conn_id: String },
    #[serde(rename = "import_conn_id_not_found")]
    ConnIdNotFound {
        wanted: String,
        available: Vec<String>,
    },
    // What the whole connection shows.
    #[serde(rename = "import_several_connections")]
    SeveralConnections { chosen: String, others: Vec<String> },
    #[serde(rename = "import_conn_id_from_variable")]
    ConnIdFromVariable { var: String, conn_id: String },
    #[serde(rename = "import_extra_token_wins")]
    ExtraTokenWins { password_set: bool },
    #[serde(rename = "import_password_wins_over_extra")]
    PasswordWinsOverExtra { keys: Vec<&'static str> },
    #[serde(rename = "import_tenant_id_wins")]
    TenantIdWins { keys: Vec<&'static str> },
    #[serde(rename = "import_extra_host_overrides")]
    ExtraHostOverrides,
    #[serde(rename = "import_host_missing")]
    HostMissing,
    #[serde(rename = "import_host_without_scheme")]
    HostWithoutScheme,
    #[serde(rename = "import_host_not_ascii")]
    HostNotAscii,
    #[serde(rename = "import_schema_set")]
    SchemaSet,
    #[serde(rename = "import_port_set")]
    PortSet,
    #[serde(rename = "import_conn_type_not_databricks")]
    ConnTypeNotDatabricks { conn_type: String },
    #[serde(rename = "import_cli_type_becomes_generic")]
    CliTypeBecomesGeneric { conn_type: String },
    /// The command takes the password from a shell variable (set at a prompt).
    #[serde(rename = "import_password_from_shell_variable")]
    PasswordFromShellVariable { var: String },
    #[serde(rename = "import_legacy_extra_keys")]
    LegacyExtraKeys { keys: Vec<String> },
    #[serde(rename = "import_flag_is_text")]
    FlagIsText { key: String },
    #[serde(rename = "import_query_extra_read_two_ways")]
    QueryExtraReadTwoWays,
    #[serde(rename = "import_federation")]
    Federation,
    #[serde(rename = "import_no_credential")]
    NoCredential,
    #[serde(rename = "import_secret_missing")]
    SecretMissing { method: AuthMethod },
}

use ImportProblem as P;

fn list(items: &[impl AsRef<str>]) -> String {
    items
        .iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Worded for ImportProblem {
    /// The problem's severity, message and fix, with the values its templates name.
    fn wording(&self) -> Wording<'_> {
        match self {
            P::Empty => Wording::new(Error, "Nothing was pasted.", PASTE_AS_SHOWN),
            P::NotRecognised => Wording::new(
                Error,
                "This is not an Airflow connection in any form this page reads: a URI, an \
                AIRFLOW_CONN_ line, connection JSON, an export file, airflow_settings.yaml or an \
                `airflow connections add` command.",
                PASTE_AS_SHOWN,
            ),
            P::Uri(problem) => Wording::new(
                Error,
                "Airflow cannot read this connection URI: {why}.",
                "Percent-encode the Login, Password and host (`urllib.parse.quote(value, safe=\"\")`), \
                or paste the connection as JSON.",
            )
            .with(
                "why",
                match problem {
                    UriProblem::NoScheme => "it does not start with a connection type such as databricks://",
                    UriProblem::TooManySchemes => "it holds `://` more than twice",
                    UriProblem::CredentialsBeforeProtocol => "a Login or Password comes before the host's https://",
                    UriProblem::PortNotNumber => "the text after the host's `:` is not a port number (an unencoded `#`, `?`, `/` or `:` in the password cuts the URI there)",
                    UriProblem::PortOutOfRange => "the port is above 65535",
                    UriProblem::Brackets => "it holds a `[` or `]` in the host part",
                },
            ),
            P::Json { line, column } => Wording::new(
                Error,
                "The JSON is not valid (line {line}, column {column}).",
                PASTE_JSON_AS_PRINTED,
            )
            .with("line", line.to_string())
            .with("column", column.to_string()),
            P::JsonNotConnection => Wording::new(
                Error,
                "This JSON is not a connection: Airflow reads an object with conn_type, \
                host, login, password, schema, port and extra.",
                PASTE_JSON_AS_PRINTED,
            ),
            P::ExtraNotJson => Wording::new(
                Error,
                "Extra is not valid JSON: Airflow refuses the connection.",
                EXTRA_AS_OBJECT,
            ),
            P::ExtraNotObject => Wording::new(
                Error,
                "Extra is JSON but not an object: Airflow refuses the connection.",
                EXTRA_AS_OBJECT,
            ),
            P::PortNotInteger => Wording::new(
                Error,
                "The port is not a whole number: Airflow refuses the connection.",
                PORT_EMPTY,
            ),
            P::FieldNotText { field } => Wording::new(
                Error,
                "The {field} is not text.",
                "Write the value as a JSON string, in double quotes.",
            )
            .with("field", *field),
            P::IllegalKeys { keys } => Wording::new(
                Error,
                "Airflow refuses an exported connection with the keys {keys}.",
                "Use only conn_type, description, host, login, password, schema, port, extra (or extra_dejson).",
            )
            .with("keys", list(keys)),
            P::ConnIdInJson => Wording::new(
                Error,
                "The JSON holds conn_id: Airflow then fails to build the connection and \
                reports it as not defined.",
                "Remove conn_id from the JSON: the conn id comes from the variable's name.",
            ),
            P::Yaml { line, problem } => Wording::new(
                Error,
                "The YAML cannot be read at line {line}: {why}.",
                "Paste the connection's lines only, indented with spaces, or as JSON.",
            )
            .with("line", line.to_string())
            .with(
                "why",
                match problem {
                    YamlProblem::Tab => "a tab indents it (YAML allows spaces only)".into(),
                    YamlProblem::Unsupported(what) => {
                        Cow::Owned(format!("it uses {what}, which this page does not read"))
                    }
                    YamlProblem::Unclosed => "a quote is not closed".into(),
                    YamlProblem::BadIndent => "the indentation does not line up".into(),
                    YamlProblem::DuplicateKey(key) => {
                        Cow::Owned(format!("the key \"{key}\" appears twice"))
                    }
                },
            ),
            P::Cli(problem) => Wording::new(
                Error,
                "Airflow's CLI would refuse this command: {why}.",
                "Paste the command as you run it, with --conn-uri, --conn-json or --conn-type and the conn id last.",
            )
            .with(
                "why",
                match problem {
                    CliProblem::Quoting => "a quote is not closed".into(),
                    CliProblem::AmbiguousOption(o) => {
                        Cow::Owned(format!("the option {o} is ambiguous"))
                    }
                    CliProblem::UnknownArgument(a) => {
                        Cow::Owned(format!("it does not know the argument {a}"))
                    }
                    CliProblem::MissingValue(o) => {
                        Cow::Owned(format!("the option {o} has no value"))
                    }
                    CliProblem::NoConnId => "the conn id is missing".into(),
                    CliProblem::UriAndJson => {
                        "--conn-uri and --conn-json exclude each other".into()
                    }
                    CliProblem::NoTypeUriOrJson => {
                        "it needs --conn-type, --conn-uri or --conn-json".into()
                    }
                    CliProblem::FieldsWithUriOrJson(flags) => Cow::Owned(format!(
                        "{} cannot be given with --conn-uri or --conn-json",
                        flags.join(", ")
                    )),
                },
            ),
            P::ExportLine { line } => Wording::new(
                Error,
                "Line {line} is not `conn_id=value`.",
                "Paste the file as `airflow connections export` wrote it.",
            )
            .with("line", line.to_string()),
            P::DuplicateConnId { conn_id } => Wording::new(
                Error,
                "The conn id \"{conn_id}\" is defined twice; Airflow refuses the file.",
                "Keep one definition per conn id.",
            )
            .with("conn_id", conn_id.as_str()),
            P::ConnIdNotFound { wanted, available } => Wording::new(
                Error,
                "No connection \"{wanted}\" in the text; it holds {available}.",
                "Pick one of the conn ids the text holds.",
            )
            .with("wanted", wanted.as_str())
            .with(
                "available",
                if available.is_empty() {
                    "none".to_owned()
                } else {
                    list(available)
                },
            ),
            P::SeveralConnections { chosen, others } => Wording::new(
                Info,
                "The text holds several connections; this shows \"{chosen}\". The others: {others}.",
                "Pick another conn id to see that one.",
            )
            .with("chosen", chosen.as_str())
            .with("others", list(others)),
            P::ConnIdFromVariable { var, conn_id } => Wording::new(
                Info,
                "Airflow finds {var} under the conn id \"{conn_id}\" (in any letter case).",
                "Use that conn id in your DAGs (databricks_conn_id).",
            )
            .with("var", var.as_str())
            .with("conn_id", conn_id.as_str()),
            P::ExtraTokenWins { password_set } => Wording::new(
                Warning,
                if *password_set {
                    "Extra holds a token, which the provider uses before anything else: the Password is never used."
                } else {
                    "Extra holds a token, which the provider uses before anything else."
                },
                "Move the token to the Password field (Login empty) and remove token from Extra: \
                the provider logs an Extra token's use, and Airflow masks the Password better.",
            ),
            P::PasswordWinsOverExtra { keys } => Wording::new(
                Warning,
                "Login is empty and Password is set, so the provider sends the Password as a token and ignores {keys}.",
                "To sign in as a service principal, put its client id in Login; \
                for a token, remove the unused Extra keys.",
            )
            .with("keys", list(keys)),
            P::TenantIdWins { keys } => Wording::new(
                Warning,
                "Extra holds azure_tenant_id, which selects Microsoft Entra ID sign-in whatever else is set: {keys} is ignored.",
                "Remove azure_tenant_id unless you sign in with an Entra ID service principal.",
            )
            .with("keys", list(keys)),
            P::ExtraHostOverrides => Wording::new(
                Warning,
                "Extra holds host, which the provider uses instead of the Host field.",
                "Put the workspace URL in Host and remove host from Extra.",
            ),
            P::HostMissing => Wording::new(
                Error,
                "The connection has no host.",
                "Put the workspace URL in Host: https://<workspace host>.",
            ),
            P::HostWithoutScheme => Wording::new(
                Warning,
                "Host does not start with https://: Airflow 2.10's provider (7.9.0 and \
                older) then fails to fetch OAuth tokens.",
                "Write Host as https://<workspace host>.",
            ),
            P::HostNotAscii => Wording::new(
                Warning,
                "Host holds non-ASCII letters; Airflow lower-cases them, this page shows them as typed.",
                "Check the host: a Databricks workspace host is ASCII.",
            ),
            P::SchemaSet => Wording::new(
                Error,
                "Schema is set: the provider uses it as the URL scheme of every request, which breaks them.",
                "Leave Schema empty.",
            ),
            P::PortSet => Wording::new(
                Warning,
                "Port is set: the provider adds it to every request's address.",
                PORT_EMPTY,
            ),
            P::ConnTypeNotDatabricks { conn_type } => Wording::new(
                Warning,
                "The connection type is \"{conn_type}\", not databricks.",
                TYPE_DATABRICKS,
            )
            .with("conn_type", conn_type.as_str()),
            P::CliTypeBecomesGeneric { conn_type } => Wording::new(
                Warning,
                "--conn-type \"{conn_type}\" is not a type Airflow's Databricks provider registers: unless \
                 another installed provider does, Airflow stores the type generic.",
                TYPE_DATABRICKS,
            )
            .with("conn_type", conn_type.as_str()),
            P::PasswordFromShellVariable { var } => Wording::new(
                Info,
                "The password is the shell variable ${var}, which the command fills when it runs (it asks for it): the text holds no password, so it is read as empty.",
                "Paste the secret into the secret field.",
            )
            .with("var", var.as_str()),
            P::LegacyExtraKeys { keys } => Wording::new(
                Warning,
                "Extra holds {keys}, a prefix older Airflow forms wrote; the provider does not read it.",
                "Rename the keys without the extra__databricks__ prefix.",
            )
            .with("keys", list(keys)),
            P::FlagIsText { key } => Wording::new(
                Warning,
                "Extra {key} is text, not true or false: any non-empty text counts as true, even \"false\".",
                "Write the flag as a JSON boolean: true or false, without quotes.",
            )
            .with("key", key.as_str()),
            P::QueryExtraReadTwoWays => Wording::new(
                Warning,
                "The URI gives Extra as ?key=value pairs: tasks (and Airflow 2) read \
                each value as text, while Airflow 3's CLI, API and UI read 1, true or {...} as JSON. This \
                page shows what tasks read.",
                "Write Extra as ?__extra__= followed by the percent-encoded JSON object.",
            ),
            P::Federation => Wording::new(
                Error,
                "The connection uses token federation, which this page does not check.",
                "Check it with `airflow connections test` on a worker.",
            ),
            P::NoCredential => Wording::new(
                Error,
                "The connection holds no credential: no Password, no token, no sign-in setting in Extra.",
                "Put a personal access token in Password, or choose a sign-in method below.",
            ),
            P::SecretMissing { method } => Wording::new(
                Error,
                "The provider will sign in with {method} but the Password is empty.",
                "Put the secret in the Password field.",
            )
            .with("method", method.label()),
        }
    }
}

const PASTE_AS_SHOWN: &str = "Paste the connection as Airflow shows it: `airflow connections get \
                ID -o json`, the AIRFLOW_CONN_ line, or the URI.";
const PASTE_JSON_AS_PRINTED: &str = "Paste the JSON exactly as Airflow printed it.";
const EXTRA_AS_OBJECT: &str = "Write Extra as a JSON object, such as {\"http_path\": \"...\"}.";
const PORT_EMPTY: &str = "Leave Port empty for Databricks.";
const TYPE_DATABRICKS: &str = "Set the connection type to databricks (lower case).";
