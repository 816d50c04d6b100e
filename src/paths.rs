//! Where warroom keeps its files, following the XDG base directories
//! (`XDG_CONFIG_HOME`, `XDG_DATA_HOME`, `XDG_STATE_HOME` are honoured).

use std::path::PathBuf;

fn dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "warroom")
}

fn fallback() -> PathBuf {
    std::env::temp_dir().join("warroom")
}

/// `~/.config/warroom`: config.toml and user themes.
pub fn config_dir() -> PathBuf {
    dirs().map_or_else(fallback, |d| d.config_dir().to_path_buf())
}

/// `~/.local/share/warroom`: the local-mode database.
pub fn data_dir() -> PathBuf {
    dirs().map_or_else(fallback, |d| d.data_dir().to_path_buf())
}

/// `~/.local/state/warroom`: logs, the outbox, note drafts.
pub fn state_dir() -> PathBuf {
    dirs()
        .and_then(|d| d.state_dir().map(|p| p.to_path_buf()))
        .unwrap_or_else(|| data_dir().join("state"))
}

pub fn default_db() -> PathBuf {
    data_dir().join("warroom.db")
}
