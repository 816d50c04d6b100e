//! Keys on a message, and the one that matters most: a write that lost
//! to someone else's change, retried against what is true now or dropped.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::writes::send;
use super::{App, Command, Confirm, Conflict, Flash, Overlay};
use crate::client::WriteOp;
use crate::model::Severity;

pub(super) fn flash_key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    let conflict = app.flash.as_ref().and_then(|f| f.conflict.clone());
    match (k.code, conflict) {
        (KeyCode::Char('r'), Some(c)) => match c.now.clone() {
            Some(now) => {
                app.flash = None;
                retry_on(app, *c, now)
            }
            // Retrying before we know what is true now would be the same
            // blind write that just lost.
            None => Vec::new(),
        },
        // A conflict holds the user's action: only its own key drops it.
        (KeyCode::Char('d'), _) => {
            app.flash = None;
            Vec::new()
        }
        (KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q'), None) => {
            app.flash = None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// A refused change restated against the incident as it is now: a new
/// request (new key) based on the current version, through the same
/// confirmations a fresh change would get, and said in absolute terms
/// ("set SEV3: it is SEV1 now").
fn retry_on(app: &mut App, c: Conflict, now: crate::model::Incident) -> Vec<Command> {
    let op = match c.write.op {
        WriteOp::Patch { id, body, .. } => {
            let op = WriteOp::Patch {
                id,
                if_match: now.version,
                body: body.clone(),
            };
            if let Some(to) = body.severity {
                if to == now.severity {
                    app.flash = Some(Flash::info(
                        format!("Nothing to retry on {id}"),
                        format!("{id} is {to} already (someone set it first)."),
                    ));
                    return Vec::new();
                }
                let lowering_sev1 = now.severity == Severity::Sev1;
                if to == Severity::Sev1 || lowering_sev1 {
                    app.overlay = Some(Overlay::Confirm(Confirm::Write {
                        title: format!("Retry on {id}: set {to}?"),
                        text: format!(
                            "{id} {}\nSet {to}: it is {} now (someone changed it first).{}",
                            crate::text::one_line(&now.title, 60),
                            now.severity,
                            if lowering_sev1 {
                                "\nThis lowers a SEV1."
                            } else {
                                ""
                            }
                        ),
                        op,
                    }));
                    return Vec::new();
                }
            }
            op
        }
        op => op,
    };
    send(app, op)
}
