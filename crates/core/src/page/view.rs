//! What each part of the page shows, read off a [`PageState`]: the components render
//! these as they are, so every condition and sentence is here and tested natively.

use super::{CheckStatus, PageState};
use crate::airflow::AirflowVersion;
use crate::airflow::{airflow_values_with_stores, AirflowValues, StoreForm};
use crate::check::{browser_added_headers, CheckPlan, CheckReport, Diagnosis, Route, RunState};
use crate::credential::{ConnectionField, Need};
use crate::finding::{Finding, Severity};
use crate::form::{
    connection_request, effective_input, AirflowNotes, OutputTab, MASK, MASK_PLACEHOLDER,
};
use crate::secret::Secret;
use crate::vocabulary::AuthMethod;

/// Step 1: the workspace URL field.
#[derive(Debug, Clone, PartialEq)]
pub struct HostView {
    pub value: String,
    /// What the URL gives Airflow, once the user typed one.
    pub summary: Option<String>,
    pub invalid: bool,
    pub findings: Vec<Finding>,
}

/// Step 2: the sign-in method and the fields it uses.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialView {
    pub method: AuthMethod,
    /// Whether (and why not) the browser can check this method.
    pub reach: &'static str,
    pub fields: Vec<FieldView>,
    pub findings: Vec<Finding>,
}

/// One field the method uses, as the page lays it out.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldView {
    /// Set by the page: a sentence saying to what.
    Fixed {
        field: ConnectionField,
        sentence: String,
        help: &'static str,
    },
    Input {
        field: ConnectionField,
        label: String,
        /// A `Secret` because the password's is one; the others are plain text in it.
        value: Secret,
        help: &'static str,
        /// The password field: masked until revealed.
        secret: bool,
        revealed: bool,
    },
}

/// Step 3's own fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultFieldsView {
    pub conn_id: String,
    pub http_path: String,
    /// The HTTP path the pasted URL carried, as the field's placeholder.
    pub found_path: String,
    pub airflow: AirflowVersion,
}

/// The Airflow version choices: the `<select>` value, its words, and the version.
pub const AIRFLOW_CHOICES: [(&str, &str, AirflowVersion); 2] = [
    ("3", "3.x or 2.11", AirflowVersion::V3),
    ("2", "2.10 or older", AirflowVersion::V2),
];

/// The version a choice's value stands for; anything unknown is the current Airflow.
pub fn airflow_choice(value: &str) -> AirflowVersion {
    AIRFLOW_CHOICES
        .iter()
        .find(|(v, _, _)| *v == value)
        .map_or(AirflowVersion::V3, |(_, _, version)| *version)
}

/// The live check: its button, the report, and the ways on when the browser was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckView {
    /// The sentence asking the user to allow a host outside the Databricks zones.
    pub confirm: Option<String>,
    pub disabled: bool,
    pub button: &'static str,
    /// Why the check cannot start, or what it will do.
    pub status: String,
    /// What the button starts: `None` while there is nothing to check.
    pub start: Option<CheckTicket>,
    pub live: Live,
    pub ways: Option<WaysView>,
}

/// Everything the page needs to run the check for the form as it is now.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckTicket {
    pub plan: CheckPlan,
    pub conn_id: String,
    pub route: Route,
    pub generation: u64,
}

