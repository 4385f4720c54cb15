use dbx_check_core::page::view::severity_word;
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
                    <span class="severity">{ severity_word(f.severity) }</span>
                    <span class="message">{ &f.message }</span>
                    <span class="fix">{ &f.fix }</span>
                </li>
            }) }
        </ul>
    }
}
