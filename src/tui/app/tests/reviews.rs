//! The review after the outage in the console: resolving a SEV1 asks for
//! its owner (the palette opens on `review-owner `), and `:reviews` lists
//! the open reviews, the overdue loud.

use super::*;
use crate::model::review::{Review, ReviewEntry, ReviewStep};
use crate::model::{ReviewAction, ReviewStatus};
use crate::tui::dialogs::{Effect, Outcome};
use crate::tui::fixtures::{clock, incident};

#[test]
fn resolving_a_sev1_asks_for_its_review_owner() {
    let mut app = sample_app(120, 40);
    let d = incident(
        90,
        "Checkout down",
        "checkout",
        Severity::Sev1,
        30,
        Status::Contained,
        0,
    );
    let mut all = app.board.incidents.clone();
    all.push(d.incident.clone());
    update(
        &mut app,
        Msg::Feed(Feed::List {
            incidents: all,
            at: clock(),
        }),
    );
    app.select(Some(IncidentId(90)));
    let op = WriteOp::Transition {
        id: IncidentId(90),
        body: crate::model::wire::TransitionRequest {
            to: Status::Resolved,
            force: false,
            reason: None,
        },
    };
    let cmds =
        super::super::dialog_outcome::apply(&mut app, Outcome::close().with(Effect::Write(op)));
    let Some(Command::Write(Outgoing::Send(w))) = cmds
        .iter()
        .find(|c| matches!(c, Command::Write(Outgoing::Send(_))))
    else {
        panic!("{cmds:?}")
    };
    let mut resolved = d.clone();
    resolved.incident.status = Status::Resolved;
    resolved.incident.version += 1;
    update(
        &mut app,
        Msg::Delivery(Delivery::Delivered {
            key: w.key.clone(),
            answer: Some(Box::new(resolved.into())),
        }),
    );
    assert!(
        matches!(app.dialog, Some(Dialog::Palette(_))),
        "the palette asks for the owner"
    );
    assert!(app.notice.as_ref().unwrap().0.contains("review owner"));
    typ(&mut app, "dana");
    let cmds = key(&mut app, KeyCode::Enter);
    let ops = sent(&cmds);
    assert!(
        matches!(
            ops[..],
            [WriteOp::Review {
                id: IncidentId(90),
                body: ReviewAction::Assign { owner }
            }] if owner == "dana"
        ),
        "{ops:?}"
    );
}

#[test]
fn reviews_lists_the_open_reviews_with_the_overdue_loud() {
    let mut app = sample_app(120, 40);
    ch(&mut app, ':');
    typ(&mut app, "reviews");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(cmds.contains(&Command::Read(Read::Reviews)), "{cmds:?}");
    let due = clock() - chrono::Duration::hours(2);
    let entry = ReviewEntry {
        incident: "INC-1".into(),
        title: "Payments DB pool exhausted".into(),
        severity: "SEV1".into(),
        review: Review {
            owner: "dana".into(),
            status: ReviewStatus::Draft,
            due: due + chrono::Duration::days(1),
            draft_due: due,
            steps: vec![ReviewStep {
                status: ReviewStatus::Draft,
                by: "alice".into(),
                at: due,
            }],
        },
        next: Some("draft".into()),
        next_due: Some(due),
        overdue: true,
    };
    update(&mut app, Msg::Reviews(Ok(vec![entry])));
    let text = screen(&app, 120, 40);
    assert!(text.contains("Reviews after the outage"), "{text}");
    assert!(
        text.contains("dana") && text.contains("OVERDUE draft"),
        "{text}"
    );
    // Enter opens the incident.
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(app.dialog.is_none());
    assert_eq!(app.selected, Some(IncidentId(1)), "{cmds:?}");
}
