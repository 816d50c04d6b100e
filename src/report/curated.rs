//! The curated timeline as people read it: each event at the time and in
//! the words in force (a correction's, else the record's), with its tags,
//! pin and the corrections that changed it; the story from the pins and
//! one timeline per tag (the Howie guide's "more than one timeline").
//! Pure: the CLI, the postmortem and the console's reader call it.

use chrono::{DateTime, Utc};

use super::markdown::inline;
use crate::model::curation::{Curation, EventCuration};
use crate::model::{EventKind, TimelineEvent};

/// Which events to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick<'a> {
    /// Every event (the audit entries too).
    All,
    /// The events carrying this tag.
    Tag(&'a str),
    /// The pinned events: the narrative.
    Pinned,
}

/// One event as the curated timeline shows it.
#[derive(Debug, Clone, Copy)]
pub struct Curated<'a> {
    pub event: &'a TimelineEvent,
    pub curation: Option<&'a EventCuration>,
}

impl Curated<'_> {
    /// When it happened, as corrected.
    pub fn at(&self) -> DateTime<Utc> {
        self.curation
            .and_then(EventCuration::corrected_at)
            .unwrap_or(self.event.at)
    }

    /// What it says, as corrected.
    pub fn text(&self) -> String {
        match self.curation.and_then(EventCuration::corrected_text) {
            Some(t) => t.to_string(),
            None => self.event.kind.describe(),
        }
    }

    pub fn corrected(&self) -> bool {
        self.curation.is_some_and(|c| !c.corrections.is_empty())
    }
}

/// The events `pick` selects, in the order they happened as corrected
/// (then by seq).
pub fn pick<'a>(
    events: impl IntoIterator<Item = &'a TimelineEvent>,
    curation: &'a Curation,
    p: Pick,
) -> Vec<Curated<'a>> {
    let mut out: Vec<Curated> = events
        .into_iter()
        .map(|e| Curated {
            event: e,
            curation: curation.get(&e.seq),
        })
        .filter(|c| match p {
            Pick::All => true,
            Pick::Tag(t) => c.curation.is_some_and(|k| k.tags.iter().any(|x| x == t)),
            Pick::Pinned => c.curation.is_some_and(|k| k.pinned),
        })
        .collect();
    out.sort_by_key(|c| (c.at(), c.event.seq));
    out
}

/// The tags in use, in the policy's order (then any others, by name).
pub fn tags_in_use(curation: &Curation, order: &[String]) -> Vec<String> {
    let mut used: Vec<String> = curation
        .values()
        .flat_map(|c| c.tags.iter().cloned())
        .collect();
    used.sort();
    used.dedup();
    used.sort_by_key(|t| order.iter().position(|o| o == t).unwrap_or(usize::MAX));
    used
}

/// The corrections of an event, one line each: who, when, what, why.
pub fn audit_lines(c: &EventCuration, original: &TimelineEvent) -> Vec<String> {
    c.corrections
        .iter()
        .map(|k| {
            let mut what = Vec::new();
            if let Some(t) = k.at {
                what.push(format!(
                    "time {} → {}",
                    original.at.format("%H:%M:%S"),
                    t.format("%H:%M:%S")
                ));
            }
            if k.text.is_some() {
                what.push("words".to_string());
            }
            format!(
                "corrected by {} at {} UTC: {} (why: {})",
                k.by,
                k.when.format("%Y-%m-%d %H:%M"),
                what.join(", "),
                k.why
            )
        })
        .collect()
}

/// One event as a Markdown list item: corrected time and words, tags, and
/// under it the corrections (the original is on the record).
pub fn markdown_item(c: &Curated) -> String {
    let e = c.event;
    let mut line = format!(
        "- `{}` **{}**: {}",
        c.at().format("%H:%M:%S"),
        inline(&e.author, 2),
        inline(&c.text(), 2)
    );
    if let Some(k) = c.curation.filter(|k| !k.tags.is_empty()) {
        let tags: Vec<String> = k.tags.iter().map(|t| inline(t, 0)).collect();
        line.push_str(&format!(" *\\[{}\\]*", tags.join(", ")));
    }
    line.push_str(&format!(" (#{})\n", e.seq));
    if let Some(k) = c.curation {
        for a in audit_lines(k, e) {
            line.push_str(&format!("  - *{}*\n", inline(&a, 4)));
        }
        if k.corrected_text().is_some() {
            line.push_str(&format!(
                "  - *recorded as: {}*\n",
                inline(&e.kind.describe(), 4)
            ));
        }
    }
    line
}

