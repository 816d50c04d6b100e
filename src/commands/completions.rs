//! Shell completions: clap's scripts, taught the values clap cannot know.
//! Profile names and incident ids come from `warroom __complete KIND`
//! (the config, and the configured backend within two seconds, silent on
//! any failure, so a shell never hangs or prints an error mid-line);
//! severities, follow-up statuses and formats are written into the script.
//!
//! bash: a function run before clap's (`_warroom_values`), registered
//! after it so it wins. zsh: clap's `_default` actions of those values
//! replaced by ours. fish: extra `complete` lines (fish merges them).
//! A test checks every replacement took: a clap upgrade that changes its
//! output fails it rather than dropping completions silently.

use std::time::Duration;

use clap_complete::Shell;

use super::backend;
use super::outcome::{CliError, out};
use crate::cli::BackendArgs;
use crate::config::Config;

const SEVERITIES: &str = "SEV1 SEV2 SEV3 SEV4 SEV5";
const FOLLOWUP_STATUSES: &str = "open done wont_do all";
const FORMATS: &str = "md json";
/// How long `__complete ids` may take: a shell waits for it.
const IDS_WITHIN: Duration = Duration::from_secs(2);

/// The commands whose first argument is an incident id.
fn id_verbs() -> Vec<String> {
    crate::cli::command()
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .filter(|s| {
            s.get_positionals()
                .next()
                .is_some_and(|p| p.get_id() == "id")
        })
        .map(|s| s.get_name().to_string())
        .collect()
}

fn bash_extra() -> String {
    format!(
        r#"
_warroom_values() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    case "${{prev}}" in
        --profile) COMPREPLY=( $(compgen -W "$(warroom __complete profiles 2>/dev/null)" -- "${{cur}}") ); return 0 ;;
        --severity) COMPREPLY=( $(compgen -W "{SEVERITIES}" -- "${{cur}}") ); return 0 ;;
        --format) COMPREPLY=( $(compgen -W "{FORMATS}" -- "${{cur}}") ); return 0 ;;
        --status) COMPREPLY=( $(compgen -W "{FOLLOWUP_STATUSES}" -- "${{cur}}") ); return 0 ;;
    esac
    if [[ ${{cur}} != -* ]]; then
        case "${{COMP_CWORD}} ${{COMP_WORDS[1]}}" in
            "3 severity") COMPREPLY=( $(compgen -W "{SEVERITIES}" -- "${{cur}}") ); return 0 ;;
        esac
        if [[ ${{COMP_CWORD}} -eq 2 ]]; then
            case "${{COMP_WORDS[1]}}" in
                {verbs}) COMPREPLY=( $(compgen -W "$(warroom __complete ids 2>/dev/null)" -- "${{cur}}") ); return 0 ;;
            esac
        fi
    fi
    _warroom "$@"
}}
complete -F _warroom_values -o nosort -o bashdefault -o default warroom
"#,
        verbs = id_verbs().join("|")
    )
}

const ZSH_HELPERS: &str = r#"
_warroom_profiles() {
    local -a profiles
    profiles=(${(f)"$(warroom __complete profiles 2>/dev/null)"})
    compadd -a profiles
}
_warroom_ids() {
    local -a ids
    ids=(${(f)"$(warroom __complete ids 2>/dev/null)"})
    compadd -a ids
}
"#;

/// clap's zsh script with our actions for the values it cannot know.
fn zsh(script: &str) -> String {
    let mut out = String::with_capacity(script.len() + 512);
    for (n, line) in script.lines().enumerate() {
        let l = line
            .replace(":PROFILE:_default'", ":PROFILE:_warroom_profiles'")
            .replace(":FORMAT:_default'", &format!(":FORMAT:({FORMATS})'"))
            .replace(":SEVERITY:_default'", &format!(":SEVERITY:({SEVERITIES})'"))
            .replace(
                ":STATUS:_default'",
                &format!(":STATUS:({FOLLOWUP_STATUSES})'"),
            );
        let l = if l.starts_with("':id -- ") && l.ends_with(":_default' \\") {
            l.replace(":_default' \\", ":_warroom_ids' \\")
        } else if l.starts_with("':severity -- ") && l.ends_with(":_default' \\") {
            l.replace(":_default' \\", &format!(":({SEVERITIES})' \\"))
        } else {
            l
        };
        out.push_str(&l);
        out.push('\n');
        if n == 0 {
            out.push_str(ZSH_HELPERS);
        }
    }
    out
}

fn fish_extra() -> String {
    format!(
        r#"
complete -c warroom -l profile -x -a "(warroom __complete profiles 2>/dev/null)"
complete -c warroom -l severity -x -a "{SEVERITIES}"
complete -c warroom -l format -x -a "{FORMATS}"
complete -c warroom -n "__fish_seen_subcommand_from followups" -l status -x -a "{FOLLOWUP_STATUSES}"
complete -c warroom -n "__fish_seen_subcommand_from {verbs}" -f -a "(warroom __complete ids 2>/dev/null)"
complete -c warroom -n "__fish_seen_subcommand_from severity" -f -a "{SEVERITIES}"
"#,
        verbs = id_verbs().join(" ")
    )
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    let mut cmd = crate::cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "warroom", &mut buf);
    let base = String::from_utf8_lossy(&buf).into_owned();
    match shell {
        Shell::Bash => base + &bash_extra(),
        Shell::Zsh => zsh(&base),
        Shell::Fish => base + &fish_extra(),
        _ => base,
    }
}

pub fn completions(shell: Shell) -> Result<(), CliError> {
    out(script(shell).trim_end());
    Ok(())
}

/// `warroom __complete KIND`: one candidate per line, nothing on failure.
pub fn candidates(kind: &str) -> Result<(), CliError> {
    let Ok(config) = Config::load_default() else {
        return Ok(());
    };
    let found: Vec<String> = match kind {
        "profiles" => config.profiles.keys().cloned().collect(),
        "ids" => ids(&config).unwrap_or_default(),
        _ => Vec::new(),
    };
    for c in found {
        // A candidate is one shell word, printable.
        if !c.is_empty() && c.chars().all(|ch| ch.is_ascii_graphic()) {
            out(c);
        }
    }
    Ok(())
}

/// The active incidents' ids on the configured backend, within
/// [`IDS_WITHIN`]; never the local war room made on the spot.
fn ids(config: &Config) -> Option<Vec<String>> {
    let rt = super::runtime().ok()?;
    let found = rt.block_on(async {
        tokio::time::timeout(IDS_WITHIN, async {
            let c = backend::resolve_verb(&BackendArgs::default(), config, "__complete")
                .await
                .ok()?;
            let page = match c.reader.list(false, None).await {
                Ok(crate::client::Fetched::Fresh { value, .. }) => Some(value),
                _ => None,
            };
            if let Some(s) = c.embedded {
                s.stop().await;
            }
            page
        })
        .await
        .ok()
        .flatten()
    });
    rt.shutdown_background();
    let page = found?;
    Some(page.incidents.iter().map(|i| i.id.to_string()).collect())
}
