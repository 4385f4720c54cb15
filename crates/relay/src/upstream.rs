//! The relay's side toward the workspace: name resolution with its guard, TLS, a pooled
//! HTTP/1.1 client, and one relayed request with its same-host redirects.

use crate::policy::{
    is_redirect, method_after_redirect, same_host_redirect, RelayRefusal, RelayTarget,
    MAX_REDIRECTS, RETURNED_RESPONSE_HEADERS,
};
use crate::{Limits, ResolveRule};
use bytes::Bytes;
use dbx_check_core::check::HttpMethod;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderValue, CONTENT_TYPE, LOCATION};
use hyper::{Method, Request};
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rustls::pki_types::CertificateDer;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Instant;

type HttpsClient =
    Client<hyper_rustls::HttpsConnector<HttpConnector<GuardedResolver>>, Full<Bytes>>;

/// A connection kept open this long between checks: a check's three or four requests
/// then share one TLS handshake.
const POOL_IDLE: Duration = Duration::from_secs(30);
const POOL_MAX_IDLE_PER_HOST: usize = 8;

/// Resolves workspace names, dropping addresses where no workspace can be: this machine,
/// link-local (169.254.169.254 is the cloud metadata service), unspecified, multicast.
/// Private ranges stay allowed: a private-link workspace resolves to one (docs/workspace-hosts.md).
/// Test rules (`--resolve`) answer first and may only name loopback addresses.
#[derive(Clone)]
pub(crate) struct GuardedResolver {
    rules: Arc<Vec<ResolveRule>>,
}

/// Every address of the name was one the relay never connects to.
#[derive(Debug)]
pub(crate) struct OnlyLocalAddresses;

impl std::fmt::Display for OnlyLocalAddresses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the name resolves only to local or link-local addresses")
    }
}

impl std::error::Error for OnlyLocalAddresses {}

fn never_connect_to(ip: IpAddr) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.octets()[0] == 0
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // fe80::/10, link-local.
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

impl tower_service::Service<Name> for GuardedResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<Self::Response>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let host = name.as_str().to_ascii_lowercase();
        if let Some(rule) = self.rules.iter().find(|r| r.matches(&host)) {
            let addr = rule.addr;
            return Box::pin(async move { Ok(vec![addr].into_iter()) });
        }
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 443))
                .await?
                .filter(|a| !never_connect_to(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(io::Error::other(OnlyLocalAddresses));
            }
            Ok(addrs.into_iter())
        })
    }
}

pub(crate) struct Upstream {
    client: HttpsClient,
    limits: Limits,
}

/// What came back from the workspace, ready to put on the relay's answer.
pub(crate) enum Relayed {
    Answer {
        status: u16,
        headers: Vec<(&'static str, HeaderValue)>,
        body: Bytes,
        final_url: String,
    },
    /// A redirect the relay did not follow; carried to the page as data.
    RedirectRefused {
        refusal: RelayRefusal,
        status: u16,
        location: Option<HeaderValue>,
        final_url: String,
    },
}

impl Upstream {
    pub(crate) fn new(
        extra_roots: &[CertificateDer<'static>],
        rules: Vec<ResolveRule>,
        limits: Limits,
    ) -> Result<Upstream, String> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for cert in extra_roots {
            roots
                .add(cert.clone())
                .map_err(|e| format!("the extra root certificate is not usable: {e}"))?;
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();

        let mut http = HttpConnector::new_with_resolver(GuardedResolver {
            rules: Arc::new(rules),
        });
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(limits.connect_timeout));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_only()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE)
            .pool_max_idle_per_host(POOL_MAX_IDLE_PER_HOST)
            .build(https);
        Ok(Upstream { client, limits })
    }

