//! Recognises which form a pasted text is in and reads each connection in it the way
//! Airflow reads that form (docs/airflow-import.md lists the Airflow code for each).

use super::cli::{add_commands, parse_add, AddArgs};
use super::problem::{CliProblem, ImportProblem};
use super::uri::{self, QueryTyping};
use super::{RawConnection, TextForm};
use serde_json::{Map, Value};

/// One connection found in the text, read or refused.
pub(super) struct Found {
    pub conn_id: Option<String>,
    pub form: TextForm,
    pub raw: Result<RawConnection, ImportProblem>,
    /// Notes only this form gives (`--conn-type` becoming generic, ...).
    pub notes: Vec<ImportProblem>,
}

impl Found {
    fn new(
        conn_id: Option<String>,
        form: TextForm,
        raw: Result<RawConnection, ImportProblem>,
    ) -> Self {
        Found {
            conn_id,
            form,
            raw,
            notes: Vec::new(),
        }
    }
}

const ENV_PREFIX: &str = "AIRFLOW_CONN_";

/// Every connection the text holds, in order.
pub(super) fn find(text: &str) -> Result<Vec<Found>, ImportProblem> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ImportProblem::Empty);
    }
    if trimmed.starts_with(['{', '[']) {
        return json_text(trimmed);
    }
    if has_add_command(text) {
        return cli(text);
    }
    if let Some(found) = env_lines(text) {
        return Ok(found);
    }
    if !trimmed.contains('\n') && trimmed.contains("://") {
        let raw = uri::parse(trimmed, QueryTyping::Strings).map_err(ImportProblem::Uri);
        return Ok(vec![Found::new(None, TextForm::Uri, raw)]);
    }
    // Output after log lines: `airflow connections get -o json` prints its JSON last.
    if let Some(at) = text.find("\n[{").or_else(|| text.find("\n{")) {
        if let Some(json) = text.get(at + 1..) {
            if let Ok(found) = json_text(json.trim()) {
                return Ok(found);
            }
        }
    }
    yaml_text(text)
}

fn has_add_command(text: &str) -> bool {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| matches!(w, ["connections", "add"]))
}

fn json_error(e: &serde_json::Error) -> ImportProblem {
    ImportProblem::Json {
        line: e.line(),
        column: e.column(),
    }
}

fn json_text(text: &str) -> Result<Vec<Found>, ImportProblem> {
    // Only the first value: `get` output may be followed by more log lines.
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let value = match stream.next() {
        Some(Ok(value)) => value,
        Some(Err(e)) => return Err(json_error(&e)),
        None => return Err(ImportProblem::Empty),
    };
    match value {
        Value::Array(items) => get_output(&items),
        Value::Object(map) if is_connection_object(&map) => {
            let json = Value::Object(map).to_string();
            Ok(vec![Found::new(
                None,
                TextForm::ConnectionJson,
                from_json(&json),
            )])
        }
        Value::Object(map) => export_file(map, TextForm::ExportJson),
        _ => Err(ImportProblem::JsonNotConnection),
    }
}

const CONNECTION_KEYS: [&str; 8] = [
    "conn_type",
    "host",
    "login",
    "password",
    "schema",
    "port",
    "extra",
    "description",
];

/// A connection object rather than a file mapping conn ids to connections.
fn is_connection_object(map: &Map<String, Value>) -> bool {
    map.is_empty()
        || map
            .iter()
            .any(|(k, v)| CONNECTION_KEYS.contains(&k.as_str()) && !v.is_object())
        || map.contains_key("conn_type")
}

/// `airflow connections get -o json|yaml`: a list with `conn_id` and `get_uri`. The
/// other fields there are turned into strings (`True`); `get_uri` keeps every type.
fn get_output(items: &[Value]) -> Result<Vec<Found>, ImportProblem> {
    let mut found = Vec::new();
    for item in items {
        let conn_id = item.get("conn_id").and_then(Value::as_str);
        let get_uri = item.get("get_uri").and_then(Value::as_str);
        match (conn_id, get_uri) {
            (Some(id), Some(u)) => {
                let raw = uri::parse(u, QueryTyping::Strings).map_err(ImportProblem::Uri);
                found.push(Found::new(Some(id.to_owned()), TextForm::GetOutput, raw));
            }
            _ => return Err(ImportProblem::JsonNotConnection),
        }
    }
    if found.is_empty() {
        return Err(ImportProblem::JsonNotConnection);
    }
    Ok(found)
}

