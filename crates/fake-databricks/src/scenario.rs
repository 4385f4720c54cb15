//! What the fake workspace answers, chosen by the first label of the host name. Bodies
//! and headers follow docs/databricks-answers.md; where the facts say a body is
//! unknown (a real 429, a scoped token's refusal) the shape follows Databricks' error
//! object convention and says so.

use base64::Engine as _;
use serde_json::json;
use std::time::Duration;

/// The personal access token the fake accepts: `dapi` + 32 hex ("7e57c0de" = test code).
pub const TEST_PAT: &str = "dapi7e57c0de7e57c0de7e57c0de7e57c0de";
/// The service principal the fake accepts for OAuth M2M.
pub const TEST_CLIENT_ID: &str = "8c1e4b0a-7d52-4f3e-9a61-2f0c5d7e9b13";
pub const TEST_CLIENT_SECRET: &str = "dose7e57c0de7e57c0de7e57c0de7e57c0de";
/// A Databricks user name and password for the `basic` method.
pub const TEST_USER: &str = "airflow@example.com";
pub const TEST_PASSWORD: &str = "correct horse battery staple";
/// The access token `/oidc/v1/token` issues, shaped like a JWT (not a signed one).
pub const ISSUED_ACCESS_TOKEN: &str =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4YzFlNGIwYSIsInNjb3BlIjoiYWxsLWFwaXMifQ.ZmFrZS1zaWduYXR1cmU";
/// The workspace id of every fake workspace (`x-databricks-org-id`).
pub const WORKSPACE_ID: &str = "7474646471015793";
/// The workspace a `otherorg-` token "belongs" to.
pub const OTHER_WORKSPACE_ID: &str = "1234567890123456";
/// Seconds a `ratelimit-` host asks to wait.
pub const RETRY_AFTER_SECONDS: u64 = 7;

/// One behaviour of the fake, named by the host's first label before `-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Answers like a healthy workspace; checks the credential.
    Ok,
    /// 403 "Invalid access token." for every API call (JSON form).
    BadToken,
    /// 403 HTML `<title>Error 403 Invalid access token.</title>` (the older form).
    OldBadToken,
    /// 403 "Invalid access to Org: ..." (a token of another workspace).
    OtherOrg,
    /// 403 blocked by the IP access list.
    IpAcl,
    /// Redirect to `/login.html?error=private-link-validation-error:<id>`, 200 HTML there.
    PrivateLink,
    /// 429 with `Retry-After`.
    RateLimit,
    /// 503 TEMPORARILY_UNAVAILABLE.
    Outage,
    /// Like `Ok`, but only after longer than the page's timeout.
    Slow,
    /// 200 HTML sign-in page for every path (a host that is not a workspace API).
    Html,
    /// Like `Ok`, but without any CORS header: what the facts report of real workspaces.
    NoCors,
    /// `/oidc/v1/token` answers `invalid_client`.
    BadClient,
    /// Account console (`accounts.` / `accounts-dod.` hosts): 401 unsupported credential.
    AccountConsole,
    /// A valid token without the `clusters` scope: 403 PERMISSION_DENIED.
    MissingScope,
    /// 404 ENDPOINT_NOT_FOUND for every API call.
    NotFound,
    /// 200 with an empty body.
    Empty,
}

