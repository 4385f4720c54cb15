//! The page's one state and the one place it changes. Every edit re-runs the core's
//! `assess`; components read the result and send `Action`s named as user intents.

use dbx_check_core::airflow::AirflowVersion;
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
    /// Bumped on every edit, so an answer to an outdated check is dropped.
    pub generation: u64,
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
}

impl Reducible for PageState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let mut input = next.input.clone();
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
        }
        input.now_unix = now_unix();
        next.assessment = Rc::new(assess(&input));
        next.input = input;
        next.generation += 1;
        Rc::new(next)
    }
}

/// Seconds since the epoch, from the browser's clock (for JWT expiry).
pub fn now_unix() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
