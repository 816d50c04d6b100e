//! The console's event loop: one `tokio::select!` over terminal events,
//! backend messages, deliveries, the clock and signals. It draws only when
//! something changed, at most once per frame interval.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use ratatui::crossterm::event::{Event, EventStream};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{mpsc, watch};

use super::app::{App, Command, Msg, update};
use super::drafts::Drafts;
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
    pub theme: Theme,
    /// Where this backend's outbox and drafts live.
    pub state_dir: PathBuf,
    /// Who the credentials in use are, for the outbox.
    pub identity: String,
    /// Ring the bell / set the terminal title for new SEV1/SEV2 incidents.
    pub bell: bool,
    pub title: bool,
    /// Clicks and the wheel (the terminal's own text selection then needs
    /// Shift in most terminals).
    pub mouse: bool,
}

/// Bursts of messages (a refetch, a paste) are drawn once.
const MIN_FRAME: Duration = Duration::from_millis(16);

pub async fn run(setup: ConsoleSetup) -> Result<(), String> {
    let outbox = Arc::new(
        Outbox::open(&setup.state_dir, "outbox")
            .map_err(|e| format!("cannot open the outbox: {e}"))?,
    );
    let drafts = Drafts::open(setup.state_dir.join("drafts"))?;
    let mut app = App::new(setup.label, setup.caps, Utc::now());
    app.identity = setup.identity;
    app.attention.bell = setup.bell;
    app.attention.title = setup.title;
    app.drafts = drafts.load_all();

    let (feed_tx, mut feed_rx) = mpsc::channel(64);
    let (wanted_tx, wanted_rx) = watch::channel(Vec::new());
    tokio::spawn(poller::run(
        setup.reader.clone(),
        PollConfig {
            open_list: true,
            ..PollConfig::default()
        },
        wanted_rx,
        feed_tx,
    ));

    let (write_tx, write_rx) = mpsc::channel(1024);
    let (deliv_tx, mut deliv_rx) = mpsc::channel(64);
    tokio::spawn(sender::run(
        setup.writer,
        outbox.clone(),
        write_rx,
        deliv_tx,
    ));
    // Writes left from the last run go first, in their order (those queued
    // under other credentials are held: see Msg::Restored).
    let (restored, bad) = outbox.pending();
    for cmd in update(&mut app, Msg::Restored(restored)) {
        if let Command::Resend(w) = cmd {
            let _ = write_tx.send(w).await;
        }
    }
    if !bad.is_empty() {
        app.flash = Some(super::app::Flash::error(
            "Unreadable outbox entries",
            format!("Set aside, not sent: {}", bad.join(", ")),
        ));
    }
    let (silences_tx, mut silences_rx) = mpsc::channel(4);
    let (older_tx, mut older_rx) = mpsc::channel(4);
    let (users_tx, mut users_rx) = mpsc::channel(4);
    let (fresh_tx, mut fresh_rx) = mpsc::channel(4);
    let (closed_tx, mut closed_rx) = mpsc::channel(2);
    let (after_tx, mut after_rx) = mpsc::channel::<Msg>(4);
    let (who_tx, mut who_rx) = mpsc::channel(1);
    let reader = setup.reader.clone();
    let (policy_tx, mut policy_rx) = mpsc::channel(1);
    tokio::spawn(async move {
        let _ = who_tx.send(reader.whoami().await).await;
        let _ = policy_tx.send(reader.policy().await).await;
    });

    let mut guard =
        TerminalGuard::enter(setup.mouse).map_err(|e| format!("cannot open the terminal: {e}"))?;
    let size = guard.terminal.size().map_err(|e| e.to_string())?;
    update(&mut app, Msg::Resize(size.width, size.height));
    let mut events = EventStream::new();
    let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut hup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    let mut last_draw = tokio::time::Instant::now() - MIN_FRAME;

    loop {
        if dirty {
            let wait = MIN_FRAME.saturating_sub(last_draw.elapsed());
            if wait.is_zero() {
                guard
                    .draw(|f| view::draw(&app, &setup.theme, f))
                    .map_err(|e| format!("cannot draw: {e}"))?;
                last_draw = tokio::time::Instant::now();
                dirty = false;
            }
        }
        let frame_due = tokio::time::sleep(if dirty {
            MIN_FRAME.saturating_sub(last_draw.elapsed())
        } else {
            Duration::from_secs(3600)
        });
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => Msg::Key(k),
                Some(Ok(Event::Paste(s))) => Msg::Paste(s),
                Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(Event::Mouse(m))) => match mouse(&app, m) {
                    Some(msg) => msg,
                    None => continue,
                },
                Some(Ok(_)) => continue,
                // The terminal is gone (SSH dropped): stop; drafts and the
                // outbox are already on disk.
                Some(Err(_)) | None => break,
            },
            Some(f) = feed_rx.recv() => Msg::Feed(f),
            Some(d) = deliv_rx.recv() => Msg::Delivery(d),
            Some(w) = who_rx.recv() => Msg::Whoami(w),
            Some(p) = policy_rx.recv() => Msg::Policy(p),
            Some(s) = silences_rx.recv() => Msg::Silences(s),
            Some((id, page)) = older_rx.recv() => Msg::Older(id, page),
            Some((q, users)) = users_rx.recv() => Msg::Users(q, users),
            Some((id, fresh)) = fresh_rx.recv() => Msg::Feed(fresh_detail(id, fresh)),
            Some(closed) = closed_rx.recv() => Msg::Closed(closed),
            Some(m) = after_rx.recv() => m,
            _ = clock.tick() => Msg::Tick(Utc::now()),
            _ = frame_due, if dirty => continue,
            _ = term.recv() => break,
            _ = hup.recv() => break,
        };
        dirty = true;
        for cmd in update(&mut app, msg) {
            match cmd {
                Command::Send(w) => {
                    // On disk first: if we die now, the next start sends it.
                    if let Err(e) = outbox.push(&w) {
                        tracing::error!(error = %e, "outbox write failed");
                        app.flash = Some(super::app::Flash::error(
                            "Cannot queue the action",
                            format!(
                                "The outbox could not be written: {e}. The action was not sent."
                            ),
                        ));
                        app.pending.retain(|p| p.write.key != w.key);
                        continue;
                    }
                    let _ = write_tx.send(w).await;
                }
                Command::Resend(w) => {
                    let _ = write_tx.send(w).await;
                }
                Command::Adopt(w) => {
                    let queued = outbox.remove(&w.key).and_then(|()| outbox.push(&w));
                    if let Err(e) = queued {
                        tracing::error!(error = %e, "cannot re-queue an outbox entry");
                    }
                    let _ = write_tx.send(w).await;
                }
                Command::Discard(key) => {
                    let _ = outbox.remove(&key);
                }
                Command::Watch(ids) => {
                    let _ = wanted_tx.send(ids);
                }
                Command::SaveDraft { key, text } => {
                    if let Err(e) = drafts.save(&key, &text) {
                        tracing::warn!(error = %e, "cannot save draft");
                    }
                }
                Command::SearchUsers(q) => {
                    let (reader, tx) = (setup.reader.clone(), users_tx.clone());
                    tokio::spawn(async move {
                        let r = reader.users(&q).await;
                        let _ = tx.send((q, r)).await;
                    });
                }
                Command::FetchOlder { id, before } => {
                    let (reader, tx) = (setup.reader.clone(), older_tx.clone());
                    tokio::spawn(async move {
                        let _ = tx
                            .send((id, reader.timeline_before(id, before).await))
                            .await;
                    });
                }
                Command::FetchDetail(id) => {
                    let (reader, tx) = (setup.reader.clone(), fresh_tx.clone());
                    tokio::spawn(async move {
                        let _ = tx.send((id, reader.detail(id, None).await)).await;
                    });
                }
                Command::WritePostmortem(id) => {
                    let (reader, tx) = (setup.reader.clone(), after_tx.clone());
                    tokio::spawn(async move {
                        let r = write_postmortem(&reader, id).await;
                        let _ = tx.send(Msg::PostmortemWritten(id, r)).await;
                    });
                }
                Command::FetchStats(window) => {
                    let (reader, tx) = (setup.reader.clone(), after_tx.clone());
                    tokio::spawn(async move {
                        let r = reader.stats(&format!("since={window}")).await.map(Box::new);
                        let _ = tx.send(Msg::Stats(window, r)).await;
                    });
                }
                Command::FetchSimilar(id) => {
                    let (reader, tx) = (setup.reader.clone(), after_tx.clone());
                    tokio::spawn(async move {
                        let r = reader.similar(id).await;
                        let _ = tx.send(Msg::Similar(id, r)).await;
                    });
                }
                Command::FetchFollowUps(id) => {
                    let (reader, tx) = (setup.reader.clone(), after_tx.clone());
                    tokio::spawn(async move {
                        let r = reader.followups(id).await;
                        let _ = tx.send(Msg::FollowUps(id, r)).await;
                    });
                }
                Command::FetchClosed => {
                    let (reader, tx) = (setup.reader.clone(), closed_tx.clone());
                    tokio::spawn(async move {
                        let r = reader
                            .recent_closed(super::app::closed::RECENT_CLOSED)
                            .await;
                        let _ = tx.send(r).await;
                    });
                }
                Command::FetchSilences => {
                    let (reader, tx) = (setup.reader.clone(), silences_tx.clone());
                    tokio::spawn(async move {
                        let _ = tx.send(reader.silences().await).await;
                    });
                }
                Command::Quit => {}
                Command::Copy(text) => {
                    use std::io::Write as _;
                    let out = guard.terminal.backend_mut();
                    let seq = super::clipboard::osc52(&text);
                    let _ = out.write_all(seq.as_bytes()).and_then(|()| out.flush());
                    app.flash = Some(super::app::Flash::info(
                        "Copied",
                        "Sent to your terminal's clipboard (OSC 52; in tmux: set-clipboard on).",
                    ));
                }
                Command::Bell => {
                    use std::io::Write as _;
                    let out = guard.terminal.backend_mut();
                    let _ = out.write_all(b"\x07").and_then(|()| out.flush());
                }
                Command::Title(t) => {
                    // Our own words and numbers only; nothing from a backend.
                    let _ = ratatui::crossterm::execute!(
                        guard.terminal.backend_mut(),
                        ratatui::crossterm::terminal::SetTitle(t)
                    );
                }
            }
        }
        if app.quit {
            break;
        }
    }
    drop(guard);
    Ok(())
}

