//! The runs of this server process: what is running, the live output of
//! each (bounded), and the one rule that an action runs at most once at a
//! time on an incident. Kept in memory: a run's record is its two timeline
//! entries; the output here is for watching it live.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::model::IncidentId;
use crate::model::runbook_action::{
    ActionOutcome, MAX_LINE_CHARS, MAX_RUN_LINES, OutputLine, RunOutput, RunState, Stream,
};

/// Runs at once on one server; more are refused (503) until one ends.
pub const MAX_RUNNING: usize = 8;
/// Ended runs whose output is kept for reading (the oldest go first).
pub const MAX_ENDED: usize = 100;

#[derive(Debug, Clone)]
pub struct RunMeta {
    pub incident: IncidentId,
    pub action: String,
    pub command: String,
    pub by: String,
    pub started_at: DateTime<Utc>,
}

#[derive(Debug)]
struct Live {
    lines: VecDeque<OutputLine>,
    next_n: u64,
    dropped: u64,
    state: RunState,
    exit_code: Option<i32>,
    duration_ms: Option<u64>,
}

/// One run: what it is, and its output so far.
#[derive(Debug)]
pub struct Run {
    pub id: u64,
    pub meta: RunMeta,
    live: Mutex<Live>,
    /// Bumped on every line and at the end, for waiting readers.
    changed: watch::Sender<u64>,
    /// The program's process (and group) id once it started, for the
    /// lease record and for killing it at shutdown.
    pid: watch::Sender<Option<u32>>,
    /// Set when the server ends the run itself (shutting down): the kill
    /// that follows is recorded as `interrupted`, not as a failure.
    interrupted: std::sync::atomic::AtomicBool,
}

impl Run {
    pub fn set_pid(&self, pid: u32) {
        self.pid.send_replace(Some(pid));
    }

    pub fn pid(&self) -> Option<u32> {
        *self.pid.borrow()
    }

    /// Waits for the program to start (or for ever, for an HTTP action).
    pub fn watch_pid(&self) -> watch::Receiver<Option<u32>> {
        self.pid.subscribe()
    }

    pub fn interrupt(&self) {
        self.interrupted
            .store(true, std::sync::atomic::Ordering::Release);
    }

    pub fn was_interrupted(&self) -> bool {
        self.interrupted.load(std::sync::atomic::Ordering::Acquire)
    }

    fn live(&self) -> std::sync::MutexGuard<'_, Live> {
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends one line of output, cut to [`MAX_LINE_CHARS`]; the oldest
    /// line goes when [`MAX_RUN_LINES`] are held.
    pub fn push(&self, stream: Stream, text: &str) {
        let mut l = self.live();
        let text: String = text.chars().take(MAX_LINE_CHARS).collect();
        l.next_n += 1;
        let n = l.next_n;
        if l.lines.len() == MAX_RUN_LINES {
            l.lines.pop_front();
            l.dropped += 1;
        }
        l.lines.push_back(OutputLine { n, stream, text });
        drop(l);
        self.changed.send_modify(|v| *v += 1);
    }

    pub fn end(&self, outcome: ActionOutcome, exit_code: Option<i32>, duration_ms: u64) {
        let mut l = self.live();
        l.state = RunState::Ended(outcome);
        l.exit_code = exit_code;
        l.duration_ms = Some(duration_ms);
        drop(l);
        self.changed.send_modify(|v| *v += 1);
    }

    /// The output's end as one text, for the timeline.
    pub fn tail(&self) -> String {
        let l = self.live();
        let mut out = String::new();
        for line in &l.lines {
            if line.stream == Stream::Stderr {
                out.push_str("! ");
            }
            out.push_str(&line.text);
            out.push('\n');
        }
        out
    }

    pub fn ended(&self) -> bool {
        matches!(self.live().state, RunState::Ended(_))
    }

    /// The run and its lines after `after`.
    pub fn output(&self, after: u64) -> RunOutput {
        let l = self.live();
        let lines: Vec<OutputLine> = l.lines.iter().filter(|x| x.n > after).cloned().collect();
        let elapsed = (Utc::now() - self.meta.started_at)
            .num_milliseconds()
            .max(0) as u64;
        RunOutput {
            run: self.id,
            incident: self.meta.incident,
            action: self.meta.action.clone(),
            command: self.meta.command.clone(),
            by: self.meta.by.clone(),
            started_at: self.meta.started_at,
            state: l.state,
            exit_code: l.exit_code,
            duration_ms: l.duration_ms.unwrap_or(elapsed),
            dropped: l.dropped,
            next: l.next_n.max(after),
            lines,
        }
    }

    /// Waits until something newer than `after` is there or the run ended,
    /// at most `wait`.
    pub async fn wait_past(&self, after: u64, wait: std::time::Duration) {
        let mut rx = self.changed.subscribe();
        let _ = tokio::time::timeout(wait, async {
            loop {
                {
                    let l = self.live();
                    if l.next_n > after || matches!(l.state, RunState::Ended(_)) {
                        return;
                    }
                }
                if rx.changed().await.is_err() {
                    return;
                }
            }
        })
        .await;
    }
}

#[derive(Default)]
struct Inner {
    runs: BTreeMap<u64, Arc<Run>>,
    /// (incident, action) -> the run that has not ended.
    active: HashMap<(IncidentId, String), u64>,
    next_id: u64,
}

/// Why a run could not be reserved.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    AlreadyRunning { run: u64, by: String },
    Busy,
}

pub struct Runs {
    inner: Mutex<Inner>,
}

