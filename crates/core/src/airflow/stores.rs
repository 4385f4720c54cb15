//! Where production Airflow keeps its connections: a secrets backend (AWS Secrets Manager,
//! Google Secret Manager, Azure Key Vault, HashiCorp Vault) or a Kubernetes Secret loaded
//! by the official Helm chart. Each form names the secret the backend looks up for the
//! conn id, the `[secrets]` settings that make Airflow look there, the provider it needs,
//! and a command that stores the connection.
//!
//! No command carries the secret: bash and zsh ask for it with `IFS= read -rs` inside one
//! `( … )` child shell (parsed whole before it runs, so `read` never swallows pasted lines,
//! and its variables end with it), and hand it to the tool on stdin; PowerShell asks with
//! `Read-Host -AsSecureString` and hands it over in a temporary file removed afterwards.
//! Each backend's naming rules and value format, with the provider source they come
//! from, are in docs/secrets-backends.md; tests/airflow/test_stores.py runs the real
//! backend classes on what these commands store.

use super::conn_id::ConnId;
use super::problem::{AirflowProblem, Store};
use super::shell::{powershell_word, word};
use super::{AirflowConnection, AirflowVersion};
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// The shell variable the prompt fills.
pub const SECRET_VAR: &str = "DBX_PASSWORD";

// The Kubernetes forms assume the chart's quick start: release `airflow` in namespace
// `airflow`.

/// One place to keep the connection, in the keys of `dbx-check airflow`.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct StoreForm {
    /// The name the backend looks the connection up under (secret name, Vault path, or
    /// for Kubernetes the environment variable).
    pub name: String,
    /// For bash and zsh; asks for the secret, never carries it.
    pub command: String,
    /// For PowerShell 5.1 and 7, where the tool runs on Windows.
    pub powershell: Option<String>,
    /// Kubernetes: the `Secret` manifest (it holds the secret, like the `env` form);
    /// Helm: the chart values that load it.
    pub manifest: Option<String>,
    /// `[secrets] backend`.
    pub backend: Option<&'static str>,
    /// `[secrets] backend_kwargs`, with the defaults written out.
    pub backend_kwargs: Option<String>,
    /// The same two settings as `airflow.cfg` lines and as environment variables.
    pub settings: Option<String>,
    /// The provider line for requirements.txt.
    pub requirements: Option<String>,
}

/// Only the Kubernetes manifest holds the secret; it is not shown.
impl fmt::Debug for StoreForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreForm")
            .field("name", &self.name)
            .field("command", &self.command)
            .field("manifest", &self.manifest.as_ref().map(|_| "<redacted>"))
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// The stored value: the connection's JSON with the password cut out, so that the shell
/// can put the typed secret back in. `after` is `None` when there is no secret.
pub(super) struct Template {
    before: String,
    after: Option<String>,
}

impl Template {
    pub(super) fn new(conn: &AirflowConnection) -> Template {
        if conn.password.is_empty() {
            return Template {
                before: super::connection_json(conn),
                after: None,
            };
        }
        // NUL never reaches here (refused earlier), so its escape marks the one place.
        let mut marked = conn.clone();
        marked.password = crate::Secret::new("\0");
        let json = super::connection_json(&marked);
        let cut = "\"password\":\"\\u0000\"";
        match json.split_once(cut) {
            Some((before, after)) => Template {
                before: format!("{before}\"password\":\""),
                after: Some(format!("\"{after}")),
            },
            None => Template {
                before: json,
                after: None,
            },
        }
    }

    /// The value before the secret, and after it (`None`: no secret, `before` is all).
    pub(super) fn parts(&self) -> (&str, Option<&str>) {
        (&self.before, self.after.as_deref())
    }

    fn has_secret(&self) -> bool {
        self.after.is_some()
    }

    /// `value=…`: the JSON with the typed secret, JSON-escaped by `escape_line`.
    fn bash_assignment(&self) -> Option<String> {
        Some(match &self.after {
            None => format!("value={}", word(&self.before)?),
            Some(after) => format!("value={}\"$s\"{}", word(&self.before)?, word(after)?),
        })
    }

    /// The expression PowerShell writes into the temporary file: ASCII only.
    fn powershell_expression(&self) -> String {
        let before = powershell_word(&ascii_json(&self.before));
        match &self.after {
            None => before,
            Some(after) => format!("{before} + $s + {}", powershell_word(&ascii_json(after))),
        }
    }
}

