//! The requests of the live check, made exactly as Airflow's Databricks provider 7.23
//! makes them (docs/databricks-answers.md and docs/credentials.md), so that a pass here means a pass there.

use super::Step;
use crate::finding::{Diagnostic, Finding, Severity};
use crate::host::WorkspaceIdSource;
use crate::secret::Secret;
use crate::vocabulary::AuthMethod;
use base64::Engine as _;
use serde::{Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum HttpMethod {
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "POST")]
    Post,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        crate::finding::variant_name(&self)
    }
}

/// What a secret in a header is, so the page can say "your personal access token"
/// instead of showing it, and the terminal route can name its environment variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    PersonalAccessToken,
    Password,
    ClientSecret,
    /// A short-lived OAuth or Entra ID access token.
    AccessToken,
}

impl SecretKind {
    pub fn describe(self) -> &'static str {
        match self {
            SecretKind::PersonalAccessToken => "your personal access token",
            SecretKind::Password => "your password",
            SecretKind::ClientSecret => "the service principal's OAuth secret",
            SecretKind::AccessToken => "the access token",
        }
    }

    /// The environment variable the terminal route reads this secret from.
    pub fn env_var(self) -> &'static str {
        match self {
            SecretKind::PersonalAccessToken => "DATABRICKS_TOKEN",
            SecretKind::Password => "DATABRICKS_PASSWORD",
            SecretKind::ClientSecret => "DATABRICKS_CLIENT_SECRET",
            SecretKind::AccessToken => "DATABRICKS_ACCESS_TOKEN",
        }
    }
}

/// Where a token that is not in hand when the check is planned comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenSource {
    /// The `access_token` of the earlier [`Step::OauthToken`] answer.
    OauthTokenStep,
    /// A Microsoft Entra ID token, which only a process outside the browser can get.
    EntraId,
}

/// The `Authorization` header of a planned request. Its `Debug` and `Serialize` show
/// the scheme and what the secret is, never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorization {
    Bearer {
        token: Secret,
        kind: SecretKind,
    },
    /// HTTP Basic, `base64(login:password)`. The login is not secret (a user name, the
    /// word `token`, or a client id).
    Basic {
        login: String,
        password: Secret,
        kind: SecretKind,
    },
    /// `Bearer <token>` where the token is only known once an earlier step answered.
    BearerFrom {
        source: TokenSource,
    },
}

impl Authorization {
    /// What leaves the browser, with the secret replaced by its description.
    pub fn shown(&self) -> String {
        match self {
            Authorization::Bearer { kind, .. } => format!("Bearer <{}>", kind.describe()),
            Authorization::Basic { login, kind, .. } => {
                format!("Basic base64({login}:<{}>)", kind.describe())
            }
            Authorization::BearerFrom {
                source: TokenSource::OauthTokenStep,
            } => "Bearer <the access token from the OAuth token step>".to_owned(),
            Authorization::BearerFrom {
                source: TokenSource::EntraId,
            } => "Bearer <a Microsoft Entra ID token>".to_owned(),
        }
    }

    /// The real header value. Exposes the secret: only for the request itself.
    fn to_send(&self, earlier_token: Option<&Secret>) -> Result<String, CannotSend> {
        match self {
            Authorization::Bearer { token, .. } => Ok(format!("Bearer {}", token.expose())),
            // Browsers and `requests` both encode the pair as bytes of the typed text;
            // requests uses latin-1 for str, identical for the ASCII that tokens are.
            Authorization::Basic {
                login, password, ..
            } => Ok(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD
                    .encode(format!("{login}:{}", password.expose()))
            )),
            Authorization::BearerFrom {
                source: TokenSource::OauthTokenStep,
            } => earlier_token
                .filter(|t| !t.is_empty())
                .map(|t| format!("Bearer {}", t.expose()))
                .ok_or(CannotSend::NoAccessTokenYet),
            Authorization::BearerFrom {
                source: TokenSource::EntraId,
            } => Err(CannotSend::EntraTokenOutsideBrowser),
        }
    }
}

