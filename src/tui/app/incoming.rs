//! What the backend says, folded into the console's state: the poller's
//! feed (list, changes, details, failures) and the sender's deliveries
//! (confirmed, retrying, refused).

use super::{App, Command, Conflict, DraftKey, DraftKind, Flash};
use crate::client::WriteOp;
use crate::client::poller::Feed;
use crate::client::sender::Delivery;
use crate::model::IncidentId;

pub(super) fn feed(app: &mut App, f: Feed) -> Vec<Command> {
    match f {
        Feed::List { incidents, at } => {
            app.board.conn.last_ok = Some(at);
            app.board.conn.error = None;
            app.board.conn.auth_refused = false;
            app.board.incidents = incidents;
            let known: Vec<IncidentId> = app.board.incidents.iter().map(|i| i.id).collect();
            app.board.details.retain(|id, _| known.contains(id));
            app.refilter()
        }
        Feed::Detail { detail, at } => {
            app.board.conn.last_ok = Some(at);
            app.board.conn.error = None;
            app.board.conn.auth_refused = false;
            let review = (app.selected == Some(detail.incident.id)
                && !detail.incident.status.is_active()
                && app.caps.lifecycle
                && !app.followups.contains_key(&detail.incident.id))
            .then_some(detail.incident.id);
            app.merge_detail(*detail);
            app.fill_conflict();
            // Its severity or status may have changed: order and counts too.
            let mut cmds = app.refilter();
            // A finished incident's review shows its follow-ups.
            cmds.extend(review.map(Command::FetchFollowUps));
            cmds
        }
        Feed::Changed {
            changed,
            summaries,
            details,
            at,
        } => {
            app.board.conn.last_ok = Some(at);
            app.board.conn.error = None;
            app.board.conn.auth_refused = false;
            app.merge_summaries(&changed, &summaries);
            for d in details {
                app.merge_detail(d);
            }
            app.fill_conflict();
            app.refilter()
        }
        Feed::DetailFailed { id, error, at } => {
            // The backend is fine; this one incident could not be read.
            app.board.conn.last_ok = Some(at);
            if let Some(c) = app.flash.as_mut().and_then(|f| f.conflict.as_mut())
                && c.write.op.incident() == Some(id)
                && c.now.is_none()
            {
                c.fetch_error = Some(error.to_string());
            }
            app.detail_errors.insert(id, error.to_string());
            Vec::new()
        }
        Feed::Alive(at) => {
            app.board.conn.last_ok = Some(at);
            app.board.conn.error = None;
            app.board.conn.auth_refused = false;
            Vec::new()
        }
        Feed::Failed { error, .. } => {
            app.board.conn.auth_refused = matches!(
                error,
                crate::client::ClientError::Api {
                    status: 401 | 403,
                    ..
                }
            );
            app.board.conn.error = Some(error.to_string());
            Vec::new()
        }
    }
}

