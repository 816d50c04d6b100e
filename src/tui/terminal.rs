//! The terminal, always given back: on quit, on error (a Drop guard), on
//! panic (ratatui's hook restores before the message prints), and on
//! SIGTERM / SIGHUP (the event loop stops and the guard drops).

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;

pub struct TerminalGuard {
    pub terminal: DefaultTerminal,
}

impl TerminalGuard {
    pub fn enter() -> std::io::Result<TerminalGuard> {
        // Installs a panic hook that restores the terminal first.
        let terminal = ratatui::try_init()?;
        // Pasted text arrives as one event instead of as keystrokes that
        // could trigger commands.
        let _ = execute!(std::io::stdout(), EnableBracketedPaste);
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(std::io::stdout(), DisableBracketedPaste);
        ratatui::restore();
    }
}
