//! Text that came from outside (a backend, an alert, a person) on its way to
//! a terminal. Every such string passes through [`clean`] once, when it is
//! decoded; widths are measured in terminal cells with `unicode-width`.

/// Escapers for text that leaves warroom, one per destination.
pub mod escape;
mod time;
pub mod url;

pub use time::{TimeMode, age, duration, when};
pub use url::{redact_url, urlencode};

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_truncate::UnicodeTruncateStr;
use unicode_width::UnicodeWidthStr;

/// The longest string kept from a backend, in characters. Longer ones are cut
/// with an ellipsis: nothing on a screen needs more, and it bounds memory.
pub const MAX_FIELD: usize = 20_000;

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Invisible characters that take no cell yet move or join what is
/// around them: zero-width space, word joiner, BOM, the invisible math
/// operators, the Mongolian vowel separator. Removed.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{180E}'
    )
}

const ZWJ: char = '\u{200D}';

/// A character an emoji ZWJ sequence may join (pictographs, and the
/// variation selector or skin tone that ends one).
fn is_emoji_part(c: char) -> bool {
    matches!(c,
        '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}' | '\u{FE0F}')
}

fn needs_cleaning(s: &str, keep_newlines: bool) -> bool {
    s.chars().any(|c| {
        (c.is_control() && !(keep_newlines && c == '\n'))
            || is_bidi_control(c)
            || is_invisible(c)
            || c == ZWJ
            || c == '\u{2028}'
            || c == '\u{2029}'
    })
}

/// Makes `s` safe to draw: no byte of it can act as a terminal control.
///
/// - ESC and the whole sequence it starts (CSI, OSC, DCS, SOS, PM, APC) are
///   shown as a visible marker (`\e[31m`, `\e]…`) instead of being sent;
/// - other C0 controls and DEL are shown in caret form (`^G`), C1 controls
///   as `\x9b`; a tab becomes a space;
/// - bidi overrides and isolates are shown as `<U+202E>`, so text cannot be
///   made to read backwards;
/// - newlines are kept only when `keep_newlines` (multi-line notes), else
///   shown as a space;
/// - anything over [`MAX_FIELD`] characters is cut with `…`.
pub fn clean(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    clean_up_to(s, keep_newlines, MAX_FIELD)
}

/// A whole document (a postmortem, a brief, an export) made safe for a
/// terminal or a file the way [`clean`] makes a field safe, but never cut:
/// a document is bounded where it is produced, and a cut one would be
/// silently wrong. Line endings are kept as `\n` (a CR before one goes, a
/// lone CR becomes one, so it cannot hide the start of a line).
pub fn clean_document(s: &str) -> Cow<'_, str> {
    if !s.contains('\r') {
        return clean_up_to(s, true, usize::MAX);
    }
    let unix = s.replace("\r\n", "\n").replace('\r', "\n");
    Cow::Owned(clean_up_to(&unix, true, usize::MAX).into_owned())
}

