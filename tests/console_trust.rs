//! What the commander sees is what is true, checked on the real binary in a
//! pseudo-terminal against a real server process: the highlighted row is
//! the one a key acts on, a restart is recovered from at once, a filter
//! never hides a new SEV1, a colleague's raise to SEV1 rings, and a new
//! phase's checklist starts on its first item.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::procs::{ServerProc, api_get, free_port, token_file, warroom_ok};
use common::pty::Screen;
use serde_json::Value;
use warroom::model::IncidentDetail;

const T: Duration = Duration::from_secs(20);

/// Longest accepted from the server answering again to the console live.
const RECOVERY: Duration = Duration::from_secs(2);

struct Room {
    dir: tempfile::TempDir,
    db: PathBuf,
    port: u16,
    token: String,
    token_file: PathBuf,
}

impl Room {
    fn new() -> Room {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("server.db");
        let (token, token_file) = token_file(dir.path(), &db, "commander", "ic-alice");
        Room {
            port: free_port(),
            dir,
            db,
            token,
            token_file,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `warroom ARGS --api … --token-file …`, as a colleague at another
    /// terminal runs it.
    fn cli(&self, args: &[&str]) -> String {
        let mut all: Vec<&str> = args.to_vec();
        let (url, file) = (self.url(), self.token_file.to_str().unwrap().to_string());
        all.extend(["--api", &url, "--token-file", &file]);
        warroom_ok(&all)
    }

    fn console(&self, cols: u16, rows: u16) -> Screen {
        let home = self.dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let s = Screen::spawn(
            &[
                "--api",
                &self.url(),
                "--token-file",
                self.token_file.to_str().unwrap(),
            ],
            &home,
            cols,
            rows,
        );
        s.wait_text("● live", T);
        s
    }

    fn detail(&self, id: &str) -> Value {
        api_get(self.port, &self.token, &format!("/incidents/{id}"))
    }
}

fn declare(room: &Room, title: &str, service: &str, sev: &str) {
    room.cli(&[
        "declare",
        "--title",
        title,
        "--service",
        service,
        "--severity",
        sev,
    ]);
}

/// When every event fits the pane, the row highlighted is the row Enter
/// opens, and "following" is said only while it is the newest.
#[test]
fn the_highlighted_timeline_row_is_the_one_enter_opens() {
    let room = Room::new();
    let _server = ServerProc::start(room.port, &room.db);
    declare(&room, "Orders queue backing up", "orders", "SEV2");
    for n in ["alpha", "bravo", "charlie"] {
        room.cli(&["note", "INC-1", &format!("note {n}")]);
    }
    let mut s = room.console(120, 40);
    s.wait_text("note charlie", T);
    s.send("\t");
    s.wait_text("following", T);
    assert_eq!(s.is_highlighted("note charlie"), Some(true), "{}", s.text());
    s.send("k");
    s.wait_for("the cursor one up", T, |t| !t.contains("following"));
    assert_eq!(s.is_highlighted("note bravo"), Some(true), "{}", s.text());
    assert_eq!(s.is_highlighted("note charlie"), Some(false));
    s.send("\r");
    s.wait_for("the reader on bravo", T, |t| {
        t.contains("note bravo") && !t.contains("note alpha")
    });
    s.send("\x1b");
    // `g`: the oldest event, highlighted and opened.
    s.send("g");
    s.wait_for("the first row highlighted", T, |_| {
        s.is_highlighted("declared SEV2") == Some(true)
    });
    s.send("\r");
    s.wait_for("the reader on the declaration", T, |t| {
        t.contains("declared SEV2") && !t.contains("note bravo")
    });
    s.send("\x1b");
    // `G` follows again.
    s.send("G");
    s.wait_text("following", T);
    assert_eq!(s.is_highlighted("note charlie"), Some(true));
}

/// The server is killed under a console looking at a closed incident and
/// started again: the console is live again within two seconds of the
/// server answering, still on that incident, not stuck on "loading".
#[test]
fn a_server_restart_is_recovered_from_at_once_on_a_closed_incident() {
    let room = Room::new();
    let server = ServerProc::start(room.port, &room.db);
    declare(&room, "Stale cache after deploy", "cdn", "SEV3");
    for _ in 0..7 {
        room.cli(&["advance", "INC-1", "--force", "--reason", "drill"]);
    }
    assert_eq!(room.detail("INC-1")["incident"]["status"], "closed");
    let mut s = room.console(120, 40);
    s.send(":");
    s.send("INC-1");
    s.send("\r");
    s.wait_text("Stale cache after deploy", T);

    server.kill9();
    s.wait_text("STALE", T);
    // Long enough for any backoff to have grown.
    std::thread::sleep(Duration::from_secs(6));
    let _server = ServerProc::start(room.port, &room.db);
    let answering = Instant::now();
    s.wait_for("live again", T, |t| {
        t.contains("● live") && !t.contains("STALE")
    });
    let took = answering.elapsed();
    eprintln!("console live again {took:?} after the server answered");
    assert!(took < RECOVERY, "took {took:?}");
    s.wait_text("Stale cache after deploy", T);
    assert!(!s.text().contains("loading INC-1"), "{}", s.text());
    // Keys act on it: the read-only note editor says why, it does not
    // answer "No incident selected".
    s.send("i");
    s.wait_text("read-only", T);
    assert!(!s.text().contains("No incident selected"));
}

/// A SEV1 declared elsewhere while the list is filtered to something else
/// is announced with how to see it; the list title names the filter.
#[test]
fn a_filter_never_hides_a_new_sev1() {
    let room = Room::new();
    let _server = ServerProc::start(room.port, &room.db);
    declare(&room, "Orders queue backing up", "orders", "SEV3");
    declare(&room, "Search slow in eu-west", "search", "SEV3");
    let mut s = room.console(120, 40);
    s.wait_text("Search slow", T);
    s.send("/");
    s.send("orders");
    s.send("\r");
    s.wait_for("the filtered list", T, |t| {
        t.contains("Orders queue") && !t.contains("Search slow")
    });
    assert!(s.text().contains("orders"), "the title names the filter");
    let rung = s.bells();

    declare(&room, "Payments failing for all cards", "payments", "SEV1");
    s.wait_for("the announcement", T, |t| {
        t.contains("INC-3 SEV1 is hidden by the filter") && t.contains("Esc clears it")
    });
    assert!(s.bells() > rung, "the bell rang");
    assert!(!s.text().contains("Payments failing"), "still filtered");
    s.send("\x1b");
    s.send("\x1b");
    s.wait_text("Payments failing for all cards", T);
}

/// Someone else raises a SEV2 to SEV1: this console rings.
#[test]
fn a_colleague_raising_sev2_to_sev1_rings_the_bell() {
    let room = Room::new();
    let _server = ServerProc::start(room.port, &room.db);
    declare(&room, "Replication lag on orders-db", "orders", "SEV3");
    let s = room.console(120, 40);
    s.wait_text("Replication lag", T);
    room.cli(&["severity", "INC-1", "SEV2"]);
    s.wait_for("SEV2 on screen", T, |t| t.contains("SEV2"));
    wait_bells(&s, 1);
    let rung = s.bells();
    room.cli(&["severity", "INC-1", "SEV1"]);
    s.wait_for("SEV1 on screen", T, |t| t.contains("SEV1 1"));
    wait_bells(&s, rung + 1);
    // A lowering is not news.
    room.cli(&["severity", "INC-1", "SEV2"]);
    s.wait_for("SEV2 again", T, |t| t.contains("SEV2 1"));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(s.bells(), rung + 1, "no bell for a lowering");
}

fn wait_bells(s: &Screen, n: usize) {
    let start = Instant::now();
    while s.bells() < n {
        assert!(start.elapsed() < T, "{} bell(s), waited for {n}", s.bells());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The checklist cursor is on an item of the current phase after an
/// advance, and space ticks that item.
#[test]
fn the_checklist_cursor_starts_on_the_new_phases_first_item() {
    let room = Room::new();
    let _server = ServerProc::start(room.port, &room.db);
    declare(&room, "Login errors for SSO users", "auth", "SEV2");
    for _ in 0..2 {
        room.cli(&["advance", "INC-1", "--force", "--reason", "drill"]);
    }
    let d = room.detail("INC-1");
    let phase_items = |d: &Value| -> Vec<(String, bool)> {
        let d: IncidentDetail = serde_json::from_value(d.clone()).unwrap();
        d.current_checklist()
            .map(|c| {
                c.items
                    .iter()
                    .map(|i| (i.text.clone(), i.is_done()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let before = phase_items(&d);
    assert!(before.len() >= 2, "{d}");
    let mut s = room.console(120, 40);
    // Checklist pane, cursor on its last item.
    s.send("\t\t\t");
    for _ in 0..before.len() {
        s.send("j");
    }
    s.send("n");
    s.wait_for("the advance dialog", T, |t| t.contains("Advance INC-1"));
    s.send("f");
    s.wait_text("why?", T);
    s.send("drill");
    s.send("\x13");
    s.wait_for("the next phase", T, |_| {
        phase_items(&room.detail("INC-1")) != before
    });
    let after = phase_items(&room.detail("INC-1"));
    let first = &after[0].0;
    let shown: String = first.chars().take(20).collect();
    s.wait_for("the new checklist", T, |t| t.contains(&shown));
    assert_eq!(s.is_highlighted(&shown), Some(true), "{}", s.text());
    s.send(" ");
    s.wait_for("the first item ticked", T, |_| {
        phase_items(&room.detail("INC-1"))[0].1
    });
}
