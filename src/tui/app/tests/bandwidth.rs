//! What a clock tick costs on the wire: the console redraws only the cells
//! that show time (ratatui sends only changed cells, so the diff between
//! two frames is what goes to the terminal), and on a slow link a second
//! that changes nothing is not drawn at all.

use super::*;
use crate::tui::fixtures::with_state_document;

/// The cells that differ between the frame at the app's time and the
/// frame after `msg`: what the terminal would be sent.
fn cells_changed_by(app: &mut App, msg: Msg, w: u16, h: u16) -> usize {
    let theme = crate::tui::theme::Theme::load("default", None, false).unwrap();
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    t.draw(|f| crate::tui::view::draw(app, &theme, f)).unwrap();
    let before = t.backend().buffer().clone();
    update(app, msg);
    t.draw(|f| crate::tui::view::draw(app, &theme, f)).unwrap();
    before.diff(t.backend().buffer()).len()
}

#[test]
fn a_clock_tick_redraws_only_the_cells_that_show_time() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = sample_app(w, h);
        with_state_document(&mut app);
        let next = app.now + chrono::Duration::seconds(1);
        let n = cells_changed_by(&mut app, Msg::Tick(next), w, h);
        // The live age and the countdowns: a handful, never the screen.
        assert!(n <= 16, "{n} of {} cells changed at {w}x{h}", w * h);
        assert!(n > 0, "the tick was drawn");
    }
}

#[test]
fn on_a_slow_link_the_clock_moves_by_the_minute() {
    let mut app = sample_app(160, 48);
    with_state_document(&mut app);
    app.low_bandwidth = true;
    let start = app.now;
    let minute = start.timestamp().div_euclid(60);
    // The seconds inside this minute are not ticks at all.
    let same = chrono::DateTime::from_timestamp(minute * 60 + 59, 0).unwrap();
    assert!(!app.wants_tick(same));
    let next_minute = chrono::DateTime::from_timestamp((minute + 1) * 60, 0).unwrap();
    assert!(app.wants_tick(next_minute));
    assert!(
        sample_app(80, 24).wants_tick(same),
        "a normal link ticks every second"
    );
    // No seconds on screen: the live age is gone, countdowns are minutes.
    let shown = screen(&app, 160, 48);
    assert!(
        shown.contains("● live ") && !shown.contains("● live 0s"),
        "{shown}"
    );
    // A task's countdown (`OVERDUE 3m`, not `OVERDUE 3:12`).
    let clocks: Vec<&str> = shown
        .split("OVERDUE ")
        .skip(1)
        .map(|after| {
            let end = after
                .find(|c: char| !(c.is_ascii_digit() || matches!(c, ':' | 'h' | 'm')))
                .unwrap_or(after.len());
            &after[..end]
        })
        .filter(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert!(!clocks.is_empty(), "{shown}");
    for c in clocks {
        assert!(c.ends_with('m') && !c.contains(':'), "{c}");
    }
    // A minute's tick redraws the ages and clocks (every "12m ago"), not
    // the screen: under 5% of its cells (once the
    // new incidents' rows, lit when they arrived, have gone out).
    app.attention.flashing.clear();
    // (The backend answered meanwhile: not stale.)
    app.board.conn.last_ok = Some(next_minute);
    let n = cells_changed_by(&mut app, Msg::Tick(next_minute), 160, 48);
    assert!(n <= 160 * 48 / 20, "{n} cells:\n{}", screen(&app, 160, 48));
}