/// JSON-escapes the typed secret into `$s`: backslash, double quote and tab, the only
/// characters a prompt can take that JSON escapes (others are refused before).
pub(super) const BASH_ESCAPE: &str =
    r#"s=${DBX_PASSWORD//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\t'/\\t}"#;
/// PowerShell escapes every character outside printable ASCII as `\uXXXX` (UTF-16 units,
/// as JSON wants them): the file it writes is plain ASCII, which `az` on Windows reads
/// correctly although it opens `--file` in the system code page.
const POWERSHELL_ESCAPE: &str = r#"$s = [regex]::Replace($s.Replace('\', '\\').Replace('"', '\"'), '[^ -~]', { param($m) '\u{0:x4}' -f [int][char]$m.Value })"#;

/// JSON text with every character outside ASCII written as `\uXXXX` (they can only be
/// inside strings, where the escape means the same character).
fn ascii_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(
                        char::from_digit(u32::from((*unit >> shift) & 0xf), 16).unwrap_or('0'),
                    );
                }
            }
        }
    }
    out
}

/// True when a terminal prompt can take the secret as it is: no line break and no
/// control character but tab (the terminal acts on them, and `read` stops at a newline).
pub fn promptable(secret: &str) -> bool {
    !secret
        .chars()
        .any(|c| (c < ' ' && c != '\t') || c == '\u{7f}')
}

/// What the prompt asks for.
pub(super) fn prompt_label(method: crate::AuthMethod) -> &'static str {
    use crate::AuthMethod::*;
    match method {
        Pat | PatBasic => "Databricks token (typing stays hidden)",
        SpOauth | AzureSp => "Client secret (typing stays hidden)",
        Basic | AzureMi | AzureDefault => "Databricks password (typing stays hidden)",
    }
}

/// A bash/zsh block: one child shell that asks for the secret first when there is one;
/// `body` is its lines.
pub(super) fn bash_block(prompt: Option<&str>, body: &str) -> Option<String> {
    let mut out = String::from("(\n");
    if let Some(label) = prompt {
        out.push_str("  printf '%s: ' ");
        out.push_str(&word(label)?);
        out.push_str("; IFS= read -rs DBX_PASSWORD; echo\n");
    }
    out.push_str("  ");
    out.push_str(&body.replace('\n', "\n  "));
    out.push_str("\n)");
    Some(out)
}

/// A PowerShell block: one script block; with `content`, the value goes through a
/// temporary file that only the user can read and that is removed whatever happens.
/// `escape`: JSON-escape the typed secret (Vault takes it raw).
fn powershell_block(
    prompt: Option<&str>,
    escape: bool,
    content: Option<&str>,
    body: &str,
) -> String {
    let mut out = String::from("& {\n");
    if let Some(label) = prompt {
        out.push_str("  $s = [Net.NetworkCredential]::new('', (Read-Host -AsSecureString ");
        out.push_str(&powershell_word(label));
        out.push_str(")).Password\n");
        if escape {
            out.push_str("  ");
            out.push_str(POWERSHELL_ESCAPE);
            out.push('\n');
        }
    }
    match content {
        Some(content) => {
            out.push_str(
                "  $f = New-TemporaryFile\n  try {\n    [IO.File]::WriteAllText($f.FullName, ",
            );
            out.push_str(content);
            out.push_str(")\n    ");
            out.push_str(&body.replace('\n', "\n    "));
            out.push_str("\n  } finally { Remove-Item -LiteralPath $f.FullName }\n}");
        }
        None => {
            out.push_str("  ");
            out.push_str(&body.replace('\n', "\n  "));
            out.push_str("\n}");
        }
    }
    out
}

/// One store: where the backend looks, how Airflow is told to look there, and the lines
/// that store the value. In the lines, `{N}`/`{P}` is the secret's name as a bash/PowerShell
/// word, `{A}`/`{Q}` more words, `{I}` and `{W}` what only a command with a secret has.
struct Spec {
    backend: &'static str,
    kwargs: &'static str,
    package: &'static str,
    last_for_2_10: &'static str,
    bash: &'static str,
    powershell: &'static str,
}

