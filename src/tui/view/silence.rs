//! Alertmanager silences: the dialog that makes one (showing the exact
//! matchers and when it ends), and the `:silences` list.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::text::{fit, one_line, pad};
use crate::tui::app::App;
use crate::tui::theme::{Role, Theme};

use super::popup::{centered, field, hint, popup};
use crate::client::{SilenceInfo, SilenceState};
use crate::tui::app::SilenceForm;
use crate::tui::keymap::{Dialog, dialog_keys};

pub(super) fn form(app: &App, theme: &Theme, f: &mut Frame, area: Rect, form: &SilenceForm) {
    // The exact matchers the silence gets: the alert group's labels,
    // which the Alertmanager backend gives an incident as its tags.
    let matchers: Vec<String> = app
        .board
        .incidents
        .iter()
        .find(|i| i.id == form.id)
        .map(|i| {
            i.tags
                .iter()
                .filter_map(|t| t.split_once('='))
                .map(|(k, v)| format!("{k}=\"{v}\""))
                .collect()
        })
        .unwrap_or_default();
    let m_rows = (matchers.len() as u16).clamp(1, 4);
    let r = centered(area, 76, 9 + m_rows);
    let (inner, block) = popup(theme, f, r, &format!("Silence the alerts of {}", form.id));
    f.render_widget(block, r);
    let [c, d, m, _, h] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Length(m_rows + 1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(inner);
    let mut mlines = vec![Line::from(Span::styled(
        " Matchers (every alert with all of these labels is silenced):",
        theme.style(Role::Muted),
    ))];
    if matchers.is_empty() {
        mlines.push(Line::from(Span::styled(
            "   the group's labels (not known yet)",
            theme.style(Role::Muted),
        )));
    }
    for chunk in matchers.chunks(3).take(m_rows as usize) {
        mlines.push(Line::from(Span::styled(
            fit(&format!("   {}", chunk.join(", ")), m.width as usize).into_owned(),
            theme.style(Role::Text),
        )));
    }
    f.render_widget(Paragraph::new(mlines), m);
    field(theme, f, c, &form.comment, "Comment (required)", true);
    let minutes = crate::tui::app::SILENCE_MINUTES[form.duration];
    let dur = if minutes >= 60 {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}m")
    };
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" For  ", theme.style(Role::Muted)),
            Span::styled(format!(" ▴ {dur} ▾ "), theme.style(Role::Selected)),
            Span::styled(
                format!(
                    "  until {}",
                    (app.now + chrono::Duration::minutes(minutes as i64))
                        .format("%a %d %b %H:%M UTC")
                ),
                theme.style(Role::Muted),
            ),
        ])),
        d,
    );
    f.render_widget(Paragraph::new(hint(theme, dialog_keys(Dialog::Silence))), h);
}

pub(super) fn list(
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    list: Option<&Result<Vec<SilenceInfo>, String>>,
    cursor: usize,
) {
    let rows = list
        .as_ref()
        .and_then(|l| l.as_ref().ok())
        .map_or(1, Vec::len) as u16;
    let r = centered(area, 100, (rows + 4).max(6).min(area.height));
    let (inner, block) = popup(theme, f, r, "Silences");
    f.render_widget(block, r);
    let mut lines: Vec<Line> = match list {
        None => vec![Line::from(Span::styled(
            " loading…",
            theme.style(Role::Muted),
        ))],
        Some(Err(e)) => vec![Line::from(Span::styled(
            format!(" {}", one_line(e, 90)),
            theme.style(Role::Error),
        ))],
        Some(Ok(l)) if l.is_empty() => vec![Line::from(Span::styled(
            " No silences.",
            theme.style(Role::Muted),
        ))],
        Some(Ok(l)) => l
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let st = if i == cursor {
                    theme.style(Role::Selected)
                } else if s.state == SilenceState::Active {
                    theme.style(Role::Text)
                } else {
                    theme.style(Role::Muted)
                };
                let text = format!(
                    " {:<8} until {}  {}  by {}: {}",
                    s.state.to_string(),
                    s.ends_at.format("%m-%d %H:%M"),
                    s.matchers,
                    s.created_by,
                    s.comment
                );
                Line::from(Span::styled(pad(&text, inner.width as usize), st))
            })
            .collect(),
    };
    lines.push(hint(theme, dialog_keys(Dialog::Silences)));
    f.render_widget(Paragraph::new(lines), inner);
}
