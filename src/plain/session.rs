//! The line console's loop: what the follower says, what is typed, and
//! what became of each write, in the order they happen.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncBufReadExt;
use tokio::sync::mpsc;

use super::line::Line;
use super::say;
use super::typed::{HELP, Typed, parse};
use crate::client::outbox::Outbox;
use crate::client::sender::{self, Delivery};
use crate::client::{Fetched, Reader, Write, WriteOp, Writer};
use crate::model::wire::{PatchRequest, TextRequest, TransitionRequest};
use crate::model::{IncidentDetail, IncidentId, Status};

pub struct PlainSetup {
    pub label: String,
    pub reader: Reader,
    pub writer: Writer,
    /// Where the outbox is kept (the console's, for this backend).
    pub state_dir: std::path::PathBuf,
    pub identity: String,
    /// Why this connection makes no changes, when it makes none.
    pub read_only: Option<String>,
}

/// How long leaving waits for writes still on their way.
const SETTLE: Duration = Duration::from_secs(10);

pub async fn run(setup: PlainSetup) -> Result<(), String> {
    let outbox = Arc::new(
        Outbox::open(&setup.state_dir, "outbox")
            .map_err(|e| format!("cannot open the outbox: {e}"))?,
    );
    let (lines_tx, mut lines) = mpsc::channel(256);
    let follower = tokio::spawn(super::follow(setup.reader.clone(), super::WAIT, lines_tx));
    let (write_tx, write_rx) = mpsc::channel::<Write>(1024);
    let (deliv_tx, mut deliveries) = mpsc::channel(64);
    tokio::spawn(sender::run(
        setup.writer.clone(),
        outbox.clone(),
        write_rx,
        deliv_tx,
    ));
    let mut waiting: Vec<(String, String)> = Vec::new();
    let out = |l: &str| say(l).map_err(|_| "standard output closed".to_string());
    out(&format!(
        "warroom {} (line mode): changes are said as they happen; type `help` for commands.",
        setup.label
    ))?;
    // Writes left in the outbox by an earlier session under these
    // credentials go first, as the console sends them.
    let (pending, _) = outbox.pending();
    for w in pending
        .into_iter()
        .filter(|w| w.queued_by.as_deref() == Some(setup.identity.as_str()))
    {
        out(&format!(
            "! sending again from the outbox: {}",
            w.op.describe()
        ))?;
        waiting.push((w.key.clone(), w.op.describe()));
        let _ = write_tx.send(w).await;
    }
    let mut stdin = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let mut typing = true;
    loop {
        tokio::select! {
            l = lines.recv() => match l {
                Some(l) => out(&l.text())?,
                None => break,
            },
            d = deliveries.recv() => if let Some(d) = d {
                out(&delivered(&d, &mut waiting))?;
            },
            typed = stdin.next_line(), if typing => match typed {
                Ok(Some(t)) => {
                    let mut s = Session { setup: &setup, outbox: &outbox, write_tx: &write_tx, waiting: &mut waiting };
                    match s.command(&t).await? {
                        Next::Go => {}
                        Next::Quit => break,
                    }
                }
                // Standard input ended: leave once the writes settle.
                _ => typing = false,
            },
            _ = tokio::time::sleep(Duration::from_millis(200)), if !typing && waiting.is_empty() => break,
            _ = tokio::time::sleep(SETTLE), if !typing => break,
        }
    }
    follower.abort();
    if !waiting.is_empty() {
        out(&format!(
            "! {} write(s) not answered yet stay in the outbox; they are sent next time",
            waiting.len()
        ))?;
    }
    Ok(())
}

enum Next {
    Go,
    Quit,
}

struct Session<'a> {
    setup: &'a PlainSetup,
    outbox: &'a Outbox,
    write_tx: &'a mpsc::Sender<Write>,
    waiting: &'a mut Vec<(String, String)>,
}

fn delivered(d: &Delivery, waiting: &mut Vec<(String, String)>) -> String {
    let (key, line) = match d {
        Delivery::Delivered { key, .. } => (key, None),
        Delivery::Retrying {
            key,
            attempt,
            error,
        } => (
            key,
            Some(format!(
                "! not sent yet (attempt {attempt}: {error}); it waits in the outbox"
            )),
        ),
        Delivery::Refused { key, error } => (key, Some(format!("! refused: {error}"))),
    };
    let what = waiting
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, w)| w.clone())
        .unwrap_or_default();
    if !matches!(d, Delivery::Retrying { .. }) {
        waiting.retain(|(k, _)| k != key);
    }
    match line {
        None => format!("ok: {what}"),
        Some(l) => format!("{l} ({what})"),
    }
}

