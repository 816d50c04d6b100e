use chrono::TimeZone;

use super::*;
use crate::model::wire::DeclareRequest;
use crate::model::{Action, ActorRole, IncidentId, Severity, Status, apply, declare};

fn at(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 6, 14, 0, 0).unwrap() + chrono::Duration::minutes(min)
}

fn who(handle: &str, role: ActorRole) -> Actor {
    Actor {
        handle: handle.into(),
        role,
    }
}

fn incident() -> IncidentDetail {
    let req = DeclareRequest {
        title: "checkout 500s".into(),
        service: "checkout".into(),
        severity: Severity::Sev1,
        summary: String::new(),
        commander: None,
        tags: vec![],
    };
    let ic = who("alice", ActorRole::Commander);
    let mut d = declare(IncidentId(3), req, &ic, vec![], at(0)).unwrap();
    for n in 1..=3 {
        let note = Action::Note {
            text: format!("note {n}"),
            written_at: None,
        };
        apply(&mut d, note, &ic, at(n)).unwrap();
    }
    d
}

fn curate_as(d: &mut IncidentDetail, a: CurateAction, by: &Actor) -> Result<(), DomainError> {
    apply(d, Action::Curate(a), by, at(30))
}

#[test]
fn tags_pins_and_corrections_are_kept_by_seq_and_audited_on_the_timeline() {
    let mut d = incident();
    let scribe = who("sam", ActorRole::Responder);
    let tag = CurateAction::Tag {
        seq: 2,
        tags: vec!["mitigation".into(), "detection".into(), "mitigation".into()],
    };
    curate_as(&mut d, tag, &scribe).unwrap();
    curate_as(
        &mut d,
        CurateAction::Pin {
            seq: 2,
            pinned: true,
        },
        &scribe,
    )
    .unwrap();
    let fix = CurateAction::Correct {
        seq: 2,
        at: Some(at(-5)),
        text: None,
        why: "the bastion's clock ran 5 minutes fast".into(),
    };
    curate_as(&mut d, fix, &scribe).unwrap();
    let c = &d.state.curation[&2];
    assert_eq!(c.tags, ["detection", "mitigation"], "sorted, once each");
    assert!(c.pinned);
    assert_eq!(c.corrected_at(), Some(at(-5)));
    assert_eq!(c.corrected_text(), None);
    let k = &c.corrections[0];
    assert_eq!((k.by.as_str(), k.when), ("sam", at(30)));
    // The original event is untouched; the audit is on the timeline.
    let original = d.timeline.iter().find(|e| e.seq == 2).unwrap();
    assert_eq!(original.at, at(1));
    let audit: Vec<String> = d
        .timeline
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Curated { .. }))
        .map(|e| format!("{} {}", e.author, e.kind.describe()))
        .collect();
    assert_eq!(
        audit,
        [
            "sam #2 tagged detection, mitigation",
            "sam #2 pinned",
            "sam #2 corrected time to 2026-03-06 13:55:00 UTC (the bastion's clock ran 5 minutes fast)",
        ]
    );
    // A later text correction leaves the time correction in force.
    let words = CurateAction::Correct {
        seq: 2,
        at: None,
        text: Some("rolled back 4.2".into()),
        why: "typo".into(),
    };
    curate_as(&mut d, words, &scribe).unwrap();
    let c = &d.state.curation[&2];
    assert_eq!(c.corrected_text(), Some("rolled back 4.2"));
    assert_eq!(c.corrected_at(), Some(at(-5)));
}

