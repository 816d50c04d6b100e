//! Confirmations: what happens is said before it happens (advance past
//! open items, raise to SEV1, irreversible writes, discarding a queued
//! action, quitting with drafts or undelivered actions).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::model::{IncidentId, Status};
use crate::text::{fit, one_line};
use crate::tui::app::{App, Confirm};
use crate::tui::theme::{Role, Theme};

use super::popup::{centered, hint, popup};
use crate::tui::keymap::{Dialog, dialog_keys};

pub(super) fn draw(app: &App, theme: &Theme, f: &mut Frame, area: Rect, c: &Confirm) {
    match c {
        Confirm::Advance { id, from, to, open } => advance(theme, f, area, *id, (*from, *to), open),
        Confirm::RaiseToSev1 { id, .. } => raise(app, theme, f, area, *id),
        Confirm::Write { title, text, .. } => write(theme, f, area, title, text),
        Confirm::Discard { what, .. } => discard(theme, f, area, what),
        Confirm::QuitWithDrafts => quit(app, theme, f, area),
    }
}

fn advance(
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    id: IncidentId,
    (from, to): (Status, Status),
    open: &[String],
) {
    let r = centered(area, 72, open.len() as u16 + 7);
    let (inner, block) = popup(theme, f, r, &format!("Advance {id}"));
    f.render_widget(block, r);
    let mut lines = vec![Line::from(vec![
        Span::raw(" Move "),
        Span::styled(from.as_str(), theme.style(Role::Status)),
        Span::raw(" → "),
        Span::styled(to.as_str(), theme.style(Role::Status)),
        Span::raw("?"),
    ])];
    if open.is_empty() {
        // Within one phase its checklist simply carries on; only
        // leaving the phase needs it done.
        let text = match (from.phase(), to.phase()) {
            (Some(a), Some(b)) if a == b => {
                format!(" Still the {a} phase: its checklist carries on.")
            }
            _ => " The checklist of this phase is complete.".to_string(),
        };
        lines.push(Line::from(Span::styled(text, theme.style(Role::Ok))));
        lines.push(Line::default());
        lines.push(hint(theme, dialog_keys(Dialog::Advance)));
    } else {
        lines.push(Line::from(Span::styled(
            format!(" {} open item(s) in this phase:", open.len()),
            theme.style(Role::Warn),
        )));
        for item in open {
            lines.push(Line::from(format!(
                "   [ ] {}",
                one_line(item, inner.width as usize - 8)
            )));
        }
        lines.push(Line::default());
        lines.push(hint(theme, dialog_keys(Dialog::AdvanceOpenItems)));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn raise(app: &App, theme: &Theme, f: &mut Frame, area: Rect, id: IncidentId) {
    let r = centered(area, 60, 6);
    let (inner, block) = popup(theme, f, r, "Raise to SEV1");
    f.render_widget(block.border_style(theme.style(Role::Error)), r);
    let title = app
        .board
        .incidents
        .iter()
        .find(|i| i.id == id)
        .map(|i| one_line(&i.title, 40))
        .unwrap_or_default();
    let lines = vec![
        Line::from(vec![
            Span::raw(format!(" Raise {id} to ")),
            Span::styled(" SEV1 ", theme.sev(crate::model::Severity::Sev1)),
            Span::raw(" (critical)?"),
        ]),
        Line::from(Span::styled(format!(" {title}"), theme.style(Role::Muted))),
        Line::default(),
        hint(theme, dialog_keys(Dialog::RaiseToSev1)),
    ];
    f.render_widget(Paragraph::new(lines), inner);
}

fn write(theme: &Theme, f: &mut Frame, area: Rect, title: &str, text: &str) {
    let mut lines: Vec<Line> = text
        .lines()
        .map(|l| Line::from(Span::raw(format!(" {l}"))))
        .collect();
    lines.push(Line::default());
    lines.push(hint(theme, dialog_keys(Dialog::ConfirmWrite)));
    let r = centered(area, 76, lines.len() as u16 + 4);
    let (inner, block) = popup(theme, f, r, title);
    f.render_widget(block, r);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn discard(theme: &Theme, f: &mut Frame, area: Rect, what: &str) {
    let lines = vec![
        Line::from(Span::styled(
            format!(" {}", fit(what, 70)),
            theme.style(Role::Pending),
        )),
        Line::from(" It leaves the outbox and will never be sent."),
        Line::default(),
        hint(theme, dialog_keys(Dialog::Discard)),
    ];
    let r = centered(area, 76, 6);
    let (inner, block) = popup(theme, f, r, "Discard this queued action?");
    f.render_widget(block, r);
    f.render_widget(Paragraph::new(lines), inner);
}

fn quit(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    let pending = app.pending.iter().filter(|p| !p.foreign).count();
    if pending > 0 {
        lines.push(Line::from(Span::styled(
            format!(" {pending} action(s) are not delivered yet. They stay in the outbox"),
            theme.style(Role::Warn),
        )));
        lines.push(Line::from(
            " and are sent when you next open warroom on this backend.",
        ));
    }
    if app.has_unsent_drafts() {
        lines.push(Line::from(
            " You have unsent drafts. They are saved and will be there",
        ));
        lines.push(Line::from(" when you reopen the note editor."));
    }
    lines.push(Line::default());
    lines.push(hint(theme, dialog_keys(Dialog::Quit)));
    let r = centered(area, 72, lines.len() as u16 + 2);
    let (inner, block) = popup(theme, f, r, "Quit?");
    f.render_widget(block, r);
    f.render_widget(Paragraph::new(lines), inner);
}
