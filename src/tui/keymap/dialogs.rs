//! The keys of each dialog, in the key table's terms (keys, what they
//! do): the dialogs' hint lines and the help screen's "In dialogs" part
//! are drawn from here, so a hint never disagrees with the help.

/// Every dialog with keys of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::EnumCount, strum::Display)]
pub enum Dialog {
    #[strum(to_string = "palette (:)")]
    Palette,
    #[strum(to_string = "advance (n), checklist complete")]
    Advance,
    #[strum(to_string = "advance (n), items open")]
    AdvanceOpenItems,
    #[strum(to_string = "raise to SEV1")]
    RaiseToSev1,
    #[strum(to_string = "confirm a write")]
    ConfirmWrite,
    #[strum(to_string = "discard a queued action")]
    Discard,
    #[strum(to_string = "quit with drafts or pending actions")]
    Quit,
    #[strum(to_string = "a conflict, fresh state read")]
    Conflict,
    #[strum(to_string = "a conflict, state still being read")]
    ConflictLoading,
    #[strum(to_string = "a message")]
    Message,
    #[strum(to_string = "reading an entry (Enter)")]
    Reader,
    #[strum(to_string = "declare (D)")]
    Declare,
    #[strum(to_string = "edit (e)")]
    Edit,
    #[strum(to_string = "page or assign (r)")]
    Responder,
    #[strum(to_string = "assign from the user directory (r)")]
    Directory,
    #[strum(to_string = "silence (z)")]
    Silence,
    #[strum(to_string = ":silences")]
    Silences,
    #[strum(to_string = ":outbox")]
    Outbox,
    #[strum(to_string = ":outbox with held actions")]
    OutboxHeld,
    #[strum(to_string = "follow-ups (F)")]
    FollowUps,
    #[strum(to_string = "adding a follow-up")]
    FollowUpForm,
    #[strum(to_string = "metrics (:stats)")]
    Stats,
    #[strum(to_string = "seen before (b)")]
    Similar,
    #[strum(to_string = ":closed")]
    Closed,
    #[strum(to_string = ":deliveries")]
    Deliveries,
    #[strum(to_string = "run a runbook action (x), confirming")]
    ActionConfirm,
    #[strum(to_string = "a runbook action running")]
    ActionRunning,
}

pub type Keys = &'static [(&'static str, &'static str)];

/// The wallboard's keys (it has no others: it cannot write).
pub const WALLBOARD_KEYS: Keys = &[
    ("space", "pause / resume rotation"),
    ("←/→", "previous / next card"),
    ("?", "this help"),
    ("q", "quit"),
];

/// The keys of `d`, most used first.
pub fn dialog_keys(d: Dialog) -> Keys {
    match d {
        Dialog::Palette => &[
            ("Tab", "complete"),
            ("↑/↓", "choose"),
            ("Enter", "run"),
            ("Esc", "close"),
        ],
        // `n` opened it: pressed again it neither advances nor cancels.
        Dialog::Advance => &[("Enter/y", "advance"), ("Esc", "cancel")],
        Dialog::AdvanceOpenItems => &[("f", "force with a reason (recorded)"), ("Esc", "cancel")],
        Dialog::RaiseToSev1 => &[("Enter/y", "raise"), ("Esc/n", "cancel")],
        Dialog::ConfirmWrite => &[("y/Enter", "yes, do it"), ("Esc/n", "cancel")],
        Dialog::Discard => &[("y/Enter", "discard"), ("Esc/n", "keep it")],
        Dialog::Quit => &[("y", "quit"), ("Esc/n", "stay")],
        Dialog::Conflict => &[("r", "retry on this state"), ("d", "discard")],
        Dialog::ConflictLoading => &[("d", "discard")],
        Dialog::Message => &[("Esc/Enter", "dismiss")],
        Dialog::Reader => &[("j/k PgUp/PgDn", "scroll"), ("y", "copy"), ("Esc", "close")],
        Dialog::Declare => &[
            ("Tab", "next field"),
            ("←/→ 1-5", "severity"),
            ("Enter", "declare"),
            ("Esc", "cancel"),
            ("^R", "ask the rules"),
            ("^Y", "take it"),
        ],
        Dialog::Edit => &[
            ("Tab", "next field"),
            ("Enter", "save changed fields"),
            ("Esc", "cancel"),
        ],
        Dialog::Responder => &[
            ("Tab", "field"),
            ("←/→", "role"),
            ("Enter", "page / assign"),
            ("Esc", "cancel"),
        ],
        Dialog::Directory => &[("↑/↓", "pick"), ("Enter", "assign"), ("Esc", "cancel")],
        Dialog::Silence => &[("↑/↓", "duration"), ("Enter", "silence"), ("Esc", "cancel")],
        Dialog::Silences => &[
            ("j/k", "select"),
            ("d", "expire"),
            ("r", "reload"),
            ("Esc", "close"),
        ],
        Dialog::Outbox => &[("j/k", "select"), ("d", "discard"), ("Esc", "close")],
        Dialog::OutboxHeld => &[
            ("j/k", "select"),
            ("d", "discard"),
            ("s", "send held as you"),
            ("Esc", "close"),
        ],
        Dialog::FollowUps => &[
            ("a", "add"),
            ("x", "done"),
            ("w", "won't do"),
            ("o", "reopen"),
            ("r", "reload"),
            ("Esc", "close"),
        ],
        Dialog::FollowUpForm => &[("Tab", "next field"), ("Enter", "add"), ("Esc", "cancel")],
        Dialog::Stats => &[
            ("w", "window 7d/30d/90d/all"),
            ("j/k PgUp/PgDn", "scroll"),
            ("Esc", "close"),
        ],
        Dialog::Similar => &[("j/k", "select"), ("Enter", "open it"), ("Esc", "close")],
        Dialog::Deliveries => &[("j/k", "select"), ("r", "reload"), ("Esc", "close")],
        Dialog::ActionConfirm => &[("y", "run it"), ("Esc/n", "cancel")],
        Dialog::ActionRunning => &[
            ("j/k", "scroll the output"),
            ("G", "newest"),
            ("Esc", "close (it keeps running)"),
        ],
        Dialog::Closed => &[
            ("j/k", "select"),
            ("Enter", "open (read-only)"),
            ("r", "reload"),
            ("Esc", "close"),
        ],
    }
}
