use super::*;
use dbx_check_core::check::relay::{relay_path, relayed_outcome, RelayRefused, ERROR_HEADER};
use proptest::prelude::*;

const TABLE: &str = include_str!("../../tests/data/relay_requests.tsv");

#[test]
fn every_request_in_the_table_is_forwarded_or_refused_as_it_says() {
    let mut wrong = Vec::new();
    let mut rows = 0;
    for line in TABLE.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        rows += 1;
        let cols: Vec<&str> = line.split('\t').collect();
        let [method, target, decision] = cols[..] else {
            panic!("malformed row: {line}");
        };
        let got = match read_relay_request(method, target, &[]) {
            Ok(t) => format!("forward {} {}", t.hostname, t.step),
            Err(r) => format!("refuse {}", r.code()),
        };
        if got != decision {
            wrong.push(format!("{method} {target}: expected {decision}, got {got}"));
        }
    }
    assert!(rows > 60, "the table has {rows} rows");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_refusal_is_a_4xx_or_5xx_with_a_message_and_a_fix() {
    for line in TABLE.lines().filter(|l| l.contains("\trefuse ")) {
        let cols: Vec<&str> = line.split('\t').collect();
        let refusal = read_relay_request(cols[0], cols[1], &[]).unwrap_err();
        assert!((400..500).contains(&refusal.status()), "{line}");
        let f = refusal.to_finding();
        assert_eq!(f.severity, Severity::Error);
        assert!(f.message.len() > 20 && f.fix.len() > 20, "{f:?}");
        let json: serde_json::Value = serde_json::from_str(&refusal.to_json()).unwrap();
        assert_eq!(json["code"], refusal.code());
    }
}

#[test]
fn refusals_say_why_in_the_host_analysis_words() {
    let r = relay_host("dbc-1.cloud-databricks.com", &[]).unwrap_err();
    let RelayRefusal::HostRefused {
        finding, reason, ..
    } = &r
    else {
        panic!("{r:?}");
    };
    assert_eq!(*finding, "near_miss");
    assert!(r.message().contains(reason.as_str()));
    // A token pasted as the host: refused, and not repeated back.
    let token = "dapi0123456789abcdef0123456789abcdef";
    let pasted = relay_host(&format!("{token}.cloud.databricks.com"), &[]).unwrap_err();
    assert_eq!(pasted.code(), "host_refused");
    assert!(!pasted.to_json().contains(token), "{}", pasted.to_json());
    let console = relay_host("accounts.cloud.databricks.com", &[]).unwrap_err();
    assert!(console.message().contains("account console"));
    assert!(relay_host("example.com", &[])
        .unwrap_err()
        .fix()
        .contains("--allow-host"));
}

#[test]
fn an_allowed_extra_host_is_forwarded_but_never_an_address_or_localhost() {
    let extra = vec![
        "workspace.corp.example".to_owned(),
        "accounts.cloud.databricks.com".to_owned(),
        "127.0.0.1".to_owned(),
        "localhost".to_owned(),
    ];
    assert_eq!(
        relay_host("Workspace.Corp.Example", &extra).as_deref(),
        Ok("workspace.corp.example")
    );
    assert_eq!(
        relay_host("accounts.cloud.databricks.com", &extra).as_deref(),
        Ok("accounts.cloud.databricks.com")
    );
    assert_eq!(
        relay_host("127.0.0.1", &extra).unwrap_err().code(),
        "ip_address"
    );
    assert_eq!(
        relay_host("localhost", &extra).unwrap_err().code(),
        "localhost"
    );
    assert_eq!(
        relay_host("other.corp.example", &extra).unwrap_err().code(),
        "not_databricks"
    );
}

#[test]
fn an_over_long_host_is_refused_before_any_analysis() {
    let label = "a".repeat(60);
    let long = format!("{label}.{label}.{label}.{label}.cloud.databricks.com");
    assert!(long.len() > MAX_HOST_BYTES);
    let r = relay_host(&long, &[]).unwrap_err();
    assert_eq!(r, RelayRefusal::HostTooLong { bytes: long.len() });
    let long_label = format!("{}.cloud.databricks.com", "b".repeat(64));
    assert_eq!(
        relay_host(&long_label, &[]).unwrap_err().code(),
        "host_not_a_name"
    );
}