impl Default for Runs {
    fn default() -> Self {
        // Run ids name runs on the timeline: start from the clock so a
        // restarted server does not hand out the numbers of earlier runs.
        let seed = Utc::now().timestamp_millis().max(1) as u64;
        Self {
            inner: Mutex::new(Inner {
                next_id: seed,
                ..Inner::default()
            }),
        }
    }
}

impl Runs {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the (incident, action) slot and a place among the running,
    /// or says who holds it; the run is numbered by this server.
    pub fn reserve(&self, meta: RunMeta) -> Result<Arc<Run>, Refusal> {
        self.reserve_numbered(meta, None)
    }

    /// The same, numbered `id` (a number the database gave out, unique
    /// across the servers on it).
    pub fn reserve_as(&self, meta: RunMeta, id: u64) -> Result<Arc<Run>, Refusal> {
        self.reserve_numbered(meta, Some(id))
    }

    fn reserve_numbered(&self, meta: RunMeta, id: Option<u64>) -> Result<Arc<Run>, Refusal> {
        let mut g = self.inner();
        let key = (meta.incident, meta.action.clone());
        if let Some(id) = g.active.get(&key) {
            let by = g
                .runs
                .get(id)
                .map(|r| r.meta.by.clone())
                .unwrap_or_default();
            return Err(Refusal::AlreadyRunning { run: *id, by });
        }
        if g.active.len() >= MAX_RUNNING {
            return Err(Refusal::Busy);
        }
        let id = match id {
            Some(id) => id,
            None => {
                g.next_id += 1;
                g.next_id
            }
        };
        let run = Arc::new(Run {
            id,
            meta,
            live: Mutex::new(Live {
                lines: VecDeque::new(),
                next_n: 0,
                dropped: 0,
                state: RunState::Running,
                exit_code: None,
                duration_ms: None,
            }),
            changed: watch::channel(0).0,
            pid: watch::channel(None).0,
            interrupted: Default::default(),
        });
        g.active.insert(key, id);
        g.runs.insert(id, run.clone());
        Ok(run)
    }

    /// Frees the slot of a run that will not run after all (its start
    /// could not be recorded), and forgets it.
    pub fn cancel(&self, run: &Run) {
        let mut g = self.inner();
        g.active
            .remove(&(run.meta.incident, run.meta.action.clone()));
        g.runs.remove(&run.id);
    }

    /// Frees the slot of a run that ended; its output stays readable
    /// among the last [`MAX_ENDED`].
    pub fn release(&self, run: &Run) {
        let mut g = self.inner();
        g.active
            .remove(&(run.meta.incident, run.meta.action.clone()));
        let ended: Vec<u64> = g
            .runs
            .iter()
            .filter(|(_, r)| r.ended())
            .map(|(id, _)| *id)
            .collect();
        for id in ended.iter().take(ended.len().saturating_sub(MAX_ENDED)) {
            g.runs.remove(id);
        }
    }

    pub fn get(&self, id: u64) -> Option<Arc<Run>> {
        self.inner().runs.get(&id).cloned()
    }

    /// Every run that has not ended.
    pub fn active(&self) -> Vec<Arc<Run>> {
        let g = self.inner();
        g.active
            .values()
            .filter_map(|id| g.runs.get(id).cloned())
            .collect()
    }

    /// The run of this action on this incident that has not ended.
    pub fn running(&self, incident: IncidentId, action: &str) -> Option<u64> {
        self.inner()
            .active
            .get(&(incident, action.to_string()))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(inc: u64, action: &str) -> RunMeta {
        RunMeta {
            incident: IncidentId(inc),
            action: action.into(),
            command: "/bin/true".into(),
            by: "alice".into(),
            started_at: Utc::now(),
        }
    }

    #[test]
    fn one_run_per_action_and_incident_and_a_cap_on_all() {
        let runs = Runs::default();
        let a = runs.reserve(meta(1, "restart")).unwrap();
        assert_eq!(
            runs.reserve(meta(1, "restart")).unwrap_err(),
            Refusal::AlreadyRunning {
                run: a.id,
                by: "alice".into()
            }
        );
        // Another incident, another action: fine.
        let b = runs.reserve(meta(2, "restart")).unwrap();
        a.end(ActionOutcome::Succeeded, Some(0), 5);
        runs.release(&a);
        let c = runs.reserve(meta(1, "restart")).unwrap();
        assert!(c.id > b.id && b.id > a.id);
        for i in 0..(MAX_RUNNING - 2) {
            runs.reserve(meta(10 + i as u64, "x")).unwrap();
        }
        assert_eq!(runs.reserve(meta(99, "x")).unwrap_err(), Refusal::Busy);
    }

    #[test]
    fn output_is_bounded_and_read_after_a_line_number() {
        let runs = Runs::default();
        let r = runs.reserve(meta(1, "loud")).unwrap();
        for i in 0..(MAX_RUN_LINES + 10) {
            r.push(Stream::Stdout, &format!("line {i}"));
        }
        r.push(Stream::Stderr, &"x".repeat(MAX_LINE_CHARS * 3));
        let o = r.output(0);
        assert_eq!(o.lines.len(), MAX_RUN_LINES);
        assert_eq!(o.dropped, 11);
        assert_eq!(o.lines.last().unwrap().text.chars().count(), MAX_LINE_CHARS);
        let later = r.output(o.next - 1);
        assert_eq!(later.lines.len(), 1);
        assert!(
            r.tail()
                .ends_with(&format!("! {}\n", "x".repeat(MAX_LINE_CHARS)))
        );
    }
}