impl Scenario {
    /// Every scenario with the host label that selects it.
    pub const ALL: [(&'static str, Scenario); 16] = [
        ("ok", Scenario::Ok),
        ("badtoken", Scenario::BadToken),
        ("oldbadtoken", Scenario::OldBadToken),
        ("otherorg", Scenario::OtherOrg),
        ("ipacl", Scenario::IpAcl),
        ("privatelink", Scenario::PrivateLink),
        ("ratelimit", Scenario::RateLimit),
        ("outage", Scenario::Outage),
        ("slow", Scenario::Slow),
        ("html", Scenario::Html),
        ("nocors", Scenario::NoCors),
        ("badclient", Scenario::BadClient),
        ("accounts", Scenario::AccountConsole),
        ("missingscope", Scenario::MissingScope),
        ("notfound", Scenario::NotFound),
        ("empty", Scenario::Empty),
    ];

    /// `ok-1.cloud.databricks.com` → Ok; `accounts.cloud.databricks.com` → AccountConsole;
    /// `nocors-badtoken-1.cloud.databricks.com` → BadToken (without CORS: [`host_allows_cors`]).
    /// A host with no known label (a real-looking `dbc-…` name) behaves like `ok-`.
    pub fn from_host(host: &str) -> Scenario {
        let host = host.trim().to_ascii_lowercase();
        let first_label = host.split('.').next().unwrap_or("");
        if let Some(rest) = first_label.strip_prefix(NO_CORS_PREFIX) {
            if let Some(scenario) = Scenario::from_label(rest) {
                return scenario;
            }
        }
        Scenario::from_label(first_label).unwrap_or(Scenario::Ok)
    }

    /// The scenario a host's first label names, if it names one.
    fn from_label(first_label: &str) -> Option<Scenario> {
        if first_label == "accounts" || first_label == "accounts-dod" {
            return Some(Scenario::AccountConsole);
        }
        let word = first_label.split('-').next().unwrap_or("");
        Scenario::ALL
            .iter()
            .find(|(label, _)| *label == word)
            .map(|(_, s)| *s)
    }

    pub fn name(self) -> &'static str {
        Scenario::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map(|(label, _)| *label)
            .unwrap_or("ok")
    }

    /// CORS headers are on for every scenario but `nocors-`, so that every other
    /// verdict can be reached from a browser. Real workspaces are reported to send
    /// none (docs/databricks-answers.md, "Calling from a browser"); `nocors-` is that case. The server asks [`host_allows_cors`],
    /// which also turns them off for `nocors-<label>-` hosts.
    pub fn cors(self) -> bool {
        self != Scenario::NoCors
    }
}

/// A first label starting so (`nocors-1`, `nocors-badtoken-1`) turns CORS off.
const NO_CORS_PREFIX: &str = "nocors-";

/// Whether the host's answers carry CORS headers: not for `nocors-` hosts, which answer
/// as the scenario named after the prefix (`nocors-ipacl-1` as `ipacl-`), or as `ok-`.
/// That puts any verdict behind a browser's refusal, as real workspaces give it.
pub fn host_allows_cors(host: &str) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let first_label = host.split('.').next().unwrap_or("");
    first_label != "nocors" && !first_label.starts_with(NO_CORS_PREFIX)
}

/// What a request carried that the answer depends on.
#[derive(Debug, Clone)]
pub struct Asked<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub authorization: Option<&'a str>,
    pub body: &'a [u8],
    /// The caller's address, for the IP access list message.
    pub peer_ip: String,
}

/// An answer before it is put on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Answer {
    fn json(status: u16, body: serde_json::Value) -> Answer {
        Answer {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body: body.to_string(),
        }
    }

    fn html(status: u16, body: String) -> Answer {
        Answer {
            status,
            headers: vec![("content-type", "text/html; charset=utf-8".to_owned())],
            body,
        }
    }

    fn with(mut self, name: &'static str, value: impl Into<String>) -> Answer {
        self.headers.push((name, value.into()));
        self
    }
}

/// How the credential of a request fares against the fake's accepted ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialCheck {
    Valid,
    Invalid,
    Missing,
}

impl CredentialCheck {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialCheck::Valid => "valid",
            CredentialCheck::Invalid => "invalid",
            CredentialCheck::Missing => "none",
        }
    }
}

