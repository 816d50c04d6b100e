//! The checks of a read scenario: what would make a broken drill (a
//! fact nothing refers to, a reference to a fact or person not written,
//! an event past the limit), each with the table and entry it is in so
//! the message can name the line.

use std::collections::BTreeSet;

use chrono::Duration;

use super::{MAX_ENTRIES, MAX_LIMIT_MINUTES, MAX_TEXT, Scenario, offset, one_line};

/// Which table, which entry (from 0), and what is wrong.
pub(super) type Problem = (Option<&'static str>, usize, String);

impl Scenario {
    /// The problems of a read scenario: which table, which entry, what.
    pub(super) fn check(&self) -> Result<(), Problem> {
        let top = |m: String| (None, 0, m);
        if self.name.is_empty()
            || self.name.len() > 64
            || !self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(top(format!(
                "name `{}`: use 1 to 64 letters, digits and `-`",
                one_line(&self.name)
            )));
        }
        if self.title.trim().is_empty() || self.title.chars().count() > 200 {
            return Err(top("title: give one line of at most 200 characters".into()));
        }
        let limit = offset(&self.limit).map_err(|e| top(format!("limit: {e}")))?;
        if limit <= Duration::zero() || limit > Duration::minutes(MAX_LIMIT_MINUTES) {
            return Err(top(format!(
                "limit `{}`: a drill lasts 1 second to {MAX_LIMIT_MINUTES} minutes",
                one_line(&self.limit)
            )));
        }
        for (table, n) in [
            ("responders", self.responders.len()),
            ("facts", self.facts.len()),
            ("actions", self.actions.len()),
            ("events", self.events.len()),
        ] {
            if n > MAX_ENTRIES {
                return Err(top(format!("{n} {table}; at most {MAX_ENTRIES}")));
            }
        }
        if self.recommended.len() > MAX_ENTRIES {
            return Err(top(format!("recommended: at most {MAX_ENTRIES} lines")));
        }
        let long = |t: &str| t.chars().count() > MAX_TEXT;
        if long(&self.briefing) || self.recommended.iter().any(|r| long(r)) {
            return Err(top(format!(
                "briefing and recommended lines hold at most {MAX_TEXT} characters"
            )));
        }
        let mut handles = BTreeSet::new();
        for (i, r) in self.responders.iter().enumerate() {
            let e = |m: String| (Some("responders"), i, m);
            if r.handle.is_empty()
                || r.handle.len() > 64
                || !r
                    .handle
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            {
                return Err(e(format!(
                    "handle `{}` is not a handle",
                    one_line(&r.handle)
                )));
            }
            if !handles.insert(r.handle.as_str()) {
                return Err(e(format!("`{}` is written twice", r.handle)));
            }
            if r.answers != "never" {
                offset(&r.answers).map_err(|m| e(format!("answers: {m}, or never")))?;
            }
        }
        let mut actions = BTreeSet::new();
        for (i, a) in self.actions.iter().enumerate() {
            let e = |m: String| (Some("actions"), i, m);
            if a.name.is_empty() || a.name.len() > 64 || !actions.insert(a.name.as_str()) {
                return Err(e(format!(
                    "action name `{}` is empty, too long or written twice",
                    one_line(&a.name)
                )));
            }
            if a.item.trim().is_empty() || long(&a.item) || a.output.len() > MAX_ENTRIES {
                return Err(e(
                    "give the item's text, and at most 200 output lines".into()
                ));
            }
            if a.output.iter().any(|l| long(l)) {
                return Err(e(format!("an output line is over {MAX_TEXT} characters")));
            }
        }
        let mut facts = BTreeSet::new();
        for (i, f) in self.facts.iter().enumerate() {
            let e = |m: String| (Some("facts"), i, m);
            if f.name.is_empty() || f.name.len() > 64 || !facts.insert(f.name.as_str()) {
                return Err(e(format!(
                    "fact name `{}` is empty, too long or written twice",
                    one_line(&f.name)
                )));
            }
            if f.when.count() != 1 {
                return Err(e(
                    "`when` names exactly one of action, status, task, decision, confirmed, paged"
                        .into(),
                ));
            }
            if let Some(a) = &f.when.action
                && !actions.contains(a.as_str())
            {
                return Err(e(format!(
                    "when.action `{}` is not in [[actions]]",
                    one_line(a)
                )));
            }
            if let Some(h) = &f.when.paged
                && !handles.contains(h.as_str())
            {
                return Err(e(format!(
                    "when.paged `{}` is not in [[responders]]",
                    one_line(h)
                )));
            }
            for t in [&f.when.task, &f.when.decision, &f.when.confirmed]
                .into_iter()
                .flatten()
            {
                if t.trim().is_empty() || long(t) {
                    return Err(e("a `when` text must hold something".into()));
                }
            }
            if long(&f.says) {
                return Err(e(format!("says: at most {MAX_TEXT} characters")));
            }
        }
        let mut starts = false;
        for (i, ev) in self.events.iter().enumerate() {
            let e = |m: String| (Some("events"), i, m);
            let at = offset(&ev.at).map_err(|m| e(format!("at: {m}")))?;
            if at > limit {
                return Err(e(format!(
                    "at `{}` is after the drill's limit ({})",
                    one_line(&ev.at),
                    self.limit
                )));
            }
            for f in [&ev.after, &ev.unless].into_iter().flatten() {
                if !facts.contains(f.as_str()) {
                    return Err(e(format!("`{}` is not in [[facts]]", one_line(f))));
                }
            }
            let what = [ev.alert.is_some(), ev.note.is_some(), ev.can.is_some()]
                .into_iter()
                .filter(|b| *b)
                .count();
            if what != 1 {
                return Err(e("an event is exactly one of alert, note, can".into()));
            }
            if ev.note.is_some() || ev.can.is_some() {
                match &ev.by {
                    Some(h) if handles.contains(h.as_str()) => {}
                    Some(h) => {
                        return Err(e(format!("by `{}` is not in [[responders]]", one_line(h))));
                    }
                    None => return Err(e("a note or CAN report needs `by`".into())),
                }
            }
            if let Some(n) = &ev.note
                && (n.trim().is_empty() || long(n))
            {
                return Err(e(format!("note: 1 to {MAX_TEXT} characters")));
            }
            if let Some(c) = &ev.can
                && (c.condition.trim().is_empty()
                    || long(&c.condition)
                    || long(&c.actions)
                    || long(&c.needs))
            {
                return Err(e(format!(
                    "can: a condition, each field at most {MAX_TEXT}"
                )));
            }
            if let Some(a) = &ev.alert {
                if a.status != "firing" && a.status != "resolved" {
                    return Err(e(format!(
                        "alert status `{}` is not firing or resolved",
                        one_line(&a.status)
                    )));
                }
                if a.labels
                    .get("alertname")
                    .is_none_or(|n| n.trim().is_empty())
                {
                    return Err(e("an alert needs labels.alertname".into()));
                }
                if a.labels.len() + a.annotations.len() > 64
                    || a.labels
                        .iter()
                        .chain(&a.annotations)
                        .any(|(k, v)| k.len() > 128 || long(v))
                {
                    return Err(e("at most 64 labels and annotations, each short".into()));
                }
                starts |= at == Duration::zero() && ev.after.is_none() && a.status == "firing";
            }
        }
        if !starts {
            return Err(top(
                "a drill starts with an alert: give an [[events]] entry at = \"0s\" with a firing alert"
                    .into(),
            ));
        }
        for (i, f) in self.facts.iter().enumerate() {
            let used = self.events.iter().any(|ev| {
                ev.after.as_deref() == Some(f.name.as_str())
                    || ev.unless.as_deref() == Some(f.name.as_str())
            });
            if !used {
                return Err((
                    Some("facts"),
                    i,
                    format!(
                        "fact `{}` changes nothing: name it in an event's `after` or `unless`",
                        f.name
                    ),
                ));
            }
        }
        Ok(())
    }
}
