use yew::prelude::*;

/// The page: three steps in one column.
#[component]
pub fn App() -> Html {
    html! {
        <main id="dbx-check">
            <header>
                <h1>{ "Connect Airflow to Databricks" }</h1>
                <p>{ "Paste your workspace URL and a credential. Nothing you type is stored or sent anywhere but your workspace." }</p>
            </header>
            <section class="step" aria-labelledby="step-workspace">
                <h2 id="step-workspace">{ "1. Workspace URL" }</h2>
                <label for="workspace-url">{ "Workspace URL" }</label>
                <input id="workspace-url" type="url" inputmode="url" autocomplete="off" spellcheck="false"
                    placeholder="https://adb-1234567890123456.7.azuredatabricks.net" />
            </section>
            <section class="step" aria-labelledby="step-credential">
                <h2 id="step-credential">{ "2. Credential" }</h2>
                <label for="auth-method">{ "How Airflow signs in" }</label>
                <select id="auth-method">
                    <option value="pat" selected=true>{ "Personal access token" }</option>
                </select>
                <label for="secret">{ "Token" }</label>
                <input id="secret" type="password" autocomplete="off" spellcheck="false" />
            </section>
            <section class="step" aria-labelledby="step-result">
                <h2 id="step-result">{ "3. Result" }</h2>
                <label for="conn-id">{ "Airflow connection id" }</label>
                <input id="conn-id" value="databricks_default" autocomplete="off" spellcheck="false" />
            </section>
            <footer>{ format!("dbx-check {}", dbx_check_core::VERSION) }</footer>
        </main>
    }
}
