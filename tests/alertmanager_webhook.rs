//! The Alertmanager receiver, fed payloads shaped as Alertmanager v0.25's
//! documented webhook body (version 4; ../shared/specs/alertmanager-v0.25.0-webhook.md).

mod common;

use common::TestServer;
use serde_json::{Value, json};
use warroom::model::ActorRole;

fn alert(status: &str, name: &str, instance: &str, fp: &str) -> Value {
    json!({
        "status": status,
        "labels": {"alertname": name, "instance": instance, "job": "checkout", "severity": "critical"},
        "annotations": {"summary": format!("{name} on {instance}")},
        "startsAt": "2026-11-25T10:00:00Z",
        "endsAt": if status == "firing" { "0001-01-01T00:00:00Z" } else { "2026-11-25T10:20:00Z" },
        "generatorURL": "http://prometheus:9090/graph?g0.expr=up",
        "fingerprint": fp
    })
}

fn payload(status: &str, alerts: Vec<Value>) -> Value {
    json!({
        "version": "4",
        "groupKey": "{}:{alertname=\"CheckoutHighErrorRate\"}",
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "warroom",
        "groupLabels": {"alertname": "CheckoutHighErrorRate"},
        "commonLabels": {"alertname": "CheckoutHighErrorRate", "job": "checkout", "severity": "critical"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": alerts
    })
}

const HOOK: &str = "/integrations/alertmanager";

#[tokio::test]
async fn a_firing_group_opens_one_incident_and_alerts_are_recorded_once() {
    let t = TestServer::start().await;
    let (_, am) = t
        .server
        .store
        .create_token("alertmanager", ActorRole::Integration)
        .unwrap();
    let firing = payload(
        "firing",
        vec![
            alert("firing", "CheckoutHighErrorRate", "web-1", "aaa1"),
            alert("firing", "CheckoutHighErrorRate", "web-2", "aaa2"),
        ],
    );
    let (s, r) = t.post(HOOK, &am, firing.clone()).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["opened"], true);
    assert_eq!(r["recorded"], 2);
    let id = r["incident"].as_str().unwrap().to_string();
    // Alertmanager repeats the notification: nothing new is recorded.
    let (_, r) = t.post(HOOK, &am, firing).await;
    assert_eq!(
        (
            r["opened"].clone(),
            r["recorded"].clone(),
            r["incident"].as_str().unwrap()
        ),
        (json!(false), json!(0), id.as_str())
    );

    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let inc = &d["incident"];
    assert_eq!(inc["severity"], "SEV1", "critical maps to SEV1");
    assert_eq!(inc["service"], "checkout", "from the job label");
    assert_eq!(inc["title"], "CheckoutHighErrorRate on checkout");
    assert_eq!(
        inc["commander"],
        Value::Null,
        "an integration does not make itself IC"
    );
    let alerts: Vec<&Value> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "alert_received")
        .collect();
    assert_eq!(alerts.len(), 2);
    assert!(
        alerts[0]["alert"]
            .as_str()
            .unwrap()
            .contains("instance=web-1")
    );
    assert_eq!(alerts[0]["author"], "alertmanager");

    // One resolves, then the other: each recorded once; then a note, and
    // the incident stays active.
    let (_, r) = t
        .post(
            HOOK,
            &am,
            payload(
                "firing",
                vec![
                    alert("resolved", "CheckoutHighErrorRate", "web-1", "aaa1"),
                    alert("firing", "CheckoutHighErrorRate", "web-2", "aaa2"),
                ],
            ),
        )
        .await;
    assert_eq!(r["recorded"], 1);
    let (_, r) = t
        .post(
            HOOK,
            &am,
            payload(
                "resolved",
                vec![
                    alert("resolved", "CheckoutHighErrorRate", "web-1", "aaa1"),
                    alert("resolved", "CheckoutHighErrorRate", "web-2", "aaa2"),
                ],
            ),
        )
        .await;
    assert_eq!(r["recorded"], 1);
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    assert_eq!(
        d["incident"]["status"], "triggered",
        "resolved alerts do not resolve the incident"
    );
    let notes: Vec<&Value> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "note")
        .collect();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0]["text"]
            .as_str()
            .unwrap()
            .contains("All alerts of this group have resolved")
    );
    // Firing again joins the same active incident.
    let (_, r) = t
        .post(
            HOOK,
            &am,
            payload(
                "firing",
                vec![alert("firing", "CheckoutHighErrorRate", "web-1", "aaa1")],
            ),
        )
        .await;
    assert_eq!(
        (r["incident"].as_str().unwrap(), r["opened"].clone()),
        (id.as_str(), json!(false))
    );
}

