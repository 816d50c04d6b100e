//! The one event loop of both screens, the console and the wallboard:
//! terminal input, the screen's own messages (backend data, deliveries,
//! answers to requests), a clock tick each second, SIGTERM and SIGHUP, and
//! the render throttle. A frame is drawn only when something changed, at
//! most once per [`MIN_FRAME`], so a burst (a refetch, a paste) is drawn
//! once; every frame goes out inside synchronized-update brackets.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, EventStream};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::terminal::TerminalGuard;

/// Bursts of messages are drawn once: at most one frame per 16 ms.
pub const MIN_FRAME: Duration = Duration::from_millis(16);

/// What the runtime needs of a screen.
pub trait Screen {
    type Msg: Send + 'static;
    /// A terminal event as the screen's message; `None` ignores it.
    fn input(&self, ev: Event) -> Option<Self::Msg>;
    /// The clock's message, once a second; `None` when nothing on the
    /// screen changes with it (nothing is drawn then).
    fn tick(&self, now: DateTime<Utc>) -> Option<Self::Msg>;
    /// The shortest time between two frames (the redraw cap).
    fn min_frame(&self) -> Duration {
        MIN_FRAME
    }
    /// Applies a message and carries out what it asks for; `term` is for
    /// what goes straight to the terminal (bell, title, clipboard).
    fn apply(&mut self, msg: Self::Msg, term: &mut TerminalGuard) -> impl Future<Output = ()>;
    fn draw(&self, f: &mut Frame);
    /// The URLs the screen may show, to be made links where shown whole.
    fn links(&self) -> Vec<String> {
        Vec::new()
    }
    /// The screen asked to stop.
    fn done(&self) -> bool;
}

/// Runs `screen` until it is done, the terminal goes away (SSH dropped) or
/// a SIGTERM / SIGHUP arrives. The caller drops the terminal guard after,
/// which gives the terminal back.
pub async fn run<S: Screen>(
    screen: &mut S,
    guard: &mut TerminalGuard,
    inbox: &mut mpsc::Receiver<S::Msg>,
) -> Result<(), String> {
    let mut events = EventStream::new();
    let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut hup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    let min_frame = screen.min_frame();
    let mut last_draw = tokio::time::Instant::now() - min_frame;
    loop {
        if dirty && last_draw.elapsed() >= min_frame {
            let known = screen.links();
            guard
                .draw(|f| screen.draw(f), &known)
                .map_err(|e| format!("cannot draw: {e}"))?;
            last_draw = tokio::time::Instant::now();
            dirty = false;
        }
        let frame_due = tokio::time::sleep(min_frame.saturating_sub(last_draw.elapsed()));
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => {
                    // A resize redraws even when the screen has no use for it.
                    dirty |= matches!(ev, Event::Resize(..));
                    match screen.input(ev) {
                        Some(msg) => msg,
                        None => continue,
                    }
                }
                // The terminal is gone: stop; what must survive is on disk.
                Some(Err(_)) | None => break,
            },
            Some(msg) = inbox.recv() => msg,
            _ = clock.tick() => match screen.tick(Utc::now()) {
                Some(msg) => msg,
                None => continue,
            },
            _ = frame_due, if dirty => continue,
            _ = term.recv() => break,
            _ = hup.recv() => break,
        };
        dirty = true;
        screen.apply(msg, guard).await;
        if screen.done() {
            break;
        }
    }
    Ok(())
}

/// Forwards what a background task sends into the screen's inbox, as the
/// screen's message.
pub fn forward<T: Send + 'static, M: Send + 'static>(
    mut from: mpsc::Receiver<T>,
    to: mpsc::Sender<M>,
    wrap: fn(T) -> M,
) {
    tokio::spawn(async move {
        while let Some(t) = from.recv().await {
            if to.send(wrap(t)).await.is_err() {
                break;
            }
        }
    });
}
