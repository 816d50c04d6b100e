//! Practice outages (drills): the scenario format, the mark a drill
//! incident carries, and the debrief that scores the team against the
//! practice. The server runs a scenario (`server/drill`); everything here
//! is data and rules, so the console, the CLI and the server score alike.
//!
//! - [`scenario`]: the TOML format, read with line and column on error,
//!   and checked (references, bounds, offsets).
//! - [`builtin`]: the scenarios shipped with warroom.
//! - [`debrief`]: the figures of a finished drill, each with its rule.

pub mod builtin;
pub mod debrief;
pub mod scenario;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use debrief::{Debrief, Figure, Verdict};
pub use scenario::{Scenario, ScenarioError};

/// What marks an incident as a drill: kept on the incident for good, so
/// it is a drill everywhere (console, wallboard, API, postmortem), never
/// reaches a notify target that did not opt in, and stays out of stats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillMark {
    /// The scenario's name.
    pub scenario: String,
    /// This run: one scenario can be run many times.
    pub run: String,
    pub started_at: DateTime<Utc>,
    /// How much faster than written the script was played (1 = as written).
    #[serde(default = "one")]
    pub speed: u32,
}

fn one() -> u32 {
    1
}

/// `POST /drills`: a scenario by built-in name or as TOML text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartDrill {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builtin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// Play the script this many times faster (1 to [`MAX_SPEED`];
    /// the debrief still scores in real time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<u32>,
}

/// The answer to `POST /drills`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillStarted {
    pub incident: crate::model::IncidentId,
    pub run: String,
    pub scenario: String,
    pub title: String,
}

/// The fastest a script may be played: a 15-minute scenario in 15 s.
pub const MAX_SPEED: u32 = 60;

#[cfg(test)]
mod tests;