fn text_field(
    map: &Map<String, Value>,
    key: &'static str,
) -> Result<Option<String>, ImportProblem> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ImportProblem::FieldNotText { field: key }),
    }
}

/// Python's truth of a JSON value.
pub(super) fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// A port as `Connection.from_json` reads it: `int(port)` when truthy.
fn json_port(value: Option<&Value>) -> Result<Option<i64>, ImportProblem> {
    match value {
        Some(v) if truthy(v) => match v {
            Value::Number(n) => n.as_i64().map(Some).ok_or(ImportProblem::PortNotInteger),
            Value::String(s) => python_int(s).map(Some).ok_or(ImportProblem::PortNotInteger),
            Value::Bool(true) => Ok(Some(1)),
            _ => Err(ImportProblem::PortNotInteger),
        },
        _ => Ok(None),
    }
}

/// Python's `int(text)` for decimal text: surrounding whitespace, a sign, `_` between digits.
fn python_int(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    t.replace('_', "").parse().ok()
}

/// `extra` given as an object is dumped to text, as Airflow does.
fn extra_text(value: Option<&Value>) -> Option<String> {
    match value {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(v) if truthy(v) && !v.is_string() => Some(v.to_string()),
        _ => None,
    }
}

/// `Connection.from_json`.
pub(super) fn from_json(text: &str) -> Result<RawConnection, ImportProblem> {
    let value: Value = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    let Value::Object(map) = value else {
        return Err(ImportProblem::JsonNotConnection);
    };
    if map.contains_key("conn_id") {
        return Err(ImportProblem::ConnIdInJson);
    }
    let known = [
        "conn_type",
        "host",
        "login",
        "password",
        "schema",
        "port",
        "extra",
        "description",
        "uri",
        "team_name",
    ];
    let unknown = keys_outside(&map, &known);
    if !unknown.is_empty() {
        return Err(ImportProblem::IllegalKeys { keys: unknown });
    }
    if map.get("uri").is_some_and(truthy) {
        return Err(ImportProblem::JsonNotConnection);
    }
    Ok(RawConnection {
        conn_type: text_field(&map, "conn_type")?
            .filter(|t| !t.is_empty())
            .map(|t| uri::normalise_conn_type(&t)),
        host: text_field(&map, "host")?,
        login: text_field(&map, "login")?,
        password: text_field(&map, "password")?,
        schema: text_field(&map, "schema")?,
        port: json_port(map.get("port"))?,
        extra: extra_text(map.get("extra")),
    })
}

/// The keys of `map` that are not in `allowed` (each reader of Airflow's has its own list).
fn keys_outside(map: &Map<String, Value>, allowed: &[&str]) -> Vec<String> {
    map.keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .cloned()
        .collect()
}

/// `local_filesystem._create_connection` for one entry of a JSON or YAML export file.
fn file_entry(value: &Value) -> Result<RawConnection, ImportProblem> {
    match value {
        Value::String(u) => uri::parse(u, QueryTyping::Json).map_err(ImportProblem::Uri),
        Value::Object(map) => {
            let allowed = [
                "conn_id",
                "conn_type",
                "description",
                "host",
                "login",
                "password",
                "schema",
                "port",
                "extra",
                "extra_dejson",
                "uri",
                "team_name",
            ];
            let illegal = keys_outside(map, &allowed);
            if !illegal.is_empty()
                || (map.contains_key("extra") && map.contains_key("extra_dejson"))
            {
                return Err(ImportProblem::IllegalKeys { keys: illegal });
            }
            let port = match map.get("port") {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) => Some(n.as_i64().ok_or(ImportProblem::PortNotInteger)?),
                Some(Value::String(s)) => Some(python_int(s).ok_or(ImportProblem::PortNotInteger)?),
                Some(_) => return Err(ImportProblem::PortNotInteger),
            };
            let extra = match map.get("extra_dejson") {
                Some(v) => Some(v.to_string()),
                None => extra_text(map.get("extra")),
            };
            Ok(RawConnection {
                conn_type: text_field(map, "conn_type")?,
                host: text_field(map, "host")?,
                login: text_field(map, "login")?,
                password: text_field(map, "password")?,
                schema: text_field(map, "schema")?,
                port,
                extra,
            })
        }
        _ => Err(ImportProblem::JsonNotConnection),
    }
}

