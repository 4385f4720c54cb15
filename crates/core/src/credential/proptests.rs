//! Properties of the credential analysis over generated input: it never panics, and what
//! it returns never shows the secret or any 8-character piece of it.

use super::jwt::test_jwt;
use super::*;
use crate::unicode_spots::sometimes_non_ascii;
use proptest::prelude::*;
use proptest::test_runner::Config;

/// Public words that pasted values contain around or instead of a secret (a workspace
/// URL, a header name): a piece made only of these gives nothing of a secret away, and
/// messages must be free to say "Databricks".
const PUBLIC_TEXT: [&str; 6] = [
    "https://adb-1.2.azuredatabricks.net",
    "\"https://adb-",
    "'https://adb-",
    "dbc-a1b2345c-d6e7.cloud.databricks.com",
    "Authorization: Bearer ",
    "databricks://",
];

/// The first 8-character piece of `secret` found in `shown`. Pieces made only of blanks
/// or of [`PUBLIC_TEXT`] are skipped: they say nothing about the secret.
///
/// Compared as 8-byte windows packed into integers, with a bitmap in front of a sorted
/// list: a hundred thousand cases times a hundred `str::contains` calls is too slow for a
/// debug build. For ASCII the byte windows are the character windows; a window with other
/// characters is longer than 8 bytes, and its first 8 bytes are checked instead (stricter).
pub(super) fn leaked_piece(secret: &str, shown: &str) -> Option<String> {
    const N: usize = 8;
    /// The packed window ending at each byte from the 8th on, as (start, key).
    fn keys(text: &[u8]) -> Vec<(usize, u64)> {
        let mut out = Vec::with_capacity(text.len());
        let mut key = 0u64;
        for (i, &b) in text.iter().enumerate() {
            key = (key << 8) | u64::from(b);
            if i + 1 >= N {
                out.push((i + 1 - N, key));
            }
        }
        out
    }
    fn slot(key: u64) -> (usize, u64) {
        let h = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 50;
        ((h >> 6) as usize, 1u64 << (h & 63))
    }
    static PUBLIC: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    let public = PUBLIC.get_or_init(|| {
        let mut all: Vec<u64> = PUBLIC_TEXT
            .iter()
            .flat_map(|t| keys(t.as_bytes()))
            .map(|(_, k)| k)
            .collect();
        all.sort_unstable();
        all
    });

    let bytes = secret.as_bytes();
    let mut windows: Vec<(u64, usize)> = Vec::new();
    let mut bitmap = [0u64; 256];
    for (start, key) in keys(bytes) {
        let blank = bytes[start..start + N].iter().all(u8::is_ascii_whitespace);
        if !blank && public.binary_search(&key).is_err() {
            windows.push((key, start));
            let (word, bit) = slot(key);
            bitmap[word] |= bit;
        }
    }
    windows.sort_unstable();
    let shown = shown.as_bytes();
    let mut key = 0u64;
    for (i, &b) in shown.iter().enumerate() {
        key = (key << 8) | u64::from(b);
        if i + 1 < N {
            continue;
        }
        let (word, bit) = slot(key);
        if bitmap[word] & bit != 0 {
            if let Ok(at) = windows.binary_search_by(|&(w, _)| w.cmp(&key)) {
                let start = windows[at].1;
                return Some(String::from_utf8_lossy(&bytes[start..start + N]).into_owned());
            }
        }
    }
    None
}

#[test]
fn leaked_piece_finds_any_window() {
    assert_eq!(
        leaked_piece("abcdefghij", "xx cdefghij yy"),
        Some("cdefghij".into())
    );
    assert_eq!(
        leaked_piece("abcdefghij", "xx abcdefgh"),
        Some("abcdefgh".into())
    );
    assert_eq!(leaked_piece("abcdefghij", "abcdefg hij"), None);
    assert_eq!(leaked_piece("short", "short"), None);
    assert_eq!(leaked_piece("ééééééééé", "xéééé"), Some("éééé".into()));
    assert_eq!(
        leaked_piece("https://x.azuredatabricks.net", "Azure Databricks"),
        None
    );
}

// Regex strategies run inside proptest (optimised even in debug builds, see the
// workspace Cargo.toml), which is several times faster than collecting sampled bytes here.
fn hex(n: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[0-9a-f]{{{n}}}")).expect("valid regex")
}

fn alnum(min: usize, max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[a-zA-Z0-9]{{{min},{max}}}")).expect("valid regex")
}

fn uuid_text() -> impl Strategy<Value = String> {
    hex(32).prop_map(|h| {
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    })
}

