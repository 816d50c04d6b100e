//! The state document's commands: tasks, hypotheses, decisions, command
//! (handoff), CAN reports, releasing a responder, and the brief.

use clap::Subcommand;

use super::{BackendArgs, WriteFlags};

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Give a task to a responder with a time box (a responder's token
    /// proposes it instead, for a commander to assign).
    ///
    /// Example: warroom task add INC-42 "Roll back 4.2" --owner bob --due 5m
    Add {
        /// The incident id, e.g. INC-42.
        id: String,
        /// What to do, in a line.
        title: String,
        /// Who does it: a responder's handle.
        #[arg(long)]
        owner: Option<String>,
        /// The time box: 5m, 90s, 1h30m, or a time today such as 14:30
        /// (your local time) or an RFC 3339 time. At most 24h.
        #[arg(long)]
        due: Option<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Give a proposed or open task an owner and a new time box.
    Assign {
        /// The incident id, e.g. INC-42.
        id: String,
        /// The task's number, e.g. 3 or #3.
        task: String,
        /// Who does it: a responder's handle.
        #[arg(long)]
        owner: String,
        /// The time box: 5m, 1h, 14:30.
        #[arg(long)]
        due: String,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Mark a task done with its one-line result (your own, or any as a commander).
    Done {
        /// The incident id, e.g. INC-42.
        id: String,
        /// The task's number, e.g. 3 or #3.
        task: String,
        /// What came of it, in a line.
        #[arg(long)]
        result: String,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Drop a task that is no longer needed, saying why.
    Drop {
        /// The incident id, e.g. INC-42.
        id: String,
        /// The task's number, e.g. 3 or #3.
        task: String,
        /// Why it is no longer needed.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        write: WriteFlags,
    },
}

#[derive(Debug, Subcommand)]
pub enum HypothesisCommand {
    /// Raise a hypothesis, optionally with timeline entries as evidence.
    ///
    /// Example: warroom hypothesis add INC-42 "DB pool exhausted" --evidence 7
    Add {
        /// The incident id, e.g. INC-42.
        id: String,
        /// The hypothesis, in a line or two.
        text: String,
        /// A timeline entry's number (repeat for more).
        #[arg(long)]
        evidence: Vec<u64>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Link a timeline entry to a hypothesis as evidence.
    Link {
        /// The incident id, e.g. INC-42.
        id: String,
        /// The hypothesis's number, e.g. 2 or #2.
        hypothesis: String,
        /// The timeline entry's number.
        #[arg(long)]
        seq: u64,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Confirm a hypothesis (commander).
    Confirm {
        /// The incident id, e.g. INC-42.
        id: String,
        /// The hypothesis's number, e.g. 2 or #2.
        hypothesis: String,
        /// What showed it.
        #[arg(long)]
        why: Option<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Rule a hypothesis out, saying what showed it wrong (commander).
    RuleOut {
        /// The incident id, e.g. INC-42.
        id: String,
        /// The hypothesis's number, e.g. 2 or #2.
        hypothesis: String,
        /// What showed it wrong (required: the brief and the review quote it).
        #[arg(long)]
        why: String,
        #[command(flatten)]
        write: WriteFlags,
    },
}

#[derive(Debug, Subcommand)]
pub enum CommandCommand {
    /// Offer command to someone; nothing changes until they accept.
    ///
    /// Example: warroom command offer INC-42 dana
    Offer {
        /// The incident id, e.g. INC-42.
        id: String,
        /// Who: their handle.
        to: String,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Accept command offered to you, naming the brief you read
    /// (`warroom brief ID` prints its version).
    Accept {
        /// The incident id, e.g. INC-42.
        id: String,
        /// The version printed at the top of the brief you read.
        #[arg(long)]
        brief_version: u64,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Decline command offered to you.
    Decline {
        /// The incident id, e.g. INC-42.
        id: String,
        /// Why (recorded on the timeline).
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Withdraw an offer of command.
    Withdraw {
        /// The incident id, e.g. INC-42.
        id: String,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Take command from the current IC without an offer, naming the
    /// brief you read.
    Take {
        /// The incident id, e.g. INC-42.
        id: String,
        /// The version printed at the top of the brief you read.
        #[arg(long)]
        brief_version: u64,
        /// Why (recorded on the timeline).
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
}

/// `warroom brief`'s arguments.
#[derive(Debug, clap::Args)]
pub struct BriefArgs {
    /// The incident id, e.g. INC-42.
    pub id: String,
    #[command(flatten)]
    pub backend: BackendArgs,
    /// md (CommonMark) or json.
    #[arg(long, default_value = "md")]
    pub format: String,
}

/// `warroom notify …`.
#[derive(Debug, clap::Subcommand)]
pub enum NotifyCommand {
    /// The readiness check: send a clearly marked test message to each
    /// notification target of the server (or the ones named) now, and say
    /// per target whether it was delivered, how long it took and why not.
    /// Exits 1 when any target failed. Commanders only.
    ///
    /// Example: warroom notify test --api https://warroom.internal
    Test {
        /// Only these targets (by name), e.g. incident-channel dana-pager.
        targets: Vec<String>,
        /// The results as JSON.
        #[arg(long)]
        json: bool,
        /// Send nothing: print what each target would receive.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        backend: super::BackendArgs,
    },
}

/// `warroom status …`.
#[derive(Debug, clap::Subcommand)]
pub enum StatusCommand {
    /// Write the status page as static files (index.html, status.json,
    /// status.atom) into DIR, to host elsewhere: the same pages the server
    /// serves at /status. Refuses to replace files already there unless
    /// --force.
    ///
    /// Example: warroom status export ./public-status --api https://warroom.internal
    Export {
        /// The folder to write into (created, private, if missing).
        dir: std::path::PathBuf,
        /// Replace index.html, status.json and status.atom if they exist.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        backend: super::BackendArgs,
    },
}

/// `warroom impact`'s arguments: the impact as it is now, whole.
#[derive(Debug, clap::Args)]
pub struct ImpactArgs {
    /// The incident id, e.g. INC-42.
    pub id: String,
    /// Customers affected: a number, or `unknown` (the default).
    #[arg(long, default_value = "unknown")]
    pub customers: String,
    /// The scope in words, e.g. "EU checkout since 14:02".
    #[arg(long, default_value = "")]
    pub scope: String,
    /// An affected component and its condition, e.g. checkout=partial_outage
    /// (operational, degraded, partial_outage, major_outage); repeat it.
    #[arg(long = "component")]
    pub components: Vec<String>,
    #[command(flatten)]
    pub write: WriteFlags,
}
