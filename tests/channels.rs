//! The channels beyond Slack: a Microsoft Teams incoming webhook (a local
//! sink checks the Adaptive Card and its escaping) and e-mail delivered to
//! a real SMTP server (aiosmtpd, installed by scripts/test.sh) that wants
//! STARTTLS and a password, with hostile text in every field.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestServer;
use common::sink::{Sink, deliveries, start_sink, wait_for};
use serde_json::{Value, json};
use warroom::server::notify::NotifyConfig;

fn config(targets: Value) -> NotifyConfig {
    let c: NotifyConfig = serde_json::from_value(json!({
        "targets": targets, "retry_base_ms": 50, "max_attempts": 2,
    }))
    .unwrap();
    c.check().unwrap();
    c
}

#[tokio::test(flavor = "multi_thread")]
async fn a_teams_target_gets_an_adaptive_card_with_every_field_escaped() {
    let sink = Sink::default();
    let url = start_sink(sink.clone()).await;
    let t = TestServer::start_notifying(config(json!([{
        "name": "teams", "kind": "teams", "url": url,
        "events": ["stakeholder_update"], "audiences": ["public"]
    }])))
    .await;
    let id = t
        .declare(
            "Checkout <!channel> {{DATE(2017-02-14T06:08:39Z, SHORT)}}",
            "SEV1",
        )
        .await;
    let text = common::hostile::all();
    let (s, b) = t
        .post(
            &format!("/incidents/{id}/updates"),
            &t.commander,
            json!({"text": text, "audience": "public"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    wait_for("the card", || !sink.got.lock().unwrap().is_empty()).await;
    let (headers, body) = sink.got.lock().unwrap()[0].clone();
    assert_eq!(headers["content-type"], "application/json");
    let card: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(card["type"], "message");
    let att = &card["attachments"][0];
    assert_eq!(
        att["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    let blocks = att["content"]["body"].as_array().unwrap();
    assert_eq!(blocks.len(), 3);
    let all: Vec<&str> = blocks.iter().map(|b| b["text"].as_str().unwrap()).collect();
    for t in &all {
        assert!(!t.contains("{{"), "a card function would run: {t}");
        assert!(
            !t.contains("@here") && !t.contains('\n') && !t.contains('\u{1b}'),
            "{t}"
        );
        assert!(!t.contains("[link]("), "a Markdown link survived: {t}");
    }
    assert!(all[1].contains(r"\[link\]"), "{}", all[1]);
    assert!(all[0].contains(&id), "{}", all[0]);
}

/// A real SMTP server on a free port, until dropped.
struct Smtp {
    child: Child,
    out: tempfile::TempDir,
    port: u16,
    ca: std::path::PathBuf,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python() -> &'static str {
    // Debian's python3 has Debian's python3-aiosmtpd; a python3 earlier on
    // PATH (pyenv) may not.
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

fn start_smtp(user: &str, password: &str) -> Smtp {
    let out = tempfile::tempdir().unwrap();
    let p = common::pki::pki(&["localhost", "127.0.0.1"]);
    let (cert, key, ca) = (
        out.path().join("cert.pem"),
        out.path().join("key.pem"),
        out.path().join("ca.pem"),
    );
    std::fs::write(&cert, p.leaf.pem()).unwrap();
    std::fs::write(&key, p.leaf_key.serialize_pem()).unwrap();
    std::fs::write(&ca, p.ca.pem()).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mail = out.path().join("mail");
    std::fs::create_dir(&mail).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py");
    let mut child = Command::new(python())
        .arg(script)
        .args([
            &port.to_string(),
            cert.to_str().unwrap(),
            key.to_str().unwrap(),
            user,
            password,
            mail.to_str().unwrap(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 with aiosmtpd (scripts/test.sh installs python3-aiosmtpd)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line.trim(),
        "ready",
        "the SMTP server did not start (is python3-aiosmtpd installed?)"
    );
    Smtp {
        child,
        out,
        port,
        ca,
    }
}

fn credentials(dir: &Path, text: &str, mode: u32) -> std::path::PathBuf {
    let p = dir.join(format!("smtp-{mode:o}.cred"));
    std::fs::write(&p, text).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    p
}

fn email_target(smtp: &Smtp, cred: &Path) -> Value {
    json!({
        "name": "customers", "kind": "email",
        "url": format!("smtp://127.0.0.1:{}", smtp.port),
        "from": "Status <status@example.com>",
        "to": ["ops@example.com", "Customers <list@example.com>"],
        "credentials_file": cred, "ca_file": smtp.ca,
        "events": ["stakeholder_update"], "audiences": ["public"]
    })
}

fn received(smtp: &Smtp) -> Vec<(String, String)> {
    let mail = smtp.out.path().join("mail");
    let mut names: Vec<_> = std::fs::read_dir(&mail)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| {
            (
                std::fs::read_to_string(p).unwrap(),
                std::fs::read_to_string(p.with_extension("rcpt")).unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn e_mail_reaches_a_real_smtp_server_over_starttls_with_every_field_escaped() {
    let smtp = start_smtp("warroom", "pa55-w0rd-SECRET");
    let cred = credentials(smtp.out.path(), "warroom\npa55-w0rd-SECRET\n", 0o600);
    let t = TestServer::start_notifying(config(json!([email_target(&smtp, &cred)]))).await;
    let id = t
        .declare("Checkout down\r\nBcc: everyone@example.com", "SEV1")
        .await;
    let text = common::hostile::all();
    let (s, b) = t
        .post(
            &format!("/incidents/{id}/updates"),
            &t.commander,
            json!({"text": text, "audience": "public"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    // An internal update is not for this target.
    t.post(
        &format!("/incidents/{id}/updates"),
        &t.commander,
        json!({"text": "INTERNAL ONLY", "audience": "internal"}),
    )
    .await;
    let start = Instant::now();
    while received(&smtp).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no mail: {:?}",
            deliveries(&t, &id).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mail = received(&smtp);
    assert_eq!(mail.len(), 1, "the internal update went nowhere");
    let (message, rcpt) = &mail[0];
    assert_eq!(rcpt, "ops@example.com\nlist@example.com");
    let (head, body) = message.split_once("\r\n\r\n").unwrap();
    let headers: Vec<&str> = head.split("\r\n").collect();
    assert!(
        !headers
            .iter()
            .any(|h| h.to_ascii_lowercase().starts_with("bcc:")),
        "{head}"
    );
    let subject = headers.iter().find(|h| h.starts_with("Subject:")).unwrap();
    assert!(subject.contains(&id), "{subject}");
    assert!(
        message.contains("From: Status <status@example.com>"),
        "{head}"
    );
    let html = quoted_printable(
        body.split("Content-Type: text/html")
            .nth(1)
            .expect("an HTML part"),
    );
    assert!(
        !html.contains("<script>") && !html.contains("<img"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;document.title"), "{html}");
    let plain = quoted_printable(body.split("Content-Type: text/plain").nth(1).unwrap());
    assert!(
        plain.contains("<script>document.title"),
        "plain text is as written: {plain}"
    );
    assert!(!message.contains('\u{1b}') && !plain.contains('\u{1b}'));
    // The mail server has the message before the sender hears its final
    // answer and records the delivery: wait for the record.
    let mut d = deliveries(&t, &id).await;
    let start = std::time::Instant::now();
    while d[0]["status"] == "pending" && start.elapsed() < std::time::Duration::from_secs(20) {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        d = deliveries(&t, &id).await;
    }
    assert_eq!(d[0]["status"], "delivered", "{d:?}");
    assert_eq!(d.len(), 1, "{d:?}");
}

/// A MIME part's body, quoted-printable decoded (enough for UTF-8 text).
fn quoted_printable(part: &str) -> String {
    let body = part.split_once("\r\n\r\n").map_or(part, |(_, b)| b);
    let body = body.split("\r\n--").next().unwrap().replace("=\r\n", "");
    let mut out = Vec::new();
    let b = body.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() && u8::from_str_radix(&body[i + 1..i + 3], 16).is_ok() {
            out.push(u8::from_str_radix(&body[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_fails_the_delivery_without_saying_the_password() {
    let smtp = start_smtp("warroom", "the-right-one");
    let cred = credentials(smtp.out.path(), "warroom\nWRONG-PASSWORD-42\n", 0o600);
    let t = TestServer::start_notifying(config(json!([email_target(&smtp, &cred)]))).await;
    let id = t.declare("Checkout down", "SEV1").await;
    t.post(
        &format!("/incidents/{id}/updates"),
        &t.commander,
        json!({"text": "hello", "audience": "public"}),
    )
    .await;
    let mut last = Vec::new();
    wait_for("the delivery to be given up", || {
        last = common::off_runtime(|| t.server.store.deliveries(id.parse().unwrap())).unwrap();
        last.first().is_some_and(|d| d.status == "failed")
    })
    .await;
    let err = last[0].last_error.clone().unwrap_or_default();
    assert!(err.contains("535") || err.contains("mail server"), "{err}");
    assert!(
        !err.contains("WRONG-PASSWORD") && !err.contains("127.0.0.1"),
        "{err}"
    );
    assert!(received(&smtp).is_empty());
}

#[test]
fn an_e_mail_target_that_would_leak_or_cannot_send_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let open = credentials(dir.path(), "warroom\nSECRET-PW\n", 0o644);
    let refuse = |t: Value| {
        let c: NotifyConfig = serde_json::from_value(json!({"targets": [t]})).unwrap();
        c.check().and_then(|()| c.check_files()).unwrap_err()
    };
    let base = json!({"name": "mail", "kind": "email", "url": "smtp://mail.example.com",
        "from": "status@example.com", "to": ["ops@example.com"], "events": ["declared"]});
    let with = |k: &str, v: Value| {
        let mut t = base.clone();
        t[k] = v;
        t
    };
    let e = refuse(with("credentials_file", json!(open)));
    assert!(e.contains("chmod 600") && !e.contains("SECRET-PW"), "{e}");
    let e = refuse(with("url", json!("smtp+plain://mail.example.com:25")));
    assert!(e.contains("only for a relay on this machine"), "{e}");
    let e = refuse(with("url", json!("smtp://user:PASSWORD@mail.example.com")));
    assert!(
        e.contains("credentials_file") && !e.contains("PASSWORD"),
        "{e}"
    );
    let e = refuse(with("to", json!(["not an address"])));
    assert!(e.contains("not an e-mail address"), "{e}");
    let e = refuse(with("kind", json!("slack")));
    assert!(e.contains("http(s)"), "{e}");
}
