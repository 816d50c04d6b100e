//! `:closed`: the most recently closed incidents, newest first, windowed
//! around the cursor.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::list::window_start;
use super::popup::{centered, hint, popup};
use crate::model::{Incident, Status};
use crate::text::age;
use crate::text::{fit, one_line, pad};
use crate::tui::app::App;
use crate::tui::keymap::{Dialog, dialog_keys};
use crate::tui::theme::{Role, Theme};

pub(super) fn draw(
    app: &App,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    list: Option<&Result<Vec<Incident>, String>>,
    cursor: usize,
) {
    let n = list.and_then(|l| l.as_ref().ok()).map_or(1, Vec::len) as u16;
    let r = centered(area, 110, (n + 3).clamp(5, area.height));
    let (inner, block) = popup(theme, f, r, "Closed incidents, newest first");
    f.render_widget(block, r);
    let h = inner.height.saturating_sub(1) as usize;
    let w = inner.width as usize;
    let mut lines: Vec<Line> = match list {
        None => vec![Line::from(Span::styled(
            " loading…",
            theme.style(Role::Muted),
        ))],
        Some(Err(e)) => vec![Line::from(Span::styled(
            format!(" {}", one_line(e, 100)),
            theme.style(Role::Error),
        ))],
        Some(Ok(l)) if l.is_empty() => vec![Line::from(Span::styled(
            " No closed incidents.",
            theme.style(Role::Muted),
        ))],
        Some(Ok(l)) => {
            let start = window_start(cursor, l.len(), h);
            l[start..(start + h).min(l.len())]
                .iter()
                .enumerate()
                .map(|(i, inc)| row(app, theme, inc, start + i == cursor, w))
                .collect()
        }
    };
    lines.push(hint(theme, dialog_keys(Dialog::Closed)));
    f.render_widget(Paragraph::new(lines), inner);
}

fn row<'a>(app: &App, theme: &Theme, i: &Incident, selected: bool, w: usize) -> Line<'a> {
    let closed = i
        .status_times
        .get(&Status::Closed)
        .map_or("?".to_string(), |t| format!("{} ago", age(app.now - *t)));
    let lasted = age(i.age(app.now));
    let text = format!(
        "{}  closed {}  lasted {}  {}",
        pad(&i.id.to_string(), 9),
        pad(&closed, 12),
        pad(&lasted, 6),
        one_line(&i.title, 200)
    );
    let style = if selected {
        theme.style(Role::Selected)
    } else {
        theme.style(Role::Text)
    };
    Line::from(vec![
        Span::styled(format!(" {} ", i.severity), theme.sev(i.severity)),
        Span::raw(" "),
        Span::styled(fit(&text, w.saturating_sub(7)).into_owned(), style),
    ])
}
