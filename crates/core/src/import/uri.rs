//! Airflow's URI reader (`Connection._parse_from_uri`, and the task SDK's
//! `Connection.from_uri`), rebuilt on Python 3.11's `urlsplit` and `parse_qsl` rules.
//! docs/airflow-import.md names each rule's source.

use super::problem::UriProblem;
use super::RawConnection;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

/// What `urlsplit` returns, for the parts Airflow reads.
struct Split {
    scheme: String,
    netloc: String,
    path: String,
    query: String,
}

/// Python's `unquote`: `%XX` decoded, the bytes read as UTF-8 with U+FFFD for bad ones.
pub fn unquote(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Python 3.11's `urlsplit`: leading C0 controls and spaces dropped, tabs and line
/// breaks removed anywhere, the scheme lower-cased when it is one.
fn urlsplit(raw: &str) -> Result<Split, UriProblem> {
    let mut url: String = raw
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let mut scheme = String::new();
    if let Some((head, rest)) = url.split_once(':') {
        let scheme_like = head.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && head
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if scheme_like {
            scheme = head.to_ascii_lowercase();
            url = rest.to_owned();
        }
    }
    let mut netloc = String::new();
    if let Some(after) = url.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let (n, rest) = after.split_at_checked(end).unwrap_or((after, ""));
        netloc = n.to_owned();
        url = rest.to_owned();
        if netloc.contains('[') != netloc.contains(']') {
            return Err(UriProblem::Brackets);
        }
        if netloc.contains('[') {
            // Python then checks the bracketed text is an IP address; no Databricks
            // host is one, so any bracket is refused here.
            return Err(UriProblem::Brackets);
        }
    }
    if let Some((before, _fragment)) = url.split_once('#') {
        url = before.to_owned();
    }
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (url, String::new()),
    };
    Ok(Split {
        scheme,
        netloc,
        path,
        query,
    })
}

/// `SplitResult.username` and `.password`: the text before the last `@`, cut at its first `:`.
fn userinfo(netloc: &str) -> (Option<&str>, Option<&str>) {
    match netloc.rsplit_once('@') {
        Some((info, _)) => match info.split_once(':') {
            Some((user, pass)) => (Some(user), Some(pass)),
            None => (Some(info), None),
        },
        None => (None, None),
    }
}

/// `SplitResult._hostinfo`: (hostname text, port text) after the last `@`.
fn hostinfo(netloc: &str) -> (&str, Option<&str>) {
    let info = netloc.rsplit_once('@').map_or(netloc, |(_, h)| h);
    match info.split_once(':') {
        Some((host, port)) if !port.is_empty() => (host, Some(port)),
        Some((host, _)) => (host, None),
        None => (info, None),
    }
}

/// `SplitResult.hostname`: lower-cased up to the first `%` (Python leaves a zone id as
/// typed). Python lower-cases every letter; this lower-cases ASCII only (keeping Unicode's
/// case tables out of the page) and the caller reports a non-ASCII host.
fn hostname(netloc: &str) -> Option<String> {
    let (host, _) = hostinfo(netloc);
    if host.is_empty() {
        return None;
    }
    Some(match host.split_once('%') {
        Some((head, zone)) => format!("{}%{zone}", head.to_ascii_lowercase()),
        None => host.to_ascii_lowercase(),
    })
}

fn port(netloc: &str) -> Result<Option<u16>, UriProblem> {
    match hostinfo(netloc).1 {
        None => Ok(None),
        Some(text) if text.bytes().all(|b| b.is_ascii_digit()) => {
            let trimmed = text.trim_start_matches('0');
            if trimmed.len() > 5 {
                return Err(UriProblem::PortOutOfRange);
            }
            let value: u32 = trimmed.parse().unwrap_or(0);
            u16::try_from(value)
                .map(Some)
                .map_err(|_| UriProblem::PortOutOfRange)
        }
        Some(_) => Err(UriProblem::PortNotNumber),
    }
}

/// Airflow's `_parse_netloc_to_hostname`: a decoded hostname holding `/` is taken from
/// the raw netloc instead (and then not lower-cased).
fn airflow_hostname(split: &Split) -> String {
    let decoded = unquote(hostname(&split.netloc).as_deref().unwrap_or(""));
    if !decoded.contains('/') {
        return decoded;
    }
    let mut host = split.netloc.as_str();
    if let Some((_, after)) = host.rsplit_once('@') {
        host = after;
    }
    if let Some((before, _)) = host.split_once(':') {
        host = before;
    }
    unquote(host)
}

/// `parse_qsl(query, keep_blank_values=True)` then `dict(...)`: `&`-separated, `+` is a
/// space, the last of a repeated name wins.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for item in query.split('&').filter(|s| !s.is_empty()) {
        let (name, value) = item.split_once('=').unwrap_or((item, ""));
        let name = unquote(&name.replace('+', " "));
        let value = unquote(&value.replace('+', " "));
        match pairs.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => pairs.push((name, value)),
        }
    }
    pairs
}

/// How a URI's `?key=value` extras are typed: Airflow 2, and Airflow 3's task SDK (where
/// the provider runs), keep them as strings; Airflow 3's core model (CLI, API, UI) reads
/// each value as JSON when it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryTyping {
    Strings,
    Json,
}

