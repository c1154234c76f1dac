//! Mail: whom a relay's certificate may chain to: the web PKI roots bundled in the binary, the
//! system's store (where `update-ca-certificates` puts a firm's CA; `SSL_CERT_FILE` and
//! `SSL_CERT_DIR` name others) and the CAs of `--smtp-ca`. Verification is never skipped.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

/// The TLS settings: the bundled web PKI roots, the system's store and the CAs of `ca`.
pub(super) fn tls_config(ca: Option<&Path>) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let system = rustls_native_certs::load_native_certs();
    for e in &system.errors {
        eprintln!("warning: the system's certificate store: {e}");
    }
    roots.add_parsable_certificates(system.certs);
    if let Some(path) = ca {
        for cert in read_ca(path)? {
            roots.add(cert).map_err(|e| {
                format!(
                    "--smtp-ca {}: a certificate that cannot be a CA ({e})\n  help: give the CA's certificate (PEM), not the relay's key",
                    path.display()
                )
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS ({e})"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The certificates of a PEM file, at least one.
fn read_ca(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| {
        format!("--smtp-ca {shown}: cannot read it ({e})\n  help: give a PEM file of the relay's CA certificate(s)")
    })?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            format!("--smtp-ca {shown}: not a PEM file of certificates ({e})\n  help: give the CA's certificate as PEM (-----BEGIN CERTIFICATE-----)")
        })?;
    if certs.is_empty() {
        return Err(format!(
            "--smtp-ca {shown} holds no certificate\n  help: give the CA's certificate as PEM (-----BEGIN CERTIFICATE-----)"
        ));
    }
    Ok(certs)
}