fn export_file(map: Map<String, Value>, form: TextForm) -> Result<Vec<Found>, ImportProblem> {
    if map.is_empty() || !map.values().all(|v| v.is_object() || v.is_string()) {
        return Err(ImportProblem::JsonNotConnection);
    }
    Ok(map
        .into_iter()
        .map(|(id, value)| {
            let raw = match value.get("conn_id").and_then(Value::as_str) {
                Some(inner) if inner != id => Err(ImportProblem::IllegalKeys {
                    keys: vec!["conn_id".into()],
                }),
                _ => file_entry(&value),
            };
            Found::new(Some(id), form, raw)
        })
        .collect())
}

/// The environment-variable backend: the value stripped, JSON when it starts with `{`,
/// else a URI read by the task SDK (where the provider runs), so query values stay text.
fn env_value(value: &str) -> (TextForm, Result<RawConnection, ImportProblem>) {
    let value = value.trim();
    if value.starts_with('{') {
        (TextForm::EnvJson, from_json(value))
    } else {
        (
            TextForm::EnvUri,
            uri::parse(value, QueryTyping::Strings).map_err(ImportProblem::Uri),
        )
    }
}

fn env_found(var: &str, value: &str) -> Found {
    let id = var
        .get(ENV_PREFIX.len()..)
        .unwrap_or("")
        .to_ascii_lowercase();
    let (form, raw) = env_value(value);
    let mut found = Found::new(Some(id.clone()), form, raw);
    found.notes.push(ImportProblem::ConnIdFromVariable {
        var: var.to_owned(),
        conn_id: id,
    });
    found
}

fn is_env_name(name: &str) -> bool {
    name.len() > ENV_PREFIX.len()
        && name.starts_with(ENV_PREFIX)
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
}

/// `NAME=value` lines: shell `export`, `.env` files (Docker Compose's quoting) and the
/// `.env` file `airflow connections export` writes (`conn_id=URI` or JSON). `None` when
/// the text holds no such line.
fn env_lines(text: &str) -> Option<Vec<Found>> {
    let mut found: Vec<Found> = Vec::new();
    let mut export_file = true;
    let mut any = false;
    let lines: Vec<&str> = text.lines().collect();
    let mut k = 0;
    while let Some(line) = lines.get(k) {
        k += 1;
        let body = line.trim();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let (name, value) = if let Some(rest) = body.strip_prefix("export ") {
            // A shell line: the shell's own quoting; it may go on over several lines.
            let mut statement = rest.to_owned();
            while shlex::split(&statement).is_none() {
                let Some(next) = lines.get(k) else { break };
                statement.push('\n');
                statement.push_str(next);
                k += 1;
            }
            let Some(words) = shlex::split(&statement) else {
                continue;
            };
            let Some((name, value)) = words.first().and_then(|w| w.split_once('=')) else {
                continue;
            };
            (name.to_owned(), value.to_owned())
        } else if let Some((name, value)) = body.split_once('=') {
            let name = name.trim_start_matches("- ").trim();
            (name.to_owned(), dotenv_value(value))
        } else if let Some((name, value)) = body.split_once(": ") {
            // docker-compose `environment:` as a mapping: a YAML scalar.
            let name = name
                .trim_start_matches("- ")
                .trim()
                .trim_matches(['"', '\'']);
            if !is_env_name(name) {
                export_file = false;
                continue;
            }
            match super::yaml::parse(&format!("v: {value}")) {
                Ok(Value::Object(map)) => match map.get("v") {
                    Some(Value::String(s)) => (name.to_owned(), s.clone()),
                    _ => continue,
                },
                _ => continue,
            }
        } else {
            export_file = false;
            continue;
        };
        if is_env_name(&name) {
            any = true;
            found.push(env_found(&name, &value));
        } else if !name.is_empty()
            && !name.contains(' ')
            && (value.contains("://") || value.trim_start().starts_with('{'))
        {
            found.push(export_line(&name, &value));
        } else {
            export_file = false;
        }
    }
    if let Some(k8s) = kubernetes_env(text) {
        any = true;
        found.extend(k8s);
    }
    (any || (export_file && !found.is_empty())).then_some(found)
}

