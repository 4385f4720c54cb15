//! Every problem the credential analysis can report, as data: code, severity and wording together. Messages never
//! quote what the user typed (a Login may hold a pasted secret too): they speak of counts,
//! shapes and field names only.

use super::shape::{PatDefect, SecretShape};
use crate::finding::{Severity, Worded, Wording};
use crate::vocabulary::{AuthMethod, Cloud};
use serde::Serialize;
use std::borrow::Cow;
use Severity::{Error, Info, Warning};

/// The connection field that holds a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SecretField {
    /// The connection's Password field.
    Password,
    /// The `token` key of the connection's Extra.
    ExtraToken,
}

impl SecretField {
    fn title(self) -> &'static str {
        match self {
            SecretField::Password => "The Password",
            SecretField::ExtraToken => "The token in Extra",
        }
    }

    fn name(self) -> &'static str {
        match self {
            SecretField::Password => "the Password",
            SecretField::ExtraToken => "the token in Extra",
        }
    }
}

/// A field whose text goes into an HTTP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HeaderField {
    Login,
    Password,
}

/// An optional setting in the connection's Extra.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ExtraSetting {
    AzureTenantId,
    AzureResourceId,
    AzureManagedIdentityClientId,
}

impl ExtraSetting {
    /// The key Airflow's provider reads.
    pub fn key(self) -> &'static str {
        match self {
            ExtraSetting::AzureTenantId => "azure_tenant_id",
            ExtraSetting::AzureResourceId => "azure_resource_id",
            ExtraSetting::AzureManagedIdentityClientId => "azure_managed_identity_client_id",
        }
    }
}

/// An HTTP authentication scheme pasted in front of a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AuthScheme {
    Bearer,
    Basic,
}

/// Everything the credential analysis can find. Each variant's name, in snake case, is
/// its finding's code; [`CredentialProblem::wording`] holds its severity and wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialProblem {
    // The method and the workspace.
    MethodNeedsAzure {
        method: AuthMethod,
        cloud: Cloud,
    },
    PasswordAuthRetiring,

    // Which secret Airflow will use (the provider's `_get_token` order).
    SecretMissing {
        method: AuthMethod,
    },
    PasswordUsedAsToken {
        method: AuthMethod,
    },
    PasswordNotUsed {
        method: AuthMethod,
    },
    ExtraTokenOverrides {
        method: AuthMethod,
    },

    // What was pasted around the secret.
    SecretLineBreak {
        field: SecretField,
        count: usize,
    },
    SecretSurroundingSpace {
        field: SecretField,
        leading: bool,
        trailing: bool,
        lenient: bool,
    },
    SecretInnerSpace {
        field: SecretField,
        count: usize,
    },
    SecretInvisibleCharacter {
        field: SecretField,
        count: usize,
    },
    SecretQuoted {
        field: SecretField,
        lenient: bool,
    },
    SecretAuthScheme {
        field: SecretField,
        scheme: AuthScheme,
    },
    SecretNameValueLine {
        field: SecretField,
    },
    SecretIsUrl {
        field: SecretField,
    },
    SecretIsJson {
        field: SecretField,
    },
    SecretNonAscii {
        field: SecretField,
        count: usize,
    },
    NotLatin1 {
        field: HeaderField,
    },

    // What kind of secret it is.
    PatMalformed {
        field: SecretField,
        defect: PatDefect,
    },
    TokenIdNotToken {
        field: SecretField,
    },
    SecretIsUuid {
        field: SecretField,
        method: AuthMethod,
    },
    SecretKindMismatch {
        field: SecretField,
        found: SecretShape,
        method: AuthMethod,
    },
    PatUnrecognised {
        field: SecretField,
    },
    OauthSecretUnrecognised,
    OauthSecretLength {
        chars_after_prefix: usize,
    },
    JwtShortLived {
        field: SecretField,
        expires_in_seconds: Option<i64>,
    },
    JwtExpired {
        field: SecretField,
        expired_seconds_ago: i64,
    },
    JwtNotYetValid {
        field: SecretField,
        valid_in_seconds: i64,
    },
    JwtUnreadable {
        field: SecretField,
    },
    JwtAudienceNotDatabricks {
        field: SecretField,
    },

    // The Login field.
    LoginMissing {
        method: AuthMethod,
    },
    LoginNotUsed {
        method: AuthMethod,
    },
    LoginSwitchesToBasic {
        login_is_token: bool,
    },
    PatBasicLoginEmpty,
    PatBasicLoginNotToken,
    LoginWhitespace,
    LoginQuoted,
    SecretInLogin {
        found: SecretShape,
    },
    ClientIdNotUuid {
        method: AuthMethod,
    },
    ClientIdIsTenantId,
    LoginNotEmail,

    // Extra settings.
    TenantIdMissing,
    TenantIdInvalid,
    TenantIdOverridesMethod {
        method: AuthMethod,
    },
    ManagedIdentityClientIdInvalid,
    ResourceIdInvalid,
    ResourceIdNeedsAzureLogin {
        method: AuthMethod,
    },
    ExtraValueWhitespace {
        setting: ExtraSetting,
    },
    ExtraNotUsed {
        setting: ExtraSetting,
        method: AuthMethod,
    },

    // The workspace URL field.
    SecretInUrlField {
        found: SecretShape,
        embedded: bool,
    },
}

