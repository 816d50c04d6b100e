//! `warroom drill …`: practice outages in the real console.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::BackendArgs;

/// `warroom drill SCENARIO`, or one of its subcommands.
#[derive(Debug, Clone, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  \
        warroom drill list\n  \
        warroom drill bad-deploy\n  \
        warroom drill ./our-scenario.toml --speed 4\n  \
        warroom drill dependency-outage --api https://warroom.internal --token-file ~/.wr-token\n  \
        warroom drill check ./our-scenario.toml\n  \
        warroom drill debrief INC-12 --format json"
)]
pub struct DrillArgs {
    #[command(subcommand)]
    pub command: Option<DrillCommand>,
    /// A built-in scenario (bad-deploy, dependency-outage, slow-burn; see
    /// `warroom drill list`) or a scenario file (TOML, see docs/drills.md).
    pub scenario: Option<String>,
    /// Play the script N times faster (1 to 60). The debrief still scores
    /// against the real clock.
    #[arg(long, default_value_t = 1)]
    pub speed: u32,
    /// The debrief printed when the console closes: md or json.
    #[arg(long, default_value = "md")]
    pub format: String,
    #[command(flatten)]
    pub backend: BackendArgs,
}

#[derive(Debug, Clone, Subcommand)]
pub enum DrillCommand {
    /// Check scenario files: each is read and checked as the server would,
    /// and a problem is said with its file, line and column. Exits 2 when
    /// any is refused.
    Check {
        /// The scenario files (TOML) to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// The built-in scenarios.
    List,
    /// A drill incident's debrief: each figure against its rule, what the
    /// team made true, and the recommended response.
    Debrief {
        /// The drill incident's id, e.g. INC-12.
        id: String,
        /// md (CommonMark) or json.
        #[arg(long, default_value = "md")]
        format: String,
        #[command(flatten)]
        backend: BackendArgs,
    },
}
