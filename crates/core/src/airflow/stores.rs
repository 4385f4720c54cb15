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

/// The namespace and Helm release the Kubernetes forms assume: the chart's quick start
/// installs release `airflow` into namespace `airflow`.
const K8S_NAMESPACE: &str = "airflow";

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
                out.push_str(&format!("\\u{unit:04x}"));
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

/// A bash/zsh block: one child shell that asks for the secret first when there is one.
pub(super) fn bash_block(prompt: Option<&str>, lines: &[String]) -> Option<String> {
    let mut out = String::from("(\n");
    if let Some(label) = prompt {
        out.push_str(&format!(
            "  printf '%s: ' {}; IFS= read -rs {SECRET_VAR}; echo\n",
            word(label)?
        ));
    }
    for line in lines {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out.push(')');
    Some(out)
}

/// A PowerShell block: one script block; the value goes through a temporary file that
/// only the user can read and that is removed whatever happens.
/// `escape`: JSON-escape the typed secret (for a JSON value; Vault takes it raw).
fn powershell_block(
    prompt: Option<&str>,
    escape: bool,
    content: Option<String>,
    lines: &[String],
) -> String {
    let mut out = String::from("& {\n");
    if let Some(label) = prompt {
        out.push_str(&format!(
            "  $s = [Net.NetworkCredential]::new('', (Read-Host -AsSecureString {})).Password\n",
            powershell_word(label)
        ));
        if escape {
            out.push_str("  ");
            out.push_str(POWERSHELL_ESCAPE);
            out.push('\n');
        }
    }
    let body = |out: &mut String, indent: &str| {
        for line in lines {
            out.push_str(indent);
            out.push_str(line);
            out.push('\n');
        }
    };
    match content {
        Some(content) => {
            out.push_str("  $f = New-TemporaryFile\n  try {\n");
            out.push_str(&format!(
                "    [IO.File]::WriteAllText($f.FullName, {content})\n"
            ));
            body(&mut out, "    ");
            out.push_str("  } finally { Remove-Item -LiteralPath $f.FullName }\n");
        }
        None => body(&mut out, "  "),
    }
    out.push('}');
    out
}

fn settings(backend: &str, kwargs: &str) -> String {
    format!(
        "[secrets]\nbackend = {backend}\nbackend_kwargs = {kwargs}\n\n# or as environment variables:\nAIRFLOW__SECRETS__BACKEND={backend}\nAIRFLOW__SECRETS__BACKEND_KWARGS='{kwargs}'"
    )
}

/// The provider line for a store: on Airflow 2.10, the last release that installs there
/// (an unpinned line would upgrade Airflow itself); on 3.x, any release.
fn provider(airflow: AirflowVersion, package: &str, last_for_2_10: &str) -> String {
    match airflow {
        AirflowVersion::V2 => format!("apache-airflow-providers-{package}=={last_for_2_10}"),
        AirflowVersion::V3 => format!("apache-airflow-providers-{package}"),
    }
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

    // AWS Secrets Manager: names take letters, digits and /_+=.@-, which covers every id.
    let aws = (|| {
        let name = format!("airflow/connections/{raw}");
        let q = word(&name)?;
        let mut lines = Vec::new();
        if template.has_secret() {
            lines.push(BASH_ESCAPE.to_owned());
        }
        lines.push(template.bash_assignment()?);
        lines.push(format!(
            "if aws secretsmanager describe-secret --secret-id {q} >/dev/null 2>&1; then"
        ));
        lines.push(format!("  printf '%s' \"$value\" | aws secretsmanager put-secret-value --secret-id {q} --secret-string file:///dev/stdin"));
        lines.push("else".into());
        lines.push(format!("  printf '%s' \"$value\" | aws secretsmanager create-secret --name {q} --secret-string file:///dev/stdin"));
        lines.push("fi".into());
        let p = powershell_word(&name);
        let mut ps = Vec::new();
        ps.extend([
            format!("aws secretsmanager describe-secret --secret-id {p} *> $null"),
            format!("if ($LASTEXITCODE -eq 0) {{ aws secretsmanager put-secret-value --secret-id {p} --secret-string \"file://$($f.FullName)\" }}"),
            format!("else {{ aws secretsmanager create-secret --name {p} --secret-string \"file://$($f.FullName)\" }}"),
        ]);
        let backend = "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend";
        let kwargs = r#"{"connections_prefix": "airflow/connections", "sep": "/"}"#;
        Some(StoreForm {
            name,
            command: bash_block(prompt, &lines)?,
            powershell: Some(powershell_block(
                prompt,
                true,
                Some(template.powershell_expression()),
                &ps,
            )),
            manifest: None,
            backend: Some(backend),
            backend_kwargs: Some(kwargs.into()),
            settings: Some(settings(backend, kwargs)),
            requirements: Some(provider(airflow, "amazon", "9.17.0")),
        })
    })();

    // Google Secret Manager: secret ids take letters, digits, '-' and '_' (up to 255).
    let gcp = if raw.contains('.') {
        problems.push(AirflowProblem::StoreCannotName {
            store: Store::Gcp,
            name: format!("airflow-connections-{raw}"),
        });
        None
    } else {
        (|| {
            let name = format!("airflow-connections-{raw}");
            let q = word(&name)?;
            let mut lines = Vec::new();
            if template.has_secret() {
                lines.push(BASH_ESCAPE.to_owned());
            }
            lines.push(template.bash_assignment()?);
            lines.push(format!(
                "if gcloud secrets describe {q} >/dev/null 2>&1; then"
            ));
            lines.push(format!(
                "  printf '%s' \"$value\" | gcloud secrets versions add {q} --data-file=-"
            ));
            lines.push("else".into());
            lines.push(format!("  printf '%s' \"$value\" | gcloud secrets create {q} --replication-policy=automatic --data-file=-"));
            lines.push("fi".into());
            let p = powershell_word(&name);
            let mut ps = Vec::new();
            ps.extend([
                format!("gcloud secrets describe {p} *> $null"),
                format!("if ($LASTEXITCODE -eq 0) {{ gcloud secrets versions add {p} \"--data-file=$($f.FullName)\" }}"),
                format!("else {{ gcloud secrets create {p} --replication-policy=automatic \"--data-file=$($f.FullName)\" }}"),
            ]);
            let backend =
                "airflow.providers.google.cloud.secrets.secret_manager.CloudSecretManagerBackend";
            let kwargs = r#"{"connections_prefix": "airflow-connections", "sep": "-"}"#;
            Some(StoreForm {
                name,
                command: bash_block(prompt, &lines)?,
                powershell: Some(powershell_block(
                    prompt,
                    true,
                    Some(template.powershell_expression()),
                    &ps,
                )),
                manifest: None,
                backend: Some(backend),
                backend_kwargs: Some(kwargs.into()),
                settings: Some(settings(backend, kwargs)),
                requirements: Some(provider(airflow, "google", "19.0.0")),
            })
        })()
    };

    // Azure Key Vault: names take letters, digits and '-' (1 to 127), case-insensitive;
    // the backend turns every '_' of the name into '-'.
    let kv_name = format!("airflow-connections-{raw}").replace('_', "-");
    let azure = if raw.contains('.') || kv_name.chars().count() > 127 {
        problems.push(AirflowProblem::StoreCannotName {
            store: Store::Azure,
            name: kv_name,
        });
        None
    } else {
        if raw.contains('_') {
            problems.push(AirflowProblem::KeyVaultUnderscore {
                name: kv_name.clone(),
            });
        }
        (|| {
            let name = kv_name;
            let q = word(&name)?;
            let mut lines = vec!["printf '%s: ' 'Key Vault name'; read -r KEY_VAULT".to_owned()];
            if template.has_secret() {
                lines.push(BASH_ESCAPE.to_owned());
            }
            lines.push(template.bash_assignment()?);
            lines.push(format!("printf '%s' \"$value\" | az keyvault secret set --vault-name \"$KEY_VAULT\" --name {q} --file /dev/stdin --encoding utf-8 --output none"));
            let p = powershell_word(&name);
            let mut ps = vec!["$vault = Read-Host 'Key Vault name'".to_owned()];
            ps.push(format!("az keyvault secret set --vault-name $vault --name {p} --file $f.FullName --encoding utf-8 --output none"));
            let backend =
                "airflow.providers.microsoft.azure.secrets.key_vault.AzureKeyVaultBackend";
            let kwargs = r#"{"connections_prefix": "airflow-connections", "sep": "-", "vault_url": "https://YOUR-KEY-VAULT.vault.azure.net/"}"#;
            Some(StoreForm {
                name,
                command: bash_block(prompt, &lines)?,
                powershell: Some(powershell_block(
                    prompt,
                    true,
                    Some(template.powershell_expression()),
                    &ps,
                )),
                manifest: None,
                backend: Some(backend),
                backend_kwargs: Some(kwargs.into()),
                settings: Some(settings(backend, kwargs)),
                requirements: Some(provider(airflow, "microsoft-azure", "12.8.1")),
            })
        })()
    };

    // HashiCorp Vault, KV version 2 at mount `secret`: one key per connection field; the
    // password is read from stdin (`password=-`). The CLI reads a value that starts with
    // '@' from a file, so such a Login cannot be given as it is.
    let vault = if conn.login.starts_with('@') || conn.login == "-" {
        problems.push(AirflowProblem::VaultLoginReadAsFile);
        None
    } else {
        (|| {
            let path = format!("secret/connections/{raw}");
            let mut fields = vec![
                ("conn_type", "databricks".to_owned()),
                ("host", conn.host.clone()),
            ];
            if !conn.login.is_empty() {
                fields.push(("login", conn.login.clone()));
            }
            if !conn.extra.is_empty() {
                fields.push(("extra", Value::Object(conn.extra.clone()).to_string()));
            }
            let mut args = vec![word(&path)?];
            let mut ps_args = vec![powershell_word(&path)];
            for (key, value) in &fields {
                args.push(word(&format!("{key}={value}"))?);
                ps_args.push(powershell_word(&format!("{key}={value}")));
            }
            let (command, powershell) = if template.has_secret() {
                let line = format!(
                    "printf '%s' \"${SECRET_VAR}\" | vault kv put {} password=-",
                    args.join(" ")
                );
                let ps = vec![format!(
                    "vault kv put {} \"password=@$($f.FullName)\"",
                    ps_args.join(" ")
                )];
                (
                    bash_block(prompt, &[line])?,
                    powershell_block(prompt, false, Some("$s".into()), &ps),
                )
            } else {
                let line = format!("vault kv put {}", args.join(" "));
                (
                    bash_block(None, std::slice::from_ref(&line))?,
                    powershell_block(
                        None,
                        false,
                        None,
                        &[format!("vault kv put {}", ps_args.join(" "))],
                    ),
                )
            };
            let backend = "airflow.providers.hashicorp.secrets.vault.VaultBackend";
            let kwargs = r#"{"mount_point": "secret", "connections_path": "connections", "kv_engine_version": 2, "url": "https://YOUR-VAULT:8200"}"#;
            Some(StoreForm {
                name: path,
                command,
                powershell: Some(powershell),
                manifest: None,
                backend: Some(backend),
                backend_kwargs: Some(kwargs.into()),
                settings: Some(settings(backend, kwargs)),
                requirements: Some(provider(airflow, "hashicorp", "4.3.4")),
            })
        })()
    };

    // Kubernetes: a Secret holding the variable Airflow's environment-variable backend
    // reads, and the Helm chart's `secret:` values that put it into every Airflow pod.
    let var = id.env_var();
    let secret_name = k8s_secret_name(raw);
    let kubernetes = (|| {
        let mut lines = Vec::new();
        if template.has_secret() {
            lines.push(BASH_ESCAPE.to_owned());
        }
        lines.push(template.bash_assignment()?);
        lines.push(format!(
            "printf '%s' \"$value\" | kubectl create secret generic {} --namespace {K8S_NAMESPACE} {} --dry-run=client -o yaml | kubectl apply -f -",
            word(&secret_name)?,
            word(&format!("--from-file={var}=/dev/stdin"))?
        ));
        let mut ps = Vec::new();
        ps.push(format!(
            "kubectl create secret generic {} --namespace {K8S_NAMESPACE} \"--from-file={var}=$($f.FullName)\" --dry-run=client -o yaml | kubectl apply -f -",
            powershell_word(&secret_name)
        ));
        let value = super::connection_json(conn);
        let manifest = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {secret_name}\n  namespace: {K8S_NAMESPACE}\ntype: Opaque\nstringData:\n  {var}: {}\n",
            super::yaml::double_quoted(&value)
        );
        Some(StoreForm {
            name: var.clone(),
            command: bash_block(prompt, &lines)?,
            powershell: Some(powershell_block(
                prompt,
                true,
                Some(template.powershell_expression()),
                &ps,
            )),
            manifest: Some(manifest),
            backend: None,
            backend_kwargs: None,
            settings: None,
            requirements: None,
        })
    })();

    let values = format!(
        "secret:\n  - envName: {var}\n    secretName: {secret_name}\n    secretKey: {var}\n"
    );
    let helm_command = format!(
        "helm upgrade airflow apache-airflow/airflow --namespace {K8S_NAMESPACE} --reuse-values -f -"
    );
    let helm = Some(StoreForm {
        name: var.clone(),
        command: format!("{helm_command} <<'EOF'\n{values}EOF"),
        powershell: Some(format!("@'\n{values}'@ | {helm_command}")),
        manifest: Some(values.clone()),
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
