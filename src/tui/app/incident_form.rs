//! The incident form: declaring a new incident (`D`) and editing the one
//! being looked at (`e`). Both check the fields with the model's own rules
//! before sending, so an empty or oversized field is refused in the form,
//! with the reason, instead of as a server error after the fact.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use tui_textarea::TextArea;

use super::overlay::{line_input, text_of};
use super::writes::send;
use super::{App, Command, Flash, Overlay};
use crate::client::WriteOp;
use crate::model::wire::{DeclareRequest, PatchRequest};
use crate::model::{Incident, Severity, check_declare, check_patch};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    Title,
    Service,
    Severity,
    Summary,
    Tags,
    /// When the impact began, if before anyone noticed (edit only).
    Impact,
}

impl FormField {
    pub fn label(self) -> &'static str {
        match self {
            FormField::Title => "Title",
            FormField::Service => "Service",
            FormField::Severity => "Severity",
            FormField::Summary => "Summary",
            FormField::Tags => "Tags (comma-separated)",
            FormField::Impact => "Impact started (UTC, YYYY-MM-DD HH:MM; for the postmortem)",
        }
    }
}

const DECLARE: &[FormField] = &[
    FormField::Title,
    FormField::Service,
    FormField::Severity,
    FormField::Summary,
];
// Severity has its own keys (`s`/`S`), with their confirmations.
const EDIT: &[FormField] = &[
    FormField::Title,
    FormField::Service,
    FormField::Summary,
    FormField::Tags,
    FormField::Impact,
];

pub struct IncidentForm {
    /// The incident being edited, as it was when the form opened (the
    /// edit is sent against its version); `None` declares a new one.
    pub editing: Option<Box<Incident>>,
    pub title: TextArea<'static>,
    pub service: TextArea<'static>,
    pub summary: TextArea<'static>,
    pub tags: TextArea<'static>,
    pub impact: TextArea<'static>,
    pub severity: Severity,
    pub field: FormField,
    /// Why the last Enter was refused.
    pub error: Option<String>,
}

impl IncidentForm {
    pub fn declare() -> Self {
        Self {
            editing: None,
            title: line_input("", "what is broken, for whom"),
            service: line_input("", "service"),
            summary: line_input("", "what we know so far (optional)"),
            tags: line_input("", ""),
            impact: line_input("", ""),
            severity: Severity::Sev3,
            field: FormField::Title,
            error: None,
        }
    }

    pub fn edit(i: &Incident) -> Self {
        Self {
            editing: Some(Box::new(i.clone())),
            title: line_input(&i.title, "what is broken, for whom"),
            service: line_input(&i.service, "service"),
            // One line in the form; line breaks of a summary written
            // elsewhere are kept as they are unless the IC edits it.
            summary: line_input(&i.summary.replace('\n', " ⏎ "), "what we know so far"),
            tags: line_input(&i.tags.join(", "), "db, eu-west"),
            impact: line_input(
                &i.impact_started_at
                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default(),
                "when it began, if before it was noticed",
            ),
            severity: i.severity,
            field: FormField::Title,
            error: None,
        }
    }

