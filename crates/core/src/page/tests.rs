use super::view::{airflow_choice, tab_beside, FieldView, Live, Pasted};
use super::*;
use crate::check::{CheckRun, RawOutcome, Step, Transport};

const NOW: i64 = 1_800_000_000;
const AWS: &str = "https://ok-7.cloud.databricks.com";
const CLIENT_ID: &str = "8c1e4b0a-7d52-4f3e-9a61-2f0c5d7e9b13";
const PAT: &str = "dapi0123456789abcdef0123456789abcdef";
/// A terminal run of the service principal's block, recorded (see check/transcript.rs).
const SP_OAUTH_OK: &str = include_str!("../../tests/data/transcripts/bash_sp_oauth_ok.txt");

fn run(state: &PageState, actions: Vec<Action>) -> PageState {
    actions
        .into_iter()
        .fold(state.clone(), |s, a| reduce(&s, a, NOW))
}

fn blank() -> PageState {
    PageState::new(FormInput::default())
}

/// A form ready to check: a PAT for an AWS workspace.
fn pat_form() -> PageState {
    let s = run(
        &blank(),
        vec![
            Action::HostEdited(AWS.into()),
            Action::FieldEdited(ConnectionField::Password, PAT.into()),
        ],
    );
    assert!(
        s.assessment.readiness.is_ok(),
        "{:?}",
        s.assessment.readiness
    );
    s
}

/// A service principal's form, for which a recorded terminal run exists.
fn sp_form() -> PageState {
    run(
        &blank(),
        vec![
            Action::HostEdited(AWS.into()),
            Action::MethodChosen(AuthMethod::SpOauth),
            Action::FieldEdited(ConnectionField::Login, CLIENT_ID.into()),
            Action::FieldEdited(ConnectionField::Password, "dose0123456789abcdef0123".into()),
        ],
    )
}

/// The report of a check of `state`'s form: still sending, or refused by the browser.
fn report(state: &PageState, refused: bool) -> Box<CheckReport> {
    let plan = state.assessment.plan.clone().expect("a plan");
    let mut check = CheckRun::start(plan, &state.input.conn_id, state.input.route);
    if refused {
        check.record(RawOutcome::failed(Step::OauthToken, Transport::Blocked));
    }
    Box::new(check.report())
}

fn progressed(state: &PageState, refused: bool) -> Action {
    Action::CheckProgressed {
        generation: state.generation,
        report: report(state, refused),
    }
}

#[test]
fn progress_for_the_current_form_is_shown_and_its_end_answers() {
    let s = pat_form();
    let checking = run(&s, vec![progressed(&s, false)]);
    assert!(matches!(checking.check, CheckStatus::Checking(_)));
    let view = checking.check_view();
    assert!(view.disabled);
    assert_eq!(view.button, "Checking…");
    assert!(matches!(&view.live, Live::Progress(text) if text.starts_with("Checking: ")));
    let answered = run(&checking, vec![progressed(&s, true)]);
    assert!(matches!(answered.check, CheckStatus::Answered(_)));
    let view = answered.check_view();
    assert!(!view.disabled);
    assert_eq!(view.button, "Test the connection");
    assert!(matches!(view.live, Live::Report(_)));
}

#[test]
fn an_answer_to_an_outdated_check_is_dropped() {
    let old = pat_form();
    let late = progressed(&old, true);
    let edited = run(&old, vec![Action::HostEdited(format!("{AWS}/"))]);
    assert_eq!(edited.generation, old.generation + 1);
    let after = run(&edited, vec![late]);
    assert_eq!(after.check, CheckStatus::Idle);
    assert_eq!(after, edited);
    // The same answer for the form as it is now is taken.
    let current = run(&edited, vec![progressed(&edited, true)]);
    assert!(matches!(current.check, CheckStatus::Answered(_)));
}

