//! What a dialog's key handler hands back to `update`.

use super::Command;
use crate::tui::keymap::Act;

/// What an overlay's key handler hands back to `update`: overlays keep
/// their own state in `app.overlay` and return what only `update` does
/// (running a key's action), so they never call back into it.
pub(super) enum Outcome {
    Commands(Vec<Command>),
    Run(Act),
}

impl From<Vec<Command>> for Outcome {
    fn from(c: Vec<Command>) -> Self {
        Outcome::Commands(c)
    }
}
