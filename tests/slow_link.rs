//! The console over a bad link (300 ms each way, every 9th chunk cutting
//! its connection, then a full outage): typing never waits on the network,
//! a note written during the outage waits in the outbox while the screen
//! says STALE, and once the link is back (still bad) it arrives exactly
//! once. The real binary in a pseudo-terminal, a real server.

mod common;

use std::time::Duration;

use common::TestServer;
use common::pty::Screen;

#[tokio::test(flavor = "multi_thread")]
async fn over_a_bad_link_typing_is_local_and_nothing_is_lost() {
    let t = TestServer::start().await;
    let id = t.declare("Checkout 502s", "SEV1").await;
    let link = common::slow_link::start(t.server.addr, Duration::from_millis(300), 9).await;
    let home = tempfile::tempdir().unwrap();
    let tok = common::procs::private_token_file(home.path(), "token", &t.commander);
    let url = link.url.clone();
    let mut s = tokio::task::spawn_blocking({
        let home = home.path().to_path_buf();
        move || {
            Screen::spawn(
                &["--api", &url, "--token-file", tok.to_str().unwrap()],
                &home,
                120,
                40,
            )
        }
    })
    .await
    .unwrap();
    let wait = |s: &Screen, what: &str, secs: u64, cond: &dyn Fn(&str) -> bool| {
        tokio::task::block_in_place(|| s.wait_for(what, Duration::from_secs(secs), cond))
    };
    wait(&s, "the incident over the slow link", 60, &|t| {
        t.contains(&id) && t.contains("● live")
    });

    // The link goes down. Typing is local: it shows at once.
    link.down.store(true, std::sync::atomic::Ordering::Relaxed);
    tokio::task::block_in_place(|| {
        s.send("i");
        s.send("written while the link was down");
    });
    wait(&s, "the typed text", 5, &|t| {
        t.contains("written while the link was down")
    });
    tokio::task::block_in_place(|| s.send("\x13")); // Ctrl-S: into the outbox
    // The console says it is not hearing the backend, and keeps the note.
    wait(&s, "STALE", 60, &|t| t.contains("STALE"));
    let notes = |t: &TestServer| {
        let id = id.clone();
        let http = t.http.clone();
        let (url, tok) = (t.url(&format!("/incidents/{id}")), t.viewer.clone());
        async move {
            let d: serde_json::Value = http
                .get(url)
                .bearer_auth(tok)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            d["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["kind"] == "note" && e["text"] == "written while the link was down")
                .count()
        }
    };
    assert_eq!(notes(&t).await, 0, "nothing crossed a link that is down");

    // Back, still slow and lossy: the note arrives once, the screen is live.
    link.down.store(false, std::sync::atomic::Ordering::Relaxed);
    let start = std::time::Instant::now();
    while notes(&t).await == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "the note never arrived:\n{}",
            s.text()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    wait(&s, "live again", 60, &|t| {
        t.contains("● live") && !t.contains("STALE")
    });
    // Retries over cut connections did not post it twice.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(notes(&t).await, 1);
    assert!(
        link.cuts.load(std::sync::atomic::Ordering::Relaxed) > 0,
        "the link did cut connections"
    );
    tokio::task::block_in_place(|| s.send("q"));
}
