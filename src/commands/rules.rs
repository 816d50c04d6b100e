//! `warroom rules check FILE` and `warroom rules test FILE < payload.json`:
//! the classification rules tried before they are deployed.

use std::io::Read;

use super::outcome::{CliError, Exit, out};
use crate::cli::RulesCommand;
use crate::server::config::ServerFileConfig;
use crate::server::integrations::alertmanager::{Notification, signal_of};

/// The largest payload read from stdin (Alertmanager's route takes 1 MiB).
const MAX_PAYLOAD: u64 = 1024 * 1024;

pub fn run(cmd: RulesCommand) -> Result<(), CliError> {
    match cmd {
        RulesCommand::Check { file } => {
            let c = ServerFileConfig::load(&file)?;
            let n = c.classifier().rules.len();
            out(format!(
                "{}: ok, {n} classification rule(s)",
                file.display()
            ));
            Ok(())
        }
        RulesCommand::Test { file } => {
            let c = ServerFileConfig::load(&file)?;
            let mut text = String::new();
            std::io::stdin()
                .take(MAX_PAYLOAD)
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read the payload on stdin: {e}"))?;
            let n: Notification = serde_json::from_str(&text).map_err(|e| {
                CliError::new(
                    Exit::Usage,
                    format!("stdin is not an Alertmanager webhook payload: {e}"),
                )
            })?;
            let labels = if n.common_labels.is_empty() {
                &n.group_labels
            } else {
                &n.common_labels
            };
            let class = c.classifier().classify(&signal_of(&n, labels));
            let rule = class
                .rule
                .clone()
                .unwrap_or_else(|| "no rule matches; the defaults apply".into());
            out(format!("rule: {rule}\nsets: {}", class.describe()));
            Ok(())
        }
    }
}
