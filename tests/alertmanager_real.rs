//! Against the real Prometheus Alertmanager (Debian's
//! `prometheus-alertmanager`, 0.25): alerts posted to it are delivered by its
//! webhook to a real warroom server; a silence made through the console's
//! Alertmanager backend suppresses them in Alertmanager itself.
//!
//! When the binary is missing this test fails and says how to install it:
//! `scripts/test.sh` (the README's test command) and `.ci/run` install it.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::TestServer;
use common::procs::free_port;
use serde_json::{Value, json};
use warroom::client::{Fetched, Write, WriteOp, alertmanager};
use warroom::model::{ActorRole, Severity, Status};

use common::alertmanager::{post_alerts, start_alertmanager, start_alertmanager_on};

async fn wait_for<T>(what: &str, timeout: Duration, mut f: impl AsyncFnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alertmanager_opens_incidents_and_a_console_silence_suppresses_its_alerts() {
    let t = TestServer::start().await;
    let (_, am_token) = t
        .server
        .store
        .create_token("alertmanager", ActorRole::Integration)
        .unwrap();
    let am = start_alertmanager(
        &format!("{}/api/v1/integrations/alertmanager", t.server.base_url()),
        &am_token,
    );
    let http = warroom::tls::client();
    let alert = |instance: &str| {
        json!({
            "labels": {
                "alertname": "CheckoutHighErrorRate", "service": "checkout",
                "severity": "critical", "instance": instance, "team": "checkout-team"
            },
            "annotations": {
                "summary": "5xx ratio above 5%",
                "runbook_url": "https://runbooks.example.com/checkout/5xx",
                "description": "Error ratio above 5% for 5 minutes.\nRoll back the last deploy first."
            },
            "generatorURL": "http://prometheus.example.com:9090/graph?g0.expr=job%3Acheckout",
            "startsAt": chrono::Utc::now().to_rfc3339(),
        })
    };
    let r = http
        .post(format!("{}/api/v2/alerts", am.url))
        .json(&json!([alert("web-1"), alert("web-2")]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Alertmanager delivers the group to warroom: one incident, two alerts.
    let id = wait_for(
        "the webhook to open an incident",
        Duration::from_secs(30),
        async || {
            let (_, l) = t.get("/incidents", &t.viewer).await;
            l["incidents"]
                .as_array()
                .and_then(|a| a.first())
                .map(|i| i["id"].as_str().unwrap().to_string())
        },
    )
    .await;
    let d = wait_for(
        "both alerts on the timeline",
        Duration::from_secs(30),
        async || {
            let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
            let n = d["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["kind"] == "alert_received")
                .count();
            (n == 2).then_some(d)
        },
    )
    .await;
    assert_eq!(d["incident"]["severity"], "SEV1");
    assert_eq!(d["incident"]["service"], "checkout");
    assert_eq!(d["incident"]["title"], "5xx ratio above 5%");
    // Every label, annotation and link came through a real Alertmanager
    // and was kept whole.
    let ev = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "alert_received")
        .unwrap();
    let facts = &ev["facts"];
    assert_eq!(facts["labels"]["team"], "checkout-team", "{ev}");
    assert_eq!(facts["labels"]["severity"], "critical");
    assert_eq!(
        facts["annotations"]["runbook_url"],
        "https://runbooks.example.com/checkout/5xx"
    );
    assert_eq!(
        facts["annotations"]["description"],
        "Error ratio above 5% for 5 minutes.\nRoll back the last deploy first."
    );
    assert_eq!(
        facts["links"]["source"],
        "http://prometheus.example.com:9090/graph?g0.expr=job%3Acheckout"
    );
    assert!(
        facts["links"]["alertmanager"]
            .as_str()
            .is_some_and(|u| u.starts_with("http")),
        "Alertmanager's own address: {facts}"
    );

    // The console on Alertmanager: the group is an incident; silence it.
    let (reader, writer) = alertmanager::connect(&am.url, None, None, "ic-alice").unwrap();
    let Fetched::Fresh { value, .. } = reader.list(false, None).await.unwrap() else {
        panic!()
    };
    assert_eq!(value.incidents.len(), 1);
    let group = &value.incidents[0];
    assert_eq!(
        (group.severity, group.status),
        (Severity::Sev1, Status::Triggered)
    );
    let Fetched::Fresh { value: detail, .. } = reader.detail(group.id, None).await.unwrap() else {
        panic!()
    };
    assert_eq!(detail.timeline.len(), 2, "the alerts are the timeline");
    assert!(
        detail.timeline[0].kind.describe().contains("instance=web-"),
        "labels are shown"
    );
    writer
        .send(&Write::new(WriteOp::Silence {
            id: group.id,
            comment: "rolling back checkout-api".into(),
            minutes: 60,
        }))
        .await
        .unwrap();

    // Alertmanager itself now reports the alerts suppressed by the silence.
    wait_for(
        "Alertmanager to suppress the alerts",
        Duration::from_secs(20),
        async || {
            let alerts: Value = http
                .get(format!("{}/api/v2/alerts", am.url))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let all = alerts.as_array().unwrap();
            (all.len() == 2
                && all.iter().all(|a| {
                    a["status"]["state"] == "suppressed"
                        && !a["status"]["silencedBy"].as_array().unwrap().is_empty()
                }))
            .then_some(())
        },
    )
    .await;
    let Fetched::Fresh { value, .. } = reader.list(false, None).await.unwrap() else {
        panic!()
    };
    assert_eq!(
        value.incidents[0].status,
        Status::Contained,
        "a silenced group shows as contained"
    );
    // The timeline says it in Alertmanager's states: each alert became
    // active, then was suppressed by this silence (who and why), in time
    // order; nothing claims the alerts resolved.
    let Fetched::Fresh { value: detail, .. } = reader.detail(group.id, None).await.unwrap() else {
        panic!()
    };
    let lines: Vec<String> = detail.timeline.iter().map(|e| e.kind.describe()).collect();
    assert!(lines.iter().all(|l| !l.contains("resolved")), "{lines:?}");
    let suppressed: Vec<&String> = lines.iter().filter(|l| l.contains("SUPPRESSED")).collect();
    assert_eq!(suppressed.len(), 2, "{lines:?}");
    assert!(
        suppressed
            .iter()
            .all(|l| l.contains("silenced by ic-alice: rolling back checkout-api")),
        "{lines:?}"
    );
    assert!(
        detail
            .timeline
            .windows(2)
            .all(|w| w[0].at <= w[1].at && w[0].seq < w[1].seq)
    );
    // A separate command (no list read first) shows the same group.
    let (fresh, _) = alertmanager::connect(&am.url, None, None, "ic-alice").unwrap();
    assert!(matches!(
        fresh.detail(group.id, None).await.unwrap(),
        Fetched::Fresh { .. }
    ));
    // The same group has the same id in every process (console, `list`,
    // `show`, `silence`): it comes from the group, not from who asked first.
    let (other, _) = alertmanager::connect(&am.url, None, None, "ic-bob").unwrap();
    let Fetched::Fresh { value: listed, .. } = other.list(false, None).await.unwrap() else {
        panic!()
    };
    assert_eq!(
        listed.incidents.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![group.id],
        "one id for the group across processes"
    );
    assert!(group.id.0 >= 100_000, "a stable six-digit id: {}", group.id);
    let silences = reader.silences().await.unwrap();
    let ours = silences
        .iter()
        .find(|s| s.comment == "rolling back checkout-api")
        .expect("the silence is listed");
    assert_eq!(ours.created_by, "ic-alice");
    assert_eq!(ours.matchers, "alertname=CheckoutHighErrorRate");
    // Expire it: the alerts come back.
    writer
        .send(&Write::new(WriteOp::ExpireSilence {
            silence_id: ours.id.clone(),
        }))
        .await
        .unwrap();
    wait_for(
        "the alerts to be active again",
        Duration::from_secs(20),
        async || {
            let alerts: Value = http
                .get(format!("{}/api/v2/alerts", am.url))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            alerts
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["status"]["state"] == "active")
                .then_some(())
        },
    )
    .await;
    assert_eq!(
        reader
            .silences()
            .await
            .unwrap()
            .iter()
            .find(|s| s.id == ours.id)
            .unwrap()
            .state,
        warroom::client::SilenceState::Expired
    );
}

/// `warroom ARGS` on the Alertmanager profile in `home`.
fn warroom_on(home: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["--profile", "alerts"])
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "warroom {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Two alert groups on a real Alertmanager: each has one id in the
/// console, `list`, `show` and `silence`, each a process of its own; a
/// group Alertmanager resolves leaves the console's list while it is
/// selected, with the notice that says so.
#[test]
fn an_alert_group_has_one_id_everywhere_and_leaves_when_resolved() {
    use common::pty::Screen;
    // Nothing receives the webhook here: only the console's side is tried.
    let am = start_alertmanager("http://127.0.0.1:9/none", "unused");
    let home = tempfile::tempdir().unwrap();
    let cfg_dir = home.path().join("config/warroom");
    std::fs::create_dir_all(&cfg_dir).unwrap();
    std::fs::write(
        cfg_dir.join("config.toml"),
        format!(
            "[profiles.alerts]\nkind = \"alertmanager\"\nurl = \"{}\"\nuser = \"ic-alice\"\n",
            am.url
        ),
    )
    .unwrap();
    let alert = |name: &str, service: &str, ends: Option<chrono::DateTime<chrono::Utc>>| {
        let mut a = json!({
            "labels": {"alertname": name, "service": service, "severity": "critical"},
            "annotations": {"summary": format!("{name} on {service}")},
            "startsAt": (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339(),
        });
        if let Some(t) = ends {
            a["endsAt"] = json!(t.to_rfc3339());
        }
        a
    };
    post_alerts(
        &am.url,
        json!([
            alert("DiskAlmostFull", "storage", None),
            alert("CheckoutHighErrorRate", "checkout", None)
        ]),
    );

    // `list` in one process, `show` in another: the same ids.
    let listed: Value =
        serde_json::from_str(&warroom_on(home.path(), &["list", "--json"])).unwrap();
    let id_of = |name: &str| -> String {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["title"].as_str().unwrap_or_default().contains(name))
            .unwrap_or_else(|| panic!("{name} in {listed}"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (disk, checkout) = (id_of("DiskAlmostFull"), id_of("CheckoutHighErrorRate"));
    assert_ne!(disk, checkout);
    assert!(warroom_on(home.path(), &["show", &checkout]).contains("CheckoutHighErrorRate"));
    assert!(warroom_on(home.path(), &["show", &disk]).contains("DiskAlmostFull"));

    // The console, a third process, calls them the same.
    let mut s = Screen::spawn(&["--profile", "alerts"], home.path(), 120, 40);
    s.wait_for("both groups by their ids", Duration::from_secs(20), |t| {
        t.contains(&disk) && t.contains(&checkout)
    });

    // `silence` by the id on screen mutes that group and no other.
    warroom_on(
        home.path(),
        &[
            "silence",
            &checkout,
            "--duration",
            "30m",
            "--comment",
            "rolling back",
        ],
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let silences: Value = rt.block_on(async {
        warroom::tls::client()
            .get(format!("{}/api/v2/silences", am.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    let matchers = silences[0]["matchers"].to_string();
    assert!(matchers.contains("CheckoutHighErrorRate"), "{silences}");
    assert!(!matchers.contains("DiskAlmostFull"), "{silences}");

    // The disk group, selected, is resolved in Alertmanager: it leaves the
    // list, and the console says it is no longer listed.
    s.send(":");
    s.send(&disk);
    s.send("\r");
    s.wait_text("DiskAlmostFull on storage", Duration::from_secs(10));
    post_alerts(
        &am.url,
        json!([alert(
            "DiskAlmostFull",
            "storage",
            Some(chrono::Utc::now() - chrono::Duration::seconds(1))
        )]),
    );
    s.wait_for("the notice", Duration::from_secs(30), |t| {
        t.contains("not in this list") && t.contains("Incidents 1/1")
    });
    let listed = warroom_on(home.path(), &["list"]);
    assert!(
        !listed.contains(&disk) && listed.contains(&checkout),
        "{listed}"
    );
}

/// The server in step with a real Alertmanager: `z` on the server's own
/// incident makes the silence in Alertmanager (its API shows it) and the
/// timeline says so; the alert then resolves while silenced, which
/// Alertmanager never announces, and the server's read of its API records
/// it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_silences_through_alertmanager_and_sees_alerts_resolve_while_silenced() {
    use warroom::server::integrations::alertmanager::am_api::AlertmanagerSection;
    let port = free_port();
    let am_link = AlertmanagerSection {
        url: Some(format!("http://127.0.0.1:{port}")),
        ..Default::default()
    }
    .connect()
    .unwrap()
    .unwrap()
    .every(Duration::from_secs(1));
    let t = TestServer::start_with_alertmanager(am_link).await;
    let (_, am_token) = t
        .server
        .store
        .create_token("alertmanager", ActorRole::Integration)
        .unwrap();
    let am = start_alertmanager_on(
        port,
        &format!("{}/api/v1/integrations/alertmanager", t.server.base_url()),
        &am_token,
    );
    let http = warroom::tls::client();
    let alert = |ends: Option<chrono::DateTime<chrono::Utc>>| {
        let mut a = json!({
            "labels": {"alertname": "DiskFull", "service": "db", "instance": "db-1"},
            "annotations": {"summary": "disk 95% full"},
            "startsAt": (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339(),
        });
        if let Some(e) = ends {
            a["endsAt"] = json!(e.to_rfc3339());
        }
        a
    };
    let r = http
        .post(format!("{}/api/v2/alerts", am.url))
        .json(&json!([alert(None)]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let id = wait_for(
        "the webhook to open an incident",
        Duration::from_secs(30),
        async || {
            let (_, l) = t.get("/incidents", &t.viewer).await;
            l["incidents"]
                .as_array()
                .and_then(|a| a.first())
                .map(|i| i["id"].as_str().unwrap().to_string())
        },
    )
    .await;
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    assert_eq!(d["incident"]["alert_group"]["receiver"], "warroom");
    assert_eq!(
        d["incident"]["alert_group"]["labels"]["alertname"],
        "DiskFull"
    );

    // A responder may not; a commander may, and the silence is made in
    // Alertmanager with the group's labels, by the commander.
    let body = json!({"comment": "expanding the volume", "minutes": 30});
    let (status, _) = t
        .post(
            &format!("/incidents/{id}/silence"),
            &t.responder,
            body.clone(),
        )
        .await;
    assert_eq!(status, 403);
    let (status, answer) = t
        .post(
            &format!("/incidents/{id}/silence"),
            &t.commander,
            body.clone(),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let silence_id = answer["silence_id"].as_str().unwrap().to_string();
    let s: Value = http
        .get(format!("{}/api/v2/silence/{silence_id}", am.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(s["comment"], "expanding the volume");
    assert_eq!(s["createdBy"], "alice");
    assert_eq!(s["matchers"][0]["name"], "alertname");
    assert_eq!(s["matchers"][0]["value"], "DiskFull");
    assert_eq!(s["matchers"][0]["isRegex"], false);
    // Sent again (a retry after a lost answer): the same silence.
    let (_, again) = t
        .post(&format!("/incidents/{id}/silence"), &t.commander, body)
        .await;
    assert_eq!(again["silence_id"], silence_id.as_str());
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    assert_eq!(d["incident"]["silenced"]["ids"][0], silence_id.as_str());
    let said = |d: &Value, what: &str| {
        d["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e.to_string().contains(what))
            .count()
    };
    assert_eq!(said(&d, "Silenced in Alertmanager by"), 1, "once: {d}");

    // The cause recovers: Alertmanager resolves the silenced alert and
    // sends nothing (muted). The server's read of its API records it.
    let r = http
        .post(format!("{}/api/v2/alerts", am.url))
        .json(&json!([alert(Some(chrono::Utc::now()))]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let d = wait_for(
        "the resolution while silenced",
        Duration::from_secs(30),
        async || {
            let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
            (said(&d, "resolved while silenced") > 0).then_some(d)
        },
    )
    .await;
    let resolved = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "alert_received" && e["firing"] == false)
        .expect("the alert's resolution is on the timeline");
    assert_eq!(resolved["alert"], "DiskFull", "{resolved}");
    assert!(
        d["incident"]["silenced"].is_null(),
        "nothing is silenced now"
    );
    // The incident stays open: a person resolves it.
    assert_ne!(d["incident"]["status"], "resolved");
}
