use super::{input_value, select_value};
use dbx_check_core::airflow::AirflowVersion;
use dbx_check_core::page::view::{airflow_choice, ResultFieldsView, AIRFLOW_CHOICES};
use yew::prelude::*;

#[derive(Properties)]
pub struct ResultStepProps {
    pub fields: ResultFieldsView,
    pub on_conn_id: Callback<String>,
    pub on_http_path: Callback<String>,
    pub on_airflow: Callback<AirflowVersion>,
}

/// Step 3's own fields: the connection id, the Airflow version and the HTTP path. The
/// step's section, with the live check above and the values' tabs below, is the app's.
#[component]
pub fn ResultStep(props: &ResultStepProps) -> Html {
    let fields = &props.fields;
    let on_conn_id = props.on_conn_id.reform(|e: InputEvent| input_value(&e));
    let on_http_path = props.on_http_path.reform(|e: InputEvent| input_value(&e));
    let on_version = props
        .on_airflow
        .reform(|e: Event| airflow_choice(&select_value(&e)));
    html! {
        <>
            <h3>{ "Airflow connection values" }</h3>
            <div class="row">
                <div class="field">
                    <label for="conn-id">{ "Connection id" }</label>
                    <input id="conn-id" autocomplete="off" spellcheck="false"
                        value={fields.conn_id.clone()} oninput={on_conn_id} />
                </div>
                <div class="field">
                    <label for="airflow-version">{ "Airflow version" }</label>
                    <select id="airflow-version" onchange={on_version}>
                        { for AIRFLOW_CHOICES.iter().map(|(value, words, version)| html! {
                            <option value={*value} selected={fields.airflow == *version}>{ *words }</option>
                        }) }
                    </select>
                </div>
            </div>
            <div class="field">
                <label for="http-path">{ "SQL warehouse HTTP path (optional, for SQL operators)" }</label>
                <input id="http-path" autocomplete="off" spellcheck="false" placeholder={fields.found_path.clone()}
                    value={fields.http_path.clone()} oninput={on_http_path} />
            </div>
        </>
    }
}
