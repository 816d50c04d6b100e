//! "Seen before": ranking on a small corpus where the right answer is
//! known, the fix notes that come with it, and searches that hold FTS5
//! syntax.

mod common;

use common::TestServer;
use serde_json::json;

async fn incident(
    t: &TestServer,
    title: &str,
    service: &str,
    notes: &[&str],
    resolve: bool,
) -> String {
    let (s, b) = t
        .post(
            "/incidents",
            &t.commander,
            json!({"title": title, "service": service, "severity": "SEV2"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let id = b["incident"]["id"].as_str().unwrap().to_string();
    for n in notes {
        let (s, _) = t
            .post(
                &format!("/incidents/{id}/notes"),
                &t.responder,
                json!({"text": n}),
            )
            .await;
        assert_eq!(s, 200);
    }
    if resolve {
        let to = [
            "acknowledged",
            "investigating",
            "identified",
            "contained",
            "resolved",
        ];
        t.walk(&id, &to).await;
    }
    id
}

#[tokio::test]
async fn the_closest_past_incident_comes_first_with_what_fixed_it() {
    let t = TestServer::start().await;
    let pool = incident(
        &t,
        "Payments DB connection pool exhausted",
        "payments-db",
        &[
            "pgbouncer at 500/500",
            "Fix: raised max_connections to 800 and restarted pgbouncer",
        ],
        true,
    )
    .await;
    let cdn = incident(
        &t,
        "CDN 5xx in ap-south",
        "cdn",
        &["purged the edge cache"],
        true,
    )
    .await;
    incident(
        &t,
        "Login latency after the auth deploy",
        "auth",
        &["rolled back auth"],
        true,
    )
    .await;
    // Alike but still open: not a past incident.
    let open = incident(&t, "Payments pool saturation", "payments-db", &[], false).await;
    let now = incident(
        &t,
        "Checkout failing: payments-db pool exhausted",
        "payments-db",
        &[],
        false,
    )
    .await;

    let (s, b) = t.get(&format!("/incidents/{now}/similar"), &t.viewer).await;
    assert_eq!(s, 200, "{b}");
    let found = b["similar"].as_array().unwrap();
    assert_eq!(found[0]["incident"]["id"], pool.as_str(), "{b}");
    assert!(
        found.iter().all(|f| f["incident"]["id"] != open.as_str()),
        "open ones are not past"
    );
    assert!(
        found.iter().all(|f| f["incident"]["id"] != now.as_str()),
        "not itself"
    );
    assert!(
        found.iter().all(|f| f["incident"]["id"] != cdn.as_str()),
        "nothing in common: {b}"
    );
    let notes: Vec<&str> = found[0]["last_notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        notes.last(),
        Some(&"Fix: raised max_connections to 800 and restarted pgbouncer")
    );
    assert!(found[0]["resolved_in_seconds"].is_i64());

    // Words count, syntax does not: these neither fail nor match oddly.
    for q in [
        "\"pool\" OR NEAR(exhausted",
        "pool*",
        "payments-db: ^title",
        "\"",
        ")(",
        "",
    ] {
        let (s, b) = t
            .get(&format!("/search?q={}", urlencoding(q)), &t.viewer)
            .await;
        assert_eq!(s, 200, "{q}: {b}");
    }
    let (_, b) = t.get("/search?q=pgbouncer", &t.viewer).await;
    assert_eq!(
        b["incidents"][0]["id"],
        pool.as_str(),
        "notes are searched: {b}"
    );
    let (_, b) = t
        .get(&format!("/search?q={}", urlencoding("\" ( * :")), &t.viewer)
        .await;
    assert!(b["incidents"].as_array().unwrap().is_empty());
    let (s, _) = t.get("/incidents/INC-404/similar", &t.viewer).await;
    assert_eq!(s, 404);
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A database from before notes had rows of their own (schema 12, notes
/// in the incident's row) is indexed again on upgrade: its notes are
/// found, and a note written after is too.
#[test]
fn an_older_database_is_reindexed_on_upgrade() {
    use warroom::model::{Actor, ActorRole};
    use warroom::server::Store;
    use warroom::server::store::{load_for_write, save};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    let alice = Actor {
        handle: "alice".into(),
        role: ActorRole::Commander,
    };
    {
        let s = Store::open(&db).unwrap();
        s.write(None, |tx| {
            let req = warroom::model::wire::DeclareRequest {
                title: "Checkout slow".into(),
                service: "checkout".into(),
                severity: warroom::model::Severity::Sev2,
                summary: String::new(),
                commander: None,
                tags: vec![],
            };
            let mut d = warroom::model::declare(
                warroom::server::store::next_id(tx)?,
                req,
                &alice,
                vec![],
                chrono::Utc::now(),
            )?;
            save(tx, &d, 0, None)?;
            note(tx, &mut d, "restarted pgbouncer on db-3", &alice)?;
            Ok((200, String::new()))
        })
        .unwrap();
    }
    // Back to schema 12's shape: the notes in the incident's row, no
    // state document.
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "DROP TABLE note_search; DROP TABLE note_search_size; DROP INDEX incidents_open;
             ALTER TABLE incidents DROP COLUMN state; DROP TABLE status_entries;
             DROP TABLE replay_journal; DROP TABLE replay_snapshots;
             DROP INDEX incidents_review_due; ALTER TABLE incidents DROP COLUMN review_due_s;
             UPDATE incident_search SET notes = 'restarted pgbouncer on db-3';
             PRAGMA user_version = 12;",
        )
        .unwrap();
    }
    let s = Store::open(&db).unwrap();
    let found = s.search("pgbouncer", 5).unwrap();
    assert_eq!(found.len(), 1, "the old note is found after the upgrade");
    // Replay holds it from the upgrade on: its state then, whatever seq.
    let st = s
        .state_at(found[0].id, warroom::model::replay::ReplayAt::Seq(1))
        .unwrap();
    assert_eq!((st.first_seq, st.seq), (st.last_seq, st.last_seq));
    s.write(None, |tx| {
        let mut d = load_for_write(tx, found[0].id)?;
        note(tx, &mut d, "vacuumed the orders table", &alice)?;
        Ok((200, String::new()))
    })
    .unwrap();
    assert_eq!(s.search("vacuumed", 5).unwrap().len(), 1);
    assert_eq!(s.search("pgbouncer", 5).unwrap().len(), 1, "not twice");
}

/// A note written and saved in `tx`, as the API's note route does.
fn note(
    tx: &dyn warroom::server::store::Sql,
    d: &mut warroom::model::IncidentDetail,
    text: &str,
    who: &warroom::model::Actor,
) -> Result<(), warroom::server::store::StoreError> {
    let known = d.incident.last_seq;
    warroom::model::apply(
        d,
        warroom::model::Action::Note {
            text: text.into(),
            written_at: None,
        },
        who,
        chrono::Utc::now(),
    )?;
    warroom::server::store::save(tx, d, known, None)
}
