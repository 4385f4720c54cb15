//! A JWT's claims, read without verifying the signature: enough to tell the user when the
//! token expires, who issued it and for what. Verifying needs the issuer's keys, which the
//! workspace checks anyway. Microsoft Entra ID and Databricks OAuth access tokens are JWTs
//! (docs/credentials.md).

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde::Serialize;
use serde_json::{Map, Value};

/// The application ID of the Azure Databricks resource: the audience of an Entra ID token
/// that Azure Databricks accepts (the scope Airflow's provider asks for).
pub const AZURE_DATABRICKS_RESOURCE_ID: &str = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";

/// A payload larger than this is not a bearer token anyone pastes; it bounds the work.
const MAX_PAYLOAD_CHARS: usize = 16 * 1024;

/// Claim texts are cut to this many characters for display.
const MAX_CLAIM_CHARS: usize = 200;

/// Padding is optional in JWTs (RFC 7515 drops it); accept both.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Who issued a token, from its `iss` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenIssuer {
    /// Microsoft Entra ID (Azure AD): `sts.windows.net` or a `login.microsoftonline` host.
    EntraId,
    /// A Databricks workspace or account (`.../oidc`).
    Databricks,
    Other,
    /// No `iss` claim.
    Unknown,
}

/// The non-secret claims of a JWT, for the page to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JwtClaims {
    pub issuer: Option<String>,
    pub issuer_kind: TokenIssuer,
    pub audience: Vec<String>,
    /// True when the audience is the Azure Databricks resource.
    pub audience_is_azure_databricks: bool,
    /// `tid`: the Entra ID tenant.
    pub tenant_id: Option<String>,
    /// `upn`, `unique_name`, `preferred_username` or `email`: the signed-in user.
    pub user: Option<String>,
    /// `appid`, `azp` or `client_id`: the application the token was issued to.
    pub app_id: Option<String>,
    /// Unix seconds.
    pub issued_at: Option<i64>,
    pub not_before: Option<i64>,
    pub expires_at: Option<i64>,
    /// True when `exp` is at or before the time the analysis was given.
    pub expired: bool,
    /// Seconds from that time to `exp` (negative once expired).
    pub expires_in_seconds: Option<i64>,
}

/// The claims of `token` as of `now_unix`, or `None` when the text is not a readable JWT.
pub fn read_jwt_claims(token: &str, now_unix: i64) -> Option<JwtClaims> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if header.len() > MAX_PAYLOAD_CHARS || payload.len() > MAX_PAYLOAD_CHARS {
        return None;
    }
    decode_object(header)?;
    let claims = decode_object(payload)?;

    let text = |key: &str| claims.get(key).and_then(Value::as_str).map(shorten);
    let first_text = |keys: &[&str]| keys.iter().find_map(|key| text(key));
    let number = |key: &str| claims.get(key).and_then(unix_seconds);

    let issuer = text("iss");
    let audience: Vec<String> = match claims.get("aud") {
        Some(Value::String(one)) => vec![shorten(one)],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(Value::as_str)
            .take(8)
            .map(shorten)
            .collect(),
        _ => Vec::new(),
    };
    let expires_at = number("exp");
    Some(JwtClaims {
        issuer_kind: issuer.as_deref().map_or(TokenIssuer::Unknown, issuer_kind),
        issuer,
        audience_is_azure_databricks: audience
            .iter()
            .any(|aud| aud.eq_ignore_ascii_case(AZURE_DATABRICKS_RESOURCE_ID)),
        audience,
        tenant_id: text("tid"),
        user: first_text(&["upn", "unique_name", "preferred_username", "email"]),
        app_id: first_text(&["appid", "azp", "client_id"]),
        issued_at: number("iat"),
        not_before: number("nbf"),
        expires_at,
        expired: expires_at.is_some_and(|exp| exp <= now_unix),
        expires_in_seconds: expires_at.map(|exp| exp.saturating_sub(now_unix)),
    })
}

