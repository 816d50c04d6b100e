//! Where and how a server connects: the URL (its `sslrootcert`, which the
//! driver does not know, taken out), the timeouts, and TLS.

use std::str::FromStr;
use std::time::Duration;

use postgres::{Client, NoTls};

use crate::server::store::{Result, StoreError};

/// How connections are made: plain, or TLS (`sslmode=require`) verified
/// against the system's roots and the URL's `sslrootcert`, if any. There
/// is no way to skip verification.
#[derive(Clone)]
pub(super) enum Tls {
    Off,
    Verified(tokio_postgres_rustls::MakeRustlsConnect),
}

#[derive(Clone)]
pub(super) struct Target {
    config: postgres::Config,
    tls: Tls,
}

impl Target {
    pub(super) fn connect(&self) -> std::result::Result<Client, postgres::Error> {
        match &self.tls {
            Tls::Off => self.config.connect(NoTls),
            Tls::Verified(t) => self.config.connect(t.clone()),
        }
    }
}

/// The URL without `sslrootcert=PATH` (the driver does not know it), and
/// that path.
fn split_root_cert(url: &str) -> Result<(String, Option<String>)> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), None));
    };
    let mut root = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("sslrootcert", v)) => {
                let path = percent_decode(v).ok_or_else(|| {
                    StoreError::Open("sslrootcert in the PostgreSQL URL is not a valid path".into())
                })?;
                root = Some(path);
            }
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, root))
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// rustls with the system's roots plus `extra` (a PEM file of CAs).
fn tls_config(extra: Option<&str>) -> Result<rustls::ClientConfig> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(c);
    }
    if let Some(path) = extra {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .and_then(|it| it.collect())
            .map_err(|e| StoreError::Open(format!("cannot read sslrootcert {path}: {e}")))?;
        if certs.is_empty() {
            return Err(StoreError::Open(format!(
                "sslrootcert {path} holds no PEM certificate"
            )));
        }
        for c in certs {
            roots.add(c).map_err(|e| {
                StoreError::Open(format!(
                    "sslrootcert {path}: not a usable CA certificate: {e}"
                ))
            })?;
        }
    }
    let provider = crate::tls::provider();
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Open(format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

pub(super) fn target_of(url: &str) -> Result<Target> {
    let (url, root_cert) = split_root_cert(url)?;
    // The driver's parse error can quote the URL, password and all.
    let mut c = postgres::Config::from_str(&url).map_err(|_| {
        StoreError::Open(
            "the PostgreSQL URL is not valid (expected \
             postgres://user:password@host:port/database[?sslmode=require&sslrootcert=PATH])"
                .into(),
        )
    })?;
    // `prefer` (the driver's default) would try TLS against whatever
    // certificate a server has and fail where it cannot be verified: TLS is
    // asked for with `sslmode=require`, and then always verified.
    let tls = match c.get_ssl_mode() {
        postgres::config::SslMode::Require => Tls::Verified(
            tokio_postgres_rustls::MakeRustlsConnect::new(tls_config(root_cert.as_deref())?),
        ),
        _ if root_cert.is_some() => {
            return Err(StoreError::Open(
                "sslrootcert is given but TLS is not: add sslmode=require to the PostgreSQL URL"
                    .into(),
            ));
        }
        _ => {
            c.ssl_mode(postgres::config::SslMode::Disable);
            Tls::Off
        }
    };
    c.connect_timeout(Duration::from_secs(3))
        .tcp_user_timeout(Duration::from_secs(10))
        .keepalives_idle(Duration::from_secs(10))
        .application_name("warroom")
        // A statement or lock wait that runs this long is a stuck
        // database: the request is answered instead of hanging.
        .options("-c statement_timeout=15000 -c lock_timeout=10000 -c idle_in_transaction_session_timeout=60000");
    Ok(Target { config: c, tls })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslrootcert_is_taken_out_of_the_url_and_decoded() {
        let (url, root) =
            split_root_cert("postgres://u@h/db?sslmode=require&sslrootcert=%2Fetc%2Fca%20x.pem")
                .unwrap();
        assert_eq!(url, "postgres://u@h/db?sslmode=require");
        assert_eq!(root.as_deref(), Some("/etc/ca x.pem"));
        let (url, root) = split_root_cert("postgres://u@h/db?sslrootcert=/ca.pem").unwrap();
        assert_eq!(
            (url.as_str(), root.as_deref()),
            ("postgres://u@h/db", Some("/ca.pem"))
        );
        assert_eq!(split_root_cert("postgres://u@h/db").unwrap().1, None);
        assert!(split_root_cert("postgres://u@h/db?sslrootcert=%zz").is_err());
    }

    #[test]
    fn a_bad_url_is_refused_without_quoting_it() {
        let e = target_of("postgres://u:hunter2@h:notaport/db")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("not valid") && !e.contains("hunter2"), "{e}");
    }
}
