//! The postmortem of a scripted incident: every section, durations equal
//! to those of the event times, structure checked by a CommonMark parser,
//! and hostile text kept inside its paragraph.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::TestServer;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::json;
use warroom::model::wire::{DeclareRequest, PatchRequest};
use warroom::model::{
    Action, Actor, ActorRole, IncidentId, RunbookSet, Severity, Status, apply, declare,
};
use warroom::server::store::{next_id, save};

const HOSTILE: &str = "# Heading from a note\n\n- a list\n<script>alert(1)</script> [click](javascript:alert(1)) `code` | pipe |\n---\n***";

fn at(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap() + Duration::minutes(min)
}

fn ic() -> Actor {
    Actor {
        handle: "alice".into(),
        role: ActorRole::Commander,
    }
}

/// Declared at 0 (the alert fired at -5, impact from -15), acknowledged
/// at +3, contained at +30, resolved at +50, verified at +60; closed at
/// +70 when `close`.
/// [`scripted_here`] off the test's async thread (the store blocks).
fn scripted(t: &TestServer, close: bool) -> IncidentId {
    common::off_runtime(|| scripted_here(t, close))
}

fn scripted_here(t: &TestServer, close: bool) -> IncidentId {
    let mut id = IncidentId(0);
    t.server
        .store
        .write(None, |tx| {
            id = next_id(tx)?;
            let req = DeclareRequest {
                title: "Checkout <b>502s</b> # [x](y)".into(),
                service: "checkout".into(),
                severity: Severity::Sev2,
                summary: "Payments failed.\n\n# not a heading".into(),
                commander: None,
                tags: vec!["payments".into()],
            };
            let checklists = RunbookSet::default().for_service("checkout").checklists();
            let mut d = declare(id, req, &ic(), checklists, at(0))?;
            let step = |d: &mut warroom::model::IncidentDetail, min: i64, a: Action| {
                apply(d, a, &ic(), at(min))
            };
            let go = |to: Status, force: bool| Action::Transition {
                to,
                force,
                reason: force.then(|| "customers first | *now*".to_string()),
            };
            step(
                &mut d,
                1,
                Action::Alert {
                    alert: "CheckoutErrors".into(),
                    firing: true,
                    detail: None,
                    facts: Default::default(),
                },
            )?;
            step(
                &mut d,
                2,
                Action::Patch(PatchRequest {
                    impact_started_at: Some(at(-15)),
                    ..Default::default()
                }),
            )?;
            step(&mut d, 3, go(Status::Acknowledged, false))?;
            step(&mut d, 5, go(Status::Investigating, false))?;
            step(
                &mut d,
                6,
                Action::Note {
                    text: HOSTILE.into(),
                    written_at: None,
                },
            )?;
            step(
                &mut d,
                7,
                Action::Patch(PatchRequest {
                    severity: Some(Severity::Sev1),
                    ..Default::default()
                }),
            )?;
            state_document(&mut d)?;
            step(&mut d, 10, go(Status::Identified, true))?;
            step(
                &mut d,
                12,
                Action::StakeholderUpdate {
                    text: "Checkout degraded.\n## sneaky".into(),
                    written_at: None,
                    audience: Default::default(),
                    stage: None,
                    data_loss: None,
                },
            )?;
            step(&mut d, 30, go(Status::Contained, true))?;
            step(&mut d, 50, go(Status::Resolved, true))?;
            step(&mut d, 60, go(Status::Verified, true))?;
            if close {
                step(&mut d, 70, go(Status::Closed, true))?;
            }
            // The alert fired before anyone declared anything.
            d.timeline[1].at = at(-5);
            save(tx, &d, 0, None)?;
            Ok((200, String::new()))
        })
        .unwrap();
    id
}