use CredentialProblem as P;

/// A rough, readable duration: "about 3 hours".
fn about(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    let (n, unit) = match s {
        0..=89 => return "less than 2 minutes".to_owned(),
        90..=5_399 => ((s + 30) / 60, "minute"),
        5_400..=129_599 => ((s + 1_800) / 3_600, "hour"),
        _ => ((s + 43_200) / 86_400, "day"),
    };
    format!("about {n} {unit}{}", if n == 1 { "" } else { "s" })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What the method expects in the Password, for "needs ..." sentences.
fn expected_secret(method: AuthMethod) -> &'static str {
    match method {
        AuthMethod::Pat | AuthMethod::PatBasic => "a personal access token (it starts with dapi)",
        AuthMethod::SpOauth => "the service principal's OAuth secret (it starts with dose)",
        AuthMethod::AzureSp => "the Entra ID application's client secret value",
        AuthMethod::AzureMi | AuthMethod::AzureDefault => "nothing",
        AuthMethod::Basic => "the Databricks user's password",
    }
}

/// The method that fits a kind of secret, for the fix of a mismatch.
fn method_for(found: SecretShape) -> &'static str {
    match found {
        SecretShape::Pat | SecretShape::MalformedPat => {
            "Choose the pat method (Login empty, the token in Password)."
        }
        SecretShape::OauthSecret => {
            "Choose the sp_oauth method: the service principal's Application ID in Login, this secret in Password."
        }
        SecretShape::AzureClientSecret => {
            "Choose the azure_sp method: the application (client) ID in Login, this secret in Password, and azure_tenant_id in Extra. \
             sp_oauth is for secrets that Databricks itself issues (they start with dose)."
        }
        SecretShape::Jwt => {
            "Access tokens are made from a secret and expire within hours; paste the long-lived secret the method needs instead."
        }
        SecretShape::OauthRefreshToken => {
            "Airflow cannot use a refresh token. Create a personal access token, or an OAuth secret for a service principal."
        }
        _ => "If the live check fails, create a personal access token (Settings, Developer, Access tokens) and use it instead.",
    }
}

/// Warning when Airflow may still get through, else Error.
fn error_unless(lenient: bool) -> Severity {
    if lenient {
        Warning
    } else {
        Error
    }
}

