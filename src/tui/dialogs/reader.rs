//! The timeline reader: one entry whole, wrapped and scrollable. Notes show
//! every line; an alert shows each label and annotation on its own line,
//! links in full.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use ratatui::crossterm::event::KeyEvent;

use super::keys::{DOWN, ENTER, ESC, PGDN, PGUP, Table, UP, alias, bind, ch};
use super::{Ctx, Effect, Outcome};
use crate::model::{EventKind, IncidentId, TimelineEvent};
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Scroll,
    Copy,
    Close,
    Top,
}

pub static KEYS: Table<Key> = Table {
    name: "reading an entry (Enter)",
    binds: &[
        bind(
            &[ch('j'), ch('k'), DOWN, UP, PGUP, PGDN, ch(' ')],
            "j/k PgUp/PgDn",
            "scroll",
            Key::Scroll,
        ),
        bind(&[ch('y')], "y", "copy", Key::Copy),
        bind(&[ESC, ENTER, ch('q')], "Esc", "close", Key::Close),
        alias(&[ch('g')], Key::Top),
    ],
};

/// One timeline entry, whole, scrollable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    pub id: IncidentId,
    pub seq: u64,
    pub scroll: u16,
}

impl Reader {
    pub fn new(id: IncidentId, seq: u64) -> Self {
        Self { id, seq, scroll: 0 }
    }

    pub fn event<'a>(&self, ctx: &'a Ctx) -> Option<&'a TimelineEvent> {
        ctx.board
            .details
            .get(&self.id)
            .and_then(|d| d.timeline.iter().find(|e| e.seq == self.seq))
    }

    pub fn key(&mut self, ctx: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            Some(Key::Close) => return Outcome::close(),
            Some(Key::Scroll) => self.scroll = super::keys::scrolled(self.scroll, &k),
            Some(Key::Top) => self.scroll = 0,
            Some(Key::Copy) => {
                // Only on this explicit key: nothing is copied behind the
                // IC's back.
                if let Some(e) = self.event(ctx) {
                    return Outcome::stay().with(Effect::Copy(e.kind.describe()));
                }
            }
            None => {}
        }
        Outcome::stay()
    }

    pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        draw(ctx, theme, f, area, self)
    }
}

/// What the team added to the entry: tags, the pin, and each correction
/// with who, when and why (the original above stays as recorded).
pub fn curation_lines(c: &crate::model::curation::EventCuration, e: &TimelineEvent) -> Vec<String> {
    let mut out = vec![String::new(), "Curated timeline".to_string()];
    if c.pinned {
        out.push("⚑ pinned: in the postmortem's narrative".to_string());
    }
    if !c.tags.is_empty() {
        out.push(format!("tags: {}", c.tags.join(", ")));
    }
    out.extend(crate::report::curated::audit_lines(c, e));
    if let Some(t) = c.corrected_text() {
        out.push(format!("now reads: {t}"));
    }
    out
}

/// The entry as lines of text: a heading, then everything it holds.
pub fn entry_lines(e: &TimelineEvent) -> Vec<String> {
    let mut out = vec![
        format!(
            "#{}  {}  by {}  ({})",
            e.seq,
            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
            e.author,
            e.kind.tag()
        ),
        String::new(),
    ];
    if let Some(w) = e.written_earlier() {
        out.insert(
            1,
            format!(
                "✎ written {} (offline), delivered {}",
                w.format("%Y-%m-%d %H:%M:%S UTC"),
                e.at.format("%H:%M:%S UTC")
            ),
        );
    }
    match &e.kind {
        EventKind::AlertReceived {
            alert,
            firing,
            detail,
            suppressed,
            facts,
        } => {
            out.push(format!(
                "Alert {}",
                match (firing, suppressed) {
                    (true, Some(_)) => "SUPPRESSED",
                    (true, None) => "FIRING",
                    (false, _) => "resolved",
                }
            ));
            if let Some(why) = suppressed {
                out.push(format!("Suppressed: {why}"));
            }
            if facts.is_empty() {
                alert_from_its_line(&mut out, alert, detail.as_deref());
            } else {
                alert_facts(&mut out, facts);
            }
        }
        EventKind::Note { text } => out.extend(text.lines().map(str::to_string)),
        EventKind::StakeholderUpdate {
            text,
            audience,
            stage,
            data_loss,
        } => {
            match stage {
                Some(s) => out.push(format!("({audience} {s} update)")),
                None => out.push(format!("({audience} update)")),
            }
            out.extend(text.lines().map(str::to_string));
            if let Some(d) = data_loss {
                out.push(String::new());
                out.push(format!("Data loss and lingering impact: {d}"));
            }
        }
        other => out.extend(other.describe().lines().map(str::to_string)),
    }
    out
}

