//! `warroom review` and `warroom reviews`: the review after the outage.

use clap::Subcommand;

use super::{BackendArgs, WriteFlags};

#[derive(Debug, Clone, Subcommand)]
pub enum ReviewCommand {
    /// Name the review's owner (a SEV1/SEV2 gets one at resolution; the
    /// deadline follows [policy] review_deadlines).
    ///
    /// Example: warroom review owner INC-42 dana
    Owner {
        /// The incident, e.g. INC-42.
        id: String,
        /// Who owns the review (a handle).
        owner: String,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Move the review one step: in-review, reviewed, closed (closing needs
    /// every follow-up done, not doing, or open with an owner and a due
    /// date).
    ///
    /// Example: warroom review move INC-42 in-review
    Move {
        /// The incident, e.g. INC-42.
        id: String,
        /// The next status: in-review, reviewed or closed.
        #[arg(value_parser = parse_status)]
        to: crate::model::ReviewStatus,
        #[command(flatten)]
        write: WriteFlags,
    },
}

fn parse_status(s: &str) -> Result<crate::model::ReviewStatus, String> {
    s.parse()
}

/// `warroom reviews`: open reviews, the overdue first.
#[derive(Debug, Clone, clap::Args)]
pub struct ReviewsArgs {
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Only the reviews whose draft or meeting is overdue.
    #[arg(long)]
    pub overdue: bool,
    /// Print them as JSON.
    #[arg(long)]
    pub json: bool,
}
