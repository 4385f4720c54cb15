//! `airflow connections add ...` read as a POSIX shell and then Python 3.11's argparse
//! (with its default abbreviations) read it; docs/airflow-import.md has the rules.

use super::problem::CliProblem;

/// The options of `airflow connections add` (Airflow 2.10 and 3.x have the same).
const OPTIONS: [&str; 12] = [
    "--conn-uri",
    "--conn-json",
    "--conn-extra",
    "--conn-type",
    "--conn-description",
    "--conn-host",
    "--conn-login",
    "--conn-password",
    "--conn-schema",
    "--conn-port",
    "--help",
    "-h",
];

/// What argparse hands to `connections_add`: each option's last value, and the conn id.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AddArgs {
    pub conn_id: String,
    pub uri: Option<String>,
    pub json: Option<String>,
    pub extra: Option<String>,
    pub conn_type: Option<String>,
    pub host: Option<String>,
    pub login: Option<String>,
    pub password: Option<String>,
    pub schema: Option<String>,
    pub port: Option<String>,
}

/// The shell commands in `text` that run `connections add`, as word lists after `add`.
/// A command ends at a line break outside quotes and not escaped.
pub fn add_commands(text: &str) -> Result<Vec<Vec<String>>, CliProblem> {
    let mut commands = Vec::new();
    let mut pending = String::new();
    for line in text.lines() {
        // A backslash ending a line outside quotes joins the next line (POSIX); the shlex
        // crate would read it as an empty word.
        if let Some(head) = line.strip_suffix('\\') {
            let mut joined = pending.clone();
            joined.push_str(head);
            if shlex::split(&joined).is_some() {
                pending = joined;
                continue;
            }
        }
        pending.push_str(line);
        pending.push('\n');
        let Some(words) = shlex::split(&pending) else {
            continue;
        };
        let words = shlex::split(until_operator(&pending)).unwrap_or(words);
        pending.clear();
        if let Some(args) = after_add(&words) {
            commands.push(args);
        }
    }
    if !pending.trim().is_empty() {
        return Err(CliProblem::Quoting);
    }
    Ok(commands)
}

/// The words after `connections add`.
fn after_add(words: &[String]) -> Option<Vec<String>> {
    let at = words
        .windows(2)
        .position(|w| matches!(w, [a, b] if a == "connections" && b == "add"))?;
    Some(words.iter().skip(at + 2).cloned().collect())
}

/// `command` up to its first `;`, `|` or `&` outside quotes: where the shell ends the
/// command. A small scan rather than shlex's words, because shlex removes the quotes
/// and a quoted `';'` (a password) would then read as the operator.
fn until_operator(command: &str) -> &str {
    let mut quote = None;
    let mut escaped = false;
    for (at, c) in command.char_indices() {
        match (quote, c) {
            _ if escaped => escaped = false,
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => escaped = true,
            (Some('"'), '"') => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, ';' | '|' | '&') => return command.get(..at).unwrap_or(command),
            (None, _) => {}
        }
    }
    command
}

enum Kind {
    /// A value (argparse's 'A').
    Value,
    /// A known option, with the value given after `=`.
    Option(&'static str, Option<String>),
    /// `--`: the rest are values.
    End,
    Unknown,
}

/// argparse's `_parse_optional` for this parser.
fn classify(arg: &str) -> Result<Kind, CliProblem> {
    if arg == "--" {
        return Ok(Kind::End);
    }
    if !arg.starts_with('-') || arg.len() == 1 {
        return Ok(Kind::Value);
    }
    if let Some(option) = OPTIONS.iter().find(|o| **o == arg) {
        return Ok(Kind::Option(option, None));
    }
    if let Some((name, value)) = arg.split_once('=') {
        if let Some(option) = OPTIONS.iter().find(|o| **o == name) {
            return Ok(Kind::Option(option, Some(value.to_owned())));
        }
    }
    // Abbreviations: a unique prefix of a long option.
    if arg.starts_with("--") {
        let (prefix, value) = match arg.split_once('=') {
            Some((p, v)) => (p, Some(v.to_owned())),
            None => (arg, None),
        };
        let matches: Vec<&'static str> = OPTIONS
            .iter()
            .copied()
            .filter(|o| o.starts_with(prefix))
            .collect();
        match matches.as_slice() {
            [one] => return Ok(Kind::Option(one, value)),
            [] => {}
            _ => return Err(CliProblem::AmbiguousOption(prefix.to_owned())),
        }
    } else if arg.get(..2) == Some("-h") {
        return Ok(Kind::Option("-h", arg.get(2..).map(str::to_owned)));
    }
    let negative_number = arg.get(1..).is_some_and(|n| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && n.matches('.').count() <= 1
            && !n.ends_with('.')
    });
    if negative_number || arg.contains(' ') {
        return Ok(Kind::Value);
    }
    Ok(Kind::Unknown)
}

