//! Workspace URL analysis: what a person pasted into the "Workspace URL" field, reduced to
//! the one Host value that works in Airflow, with the cloud, the workspace id, the kind of
//! host, and a finding for every mistake.
//!
//! Neither Airflow nor the Databricks SDK checks a host (the SDK calls every unknown host
//! AWS), so this is the first place a wrong one can be caught. Facts behind each rule:
//! `shared/facts/databricks.md` §1.
//!
//! ```
//! use dbx_check_core::host::{analyse_host, HostKind};
//! use dbx_check_core::Cloud;
//!
//! let a = analyse_host("https://ADB-5555555555555555.19.azuredatabricks.net/?o=5555555555555555#notebook/1");
//! assert_eq!(a.host.as_deref(), Some("https://adb-5555555555555555.19.azuredatabricks.net"));
//! assert_eq!(a.cloud, Some(Cloud::Azure));
//! assert_eq!(a.workspace_id.as_deref(), Some("5555555555555555"));
//! assert_eq!(a.kind, HostKind::Workspace);
//! assert!(a.is_usable());
//! ```

use crate::finding::{Diagnostic, Finding, Severity};
use crate::secret::Secret;
use crate::vocabulary::Cloud;
use serde::Serialize;
use std::fmt;
use url::Url;

/// Longer pastes are refused outright: no workspace URL is anywhere near this long, and the
/// page analyses on every keystroke.
const MAX_INPUT_BYTES: usize = 16 * 1024;

// ---------------------------------------------------------------------------------------
// DNS zones
// ---------------------------------------------------------------------------------------

/// Which Databricks deployment a DNS zone belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    /// The commercial cloud every customer uses.
    Public,
    /// AWS GovCloud (`.cloud.databricks.us`) or Azure Government (`.databricks.azure.us`).
    UsGovernment,
    /// Azure China (`.databricks.azure.cn`).
    China,
    /// Databricks-internal development.
    Dev,
    /// Databricks-internal staging.
    Staging,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Public => "public",
            Environment::UsGovernment => "us_government",
            Environment::China => "china",
            Environment::Dev => "dev",
            Environment::Staging => "staging",
        }
    }
}

/// One of the DNS zones the Databricks SDKs know, e.g. `.azuredatabricks.net`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone {
    /// With its leading dot.
    pub suffix: &'static str,
    pub cloud: Cloud,
    pub environment: Environment,
}

impl Zone {
    /// The zone's own name, without the leading dot (`azuredatabricks.net`).
    pub fn apex(&self) -> &'static str {
        self.suffix.strip_prefix('.').unwrap_or(self.suffix)
    }

    /// A made-up workspace URL in this zone, for "e.g." in messages.
    fn example_workspace(&self) -> String {
        let name = match self.cloud {
            Cloud::Aws => "dbc-a1b2345c-d6e7",
            Cloud::Azure => "adb-1234567890123456.7",
            Cloud::Gcp => "1234567890123456.7",
        };
        format!("https://{name}{}", self.suffix)
    }
}

const fn zone(suffix: &'static str, cloud: Cloud, environment: Environment) -> Zone {
    Zone {
        suffix,
        cloud,
        environment,
    }
}

/// The SDKs' list, in their order (first suffix match wins): databricks-sdk-py
/// `databricks/sdk/environments.py`, databricks-sdk-go `config/environments.go`.
pub const ZONES: [Zone; 12] = [
    zone(".dev.databricks.com", Cloud::Aws, Environment::Dev),
    zone(
        ".staging.cloud.databricks.com",
        Cloud::Aws,
        Environment::Staging,
    ),
    zone(
        ".cloud.databricks.us",
        Cloud::Aws,
        Environment::UsGovernment,
    ),
    zone(".cloud.databricks.com", Cloud::Aws, Environment::Public),
    zone(".dev.azuredatabricks.net", Cloud::Azure, Environment::Dev),
    zone(
        ".staging.azuredatabricks.net",
        Cloud::Azure,
        Environment::Staging,
    ),
    zone(".azuredatabricks.net", Cloud::Azure, Environment::Public),
    zone(
        ".databricks.azure.us",
        Cloud::Azure,
        Environment::UsGovernment,
    ),
    zone(".databricks.azure.cn", Cloud::Azure, Environment::China),
    zone(".dev.gcp.databricks.com", Cloud::Gcp, Environment::Dev),
    zone(
        ".staging.gcp.databricks.com",
        Cloud::Gcp,
        Environment::Staging,
    ),
    zone(".gcp.databricks.com", Cloud::Gcp, Environment::Public),
];

/// The zone a host name is in, or `None`. This is the one allow-list of Databricks hosts:
/// the relay and the page use it before a secret leaves the browser.
///
/// Unlike the SDK it ignores ASCII case, accepts one trailing root dot, and requires at
/// least one whole, non-empty label before the zone (`azuredatabricks.net` itself and
/// `evilazuredatabricks.net` are in no zone). Anything but ASCII letters, digits, `-` and
/// `.` is in no zone. Account consoles and private-link helper hosts are in a zone too:
/// use [`analyse_host`] to tell them from workspaces.
///
/// ```
/// use dbx_check_core::host::databricks_zone;
/// use dbx_check_core::Cloud;
/// assert_eq!(databricks_zone("adb-1.2.azuredatabricks.net").map(|z| z.cloud), Some(Cloud::Azure));
/// assert_eq!(databricks_zone("azuredatabricks.net"), None);
/// assert_eq!(databricks_zone("x.cloud.databricks.com.evil.io"), None);
/// ```
pub fn databricks_zone(hostname: &str) -> Option<Zone> {
    let host = hostname.strip_suffix('.').unwrap_or(hostname);
    if !host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return None;
    }
    ZONES.iter().copied().find(|z| {
        let Some(cut) = host.len().checked_sub(z.suffix.len()) else {
            return false;
        };
        match (host.get(..cut), host.get(cut..)) {
            (Some(prefix), Some(tail)) => {
                tail.eq_ignore_ascii_case(z.suffix)
                    && !prefix.is_empty()
                    && prefix.split('.').all(|label| !label.is_empty())
            }
            _ => false,
        }
    })
}

// ---------------------------------------------------------------------------------------
// The analysis
// ---------------------------------------------------------------------------------------

/// What a host is, as far as its name tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostKind {
    /// A workspace's own URL (including "unified" hosts that also serve account APIs).
    Workspace,
    /// A regional URL shared by many workspaces (`westus.azuredatabricks.net`).
    LegacyRegional,
    /// An account console (`accounts.cloud.databricks.com`): not a workspace.
    AccountConsole,
    /// A private-link or other infrastructure host in a Databricks zone that is not a
    /// workspace (`*.privatelink.cloud.databricks.com`, `*.pl-auth.azuredatabricks.net`,
    /// `westeurope-c2.azuredatabricks.net`, SCC relay `tunnel.*`).
    PrivateLinkHelper,
    /// `community.cloud.databricks.com`.
    CommunityEdition,
    /// A domain in none of the SDKs' zones: maybe a custom or private-link domain.
    UnknownDomain,
    /// No usable host name could be read.
    Invalid,
}

/// Where a workspace id was read from the pasted text. The check names it, because the
/// id a workspace sends back (`x-databricks-org-id`) is a header a browser may not read
/// (docs/databricks-answers.md, "Calling from a browser").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkspaceIdSource {
    /// `adb-<id>.<n>.azuredatabricks.net`, `<id>.<n>.gcp.databricks.com`.
    HostName,
    /// `?o=`, `?w=` or `?workspace_id=` of the pasted URL.
    UrlQuery,
    /// A cluster's HTTP path, `/sql/protocolv1/o/<id>/...`.
    HttpPath,
}

impl WorkspaceIdSource {
    /// "the host name", to follow "read from".
    pub fn describe(self) -> &'static str {
        match self {
            WorkspaceIdSource::HostName => "the workspace URL's host name",
            WorkspaceIdSource::UrlQuery => "the ?o= of the pasted URL",
            WorkspaceIdSource::HttpPath => "the cluster's HTTP path",
        }
    }
}

/// Everything the page and the command show about a pasted workspace URL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostAnalysis {
    /// The value for Airflow's Host field, `https://<lower-case hostname>`, or `None` when a
    /// finding is an error.
    pub host: Option<String>,
    /// The lower-case ASCII (punycode) host name read from the input, when one was read.
    pub hostname: Option<String>,
    pub cloud: Option<Cloud>,
    pub environment: Option<Environment>,
    /// Decimal digits, from `adb-<id>`, a GCP `<id>.<n>` host, `?o=` or a cluster HTTP path.
    pub workspace_id: Option<String>,
    /// Where `workspace_id` was read.
    pub workspace_id_source: Option<WorkspaceIdSource>,
    pub kind: HostKind,
    /// A SQL warehouse's or cluster's HTTP path found in the paste (for extra `http_path`).
    pub http_path: Option<String>,
    /// Most severe first.
    pub findings: Vec<Finding>,
}

impl HostAnalysis {
    /// True when no finding is an error: `host` is then set.
    pub fn is_usable(&self) -> bool {
        crate::finding::usable(&self.findings)
    }

    /// True when the host name is in one of the SDKs' DNS zones.
    pub fn in_known_zone(&self) -> bool {
        self.hostname.as_deref().and_then(databricks_zone).is_some()
    }

    /// The worst severity among the findings, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// One line of what was read, for under the field: "Airflow Host: https://… · AWS ·
    /// workspace id 123", or `None` when there is no usable host.
    pub fn summary(&self) -> Option<String> {
        let host = self.host.as_ref()?;
        let mut facts = vec![format!("Airflow Host: {host}")];
        if let Some(cloud) = self.cloud {
            facts.push(cloud.display_name().to_owned());
        }
        if let Some(id) = &self.workspace_id {
            facts.push(format!("workspace id {id}"));
        }
        Some(facts.join(" · "))
    }
}

/// The kind of credential found where a URL should be. Never holds the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialShape {
    /// `dapi` + 32 hex (gitleaks and TruffleHog rules).
    PersonalAccessToken,
    /// `dose` + 32 characters.
    OAuthSecret,
    /// `dsapi` + 32 characters.
    ScopedToken,
    /// `doau` + 32 characters.
    RefreshToken,
    /// `dkea` + 32 characters.
    OtherDatabricksSecret,
    /// `header.payload.signature`, base64url JSON.
    Jwt,
    /// 64 hex characters: the token's ID from the token list, not the token.
    TokenId,
    /// A password in the user-info part of a URL (`user:password@host`).
    UrlPassword,
}

impl CredentialShape {
    fn describe(self) -> &'static str {
        match self {
            CredentialShape::PersonalAccessToken => "a Databricks personal access token (dapi…)",
            CredentialShape::OAuthSecret => "a Databricks OAuth client secret (dose…)",
            CredentialShape::ScopedToken => "a Databricks scoped API token (dsapi…)",
            CredentialShape::RefreshToken => "a Databricks OAuth refresh token (doau…)",
            CredentialShape::OtherDatabricksSecret => "a Databricks secret (dkea…)",
            CredentialShape::Jwt => "an access token (a JWT, e.g. from Microsoft Entra ID)",
            CredentialShape::TokenId => "a 64-character token ID",
            CredentialShape::UrlPassword => "a password (the part between ':' and '@')",
        }
    }
}

