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

#[test]
fn the_timeline_is_tagged_pinned_corrected_and_shown_by_tag_from_the_shell() {
    let e = env();
    let id = e.declare("Checkout 502s");
    assert_eq!(code(&e.run(&["note", &id, "rolled bakc 4.2"])), 0);
    assert_eq!(code(&e.run(&["note", &id, "CDN looked fine"])), 0);
    let o = e.run(&["timeline", "tag", &id, "2", "mitigation"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let o = e.run(&["timeline", "tag", &id, "3", "red-herring"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(code(&e.run(&["timeline", "pin", &id, "2"])), 0);
    let o = e.run(&[
        "timeline",
        "correct",
        &id,
        "2",
        "--text",
        "rolled back 4.2",
        "--why",
        "typo",
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    // A tag outside the set is refused, naming the set.
    let o = e.run(&["timeline", "tag", &id, "2", "blame"]);
    assert_ne!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stderr).contains("red-herring"));
    // A correction needs something to correct.
    let o = e.run(&["timeline", "correct", &id, "2", "--why", "x"]);
    assert_eq!(code(&o), 2);
    // One tag's timeline; the pins; everything with the audit.
    let o = e.run(&["timeline", "show", &id, "--tag", "red-herring"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("CDN looked fine") && !text.contains("rolled"),
        "{text}"
    );
    let o = e.run(&["timeline", "show", &id, "--pinned"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("rolled back 4.2") && text.contains("[pinned] [mitigation]"),
        "{text}"
    );
    assert!(
        text.contains("(why: typo)") && text.contains("recorded as: rolled bakc 4.2"),
        "{text}"
    );
    let j = e.json(&["timeline", "show", &id, "--json"]);
    let rows = j.as_array().unwrap();
    assert!(
        rows.iter().any(|r| r["event"]["kind"] == "curated"),
        "the audit entries too"
    );
}
