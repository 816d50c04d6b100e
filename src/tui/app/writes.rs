//! The console's one way to write: a write is queued with the caller's
//! identity and the incident as the IC saw it (for the conflict dialog),
//! then handed to the sender. Every key handler and dialog that writes
//! comes through here, so none of them needs `update`.

use super::{App, Command, DraftKey, Pending};
use crate::client::{Write, WriteOp};
use crate::model::IncidentId;
use crate::model::Severity;
use crate::model::wire::PatchRequest;

pub(super) fn send(app: &mut App, op: WriteOp) -> Vec<Command> {
    // A read-only profile queues nothing, whatever asked (a key, the
    // palette, a dialog): the one door every write goes through.
    if app.caps.read_only {
        app.flash = Some(super::Flash::info(
            "Read-only",
            format!(
                "This profile makes no changes (read_only / --read-only): {} was not sent.",
                op.describe()
            ),
        ));
        return Vec::new();
    }
    let mut w = Write::new(op);
    w.queued_by = Some(app.identity.clone());
    let seen = w.op.incident().and_then(|id| app.incident(id)).cloned();
    app.pending.push(Pending {
        what: w.op.describe(),
        write: w.clone(),
        attempt: 0,
        last_error: None,
        foreign: false,
        seen: seen.map(Box::new),
    });
    vec![Command::Write(super::Outgoing::Send(w))]
}

/// Keeps a note or update being written, in memory and on disk, so
/// nothing typed is lost to a crash, a dropped SSH link or Esc.
pub(super) fn save_draft(app: &mut App, key: Option<DraftKey>, text: String) -> Vec<Command> {
    let Some(key) = key else {
        return Vec::new();
    };
    app.drafts.insert(key, text.clone());
    vec![Command::SaveDraft { key, text }]
}

/// A severity change, based on the version the IC was looking at.
pub fn severity_change(id: IncidentId, version: u64, to: Severity) -> WriteOp {
    WriteOp::Patch {
        id,
        if_match: version,
        body: PatchRequest {
            severity: Some(to),
            ..Default::default()
        },
    }
}
