//! Seed inputs for each target, built at run time from the core's test data
//! (`crates/core/tests/data`) in the layout its target reads, and the committed crash
//! inputs of `fuzz/regressions/<target>/`. Reading the files (not `include_str!`) keeps
//! the seeds in step with the tables without rebuilding the fuzz targets.

use crate::{encode, header_block, SEP, SUB};
use dbx_check_core::check::{RawOutcome, Transport};
use dbx_check_core::{AuthMethod, Step};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The core's test tables.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../crates/core/tests/data")
}

/// `fuzz/regressions`: one folder per target, one crash input per file.
pub fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../regressions")
}

/// The committed crash inputs of `target`, with their paths, in name order.
pub fn regressions(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(regressions_dir().join(target)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().map(|bytes| (p, bytes)))
        .collect()
}

/// Seeds for `target` (empty for an unknown name). Panics when a data file is missing
/// or malformed: the seeds would silently shrink otherwise.
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    let data = Data::load();
    let mut out = match target {
        "host" => data
            .host_texts()
            .into_iter()
            .map(String::into_bytes)
            .collect(),
        "address" => data.addresses(),
        "credential" => data.credentials(),
        "airflow" => data.airflow_fields(),
        "airflow_json" => data.airflow_requests.iter().map(json_bytes).collect(),
        "diagnose" => data.answers.iter().map(outcome_bytes).collect(),
        "diagnose_json" => data.answer_json.iter().map(json_bytes).collect(),
        "terminal" => data.pastes(),
        "check_run" => data.check_runs(),
        "relay_request" => data.relay_requests(),
        "relay_redirect" => data.redirects(),
        "relay_origin" => origins(),
        "relay_answer" => data.relay_answers(),
        "form" => data.forms(),
        "import" => import_texts(),
        _ => Vec::new(),
    };
    out.sort();
    out.dedup();
    out
}

/// The texts of import_cases.json (every form a connection is pasted in), whole.
fn import_texts() -> Vec<Vec<u8>> {
    let cases = json(&read("import_cases.json"), "import_cases.json");
    cases["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["text"].as_str())
        .map(|t| t.as_bytes().to_vec())
        .collect()
}

/// The core's test tables, parsed once per call to [`seeds`].
struct Data {
    /// hosts.tsv and host_inputs.tsv, input column.
    hosts: Vec<String>,
    host_inputs: Vec<String>,
    credentials: Vec<Credential>,
    /// `host_field_cases` of credential_cases.json: text typed into the URL field.
    host_field_texts: Vec<String>,
    airflow_requests: Vec<Value>,
    answers: Vec<RawOutcome>,
    answer_json: Vec<Value>,
    /// relay_requests.tsv: method and request target.
    relay_requests: Vec<(String, String)>,
}

/// One case of credential_cases.json with its placeholders filled.
struct Credential {
    method: AuthMethod,
    login: String,
    secret: String,
    cloud: Option<String>,
    tenant: String,
    resource: String,
    mi: String,
    token: String,
}

fn read(name: &str) -> String {
    let path = data_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(text: &str, name: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn json_bytes(value: &Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

/// Rows of a tab-separated table: comment lines (`#`) and the header row are skipped.
fn tsv_rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| l.split('\t').collect())
}

/// Undoes host_inputs.tsv's escapes: `\t \n \r \\ \u{hex}`.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn index_of<T: PartialEq>(all: &[T], value: &T) -> u8 {
    all.iter()
        .position(|v| v == value)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(0)
}

fn method_byte(method: AuthMethod) -> u8 {
    index_of(&AuthMethod::ALL, &method)
}

fn step_byte(step: Step) -> u8 {
    index_of(&Step::ALL, &step)
}

/// An answer in the layout of [`crate::diagnose`], its parts split at `sep`.
fn outcome_parts(o: &RawOutcome, sep: u8) -> Vec<u8> {
    let transport = match o.transport {
        Transport::Ok => 0,
        Transport::Blocked => 1,
        Transport::Unreachable => 2,
        Transport::Timeout => 3,
    } | if o.status.is_none() { 4 } else { 0 };
    let [hi, lo] = o.status.unwrap_or(0).to_be_bytes();
    let mut out = vec![step_byte(o.step), transport, hi, lo];
    out.extend(header_block(&o.headers.0));
    out.push(sep);
    out.extend(o.body.bytes());
    if let Some(url) = &o.final_url {
        out.push(sep);
        out.extend(url.as_bytes());
    }
    out
}

fn outcome_bytes(o: &RawOutcome) -> Vec<u8> {
    outcome_parts(o, SEP)
}

/// A workspace host name on `cloud`, for the cases that name only the cloud.
fn host_on(cloud: Option<&str>) -> &'static str {
    match cloud {
        Some("azure") => "https://adb-1234567890123456.7.azuredatabricks.net",
        Some("gcp") => "https://1234567890123456.7.gcp.databricks.com",
        Some(_) => "https://dbc-a1b2345c-d6e7.cloud.databricks.com",
        None => "",
    }
}

