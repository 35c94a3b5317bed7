//! TLS trust, end to end through the real binary: a loopback HTTPS server whose
//! certificate a CA made in the test signs, trusted through `SSL_CERT_FILE` and through a
//! profile's `ca_file`, refused without them, and refused (naming why) when expired or
//! issued for another host.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const KEY: &str = "tls-test-key-5be1";

struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl TestCa {
    fn new() -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "memory-console test CA");
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("CA key");
        TestCa {
            issuer: CertifiedIssuer::self_signed(params, key).expect("CA cert"),
        }
    }

    fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A server certificate for `host`, valid now unless `expired`.
    fn leaf(&self, host: &str, expired: bool) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        let mut params = CertificateParams::new(vec![host.to_owned()]).expect("leaf params");
        if expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        let key = KeyPair::generate().expect("leaf key");
        let cert = params.signed_by(&key, &self.issuer).expect("leaf cert");
        (
            cert.der().clone(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
    }
}

/// Serves one fixed users page over HTTPS on 127.0.0.1 until the test ends.
async fn serve(cert: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> String {
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .expect("server config");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: nothing to do.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let body = r#"{"count": 1, "next_page": 1, "previous_page": 1, "results": [{"username": "tls.tess", "user_id": 7}]}"#;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(reply.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    format!("https://127.0.0.1:{}", addr.port())
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `memory-console [--config C] users --org main [--base-url URL]` with `env` added.
async fn run(dir: &Path, config: Option<&Path>, base: Option<&str>, env: &[(&str, &Path)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_memory-console"));
    if let Some(config) = config {
        cmd.arg("--config").arg(config);
    }
    cmd.args(["users", "--org", "main"]);
    if let Some(base) = base {
        cmd.args(["--base-url", base]);
    }
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("MEMORY_CONSOLE_DATA_DIR", dir.join("data"))
        .env("IBL_API_KEY", KEY)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("binary runs"))
        .await
        .expect("join");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn write(path: &Path, text: &str) {
    let mut f = std::fs::File::create(path).expect("create");
    f.write_all(text.as_bytes()).expect("write");
}

fn config_with_ca(dir: &Path, base: &str, ca_file: &Path) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    write(
        &path,
        &format!(
            "[profiles.internal]\nbase_url = \"{base}\"\nca_file = \"{}\"\n\n[[profiles.internal.orgs]]\nkey = \"main\"\n",
            ca_file.display()
        ),
    );
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn a_test_ca_is_trusted_through_ssl_cert_file_or_ca_file_and_refused_without() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new();
    let ca_pem = dir.path().join("test-ca.pem");
    write(&ca_pem, &ca.pem());
    let (cert, key) = ca.leaf("127.0.0.1", false);
    let base = serve(cert, key).await;

    let refused = run(dir.path(), None, Some(&base), &[]).await;
    assert_ne!(
        refused.code, 0,
        "an unknown CA must be refused: {}",
        refused.stdout
    );
    assert!(
        refused.stderr.to_lowercase().contains("certificate"),
        "the error says it is the certificate: {}",
        refused.stderr
    );

    let by_env = run(dir.path(), None, Some(&base), &[("SSL_CERT_FILE", &ca_pem)]).await;
    assert_eq!(by_env.code, 0, "{}", by_env.stderr);
    assert!(
        by_env.stdout.starts_with("tls.tess\t7"),
        "{}",
        by_env.stdout
    );

    let config = config_with_ca(dir.path(), &base, &ca_pem);
    let by_profile = run(dir.path(), Some(&config), None, &[]).await;
    assert_eq!(by_profile.code, 0, "{}", by_profile.stderr);
    assert!(
        by_profile.stdout.starts_with("tls.tess\t7"),
        "{}",
        by_profile.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_and_wrong_host_certificates_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new();
    let ca_pem = dir.path().join("test-ca.pem");
    write(&ca_pem, &ca.pem());

    let (cert, key) = ca.leaf("127.0.0.1", true);
    let expired = serve(cert, key).await;
    let config = config_with_ca(dir.path(), &expired, &ca_pem);
    let out = run(dir.path(), Some(&config), None, &[]).await;
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stderr.to_lowercase().contains("expired"),
        "{}",
        out.stderr
    );

    let (cert, key) = ca.leaf("other.example", false);
    let wrong_host = serve(cert, key).await;
    let config = config_with_ca(dir.path(), &wrong_host, &ca_pem);
    let out = run(dir.path(), Some(&config), None, &[]).await;
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stderr.to_lowercase().contains("not valid for"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_or_non_pem_ca_file_names_the_profile_and_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing-ca.pem");
    let config = config_with_ca(dir.path(), "https://127.0.0.1:9", &missing);
    let out = run(dir.path(), Some(&config), None, &[]).await;
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("\"internal\"") && out.stderr.contains("missing-ca.pem"),
        "{}",
        out.stderr
    );
    let junk = dir.path().join("junk-ca.pem");
    write(&junk, "this is not PEM\n");
    let config = config_with_ca(dir.path(), "https://127.0.0.1:9", &junk);
    let out = run(dir.path(), Some(&config), None, &[]).await;
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("\"internal\"")
            && out.stderr.contains("junk-ca.pem")
            && out.stderr.contains("not a PEM"),
        "{}",
        out.stderr
    );
}
