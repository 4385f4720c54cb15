//! A small reader for the YAML these pastes use: block mappings and sequences indented
//! with spaces, plain, single- and double-quoted scalars (folded over several lines, as
//! PyYAML's `yaml.dump` wraps long ones), `|` and `>` block scalars, and flow collections
//! that are JSON. Why not a YAML crate: the maintained ones are large (the page's size
//! budget for this feature is 5 KB) and serde_yaml is archived; these files are written by
//! PyYAML (`airflow connections export`, `get -o yaml`) or by hand (airflow_settings.yaml,
//! docker-compose, Kubernetes), always in this subset.
//!
//! Limits, each refused with the line number rather than misread: tags (`!!str`), flow
//! collections that are not JSON, tabs in indentation, complex keys. Anchors are skipped
//! and aliases read as null (docker-compose files use them; a connection never does).
//! Plain scalars are typed by YAML 1.2's core schema (what Go's yaml.v3, which astro-cli
//! uses, does): `yes`, `no`, `on`, `off` stay text.

use super::problem::YamlProblem;
use serde_json::{Map, Number, Value};

type Failure = (usize, YamlProblem);

struct Line<'a> {
    /// 1-based, for messages.
    number: usize,
    indent: usize,
    text: &'a str,
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
}

fn is_skippable(text: &str) -> bool {
    let t = text.trim_start_matches(' ');
    t.is_empty() || t.starts_with('#')
}

/// Reads a whole YAML document into JSON values.
pub fn parse(text: &str) -> Result<Value, Failure> {
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let body = raw.trim_start_matches(' ');
        let indent = raw.len() - body.len();
        if body.starts_with('\t') && !is_skippable(body.trim_start_matches('\t')) {
            return Err((i + 1, YamlProblem::Tab));
        }
        if i == 0 && body.starts_with("%") {
            return Err((1, YamlProblem::Unsupported("a directive")));
        }
        if body == "---" || body.starts_with("--- ") {
            continue;
        }
        if body == "..." {
            break;
        }
        lines.push(Line {
            number: i + 1,
            indent,
            text: body,
        });
    }
    let mut reader = Reader { lines, pos: 0 };
    reader.skip_blank();
    if reader.pos >= reader.lines.len() {
        return Ok(Value::Null);
    }
    let value = reader.block(0)?;
    reader.skip_blank();
    match reader.lines.get(reader.pos) {
        Some(line) => Err((line.number, YamlProblem::BadIndent)),
        None => Ok(value),
    }
}

/// `- ` or a lone `-`: a sequence entry.
fn entry_rest(text: &str) -> Option<&str> {
    if text == "-" {
        return Some("");
    }
    text.strip_prefix("- ")
}

/// Finds `key:` at the start of `text`: (key, rest after the colon).
fn split_key(text: &str) -> Option<(String, &str)> {
    if let Some(quote) = text.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let (key, after) = quoted_inline(text, quote)?;
        let after = after.trim_start_matches(' ');
        let rest = after.strip_prefix(':')?;
        return (rest.is_empty() || rest.starts_with(' ')).then_some((key, rest));
    }
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|t| t.find(':')) {
        let colon = from + at;
        let rest = text.get(colon + 1..).unwrap_or("");
        if rest.is_empty() || rest.starts_with(' ') {
            let key = text.get(..colon).unwrap_or("").trim_end();
            if key.is_empty()
                || key.contains(" #")
                || key.starts_with(['[', '{', '?', '&', '*', '!', '|', '>', '#'])
            {
                return None;
            }
            return Some((key.to_owned(), rest));
        }
        from = colon + 1;
    }
    None
}

/// A quoted scalar that closes on this line: (value, text after the closing quote).
fn quoted_inline(text: &str, quote: char) -> Option<(String, &str)> {
    let body = text.get(1..)?;
    let end = closing_quote(body, quote)?;
    let raw = body.get(..end)?;
    let rest = body.get(end + 1..).unwrap_or("");
    Some((unescape(raw, quote), rest))
}

/// Byte offset of the closing quote in `body` (which starts after the opening one).
fn closing_quote(body: &str, quote: char) -> Option<usize> {
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
            } else {
                return Some(i);
            }
        }
    }
    None
}

