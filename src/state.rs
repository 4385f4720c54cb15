//! The page's one state and the one place it changes. Every edit re-runs the core's
//! `assess`; components read the result and send `Action`s named as user intents.

use dbx_check_core::airflow::AirflowVersion;
use dbx_check_core::check::{read_pasted_check, CheckReport, Route, RunState};
use dbx_check_core::{assess, AuthMethod, FormAssessment, FormInput, OutputTab, Secret};
use std::rc::Rc;
use yew::Reducible;

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
    /// The diagnosis of an answer the user ran in a terminal and pasted back.
    /// The report read from a terminal paste, or why the paste cannot be read.
    pub pasted: Option<Result<Box<CheckReport>, dbx_check_core::Finding>>,
}

/// A live check's life on the page.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckStatus {
    Idle,
    /// Started; the report fills in step by step.
    Checking(Box<CheckReport>),
    Answered(Box<CheckReport>),
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

    /// True when the user still has to agree before a secret goes to this host.
    pub fn awaiting_confirmation(&self) -> bool {
        self.assessment.needs_confirmation
            && self.confirmed_host.as_deref() != self.assessment.host.host.as_deref()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    HostEdited(String),
    MethodChosen(AuthMethod),
    LoginEdited(String),
    SecretEdited(String),
    TenantEdited(String),
    ResourceIdEdited(String),
    ManagedIdentityEdited(String),
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

impl Reducible for PageState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let mut input = next.input.clone();
        // Only what the requests carry makes a running or finished check stale.
        let affects_check = matches!(
            action,
            Action::HostEdited(_)
                | Action::MethodChosen(_)
                | Action::LoginEdited(_)
                | Action::SecretEdited(_)
                | Action::TenantEdited(_)
                | Action::ResourceIdEdited(_)
                | Action::ManagedIdentityEdited(_)
        );
        match action {
            Action::HostEdited(v) => {
                input.workspace_url = v;
                next.touched.workspace = true;
            }
            Action::MethodChosen(m) => input.method = m,
            Action::LoginEdited(v) => {
                input.login = v;
                next.touched.credential = true;
            }
            Action::SecretEdited(v) => {
                input.secret = Secret::new(v);
                next.touched.credential = true;
            }
            Action::TenantEdited(v) => input.azure_tenant_id = v,
            Action::ResourceIdEdited(v) => input.azure_resource_id = v,
            Action::ManagedIdentityEdited(v) => input.azure_mi_client_id = v,
            Action::HttpPathEdited(v) => input.http_path = v,
            Action::ConnIdEdited(v) => input.conn_id = v,
            Action::AirflowChosen(v) => input.airflow = v,
            Action::SecretRevealToggled => {
                next.secret_revealed = !next.secret_revealed;
                return Rc::new(next);
            }
            Action::HostConfirmed => {
                next.confirmed_host = next.assessment.host.host.clone();
                return Rc::new(next);
            }
            Action::TabChosen(tab) => {
                next.tab = tab;
                return Rc::new(next);
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
                return Rc::new(next);
            }
            Action::AnswerPasted(text) => {
                next.pasted = next
                    .assessment
                    .plan
                    .as_ref()
                    .filter(|_| !text.trim().is_empty())
                    .map(|plan| read_pasted_check(plan, &next.input.conn_id, &text).map(Box::new));
                return Rc::new(next);
            }
            Action::WarehouseChosen(path) => input.http_path = path,
        }
        input.now_unix = now_unix();
        next.assessment = Rc::new(assess(&input));
        next.input = input;
        if affects_check {
            next.generation += 1;
            next.check = CheckStatus::Idle;
            next.pasted = None;
        }
        Rc::new(next)
    }
}

/// Seconds since the epoch, from the browser's clock (for JWT expiry).
pub fn now_unix() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
