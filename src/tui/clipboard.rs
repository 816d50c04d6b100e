//! Copying to the IC's own clipboard through the terminal (OSC 52), which
//! works over SSH and inside tmux (with `set-clipboard on`). Only on an
//! explicit key; the text is base64, so nothing in it can act on the
//! terminal.

/// The most we copy (terminals cap OSC 52 payloads too).
pub const MAX_COPY: usize = 64 * 1024;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The escape sequence that sets the clipboard to `text`.
pub fn osc52(text: &str) -> String {
    let mut end = text.len().min(MAX_COPY);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("\x1b]52;c;{}\x07", base64(&text.as_bytes()[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_is_base64_and_inert() {
        assert_eq!(base64(b"INC-42"), "SU5DLTQy");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"a"), "YQ==");
        let s = osc52("\x1b]0;evil\x07 note");
        assert!(s.starts_with("\x1b]52;c;") && s.ends_with('\x07'));
        let payload = &s[7..s.len() - 1];
        assert!(
            payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        );
    }
}
