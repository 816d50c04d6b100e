//! Keys on a message, and the one that matters most: a write that lost
//! to someone else's change, retried against what is true now or dropped.

use ratatui::crossterm::event::KeyEvent;

use super::writes::send;
use super::{App, Command, Conflict, Flash};
use crate::client::WriteOp;
use crate::model::Severity;
use crate::tui::dialogs::confirm::Confirm;
use crate::tui::dialogs::keys::Table;
use crate::tui::dialogs::message::{CONFLICT_KEYS, CONFLICT_LOADING_KEYS, Key, MESSAGE_KEYS};

pub(super) fn flash_key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    let Some(flash) = &app.flash else {
        return Vec::new();
    };
    let conflict = flash.conflict.clone();
    match (flash.keys().lookup(&k), conflict) {
        (Some(Key::Retry), Some(c)) => match c.now.clone() {
            Some(now) => {
                app.flash = None;
                retry_on(app, *c, now)
            }
            // The table of a conflict still being read has no `r`.
            None => Vec::new(),
        },
        // A conflict holds the user's action: only its own key drops it.
        (Some(Key::Discard | Key::Dismiss), _) => {
            app.flash = None;
            Vec::new()
        }
        (Some(Key::Retry), None) | (None, _) => Vec::new(),
    }
}

impl Flash {
    /// The keys this message takes (a conflict's are its own).
    pub fn keys(&self) -> &'static Table<Key> {
        match &self.conflict {
            Some(c) if c.now.is_some() => &CONFLICT_KEYS,
            Some(_) => &CONFLICT_LOADING_KEYS,
            None => &MESSAGE_KEYS,
        }
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
                    app.open(Confirm::Write {
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
                    });
                    return Vec::new();
                }
                op
            } else {
                // An edit of fields someone else changed: it would replace
                // their words with ours, so it says both and asks.
                let restated = restate_edit(&body, &now);
                if restated.is_empty() {
                    app.flash = Some(Flash::info(
                        format!("Nothing to retry on {id}"),
                        format!("{id} already holds what your edit set (someone set it first)."),
                    ));
                    return Vec::new();
                }
                app.open(Confirm::Write {
                    title: format!("Retry on {id}: replace what is there now?"),
                    text: format!(
                        "{id} {}\n{}",
                        crate::text::one_line(&now.title, 60),
                        restated.join("\n")
                    ),
                    op,
                });
                return Vec::new();
            }
        }
        // A step forward someone already took (or went past) is not taken
        // again. (A reopen or a forced step carries a reason; it is sent as
        // asked, through the server's rules.)
        WriteOp::Transition { id, body }
            if body.reason.is_none() && !body.force && now.status >= body.to =>
        {
            app.flash = Some(Flash::info(
                format!("Nothing to retry on {id}"),
                format!("{id} is {} already (someone moved it first).", now.status),
            ));
            return Vec::new();
        }
        op => op,
    };
    send(app, op)
}

/// An edit restated against the incident as it is now: for each field it
/// sets that holds something else now, what is there and what would
/// replace it, whole.
fn restate_edit(
    body: &crate::model::wire::PatchRequest,
    now: &crate::model::Incident,
) -> Vec<String> {
    let one = |s: &str| crate::text::one_line(s, 2_000);
    let mut out = Vec::new();
    let mut field = |name: &str, ours: Option<String>, theirs: String| {
        if let Some(ours) = ours.filter(|o| *o != theirs) {
            out.push(format!(
                "{name} is now:  {}\nyours would set: {}",
                one(&theirs),
                one(&ours)
            ));
        }
    };
    field("title", body.title.clone(), now.title.clone());
    field("service", body.service.clone(), now.service.clone());
    field("summary", body.summary.clone(), now.summary.clone());
    field(
        "tags",
        body.tags.as_ref().map(|t| t.join(", ")),
        now.tags.join(", "),
    );
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or("not set".into(), |t| {
            t.format("%Y-%m-%d %H:%M UTC").to_string()
        })
    };
    field(
        "impact started",
        body.impact_started_at.map(|t| when(Some(t))),
        when(now.impact_started_at),
    );
    field(
        "IC",
        body.commander
            .clone()
            .map(|c| c.unwrap_or_else(|| "nobody".into())),
        now.commander.clone().unwrap_or_else(|| "nobody".into()),
    );
    out
}
