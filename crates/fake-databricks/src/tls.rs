//! The fake's certificates: a certificate authority made at start, which clients trust,
//! and a leaf certificate for each name a client asks for (TLS SNI), made at the
//! handshake and kept for the next one. Real workspace names have one or two labels
//! below their zone (`dbc-….cloud.databricks.com`, `adb-<id>.<n>.azuredatabricks.net`,
//! `<id>.<n>.gcp.databricks.com`): a wildcard certificate cannot cover both shapes, a
//! leaf per name covers every one, and any name a test makes up.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::{CertifiedKey, SigningKey};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};

/// Leaf certificates kept at most; the oldest is dropped first (a test suite uses tens).
const MAX_CACHED_LEAVES: usize = 512;
/// The leaf for a client that sends no name (one that connects to `127.0.0.1`).
const NAMELESS: [&str; 2] = ["localhost", "127.0.0.1"];

/// The authority that signs every leaf. Its certificate is what clients trust.
pub(crate) struct Authority {
    certificate: rcgen::Certificate,
    key: KeyPair,
}

impl Authority {
    pub(crate) fn new() -> Result<Authority, rcgen::Error> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, "fake-databricks test authority");
        params.distinguished_name = name;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let certificate = params.self_signed(&key)?;
        Ok(Authority { certificate, key })
    }

    pub(crate) fn certificate_der(&self) -> &CertificateDer<'static> {
        self.certificate.der()
    }

    pub(crate) fn certificate_pem(&self) -> String {
        self.certificate.pem()
    }

    /// A server certificate for `names`, signed by this authority, for `leaf_key`.
    fn sign_leaf(
        &self,
        names: Vec<String>,
        leaf_key: &KeyPair,
    ) -> Result<CertificateDer<'static>, rcgen::Error> {
        let mut subject = DistinguishedName::new();
        if let Some(first) = names.first() {
            subject.push(DnType::CommonName, first.as_str());
        }
        let mut params = CertificateParams::new(names)?;
        params.distinguished_name = subject;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        // Python 3.13+ verifies strictly (VERIFY_X509_STRICT) and wants this extension.
        params.use_authority_key_identifier_extension = true;
        let leaf = params.signed_by(leaf_key, &self.certificate, &self.key)?;
        Ok(leaf.der().clone())
    }
}

/// Answers each handshake with a leaf for the name the client asked for, made on first
/// use. Every leaf shares one key: only the certificates differ.
pub(crate) struct LeafPerName {
    authority: Arc<Authority>,
    leaf_key: KeyPair,
    signing_key: Arc<dyn SigningKey>,
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    leaves: HashMap<String, Arc<CertifiedKey>>,
    order: VecDeque<String>,
}

impl LeafPerName {
    pub(crate) fn new(
        authority: Arc<Authority>,
        provider: &CryptoProvider,
    ) -> Result<LeafPerName, String> {
        let leaf_key = KeyPair::generate().map_err(|e| e.to_string())?;
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let signing_key = provider
            .key_provider
            .load_private_key(der)
            .map_err(|e| e.to_string())?;
        Ok(LeafPerName {
            authority,
            leaf_key,
            signing_key,
            cache: Mutex::new(Cache::default()),
        })
    }

    fn leaf_for(&self, name: Option<&str>) -> Option<Arc<CertifiedKey>> {
        let key = name.unwrap_or("").to_ascii_lowercase();
        let mut cache = self.cache.lock().ok()?;
        if let Some(found) = cache.leaves.get(&key) {
            return Some(found.clone());
        }
        let names = match name {
            Some(_) => vec![key.clone()],
            None => NAMELESS.iter().map(|n| n.to_string()).collect(),
        };
        let der = self.authority.sign_leaf(names, &self.leaf_key).ok()?;
        let certified = Arc::new(CertifiedKey::new(vec![der], self.signing_key.clone()));
        if cache.order.len() >= MAX_CACHED_LEAVES {
            if let Some(oldest) = cache.order.pop_front() {
                cache.leaves.remove(&oldest);
            }
        }
        cache.order.push_back(key.clone());
        cache.leaves.insert(key, certified.clone());
        Some(certified)
    }

    #[cfg(test)]
    fn cached(&self) -> usize {
        self.cache.lock().map(|c| c.leaves.len()).unwrap_or(0)
    }
}

impl ResolvesServerCert for LeafPerName {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.leaf_for(client_hello.server_name())
    }
}

impl fmt::Debug for LeafPerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeafPerName").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves() -> LeafPerName {
        let provider = rustls::crypto::ring::default_provider();
        LeafPerName::new(Arc::new(Authority::new().unwrap()), &provider).unwrap()
    }

    #[test]
    fn one_leaf_per_name_made_once_and_the_cache_is_bounded() {
        let leaves = leaves();
        let a = leaves.leaf_for(Some("ok-1.cloud.databricks.com")).unwrap();
        let again = leaves.leaf_for(Some("OK-1.cloud.databricks.com")).unwrap();
        assert!(Arc::ptr_eq(&a, &again));
        let nameless = leaves.leaf_for(None).unwrap();
        assert_ne!(a.cert[0], nameless.cert[0]);
        for n in 0..MAX_CACHED_LEAVES + 10 {
            leaves.leaf_for(Some(&format!("ok-{n}.2.azuredatabricks.net")));
        }
        assert_eq!(leaves.cached(), MAX_CACHED_LEAVES);
    }
}
