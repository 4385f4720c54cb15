//! The one shape every analysis reports in: a code for machines, a severity, and a
//! message and fix for people. Each module keeps its own typed problem enum and
//! renders it into a `Finding` through [`Diagnostic`], so wording lives in one place.

use serde::{ser, Serialize};
use std::borrow::Cow;
use std::fmt;

/// How much a finding matters. A value is usable when no finding is an `Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        variant_name(&self)
    }
}

/// A problem (or a note) about one input, ready to show next to the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable, snake_case; tests and the page key on it.
    pub code: &'static str,
    pub severity: Severity,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

/// Implemented by each module's typed problem enum.
pub trait Diagnostic {
    fn code(&self) -> &'static str;
    fn severity(&self) -> Severity;
    fn message(&self) -> String;
    fn fix(&self) -> String;

    fn to_finding(&self) -> Finding {
        Finding {
            code: self.code(),
            severity: self.severity(),
            message: self.message(),
            fix: self.fix(),
        }
    }
}

/// A problem as data: its severity and its message and fix as templates whose `{name}`
/// slots are filled from `slots` by [`render`]. Each problem enum writes one of these per
/// variant, so a problem's code (its variant's serde name), severity and wording sit together.
pub(crate) struct Wording<'a> {
    pub severity: Severity,
    pub message: &'static str,
    pub fix: &'static str,
    pub slots: Vec<(&'static str, Cow<'a, str>)>,
}

impl<'a> Wording<'a> {
    pub(crate) fn new(severity: Severity, message: &'static str, fix: &'static str) -> Self {
        Wording {
            severity,
            message,
            fix,
            slots: Vec::new(),
        }
    }

    /// The value of the slot `{name}`.
    pub(crate) fn with(self, name: &'static str, value: impl Into<Cow<'a, str>>) -> Self {
        self.slot(name, value.into())
    }

    /// One copy of the push for every type `with` takes, for the page's size.
    #[inline(never)]
    fn slot(mut self, name: &'static str, value: Cow<'a, str>) -> Self {
        self.slots.push((name, value));
        self
    }

    pub(crate) fn finding(&self, code: &'static str) -> Finding {
        Finding {
            code,
            severity: self.severity,
            message: render(self.message, &self.slots),
            fix: render(self.fix, &self.slots),
        }
    }
}

