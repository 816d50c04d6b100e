//! Everything drawn on top of the panes: the open dialog draws itself;
//! the flash goes over all of it.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::app::App;
use crate::tui::theme::Theme;

pub fn draw(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    if let Some(d) = &app.dialog {
        d.draw(&app.ctx(), theme, f, area);
    }
    if let Some(fl) = &app.flash {
        super::flash::draw(theme, f, area, fl);
    }
}
