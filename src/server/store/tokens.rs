//! API tokens. Only a SHA-256 of each token is stored: tokens are 256 random
//! bits, so a fast hash is enough (there is nothing to brute-force), and a
//! leaked database does not leak working tokens.

use std::collections::HashMap;

use chrono::Utc;
use rand::Rng;
use sha2::{Digest, Sha256};

use super::sql::{Row, args};
use super::{Result, Store, StoreError};
use crate::model::ActorRole;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub role: ActorRole,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// Live tokens by hash, kept in memory so checking a request's token costs
/// no database read. Reloaded when older than [`TOKEN_CACHE_TTL`], so a
/// token revoked by `warroom token revoke` (another process) stops working
/// within that time; one revoked through this process stops at once. While
/// the database cannot be reached, the last map loaded is used.
type Loaded = Option<(
    std::time::Instant,
    std::sync::Arc<HashMap<String, TokenInfo>>,
)>;

#[derive(Default)]
pub(super) struct TokenCache {
    loaded: std::sync::Mutex<Loaded>,
}

pub const TOKEN_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(2);

impl TokenCache {
    fn fresh(&self) -> Option<std::sync::Arc<HashMap<String, TokenInfo>>> {
        let g = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        g.as_ref()
            .filter(|(at, _)| at.elapsed() < TOKEN_CACHE_TTL)
            .map(|(_, m)| m.clone())
    }

    /// The last map loaded, however old: for when the database cannot be
    /// reached, so reads go on being answered through an outage.
    fn last(&self) -> Option<std::sync::Arc<HashMap<String, TokenInfo>>> {
        let g = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        g.as_ref().map(|(_, m)| m.clone())
    }

    fn set(&self, map: HashMap<String, TokenInfo>) {
        *self.loaded.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((std::time::Instant::now(), std::sync::Arc::new(map)));
    }

    fn clear(&self) {
        *self.loaded.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

pub fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("wr_{}", hex::encode(bytes))
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Store {
    /// Stores a new token and returns it; the only time it exists in clear.
    pub fn create_token(&self, name: &str, role: ActorRole) -> Result<(TokenInfo, String)> {
        let token = generate_token();
        let created_at = Utc::now().to_rfc3339();
        let id = self.transact(|c| {
            c.row(
                "INSERT INTO tokens (name, role, hash, created_at) VALUES (?1, ?2, ?3, ?4) \
                 RETURNING id",
                args![name, role.as_str(), hash_token(&token), &created_at],
            )?
            .ok_or_else(|| StoreError::Open("the new token has no id".into()))?
            .get::<i64>("id")
        })?;
        self.tokens.clear();
        Ok((
            TokenInfo {
                id,
                name: name.to_string(),
                role,
                created_at,
                revoked_at: None,
            },
            token,
        ))
    }

    pub fn list_tokens(&self) -> Result<Vec<TokenInfo>> {
        self.read(|c| {
            c.rows(
                "SELECT id, name, role, created_at, revoked_at FROM tokens ORDER BY id",
                &[],
            )?
            .iter()
            .map(token_row)
            .collect()
        })
    }

    /// Revokes by id or by name; returns how many tokens were revoked.
    pub fn revoke_token(&self, id_or_name: &str) -> Result<usize> {
        let now = Utc::now().to_rfc3339();
        self.transact(|c| {
            let n = match id_or_name.parse::<i64>() {
                Ok(id) => c.exec(
                    "UPDATE tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
                    args![now, id],
                )?,
                Err(_) => c.exec(
                    "UPDATE tokens SET revoked_at = ?1 WHERE name = ?2 AND revoked_at IS NULL",
                    args![now, id_or_name],
                )?,
            };
            Ok(n as usize)
        })
        .inspect(|_| self.tokens.clear())
    }

    /// The live token with this hash from memory, when the cache is fresh
    /// and knows it; `None` means "ask [`Store::find_token`]".
    pub fn cached_token(&self, hash: &str) -> Option<TokenInfo> {
        self.tokens.fresh()?.get(hash).cloned()
    }

    /// The live token with this hash, if any (reloading the cache when it
    /// is old; a token another process created since is read directly).
    pub fn find_token(&self, hash: &str) -> Result<Option<TokenInfo>> {
        let map = match self.tokens.fresh() {
            Some(m) => m,
            None => {
                let loaded = self.read(|c| {
                    c.rows(
                        "SELECT id, name, role, created_at, revoked_at, hash FROM tokens \
                         WHERE revoked_at IS NULL",
                        &[],
                    )?
                    .iter()
                    .map(|r| Ok((r.get::<String>("hash")?, token_row(r)?)))
                    .collect::<Result<HashMap<_, _>>>()
                });
                match loaded {
                    Ok(live) => {
                        self.tokens.set(live);
                        self.tokens.fresh().unwrap_or_default()
                    }
                    // The database is down: tokens live when it went down stay
                    // live, so reads go on; a revocation made meanwhile (by a
                    // replica that can still reach it) holds once it is back.
                    Err(e @ StoreError::Unavailable(_)) => {
                        return match self.tokens.last() {
                            Some(map) => Ok(map.get(hash).cloned()),
                            None => Err(e),
                        };
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        if let Some(t) = map.get(hash) {
            return Ok(Some(t.clone()));
        }
        self.read(|c| {
            c.row(
                "SELECT id, name, role, created_at, revoked_at FROM tokens \
                 WHERE hash = ?1 AND revoked_at IS NULL",
                args![hash],
            )?
            .as_ref()
            .map(token_row)
            .transpose()
        })
    }
}

fn token_row(r: &Row) -> Result<TokenInfo> {
    Ok(TokenInfo {
        id: r.get::<i64>("id")?,
        name: r.get::<String>("name")?,
        role: r
            .get::<String>("role")?
            .parse()
            .unwrap_or(ActorRole::Viewer),
        created_at: r.get::<String>("created_at")?,
        revoked_at: r.get::<Option<String>>("revoked_at")?,
    })
}
