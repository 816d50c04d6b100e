//! The frame every dialog is drawn in: a cleared, centred box with a
//! titled border, key hints on its last line, and bordered input fields.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear};
use tui_textarea::TextArea;

use crate::tui::theme::{Role, Theme};

pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub fn popup<'a>(theme: &Theme, f: &mut Frame, area: Rect, title: &str) -> (Rect, Block<'a>) {
    f.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(theme.style(Role::BorderFocus))
        .title(Span::styled(format!(" {title} "), theme.style(Role::Title)));
    (block.inner(area), block)
}

pub fn hint<'a>(theme: &Theme, pairs: &[(&str, &str)]) -> Line<'a> {
    let mut spans = Vec::new();
    for (k, what) in pairs {
        spans.push(Span::styled(format!(" {k}"), theme.style(Role::Key)));
        spans.push(Span::styled(format!(" {what} "), theme.style(Role::Muted)));
    }
    Line::from(spans)
}

pub fn field(
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    t: &TextArea<'static>,
    label: &str,
    focused: bool,
) {
    let mut t = t.clone();
    t.set_block(
        Block::bordered()
            .title(format!(" {label} "))
            .border_style(theme.style(if focused {
                Role::BorderFocus
            } else {
                Role::Border
            })),
    );
    if !focused {
        t.set_cursor_style(ratatui::style::Style::default());
    }
    f.render_widget(&t, area);
}

/// A field on one line, its label before it: the form's shape on a
/// screen too short for bordered fields.
pub fn line_field(
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    t: &TextArea<'static>,
    label: &str,
    focused: bool,
) {
    let label_w = (crate::text::width(label) as u16 + 3).min(area.width);
    let [l, input] = ratatui::layout::Layout::horizontal([
        ratatui::layout::Constraint::Length(label_w),
        ratatui::layout::Constraint::Min(1),
    ])
    .areas(area);
    f.render_widget(
        ratatui::widgets::Paragraph::new(Span::styled(
            format!(" {label}: "),
            theme.style(if focused {
                Role::BorderFocus
            } else {
                Role::Muted
            }),
        )),
        l,
    );
    let mut t = t.clone();
    if !focused {
        t.set_cursor_style(ratatui::style::Style::default());
    }
    f.render_widget(&t, input);
}
