//! The timeline reader: one entry whole, wrapped and scrollable. Notes show
//! every line; an alert shows each label and annotation on its own line,
//! links in full.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use ratatui::crossterm::event::KeyEvent;

use super::keys::{DOWN, ENTER, ESC, PGDN, PGUP, Table, UP, alias, backward, bind, ch};
use super::{Ctx, Effect, Outcome};
use crate::model::{EventKind, IncidentId, TimelineEvent};
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Scroll,
    Copy,
    Close,
    Top,
}

pub static KEYS: Table<Key> = Table {
    name: "reading an entry (Enter)",
    binds: &[
        bind(
            &[ch('j'), ch('k'), DOWN, UP, PGUP, PGDN, ch(' ')],
            "j/k PgUp/PgDn",
            "scroll",
            Key::Scroll,
        ),
        bind(&[ch('y')], "y", "copy", Key::Copy),
        bind(&[ESC, ENTER, ch('q')], "Esc", "close", Key::Close),
        alias(&[ch('g')], Key::Top),
    ],
};

/// One timeline entry, whole, scrollable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    pub id: IncidentId,
    pub seq: u64,
    pub scroll: u16,
}

impl Reader {
    pub fn new(id: IncidentId, seq: u64) -> Self {
        Self { id, seq, scroll: 0 }
    }

    fn event<'a>(&self, ctx: &'a Ctx) -> Option<&'a TimelineEvent> {
        ctx.board
            .details
            .get(&self.id)
            .and_then(|d| d.timeline.iter().find(|e| e.seq == self.seq))
    }

    pub fn key(&mut self, ctx: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            Some(Key::Close) => return Outcome::close(),
            Some(Key::Scroll) => {
                let by = if super::keys::paging(&k) { 10 } else { 1 };
                self.scroll = if backward(&k) {
                    self.scroll.saturating_sub(by)
                } else {
                    self.scroll.saturating_add(by)
                };
            }
            Some(Key::Top) => self.scroll = 0,
            Some(Key::Copy) => {
                // Only on this explicit key: nothing is copied behind the
                // IC's back.
                if let Some(e) = self.event(ctx) {
                    return Outcome::stay().with(Effect::Copy(e.kind.describe()));
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

/// The entry as lines of text: a heading, then everything it holds.
pub fn entry_lines(e: &TimelineEvent) -> Vec<String> {
    let mut out = vec![
        format!(
            "#{}  {}  by {}  ({})",
            e.seq,
            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
            e.author,
            e.kind.tag()
        ),
        String::new(),
    ];
    if let Some(w) = e.written_earlier() {
        out.insert(
            1,
            format!(
                "✎ written {} (offline), delivered {}",
                w.format("%Y-%m-%d %H:%M:%S UTC"),
                e.at.format("%H:%M:%S UTC")
            ),
        );
    }
    match &e.kind {
        EventKind::AlertReceived {
            alert,
            firing,
            detail,
            suppressed,
        } => {
            out.push(format!(
                "Alert {}",
                match (firing, suppressed) {
                    (true, Some(_)) => "SUPPRESSED",
                    (true, None) => "FIRING",
                    (false, _) => "resolved",
                }
            ));
            // `Name {k=v, k2=v2}` (Alertmanager) or `Name k=v k2=v2`.
            let (name, rest) = alert.split_once([' ', '{']).unwrap_or((alert.as_str(), ""));
            out.push(format!("  name: {name}"));
            let rest = rest.trim().trim_start_matches('{').trim_end_matches('}');
            for label in rest
                .split([',', ' '])
                .map(str::trim)
                .filter(|l| !l.is_empty())
            {
                match label.split_once('=') {
                    Some((k, v)) => out.push(format!("  {k} = {v}")),
                    None => out.push(format!("  {label}")),
                }
            }
            if let Some(why) = suppressed {
                out.push(String::new());
                out.push(format!("Suppressed: {why}"));
            }
            if let Some(d) = detail {
                out.push(String::new());
                out.push("Annotations".into());
                for part in d.split(" · ") {
                    out.push(format!("  {part}"));
                }
            }
        }
        EventKind::Note { text } | EventKind::StakeholderUpdate { text } => {
            out.extend(text.lines().map(str::to_string));
        }
        other => out.extend(other.describe().lines().map(str::to_string)),
    }
    out
}

fn draw(ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect, reader: &Reader) {
    let (id, seq, scroll) = (reader.id, reader.seq, reader.scroll);
    let r = centered(
        area,
        area.width.saturating_sub(4).max(20),
        area.height.saturating_sub(2).max(6),
    );
    let (inner, block) = popup(theme, f, r, &format!("{id} · entry {seq}"));
    f.render_widget(block, r);
    let [body, h] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let event = reader.event(ctx);
    let lines: Vec<Line> = match event {
        Some(e) => entry_lines(e)
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let role = if i == 0 { Role::Muted } else { Role::Text };
                Line::from(Span::styled(l, theme.style(role)))
            })
            .collect(),
        None => vec![Line::from(Span::styled(
            " This entry is no longer loaded.",
            theme.style(Role::Muted),
        ))],
    };
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        body,
    );
    f.render_widget(Paragraph::new(hint(theme, &KEYS.hints())), h);
}
