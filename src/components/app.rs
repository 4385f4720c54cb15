use super::check_area::CheckArea;
use super::credential_step::CredentialStep;
use super::host_step::HostStep;
use super::output_tabs::OutputTabs;
use super::plan_panel::PlanPanel;
use super::result_step::ResultStep;
use crate::state::{now_unix, Page};
use dbx_check_core::page::{Action, PageState};
use dbx_check_core::{read_address, PageAddress};
use yew::prelude::*;

#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// What the page's address asked for; read once at mount.
    #[prop_or_default]
    pub address: PageAddress,
}

/// A callback that sends the action `to_action` makes of its value.
fn send<T: 'static>(
    dispatch: &UseReducerDispatcher<Page>,
    to_action: impl Fn(T) -> Action + 'static,
) -> Callback<T> {
    let dispatch = dispatch.clone();
    Callback::from(move |value| dispatch.dispatch(to_action(value)))
}

/// The page: three steps in one column. It holds the one state; each part gets what the
/// core says it shows and callbacks that send actions.
#[component]
pub fn App(props: &AppProps) -> Html {
    let page = use_reducer(|| Page(PageState::from_address(&props.address, now_unix())));
    let d = page.dispatcher();
    let state = &page.0;
    let embed = props.address.embed;
    {
        let theme = props.address.theme;
        use_effect_with((), move |_| {
            if let Some(theme) = theme {
                crate::embed::apply_theme(theme);
            }
            let embedding = crate::embed::start();
            move || drop(embedding)
        });
    }
    html! {
        <main id="dbx-check" class={classes!(embed.then_some("embed"))}>
            if !embed {
                <header>
                    <h1>{ "Connect Airflow to Databricks" }</h1>
                    <p>{ "Paste your workspace URL and a credential. Nothing you type is stored, and your credential is sent nowhere but your workspace." }</p>
                </header>
            }
            if props.address.ignored_secret {
                <p class="finding warning" role="note">
                    { "This page's address carried a secret, which was ignored: secrets in addresses end up in browser history and server logs. Type it into the form, and revoke it if the address was shared." }
                </p>
            }
            <HostStep view={state.host_view()} on_edit={send(&d, Action::HostEdited)} />
            <CredentialStep view={state.credential_view()}
                on_method={send(&d, Action::MethodChosen)}
                on_field={send(&d, |(field, value)| Action::FieldEdited(field, value))}
                on_reveal={send(&d, |()| Action::SecretRevealToggled)} />
            <section class="step" aria-labelledby="step-result">
                <h2 id="step-result">{ "3. Result" }</h2>
                <CheckArea view={state.check_view()} generation={state.generation}
                    on_relay_found={send(&d, Action::RelayDetected)}
                    on_progress={send(&d, |(generation, report)| Action::CheckProgressed { generation, report })}
                    on_confirm={send(&d, |()| Action::HostConfirmed)}
                    on_paste={send(&d, Action::AnswerPasted)}
                    on_warehouse={send(&d, Action::WarehouseChosen)} />
                <PlanPanel view={state.plan_view()} />
                <ResultStep fields={state.result_fields_view()}
                    on_conn_id={send(&d, Action::ConnIdEdited)}
                    on_http_path={send(&d, Action::HttpPathEdited)}
                    on_airflow={send(&d, Action::AirflowChosen)} />
                <OutputTabs view={state.outputs_view()} on_tab={send(&d, Action::TabChosen)} />
            </section>
            if !embed {
                <footer>{ format!("dbx-check {}", dbx_check_core::VERSION) }</footer>
            }
        </main>
    }
}

/// Reads the page's own address (`location.search`).
pub fn address_from_location() -> PageAddress {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    read_address(&search)
}