fn draw(ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect, reader: &Reader) {
    let (id, seq, scroll) = (reader.id, reader.seq, reader.scroll);
    let r = centered(
        area,
        area.width.saturating_sub(4).max(20),
        area.height.saturating_sub(2).max(6),
    );
    let (inner, block) = popup(theme, f, r, &format!("{id} · entry {seq}"));
    f.render_widget(block, r);
    let [body, h] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let event = reader.event(ctx);
    let curation = ctx
        .board
        .details
        .get(&id)
        .and_then(|d| d.state.curation.get(&seq));
    let lines: Vec<Line> = match event {
        Some(e) => entry_lines(e)
            .into_iter()
            .chain(curation.map(|c| curation_lines(c, e)).unwrap_or_default())
            .enumerate()
            .map(|(i, l)| {
                let role = if i == 0 { Role::Muted } else { Role::Text };
                Line::from(Span::styled(l, theme.style(role)))
            })
            .collect(),
        None => vec![Line::from(Span::styled(
            " This entry is no longer loaded.",
            theme.style(Role::Muted),
        ))],
    };
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        body,
    );
    f.render_widget(Paragraph::new(hint(theme, &KEYS.hints())), h);
}

/// An alert kept whole: what to do first (the runbook, the dashboard, the
/// links back to where it came from, in full), then what it says, then
/// every label.
fn alert_facts(out: &mut Vec<String>, f: &crate::model::AlertFacts) {
    let first = ["runbook_url", "runbook", "dashboard", "playbook"];
    let mut links: Vec<(String, &String)> = first
        .iter()
        .filter_map(|k| f.annotations.get(*k).map(|v| (k.to_string(), v)))
        .collect();
    links.extend(f.links.iter().map(|(k, v)| (k.clone(), v)));
    if !links.is_empty() {
        out.push(String::new());
        out.push("Links".into());
        for (k, v) in links {
            out.push(format!("  {k}: {v}"));
        }
    }
    let said: Vec<_> = f
        .annotations
        .iter()
        .filter(|(k, _)| !first.contains(&k.as_str()))
        .collect();
    if !said.is_empty() {
        out.push(String::new());
        out.push("Annotations".into());
        for (k, v) in said {
            let mut lines = v.lines();
            out.push(format!("  {k}: {}", lines.next().unwrap_or("")));
            out.extend(lines.map(|l| format!("    {l}")));
        }
    }
    if !f.labels.is_empty() {
        out.push(String::new());
        out.push("Labels".into());
        for (k, v) in &f.labels {
            out.push(format!("  {k} = {v}"));
        }
    }
}

/// An alert recorded before labels were kept whole: what its one line says.
fn alert_from_its_line(out: &mut Vec<String>, alert: &str, detail: Option<&str>) {
    // `Name {k=v, k2=v2}` (Alertmanager) or `Name k=v k2=v2`.
    let (name, rest) = alert.split_once([' ', '{']).unwrap_or((alert, ""));
    out.push(format!("  name: {name}"));
    let rest = rest.trim().trim_start_matches('{').trim_end_matches('}');
    for label in rest
        .split([',', ' '])
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        match label.split_once('=') {
            Some((k, v)) => out.push(format!("  {k} = {v}")),
            None => out.push(format!("  {label}")),
        }
    }
    if let Some(d) = detail {
        out.push(String::new());
        out.push("Annotations".into());
        for part in d.split(" · ") {
            out.push(format!("  {part}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> crate::model::AlertFacts {
        let map = |p: &[(&str, &str)]| {
            p.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        crate::model::AlertFacts {
            labels: map(&[("alertname", "CheckoutHighErrorRate"), ("team", "checkout")]),
            annotations: map(&[
                ("summary", "5xx ratio 0.12"),
                ("runbook_url", "https://runbooks.example.com/checkout/5xx"),
                (
                    "dashboard",
                    "https://grafana.example.com/d/checkout?var-cluster=eu-west-1",
                ),
            ]),
            links: map(&[("source", "https://prometheus.example.com/graph?g0.expr=x")]),
        }
    }

    #[test]
    fn an_alert_reads_whole_links_first_then_what_it_says_then_every_label() {
        let e = TimelineEvent {
            seq: 7,
            at: chrono::Utc::now(),
            author: "alertmanager".into(),
            written_at: None,
            kind: EventKind::AlertReceived {
                alert: "CheckoutHighErrorRate instance=web-1".into(),
                firing: true,
                detail: Some("5xx ratio 0.12".into()),
                suppressed: None,
                facts: facts(),
            },
        };
        let lines = entry_lines(&e);
        let at = |needle: &str| {
            lines
                .iter()
                .position(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("`{needle}` in {lines:#?}"))
        };
        assert!(at("runbook_url: https://runbooks.example.com/") < at("Annotations"));
        assert!(at("source: https://prometheus.example.com/") < at("Annotations"));
        assert!(at("summary: 5xx ratio 0.12") < at("Labels"));
        assert!(at("team = checkout") > at("Labels"));
        // A link is never cut: the whole URL is on its line.
        assert!(lines.iter().any(|l| l.ends_with("var-cluster=eu-west-1")));
    }
}