/// Whether an API call's Authorization is one the fake accepts: Bearer PAT or issued
/// token, Basic `token:<PAT>`, Basic user and password.
pub fn check_api_credential(authorization: Option<&str>) -> CredentialCheck {
    let Some(value) = authorization else {
        return CredentialCheck::Missing;
    };
    let ok = match split_scheme(value) {
        Some(("bearer", token)) => token == TEST_PAT || token == ISSUED_ACCESS_TOKEN,
        Some(("basic", encoded)) => decode_basic(encoded).is_some_and(|(user, pass)| {
            (user == "token" && pass == TEST_PAT) || (user == TEST_USER && pass == TEST_PASSWORD)
        }),
        _ => false,
    };
    if ok {
        CredentialCheck::Valid
    } else {
        CredentialCheck::Invalid
    }
}

/// Whether a token request's Basic credential is the test service principal.
pub fn check_client_credential(authorization: Option<&str>) -> CredentialCheck {
    let Some(value) = authorization else {
        return CredentialCheck::Missing;
    };
    match split_scheme(value) {
        Some(("basic", encoded)) => match decode_basic(encoded) {
            Some((id, secret)) if id == TEST_CLIENT_ID && secret == TEST_CLIENT_SECRET => {
                CredentialCheck::Valid
            }
            _ => CredentialCheck::Invalid,
        },
        _ => CredentialCheck::Invalid,
    }
}

/// `Bearer x` → ("bearer", "x"); the scheme lower-cased (RFC 9110 §11.1: case-insensitive).
pub fn split_scheme(value: &str) -> Option<(&'static str, &str)> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "bearer" => "bearer",
        "basic" => "basic",
        _ => "other",
    };
    Some((scheme, rest.trim()))
}

fn decode_basic(encoded: &str) -> Option<(String, String)> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_owned(), pass.to_owned()))
}

const TOKEN_PATH: &str = "/oidc/v1/token";
const PRIVATE_LINK_PAGE: &str = "/login.html";

fn sign_in_page() -> String {
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Databricks - Sign In</title>\
     </head><body><div id=\"login-page\">Sign in to Databricks</div></body></html>"
        .to_owned()
}

fn invalid_token() -> Answer {
    // docs/databricks-answers.md: JSON body plus the reason-phrase header.
    Answer::json(
        403,
        json!({"error_code": 403, "message": "Invalid access token."}),
    )
    .with("x-databricks-reason-phrase", "Invalid access token.")
}

/// The API paths the fake serves, each under the versions it answers them at.
const SERVED: [(&str, &[&str]); 3] = [
    ("/clusters/spark-versions", &["2.0", "2.1"]),
    ("/preview/scim/v2/Me", &["2.0"]),
    ("/sql/warehouses", &["2.0"]),
];

/// `/api/2.1/clusters/spark-versions` → ("2.1", "/clusters/spark-versions").
fn split_api_version(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/api/")?;
    let slash = rest.find('/')?;
    Some((rest.get(..slash)?, rest.get(slash..)?))
}

/// A path nothing answers. Databricks names the path without `/api/<version>` in its
/// message, and answers a served path asked under a version that lacks it with a bare
/// `Bad Target` (docs/databricks-answers.md).
fn endpoint_not_found(method: &str, path: &str) -> Answer {
    let resource = split_api_version(path).map_or(path, |(_, r)| r);
    if SERVED.iter().any(|(served, _)| *served == resource) {
        return Answer::json(404, json!({"error": format!("Bad Target: {path}")}));
    }
    no_api_found(method, path)
}

/// `ENDPOINT_NOT_FOUND`, naming the path without `/api/<version>`.
fn no_api_found(method: &str, path: &str) -> Answer {
    let resource = split_api_version(path).map_or(path, |(_, r)| r);
    Answer::json(
        404,
        json!({"error_code": "ENDPOINT_NOT_FOUND", "message": format!("No API found for '{method} {resource}'")}),
    )
}

