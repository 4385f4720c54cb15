//! What a pasted secret looks like: the kind of Databricks or Azure secret it is, and the
//! wrappers people paste around it (quotes, `Bearer `, `NAME=value`). The shapes themselves
//! are read by the one detector, `crate::secret::detect` (rules in docs/databricks-answers.md);
//! every rule here is a short, fixed-layout prefix or character-class check, so plain string
//! code is clearer than pulling a regex engine into the WebAssembly page.

pub use crate::secret::detect::SecretShape;
pub(crate) use crate::secret::detect::{is_pat, is_uuid};
use crate::secret::detect::{is_token_id, issued_secret, issued_secrets_in, looks_like_jwt};
use serde::Serialize;

impl SecretShape {
    /// True for the shapes that are (or contain) a credential: what must never sit in a
    /// URL field, a Login, or a message.
    pub fn is_credential(self) -> bool {
        matches!(
            self,
            SecretShape::Pat
                | SecretShape::MalformedPat
                | SecretShape::OauthSecret
                | SecretShape::ScopedToken
                | SecretShape::OauthRefreshToken
                | SecretShape::OtherDatabricksSecret
                | SecretShape::Jwt
                | SecretShape::TokenId64Hex
                | SecretShape::AzureClientSecret
                | SecretShape::UrlPassword
        )
    }

    /// The shape in words, after "holds ...".
    pub fn describe(self) -> &'static str {
        match self {
            SecretShape::Empty => "nothing",
            SecretShape::Pat => "a Databricks personal access token",
            SecretShape::MalformedPat => {
                "what looks like a damaged Databricks personal access token"
            }
            SecretShape::OauthSecret => "a Databricks OAuth secret (it starts with dose)",
            SecretShape::ScopedToken => "a Databricks scoped API token (it starts with dsapi)",
            SecretShape::OauthRefreshToken => {
                "a Databricks OAuth refresh token (it starts with doau)"
            }
            SecretShape::OtherDatabricksSecret => "a Databricks key that is not an access token",
            SecretShape::Jwt => "an OAuth access token (a JWT)",
            SecretShape::TokenId64Hex => "a token's ID (64 hexadecimal characters)",
            SecretShape::AzureClientSecret => "a Microsoft Entra ID (Azure) client secret",
            SecretShape::UrlPassword => "a password in a URL",
            SecretShape::Uuid => "an ID in UUID form",
            SecretShape::Url => "a URL",
            SecretShape::JsonObject => "a JSON object",
            SecretShape::NameValueLine => "a NAME=value line",
            SecretShape::AuthHeader => "an HTTP Authorization value",
            SecretShape::Quoted => "a quoted value",
            SecretShape::Unknown => "an unrecognised value",
        }
    }
}

/// Classify what was pasted, looking at the outermost layer: `"dapi..."` is `Quoted`,
/// `DATABRICKS_TOKEN=dapi...` is `NameValueLine`, a bare token is its kind. Surrounding
/// blanks are ignored. Never panics.
pub fn classify_secret(text: &str) -> SecretShape {
    let trimmed = trim_blank(text);
    match peel_once(trimmed) {
        Some((wrapper, _)) => wrapper.shape(),
        None => classify_core(trimmed),
    }
}

/// A layer people paste around a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wrapper {
    Quotes,
    /// `Authorization:` header name in front of the value.
    HeaderName,
    Bearer,
    Basic,
    /// `NAME=value`, `export NAME=value`, or `name: <token>`.
    Assignment,
}

impl Wrapper {
    fn shape(self) -> SecretShape {
        match self {
            Wrapper::Quotes => SecretShape::Quoted,
            Wrapper::HeaderName | Wrapper::Bearer | Wrapper::Basic => SecretShape::AuthHeader,
            Wrapper::Assignment => SecretShape::NameValueLine,
        }
    }
}

/// The wrappers found around a secret, outermost first, and what is left inside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Peeled<'a> {
    pub wrappers: Vec<Wrapper>,
    pub core: &'a str,
}

