//! The live SEV1's state document in the demo, told at the moments it
//! happened: two hypotheses (one a red herring, ruled out), the decision
//! to roll back, a late hypothesis still open, and tasks with time boxes
//! (one already past when the demo starts).

use super::demo_story::Story;
use crate::model::Action;
use crate::model::state_doc::{DecideRequest, HypothesisAction, TaskAction};

fn hyp(text: &str, evidence: Vec<u64>) -> Action {
    Action::Hypothesis(HypothesisAction::Add {
        text: text.into(),
        evidence,
    })
}

/// The timeline entry (by tag and words) a hypothesis rests on.
fn seq_of(s: &Story, tag: &str, text: &str) -> Option<u64> {
    s.d.timeline
        .iter()
        .find(|e| e.kind.tag() == tag && e.kind.describe().contains(text))
        .map(|e| e.seq)
}

/// Minutes 21–24: the CDN ruled out, the pool confirmed.
pub(super) fn hypotheses(s: &mut Story) {
    let deploy = seq_of(s, "note", "matches deploy");
    let pool = seq_of(s, "alert", "PaymentsDBConnectionsSaturated");
    s.at(21, "marco", hyp("CDN edge misconfiguration", Vec::new()))
        .at(
            22,
            "marco",
            hyp(
                "payments-db pool exhausted since deploy v2024.11.3",
                deploy.into_iter().chain(pool).collect(),
            ),
        )
        .at(
            23,
            "alice",
            Action::Hypothesis(HypothesisAction::RuleOut {
                hypothesis: 1,
                why: "edge 5xx flat; the errors come from the origin".into(),
            }),
        )
        .at(
            24,
            "alice",
            Action::Hypothesis(HypothesisAction::Confirm {
                hypothesis: 2,
                why: Some("v2024.11.3 dropped the pool timeout (diff reviewed)".into()),
            }),
        );
}

/// Minute 28: the rollback, objections asked first.
pub(super) fn decision(s: &mut Story) {
    s.at(
        28,
        "alice",
        Action::Decide(DecideRequest {
            text: "Roll back checkout-api to v2024.11.2".into(),
            why: "the deploy removed the pool timeout; rollback is the fastest safe fix".into(),
            objections_asked: true,
            supersedes: None,
        }),
    );
}

/// Minute 41: a hypothesis still open.
pub(super) fn late_hypothesis(s: &mut Story) {
    s.at(
        41,
        "alice",
        hyp(
            "retry storm from mobile clients keeps the pool full",
            Vec::new(),
        ),
    );
}

/// Minutes 53–58: tasks with time boxes, the last already past at start.
pub(super) fn tasks(s: &mut Story) {
    let task = |title: &str, owner: &str, due: &str| {
        Action::Task(TaskAction::Add {
            title: title.into(),
            owner: Some(owner.into()),
            due: Some(due.into()),
        })
    };
    s.at(
        53,
        "alice",
        task(
            "Finish the rollback to v2024.11.2 in us-east",
            "marco",
            "20m",
        ),
    )
    .at(
        56,
        "alice",
        task("Collect the error-rate graph for the review", "sam", "10m"),
    )
    .at(
        58,
        "alice",
        task("Confirm the pool timeout is back in config", "dana", "5m"),
    );
}