/// A header value that may be a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    Plain(String),
    Authorization(Authorization),
}

impl HeaderValue {
    pub fn shown(&self) -> String {
        match self {
            HeaderValue::Plain(v) => v.clone(),
            HeaderValue::Authorization(a) => a.shown(),
        }
    }
}

impl Serialize for HeaderValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.shown())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedHeader {
    pub name: &'static str,
    pub value: HeaderValue,
}

/// One request of the check, ready to execute and to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedRequest {
    pub step: Step,
    pub method: HttpMethod,
    pub url: String,
    pub headers: Vec<PlannedHeader>,
    /// Form-encoded text for the token request; none for the GETs.
    pub body: Option<String>,
}

impl PlannedRequest {
    pub fn authorization(&self) -> Option<&Authorization> {
        self.headers.iter().find_map(|h| match &h.value {
            HeaderValue::Authorization(a) => Some(a),
            HeaderValue::Plain(_) => None,
        })
    }

    /// The headers as shown on the page: "what leaves your browser".
    pub fn shown_headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|h| (h.name.to_owned(), h.value.shown()))
            .collect()
    }

    /// The headers to put on the wire. `earlier_token` is the access token the
    /// [`Step::OauthToken`] answer carried, for the requests that need it.
    pub fn headers_to_send(
        &self,
        earlier_token: Option<&Secret>,
    ) -> Result<Vec<(String, String)>, CannotSend> {
        self.headers
            .iter()
            .map(|h| {
                let value = match &h.value {
                    HeaderValue::Plain(v) => v.clone(),
                    HeaderValue::Authorization(a) => a.to_send(earlier_token)?,
                };
                Ok((h.name.to_owned(), value))
            })
            .collect()
    }
}

/// Why a planned request cannot be sent yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CannotSend {
    #[error("the OAuth token step has not given an access token yet")]
    NoAccessTokenYet,
    #[error("an Entra ID token can only be obtained outside the browser")]
    EntraTokenOutsideBrowser,
}

/// Why the browser cannot run the check for a method, with the way that works instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BrowserLimit {
    /// Entra ID refuses client-credential token requests from browsers (AADSTS9002326).
    EntraRefusesBrowserTokens,
    /// A managed identity's token endpoint exists only on Azure machines.
    ManagedIdentityOnlyInsideAzure,
    /// `DefaultAzureCredential` reads environment variables, the Azure CLI or a managed
    /// identity: none of which a page can reach.
    DefaultCredentialOutsideBrowser,
}

impl Diagnostic for BrowserLimit {
    fn code(&self) -> &'static str {
        match self {
            BrowserLimit::EntraRefusesBrowserTokens => "browser_cannot_get_entra_token",
            BrowserLimit::ManagedIdentityOnlyInsideAzure => "managed_identity_only_inside_azure",
            BrowserLimit::DefaultCredentialOutsideBrowser => "default_credential_outside_browser",
        }
    }

    fn severity(&self) -> Severity {
        Severity::Info
    }

    fn message(&self) -> String {
        match self {
            BrowserLimit::EntraRefusesBrowserTokens => {
                "This page cannot check an Azure service principal live: Microsoft Entra ID \
                 refuses to hand out client-credential tokens to a browser (error AADSTS9002326, \
                 allowed only for single-page-app registrations). Only the format of the values \
                 was checked."
                    .to_owned()
            }
            BrowserLimit::ManagedIdentityOnlyInsideAzure => {
                "This page cannot check a managed identity live: its tokens come from an endpoint \
                 that exists only inside Azure, on the machine that has the identity."
                    .to_owned()
            }
            BrowserLimit::DefaultCredentialOutsideBrowser => {
                "This page cannot check DefaultAzureCredential live: it signs in from environment \
                 variables, the Azure CLI or a managed identity on the machine Airflow runs on, \
                 none of which a web page can reach."
                    .to_owned()
            }
        }
    }

    fn fix(&self) -> String {
        let where_ = match self {
            BrowserLimit::ManagedIdentityOnlyInsideAzure => {
                "on the Azure machine or container that has the managed identity"
            }
            _ => "where Airflow runs",
        };
        format!(
            "Run the check {where_}: either the terminal commands below (they get an Entra ID \
             token with the Azure CLI and make the same requests), or Airflow's own test with \
             `airflow connections test`."
        )
    }
}

