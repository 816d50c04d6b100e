//! The key table: every key of the console, its command name (the
//! palette's), its help text and where it applies. Help, the footer hints
//! and the palette are all generated from it. One table, kept in four
//! files by what the keys are for; the order here is the order help and
//! the palette list them.

use std::sync::LazyLock;

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use super::Binding;

mod incident;
mod moving;
mod screen;
mod state;

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

const fn ch(c: char) -> (KeyCode, KeyModifiers) {
    (KeyCode::Char(c), NONE)
}

/// Every key of the console.
pub static BINDINGS: LazyLock<Vec<Binding>> =
    LazyLock::new(|| [moving::KEYS, incident::KEYS, state::KEYS, screen::KEYS].concat());
