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

/// Why a token could not be had. Each says the path and the fix, never
/// the token.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("cannot read the token file {}: {source}", path.display())]
    Unreadable {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the token file {} can be read by other users (mode {mode:o}); run `chmod 600 {}`",
        path.display(),
        path.display()
    )]
    Exposed { path: std::path::PathBuf, mode: u32 },
    #[error("the token file {} is empty", path.display())]
    Empty { path: std::path::PathBuf },
}

/// Reads a token file, refusing one that other users can read: a token in
/// a world-readable file is already leaked.
pub fn load_token(path: &Path) -> Result<Token, TokenError> {
    use std::os::unix::fs::PermissionsExt;
    let unreadable = |source| TokenError::Unreadable {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(TokenError::Exposed {
            path: path.to_path_buf(),
            mode: mode & 0o777,
        });
    }
    let text = std::fs::read_to_string(path).map_err(unreadable)?;
    let t = text.trim();
    if t.is_empty() {
        return Err(TokenError::Empty {
            path: path.to_path_buf(),
        });
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
        let e = e.to_string();
        assert!(e.contains("chmod 600") && !e.contains("wr_abc"), "{e}");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(load_token(&p).unwrap().expose(), "wr_abc");
    }
}