fn clean_up_to(s: &str, keep_newlines: bool, max: usize) -> Cow<'_, str> {
    // Bytes bound characters from above: the count is only needed for a
    // long string.
    let short = s.len() <= max || s.chars().count() <= max;
    if short && !needs_cleaning(s, keep_newlines) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    let mut count = 0usize;
    while let Some(c) = chars.next() {
        count += 1;
        if count > max {
            out.push('…');
            break;
        }
        match c {
            '\n' | '\u{2028}' | '\u{2029}' if keep_newlines => out.push('\n'),
            '\n' | '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if is_invisible(c) => {}
            // A ZWJ joins an emoji sequence (one picture); anywhere else it
            // only changes how a terminal might combine the neighbours.
            ZWJ if out.chars().next_back().is_some_and(is_emoji_part)
                && chars.peek().copied().is_some_and(is_emoji_part) =>
            {
                out.push(ZWJ)
            }
            ZWJ => {}
            '\u{1b}' => match chars.peek().copied() {
                Some('[') => {
                    chars.next();
                    out.push_str("\\e[");
                    // Parameters and intermediates, then one final byte.
                    while let Some(&n) = chars.peek() {
                        if ('\u{20}'..='\u{3f}').contains(&n) {
                            out.push(n);
                            chars.next();
                        } else {
                            if ('\u{40}'..='\u{7e}').contains(&n) {
                                out.push(n);
                                chars.next();
                            }
                            break;
                        }
                    }
                }
                Some(k @ (']' | 'P' | 'X' | '^' | '_')) => {
                    chars.next();
                    out.push_str("\\e");
                    out.push(k);
                    out.push('…');
                    // The body (a title, a clipboard payload) is dropped up to
                    // its terminator: BEL, ST (ESC \) or C1 ST.
                    while let Some(n) = chars.next() {
                        match n {
                            '\u{7}' | '\u{9c}' => break,
                            '\u{1b}' => {
                                if chars.peek() == Some(&'\\') {
                                    chars.next();
                                }
                                break;
                            }
                            _ => {}
                        }
                    }
                }
                _ => out.push_str("\\e"),
            },
            '\u{7f}' => out.push_str("^?"),
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push(char::from(b'@' + c as u8));
            }
            c if ('\u{80}'..='\u{9f}').contains(&c) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if is_bidi_control(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Cleans in place, keeping the allocation when nothing needed cleaning.
pub fn clean_in_place(s: &mut String, keep_newlines: bool) {
    if let Cow::Owned(o) = clean(s, keep_newlines) {
        *s = o;
    }
}

/// Display width in terminal cells, per grapheme cluster as ratatui draws
/// it: wide CJK = 2, combining marks join their base, an emoji ZWJ
/// sequence or an emoji with VS16 is one picture of 2 cells.
pub fn width(s: &str) -> usize {
    s.graphemes(true)
        .filter(|g| !g.contains(char::is_control))
        .map(UnicodeWidthStr::width)
        .sum()
}

/// Cut to at most `max` cells, ending in `…` when something was cut.
pub fn fit(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    // Whole grapheme clusters only: never half an emoji or a base
    // without its combining mark.
    let (head, _) = s.unicode_truncate(max - 1);
    let mut out = head.to_string();
    out.push('…');
    Cow::Owned(out)
}

/// One line of at most `max` cells: cleaned, newlines shown as spaces.
pub fn one_line(s: &str, max: usize) -> String {
    fit(&clean(s, false), max).into_owned()
}

/// Text from an integration cut to at most `max` characters, the cut
/// marked with how much was left out: an alert is never refused for being
/// long, and nobody mistakes a cut text for the whole of it.
pub fn cut_marked(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let marker = format!("… [cut {} characters]", n - max);
    let keep = max.saturating_sub(marker.chars().count());
    let mut out: String = s.chars().take(keep).collect();
    out.push_str(&marker);
    out
}

/// Greedy word wrap to lines of at most `max` cells, a word longer than a
/// line broken at grapheme boundaries: for texts whose height must be
/// known before they are drawn (an alarm line that has to be read whole).
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in clean(s, false).split(' ').filter(|w| !w.is_empty()) {
        let need = width(word) + usize::from(!line.is_empty());
        if width(&line) + need <= max {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for g in word.graphemes(true) {
            if width(&line) + width(g) > max && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line.push_str(g);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Pads with spaces to exactly `w` cells (after fitting), for table columns
/// printed outside the TUI.
pub fn pad(s: &str, w: usize) -> String {
    let f = fit(s, w);
    let n = width(&f);
    format!("{f}{}", " ".repeat(w.saturating_sub(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_word_and_no_line_is_too_wide() {
        let s = "AUTH REFUSED: the backend does not accept this token. Set WARROOM_TOKEN";
        for w in [1, 5, 12, 30, 80] {
            let lines = wrap(s, w);
            assert!(lines.iter().all(|l| width(l) <= w), "{w}: {lines:?}");
            assert_eq!(lines.concat().replace(' ', ""), s.replace(' ', ""), "{w}");
        }
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("東京東京", 5), ["東京", "東京"]);
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn widths_are_per_grapheme_cluster() {
        assert_eq!(width("👨‍👩‍👧"), 2, "a ZWJ family is one picture");
        assert_eq!(width("❤️"), 2, "VS16 asks for the emoji picture");
        assert_eq!(width("e\u{301}"), 1, "a combining mark joins its base");
        assert_eq!(width("東京"), 4);
        assert_eq!(width("ok"), 2);
    }

    #[test]
    fn cutting_never_splits_a_grapheme() {
        assert_eq!(fit("👨‍👩‍👧👨‍👩‍👧", 3), "👨‍👩‍👧…");
        assert_eq!(fit("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(fit("東京都", 4), "東…");
        assert!(width(&fit("東京都", 4)) <= 4);
    }

    #[test]
    fn line_separators_zero_width_and_stray_joiners() {
        assert_eq!(clean("a\u{2028}b\u{2029}c", true), "a\nb\nc");
        assert_eq!(clean("a\u{2028}b", false), "a b");
        assert_eq!(clean("\u{FEFF}db\u{200B}-01\u{2060}", false), "db-01");
        assert_eq!(
            clean("a\u{200D}b", false),
            "ab",
            "a ZWJ between letters goes"
        );
        assert_eq!(
            clean("👨\u{200D}👩", false),
            "👨\u{200D}👩",
            "inside an emoji it stays"
        );
    }

    #[test]
    fn plain_text_is_borrowed_untouched() {
        assert!(matches!(
            clean("db-01 is down: 50% errors ✓ 東京", false),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escape_sequences_are_shown_not_sent() {
        assert_eq!(clean("\u{1b}[2J\u{1b}[31mred", false), "\\e[2J\\e[31mred");
        assert_eq!(clean("a\u{1b}]0;pwned\u{7}b", false), "a\\e]…b");
        assert_eq!(clean("a\u{1b}]52;c;SGVsbG8=\u{1b}\\b", false), "a\\e]…b");
        assert_eq!(clean("x\u{1b}Pq#0;1\u{1b}\\y", false), "x\\eP…y");
        assert_eq!(clean("\u{9b}31m", false), "\\x9b31m");
    }

    #[test]
    fn controls_bidi_and_newlines() {
        assert_eq!(clean("ding\u{7}\r\0", false), "ding^G^M^@");
        assert_eq!(clean("abc\u{202E}fed", false), "abc<U+202E>fed");
        assert_eq!(clean("one\ntwo\tthree", false), "one two three");
        assert_eq!(clean("one\ntwo", true), "one\ntwo");
    }

    #[test]
    fn overlong_strings_are_cut_with_an_ellipsis() {
        let long = "x".repeat(MAX_FIELD + 10);
        let c = clean(&long, false);
        assert_eq!(c.chars().count(), MAX_FIELD + 1);
        assert!(c.ends_with('…'));
    }

    #[test]
    fn fit_measures_wide_and_zero_width_characters() {
        assert_eq!(width("東京"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(fit("東京都庁", 5), "東京…");
        assert_eq!(width(&fit("東京都庁", 5)), 5);
        assert_eq!(pad("ab", 4), "ab  ");
    }
}
