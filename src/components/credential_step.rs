use super::findings::Findings;
use super::{input_value, select_value};
use dbx_check_core::credential::ConnectionField;
use dbx_check_core::page::view::{CredentialView, FieldView};
use dbx_check_core::AuthMethod;
use yew::prelude::*;

#[derive(Properties)]
pub struct CredentialStepProps {
    pub view: CredentialView,
    pub on_method: Callback<AuthMethod>,
    pub on_field: Callback<(ConnectionField, String)>,
    pub on_reveal: Callback<()>,
}

/// Step 2: how Airflow signs in, and only the fields that method uses.
#[component]
pub fn CredentialStep(props: &CredentialStepProps) -> Html {
    let view = &props.view;
    let onchange = {
        let on_method = props.on_method.clone();
        Callback::from(move |e: Event| {
            if let Ok(method) = select_value(&e).parse::<AuthMethod>() {
                on_method.emit(method);
            }
        })
    };
    html! {
        <section class="step" aria-labelledby="step-credential">
            <h2 id="step-credential">{ "2. Credential" }</h2>
            <label for="auth-method">{ "How Airflow signs in" }</label>
            <select id="auth-method" {onchange} aria-describedby="method-reach">
                { for AuthMethod::ALL.iter().map(|m| html! {
                    <option value={m.as_str()} selected={*m == view.method}>{ m.label() }</option>
                }) }
            </select>
            <p class="help" id="method-reach">{ view.reach }</p>
            { for view.fields.iter().map(|f| field(props, f)) }
            <Findings id="credential-findings" findings={view.findings.clone()} />
        </section>
    }
}

fn field(props: &CredentialStepProps, view: &FieldView) -> Html {
    match view {
        FieldView::Fixed {
            field,
            sentence,
            help,
        } => html! {
            <p class="fixed" data-field={dom_id(*field)}>
                { sentence }
                <span class="help">{ help }</span>
            </p>
        },
        FieldView::Input {
            field,
            label,
            value,
            help,
            secret,
            revealed,
        } => {
            let field = *field;
            let id = dom_id(field);
            let help_id = format!("help-{id}");
            let oninput = props
                .on_field
                .reform(move |e: InputEvent| (field, input_value(&e)));
            let reveal = secret.then(|| {
                let onclick = props.on_reveal.reform(|_: MouseEvent| ());
                html! {
                    <button type="button" class="secondary reveal" aria-controls="secret"
                        aria-pressed={revealed.to_string()} {onclick}>
                        { if *revealed { "Hide" } else { "Show" } }
                    </button>
                }
            });
            let kind = if *secret && !revealed {
                "password"
            } else {
                "text"
            };
            html! {
                <div class="field">
                    <label for={id}>{ label }</label>
                    <div class="with-button">
                        <input id={id} type={kind} autocomplete="off" spellcheck="false"
                            aria-describedby={format!("{help_id} credential-findings")}
                            value={value.expose().to_owned()} {oninput} />
                        { reveal.unwrap_or_default() }
                    </div>
                    <p class="help" id={help_id}>{ help }</p>
                </div>
            }
        }
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
