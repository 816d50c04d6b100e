//! The state pane and the brief, drawn from fixed data and a fixed clock at
//! 80x24, 120x15 and 160x48: countdowns, OVERDUE, hypotheses by status,
//! decisions, the offer of command, and the brief as the next IC reads it.

mod common;

use common::console::{keys, screen_text, snap};
use ratatui::crossterm::event::KeyCode;
use warroom::tui::fixtures::{sample_app, with_state_document};

/// Tab from the list reaches the state pane last.
fn state_pane(app: &mut warroom::tui::app::App) {
    with_state_document(app);
    keys(app, &[KeyCode::BackTab]);
}

#[test]
fn the_state_pane() {
    snap("state_pane", state_pane);
}

#[test]
fn the_brief() {
    snap("brief", |app| {
        with_state_document(app);
        keys(app, &[KeyCode::Char('B')]);
    });
}

#[test]
fn the_state_pane_says_what_is_overdue_and_what_is_left() {
    let mut app = sample_app(160, 48);
    state_pane(&mut app);
    let s = screen_text(&app);
    // Marco's ten minutes ran out two minutes ago; priya has four left.
    assert!(s.contains("OVERDUE 2:00"), "{s}");
    assert!(s.contains("4:00"), "{s}");
    assert!(s.contains("? H3 retry storm"), "{s}");
    assert!(s.contains("✗ H1 CDN edge misconfiguration"), "{s}");
    assert!(s.contains("#3 proposed by marco"), "{s}");
    assert!(s.contains("command offered to dana"), "{s}");
}
