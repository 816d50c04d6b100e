//! Runs that outlive their server. A running action's server renews its
//! lease every few seconds ([`heartbeat`]), recording the program's process
//! once it started. Every server sweeps the leases ([`spawn_sweeper`]): a
//! lease whose heartbeat stopped (its server was killed, or its host died),
//! or whose server process on this host is gone (a restart), is an orphan.
//! The server that claims it kills the program when it runs on this host
//! and is still the same process (its start time is checked, so a reused
//! process id is never killed), writes the run's end (`interrupted`) on the
//! timeline in the name of whoever started it, marks the mirrored output
//! ended, and so frees the action for a new start.
//!
//! A server that shuts down (SIGTERM) ends its own runs first
//! ([`interrupt_own`]): it kills their process groups and lets each run
//! record its end.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::Actions;
use super::runs::Run;
use crate::model::runbook_action::ActionEnd;
use crate::model::{Action, ActionOutcome, apply};
use crate::server::notify::{self, NotifyConfig};
use crate::server::store::action_leases::{self, HEARTBEAT_S, Lease, STALE_S};
use crate::server::store::{self, Store};

/// How often each server looks for orphaned runs.
const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// Renews `run`'s lease until aborted, recording its program's process as
/// soon as it starts.
pub async fn heartbeat(store: Arc<Store>, run: Arc<Run>, holder: String) {
    let mut pid_seen = run.watch_pid();
    let mut recorded = false;
    loop {
        let process = if recorded {
            None
        } else {
            run.pid()
                .and_then(|p| proc_start(p).map(|s| (i64::from(p), s)))
        };
        let (st, id, action, h) = (
            store.clone(),
            run.meta.incident,
            run.meta.action.clone(),
            holder.clone(),
        );
        let now = Utc::now().timestamp();
        let beat = tokio::task::spawn_blocking(move || {
            st.transact(|tx| action_leases::beat(tx, id, &action, &h, now, process))
        })
        .await;
        match beat {
            Ok(Ok(true)) => recorded |= process.is_some(),
            Ok(Ok(false)) => tracing::warn!(run = run.id, "the action's lease was taken over"),
            // The database is down: the lease may lapse; the run goes on
            // and the next beat tries again.
            Ok(Err(e)) => tracing::debug!(run = run.id, error = %e, "cannot renew an action lease"),
            Err(_) => {}
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(HEARTBEAT_S as u64)) => {}
            changed = pid_seen.changed(), if !recorded => {
                if changed.is_err() {
                    tokio::time::sleep(Duration::from_secs(HEARTBEAT_S as u64)).await;
                }
            }
        }
    }
}

/// Ends this server's own runs as it shuts down: each is marked
/// interrupted and its process group killed, then given a few seconds to
/// record its end.
pub async fn interrupt_own(actions: &Actions) {
    let running = actions.runs.active();
    if running.is_empty() {
        return;
    }
    for r in &running {
        r.interrupt();
        if let Some(pid) = r.pid() {
            super::exec::kill_group(pid as i32);
        }
    }
    tracing::info!(
        n = running.len(),
        "shutting down: runbook actions interrupted"
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !actions.runs.active().is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What the sweep needs of the server.
pub struct Sweeper {
    pub store: Arc<Store>,
    pub actions: Arc<Actions>,
    pub notify: Arc<NotifyConfig>,
    pub wake: Arc<tokio::sync::Notify>,
}

pub fn spawn_sweeper(s: Sweeper) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = sweep(&s).await {
                tracing::debug!(error = %e, "cannot sweep runbook action leases");
            }
            tokio::time::sleep(SWEEP_EVERY).await;
        }
    });
}

/// One look at every lease; each orphan found is ended.
pub async fn sweep(s: &Sweeper) -> store::Result<usize> {
    let st = s.store.clone();
    let leases = tokio::task::spawn_blocking(move || st.read(action_leases::leases))
        .await
        .map_err(|e| store::StoreError::Open(e.to_string()))??;
    let now = Utc::now().timestamp();
    let me = s.actions.server.as_str();
    let mut ended = 0;
    for l in leases.into_iter().filter(|l| orphaned(l, me, now)) {
        ended += usize::from(end_orphan(s, l).await);
    }
    Ok(ended)
}

