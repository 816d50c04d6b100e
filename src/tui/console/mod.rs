//! The console as a screen of the shared runtime: it sets up the backend
//! tasks (poller, sender, who-am-I), restores the outbox, and turns
//! terminal events into messages; [`effects`] carries out the commands
//! `update` returns.

mod effects;
pub mod postmortem;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::{Event, MouseButton, MouseEvent, MouseEventKind};
use tokio::sync::{mpsc, watch};

use super::app::{App, Command, Flash, Msg, update};
use super::drafts::Drafts;
use super::keymap::Pane;
use super::runtime::{self, Screen};
use super::terminal::TerminalGuard;
use super::theme::Theme;
use super::view;
use crate::client::outbox::Outbox;
use crate::client::poller::{self, PollConfig};
use crate::client::{Capabilities, Reader, Writer, sender};

pub struct ConsoleSetup {
    /// What the header says we are connected to.
    pub label: String,
    pub reader: Reader,
    pub writer: Writer,
    pub caps: Capabilities,
    /// A merged view's backends and what each can do (empty for one).
    pub parts: Vec<(String, Capabilities)>,
    pub theme: Theme,
    /// Where this backend's outbox and drafts live.
    pub state_dir: PathBuf,
    /// Where `P` writes postmortem drafts (one folder per backend).
    pub postmortems: PathBuf,
    /// Who the credentials in use are, for the outbox.
    pub identity: String,
    /// Ring the bell / set the terminal title for new SEV1/SEV2 incidents.
    pub bell: bool,
    pub title: bool,
    /// Clicks and the wheel (the terminal's own text selection then needs
    /// Shift in most terminals).
    pub mouse: bool,
    /// A slow link: the clock by the minute, no blinking, fewer frames.
    pub low_bandwidth: bool,
    /// URLs on screen as OSC 8 links.
    pub hyperlinks: bool,
}

/// Messages waiting for the console: backend data, deliveries, answers.
const INBOX: usize = 256;

/// In low-bandwidth mode, at most four frames a second: a burst of
/// changes is drawn once.
pub const LOW_BANDWIDTH_FRAME: std::time::Duration = std::time::Duration::from_millis(250);

/// The console's state and what its commands reach.
struct Console {
    app: App,
    theme: Theme,
    io: effects::Io,
}

impl Screen for Console {
    type Msg = Msg;

    fn input(&self, ev: Event) -> Option<Msg> {
        match ev {
            Event::Key(k) => Some(Msg::Key(k)),
            Event::Paste(s) => Some(Msg::Paste(s)),
            Event::Resize(w, h) => Some(Msg::Resize(w, h)),
            Event::Mouse(m) => mouse(&self.app, m),
            _ => None,
        }
    }

    fn tick(&self, now: DateTime<Utc>) -> Option<Msg> {
        self.app.wants_tick(now).then_some(Msg::Tick(now))
    }

    fn min_frame(&self) -> std::time::Duration {
        if self.app.low_bandwidth {
            LOW_BANDWIDTH_FRAME
        } else {
            runtime::MIN_FRAME
        }
    }

    async fn apply(&mut self, msg: Msg, term: &mut TerminalGuard) {
        for cmd in update(&mut self.app, msg) {
            self.io.execute(cmd, &mut self.app, term).await;
        }
    }

    fn draw(&self, f: &mut Frame) {
        view::draw(&self.app, &self.theme, f)
    }

    fn links(&self) -> Vec<String> {
        self.app.known_urls()
    }

    fn done(&self) -> bool {
        self.app.quit
    }
}

pub async fn run(setup: ConsoleSetup) -> Result<(), String> {
    let outbox = Arc::new(
        Outbox::open(&setup.state_dir, "outbox")
            .map_err(|e| format!("cannot open the outbox: {e}"))?,
    );
    let drafts = Drafts::open(setup.state_dir.join("drafts"))?;
    let mut app = App::new(setup.label, setup.caps, Utc::now());
    app.identity = setup.identity;
    app.view_caps = setup.caps;
    app.part_caps = setup.parts;
    app.follow_caps();
    app.attention.bell = setup.bell;
    app.low_bandwidth = setup.low_bandwidth;
    app.hyperlinks = setup.hyperlinks;
    app.attention.title = setup.title;
    app.drafts = drafts.load_all();

    let (inbox_tx, mut inbox) = mpsc::channel(INBOX);
    let (feed_tx, feed_rx) = mpsc::channel(64);
    let (wanted_tx, wanted_rx) = watch::channel(Vec::new());
    let poll = PollConfig {
        open_list: true,
        ..PollConfig::default()
    };
    tokio::spawn(poller::run(setup.reader.clone(), poll, wanted_rx, feed_tx));
    runtime::forward(feed_rx, inbox_tx.clone(), Msg::Feed);

    let (write_tx, write_rx) = mpsc::channel(1024);
    let (deliv_tx, deliv_rx) = mpsc::channel(64);
    tokio::spawn(sender::run(
        setup.writer.clone(),
        outbox.clone(),
        write_rx,
        deliv_tx,
    ));
    runtime::forward(deliv_rx, inbox_tx.clone(), Msg::Delivery);

    let (reader, tx) = (setup.reader.clone(), inbox_tx.clone());
    tokio::spawn(async move {
        let _ = tx.send(Msg::Whoami(reader.whoami().await)).await;
        let _ = tx.send(Msg::Policy(reader.policy().await)).await;
    });

    let mut console = Console {
        app,
        theme: setup.theme,
        io: effects::Io {
            outbox,
            drafts,
            reader: setup.reader,
            writer: setup.writer,
            write_tx,
            wanted_tx,
            inbox: inbox_tx,
            postmortems: setup.postmortems,
        },
    };
    console.restore_outbox().await;

    let mut guard =
        TerminalGuard::enter(setup.mouse).map_err(|e| format!("cannot open the terminal: {e}"))?;
    let size = guard.terminal.size().map_err(|e| e.to_string())?;
    update(&mut console.app, Msg::Resize(size.width, size.height));
    let result = runtime::run(&mut console, &mut guard, &mut inbox).await;
    drop(guard);
    result
}

impl Console {
    /// Writes left from the last run go first, in their order (those queued
    /// under other credentials are held: see `Msg::Restored`).
    async fn restore_outbox(&mut self) {
        let (restored, bad) = self.io.outbox.pending();
        for cmd in update(&mut self.app, Msg::Restored(restored)) {
            if let Command::Write(crate::tui::app::Outgoing::Resend(w)) = cmd {
                let _ = self.io.write_tx.send(w).await;
            }
        }
        if !bad.is_empty() {
            self.app.flash = Some(Flash::error(
                "Unreadable outbox entries",
                format!("Set aside, not sent: {}", bad.join(", ")),
            ));
        }
    }
}

/// A click or a wheel notch, as the pane under the pointer sees it.
fn mouse(app: &App, m: MouseEvent) -> Option<Msg> {
    let area = ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1);
    let (pane, row) = view::mouse_target(app, area, m.column, m.row)?;
    let notch = |list, other| if pane == Pane::List { list } else { other };
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Msg::Click(pane, row)),
        MouseEventKind::ScrollDown => Some(Msg::Wheel(pane, notch(1, 3))),
        MouseEventKind::ScrollUp => Some(Msg::Wheel(pane, notch(-1, -3))),
        _ => None,
    }
}
