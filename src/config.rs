//! The user's config file, `~/.config/warroom/config.toml`:
//!
//! ```toml
//! theme = "default"          # optional
//! bell = true                # ring the bell for a new SEV1/SEV2 (default true)
//! title = true               # open SEV1 count in the terminal title (default true)
//! mouse = true               # click selects / focuses, wheel scrolls (default true)
//! default_profile = "prod"   # optional; used when no --api/--profile is given
//!
//! [profiles.prod]
//! kind = "warroom"           # the backend kind
//! url = "https://warroom.example.com"
//! token_file = "~/.config/warroom/prod.token"   # or token_env = "PROD_TOKEN"
//! ca_cert = "/etc/ssl/private-ca.pem"           # optional, a private CA
//!
//! [profiles.alerts]
//! kind = "alertmanager"
//! url = "http://alertmanager:9093"
//! user = "alice"                                # silences are created by
//!
//! [profiles.pd]
//! kind = "pagerduty"
//! url = "https://api.pagerduty.com"
//! token_env = "PAGERDUTY_TOKEN"
//! user = "alice@example.com"                    # the From header for writes
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub theme: Option<String>,
    /// Ring the terminal bell when a new SEV1/SEV2 appears (default on).
    pub bell: Option<bool>,
    /// Show the count of open SEV1s in the terminal's title (default on).
    pub title: Option<bool>,
    /// Click to select a row or focus a pane, wheel to scroll (default on;
    /// off gives the terminal's own selection back to the mouse).
    pub mouse: Option<bool>,
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    #[default]
    Warroom,
    Alertmanager,
    Pagerduty,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub kind: BackendKind,
    pub url: String,
    pub token_file: Option<PathBuf>,
    /// Name of an environment variable holding the token.
    pub token_env: Option<String>,
    pub ca_cert: Option<PathBuf>,
    /// Alertmanager: who silences are created by (default: $USER).
    /// PagerDuty: the `From` email every write must carry.
    pub user: Option<String>,
    /// PagerDuty: the Accept header (default
    /// `application/vnd.pagerduty+json;version=2`); some mocks want
    /// `application/json`.
    pub accept: Option<String>,
}

impl Config {
    pub fn path() -> Result<PathBuf, String> {
        Ok(crate::paths::config_dir()?.join("config.toml"))
    }

    /// The user's config file, wherever it is.
    pub fn load_default() -> Result<Config, String> {
        Self::load(&Self::path()?)
    }

    /// Reads the config; a missing file is an empty config, a broken one an
    /// error that names the file and the problem.
    pub fn load(path: &Path) -> Result<Config, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }
}

/// `~/x` to the home directory, for paths written in the config file.
pub fn expand_home(p: &Path) -> PathBuf {
    match (p.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => p.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_parse_and_typos_are_named() {
        let c: Config = toml::from_str(
            "default_profile = \"p\"\n[profiles.p]\nurl = \"https://x\"\ntoken_env = \"T\"",
        )
        .unwrap();
        assert_eq!(c.profiles["p"].kind, BackendKind::Warroom);
        let e = toml::from_str::<Config>("[profiles.p]\nurl = \"https://x\"\ntoken_fil = \"t\"")
            .unwrap_err();
        assert!(e.to_string().contains("token_fil"), "{e}");
    }
}