/// The answer of `scenario` to one request. `Slow` answers like `Ok`; the server adds
/// the delay.
pub fn answer(scenario: Scenario, asked: &Asked<'_>) -> Answer {
    let path = asked.path;
    match scenario {
        Scenario::Html => return Answer::html(200, sign_in_page()),
        Scenario::Empty => {
            return Answer {
                status: 200,
                headers: vec![("content-type", "application/json".to_owned())],
                body: String::new(),
            }
        }
        Scenario::PrivateLink => {
            return if path == PRIVATE_LINK_PAGE {
                Answer::html(200, sign_in_page())
            } else {
                Answer {
                    status: 302,
                    headers: vec![(
                        "location",
                        format!("{PRIVATE_LINK_PAGE}?error=private-link-validation-error:{WORKSPACE_ID}"),
                    )],
                    body: String::new(),
                }
            };
        }
        Scenario::IpAcl => {
            return Answer::json(
                403,
                json!({"error_code": 403, "message": format!(
                    "Source IP address: {} is blocked by Databricks IP ACL for workspace: {WORKSPACE_ID}",
                    asked.peer_ip
                )}),
            )
        }
        Scenario::RateLimit => {
            // docs/databricks-answers.md: a real 429 body was not recorded; the code is one Databricks uses.
            return Answer::json(
                429,
                json!({"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Exceeded the request rate limit. Retry later."}),
            )
            .with("retry-after", RETRY_AFTER_SECONDS.to_string());
        }
        Scenario::Outage => {
            return Answer::json(
                503,
                json!({"error_code": "TEMPORARILY_UNAVAILABLE", "message": "Authentication is temporarily unavailable. Please try again later."}),
            )
        }
        Scenario::AccountConsole => {
            return Answer::json(
                401,
                json!({"error_code": 401, "message": "Credential was not sent or was of an unsupported type for this API. [ReqId: 5c5d1f2e-3a4b-4c6d-8e9f-0a1b2c3d4e5f]"}),
            )
        }
        _ => {}
    }

    if path == TOKEN_PATH {
        return token_answer(scenario, asked);
    }
    if !path.starts_with("/api/") {
        return endpoint_not_found(asked.method, path);
    }
    match scenario {
        Scenario::BadToken => return invalid_token(),
        Scenario::OldBadToken => {
            return Answer::html(
                403,
                format!(
                    "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n\
                     <title>Error 403 Invalid access token.</title>\n</head>\n<body><h2>HTTP ERROR 403</h2>\n\
                     <p>Problem accessing {path}. Reason:\n<pre>    Invalid access token.</pre></p>\n</body>\n</html>\n"
                ),
            )
        }
        Scenario::OtherOrg => {
            return Answer::json(
                403,
                json!({"error_code": 403, "message": format!("Invalid access to Org: {OTHER_WORKSPACE_ID}")}),
            )
        }
        Scenario::NotFound => return no_api_found(asked.method, path),
        _ => {}
    }
    if check_api_credential(asked.authorization) != CredentialCheck::Valid {
        return invalid_token();
    }
    if asked.method != "GET" {
        return endpoint_not_found(asked.method, path);
    }
    let service_principal = asked
        .authorization
        .and_then(split_scheme)
        .is_some_and(|(_, t)| t == ISSUED_ACCESS_TOKEN);
    let served = split_api_version(path).and_then(|(version, resource)| {
        SERVED
            .iter()
            .find(|(p, versions)| *p == resource && versions.contains(&version))
            .map(|(p, _)| *p)
    });
    match served.unwrap_or(path) {
        "/clusters/spark-versions" => {
            if scenario == Scenario::MissingScope {
                return missing_scope("clusters");
            }
            Answer::json(
                200,
                json!({"versions": [
                    {"key": "15.4.x-scala2.12", "name": "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)"},
                    {"key": "16.4.x-scala2.12", "name": "16.4 LTS (includes Apache Spark 3.5.2, Scala 2.12)"},
                    {"key": "17.0.x-scala2.13", "name": "17.0 (includes Apache Spark 4.0.0, Scala 2.13)"}
                ]}),
            )
        }
        "/preview/scim/v2/Me" => {
            let (user, display) = if service_principal {
                (TEST_CLIENT_ID, "airflow-service-principal")
            } else {
                (TEST_USER, "Airflow Tester")
            };
            Answer::json(
                200,
                json!({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                    "id": "4815162342",
                    "userName": user,
                    "displayName": display,
                    "emails": [{"value": TEST_USER, "type": "work", "primary": true}],
                    "groups": [{"display": "users", "value": "1000"}],
                    "active": true
                }),
            )
            .with("x-databricks-org-id", WORKSPACE_ID)
        }
        "/sql/warehouses" => {
            if scenario == Scenario::MissingScope {
                return missing_scope("sql");
            }
            Answer::json(
                200,
                json!({"warehouses": [warehouse("1a2b3c4d5e6f7a8b", "Starter Warehouse", "RUNNING"), warehouse("9f8e7d6c5b4a3f2e", "Reporting", "STOPPED")]}),
            )
        }
        _ => endpoint_not_found(asked.method, path),
    }
}

