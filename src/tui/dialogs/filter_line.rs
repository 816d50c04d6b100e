//! The `/` filter line: the list narrows as you type; Enter keeps the
//! filter, Esc clears it.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;
use tui_textarea::TextArea;

use super::keys::{ENTER, ESC, Table, bind};
use super::{Ctx, Effect, Outcome};
use crate::tui::app::{line_input, text_of};
use crate::tui::theme::Theme;
use crate::tui::view::popup::field;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Keep,
    Clear,
}

pub static KEYS: Table<Key> = Table {
    name: "filter (/)",
    binds: &[
        bind(&[ENTER], "Enter", "keep", Key::Keep),
        bind(&[ESC], "Esc", "clear", Key::Clear),
    ],
};

pub struct FilterLine {
    pub input: TextArea<'static>,
}

impl FilterLine {
    pub fn new(text: &str) -> Self {
        Self {
            input: line_input(text, "title, service, IC or id"),
        }
    }

    fn typed(&self) -> String {
        text_of(&self.input).replace('\n', " ")
    }

    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            Some(Key::Keep) => Outcome::close(),
            Some(Key::Clear) => Outcome::close().with(Effect::FilterText(String::new())),
            None => {
                self.input.input(k);
                Outcome::stay().with(Effect::FilterText(self.typed()))
            }
        }
    }

    pub fn paste(&mut self, text: &str) -> Vec<Effect> {
        let clean = crate::text::clean(text, true).replace('\n', " ");
        self.input.insert_str(clean);
        vec![Effect::FilterText(self.typed())]
    }

    pub fn draw(&self, _: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        let r = Rect {
            x: area.x,
            y: area.bottom().saturating_sub(3),
            width: area.width,
            height: 3.min(area.height),
        };
        f.render_widget(Clear, r);
        field(
            theme,
            f,
            r,
            &self.input,
            "Filter (Enter keeps, Esc clears)",
            true,
        );
    }
}
