use super::findings::Findings;
use super::input_value;
use crate::state::{Action, PageState};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HostStepProps {
    pub state: UseReducerHandle<PageState>,
}

/// Step 1: the workspace URL, analysed as the user types.
#[component]
pub fn HostStep(props: &HostStepProps) -> Html {
    let state = &props.state;
    let host = &state.assessment.host;
    let oninput = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.dispatch(Action::HostEdited(input_value(&e))))
    };
    let shout = state.touched.workspace && !state.input.workspace_url.trim().is_empty();
    let summary = shout
        .then(|| host.summary())
        .flatten()
        .map(|line| html! { <p class="summary" id="workspace-summary">{ line }</p> });
    html! {
        <section class="step" aria-labelledby="step-workspace">
            <h2 id="step-workspace">{ "1. Workspace URL" }</h2>
            <label for="workspace-url">{ "Workspace URL" }</label>
            <p class="help" id="workspace-help">{ "Open your workspace in the browser and copy the address bar, or copy it from the workspace switcher. Paths and ?o= are fine: they are removed." }</p>
            <input id="workspace-url" type="url" inputmode="url" autocomplete="off" spellcheck="false"
                aria-describedby="workspace-help workspace-findings"
                aria-invalid={ (shout && !host.is_usable()).to_string() }
                placeholder="https://adb-1234567890123456.7.azuredatabricks.net"
                value={state.input.workspace_url.clone()} {oninput} />
            { summary.unwrap_or_default() }
            <Findings id="workspace-findings" findings={ if shout { host.findings.clone() } else { vec![] } } />
        </section>
    }
}