#[tokio::test]
async fn classification_rules_from_the_server_config_pick_severity_service_and_runbook() {
    let dir = tempfile::tempdir().unwrap();
    let classifier: warroom::server::integrations::classify::Classifier = toml::from_str(
        "[[rules]]\nname = \"checkout storm\"\nlabels = { job = \"checkout\" }\n\
             firing_at_least = 2\nseverity = \"SEV2\"\nservice = \"payments\"\n\
             runbook = \"payments\"\ntags = [\"storm\"]\npage = [\"dana\"]",
    )
    .unwrap();
    let rb = warroom::model::Runbook::parse(
        "p",
        "name = \"payments\"\ncontainment = [\"Fail over payments-db\"]",
    )
    .unwrap();
    let server = warroom::server::start(warroom::server::ServerOptions {
        alertmanager: None,
        actions: Vec::new(),
        limits: Default::default(),
        listen: "127.0.0.1:0".parse().unwrap(),
        db: warroom::server::DbLocation::File(dir.path().join("db")),
        runbooks: warroom::model::RunbookSet::default().with(rb),
        auth: warroom::server::AuthConfig::tokens_only(),
        classifier,
        policy: Default::default(),
        notify: Default::default(),
        automation: Default::default(),
        demo: false,
        status: Default::default(),
    })
    .await
    .unwrap();
    let (_, am) = server
        .store
        .create_token("am", ActorRole::Integration)
        .unwrap();
    let http = warroom::tls::client();
    let r: Value = http
        .post(format!(
            "{}/api/v1/integrations/alertmanager",
            server.base_url()
        ))
        .bearer_auth(&am)
        .json(&payload(
            "firing",
            vec![
                alert("firing", "CheckoutHighErrorRate", "web-1", "f1"),
                alert("firing", "CheckoutHighErrorRate", "web-2", "f2"),
            ],
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = r["incident"].as_str().unwrap_or_else(|| panic!("{r}"));
    let d = server.store.detail(id.parse().unwrap()).unwrap();
    assert_eq!(d.incident.severity, warroom::model::Severity::Sev2);
    assert_eq!(d.incident.service, "payments");
    let containment = d.checklist(warroom::model::Phase::Containment).unwrap();
    assert_eq!(
        containment.items[0].text, "Fail over payments-db",
        "the rule's runbook"
    );
    assert!(
        d.incident.tags.contains(&"storm".to_string()),
        "the rule's tags"
    );
    assert!(
        d.responders.iter().any(|r| r.handle == "dana"),
        "the rule's people are paged"
    );
    // The rule that fired is named on the timeline.
    let named = d.timeline.iter().any(|e| {
        matches!(&e.kind, warroom::model::EventKind::Automation { rule, .. }
            if rule == "classification: checkout storm")
    });
    assert!(named, "{:?}", d.timeline);
}

#[tokio::test]
async fn the_receiver_takes_only_integration_or_commander_tokens_and_checks_the_payload() {
    let t = TestServer::start().await;
    let (_, am) = t
        .server
        .store
        .create_token("alertmanager", ActorRole::Integration)
        .unwrap();
    let ok = payload("firing", vec![alert("firing", "X", "h", "f")]);
    assert_eq!(t.post(HOOK, &t.viewer, ok.clone()).await.0, 403);
    assert_eq!(t.post(HOOK, &t.responder, ok.clone()).await.0, 403);
    assert_eq!(t.post(HOOK, &t.commander, ok).await.0, 200);
    // The integration token can do nothing else, not even read.
    assert_eq!(t.get("/incidents", &am).await.0, 403);
    assert_eq!(
        t.post(
            "/incidents",
            &am,
            json!({"title": "t", "service": "s", "severity": "SEV1"})
        )
        .await
        .0,
        403
    );
    // Bad payloads are refused with the reason.
    let mut v3 = payload("firing", vec![alert("firing", "X", "h", "f")]);
    v3["version"] = json!("3");
    let (s, e) = t.post(HOOK, &am, v3).await;
    assert_eq!(s, 422);
    assert!(e["error"]["message"].as_str().unwrap().contains("version"));
    let mut bad = payload("firing", vec![alert("firing", "X", "h", "f")]);
    bad["alerts"][0]["status"] = json!("exploding");
    assert_eq!(t.post(HOOK, &am, bad).await.0, 422);
    let (s, _) = t.post(HOOK, &am, json!({"version": "4"})).await;
    assert_eq!(s, 422, "missing groupKey and alerts");
    // Nothing firing and no incident: nothing is opened.
    let (s, r) = t
        .post(
            HOOK,
            &am,
            payload("resolved", vec![alert("resolved", "Y", "h", "zz")])
                .as_object()
                .map(|o| {
                    let mut o = o.clone();
                    o.insert("groupKey".into(), json!("other-group"));
                    Value::Object(o)
                })
                .unwrap(),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(r["incident"], Value::Null);
}

/// Every label, annotation and link an alert comes with is kept whole and
/// read back with its event; one too big for the budget keeps what fits
/// and says how much it did not keep.
#[tokio::test]
async fn an_alert_is_kept_whole_with_its_labels_annotations_and_links() {
    let t = TestServer::start().await;
    let (_, am) = t
        .server
        .store
        .create_token("alertmanager", ActorRole::Integration)
        .unwrap();
    let mut a = alert("firing", "CheckoutHighErrorRate", "web-1", "fff1");
    a["labels"]["team"] = json!("checkout-team");
    a["labels"]["cluster"] = json!("eu-west-1");
    a["annotations"]["runbook_url"] = json!("https://runbooks.example.com/checkout/5xx");
    a["annotations"]["dashboard"] = json!("https://grafana.example.com/d/checkout");
    a["annotations"]["description"] = json!("5xx above 5% for 5m.\nRoll back first.");
    let (s, r) = t.post(HOOK, &am, payload("firing", vec![a])).await;
    assert_eq!(s, 200, "{r}");
    let id = r["incident"].as_str().unwrap().to_string();
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let ev = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "alert_received")
        .unwrap_or_else(|| panic!("an alert event: {d}"));
    let facts = &ev["facts"];
    assert_eq!(facts["labels"]["team"], "checkout-team", "{ev}");
    assert_eq!(facts["labels"]["severity"], "critical");
    assert_eq!(facts["labels"]["instance"], "web-1");
    assert_eq!(
        facts["annotations"]["runbook_url"],
        "https://runbooks.example.com/checkout/5xx"
    );
    assert_eq!(
        facts["annotations"]["description"],
        "5xx above 5% for 5m.\nRoll back first."
    );
    assert_eq!(
        facts["links"]["source"],
        "http://prometheus:9090/graph?g0.expr=up"
    );
    assert_eq!(facts["links"]["alertmanager"], "http://alertmanager:9093");

    // Far more than 16 KiB of labels: what fits is kept, the rest counted.
    let mut big = alert("firing", "CheckoutHighErrorRate", "web-2", "fff2");
    for i in 0..200 {
        big["labels"][format!("label_{i:03}")] = json!("x".repeat(200));
    }
    let (s, r) = t.post(HOOK, &am, payload("firing", vec![big])).await;
    assert_eq!(s, 200, "{r}");
    let (_, d) = t.get(&format!("/incidents/{id}"), &t.viewer).await;
    let last = d["timeline"].as_array().unwrap().last().unwrap().clone();
    let facts = &last["facts"];
    let kept = facts["labels"].as_object().unwrap().len();
    assert!(kept > 10 && kept < 200, "{kept} labels kept");
    assert!(
        facts["labels"]["warroom_not_kept"]
            .as_str()
            .is_some_and(|s| s.contains("more")),
        "{facts}"
    );
    assert_eq!(
        facts["links"]["source"],
        "http://prometheus:9090/graph?g0.expr=up"
    );
}
