use super::copy_button::CopyButton;
use super::findings::Findings;
use crate::net;
use dbx_check_core::check::{CheckReport, CheckRun, Diagnosis};
use dbx_check_core::page::view::{CheckView, Live, Pasted, ReportView, WaysView};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties)]
pub struct CheckAreaProps {
    pub view: CheckView,
    /// Changes with every edit of what the check sends: the running check is aborted.
    pub generation: u64,
    pub on_relay_found: Callback<bool>,
    /// A report for the check started at the given generation.
    pub on_progress: Callback<(u64, Box<CheckReport>)>,
    pub on_confirm: Callback<()>,
    pub on_paste: Callback<String>,
    pub on_warehouse: Callback<String>,
}

/// The live check: its button, its progress, the verdict and, when the browser was
/// refused, the ways on. The requests are the core's plan, run by `net::run_check`.
#[component]
pub fn CheckArea(props: &CheckAreaProps) -> Html {
    let view = &props.view;
    let abort: Rc<RefCell<Option<web_sys::AbortController>>> = use_mut_ref(|| None);

    // Find the relay once: only a page served by it may offer it.
    {
        let found = props.on_relay_found.clone();
        use_effect_with((), move |_| found.emit(net::relay_available()));
    }
    // Any change to what the check sends aborts the running one.
    {
        let abort = abort.clone();
        use_effect_with(props.generation, move |_| {
            if let Some(controller) = abort.borrow_mut().take() {
                controller.abort();
            }
        });
    }

    // Starts the check of the form as it is, by its own route.
    let start = {
        let ticket = view.start.clone();
        let on_progress = props.on_progress.clone();
        let abort = abort.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(ticket) = ticket.clone() else {
                return;
            };
            let Ok(controller) = web_sys::AbortController::new() else {
                return;
            };
            if let Some(old) = abort.borrow_mut().replace(controller.clone()) {
                old.abort();
            }
            let generation = ticket.generation;
            let on_progress = on_progress.clone();
            let progress =
                move |run: &CheckRun| on_progress.emit((generation, Box::new(run.report())));
            let route = ticket.route;
            spawn_local(async move {
                net::run_check(
                    ticket.plan,
                    &ticket.conn_id,
                    route,
                    controller.signal(),
                    progress,
                )
                .await;
            });
        })
    };

    let on_confirm = props.on_confirm.reform(|_: MouseEvent| ());
    let disabled = view.disabled;
    html! {
        <div class="check">
            if let Some(sentence) = &view.confirm {
                <div class="finding warning" id="confirm-host">
                    <p>{ sentence }</p>
                    <button type="button" id="confirm-host-button" class="secondary" onclick={on_confirm}>
                        { "It is my workspace: allow the check" }
                    </button>
                </div>
            }
            <div class="check-row">
                <button type="button" id="test-connection" {disabled} aria-describedby="check-status"
                    onclick={start}>
                    { view.button }
                </button>
                <span class="help" id="check-status">{ &view.status }</span>
            </div>
            <div aria-live="polite" role="status" id="check-live">
                { match &view.live {
                    Live::Nothing => Html::default(),
                    Live::Progress(text) => html! { <p class="help" data-check="checking">{ text }</p> },
                    Live::Report(report) => answered(report, &props.on_warehouse),
                } }
            </div>
            if let Some(ways) = &view.ways {
                { ways_on(ways, &props.on_paste) }
            }
        </div>
    }
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

fn answered(report: &ReportView, on_warehouse: &Callback<String>) -> Html {
    html! {
        <>
            if report.from_terminal {
                <p class="help" id="report-source">{ "Read from what your terminal printed:" }</p>
            }
            { report.verdict.as_ref().map(verdict).unwrap_or_default() }
            if let Some(who) = &report.identity {
                <p id="identity">{ who }</p>
            }
            if !report.warehouses.is_empty() {
                <div id="warehouses">
                    <h4>{ "SQL warehouses (for the http_path extra)" }</h4>
                    <ul>
                        { for report.warehouses.iter().map(|w| {
                            let path = w.http_path.clone();
                            let onclick = on_warehouse.reform(move |_: MouseEvent| path.clone());
                            html! {
                                <li>
                                    { &w.line }
                                    <button type="button" class="secondary" {onclick}>{ "Use this one" }</button>
                                </li>
                            }
                        }) }
                    </ul>
                </div>
            }
            if let Some(problem) = &report.problem {
                <Findings id="check-problem" findings={vec![problem.clone()]} />
            }
            if let Some(notes) = &report.notes {
                <Findings id="check-notes" findings={notes.clone()} />
            }
        </>
    }
}

fn ways_on(ways: &WaysView, on_paste: &Callback<String>) -> Html {
    let on_paste = on_paste.reform(|e: InputEvent| {
        use yew::TargetCast;
        e.target_dyn_into::<web_sys::HtmlTextAreaElement>()
            .map(|t| t.value())
            .unwrap_or_default()
    });
    html! {
        <div class="ways-on" id="ways-on">
            <h4>{ "Run the check in a terminal" }</h4>
            <p>{ "Run one block in a terminal: it asks for your secret without showing it, makes Airflow's requests and prints their answers, with no secret in them." }</p>
            <h5>{ "bash or zsh (macOS, Linux, WSL)" }</h5>
            <pre data-route="bash">{ ways.bash.clone() }</pre>
            <CopyButton text={ways.bash.clone()} what="the bash block" />
            <h5>{ "PowerShell (Windows)" }</h5>
            <pre data-route="powershell">{ ways.powershell.clone() }</pre>
            <CopyButton text={ways.powershell.clone()} what="the PowerShell block" />
            <label for="pasted-answer">{ "Paste everything the block printed" }</label>
            <textarea id="pasted-answer" rows="6" spellcheck="false" oninput={on_paste} />
            // The report stands far above the box (where the browser's verdict was): say so here.
            if ways.pasted == Pasted::Read {
                <p class="help" id="pasted-read">
                    { "Read. The report now stands above, in place of the browser's verdict: " }
                    <a href="#check-live">{ "go to the report" }</a>
                </p>
            }
            if let Pasted::Unreadable(f) = &ways.pasted {
                <Findings id="pasted-findings" findings={vec![f.clone()]} />
            }
            <p>{ "Or, where Airflow runs:" }</p>
            <pre data-route="airflow">{ ways.airflow.clone() }</pre>
            <CopyButton text={ways.airflow.clone()} what="the Airflow command" />
        </div>
    }
}
