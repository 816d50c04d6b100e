//! The command line. Parsing only: each command hands off to its module.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::model::ActorRole;

#[derive(Debug, Parser)]
#[command(
    name = "warroom",
    version,
    about = "A terminal war-room console for incident response",
    long_about = "A terminal war-room console for incident response.\n\n\
        With no command, opens the console. With nothing configured it starts an embedded \
        server on loopback with a database in your XDG data dir, so `warroom` alone is a \
        working war room. `warroom demo` runs a live simulated outage.",
    after_help = "Keys in the console: press ? for the full list."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The incident commander's console (the default command).
    Console(ConsoleArgs),
    /// A live simulated outage on an embedded server, with the console on it.
    Demo,
    /// Read-only rotating display for NOC screens (give it a viewer token).
    Wallboard {
        /// How long each incident card shows (SEV1 cards twice as long).
        #[arg(long, default_value = "20s", value_parser = parse_duration)]
        rotate: std::time::Duration,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// The reference incident API server.
    Serve(ServeArgs),
    /// Manage API tokens in a server's database.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
        /// The server's database (default: the local-mode database).
        #[arg(long, global = true)]
        db: Option<PathBuf>,
    },
    /// List incidents as a table (or JSON) without the console.
    List {
        #[command(flatten)]
        backend: BackendArgs,
        /// Include resolved and closed incidents.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Show one incident: fields, responders, checklist and timeline.
    Show {
        /// The incident id, e.g. INC-42.
        id: String,
        #[command(flatten)]
        backend: BackendArgs,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Args, Default)]
pub struct BackendArgs {
    /// Base URL of a warroom server, e.g. https://warroom.example.com
    #[arg(long, global = true)]
    pub api: Option<String>,
    /// A file holding the API token (must not be readable by other users).
    #[arg(long, global = true)]
    pub token_file: Option<PathBuf>,
    /// A profile from ~/.config/warroom/config.toml.
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// A PEM file of extra CA certificates to trust (a private CA).
    #[arg(long, global = true)]
    pub ca_cert: Option<PathBuf>,
}

#[derive(Debug, Clone, Args, Default)]
pub struct ConsoleArgs {
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Colour theme: default, light, high-contrast, mono, or a file in ~/.config/warroom/themes.
    #[arg(long, global = true)]
    pub theme: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    /// SQLite database file (default: ~/.local/share/warroom/warroom.db).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Server config file (TOML): listen, db, runbooks folder.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Serve the live demo outage from an in-memory database.
    #[arg(long)]
    pub demo: bool,
    /// Accept requests without a token, as a commander. Loopback only.
    #[arg(long)]
    pub no_auth: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once.
    Create {
        #[arg(long, value_parser = parse_role)]
        role: ActorRole,
        /// Who or what holds it: a person's handle or e.g. noc-board.
        #[arg(long)]
        name: String,
    },
    /// List tokens (never the tokens themselves).
    List,
    /// Revoke a token by id or name.
    Revoke { id_or_name: String },
}

fn parse_role(s: &str) -> Result<ActorRole, String> {
    s.parse()
}

/// `20s`, `2m`, `90` (seconds): how long each wallboard card shows.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let (num, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration like 20s or 2m"))?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        _ => return Err(format!("`{s}`: use s or m, e.g. 20s or 2m")),
    };
    if !(3..=3600).contains(&secs) {
        return Err(format!("`{s}`: rotation must be between 3s and 60m"));
    }
    Ok(std::time::Duration::from_secs(secs))
}
