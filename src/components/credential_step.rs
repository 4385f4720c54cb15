use super::findings::Findings;
use super::{input_value, select_value};
use crate::state::{Action, PageState};
use dbx_check_core::credential::{ConnectionField, FieldNeed, Need};
use dbx_check_core::AuthMethod;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CredentialStepProps {
    pub state: UseReducerHandle<PageState>,
}

/// Step 2: how Airflow signs in, and only the fields that method uses.
#[component]
pub fn CredentialStep(props: &CredentialStepProps) -> Html {
    let state = &props.state;
    let credential = &state.assessment.credential;
    let onchange = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            if let Ok(method) = select_value(&e).parse::<AuthMethod>() {
                state.dispatch(Action::MethodChosen(method));
            }
        })
    };
    let shout = state.touched.credential;
    html! {
        <section class="step" aria-labelledby="step-credential">
            <h2 id="step-credential">{ "2. Credential" }</h2>
            <label for="auth-method">{ "How Airflow signs in" }</label>
            <select id="auth-method" {onchange} aria-describedby="method-reach">
                { for AuthMethod::ALL.iter().map(|m| html! {
                    <option value={m.as_str()} selected={*m == state.input.method}>{ m.label() }</option>
                }) }
            </select>
            <p class="help" id="method-reach">{ credential.browser_check.reason }</p>
            { for credential.fields_needed.iter().map(|need| field(state, need)) }
            <Findings id="credential-findings" findings={ if shout { credential.findings.clone() } else { vec![] } } />
        </section>
    }
}

fn field(state: &UseReducerHandle<PageState>, need: &FieldNeed) -> Html {
    let help_id = format!("help-{}", dom_id(need.field));
    match need.need {
        Need::Fixed => {
            return html! {
                <p class="fixed" data-field={dom_id(need.field)}>
                    { format!("{}: set to {} for you. ", need.field.label(), need.value) }
                    <span class="help">{ need.help }</span>
                </p>
            }
        }
        Need::Empty => return Html::default(),
        Need::Required | Need::Optional => {}
    }
    let label = match need.need {
        Need::Optional => format!("{} (optional)", need.field.label()),
        _ => need.field.label().to_owned(),
    };
    let input = &state.input;
    let (value, action): (String, fn(String) -> Action) = match need.field {
        ConnectionField::Login => (input.login.clone(), Action::LoginEdited),
        ConnectionField::Password => (input.secret.expose().to_owned(), Action::SecretEdited),
        ConnectionField::AzureTenantId => (input.azure_tenant_id.clone(), Action::TenantEdited),
        ConnectionField::AzureResourceId => {
            (input.azure_resource_id.clone(), Action::ResourceIdEdited)
        }
        ConnectionField::AzureManagedIdentityClientId => (
            input.azure_mi_client_id.clone(),
            Action::ManagedIdentityEdited,
        ),
        _ => return Html::default(),
    };
    let oninput = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.dispatch(action(input_value(&e))))
    };
    let id = dom_id(need.field);
    let is_secret = need.field == ConnectionField::Password;
    let reveal = is_secret.then(|| {
        let onclick = {
            let state = state.clone();
            Callback::from(move |_| state.dispatch(Action::SecretRevealToggled))
        };
        html! {
            <button type="button" class="secondary reveal" aria-controls="secret"
                aria-pressed={state.secret_revealed.to_string()} {onclick}>
                { if state.secret_revealed { "Hide" } else { "Show" } }
            </button>
        }
    });
    let kind = if is_secret && !state.secret_revealed {
        "password"
    } else {
        "text"
    };
    html! {
        <div class="field">
            <label for={id}>{ label }{ format!(": {}", need.value) }</label>
            <div class="with-button">
                <input id={id} type={kind} autocomplete="off" spellcheck="false"
                    aria-describedby={format!("{help_id} credential-findings")}
                    {value} {oninput} />
                { reveal.unwrap_or_default() }
            </div>
            <p class="help" id={help_id}>{ need.help }</p>
        </div>
    }
}

/// The element ids the design names (`#login`, `#secret`) and the extras' own.
fn dom_id(field: ConnectionField) -> &'static str {
    match field {
        ConnectionField::Login => "login",
        ConnectionField::Password => "secret",
        ConnectionField::AzureTenantId => "azure-tenant-id",
        ConnectionField::AzureResourceId => "azure-resource-id",
        ConnectionField::AzureManagedIdentityClientId => "azure-mi-client-id",
        ConnectionField::ServicePrincipalOauth => "service-principal-oauth",
        ConnectionField::UseAzureManagedIdentity => "use-azure-managed-identity",
        ConnectionField::UseDefaultAzureCredential => "use-default-azure-credential",
    }
}
