//! The listener: hears every server's commits (`LISTEN`), moves this
//! server's revision and incident revisions, and catches up after a
//! reconnect so nothing committed meanwhile is missed.

use std::sync::Weak;
use std::time::{Duration, Instant};

use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;

use super::connect::Target;
use crate::server::store::{Result, Shared};

/// How often the listener asks for the revision even when it heard
/// nothing: a safety net for a notification lost in a reconnect.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// Where commits are announced (see `Store::write`).
const CHANNEL: &str = "warroom_changes";

pub(super) fn listen(target: Target, shared: Weak<Shared>) {
    let mut down_since: Option<Instant> = None;
    while shared.strong_count() > 0 {
        let mut client = match target.connect() {
            Ok(c) => c,
            Err(e) => {
                if down_since.is_none() {
                    tracing::warn!(error = %e, "change listener cannot reach PostgreSQL; retrying");
                    down_since = Some(Instant::now());
                }
                std::thread::sleep(Duration::from_millis(250));
                continue;
            }
        };
        if let Some(t) = down_since.take() {
            tracing::info!(
                after_ms = t.elapsed().as_millis() as u64,
                "change listener reconnected"
            );
        }
        if let Err(e) = client.batch_execute(&format!("LISTEN {CHANNEL}")) {
            tracing::warn!(error = %e, "LISTEN failed; reconnecting");
            continue;
        }
        // Whatever was committed while we were not listening.
        if catch_up(&mut client, &shared).is_err() {
            continue;
        }
        loop {
            let heard = {
                let mut n = client.notifications();
                match n.timeout_iter(POLL_EVERY).next() {
                    Ok(Some(_)) => true,
                    Ok(None) => false,
                    Err(_) => break,
                }
            };
            if shared.strong_count() == 0 {
                return;
            }
            // Several commits announced together need one catch-up.
            if heard {
                let mut n = client.notifications();
                let mut it = n.iter();
                while let Ok(Some(_)) = it.next() {}
            }
            if catch_up(&mut client, &shared).is_err() {
                break;
            }
        }
    }
}

fn catch_up(client: &mut Client, shared: &Weak<Shared>) -> Result<()> {
    let Some(shared) = shared.upgrade() else {
        return Ok(());
    };
    let known = *shared.revision.borrow();
    let row = client.query_one("SELECT value FROM meta WHERE key = 'revision'", &[])?;
    let rev = u64::try_from(row.try_get::<_, i64>(0)?).unwrap_or(0);
    if rev <= known {
        return Ok(());
    }
    let rows = client.query(
        "SELECT id, rev FROM incidents WHERE rev > $1 ORDER BY rev",
        &[&i64::try_from(known).unwrap_or(i64::MAX)],
    )?;
    let mut touched = Vec::with_capacity(rows.len());
    for r in rows {
        touched.push((
            crate::model::IncidentId(u64::try_from(r.try_get::<_, i64>(0)?).unwrap_or(0)),
            u64::try_from(r.try_get::<_, i64>(1)?).unwrap_or(0),
        ));
    }
    shared.advance(rev, touched);
    Ok(())
}
