//! Messages on top of everything: a plain message, or a conflict dialog
//! that shows, field by field, what changed under the IC's action and who
//! changed it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::popup::{centered, hint, popup};
use crate::text::{one_line, pad};
use crate::tui::app::{Conflict, Flash};
use crate::tui::theme::{Role, Theme};

pub(super) fn draw(theme: &Theme, f: &mut Frame, area: Rect, fl: &Flash) {
    let mut text: Vec<Line> = fl.text.lines().map(|l| Line::from(l.to_string())).collect();
    if let Some(c) = &fl.conflict {
        text.extend(conflict_lines(theme, c));
    }
    text.push(Line::default());
    text.push(hint(theme, &fl.keys().hints()));
    // Wrapped lines need room too: a rough count of their rows.
    let width = area.width.min(76).saturating_sub(4).max(20) as usize;
    let rows: usize = text.iter().map(|l| l.width().max(1).div_ceil(width)).sum();
    let r = centered(area, 76, rows as u16 + 2);
    let (inner, block) = popup(theme, f, r, &fl.title);
    let block = if fl.error {
        block.border_style(theme.style(Role::Error))
    } else {
        block
    };
    f.render_widget(block, r);
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
}

fn conflict_lines<'a>(theme: &Theme, c: &Conflict) -> Vec<Line<'a>> {
    let muted = theme.style(Role::Muted);
    let mut out = vec![
        Line::default(),
        Line::from(vec![
            Span::styled("Your action: ", muted),
            Span::raw(one_line(&c.what, 60)),
        ]),
    ];
    let Some(now) = &c.now else {
        out.push(Line::from(Span::styled(
            match &c.fetch_error {
                Some(e) => format!("Cannot read the incident as it is now: {}", one_line(e, 80)),
                None => "Reading the incident as it is now…".into(),
            },
            theme.style(Role::Warn),
        )));
        return out;
    };
    let diffs = c.differences();
    out.push(Line::from(Span::styled(
        format!(
            "Changed since you looked at {} (version {}):",
            now.id, now.version
        ),
        theme.style(Role::Title),
    )));
    if diffs.is_empty() {
        out.push(Line::from(Span::styled(
            "  no field you can see (checklist, responders or notes changed)",
            muted,
        )));
    }
    for (name, then, is) in diffs {
        // Short values on one line; longer ones whole, one per line (the
        // dialog wraps them), so the IC compares what was with what is.
        let (then, is) = (one_line(&then, 2_000), one_line(&is, 2_000));
        if crate::text::width(&then) + crate::text::width(&is) <= 50 {
            out.push(Line::from(vec![
                Span::styled(pad(&format!("  {name}"), 12), muted),
                Span::raw(then),
                Span::styled(" → ", muted),
                Span::styled(is, theme.style(Role::Warn)),
            ]));
        } else {
            out.push(Line::from(Span::styled(format!("  {name}"), muted)));
            out.push(Line::from(vec![
                Span::styled("    was ", muted),
                Span::raw(then),
            ]));
            out.push(Line::from(vec![
                Span::styled("    now ", muted),
                Span::styled(is, theme.style(Role::Warn)),
            ]));
        }
    }
    if !c.changes.is_empty() {
        out.push(Line::from(Span::styled("By:", theme.style(Role::Title))));
        for ch in &c.changes {
            out.push(Line::from(format!("  {ch}")));
        }
    }
    out
}
