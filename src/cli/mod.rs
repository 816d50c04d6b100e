//! The command line. Parsing only: each command hands off to its module.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod drill;
mod reviews;
mod scope;
pub use reviews::{ReviewCommand, ReviewsArgs};
pub use scope::{command, parse};
pub use timeline::TimelineCommand;
mod server;
mod shared;
mod state_doc;
mod timeline;
pub use drill::{DrillArgs, DrillCommand};
pub use server::{
    RulesCommand, ServeArgs, TokenCommand, parse_duration, parse_listen, parse_timeout,
};
pub use shared::{BackendArgs, ConsoleArgs, WriteFlags, parse_silence, parse_silence_id};
pub use state_doc::{
    BriefArgs, CommandCommand, HypothesisCommand, ImpactArgs, NotifyCommand, StatusCommand,
    TaskCommand,
};

#[derive(Debug, Parser)]
#[command(
    name = "warroom",
    version,
    about = "A terminal war-room console for incident response",
    long_about = "A terminal war-room console for incident response.\n\n\
        With no command, opens the console. With nothing configured it starts an embedded \
        server on loopback with a database in your XDG data dir, so `warroom` alone is a \
        working war room. `warroom demo` runs a live simulated outage.",
    after_help = "Keys in the console: press ? for the full list.\n\n\
        Exit codes: 0 ok, 1 other failure, 2 usage, 3 not found, 4 auth refused, \
        5 backend unreachable or timed out, 6 conflict (changed by someone else, or the \
        incident's state refuses it)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The longest a one-shot command (list, show, ack, note, …) may take
    /// before it gives up with exit 5, e.g. 10s, 2m. Also WARROOM_TIMEOUT.
    /// Default 60s. The console, the wallboard and watch are not one-shot.
    #[arg(long, global = true, env = "WARROOM_TIMEOUT", value_parser = parse_timeout)]
    pub timeout: Option<std::time::Duration>,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The incident commander's console (the default command).
    Console(ConsoleArgs),
    /// A live simulated outage on an embedded server, with the console on it.
    Demo,
    /// Practice: play a scenario (a practice outage) in the real console,
    /// on an embedded server by default or on a team server with --api.
    /// The incident is marked DRILL everywhere, reaches no notification
    /// target that did not opt in (`drills = true`) and stays out of stats.
    /// When the console closes the debrief is printed.
    Drill(DrillArgs),
    /// Read-only rotating display for NOC screens (give it a viewer token).
    Wallboard {
        /// How long each incident card shows (SEV1 cards twice as long).
        #[arg(long, default_value = "20s", value_parser = parse_duration)]
        rotate: std::time::Duration,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// What changes, as lines (for scripts and logs): the active incidents,
    /// then every new timeline entry as it happens, a new SEV1 or SEV2
    /// first. Runs until its output is closed.
    ///
    /// Example: warroom watch --json | jq 'select(.severity == "SEV1")'
    Watch {
        /// One JSON object per line (type: incident, event, left, notice).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// The reference incident API server.
    Serve(ServeArgs),
    /// Manage API tokens in a server's database.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
        /// The server's database: a SQLite file or a postgres:// URL
        /// (default: the local-mode database).
        #[arg(long, global = true, env = "WARROOM_DB", hide_env_values = true)]
        db: Option<PathBuf>,
    },
    /// Bring a server's database to this binary's schema and say its
    /// version (`warroom serve` does this at start too; run it first to
    /// upgrade before starting several replicas).
    Migrate {
        /// A SQLite file or a postgres:// URL (default: the local-mode database).
        #[arg(long, env = "WARROOM_DB", hide_env_values = true)]
        db: Option<PathBuf>,
    },
    /// List incidents as a table (or JSON) without the console.
    List {
        #[command(flatten)]
        backend: BackendArgs,
        /// Include resolved and closed incidents.
        #[arg(long)]
        all: bool,
        /// Print the incidents as JSON (an array of incident summaries).
        #[arg(long)]
        json: bool,
    },
    /// Show one incident: fields, responders, checklist and timeline.
    Show {
        /// The incident id, e.g. INC-42.
        id: String,
        #[command(flatten)]
        backend: BackendArgs,
        /// Print the incident's detail as JSON.
        #[arg(long)]
        json: bool,
        /// Replay: the incident as it stood then. An RFC 3339 time
        /// (2026-03-06T14:07:00Z), a UTC clock time (14:07: the first one
        /// at or after the declaration), or an event's number (#42).
        #[arg(long, value_name = "WHEN")]
        at: Option<String>,
    },
    /// Write the postmortem draft of a resolved, verified or closed
    /// incident: every recorded fact by section, durations, the timeline by
    /// phase, follow-ups, and empty sections for the team (a DRAFT banner
    /// until the incident is closed).
    Postmortem {
        /// The incident id, e.g. INC-42.
        id: String,
        #[command(flatten)]
        backend: BackendArgs,
        /// md (CommonMark) or json.
        #[arg(long, default_value = "md")]
        format: String,
        /// Write to this file (private, 0600) instead of standard output.
        /// An existing file is never replaced (it may hold edits) unless
        /// --force; a symbolic link is never written through or replaced.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// Replace the -o file if it exists.
        #[arg(long, requires = "output")]
        force: bool,
    },
    /// List follow-up actions across incidents (open ones by default, the
    /// most pressing first).
    Followups {
        #[command(flatten)]
        backend: BackendArgs,
        /// Only this owner's (any case).
        #[arg(long)]
        owner: Option<String>,
        /// Only open ones past their due date.
        #[arg(long)]
        overdue: bool,
        /// open, done, wont_do or all.
        #[arg(long)]
        status: Option<String>,
        /// Print them as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The review after the outage: name its owner, move it on.
    Review {
        #[command(subcommand)]
        command: ReviewCommand,
    },
    /// The curated timeline: tag and pin the events that tell the story,
    /// correct a time or words (audited), print it by tag or from the pins.
    Timeline {
        #[command(subcommand)]
        command: TimelineCommand,
    },
    /// Open reviews with their owner, status and what is due next; the
    /// overdue first.
    ///
    /// Example: warroom reviews --overdue
    Reviews(ReviewsArgs),
    /// Response metrics over a window: MTTA, time to contain, MTTR and time
    /// to verify (median and p90) by severity and service, the slowest
    /// incidents, skipped checklists, responder load, repeat offenders.
    Stats {
        #[command(flatten)]
        backend: BackendArgs,
        /// The window: 90d, 12h, 4w or all.
        #[arg(long, default_value = "90d")]
        since: String,
        /// Only this service's incidents.
        #[arg(long)]
        service: Option<String>,
        /// Your UTC offset (+02:00), for pages outside 09-18 local time.
        #[arg(long)]
        utc_offset: Option<String>,
        /// Also say what each figure measures: its start and end points
        /// (always in the JSON, as `definitions`).
        #[arg(long)]
        explain: bool,
        /// Print the metrics as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Acknowledge incidents (warroom, PagerDuty).
    ///
    /// Example: warroom list --json | jq -r '.[] | select(.service == "checkout") | .id' | warroom ack -
    Ack {
        /// The incident ids, e.g. INC-42 INC-43; `-` reads ids from
        /// standard input (at most 500 in all).
        #[arg(required = true, value_name = "ID")]
        id: Vec<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Add a note to an incident's timeline (`-` reads the text from stdin).
    Note {
        /// The incident id, e.g. INC-42.
        id: String,
        /// The note; `-` reads it from standard input.
        text: String,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Post a stakeholder status update (`-` reads the text from stdin).
    Update {
        /// The incident id, e.g. INC-42.
        id: String,
        /// The update; `-` reads it from standard input.
        text: String,
        /// For customers (public channels, the status page).
        #[arg(long, conflicts_with = "internal")]
        public: bool,
        /// For the people inside (the default).
        #[arg(long)]
        internal: bool,
        /// Which update: initial, scoping, update or resolution (worked
        /// out from the incident when left out: resolution once resolved).
        #[arg(long, value_name = "STAGE")]
        stage: Option<crate::model::cadence::UpdateStage>,
        /// A resolution update's statement on data loss and lingering
        /// impact (required there; "none" is a statement).
        #[arg(long, value_name = "TEXT")]
        data_loss: Option<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Advance an incident to the next phase of its lifecycle.
    Advance {
        /// The incident id, e.g. INC-42.
        id: String,
        /// Leave the phase although checklist items are open (needs --reason).
        #[arg(long)]
        force: bool,
        /// Why: recorded on the timeline (required with --force).
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Set an incident's severity (SEV1 to SEV5).
    Severity {
        /// The incident id, e.g. INC-42.
        id: String,
        /// The new severity: SEV1 (critical) to SEV5 (informational).
        severity: crate::model::Severity,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Declare a new incident (you become its commander).
    Declare {
        /// A short title, e.g. "Checkout API returning 502s".
        #[arg(long)]
        title: String,
        /// The affected service, e.g. checkout.
        #[arg(long)]
        service: String,
        /// SEV1 (critical) to SEV5 (informational).
        #[arg(long)]
        severity: crate::model::Severity,
        /// What is happening and who is affected.
        #[arg(long, default_value = "")]
        summary: String,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Resolve an incident in one step (PagerDuty).
    Resolve {
        /// The incident ids, e.g. INC-42 INC-43; `-` reads ids from
        /// standard input (at most 500 in all).
        #[arg(required = true, value_name = "ID")]
        id: Vec<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Silence the alert group behind an incident (Alertmanager), or
    /// expire a silence.
    ///
    /// Examples:
    ///   warroom silence INC-104233 --duration 2h --comment "deploy rollback under way"
    ///   warroom silence --expire 5f4e0c1e-8a2b-4c55-9d55-0b1b2e9f6a10
    #[command(verbatim_doc_comment)]
    Silence {
        /// The incident ids, e.g. INC-3 INC-4; `-` reads ids from
        /// standard input (at most 500 in all).
        #[arg(required_unless_present = "expire", value_name = "ID")]
        id: Vec<String>,
        /// How long: 30m, 2h (1 minute to 7 days).
        #[arg(long, value_parser = parse_silence, required_unless_present = "expire")]
        duration: Option<u32>,
        /// Why, for the next person who finds the silence.
        #[arg(long, required_unless_present = "expire")]
        comment: Option<String>,
        /// Expire this silence now (its id, as `warroom silence` with
        /// --json or the console's silences list gives it).
        #[arg(long, value_name = "SILENCE_ID", value_parser = parse_silence_id,
              conflicts_with_all = ["id", "duration", "comment"])]
        expire: Option<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Tasks on an incident: give one to a person with a time box, mark
    /// it done, drop it.
    Task {
        #[command(subcommand)]
        command: TaskCommand,
    },
    /// Hypotheses on an incident: raise, link evidence, confirm, rule out.
    Hypothesis {
        #[command(subcommand)]
        command: HypothesisCommand,
    },
    /// Record a decision: what, why, whether objections were asked for.
    ///
    /// Example: warroom decide INC-42 "Roll back to 4.1" --why "4.2 confirmed" --objections-asked
    Decide {
        /// The incident id, e.g. INC-42.
        id: String,
        /// What was decided.
        text: String,
        /// Why.
        #[arg(long, default_value = "")]
        why: String,
        /// "Any strong objections?" was asked before deciding.
        #[arg(long)]
        objections_asked: bool,
        /// The number of an earlier decision this one replaces.
        #[arg(long)]
        supersedes: Option<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Hand off command in two steps: offer, then accept having read the brief.
    Command {
        #[command(subcommand)]
        command: CommandCommand,
    },
    /// Post a CAN report: Condition, Actions, Needs.
    Can {
        /// The incident id, e.g. INC-42.
        id: String,
        /// What you see now.
        #[arg(long)]
        condition: String,
        /// What you are doing.
        #[arg(long, default_value = "")]
        actions: String,
        /// What you need.
        #[arg(long, default_value = "")]
        needs: String,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Set the impact (the communications lead's): customers affected,
    /// scope, affected components with their condition.
    ///
    /// Example: warroom impact INC-42 --customers 1200 --scope "EU checkout" --component checkout=partial_outage
    Impact(ImpactArgs),
    /// Put an incident on the public status page under the title customers
    /// read (a commander's switch, recorded on the timeline), or take it
    /// off with --off. Only its public updates are shown there.
    ///
    /// Example: warroom public INC-42 --title "Elevated checkout errors"
    Public {
        /// The incident id, e.g. INC-42.
        id: String,
        /// The title customers read (never the internal one).
        #[arg(long, required_unless_present = "off", conflicts_with = "off")]
        title: Option<String>,
        /// Take it off the status page.
        #[arg(long)]
        off: bool,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Notification targets.
    Notify {
        #[command(subcommand)]
        command: NotifyCommand,
    },
    /// The public status page (served by `warroom serve` at /status).
    Status {
        #[command(subcommand)]
        command: StatusCommand,
    },
    /// Release a responder from the incident (reduce scope); refused while
    /// they own open tasks.
    Release {
        /// The incident id, e.g. INC-42.
        id: String,
        /// Their handle.
        handle: String,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// The brief: generated from the record for a handoff or a late joiner
    /// (status, people, hypotheses, tasks with time left, decisions, the
    /// last update and the next due, silences, runbook runs).
    Brief(BriefArgs),
    /// Print a shell completion script: commands and flags, profile names
    /// and incident ids (from the configured backend), severities and
    /// formats.
    ///
    /// Example: warroom completions bash > ~/.local/share/bash-completion/completions/warroom
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// What the completion scripts ask for: one candidate per line.
    #[command(name = "__complete", hide = true)]
    Complete {
        /// profiles or ids.
        kind: String,
    },
    /// The man pages (roff): the main page on standard output, or every
    /// page (warroom.1, warroom-list.1, …) into a folder with --dir.
    ///
    /// Example: warroom man --dir ~/.local/share/man/man1 && man warroom-drill
    Man {
        /// Write one page per command into this folder (made if missing),
        /// replacing the pages an earlier `warroom man --dir` wrote.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Check a server config's classification rules, or try them on a payload.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[cfg(test)]
mod tests;
