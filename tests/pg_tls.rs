//! TLS to PostgreSQL: `sslmode=require` connects over TLS verified against
//! the system's roots and the URL's `sslrootcert`; an unverifiable server,
//! a plain connection to a TLS-only server and a CA without TLS are each
//! refused with the reason. The server here accepts TLS connections only.

mod common;

use common::pg::Cluster;
use warroom::server::Store;

fn refusal(url: &str) -> String {
    match Store::open_postgres(url) {
        Ok(_) => panic!("{url} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn sslmode_require_connects_verified_and_everything_else_is_refused() {
    let pg = Cluster::start();
    let db = pg.fresh_db();
    let p = common::pki::pki(&["127.0.0.1"]);
    let ca = p.ca.pem();
    pg.enable_tls(&p.leaf.pem(), &p.leaf_key.serialize_pem());
    let dir = tempfile::tempdir().unwrap();
    let ca_path = dir.path().join("ca.pem");
    std::fs::write(&ca_path, &ca).unwrap();

    // Verified TLS: the store works (the server refuses anything else).
    let url = format!("{db}?sslmode=require&sslrootcert={}", ca_path.display());
    let store = Store::open_postgres(&url).unwrap();
    let (info, _) = store
        .create_token("ic", warroom::model::ActorRole::Commander)
        .unwrap();
    assert_eq!(info.name, "ic");
    common::procs::warroom_ok(&["migrate", "--db", &url]);

    // A server whose certificate nobody vouches for.
    let e = refusal(&format!("{db}?sslmode=require"));
    assert!(
        e.contains("certificate") || e.contains("UnknownIssuer"),
        "{e}"
    );
    // Plain, to a server that wants TLS: its own refusal, in words.
    let e = refusal(&db);
    assert!(e.contains("refused") && e.contains("no encryption"), "{e}");
    // A CA but no TLS asked for is a mistake, said as such.
    let e = refusal(&format!("{db}?sslrootcert={}", ca_path.display()));
    assert!(e.contains("sslmode=require"), "{e}");
    // A CA file that is not one.
    std::fs::write(&ca_path, "not a certificate").unwrap();
    let e = refusal(&url);
    assert!(e.contains("sslrootcert"), "{e}");
}
