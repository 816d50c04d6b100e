//! Answers to what the console asked for (a postmortem written, follow-
//! ups, metrics, similar and closed incidents, users, silences, older
//! events, who we are, the policy), put where they were asked for: a
//! late answer for a dialog that has been closed is dropped.

use super::input::text_of;
use super::{App, Command, Flash, Msg, Overlay};

/// Answers about the console itself: the postmortem written, who we are,
/// the policy, older events.
pub(super) fn answer(app: &mut App, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::PostmortemWritten(id, r) => {
            if let Ok(path) = &r {
                app.postmortems.insert(id, path.clone());
            }
            app.flash = Some(match r {
                Ok(path) => Flash::info(
                    format!("Postmortem of {id} written"),
                    format!(
                        "{}\n\nThe team fills in root causes, trigger and lessons; \
                         `warroom postmortem {id}` prints it again.",
                        path.display()
                    ),
                ),
                Err(e) => Flash::error(format!("No postmortem for {id}"), e),
            });
            Vec::new()
        }
        Msg::Policy(Ok(p)) => {
            app.policy = p;
            Vec::new()
        }
        // The defaults stay; the header's due times are then the defaults'.
        Msg::Policy(Err(e)) => {
            tracing::warn!(error = %e, "cannot read the server's policy");
            Vec::new()
        }
        Msg::Whoami(Ok(me)) => {
            app.me = Some(me);
            Vec::new()
        }
        Msg::Whoami(Err(e)) => {
            app.board.failed(&e);
            Vec::new()
        }
        Msg::Older(id, Ok(page)) if page.incident == id => {
            app.merge_older(page);
            app.maybe_load_older()
        }
        Msg::Older(_, r) => {
            app.loading_older = None;
            if let Err(e) = r {
                app.board.conn.error = Some(format!("older events: {e}"));
            }
            Vec::new()
        }
        dialog => dialog_answer(app, dialog),
    }
}

/// Answers that fill a dialog, if it is still the one open.
fn dialog_answer(app: &mut App, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::FollowUps(id, r) => {
            if let Ok(list) = &r {
                if app.followups.len() >= super::FOLLOWUPS_KEPT {
                    app.followups.clear();
                }
                app.followups.insert(id, list.clone());
            }
            if let Some(Overlay::FollowUps(v)) = &mut app.overlay
                && v.id == id
            {
                v.list = Some(r.map_err(|e| e.to_string()));
            }
        }
        Msg::Stats(window, r) => {
            if let Some(Overlay::Stats {
                window: w, data, ..
            }) = &mut app.overlay
                && *w == window
            {
                *data = Some(r.map_err(|e| e.to_string()));
            }
        }
        Msg::Similar(id, r) => {
            if let Some(Overlay::Similar { id: want, list, .. }) = &mut app.overlay
                && *want == id
            {
                *list = Some(r.map_err(|e| e.to_string()));
            }
        }
        Msg::Suggested(r) => {
            if let Some(Overlay::Form(f)) = &mut app.overlay
                && f.editing.is_none()
            {
                f.suggestion = Some(r.map_err(|e| e.to_string()));
            }
        }
        Msg::Deliveries(id, r) => {
            if let Some(Overlay::Deliveries { id: want, list, .. }) = &mut app.overlay
                && *want == id
            {
                *list = Some(r.map_err(|e| e.to_string()));
            }
        }
        Msg::Closed(r) => {
            if let Some(Overlay::Closed { list, .. }) = &mut app.overlay {
                *list = Some(r.map_err(|e| e.to_string()));
            }
        }
        Msg::Users(query, r) => {
            if let Some(Overlay::Responder(f)) = &mut app.overlay {
                // Only the answer to what is typed now: answers arrive late.
                if text_of(&f.handle).trim() == query {
                    match r {
                        Ok(m) => {
                            f.matches = m;
                            f.pick = 0;
                        }
                        Err(e) => app.board.conn.error = Some(format!("user search: {e}")),
                    }
                }
            }
        }
        Msg::Silences(r) => {
            if let Some(Overlay::Silences { list, cursor }) = &mut app.overlay {
                *list = Some(r.map_err(|e| e.to_string()));
                *cursor = 0;
            }
        }
        _ => {}
    }
    Vec::new()
}
