//! A runbook action from the IC's keyboard: a real `warroom serve` with a
//! config that allowlists a program and a runbook that names it, the real
//! console in a pseudo-terminal. `x` on the item shows exactly what will
//! run; nothing runs before `y`; then the output streams in, the item is
//! ticked and the end is on the timeline. A responder's console refuses.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use common::procs::{ServerProc, free_port, token_file};
use common::pty::Screen;

const T: Duration = Duration::from_secs(20);

#[test]
fn the_ic_runs_an_item_s_action_after_seeing_what_runs_and_watches_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let marker = d.join("ran");
    let script = d.join("restart.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"restarting $1\"\n/bin/sleep 1\necho \"$1 healthy\"\ntouch {}\n",
            marker.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let runbooks = d.join("runbooks");
    std::fs::create_dir(&runbooks).unwrap();
    std::fs::write(
        runbooks.join("default.toml"),
        "name = \"default\"\ninvestigation = [\n  { text = \"Restart checkout\", action = \"restart\" },\n  \"Look at the graphs\",\n]\n",
    )
    .unwrap();
    let config = d.join("server.toml");
    std::fs::write(
        &config,
        format!(
            "runbooks = \"{}\"\n\n[[actions]]\nname = \"restart\"\nprogram = \"{}\"\nargs = [\"deploy/{{service}}\"]\ntimeout_seconds = 30\ntick = true\n",
            runbooks.display(),
            script.display()
        ),
    )
    .unwrap();
    let db = d.join("server.db");
    let port = free_port();
    let home = d.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let (_, ic) = token_file(&home, &db, "commander", "ic-alice");
    let home_b = d.join("home-b");
    std::fs::create_dir_all(&home_b).unwrap();
    let (_, resp) = token_file(&home_b, &db, "responder", "bob");
    let _server = ServerProc::start_with(port, &db, Some(&config));
    let url = format!("http://127.0.0.1:{port}");

    let mut s = Screen::spawn(
        &["--api", &url, "--token-file", ic.to_str().unwrap()],
        &home,
        120,
        40,
    );
    s.wait_text("● live", T);
    s.send("D");
    s.wait_text("Declare an incident", T);
    s.send("Checkout 500s");
    s.send("\t");
    s.send("checkout");
    s.send("\t");
    s.send("2");
    s.send("\r");
    s.wait_text("INC-1", T);
    // Acknowledge, then advance to investigating, where the checklist is.
    s.send("a");
    s.wait_for("acknowledged", T, |t| {
        t.contains("acknowledged") && !t.contains("pending")
    });
    s.send("n");
    s.wait_text("Advance INC-1", T);
    s.send("\r");
    s.wait_for(
        "the investigation checklist with the action marked",
        T,
        |t| t.contains("investigating") && t.contains("▶Restart checkout"),
    );
    // Focus the checklist pane, on its first item.
    s.send("\t\t\t");
    s.send("x");
    s.wait_for("the confirmation with the exact command", T, |t| {
        t.contains("It runs exactly") && t.contains("restart.sh deploy/checkout")
    });
    std::thread::sleep(Duration::from_millis(500));
    assert!(!marker.exists(), "nothing runs before y");
    s.send("y");
    s.wait_for("the output streaming in", T, |t| {
        t.contains("restarting deploy/checkout")
    });
    s.wait_for("the end", T, |t| {
        t.contains("✓ succeeded") && t.contains("deploy/checkout healthy")
    });
    assert!(marker.exists());
    s.send("\x1b");
    s.wait_for("the item ticked and the end on the timeline", T, |t| {
        t.contains("[x]▶Restart checkout") && t.contains("action restart succeeded")
    });

    // A responder's console does not offer it, and says why.
    let mut r = Screen::spawn(
        &["--api", &url, "--token-file", resp.to_str().unwrap()],
        &home_b,
        120,
        40,
    );
    r.wait_text("INC-1", T);
    r.send("\t\t\t");
    r.send("x");
    r.wait_for("the refusal", T, |t| t.contains("needs the commander role"));
}
