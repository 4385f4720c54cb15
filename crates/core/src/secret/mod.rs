//! The one type that holds a secret (token, client secret, password). Its `Debug` and
//! `Display` never show the value, so a secret cannot leak through logs, error messages
//! or a derived `Debug` of a struct that contains it.

pub mod detect;

pub use detect::SecretShape;

use std::fmt;

#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The real value, for the few places that must send or encode it. Callers name
    /// what they do with it; grep for `expose` to audit every use.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Length in characters: safe to show, and useful in messages ("41 characters").
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} characters, redacted>)", self.char_len())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("••••••••")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("dapi0123456789abcdef0123456789abcdef");
        for shown in [format!("{s:?}"), format!("{s}"), format!("{:?}", Some(&s))] {
            assert!(!shown.contains("dapi"), "{shown}");
            assert!(!shown.contains("0123"), "{shown}");
        }
        assert_eq!(s.expose(), "dapi0123456789abcdef0123456789abcdef");
        assert_eq!(format!("{s:?}"), "Secret(<36 characters, redacted>)");
    }

    #[test]
    fn deserialises_from_a_plain_json_string() {
        let s: Secret = serde_json::from_str("\"p@ss\"").unwrap();
        assert_eq!(s.expose(), "p@ss");
    }
}
