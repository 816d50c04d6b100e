//! The flags many commands share: where the backend is (`BackendArgs`),
//! how the console looks (`ConsoleArgs`), and how a write is sent
//! (`WriteFlags`).

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Clone, Args, Default)]
pub struct WriteFlags {
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Print the result (the backend's answer) as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print the exact request that would be sent, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `30m`, `2h`, `1d`, `90` (minutes): a silence's length, in minutes.
pub fn parse_silence(s: &str) -> Result<u32, String> {
    let t = s.trim();
    let (num, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "m"),
    };
    let n: u32 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration like 30m or 2h"))?;
    let minutes = match unit {
        "m" => n,
        "h" => n.saturating_mul(60),
        "d" => n.saturating_mul(24 * 60),
        _ => return Err(format!("`{s}`: use m, h or d, e.g. 30m or 2h")),
    };
    if !(1..=7 * 24 * 60).contains(&minutes) {
        return Err(format!("`{s}`: a silence lasts 1 minute to 7 days"));
    }
    Ok(minutes)
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
    /// Make no changes: writes are neither offered nor sent (as
    /// `read_only = true` in a profile).
    #[arg(long, global = true)]
    pub read_only: bool,
    /// With no server or profile configured, use the local war room even
    /// when it does not exist yet (one-shot commands refuse otherwise).
    #[arg(long, global = true)]
    pub local: bool,
}

#[derive(Debug, Clone, Args, Default)]
pub struct ConsoleArgs {
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Colour theme: default, light, high-contrast, mono, colorblind, or a file in ~/.config/warroom/themes.
    #[arg(long, global = true)]
    pub theme: Option<String>,
    /// Line mode for screen readers: changes said as lines, commands typed
    /// as lines (`help` lists them); no full-screen grid. Also WARROOM_PLAIN=1.
    #[arg(long, env = "WARROOM_PLAIN", value_parser = clap::builder::FalseyValueParser::new())]
    pub plain: bool,
    /// A slow link (SSH over a poor connection): clocks and countdowns by
    /// the minute, no blinking, at most four frames a second. Also
    /// WARROOM_LOW_BANDWIDTH=1 or `low_bandwidth = true` in the config.
    #[arg(long, global = true, env = "WARROOM_LOW_BANDWIDTH", value_parser = clap::builder::FalseyValueParser::new())]
    pub low_bandwidth: bool,
}

/// A silence id as Alertmanager gives it (a UUID), or `BACKEND/UUID` in a
/// merged view: letters, digits, `-`, `_` and one `/`, at most 100.
pub fn parse_silence_id(s: &str) -> Result<String, String> {
    let t = s.trim();
    let ok = !t.is_empty()
        && t.len() <= 100
        && t.matches('/').count() <= 1
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'));
    if ok {
        Ok(t.to_string())
    } else {
        Err(
            "a silence id is letters, digits and `-` (as Alertmanager gives it), \
             or BACKEND/ID in a merged view"
                .to_string(),
        )
    }
}