/// Parses the words after `connections add` as argparse does.
pub fn parse_add(words: &[String]) -> Result<AddArgs, CliProblem> {
    let mut args = AddArgs::default();
    let mut conn_id: Option<String> = None;
    let mut rest_are_values = false;
    let mut words = words.iter();
    while let Some(word) = words.next() {
        let kind = if rest_are_values {
            Kind::Value
        } else {
            classify(word)?
        };
        match kind {
            Kind::End => rest_are_values = true,
            Kind::Value => {
                if conn_id.is_some() {
                    return Err(CliProblem::UnknownArgument(word.clone()));
                }
                conn_id = Some(word.clone());
            }
            Kind::Unknown => return Err(CliProblem::UnknownArgument(word.clone())),
            Kind::Option("--help" | "-h", _) => {
                return Err(CliProblem::UnknownArgument(word.clone()))
            }
            Kind::Option(option, explicit) => {
                let value = match explicit {
                    Some(v) => v,
                    None => match words.clone().next() {
                        Some(next)
                            if !rest_are_values && matches!(classify(next), Ok(Kind::Value)) =>
                        {
                            words.next();
                            next.clone()
                        }
                        _ => return Err(CliProblem::MissingValue(option.to_owned())),
                    },
                };
                let slot = match option {
                    "--conn-uri" => &mut args.uri,
                    "--conn-json" => &mut args.json,
                    "--conn-extra" => &mut args.extra,
                    "--conn-type" => &mut args.conn_type,
                    "--conn-host" => &mut args.host,
                    "--conn-login" => &mut args.login,
                    "--conn-password" => &mut args.password,
                    "--conn-schema" => &mut args.schema,
                    "--conn-port" => &mut args.port,
                    // The description is not part of the connection this page reads.
                    _ => continue,
                };
                *slot = Some(value);
            }
        }
    }
    args.conn_id = conn_id.ok_or(CliProblem::NoConnId)?;
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        add_commands(line).unwrap().remove(0)
    }

    #[test]
    fn reads_argparse_spellings() {
        let a = parse_add(&words(
            "airflow connections add --conn-pass=-x --conn-h h --conn-type=databricks 'my id'",
        ))
        .unwrap();
        assert_eq!(a.password.as_deref(), Some("-x"));
        assert_eq!(a.host.as_deref(), Some("h"));
        assert_eq!(a.conn_id, "my id");
        let a = parse_add(&words(
            "airflow connections add --conn-password '-a b' -- -id",
        ))
        .unwrap();
        assert_eq!(a.password.as_deref(), Some("-a b"));
        assert_eq!(a.conn_id, "-id");
    }

    #[test]
    fn a_command_ends_at_an_operator_outside_quotes_only() {
        // A property test found `--conn-password ';'` cut at the quoted semicolon.
        for secret in ["';'", "'|'", "\"a;b\"", "'&&'", "\\;"] {
            let a = parse_add(&words(&format!(
                "airflow connections add --conn-password {secret} id; echo done"
            )))
            .unwrap();
            assert_eq!(a.conn_id, "id", "{secret}");
            assert!(a.password.is_some_and(|p| !p.is_empty()), "{secret}");
        }
        let a = parse_add(&words("airflow connections add x&& echo 'y'")).unwrap();
        assert_eq!(a.conn_id, "x");
    }

    #[test]
    fn refuses_what_argparse_refuses() {
        assert_eq!(
            parse_add(&words("airflow connections add --conn-p x id")),
            Err(CliProblem::AmbiguousOption("--conn-p".into()))
        );
        assert_eq!(
            parse_add(&words("airflow connections add --conn-password -x id")),
            Err(CliProblem::MissingValue("--conn-password".into()))
        );
        assert_eq!(
            parse_add(&words("airflow connections add a b")),
            Err(CliProblem::UnknownArgument("b".into()))
        );
        assert_eq!(
            add_commands("airflow connections add 'x"),
            Err(CliProblem::Quoting)
        );
    }

    #[test]
    fn reads_continued_lines_and_several_commands() {
        let text = "airflow connections add \\\n  --conn-uri 'databricks://h' a\nairflow connections add --conn-uri x b\n";
        let commands = add_commands(text).unwrap();
        assert_eq!(commands.len(), 2);
        assert_eq!(
            parse_add(&commands[0]).unwrap().uri.as_deref(),
            Some("databricks://h")
        );
    }
}
