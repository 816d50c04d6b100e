//! The status page in a real browser: Debian's Chromium, headless
//! (installed by scripts/test.sh). Its DOM shows the public updates and
//! never a note; hostile text is text (no element it names exists, no
//! script it carries ran); and the page is shot at phone and desktop
//! width, light and dark (`WARROOM_UPDATE_SCREENSHOTS=1` writes them into
//! screenshots/ for the README).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TestServer;
use serde_json::json;

fn chromium() -> &'static str {
    for c in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(c).exists() {
            return c;
        }
    }
    "chromium"
}

/// Chromium, headless, with a throwaway profile; its stdout.
fn browse(profile: &Path, args: &[String]) -> String {
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--disable-extensions",
            &format!("--user-data-dir={}", profile.display()),
        ])
        .args(args)
        .output()
        .expect("chromium (scripts/test.sh installs Debian's chromium)");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

async fn seed(t: &TestServer) -> String {
    let post = |path: String, token: String, body: serde_json::Value| async move {
        let (s, b) = t.post(&path, &token, body).await;
        assert_eq!(s, 200, "{path}: {b}");
    };
    let live = t.declare("pg-7 OOM, acme corp checkout", "SEV1").await;
    post(
        format!("/incidents/{live}/public"),
        t.commander.clone(),
        json!({"public": true, "title": "Elevated errors at checkout"}),
    )
    .await;
    post(
        format!("/incidents/{live}/impact"),
        t.commander.clone(),
        json!({"components": [{"name": "Checkout", "condition": "partial_outage"},
                              {"name": "Payments API", "condition": "degraded"}]}),
    )
    .await;
    post(
        format!("/incidents/{live}/updates"),
        t.commander.clone(),
        json!({"text": "We are investigating elevated errors for some customers at checkout.",
               "audience": "public"}),
    )
    .await;
    post(
        format!("/incidents/{live}/notes"),
        t.responder.clone(),
        json!({"text": "NOTE-SECRET pg-7 heap dump at /tmp/x"}),
    )
    .await;
    post(
        format!("/incidents/{live}/updates"),
        t.commander.clone(),
        json!({"text": "A fix is rolling out; errors are falling. Next update by 14:40 UTC.",
               "audience": "public"}),
    )
    .await;
    let past = t.declare("Login slow, ldap-3", "SEV2").await;
    post(
        format!("/incidents/{past}/public"),
        t.commander.clone(),
        json!({"public": true, "title": "Slow sign-in"}),
    )
    .await;
    t.walk(
        &past,
        &[
            "acknowledged",
            "investigating",
            "identified",
            "contained",
            "resolved",
        ],
    )
    .await;
    post(
        format!("/incidents/{past}/updates"),
        t.commander.clone(),
        json!({"text": "Sign-in is back to normal speed.", "audience": "public",
               "data_loss": "No data was lost; no lingering impact."}),
    )
    .await;
    // Past the page's one-second rebuild interval.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    format!("{}/status", t.server.base_url())
}

/// A public update of hostile text on the live incident (after the
/// screenshots, which show the page as customers usually see it).
async fn hostile_update(t: &TestServer) {
    let (s, b) = t
        .post(
            "/incidents/INC-1/updates",
            &t.commander,
            json!({"text": format!("Still rolling out.\n{}", common::hostile::all()),
                   "audience": "public"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_status_page_in_a_real_browser_shows_public_updates_only_and_hostile_text_as_text() {
    let t = TestServer::start().await;
    let url = seed(&t).await;
    let profile = tempfile::tempdir().unwrap();
    // Screenshots at phone and desktop width, light and dark.
    let dir = match std::env::var_os("WARROOM_UPDATE_SCREENSHOTS") {
        Some(_) => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("screenshots"),
        None => profile.path().join("shots"),
    };
    std::fs::create_dir_all(&dir).unwrap();
    for (name, size, dark) in [
        ("status-phone.png", "390,844", false),
        ("status-desktop.png", "1280,900", false),
        ("status-phone-dark.png", "390,844", true),
    ] {
        let file = dir.join(name);
        let mut args = vec![
            format!("--screenshot={}", file.display()),
            format!("--window-size={size}"),
        ];
        if dark {
            args.push("--force-dark-mode".into());
            args.push("--blink-settings=preferredColorScheme=0".into());
        }
        args.push(url.clone());
        let p = profile.path().to_path_buf();
        tokio::task::spawn_blocking(move || browse(&p, &args))
            .await
            .unwrap();
        let png = std::fs::read(&file).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name} is a PNG");
        assert!(
            png.len() > 10_000,
            "{name} has a page on it ({} bytes)",
            png.len()
        );
    }

    hostile_update(&t).await;
    // A fresh profile: the page may be cached for 15 seconds (as it should).
    let profile = tempfile::tempdir().unwrap();
    let dom = tokio::task::spawn_blocking({
        let (p, u) = (profile.path().to_path_buf(), url.clone());
        move || browse(&p, &["--dump-dom".into(), u])
    })
    .await
    .unwrap();
    // What customers should read.
    for want in [
        "Elevated errors at checkout",
        "We are investigating elevated errors",
        "A fix is rolling out",
        "Still rolling out.",
        "Slow sign-in",
        "No data was lost; no lingering impact.",
        "Partial outage",
        "Payments API",
    ] {
        assert!(dom.contains(want), "{want} missing from the DOM:\n{dom}");
    }
    // What they must never read.
    for never in ["NOTE-SECRET", "pg-7", "acme", "ldap-3", "alice", "bob"] {
        assert!(
            !dom.contains(never),
            "{never} is on the public page:\n{dom}"
        );
    }
    // Hostile text is text: the browser made no element of it and ran
    // none of it (the title would say "owned").
    assert!(dom.contains("<title>Service status</title>"), "{dom}");
    assert!(
        !dom.contains("<script") && !dom.contains("<img") && !dom.contains("<svg"),
        "{dom}"
    );
    assert!(
        dom.contains("&lt;script&gt;document.title='owned'&lt;/script&gt;"),
        "{dom}"
    );
    assert!(dom.contains("&lt;img src=x onerror="), "{dom}");
    // Landmarks and headings a screen reader walks.
    for tag in [
        "<header>",
        "<main>",
        "<footer>",
        "<h1>",
        "<h2 id=\"components\">",
        "<h3 ",
    ] {
        assert!(dom.contains(tag), "{tag} missing");
    }
}
