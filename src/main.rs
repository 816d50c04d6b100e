fn main() -> std::process::ExitCode {
    let cli = warroom::cli::parse();
    warroom::commands::run(cli)
}