/// At most this many layers are peeled; more is no paste anyone makes, and it bounds the loop.
const MAX_LAYERS: usize = 6;

pub(crate) fn peel(text: &str) -> Peeled<'_> {
    let mut wrappers = Vec::new();
    let mut core = trim_blank(text);
    for _ in 0..MAX_LAYERS {
        match peel_once(core) {
            Some((wrapper, inner)) => {
                wrappers.push(wrapper);
                core = trim_blank(inner);
            }
            None => break,
        }
    }
    Peeled { wrappers, core }
}

const QUOTE_PAIRS: [(char, char); 7] = [
    ('"', '"'),
    ('\'', '\''),
    ('`', '`'),
    ('\u{201C}', '\u{201D}'), // “ ” from word processors and chat apps
    ('\u{2018}', '\u{2019}'), // ‘ ’
    ('\u{201E}', '\u{201C}'), // „ “
    ('\u{00AB}', '\u{00BB}'), // « »
];

fn peel_once(text: &str) -> Option<(Wrapper, &str)> {
    if let Some(inner) = strip_quote_pair(text) {
        return Some((Wrapper::Quotes, inner));
    }
    if let Some(rest) = strip_prefix_word(text, "authorization") {
        if let Some(value) = rest.trim_start().strip_prefix(':') {
            return Some((Wrapper::HeaderName, value));
        }
    }
    if let Some(rest) = strip_prefix_word(text, "bearer") {
        if rest.starts_with(char::is_whitespace) {
            return Some((Wrapper::Bearer, rest));
        }
    }
    if let Some(rest) = strip_prefix_word(text, "basic") {
        if rest.starts_with(char::is_whitespace) {
            return Some((Wrapper::Basic, rest));
        }
    }
    strip_assignment(text).map(|value| (Wrapper::Assignment, value))
}

fn strip_quote_pair(text: &str) -> Option<&str> {
    let mut chars = text.chars();
    let first = chars.next()?;
    let last = chars.next_back()?;
    QUOTE_PAIRS
        .iter()
        .any(|&(open, close)| first == open && last == close)
        .then(|| text.get(first.len_utf8()..text.len() - last.len_utf8()))
        .flatten()
}

/// `text` without a leading ASCII word, compared without regard to case.
fn strip_prefix_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let (head, rest) = text.split_at_checked(word.len())?;
    head.eq_ignore_ascii_case(word).then_some(rest)
}

/// The value of `NAME=value`, `export NAME=value`, `set NAME=value` or `name: <token>`.
/// A base64 value that ends in `=` padding is not an assignment (its "value" is empty or
/// starts with `=`), so a password like `QWxh...==` is left alone.
fn strip_assignment(text: &str) -> Option<&str> {
    let mut rest = text;
    for keyword in ["export", "set"] {
        if let Some(after) = strip_prefix_word(rest, keyword) {
            if after.starts_with([' ', '\t']) {
                rest = after.trim_start();
                break;
            }
        }
    }
    let name_end = rest
        .char_indices()
        .find(|&(i, c)| !(c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(rest.len(), |(i, _)| i);
    let (name, after_name) = rest.split_at_checked(name_end)?;
    if name.is_empty() {
        return None;
    }
    let after_name = after_name.trim_start_matches([' ', '\t']);
    if let Some(value) = after_name.strip_prefix('=') {
        let value = value.trim_start_matches([' ', '\t']);
        return (!value.is_empty() && !value.starts_with('=')).then_some(value);
    }
    // `token: dapi...` (YAML, or a header copied from a tool) only when a real credential
    // follows: a colon is common inside ordinary passwords.
    // One layer of quotes is looked through, no more: peeling recursively here would let
    // `a:a:a:...` recurse once per colon.
    let value = after_name.strip_prefix(':')?;
    let inner = trim_blank(value);
    let inner = strip_quote_pair(inner).map(trim_blank).unwrap_or(inner);
    classify_core(inner).is_credential().then_some(value)
}

/// The kind of an unwrapped value.
pub(crate) fn classify_core(text: &str) -> SecretShape {
    if text.is_empty() {
        return SecretShape::Empty;
    }
    if looks_like_url(text) {
        return SecretShape::Url;
    }
    if text.starts_with('{') && text.ends_with('}') {
        return SecretShape::JsonObject;
    }
    if looks_like_jwt(text) {
        return SecretShape::Jwt;
    }
    if is_pat(text) {
        return SecretShape::Pat;
    }
    // A token cut short: `dapi` and fewer than its 32 lower-case hex characters. A
    // personal access token's length is fixed, so a shorter one is certainly incomplete.
    if let Some(rest) = text.strip_prefix("dapi") {
        if rest.len() < 32 && rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return SecretShape::MalformedPat;
        }
    }
    // A damaged token: `dapi` in any case and at least 8 more token-like characters, so
    // that a user name such as `dapinski@...` is not taken for one.
    if let Some(rest) = strip_prefix_word(text, "dapi") {
        if rest.len() >= 8 && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return SecretShape::MalformedPat;
        }
    }
    if let Some(shape) = issued_secret(text) {
        return shape;
    }
    if is_token_id(text) {
        return SecretShape::TokenId64Hex;
    }
    if is_uuid(text) {
        return SecretShape::Uuid;
    }
    if is_azure_client_secret(text) {
        return SecretShape::AzureClientSecret;
    }
    SecretShape::Unknown
}

