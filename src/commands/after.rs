//! After the outage, from the shell: `warroom postmortem` writes the draft,
//! `warroom followups` lists what the team still owes.

use std::path::PathBuf;

use crate::cli::BackendArgs;
use crate::config::Config;
use crate::model::FollowUpStatus;
use crate::text::{one_line, pad};

use super::backend;
use super::outcome::{CliError, out};

pub fn postmortem(
    id: &str,
    args: BackendArgs,
    format: &str,
    output: Option<PathBuf>,
    force: bool,
) -> Result<(), CliError> {
    if let Some(path) = &output {
        refuse_to_clobber(path, force, &format!("-o {}", path.display()))?;
    }
    let id = super::outcome::incident_id(id)?;
    if !matches!(format, "md" | "json") {
        return Err(CliError::usage(format!(
            "--format {format}: use md or json"
        )));
    }
    let config = Config::load_default()?;
    let text = super::one_shot(async {
        let c = backend::resolve_verb(&args, &config, "postmortem").await?;
        let r = c.reader.postmortem(id, format).await;
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        r.map_err(CliError::from)
    })?;
    match output {
        None => out(text.trim_end()),
        Some(path) => {
            let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
                CliError::usage(format!("-o {}: not a file name", path.display()))
            })?;
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let written = crate::private_fs::write_atomic(&dir, name, text.as_bytes(), true)
                .map_err(|e| CliError::from(format!("cannot write {}: {e}", path.display())))?;
            eprintln!(
                "warroom: postmortem of {id} written to {}",
                written.display()
            );
        }
    }
    Ok(())
}

/// A postmortem file may hold a person's edits: an existing one is only
/// replaced with `--force`, and a symbolic link is never written through
/// nor replaced (it may point anywhere). Checked before anything is read,
/// and again by the atomic write's rename.
/// `label` names the file as the user gave it (`-o draft.md`).
pub(super) fn refuse_to_clobber(
    path: &std::path::Path,
    force: bool,
    label: &str,
) -> Result<(), CliError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(CliError::usage(format!(
            "{label}: is a symbolic link; warroom does not write through or replace links \
             (give the file's real path)"
        ))),
        Ok(m) if !m.is_file() => Err(CliError::usage(format!(
            "{label}: exists and is not a regular file"
        ))),
        Ok(_) if !force => Err(CliError::usage(format!(
            "{label}: exists (it may hold edits); add --force to replace it, or choose another name"
        ))),
        _ => Ok(()),
    }
}

pub fn followups(
    args: BackendArgs,
    owner: Option<String>,
    overdue: bool,
    status: Option<String>,
    json: bool,
) -> Result<(), CliError> {
    let status = match status.as_deref() {
        None => "open".to_string(),
        Some("all") => "all".to_string(),
        Some(s) => s
            .parse::<FollowUpStatus>()
            .map_err(CliError::usage)?
            .as_str()
            .to_string(),
    };
    let mut query = format!("status={status}");
    if let Some(o) = &owner {
        query.push_str(&format!("&owner={}", crate::client::urlencode(o)));
    }
    if overdue {
        query.push_str("&overdue=true");
    }
    let config = Config::load_default()?;
    let list = super::one_shot(async {
        let c = backend::resolve_verb(&args, &config, "followups").await?;
        let r = c.reader.followups_across(&query).await;
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        r.map_err(CliError::from)
    })?;
    if json {
        out(serde_json::to_string_pretty(&list).map_err(|e| CliError::from(e.to_string()))?);
        return Ok(());
    }
    let today = chrono::Utc::now().date_naive();
    // Ids are never cut: they are what the next command is typed with.
    let widest = |f: &dyn Fn(&crate::model::FollowUp) -> usize, min: usize| {
        list.iter().map(f).max().unwrap_or(0).max(min)
    };
    let w_id = widest(&|f| f.id.to_string().len() + 1, 5);
    let w_inc = widest(&|f| f.incident.to_string().len(), 9);
    out(format!(
        "{} {} {} {} {} {} TITLE",
        pad("ID", w_id),
        pad("INCIDENT", w_inc),
        pad("PRI", 3),
        pad("STATUS", 8),
        pad("OWNER", 12),
        pad("DUE", 10),
    ));
    for f in &list {
        let due = f.due.map_or("-".into(), |d| d.to_string());
        out(format!(
            "{} {} {} {} {} {} {}{}",
            pad(&format!("#{}", f.id), w_id),
            pad(&f.incident.to_string(), w_inc),
            pad(&format!("{:?}", f.priority), 3),
            pad(f.status.as_str(), 8),
            pad(f.owner.as_deref().unwrap_or("-"), 12),
            pad(&due, 10),
            if f.overdue(today) { "OVERDUE " } else { "" },
            one_line(&f.title, 100)
        ));
    }
    if list.is_empty() {
        eprintln!("no follow-ups match");
    }
    Ok(())
}

pub fn stats(
    args: BackendArgs,
    since: String,
    service: Option<String>,
    utc_offset: Option<String>,
    json: bool,
    explain: bool,
) -> Result<(), CliError> {
    use crate::client::urlencode;
    let mut query = format!("since={}", urlencode(&since));
    if let Some(s) = &service {
        query.push_str(&format!("&service={}", urlencode(s)));
    }
    if let Some(o) = &utc_offset {
        query.push_str(&format!("&utc_offset={}", urlencode(o)));
    }
    let config = Config::load_default()?;
    let s = super::one_shot(async {
        let c = backend::resolve_verb(&args, &config, "stats").await?;
        let r = c.reader.stats(&query).await;
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        r.map_err(CliError::from)
    })?;
    if json {
        out(serde_json::to_string_pretty(&s).map_err(|e| CliError::from(e.to_string()))?);
        return Ok(());
    }
    for line in crate::report::stats_text::lines(&s, &since) {
        out(line);
    }
    if explain {
        for line in crate::report::stats_text::definitions(&s) {
            out(line);
        }
    } else {
        out("(--explain says what each figure measures, from where to where)");
    }
    Ok(())
}
