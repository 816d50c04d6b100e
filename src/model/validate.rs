//! Checks on text a person or a machine sends: present, not invisible,
//! bounded; tags bounded in number and length.

use super::error::DomainError;

pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 10_000;
pub const MAX_SHORT: usize = 100;
/// People on one incident, at most.
pub const MAX_RESPONDERS: usize = 200;

/// Characters that draw nothing: spaces, controls, and format characters
/// (zero-width space and joiners, word joiner, BOM, soft hyphen, bidi marks).
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}'
            | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}')
}

/// Whether `text` shows anything: not empty, not only spaces, controls or
/// invisible characters.
pub fn is_visible(text: &str) -> bool {
    !text.chars().all(invisible)
}

/// At most this many tags, each at most [`MAX_TAG`] characters.
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG: usize = 50;

pub(crate) fn check_tags(tags: &[String]) -> Result<(), DomainError> {
    if tags.len() > MAX_TAGS {
        return Err(DomainError::Invalid(format!(
            "`tags` has {} entries; the limit is {MAX_TAGS}",
            tags.len()
        )));
    }
    for (i, t) in tags.iter().enumerate() {
        check_text(&format!("tags[{i}]"), t, MAX_TAG)?;
        if t.chars()
            .any(|c| c.is_control() || c.is_whitespace() && c != ' ')
        {
            return Err(DomainError::Invalid(format!(
                "`tags[{i}]` holds a control character or line break"
            )));
        }
    }
    Ok(())
}

/// The bytes `text` takes stored and sent as a JSON string: a control
/// character is six (`\u0001`), a quote or backslash two, anything else its
/// UTF-8 length. Every text is bounded by this as well as by characters, so
/// a note of 10,000 control characters cannot weigh 60 KB.
pub fn stored_bytes(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' => 2,
            c if (c as u32) < 0x20 => 6,
            c => c.len_utf8(),
        })
        .sum()
}

/// The byte bound of a text whose character bound is `max`: four bytes a
/// character, what the longest UTF-8 character takes.
pub const fn max_bytes(max: usize) -> usize {
    max * 4
}

/// `text` cut to fit both bounds of a text of `max` characters, the cut
/// marked: for text from an integration, which is never refused.
pub fn cut_to_fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max && stored_bytes(text) <= max_bytes(max) {
        return text.to_string();
    }
    let marker = " … [cut]";
    let (mut chars, mut bytes) = (0, 0);
    let room_chars = max.saturating_sub(marker.chars().count());
    let room_bytes = max_bytes(max).saturating_sub(marker.len());
    let mut out = String::new();
    for c in text.chars() {
        let b = stored_bytes(c.encode_utf8(&mut [0; 4]));
        if chars + 1 > room_chars || bytes + b > room_bytes {
            break;
        }
        chars += 1;
        bytes += b;
        out.push(c);
    }
    out.push_str(marker);
    out
}

/// A text that may be empty, within both bounds (see [`check_text`]).
pub(crate) fn check_optional_text(field: &str, text: &str, max: usize) -> Result<(), DomainError> {
    if text.is_empty() {
        return Ok(());
    }
    within_bounds(field, text, max)
}

/// A text that must show something, within both bounds: `max`
/// characters and [`max_bytes`] stored bytes.
pub(crate) fn check_text(field: &str, text: &str, max: usize) -> Result<(), DomainError> {
    if text.chars().all(invisible) {
        return Err(DomainError::Invalid(format!(
            "`{field}` must not be empty (or only invisible characters)"
        )));
    }
    within_bounds(field, text, max)
}

fn within_bounds(field: &str, text: &str, max: usize) -> Result<(), DomainError> {
    let n = text.chars().count();
    if n > max {
        return Err(DomainError::Invalid(format!(
            "`{field}` is {n} characters; the limit is {max}"
        )));
    }
    let bytes = stored_bytes(text);
    if bytes > max_bytes(max) {
        return Err(DomainError::Invalid(format!(
            "`{field}` takes {bytes} bytes stored (control characters count 6 each); \
             the limit is {}",
            max_bytes(max)
        )));
    }
    Ok(())
}
