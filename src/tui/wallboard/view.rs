//! Drawing the wallboard: large counts, the longest-running incident, and
//! one incident card at a time. Everything scales from 80x24 up.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Gauge, Paragraph, Wrap};

use super::{Wallboard, bigtext};
use crate::model::{Incident, IncidentDetail, Severity, Status};
use crate::text::{age, when};
use crate::text::{fit, one_line};
use crate::tui::theme::{Role, Theme};

pub fn draw(w: &Wallboard, theme: &Theme, f: &mut Frame) {
    let area = f.area();
    let stale = w.stale_for();
    // Stale data gets a heavy red frame around the whole board.
    let outer = if stale.is_some() {
        let b = Block::bordered()
            .border_type(BorderType::Thick)
            .border_style(theme.style(Role::Stale));
        let inner = b.inner(area);
        f.render_widget(b, area);
        inner
    } else {
        area
    };
    let banner_h = if stale.is_some() {
        bigtext::HEIGHT + 2
    } else {
        0
    };
    let counts_h = if outer.height >= 20 {
        bigtext::HEIGHT + 2
    } else {
        2
    };
    let [title, banner, counts, longest, card] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_h),
        Constraint::Length(counts_h),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(outer);
    title_bar(w, theme, f, title);
    if let Some(age_of_data) = stale {
        stale_banner(w, theme, f, banner, age_of_data);
    }
    severity_counts(w, theme, f, counts);
    longest_running(w, theme, f, longest);
    match w.current() {
        Some(_) => incident_card(w, theme, f, card),
        None => nothing_active(w, theme, f, card),
    }
    if w.help {
        help(theme, f, area);
    }
}