/// A hypothesis in hostile text ruled out, a decision, a task done late
/// and command handed to dana, between minutes 7 and 9.
fn state_document(
    d: &mut warroom::model::IncidentDetail,
) -> Result<(), warroom::model::DomainError> {
    use warroom::model::ResponderAction;
    use warroom::model::state_doc::{CommandAction, DecideRequest, HypothesisAction, TaskAction};
    let dana = Actor {
        handle: "dana".into(),
        role: ActorRole::Commander,
    };
    let t = |s: i64| at(7) + Duration::seconds(s);
    apply(
        d,
        Action::Hypothesis(HypothesisAction::Add {
            text: HOSTILE.into(),
            evidence: vec![1],
        }),
        &ic(),
        t(1),
    )?;
    apply(
        d,
        Action::Hypothesis(HypothesisAction::RuleOut {
            hypothesis: 1,
            why: "pool at 30% | *fine*".into(),
        }),
        &ic(),
        t(2),
    )?;
    apply(
        d,
        Action::Decide(DecideRequest {
            text: "Roll back | now".into(),
            why: "the deploy".into(),
            objections_asked: true,
            supersedes: None,
        }),
        &ic(),
        t(3),
    )?;
    apply(
        d,
        Action::Responder(ResponderAction::Page {
            handle: "bob".into(),
            name: None,
            role: warroom::model::Role::OperationsLead,
        }),
        &ic(),
        t(4),
    )?;
    apply(
        d,
        Action::Task(TaskAction::Add {
            title: "Roll back <b>4.2</b>".into(),
            owner: Some("bob".into()),
            due: Some("1m".into()),
        }),
        &ic(),
        t(5),
    )?;
    let bob = Actor {
        handle: "bob".into(),
        role: ActorRole::Responder,
    };
    apply(
        d,
        Action::Task(TaskAction::Done {
            task: 1,
            result: "rolled back".into(),
        }),
        &bob,
        t(90),
    )?;
    apply(
        d,
        Action::Command(CommandAction::Offer { to: "dana".into() }),
        &ic(),
        t(100),
    )?;
    let v = d.incident.version;
    apply(
        d,
        Action::Command(CommandAction::Accept { brief_version: v }),
        &dana,
        t(110),
    )?;
    Ok(())
}

