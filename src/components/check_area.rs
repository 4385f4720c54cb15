use super::copy_button::CopyButton;
use super::findings::Findings;
use crate::net;
use crate::state::{Action, CheckStatus, PageState};
use dbx_check_core::check::{CheckReport, CheckRun, Diagnosis, Route, RunState, WaysOn};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CheckAreaProps {
    pub state: UseReducerHandle<PageState>,
}

/// The live check: its button, its progress, the verdict and, when the browser was
/// refused, the ways on. The requests are the core's plan, run by `net::run_check`.
#[component]
pub fn CheckArea(props: &CheckAreaProps) -> Html {
    let state = &props.state;
    let abort: Rc<RefCell<Option<web_sys::AbortController>>> = use_mut_ref(|| None);

    // Find the relay once: only a page served by it may offer it.
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            state.dispatch(Action::RelayDetected(net::relay_available()))
        });
    }
    // Any change to what the check sends aborts the running one.
    {
        let abort = abort.clone();
        use_effect_with(state.generation, move |_| {
            if let Some(controller) = abort.borrow_mut().take() {
                controller.abort();
            }
        });
    }

    let start = |route: Route| {
        let state = state.clone();
        let abort = abort.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(plan) = state.assessment.plan.clone() else {
                return;
            };
            let Ok(controller) = web_sys::AbortController::new() else {
                return;
            };
            if let Some(old) = abort.borrow_mut().replace(controller.clone()) {
                old.abort();
            }
            let generation = state.generation;
            let conn_id = state.input.conn_id.clone();
            let progress = {
                let state = state.clone();
                move |run: &CheckRun| {
                    state.dispatch(Action::CheckProgressed {
                        generation,
                        report: Box::new(run.report()),
                    })
                }
            };
            spawn_local(async move {
                net::run_check(plan, &conn_id, route, controller.signal(), progress).await;
            });
        })
    };

    let assessment = &state.assessment;
    let checking = matches!(state.check, CheckStatus::Checking(_));
    let confirm = state.awaiting_confirmation();
    let blocked_reason = assessment.readiness.as_ref().err().map(|r| r.explain());
    let disabled = checking || blocked_reason.is_some() || confirm;
    let on_confirm = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::HostConfirmed))
    };

    html! {
        <div class="check">
            if confirm {
                <div class="finding warning" id="confirm-host">
                    <p>{ format!(
                        "{} is not in any Databricks domain. Send your credential there only if it is your workspace (a custom or private-link domain).",
                        assessment.host.hostname.clone().unwrap_or_default()
                    ) }</p>
                    <button type="button" id="confirm-host-button" class="secondary" onclick={on_confirm}>
                        { "It is my workspace: allow the check" }
                    </button>
                </div>
            }
            <div class="check-row">
                <button type="button" id="test-connection" {disabled} aria-describedby="check-status"
                    onclick={start(state.input.route)}>
                    { if checking { "Checking…" } else { "Test the connection" } }
                </button>
                <span class="help" id="check-status">
                    { blocked_reason.unwrap_or_else(|| if state.relay_available {
                        "Runs Airflow's own test through this page's relay, then asks who the credential belongs to.".into()
                    } else {
                        "Runs Airflow's own test from your browser, then asks who the credential belongs to.".into()
                    }) }
                </span>
            </div>
            <div aria-live="polite" role="status" id="check-live">
                // One report on the page: a pasted one stands where a direct check's does.
                { match (&state.pasted, &state.check) {
                    (Some(Ok(report)), _) => answered(state, report),
                    (_, CheckStatus::Idle) => Html::default(),
                    (_, CheckStatus::Checking(report)) => progress(report),
                    (_, CheckStatus::Answered(report)) => answered(state, report),
                } }
            </div>
            { match (&state.check, &assessment.terminal) {
                (CheckStatus::Answered(report), _) if report.ways_on.is_some() => {
                    report.ways_on.as_ref().map(|ways| ways_on(state, ways)).unwrap_or_default()
                }
                (_, Some(ways)) => ways_on(state, ways),
                _ => Html::default(),
            } }
        </div>
    }
}

