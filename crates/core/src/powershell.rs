//! Quoting for PowerShell, which both the terminal route (`check::terminal`) and the
//! Airflow commands (`airflow::stores`) write. No library covers PowerShell; the
//! single-quoted string is the whole grammar needed (about_Quoting_Rules).

/// `value` as one PowerShell word: single quotes, everything literal, a quote doubled.
/// PowerShell also takes the typographic single quotes as quotes, so they are doubled
/// too. A NUL cannot be passed in an argument and is dropped.
pub(crate) fn powershell_word(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        if c != '\0' {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::powershell_word;

    #[test]
    fn every_single_quote_is_doubled_and_the_rest_is_literal() {
        assert_eq!(powershell_word(""), "''");
        assert_eq!(powershell_word("a b $c `d \"e\""), "'a b $c `d \"e\"'");
        assert_eq!(powershell_word("it's"), "'it''s'");
        assert_eq!(
            powershell_word("\u{2018}x\u{2019}\u{201A}\u{201B}"),
            "'\u{2018}\u{2018}x\u{2019}\u{2019}\u{201A}\u{201A}\u{201B}\u{201B}'"
        );
        assert_eq!(powershell_word("nul\0byte"), "'nulbyte'");
    }
}
