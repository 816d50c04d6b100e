//! The wallboard as a screen of the shared runtime. It is given a
//! `Reader` only: it has no write path at all.

use std::time::Duration;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::Event;
use tokio::sync::{mpsc, watch};

use super::{WallCommand, WallMsg, Wallboard, update, view};
use crate::client::Reader;
use crate::client::poller::{self, PollConfig};
use crate::model::IncidentId;
use crate::tui::runtime::{self, Screen};
use crate::tui::terminal::TerminalGuard;
use crate::tui::theme::Theme;

pub struct WallboardSetup {
    pub label: String,
    pub reader: Reader,
    pub theme: Theme,
    pub rotate: Duration,
}

struct WallScreen {
    board: Wallboard,
    theme: Theme,
    wanted_tx: watch::Sender<Vec<IncidentId>>,
}

impl Screen for WallScreen {
    type Msg = WallMsg;

    fn input(&self, ev: Event) -> Option<WallMsg> {
        match ev {
            Event::Key(k) => Some(WallMsg::Key(k)),
            _ => None,
        }
    }

    fn tick(&self, now: DateTime<Utc>) -> Option<WallMsg> {
        Some(WallMsg::Tick(now))
    }

    async fn apply(&mut self, msg: WallMsg, _term: &mut TerminalGuard) {
        for cmd in update(&mut self.board, msg) {
            match cmd {
                WallCommand::Watch(ids) => {
                    let _ = self.wanted_tx.send(ids);
                }
            }
        }
    }

    fn draw(&self, f: &mut Frame) {
        view::draw(&self.board, &self.theme, f)
    }

    fn done(&self) -> bool {
        self.board.quit
    }
}

pub async fn run(setup: WallboardSetup) -> Result<(), String> {
    let poll = PollConfig::default();
    let board = Wallboard::new(setup.label, setup.rotate, Utc::now());
    let (inbox_tx, mut inbox) = mpsc::channel(64);
    let (feed_tx, feed_rx) = mpsc::channel(64);
    let (wanted_tx, wanted_rx) = watch::channel(Vec::new());
    tokio::spawn(poller::run(setup.reader, poll, wanted_rx, feed_tx));
    runtime::forward(feed_rx, inbox_tx, WallMsg::Feed);
    let mut screen = WallScreen {
        board,
        theme: setup.theme,
        wanted_tx,
    };
    let mut guard =
        TerminalGuard::enter(false).map_err(|e| format!("cannot open the terminal: {e}"))?;
    let result = runtime::run(&mut screen, &mut guard, &mut inbox).await;
    drop(guard);
    result
}
