//! The declare / edit form: one boxed input per text field, the severity
//! picker when declaring, and the reason when Enter was refused.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::popup::{centered, field, hint, popup};
use crate::text::one_line;
use crate::tui::app::{FormField, IncidentForm};
use crate::tui::keymap::{Dialog, dialog_keys};
use crate::tui::theme::{Role, Theme};

pub(super) fn draw(theme: &Theme, f: &mut Frame, area: Rect, form: &IncidentForm) {
    let fields = form.fields();
    let rows: u16 = fields
        .iter()
        .map(|x| if *x == FormField::Severity { 1 } else { 3 })
        .sum();
    let r = centered(area, 76, rows + 4);
    let title = match &form.editing {
        Some(i) => format!("Edit {} · {}", i.id, one_line(&i.title, 40)),
        None => "Declare an incident".to_string(),
    };
    let (inner, block) = popup(theme, f, r, &title);
    f.render_widget(block, r);
    let mut constraints: Vec<Constraint> = fields
        .iter()
        .map(|x| Constraint::Length(if *x == FormField::Severity { 1 } else { 3 }))
        .collect();
    constraints.push(Constraint::Min(0));
    constraints.push(Constraint::Length(1));
    let areas = Layout::vertical(constraints).split(inner);
    for (i, x) in fields.iter().enumerate() {
        let focused = form.field == *x;
        match form.input(*x) {
            Some(t) => field(theme, f, areas[i], t, x.label(), focused),
            None => severity(theme, f, areas[i], form, focused),
        }
    }
    if let Some(line) = suggestion(theme, form) {
        f.render_widget(Paragraph::new(line), areas[areas.len() - 2]);
    }
    let bottom = areas[areas.len() - 1];
    let line = match &form.error {
        Some(why) => Line::from(Span::styled(
            format!(" ✗ {}", one_line(why, 100)),
            theme.style(Role::Error),
        )),
        None if form.editing.is_some() => hint(theme, dialog_keys(Dialog::Edit)),
        None => hint(theme, dialog_keys(Dialog::Declare)),
    };
    f.render_widget(Paragraph::new(line), bottom);
}

fn severity(theme: &Theme, f: &mut Frame, area: Rect, form: &IncidentForm, focused: bool) {
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                " Severity  ",
                theme.style(if focused {
                    Role::BorderFocus
                } else {
                    Role::Muted
                }),
            ),
            Span::styled(format!(" ◂ {} ▸ ", form.severity), theme.sev(form.severity)),
            Span::styled(
                format!("  {}", form.severity.label()),
                theme.style(Role::Muted),
            ),
        ])),
        area,
    );
}

/// What the rules suggest (Ctrl-R asked), on the line above the keys.
fn suggestion<'a>(theme: &Theme, form: &IncidentForm) -> Option<Line<'a>> {
    let line = match form.suggestion.as_ref()? {
        Err(why) => Span::styled(
            format!(" rules: {}", one_line(why, 100)),
            theme.style(Role::Muted),
        ),
        Ok(s) => {
            let by = s.rule.as_deref().unwrap_or("no rule matches; defaults");
            let mut what = format!("{} · service {}", s.severity, s.service);
            if !s.tags.is_empty() {
                what.push_str(&format!(" · tags {}", s.tags.join(" ")));
            }
            Span::styled(
                format!(" {}: {what}  (^Y takes it)", one_line(by, 40)),
                theme.style(Role::Title),
            )
        }
    };
    Some(Line::from(line))
}