fn decode_object(segment: &str) -> Option<Map<String, Value>> {
    let bytes = BASE64URL.decode(segment.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// NumericDate is seconds, sometimes written with a fraction; `as` saturates on huge values.
fn unix_seconds(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.is_finite())
            .map(|f| f.trunc() as i64)
    })
}

fn issuer_kind(issuer: &str) -> TokenIssuer {
    let host = issuer
        .split("://")
        .nth(1)
        .unwrap_or(issuer)
        .split('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    // Entra ID's issuers in the public, US Government and China clouds.
    let entra = [
        "sts.windows.net",
        "login.microsoftonline.com",
        "login.microsoftonline.us",
        "login.chinacloudapi.cn",
        "login.partner.microsoftonline.cn",
    ];
    if entra.iter().any(|e| host == *e) {
        TokenIssuer::EntraId
    } else if host.contains("databricks") {
        TokenIssuer::Databricks
    } else {
        TokenIssuer::Other
    }
}

fn shorten(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_CLAIM_CHARS)
        .collect()
}

/// Builds unsigned JWTs for tests.
#[cfg(test)]
pub(crate) fn test_jwt(claims: &Value) -> String {
    let header = BASE64URL.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = BASE64URL.encode(claims.to_string());
    format!("{header}.{payload}.c2lnbmF0dXJl")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_750_000_000;

    #[test]
    fn reads_an_entra_id_token_for_azure_databricks() {
        let token = test_jwt(&json!({
            "aud": AZURE_DATABRICKS_RESOURCE_ID,
            "iss": "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",
            "tid": "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "upn": "ada@example.com",
            "iat": NOW - 600, "nbf": NOW - 600, "exp": NOW + 3000,
        }));
        let claims = read_jwt_claims(&token, NOW).unwrap();
        assert_eq!(claims.issuer_kind, TokenIssuer::EntraId);
        assert!(claims.audience_is_azure_databricks);
        assert_eq!(
            claims.tenant_id.as_deref(),
            Some("72f988bf-86f1-41af-91ab-2d7cd011db47")
        );
        assert_eq!(claims.user.as_deref(), Some("ada@example.com"));
        assert_eq!(claims.expires_in_seconds, Some(3000));
        assert!(!claims.expired);
    }

    #[test]
    fn reads_a_databricks_token_with_a_list_audience_and_fractional_times() {
        let token = test_jwt(&json!({
            "aud": ["a", "b"], "iss": "https://adb-1.2.azuredatabricks.net/oidc",
            "client_id": "app", "exp": (NOW as f64) - 0.5,
        }));
        let claims = read_jwt_claims(&token, NOW).unwrap();
        assert_eq!(claims.issuer_kind, TokenIssuer::Databricks);
        assert_eq!(claims.audience, vec!["a", "b"]);
        assert_eq!(claims.app_id.as_deref(), Some("app"));
        assert!(claims.expired);
    }

    #[test]
    fn refuses_what_is_not_a_jwt() {
        for text in ["", "a.b", "a.b.c.d", "eyJ.eyJ.x", "e30.W10.x", "e30.!!.x"] {
            assert_eq!(read_jwt_claims(text, NOW), None, "{text}");
        }
        // `{}` header and `{}` payload: readable, with nothing in it.
        let empty = read_jwt_claims("e30.e30.", NOW).unwrap();
        assert_eq!(empty.issuer_kind, TokenIssuer::Unknown);
        assert_eq!(empty.expires_at, None);
        assert!(!empty.expired);
    }

    #[test]
    fn huge_times_saturate_instead_of_overflowing() {
        let token = test_jwt(&json!({ "exp": 1e300 }));
        let claims = read_jwt_claims(&token, i64::MIN).unwrap();
        assert_eq!(claims.expires_at, Some(i64::MAX));
        assert_eq!(claims.expires_in_seconds, Some(i64::MAX));
    }
}
