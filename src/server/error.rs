use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::store::StoreError;
use crate::model::DomainError;
use crate::model::wire::{ErrorBody, ErrorDetail};

/// An error answer: `{"error":{"code":"...","message":"..."}}` with a status.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// A handler panicked: said plainly, with nothing of the request (the
    /// panic's message is neither sent nor logged).
    pub fn internal_panic() -> Self {
        tracing::error!("a request handler panicked");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server could not complete the request; see its log",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => ApiError::not_found(e.to_string()),
            StoreError::Domain(DomainError::Forbidden(m)) => ApiError::forbidden(m),
            StoreError::Domain(DomainError::Invalid(m)) => ApiError::unprocessable(m),
            StoreError::Domain(DomainError::Conflict(m)) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", m)
            }
            StoreError::Domain(DomainError::Transition(t)) => {
                ApiError::new(StatusCode::CONFLICT, "invalid_transition", t.to_string())
            }
            StoreError::Stale { .. } => ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "stale_version",
                e.to_string(),
            ),
            StoreError::AlreadyRunning(m) => {
                ApiError::new(StatusCode::CONFLICT, "already_running", m)
            }
            StoreError::KeyReused => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                e.to_string(),
            ),
            StoreError::KeyBudget(m) => {
                let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "idempotency_budget", m);
                e.retry_after = Some(3600);
                e
            }
            StoreError::Busy => {
                let mut e = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "the database is busy with another process's write; retry shortly",
                );
                e.retry_after = Some(1);
                e
            }
            StoreError::Unavailable(reason) => {
                // The reason (a driver message) goes to the log only, and
                // quietly: the change listener says once that the database
                // is down and once that it is back, not once per request.
                tracing::debug!(%reason, "database unavailable");
                let mut e = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    concat!(
                        "the database cannot be reached right now; retry shortly ",
                        "(a retry with the same Idempotency-Key applies at most once)"
                    ),
                );
                e.retry_after = Some(2);
                e
            }
            StoreError::Replay(m) => {
                tracing::error!(error = %m, "replay failed");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "replay_failed", m)
            }
            StoreError::Db(_)
            | StoreError::Pg(_)
            | StoreError::Corrupt(_)
            | StoreError::Open(_) => {
                // The details may name files and queries: log them, answer plainly.
                tracing::error!(error = %e, "store failure");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server could not complete the request; see its log",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
            },
        };
        let mut resp = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"warroom\""),
            );
        }
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full or failing disk is a passing state: 503 with Retry-After
    /// (scripts exit 5 and retry), never a 500.
    #[test]
    fn a_full_disk_is_unavailable_not_internal() {
        for code in [
            rusqlite::ffi::SQLITE_FULL,
            rusqlite::ffi::SQLITE_IOERR,
            rusqlite::ffi::SQLITE_NOMEM,
        ] {
            let e = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None);
            let api = ApiError::from(StoreError::from(e));
            assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE, "{code}");
            assert_eq!(api.code, "database_unavailable");
            assert!(api.retry_after.is_some());
        }
    }
}
