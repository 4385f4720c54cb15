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
use super::shell::word;
use super::{AirflowConnection, AirflowVersion};
use crate::powershell::powershell_word;
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

    /// The shell word for the value: the JSON with the typed secret (JSON-escaped into
    /// `$s` by [`BASH_ESCAPE`]) spliced in.
    fn bash_value(&self) -> String {
        let mut out = sh(&self.before);
        if let Some(after) = &self.after {
            out.push_str("\"$s\"");
            out.push_str(&sh(after));
        }
        out
    }

    /// The expression PowerShell writes into the temporary file: ASCII only.
    fn powershell_expression(&self) -> String {
        let mut out = powershell_word(&ascii_json(&self.before));
        if let Some(after) = &self.after {
            out.push_str(" + $s + ");
            out.push_str(&powershell_word(&ascii_json(after)));
        }
        out
    }
}

/// JSON-escapes the typed secret into `$s`: backslash, double quote and tab, the only
/// characters a prompt can take that JSON escapes (others are refused before).
pub(super) const BASH_ESCAPE: &str =
    r#"s=${DBX_PASSWORD//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\t'/\\t}"#;
/// PowerShell escapes every character outside printable ASCII as `\uXXXX` (UTF-16 units,
/// as JSON wants them): the file it writes is plain ASCII, which `az` on Windows reads
/// correctly although it opens `--file` in the system code page.
const POWERSHELL_ESCAPE_LINE: &str = r#"  $s = [regex]::Replace($s.Replace('\', '\\').Replace('"', '\"'), '[^ -~]', { param($m) '\u{0:x4}' -f [int][char]$m.Value })
"#;

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

/// One bash word. Only a NUL byte has none, and no connection with one gets this far.
fn sh(text: &str) -> String {
    word(text).unwrap_or_default()
}

/// `template` with `{0}` … `{9}` replaced by `parts`; any other brace stays as it is.
fn fill(template: &str, parts: &[&str]) -> String {
    let mut out =
        String::with_capacity(template.len() + parts.iter().map(|p| p.len()).sum::<usize>());
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        let rest = chars.as_str();
        let mut ahead = rest.chars();
        let part = match (c, ahead.next(), ahead.next()) {
            ('{', Some(d), Some('}')) => d.to_digit(10).and_then(|d| parts.get(d as usize)),
            _ => None,
        };
        match part {
            Some(part) => {
                out.push_str(part);
                chars = ahead;
            }
            None => out.push(c),
        }
    }
    out
}

/// A bash/zsh block: one child shell that asks for the secret first when there is one;
/// `body` is its lines.
pub(super) fn bash_block(prompt: Option<&str>, body: &str) -> String {
    let ask = prompt.map_or(String::new(), |label| {
        fill(
            "  printf '%s: ' {0}; IFS= read -rs DBX_PASSWORD; echo\n",
            &[&sh(label)],
        )
    });
    fill("(\n{0}  {1}\n)", &[&ask, &body.replace('\n', "\n  ")])
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
    let ask = match prompt {
        Some(label) => fill(
            "  $s = [Net.NetworkCredential]::new('', (Read-Host -AsSecureString {0})).Password\n{1}",
            &[
                &powershell_word(label),
                if escape { POWERSHELL_ESCAPE_LINE } else { "" },
            ],
        ),
        None => String::new(),
    };
    match content {
        Some(content) => fill(
            "& {\n{0}  $f = New-TemporaryFile\n  try {\n    [IO.File]::WriteAllText($f.FullName, {1})\n    {2}\n  } finally { Remove-Item -LiteralPath $f.FullName }\n}",
            &[&ask, content, &body.replace('\n', "\n    ")],
        ),
        None => fill("& {\n{0}  {1}\n}", &[&ask, &body.replace('\n', "\n  ")]),
    }
}

/// Whether the PowerShell forms are written: the page shows the bash ones only, and its
/// WebAssembly leaves the PowerShell ones out (docs/command.md).
const POWERSHELL: bool = !cfg!(target_arch = "wasm32");

/// A PowerShell template, or nothing where [`POWERSHELL`] is off (so the page carries no
/// copy of it).
const fn ps(text: &'static str) -> &'static str {
    if POWERSHELL {
        text
    } else {
        ""
    }
}

/// One store: how Airflow is told to look there, and the lines that store the value. In
/// the lines, `{0}` is the secret's name as a bash or PowerShell word, `{1}` more words,
/// `{2}` and `{3}` what only Vault's command with a secret has.
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
    bash: "if aws secretsmanager describe-secret --secret-id {0} >/dev/null 2>&1; then\n  printf '%s' \"$value\" | aws secretsmanager put-secret-value --secret-id {0} --secret-string file:///dev/stdin\nelse\n  printf '%s' \"$value\" | aws secretsmanager create-secret --name {0} --secret-string file:///dev/stdin\nfi",
    powershell: ps("aws secretsmanager describe-secret --secret-id {0} *> $null\nif ($LASTEXITCODE -eq 0) { aws secretsmanager put-secret-value --secret-id {0} --secret-string \"file://$($f.FullName)\" }\nelse { aws secretsmanager create-secret --name {0} --secret-string \"file://$($f.FullName)\" }"),
};

