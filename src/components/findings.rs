use dbx_check_core::Finding;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FindingsProps {
    /// The element id, so the field can point at it with `aria-describedby`.
    pub id: AttrValue,
    pub findings: Vec<Finding>,
}

/// The findings about one field, most severe first, each with its fix.
#[component]
pub fn Findings(props: &FindingsProps) -> Html {
    if props.findings.is_empty() {
        return html! { <div id={props.id.clone()} class="findings" hidden=true /> };
    }
    html! {
        <ul id={props.id.clone()} class="findings">
            { for props.findings.iter().map(|f| html! {
                <li class={classes!("finding", f.severity.as_str())} data-code={f.code}>
                    <span class="severity">{ severity_word(f) }</span>
                    <span class="message">{ &f.message }</span>
                    <span class="fix">{ &f.fix }</span>
                </li>
            }) }
        </ul>
    }
}

fn severity_word(f: &Finding) -> &'static str {
    match f.severity {
        dbx_check_core::Severity::Error => "Error",
        dbx_check_core::Severity::Warning => "Warning",
        dbx_check_core::Severity::Info => "Note",
    }
}
