//! Every entry point of `dbx-check-core` that the page, the relay or the `dbx-check`
//! command calls, as a `fn(&[u8])` that turns raw bytes into that entry point's inputs.
//!
//! Two drivers share these functions: the cargo-fuzz targets in `fuzz/fuzz_targets/`
//! (coverage-guided, nightly, `make fuzz`) and the stable mutation pass of this crate's
//! binary (`dbx-check-fuzz pass`, a stage of `make test`). Both only look for panics: a
//! panic kills the WebAssembly page, and the core promises none on any input.
//!
//! # Input format
//! An input is a few selector bytes (which method, step, transport... each taken modulo
//! the number of choices), then text fields separated by [`SEP`]. Text is decoded with
//! `String::from_utf8_lossy`; bodies stay bytes. A missing field reads as empty (or as
//! absent where the API takes an `Option`). [`encode`] builds an input from its parts,
//! which is how [`seeds`] turns the test data into corpora.

pub mod mutate;
pub mod seeds;
mod targets;

pub use seeds::seeds;
pub use targets::*;

/// Separates fields. 0xFF never occurs in UTF-8, so a text field loses nothing by not
/// being able to hold it.
pub const SEP: u8 = 0xFF;
/// Separates the parts of one answer inside a field of [`check_run`] (0xFE is not UTF-8
/// either).
pub const SUB: u8 = 0xFE;

/// An entry point: raw bytes in, nothing out but a panic if the core has one.
pub type Entry = fn(&[u8]);

/// Every fuzzed entry point by name: the cargo-fuzz target of the same name calls it.
pub const TARGETS: &[(&str, Entry)] = &[
    ("host", host),
    ("credential", credential),
    ("airflow", airflow),
    ("airflow_json", airflow_json),
    ("diagnose", diagnose),
    ("diagnose_json", diagnose_json),
    ("terminal", terminal),
    ("check_run", check_run),
    ("address", address),
    ("relay_request", relay_request),
    ("relay_redirect", relay_redirect),
    ("relay_origin", relay_origin),
    ("relay_answer", relay_answer),
    ("form", form),
    ("import", import),
];

/// The entry point called `name`.
pub fn target(name: &str) -> Option<Entry> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// Builds an input: the selector bytes, then the fields joined by [`SEP`].
pub fn encode(selectors: &[u8], fields: &[&[u8]]) -> Vec<u8> {
    let mut out = selectors.to_vec();
    out.extend_from_slice(&fields.join(&SEP));
    out
}

/// Reads an input front to back: selector bytes first, then fields.
pub struct Reader<'a> {
    rest: Option<&'a [u8]>,
    sep: u8,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader::split_at(data, SEP)
    }

    /// A reader whose fields end at `sep` instead of [`SEP`].
    pub fn split_at(data: &'a [u8], sep: u8) -> Self {
        Reader {
            rest: Some(data),
            sep,
        }
    }

    /// The next byte as a selector (0 once the input is used up).
    pub fn byte(&mut self) -> u8 {
        match self.rest {
            Some([first, tail @ ..]) => {
                let b = *first;
                self.rest = Some(tail);
                b
            }
            _ => 0,
        }
    }

    /// One of `choices`, picked by the next byte.
    pub fn pick<T: Copy>(&mut self, choices: &[T]) -> T {
        let b = usize::from(self.byte());
        choices[b % choices.len()]
    }

    /// The next two bytes, big-endian.
    pub fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }

    /// The next field's bytes, or `None` once there are no more fields.
    pub fn field(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        match rest.iter().position(|&b| b == self.sep) {
            Some(at) => {
                self.rest = Some(&rest[at + 1..]);
                Some(&rest[..at])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }

    /// The next field as text; empty when missing.
    pub fn text(&mut self) -> String {
        self.opt_text().unwrap_or_default()
    }

    /// The next field as text; `None` when missing.
    pub fn opt_text(&mut self) -> Option<String> {
        self.field()
            .map(|f| String::from_utf8_lossy(f).into_owned())
    }

    /// Every remaining field.
    pub fn rest_fields(mut self) -> Vec<&'a [u8]> {
        std::iter::from_fn(|| self.field()).collect()
    }
}

/// Header lines `Name: value`, one per line; a line without a colon is a name with an
/// empty value.
pub fn header_pairs(block: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(block);
    if text.is_empty() {
        return Vec::new();
    }
    text.split('\n')
        .map(|line| match line.split_once(':') {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => (line.to_owned(), String::new()),
        })
        .collect()
}

/// The inverse of [`header_pairs`], for seeds.
pub fn header_block(pairs: &[(String, String)]) -> Vec<u8> {
    pairs
        .iter()
        .map(|(n, v)| format!("{n}:{v}"))
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes()
}

#[cfg(test)]
mod tests;
