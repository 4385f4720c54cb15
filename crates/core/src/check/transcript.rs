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
    pub fn answer(&self, step: Step) -> Option<&Result<PastedAnswer, PasteProblem>> {
        self.answers
            .iter()
            .find(|a| a.step == step)
            .map(|a| &a.answer)
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
