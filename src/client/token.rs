//! API tokens on the client side: where they come from, and a type that
//! cannot print them.

use std::fmt;
use std::path::Path;

/// A secret. Its `Debug` is redacted and it has no `Display`, so it cannot
/// end up in a log line, an error message or on screen by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    File(std::path::PathBuf),
    Env,
}

/// Reads a token file, refusing one that other users can read: a token in
/// a world-readable file is already leaked.
pub fn load_token(path: &Path) -> Result<Token, String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("cannot read the token file {}: {e}", path.display()))?;
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "the token file {} can be read by other users (mode {:o}); run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the token file {}: {e}", path.display()))?;
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("the token file {} is empty", path.display()));
    }
    Ok(Token::new(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let t = Token::new("wr_supersecret");
        assert!(!format!("{t:?}").contains("supersecret"));
    }

    #[test]
    fn a_token_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("tok");
        std::fs::write(&p, "wr_abc\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = load_token(&p).unwrap_err();
        assert!(e.contains("chmod 600") && !e.contains("wr_abc"), "{e}");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(load_token(&p).unwrap().expose(), "wr_abc");
    }
}