fn progress(report: &CheckReport) -> Html {
    let step = report.current.map(|s| s.purpose()).unwrap_or("Starting");
    html! { <p class="help" data-check="checking">{ format!("Checking: {step}…") }</p> }
}

fn verdict(d: &Diagnosis) -> Html {
    html! {
        <div class="verdict" data-verdict={d.verdict.as_str()}>
            <h3>{ &d.title }</h3>
            <p>{ &d.explanation }</p>
            <p class="fix"><strong>{ "Fix: " }</strong>{ &d.fix }</p>
        </div>
    }
}

fn answered(state: &UseReducerHandle<PageState>, report: &CheckReport) -> Html {
    let from_terminal = report.route == Route::Terminal;
    let identity = report
        .identity
        .as_ref()
        .map(|who| html! { <p id="identity">{ who.sentence() }</p> });
    let warehouses = (!report.warehouses.is_empty()).then(|| html! {
        <div id="warehouses">
            <h4>{ "SQL warehouses (for the http_path extra)" }</h4>
            <ul>
                { for report.warehouses.iter().map(|w| {
                    let path = w.http_path.clone();
                    let onclick = {
                        let state = state.clone();
                        let path = path.clone();
                        Callback::from(move |_| state.dispatch(Action::WarehouseChosen(path.clone())))
                    };
                    html! {
                        <li>
                            { format!("{}: {} ", w.name, path) }
                            <button type="button" class="secondary" {onclick}>{ "Use this one" }</button>
                        </li>
                    }
                }) }
            </ul>
        </div>
    });
    html! {
        <>
            if from_terminal {
                <p class="help" id="report-source">{ "Read from what your terminal printed:" }</p>
            }
            { report.verdict.as_ref().map(verdict).unwrap_or_default() }
            { identity.unwrap_or_default() }
            { warehouses.unwrap_or_default() }
            if let Some(problem) = &report.problem {
                <Findings id="check-problem" findings={vec![problem.clone()]} />
            }
            if report.state == RunState::NotInBrowser || from_terminal {
                <Findings id="check-notes" findings={report.notes.clone()} />
            }
        </>
    }
}

fn ways_on(state: &UseReducerHandle<PageState>, ways: &WaysOn) -> Html {
    let on_paste = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            use yew::TargetCast;
            let text = e
                .target_dyn_into::<web_sys::HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_default();
            state.dispatch(Action::AnswerPasted(text));
        })
    };
    let bash = ways.bash.script();
    let powershell = ways.powershell.script();
    html! {
        <div class="ways-on" id="ways-on">
            <h4>{ "Run the check in a terminal" }</h4>
            <p>{ "Run one block in a terminal: it asks for your secret without showing it, makes Airflow's requests and prints their answers, with no secret in them." }</p>
            <h5>{ "bash or zsh (macOS, Linux, WSL)" }</h5>
            <pre data-route="bash">{ bash.clone() }</pre>
            <CopyButton text={bash} what="the bash block" />
            <h5>{ "PowerShell (Windows)" }</h5>
            <pre data-route="powershell">{ powershell.clone() }</pre>
            <CopyButton text={powershell} what="the PowerShell block" />
            <label for="pasted-answer">{ "Paste everything the block printed" }</label>
            <textarea id="pasted-answer" rows="6" spellcheck="false" oninput={on_paste} />
            // The report stands far above the box (where the browser's verdict was): say so here.
            if let Some(Ok(_)) = &state.pasted {
                <p class="help" id="pasted-read">
                    { "Read. The report now stands above, in place of the browser's verdict: " }
                    <a href="#check-live">{ "go to the report" }</a>
                </p>
            }
            if let Some(Err(f)) = &state.pasted {
                <Findings id="pasted-findings" findings={vec![f.clone()]} />
            }
            <p>{ "Or, where Airflow runs:" }</p>
            <pre data-route="airflow">{ ways.airflow_cli.bash.clone() }</pre>
            <CopyButton text={ways.airflow_cli.bash.clone()} what="the Airflow command" />
        </div>
    }
}