#[test]
fn redirects_are_followed_only_on_the_same_host() {
    let from = "https://privatelink-1.cloud.databricks.com/api/2.1/clusters/spark-versions";
    assert_eq!(
        same_host_redirect(from, "/login.html?error=private-link-validation-error:7474#x").as_deref(),
        Ok("https://privatelink-1.cloud.databricks.com/login.html?error=private-link-validation-error:7474")
    );
    assert_eq!(
        same_host_redirect(from, "https://PRIVATELINK-1.cloud.databricks.com/x").as_deref(),
        Ok("https://privatelink-1.cloud.databricks.com/x")
    );
    for (location, host) in [
        ("https://evil.io/steal", Some("evil.io")),
        ("//evil.io/steal", Some("evil.io")),
        (
            "http://privatelink-1.cloud.databricks.com/x",
            Some("privatelink-1.cloud.databricks.com"),
        ),
        (
            "https://privatelink-1.cloud.databricks.com:8443/x",
            Some("privatelink-1.cloud.databricks.com"),
        ),
        (
            "https://u:p@privatelink-1.cloud.databricks.com/x",
            Some("privatelink-1.cloud.databricks.com"),
        ),
        (
            "https://169.254.169.254/latest/meta-data",
            Some("169.254.169.254"),
        ),
        ("https://[::1]/", Some("[::1]")),
        ("https://", None),
    ] {
        assert_eq!(
            same_host_redirect(from, location),
            Err(RelayRefusal::RedirectToOtherHost {
                target_host: host.map(str::to_owned)
            }),
            "{location}"
        );
    }
}

#[test]
fn redirects_change_the_method_as_requests_and_browsers_do() {
    use HttpMethod::{Get, Post};
    assert_eq!(method_after_redirect(302, Post), Get);
    assert_eq!(method_after_redirect(301, Post), Get);
    assert_eq!(method_after_redirect(303, Post), Get);
    assert_eq!(method_after_redirect(307, Post), Post);
    assert_eq!(method_after_redirect(308, Post), Post);
    assert_eq!(method_after_redirect(302, Get), Get);
    assert!(is_redirect(302) && is_redirect(308) && !is_redirect(304) && !is_redirect(200));
}

#[test]
fn only_the_relays_own_page_may_use_it() {
    let local = Some("127.0.0.1:8080");
    assert_eq!(check_same_origin(local, None, None, true), Ok(()));
    assert_eq!(
        check_same_origin(
            local,
            Some("http://127.0.0.1:8080"),
            Some("same-origin"),
            true
        ),
        Ok(())
    );
    assert_eq!(
        check_same_origin(Some("localhost:8080"), None, None, true),
        Ok(())
    );
    assert_eq!(
        check_same_origin(Some("[::1]:8080"), None, None, true),
        Ok(())
    );
    for (host, origin, site) in [
        (local, Some("https://evil.io"), None),
        (local, Some("null"), None),
        (local, None, Some("cross-site")),
        (local, None, Some("same-site")),
        (local, Some("http://127.0.0.1:9999"), None),
        // DNS rebinding: an attacker's name that resolves to 127.0.0.1.
        (
            Some("rebind.evil.io:8080"),
            Some("http://rebind.evil.io:8080"),
            Some("same-origin"),
        ),
        (None, None, None),
    ] {
        assert_eq!(
            check_same_origin(host, origin, site, true),
            Err(RelayRefusal::CrossOrigin),
            "{host:?} {origin:?} {site:?}"
        );
    }
    // A team relay on a public name: any Host, but still only its own origin.
    assert_eq!(
        check_same_origin(
            Some("dbx-check.corp.example"),
            Some("https://dbx-check.corp.example"),
            None,
            false
        ),
        Ok(())
    );
    assert_eq!(
        check_same_origin(
            Some("dbx-check.corp.example"),
            Some("https://evil.io"),
            None,
            false
        ),
        Err(RelayRefusal::CrossOrigin)
    );
}

