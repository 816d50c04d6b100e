//! Seen before: the closest past incidents on top, the last notes of the
//! one under the cursor below (what fixed it).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::list::window_start;
use super::popup::{centered, hint, popup};
use crate::model::IncidentId;
use crate::model::wire::Similar;
use crate::text::{duration, fit, one_line};
use crate::tui::keymap::{Dialog, dialog_keys};
use crate::tui::theme::{Role, Theme};

pub(super) fn draw(
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    id: IncidentId,
    list: Option<&Result<Vec<Similar>, String>>,
    cursor: usize,
) {
    // As tall as the matches and four lines of notes need.
    let n = list
        .and_then(|l| l.as_ref().ok())
        .map_or(1, |l| l.len().clamp(1, 12)) as u16;
    let r = centered(area, 120, (n + 9).min(area.height.saturating_sub(2)));
    let (inner, block) = popup(theme, f, r, &format!("Seen before · like {id}"));
    f.render_widget(block, r);
    let [top, bottom, keys] = Layout::vertical([
        Constraint::Length(n + 1),
        Constraint::Min(2),
        Constraint::Length(1),
    ])
    .areas(inner);
    let muted = theme.style(Role::Muted);
    f.render_widget(
        Paragraph::new(hint(theme, dialog_keys(Dialog::Similar))),
        keys,
    );
    let l = match list {
        None => {
            f.render_widget(Paragraph::new(Span::styled(" looking…", muted)), top);
            return;
        }
        Some(Err(e)) => {
            let line = Span::styled(format!(" {}", one_line(e, 100)), theme.style(Role::Error));
            f.render_widget(Paragraph::new(line), top);
            return;
        }
        Some(Ok(l)) if l.is_empty() => {
            let line = Span::styled(" Nothing like it among resolved incidents.", muted);
            f.render_widget(Paragraph::new(line), top);
            return;
        }
        Some(Ok(l)) => l,
    };
    let h = top.height as usize;
    let w = top.width as usize;
    let start = window_start(cursor, l.len(), h);
    let rows: Vec<Line> = l[start..(start + h).min(l.len())]
        .iter()
        .enumerate()
        .map(|(i, s)| row(theme, s, start + i == cursor, w))
        .collect();
    f.render_widget(Paragraph::new(rows), top);
    let notes = last_notes(theme, l.get(cursor));
    f.render_widget(Paragraph::new(notes).wrap(Wrap { trim: false }), bottom);
}

/// One past incident: severity, id, status, how long it took, title.
fn row<'a>(theme: &Theme, s: &Similar, selected: bool, w: usize) -> Line<'a> {
    let took = s
        .resolved_in_seconds
        .map_or("-".into(), |x| duration(chrono::Duration::seconds(x)));
    let text = format!(
        "{:<9} {:<10} resolved in {:<6}  {}",
        s.incident.id.to_string(),
        s.incident.status.as_str(),
        took,
        one_line(&s.incident.title, 200)
    );
    let style = if selected {
        theme.style(Role::Selected)
    } else {
        theme.style(Role::Text)
    };
    Line::from(vec![
        Span::styled(
            format!(" {} ", s.incident.severity),
            theme.sev(s.incident.severity),
        ),
        Span::raw(" "),
        Span::styled(fit(&text, w.saturating_sub(7)).into_owned(), style),
    ])
}

/// The picked incident's last notes before it was resolved: what fixed it.
fn last_notes<'a>(theme: &Theme, picked: Option<&Similar>) -> Vec<Line<'a>> {
    let muted = theme.style(Role::Muted);
    let mut notes = vec![Line::from(Span::styled(
        " Last notes before it was resolved:",
        theme.style(Role::Title),
    ))];
    match picked {
        Some(s) if !s.last_notes.is_empty() => {
            for e in &s.last_notes {
                notes.push(Line::from(vec![
                    Span::styled(
                        format!(
                            " {} {}: ",
                            e.at.format("%m-%d %H:%M"),
                            one_line(&e.author, 16)
                        ),
                        muted,
                    ),
                    Span::raw(one_line(&e.kind.describe(), 400)),
                ]));
            }
        }
        _ => notes.push(Line::from(Span::styled(" none recorded", muted))),
    }
    notes
}
