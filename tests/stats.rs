//! Response metrics on a known set of incidents, with the medians and
//! 90th percentiles worked out by hand (nearest rank).

mod common;

use chrono::{DateTime, Duration, Timelike, Utc};
use common::TestServer;
use warroom::model::wire::DeclareRequest;
use warroom::model::{
    Action, Actor, ActorRole, ResponderAction, Role, RunbookSet, Severity, Status, apply, declare,
};
use warroom::server::store::{next_id, save};

fn ic() -> Actor {
    Actor {
        handle: "alice".into(),
        role: ActorRole::Commander,
    }
}

/// Declared at `at`, acknowledged `ack` minutes later, resolved `res`
/// minutes later, every phase forced past its checklist.
/// [`seed_here`] off the test's async thread (the store blocks).
fn seed(t: &TestServer, at: DateTime<Utc>, sev: Severity, service: &str, ack: i64, res: i64) {
    common::off_runtime(|| seed_here(t, at, sev, service, ack, res))
}

fn seed_here(t: &TestServer, at: DateTime<Utc>, sev: Severity, service: &str, ack: i64, res: i64) {
    t.server
        .store
        .write(None, |tx| {
            let id = next_id(tx)?;
            let req = DeclareRequest {
                title: format!("{service} trouble"),
                service: service.into(),
                severity: sev,
                summary: String::new(),
                commander: None,
                tags: vec![],
            };
            let cl = RunbookSet::default().for_service(service).checklists();
            let mut d = declare(id, req, &ic(), cl, at)?;
            let go = |to| Action::Transition {
                to,
                force: true,
                reason: Some("stats".into()),
            };
            apply(
                &mut d,
                go(Status::Acknowledged),
                &ic(),
                at + Duration::minutes(ack),
            )?;
            let page = Action::Responder(ResponderAction::Page {
                handle: "marco".into(),
                name: None,
                role: Role::OperationsLead,
            });
            apply(&mut d, page, &ic(), at + Duration::minutes(ack))?;
            for (k, to) in [Status::Investigating, Status::Identified, Status::Contained]
                .into_iter()
                .enumerate()
            {
                apply(
                    &mut d,
                    go(to),
                    &ic(),
                    at + Duration::minutes(ack + k as i64 + 1),
                )?;
            }
            apply(
                &mut d,
                go(Status::Resolved),
                &ic(),
                at + Duration::minutes(res),
            )?;
            save(tx, &d, 0, None)?;
            Ok((200, String::new()))
        })
        .unwrap();
}

#[tokio::test]
async fn medians_and_p90s_by_severity_and_service_as_worked_out() {
    let t = TestServer::start().await;
    // Ten days ago at 03:00 UTC: pages at night in UTC, by day in UTC+8.
    let base = (Utc::now() - Duration::days(10))
        .with_hour(3)
        .unwrap()
        .with_minute(0)
        .unwrap();
    for (k, (ack, res)) in [(2, 30), (4, 60), (6, 90), (8, 120), (10, 150)]
        .into_iter()
        .enumerate()
    {
        seed(
            &t,
            base + Duration::minutes(k as i64),
            Severity::Sev1,
            "payments",
            ack,
            res,
        );
    }
    for (ack, res) in [(1, 20), (3, 40)] {
        seed(&t, base, Severity::Sev2, "search", ack, res);
    }
    // Outside a 90-day window.
    seed(
        &t,
        Utc::now() - Duration::days(200),
        Severity::Sev1,
        "payments",
        1,
        5,
    );

    let (s, st) = t.get("/stats?since=90d", &t.viewer).await;
    assert_eq!(s, 200, "{st}");
    assert_eq!(st["overall"]["count"], 7);
    // Every duration the answer carries says where it starts and ends.
    let defs = st["definitions"].as_array().unwrap();
    for figure in ["acknowledge", "contain", "resolve", "verify"] {
        let d = defs
            .iter()
            .find(|d| d["figure"] == figure)
            .unwrap_or_else(|| panic!("{figure} is defined: {defs:?}"));
        assert!(!d["from"].as_str().unwrap().is_empty() && !d["to"].as_str().unwrap().is_empty());
    }
    let resolve = defs.iter().find(|d| d["figure"] == "resolve").unwrap();
    assert!(resolve["from"].as_str().unwrap().starts_with("declaration"));
    assert!(resolve["means"].as_str().unwrap().contains("not DORA"));
    let sev1 = &st["by_severity"]["SEV1"];
    // SEV1 acknowledge: 2,4,6,8,10 min: median the 3rd, p90 the 5th.
    assert_eq!(sev1["acknowledge"]["median"], 6 * 60);
    assert_eq!(sev1["acknowledge"]["p90"], 10 * 60);
    assert_eq!(sev1["resolve"]["median"], 90 * 60);
    assert_eq!(sev1["resolve"]["p90"], 150 * 60);
    let sev2 = &st["by_severity"]["SEV2"];
    assert_eq!(sev2["acknowledge"]["median"], 60, "1 and 3 min: the 1st");
    assert_eq!(sev2["acknowledge"]["p90"], 180);
    // Overall resolve: 20,30,40,60,90,120,150 min: 4th and 7th.
    assert_eq!(st["overall"]["resolve"]["median"], 60 * 60);
    assert_eq!(st["overall"]["resolve"]["p90"], 150 * 60);
    assert_eq!(st["by_service"]["search"]["count"], 2);
    assert_eq!(st["slowest"][0]["resolve_seconds"], 150 * 60);
    // Forced out of investigation, containment and resolution, each time.
    assert_eq!(st["forced_by_phase"]["investigation"], 7);
    assert_eq!(st["forced_by_phase"]["resolution"], 7);
    assert_eq!(st["most_skipped"][0][2], 7, "{}", st["most_skipped"]);
    assert_eq!(st["top_services"][0], serde_json::json!(["payments", 5]));
    let marco = st["load"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["handle"] == "marco")
        .unwrap();
    assert_eq!(marco["pages"], 7);
    assert_eq!(marco["pages_off_hours"], 7, "03:00 UTC is night");
    let (_, st8) = t
        .get("/stats?since=90d&utc_offset=%2B08:00", &t.viewer)
        .await;
    let marco = st8["load"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["handle"] == "marco")
        .unwrap()
        .clone();
    assert_eq!(
        marco["pages_off_hours"], 0,
        "11:00 in UTC+8 is the working day"
    );
    let (_, svc) = t.get("/stats?since=90d&service=SEARCH", &t.viewer).await;
    assert_eq!(svc["overall"]["count"], 2);
    let (_, all) = t.get("/stats?since=all", &t.viewer).await;
    assert_eq!(all["overall"]["count"], 8);
}