#[test]
fn what_cannot_be_curated_is_refused_with_the_reason() {
    let mut d = incident();
    let scribe = who("sam", ActorRole::Responder);
    let no_event = CurateAction::Pin {
        seq: 99,
        pinned: true,
    };
    let e = curate_as(&mut d, no_event, &scribe).unwrap_err();
    assert!(e.to_string().contains("no event 99"), "{e}");
    let empty = CurateAction::Correct {
        seq: 2,
        at: None,
        text: Some("  ".into()),
        why: "x".into(),
    };
    let e = curate_as(&mut d, empty, &scribe).unwrap_err();
    assert!(e.to_string().contains("`at`"), "{e}");
    let future = CurateAction::Correct {
        seq: 2,
        at: Some(at(90)),
        text: None,
        why: "x".into(),
    };
    assert!(curate_as(&mut d, future, &scribe).is_err());
    let unpin = CurateAction::Pin {
        seq: 2,
        pinned: false,
    };
    let e = curate_as(&mut d, unpin, &scribe).unwrap_err();
    assert!(e.to_string().contains("already not pinned"), "{e}");
    let many = CurateAction::Tag {
        seq: 2,
        tags: (0..9).map(|i| format!("t{i}")).collect(),
    };
    assert!(curate_as(&mut d, many, &scribe).is_err());
    // A viewer cannot; nothing changed on the way.
    let viewer = who("noc", ActorRole::Viewer);
    let pin = CurateAction::Pin {
        seq: 2,
        pinned: true,
    };
    assert!(curate_as(&mut d, pin, &viewer).is_err());
    assert!(d.state.curation.is_empty());
    // Tags outside the policy's set are named with the set.
    let odd = CurateAction::Tag {
        seq: 2,
        tags: vec!["blame".into()],
    };
    let allowed: Vec<String> = DEFAULT_TAGS.iter().map(|t| t.to_string()).collect();
    let e = odd.check_tags(&allowed).unwrap_err().to_string();
    assert!(e.contains("`blame`") && e.contains("red-herring"), "{e}");
}

#[test]
fn a_closed_incident_is_still_curated_and_removing_everything_forgets_the_event() {
    let mut d = incident();
    let ic = who("alice", ActorRole::Commander);
    for to in [
        Status::Acknowledged,
        Status::Investigating,
        Status::Identified,
        Status::Contained,
        Status::Resolved,
        Status::Verified,
        Status::Closed,
    ] {
        let step = Action::Transition {
            to,
            force: true,
            reason: Some("test".into()),
        };
        apply(&mut d, step, &ic, at(20)).unwrap();
    }
    let tag = CurateAction::Tag {
        seq: 3,
        tags: vec!["red-herring".into()],
    };
    curate_as(&mut d, tag, &ic).unwrap();
    assert!(d.state.curation.contains_key(&3));
    let untag = CurateAction::Tag {
        seq: 3,
        tags: vec![],
    };
    curate_as(&mut d, untag, &ic).unwrap();
    assert!(
        d.state.curation.is_empty(),
        "nothing kept for an uncurated event"
    );
    // Other changes stay refused on a closed incident.
    let note = Action::Note {
        text: "late".into(),
        written_at: None,
    };
    assert!(apply(&mut d, note, &ic, at(31)).is_err());
}

#[test]
fn the_audit_entry_survives_json_whole() {
    // Its fields sit beside the entry's own (`seq`, `at`, `author`): a
    // clash would lose one of them on the way back.
    let mut d = incident();
    let pin = CurateAction::Pin {
        seq: 2,
        pinned: true,
    };
    curate_as(&mut d, pin, &who("sam", ActorRole::Responder)).unwrap();
    let e = d.timeline.last().unwrap().clone();
    let back: crate::model::TimelineEvent =
        serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    assert_eq!(back, e);
    assert_eq!(back.seq, 5);
    assert!(matches!(back.kind, EventKind::Curated { event: 2, .. }));
}

#[test]
fn corrections_are_bounded_per_event_and_in_length() {
    let mut d = incident();
    let scribe = who("sam", ActorRole::Responder);
    let fix = |n: usize| CurateAction::Correct {
        seq: 2,
        at: None,
        text: Some(format!("take {n}")),
        why: "again".into(),
    };
    for n in 0..MAX_CORRECTIONS {
        curate_as(&mut d, fix(n), &scribe).unwrap();
    }
    let e = curate_as(&mut d, fix(99), &scribe).unwrap_err().to_string();
    assert!(e.contains("10 corrections"), "{e}");
    let long = CurateAction::Correct {
        seq: 3,
        at: None,
        text: Some("x".into()),
        why: "w".repeat(MAX_WHY + 1),
    };
    assert!(curate_as(&mut d, long, &scribe).is_err());
    assert_eq!(d.state.curation[&2].corrected_text(), Some("take 9"));
}