/// How the host was found inside a larger paste.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Every problem (or note) about a pasted workspace URL. Rendered through [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostProblem {
    Empty,
    TooLong {
        bytes: usize,
    },
    SecretInUrlField {
        shape: CredentialShape,
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
        hostname: String,
        reason: String,
    },
    /// `url`'s IDNA processing refused the name (a broken `xn--` label, a forbidden
    /// character), so there is no host name to show.
    InvalidDomainName,
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
    ZoneApex {
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
    OtherScheme {
        scheme: String,
    },
    SchemeMissing,
    SchemeSlashesMissing,
    SchemeRepeated,
    PortDropped {
        port: u16,
    },
    UserNameDropped,
    PartsDropped {
        /// Each dropped part as shown to the user (`the path /browse`), or `None` when the
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

const COPY_FROM_BROWSER: &str = "Open your workspace in the browser and copy the address bar; \
     keep only the part up to the host name, e.g. https://adb-1234567890123456.7.azuredatabricks.net \
     (Azure), https://dbc-a1b2345c-d6e7.cloud.databricks.com (AWS) or \
     https://1234567890123456.7.gcp.databricks.com (Google Cloud).";

impl Diagnostic for HostProblem {
    fn code(&self) -> &'static str {
        match self {
            HostProblem::Empty => "empty",
            HostProblem::TooLong { .. } => "too_long",
            HostProblem::SecretInUrlField { .. } => "secret_in_url_field",
            HostProblem::Placeholder => "placeholder",
            HostProblem::NoHostInJson => "no_host_in_json",
            HostProblem::Unparseable { .. } => "unparseable",
            HostProblem::BadPort => "bad_port",
            HostProblem::NoHost => "no_host",
            HostProblem::IpAddress { .. } => "ip_address",
            HostProblem::Localhost => "localhost",
            HostProblem::IncompleteHostname { .. } => "incomplete_hostname",
            HostProblem::InvalidHostname { .. } | HostProblem::InvalidDomainName => {
                "invalid_hostname"
            }
            HostProblem::NonAsciiHost { .. } => "non_ascii_host",
            HostProblem::HostTextMapped { .. } => "host_text_mapped",
            HostProblem::AccountConsole { .. } => "account_console",
            HostProblem::PrivateLinkHelper { .. } => "private_link_helper",
            HostProblem::InfrastructureHost { .. } => "infrastructure_host",
            HostProblem::CommunityEdition => "community_edition",
            HostProblem::LegacyRegional { .. } => "legacy_regional",
            HostProblem::DataPlaneDomain { .. } => "data_plane_domain",
            HostProblem::PlaceholderWorkspaceId { .. } => "placeholder_workspace_id",
            HostProblem::ZoneApex { .. } => "workspace_name_missing",
            HostProblem::NearMiss { .. } => "near_miss",
            HostProblem::NotAWorkspace { .. } => "not_a_workspace",
            HostProblem::UnknownDomain { .. } => "unknown_domain",
            HostProblem::HttpScheme => "http_scheme",
            HostProblem::OtherScheme { .. } => "unexpected_scheme",
            HostProblem::SchemeMissing => "scheme_missing",
            HostProblem::SchemeSlashesMissing => "scheme_slashes_missing",
            HostProblem::SchemeRepeated => "scheme_repeated",
            HostProblem::PortDropped { .. } => "port_dropped",
            HostProblem::UserNameDropped => "user_name_dropped",
            HostProblem::PartsDropped { .. } => "path_dropped",
            HostProblem::TrailingSlashDropped => "trailing_slash_dropped",
            HostProblem::WrappingRemoved { .. } => "wrapping_removed",
            HostProblem::OtherLinesIgnored => "other_lines_ignored",
            HostProblem::HostReadFrom { .. } => "host_read_from",
            HostProblem::WorkspaceIdMismatch { .. } => "workspace_id_mismatch",
            HostProblem::HttpPathFound { .. } => "http_path_found",
        }
    }

    fn severity(&self) -> Severity {
        match self {
            HostProblem::Empty
            | HostProblem::TooLong { .. }
            | HostProblem::SecretInUrlField { .. }
            | HostProblem::Placeholder
            | HostProblem::NoHostInJson
            | HostProblem::Unparseable { .. }
            | HostProblem::BadPort
            | HostProblem::NoHost
            | HostProblem::IpAddress { .. }
            | HostProblem::Localhost
            | HostProblem::IncompleteHostname { .. }
            | HostProblem::InvalidHostname { .. }
            | HostProblem::InvalidDomainName
            | HostProblem::NonAsciiHost { .. }
            | HostProblem::AccountConsole { .. }
            | HostProblem::PrivateLinkHelper { .. }
            | HostProblem::InfrastructureHost { .. }
            | HostProblem::ZoneApex { .. }
            | HostProblem::NearMiss { .. }
            | HostProblem::NotAWorkspace { .. } => Severity::Error,
            HostProblem::HostTextMapped { .. }
            | HostProblem::CommunityEdition
            | HostProblem::LegacyRegional { .. }
            | HostProblem::DataPlaneDomain { .. }
            | HostProblem::PlaceholderWorkspaceId { .. }
            | HostProblem::UnknownDomain { .. }
            | HostProblem::HttpScheme
            | HostProblem::OtherScheme { .. }
            | HostProblem::PortDropped { .. }
            | HostProblem::UserNameDropped
            | HostProblem::WorkspaceIdMismatch { .. } => Severity::Warning,
            HostProblem::SchemeMissing
            | HostProblem::SchemeSlashesMissing
            | HostProblem::SchemeRepeated
            | HostProblem::PartsDropped { .. }
            | HostProblem::TrailingSlashDropped
            | HostProblem::WrappingRemoved { .. }
            | HostProblem::OtherLinesIgnored
            | HostProblem::HostReadFrom { .. }
            | HostProblem::HttpPathFound { .. } => Severity::Info,
        }
    }

    fn message(&self) -> String {
        match self {
            HostProblem::Empty => "The workspace URL is empty.".into(),
            HostProblem::TooLong { bytes } => format!(
                "This is {bytes} bytes long, far longer than any workspace URL, so it was not read."
            ),
            HostProblem::SecretInUrlField {
                shape: CredentialShape::TokenId,
            } => "The URL field holds a 64-character hexadecimal value: this looks like a \
                  token's ID from the token list, which is neither a URL nor a token."
                .into(),
            HostProblem::SecretInUrlField { shape } => format!(
                "The URL field holds what looks like {}. A credential does not belong here: \
                 it would end up in places that are not secret.",
                shape.describe()
            ),
            HostProblem::Placeholder => {
                "The URL still holds a placeholder such as <workspace-url> or {{ var }} \
                 instead of a real host name."
                    .into()
            }
            HostProblem::NoHostInJson => {
                "This JSON has no \"host\" (or similar) key, so there is no workspace URL to read."
                    .into()
            }
            HostProblem::Unparseable { reason } => {
                format!("This does not read as a web address ({reason}).")
            }
            HostProblem::BadPort => {
                "The port after ':' is not a number from 1 to 65535, so this is not a valid URL."
                    .into()
            }
            HostProblem::NoHost => "There is no host name in this URL.".into(),
            HostProblem::IpAddress { ip } => format!(
                "{ip} is an IP address. Databricks workspaces are reached by name: their TLS \
                 certificates and routing only work with the workspace's host name."
            ),
            HostProblem::Localhost => {
                "This points at your own machine (localhost), not at a Databricks workspace.".into()
            }
            HostProblem::IncompleteHostname { hostname } => format!(
                "'{}' is not a full host name: a workspace host has a domain, \
                 e.g. …cloud.databricks.com or …azuredatabricks.net.",
                shorten(hostname, 60)
            ),
            HostProblem::InvalidHostname { hostname, reason } => format!(
                "'{}' is not a valid host name: {reason}.",
                shorten(hostname, 60)
            ),
            HostProblem::InvalidDomainName => {
                "The host name is not a valid domain name: it holds a character or a spelling \
                 (such as a broken xn-- part) that DNS does not allow."
                    .into()
            }
            HostProblem::NonAsciiHost {
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
                match punycode {
                    Some(punycode) => format!(
                        "The host name {} is written in punycode, the way DNS spells letters \
                         that are not plain ASCII{which}. No Databricks workspace has such a \
                         name: a look-alike letter can send your token to someone else's server.",
                        shorten(punycode, 80)
                    ),
                    None => format!(
                        "The host name contains characters that are not plain ASCII{which}. \
                         No Databricks workspace has such a name: a look-alike letter can send \
                         your token to someone else's server."
                    ),
                }
            }
            HostProblem::HostTextMapped { hostname } => format!(
                "The host name was written with unusual characters (full-width letters or \
                 %-escapes); it reads as {}.",
                shorten(hostname, 80)
            ),
            HostProblem::AccountConsole { hostname, .. } => format!(
                "{hostname} is the account console, where admins manage workspaces and users; \
                 Airflow needs the URL of one workspace. Workspace tokens are refused there."
            ),
            HostProblem::PrivateLinkHelper { hostname, .. } => format!(
                "{hostname} is a private-link helper address, not a workspace. With Private Link \
                 you still use the workspace's normal URL; your network's DNS sends it to the \
                 private endpoint."
            ),
            HostProblem::InfrastructureHost { hostname, .. } => format!(
                "{hostname} is a regional Databricks infrastructure address (control plane or \
                 relay, the target that workspace names point to), not a workspace."
            ),
            HostProblem::CommunityEdition => {
                "This is Databricks Community Edition, which offers no personal access tokens, \
                 so Airflow has no way to sign in."
                    .into()
            }
            HostProblem::LegacyRegional { hostname, cloud } => match cloud {
                Cloud::Azure => format!(
                    "{hostname} is a legacy regional URL, deprecated since April 2020: it may not \
                     reach newer workspaces, is less reliable, and breaks features that need a \
                     workspace id."
                ),
                _ => format!(
                    "{hostname} is a regional address shared by many workspaces, not your \
                     workspace's own URL; calls there may reach the wrong workspace or none."
                ),
            },
            HostProblem::DataPlaneDomain { hostname } => format!(
                "{hostname} is your workspace's second (dbc-dp-…) domain, which the web UI uses \
                 alongside the domain you sign in with; Databricks documents the sign-in domain \
                 as the workspace URL for API calls."
            ),
            HostProblem::PlaceholderWorkspaceId { hostname } => format!(
                "{hostname} looks like the example from the documentation: after 'adb-' comes \
                 the workspace id, which is all digits."
            ),
            HostProblem::ZoneApex { hostname, .. } => format!(
                "{hostname} is only the Databricks domain; the workspace's own name in front \
                 of it is missing."
            ),
            HostProblem::NearMiss {
                hostname,
                suggestion,
            } => format!(
                "{hostname} is not a Databricks domain, but is one typo away from one. \
                 Did you mean {suggestion}?"
            ),
            HostProblem::NotAWorkspace { hostname, site } => {
                format!("{hostname} is {site}, not a Databricks workspace.")
            }
            HostProblem::UnknownDomain { hostname } => format!(
                "{hostname} is in none of the Databricks domains (cloud.databricks.com, \
                 azuredatabricks.net, gcp.databricks.com and their government and China \
                 variants). It may be a custom or private-link domain; the page will ask \
                 before sending a secret there."
            ),
            HostProblem::HttpScheme => {
                "The URL starts with http://, but Databricks serves its API over HTTPS only.".into()
            }
            HostProblem::OtherScheme { scheme } => format!(
                "The URL starts with {}://, which is not a web address for a workspace.",
                shorten(scheme, 20)
            ),
            HostProblem::SchemeMissing => {
                "The URL had no https:// in front. Airflow's Databricks provider up to 7.9 \
                 fails without it (\"No scheme supplied\") and later versions glue the text \
                 into request URLs as typed."
                    .into()
            }
            HostProblem::SchemeSlashesMissing => {
                "The URL had a scheme without the two slashes (https:host); Airflow reads no \
                 host name from that."
                    .into()
            }
            HostProblem::SchemeRepeated => {
                "The URL had its scheme twice (https://https://...); one was removed.".into()
            }
            HostProblem::PortDropped { port } => format!(
                "Port {port} was dropped: Databricks workspaces answer on the HTTPS port 443, \
                 and Airflow's Databricks provider ignores a port written in Host."
            ),
            HostProblem::UserNameDropped => {
                "The user name before '@' was dropped: Airflow reads credentials from the \
                 Login and Password fields, not from the host."
                    .into()
            }
            HostProblem::PartsDropped { parts, api_path } => {
                let what = if parts.is_empty() {
                    "the rest of the URL after the host name".to_string()
                } else {
                    join_words(parts)
                };
                let why = if *api_path {
                    "Airflow adds the /api/... part itself, so a path in Host doubles it."
                } else {
                    "Airflow appends /api/... to Host, so anything after the host name \
                     breaks every call."
                };
                format!("Dropped {what}. {why}")
            }
            HostProblem::TrailingSlashDropped => {
                "Dropped the trailing '/': Airflow's Databricks provider before 7.10 keeps it \
                 and calls https://<host>//api/..."
                    .into()
            }
            HostProblem::WrappingRemoved { wrapping } => {
                format!("Removed the surrounding {wrapping}.")
            }
            HostProblem::OtherLinesIgnored => {
                "The paste has several lines; only the one with the URL was read.".into()
            }
            HostProblem::HostReadFrom { form } => match form {
                PasteForm::Jdbc => "Read the host from a JDBC URL.".into(),
                PasteForm::Setting { key } => {
                    format!("Read the host from the {} setting.", shorten(key, 40))
                }
                PasteForm::Json { key } => {
                    format!("Read the host from the JSON key \"{}\".", shorten(key, 40))
                }
                PasteForm::AirflowUri => "Read the host from an Airflow connection URI.".into(),
            },
            HostProblem::WorkspaceIdMismatch {
                from_host,
                from_url,
            } => format!(
                "The host name says workspace {from_host} but the URL's ?o= says {from_url}: \
                 the URL may come from a different workspace."
            ),
            HostProblem::HttpPathFound { http_path } => format!(
                "Found the HTTP path {}, which Databricks SQL operators need.",
                shorten(http_path, 100)
            ),
        }
    }

    fn fix(&self) -> String {
        match self {
            HostProblem::Empty
            | HostProblem::TooLong { .. }
            | HostProblem::Unparseable { .. }
            | HostProblem::NoHost
            | HostProblem::NoHostInJson
            | HostProblem::IncompleteHostname { .. }
            | HostProblem::InvalidHostname { .. }
            | HostProblem::InvalidDomainName
            | HostProblem::Placeholder => COPY_FROM_BROWSER.into(),
            HostProblem::SecretInUrlField { shape } => match shape {
                CredentialShape::TokenId => "Paste the workspace URL here. A token ID is not the \
                     token: the token itself starts with dapi and is shown once, when it is \
                     created; make a new one if you no longer have it."
                    .into(),
                _ => "Paste only the workspace URL here and the credential in the credential \
                     field. If it was shared or saved anywhere, revoke it and create a new one."
                    .into(),
            },
            HostProblem::BadPort => {
                "Remove the ':' and what follows the host name; workspaces need no port.".into()
            }
            HostProblem::IpAddress { .. } | HostProblem::Localhost => {
                format!("Use the workspace's host name, not an address. {COPY_FROM_BROWSER}")
            }
            HostProblem::NonAsciiHost { .. } => {
                "Retype the host name by hand in plain ASCII letters, or copy it from the \
                 browser while signed in to the workspace."
                    .into()
            }
            HostProblem::HostTextMapped { .. } => {
                "Use the Host value shown here, typed in plain ASCII.".into()
            }
            HostProblem::AccountConsole { example, .. } => format!(
                "Use your workspace URL, e.g. {example}: in the account console open \
                 Workspaces and copy the workspace's URL, or open the workspace and copy the \
                 address bar."
            ),
            HostProblem::PrivateLinkHelper { suggestion, .. } => match suggestion {
                Some(s) => format!("Use {s}."),
                None => format!("Use your workspace's own URL. {COPY_FROM_BROWSER}"),
            },
            HostProblem::InfrastructureHost { example, .. } => format!(
                "Use your workspace's own URL, e.g. {example}: copy it from the browser while \
                 in the workspace (on Azure also shown as \"Workspace URL\" in the portal)."
            ),
            HostProblem::CommunityEdition => {
                "Use a workspace that allows tokens, such as Databricks Free Edition or a paid \
                 workspace."
                    .into()
            }
            HostProblem::LegacyRegional { cloud, .. } => match cloud {
                Cloud::Azure => {
                    "Use the per-workspace URL adb-<workspace-id>.<n>.azuredatabricks.net: \
                     in the Azure portal open the Azure Databricks resource and copy its \
                     Workspace URL (or click Launch Workspace and copy the address bar)."
                        .into()
                }
                Cloud::Gcp => {
                    "Use the workspace's own URL, <workspace-id>.<n>.gcp.databricks.com: \
                     open the workspace and copy the address bar."
                        .into()
                }
                Cloud::Aws => "Use the workspace's own URL, such as \
                     https://dbc-a1b2345c-d6e7.cloud.databricks.com or \
                     https://<name>.cloud.databricks.com: open the workspace and copy the \
                     address bar."
                    .into(),
            },
            HostProblem::DataPlaneDomain { .. } => {
                "Use the domain you sign in with (dbc-<letters-and-digits> or your chosen name \
                 .cloud.databricks.com)."
                    .into()
            }
            HostProblem::PlaceholderWorkspaceId { .. } => {
                "Copy the real URL from the Azure portal (Azure Databricks resource, Workspace \
                 URL) or from the browser's address bar."
                    .into()
            }
            HostProblem::ZoneApex { example, .. } => format!(
                "Add the workspace's name in front, e.g. {example}: copy it from the browser's \
                 address bar while in the workspace."
            ),
            HostProblem::NearMiss { suggestion, .. } => format!(
                "If so, use {suggestion}; otherwise copy the URL from the browser while in the \
                 workspace."
            ),
            HostProblem::NotAWorkspace { .. } => COPY_FROM_BROWSER.into(),
            HostProblem::UnknownDomain { .. } => {
                "If this is your workspace's custom or private-link domain, carry on. Otherwise \
                 copy the URL from the browser while in the workspace."
                    .into()
            }
            HostProblem::HttpScheme
            | HostProblem::OtherScheme { .. }
            | HostProblem::SchemeMissing
            | HostProblem::SchemeSlashesMissing
            | HostProblem::SchemeRepeated
            | HostProblem::PortDropped { .. }
            | HostProblem::UserNameDropped
            | HostProblem::PartsDropped { .. }
            | HostProblem::TrailingSlashDropped
            | HostProblem::WrappingRemoved { .. }
            | HostProblem::OtherLinesIgnored
            | HostProblem::HostReadFrom { .. } => {
                "Put exactly the Host value shown here into Airflow's Host field.".into()
            }
            HostProblem::WorkspaceIdMismatch { .. } => {
                "Check that the token you use was made in the workspace of this host.".into()
            }
            HostProblem::HttpPathFound { http_path } => format!(
                "For SQL operators add \"http_path\": \"{}\" to the connection's Extra.",
                shorten(http_path, 100)
            ),
        }
    }
}

impl fmt::Display for HostProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for HostProblem {}

/// Reads whatever a person pasted into the workspace URL field. Never panics.
pub fn analyse_host(input: &str) -> HostAnalysis {
    let mut run = Analysis::default();
    run.analyse(input);
    run.finish()
}

// ---------------------------------------------------------------------------------------
// Implementation
// ---------------------------------------------------------------------------------------

/// The state of one analysis while it runs.
#[derive(Default)]
struct Analysis {
    problems: Vec<HostProblem>,
    secrets: Vec<Secret>,
    hostname: Option<String>,
    cloud: Option<Cloud>,
    environment: Option<Environment>,
    workspace_id: Option<String>,
    workspace_id_source: Option<WorkspaceIdSource>,
    kind: Option<HostKind>,
    http_path: Option<String>,
    /// The host held non-ASCII letters, replaced by ASCII ones to read the rest.
    non_ascii_host: bool,
}

impl Analysis {
    fn analyse(&mut self, input: &str) {
        if input.len() > MAX_INPUT_BYTES {
            self.problems
                .push(HostProblem::TooLong { bytes: input.len() });
            return;
        }
        for (shape, value) in credentials_in(input) {
            if !self
                .problems
                .contains(&HostProblem::SecretInUrlField { shape })
            {
                self.problems.push(HostProblem::SecretInUrlField { shape });
            }
            self.secrets.push(value);
        }
        let paste = read_paste(input);
        if let Some(problem) = paste.refusal {
            self.problems.push(problem);
            return;
        }
        if paste.text.is_empty() {
            self.problems.push(HostProblem::Empty);
            return;
        }
        match &paste.form {
            Some(form) => self
                .problems
                .push(HostProblem::HostReadFrom { form: form.clone() }),
            None => {
                if !paste.wrappings.is_empty() {
                    self.problems.push(HostProblem::WrappingRemoved {
                        wrapping: paste.wrappings.join(" and "),
                    });
                }
            }
        }
        if paste.other_lines_ignored {
            self.problems.push(HostProblem::OtherLinesIgnored);
        }
        self.http_path = paste.http_path.as_deref().and_then(normalise_http_path);
        if looks_like_placeholder(&paste.text) {
            self.problems.push(HostProblem::Placeholder);
            return;
        }
        let url_text = self.as_https_url(&paste.text, paste.form.as_ref());
        if let Some(host_text) = oversized_host(&url_text) {
            self.problems.push(HostProblem::InvalidHostname {
                hostname: host_text,
                reason: "it is longer than the 253 characters DNS allows".into(),
            });
            return;
        }
        // `url` runs without Unicode tables here (idna_adapter 1.0 in Cargo.lock, for the
        // page's size), so it refuses every non-ASCII host where full IDNA would map or
        // encode it. Full-width letters from an input method are folded to ASCII as IDNA
        // does; other non-ASCII letters are look-alikes, reported as such, with the domain
        // around them still read (each one stood in for by an ASCII letter).
        let url_text = fold_full_width(&url_text);
        let parsed = match Url::parse(&url_text) {
            Err(url::ParseError::IdnaError) if !url_text.is_ascii() => {
                let masked: String = url_text
                    .chars()
                    .map(|c| if c.is_ascii() { c } else { 'x' })
                    .collect();
                let masked = Url::parse(&masked);
                self.non_ascii_host = masked.is_ok();
                masked.map_err(|_| url::ParseError::IdnaError)
            }
            other => other,
        };
        let url = match parsed {
            Ok(url) => url,
            Err(e) => {
                // With a credential in the paste, that finding explains why no URL reads.
                if self.secrets.is_empty() {
                    self.problems.push(problem_for_parse_error(e));
                } else {
                    self.problems
                        .retain(|p| matches!(p, HostProblem::SecretInUrlField { .. }));
                }
                return;
            }
        };
        self.read_url(&url, &paste);
    }

    /// Puts `https://` in front, whatever scheme (or none) was typed, so that `url` parses
    /// the host the way browsers do (lower case, IDNA, IPv4 forms) for every input.
    fn as_https_url(&mut self, text: &str, form: Option<&PasteForm>) -> String {
        let from_setting = form.is_some();
        if let Some((scheme, rest)) = split_scheme(text) {
            let scheme = scheme.to_ascii_lowercase();
            let mut rest = rest;
            // `https://https://host` (typed over a pre-filled field), and Airflow's own
            // `get_uri()` form for a host with a scheme, `databricks://https://:TOKEN@host`
            // (shared/facts/airflow.md).
            if let Some((inner, after)) = split_scheme(rest) {
                if inner.eq_ignore_ascii_case("https") || inner.eq_ignore_ascii_case("http") {
                    rest = after;
                    if scheme != "databricks" {
                        self.problems.push(HostProblem::SchemeRepeated);
                    }
                }
            }
            match scheme.as_str() {
                "https" => {}
                "http" => self.problems.push(HostProblem::HttpScheme),
                "databricks" => {
                    if form.is_none() {
                        self.problems.push(HostProblem::HostReadFrom {
                            form: PasteForm::AirflowUri,
                        });
                    }
                    // The other accepted spelling percent-encodes it: `@https%3A%2F%2Fhost`.
                    // Dropping that one escaped prefix lets `url` read the host itself.
                    let cleaned = remove_escaped_scheme(rest);
                    return format!("https://{cleaned}");
                }
                _ => {
                    if !matches!(form, Some(PasteForm::Jdbc)) {
                        self.problems.push(HostProblem::OtherScheme { scheme });
                    }
                }
            }
            return format!("https://{rest}");
        }
        // `https:host` and `http:/host`: `url` repairs the missing slashes like a browser.
        if let Some(rest) = strip_prefix_ignore_case(text, "https:") {
            self.problems.push(HostProblem::SchemeSlashesMissing);
            return format!("https:{rest}");
        }
        if let Some(rest) = strip_prefix_ignore_case(text, "http:") {
            self.problems.push(HostProblem::HttpScheme);
            self.problems.push(HostProblem::SchemeSlashesMissing);
            return format!("https:{rest}");
        }
        if !from_setting {
            self.problems.push(HostProblem::SchemeMissing);
        }
        if text.starts_with("//") {
            format!("https:{text}")
        } else {
            format!("https://{text}")
        }
    }

    fn read_url(&mut self, url: &Url, paste: &Paste) {
        let domain = match url.host() {
            None => {
                self.problems.push(HostProblem::NoHost);
                return;
            }
            Some(url::Host::Ipv4(ip)) => {
                self.hostname = Some(ip.to_string());
                self.problems
                    .push(HostProblem::IpAddress { ip: ip.to_string() });
                return;
            }
            Some(url::Host::Ipv6(ip)) => {
                self.hostname = Some(format!("[{ip}]"));
                self.problems.push(HostProblem::IpAddress {
                    ip: format!("[{ip}]"),
                });
                return;
            }
            Some(url::Host::Domain(d)) => d,
        };
        let hostname = domain.strip_suffix('.').unwrap_or(domain).to_owned();
        self.hostname = Some(hostname.clone());
        if self.secrets.iter().any(|s| is_in(s, &hostname)) {
            // The "host" is the credential itself: its finding says all there is to say.
            self.problems
                .retain(|p| matches!(p, HostProblem::SecretInUrlField { .. }));
            return;
        }

        self.read_user_info(url);
        if let Some(port) = url.port() {
            self.problems.push(HostProblem::PortDropped { port });
        }
        self.read_rest_of_url(url, paste);

        if hostname == "localhost" || hostname.ends_with(".localhost") {
            self.problems.push(HostProblem::Localhost);
            return;
        }
        if let Err(reason) = check_ldh(&hostname) {
            self.problems.push(HostProblem::InvalidHostname {
                hostname: hostname.clone(),
                reason,
            });
            return;
        }
        if !hostname.contains('.') {
            self.problems.push(HostProblem::IncompleteHostname {
                hostname: hostname.clone(),
            });
            return;
        }
        let punycode = hostname.split('.').any(|l| l.starts_with("xn--"));
        if punycode || self.non_ascii_host {
            let characters = non_ascii_chars(&paste.text, 5);
            self.problems.push(HostProblem::NonAsciiHost {
                punycode: punycode.then(|| hostname.clone()),
                characters,
            });
        } else if !paste.text.to_ascii_lowercase().contains(&hostname) {
            self.problems.push(HostProblem::HostTextMapped {
                hostname: hostname.clone(),
            });
        }
        self.classify(&hostname);
    }

    fn read_user_info(&mut self, url: &Url) {
        match url.password() {
            Some(password) if !password.is_empty() => {
                let shape = CredentialShape::UrlPassword;
                let already = self
                    .problems
                    .iter()
                    .any(|p| matches!(p, HostProblem::SecretInUrlField { .. }));
                if !already {
                    self.problems.push(HostProblem::SecretInUrlField { shape });
                }
                self.secrets.push(Secret::new(password));
            }
            _ => {
                if !url.username().is_empty() {
                    self.problems.push(HostProblem::UserNameDropped);
                }
            }
        }
    }

    /// Path, query and fragment: dropped from the Host value, but read for the workspace id
    /// and an HTTP path first.
    fn read_rest_of_url(&mut self, url: &Url, paste: &Paste) {
        let path = url.path();
        let query = url.query().unwrap_or("");
        let fragment = url.fragment().unwrap_or("");

        if self.http_path.is_none() {
            self.http_path = normalise_http_path(path);
        }
        // The Databricks CLI reads `?o=`, `?w=` and `?workspace_id=` as the workspace id
        // (databricks/cli libs/auth/hostparams.go).
        self.workspace_id = url
            .query_pairs()
            .find(|(k, v)| matches!(k.as_ref(), "o" | "w" | "workspace_id") && is_digits(v))
            .map(|(_, v)| v.into_owned());
        self.workspace_id_source = self
            .workspace_id
            .as_ref()
            .map(|_| WorkspaceIdSource::UrlQuery);

        // A JDBC URL's `/default` is its schema, part of the form: nothing was lost.
        if matches!(paste.form, Some(PasteForm::Jdbc)) {
            return;
        }
        let has_path = !path.trim_end_matches('/').is_empty();
        if !has_path && query.is_empty() && fragment.is_empty() {
            if !path.is_empty() && paste.text.ends_with('/') {
                self.problems.push(HostProblem::TrailingSlashDropped);
            }
            return;
        }
        let mut parts = Vec::new();
        if self.secrets.is_empty() {
            if has_path {
                parts.push(format!("the path {}", shorten(path, 60)));
            }
            if !query.is_empty() {
                parts.push(format!("the query ?{}", shorten(query, 60)));
            }
            if !fragment.is_empty() {
                parts.push(format!("the fragment #{}", shorten(fragment, 60)));
            }
        }
        let api_path = path.starts_with("/api/");
        self.problems
            .push(HostProblem::PartsDropped { parts, api_path });
    }

    fn classify(&mut self, hostname: &str) {
        let Some(zone) = databricks_zone(hostname) else {
            self.classify_outside_zones(hostname);
            return;
        };
        self.cloud = Some(zone.cloud);
        self.environment = Some(zone.environment);
        let prefix = hostname
            .get(..hostname.len().saturating_sub(zone.suffix.len()))
            .unwrap_or("");
        let labels: Vec<&str> = prefix.split('.').collect();
        let first = labels.first().copied().unwrap_or("");

        let private_link = labels
            .iter()
            .any(|l| *l == "privatelink" || *l == "pl-auth" || l.ends_with("-pl-auth"));
        if private_link {
            // With Azure Private Link the private DNS record is
            // `adb-<id>.<n>.privatelink.azuredatabricks.net`: the user types the same name
            // without `privatelink`.
            let suggestion = (zone.cloud == Cloud::Azure && first.starts_with("adb-")).then(|| {
                let kept: Vec<&str> = labels
                    .iter()
                    .copied()
                    .filter(|l| *l != "privatelink")
                    .collect();
                format!("https://{}{}", kept.join("."), zone.suffix)
            });
            self.kind = Some(HostKind::PrivateLinkHelper);
            self.problems.push(HostProblem::PrivateLinkHelper {
                hostname: hostname.to_owned(),
                suggestion,
            });
            return;
        }
        // The SDK treats a host starting `accounts.` or `accounts-dod.` as an account host.
        if first == "accounts" || first == "accounts-dod" {
            self.kind = Some(HostKind::AccountConsole);
            self.problems.push(HostProblem::AccountConsole {
                hostname: hostname.to_owned(),
                example: zone.example_workspace(),
            });
            return;
        }
        // `westeurope-c2.azuredatabricks.net` (regional control plane, what workspace names
        // resolve to) and `tunnel.<region>.cloud.databricks.com` (secure cluster connectivity
        // relay): Databricks' "IP addresses and domains" pages.
        if first == "tunnel" || (labels.len() == 1 && is_azure_control_plane(zone, first)) {
            self.kind = Some(HostKind::PrivateLinkHelper);
            self.problems.push(HostProblem::InfrastructureHost {
                hostname: hostname.to_owned(),
                example: zone.example_workspace(),
            });
            return;
        }
        if zone.environment == Environment::Public
            && zone.cloud == Cloud::Aws
            && prefix == "community"
        {
            self.kind = Some(HostKind::CommunityEdition);
            self.problems.push(HostProblem::CommunityEdition);
            return;
        }
        if labels.len() == 1 && is_legacy_region(zone, first) {
            self.kind = Some(HostKind::LegacyRegional);
            self.problems.push(HostProblem::LegacyRegional {
                hostname: hostname.to_owned(),
                cloud: zone.cloud,
            });
            return;
        }
        self.kind = Some(HostKind::Workspace);
        let from_host = match zone.cloud {
            Cloud::Azure => match first.strip_prefix("adb-") {
                Some(id) if is_digits(id) => Some(id.to_owned()),
                Some(_) => {
                    self.problems.push(HostProblem::PlaceholderWorkspaceId {
                        hostname: hostname.to_owned(),
                    });
                    None
                }
                None => None,
            },
            // `<workspace-id>.<n>.gcp.databricks.com`
            Cloud::Gcp => match labels.as_slice() {
                [id, n] if is_digits(id) && is_digits(n) => Some((*id).to_owned()),
                _ => None,
            },
            // `dbc-dp-<workspace-id>.cloud.databricks.com`: the second domain of an AWS
            // workspace (docs: "Configure domain name firewall rules").
            Cloud::Aws => match first.strip_prefix("dbc-dp-") {
                Some(id) if is_digits(id) && labels.len() == 1 => {
                    self.problems.push(HostProblem::DataPlaneDomain {
                        hostname: hostname.to_owned(),
                    });
                    Some(id.to_owned())
                }
                _ => None,
            },
        };
        if let Some(from_host) = from_host {
            match self.workspace_id.take() {
                Some(from_url) if from_url != from_host => {
                    self.problems.push(HostProblem::WorkspaceIdMismatch {
                        from_host: from_host.clone(),
                        from_url,
                    });
                }
                _ => {}
            }
            self.workspace_id = Some(from_host);
            self.workspace_id_source = Some(WorkspaceIdSource::HostName);
        }
    }

    fn classify_outside_zones(&mut self, hostname: &str) {
        if let Some(site) = known_site(hostname) {
            self.kind = Some(HostKind::UnknownDomain);
            self.problems.push(HostProblem::NotAWorkspace {
                hostname: hostname.to_owned(),
                site,
            });
            return;
        }
        if let Some(zone) = ZONES.iter().find(|z| z.apex() == hostname) {
            self.kind = Some(HostKind::Invalid);
            self.cloud = Some(zone.cloud);
            self.environment = Some(zone.environment);
            self.problems.push(HostProblem::ZoneApex {
                hostname: hostname.to_owned(),
                example: zone.example_workspace(),
            });
            return;
        }
        self.kind = Some(HostKind::UnknownDomain);
        // A look-alike letter stood in for by 'x' is no typo to suggest a fix for.
        if let Some(suggestion) = near_miss(hostname).filter(|_| !self.non_ascii_host) {
            self.problems.push(HostProblem::NearMiss {
                hostname: hostname.to_owned(),
                suggestion,
            });
            return;
        }
        // A look-alike already has its error; "maybe a custom domain" would only soften it.
        let look_alike = self
            .problems
            .iter()
            .any(|p| matches!(p, HostProblem::NonAsciiHost { .. }));
        if !look_alike {
            self.problems.push(HostProblem::UnknownDomain {
                hostname: hostname.to_owned(),
            });
        }
    }

    fn finish(self) -> HostAnalysis {
        let Analysis {
            mut problems,
            secrets,
            hostname,
            cloud,
            environment,
            workspace_id,
            workspace_id_source,
            kind,
            http_path,
            non_ascii_host: _,
        } = self;
        let holds_secret = |text: &str| secrets.iter().any(|s| is_in(s, text));
        let hostname = hostname.filter(|h| !holds_secret(h));
        let http_path = http_path.filter(|p| !holds_secret(p));
        if let Some(http_path) = &http_path {
            problems.push(HostProblem::HttpPathFound {
                http_path: http_path.clone(),
            });
        }
        let mut findings: Vec<Finding> = problems
            .iter()
            .map(|p| {
                let mut f = p.to_finding();
                // Belt and braces: no message may repeat a credential, whatever path a
                // piece of the input took into it.
                f.message = redact(&f.message, &secrets);
                f.fix = redact(&f.fix, &secrets);
                f
            })
            .collect();
        crate::finding::errors_first(&mut findings);
        // A cluster's HTTP path names its workspace: `/sql/protocolv1/o/<workspace-id>/...`.
        let from_path = || {
            http_path
                .as_deref()
                .and_then(|p| p.strip_prefix("/sql/protocolv1/o/"))
                .and_then(|rest| rest.split('/').next())
                .map(|id| (id.to_owned(), WorkspaceIdSource::HttpPath))
        };
        let (workspace_id, workspace_id_source) =
            match workspace_id.zip(workspace_id_source).or_else(from_path) {
                Some((id, source)) => (Some(id), Some(source)),
                None => (None, None),
            };
        let usable = crate::finding::usable(&findings);
        let kind = kind.unwrap_or(HostKind::Invalid);
        let host = match (&hostname, usable, kind) {
            (Some(h), true, k) if k != HostKind::Invalid => Some(format!("https://{h}")),
            _ => None,
        };
        HostAnalysis {
            host,
            hostname,
            cloud,
            environment,
            workspace_id,
            workspace_id_source,
            kind,
            http_path,
            findings,
        }
    }
}

/// The paste reduced to the text that should hold the URL.
#[derive(Default)]
struct Paste {
    text: String,
    form: Option<PasteForm>,
    http_path: Option<String>,
    wrappings: Vec<String>,
    other_lines_ignored: bool,
    refusal: Option<HostProblem>,
}

/// Peels the layers people paste around a URL: quotes, `KEY=value` lines, JSON, JDBC and
/// ODBC strings. These are not URL syntax, so `url` cannot read them; they are split here
/// on their own separators (`=`, `;`, newlines) and the URL inside goes to `url`.
fn read_paste(input: &str) -> Paste {
    let mut paste = Paste::default();
    let mut text = trim_paste(input).to_owned();
    // Each round peels one layer; real pastes have at most three (a quoted JSON value of
    // an environment variable), so four rounds bound the work.
    for _ in 0..4 {
        text = strip_wrappings(&text, &mut paste.wrappings);
        if let Some(rest) = strip_prefix_ignore_case(&text, "jdbc:") {
            // `jdbc:databricks://HOST:443/default;transportMode=http;httpPath=...`
            let (url_part, properties) = rest.split_once(';').unwrap_or((rest, ""));
            for property in properties.split(';') {
                if let Some((key, value)) = property.split_once('=') {
                    if is_http_path_key(key) && paste.http_path.is_none() {
                        paste.http_path = Some(value.trim().to_owned());
                    }
                }
            }
            paste.form = Some(PasteForm::Jdbc);
            text = url_part.trim().to_owned();
            break;
        }
        if text.starts_with('{') {
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(map)) => {
                    if paste.http_path.is_none() {
                        paste.http_path = http_path_in_json(&map);
                    }
                    let host = map.iter().find_map(|(k, v)| match v {
                        serde_json::Value::String(s) if is_host_key(k) => Some((k, s)),
                        _ => None,
                    });
                    match host {
                        Some((key, value)) => {
                            paste.form = Some(PasteForm::Json { key: key.clone() });
                            text = value.clone();
                            continue;
                        }
                        None => {
                            paste.refusal = Some(HostProblem::NoHostInJson);
                            return paste;
                        }
                    }
                }
                _ => break,
            }
        }
        if let Some((key, value, http_path)) = host_setting(&text) {
            if paste.http_path.is_none() {
                paste.http_path = http_path;
            }
            paste.form = Some(PasteForm::Setting { key });
            text = value;
            continue;
        }
        if !text.bytes().any(|b| b == b'\n' || b == b'\r') {
            break;
        }
        let lines: Vec<&str> = text
            .lines()
            .map(trim_paste)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.len() > 1 {
            let chosen = lines
                .iter()
                .find(|l| l.contains("://"))
                .or_else(|| lines.first())
                .copied()
                .unwrap_or("");
            paste.other_lines_ignored = true;
            text = chosen.to_owned();
            continue;
        }
        break;
    }
    paste.text = strip_wrappings(&text, &mut paste.wrappings);
    paste
}

