//! Carrying out what `update` asks for: writes go to the outbox (on disk
//! first) and the sender; reads are spawned and their answers come back to
//! the console's inbox as messages; bell, title and clipboard go straight
//! to the terminal.

use std::io::Write as _;
use std::sync::Arc;

use chrono::Utc;
use tokio::sync::{mpsc, watch};

use crate::client::outbox::Outbox;
use crate::client::pages::page_at;
use crate::client::poller::Feed;
use crate::client::{ClientError, Fetched, Reader, Write, Writer};
use crate::model::{IncidentDetail, IncidentId};
use crate::tui::app::{App, Command, Flash, Msg, Outgoing, Read, Terminal};
use crate::tui::drafts::Drafts;
use crate::tui::terminal::TerminalGuard;

pub(super) struct Io {
    pub outbox: Arc<Outbox>,
    pub drafts: Drafts,
    pub reader: Reader,
    /// For runbook actions, which are sent at once and never queued.
    pub writer: Writer,
    pub write_tx: mpsc::Sender<Write>,
    pub wanted_tx: watch::Sender<Vec<IncidentId>>,
    pub inbox: mpsc::Sender<Msg>,
    /// This backend's folder of postmortem drafts.
    pub postmortems: std::path::PathBuf,
}

impl Io {
    /// Carries out one command. Every kind is matched whole: a command
    /// that is not wired here does not compile.
    pub(super) async fn execute(&self, cmd: Command, app: &mut App, term: &mut TerminalGuard) {
        match cmd {
            Command::Write(w) => self.write(w, app).await,
            Command::Read(r) => self.fetch(r),
            Command::Terminal(t) => terminal(t, app, term),
            Command::Watch(ids) => {
                let _ = self.wanted_tx.send(ids);
            }
            Command::SaveDraft { key, text } => {
                if let Err(e) = self.drafts.save(&key, &text) {
                    tracing::warn!(error = %e, "cannot save draft");
                }
            }
            Command::Quit => {}
        }
    }

    async fn write(&self, w: Outgoing, app: &mut App) {
        match w {
            Outgoing::Send(w) => self.send(w, app).await,
            Outgoing::Resend(w) => {
                let _ = self.write_tx.send(w).await;
            }
            Outgoing::Adopt(w) => {
                let queued = self
                    .outbox
                    .remove(&w.key)
                    .and_then(|()| self.outbox.push(&w));
                if let Err(e) = queued {
                    tracing::error!(error = %e, "cannot re-queue an outbox entry");
                }
                let _ = self.write_tx.send(w).await;
            }
            Outgoing::Discard(key) => {
                let _ = self.outbox.remove(&key);
            }
            Outgoing::StartAction { id, req, key } => {
                let (writer, tx) = (self.writer.clone(), self.inbox.clone());
                tokio::spawn(async move {
                    let r = writer.run_action(id, &req, &key).await;
                    let _ = tx.send(Msg::ActionStarted(id, r)).await;
                });
            }
        }
    }

    /// On disk first: if we die now, the next start sends it.
    async fn send(&self, w: Write, app: &mut App) {
        if let Err(e) = self.outbox.push(&w) {
            tracing::error!(error = %e, "outbox write failed");
            app.flash = Some(Flash::error(
                "Cannot queue the action",
                format!("The outbox could not be written: {e}. The action was not sent."),
            ));
            app.pending.retain(|p| p.write.key != w.key);
            return;
        }
        let _ = self.write_tx.send(w).await;
    }

    /// A read in the background; its answer arrives as a message.
    fn fetch(&self, read: Read) {
        let (reader, tx) = (self.reader.clone(), self.inbox.clone());
        let postmortems = self.postmortems.clone();
        tokio::spawn(async move {
            let msg = match read {
                Read::Users(q) => {
                    let r = reader.users(&q).await;
                    Msg::Users(q, r)
                }
                Read::Page { id, at } => Msg::Page(id, at, page_at(&reader, id, at).await),
                Read::Detail(id) => Msg::Feed(fresh_detail(id, reader.detail(id, None).await)),
                Read::Postmortem(id) => {
                    Msg::PostmortemWritten(id, write_postmortem(&reader, &postmortems, id).await)
                }
                Read::Stats(window) => {
                    let r = reader.stats(&format!("since={window}")).await.map(Box::new);
                    Msg::Stats(window, r)
                }
                Read::Similar(id) => Msg::Similar(id, reader.similar(id).await),
                Read::Debrief(id) => Msg::Debrief(id, reader.debrief(id, "md").await),
                Read::Reviews => Msg::Reviews(reader.reviews(false).await),
                Read::Replay(id, at) => {
                    Msg::Replayed(id, reader.state_at(id, at).await.map(Box::new))
                }
                Read::Suggest { title, service } => {
                    Msg::Suggested(reader.suggest(&title, &service).await)
                }
                Read::Deliveries(id) => Msg::Deliveries(id, reader.deliveries(id).await),
                Read::FollowUps(id) => Msg::FollowUps(id, reader.followups(id).await),
                Read::Closed => {
                    let n = crate::tui::dialogs::closed::RECENT_CLOSED;
                    Msg::Closed(reader.recent_closed(n).await)
                }
                Read::Silences => Msg::Silences(reader.silences().await),
                Read::ActionPreview { id, phase, item } => Msg::ActionPreview {
                    id,
                    phase,
                    item,
                    r: reader.action_preview(id, phase, item).await,
                },
                Read::RunOutput { id, run, after } => {
                    Msg::RunOutput(id, run, reader.action_run(id, run, after).await)
                }
            };
            let _ = tx.send(msg).await;
        });
    }
}

fn terminal(t: Terminal, app: &mut App, term: &mut TerminalGuard) {
    match t {
        Terminal::Copy(text) => {
            write_raw(term, super::super::clipboard::osc52(&text).as_bytes());
            // A notice, not a dialog: nothing to dismiss after a copy.
            app.notice = Some((
                "copied to your terminal's clipboard (OSC 52; in tmux: set-clipboard on)".into(),
                app.now,
            ));
        }
        Terminal::Bell => write_raw(term, b"\x07"),
        Terminal::Title(t) => {
            // Our own words and numbers only; nothing from a backend.
            let _ = ratatui::crossterm::execute!(
                term.terminal.backend_mut(),
                ratatui::crossterm::terminal::SetTitle(t)
            );
        }
    }
}

fn write_raw(term: &mut TerminalGuard, bytes: &[u8]) {
    let out = term.terminal.backend_mut();
    let _ = out.write_all(bytes).and_then(|()| out.flush());
}

/// A detail read on request (after a conflict), as the poller would say it.
fn fresh_detail(id: IncidentId, r: Result<Fetched<IncidentDetail>, ClientError>) -> Feed {
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

/// The postmortem draft, fetched and written to a private file in this
/// backend's folder, never over a draft someone edited
/// ([`super::postmortem::write`]).
async fn write_postmortem(
    reader: &Reader,
    dir: &std::path::Path,
    id: IncidentId,
) -> Result<super::postmortem::Written, String> {
    let text = reader
        .postmortem(id, "md")
        .await
        .map_err(|e| e.to_string())?;
    super::postmortem::write(dir, id, &text)
}
