use crate::cli::ConsoleArgs;
use crate::config::Config;
use crate::server::DbLocation;
use crate::tui::console::{self, ConsoleSetup};
use crate::tui::theme::Theme;

use super::backend::{self, Connected};
use super::outcome::CliError;

/// The full-screen views need a terminal on both ends; without one (a
/// command run over `ssh host warroom`, a cron job) say what to do instead
/// of failing deep inside the terminal library.
pub(super) fn need_terminal(what: &str) -> Result<(), CliError> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "`warroom {what}` needs a terminal, and this has none. Over SSH use `ssh -t host warroom`; \
         from a script or a screen reader use `warroom --plain` (line mode), `warroom watch`, \
         `warroom list` or the write commands (see --help)"
    )))
}

pub fn load_theme(flag: Option<&str>, config: &Config) -> Result<Theme, String> {
    let name = flag
        .map(str::to_string)
        .or_else(|| config.theme.clone())
        .unwrap_or_else(|| "default".into());
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Theme::load(
        &name,
        crate::paths::config_dir()
            .ok()
            .map(|d| d.join("themes"))
            .as_deref(),
        no_color,
    )
}

pub fn run(args: ConsoleArgs) -> Result<(), CliError> {
    if args.plain {
        return plain(args);
    }
    need_terminal("console")?;
    let config = Config::load_default()?;
    let theme = load_theme(args.theme.as_deref(), &config)?;
    let low_bandwidth = args.low_bandwidth || config.low_bandwidth.unwrap_or(false);
    super::logfile::log_to_file()?;
    super::runtime()?.block_on(async {
        let c = backend::resolve(&args.backend, &config).await?;
        Ok::<(), CliError>(open(c, theme, &config, low_bandwidth).await?)
    })?;
    Ok(())
}

/// `warroom --plain`: the line console (no terminal needed).
fn plain(args: ConsoleArgs) -> Result<(), CliError> {
    let config = Config::load_default()?;
    super::logfile::log_to_file()?;
    super::runtime()?.block_on(async {
        let c = backend::resolve(&args.backend, &config).await?;
        let state_dir = crate::paths::state_dir()?.join(&c.scope);
        crate::private_fs::private_dir(&state_dir)?;
        let r = crate::plain::run(crate::plain::PlainSetup {
            label: c.label,
            reader: c.reader,
            writer: c.writer,
            state_dir,
            identity: c.identity,
            read_only: c.read_only,
        })
        .await;
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        Ok::<(), CliError>(r?)
    })
}

/// `warroom watch [--json]`.
pub fn watch(json: bool, args: crate::cli::BackendArgs) -> Result<(), CliError> {
    let config = Config::load_default()?;
    super::logfile::log_to_file()?;
    super::runtime()?.block_on(async {
        let c = backend::resolve(&args, &config).await?;
        let r = crate::plain::watch(c.reader, json).await;
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        Ok::<(), CliError>(r?)
    })
}

pub fn demo(
    theme_flag: Option<String>,
    low_bandwidth: bool,
    read_only: bool,
) -> Result<(), CliError> {
    need_terminal("demo")?;
    let config = Config::load_default()?;
    let theme = load_theme(theme_flag.as_deref(), &config)?;
    super::logfile::log_to_file()?;
    super::runtime()?.block_on(async {
        let mut c = backend::embedded(DbLocation::Memory, true, "DEMO").await?;
        c.read_only = read_only.then(|| "--read-only".to_string());
        let low_bandwidth = low_bandwidth || config.low_bandwidth.unwrap_or(false);
        Ok::<(), CliError>(open(c, theme, &config, low_bandwidth).await?)
    })?;
    Ok(())
}

pub(super) async fn open(
    c: Connected,
    theme: Theme,
    config: &Config,
    low_bandwidth: bool,
) -> Result<(), String> {
    let state_dir = crate::paths::state_dir()?.join(&c.scope);
    crate::private_fs::private_dir(&state_dir)?;
    let caps = match c.read_only {
        Some(_) => c.reader.capabilities().read_only(),
        None => c.reader.capabilities(),
    };
    let parts = c
        .reader
        .parts()
        .into_iter()
        .map(|(name, p)| {
            (
                name,
                if c.read_only.is_some() {
                    p.read_only()
                } else {
                    p
                },
            )
        })
        .collect();
    let postmortems = crate::tui::console::postmortem::folder(
        &crate::paths::data_dir()?.join("postmortems"),
        &c.label,
        &c.scope,
    );
    let r = console::run(ConsoleSetup {
        postmortems,
        label: c.label,
        reader: c.reader,
        writer: c.writer,
        caps,
        parts,
        theme,
        state_dir,
        identity: c.identity,
        bell: config.bell.unwrap_or(true),
        title: config.title.unwrap_or(true),
        mouse: config.mouse.unwrap_or(true),
        low_bandwidth,
        hyperlinks: config.hyperlinks.unwrap_or(true),
    })
    .await;
    if let Some(s) = c.embedded {
        s.stop().await;
    }
    r
}

pub fn wallboard(
    rotate: std::time::Duration,
    args: crate::cli::BackendArgs,
    theme_flag: Option<String>,
) -> Result<(), CliError> {
    need_terminal("wallboard")?;
    let config = Config::load_default()?;
    let theme = load_theme(theme_flag.as_deref(), &config)?;
    super::logfile::log_to_file()?;
    super::runtime()?.block_on(async {
        let c = backend::resolve(&args, &config).await?;
        // Only the reader goes in: the wallboard cannot hold a writer.
        let Connected {
            label,
            reader,
            embedded,
            ..
        } = c;
        let r = crate::tui::wallboard::run::run(crate::tui::wallboard::run::WallboardSetup {
            label,
            reader,
            theme,
            rotate,
        })
        .await;
        if let Some(s) = embedded {
            s.stop().await;
        }
        Ok::<(), CliError>(r?)
    })?;
    Ok(())
}
