//! The wallboard's event loop. It is given a `Reader` only.

use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use ratatui::crossterm::event::{Event, EventStream};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{mpsc, watch};

use super::{WallCommand, WallMsg, Wallboard, update, view};
use crate::client::Reader;
use crate::client::poller::{self, PollConfig};
use crate::tui::terminal::TerminalGuard;
use crate::tui::theme::Theme;

pub struct WallboardSetup {
    pub label: String,
    pub reader: Reader,
    pub theme: Theme,
    pub rotate: Duration,
}

pub async fn run(setup: WallboardSetup) -> Result<(), String> {
    let poll = PollConfig::default();
    // Stale after three poll periods without an answer.
    let mut board = Wallboard::new(
        setup.label,
        setup.rotate,
        poll.wait * 3 + Duration::from_secs(2),
        Utc::now(),
    );
    let (feed_tx, mut feed_rx) = mpsc::channel(64);
    let (wanted_tx, wanted_rx) = watch::channel(Vec::new());
    tokio::spawn(poller::run(setup.reader, poll, wanted_rx, feed_tx));

    let mut guard =
        TerminalGuard::enter(false).map_err(|e| format!("cannot open the terminal: {e}"))?;
    let mut events = EventStream::new();
    let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut hup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    loop {
        if dirty {
            guard
                .draw(|f| view::draw(&board, &setup.theme, f))
                .map_err(|e| format!("cannot draw: {e}"))?;
            dirty = false;
        }
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => WallMsg::Key(k),
                Some(Ok(Event::Resize(..))) => { dirty = true; continue }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => break,
            },
            Some(f) = feed_rx.recv() => WallMsg::Feed(f),
            _ = clock.tick() => WallMsg::Tick(Utc::now()),
            _ = term.recv() => break,
            _ = hup.recv() => break,
        };
        dirty = true;
        for cmd in update(&mut board, msg) {
            match cmd {
                WallCommand::Watch(ids) => {
                    let _ = wanted_tx.send(ids);
                }
            }
        }
        if board.quit {
            break;
        }
    }
    drop(guard);
    Ok(())
}
