//! Replay in the console: the selected incident as it stood at one event.
//! `[` / `]` step an event (a change) back or on, `{` / `}` a phase (or a
//! minute, after `m`), `Esc` returns to live. Every pane draws from
//! [`App::selected_detail`], which is the replayed state while replaying,
//! so the header, responders, checklist, state pane and timeline all show
//! the same moment. The state comes from the server (`GET
//! /incidents/{id}/at`), rebuilt there by the model's own `apply`.

use crate::model::IncidentId;
use crate::model::replay::{ReplayAt, ReplayState, Step};
use crate::tui::keymap::{Act, Pane};

use super::{App, Command, Read};

#[derive(Debug, Clone)]
pub struct Replay {
    pub id: IncidentId,
    /// The state shown; `None` until the first answer.
    pub state: Option<ReplayState>,
    /// A read is under way (the next step waits for it).
    pub loading: bool,
    /// `{` / `}` step by minute rather than by phase.
    pub by_minute: bool,
    /// Why the last read failed, shown in the banner.
    pub error: Option<String>,
}

/// Keys that work while replaying: they read, never write.
fn allowed(act: Act) -> bool {
    matches!(
        act,
        Act::Up
            | Act::Down
            | Act::Top
            | Act::Bottom
            | Act::PageUp
            | Act::PageDown
            | Act::FocusNext
            | Act::FocusPrev
            | Act::Read
            | Act::Copy
            | Act::ToggleTime
            | Act::Help
            | Act::Quit
            | Act::ReplayBack
            | Act::ReplayOn
            | Act::ReplayPhaseBack
            | Act::ReplayPhaseOn
            | Act::ReplayMinutes
    )
}

/// The footer's keys while replaying.
pub fn offered_while_replaying(act: Act) -> bool {
    matches!(
        act,
        Act::Help
            | Act::ReplayBack
            | Act::ReplayOn
            | Act::ReplayPhaseBack
            | Act::ReplayPhaseOn
            | Act::ReplayMinutes
            | Act::FocusNext
            | Act::Read
            | Act::Quit
    )
}

impl App {
    /// The replay of the selected incident, if it is being replayed.
    pub fn replaying(&self) -> Option<&Replay> {
        self.replay.as_ref().filter(|r| Some(r.id) == self.selected)
    }