impl Session<'_> {
    async fn command(&mut self, typed: &str) -> Result<Next, String> {
        let out = |l: &str| say(l).map_err(|_| "standard output closed".to_string());
        let cmd = match parse(typed) {
            Ok(Some(c)) => c,
            Ok(None) => return Ok(Next::Go),
            Err(why) => {
                out(&format!("! {why}"))?;
                return Ok(Next::Go);
            }
        };
        let op = match cmd {
            Typed::Quit => return Ok(Next::Quit),
            Typed::Help => {
                for h in HELP {
                    out(h)?;
                }
                return Ok(Next::Go);
            }
            Typed::List => {
                match self.setup.reader.list(false, None).await {
                    Ok(Fetched::Fresh { value, .. }) if value.incidents.is_empty() => {
                        out("no active incidents")?
                    }
                    Ok(Fetched::Fresh { mut value, .. }) => {
                        value.incidents.sort_by_key(|i| (i.severity, i.id));
                        for i in &value.incidents {
                            out(&Line::incident(i).text())?;
                        }
                    }
                    Ok(Fetched::NotModified) => {}
                    Err(e) => out(&format!("! cannot read the incidents: {e}"))?,
                }
                return Ok(Next::Go);
            }
            Typed::Show(id) => {
                match self.detail(id).await {
                    Ok(d) => {
                        out(&Line::incident(&d.incident).text())?;
                        let phase = d.incident.status.phase();
                        if let Some(c) = d.checklists.iter().find(|c| Some(c.phase) == phase) {
                            out(&format!("checklist, {}:", c.phase))?;
                            for (n, i) in c.items.iter().enumerate() {
                                let mark = if i.is_done() { "done" } else { "open" };
                                out(&format!(
                                    "  {} {mark}: {}",
                                    n + 1,
                                    crate::text::one_line(&i.text, 200)
                                ))?;
                            }
                        }
                        let skip = d.timeline.len().saturating_sub(10);
                        for e in &d.timeline[skip..] {
                            out(&Line::event(&d.incident, e).text())?;
                        }
                    }
                    Err(e) => out(&format!("! {e}"))?,
                }
                return Ok(Next::Go);
            }
            Typed::Ack(id) => WriteOp::Transition {
                id,
                body: TransitionRequest {
                    to: Status::Acknowledged,
                    force: false,
                    reason: None,
                },
            },
            Typed::Note(id, text) => WriteOp::Note {
                id,
                body: TextRequest::new(text),
            },
            Typed::Update(id, text) => WriteOp::StakeholderUpdate {
                id,
                body: TextRequest::new(text),
            },
            Typed::Advance { id, force } => match self.advance(id, force).await {
                Ok(op) => op,
                Err(why) => {
                    out(&format!("! {why}"))?;
                    return Ok(Next::Go);
                }
            },
            Typed::Tick(id, n) => match self.detail(id).await {
                Ok(d) => match d.incident.status.phase() {
                    Some(phase) => WriteOp::Checklist {
                        id,
                        body: crate::model::wire::ChecklistRequest {
                            phase,
                            item: n - 1,
                            done: true,
                        },
                    },
                    None => {
                        out(&format!(
                            "! {id} is {}: it has no checklist now",
                            d.incident.status
                        ))?;
                        return Ok(Next::Go);
                    }
                },
                Err(e) => {
                    out(&format!("! {e}"))?;
                    return Ok(Next::Go);
                }
            },
            Typed::Severity(id, severity) => match self.detail(id).await {
                Ok(d) => WriteOp::Patch {
                    id,
                    if_match: d.incident.version,
                    body: PatchRequest {
                        severity: Some(severity),
                        ..Default::default()
                    },
                },
                Err(e) => {
                    out(&format!("! {e}"))?;
                    return Ok(Next::Go);
                }
            },
        };
        self.send(op).await?;
        Ok(Next::Go)
    }

    async fn detail(&self, id: IncidentId) -> Result<IncidentDetail, String> {
        match self.setup.reader.detail(id, None).await {
            Ok(Fetched::Fresh { value, .. }) => Ok(value),
            Ok(Fetched::NotModified) => Err("the backend answered 304 to a plain read".into()),
            Err(e) => Err(format!("cannot read {id}: {e}")),
        }
    }

    /// The step to the next phase, or what to type instead: as the
    /// console's confirmation, open items are named and leaving them open
    /// needs `force WHY`.
    async fn advance(&self, id: IncidentId, force: Option<String>) -> Result<WriteOp, String> {
        let d = self.detail(id).await?;
        let from = d.incident.status;
        let to = from
            .next()
            .ok_or_else(|| format!("{id} is {from}: there is no next phase"))?;
        let open: Vec<String> = from
            .phase()
            .and_then(|p| d.checklists.iter().find(|c| c.phase == p))
            .map(|c| {
                c.items
                    .iter()
                    .filter(|i| !i.is_done())
                    .map(|i| crate::text::one_line(&i.text, 60))
                    .collect()
            })
            .unwrap_or_default();
        if !open.is_empty() && force.is_none() {
            return Err(format!(
                "{id} has {} open item(s) in this phase: {}. Type `advance {id} force WHY` to \
                 leave them open (recorded on the timeline), or tick them in the console.",
                open.len(),
                open.join("; ")
            ));
        }
        Ok(WriteOp::Transition {
            id,
            body: TransitionRequest {
                to,
                force: force.is_some(),
                reason: force,
            },
        })
    }

    /// Into the outbox first (kept if warroom stops), then to the sender.
    async fn send(&mut self, op: WriteOp) -> Result<(), String> {
        if let Some(why) = &self.setup.read_only {
            return say(&format!(
                "! {why}: it makes no changes ({} not sent)",
                op.describe()
            ))
            .map_err(|_| "standard output closed".to_string());
        }
        let mut w = Write::new(op);
        w.queued_by = Some(self.setup.identity.clone());
        if let Err(e) = self.outbox.push(&w) {
            say(&format!(
                "! cannot keep the write in the outbox ({e}); sending it anyway"
            ))
            .map_err(|_| "standard output closed".to_string())?;
        }
        say(&format!("sending: {}", w.op.describe()))
            .map_err(|_| "standard output closed".to_string())?;
        self.waiting.push((w.key.clone(), w.op.describe()));
        let _ = self.write_tx.send(w).await;
        Ok(())
    }
}
