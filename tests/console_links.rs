//! Links that open where the IC sits: a URL the console shows whole is an
//! OSC 8 hyperlink in what it writes to the terminal (the real binary in a
//! pseudo-terminal); `hyperlinks = false` in the config turns them off;
//! a URL with control characters in it is never made a link.

mod common;

use std::time::Duration;

use common::TestServer;
use common::pty::Screen;
use serde_json::json;

const DASHBOARD: &str = "https://grafana.example.com/d/checkout?var-cluster=eu-west-1";

async fn console(t: &TestServer, config: Option<&str>) -> (Screen, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let tok = common::procs::private_token_file(home.path(), "token", &t.commander);
    if let Some(c) = config {
        let dir = home.path().join("config/warroom");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), c).unwrap();
    }
    let url = t.server.base_url();
    let h = home.path().to_path_buf();
    let s = tokio::task::spawn_blocking(move || {
        Screen::spawn(
            &["--api", &url, "--token-file", tok.to_str().unwrap()],
            &h,
            140,
            40,
        )
    })
    .await
    .unwrap();
    (s, home)
}

fn opened(raw: &[u8], url: &str) -> bool {
    let needle = format!("\x1b]8;;{url}\x1b\\");
    raw.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_url_shown_whole_is_a_link_unless_turned_off() {
    let t = TestServer::start().await;
    let (s, b) = t
        .post(
            "/incidents",
            &t.commander,
            json!({
            "title": "Checkout 502s", "service": "checkout", "severity": "SEV1",
            "summary": format!("Dashboard: {DASHBOARD}")}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let evil = "https://evil.example/\u{1b}]8;;https://phish.example";
    t.post(
        "/incidents/INC-1/notes",
        &t.commander,
        json!({"text": format!("see {evil}")}),
    )
    .await;

    let (screen, _home) = console(&t, None).await;
    tokio::task::block_in_place(|| screen.wait_text(DASHBOARD, Duration::from_secs(20)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let raw = screen.raw();
    assert!(opened(&raw, DASHBOARD), "the dashboard is a link");
    assert!(
        !opened(&raw, "https://phish.example"),
        "no link from a hostile note"
    );
    assert!(
        !opened(&raw, "https://evil.example/"),
        "a URL with an escape in it is no link"
    );
    // Idle, nothing is written again: the link stays as drawn.
    let before = raw.windows(4).filter(|w| *w == b"\x1b]8;").count();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = screen.raw().windows(4).filter(|w| *w == b"\x1b]8;").count();
    assert_eq!(before, after, "links are not rewritten every tick");
    drop(screen);

    let (screen, _home) = console(&t, Some("hyperlinks = false\n")).await;
    tokio::task::block_in_place(|| screen.wait_text(DASHBOARD, Duration::from_secs(20)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!opened(&screen.raw(), DASHBOARD), "turned off");
}