#[test]
fn one_host_header_naming_the_target_or_a_400() {
    let bad = |r: Result<Option<&str>, RelayRefusal>| match r {
        Err(RelayRefusal::BadHostHeader { problem }) => Some(problem),
        _ => None,
    };
    let relay = "127.0.0.1:8080".as_bytes();
    assert_eq!(
        request_host(&[relay], None, true),
        Ok(Some("127.0.0.1:8080"))
    );
    assert_eq!(
        request_host(&[b" LOCALHOST:8080 "], Some("localhost:8080"), true),
        Ok(Some("LOCALHOST:8080"))
    );
    // HTTP/1.0 may omit it; the absolute-form target then names the server.
    assert_eq!(request_host(&[], None, false), Ok(None));
    assert_eq!(request_host(&[], Some("a:1"), false), Ok(Some("a:1")));
    for (hosts, authority, http11, problem) in [
        (vec![relay, relay], None, true, HostHeaderProblem::Repeated),
        (
            vec![relay, b"evil.example".as_slice()],
            None,
            false,
            HostHeaderProblem::Repeated,
        ),
        (vec![], None, true, HostHeaderProblem::Missing),
        (
            vec![],
            Some("127.0.0.1:8080"),
            true,
            HostHeaderProblem::Missing,
        ),
        (
            vec![relay],
            Some("evil.example"),
            true,
            HostHeaderProblem::DisagreesWithTarget,
        ),
        (vec![b"".as_slice()], None, true, HostHeaderProblem::Invalid),
        (
            vec![b"a b".as_slice()],
            None,
            true,
            HostHeaderProblem::Invalid,
        ),
        (
            vec![b"caf\xc3\xa9".as_slice()],
            None,
            true,
            HostHeaderProblem::Invalid,
        ),
    ] {
        let got = bad(request_host(&hosts, authority, http11));
        assert_eq!(got, Some(problem), "{hosts:?} {authority:?}");
        let refusal = RelayRefusal::BadHostHeader { problem };
        assert_eq!((refusal.status(), refusal.code()), (400, "bad_host_header"));
        assert!(
            refusal.message().contains("Host header"),
            "{}",
            refusal.message()
        );
    }
}

#[test]
fn a_late_request_is_not_the_workspaces_timeout() {
    let late = RelayRefusal::RequestTimeout { seconds: 15 };
    assert_eq!((late.status(), late.code()), (408, "request_timeout"));
    assert!(late.message().contains("15 seconds"), "{}", late.message());
    let one = RelayRefusal::RequestTimeout { seconds: 1 }.message();
    assert!(one.contains("within 1 second,"), "{one}");
    // The page shows it as the relay's refusal, not as a workspace that timed out.
    let got = relayed_outcome(
        Step::OauthToken,
        late.status(),
        pairs(&[(ERROR_HEADER, late.code())]),
        late.to_json(),
    )
    .unwrap_err();
    assert_eq!((got.message, got.fix), (late.message(), late.fix()));
    for refusal in [
        late,
        RelayRefusal::IncompleteRequest,
        RelayRefusal::BadHostHeader {
            problem: HostHeaderProblem::Repeated,
        },
    ] {
        let f = refusal.to_finding();
        assert!(f.message.len() > 40 && f.fix.len() > 40, "{f:?}");
        assert_ne!(f.fix, RelayRefusal::PathNotAllowed.fix(), "{f:?}");
    }
}

