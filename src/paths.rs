//! Where warroom keeps its files, following the XDG base directories
//! (`XDG_CONFIG_HOME`, `XDG_DATA_HOME`, `XDG_STATE_HOME` are honoured).
//!
//! There is deliberately no shared fallback such as `/tmp/warroom`: another
//! local user could create it first and plant actions for our console to
//! send. With no home directory we use `$XDG_RUNTIME_DIR` (private to the
//! user by definition) or refuse, naming the variable to set.

use std::path::PathBuf;

fn dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "warroom")
}

fn fallback(kind: &str) -> Result<PathBuf, String> {
    fallback_in(std::env::var_os("XDG_RUNTIME_DIR"), kind)
}

fn fallback_in(runtime: Option<std::ffi::OsString>, kind: &str) -> Result<PathBuf, String> {
    match runtime.filter(|v| !v.is_empty()) {
        Some(run) => Ok(PathBuf::from(run).join("warroom").join(kind)),
        None => Err(format!(
            "cannot find a private place for warroom's {kind} files: there is no home directory. \
             Set HOME (or XDG_{}_HOME, or XDG_RUNTIME_DIR)",
            kind.to_ascii_uppercase()
        )),
    }
}

/// `~/.config/warroom`: config.toml and user themes.
pub fn config_dir() -> Result<PathBuf, String> {
    dirs().map_or_else(|| fallback("config"), |d| Ok(d.config_dir().to_path_buf()))
}

/// `~/.local/share/warroom`: the local-mode database.
pub fn data_dir() -> Result<PathBuf, String> {
    dirs().map_or_else(|| fallback("data"), |d| Ok(d.data_dir().to_path_buf()))
}

/// `~/.local/state/warroom`: logs, the outbox, note drafts.
pub fn state_dir() -> Result<PathBuf, String> {
    match dirs() {
        Some(d) => Ok(d
            .state_dir()
            .map(|p| p.to_path_buf())
            .unwrap_or_else(|| d.data_dir().join("state"))),
        None => fallback("state"),
    }
}

pub fn default_db() -> Result<PathBuf, String> {
    Ok(data_dir()?.join("warroom.db"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_no_home_there_is_no_shared_tmp_fallback() {
        let e = fallback_in(None, "state").unwrap_err();
        assert!(e.contains("HOME") && e.contains("XDG_RUNTIME_DIR"), "{e}");
        assert!(!e.contains("/tmp"));
        assert_eq!(
            fallback_in(Some("/run/user/1000".into()), "state").unwrap(),
            PathBuf::from("/run/user/1000/warroom/state")
        );
    }
}