fn title_bar(w: &Wallboard, theme: &Theme, f: &mut Frame, area: Rect) {
    let live = match (w.stale_for(), w.board.conn.last_ok) {
        (Some(_), _) => Span::styled(" ✖ STALE ", theme.style(Role::Stale)),
        (None, Some(t)) => Span::styled(
            format!(" ● live {} ", age(w.now - t)),
            theme.style(Role::Ok),
        ),
        (None, None) => Span::styled(" ○ connecting ", theme.style(Role::Warn)),
    };
    let left = vec![
        Span::styled(" WARROOM ", theme.style(Role::Header)),
        Span::raw(" "),
        Span::styled(one_line(&w.backend, 40), theme.style(Role::Title)),
        Span::raw(" "),
        live,
        Span::styled(
            if w.paused { " PAUSED " } else { "" },
            theme.style(Role::Warn),
        ),
    ];
    let clock = w.now.format(" %H:%M:%S UTC ").to_string();
    let used: usize = left.iter().map(|s| s.width()).sum();
    let mut spans = left;
    spans.push(Span::raw(
        " ".repeat((area.width as usize).saturating_sub(used + clock.len())),
    ));
    spans.push(Span::styled(clock, theme.style(Role::Header)));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn stale_banner(
    w: &Wallboard,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    data_age: chrono::Duration,
) {
    let style = theme.style(Role::Stale);
    let mut lines: Vec<Line> = bigtext::rows("STALE")
        .into_iter()
        .map(|r| Line::from(Span::styled(r, style)))
        .collect();
    let since = match w.board.conn.last_ok {
        Some(t) => format!(
            "DATA IS {} OLD (last heard {})",
            age(data_age),
            t.format("%H:%M:%S UTC")
        ),
        None => "NO DATA FROM THE BACKEND YET".to_string(),
    };
    let why = w
        .board
        .conn
        .error
        .as_deref()
        .map(|e| format!(" · {}", one_line(e, 80)))
        .unwrap_or_default();
    lines.push(Line::from(Span::styled(format!(" {since}{why} "), style)));
    f.render_widget(Paragraph::new(lines).alignment(Alignment::Center), area);
}

fn severity_counts(w: &Wallboard, theme: &Theme, f: &mut Frame, area: Rect) {
    // Counted by the board when the data changed, not per frame.
    let counts = &w.board.active_by_severity;
    let shown: Vec<Severity> = Severity::ALL
        .into_iter()
        .filter(|s| *s <= Severity::Sev3 || counts[s.index()] > 0)
        .collect();
    let cols = Layout::horizontal(
        shown
            .iter()
            .map(|_| Constraint::Ratio(1, shown.len() as u32)),
    )
    .split(area);
    for (sev, col) in shown.iter().zip(cols.iter()) {
        let n = counts[sev.index()];
        let style = if n > 0 {
            theme.sev(*sev)
        } else {
            theme.style(Role::Muted)
        };
        let mut lines = vec![Line::from(Span::styled(
            format!(" {sev} {} ", sev.label()),
            style,
        ))];
        if area.height > 2 {
            let digits = if n > 99 {
                "99+".to_string()
            } else {
                n.to_string()
            };
            let fg = if n > 0 {
                style.add_modifier(Modifier::BOLD)
            } else {
                style
            };
            lines.extend(
                bigtext::rows(&digits)
                    .into_iter()
                    .map(|r| Line::from(Span::styled(r, fg))),
            );
        } else {
            lines.push(Line::from(Span::styled(
                format!("{n}"),
                style.add_modifier(Modifier::BOLD),
            )));
        }
        f.render_widget(Paragraph::new(lines).alignment(Alignment::Center), *col);
    }
}

fn longest_running(w: &Wallboard, theme: &Theme, f: &mut Frame, area: Rect) {
    let Some(oldest) = w.active().into_iter().min_by_key(|i| i.declared_at) else {
        return;
    };
    let text = format!(
        " Longest running: {} {} · {} · open {} ",
        oldest.id,
        oldest.severity,
        one_line(&oldest.title, 200),
        age(oldest.age(w.now))
    );
    f.render_widget(
        Paragraph::new(Span::styled(
            fit(&text, area.width as usize).into_owned(),
            theme.style(Role::Warn),
        )),
        area,
    );
}

fn incident_card(w: &Wallboard, theme: &Theme, f: &mut Frame, area: Rect) {
    let Some(inc) = w.current() else { return };
    let total = w.active().len();
    let pos = w.card % total.max(1) + 1;
    let block = card_block(inc, theme, pos, total);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let detail = w.board.details.get(&inc.id);
    let info = info_line(w, inc, theme, inner.width >= 100);
    let title = Paragraph::new(Span::styled(inc.title.clone(), theme.style(Role::Title)))
        .wrap(Wrap { trim: true });
    let title_h = if inner.height > 12 { 2 } else { 1 };
    let [t, i, g, _, rest] = Layout::vertical([
        Constraint::Length(title_h),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    f.render_widget(title, t);
    f.render_widget(Paragraph::new(info), i);
    if let Some(c) = detail.and_then(|d| d.current_checklist()) {
        let (done, n) = c.progress();
        let ratio = if n == 0 { 1.0 } else { done as f64 / n as f64 };
        f.render_widget(
            Gauge::default()
                .gauge_style(theme.style(Role::Ok))
                .ratio(ratio)
                .label(format!("{} checklist {done}/{n}", c.phase)),
            g,
        );
    } else if inc.status == Status::Closed {
        f.render_widget(Paragraph::new("closed"), g);
    }
    let Some(d) = detail else {
        f.render_widget(
            Paragraph::new(Span::styled("loading…", theme.style(Role::Muted))),
            rest,
        );
        return;
    };
    f.render_widget(Paragraph::new(recent_events(w, d, theme, rest)), rest);
}

fn nothing_active(w: &Wallboard, theme: &Theme, f: &mut Frame, area: Rect) {
    let heard = match w.board.conn.last_ok {
        Some(t) => format!(
            "last heard from the backend {} ({} ago)",
            t.format("%H:%M:%S UTC"),
            age(w.now - t)
        ),
        None => "waiting for the backend…".to_string(),
    };
    let mut lines = vec![Line::default(); (area.height / 3) as usize];
    lines.push(Line::from(Span::styled(
        "No active incidents",
        theme.style(Role::Ok).add_modifier(Modifier::BOLD),
    )));
    lines.push(Line::from(Span::styled(heard, theme.style(Role::Muted))));
    f.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .block(Block::bordered().border_style(theme.style(Role::Border))),
        area,
    );
}

fn help(theme: &Theme, f: &mut Frame, area: Rect) {
    let w = 50.min(area.width);
    let h = 9.min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    let key = theme.style(Role::Key);
    let mut lines: Vec<Line> = super::KEYS
        .hints()
        .into_iter()
        .map(|(k, what)| Line::from(vec![Span::styled(format!(" {k:<6}"), key), Span::raw(what)]))
        .collect();
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        " Read only: nothing here changes an incident.",
        theme.style(Role::Muted),
    )));
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" Wallboard keys ")
                .border_style(theme.style(Role::BorderFocus)),
        ),
        r,
    );
}