/// The extra a URI's query gives, as text (`None` when there is no query).
fn query_extra(query: &str, typing: QueryTyping) -> Option<String> {
    if query.is_empty() {
        return None;
    }
    let pairs = query_pairs(query);
    if let Some((_, extra)) = pairs.iter().find(|(n, _)| n == "__extra__") {
        return Some(extra.clone());
    }
    let mut map = Map::new();
    for (name, value) in pairs {
        let typed = match typing {
            QueryTyping::Json if !value.is_empty() => {
                serde_json::from_str(&value).unwrap_or(Value::String(value))
            }
            _ => Value::String(value),
        };
        map.insert(name, typed);
    }
    Some(Value::Object(map).to_string())
}

/// True when the query holds plain `key=value` extras that Airflow 3's core would read
/// as something other than a string.
pub fn query_typed_differently(uri: &str) -> bool {
    let Some((_, query)) = uri.split_once('?') else {
        return false;
    };
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let pairs = query_pairs(query);
    !pairs.iter().any(|(n, _)| n == "__extra__")
        && pairs.iter().any(|(_, v)| {
            !v.is_empty() && serde_json::from_str::<Value>(v).is_ok_and(|j| !j.is_string())
        })
}

/// Reads a connection URI as Airflow does. Never panics.
pub(crate) fn parse(uri: &str, typing: QueryTyping) -> Result<RawConnection, UriProblem> {
    let schemes = uri.matches("://").count();
    if schemes > 2 {
        return Err(UriProblem::TooManySchemes);
    }
    let with_protocol = schemes == 2;
    let first = urlsplit(uri)?;
    if first.scheme.is_empty() {
        return Err(UriProblem::NoScheme);
    }
    let conn_type = normalise_conn_type(&first.scheme);
    // Airflow removes every `<scheme>://`, as typed in lower case, from the whole text.
    let rest = uri.replace(
        &format!("{}://", first.scheme),
        if with_protocol { "" } else { "//" },
    );
    if with_protocol {
        let before = rest.split_once("://").map_or(rest.as_str(), |(b, _)| b);
        if before.contains(['@', ':']) {
            return Err(UriProblem::CredentialsBeforeProtocol);
        }
    }
    let split = urlsplit(&rest)?;
    let protocol = with_protocol.then_some(split.scheme.as_str());
    let host = airflow_hostname(&split);
    let host = match protocol {
        Some(p) if !host.is_empty() => format!("{p}://{host}"),
        _ => host,
    };
    let schema = unquote(&split.path.chars().skip(1).collect::<String>());
    let (user, pass) = userinfo(&split.netloc);
    Ok(RawConnection {
        conn_type: Some(conn_type),
        host: Some(host),
        login: user.map(unquote),
        password: pass.map(unquote),
        schema: Some(schema),
        port: port(&split.netloc)?.map(i64::from),
        extra: query_extra(&split.query, typing),
    })
}

/// `Connection._normalize_conn_type`.
pub fn normalise_conn_type(conn_type: &str) -> String {
    if conn_type == "postgresql" {
        "postgres".to_owned()
    } else {
        conn_type.replace('-', "_")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(uri: &str) -> RawConnection {
        parse(uri, QueryTyping::Strings).unwrap()
    }

    #[test]
    fn reads_get_uris_form_with_the_protocol_in_the_host() {
        let c = read("databricks://https://:dapi%231@adb-1.2.azuredatabricks.net/?__extra__=%7B%22a%22%3A+true%7D");
        assert_eq!(
            c.host.as_deref(),
            Some("https://adb-1.2.azuredatabricks.net")
        );
        assert_eq!(c.login.as_deref(), Some(""));
        assert_eq!(c.password.as_deref(), Some("dapi#1"));
        assert_eq!(c.schema.as_deref(), Some(""));
        assert_eq!(c.extra.as_deref(), Some(r#"{"a": true}"#));
    }

    #[test]
    fn reads_fields_as_pythons_urlsplit_does() {
        let c = read("databricks://Us%40r:p:w@HOST.Example.com:0443/sch%2Fx?b=1&a=x+y&b=2");
        assert_eq!(c.login.as_deref(), Some("Us@r"));
        assert_eq!(c.password.as_deref(), Some("p:w"));
        assert_eq!(c.host.as_deref(), Some("host.example.com"));
        assert_eq!(c.port, Some(443));
        assert_eq!(c.schema.as_deref(), Some("sch/x"));
        assert_eq!(c.extra.as_deref(), Some(r#"{"a":"x y","b":"2"}"#));
        assert_eq!(read("databricks://h").login, None);
        assert_eq!(read("databricks://@h").login.as_deref(), Some(""));
        assert_eq!(read("databricks://ADB%2DX").host.as_deref(), Some("adb-X"));
    }

    #[test]
    fn refuses_what_airflow_refuses() {
        let bad = |uri| parse(uri, QueryTyping::Strings).unwrap_err();
        assert_eq!(bad("databricks://:a#b@h"), UriProblem::PortNotNumber);
        assert_eq!(bad("databricks://h:70000"), UriProblem::PortOutOfRange);
        assert_eq!(
            bad("databricks://:x@https://h"),
            UriProblem::CredentialsBeforeProtocol
        );
        assert_eq!(bad("a://b://c://d"), UriProblem::TooManySchemes);
        assert_eq!(bad("no scheme here"), UriProblem::NoScheme);
    }

    #[test]
    fn airflow_3_core_types_query_values() {
        let c = parse("databricks://h?x=1&y=false&z=", QueryTyping::Json).unwrap();
        assert_eq!(c.extra.as_deref(), Some(r#"{"x":1,"y":false,"z":""}"#));
        assert!(query_typed_differently("databricks://h?y=false"));
        assert!(!query_typed_differently("databricks://h?y=abc"));
    }
}
