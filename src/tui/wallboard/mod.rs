//! The wallboard: a read-only, rotating view of the war room for NOC
//! screens. It holds a `Reader` and nothing else: there is no code path by
//! which it could change an incident, whatever key is pressed.

mod bigtext;
pub mod run;
pub mod view;

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

use crate::client::poller::Feed;
use crate::model::{Incident, IncidentDetail, IncidentId};
use crate::tui::app::Conn;

#[derive(Debug)]
pub enum WallMsg {
    Key(KeyEvent),
    Tick(DateTime<Utc>),
    Feed(Feed),
}

pub struct Wallboard {
    pub incidents: Vec<Incident>,
    /// Indexes of the active incidents in `incidents`, in card order.
    order: Vec<usize>,
    pub details: HashMap<IncidentId, IncidentDetail>,
    pub conn: Conn,
    pub now: DateTime<Utc>,
    pub backend: String,
    pub rotate: Duration,
    /// How long the backend may be silent before the board is stale.
    pub stale_after: Duration,
    pub paused: bool,
    pub card: usize,
    pub card_since: DateTime<Utc>,
    pub help: bool,
    pub quit: bool,
}

/// What the wallboard asks of the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum WallCommand {
    /// Keep these incidents' details fresh (all active ones: every card).
    Watch(Vec<IncidentId>),
}

impl Wallboard {
    pub fn new(
        backend: impl Into<String>,
        rotate: Duration,
        stale_after: Duration,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            incidents: Vec::new(),
            order: Vec::new(),
            details: HashMap::new(),
            conn: Conn::default(),
            now,
            backend: backend.into(),
            rotate,
            stale_after,
            paused: false,
            card: 0,
            card_since: now,
            help: false,
            quit: false,
        }
    }

    /// Active incidents in card order: SEV1 first, then the oldest.
    pub fn active(&self) -> Vec<&Incident> {
        self.order.iter().map(|&i| &self.incidents[i]).collect()
    }

    /// Recomputes the card order after the data changed, so drawing a
    /// frame does not sort.
    fn reorder(&mut self) {
        let mut order: Vec<usize> = (0..self.incidents.len())
            .filter(|&i| self.incidents[i].status.is_active())
            .collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&self.incidents[a], &self.incidents[b]);
            a.severity
                .cmp(&b.severity)
                .then(a.declared_at.cmp(&b.declared_at))
        });
        self.order = order;
    }

    pub fn current(&self) -> Option<&Incident> {
        let a = self.active();
        if a.is_empty() {
            None
        } else {
            Some(a[self.card % a.len()])
        }
    }

    /// How long the current card stays: SEV1 cards twice as long.
    fn dwell(&self) -> chrono::Duration {
        let base = chrono::Duration::from_std(self.rotate).unwrap_or(chrono::Duration::seconds(20));
        match self.current() {
            Some(i) if i.severity == crate::model::Severity::Sev1 => base * 2,
            _ => base,
        }
    }

    /// Stale: failing, or silent for longer than `stale_after`. The age
    /// of the data is returned so the board can say it.
    pub fn stale_for(&self) -> Option<chrono::Duration> {
        let age = self.conn.last_ok.map(|t| self.now - t);
        let limit =
            chrono::Duration::from_std(self.stale_after).unwrap_or(chrono::Duration::seconds(30));
        if self.conn.error.is_some() || age.is_some_and(|a| a > limit) {
            Some(age.unwrap_or_default())
        } else {
            None
        }
    }

    fn step(&mut self, by: isize) {
        let n = self.active().len().max(1) as isize;
        self.card = (self.card as isize + by).rem_euclid(n) as usize;
        self.card_since = self.now;
    }
}