/// The live region under the button.
#[derive(Debug, Clone, PartialEq)]
pub enum Live {
    Nothing,
    Progress(String),
    Report(Box<ReportView>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportView {
    /// Read from a terminal paste rather than checked by the browser.
    pub from_terminal: bool,
    pub verdict: Option<Diagnosis>,
    pub identity: Option<String>,
    pub warehouses: Vec<WarehouseView>,
    pub problem: Option<Finding>,
    /// The plan's notes, when the browser did not check or the terminal did.
    pub notes: Option<Vec<Finding>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WarehouseView {
    pub line: String,
    pub http_path: String,
}

/// The routes on when the browser could not judge the credential.
#[derive(Debug, Clone, PartialEq)]
pub struct WaysView {
    pub bash: String,
    pub powershell: String,
    pub airflow: String,
    pub pasted: Pasted,
}

/// What became of the answer pasted from a terminal.
#[derive(Debug, Clone, PartialEq)]
pub enum Pasted {
    Nothing,
    Read,
    Unreadable(Finding),
}

/// "What leaves your browser", once there is a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanView {
    pub summary: String,
    /// Each request's purpose and its text with the secret masked.
    pub requests: Vec<(&'static str, String)>,
    pub relay_note: Option<String>,
    pub browser_adds: String,
}

/// The output tabs and the Airflow findings under them.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputsView {
    pub tab: OutputTab,
    pub panes: Vec<PaneView>,
    /// Shown once the user typed a workspace URL.
    pub airflow: Option<AirflowNotes>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PaneView {
    /// The `data-output` key: the key of `dbx-check airflow`, with a store's form as
    /// `<store>.<field>` (`aws_secrets_manager.command`).
    pub key: String,
    pub label: &'static str,
    pub hint: &'static str,
    /// What the screen shows and what the copy button copies; `None` while unavailable.
    pub text: Option<(String, String)>,
}

/// A finding's severity as the page names it, before its message.
pub fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info => "Note",
    }
}

/// The tab beside `tab`, wrapping round: the arrow keys' move in the tab list.
pub fn tab_beside(tab: OutputTab, forward: bool) -> OutputTab {
    let all = OutputTab::ALL;
    let here = all.iter().position(|t| *t == tab).unwrap_or(0);
    let next = if forward {
        (here + 1) % all.len()
    } else {
        (here + all.len() - 1) % all.len()
    };
    all.get(next).copied().unwrap_or(tab)
}

impl PageState {
    pub fn host_view(&self) -> HostView {
        let host = &self.assessment.host;
        let shout = self.touched.workspace && !self.input.workspace_url.trim().is_empty();
        HostView {
            value: self.input.workspace_url.clone(),
            summary: shout.then(|| host.summary()).flatten(),
            invalid: shout && !host.is_usable(),
            findings: if shout {
                host.findings.clone()
            } else {
                Vec::new()
            },
        }
    }

    pub fn credential_view(&self) -> CredentialView {
        let credential = &self.assessment.credential;
        let fields = credential
            .fields_needed
            .iter()
            .filter_map(|need| {
                let field = need.field;
                let label = match need.need {
                    Need::Empty => return None,
                    Need::Fixed => {
                        return Some(FieldView::Fixed {
                            field,
                            sentence: format!("{}: set to {} for you. ", field.label(), need.value),
                            help: need.help,
                        })
                    }
                    Need::Optional => format!("{} (optional): {}", field.label(), need.value),
                    Need::Required => format!("{}: {}", field.label(), need.value),
                };
                let input = &self.input;
                let value = match field {
                    ConnectionField::Login => Secret::new(input.login.clone()),
                    ConnectionField::Password => input.secret.clone(),
                    ConnectionField::AzureTenantId => Secret::new(input.azure_tenant_id.clone()),
                    ConnectionField::AzureResourceId => {
                        Secret::new(input.azure_resource_id.clone())
                    }
                    ConnectionField::AzureManagedIdentityClientId => {
                        Secret::new(input.azure_mi_client_id.clone())
                    }
                    // Switches are set, never typed: the page shows no input for them.
                    ConnectionField::ServicePrincipalOauth
                    | ConnectionField::UseAzureManagedIdentity
                    | ConnectionField::UseDefaultAzureCredential => return None,
                };
                let secret = field == ConnectionField::Password;
                Some(FieldView::Input {
                    field,
                    label,
                    value,
                    help: need.help,
                    secret,
                    revealed: secret && self.secret_revealed,
                })
            })
            .collect();
        CredentialView {
            method: self.input.method,
            reach: credential.browser_check.reason,
            fields,
            findings: if self.touched.credential {
                credential.findings.clone()
            } else {
                Vec::new()
            },
        }
    }

    pub fn result_fields_view(&self) -> ResultFieldsView {
        ResultFieldsView {
            conn_id: self.input.conn_id.clone(),
            http_path: self.input.http_path.clone(),
            found_path: self.assessment.host.http_path.clone().unwrap_or_default(),
            airflow: self.input.airflow,
        }
    }

