use std::time::Duration;

/// Why a request failed, in words fit for the screen. Built only from
/// sanitized text; never holds a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("cannot reach the backend: {0}")]
    Unreachable(String),
    #[error("the backend did not answer in time")]
    Timeout,
    #[error("{message} ({status} {code})")]
    Api {
        status: u16,
        code: String,
        message: String,
    },
    #[error("the backend is rate limiting; retry in {}s", .retry_after.as_secs())]
    RateLimited { retry_after: Duration },
    /// A 503 with `Retry-After`: the server is up but cannot serve this now
    /// (its database is unavailable or busy), in its own words.
    #[error("{message}; retry in {}s", .retry_after.as_secs())]
    Unavailable {
        retry_after: Duration,
        message: String,
    },
    #[error("the backend sent an unusable answer: {0}")]
    BadResponse(String),
    #[error("this backend cannot do that: {0}")]
    Unsupported(String),
}

impl ClientError {
    /// Worth retrying the same request later (the outbox keeps it).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable(_)
            | Self::Timeout
            | Self::RateLimited { .. }
            | Self::Unavailable { .. }
            | Self::BadResponse(_) => true,
            Self::Api { status, .. } => *status >= 500 || *status == 408,
            Self::Unsupported(_) => false,
        }
    }

    /// Someone else changed the incident first.
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            Self::Api {
                status: 409 | 412,
                ..
            }
        )
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after } | Self::Unavailable { retry_after, .. } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }
}