#[tokio::test]
async fn the_postmortem_has_every_section_true_durations_and_contained_hostile_text() {
    let t = TestServer::start().await;
    let id = scripted(&t, true);
    let (s, f) = t
        .post(
            &format!("/incidents/{id}/followups"),
            &t.responder,
            json!({"title": "Alert on pool <saturation>", "owner": "marco", "due": "2026-12-01"}),
        )
        .await;
    assert_eq!(s, 201, "{f}");

    let (s, j) = t
        .get(
            &format!("/incidents/{id}/postmortem?format=json"),
            &t.viewer,
        )
        .await;
    assert_eq!(s, 200, "{j}");
    let d = &j["durations_seconds"];
    assert_eq!(
        d["impact_to_detect"],
        10 * 60,
        "impact -15 to the alert at -5"
    );
    assert_eq!(d["detect_to_acknowledge"], 8 * 60);
    assert_eq!(d["detect_to_contain"], 35 * 60);
    assert_eq!(d["detect_to_resolve"], 55 * 60);
    assert_eq!(d["resolve_to_verify"], 10 * 60);
    assert_eq!(j["draft"], false);
    assert_eq!(j["forced_transitions"].as_array().unwrap().len(), 5);

    let r = t
        .req(
            reqwest::Method::GET,
            &format!("/incidents/{id}/postmortem"),
            &t.viewer,
        )
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/markdown")
    );
    let md = r.text().await.unwrap();
    let mut h1 = Vec::new();
    let mut h2 = Vec::new();
    let mut h3 = 0;
    let (mut in_heading, mut level, mut text) = (false, HeadingLevel::H1, String::new());
    let mut table_cells = Vec::new();
    let mut in_cell = false;
    for ev in Parser::new_ext(&md, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::Heading { level: l, .. }) => {
                in_heading = true;
                level = l;
                text.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                match level {
                    HeadingLevel::H1 => h1.push(text.clone()),
                    HeadingLevel::H2 => h2.push(text.clone()),
                    HeadingLevel::H3 => h3 += 1,
                    l => panic!("unexpected heading {l:?}: {text}"),
                }
            }
            Event::Start(Tag::TableCell) => {
                in_cell = true;
                table_cells.push(String::new());
            }
            Event::End(TagEnd::TableCell) => in_cell = false,
            Event::Text(s) | Event::Code(s) => {
                if in_heading {
                    text.push_str(&s);
                }
                if in_cell {
                    table_cells.last_mut().unwrap().push_str(&s);
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML in the document: {h}"),
            Event::Start(Tag::Link { dest_url, .. }) => panic!("a link was made: {dest_url}"),
            Event::Rule => panic!("a note drew a rule"),
            _ => {}
        }
    }
    assert_eq!(
        h1,
        vec![format!("Postmortem: {id} Checkout <b>502s</b> # [x](y)")]
    );
    for want in [
        "Summary and impact",
        "Severity history",
        "Key durations",
        "Timeline",
        "Narrative",
        "Responders and roles",
        "Checklists",
        "Stakeholder updates",
        "Decisions",
        "Hypotheses",
        "Tasks",
        "Changes of command",
        "Follow-up actions",
        "Root causes",
        "Trigger",
        "What went well",
        "What went wrong",
        "Where we got lucky",
        "Lessons",
    ] {
        assert!(h2.iter().any(|h| h == want), "no section {want}: {h2:?}");
    }
    assert_eq!(h2.len(), 19, "hostile text made no headings: {h2:?}");
    assert!(h3 >= 5, "the timeline is grouped by phase ({h3})");
    assert_eq!(
        table_cells[..14],
        [
            "Interval",
            "Duration",
            "Impact to detection",
            "10m",
            "Detection to acknowledgement",
            "8m",
            "Detection to containment",
            "35m",
            "Detection to resolution",
            "55m",
            "Resolution to verification",
            "10m",
            "Customer impact",
            "1h05m",
        ]
    );
    // Every duration says what it measures.
    assert!(
        md.contains("- **Customer impact**: from impact start (`impact_started_at`"),
        "{md}"
    );
    assert!(
        md.contains("- **Detection to resolution**: from detection"),
        "{md}"
    );
    assert!(
        md.contains("**FORCED investigating → identified**"),
        "forced, in bold"
    );
    assert!(
        md.contains("customers first \\| \\*now\\*"),
        "its reason, escaped"
    );
    std::fs::write(
        std::env::temp_dir().join("warroom-postmortem-sample.md"),
        &md,
    )
    .unwrap();
    assert!(
        md.contains("Alert on pool &lt;saturation&gt;"),
        "follow-ups listed"
    );
    assert!(
        md.contains("SEV2") && md.contains("SEV1"),
        "severity history"
    );
    assert!(
        md.contains("(**skipped**)"),
        "skipped checklist items are named"
    );
    // The state document's sections: what ruled the hypothesis out, the
    // decision, the task and who did it (late), the change of command.
    assert!(md.contains("**ruled out** by alice"), "{md}");
    assert!(md.contains("pool at 30% \\| \\*fine\\*"), "escaped why");
    assert!(md.contains("Roll back \\| now"), "{md}");
    assert!(md.contains("objections asked"));
    assert_eq!(
        &table_cells[14..20],
        ["#", "Task", "Owner", "Given", "Time box", "Outcome"]
    );
    assert!(
        table_cells[21] == "Roll back <b>4.2</b>" && table_cells[22] == "bob",
        "the task's cells, its HTML shown as text: {:?}",
        &table_cells[20..]
    );
    assert!(
        table_cells[25].starts_with("done by bob") && table_cells[25].contains("(late)"),
        "{:?}",
        &table_cells[20..]
    );
    assert!(
        md.contains("dana accepted command from alice (read the brief at version"),
        "{md}"
    );
    // The one update came at minute 12; the initial one (SEV2 then) was
    // due at 5: the review sees it late, by how much, at which stage.
    assert!(
        md.contains(
            "1 sent (0 public, 1 internal); of the 1 the cadence asked for, 0 on time, **1 late**"
        ),
        "{md}"
    );
    assert!(
        md.contains("**late by 7m** (initial update, due 2026-11-20 09:05 UTC)"),
        "{md}"
    );
}

#[tokio::test]
async fn a_postmortem_needs_a_resolved_incident_and_an_unclosed_one_is_a_draft() {
    let t = TestServer::start().await;
    let open = t.declare("Still burning", "SEV1").await;
    let (s, e) = t
        .get(&format!("/incidents/{open}/postmortem"), &t.viewer)
        .await;
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("resolved"));
    let verified = scripted(&t, false);
    let md = t
        .req(
            reqwest::Method::GET,
            &format!("/incidents/{verified}/postmortem"),
            &t.viewer,
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(md.contains("**DRAFT**"), "{md}");
    let (s, _) = t
        .get(
            &format!("/incidents/{verified}/postmortem?format=pdf"),
            &t.viewer,
        )
        .await;
    assert_eq!(s, 400);
    let (s, _) = t.get("/incidents/INC-404/postmortem", &t.viewer).await;
    assert_eq!(s, 404);
}
