//! The server's config file (`warroom serve --config PATH`).

use std::path::{Path, PathBuf};

use crate::config::ConfigError;

use serde::Deserialize;

use crate::model::{Runbook, RunbookSet};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerFileConfig {
    pub listen: Option<String>,
    pub db: Option<PathBuf>,
    /// A folder of runbook templates (`*.toml`).
    pub runbooks: Option<PathBuf>,
    /// Classification rules (`[[rules]]`), for every source.
    #[serde(default)]
    pub rules: Vec<super::integrations::classify::Rule>,
    /// Alertmanager's API (`[alertmanager] url`), and the older place for
    /// rules (`[[alertmanager.rules]]`, tried after `[[rules]]`).
    #[serde(default)]
    pub alertmanager: super::integrations::alertmanager::am_api::AlertmanagerSection,
    /// Connection limits (`[limits]`): header-read and idle timeouts, cap.
    #[serde(default)]
    pub limits: super::listener::Limits,
    /// Working agreements (`[policy]`): the stakeholder update cadence.
    #[serde(default)]
    pub policy: crate::model::Policy,
    /// Notifications out (`[[notify.targets]]`).
    #[serde(default)]
    pub notify: super::notify::NotifyConfig,
    /// Reminders and escalation (`[automation]`).
    #[serde(default)]
    pub automation: super::automation::AutomationConfig,
    /// Runbook actions (`[[actions]]`): what checklist items may run.
    #[serde(default)]
    pub actions: Vec<super::actions::ActionDef>,
    /// The public status page (`[status]`): its title and components.
    #[serde(default)]
    pub status: super::status_api::StatusConfig,
}

impl ServerFileConfig {
    /// `[[rules]]`, then `[[alertmanager.rules]]`.
    pub fn classifier(&self) -> super::integrations::classify::Classifier {
        super::integrations::classify::Classifier {
            rules: self.rules.clone(),
        }
        .joined(super::integrations::classify::Classifier {
            rules: self.alertmanager.rules.clone(),
        })
    }

    /// The server's config file, checked whole: an error names the file,
    /// the section and what is wrong (and is the operator's to fix).
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        let c: Self = toml::from_str(&text)
            .map_err(|e| ConfigError::Invalid(crate::config::toml_error(path, &text, &e)))?;
        c.check(path).map_err(ConfigError::Invalid)?;
        Ok(c)
    }

    fn check(&self, path: &Path) -> Result<(), String> {
        let c = self;
        c.policy
            .check()
            .map_err(|e| format!("{}: [policy] {e}", path.display()))?;
        c.classifier()
            .check()
            .map_err(|e| format!("{}: [[rules]] {e}", path.display()))?;
        c.notify
            .check()
            .and_then(|()| c.notify.check_files())
            .map_err(|e| format!("{}: [notify] {e}", path.display()))?;
        c.automation
            .check()
            .map_err(|e| format!("{}: [automation] {e}", path.display()))?;
        c.status
            .check()
            .map_err(|e| format!("{}: [status] {e}", path.display()))?;
        c.alertmanager
            .connect()
            .map_err(|e| format!("{}: [alertmanager] {e}", path.display()))?;
        super::actions::check_all(&c.actions)
            .map_err(|e| format!("{}: [[actions]] {e}", path.display()))?;
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_section_sets_the_cadence_and_a_bad_one_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("server.toml");
        std::fs::write(
            &p,
            "[policy]\nupdate_cadence_minutes = { SEV1 = 15, SEV3 = 240 }\n",
        )
        .unwrap();
        let c = ServerFileConfig::load(&p).unwrap();
        assert_eq!(
            c.policy.cadence(crate::model::Severity::Sev1),
            Some(chrono::Duration::minutes(15))
        );
        assert_eq!(
            c.policy.cadence(crate::model::Severity::Sev2),
            None,
            "only what is listed"
        );
        std::fs::write(&p, "[policy]\nupdate_cadence_minutes = { SEV2 = 99999 }\n").unwrap();
        let e = ServerFileConfig::load(&p).unwrap_err().to_string();
        assert!(e.contains("[policy]") && e.contains("SEV2"), "{e}");
    }

    #[test]
    fn runbooks_come_from_the_folder_and_a_broken_one_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("db.toml"),
            "name = \"db\"\nservices = [\"payments-db\"]\ncontainment = [\"Fail over\"]",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
        let set = load_runbooks(Some(dir.path())).unwrap();
        assert_eq!(set.for_service("payments-db").name, "db");
        assert_eq!(set.names(), vec!["default", "db"]);
        std::fs::write(dir.path().join("zz-broken.toml"), "name = ").unwrap();
        let e = load_runbooks(Some(dir.path())).unwrap_err();
        assert!(e.contains("zz-broken.toml"), "{e}");
        assert!(
            load_runbooks(Some(&dir.path().join("missing")))
                .unwrap_err()
                .contains("cannot read runbooks folder")
        );
    }

    #[test]
    fn the_server_config_parses_rules_and_refuses_typos() {
        let c: ServerFileConfig = toml::from_str(
            "listen = \"0.0.0.0:7878\"\n[[alertmanager.rules]]\n\
             labels = { team = \"x\" }\nseverity = \"SEV2\"",
        )
        .unwrap();
        assert_eq!(c.alertmanager.rules.len(), 1);
        assert!(
            toml::from_str::<ServerFileConfig>("listne = \"x\"")
                .unwrap_err()
                .to_string()
                .contains("listne")
        );
    }

    #[test]
    fn a_bad_notify_target_stops_the_load_naming_file_and_target() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("server.toml");
        std::fs::write(
            &p,
            "[[notify.targets]]\nname = \"bridge\"\nkind = \"webhook\"\n\
             url = \"https://example.com/TOKEN\"\nevents = [\"declared\"]\n",
        )
        .unwrap();
        let e = ServerFileConfig::load(&p).unwrap_err().to_string();
        assert!(
            e.contains("server.toml") && e.contains("[notify]") && e.contains("`bridge`"),
            "{e}"
        );
        assert!(!e.contains("TOKEN"), "the URL is a secret: {e}");
        // A typo is refused with its line.
        std::fs::write(&p, "[[notify.targets]]\nname = \"x\"\nkidn = \"slack\"\n").unwrap();
        let e = ServerFileConfig::load(&p).unwrap_err().to_string();
        assert!(e.contains("line 3") || e.contains("3:"), "{e}");
    }
}
