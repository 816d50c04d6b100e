//! Moving about: the cursor in the focused pane, and between panes.

use ratatui::crossterm::event::KeyCode;

use super::super::{Act, Binding};
use super::{CTRL, NONE, SHIFT, ch};

pub(super) const KEYS: &[Binding] = &[
    Binding {
        keys: &[ch('k'), (KeyCode::Up, NONE)],
        label: "k/↑",
        act: Act::Up,
        command: "up",
        help: "move up / scroll up",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[ch('j'), (KeyCode::Down, NONE)],
        label: "j/↓",
        act: Act::Down,
        command: "down",
        help: "move down / scroll down",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[ch('g'), (KeyCode::Home, NONE)],
        label: "g",
        act: Act::Top,
        command: "top",
        help: "first item / oldest event",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[ch('G'), (KeyCode::Char('G'), SHIFT), (KeyCode::End, NONE)],
        label: "G",
        act: Act::Bottom,
        command: "bottom",
        help: "last item / follow new events",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::PageUp, NONE), (KeyCode::Char('u'), CTRL)],
        label: "PgUp",
        act: Act::PageUp,
        command: "page-up",
        help: "page up",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::PageDown, NONE), (KeyCode::Char('d'), CTRL)],
        label: "PgDn",
        act: Act::PageDown,
        command: "page-down",
        help: "page down",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Tab, NONE), ch('l'), (KeyCode::Right, NONE)],
        label: "Tab",
        act: Act::FocusNext,
        command: "next-pane",
        help: "focus the next pane",
        panes: &[],
        writes: false,
        footer: true,
    },
    Binding {
        keys: &[
            (KeyCode::BackTab, SHIFT),
            (KeyCode::BackTab, NONE),
            ch('h'),
            (KeyCode::Left, NONE),
        ],
        label: "S-Tab",
        act: Act::FocusPrev,
        command: "prev-pane",
        help: "focus the previous pane",
        panes: &[],
        writes: false,
        footer: false,
    },
];
