//! How a timeline entry is cleaned: every text it quotes, by kind (a
//! program's output and notes keep their lines; names and reasons are one
//! line).

use super::{Sanitize, SanitizeLine};
use crate::model::{EventKind, TimelineEvent};
use crate::text::clean_in_place;

impl Sanitize for TimelineEvent {
    fn sanitize(&mut self) {
        let TimelineEvent {
            seq: _,
            at: _,
            author,
            kind,
            written_at: _,
        } = self;
        author.sanitize_line();
        let e = kind;
        match e {
            EventKind::Declared { title, .. } => clean_in_place(title, false),
            EventKind::StatusChanged { reason, .. } => {
                if let Some(r) = reason.as_mut() {
                    clean_in_place(r, false);
                }
            }
            EventKind::ForcedTransition {
                reason, open_items, ..
            } => {
                clean_in_place(reason, false);
                open_items.iter_mut().for_each(|s| clean_in_place(s, false));
            }
            EventKind::FieldsEdited { fields } => {
                fields.iter_mut().for_each(|s| clean_in_place(s, false))
            }
            EventKind::Note { text } | EventKind::ImpactChanged { text } => {
                clean_in_place(text, true)
            }
            EventKind::Published { title, .. } => {
                if let Some(t) = title {
                    clean_in_place(t, false);
                }
            }
            EventKind::StakeholderUpdate {
                text, data_loss, ..
            } => {
                clean_in_place(text, true);
                if let Some(d) = data_loss {
                    clean_in_place(d, true);
                }
            }
            EventKind::Responder { handle, .. } | EventKind::RoleAssigned { handle, .. } => {
                clean_in_place(handle, false)
            }
            EventKind::ChecklistItem { item, .. } => clean_in_place(item, false),
            EventKind::AlertReceived {
                alert,
                detail,
                suppressed,
                firing: _,
                facts,
            } => {
                clean_in_place(alert, false);
                for d in [detail, suppressed].into_iter().flatten() {
                    clean_in_place(d, false);
                }
                facts.sanitize();
            }
            EventKind::SeverityChanged { .. } => {}
            EventKind::Curated { change, .. } => clean_in_place(change, false),
            EventKind::Automation { rule, text } => {
                clean_in_place(rule, false);
                clean_in_place(text, true);
            }
            EventKind::ActionStarted {
                action,
                item,
                command,
                ..
            } => {
                for t in [action, item, command] {
                    clean_in_place(t, false);
                }
            }
            EventKind::ActionFinished {
                action,
                item,
                output,
                ..
            } => {
                clean_in_place(action, false);
                clean_in_place(item, false);
                // A program's output: terminal escapes in it are the classic
                // way to take over an IC's terminal.
                clean_in_place(output, true);
            }
            EventKind::Task {
                title, owner, text, ..
            } => {
                clean_in_place(title, false);
                for t in [owner, text].into_iter().flatten() {
                    clean_in_place(t, false);
                }
            }
            EventKind::Hypothesis { text, why, .. } => {
                clean_in_place(text, true);
                if let Some(w) = why {
                    clean_in_place(w, true);
                }
            }
            EventKind::Decision { text, why, .. } => {
                clean_in_place(text, true);
                clean_in_place(why, true);
            }
            EventKind::Command { from, to, .. } => {
                clean_in_place(to, false);
                if let Some(f) = from {
                    clean_in_place(f, false);
                }
            }
            EventKind::CanReport {
                condition,
                actions,
                needs,
            } => {
                for t in [condition, actions, needs] {
                    clean_in_place(t, true);
                }
            }
        }
    }
}
