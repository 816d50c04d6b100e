//! "Have we seen this before?": a full-text index of every incident (title,
//! summary, service, alert names) and, a row each, its notes: SQLite's FTS5
//! ranked by `bm25()`, or PostgreSQL's weighted `tsvector` ranked by
//! `ts_rank()`. A note is indexed on its own so that writing one costs its
//! words, not the incident's notes again (that made a third of every
//! write's time). Queries are built from words only, so no text can
//! inject query syntax in either.

use super::sql::{Dialect, Sql, args};
use super::{Result, Store, StoreError};
use crate::model::{EventKind, Incident, IncidentDetail, IncidentId, Status, TimelineEvent};

/// Characters of alert names, and of notes, indexed per incident: enough
/// to find it again, bounded whatever its size.
pub const MAX_INDEXED: usize = 20_000;
/// Words a query is built from, at most.
const MAX_TERMS: usize = 16;
/// Column weights for bm25: title, summary, service, alerts, notes (the
/// notes column is empty since notes have rows of their own).
const WEIGHTS: &str = "4.0, 1.5, 3.0, 4.0, 1.0";
/// A note's weight against the incident's own row (its best note counts).
const NOTE_WEIGHT: &str = "0.5";

const STOP: &[&str] = &[
    "the", "a", "an", "of", "for", "in", "on", "to", "and", "is", "are", "with", "from", "at",
    "by", "be", "it", "this", "that", "as", "or", "not", "no", "was", "were", "has", "have",
];

/// Lower-case words of two or more letters or digits, stop words out,
/// each once, at most [`MAX_TERMS`].
pub fn terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        let w = w.to_lowercase();
        if w.chars().count() < 2 || STOP.contains(&w.as_str()) || out.contains(&w) {
            continue;
        }
        out.push(w);
        if out.len() == MAX_TERMS {
            break;
        }
    }
    out
}

/// A query matching any of the words: FTS5's (each quoted: a word holds
/// no quote, so nothing in it is syntax) or a `tsquery` (words are letters
/// and digits only, none of which is tsquery syntax).
fn any_of(d: Dialect, terms: &[String]) -> String {
    let (quote, or) = match d {
        Dialect::Sqlite => ("\"", " OR "),
        Dialect::Postgres => ("", " | "),
    };
    terms
        .iter()
        .map(|t| format!("{quote}{t}{quote}"))
        .collect::<Vec<_>>()
        .join(or)
}

fn alert_name(alert: &str) -> &str {
    alert.split([' ', '{']).next().unwrap_or(alert)
}

fn append_capped(col: &mut String, add: &str) {
    if col.len() + add.len() < MAX_INDEXED {
        if !col.is_empty() {
            col.push('\n');
        }
        col.push_str(add);
    }
}

/// Brings the index up to date with `d`, whose events after `known_seq`
/// are new (the rest were indexed before). The incident's own row is
/// rewritten only when its title, summary, service or alert names change;
/// each new note is a row of its own (its words only), while the
/// incident's notes so far stay within [`MAX_INDEXED`] bytes.
pub fn index(tx: &dyn Sql, d: &IncidentDetail, known_seq: u64) -> Result<()> {
    let id = d.incident.id;
    let k = tx.dialect().search_key();
    let was = tx
        .row(
            &format!("SELECT title, summary, service, alerts FROM incident_search WHERE {k} = ?1"),
            args![id],
        )?
        .map(|r| {
            Ok::<_, StoreError>((
                r.get::<String>("title")?,
                r.get::<String>("summary")?,
                r.get::<String>("service")?,
                r.get::<String>("alerts")?,
            ))
        })
        .transpose()?;
    let mut alerts = was.as_ref().map(|w| w.3.clone()).unwrap_or_default();
    for e in d.timeline.iter().filter(|e| e.seq > known_seq) {
        match &e.kind {
            EventKind::AlertReceived {
                alert,
                firing: true,
                ..
            } => {
                let name = alert_name(alert);
                if !alerts.lines().any(|l| l == name) {
                    append_capped(&mut alerts, name);
                }
            }
            EventKind::Note { text } => index_note(tx, id, text)?,
            _ => {}
        }
    }
    let i = &d.incident;
    if let Some((t, su, se, a)) = &was
        && (t, su, se, a) == (&i.title, &i.summary, &i.service, &alerts)
    {
        return Ok(());
    }
    tx.exec(
        &format!("DELETE FROM incident_search WHERE {k} = ?1"),
        args![id],
    )?;
    tx.exec(
        &format!(
            "INSERT INTO incident_search ({k}, title, summary, service, alerts, notes)
             VALUES (?1, ?2, ?3, ?4, ?5, '')"
        ),
        args![id, &i.title, &i.summary, &i.service, alerts],
    )?;
    Ok(())
}

