//! Completions and man pages as a shell and `man` use them: the scripts
//! load in bash, zsh and fish and complete profile names, incident ids
//! (from the configured server) and severities; every man page renders
//! with `man -l` and every page one names exists.

mod common;

use std::path::Path;
use std::process::Command;

use common::cli_env::env;
use common::procs::BIN;

/// A shell with `warroom` on its PATH and the env's home and config.
fn shell(home: &Path, sh: &str, script: &str) -> String {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let o = Command::new(sh)
        .arg("-c")
        .arg(script)
        .env(
            "PATH",
            format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap()),
        )
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("WARROOM_TOKEN")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{sh}: {script}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn completions_load_in_bash_zsh_and_fish_and_complete_profiles_ids_and_severities() {
    let e = env();
    let home = e.dir.path();
    let id = e.declare("Checkout 502s");
    std::fs::create_dir_all(home.join("config/warroom")).unwrap();
    std::fs::write(
        home.join("config/warroom/config.toml"),
        format!(
            "default_profile = \"prod-east\"\n\
             [profiles.prod-east]\nkind = \"warroom\"\nurl = \"{}\"\ntoken_file = \"{}\"\n\
             [profiles.staging]\nkind = \"warroom\"\nurl = \"http://127.0.0.1:9\"\n",
            e.server.url(),
            e.tok_file.display()
        ),
    )
    .unwrap();

    // bash: the function a Tab runs, with the words typed so far.
    let bash = |words: &str, cword: usize| {
        shell(
            home,
            "bash",
            &format!(
                "source <(warroom completions bash); COMP_WORDS=({words}); COMP_CWORD={cword}; \
                 _warroom_values warroom \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\""
            ),
        )
    };
    let got = bash("warroom list --profile ''", 3);
    assert!(
        got.contains("prod-east") && got.contains("staging"),
        "{got}"
    );
    let got = bash("warroom list --profile st", 3);
    assert_eq!(got.trim(), "staging");
    let got = bash("warroom ack ''", 2);
    assert!(got.lines().any(|l| l == id), "the incident id: {got}");
    let got = bash("warroom severity INC-1 ''", 3);
    assert_eq!(got.split_whitespace().count(), 5, "{got}");
    let got = bash("warroom postmortem INC-1 --format ''", 4);
    assert_eq!(got.split_whitespace().collect::<Vec<_>>(), ["md", "json"]);
    // Commands still complete as clap wrote them.
    let got = bash("warroom dri", 1);
    assert_eq!(got.trim(), "drill");

    // zsh: the script loads under compinit; the specs use our helpers, and
    // the helper completes the profiles (compadd stubbed to print).
    let script = String::from_utf8(
        Command::new(BIN)
            .args(["completions", "zsh"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(script.contains(":PROFILE:_warroom_profiles'"));
    assert!(
        !script.contains(":PROFILE:_default'"),
        "every profile spec replaced"
    );
    assert!(script.contains(":_warroom_ids'"));
    let got = shell(
        home,
        "zsh",
        "autoload -U compinit && compinit -u -D; source <(warroom completions zsh); \
         compadd() { [[ $1 == -a ]] && print -l -- ${(P)2} }; _warroom_profiles; _warroom_ids",
    );
    assert!(
        got.contains("prod-east") && got.contains("staging"),
        "{got}"
    );
    assert!(got.lines().any(|l| l == id), "{got}");

    // fish: what `complete -C` offers for a command line.
    let fish = |line: &str| {
        shell(
            home,
            "fish",
            &format!("warroom completions fish | source; complete -C '{line}'"),
        )
    };
    let got = fish("warroom list --profile ");
    assert!(
        got.contains("prod-east") && got.contains("staging"),
        "{got}"
    );
    let got = fish("warroom ack ");
    assert!(got.lines().any(|l| l.starts_with(&id)), "{got}");

    // A backend that does not answer: no ids, no error, no wait past 2 s.
    std::fs::write(
        home.join("config/warroom/config.toml"),
        "default_profile = \"down\"\n[profiles.down]\nkind = \"warroom\"\nurl = \"http://127.0.0.1:9\"\n",
    )
    .unwrap();
    let start = std::time::Instant::now();
    let got = bash("warroom ack ''", 2);
    assert!(got.trim().is_empty(), "{got}");
    assert!(start.elapsed() < std::time::Duration::from_secs(4));
}

#[test]
fn every_man_page_renders_and_every_page_named_exists() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .args(["man", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pages: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "1"))
        .collect();
    assert!(pages.len() > 40, "{} pages", pages.len());
    let exists = |name: &str| dir.path().join(format!("{name}.1")).exists();
    let refs = regex_lite::Regex::new(r"\b(warroom(?:-[a-z_-]+)?)\(1\)").unwrap();
    for page in &pages {
        let o = Command::new("man")
            .arg("-l")
            .arg(page)
            .env("MANWIDTH", "100")
            .env("MANPAGER", "cat")
            .env("LC_ALL", "C.UTF-8")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            o.status.success() && err.trim().is_empty(),
            "{}: {err}",
            page.display()
        );
        let text = String::from_utf8_lossy(&o.stdout);
        for r in refs.captures_iter(&text) {
            assert!(
                exists(&r[1]),
                "{} names {}(1), which is not there",
                page.display(),
                &r[1]
            );
        }
    }
    let main = std::fs::read_to_string(dir.path().join("warroom.1")).unwrap();
    for section in [".SH FILES", ".SH ENVIRONMENT", ".SH \"EXIT STATUS\""] {
        assert!(main.contains(section), "{section}");
    }
    assert!(exists("warroom-drill") && exists("warroom-drill-check") && exists("warroom-list"));
    // Without --dir: the main page on standard output.
    let o = Command::new(BIN).arg("man").output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains(".SH ENVIRONMENT"));
}
