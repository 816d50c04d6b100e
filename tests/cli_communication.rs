//! Communication from the shell against a real `warroom serve`: updates
//! with their audience and stage (a resolution one needs --data-loss),
//! the public switch, and the status page exported as static files that
//! never replace what is there without --force.

mod common;

use common::cli_env::{code, env};

#[test]
fn updates_the_public_switch_and_the_exported_status_page() {
    let e = env();
    let a = e.json(&[
        "declare",
        "--title",
        "pg-7 OOM",
        "--service",
        "checkout",
        "--severity",
        "SEV1",
        "--json",
    ]);
    let id = a["incident"]["id"].as_str().unwrap().to_string();
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
