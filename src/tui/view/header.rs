//! The header: where we are connected, whether the data is live, what is
//! burning, who we are, and the time. When the backend fails it grows a
//! second line nobody can miss.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::Severity;
use crate::text::age;
use crate::text::one_line;
use crate::tui::app::App;
use crate::tui::theme::{Role, Theme};

/// From this width on the clock shows seconds.
const WIDE_CLOCK: usize = 100;
/// The backend's name is cut to fit, never below this many cells.
const BACKEND_MIN: usize = 12;
const BACKEND_MAX: usize = 40;

/// The most rows the alarm takes: enough for the fix to be read whole on
/// an 80-column terminal.
const ALARM_ROWS: usize = 3;

/// Rows the header needs at `width`: the status line, and the alarm
/// wrapped whole under it.
pub fn height(app: &App, width: u16) -> u16 {
    let alarm = alarm_text(app).map_or(0, |t| alarm_lines(&t, width).len());
    1 + alarm as u16
}

pub fn draw(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    let width = area.width as usize;
    let first = match app.replaying() {
        Some(r) => replay_line(r, theme, width),
        None => status_line(app, theme, width),
    };
    let mut lines = vec![first];
    if let Some(text) = alarm_text(app) {
        for l in alarm_lines(&text, area.width) {
            let pad = width.saturating_sub(crate::text::width(&l) + 1);
            lines.push(Line::from(Span::styled(
                format!(" {l}{}", " ".repeat(pad)),
                theme.style(Role::Stale),
            )));
        }
    }
    f.render_widget(Paragraph::new(lines), area);
}

fn alarm_lines(text: &str, width: u16) -> Vec<String> {
    let mut lines = crate::text::wrap(text, (width as usize).saturating_sub(2));
    lines.truncate(ALARM_ROWS);
    lines
}

/// The one header line: product, backend, live state, counts per
/// severity, who we are, the clock. Segments in order of importance; the
/// least important are dropped first when the terminal is narrow. The
/// clock and the live state stay.
/// While replaying, the header says so, loudly, with the moment shown
/// and the keys that move it: nobody takes a replay for the live incident.
fn replay_line<'a>(r: &crate::tui::app::replay::Replay, theme: &Theme, width: usize) -> Line<'a> {
    let moment = match (&r.state, &r.error) {
        (_, Some(e)) => format!("not read: {e}"),
        (None, None) => "reading…".to_string(),
        (Some(st), None) => format!(
            "{} UTC · event {}/{}{}",
            st.at.format("%Y-%m-%d %H:%M:%S"),
            st.seq,
            st.last_seq,
            if r.loading { " ⧗" } else { "" }
        ),
    };
    let step = if r.by_minute { "minute" } else { "phase" };
    let text = format!(
        " ⏪ REPLAY {} · Esc live · {moment} · [ ] change  {{ }} {step}  m",
        r.id
    );
    let fitted = crate::text::fit(&text, width);
    let pad = width.saturating_sub(crate::text::width(&fitted));
    Line::from(Span::styled(
        format!("{fitted}{}", " ".repeat(pad)),
        theme.style(Role::Stale),
    ))
}

