use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = warroom::cli::Cli::parse();
    warroom::commands::run(cli)
}
