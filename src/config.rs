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
//!
//! [views.oncall]             # several profiles as one list (a merged view):
//! profiles = ["prod", "alerts", "pd"]           # `--profile oncall`, or
//!                                               # `--profile prod,alerts,pd`
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
    /// A slow link (as `--low-bandwidth`): times by the minute, no
    /// blinking, at most four frames a second (default off).
    pub low_bandwidth: Option<bool>,
    /// URLs on screen are OSC 8 hyperlinks a click opens (default on;
    /// off for a terminal that prints the escapes).
    pub hyperlinks: Option<bool>,
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// Merged views: several profiles read as one list.
    #[serde(default)]
    pub views: BTreeMap<String, View>,
}

/// A merged view (`[views.NAME]`): the profiles it reads, in order (the
/// first warroom server among them is where `n` declares).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    pub profiles: Vec<String>,
}

impl Config {
    /// The profiles `--profile` names: a view's, a comma-separated list's,
    /// or `None` for one profile.
    pub fn view_profiles(&self, name: &str) -> Option<Vec<String>> {
        if let Some(v) = self.views.get(name) {
            return Some(v.profiles.clone());
        }
        name.contains(',').then(|| {
            name.split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect()
        })
    }
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
    /// Make no changes through this profile (a wallboard, production seen
    /// from a laptop): no write offered, queued or sent.
    #[serde(default)]
    pub read_only: bool,
    /// PagerDuty: the Accept header (default
    /// `application/vnd.pagerduty+json;version=2`); some mocks want
    /// `application/json`.
    pub accept: Option<String>,
}

/// What is wrong with the user's configuration: like a wrong command
/// line, something the user fixes (the CLI exits 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No home or config directory to look in.
    #[error("{0}")]
    NoDirectory(String),
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not valid TOML or not warroom's shape (said without
    /// quoting a secret: see [`toml_error`]).
    #[error("{0}")]
    Invalid(String),
    #[error("no profile `{name}` in {} (have: {})", path.display(), have.join(", "))]
    NoProfile {
        name: String,
        path: PathBuf,
        have: Vec<String>,
    },
    /// A profile that cannot be used as written (a missing setting).
    #[error("profile `{name}`: {what}")]
    Profile { name: String, what: String },
}

impl Config {
    pub fn path() -> Result<PathBuf, ConfigError> {
        Ok(crate::paths::config_dir()
            .map_err(ConfigError::NoDirectory)?
            .join("config.toml"))
    }

    /// The user's config file, wherever it is.
    pub fn load_default() -> Result<Config, ConfigError> {
        Self::load(&Self::path()?)
    }

    /// Reads the config; a missing file is an empty config, a broken one an
    /// error that names the file and the problem.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                toml::from_str(&text).map_err(|e| ConfigError::Invalid(toml_error(path, &text, &e)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(source) => Err(ConfigError::Unreadable {
                path: path.to_path_buf(),
                source,
            }),
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

    #[test]
    fn a_view_is_named_in_the_config_or_written_with_commas() {
        let c: Config = toml::from_str(
            "[profiles.a]\nurl = \"https://a\"\n[profiles.b]\nurl = \"https://b\"\n\
             [views.both]\nprofiles = [\"a\", \"b\"]",
        )
        .unwrap();
        assert_eq!(c.view_profiles("both").unwrap(), ["a", "b"]);
        assert_eq!(c.view_profiles("a, b").unwrap(), ["a", "b"]);
        assert!(c.view_profiles("a").is_none());
    }
}

/// A TOML error, said without quoting the file: `path, line L, column C:
/// key `k`: what is wrong`. toml's own message shows the offending line and often
/// the value, and a config line can hold a secret (an HMAC key, a webhook
/// URL, a header value, a password in a URL): so the value is never
/// quoted for a key that can hold a secret, nor any quoted part over 24
/// characters, whatever the key.
pub fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> String {
    let (line_no, col, key) = match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let before = &text[..start];
            let line_no = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let col = text[line_start..start].chars().count() + 1;
            let line = text[line_start..].lines().next().unwrap_or("");
            let key = line
                .split_once('=')
                .map(|(k, _)| k.trim().trim_matches('"').to_string())
                .filter(|k| !k.is_empty() && k.len() <= 60);
            (line_no, col, key)
        }
        None => (0, 0, None),
    };
    let secret = key.as_deref().is_some_and(holds_secret);
    let message = redact_quoted(e.message().trim(), secret);
    let place = if line_no > 0 {
        format!("{}, line {line_no}, column {col}", path.display())
    } else {
        path.display().to_string()
    };
    match key {
        Some(k) => format!(
            "{place}: key `{}`: {message}",
            crate::text::one_line(&k, 60)
        ),
        None => format!("{place}: {message}"),
    }
}

/// Whether a config key's value can be a secret.
fn holds_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "secret",
        "token",
        "password",
        "url",
        "authorization",
        "header",
        "key",
        "db",
    ]
    .iter()
    .any(|s| k.contains(s))
}

/// Replaces quoted parts of `message` (`"…"`, `'…'`, `` `…` ``) with
/// `<hidden>`: all of them when `all`, else those over 24 characters.
fn redact_quoted(message: &str, all: bool) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`', '\'']) {
        let q = rest[open..].chars().next().unwrap_or('"');
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(q) {
            Some(close) => {
                let inner = &after[..close];
                if all || inner.chars().count() > 24 {
                    out.push(q);
                    out.push_str("<hidden>");
                    out.push(q);
                } else {
                    out.push(q);
                    out.push_str(inner);
                    out.push(q);
                }
                rest = &after[close + 1..];
            }
            None => {
                // An unclosed quote: the rest may be the value itself.
                out.push(q);
                out.push_str(if all { "<hidden>" } else { "" });
                rest = "";
            }
        }
    }
    out.push_str(rest);
    crate::text::one_line(&out, 300)
}

#[cfg(test)]
mod toml_error_tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Target {
        secret: u32,
        events: Vec<String>,
    }

    #[test]
    fn a_config_error_names_the_place_and_never_the_secret() {
        let text = "events = []\nsecret = \"hmac-very-secret-value\"\n";
        let e = toml::from_str::<Target>(text).unwrap_err();
        let said = toml_error(Path::new("server.toml"), text, &e);
        assert!(said.starts_with("server.toml, line 2, column"), "{said}");
        assert!(said.contains("key `secret`"), "{said}");
        assert!(!said.contains("hmac-very-secret-value"), "{said}");
        // A long quoted value is hidden whatever the key.
        assert_eq!(
            redact_quoted(
                "invalid value \"https://hooks.example.com/T0/B0/XYZ\"",
                false
            ),
            "invalid value \"<hidden>\""
        );
        assert_eq!(
            redact_quoted("unknown field `kidn`", false),
            "unknown field `kidn`"
        );
    }
}
