//! The whole form at once: what the page shows for everything the user typed. Each
//! analysis is its own module; this one only joins them (the host's cloud feeds the
//! credential check, the host value feeds the Airflow values and the request plan) and
//! decides whether a live check may start, so the page's components decide nothing.

use crate::airflow::{airflow_values_masked, AirflowValues, AirflowVersion, ConnectionRequest};
use crate::check::{
    airflow_cli_route, plan_check, terminal_route, CheckPlan, Route, Shell, WaysOn,
};
use crate::credential::{
    analyse_credential, browser_check, fields_needed, BrowserReach, ConnectionField,
    CredentialAnalysis, CredentialExtra, CredentialInput, Need,
};
use crate::finding::{Finding, Severity};
use crate::host::{analyse_host, HostAnalysis, HostKind};
use crate::secret::Secret;
use crate::vocabulary::AuthMethod;
use serde::Serialize;
use serde_json::{Map, Value};

/// Everything the page's form holds. Optional Extra settings are plain text; empty means unset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormInput {
    pub workspace_url: String,
    pub method: AuthMethod,
    pub login: String,
    pub secret: Secret,
    pub azure_tenant_id: String,
    pub azure_resource_id: String,
    pub azure_mi_client_id: String,
    /// Extra `http_path` for SQL operators; filled from the URL when one was pasted.
    pub http_path: String,
    pub conn_id: String,
    pub airflow: AirflowVersion,
    /// Unix seconds, to tell whether a pasted JWT has expired.
    pub now_unix: i64,
    /// How the page sends the check: `Relay` once it found its relay.
    pub route: Route,
}

impl Default for FormInput {
    fn default() -> Self {
        FormInput {
            workspace_url: String::new(),
            method: AuthMethod::Pat,
            login: String::new(),
            secret: Secret::default(),
            azure_tenant_id: String::new(),
            azure_resource_id: String::new(),
            azure_mi_client_id: String::new(),
            http_path: String::new(),
            conn_id: "databricks_default".into(),
            airflow: AirflowVersion::V3,
            now_unix: 0,
            route: Route::Direct,
        }
    }
}

/// Why the live check cannot start yet, in the order the user should fix things.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NotReady {
    /// Nothing typed in the URL field yet.
    NoWorkspace,
    /// The URL has an error finding (shown next to the field).
    WorkspaceUnusable,
    /// The credential is missing or has an error finding.
    CredentialUnusable,
    /// The method cannot be checked from a browser at all (Azure sign-in).
    BrowserCannotCheck { reason: &'static str },
    /// A host outside the Databricks zones, and no relay: the page's Content Security
    /// Policy (scripts/csp.mjs) lets the browser call only those zones, so a secret
    /// cannot go anywhere else by mistake. The terminal route still gets a verdict.
    OutsideZones { host: String },
}

impl NotReady {
    /// One line for the disabled check button's description.
    pub fn explain(&self) -> String {
        match self {
            NotReady::NoWorkspace => "Enter your workspace URL first.".into(),
            NotReady::WorkspaceUnusable => {
                "Fix the workspace URL first (see the message under it).".into()
            }
            NotReady::CredentialUnusable => {
                "Fill in the credential, and fix what is marked as an error under it.".into()
            }
            NotReady::BrowserCannotCheck { reason } => (*reason).into(),
            NotReady::OutsideZones { host } => format!(
                "{host} is outside the Databricks domains, and this page calls only those \
                 from your browser. Run the commands below in a terminal, or use a dbx-check \
                 relay started with --allow-host {host}."
            ),
        }
    }
}

/// One copy-paste output of the Airflow values, as the page's tabs show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    /// The key of `dbx-check airflow` (`uri`, `env`, ...); the page's `data-output`.
    pub key: &'static str,
    pub tab: OutputTab,
    pub label: &'static str,
    /// Where the value goes, in a sentence.
    pub hint: &'static str,
    /// `None` when the form cannot carry the value; the findings say why.
    pub text: Option<String>,
    /// `text` with the secret masked, for the screen until the user reveals it.
    pub shown: Option<String>,
}

