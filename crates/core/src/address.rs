//! What the page reads from its own address: display options and the non-secret fields a
//! documentation page may prefill. A secret is never read from the address (addresses end
//! up in history, logs and Referer headers), even when one is put there.

use crate::vocabulary::AuthMethod;
use serde::Serialize;

/// `?theme=` on the address; absent means the system's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        crate::finding::variant_name(&self)
    }

    /// Reads the theme names the page and common documentation themes use: Docusaurus
    /// `data-theme` (`light`/`dark`) and MkDocs Material `data-md-color-scheme`
    /// (`default`/`slate`).
    pub fn parse(name: &str) -> Option<Theme> {
        match name.trim().to_ascii_lowercase().as_str() {
            "light" | "default" => Some(Theme::Light),
            "dark" | "slate" => Some(Theme::Dark),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageAddress {
    /// `?embed=1`: drop the page chrome, for an iframe in documentation.
    pub embed: bool,
    pub theme: Option<Theme>,
    pub host: Option<String>,
    pub conn_id: Option<String>,
    pub method: Option<AuthMethod>,
    /// A secret-bearing key was present and ignored: the page says so.
    pub ignored_secret: bool,
}

/// Keys that would carry a secret; read only to warn that they were ignored.
const SECRET_KEYS: [&str; 6] = ["token", "secret", "password", "pat", "client_secret", "key"];
/// Longest prefilled value kept: real hosts and ids are far shorter.
const MAX_VALUE: usize = 512;

/// Reads `location.search` (with or without the leading `?`). Never panics.
pub fn read_address(query: &str) -> PageAddress {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut address = PageAddress::default();
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let value: String = value.chars().take(MAX_VALUE).collect();
        match key.as_ref() {
            "embed" => address.embed = matches!(value.as_str(), "1" | "true" | "yes"),
            "theme" => address.theme = Theme::parse(&value),
            "host" => address.host = Some(value),
            "conn_id" => address.conn_id = Some(value),
            "method" => address.method = value.parse().ok(),
            k if SECRET_KEYS.contains(&k.to_ascii_lowercase().as_str()) => {
                address.ignored_secret = true
            }
            _ => {}
        }
    }
    address
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_display_options_and_prefill() {
        let a = read_address(
            "?embed=1&theme=dark&host=https%3A%2F%2Fadb-1.2.azuredatabricks.net&conn_id=dbx&method=sp_oauth",
        );
        assert!(a.embed);
        assert_eq!(a.theme, Some(Theme::Dark));
        assert_eq!(
            a.host.as_deref(),
            Some("https://adb-1.2.azuredatabricks.net")
        );
        assert_eq!(a.conn_id.as_deref(), Some("dbx"));
        assert_eq!(a.method, Some(AuthMethod::SpOauth));
        assert!(!a.ignored_secret);
    }

    #[test]
    fn never_takes_a_secret_from_the_address() {
        let a = read_address("token=dapi0123&host=x&Password=p");
        assert!(a.ignored_secret);
        assert_eq!(a.host.as_deref(), Some("x"));
        assert!(!format!("{a:?}").contains("dapi"));
    }

    #[test]
    fn unknown_values_fall_back_to_defaults() {
        let a = read_address("embed=0&theme=purple&method=PAT");
        assert_eq!(a, PageAddress::default());
        assert_eq!(read_address(""), PageAddress::default());
        assert_eq!(Theme::parse("slate"), Some(Theme::Dark));
        assert_eq!(Theme::parse("default"), Some(Theme::Light));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 5_000, ..ProptestConfig::default() })]
        #[test]
        fn never_panics_and_bounds_values(q in "\\PC{0,300}") {
            let a = read_address(&q);
            prop_assert!(a.host.map_or(0, |h| h.chars().count()) <= MAX_VALUE);
        }
    }
}
