//! The responder dialog: page someone or assign a role; on a backend
//! with a user directory (PagerDuty), pick a user found by name.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::text::pad;
use crate::tui::app::App;
use crate::tui::theme::{Role, Theme};

use super::popup::{centered, field, hint, popup};
use crate::model::Role as ResponderRole;
use crate::tui::app::ResponderForm;
use crate::tui::keymap::{Dialog, dialog_keys};

pub(super) fn directory(app: &App, theme: &Theme, f: &mut Frame, area: Rect, form: &ResponderForm) {
    let rows = form.matches.len().min(6) as u16;
    let r = centered(area, 72, 7 + rows);
    let (inner, block) = popup(
        theme,
        f,
        r,
        &format!("Assign · {} · {} users", form.id, app.caps.name),
    );
    f.render_widget(block, r);
    let [t, list, h] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(inner);
    field(theme, f, t, &form.handle, "User", true);
    let mut lines: Vec<Line> = form
        .matches
        .iter()
        .take(6)
        .enumerate()
        .map(|(i, u)| {
            let st = if i == form.pick {
                theme.style(Role::Selected)
            } else {
                theme.style(Role::Text)
            };
            Line::from(Span::styled(
                pad(
                    &format!(" {}  {}  ({})", u.name, u.email, u.id),
                    list.width as usize,
                ),
                st,
            ))
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            " type 2+ letters of a name or email",
            theme.style(Role::Muted),
        )));
    }
    f.render_widget(Paragraph::new(lines), list);
    f.render_widget(
        Paragraph::new(hint(theme, dialog_keys(Dialog::Directory))),
        h,
    );
}

pub(super) fn draw(theme: &Theme, f: &mut Frame, area: Rect, form: &ResponderForm) {
    let r = centered(area, 64, 8);
    let (inner, block) = popup(theme, f, r, &format!("Page or assign · {}", form.id));
    f.render_widget(block, r);
    let [t, role, _, h] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(inner);
    field(theme, f, t, &form.handle, "Handle", form.field == 0);
    let sel = form.field == 1;
    let mut spans = vec![Span::styled(
        " Role  ",
        if sel {
            theme.style(Role::BorderFocus)
        } else {
            theme.style(Role::Muted)
        },
    )];
    for r in ResponderRole::ALL {
        let st = if r == form.role {
            theme.style(Role::Selected)
        } else {
            theme.style(Role::Muted)
        };
        spans.push(Span::styled(format!(" {} ", r.short()), st));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), role);
    f.render_widget(
        Paragraph::new(hint(theme, dialog_keys(Dialog::Responder))),
        h,
    );
}
