//! Credential analysis: for a sign-in method and what the user typed into Login, Password
//! and Extra, what Airflow's Databricks provider will do with it and what is wrong with it.
//!
//! Neither Airflow nor the Databricks SDK checks the format of a token (docs/credentials.md), so a
//! trailing newline or a pasted `Bearer ` surfaces only later as a 403. Here it is caught
//! while the user types. The precedence rules follow the provider's `_get_token` (7.23.0,
//! docs/credentials.md): Extra `token` first, then a Password with an empty Login as a token, then
//! `azure_tenant_id`, managed identity, `DefaultAzureCredential`, Databricks OAuth, and
//! finally HTTP Basic with Login and Password.
//!
//! ```
//! use dbx_check_core::credential::{analyse_credential, CredentialInput};
//! use dbx_check_core::{AuthMethod, Secret};
//!
//! let input = CredentialInput::new(
//!     AuthMethod::Pat,
//!     "",
//!     Secret::new("Bearer dapi0123456789abcdef0123456789abcdef\n"),
//!     1_750_000_000,
//! );
//! let analysis = analyse_credential(&input);
//! let codes: Vec<&str> = analysis.findings.iter().map(|f| f.code).collect();
//! assert_eq!(codes, ["secret_line_break", "secret_auth_scheme"]);
//! assert!(!analysis.usable());
//! ```

pub mod jwt;
mod method;
mod problem;
mod shape;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod table_tests;

pub use jwt::{read_jwt_claims, JwtClaims, TokenIssuer, AZURE_DATABRICKS_RESOURCE_ID};
pub use method::{
    browser_check, fields_needed, BrowserCheck, BrowserReach, ConnectionField, FieldNeed, Need,
};
pub use problem::{AuthScheme, CredentialProblem, ExtraSetting, HeaderField, SecretField};
pub use shape::{classify_secret, PatDefect, SecretShape};

use crate::finding::{Diagnostic, Finding};
use crate::secret::Secret;
use crate::vocabulary::{AuthMethod, Cloud};
use serde::{Deserialize, Serialize};
use shape::{Peeled, Wrapper};
use std::fmt;

/// The method's optional settings from the connection's Extra. An empty text counts as
/// absent: the page and the Airflow outputs leave empty settings out of Extra.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
pub struct CredentialExtra {
    pub azure_tenant_id: Option<String>,
    pub azure_resource_id: Option<String>,
    pub azure_managed_identity_client_id: Option<String>,
    /// A token kept in Extra (`{"token": ...}`): Airflow uses it before anything else.
    pub token: Option<Secret>,
}

/// What the user entered for the credential. Its `Debug` hides the Login too when Login
/// holds something shaped like a secret (people paste tokens there by mistake).
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct CredentialInput {
    pub method: AuthMethod,
    /// The connection's Login field, as typed.
    #[serde(default)]
    pub login: String,
    /// The connection's Password field, as typed.
    #[serde(default)]
    pub secret: Secret,
    /// The workspace's cloud, when the host analysis knows it.
    #[serde(default)]
    pub cloud: Option<Cloud>,
    #[serde(default)]
    pub extra: CredentialExtra,
    /// The current time in Unix seconds, to tell whether a JWT has expired. Passed in so
    /// the analysis stays a pure function.
    #[serde(default)]
    pub now_unix: i64,
}

impl CredentialInput {
    pub fn new(
        method: AuthMethod,
        login: impl Into<String>,
        secret: Secret,
        now_unix: i64,
    ) -> Self {
        CredentialInput {
            method,
            login: login.into(),
            secret,
            cloud: None,
            extra: CredentialExtra::default(),
            now_unix,
        }
    }
}

impl fmt::Debug for CredentialInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let login_shape = shape::classify_core(&shape::compact(shape::peel(&self.login).core));
        let login: &dyn fmt::Debug = if login_shape.is_credential() {
            &"<redacted: shaped like a secret>"
        } else {
            &self.login
        };
        f.debug_struct("CredentialInput")
            .field("method", &self.method)
            .field("login", login)
            .field("secret", &self.secret)
            .field("cloud", &self.cloud)
            .field("extra", &self.extra)
            .field("now_unix", &self.now_unix)
            .finish()
    }
}