/// docs/credentials.md says the test endpoint needs scope `clusters`, but no refusal body was
/// recorded: this one follows the error-object convention with PERMISSION_DENIED.
fn missing_scope(scope: &str) -> Answer {
    Answer::json(
        403,
        json!({"error_code": "PERMISSION_DENIED", "message": format!("Provided access token does not have the required scope: {scope}")}),
    )
}

fn warehouse(id: &str, name: &str, state: &str) -> serde_json::Value {
    json!({
        "id": id,
        "name": name,
        "state": state,
        "cluster_size": "2X-Small",
        "odbc_params": {
            "hostname": "workspace",
            "path": format!("/sql/1.0/warehouses/{id}"),
            "protocol": "https",
            "port": 443
        },
        "jdbc_url": format!("jdbc:spark://workspace:443/default;transportMode=http;ssl=1;AuthMech=3;httpPath=/sql/1.0/warehouses/{id};")
    })
}

fn token_answer(scenario: Scenario, asked: &Asked<'_>) -> Answer {
    let invalid_client = || {
        Answer::json(
            401,
            json!({"error": "invalid_client", "error_description": "Client authentication failed"}),
        )
    };
    if asked.method != "POST" {
        return endpoint_not_found(asked.method, asked.path);
    }
    if scenario == Scenario::BadClient
        || check_client_credential(asked.authorization) != CredentialCheck::Valid
    {
        return invalid_client();
    }
    let form = String::from_utf8_lossy(asked.body);
    let grant = form
        .split('&')
        .any(|pair| pair == "grant_type=client_credentials");
    if !grant {
        return Answer::json(
            400,
            json!({"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"}),
        );
    }
    Answer::json(
        200,
        json!({"access_token": ISSUED_ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600, "scope": "all-apis"}),
    )
}