/// A line of the `.env` file `airflow connections export` writes: the id verbatim, the
/// value as written (a URI read by Airflow's core model, or JSON with
/// `--serialization-format json`).
fn export_line(id: &str, value: &str) -> Found {
    let raw = if value.trim_start().starts_with('{') {
        from_json(value)
    } else {
        uri::parse(value, QueryTyping::Json).map_err(ImportProblem::Uri)
    };
    Found::new(Some(id.to_owned()), TextForm::ExportEnv, raw)
}

/// Docker Compose's `.env` value: single quotes literal, double quotes with `\` escapes,
/// unquoted text cut at ` #`.
fn dotenv_value(value: &str) -> String {
    let v = value.trim();
    if let Some(body) = v.strip_prefix('\'') {
        return body
            .rsplit_once('\'')
            .map_or(body, |(inner, _)| inner)
            .to_owned();
    }
    if let Some(body) = v.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                },
                c => out.push(c),
            }
        }
        return out;
    }
    let cut = v.find(" #").unwrap_or(v.len());
    v.get(..cut).unwrap_or(v).trim_end().to_owned()
}

/// Kubernetes `env:` entries: `- name: AIRFLOW_CONN_X` with `value:` on the next line.
fn kubernetes_env(text: &str) -> Option<Vec<Found>> {
    let mut found = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (k, line) in lines.iter().enumerate() {
        let body = line.trim().trim_start_matches("- ").trim();
        let Some(name) = body.strip_prefix("name:") else {
            continue;
        };
        let name = name.trim().trim_matches(['"', '\'']);
        if !is_env_name(name) {
            continue;
        }
        let Some(value_line) = lines
            .iter()
            .skip(k + 1)
            .take(2)
            .find(|l| l.trim().trim_start_matches("- ").starts_with("value:"))
        else {
            continue;
        };
        let value = value_line
            .trim()
            .trim_start_matches("- ")
            .trim_start_matches("value:");
        if let Ok(Value::Object(map)) = super::yaml::parse(&format!("v: {}", value.trim())) {
            if let Some(Value::String(s)) = map.get("v") {
                found.push(env_found(name, s));
            }
        }
    }
    (!found.is_empty()).then_some(found)
}

fn yaml_text(text: &str) -> Result<Vec<Found>, ImportProblem> {
    let doc = super::yaml::parse(text)
        .map_err(|(line, problem)| ImportProblem::Yaml { line, problem })?;
    // Astro's airflow_settings.yaml.
    if let Some(connections) = doc.get("airflow").and_then(|a| a.get("connections")) {
        let Value::Array(items) = connections else {
            return Err(ImportProblem::NotRecognised);
        };
        return Ok(items.iter().map(astro_entry).collect());
    }
    match doc {
        Value::Array(items) => get_output(&items),
        Value::Object(map) => export_file(map, TextForm::ExportYaml),
        Value::String(_) => Err(ImportProblem::NotRecognised),
        _ => Err(ImportProblem::NotRecognised),
    }
}

/// One `airflow_settings.yaml` connection: astro-cli's `conn_*` keys; other keys ignored.
fn astro_entry(entry: &Value) -> Found {
    let text = |key: &str| -> Option<String> {
        match entry.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        }
    };
    let conn_id = text("conn_id");
    let port = match entry.get("conn_port") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or(ImportProblem::PortNotInteger),
        Some(Value::String(s)) => python_int(s).map(Some).ok_or(ImportProblem::PortNotInteger),
        Some(_) => Err(ImportProblem::PortNotInteger),
    };
    let extra = match entry.get("conn_extra") {
        Some(Value::Object(map)) if !map.is_empty() => Some(Value::Object(map.clone()).to_string()),
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let raw = port.map(|port| RawConnection {
        conn_type: text("conn_type"),
        host: text("conn_host"),
        login: text("conn_login"),
        password: text("conn_password"),
        schema: text("conn_schema"),
        port,
        extra,
    });
    Found::new(conn_id, TextForm::AstroYaml, raw)
}

fn cli(text: &str) -> Result<Vec<Found>, ImportProblem> {
    let commands = add_commands(text).map_err(ImportProblem::Cli)?;
    Ok(commands
        .iter()
        .map(|words| match parse_add(words) {
            Ok(args) => add(&args, text),
            Err(problem) => Found::new(None, TextForm::CliFields, Err(ImportProblem::Cli(problem))),
        })
        .collect())
}