/// The page's tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputTab {
    UiFields,
    EnvVariable,
    Json,
    Cli,
    Astro,
    Dotenv,
    Requirements,
    // The secrets stores: names are the keys of `dbx-check airflow`.
    AwsSecretsManager,
    GcpSecretManager,
    AzureKeyVault,
    Vault,
    Kubernetes,
    Helm,
}

impl OutputTab {
    pub const ALL: [OutputTab; 13] = [
        OutputTab::UiFields,
        OutputTab::EnvVariable,
        OutputTab::Json,
        OutputTab::Cli,
        OutputTab::Astro,
        OutputTab::Dotenv,
        OutputTab::Requirements,
        OutputTab::AwsSecretsManager,
        OutputTab::GcpSecretManager,
        OutputTab::AzureKeyVault,
        OutputTab::Vault,
        OutputTab::Kubernetes,
        OutputTab::Helm,
    ];

    /// The serde name, e.g. `ui_fields`: the page's tab ids.
    pub fn as_str(self) -> &'static str {
        crate::finding::variant_name(&self)
    }

    pub fn title(self) -> &'static str {
        match self {
            OutputTab::UiFields => "UI fields",
            OutputTab::EnvVariable => "Environment variable",
            OutputTab::Json => "JSON",
            OutputTab::Cli => "CLI",
            OutputTab::Astro => "Astro",
            OutputTab::Dotenv => ".env",
            OutputTab::Requirements => "Requirements",
            OutputTab::AwsSecretsManager => "AWS Secrets Manager",
            OutputTab::GcpSecretManager => "Google Secret Manager",
            OutputTab::AzureKeyVault => "Azure Key Vault",
            OutputTab::Vault => "Vault",
            OutputTab::Kubernetes => "Kubernetes",
            OutputTab::Helm => "Helm",
        }
    }
}

/// What the page shows for one state of the form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormAssessment {
    pub host: HostAnalysis,
    pub credential: CredentialAnalysis,
    pub airflow: AirflowValues,
    /// The requests a live check would make, when the host is usable (shown in "What leaves
    /// your browser" even before the credential is complete).
    pub plan: Option<CheckPlan>,
    /// `Ok` when the live check may start.
    pub readiness: Result<(), NotReady>,
    /// The host is outside the Databricks DNS zones and the relay would forward to it:
    /// ask before sending a secret there.
    pub needs_confirmation: bool,
    /// The same requests for a terminal, when the browser will not send them itself.
    pub terminal: Option<WaysOn>,
    pub outputs: Vec<Output>,
}

/// The Airflow findings as the page lays them out: problems stay in view; notes (traps
/// worth knowing, of severity Info) fold away under `summary`.
#[derive(Debug, Clone, PartialEq)]
pub struct AirflowNotes {
    pub problems: Vec<Finding>,
    pub notes: Vec<Finding>,
    pub summary: String,
}

impl FormAssessment {
    pub fn airflow_notes(&self) -> AirflowNotes {
        let (notes, problems): (Vec<Finding>, Vec<Finding>) = self
            .airflow
            .findings
            .iter()
            .cloned()
            .partition(|f| f.severity == Severity::Info);
        let summary = match notes.len() {
            1 => "1 note about using these values in Airflow".to_owned(),
            n => format!("{n} notes about using these values in Airflow"),
        };
        AirflowNotes {
            problems,
            notes,
            summary,
        }
    }
}

