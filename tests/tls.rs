//! TLS: a server whose certificate is signed by a private CA is refused
//! until that CA is given with `--ca-cert`; there is no way to skip the check.

mod common;

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use warroom::client;

struct Pki {
    ca_pem: String,
    server: rustls::ServerConfig,
}

fn pki() -> Pki {
    let p = common::pki::pki(&["localhost", "127.0.0.1"]);
    warroom::tls::install();
    let server = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![p.leaf.der().clone(), p.ca.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(p.leaf_key.serialize_der().into()),
        )
        .unwrap();
    Pki {
        ca_pem: p.ca.pem(),
        server,
    }
}

/// Answers every request over TLS with warroom's `whoami`.
async fn tls_server(cfg: rustls::ServerConfig) -> String {
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = l.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let body = r#"{"handle":"tls-user","role":"viewer"}"#;
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(resp.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    format!("https://localhost:{port}")
}

#[tokio::test]
async fn a_private_ca_is_trusted_only_when_given_with_ca_cert() {
    let pki = pki();
    let url = tls_server(pki.server).await;

    // Without the CA: refused, and the message says it is the certificate.
    let (reader, _) = client::connect(&url, None, None).unwrap();
    let e = reader.whoami().await.unwrap_err();
    let msg = e.to_string().to_lowercase();
    assert!(
        msg.contains("certificate") || msg.contains("issuer"),
        "{msg}"
    );

    // With --ca-cert: trusted.
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let (reader, _) = client::connect(&url, None, Some(&ca)).unwrap();
    let (who, role) = reader.whoami().await.unwrap();
    assert_eq!(
        (who.as_str(), role),
        ("tls-user", warroom::model::ActorRole::Viewer)
    );

    // A file that is not a certificate is refused up front, by name.
    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "not a certificate").unwrap();
    let Err(e) = client::connect(&url, None, Some(&bad)) else {
        panic!("accepted a bad CA file")
    };
    assert!(e.contains("bad.pem"), "{e}");
}
