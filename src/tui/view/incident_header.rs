//! The incident header: what the incident is, who runs it, how long each
//! phase took, and when stakeholders must hear next (loud once overdue).
//! Wide screens get a bordered pane with the summary; narrow ones three
//! plain lines.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::model::{Incident, Phase, phase_spans};
use crate::text::one_line;
use crate::text::{age, when};
use crate::tui::app::App;
use crate::tui::theme::{Role, Theme};

/// Summary lines shown at most in the wide header (the rest: `e`).
const SUMMARY_LINES: u16 = 3;

/// Rows the header takes for the selected incident.
pub fn height(app: &App, width: u16) -> u16 {
    let Some(i) = app.selected_incident() else {
        return 0;
    };
    if app.compact_header() {
        return 3;
    }
    let inner = width.saturating_sub(4).max(1) as usize;
    let summary = if i.summary.trim().is_empty() {
        0
    } else {
        // One row per wrapped line, counted on chars: close enough for a
        // height, and the paragraph wraps for real when drawn.
        i.summary
            .lines()
            .map(|l| (crate::text::width(l).max(1)).div_ceil(inner) as u16)
            .sum::<u16>()
            .min(SUMMARY_LINES)
    };
    let review = !i.status.is_active() && app.caps.lifecycle;
    let facts =
        2 + u16::from(app.caps.lifecycle) + u16::from(app.caps.stakeholder_updates || review);
    2 + facts + summary
}