/// Assess the whole form. Never panics; nothing in the result holds the secret except the
/// outputs meant to be pasted into Airflow and the plan's `Secret`-typed headers.
pub fn assess(input: &FormInput) -> FormAssessment {
    let effective = effective_input(input);
    let input = &effective;
    let host = analyse_host(&input.workspace_url);
    let credential = analyse_credential(&CredentialInput {
        method: input.method,
        login: input.login.clone(),
        secret: input.secret.clone(),
        cloud: host.cloud,
        extra: CredentialExtra {
            azure_tenant_id: non_empty(&input.azure_tenant_id),
            azure_resource_id: non_empty(&input.azure_resource_id),
            azure_managed_identity_client_id: non_empty(&input.azure_mi_client_id),
            token: None,
        },
        now_unix: input.now_unix,
    });
    let request = connection_request(input, &host);
    // With no secret there is nothing to mask: the screen shows the values themselves.
    let mask = (!input.secret.is_empty()).then_some(MASK_PLACEHOLDER);
    let (airflow, masked) = airflow_values_masked(&request, host.host.as_deref(), mask);
    let plan = host.host.as_deref().map(|h| {
        let mut plan = plan_check(h, input.method, &input.login, &input.secret);
        plan.workspace_id = host.workspace_id.clone().zip(host.workspace_id_source);
        plan
    });
    let readiness = readiness(input, &host, &credential);
    let outside_zones = host.is_usable() && host.kind == HostKind::UnknownDomain;
    let needs_confirmation = outside_zones && input.route == Route::Relay;
    let terminal = match (&readiness, &plan) {
        (Err(NotReady::OutsideZones { .. }), Some(plan)) => Some(WaysOn {
            bash: terminal_route(plan, Shell::Bash),
            powershell: terminal_route(plan, Shell::PowerShell),
            airflow_cli: airflow_cli_route(&input.conn_id),
        }),
        _ => None,
    };
    let mut outputs = outputs(&input.conn_id, &airflow, masked.as_ref());
    // A credential with an error (a cut-off token, a token's ID, a stray space) would be
    // pasted into Airflow as it is: give no value to copy until it is fixed.
    if !credential.usable() {
        for o in outputs.iter_mut().filter(|o| o.key != "requirements") {
            o.text = None;
            o.shown = None;
        }
    }
    FormAssessment {
        host,
        credential,
        airflow,
        plan,
        readiness,
        needs_confirmation,
        terminal,
        outputs,
    }
}

/// The form as Airflow will see it: the page shows only the fields a method uses, so a
/// value typed for another method (a Login kept from `sp_oauth`, say) must not leak into
/// this one; a fixed Login (`token` for `pat_basic`) is written by the page itself.
pub(crate) fn effective_input(input: &FormInput) -> FormInput {
    let mut effective = input.clone();
    for need in fields_needed(input.method) {
        let value = match need.need {
            Need::Fixed => need.value,
            Need::Empty => "",
            Need::Required | Need::Optional => continue,
        };
        match need.field {
            ConnectionField::Login => effective.login = value.to_owned(),
            ConnectionField::Password => effective.secret = Secret::default(),
            _ => {}
        }
    }
    effective
}

fn readiness(
    input: &FormInput,
    host: &HostAnalysis,
    credential: &CredentialAnalysis,
) -> Result<(), NotReady> {
    if input.workspace_url.trim().is_empty() {
        return Err(NotReady::NoWorkspace);
    }
    if !host.is_usable() {
        return Err(NotReady::WorkspaceUnusable);
    }
    let reach = browser_check(input.method);
    if reach.reach != BrowserReach::Live {
        return Err(NotReady::BrowserCannotCheck {
            reason: reach.reason,
        });
    }
    if input.secret.is_empty() || !credential.usable() {
        return Err(NotReady::CredentialUnusable);
    }
    if host.kind == HostKind::UnknownDomain && input.route == Route::Direct {
        return Err(NotReady::OutsideZones {
            host: host.hostname.clone().unwrap_or_default(),
        });
    }
    Ok(())
}

pub(crate) fn connection_request(input: &FormInput, host: &HostAnalysis) -> ConnectionRequest {
    let mut extra = Map::new();
    let mut put = |key: &str, value: &str| {
        if let Some(v) = non_empty(value) {
            extra.insert(key.to_owned(), Value::String(v));
        }
    };
    match input.method {
        AuthMethod::AzureSp => {
            put("azure_tenant_id", &input.azure_tenant_id);
            put("azure_resource_id", &input.azure_resource_id);
        }
        AuthMethod::AzureMi => {
            put(
                "azure_managed_identity_client_id",
                &input.azure_mi_client_id,
            );
            put("azure_resource_id", &input.azure_resource_id);
        }
        _ => {}
    }
    // An HTTP path found in the pasted URL counts until the user types their own.
    let http_path = non_empty(&input.http_path).or_else(|| host.http_path.clone());
    if let Some(path) = http_path {
        put("http_path", &path);
    }
    ConnectionRequest {
        conn_id: input.conn_id.clone(),
        host: input.workspace_url.clone(),
        method: input.method,
        login: input.login.clone(),
        secret: input.secret.clone(),
        extra,
        airflow: input.airflow,
    }
}