#[test]
fn an_edit_of_what_the_check_sends_drops_the_running_check() {
    let s = pat_form();
    let checking = run(&s, vec![progressed(&s, false)]);
    let edits = [
        Action::HostEdited("https://other-1.cloud.databricks.com".into()),
        Action::MethodChosen(AuthMethod::SpOauth),
        Action::FieldEdited(ConnectionField::Login, "token".into()),
        Action::FieldEdited(ConnectionField::Password, format!("{PAT}0")),
        Action::FieldEdited(ConnectionField::AzureTenantId, "t".into()),
        Action::FieldEdited(ConnectionField::AzureResourceId, "r".into()),
        Action::FieldEdited(ConnectionField::AzureManagedIdentityClientId, "m".into()),
    ];
    for edit in edits {
        let next = run(&checking, vec![edit.clone()]);
        assert_eq!(next.generation, checking.generation + 1, "{edit:?}");
        assert_eq!(next.check, CheckStatus::Idle, "{edit:?}");
    }
}

#[test]
fn edits_the_requests_do_not_carry_keep_the_check() {
    let s = pat_form();
    let checking = run(&s, vec![progressed(&s, false)]);
    let edits = [
        Action::ConnIdEdited("mine".into()),
        Action::HttpPathEdited("/sql/1.0/warehouses/1".into()),
        Action::WarehouseChosen("/sql/1.0/warehouses/2".into()),
        Action::AirflowChosen(AirflowVersion::V2),
        Action::SecretRevealToggled,
        Action::TabChosen(OutputTab::ALL[2]),
        Action::HostConfirmed,
    ];
    for edit in edits {
        let next = run(&checking, vec![edit.clone()]);
        assert_eq!(next.generation, checking.generation, "{edit:?}");
        assert_eq!(next.check, checking.check, "{edit:?}");
    }
    let chosen = run(
        &s,
        vec![Action::WarehouseChosen("/sql/1.0/warehouses/2".into())],
    );
    assert_eq!(chosen.input.http_path, "/sql/1.0/warehouses/2");
    assert_eq!(
        chosen.result_fields_view().http_path,
        "/sql/1.0/warehouses/2"
    );
}

#[test]
fn a_paste_after_a_refusal_stands_as_the_report_until_the_form_changes() {
    let s = sp_form();
    let refused = run(&s, vec![progressed(&s, true)]);
    let ways = refused.check_view().ways.expect("the ways on");
    assert!(ways.bash.contains("dbx-check step"), "{}", ways.bash);
    assert_eq!(ways.pasted, Pasted::Nothing);

    let pasted = run(&refused, vec![Action::AnswerPasted(SP_OAUTH_OK.into())]);
    assert!(matches!(pasted.pasted, Some(Ok(_))), "{:?}", pasted.pasted);
    let view = pasted.check_view();
    assert_eq!(view.ways.expect("still offered").pasted, Pasted::Read);
    let Live::Report(report) = view.live else {
        panic!("no report: {:?}", view.live)
    };
    assert!(report.from_terminal);
    assert!(report.notes.is_some());
    assert!(report.identity.is_some());
    assert_eq!(report.warehouses.len(), 2);
    assert!(report
        .warehouses
        .iter()
        .all(|w| w.line.contains(&w.http_path)));

    // Unreadable text says why; blank text is no paste at all.
    let garbage = run(&refused, vec![Action::AnswerPasted("hello".into())]);
    assert!(matches!(
        garbage.check_view().ways.map(|w| w.pasted),
        Some(Pasted::Unreadable(_))
    ));
    let blank_paste = run(&pasted, vec![Action::AnswerPasted(" \n".into())]);
    assert_eq!(blank_paste.pasted, None);

    // A paste is about the form it was read against.
    let edited = run(&pasted, vec![Action::HostEdited(format!("{AWS}/"))]);
    assert_eq!(edited.pasted, None);
    assert_eq!(edited.check, CheckStatus::Idle);
}

