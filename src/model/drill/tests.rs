use chrono::{Duration, TimeZone, Utc};

use super::scenario::Scenario;
use super::{DrillMark, Verdict, debrief};
use crate::model::wire::DeclareRequest;
use crate::model::{Action, Actor, ActorRole, Policy, Severity, Status, apply};

const SMALL: &str = r#"
name = "tiny"
title = "A tiny drill"
[[responders]]
handle = "bob"
answers = "10s"
[[facts]]
name = "fixed"
when = { status = "contained" }
[[events]]
at = "0s"
alert = { labels = { alertname = "Boom" } }
[[events]]
at = "5s"
after = "fixed"
by = "bob"
note = "it is fixed"
"#;

#[test]
fn a_small_scenario_reads_and_answers_its_questions() {
    let s = Scenario::parse(SMALL).unwrap();
    assert_eq!(s.limit(), Duration::minutes(15));
    assert_eq!(s.answers("bob"), Some(Duration::seconds(10)));
    assert_eq!(s.answers("nobody"), None);
}

#[test]
fn a_broken_scenario_is_refused_with_its_line() {
    // A wrong type: toml's own place.
    let e = Scenario::parse(&SMALL.replace("answers = \"10s\"", "answers = 10")).unwrap_err();
    assert_eq!(e.line, 6, "{e}");
    // An unknown key.
    let e = Scenario::parse(&SMALL.replace("after = \"fixed\"", "afterr = \"fixed\"")).unwrap_err();
    assert_eq!(e.line, 15, "{e}");
    assert!(e.message.contains("afterr"), "{e}");
    // A reference to a fact not written: the entry's line.
    let e = Scenario::parse(&SMALL.replace("after = \"fixed\"", "after = \"fxed\"")).unwrap_err();
    assert_eq!(e.line, 13, "{e}");
    assert!(e.to_string().contains("`fxed` is not in [[facts]]"), "{e}");
    // A note by someone not in the scenario.
    let e = Scenario::parse(&SMALL.replace("by = \"bob\"", "by = \"eve\"")).unwrap_err();
    assert!(e.message.contains("eve"), "{e}");
    // No alert at 0s: nothing would open the incident.
    let e = Scenario::parse(&SMALL.replacen("at = \"0s\"", "at = \"1m\"", 1)).unwrap_err();
    assert!(e.message.contains("starts with an alert"), "{e}");
    // An event past the limit.
    let e = Scenario::parse(
        &SMALL.replace("title = \"A tiny drill\"", "title = \"t\"\nlimit = \"3s\""),
    )
    .unwrap_err();
    assert!(e.message.contains("after the drill's limit"), "{e}");
    // Garbage.
    assert!(Scenario::parse("name = ").is_err());
    assert!(Scenario::parse(&"x".repeat(300_000)).is_err());
}

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 14, 0, 0).unwrap()
}

fn drill_incident() -> crate::model::IncidentDetail {
    let ic = Actor {
        handle: "alice".into(),
        role: ActorRole::Commander,
    };
    let mut d = crate::model::declare(
        crate::model::IncidentId(1),
        DeclareRequest {
            title: "Checkout errors".into(),
            service: "checkout".into(),
            severity: Severity::Sev1,
            summary: String::new(),
            commander: None,
            tags: vec![],
        },
        &ic,
        Vec::new(),
        t0(),
    )
    .unwrap();
    d.incident.drill = Some(DrillMark {
        scenario: "tiny".into(),
        run: "r1".into(),
        started_at: t0(),
        speed: 1,
    });
    d
}

fn act(d: &mut crate::model::IncidentDetail, min: i64, a: Action) {
    let ic = Actor {
        handle: "alice".into(),
        role: ActorRole::Commander,
    };
    apply(d, a, &ic, t0() + Duration::seconds(min)).unwrap();
}

fn update(text: &str) -> Action {
    Action::StakeholderUpdate {
        text: text.into(),
        written_at: None,
        audience: crate::model::wire::Audience::Internal,
        stage: None,
        data_loss: None,
    }
}

