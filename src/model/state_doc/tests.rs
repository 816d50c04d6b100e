use chrono::{Duration, FixedOffset, TimeZone, Utc};

use super::*;
use crate::model::brief::Brief;
use crate::model::wire::DeclareRequest;
use crate::model::{Action, Actor, ActorRole, Policy, ResponderAction, Role, Severity, apply};

fn at(s: i64) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 14, 0, 0).unwrap() + Duration::seconds(s)
}

fn ic() -> Actor {
    Actor {
        handle: "alice".into(),
        role: ActorRole::Commander,
    }
}

fn incident() -> crate::model::IncidentDetail {
    let req = DeclareRequest {
        title: "Checkout 502s".into(),
        service: "checkout".into(),
        severity: Severity::Sev1,
        summary: String::new(),
        commander: None,
        tags: Vec::new(),
    };
    crate::model::declare(crate::model::IncidentId(1), req, &ic(), Vec::new(), at(0)).unwrap()
}

fn page(d: &mut crate::model::IncidentDetail, h: &str, role: Role) {
    let a = Action::Responder(ResponderAction::Page {
        handle: h.into(),
        name: None,
        role,
    });
    apply(d, a, &ic(), at(1)).unwrap();
}

fn give(d: &mut crate::model::IncidentDetail, owner: &str, due: &str, now: i64) {
    let a = Action::Task(TaskAction::Add {
        title: format!("for {owner}"),
        owner: Some(owner.into()),
        due: Some(due.into()),
    });
    apply(d, a, &ic(), at(now)).unwrap();
}

#[test]
fn time_boxes_are_said_as_people_say_them() {
    let m = |s| match TimeBox::parse(s) {
        Ok(TimeBox::In(d)) => d.num_seconds(),
        other => panic!("{s}: {other:?}"),
    };
    assert_eq!(m("5m"), 300);
    assert_eq!(m("90s"), 90);
    assert_eq!(m("1h30m"), 5400);
    assert_eq!(m("15"), 900, "a bare number is minutes");
    for bad in ["", "0m", "5x", "m", "-5m", "9999999m"] {
        assert!(TimeBox::parse(bad).is_err(), "{bad:?}");
    }
    assert!(TimeBox::In(Duration::hours(25)).ends(at(0)).is_err());
    assert!(TimeBox::At(at(-1)).ends(at(0)).is_err(), "in the past");
    // 14:30 is today in the console's zone; a time passed is refused.
    let cet = FixedOffset::east_opt(3600).unwrap();
    let now = cet.with_ymd_and_hms(2026, 12, 6, 14, 0, 0).unwrap();
    assert_eq!(
        resolve_due("14:30", now).unwrap(),
        "2026-12-06T13:30:00+00:00"
    );
    assert!(resolve_due("13:59", now).unwrap_err().contains("passed"));
    assert_eq!(resolve_due("5m", now).unwrap(), "5m");
    assert!(resolve_due("25:99", now).is_err());
}

#[test]
fn the_list_entry_counts_what_the_wallboard_and_automation_need() {
    let mut d = incident();
    page(&mut d, "bob", Role::OperationsLead);
    give(&mut d, "bob", "1m", 10);
    give(&mut d, "bob", "10m", 10);
    let c = d.incident.state_counts.clone();
    assert_eq!((c.open_tasks, c.overdue_tasks), (2, 0));
    assert_eq!(c.next_due, Some(at(70)));
    assert_eq!(c.overdue_at(at(69)), 0);
    assert_eq!(c.overdue_at(at(71)), 1);
    let auto = ic();
    apply(&mut d, Action::TaskOverdue { task: 1 }, &auto, at(71)).unwrap();
    let c = d.incident.state_counts.clone();
    assert_eq!((c.overdue_tasks, c.next_due), (1, Some(at(610))));
    // Noting it again changes nothing (no second event, no version).
    let v = d.incident.version;
    apply(&mut d, Action::TaskOverdue { task: 1 }, &auto, at(80)).unwrap();
    assert_eq!(d.incident.version, v);
}

