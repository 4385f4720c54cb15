//! Every problem the credential analysis can report, with its wording. Messages never
//! quote what the user typed (a Login may hold a pasted secret too): they speak of counts,
//! shapes and field names only.

use super::shape::{PatDefect, SecretShape};
use crate::finding::{Diagnostic, Severity};
use crate::vocabulary::{AuthMethod, Cloud};

/// The connection field that holds a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderField {
    Login,
    Password,
}

/// An optional setting in the connection's Extra.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    Bearer,
    Basic,
}

/// Everything the credential analysis can find. Rendered through [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq)]
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
    LineBreak {
        field: SecretField,
        count: usize,
    },
    SurroundingSpace {
        field: SecretField,
        leading: bool,
        trailing: bool,
        lenient: bool,
    },
    InnerSpace {
        field: SecretField,
        count: usize,
    },
    InvisibleCharacter {
        field: SecretField,
        count: usize,
    },
    Quoted {
        field: SecretField,
        lenient: bool,
    },
    AuthSchemePrefix {
        field: SecretField,
        scheme: AuthScheme,
    },
    NameValueLine {
        field: SecretField,
    },
    UrlNotSecret {
        field: SecretField,
    },
    JsonNotSecret {
        field: SecretField,
    },
    NonAscii {
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
    UuidNotSecret {
        field: SecretField,
        method: AuthMethod,
    },
    KindMismatch {
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
    LoginBlank,
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
    ExtraValueBlank {
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

impl Diagnostic for CredentialProblem {
    fn code(&self) -> &'static str {
        match self {
            P::MethodNeedsAzure { .. } => "method_needs_azure",
            P::PasswordAuthRetiring => "password_auth_retiring",
            P::SecretMissing { .. } => "secret_missing",
            P::PasswordUsedAsToken { .. } => "password_used_as_token",
            P::PasswordNotUsed { .. } => "password_not_used",
            P::ExtraTokenOverrides { .. } => "extra_token_overrides",
            P::LineBreak { .. } => "secret_line_break",
            P::SurroundingSpace { .. } => "secret_surrounding_space",
            P::InnerSpace { .. } => "secret_inner_space",
            P::InvisibleCharacter { .. } => "secret_invisible_character",
            P::Quoted { .. } => "secret_quoted",
            P::AuthSchemePrefix { .. } => "secret_auth_scheme",
            P::NameValueLine { .. } => "secret_name_value_line",
            P::UrlNotSecret { .. } => "secret_is_url",
            P::JsonNotSecret { .. } => "secret_is_json",
            P::NonAscii { .. } => "secret_non_ascii",
            P::NotLatin1 { .. } => "not_latin1",
            P::PatMalformed { .. } => "pat_malformed",
            P::TokenIdNotToken { .. } => "token_id_not_token",
            P::UuidNotSecret { .. } => "secret_is_uuid",
            P::KindMismatch { .. } => "secret_kind_mismatch",
            P::PatUnrecognised { .. } => "pat_unrecognised",
            P::OauthSecretUnrecognised => "oauth_secret_unrecognised",
            P::OauthSecretLength { .. } => "oauth_secret_length",
            P::JwtShortLived { .. } => "jwt_short_lived",
            P::JwtExpired { .. } => "jwt_expired",
            P::JwtNotYetValid { .. } => "jwt_not_yet_valid",
            P::JwtUnreadable { .. } => "jwt_unreadable",
            P::JwtAudienceNotDatabricks { .. } => "jwt_audience_not_databricks",
            P::LoginMissing { .. } => "login_missing",
            P::LoginNotUsed { .. } => "login_not_used",
            P::LoginSwitchesToBasic { .. } => "login_switches_to_basic",
            P::PatBasicLoginEmpty => "pat_basic_login_empty",
            P::PatBasicLoginNotToken => "pat_basic_login_not_token",
            P::LoginBlank => "login_whitespace",
            P::LoginQuoted => "login_quoted",
            P::SecretInLogin { .. } => "secret_in_login",
            P::ClientIdNotUuid { .. } => "client_id_not_uuid",
            P::ClientIdIsTenantId => "client_id_is_tenant_id",
            P::LoginNotEmail => "login_not_email",
            P::TenantIdMissing => "tenant_id_missing",
            P::TenantIdInvalid => "tenant_id_invalid",
            P::TenantIdOverridesMethod { .. } => "tenant_id_overrides_method",
            P::ManagedIdentityClientIdInvalid => "managed_identity_client_id_invalid",
            P::ResourceIdInvalid => "resource_id_invalid",
            P::ResourceIdNeedsAzureLogin { .. } => "resource_id_needs_azure_login",
            P::ExtraValueBlank { .. } => "extra_value_whitespace",
            P::ExtraNotUsed { .. } => "extra_not_used",
            P::SecretInUrlField { .. } => "secret_in_url_field",
        }
    }

    fn severity(&self) -> Severity {
        use Severity::{Error, Info, Warning};
        match self {
            P::PasswordAuthRetiring
            | P::PasswordNotUsed { .. }
            | P::PatUnrecognised { .. }
            | P::OauthSecretUnrecognised
            | P::OauthSecretLength { .. }
            | P::JwtShortLived { .. }
            | P::JwtNotYetValid { .. }
            | P::JwtUnreadable { .. }
            | P::JwtAudienceNotDatabricks { .. }
            | P::LoginNotUsed { .. }
            | P::PatBasicLoginNotToken
            | P::ResourceIdInvalid
            | P::ExtraNotUsed { .. } => Warning,
            P::PatBasicLoginEmpty | P::LoginNotEmail => Info,
            P::LoginSwitchesToBasic { login_is_token } => {
                if *login_is_token {
                    Info
                } else {
                    Warning
                }
            }
            P::ExtraTokenOverrides { method } => {
                if matches!(method, AuthMethod::Pat | AuthMethod::PatBasic) {
                    Warning
                } else {
                    Error
                }
            }
            P::SurroundingSpace { lenient, .. } | P::Quoted { lenient, .. } => {
                if *lenient {
                    Warning
                } else {
                    Error
                }
            }
            P::KindMismatch { found, method, .. } => {
                let maybe_usable_token =
                    matches!(
                        found,
                        SecretShape::ScopedToken | SecretShape::OtherDatabricksSecret
                    ) && matches!(method, AuthMethod::Pat | AuthMethod::PatBasic);
                if *method == AuthMethod::Basic || maybe_usable_token {
                    Warning
                } else {
                    Error
                }
            }
            P::ClientIdNotUuid { method } => {
                // Entra ID application IDs are always UUIDs; for Databricks-managed
                // principals the facts only vouch for Azure, so elsewhere it is a warning.
                if *method == AuthMethod::AzureSp {
                    Error
                } else {
                    Warning
                }
            }
            _ => Error,
        }
    }

    fn message(&self) -> String {
        match self {
            P::MethodNeedsAzure { method, cloud } => format!(
                "The {method} method signs in through Microsoft Entra ID, which only Azure Databricks accepts, but this workspace runs on {}.",
                cloud.display_name()
            ),
            P::PasswordAuthRetiring => "Databricks is retiring user name and password authentication; workspaces may already refuse it.".to_owned(),
            P::SecretMissing { method } => format!(
                "The Password is empty; the {method} method needs {} there.",
                expected_secret(*method)
            ),
            P::PasswordUsedAsToken { method } => format!(
                "With a Password and an empty Login, Airflow sends the Password as a personal access token and never tries the {method} sign-in."
            ),
            P::PasswordNotUsed { method } => format!("The {method} method does not use the Password; Airflow ignores it."),
            P::ExtraTokenOverrides { method } => {
                if matches!(method, AuthMethod::Pat | AuthMethod::PatBasic) {
                    "Extra holds a token; Airflow uses it before the Password and logs advice to move it, because Extra is not masked like the Password.".to_owned()
                } else {
                    format!("Extra holds a token; Airflow uses it before anything else, so the {method} sign-in is never tried.")
                }
            }
            P::LineBreak { field, count } => format!(
                "{} contains {}; Airflow would send {} as part of the secret.",
                field.title(),
                plural(*count, "line break", "line breaks"),
                if *count == 1 { "it" } else { "them" }
            ),
            P::SurroundingSpace { field, leading, trailing, .. } => format!(
                "{} has spaces {}; Airflow sends them as part of the secret.",
                field.title(),
                match (leading, trailing) {
                    (true, true) => "before and after it",
                    (true, false) => "before it",
                    _ => "after it",
                }
            ),
            P::InnerSpace { field, count } => format!(
                "{} has {} inside it; tokens and secrets never contain spaces.",
                field.title(),
                plural(*count, "space", "spaces")
            ),
            P::InvisibleCharacter { field, count } => format!(
                "{} contains {} (such as a zero-width space), usually picked up when copying from a web page or a chat.",
                field.title(),
                plural(*count, "invisible character", "invisible characters")
            ),
            P::Quoted { field, .. } => format!(
                "{} is wrapped in quotes; Airflow would send the quotes as part of the secret.",
                field.title()
            ),
            P::AuthSchemePrefix { field, scheme: AuthScheme::Bearer } => format!(
                "{} starts with Bearer, the word an HTTP header puts before a token; Airflow adds it itself, so it would be sent twice.",
                field.title()
            ),
            P::AuthSchemePrefix { field, scheme: AuthScheme::Basic } => format!(
                "{} is an HTTP Basic header value (an encoded user name and password), not the secret itself.",
                field.title()
            ),
            P::NameValueLine { field } => format!(
                "{} is a whole NAME=value line (as in a .env file or a shell export), not just the value.",
                field.title()
            ),
            P::UrlNotSecret { field } => format!(
                "{} holds a URL, not a secret.",
                field.title()
            ),
            P::JsonNotSecret { field } => format!(
                "{} holds a JSON object (perhaps the connection's Extra), not a secret.",
                field.title()
            ),
            P::NonAscii { field, count } => format!(
                "{} has {} outside plain ASCII; Databricks and Azure secrets use plain letters, digits and a few symbols only.",
                field.title(),
                plural(*count, "character", "characters")
            ),
            P::NotLatin1 { field } => format!(
                "The {} has characters that cannot be sent in an HTTP header (outside Latin-1); Airflow's request fails before it leaves.",
                match field {
                    HeaderField::Login => "Login",
                    HeaderField::Password => "Password",
                }
            ),
            P::PatMalformed { field, defect } => format!(
                "{} starts like a personal access token but {}.",
                field.title(),
                match defect {
                    PatDefect::PrefixCase => "its dapi prefix is not in lower case".to_owned(),
                    PatDefect::PastedTwice => "is the same token pasted twice in a row".to_owned(),
                    PatDefect::UpperCase => "has upper-case letters; tokens use 0-9 and a-f only".to_owned(),
                    PatDefect::NotHex => "has characters other than 0-9 and a-f after dapi".to_owned(),
                    PatDefect::WrongLength(n) => format!(
                        "has {} after dapi where a token has 32 (was it cut off when copied?)",
                        plural(*n, "character", "characters")
                    ),
                    PatDefect::BadSuffix => "ends with something other than a dash and one digit after its 32 characters".to_owned(),
                }
            ),
            P::TokenIdNotToken { field } => format!(
                "{} holds 64 hexadecimal characters: this is the token's ID from the token list, not the token. The token itself starts with dapi and was shown once, when it was created.",
                field.title()
            ),
            P::UuidNotSecret { field, method } => {
                if *method == AuthMethod::AzureSp {
                    format!(
                        "{} holds a UUID: that is the client secret's Secret ID (or another ID), not the secret's value.",
                        field.title()
                    )
                } else {
                    format!(
                        "{} holds a UUID: an ID (of a client, application, tenant or secret), not a secret.",
                        field.title()
                    )
                }
            }
            P::KindMismatch { field, found, method } => format!(
                "{} holds {}, but the {method} method needs {}.",
                field.title(),
                found.describe(),
                if *field == SecretField::ExtraToken {
                    "a personal access token (it starts with dapi)"
                } else {
                    expected_secret(*method)
                }
            ),
            P::PatUnrecognised { field } => format!(
                "{} does not look like a Databricks personal access token (dapi followed by 32 characters 0-9 and a-f).",
                field.title()
            ),
            P::OauthSecretUnrecognised => "The Password does not look like a Databricks OAuth secret, which starts with dose. If it is an Azure client secret from Entra ID, the sp_oauth method cannot use it.".to_owned(),
            P::OauthSecretLength { chars_after_prefix } => format!(
                "The OAuth secret has {} after dose where Databricks secrets have 32 (was it cut off when copied?).",
                plural(*chars_after_prefix, "character", "characters")
            ),
            P::JwtShortLived { field, expires_in_seconds } => format!(
                "{} is an OAuth access token (a JWT), which {}; Airflow cannot renew it, so the connection stops working then.",
                field.title(),
                match expires_in_seconds {
                    Some(s) => format!("expires in {}", about(*s)),
                    None => "expires within hours".to_owned(),
                }
            ),
            P::JwtExpired { field, expired_seconds_ago } => format!(
                "{} is an OAuth access token (a JWT) that expired {} ago.",
                field.title(),
                about(*expired_seconds_ago)
            ),
            P::JwtNotYetValid { field, valid_in_seconds } => format!(
                "{} is an OAuth access token (a JWT) that becomes valid only in {} (or this computer's clock is off).",
                field.title(),
                about(*valid_in_seconds)
            ),
            P::JwtUnreadable { field } => format!(
                "{} looks like an OAuth access token (a JWT), but its contents cannot be read: it may be cut off.",
                field.title()
            ),
            P::JwtAudienceNotDatabricks { field } => format!(
                "{} is an Entra ID access token issued for another service, not for Azure Databricks; the workspace will refuse it.",
                field.title()
            ),
            P::LoginMissing { method } => match method {
                AuthMethod::Basic => "Login is empty: the basic method needs the Databricks user name, and with an empty Login Airflow sends the Password as a token instead.".to_owned(),
                _ => format!(
                    "Login is empty: the {method} method needs the client ID there, and with an empty Login Airflow sends the Password as a personal access token instead."
                ),
            },
            P::LoginNotUsed { method } => format!("The {method} method does not use Login; Airflow ignores it."),
            P::LoginSwitchesToBasic { login_is_token: true } => "With Login set to token, Airflow sends the token with HTTP Basic authentication instead of as a Bearer token. Databricks accepts that, but Bearer is the recommended form.".to_owned(),
            P::LoginSwitchesToBasic { login_is_token: false } => "Login is filled, so Airflow sends the token with HTTP Basic authentication, using Login as the user name, instead of as a Bearer token. Databricks may refuse it.".to_owned(),
            P::PatBasicLoginEmpty => "Login is empty, so Airflow sends the token as a Bearer token (the pat method) rather than with Basic authentication. That works too.".to_owned(),
            P::PatBasicLoginNotToken => "Login is not the word token: with Basic authentication Databricks expects the user name token and the personal access token as the password.".to_owned(),
            P::LoginBlank => "Login has spaces, line breaks or invisible characters; Airflow sends them as they are.".to_owned(),
            P::LoginQuoted => "Login is wrapped in quotes; Airflow would send the quotes too.".to_owned(),
            P::SecretInLogin { found } => format!(
                "Login holds {}; a secret does not belong in Login, which Airflow shows in plain text.",
                found.describe()
            ),
            P::ClientIdNotUuid { method } => match method {
                AuthMethod::AzureSp => "Login is not a UUID; an Entra ID application (client) ID always is.".to_owned(),
                _ => "Login is not a UUID; a Databricks service principal's Application ID is one (not its display name).".to_owned(),
            },
            P::ClientIdIsTenantId => "Login is the same as azure_tenant_id: Login needs the application (client) ID, which is a different UUID.".to_owned(),
            P::LoginNotEmail => "Login is not an email address; Databricks user names usually are.".to_owned(),
            P::TenantIdMissing => "Extra has no azure_tenant_id; the azure_sp method needs the Entra ID tenant (directory) ID, and without it Airflow does not try an Entra ID sign-in at all.".to_owned(),
            P::TenantIdInvalid => "azure_tenant_id is neither a UUID nor a domain name; Entra ID tenant IDs are UUIDs.".to_owned(),
            P::TenantIdOverridesMethod { method } => format!(
                "Extra has azure_tenant_id, so Airflow signs in as an Entra ID service principal with Login and Password before it ever tries the {method} method."
            ),
            P::ManagedIdentityClientIdInvalid => "azure_managed_identity_client_id is not a UUID; a managed identity's client ID is one.".to_owned(),
            P::ResourceIdInvalid => "azure_resource_id does not look like an Azure Databricks workspace resource ID (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Databricks/workspaces/<name>).".to_owned(),
            P::ResourceIdNeedsAzureLogin { method } => format!(
                "Extra has azure_resource_id, so Airflow also asks Entra ID for an Azure management token with azure_tenant_id, Login and Password; with the {method} method that request fails."
            ),
            P::ExtraValueBlank { setting } => format!(
                "{} has spaces, line breaks, quotes or invisible characters around or inside it.",
                setting.key()
            ),
            P::ExtraNotUsed { setting, method } => format!(
                "The {method} method does not use {}; Airflow ignores it.",
                setting.key()
            ),
            P::SecretInUrlField { found, embedded } => {
                if *embedded {
                    format!(
                        "The workspace URL contains {}; the URL field is for the address only, and a secret in a URL ends up in logs and browser history.",
                        found.describe()
                    )
                } else {
                    format!(
                        "The workspace URL field holds {}, not a URL.",
                        found.describe()
                    )
                }
            }
        }
    }

    fn fix(&self) -> String {
        match self {
            P::MethodNeedsAzure { .. } => "Choose pat (a personal access token) or sp_oauth (a Databricks service principal with an OAuth secret), or check that Host is the workspace you meant.".to_owned(),
            P::PasswordAuthRetiring => "Use a personal access token (the pat method) or a service principal (sp_oauth) instead.".to_owned(),
            P::SecretMissing { method } => match method {
                AuthMethod::Pat | AuthMethod::PatBasic => "In the workspace, open Settings, Developer, Access tokens, generate a token, and paste it (shown once, it starts with dapi).".to_owned(),
                AuthMethod::SpOauth => "On the service principal's page (Settings, Identity and access, Service principals), open Secrets, generate a secret, and paste it (shown once, it starts with dose).".to_owned(),
                AuthMethod::AzureSp => "In the Azure portal, open Microsoft Entra ID, App registrations, your app, Certificates & secrets, create a client secret, and paste its Value (shown once).".to_owned(),
                _ => "Type the Databricks user's password.".to_owned(),
            },
            P::PasswordUsedAsToken { .. } | P::PasswordNotUsed { .. } => "Clear the Password.".to_owned(),
            P::ExtraTokenOverrides { method } => {
                if matches!(method, AuthMethod::Pat | AuthMethod::PatBasic) {
                    "Move the token into the Password and remove token from Extra.".to_owned()
                } else {
                    "Remove token from Extra.".to_owned()
                }
            }
            P::LineBreak { field, .. } => format!("Paste {} again as one line, without the line break.", field.name()),
            P::SurroundingSpace { field, .. } => format!("Remove the spaces around {}.", field.name()),
            P::InnerSpace { field, .. } => format!("Remove the spaces inside {}; if the value was split across lines, copy it again in one piece.", field.name()),
            P::InvisibleCharacter { field, .. } => format!("Delete {} and type or copy it again from its source (for example from a plain-text editor).", field.name()),
            P::Quoted { field, .. } => format!("Remove the quotes around {}.", field.name()),
            P::AuthSchemePrefix { field, scheme: AuthScheme::Bearer } => format!("Keep only the token in {}: remove Bearer, and anything before it.", field.name()),
            P::AuthSchemePrefix { field, scheme: AuthScheme::Basic } => format!("Replace {} with the token itself; Airflow builds the header.", field.name()),
            P::NameValueLine { field } => format!("Keep only the part after the equals sign (or colon) in {}, without quotes.", field.name()),
            P::UrlNotSecret { .. } => "Put the workspace URL in Host, and the token or secret in Password.".to_owned(),
            P::JsonNotSecret { .. } => "Put the JSON object in Extra, and only the token or secret in Password.".to_owned(),
            P::NonAscii { field, .. } => format!("Copy {} again from where it was created, or type it in a plain-text editor first.", field.name()),
            P::NotLatin1 { .. } => "Check the value for look-alike letters or symbols (such as curly quotes or a euro sign) and type them plainly.".to_owned(),
            P::PatMalformed { field, defect } => match defect {
                PatDefect::PastedTwice => format!("Keep one copy of the token in {}.", field.name()),
                PatDefect::PrefixCase | PatDefect::UpperCase => "Copy the token again exactly as it was shown; do not change its case.".to_owned(),
                _ => "Copy the token again in full. If it is lost, generate a new one in Settings, Developer, Access tokens (it is shown only once).".to_owned(),
            },
            P::TokenIdNotToken { .. } => "Paste the token itself. If you no longer have it, generate a new token in Settings, Developer, Access tokens, and copy it when it is shown.".to_owned(),
            P::UuidNotSecret { method, .. } => match method {
                AuthMethod::AzureSp => "In Certificates & secrets, copy the Value column, not the Secret ID. The value is shown only right after the secret is created; if it is hidden, create a new secret.".to_owned(),
                AuthMethod::SpOauth => "IDs go in Login; put the OAuth secret (it starts with dose) in Password.".to_owned(),
                _ => "Put the token or password in Password, not an ID.".to_owned(),
            },
            P::KindMismatch { field, found, .. } => {
                if *field == SecretField::ExtraToken {
                    "Remove token from Extra, and put the secret in the Password with the method that fits it.".to_owned()
                } else {
                    method_for(*found).to_owned()
                }
            }
            P::PatUnrecognised { .. } => "Check that you copied the token itself; if the live check fails, generate a new one in Settings, Developer, Access tokens.".to_owned(),
            P::OauthSecretUnrecognised => "For an Entra ID client secret, choose the azure_sp method; for sp_oauth, generate a secret on the service principal's Secrets tab in Databricks.".to_owned(),
            P::OauthSecretLength { .. } => "Copy the secret again in full; if it is lost, generate a new one on the service principal's Secrets tab.".to_owned(),
            P::JwtShortLived { .. } | P::JwtExpired { .. } => "Use a personal access token (it starts with dapi) or a service principal (sp_oauth or azure_sp), for which Airflow fetches fresh tokens itself.".to_owned(),
            P::JwtNotYetValid { .. } => "Check this computer's clock, or wait; better, use a personal access token or a service principal.".to_owned(),
            P::JwtUnreadable { .. } => "Copy the token again in full, or use a personal access token instead.".to_owned(),
            P::JwtAudienceNotDatabricks { .. } => "Request the token for the Azure Databricks resource (2ff814a6-3304-4ab8-85cb-cd0e6f879c1d), or better, use the azure_sp method and let Airflow fetch tokens.".to_owned(),
            P::LoginMissing { method } => match method {
                AuthMethod::SpOauth => "Put the service principal's Application ID (a UUID, from Settings, Identity and access, Service principals) in Login.".to_owned(),
                AuthMethod::AzureSp => "Put the application (client) ID from the app's Overview page in the Azure portal in Login.".to_owned(),
                _ => "Put the Databricks user name (usually an email address) in Login.".to_owned(),
            },
            P::LoginNotUsed { .. } => "Clear Login.".to_owned(),
            P::LoginSwitchesToBasic { .. } => "Leave Login empty so Airflow sends the token as a Bearer token.".to_owned(),
            P::PatBasicLoginEmpty => "Nothing to do; or type token in Login if you need Basic authentication.".to_owned(),
            P::PatBasicLoginNotToken => "Type token (lower case) in Login, or leave Login empty to use Bearer authentication.".to_owned(),
            P::LoginBlank => "Remove the spaces and line breaks from Login, or type it again.".to_owned(),
            P::LoginQuoted => "Remove the quotes around Login.".to_owned(),
            P::SecretInLogin { .. } => "Move the secret into Password and put the right value in Login (empty for the pat method). If Login was saved or shared, treat the secret as exposed and replace it.".to_owned(),
            P::ClientIdNotUuid { method } => match method {
                AuthMethod::AzureSp => "Copy the Application (client) ID from the app's Overview page in the Azure portal.".to_owned(),
                _ => "Copy the Application ID from Settings, Identity and access, Service principals, in the workspace.".to_owned(),
            },
            P::ClientIdIsTenantId => "Copy the Application (client) ID from the app's Overview page; the Directory (tenant) ID below it goes in azure_tenant_id.".to_owned(),
            P::LoginNotEmail => "Check the user name in the workspace (your profile, top right).".to_owned(),
            P::TenantIdMissing | P::TenantIdInvalid => "Copy the Directory (tenant) ID from the app's Overview page in the Azure portal into azure_tenant_id.".to_owned(),
            P::TenantIdOverridesMethod { .. } => "Remove azure_tenant_id from Extra, or choose the azure_sp method.".to_owned(),
            P::ManagedIdentityClientIdInvalid => "Copy the Client ID from the managed identity's Overview page in the Azure portal, or leave it empty to use the system-assigned identity.".to_owned(),
            P::ResourceIdInvalid => "Copy the Resource ID from the workspace's Properties page in the Azure portal, or remove it: it is only needed when the service principal is not a user of the workspace.".to_owned(),
            P::ResourceIdNeedsAzureLogin { .. } => "Remove azure_resource_id from Extra; it only works with the azure_sp and azure_mi methods.".to_owned(),
            P::ExtraValueBlank { setting } => format!("Copy {} again, without anything around it.", setting.key()),
            P::ExtraNotUsed { setting: ExtraSetting::AzureManagedIdentityClientId, method: AuthMethod::AzureDefault } => "Remove it; DefaultAzureCredential takes a user-assigned identity from the AZURE_CLIENT_ID environment variable on the machines where Airflow runs.".to_owned(),
            P::ExtraNotUsed { setting, .. } => format!("Remove {} from Extra.", setting.key()),
            P::SecretInUrlField { .. } => "Put only the workspace URL in the URL field and the secret in Password. If the URL was shared or saved, treat the secret as exposed and replace it.".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            P::KindMismatch {
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
