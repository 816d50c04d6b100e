//! `:closed`: the most recently closed incidents, newest first, windowed
//! around the cursor.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use ratatui::crossterm::event::KeyEvent;

use super::keys::{DOWN, ENTER, ESC, Table, UP, bind, ch};
use super::list::{ListDialog, Words};
use super::{Ctx, Effect, Outcome};
use crate::model::{Incident, Status};
use crate::text::age;
use crate::text::{fit, one_line, pad};
use crate::tui::app::Read;
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

/// How many closed incidents the view reads: enough to find last week's
/// outage, bounded whatever the history holds.
pub const RECENT_CLOSED: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Move,
    Open,
    Reload,
    Close,
}

pub static KEYS: Table<Key> = Table {
    name: ":closed",
    binds: &[
        bind(&[ch('j'), ch('k'), DOWN, UP], "j/k", "select", Key::Move),
        bind(&[ENTER], "Enter", "open (read-only)", Key::Open),
        bind(&[ch('r')], "r", "reload", Key::Reload),
        bind(&[ESC, ch('q')], "Esc", "close", Key::Close),
    ],
};

const WORDS: Words = Words {
    loading: "loading…",
    empty: "No closed incidents.",
    error_chars: 100,
};

/// `:closed`: looking back at the most recently closed incidents. They
/// are not in the console's list (it holds what is still being worked);
/// Enter opens one by id, read-only, as `:INC-n` does.
#[derive(Default)]
pub struct ClosedView {
    pub list: ListDialog<Incident>,
}

impl ClosedView {
    pub fn open() -> Outcome {
        Outcome::open(ClosedView::default()).with(Effect::Read(Read::Closed))
    }

    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            Some(Key::Close) => return Outcome::close(),
            Some(Key::Move) => self.list.step(&k),
            Some(Key::Reload) => return Self::open(),
            Some(Key::Open) => {
                if let Some(i) = self.list.selected() {
                    return Outcome::close().with(Effect::Jump(i.id));
                }
            }
            None => {}
        }
        Outcome::stay()
    }

    pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        draw(ctx, theme, f, area, self)
    }
}

fn draw(ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect, v: &ClosedView) {
    let n = v.list.loaded().map_or(1, <[Incident]>::len) as u16;
    let r = centered(area, 110, (n + 3).clamp(5, area.height));
    let (inner, block) = popup(theme, f, r, "Closed incidents, newest first");
    f.render_widget(block, r);
    let h = inner.height.saturating_sub(1) as usize;
    let w = inner.width as usize;
    let mut lines = v
        .list
        .lines(theme, &WORDS, h, |inc, sel| row(ctx, theme, inc, sel, w));
    lines.push(hint(theme, &KEYS.hints()));
    f.render_widget(Paragraph::new(lines), inner);
}

fn row<'a>(ctx: &Ctx, theme: &Theme, i: &Incident, selected: bool, w: usize) -> Line<'a> {
    let closed = i
        .status_times
        .get(&Status::Closed)
        .map_or("?".to_string(), |t| format!("{} ago", age(ctx.now - *t)));
    let lasted = age(i.age(ctx.now));
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
