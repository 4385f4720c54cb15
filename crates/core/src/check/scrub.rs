//! A short, safe excerpt of an answer body for the `unexpected_response` explanation.
//!
//! Hand-written rather than a regex: it only shortens and masks text shown to a person
//! (no decision depends on it), and a regex engine would add size to the page's wasm for
//! five word shapes. Every rule errs towards masking.

use crate::secret::detect::{is_uuid, issued_prefix};

/// Most characters of body shown in an explanation.
pub const EXCERPT_CHARS: usize = 160;
/// Bytes of body looked at for the excerpt; answers worth quoting start at the top.
const HEAD_BYTES: usize = 64 * 1024;
const REDACTED: &str = "[redacted]";

/// Letters and digits after a Databricks secret's prefix from which a word is masked: fewer
/// than the analyses need to report a secret, since a mask errs towards hiding.
const MASKED_BODY: usize = 8;

/// The body's first words, on one line, with anything that looks like a secret masked.
/// For HTML, the page's `<title>` when it has one.
pub fn sanitised_excerpt(body: &[u8]) -> String {
    let head = body.get(..HEAD_BYTES.min(body.len())).unwrap_or(body);
    let text = String::from_utf8_lossy(head);
    let readable = if looks_like_html(&text) {
        html_title(&text).unwrap_or_else(|| strip_tags(&text))
    } else {
        text.into_owned()
    };
    let one_line: String = readable
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    truncate(&mask_secrets(&one_line), EXCERPT_CHARS)
}

pub(crate) fn looks_like_html(text: &str) -> bool {
    let start: String = text
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || start.contains("<head")
        || start.contains("<title")
        || start.contains("<body")
}

/// The text of the first `<title>` element, if any.
pub(crate) fn html_title(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let after_open = open + lower.get(open..)?.find('>')? + 1;
    let close = after_open + lower.get(after_open..)?.find("</title")?;
    let title = text.get(after_open..close)?.trim();
    (!title.is_empty()).then(|| title.to_owned())
}

fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4096));
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn truncate(text: &str, max_chars: usize) -> String {
    let mut chars = text.chars();
    let kept: String = chars.by_ref().take(max_chars).collect();
    if chars.next().is_some() {
        format!("{kept}…")
    } else {
        kept
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/')
}

/// Splits into alternating runs of word and non-word characters and masks words that
/// look like a secret, or that follow `Bearer`, `Basic` or a `...token:`-like key.
pub(crate) fn mask_secrets(text: &str) -> String {
    let mut runs: Vec<(bool, &str)> = Vec::new();
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let word = is_word_char(c);
        match current {
            Some(w) if w == word => {}
            Some(w) => {
                runs.push((w, text.get(start..i).unwrap_or("")));
                start = i;
                current = Some(word);
            }
            None => current = Some(word),
        }
    }
    if let Some(w) = current {
        runs.push((w, text.get(start..).unwrap_or("")));
    }

    let mut out = String::with_capacity(text.len());
    let mut previous_word = "";
    let mut separator = "";
    let mut after_redaction = false;
    for (is_word, run) in runs {
        if !is_word {
            // Base64 padding belongs to the value just masked.
            let run = if after_redaction {
                run.trim_start_matches('=')
            } else {
                run
            };
            separator = run;
            out.push_str(run);
            continue;
        }
        // A scheme after a key (`Authorization: Bearer x`) stays; the word after it goes.
        let scheme = run.eq_ignore_ascii_case("bearer") || run.eq_ignore_ascii_case("basic");
        after_redaction =
            looks_secret(run) || (!scheme && introduces_secret(previous_word, separator));
        out.push_str(if after_redaction { REDACTED } else { run });
        previous_word = run;
        separator = "";
    }
    out
}

fn introduces_secret(previous_word: &str, separator: &str) -> bool {
    let prev = previous_word
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_ascii_lowercase();
    if (prev == "bearer" || prev == "basic") && separator.chars().all(char::is_whitespace) {
        return !separator.is_empty();
    }
    let keyed = separator.contains(':') || separator.contains('=');
    keyed
        && ["token", "secret", "password", "authorization"]
            .iter()
            .any(|k| prev.ends_with(k))
}

fn looks_secret(word: &str) -> bool {
    looks_issued_secret(word) || looks_random(word)
}

/// A Databricks secret by its prefix, or a JWT (an OAuth or Entra ID access token).
fn looks_issued_secret(word: &str) -> bool {
    let word = word.trim_matches(|c: char| matches!(c, '.' | '/' | '-'));
    let prefixed = issued_prefix(word).is_some_and(|(_, rest)| {
        rest.chars().take_while(char::is_ascii_alphanumeric).count() >= MASKED_BODY
    });
    let jwt = word.starts_with("eyJ") && word.matches('.').count() >= 2;
    prefixed || jwt
}

/// Whether `text` holds a word shaped like an issued secret. Narrower than the masking
/// above: a pasted terminal session is full of long ids and hashes that are not secret.
pub(crate) fn holds_issued_secret(text: &str) -> bool {
    text.split(|c: char| !is_word_char(c))
        .any(looks_issued_secret)
}

/// Long runs of mixed letters and digits without dots are keys, tokens or hashes. A
/// UUID (a request id worth quoting to support) and a workspace id are spared.
fn looks_random(word: &str) -> bool {
    word.chars().count() >= 32
        && !word.contains('.')
        && !is_uuid(word)
        && word.chars().any(|c| c.is_ascii_digit())
        && word.chars().any(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_shape_of_secret_but_keeps_the_words_around_it() {
        let cases = [
            (
                "token dapi0123456789abcdef0123456789abcdef-2 refused",
                "token [redacted] refused",
            ),
            (
                "Authorization: Bearer abc.def",
                "Authorization: Bearer [redacted]",
            ),
            ("Basic dG9rZW46ZGFwaQ==", "Basic [redacted]"),
            (
                r#"{"access_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln","token_type":"Bearer"}"#,
                r#"{"access_token":"[redacted]","token_type":"Bearer"}"#,
            ),
            ("client_secret=hunter2&x=1", "client_secret=[redacted]&x=1"),
            (
                "secret dose0123456789abcdef0123 end",
                "secret [redacted] end",
            ),
            (
                "hash 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "hash [redacted]",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(mask_secrets(input), expected, "{input}");
        }
    }

    #[test]
    fn spares_request_ids_workspace_ids_hosts_and_messages() {
        let text = "Invalid access token. [ReqId: 5c5d1f2e-3a4b-4c6d-8e9f-0a1b2c3d4e5f] workspace 7474646471015793 at adb-5555555555555555.19.azuredatabricks.net";
        assert_eq!(mask_secrets(text), text);
    }

    #[test]
    fn html_is_reduced_to_its_title_and_long_text_is_cut() {
        let page = "<html><head><title>Error 403 Invalid access token.</title></head><body>...</body></html>";
        assert_eq!(
            sanitised_excerpt(page.as_bytes()),
            "Error 403 Invalid access token."
        );
        let long = "word ".repeat(1000);
        let cut = sanitised_excerpt(long.as_bytes());
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(
            sanitised_excerpt(b"\xff\xfe{\n\"a\":\t1}"),
            "\u{fffd}\u{fffd}{ \"a\": 1}"
        );
        assert_eq!(
            sanitised_excerpt(b"<html><body><p>Down for <b>maintenance</b></p></body></html>"),
            "Down for maintenance"
        );
    }
}
