//! The layers of docs/architecture.md, held by reading the sources: a
//! folder that imports one it must not is named with the file and line.

use std::path::Path;

/// Folder, and the modules of the crate it must not import.
const RULES: &[(&str, &[&str])] = &[
    // The domain is pure: it imports nothing of the others.
    (
        "src/model",
        &[
            "client", "server", "tui", "text", "report", "commands", "config",
        ],
    ),
    // The server never imports the console or the client.
    ("src/server", &["client", "tui", "commands"]),
    // The client never reaches into the server (the store's limits and
    // types live in the model).
    ("src/client", &["server", "tui", "commands"]),
    // Screens never do HTTP or touch the store.
    ("src/tui", &["server"]),
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_folder_imports_a_layer_it_must_not() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut broken = Vec::new();
    for (dir, banned) in RULES {
        let mut files = Vec::new();
        rust_files(&root.join(dir), &mut files);
        assert!(!files.is_empty(), "{dir} has no sources");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for b in *banned {
                    if line.contains(&format!("crate::{b}::"))
                        || line.contains(&format!("crate::{b};"))
                    {
                        broken.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "layer rules broken:\n{}",
        broken.join("\n")
    );
}
