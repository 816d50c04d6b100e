//! One function per CLI command: builds what the command needs from the
//! parsed arguments and runs it. The exit code says whether it worked.

mod backend;
mod console;
mod logfile;
mod quick;
mod serve;
mod token;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> ExitCode {
    // Everything we create (database, WAL, outbox, drafts, log) is private.
    crate::private_fs::restrict_umask();
    let result = match cli.command {
        Some(Command::Serve(args)) => serve::run(args),
        Some(Command::Token { command, db }) => token::run(command, db),
        Some(Command::Console(args)) => console::run(args),
        None => console::run(cli.console),
        Some(Command::Wallboard { rotate, backend }) => {
            console::wallboard(rotate, backend, cli.console.theme)
        }
        Some(Command::Demo) => console::demo(cli.console.theme),
        Some(Command::List { backend, all, json }) => quick::list(backend, all, json),
        Some(Command::Show { id, backend, json }) => quick::show(&id, backend, json),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("warroom: {msg}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}
