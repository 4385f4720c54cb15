use super::check_area::CheckArea;
use super::output_tabs::OutputTabs;
use super::plan_panel::PlanPanel;
use super::{input_value, select_value};
use crate::state::{Action, PageState};
use dbx_check_core::airflow::AirflowVersion;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ResultStepProps {
    pub state: UseReducerHandle<PageState>,
}

/// Step 3: the live check and the Airflow values.
#[component]
pub fn ResultStep(props: &ResultStepProps) -> Html {
    let state = &props.state;
    let on_conn_id = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.dispatch(Action::ConnIdEdited(input_value(&e))))
    };
    let on_http_path = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.dispatch(Action::HttpPathEdited(input_value(&e))))
    };
    let on_version = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let version = if select_value(&e) == "2" {
                AirflowVersion::V2
            } else {
                AirflowVersion::V3
            };
            state.dispatch(Action::AirflowChosen(version));
        })
    };
    let found_path = state.assessment.host.http_path.clone().unwrap_or_default();
    html! {
        <section class="step" aria-labelledby="step-result">
            <h2 id="step-result">{ "3. Result" }</h2>
            <CheckArea state={state.clone()} />
            <PlanPanel state={state.clone()} />
            <h3>{ "Airflow connection values" }</h3>
            <div class="row">
                <div class="field">
                    <label for="conn-id">{ "Connection id" }</label>
                    <input id="conn-id" autocomplete="off" spellcheck="false"
                        value={state.input.conn_id.clone()} oninput={on_conn_id} />
                </div>
                <div class="field">
                    <label for="airflow-version">{ "Airflow version" }</label>
                    <select id="airflow-version" onchange={on_version}>
                        <option value="3" selected={state.input.airflow == AirflowVersion::V3}>{ "3.x or 2.11" }</option>
                        <option value="2" selected={state.input.airflow == AirflowVersion::V2}>{ "2.10 or older" }</option>
                    </select>
                </div>
            </div>
            <div class="field">
                <label for="http-path">{ "SQL warehouse HTTP path (optional, for SQL operators)" }</label>
                <input id="http-path" autocomplete="off" spellcheck="false" placeholder={found_path}
                    value={state.input.http_path.clone()} oninput={on_http_path} />
            </div>
            <OutputTabs state={state.clone()} />
        </section>
    }
}
