//! The Databricks DNS zones, the one list of them, and what a host name in (or near) one of
//! them is.

use super::{is_digits, Analysis, HostKind, HostProblem, WorkspaceIdSource};
use crate::vocabulary::Cloud;
use serde::Serialize;

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
        crate::finding::variant_name(&self)
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

impl Environment {
    /// The environment's word in [`zone_list_words`].
    fn zone_word(self) -> &'static str {
        match self {
            Environment::Public => "public",
            Environment::UsGovernment => "government",
            Environment::China => "China",
            Environment::Dev => "dev",
            Environment::Staging => "staging",
        }
    }
}

/// The zones in words, for messages: the public ones by name, the others by environment
/// (".cloud.databricks.com, .azuredatabricks.net, .gcp.databricks.com and the government,
/// China, dev and staging zones").
pub fn zone_list_words() -> String {
    let public: Vec<&str> = ZONES
        .iter()
        .filter(|z| z.environment == Environment::Public)
        .map(|z| z.suffix)
        .collect();
    let others: Vec<&str> = [
        Environment::UsGovernment,
        Environment::China,
        Environment::Dev,
        Environment::Staging,
    ]
    .into_iter()
    .filter(|e| ZONES.iter().any(|z| z.environment == *e))
    .map(Environment::zone_word)
    .collect();
    let others = match others.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, init)) => format!("{} and {last}", init.join(", ")),
        None => return public.join(", "),
    };
    format!("{} and the {others} zones", public.join(", "))
}

/// The public zones' own names, for messages: "cloud.databricks.com, azuredatabricks.net,
/// gcp.databricks.com".
pub(super) fn public_apexes() -> String {
    let apexes: Vec<&str> = ZONES
        .iter()
        .filter(|z| z.environment == Environment::Public)
        .map(Zone::apex)
        .collect();
    apexes.join(", ")
}

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

impl Analysis {
    pub(super) fn classify(&mut self, hostname: &str) {
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
            self.problems.push(HostProblem::WorkspaceNameMissing {
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
}

/// Azure Databricks' regional control-plane names: `<azure-region>-c<n>`.
pub(super) fn is_azure_control_plane(zone: Zone, label: &str) -> bool {
    if zone.cloud != Cloud::Azure {
        return false;
    }
    match label.rsplit_once("-c") {
        Some((region, n)) => is_digits(n) && AZURE_REGIONS.contains(&region),
        None => false,
    }
}

pub(super) fn is_legacy_region(zone: Zone, label: &str) -> bool {
    match zone.cloud {
        Cloud::Azure => AZURE_REGIONS.contains(&label),
        Cloud::Aws => AWS_REGIONAL_NAMES.contains(&label),
        Cloud::Gcp => is_gcp_region(label),
    }
}

/// Azure region names (`<region>.azuredatabricks.net`, `<region>.databricks.azure.cn`: the
/// regional URLs replaced by per-workspace URLs in April 2020).
pub(super) const AZURE_REGIONS: &[&str] = &[
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
pub(super) const AWS_REGIONAL_NAMES: &[&str] = &[
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
pub(super) fn is_gcp_region(label: &str) -> bool {
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
pub(super) fn known_site(hostname: &str) -> Option<&'static str> {
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
pub(super) fn near_miss(hostname: &str) -> Option<String> {
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
pub(super) fn edit_distance(a: &[u8], b: &[u8]) -> Option<usize> {
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