/// One note into the index, while the incident's indexed notes stay
/// within [`MAX_INDEXED`] bytes (the size counts every note offered, so
/// one upsert answers whether this one fits).
fn index_note(tx: &dyn Sql, id: IncidentId, text: &str) -> Result<()> {
    let len = i64::try_from(text.len()).unwrap_or(i64::MAX);
    let total = tx
        .row(
            "INSERT INTO note_search_size (incident_id, bytes) VALUES (?1, ?2)
             ON CONFLICT (incident_id) DO UPDATE SET bytes = note_search_size.bytes + ?2
             RETURNING bytes",
            args![id, len],
        )?
        .map(|r| r.get::<i64>("bytes"))
        .transpose()?
        .unwrap_or(i64::MAX);
    if total <= MAX_INDEXED as i64 {
        tx.exec(
            "INSERT INTO note_search (incident_id, text) VALUES (?1, ?2)",
            args![id, text],
        )?;
    }
    Ok(())
}

/// Indexes every incident already stored (the migration that gives the
/// index its shape), from their stored rows and notes.
pub fn backfill(tx: &dyn Sql) -> Result<()> {
    for table in ["incident_search", "note_search", "note_search_size"] {
        tx.exec(&format!("DELETE FROM {table}"), &[])?;
    }
    let kind = tx.dialect().json_field("event", "kind");
    for r in tx.rows("SELECT id, incident FROM incidents", &[])? {
        let (id, inc) = (r.get::<i64>("id")?, r.get::<String>("incident")?);
        let Ok(incident) = serde_json::from_str::<Incident>(&inc) else {
            continue;
        };
        let timeline: Vec<TimelineEvent> = tx
            .rows(
                &format!(
                    "SELECT event FROM timeline WHERE incident_id = ?1
                       AND {kind} IN ('note', 'alert_received') ORDER BY seq"
                ),
                args![id],
            )?
            .iter()
            .filter_map(|r| {
                r.get::<String>("event")
                    .ok()
                    .and_then(|s| serde_json::from_str(&s).ok())
            })
            .collect();
        let d = IncidentDetail {
            incident,
            timeline,
            responders: vec![],
            checklists: vec![],
            state: Default::default(),
            linked: Vec::new(),
            journal: Default::default(),
        };
        index(tx, &d, 0)?;
    }
    Ok(())
}

pub use crate::model::wire::Similar;

/// Incidents matching `query` (from [`any_of`]), best first, each with
/// its score (lower is closer, as bm25 gives it).
fn matches(
    conn: &dyn Sql,
    query: &str,
    except: Option<IncidentId>,
    finished_only: bool,
    limit: usize,
) -> Result<Vec<(Incident, f64)>> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let finished = if finished_only {
        "AND i.status IN ('resolved', 'verified', 'closed')"
    } else {
        ""
    };
    // An incident's score: its own row's, plus its best matching note's
    // at [`NOTE_WEIGHT`] (many matching notes do not outweigh a title).
    let sql = match conn.dialect() {
        Dialect::Sqlite => format!(
            // Materialized: FTS5's bm25() cannot be flattened into the
            // aggregates around it.
            "WITH own AS MATERIALIZED (
               SELECT rowid AS id, bm25(incident_search, {WEIGHTS}) AS score
                 FROM incident_search WHERE incident_search MATCH ?1
             ), notes AS MATERIALIZED (
               SELECT incident_id AS id, bm25(note_search) AS score
                 FROM note_search WHERE note_search MATCH ?1
             )
             SELECT i.incident, s.score FROM (
               SELECT id, SUM(score) AS score FROM (
                 SELECT id, score FROM own
                 UNION ALL
                 SELECT id, MIN(score) * {NOTE_WEIGHT} FROM notes GROUP BY id
               ) GROUP BY id
             ) s JOIN incidents i ON i.id = s.id
              WHERE i.id != ?2 {finished}
              ORDER BY s.score, i.id LIMIT ?3"
        ),
        Dialect::Postgres => format!(
            "SELECT i.incident, s.score FROM (
               SELECT id, SUM(score) AS score FROM (
                 SELECT s.id, -ts_rank(s.doc, q)::float8 AS score
                   FROM incident_search s, to_tsquery('english', ?1) q WHERE s.doc @@ q
                 UNION ALL
                 SELECT n.incident_id AS id, -MAX(ts_rank(n.doc, q))::float8 * {NOTE_WEIGHT}
                   FROM note_search n, to_tsquery('english', ?1) q WHERE n.doc @@ q
                  GROUP BY n.incident_id
               ) u GROUP BY id
             ) s JOIN incidents i ON i.id = s.id
              WHERE i.id != ?2 {finished}
              ORDER BY s.score, i.id LIMIT ?3"
        ),
    };
    let rows = conn.rows(
        &sql,
        args![
            query,
            except.map_or(-1, |i| i64::try_from(i.0).unwrap_or(-1)),
            limit
        ],
    )?;
    let mut out = Vec::new();
    for r in rows {
        let (inc, score) = (r.get::<String>("incident")?, r.get::<f64>("score")?);
        out.push((serde_json::from_str::<Incident>(&inc)?.summarized(), score));
    }
    Ok(out)
}