#[test]
fn a_paste_with_nothing_to_check_is_ignored() {
    let s = run(&blank(), vec![Action::AnswerPasted(SP_OAUTH_OK.into())]);
    assert_eq!(s.pasted, None);
}

#[test]
fn the_clock_given_is_the_time_the_form_is_judged_at() {
    let s = reduce(&blank(), Action::HostEdited(AWS.into()), 42);
    assert_eq!(s.input.now_unix, 42);
    assert_eq!(s.assessment.as_ref(), &assess(&s.input));
    // What does not re-judge the form keeps the time it was judged at.
    let t = reduce(&s, Action::TabChosen(OutputTab::ALL[1]), 99);
    assert_eq!(t.input.now_unix, 42);
}

#[test]
fn a_host_outside_the_zones_waits_for_the_users_word_behind_the_relay() {
    let s = run(
        &blank(),
        vec![
            Action::RelayDetected(true),
            Action::HostEdited("https://databricks.example.com".into()),
            Action::FieldEdited(ConnectionField::Password, PAT.into()),
        ],
    );
    assert_eq!(s.input.route, Route::Relay);
    assert!(s.awaiting_confirmation());
    let view = s.check_view();
    assert!(view.disabled);
    assert!(view
        .confirm
        .as_deref()
        .is_some_and(|c| c.starts_with("databricks.example.com is not in any Databricks domain")));
    let confirmed = run(&s, vec![Action::HostConfirmed]);
    assert!(!confirmed.awaiting_confirmation());
    assert_eq!(confirmed.check_view().confirm, None);
    // Agreeing to one host is not agreeing to the next.
    let moved = run(
        &confirmed,
        vec![Action::HostEdited("https://dbx.example.org".into())],
    );
    assert!(moved.awaiting_confirmation());
    // Without the relay the browser's own rules guard the request: nothing to ask.
    let direct = run(&s, vec![Action::RelayDetected(false)]);
    assert_eq!(direct.input.route, Route::Direct);
    assert!(!direct.awaiting_confirmation());
}

#[test]
fn the_relay_changes_the_words_and_the_plan_says_where_it_goes() {
    let s = pat_form();
    assert!(s.check_view().status.contains("from your browser"));
    assert_eq!(s.plan_view().expect("a plan").relay_note, None);
    let relayed = run(&s, vec![Action::RelayDetected(true)]);
    assert!(relayed
        .check_view()
        .status
        .contains("through this page's relay"));
    let plan = relayed.plan_view().expect("a plan");
    assert_eq!(
        plan.relay_note.as_deref(),
        Some("Sent through this page's own relay (/relay/ok-7.cloud.databricks.com/…), which makes the same requests from its server and forwards only these.")
    );
    assert!(plan.browser_adds.starts_with("Your browser adds: Origin"));
    assert!(plan
        .browser_adds
        .ends_with(". Cookies are never sent, and nothing is stored."));
    assert_eq!(
        plan.requests.len(),
        s.assessment.plan.as_ref().unwrap().requests.len()
    );
    assert!(plan.requests.iter().all(|(_, shown)| !shown.contains(PAT)));
    assert_eq!(blank().plan_view(), None);
}

#[test]
fn a_form_not_ready_says_why_and_offers_no_check() {
    let view = blank().check_view();
    assert!(view.disabled);
    assert_eq!(view.start, None);
    assert_eq!(view.live, Live::Nothing);
    assert_eq!(view.status, "Enter your workspace URL first.");
    let ready = pat_form().check_view();
    assert!(!ready.disabled);
    let ticket = ready.start.expect("a check to start");
    assert_eq!(ticket.generation, pat_form().generation);
    assert_eq!(ticket.route, Route::Direct);
    assert_eq!(ticket.conn_id, "databricks_default");
}

