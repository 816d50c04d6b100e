//! One-line text inputs, as every form and dialog makes them.

use tui_textarea::TextArea;

pub fn line_input(initial: &str, placeholder: &str) -> TextArea<'static> {
    let mut t = TextArea::new(vec![initial.to_string()]);
    t.move_cursor(tui_textarea::CursorMove::End);
    t.set_placeholder_text(placeholder.to_string());
    t.set_cursor_line_style(ratatui::style::Style::default());
    t
}

pub fn text_of(t: &TextArea<'_>) -> String {
    t.lines().join("\n")
}
