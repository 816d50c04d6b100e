//! The state pane: the commander's live state document for the selected
//! incident. Open tasks with their owner and a live countdown (OVERDUE in
//! the alarm colour once the time box passed), proposed tasks, hypotheses
//! by status, decisions standing; the title counts them and warns when the
//! span of control is past the policy's limit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::list::window_start;
use super::panes::frame_pane;
use crate::model::state_doc::{HypothesisStatus, TaskStatus, span_of_control};
use crate::model::{IncidentDetail, IncidentState};
use crate::text::{fit, pad};
use crate::tui::app::App;
use crate::tui::app::state_pane::StateRow;
use crate::tui::keymap::Pane;
use crate::tui::theme::{Role, Theme};

/// Time left in a time box as a countdown: `4:07`, `1h05m`, or how long
/// it is overdue.
pub fn countdown(secs: i64) -> String {
    let a = secs.unsigned_abs();
    let body = if a >= 3600 {
        format!("{}h{:02}m", a / 3600, (a % 3600) / 60)
    } else {
        format!("{}:{:02}", a / 60, a % 60)
    };
    if secs < 0 {
        format!("OVERDUE {body}")
    } else {
        body
    }
}

/// The countdown by the minute (a slow link: the clock moves once a
/// minute, so seconds would be wrong between ticks): `5m`, `OVERDUE 3m`.
pub fn countdown_minutes(secs: i64) -> String {
    let a = secs.unsigned_abs();
    // Time left rounds up (never says 0m while some is left); overdue down.
    let m = if secs >= 0 { a.div_ceil(60) } else { a / 60 };
    let body = if m >= 60 {
        format!("{}h{:02}m", m / 60, m % 60)
    } else {
        format!("{m}m")
    };
    if secs < 0 {
        format!("OVERDUE {body}")
    } else {
        body
    }
}

/// [`countdown`], or [`countdown_minutes`] on a slow link.
pub fn countdown_for(secs: i64, low_bandwidth: bool) -> String {
    if low_bandwidth {
        countdown_minutes(secs)
    } else {
        countdown(secs)
    }
}

fn title_extra(app: &App, d: &IncidentDetail) -> String {
    let s = &d.state;
    let open = s.open_tasks().count();
    let overdue = s.overdue(app.view_now()).count();
    let hyps = s.open_hypotheses().count();
    let mut tasks = format!("{open} task{}", if open == 1 { "" } else { "s" });
    if overdue > 0 {
        tasks.push_str(&format!(" ({overdue} OVERDUE)"));
    }
    let mut parts = vec![tasks, format!("{hyps} open hyp.")];
    let span = span_of_control(d).len();
    let limit = app.policy.span_of_control as usize;
    if span > limit {
        parts.push(format!("SPAN {span}/{limit}: delegate"));
    }
    if let Some(o) = &s.handoff {
        parts.push(format!("command offered to {}", o.to));
    }
    format!("{} ", parts.join(" · "))
}

pub fn draw(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    let extra = app
        .selected_detail()
        .map_or(String::new(), |d| title_extra(app, d));
    let (inner, Some(d)) = frame_pane(app, theme, f, area, Pane::State, extra) else {
        return;
    };
    let rows = crate::tui::app::state_pane::rows(&d.state);
    let h = inner.height as usize;
    let w = inner.width as usize;
    if rows.is_empty() {
        let say = if app.caps.state_doc {
            " no tasks, hypotheses or decisions yet: T task, H hypothesis, M decision"
        } else {
            " this backend keeps no state document"
        };
        f.render_widget(
            Paragraph::new(Span::styled(
                fit(say, w).into_owned(),
                theme.style(Role::Muted),
            )),
            inner,
        );
        return;
    }
    let focused = app.focus == Pane::State;
    let start = window_start(app.state_cursor, rows.len(), h);
    let lines: Vec<Line> = rows[start..(start + h).min(rows.len())]
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let sel = focused && start + i == app.state_cursor;
            line(app, theme, &d.state, *row, sel, w)
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

fn line<'a>(
    app: &App,
    theme: &Theme,
    s: &IncidentState,
    row: StateRow,
    sel: bool,
    w: usize,
) -> Line<'a> {
    let pick = |r: Role| -> Style {
        if sel {
            theme.style(Role::Selected)
        } else {
            theme.style(r)
        }
    };
    match row {
        StateRow::Task(id) => {
            let Some(t) = s.tasks.iter().find(|t| t.id == id) else {
                return Line::default();
            };
            if t.status == TaskStatus::Proposed {
                let text = format!(
                    "#{id} proposed by {}: {}",
                    t.assigned_by,
                    crate::text::one_line(&t.title, 200)
                );
                return Line::from(Span::styled(fit(&text, w).into_owned(), pick(Role::Muted)));
            }
            let left = t.due_at.map(|d| (d - app.view_now()).num_seconds());
            let clock = left
                .map(|s| countdown_for(s, app.low_bandwidth))
                .unwrap_or_default();
            let clock_role = match left {
                Some(l) if l < 0 => Role::Error,
                Some(l) if l < 60 => Role::Warn,
                _ => Role::Muted,
            };
            let owner = t.owner.as_deref().unwrap_or("-");
            let cw = clock.chars().count().max(5) + 1;
            let text_w = w.saturating_sub(cw);
            let body = format!(
                "#{id} {} {}",
                pad(owner, 8),
                crate::text::one_line(&t.title, 200)
            );
            Line::from(vec![
                Span::styled(pad(&body, text_w), pick(Role::Text)),
                Span::styled(format!("{clock:>width$}", width = cw), pick(clock_role)),
            ])
        }
        StateRow::Hypothesis(id) => {
            let Some(hy) = s.hypotheses.iter().find(|h| h.id == id) else {
                return Line::default();
            };
            let (mark, role) = match hy.status {
                HypothesisStatus::Open => ("?", Role::Warn),
                HypothesisStatus::Confirmed => ("✓", Role::Ok),
                HypothesisStatus::RuledOut => ("✗", Role::Muted),
            };
            let ev = if hy.evidence.is_empty() {
                String::new()
            } else {
                format!(" [{} ev]", hy.evidence.len())
            };
            let text = format!("{mark} H{id} {}{ev}", crate::text::one_line(&hy.text, 200));
            Line::from(Span::styled(fit(&text, w).into_owned(), pick(role)))
        }
        StateRow::Decision(id) => {
            let Some(dc) = s.decisions.iter().find(|x| x.id == id) else {
                return Line::default();
            };
            let text = format!(
                "◆ D{id} {} · {} {}",
                crate::text::one_line(&dc.text, 200),
                dc.by,
                dc.at.format("%H:%M")
            );
            Line::from(Span::styled(fit(&text, w).into_owned(), pick(Role::Title)))
        }
    }
}
