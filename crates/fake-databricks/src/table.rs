//! The one table of scenarios and their verdicts (`scenarios.json` beside this crate's
//! manifest), read by every suite: this crate's tests, the relay's, the end-to-end tests
//! and the provider parity stage. Rust suites read it through [`scenario_table`].

use serde::Deserialize;
use std::collections::BTreeMap;

/// The table as written; the JavaScript and Python suites read the same file.
pub const SCENARIOS_JSON: &str = include_str!("../scenarios.json");

/// One row: a host and what a check of it gives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRow {
    /// The scenario the host's first label picks ([`crate::Scenario::name`]).
    pub label: String,
    pub host: String,
    /// The verdict with a personal access token sent as Bearer, from any route that
    /// can read the answer.
    pub verdict: String,
    /// Other sign-ins whose verdict differs: `pat_basic`, `basic`, `sp_oauth`.
    #[serde(default)]
    pub by_method: BTreeMap<String, String>,
    /// What Airflow's own test ends in, when it differs from `verdict`, and why.
    pub airflow: Option<String>,
    /// Sign-ins for which Airflow's test ends otherwise than `airflow` says (a service
    /// principal's token request has a shorter timeout than the API calls).
    #[serde(default)]
    pub airflow_by_method: BTreeMap<String, String>,
    pub why: Option<String>,
    /// The verdict of a direct check from a browser, when it differs (CORS).
    pub browser: Option<String>,
    /// A regular expression the PAT verdict's fix matches.
    pub fix: Option<String>,
}

impl ScenarioRow {
    /// The check's verdict for a sign-in method (`pat`, `pat_basic`, `basic`, `sp_oauth`).
    pub fn verdict_for(&self, method: &str) -> &str {
        self.by_method.get(method).unwrap_or(&self.verdict)
    }

    /// What Airflow's test ends in for a sign-in method.
    pub fn airflow_for(&self, method: &str) -> &str {
        self.airflow_by_method
            .get(method)
            .or(self.airflow.as_ref())
            .map(String::as_str)
            .unwrap_or_else(|| self.verdict_for(method))
    }
}

/// The file's `about` is for people; only `scenarios` is read.
#[derive(Deserialize)]
struct Table {
    scenarios: Vec<ScenarioRow>,
}

/// Every row of `scenarios.json`. Panics on a malformed table: it is test data, and a
/// suite must not run on half of it.
pub fn scenario_table() -> Vec<ScenarioRow> {
    serde_json::from_str::<Table>(SCENARIOS_JSON)
        .expect("scenarios.json is a valid table")
        .scenarios
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;

    #[test]
    fn every_row_names_the_scenario_its_host_picks() {
        let rows = scenario_table();
        assert!(rows.len() >= Scenario::ALL.len());
        for row in &rows {
            assert_eq!(
                Scenario::from_host(&row.host).name(),
                row.label,
                "{}",
                row.host
            );
        }
        // Every scenario has a row.
        for (label, _) in Scenario::ALL {
            assert!(rows.iter().any(|r| r.label == label), "no row for {label}");
        }
    }
}