/// `connections_add`: which flags go together, and how each path builds the connection.
fn add(args: &AddArgs, text: &str) -> Found {
    let id = Some(args.conn_id.clone());
    let has_uri = args.uri.as_deref().is_some_and(|u| !u.is_empty());
    let has_json = args.json.as_deref().is_some_and(|j| !j.is_empty());
    let has_type = args.conn_type.as_deref().is_some_and(|t| !t.is_empty());
    let form = if has_uri {
        TextForm::CliUri
    } else if has_json {
        TextForm::CliJson
    } else {
        TextForm::CliFields
    };
    let fail = |p: CliProblem| Found::new(id.clone(), form, Err(ImportProblem::Cli(p)));
    if let Err(problem) = crate::airflow::check_conn_id(&args.conn_id) {
        let _ = problem;
        return fail(CliProblem::UnknownArgument(args.conn_id.clone()));
    }
    if !has_type && !has_uri && !has_json {
        return fail(CliProblem::NoTypeUriOrJson);
    }
    if has_uri && has_json {
        return fail(CliProblem::UriAndJson);
    }
    let mut notes = Vec::new();
    if let Some(t) = args
        .conn_type
        .as_deref()
        .filter(|t| has_type && *t != "databricks")
    {
        notes.push(ImportProblem::CliTypeBecomesGeneric {
            conn_type: t.to_owned(),
        });
    }
    if has_uri || has_json {
        let mut clash: Vec<&'static str> = [
            ("--conn-type", &args.conn_type),
            ("--conn-host", &args.host),
            ("--conn-login", &args.login),
            ("--conn-password", &args.password),
            ("--conn-schema", &args.schema),
            ("--conn-port", &args.port),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(flag, _)| flag)
        .collect();
        if has_json && args.extra.as_deref().is_some_and(|e| !e.is_empty()) {
            clash.push("--conn-extra");
        }
        if !clash.is_empty() {
            return fail(CliProblem::FieldsWithUriOrJson(clash));
        }
    }
    let raw = if has_uri {
        // Airflow 3's core model reads the URI here: query values are typed as JSON.
        uri::parse(args.uri.as_deref().unwrap_or(""), QueryTyping::Json)
            .map_err(ImportProblem::Uri)
            .map(|mut raw| {
                if let Some(extra) = &args.extra {
                    raw.extra = Some(extra.clone()).filter(|e| !e.is_empty());
                }
                raw
            })
    } else if has_json {
        from_json(args.json.as_deref().unwrap_or("")).and_then(|raw| {
            if raw.conn_type.is_none() {
                Err(ImportProblem::Cli(CliProblem::NoTypeUriOrJson))
            } else {
                Ok(raw)
            }
        })
    } else {
        let port = match args.port.as_deref() {
            None | Some("") => Ok(None),
            Some(p) => python_int(p).map(Some).ok_or(ImportProblem::PortNotInteger),
        };
        port.map(|port| RawConnection {
            conn_type: args.conn_type.clone(),
            host: args.host.clone(),
            login: args.login.clone(),
            password: args.password.clone(),
            schema: args.schema.clone(),
            port,
            extra: args.extra.clone().filter(|e| !e.is_empty()),
        })
    };
    // A password that is a shell variable (`"--conn-password=$DBX_PASSWORD"`, or `"$s"`
    // spliced into --conn-json, as the commands dbx-check writes ask for it at a prompt):
    // the text holds no password, and the shell would have put the typed one there.
    let raw = raw.map(|mut raw| {
        let var = raw.password.as_deref().and_then(shell_variable);
        // Inside double quotes (or braces) the shell expands it; in single quotes it is text.
        if let Some(var) =
            var.filter(|v| text.contains(&format!("${v}\"")) || text.contains(&format!("${{{v}}}")))
        {
            notes.push(ImportProblem::PasswordFromShellVariable { var });
            raw.password = None;
        }
        raw
    });
    let mut found = Found::new(id, form, raw);
    found.notes = notes;
    found
}

/// `$NAME` or `${NAME}`: a shell parameter the shell splitting left as it is.
fn shell_variable(text: &str) -> Option<String> {
    let name = text.strip_prefix('$')?;
    let name = name
        .strip_prefix('{')
        .and_then(|n| n.strip_suffix('}'))
        .unwrap_or(name);
    let mut chars = name.chars();
    let first = chars.next()?;
    ((first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then(|| name.to_owned())
}