fn jwt() -> impl Strategy<Value = String> {
    (
        any::<i64>(),
        -100_000i64..100_000,
        "[a-zA-Z0-9@.:/_-]{0,24}",
        uuid_text(),
        any::<bool>(),
    )
        .prop_map(|(huge, offset, text, tenant, entra)| {
            let exp = if offset % 7 == 0 { huge } else { NOW + offset };
            let iss = if entra {
                format!("https://sts.windows.net/{tenant}/")
            } else {
                format!("https://{text}/oidc")
            };
            test_jwt(&serde_json::json!({
                "iss": iss, "aud": text, "tid": tenant, "upn": text,
                "exp": exp, "nbf": NOW + offset / 2, "iat": NOW - 60,
            }))
        })
}

/// A value people paste: a real-looking secret of every kind, or noise, now and then with
/// a non-ASCII character where a rule counts or looks for a separator.
fn secret_core() -> impl Strategy<Value = String> {
    sometimes_non_ascii(prop_oneof![
        hex(32).prop_map(|h| format!("dapi{h}")),
        (hex(32), 0u8..10).prop_map(|(h, d)| format!("dapi{h}-{d}")),
        hex(32).prop_map(|h| format!("dapi{}", h.to_uppercase())),
        (hex(32), 1usize..40).prop_map(|(h, cut)| format!("dapi{}", &h[..cut.min(32)])),
        alnum(32, 32).prop_map(|a| format!("dose{a}")),
        alnum(32, 32).prop_map(|a| format!("dsapi{a}")),
        alnum(32, 32).prop_map(|a| format!("doau{a}")),
        hex(64),
        uuid_text(),
        (alnum(3, 3), 0u8..10, "[a-zA-Z0-9_.~-]{31,34}")
            .prop_map(|(a, d, rest)| format!("{a}{d}Q~{rest}")),
        jwt(),
        alnum(8, 64),
        "[ -~]{8,64}",
        "\\PC{8,40}",
        proptest::collection::vec(any::<char>(), 8..40).prop_map(String::from_iter),
        alnum(8, 30).prop_map(|a| format!("https://adb-{a}.2.azuredatabricks.net/?o=1")),
    ])
}

/// A pasted secret: the text as pasted, and the secret inside it. The text is checked
/// whole when only quotes and blanks surround the secret; around words (`Bearer `,
/// `DATABRICKS_TOKEN=`) a piece may straddle a public word and a character or two of the
/// secret, and messages must be free to name those words, so there the secret inside is
/// what is checked.
#[derive(Debug, Clone)]
struct Pasted {
    text: String,
    secret: String,
}

impl Pasted {
    fn checked(&self) -> &str {
        if self.text.contains(&self.secret)
            && self
                .text
                .replace(&self.secret, "")
                .chars()
                .all(|c| c.is_whitespace() || shape::is_invisible(c) || matches!(c, '"' | '\''))
        {
            &self.text
        } else {
            &self.secret
        }
    }
}

fn pasted() -> impl Strategy<Value = Pasted> {
    (secret_core(), 0u8..12, "[ \t\n\r\u{200B}\u{FEFF}]{0,3}").prop_map(|(core, wrap, blank)| {
        let text = match wrap {
            0 => format!("\"{core}\""),
            1 => format!("'{core}'"),
            2 => format!("Bearer {core}"),
            3 => format!("Authorization: Bearer {core}"),
            4 => format!("DATABRICKS_TOKEN={core}"),
            5 => format!("export DATABRICKS_TOKEN=\"{core}\""),
            6 => format!("token: {core}"),
            7 => format!("{blank}{core}{blank}"),
            8 => {
                let mid = core.char_indices().nth(10).map_or(core.len(), |(i, _)| i);
                format!("{}{blank}{}", &core[..mid], &core[mid..])
            }
            9 => format!("{{\"token\": \"{core}\"}}"),
            _ => core.clone(),
        };
        Pasted { text, secret: core }
    })
}

const NOW: i64 = 1_750_000_000;

fn method() -> impl Strategy<Value = AuthMethod> {
    proptest::sample::select(AuthMethod::ALL.to_vec())
}

fn cloud() -> impl Strategy<Value = Option<Cloud>> {
    proptest::option::of(proptest::sample::select(vec![
        Cloud::Aws,
        Cloud::Azure,
        Cloud::Gcp,
    ]))
}

fn extra_value() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        uuid_text().prop_map(Some),
        "\\PC{0,40}".prop_map(Some),
        uuid_text().prop_map(|u| Some(format!(
            "/subscriptions/{u}/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws"
        ))),
    ]
}

/// What goes into Login, or into Extra's token, besides nothing.
#[derive(Debug, Clone)]
enum Other {
    None,
    SameAsPassword,
    Text(String),
    Pasted(Pasted),
}