#[test]
fn the_page_mark_goes_before_the_head_end_and_leaves_scripts_alone() {
    let page = "<!doctype html>\n<html><head>\n<meta charset=\"utf-8\" />\n<script type=\"module\">\nlet s = '</head>';\n</script>\n<link rel=\"preload\"></HEAD>\n<body></body></html>";
    let marked = String::from_utf8(mark_page(page.as_bytes()).unwrap()).unwrap();
    let script = "<script type=\"module\">\nlet s = '</head>';\n</script>";
    assert!(marked.contains(script), "{marked}");
    assert!(
        marked.contains(&format!("<link rel=\"preload\">{}\n</HEAD>", page_mark())),
        "{marked}"
    );
    assert_eq!(marked.len(), page.len() + page_mark().len() + 1);
    assert_eq!(
        mark_page(b"<html><head><title>t</title></head></html>").map(String::from_utf8),
        Some(Ok(format!(
            "<html><head><title>t</title>{}\n</head></html>",
            page_mark()
        )))
    );
    for unmarkable in [
        "",
        "<html><body>no head end</body></html>",
        "<head><script>never closed </head>",
        "<head><script></script><script>let x='</head>'",
    ] {
        assert_eq!(mark_page(unmarkable.as_bytes()), None, "{unmarkable}");
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn the_relays_own_refusal_comes_back_with_its_words() {
    let refusal = RelayRefusal::NotDatabricks {
        hostname: "example.com".into(),
    };
    let got = relayed_outcome(
        Step::SparkVersions,
        refusal.status(),
        pairs(&[(ERROR_HEADER, refusal.code())]),
        refusal.to_json(),
    )
    .unwrap_err();
    assert_eq!(
        got,
        RelayRefused {
            code: "not_databricks".into(),
            message: refusal.message(),
            fix: refusal.fix(),
        }
    );
}

#[test]
fn the_page_path_is_read_back_as_the_same_request() {
    for step in Step::ALL {
        let path = relay_path(" DBC-1.cloud.databricks.com ", step);
        let target = read_relay_request(step.http_method().as_str(), &path, &[]).unwrap();
        assert_eq!(target.hostname, "dbc-1.cloud.databricks.com");
        assert_eq!(target.step, step);
        assert_eq!(
            target.upstream_url(),
            format!("https://dbc-1.cloud.databricks.com{}", step.path())
        );
    }
}

/// Host-ish text, with the characters that matter to an attacker over-represented.
fn hostish() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9.@:%\\[\\]-]{0,40}",
        "[a-z0-9-]{1,12}\\.(cloud\\.databricks\\.com|azuredatabricks\\.net|gcp\\.databricks\\.com|evil\\.io)",
        any::<String>(),
    ]
}

fn pathish() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/api/2.1/clusters/spark-versions".to_owned()),
        Just("/oidc/v1/token".to_owned()),
        "(/[a-z0-9.%2eEfF5c?#]{0,8}){0,5}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever arrives, the relay decides without panicking, and what it forwards is
    /// always a plan path on a host in a Databricks zone, by name.
    #[test]
    fn only_plan_paths_on_zone_hosts_are_ever_forwarded(
        method in prop_oneof![Just("GET".to_owned()), Just("POST".to_owned()), any::<String>()],
        host in hostish(),
        path in pathish(),
    ) {
        let target = format!("{RELAY_PREFIX}{host}{path}");
        if let Ok(t) = read_relay_request(&method, &target, &[]) {
            prop_assert!(dbx_check_core::databricks_zone(&t.hostname).is_some(), "{t:?}");
            prop_assert!(t.hostname.parse::<std::net::IpAddr>().is_err());
            prop_assert_eq!(t.step.path(), path.as_str());
            prop_assert_eq!(t.step.http_method().as_str(), method.as_str());
            prop_assert!(url::Url::parse(&t.upstream_url())
                .is_ok_and(|u| u.host_str() == Some(t.hostname.as_str())));
        }
    }

    #[test]
    fn redirect_and_origin_checks_never_panic(
        current in any::<String>(),
        location in any::<String>(),
        host in proptest::option::of(any::<String>()),
        origin in proptest::option::of(any::<String>()),
    ) {
        let from = format!("https://dbc-1.cloud.databricks.com/{current}");
        if let Ok(next) = same_host_redirect(&from, &location) {
            let next = url::Url::parse(&next).unwrap();
            prop_assert_eq!(next.host_str(), Some("dbc-1.cloud.databricks.com"));
            prop_assert_eq!(next.scheme(), "https");
            prop_assert_eq!(next.port(), None);
        }
        let _ = same_host_redirect(&current, &location);
        let _ = check_same_origin(host.as_deref(), origin.as_deref(), Some(&current), true);
        let _ = check_same_origin(host.as_deref(), origin.as_deref(), None, false);
        let hosts: Vec<&[u8]> = host.iter().chain(origin.iter()).map(|h| h.as_bytes()).collect();
        let _ = request_host(&hosts, Some(&current), true);
        let _ = request_host(&hosts, None, false);
    }

    #[test]
    fn marking_any_page_never_panics(body in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = mark_page(&body);
    }
}
