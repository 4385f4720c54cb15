//! Classifying an answer: which cause, and so which verdict, it shows.

use super::answer::{read_success, retry_after, word_after, Answer};
use super::{Cause, UnexpectedKind};
use crate::check::scrub::{html_title, sanitised_excerpt};
use crate::check::{RawOutcome, Step, Transport};

/// Whether Airflow's provider tries a request again after this answer: 429, a 5xx, or a
/// 400 whose `error_code` is `COULD_NOT_ACQUIRE_LOCK` (docs/databricks-answers.md,
/// "Timeouts and retries"). Connection failures, which it also retries, are not
/// answers: the check does not retry them (`run::RETRY_WAITS_MS`).
pub fn retried_as_airflow_does(outcome: &RawOutcome) -> bool {
    match (outcome.transport, outcome.status) {
        (Transport::Ok, Some(status)) => {
            status == 429
                || (500..600).contains(&status)
                || (status == 400
                    && Answer::read(outcome, status).error_code() == Some("COULD_NOT_ACQUIRE_LOCK"))
        }
        _ => false,
    }
}

/// The cause behind an outcome. Total: every input has one, and none panics.
pub fn classify(outcome: &RawOutcome) -> Cause {
    let step = outcome.step;
    match outcome.transport {
        Transport::Ok => {}
        Transport::Blocked => return Cause::CorsBlocked { step, entra: false },
        Transport::Unreachable => return Cause::Unreachable { step },
        Transport::Timeout => return Cause::Timeout { step },
    }
    let Some(status) = outcome.status else {
        return Cause::Unexpected {
            step,
            kind: UnexpectedKind::NoStatus,
            status: None,
            excerpt: sanitised_excerpt(outcome.body.bytes()),
        };
    };
    let answer = Answer::read(outcome, status);
    classify_answer(&answer, outcome)
}

fn classify_answer(answer: &Answer<'_>, outcome: &RawOutcome) -> Cause {
    let step = answer.step;
    let status = answer.status;
    if let Some(workspace_id) = answer.private_link() {
        return Cause::PrivateLink { workspace_id };
    }
    let wording = answer.wording();
    if wording.contains("aadsts9002326") {
        return Cause::CorsBlocked { step, entra: true };
    }
    if answer.field("error") == Some("invalid_client") {
        return Cause::OauthInvalidClient;
    }
    let unexpected = |kind| Cause::Unexpected {
        step,
        kind,
        status: Some(status),
        excerpt: answer.excerpt(),
    };

    if (200..300).contains(&status) {
        if answer.html {
            let at_login = answer
                .final_url
                .as_ref()
                .is_some_and(Answer::is_login_redirect_target);
            if answer.on_account_host() || at_login {
                return Cause::AccountConsole { sign_in_page: true };
            }
            let title = html_title(&answer.head_text)
                .unwrap_or_default()
                .to_ascii_lowercase();
            let login_path = answer
                .final_url
                .as_ref()
                .is_some_and(|u| u.path().starts_with("/login"));
            return if title.contains("sign in") || title.contains("log in") || login_path {
                unexpected(UnexpectedKind::SignInPage)
            } else {
                unexpected(UnexpectedKind::Html)
            };
        }
        if outcome.body.is_empty() {
            return unexpected(UnexpectedKind::EmptyBody);
        }
        return match read_success(outcome) {
            Some(details) => Cause::Passed(details),
            None if answer.json.is_some() => unexpected(UnexpectedKind::MissingAccessToken),
            None => unexpected(UnexpectedKind::NotJson),
        };
    }

    let code = answer.error_code().unwrap_or("");
    if status == 429 || matches!(code, "REQUEST_LIMIT_EXCEEDED" | "RESOURCE_EXHAUSTED") {
        return Cause::RateLimited {
            status,
            retry_after_seconds: retry_after(answer.headers),
        };
    }
    if (500..600).contains(&status) {
        return Cause::Unavailable {
            status,
            auth_outage: code == "TEMPORARILY_UNAVAILABLE",
        };
    }
    if wording.contains("ip acl") || wording.contains("ip access list") {
        let original = answer.server_message().unwrap_or_else(|| answer.excerpt());
        return Cause::IpBlocked {
            source_ip: word_after(&original, "source ip address:"),
            workspace_id: word_after(&original, "for workspace:")
                .filter(|w| w.chars().all(|c| c.is_ascii_digit())),
        };
    }
    if wording.contains("invalid access to org") {
        return Cause::WrongWorkspace {
            other_org: word_after(&wording, "invalid access to org:")
                .filter(|w| w.chars().all(|c| c.is_ascii_digit())),
        };
    }
    if wording.contains("invalid access token") {
        return Cause::InvalidToken {
            step,
            status,
            html_form: answer.html,
        };
    }
    if wording.contains("credential was not sent or was of an unsupported type")
        || (matches!(status, 401 | 403) && answer.on_account_host())
    {
        return Cause::AccountConsole {
            sign_in_page: false,
        };
    }
    if (300..400).contains(&status) {
        let to_login = answer
            .location()
            .is_some_and(|l| Answer::is_login_redirect_target(&l));
        return if to_login || answer.on_account_host() {
            Cause::AccountConsole { sign_in_page: true }
        } else {
            unexpected(UnexpectedKind::Redirect)
        };
    }
    match status {
        401 if step == Step::OauthToken => Cause::OauthInvalidClient,
        401 => Cause::InvalidToken {
            step,
            status,
            html_form: answer.html,
        },
        403 if code == "PERMISSION_DENIED"
            || wording.contains("scope")
            || wording.contains("permission")
            || wording.contains("not authorized") =>
        {
            Cause::MissingPermission {
                step,
                server_message: answer.server_message(),
            }
        }
        403 if matches!(code, "UNAUTHENTICATED" | "INVALID_TOKEN") => Cause::InvalidToken {
            step,
            status,
            html_form: false,
        },
        404 => Cause::NotFound { step },
        _ => unexpected(UnexpectedKind::Status),
    }
}