impl Data {
    fn load() -> Data {
        let hosts = tsv_rows(&read("hosts.tsv"))
            .filter_map(|row| row.first().map(|h| h.to_string()))
            .collect();
        let host_inputs = tsv_rows(&read("host_inputs.tsv"))
            .filter_map(|row| row.first().map(|h| unescape(h)))
            .collect();
        let relay_requests = tsv_rows(&read("../../../relay/tests/data/relay_requests.tsv"))
            .filter_map(|row| Some((row.first()?.to_string(), row.get(1)?.to_string())))
            .collect();
        let answer_json: Vec<Value> = read("answers.jsonl")
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| json(l, "answers.jsonl")["outcome"].clone())
            .collect();
        let answers = answer_json
            .iter()
            .map(|o| serde_json::from_value(o.clone()).expect("answers.jsonl: an outcome"))
            .collect();
        let airflow = json(&read("airflow_cases.json"), "airflow_cases.json");
        let airflow_requests = airflow["cases"]
            .as_array()
            .expect("airflow_cases.json: cases")
            .iter()
            .map(|c| c["request"].clone())
            .collect();
        let (credentials, host_field_texts) = credential_cases(&json(
            &read("credential_cases.json"),
            "credential_cases.json",
        ));
        Data {
            hosts,
            host_inputs,
            credentials,
            host_field_texts,
            airflow_requests,
            answers,
            answer_json,
            relay_requests,
        }
    }

    fn host_texts(&self) -> Vec<String> {
        let mut texts = self.host_inputs.clone();
        texts.extend(self.hosts.iter().cloned());
        texts.extend(self.host_field_texts.iter().cloned());
        texts
    }

    /// A workspace host for the `i`-th seed, cycling through hosts.tsv.
    fn workspace(&self, i: usize) -> String {
        match self.hosts.get(i % self.hosts.len().max(1)) {
            Some(h) => format!("https://{h}"),
            None => host_on(Some("aws")).to_owned(),
        }
    }

    fn addresses(&self) -> Vec<Vec<u8>> {
        let mut out = vec![
            b"?embed=1&theme=dark".to_vec(),
            b"token=dapi0123&host=x&Password=p".to_vec(),
        ];
        for (i, host) in self.host_texts().iter().enumerate() {
            let method = AuthMethod::ALL[i % AuthMethod::ALL.len()].as_str();
            out.push(
                format!(
                    "?host={}&conn_id=databricks_default&method={method}",
                    form_encode(host)
                )
                .into_bytes(),
            );
        }
        out
    }

    fn credentials(&self) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = self
            .credentials
            .iter()
            .map(|c| {
                let host = host_on(c.cloud.as_deref());
                encode(
                    &[method_byte(c.method), 0],
                    &[
                        c.login.as_bytes(),
                        c.secret.as_bytes(),
                        host.as_bytes(),
                        c.tenant.as_bytes(),
                        c.resource.as_bytes(),
                        c.mi.as_bytes(),
                        c.token.as_bytes(),
                    ],
                )
            })
            .collect();
        let pat = "dapi0123456789abcdef0123456789abcdef";
        for text in &self.host_field_texts {
            out.push(encode(&[0, 0], &[b"", pat.as_bytes(), text.as_bytes()]));
        }
        out
    }

    fn airflow_fields(&self) -> Vec<Vec<u8>> {
        self.airflow_requests
            .iter()
            .map(|req| {
                let text = |key: &str| req[key].as_str().unwrap_or_default().to_owned();
                let method: AuthMethod =
                    serde_json::from_value(req["method"].clone()).unwrap_or(AuthMethod::Pat);
                let version = u8::from(req["airflow"].as_u64() == Some(2));
                let extra = match req.get("extra") {
                    Some(v @ Value::Object(_)) => v.to_string(),
                    _ => String::new(),
                };
                let conn_id = req
                    .get("conn_id")
                    .and_then(Value::as_str)
                    .unwrap_or("databricks_default");
                encode(
                    &[method_byte(method), version],
                    &[
                        conn_id.as_bytes(),
                        text("host").as_bytes(),
                        text("login").as_bytes(),
                        text("secret").as_bytes(),
                        extra.as_bytes(),
                    ],
                )
            })
            .collect()
    }

    /// Each answer as `curl -s -D -` prints it, with the final URL line the terminal
    /// route's command adds, or curl's error for an answer that never came.
    fn pastes(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for o in &self.answers {
            let mut text = String::new();
            match (o.transport, o.status) {
                (Transport::Timeout, _) => {
                    text.push_str("curl: (28) Operation timed out after 30001 milliseconds\n")
                }
                (Transport::Unreachable, _) | (_, None) => {
                    text.push_str("curl: (6) Could not resolve host: dbc-x.cloud.databricks.com\n")
                }
                (_, Some(status)) => {
                    text.push_str(&format!("HTTP/2 {status} \r\n"));
                    for (name, value) in &o.headers.0 {
                        text.push_str(&format!("{name}: {value}\r\n"));
                    }
                    text.push_str("\r\n");
                    text.push_str(&String::from_utf8_lossy(o.body.bytes()));
                    if let Some(url) = &o.final_url {
                        text.push_str(&format!("\n[dbx-check final URL] {url}\n"));
                    }
                }
            }
            let pat = method_byte(AuthMethod::Pat);
            out.push(encode(&[step_byte(o.step), pat], &[text.as_bytes()]));
            // The same answer behind a redirect hop, as HTTP/1.1.
            let hop = format!(
                "HTTP/1.1 302 Found\r\nlocation: https://dbc-a1b2345c-d6e7.cloud.databricks.com/x\r\n\r\n{}",
                text.replacen("HTTP/2 ", "HTTP/1.1 ", 1)
            );
            out.push(encode(&[step_byte(o.step), pat], &[hop.as_bytes()]));
        }
        // Whole runs of the terminal block, as recorded, with the host and method they
        // were run for.
        for (file, method, host) in [
            (
                "transcripts/bash_sp_oauth_ok.txt",
                AuthMethod::SpOauth,
                "https://ok-7.cloud.databricks.com",
            ),
            (
                "transcripts/powershell_pat_proxy_http2.txt",
                AuthMethod::Pat,
                "https://adb-1234567890123456.7.azuredatabricks.net",
            ),
            (
                "transcripts/zsh_pat_privatelink_reordered.txt",
                AuthMethod::Pat,
                "https://privatelink-7.azuredatabricks.net",
            ),
        ] {
            let text = read(file);
            out.push(encode(
                &[step_byte(Step::SparkVersions), method_byte(method)],
                &[
                    text.as_bytes(),
                    host.as_bytes(),
                    b"8c1e4b0a-7d52-4f3e-9a61-2f0c5d7e9b13",
                ],
            ));
        }
        out
    }

    /// Checks that pass, for every credential case on some host, and checks that meet
    /// each recorded answer first, directly and through the relay.
    fn check_runs(&self) -> Vec<Vec<u8>> {
        let passing: Vec<Vec<u8>> = Step::ALL
            .iter()
            .filter_map(|step| {
                self.answers
                    .iter()
                    .find(|o| o.step == *step && o.status == Some(200))
                    .map(|o| outcome_parts(o, SUB))
            })
            .collect();
        let run = |method: AuthMethod, route: u8, fields: [&str; 4], answers: &[&Vec<u8>]| {
            let mut input = encode(&[method_byte(method), route, 0], &fields.map(str::as_bytes));
            for answer in answers {
                input.push(SEP);
                input.extend_from_slice(answer);
            }
            input
        };
        let mut out = Vec::new();
        for (i, c) in self.credentials.iter().enumerate() {
            let host = self.workspace(i);
            let fields = [host.as_str(), &c.login, &c.secret, "databricks_default"];
            out.push(run(
                c.method,
                0,
                fields,
                &passing.iter().collect::<Vec<_>>(),
            ));
        }
        let pat = "dapi0123456789abcdef0123456789abcdef";
        for (i, o) in self.answers.iter().enumerate() {
            let host = self.workspace(i);
            let first = outcome_parts(o, SUB);
            let mut answers = vec![&first];
            answers.extend(passing.iter());
            let fields = [host.as_str(), "", pat, "databricks_default"];
            out.push(run(AuthMethod::Pat, 0, fields, &answers));
            out.push(run(AuthMethod::Pat, 1, fields, &answers));
        }
        out
    }

    fn relay_requests(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for (method, target) in &self.relay_requests {
            out.push(encode(&[], &[method.as_bytes(), target.as_bytes()]));
            out.push(encode(
                &[],
                &[
                    method.as_bytes(),
                    target.as_bytes(),
                    b"example.com\nlocalhost",
                ],
            ));
        }
        out
    }

    fn redirects(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for (i, host) in self.hosts.iter().enumerate() {
            let current = format!("https://{host}/api/2.1/clusters/spark-versions");
            let locations = [
                "/api/2.1/clusters/spark-versions?o=1#x".to_owned(),
                format!("https://{host}/login.html"),
                format!("http://{host}/"),
                format!("https://user:pw@{host}/"),
                format!("https://{host}:8443/"),
                "//evil.example.com/x".to_owned(),
                "https://accounts.cloud.databricks.com/".to_owned(),
                "../../..".to_owned(),
            ];
            let location = &locations[i % locations.len()];
            let status = [301u16, 302, 303, 307, 308, 200][i % 6];
            let [hi, lo] = status.to_be_bytes();
            out.push(encode(
                &[hi, lo],
                &[current.as_bytes(), location.as_bytes()],
            ));
        }
        out
    }

    fn relay_answers(&self) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = self
            .answers
            .iter()
            .filter(|o| o.transport == Transport::Ok)
            .map(|o| {
                let [hi, lo] = o.status.unwrap_or(200).to_be_bytes();
                let mut headers = o.headers.0.clone();
                if let Some(url) = &o.final_url {
                    headers.push(("x-dbx-check-final-url".into(), url.clone()));
                }
                encode(
                    &[step_byte(o.step), hi, lo],
                    &[&header_block(&headers), o.body.bytes()],
                )
            })
            .collect();
        let refusals: [(&str, &[u8]); 6] = [
            ("x-dbx-check-relay-error: upstream_unreachable", b""),
            ("x-dbx-check-relay-error: upstream_timeout", b""),
            (
                "x-dbx-check-relay-error: redirect_to_other_host\nx-dbx-check-upstream-status: 307\nx-dbx-check-location: https://login.microsoftonline.com/x",
                b"",
            ),
            (
                "x-dbx-check-relay-error: not_databricks\ncontent-type: application/json",
                br#"{"code":"not_databricks","message":"example.com is not a Databricks host.","fix":"Use the workspace URL."}"#,
            ),
            ("content-type: application/json", br#"{"relay":"dbx-check","version":"0.1.0","paths":["/api/2.1/clusters/spark-versions"]}"#),
            ("x-dbx-check-relay-error: cross_origin", b"not json"),
        ];
        let [hi, lo] = 502u16.to_be_bytes();
        for (headers, body) in refusals {
            out.push(encode(
                &[step_byte(Step::SparkVersions), hi, lo],
                &[headers.as_bytes(), body],
            ));
        }
        out
    }

    fn forms(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for (i, c) in self.credentials.iter().enumerate() {
            let host = match c.cloud.as_deref() {
                Some(cloud) => host_on(Some(cloud)).to_owned(),
                None => self.workspace(i),
            };
            let flags = u8::try_from(i % 2).unwrap_or(0);
            out.push(encode(
                &[method_byte(c.method), flags, flags, 0],
                &[
                    host.as_bytes(),
                    c.login.as_bytes(),
                    c.secret.as_bytes(),
                    c.tenant.as_bytes(),
                    c.resource.as_bytes(),
                    c.mi.as_bytes(),
                    b"",
                    b"databricks_default",
                ],
            ));
        }
        let pat = "dapi0123456789abcdef0123456789abcdef";
        for url in &self.host_inputs {
            out.push(encode(
                &[0, 0, 0, 0],
                &[url.as_bytes(), b"", pat.as_bytes()],
            ));
        }
        out
    }
}

