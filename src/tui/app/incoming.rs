//! What the backend says, folded into the console's state: the poller's
//! feed (list, changes, details, failures) and the sender's deliveries
//! (confirmed, retrying, refused).

use super::{App, Command, Conflict, DraftKey, DraftKind, Flash, Pending};
use crate::client::WriteOp;
use crate::client::poller::Feed;
use crate::client::sender::Delivery;
use crate::tui::board::Applied;

pub(super) fn feed(app: &mut App, f: Feed) -> Vec<Command> {
    match app.board.apply(f, app.selected) {
        Applied::List { first_screen } => {
            let cmds = app.refilter();
            if first_screen {
                // A part of the list: the whole one decides what is news.
                app.attention.forget_baseline();
            }
            cmds
        }
        Applied::Detail { id, before, after } => {
            app.detail_merged(id, before, after);
            let review = (app.selected == Some(id)
                && app
                    .board
                    .details
                    .get(&id)
                    .is_some_and(|d| !d.incident.status.is_active())
                && app.caps.lifecycle
                && !app.followups.contains_key(&id))
            .then_some(id);
            app.fill_conflict(true);
            // Its severity or status may have changed: order and counts too.
            let mut cmds = app.refilter();
            // A finished incident's review shows its follow-ups.
            cmds.extend(review.map(|id| Command::Read(super::Read::FollowUps(id))));
            cmds
        }
        Applied::Changed(merged) => {
            for (id, before, after) in merged {
                app.detail_merged(id, before, after);
            }
            app.fill_conflict(false);
            app.refilter()
        }
        Applied::DetailFailed(id, error) => {
            if let Some(c) = app.flash.as_mut().and_then(|f| f.conflict.as_mut())
                && c.write.op.incident() == Some(id)
                && c.now.is_none()
            {
                c.fetch_error = Some(error.to_string());
            }
            app.detail_errors.insert(id, error.to_string());
            Vec::new()
        }
        Applied::Alive | Applied::Failed => Vec::new(),
    }
}

pub(super) fn delivery(app: &mut App, d: Delivery) -> Vec<Command> {
    match d {
        Delivery::Delivered { key, answer } => delivered(app, &key, answer),
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
        Delivery::Refused { key, error } => refused(app, &key, error),
    }
}

/// The server took a write: it leaves the outbox and its answer is merged.
fn delivered(
    app: &mut App,
    key: &str,
    answer: Option<Box<crate::model::wire::WriteAnswer>>,
) -> Vec<Command> {
    let was_declare = app
        .pending
        .iter()
        .any(|p| p.write.key == key && matches!(p.write.op, WriteOp::Declare { .. }));
    let followup_of = app
        .pending
        .iter()
        .find(|p| p.write.key == key)
        .and_then(|p| match p.write.op {
            WriteOp::AddFollowUp { id, .. } | WriteOp::UpdateFollowUp { id, .. } => Some(id),
            _ => None,
        });
    let resolving = app.pending.iter().any(|p| {
        p.write.key == key
            && matches!(&p.write.op, WriteOp::Transition { body, .. } if body.to == crate::model::Status::Resolved)
    });
    app.pending.retain(|p| p.write.key != key);
    // A follow-up changed: the open list shows it.
    if let Some(id) = followup_of {
        return match &app.dialog {
            Some(crate::tui::dialogs::Dialog::FollowUps(v)) if v.id == id => {
                vec![Command::Read(super::Read::FollowUps(id))]
            }
            _ => Vec::new(),
        };
    }
    // Some backends confirm without the incident; the poller brings it.
    let Some(answer) = answer else {
        return Vec::new();
    };
    let id = answer.incident.id;
    // A SEV1/SEV2 just resolved without a review owner: the IC is asked
    // now (PagerDuty's process names one for every major incident).
    let ask_owner = resolving
        && answer.incident.review.is_none()
        && answer.incident.severity <= crate::model::Severity::Sev2
        && answer.incident.drill.is_none()
        && app.dialog.is_none();
    app.merge_answer(*answer);
    if ask_owner {
        app.dialog = Some(crate::tui::dialogs::Dialog::Palette(
            crate::tui::dialogs::palette::Palette::with("review-owner "),
        ));
        app.notice = Some((
            format!("{id} resolved: name its review owner (a handle), Enter; Esc for later"),
            app.now,
        ));
    }
    let mut cmds = app.refilter();
    if was_declare {
        cmds.extend(app.select(Some(id)));
    }
    cmds
}

/// The server refused a write: say why, keep the words typed, and on a
/// conflict hold the write for a retry on the fresh state.
fn refused(app: &mut App, key: &str, error: crate::client::ClientError) -> Vec<Command> {
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
            cmds.push(Command::Read(super::Read::Detail(id)));
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
    app.fill_conflict(false);
    cmds
}

impl App {
    /// Completes a conflict dialog once this console holds a state of the
    /// incident newer than the one the IC acted on: what is true now, and
    /// who changed what since (the timeline entries after the seen one).
    /// `fresh`: a detail was just read on its own (the read the conflict
    /// asked for): it fills the dialog even when nothing changed since the
    /// IC looked (the server refused a state that was already so).
    pub(super) fn fill_conflict(&mut self, fresh: bool) {
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
        let unchanged = d.incident.version == seen_version && !fresh;
        if d.incident.version < seen_version
            || unchanged
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

/// Writes left in the outbox by the last run: resent, unless they were
/// queued under other credentials (held for the user to decide).
pub(super) fn restored(app: &mut App, writes: Vec<crate::client::Write>) -> Vec<Command> {
    let mut cmds = Vec::new();
    let mut held = 0;
    for w in writes {
        let foreign = w.queued_by.as_deref() != Some(app.identity.as_str());
        if foreign {
            held += 1;
        } else {
            cmds.push(Command::Write(super::Outgoing::Resend(w.clone())));
        }
        app.pending.push(Pending {
            what: w.op.describe(),
            write: w,
            attempt: 0,
            last_error: None,
            foreign,
            seen: None,
        });
    }
    if held > 0 {
        app.flash = Some(Flash::error(
            "Actions queued by someone else",
            format!(
                "{held} queued action(s) in the outbox were written with other credentials \
                 than the ones in use now. They are held, not sent.\n\n\
                 :outbox lists them: s sends one as you, d discards it."
            ),
        ));
    }
    cmds
}