impl Worded for CredentialProblem {
    /// The problem's severity, message and fix, with the values its templates name.
    fn wording(&self) -> Wording<'_> {
        match self {
            P::MethodNeedsAzure { method, cloud } => Wording::new(
                Error,
                "The {method} method signs in through Microsoft Entra ID, which only Azure Databricks accepts, but this workspace runs on {cloud}.",
                "Choose pat (a personal access token) or sp_oauth (a Databricks service principal with an OAuth secret), or check that Host is the workspace you meant.",
            )
            .with("method", method.as_str())
            .with("cloud", cloud.display_name()),
            P::PasswordAuthRetiring => Wording::new(
                Warning,
                "Databricks is retiring user name and password authentication; workspaces may already refuse it.",
                "Use a personal access token (the pat method) or a service principal (sp_oauth) instead.",
            ),
            P::SecretMissing { method } => Wording::new(
                Error,
                "The Password is empty; the {method} method needs {expected} there.",
                match method {
                    AuthMethod::Pat | AuthMethod::PatBasic => "In the workspace, open Settings, Developer, Access tokens, generate a token, and paste it (shown once, it starts with dapi).",
                    AuthMethod::SpOauth => "On the service principal's page (Settings, Identity and access, Service principals), open Secrets, generate a secret, and paste it (shown once, it starts with dose).",
                    AuthMethod::AzureSp => "In the Azure portal, open Microsoft Entra ID, App registrations, your app, Certificates & secrets, create a client secret, and paste its Value (shown once).",
                    _ => "Type the Databricks user's password.",
                },
            )
            .with("method", method.as_str())
            .with("expected", expected_secret(*method)),
            P::PasswordUsedAsToken { method } => Wording::new(
                Error,
                "With a Password and an empty Login, Airflow sends the Password as a personal access token and never tries the {method} sign-in.",
                "Clear the Password.",
            )
            .with("method", method.as_str()),
            P::PasswordNotUsed { method } => Wording::new(
                Warning,
                "The {method} method does not use the Password; Airflow ignores it.",
                "Clear the Password.",
            )
            .with("method", method.as_str()),
            P::ExtraTokenOverrides { method } => {
                if matches!(method, AuthMethod::Pat | AuthMethod::PatBasic) {
                    Wording::new(
                        Warning,
                        "Extra holds a token; Airflow uses it before the Password and logs advice to move it, because Extra is not masked like the Password.",
                        "Move the token into the Password and remove token from Extra.",
                    )
                } else {
                    Wording::new(
                        Error,
                        "Extra holds a token; Airflow uses it before anything else, so the {method} sign-in is never tried.",
                        "Remove token from Extra.",
                    )
                    .with("method", method.as_str())
                }
            }
            P::SecretLineBreak { field, count } => Wording::new(
                Error,
                "{title} contains {count}; Airflow would send {them} as part of the secret.",
                "Paste {name} again as one line, without the line break.",
            )
            .field(*field)
            .with("count", plural(*count, "line break", "line breaks"))
            .with("them", if *count == 1 { "it" } else { "them" }),
            P::SecretSurroundingSpace {
                field,
                leading,
                trailing,
                lenient,
            } => Wording::new(
                error_unless(*lenient),
                "{title} has spaces {where}; Airflow sends them as part of the secret.",
                "Remove the spaces around {name}.",
            )
            .field(*field)
            .with(
                "where",
                match (leading, trailing) {
                    (true, true) => "before and after it",
                    (true, false) => "before it",
                    _ => "after it",
                },
            ),
            P::SecretInnerSpace { field, count } => Wording::new(
                Error,
                "{title} has {count} inside it; tokens and secrets never contain spaces.",
                "Remove the spaces inside {name}; if the value was split across lines, copy it again in one piece.",
            )
            .field(*field)
            .with("count", plural(*count, "space", "spaces")),
            P::SecretInvisibleCharacter { field, count } => Wording::new(
                Error,
                "{title} contains {count} (such as a zero-width space), usually picked up when copying from a web page or a chat.",
                "Delete {name} and type or copy it again from its source (for example from a plain-text editor).",
            )
            .field(*field)
            .with("count", plural(*count, "invisible character", "invisible characters")),
            P::SecretQuoted { field, lenient } => Wording::new(
                error_unless(*lenient),
                "{title} is wrapped in quotes; Airflow would send the quotes as part of the secret.",
                "Remove the quotes around {name}.",
            )
            .field(*field),
            P::SecretAuthScheme {
                field,
                scheme: AuthScheme::Bearer,
            } => Wording::new(
                Error,
                "{title} starts with Bearer, the word an HTTP header puts before a token; Airflow adds it itself, so it would be sent twice.",
                "Keep only the token in {name}: remove Bearer, and anything before it.",
            )
            .field(*field),
            P::SecretAuthScheme {
                field,
                scheme: AuthScheme::Basic,
            } => Wording::new(
                Error,
                "{title} is an HTTP Basic header value (an encoded user name and password), not the secret itself.",
                "Replace {name} with the token itself; Airflow builds the header.",
            )
            .field(*field),
            P::SecretNameValueLine { field } => Wording::new(
                Error,
                "{title} is a whole NAME=value line (as in a .env file or a shell export), not just the value.",
                "Keep only the part after the equals sign (or colon) in {name}, without quotes.",
            )
            .field(*field),
            P::SecretIsUrl { field } => Wording::new(
                Error,
                "{title} holds a URL, not a secret.",
                "Put the workspace URL in Host, and the token or secret in Password.",
            )
            .field(*field),
            P::SecretIsJson { field } => Wording::new(
                Error,
                "{title} holds a JSON object (perhaps the connection's Extra), not a secret.",
                "Put the JSON object in Extra, and only the token or secret in Password.",
            )
            .field(*field),
            P::SecretNonAscii { field, count } => Wording::new(
                Error,
                "{title} has {count} outside plain ASCII; Databricks and Azure secrets use plain letters, digits and a few symbols only.",
                "Copy {name} again from where it was created, or type it in a plain-text editor first.",
            )
            .field(*field)
            .with("count", plural(*count, "character", "characters")),
            P::NotLatin1 { field } => Wording::new(
                Error,
                "The {field} has characters that cannot be sent in an HTTP header (outside Latin-1); Airflow's request fails before it leaves.",
                "Check the value for look-alike letters or symbols (such as curly quotes or a euro sign) and type them plainly.",
            )
            .with(
                "field",
                match field {
                    HeaderField::Login => "Login",
                    HeaderField::Password => "Password",
                },
            ),
            P::PatMalformed { field, defect } => Wording::new(
                Error,
                "{title} starts like a personal access token but {defect}.",
                match defect {
                    PatDefect::PastedTwice => "Keep one copy of the token in {name}.",
                    PatDefect::PrefixCase | PatDefect::UpperCase => "Copy the token again exactly as it was shown; do not change its case.",
                    _ => "Copy the token again in full. If it is lost, generate a new one in Settings, Developer, Access tokens (it is shown only once).",
                },
            )
            .field(*field)
            .with(
                "defect",
                match defect {
                    PatDefect::PrefixCase => "its dapi prefix is not in lower case".into(),
                    PatDefect::PastedTwice => "is the same token pasted twice in a row".into(),
                    PatDefect::UpperCase => "has upper-case letters; tokens use 0-9 and a-f only".into(),
                    PatDefect::NotHex => "has characters other than 0-9 and a-f after dapi".into(),
                    PatDefect::WrongLength(n) => Cow::Owned(format!(
                        "has {} after dapi where a token has 32 (was it cut off when copied?)",
                        plural(*n, "character", "characters")
                    )),
                    PatDefect::BadSuffix => "ends with something other than a dash and one digit after its 32 characters".into(),
                },
            ),
            P::TokenIdNotToken { field } => Wording::new(
                Error,
                "{title} holds 64 hexadecimal characters: this is the token's ID from the token list, not the token. The token itself starts with dapi and was shown once, when it was created.",
                "Paste the token itself. If you no longer have it, generate a new token in Settings, Developer, Access tokens, and copy it when it is shown.",
            )
            .field(*field),
            P::SecretIsUuid { field, method } => Wording::new(
                Error,
                if *method == AuthMethod::AzureSp {
                    "{title} holds a UUID: that is the client secret's Secret ID (or another ID), not the secret's value."
                } else {
                    "{title} holds a UUID: an ID (of a client, application, tenant or secret), not a secret."
                },
                match method {
                    AuthMethod::AzureSp => "In Certificates & secrets, copy the Value column, not the Secret ID. The value is shown only right after the secret is created; if it is hidden, create a new secret.",
                    AuthMethod::SpOauth => "IDs go in Login; put the OAuth secret (it starts with dose) in Password.",
                    _ => "Put the token or password in Password, not an ID.",
                },
            )
            .field(*field),
            P::SecretKindMismatch {
                field,
                found,
                method,
            } => {
                let maybe_usable_token = matches!(
                    found,
                    SecretShape::ScopedToken | SecretShape::OtherDatabricksSecret
                ) && matches!(method, AuthMethod::Pat | AuthMethod::PatBasic);
                let in_extra = *field == SecretField::ExtraToken;
                Wording::new(
                    error_unless(*method == AuthMethod::Basic || maybe_usable_token),
                    "{title} holds {found}, but the {method} method needs {expected}.",
                    if in_extra {
                        "Remove token from Extra, and put the secret in the Password with the method that fits it."
                    } else {
                        method_for(*found)
                    },
                )
                .field(*field)
                .with("found", found.describe())
                .with("method", method.as_str())
                .with(
                    "expected",
                    if in_extra {
                        "a personal access token (it starts with dapi)"
                    } else {
                        expected_secret(*method)
                    },
                )
            }
            P::PatUnrecognised { field } => Wording::new(
                Warning,
                "{title} does not look like a Databricks personal access token (dapi followed by 32 characters 0-9 and a-f).",
                "Check that you copied the token itself; if the live check fails, generate a new one in Settings, Developer, Access tokens.",
            )
            .field(*field),
            P::OauthSecretUnrecognised => Wording::new(
                Warning,
                "The Password does not look like a Databricks OAuth secret, which starts with dose. If it is an Azure client secret from Entra ID, the sp_oauth method cannot use it.",
                "For an Entra ID client secret, choose the azure_sp method; for sp_oauth, generate a secret on the service principal's Secrets tab in Databricks.",
            ),
            P::OauthSecretLength { chars_after_prefix } => Wording::new(
                Warning,
                "The OAuth secret has {count} after dose where Databricks secrets have 32 (was it cut off when copied?).",
                "Copy the secret again in full; if it is lost, generate a new one on the service principal's Secrets tab.",
            )
            .with("count", plural(*chars_after_prefix, "character", "characters")),
            P::JwtShortLived {
                field,
                expires_in_seconds,
            } => Wording::new(
                Warning,
                "{title} is an OAuth access token (a JWT), which {expires}; Airflow cannot renew it, so the connection stops working then.",
                USE_LONG_LIVED,
            )
            .field(*field)
            .with(
                "expires",
                match expires_in_seconds {
                    Some(s) => Cow::Owned(format!("expires in {}", about(*s))),
                    None => "expires within hours".into(),
                },
            ),
            P::JwtExpired {
                field,
                expired_seconds_ago,
            } => Wording::new(
                Error,
                "{title} is an OAuth access token (a JWT) that expired {ago} ago.",
                USE_LONG_LIVED,
            )
            .field(*field)
            .with("ago", about(*expired_seconds_ago)),
            P::JwtNotYetValid {
                field,
                valid_in_seconds,
            } => Wording::new(
                Warning,
                "{title} is an OAuth access token (a JWT) that becomes valid only in {when} (or this computer's clock is off).",
                "Check this computer's clock, or wait; better, use a personal access token or a service principal.",
            )
            .field(*field)
            .with("when", about(*valid_in_seconds)),
            P::JwtUnreadable { field } => Wording::new(
                Warning,
                "{title} looks like an OAuth access token (a JWT), but its contents cannot be read: it may be cut off.",
                "Copy the token again in full, or use a personal access token instead.",
            )
            .field(*field),
            P::JwtAudienceNotDatabricks { field } => Wording::new(
                Warning,
                "{title} is an Entra ID access token issued for another service, not for Azure Databricks; the workspace will refuse it.",
                "Request the token for the Azure Databricks resource (2ff814a6-3304-4ab8-85cb-cd0e6f879c1d), or better, use the azure_sp method and let Airflow fetch tokens.",
            )
            .field(*field),
            P::LoginMissing { method } => Wording::new(
                Error,
                match method {
                    AuthMethod::Basic => "Login is empty: the basic method needs the Databricks user name, and with an empty Login Airflow sends the Password as a token instead.",
                    _ => "Login is empty: the {method} method needs the client ID there, and with an empty Login Airflow sends the Password as a personal access token instead.",
                },
                match method {
                    AuthMethod::SpOauth => "Put the service principal's Application ID (a UUID, from Settings, Identity and access, Service principals) in Login.",
                    AuthMethod::AzureSp => "Put the application (client) ID from the app's Overview page in the Azure portal in Login.",
                    _ => "Put the Databricks user name (usually an email address) in Login.",
                },
            )
            .with("method", method.as_str()),
            P::LoginNotUsed { method } => Wording::new(
                Warning,
                "The {method} method does not use Login; Airflow ignores it.",
                "Clear Login.",
            )
            .with("method", method.as_str()),
            P::LoginSwitchesToBasic { login_is_token } => Wording::new(
                if *login_is_token { Info } else { Warning },
                if *login_is_token {
                    "With Login set to token, Airflow sends the token with HTTP Basic authentication instead of as a Bearer token. Databricks accepts that, but Bearer is the recommended form."
                } else {
                    "Login is filled, so Airflow sends the token with HTTP Basic authentication, using Login as the user name, instead of as a Bearer token. Databricks may refuse it."
                },
                "Leave Login empty so Airflow sends the token as a Bearer token.",
            ),
            P::PatBasicLoginEmpty => Wording::new(
                Info,
                "Login is empty, so Airflow sends the token as a Bearer token (the pat method) rather than with Basic authentication. That works too.",
                "Nothing to do; or type token in Login if you need Basic authentication.",
            ),
            P::PatBasicLoginNotToken => Wording::new(
                Warning,
                "Login is not the word token: with Basic authentication Databricks expects the user name token and the personal access token as the password.",
                "Type token (lower case) in Login, or leave Login empty to use Bearer authentication.",
            ),
            P::LoginWhitespace => Wording::new(
                Error,
                "Login has spaces, line breaks or invisible characters; Airflow sends them as they are.",
                "Remove the spaces and line breaks from Login, or type it again.",
            ),
            P::LoginQuoted => Wording::new(
                Error,
                "Login is wrapped in quotes; Airflow would send the quotes too.",
                "Remove the quotes around Login.",
            ),
            P::SecretInLogin { found } => Wording::new(
                Error,
                "Login holds {found}; a secret does not belong in Login, which Airflow shows in plain text.",
                "Move the secret into Password and put the right value in Login (empty for the pat method). If Login was saved or shared, treat the secret as exposed and replace it.",
            )
            .with("found", found.describe()),
            P::ClientIdNotUuid { method } => {
                // Entra ID application IDs are always UUIDs; for Databricks-managed
                // principals the facts only vouch for Azure, so elsewhere it is a warning.
                if *method == AuthMethod::AzureSp {
                    Wording::new(
                        Error,
                        "Login is not a UUID; an Entra ID application (client) ID always is.",
                        "Copy the Application (client) ID from the app's Overview page in the Azure portal.",
                    )
                } else {
                    Wording::new(
                        Warning,
                        "Login is not a UUID; a Databricks service principal's Application ID is one (not its display name).",
                        "Copy the Application ID from Settings, Identity and access, Service principals, in the workspace.",
                    )
                }
            }
            P::ClientIdIsTenantId => Wording::new(
                Error,
                "Login is the same as azure_tenant_id: Login needs the application (client) ID, which is a different UUID.",
                "Copy the Application (client) ID from the app's Overview page; the Directory (tenant) ID below it goes in azure_tenant_id.",
            ),
            P::LoginNotEmail => Wording::new(
                Info,
                "Login is not an email address; Databricks user names usually are.",
                "Check the user name in the workspace (your profile, top right).",
            ),
            P::TenantIdMissing => Wording::new(
                Error,
                "Extra has no azure_tenant_id; the azure_sp method needs the Entra ID tenant (directory) ID, and without it Airflow does not try an Entra ID sign-in at all.",
                COPY_TENANT_ID,
            ),
            P::TenantIdInvalid => Wording::new(
                Error,
                "azure_tenant_id is neither a UUID nor a domain name; Entra ID tenant IDs are UUIDs.",
                COPY_TENANT_ID,
            ),
            P::TenantIdOverridesMethod { method } => Wording::new(
                Error,
                "Extra has azure_tenant_id, so Airflow signs in as an Entra ID service principal with Login and Password before it ever tries the {method} method.",
                "Remove azure_tenant_id from Extra, or choose the azure_sp method.",
            )
            .with("method", method.as_str()),
            P::ManagedIdentityClientIdInvalid => Wording::new(
                Error,
                "azure_managed_identity_client_id is not a UUID; a managed identity's client ID is one.",
                "Copy the Client ID from the managed identity's Overview page in the Azure portal, or leave it empty to use the system-assigned identity.",
            ),
            P::ResourceIdInvalid => Wording::new(
                Warning,
                "azure_resource_id does not look like an Azure Databricks workspace resource ID (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Databricks/workspaces/<name>).",
                "Copy the Resource ID from the workspace's Properties page in the Azure portal, or remove it: it is only needed when the service principal is not a user of the workspace.",
            ),
            P::ResourceIdNeedsAzureLogin { method } => Wording::new(
                Error,
                "Extra has azure_resource_id, so Airflow also asks Entra ID for an Azure management token with azure_tenant_id, Login and Password; with the {method} method that request fails.",
                "Remove azure_resource_id from Extra; it only works with the azure_sp and azure_mi methods.",
            )
            .with("method", method.as_str()),
            P::ExtraValueWhitespace { setting } => Wording::new(
                Error,
                "{key} has spaces, line breaks, quotes or invisible characters around or inside it.",
                "Copy {key} again, without anything around it.",
            )
            .with("key", setting.key()),
            P::ExtraNotUsed { setting, method } => Wording::new(
                Warning,
                "The {method} method does not use {key}; Airflow ignores it.",
                match (setting, method) {
                    (ExtraSetting::AzureManagedIdentityClientId, AuthMethod::AzureDefault) => "Remove it; DefaultAzureCredential takes a user-assigned identity from the AZURE_CLIENT_ID environment variable on the machines where Airflow runs.",
                    _ => "Remove {key} from Extra.",
                },
            )
            .with("method", method.as_str())
            .with("key", setting.key()),
            P::SecretInUrlField { found, embedded } => Wording::new(
                Error,
                if *embedded {
                    "The workspace URL contains {found}; the URL field is for the address only, and a secret in a URL ends up in logs and browser history."
                } else {
                    "The workspace URL field holds {found}, not a URL."
                },
                "Put only the workspace URL in the URL field and the secret in Password. If the URL was shared or saved, treat the secret as exposed and replace it.",
            )
            .with("found", found.describe()),
        }
    }
}

