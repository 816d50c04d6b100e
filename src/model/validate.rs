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

pub(crate) fn check_text(field: &str, text: &str, max: usize) -> Result<(), DomainError> {
    if text.chars().all(invisible) {
        return Err(DomainError::Invalid(format!(
            "`{field}` must not be empty (or only invisible characters)"
        )));
    }
    let n = text.chars().count();
    if n > max {
        return Err(DomainError::Invalid(format!(
            "`{field}` is {n} characters; the limit is {max}"
        )));
    }
    Ok(())
}
