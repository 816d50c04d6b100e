use crate::cli::ConsoleArgs;
use crate::config::Config;
use crate::server::DbLocation;
use crate::tui::console::{self, ConsoleSetup};
use crate::tui::theme::Theme;

use super::backend::{self, Connected};

pub fn load_theme(flag: Option<&str>, config: &Config) -> Result<Theme, String> {
    let name = flag
        .map(str::to_string)
        .or_else(|| config.theme.clone())
        .unwrap_or_else(|| "default".into());
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Theme::load(
        &name,
        Some(&crate::paths::config_dir().join("themes")),
        no_color,
    )
}

/// Logs go to a file: nothing may print while the TUI owns the terminal.
pub fn log_to_file() -> Result<std::path::PathBuf, String> {
    let dir = crate::paths::state_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join("warroom.log");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("cannot open the log {}: {e}", path.display()))?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WARROOM_LOG")
                .unwrap_or_else(|_| "warroom=info".into()),
        )
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init();
    Ok(path)
}

pub fn run(args: ConsoleArgs) -> Result<(), String> {
    let config = Config::load(&Config::path())?;
    let theme = load_theme(args.theme.as_deref(), &config)?;
    log_to_file()?;
    super::runtime()?.block_on(async {
        let c = backend::resolve(&args.backend, &config).await?;
        open(c, theme).await
    })
}

pub fn demo(theme_flag: Option<String>) -> Result<(), String> {
    let config = Config::load(&Config::path())?;
    let theme = load_theme(theme_flag.as_deref(), &config)?;
    log_to_file()?;
    super::runtime()?.block_on(async {
        let c = backend::embedded(DbLocation::Memory, true, "DEMO").await?;
        open(c, theme).await
    })
}

async fn open(c: Connected, theme: Theme) -> Result<(), String> {
    let state_dir = crate::paths::state_dir().join(&c.scope);
    let caps = c.reader.capabilities();
    let r = console::run(ConsoleSetup {
        label: c.label,
        reader: c.reader,
        writer: c.writer,
        caps,
        theme,
        state_dir,
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
) -> Result<(), String> {
    let config = Config::load(&Config::path())?;
    let theme = load_theme(theme_flag.as_deref(), &config)?;
    log_to_file()?;
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
        r
    })
}