    pub fn check_view(&self) -> CheckView {
        let assessment = &self.assessment;
        let checking = matches!(self.check, CheckStatus::Checking(_));
        let confirm = self.awaiting_confirmation().then(|| {
            format!(
                "{} is not in any Databricks domain. Send your credential there only if it is your workspace (a custom or private-link domain).",
                assessment.host.hostname.as_deref().unwrap_or_default()
            )
        });
        let blocked = assessment.readiness.as_ref().err().map(|r| r.explain());
        let disabled = checking || blocked.is_some() || confirm.is_some();
        let status = blocked.unwrap_or_else(|| {
            if self.relay_available {
                "Runs Airflow's own test through this page's relay, then asks who the credential belongs to.".into()
            } else {
                "Runs Airflow's own test from your browser, then asks who the credential belongs to.".into()
            }
        });
        // One report on the page: a pasted one stands where a direct check's does.
        let live = match (&self.pasted, &self.check) {
            (Some(Ok(report)), _) => Live::Report(Box::new(report_view(report))),
            (_, CheckStatus::Idle) => Live::Nothing,
            (_, CheckStatus::Checking(report)) => Live::Progress(format!(
                "Checking: {}…",
                report.current.map_or("Starting", |s| s.purpose())
            )),
            (_, CheckStatus::Answered(report)) => Live::Report(Box::new(report_view(report))),
        };
        let pasted = match &self.pasted {
            None => Pasted::Nothing,
            Some(Ok(_)) => Pasted::Read,
            Some(Err(finding)) => Pasted::Unreadable(finding.clone()),
        };
        // The answered check's own ways on, else the ones the form offers before any check.
        let ways = match (&self.check, &assessment.terminal) {
            (CheckStatus::Answered(report), _) if report.ways_on.is_some() => {
                report.ways_on.as_ref()
            }
            (_, ways) => ways.as_ref(),
        }
        .map(|ways| WaysView {
            bash: ways.bash.script(),
            powershell: ways.powershell.script(),
            airflow: ways.airflow_cli.bash.clone(),
            pasted,
        });
        CheckView {
            confirm,
            disabled,
            button: if checking {
                "Checking…"
            } else {
                "Test the connection"
            },
            status,
            start: assessment.plan.clone().map(|plan| CheckTicket {
                plan,
                conn_id: self.input.conn_id.clone(),
                route: self.input.route,
                generation: self.generation,
            }),
            live,
            ways,
        }
    }

    pub fn plan_view(&self) -> Option<PlanView> {
        let plan = self.assessment.plan.as_ref()?;
        let headers: Vec<&str> = browser_added_headers().iter().map(|(n, _)| *n).collect();
        Some(PlanView {
            summary: plan.summary(),
            requests: plan
                .requests
                .iter()
                .map(|r| (r.step.purpose(), r.to_string()))
                .collect(),
            relay_note: (self.input.route == Route::Relay).then(|| {
                format!(
                    "Sent through this page's own relay ({}{}/…), which makes the same requests from its server and forwards only these.",
                    crate::check::relay::RELAY_PREFIX,
                    plan.host.trim_start_matches("https://")
                )
            }),
            browser_adds: format!(
                "Your browser adds: {}. Cookies are never sent, and nothing is stored.",
                headers.join(", ")
            ),
        })
    }

    pub fn outputs_view(&self) -> OutputsView {
        let mut airflow = self
            .touched
            .workspace
            .then(|| self.assessment.airflow_notes());
        if let Some(panes) = self.store_panes(airflow.as_mut()) {
            return OutputsView {
                tab: self.tab,
                panes,
                airflow,
            };
        }
        let panes = self
            .assessment
            .outputs
            .iter()
            .filter(|o| o.tab == self.tab)
            .map(|o| PaneView {
                key: o.key.to_owned(),
                label: o.label,
                hint: o.hint,
                text: match (&o.text, &o.shown) {
                    (Some(text), Some(shown)) => {
                        let visible = if self.secret_revealed { text } else { shown };
                        Some((visible.clone(), text.clone()))
                    }
                    _ => None,
                },
            })
            .collect();
        OutputsView {
            tab: self.tab,
            panes,
            airflow,
        }
    }