#[test]
fn the_debrief_scores_against_the_cadence_with_a_chosen_clock() {
    let s = Scenario::parse(SMALL).unwrap();
    let mut d = drill_incident();
    act(
        &mut d,
        90,
        Action::Transition {
            to: Status::Acknowledged,
            force: false,
            reason: None,
        },
    );
    act(&mut d, 240, update("Checkout failing for 12% of payments"));
    act(&mut d, 600, update("EU and US card payments affected"));
    let db = debrief::score(
        &d,
        Some(&s),
        &Policy::default(),
        t0() + Duration::minutes(20),
    )
    .unwrap();
    let fig = |k: &str| db.figures.iter().find(|f| f.key == k).unwrap().clone();
    assert_eq!(
        fig("acknowledge").verdict,
        Verdict::Met,
        "{:?}",
        fig("acknowledge")
    );
    assert_eq!(fig("acknowledge").seconds, Some(90));
    assert_eq!(fig("initial_update").verdict, Verdict::Met);
    assert_eq!(fig("initial_update").value, "4m");
    // 6 minutes after the first: one minute late.
    let scoping = fig("scoping_update");
    assert_eq!(scoping.verdict, Verdict::Late);
    assert_eq!(scoping.value, "6m (1m late)");
    assert!(scoping.rule.contains("PagerDuty"), "{}", scoping.rule);
    assert_eq!(fig("tasks").verdict, Verdict::Missed);
    assert_eq!(fig("verification").verdict, Verdict::Missed);
    assert!(!db.closed);
    assert_eq!(db.facts[0].after_seconds, None);

    // Skipping the first update is scored late, as "not done".
    let mut skipped = drill_incident();
    act(
        &mut skipped,
        30,
        Action::Transition {
            to: Status::Acknowledged,
            force: false,
            reason: None,
        },
    );
    let first = |d: &crate::model::IncidentDetail, now| {
        let db = debrief::score(d, None, &Policy::default(), now).unwrap();
        let f = db
            .figures
            .iter()
            .find(|f| f.key == "initial_update")
            .unwrap()
            .clone();
        (f.verdict, f.value)
    };
    // Before it is due, it is only noted...
    assert_eq!(
        first(&skipped, t0() + Duration::minutes(3)),
        (Verdict::Noted, "not yet (due in 2m)".to_string())
    );
    // ...past its time, late...
    assert_eq!(
        first(&skipped, t0() + Duration::minutes(6)),
        (Verdict::Late, "not done".to_string())
    );
    // ...and closing the drill early without it is late too.
    for to in &Status::ALL[2..] {
        act(
            &mut skipped,
            120,
            Action::Transition {
                to: *to,
                force: true,
                reason: Some("drill over".into()),
            },
        );
    }
    assert_eq!(
        first(&skipped, t0() + Duration::minutes(3)),
        (Verdict::Late, "not done".to_string())
    );
}

#[test]
fn the_debrief_counts_forced_transitions_and_verification() {
    let mut d = drill_incident();
    act(
        &mut d,
        10,
        Action::Transition {
            to: Status::Acknowledged,
            force: false,
            reason: None,
        },
    );
    let db = debrief::score(&d, None, &Policy::default(), t0()).unwrap();
    assert_eq!(
        db.figures
            .iter()
            .find(|f| f.key == "acknowledge")
            .unwrap()
            .seconds,
        Some(10)
    );
    assert!(debrief::score(&drill_incident(), None, &Policy::default(), t0()).is_some());
    let mut real = drill_incident();
    real.incident.drill = None;
    assert!(
        debrief::score(&real, None, &Policy::default(), t0()).is_none(),
        "only drills"
    );
}

#[test]
fn a_drill_never_goes_on_the_public_status_page() {
    let mut d = drill_incident();
    let ic = Actor {
        handle: "alice".into(),
        role: ActorRole::Commander,
    };
    let e = apply(
        &mut d,
        Action::Publish(crate::model::public::PublishRequest {
            public: true,
            title: Some("Checkout degraded".into()),
        }),
        &ic,
        t0(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("drill"), "{e}");
}
