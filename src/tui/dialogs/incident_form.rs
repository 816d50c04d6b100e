//! The incident form: declaring a new incident (`D`) and editing the one
//! being looked at (`e`). Both check the fields with the model's own rules
//! before sending, so an empty or oversized field is refused in the form,
//! with the reason, instead of as a server error after the fact.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_textarea::TextArea;

use super::keys::{
    BACKTAB, DOWN, ENTER, ESC, LEFT, RIGHT, TAB, Table, UP, backward, bind, ch, ctrl,
};
use super::{Ctx, Effect, Outcome};
use crate::client::WriteOp;
use crate::model::wire::{DeclareRequest, PatchRequest};
use crate::model::{Incident, Severity, check_declare, check_patch};
use crate::text::one_line;
use crate::tui::app::{Flash, Read, line_input, text_of};
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, field, hint, line_field, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Next,
    Severity,
    Send,
    Cancel,
    AskRules,
    TakeSuggestion,
}

pub static DECLARE_KEYS: Table<Key> = Table {
    name: "declare (D)",
    binds: &[
        bind(&[TAB, BACKTAB, DOWN, UP], "Tab", "next field", Key::Next),
        bind(
            &[LEFT, RIGHT, ch('1'), ch('2'), ch('3'), ch('4'), ch('5')],
            "←/→ 1-5",
            "severity",
            Key::Severity,
        ),
        bind(&[ENTER], "Enter", "declare", Key::Send),
        bind(&[ESC], "Esc", "cancel", Key::Cancel),
        bind(&[ctrl('r')], "^R", "ask the rules", Key::AskRules),
        bind(&[ctrl('y')], "^Y", "take it", Key::TakeSuggestion),
    ],
};

pub static EDIT_KEYS: Table<Key> = Table {
    name: "edit (e)",
    binds: &[
        bind(&[TAB, BACKTAB, DOWN, UP], "Tab", "next field", Key::Next),
        bind(&[ENTER], "Enter", "save changed fields", Key::Send),
        bind(&[ESC], "Esc", "cancel", Key::Cancel),
    ],
};

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
            summary: wrapped(line_input("", "what we know so far (optional)")),
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
            summary: wrapped(line_input(
                &i.summary.replace('\n', " ⏎ "),
                "what we know so far",
            )),
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

impl IncidentForm {
    fn keys(&self) -> &'static Table<Key> {
        if self.editing.is_some() {
            &EDIT_KEYS
        } else {
            &DECLARE_KEYS
        }
    }

    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        match self.keys().lookup(&k) {
            Some(Key::Cancel) => return Outcome::close(),
            Some(Key::AskRules) => {
                self.suggestion = None;
                return Outcome::stay().with(Effect::Read(Read::Suggest {
                    title: self.text(FormField::Title),
                    service: self.text(FormField::Service),
                }));
            }
            Some(Key::TakeSuggestion) => self.accept_suggestion(),
            Some(Key::Next) => self.step(if backward(&k) { -1 } else { 1 }),
            Some(Key::Severity) if self.field == FormField::Severity => match k.code {
                KeyCode::Left => self.severity = self.severity.raised().unwrap_or(Severity::Sev1),
                KeyCode::Right => self.severity = self.severity.lowered().unwrap_or(Severity::Sev5),
                KeyCode::Char(c) => self.severity = c.to_string().parse().unwrap_or(self.severity),
                _ => {}
            },
            Some(Key::Send) => match self.write() {
                Ok(Some(op)) => return Outcome::close().with(Effect::Write(op)),
                Ok(None) => {
                    return Outcome::close().with(Effect::Flash(Flash::info(
                        "Nothing to save",
                        "No field was changed.",
                    )));
                }
                Err((field, why)) => {
                    self.field = field;
                    self.error = Some(why);
                }
            },
            Some(Key::Severity) | None => {
                let field = self.field;
                if let Some(t) = self.input_mut(field) {
                    t.input(k);
                    self.error = None;
                }
            }
        }
        Outcome::stay()
    }

    /// What the rules suggest (declare only).
    pub fn suggested(&mut self, r: Result<crate::model::wire::Suggestion, String>) {
        if self.editing.is_none() {
            self.suggestion = Some(r);
        }
    }

    pub fn draw(&self, _: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        draw(theme, f, area, self)
    }
}