/// Something about how the provider will authenticate that the user may not expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanNote {
    /// With an empty Login the provider sends the Password as a Bearer token, whatever
    /// method the extras ask for (`_get_token`, docs/credentials.md).
    EmptyLoginSendsBearer { method: AuthMethod },
}

impl Diagnostic for PlanNote {
    fn code(&self) -> &'static str {
        match self {
            PlanNote::EmptyLoginSendsBearer { .. } => "empty_login_sends_bearer",
        }
    }

    fn severity(&self) -> Severity {
        Severity::Warning
    }

    fn message(&self) -> String {
        match self {
            PlanNote::EmptyLoginSendsBearer { method } => format!(
                "Login is empty, so Airflow sends the Password as a personal access token \
                 (Bearer) and ignores the {method} setting; the check does the same."
            ),
        }
    }

    fn fix(&self) -> String {
        match self {
            PlanNote::EmptyLoginSendsBearer {
                method: AuthMethod::SpOauth,
            } => "Put the service principal's client id in Login.".to_owned(),
            PlanNote::EmptyLoginSendsBearer {
                method: AuthMethod::PatBasic,
            } => "Put the word `token` in Login, or choose the personal access token method \
                 (Bearer), which needs an empty Login."
                .to_owned(),
            PlanNote::EmptyLoginSendsBearer { .. } => {
                "Fill in Login, or choose the personal access token method.".to_owned()
            }
        }
    }
}

/// The whole check for one host and credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckPlan {
    /// `https://<hostname>`, as the requests use it.
    pub host: String,
    pub method: AuthMethod,
    /// Airflow's Login field, trimmed: a user name, `token` or a client id, never secret.
    pub login: String,
    /// In order. Each later step needs the earlier ones to have passed (see
    /// [`Step::failure_stops_check`]).
    pub requests: Vec<PlannedRequest>,
    /// When set, the browser must not run `requests`: they are for the terminal route.
    pub browser_limit: Option<BrowserLimit>,
    pub notes: Vec<Finding>,
    /// The workspace id read from the pasted URL, and where. The answers cannot tell it
    /// in a way a browser may read (docs/databricks-answers.md), so the identity the
    /// check reports takes it from here.
    pub workspace_id: Option<(String, WorkspaceIdSource)>,
}

impl CheckPlan {
    pub fn runs_in_browser(&self) -> bool {
        self.browser_limit.is_none()
    }

    pub fn request(&self, step: Step) -> Option<&PlannedRequest> {
        self.requests.iter().find(|r| r.step == step)
    }

    /// The heading of "What leaves your browser", counting the requests in words.
    pub fn summary(&self) -> String {
        let count = match self.requests.len() {
            1 => "1 request".to_owned(),
            n => format!("{n} requests"),
        };
        format!("What leaves your browser: {count} to {}", self.host)
    }
}

/// The `Accept` Airflow's provider sends (requests' default), so that a server that
/// answers by `Accept` answers the check as it answers Airflow. The provider's
/// `User-Agent` is not copied: a browser does not let a page set it, and a terminal
/// command claiming to be Airflow would be counted as Airflow by the workspace's
/// usage records (docs/databricks-answers.md, "What the provider sends").
pub const PROVIDER_ACCEPT: &str = "*/*";