#[test]
fn findings_stay_quiet_until_their_field_is_typed_in() {
    let quiet = PageState::new(FormInput {
        workspace_url: "not a url".into(),
        ..FormInput::default()
    });
    let view = quiet.host_view();
    assert!(view.findings.is_empty() && view.summary.is_none() && !view.invalid);
    assert!(quiet.credential_view().findings.is_empty());
    assert_eq!(quiet.outputs_view().airflow, None);

    let typed = run(&quiet, vec![Action::HostEdited("https://".into())]);
    let view = typed.host_view();
    assert!(view.invalid && !view.findings.is_empty());
    assert!(typed.outputs_view().airflow.is_some());
    let good = run(&typed, vec![Action::HostEdited(AWS.into())]);
    assert!(good.host_view().summary.is_some());
    let blank_again = run(&good, vec![Action::HostEdited("  ".into())]);
    assert!(blank_again.host_view().summary.is_none());

    let secret = run(
        &quiet,
        vec![Action::FieldEdited(ConnectionField::Password, "x".into())],
    );
    assert!(!secret.credential_view().findings.is_empty());
}

#[test]
fn the_secret_is_masked_until_revealed_in_its_field_and_the_outputs() {
    let s = pat_form();
    let secret_field = |s: &PageState| {
        s.credential_view()
            .fields
            .into_iter()
            .find_map(|f| match f {
                FieldView::Input {
                    secret: true,
                    revealed,
                    value,
                    label,
                    ..
                } => Some((revealed, value, label)),
                _ => None,
            })
            .expect("a secret field")
    };
    let (revealed, value, label) = secret_field(&s);
    assert!(!revealed);
    assert_eq!(value.expose(), PAT);
    assert!(label.starts_with("Password: "), "{label}");
    let pane = |s: &PageState| s.outputs_view().panes[0].text.clone().expect("a value");
    let (shown, copied) = pane(&s);
    assert!(!shown.contains(PAT) && copied.contains(PAT));
    let open = run(&s, vec![Action::SecretRevealToggled]);
    assert!(secret_field(&open).0);
    assert_eq!(pane(&open).0, copied);
    assert!(!secret_field(&run(&open, vec![Action::SecretRevealToggled])).0);
}

#[test]
fn fixed_and_optional_fields_say_so_and_switches_are_not_typed() {
    let s = run(&blank(), vec![Action::MethodChosen(AuthMethod::SpOauth)]);
    let fields = s.credential_view().fields;
    assert!(fields.iter().any(|f| matches!(
        f,
        FieldView::Fixed { sentence, .. } if sentence.contains(": set to ") && sentence.ends_with(" for you. ")
    )));
    let all_methods = AuthMethod::ALL.iter().flat_map(|m| {
        run(&blank(), vec![Action::MethodChosen(*m)])
            .credential_view()
            .fields
    });
    assert!(all_methods
        .filter_map(|f| match f {
            FieldView::Input { label, .. } => Some(label),
            FieldView::Fixed { .. } => None,
        })
        .any(|label| label.contains(" (optional): ")));
    let switched = run(
        &s,
        vec![Action::FieldEdited(
            ConnectionField::ServicePrincipalOauth,
            "x".into(),
        )],
    );
    assert_eq!(switched, s);
}

#[test]
fn the_page_address_prefills_the_form() {
    let address = PageAddress {
        host: Some(AWS.into()),
        conn_id: Some("mine".into()),
        method: Some(AuthMethod::SpOauth),
        ..PageAddress::default()
    };
    let s = PageState::from_address(&address, NOW);
    assert_eq!(s.input.workspace_url, AWS);
    assert_eq!(s.input.conn_id, "mine");
    assert_eq!(s.input.method, AuthMethod::SpOauth);
    assert_eq!(s.input.now_unix, NOW);
    assert_eq!(s.touched, Touched::default());
    assert_eq!(
        PageState::from_address(&PageAddress::default(), NOW)
            .input
            .conn_id,
        "databricks_default"
    );
}