pub fn draw(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    let Some(i) = app.selected_incident() else {
        return;
    };
    // The detail carries the summary whole; a list entry may have it cut.
    let i = app.shown_detail(i.id).map_or(i, |d| &d.incident);
    let linked = app
        .shown_detail(i.id)
        .map_or(&[][..], |d| d.linked.as_slice());
    let (title, meta) = (title_line(theme, i, linked), meta_line(app, theme, i));
    // Phases and update times only where the backend has them.
    let phases = app.caps.lifecycle.then(|| phase_bar(app, theme, i));
    // A finished incident is reviewed, not updated: its key durations and
    // what to do next (follow-ups, the postmortem) take the updates' line.
    let review = !i.status.is_active() && app.caps.lifecycle;
    let updates = if review {
        Some(review_line(app, theme, i))
    } else {
        app.caps
            .stakeholder_updates
            .then(|| update_line(app, theme, i))
    };
    if app.compact_header() {
        let mut first = title;
        first.spans.insert(
            0,
            Span::styled(format!("{} ", i.id), theme.style(Role::Key)),
        );
        let lines: Vec<Line> = std::iter::once(first)
            .chain(phases)
            .chain(updates)
            .chain(std::iter::once(meta))
            .take(3)
            .collect();
        f.render_widget(Paragraph::new(lines), area);
        return;
    }
    let block = ratatui::widgets::Block::bordered()
        .padding(ratatui::widgets::Padding::horizontal(1))
        .border_style(theme.style(Role::Border))
        .title(Line::from(Span::styled(
            if review {
                format!(" {} · review ", i.id)
            } else {
                format!(" {} ", i.id)
            },
            theme.style(Role::Title),
        )));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines: Vec<Line> = [Some(title), Some(meta), phases, updates]
        .into_iter()
        .flatten()
        .collect();
    let shown = inner.height.saturating_sub(lines.len() as u16) as usize;
    if shown > 0 && !i.summary.trim().is_empty() {
        let mut summary: Vec<Line> = i
            .summary
            .lines()
            .map(|l| Line::from(crate::text::clean(l, false).into_owned()))
            .collect();
        lines.append(&mut summary);
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// Severity, status, the alert groups linked to it in a merged view, and
/// the title.
fn title_line<'a>(theme: &Theme, i: &Incident, linked: &[Incident]) -> Line<'a> {
    // A practice outage says so before anything else, so nobody takes it
    // for the real thing.
    let drill = i.drill.as_ref().map(|_| {
        Span::styled(
            " DRILL ",
            theme
                .style(Role::Alert)
                .add_modifier(ratatui::style::Modifier::REVERSED),
        )
    });
    Line::from_iter(
        drill
            .into_iter()
            .chain([
                Span::styled(format!(" {} ", i.severity), theme.sev(i.severity)),
                Span::raw(" "),
                Span::styled(i.status.to_string(), theme.style(Role::Status)),
                Span::raw("  "),
            ])
            .chain(linked.iter().map(|g| {
                // The Alertmanager group this incident was opened from, as it is
                // in Alertmanager now (shown here, not as a second row).
                Span::styled(
                    format!("⇄ {} {} {}  ", g.id, g.severity, g.status),
                    theme.style(Role::Muted),
                )
            }))
            .chain([Span::styled(
                one_line(&i.title, 200),
                theme.style(Role::Title),
            )]),
    )
}

/// Service, IC, when it was declared, tags.
fn meta_line<'a>(app: &App, theme: &Theme, i: &Incident) -> Line<'a> {
    let muted = theme.style(Role::Muted);
    let mut meta = vec![
        Span::styled("service ", muted),
        Span::raw(one_line(&i.service, 40)),
        Span::styled(" · IC ", muted),
        match &i.commander {
            Some(c) => Span::raw(one_line(c, 30)),
            // `:take-command` only where this backend and token can.
            None if crate::tui::app::offers::unavailable(
                app,
                crate::tui::keymap::Act::TakeCommand,
            )
            .is_none() =>
            {
                Span::styled("nobody (:take-command)", theme.style(Role::Warn))
            }
            None => Span::styled("nobody", theme.style(Role::Warn)),
        },
        Span::styled(" · declared ", muted),
        Span::raw(format!(
            "{} ({} ago)",
            i.declared_at.format("%m-%d %H:%M UTC"),
            age(app.view_now() - i.declared_at)
        )),
    ];
    if !i.tags.is_empty() {
        meta.push(Span::styled(" · ", muted));
        meta.push(Span::raw(one_line(&i.tags.join(" "), 60)));
    }
    Line::from(meta)
}

/// `investigation 20m ▸ containment 44m ▸ resolution ▸ …`, the current
/// phase marked. A phase not reached has no time.
fn phase_bar<'a>(app: &App, theme: &Theme, i: &Incident) -> Line<'a> {
    let wide = app.is_wide();
    let mut spans = Vec::new();
    for (n, s) in phase_spans(i, app.view_now()).into_iter().enumerate() {
        if n > 0 {
            spans.push(Span::styled(" ▸ ", theme.style(Role::Muted)));
        }
        let name = if wide {
            s.phase.as_str()
        } else {
            short(s.phase)
        };
        let text = match s.spent {
            Some(d) => format!("{name} {}", age(d)),
            None => name.to_string(),
        };
        // Not the selection's look: the current phase is a fact, not a cursor.
        let style = if s.current {
            theme
                .style(Role::Title)
                .add_modifier(ratatui::style::Modifier::UNDERLINED)
        } else if s.spent.is_some() {
            theme.style(Role::Done)
        } else {
            theme.style(Role::Muted)
        };
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

fn short(p: Phase) -> &'static str {
    match p {
        Phase::Investigation => "inv",
        Phase::Containment => "cont",
        Phase::Resolution => "res",
        Phase::Verification => "verif",
        Phase::PostIncident => "post",
    }
}

/// Last stakeholder update and the next one due, loud once overdue.
fn update_line<'a>(app: &App, theme: &Theme, i: &Incident) -> Line<'a> {
    let muted = theme.style(Role::Muted);
    let last = match i.last_stakeholder_update_at {
        Some(t) => format!("last update {}", when(t, app.view_now(), app.time_mode)),
        None => "no update sent yet".to_string(),
    };
    let mut spans = vec![Span::styled("stakeholders: ", muted)];
    // Customers read this one: on the public status page.
    if i.public.is_some() {
        spans.push(Span::styled("PUBLIC ", theme.style(Role::Title)));
    }
    spans.push(Span::raw(last));
    if let Some((stage, due)) = app.policy.next_update(i, app.view_now()) {
        spans.push(Span::styled(" · ", muted));
        spans.push(due_span(
            app.view_now(),
            stage,
            due,
            theme,
            app.low_bandwidth,
        ));
        if app.is_wide() {
            spans.push(Span::styled(
                format!(
                    " ({}; u posts one)",
                    app.policy.describe_cadence(i.severity)
                ),
                muted,
            ));
        }
    }
    Line::from(spans)
}

/// How long until (or since) `due`: by the minute on a slow link, where
/// the clock moves once a minute and seconds would be wrong between ticks.
fn gap(d: chrono::Duration, low_bandwidth: bool) -> String {
    if low_bandwidth {
        crate::tui::view::countdown_minutes(d.num_seconds())
    } else {
        age(d)
    }
}

fn due_span<'a>(
    now: DateTime<Utc>,
    stage: crate::model::cadence::Stage,
    due: DateTime<Utc>,
    theme: &Theme,
    low_bandwidth: bool,
) -> Span<'a> {
    // A flat cadence has no stage worth naming.
    let which = match stage {
        crate::model::cadence::Stage::Flat => String::new(),
        s => format!("{} ", s.as_str().to_uppercase()),
    };
    if due <= now {
        Span::styled(
            format!(
                " {which}UPDATE OVERDUE by {} ",
                gap(now - due, low_bandwidth)
            ),
            theme
                .style(Role::Error)
                .add_modifier(ratatui::style::Modifier::REVERSED),
        )
    } else {
        let which = match stage {
            crate::model::cadence::Stage::Flat => "next".to_string(),
            s => format!("{s} update"),
        };
        Span::styled(
            format!("{which} due in {}", gap(due - now, low_bandwidth)),
            theme.style(Role::Ok),
        )
    }
}

/// For a resolved, verified or closed incident: how long detection to
/// acknowledgement, containment, resolution and verification took, and
/// where the postmortem is.
fn review_line<'a>(app: &App, theme: &Theme, i: &Incident) -> Line<'a> {
    let muted = theme.style(Role::Muted);
    let m = match app.shown_detail(i.id) {
        Some(d) => crate::model::Milestones::of(d),
        None => return Line::from(Span::styled("review: reading…", muted)),
    };
    let t = m.durations();
    let show = |d: Option<chrono::Duration>| d.map_or("-".into(), age);
    let mut spans = vec![Span::styled("review: ", muted)];
    // The review process first: who owns it, where it stands, what is due.
    match &i.review {
        Some(r) => {
            spans.push(Span::styled(
                format!("{} · {} ", r.owner, r.status.label()),
                theme.style(Role::Text),
            ));
            if let Some((what, due)) = r.next_due() {
                let style = if r.overdue(app.view_now()) {
                    theme.style(Role::Error)
                } else {
                    muted
                };
                let late = if r.overdue(app.view_now()) {
                    "OVERDUE "
                } else {
                    ""
                };
                spans.push(Span::styled(
                    format!(
                        "{late}{what} {} · ",
                        when(due, app.view_now(), app.time_mode)
                    ),
                    style,
                ));
            }
        }
        None if i.severity <= crate::model::Severity::Sev2 && i.drill.is_none() => {
            spans.push(Span::styled(
                "no owner (:review-owner NAME) · ",
                theme.style(Role::Warn),
            ));
        }
        None => {}
    }
    spans.extend([
        Span::styled("ack ", muted),
        Span::raw(show(t.to_acknowledge)),
        Span::styled(" · contain ", muted),
        Span::raw(show(t.to_contain)),
        Span::styled(" · resolve ", muted),
        Span::raw(show(t.to_resolve)),
        Span::styled(" · verify ", muted),
        Span::raw(show(t.to_verify)),
        Span::styled(" · ", muted),
    ]);
    match app.followups.get(&i.id) {
        Some(list) => {
            let today = app.view_now().date_naive();
            let open = list
                .iter()
                .filter(|f| f.status == crate::model::FollowUpStatus::Open)
                .count();
            let late = list.iter().filter(|f| f.overdue(today)).count();
            spans.push(Span::styled(
                format!("{} follow-ups, {open} open", list.len()),
                theme.style(Role::Text),
            ));
            if late > 0 {
                spans.push(Span::styled(
                    format!(", {late} OVERDUE"),
                    theme.style(Role::Error),
                ));
            }
            spans.push(Span::styled(" (F)", theme.style(Role::Key)));
        }
        None => spans.push(Span::styled("F follow-ups", theme.style(Role::Key))),
    }
    match app.postmortems.get(&i.id) {
        Some(p) => spans.push(Span::styled(
            // The full path was in the message when it was written.
            format!(
                " · postmortem {}",
                p.file_name()
                    .map_or(p.display().to_string(), |n| n.to_string_lossy().into())
            ),
            theme.style(Role::Ok),
        )),
        None => spans.push(Span::styled(
            " · P writes the postmortem",
            theme.style(Role::Key),
        )),
    }
    spans.push(Span::styled(" · b seen before", theme.style(Role::Key)));
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_review_line_keeps_its_parts_apart() {
        let theme = crate::tui::theme::Theme::load("default", None, false).unwrap();
        let mut app = crate::tui::fixtures::sample_app(160, 48);
        let inc = app.selected_incident().unwrap().clone();
        app.followups.insert(inc.id, Vec::new());
        let text: String = super::review_line(&app, &theme, &inc)
            .spans
            .iter()
            .map(|s| s.content.to_string())
            .collect();
        assert!(
            text.contains("0 open (F) · P writes the postmortem"),
            "{text}"
        );
    }
}
