//! Communication from the shell against a real `warroom serve`: updates
//! with their audience and stage (a resolution one needs --data-loss),
//! the public switch, and the status page exported as static files that
//! never replace what is there without --force.

mod common;

use common::cli_env::{code, env};

#[test]
fn updates_the_public_switch_and_the_exported_status_page() {
    let e = env();
    let id = e.declare("pg-7 OOM");
    let id = id.as_str();
    // A resolution update without its statement is refused before sending.
    let o = e.run(&["update", id, "Fixed.", "--public", "--stage", "resolution"]);
    assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--data-loss"));
    let o = e.run(&["update", id, "Fixed.", "--stage", "final"]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("initial, scoping, update, resolution"));
    // The public switch needs a title, or --off.
    let o = e.run(&["public", id]);
    assert_eq!(code(&o), 2);
    let a = e.json(&["public", id, "--title", "Checkout errors", "--json"]);
    assert_eq!(a["incident"]["public"]["title"], "Checkout errors", "{a}");
    let o = e.run(&[
        "update",
        id,
        "We are investigating checkout errors.",
        "--public",
        "--stage",
        "initial",
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    e.json(&["note", id, "NOTE-SECRET pg-7", "--json"]);
    let d = e.incident(id);
    let u = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "stakeholder_update")
        .unwrap()
        .clone();
    assert_eq!(
        (u["audience"].as_str(), u["stage"].as_str()),
        (Some("public"), Some("initial"))
    );

    // Exported: the three files, private, the same site the server serves.
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    let site = e.dir.path().join("site");
    let o = e.run(&["status", "export", site.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        html.contains("Checkout errors") && html.contains("We are investigating"),
        "{html}"
    );
    assert!(
        !html.contains("NOTE-SECRET") && !html.contains("pg-7"),
        "{html}"
    );
    assert!(html.contains("href=\"status.atom\"") && site.join("status.atom").exists());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("status.json")).unwrap()).unwrap();
    assert_eq!(json["active"][0]["title"], "Checkout errors");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(site.join("index.html"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    // Exported again: refused without --force, nothing touched.
    std::fs::write(site.join("index.html"), "EDITED").unwrap();
    let o = e.run(&["status", "export", site.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(site.join("index.html")).unwrap(),
        "EDITED"
    );
    let o = e.run(&["status", "export", site.to_str().unwrap(), "--force"]);
    assert_eq!(code(&o), 0);
    assert!(
        std::fs::read_to_string(site.join("index.html"))
            .unwrap()
            .contains("Checkout errors")
    );
    // Off the page again.
    let a = e.json(&["public", id, "--off", "--json"]);
    assert!(a["incident"]["public"].is_null(), "{a}");
}

#[test]
fn a_read_only_profile_refuses_every_write_verb_and_still_reads() {
    let e = env();
    let id = e.declare("Checkout 502s");
    let id = id.as_str();
    let cfg = e.dir.path().join("config/warroom");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        format!(
            "[profiles.prod]\nurl = \"{}\"\ntoken_file = \"{}\"\nread_only = true\n",
            e.server.url(),
            e.tok_file.display()
        ),
    )
    .unwrap();
    let verbs: Vec<Vec<&str>> = vec![
        vec!["ack", id],
        vec!["note", id, "x"],
        vec!["update", id, "x"],
        vec!["advance", id],
        vec!["severity", id, "SEV2"],
        vec!["resolve", id],
        vec!["task", "add", id, "Roll back"],
        vec!["hypothesis", "add", id, "pool"],
        vec!["decide", id, "Roll back", "--why", "errors"],
        vec!["public", id, "--title", "Checkout errors"],
        vec!["impact", id, "--customers", "10"],
        vec!["notify", "test"],
        vec![
            "declare",
            "--title",
            "x",
            "--service",
            "y",
            "--severity",
            "SEV3",
        ],
    ];
    let before = e.incident(id)["incident"]["version"].clone();
    for how in [vec!["--profile", "prod"], vec!["--read-only"]] {
        for v in &verbs {
            let mut args = v.clone();
            args.extend(how.iter().copied());
            // With --profile the env's own --api is not used.
            let o = if how[0] == "--profile" {
                e.cmd_home(&args).output().unwrap()
            } else {
                e.run(&args)
            };
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(code(&o), 2, "{args:?} was not refused: {err}");
            assert!(
                err.contains("read-only") && err.contains("makes no changes"),
                "{args:?}: {err}"
            );
        }
    }
    assert_eq!(
        e.incident(id)["incident"]["version"],
        before,
        "nothing changed"
    );
    // Reading works.
    let o = e.run(&["list", "--read-only"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains(id));
}
