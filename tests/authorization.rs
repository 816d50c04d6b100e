//! Every route against every kind of caller: no token, a malformed header, a
//! revoked token, and valid viewer, responder and commander tokens.

mod common;

use common::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Caller {
    Missing,
    Malformed,
    Revoked,
    Viewer,
    Responder,
    Commander,
}

struct Route {
    name: &'static str,
    method: Method,
    path: fn(&str) -> String,
    /// The body for a caller (so each succeeds when allowed).
    body: fn(Caller) -> Option<Value>,
    /// Expected status for viewer, responder, commander.
    expect: [u16; 3],
}

fn routes() -> Vec<Route> {
    vec![
        Route {
            name: "list",
            method: Method::GET,
            path: |_| "/incidents".into(),
            body: |_| None,
            expect: [200, 200, 200],
        },
        Route {
            name: "detail",
            method: Method::GET,
            path: |id| format!("/incidents/{id}"),
            body: |_| None,
            expect: [200, 200, 200],
        },
        Route {
            name: "changes",
            method: Method::GET,
            path: |_| "/changes?since=0".into(),
            body: |_| None,
            expect: [200, 200, 200],
        },
        Route {
            name: "policy",
            method: Method::GET,
            path: |_| "/policy".into(),
            body: |_| None,
            expect: [200, 200, 200],
        },
        Route {
            name: "whoami",
            method: Method::GET,
            path: |_| "/whoami".into(),
            body: |_| None,
            expect: [200, 200, 200],
        },
        Route {
            name: "declare",
            method: Method::POST,
            path: |_| "/incidents".into(),
            body: |_| Some(json!({"title": "t", "service": "s", "severity": "SEV4"})),
            expect: [403, 403, 201],
        },
        Route {
            name: "patch",
            method: Method::PATCH,
            path: |id| format!("/incidents/{id}"),
            body: |_| Some(json!({"summary": "s"})),
            expect: [403, 403, 200],
        },
        Route {
            name: "transition",
            method: Method::POST,
            path: |id| format!("/incidents/{id}/transition"),
            body: |_| Some(json!({"to": "acknowledged"})),
            expect: [403, 403, 200],
        },
        Route {
            name: "note",
            method: Method::POST,
            path: |id| format!("/incidents/{id}/notes"),
            body: |_| Some(json!({"text": "n"})),
            expect: [403, 200, 200],
        },
        Route {
            name: "update",
            method: Method::POST,
            path: |id| format!("/incidents/{id}/updates"),
            body: |_| Some(json!({"text": "u"})),
            expect: [403, 403, 200],
        },
        Route {
            name: "checklist",
            method: Method::POST,
            path: |id| format!("/incidents/{id}/checklist"),
            body: |c| {
                Some(
                    json!({"phase": "investigation", "item": if c == Caller::Commander { 1 } else { 0 }, "done": true}),
                )
            },
            expect: [403, 200, 200],
        },
        Route {
            name: "page",
            method: Method::POST,
            path: |id| format!("/incidents/{id}/responders"),
            body: |_| Some(json!({"action": "page", "handle": "carol"})),
            expect: [403, 403, 200],
        },
        Route {
            name: "own state",
            method: Method::POST,
            path: |id| format!("/incidents/{id}/responders"),
            body: |c| {
                Some(
                    json!({"action": "join", "handle": if c == Caller::Commander { "alice" } else if c == Caller::Responder { "bob" } else { "noc-board" }}),
                )
            },
            expect: [403, 200, 409],
        },
    ]
}

#[tokio::test]
async fn every_route_by_every_caller() {
    let t = TestServer::start().await;
    let id = t.declare("Matrix", "SEV3").await;
    let (_, revoked) = common::off_runtime(|| {
        t.server
            .store
            .create_token("old-laptop", warroom::model::ActorRole::Commander)
    })
    .unwrap();
    common::off_runtime(|| t.server.store.revoke_token("old-laptop")).unwrap();
    let mut checked = 0;
    let callers = [
        Caller::Missing,
        Caller::Malformed,
        Caller::Revoked,
        Caller::Viewer,
        Caller::Responder,
        Caller::Commander,
    ];
    for route in routes() {
        for caller in callers {
            let mut req = t
                .http
                .request(route.method.clone(), t.url(&(route.path)(&id)));
            req = match caller {
                Caller::Missing => req,
                Caller::Malformed => req.header("authorization", "Token abc"),
                Caller::Revoked => req.bearer_auth(&revoked),
                Caller::Viewer => req.bearer_auth(&t.viewer),
                Caller::Responder => req.bearer_auth(&t.responder),
                Caller::Commander => req.bearer_auth(&t.commander),
            };
            if route.method == Method::PATCH {
                let (_, d) = t.get(&format!("/incidents/{id}"), &t.commander).await;
                req = req.header("if-match", d["incident"]["version"].to_string());
            }
            if let Some(b) = (route.body)(caller) {
                req = req.json(&b);
            }
            let r = req.send().await.unwrap();
            let want = match caller {
                Caller::Missing | Caller::Malformed | Caller::Revoked => 401,
                Caller::Viewer => route.expect[0],
                Caller::Responder => route.expect[1],
                Caller::Commander => route.expect[2],
            };
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            assert_eq!(status, want, "{} by {caller:?}: {body}", route.name);
            if status >= 400 {
                let e: Value = serde_json::from_str(&body).unwrap();
                assert!(
                    e["error"]["message"].is_string(),
                    "{} by {caller:?}: error body",
                    route.name
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 13 * 6);
}

#[tokio::test]
async fn guessing_tokens_is_rate_limited_per_address() {
    let t = TestServer::start().await;
    let mut last = 0;
    for i in 0..25 {
        let r = t
            .req(Method::GET, "/incidents", &format!("wr_guess{i}"))
            .send()
            .await
            .unwrap();
        last = r.status().as_u16();
        if last == 429 {
            assert!(r.headers().contains_key("retry-after"));
            assert!(i >= 20, "limited after {i} guesses");
            break;
        }
    }
    assert_eq!(last, 429);
    // A good token from that address is never refused for others' failures
    // (regression: the limit used to be checked before the token).
    let r = t
        .req(Method::GET, "/incidents", &t.viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // The guesser is still refused.
    let r = t
        .req(Method::GET, "/incidents", "wr_guess_again")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let t = TestServer::start().await;
    let r = t
        .req(Method::GET, "/incidents", &t.viewer)
        .send()
        .await
        .unwrap();
    for h in [
        "x-content-type-options",
        "x-frame-options",
        "content-security-policy",
        "referrer-policy",
        "cache-control",
    ] {
        assert!(r.headers().contains_key(h), "missing {h}");
    }
}