pub(super) fn delivery(app: &mut App, d: Delivery) -> Vec<Command> {
    match d {
        Delivery::Delivered { key, answer } => {
            let was_declare = app
                .pending
                .iter()
                .any(|p| p.write.key == key && matches!(p.write.op, WriteOp::Declare { .. }));
            let followup_of = app
                .pending
                .iter()
                .find(|p| p.write.key == key)
                .and_then(|p| match p.write.op {
                    WriteOp::AddFollowUp { id, .. } | WriteOp::UpdateFollowUp { id, .. } => {
                        Some(id)
                    }
                    _ => None,
                });
            app.pending.retain(|p| p.write.key != key);
            // A follow-up changed: the open list shows it.
            if let Some(id) = followup_of {
                return match &app.overlay {
                    Some(super::Overlay::FollowUps(v)) if v.id == id => {
                        vec![Command::FetchFollowUps(id)]
                    }
                    _ => Vec::new(),
                };
            }
            // Some backends confirm without the incident; the poller brings it.
            let Some(answer) = answer else {
                return Vec::new();
            };
            let id = answer.incident.id;
            app.merge_answer(*answer);
            let mut cmds = app.refilter();
            if was_declare {
                cmds.extend(app.select(Some(id)));
            }
            cmds
        }
        Delivery::Retrying {
            key,
            attempt,
            error,
        } => {
            if let Some(p) = app.pending.iter_mut().find(|p| p.write.key == key) {
                p.attempt = attempt;
                p.last_error = Some(error.to_string());
            }
            Vec::new()
        }
        Delivery::Refused { key, error } => {
            let Some(pos) = app.pending.iter().position(|p| p.write.key == key) else {
                return Vec::new();
            };
            let p = app.pending.remove(pos);
            let mut cmds = Vec::new();
            let mut flash = if error.is_conflict() {
                let mut flash = Flash::error(
                    "Conflict: someone changed the incident first",
                    error.to_string(),
                );
                flash.conflict = Some(Box::new(Conflict {
                    write: p.write.clone(),
                    what: p.what.clone(),
                    seen: p.seen.clone().map(|b| *b),
                    now: None,
                    changes: Vec::new(),
                    fetch_error: None,
                }));
                // The dialog is built from the state after the refusal:
                // ask for it now rather than wait for the change feed.
                if let Some(id) = p.write.op.incident() {
                    cmds.push(Command::FetchDetail(id));
                }
                flash
            } else {
                Flash::error(
                    "The server refused the action",
                    format!("{}\n\nYour action: {}", error, p.what),
                )
            };
            // Words someone typed are never lost to a refusal: a refused
            // note or update goes back into its draft.
            let returned = match &p.write.op {
                WriteOp::Note { id, body } => Some((DraftKind::Note, *id, body.text.clone())),
                WriteOp::StakeholderUpdate { id, body } => {
                    Some((DraftKind::Update, *id, body.text.clone()))
                }
                _ => None,
            };
            if let Some((kind, id, text)) = returned {
                let key = DraftKey { id, kind };
                let text = match app.drafts.get(&key) {
                    Some(d) if !d.trim().is_empty() => format!("{text}\n{d}"),
                    _ => text,
                };
                app.drafts.insert(key, text.clone());
                cmds.push(Command::SaveDraft { key, text });
                flash.text.push_str(&format!(
                    "\n\nYour text is back in the draft: press {} to edit and send it again.",
                    if kind == DraftKind::Note { "i" } else { "u" }
                ));
            }
            app.flash = Some(flash);
            app.fill_conflict();
            cmds
        }
    }
}

impl App {
    /// Completes a conflict dialog once this console holds a state of the
    /// incident newer than the one the IC acted on: what is true now, and
    /// who changed what since (the timeline entries after the seen one).
    pub(super) fn fill_conflict(&mut self) {
        let Some(c) = self.flash.as_ref().and_then(|f| f.conflict.as_ref()) else {
            return;
        };
        let Some(id) = c.write.op.incident() else {
            return;
        };
        let seen_version = c.seen.as_ref().map_or(0, |i| i.version);
        let seen_seq = c.seen.as_ref().map_or(0, |i| i.last_seq);
        let Some(d) = self.board.details.get(&id) else {
            return;
        };
        if d.incident.version <= seen_version
            || c.now
                .as_ref()
                .is_some_and(|n| n.version >= d.incident.version)
        {
            return;
        }
        let me = self.me.as_ref().map(|(h, _)| h.clone());
        let theirs: Vec<_> = d
            .timeline
            .iter()
            .filter(|e| e.seq > seen_seq && Some(&e.author) != me.as_ref())
            .collect();
        let changes: Vec<String> = theirs[theirs.len().saturating_sub(6)..]
            .iter()
            .map(|e| {
                format!(
                    "{} {}: {}",
                    e.at.format("%H:%M:%S"),
                    crate::text::one_line(&e.author, 24),
                    crate::text::one_line(&e.kind.describe(), 60)
                )
            })
            .collect();
        let now = d.incident.clone();
        if let Some(c) = self.flash.as_mut().and_then(|f| f.conflict.as_mut()) {
            c.now = Some(now);
            c.changes = changes;
            c.fetch_error = None;
        }
    }
}
