//! Two incident commanders, two consoles, one incident: both change its
//! severity at once. The loser must see the winner's change (not the state
//! it acted on), and its retry must go through the same confirmation a
//! fresh change would, ending in the state the loser confirmed.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::procs::{ServerProc, api_get, free_port, token_file};
use common::proxy::freezing_proxy;
use common::pty::Screen;

const T: Duration = Duration::from_secs(20);

fn severity(port: u16, tok: &str, id: &str) -> String {
    let v = api_get(port, tok, &format!("/incidents/{id}"));
    v["incident"]["severity"].as_str().unwrap().to_string()
}

#[test]
fn two_commanders_change_severity_at_once_and_the_loser_confirms_on_the_true_state() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let port = free_port();
    let (home_a, home_b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&home_a).unwrap();
    std::fs::create_dir_all(&home_b).unwrap();
    let (tok_a, file_a) = token_file(&home_a, &db, "commander", "ic-alice");
    let (_, file_b) = token_file(&home_b, &db, "commander", "ic-bob");
    let _server = ServerProc::start(port, &db);
    let url = format!("http://127.0.0.1:{port}");

    let rt = tokio::runtime::Runtime::new().unwrap();
    let frozen = Arc::new(AtomicBool::new(false));
    let proxied = rt.block_on(freezing_proxy(url.clone(), frozen.clone()));

    let mut a = Screen::spawn(
        &["--api", &url, "--token-file", file_a.to_str().unwrap()],
        &home_a,
        120,
        40,
    );
    let mut b = Screen::spawn(
        &["--api", &proxied, "--token-file", file_b.to_str().unwrap()],
        &home_b,
        120,
        40,
    );
    a.wait_text("● live", T);
    b.wait_text("● live", T);
    // Alice declares a SEV2; both consoles show it.
    a.send("D");
    a.wait_text("Declare an incident", T);
    a.send("Replication lag on orders-db");
    a.send("\t");
    a.send("orders");
    a.send("\t");
    a.send("2");
    a.send("\r");
    a.wait_for("INC-1 declared", T, |t| t.contains("INC-1"));
    assert_eq!(severity(port, &tok_a, "INC-1"), "SEV2");
    b.wait_for("INC-1 on bob's screen", T, |t| {
        t.contains("INC-1") && t.contains("SEV2")
    });

    // Bob's view stops moving; alice raises to SEV1 (confirmed).
    frozen.store(true, Ordering::SeqCst);
    a.send("s");
    a.wait_text("SEV1", T);
    a.send("y");
    a.wait_for("SEV1 stored", T, |_| {
        severity(port, &tok_a, "INC-1") == "SEV1"
    });

    // Bob, still seeing SEV2, lowers it to SEV3: refused, and his dialog
    // shows alice's change, read after the refusal.
    b.send("S");
    b.wait_for("the conflict dialog with the winner's value", T, |t| {
        t.contains("Conflict") && t.contains("SEV2 → SEV1")
    });
    let screen = b.text();
    assert!(
        screen.contains("ic-alice"),
        "names who changed it:\n{screen}"
    );
    assert_eq!(severity(port, &tok_a, "INC-1"), "SEV1", "nothing changed");

    // The retry says what it does now and asks, since it lowers a SEV1.
    b.send("r");
    b.wait_for("the SEV1 confirmation", T, |t| {
        t.contains("set SEV3") && t.contains("it is SEV1 now")
    });
    assert_eq!(
        severity(port, &tok_a, "INC-1"),
        "SEV1",
        "not before the yes"
    );
    b.send("y");
    b.wait_for("the state bob confirmed", T, |_| {
        severity(port, &tok_a, "INC-1") == "SEV3"
    });
    frozen.store(false, Ordering::SeqCst);
    a.wait_for("alice sees bob's change", T, |t| t.contains("SEV3"));
}

fn status(port: u16, tok: &str, id: &str) -> (String, String, usize) {
    let v = api_get(port, tok, &format!("/incidents/{id}"));
    let transitions = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "status_changed")
        .count();
    (
        v["incident"]["status"].as_str().unwrap().to_string(),
        v["incident"]["summary"].as_str().unwrap().to_string(),
        transitions,
    )
}