#[tokio::test]
async fn an_empty_window_says_so_without_nan_and_bad_windows_are_refused() {
    let t = TestServer::start().await;
    let (s, st) = t.get("/stats?since=1h", &t.viewer).await;
    assert_eq!(s, 200, "{st}");
    assert_eq!(st["overall"]["count"], 0);
    assert!(st["overall"]["resolve"].is_null());
    assert!(!st.to_string().contains("NaN"));
    for bad in ["since=90", "since=-1d", "utc_offset=CET", "sinse=1d"] {
        let (s, e) = t.get(&format!("/stats?{bad}"), &t.viewer).await;
        assert_eq!(s, 400, "{bad}: {e}");
    }
}

/// Declared at `at` with `tags`, `pages` paged, `alerts` fired (each a
/// firing), resolved an hour later.
fn seed_practice(
    t: &TestServer,
    at: DateTime<Utc>,
    tags: &[&str],
    pages: &[&str],
    alerts: &[&str],
) {
    common::off_runtime(|| {
        t.server
            .store
            .write(None, |tx| {
                let req = DeclareRequest {
                    title: "checkout trouble".into(),
                    service: "checkout".into(),
                    severity: Severity::Sev2,
                    summary: String::new(),
                    commander: None,
                    tags: tags.iter().map(|t| t.to_string()).collect(),
                };
                let mut d = declare(next_id(tx)?, req, &ic(), vec![], at)?;
                save(tx, &d, 0, None)?;
                let known = d.incident.last_seq;
                for (n, who) in pages.iter().enumerate() {
                    let page = Action::Responder(ResponderAction::Page {
                        handle: who.to_string(),
                        name: None,
                        role: Role::SubjectMatterExpert,
                    });
                    apply(&mut d, page, &ic(), at + Duration::minutes(n as i64 + 1))?;
                }
                for a in alerts {
                    let fire = Action::Alert {
                        alert: a.to_string(),
                        firing: true,
                        detail: None,
                        facts: Default::default(),
                    };
                    apply(&mut d, fire, &ic(), at + Duration::minutes(5))?;
                }
                for to in [
                    Status::Acknowledged,
                    Status::Investigating,
                    Status::Identified,
                    Status::Contained,
                    Status::Resolved,
                ] {
                    let step = Action::Transition {
                        to,
                        force: true,
                        reason: Some("seed".into()),
                    };
                    apply(&mut d, step, &ic(), at + Duration::minutes(60))?;
                }
                save(tx, &d, known, None)?;
                Ok((200, String::new()))
            })
            .unwrap();
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn change_recovery_pages_per_shift_and_repeat_alerts_come_with_their_definitions() {
    let t = TestServer::start().await;
    let day = (Utc::now() - Duration::days(2))
        .with_hour(1)
        .unwrap()
        .with_minute(0)
        .unwrap();
    seed_practice(
        &t,
        day,
        &["deploy"],
        &["bob"],
        &["HighErrors", "HighErrors"],
    );
    seed_practice(&t, day + Duration::hours(2), &[], &["bob"], &["HighErrors"]);
    seed_practice(
        &t,
        day + Duration::hours(4),
        &["change"],
        &["bob", "carol"],
        &["DiskFull"],
    );
    let (s, j) = t.get("/stats?since=30d", &t.viewer).await;
    assert_eq!(s, 200, "{j}");
    assert_eq!(j["change_failures"], 2, "{j}");
    assert_eq!(j["change_recovery"]["median"], 3600);
    assert_eq!(j["shifts"]["ceiling"], 2);
    assert_eq!(
        j["shifts"]["over_ceiling"], 1,
        "bob: three incidents in one shift"
    );
    assert_eq!(j["shifts"]["worst"][0]["handle"], "bob");
    assert_eq!(j["shifts"]["worst"][0]["incidents"], 3);
    assert_eq!(j["repeat_alerts"][0]["alert"], "HighErrors");
    assert_eq!(j["repeat_alerts"][0]["incidents"], 2);
    assert_eq!(j["repeat_alerts"][0]["firings"], 3);
    assert_eq!(
        j["repeat_alerts"].as_array().unwrap().len(),
        1,
        "DiskFull fired once"
    );
    assert_eq!(j["overall"]["customer_impact"]["n"], 3);
    let defs = j["definitions"].as_array().unwrap();
    for f in [
        "failed deployment recovery",
        "pages per shift",
        "repeat alerts",
        "customer impact",
    ] {
        let d = defs
            .iter()
            .find(|d| d["figure"] == f)
            .unwrap_or_else(|| panic!("{f}"));
        assert!(d["from"].is_string() && d["to"].is_string());
    }
}
