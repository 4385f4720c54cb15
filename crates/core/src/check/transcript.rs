//! What the terminal block printed, pasted back whole, in part or in another order, with
//! the shell's own lines around it: each step's answer is found by the marker the block
//! prints before it ([`STEP_MARKER`]), read as a direct check reads it.
//!
//! Hand-parsed: the text is a terminal session, not a format any library reads.

use super::scrub::holds_issued_secret;
use super::terminal::{
    cut_at_char_boundary, parse_pasted_answer, PasteProblem, PastedAnswer, STEP_MARKER,
};
use super::Step;

/// Pasted text larger than this is cut first: the block's whole output is a few KB.
const MAX_TRANSCRIPT_BYTES: usize = 8 * 1024 * 1024;

/// One step's part of the paste.
#[derive(Debug, Clone, PartialEq)]
pub struct StepAnswer {
    pub step: Step,
    /// The answer, or why the part under the step's marker is not one.
    pub answer: Result<PastedAnswer, PasteProblem>,
}

/// A pasted terminal session, read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transcript {
    /// In the order the steps appear; a step pasted twice keeps its last part.
    pub answers: Vec<StepAnswer>,
    /// The paste holds a word shaped like a token or access token. The block never
    /// prints one, so it was typed, echoed or pasted by hand, and has been on screen.
    pub holds_secret: bool,
}

impl Transcript {
    /// The step's answer, moved out (a body can be megabytes: no copy).
    pub fn take(&mut self, step: Step) -> Option<Result<PastedAnswer, PasteProblem>> {
        let at = self.answers.iter().position(|a| a.step == step)?;
        Some(self.answers.swap_remove(at).answer)
    }
}

/// Reads a paste. Fails only when it holds no step at all: empty, or output that did not
/// come from the block (a single command of an older page, a log).
pub fn read_transcript(text: &str) -> Result<Transcript, PasteProblem> {
    let text = cut_at_char_boundary(text, MAX_TRANSCRIPT_BYTES);
    if text.trim().is_empty() {
        return Err(PasteProblem::Empty);
    }
    let holds_secret = holds_issued_secret(text);
    let mut parts: Vec<(Step, String)> = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(step) = marked_step(line) {
            parts.retain(|(s, _)| *s != step);
            parts.push((step, String::new()));
        } else if let Some((_, part)) = parts.last_mut() {
            part.push_str(line);
            part.push('\n');
        }
    }
    if parts.is_empty() {
        return Err(PasteProblem::NoStepMarker);
    }
    let answers = parts
        .into_iter()
        .map(|(step, part)| StepAnswer {
            step,
            answer: parse_pasted_answer(&part),
        })
        .collect();
    Ok(Transcript {
        answers,
        holds_secret,
    })
}

