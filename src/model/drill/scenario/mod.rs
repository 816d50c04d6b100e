//! The scenario file: a practice outage written as TOML (see
//! `docs/drills.md`). Alerts are shaped as Alertmanager sends them, so the
//! server's classification rules apply; simulated responders write notes
//! and CAN reports and answer pages (or do not); runbook actions have
//! simulated output; and facts become true when the IC does the right
//! thing (the rollback ends the errors).
//!
//! Reading refuses an unknown key or a wrong type with its line and
//! column; checking refuses what would make a broken drill (a fact that
//! nothing makes true, a reference to a fact or person not written, an
//! offset past the drill's end) with the line of the entry.

use std::collections::BTreeMap;
use std::fmt;

use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::model::{ActionOutcome, Phase, Status};

mod check;

/// At most this many entries of each kind in one scenario.
pub const MAX_ENTRIES: usize = 200;
/// The longest text one entry holds (a note, an output line, a label).
pub const MAX_TEXT: usize = 2_000;
/// The longest scenario file read.
pub const MAX_FILE_BYTES: usize = 256 * 1024;
/// The longest a drill may last.
pub const MAX_LIMIT_MINUTES: i64 = 120;
const DEFAULT_LIMIT: &str = "15m";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A short name: letters, digits and `-` (how `warroom drill NAME` finds it).
    pub name: String,
    /// What the drill is, in a line.
    pub title: String,
    /// Its kind (a bad deploy, a dependency outage, a capacity problem).
    #[serde(default)]
    pub kind: String,
    /// What the facilitator reads before starting (never shown to the IC
    /// by warroom: the point is to find it out).
    #[serde(default)]
    pub briefing: String,
    /// When the drill ends if the IC has not closed the incident.
    #[serde(default = "default_limit")]
    pub limit: String,
    /// The right response, in order, for the debrief.
    #[serde(default)]
    pub recommended: Vec<String>,
    #[serde(default)]
    pub responders: Vec<SimResponder>,
    #[serde(default)]
    pub facts: Vec<Fact>,
    #[serde(default)]
    pub actions: Vec<SimAction>,
    #[serde(default)]
    pub events: Vec<ScriptEvent>,
}

fn default_limit() -> String {
    DEFAULT_LIMIT.into()
}

/// A simulated responder: answers a page after a while, or never.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimResponder {
    pub handle: String,
    #[serde(default)]
    pub name: String,
    /// How long after being paged they acknowledge and join (`45s`), or
    /// `never`.
    #[serde(default = "never")]
    pub answers: String,
}

fn never() -> String {
    "never".into()
}

/// Something that becomes true when the IC does the right thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub name: String,
    pub when: Trigger,
    /// What it means, for the debrief ("the rollback ends the errors").
    #[serde(default)]
    pub says: String,
}

/// What makes a fact true: exactly one of these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// A simulated runbook action of this name succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The incident reached this status (or a later one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// A task was given whose title holds this (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// A decision was recorded whose text holds this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// A hypothesis holding this was confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<String>,
    /// A responder of this handle was paged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paged: Option<String>,
}

impl Trigger {
    fn count(&self) -> usize {
        [
            self.action.is_some(),
            self.status.is_some(),
            self.task.is_some(),
            self.decision.is_some(),
            self.confirmed.is_some(),
            self.paged.is_some(),
        ]
        .into_iter()
        .filter(|b| *b)
        .count()
    }
}

/// A runbook action played, not run: its item is added to the drill
/// incident's checklist, and running it prints `output`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimAction {
    pub name: String,
    pub phase: Phase,
    /// The checklist item it hangs on.
    pub item: String,
    #[serde(default)]
    pub output: Vec<String>,
    #[serde(default = "succeeded")]
    pub outcome: ActionOutcome,
}

fn succeeded() -> ActionOutcome {
    ActionOutcome::Succeeded
}

/// One thing the script does at its time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptEvent {
    /// From the drill's start, or from when `after` became true.
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Skipped when this fact is true by then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unless: Option<String>,
    /// The simulated responder who writes a note or CAN report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<SimAlert>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can: Option<SimCan>,
}

/// An alert as Alertmanager sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimAlert {
    /// `firing` or `resolved`.
    #[serde(default = "firing")]
    pub status: String,
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

fn firing() -> String {
    "firing".into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimCan {
    pub condition: String,
    #[serde(default)]
    pub actions: String,
    #[serde(default)]
    pub needs: String,
}

/// Why a scenario was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// From 1; 0 when the place is not known.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            )
        } else {
            f.write_str(&self.message)
        }
    }
}

/// An offset as people say it: `0s`, `90s`, `5m`, `1h30m`.
pub fn offset(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let bad = || {
        format!(
            "`{}` is not an offset like 0s, 90s, 5m or 1h30m",
            one_line(t)
        )
    };
    if t.is_empty() {
        return Err(bad());
    }
    // A unit is required: a drill's script is not typed in a hurry.
    crate::model::state_doc::span_seconds(t, false)
        .map(Duration::seconds)
        .ok_or_else(bad)
}

fn one_line(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(40).collect()
}

/// The line and column of byte `at` in `text`.
fn place(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let at = (0..=at)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..at].chars().count() + 1)
}

/// The line of the `n`th `[[table]]` header (from 0), or 0.
fn entry_line(text: &str, table: &str, n: usize) -> usize {
    let header = format!("[[{table}]]");
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(&header))
        .nth(n)
        .map_or(0, |(i, _)| i + 1)
}

impl Scenario {
    /// Reads and checks a scenario.
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > MAX_FILE_BYTES {
            return Err(ScenarioError {
                line: 0,
                column: 0,
                message: format!(
                    "the scenario is {} bytes; at most {MAX_FILE_BYTES} are read",
                    text.len()
                ),
            });
        }
        let s: Scenario = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((0, 0), |sp| place(text, sp.start));
            ScenarioError {
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        s.check().map_err(|(table, n, message)| {
            let line = match table {
                Some(t) => entry_line(text, t, n),
                None => 0,
            };
            ScenarioError {
                line,
                column: usize::from(line > 0),
                message,
            }
        })?;
        Ok(s)
    }

    /// How long the drill may last.
    pub fn limit(&self) -> Duration {
        offset(&self.limit).unwrap_or(Duration::minutes(15))
    }

    /// How long a simulated responder takes to answer a page, or `None`
    /// when they never do (or are not in the scenario).
    pub fn answers(&self, handle: &str) -> Option<Duration> {
        self.responders
            .iter()
            .find(|r| r.handle == handle)
            .and_then(|r| offset(&r.answers).ok())
    }
}
