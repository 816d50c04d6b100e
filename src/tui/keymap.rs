//! Every key of the console, listed once. The same table drives key
//! dispatch, the help overlay, the footer and the command palette, so they
//! cannot disagree. Actions that change data are tagged `writes`: a
//! read-only view (the wallboard) has no such bindings at all.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The panes of the console that can hold focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    List,
    Timeline,
    Responders,
    Checklist,
}

impl Pane {
    pub const ORDER: [Pane; 4] = [
        Pane::List,
        Pane::Timeline,
        Pane::Responders,
        Pane::Checklist,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::List => "Incidents",
            Pane::Timeline => "Timeline",
            Pane::Responders => "Responders",
            Pane::Checklist => "Checklist",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Act {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    FocusNext,
    FocusPrev,
    Acknowledge,
    Advance,
    SevUp,
    SevDown,
    Toggle,
    Note,
    Update,
    Responder,
    Declare,
    Palette,
    Filter,
    FilterPick,
    ToggleTime,
    Help,
    Quit,
    Read,
    Copy,
    Join,
    TakeCommand,
    Resolve,
    Silence,
    Silences,
    Edit,
    Closed,
    Postmortem,
    FollowUps,
    Similar,
    Stats,
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are written in help and footer.
    pub label: &'static str,
    pub act: Act,
    /// The palette's name for it.
    pub command: &'static str,
    pub help: &'static str,
    /// Panes where it works; empty means everywhere.
    pub panes: &'static [Pane],
    pub writes: bool,
    /// Shown in the footer (the rest are in `?`).
    pub footer: bool,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

const fn ch(c: char) -> (KeyCode, KeyModifiers) {
    (KeyCode::Char(c), NONE)
}

pub const BINDINGS: &[Binding] = &[
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
    Binding {
        keys: &[ch('a')],
        label: "a",
        act: Act::Acknowledge,
        command: "ack",
        help: "acknowledge the incident",
        panes: &[],
        writes: true,
        footer: true,
    },
    Binding {
        keys: &[ch('n')],
        label: "n",
        act: Act::Advance,
        command: "advance",
        help: "advance to the next phase (confirm; force past open items)",
        panes: &[],
        writes: true,
        footer: true,
    },
    Binding {
        keys: &[ch('s')],
        label: "s",
        act: Act::SevUp,
        command: "sev-up",
        help: "raise severity (towards SEV1; SEV1 asks first)",
        panes: &[],
        writes: true,
        footer: false,
    },
    Binding {
        keys: &[ch('S'), (KeyCode::Char('S'), SHIFT)],
        label: "S",
        act: Act::SevDown,
        command: "sev-down",
        help: "lower severity (towards SEV5)",
        panes: &[],
        writes: true,
        footer: false,
    },
    Binding {
        keys: &[ch(' ')],
        label: "space",
        act: Act::Toggle,
        command: "tick",
        help: "tick / untick the checklist item",
        panes: &[Pane::Checklist],
        writes: true,
        footer: true,
    },
    Binding {
        keys: &[ch('i')],
        label: "i",
        act: Act::Note,
        command: "note",
        help: "write a note (Ctrl-S posts, Esc keeps the draft)",
        panes: &[],
        writes: true,
        footer: true,
    },
    Binding {
        keys: &[ch('A'), (KeyCode::Char('A'), SHIFT)],
        label: "A",
        act: Act::Join,
        command: "join",
        help: "acknowledge your page / join the incident yourself",
        panes: &[],
        writes: true,
        footer: false,
    },
    Binding {
        keys: &[],
        label: ":take-command",
        act: Act::TakeCommand,
        command: "take-command",
        help: "make yourself the incident commander (recorded on the timeline)",
        panes: &[],
        writes: true,
        footer: false,
    },
    Binding {
        keys: &[ch('u')],
        label: "u",
        act: Act::Update,
        command: "update",
        help: "post a stakeholder update",
        panes: &[],
        writes: true,
        footer: false,
    },
    Binding {
        keys: &[ch('r')],
        label: "r",
        act: Act::Responder,
        command: "responder",
        help: "page a responder or assign a role (PagerDuty: reassign)",
        panes: &[],
        writes: true,
        footer: false,
    },
    Binding {
        keys: &[ch('e')],
        label: "e",
        act: Act::Edit,
        command: "edit",
        help: "edit title, service, summary and tags",
        panes: &[],
        writes: true,
        footer: false,
    },
    Binding {
        keys: &[ch('D'), (KeyCode::Char('D'), SHIFT)],
        label: "D",
        act: Act::Declare,
        command: "declare",
        help: "declare a new incident",
        panes: &[],
        writes: true,
        footer: false,
    },
    Binding {
        keys: &[ch('R'), (KeyCode::Char('R'), SHIFT)],
        label: "R",
        act: Act::Resolve,
        command: "resolve",
        help: "resolve in one step (PagerDuty)",
        panes: &[],
        writes: true,
        footer: false,
    },
    Binding {
        keys: &[ch('z')],
        label: "z",
        act: Act::Silence,
        command: "silence",
        help: "silence the alert group, as containment (Alertmanager)",
        panes: &[],
        writes: true,
        footer: false,
    },
    Binding {
        keys: &[],
        label: ":silences",
        act: Act::Silences,
        command: "silences",
        help: "list and expire silences (Alertmanager)",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[ch('P'), (KeyCode::Char('P'), SHIFT)],
        label: "P",
        act: Act::Postmortem,
        command: "postmortem",
        help: "write the postmortem draft of a resolved/verified/closed incident to a file",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[ch('F'), (KeyCode::Char('F'), SHIFT)],
        label: "F",
        act: Act::FollowUps,
        command: "followups",
        help: "follow-up actions of the incident: add (a), done (x), won't do (w), reopen (o)",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[ch('b')],
        label: "b",
        act: Act::Similar,
        command: "similar",
        help: "seen before: resolved incidents like this one, how long they took, what fixed them",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[],
        label: ":stats",
        act: Act::Stats,
        command: "stats",
        help: "response metrics: MTTA, MTTR by severity, slowest, skipped checklists, load (w: window)",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[],
        label: ":closed",
        act: Act::Closed,
        command: "closed",
        help: "the most recently closed incidents (Enter opens one, read-only)",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[ch(':')],
        label: ":",
        act: Act::Palette,
        command: "palette",
        help: "command palette (every action, with completion)",
        panes: &[],
        writes: false,
        footer: true,
    },
    Binding {
        keys: &[ch('/')],
        label: "/",
        act: Act::Filter,
        command: "filter",
        help: "filter incidents by text",
        panes: &[],
        writes: false,
        footer: true,
    },
    Binding {
        keys: &[ch('f')],
        label: "f",
        act: Act::FilterPick,
        command: "filter-by",
        help: "filter by severity or status",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[ch('t')],
        label: "t",
        act: Act::ToggleTime,
        command: "time",
        help: "relative / absolute times",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Enter, NONE)],
        label: "Enter",
        act: Act::Read,
        command: "read",
        help: "read the timeline entry whole (labels, links, every line)",
        panes: &[Pane::Timeline],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[ch('y')],
        label: "y",
        act: Act::Copy,
        command: "copy",
        help: "copy the incident id (in the reader: the entry) to the clipboard (OSC 52)",
        panes: &[],
        writes: false,
        footer: false,
    },
    Binding {
        keys: &[ch('?')],
        label: "?",
        act: Act::Help,
        command: "help",
        help: "this help",
        panes: &[],
        writes: false,
        footer: true,
    },
    Binding {
        keys: &[ch('q'), (KeyCode::Char('c'), CTRL)],
        label: "q",
        act: Act::Quit,
        command: "quit",
        help: "quit (asks first if a draft is unsent)",
        panes: &[],
        writes: false,
        footer: true,
    },
];

fn matches(b: &Binding, key: &KeyEvent) -> bool {
    b.keys.iter().any(|(code, mods)| {
        // Terminals disagree on whether an upper-case letter carries SHIFT.
        let m = key.modifiers - KeyModifiers::SHIFT;
        let want = *mods - KeyModifiers::SHIFT;
        *code == key.code && (m == want)
    })
}

/// The action a key means in `pane`, if any.
pub fn lookup(key: &KeyEvent, pane: Pane) -> Option<Act> {
    BINDINGS
        .iter()
        .find(|b| matches(b, key) && (b.panes.is_empty() || b.panes.contains(&pane)))
        .map(|b| b.act)
}

pub fn binding(act: Act) -> &'static Binding {
    BINDINGS
        .iter()
        .find(|b| b.act == act)
        .expect("every action has a binding")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_means_two_things_in_one_pane() {
        for pane in Pane::ORDER {
            for (i, a) in BINDINGS.iter().enumerate() {
                for b in &BINDINGS[i + 1..] {
                    let both = |x: &Binding| x.panes.is_empty() || x.panes.contains(&pane);
                    if !(both(a) && both(b)) {
                        continue;
                    }
                    for k in a.keys {
                        let ev = KeyEvent::new(k.0, k.1);
                        assert!(
                            !matches(b, &ev),
                            "{:?} is bound to both {} and {}",
                            k,
                            a.command,
                            b.command
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn palette_names_are_unique() {
        let mut names: Vec<_> = BINDINGS.iter().map(|b| b.command).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), BINDINGS.len());
    }
}
