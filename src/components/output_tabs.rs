use super::copy_button::CopyButton;
use super::findings::Findings;
use dbx_check_core::page::view::{tab_beside, OutputsView};
use dbx_check_core::OutputTab;
use yew::prelude::*;

#[derive(Properties)]
pub struct OutputTabsProps {
    pub view: OutputsView,
    pub on_tab: Callback<OutputTab>,
}

/// The Airflow values in every form, one tab per place people paste them.
#[component]
pub fn OutputTabs(props: &OutputTabsProps) -> Html {
    let view = &props.view;
    let tab_button = |tab: OutputTab| {
        let selected = view.tab == tab;
        let onclick = props.on_tab.reform(move |_: MouseEvent| tab);
        html! {
            <button type="button" role="tab" id={format!("tab-{}", tab.as_str())}
                aria-selected={selected.to_string()} aria-controls="output-panel"
                tabindex={if selected { "0" } else { "-1" }} {onclick}>
                { tab.title() }
            </button>
        }
    };
    let onkeydown = {
        let on_tab = props.on_tab.clone();
        let here = view.tab;
        Callback::from(move |e: KeyboardEvent| {
            let forward = match e.key().as_str() {
                "ArrowRight" => true,
                "ArrowLeft" => false,
                _ => return,
            };
            e.prevent_default();
            let next = tab_beside(here, forward);
            on_tab.emit(next);
            focus(&format!("tab-{}", next.as_str()));
        })
    };
    html! {
        <div class="outputs">
            <div role="tablist" aria-label="Airflow connection values" {onkeydown}>
                { for OutputTab::ALL.into_iter().map(tab_button) }
            </div>
            <div role="tabpanel" id="output-panel" aria-labelledby={format!("tab-{}", view.tab.as_str())}>
                { for view.panes.iter().map(|o| {
                    let body = match &o.text {
                        Some((visible, copied)) => html! {
                            <>
                                <pre data-output={o.key.clone()} tabindex="0" aria-label={o.label}>{ visible }</pre>
                                <CopyButton text={copied.clone()} what={o.label} />
                            </>
                        },
                        None => html! {
                            <p class="unavailable" data-output={o.key.clone()}>
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
            if let Some(airflow) = &view.airflow {
                <Findings id="airflow-findings" findings={airflow.problems.clone()} />
                if !airflow.notes.is_empty() {
                    <details class="notes" id="airflow-notes">
                        <summary>{ &airflow.summary }</summary>
                        <Findings id="airflow-notes-list" findings={airflow.notes.clone()} />
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
