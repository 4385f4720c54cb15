//! Every problem (or note) about a pasted workspace URL, as data: its code is its variant's
//! serde name, and [`HostProblem::wording`] gives its severity, message and fix in one place.

use super::{join_words, shorten, zones::public_apexes};
use crate::finding::{Diagnostic, Severity, Worded, Wording};
use crate::secret::SecretShape;
use crate::vocabulary::Cloud;
use serde::Serialize;
use std::fmt;
use Severity::{Error, Info, Warning};

/// A credential's kind in the words of the URL field's message.
fn describe(shape: SecretShape) -> &'static str {
    match shape {
        SecretShape::Pat | SecretShape::MalformedPat => {
            "a Databricks personal access token (dapi…)"
        }
        SecretShape::OauthSecret => "a Databricks OAuth client secret (dose…)",
        SecretShape::ScopedToken => "a Databricks scoped API token (dsapi…)",
        SecretShape::OauthRefreshToken => "a Databricks OAuth refresh token (doau…)",
        SecretShape::OtherDatabricksSecret => "a Databricks secret (dkea…)",
        SecretShape::Jwt => "an access token (a JWT, e.g. from Microsoft Entra ID)",
        SecretShape::TokenId64Hex => "a 64-character token ID",
        SecretShape::UrlPassword => "a password (the part between ':' and '@')",
        other => other.describe(),
    }
}

/// How the host was found inside a larger paste.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PasteForm {
    /// `jdbc:databricks://HOST:443/...;httpPath=...`
    Jdbc,
    /// `KEY=value` or `key: value` (env file, `.databrickscfg`, ODBC, Python code).
    Setting { key: String },
    /// A JSON object (Airflow's JSON connection form or extra).
    Json { key: String },
    /// Airflow's connection URI, `databricks://...@HOST`.
    AirflowUri,
}

/// Every problem (or note) about a pasted workspace URL. Each variant's name, in snake
/// case, is its finding's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostProblem {
    Empty,
    TooLong {
        bytes: usize,
    },
    SecretInUrlField {
        shape: SecretShape,
    },
    Placeholder,
    NoHostInJson,
    Unparseable {
        reason: String,
    },
    BadPort,
    NoHost,
    IpAddress {
        ip: String,
    },
    Localhost,
    IncompleteHostname {
        hostname: String,
    },
    InvalidHostname {
        /// `None` when `url`'s IDNA processing refused the name (a broken `xn--` label, a
        /// forbidden character), so there is no host name to show.
        hostname: Option<String>,
        reason: String,
    },
    NonAsciiHost {
        /// The name as DNS spells it, when it was typed that way (`xn--…` labels).
        punycode: Option<String>,
        characters: Vec<char>,
    },
    HostTextMapped {
        hostname: String,
    },
    AccountConsole {
        hostname: String,
        example: String,
    },
    PrivateLinkHelper {
        hostname: String,
        suggestion: Option<String>,
    },
    InfrastructureHost {
        hostname: String,
        example: String,
    },
    CommunityEdition,
    LegacyRegional {
        hostname: String,
        cloud: Cloud,
    },
    DataPlaneDomain {
        hostname: String,
    },
    PlaceholderWorkspaceId {
        hostname: String,
    },
    /// Only a zone's own name (`azuredatabricks.net`), with no workspace in front.
    WorkspaceNameMissing {
        hostname: String,
        example: String,
    },
    NearMiss {
        hostname: String,
        suggestion: String,
    },
    NotAWorkspace {
        hostname: String,
        site: &'static str,
    },
    UnknownDomain {
        hostname: String,
    },
    HttpScheme,
    UnexpectedScheme {
        scheme: String,
    },
    SchemeMissing,
    SchemeSlashesMissing,
    SchemeRepeated,
    PortDropped {
        port: u16,
    },
    UserNameDropped,
    /// The path, query or fragment after the host name.
    PathDropped {
        /// Each dropped part as shown to the user (`the path /browse`); empty when the
        /// parts may hold a secret and must not be repeated.
        parts: Vec<String>,
        api_path: bool,
    },
    TrailingSlashDropped,
    WrappingRemoved {
        wrapping: String,
    },
    OtherLinesIgnored,
    HostReadFrom {
        form: PasteForm,
    },
    WorkspaceIdMismatch {
        from_host: String,
        from_url: String,
    },
    HttpPathFound {
        http_path: String,
    },
}

