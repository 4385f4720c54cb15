//! The stable pass's mutator: a small, deterministic, coverage-free havoc over a corpus.
//!
//! Hand-written because nothing on stable Rust does this simply: libFuzzer and AFL need
//! nightly instrumentation or an external tool, and property-test crates generate from
//! strategies rather than mutating a corpus of real inputs. What matters here is that
//! the edits reach the places the rules look at: multi-byte characters right after a
//! token prefix (`dapi`, `dose`, ...) or around `.`, `-`, `:` and `/`, cut fields,
//! spliced fields, and odd bytes.

/// SplitMix64: tiny, fast and good enough to spread edits; fixed seeds make runs repeat.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Texts worth inserting: multi-byte UTF-8 of each length, look-alikes and invisible
/// characters, and the bytes the core and the input layout split on.
pub const INTERESTING: &[&[u8]] = &[
    "é".as_bytes(),
    "€".as_bytes(),
    "𝔸".as_bytes(),
    "ａ".as_bytes(),       // full-width a
    "Ｄ".as_bytes(),       // full-width D
    "。".as_bytes(),       // U+3002, an IDNA dot
    "．".as_bytes(),       // full-width full stop, another
    "\u{200B}".as_bytes(), // zero-width space
    "\u{FEFF}".as_bytes(),
    "\u{00A0}".as_bytes(),
    "а".as_bytes(), // Cyrillic a
    "İ".as_bytes(), // lower-cases to two characters
    "ß".as_bytes(),
    "\u{0301}".as_bytes(), // combining accent
    "\u{FFFD}".as_bytes(),
    b"\xC3",     // a cut character
    b"\xE2\x82", // another
    b"\x80",
    &[crate::SEP],
    &[crate::SUB],
    b"\0",
    b"\n",
    b"\r\n",
    b"\t",
    b" ",
    b".",
    b"-",
    b":",
    b"/",
    b"//",
    b"@",
    b"%",
    b"%2",
    b"%e9",
    b"?",
    b"#",
    b"=",
    b"&",
    b"\"",
    b"'",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b"..",
    b"xn--",
    b"dapi",
    b"dose",
    b"dsapi",
    b"doau",
    b"eyJ",
    b"Bearer ",
    b"https://",
    b"HTTP/2 ",
    b"curl: (",
    b"0",
    b"9",
    b"-1",
    b"99999999999999999999",
];

/// Where the credential and host rules look: just after these, or around them.
const MARKERS: &[&[u8]] = &[
    b"dapi", b"dose", b"dsapi", b"doau", b".", b"-", b":", b"/", b"@", b"=", b"%", b"?",
];

/// Mutates `input` in place with one to eight stacked edits; `corpus` feeds splices.
/// The result is at most `max_len` bytes.
pub fn mutate(rng: &mut Rng, input: &mut Vec<u8>, corpus: &[Vec<u8>], max_len: usize) {
    let edits = 1 + rng.below(8);
    for _ in 0..edits {
        edit(rng, input, corpus);
    }
    input.truncate(max_len);
}

fn edit(rng: &mut Rng, input: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    let len = input.len();
    match rng.below(12) {
        // Flip one bit.
        0 if len > 0 => {
            let at = rng.below(len);
            input[at] ^= 1 << rng.below(8);
        }
        // Set one byte to anything.
        1 if len > 0 => {
            let at = rng.below(len);
            input[at] = rng.next_u64() as u8;
        }
        // Insert a few random bytes.
        2 => {
            let at = rng.below(len + 1);
            let bytes: Vec<u8> = (0..1 + rng.below(4))
                .map(|_| rng.next_u64() as u8)
                .collect();
            input.splice(at..at, bytes);
        }
        // Delete a range.
        3 if len > 0 => {
            let start = rng.below(len);
            let end = start + 1 + rng.below((len - start).min(16));
            input.drain(start..end);
        }
        // Duplicate a range somewhere else.
        4 if len > 0 => {
            let start = rng.below(len);
            let end = start + 1 + rng.below((len - start).min(32));
            let copy = input[start..end].to_vec();
            let at = rng.below(len + 1);
            input.splice(at..at, copy);
        }
        // Splice: a range of another input, inserted or replacing our tail.
        5 | 6 if !corpus.is_empty() => {
            let other = rng.pick(corpus);
            if other.is_empty() {
                return;
            }
            let start = rng.below(other.len());
            let end = start + 1 + rng.below(other.len() - start);
            let piece = other[start..end].to_vec();
            let at = rng.below(len + 1);
            if rng.chance(2) {
                input.truncate(at);
                input.extend(piece);
            } else {
                input.splice(at..at, piece);
            }
        }
        // An interesting text at a random place.
        7 | 8 => {
            let text = rng.pick(INTERESTING).to_vec();
            let at = rng.below(len + 1);
            input.splice(at..at, text);
        }
        // An interesting text where a rule looks: after a marker, up to 40 bytes on,
        // inserted or written over what is there.
        9 | 10 => {
            let text = rng.pick(INTERESTING).to_vec();
            let at = marker_position(rng, input).unwrap_or_else(|| rng.below(len + 1));
            if rng.chance(2) {
                input.splice(at..at, text);
            } else {
                let end = (at + text.len()).min(input.len());
                input.splice(at..end, text);
            }
        }
        // Cut the input short.
        _ if len > 0 => input.truncate(rng.below(len)),
        _ => input.push(rng.next_u64() as u8),
    }
}

/// A position at or after an occurrence of one of [`MARKERS`], or `None` when the input
/// holds none.
fn marker_position(rng: &mut Rng, input: &[u8]) -> Option<usize> {
    let marker = rng.pick(MARKERS);
    let hits: Vec<usize> = input
        .windows(marker.len())
        .enumerate()
        .filter(|(_, w)| w == marker)
        .map(|(i, _)| i)
        .collect();
    let hit = *hits.get(rng.below(hits.len()))?;
    let offset = if rng.chance(2) {
        // Just before, at, or just after the marker.
        rng.below(marker.len() + 2)
    } else {
        marker.len() + rng.below(41)
    };
    Some((hit + offset).min(input.len()))
}
