//! The terminal, always given back: on quit, on error (a Drop guard), on
//! panic (a hook restores before the message prints), and on SIGTERM /
//! SIGHUP (the event loop stops and the guard drops).

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::crossterm::{execute, queue};

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

impl TerminalGuard {
    /// Draws one frame inside synchronized-update brackets (`CSI ? 2026 h`
    /// … `l`): a terminal that knows them shows the frame whole, so a slow
    /// SSH link never shows half of one; others ignore the brackets.
    pub fn draw(&mut self, render: impl FnOnce(&mut ratatui::Frame)) -> std::io::Result<()> {
        queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        let drawn = self.terminal.draw(render).map(|_| ());
        // Closed even when the frame failed: a terminal must never be left
        // holding its output back.
        execute!(self.terminal.backend_mut(), EndSynchronizedUpdate)?;
        drawn
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
