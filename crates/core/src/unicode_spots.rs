//! Test support: non-ASCII characters put where the rules look. The analyses check
//! prefixes (`dapi`, `dose`, `dsapi`), fixed lengths (32 hex characters, 36 for a UUID)
//! and separators (JWT dots, UUID dashes, zone suffixes); code that counts bytes there
//! panics when a character of several bytes sits across the spot. Plain `any::<String>()`
//! almost never lands one exactly there, so the generators aim.

use proptest::prelude::*;

/// Two-, three- and four-byte characters, look-alikes of ASCII letters and dots, and
/// characters that do not show.
pub(crate) const NON_ASCII: [char; 12] = [
    'é', 'ß', '€', '𝔸', 'ａ', 'Ａ', '。', '．', 'а', '\u{200B}', '\u{FEFF}', '\u{301}',
];

/// Character positions the rules count to: after a 4- or 5-letter prefix, at 32 hex
/// characters after it, at a UUID's 36, and one either side.
const COUNTED: [usize; 13] = [3, 4, 5, 6, 31, 32, 33, 35, 36, 37, 38, 40, 41];

/// Where in a text to put the character.
#[derive(Debug, Clone)]
pub(crate) enum Spot {
    /// At a character position from [`COUNTED`].
    Counted(usize),
    /// Just before or just after one of the text's separators.
    BesideSeparator(usize, bool),
    Anywhere(usize),
}

pub(crate) fn spot() -> impl Strategy<Value = Spot> {
    prop_oneof![
        2 => prop::sample::select(COUNTED.to_vec()).prop_map(Spot::Counted),
        2 => (any::<usize>(), any::<bool>()).prop_map(|(i, after)| Spot::BesideSeparator(i, after)),
        1 => any::<usize>().prop_map(Spot::Anywhere),
    ]
}

/// `text` with `c` put at `spot`, in place of the character there when `replace`.
pub(crate) fn put(text: &str, spot: &Spot, c: char, replace: bool) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let separators: Vec<usize> = chars
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c, '.' | '-' | '~' | ':' | '/' | '@' | '='))
        .map(|(i, _)| i)
        .collect();
    let at = match spot {
        Spot::Counted(n) => *n,
        Spot::BesideSeparator(i, after) if !separators.is_empty() => {
            separators[i % separators.len()] + usize::from(*after)
        }
        Spot::BesideSeparator(i, _) | Spot::Anywhere(i) => i % (chars.len() + 1),
    }
    .min(chars.len());
    if replace && at < chars.len() {
        chars[at] = c;
    } else {
        chars.insert(at, c);
    }
    chars.into_iter().collect()
}

/// `text`, or now and then `text` with a non-ASCII character at a spot a rule looks at.
pub(crate) fn sometimes_non_ascii(
    text: impl Strategy<Value = String>,
) -> impl Strategy<Value = String> {
    (
        text,
        prop::option::weighted(
            0.3,
            (
                spot(),
                prop::sample::select(NON_ASCII.to_vec()),
                any::<bool>(),
            ),
        ),
    )
        .prop_map(|(text, odd)| match odd {
            Some((spot, c, replace)) => put(&text, &spot, c, replace),
            None => text,
        })
}

#[test]
fn put_reaches_the_counted_spots_and_separators() {
    let pat = format!("dapi{}", "a".repeat(32));
    assert_eq!(
        put(&pat, &Spot::Counted(36), 'é', false),
        format!("dapi{}é", "a".repeat(32))
    );
    assert_eq!(
        put("ab.cd", &Spot::BesideSeparator(0, true), '€', true),
        "ab.€d"
    );
    assert_eq!(put("ab", &Spot::Counted(40), 'ß', true), "abß");
}