fn last_notes_before(conn: &dyn Sql, i: &Incident) -> Result<Vec<TimelineEvent>> {
    let until = i.status_times.get(&Status::Resolved).copied();
    let kind = conn.dialect().json_field("event", "kind");
    let mut notes: Vec<TimelineEvent> = conn
        .rows(
            &format!(
                "SELECT event FROM timeline WHERE incident_id = ?1
                   AND {kind} = 'note' ORDER BY seq DESC LIMIT 50"
            ),
            args![i.id],
        )?
        .iter()
        .filter_map(|r| {
            r.get::<String>("event")
                .ok()
                .and_then(|s| serde_json::from_str(&s).ok())
        })
        .filter(|e: &TimelineEvent| until.is_none_or(|u| e.at <= u))
        .take(3)
        .collect();
    notes.reverse();
    Ok(notes)
}

impl Store {
    /// Resolved, verified or closed incidents most like `id`, closest first.
    pub fn similar(&self, id: IncidentId, limit: usize) -> Result<Vec<Similar>> {
        self.read(|conn| {
            let k = conn.dialect().search_key();
            let row = conn.row(
                &format!(
                    "SELECT title, summary, service, alerts FROM incident_search WHERE {k} = ?1"
                ),
                args![id],
            )?;
            let Some(r) = row else {
                return Err(StoreError::NotFound(id));
            };
            let (title, summary, service, alerts) = (
                r.get::<String>("title")?,
                r.get::<String>("summary")?,
                r.get::<String>("service")?,
                r.get::<String>("alerts")?,
            );
            // The summary is long and chatty: its words come last.
            let words = terms(&format!("{title} {service} {alerts} {summary}"));
            let query = any_of(conn.dialect(), &words);
            let found = matches(conn, &query, Some(id), true, limit.clamp(1, 20))?;
            found
                .into_iter()
                .map(|(incident, score)| {
                    let resolved_in_seconds = incident
                        .status_times
                        .get(&Status::Resolved)
                        .map(|r| (*r - incident.declared_at).num_seconds());
                    let last_notes = last_notes_before(conn, &incident)?;
                    Ok(Similar {
                        incident,
                        score,
                        resolved_in_seconds,
                        last_notes,
                    })
                })
                .collect()
        })
    }

    /// Incidents (any status) matching the words of `q`, best first.
    pub fn search(&self, q: &str, limit: usize) -> Result<Vec<Incident>> {
        let query = any_of(self.dialect(), &terms(q));
        self.read(|conn| {
            Ok(matches(conn, &query, None, false, limit.clamp(1, 100))?
                .into_iter()
                .map(|(i, _)| i)
                .collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_words_only_so_no_fts_syntax_gets_through() {
        assert_eq!(
            terms("Checkout \"502s\" OR NEAR(x*) AND -db: ^{col}:the"),
            vec!["checkout", "502s", "near", "db", "col"]
        );
        assert!(any_of(Dialect::Sqlite, &terms("\" * ( ) : ^ -")).is_empty());
        assert_eq!(
            any_of(Dialect::Postgres, &terms("disk & !(full | slow):* <->")),
            "disk | full | slow"
        );
    }
}
