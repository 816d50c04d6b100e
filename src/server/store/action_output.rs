//! A runbook action's output, mirrored into the database by the server
//! running it, so any server on the same PostgreSQL can answer a console
//! that watches it (a load balancer need not be sticky). Run numbers come
//! from the database too, so they name one run whichever server ran it.
//! Bounded like the live output: the newest [`MAX_RUN_LINES`] lines per run;
//! runs (and their lines) last touched more than [`KEEP_S`] ago are
//! deleted as new output is written.

use super::sql::args;
use super::{Result, Store, StoreError};
use crate::model::IncidentId;
use crate::model::runbook_action::{MAX_RUN_LINES, OutputLine, RunOutput};

/// How long a run's mirrored output is kept after its last line.
pub const KEEP_S: i64 = 24 * 3600;

impl Store {
    /// The next run number, unique across the servers on this database.
    pub fn next_action_run(&self) -> Result<u64> {
        self.transact(|tx| {
            tx.row(
                "UPDATE meta SET value = value + 1 WHERE key = 'action_run' RETURNING value",
                &[],
            )?
            .ok_or_else(|| StoreError::Open("the run counter is missing".into()))?
            .get::<u64>("value")
        })
    }

    /// Writes what `out` holds (the run's state and its lines after the
    /// last mirror) and drops lines past the newest [`MAX_RUN_LINES`].
    pub fn mirror_run_output(&self, out: &RunOutput) -> Result<()> {
        let now = chrono::Utc::now().timestamp();
        let header = RunOutput {
            lines: Vec::new(),
            ..out.clone()
        };
        let header = serde_json::to_string(&header)?;
        self.transact(|tx| {
            let run = out.run;
            tx.exec(
                "INSERT INTO action_runs (run, incident_id, header, updated_s) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (run) DO UPDATE SET header = ?3, updated_s = ?4",
                args![run, out.incident, header, now],
            )?;
            for l in out.lines.iter().rev().take(MAX_RUN_LINES).rev() {
                tx.exec(
                    "INSERT INTO action_output (run, n, line) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (run, n) DO NOTHING",
                    args![run, l.n, serde_json::to_string(l)?],
                )?;
            }
            tx.exec(
                "DELETE FROM action_output WHERE run = ?1 AND n <= ?2",
                args![run, out.next.saturating_sub(MAX_RUN_LINES as u64)],
            )?;
            tx.exec(
                "DELETE FROM action_output WHERE run IN \
                 (SELECT run FROM action_runs WHERE updated_s < ?1)",
                args![now - KEEP_S],
            )?;
            tx.exec(
                "DELETE FROM action_runs WHERE updated_s < ?1",
                args![now - KEEP_S],
            )?;
            Ok(())
        })
    }

    /// Marks a mirrored run ended (its server is gone and another wrote its
    /// end), so no server shows it as running.
    pub fn end_mirrored_run(&self, run: u64, outcome: crate::model::ActionOutcome) -> Result<()> {
        self.transact(|tx| {
            let Some(h) = tx.row("SELECT header FROM action_runs WHERE run = ?1", args![run])?
            else {
                return Ok(());
            };
            let mut header: RunOutput = serde_json::from_str(&h.get::<String>("header")?)?;
            header.state = crate::model::runbook_action::RunState::Ended(outcome);
            tx.exec(
                "UPDATE action_runs SET header = ?2, updated_s = ?3 WHERE run = ?1",
                args![
                    run,
                    serde_json::to_string(&header)?,
                    chrono::Utc::now().timestamp()
                ],
            )?;
            Ok(())
        })
    }

    /// A run's mirrored state and its lines after `after`, if any server
    /// on this database mirrored it.
    pub fn mirrored_run_output(
        &self,
        incident: IncidentId,
        run: u64,
        after: u64,
    ) -> Result<Option<RunOutput>> {
        self.read(|c| {
            let Some(h) = c.row(
                "SELECT header FROM action_runs WHERE run = ?1 AND incident_id = ?2",
                args![run, incident],
            )?
            else {
                return Ok(None);
            };
            let mut out: RunOutput = serde_json::from_str(&h.get::<String>("header")?)?;
            out.lines = c
                .rows(
                    "SELECT line FROM action_output WHERE run = ?1 AND n > ?2 ORDER BY n LIMIT ?3",
                    args![run, after, MAX_RUN_LINES],
                )?
                .iter()
                .map(|r| {
                    Ok(serde_json::from_str::<OutputLine>(
                        &r.get::<String>("line")?,
                    )?)
                })
                .collect::<Result<_>>()?;
            let last = out.lines.last().map_or(0, |l| l.n);
            out.next = out.next.max(last).max(after);
            Ok(Some(out))
        })
    }
}
