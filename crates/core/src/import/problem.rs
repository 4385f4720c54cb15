//! Why a pasted connection could not be read, and what only the whole connection shows.
//! Messages never quote a value (any of them may hold a secret): they name fields, keys,
//! lines and conn ids, which are not secret.

use crate::finding::{Diagnostic, Severity};
use crate::vocabulary::AuthMethod;

/// Why Airflow refuses a connection URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UriProblem {
    NoScheme,
    TooManySchemes,
    CredentialsBeforeProtocol,
    PortNotNumber,
    PortOutOfRange,
    Brackets,
}

/// What the small YAML reader does not read, or what is wrong in the YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlProblem {
    Tab,
    Unsupported(&'static str),
    Unclosed,
    BadIndent,
    DuplicateKey(String),
}

/// Why an `airflow connections add` command would fail or could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportProblem {
    // Nothing to decode.
    Empty,
    NotRecognised,
    // The text was recognised but Airflow would refuse it.
    Uri(UriProblem),
    Json {
        line: usize,
        column: usize,
    },
    JsonNotConnection,
    ExtraNotJson,
    ExtraNotObject,
    PortNotInteger,
    FieldNotText {
        field: &'static str,
    },
    IllegalKeys {
        keys: Vec<String>,
    },
    ConnIdInJson,
    Yaml {
        line: usize,
        problem: YamlProblem,
    },
    Cli(CliProblem),
    ExportLine {
        line: usize,
    },
    DuplicateConnId {
        conn_id: String,
    },
    ConnIdNotFound {
        wanted: String,
        available: Vec<String>,
    },
    // What the whole connection shows.
    SeveralConnections {
        chosen: String,
        others: Vec<String>,
    },
    ConnIdFromVariable {
        var: String,
        conn_id: String,
    },
    ExtraTokenWins {
        password_set: bool,
    },
    PasswordWinsOverExtra {
        keys: Vec<&'static str>,
    },
    TenantIdWins {
        keys: Vec<&'static str>,
    },
    ExtraHostOverrides,
    HostMissing,
    HostWithoutScheme,
    HostNotAscii,
    SchemaSet,
    PortSet,
    ConnTypeNotDatabricks {
        conn_type: String,
    },
    CliTypeBecomesGeneric {
        conn_type: String,
    },
    /// The command takes the password from a shell variable (set at a prompt).
    PasswordFromShellVariable {
        var: String,
    },
    LegacyExtraKeys {
        keys: Vec<String>,
    },
    FlagIsText {
        key: String,
    },
    QueryExtraReadTwoWays,
    Federation,
    NoCredential,
    SecretMissing {
        method: AuthMethod,
    },
}

use ImportProblem as P;