fn status_line<'a>(app: &App, theme: &Theme, width: usize) -> Line<'a> {
    let head = theme.style(Role::Header);
    // Segments in order of importance; the least important are dropped
    // first when the terminal is narrow. The clock and the live state stay.
    let mut live = Vec::new();
    match (app.stale_for(), app.board.conn.last_ok) {
        // By the minute on a slow link, the age would be wrong between ticks.
        (None, Some(_)) if app.low_bandwidth => {
            live.push(Span::styled("● live ", theme.style(Role::Ok)))
        }
        (None, Some(t)) => live.push(Span::styled(
            format!("● live {} ", age(app.now - t)),
            theme.style(Role::Ok),
        )),
        (None, None) => live.push(Span::styled("○ connecting ", theme.style(Role::Warn))),
        (Some(_), _) => live.push(Span::styled("✖ STALE ", theme.style(Role::Stale))),
    }
    // A read-only profile says so next to the live state: it stays.
    if app.caps.read_only {
        live.push(Span::styled("[RO] ", theme.style(Role::Warn)));
    }
    let mut counts = Vec::new();
    for sev in Severity::ALL {
        let n = app.board.active_by_severity[sev.index()];
        if n > 0 {
            counts.push(Span::styled(format!(" {sev} {n} "), theme.sev(sev)));
            counts.push(Span::raw(" "));
        }
    }
    if counts.is_empty() && app.board.conn.last_ok.is_some() {
        counts.push(Span::styled("no active incidents ", theme.style(Role::Ok)));
    }
    let me = app
        .me
        .as_ref()
        .map(|(who, role)| {
            // A role as the backend knows it: warroom's tokens have one;
            // Alertmanager and PagerDuty have no such thing to show.
            let text = if app.caps.lifecycle {
                format!("{} ({role}) ", one_line(who, 16))
            } else {
                format!("{} ", one_line(who, 16))
            };
            vec![Span::styled(text, theme.style(Role::Muted))]
        })
        .unwrap_or_default();
    // Seconds are what a narrow header gives up first: the live mark
    // already says how fresh the data is.
    let clock = if width >= WIDE_CLOCK {
        app.now.format(" %H:%M:%S UTC ").to_string()
    } else {
        app.now.format(" %H:%M UTC ").to_string()
    };
    // (drop order, spans) in display order: the higher the number, the
    // sooner it goes. Where we are connected and whether it is live stay.
    let mut segments = vec![
        (4, vec![Span::styled(" warroom ", head), Span::raw(" ")]),
        (0, Vec::new()),
        (0, live),
        (2, counts),
        (3, me),
    ];
    let segs_width = |segs: &[(u8, Vec<Span>)]| {
        segs.iter()
            .flat_map(|(_, s)| s)
            .map(|s| s.width())
            .sum::<usize>()
    };
    // The backend's name gives way (down to a recognisable head) before
    // the counts and who we are do; the product's name goes first of all.
    let others = segs_width(&segments[2..]);
    let room = width
        .saturating_sub(others + clock.len() + 1)
        .clamp(BACKEND_MIN, BACKEND_MAX);
    segments[1].1 = vec![Span::styled(
        format!("{} ", one_line(&app.backend, room)),
        theme.style(Role::Title),
    )];
    while segs_width(&segments) + clock.len() > width {
        match segments
            .iter()
            .enumerate()
            .filter(|(_, (p, _))| *p > 0)
            .max_by_key(|(_, (p, _))| *p)
        {
            Some((i, _)) => {
                segments.remove(i);
            }
            None => break,
        }
    }
    let mut spans: Vec<Span> = segments.into_iter().flat_map(|(_, s)| s).collect();
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let pad = (width).saturating_sub(used + clock.len());
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled(clock, head));
    Line::from(spans)
}

/// The red text under it when the token is refused or the data is stale,
/// saying why and what to do.
fn alarm_text(app: &App) -> Option<String> {
    if app.board.conn.auth_refused {
        // Unmissable, and it says how to fix it: a refused token is never
        // shown as an empty war room.
        Some(
            "AUTH REFUSED: the backend does not accept this token. Set WARROOM_TOKEN, \
             pass --token-file FILE, or set token_file in the profile"
                .to_string(),
        )
    } else if let Some(stale) = app.stale_for() {
        let why = app
            .board
            .conn
            .error
            .as_deref()
            .unwrap_or("no answer from the backend");
        let since = match app.board.conn.last_ok {
            Some(t) => format!(
                "data is {} old (last good {})",
                age(stale),
                t.format("%H:%M:%S")
            ),
            None => "no data received yet".to_string(),
        };
        Some(format!(
            "STALE: {since} · retrying (:retry now) · {}",
            one_line(why, 120)
        ))
    } else {
        None
    }
}