/// The card's thick border in the severity's colour, with the incident
/// and where the card is in the rotation.
fn card_block<'a>(inc: &Incident, theme: &Theme, pos: usize, total: usize) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(theme.sev(inc.severity))
        .title(Span::styled(
            format!(
                " {}{} · {} ",
                if inc.drill.is_some() { "DRILL · " } else { "" },
                inc.severity,
                inc.id
            ),
            theme.sev(inc.severity),
        ))
        .title_bottom(
            Line::from(Span::styled(
                format!(" card {pos}/{total} · space pause · ←/→ step · ? help "),
                theme.style(Role::Muted),
            ))
            .right_aligned(),
        )
}

/// Phase, IC, time open and when stakeholders were last told.
fn info_line<'a>(w: &Wallboard, inc: &Incident, theme: &Theme, wide: bool) -> Line<'a> {
    let phase = inc
        .status
        .phase()
        .map_or(String::new(), |p| format!(" ({p})"));
    let update = match inc.last_stakeholder_update_at {
        Some(t) => format!("{} ago", age(w.now - t)),
        None => "never".to_string(),
    };
    let update_style = match inc.last_stakeholder_update_at {
        Some(t) if w.now - t < chrono::Duration::minutes(30) => theme.style(Role::Text),
        _ => theme.style(Role::Warn),
    };
    let mut spans = vec![
        Span::styled("Phase ", theme.style(Role::Muted)),
        Span::styled(
            format!("{}{phase}", inc.status),
            theme.style(Role::Status).add_modifier(Modifier::BOLD),
        ),
        Span::styled("   IC ", theme.style(Role::Muted)),
        Span::styled(
            inc.commander.as_deref().unwrap_or("none").to_string(),
            theme.style(Role::Text).add_modifier(Modifier::BOLD),
        ),
        Span::styled("   Open ", theme.style(Role::Muted)),
        Span::styled(
            age(inc.age(w.now)),
            theme.style(Role::Text).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            if wide {
                "   Stakeholders told "
            } else {
                "   Told "
            },
            theme.style(Role::Muted),
        ),
        Span::styled(update, update_style),
    ];
    // The state document at a glance: overdue tasks are loud, open
    // hypotheses say the cause is not known yet.
    let c = &inc.state_counts;
    let overdue = c.overdue_at(w.now);
    if c.open_tasks > 0 || c.open_hypotheses > 0 {
        spans.push(Span::styled("   Tasks ", theme.style(Role::Muted)));
        spans.push(Span::styled(
            c.open_tasks.to_string(),
            theme.style(Role::Text).add_modifier(Modifier::BOLD),
        ));
        if overdue > 0 {
            spans.push(Span::styled(
                format!(" ({overdue} OVERDUE)"),
                theme.style(Role::Error).add_modifier(Modifier::BOLD),
            ));
        }
        spans.push(Span::styled(
            if wide {
                "   Open hypotheses "
            } else {
                "   Hyp "
            },
            theme.style(Role::Muted),
        ));
        spans.push(Span::styled(
            c.open_hypotheses.to_string(),
            theme.style(Role::Text).add_modifier(Modifier::BOLD),
        ));
    }
    Line::from(spans)
}

/// The newest events that fit in `rest`.
fn recent_events<'a>(
    w: &Wallboard,
    d: &IncidentDetail,
    theme: &Theme,
    rest: Rect,
) -> Vec<Line<'a>> {
    let n = rest.height as usize;
    let lines: Vec<Line> = d.timeline[d.timeline.len().saturating_sub(n)..]
        .iter()
        .map(|e| {
            let text = format!(
                "{:>9}  {:<10} {}",
                when(e.at, w.now, crate::tui::app::TimeMode::Relative),
                one_line(&e.author, 10),
                one_line(&e.kind.describe(), 300)
            );
            Line::from(Span::styled(
                fit(&text, rest.width as usize).into_owned(),
                theme.style(Role::Text),
            ))
        })
        .collect();
    lines
}
