//! The incident form: declaring a new incident (`D`) and editing the one
//! being looked at (`e`). Both check the fields with the model's own rules
//! before sending, so an empty or oversized field is refused in the form,
//! with the reason, instead of as a server error after the fact.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use tui_textarea::TextArea;

use super::input::{line_input, text_of};
use super::writes::send;
use super::{App, Command, Flash};
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
    /// What the server's classification rules suggest (declare only):
    /// asked with Ctrl-R, taken with Ctrl-Y; `Err` says why there is none.
    pub suggestion: Option<Result<crate::model::wire::Suggestion, String>>,
    /// Tags taken from an accepted suggestion, sent with the declaration.
    pub suggested_tags: Vec<String>,
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
            suggestion: None,
            suggested_tags: Vec::new(),
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
            suggestion: None,
            suggested_tags: Vec::new(),
        }
    }

    /// Takes what the rules suggested: severity, service and tags.
    pub fn accept_suggestion(&mut self) {
        let Some(Ok(s)) = &self.suggestion else {
            return;
        };
        self.severity = s.severity;
        self.service = line_input(&s.service, "service");
        self.suggested_tags = s.tags.clone();
        self.error = None;
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
                tags: self.suggested_tags.clone(),
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

/// The form's keys: its next state (`None` closes it) and what to do.
pub(super) fn form_key(
    app: &mut App,
    mut f: IncidentForm,
    k: KeyEvent,
) -> (Option<IncidentForm>, Vec<Command>) {
    let ctrl = k
        .modifiers
        .contains(ratatui::crossterm::event::KeyModifiers::CONTROL);
    if ctrl && f.editing.is_none() {
        match k.code {
            KeyCode::Char('r') => {
                f.suggestion = None;
                let ask = Command::Suggest {
                    title: f.text(FormField::Title),
                    service: f.text(FormField::Service),
                };
                return (Some(f), vec![ask]);
            }
            KeyCode::Char('y') => {
                f.accept_suggestion();
                return (Some(f), Vec::new());
            }
            _ => {}
        }
    }
    match k.code {
        KeyCode::Esc => return (None, Vec::new()),
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
            Ok(Some(op)) => return (None, send(app, op)),
            Ok(None) => {
                app.flash = Some(Flash::info("Nothing to save", "No field was changed."));
                return (None, Vec::new());
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
    (Some(f), Vec::new())
}