const AWS: Spec = Spec {
    backend: "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend",
    kwargs: r#"{"connections_prefix": "airflow/connections", "sep": "/"}"#,
    package: "amazon",
    last_for_2_10: "9.17.0",
    bash: "if aws secretsmanager describe-secret --secret-id {N} >/dev/null 2>&1; then\n  printf '%s' \"$value\" | aws secretsmanager put-secret-value --secret-id {N} --secret-string file:///dev/stdin\nelse\n  printf '%s' \"$value\" | aws secretsmanager create-secret --name {N} --secret-string file:///dev/stdin\nfi",
    powershell: "aws secretsmanager describe-secret --secret-id {P} *> $null\nif ($LASTEXITCODE -eq 0) { aws secretsmanager put-secret-value --secret-id {P} --secret-string \"file://$($f.FullName)\" }\nelse { aws secretsmanager create-secret --name {P} --secret-string \"file://$($f.FullName)\" }",
};

const GCP: Spec = Spec {
    backend: "airflow.providers.google.cloud.secrets.secret_manager.CloudSecretManagerBackend",
    kwargs: r#"{"connections_prefix": "airflow-connections", "sep": "-"}"#,
    package: "google",
    last_for_2_10: "19.0.0",
    bash: "if gcloud secrets describe {N} >/dev/null 2>&1; then\n  printf '%s' \"$value\" | gcloud secrets versions add {N} --data-file=-\nelse\n  printf '%s' \"$value\" | gcloud secrets create {N} --replication-policy=automatic --data-file=-\nfi",
    powershell: "gcloud secrets describe {P} *> $null\nif ($LASTEXITCODE -eq 0) { gcloud secrets versions add {P} \"--data-file=$($f.FullName)\" }\nelse { gcloud secrets create {P} --replication-policy=automatic \"--data-file=$($f.FullName)\" }",
};

const AZURE: Spec = Spec {
    backend: "airflow.providers.microsoft.azure.secrets.key_vault.AzureKeyVaultBackend",
    kwargs: r#"{"connections_prefix": "airflow-connections", "sep": "-", "vault_url": "https://YOUR-KEY-VAULT.vault.azure.net/"}"#,
    package: "microsoft-azure",
    last_for_2_10: "12.8.1",
    bash: "printf '%s: ' 'Key Vault name'; read -r KEY_VAULT\nprintf '%s' \"$value\" | az keyvault secret set --vault-name \"$KEY_VAULT\" --name {N} --file /dev/stdin --encoding utf-8 --output none",
    powershell: "$vault = Read-Host 'Key Vault name'\naz keyvault secret set --vault-name $vault --name {P} --file $f.FullName --encoding utf-8 --output none",
};

/// KV version 2 at mount `secret`: one key per field, the password from stdin.
const VAULT: Spec = Spec {
    backend: "airflow.providers.hashicorp.secrets.vault.VaultBackend",
    kwargs: r#"{"mount_point": "secret", "connections_path": "connections", "kv_engine_version": 2, "url": "https://YOUR-VAULT:8200"}"#,
    package: "hashicorp",
    last_for_2_10: "4.3.4",
    bash: "{I}vault kv put {N} {A}{W}",
    powershell: "vault kv put {P} {Q}{W}",
};

/// The environment variable in a Kubernetes Secret; Airflow needs no setting for it.
const KUBERNETES: Spec = Spec {
    backend: "",
    kwargs: "",
    package: "",
    last_for_2_10: "",
    bash: "printf '%s' \"$value\" | kubectl create secret generic {N} --namespace airflow {A} --dry-run=client -o yaml | kubectl apply -f -",
    powershell: "kubectl create secret generic {P} --namespace airflow {Q} --dry-run=client -o yaml | kubectl apply -f -",
};

const SETTINGS: &str = "# Airflow looks up: {L}\n# requirements.txt: {R}\n[secrets]\nbackend = {B}\nbackend_kwargs = {K}\n\n# or as environment variables:\nAIRFLOW__SECRETS__BACKEND={B}\nAIRFLOW__SECRETS__BACKEND_KWARGS='{K}'";

/// What one store's lines are filled with.
struct Fill {
    /// Where the backend looks.
    lookup: String,
    /// The name the command gives the secret.
    name: String,
    /// Extra words for bash and PowerShell (`{A}`, `{Q}`).
    args: (String, String),
    /// The secret goes in raw (Vault), not in the JSON value.
    raw: bool,
}

