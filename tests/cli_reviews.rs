//! `warroom review` and `warroom reviews` as a script runs them against a
//! real server: the owner named after resolution, the review moved one
//! step at a time, the list in a table and as JSON.

mod common;

use common::cli_env::{code, env};

#[test]
fn a_review_is_owned_moved_and_listed_from_the_shell() {
    let e = env();
    let id = e.declare("Checkout 502s");
    // Not before resolution: the reason, exit non-zero.
    let o = e.run(&["review", "owner", &id, "dana"]);
    assert_ne!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stderr).contains("once it is resolved"));
    for _ in 0..5 {
        let o = e.run(&["advance", &id, "--force", "--reason", "review drill"]);
        assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(e.incident(&id)["incident"]["status"], "resolved");
    let a = e.json(&["review", "owner", &id, "dana", "--json"]);
    assert_eq!(a["incident"]["review"]["owner"], "dana");
    // One step at a time.
    let o = e.run(&["review", "move", &id, "reviewed"]);
    assert_ne!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stderr).contains("one step at a time"));
    let o = e.run(&["review", "move", &id, "in-review"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    // The table keeps every column whole, and the JSON says what is next.
    let o = e.run(&["reviews"]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.starts_with("ID"), "{table}");
    let row = table.lines().find(|l| l.starts_with(&id)).expect("the row");
    assert!(row.contains("In Review") && row.contains("dana"), "{row}");
    assert!(
        row.contains("review meeting") && row.contains("UTC"),
        "{row}"
    );
    let list = e.json(&["reviews", "--json"]);
    assert_eq!(list[0]["incident"], id.as_str());
    assert_eq!(list[0]["next"], "review meeting");
    assert_eq!(list[0]["overdue"], false);
    let overdue = e.json(&["reviews", "--overdue", "--json"]);
    assert_eq!(overdue.as_array().unwrap().len(), 0);
}
