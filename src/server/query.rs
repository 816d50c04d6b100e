//! Query parameters as the API takes them: known names only, whole
//! numbers, yes/no flags, page limits, and a stable key per query (ETags).

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::store;

pub(super) fn param<T: std::str::FromStr<Err = String>>(
    q: &HashMap<String, String>,
    name: &str,
) -> Result<Option<T>, ApiError> {
    q.get(name)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<T>()
                .map_err(|e| ApiError::bad_request(format!("query parameter `{name}`: {e}")))
        })
        .transpose()
}

pub(super) fn known_params(q: &HashMap<String, String>, allowed: &[&str]) -> Result<(), ApiError> {
    match q.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(ApiError::bad_request(format!(
            "unknown query parameter `{k}` (allowed: {})",
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}

/// `format=md|json` of a document (a postmortem, a brief): true for
/// Markdown, the default.
pub(super) fn markdown_format(q: &HashMap<String, String>) -> Result<bool, ApiError> {
    match q.get("format").map(String::as_str) {
        None | Some("") | Some("md") | Some("markdown") => Ok(true),
        Some("json") => Ok(false),
        Some(v) => Err(ApiError::bad_request(format!(
            "query parameter `format`: `{}` is not md or json",
            crate::text::one_line(v, 20)
        ))),
    }
}

/// Query flags as people type them: `true`, `1` or nothing for yes.
pub(super) fn flag(q: &HashMap<String, String>, name: &str) -> Result<bool, ApiError> {
    match q.get(name).map(String::as_str) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") | Some("") => Ok(true),
        Some(v) => Err(ApiError::bad_request(format!(
            "query parameter `{name}`: `{v}` is not true or false"
        ))),
    }
}

pub(super) fn number(q: &HashMap<String, String>, name: &str) -> Result<Option<u64>, ApiError> {
    q.get(name)
        .map(|v| {
            v.parse::<u64>().map_err(|_| {
                ApiError::bad_request(format!("query parameter `{name}` must be a whole number"))
            })
        })
        .transpose()
}

pub(super) fn page_limit(q: &HashMap<String, String>, default: usize) -> Result<usize, ApiError> {
    match number(q, "limit")? {
        None => Ok(default),
        Some(n) if (1..=store::MAX_PAGE as u64).contains(&n) => Ok(n as usize),
        Some(_) => Err(ApiError::bad_request(format!(
            "query parameter `limit` must be 1 to {}",
            store::MAX_PAGE
        ))),
    }
}

/// A stable short hash of the query, so each distinct query has its own ETag.
pub(super) fn query_key(q: &HashMap<String, String>) -> String {
    let mut pairs: Vec<_> = q.iter().collect();
    pairs.sort();
    let mut h = Sha256::new();
    for (k, v) in pairs {
        h.update(k.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..8])
}
