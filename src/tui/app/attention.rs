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
    /// Overdue time boxes and offers of command already announced, so
    /// each rings once (bounded by [`TOLD_MAX`]).
    told: HashSet<Told>,
}

/// What was announced: a task's time box passing (by the time it ended,
/// so a new time box may ring again), or command offered to us.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Told {
    Overdue(IncidentId, u32, i64),
    Offered(IncidentId),
}

/// Announcements remembered at most; past it the set starts again (an
/// overdue task still overdue then rings once more, which is right).
pub const TOLD_MAX: usize = 10_000;

impl Default for Attention {
    fn default() -> Self {
        Self {
            bell: true,
            title: true,
            known: None,
            flashing: Vec::new(),
            last_title: None,
            told: HashSet::new(),
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

    /// Each second and after the data changed: a task's time box that
    /// passed (the IC's incidents, or a task we own) and command offered
    /// to us are said once in the footer, with one bell for all of them.
    pub(super) fn attend_state(&mut self) -> Vec<Command> {
        let Some((me, _)) = self.me.clone() else {
            return Vec::new();
        };
        let now = self.now;
        let mut news: Vec<(Told, String)> = Vec::new();
        let mut offered_now = HashSet::new();
        for inc in &self.board.incidents {
            if inc.state_counts.offered_to.as_deref() == Some(me.as_str()) {
                offered_now.insert(inc.id);
                news.push((
                    Told::Offered(inc.id),
                    format!(
                        "{} offers you command of {}: B reads the brief, a accepts",
                        inc.commander.as_deref().unwrap_or("someone"),
                        inc.id
                    ),
                ));
            }
            let mine = inc.commander.as_deref() == Some(me.as_str());
            match self.board.details.get(&inc.id) {
                Some(d) => {
                    for t in d.state.overdue(now) {
                        if mine || t.owner.as_deref() == Some(me.as_str()) {
                            let due = t.due_at.map_or(0, |d| d.timestamp());
                            news.push((
                                Told::Overdue(inc.id, t.id, due),
                                format!(
                                    "{} task #{} ({}) is OVERDUE: {}",
                                    inc.id,
                                    t.id,
                                    t.owner.as_deref().unwrap_or("-"),
                                    crate::text::one_line(&t.title, 60)
                                ),
                            ));
                        }
                    }
                }
                None if mine && inc.state_counts.overdue_at(now) > 0 => {
                    let due = inc.state_counts.next_due.map_or(0, |d| d.timestamp());
                    news.push((
                        Told::Overdue(inc.id, 0, due),
                        format!("{} has an OVERDUE task", inc.id),
                    ));
                }
                None => {}
            }
        }
        let a = &mut self.attention;
        // An offer answered or withdrawn is forgotten: a new one rings.
        a.told
            .retain(|t| !matches!(t, Told::Offered(id) if !offered_now.contains(id)));
        if a.told.len() > TOLD_MAX {
            a.told.clear();
        }
        let fresh: Vec<String> = news
            .into_iter()
            .filter_map(|(k, text)| a.told.insert(k).then_some(text))
            .collect();
        if fresh.is_empty() {
            return Vec::new();
        }
        let mut cmds = Vec::new();
        if a.bell {
            cmds.push(Command::Terminal(super::Terminal::Bell));
        }
        let more = if fresh.len() > 1 {
            format!(" (+{} more)", fresh.len() - 1)
        } else {
            String::new()
        };
        self.notice = Some((format!("{}{}{more}", super::WARNING, fresh[0]), now));
        cmds
    }

    /// Whether the row of `id` is lit now (it blinks once a second).
    pub fn row_flashing(&self, id: IncidentId) -> bool {
        self.attention.flashing.iter().any(|(f, t)| {
            *f == id && {
                let s = (self.now - *t).num_seconds();
                // Over a slow link it is lit, not blinking.
                (0..FLASH_SECS).contains(&s) && (s % 2 == 0 || self.low_bandwidth)
            }
        })
    }
}