const GCP: Spec = Spec {
    backend: "airflow.providers.google.cloud.secrets.secret_manager.CloudSecretManagerBackend",
    kwargs: r#"{"connections_prefix": "airflow-connections", "sep": "-"}"#,
    package: "google",
    last_for_2_10: "19.0.0",
    bash: "if gcloud secrets describe {0} >/dev/null 2>&1; then\n  printf '%s' \"$value\" | gcloud secrets versions add {0} --data-file=-\nelse\n  printf '%s' \"$value\" | gcloud secrets create {0} --replication-policy=automatic --data-file=-\nfi",
    powershell: ps("gcloud secrets describe {0} *> $null\nif ($LASTEXITCODE -eq 0) { gcloud secrets versions add {0} \"--data-file=$($f.FullName)\" }\nelse { gcloud secrets create {0} --replication-policy=automatic \"--data-file=$($f.FullName)\" }"),
};

const AZURE: Spec = Spec {
    backend: "airflow.providers.microsoft.azure.secrets.key_vault.AzureKeyVaultBackend",
    kwargs: r#"{"connections_prefix": "airflow-connections", "sep": "-", "vault_url": "https://YOUR-KEY-VAULT.vault.azure.net/"}"#,
    package: "microsoft-azure",
    last_for_2_10: "12.8.1",
    bash: "printf '%s: ' 'Key Vault name'; read -r KEY_VAULT\nprintf '%s' \"$value\" | az keyvault secret set --vault-name \"$KEY_VAULT\" --name {0} --file /dev/stdin --encoding utf-8 --output none",
    powershell: ps("$vault = Read-Host 'Key Vault name'\naz keyvault secret set --vault-name $vault --name {0} --file $f.FullName --encoding utf-8 --output none"),
};

/// KV version 2 at mount `secret`: one key per field, the password from stdin.
const VAULT: Spec = Spec {
    backend: "airflow.providers.hashicorp.secrets.vault.VaultBackend",
    kwargs: r#"{"mount_point": "secret", "connections_path": "connections", "kv_engine_version": 2, "url": "https://YOUR-VAULT:8200"}"#,
    package: "hashicorp",
    last_for_2_10: "4.3.4",
    bash: "{2}vault kv put {0} {1}{3}",
    powershell: ps("vault kv put {0} {1}{3}"),
};

/// The environment variable in a Kubernetes Secret; Airflow needs no setting for it.
const KUBERNETES: Spec = Spec {
    backend: "",
    kwargs: "",
    package: "",
    last_for_2_10: "",
    bash: "printf '%s' \"$value\" | kubectl create secret generic {0} --namespace airflow {1} --dry-run=client -o yaml | kubectl apply -f -",
    powershell: ps("kubectl create secret generic {0} --namespace airflow {1} --dry-run=client -o yaml | kubectl apply -f -"),
};

const SETTINGS: &str = "# Airflow looks up: {0}\n# requirements.txt: {1}\n[secrets]\nbackend = {2}\nbackend_kwargs = {3}\n\n# or as environment variables:\nAIRFLOW__SECRETS__BACKEND={2}\nAIRFLOW__SECRETS__BACKEND_KWARGS='{3}'";

/// One store's form. `lookup`: where the backend looks; `name`: the name the command gives
/// the secret; `args`: more words for bash and PowerShell; `raw`: the secret goes in as it
/// is (Vault), not inside the JSON value.
/// What every store of one connection shares.
struct Shared<'a> {
    template: &'a Template,
    prompt: Option<&'a str>,
    airflow: AirflowVersion,
}