/// The fix for a URL that is no URL: a literal, so that other templates can include it.
macro_rules! copy_from_browser {
    () => {
        "Open your workspace in the browser and copy the address bar; \
         keep only the part up to the host name, e.g. https://adb-1234567890123456.7.azuredatabricks.net \
         (Azure), https://dbc-a1b2345c-d6e7.cloud.databricks.com (AWS) or \
         https://1234567890123456.7.gcp.databricks.com (Google Cloud)."
    };
}

const COPY_FROM_BROWSER: &str = copy_from_browser!();
const USE_HOST_SHOWN: &str = "Put exactly the Host value shown here into Airflow's Host field.";
const LOOK_ALIKE: &str = "No Databricks workspace has such a name: a look-alike letter can \
     send your token to someone else's server.";

impl Worded for HostProblem {
    /// The problem's severity, message and fix, with the values its templates name.
    fn wording(&self) -> Wording<'_> {
        use HostProblem as P;
        match self {
            P::Empty => Wording::new(Error, "The workspace URL is empty.", COPY_FROM_BROWSER),
            P::TooLong { bytes } => Wording::new(
                Error,
                "This is {bytes} bytes long, far longer than any workspace URL, so it was not read.",
                COPY_FROM_BROWSER,
            )
            .with("bytes", bytes.to_string()),
            P::SecretInUrlField {
                shape: SecretShape::TokenId64Hex,
            } => Wording::new(
                Error,
                "The URL field holds a 64-character hexadecimal value: this looks like a \
                 token's ID from the token list, which is neither a URL nor a token.",
                "Paste the workspace URL here. A token ID is not the \
                 token: the token itself starts with dapi and is shown once, when it is \
                 created; make a new one if you no longer have it.",
            ),
            P::SecretInUrlField { shape } => Wording::new(
                Error,
                "The URL field holds what looks like {shape}. A credential does not belong here: \
                 it would end up in places that are not secret.",
                "Paste only the workspace URL here and the credential in the credential \
                 field. If it was shared or saved anywhere, revoke it and create a new one.",
            )
            .with("shape", describe(*shape)),
            P::Placeholder => Wording::new(
                Error,
                "The URL still holds a placeholder such as <workspace-url> or {{ var }} \
                 instead of a real host name.",
                COPY_FROM_BROWSER,
            ),
            P::NoHostInJson => Wording::new(
                Error,
                "This JSON has no \"host\" (or similar) key, so there is no workspace URL to read.",
                COPY_FROM_BROWSER,
            ),
            P::Unparseable { reason } => Wording::new(
                Error,
                "This does not read as a web address ({reason}).",
                COPY_FROM_BROWSER,
            )
            .with("reason", reason.as_str()),
            P::BadPort => Wording::new(
                Error,
                "The port after ':' is not a number from 1 to 65535, so this is not a valid URL.",
                "Remove the ':' and what follows the host name; workspaces need no port.",
            ),
            P::NoHost => Wording::new(
                Error,
                "There is no host name in this URL.",
                COPY_FROM_BROWSER,
            ),
            P::IpAddress { ip } => Wording::new(
                Error,
                "{ip} is an IP address. Databricks workspaces are reached by name: their TLS \
                 certificates and routing only work with the workspace's host name.",
                concat!(
                    "Use the workspace's host name, not an address. ",
                    copy_from_browser!()
                ),
            )
            .with("ip", ip.as_str()),
            P::Localhost => Wording::new(
                Error,
                "This points at your own machine (localhost), not at a Databricks workspace.",
                concat!(
                    "Use the workspace's host name, not an address. ",
                    copy_from_browser!()
                ),
            ),
            P::IncompleteHostname { hostname } => Wording::new(
                Error,
                "'{hostname}' is not a full host name: a workspace host has a domain, \
                 e.g. …cloud.databricks.com or …azuredatabricks.net.",
                COPY_FROM_BROWSER,
            )
            .with("hostname", shorten(hostname, 60)),
            P::InvalidHostname {
                hostname: Some(hostname),
                reason,
            } => Wording::new(
                Error,
                "'{hostname}' is not a valid host name: {reason}.",
                COPY_FROM_BROWSER,
            )
            .with("hostname", shorten(hostname, 60))
            .with("reason", reason.as_str()),
            P::InvalidHostname {
                hostname: None,
                reason,
            } => Wording::new(
                Error,
                "The host name is not a valid domain name: {reason}.",
                COPY_FROM_BROWSER,
            )
            .with("reason", reason.as_str()),
            P::NonAsciiHost {
                punycode,
                characters,
            } => {
                let shown: Vec<String> = characters
                    .iter()
                    .map(|c| format!("'{c}' (U+{:04X})", u32::from(*c)))
                    .collect();
                let which = if shown.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", shown.join(", "))
                };
                let fix = "Retype the host name by hand in plain ASCII letters, or copy it from \
                     the browser while signed in to the workspace.";
                match punycode {
                    Some(punycode) => Wording::new(
                        Error,
                        "The host name {punycode} is written in punycode, the way DNS spells \
                         letters that are not plain ASCII{which}. {look_alike}",
                        fix,
                    )
                    .with("punycode", shorten(punycode, 80)),
                    None => Wording::new(
                        Error,
                        "The host name contains characters that are not plain \
                         ASCII{which}. {look_alike}",
                        fix,
                    ),
                }
                .with("which", which)
                .with("look_alike", LOOK_ALIKE)
            }
            P::HostTextMapped { hostname } => Wording::new(
                Warning,
                "The host name was written with unusual characters (full-width letters or \
                 %-escapes); it reads as {hostname}.",
                "Use the Host value shown here, typed in plain ASCII.",
            )
            .with("hostname", shorten(hostname, 80)),
            P::AccountConsole { hostname, example } => Wording::new(
                Error,
                "{hostname} is the account console, where admins manage workspaces and users; \
                 Airflow needs the URL of one workspace. Workspace tokens are refused there.",
                "Use your workspace URL, e.g. {example}: in the account console open \
                 Workspaces and copy the workspace's URL, or open the workspace and copy the \
                 address bar.",
            )
            .with("hostname", hostname.as_str())
            .with("example", example.as_str()),
            P::PrivateLinkHelper {
                hostname,
                suggestion,
            } => Wording::new(
                Error,
                "{hostname} is a private-link helper address, not a workspace. With Private Link \
                 you still use the workspace's normal URL; your network's DNS sends it to the \
                 private endpoint.",
                match suggestion {
                    Some(_) => "Use {suggestion}.",
                    None => concat!("Use your workspace's own URL. ", copy_from_browser!()),
                },
            )
            .with("hostname", hostname.as_str())
            .with("suggestion", suggestion.as_deref().unwrap_or_default()),
            P::InfrastructureHost { hostname, example } => Wording::new(
                Error,
                "{hostname} is a regional Databricks infrastructure address (control plane or \
                 relay, the target that workspace names point to), not a workspace.",
                "Use your workspace's own URL, e.g. {example}: copy it from the browser while \
                 in the workspace (on Azure also shown as \"Workspace URL\" in the portal).",
            )
            .with("hostname", hostname.as_str())
            .with("example", example.as_str()),
            P::CommunityEdition => Wording::new(
                Warning,
                "This is Databricks Community Edition, which offers no personal access tokens, \
                 so Airflow has no way to sign in.",
                "Use a workspace that allows tokens, such as Databricks Free Edition or a paid \
                 workspace.",
            ),
            P::LegacyRegional { hostname, cloud } => match cloud {
                Cloud::Azure => Wording::new(
                    Warning,
                    "{hostname} is a legacy regional URL, deprecated since April 2020: it may \
                     not reach newer workspaces, is less reliable, and breaks features that \
                     need a workspace id.",
                    "Use the per-workspace URL adb-<workspace-id>.<n>.azuredatabricks.net: \
                     in the Azure portal open the Azure Databricks resource and copy its \
                     Workspace URL (or click Launch Workspace and copy the address bar).",
                ),
                Cloud::Gcp => Wording::new(
                    Warning,
                    REGIONAL_SHARED,
                    "Use the workspace's own URL, <workspace-id>.<n>.gcp.databricks.com: \
                     open the workspace and copy the address bar.",
                ),
                Cloud::Aws => Wording::new(
                    Warning,
                    REGIONAL_SHARED,
                    "Use the workspace's own URL, such as \
                     https://dbc-a1b2345c-d6e7.cloud.databricks.com or \
                     https://<name>.cloud.databricks.com: open the workspace and copy the \
                     address bar.",
                ),
            }
            .with("hostname", hostname.as_str()),
            P::DataPlaneDomain { hostname } => Wording::new(
                Warning,
                "{hostname} is your workspace's second (dbc-dp-…) domain, which the web UI uses \
                 alongside the domain you sign in with; Databricks documents the sign-in domain \
                 as the workspace URL for API calls.",
                "Use the domain you sign in with (dbc-<letters-and-digits> or your chosen name \
                 .cloud.databricks.com).",
            )
            .with("hostname", hostname.as_str()),
            P::PlaceholderWorkspaceId { hostname } => Wording::new(
                Warning,
                "{hostname} looks like the example from the documentation: after 'adb-' comes \
                 the workspace id, which is all digits.",
                "Copy the real URL from the Azure portal (Azure Databricks resource, Workspace \
                 URL) or from the browser's address bar.",
            )
            .with("hostname", hostname.as_str()),
            P::WorkspaceNameMissing { hostname, example } => Wording::new(
                Error,
                "{hostname} is only the Databricks domain; the workspace's own name in front \
                 of it is missing.",
                "Add the workspace's name in front, e.g. {example}: copy it from the browser's \
                 address bar while in the workspace.",
            )
            .with("hostname", hostname.as_str())
            .with("example", example.as_str()),
            P::NearMiss {
                hostname,
                suggestion,
            } => Wording::new(
                Error,
                "{hostname} is not a Databricks domain, but is one typo away from one. \
                 Did you mean {suggestion}?",
                "If so, use {suggestion}; otherwise copy the URL from the browser while in the \
                 workspace.",
            )
            .with("hostname", hostname.as_str())
            .with("suggestion", suggestion.as_str()),
            P::NotAWorkspace { hostname, site } => Wording::new(
                Error,
                "{hostname} is {site}, not a Databricks workspace.",
                COPY_FROM_BROWSER,
            )
            .with("hostname", hostname.as_str())
            .with("site", *site),
            P::UnknownDomain { hostname } => Wording::new(
                Warning,
                "{hostname} is in none of the Databricks domains ({zones} and their government \
                 and China variants). It may be a custom or private-link domain; the page will \
                 ask before sending a secret there.",
                "If this is your workspace's custom or private-link domain, carry on. Otherwise \
                 copy the URL from the browser while in the workspace.",
            )
            .with("hostname", hostname.as_str())
            .with("zones", public_apexes()),
            P::HttpScheme => Wording::new(
                Warning,
                "The URL starts with http://, but Databricks serves its API over HTTPS only.",
                USE_HOST_SHOWN,
            ),
            P::UnexpectedScheme { scheme } => Wording::new(
                Warning,
                "The URL starts with {scheme}://, which is not a web address for a workspace.",
                USE_HOST_SHOWN,
            )
            .with("scheme", shorten(scheme, 20)),
            P::SchemeMissing => Wording::new(
                Info,
                "The URL had no https:// in front. Airflow's Databricks provider up to 7.9 \
                 fails without it (\"No scheme supplied\") and later versions glue the text \
                 into request URLs as typed.",
                USE_HOST_SHOWN,
            ),
            P::SchemeSlashesMissing => Wording::new(
                Info,
                "The URL had a scheme without the two slashes (https:host); Airflow reads no \
                 host name from that.",
                USE_HOST_SHOWN,
            ),
            P::SchemeRepeated => Wording::new(
                Info,
                "The URL had its scheme twice (https://https://...); one was removed.",
                USE_HOST_SHOWN,
            ),
            P::PortDropped { port } => Wording::new(
                Warning,
                "Port {port} was dropped: Databricks workspaces answer on the HTTPS port 443, \
                 and Airflow's Databricks provider ignores a port written in Host.",
                USE_HOST_SHOWN,
            )
            .with("port", port.to_string()),
            P::UserNameDropped => Wording::new(
                Warning,
                "The user name before '@' was dropped: Airflow reads credentials from the \
                 Login and Password fields, not from the host.",
                USE_HOST_SHOWN,
            ),
            P::PathDropped { parts, api_path } => Wording::new(
                Info,
                if *api_path {
                    "Dropped {what}. Airflow adds the /api/... part itself, so a path in Host \
                     doubles it."
                } else {
                    "Dropped {what}. Airflow appends /api/... to Host, so anything after the \
                     host name breaks every call."
                },
                USE_HOST_SHOWN,
            )
            .with(
                "what",
                if parts.is_empty() {
                    "the rest of the URL after the host name".to_string()
                } else {
                    join_words(parts)
                },
            ),
            P::TrailingSlashDropped => Wording::new(
                Info,
                "Dropped the trailing '/': Airflow's Databricks provider before 7.10 keeps it \
                 and calls https://<host>//api/...",
                USE_HOST_SHOWN,
            ),
            P::WrappingRemoved { wrapping } => Wording::new(
                Info,
                "Removed the surrounding {wrapping}.",
                USE_HOST_SHOWN,
            )
            .with("wrapping", wrapping.as_str()),
            P::OtherLinesIgnored => Wording::new(
                Info,
                "The paste has several lines; only the one with the URL was read.",
                USE_HOST_SHOWN,
            ),
            P::HostReadFrom { form } => match form {
                PasteForm::Jdbc => {
                    Wording::new(Info, "Read the host from a JDBC URL.", USE_HOST_SHOWN)
                }
                PasteForm::Setting { key } => Wording::new(
                    Info,
                    "Read the host from the {key} setting.",
                    USE_HOST_SHOWN,
                )
                .with("key", shorten(key, 40)),
                PasteForm::Json { key } => Wording::new(
                    Info,
                    "Read the host from the JSON key \"{key}\".",
                    USE_HOST_SHOWN,
                )
                .with("key", shorten(key, 40)),
                PasteForm::AirflowUri => Wording::new(
                    Info,
                    "Read the host from an Airflow connection URI.",
                    USE_HOST_SHOWN,
                ),
            },
            P::WorkspaceIdMismatch {
                from_host,
                from_url,
            } => Wording::new(
                Warning,
                "The host name says workspace {from_host} but the URL's ?o= says {from_url}: \
                 the URL may come from a different workspace.",
                "Check that the token you use was made in the workspace of this host.",
            )
            .with("from_host", from_host.as_str())
            .with("from_url", from_url.as_str()),
            P::HttpPathFound { http_path } => Wording::new(
                Info,
                "Found the HTTP path {http_path}, which Databricks SQL operators need.",
                "For SQL operators add \"http_path\": \"{http_path}\" to the connection's Extra.",
            )
            .with("http_path", shorten(http_path, 100)),
        }
    }
}

/// The message of a regional AWS or Google Cloud address.
const REGIONAL_SHARED: &str = "{hostname} is a regional address shared by many workspaces, not \
     your workspace's own URL; calls there may reach the wrong workspace or none.";

impl fmt::Display for HostProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for HostProblem {}
