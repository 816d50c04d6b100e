//! The terminal, always given back: on quit, on error (a Drop guard), on
//! panic (a hook restores before the message prints), and on SIGTERM /
//! SIGHUP (the event loop stops and the guard drops).

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;

pub struct TerminalGuard {
    pub terminal: DefaultTerminal,
    mouse: bool,
}

impl TerminalGuard {
    pub fn enter(mouse: bool) -> std::io::Result<TerminalGuard> {
        // Installs a panic hook that restores the terminal first.
        let terminal = ratatui::try_init()?;
        // Pasted text arrives as one event instead of as keystrokes that
        // could trigger commands.
        let _ = execute!(std::io::stdout(), EnableBracketedPaste);
        if mouse {
            let _ = execute!(std::io::stdout(), EnableMouseCapture);
            // ratatui's hook does not know about mouse reporting: a panic
            // must not leave the shell receiving escape codes on each click.
            let restore = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                let _ = execute!(std::io::stdout(), DisableMouseCapture);
                restore(info);
            }));
        }
        Ok(TerminalGuard { terminal, mouse })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if self.mouse {
            let _ = execute!(std::io::stdout(), DisableMouseCapture);
        }
        let _ = execute!(std::io::stdout(), DisableBracketedPaste);
        ratatui::restore();
    }
}
