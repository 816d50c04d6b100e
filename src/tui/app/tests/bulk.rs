//! Bulk actions: Space marks rows, `*` marks what the filter shows, and
//! `a` / `R` / `i` / `z` then act on every marked incident through one
//! confirmation, one write each; above five the count is typed.

use super::*;
use crate::tui::fixtures::{clock, incident};

/// A console over `n` triggered incidents and the sample's others.
fn storm(n: u64) -> App {
    let mut app = sample_app(120, 40);
    let mut all: Vec<_> = app.board.incidents.clone();
    for k in 0..n {
        let d = incident(
            100 + k,
            &format!("popstorm 5xx {k}"),
            "edge",
            Severity::Sev3,
            5,
            Status::Triggered,
            0,
        );
        all.push(d.incident);
    }
    update(
        &mut app,
        Msg::Feed(Feed::List {
            incidents: all,
            at: clock(),
        }),
    );
    app
}

fn transitions(cmds: &[Command]) -> Vec<IncidentId> {
    sent(cmds)
        .into_iter()
        .filter_map(|w| match w {
            WriteOp::Transition { id, body } if body.to == Status::Acknowledged => Some(*id),
            _ => None,
        })
        .collect()
}

#[test]
fn space_marks_rows_and_a_acknowledges_the_marked_after_one_confirmation() {
    let mut app = storm(3);
    // Mark the three edge incidents (they are listed after the sample's).
    app.filter.text = "popstorm".into();
    app.refilter_for_filter();
    assert_eq!(app.visible.len(), 3);
    for _ in 0..3 {
        ch(&mut app, ' ');
    }
    assert_eq!(app.marked.len(), 3, "Space marks and moves on");
    assert!(screen(&app, 120, 40).contains("3 marked"));
    assert!(screen(&app, 120, 40).contains("● popstorm 5xx 0"));
    // a: one confirmation naming them, nothing sent yet.
    let cmds = ch(&mut app, 'a');
    assert!(sent(&cmds).is_empty());
    let s = screen(&app, 120, 40);
    assert!(s.contains("Acknowledge 3 incident(s)?"), "{s}");
    assert!(s.contains("INC-100, INC-101, INC-102"), "{s}");
    let cmds = key(&mut app, KeyCode::Enter);
    let mut acked = transitions(&cmds);
    acked.sort();
    assert_eq!(
        acked,
        vec![IncidentId(100), IncidentId(101), IncidentId(102)]
    );
    assert!(app.marked.is_empty(), "sent: the marks go");
    // Each through the outbox with its own key.
    let keys: std::collections::BTreeSet<_> =
        app.pending.iter().map(|p| p.write.key.clone()).collect();
    assert_eq!(keys.len(), 3);
}

#[test]
fn twenty_marked_need_the_count_typed_and_the_ones_already_acknowledged_are_named() {
    let mut app = storm(20);
    ch(&mut app, '*');
    let marked = app.marked.len();
    assert_eq!(marked, app.visible.len(), "* marks every row shown");
    let cmds = ch(&mut app, 'a');
    assert!(sent(&cmds).is_empty());
    let s = screen(&app, 120, 40);
    assert!(s.contains("Acknowledge 20 incident(s)?"), "{s}");
    // The sample's three are past triggered: left out, by name.
    assert!(s.contains("Left out: INC-4 (already identified)"), "{s}");
    assert!(s.contains("type 20"), "{s}");
    // Enter alone, or a wrong count, sends nothing.
    assert!(sent(&key(&mut app, KeyCode::Enter)).is_empty());
    typ(&mut app, "2");
    assert!(sent(&key(&mut app, KeyCode::Enter)).is_empty());
    assert!(screen(&app, 120, 40).contains("type 20 (the number of incidents) to go on"));
    typ(&mut app, "0");
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(transitions(&cmds).len(), 20);
    // * again clears (after marking again).
    ch(&mut app, '*');
    ch(&mut app, '*');
    assert!(app.marked.is_empty());
}

#[test]
fn a_note_goes_to_every_marked_incident_and_esc_keeps_the_marks() {
    let mut app = storm(2);
    app.filter.text = "popstorm".into();
    app.refilter_for_filter();
    ch(&mut app, '*');
    ch(&mut app, 'i');
    // Esc: nothing sent, the marks stay.
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.marked.len(), 2);
    ch(&mut app, 'i');
    assert!(
        sent(&key(&mut app, KeyCode::Enter)).is_empty(),
        "no empty note"
    );
    typ(&mut app, "Edge 5xx are one outage: see INC-4");
    key(&mut app, KeyCode::Enter);
    let cmds = key(&mut app, KeyCode::Enter);
    let notes: Vec<_> = sent(&cmds)
        .into_iter()
        .filter_map(|w| match w {
            WriteOp::Note { id, body } => Some((*id, body.text.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(notes.len(), 2);
    assert!(
        notes
            .iter()
            .all(|(_, t)| t == "Edge 5xx are one outage: see INC-4")
    );
    // A read-only profile marks nothing into a write.
    let mut ro = storm(2);
    ro.caps = ro.caps.read_only();
    ch(&mut ro, '*');
    assert!(sent(&ch(&mut ro, 'a')).is_empty());
    assert!(ro.dialog.is_none());
}

#[test]
fn z_silences_every_marked_alert_group_with_its_matchers_shown_first() {
    let mut app = storm(3);
    // Two of the storm came from Alertmanager groups; one was declared.
    let mut all = app.board.incidents.clone();
    for i in all.iter_mut().filter(|i| i.title.starts_with("popstorm")) {
        if i.id != IncidentId(102) {
            i.alert_group = Some(crate::model::AlertGroupRef {
                receiver: "warroom".into(),
                labels: [("alertname".to_string(), format!("Edge5xx{}", i.id.0))].into(),
            });
        }
    }
    update(
        &mut app,
        Msg::Feed(Feed::List {
            incidents: all,
            at: clock(),
        }),
    );
    app.filter.text = "popstorm".into();
    app.refilter_for_filter();
    ch(&mut app, '*');
    ch(&mut app, 'z');
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("Silence the alerts of 2 incident(s)?"),
        "{text}"
    );
    assert!(
        text.contains("alertname=\"Edge5xx100\""),
        "matchers first: {text}"
    );
    assert!(
        text.contains("INC-102 (not opened by an alert group)"),
        "{text}"
    );
    assert!(text.contains("Each for 1h"), "{text}");
    key(&mut app, KeyCode::Tab);
    assert!(screen(&app, 120, 40).contains("Each for 2h"));
    assert!(
        sent(&key(&mut app, KeyCode::Enter)).is_empty(),
        "no comment"
    );
    typ(&mut app, "edge rollback under way");
    key(&mut app, KeyCode::Enter);
    let cmds = key(&mut app, KeyCode::Enter);
    let silenced: Vec<_> = sent(&cmds)
        .into_iter()
        .filter_map(|w| match w {
            WriteOp::Silence {
                id,
                comment,
                minutes,
            } => Some((*id, comment.clone(), *minutes)),
            _ => None,
        })
        .collect();
    assert_eq!(
        silenced,
        vec![
            (IncidentId(100), "edge rollback under way".to_string(), 120),
            (IncidentId(101), "edge rollback under way".to_string(), 120)
        ]
    );
    assert!(app.marked.is_empty());
}
