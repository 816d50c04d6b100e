//! The larger overlays: the help, the palette, confirmations and the text
//! editor.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use tui_textarea::TextArea;

use super::popup::{centered, field, hint, popup};
use crate::text::{fit, pad};
use crate::tui::app::palette::palette_matches;
use crate::tui::app::{App, EditorKind};
use crate::tui::keymap::{self, BINDINGS};
use crate::tui::keymap::{Dialog, dialog_keys};
use crate::tui::theme::{Role, Theme};

pub(super) fn help(app: &App, theme: &Theme, f: &mut Frame, area: Rect, scroll: usize) {
    let h = (keymap::HELP_LINES as u16 + 2).min(area.height);
    let r = centered(area, 110, h);
    let more = keymap::HELP_LINES > h.saturating_sub(2) as usize;
    let (inner, block) = popup(theme, f, r, if more { "Keys (j/k scroll)" } else { "Keys" });
    f.render_widget(block, r);
    let mut lines: Vec<Line> = BINDINGS
        .iter()
        .map(|b| {
            // Keys this backend or token cannot use are greyed, with why.
            let why = crate::tui::app::offers::unavailable(app, b.act);
            let help_style = if why.is_some() {
                theme.style(Role::Muted)
            } else {
                theme.style(Role::Text)
            };
            let mut spans = vec![
                Span::styled(
                    pad(&format!(" {}", b.label), 15),
                    if why.is_some() {
                        theme.style(Role::Muted)
                    } else {
                        theme.style(Role::Key)
                    },
                ),
                Span::styled(b.help, help_style),
            ];
            if let Some(w) = why {
                spans.push(Span::styled(format!("  ✗ {w}"), theme.style(Role::Muted)));
            }
            if !b.panes.is_empty() {
                spans.push(Span::styled(
                    format!(
                        "  ({})",
                        b.panes
                            .iter()
                            .map(|p| p.title())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    theme.style(Role::Muted),
                ));
            }
            Line::from(spans)
        })
        .collect();
    lines.push(Line::from(Span::styled(
        " Esc      close dialogs and overlays; clears the filter",
        theme.style(Role::Muted),
    )));
    lines.push(Line::from(Span::styled(
        " :outbox  pending actions    :reopen  reopen to investigating    :INC-7  jump",
        theme.style(Role::Muted),
    )));
    lines.extend(dialog_help(theme));
    let scroll = scroll.min(lines.len().saturating_sub(inner.height as usize));
    f.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}

/// "In dialogs": each dialog's keys, from the same table its hint line
/// is drawn from.
fn dialog_help<'a>(theme: &Theme) -> Vec<Line<'a>> {
    use strum::IntoEnumIterator;
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled(" In dialogs", theme.style(Role::Title))),
    ];
    for d in Dialog::iter() {
        let mut spans = vec![Span::styled(
            pad(&format!(" {d}"), 38),
            theme.style(Role::Muted),
        )];
        for (k, what) in dialog_keys(d) {
            spans.push(Span::styled(format!("{k} "), theme.style(Role::Key)));
            spans.push(Span::styled(format!("{what}  "), theme.style(Role::Text)));
        }
        lines.push(Line::from(spans));
    }
    lines
}

pub(super) fn palette(
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    input: &TextArea<'static>,
    cursor: usize,
) {
    let typed = input.lines().join("");
    let matches = palette_matches(&typed);
    let list_h = matches.len().min(12) as u16;
    let r = centered(area, 70, list_h + 5);
    let (inner, block) = popup(theme, f, r, "Command");
    f.render_widget(block, r);
    let [i, l, h] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(inner);
    field(theme, f, i, input, ":", true);
    let start = super::list::window_start(cursor, matches.len(), l.height as usize);
    let lines: Vec<Line> = matches
        .iter()
        .enumerate()
        .skip(start)
        .take(l.height as usize)
        .map(|(n, (name, help))| {
            let st = if n == cursor {
                theme.style(Role::Selected)
            } else {
                theme.style(Role::Text)
            };
            Line::from(vec![
                Span::styled(pad(&format!(" {name}"), 14), st),
                Span::styled(
                    fit(help, l.width.saturating_sub(14) as usize).into_owned(),
                    if n == cursor {
                        st
                    } else {
                        theme.style(Role::Muted)
                    },
                ),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), l);
    f.render_widget(Paragraph::new(hint(theme, dialog_keys(Dialog::Palette))), h);
}

pub(super) fn editor(
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    kind: &EditorKind,
    text: &TextArea<'static>,
) {
    let (title, help) = match kind {
        EditorKind::Note(k) => (
            format!("Note on {}", k.id),
            "Ctrl-S posts · Esc closes and keeps the draft",
        ),
        EditorKind::Update(k) => (
            format!("Stakeholder update on {}", k.id),
            "Ctrl-S posts · Esc closes and keeps the draft",
        ),
        EditorKind::Reason {
            id,
            to,
            force: true,
        } => (
            format!("Force {id} to {to}: why?"),
            "Ctrl-S forces (recorded on the timeline) · Esc cancels",
        ),
        EditorKind::Reason { id, .. } => {
            (format!("Reopen {id}: why?"), "Ctrl-S reopens · Esc cancels")
        }
    };
    let w = (area.width * 4 / 5).max(40);
    let h = (area.height * 3 / 5).max(8);
    let r = centered(area, w, h);
    f.render_widget(Clear, r);
    let [top, bottom] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(r);
    let mut t = text.clone();
    t.set_block(
        Block::bordered()
            .border_style(theme.style(Role::BorderFocus))
            .title(Span::styled(format!(" {title} "), theme.style(Role::Title))),
    );
    f.render_widget(&t, top);
    f.render_widget(
        Paragraph::new(Span::styled(format!(" {help}"), theme.style(Role::Muted)))
            .style(theme.style(Role::Text)),
        bottom,
    );
}
