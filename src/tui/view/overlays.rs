//! Everything drawn on top of the panes: which dialog is open decides
//! which component draws; the flash goes over all of them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use tui_textarea::TextArea;

use crate::text::pad;
use crate::tui::app::{App, Chooser, Overlay};
use crate::tui::theme::{Role, Theme};

use super::dialogs::{editor, help, palette};
use super::popup::{centered, field, popup};

pub fn draw(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    match &app.overlay {
        None => {}
        Some(Overlay::Reader { id, seq, scroll }) => {
            super::reader::draw(app, theme, f, area, *id, *seq, *scroll)
        }
        Some(Overlay::Help { scroll }) => help(app, theme, f, area, *scroll),
        Some(Overlay::Palette(p)) => palette(theme, f, area, &p.input, p.cursor),
        Some(Overlay::FilterInput(t)) => {
            let r = Rect {
                x: area.x,
                y: area.bottom().saturating_sub(3),
                width: area.width,
                height: 3.min(area.height),
            };
            input_box(theme, f, r, t, "Filter (Enter keeps, Esc clears)");
        }
        Some(Overlay::Chooser(ch)) => chooser(theme, f, area, ch),
        Some(Overlay::Confirm(c)) => super::confirm::draw(app, theme, f, area, c),
        Some(Overlay::Editor { kind, text }) => editor(theme, f, area, kind, text),
        Some(Overlay::Form(form)) => super::incident_form::draw(theme, f, area, form),
        Some(Overlay::Responder(form)) if app.caps.user_directory => {
            super::responder::directory(app, theme, f, area, form)
        }
        Some(Overlay::Responder(form)) => super::responder::draw(theme, f, area, form),
        Some(Overlay::Silence(form)) => super::silence::form(app, theme, f, area, form),
        Some(Overlay::FollowUps(v)) => super::followups::draw(app, theme, f, area, v),
        Some(Overlay::Stats {
            window,
            data,
            scroll,
        }) => super::stats::draw(theme, f, area, window, data.as_ref(), *scroll),
        Some(Overlay::Similar { id, list, cursor }) => {
            super::similar::draw(theme, f, area, *id, list.as_ref(), *cursor)
        }
        Some(Overlay::Deliveries { id, list, cursor }) => {
            super::deliveries::draw(theme, f, area, *id, list.as_ref(), *cursor)
        }
        Some(Overlay::Closed { list, cursor }) => {
            super::closed::draw(app, theme, f, area, list.as_ref(), *cursor)
        }
        Some(Overlay::Silences { list, cursor }) => {
            super::silence::list(theme, f, area, list.as_ref(), *cursor)
        }
        Some(Overlay::Outbox { cursor }) => super::outbox::draw(app, theme, f, area, *cursor),
        Some(Overlay::Action(v)) => super::runbook_run::draw(theme, f, area, v),
    }
    if let Some(fl) = &app.flash {
        super::flash::draw(theme, f, area, fl);
    }
}

fn chooser(theme: &Theme, f: &mut Frame, area: Rect, ch: &Chooser) {
    let r = centered(area, 44, ch.options.len() as u16 + 2);
    let (inner, block) = popup(theme, f, r, "Filter by");
    f.render_widget(block, r);
    let lines: Vec<Line> = ch
        .options
        .iter()
        .enumerate()
        .map(|(i, (label, _))| {
            let st = if i == ch.cursor {
                theme.style(Role::Selected)
            } else {
                theme.style(Role::Text)
            };
            Line::from(Span::styled(
                pad(&format!(" {label}"), inner.width as usize),
                st,
            ))
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

fn input_box(theme: &Theme, f: &mut Frame, area: Rect, t: &TextArea<'static>, title: &str) {
    f.render_widget(Clear, area);
    field(theme, f, area, t, title, true);
}
