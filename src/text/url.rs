//! URLs on their way to a person or another URL: credentials removed
//! before one is shown or logged, values percent-encoded into a query.

/// A URL fit to show or log: any user name and password are removed
/// (`https://user:secret@host/` becomes `https://host/`).
pub fn redact_url(s: &str) -> String {
    if let Ok(mut u) = url::Url::parse(s) {
        if u.username().is_empty() && u.password().is_none() {
            return s.to_string();
        }
        let _ = u.set_username("");
        let _ = u.set_password(None);
        return u.to_string();
    }
    // Not parseable: drop whatever stands between `://` and the last `@`
    // of the authority, which is where credentials would be.
    match s.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find('/').unwrap_or(rest.len());
            match rest[..end].rfind('@') {
                Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
                None => s.to_string(),
            }
        }
        None => s.to_string(),
    }
}

/// Percent-encodes a query value (cursors are ours, but a server may send
/// anything).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
