//! Everything drawn on top of the panes: help, palette, dialogs, editors.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use tui_textarea::TextArea;

use crate::model::Role as ResponderRole;
use crate::text::{fit, one_line, pad};
use crate::tui::app::{App, Overlay};
use crate::tui::theme::{Role, Theme};

use super::dialogs::{confirm, editor, help, palette};
use super::popup::{centered, field, hint, popup};

pub fn draw(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    match &app.overlay {
        Some(Overlay::Reader { id, seq, scroll }) => {
            super::reader::draw(app, theme, f, area, *id, *seq, *scroll)
        }
        None => {}
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
        Some(Overlay::Chooser(ch)) => {
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
        Some(Overlay::Confirm(c)) => confirm(app, theme, f, area, c),
        Some(Overlay::Editor { kind, text }) => editor(theme, f, area, kind, text),
        Some(Overlay::Form(form)) => super::incident_form::draw(theme, f, area, form),
        Some(Overlay::Responder(form)) if app.caps.user_directory => {
            let rows = form.matches.len().min(6) as u16;
            let r = centered(area, 72, 7 + rows);
            let (inner, block) = popup(
                theme,
                f,
                r,
                &format!("Assign · {} · {} users", form.id, app.caps.name),
            );
            f.render_widget(block, r);
            let [t, list, h] = Layout::vertical([
                Constraint::Length(3),
                Constraint::Min(0),
                Constraint::Length(1),
            ])
            .areas(inner);
            field(theme, f, t, &form.handle, "User", true);
            let mut lines: Vec<Line> = form
                .matches
                .iter()
                .take(6)
                .enumerate()
                .map(|(i, u)| {
                    let st = if i == form.pick {
                        theme.style(Role::Selected)
                    } else {
                        theme.style(Role::Text)
                    };
                    Line::from(Span::styled(
                        pad(
                            &format!(" {}  {}  ({})", u.name, u.email, u.id),
                            list.width as usize,
                        ),
                        st,
                    ))
                })
                .collect();
            if lines.is_empty() {
                lines.push(Line::from(Span::styled(
                    " type 2+ letters of a name or email",
                    theme.style(Role::Muted),
                )));
            }
            f.render_widget(Paragraph::new(lines), list);
            f.render_widget(
                Paragraph::new(hint(
                    theme,
                    &[("↑/↓", "pick"), ("Enter", "assign"), ("Esc", "cancel")],
                )),
                h,
            );
        }
        Some(Overlay::Responder(form)) => {
            let r = centered(area, 64, 8);
            let (inner, block) = popup(theme, f, r, &format!("Page or assign · {}", form.id));
            f.render_widget(block, r);
            let [t, role, _, h] = Layout::vertical([
                Constraint::Length(3),
                Constraint::Length(1),
                Constraint::Min(0),
                Constraint::Length(1),
            ])
            .areas(inner);
            field(theme, f, t, &form.handle, "Handle", form.field == 0);
            let sel = form.field == 1;
            let mut spans = vec![Span::styled(
                " Role  ",
                if sel {
                    theme.style(Role::BorderFocus)
                } else {
                    theme.style(Role::Muted)
                },
            )];
            for r in ResponderRole::ALL {
                let st = if r == form.role {
                    theme.style(Role::Selected)
                } else {
                    theme.style(Role::Muted)
                };
                spans.push(Span::styled(format!(" {} ", r.short()), st));
            }
            f.render_widget(Paragraph::new(Line::from(spans)), role);
            f.render_widget(
                Paragraph::new(hint(
                    theme,
                    &[
                        ("Tab", "field"),
                        ("←/→", "role"),
                        ("Enter", "page / assign"),
                        ("Esc", "cancel"),
                    ],
                )),
                h,
            );
        }
        Some(Overlay::Silence(form)) => {
            // The exact matchers the silence gets: the alert group's labels,
            // which the Alertmanager backend gives an incident as its tags.
            let matchers: Vec<String> = app
                .board
                .incidents
                .iter()
                .find(|i| i.id == form.id)
                .map(|i| {
                    i.tags
                        .iter()
                        .filter_map(|t| t.split_once('='))
                        .map(|(k, v)| format!("{k}=\"{v}\""))
                        .collect()
                })
                .unwrap_or_default();
            let m_rows = (matchers.len() as u16).clamp(1, 4);
            let r = centered(area, 76, 9 + m_rows);
            let (inner, block) = popup(theme, f, r, &format!("Silence the alerts of {}", form.id));
            f.render_widget(block, r);
            let [c, d, m, _, h] = Layout::vertical([
                Constraint::Length(3),
                Constraint::Length(1),
                Constraint::Length(m_rows + 1),
                Constraint::Min(0),
                Constraint::Length(1),
            ])
            .areas(inner);
            let mut mlines = vec![Line::from(Span::styled(
                " Matchers (every alert with all of these labels is silenced):",
                theme.style(Role::Muted),
            ))];
            if matchers.is_empty() {
                mlines.push(Line::from(Span::styled(
                    "   the group's labels (not known yet)",
                    theme.style(Role::Muted),
                )));
            }
            for chunk in matchers.chunks(3).take(m_rows as usize) {
                mlines.push(Line::from(Span::styled(
                    fit(&format!("   {}", chunk.join(", ")), m.width as usize).into_owned(),
                    theme.style(Role::Text),
                )));
            }
            f.render_widget(Paragraph::new(mlines), m);
            field(theme, f, c, &form.comment, "Comment (required)", true);
            let minutes = crate::tui::app::SILENCE_MINUTES[form.duration];
            let dur = if minutes >= 60 {
                format!("{}h", minutes / 60)
            } else {
                format!("{minutes}m")
            };
            f.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(" For  ", theme.style(Role::Muted)),
                    Span::styled(format!(" ▴ {dur} ▾ "), theme.style(Role::Selected)),
                    Span::styled(
                        format!(
                            "  until {}",
                            (app.now + chrono::Duration::minutes(minutes as i64))
                                .format("%a %d %b %H:%M UTC")
                        ),
                        theme.style(Role::Muted),
                    ),
                ])),
                d,
            );
            f.render_widget(
                Paragraph::new(hint(
                    theme,
                    &[("↑/↓", "duration"), ("Enter", "silence"), ("Esc", "cancel")],
                )),
                h,
            );
        }
        Some(Overlay::FollowUps(v)) => super::followups::draw(app, theme, f, area, v),
        Some(Overlay::Stats {
            window,
            data,
            scroll,
        }) => super::stats::draw(theme, f, area, window, data.as_ref(), *scroll),
        Some(Overlay::Similar { id, list, cursor }) => {
            super::similar::draw(theme, f, area, *id, list.as_ref(), *cursor)
        }
        Some(Overlay::Closed { list, cursor }) => {
            super::closed::draw(app, theme, f, area, list.as_ref(), *cursor)
        }
        Some(Overlay::Silences { list, cursor }) => {
            let rows = list
                .as_ref()
                .and_then(|l| l.as_ref().ok())
                .map_or(1, Vec::len) as u16;
            let r = centered(area, 100, (rows + 4).max(6).min(area.height));
            let (inner, block) = popup(theme, f, r, "Silences");
            f.render_widget(block, r);
            let mut lines: Vec<Line> = match list {
                None => vec![Line::from(Span::styled(
                    " loading…",
                    theme.style(Role::Muted),
                ))],
                Some(Err(e)) => vec![Line::from(Span::styled(
                    format!(" {}", one_line(e, 90)),
                    theme.style(Role::Error),
                ))],
                Some(Ok(l)) if l.is_empty() => vec![Line::from(Span::styled(
                    " No silences.",
                    theme.style(Role::Muted),
                ))],
                Some(Ok(l)) => l
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let st = if i == *cursor {
                            theme.style(Role::Selected)
                        } else if s.state == crate::client::SilenceState::Active {
                            theme.style(Role::Text)
                        } else {
                            theme.style(Role::Muted)
                        };
                        let text = format!(
                            " {:<8} until {}  {}  by {}: {}",
                            s.state.to_string(),
                            s.ends_at.format("%m-%d %H:%M"),
                            s.matchers,
                            s.created_by,
                            s.comment
                        );
                        Line::from(Span::styled(pad(&text, inner.width as usize), st))
                    })
                    .collect(),
            };
            lines.push(hint(
                theme,
                &[
                    ("j/k", "select"),
                    ("d", "expire"),
                    ("r", "reload"),
                    ("Esc", "close"),
                ],
            ));
            f.render_widget(Paragraph::new(lines), inner);
        }
        Some(Overlay::Outbox { cursor }) => {
            let r = centered(area, 90, (app.pending.len() as u16 + 4).max(6));
            let (inner, block) = popup(
                theme,
                f,
                r,
                &format!("Outbox · {} pending", app.pending.len()),
            );
            f.render_widget(block, r);
            let mut lines: Vec<Line> = app
                .pending
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let st = if i == *cursor {
                        theme.style(Role::Selected)
                    } else if p.foreign {
                        theme.style(Role::Error)
                    } else {
                        theme.style(Role::Pending)
                    };
                    let inc = p
                        .write
                        .op
                        .incident()
                        .map_or("new".to_string(), |id| id.to_string());
                    let err = if p.foreign {
                        " · HELD: queued with other credentials (s: send as you)".to_string()
                    } else {
                        p.last_error
                            .as_deref()
                            .map(|e| format!(" · try {}: {}", p.attempt, one_line(e, 50)))
                            .unwrap_or_default()
                    };
                    Line::from(Span::styled(
                        pad(&format!(" {inc:<8} {}{err}", p.what), inner.width as usize),
                        st,
                    ))
                })
                .collect();
            if lines.is_empty() {
                lines.push(Line::from(Span::styled(
                    " Nothing pending: every action was delivered.",
                    theme.style(Role::Ok),
                )));
            }
            let held = app.pending.iter().any(|p| p.foreign);
            let keys: &[(&str, &str)] = if held {
                &[
                    ("j/k", "select"),
                    ("d", "discard"),
                    ("s", "send held as you"),
                    ("Esc", "close"),
                ]
            } else {
                &[("j/k", "select"), ("d", "discard"), ("Esc", "close")]
            };
            lines.push(hint(theme, keys));
            f.render_widget(Paragraph::new(lines), inner);
        }
    }
    if let Some(fl) = &app.flash {
        super::flash::draw(theme, f, area, fl);
    }
}

fn input_box(theme: &Theme, f: &mut Frame, area: Rect, t: &TextArea<'static>, title: &str) {
    f.render_widget(Clear, area);
    field(theme, f, area, t, title, true);
}
