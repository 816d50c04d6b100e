//! Links that open where the IC sits: every URL the screen shows whole is
//! made an OSC 8 hyperlink (a click opens it in the terminal's browser;
//! terminals without OSC 8 ignore it). Ratatui counts an escape sequence's
//! characters as width, so the links cannot live in its cells; they are
//! written over the drawn frame instead, only where the screen shows a
//! URL warroom knows whole (a cut or wrapped piece never links to the
//! wrong place), and written again only when those cells change, so an
//! idle screen costs nothing more. Only `http`, `https` and `mailto` URLs
//! without control characters are linked (`hyperlinks = false` in the
//! config turns it off).

use std::io::Write;

use ratatui::buffer::Buffer;
use ratatui::crossterm::style::{
    Attribute, Color as CColor, Print, ResetColor, SetAttribute, SetBackgroundColor,
    SetForegroundColor,
};
use ratatui::crossterm::{cursor::MoveTo, queue};
use ratatui::style::{Color, Modifier, Style};

/// Characters of a URL that is linked, at most.
pub const MAX_URL: usize = 2_048;
/// Distinct URLs looked for on one screen, at most.
pub const MAX_KNOWN: usize = 64;

/// Whether `url` may be a link: a scheme a browser opens safely, no
/// control characters, spaces or quotes that could end the escape early.
pub fn safe(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        && url.len() <= MAX_URL
        && url.len() > "http://".len()
        && !url
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '"')
}

/// The URLs in `text`, as whole words (trailing punctuation left out).
pub fn urls_in(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '(' | ')'))
        .map(|w| w.trim_end_matches(['.', ',', ';', ':', '!', '?']))
        .filter(|w| safe(w))
}

/// One link placed on the screen: where, to what, and the cells it covers
/// as they were drawn (to write them again inside the link).
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub x: u16,
    pub y: u16,
    pub url: String,
    cells: Vec<(String, Style)>,
}

/// Where the screen shows each of `known` whole: on one row, not cut,
/// bounded by the edge or a character a URL does not end with.
pub fn find(buf: &Buffer, known: &[String]) -> Vec<Placed> {
    let mut out = Vec::new();
    if known.is_empty() {
        return out;
    }
    let area = buf.area;
    for y in area.top()..area.bottom() {
        // The row as text, and the cell each byte of it came from.
        let mut row = String::new();
        let mut at: Vec<(usize, u16)> = Vec::new();
        for x in area.left()..area.right() {
            let s = buf[(x, y)].symbol();
            at.push((row.len(), x));
            row.push_str(s);
        }
        for url in known {
            let mut from = 0;
            while let Some(i) = row[from..].find(url.as_str()) {
                let start = from + i;
                let end = start + url.len();
                from = end;
                let before_ok = row[..start]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric() && c != '/' && c != '.');
                let after_ok = row[end..]
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_whitespace() || "│┃|)>]\"',;".contains(c));
                if !(before_ok && after_ok) {
                    continue;
                }
                let cells: Vec<(String, Style)> = at
                    .iter()
                    .filter(|(b, _)| *b >= start && *b < end)
                    .map(|(_, x)| {
                        let c = &buf[(*x, y)];
                        (c.symbol().to_string(), c.style())
                    })
                    .collect();
                let Some(&(_, x)) = at.iter().find(|(b, _)| *b == start) else {
                    continue;
                };
                out.push(Placed {
                    x,
                    y,
                    url: url.clone(),
                    cells,
                });
            }
        }
    }
    out
}

/// The links over the last frame, written again only when they change.
#[derive(Default)]
pub struct Overlay {
    shown: Vec<Placed>,
    size: (u16, u16),
}

impl Overlay {
    /// The links of `buf` that are not on the terminal as drawn (new
    /// ones, moved ones, ones whose cells ratatui wrote again).
    pub fn changed(&mut self, buf: &Buffer, known: &[String]) -> Vec<Placed> {
        let size = (buf.area.width, buf.area.height);
        if size != self.size {
            // A resize redraws everything: no link is left.
            self.shown.clear();
            self.size = size;
        }
        let now = find(buf, known);
        let fresh = now
            .iter()
            .filter(|p| !self.shown.contains(p))
            .cloned()
            .collect();
        self.shown = now;
        fresh
    }

    /// [`Overlay::changed`], written to `w`.
    pub fn write(
        &mut self,
        w: &mut impl Write,
        buf: &Buffer,
        known: &[String],
    ) -> std::io::Result<()> {
        let fresh = self.changed(buf, known);
        write_links(w, &fresh)
    }
}

/// Each link: where it starts, the OSC 8 opening, its cells as drawn, the
/// closing.
pub fn write_links(w: &mut impl Write, links: &[Placed]) -> std::io::Result<()> {
    {
        for p in links {
            queue!(w, MoveTo(p.x, p.y))?;
            // The OSC 8 opening, the cells as drawn, the closing.
            queue!(w, Print(format!("\x1b]8;;{}\x1b\\", p.url)))?;
            for (symbol, style) in &p.cells {
                apply(w, *style)?;
                queue!(w, Print(symbol))?;
            }
            queue!(
                w,
                Print("\x1b]8;;\x1b\\"),
                SetAttribute(Attribute::Reset),
                ResetColor
            )?;
        }
    }
    Ok(())
}

fn apply(w: &mut impl Write, s: Style) -> std::io::Result<()> {
    use ratatui::backend::IntoCrossterm;
    let color = |c: Option<Color>| c.map(|c| c.into_crossterm()).unwrap_or(CColor::Reset);
    queue!(
        w,
        SetAttribute(Attribute::Reset),
        SetForegroundColor(color(s.fg)),
        SetBackgroundColor(color(s.bg))
    )?;
    for (m, a) in [
        (Modifier::BOLD, Attribute::Bold),
        (Modifier::REVERSED, Attribute::Reverse),
        (Modifier::UNDERLINED, Attribute::Underlined),
        (Modifier::DIM, Attribute::Dim),
        (Modifier::ITALIC, Attribute::Italic),
    ] {
        if s.add_modifier.contains(m) {
            queue!(w, SetAttribute(a))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    fn row(text: &str) -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, 60, 2));
        b.set_string(0, 0, text, Style::default());
        b.set_string(0, 1, "https://runbooks.example.com/chec…", Style::default());
        b
    }

    #[test]
    fn only_whole_known_safe_urls_become_links_and_only_once() {
        let known: Vec<String> = urls_in(
            "runbook: https://runbooks.example.com/checkout, evil javascript:alert(1) \
             https://x.example/\u{1b}]8;;https://evil",
        )
        .map(str::to_string)
        .collect();
        assert_eq!(
            known,
            vec!["https://runbooks.example.com/checkout".to_string()]
        );
        let b = row("│ runbook: https://runbooks.example.com/checkout │");
        let found = find(&b, &known);
        assert_eq!(found.len(), 1, "the cut copy on row 1 is not linked");
        assert_eq!((found[0].x, found[0].y), (11, 0));
        let mut o = Overlay::default();
        let mut out = Vec::new();
        o.write(&mut out, &b, &known).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(
            s.contains("\x1b]8;;https://runbooks.example.com/checkout\x1b\\"),
            "{s:?}"
        );
        assert!(s.contains("\x1b]8;;\x1b\\"), "closed");
        // Unchanged next frame: nothing written again.
        let mut again = Vec::new();
        o.write(&mut again, &b, &known).unwrap();
        assert!(again.is_empty());
        // A longer URL that merely starts with a known one is not it.
        let b = row("see https://runbooks.example.com/checkout-v2 now");
        assert!(find(&b, &known).is_empty());
    }
}
