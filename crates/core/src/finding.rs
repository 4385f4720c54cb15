//! The one shape every analysis reports in: a code for machines, a severity, and a
//! message and fix for people. Each module keeps its own typed problem enum and
//! renders it into a `Finding` through [`Diagnostic`], so wording lives in one place.

use serde::Serialize;

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
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
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

/// Orders findings errors first, keeping the order of equals. One function for every
/// analysis, so the page carries one copy of the sort.
pub fn errors_first(findings: &mut [Finding]) {
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
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
}
