use super::findings::Findings;
use super::input_value;
use dbx_check_core::page::view::HostView;
use yew::prelude::*;

#[derive(Properties)]
pub struct HostStepProps {
    pub view: HostView,
    pub on_edit: Callback<String>,
}

/// Step 1: the workspace URL, analysed as the user types.
#[component]
pub fn HostStep(props: &HostStepProps) -> Html {
    let view = &props.view;
    let oninput = props.on_edit.reform(|e: InputEvent| input_value(&e));
    html! {
        <section class="step" aria-labelledby="step-workspace">
            <h2 id="step-workspace">{ "1. Workspace URL" }</h2>
            <label for="workspace-url">{ "Workspace URL" }</label>
            <p class="help" id="workspace-help">{ "Open your workspace in the browser and copy the address bar, or copy it from the workspace switcher. Paths and ?o= are fine: they are removed." }</p>
            <input id="workspace-url" type="url" inputmode="url" autocomplete="off" spellcheck="false"
                aria-describedby="workspace-help workspace-findings"
                aria-invalid={ view.invalid.to_string() }
                placeholder="https://adb-1234567890123456.7.azuredatabricks.net"
                value={view.value.clone()} {oninput} />
            if let Some(line) = &view.summary {
                <p class="summary" id="workspace-summary">{ line }</p>
            }
            <Findings id="workspace-findings" findings={view.findings.clone()} />
        </section>
    }
}
