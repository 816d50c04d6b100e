//! `:stats`: response metrics in the console; `w` steps the window
//! through the last week, month, quarter and all time.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{App, Command, Overlay};
use crate::model::stats::Stats;

pub const WINDOWS: [&str; 4] = ["7d", "30d", "90d", "all"];

pub(super) fn open(app: &mut App, window: &str) -> Vec<Command> {
    app.overlay = Some(Overlay::Stats {
        window: window.to_string(),
        data: None,
        scroll: 0,
    });
    vec![Command::FetchStats(window.to_string())]
}

pub(super) fn key(
    app: &mut App,
    window: String,
    data: Option<Result<Box<Stats>, String>>,
    mut scroll: u16,
    k: KeyEvent,
) -> Vec<Command> {
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Down | KeyCode::Char('j') => scroll = scroll.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => scroll = scroll.saturating_sub(1),
        KeyCode::PageDown => scroll = scroll.saturating_add(10),
        KeyCode::PageUp => scroll = scroll.saturating_sub(10),
        KeyCode::Char('w') => {
            let at = WINDOWS.iter().position(|w| *w == window).unwrap_or(2);
            return open(app, WINDOWS[(at + 1) % WINDOWS.len()]);
        }
        _ => {}
    }
    app.overlay = Some(Overlay::Stats {
        window,
        data,
        scroll,
    });
    Vec::new()
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::tui::app::{Msg, update};
    use crate::tui::fixtures::sample_app;

    #[test]
    fn stats_opens_on_ninety_days_and_w_steps_the_window() {
        let mut app = sample_app(80, 24);
        let key = |app: &mut App, c| update(app, Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
        key(&mut app, KeyCode::Char(':'));
        for c in "stats".chars() {
            key(&mut app, KeyCode::Char(c));
        }
        assert_eq!(
            key(&mut app, KeyCode::Enter),
            vec![Command::FetchStats("90d".into())]
        );
        update(&mut app, Msg::Stats("90d".into(), Ok(Box::default())));
        assert!(matches!(
            &app.overlay,
            Some(Overlay::Stats {
                data: Some(Ok(_)),
                ..
            })
        ));
        assert_eq!(
            key(&mut app, KeyCode::Char('w')),
            vec![Command::FetchStats("all".into())]
        );
        // A late answer for the old window is not shown as this one.
        update(&mut app, Msg::Stats("90d".into(), Ok(Box::default())));
        assert!(
            matches!(&app.overlay, Some(Overlay::Stats { data: None, window, .. }) if window == "all")
        );
        assert_eq!(
            key(&mut app, KeyCode::Char('w')),
            vec![Command::FetchStats("7d".into())]
        );
    }
}