    /// The moment the panes show: the replay's, or now. Ages, time boxes
    /// and update deadlines are counted from it, as they stood then.
    pub fn view_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.replaying()
            .and_then(|r| r.state.as_ref())
            .map_or(self.now, |s| s.at)
    }

    /// An incident's detail as the panes show it: replayed or live.
    pub fn shown_detail(&self, id: IncidentId) -> Option<&crate::model::IncidentDetail> {
        match self.replayed_detail() {
            Some(d) if d.incident.id == id || self.selected == Some(id) => Some(d),
            _ => self.board.details.get(&id),
        }
    }

    /// The replayed state of the selected incident, once read.
    pub(super) fn replayed_detail(&self) -> Option<&crate::model::IncidentDetail> {
        self.replaying()?.state.as_ref().map(|s| &s.detail)
    }

    /// Leaves replay: every pane shows the incident live again.
    pub(super) fn leave_replay(&mut self) {
        if self.replay.take().is_some() {
            self.timeline_back = 0;
            self.notice = Some(("Live again".into(), self.now));
        }
    }

    /// A key while replaying: stepping keys step, reading keys read, a
    /// move in the list leaves replay (the replay is of one incident), and
    /// anything that would change the incident is refused in the footer.
    pub(super) fn replay_key(&mut self, act: Option<Act>) -> Option<Vec<Command>> {
        self.replaying()?;
        let Some(act) = act else {
            return Some(Vec::new());
        };
        let moves = matches!(
            act,
            Act::Up | Act::Down | Act::Top | Act::Bottom | Act::PageUp | Act::PageDown
        );
        if moves && self.focus == Pane::List {
            self.leave_replay();
            return None;
        }
        if !allowed(act) {
            self.notice = Some((
                format!("{}Replay is read-only: Esc returns to live", super::WARNING),
                self.now,
            ));
            return Some(Vec::new());
        }
        None
    }

    /// `[` `]` `{` `}` `m`, and `:replay`: starts replay on the selected
    /// incident (at its newest event) or steps it.
    pub(super) fn replay_act(&mut self, act: Act) -> Vec<Command> {
        let Some(id) = self.selected else {
            return Vec::new();
        };
        if self.replaying().is_none() {
            let Some(last) = self.selected_detail().map(|d| d.incident.last_seq) else {
                self.notice = Some(("The incident is still being read".into(), self.now));
                return Vec::new();
            };
            self.replay = Some(Replay {
                id,
                state: None,
                loading: false,
                by_minute: false,
                error: None,
            });
            self.browse = None;
            self.timeline_back = 0;
            let at = match act {
                Act::ReplayBack => ReplayAt::Seq(last.saturating_sub(1).max(1)),
                Act::ReplayPhaseBack => ReplayAt::Step {
                    from: last,
                    step: Step::PrevPhase,
                },
                _ => ReplayAt::Seq(last),
            };
            return self.replay_read(id, at);
        }
        let r = self.replay.as_mut().expect("replaying");
        if act == Act::ReplayMinutes {
            r.by_minute = !r.by_minute;
            let by = if r.by_minute { "minute" } else { "phase" };
            self.notice = Some((format!("{{ }} now step by {by}"), self.now));
            return Vec::new();
        }
        if r.loading {
            return Vec::new();
        }
        let Some(st) = r.state.as_ref() else {
            return Vec::new();
        };
        let coarse = |back: bool| match (r.by_minute, back) {
            (false, true) => Step::PrevPhase,
            (false, false) => Step::NextPhase,
            (true, true) => Step::PrevMinute,
            (true, false) => Step::NextMinute,
        };
        let at = match act {
            Act::ReplayBack if st.first_of_change <= st.first_seq => {
                self.notice = Some(("The first state replay holds".into(), self.now));
                return Vec::new();
            }
            Act::ReplayOn | Act::ReplayPhaseOn if st.seq >= st.last_seq => {
                self.notice = Some(("At the newest event: Esc returns to live".into(), self.now));
                return Vec::new();
            }
            Act::ReplayBack => ReplayAt::Seq(st.first_of_change - 1),
            Act::ReplayOn => ReplayAt::Seq(st.seq + 1),
            Act::ReplayPhaseBack => ReplayAt::Step {
                from: st.seq,
                step: coarse(true),
            },
            Act::ReplayPhaseOn => ReplayAt::Step {
                from: st.seq,
                step: coarse(false),
            },
            _ => return Vec::new(),
        };
        self.replay_read(id, at)
    }

    fn replay_read(&mut self, id: IncidentId, at: ReplayAt) -> Vec<Command> {
        if let Some(r) = self.replay.as_mut() {
            r.loading = true;
        }
        vec![Command::Read(Read::Replay(id, at))]
    }

    /// The server's answer to a step.
    pub(super) fn replay_arrived(
        &mut self,
        id: IncidentId,
        r: Result<Box<ReplayState>, crate::client::ClientError>,
    ) -> Vec<Command> {
        let Some(rep) = self.replay.as_mut().filter(|r| r.id == id) else {
            return Vec::new();
        };
        rep.loading = false;
        match r {
            Ok(st) => {
                rep.state = Some(*st);
                rep.error = None;
                // The cursor on the newest event of the moment.
                self.timeline_back = 0;
            }
            Err(e) => {
                let first = rep.state.is_none();
                rep.error = Some(crate::text::one_line(&e.to_string(), 200));
                if first {
                    // Nothing to show: back to live, saying why.
                    self.replay = None;
                    self.notice = Some((
                        format!("{}Replay not available: {e}", super::WARNING),
                        self.now,
                    ));
                }
            }
        }
        Vec::new()
    }
}