/// The server part of a holder (`host:pid:nonce run N`) as (host, pid).
fn holder_server(holder: &str) -> (&str, Option<i32>) {
    let server = holder.split(" run ").next().unwrap_or("");
    let mut parts = server.rsplitn(3, ':');
    let _nonce = parts.next();
    let pid = parts.next().and_then(|p| p.parse().ok());
    (parts.next().unwrap_or(""), pid)
}

fn orphaned(l: &Lease, me: &str, now: i64) -> bool {
    let server = l.holder.split(" run ").next().unwrap_or("");
    if server == me {
        return false;
    }
    if l.heartbeat_s < now - STALE_S || l.until_s < now {
        return true;
    }
    // A server on this host that is gone (this one restarted): no need to
    // wait for its heartbeat to go stale.
    let (host, pid) = holder_server(&l.holder);
    host == holder_server(me).0 && pid.is_some_and(|p| !alive(p))
}

fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only asks whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// A process's start time in clock ticks since boot (`/proc/PID/stat`
/// field 22): with the pid, it names one process, never a later one that
/// reused the id.
pub fn proc_start(pid: u32) -> Option<i64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// Kills an orphan's program when it can, writes its end and frees the
/// action. False when another server got to it first.
async fn end_orphan(s: &Sweeper, l: Lease) -> bool {
    let (host, _) = holder_server(&l.holder);
    let here = host == holder_server(&s.actions.server).0;
    let why = match l.process {
        Some((pid, start)) if here && proc_start(pid as u32) == Some(start) => {
            super::exec::kill_group(pid as i32);
            format!(
                "interrupted: its server stopped while it ran; the program (process group \
                 {pid}) was killed by the server that found it"
            )
        }
        Some(_) if here => "interrupted: its server stopped while it ran; the program had \
                            already ended"
            .to_string(),
        Some((pid, _)) => format!(
            "interrupted: its server on {} stopped answering; the program (pid {pid}) could \
             not be reached from here and may still be running there",
            crate::text::one_line(host, 64)
        ),
        None => "interrupted: its server stopped before the program started".to_string(),
    };
    tracing::warn!(
        incident = %l.incident, action = %l.action, holder = %l.holder,
        "a runbook action's server is gone: ending its run"
    );
    let (st, notify, lease) = (s.store.clone(), s.notify.clone(), l.clone());
    let claimed = tokio::task::spawn_blocking(move || {
        let Some(info) = lease.info.clone() else {
            return st.transact(|tx| action_leases::claim_orphan(tx, &lease));
        };
        let now = Utc::now();
        let end = ActionEnd {
            phase: info.phase,
            item: info.item,
            action: lease.action.clone(),
            outcome: ActionOutcome::Interrupted,
            exit_code: None,
            duration_ms: (now.timestamp() - info.started_s).max(0) as u64 * 1000,
            output: why,
            run: info.run,
            tick: false,
        };
        let mut claimed = false;
        let written = st.write(None, |tx| {
            claimed = action_leases::claim_orphan(tx, &lease)?;
            if !claimed {
                return Ok((200, String::new()));
            }
            let d = store::update(tx, lease.incident, None, |d| {
                apply(
                    d,
                    Action::FinishRunbookAction(Box::new(end)),
                    &info.actor(),
                    now,
                )
            })?;
            notify::enqueue(tx, &notify, notify::Subscriber::of(&d), &d.timeline)?;
            Ok((200, String::new()))
        });
        if written.is_err() {
            // The end cannot be written (the incident was closed since):
            // the action is freed all the same.
            claimed = st.transact(|tx| action_leases::claim_orphan(tx, &lease))?;
        }
        if claimed {
            let _ = st.end_mirrored_run(info.run, ActionOutcome::Interrupted);
        }
        Ok(claimed)
    })
    .await;
    s.wake.notify_one();
    matches!(claimed, Ok(Ok(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_name_their_host_and_server_process() {
        assert_eq!(
            holder_server("bastion-1:4242:a1b2c3 run 17"),
            ("bastion-1", Some(4242))
        );
        assert_eq!(
            holder_server("h:with:colons:9:zz run 1"),
            ("h:with:colons", Some(9))
        );
        assert_eq!(holder_server("garbage"), ("", None));
    }

    #[test]
    fn this_process_has_a_start_time() {
        let me = std::process::id();
        assert!(proc_start(me).is_some());
        assert!(alive(me as i32));
    }
}