/// The token request's body (docs/credentials.md, "The OAuth M2M token request").
pub const OAUTH_TOKEN_FORM: &str = "grant_type=client_credentials&scope=all-apis";

/// Headers the page does not set but a browser adds to every cross-origin request, and
/// the one the page sets itself, with why; shown next to the planned headers.
pub fn browser_added_headers() -> &'static [(&'static str, &'static str)] {
    &[
        (
            "Origin",
            "the address of this page; the reason Databricks may refuse the call (CORS)",
        ),
        ("User-Agent", "your browser's name and version"),
        (
            "Sec-Fetch-Mode / Sec-Fetch-Site",
            "cors / cross-site: tells the server a web page made the request",
        ),
        (
            "OPTIONS preflight",
            "before each request the browser asks the host whether it accepts an \
             Authorization header from this origin; no secret is sent in it",
        ),
        (
            "Cookie",
            "never: the page calls with credentials \"omit\", so no Databricks session \
             cookie of yours is used",
        ),
    ]
}

/// Plans the check. `host` is the Airflow Host value, `https://<hostname>` (the host
/// analysis makes it); `login` and `secret` are Airflow's Login and Password fields.
pub fn plan_check(host: &str, method: AuthMethod, login: &str, secret: &Secret) -> CheckPlan {
    let host = host.trim().trim_end_matches('/').to_owned();
    let login = login.trim();
    let mut notes = Vec::new();
    let browser_limit = match method {
        AuthMethod::AzureSp => Some(BrowserLimit::EntraRefusesBrowserTokens),
        AuthMethod::AzureMi => Some(BrowserLimit::ManagedIdentityOnlyInsideAzure),
        AuthMethod::AzureDefault => Some(BrowserLimit::DefaultCredentialOutsideBrowser),
        _ => None,
    };

    let bearer_pat = || Authorization::Bearer {
        token: secret.clone(),
        kind: SecretKind::PersonalAccessToken,
    };
    let empty_login = login.is_empty();
    if empty_login
        && matches!(
            method,
            AuthMethod::PatBasic | AuthMethod::SpOauth | AuthMethod::Basic
        )
    {
        notes.push(PlanNote::EmptyLoginSendsBearer { method }.to_finding());
    }

    let mut requests = Vec::new();
    let api_auth = match method {
        AuthMethod::Pat => bearer_pat(),
        _ if empty_login && !method.is_azure_only() => bearer_pat(),
        AuthMethod::PatBasic => Authorization::Basic {
            login: login.to_owned(),
            password: secret.clone(),
            kind: SecretKind::PersonalAccessToken,
        },
        AuthMethod::Basic => Authorization::Basic {
            login: login.to_owned(),
            password: secret.clone(),
            kind: SecretKind::Password,
        },
        AuthMethod::SpOauth => {
            requests.push(PlannedRequest {
                step: Step::OauthToken,
                method: HttpMethod::Post,
                url: format!("{host}{}", Step::OauthToken.path()),
                headers: vec![
                    plain("Accept", PROVIDER_ACCEPT),
                    PlannedHeader {
                        name: "Authorization",
                        value: HeaderValue::Authorization(Authorization::Basic {
                            login: login.to_owned(),
                            password: secret.clone(),
                            kind: SecretKind::ClientSecret,
                        }),
                    },
                    plain("Content-Type", "application/x-www-form-urlencoded"),
                ],
                body: Some(OAUTH_TOKEN_FORM.to_owned()),
            });
            Authorization::BearerFrom {
                source: TokenSource::OauthTokenStep,
            }
        }
        AuthMethod::AzureSp | AuthMethod::AzureMi | AuthMethod::AzureDefault => {
            Authorization::BearerFrom {
                source: TokenSource::EntraId,
            }
        }
    };

    for step in [Step::SparkVersions, Step::CurrentUser, Step::Warehouses] {
        requests.push(PlannedRequest {
            step,
            method: HttpMethod::Get,
            url: format!("{host}{}", step.path()),
            headers: vec![
                plain("Accept", PROVIDER_ACCEPT),
                PlannedHeader {
                    name: "Authorization",
                    value: HeaderValue::Authorization(api_auth.clone()),
                },
            ],
            body: None,
        });
    }

    if let Some(limit) = browser_limit {
        notes.push(limit.to_finding());
    }

    CheckPlan {
        host,
        method,
        login: login.to_owned(),
        requests,
        browser_limit,
        notes,
        workspace_id: None,
    }
}

