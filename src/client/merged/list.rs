//! One list out of several backends' lists: ids qualified with their
//! backend's name, an Alertmanager group shown inside the warroom incident
//! it opened (not as a second row), most severe first. Pure: the backend
//! in `mod.rs` does the reading.

use std::collections::HashMap;

use crate::model::{Incident, IncidentId};

/// One backend's part of the list, as last read.
pub struct PartList<'a> {
    pub name: &'a str,
    /// Alertmanager: its incidents are alert groups, which a warroom
    /// incident opened from them absorbs.
    pub alert_groups: bool,
    pub incidents: &'a [Incident],
}

/// The merged list, and for each warroom incident the alert groups
/// linked to it (hidden from the list, shown in its detail).
pub struct Merged {
    pub incidents: Vec<Incident>,
    pub links: HashMap<IncidentId, Vec<Incident>>,
    /// Rows each part has on the list, in the parts' order.
    pub rows: Vec<u64>,
}

/// Gives `inc` (an incident of the backend `name`) its merged-view id.
/// `false` when it cannot carry one (an id past 2^48): left out, counted.
pub fn qualify(name: &str, inc: &mut Incident) -> bool {
    match IncidentId::qualified(name, inc.id) {
        Some(id) => {
            inc.id = id;
            true
        }
        None => false,
    }
}

pub fn merge(parts: &[PartList<'_>]) -> Merged {
    // The groups warroom incidents were opened from, by reference.
    let mut owner = HashMap::new();
    for p in parts.iter().filter(|p| !p.alert_groups) {
        for i in p.incidents {
            if let Some(g) = &i.alert_group {
                owner.entry(g.clone()).or_insert(i.id);
            }
        }
    }
    let mut links: HashMap<IncidentId, Vec<Incident>> = HashMap::new();
    let mut incidents = Vec::new();
    let mut rows = Vec::with_capacity(parts.len());
    for p in parts {
        let mut n = 0;
        for i in p.incidents {
            let linked_to = p
                .alert_groups
                .then(|| i.alert_group.as_ref().and_then(|g| owner.get(g)))
                .flatten();
            match linked_to {
                Some(owner) => {
                    let l = links.entry(*owner).or_default();
                    if l.len() < Incident::MAX_LINKED {
                        l.push(i.clone());
                    }
                }
                None => {
                    incidents.push(i.clone());
                    n += 1;
                }
            }
        }
        rows.push(n);
    }
    for i in &mut incidents {
        if let Some(l) = links.get(&i.id) {
            i.linked = l.iter().map(|g| g.id).collect();
        }
    }
    // Most severe first across every backend, then the newest.
    incidents.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(b.declared_at.cmp(&a.declared_at))
            .then(a.id.cmp(&b.id))
    });
    Merged {
        incidents,
        links,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::wire::DeclareRequest;
    use crate::model::{Actor, ActorRole, AlertGroupRef, Severity, declare, register_source};

    fn fixture(id: u64, severity: Severity, title: &str) -> Incident {
        let req = DeclareRequest {
            title: title.into(),
            service: "checkout".into(),
            severity,
            summary: String::new(),
            commander: None,
            tags: Vec::new(),
        };
        let actor = Actor {
            handle: "ic".into(),
            role: ActorRole::Commander,
        };
        let now = chrono::Utc::now();
        declare(IncidentId(id), req, &actor, Vec::new(), now)
            .expect("declares")
            .incident
    }

    fn group(alertname: &str) -> AlertGroupRef {
        AlertGroupRef {
            receiver: "warroom".into(),
            labels: [("alertname".to_string(), alertname.to_string())].into(),
        }
    }

    #[test]
    fn an_alert_group_is_shown_inside_the_incident_it_opened_and_sev_orders_all() {
        for n in ["ml-team", "ml-alerts", "ml-pd"] {
            register_source(n).unwrap();
        }
        let mut server = fixture(6, Severity::Sev2, "checkout 5xx");
        server.alert_group = Some(group("Checkout5xx"));
        assert!(qualify("ml-team", &mut server));
        let mut am_same = fixture(123_456, Severity::Sev1, "Checkout5xx");
        am_same.alert_group = Some(group("Checkout5xx"));
        assert!(qualify("ml-alerts", &mut am_same));
        let mut am_other = fixture(222_222, Severity::Sev3, "DiskFull");
        am_other.alert_group = Some(group("DiskFull"));
        assert!(qualify("ml-alerts", &mut am_other));
        let mut pd = fixture(6, Severity::Sev1, "payments down");
        assert!(qualify("ml-pd", &mut pd));
        let (team, alerts, pager) = (
            [server.clone()],
            [am_same.clone(), am_other.clone()],
            [pd.clone()],
        );
        let m = merge(&[
            PartList {
                name: "ml-team",
                alert_groups: false,
                incidents: &team,
            },
            PartList {
                name: "ml-alerts",
                alert_groups: true,
                incidents: &alerts,
            },
            PartList {
                name: "ml-pd",
                alert_groups: false,
                incidents: &pager,
            },
        ]);
        let ids: Vec<String> = m.incidents.iter().map(|i| i.id.to_string()).collect();
        assert_eq!(
            ids,
            ["ml-pd/INC-6", "ml-team/INC-6", "ml-alerts/INC-222222"]
        );
        assert_eq!(m.incidents[1].linked, vec![am_same.id]);
        assert_eq!(m.links[&server.id][0].title, "Checkout5xx");
        assert_eq!(m.rows, vec![1, 1, 1]);
        // Two incidents with the same number on two backends stay two.
        assert_ne!(m.incidents[0].id, m.incidents[1].id);
    }

    #[test]
    fn an_id_too_large_to_carry_its_backend_is_left_out() {
        register_source("ml-big").unwrap();
        let mut i = fixture(1 << 50, Severity::Sev3, "x");
        assert!(!qualify("ml-big", &mut i));
    }
}
