//! Regressions from the third attack and fault run: each test reproduces
//! one finding against a real server on loopback (and runs on PostgreSQL
//! too, through `WARROOM_TEST_ENGINE=postgres`).

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use common::TestServer;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use warroom::model::ActorRole;
use warroom::server::listener::Limits;
use warroom::server::notify::NotifyConfig;

const HOOK: &str = "/integrations/alertmanager";

/// A notification sink: records what it got, or never answers.
#[derive(Clone, Default)]
struct Sink {
    got: Arc<Mutex<Vec<Bytes>>>,
    hang: bool,
}

async fn start_sink(sink: Sink) -> String {
    let s = sink.clone();
    let app = Router::new().route(
        "/hook",
        post(move |body: Bytes| {
            let s = s.clone();
            async move {
                s.got.lock().unwrap().push(body);
                if s.hang {
                    tokio::time::sleep(Duration::from_secs(600)).await;
                }
                "ok"
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await });
    format!("http://{addr}/hook")
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "waited for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn integration_token(t: &TestServer) -> String {
    common::off_runtime(|| {
        t.server
            .store
            .create_token("alertmanager", ActorRole::Integration)
            .unwrap()
            .1
    })
}

fn group(key: &str, summary: Value, labels: Value) -> Value {
    json!({
        "version": "4",
        "groupKey": key,
        "status": "firing",
        "receiver": "warroom",
        "groupLabels": labels.clone(),
        "commonLabels": labels.clone(),
        "commonAnnotations": {"summary": summary},
        "externalURL": "http://alertmanager:9093",
        "alerts": [{
            "status": "firing", "labels": labels, "annotations": {"summary": summary},
            "startsAt": "2026-11-25T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus:9090/graph", "fingerprint": format!("fp-{key}")
        }]
    })
}

/// Finding 1: a title, service or update reaching a chat channel can
/// never mention a channel, disguise a link or start a second line.
#[tokio::test(flavor = "multi_thread")]
async fn chat_messages_are_escaped_for_slack_and_mattermost() {
    let slack = Sink::default();
    let mattermost = Sink::default();
    let (slack_url, mm_url) = (
        start_sink(slack.clone()).await,
        start_sink(mattermost.clone()).await,
    );
    let cfg: NotifyConfig = serde_json::from_value(json!({"targets": [
        {"name": "slack", "kind": "slack", "url": slack_url, "events": ["declared"]},
        {"name": "mm", "kind": "mattermost", "url": mm_url, "events": ["declared"]},
    ], "retry_base_ms": 50}))
    .unwrap();
    cfg.check().unwrap();
    let t = TestServer::start_notifying(cfg).await;
    let am = integration_token(&t);
    let hostile = "<!channel> <!here> <!subteam^S0> see <https://evil.example|runbook> \
                   [runbook](https://evil.example) @here\nsecond line";
    let (s, b) = t
        .post(
            HOOK,
            &am,
            group(
                "g1",
                json!(hostile),
                json!({"alertname": "X", "service": "<!channel>"}),
            ),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    wait_for("both chat messages", || {
        !slack.got.lock().unwrap().is_empty() && !mattermost.got.lock().unwrap().is_empty()
    })
    .await;
    for (name, sink) in [("slack", &slack), ("mattermost", &mattermost)] {
        let body = sink.got.lock().unwrap()[0].clone();
        let text = serde_json::from_slice::<Value>(&body).unwrap()["text"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(!text.contains('<') && !text.contains('>'), "{name}: {text}");
        assert!(
            !text.contains('\n') && !text.contains('\r'),
            "{name}: {text}"
        );
        assert!(
            !text.contains("@here"),
            "{name}: a mention survived: {text}"
        );
        assert!(text.contains("&lt;!channel&gt;"), "{name}: {text}");
    }
    let mm = String::from_utf8(mattermost.got.lock().unwrap()[0].to_vec()).unwrap();
    assert!(
        mm.contains(r"\\[runbook\\]\\(https"),
        "Markdown links inert: {mm}"
    );
}

/// Finding 2: a firing alert whose summary, service or alert name is
/// blank or invisible still opens an incident (never a 422 Alertmanager
/// would not retry), and the timeline says what was missing.
#[tokio::test]
async fn blank_alert_text_never_loses_an_outage() {
    let t = TestServer::start().await;
    let am = integration_token(&t);
    let blanks = ["", " ", "\n", "\u{200B}\u{2060}", "\u{1b}"];
    for (i, blank) in blanks.iter().enumerate() {
        let labels = json!({"alertname": blank, "service": blank, "job": blank});
        let (s, b) = t
            .post(
                HOOK,
                &am,
                group(&format!("blank-{i}"), json!(blank), labels),
            )
            .await;
        assert_eq!(s, 200, "summary {blank:?}: {b}");
        let id = b["incident"].as_str().unwrap().to_string();
        let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
        let title = d["incident"]["title"].as_str().unwrap();
        assert!(title.starts_with("Alerts with no name"), "{title}");
        assert_eq!(d["incident"]["service"], "unknown");
        let said = d["timeline"].to_string();
        assert!(said.contains("arrived with a blank summary"), "{said}");
    }
    // A blank summary with a name falls back to the name.
    let (s, b) = t
        .post(
            HOOK,
            &am,
            group(
                "named",
                json!("  "),
                json!({"alertname": "DiskFull", "job": "db"}),
            ),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (_, d) = t
        .get(
            &format!("/incidents/{}", b["incident"].as_str().unwrap()),
            &t.viewer,
        )
        .await;
    assert_eq!(d["incident"]["title"], "DiskFull on db");
}

/// Finding 13 (last item): a group that fires again after its incident
/// was resolved opens a new incident that names the earlier one.
#[tokio::test]
async fn a_refired_group_links_the_incident_it_belongs_to() {
    let t = TestServer::start().await;
    let am = integration_token(&t);
    let labels = json!({"alertname": "CheckoutErrors", "service": "checkout"});
    let (_, b) = t
        .post(HOOK, &am, group("g-re", json!("errors"), labels.clone()))
        .await;
    let first = b["incident"].as_str().unwrap().to_string();
    t.walk(
        &first,
        &[
            "acknowledged",
            "investigating",
            "identified",
            "contained",
            "resolved",
        ],
    )
    .await;
    let mut again = group("g-re", json!("errors"), labels);
    again["alerts"][0]["fingerprint"] = json!("fp-later");
    let (s, b) = t.post(HOOK, &am, again).await;
    assert_eq!(s, 200, "{b}");
    let second = b["incident"].as_str().unwrap().to_string();
    assert_ne!(first, second);
    let (_, d) = t.get(&format!("/incidents/{second}"), &t.viewer).await;
    assert!(
        d["timeline"]
            .to_string()
            .contains(&format!("opened {first} before"))
    );
    let tag = format!("refired-{first}").to_lowercase();
    assert!(
        d["incident"]["tags"]
            .as_array()
            .unwrap()
            .contains(&json!(tag))
    );
}

/// Finding 3: one address holding its whole per-address cap leaves the
/// server to everyone else; a connection that sends nothing, or only
/// HTTP/2 PINGs, is closed at the header deadline.
#[tokio::test(flavor = "multi_thread")]
async fn one_address_cannot_take_every_connection() {
    let limits = Limits {
        header_read_timeout_secs: 1,
        idle_timeout_secs: 61,
        max_connections: 200,
        max_connections_per_address: 20,
    };
    let t = TestServer::start_with(tempfile::tempdir().unwrap(), limits).await;
    let addr = t.server.addr;
    // 300 connections from 127.0.0.1 that each send one header line and
    // then dribble: the address's 20 are held, the rest answered 503.
    let mut hogs = Vec::new();
    for _ in 0..300 {
        if let Ok(mut s) = TcpStream::connect(addr).await {
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\n").await;
            hogs.push(s);
        }
    }
    // Everyone else (another loopback address) is served: 20 of 20.
    let other = warroom::tls::client_builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut served = 0;
    for _ in 0..20 {
        let r = other
            .get(format!("{}/healthz", t.server.base_url()))
            .send()
            .await
            .unwrap();
        served += usize::from(r.status() == 200);
    }
    assert_eq!(
        served, 20,
        "legitimate requests served while one address holds its cap"
    );
    // The hogging address itself is told why.
    let r = warroom::tls::client()
        .get(format!("{}/healthz", t.server.base_url()))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.text().await.unwrap().contains("your address"));
    drop(hogs);
    // The server notices the hogs went (each connection's task ends on its
    // own): wait until this address is served again.
    let started = Instant::now();
    loop {
        let r = warroom::tls::client()
            .get(format!("{}/healthz", t.server.base_url()))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .unwrap();
        if r.status() == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the address never freed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A connection that sends nothing is closed at the header deadline,
    // not at the idle timeout (61 s here).
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let mut buf = [0u8; 64];
    let started = Instant::now();
    let n = tokio::time::timeout(Duration::from_secs(10), silent.read(&mut buf))
        .await
        .expect("a silent connection is closed")
        .unwrap_or(0);
    assert_eq!(n, 0);
    assert!(started.elapsed() < Duration::from_secs(10));

    // HTTP/2 with PINGs every 200 ms and no request: closed all the same.
    let mut h2 = TcpStream::connect(addr).await.unwrap();
    h2.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0")
        .await
        .unwrap();
    let started = Instant::now();
    let closed = loop {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "PINGs kept it open"
        );
        let ping = b"\0\0\x08\x06\0\0\0\0\0pingpong";
        if h2.write_all(ping).await.is_err() {
            break true;
        }
        match tokio::time::timeout(Duration::from_millis(200), h2.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            _ => {}
        }
    };
    assert!(closed);
}

/// Finding 4: a target that never answers holds only its own sender's
/// slots; a healthy target beside it gets every delivery at once.
#[tokio::test(flavor = "multi_thread")]
async fn a_hung_target_delays_no_other_target() {
    let hung = Sink {
        hang: true,
        ..Sink::default()
    };
    let healthy = Sink::default();
    let (hung_url, ok_url) = (
        start_sink(hung.clone()).await,
        start_sink(healthy.clone()).await,
    );
    let cfg: NotifyConfig = serde_json::from_value(json!({"targets": [
        {"name": "hung", "kind": "slack", "url": hung_url, "events": ["declared"]},
        {"name": "chat", "kind": "slack", "url": ok_url, "events": ["declared"]},
    ], "retry_base_ms": 50}))
    .unwrap();
    let t = TestServer::start_notifying(cfg).await;
    let started = Instant::now();
    for i in 0..30 {
        t.declare(&format!("outage {i}"), "SEV2").await;
    }
    wait_for("30 deliveries to the healthy target", || {
        healthy.got.lock().unwrap().len() >= 30
    })
    .await;
    // Every hung request waits out its 5 s timeout; the healthy target
    // was served meanwhile, and the hung one never had more than its own
    // few in flight.
    if started.elapsed() < warroom::server::notify::worker::SEND_TIMEOUT {
        assert!(
            hung.got.lock().unwrap().len() <= warroom::server::notify::worker::PER_TARGET,
            "the hung target took more than its own slots"
        );
    }
}

/// Finding 5: a responder cannot make an incident unreadable. A text is
/// bounded by its stored bytes (control characters count 6), and the
/// detail and every timeline page by a byte budget.
#[tokio::test(flavor = "multi_thread")]
async fn a_responder_cannot_make_an_incident_unreadable() {
    let t = TestServer::start().await;
    let id = t.declare("Hostile notes", "SEV2").await;
    let path = format!("/incidents/{id}/notes");
    let (s, b) = t
        .post(
            &path,
            &t.responder,
            json!({"text": format!("x{}", "\u{1}".repeat(9_999))}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    assert!(b.to_string().contains("bytes"), "{b}");
    let heavy = format!("x{}", "\u{1}".repeat(6_600));
    for _ in 0..210 {
        let (s, b) = t.post(&path, &t.responder, json!({"text": heavy})).await;
        assert_eq!(s, 200, "{b}");
    }
    let budget = warroom::server::store::PAGE_BYTES + 64 * 1024;
    for page in [
        format!("/incidents/{id}"),
        format!("/incidents/{id}/timeline?limit=200"),
    ] {
        let r = t
            .req(reqwest::Method::GET, &page, &t.viewer)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let body = r.bytes().await.unwrap();
        assert!(body.len() < budget, "{page}: {} bytes", body.len());
    }
    // The console's client, `warroom show` and the wallboard read it.
    let (client, _) = warroom::client::connect(
        &t.server.base_url(),
        Some(warroom::client::Token::new(t.viewer.clone())),
        None,
    )
    .unwrap();
    let warroom::client::Fetched::Fresh { value: d, .. } =
        client.detail(id.parse().unwrap(), None).await.unwrap()
    else {
        panic!("a fresh detail")
    };
    assert!(!d.timeline.is_empty());
    assert!(d.timeline.len() < 200, "the page holds fewer events");
}

/// Finding 10: junk in any query parameter is a 400 naming it, never a
/// panic or a 500, and nothing of the request reaches the server's
/// answers raw.
#[tokio::test(flavor = "multi_thread")]
async fn junk_query_parameters_are_answered_400_never_a_panic() {
    let t = TestServer::start().await;
    let id = t.declare("Query junk", "SEV3").await;
    let long = "a".repeat(5000);
    let junk = [
        "9223372036854775807h",
        "9223372036854775807d",
        "-9223372036854775808w",
        "99999999999999999999",
        "9é",
        "é",
        "ü9",
        "%FF",
        "\u{1b}[2J",
        "0",
        "-1",
        "1e9",
        "NaN",
        "+",
        "-",
        ":",
        "+99:99",
        "+1:",
        "+é:00",
        "🔥",
        "",
        " ",
        "\u{0}",
        long.as_str(),
        "true",
        "null",
        "[]",
        "{}",
        "INC-",
        "INC-99999999999999999999",
        "..",
        "/",
        "h",
        "d",
        "w",
    ];
    let routes: Vec<(String, Vec<&str>)> = vec![
        ("/stats".into(), vec!["since", "utc_offset", "service"]),
        (
            "/incidents".into(),
            vec![
                "limit", "cursor", "severity", "status", "scope", "ids", "all",
            ],
        ),
        (
            format!("/incidents/{id}/timeline"),
            vec!["limit", "before", "after"],
        ),
        ("/changes".into(), vec!["since", "wait"]),
        (format!("/incidents/{id}/postmortem"), vec!["format"]),
        ("/search".into(), vec!["q", "limit"]),
        ("/followups".into(), vec!["status", "owner"]),
    ];
    for (route, params) in &routes {
        for p in params {
            for j in &junk {
                let r = t
                    .req(reqwest::Method::GET, route, &t.viewer)
                    .query(&[(p, j)])
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                // A panic drops the connection: that is a failure too.
                let r = r.unwrap_or_else(|e| panic!("{route}?{p}={j:?}: no answer: {e}"));
                let status = r.status().as_u16();
                assert!(status < 500, "{route}?{p}={j:?} answered {status}");
            }
        }
    }
    // The server is still whole.
    let (s, _) = t.get("/incidents", &t.viewer).await;
    assert_eq!(s, 200);
}

/// Finding 13: a POST that declares a body over the limit is answered 413
/// before the body is sent.
#[tokio::test]
async fn a_declared_oversize_body_is_refused_up_front() {
    let t = TestServer::start().await;
    let mut s = TcpStream::connect(t.server.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/incidents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n",
        t.commander
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
        .await
        .expect("answered without the body")
        .unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

/// Finding 7: the API's postmortem carries no raw control, escape or bidi
/// character, and a lone CR cannot forge a line; the CLI's file is the
/// API's document byte for byte, in Markdown and in JSON.
#[tokio::test(flavor = "multi_thread")]
async fn every_postmortem_door_gives_the_same_clean_bytes() {
    let t = TestServer::start().await;
    let id = t.declare("Hostile postmortem", "SEV2").await;
    let hostile = [
        "reset \u{1b}c and \u{1b}[2J clear",
        "dcs \u{1b}Pq#0;1\u{1b}\\ bell \u{7} c1 \u{9b}31m",
        "bidi \u{202E}txet\u{202C} and \u{2066}iso\u{2069}",
        "ok\r17:59 alice: ROOT CAUSE FOUND, it was bob's deploy",
        "para\u{2029}graph and line\u{2028}sep",
    ];
    for h in hostile {
        let (s, b) = t
            .post(
                &format!("/incidents/{id}/notes"),
                &t.responder,
                json!({"text": h}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }
    // A NUL is refused with the reason, on both engines alike (PostgreSQL
    // cannot store one): never a 500, never a record on one backend only.
    let (s, b) = t
        .post(
            &format!("/incidents/{id}/notes"),
            &t.responder,
            json!({"text": "nul \u{0} here"}),
        )
        .await;
    assert_eq!(s, 400, "{b}");
    assert!(b.to_string().contains("NUL"), "{b}");
    // A real-size record: far past the 20,000 characters where a document
    // used to be cut by the client's field cleaner.
    for i in 0..250 {
        let text = format!("note {i}: {}", "checked the dashboards again ".repeat(6));
        let (s, _) = t
            .post(
                &format!("/incidents/{id}/notes"),
                &t.responder,
                json!({"text": text}),
            )
            .await;
        assert_eq!(s, 200);
    }
    for i in 0..120 {
        let (s, b) = t
            .post(
                &format!("/incidents/{id}/followups"),
                &t.commander,
                json!({"title": format!("follow-up {i}: add an alert on the queue depth"), "owner": "dana"}),
            )
            .await;
        assert_eq!(s, 201, "{b}");
    }
    t.walk(
        &id,
        &[
            "acknowledged",
            "investigating",
            "identified",
            "contained",
            "resolved",
        ],
    )
    .await;
    let api = |format: &'static str| {
        let req = t.req(
            reqwest::Method::GET,
            &format!("/incidents/{id}/postmortem?format={format}"),
            &t.viewer,
        );
        async move { req.send().await.unwrap().bytes().await.unwrap() }
    };
    let md = api("md").await;
    assert!(md.len() > 60_000, "a large document: {} bytes", md.len());
    let text = std::str::from_utf8(&md).unwrap();
    for c in text.chars() {
        let u = c as u32;
        assert!(
            c == '\n'
                || (u >= 0x20
                    && u != 0x7f
                    && !(0x80..=0xa0).contains(&u)
                    && u != 0x2028
                    && u != 0x2029
                    && !(0x202a..=0x202e).contains(&u)
                    && !(0x2066..=0x2069).contains(&u)),
            "raw U+{u:04X} in the Markdown"
        );
    }
    // The CR is a line break inside its own list item (indented), never a
    // line of its own that could pass for a timeline entry.
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("17:59") || l.starts_with("- 17:59")),
        "a lone CR forged a line:\n{text}"
    );
    let json = api("json").await;
    assert!(
        json.iter().all(|b| *b >= 0x20 && *b < 0x7f || *b == b'\n'),
        "raw bytes in JSON"
    );
    serde_json::from_slice::<Value>(&json).expect("whole JSON");
    // The CLI writes the same bytes (run as a process, like a script would).
    let dir = tempfile::tempdir().unwrap();
    let tok = dir.path().join("tok");
    std::fs::write(&tok, &t.viewer).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tok, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    for (format, want) in [("md", &md), ("json", &json)] {
        let out = dir.path().join(format!("pm.{format}"));
        let o = std::process::Command::new(common::procs::BIN)
            .args(["postmortem", &id, "--format", format, "-o"])
            .arg(&out)
            .args(["--api", &t.server.base_url(), "--token-file"])
            .arg(&tok)
            .env("HOME", dir.path())
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env_remove("WARROOM_TOKEN")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let file = std::fs::read(&out).unwrap();
        assert_eq!(&file[..], &want[..], "{format}: CLI file != API document");
    }
}

/// Finding 11: a token's idempotency records are kept their whole 24
/// hours however many keyed writes it makes (a retry after 10,000 later
/// writes still replays); past its budget a new key is refused with the
/// reason, never applied without its record.
#[tokio::test(flavor = "multi_thread")]
async fn idempotency_has_no_count_hole() {
    let t = TestServer::start().await;
    let store = t.server.store.clone();
    let later = 10_050;
    let replayed = common::off_runtime(move || {
        let write = |key: &str| {
            store
                .write(Some(("token:shared", key, "h")), |_| {
                    Ok((200, format!("{{\"k\":\"{key}\"}}")))
                })
                .unwrap()
        };
        let first = write("first");
        assert!(!first.replayed);
        for i in 0..later {
            write(&format!("k{i}"));
        }
        write("first")
    });
    assert!(
        replayed.replayed,
        "the first key was forgotten after {later} later writes"
    );
    assert_eq!(replayed.body, "{\"k\":\"first\"}");

    // Past the budget: a new key is a 429 that says why; a retry of a key
    // already held still replays.
    t.server.store.set_key_budget(3, i64::MAX);
    let id = t.declare("Budget", "SEV3").await;
    let note = |key: &'static str| {
        t.req(
            reqwest::Method::POST,
            &format!("/incidents/{id}/notes"),
            &t.responder,
        )
        .header("Idempotency-Key", key)
        .json(&json!({"text": "n"}))
        .send()
    };
    for k in ["a", "b", "c"] {
        assert_eq!(note(k).await.unwrap().status(), 200);
    }
    let r = note("d").await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "idempotency_budget", "{body}");
    let r = note("a").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let notes = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "note")
        .count();
    assert_eq!(notes, 3, "the refused write changed nothing");
}

/// Finding 12: the change feed's held polls are not latency: they have a
/// histogram of their own, so a latency alert needs no exclusion.
#[tokio::test]
async fn long_polls_have_their_own_histogram() {
    let t = TestServer::start().await;
    let (_, c) = t.get("/changes?since=0", &t.viewer).await;
    let rev = c["revision"].as_u64().unwrap();
    let (s, _) = t
        .get(&format!("/changes?since={rev}&wait=1"), &t.viewer)
        .await;
    assert_eq!(s, 200);
    let m = t.metrics().await;
    assert!(
        m.contains("warroom_http_long_poll_duration_seconds_count{route=\"/api/v1/changes\"} 2"),
        "{m}"
    );
    assert!(
        !m.contains("warroom_http_request_duration_seconds_count{route=\"/api/v1/changes\"}"),
        "{m}"
    );
}