/// The result of [`analyse_credential`]. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialAnalysis {
    pub method: AuthMethod,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// The claims of the JWT Airflow would send, when the token is one.
    pub claims: Option<JwtClaims>,
    pub browser_check: BrowserCheck,
    pub fields_needed: Vec<FieldNeed>,
}

impl CredentialAnalysis {
    /// True when no finding is an error.
    pub fn usable(&self) -> bool {
        crate::finding::usable(&self.findings)
    }
}

/// Analyse a credential. Never panics, and no part of the result contains the secret.
pub fn analyse_credential(input: &CredentialInput) -> CredentialAnalysis {
    let (problems, claims) = examine(input);
    let mut findings: Vec<Finding> = problems.iter().map(Diagnostic::to_finding).collect();
    crate::finding::errors_first(&mut findings);
    CredentialAnalysis {
        method: input.method,
        findings,
        claims,
        browser_check: browser_check(input.method),
        fields_needed: fields_needed(input.method),
    }
}

/// The typed problems behind [`analyse_credential`]'s findings, in the order found.
pub fn credential_problems(input: &CredentialInput) -> Vec<CredentialProblem> {
    examine(input).0
}

/// A problem when the workspace URL field holds a secret, or a URL with a token in it.
/// The page runs this on the URL field as the user types.
pub fn secret_in_url_field(text: &str) -> Option<CredentialProblem> {
    let core = shape::compact(shape::peel(text).core);
    let found = shape::classify_core(&core);
    if found.is_credential() {
        return Some(CredentialProblem::SecretInUrlField {
            found,
            embedded: false,
        });
    }
    shape::embedded_databricks_token(text).map(|found| CredentialProblem::SecretInUrlField {
        found,
        embedded: true,
    })
}

/// The cloud of a workspace host, from the Databricks SDK's DNS zones (docs/workspace-hosts.md), as the
/// host analysis reads it; the credential check needs it to tell an Azure method on an
/// AWS or GCP workspace.
pub fn cloud_of_host(text: &str) -> Option<Cloud> {
    // One list of DNS zones in the crate: the host analysis owns it.
    crate::host::analyse_host(text).cloud
}

/// What a method expects in a secret field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A Databricks token sent as is (Bearer, or Basic with Login `token`).
    Token,
    /// A Databricks OAuth secret (`dose...`).
    OauthSecret,
    /// An Entra ID client secret.
    AzureSecret,
    /// A user's password: anything goes, so only sure mistakes are reported.
    Password,
}

