pub mod app;
pub mod check_area;
pub mod copy_button;
pub mod credential_step;
pub mod findings;
pub mod host_step;
pub mod output_tabs;
pub mod plan_panel;
pub mod result_step;

/// The value of the `<select>` a `change` event came from.
pub(crate) fn select_value(e: &yew::Event) -> String {
    use yew::TargetCast;
    e.target_dyn_into::<web_sys::HtmlSelectElement>()
        .map(|select| select.value())
        .unwrap_or_default()
}

/// The text of the input an `input` event came from.
pub(crate) fn input_value(e: &yew::InputEvent) -> String {
    use yew::TargetCast;
    e.target_dyn_into::<web_sys::HtmlInputElement>()
        .map(|input| input.value())
        .unwrap_or_default()
}
