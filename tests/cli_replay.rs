//! `warroom show ID --at WHEN` against a real server: the incident as it
//! stood after an event, at a time, or at a UTC clock time, with a REPLAY
//! line saying which; bad input is a usage error naming the forms.

mod common;

use common::cli_env::{code, env};

#[test]
fn show_at_prints_the_incident_as_it_stood() {
    let e = env();
    let id = e.declare("Checkout 502s");
    let o = e.run(&["note", &id, "before the ack"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let o = e.run(&["ack", &id]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let o = e.run(&["note", &id, "after the ack"]);
    assert_eq!(code(&o), 0);
    // After event #2 (the first note): not yet acknowledged.
    let o = e.run(&["show", &id, "--at", "#2"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("REPLAY: as it stood at "), "{text}");
    assert!(text.contains("after event #2 of "), "{text}");
    assert!(text.contains("status     triggered"), "{text}");
    assert!(
        text.contains("before the ack") && !text.contains("after the ack"),
        "{text}"
    );
    // As JSON: the replay's facts and the state.
    let j = e.json(&["show", &id, "--at", "#3", "--json"]);
    assert_eq!(j["seq"], 3);
    assert_eq!(j["detail"]["incident"]["status"], "acknowledged");
    // A time far before is the first state; an RFC 3339 time now, the last.
    let j = e.json(&["show", &id, "--at", "2001-01-01T00:00:00Z", "--json"]);
    assert_eq!(j["seq"], 1);
    let later = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let j = e.json(&["show", &id, "--at", &later, "--json"]);
    assert_eq!(j["seq"], j["last_seq"]);
    // A clock time is read as UTC, the first at or after the declaration.
    let o = e.run(&["show", &id, "--at", "00:00", "--json"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    for bad in ["yesterday", "#x", "25:99"] {
        let o = e.run(&["show", &id, "--at", bad]);
        assert_eq!(code(&o), 2, "{bad}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--at"), "{bad}: {err}");
    }
}
