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
    /// OSC 8 links over the frames (the screen says which URLs).
    links: super::links::Overlay,
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
        Ok(TerminalGuard {
            terminal,
            mouse,
            links: Default::default(),
        })
    }
}

impl TerminalGuard {
    /// Draws one frame inside synchronized-update brackets (`CSI ? 2026 h`
    /// … `l`): a terminal that knows them shows the frame whole, so a slow
    /// SSH link never shows half of one; others ignore the brackets.
    /// The URLs in `known` that the frame shows whole become links.
    pub fn draw(
        &mut self,
        render: impl FnOnce(&mut ratatui::Frame),
        known: &[String],
    ) -> std::io::Result<()> {
        queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        let drawn = match self.terminal.draw(render) {
            Ok(done) => {
                let fresh = self.links.changed(done.buffer, known);
                super::links::write_links(self.terminal.backend_mut(), &fresh)
            }
            Err(e) => Err(e),
        };
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
