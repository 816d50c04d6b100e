//! Which global flags each subcommand uses: the others are hidden from
//! its help, man page and completions, and refused by name if given.

use super::Cli;

/// Flags every subcommand accepts (clap's global flags) that a command
/// does not use: hidden from its help, man page and completions, and
/// refused by name if given (`commands::dispatch`).
const NOT_USED_BY: &[(&str, &[&str])] = &[
    ("serve", BACKEND_AND_CONSOLE),
    ("token", BACKEND_AND_CONSOLE),
    ("migrate", BACKEND_AND_CONSOLE),
    ("rules", BACKEND_AND_CONSOLE),
    ("completions", BACKEND_AND_CONSOLE),
    ("man", BACKEND_AND_CONSOLE),
    (
        "demo",
        &[
            "api",
            "token_file",
            "profile",
            "ca_cert",
            "local",
            "timeout",
        ],
    ),
];

/// What connects to a backend, and what only the console's screen uses.
const BACKEND_AND_CONSOLE: &[&str] = &[
    "api",
    "token_file",
    "profile",
    "ca_cert",
    "read_only",
    "local",
    "theme",
    "low_bandwidth",
    "plain",
    "timeout",
];

/// The command line as parsed, with each subcommand's help naming only
/// the flags it uses: a global flag a command does not use gets a hidden
/// copy of its own there (clap then does not add the global one), which
/// [`parse`] refuses by name when given.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let hidden: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| {
            NOT_USED_BY
                .iter()
                .any(|(_, flags)| flags.contains(&a.get_id().as_str()))
        })
        .map(|a| a.clone().hide(true).global(false))
        .collect();
    let mut cmd = cmd;
    for (name, flags) in NOT_USED_BY {
        let copies: Vec<clap::Arg> = hidden
            .iter()
            .filter(|a| flags.contains(&a.get_id().as_str()))
            .cloned()
            .collect();
        cmd = cmd.mut_subcommand(*name, |sub| with_hidden(sub, &copies));
    }
    cmd
}

/// `cmd` and every command under it, each with the hidden copies.
fn with_hidden(cmd: clap::Command, copies: &[clap::Arg]) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = cmd;
    for a in copies {
        if cmd.get_arguments().all(|x| x.get_id() != a.get_id()) {
            cmd = cmd.arg(a.clone());
        }
    }
    for n in names {
        cmd = cmd.mut_subcommand(n, |sub| with_hidden(sub, copies));
    }
    cmd
}

/// Parses the process's arguments with [`command`]; a flag given to a
/// command that does not use it is refused by name (exit 2).
pub fn parse() -> Cli {
    use clap::FromArgMatches;
    let matches = command().get_matches();
    if let Some(refusal) = unused_flag(&matches) {
        eprintln!("warroom: {refusal}");
        std::process::exit(2);
    }
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// `warroom serve --profile x`: "`warroom serve` does not use --profile".
fn unused_flag(m: &clap::ArgMatches) -> Option<String> {
    let (name, sub) = m.subcommand()?;
    let (_, flags) = NOT_USED_BY.iter().find(|(n, _)| *n == name)?;
    // The deepest command named says it (`warroom token create`).
    let mut path = name.to_string();
    let mut given: Vec<String> = Vec::new();
    let mut at = Some(sub);
    while let Some(sub) = at {
        for id in *flags {
            let flag = format!("--{}", id.replace('_', "-"));
            if sub.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
                && !given.contains(&flag)
            {
                given.push(flag);
            }
        }
        at = sub.subcommand().map(|(n, s)| {
            path = format!("{path} {n}");
            s
        });
    }
    (!given.is_empty()).then(|| format!("`warroom {path}` does not use {}", given.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subcommand_lists_only_the_flags_it_uses() {
        let mut cmd = command();
        cmd.build();
        let serve = cmd
            .find_subcommand_mut("serve")
            .unwrap()
            .render_long_help()
            .to_string();
        assert!(!serve.contains("--profile"), "{serve}");
        assert!(!serve.contains("--token-file"), "{serve}");
        assert!(serve.contains("--listen"), "{serve}");
        let list = cmd
            .find_subcommand_mut("list")
            .unwrap()
            .render_long_help()
            .to_string();
        assert!(list.contains("--profile"), "{list}");
        assert!(list.contains("--timeout"), "{list}");
        let mint = cmd
            .find_subcommand_mut("token")
            .unwrap()
            .find_subcommand_mut("create")
            .unwrap()
            .render_long_help()
            .to_string();
        assert!(!mint.contains("--api"), "{mint}");
    }
}
