use std::path::PathBuf;

use crate::cli::TokenCommand;
use crate::paths;
use crate::server::Store;
use crate::text::pad;

use super::outcome::out;

/// Opens (and so migrates) the database `--db` names, or the default one.
fn open(db: Option<PathBuf>) -> Result<(Store, String), String> {
    let path = match db {
        Some(p) => p,
        None => paths::default_db()?,
    };
    let db = crate::server::DbLocation::parse(path)?;
    if let crate::server::DbLocation::File(p) = &db {
        crate::server::prepare_db_dir(p)?;
    }
    let store = db
        .open()
        .map_err(|e| format!("cannot open {}: {e}", db.describe()))?;
    Ok((store, db.describe()))
}

/// `warroom migrate`.
pub fn migrate(db: Option<PathBuf>) -> Result<(), String> {
    let (store, name) = open(db)?;
    let v = store.schema_version().map_err(|e| e.to_string())?;
    out(format!("{name}: schema version {v} (up to date)"));
    Ok(())
}

pub fn run(cmd: TokenCommand, db: Option<PathBuf>) -> Result<(), String> {
    let (store, _) = open(db)?;
    match cmd {
        TokenCommand::Create { role, name } => {
            if name.trim().is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
                return Err("--name must be 1 to 100 printable characters".into());
            }
            let live = store.list_tokens().map_err(|e| e.to_string())?;
            if live
                .iter()
                .any(|t| t.revoked_at.is_none() && t.name == name.trim())
            {
                return Err(format!(
                    "a live token is already named `{}`: revoke it first \
                     (`warroom token revoke {}`) or pick another name",
                    name.trim(),
                    name.trim()
                ));
            }
            let (info, token) = store
                .create_token(name.trim(), role)
                .map_err(|e| e.to_string())?;
            // The token goes to stdout alone so `> file` captures just it.
            out(&token);
            eprintln!(
                "created token #{} for {} ({}); it is shown only this once",
                info.id, info.name, info.role
            );
        }
        TokenCommand::List { json } => {
            let tokens = store.list_tokens().map_err(|e| e.to_string())?;
            if json {
                let v: Vec<_> = tokens
                    .iter()
                    .map(|t| {
                        serde_json::json!({"id": t.id, "name": t.name, "role": t.role,
                            "created_at": t.created_at, "revoked_at": t.revoked_at})
                    })
                    .collect();
                out(serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?);
                return Ok(());
            }
            // Columns as wide as their widest cell, in terminal cells.
            let name = |t: &crate::server::store::TokenInfo| crate::text::one_line(&t.name, 40);
            let w_id = tokens
                .iter()
                .map(|t| t.id.to_string().len())
                .max()
                .unwrap_or(0)
                .max(2);
            let w_name = tokens
                .iter()
                .map(|t| crate::text::width(&name(t)))
                .max()
                .unwrap_or(0)
                .max(4);
            out(format!(
                "{} {} {} {} REVOKED",
                pad("ID", w_id),
                pad("NAME", w_name),
                pad("ROLE", 11),
                pad("CREATED", 25)
            ));
            for t in &tokens {
                out(format!(
                    "{} {} {} {} {}",
                    pad(&t.id.to_string(), w_id),
                    pad(&name(t), w_name),
                    pad(t.role.as_str(), 11),
                    pad(&t.created_at, 25),
                    t.revoked_at.as_deref().unwrap_or("-")
                ));
            }
        }
        TokenCommand::Revoke { id_or_name } => {
            match store.revoke_token(&id_or_name).map_err(|e| e.to_string())? {
                0 => {
                    return Err(format!(
                        "no live token has the id or name `{}`",
                        crate::text::one_line(&id_or_name, 40)
                    ));
                }
                n => eprintln!("revoked {n} token(s)"),
            }
        }
    }
    Ok(())
}