#[test]
fn the_arrow_keys_walk_the_tabs_round() {
    let all = OutputTab::ALL;
    assert_eq!(tab_beside(all[0], true), all[1]);
    assert_eq!(tab_beside(all[0], false), all[all.len() - 1]);
    assert_eq!(tab_beside(all[all.len() - 1], true), all[0]);
    for tab in all {
        assert_eq!(tab_beside(tab_beside(tab, true), false), tab);
    }
    let chosen = run(&blank(), vec![Action::TabChosen(all[3])]);
    assert_eq!(chosen.outputs_view().tab, all[3]);
    assert!(chosen.outputs_view().panes.iter().all(|p| chosen
        .assessment
        .outputs
        .iter()
        .any(|o| o.key == p.key && o.tab == all[3])));
}

#[test]
fn each_severity_has_its_word() {
    use crate::finding::Severity;
    assert_eq!(super::view::severity_word(Severity::Error), "Error");
    assert_eq!(super::view::severity_word(Severity::Warning), "Warning");
    assert_eq!(super::view::severity_word(Severity::Info), "Note");
}

#[test]
fn the_airflow_choice_reads_the_selects_value() {
    assert_eq!(airflow_choice("2"), AirflowVersion::V2);
    assert_eq!(airflow_choice("3"), AirflowVersion::V3);
    assert_eq!(airflow_choice(""), AirflowVersion::V3);
    let s = run(&blank(), vec![Action::AirflowChosen(airflow_choice("2"))]);
    assert_eq!(s.result_fields_view().airflow, AirflowVersion::V2);
}