/// Two commanders edit the summary at once: the loser sees both whole
/// values, and its retry asks before replacing the winner's words. Then
/// the loser advances a phase the winner already left: the retry says so
/// and sends nothing.
#[test]
fn a_field_edit_conflict_shows_both_values_and_a_taken_step_is_not_retaken() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let port = free_port();
    let (home_a, home_b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&home_a).unwrap();
    std::fs::create_dir_all(&home_b).unwrap();
    let (tok_a, file_a) = token_file(&home_a, &db, "commander", "ic-alice");
    let (_, file_b) = token_file(&home_b, &db, "commander", "ic-bob");
    let _server = ServerProc::start(port, &db);
    let url = format!("http://127.0.0.1:{port}");
    let cli = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--api", &url, "--token-file", file_a.to_str().unwrap()]);
        common::procs::warroom_ok(&all)
    };
    cli(&[
        "declare",
        "--title",
        "Replication lag on orders-db",
        "--service",
        "orders",
        "--severity",
        "SEV2",
    ]);
    cli(&["ack", "INC-1"]);

    let rt = tokio::runtime::Runtime::new().unwrap();
    let frozen = Arc::new(AtomicBool::new(false));
    let proxied = rt.block_on(freezing_proxy(url.clone(), frozen.clone()));
    let mut a = Screen::spawn(
        &["--api", &url, "--token-file", file_a.to_str().unwrap()],
        &home_a,
        120,
        40,
    );
    let mut b = Screen::spawn(
        &["--api", &proxied, "--token-file", file_b.to_str().unwrap()],
        &home_b,
        120,
        40,
    );
    a.wait_text("acknowledged", T);
    b.wait_text("acknowledged", T);

    frozen.store(true, Ordering::SeqCst);
    let alice_says = "Primary orders-db failed over to the replica in eu-west-1b at 03:10; \
                      writes resumed, replica lag is draining at about 2s per minute";
    a.send("e");
    a.wait_text("Edit INC-1", T);
    a.send("\t\t");
    a.send(alice_says);
    a.send("\r");
    a.wait_for("alice's summary stored", T, |_| {
        status(port, &tok_a, "INC-1").1 == alice_says
    });

    let bob_says = "Replica lag at 40s and growing since the 03:02 batch import; \
                    the import is paused and we are watching the replica catch up";
    b.send("e");
    b.wait_text("Edit INC-1", T);
    b.send("\t\t");
    b.send(bob_says);
    b.send("\r");
    b.wait_for("the conflict with alice's words whole", T, |t| {
        t.contains("Conflict") && t.contains("about 2s per minute") && t.contains("eu-west-1b")
    });
    b.send("r");
    b.wait_for("the retry asking before replacing", T, |t| {
        t.contains("replace what is there now?") && t.contains("yours would set")
    });
    assert_eq!(
        status(port, &tok_a, "INC-1").1,
        alice_says,
        "not before the yes"
    );
    b.send("y");
    b.wait_for("bob's summary stored", T, |_| {
        status(port, &tok_a, "INC-1").1 == bob_says
    });

    // Bob's view stops again; alice starts the investigation.
    frozen.store(true, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(300));
    cli(&["advance", "INC-1"]);
    let (was, _, steps) = status(port, &tok_a, "INC-1");
    assert_eq!(was, "investigating");
    assert_eq!(steps, 2, "acknowledged, then investigating");
    b.send("n");
    b.wait_for("bob's advance dialog", T, |t| t.contains("Advance INC-1"));
    b.send("\r");
    b.wait_for("the conflict", T, |t| t.contains("Conflict"));
    b.send("r");
    b.wait_for("nothing to retry", T, |t| {
        t.contains("Nothing to retry") && t.contains("investigating already")
    });
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        status(port, &tok_a, "INC-1"),
        ("investigating".into(), bob_says.into(), steps),
        "no second step sent"
    );
    frozen.store(false, Ordering::SeqCst);
}