/// What is wrong with a value that starts with `dapi` but is not a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PatDefect {
    /// `DAPI` or `Dapi`: the prefix is always lower case.
    PrefixCase,
    /// The whole token was pasted twice in a row.
    PastedTwice,
    /// Upper-case hex digits: tokens use 0-9 and a-f only.
    UpperCase,
    /// Characters other than 0-9 and a-f after `dapi`.
    NotHex,
    /// The wrong number of hex characters after `dapi` (the count found).
    WrongLength(usize),
    /// Something other than `-<digit>` after the 32 hex characters.
    BadSuffix,
}

pub(crate) fn pat_defect(text: &str) -> PatDefect {
    let Some(rest) = text.strip_prefix("dapi") else {
        return PatDefect::PrefixCase;
    };
    let twice = text.len() % 2 == 0
        && text
            .split_at_checked(text.len() / 2)
            .is_some_and(|(first, second)| first == second && is_pat(first));
    if twice {
        return PatDefect::PastedTwice;
    }
    let body = rest.split('-').next().unwrap_or(rest);
    if !body.chars().all(|c| c.is_ascii_alphanumeric()) {
        return PatDefect::NotHex;
    }
    if body.len() != 32 {
        return PatDefect::WrongLength(body.len());
    }
    if !body.chars().all(|c| c.is_ascii_hexdigit()) {
        return PatDefect::NotHex;
    }
    if body.chars().any(|c| c.is_ascii_uppercase()) {
        return PatDefect::UpperCase;
    }
    // Only the suffix is left: anything but `-<digit>` (a valid token never gets here).
    PatDefect::BadSuffix
}

/// Entra ID client secret values since 2021: 3 characters, a digit, `Q~`, then 31 to 34
/// more (the gitleaks `azure-ad-client-secret` rule). Older secrets have no fixed shape.
fn is_azure_client_secret(text: &str) -> bool {
    let set = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '~' | '.' | '-');
    let chars: Vec<char> = text.chars().take(41).collect();
    let [a, b, c, digit, 'Q', '~', rest @ ..] = chars.as_slice() else {
        return false;
    };
    (37..=40).contains(&chars.len())
        && chars.len() == text.len()
        && [a, b, c]
            .iter()
            .all(|&&c| c.is_ascii_alphanumeric() || matches!(c, '_' | '~' | '.'))
        && digit.is_ascii_digit()
        && rest.iter().all(|&c| set(c))
}

