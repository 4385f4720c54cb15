//! Every problem (or note) about a pasted workspace URL, with its code, severity, message
//! and fix.

use super::{join_words, shorten};
use crate::finding::{Diagnostic, Severity};
use crate::secret::SecretShape;
use crate::vocabulary::Cloud;
use std::fmt;

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

pub(super) const COPY_FROM_BROWSER: &str = "Open your workspace in the browser and copy the address bar; \
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
                shape: SecretShape::TokenId64Hex,
            } => "The URL field holds a 64-character hexadecimal value: this looks like a \
                  token's ID from the token list, which is neither a URL nor a token."
                .into(),
            HostProblem::SecretInUrlField { shape } => format!(
                "The URL field holds what looks like {}. A credential does not belong here: \
                 it would end up in places that are not secret.",
                describe(*shape)
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
                SecretShape::TokenId64Hex => "Paste the workspace URL here. A token ID is not the \
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