/// The text between quotes, with escapes read and line breaks folded (YAML 1.2 §7.3).
fn unescape(raw: &str, quote: char) -> String {
    let mut out = String::with_capacity(raw.len());
    // Escaped characters are never trimmed by folding.
    let mut kept = 0;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if quote == '\'' => {
                chars.next();
                out.push('\'');
            }
            '\\' if quote == '"' => {
                let Some(e) = chars.next() else { break };
                let hex = |n: usize, chars: &mut std::iter::Peekable<std::str::Chars>| {
                    let digits: String = (0..n).filter_map(|_| chars.next()).collect();
                    u32::from_str_radix(&digits, 16)
                        .ok()
                        .and_then(char::from_u32)
                };
                let decoded = match e {
                    '\n' => {
                        while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
                        None
                    }
                    '0' => Some('\0'),
                    'a' => Some('\u{7}'),
                    'b' => Some('\u{8}'),
                    't' | '\t' => Some('\t'),
                    'n' => Some('\n'),
                    'v' => Some('\u{b}'),
                    'f' => Some('\u{c}'),
                    'r' => Some('\r'),
                    'e' => Some('\u{1b}'),
                    'N' => Some('\u{85}'),
                    '_' => Some('\u{a0}'),
                    'L' => Some('\u{2028}'),
                    'P' => Some('\u{2029}'),
                    'x' => hex(2, &mut chars),
                    'u' => hex(4, &mut chars),
                    'U' => hex(8, &mut chars),
                    other => Some(other),
                };
                if let Some(d) = decoded {
                    out.push(d);
                }
                kept = out.len();
            }
            '\n' => {
                let trimmed = out.trim_end_matches([' ', '\t']).len().max(kept);
                out.truncate_checked(trimmed);
                let mut breaks = 0;
                loop {
                    while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
                    if chars.next_if_eq(&'\n').is_some() {
                        breaks += 1;
                    } else {
                        break;
                    }
                }
                if breaks == 0 {
                    out.push(' ');
                } else {
                    out.extend(std::iter::repeat_n('\n', breaks));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `String::truncate` that cannot panic: a cut inside a character is left alone.
trait TruncateChecked {
    fn truncate_checked(&mut self, len: usize);
}

impl TruncateChecked for String {
    fn truncate_checked(&mut self, len: usize) {
        if let Some(kept) = self.get(..len) {
            *self = kept.to_owned();
        }
    }
}

/// Types a plain scalar by the core schema.
fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::Number(n.into());
        }
    }
    let float_like = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if float_like {
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(text.to_owned())
}

/// A plain scalar's first line ends at ` #`.
fn strip_comment(text: &str) -> &str {
    let cut = text.find(" #").unwrap_or(text.len());
    text.get(..cut).unwrap_or(text).trim_end()
}

impl<'a> Reader<'a> {
    fn skip_blank(&mut self) {
        while self
            .lines
            .get(self.pos)
            .is_some_and(|l| is_skippable(l.text))
        {
            self.pos += 1;
        }
    }

    /// The node whose first line is the current one (indent at least `min`).
    fn block(&mut self, min: usize) -> Result<Value, Failure> {
        self.skip_blank();
        let Some(line) = self.lines.get(self.pos) else {
            return Ok(Value::Null);
        };
        if line.indent < min {
            return Ok(Value::Null);
        }
        let indent = line.indent;
        if entry_rest(line.text).is_some() {
            self.sequence(indent)
        } else if split_key(line.text).is_some() {
            self.mapping(indent)
        } else {
            let text = line.text;
            self.pos += 1;
            self.inline_value(text, indent.saturating_sub(1))
        }
    }

    fn sequence(&mut self, indent: usize) -> Result<Value, Failure> {
        let mut items = Vec::new();
        loop {
            self.skip_blank();
            let Some(line) = self.lines.get(self.pos) else {
                break;
            };
            if line.indent != indent {
                break;
            }
            let Some(rest) = entry_rest(line.text) else {
                break;
            };
            let body = rest.trim_start_matches(' ');
            if body.is_empty() || body.starts_with('#') {
                self.pos += 1;
                items.push(self.block(indent + 1)?);
                continue;
            }
            // The entry's text becomes a line of its own, indented where it starts.
            let shift = line.text.len() - body.len();
            let number = line.number;
            if let Some(slot) = self.lines.get_mut(self.pos) {
                *slot = Line {
                    number,
                    indent: indent + shift,
                    text: body,
                };
            }
            items.push(self.block(indent + shift)?);
        }
        Ok(Value::Array(items))
    }

    fn mapping(&mut self, indent: usize) -> Result<Value, Failure> {
        let mut map = Map::new();
        loop {
            self.skip_blank();
            let Some(line) = self.lines.get(self.pos) else {
                break;
            };
            if line.indent != indent || entry_rest(line.text).is_some() {
                if line.indent > indent {
                    return Err((line.number, YamlProblem::BadIndent));
                }
                break;
            }
            let number = line.number;
            let Some((key, rest)) = split_key(line.text) else {
                return Err((number, YamlProblem::BadIndent));
            };
            self.pos += 1;
            let rest = rest.trim_start_matches(' ');
            let value = if rest.is_empty() || rest.starts_with('#') {
                self.skip_blank();
                match self.lines.get(self.pos) {
                    Some(next) if next.indent > indent => self.block(indent + 1)?,
                    Some(next) if next.indent == indent && entry_rest(next.text).is_some() => {
                        self.sequence(indent)?
                    }
                    _ => Value::Null,
                }
            } else {
                self.inline_value(rest, indent)?
            };
            if map.insert(key.clone(), value).is_some() {
                return Err((number, YamlProblem::DuplicateKey(key)));
            }
        }
        Ok(Value::Object(map))
    }

    /// A value that starts on a line already consumed; continuation lines are those
    /// indented more than `parent`.
    fn inline_value(&mut self, text: &'a str, parent: usize) -> Result<Value, Failure> {
        let number = self
            .lines
            .get(self.pos.wrapping_sub(1))
            .map_or(1, |l| l.number);
        let mut text = text;
        // An anchor names the node; nothing here refers to it.
        if let Some(rest) = text.strip_prefix('&') {
            let after = rest.find(' ').map_or("", |at| rest.get(at..).unwrap_or(""));
            text = after.trim_start_matches(' ');
            if text.is_empty() || text.starts_with('#') {
                return self.block(parent + 1);
            }
        }
        match text.chars().next() {
            Some('*') => Ok(Value::Null),
            Some('!') => Err((number, YamlProblem::Unsupported("a tag"))),
            Some('?') => Err((number, YamlProblem::Unsupported("a complex key"))),
            Some('|' | '>') => self.block_scalar(text, parent, number),
            Some(q @ ('"' | '\'')) => {
                let mut raw = text.get(1..).unwrap_or("").to_owned();
                loop {
                    if let Some(end) = closing_quote(&raw, q) {
                        let body = raw.get(..end).unwrap_or("");
                        return Ok(Value::String(unescape(body, q)));
                    }
                    let Some(next) = self.lines.get(self.pos) else {
                        return Err((number, YamlProblem::Unclosed));
                    };
                    raw.push('\n');
                    raw.push_str(next.text);
                    self.pos += 1;
                }
            }
            Some('{' | '[') => {
                let mut raw = strip_comment(text).to_owned();
                loop {
                    if let Ok(value) = serde_json::from_str::<Value>(&raw) {
                        return Ok(value);
                    }
                    match self.lines.get(self.pos) {
                        Some(next) if next.indent > parent && !raw.ends_with(['}', ']']) => {
                            raw.push(' ');
                            raw.push_str(next.text);
                            self.pos += 1;
                        }
                        _ => {
                            return Err((
                                number,
                                YamlProblem::Unsupported("a flow collection that is not JSON"),
                            ))
                        }
                    }
                }
            }
            _ => {
                let mut out = strip_comment(text).to_owned();
                let mut breaks = 0;
                while let Some(next) = self.lines.get(self.pos) {
                    if is_skippable(next.text) && !next.text.trim_start().starts_with('#') {
                        breaks += 1;
                        self.pos += 1;
                        continue;
                    }
                    if next.indent <= parent || next.text.starts_with('#') {
                        break;
                    }
                    if breaks == 0 {
                        out.push(' ');
                    } else {
                        out.extend(std::iter::repeat_n('\n', breaks));
                    }
                    breaks = 0;
                    out.push_str(strip_comment(next.text));
                    self.pos += 1;
                }
                Ok(plain(&out))
            }
        }
    }

    /// `|` keeps line breaks, `>` folds them; `-` strips the final one, `+` keeps all.
    fn block_scalar(
        &mut self,
        header: &str,
        parent: usize,
        number: usize,
    ) -> Result<Value, Failure> {
        let header = strip_comment(header);
        let literal = header.starts_with('|');
        let chomp = if header.contains('-') {
            '-'
        } else if header.contains('+') {
            '+'
        } else {
            ' '
        };
        if header.bytes().any(|b| b.is_ascii_digit()) {
            return Err((number, YamlProblem::Unsupported("an indentation indicator")));
        }
        let mut body: Vec<(usize, &str)> = Vec::new();
        while let Some(next) = self.lines.get(self.pos) {
            let blank = next.text.trim().is_empty();
            if !blank && next.indent <= parent {
                break;
            }
            body.push((next.indent, next.text));
            self.pos += 1;
        }
        let base = body
            .iter()
            .filter(|(_, t)| !t.trim().is_empty())
            .map(|(i, _)| *i)
            .min()
            .unwrap_or(0);
        let mut out = String::new();
        let mut previous_folds = false;
        for (k, (indent, text)) in body.iter().enumerate() {
            let line = format!("{}{}", " ".repeat(indent.saturating_sub(base)), text);
            let folds = !literal && !line.is_empty() && !line.starts_with(' ');
            if k > 0 {
                out.push(if folds && previous_folds { ' ' } else { '\n' });
            }
            out.push_str(&line);
            previous_folds = folds;
        }
        let content = out.trim_end_matches('\n').len();
        match chomp {
            '-' => out.truncate_checked(content),
            '+' => out.push('\n'),
            _ => {
                out.truncate_checked(content);
                if content > 0 {
                    out.push('\n');
                }
            }
        }
        Ok(Value::String(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn reads_what_pyyaml_writes_for_an_export() {
        let doc = "db1:\n  conn_type: databricks\n  description: null\n  extra: '{\"a\": true, \"s\": \"it''s\"}'\n  host: https://adb-1.2.azuredatabricks.net\n  login: null\n  password: \"p\\xE9\\u20AC\"\n  port: 443\n";
        assert_eq!(
            parse(doc).unwrap(),
            json!({"db1": {"conn_type": "databricks", "description": null,
                "extra": "{\"a\": true, \"s\": \"it's\"}", "host": "https://adb-1.2.azuredatabricks.net",
                "login": null, "password": "pé€", "port": 443}})
        );
    }

    #[test]
    fn reads_astro_settings_and_folded_scalars() {
        let doc = "airflow:\n  connections:\n    - conn_id: x # comment\n      conn_extra:\n        a: true\n        b: 'one\n          two'\n      conn_login:\n  pools: []\n";
        assert_eq!(
            parse(doc).unwrap(),
            json!({"airflow": {"connections": [{"conn_id": "x", "conn_extra": {"a": true, "b": "one two"}, "conn_login": null}], "pools": []}})
        );
        assert_eq!(parse("k: |\n  a\n   b\n").unwrap(), json!({"k": "a\n b\n"}));
        assert_eq!(parse("k: >-\n  a\n  b\n").unwrap(), json!({"k": "a b"}));
    }

    #[test]
    fn refuses_what_it_does_not_read() {
        assert_eq!(
            parse("k: !!str 1").unwrap_err().1,
            YamlProblem::Unsupported("a tag")
        );
        assert_eq!(
            parse("k: {a: b}").unwrap_err().1,
            YamlProblem::Unsupported("a flow collection that is not JSON")
        );
        assert_eq!(parse("k: 'open").unwrap_err().1, YamlProblem::Unclosed);
        assert_eq!(
            parse("a: 1\na: 2").unwrap_err().1,
            YamlProblem::DuplicateKey("a".into())
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
        /// Whatever it reads, libyaml reads the same (for text values written quoted).
        #[test]
        fn quoted_values_read_as_libyaml_reads_them(value in "\\PC{0,30}") {
            let doc = format!("k: {}\n", crate::airflow::yaml::double_quoted(&value));
            prop_assert_eq!(parse(&doc).unwrap(), json!({"k": value}));
        }

        #[test]
        fn never_panics(text in "[ \\-:'\"#|>a{}\\[\\]\n]{0,60}|\\PC{0,60}") {
            let _ = parse(&text);
        }
    }
}