/// A `KEY=value` (or `key: value`) setting naming the host, in a line or in an ODBC string
/// (`Host=...;HTTPPath=...`); or the value of a lone `NAME=value` line such as
/// `AIRFLOW_CONN_DATABRICKS_DEFAULT='databricks://...'`.
fn host_setting(text: &str) -> Option<(String, String, Option<String>)> {
    if !text.bytes().any(|b| b == b'=' || b == b':') {
        return None;
    }
    let mut host = None;
    let mut http_path = None;
    let mut segments = 0;
    let mut lone = None;
    for segment in text.split(['\n', '\r', ';']) {
        let segment = trim_paste(segment);
        if segment.is_empty() {
            continue;
        }
        segments += 1;
        let Some((key, value)) = key_value(segment) else {
            continue;
        };
        if host.is_none() && is_host_key(&key) {
            host = Some((key.clone(), value.to_owned()));
        } else if http_path.is_none() && is_http_path_key(&key) {
            http_path = Some(value.to_owned());
        }
        if lone.is_none() {
            lone = Some((key, value.to_owned()));
        }
    }
    match (host, lone) {
        (Some((key, value)), _) => Some((key, value, http_path)),
        (None, Some((key, value))) if segments == 1 => Some((key, value, None)),
        _ => None,
    }
}

