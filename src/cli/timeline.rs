//! `warroom timeline`: the curated timeline after (or during) an incident:
//! tag and pin the events that tell the story, correct a time or words
//! with the reason kept, and print the story by tag or from the pins.

use clap::Subcommand;

use super::{BackendArgs, WriteFlags};

#[derive(Debug, Clone, Subcommand)]
pub enum TimelineCommand {
    /// Set an event's tags from the policy's set (detection, hypothesis,
    /// mitigation, communication, narrative, red-herring, false-start by
    /// default); no tags removes them.
    ///
    /// Example: warroom timeline tag INC-42 17 mitigation
    Tag {
        /// The incident, e.g. INC-42.
        id: String,
        /// The event's number (its seq, as `show` prints it).
        seq: u64,
        /// The tags, e.g. mitigation red-herring.
        tags: Vec<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Pin an event: the postmortem's narrative is built from the pins.
    ///
    /// Example: warroom timeline pin INC-42 17
    Pin {
        /// The incident, e.g. INC-42.
        id: String,
        /// The event's number (its seq).
        seq: u64,
        /// Unpin it instead.
        #[arg(long)]
        unpin: bool,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Correct an event's time or words; the original stays on the record
    /// and the correction is kept with who, when and why.
    ///
    /// Example: warroom timeline correct INC-42 17 --at 2026-03-06T14:01:10Z --why "bastion clock ran fast"
    Correct {
        /// The incident, e.g. INC-42.
        id: String,
        /// The event's number (its seq).
        seq: u64,
        /// When it really happened (RFC 3339).
        #[arg(long, value_parser = parse_time)]
        at: Option<chrono::DateTime<chrono::Utc>>,
        /// What it should say.
        #[arg(long)]
        text: Option<String>,
        /// Why (required: the review reads it).
        #[arg(long)]
        why: String,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Print the curated timeline: every event with its tags, pins and
    /// corrections, or only one tag's events (`--tag`), or the pinned ones.
    ///
    /// Example: warroom timeline show INC-42 --tag red-herring
    Show {
        /// The incident, e.g. INC-42.
        id: String,
        #[command(flatten)]
        backend: BackendArgs,
        /// Only the events with this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Only the pinned events.
        #[arg(long)]
        pinned: bool,
        /// Print the events and their curation as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("not an RFC 3339 time ({e}), e.g. 2026-03-06T14:01:10Z"))
}
