//! The one detector of secret shapes: every analysis (host, credential), the check's
//! scrubber and the relay ask here whether a text is, or holds, a credential. Shapes only;
//! the rules are in docs/databricks-answers.md, "Personal access tokens" and "Other
//! Databricks secrets". Each rule is a fixed prefix or character class, so plain string
//! code is clearer than a regex engine in the WebAssembly page.

use serde::Serialize;

/// The shape of a text that was pasted where a secret (or a URL) belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretShape {
    /// Nothing but blanks.
    Empty,
    /// Databricks personal access token: `dapi` + 32 lower-case hex, optional `-<digit>`.
    Pat,
    /// Starts with `dapi` but is not a well-formed personal access token.
    MalformedPat,
    /// Databricks OAuth client secret (`dose...`).
    OauthSecret,
    /// Databricks scoped API token (`dsapi...`).
    ScopedToken,
    /// Databricks OAuth refresh token (`doau...`).
    OauthRefreshToken,
    /// Another Databricks-issued secret prefix (`dkea...`).
    OtherDatabricksSecret,
    /// A JSON Web Token: an OAuth access token from Databricks or Microsoft Entra ID.
    Jwt,
    /// 64 hex characters: the token's ID from the token list, not the token.
    TokenId64Hex,
    /// A Microsoft Entra ID client secret value (`xxx8Q~...`).
    AzureClientSecret,
    /// A password in the user-info part of a URL (`user:password@host`).
    UrlPassword,
    /// A UUID: a client, application, tenant or secret ID.
    Uuid,
    /// A URL or a Databricks host name.
    Url,
    /// A JSON object (for example a connection's Extra).
    JsonObject,
    /// A `NAME=value` line, e.g. from a `.env` file or an `export` command.
    NameValueLine,
    /// A value that starts with an HTTP auth scheme (`Bearer `, `Basic `) or header name.
    AuthHeader,
    /// A value wrapped in a pair of quotes.
    Quoted,
    /// None of the above.
    Unknown,
}

/// The prefixes Databricks puts in front of the secrets it issues: the one table of them.
pub(crate) const ISSUED_PREFIXES: [(&str, SecretShape); 5] = [
    ("dapi", SecretShape::Pat),
    ("dsapi", SecretShape::ScopedToken),
    ("dose", SecretShape::OauthSecret),
    ("doau", SecretShape::OauthRefreshToken),
    ("dkea", SecretShape::OtherDatabricksSecret),
];

/// Letters and digits after a prefix (other than `dapi`'s fixed 32 hex) from which a word
/// is taken for an issued secret. Databricks' scanner rules put 32 there; 16 is enough to
/// tell a secret, even a cut one, from a word that happens to start the same way.
pub(crate) const MIN_ISSUED_BODY: usize = 16;

/// The issued kind a word's prefix names, and what follows the prefix.
pub(crate) fn issued_prefix(word: &str) -> Option<(SecretShape, &str)> {
    ISSUED_PREFIXES
        .iter()
        .find_map(|&(prefix, shape)| word.strip_prefix(prefix).map(|rest| (shape, rest)))
}