/// The summary wraps in its field: it is read whole while it is written.
fn wrapped(mut t: TextArea<'static>) -> TextArea<'static> {
    t.set_wrap_mode(tui_textarea::WrapMode::WordOrGlyph);
    t
}

/// Rows a field takes in the form: a bordered input, the summary with
/// room for three wrapped lines, the severity picker one line. On a screen
/// too short for that, every field is one labelled line.
fn rows(f: FormField, short: bool) -> u16 {
    match f {
        FormField::Severity => 1,
        _ if short => 1,
        FormField::Summary => 5,
        _ => 3,
    }
}

fn draw(theme: &Theme, f: &mut Frame, area: Rect, form: &IncidentForm) {
    let fields = form.fields();
    let tall: u16 = fields.iter().map(|x| rows(*x, false)).sum();
    let short = tall + 4 > area.height;
    let r = centered(
        area,
        90,
        fields.iter().map(|x| rows(*x, short)).sum::<u16>() + 4,
    );
    let title = match &form.editing {
        Some(i) => format!("Edit {} · {}", i.id, one_line(&i.title, 40)),
        None => "Declare an incident".to_string(),
    };
    let (inner, block) = popup(theme, f, r, &title);
    f.render_widget(block, r);
    let mut constraints: Vec<Constraint> = fields
        .iter()
        .map(|x| Constraint::Length(rows(*x, short)))
        .collect();
    constraints.push(Constraint::Min(0));
    constraints.push(Constraint::Length(1));
    let areas = Layout::vertical(constraints).split(inner);
    for (i, x) in fields.iter().enumerate() {
        let focused = form.field == *x;
        match form.input(*x) {
            Some(t) if short => line_field(theme, f, areas[i], t, x.label(), focused),
            Some(t) => field(theme, f, areas[i], t, x.label(), focused),
            None => severity(theme, f, areas[i], form, focused),
        }
    }
    if let Some(line) = suggestion(theme, form) {
        f.render_widget(Paragraph::new(line), areas[areas.len() - 2]);
    }
    let bottom = areas[areas.len() - 1];
    let line = match &form.error {
        Some(why) => Line::from(Span::styled(
            format!(" ✗ {}", one_line(why, 100)),
            theme.style(Role::Error),
        )),
        None => hint(theme, &form.keys().hints()),
    };
    f.render_widget(Paragraph::new(line), bottom);
}

fn severity(theme: &Theme, f: &mut Frame, area: Rect, form: &IncidentForm, focused: bool) {
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                " Severity  ",
                theme.style(if focused {
                    Role::BorderFocus
                } else {
                    Role::Muted
                }),
            ),
            Span::styled(format!(" ◂ {} ▸ ", form.severity), theme.sev(form.severity)),
            Span::styled(
                format!("  {}", form.severity.label()),
                theme.style(Role::Muted),
            ),
        ])),
        area,
    );
}

/// What the rules suggest (Ctrl-R asked), on the line above the keys.
fn suggestion<'a>(theme: &Theme, form: &IncidentForm) -> Option<Line<'a>> {
    let line = match form.suggestion.as_ref()? {
        Err(why) => Span::styled(
            format!(" rules: {}", one_line(why, 100)),
            theme.style(Role::Muted),
        ),
        Ok(s) => {
            let by = s.rule.as_deref().unwrap_or("no rule matches; defaults");
            let mut what = format!("{} · service {}", s.severity, s.service);
            if !s.tags.is_empty() {
                what.push_str(&format!(" · tags {}", s.tags.join(" ")));
            }
            Span::styled(
                format!(" {}: {what}  (^Y takes it)", one_line(by, 40)),
                theme.style(Role::Title),
            )
        }
    };
    Some(Line::from(line))
}
