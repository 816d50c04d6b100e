//! Accepting connections with limits, so slow or idle clients cannot use up
//! the server: a cap on open connections (beyond it a quick 503, never a
//! refusal to accept), a deadline for a request's headers, and an idle
//! timeout on every connection. axum's own `serve` has none of these knobs.

use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, oneshot};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// Connection limits, from the server config's `[limits]` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Seconds a client has to send a request's headers, counted from the
    /// moment it connects (a connection that sends nothing is closed
    /// then); also how long a kept-alive connection may wait for its next
    /// request. 1 to 300.
    pub header_read_timeout_secs: u64,
    /// Seconds a connection may go with no request in flight and no byte
    /// read or written; an HTTP/2 connection kept open by PINGs alone is
    /// closed too. Must be longer than the change feed's longest wait
    /// (60 s); at most 3,600.
    pub idle_timeout_secs: u64,
    /// Open connections at most; further ones are answered 503 and closed.
    /// Lowered at start to fit the process's file-descriptor limit.
    pub max_connections: usize,
    /// Open connections from one address at most, so one client (or one
    /// attacker) cannot take every slot; 0 means an eighth of
    /// `max_connections` (at least 16). Beyond it that address is
    /// answered 503 while others are served.
    pub max_connections_per_address: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout_secs: 10,
            idle_timeout_secs: 90,
            max_connections: 4096,
            max_connections_per_address: 0,
        }
    }
}

/// The largest connection cap the config may ask for.
pub const MAX_CONNECTIONS: usize = 1_000_000;

impl Limits {
    pub fn check(&self) -> Result<(), String> {
        if !(1..=300).contains(&self.header_read_timeout_secs) {
            return Err("[limits]: header_read_timeout_secs must be 1 to 300".into());
        }
        if !(1..=MAX_CONNECTIONS).contains(&self.max_connections) {
            return Err(format!(
                "[limits]: max_connections must be 1 to {MAX_CONNECTIONS}"
            ));
        }
        if self.max_connections_per_address > self.max_connections {
            return Err(
                "[limits]: max_connections_per_address must not exceed max_connections".into(),
            );
        }
        if self.idle_timeout_secs <= super::api::MAX_WAIT_SECS || self.idle_timeout_secs > 3600 {
            return Err(format!(
                "[limits]: idle_timeout_secs must be over {} (the change feed's longest wait) \
                 and at most 3600",
                super::api::MAX_WAIT_SECS
            ));
        }
        Ok(())
    }

    /// The connection cap that fits the descriptors we have: a slow-client
    /// flood must leave room for the database, the log and a 503 answer.
    pub fn fitted(self, fd_limit: u64) -> Limits {
        let room = fd_limit.saturating_sub(64).max(16) as usize;
        Limits {
            max_connections: self.max_connections.min(room),
            ..self
        }
    }

    /// The per-address cap in force.
    pub fn per_address(&self) -> usize {
        match self.max_connections_per_address {
            0 => (self.max_connections / 8).max(16).min(self.max_connections),
            n => n.min(self.max_connections),
        }
    }
}

/// Raises the soft open-files limit to the hard one and returns it. systemd
/// and most shells start services at 1024 although far more is allowed.
pub fn raise_fd_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit write and read only `lim`.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 1024;
        }
        if lim.rlim_cur < lim.rlim_max {
            let want = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &want) == 0 {
                lim.rlim_cur = lim.rlim_max;
            }
        }
    }
    lim.rlim_cur
}

const BUSY_BODY: &str = concat!(
    r#"{"error":{"code":"too_many_connections","#,
    r#""message":"the server has too many open connections; retry shortly"}}"#
);
const TOO_MANY_FROM_YOU: &str = concat!(
    r#"{"error":{"code":"too_many_connections","#,
    r#""message":"too many open connections from your address; close some or retry shortly"}}"#
);

/// Open connections per address, shared by the accept loop and the
/// connections (each gives its count back when it ends).
#[derive(Default)]
struct PerAddress(std::sync::Mutex<std::collections::HashMap<IpAddr, usize>>);

impl PerAddress {
    /// Counts one more connection from `ip`, unless it holds `cap` already.
    fn take(self: &Arc<Self>, ip: IpAddr, cap: usize) -> Option<AddressSlot> {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = m.entry(ip).or_insert(0);
        if *n >= cap {
            return None;
        }
        *n += 1;
        Some(AddressSlot(self.clone(), ip))
    }
}

/// One connection's place in its address's count.
struct AddressSlot(Arc<PerAddress>, IpAddr);

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut m = self.0.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = m.get_mut(&self.1) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.1);
            }
        }
    }
}

/// What a connection's requests are doing, for the idle rule: requests in
/// flight, and when the last one started or ended.
struct Activity {
    in_flight: AtomicUsize,
    last: std::sync::Mutex<Instant>,
    started_any: std::sync::atomic::AtomicBool,
}