fn list(items: &[impl AsRef<str>]) -> String {
    items
        .iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Diagnostic for ImportProblem {
    fn code(&self) -> &'static str {
        match self {
            P::Empty => "import_empty",
            P::NotRecognised => "import_not_recognised",
            P::Uri(_) => "import_uri_invalid",
            P::Json { .. } => "import_json_invalid",
            P::JsonNotConnection => "import_json_not_connection",
            P::ExtraNotJson => "import_extra_not_json",
            P::ExtraNotObject => "import_extra_not_object",
            P::PortNotInteger => "import_port_not_integer",
            P::FieldNotText { .. } => "import_field_not_text",
            P::IllegalKeys { .. } => "import_illegal_keys",
            P::ConnIdInJson => "import_conn_id_in_json",
            P::Yaml { .. } => "import_yaml_unreadable",
            P::Cli(_) => "import_cli_invalid",
            P::ExportLine { .. } => "import_export_line_invalid",
            P::DuplicateConnId { .. } => "import_duplicate_conn_id",
            P::ConnIdNotFound { .. } => "import_conn_id_not_found",
            P::SeveralConnections { .. } => "import_several_connections",
            P::ConnIdFromVariable { .. } => "import_conn_id_from_variable",
            P::ExtraTokenWins { .. } => "import_extra_token_wins",
            P::PasswordWinsOverExtra { .. } => "import_password_wins_over_extra",
            P::TenantIdWins { .. } => "import_tenant_id_wins",
            P::ExtraHostOverrides => "import_extra_host_overrides",
            P::HostMissing => "import_host_missing",
            P::HostWithoutScheme => "import_host_without_scheme",
            P::HostNotAscii => "import_host_not_ascii",
            P::SchemaSet => "import_schema_set",
            P::PortSet => "import_port_set",
            P::ConnTypeNotDatabricks { .. } => "import_conn_type_not_databricks",
            P::CliTypeBecomesGeneric { .. } => "import_cli_type_becomes_generic",
            P::PasswordFromShellVariable { .. } => "import_password_from_shell_variable",
            P::LegacyExtraKeys { .. } => "import_legacy_extra_keys",
            P::FlagIsText { .. } => "import_flag_is_text",
            P::QueryExtraReadTwoWays => "import_query_extra_read_two_ways",
            P::Federation => "import_federation",
            P::NoCredential => "import_no_credential",
            P::SecretMissing { .. } => "import_secret_missing",
        }
    }

    fn severity(&self) -> Severity {
        match self {
            P::Empty
            | P::NotRecognised
            | P::Uri(_)
            | P::Json { .. }
            | P::JsonNotConnection
            | P::ExtraNotJson
            | P::ExtraNotObject
            | P::PortNotInteger
            | P::FieldNotText { .. }
            | P::IllegalKeys { .. }
            | P::ConnIdInJson
            | P::Yaml { .. }
            | P::Cli(_)
            | P::ExportLine { .. }
            | P::DuplicateConnId { .. }
            | P::ConnIdNotFound { .. }
            | P::SchemaSet
            | P::HostMissing
            | P::Federation
            | P::NoCredential
            | P::SecretMissing { .. } => Severity::Error,
            P::ExtraTokenWins { .. }
            | P::PasswordWinsOverExtra { .. }
            | P::TenantIdWins { .. }
            | P::ExtraHostOverrides
            | P::HostWithoutScheme
            | P::HostNotAscii
            | P::PortSet
            | P::ConnTypeNotDatabricks { .. }
            | P::CliTypeBecomesGeneric { .. }
            | P::LegacyExtraKeys { .. }
            | P::FlagIsText { .. }
            | P::QueryExtraReadTwoWays => Severity::Warning,
            P::SeveralConnections { .. }
            | P::ConnIdFromVariable { .. }
            | P::PasswordFromShellVariable { .. } => Severity::Info,
        }
    }

    fn message(&self) -> String {
        match self {
            P::Empty => "Nothing was pasted.".into(),
            P::NotRecognised => "This is not an Airflow connection in any form this page reads: a URI, an \
                AIRFLOW_CONN_ line, connection JSON, an export file, airflow_settings.yaml or an \
                `airflow connections add` command.".into(),
            P::Uri(problem) => format!("Airflow cannot read this connection URI: {}.", match problem {
                UriProblem::NoScheme => "it does not start with a connection type such as databricks://",
                UriProblem::TooManySchemes => "it holds `://` more than twice",
                UriProblem::CredentialsBeforeProtocol => "a Login or Password comes before the host's https://",
                UriProblem::PortNotNumber => "the text after the host's `:` is not a port number (an unencoded `#`, `?`, `/` or `:` in the password cuts the URI there)",
                UriProblem::PortOutOfRange => "the port is above 65535",
                UriProblem::Brackets => "it holds a `[` or `]` in the host part",
            }),
            P::Json { line, column } => format!("The JSON is not valid (line {line}, column {column})."),
            P::JsonNotConnection => "This JSON is not a connection: Airflow reads an object with conn_type, \
                host, login, password, schema, port and extra.".into(),
            P::ExtraNotJson => "Extra is not valid JSON: Airflow refuses the connection.".into(),
            P::ExtraNotObject => "Extra is JSON but not an object: Airflow refuses the connection.".into(),
            P::PortNotInteger => "The port is not a whole number: Airflow refuses the connection.".into(),
            P::FieldNotText { field } => format!("The {field} is not text."),
            P::IllegalKeys { keys } => format!("Airflow refuses an exported connection with the keys {}.", list(keys)),
            P::ConnIdInJson => "The JSON holds conn_id: Airflow then fails to build the connection and \
                reports it as not defined.".into(),
            P::Yaml { line, problem } => format!("The YAML cannot be read at line {line}: {}.", match problem {
                YamlProblem::Tab => "a tab indents it (YAML allows spaces only)".to_owned(),
                YamlProblem::Unsupported(what) => format!("it uses {what}, which this page does not read"),
                YamlProblem::Unclosed => "a quote is not closed".to_owned(),
                YamlProblem::BadIndent => "the indentation does not line up".to_owned(),
                YamlProblem::DuplicateKey(key) => format!("the key \"{key}\" appears twice"),
            }),
            P::Cli(problem) => format!("Airflow's CLI would refuse this command: {}.", match problem {
                CliProblem::Quoting => "a quote is not closed".to_owned(),
                CliProblem::AmbiguousOption(o) => format!("the option {o} is ambiguous"),
                CliProblem::UnknownArgument(a) => format!("it does not know the argument {a}"),
                CliProblem::MissingValue(o) => format!("the option {o} has no value"),
                CliProblem::NoConnId => "the conn id is missing".to_owned(),
                CliProblem::UriAndJson => "--conn-uri and --conn-json exclude each other".to_owned(),
                CliProblem::NoTypeUriOrJson => "it needs --conn-type, --conn-uri or --conn-json".to_owned(),
                CliProblem::FieldsWithUriOrJson(flags) => format!("{} cannot be given with --conn-uri or --conn-json", flags.join(", ")),
            }),
            P::ExportLine { line } => format!("Line {line} is not `conn_id=value`."),
            P::DuplicateConnId { conn_id } => format!("The conn id \"{conn_id}\" is defined twice; Airflow refuses the file."),
            P::ConnIdNotFound { wanted, available } => format!(
                "No connection \"{wanted}\" in the text; it holds {}.",
                if available.is_empty() { "none".to_owned() } else { list(available) }
            ),
            P::SeveralConnections { chosen, others } => format!(
                "The text holds several connections; this shows \"{chosen}\". The others: {}.", list(others)),
            P::ConnIdFromVariable { var, conn_id } => format!(
                "Airflow finds {var} under the conn id \"{conn_id}\" (in any letter case)."),
            P::ExtraTokenWins { password_set } => format!(
                "Extra holds a token, which the provider uses before anything else{}.",
                if *password_set { ": the Password is never used" } else { "" }
            ),
            P::PasswordWinsOverExtra { keys } => format!(
                "Login is empty and Password is set, so the provider sends the Password as a token and ignores {}.",
                list(keys)
            ),
            P::TenantIdWins { keys } => format!(
                "Extra holds azure_tenant_id, which selects Microsoft Entra ID sign-in whatever else is set: {} is ignored.",
                list(keys)
            ),
            P::ExtraHostOverrides => "Extra holds host, which the provider uses instead of the Host field.".into(),
            P::HostMissing => "The connection has no host.".into(),
            P::HostWithoutScheme => "Host does not start with https://: Airflow 2.10's provider (7.9.0 and \
                older) then fails to fetch OAuth tokens.".into(),
            P::HostNotAscii => "Host holds non-ASCII letters; Airflow lower-cases them, this page shows them as typed.".into(),
            P::SchemaSet => "Schema is set: the provider uses it as the URL scheme of every request, which breaks them.".into(),
            P::PortSet => "Port is set: the provider adds it to every request's address.".into(),
            P::ConnTypeNotDatabricks { conn_type } => format!(
                "The connection type is \"{conn_type}\", not databricks."),
            P::CliTypeBecomesGeneric { conn_type } => format!(
                "--conn-type \"{conn_type}\" is not a type Airflow's Databricks provider registers: unless \
                 another installed provider does, Airflow stores the type generic."),
            P::PasswordFromShellVariable { var } => format!(
                "The password is the shell variable ${var}, which the command fills when it runs (it asks for it): the text holds no password, so it is read as empty."),
            P::LegacyExtraKeys { keys } => format!(
                "Extra holds {}, a prefix older Airflow forms wrote; the provider does not read it.", list(keys)),
            P::FlagIsText { key } => format!(
                "Extra {key} is text, not true or false: any non-empty text counts as true, even \"false\"."),
            P::QueryExtraReadTwoWays => "The URI gives Extra as ?key=value pairs: tasks (and Airflow 2) read \
                each value as text, while Airflow 3's CLI, API and UI read 1, true or {...} as JSON. This \
                page shows what tasks read.".into(),
            P::Federation => "The connection uses token federation, which this page does not check.".into(),
            P::NoCredential => "The connection holds no credential: no Password, no token, no sign-in setting in Extra.".into(),
            P::SecretMissing { method } => format!(
                "The provider will sign in with {} but the Password is empty.", method.label()),
        }
    }

    fn fix(&self) -> String {
        match self {
            P::Empty | P::NotRecognised => "Paste the connection as Airflow shows it: `airflow connections get \
                ID -o json`, the AIRFLOW_CONN_ line, or the URI.".into(),
            P::Uri(_) => "Percent-encode the Login, Password and host (`urllib.parse.quote(value, safe=\"\")`), \
                or paste the connection as JSON.".into(),
            P::Json { .. } | P::JsonNotConnection => "Paste the JSON exactly as Airflow printed it.".into(),
            P::ExtraNotJson | P::ExtraNotObject => "Write Extra as a JSON object, such as {\"http_path\": \"...\"}.".into(),
            P::PortNotInteger | P::PortSet => "Leave Port empty for Databricks.".into(),
            P::FieldNotText { .. } => "Write the value as a JSON string, in double quotes.".into(),
            P::IllegalKeys { .. } => "Use only conn_type, description, host, login, password, schema, port, extra (or extra_dejson).".into(),
            P::ConnIdInJson => "Remove conn_id from the JSON: the conn id comes from the variable's name.".into(),
            P::Yaml { .. } => "Paste the connection's lines only, indented with spaces, or as JSON.".into(),
            P::Cli(_) => "Paste the command as you run it, with --conn-uri, --conn-json or --conn-type and the conn id last.".into(),
            P::ExportLine { .. } => "Paste the file as `airflow connections export` wrote it.".into(),
            P::DuplicateConnId { .. } => "Keep one definition per conn id.".into(),
            P::ConnIdNotFound { .. } => "Pick one of the conn ids the text holds.".into(),
            P::SeveralConnections { .. } => "Pick another conn id to see that one.".into(),
            P::ConnIdFromVariable { .. } => "Use that conn id in your DAGs (databricks_conn_id).".into(),
            P::ExtraTokenWins { .. } => "Move the token to the Password field (Login empty) and remove token from Extra: \
                the provider logs an Extra token's use, and Airflow masks the Password better.".into(),
            P::PasswordWinsOverExtra { .. } => "To sign in as a service principal, put its client id in Login; \
                for a token, remove the unused Extra keys.".into(),
            P::TenantIdWins { .. } => "Remove azure_tenant_id unless you sign in with an Entra ID service principal.".into(),
            P::ExtraHostOverrides => "Put the workspace URL in Host and remove host from Extra.".into(),
            P::HostMissing => "Put the workspace URL in Host: https://<workspace host>.".into(),
            P::HostWithoutScheme => "Write Host as https://<workspace host>.".into(),
            P::HostNotAscii => "Check the host: a Databricks workspace host is ASCII.".into(),
            P::SchemaSet => "Leave Schema empty.".into(),
            P::ConnTypeNotDatabricks { .. } | P::CliTypeBecomesGeneric { .. } => "Set the connection type to databricks (lower case).".into(),
            P::LegacyExtraKeys { .. } => "Rename the keys without the extra__databricks__ prefix.".into(),
            P::PasswordFromShellVariable { .. } => "Paste the secret into the secret field.".into(),
            P::FlagIsText { .. } => "Write the flag as a JSON boolean: true or false, without quotes.".into(),
            P::QueryExtraReadTwoWays => "Write Extra as ?__extra__= followed by the percent-encoded JSON object.".into(),
            P::Federation => "Check it with `airflow connections test` on a worker.".into(),
            P::NoCredential => "Put a personal access token in Password, or choose a sign-in method below.".into(),
            P::SecretMissing { .. } => "Put the secret in the Password field.".into(),
        }
    }
}