    pub fn fields(&self) -> &'static [FormField] {
        if self.editing.is_some() {
            EDIT
        } else {
            DECLARE
        }
    }

    pub fn input(&self, f: FormField) -> Option<&TextArea<'static>> {
        match f {
            FormField::Title => Some(&self.title),
            FormField::Service => Some(&self.service),
            FormField::Summary => Some(&self.summary),
            FormField::Tags => Some(&self.tags),
            FormField::Impact => Some(&self.impact),
            FormField::Severity => None,
        }
    }

    fn input_mut(&mut self, f: FormField) -> Option<&mut TextArea<'static>> {
        match f {
            FormField::Title => Some(&mut self.title),
            FormField::Service => Some(&mut self.service),
            FormField::Summary => Some(&mut self.summary),
            FormField::Tags => Some(&mut self.tags),
            FormField::Impact => Some(&mut self.impact),
            FormField::Severity => None,
        }
    }

    fn step(&mut self, by: isize) {
        let fs = self.fields();
        let at = fs.iter().position(|f| *f == self.field).unwrap_or(0) as isize;
        self.field = fs[(at + by).rem_euclid(fs.len() as isize) as usize];
    }

    fn text(&self, f: FormField) -> String {
        self.input(f)
            .map(text_of)
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    fn tag_list(&self) -> Vec<String> {
        self.text(FormField::Tags)
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect()
    }

    fn summary_text(&self) -> String {
        self.text(FormField::Summary).replace(" ⏎ ", "\n")
    }

    /// The write this form asks for, or why it cannot be sent (and the
    /// field to fix).
    fn write(&self) -> Result<Option<WriteOp>, (FormField, String)> {
        let (title, service) = (self.text(FormField::Title), self.text(FormField::Service));
        for (f, v) in [(FormField::Title, &title), (FormField::Service, &service)] {
            if v.is_empty() {
                return Err((f, format!("{} is required.", f.label())));
            }
        }
        // The model names the field it refuses (`title`, `tags[2]`, …).
        let reason = |e: crate::model::DomainError| {
            let msg = e.to_string();
            let named = [
                ("`title", FormField::Title),
                ("`service", FormField::Service),
                ("`summary", FormField::Summary),
                ("`tags", FormField::Tags),
            ]
            .into_iter()
            .find(|(n, _)| msg.contains(n));
            (named.map_or(self.field, |(_, f)| f), msg)
        };
        let Some(was) = &self.editing else {
            let body = DeclareRequest {
                title,
                service,
                severity: self.severity,
                summary: self.summary_text(),
                commander: None,
                tags: vec![],
            };
            check_declare(&body).map_err(reason)?;
            return Ok(Some(WriteOp::Declare { body }));
        };
        // Only what changed is sent: an edit never overwrites a field
        // someone else changed in the meantime with the old value.
        let summary = self.summary_text();
        let tags = self.tag_list();
        let impact = match self.text(FormField::Impact).as_str() {
            "" => None,
            t => Some(
                chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M")
                    .map(|n| n.and_utc())
                    .map_err(|_| {
                        (
                            FormField::Impact,
                            format!("Impact started `{t}` is not a time like 2026-11-25 13:50."),
                        )
                    })?,
            ),
        };
        let same_minute = |a: Option<chrono::DateTime<chrono::Utc>>| {
            a.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        };
        let body = PatchRequest {
            title: (title != was.title).then_some(title),
            service: (service != was.service).then_some(service),
            summary: (summary != was.summary.trim()).then_some(summary),
            tags: (tags != was.tags).then_some(tags),
            impact_started_at: impact
                .filter(|_| same_minute(impact) != same_minute(was.impact_started_at)),
            ..Default::default()
        };
        if body == PatchRequest::default() {
            return Ok(None);
        }
        check_patch(&body).map_err(reason)?;
        Ok(Some(WriteOp::Patch {
            id: was.id,
            if_match: was.version,
            body,
        }))
    }
}

