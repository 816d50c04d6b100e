use std::path::PathBuf;

use crate::cli::TokenCommand;
use crate::paths;
use crate::server::Store;

pub fn run(cmd: TokenCommand, db: Option<PathBuf>) -> Result<(), String> {
    let path = match db {
        Some(p) => p,
        None => paths::default_db()?,
    };
    if let crate::server::DbLocation::File(p) = crate::server::DbLocation::parse(path.clone())? {
        crate::server::prepare_db_dir(&p)?;
    }
    let store = Store::open(&path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    match cmd {
        TokenCommand::Create { role, name } => {
            if name.trim().is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
                return Err("--name must be 1 to 100 printable characters".into());
            }
            let (info, token) = store
                .create_token(name.trim(), role)
                .map_err(|e| e.to_string())?;
            // The token goes to stdout alone so `> file` captures just it.
            println!("{token}");
            eprintln!(
                "created token #{} for {} ({}); it is shown only this once",
                info.id, info.name, info.role
            );
        }
        TokenCommand::List => {
            let tokens = store.list_tokens().map_err(|e| e.to_string())?;
            println!(
                "{:<4} {:<24} {:<10} {:<26} REVOKED",
                "ID", "NAME", "ROLE", "CREATED"
            );
            for t in tokens {
                println!(
                    "{:<4} {:<24} {:<10} {:<26} {}",
                    t.id,
                    crate::text::one_line(&t.name, 24),
                    t.role.as_str(),
                    t.created_at,
                    t.revoked_at.as_deref().unwrap_or("-")
                );
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