fn store(
    spec: &Spec,
    fill: Fill,
    template: &Template,
    prompt: Option<&str>,
    airflow: AirflowVersion,
) -> Option<StoreForm> {
    let secret = template.has_secret();
    let (i, w_bash, w_ps) = match (fill.raw, secret) {
        (true, true) => (
            "printf '%s' \"$DBX_PASSWORD\" | ",
            " password=-",
            " \"password=@$($f.FullName)\"",
        ),
        _ => ("", "", ""),
    };
    let mut bash = String::new();
    if !fill.raw {
        if secret {
            bash.push_str(BASH_ESCAPE);
            bash.push('\n');
        }
        bash.push_str(&template.bash_assignment()?);
        bash.push('\n');
    }
    bash.push_str(
        &spec
            .bash
            .replace("{N}", &word(&fill.name)?)
            .replace("{A}", &fill.args.0)
            .replace("{I}", i)
            .replace("{W}", w_bash),
    );
    let ps_body = spec
        .powershell
        .replace("{P}", &powershell_word(&fill.name))
        .replace("{Q}", &fill.args.1)
        .replace("{W}", w_ps);
    let content = match (fill.raw, secret) {
        (false, _) => Some(template.powershell_expression()),
        (true, true) => Some("$s".to_owned()),
        (true, false) => None,
    };
    let requirements = match (spec.package, airflow) {
        ("", _) => None,
        (package, AirflowVersion::V2) => Some(format!(
            "apache-airflow-providers-{package}=={}",
            spec.last_for_2_10
        )),
        (package, AirflowVersion::V3) => Some(format!("apache-airflow-providers-{package}")),
    };
    let settings = requirements.as_ref().map(|r| {
        SETTINGS
            .replace("{L}", &fill.lookup)
            .replace("{R}", r)
            .replace("{B}", spec.backend)
            .replace("{K}", spec.kwargs)
    });
    Some(StoreForm {
        command: bash_block(prompt, &bash)?,
        powershell: Some(powershell_block(
            prompt,
            !fill.raw,
            content.as_deref(),
            &ps_body,
        )),
        name: fill.lookup,
        manifest: None,
        backend: (!spec.backend.is_empty()).then_some(spec.backend),
        backend_kwargs: (!spec.kwargs.is_empty()).then(|| spec.kwargs.to_owned()),
        settings,
        requirements,
    })
}

/// Every store form for one connection; `None` for a store that cannot name this conn id
/// (with a problem that says why).
pub(super) struct Stores {
    pub aws: Option<StoreForm>,
    pub gcp: Option<StoreForm>,
    pub azure: Option<StoreForm>,
    pub vault: Option<StoreForm>,
    pub kubernetes: Option<StoreForm>,
    pub helm: Option<StoreForm>,
}

