//! How a command ends, for scripts: an exit code per kind of failure and
//! one line on stderr naming what was wrong. Standard output that closes
//! early (`warroom list | head -1`) ends the program quietly.

use std::io::Write as _;
use std::process::ExitCode;

use crate::client::ClientError;

/// The exit codes, as documented in `--help` and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Anything else went wrong.
    Failure = 1,
    /// The command line itself is wrong.
    Usage = 2,
    NotFound = 3,
    /// The backend refused our credentials.
    Auth = 4,
    /// The backend could not be reached or did not answer in time.
    Unreachable = 5,
    /// Someone changed the incident first, or its state refuses the action.
    Conflict = 6,
}

pub const EXIT_CODES_HELP: &str = "Exit codes: 0 ok, 1 other failure, 2 usage (the command line, the config \
or a token file), 3 not found, \
4 auth refused, 5 backend unreachable or timed out, 6 conflict (changed by someone else, or \
the incident's state refuses it).";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
}

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }
}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        Self::new(Exit::Failure, message)
    }
}

/// The configuration is the user's to fix, like the command line.
impl From<crate::config::ConfigError> for CliError {
    fn from(e: crate::config::ConfigError) -> Self {
        Self::new(Exit::Usage, e.to_string())
    }
}

/// A token file that cannot be used is the user's to fix (the backend was
/// not asked, so it is not the backend refusing: that is exit 4).
impl From<crate::client::TokenError> for CliError {
    fn from(e: crate::client::TokenError) -> Self {
        Self::new(Exit::Usage, e.to_string())
    }
}

impl From<&str> for CliError {
    fn from(message: &str) -> Self {
        Self::new(Exit::Failure, message)
    }
}

impl From<ClientError> for CliError {
    fn from(e: ClientError) -> Self {
        let exit = match &e {
            ClientError::Api { status: 404, .. } => Exit::NotFound,
            ClientError::Api {
                status: 401 | 403, ..
            } => Exit::Auth,
            ClientError::Api {
                status: 409 | 412, ..
            } => Exit::Conflict,
            ClientError::Unreachable(_) | ClientError::Timeout => Exit::Unreachable,
            ClientError::Api { status, .. }
                if *status == 502 || *status == 503 || *status == 504 =>
            {
                Exit::Unreachable
            }
            _ => Exit::Failure,
        };
        Self::new(exit, e.to_string())
    }
}

pub fn finish(r: Result<(), CliError>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "warroom: {}", e.message);
            ExitCode::from(e.exit as u8)
        }
    }
}

/// Writes a line to standard output. When the reader has gone (a closed
/// pipe) there is nobody left to tell: the program ends quietly with 0,
/// as `head` expects of the commands it reads from.
pub fn out(line: impl AsRef<str>) {
    let mut o = std::io::stdout().lock();
    if let Err(e) = writeln!(o, "{}", line.as_ref()).and_then(|()| o.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        let _ = writeln!(std::io::stderr(), "warroom: cannot write the output: {e}");
        std::process::exit(Exit::Failure as i32);
    }
}

/// An incident id from the command line; a bad one is a usage error (exit
/// 2) naming the form.
pub fn incident_id(s: &str) -> Result<crate::model::IncidentId, CliError> {
    s.parse()
        .map_err(|e: crate::model::ParseIdError| CliError::usage(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_map_to_the_documented_codes() {
        let api = |status| ClientError::Api {
            status,
            code: "x".into(),
            message: "m".into(),
        };
        assert_eq!(CliError::from(api(404)).exit, Exit::NotFound);
        assert_eq!(CliError::from(api(401)).exit, Exit::Auth);
        assert_eq!(CliError::from(api(403)).exit, Exit::Auth);
        assert_eq!(CliError::from(api(412)).exit, Exit::Conflict);
        assert_eq!(CliError::from(api(409)).exit, Exit::Conflict);
        assert_eq!(CliError::from(api(422)).exit, Exit::Failure);
        assert_eq!(CliError::from(ClientError::Timeout).exit, Exit::Unreachable);
        assert_eq!(
            CliError::from(ClientError::Unreachable("refused".into())).exit,
            Exit::Unreachable
        );
    }
}
