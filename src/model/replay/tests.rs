use chrono::{TimeZone, Utc};

use super::*;
use crate::model::state_doc::{HypothesisAction, TaskAction};
use crate::model::wire::{DeclareRequest, PatchRequest};
use crate::model::{IncidentId, ResponderAction, Role, Severity, Status, declare};

fn at(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 6, 14, 0, 0).unwrap() + chrono::Duration::minutes(min)
}

fn ic() -> Actor {
    Actor {
        handle: "alice".into(),
        role: ActorRole::Commander,
    }
}

fn base() -> IncidentDetail {
    let req = DeclareRequest {
        title: "checkout 500s".into(),
        service: "checkout".into(),
        severity: Severity::Sev2,
        summary: String::new(),
        commander: None,
        tags: vec![],
    };
    declare(IncidentId(7), req, &ic(), vec![], at(0)).unwrap()
}

/// A story of every kind of change: status, people, fields, the state
/// document, updates.
fn story() -> Vec<Action> {
    vec![
        Action::Responder(ResponderAction::Page {
            handle: "bob".into(),
            name: Some("Bob".into()),
            role: Role::SubjectMatterExpert,
        }),
        Action::Transition {
            to: Status::Acknowledged,
            force: false,
            reason: None,
        },
        Action::Hypothesis(HypothesisAction::Add {
            text: "the 14:00 deploy".into(),
            evidence: vec![],
        }),
        Action::Patch(PatchRequest {
            severity: Some(Severity::Sev1),
            title: Some("checkout down".into()),
            ..Default::default()
        }),
        Action::Task(TaskAction::Add {
            title: "roll back".into(),
            owner: Some("bob".into()),
            due: Some("10m".into()),
        }),
        Action::Transition {
            to: Status::Investigating,
            force: true,
            reason: Some("drill".into()),
        },
        Action::Hypothesis(HypothesisAction::Confirm {
            hypothesis: 1,
            why: Some("errors stop on rollback".into()),
        }),
        Action::Note {
            text: "rollback done".into(),
            written_at: None,
        },
    ]
}

/// The live incident after each change, and the journal it recorded.
fn live() -> (IncidentDetail, Vec<IncidentDetail>, Vec<JournalEntry>) {
    let mut d = base();
    let start = d.clone();
    let mut states = Vec::new();
    for (i, a) in story().into_iter().enumerate() {
        apply(&mut d, a, &ic(), at(i as i64 + 1)).unwrap();
        let mut s = d.clone();
        s.timeline.clear();
        states.push(s);
    }
    let journal = d.journal.entries().to_vec();
    (start, states, journal)
}

#[test]
fn every_change_is_journaled_with_the_seqs_it_wrote() {
    let (_, states, journal) = live();
    assert_eq!(journal.len(), states.len());
    for (e, s) in journal.iter().zip(&states) {
        assert_eq!(e.last_seq, s.incident.last_seq);
        assert!(e.first_seq <= e.last_seq);
    }
    // Contiguous: each change starts where the last ended.
    for w in journal.windows(2) {
        assert_eq!(w[1].first_seq, w[0].last_seq + 1);
    }
    assert_eq!(journal[1].kind(), "transition");
    assert_eq!(journal[0].kind(), "change");
}

#[test]
fn replay_to_each_change_gives_the_state_apply_gave() {
    let (start, states, journal) = live();
    for (n, want) in states.iter().enumerate() {
        let got = replay(start.clone(), journal[..=n].iter().cloned()).unwrap();
        assert_eq!(&got, want, "after change {n}");
        // Not just equal by the ignored journal: the fields that matter.
        assert_eq!(got.incident.severity, want.incident.severity);
        assert_eq!(got.state, want.state);
        assert_eq!(got.incident.version, want.incident.version);
    }
}

#[test]
fn replay_from_a_snapshot_skips_what_it_holds() {
    let (_, states, journal) = live();
    let snap = states[3].clone();
    let got = replay(snap, journal.iter().cloned()).unwrap();
    assert_eq!(&got, states.last().unwrap());
}

#[test]
fn the_journal_survives_json() {
    let (start, states, journal) = live();
    let json = serde_json::to_string(&journal).unwrap();
    let back: Vec<JournalEntry> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, journal);
    assert_eq!(&replay(start, back).unwrap(), states.last().unwrap());
}

#[test]
fn a_gap_or_a_change_that_lands_elsewhere_is_reported() {
    let (start, _, journal) = live();
    let gap: Vec<_> = journal.iter().skip(1).cloned().collect();
    let err = replay(start.clone(), gap).unwrap_err();
    assert!(err.0.contains("no change for seq 2"), "{err}");
    let mut wrong = journal.clone();
    wrong[0].last_seq += 3;
    let err = replay(start.clone(), wrong).unwrap_err();
    assert!(err.0.contains("when applied again"), "{err}");
    // A change the state refuses (confirming a hypothesis never raised).
    let mut refused = journal[..1].to_vec();
    refused.push(JournalEntry {
        first_seq: journal[0].last_seq + 1,
        action: Action::Hypothesis(HypothesisAction::Confirm {
            hypothesis: 9,
            why: None,
        }),
        ..journal[0].clone()
    });
    let err = replay(start, refused).unwrap_err();
    assert!(err.0.contains("refused when applied again"), "{err}");
}

#[test]
fn steps_read_back_from_their_names() {
    for s in [
        Step::NextPhase,
        Step::PrevPhase,
        Step::NextMinute,
        Step::PrevMinute,
    ] {
        assert_eq!(s.as_str().parse::<Step>().unwrap(), s);
    }
    assert!(
        "sideways"
            .parse::<Step>()
            .unwrap_err()
            .contains("next-phase")
    );
}
