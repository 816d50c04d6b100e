//! "Have we seen this before?": a full-text index of every incident (title,
//! summary, service, alert names, notes) in SQLite's FTS5, ranked by
//! `bm25()`. Queries are built from words only, so no text can inject FTS5
//! syntax.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Result, Store, StoreError};
use crate::model::{EventKind, Incident, IncidentDetail, IncidentId, Status, TimelineEvent};

/// Characters of alert names, and of notes, indexed per incident: enough
/// to find it again, bounded whatever its size.
pub const MAX_INDEXED: usize = 20_000;
/// Words a query is built from, at most.
const MAX_TERMS: usize = 16;
/// Column weights for bm25: title, summary, service, alerts, notes.
const WEIGHTS: &str = "4.0, 1.5, 3.0, 4.0, 1.0";

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

/// An FTS5 query matching any of the words (each quoted: a word holds no
/// quote, so nothing in it is syntax).
fn any_of(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(" OR ")
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
/// are new (the rest were indexed before).
pub fn index(tx: &Transaction<'_>, d: &IncidentDetail, known_seq: u64) -> Result<()> {
    let id = d.incident.id.0 as i64;
    type Row = (String, String, String, String, String);
    let old: Option<Row> = tx
        .prepare_cached(
            "SELECT title, summary, service, alerts, notes FROM incident_search WHERE rowid = ?1",
        )?
        .query_row([id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let was = old.clone();
    let (_, _, _, mut alerts, mut notes) = old.unwrap_or_default();
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
            EventKind::Note { text } => append_capped(&mut notes, text),
            _ => {}
        }
    }
    let i = &d.incident;
    // Re-indexing costs the whole row's text: skip it when nothing indexed
    // changed (most writes to a long incident, whose notes are at the cap).
    if let Some((t, su, se, a, n)) = &was
        && (t, su, se, a, n) == (&i.title, &i.summary, &i.service, &alerts, &notes)
    {
        return Ok(());
    }
    tx.prepare_cached("DELETE FROM incident_search WHERE rowid = ?1")?
        .execute([id])?;
    tx.prepare_cached(
        "INSERT INTO incident_search (rowid, title, summary, service, alerts, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![id, i.title, i.summary, i.service, alerts, notes])?;
    Ok(())
}

/// Indexes every incident already stored (the migration that adds the
/// index), from their stored rows and notes.
pub fn backfill(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM incidents")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        let inc: String =
            tx.query_row("SELECT incident FROM incidents WHERE id = ?1", [id], |r| {
                r.get(0)
            })?;
        let Ok(incident) = serde_json::from_str::<Incident>(&inc) else {
            continue;
        };
        let mut stmt = tx.prepare_cached(
            "SELECT event FROM timeline WHERE incident_id = ?1
               AND json_extract(event, '$.kind') IN ('note', 'alert_received') ORDER BY seq",
        )?;
        let timeline: Vec<TimelineEvent> = stmt
            .query_map([id], |r| r.get::<_, String>(0))?
            .filter_map(|r| r.ok().and_then(|s| serde_json::from_str(&s).ok()))
            .collect();
        let d = IncidentDetail {
            incident,
            timeline,
            responders: vec![],
            checklists: vec![],
        };
        index(tx, &d, 0).map_err(|e| match e {
            StoreError::Db(e) => e,
            other => rusqlite::Error::ToSqlConversionFailure(other.to_string().into()),
        })?;
    }
    Ok(())
}

pub use crate::model::wire::Similar;

fn matches(
    conn: &Connection,
    query: &str,
    except: Option<IncidentId>,
    finished_only: bool,
    limit: usize,
) -> Result<Vec<(Incident, f64)>> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT i.incident, bm25(incident_search, {WEIGHTS}) AS score
           FROM incident_search JOIN incidents i ON i.id = incident_search.rowid
          WHERE incident_search MATCH ?1 AND i.id != ?2 {}
          ORDER BY score LIMIT ?3",
        if finished_only {
            "AND i.status IN ('resolved', 'verified', 'closed')"
        } else {
            ""
        }
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![query, except.map_or(-1, |i| i.0 as i64), limit as i64],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?)),
    )?;
    let mut out = Vec::new();
    for r in rows {
        let (inc, score) = r?;
        out.push((serde_json::from_str::<Incident>(&inc)?.summarized(), score));
    }
    Ok(out)
}

fn last_notes_before(conn: &Connection, i: &Incident) -> Result<Vec<TimelineEvent>> {
    let until = i.status_times.get(&Status::Resolved).copied();
    let mut stmt = conn.prepare_cached(
        "SELECT event FROM timeline WHERE incident_id = ?1
           AND json_extract(event, '$.kind') = 'note' ORDER BY seq DESC LIMIT 50",
    )?;
    let mut notes: Vec<TimelineEvent> = stmt
        .query_map([i.id.0 as i64], |r| r.get::<_, String>(0))?
        .filter_map(|r| r.ok().and_then(|s| serde_json::from_str(&s).ok()))
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
            let row: Option<(String, String, String, String)> = conn
                .prepare_cached(
                    "SELECT title, summary, service, alerts FROM incident_search WHERE rowid = ?1",
                )?
                .query_row([id.0 as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?;
            let Some((title, summary, service, alerts)) = row else {
                return Err(StoreError::NotFound(id));
            };
            // The summary is long and chatty: its words come last.
            let words = terms(&format!("{title} {service} {alerts} {summary}"));
            let found = matches(conn, &any_of(&words), Some(id), true, limit.clamp(1, 20))?;
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
        let query = any_of(&terms(q));
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
        assert!(any_of(&terms("\" * ( ) : ^ -")).is_empty());
    }
}
