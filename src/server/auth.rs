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

/// How many failed attempts an address (an IPv6 /64) gets per window
/// before its further failures are answered 429.
const MAX_FAILURES: u32 = 20;
/// Failed attempts from all addresses together per window: rotating source
/// addresses gains a guesser nothing beyond this.
const MAX_FAILURES_ALL: u32 = 600;
const WINDOW: Duration = Duration::from_secs(60);
/// Addresses tracked per window; past this, failures count only globally.
const MAX_TRACKED: usize = 10_000;

/// Counts failed authentications, and only those: a valid token is never
/// refused because of anyone's failures. Fixed windows with two generations
/// (this window and the last) make every call O(1) and bound the memory to
/// `2 × MAX_TRACKED` addresses; the old generation is dropped whole.
pub struct FailureLimiter {
    inner: Mutex<Windows>,
}

struct Windows {
    started: Instant,
    current: HashMap<IpAddr, u32>,
    previous: HashMap<IpAddr, u32>,
    all_current: u32,
    all_previous: u32,
}

impl Default for FailureLimiter {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Windows {
                started: Instant::now(),
                current: HashMap::new(),
                previous: HashMap::new(),
                all_current: 0,
                all_previous: 0,
            }),
        }
    }
}

/// IPv6 clients usually own a whole /64: count it as one address.
fn bucket(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

impl FailureLimiter {
    /// Records one failed attempt; returns the seconds to wait when the
    /// address (or everyone together) is over the limit.
    pub fn fail(&self, addr: IpAddr) -> Option<u64> {
        let mut w = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let elapsed = w.started.elapsed();
        if elapsed >= WINDOW {
            let w = &mut *w;
            if elapsed >= WINDOW * 2 {
                w.previous.clear();
                w.all_previous = 0;
            } else {
                std::mem::swap(&mut w.previous, &mut w.current);
                w.all_previous = w.all_current;
            }
            w.current.clear();
            w.all_current = 0;
            w.started = Instant::now();
        }
        let key = bucket(addr);
        w.all_current = w.all_current.saturating_add(1);
        let mine = if w.current.len() < MAX_TRACKED || w.current.contains_key(&key) {
            let n = w.current.entry(key).or_insert(0);
            *n = n.saturating_add(1);
            *n
        } else {
            0
        };
        // A sliding estimate: the last window counts for the part of it that
        // still overlaps the last 60 s.
        let overlap = 1.0 - w.started.elapsed().as_secs_f64() / WINDOW.as_secs_f64();
        let prev = |n: u32| (f64::from(n) * overlap.max(0.0)) as u32;
        let addr_total = mine + prev(w.previous.get(&key).copied().unwrap_or(0));
        let all_total = w.all_current + prev(w.all_previous);
        (addr_total > MAX_FAILURES || all_total > MAX_FAILURES_ALL)
            .then(|| WINDOW.saturating_sub(w.started.elapsed()).as_secs().max(1))
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        let w = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        w.current.len() + w.previous.len()
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

        let Some(header) = parts.headers.get(axum::http::header::AUTHORIZATION) else {
            return Err(ApiError::unauthorized(
                "this server needs a token: send Authorization: Bearer <token> \
                 (the console reads it from WARROOM_TOKEN or --token-file)",
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
        let found = match state.store.cached_token(&hash) {
            Some(t) => Some(t),
            None => {
                let h = hash.clone();
                super::blocking(&state.store, move |s| s.find_token(&h)).await?
            }
        };
        match found {
            Some(t) => Ok(Principal(Actor {
                handle: t.name,
                role: t.role,
            })),
            // The token is checked first: only a wrong token counts as a
            // guess, and only a guess can be refused for too many guesses.
            None => {
                let local = auth.limiter.fail(addr);
                let shared = match state.store.dialect() {
                    super::store::Dialect::Postgres => shared_failure(state, addr).await,
                    // One server per SQLite file: its own count is the count.
                    super::store::Dialect::Sqlite => None,
                };
                Err(match local.or(shared) {
                    Some(wait) => {
                        let mut e = ApiError::new(
                            StatusCode::TOO_MANY_REQUESTS,
                            "too_many_failures",
                            "too many failed authentication attempts; wait and retry with a \
                             valid token",
                        );
                        e.retry_after = Some(wait);
                        e
                    }
                    None => ApiError::unauthorized("the token is unknown or revoked"),
                })
            }
        }
    }
}

/// The same limits, counted in the database every replica shares: the
/// seconds to wait when over them. A database that cannot count leaves the
/// decision to this server's own count.
async fn shared_failure(state: &AppState, addr: IpAddr) -> Option<u64> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let window = (now / WINDOW.as_secs()) as i64;
    let key = bucket(addr).to_string();
    let counted = super::blocking(&state.store, move |s| {
        s.count_auth_failure(&key, window, u64::from(MAX_FAILURES_ALL))
    })
    .await;
    let (mine, all) = counted.ok()?;
    (mine > u64::from(MAX_FAILURES) || all > u64::from(MAX_FAILURES_ALL))
        .then(|| (WINDOW.as_secs() - now % WINDOW.as_secs()).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_limited_per_address_and_memory_stays_bounded() {
        let l = FailureLimiter::default();
        let a = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..MAX_FAILURES {
            assert_eq!(l.fail(a), None);
        }
        assert!(l.fail(a).is_some());
        // Another address is not affected.
        assert_eq!(l.fail(IpAddr::from([10, 0, 0, 2])), None);
        // A scan over many addresses stops being tracked per address at the
        // cap, and the global budget refuses it.
        let mut refused = 0;
        for i in 0..(MAX_TRACKED as u32 + 5_000) {
            if l.fail(IpAddr::from(i.to_be_bytes())).is_some() {
                refused += 1;
            }
        }
        assert!(l.tracked() <= 2 * MAX_TRACKED);
        assert!(
            refused > 10_000,
            "rotating addresses must hit the global limit"
        );
    }

    #[test]
    fn an_ipv6_64_counts_as_one_address() {
        let l = FailureLimiter::default();
        for i in 0..=MAX_FAILURES {
            let a: IpAddr = format!("2001:db8:1:2::{:x}", i + 1).parse().unwrap();
            let r = l.fail(a);
            assert_eq!(r.is_some(), i == MAX_FAILURES);
        }
    }
}
