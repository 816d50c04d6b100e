//! What each backend can do; the console hides or greys out the rest and
//! says why.

/// What a backend can do; the console hides or greys out the rest and says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// The backend's name, for "not on X" explanations.
    pub name: &'static str,
    pub declare: bool,
    /// Acknowledging (the first step of any lifecycle).
    pub acknowledge: bool,
    /// The full lifecycle with phases and forced transitions.
    pub lifecycle: bool,
    /// A one-step resolve (PagerDuty); warroom resolves through the lifecycle.
    pub resolve: bool,
    pub severity: bool,
    pub notes: bool,
    pub checklists: bool,
    pub responders: bool,
    pub stakeholder_updates: bool,
    /// Alertmanager silences as containment (warroom's server makes them
    /// for incidents born of alerts, when connected to Alertmanager).
    pub silence: bool,
    /// Pushes changes (long-poll) instead of being polled.
    pub change_feed: bool,
    /// People are the backend's users, found by name (PagerDuty): the
    /// responder dialog searches them and sends their ids.
    pub user_directory: bool,
    /// Title, summary, service and tags can be edited.
    pub edit: bool,
    /// The live state document: tasks, hypotheses, decisions, the brief
    /// and the two-step handoff (warroom's server).
    pub state_doc: bool,
    /// The incident as it stood at any event (warroom's server keeps the
    /// replay journal).
    pub replay: bool,
    /// This profile makes no changes (`read_only = true`, `--read-only`):
    /// no write is offered, queued or sent.
    pub read_only: bool,
}

impl Capabilities {
    /// Its incidents are alert groups (Alertmanager): silenced, never
    /// taken through a lifecycle.
    pub fn alert_groups(&self) -> bool {
        self.silence && !self.lifecycle
    }

    /// The same backend, read-only.
    pub fn read_only(self) -> Capabilities {
        Capabilities {
            read_only: true,
            ..self
        }
    }
}

impl Capabilities {
    /// A backend that can do nothing (the others start from it).
    pub const NONE: Capabilities = Capabilities {
        state_doc: false,
        replay: false,
        name: "",
        declare: false,
        acknowledge: false,
        lifecycle: false,
        resolve: false,
        severity: false,
        notes: false,
        checklists: false,
        responders: false,
        stakeholder_updates: false,
        silence: false,
        change_feed: false,
        user_directory: false,
        edit: false,
        read_only: false,
    };

    pub const WARROOM: Capabilities = Capabilities {
        state_doc: true,
        replay: true,
        name: "warroom",
        declare: true,
        acknowledge: true,
        lifecycle: true,
        resolve: false,
        severity: true,
        notes: true,
        checklists: true,
        responders: true,
        stakeholder_updates: true,
        silence: true,
        change_feed: true,
        user_directory: false,
        edit: true,
        read_only: false,
    };
}