/// A detail read on request (after a conflict), as the poller would say it.
fn fresh_detail(
    id: crate::model::IncidentId,
    r: Result<crate::client::Fetched<crate::model::IncidentDetail>, crate::client::ClientError>,
) -> crate::client::poller::Feed {
    use crate::client::{ClientError, Fetched, poller::Feed};
    let at = Utc::now();
    match r {
        Ok(Fetched::Fresh { value, .. }) => Feed::Detail {
            detail: Box::new(value),
            at,
        },
        Ok(Fetched::NotModified) => Feed::DetailFailed {
            id,
            error: ClientError::BadResponse("304 without a validator".into()),
            at,
        },
        Err(error) => Feed::DetailFailed { id, error, at },
    }
}

/// A click or a wheel notch, as the pane under the pointer sees it.
fn mouse(app: &super::app::App, m: ratatui::crossterm::event::MouseEvent) -> Option<Msg> {
    use super::keymap::Pane;
    use ratatui::crossterm::event::{MouseButton, MouseEventKind};
    let area = ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1);
    let (pane, row) = view::mouse_target(app, area, m.column, m.row)?;
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Msg::Click(pane, row)),
        MouseEventKind::ScrollDown => {
            Some(Msg::Wheel(pane, if pane == Pane::List { 1 } else { 3 }))
        }
        MouseEventKind::ScrollUp => {
            Some(Msg::Wheel(pane, if pane == Pane::List { -1 } else { -3 }))
        }
        _ => None,
    }
}

/// The postmortem draft, fetched and written to a private file under the
/// data directory (`postmortems/INC-n.md`), replacing an older draft.
async fn write_postmortem(
    reader: &crate::client::Reader,
    id: crate::model::IncidentId,
) -> Result<std::path::PathBuf, String> {
    let text = reader
        .postmortem(id, "md")
        .await
        .map_err(|e| e.to_string())?;
    let dir = crate::paths::data_dir()?.join("postmortems");
    crate::private_fs::private_dir(&dir)?;
    crate::private_fs::write_atomic(&dir, &format!("{id}.md"), text.as_bytes(), true)
        .map_err(|e| format!("cannot write {}: {e}", dir.display()))
}
