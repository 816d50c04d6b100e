//! Group ids and silences, without an Alertmanager.

use super::*;

fn group(name: &str) -> AlertGroup {
    serde_json::from_value(serde_json::json!({
        "labels": {"alertname": name},
        "receiver": {"name": "warroom"},
        "alerts": []
    }))
    .unwrap()
}

fn backend() -> AlertmanagerBackend {
    AlertmanagerBackend {
        client: crate::tls::client(),
        base: "http://127.0.0.1:1".into(),
        token: None,
        user: "ic".into(),
        state: Mutex::new(GroupIds::default()),
    }
}

#[test]
fn a_group_has_one_id_whoever_asks_and_a_dropped_one_is_forgotten() {
    let (a, b) = (backend(), backend());
    let ga = a.remember(&[group("Alpha"), group("Beta")]);
    let gb = b.remember(&[group("Beta"), group("Alpha")]);
    let ids = |v: &[(u64, AlertGroup)]| {
        let mut m: Vec<(String, u64)> = v.iter().map(|(i, g)| (group_key(g), *i)).collect();
        m.sort();
        m
    };
    assert_eq!(
        ids(&ga),
        ids(&gb),
        "the same ids in two processes, asked in two orders"
    );
    assert!(
        ga.iter()
            .all(|(i, _)| (STABLE_MIN..=STABLE_MAX).contains(i))
    );
    // Alertmanager no longer has Beta: it is not served from memory.
    let beta = ga
        .iter()
        .find(|(_, g)| group_key(g).contains("Beta"))
        .unwrap()
        .0;
    a.remember(&[group("Alpha")]);
    assert!(a.group(IncidentId(beta)).is_none());
}
