pub mod app;
pub mod check_area;
pub mod copy_button;
pub mod credential_step;
pub mod findings;
pub mod host_step;
pub mod output_tabs;
pub mod plan_panel;
pub mod result_step;

/// Props holding callbacks that `App` makes anew at each render never compare equal (a
/// callback compares by pointer), so a derived comparison of their views first only added
/// code to the page: these say "changed" at once.
macro_rules! never_equal {
    ($($props:ty),*) => {
        $(impl PartialEq for $props {
            fn eq(&self, _: &Self) -> bool {
                false
            }
        })*
    };
}

never_equal!(
    check_area::CheckAreaProps,
    credential_step::CredentialStepProps,
    host_step::HostStepProps,
    output_tabs::OutputTabsProps,
    result_step::ResultStepProps
);

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
