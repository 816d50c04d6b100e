//! Recording one notification in one transaction: find or open the
//! group's incident (classified, with its runbook; marked when a drill's),
//! put each alert whose state changed on the timeline once, and queue the
//! notifications.

use chrono::Utc;

use super::super::classify::Class;
use super::{Alert, Notification, title_of, visible};
use crate::model::wire::DeclareRequest;
use crate::model::{Action, Actor, IncidentDetail, Runbook, apply, declare};
use crate::server::store;

/// One notification in one transaction: find or open the group's
/// incident, record each alert whose state changed, note when all resolved.
pub(super) fn record(
    tx: &dyn crate::server::store::Sql,
    n: &Notification,
    class: &Class,
    runbook: &Runbook,
    actor: &Actor,
    notify: &crate::server::notify::NotifyConfig,
    drill: Option<&crate::model::drill::DrillMark>,
) -> Result<(u16, String), store::StoreError> {
    let now = Utc::now();
    let (mut d, known, opened) = match store::incident_for_alert_group(tx, &n.group_key)? {
        Some(id) => {
            let d = store::load_for_write(tx, id)?;
            let known = d.incident.last_seq;
            (d, known, false)
        }
        None if n.alerts.iter().any(Alert::firing) => {
            let d = open_incident(tx, n, class, runbook, actor, now, drill)?;
            // Stored already, with what the rules added: later events follow.
            let known = d.incident.last_seq;
            (d, known, true)
        }
        None => {
            let note = "nothing firing and no active incident for this group";
            let body = serde_json::json!({"incident": null, "recorded": 0, "note": note});
            return Ok((200, body.to_string()));
        }
    };
    let id = d.incident.id;
    let mut recorded = 0;
    let mut resolved_now = false;
    for a in &n.alerts {
        if store::alert_firing(tx, id, &a.fingerprint)? == Some(a.firing()) {
            continue;
        }
        let alert = Action::Alert {
            alert: a.describe(),
            firing: a.firing(),
            detail: a.detail(),
            facts: a.facts(n.external_url.as_ref()),
        };
        apply(&mut d, alert, actor, now)?;
        store::set_alert_firing(tx, id, &a.fingerprint, a.firing(), now)?;
        recorded += 1;
        resolved_now |= !a.firing();
    }
    if resolved_now && store::alerts_firing(tx, id)? == 0 {
        let text = "All alerts of this group have resolved. \
                    The incident stays open until a person resolves it."
            .to_string();
        let note = Action::Note {
            text,
            written_at: None,
        };
        apply(&mut d, note, actor, now)?;
    }
    if recorded > 0 {
        store::save(tx, &d, known, Some(&n.group_key))?;
    }
    // A new incident's declaration was stored with it (seq 1); everything
    // after `known` is what this notification added.
    let from = if opened { 0 } else { known };
    let added: Vec<_> = d
        .timeline
        .iter()
        .filter(|e| e.seq > from)
        .cloned()
        .collect();
    crate::server::notify::enqueue(
        tx,
        notify,
        crate::server::notify::Subscriber::of(&d),
        &added,
    )?;
    let body = serde_json::json!({
        "incident": id,
        "opened": opened,
        "recorded": recorded,
        "truncated_alerts": n.truncated_alerts,
    });
    Ok((200, body.to_string()))
}

/// Declares the group's incident, classified, and stores it at once: the
/// alert rows refer to it.
fn open_incident(
    tx: &dyn crate::server::store::Sql,
    n: &Notification,
    class: &Class,
    runbook: &Runbook,
    actor: &Actor,
    now: chrono::DateTime<Utc>,
    drill: Option<&crate::model::drill::DrillMark>,
) -> Result<IncidentDetail, store::StoreError> {
    let earlier = store::earlier_incident_for_alert_group(tx, &n.group_key)?;
    let (title, missing) = title_of(n, &class.service);
    let req = DeclareRequest {
        title: crate::text::one_line(&title, crate::model::MAX_TITLE),
        service: crate::text::cut_marked(&class.service, crate::model::MAX_SHORT),
        severity: class.severity,
        summary: visible(n.common_annotations.get("description"))
            .map(|d| crate::model::cut_to_fit(d, crate::model::MAX_TEXT))
            .unwrap_or_default(),
        commander: None,
        tags: std::iter::once("alertmanager".to_string())
            .chain(drill.map(|_| "drill".to_string()))
            .chain(
                earlier
                    .as_ref()
                    .map(|(e, _)| format!("refired-{e}").to_lowercase()),
            )
            .chain(class.tags.iter().cloned())
            .take(crate::model::MAX_TAGS)
            .collect(),
    };
    let mut d = declare(store::next_id(tx)?, req, actor, runbook.checklists(), now)?;
    d.incident.drill = drill.cloned();
    // A drill's alerts come from no Alertmanager: nothing to link or sync.
    if drill.is_none() && !n.receiver.is_empty() {
        d.incident.alert_group = crate::model::AlertGroupRef::bounded(&n.receiver, &n.group_labels);
    }
    // A group that fired before and whose incident was resolved since
    // opens a new incident; it says which one it follows, so the IC sees
    // the outage came back rather than a new one.
    if let Some((earlier, status)) = &earlier {
        let note = Action::Note {
            text: format!(
                "This alert group fired again: it opened {earlier} before (now {status}). \
                 Read {earlier} for what was found and done then."
            ),
            written_at: None,
        };
        apply(&mut d, note, actor, now)?;
    }
    // Said on the timeline, so nobody wonders where the title came from.
    let service_missing = class.service == "unknown"
        && !["service", "job", "alertname"]
            .iter()
            .any(|k| visible(n.common_labels.get(*k)).is_some());
    if !missing.is_empty() || service_missing {
        let mut blank: Vec<&str> = missing;
        if service_missing {
            blank.push("service (service, job and alertname labels)");
        }
        let note = Action::Note {
            text: format!(
                "The alert group arrived with a blank {}; warroom used the next label, \
                 or a placeholder where none was left.",
                blank.join(", ")
            ),
            written_at: None,
        };
        apply(&mut d, note, actor, now)?;
    }
    // The rule that classified it is named on the timeline, and the people
    // it names are paged.
    if let Some(rule) = &class.rule {
        let said = Action::Automation {
            rule: format!("classification: {rule}"),
            text: format!("Classified {}", class.describe()),
        };
        apply(&mut d, said, actor, now)?;
    }
    for handle in &class.page {
        let page = Action::Responder(crate::model::ResponderAction::Page {
            handle: handle.clone(),
            name: None,
            role: crate::model::Role::SubjectMatterExpert,
        });
        apply(&mut d, page, actor, now)?;
    }
    store::save(tx, &d, 0, Some(&n.group_key))?;
    Ok(d)
}
