//! `warroom rules check` and `warroom rules test`, as a person runs them
//! before deploying a config.

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use common::procs::BIN;

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut c = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let o = c.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

const RULES: &str = r#"
[[rules]]
name = "payments down"
labels_match = { alertname = "^Payments" }
severity = "SEV1"
service = "payments"
page = ["dana"]

[[rules]]
name = "a storm"
firing_at_least = 3
severity = "SEV2"
"#;

fn payload(alertname: &str, firing: usize) -> String {
    let alerts: Vec<_> = (0..firing)
        .map(|i| {
            serde_json::json!({"status": "firing", "labels": {"alertname": alertname, "instance": format!("web-{i}")},
                "annotations": {}, "fingerprint": format!("f{i}")})
        })
        .collect();
    serde_json::json!({"version": "4", "groupKey": "g", "status": "firing",
        "commonLabels": {"alertname": alertname}, "alerts": alerts})
    .to_string()
}

#[test]
fn check_accepts_good_rules_and_names_the_line_of_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(&good, RULES).unwrap();
    let (code, out, _) = run(&["rules", "check", good.to_str().unwrap()], "");
    assert_eq!(code, 0);
    assert!(out.contains("2 classification rule(s)"), "{out}");

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[rules]]\nname = \"x\"\ntitle_match = \"([unclosed\"\n",
    )
    .unwrap();
    let (code, _, err) = run(&["rules", "check", bad.to_str().unwrap()], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bad.toml") && err.contains("line 3"), "{err}");

    let typo = dir.path().join("typo.toml");
    std::fs::write(&typo, "[[rules]]\nseverty = \"SEV1\"\n").unwrap();
    let (code, _, err) = run(&["rules", "check", typo.to_str().unwrap()], "");
    assert_eq!(code, 2);
    assert!(err.contains("severty") && err.contains("line 2"), "{err}");
}

/// A broken line that holds a secret is named by file, line, column and
/// key, never quoted: `rules check` output lands in CI logs.
#[test]
fn a_config_error_never_prints_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        "[[notify.targets]]\nname = \"x\"\nkind = \"webhook\"\nurl = \"https://h.example/T0\"\n\
         secret = [\"hmac-0123456789-SECRET\"]\nevents = [\"declared\"]\n",
        "[[notify.targets]]\nname = \"x\"\nkind = \"slack\"\n\
         url = 42\nevents = [\"declared\"]\n# https://hooks.slack.com/services/T0/B0/SECRETPATH\n",
        "[[actions]]\nname = \"page\"\nhttp = { url = \"https://x.example\", method = \"POST\", \
         headers = { Authorization = 7 } }\n# Bearer SECRET-TOKEN-VALUE\n",
        "[[notify.targets]]\nname = \"x\"\nkind = \"slack\"\n\
         url = \"https://hooks.slack.com/services/T0/B0/SECRETPATH\nevents = []\n",
    ];
    for (i, text) in cases.iter().enumerate() {
        let file = dir.path().join(format!("s{i}.toml"));
        std::fs::write(&file, text).unwrap();
        for args in [
            ["rules", "check"].as_slice(),
            ["serve", "--config"].as_slice(),
        ] {
            let mut a = args.to_vec();
            a.push(file.to_str().unwrap());
            let (code, out, err) = run(&a, "");
            assert_ne!(code, 0, "{args:?} case {i}: {out}");
            assert!(err.contains(&format!("s{i}.toml")), "{err}");
            assert!(
                !err.contains("SECRET"),
                "{args:?} case {i} printed a secret: {err}"
            );
            assert!(!out.contains("SECRET"), "{out}");
        }
    }
}

#[test]
fn test_prints_the_rule_that_matches_a_payload_and_what_it_sets() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.toml");
    std::fs::write(&file, RULES).unwrap();
    let f = file.to_str().unwrap();
    let (code, out, err) = run(&["rules", "test", f], &payload("PaymentsDBDown", 1));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("rule: payments down"), "{out}");
    assert!(
        out.contains("SEV1") && out.contains("service payments") && out.contains("page dana"),
        "{out}"
    );
    let (_, out, _) = run(&["rules", "test", f], &payload("DiskFull", 3));
    assert!(
        out.contains("rule: a storm") && out.contains("SEV2"),
        "{out}"
    );
    let (_, out, _) = run(&["rules", "test", f], &payload("DiskFull", 1));
    assert!(out.contains("no rule matches"), "{out}");
    let (code, _, err) = run(&["rules", "test", f], "not json");
    assert_eq!(code, 2);
    assert!(err.contains("not an Alertmanager webhook payload"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rules_suggest_for_a_declaration_by_hand_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let classifier: warroom::server::integrations::classify::Classifier = toml::from_str(
        "[[rules]]\nname = \"checkout\"\ntitle_match = \"(?i)checkout\"\nseverity = \"SEV1\"\n\
         service = \"payments\"\ntags = [\"revenue\"]",
    )
    .unwrap();
    let server = warroom::server::start(warroom::server::ServerOptions {
        alertmanager: None,
        actions: Vec::new(),
        limits: Default::default(),
        listen: "127.0.0.1:0".parse().unwrap(),
        db: warroom::server::DbLocation::File(dir.path().join("db")),
        runbooks: Default::default(),
        auth: warroom::server::AuthConfig::tokens_only(),
        classifier,
        policy: Default::default(),
        notify: Default::default(),
        automation: Default::default(),
        demo: false,
        status: Default::default(),
    })
    .await
    .unwrap();
    let (_, bob) = server
        .store
        .create_token("bob", warroom::model::ActorRole::Responder)
        .unwrap();
    let (_, noc) = server
        .store
        .create_token("noc", warroom::model::ActorRole::Viewer)
        .unwrap();
    let http = warroom::tls::client();
    let get = |q: &str, tok: &str| {
        http.get(format!("{}/api/v1/classify?{q}", server.base_url()))
            .bearer_auth(tok)
            .send()
    };
    let r = get("title=Checkout%20502s&service=web", &bob)
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let s: serde_json::Value = r.json().await.unwrap();
    assert_eq!(s["rule"], "checkout");
    assert_eq!(s["severity"], "SEV1");
    assert_eq!(s["service"], "payments");
    assert_eq!(s["tags"], serde_json::json!(["revenue"]));
    let r = get("title=Search%20slow&service=search", &bob)
        .await
        .unwrap();
    let s: serde_json::Value = r.json().await.unwrap();
    assert!(s["rule"].is_null(), "{s}");
    assert_eq!(s["service"], "search", "the defaults keep the service");
    let r = get("title=x&colour=red", &bob).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(get("title=x", &noc).await.unwrap().status(), 403);
    assert_eq!(server.store.revision(), 0, "asking changes nothing");

    // The console asks through its client.
    let (reader, _) = warroom::client::connect(
        &server.base_url(),
        Some(warroom::client::Token::new(bob.clone())),
        None,
    )
    .unwrap();
    let s = reader.suggest("checkout down", "").await.unwrap();
    assert_eq!(s.rule.as_deref(), Some("checkout"));
}
