//! Running a plan: a program in its own process group with an empty
//! environment but for the allowlist, its output read line by line into
//! the run (bounded), killed with its whole group when the timeout runs
//! out; or an HTTP request with a timeout and no redirects.

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt};

use super::plan::Plan;
use super::runs::Run;
use crate::model::ActionOutcome;
use crate::model::runbook_action::{MAX_LINE_CHARS, Stream};

/// How a run ended, for the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    pub outcome: ActionOutcome,
    pub exit_code: Option<i32>,
    pub duration_ms: u64,
}

/// Bytes of an HTTP action's answer read (the rest is not).
const MAX_HTTP_BODY: usize = 64 * 1024;
/// How long output may keep coming after the program itself exited
/// (a child it left behind holding the pipe).
const DRAIN: Duration = Duration::from_secs(2);

pub async fn execute(plan: &Plan, timeout: Duration, run: &Run) -> Ended {
    let started = Instant::now();
    let (outcome, exit_code) = match plan {
        Plan::Program { program, args, env } => program_run(program, args, env, timeout, run).await,
        Plan::Http {
            method,
            url,
            headers,
            body,
        } => http_run(method, url, headers, body.as_deref(), timeout, run).await,
        Plan::Simulated { lines, outcome } => {
            // Played at a reading pace, as a real run's output would come.
            for l in lines {
                tokio::time::sleep(Duration::from_millis(300)).await;
                run.push(Stream::Stdout, l);
            }
            let code = i32::from(*outcome != ActionOutcome::Succeeded);
            (*outcome, Some(code))
        }
    };
    Ended {
        outcome,
        exit_code,
        duration_ms: started.elapsed().as_millis() as u64,
    }
}

async fn program_run(
    program: &std::path::Path,
    args: &[String],
    env: &[String],
    timeout: Duration,
    run: &Run,
) -> (ActionOutcome, Option<i32>) {
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .env_clear()
        .envs(
            env.iter()
                .filter_map(|k| std::env::var_os(k).map(|v| (k, v))),
        )
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own group, so a timeout kills what it started too.
        .process_group(0)
        .kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            run.push(
                Stream::Stderr,
                &format!("cannot start {}: {e}", program.display()),
            );
            return (ActionOutcome::Error, None);
        }
    };
    let pgid = child.id().map(|p| p as i32);
    if let Some(p) = child.id() {
        run.set_pid(p);
    }
    let out = child
        .stdout
        .take()
        .map(|o| read_lines(o, Stream::Stdout, run));
    let err = child
        .stderr
        .take()
        .map(|e| read_lines(e, Stream::Stderr, run));
    let readers = async {
        if let Some(o) = out {
            o.await;
        }
    };
    let readers_err = async {
        if let Some(e) = err {
            e.await;
        }
    };
    // The pipes are read while it runs: the output streams to whoever
    // watches, and a program that prints more than a pipe holds is never
    // blocked on a full pipe.
    let run_all = async {
        let mut both = std::pin::pin!(async { tokio::join!(readers, readers_err) });
        let mut drained = false;
        let status = loop {
            tokio::select! {
                s = child.wait() => break s,
                _ = &mut both, if !drained => drained = true,
            }
        };
        if !drained {
            // What it printed last still counts, within reason.
            let _ = tokio::time::timeout(DRAIN, &mut both).await;
        }
        status
    };
    let status = tokio::select! {
        s = run_all => Some(s),
        _ = tokio::time::sleep(timeout) => None,
    };
    // Whatever it left running in its group goes with it.
    if let Some(g) = pgid {
        kill_group(g);
    }
    match status {
        None => {
            let _ = child.wait().await;
            run.push(
                Stream::Stderr,
                &format!("timed out after {} s: killed", timeout.as_secs()),
            );
            (ActionOutcome::TimedOut, None)
        }
        Some(Err(e)) => {
            run.push(Stream::Stderr, &format!("cannot wait for the program: {e}"));
            (ActionOutcome::Error, None)
        }
        Some(Ok(_)) if run.was_interrupted() => {
            run.push(Stream::Stderr, "interrupted: the server shut down");
            (ActionOutcome::Interrupted, None)
        }
        Some(Ok(s)) => match s.code() {
            Some(0) => (ActionOutcome::Succeeded, Some(0)),
            Some(c) => (ActionOutcome::Failed, Some(c)),
            None => {
                use std::os::unix::process::ExitStatusExt;
                let sig = s.signal().unwrap_or(0);
                run.push(Stream::Stderr, &format!("killed by signal {sig}"));
                (ActionOutcome::Failed, None)
            }
        },
    }
}

pub fn kill_group(pgid: i32) {
    // SAFETY: a plain syscall; a group that is gone answers ESRCH.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// Reads a pipe into the run a line at a time without ever holding more
/// than one cut line: a program that prints a gigabyte without a newline
/// costs a buffer, not the server's memory.
async fn read_lines(mut r: impl AsyncRead + Unpin, stream: Stream, run: &Run) {
    let mut buf = [0u8; 8192];
    let mut line: Vec<u8> = Vec::new();
    let cap = MAX_LINE_CHARS * 4;
    loop {
        let n = match r.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            if b == b'\n' {
                run.push(stream, &String::from_utf8_lossy(&line));
                line.clear();
            } else if line.len() < cap {
                line.push(b);
            }
        }
    }
    if !line.is_empty() {
        run.push(stream, &String::from_utf8_lossy(&line));
    }
}

async fn http_run(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&str>,
    timeout: Duration,
    run: &Run,
) -> (ActionOutcome, Option<i32>) {
    let client = match crate::tls::client_builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(c) => c,
        Err(_) => return (ActionOutcome::Error, None),
    };
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::POST);
    let mut req = client.request(method, url);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    if let Some(b) = body {
        req = req
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(b.to_string());
    }
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => {
            // reqwest names the URL in its errors; the URL was shown to the
            // IC, but logs and timelines get the reason only.
            let why = if e.is_timeout() {
                "timed out"
            } else if e.is_connect() {
                "cannot connect to the target"
            } else {
                "the request failed"
            };
            run.push(Stream::Stderr, why);
            let outcome = if e.is_timeout() {
                ActionOutcome::TimedOut
            } else {
                ActionOutcome::Error
            };
            return (outcome, None);
        }
    };
    let status = resp.status();
    run.push(Stream::Stdout, &format!("HTTP {status}"));
    let mut body = Vec::new();
    let mut resp = resp;
    loop {
        match resp.chunk().await {
            Ok(Some(c)) => {
                let room = MAX_HTTP_BODY.saturating_sub(body.len());
                body.extend_from_slice(&c[..c.len().min(room)]);
                if room <= c.len() {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) if e.is_timeout() => {
                run.push(Stream::Stderr, "timed out reading the answer");
                return (ActionOutcome::TimedOut, None);
            }
            Err(_) => break,
        }
    }
    for l in String::from_utf8_lossy(&body).lines() {
        run.push(Stream::Stdout, l);
    }
    if status.is_success() {
        (ActionOutcome::Succeeded, None)
    } else {
        (ActionOutcome::Failed, None)
    }
}