pub(super) fn form_key(app: &mut App, mut f: IncidentForm, k: KeyEvent) -> Vec<Command> {
    match k.code {
        KeyCode::Esc => return Vec::new(),
        KeyCode::Tab | KeyCode::Down => f.step(1),
        KeyCode::BackTab | KeyCode::Up => f.step(-1),
        KeyCode::Left if f.field == FormField::Severity => {
            f.severity = f.severity.raised().unwrap_or(Severity::Sev1)
        }
        KeyCode::Right if f.field == FormField::Severity => {
            f.severity = f.severity.lowered().unwrap_or(Severity::Sev5)
        }
        KeyCode::Char(c @ '1'..='5') if f.field == FormField::Severity => {
            f.severity = c.to_string().parse().unwrap_or(f.severity)
        }
        KeyCode::Enter => match f.write() {
            Ok(Some(op)) => return send(app, op),
            Ok(None) => {
                app.flash = Some(Flash::info("Nothing to save", "No field was changed."));
                return Vec::new();
            }
            Err((field, why)) => {
                f.field = field;
                f.error = Some(why);
            }
        },
        _ => {
            let field = f.field;
            if let Some(t) = f.input_mut(field) {
                t.input(k);
                f.error = None;
            }
        }
    }
    app.overlay = Some(Overlay::Form(f));
    Vec::new()
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::model::IncidentId;
    use crate::tui::app::{Msg, update};
    use crate::tui::fixtures::sample_app;

    fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
        update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    fn typ(app: &mut App, s: &str) {
        for c in s.chars() {
            key(app, KeyCode::Char(c));
        }
    }

    fn clear_field(app: &mut App) {
        for _ in 0..400 {
            key(app, KeyCode::Backspace);
        }
    }

    #[test]
    fn e_edits_and_sends_only_the_changed_fields_against_the_version_seen() {
        let mut app = sample_app(80, 24);
        let inc = app.board.details[&IncidentId(4)].incident.clone();
        key(&mut app, KeyCode::Char('e'));
        let Some(Overlay::Form(f)) = &app.overlay else {
            panic!("e opens the form")
        };
        assert_eq!(crate::tui::app::overlay::text_of(&f.title), inc.title);
        // Title emptied: refused in the form, with the reason, nothing sent.
        clear_field(&mut app);
        assert!(key(&mut app, KeyCode::Enter).is_empty());
        let Some(Overlay::Form(f)) = &app.overlay else {
            panic!("still open")
        };
        assert_eq!(f.error.as_deref(), Some("Title is required."));
        typ(&mut app, "Checkout 502s");
        key(&mut app, KeyCode::Tab);
        key(&mut app, KeyCode::Tab);
        clear_field(&mut app);
        typ(&mut app, "LB health checks flapping");
        key(&mut app, KeyCode::Tab);
        typ(&mut app, "lb, eu-west");
        let cmds = key(&mut app, KeyCode::Enter);
        let [Command::Send(w)] = &cmds[..] else {
            panic!("{cmds:?}")
        };
        let WriteOp::Patch { id, if_match, body } = &w.op else {
            panic!("{:?}", w.op)
        };
        assert_eq!((*id, *if_match), (inc.id, inc.version));
        assert_eq!(body.title.as_deref(), Some("Checkout 502s"));
        assert_eq!(body.service, None, "unchanged fields are not sent");
        assert_eq!(body.summary.as_deref(), Some("LB health checks flapping"));
        assert_eq!(
            body.tags,
            Some(vec!["lb".to_string(), "eu-west".to_string()])
        );
    }

    #[test]
    fn an_edit_that_changes_nothing_or_breaks_a_bound_is_refused_in_the_form() {
        let mut app = sample_app(80, 24);
        key(&mut app, KeyCode::Char('e'));
        assert!(key(&mut app, KeyCode::Enter).is_empty());
        assert!(
            app.flash
                .as_ref()
                .unwrap()
                .title
                .contains("Nothing to save")
        );
        app.flash = None;
        key(&mut app, KeyCode::Char('e'));
        for _ in 0..3 {
            key(&mut app, KeyCode::Tab);
        }
        let many: Vec<String> = (0..25).map(|i| format!("t{i}")).collect();
        typ(&mut app, &many.join(","));
        assert!(key(&mut app, KeyCode::Enter).is_empty());
        let Some(Overlay::Form(f)) = &app.overlay else {
            panic!("still open")
        };
        assert_eq!(f.field, FormField::Tags);
        assert!(
            f.error.as_deref().unwrap().contains("limit is 20"),
            "{:?}",
            f.error
        );
    }

    #[test]
    fn a_closed_incident_cannot_be_edited() {
        let mut d = crate::tui::fixtures::incident(
            9,
            "Old",
            "edge",
            Severity::Sev3,
            600,
            crate::model::Status::Closed,
            0,
        );
        d.incident.status = crate::model::Status::Closed;
        let mut app = crate::tui::fixtures::app_with(vec![d], 80, 24);
        app.selected = Some(IncidentId(9));
        key(&mut app, KeyCode::Char('e'));
        assert!(app.overlay.is_none());
        assert!(app.flash.as_ref().unwrap().text.contains("read-only"));
    }

    #[test]
    fn the_ic_sets_when_the_impact_started_and_a_bad_time_names_the_field() {
        let mut app = sample_app(80, 24);
        key(&mut app, KeyCode::Char('e'));
        for _ in 0..4 {
            key(&mut app, KeyCode::Tab);
        }
        typ(&mut app, "2026-11-25 13:05 or so");
        assert!(key(&mut app, KeyCode::Enter).is_empty());
        let Some(Overlay::Form(f)) = &app.overlay else {
            panic!("still open")
        };
        assert_eq!(f.field, FormField::Impact);
        assert!(f.error.as_deref().unwrap().contains("not a time"));
        for _ in 0.." or so".len() {
            key(&mut app, KeyCode::Backspace);
        }
        let cmds = key(&mut app, KeyCode::Enter);
        let [Command::Send(w)] = &cmds[..] else {
            panic!("{cmds:?}")
        };
        let WriteOp::Patch { body, .. } = &w.op else {
            panic!("{:?}", w.op)
        };
        assert_eq!(
            body.impact_started_at.map(|t| t.to_rfc3339()),
            Some("2026-11-25T13:05:00+00:00".to_string())
        );
        assert_eq!(body.title, None);
    }
}