/// The kind of a whole word that is an issued secret: a well-formed personal access token,
/// or another prefix with at least [`MIN_ISSUED_BODY`] letters and digits and nothing else.
pub(crate) fn issued_secret(word: &str) -> Option<SecretShape> {
    match issued_prefix(word)? {
        (SecretShape::Pat, _) => is_pat(word).then_some(SecretShape::Pat),
        (shape, body) => (body.len() >= MIN_ISSUED_BODY
            && body.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(shape),
    }
}

/// Issued secrets anywhere in a longer text, glued to other text or not (as the gitleaks
/// rules match them), each with its value: a personal access token's 32 hex characters
/// (and `-<digit>`), or another prefix's run of at least [`MIN_ISSUED_BODY`] letters and
/// digits. In table order, then in text order.
pub(crate) fn issued_secrets_in(text: &str) -> Vec<(SecretShape, &str)> {
    let mut found = Vec::new();
    for (prefix, shape) in ISSUED_PREFIXES {
        for (at, _) in text.match_indices(prefix) {
            let Some(rest) = text.get(at + prefix.len()..) else {
                continue;
            };
            let end = if shape == SecretShape::Pat {
                if rest.bytes().take_while(u8::is_ascii_hexdigit).count() < 32 {
                    continue;
                }
                match rest.as_bytes().get(32..).unwrap_or(&[]) {
                    [b'-', d, ..] if d.is_ascii_digit() => 34,
                    _ => 32,
                }
            } else {
                let body = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
                if body < MIN_ISSUED_BODY {
                    continue;
                }
                body
            };
            if let Some(value) = text.get(at..at + prefix.len() + end) {
                found.push((shape, value));
            }
        }
    }
    found
}

/// `dapi` + 32 lower-case hex, optionally `-<digit>` (gitleaks and TruffleHog rules).
pub(crate) fn is_pat(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("dapi") else {
        return false;
    };
    // Byte 32 may fall inside a character: then the token is not hex, and not a token.
    let Some((hex, suffix)) = rest.split_at_checked(32) else {
        return false;
    };
    hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && (suffix.is_empty()
            || (suffix.len() == 2
                && suffix.starts_with('-')
                && suffix.as_bytes().get(1).is_some_and(u8::is_ascii_digit)))
}

/// 64 hex characters: a token's ID from the token list.
pub(crate) fn is_token_id(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Three base64url segments with a header that starts like every JSON object does
/// (`{"` encodes to `eyJ`). The header is decoded in `credential::jwt`.
pub(crate) fn looks_like_jwt(text: &str) -> bool {
    let mut parts = text.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let b64url = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '='))
    };
    header.starts_with("eyJ")
        && !payload.is_empty()
        && b64url(header)
        && b64url(payload)
        && b64url(signature)
}

pub(crate) fn is_uuid(text: &str) -> bool {
    // The hyphenated form only: that is how Azure and Databricks show every ID, and the
    // uuid crate alone would also accept 32 bare hex digits or braces.
    text.len() == 36 && uuid::Uuid::try_parse(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_reads_every_issued_prefix() {
        let body = "0123456789abcdef0123456789abcdef";
        for (prefix, shape) in ISSUED_PREFIXES {
            assert_eq!(issued_secret(&format!("{prefix}{body}")), Some(shape));
            let glued = format!("x{prefix}{body}-9y");
            let found = issued_secrets_in(&glued);
            assert_eq!(found.len(), 1, "{glued}");
            assert_eq!(found.first().map(|f| f.0), Some(shape));
        }
        assert_eq!(issued_secret("dose0123"), None);
        assert_eq!(issued_secret("dapi0123456789ABCDEF0123456789abcdef"), None);
        assert_eq!(
            issued_secrets_in("a dapi0123456789abcdef0123456789abcdef-2 b"),
            [(SecretShape::Pat, "dapi0123456789abcdef0123456789abcdef-2")]
        );
        assert!(issued_secrets_in("dosenine and dapiabc").is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 5_000, failure_persistence: None, ..proptest::prelude::ProptestConfig::default() })]
        #[test]
        fn every_detector_takes_any_text_and_finds_only_what_is_there(text in "(\\PC|dapi|dose|dsapi|doau|dkea|[0-9a-f]{8}|-[0-9])*") {
            for (shape, value) in issued_secrets_in(&text) {
                proptest::prop_assert!(text.contains(value));
                proptest::prop_assert_eq!(issued_prefix(value).map(|(s, _)| s), Some(shape));
            }
            let _ = (issued_secret(&text), is_pat(&text), is_token_id(&text), looks_like_jwt(&text), is_uuid(&text));
        }
    }
}