/// `[dbx-check step: spark_versions]` alone on its line (a prompt may stand before it
/// when the shell printed no newline).
fn marked_step(line: &str) -> Option<Step> {
    let at = line.find(STEP_MARKER)?;
    let name = line
        .get(at + STEP_MARKER.len()..)?
        .trim_end()
        .strip_suffix(']')?;
    Step::ALL.into_iter().find(|s| s.as_str() == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{
        plan_check, read_pasted_check, CheckPlan, CheckReport, CheckRun, StepReport, StepState,
        Verdict,
    };
    use crate::{AuthMethod, Secret};
    use proptest::prelude::*;

    const SP_OAUTH_OK: &str = include_str!("../../tests/data/transcripts/bash_sp_oauth_ok.txt");
    const PS_PROXY_HTTP2: &str =
        include_str!("../../tests/data/transcripts/powershell_pat_proxy_http2.txt");
    const ZSH_PRIVATE_LINK: &str =
        include_str!("../../tests/data/transcripts/zsh_pat_privatelink_reordered.txt");

    fn plan(host: &str, method: AuthMethod) -> CheckPlan {
        plan_check(
            host,
            method,
            "8c1e4b0a-7d52-4f3e-9a61-2f0c5d7e9b13",
            &Secret::new("x"),
        )
    }

    fn sp_plan() -> CheckPlan {
        plan("https://ok-7.cloud.databricks.com", AuthMethod::SpOauth)
    }

    fn report(plan: &CheckPlan, text: &str) -> CheckReport {
        read_pasted_check(plan, "databricks_default", text).expect("the paste is read")
    }

    /// The steps of the run the paste reads as (the report leaves them out).
    fn steps(plan: &CheckPlan, text: &str) -> Vec<StepReport> {
        let transcript = read_transcript(text).expect("the paste is read");
        CheckRun::from_transcript(plan.clone(), "databricks_default", transcript).steps()
    }

    fn verdict(report: &CheckReport) -> Option<Verdict> {
        report.verdict.as_ref().map(|d| d.verdict)
    }

    /// The parts of a recorded transcript, one per step, as the block printed them.
    fn parts(text: &str) -> Vec<String> {
        text.split("\n[dbx-check step: ")
            .skip(1)
            .map(|p| format!("\n[dbx-check step: {p}"))
            .collect()
    }

    #[test]
    fn a_recorded_bash_run_reads_as_the_whole_report() {
        let r = report(&sp_plan(), SP_OAUTH_OK);
        assert_eq!(verdict(&r), Some(Verdict::Ok));
        let who = r.identity.as_ref().expect("identity");
        assert_eq!(
            who.user_name.as_deref(),
            Some("8c1e4b0a-7d52-4f3e-9a61-2f0c5d7e9b13")
        );
        assert_eq!(r.warehouses.len(), 2);
        assert_eq!(
            r.warehouses[0].http_path,
            "/sql/1.0/warehouses/1a2b3c4d5e6f7a8b"
        );
        assert!(r.notes.is_empty() && r.problem.is_none(), "{r:?}");
        assert!(steps(&sp_plan(), SP_OAUTH_OK)
            .iter()
            .all(|s| s.state == StepState::Answered));
        // The shell's echo of the block (with `%s` and `$@`) is not read as a marker.
        assert_eq!(read_transcript(SP_OAUTH_OK).unwrap().answers.len(), 4);
    }

    #[test]
    fn a_powershell_run_with_crlf_http2_a_proxy_and_an_error_record_reads() {
        let plan = plan(
            "https://adb-1234567890123456.7.azuredatabricks.net",
            AuthMethod::Pat,
        );
        let r = report(&plan, PS_PROXY_HTTP2);
        assert_eq!(verdict(&r), Some(Verdict::Ok));
        assert_eq!(
            r.identity.as_ref().and_then(|w| w.display_name.as_deref()),
            Some("Ada Lovelace")
        );
        // The warehouse list timed out: said for that step, not for the check.
        let steps = steps(&plan, PS_PROXY_HTTP2);
        let warehouses = steps.iter().find(|s| s.step == Step::Warehouses).unwrap();
        assert_eq!(
            warehouses.diagnosis.as_ref().map(|d| d.verdict),
            Some(Verdict::Timeout)
        );
        assert!(r.warehouses.is_empty());
    }

    #[test]
    fn another_order_with_prompts_and_redirect_blocks_gives_the_direct_verdict() {
        let plan = plan("https://privatelink-7.azuredatabricks.net", AuthMethod::Pat);
        let r = report(&plan, ZSH_PRIVATE_LINK);
        assert_eq!(verdict(&r), Some(Verdict::PrivateLink));
        // As a direct check: a failed Airflow test stops it, the later steps are skipped.
        let later: Vec<StepState> = steps(&plan, ZSH_PRIVATE_LINK)
            .iter()
            .filter(|s| s.step != Step::SparkVersions)
            .map(|s| s.state)
            .collect();
        assert_eq!(later, [StepState::Skipped, StepState::Skipped]);
    }

    #[test]
    fn a_missing_step_is_not_run_and_never_a_failure() {
        let all = parts(SP_OAUTH_OK);
        // Only the token answer: no verdict, and the problem says Airflow's test is missing.
        let r = report(&sp_plan(), &all[0]);
        assert_eq!(verdict(&r), None);
        assert_eq!(
            r.problem.as_ref().map(|p| p.code),
            Some("paste_without_airflow_test")
        );
        // Airflow's test without the warehouses: ok, and the warehouses said as not pasted.
        let without_warehouses = format!("{}{}{}", all[0], all[1], all[2]);
        let r = report(&sp_plan(), &without_warehouses);
        assert_eq!(verdict(&r), Some(Verdict::Ok));
        assert!(r.warehouses.is_empty());
        let codes: Vec<&str> = r.notes.iter().map(|n| n.code).collect();
        assert_eq!(codes, ["paste_step_missing"]);
        assert!(
            r.notes[0].message.contains("warehouses"),
            "{}",
            r.notes[0].message
        );
    }

    #[test]
    fn bad_pastes_get_a_named_verdict_or_a_clear_message() {
        let step = |name: &str, body: &str| format!("\n[dbx-check step: {name}]\n{body}\n");
        let plan = plan("https://ok-7.cloud.databricks.com", AuthMethod::Pat);
        let cases = [
            ("curl: (6) Could not resolve host: ok-7.cloud.databricks.com\n\n[dbx-check final URL] https://ok-7.cloud.databricks.com/api/2.1/clusters/spark-versions", Some(Verdict::Unreachable)),
            ("curl: (28) Connection timed out after 30001 milliseconds", Some(Verdict::Timeout)),
            ("curl: (60) SSL certificate problem: self-signed certificate in certificate chain", Some(Verdict::Unreachable)),
            ("HTTP/2 200 \ncontent-type: text/html\n\n<!doctype html><title>Sign in</title>", Some(Verdict::UnexpectedResponse)),
            ("HTTP/2 200 \ncontent-length: 0\n\n", Some(Verdict::UnexpectedResponse)),
            // The step ran but its part is empty: not run.
            ("", None),
        ];
        for (body, expected) in cases {
            let r = report(&plan, &step("spark_versions", body));
            assert_eq!(verdict(&r), expected, "{body}");
        }
        for text in [
            "",
            "   \n",
            "HTTP/2 200 \n\n{}",
            "some log\nwithout the block",
        ] {
            let finding = read_pasted_check(&plan, "x", text).unwrap_err();
            assert!(
                ["paste_empty", "paste_without_steps"].contains(&finding.code),
                "{text}: {finding:?}"
            );
            assert!(!finding.message.is_empty() && !finding.fix.is_empty());
        }
        // 5 MB of noise after a real answer: read, quickly, to the same verdict.
        let huge = format!("{}{}", SP_OAUTH_OK, "x".repeat(5 * 1024 * 1024));
        assert_eq!(verdict(&report(&sp_plan(), &huge)), Some(Verdict::Ok));
    }

    #[test]
    fn a_paste_holding_a_token_says_so() {
        let text = format!(
            "{}\n$ echo dapi0123456789abcdef0123456789abcdef\n",
            SP_OAUTH_OK
        );
        let r = report(&sp_plan(), &text);
        assert_eq!(r.notes.first().map(|n| n.code), Some("paste_holds_secret"));
        assert!(!format!("{r:?}").contains("dapi0123456789abcdef"));
        assert!(report(&sp_plan(), SP_OAUTH_OK).notes.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any subset of a run's parts, in any order, with noise between: never a
        /// verdict that no pasted answer showed, and the full run's verdict whenever
        /// the token and Airflow's test are there.
        #[test]
        fn any_part_in_any_order_gives_no_verdict_that_no_answer_showed(
            keep in proptest::collection::vec(any::<bool>(), 4),
            order in Just((0..4usize).collect::<Vec<_>>()).prop_shuffle(),
            noise in "[ -~\n]{0,40}",
        ) {
            let all = parts(SP_OAUTH_OK);
            let mut text = String::new();
            for i in order {
                if keep[i] {
                    text.push_str(&all[i]);
                    text.push_str(&noise);
                    text.push('\n');
                }
            }
            match read_pasted_check(&sp_plan(), "x", &text) {
                Ok(r) => {
                    let has_test = keep[1];
                    prop_assert_eq!(verdict(&r).is_some(), has_test, "{}", text);
                    if has_test {
                        prop_assert_eq!(verdict(&r), Some(Verdict::Ok));
                    }
                    prop_assert_eq!(!r.warehouses.is_empty(), keep[3]);
                }
                Err(f) => prop_assert!(!keep.iter().any(|k| *k), "{:?}", f),
            }
        }

        #[test]
        fn any_paste_is_read_without_panic(
            pieces in proptest::collection::vec(prop_oneof![
                Just("\n[dbx-check step: spark_versions]\n".to_owned()),
                Just("\n[dbx-check step: oauth_token]\n".to_owned()),
                Just("[dbx-check step: warehouses".to_owned()),
                Just("HTTP/2 200 \n".to_owned()),
                Just("HTTP/1.1 302 Found\nlocation: /x\n\n".to_owned()),
                Just("\n[dbx-check final URL] https://a@b/\n".to_owned()),
                Just("curl: (".to_owned()),
                Just("\r\n".to_owned()),
                "\\PC{0,20}",
                any::<String>(),
            ], 0..12),
        ) {
            let text: String = pieces.concat();
            let _ = read_transcript(&text);
            let _ = read_pasted_check(&sp_plan(), "x", &text);
        }
    }
}
