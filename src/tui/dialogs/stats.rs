//! `:stats`: a bar chart of time to resolve by severity and a sparkline of
//! incidents per day on top, the full report below (scrollable).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph, Sparkline};

use ratatui::crossterm::event::KeyEvent;

use super::keys::{DOWN, ESC, PGDN, PGUP, Table, UP, bind, ch};
use super::{Ctx, Effect, Outcome};
use crate::model::stats::Stats;
use crate::text::one_line;
use crate::tui::app::Read;
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

/// The windows `w` steps through: the last week, month, quarter, all time.
pub const WINDOWS: [&str; 4] = ["7d", "30d", "90d", "all"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Window,
    Scroll,
    Close,
}

pub static KEYS: Table<Key> = Table {
    name: "metrics (:stats)",
    binds: &[
        bind(&[ch('w')], "w", "window 7d/30d/90d/all", Key::Window),
        bind(
            &[ch('j'), ch('k'), DOWN, UP, PGUP, PGDN],
            "j/k PgUp/PgDn",
            "scroll",
            Key::Scroll,
        ),
        bind(&[ESC, ch('q')], "Esc", "close", Key::Close),
    ],
};

/// `:stats`: response metrics over `window`.
pub struct StatsView {
    pub window: String,
    /// `None` while loading.
    pub data: Option<Result<Box<Stats>, String>>,
    pub scroll: u16,
}

impl StatsView {
    /// The view over `window`, and the read that fills it.
    pub fn open(window: &str) -> Outcome {
        Outcome::open(StatsView {
            window: window.to_string(),
            data: None,
            scroll: 0,
        })
        .with(Effect::Read(Read::Stats(window.to_string())))
    }

    /// The answer, if it is for the window shown (a late answer for the
    /// window before is not shown as this one).
    pub fn fill(&mut self, window: &str, r: Result<Box<Stats>, String>) {
        if self.window == window {
            self.data = Some(r);
        }
    }

    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            Some(Key::Close) => return Outcome::close(),
            Some(Key::Scroll) => self.scroll = super::keys::scrolled(self.scroll, &k),
            Some(Key::Window) => {
                let at = WINDOWS.iter().position(|w| *w == self.window).unwrap_or(2);
                return Self::open(WINDOWS[(at + 1) % WINDOWS.len()]);
            }
            None => {}
        }
        Outcome::stay()
    }

    pub fn draw(&self, _: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        draw(
            theme,
            f,
            area,
            &self.window,
            self.data.as_ref(),
            self.scroll,
        )
    }
}

fn draw(
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    window: &str,
    data: Option<&Result<Box<Stats>, String>>,
    scroll: u16,
) {
    let r = centered(area, 120, area.height.saturating_sub(2));
    let (inner, block) = popup(theme, f, r, &format!("Response metrics · last {window}"));
    f.render_widget(block, r);
    let [charts, text, keys] = Layout::vertical([
        Constraint::Length(if inner.height >= 20 { 8 } else { 0 }),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    f.render_widget(Paragraph::new(hint(theme, &KEYS.hints())), keys);
    let s = match data {
        None => {
            let l = Span::styled(" reading…", theme.style(Role::Muted));
            f.render_widget(Paragraph::new(l), text);
            return;
        }
        Some(Err(e)) => {
            let l = Span::styled(format!(" {}", one_line(e, 100)), theme.style(Role::Error));
            f.render_widget(Paragraph::new(l), text);
            return;
        }
        Some(Ok(s)) => s,
    };
    if charts.height > 0 && s.overall.count > 0 {
        draw_charts(theme, f, charts, s);
    }
    // The definitions follow the figures (scroll down): what each measures.
    let lines: Vec<Line> = crate::report::stats_text::lines(s, window)
        .into_iter()
        .chain(crate::report::stats_text::definitions(s))
        .map(Line::from)
        .collect();
    f.render_widget(Paragraph::new(lines).scroll((scroll, 0)), text);
}

/// Median time to resolve per severity as bars, incidents per day as a
/// sparkline of the latest days that fit.
fn draw_charts(theme: &Theme, f: &mut Frame, charts: Rect, s: &Stats) {
    let [bars, spark] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(charts);
    // Median minutes to resolve, one bar per severity seen.
    let group: Vec<Bar> = s
        .by_severity
        .iter()
        .filter_map(|(sev, t)| {
            t.resolve.map(|r| {
                Bar::default()
                    .value((r.median / 60).max(0) as u64)
                    .label(Line::from(sev.as_str()))
                    .text_value(crate::text::duration(chrono::Duration::seconds(r.median)))
                    // The bar in the badge's colour, its label in the badge.
                    .style(ratatui::style::Style::new().fg(theme.sev(*sev).bg.unwrap_or_default()))
                    .value_style(theme.sev(*sev))
            })
        })
        .collect();
    f.render_widget(
        BarChart::default()
            .block(Block::bordered().title(" median time to resolve "))
            .data(BarGroup::default().bars(&group))
            .bar_width(7)
            .bar_gap(2),
        bars,
    );
    // The latest days that fit.
    let fit = spark.width.saturating_sub(2) as usize;
    let per_day: Vec<u64> = s.per_day[s.per_day.len().saturating_sub(fit)..]
        .iter()
        .map(|n| *n as u64)
        .collect();
    f.render_widget(
        Sparkline::default()
            .block(
                Block::bordered()
                    .title(format!(" incidents per day · {} in all ", s.overall.count)),
            )
            .data(&per_day)
            .style(theme.style(Role::Title)),
        spark,
    );
}
