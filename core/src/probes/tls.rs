//! Trust roots and TLS failures.
//!
//! One rustls configuration serves both the timed handshake of the staged
//! connection and the shared HTTP client, so the two can never disagree
//! about which certificates are good.

use std::io;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{CertificateError, ClientConfig, RootCertStore};

use super::config::{ProbeConfigError, TrustRoots};
use crate::model::probe_report::FailureKind;

/// The rustls configuration for `trust`: ring as the crypto provider, the
/// safe default protocol versions, HTTP/1.1 only (the probes need nothing
/// more, and it keeps HTTP/2 out of the library).
pub(crate) fn client_config(trust: &TrustRoots) -> Result<ClientConfig, ProbeConfigError> {
    let mut roots = RootCertStore::empty();
    if trust.web_pki {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    for (index, pem) in trust.extra_pem.iter().enumerate() {
        let mut found = 0;
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let cert = cert.map_err(|e| ProbeConfigError::BadTrustRoots {
                reason: format!("extra root {}: not PEM: {e}", index + 1),
            })?;
            roots
                .add(cert)
                .map_err(|e| ProbeConfigError::BadTrustRoots {
                    reason: format!("extra root {}: not a usable CA certificate: {e}", index + 1),
                })?;
            found += 1;
        }
        if found == 0 {
            return Err(ProbeConfigError::BadTrustRoots {
                reason: format!("extra root {}: no CERTIFICATE block", index + 1),
            });
        }
    }
    if roots.is_empty() {
        return Err(ProbeConfigError::BadTrustRoots {
            reason: "no root at all: turn on the web PKI roots or give extra roots".into(),
        });
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ProbeConfigError::Client {
            reason: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The HTTP client every exchange of the core is built from (the probes,
/// the Accept retry helper, the uploads): TLS as `tls`, redirects never
/// followed (each caller treats a 3xx as its finding or as a refusal: a
/// redirect would send the request somewhere the app did not name), no
/// proxy from the environment (a desktop shell's proxy variables would
/// hide the device's own path), Push Doctor's user agent. `more` adds what
/// one caller needs on top.
pub(crate) fn http_client(
    tls: ClientConfig,
    more: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder,
) -> Result<reqwest::Client, ProbeConfigError> {
    let builder = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("pushdoctor/", env!("CARGO_PKG_VERSION")));
    more(builder).build().map_err(|e| ProbeConfigError::Client {
        reason: e.to_string(),
    })
}

/// What kind of TLS failure an I/O error from a handshake is.
pub(crate) fn classify_handshake_error(error: &io::Error) -> FailureKind {
    let Some(tls) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        return FailureKind::of_io(error.kind());
    };
    classify_tls(tls)
}

pub(crate) fn classify_tls(error: &rustls::Error) -> FailureKind {
    match error {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                FailureKind::CertificateNameMismatch
            }
            CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                FailureKind::CertificateUntrusted
            }
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => FailureKind::CertificateExpired,
            _ => FailureKind::TlsHandshake,
        },
        _ => FailureKind::TlsHandshake,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_errors_are_named_by_what_is_wrong() {
        use CertificateError as C;
        let cert = |e| classify_tls(&rustls::Error::InvalidCertificate(e));
        assert_eq!(
            cert(C::NotValidForName),
            FailureKind::CertificateNameMismatch
        );
        assert_eq!(cert(C::UnknownIssuer), FailureKind::CertificateUntrusted);
        assert_eq!(cert(C::BadSignature), FailureKind::CertificateUntrusted);
        assert_eq!(cert(C::Expired), FailureKind::CertificateExpired);
        assert_eq!(cert(C::NotValidYet), FailureKind::CertificateExpired);
        assert_eq!(cert(C::Revoked), FailureKind::TlsHandshake);
        assert_eq!(
            classify_tls(&rustls::Error::HandshakeNotComplete),
            FailureKind::TlsHandshake
        );
        // Inside an I/O error, as the TLS stream hands it over; a plain
        // socket error is classified as one.
        let wrapped = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(C::UnknownIssuer),
        );
        assert_eq!(
            classify_handshake_error(&wrapped),
            FailureKind::CertificateUntrusted
        );
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert_eq!(classify_handshake_error(&reset), FailureKind::Reset);
    }
}
