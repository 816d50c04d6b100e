//! Making sure nobody misses a new SEV1 or SEV2: the terminal bell once,
//! the row flashing for a few seconds, and the count of open SEV1s in the
//! terminal's title. Both can be turned off in the config.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::{App, Command};
use crate::model::{IncidentId, Severity};

/// How long a new alarming incident's row flashes.
pub const FLASH_SECS: i64 = 10;

#[derive(Debug, Clone)]
pub struct Attention {
    pub bell: bool,
    pub title: bool,
    /// Active SEV1/SEV2 incidents already announced, at the severity they
    /// were announced at; `None` until the first list, whose incidents are
    /// not news.
    known: Option<HashSet<(IncidentId, Severity)>>,
    /// Rows flashing since when.
    pub flashing: Vec<(IncidentId, DateTime<Utc>)>,
    last_title: Option<usize>,
}

impl Default for Attention {
    fn default() -> Self {
        Self {
            bell: true,
            title: true,
            known: None,
            flashing: Vec::new(),
            last_title: None,
        }
    }
}

impl Attention {
    /// The next list is taken as it is, nothing in it announced.
    pub fn forget_baseline(&mut self) {
        self.known = None;
    }
}

fn alarming(s: Severity) -> bool {
    s <= Severity::Sev2
}

impl App {
    /// After the data changed: announce what became SEV1/SEV2 since.
    pub(super) fn attend(&mut self) -> Vec<Command> {
        let now = self.now;
        let current: HashSet<(IncidentId, Severity)> = self
            .board
            .incidents
            .iter()
            .filter(|i| i.status.is_active() && alarming(i.severity))
            .map(|i| (i.id, i.severity))
            .collect();
        let mut cmds = Vec::new();
        self.attention
            .flashing
            .retain(|(_, t)| (now - *t).num_seconds() < FLASH_SECS);
        // New at SEV1 or SEV2, or raised to SEV1 (a SEV2 that became SEV1 is
        // news too, whoever raised it); a lowering is not.
        let new: Vec<IncidentId> = match &self.attention.known {
            None => Vec::new(),
            Some(known) => current
                .iter()
                .filter(|(id, sev)| !known.iter().any(|(k, ks)| k == id && ks <= sev))
                .map(|(id, _)| *id)
                .collect(),
        };
        if !new.is_empty() {
            if self.attention.bell {
                cmds.push(Command::Terminal(super::Terminal::Bell));
            }
            // What the filter hides is said, with how to see it.
            let hidden: Vec<String> = self
                .board
                .incidents
                .iter()
                .filter(|i| new.contains(&i.id) && !self.filter.admits(i))
                .map(|i| format!("{} {}", i.id, i.severity))
                .collect();
            if !hidden.is_empty() {
                self.flash = Some(super::Flash::error(
                    "Hidden by the filter",
                    format!(
                        "{} is hidden by the filter ({}): Esc clears it.",
                        hidden.join(", "),
                        self.filter.describe()
                    ),
                ));
            }
            self.attention
                .flashing
                .extend(new.into_iter().map(|id| (id, now)));
        }
        let a = &mut self.attention;
        // Dropping below SEV2 forgets it, so a raise back rings again.
        a.known = Some(current);
        let sev1 = self.board.active_by_severity[Severity::Sev1.index()];
        if a.title && a.last_title != Some(sev1) {
            a.last_title = Some(sev1);
            cmds.push(Command::Terminal(super::Terminal::Title(match sev1 {
                0 => "warroom".to_string(),
                n => format!("warroom · {n} SEV1 open"),
            })));
        }
        cmds
    }

    /// Whether the row of `id` is lit now (it blinks once a second).
    pub fn row_flashing(&self, id: IncidentId) -> bool {
        self.attention.flashing.iter().any(|(f, t)| {
            *f == id && {
                let s = (self.now - *t).num_seconds();
                (0..FLASH_SECS).contains(&s) && s % 2 == 0
            }
        })
    }
}