fn store(
    spec: &Spec,
    lookup: String,
    name: &str,
    args: [&str; 2],
    raw: bool,
    shared: &Shared,
) -> StoreForm {
    let Shared {
        template,
        prompt,
        airflow,
    } = *shared;
    let secret = template.after.is_some();
    let raw_secret = raw && secret;
    let pick = |yes: &'static str| if raw_secret { yes } else { "" };
    let mut bash = String::new();
    if !raw {
        if secret {
            bash.push_str(BASH_ESCAPE);
            bash.push('\n');
        }
        bash.push_str("value=");
        bash.push_str(&template.bash_value());
        bash.push('\n');
    }
    bash.push_str(&fill(
        spec.bash,
        &[
            &sh(name),
            args[0],
            pick("printf '%s' \"$DBX_PASSWORD\" | "),
            pick(" password=-"),
        ],
    ));
    let powershell = POWERSHELL.then(|| {
        let body = fill(
            spec.powershell,
            &[
                &powershell_word(name),
                args[1],
                "",
                pick(" \"password=@$($f.FullName)\""),
            ],
        );
        let content = if !raw {
            Some(template.powershell_expression())
        } else {
            raw_secret.then(|| "$s".to_owned())
        };
        powershell_block(prompt, !raw, content.as_deref(), &body)
    });
    let requirements = (!spec.package.is_empty()).then(|| match airflow {
        AirflowVersion::V2 => fill(
            "apache-airflow-providers-{0}=={1}",
            &[spec.package, spec.last_for_2_10],
        ),
        AirflowVersion::V3 => fill("apache-airflow-providers-{0}", &[spec.package]),
    });
    let settings = requirements
        .as_ref()
        .map(|r| fill(SETTINGS, &[&lookup, r, spec.backend, spec.kwargs]));
    StoreForm {
        command: bash_block(prompt, &bash),
        powershell,
        name: lookup,
        manifest: None,
        backend: (!spec.backend.is_empty()).then_some(spec.backend),
        backend_kwargs: (!spec.kwargs.is_empty()).then(|| spec.kwargs.to_owned()),
        settings,
        requirements,
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
    let prompt = template.after.is_some().then(|| prompt_label(method));
    let raw = id.as_str();
    let shared = Shared {
        template: &template,
        prompt,
        airflow,
    };
    let json_store = |spec: &Spec, lookup: String| {
        let name = lookup.clone();
        store(spec, lookup, &name, ["", ""], false, &shared)
    };

    // AWS Secrets Manager: names take letters, digits and /_+=.@-, which covers every id.
    let aws = Some(json_store(&AWS, fill("airflow/connections/{0}", &[raw])));

    // Google Secret Manager: secret ids take letters, digits, '-' and '_' (up to 255);
    // Azure Key Vault names letters, digits and '-' (1 to 127), case-insensitive, and its
    // backend turns every '_' of the name into '-'.
    let gcp_name = fill("airflow-connections-{0}", &[raw]);
    let kv_name = gcp_name.replace('_', "-");
    let dotted = raw.contains('.');
    let mut cannot = |store, name: String| {
        problems.push(AirflowProblem::StoreCannotNameConnId { store, name });
        None
    };
    let gcp = if dotted {
        cannot(Store::Gcp, gcp_name)
    } else {
        Some(json_store(&GCP, gcp_name))
    };
    let azure = if dotted || kv_name.len() > 127 {
        cannot(Store::Azure, kv_name)
    } else {
        if raw.contains('_') {
            problems.push(AirflowProblem::KeyVaultUnderscore {
                name: kv_name.clone(),
            });
        }
        Some(json_store(&AZURE, kv_name))
    };

    // HashiCorp Vault: the CLI reads a value that starts with '@' from a file (and '-'
    // from stdin), so such a Login cannot be given as it is.
    let vault = if conn.login.starts_with('@') || conn.login == "-" {
        problems.push(AirflowProblem::VaultLoginReadAsFile);
        None
    } else {
        let mut fields = vec![
            "conn_type=databricks".to_owned(),
            fill("host={0}", &[&conn.host]),
        ];
        if !conn.login.is_empty() {
            fields.push(fill("login={0}", &[&conn.login]));
        }
        if !conn.extra.is_empty() {
            fields.push(fill(
                "extra={0}",
                &[&Value::Object(conn.extra.clone()).to_string()],
            ));
        }
        let bash: Vec<String> = fields.iter().map(|f| sh(f)).collect();
        let ps: Vec<String> = if POWERSHELL {
            fields.iter().map(|f| powershell_word(f)).collect()
        } else {
            Vec::new()
        };
        let path = fill("secret/connections/{0}", &[raw]);
        Some(store(
            &VAULT,
            path.clone(),
            &path,
            [&bash.join(" "), &ps.join(" ")],
            true,
            &shared,
        ))
    };

    // Kubernetes: a Secret holding the variable Airflow's environment-variable backend
    // reads, and the Helm chart's `secret:` values that put it into every Airflow pod.
    let var = id.env_var();
    let secret_name = k8s_secret_name(raw);
    let mut kubernetes = store(
        &KUBERNETES,
        var.clone(),
        &secret_name,
        [
            &sh(&fill("--from-file={0}=/dev/stdin", &[&var])),
            &fill("\"--from-file={0}=$($f.FullName)\"", &[&var]),
        ],
        false,
        &shared,
    );
    kubernetes.manifest = Some(fill(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {0}\n  namespace: airflow\ntype: Opaque\nstringData:\n  {1}: {2}\n",
        &[
            &secret_name,
            &var,
            &super::yaml::double_quoted(&super::connection_json(conn)),
        ],
    ));

    // `helm upgrade -f` replaces a list as a whole: the comment says so where it matters.
    let values = fill(
        "# helm -f replaces the chart's whole secret: list; add entries you already have.\nsecret:\n  - envName: {0}\n    secretName: {1}\n    secretKey: {0}\n",
        &[&var, &secret_name],
    );
    let helm_command =
        "helm upgrade airflow apache-airflow/airflow --namespace airflow --reuse-values -f -";
    let helm = StoreForm {
        name: var,
        command: fill("{0} <<'EOF'\n{1}EOF", &[helm_command, &values]),
        powershell: POWERSHELL.then(|| fill("@'\n{1}'@ | {0}", &[helm_command, &values])),
        manifest: Some(values),
        backend: None,
        backend_kwargs: None,
        settings: None,
        requirements: None,
    };

    Stores {
        aws,
        gcp,
        azure,
        vault,
        kubernetes: Some(kubernetes),
        helm: Some(helm),
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