/// One `key = value`, `key: value`, `export KEY="value"` or `"key": "value",`.
fn key_value(segment: &str) -> Option<(String, &str)> {
    let mut s = segment;
    for word in ["export ", "set "] {
        if let Some(rest) = strip_prefix_ignore_case(s, word) {
            s = rest.trim_start();
        }
    }
    let quoted = s.starts_with(['"', '\'']);
    let (key, after) = if quoted {
        let quote = s.chars().next()?;
        let inner = s.get(1..)?;
        let end = inner.find(quote)?;
        (inner.get(..end)?, inner.get(end + 1..)?)
    } else {
        let end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
            .unwrap_or(s.len());
        (s.get(..end)?, s.get(end..)?)
    };
    let starts_well = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !starts_well || key.len() > 64 {
        return None;
    }
    let after = after.trim_start();
    let value = if let Some(v) = after.strip_prefix('=') {
        v
    } else if let Some(v) = after.strip_prefix(':') {
        // `https://...` and `host:443` are URLs, not settings: a `:` separator needs a
        // quoted key (JSON) or a space after it (YAML, `.databrickscfg`).
        if v.starts_with("//") || !(quoted || v.starts_with([' ', '\t'])) {
            return None;
        }
        v
    } else {
        return None;
    };
    let value = trim_paste(value).trim_end_matches([',', ';']);
    Some((key.to_owned(), trim_paste(value)))
}