#[test]
fn span_of_control_counts_people_reporting_to_the_ic() {
    let mut d = incident();
    for n in 0..8 {
        page(&mut d, &format!("p{n}"), Role::SubjectMatterExpert);
    }
    assert_eq!(
        span_of_control(&d).len(),
        8,
        "the IC is not in their own span"
    );
    let b = Brief::build(&d, &Policy::default(), at(5));
    assert!(b.over_span(), "8 > 7 (PagerDuty's span of control)");
    apply(
        &mut d,
        Action::Responder(ResponderAction::Release {
            handle: "p0".into(),
        }),
        &ic(),
        at(6),
    )
    .unwrap();
    let b = Brief::build(&d, &Policy::default(), at(7));
    assert_eq!(b.span_of_control, 7);
    assert!(!b.over_span());
    assert!(
        b.roles.iter().all(|p| p.handle != "p0"),
        "released people leave the brief"
    );
}

#[test]
fn the_brief_orders_tasks_by_time_left_and_keeps_the_last_update() {
    let mut d = incident();
    page(&mut d, "bob", Role::OperationsLead);
    give(&mut d, "bob", "10m", 10);
    give(&mut d, "bob", "1m", 10);
    apply(
        &mut d,
        Action::StakeholderUpdate {
            text: "We are rolling back".into(),
            written_at: None,
            audience: Default::default(),
            stage: None,
            data_loss: None,
        },
        &ic(),
        at(20),
    )
    .unwrap();
    let b = Brief::build(&d, &Policy::default(), at(100));
    assert_eq!(b.tasks_open[0].task.id, 2, "soonest first");
    assert_eq!(b.tasks_open[0].seconds_left, Some(-30), "overdue by 30s");
    assert_eq!(b.last_update.as_ref().unwrap().text, "We are rolling back");
    // The first update went out: the scoping one is due 5 minutes after.
    assert_eq!(b.next_update_due, Some(at(20) + Duration::minutes(5)));
    assert_eq!(
        b.next_update_stage,
        Some(crate::model::cadence::Stage::Scoping)
    );
}

#[test]
fn a_responder_proposes_and_closes_only_their_own() {
    let mut d = incident();
    page(&mut d, "bob", Role::OperationsLead);
    page(&mut d, "carol", Role::OperationsLead);
    give(&mut d, "carol", "5m", 10);
    let bob = Actor {
        handle: "bob".into(),
        role: ActorRole::Responder,
    };
    let propose = Action::Task(TaskAction::Add {
        title: "Check the CDN".into(),
        owner: Some("bob".into()),
        due: Some("1m".into()),
    });
    apply(&mut d, propose, &bob, at(20)).unwrap();
    assert_eq!(d.state.tasks[1].status, TaskStatus::Proposed);
    assert_eq!(d.state.tasks[1].owner, None);
    let done = |task| {
        Action::Task(TaskAction::Done {
            task,
            result: "x".into(),
        })
    };
    let e = apply(&mut d, done(1), &bob, at(21)).unwrap_err();
    assert!(e.to_string().contains("carol"), "{e}");
    let e = apply(&mut d, done(2), &ic(), at(21)).unwrap_err();
    assert!(e.to_string().contains("only proposed"), "{e}");
    let assign = Action::Task(TaskAction::Assign {
        task: 2,
        owner: "bob".into(),
        due: "5m".into(),
    });
    assert!(
        apply(&mut d, assign.clone(), &bob, at(22)).is_err(),
        "assigning is a commander's"
    );
    apply(&mut d, assign, &ic(), at(22)).unwrap();
    apply(&mut d, done(2), &bob, at(23)).unwrap();
    assert_eq!(d.state.tasks[1].status, TaskStatus::Done);
}

#[test]
fn the_impact_is_said_as_people_say_it() {
    use super::Impact;
    let i = Impact::parse(
        "1,200",
        "EU".into(),
        &["checkout=partial outage, payments=degraded".into()],
    )
    .unwrap();
    assert_eq!(i.customers_affected, Some(1200));
    assert_eq!(
        i.describe(),
        "1200 customers; checkout partial outage, payments degraded; EU"
    );
    assert_eq!(
        Impact::parse("unknown", String::new(), &[])
            .unwrap()
            .customers_affected,
        None
    );
    assert!(
        Impact::parse("many", String::new(), &[])
            .unwrap_err()
            .contains("many")
    );
    assert!(
        Impact::parse("1", String::new(), &["checkout".into()])
            .unwrap_err()
            .contains("name=condition")
    );
    assert!(
        Impact::parse("1", String::new(), &["c=melting".into()])
            .unwrap_err()
            .contains("melting")
    );
}