#[test]
fn outside_the_zones_without_a_relay_the_terminal_is_offered_before_any_check() {
    let s = run(
        &blank(),
        vec![
            Action::HostEdited("https://databricks.example.com".into()),
            Action::FieldEdited(ConnectionField::Password, PAT.into()),
        ],
    );
    let view = s.check_view();
    assert!(view.disabled);
    let ways = view.ways.expect("the terminal route");
    assert!(ways.bash.contains("databricks.example.com"));
    assert!(ways
        .airflow
        .ends_with("airflow connections test databricks_default"));
    let refused = run(&s, vec![Action::AnswerPasted("hello".into())]);
    assert!(matches!(
        refused.check_view().ways.map(|w| w.pasted),
        Some(Pasted::Unreadable(_))
    ));
    assert_eq!(refused.generation, s.generation);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const FIELDS: [ConnectionField; 8] = [
        ConnectionField::Login,
        ConnectionField::Password,
        ConnectionField::ServicePrincipalOauth,
        ConnectionField::AzureTenantId,
        ConnectionField::AzureResourceId,
        ConnectionField::UseAzureManagedIdentity,
        ConnectionField::AzureManagedIdentityClientId,
        ConnectionField::UseDefaultAzureCredential,
    ];

    fn any_action() -> impl Strategy<Value = Action> {
        let text = ".{0,40}";
        prop_oneof![
            prop_oneof![Just(AWS.to_owned()), text.prop_map(String::from)]
                .prop_map(Action::HostEdited),
            (0..AuthMethod::ALL.len()).prop_map(|i| Action::MethodChosen(AuthMethod::ALL[i])),
            (0..FIELDS.len(), text).prop_map(|(i, v)| Action::FieldEdited(FIELDS[i], v)),
            text.prop_map(Action::HttpPathEdited),
            text.prop_map(Action::ConnIdEdited),
            Just(Action::SecretRevealToggled),
            Just(Action::HostConfirmed),
            (0..OutputTab::ALL.len()).prop_map(|i| Action::TabChosen(OutputTab::ALL[i])),
            any::<bool>().prop_map(Action::RelayDetected),
            text.prop_map(Action::AnswerPasted),
            Just(Action::AnswerPasted(SP_OAUTH_OK.to_owned())),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any run of actions: no panic, the generation only grows, and an answer for an
        /// earlier generation changes nothing.
        #[test]
        fn any_run_of_actions_keeps_the_rules(actions in proptest::collection::vec(any_action(), 0..12)) {
            let mut state = sp_form();
            for action in actions {
                let next = reduce(&state, action, NOW);
                prop_assert!(next.generation >= state.generation);
                if next.generation > 0 && next.assessment.plan.is_some() {
                    let stale = Action::CheckProgressed {
                        generation: next.generation - 1,
                        report: report(&next, true),
                    };
                    prop_assert_eq!(&reduce(&next, stale, NOW), &next);
                }
                let _ = (next.check_view(), next.plan_view(), next.outputs_view());
                let _ = (next.host_view(), next.credential_view(), next.result_fields_view());
                state = next;
            }
        }
    }
}

#[test]
fn each_store_tab_shows_the_name_the_settings_and_a_command_without_the_secret() {
    let s = pat_form();
    for (tab, name) in [
        (
            OutputTab::AwsSecretsManager,
            "airflow/connections/databricks_default",
        ),
        (
            OutputTab::GcpSecretManager,
            "airflow-connections-databricks_default",
        ),
        (
            OutputTab::AzureKeyVault,
            "airflow-connections-databricks-default",
        ),
        (OutputTab::Vault, "secret/connections/databricks_default"),
    ] {
        let view = reduce(&s, Action::TabChosen(tab), NOW).outputs_view();
        let text = |field: &str| {
            let key = format!("{}.{field}", tab.as_str());
            let pane = view.panes.iter().find(|p| p.key == key);
            pane.and_then(|p| p.text.clone()).expect(&key).1
        };
        assert_eq!(text("name"), name);
        let command = text("command");
        assert!(command.contains("read"), "{command}");
        assert!(!command.contains(PAT));
        let settings = text("settings");
        assert!(
            settings.contains("backend = airflow.providers."),
            "{settings}"
        );
        assert!(settings.contains("backend_kwargs = {"), "{settings}");
    }
}

#[test]
fn the_kubernetes_manifest_holds_the_secret_masked_until_revealed() {
    let s = reduce(&pat_form(), Action::TabChosen(OutputTab::Kubernetes), NOW);
    let manifest = |s: &PageState| {
        let view = s.outputs_view();
        let pane = view.panes.iter().find(|p| p.key == "kubernetes.manifest");
        pane.and_then(|p| p.text.clone()).expect("a manifest")
    };
    let (shown, copied) = manifest(&s);
    assert!(copied.contains(PAT), "{copied}");
    assert!(!shown.contains(PAT), "{shown}");
    assert!(shown.contains("••••••••"), "{shown}");
    let names = s.outputs_view().panes;
    assert!(names.iter().any(|p| p.key == "kubernetes.name"
        && p.text
            .as_ref()
            .is_some_and(|t| t.0 == "AIRFLOW_CONN_DATABRICKS_DEFAULT")));
    assert!(names
        .iter()
        .all(|p| p.key == "kubernetes.manifest"
            || !p.text.as_ref().is_some_and(|t| t.1.contains(PAT))));
    let revealed = reduce(&s, Action::SecretRevealToggled, NOW);
    assert!(manifest(&revealed).0.contains(PAT));
    // Typing elsewhere does not pay for the stores: no store form on other tabs.
    assert!(pat_form()
        .outputs_view()
        .panes
        .iter()
        .all(|p| !p.key.contains('.')));
}

#[test]
fn a_store_that_cannot_name_the_conn_id_says_why_under_its_tab() {
    let s = run(
        &pat_form(),
        vec![
            Action::ConnIdEdited("db.prod".into()),
            Action::TabChosen(OutputTab::GcpSecretManager),
        ],
    );
    let view = s.outputs_view();
    assert_eq!(view.panes.len(), 1);
    assert_eq!(view.panes[0].text, None);
    let airflow = view.airflow.expect("notes");
    assert!(
        airflow
            .problems
            .iter()
            .chain(&airflow.notes)
            .any(|f| f.code == "store_cannot_name_conn_id"
                && f.message.contains("airflow-connections-db.prod")),
        "{airflow:?}"
    );
}
