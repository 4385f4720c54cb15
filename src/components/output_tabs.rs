use super::copy_button::CopyButton;
use super::findings::Findings;
use crate::state::{Action, PageState};
use dbx_check_core::OutputTab;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OutputTabsProps {
    pub state: UseReducerHandle<PageState>,
}

/// The Airflow values in every form, one tab per place people paste them.
#[component]
pub fn OutputTabs(props: &OutputTabsProps) -> Html {
    let state = &props.state;
    let outputs = &state.assessment.outputs;
    let airflow = state.assessment.airflow_notes();
    let tab_button = |tab: OutputTab| {
        let selected = state.tab == tab;
        let onclick = {
            let state = state.clone();
            Callback::from(move |_| state.dispatch(Action::TabChosen(tab)))
        };
        html! {
            <button type="button" role="tab" id={format!("tab-{}", tab.as_str())}
                aria-selected={selected.to_string()} aria-controls="output-panel"
                tabindex={if selected { "0" } else { "-1" }} {onclick}>
                { tab.title() }
            </button>
        }
    };
    let onkeydown = {
        let state = state.clone();
        Callback::from(move |e: KeyboardEvent| {
            let step: isize = match e.key().as_str() {
                "ArrowRight" => 1,
                "ArrowLeft" => -1,
                _ => return,
            };
            e.prevent_default();
            let all = OutputTab::ALL;
            let here = all.iter().position(|t| *t == state.tab).unwrap_or(0) as isize;
            let next = (here + step).rem_euclid(all.len() as isize) as usize;
            state.dispatch(Action::TabChosen(all[next]));
            focus(&format!("tab-{}", all[next].as_str()));
        })
    };
    html! {
        <div class="outputs">
            <div role="tablist" aria-label="Airflow connection values" {onkeydown}>
                { for OutputTab::ALL.into_iter().map(tab_button) }
            </div>
            <div role="tabpanel" id="output-panel" aria-labelledby={format!("tab-{}", state.tab.as_str())}>
                { for outputs.iter().filter(|o| o.tab == state.tab).map(|o| {
                    let body = match (&o.text, &o.shown) {
                        (Some(text), Some(shown)) => {
                            let visible = if state.secret_revealed { text.clone() } else { shown.clone() };
                            html! {
                                <>
                                    <pre data-output={o.key} tabindex="0" aria-label={o.label}>{ visible }</pre>
                                    <CopyButton text={text.clone()} what={o.label} />
                                </>
                            }
                        }
                        _ => html! {
                            <p class="unavailable" data-output={o.key}>
                                { "Not available yet: complete the workspace URL and credential, or see the notes below." }
                            </p>
                        },
                    };
                    html! {
                        <div class="output">
                            <h4>{ o.label }</h4>
                            <p class="help">{ o.hint }</p>
                            { body }
                        </div>
                    }
                }) }
            </div>
            if state.touched.workspace {
                <Findings id="airflow-findings" findings={airflow.problems} />
                if !airflow.notes.is_empty() {
                    <details class="notes" id="airflow-notes">
                        <summary>{ airflow.summary }</summary>
                        <Findings id="airflow-notes-list" findings={airflow.notes} />
                    </details>
                }
            }
        </div>
    }
}

fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
