//! The keys of a message over the screen (the flash) and of a conflict,
//! the message that holds the IC's refused write. The flash itself is the
//! console's (`app::Flash`), above any dialog; its keys live here so `?`
//! and the tests see them with every other table.

use super::keys::{ENTER, ESC, Table, alias, bind, ch};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Retry,
    Discard,
    Dismiss,
}

pub static CONFLICT_KEYS: Table<Key> = Table {
    name: "a conflict, fresh state read",
    binds: &[
        bind(&[ch('r')], "r", "retry on this state", Key::Retry),
        bind(&[ch('d')], "d", "discard", Key::Discard),
    ],
};

// Retrying before we know what is true now would be the same blind write
// that just lost: no `r` until the fresh state is read.
pub static CONFLICT_LOADING_KEYS: Table<Key> = Table {
    name: "a conflict, state still being read",
    binds: &[bind(&[ch('d')], "d", "discard", Key::Discard)],
};

pub static MESSAGE_KEYS: Table<Key> = Table {
    name: "a message",
    binds: &[
        bind(&[ESC, ENTER], "Esc/Enter", "dismiss", Key::Dismiss),
        alias(&[ch('q'), ch('d')], Key::Dismiss),
    ],
};
