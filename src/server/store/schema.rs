//! Embedded schema migrations, applied in order, so a server binary
//! upgrades its database on start. The same numbered steps in both
//! dialects: step N means the same tables on SQLite (tracked in its own
//! `user_version`) and on PostgreSQL (tracked in `schema_version`, applied
//! under an advisory lock so replicas starting together migrate once).

use rusqlite::Connection;

use super::Result;
use super::sql::Sql;

const MIGRATIONS: &[&str] = &[
    // 1: incidents, their timelines, tokens, idempotency records, revision.
    r#"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO meta (key, value) VALUES ('revision', 0);

    -- The incident, its responders and checklists are small and always read
    -- together, so they are stored as JSON next to the columns we filter on.
    CREATE TABLE incidents (
        id          INTEGER PRIMARY KEY,
        status      TEXT NOT NULL,
        severity    TEXT NOT NULL,
        service     TEXT NOT NULL,
        active      INTEGER NOT NULL,
        rev         INTEGER NOT NULL,
        alert_group TEXT,
        incident    TEXT NOT NULL,
        responders  TEXT NOT NULL,
        checklists  TEXT NOT NULL
    );
    CREATE INDEX incidents_rev ON incidents (rev);
    CREATE INDEX incidents_active ON incidents (active, severity);
    CREATE INDEX incidents_alert_group ON incidents (alert_group) WHERE alert_group IS NOT NULL;

    -- Append-only: rows are inserted, never updated.
    CREATE TABLE timeline (
        incident_id INTEGER NOT NULL REFERENCES incidents (id),
        seq         INTEGER NOT NULL,
        event       TEXT NOT NULL,
        PRIMARY KEY (incident_id, seq)
    ) WITHOUT ROWID;

    CREATE TABLE tokens (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        role       TEXT NOT NULL,
        hash       TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );

    CREATE TABLE idempotency (
        principal    TEXT NOT NULL,
        key          TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status       INTEGER NOT NULL,
        body         TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        PRIMARY KEY (principal, key)
    );
    CREATE INDEX idempotency_created ON idempotency (created_at);
    "#,
    // 2: the state of each alert an integration reported, so repeated
    // notifications are recorded once (deduplicated by fingerprint).
    r#"
    CREATE TABLE alerts (
        incident_id INTEGER NOT NULL REFERENCES incidents (id),
        fingerprint TEXT NOT NULL,
        firing      INTEGER NOT NULL,
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (incident_id, fingerprint)
    ) WITHOUT ROWID;
    "#,
    // 3: bounded reads. Each incident row carries its list entry (long text
    // cut) and its last timeline seq (filled in by `backfill` below);
    // indexes for the list's filters and order, and for pruning each
    // caller's idempotency records.
    r#"
    ALTER TABLE incidents ADD COLUMN listing TEXT NOT NULL DEFAULT '';
    DROP INDEX incidents_active;
    CREATE INDEX incidents_active ON incidents (active, severity, id);
    CREATE INDEX incidents_order ON incidents (severity, id);
    CREATE INDEX incidents_status ON incidents (status, severity, id);
    CREATE INDEX incidents_service ON incidents (service COLLATE NOCASE, severity, id);
    CREATE INDEX idempotency_principal ON idempotency (principal, created_at);
    "#,
    // 4: follow-up actions, beside their incident (not part of its version).
    r#"
    CREATE TABLE followups (
        id          INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents (id),
        status      TEXT NOT NULL,
        owner       TEXT,
        due         TEXT,
        body        TEXT NOT NULL
    );
    CREATE INDEX followups_incident ON followups (incident_id, id);
    CREATE INDEX followups_open ON followups (status, due);
    "#,
    // 5: full-text search over incidents, for "seen before" (filled in by
    // `backfill` below, then kept up to date by every save).
    r#"
    CREATE VIRTUAL TABLE incident_search USING fts5 (
        title, summary, service, alerts, notes,
        tokenize = 'porter unicode61'
    );
    CREATE INDEX timeline_kind ON timeline (json_extract(event, '$.kind'));
    "#,
    // 6: notifications out, a durable queue (see store/deliveries.rs).
    r#"
    CREATE TABLE deliveries (
        id           INTEGER PRIMARY KEY,
        incident_id  INTEGER NOT NULL,
        target       TEXT NOT NULL,
        subject      TEXT NOT NULL,
        payload      TEXT NOT NULL,
        status       TEXT NOT NULL,
        attempts     INTEGER NOT NULL,
        last_error   TEXT,
        next_at      TEXT,
        created_at   TEXT NOT NULL,
        delivered_at TEXT
    );
    CREATE INDEX deliveries_due ON deliveries (next_at) WHERE status = 'pending';
    CREATE INDEX deliveries_incident ON deliveries (incident_id, id);
    "#,
    // 7: what the automation fired, so each rule fires once per key.
    r#"
    CREATE TABLE automation_fired (
        incident_id INTEGER NOT NULL,
        rule        TEXT NOT NULL,
        key         TEXT NOT NULL,
        at          TEXT NOT NULL,
        PRIMARY KEY (incident_id, rule, key)
    ) WITHOUT ROWID;
    "#,
    // 8: failed authentications per address and minute, counted in the
    // database so several servers share one limit (see auth.rs).
    r#"
    CREATE TABLE auth_failures (
        bucket       TEXT NOT NULL,
        window_start INTEGER NOT NULL,
        n            INTEGER NOT NULL,
        PRIMARY KEY (bucket, window_start)
    ) WITHOUT ROWID;
    "#,
    // 9: which server runs each (incident, action) now, so two servers on
    // one database never run the same action on one incident at once.
    r#"
    CREATE TABLE action_leases (
        incident_id INTEGER NOT NULL,
        action      TEXT NOT NULL,
        holder      TEXT NOT NULL,
        until_s     INTEGER NOT NULL,
        PRIMARY KEY (incident_id, action)
    ) WITHOUT ROWID;
    "#,
    // 10: runbook actions' output, mirrored for the other servers on one
    // database (see store/action_output.rs), and their run numbers.
    r#"
    INSERT INTO meta (key, value) VALUES ('action_run', 0);
    CREATE TABLE action_runs (
        run         INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL,
        header      TEXT NOT NULL,
        updated_s   INTEGER NOT NULL
    );
    CREATE INDEX action_runs_updated ON action_runs (updated_s);
    CREATE TABLE action_output (
        run  INTEGER NOT NULL,
        n    INTEGER NOT NULL,
        line TEXT NOT NULL,
        PRIMARY KEY (run, n)
    ) WITHOUT ROWID;
    "#,
    // 11: how many keyed writes (and bytes of records) each caller made
    // per hour, so idempotency records are kept their whole 24 hours and
    // bounded by a budget instead of pruned by count (see
    // store/idempotency.rs).
    r#"
    CREATE TABLE idempotency_tally (
        principal TEXT NOT NULL,
        hour      INTEGER NOT NULL,
        n         INTEGER NOT NULL,
        bytes     INTEGER NOT NULL,
        PRIMARY KEY (principal, hour)
    ) WITHOUT ROWID;
    CREATE INDEX idempotency_tally_hour ON idempotency_tally (hour);
    "#,
    // 12: a runbook action's lease knows its run (to write its end when
    // its server is gone), its program's process (to kill it), and when
    // its server last said it is alive (see store/action_leases.rs).
    r#"
    ALTER TABLE action_leases ADD COLUMN heartbeat_s INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE action_leases ADD COLUMN pid INTEGER;
    ALTER TABLE action_leases ADD COLUMN proc_start INTEGER;
    ALTER TABLE action_leases ADD COLUMN run_info TEXT;
    "#,
    // 13: notes are indexed one row per note, so a note costs its own
    // words, not the incident's whole notes again (see store/search.rs);
    // the incident's row keeps title, summary, service and alert names.
    r#"
    CREATE VIRTUAL TABLE note_search USING fts5 (
        text, incident_id UNINDEXED,
        tokenize = 'porter unicode61'
    );
    CREATE TABLE note_search_size (
        incident_id INTEGER PRIMARY KEY,
        bytes       INTEGER NOT NULL
    );
    "#,
    // 14: the IC's list (everything not closed) read and counted from an
    // index of its own rows: a long closed history is not walked through
    // for every page (see store/incidents.rs, `list`).
    r#"
    CREATE INDEX incidents_open ON incidents (severity, id) WHERE status != 'closed';
    "#,
    // 15: the live state document (tasks, hypotheses, decisions, the
    // handoff), stored as JSON beside responders and checklists.
    r#"
    ALTER TABLE incidents ADD COLUMN state TEXT NOT NULL DEFAULT '{}';
    "#,
    // 16: the public status page's entries, one per public incident,
    // kept by the writes (see store/status.rs).
    r#"
    CREATE TABLE status_entries (
        incident_id INTEGER PRIMARY KEY,
        active      INTEGER NOT NULL,
        last_s      INTEGER NOT NULL,
        doc         TEXT NOT NULL
    );
    CREATE INDEX status_entries_recent ON status_entries (active, last_s);
    "#,
    // 17: replay. Every change as applied (the action, who, when, the seqs
    // it wrote) and a snapshot of the state at creation and every
    // `SNAPSHOT_EVERY` events (see store/replay.rs, model/replay.rs).
    r#"
    CREATE TABLE replay_journal (
        incident_id INTEGER NOT NULL,
        first_seq   INTEGER NOT NULL,
        last_seq    INTEGER NOT NULL,
        at_ms       INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        entry       TEXT NOT NULL,
        PRIMARY KEY (incident_id, first_seq)
    ) WITHOUT ROWID;
    CREATE INDEX replay_journal_at ON replay_journal (incident_id, at_ms);
    CREATE INDEX replay_journal_kind ON replay_journal (incident_id, kind, first_seq);
    CREATE TABLE replay_snapshots (
        incident_id INTEGER NOT NULL,
        seq         INTEGER NOT NULL,
        state       TEXT NOT NULL,
        PRIMARY KEY (incident_id, seq)
    ) WITHOUT ROWID;
    "#,
    // 18: an open review's next due time (unix seconds; the far future
    // when nothing is due, NULL when there is no open review), so the
    // reviews list and the overdue automation read only those incidents.
    r#"
    ALTER TABLE incidents ADD COLUMN review_due_s INTEGER;
    CREATE INDEX incidents_review_due ON incidents (review_due_s)
        WHERE review_due_s IS NOT NULL;
    "#,
];

pub(super) use super::schema_pg::PG_MIGRATIONS;

/// Data changes that go with a migration, run in its transaction.
pub(super) fn backfill(version: usize, tx: &dyn Sql) -> Result<()> {
    if version == 3 {
        super::incident_writes::backfill_last_seq_and_listing(tx)?;
    }
    // The index is built whole at 13 (its shape since then); a database
    // older than 5 gets it there too.
    if version == 13 {
        super::search::backfill(tx)?;
    }
    if version == 17 {
        super::replay::backfill(tx)?;
    }
    if version == 18 {
        super::reviews::backfill(tx)?;
    }
    Ok(())
}

pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current: usize =
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        backfill(i + 1, &*tx)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[test]
fn both_dialects_have_the_same_steps() {
    assert_eq!(MIGRATIONS.len(), PG_MIGRATIONS.len());
}
