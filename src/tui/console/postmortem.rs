//! `P`: the postmortem draft written to a private file, in a folder of
//! its own per backend (two servers' INC-1 never collide), never over a
//! draft someone edited: warroom remembers what it wrote (a hash beside
//! the file); a file that changed since is kept and the new draft goes
//! next to it, numbered, and the IC is told so.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::model::IncidentId;
use crate::private_fs::{private_dir, read_regular, write_atomic};

/// Where a draft went, and the edited one it did not replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    pub kept: Option<PathBuf>,
}

/// Numbered drafts tried next to an edited one before giving up.
const MAX_DRAFTS: u32 = 99;

/// The folder for one backend's postmortems: a readable name from the
/// console's label (its first word, or the host of a URL: `prod`, `demo`,
/// `warroom-example-com`) and the backend's scope, so it says whose they
/// are and two backends never collide.
pub fn folder(root: &Path, label: &str, scope: &str) -> PathBuf {
    let first = label.split_whitespace().next().unwrap_or("backend");
    let name = match first.split_once("://") {
        // The host: no credentials, port or path (the label is redacted
        // already; this holds whatever it is given).
        Some((_, rest)) => {
            let authority = rest.split('/').next().unwrap_or(rest);
            let host = authority.rsplit('@').next().unwrap_or(authority);
            host.split(':').next().unwrap_or(host)
        }
        None => first,
    };
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(40)
        .collect();
    let slug = slug.trim_matches('-');
    let slug = if slug.is_empty() { "backend" } else { slug };
    root.join(format!("{slug}-{scope}"))
}

fn hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn stamp_name(name: &str) -> String {
    format!(".{name}.written")
}

/// Whether `name` in `dir` may be replaced: it does not exist, or it is
/// exactly what warroom wrote there last.
fn replaceable(dir: &Path, name: &str) -> Result<bool, String> {
    let path = dir.join(name);
    let current = match read_regular(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let stamp = read_regular(&dir.join(stamp_name(name))).unwrap_or_default();
    Ok(String::from_utf8_lossy(&stamp).trim() == hash(&current))
}

/// Writes the draft of `id` into `dir` (created private), replacing only
/// a file warroom wrote and nobody changed since.
pub fn write(dir: &Path, id: IncidentId, text: &str) -> Result<Written, String> {
    private_dir(dir)?;
    let base = format!("{id}.md");
    let (name, kept) = if replaceable(dir, &base)? {
        (base, None)
    } else {
        let next = (2..=MAX_DRAFTS)
            .map(|n| format!("{id}.{n}.md"))
            .find(|n| replaceable(dir, n).unwrap_or(false))
            .ok_or_else(|| {
                format!(
                    "{} holds {MAX_DRAFTS} edited drafts of {id}; move some away",
                    dir.display()
                )
            })?;
        (next, Some(dir.join(&base)))
    };
    let path = write_atomic(dir, &name, text.as_bytes(), true)
        .map_err(|e| format!("cannot write {}: {e}", dir.join(&name).display()))?;
    write_atomic(
        dir,
        &stamp_name(&name),
        hash(text.as_bytes()).as_bytes(),
        true,
    )
    .map_err(|e| format!("cannot write beside {}: {e}", path.display()))?;
    Ok(Written { path, kept })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edited_draft_is_kept_and_the_new_one_is_numbered() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("pm");
        let id = IncidentId(1);
        let w = write(&d, id, "draft one").unwrap();
        assert_eq!(w.path, d.join("INC-1.md"));
        assert_eq!(w.kept, None);
        // Not edited: written again in place.
        let w = write(&d, id, "draft two").unwrap();
        assert_eq!((w.path.clone(), w.kept), (d.join("INC-1.md"), None));
        // Edited by hand: kept; the new draft goes beside it.
        std::fs::write(d.join("INC-1.md"), "draft two + the team's root causes").unwrap();
        let w = write(&d, id, "draft three").unwrap();
        assert_eq!(w.path, d.join("INC-1.2.md"));
        assert_eq!(w.kept, Some(d.join("INC-1.md")));
        assert_eq!(
            std::fs::read_to_string(d.join("INC-1.md")).unwrap(),
            "draft two + the team's root causes"
        );
        // The numbered one, untouched, is replaced by the next draft.
        let w = write(&d, id, "draft four").unwrap();
        assert_eq!(w.path, d.join("INC-1.2.md"));
        assert_eq!(std::fs::read_to_string(&w.path).unwrap(), "draft four");
    }

    #[test]
    fn two_backends_never_share_a_folder() {
        let root = Path::new("/r");
        let a = folder(root, "DEMO 127.0.0.1:4000", "aa11");
        let b = folder(root, "prod https://warroom.example.com", "bb22");
        let c = folder(root, "https://ops:x@warroom.example.com:8443/wr", "cc33");
        assert_eq!(a, root.join("demo-aa11"));
        assert_eq!(b, root.join("prod-bb22"));
        assert_eq!(c, root.join("warroom-example-com-cc33"));
        assert_ne!(folder(root, "x", "1"), folder(root, "x", "2"));
    }
}