pub fn update(w: &mut Wallboard, msg: WallMsg) -> Vec<WallCommand> {
    match msg {
        WallMsg::Tick(now) => {
            w.now = now;
            if !w.paused && !w.help && now - w.card_since >= w.dwell() {
                w.step(1);
            }
            Vec::new()
        }
        WallMsg::Key(k) if k.kind != KeyEventKind::Release => {
            if w.help {
                w.help = false;
                return Vec::new();
            }
            match k.code {
                KeyCode::Char(' ') => w.paused = !w.paused,
                KeyCode::Right | KeyCode::Char('l') => w.step(1),
                KeyCode::Left | KeyCode::Char('h') => w.step(-1),
                KeyCode::Char('?') => w.help = true,
                KeyCode::Char('q') | KeyCode::Esc => w.quit = true,
                KeyCode::Char('c')
                    if k.modifiers
                        .contains(ratatui::crossterm::event::KeyModifiers::CONTROL) =>
                {
                    w.quit = true
                }
                _ => {}
            }
            Vec::new()
        }
        WallMsg::Key(_) => Vec::new(),
        WallMsg::Feed(Feed::List { incidents, at }) => {
            w.conn.last_ok = Some(at);
            w.conn.error = None;
            let before: Vec<IncidentId> = w.active().iter().map(|i| i.id).collect();
            w.incidents = incidents;
            w.reorder();
            let ids: Vec<IncidentId> = w.active().iter().map(|i| i.id).collect();
            w.details.retain(|id, _| ids.contains(id));
            if ids != before {
                vec![WallCommand::Watch(ids)]
            } else {
                Vec::new()
            }
        }
        WallMsg::Feed(Feed::Changed {
            changed,
            summaries,
            details,
            at,
        }) => {
            w.conn.last_ok = Some(at);
            w.conn.error = None;
            let before: Vec<IncidentId> = w.active().iter().map(|i| i.id).collect();
            for id in &changed {
                w.incidents.retain(|i| i.id != *id);
            }
            w.incidents
                .extend(summaries.into_iter().filter(|s| s.status.is_active()));
            for d in details {
                w.details.insert(d.incident.id, d);
            }
            w.reorder();
            let ids: Vec<IncidentId> = w.active().iter().map(|i| i.id).collect();
            w.details.retain(|id, _| ids.contains(id));
            if ids != before {
                vec![WallCommand::Watch(ids)]
            } else {
                Vec::new()
            }
        }
        WallMsg::Feed(Feed::DetailFailed { at, .. }) => {
            w.conn.last_ok = Some(at);
            Vec::new()
        }
        WallMsg::Feed(Feed::Detail { detail, at }) => {
            w.conn.last_ok = Some(at);
            w.conn.error = None;
            if let Some(row) = w.incidents.iter_mut().find(|i| i.id == detail.incident.id) {
                *row = detail.incident.clone();
            }
            w.details.insert(detail.incident.id, *detail);
            w.reorder();
            Vec::new()
        }
        WallMsg::Feed(Feed::Alive(at)) => {
            w.conn.last_ok = Some(at);
            w.conn.error = None;
            Vec::new()
        }
        WallMsg::Feed(Feed::Failed { error, .. }) => {
            w.conn.error = Some(error.to_string());
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::KeyModifiers;

    use super::*;
    use crate::model::{Severity, Status};
    use crate::tui::fixtures::{clock, incident};

    fn board() -> Wallboard {
        let mut w = Wallboard::new(
            "noc",
            Duration::from_secs(20),
            Duration::from_secs(30),
            clock(),
        );
        let list = vec![
            incident(5, "b", "s", Severity::Sev2, 25, Status::Investigating, 0).incident,
            incident(4, "a", "s", Severity::Sev1, 64, Status::Identified, 0).incident,
            incident(7, "c", "s", Severity::Sev3, 10, Status::Resolved, 0).incident,
        ];
        let cmds = update(
            &mut w,
            WallMsg::Feed(Feed::List {
                incidents: list,
                at: clock(),
            }),
        );
        assert_eq!(
            cmds,
            vec![WallCommand::Watch(vec![IncidentId(4), IncidentId(5)])],
            "only active incidents get cards"
        );
        w
    }

    fn key(w: &mut Wallboard, code: KeyCode) {
        update(w, WallMsg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    #[test]
    fn cards_rotate_and_sev1_stays_twice_as_long() {
        let mut w = board();
        assert_eq!(w.current().unwrap().id, IncidentId(4));
        update(
            &mut w,
            WallMsg::Tick(clock() + chrono::Duration::seconds(25)),
        );
        assert_eq!(w.current().unwrap().id, IncidentId(4), "SEV1 stays 40s");
        update(
            &mut w,
            WallMsg::Tick(clock() + chrono::Duration::seconds(41)),
        );
        assert_eq!(w.current().unwrap().id, IncidentId(5));
        update(
            &mut w,
            WallMsg::Tick(clock() + chrono::Duration::seconds(62)),
        );
        assert_eq!(w.current().unwrap().id, IncidentId(4), "wraps around");
    }

    #[test]
    fn space_pauses_arrows_step_and_q_quits() {
        let mut w = board();
        key(&mut w, KeyCode::Char(' '));
        update(
            &mut w,
            WallMsg::Tick(clock() + chrono::Duration::seconds(500)),
        );
        assert_eq!(w.current().unwrap().id, IncidentId(4), "paused");
        key(&mut w, KeyCode::Right);
        assert_eq!(w.current().unwrap().id, IncidentId(5));
        key(&mut w, KeyCode::Left);
        key(&mut w, KeyCode::Left);
        assert_eq!(w.current().unwrap().id, IncidentId(5));
        key(&mut w, KeyCode::Char('?'));
        assert!(w.help);
        key(&mut w, KeyCode::Char('x'));
        assert!(!w.help);
        key(&mut w, KeyCode::Char('q'));
        assert!(w.quit);
    }

    #[test]
    fn stale_when_failing_or_silent_for_three_periods() {
        let mut w = board();
        assert!(w.stale_for().is_none());
        update(
            &mut w,
            WallMsg::Tick(clock() + chrono::Duration::seconds(31)),
        );
        assert_eq!(w.stale_for(), Some(chrono::Duration::seconds(31)));
        update(
            &mut w,
            WallMsg::Feed(Feed::Alive(clock() + chrono::Duration::seconds(31))),
        );
        assert!(w.stale_for().is_none());
        update(
            &mut w,
            WallMsg::Feed(Feed::Failed {
                error: crate::client::ClientError::Timeout,
                at: clock(),
            }),
        );
        assert!(w.stale_for().is_some());
    }
}
