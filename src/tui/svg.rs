//! A drawn screen (ratatui's buffer, as the snapshot tests see it) as an
//! SVG picture: every cell's colours, bold, italic, underline, dim and
//! reverse kept, box drawing as text, and the text selectable. Used for the
//! screenshots in `screenshots/`.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 17.0;
const FONT: f32 = 14.0;
const DEFAULT_FG: &str = "#d4d4d4";
const DEFAULT_BG: &str = "#1b1d23";

/// xterm's 16 colours.
const ANSI: [&str; 16] = [
    "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
];

fn hex(c: Color, default: &str) -> String {
    match c {
        Color::Reset => default.to_string(),
        Color::Black => ANSI[0].into(),
        Color::Red => ANSI[1].into(),
        Color::Green => ANSI[2].into(),
        Color::Yellow => ANSI[3].into(),
        Color::Blue => ANSI[4].into(),
        Color::Magenta => ANSI[5].into(),
        Color::Cyan => ANSI[6].into(),
        Color::Gray => ANSI[7].into(),
        Color::DarkGray => ANSI[8].into(),
        Color::LightRed => ANSI[9].into(),
        Color::LightGreen => ANSI[10].into(),
        Color::LightYellow => ANSI[11].into(),
        Color::LightBlue => ANSI[12].into(),
        Color::LightMagenta => ANSI[13].into(),
        Color::LightCyan => ANSI[14].into(),
        Color::White => ANSI[15].into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(n) => indexed(n),
    }
}

/// The xterm 256-colour palette: 16 system colours, a 6x6x6 cube, grays.
fn indexed(n: u8) -> String {
    match n {
        0..=15 => ANSI[n as usize].into(),
        16..=231 => {
            let i = n - 16;
            let step = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            format!(
                "#{:02x}{:02x}{:02x}",
                step(i / 36),
                step((i / 6) % 6),
                step(i % 6)
            )
        }
        _ => {
            let v = 8 + 10 * (n - 232);
            format!("#{v:02x}{v:02x}{v:02x}")
        }
    }
}

/// The attributes of text drawn in `fg` with modifiers `m`.
fn text_style(fg: &str, m: Modifier) -> String {
    let mut attrs = format!(" fill=\"{fg}\"");
    if m.contains(Modifier::BOLD) {
        attrs.push_str(" font-weight=\"bold\"");
    }
    if m.contains(Modifier::ITALIC) {
        attrs.push_str(" font-style=\"italic\"");
    }
    if m.contains(Modifier::DIM) {
        attrs.push_str(" opacity=\"0.6\"");
    }
    match (
        m.contains(Modifier::UNDERLINED),
        m.contains(Modifier::CROSSED_OUT),
    ) {
        (true, true) => attrs.push_str(" text-decoration=\"underline line-through\""),
        (true, false) => attrs.push_str(" text-decoration=\"underline\""),
        (false, true) => attrs.push_str(" text-decoration=\"line-through\""),
        _ => {}
    }
    attrs
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The picture of `buf`, with `title` for screen readers.
pub fn render(buf: &Buffer, title: &str) -> String {
    let area = buf.area;
    let (w, h) = (area.width as f32 * CELL_W, area.height as f32 * CELL_H);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" \
         viewBox=\"0 0 {w:.1} {h:.1}\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"{DEFAULT_BG}\"/>"
    );
    let _ = writeln!(
        out,
        "<g font-family=\"'DejaVu Sans Mono', Menlo, Consolas, monospace\" \
         font-size=\"{FONT}\" xml:space=\"preserve\">"
    );
    for y in 0..area.height {
        row(&mut out, buf, y);
    }
    out.push_str("</g>\n</svg>\n");
    out
}

/// One row of cells: background rects, then the text in runs.
fn row(out: &mut String, buf: &Buffer, y: u16) {
    let area = buf.area;
    let py = y as f32 * CELL_H;
    // Runs of cells with one look become one rect and one tspan, each
    // pinned to its cells (`textLength`) so columns line up whatever
    // the font's advance.
    let mut rects: Vec<(u16, u16, String)> = Vec::new();
    let mut runs: Vec<(u16, u16, String, String)> = Vec::new();
    for x in 0..area.width {
        let cell = &buf[(area.x + x, area.y + y)];
        let sym = cell.symbol();
        let m = cell.modifier;
        let (mut fg, mut bg) = (hex(cell.fg, DEFAULT_FG), hex(cell.bg, DEFAULT_BG));
        if m.contains(Modifier::REVERSED) {
            std::mem::swap(&mut fg, &mut bg);
        }
        if bg != DEFAULT_BG {
            match rects.last_mut() {
                Some((start, n, b)) if *b == bg && *start + *n == x => *n += 1,
                _ => rects.push((x, 1, bg)),
            }
        }
        // A wide character leaves the next cell empty.
        if sym.is_empty() {
            if let Some(r) = runs.last_mut().filter(|r| r.0 + r.1 == x) {
                r.1 += 1;
            }
            continue;
        }
        let style = text_style(&fg, m);
        match runs.last_mut() {
            Some((start, n, st, text)) if *st == style && *start + *n == x => {
                *n += 1;
                text.push_str(sym);
            }
            _ => runs.push((x, 1, style, sym.to_string())),
        }
    }
    for (x, n, bg) in rects {
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{py:.1}\" width=\"{:.1}\" height=\"{CELL_H:.1}\" fill=\"{bg}\"/>",
            x as f32 * CELL_W,
            n as f32 * CELL_W + 0.3
        );
    }
    let mut text = String::new();
    for (x, n, style, t) in runs {
        if t.trim().is_empty() {
            continue;
        }
        let _ = write!(
            text,
            "<tspan x=\"{:.1}\" textLength=\"{:.1}\" lengthAdjust=\"spacingAndGlyphs\"{style}>{}</tspan>",
            x as f32 * CELL_W,
            n as f32 * CELL_W,
            escape(&t)
        );
    }
    if !text.is_empty() {
        let _ = writeln!(out, "<text y=\"{:.1}\">{text}</text>", py + CELL_H * 0.78);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn cells_keep_colour_emphasis_and_escape_markup() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        buf.set_string(
            0,
            0,
            "<a&",
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        );
        buf.set_string(
            3,
            0,
            "SEV",
            Style::default().fg(Color::White).bg(Color::Indexed(208)),
        );
        let svg = render(&buf, "t");
        assert!(svg.contains("&lt;") && svg.contains("&amp;") && !svg.contains("<a"));
        assert!(
            svg.contains("fill=\"#cd3131\" font-weight=\"bold\">&lt;a&amp;</tspan>"),
            "{svg}"
        );
        assert!(
            svg.contains("fill=\"#ff8700\""),
            "indexed 208 is orange: {svg}"
        );
    }
}
