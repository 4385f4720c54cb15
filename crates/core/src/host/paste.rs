//! Peeling what people paste around a URL: quotes, settings, JSON, JDBC, several lines.

use super::{is_digits, shorten, strip_prefix_ignore_case, HostProblem, PasteForm};

/// The paste reduced to the text that should hold the URL.
#[derive(Default)]
pub(super) struct Paste {
    pub(super) text: String,
    pub(super) form: Option<PasteForm>,
    pub(super) http_path: Option<String>,
    pub(super) wrappings: Vec<String>,
    pub(super) other_lines_ignored: bool,
    pub(super) refusal: Option<HostProblem>,
}

/// Peels the layers people paste around a URL: quotes, `KEY=value` lines, JSON, JDBC and
/// ODBC strings. These are not URL syntax, so `url` cannot read them; they are split here
/// on their own separators (`=`, `;`, newlines) and the URL inside goes to `url`.
pub(super) fn read_paste(input: &str) -> Paste {
    let mut paste = Paste::default();
    let mut text = trim_paste(input).to_owned();
    // Each round peels one layer; real pastes have at most three (a quoted JSON value of
    // an environment variable), so four rounds bound the work.
    for _ in 0..4 {
        text = strip_wrappings(&text, &mut paste.wrappings);
        if let Some(rest) = strip_prefix_ignore_case(&text, "jdbc:") {
            // `jdbc:databricks://HOST:443/default;transportMode=http;httpPath=...`
            let (url_part, properties) = rest.split_once(';').unwrap_or((rest, ""));
            for property in properties.split(';') {
                if let Some((key, value)) = property.split_once('=') {
                    if is_http_path_key(key) && paste.http_path.is_none() {
                        paste.http_path = Some(value.trim().to_owned());
                    }
                }
            }
            paste.form = Some(PasteForm::Jdbc);
            text = url_part.trim().to_owned();
            break;
        }
        if text.starts_with('{') {
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(map)) => {
                    if paste.http_path.is_none() {
                        paste.http_path = http_path_in_json(&map);
                    }
                    let host = map.iter().find_map(|(k, v)| match v {
                        serde_json::Value::String(s) if is_host_key(k) => Some((k, s)),
                        _ => None,
                    });
                    match host {
                        Some((key, value)) => {
                            paste.form = Some(PasteForm::Json { key: key.clone() });
                            text = value.clone();
                            continue;
                        }
                        None => {
                            paste.refusal = Some(HostProblem::NoHostInJson);
                            return paste;
                        }
                    }
                }
                _ => break,
            }
        }
        if let Some((key, value, http_path)) = host_setting(&text) {
            if paste.http_path.is_none() {
                paste.http_path = http_path;
            }
            paste.form = Some(PasteForm::Setting { key });
            text = value;
            continue;
        }
        if !text.bytes().any(|b| b == b'\n' || b == b'\r') {
            break;
        }
        let lines: Vec<&str> = text
            .lines()
            .map(trim_paste)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.len() > 1 {
            let chosen = lines
                .iter()
                .find(|l| l.contains("://"))
                .or_else(|| lines.first())
                .copied()
                .unwrap_or("");
            paste.other_lines_ignored = true;
            text = chosen.to_owned();
            continue;
        }
        break;
    }
    paste.text = strip_wrappings(&text, &mut paste.wrappings);
    paste
}

/// A `KEY=value` (or `key: value`) setting naming the host, in a line or in an ODBC string
/// (`Host=...;HTTPPath=...`); or the value of a lone `NAME=value` line such as
/// `AIRFLOW_CONN_DATABRICKS_DEFAULT='databricks://...'`.
pub(super) fn host_setting(text: &str) -> Option<(String, String, Option<String>)> {
    if !text.bytes().any(|b| b == b'=' || b == b':') {
        return None;
    }
    let mut host = None;
    let mut http_path = None;
    let mut segments = 0;
    let mut lone = None;
    for segment in text.split(['\n', '\r', ';']) {
        let segment = trim_paste(segment);
        if segment.is_empty() {
            continue;
        }
        segments += 1;
        let Some((key, value)) = key_value(segment) else {
            continue;
        };
        if host.is_none() && is_host_key(&key) {
            host = Some((key.clone(), value.to_owned()));
        } else if http_path.is_none() && is_http_path_key(&key) {
            http_path = Some(value.to_owned());
        }
        if lone.is_none() {
            lone = Some((key, value.to_owned()));
        }
    }
    match (host, lone) {
        (Some((key, value)), _) => Some((key, value, http_path)),
        (None, Some((key, value))) if segments == 1 => Some((key, value, None)),
        _ => None,
    }
}

