//! The console and the wallboard: terminal views over the same client layer.

pub mod app;
pub mod board;
mod clipboard;
pub mod console;
pub mod dialogs;
mod drafts;
#[cfg(any(test, feature = "testing"))]
pub mod fixtures;
pub mod keymap;
pub mod links;
pub mod runtime;
#[cfg(any(test, feature = "testing"))]
pub mod screenshots;
#[cfg(any(test, feature = "testing"))]
mod svg;
pub(crate) mod terminal;
pub mod theme;
pub mod view;
pub mod wallboard;
