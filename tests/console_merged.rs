//! One console over three backends, each the real thing or the published
//! spec: a warroom server (its own process, connected to Alertmanager by
//! its server.toml), a real Alertmanager whose webhook opened the
//! server's incident, and a PagerDuty mock serving PagerDuty's example.
//! One list; the Alertmanager group is shown inside the server incident it
//! opened, not as a second row; an acknowledge on the PagerDuty row
//! reaches PagerDuty; PagerDuty stopped is named STALE while the others
//! stay live.

mod common;

use std::time::{Duration, Instant};

use common::alertmanager::{post_alerts, start_alertmanager_on};
use common::pd_fake::PdFake;
use common::procs::{ServerProc, api_get, free_port, private_token_file, token_file};
use common::pty::Screen;
use serde_json::json;

const T: Duration = Duration::from_secs(40);

fn wait<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < T, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn one_list_over_a_server_alertmanager_and_pagerduty_with_each_backend_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let (port, am_port) = (free_port(), free_port());
    let server_toml = dir.path().join("server.toml");
    std::fs::write(
        &server_toml,
        format!("[alertmanager]\nurl = \"http://127.0.0.1:{am_port}\"\ninterval_seconds = 5\n"),
    )
    .unwrap();
    let _server = ServerProc::start_with(port, &db, Some(&server_toml));
    let (tok, tok_file) = token_file(dir.path(), &db, "commander", "ic");
    let (am_tok, _) = token_file(dir.path(), &db, "integration", "alertmanager");
    let am = start_alertmanager_on(
        am_port,
        &format!("http://127.0.0.1:{port}/api/v1/integrations/alertmanager"),
        &am_tok,
    );
    post_alerts(
        &am.url,
        json!([{
            "labels": {"alertname": "CheckoutErrors", "service": "checkout", "severity": "critical"},
            "annotations": {"summary": "checkout 5xx above 5%"},
            "startsAt": chrono::Utc::now().to_rfc3339(),
        }]),
    );
    let server_id = wait("the webhook to open the server's incident", || {
        let l = api_get(port, &tok, "/incidents");
        l["incidents"][0]["id"].as_str().map(str::to_string)
    });
    let mut pd = PdFake::start();

    let home = dir.path().join("home");
    let cfg = home.join("config/warroom");
    std::fs::create_dir_all(&cfg).unwrap();
    let pd_tok = private_token_file(dir.path(), "pd.token", "y_NbAkKc66ryYTWUXYEu");
    std::fs::write(
        cfg.join("config.toml"),
        format!(
            "[profiles.team]\nurl = \"http://127.0.0.1:{port}\"\ntoken_file = \"{}\"\n\
             [profiles.alerts]\nkind = \"alertmanager\"\nurl = \"{}\"\nuser = \"ic\"\n\
             [profiles.pd]\nkind = \"pagerduty\"\nurl = \"{}\"\ntoken_file = \"{}\"\n\
             user = \"ic@example.com\"\n\
             [views.oncall]\nprofiles = [\"team\", \"alerts\", \"pd\"]\n",
            tok_file.display(),
            am.url,
            pd.url,
            pd_tok.display()
        ),
    )
    .unwrap();
    let mut s = Screen::spawn(&["--profile", "oncall"], &home, 140, 40);
    let team_row = format!("team/{server_id}");
    s.wait_for("one list over the three backends", T, |t| {
        t.contains(&team_row)
            && t.contains("pd/INC-1234")
            && t.contains("team live")
            && t.contains("alerts live")
            && t.contains("pd live")
    });
    // The Alertmanager group is inside the server's incident, not a row.
    let t = s.text();
    assert!(t.contains("Incidents 2/2"), "two rows, not three: {t}");
    assert!(
        !t.lines().any(|l| l.contains("  alerts/INC-")),
        "no row of its own: {t}"
    );
    s.send("/");
    s.send(&team_row);
    s.send("\r");
    s.wait_for("the linked group in the server incident's header", T, |t| {
        t.contains("⇄ alerts/INC-")
    });
    // `z` on the server's incident: the server makes the silence in
    // Alertmanager, with the group's labels shown first.
    s.send("z");
    s.wait_for("the silence form with its matchers", T, |t| {
        t.contains(&format!("Silence the alerts of {team_row}"))
            && t.contains("alertname=\"CheckoutErrors\"")
    });
    s.send("rolling back checkout");
    s.send("\r");
    let silence = wait("Alertmanager to hold the silence", || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let all: serde_json::Value = rt.block_on(async {
            warroom::tls::client()
                .get(format!("{}/api/v2/silences", am.url))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap()
        });
        all.as_array()
            .unwrap()
            .iter()
            .find(|x| x["comment"] == "rolling back checkout")
            .cloned()
    });
    assert_eq!(silence["createdBy"], "ic", "made by the commander");
    s.wait_text("Silenced in Alertmanager by ic", T);
    // The PagerDuty row: `a` reaches PagerDuty, addressed by its own id.
    s.send("\x1b");
    s.send("/");
    s.send("pd/INC-1234");
    s.send("\r");
    s.wait_text("The server is on fire", T);
    s.send("a");
    wait("PagerDuty to be sent the acknowledge", || {
        pd.writes
            .lock()
            .unwrap()
            .iter()
            .find(|(m, p, b)| {
                m == "PUT" && p == "/incidents/PT4KHLK" && b["incident"]["status"] == "acknowledged"
            })
            .cloned()
    });
    s.wait_text("acknowledged", T);
    // Nothing reached the server for that keystroke.
    let server_inc = api_get(port, &tok, &format!("/incidents/{server_id}"));
    assert_eq!(server_inc["incident"]["status"], "triggered");
    // PagerDuty goes away: named STALE; the others stay live.
    pd.stop();
    s.wait_for("PagerDuty named stale", T, |t| {
        t.contains("pd STALE") && t.contains("team live") && t.contains("alerts live")
    });
    assert!(s.text().contains("pd/INC-1234"), "its last rows stay");
    s.send("\x1b");
    s.send("q");
    assert!(s.child.wait().unwrap().success());
}
