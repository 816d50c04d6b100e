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
    pub fn open(dir: PathBuf) -> Drafts {
        let _ = std::fs::create_dir_all(&dir);
        Drafts { dir }
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
        let tmp = p.with_extension("tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(tmp, p)
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
    Some((DraftKey { id, kind }, std::fs::read_to_string(p).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_survive_a_restart_and_empty_ones_vanish() {
        let dir = tempfile::tempdir().unwrap();
        let d = Drafts::open(dir.path().to_path_buf());
        let k = DraftKey {
            id: IncidentId(4),
            kind: DraftKind::Note,
        };
        d.save(&k, "rollback at 40%\nwatching pool").unwrap();
        let again = Drafts::open(dir.path().to_path_buf()).load_all();
        assert_eq!(
            again.get(&k).map(String::as_str),
            Some("rollback at 40%\nwatching pool")
        );
        d.save(&k, "").unwrap();
        assert!(Drafts::open(dir.path().to_path_buf()).load_all().is_empty());
    }
}
