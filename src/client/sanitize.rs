//! The one sanitizing step: everything decoded from a backend passes here
//! before any view sees it (see `crate::text::clean`).

use crate::model::wire::WriteAnswer;
use crate::model::{Checklist, EventKind, Incident, IncidentDetail, Responder, TimelineEvent};
use crate::text::clean_in_place;

pub fn clean_incident(i: &mut Incident) {
    clean_in_place(&mut i.title, false);
    clean_in_place(&mut i.summary, true);
    clean_in_place(&mut i.service, false);
    if let Some(c) = i.commander.as_mut() {
        clean_in_place(c, false);
    }
    for t in &mut i.tags {
        clean_in_place(t, false);
    }
}

pub fn clean_followup(f: &mut crate::model::FollowUp) {
    clean_in_place(&mut f.title, false);
    clean_in_place(&mut f.created_by, false);
    for s in [f.owner.as_mut(), f.link.as_mut()].into_iter().flatten() {
        clean_in_place(s, false);
    }
}

/// Every name in the metrics came from somebody's input.
pub fn clean_stats(s: &mut crate::model::stats::Stats) {
    use crate::text::clean_in_place;
    for x in &mut s.slowest {
        clean_in_place(&mut x.title, false);
    }
    for x in &mut s.most_skipped {
        clean_in_place(&mut x.1, false);
    }
    for x in &mut s.load {
        clean_in_place(&mut x.handle, false);
    }
    for x in s.top_services.iter_mut().chain(s.top_alerts.iter_mut()) {
        clean_in_place(&mut x.0, false);
    }
    s.by_service = std::mem::take(&mut s.by_service)
        .into_iter()
        .map(|(mut k, v)| {
            clean_in_place(&mut k, false);
            (k, v)
        })
        .collect();
}

pub fn clean_detail(d: &mut IncidentDetail) {
    clean_incident(&mut d.incident);
    clean_responders(&mut d.responders);
    clean_checklists(&mut d.checklists);
    d.timeline.iter_mut().for_each(clean_event);
}

pub fn clean_answer(a: &mut WriteAnswer) {
    clean_incident(&mut a.incident);
    if let Some(r) = a.responders.as_mut() {
        clean_responders(r);
    }
    if let Some(c) = a.checklists.as_mut() {
        clean_checklists(c);
    }
    a.events.iter_mut().for_each(clean_event);
}

fn clean_responders(rs: &mut [Responder]) {
    for r in rs {
        clean_in_place(&mut r.handle, false);
        clean_in_place(&mut r.name, false);
    }
}

fn clean_checklists(cs: &mut [Checklist]) {
    for c in cs {
        for it in &mut c.items {
            clean_in_place(&mut it.text, false);
            for t in [it.done_by.as_mut(), it.action.as_mut()]
                .into_iter()
                .flatten()
            {
                clean_in_place(t, false);
            }
        }
    }
}

pub fn clean_event(e: &mut TimelineEvent) {
    {
        clean_in_place(&mut e.author, false);
        match &mut e.kind {
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
            EventKind::Note { text } | EventKind::StakeholderUpdate { text } => {
                clean_in_place(text, true)
            }
            EventKind::Responder { handle, .. } | EventKind::RoleAssigned { handle, .. } => {
                clean_in_place(handle, false)
            }
            EventKind::ChecklistItem { item, .. } => clean_in_place(item, false),
            EventKind::AlertReceived {
                alert,
                detail,
                suppressed,
                ..
            } => {
                clean_in_place(alert, false);
                for d in [detail, suppressed].into_iter().flatten() {
                    clean_in_place(d, false);
                }
            }
            EventKind::SeverityChanged { .. } => {}
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
        }
    }
}
