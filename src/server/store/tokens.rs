//! API tokens. Only a SHA-256 of each token is stored: tokens are 256 random
//! bits, so a fast hash is enough (there is nothing to brute-force), and a
//! leaked database does not leak working tokens.

use chrono::Utc;
use rand::RngCore;
use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Result, Store};
use crate::model::ActorRole;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub role: ActorRole,
    pub created_at: String,
    pub revoked_at: Option<String>,
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
        let id = self.with_conn(|c| {
            c.execute(
                "INSERT INTO tokens (name, role, hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![name, role.as_str(), hash_token(&token), created_at],
            )?;
            Ok(c.last_insert_rowid())
        })?;
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
        self.with_conn(|c| {
            let mut stmt =
                c.prepare("SELECT id, name, role, created_at, revoked_at FROM tokens ORDER BY id")?;
            let rows = stmt.query_map([], |r| {
                Ok(TokenInfo {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    role: r.get::<_, String>(2)?.parse().unwrap_or(ActorRole::Viewer),
                    created_at: r.get(3)?,
                    revoked_at: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Revokes by id or by name; returns how many tokens were revoked.
    pub fn revoke_token(&self, id_or_name: &str) -> Result<usize> {
        let now = Utc::now().to_rfc3339();
        self.with_conn(|c| {
            let n = match id_or_name.parse::<i64>() {
                Ok(id) => c.execute(
                    "UPDATE tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
                    params![now, id],
                )?,
                Err(_) => c.execute(
                    "UPDATE tokens SET revoked_at = ?1 WHERE name = ?2 AND revoked_at IS NULL",
                    params![now, id_or_name],
                )?,
            };
            Ok(n)
        })
    }

    /// The live token with this hash, if any.
    pub fn find_token(&self, hash: &str) -> Result<Option<TokenInfo>> {
        self.with_conn(|c| {
            Ok(c.query_row(
                "SELECT id, name, role, created_at, revoked_at FROM tokens WHERE hash = ?1 AND revoked_at IS NULL",
                [hash],
                |r| {
                    Ok(TokenInfo {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        role: r.get::<_, String>(2)?.parse().unwrap_or(ActorRole::Viewer),
                        created_at: r.get(3)?,
                        revoked_at: r.get(4)?,
                    })
                },
            )
            .optional()?)
        })
    }
}