    /// Makes the planned request on the workspace, following same-host redirects, all
    /// by the request's deadline. `headers` are already reduced to the forwarded ones.
    pub(crate) async fn relay(
        &self,
        target: &RelayTarget,
        headers: Vec<(&'static str, HeaderValue)>,
        body: Bytes,
        deadline: Instant,
    ) -> Result<Relayed, RelayRefusal> {
        let given = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout_at(deadline, self.follow(target, headers, body)).await {
            Ok(result) => result,
            Err(_) => Err(RelayRefusal::UpstreamTimeout {
                hostname: target.hostname.clone(),
                seconds: crate::whole_seconds(given),
            }),
        }
    }

    async fn follow(
        &self,
        target: &RelayTarget,
        mut headers: Vec<(&'static str, HeaderValue)>,
        mut body: Bytes,
    ) -> Result<Relayed, RelayRefusal> {
        let mut url = target.upstream_url();
        let mut method = target.step.http_method();
        for hop in 0..=MAX_REDIRECTS {
            let mut request = Request::builder()
                .method(match method {
                    HttpMethod::Get => Method::GET,
                    HttpMethod::Post => Method::POST,
                })
                .uri(url.as_str());
            for (name, value) in &headers {
                request = request.header(*name, value.clone());
            }
            let request = request
                .body(Full::new(body.clone()))
                .map_err(|_| unreachable(target))?;
            let response = self.client.request(request).await.map_err(|e| {
                if caused_by_local_only(&e) {
                    RelayRefusal::ResolvesToLocalAddress {
                        hostname: target.hostname.clone(),
                    }
                } else {
                    unreachable(target)
                }
            })?;
            let status = response.status().as_u16();
            let location = response.headers().get(LOCATION).cloned();
            if let (true, Some(location)) = (is_redirect(status), location) {
                let next = location
                    .to_str()
                    .map_err(|_| RelayRefusal::RedirectToOtherHost { target_host: None })
                    .and_then(|l| same_host_redirect(&url, l));
                match next {
                    Ok(_) if hop == MAX_REDIRECTS => return Err(RelayRefusal::TooManyRedirects),
                    Ok(next) => {
                        let after = method_after_redirect(status, method);
                        if after != method {
                            body = Bytes::new();
                            headers.retain(|(name, _)| *name != CONTENT_TYPE.as_str());
                        }
                        method = after;
                        url = next;
                        continue;
                    }
                    Err(refusal) => {
                        return Ok(Relayed::RedirectRefused {
                            refusal,
                            status,
                            location: Some(location),
                            final_url: url,
                        })
                    }
                }
            }
            let returned = RETURNED_RESPONSE_HEADERS
                .iter()
                .filter_map(|name| response.headers().get(*name).map(|v| (*name, v.clone())))
                .collect();
            let body = Limited::new(response.into_body(), self.limits.max_answer_bytes)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        RelayRefusal::AnswerTooLarge {
                            limit: self.limits.max_answer_bytes,
                        }
                    } else {
                        unreachable(target)
                    }
                })?
                .to_bytes();
            return Ok(Relayed::Answer {
                status,
                headers: returned,
                body,
                final_url: url,
            });
        }
        Err(RelayRefusal::TooManyRedirects)
    }
}

fn unreachable(target: &RelayTarget) -> RelayRefusal {
    RelayRefusal::UpstreamUnreachable {
        hostname: target.hostname.clone(),
    }
}

fn caused_by_local_only(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    // The chain is a handful of wrappers (client, connector, io); bounded anyway.
    for _ in 0..16 {
        let Some(e) = cause else {
            return false;
        };
        if e.is::<OnlyLocalAddresses>() {
            return true;
        }
        if let Some(io) = e.downcast_ref::<io::Error>() {
            if io
                .get_ref()
                .is_some_and(|inner| inner.is::<OnlyLocalAddresses>())
            {
                return true;
            }
        }
        cause = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_and_metadata_addresses_are_never_connected_to() {
        for ip in [
            "127.0.0.1",
            "127.8.9.10",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "ff02::1",
        ] {
            assert!(never_connect_to(ip.parse().unwrap()), "{ip}");
        }
        // Public addresses, and private ones a private-link workspace resolves to.
        for ip in [
            "52.1.2.3",
            "10.1.2.3",
            "172.16.0.9",
            "192.168.1.1",
            "fd00::1",
            "2600::1",
        ] {
            assert!(!never_connect_to(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn the_local_only_cause_is_found_through_wrappers() {
        let wrapped = io::Error::other(OnlyLocalAddresses);
        assert!(caused_by_local_only(&wrapped));
        assert!(!caused_by_local_only(&io::Error::other("refused")));
    }
}
