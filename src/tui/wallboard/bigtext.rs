//! Digits and a few letters five cells tall, readable across a room.
//! Drawn with full blocks so they work in any font and in 16 colours.

const H: usize = 5;

fn glyph(c: char) -> [&'static str; H] {
    match c {
        '0' => ["███", "█ █", "█ █", "█ █", "███"],
        '1' => [" █ ", "██ ", " █ ", " █ ", "███"],
        '2' => ["███", "  █", "███", "█  ", "███"],
        '3' => ["███", "  █", "███", "  █", "███"],
        '4' => ["█ █", "█ █", "███", "  █", "  █"],
        '5' => ["███", "█  ", "███", "  █", "███"],
        '6' => ["███", "█  ", "███", "█ █", "███"],
        '7' => ["███", "  █", "  █", "  █", "  █"],
        '8' => ["███", "█ █", "███", "█ █", "███"],
        '9' => ["███", "█ █", "███", "  █", "███"],
        'S' => ["███", "█  ", "███", "  █", "███"],
        'T' => ["███", " █ ", " █ ", " █ ", " █ "],
        'A' => ["███", "█ █", "███", "█ █", "█ █"],
        'L' => ["█  ", "█  ", "█  ", "█  ", "███"],
        'E' => ["███", "█  ", "██ ", "█  ", "███"],
        '+' => ["   ", " █ ", "███", " █ ", "   "],
        _ => ["   ", "   ", "   ", "   ", "   "],
    }
}

/// The rows of `s` in big letters, one space between glyphs.
pub fn rows(s: &str) -> [String; H] {
    let mut out: [String; H] = Default::default();
    for (i, c) in s.chars().enumerate() {
        let g = glyph(c);
        for (row, part) in out.iter_mut().zip(g) {
            if i > 0 {
                row.push(' ');
            }
            row.push_str(part);
        }
    }
    out
}

pub const HEIGHT: u16 = H as u16;

#[cfg(test)]
mod tests {
    #[test]
    fn rows_line_up() {
        let r = super::rows("12");
        assert!(r.iter().all(|l| l.chars().count() == 7));
        assert_eq!(r[0], " █  ███");
    }
}
