//! `dbx-check-core`: every decision behind dbx-check, with no web dependency.
//!
//! The web page and the `dbx-check` command are thin shells over this crate: they pass
//! in what the user typed (or what the network answered) and render what comes back.

// A panic kills the WebAssembly page, and text sliced at a byte inside a character
// panics: slicing and indexing are denied outside tests, each remaining use justified.
#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

pub mod address;
pub mod airflow;
pub mod check;
pub mod credential;
pub mod finding;
pub mod form;
pub mod host;
pub mod import;
pub mod page;
mod powershell;
pub mod secret;
#[cfg(test)]
mod unicode_spots;
pub mod vocabulary;

pub use address::{read_address, PageAddress, Theme};
pub use airflow::{
    airflow_values, airflow_values_with_stores, AirflowValues, AirflowVersion, ConnectionRequest,
};
pub use check::{diagnose, plan_check, CheckPlan, Diagnosis, RawOutcome, Step, Verdict};
pub use credential::{
    analyse_credential, classify_secret, CredentialAnalysis, CredentialExtra, CredentialInput,
    CredentialProblem, JwtClaims, SecretShape,
};
pub use finding::{usable, Diagnostic, Finding, Severity};
pub use form::{assess, AirflowNotes, FormAssessment, FormInput, NotReady, Output, OutputTab};
pub use host::{
    analyse_host, databricks_zone, Environment, HostAnalysis, HostKind, HostProblem, Zone,
};
pub use secret::Secret;
pub use vocabulary::{AuthMethod, Cloud, UnknownMethod};

/// The version shown by `dbx-check --version` and in the page footer.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
