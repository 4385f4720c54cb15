use dbx_check_core::page::view::PlanView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PlanPanelProps {
    /// `None` until the workspace URL is complete.
    pub view: Option<PlanView>,
}

/// "What leaves your browser": every request the check will make, before it is made,
/// with the secret masked.
#[component]
pub fn PlanPanel(props: &PlanPanelProps) -> Html {
    let Some(plan) = &props.view else {
        return html! {
            <details class="plan" id="what-leaves">
                <summary>{ "What leaves your browser" }</summary>
                <p>{ "Nothing yet. Once the workspace URL is complete, this lists each request the check will send, and only to that workspace." }</p>
            </details>
        };
    };
    html! {
        <details class="plan" id="what-leaves">
            <summary>{ &plan.summary }</summary>
            { for plan.requests.iter().map(|(purpose, shown)| html! {
                <div class="planned">
                    <p class="help">{ *purpose }</p>
                    <pre>{ shown }</pre>
                </div>
            }) }
            if let Some(note) = &plan.relay_note {
                <p class="help" id="via-relay">{ note }</p>
            }
            <p class="help">{ &plan.browser_adds }</p>
        </details>
    }
}
