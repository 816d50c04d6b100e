//! E-mail targets: SMTP with STARTTLS (`smtp://host[:port]`, port 587 by
//! default), TLS from the first byte (`smtps://host[:port]`, 465), or —
//! for a relay on this machine only — no TLS (`smtp+plain://127.0.0.1:25`).
//! The user name and password come from a file of two lines that only its
//! owner may read, never from the config itself; neither is ever logged
//! or put in an error message. An extra root certificate (`ca_file`)
//! trusts a private mail server.

use std::path::Path;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{Payload, Target};

/// Recipients of one e-mail target, at most.
pub const MAX_RECIPIENTS: usize = 50;

pub type Mailer = AsyncSmtpTransport<Tokio1Executor>;

pub enum Security {
    StartTls,
    Tls,
    Plain,
}

/// Where an e-mail target sends, from its URL: how, to which host and
/// port. Refused with the reason (never the URL) when it is not a mail
/// URL, holds credentials, or would send without TLS off this machine.
pub fn endpoint(t: &Target) -> Result<(Security, String, u16), String> {
    let n = &t.name;
    let url = reqwest::Url::parse(&t.url)
        .map_err(|_| format!("target `{n}`: url is not an smtp:// or smtps:// URL"))?;
    let security = match url.scheme() {
        "smtp" => Security::StartTls,
        "smtps" => Security::Tls,
        "smtp+plain" => Security::Plain,
        _ => {
            return Err(format!(
                "target `{n}`: an e-mail target's url is smtp://host (STARTTLS), smtps://host (TLS) \
                 or smtp+plain://127.0.0.1 (a relay on this machine)"
            ));
        }
    };
    let host = url
        .host_str()
        .ok_or_else(|| format!("target `{n}`: the url has no host"))?
        .trim_matches(['[', ']'])
        .to_string();
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "target `{n}`: put the user name and password in credentials_file, not in the url"
        ));
    }
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if matches!(security, Security::Plain) && !loopback {
        return Err(format!(
            "target `{n}`: smtp+plain (no TLS) is only for a relay on this machine \
             (127.0.0.1, ::1 or localhost); use smtp:// (STARTTLS) or smtps://"
        ));
    }
    let port = url.port().unwrap_or(match security {
        Security::Tls => 465,
        Security::StartTls => 587,
        Security::Plain => 25,
    });
    Ok((security, host, port))
}

/// The transport of an e-mail target, its files read and checked: the
/// server calls it at start (`NotifyConfig::check_files`), so it never
/// starts with a target that could not send.
pub fn mailer(t: &Target, timeout: Duration) -> Result<Mailer, String> {
    let n = &t.name;
    let (security, host, port) = endpoint(t)?;
    let tls = || -> Result<TlsParameters, String> {
        let mut b = TlsParameters::builder(host.clone());
        if let Some(ca) = &t.ca_file {
            let pem = std::fs::read(ca)
                .map_err(|e| format!("target `{n}`: cannot read ca_file {}: {e}", ca.display()))?;
            let cert = Certificate::from_pem(&pem).map_err(|_| {
                format!(
                    "target `{n}`: ca_file {} is not a PEM certificate",
                    ca.display()
                )
            })?;
            b = b.add_root_certificate(cert);
        }
        b.build()
            .map_err(|e| format!("target `{n}`: TLS setup failed: {e}"))
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.clone())
        .port(port)
        .timeout(Some(timeout));
    builder = match security {
        Security::StartTls => builder.tls(Tls::Required(tls()?)),
        Security::Tls => builder.tls(Tls::Wrapper(tls()?)),
        Security::Plain => builder.tls(Tls::None),
    };
    if let Some(path) = &t.credentials_file {
        builder = builder.credentials(credentials(n, path)?);
    }
    Ok(builder.build())
}

/// `user` on the first line, the password on the second; refused when
/// anyone but its owner may read it (as ssh refuses a private key).
fn credentials(n: &str, path: &Path) -> Result<Credentials, String> {
    let shown = path.display();
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path)
            .map_err(|e| format!("target `{n}`: cannot read credentials_file {shown}: {e}"))?;
        if m.mode() & 0o077 != 0 {
            return Err(format!(
                "target `{n}`: credentials_file {shown} may be read by others (mode {:o}); \
                 chmod 600 it",
                m.mode() & 0o777
            ));
        }
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("target `{n}`: cannot read credentials_file {shown}: {e}"))?;
    let mut lines = text.lines();
    match (lines.next(), lines.next()) {
        (Some(user), Some(password)) if !user.trim().is_empty() && !password.is_empty() => Ok(
            Credentials::new(user.trim().to_string(), password.to_string()),
        ),
        _ => Err(format!(
            "target `{n}`: credentials_file {shown} must hold the user name on its first line \
             and the password on its second"
        )),
    }
}

/// The addresses of a target, checked.
pub fn addresses(t: &Target) -> Result<(Mailbox, Vec<Mailbox>), String> {
    let n = &t.name;
    let from = t
        .from
        .as_deref()
        .ok_or_else(|| format!("target `{n}`: an e-mail target needs from"))?
        .parse::<Mailbox>()
        .map_err(|_| format!("target `{n}`: from is not an e-mail address"))?;
    if t.to.is_empty() || t.to.len() > MAX_RECIPIENTS {
        return Err(format!(
            "target `{n}`: an e-mail target needs 1 to {MAX_RECIPIENTS} addresses in to"
        ));
    }
    let to =
        t.to.iter()
            .map(|a| {
                a.parse::<Mailbox>().map_err(|_| {
                    format!(
                        "target `{n}`: to: {:?} is not an e-mail address",
                        crate::text::one_line(a, 60)
                    )
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
    Ok((from, to))
}

/// Sends one delivery. The error names what failed, never the server's
/// address, the user or the password.
pub async fn send(mailer: &Mailer, t: &Target, p: &Payload) -> Result<(), String> {
    let (from, to) = addresses(t)?;
    let mail = crate::report::channels::email(p);
    let mut m = Message::builder().from(from).subject(mail.subject);
    for a in to {
        m = m.to(a);
    }
    let message = m
        .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
        .map_err(|_| "the message could not be built".to_string())?;
    match mailer.send(message).await {
        Ok(_) => Ok(()),
        Err(e) if e.is_timeout() => Err("the mail server did not answer in time".into()),
        Err(e) => Err(match e.status() {
            Some(code) => format!("the mail server answered {code}"),
            None if e.is_tls() => "TLS with the mail server failed".into(),
            None => "cannot talk to the mail server".into(),
        }),
    }
}