/// One `key = value`, `key: value`, `export KEY="value"` or `"key": "value",`.
pub(super) fn key_value(segment: &str) -> Option<(String, &str)> {
    let mut s = segment;
    for word in ["export ", "set "] {
        if let Some(rest) = strip_prefix_ignore_case(s, word) {
            s = rest.trim_start();
        }
    }
    let quoted = s.starts_with(['"', '\'']);
    let (key, after) = if quoted {
        let quote = s.chars().next()?;
        let inner = s.get(1..)?;
        let end = inner.find(quote)?;
        (inner.get(..end)?, inner.get(end + 1..)?)
    } else {
        let end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
            .unwrap_or(s.len());
        (s.get(..end)?, s.get(end..)?)
    };
    let starts_well = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !starts_well || key.len() > 64 {
        return None;
    }
    let after = after.trim_start();
    let value = if let Some(v) = after.strip_prefix('=') {
        v
    } else if let Some(v) = after.strip_prefix(':') {
        // `https://...` and `host:443` are URLs, not settings: a `:` separator needs a
        // quoted key (JSON) or a space after it (YAML, `.databrickscfg`).
        if v.starts_with("//") || !(quoted || v.starts_with([' ', '\t'])) {
            return None;
        }
        v
    } else {
        return None;
    };
    let value = trim_paste(value).trim_end_matches([',', ';']);
    Some((key.to_owned(), trim_paste(value)))
}