fn normalised_key(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `host`, `DATABRICKS_HOST`, `conn_host`, `server_hostname`, `Host` (ODBC), `workspace_url`.
fn is_host_key(key: &str) -> bool {
    let k = normalised_key(key);
    k.ends_with("host")
        || k.ends_with("hostname")
        || k.ends_with("hosturl")
        || k == "url"
        || k.ends_with("workspaceurl")
}

/// `httpPath` (JDBC), `HTTPPath` (ODBC), `http_path` (Airflow extra, Python connector).
fn is_http_path_key(key: &str) -> bool {
    normalised_key(key).ends_with("httppath")
}

fn http_path_in_json(map: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    for (k, v) in map {
        match v {
            serde_json::Value::String(s) if is_http_path_key(k) => return Some(s.clone()),
            // Airflow's JSON connection form nests it in `extra`, as an object or a string.
            serde_json::Value::Object(inner) if k == "extra" => {
                if let Some(p) = http_path_in_json(inner) {
                    return Some(p);
                }
            }
            serde_json::Value::String(s) if k == "extra" => {
                if let Ok(serde_json::Value::Object(inner)) =
                    serde_json::from_str::<serde_json::Value>(s)
                {
                    if let Some(p) = http_path_in_json(&inner) {
                        return Some(p);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// A warehouse's (`/sql/1.0/warehouses/<id>`, older `/sql/1.0/endpoints/<id>`) or a
/// cluster's (`/sql/protocolv1/o/<workspace-id>/<cluster-id>`) HTTP path, with its leading
/// slash; anything else is not one.
fn normalise_http_path(path: &str) -> Option<String> {
    let trimmed = path.trim().trim_matches('/');
    let parts: Vec<&str> = trimmed.split('/').collect();
    let id_ok = |s: &str| {
        !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let ok = match parts.as_slice() {
        ["sql", "1.0", "warehouses" | "endpoints", id] => id_ok(id),
        ["sql", "protocolv1", "o", org, cluster] => is_digits(org) && id_ok(cluster),
        _ => false,
    };
    ok.then(|| format!("/{trimmed}"))
}

/// `scheme://rest` when `text` starts with a syntactically valid scheme.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once("://")?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && scheme.len() <= 32;
    valid.then_some((scheme, rest))
}

/// The text between `https://` (and any user info) and the path, when it is far too long to
/// be a host name. Checked before `url` runs IDNA over it, which costs hundreds of
/// microseconds on a few kilobytes; 1024 bytes leaves room for %-escapes and non-ASCII
/// letters that shrink to a valid name.
fn oversized_host(url_text: &str) -> Option<String> {
    const MAX_HOST_TEXT: usize = 1024;
    let after_scheme = url_text
        .get("https:".len()..)?
        .trim_start_matches(['/', '\\']);
    let authority = up_to_path(after_scheme);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    (host.len() > MAX_HOST_TEXT).then(|| shorten(host, 40))
}

/// The text before the first `/`, `\`, `?` or `#`: where a URL's path would start.
fn up_to_path(text: &str) -> &str {
    let end = text
        .bytes()
        .position(|b| matches!(b, b'/' | b'\\' | b'?' | b'#'))
        .unwrap_or(text.len());
    text.get(..end).unwrap_or(text)
}

fn remove_escaped_scheme(rest: &str) -> String {
    let lower = rest.to_ascii_lowercase();
    for escaped in ["https%3a%2f%2f", "http%3a%2f%2f"] {
        if let Some(at) = lower.find(escaped) {
            let before = rest.get(..at).unwrap_or("");
            let after = rest.get(at + escaped.len()..).unwrap_or("");
            return format!("{before}{after}");
        }
    }
    rest.to_owned()
}

fn problem_for_parse_error(e: url::ParseError) -> HostProblem {
    match e {
        url::ParseError::EmptyHost => HostProblem::NoHost,
        url::ParseError::InvalidPort => HostProblem::BadPort,
        url::ParseError::IdnaError => HostProblem::InvalidDomainName,
        url::ParseError::InvalidDomainCharacter => HostProblem::Unparseable {
            reason: "the host name holds a space or a character such as | ^ < > that no \
                     host name may contain"
                .into(),
        },
        other => HostProblem::Unparseable {
            reason: other.to_string(),
        },
    }
}

/// Letters, digits and hyphens, in labels of 1 to 63 characters that do not start or end
/// with a hyphen (RFC 1123); `url` lets through more (`_`, `*`, `!`...) than DNS and TLS
/// certificates accept.
fn check_ldh(hostname: &str) -> Result<(), String> {
    if hostname.len() > 253 {
        return Err("it is longer than the 253 characters DNS allows".into());
    }
    for label in hostname.split('.') {
        if label.is_empty() {
            return Err("it has an empty part between two dots".into());
        }
        if label.len() > 63 {
            return Err("one part is longer than the 63 characters DNS allows".into());
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(format!("it contains '{}'", c.escape_default()));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a part starts or ends with '-'".into());
        }
    }
    Ok(())
}

/// Azure Databricks' regional control-plane names: `<azure-region>-c<n>`.
fn is_azure_control_plane(zone: Zone, label: &str) -> bool {
    if zone.cloud != Cloud::Azure {
        return false;
    }
    match label.rsplit_once("-c") {
        Some((region, n)) => is_digits(n) && AZURE_REGIONS.contains(&region),
        None => false,
    }
}

fn is_legacy_region(zone: Zone, label: &str) -> bool {
    match zone.cloud {
        Cloud::Azure => AZURE_REGIONS.contains(&label),
        Cloud::Aws => AWS_REGIONAL_NAMES.contains(&label),
        Cloud::Gcp => is_gcp_region(label),
    }
}

/// Azure region names (`<region>.azuredatabricks.net`, `<region>.databricks.azure.cn`: the
/// regional URLs replaced by per-workspace URLs in April 2020).
const AZURE_REGIONS: &[&str] = &[
    "australiacentral",
    "australiacentral2",
    "australiaeast",
    "australiasoutheast",
    "brazilsouth",
    "brazilsoutheast",
    "canadacentral",
    "canadaeast",
    "centralindia",
    "centralus",
    "chinaeast",
    "chinaeast2",
    "chinaeast3",
    "chinanorth",
    "chinanorth2",
    "chinanorth3",
    "eastasia",
    "eastus",
    "eastus2",
    "francecentral",
    "francesouth",
    "germanynorth",
    "germanywestcentral",
    "israelcentral",
    "italynorth",
    "japaneast",
    "japanwest",
    "jioindiawest",
    "koreacentral",
    "koreasouth",
    "mexicocentral",
    "newzealandnorth",
    "northcentralus",
    "northeurope",
    "norwayeast",
    "norwaywest",
    "polandcentral",
    "qatarcentral",
    "southafricanorth",
    "southafricawest",
    "southcentralus",
    "southeastasia",
    "southindia",
    "spaincentral",
    "swedencentral",
    "switzerlandnorth",
    "switzerlandwest",
    "uaecentral",
    "uaenorth",
    "uksouth",
    "ukwest",
    "usgovarizona",
    "usgovtexas",
    "usgovvirginia",
    "westcentralus",
    "westeurope",
    "westindia",
    "westus",
    "westus2",
    "westus3",
];

/// The regional web-application names of Databricks on AWS (`oregon.cloud.databricks.com`,
/// `tokyo.cloud.databricks.com`...), from Databricks' "IP addresses and domains" page.
const AWS_REGIONAL_NAMES: &[&str] = &[
    "canada",
    "frankfurt",
    "ireland",
    "london",
    "mumbai",
    "ncalifornia",
    "nvirginia",
    "ohio",
    "oregon",
    "paris",
    "saopaulo",
    "seoul",
    "singapore",
    "sydney",
    "tokyo",
];

/// Google Cloud region names such as `us-east4`, `europe-west2`, `asia-southeast1`.
fn is_gcp_region(label: &str) -> bool {
    const AREAS: &[&str] = &[
        "africa",
        "asia",
        "australia",
        "europe",
        "me",
        "northamerica",
        "southamerica",
        "us",
    ];
    let Some((area, place)) = label.split_once('-') else {
        return false;
    };
    let letters = place.trim_end_matches(|c: char| c.is_ascii_digit());
    AREAS.contains(&area)
        && !letters.is_empty()
        && letters.len() < place.len()
        && letters.chars().all(|c| c.is_ascii_lowercase())
}

/// Well-known sites people copy by mistake.
fn known_site(hostname: &str) -> Option<&'static str> {
    match hostname {
        "databricks.com" | "www.databricks.com" => Some("the Databricks website"),
        "docs.databricks.com" => Some("the Databricks documentation"),
        "community.databricks.com" => Some("the Databricks community forum"),
        "portal.azure.com" => Some("the Azure portal"),
        "learn.microsoft.com" => Some("Microsoft's documentation"),
        "console.cloud.google.com" => Some("the Google Cloud console"),
        "console.aws.amazon.com" => Some("the AWS console"),
        _ => None,
    }
}

/// A host that misses a public Databricks zone by a typo or a wrong top-level domain:
/// `x.azuredatabricks.com`, `x.cloud.databrick.com`, `x.gcp.databricks.net`. Returns the
/// corrected URL. The internal dev and staging zones are left out: nobody means them.
fn near_miss(hostname: &str) -> Option<String> {
    let labels: Vec<&str> = hostname.split('.').collect();
    let mut best: Option<(usize, String)> = None;
    for zone in ZONES
        .iter()
        .filter(|z| !matches!(z.environment, Environment::Dev | Environment::Staging))
    {
        let apex = zone.apex();
        let zone_labels: Vec<&str> = apex.split('.').collect();
        let n = zone_labels.len();
        for k in [n.saturating_sub(1), n, n + 1] {
            if k == 0 || k > labels.len() {
                continue;
            }
            let split = labels.len() - k;
            let (front, tail) = labels.split_at(split);
            let tail_text = tail.join(".");
            if tail_text == apex {
                continue;
            }
            let distance = if k == n
                && tail.split_last().map(|(_, t)| t) == zone_labels.split_last().map(|(_, t)| t)
            {
                // Everything but the top-level domain matches: `azuredatabricks.com`.
                1
            } else if tail_text.len().abs_diff(apex.len()) > 2 {
                continue;
            } else {
                match edit_distance(tail_text.as_bytes(), apex.as_bytes()) {
                    Some(d) => d,
                    None => continue,
                }
            };
            if distance <= 2 && best.as_ref().is_none_or(|(d, _)| distance < *d) {
                let name = if front.is_empty() {
                    "<workspace>".to_string()
                } else {
                    front.join(".")
                };
                best = Some((distance, format!("https://{name}.{apex}")));
            }
        }
    }
    best.map(|(_, s)| s)
}

/// Optimal string alignment distance (edits and adjacent swaps) between short ASCII names,
/// or `None` when either is longer than 40 bytes. The table lives on the stack: this runs
/// for several zones on every keystroke of a near miss.
// Indexing is allowed here: the lengths are checked against MAX first (see below).
#[allow(clippy::indexing_slicing)]
fn edit_distance(a: &[u8], b: &[u8]) -> Option<usize> {
    const MAX: usize = 40;
    if a.len() > MAX || b.len() > MAX {
        return None;
    }
    // Lengths are at most MAX, so every index below is in bounds and every value fits u8.
    let mut d = [[0u8; MAX + 1]; MAX + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i as u8;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j as u8;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    Some(usize::from(d[a.len()][b.len()]))
}

/// Credentials pasted where the URL belongs, with their values held as [`Secret`].
/// Shapes only (see shared/facts/databricks.md §2); a shared classifier will replace this
/// once credential analysis lands.
fn credentials_in(text: &str) -> Vec<(CredentialShape, Secret)> {
    let mut found = Vec::new();
    // `dapi[a-f0-9]{32}(-\d)?` anywhere, as gitleaks matches it: a token glued to other
    // text is still a token.
    for (at, _) in text.match_indices("dapi") {
        let Some(rest) = text.get(at + 4..) else {
            continue;
        };
        let hex = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
        if hex < 32 {
            continue;
        }
        let mut end = at + 4 + 32;
        if let [b'-', d, ..] = rest.as_bytes().get(32..).unwrap_or(&[]) {
            if d.is_ascii_digit() {
                end += 2;
            }
        }
        if let Some(value) = text.get(at..end) {
            found.push((CredentialShape::PersonalAccessToken, Secret::new(value)));
        }
    }
    // Split on bytes, not chars: every credential is ASCII, and a slice of ASCII bytes is
    // always valid UTF-8. (Decoding chars made this the slowest step on long pastes.)
    let is_word_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
    let words = text
        .as_bytes()
        .split(|b| !is_word_byte(b))
        .filter(|w| w.len() >= 32)
        .filter_map(|w| std::str::from_utf8(w).ok());
    for word in words {
        if let Some(jwt) = word.find("eyJ").and_then(|at| word.get(at..)) {
            if is_jwt(jwt) {
                found.push((CredentialShape::Jwt, Secret::new(jwt)));
                continue;
            }
        }
        for piece in word.split(['.', '-', '_']) {
            if let Some(shape) = credential_shape(piece) {
                found.push((shape, Secret::new(piece)));
            }
        }
    }
    found
}

fn credential_shape(piece: &str) -> Option<CredentialShape> {
    for (prefix, shape) in [
        ("dsapi", CredentialShape::ScopedToken),
        ("dose", CredentialShape::OAuthSecret),
        ("doau", CredentialShape::RefreshToken),
        ("dkea", CredentialShape::OtherDatabricksSecret),
    ] {
        if let Some(rest) = piece.strip_prefix(prefix) {
            if rest.len() == 32 && rest.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Some(shape);
            }
        }
    }
    (piece.len() == 64 && piece.chars().all(|c| c.is_ascii_hexdigit()))
        .then_some(CredentialShape::TokenId)
}

/// `header.payload.signature` where header and payload are base64url JSON objects, which
/// always start `eyJ` (`{"`).
fn is_jwt(word: &str) -> bool {
    let parts: Vec<&str> = word.split('.').collect();
    let b64 = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    match parts.as_slice() {
        [header, payload, signature] => {
            header.starts_with("eyJ")
                && payload.starts_with("eyJ")
                && b64(header)
                && b64(payload)
                && b64(signature)
        }
        _ => false,
    }
}

/// Credentials shorter than this (a short URL password) are too likely to occur in the
/// host name by chance to be searched for; they never reach a message anyway.
const SEARCHED_SECRET_LEN: usize = 8;

/// True when `text` contains the credential, in any ASCII case (`url` lower-cases hosts).
fn is_in(secret: &Secret, text: &str) -> bool {
    secret.char_len() >= SEARCHED_SECRET_LEN
        && text
            .to_ascii_lowercase()
            .contains(&secret.expose().to_ascii_lowercase())
}

fn redact(text: &str, secrets: &[Secret]) -> String {
    let mut out = text.to_owned();
    for secret in secrets
        .iter()
        .filter(|s| s.char_len() >= SEARCHED_SECRET_LEN)
    {
        let value = secret.expose();
        out = out.replace(value, "[hidden]");
        out = out.replace(&value.to_ascii_lowercase(), "[hidden]");
    }
    out
}

/// Whitespace, invisible characters (zero-width space, byte-order mark, direction marks)
/// and control characters that come along with copy and paste.
fn trim_paste(s: &str) -> &str {
    s.trim_matches(|c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '\u{200B}'
                    | '\u{200C}'
                    | '\u{200D}'
                    | '\u{2060}'
                    | '\u{FEFF}'
                    | '\u{200E}'
                    | '\u{200F}'
            )
    })
}

/// Quotes, angle brackets and parentheses around a URL (`"https://..."`, `<https://...>`),
/// and a trailing comma or semicolon from code.
fn strip_wrappings(text: &str, removed: &mut Vec<String>) -> String {
    const PAIRS: [(char, char, &str); 8] = [
        ('"', '"', "quotes"),
        ('\'', '\'', "quotes"),
        ('`', '`', "backticks"),
        ('\u{201C}', '\u{201D}', "quotes"),
        ('\u{2018}', '\u{2019}', "quotes"),
        ('\u{AB}', '\u{BB}', "quotes"),
        ('<', '>', "angle brackets"),
        ('(', ')', "parentheses"),
    ];
    const QUOTES: [char; 7] = [
        '"', '\'', '`', '\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}',
    ];
    let mut s = trim_paste(text);
    // Bounded: each round removes at least one character or stops.
    for _ in 0..8 {
        let before = s.len();
        s = trim_paste(s.trim_end_matches([',', ';']));
        for (open, close, name) in PAIRS {
            if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
                s = trim_paste(inner);
                if !removed.iter().any(|r| r == name) {
                    removed.push(name.to_owned());
                }
            }
        }
        // A lone quote at one end (half a selection).
        if let Some(inner) = s.strip_prefix(QUOTES).or_else(|| s.strip_suffix(QUOTES)) {
            s = trim_paste(inner);
            if !removed.iter().any(|r| r == "quotes") {
                removed.push("quotes".to_owned());
            }
        }
        if s.len() == before {
            break;
        }
    }
    s.to_owned()
}

/// `<workspace-url>`, `{{ var.value.host }}`, `${DATABRICKS_HOST}`: template text where the
/// host should be. Only the part before the first `/`, `?` or `#` after the scheme is
/// looked at, so braces in a pasted query do not count.
fn looks_like_placeholder(text: &str) -> bool {
    let after_scheme = text.split_once("://").map_or(text, |(_, rest)| rest);
    let authority = up_to_path(after_scheme);
    authority
        .bytes()
        .any(|b| matches!(b, b'<' | b'>' | b'{' | b'}'))
}

/// Full-width forms (U+FF01..U+FF5E) and ideographic full stops, as an East Asian input
/// method types them, folded to the ASCII that IDNA's mapping gives them. Hand-written
/// because it is the one part of IDNA's tables that real pastes need.
fn fold_full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3002}' | '\u{FF61}' => '.',
            _ => c,
        })
        .collect()
}