fn plain(name: &'static str, value: &str) -> PlannedHeader {
    PlannedHeader {
        name,
        value: HeaderValue::Plain(value.to_owned()),
    }
}

impl fmt::Display for PlannedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method.as_str(), self.url)?;
        for (name, value) in self.shown_headers() {
            writeln!(f, "{name}: {value}")?;
        }
        if let Some(body) = &self.body {
            writeln!(f)?;
            writeln!(f, "{body}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAT: &str = "dapi0123456789abcdef0123456789abcdef";
    const HOST: &str = "https://dbc-a1b2345c-d6e7.cloud.databricks.com";

    #[test]
    fn method_and_step_names_are_their_serde_names() {
        assert_eq!(
            [HttpMethod::Get.as_str(), HttpMethod::Post.as_str()],
            ["GET", "POST"]
        );
        let steps: Vec<&str> = Step::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            steps,
            [
                "oauth_token",
                "spark_versions",
                "current_user",
                "warehouses"
            ]
        );
        for step in Step::ALL {
            assert_eq!(serde_json::to_value(step).unwrap(), step.as_str());
        }
    }

    #[test]
    fn the_summary_counts_the_requests_in_words() {
        let mut plan = plan_check(HOST, AuthMethod::Pat, "", &Secret::new(PAT));
        let n = plan.requests.len();
        assert!(n > 1);
        assert_eq!(
            plan.summary(),
            format!("What leaves your browser: {n} requests to {HOST}")
        );
        plan.requests.truncate(1);
        assert_eq!(
            plan.summary(),
            format!("What leaves your browser: 1 request to {HOST}")
        );
    }

    fn steps(plan: &CheckPlan) -> Vec<Step> {
        plan.requests.iter().map(|r| r.step).collect()
    }

    fn sent_auth(r: &PlannedRequest, earlier: Option<&Secret>) -> String {
        r.headers_to_send(earlier)
            .unwrap()
            .into_iter()
            .find(|(n, _)| n == "Authorization")
            .unwrap()
            .1
    }

    #[test]
    fn pat_sends_bearer_on_the_three_api_calls_in_airflows_order() {
        let plan = plan_check(HOST, AuthMethod::Pat, "", &Secret::new(PAT));
        assert_eq!(
            steps(&plan),
            [Step::SparkVersions, Step::CurrentUser, Step::Warehouses]
        );
        let first = &plan.requests[0];
        assert_eq!(
            first.url,
            "https://dbc-a1b2345c-d6e7.cloud.databricks.com/api/2.1/clusters/spark-versions"
        );
        assert_eq!(first.method, HttpMethod::Get);
        assert_eq!(sent_auth(first, None), format!("Bearer {PAT}"));
        assert!(plan.runs_in_browser());
        assert!(plan.notes.is_empty());
        assert_eq!(
            plan.requests[2].url,
            format!("{HOST}/api/2.0/sql/warehouses")
        );
    }

    #[test]
    fn pat_basic_sends_basic_token_colon_pat() {
        let plan = plan_check(HOST, AuthMethod::PatBasic, "token", &Secret::new(PAT));
        // base64("token:dapi0123456789abcdef0123456789abcdef")
        assert_eq!(
            sent_auth(&plan.requests[0], None),
            "Basic dG9rZW46ZGFwaTAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVm"
        );
    }

    #[test]
    fn an_empty_login_makes_airflow_send_bearer_whatever_the_method() {
        for method in [AuthMethod::PatBasic, AuthMethod::SpOauth, AuthMethod::Basic] {
            let plan = plan_check(HOST, method, " ", &Secret::new(PAT));
            assert_eq!(steps(&plan)[0], Step::SparkVersions, "{method}");
            assert_eq!(sent_auth(&plan.requests[0], None), format!("Bearer {PAT}"));
            assert_eq!(plan.notes[0].code, "empty_login_sends_bearer");
        }
    }

    #[test]
    fn sp_oauth_first_trades_the_secret_for_a_token_then_uses_it() {
        let client = "8c1e4b0a-7d52-4f3e-9a61-2f0c5d7e9b13";
        let plan = plan_check(
            &format!("{HOST}/"),
            AuthMethod::SpOauth,
            client,
            &Secret::new("dose-secret"),
        );
        assert_eq!(
            steps(&plan),
            [
                Step::OauthToken,
                Step::SparkVersions,
                Step::CurrentUser,
                Step::Warehouses
            ]
        );
        let token = &plan.requests[0];
        assert_eq!(token.method, HttpMethod::Post);
        assert_eq!(token.url, format!("{HOST}/oidc/v1/token"));
        assert_eq!(
            token.body.as_deref(),
            Some("grant_type=client_credentials&scope=all-apis")
        );
        let sent = token.headers_to_send(None).unwrap();
        assert!(sent.contains(&(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into()
        )));
        let expected =
            base64::engine::general_purpose::STANDARD.encode(format!("{client}:dose-secret"));
        assert_eq!(sent_auth(token, None), format!("Basic {expected}"));

        let versions = &plan.requests[1];
        assert_eq!(
            versions.headers_to_send(None),
            Err(CannotSend::NoAccessTokenYet)
        );
        let access = Secret::new("eyJhbGciOi.fake.token");
        assert_eq!(
            sent_auth(versions, Some(&access)),
            "Bearer eyJhbGciOi.fake.token"
        );
    }

    #[test]
    fn azure_methods_are_planned_for_the_terminal_only_with_the_reason() {
        for (method, code) in [
            (AuthMethod::AzureSp, "browser_cannot_get_entra_token"),
            (AuthMethod::AzureMi, "managed_identity_only_inside_azure"),
            (
                AuthMethod::AzureDefault,
                "default_credential_outside_browser",
            ),
        ] {
            let plan = plan_check(
                "https://adb-1.2.azuredatabricks.net",
                method,
                "app",
                &Secret::new("x"),
            );
            assert!(!plan.runs_in_browser());
            assert_eq!(plan.notes.last().unwrap().code, code);
            assert_eq!(
                plan.requests[0].headers_to_send(None),
                Err(CannotSend::EntraTokenOutsideBrowser)
            );
        }
        let sp = plan_check(
            "https://adb-1.2.azuredatabricks.net",
            AuthMethod::AzureSp,
            "a",
            &Secret::new("s"),
        );
        assert!(sp.notes[0].message.contains("AADSTS9002326"));
    }

    #[test]
    fn what_the_page_shows_and_serialises_never_holds_the_secret() {
        for method in AuthMethod::ALL {
            let plan = plan_check(HOST, method, "someone", &Secret::new(PAT));
            let shown = format!(
                "{plan:?} {} {}",
                serde_json::to_string(&plan).unwrap(),
                plan.requests
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<String>()
            );
            assert!(!shown.contains(PAT), "{method}: {shown}");
            assert!(
                !shown.contains("ZGFwaT"),
                "{method}: base64 of the secret leaked"
            );
        }
        let plan = plan_check(HOST, AuthMethod::PatBasic, "token", &Secret::new(PAT));
        assert_eq!(
            plan.requests[0].shown_headers()[1].1,
            "Basic base64(token:<your personal access token>)"
        );
    }
}
