//! PostgreSQL's errors as the store's: unreachable and restarting are
//! `Unavailable` (503, retry), lock and serialization trouble `Busy`, the
//! rest a database error; never with the URL (it may hold a password).

use crate::server::store::StoreError;

/// A connection error, said without the URL (it may hold a password).
pub(super) fn unreachable(e: postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        // Starting up, shutting down, out of connections or disk: passing.
        if transient(db.code()) {
            return StoreError::Unavailable(format!("PostgreSQL: {}", db.message()));
        }
        // Reached, but refused: wrong password, no such database.
        return StoreError::Open(format!(
            "PostgreSQL refused the connection: {}",
            db.message()
        ));
    }
    StoreError::Unavailable(format!("cannot reach PostgreSQL: {}", with_causes(&e)))
}

/// An error and what caused it ("error performing TLS handshake: invalid
/// peer certificate: UnknownIssuer"): the driver's own text stops at the
/// first part.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !out.contains(&more) {
            out.push_str(": ");
            out.push_str(&more);
        }
        cause = c.source();
    }
    out
}

/// A state of the server that passes by itself: starting up or shutting
/// down (57P01–57P03), a lost connection (class 08), out of resources
/// (class 53: too many connections, disk full, out of memory), or a
/// system error such as an I/O failure (class 58). Answered 503 with
/// `Retry-After`, never 500.
fn transient(c: &postgres::error::SqlState) -> bool {
    let code = c.code();
    code.starts_with("57P")
        || code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("58")
}

/// The connection is gone (closed, the socket failed, or the server said
/// it is shutting down or restarting): another connection may work.
pub(super) fn connection_lost(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    if e.is_closed() {
        return true;
    }
    match e.code() {
        // A value of the wrong type is a bug in a query, not a lost
        // connection: it must not hide as a 503 that a client retries.
        None => !is_conversion(e),
        Some(c) => {
            *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
                || c.code().starts_with("08")
        }
    }
}

/// An error decoding a column or encoding a parameter (the driver says so
/// only in its text).
fn is_conversion(e: &postgres::Error) -> bool {
    let text = e.to_string();
    text.starts_with("error deserializing column")
        || text.starts_with("error serializing parameter")
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        use postgres::error::SqlState;
        if e.is_closed() {
            return StoreError::Unavailable("the connection to PostgreSQL was lost".into());
        }
        match e.code() {
            Some(c)
                if *c == SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == SqlState::T_R_DEADLOCK_DETECTED
                    || *c == SqlState::LOCK_NOT_AVAILABLE =>
            {
                StoreError::Busy
            }
            _ if connection_lost(&e) => StoreError::Unavailable(e.to_string()),
            Some(c) if *c == SqlState::QUERY_CANCELED || transient(c) => {
                StoreError::Unavailable(e.to_string())
            }
            Some(c) => StoreError::Pg(match e.as_db_error() {
                Some(db) => format!("{} ({})", db.message(), c.code()),
                None => e.to_string(),
            }),
            None if is_conversion(&e) => StoreError::Pg(e.to_string()),
            None => StoreError::Unavailable(e.to_string()),
        }
    }
}
