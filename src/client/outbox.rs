//! The durable outbox: every write is on disk, fsynced, before it is sent,
//! and leaves only when the server has answered it (delivered or refused).
//! One file per write, named so the directory lists in send order; writing
//! a file is atomic (temp file, fsync, rename, fsync the directory), so a
//! crash at any point leaves either the whole write or none of it.

use std::fs;
use std::path::{Path, PathBuf};

use super::Write;

pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    /// The outbox for one backend (`scope` is e.g. a hash of its URL, so
    /// writes queued for one server are never sent to another).
    /// The folder must be ours alone: another user who could write in it
    /// could plant actions for us to send with our token.
    pub fn open(root: &Path, scope: &str) -> Result<Outbox, String> {
        let dir = root.join(scope);
        crate::private_fs::private_dir(&dir)?;
        Ok(Outbox { dir })
    }

    fn files(&self) -> std::io::Result<Vec<PathBuf>> {
        let mut v: Vec<PathBuf> = fs::read_dir(&self.dir)?
            .filter_map(|e| e.ok())
            // Only real files: a planted symlink is not an entry.
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        v.sort();
        Ok(v)
    }

    /// Queues a write durably. Returns once it is on disk.
    pub fn push(&self, w: &Write) -> std::io::Result<()> {
        let seq = self
            .files()?
            .last()
            .and_then(|p| {
                p.file_name()?
                    .to_str()?
                    .split('-')
                    .next()?
                    .parse::<u64>()
                    .ok()
            })
            .map_or(1, |n| n + 1);
        if !w.key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(std::io::Error::other("an outbox key must be alphanumeric"));
        }
        let name = format!("{seq:020}-{}.json", w.key);
        let body = serde_json::to_vec(w).map_err(std::io::Error::other)?;
        crate::private_fs::write_atomic(&self.dir, &name, &body, true)?;
        Ok(())
    }

    /// Removes a write once the server has answered it.
    pub fn remove(&self, key: &str) -> std::io::Result<()> {
        for p in self.files()? {
            if p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(&format!("-{key}.json")))
            {
                fs::remove_file(&p)?;
                fs::File::open(&self.dir)?.sync_all()?;
            }
        }
        Ok(())
    }

    /// Whether a write is still queued (not answered, not discarded).
    pub fn contains(&self, key: &str) -> bool {
        self.files().is_ok_and(|f| {
            f.iter().any(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(&format!("-{key}.json")))
            })
        })
    }

    /// The writes still queued, oldest first. A file that cannot be read
    /// back is kept aside (renamed `.bad`) and reported, never deleted.
    pub fn pending(&self) -> (Vec<Write>, Vec<String>) {
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        for p in self.files().unwrap_or_default() {
            match crate::private_fs::read_regular(&p)
                .ok()
                .and_then(|b| serde_json::from_slice::<Write>(&b).ok())
            {
                Some(w) => ok.push(w),
                None => {
                    let _ = fs::rename(&p, p.with_extension("bad"));
                    bad.push(p.display().to_string());
                }
            }
        }
        (ok, bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::WriteOp;
    use crate::model::IncidentId;
    use crate::model::wire::TextRequest;

    fn note(text: &str) -> Write {
        Write::new(WriteOp::Note {
            id: IncidentId(1),
            body: TextRequest::new(text),
        })
    }

    #[test]
    fn writes_come_back_in_order_until_removed() {
        let dir = tempfile::tempdir().unwrap();
        let ob = Outbox::open(dir.path(), "s").unwrap();
        let ws: Vec<Write> = (0..12).map(|i| note(&format!("n{i}"))).collect();
        for w in &ws {
            ob.push(w).unwrap();
        }
        ob.remove(&ws[3].key).unwrap();
        let again = Outbox::open(dir.path(), "s").unwrap();
        let (pending, bad) = again.pending();
        assert!(bad.is_empty());
        let expect: Vec<&Write> = ws
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 3)
            .map(|(_, w)| w)
            .collect();
        assert_eq!(pending.iter().collect::<Vec<_>>(), expect);
    }

    /// The state document's writes wait offline like any other and come
    /// back whole, in order, to be sent with their keys.
    #[test]
    fn state_document_writes_survive_the_outbox() {
        use crate::model::CanReport;
        use crate::model::state_doc::{CommandAction, DecideRequest, HypothesisAction, TaskAction};
        let dir = tempfile::tempdir().unwrap();
        let ob = Outbox::open(dir.path(), "s").unwrap();
        let id = IncidentId(7);
        let ws: Vec<Write> = [
            WriteOp::Task {
                id,
                body: TaskAction::Add {
                    title: "Roll back".into(),
                    owner: Some("bob".into()),
                    due: Some("5m".into()),
                },
            },
            WriteOp::Hypothesis {
                id,
                body: HypothesisAction::RuleOut {
                    hypothesis: 2,
                    why: "pool at 30%".into(),
                },
            },
            WriteOp::Decide {
                id,
                body: DecideRequest {
                    text: "Fail over".into(),
                    why: String::new(),
                    objections_asked: true,
                    supersedes: Some(1),
                },
            },
            WriteOp::Command {
                id,
                body: CommandAction::Accept { brief_version: 42 },
            },
            WriteOp::Can {
                id,
                body: CanReport {
                    condition: "p99 4s".into(),
                    actions: String::new(),
                    needs: "a DBA".into(),
                },
            },
        ]
        .into_iter()
        .map(Write::new)
        .collect();
        for w in &ws {
            ob.push(w).unwrap();
        }
        let (pending, bad) = Outbox::open(dir.path(), "s").unwrap().pending();
        assert!(bad.is_empty());
        assert_eq!(pending, ws);
    }

    #[test]
    fn a_corrupt_entry_is_set_aside_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let ob = Outbox::open(dir.path(), "s").unwrap();
        ob.push(&note("good")).unwrap();
        std::fs::write(
            dir.path().join("s").join("00000000000000000099-x.json"),
            b"{trunc",
        )
        .unwrap();
        let (pending, bad) = ob.pending();
        assert_eq!(pending.len(), 1);
        assert_eq!(bad.len(), 1);
        assert!(
            dir.path()
                .join("s")
                .join("00000000000000000099-x.bad")
                .exists()
        );
    }

    /// Entries as the release before the dialog rework wrote them (its
    /// exact bytes): they are still read back and sent after upgrading.
    #[test]
    fn entries_written_by_the_previous_release_are_still_sent() {
        let dir = tempfile::tempdir().unwrap();
        let ob = Outbox::open(dir.path(), "s").unwrap();
        let old = [
            concat!(
                r#"{"key":"a1","op":{"op":"note","id":"INC-7","body":{"text":"rolled back","#,
                r#""written_at":"2026-12-05T23:10:00Z"}},"queued_by":"token:5f1d"}"#
            ),
            concat!(
                r#"{"key":"a2","op":{"op":"patch","id":"INC-7","if_match":4,"#,
                r#""body":{"severity":"SEV1"}},"queued_by":"token:5f1d"}"#
            ),
            concat!(
                r#"{"key":"a3","op":{"op":"transition","id":"INC-7","#,
                r#""body":{"to":"contained","force":false,"reason":null}}}"#
            ),
        ];
        for (i, json) in old.iter().enumerate() {
            std::fs::write(dir.path().join(format!("s/{i:020}-a{}.json", i + 1)), json).unwrap();
        }
        let (writes, bad) = ob.pending();
        assert!(bad.is_empty(), "{bad:?}");
        let ops: Vec<_> = writes.iter().map(|w| (w.key.as_str(), &w.op)).collect();
        assert!(
            matches!(ops[0], ("a1", WriteOp::Note { id, body })
                if *id == IncidentId(7) && body.text == "rolled back" && body.written_at.is_some()),
            "{ops:?}"
        );
        assert!(
            matches!(ops[1], ("a2", WriteOp::Patch { if_match: 4, body, .. })
                if body.severity == Some(crate::model::Severity::Sev1)),
            "{ops:?}"
        );
        assert!(
            matches!(ops[2], ("a3", WriteOp::Transition { body, .. })
                if body.to == crate::model::Status::Contained),
            "{ops:?}"
        );
        assert_eq!(writes[0].queued_by.as_deref(), Some("token:5f1d"));
    }
}
