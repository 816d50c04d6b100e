//! Bearer-token authentication, and a brake on guessing: an address that
//! fails authentication too often is refused for a while.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;

use super::AppState;
use super::error::ApiError;
use super::store::hash_token;
use crate::model::{Actor, ActorRole};

/// How many failed attempts an address gets per window before it is refused.
const MAX_FAILURES: u32 = 20;
const WINDOW: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct FailureLimiter {
    by_addr: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

impl FailureLimiter {
    /// Seconds the address must wait, if it is over the limit.
    fn blocked(&self, addr: IpAddr) -> Option<u64> {
        let map = self.by_addr.lock().unwrap_or_else(|e| e.into_inner());
        let (n, start) = map.get(&addr)?;
        let elapsed = start.elapsed();
        (*n >= MAX_FAILURES && elapsed < WINDOW).then(|| (WINDOW - elapsed).as_secs().max(1))
    }

    fn record_failure(&self, addr: IpAddr) {
        let mut map = self.by_addr.lock().unwrap_or_else(|e| e.into_inner());
        // Bound the table: an address scan must not grow it without end.
        if map.len() > 10_000 {
            map.retain(|_, (_, start)| start.elapsed() < WINDOW);
        }
        let entry = map.entry(addr).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= WINDOW {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }
}

/// How the server decides who is calling.
#[derive(Clone)]
pub struct AuthConfig {
    /// Every request acts as a commander named after the local user. Only
    /// ever allowed on a loopback listener.
    pub no_auth: bool,
    /// A token that lives only in this process's memory: the embedded
    /// server's session token, so local mode never writes tokens to disk.
    pub session: Option<(String, Actor)>,
    pub limiter: Arc<FailureLimiter>,
}

impl AuthConfig {
    pub fn tokens_only() -> Self {
        Self {
            no_auth: false,
            session: None,
            limiter: Arc::default(),
        }
    }
}

/// The caller of a request, authenticated.
#[derive(Debug, Clone)]
pub struct Principal(pub Actor);

impl Principal {
    pub fn require(&self, role: ActorRole) -> Result<(), ApiError> {
        if self.0.role >= role {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "a {} token cannot do this; it needs the {role} role",
                self.0.role
            )))
        }
    }

    /// The key under which this caller's idempotency records are kept.
    pub fn idempotency_scope(&self) -> String {
        format!("{}:{}", self.0.role, self.0.handle)
    }
}

pub fn local_user() -> String {
    std::env::var("USER")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "local".to_string())
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let auth = &state.auth;
        if auth.no_auth {
            return Ok(Principal(Actor {
                handle: local_user(),
                role: ActorRole::Commander,
            }));
        }
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        if let Some(wait) = auth.limiter.blocked(addr) {
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_failures",
                "too many failed authentication attempts from this address; wait and retry",
            );
            e.retry_after = Some(wait);
            return Err(e);
        }
        let Some(header) = parts.headers.get(axum::http::header::AUTHORIZATION) else {
            return Err(ApiError::unauthorized(
                "this server needs a token: send Authorization: Bearer <token>",
            ));
        };
        let header = header.to_str().unwrap_or("");
        let Some(token) = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
        else {
            return Err(ApiError::unauthorized(
                "the Authorization header must be `Bearer <token>`",
            ));
        };
        let hash = hash_token(token);
        if let Some((session_hash, actor)) = &auth.session
            && *session_hash == hash
        {
            return Ok(Principal(actor.clone()));
        }
        // Never echo the token: the message names no part of it.
        match state.store.find_token(&hash)? {
            Some(t) => Ok(Principal(Actor {
                handle: t.name,
                role: t.role,
            })),
            // Only a wrong token counts as a guess towards the limit.
            None => {
                auth.limiter.record_failure(addr);
                Err(ApiError::unauthorized("the token is unknown or revoked"))
            }
        }
    }
}