fn looks_like_url(text: &str) -> bool {
    if let Some((scheme, _)) = text.split_once("://") {
        return scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | ':'));
    }
    if text.chars().any(char::is_whitespace) {
        return false;
    }
    let host = text.split(['/', '?', '#']).next().unwrap_or(text);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    host.starts_with("www.") || crate::host::databricks_zone(host).is_some()
}

/// Line-break characters: what a copy from a terminal or `echo` adds.
pub(crate) fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Characters that show as nothing: zero-width spaces and joiners, the byte-order mark,
/// soft hyphens, and control characters that are not whitespace. Web pages and chat apps
/// slip these into copied text.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    ) || (c.is_control() && !c.is_whitespace())
}

pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

pub(crate) fn trim_blank(text: &str) -> &str {
    text.trim_matches(is_blank)
}

/// Blanks found in a pasted value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Blanks {
    /// Line breaks anywhere (`\r\n` counts once).
    pub line_breaks: usize,
    /// Spaces or tabs before the value.
    pub leading_space: bool,
    /// Spaces or tabs after the value.
    pub trailing_space: bool,
    /// Invisible characters anywhere.
    pub invisible: usize,
}

pub(crate) fn scan_blanks(text: &str) -> Blanks {
    let mut blanks = Blanks::default();
    let mut previous = None;
    for c in text.chars() {
        if is_line_break(c) && !(c == '\n' && previous == Some('\r')) {
            blanks.line_breaks += 1;
        }
        if is_invisible(c) {
            blanks.invisible += 1;
        }
        previous = Some(c);
    }
    let is_space = |c: char| c.is_whitespace() && !is_line_break(c);
    let core_start = text.len() - text.trim_start_matches(is_blank).len();
    let core_end = text.trim_end_matches(is_blank).len().max(core_start);
    // Both ends come from trimming whole characters, so they fall on character boundaries.
    let (head, rest) = text.split_at_checked(core_start).unwrap_or((text, ""));
    let tail = rest.get(core_end - core_start..).unwrap_or("");
    blanks.leading_space = head.chars().any(is_space);
    blanks.trailing_space = tail.chars().any(is_space);
    blanks
}

/// Whitespace that is neither a line break nor at either end.
pub(crate) fn inner_spaces(core: &str) -> usize {
    core.chars()
        .filter(|&c| c.is_whitespace() && !is_line_break(c))
        .count()
}

/// The value with every blank removed: what the user most likely meant to paste.
pub(crate) fn compact(core: &str) -> String {
    core.chars().filter(|&c| !is_blank(c)).collect()
}