pub(super) fn stores(
    id: &ConnId,
    conn: &AirflowConnection,
    method: crate::AuthMethod,
    airflow: AirflowVersion,
    problems: &mut Vec<AirflowProblem>,
) -> Stores {
    let template = Template::new(conn);
    let prompt = template.has_secret().then(|| prompt_label(method));
    let raw = id.as_str();
    let plain = |lookup: String| Fill {
        name: lookup.clone(),
        lookup,
        args: Default::default(),
        raw: false,
    };
    let mut cannot = |store, name: String| {
        problems.push(AirflowProblem::StoreCannotName { store, name });
        None
    };

    // AWS Secrets Manager: names take letters, digits and /_+=.@-, which covers every id.
    let aws = store(
        &AWS,
        plain(format!("airflow/connections/{raw}")),
        &template,
        prompt,
        airflow,
    );

    // Google Secret Manager: secret ids take letters, digits, '-' and '_' (up to 255).
    let gcp_name = format!("airflow-connections-{raw}");
    let gcp = if raw.contains('.') {
        cannot(Store::Gcp, gcp_name)
    } else {
        store(&GCP, plain(gcp_name), &template, prompt, airflow)
    };

    // Azure Key Vault: names take letters, digits and '-' (1 to 127), case-insensitive;
    // the backend turns every '_' of the name into '-'.
    let kv_name = format!("airflow-connections-{raw}").replace('_', "-");
    let azure = if raw.contains('.') || kv_name.len() > 127 {
        cannot(Store::Azure, kv_name)
    } else {
        if raw.contains('_') {
            problems.push(AirflowProblem::KeyVaultUnderscore {
                name: kv_name.clone(),
            });
        }
        store(&AZURE, plain(kv_name), &template, prompt, airflow)
    };

    // HashiCorp Vault: the CLI reads a value that starts with '@' from a file (and '-'
    // from stdin), so such a Login cannot be given as it is.
    let vault = if conn.login.starts_with('@') || conn.login == "-" {
        problems.push(AirflowProblem::VaultLoginReadAsFile);
        None
    } else {
        let mut fields = vec![
            format!("conn_type=databricks"),
            format!("host={}", conn.host),
        ];
        if !conn.login.is_empty() {
            fields.push(format!("login={}", conn.login));
        }
        if !conn.extra.is_empty() {
            fields.push(format!("extra={}", Value::Object(conn.extra.clone())));
        }
        let bash: Option<Vec<String>> = fields.iter().map(|f| word(f)).collect();
        let ps: Vec<String> = fields.iter().map(|f| powershell_word(f)).collect();
        bash.and_then(|bash| {
            let path = format!("secret/connections/{raw}");
            let fill = Fill {
                name: path.clone(),
                lookup: path,
                args: (bash.join(" "), ps.join(" ")),
                raw: true,
            };
            store(&VAULT, fill, &template, prompt, airflow)
        })
    };

    // Kubernetes: a Secret holding the variable Airflow's environment-variable backend
    // reads, and the Helm chart's `secret:` values that put it into every Airflow pod.
    let var = id.env_var();
    let secret_name = k8s_secret_name(raw);
    let kubernetes = word(&format!("--from-file={var}=/dev/stdin")).and_then(|from| {
        let fill = Fill {
            lookup: var.clone(),
            name: secret_name.clone(),
            args: (from, format!("\"--from-file={var}=$($f.FullName)\"")),
            raw: false,
        };
        let mut form = store(&KUBERNETES, fill, &template, prompt, airflow)?;
        form.manifest = Some(format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {secret_name}\n  namespace: airflow\ntype: Opaque\nstringData:\n  {var}: {}\n",
            super::yaml::double_quoted(&super::connection_json(conn))
        ));
        Some(form)
    });

    let values = format!(
        "secret:\n  - envName: {var}\n    secretName: {secret_name}\n    secretKey: {var}\n"
    );
    let helm_command =
        "helm upgrade airflow apache-airflow/airflow --namespace airflow --reuse-values -f -";
    let helm = Some(StoreForm {
        name: var,
        command: format!("{helm_command} <<'EOF'\n{values}EOF"),
        powershell: Some(format!("@'\n{values}'@ | {helm_command}")),
        manifest: Some(values),
        backend: None,
        backend_kwargs: None,
        settings: None,
        requirements: None,
    });

    Stores {
        aws,
        gcp,
        azure,
        vault,
        kubernetes,
        helm,
    }
}

/// A Secret's name (a DNS subdomain: lower-case letters, digits and '-'), from the id.
fn k8s_secret_name(id: &str) -> String {
    let mut name = String::from("airflow-conn-");
    for c in id.chars() {
        name.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '-'
        });
    }
    name.trim_end_matches('-').to_owned()
}

#[cfg(test)]
pub(super) fn k8s_secret_name_for_test(id: &str) -> String {
    k8s_secret_name(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn secret_names_for_kubernetes_are_dns_names() {
        assert_eq!(
            k8s_secret_name("Databricks_Prod.eu"),
            "airflow-conn-databricks-prod-eu"
        );
        assert_eq!(k8s_secret_name("x-"), "airflow-conn-x");
        assert_eq!(k8s_secret_name("-"), "airflow-conn");
    }

    #[test]
    fn only_a_secret_a_terminal_can_take_is_prompted_for() {
        assert!(promptable("dapi x\t'\"\\é€"));
        for bad in ["a\nb", "a\rb", "\u{1b}", "\u{7f}", "\u{3}"] {
            assert!(!promptable(bad), "{bad:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
        /// The ASCII form of any JSON text is the same JSON, and plain ASCII.
        #[test]
        fn ascii_json_means_the_same(text in "\\PC{0,24}|[\\u{80}-\\u{10ffff}]{0,8}") {
            let json = serde_json::Value::String(text).to_string();
            let ascii = ascii_json(&json);
            prop_assert!(ascii.is_ascii());
            prop_assert_eq!(
                serde_json::from_str::<serde_json::Value>(&ascii).unwrap(),
                serde_json::from_str::<serde_json::Value>(&json).unwrap()
            );
        }
    }
}