const USE_LONG_LIVED: &str = "Use a personal access token (it starts with dapi) or a service principal (sp_oauth or azure_sp), for which Airflow fetches fresh tokens itself.";
const COPY_TENANT_ID: &str = "Copy the Directory (tenant) ID from the app's Overview page in the Azure portal into azure_tenant_id.";

impl Wording<'_> {
    /// The slots `{title}` ("The Password") and `{name}` ("the Password") of a field.
    fn field(self, field: SecretField) -> Self {
        self.with("title", field.title()).with("name", field.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Diagnostic;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(about(30), "less than 2 minutes");
        assert_eq!(about(-600), "about 10 minutes");
        assert_eq!(about(3_600), "about 60 minutes");
        assert_eq!(about(7_200), "about 2 hours");
        assert_eq!(about(86_400 * 3), "about 3 days");
        assert!(about(i64::MIN).ends_with(" days"));
    }

    #[test]
    fn severity_follows_what_airflow_will_do() {
        let mismatch = |found, method| {
            P::SecretKindMismatch {
                field: SecretField::Password,
                found,
                method,
            }
            .severity()
        };
        assert_eq!(
            mismatch(SecretShape::OauthSecret, AuthMethod::Pat),
            Severity::Error
        );
        assert_eq!(
            mismatch(SecretShape::ScopedToken, AuthMethod::Pat),
            Severity::Warning
        );
        assert_eq!(
            mismatch(SecretShape::Pat, AuthMethod::Basic),
            Severity::Warning
        );
        assert_eq!(
            P::ExtraTokenOverrides {
                method: AuthMethod::SpOauth
            }
            .severity(),
            Severity::Error
        );
        assert_eq!(
            P::ExtraTokenOverrides {
                method: AuthMethod::Pat
            }
            .severity(),
            Severity::Warning
        );
    }
}