/// The postmortem's "Narrative" (the pinned events) and "Timelines by
/// tag" sections. `events` must hold every curated event (the postmortem
/// reads those past its first pages by seq).
pub fn markdown_sections(
    md: &mut String,
    events: &[&TimelineEvent],
    curation: &Curation,
    tag_order: &[String],
) {
    md.push_str("## Narrative\n\n");
    let pinned = pick(events.iter().copied(), curation, Pick::Pinned);
    if pinned.is_empty() {
        md.push_str(
            "*No events pinned yet: pin the ones that tell the story (`p` on the console's \
             timeline, `warroom timeline pin`).*\n\n",
        );
    } else {
        for c in &pinned {
            md.push_str(&markdown_item(c));
        }
        md.push('\n');
    }
    let tags = tags_in_use(curation, tag_order);
    if tags.is_empty() {
        return;
    }
    md.push_str("## Timelines by tag\n\n");
    for t in tags {
        md.push_str(&format!("### {}\n\n", inline(&t, 0)));
        for c in pick(events.iter().copied(), curation, Pick::Tag(&t)) {
            md.push_str(&markdown_item(&c));
        }
        md.push('\n');
    }
}

/// Whether an event is curation's own audit (left out of stories).
pub fn is_audit(e: &TimelineEvent) -> bool {
    matches!(e.kind, EventKind::Curated { .. })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::curation::Correction;

    fn ev(seq: u64, min: u32, text: &str) -> TimelineEvent {
        TimelineEvent {
            seq,
            at: Utc.with_ymd_and_hms(2026, 3, 6, 14, min, 0).unwrap(),
            author: "marco".into(),
            kind: EventKind::Note { text: text.into() },
            written_at: None,
        }
    }

    #[test]
    fn the_narrative_is_the_pins_in_corrected_order_with_their_audit() {
        let events = [
            ev(1, 0, "declared"),
            ev(2, 5, "rolled back 4.2"),
            ev(3, 6, "# not a heading <b>"),
        ];
        let mut cur = Curation::new();
        cur.insert(
            3,
            EventCuration {
                tags: vec!["detection".into()],
                pinned: true,
                corrections: vec![Correction {
                    at: Some(Utc.with_ymd_and_hms(2026, 3, 6, 14, 1, 0).unwrap()),
                    text: None,
                    why: "clock skew".into(),
                    by: "sam".into(),
                    when: Utc.with_ymd_and_hms(2026, 3, 7, 9, 0, 0).unwrap(),
                }],
            },
        );
        cur.insert(
            2,
            EventCuration {
                tags: vec!["mitigation".into()],
                pinned: true,
                corrections: vec![],
            },
        );
        let mut md = String::new();
        let order: Vec<String> = ["detection", "mitigation"].map(String::from).to_vec();
        markdown_sections(&mut md, &events.iter().collect::<Vec<_>>(), &cur, &order);
        let narrative = md.split("## Timelines by tag").next().unwrap();
        let first = narrative.find("14:01:00").expect("the corrected time");
        let second = narrative.find("14:05:00").expect("the pinned rollback");
        assert!(first < second, "in corrected order:\n{md}");
        let audit = "corrected by sam at 2026-03-07 09:00 UTC: time 14:06:00 → 14:01:00 \
                     (why: clock skew)";
        assert!(md.contains(audit), "{md}");
        assert!(md.contains("\\# not a heading &lt;b&gt;"), "escaped:\n{md}");
        assert!(
            md.contains("### detection") && md.contains("### mitigation"),
            "{md}"
        );
        assert!(
            md.find("### detection") < md.find("### mitigation"),
            "the policy's order"
        );
        assert!(
            !md.contains("declared"),
            "unpinned, untagged events stay out:\n{md}"
        );
    }

    #[test]
    fn no_pins_says_how_to_pin() {
        let mut md = String::new();
        markdown_sections(&mut md, &[&ev(1, 0, "x")], &Curation::new(), &[]);
        assert!(md.contains("No events pinned yet"));
        assert!(!md.contains("Timelines by tag"));
    }
}
