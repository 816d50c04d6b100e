//! Response metrics as plain text lines, for `warroom stats` and the
//! console's `:stats` view.

use crate::model::stats::{Spread, Stats, Times};
use crate::text::{duration, one_line, pad};

fn spread(s: &Option<Spread>) -> String {
    match s {
        Some(s) => format!(
            "{} / {}",
            duration(chrono::Duration::seconds(s.median)),
            duration(chrono::Duration::seconds(s.p90))
        ),
        None => "-".into(),
    }
}

fn row(name: &str, t: &Times) -> String {
    format!(
        "{} {:>5}  {}  {}  {}  {}",
        pad(name, 16),
        t.count,
        pad(&spread(&t.acknowledge), 13),
        pad(&spread(&t.contain), 13),
        pad(&spread(&t.resolve), 13),
        spread(&t.verify)
    )
}

/// What each figure measures, a few lines each (`--explain`).
pub fn definitions(s: &Stats) -> Vec<String> {
    let mut out = vec![String::new(), "What each figure measures:".to_string()];
    for d in &s.definitions {
        out.push(format!(
            "  {}: from {} to {}.",
            one_line(&d.figure, 40),
            one_line(&d.from, 200),
            one_line(&d.to, 200)
        ));
        out.push(format!("    {}", one_line(&d.means, 400)));
    }
    out
}

/// The report, a line each; `window` as the user gave it.
pub fn lines(s: &Stats, window: &str) -> Vec<String> {
    let mut out = Vec::new();
    if s.overall.count == 0 {
        out.push(format!("No incidents in the window ({window})."));
        return out;
    }
    out.push(format!(
        "{} incidents in the window ({window}); times are median / p90.",
        s.overall.count
    ));
    out.push(String::new());
    out.push(format!(
        "{} {:>5}  {}  {}  {}  {}",
        pad("", 16),
        "COUNT",
        pad("ACKNOWLEDGE", 13),
        pad("CONTAIN", 13),
        pad("RESOLVE", 13),
        "VERIFY"
    ));
    out.push(row("all", &s.overall));
    for (sev, t) in &s.by_severity {
        out.push(row(sev.as_str(), t));
    }
    for (svc, t) in s.by_service.iter().take(20) {
        out.push(row(&one_line(svc, 16), t));
    }
    if !s.slowest.is_empty() {
        out.push(String::new());
        out.push("Slowest to resolve:".into());
        for x in &s.slowest {
            out.push(format!(
                "  {} {} {} {}",
                pad(&x.id.to_string(), 9),
                x.severity,
                pad(&duration(chrono::Duration::seconds(x.resolve_seconds)), 7),
                one_line(&x.title, 80)
            ));
        }
    }
    if !s.forced_by_phase.is_empty() || !s.skipped_by_phase.is_empty() {
        out.push(String::new());
        out.push("Forced transitions and skipped checklist items, by phase:".into());
        for p in crate::model::Phase::ALL {
            let f = s.forced_by_phase.get(&p).copied().unwrap_or(0);
            let k = s.skipped_by_phase.get(&p).copied().unwrap_or(0);
            if f + k > 0 {
                out.push(format!(
                    "  {} forced {f:>4}  skipped {k:>4}",
                    pad(p.as_str(), 14)
                ));
            }
        }
        for (p, item, n) in &s.most_skipped {
            out.push(format!("  skipped {n}x in {p}: {}", one_line(item, 70)));
        }
    }
    if !s.load.is_empty() {
        out.push(String::new());
        out.push("Responder load:".into());
        for l in &s.load {
            out.push(format!(
                "  {} {:>7.1} incident hours  {:>3} pages, {:>3} outside 09-18",
                pad(&one_line(&l.handle, 16), 16),
                l.incident_hours,
                l.pages,
                l.pages_off_hours
            ));
        }
    }
    let repeat = |title: &str, v: &[(String, usize)], out: &mut Vec<String>| {
        if !v.is_empty() {
            out.push(String::new());
            out.push(title.into());
            for (name, n) in v {
                out.push(format!("  {:>4}  {}", n, one_line(name, 80)));
            }
        }
    };
    out.push(String::new());
    out.push(format!(
        "Customer impact (impact start to resolution): {}",
        spread(&s.overall.customer_impact)
    ));
    out.push(if s.change_failures == 0 {
        "Failed deployment recovery (DORA): no incident tagged as caused by a change.".to_string()
    } else {
        format!(
            "Failed deployment recovery (DORA), {} incidents caused by a change: {}",
            s.change_failures,
            spread(&s.change_recovery)
        )
    });
    let sh = &s.shifts;
    out.push(format!(
        "Pages per {}-hour shift: {} person-shifts paged, {} over the ceiling of {} incidents",
        sh.shift_hours, sh.paged_shifts, sh.over_ceiling, sh.ceiling
    ));
    for w in &sh.worst {
        out.push(format!(
            "  {} shift from {} UTC: {} incidents, {} pages",
            pad(&one_line(&w.handle, 16), 16),
            w.shift_start.format("%Y-%m-%d %H:%M"),
            w.incidents,
            w.pages
        ));
    }
    if !s.repeat_alerts.is_empty() {
        out.push(String::new());
        out.push("Repeat alerts (incidents, firings):".into());
        for a in &s.repeat_alerts {
            out.push(format!(
                "  {:>4} {:>6}  {}",
                a.incidents,
                a.firings,
                one_line(&a.alert, 80)
            ));
        }
    }
    repeat(
        "Services with the most incidents:",
        &s.top_services,
        &mut out,
    );
    repeat("Alerts behind the most incidents:", &s.top_alerts, &mut out);
    out
}