impl Activity {
    fn new() -> Arc<Self> {
        Arc::new(Activity {
            in_flight: AtomicUsize::new(0),
            last: std::sync::Mutex::new(Instant::now()),
            started_any: Default::default(),
        })
    }

    fn touch(&self) {
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    /// When the connection has been idle too long: `first` after the
    /// connect with no request yet, `idle` after the last request.
    fn deadline(&self, first: Duration, idle: Duration) -> Option<Instant> {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return None;
        }
        let last = *self.last.lock().unwrap_or_else(|e| e.into_inner());
        Some(if self.started_any.load(Ordering::Acquire) {
            last + idle
        } else {
            last + first
        })
    }
}

/// A request in flight on a connection; its end counts as activity.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn start(a: &Arc<Activity>) -> InFlight {
        a.started_any.store(true, Ordering::Release);
        a.in_flight.fetch_add(1, Ordering::AcqRel);
        a.touch();
        InFlight(a.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Ends when the connection has had no request for its idle limit (or
/// none at all within the header deadline): HTTP/2 PINGs and bytes that
/// never make a request do not keep it open.
async fn idle_watch(a: Arc<Activity>, first: Duration, idle: Duration) {
    loop {
        let now = Instant::now();
        match a.deadline(first, idle) {
            Some(at) if at <= now => return,
            Some(at) => tokio::time::sleep_until(at.min(now + Duration::from_secs(1))).await,
            None => tokio::time::sleep(Duration::from_secs(1)).await,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` fires, then lets the
/// requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    mut shutdown: oneshot::Receiver<()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = Arc::new(PerAddress::default());
    let address_cap = limits.per_address();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    let first = Duration::from_secs(limits.header_read_timeout_secs);
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(first);
    let idle = Duration::from_secs(limits.idle_timeout_secs);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors (EMFILE) or a connection reset before
                    // we took it: wait a little instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let Some(address_slot) = per_address.take(peer.ip(), address_cap) else {
            tokio::spawn(refuse(stream, TOO_MANY_FROM_YOU));
            continue;
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tokio::spawn(refuse(stream, BUSY_BODY));
            continue;
        };
        let _ = stream.set_nodelay(true);
        let activity = Activity::new();
        let on_request = activity.clone();
        let svc = router
            .clone()
            .map_request(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            });
        let svc = tower::service_fn(move |req: hyper::Request<Incoming>| {
            let busy = InFlight::start(&on_request);
            let call = svc.clone().oneshot(req);
            async move {
                let resp = call.await;
                drop(busy);
                resp
            }
        });
        let conn = builder
            .serve_connection_with_upgrades(
                TokioIo::new(IdleTimeout::new(stream, idle)),
                TowerToHyperService::new(svc),
            )
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            tokio::select! {
                _ = conn => {}
                // Dropping the connection closes it.
                _ = idle_watch(activity, first, idle) => {}
            }
            drop(slot);
            drop(address_slot);
        });
    }
    drop(listener);
    // Long-polls end within their wait; do not hang a shutdown on them.
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

/// Answers a connection over the cap with a 503 and closes it, reading what
/// the client sent first so it sees the answer rather than a reset.
async fn refuse(mut stream: TcpStream, body: &'static str) {
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\
         Content-Type: application/json\r\nConnection: close\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let mut buf = [0u8; 2048];
        let _ = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::io::AsyncReadExt::read(&mut stream, &mut buf),
        )
        .await;
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

/// A stream that fails with `TimedOut` once nothing has been read or
/// written for `limit`, which ends the connection.
struct IdleTimeout<S> {
    inner: S,
    limit: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<S> IdleTimeout<S> {
    fn new(inner: S, limit: Duration) -> Self {
        Self {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
        }
    }

    fn progress(&mut self) {
        self.deadline.as_mut().reset(Instant::now() + self.limit);
    }

    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline.as_mut().poll(cx).is_ready()
    }
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "connection idle for too long")
}

impl<S: AsyncRead + Unpin> AsyncRead for IdleTimeout<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.progress();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => {
                self.progress();
                Poll::Ready(Ok(n))
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            other => other,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_fits_the_descriptor_limit() {
        let l = Limits::default();
        assert_eq!(l.fitted(1024).max_connections, 960);
        assert_eq!(l.fitted(1_000_000).max_connections, 4096);
        assert!(
            Limits {
                idle_timeout_secs: 30,
                ..l
            }
            .check()
            .is_err()
        );
        // Numbers that would overflow a timer are refused at load.
        for bad in [
            Limits {
                header_read_timeout_secs: u64::MAX,
                ..l
            },
            Limits {
                idle_timeout_secs: u64::MAX,
                ..l
            },
            Limits {
                max_connections: usize::MAX,
                ..l
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
        assert_eq!(l.per_address(), 512);
        let small = Limits {
            max_connections: 40,
            ..l
        };
        assert_eq!(small.per_address(), 16);
    }
}
