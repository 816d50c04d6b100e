//! Note and update drafts on disk, written as they are typed, so a dropped
//! SSH session or a crash loses nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::app::{DraftKey, DraftKind};
use crate::model::IncidentId;

pub struct Drafts {
    dir: PathBuf,
}

impl Drafts {
    /// The folder must be ours alone (see [`crate::private_fs`]).
    pub fn open(dir: PathBuf) -> Result<Drafts, String> {
        crate::private_fs::private_dir(&dir)?;
        Ok(Drafts { dir })
    }

    fn path(&self, key: &DraftKey) -> PathBuf {
        let kind = match key.kind {
            DraftKind::Note => "note",
            DraftKind::Update => "update",
        };
        self.dir.join(format!("{}.{kind}.txt", key.id))
    }

    /// Saves (or, for empty text, deletes) a draft. Atomic: a crash leaves
    /// the old draft or the new one.
    pub fn save(&self, key: &DraftKey, text: &str) -> std::io::Result<()> {
        let p = self.path(key);
        if text.trim().is_empty() {
            return match std::fs::remove_file(&p) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            };
        }
        // A new private file renamed into place: a symlink planted at the
        // draft's name is replaced, never followed.
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("draft.txt");
        crate::private_fs::write_atomic(&self.dir, name, text.as_bytes(), false).map(|_| ())
    }

    pub fn load_all(&self) -> HashMap<DraftKey, String> {
        let mut out = HashMap::new();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return out;
        };
        for e in entries.flatten() {
            if let Some((key, text)) = parse(&e.path()) {
                out.insert(key, text);
            }
        }
        out
    }
}

fn parse(p: &Path) -> Option<(DraftKey, String)> {
    let name = p.file_name()?.to_str()?.strip_suffix(".txt")?;
    let (id, kind) = name.rsplit_once('.')?;
    let kind = match kind {
        "note" => DraftKind::Note,
        "update" => DraftKind::Update,
        _ => return None,
    };
    let id: IncidentId = id.parse().ok()?;
    let text = crate::private_fs::read_regular(p).ok()?;
    Some((DraftKey { id, kind }, String::from_utf8(text).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_survive_a_restart_and_empty_ones_vanish() {
        let dir = tempfile::tempdir().unwrap();
        let d = Drafts::open(dir.path().to_path_buf()).unwrap();
        let k = DraftKey {
            id: IncidentId(4),
            kind: DraftKind::Note,
        };
        d.save(&k, "rollback at 40%\nwatching pool").unwrap();
        let again = Drafts::open(dir.path().to_path_buf()).unwrap().load_all();
        assert_eq!(
            again.get(&k).map(String::as_str),
            Some("rollback at 40%\nwatching pool")
        );
        // A symlink planted at the draft's name is replaced, not written through.
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let _ = std::fs::remove_file(dir.path().join("INC-4.note.txt"));
        std::os::unix::fs::symlink(&victim, dir.path().join("INC-4.note.txt")).unwrap();
        d.save(&k, "new text").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        d.save(&k, "").unwrap();
        assert!(
            Drafts::open(dir.path().to_path_buf())
                .unwrap()
                .load_all()
                .is_empty()
        );
    }
}