/// How long a `slow-` host waits before answering, unless configured.
pub const DEFAULT_SLOW_DELAY: Duration = Duration::from_secs(12);

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(path: &'a str, auth: Option<&'a str>) -> Asked<'a> {
        Asked {
            method: "GET",
            path,
            authorization: auth,
            body: b"",
            peer_ip: "127.0.0.1".into(),
        }
    }

    #[test]
    fn the_first_label_chooses_the_scenario() {
        assert_eq!(
            Scenario::from_host("ok-1.cloud.databricks.com"),
            Scenario::Ok
        );
        assert_eq!(
            Scenario::from_host("IPACL-7.azuredatabricks.net"),
            Scenario::IpAcl
        );
        assert_eq!(
            Scenario::from_host("accounts.cloud.databricks.com"),
            Scenario::AccountConsole
        );
        assert_eq!(
            Scenario::from_host("accounts-dod.cloud.databricks.us"),
            Scenario::AccountConsole
        );
        assert_eq!(
            Scenario::from_host("dbc-a1b2345c-d6e7.cloud.databricks.com"),
            Scenario::Ok
        );
        for (label, s) in Scenario::ALL {
            assert_eq!(s.name(), label);
        }
        assert!(!Scenario::NoCors.cors() && Scenario::Ok.cors());
    }

    #[test]
    fn a_nocors_prefix_keeps_the_scenario_and_turns_cors_off() {
        for (host, scenario) in [
            ("nocors-1.cloud.databricks.com", Scenario::NoCors),
            ("nocors-badtoken-1.cloud.databricks.com", Scenario::BadToken),
            ("NOCORS-IPACL-2.azuredatabricks.net", Scenario::IpAcl),
            (
                "nocors-accounts-1.cloud.databricks.com",
                Scenario::AccountConsole,
            ),
            ("nocors-ok-3.gcp.databricks.com", Scenario::Ok),
            ("nocors-dbc-a1b2.cloud.databricks.com", Scenario::NoCors),
        ] {
            assert_eq!(Scenario::from_host(host), scenario, "{host}");
            assert!(!host_allows_cors(host), "{host}");
        }
        for host in [
            "badtoken-1.cloud.databricks.com",
            "accounts.cloud.databricks.com",
            "ok-nocors-1.cloud.databricks.com",
        ] {
            assert!(host_allows_cors(host), "{host}");
        }
    }

    #[test]
    fn only_the_test_credentials_pass() {
        let basic = |u: &str, p: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
            )
        };
        let bearer = format!("Bearer {TEST_PAT}");
        assert_eq!(check_api_credential(Some(&bearer)), CredentialCheck::Valid);
        assert_eq!(
            check_api_credential(Some(&basic("token", TEST_PAT))),
            CredentialCheck::Valid
        );
        assert_eq!(
            check_api_credential(Some(&basic(TEST_USER, TEST_PASSWORD))),
            CredentialCheck::Valid
        );
        assert_eq!(
            check_api_credential(Some("Bearer dapi00")),
            CredentialCheck::Invalid
        );
        assert_eq!(check_api_credential(None), CredentialCheck::Missing);
        assert_eq!(
            check_client_credential(Some(&basic(TEST_CLIENT_ID, TEST_CLIENT_SECRET))),
            CredentialCheck::Valid
        );
        assert_eq!(
            check_client_credential(Some(&bearer)),
            CredentialCheck::Invalid
        );
    }

    #[test]
    fn a_wrong_token_on_a_healthy_host_is_refused_like_databricks_does() {
        let a = answer(
            Scenario::Ok,
            &get("/api/2.1/clusters/spark-versions", Some("Bearer nope")),
        );
        assert_eq!(a.status, 403);
        assert!(a.body.contains("Invalid access token."));
        let bearer = format!("Bearer {TEST_PAT}");
        let ok = answer(
            Scenario::Ok,
            &get("/api/2.1/clusters/spark-versions", Some(&bearer)),
        );
        assert_eq!(ok.status, 200);
        assert!(ok.body.contains("15.4.x-scala2.12"));
    }

    #[test]
    fn unknown_paths_and_wrong_versions_are_refused_in_databricks_words() {
        let bearer = format!("Bearer {TEST_PAT}");
        let body = |path: &str| {
            let a = answer(Scenario::Ok, &get(path, Some(&bearer)));
            assert_eq!(a.status, 404, "{path}");
            serde_json::from_str::<serde_json::Value>(&a.body).unwrap()
        };
        // The message names the path without `/api/<version>`.
        assert_eq!(
            body("/api/2.0/repos"),
            json!({"error_code": "ENDPOINT_NOT_FOUND", "message": "No API found for 'GET /repos'"})
        );
        // A served path under a version that lacks it.
        assert_eq!(
            body("/api/2.2/sql/warehouses"),
            json!({"error": "Bad Target: /api/2.2/sql/warehouses"})
        );
        assert_eq!(
            body("/api/2.1/preview/scim/v2/Me"),
            json!({"error": "Bad Target: /api/2.1/preview/scim/v2/Me"})
        );
        let gone = answer(
            Scenario::NotFound,
            &get("/api/2.1/clusters/spark-versions", Some(&bearer)),
        );
        assert!(gone
            .body
            .contains("No API found for 'GET /clusters/spark-versions'"));
    }
}