/// Stands in for the secret in the on-screen copy of each output. Letters and digits only,
/// so every encoder (URI, shell, JSON, YAML) leaves it as it is and it can be swapped for
/// dots afterwards.
pub(crate) const MASK_PLACEHOLDER: &str = "DBXCHECKMASKEDSECRET0";
pub(crate) const MASK: &str = "••••••••";

/// The outputs of `values`, each shown as its copy in `masked` (the values written with
/// the placeholder for the secret), or as itself when there is no secret to mask.
fn outputs(conn_id: &str, values: &AirflowValues, masked: Option<&AirflowValues>) -> Vec<Output> {
    let mut real = texts(conn_id, values, Option::clone);
    let Some(masked) = masked else {
        for out in &mut real {
            out.shown = out.text.clone();
        }
        return real;
    };
    // The masked copies are read once, to swap the placeholder for dots: no copy kept.
    let shown = texts(conn_id, masked, |text| {
        text.as_ref().map(|m| m.replace(MASK_PLACEHOLDER, MASK))
    });
    real.into_iter()
        .zip(shown)
        .map(|(mut out, shown)| {
            // Show a masked copy only where the real value exists: a secret the masked
            // run could carry may still be one the real form cannot.
            out.shown = out.text.as_ref().and(shown.text);
            out
        })
        .collect()
}

/// The page's outputs of `values`, each text passed through `text` (a copy, or the
/// masked copy with its placeholder replaced).
fn texts(
    conn_id: &str,
    values: &AirflowValues,
    text: impl Fn(&Option<String>) -> Option<String>,
) -> Vec<Output> {
    let fields = values.fields.as_ref().map(|f| {
        let mut text = format!(
            "Connection Id:   {}\nConnection Type: {}\nHost:            {}\nLogin:           {}\nPassword:        {}\nSchema:          (leave empty)\nPort:            (leave empty)",
            conn_id.trim(),
            f.conn_type,
            f.host,
            f.login,
            f.password
        );
        if !f.extra.is_empty() {
            text.push_str("\nExtra:\n");
            text.push_str(&f.extra);
        }
        text
    });
    let requirements = Some(values.requirements.clone());
    let o = |key, tab, label, hint, value: &Option<String>| Output {
        key,
        tab,
        label,
        hint,
        text: text(value),
        shown: None,
    };
    vec![
        o(
            "fields",
            OutputTab::UiFields,
            "Connection form",
            "Admin, Connections, Add: one value per field. Schema and Port stay empty.",
            &fields,
        ),
        o(
            "env",
            OutputTab::EnvVariable,
            "export (URI)",
            "In the shell or container environment where Airflow runs.",
            &values.env,
        ),
        o(
            "uri",
            OutputTab::EnvVariable,
            "URI",
            "The connection URI alone, for secrets backends that take a URI.",
            &values.uri,
        ),
        o(
            "env_json",
            OutputTab::Json,
            "export (JSON)",
            "The JSON form of the variable (Airflow 2.3 and later); keeps booleans as booleans.",
            &values.env_json,
        ),
        o(
            "cli",
            OutputTab::Cli,
            "airflow connections add",
            "Run where the Airflow CLI reaches the metadata database.",
            &values.cli,
        ),
        o(
            "cli_json",
            OutputTab::Cli,
            "airflow connections add --conn-json",
            "The same, with the whole connection as one JSON value.",
            &values.cli_json,
        ),
        o(
            "yaml",
            OutputTab::Astro,
            "airflow_settings.yaml",
            "Astro CLI projects: under airflow: connections: in airflow_settings.yaml.",
            &values.yaml,
        ),
        o(
            "dotenv",
            OutputTab::Dotenv,
            ".env line",
            "Astro or Docker Compose projects: one line in the .env file at the project root.",
            &values.dotenv,
        ),
        o(
            "requirements",
            OutputTab::Requirements,
            "requirements.txt",
            "The provider line for the Airflow version you picked.",
            &requirements,
        ),
    ]
}