prop_compose! {
    /// An input, with the secrets that must not show in the analysis.
    fn credential_input()(
        method in method(),
        password in pasted(),
        login in prop_oneof![
            2 => Just(Other::None),
            1 => Just(Other::Text("token".to_owned())),
            1 => uuid_text().prop_map(Other::Text),
            1 => Just(Other::SameAsPassword),
            1 => "\\PC{0,30}".prop_map(Other::Text),
        ],
        cloud in cloud(),
        tenant in extra_value(),
        resource in extra_value(),
        mi in extra_value(),
        token in prop_oneof![
            2 => Just(Other::None),
            1 => Just(Other::SameAsPassword),
            1 => pasted().prop_map(Other::Pasted),
        ],
        now in prop_oneof![Just(NOW), any::<i64>()],
    ) -> (CredentialInput, Vec<String>) {
        let mut secrets = vec![password.checked().to_owned()];
        let login = match login {
            Other::SameAsPassword => password.text.clone(),
            Other::Text(text) => text,
            Other::None | Other::Pasted(_) => String::new(),
        };
        let token = match token {
            Other::SameAsPassword => Some(Secret::new(password.text.clone())),
            Other::Pasted(other) => {
                secrets.push(other.checked().to_owned());
                Some(Secret::new(other.text))
            }
            Other::None | Other::Text(_) => None,
        };
        let input = CredentialInput {
            method,
            login,
            secret: Secret::new(password.text),
            cloud,
            extra: CredentialExtra {
                azure_tenant_id: tenant,
                azure_resource_id: resource,
                azure_managed_identity_client_id: mi,
                token,
            },
            now_unix: now,
        };
        (input, secrets)
    }
}

/// What the analysis shows that depends on the input. `fields_needed` and `browser_check`
/// depend on the method alone (asserted below), so they cannot carry the secret.
/// The findings' Debug output holds each message and fix, and their JSON holds the same
/// texts again, so one rendering of each part is enough.
fn shown(analysis: &CredentialAnalysis) -> String {
    format!("{:?} {:?}", analysis.findings, analysis.claims)
}

proptest! {
    #![proptest_config(Config { cases: 100_000, ..Config::default() })]

    #[test]
    fn never_panics_and_never_shows_the_secret((input, secrets) in credential_input()) {
        let analysis = analyse_credential(&input);
        prop_assert_eq!(&analysis.fields_needed, &fields_needed(input.method));
        prop_assert_eq!(&analysis.browser_check, &browser_check(input.method));
        let problems = credential_problems(&input);
        prop_assert_eq!(problems.len(), analysis.findings.len());

        let shown = format!("{} {problems:?}", shown(&analysis));
        for secret in &secrets {
            prop_assert_eq!(leaked_piece(secret, &shown), None);
        }
        for finding in &analysis.findings {
            prop_assert!(!finding.message.is_empty() && !finding.fix.is_empty());
        }
        // Most severe first, as the page lists them.
        prop_assert!(analysis.findings.windows(2).all(|w| w[0].severity >= w[1].severity));
    }
}

proptest! {
    #![proptest_config(Config { cases: 20_000, ..Config::default() })]

    #[test]
    fn the_url_field_check_never_panics_or_echoes(
        pasted in prop_oneof![pasted(), any::<String>().prop_map(|s| Pasted { text: s.clone(), secret: s })],
    ) {
        let _ = classify_secret(&pasted.text);
        let _ = cloud_of_host(&pasted.text);
        if let Some(problem) = secret_in_url_field(&pasted.text) {
            let shown = format!("{} {} {problem:?}", problem.message(), problem.fix());
            prop_assert_eq!(leaked_piece(pasted.checked(), &shown), None);
        }
    }
}

// How long such inputs take is measured by the fuzzers' "slowest unit" (make fuzz), not here:
// a timed assertion fails on a busy machine (it did, under four parallel builds).
#[test]
fn long_garbage_is_analysed_without_leaking() {
    let inputs = [
        "a:".repeat(50_000),
        "\"".repeat(100_001),
        "eyJ".repeat(30_000) + ".e30.x",
        format!("dapi{}", "0".repeat(100_000)),
        "Bearer ".repeat(20_000),
        "x=".repeat(50_000),
        "\u{200B} ".repeat(30_000),
    ];
    for text in &inputs {
        for method in AuthMethod::ALL {
            let mut input =
                CredentialInput::new(method, text.as_str(), Secret::new(text.as_str()), NOW);
            input.extra.token = Some(Secret::new(text.as_str()));
            input.extra.azure_tenant_id = Some(text.clone());
            let analysis = analyse_credential(&input);
            let _ = secret_in_url_field(text);
            // Each text repeats with a period under 8 characters (but for its end), so
            // its first and last 64 characters hold every 8-character piece it has.
            let shown = shown(&analysis);
            let head: String = text.chars().take(64).collect();
            let tail: String = text
                .chars()
                .rev()
                .take(64)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            assert_eq!(leaked_piece(&head, &shown), None);
            assert_eq!(leaked_piece(&tail, &shown), None);
        }
    }
}