fn non_ascii_chars(text: &str, at_most: usize) -> Vec<char> {
    let mut chars: Vec<char> = Vec::new();
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if !chars.contains(&c) {
            chars.push(c);
        }
        if chars.len() >= at_most {
            break;
        }
    }
    chars
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// At most `max` characters of user text, for messages.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

fn join_words(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOSTS_TSV: &str = include_str!("../tests/data/hosts.tsv");
    const INPUTS_TSV: &str = include_str!("../tests/data/host_inputs.tsv");

    #[test]
    fn the_summary_line_says_what_was_read() {
        let a =
            analyse_host("https://adb-1234567890123456.7.azuredatabricks.net/?o=1234567890123456");
        assert_eq!(
            a.summary().as_deref(),
            Some("Airflow Host: https://adb-1234567890123456.7.azuredatabricks.net · Azure · workspace id 1234567890123456")
        );
        assert_eq!(analyse_host("not a url at all").summary(), None);
    }

    /// Data rows of a TSV file: comments and the header line skipped.
    fn rows(tsv: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
        tsv.lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#'))
            .skip(1)
            .map(|(n, l)| (n + 1, l.split('\t').collect()))
    }

    /// Undoes the escapes of host_inputs.tsv: `\t \n \r \\ \u{hex}`.
    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('\\') => out.push('\\'),
                Some('u') => {
                    let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                    let code = u32::from_str_radix(&hex, 16).expect("hex escape");
                    out.push(char::from_u32(code).expect("valid char"));
                }
                other => panic!("bad escape \\{other:?}"),
            }
        }
        out
    }

    fn opt(s: &str) -> Option<&str> {
        (s != "-").then_some(s)
    }

    fn severities(a: &HostAnalysis) -> Vec<String> {
        let mut v: Vec<String> = a
            .findings
            .iter()
            .map(|f| format!("{}:{}", f.code, f.severity.as_str()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn every_row_of_the_shared_hosts_table_gets_its_cloud_and_workspace_answer() {
        let mut checked = 0;
        for (line, cols) in rows(HOSTS_TSV) {
            let [hostname, cloud, workspace] = cols[..] else {
                panic!("line {line}: expected 3 columns");
            };
            let a = analyse_host(hostname);
            let expected_cloud = match cloud {
                "AWS" => Some(Cloud::Aws),
                "AZURE" => Some(Cloud::Azure),
                "GCP" => Some(Cloud::Gcp),
                "UNKNOWN" => None,
                other => panic!("line {line}: cloud {other}"),
            };
            assert_eq!(a.cloud, expected_cloud, "line {line}: {hostname}: {a:#?}");
            assert_eq!(a.hostname.as_deref(), Some(hostname), "line {line}");
            // The table lists bare host names; only the missing scheme is noted.
            let workspace_kinds: &[HostKind] = match workspace {
                "yes" => &[
                    HostKind::Workspace,
                    HostKind::LegacyRegional,
                    HostKind::CommunityEdition,
                    HostKind::UnknownDomain,
                ],
                "unified" => &[HostKind::Workspace, HostKind::UnknownDomain],
                "no" => &[HostKind::AccountConsole, HostKind::PrivateLinkHelper],
                other => panic!("line {line}: workspace {other}"),
            };
            assert!(
                workspace_kinds.contains(&a.kind),
                "line {line}: {hostname} is {:?}",
                a.kind
            );
            if workspace == "no" {
                assert!(!a.is_usable(), "line {line}: {hostname} must be refused");
                assert_eq!(a.host, None, "line {line}");
            } else {
                assert!(a.is_usable(), "line {line}: {hostname}: {:#?}", a.findings);
                assert_eq!(a.host, Some(format!("https://{hostname}")), "line {line}");
            }
            assert_eq!(
                a.in_known_zone(),
                expected_cloud.is_some(),
                "line {line}: {hostname}"
            );
            checked += 1;
        }
        assert_eq!(checked, 52, "every row of hosts.tsv is checked");
    }

    #[test]
    fn every_pasted_shape_in_the_inputs_table_gives_its_host_cloud_id_kind_and_findings() {
        let mut checked = 0;
        let mut failures = Vec::new();
        for (line, cols) in rows(INPUTS_TSV) {
            let [input, host, cloud, env, id, kind, http_path, findings] = cols[..] else {
                panic!("line {line}: expected 8 columns, got {}", cols.len());
            };
            let input = unescape(input);
            let a = analyse_host(&input);
            let json = serde_json::to_value(&a).expect("serialises");
            let mut expected: Vec<String> = findings.split_whitespace().map(String::from).collect();
            expected.sort();
            let got = (
                a.host.as_deref(),
                json["cloud"].as_str(),
                json["environment"].as_str(),
                a.workspace_id.as_deref(),
                json["kind"].as_str(),
                a.http_path.as_deref(),
                severities(&a),
            );
            let want = (
                opt(host),
                opt(cloud),
                opt(env),
                opt(id),
                Some(kind),
                opt(http_path),
                expected,
            );
            if got != want {
                failures.push(format!(
                    "line {line}: {input:?}\n  got  {got:?}\n  want {want:?}"
                ));
            }
            assert_eq!(a.is_usable(), a.host.is_some(), "line {line}");
            checked += 1;
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(checked >= 80, "only {checked} own inputs");
    }

    #[test]
    fn zones_follow_the_sdk_order_and_need_a_whole_label_in_front() {
        let z = |h: &str| databricks_zone(h).map(|z| (z.cloud, z.environment));
        assert_eq!(
            z("x.staging.cloud.databricks.com"),
            Some((Cloud::Aws, Environment::Staging))
        );
        assert_eq!(
            z("x.cloud.databricks.com"),
            Some((Cloud::Aws, Environment::Public))
        );
        assert_eq!(
            z("X.Cloud.Databricks.COM."),
            Some((Cloud::Aws, Environment::Public))
        );
        assert_eq!(
            z("a.dev.gcp.databricks.com"),
            Some((Cloud::Gcp, Environment::Dev))
        );
        assert_eq!(
            z("a.databricks.azure.us"),
            Some((Cloud::Azure, Environment::UsGovernment))
        );
        for outside in [
            "cloud.databricks.com",
            ".cloud.databricks.com",
            "a..cloud.databricks.com",
            "evilcloud.databricks.com.attacker.io",
            "xcloud.databricks.com",
            "a b.cloud.databricks.com",
            "а.cloud.databricks.com",
            "",
            ".",
        ] {
            assert_eq!(databricks_zone(outside), None, "{outside:?}");
        }
    }

    #[test]
    fn near_misses_name_the_zone_meant() {
        assert_eq!(
            near_miss("adb-1.2.azuredatabricks.com").as_deref(),
            Some("https://adb-1.2.azuredatabricks.net")
        );
        assert_eq!(
            near_miss("x.cloud.databrick.com").as_deref(),
            Some("https://x.cloud.databricks.com")
        );
        assert_eq!(
            near_miss("1.2.gcp.databricks.net").as_deref(),
            Some("https://1.2.gcp.databricks.com")
        );
        assert_eq!(
            near_miss("cloud.databrick.com").as_deref(),
            Some("https://<workspace>.cloud.databricks.com")
        );
        for far in [
            "example.com",
            "test.databricks.com",
            "databricks.mycompany.com",
            "x.aws.databricks.com",
        ] {
            assert_eq!(near_miss(far), None, "{far}");
        }
        assert_eq!(edit_distance(b"databricks", b"databrikcs"), Some(1));
        assert_eq!(edit_distance(b"", b"abc"), Some(3));
        assert_eq!(edit_distance(b"kitten", b"sitting"), Some(3));
        assert_eq!(edit_distance(&[b'a'; 41], b"a"), None);
    }

    #[test]
    fn credential_shapes_are_told_apart_and_near_shapes_are_not_credentials() {
        let shape = |s: &str| credentials_in(s).first().map(|(shape, _)| *shape);
        assert_eq!(
            shape("dapi0123456789abcdef0123456789abcdef"),
            Some(CredentialShape::PersonalAccessToken)
        );
        assert_eq!(
            shape("x dapi0123456789abcdef0123456789abcdef-3 y"),
            Some(CredentialShape::PersonalAccessToken)
        );
        assert_eq!(
            shape("doau0123456789abcdef0123456789abcdef"),
            Some(CredentialShape::RefreshToken)
        );
        assert_eq!(
            shape("dkea0123456789abcdef0123456789abcdef"),
            Some(CredentialShape::OtherDatabricksSecret)
        );
        // Too short, not hex, or a dot-separated triple that is not base64url JSON.
        assert_eq!(shape("dapi0123456789abcdef0123456789abcde"), None);
        assert_eq!(shape("dapi0123456789abcdef0123456789abcdeg"), None);
        assert_eq!(
            credentials_in("xdapi0123456789abcdef0123456789abcdef-12")[0]
                .1
                .char_len(),
            38,
            "glued on both sides, the token is the gitleaks match"
        );
        assert_eq!(
            shape("aaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbb.cccccccccccccccc"),
            None
        );
        assert_eq!(shape("adb-5555555555555555.19.azuredatabricks.net"), None);
    }

    #[test]
    fn a_credential_never_shows_in_messages_fields_or_debug_output() {
        let token = "dapi0123456789abcdef0123456789abcdef";
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlc2lnbmF0dXJl";
        for input in [
            token.to_string(),
            format!("https://{token}.cloud.databricks.com/{token}?x={token}#{token}"),
            format!("https://{token}/sql/1.0/warehouses/{token}"),
            format!("ftp://x:{token}@adb-1.2.azuredatabricks.net"),
            format!("{token}://x.cloud.databricks.com"),
            format!("https://x.cloud.databricks.com/{jwt}"),
            format!("https://{jwt}"),
            format!("jdbc:databricks://{token}:443/default;httpPath={token}"),
            format!("{{\"host\": \"{token}\"}}"),
        ] {
            let a = analyse_host(&input);
            assert!(!a.is_usable(), "{input}");
            assert!(a.findings.iter().any(|f| f.code == "secret_in_url_field"));
            let everything = format!("{a:?} {}", serde_json::to_string(&a).expect("serialises"))
                .to_ascii_lowercase();
            for secret in [token, jwt] {
                assert!(
                    !everything.contains(&secret.to_ascii_lowercase()),
                    "{input} leaks in {everything}"
                );
            }
        }
    }

    #[test]
    fn the_json_shape_is_the_command_contract() {
        let a =
            analyse_host("https://adb-1234567890123456.7.azuredatabricks.net/?o=1234567890123456");
        let json = serde_json::to_value(&a).expect("serialises");
        let keys: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "host",
            "hostname",
            "cloud",
            "environment",
            "workspace_id",
            "kind",
            "http_path",
            "findings",
        ] {
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
        assert_eq!(json["kind"], "workspace");
        assert_eq!(json["findings"][0]["severity"], "info");
        assert_eq!(json["findings"][0]["code"], "path_dropped");
        assert!(json["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("?o=1234567890123456")));
    }

    #[test]
    fn every_message_names_a_cause_and_a_fix_and_findings_put_errors_first() {
        let a = analyse_host("http://accounts.cloud.databricks.com:8080/login?x=1");
        let order: Vec<Severity> = a.findings.iter().map(|f| f.severity).collect();
        let mut sorted = order.clone();
        sorted.sort_by(|x, y| y.cmp(x));
        assert_eq!(order, sorted);
        assert_eq!(a.worst(), Some(Severity::Error));
        for (line, cols) in rows(INPUTS_TSV) {
            for f in analyse_host(&unescape(cols[0])).findings {
                assert!(
                    f.message.len() > 15 && f.fix.len() > 15,
                    "line {line}: {f:?}"
                );
                assert!(
                    f.message.ends_with(['.', '?']) || f.message.ends_with("..."),
                    "line {line}: {f:?}"
                );
            }
        }
    }

    #[test]
    fn huge_input_is_refused_without_reading_it() {
        let a = analyse_host(&"a".repeat(MAX_INPUT_BYTES + 1));
        assert_eq!(a.kind, HostKind::Invalid);
        assert_eq!(a.findings[0].code, "too_long");
    }

    /// Codes that describe how the input was written, not the host: feeding back a returned
    /// host must never produce them.
    const ABOUT_THE_TYPING: &[&str] = &[
        "scheme_missing",
        "scheme_slashes_missing",
        "scheme_repeated",
        "http_scheme",
        "unexpected_scheme",
        "port_dropped",
        "user_name_dropped",
        "path_dropped",
        "trailing_slash_dropped",
        "wrapping_removed",
        "other_lines_ignored",
        "host_read_from",
        "host_text_mapped",
        "http_path_found",
        "workspace_id_mismatch",
    ];

    fn check_returned_host(input: &str) -> Result<(), TestCaseError> {
        let first = analyse_host(input);
        let Some(host) = first.host.clone() else {
            prop_assert!(!first.is_usable() || first.kind == HostKind::Invalid);
            return Ok(());
        };
        prop_assert!(first.is_usable());
        let name = host.strip_prefix("https://").unwrap_or("");
        prop_assert!(!name.is_empty(), "{host}");
        prop_assert!(!name.contains(['/', '?', '#', ':', '@', ' ']), "{host}");
        prop_assert!(!name.ends_with('.') && !name.ends_with('/'), "{host}");
        prop_assert!(!host.bytes().any(|b| b.is_ascii_uppercase()), "{host}");
        prop_assert!(host.is_ascii(), "{host}");
        prop_assert_eq!(first.hostname.as_deref(), Some(name));

        let again = analyse_host(&host);
        prop_assert_eq!(again.host.as_deref(), Some(host.as_str()), "{:?}", again);
        prop_assert_eq!(again.kind, first.kind);
        prop_assert_eq!(again.cloud, first.cloud);
        prop_assert_eq!(again.environment, first.environment);
        prop_assert!(again.workspace_id.is_none() || again.workspace_id == first.workspace_id);
        for f in &again.findings {
            prop_assert!(f.severity != Severity::Error, "{:?}", f);
            prop_assert!(
                !ABOUT_THE_TYPING.contains(&f.code),
                "{} fed back gave {:?}",
                host,
                f
            );
            // Any warning left is about the host itself and was already there the first time.
            prop_assert!(
                first
                    .findings
                    .iter()
                    .any(|g| g.code == f.code && g.severity == f.severity),
                "{} fed back gave new {:?}",
                host,
                f
            );
        }
        Ok(())
    }

    /// Host names built from the parts real ones are made of, plus noise.
    fn host_name() -> impl Strategy<Value = String> {
        let zone = prop::sample::select(
            ZONES
                .iter()
                .map(|z| z.suffix.to_string())
                .chain(
                    [
                        ".databricks.com",
                        ".azuredatabricks.com",
                        ".cloud.databrick.com",
                        ".example.org",
                        ".privatelink.cloud.databricks.com",
                        "",
                    ]
                    .map(String::from),
                )
                .collect::<Vec<_>>(),
        );
        let first = prop_oneof![
            "adb-[0-9]{1,16}\\.[0-9]{1,2}",
            "dbc-[a-f0-9]{8}-[a-f0-9]{4}",
            "[0-9]{1,16}\\.[0-9]",
            "(accounts|accounts-dod|community|westus|oregon|us-east4|tunnel|westeurope-c2|localhost)",
            "[A-Za-z0-9-]{1,20}",
            "\\PC{1,8}",
        ];
        (first, zone).prop_map(|(f, z)| format!("{f}{z}"))
    }

    fn pasted_url() -> impl Strategy<Value = String> {
        let scheme = prop_oneof![
            Just(String::new()),
            Just("https://".to_string()),
            Just("HTTP://".to_string()),
            Just("//".to_string()),
            Just("https:".to_string()),
            Just("databricks://@".to_string()),
            Just("jdbc:databricks://".to_string()),
            "[a-z]{1,6}://",
        ];
        let user = prop_oneof![
            Just(String::new()),
            "[a-z]{1,5}@",
            "[a-z]{0,5}:[a-z0-9]{1,12}@"
        ];
        let port = prop_oneof![Just(String::new()), Just(":443".to_string()), ":[0-9]{1,6}"];
        let rest = prop_oneof![
            Just(String::new()),
            Just("/".to_string()),
            "/\\?o=[0-9]{1,16}(#notebook/[0-9]{1,5})?",
            "/(browse|login\\.html|api/2\\.0/clusters/list|sql/1\\.0/warehouses/[a-f0-9]{16})/?",
            "[/?#;][ -~]{0,30}",
            "\\PC{0,10}",
        ];
        let wrap = prop_oneof![
            Just(("", "")),
            Just(("  ", "\n")),
            Just(("\"", "\"")),
            Just(("<", ">")),
            Just(("DATABRICKS_HOST=", "")),
            Just(("host = ", "")),
            Just(("{\"host\": \"", "\"}")),
        ];
        let url = (wrap, scheme, user, host_name(), port, rest)
            .prop_map(|((open, close), s, u, h, p, r)| format!("{open}{s}{u}{h}{p}{r}{close}"));
        crate::unicode_spots::sometimes_non_ascii(url)
    }

    fn any_input() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => pasted_url(),
            2 => any::<String>(),
            1 => "[ -~]{0,80}",
            1 => prop::collection::vec(any::<char>(), 0..300).prop_map(|v| v.into_iter().collect()),
        ]
    }

    proptest! {
        // The issue asks for at least 100,000 generated inputs: about 5 s in a debug build on
        // the project's 2-core machine, with proptest itself optimised (workspace Cargo.toml).
        #![proptest_config(ProptestConfig { cases: 100_000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn any_input_is_analysed_without_panic_and_a_returned_host_is_a_fixed_point(input in any_input()) {
            check_returned_host(&input)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 5_000, failure_persistence: None, ..ProptestConfig::default() })]

        /// `url` has no IDNA tables here: a non-ASCII character in a host is either folded
        /// to ASCII (full-width forms, ideographic dots) and said so, or refused.
        #[test]
        fn a_non_ascii_character_in_a_host_is_folded_and_said_or_refused(
            label in "[a-zA-Z0-9-]{0,10}",
            odd in prop::sample::select(vec![
                '\u{430}', '\u{FF45}', '\u{FF21}', '\u{3002}', '\u{FF0E}', '\u{FF61}', '\u{E9}',
                '\u{DF}', '\u{200B}', '\u{131}', '\u{FF5E}', '\u{FF01}', '\u{2024}',
            ]),
            at in 0usize..11,
            zone in prop::sample::select(vec![".cloud.databricks.com", ".azuredatabricks.net", ".example.org"]),
        ) {
            let mut host: Vec<char> = label.chars().collect();
            host.insert(at.min(host.len()), odd);
            let input = format!("https://{}{zone}/?o=1", host.into_iter().collect::<String>());
            let a = analyse_host(&input);
            match &a.host {
                Some(h) => {
                    prop_assert!(h.is_ascii(), "{} gave {}", input, h);
                    prop_assert!(a.findings.iter().any(|f| f.code == "host_text_mapped"), "{}: {:?}", input, a.findings);
                }
                None => prop_assert!(a.worst() == Some(Severity::Error), "{}: {:?}", input, a.findings),
            }
        }
    }

    /// The fixed-point property above means little unless the generator often yields a
    /// usable host, and hosts with warnings too: check a sample.
    #[test]
    fn the_url_generator_reaches_usable_hosts_and_warnings() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        let mut runner = TestRunner::deterministic();
        let (mut usable, mut warned) = (0, 0);
        for _ in 0..2_000 {
            let input = pasted_url().new_tree(&mut runner).expect("value").current();
            let a = analyse_host(&input);
            if a.host.is_some() {
                usable += 1;
                if a.worst() == Some(Severity::Warning) {
                    warned += 1;
                }
            }
        }
        assert!(
            usable > 300,
            "only {usable} of 2000 generated pastes were usable"
        );
        assert!(warned > 50, "only {warned} usable pastes carried a warning");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn an_embedded_token_never_leaks(
            before in "[ -~]{0,30}",
            after in "[ -~]{0,30}",
            hex in "[0-9a-f]{32}",
        ) {
            let token = format!("dapi{hex}");
            let a = analyse_host(&format!("{before}{token}{after}"));
            let everything = format!("{a:?}").to_ascii_lowercase();
            prop_assert!(!a.is_usable());
            prop_assert!(!everything.contains(&token), "{}", everything);
        }
    }
}