/// Finds a Databricks token inside a longer text (a URL with `?token=` or user info).
pub(crate) fn embedded_databricks_token(text: &str) -> Option<SecretShape> {
    issued_secrets_in(text).first().map(|(shape, _)| *shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAT: &str = "dapi0123456789abcdef0123456789abcdef";

    #[test]
    fn recognises_each_kind_by_its_documented_shape() {
        let cases = [
            (PAT, SecretShape::Pat),
            ("dapi0123456789abcdef0123456789abcdef-2", SecretShape::Pat),
            (
                "dapi0123456789ABCDEF0123456789abcdef",
                SecretShape::MalformedPat,
            ),
            (
                "dose0123456789abcdef0123456789abcdef",
                SecretShape::OauthSecret,
            ),
            (
                "dsapi0123456789abcdef0123456789abcdef",
                SecretShape::ScopedToken,
            ),
            (
                "doau0123456789abcdef0123456789abcdef",
                SecretShape::OauthRefreshToken,
            ),
            (
                "dkea0123456789abcdef0123456789abcdef",
                SecretShape::OtherDatabricksSecret,
            ),
            ("dosed", SecretShape::Unknown),
            (
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                SecretShape::TokenId64Hex,
            ),
            ("1b4e28ba-2fa1-11d2-883f-0016d3cca427", SecretShape::Uuid),
            ("1b4e28ba2fa111d2883f0016d3cca427", SecretShape::Unknown),
            (
                "abc8Q~0123456789abcdefghijABCDEFGHIJ.-_~",
                SecretShape::AzureClientSecret,
            ),
            ("https://adb-1.2.azuredatabricks.net", SecretShape::Url),
            ("adb-1.2.azuredatabricks.net/?o=1", SecretShape::Url),
            ("dbc-1a2b3c4d-5e6f.cloud.databricks.com", SecretShape::Url),
            ("{\"token\": \"x\"}", SecretShape::JsonObject),
            ("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2ln", SecretShape::Jwt),
            ("hunter2", SecretShape::Unknown),
            ("  \n", SecretShape::Empty),
        ];
        for (text, shape) in cases {
            assert_eq!(classify_secret(text), shape, "{text}");
        }
    }

    #[test]
    fn the_outer_layer_decides_the_shape() {
        let cases = [
            (format!("\"{PAT}\""), SecretShape::Quoted),
            (format!("\u{201C}{PAT}\u{201D}"), SecretShape::Quoted),
            (format!("Bearer {PAT}"), SecretShape::AuthHeader),
            (
                format!("Authorization: Bearer {PAT}"),
                SecretShape::AuthHeader,
            ),
            (
                format!("DATABRICKS_TOKEN={PAT}"),
                SecretShape::NameValueLine,
            ),
            (
                format!("export DATABRICKS_TOKEN='{PAT}'"),
                SecretShape::NameValueLine,
            ),
            (format!("token: {PAT}"), SecretShape::NameValueLine),
            ("user: hunter2".to_owned(), SecretShape::Unknown),
            ("QWxhZGRpbjpvcGVu==".to_owned(), SecretShape::Unknown),
            (format!("  {PAT}\n"), SecretShape::Pat),
        ];
        for (text, shape) in cases {
            assert_eq!(classify_secret(&text), shape, "{text:?}");
        }
    }

    #[test]
    fn peeling_reaches_the_token_through_every_layer() {
        let peeled =
            peel("export DATABRICKS_TOKEN=\"Bearer dapi0123456789abcdef0123456789abcdef\"");
        assert_eq!(
            peeled.wrappers,
            vec![Wrapper::Assignment, Wrapper::Quotes, Wrapper::Bearer]
        );
        assert_eq!(peeled.core, PAT);
    }

    #[test]
    fn names_what_is_wrong_with_a_damaged_token() {
        let cases = [
            (
                "DAPI0123456789abcdef0123456789abcdef",
                PatDefect::PrefixCase,
            ),
            ("dapi0123456789ABCDEF0123456789abcdef", PatDefect::UpperCase),
            (
                "dapi0123456789abcdef0123456789abcde",
                PatDefect::WrongLength(31),
            ),
            (
                "dapi0123456789abcdef0123456789abcdef0",
                PatDefect::WrongLength(33),
            ),
            ("dapi0123456789abcdef0123456789abcdeg", PatDefect::NotHex),
            (
                "dapi0123456789abcdef0123456789abcdef-x",
                PatDefect::BadSuffix,
            ),
            (
                "dapi0123456789abcdef0123456789abcdefdapi0123456789abcdef0123456789abcdef",
                PatDefect::PastedTwice,
            ),
        ];
        for (text, defect) in cases {
            assert!(!is_pat(text), "{text}");
            assert_eq!(pat_defect(text), defect, "{text}");
        }
    }

    #[test]
    fn counts_blanks_by_kind() {
        let b = scan_blanks(" \u{200B}dapi\r\n");
        assert_eq!(b.line_breaks, 1);
        assert_eq!(b.invisible, 1);
        assert!(b.leading_space && !b.trailing_space);
        assert_eq!(inner_spaces("da pi\tx"), 2);
        assert_eq!(compact("da pi\u{200B}x"), "dapix");
    }

    #[test]
    fn finds_a_token_inside_a_url() {
        assert_eq!(
            embedded_databricks_token(&format!("databricks://:{PAT}@adb-1.2.azuredatabricks.net")),
            Some(SecretShape::Pat)
        );
        assert_eq!(
            embedded_databricks_token("https://adb-1.2.azuredatabricks.net/?o=1"),
            None
        );
    }
}
