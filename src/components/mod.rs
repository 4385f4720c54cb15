pub mod app;
pub mod check_area;
pub mod copy_button;
pub mod credential_step;
pub mod findings;
pub mod host_step;
pub mod output_tabs;
pub mod plan_panel;
pub mod result_step;

/// The text of the input an `input` event came from.
pub(crate) fn input_value(e: &yew::InputEvent) -> String {
    use yew::TargetCast;
    e.target_dyn_into::<web_sys::HtmlInputElement>()
        .map(|input| input.value())
        .unwrap_or_default()
}
