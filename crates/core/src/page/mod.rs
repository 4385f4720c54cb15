//! The page's one state and the one place it changes, as a plain function of
//! (state, action, now): the page's reducer reads the clock and calls [`reduce`], so
//! every transition runs natively in tests. [`view`] turns a state into what each part of
//! the page shows, wording included; the components only render it.

pub mod view;

use crate::address::PageAddress;
use crate::airflow::AirflowVersion;
use crate::check::{read_pasted_check, CheckReport, Route, RunState};
use crate::credential::ConnectionField;
use crate::finding::Finding;
use crate::form::{assess, FormAssessment, FormInput, OutputTab};
use crate::secret::Secret;
use crate::vocabulary::AuthMethod;
use std::rc::Rc;

/// Which fields the user has typed in: findings stay quiet until then.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Touched {
    pub workspace: bool,
    pub credential: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PageState {
    pub input: FormInput,
    pub assessment: Rc<FormAssessment>,
    pub touched: Touched,
    pub secret_revealed: bool,
    /// The host the user agreed to send a secret to, when it is outside the Databricks zones.
    pub confirmed_host: Option<String>,
    pub tab: OutputTab,
    /// Bumped on every edit of what the check sends, so an answer to an outdated check
    /// is dropped and a running one is aborted.
    pub generation: u64,
    /// The page is served by the dbx-check relay (it carries the relay's mark).
    pub relay_available: bool,
    pub check: CheckStatus,
    /// The report read from a terminal paste, or why the paste cannot be read.
    pub pasted: Option<Result<Box<CheckReport>, Finding>>,
}

/// A live check's life on the page.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckStatus {
    Idle,
    /// Started; the report fills in step by step.
    Checking(Box<CheckReport>),
    Answered(Box<CheckReport>),
}

/// What the user (or the check's driver) did, named as an intent.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    HostEdited(String),
    MethodChosen(AuthMethod),
    /// One of the credential step's text fields (login, secret, Azure ids).
    FieldEdited(ConnectionField, String),
    HttpPathEdited(String),
    ConnIdEdited(String),
    AirflowChosen(AirflowVersion),
    SecretRevealToggled,
    HostConfirmed,
    TabChosen(OutputTab),
    RelayDetected(bool),
    /// The check's driver reports progress (or the end) for the form as it was at `generation`.
    CheckProgressed {
        generation: u64,
        report: Box<CheckReport>,
    },
    AnswerPasted(String),
    WarehouseChosen(String),
}

impl PageState {
    pub fn new(input: FormInput) -> Self {
        let assessment = Rc::new(assess(&input));
        PageState {
            input,
            assessment,
            touched: Touched::default(),
            secret_revealed: false,
            confirmed_host: None,
            tab: OutputTab::UiFields,
            generation: 0,
            relay_available: false,
            check: CheckStatus::Idle,
            pasted: None,
        }
    }

    /// The form as the page's address prefills it, at `now_unix`.
    pub fn from_address(address: &PageAddress, now_unix: i64) -> Self {
        let mut input = FormInput::default();
        if let Some(host) = &address.host {
            input.workspace_url = host.clone();
        }
        if let Some(id) = &address.conn_id {
            input.conn_id = id.clone();
        }
        if let Some(method) = address.method {
            input.method = method;
        }
        input.now_unix = now_unix;
        PageState::new(input)
    }

    /// True when the user still has to agree before a secret goes to this host.
    pub fn awaiting_confirmation(&self) -> bool {
        self.assessment.needs_confirmation
            && self.confirmed_host.as_deref() != self.assessment.host.host.as_deref()
    }
}

/// The state after `action`, with `now_unix` (seconds since the epoch) as the time the
/// form is judged at (a pasted JWT's expiry).
pub fn reduce(state: &PageState, action: Action, now_unix: i64) -> PageState {
    let mut next = state.clone();
    let mut input = next.input.clone();
    // Only what the requests carry makes a running or finished check stale.
    let affects_check = matches!(
        action,
        Action::HostEdited(_) | Action::MethodChosen(_) | Action::FieldEdited(..)
    );
    match action {
        Action::HostEdited(v) => {
            input.workspace_url = v;
            next.touched.workspace = true;
        }
        Action::MethodChosen(m) => input.method = m,
        Action::FieldEdited(field, v) => {
            match field {
                ConnectionField::Login => input.login = v,
                ConnectionField::Password => input.secret = Secret::new(v),
                ConnectionField::AzureTenantId => input.azure_tenant_id = v,
                ConnectionField::AzureResourceId => input.azure_resource_id = v,
                ConnectionField::AzureManagedIdentityClientId => input.azure_mi_client_id = v,
                // Switches the page sets itself: there is nothing to type in them.
                ConnectionField::ServicePrincipalOauth
                | ConnectionField::UseAzureManagedIdentity
                | ConnectionField::UseDefaultAzureCredential => return next,
            }
            // The credential's findings speak once its own fields are typed in.
            if matches!(field, ConnectionField::Login | ConnectionField::Password) {
                next.touched.credential = true;
            }
        }
        Action::HttpPathEdited(v) | Action::WarehouseChosen(v) => input.http_path = v,
        Action::ConnIdEdited(v) => input.conn_id = v,
        Action::AirflowChosen(v) => input.airflow = v,
        Action::SecretRevealToggled => {
            next.secret_revealed = !next.secret_revealed;
            return next;
        }
        Action::HostConfirmed => {
            next.confirmed_host = next.assessment.host.host.clone();
            return next;
        }
        Action::TabChosen(tab) => {
            next.tab = tab;
            return next;
        }
        Action::RelayDetected(available) => {
            next.relay_available = available;
            input.route = if available {
                Route::Relay
            } else {
                Route::Direct
            };
        }
        Action::CheckProgressed { generation, report } => {
            // An answer for inputs that have changed since is not about this form.
            if generation == next.generation {
                next.check = if report.state == RunState::Checking {
                    CheckStatus::Checking(report)
                } else {
                    CheckStatus::Answered(report)
                };
            }
            return next;
        }
        Action::AnswerPasted(text) => {
            next.pasted = next
                .assessment
                .plan
                .as_ref()
                .filter(|_| !text.trim().is_empty())
                .map(|plan| read_pasted_check(plan, &next.input.conn_id, &text).map(Box::new));
            return next;
        }
    }
    reassess(next, input, now_unix, affects_check)
}

/// Judges the edited form again; an edit of what the check sends also makes the running
/// or finished check, and any pasted answer, stale.
fn reassess(mut next: PageState, mut input: FormInput, now_unix: i64, stale: bool) -> PageState {
    input.now_unix = now_unix;
    next.assessment = Rc::new(assess(&input));
    next.input = input;
    if stale {
        next.generation += 1;
        next.check = CheckStatus::Idle;
        next.pasted = None;
    }
    next
}

#[cfg(test)]
mod tests;
