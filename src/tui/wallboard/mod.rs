//! The wallboard: a read-only, rotating view of the war room for NOC
//! screens. It holds a `Reader` and nothing else: there is no code path by
//! which it could change an incident, whatever key is pressed.

mod bigtext;
pub mod run;
pub mod view;

use std::time::Duration;

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

use crate::tui::dialogs::keys::{self, Table, alias, bind, ch};

use crate::client::poller::Feed;
use crate::model::{Incident, IncidentId};
use crate::tui::board::Board;

#[derive(Debug)]
pub enum WallMsg {
    Key(KeyEvent),
    Tick(DateTime<Utc>),
    Feed(Feed),
}

pub struct Wallboard {
    /// The list, details and connection: the console's data core.
    pub board: Board,
    /// Indexes of the active incidents in `board.incidents`, in card order.
    order: Vec<usize>,
    pub now: DateTime<Utc>,
    pub backend: String,
    pub rotate: Duration,
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
    pub fn new(backend: impl Into<String>, rotate: Duration, now: DateTime<Utc>) -> Self {
        Self {
            board: Board::default(),
            order: Vec::new(),
            now,
            backend: backend.into(),
            rotate,
            paused: false,
            card: 0,
            card_since: now,
            help: false,
            quit: false,
        }
    }

    /// Active incidents in card order: SEV1 first, then the oldest.
    pub fn active(&self) -> Vec<&Incident> {
        self.order
            .iter()
            .map(|&i| &self.board.incidents[i])
            .collect()
    }

    /// The cards after the data changed: the active incidents, in the
    /// board's order (so drawing a frame does not sort).
    fn reorder(&mut self) {
        let incidents = &self.board.incidents;
        self.order = (0..incidents.len())
            .filter(|&i| incidents[i].status.is_active())
            .collect();
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

    /// Stale by the console's one rule ([`Board::stale_for`]).
    pub fn stale_for(&self) -> Option<chrono::Duration> {
        self.board.stale_for(self.now)
    }

    /// After the data changed: the card order, the details kept (active
    /// incidents only) and, when the set of cards changed, what to watch.
    fn settle(&mut self, before: Vec<IncidentId>) -> Vec<WallCommand> {
        self.reorder();
        let ids: Vec<IncidentId> = self.active().iter().map(|i| i.id).collect();
        self.board.details.retain(|id, _| ids.contains(id));
        if ids != before {
            vec![WallCommand::Watch(ids)]
        } else {
            Vec::new()
        }
    }

    fn step(&mut self, by: isize) {
        let n = self.active().len().max(1) as isize;
        self.card = (self.card as isize + by).rem_euclid(n) as usize;
        self.card_since = self.now;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WallKey {
    Pause,
    Step,
    Help,
    Quit,
}

/// The wallboard's keys (it has no others: it cannot write); its help
/// lists the same rows.
pub static KEYS: Table<WallKey> = Table {
    name: "wallboard",
    binds: &[
        bind(
            &[ch(' ')],
            "space",
            "pause / resume rotation",
            WallKey::Pause,
        ),
        bind(
            &[keys::LEFT, keys::RIGHT],
            "←/→",
            "previous / next card",
            WallKey::Step,
        ),
        bind(&[ch('?')], "?", "this help", WallKey::Help),
        bind(
            &[ch('q'), keys::ESC, keys::ctrl('c')],
            "q",
            "quit",
            WallKey::Quit,
        ),
        alias(&[ch('h'), ch('l')], WallKey::Step),
    ],
};

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
            match KEYS.lookup(&k) {
                Some(WallKey::Pause) => w.paused = !w.paused,
                Some(WallKey::Step) if keys::backward(&k) => w.step(-1),
                Some(WallKey::Step) => w.step(1),
                Some(WallKey::Help) => w.help = true,
                Some(WallKey::Quit) => w.quit = true,
                None => {}
            }
            Vec::new()
        }
        WallMsg::Key(_) => Vec::new(),
        WallMsg::Feed(feed) => data(w, feed),
    }
}

/// What the backend says, folded in through the board's one door (the
/// same rules, order and counts as the console's).
fn data(w: &mut Wallboard, feed: Feed) -> Vec<WallCommand> {
    let before: Vec<IncidentId> = w.active().iter().map(|i| i.id).collect();
    w.board.apply(feed, None);
    w.settle(before)
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    use super::*;
    use crate::model::{Severity, Status};
    use crate::tui::fixtures::{clock, incident};

    fn board() -> Wallboard {
        let mut w = Wallboard::new("noc", Duration::from_secs(20), clock());
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

    #[test]
    fn the_wallboard_key_table_is_conflict_free_and_its_help_names_keys_it_takes() {
        let found = crate::tui::dialogs::keys::problems(&KEYS);
        assert!(found.is_empty(), "{}", found.join("\n"));
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
    fn stale_by_the_consoles_rule_when_failing_or_silent() {
        let mut w = board();
        assert!(w.stale_for().is_none());
        update(
            &mut w,
            WallMsg::Tick(clock() + chrono::Duration::seconds(35)),
        );
        assert!(
            w.stale_for().is_none(),
            "35 s is still fresh, as on the console"
        );
        update(
            &mut w,
            WallMsg::Tick(clock() + chrono::Duration::seconds(36)),
        );
        assert_eq!(w.stale_for(), Some(chrono::Duration::seconds(36)));
        update(
            &mut w,
            WallMsg::Feed(Feed::Alive(clock() + chrono::Duration::seconds(36))),
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
