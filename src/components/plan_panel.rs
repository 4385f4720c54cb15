use crate::state::PageState;
use dbx_check_core::check::{browser_added_headers, Route};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PlanPanelProps {
    pub state: UseReducerHandle<PageState>,
}

/// "What leaves your browser": every request the check will make, before it is made,
/// with the secret masked.
#[component]
pub fn PlanPanel(props: &PlanPanelProps) -> Html {
    let Some(plan) = &props.state.assessment.plan else {
        return html! {
            <details class="plan" id="what-leaves">
                <summary>{ "What leaves your browser" }</summary>
                <p>{ "Nothing yet. Once the workspace URL is complete, this lists each request the check will send, and only to that workspace." }</p>
            </details>
        };
    };
    html! {
        <details class="plan" id="what-leaves">
            <summary>{ plan.summary() }</summary>
            { for plan.requests.iter().map(|r| html! {
                <div class="planned">
                    <p class="help">{ r.step.purpose() }</p>
                    <pre>{ r.to_string() }</pre>
                </div>
            }) }
            if props.state.input.route == Route::Relay {
                <p class="help" id="via-relay">
                    { format!("Sent through this page's own relay (/relay/{}/…), which makes the same requests from its server and forwards only these.", plan.host.trim_start_matches("https://")) }
                </p>
            }
            <p class="help">
                { "Your browser adds: " }
                { browser_added_headers().iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ") }
                { ". Cookies are never sent, and nothing is stored." }
            </p>
        </details>
    }
}
