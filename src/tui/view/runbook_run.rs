//! The runbook action dialog: what will run, exactly, before `y`; then the
//! run's state and the newest lines of its output (stderr marked `!`).
//! Work per frame is the lines that fit the box, not the output's size.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::popup::{centered, hint, popup};
use crate::model::ActionOutcome;
use crate::model::runbook_action::{ActionPreview, RunState, Stream};
use crate::text::{fit, one_line};
use crate::tui::app::runbook_run::{ActionView, Live, Stage};
use crate::tui::keymap::{Dialog, dialog_keys};
use crate::tui::theme::{Role, Theme};

pub(super) fn draw(theme: &Theme, f: &mut Frame, area: Rect, v: &ActionView) {
    let r = centered(area, 110, area.height.saturating_sub(2).clamp(8, 24));
    let title = format!("Runbook action · {} · {}", v.id, one_line(&v.text, 50));
    let (inner, block) = popup(theme, f, r, &title);
    f.render_widget(block, r);
    let w = inner.width as usize;
    let muted = theme.style(Role::Muted);
    let mut lines: Vec<Line> = match &v.stage {
        Stage::Loading => vec![Line::from(Span::styled(
            " asking the server what would run…",
            muted,
        ))],
        Stage::Refused(e) => vec![
            Line::from(Span::styled(" Nothing ran:", theme.style(Role::Error))),
            Line::from(Span::styled(
                format!(" {}", one_line(e, 300)),
                theme.style(Role::Text),
            )),
        ],
        Stage::Confirm(p) => confirm(theme, p, w),
        Stage::Starting(p) => {
            let mut l = confirm(theme, p, w);
            l.push(Line::from(Span::styled(
                " starting…",
                theme.style(Role::Pending),
            )));
            l
        }
        Stage::Running(live) => running(theme, live, v.scroll, w, inner.height as usize),
    };
    lines.truncate(inner.height.saturating_sub(1) as usize);
    let keys = match &v.stage {
        Stage::Confirm(_) => dialog_keys(Dialog::ActionConfirm),
        Stage::Running(_) => dialog_keys(Dialog::ActionRunning),
        _ => dialog_keys(Dialog::Message),
    };
    // The command wraps (it is read whole); the hint keeps its own row.
    let body = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let last = Rect {
        y: inner.y + body.height,
        height: inner.height.min(1),
        ..inner
    };
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    f.render_widget(Paragraph::new(hint(theme, keys)), last);
}

fn confirm<'a>(theme: &Theme, p: &ActionPreview, w: usize) -> Vec<Line<'a>> {
    let text = theme.style(Role::Text);
    let muted = theme.style(Role::Muted);
    let mut l = vec![
        Line::from(vec![
            Span::styled(" Run ", text),
            Span::styled(one_line(&p.action, 60), theme.style(Role::Title)),
            Span::styled(
                format!(" ({}) on the server? It runs exactly:", p.kind),
                text,
            ),
        ]),
        Line::from(Span::styled(
            format!("   {}", p.command),
            theme.style(Role::Key),
        )),
    ];
    for d in &p.details {
        l.push(Line::from(Span::styled(
            format!("   {}", fit(d, w.saturating_sub(3))),
            muted,
        )));
    }
    let tick = if p.ticks_item {
        "a success ticks the item"
    } else {
        "the item stays as it is"
    };
    l.push(Line::from(Span::styled(
        format!("   timeout {} s, then killed · {tick}", p.timeout_seconds),
        muted,
    )));
    l.push(Line::from(Span::styled(
        "   its start, end and output's tail go on the timeline",
        muted,
    )));
    if let Some(run) = p.running {
        l.push(Line::from(Span::styled(
            format!(" Already running (run {run}): the server will refuse a second run."),
            theme.style(Role::Warn),
        )));
    }
    l
}

fn state_line<'a>(theme: &Theme, live: &Live) -> Line<'a> {
    let secs = live.duration_ms as f64 / 1000.0;
    let (text, role) = match live.state {
        RunState::Running => (format!(" ⧗ running · {secs:.1} s"), Role::Pending),
        RunState::Ended(o) => {
            let code = live
                .exit_code
                .map(|c| format!(" · exit {c}"))
                .unwrap_or_default();
            let role = match o {
                ActionOutcome::Succeeded => Role::Ok,
                ActionOutcome::Failed | ActionOutcome::Error => Role::Error,
                ActionOutcome::TimedOut | ActionOutcome::Interrupted => Role::Warn,
            };
            (format!(" {} {o}{code} · {secs:.1} s", mark(o)), role)
        }
    };
    Line::from(vec![
        Span::styled(text, theme.style(role)),
        Span::styled(format!("   run {}", live.run), theme.style(Role::Muted)),
    ])
}

fn mark(o: ActionOutcome) -> &'static str {
    match o {
        ActionOutcome::Succeeded => "✓",
        ActionOutcome::TimedOut => "⏱",
        _ => "✗",
    }
}

fn running<'a>(theme: &Theme, live: &Live, scroll: usize, w: usize, h: usize) -> Vec<Line<'a>> {
    let mut l = vec![
        state_line(theme, live),
        Line::from(Span::styled(
            format!(" {}", fit(&live.command, w.saturating_sub(1))),
            theme.style(Role::Muted),
        )),
    ];
    if let Some(e) = &live.lost {
        l.push(Line::from(Span::styled(
            format!(
                " Output no longer followed ({}); the end will be on the timeline.",
                one_line(e, 80)
            ),
            theme.style(Role::Warn),
        )));
    }
    let room = h.saturating_sub(l.len() + 1);
    let n = live.lines.len();
    let end = n.saturating_sub(scroll.min(n.saturating_sub(room.min(n))));
    let start = end.saturating_sub(room);
    if n == 0 {
        l.push(Line::from(Span::styled(
            " (no output yet)",
            theme.style(Role::Muted),
        )));
    }
    for (stream, text) in live.lines.range(start..end) {
        let (prefix, role) = match stream {
            Stream::Stdout => ("  ", Role::Text),
            Stream::Stderr => ("! ", Role::Warn),
        };
        l.push(Line::from(Span::styled(
            fit(&format!(" {prefix}{text}"), w).into_owned(),
            theme.style(role),
        )));
    }
    l
}
