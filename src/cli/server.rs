//! The server side's command line: `serve`, `token`, `rules`, and the
//! parsers for their values.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::model::ActorRole;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate a server config file (rules and all): errors name the line and column.
    Check {
        /// The server config file (TOML).
        file: PathBuf,
    },
    /// Read an Alertmanager webhook payload (JSON) on stdin; print the rule that matches and what it sets.
    Test {
        /// The server config file (TOML).
        file: PathBuf,
    },
}

/// Flags every write command takes.

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on: HOST:PORT, HOST, :PORT or localhost (default 127.0.0.1:7878).
    #[arg(long, value_parser = parse_listen)]
    pub listen: Option<SocketAddr>,
    /// The database: a SQLite file (default: ~/.local/share/warroom/warroom.db)
    /// or a postgres://user:password@host:port/database URL, for several
    /// replicas on one PostgreSQL.
    #[arg(long, env = "WARROOM_DB", hide_env_values = true)]
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
        /// What the token may do: viewer, responder, commander, or integration (alerts only).
        #[arg(long, value_parser = parse_role)]
        role: ActorRole,
        /// Who or what holds it: a person's handle or e.g. noc-board.
        #[arg(long)]
        name: String,
    },
    /// List tokens (never the tokens themselves).
    List {
        /// Print the tokens' records as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by id or name.
    Revoke {
        /// The token's id (from `token list`) or its name.
        id_or_name: String,
    },
}

fn parse_role(s: &str) -> Result<ActorRole, String> {
    s.parse()
}

/// The port `warroom serve` listens on when none is given.
pub const DEFAULT_PORT: u16 = 7878;

/// `HOST:PORT`, `HOST` (port 7878), `:PORT` (loopback) or `localhost[:PORT]`;
/// IPv6 as `[::1]:7878` or `::1`.
pub fn parse_listen(s: &str) -> Result<SocketAddr, String> {
    use std::net::{IpAddr, Ipv4Addr};
    let t = s.trim();
    let bad =
        || format!("`{s}` is not an address to listen on: use HOST:PORT, HOST, :PORT or localhost");
    let port = |p: &str| p.parse::<u16>().map_err(|_| bad());
    if let Ok(a) = t.parse::<SocketAddr>() {
        return Ok(a);
    }
    if let Ok(ip) = t.trim_matches(|c| c == '[' || c == ']').parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, DEFAULT_PORT));
    }
    let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
    if let Some(p) = t.strip_prefix(':') {
        return Ok(SocketAddr::new(loopback, port(p)?));
    }
    let (host, p) = match t.rsplit_once(':') {
        Some((h, p)) => (h, port(p)?),
        None => (t, DEFAULT_PORT),
    };
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(SocketAddr::new(loopback, p));
    }
    Err(bad())
}

/// `20s`, `2m`, `90` (seconds): how long each wallboard card shows.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let d = parse_span(s)?;
    if !(3..=3600).contains(&d.as_secs()) {
        return Err(format!("`{s}`: rotation must be between 3s and 60m"));
    }
    Ok(d)
}

/// `--timeout`: `500ms`, `10s`, `2m`, `90` (seconds); 100 ms to an hour.
pub fn parse_timeout(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let d = match t.strip_suffix("ms") {
        Some(ms) => std::time::Duration::from_millis(
            ms.parse()
                .map_err(|_| format!("`{s}` is not a timeout like 10s, 2m or 500ms"))?,
        ),
        None => parse_span(t)?,
    };
    if d < std::time::Duration::from_millis(100) || d > std::time::Duration::from_secs(3600) {
        return Err(format!("`{s}`: a timeout is 100ms to 60m"));
    }
    Ok(d)
}

/// `20s`, `2m`, `90` (seconds), unbounded.
fn parse_span(s: &str) -> Result<std::time::Duration, String> {
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
        "m" => n
            .checked_mul(60)
            .ok_or_else(|| format!("`{s}` is too long"))?,
        _ => return Err(format!("`{s}`: use s or m, e.g. 20s or 2m")),
    };
    Ok(std::time::Duration::from_secs(secs))
}
