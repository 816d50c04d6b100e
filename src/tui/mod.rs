//! The console and the wallboard: terminal views over the same client layer.

pub mod app;
pub mod board;
mod clipboard;
pub mod console;
pub mod dialogs;
mod drafts;
pub mod fixtures;
pub mod keymap;
pub mod runtime;
pub mod screenshots;
mod svg;
pub(crate) mod terminal;
pub mod theme;
pub mod view;
pub mod wallboard;