/// `Host`, `Origin` and `Sec-Fetch-Site` as browsers, scripts and rebinding pages send them.
fn origins() -> Vec<Vec<u8>> {
    let cases: [(u8, &str, &str, &str); 8] = [
        (
            0b1111,
            "127.0.0.1:8080",
            "http://127.0.0.1:8080",
            "same-origin",
        ),
        (0b1011, "localhost:8080", "", "none"),
        (0b0011, "[::1]:8080", "", ""),
        (
            0b1111,
            "127.0.0.1:8080",
            "https://evil.example.com",
            "cross-site",
        ),
        (
            0b0111,
            "rebind.example.com:8080",
            "http://rebind.example.com:8080",
            "",
        ),
        (0b0110, "dbx.example.org", "https://dbx.example.org", ""),
        (0b0001, "", "", ""),
        (0b1010, "127.0.0.1", "", "same-site"),
    ];
    cases
        .iter()
        .map(|(flags, host, origin, site)| {
            encode(
                &[*flags],
                &[host.as_bytes(), origin.as_bytes(), site.as_bytes()],
            )
        })
        .collect()
}

/// `application/x-www-form-urlencoded`, as a page address carries a prefilled host.
fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Reads credential_cases.json: the cases, and the texts of its `host_field_cases`.
fn credential_cases(doc: &Value) -> (Vec<Credential>, Vec<String>) {
    let now = doc["now_unix"]
        .as_i64()
        .expect("credential_cases.json: now_unix");
    let placeholders: Vec<(String, String)> = doc["placeholders"]
        .as_object()
        .expect("credential_cases.json: placeholders")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    let fill = |text: &str, jwt: &str| {
        let mut out = text.to_owned();
        for (key, value) in &placeholders {
            out = out.replace(key, value);
        }
        out.replace("{jwt}", jwt)
    };
    let cases = doc["cases"]
        .as_array()
        .expect("credential_cases.json: cases");
    let credentials = cases
        .iter()
        .map(|case| {
            let jwt = case
                .get("jwt")
                .map(|spec| unsigned_jwt(spec, now, &|t| fill(t, "")))
                .unwrap_or_default();
            let text = |v: &Value| fill(v.as_str().unwrap_or_default(), &jwt);
            Credential {
                method: serde_json::from_value(case["method"].clone())
                    .expect("credential_cases.json: method"),
                login: text(&case["login"]),
                secret: text(&case["secret"]),
                cloud: case["cloud"].as_str().map(str::to_owned),
                tenant: text(&case["extra"]["azure_tenant_id"]),
                resource: text(&case["extra"]["azure_resource_id"]),
                mi: text(&case["extra"]["azure_managed_identity_client_id"]),
                token: text(&case["extra"]["token"]),
            }
        })
        .collect();
    let host_texts = doc["host_field_cases"]
        .as_array()
        .map(|cases| {
            cases
                .iter()
                .map(|c| fill(c["text"].as_str().unwrap_or_default(), ""))
                .collect()
        })
        .unwrap_or_default();
    (credentials, host_texts)
}

/// An unsigned JWT with the case's claims; `<name>_in` claims are seconds from `now`,
/// as in the core's table test.
fn unsigned_jwt(spec: &Value, now: i64, fill: &dyn Fn(&str) -> String) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let mut claims = serde_json::Map::new();
    for (key, value) in spec.as_object().into_iter().flatten() {
        match (key.strip_suffix("_in"), value.as_i64()) {
            (Some(name), Some(offset)) => {
                claims.insert(name.to_owned(), Value::from(now + offset));
            }
            _ => {
                let value = value
                    .as_str()
                    .map_or(value.clone(), |t| Value::from(fill(t)));
                claims.insert(key.clone(), value);
            }
        }
    }
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(Value::Object(claims).to_string());
    format!("{header}.{payload}.c2lnbmF0dXJl")
}
