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
    /// The live state document: tasks, hypotheses, decisions.
    State,
}

impl Pane {
    pub const ORDER: [Pane; 5] = [
        Pane::List,
        Pane::Timeline,
        Pane::Responders,
        Pane::Checklist,
        Pane::State,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::List => "Incidents",
            Pane::Timeline => "Timeline",
            Pane::Responders => "Responders",
            Pane::Checklist => "Checklist",
            Pane::State => "State",
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
    RunAction,
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
    Deliveries,
    Stats,
    Debrief,
    Mark,
    MarkAll,
    AddTask,
    AddHypothesis,
    Decide,
    Can,
    Brief,
    ItemDone,
    ItemDrop,
    LinkEvidence,
    ReplayBack,
    ReplayOn,
    ReplayPhaseBack,
    ReplayPhaseOn,
    ReplayMinutes,
    Pin,
    TagEvent,
    CorrectEvent,
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

mod bindings;

pub use bindings::BINDINGS;

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
