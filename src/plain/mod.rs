//! The line console, for screen readers and scripts: `warroom --plain`
//! says what changes as lines of words (a new SEV1 or SEV2 first) and
//! takes commands as typed lines, with the console's outbox (a write made
//! while the backend is away waits there and is sent when it answers) and
//! its confirmations (advancing past open items asks for `force WHY`);
//! `warroom watch [--json]` is the same lines with no commands.

mod follow;
pub mod line;
mod session;
pub mod typed;

use std::io::Write as _;
use std::time::Duration;

use tokio::sync::mpsc;

pub use follow::follow;
pub use line::Line;
pub use session::{PlainSetup, run};

use crate::client::Reader;

/// How long one change-feed request waits.
pub const WAIT: Duration = Duration::from_secs(10);

/// Writes one line to stdout; `Err` once nobody reads it (a closed pipe).
pub(crate) fn say(l: &str) -> std::io::Result<()> {
    let mut o = std::io::stdout().lock();
    writeln!(o, "{l}")?;
    o.flush()
}

/// `warroom watch`: the lines, as text or JSON, until stdout is closed.
pub async fn watch(reader: Reader, json: bool) -> Result<(), String> {
    let (tx, mut rx) = mpsc::channel(256);
    let task = tokio::spawn(follow(reader, WAIT, tx));
    while let Some(l) = rx.recv().await {
        let text = if json { l.json() } else { l.text() };
        if say(&text).is_err() {
            break;
        }
    }
    task.abort();
    Ok(())
}
