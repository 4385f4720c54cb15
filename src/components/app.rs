use super::credential_step::CredentialStep;
use super::host_step::HostStep;
use super::result_step::ResultStep;
use crate::state::PageState;
use dbx_check_core::{read_address, FormInput, PageAddress};
use yew::prelude::*;

#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// What the page's address asked for; read once at mount.
    #[prop_or_default]
    pub address: PageAddress,
}

/// The page: three steps in one column.
#[component]
pub fn App(props: &AppProps) -> Html {
    let state = use_reducer(|| PageState::new(initial_input(&props.address)));
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
            <HostStep state={state.clone()} />
            <CredentialStep state={state.clone()} />
            <ResultStep state={state.clone()} />
            if !embed {
                <footer>{ format!("dbx-check {}", dbx_check_core::VERSION) }</footer>
            }
        </main>
    }
}

fn initial_input(address: &PageAddress) -> FormInput {
    let mut input = FormInput::default();
    if let Some(host) = &address.host {
        input.workspace_url = host.clone();
    }
    if let Some(id) = &address.conn_id {
        input.conn_id = id.clone();
    }
    if let Some(method) = address.method {
        input.method = method;
    }
    input.now_unix = crate::state::now_unix();
    input
}

/// Reads the page's own address (`location.search`).
pub fn address_from_location() -> PageAddress {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    read_address(&search)
}
