//! Which certificate authorities the client trusts: the system's store, built-in roots, and a profile's CA file.
//!
//! reqwest's rustls backend verifies with the platform verifier, which on Linux reads the
//! system store (`SSL_CERT_FILE` and `SSL_CERT_DIR` when set). Self-hosted platforms often
//! sit behind an internal CA or a TLS-inspecting proxy, so a profile may add a PEM file;
//! the Mozilla roots are merged in too, so a machine with an empty store still connects.

use std::path::Path;

use reqwest::Certificate;

/// The built-in roots (Mozilla's, from `webpki-root-certs`).
pub fn builtin_roots() -> Vec<Certificate> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .filter_map(|der| Certificate::from_der(der.as_ref()).ok())
        .collect()
}

/// Reads a PEM file of one or more CA certificates. The error says what is wrong with the
/// file (missing, unreadable, not PEM, no certificate in it); the caller adds whose it is.
pub fn load_ca_file(path: &Path) -> Result<Vec<Certificate>, String> {
    let pem = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let not_pem = || {
        format!(
            "{} is not a PEM file of certificates (-----BEGIN CERTIFICATE-----)",
            path.display()
        )
    };
    if !pem
        .windows(b"-----BEGIN CERTIFICATE-----".len())
        .any(|w| w == b"-----BEGIN CERTIFICATE-----")
    {
        return Err(not_pem());
    }
    let certs = Certificate::from_pem_bundle(&pem).map_err(|e| format!("{}: {e}", not_pem()))?;
    if certs.is_empty() {
        return Err(not_pem());
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_roots_are_there() {
        assert!(builtin_roots().len() > 50);
    }

    #[test]
    fn a_missing_or_non_pem_file_is_refused_by_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("nope.pem");
        let err = load_ca_file(&missing).unwrap_err();
        assert!(
            err.contains("cannot read") && err.contains("nope.pem"),
            "{err}"
        );
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate\n").expect("write");
        let err = load_ca_file(&junk).unwrap_err();
        assert!(
            err.contains("not a PEM file") && err.contains("junk.pem"),
            "{err}"
        );
        let broken = dir.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        )
        .expect("write");
        let err = load_ca_file(&broken).unwrap_err();
        assert!(err.contains("broken.pem"), "{err}");
    }
}
