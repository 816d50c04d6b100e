use super::*;
use crate::model::wire::DeclareRequest;
use crate::model::{Actor, ActorRole, IncidentDetail, IncidentId, declare};
use chrono::TimeZone;

fn t(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 6, h, m, 0).unwrap()
}

/// An incident declared at `at`, resolved `resolve_min` later.
fn inc(id: u64, at: DateTime<Utc>, resolve_min: i64, tags: &[&str]) -> IncidentDetail {
    let req = DeclareRequest {
        title: format!("incident {id}"),
        service: "checkout".into(),
        severity: Severity::Sev2,
        summary: String::new(),
        commander: None,
        tags: tags.iter().map(|t| t.to_string()).collect(),
    };
    let ic = Actor {
        handle: "alice".into(),
        role: ActorRole::Commander,
    };
    let mut d = declare(IncidentId(id), req, &ic, vec![], at).unwrap();
    d.incident
        .status_times
        .insert(Status::Resolved, at + Duration::minutes(resolve_min));
    d
}

fn sample<'a>(
    d: &'a IncidentDetail,
    pages: &[(&str, DateTime<Utc>)],
    firings: &[&str],
) -> Sample<'a> {
    Sample {
        incident: &d.incident,
        responders: &d.responders,
        checklists: &d.checklists,
        forced_from: vec![],
        pages: pages.iter().map(|(h, a)| (h.to_string(), *a)).collect(),
        alerts: vec![],
        firings: firings.iter().map(|f| f.to_string()).collect(),
    }
}

#[test]
fn change_recovery_customer_impact_shifts_and_repeat_alerts() {
    let mut a = inc(1, t(1, 0), 30, &["deploy"]);
    a.incident.impact_started_at = Some(t(0, 50));
    let b = inc(2, t(2, 0), 90, &["Change"]);
    let c = inc(3, t(3, 0), 10, &["capacity"]);
    // bob: three incidents in the 00:00-12:00 shift (over 2); then one
    // in the next shift. carol: two in one shift (at the ceiling).
    let samples = vec![
        sample(
            &a,
            &[("bob", t(1, 1)), ("carol", t(1, 2))],
            &["HighErrors", "HighErrors"],
        ),
        sample(
            &b,
            &[("bob", t(2, 1)), ("bob", t(2, 5)), ("carol", t(2, 2))],
            &["HighErrors"],
        ),
        sample(&c, &[("bob", t(3, 1)), ("bob", t(13, 0))], &["DiskFull"]),
    ];
    let practice = Practice::of(&Default::default());
    let s = compute(&samples, None, t(23, 0), Duration::zero(), &practice);
    // DORA: only the two incidents a change caused (tags, any case).
    assert_eq!(s.change_failures, 2);
    let r = s.change_recovery.unwrap();
    assert_eq!((r.n, r.median, r.p90), (2, 30 * 60, 90 * 60));
    // Customer impact starts at the impact when the IC set it.
    let ci = s.overall.customer_impact.unwrap();
    // 00:50 -> 01:30, 02:00 -> 03:30, 03:00 -> 03:10.
    assert_eq!((ci.n, ci.median, ci.p90), (3, 40 * 60, 90 * 60));
    assert_eq!(
        s.overall.resolve.unwrap().median,
        30 * 60,
        "from the declaration"
    );
    // Shifts: bob 00-12 (3 incidents, 4 pages), bob 12-24, carol 00-12.
    assert_eq!(s.shifts.paged_shifts, 3);
    assert_eq!(s.shifts.over_ceiling, 1);
    let w = &s.shifts.worst[0];
    assert_eq!((w.handle.as_str(), w.incidents, w.pages), ("bob", 3, 4));
    assert_eq!(w.shift_start, t(0, 0));
    // In UTC+02:00 bob's 13:00 page joins a 12:00-24:00 local shift
    // (10:00 UTC) with nothing else; the morning stays one shift.
    let s2 = compute(&samples, None, t(23, 0), Duration::hours(2), &practice);
    assert_eq!(s2.shifts.worst[0].shift_start, t(0, 0) - Duration::hours(2));
    // Repeat alerts: HighErrors on two incidents, fired three times.
    assert_eq!(
        s.repeat_alerts,
        [RepeatAlert {
            alert: "HighErrors".into(),
            incidents: 2,
            firings: 3
        }]
    );
    // Every figure has its definition.
    for f in [
        "customer impact",
        "failed deployment recovery",
        "pages per shift",
        "repeat alerts",
    ] {
        assert!(s.definitions.iter().any(|d| d.figure == f), "{f}");
    }
}

#[test]
fn nearest_rank_percentiles_and_no_median_of_nothing() {
    assert_eq!(Spread::of(vec![]), None);
    let s = Spread::of(vec![50, 10, 40, 30, 20, 60, 70, 80, 90, 100]).unwrap();
    assert_eq!((s.n, s.median, s.p90), (10, 50, 90));
    let s = Spread::of(vec![7]).unwrap();
    assert_eq!((s.median, s.p90), (7, 7));
    let s = Spread::of(vec![1, 2, 3]).unwrap();
    assert_eq!((s.median, s.p90), (2, 3));
}
