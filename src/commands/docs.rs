//! The documentation the binary carries: man pages (`warroom man`) with
//! the sections a man page owes its reader (FILES, ENVIRONMENT, EXIT
//! STATUS), one page per command so every page a page names exists.

use std::path::Path;

use super::outcome::{CliError, out};

/// FILES, ENVIRONMENT and EXIT STATUS, in roff, for the main page.
const SECTIONS: &str = r#".SH FILES
.TP
\fI~/.config/warroom/config.toml\fR
Profiles (\fB[profiles.NAME]\fR: kind, url, token_file or token_env, read_only),
\fBdefault_profile\fR, theme, bell, mouse, hyperlinks, low_bandwidth.
.TP
\fI~/.config/warroom/themes/\fR
Colour themes by name (\fB\-\-theme NAME\fR).
.TP
\fI~/.local/share/warroom/warroom.db\fR
The local war room (SQLite), used when no server or profile is named.
.TP
\fI~/.local/share/warroom/postmortems/\fR
Postmortem drafts written by the console (\fBP\fR), a folder per backend.
.TP
\fI~/.local/state/warroom/\fR
The outbox of writes not yet delivered, note drafts, and \fIwarroom.log\fR
(the console's log: nothing is printed while it runs).
.PP
Every file and folder warroom creates is private (0600, 0700). The XDG variables below move them.
.SH ENVIRONMENT
.TP
\fBWARROOM_TOKEN\fR
The API token when no \fB\-\-token\-file\fR is given.
.TP
\fBWARROOM_TIMEOUT\fR
The longest a one\-shot command may take (\fB\-\-timeout\fR), e.g. 10s; default 60s.
.TP
\fBWARROOM_PLAIN\fR
1: the line console for screen readers (\fB\-\-plain\fR).
.TP
\fBWARROOM_LOW_BANDWIDTH\fR
1: fewer, smaller frames for a slow link (\fB\-\-low\-bandwidth\fR).
.TP
\fBNO_COLOR\fR
Set and not empty: no colours.
.TP
\fBXDG_CONFIG_HOME\fR, \fBXDG_DATA_HOME\fR, \fBXDG_STATE_HOME\fR
Where the files above live.
.SH "EXIT STATUS"
.TP
\fB0\fR
Done.
.TP
\fB1\fR
Anything else went wrong; the message says what.
.TP
\fB2\fR
The command line or the configuration is wrong (an unknown flag, a bad id,
no backend configured, a token file others can read, a read\-only profile asked to write).
.TP
\fB3\fR
Not found.
.TP
\fB4\fR
The backend refused the credentials.
.TP
\fB5\fR
The backend is unreachable or did not answer within \fB\-\-timeout\fR.
.TP
\fB6\fR
Conflict: someone changed the incident first, or its state refuses the action.
.SH "SEE ALSO"
Every command has its own page: \fBwarroom\-list\fR(1), \fBwarroom\-drill\fR(1), and so on
(\fBwarroom man \-\-dir DIR\fR writes them all).
"#;

/// The main page: clap's sections, then ours.
fn main_page(cmd: clap::Command) -> Result<Vec<u8>, String> {
    let man = clap_mangen::Man::new(cmd);
    let mut buf = Vec::new();
    let fail = |e: std::io::Error| e.to_string();
    man.render_title(&mut buf).map_err(fail)?;
    man.render_name_section(&mut buf).map_err(fail)?;
    man.render_synopsis_section(&mut buf).map_err(fail)?;
    man.render_description_section(&mut buf).map_err(fail)?;
    man.render_options_section(&mut buf).map_err(fail)?;
    man.render_subcommands_section(&mut buf).map_err(fail)?;
    buf.extend_from_slice(SECTIONS.as_bytes());
    man.render_version_section(&mut buf).map_err(fail)?;
    Ok(buf)
}

/// Every page: `(file name, roff)`, the main one first.
pub fn pages() -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut cmd = crate::cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut all = vec![("warroom.1".to_string(), main_page(cmd.clone())?)];
    fn walk(cmd: &clap::Command, all: &mut Vec<(String, Vec<u8>)>) -> Result<(), String> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let man = clap_mangen::Man::new(sub.clone());
            let mut buf = Vec::new();
            man.render(&mut buf).map_err(|e| e.to_string())?;
            buf.extend_from_slice(b".SH \"SEE ALSO\"\n\\fBwarroom\\fR(1)\n");
            all.push((man.get_filename(), buf));
            walk(sub, all)?;
        }
        Ok(())
    }
    walk(&cmd, &mut all)?;
    Ok(all)
}

/// `warroom man [--dir DIR]`.
pub fn man(dir: Option<&Path>) -> Result<(), CliError> {
    let pages = pages()?;
    let Some(dir) = dir else {
        out(String::from_utf8_lossy(&pages[0].1).trim_end());
        return Ok(());
    };
    if !dir.exists() {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::from(format!("cannot create {}: {e}", dir.display())))?;
    }
    for (name, roff) in &pages {
        crate::private_fs::write_atomic(dir, name, roff, false).map_err(|e| {
            CliError::from(format!("cannot write {}: {e}", dir.join(name).display()))
        })?;
    }
    eprintln!(
        "warroom: {} man pages written to {} (earlier ones replaced): man warroom",
        pages.len(),
        dir.display()
    );
    Ok(())
}