fn expectation(method: AuthMethod) -> Expect {
    match method {
        AuthMethod::SpOauth => Expect::OauthSecret,
        AuthMethod::AzureSp => Expect::AzureSecret,
        AuthMethod::Basic => Expect::Password,
        _ => Expect::Token,
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

fn examine(input: &CredentialInput) -> (Vec<CredentialProblem>, Option<JwtClaims>) {
    use CredentialProblem as P;
    let mut out = Vec::new();
    let method = input.method;
    let password = input.secret.expose();
    let extra_token = input.extra.token.as_ref().filter(|t| !t.is_empty());

    if let Some(cloud) = input.cloud {
        if method.is_azure_only() && cloud != Cloud::Azure {
            out.push(P::MethodNeedsAzure { method, cloud });
        }
    }
    if method == AuthMethod::Basic {
        out.push(P::PasswordAuthRetiring);
    }
    if extra_token.is_some() {
        out.push(P::ExtraTokenOverrides { method });
    }

    let mut password_claims = None;
    match method {
        AuthMethod::AzureMi | AuthMethod::AzureDefault => {
            if !password.is_empty() {
                out.push(if input.login.is_empty() {
                    P::PasswordUsedAsToken { method }
                } else {
                    P::PasswordNotUsed { method }
                });
            }
        }
        _ if password.is_empty() => {
            let token_in_extra_instead =
                extra_token.is_some() && matches!(method, AuthMethod::Pat | AuthMethod::PatBasic);
            if !token_in_extra_instead {
                out.push(P::SecretMissing { method });
            }
        }
        _ => {
            password_claims = check_secret(
                SecretField::Password,
                password,
                method,
                expectation(method),
                input.now_unix,
                &mut out,
            );
        }
    }
    let extra_claims = extra_token.and_then(|token| {
        check_secret(
            SecretField::ExtraToken,
            token.expose(),
            method,
            Expect::Token,
            input.now_unix,
            &mut out,
        )
    });

    check_login(input, &mut out);
    check_extra(input, extra_token.is_some(), &mut out);
    (out, extra_claims.or(password_claims))
}

/// Checks one secret field; returns the claims when it holds a readable JWT.
fn check_secret(
    field: SecretField,
    raw: &str,
    method: AuthMethod,
    expect: Expect,
    now_unix: i64,
    out: &mut Vec<CredentialProblem>,
) -> Option<JwtClaims> {
    use CredentialProblem as P;
    let lenient = expect == Expect::Password;

    let blanks = shape::scan_blanks(raw);
    if blanks.line_breaks > 0 {
        out.push(P::SecretLineBreak {
            field,
            count: blanks.line_breaks,
        });
    }
    if blanks.leading_space || blanks.trailing_space {
        out.push(P::SecretSurroundingSpace {
            field,
            leading: blanks.leading_space,
            trailing: blanks.trailing_space,
            lenient,
        });
    }
    if blanks.invisible > 0 {
        out.push(P::SecretInvisibleCharacter {
            field,
            count: blanks.invisible,
        });
    }

    let Peeled { wrappers, core } = shape::peel(raw);
    if core.is_empty() {
        // Blanks only. An empty Extra token counts as absent, so only the Password can
        // be missing here.
        if field == SecretField::Password {
            out.push(P::SecretMissing { method });
        }
        return None;
    }
    // A user's password is taken as it is: only unusual spaces and characters that cannot
    // be sent matter, and wrappers only around something that is clearly a token.
    let text = if lenient {
        core.to_owned()
    } else {
        shape::compact(core)
    };
    let found = shape::classify_core(&text);

    let report_wrappers = !lenient || found.is_credential();
    if wrappers.contains(&Wrapper::Quotes) {
        out.push(P::SecretQuoted { field, lenient });
    }
    let basic = wrappers.contains(&Wrapper::Basic);
    if report_wrappers
        && wrappers
            .iter()
            .any(|w| matches!(w, Wrapper::Bearer | Wrapper::Basic | Wrapper::HeaderName))
    {
        let scheme = if basic {
            AuthScheme::Basic
        } else {
            AuthScheme::Bearer
        };
        out.push(P::SecretAuthScheme { field, scheme });
    }
    if report_wrappers && wrappers.contains(&Wrapper::Assignment) {
        out.push(P::SecretNameValueLine { field });
    }
    if basic {
        // What follows `Basic ` is an encoded user:password pair: nothing more to say.
        return None;
    }

    let not_a_secret = matches!(found, SecretShape::Url | SecretShape::JsonObject);
    if not_a_secret {
        // Spaces or letters inside a URL or JSON say nothing more: it is the wrong value.
    } else if !lenient {
        let inner = shape::inner_spaces(core);
        if inner > 0 {
            out.push(P::SecretInnerSpace {
                field,
                count: inner,
            });
        }
        let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
        if non_ascii > 0 {
            out.push(P::SecretNonAscii {
                field,
                count: non_ascii,
            });
        }
    } else if raw.chars().any(|c| u32::from(c) > 0xFF) {
        // HTTP Basic credentials are encoded as Latin-1 by the requests library (docs/credentials.md,
        // "Characters a header cannot carry").
        out.push(P::NotLatin1 {
            field: HeaderField::Password,
        });
    }

    let claims = (found == SecretShape::Jwt)
        .then(|| read_jwt_claims(&text, now_unix))
        .flatten();
    let mismatch = P::SecretKindMismatch {
        field,
        found,
        method,
    };
    match (expect, found) {
        (_, SecretShape::Url) => out.push(P::SecretIsUrl { field }),
        (_, SecretShape::JsonObject) => out.push(P::SecretIsJson { field }),
        (Expect::Token | Expect::OauthSecret | Expect::AzureSecret, SecretShape::Uuid) => {
            out.push(P::SecretIsUuid { field, method })
        }
        (Expect::Token, SecretShape::Pat) => {}
        (Expect::Token, SecretShape::MalformedPat) => out.push(P::PatMalformed {
            field,
            defect: shape::pat_defect(&text),
        }),
        (Expect::Token, SecretShape::TokenId64Hex) => out.push(P::TokenIdNotToken { field }),
        (Expect::Token, SecretShape::Jwt) => check_jwt_token(field, claims.as_ref(), now_unix, out),
        (Expect::Token, SecretShape::Unknown) => out.push(P::PatUnrecognised { field }),
        (Expect::Token, _) => out.push(mismatch),

        (Expect::OauthSecret, SecretShape::OauthSecret) => {
            let after_prefix = text.len().saturating_sub(4);
            if after_prefix != 32 {
                out.push(P::OauthSecretLength {
                    chars_after_prefix: after_prefix,
                });
            }
        }
        (Expect::OauthSecret, SecretShape::TokenId64Hex | SecretShape::Unknown) => {
            out.push(P::OauthSecretUnrecognised)
        }
        (Expect::OauthSecret, _) => out.push(mismatch),

        (
            Expect::AzureSecret,
            SecretShape::AzureClientSecret | SecretShape::TokenId64Hex | SecretShape::Unknown,
        ) => {}
        (Expect::AzureSecret, _) => out.push(mismatch),

        (
            Expect::Password,
            SecretShape::Pat
            | SecretShape::MalformedPat
            | SecretShape::OauthSecret
            | SecretShape::ScopedToken
            | SecretShape::AzureClientSecret
            | SecretShape::Jwt,
        ) => out.push(mismatch),
        (Expect::Password, _) => {}
    }
    claims
}

fn check_jwt_token(
    field: SecretField,
    claims: Option<&JwtClaims>,
    now_unix: i64,
    out: &mut Vec<CredentialProblem>,
) {
    use CredentialProblem as P;
    let Some(claims) = claims else {
        out.push(P::JwtUnreadable { field });
        return;
    };
    match claims.expires_at {
        Some(exp) if claims.expired => out.push(P::JwtExpired {
            field,
            expired_seconds_ago: now_unix.saturating_sub(exp),
        }),
        _ => out.push(P::JwtShortLived {
            field,
            expires_in_seconds: claims.expires_in_seconds,
        }),
    }
    // A minute of leeway for clocks that are slightly apart.
    if let Some(nbf) = claims.not_before {
        if nbf.saturating_sub(now_unix) > 60 {
            out.push(P::JwtNotYetValid {
                field,
                valid_in_seconds: nbf.saturating_sub(now_unix),
            });
        }
    }
    if claims.issuer_kind == TokenIssuer::EntraId && !claims.audience_is_azure_databricks {
        out.push(P::JwtAudienceNotDatabricks { field });
    }
}

fn check_login(input: &CredentialInput, out: &mut Vec<CredentialProblem>) {
    use CredentialProblem as P;
    let method = input.method;
    let login = input.login.as_str();
    if login.is_empty() {
        match method {
            AuthMethod::SpOauth | AuthMethod::AzureSp | AuthMethod::Basic => {
                out.push(P::LoginMissing { method })
            }
            AuthMethod::PatBasic => out.push(P::PatBasicLoginEmpty),
            _ => {}
        }
        return;
    }

    let peeled = shape::peel(login);
    let value = peeled.core;
    let found = shape::classify_core(&shape::compact(value));
    if found.is_credential() {
        out.push(P::SecretInLogin { found });
        return;
    }
    let sent_in_basic_header = matches!(
        method,
        AuthMethod::Pat | AuthMethod::PatBasic | AuthMethod::SpOauth | AuthMethod::Basic
    );
    if sent_in_basic_header && login.chars().any(|c| u32::from(c) > 0xFF) {
        out.push(P::NotLatin1 {
            field: HeaderField::Login,
        });
    }

    match method {
        AuthMethod::Pat => out.push(P::LoginSwitchesToBasic {
            login_is_token: login == "token",
        }),
        AuthMethod::PatBasic => {
            if login != "token" {
                out.push(P::PatBasicLoginNotToken);
            }
        }
        AuthMethod::AzureMi | AuthMethod::AzureDefault => out.push(P::LoginNotUsed { method }),
        AuthMethod::SpOauth | AuthMethod::AzureSp | AuthMethod::Basic => {
            if login.chars().any(shape::is_blank) {
                out.push(P::LoginWhitespace);
            }
            if peeled.wrappers.contains(&Wrapper::Quotes) {
                out.push(P::LoginQuoted);
            }
            match method {
                AuthMethod::Basic => {
                    if !value.contains('@') {
                        out.push(P::LoginNotEmail);
                    }
                }
                _ => {
                    if !shape::is_uuid(value) {
                        out.push(P::ClientIdNotUuid { method });
                    } else if method == AuthMethod::AzureSp
                        && non_empty(&input.extra.azure_tenant_id)
                            .is_some_and(|tenant| tenant.trim().eq_ignore_ascii_case(value))
                    {
                        out.push(P::ClientIdIsTenantId);
                    }
                }
            }
        }
    }
}

fn check_extra(input: &CredentialInput, has_extra_token: bool, out: &mut Vec<CredentialProblem>) {
    use CredentialProblem as P;
    use ExtraSetting as S;
    let method = input.method;
    let extra = &input.extra;
    // Whether Airflow stops at a token before it looks at azure_tenant_id.
    let token_wins =
        has_extra_token || (input.login.is_empty() && !input.secret.expose().is_empty());

    if let Some(tenant) = non_empty(&extra.azure_tenant_id) {
        if method == AuthMethod::AzureSp {
            if let Some(value) = clean_extra(S::AzureTenantId, tenant, out) {
                if !shape::is_uuid(value) && !is_domain_name(value) {
                    out.push(P::TenantIdInvalid);
                }
            }
        } else if token_wins {
            out.push(P::ExtraNotUsed {
                setting: S::AzureTenantId,
                method,
            });
        } else {
            out.push(P::TenantIdOverridesMethod { method });
        }
    } else if method == AuthMethod::AzureSp {
        out.push(P::TenantIdMissing);
    }

    if let Some(resource) = non_empty(&extra.azure_resource_id) {
        if matches!(method, AuthMethod::AzureSp | AuthMethod::AzureMi) {
            if let Some(value) = clean_extra(S::AzureResourceId, resource, out) {
                if !is_workspace_resource_id(value) {
                    out.push(P::ResourceIdInvalid);
                }
            }
        } else {
            out.push(P::ResourceIdNeedsAzureLogin { method });
        }
    }

    if let Some(client_id) = non_empty(&extra.azure_managed_identity_client_id) {
        if method == AuthMethod::AzureMi {
            if let Some(value) = clean_extra(S::AzureManagedIdentityClientId, client_id, out) {
                if !shape::is_uuid(value) {
                    out.push(P::ManagedIdentityClientIdInvalid);
                }
            }
        } else {
            out.push(P::ExtraNotUsed {
                setting: S::AzureManagedIdentityClientId,
                method,
            });
        }
    }
}

/// The value inside blanks and quotes, reporting them; `None` when nothing is left.
fn clean_extra<'a>(
    setting: ExtraSetting,
    value: &'a str,
    out: &mut Vec<CredentialProblem>,
) -> Option<&'a str> {
    let peeled = shape::peel(value);
    if peeled.core.len() != value.len() || value.chars().any(shape::is_blank) {
        out.push(CredentialProblem::ExtraValueWhitespace { setting });
    }
    (!peeled.core.is_empty()).then_some(peeled.core)
}

