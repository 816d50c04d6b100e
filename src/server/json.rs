//! JSON bodies in and out, with the error answers a script author needs:
//! which field, what was wrong, and the right status code.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::error::ApiError;

pub const MAX_BODY: usize = 64 * 1024;

/// Answers 413 at once when a request declares (`Content-Length`) a body
/// over its route's limit, before a byte of it is read: a client that
/// announces 5 MB learns it will not be taken instead of sending it.
pub async fn refuse_declared_oversize(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let limit = if req.uri().path() == "/api/v1/integrations/alertmanager" {
        super::integrations::alertmanager::MAX_BODY
    } else {
        MAX_BODY
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the request body is over this endpoint's {limit}-byte limit"),
        )
        .into_response();
    }
    next.run(req).await
}

/// Decodes a request body. Broken JSON is a 400; well-formed JSON of the wrong
/// shape (unknown field, bad enum value, missing field) is a 422 naming the
/// field; a body over the limit is a 413.
pub fn decode<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(T, Bytes), ApiError> {
    decode_limited(headers, body, MAX_BODY)
}

/// [`decode`] on a route whose body limit is `limit` bytes (named in the 413).
pub fn decode_limited<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    limit: usize,
) -> Result<(T, Bytes), ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("the request body is over this endpoint's {limit}-byte limit"),
            )
        } else {
            ApiError::bad_request(format!(
                "could not read the request body: {}",
                e.body_text()
            ))
        }
    })?;
    if let Some(ct) = headers.get(header::CONTENT_TYPE)
        && !ct
            .to_str()
            .unwrap_or("")
            .to_ascii_lowercase()
            .starts_with("application/json")
    {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the request body must be JSON (Content-Type: application/json)",
        ));
    }
    // PostgreSQL cannot store a NUL in text; SQLite can. Refused on both,
    // with the reason, so the two backends keep the same records.
    if let Some(at) = json_nul(&body) {
        return Err(ApiError::bad_request(format!(
            "the body holds a NUL character (\\u0000) at byte {at}; text may not contain one"
        )));
    }
    let mut de = serde_json::Deserializer::from_slice(&body);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let at = if path == "." {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        match inner.classify() {
            serde_json::error::Category::Data => {
                ApiError::unprocessable(format!("invalid request{at}: {inner}"))
            }
            serde_json::error::Category::Eof => {
                ApiError::bad_request(format!("the JSON body ended early: {inner}"))
            }
            _ => ApiError::bad_request(format!("the body is not valid JSON: {inner}")),
        }
    })?;
    // One JSON value and nothing after it: trailing bytes mean the client
    // sent something other than what it thinks.
    de.end()
        .map_err(|e| ApiError::bad_request(format!("unexpected data after the JSON body: {e}")))?;
    Ok((value, body))
}

/// Where a JSON text escapes a NUL (`\u0000`), if it does. A raw NUL is
/// not valid JSON at all (the parser refuses it); escapes appear only in
/// strings, and an escaped backslash is skipped whole, so `\\u0000` (a
/// backslash, then the letters) is not taken for one.
fn json_nul(body: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\\' {
            if body.get(i + 1..i + 6) == Some(b"u0000") {
                return Some(i);
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    None
}

/// Answers 400 to a query string holding a NUL (`%00`): no parameter
/// means one, and PostgreSQL could not even compare text with it.
pub async fn refuse_nul_in_query(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if req
        .uri()
        .query()
        .is_some_and(|q| q.to_ascii_lowercase().contains("%00"))
    {
        return ApiError::bad_request(
            "a query parameter holds a NUL character (%00); text may not contain one",
        )
        .into_response();
    }
    next.run(req).await
}

pub fn matches_if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(etag))
}

fn etag_value(etag: &str) -> HeaderValue {
    // Our ETags are quoted ASCII made by us; a bad one would be a bug.
    HeaderValue::from_str(etag).unwrap_or_else(|_| HeaderValue::from_static("\"-\""))
}

pub fn not_modified(etag: &str) -> Response {
    (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value(etag))]).into_response()
}

/// A JSON answer carrying its ETag.
pub fn json_with_etag(etag: &str, body: Bytes) -> Response {
    (
        StatusCode::OK,
        [
            (header::ETAG, etag_value(etag)),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
        ],
        body,
    )
        .into_response()
}

/// The version named by `If-Match` (`7` or `"7"`), if the header is present.
pub fn if_match_version(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let s = v.to_str().unwrap_or("").trim();
    let s = s.strip_prefix("W/").unwrap_or(s).trim_matches('"');
    s.parse::<u64>().map(Some).map_err(|_| {
        ApiError::bad_request(
            "If-Match must be the incident's version number, e.g. If-Match: \"7\"",
        )
    })
}

pub fn request_hash(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(body);
    hex::encode(h.finalize())
}

#[cfg(test)]
mod nul_tests {
    use super::json_nul;

    #[test]
    fn a_nul_escape_is_found_and_an_escaped_backslash_is_not_one() {
        assert_eq!(json_nul(br#"{"text":"a\u0000b"}"#), Some(10));
        assert_eq!(json_nul(br#"{"text":"a\\u0000b"}"#), None);
        assert_eq!(json_nul(br#"{"text":"a\\\u0000"}"#), Some(12));
        assert_eq!(json_nul(br#"{"text":"\u0001"}"#), None);
    }
}