/// The template with each `{name}` replaced by its slot's value. A brace that does not
/// open a known slot (`{{ var }}` in a message about placeholders) is text, and values are
/// not read again, so user text in a slot never fills another slot. Hand-written: the
/// templates are the crate's own, and a template engine would add size to the page.
pub(crate) fn render(template: &str, slots: &[(&'static str, Cow<'_, str>)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some((before, from_brace)) =
        rest.find('{').and_then(|open| rest.split_at_checked(open))
    {
        out.push_str(before);
        let filled = from_brace.get(1..).and_then(|after| {
            let close = after.find('}')?;
            let name = after.get(..close)?;
            let value = slots.iter().find(|(n, _)| *n == name)?;
            Some((value.1.as_ref(), after.get(close + 1..)?))
        });
        match filled {
            Some((value, after)) => {
                out.push_str(value);
                rest = after;
            }
            None => {
                out.push('{');
                rest = from_brace.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// The serde name of an enum value's variant (`rename_all` applied), so that a code or a
/// name is written once, in the derive, instead of in a hand-made `as_str` match. Reads
/// only the variant's name: fields are never serialised.
pub fn variant_name<T: Serialize + ?Sized>(value: &T) -> &'static str {
    match value.serialize(VariantName) {
        Ok(name) | Err(NotAVariant(Some(name))) => name,
        Err(NotAVariant(None)) => "",
    }
}

/// A serializer that stops at the variant's name: a unit or newtype variant gives it as
/// its result, a tuple or struct variant in the error, before any field is read.
struct VariantName;

#[derive(Debug)]
struct NotAVariant(Option<&'static str>);

impl fmt::Display for NotAVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an enum variant")
    }
}

impl std::error::Error for NotAVariant {}

impl ser::Error for NotAVariant {
    fn custom<M: fmt::Display>(_: M) -> Self {
        NotAVariant(None)
    }
}

macro_rules! not_a_variant {
    ($($method:ident($($arg:ty),*);)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<&'static str, NotAVariant> {
            Err(NotAVariant(None))
        })*
    };
}

type Never = ser::Impossible<&'static str, NotAVariant>;

impl ser::Serializer for VariantName {
    type Ok = &'static str;
    type Error = NotAVariant;
    type SerializeSeq = Never;
    type SerializeTuple = Never;
    type SerializeTupleStruct = Never;
    type SerializeTupleVariant = Never;
    type SerializeMap = Never;
    type SerializeStruct = Never;
    type SerializeStructVariant = Never;

    not_a_variant! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
        serialize_str(&str); serialize_bytes(&[u8]); serialize_none(); serialize_unit();
        serialize_unit_struct(&'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<&'static str, NotAVariant> {
        Err(NotAVariant(None))
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<&'static str, NotAVariant> {
        Ok(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotAVariant> {
        Err(NotAVariant(None))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: &T,
    ) -> Result<&'static str, NotAVariant> {
        Ok(variant)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Never, NotAVariant> {
        Err(NotAVariant(None))
    }

    fn serialize_tuple(self, _: usize) -> Result<Never, NotAVariant> {
        Err(NotAVariant(None))
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Never, NotAVariant> {
        Err(NotAVariant(None))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Never, NotAVariant> {
        Err(NotAVariant(Some(variant)))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Never, NotAVariant> {
        Err(NotAVariant(None))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Never, NotAVariant> {
        Err(NotAVariant(None))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Never, NotAVariant> {
        Err(NotAVariant(Some(variant)))
    }
}

/// A problem written as data: its [`Wording`] gives the whole [`Diagnostic`], and its code
/// is the variant's serde name unless `named_code` says otherwise.
pub(crate) trait Worded: Serialize {
    fn wording(&self) -> Wording<'_>;

    fn named_code(&self) -> &'static str {
        variant_name(self)
    }
}

impl<T: Worded> Diagnostic for T {
    fn code(&self) -> &'static str {
        self.named_code()
    }

    fn severity(&self) -> Severity {
        self.wording().severity
    }

    fn message(&self) -> String {
        self.to_finding().message
    }

    fn fix(&self) -> String {
        self.to_finding().fix
    }

    fn to_finding(&self) -> Finding {
        self.wording().finding(self.code())
    }
}

/// Orders findings errors first, keeping the order of equals. One function for every
/// analysis, so the page carries one copy of the sort. An insertion sort: lists hold a
/// handful of findings, and the library's stable sort costs the page over 1 KB brotli.
pub fn errors_first(findings: &mut [Finding]) {
    for i in 1..findings.len() {
        let Some(severity) = findings.get(i).map(|f| f.severity) else {
            continue;
        };
        // The first `i` are in order: `i` goes before the first less severe one.
        if let Some(j) = findings.iter().take(i).position(|f| f.severity < severity) {
            if let Some(run) = findings.get_mut(j..=i) {
                run.rotate_right(1);
            }
        }
    }
}

/// The project's own English label with its first letter upper-cased (ASCII only, which
/// keeps Unicode's case tables out of the page).
pub(crate) fn capitalise(text: &str) -> String {
    let mut text = text.to_owned();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

/// True when none of the findings is an error.
pub fn usable(findings: &[Finding]) -> bool {
    findings.iter().all(|f| f.severity != Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Sample(Severity);
    impl Diagnostic for Sample {
        fn code(&self) -> &'static str {
            "sample"
        }
        fn severity(&self) -> Severity {
            self.0
        }
        fn message(&self) -> String {
            "the sample is wrong".into()
        }
        fn fix(&self) -> String {
            "use another sample".into()
        }
    }

    #[test]
    fn severities_serialise_in_lower_case_and_order_by_weight() {
        let f = Sample(Severity::Warning).to_finding();
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["severity"], "warning");
        assert_eq!(json["code"], "sample");
        assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
    }

    #[test]
    fn templates_fill_their_slots_once_and_leave_other_braces() {
        let slots = [("host", Cow::from("{fix}")), ("fix", Cow::from("x"))];
        assert_eq!(
            render("{host} and {{ var }} {fix}", &slots),
            "{fix} and {{ var }} x"
        );
        assert_eq!(render("{unknown} {", &slots), "{unknown} {");
        assert_eq!(render("é{host}ü", &slots), "é{fix}ü");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 5_000, failure_persistence: None, ..proptest::prelude::ProptestConfig::default() })]
        #[test]
        fn any_template_renders_and_text_without_slots_stays_as_it_is(template in "(\\PC|\\{|\\}|\\{a\\})*", value in "\\PC*") {
            let slots = [("a", Cow::from(value.as_str()))];
            let out = render(&template, &slots);
            proptest::prop_assert_eq!(out, template.replace("{a}", &value));
        }
    }

    #[test]
    fn names_come_from_serde() {
        #[derive(Serialize)]
        #[serde(rename_all = "snake_case")]
        enum E {
            UnitOne,
            Tuple(u8, u8),
            Newtype(String),
            WithFields { a: u8 },
        }
        assert_eq!(variant_name(&E::UnitOne), "unit_one");
        assert_eq!(variant_name(&E::Tuple(1, 2)), "tuple");
        assert_eq!(variant_name(&E::Newtype("x".into())), "newtype");
        assert_eq!(variant_name(&E::WithFields { a: 1 }), "with_fields");
        assert_eq!(variant_name(&5u8), "");
        assert_eq!(Severity::Warning.as_str(), "warning");
    }

    #[test]
    fn a_single_error_makes_findings_unusable() {
        let ok = vec![
            Sample(Severity::Info).to_finding(),
            Sample(Severity::Warning).to_finding(),
        ];
        assert!(usable(&ok));
        let mut bad = ok.clone();
        bad.push(Sample(Severity::Error).to_finding());
        assert!(!usable(&bad));
        assert!(usable(&[]));
    }

    proptest::proptest! {
        /// The hand-written sort orders as the library's stable sort does.
        #[test]
        fn errors_first_is_a_stable_sort(severities in proptest::collection::vec(0u8..3, 0..12)) {
            let findings: Vec<Finding> = severities
                .iter()
                .enumerate()
                .map(|(i, s)| Finding {
                    code: "c",
                    severity: [Severity::Info, Severity::Warning, Severity::Error][usize::from(*s)],
                    message: i.to_string(),
                    fix: String::new(),
                })
                .collect();
            let mut ours = findings.clone();
            errors_first(&mut ours);
            let mut library = findings;
            library.sort_by_key(|f| std::cmp::Reverse(f.severity));
            proptest::prop_assert_eq!(ours, library);
        }
    }
}