/// `contoso.onmicrosoft.com`: Entra ID also accepts a tenant's domain name.
fn is_domain_name(value: &str) -> bool {
    value.contains('.')
        && !value.starts_with('.')
        && !value.ends_with('.')
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
}

/// `/subscriptions/<uuid>/resourceGroups/<group>/providers/Microsoft.Databricks/workspaces/<name>`;
/// Azure compares the fixed segments without regard to case.
fn is_workspace_resource_id(value: &str) -> bool {
    let parts: Vec<&str> = value.trim_end_matches('/').split('/').collect();
    let [empty, subscriptions, subscription, groups, group, providers, namespace, workspaces, name] =
        parts.as_slice()
    else {
        return false;
    };
    empty.is_empty()
        && subscriptions.eq_ignore_ascii_case("subscriptions")
        && shape::is_uuid(subscription)
        && groups.eq_ignore_ascii_case("resourceGroups")
        && !group.is_empty()
        && providers.eq_ignore_ascii_case("providers")
        && namespace.eq_ignore_ascii_case("Microsoft.Databricks")
        && workspaces.eq_ignore_ascii_case("workspaces")
        && !name.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_in_the_url_field_is_caught_bare_or_inside_a_url() {
        let pat = "dapi0123456789abcdef0123456789abcdef";
        assert_eq!(
            secret_in_url_field(&format!(" {pat}\n")),
            Some(CredentialProblem::SecretInUrlField {
                found: SecretShape::Pat,
                embedded: false
            })
        );
        assert_eq!(
            secret_in_url_field(&format!("https://adb-1.2.azuredatabricks.net/?token={pat}")),
            Some(CredentialProblem::SecretInUrlField {
                found: SecretShape::Pat,
                embedded: true
            })
        );
        assert_eq!(
            secret_in_url_field("https://adb-1.2.azuredatabricks.net/?o=1"),
            None
        );
        assert_eq!(secret_in_url_field(""), None);
    }

    #[test]
    fn cloud_comes_from_the_dns_zone() {
        assert_eq!(
            cloud_of_host("adb-1.2.azuredatabricks.net"),
            Some(Cloud::Azure)
        );
        assert_eq!(
            cloud_of_host("https://1.0.GCP.databricks.com/"),
            Some(Cloud::Gcp)
        );
        assert_eq!(
            cloud_of_host("https://dbc-1a2b3c4d-5e6f.cloud.databricks.com/?o=1"),
            Some(Cloud::Aws)
        );
        assert_eq!(cloud_of_host("example.com"), None);
        assert_eq!(cloud_of_host(""), None);
    }

    #[test]
    fn resource_ids_follow_azures_layout() {
        assert!(is_workspace_resource_id(
            "/subscriptions/1b4e28ba-2fa1-11d2-883f-0016d3cca427/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws"
        ));
        assert!(!is_workspace_resource_id(
            "/subscriptions/x/resourceGroups/rg"
        ));
        assert!(!is_workspace_resource_id(
            "/subscriptions/1b4e28ba-2fa1-11d2-883f-0016d3cca427/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/ws"
        ));
    }

    #[test]
    fn the_analysis_serialises_as_the_command_prints_it() {
        let input = CredentialInput::new(AuthMethod::AzureSp, "", Secret::new(""), 0);
        let json = serde_json::to_value(analyse_credential(&input)).unwrap();
        assert_eq!(json["method"], "azure_sp");
        assert_eq!(json["claims"], serde_json::Value::Null);
        assert_eq!(json["browser_check"]["reach"], "format_only");
        assert_eq!(json["findings"][0]["severity"], "error");
    }

    #[test]
    fn input_debug_hides_the_secret_and_a_token_pasted_into_login() {
        let pat = "dapi0123456789abcdef0123456789abcdef";
        let mut input = CredentialInput::new(AuthMethod::Pat, pat, Secret::new(pat), 0);
        input.extra.token = Some(Secret::new(pat));
        let shown = format!("{input:?}");
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
        assert!(shown.contains("redacted"));
        input.login = "1b4e28ba-2fa1-11d2-883f-0016d3cca427".to_owned();
        assert!(format!("{input:?}").contains("1b4e28ba-2fa1"));
    }

    #[test]
    fn input_deserialises_with_defaults() {
        let input: CredentialInput = serde_json::from_str(
            r#"{"method": "azure_sp", "login": "x", "extra": {"azure_tenant_id": "t", "token": "s"}}"#,
        )
        .unwrap();
        assert_eq!(input.extra.azure_tenant_id.as_deref(), Some("t"));
        assert_eq!(input.extra.token.as_ref().map(Secret::expose), Some("s"));
        assert!(input.secret.is_empty());
    }
}