fn non_empty(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PAT: &str = "dapi0123456789abcdef0123456789abcdef";

    #[test]
    fn tab_ids_are_the_serde_names() {
        let ids: Vec<&str> = OutputTab::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(
            ids,
            [
                "ui_fields",
                "env_variable",
                "json",
                "cli",
                "astro",
                "dotenv",
                "requirements",
                "aws_secrets_manager",
                "gcp_secret_manager",
                "azure_key_vault",
                "vault",
                "kubernetes",
                "helm"
            ]
        );
    }

    fn form(url: &str, method: AuthMethod, login: &str, secret: &str) -> FormInput {
        FormInput {
            workspace_url: url.into(),
            method,
            login: login.into(),
            secret: Secret::new(secret),
            ..FormInput::default()
        }
    }

    #[test]
    fn airflow_notes_fold_the_info_findings_under_a_counted_summary() {
        let a = assess(&form(
            "https://dbc-1.cloud.databricks.com",
            AuthMethod::Pat,
            "",
            PAT,
        ));
        let split = a.airflow_notes();
        assert!(split.notes.iter().all(|f| f.severity == Severity::Info));
        assert!(split.problems.iter().all(|f| f.severity != Severity::Info));
        assert_eq!(
            split.notes.len() + split.problems.len(),
            a.airflow.findings.len()
        );
        assert!(split
            .summary
            .starts_with(&format!("{} notes about", split.notes.len())));
        let one = FormAssessment {
            airflow: AirflowValues {
                findings: split.notes[..1].to_vec(),
                ..a.airflow.clone()
            },
            ..a
        };
        assert_eq!(
            one.airflow_notes().summary,
            "1 note about using these values in Airflow"
        );
    }

    #[test]
    fn an_empty_form_asks_for_the_workspace_and_gives_no_values() {
        let a = assess(&FormInput::default());
        assert_eq!(a.readiness, Err(NotReady::NoWorkspace));
        assert!(a.plan.is_none());
        assert!(!a.needs_confirmation);
        let fields = a.outputs.iter().find(|o| o.key == "fields").unwrap();
        assert_eq!(fields.text, None);
    }

    #[test]
    fn a_good_workspace_and_token_are_ready_with_every_output() {
        let a = assess(&form(
            "https://adb-1234567890123456.7.azuredatabricks.net/?o=1234567890123456#notebook/1",
            AuthMethod::Pat,
            "",
            PAT,
        ));
        assert_eq!(a.readiness, Ok(()));
        let plan = a.plan.expect("a plan");
        assert_eq!(
            plan.host,
            "https://adb-1234567890123456.7.azuredatabricks.net"
        );
        let keys: Vec<_> = a.outputs.iter().map(|o| o.key).collect();
        assert_eq!(
            keys,
            [
                "fields",
                "env",
                "uri",
                "env_json",
                "cli",
                "cli_json",
                "yaml",
                "dotenv",
                "requirements"
            ]
        );
        assert!(
            a.outputs.iter().all(|o| o.text.is_some()),
            "{:?}",
            a.outputs
        );
        let env = a.outputs.iter().find(|o| o.key == "env").unwrap();
        assert!(env
            .text
            .as_deref()
            .unwrap()
            .starts_with("export AIRFLOW_CONN_DATABRICKS_DEFAULT="));
    }

    #[test]
    fn the_host_cloud_reaches_the_credential_check() {
        let a = assess(&form(
            "https://dbc-a1b2345c-d6e7.cloud.databricks.com",
            AuthMethod::AzureSp,
            "8c1e4b0a-7d52-4f3e-9a61-2f0c5d7e9b13",
            "some~client~secret~value~1234567890",
        ));
        assert!(
            a.credential
                .findings
                .iter()
                .any(|f| f.code.contains("azure") || f.code.contains("cloud")),
            "{:?}",
            a.credential.findings
        );
        assert!(matches!(
            a.readiness,
            Err(NotReady::BrowserCannotCheck { .. })
        ));
    }

    #[test]
    fn a_broken_url_or_credential_blocks_the_check() {
        let a = assess(&form(
            "https://accounts.cloud.databricks.com",
            AuthMethod::Pat,
            "",
            PAT,
        ));
        assert_eq!(a.readiness, Err(NotReady::WorkspaceUnusable));
        let a = assess(&form(
            "https://dbc-a1b2345c-d6e7.cloud.databricks.com",
            AuthMethod::Pat,
            "",
            "",
        ));
        assert_eq!(a.readiness, Err(NotReady::CredentialUnusable));
        // The plan still shows what would be sent once the credential is there.
        assert!(a.plan.is_some());
    }

    #[test]
    fn a_domain_outside_the_zones_gets_the_terminal_route_or_a_confirmation_with_the_relay() {
        let mut f = form("https://databricks.example.com", AuthMethod::Pat, "", PAT);
        let a = assess(&f);
        assert!(a.host.is_usable(), "{:?}", a.host.findings);
        assert!(
            matches!(&a.readiness, Err(NotReady::OutsideZones { host }) if host == "databricks.example.com"),
            "{:?}",
            a.readiness
        );
        assert!(!a.needs_confirmation);
        let ways = a.terminal.expect("the terminal route");
        assert!(ways
            .bash
            .commands
            .iter()
            .any(|c| c.command.contains("databricks.example.com")));
        assert!(!format!("{ways:?}").contains(PAT));

        f.route = Route::Relay;
        let a = assess(&f);
        assert_eq!(a.readiness, Ok(()));
        assert!(a.needs_confirmation);
        assert!(a.terminal.is_none());

        let a = assess(&form(
            "https://adb-1.2.azuredatabricks.net",
            AuthMethod::Pat,
            "",
            PAT,
        ));
        assert!(!a.needs_confirmation && a.terminal.is_none());
    }

    #[test]
    fn an_http_path_pasted_in_the_url_lands_in_extra_until_one_is_typed() {
        let url = "https://adb-1.2.azuredatabricks.net/sql/1.0/warehouses/abc123def456";
        let a = assess(&form(url, AuthMethod::Pat, "", PAT));
        let fields = a.airflow.fields.as_ref().expect("fields");
        assert!(
            fields.extra.contains("/sql/1.0/warehouses/abc123def456"),
            "{}",
            fields.extra
        );
        let mut typed = form(url, AuthMethod::Pat, "", PAT);
        typed.http_path = "/sql/1.0/warehouses/fff".into();
        let a = assess(&typed);
        assert!(a.airflow.fields.unwrap().extra.contains("warehouses/fff"));
    }

    #[test]
    fn a_credential_with_an_error_gives_nothing_to_copy() {
        let a = assess(&form(
            "https://adb-1.2.azuredatabricks.net",
            AuthMethod::Pat,
            "",
            &format!("{PAT} "),
        ));
        assert!(!a.credential.usable());
        for o in &a.outputs {
            assert_eq!(o.text.is_some(), o.key == "requirements", "{}", o.key);
        }
    }

    #[test]
    fn hidden_fields_do_not_leak_into_another_method() {
        // A client id typed for sp_oauth, then the user switches to a PAT.
        let a = assess(&form(
            "https://adb-1.2.azuredatabricks.net",
            AuthMethod::Pat,
            "8c1e4b0a-7d52-4f3e-9a61-2f0c5d7e9b13",
            PAT,
        ));
        assert_eq!(a.airflow.fields.unwrap().login, "");
        assert_eq!(a.plan.unwrap().login, "");
        let a = assess(&form(
            "https://adb-1.2.azuredatabricks.net",
            AuthMethod::PatBasic,
            "",
            PAT,
        ));
        assert_eq!(a.airflow.fields.unwrap().login, "token");
        assert_eq!(a.readiness, Ok(()));
    }

    #[test]
    fn azure_settings_go_into_extra_only_for_their_method() {
        let mut f = form(
            "https://adb-1.2.azuredatabricks.net",
            AuthMethod::AzureSp,
            "8c1e4b0a-7d52-4f3e-9a61-2f0c5d7e9b13",
            "client~secret~value~abcdefghij0123456789",
        );
        f.azure_tenant_id = "0b5f3c2e-1d4a-4e6b-8c9d-7a1f2e3d4c5b".into();
        let extra = assess(&f).airflow.fields.unwrap().extra;
        assert!(extra.contains("azure_tenant_id"), "{extra}");
        f.method = AuthMethod::Pat;
        f.login.clear();
        f.secret = Secret::new(PAT);
        let extra = assess(&f).airflow.fields.unwrap().extra;
        assert!(!extra.contains("azure_tenant_id"), "{extra}");
    }

    /// The on-screen copies as they were written before the form built its values once:
    /// the Airflow values built a second time with the mask as the secret (and, as
    /// `assess` does, nothing to show for a credential with an error).
    fn shown_by_a_second_build(input: &FormInput) -> Vec<Option<String>> {
        let usable = assess(input).credential.usable();
        let input = effective_input(input);
        let request = connection_request(&input, &analyse_host(&input.workspace_url));
        let real = crate::airflow::airflow_values(&request);
        let masked = crate::airflow::airflow_values(&ConnectionRequest {
            secret: Secret::new(MASK_PLACEHOLDER),
            ..request
        });
        let no_secret = input.secret.is_empty();
        let real = texts(&input.conn_id, &real, Option::clone);
        let masked = texts(&input.conn_id, &masked, Option::clone);
        real.into_iter()
            .zip(masked)
            .map(|(o, m)| {
                let shown = match (&o.text, m.text) {
                    (Some(real), _) if no_secret => Some(real.clone()),
                    (Some(_), Some(m)) => Some(m.replace(MASK_PLACEHOLDER, MASK)),
                    _ => None,
                };
                shown.filter(|_| usable || o.key == "requirements")
            })
            .collect()
    }

    fn shown(a: &FormAssessment) -> Vec<Option<String>> {
        a.outputs.iter().map(|o| o.shown.clone()).collect()
    }

    #[test]
    fn the_masked_values_are_the_real_ones_with_the_secret_masked() {
        let a = assess(&form(
            "https://dbc-1.cloud.databricks.com",
            AuthMethod::SpOauth,
            "c-1",
            "s3cretOAuthValue",
        ));
        assert!(a.credential.usable());
        for o in &a.outputs {
            let (Some(text), Some(shown)) = (&o.text, &o.shown) else {
                panic!("{}: no value", o.key);
            };
            assert!(!shown.contains("s3cretOAuthValue"), "{}", o.key);
            assert_eq!(*shown, text.replace("s3cretOAuthValue", MASK), "{}", o.key);
        }
        assert!(a
            .outputs
            .iter()
            .any(|o| o.shown.as_ref().is_some_and(|s| s.contains(MASK))));
    }

    #[test]
    fn the_masked_values_are_those_of_a_second_build_with_the_mask_as_secret() {
        let secrets = [
            PAT,
            "",
            "a'b \"c\" $d #e %f",
            "line\nbreak",
            "tab\there",
            "caf\u{e9}-\u{2603}",
            "-starts-with-dash",
        ];
        for method in AuthMethod::ALL {
            for secret in secrets {
                for url in [
                    "https://adb-1234567890123456.7.azuredatabricks.net/?o=1#x",
                    "https://example.com",
                    "",
                ] {
                    let mut f = form(url, method, "c-1", secret);
                    f.http_path = "/sql/1.0/warehouses/abc".into();
                    assert_eq!(
                        shown(&assess(&f)),
                        shown_by_a_second_build(&f),
                        "{method:?} {secret:?} {url}"
                    );
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]
        #[test]
        fn never_panics_and_is_ready_only_with_a_usable_host(
            url in "\\PC{0,60}",
            login in "\\PC{0,20}",
            secret in "\\PC{0,50}",
            m in 0usize..7,
            conn_id in "[a-zA-Z0-9_.\\- ]{0,12}",
        ) {
            let mut f = form(&url, AuthMethod::ALL[m], &login, &secret);
            f.conn_id = conn_id;
            let a = assess(&f);
            if a.readiness.is_ok() {
                prop_assert!(a.host.is_usable());
                prop_assert!(a.plan.is_some());
            }
            prop_assert_eq!(a.outputs.len(), 9);
            prop_assert_eq!(shown(&a), shown_by_a_second_build(&f));
        }
    }
}