    /// A secrets store's tab: its forms are written only while the tab is shown (typing
    /// elsewhere never pays for them), from the same connection as the other tabs. Its
    /// findings (a store that cannot name this conn id) join `notes`. `None` for other tabs.
    fn store_panes(&self, notes: Option<&mut AirflowNotes>) -> Option<Vec<PaneView>> {
        use OutputTab::*;
        if !matches!(
            self.tab,
            AwsSecretsManager | GcpSecretManager | AzureKeyVault | Vault | Kubernetes | Helm
        ) {
            return None;
        }
        let pick = |v: AirflowValues| match self.tab {
            AwsSecretsManager => v.aws_secrets_manager,
            GcpSecretManager => v.gcp_secret_manager,
            AzureKeyVault => v.azure_key_vault,
            Vault => v.vault,
            Kubernetes => v.kubernetes,
            _ => v.helm,
        };
        let values = |secret: &Secret| {
            let mut req = connection_request(&effective_input(&self.input), &self.assessment.host);
            if !req.secret.is_empty() {
                req.secret = secret.clone();
            }
            airflow_values_with_stores(&req)
        };
        let real = values(&self.input.secret);
        if let Some(notes) = notes {
            for f in &real.findings {
                if !self.assessment.airflow.findings.contains(f) {
                    let list = if f.severity == Severity::Info {
                        &mut notes.notes
                    } else {
                        &mut notes.problems
                    };
                    list.push(f.clone());
                }
            }
        }
        let form = pick(real).filter(|_| self.assessment.credential.usable());
        // Only a manifest can hold the secret (the commands prompt for it): on screen it
        // is written again with the mask standing in, as the `env` output is.
        let shown = match &form {
            Some(StoreForm {
                manifest: Some(_), ..
            }) if !self.secret_revealed && !self.input.secret.is_empty() => {
                pick(values(&Secret::new(MASK_PLACEHOLDER)))
                    .and_then(|f| f.manifest)
                    .map(|m| m.replace(MASK_PLACEHOLDER, MASK))
            }
            _ => None,
        };
        let field = |name: &str, text: Option<String>| {
            let (_, label, hint) = STORE_PANES
                .into_iter()
                .find(|p| p.0 == name)
                .unwrap_or_default();
            PaneView {
                key: format!("{}.{name}", self.tab.as_str()),
                label,
                hint,
                text: text.map(|t| (t.clone(), t)),
            }
        };
        let Some(form) = form else {
            return Some(vec![field("command", None)]);
        };
        let mut panes = vec![
            field("name", Some(form.name)),
            field("command", Some(form.command)),
        ];
        if let Some(manifest) = form.manifest {
            let mut pane = field("manifest", Some(manifest));
            if let (Some(shown), Some(text)) = (shown, &mut pane.text) {
                text.0 = shown;
            }
            panes.push(pane);
        }
        if form.settings.is_some() {
            panes.push(field("settings", form.settings));
        }
        Some(panes)
    }
}

/// A store tab's panes: key, label, hint.
const STORE_PANES: [(&str, &str, &str); 4] = [
    (
        "name",
        "Looked up as",
        "The name under which Airflow's backend looks this conn id up.",
    ),
    (
        "command",
        "bash / zsh",
        "Run it as it is where the store's CLI is signed in; it asks for the secret, which it never shows.",
    ),
    (
        "manifest",
        "Manifest",
        "Kubernetes: the Secret to apply with kubectl apply -f (it holds the credential); Helm: the chart values that load it into every Airflow pod.",
    ),
    (
        "settings",
        "Airflow settings",
        "[secrets] backend and backend_kwargs (defaults written out), in airflow.cfg or as environment variables, and the provider to install.",
    ),
];

fn report_view(report: &CheckReport) -> ReportView {
    let from_terminal = report.route == Route::Terminal;
    ReportView {
        from_terminal,
        verdict: report.verdict.clone(),
        identity: report.identity.as_ref().map(|who| who.sentence()),
        warehouses: report
            .warehouses
            .iter()
            .map(|w| WarehouseView {
                line: format!("{}: {} ", w.name, w.http_path),
                http_path: w.http_path.clone(),
            })
            .collect(),
        problem: report.problem.clone(),
        notes: (report.state == RunState::NotInBrowser || from_terminal)
            .then(|| report.notes.clone()),
    }
}
