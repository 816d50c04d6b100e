//! The follow-ups overlay: the incident's follow-up actions (overdue ones
//! loud), and the form that adds one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::list::window_start;
use super::popup::{centered, field, hint, popup};
use crate::model::{FollowUp, FollowUpStatus};
use crate::text::{fit, one_line, pad};
use crate::tui::app::App;
use crate::tui::app::followups::{FollowUpForm, FollowUpsView};
use crate::tui::keymap::{Dialog, dialog_keys};
use crate::tui::theme::{Role, Theme};

pub(super) fn draw(app: &App, theme: &Theme, f: &mut Frame, area: Rect, v: &FollowUpsView) {
    let n = v
        .list
        .as_ref()
        .and_then(|l| l.as_ref().ok())
        .map_or(1, Vec::len) as u16;
    let r = centered(area, 110, (n + 3).clamp(6, area.height));
    let (inner, block) = popup(theme, f, r, &format!("Follow-up actions · {}", v.id));
    f.render_widget(block, r);
    let h = inner.height.saturating_sub(1) as usize;
    let w = inner.width as usize;
    let today = app.now.date_naive();
    let mut lines: Vec<Line> = match &v.list {
        None => vec![Line::from(Span::styled(
            " loading…",
            theme.style(Role::Muted),
        ))],
        Some(Err(e)) => vec![Line::from(Span::styled(
            format!(" {}", one_line(e, 100)),
            theme.style(Role::Error),
        ))],
        Some(Ok(l)) if l.is_empty() => vec![Line::from(Span::styled(
            " None yet. a adds one: what will stop this from happening again, and who owns it.",
            theme.style(Role::Muted),
        ))],
        Some(Ok(l)) => {
            let start = window_start(v.cursor, l.len(), h);
            l[start..(start + h).min(l.len())]
                .iter()
                .enumerate()
                .map(|(i, fu)| row(theme, fu, start + i == v.cursor, today, w))
                .collect()
        }
    };
    lines.push(hint(theme, dialog_keys(Dialog::FollowUps)));
    f.render_widget(Paragraph::new(lines), inner);
    if let Some(form) = &v.form {
        draw_form(theme, f, area, form);
    }
}

fn row<'a>(
    theme: &Theme,
    fu: &FollowUp,
    selected: bool,
    today: chrono::NaiveDate,
    w: usize,
) -> Line<'a> {
    let status = match fu.status {
        FollowUpStatus::Open if fu.overdue(today) => "OVERDUE",
        FollowUpStatus::Open => "open",
        FollowUpStatus::Done => "done",
        FollowUpStatus::WontDo => "won't do",
    };
    let text = format!(
        "#{:<4} {:?}  {}  {}  {}  {}",
        fu.id,
        fu.priority,
        pad(status, 8),
        pad(fu.owner.as_deref().unwrap_or("-"), 12),
        pad(&fu.due.map_or("-".into(), |d| d.to_string()), 10),
        one_line(&fu.title, 200)
    );
    let style = if selected {
        theme.style(Role::Selected)
    } else if fu.overdue(today) {
        theme.style(Role::Error)
    } else if fu.status == FollowUpStatus::Open {
        theme.style(Role::Text)
    } else {
        theme.style(Role::Muted)
    };
    Line::from(Span::styled(
        fit(&format!(" {text}"), w).into_owned(),
        style,
    ))
}

fn draw_form(theme: &Theme, f: &mut Frame, area: Rect, form: &FollowUpForm) {
    let r = centered(area, 70, 14);
    f.render_widget(Clear, r);
    let (inner, block) = popup(theme, f, r, "Add a follow-up action");
    f.render_widget(block, r);
    let [t, o, d, p, _, h] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(inner);
    field(theme, f, t, &form.title, "Title", form.field == 0);
    field(theme, f, o, &form.owner, "Owner", form.field == 1);
    field(theme, f, d, &form.due, "Due", form.field == 2);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                " Priority  ",
                theme.style(if form.field == 3 {
                    Role::BorderFocus
                } else {
                    Role::Muted
                }),
            ),
            Span::raw(format!("◂ {:?} ▸", form.priority)),
        ])),
        p,
    );
    let bottom = match &form.error {
        Some(e) => Line::from(Span::styled(
            format!(" ✗ {}", one_line(e, 80)),
            theme.style(Role::Error),
        )),
        None => hint(theme, dialog_keys(Dialog::FollowUpForm)),
    };
    f.render_widget(Paragraph::new(bottom), h);
}