pub(super) fn normalised_key(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `host`, `DATABRICKS_HOST`, `conn_host`, `server_hostname`, `Host` (ODBC), `workspace_url`.
pub(super) fn is_host_key(key: &str) -> bool {
    let k = normalised_key(key);
    k.ends_with("host")
        || k.ends_with("hostname")
        || k.ends_with("hosturl")
        || k == "url"
        || k.ends_with("workspaceurl")
}

/// `httpPath` (JDBC), `HTTPPath` (ODBC), `http_path` (Airflow extra, Python connector).
pub(super) fn is_http_path_key(key: &str) -> bool {
    normalised_key(key).ends_with("httppath")
}

pub(super) fn http_path_in_json(
    map: &serde_json::Map<String, serde_json::Value>,
) -> Option<String> {
    for (k, v) in map {
        match v {
            serde_json::Value::String(s) if is_http_path_key(k) => return Some(s.clone()),
            // Airflow's JSON connection form nests it in `extra`, as an object or a string.
            serde_json::Value::Object(inner) if k == "extra" => {
                if let Some(p) = http_path_in_json(inner) {
                    return Some(p);
                }
            }
            serde_json::Value::String(s) if k == "extra" => {
                if let Ok(serde_json::Value::Object(inner)) =
                    serde_json::from_str::<serde_json::Value>(s)
                {
                    if let Some(p) = http_path_in_json(&inner) {
                        return Some(p);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// A warehouse's (`/sql/1.0/warehouses/<id>`, older `/sql/1.0/endpoints/<id>`) or a
/// cluster's (`/sql/protocolv1/o/<workspace-id>/<cluster-id>`) HTTP path, with its leading
/// slash; anything else is not one.
pub(super) fn normalise_http_path(path: &str) -> Option<String> {
    let trimmed = path.trim().trim_matches('/');
    let parts: Vec<&str> = trimmed.split('/').collect();
    let id_ok = |s: &str| {
        !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let ok = match parts.as_slice() {
        ["sql", "1.0", "warehouses" | "endpoints", id] => id_ok(id),
        ["sql", "protocolv1", "o", org, cluster] => is_digits(org) && id_ok(cluster),
        _ => false,
    };
    ok.then(|| format!("/{trimmed}"))
}

/// `scheme://rest` when `text` starts with a syntactically valid scheme.
pub(super) fn split_scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once("://")?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && scheme.len() <= 32;
    valid.then_some((scheme, rest))
}

/// The text between `https://` (and any user info) and the path, when it is far too long to
/// be a host name. Checked before `url` runs IDNA over it, which costs hundreds of
/// microseconds on a few kilobytes; 1024 bytes leaves room for %-escapes and non-ASCII
/// letters that shrink to a valid name.
pub(super) fn oversized_host(url_text: &str) -> Option<String> {
    const MAX_HOST_TEXT: usize = 1024;
    let after_scheme = url_text
        .get("https:".len()..)?
        .trim_start_matches(['/', '\\']);
    let authority = up_to_path(after_scheme);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    (host.len() > MAX_HOST_TEXT).then(|| shorten(host, 40))
}

/// The text before the first `/`, `\`, `?` or `#`: where a URL's path would start.
pub(super) fn up_to_path(text: &str) -> &str {
    let end = text
        .bytes()
        .position(|b| matches!(b, b'/' | b'\\' | b'?' | b'#'))
        .unwrap_or(text.len());
    text.get(..end).unwrap_or(text)
}

pub(super) fn remove_escaped_scheme(rest: &str) -> String {
    let lower = rest.to_ascii_lowercase();
    for escaped in ["https%3a%2f%2f", "http%3a%2f%2f"] {
        if let Some(at) = lower.find(escaped) {
            let before = rest.get(..at).unwrap_or("");
            let after = rest.get(at + escaped.len()..).unwrap_or("");
            return format!("{before}{after}");
        }
    }
    rest.to_owned()
}

/// Whitespace, invisible characters (zero-width space, byte-order mark, direction marks)
/// and control characters that come along with copy and paste.
pub(super) fn trim_paste(s: &str) -> &str {
    s.trim_matches(|c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '\u{200B}'
                    | '\u{200C}'
                    | '\u{200D}'
                    | '\u{2060}'
                    | '\u{FEFF}'
                    | '\u{200E}'
                    | '\u{200F}'
            )
    })
}

/// Quotes, angle brackets and parentheses around a URL (`"https://..."`, `<https://...>`),
/// and a trailing comma or semicolon from code.
pub(super) fn strip_wrappings(text: &str, removed: &mut Vec<String>) -> String {
    const PAIRS: [(char, char, &str); 8] = [
        ('"', '"', "quotes"),
        ('\'', '\'', "quotes"),
        ('`', '`', "backticks"),
        ('\u{201C}', '\u{201D}', "quotes"),
        ('\u{2018}', '\u{2019}', "quotes"),
        ('\u{AB}', '\u{BB}', "quotes"),
        ('<', '>', "angle brackets"),
        ('(', ')', "parentheses"),
    ];
    const QUOTES: [char; 7] = [
        '"', '\'', '`', '\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}',
    ];
    let mut s = trim_paste(text);
    // Bounded: each round removes at least one character or stops.
    for _ in 0..8 {
        let before = s.len();
        s = trim_paste(s.trim_end_matches([',', ';']));
        for (open, close, name) in PAIRS {
            if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
                s = trim_paste(inner);
                if !removed.iter().any(|r| r == name) {
                    removed.push(name.to_owned());
                }
            }
        }
        // A lone quote at one end (half a selection).
        if let Some(inner) = s.strip_prefix(QUOTES).or_else(|| s.strip_suffix(QUOTES)) {
            s = trim_paste(inner);
            if !removed.iter().any(|r| r == "quotes") {
                removed.push("quotes".to_owned());
            }
        }
        if s.len() == before {
            break;
        }
    }
    s.to_owned()
}

/// `<workspace-url>`, `{{ var.value.host }}`, `${DATABRICKS_HOST}`: template text where the
/// host should be. Only the part before the first `/`, `?` or `#` after the scheme is
/// looked at, so braces in a pasted query do not count.
pub(super) fn looks_like_placeholder(text: &str) -> bool {
    let after_scheme = text.split_once("://").map_or(text, |(_, rest)| rest);
    let authority = up_to_path(after_scheme);
    authority
        .bytes()
        .any(|b| matches!(b, b'<' | b'>' | b'{' | b'}'))
}

/// Full-width forms (U+FF01..U+FF5E) and ideographic full stops, as an East Asian input
/// method types them, folded to the ASCII that IDNA's mapping gives them. Hand-written
/// because it is the one part of IDNA's tables that real pastes need.
pub(super) fn fold_full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3002}' | '\u{FF61}' => '.',
            _ => c,
        })
        .collect()
}

pub(super) fn non_ascii_chars(text: &str, at_most: usize) -> Vec<char> {
    let mut chars: Vec<char> = Vec::new();
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if !chars.contains(&c) {
            chars.push(c);
        }
        if chars.len() >= at_most {
            break;
        }
    }
    chars
}
