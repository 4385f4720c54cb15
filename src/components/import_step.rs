use super::findings::Findings;
use super::textarea_value;
use crate::state::{Action, PageState};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ImportStepProps {
    pub state: UseReducerHandle<PageState>,
}

/// The way in for an existing connection: pasted whole, read by the core's decoder, and
/// the form filled from it; the pasted text is cleared once it is.
#[component]
pub fn ImportStep(props: &ImportStepProps) -> Html {
    let state = &props.state;
    let oninput = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            // A paste is read at once; typing waits for the button, so a half-typed URI
            // does not fill the form.
            let pasted = matches!(
                e.input_type().as_str(),
                "insertFromPaste" | "insertFromDrop"
            );
            state.dispatch(Action::ConnectionPasted {
                text: textarea_value(&e),
                read: pasted,
            })
        })
    };
    let onclick = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::ConnectionRead))
    };
    let imported = &state.imported;
    let open = !state.connection_text.is_empty() || imported.is_some();
    let pick = |id: &String| {
        let state = state.clone();
        let chosen = id.clone();
        let onclick =
            Callback::from(move |_| state.dispatch(Action::ConnectionPicked(chosen.clone())));
        html! { <li><button type="button" class="secondary" data-conn-id={id.clone()} {onclick}>{ id.clone() }</button></li> }
    };
    html! {
        <section class="step import" aria-labelledby="step-import">
            <details {open}>
                <summary id="step-import">{ "Already have a connection? Paste it" }</summary>
                <label for="existing-connection">{ "The connection as Airflow holds it" }</label>
                <p class="help" id="existing-help">{ "An AIRFLOW_CONN_ line, a connection URI or JSON, an export file, airflow_settings.yaml or an airflow connections add command. It is read in this page and sent nowhere." }</p>
                <textarea id="existing-connection" rows="4" spellcheck="false" autocomplete="off"
                    aria-describedby="existing-help import-findings"
                    value={state.connection_text.clone()} {oninput} />
                <button type="button" id="import-connection" class="secondary" {onclick}
                    disabled={state.connection_text.trim().is_empty()}>{ "Fill the form from it" }</button>
                if let Some(imported) = imported {
                    if imported.ids.len() > 1 {
                        <p>{ "It holds several connections. Which one?" }</p>
                        <ul class="pick" id="import-pick">{ for imported.ids.iter().map(pick) }</ul>
                    }
                    if let Some(said) = &imported.sentence {
                        <p class="summary" id="import-result" role="status">{ said.clone() }</p>
                    }
                    <Findings id="import-findings" findings={imported.findings.clone()} />
                }
            </details>
        </section>
    }
}
