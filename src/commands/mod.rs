//! One function per CLI command: builds what the command needs from the
//! parsed arguments and runs it. The exit code says whether it worked.

mod serve;
mod token;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Some(Command::Serve(args)) => serve::run(args),
        Some(Command::Token { command, db }) => token::run(command, db),
        Some(Command::Console(_)) | Some(Command::Demo { .. }) | Some(Command::List { .. }) | Some(Command::Show { .. }) | None => {
            Err("this command is being built".to_string())
        }
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
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| format!("cannot start the async runtime: {e}"))
}
