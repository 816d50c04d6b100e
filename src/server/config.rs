//! The server's config file (`warroom serve --config PATH`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{Runbook, RunbookSet};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerFileConfig {
    pub listen: Option<String>,
    pub db: Option<PathBuf>,
    /// A folder of runbook templates (`*.toml`).
    pub runbooks: Option<PathBuf>,
    /// Classification rules for the Alertmanager receiver.
    #[serde(default)]
    pub alertmanager: super::integrations::classify::Classifier,
}

impl ServerFileConfig {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// The built-in runbook plus every `*.toml` in `dir`. A broken template is an
/// error: a server that silently drops a team's runbook would hand out the
/// wrong checklist mid-incident.
pub fn load_runbooks(dir: Option<&Path>) -> Result<RunbookSet, String> {
    let mut set = RunbookSet::default();
    let Some(dir) = dir else { return Ok(set) };
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read runbooks folder {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    for p in paths {
        let text =
            std::fs::read_to_string(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        let rb = Runbook::parse(&p.display().to_string(), &text).map_err(|e| e.to_string())?;
        set = set.with(rb);
    }
    Ok(set)
}
