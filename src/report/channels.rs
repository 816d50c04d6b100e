//! How a notification reads where it lands: one renderer per channel
//! (Slack, Mattermost, Microsoft Teams, e-mail), each escaping every field
//! from outside for its own markup. The server's senders and the console's
//! preview of an update use the same functions, so what the IC previews
//! is what is sent.

use serde_json::{Value, json};

use crate::model::notification::{Payload, Subject};
use crate::model::{EventKind, Incident, TimelineEvent};
use crate::text::escape;

/// Characters of an event's text a notification carries, at most.
pub const MAX_PAYLOAD_TEXT: usize = 2_000;

/// What a delivery of `e` carries: the event in words and the incident
/// as it is now.
pub fn payload(subject: Subject, inc: &Incident, e: &TimelineEvent) -> Payload {
    Payload {
        subject,
        incident: inc.id.to_string(),
        title: inc.title.clone(),
        severity: inc.severity,
        status: inc.status,
        service: inc.service.clone(),
        commander: inc.commander.clone(),
        text: crate::text::one_line(&e.kind.describe(), MAX_PAYLOAD_TEXT),
        seq: e.seq,
        at: e.at,
        by: e.author.clone(),
        paged: match &e.kind {
            EventKind::Responder { handle, .. } if subject == Subject::ResponderPaged => {
                Some(handle.clone())
            }
            _ => None,
        },
        audience: match &e.kind {
            EventKind::StakeholderUpdate { audience, .. } => Some(*audience),
            _ => None,
        },
    }
}

/// The chat markups that take one line of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chat {
    Slack,
    Mattermost,
}

/// One line for a chat channel, every field from outside escaped for the
/// channel's markup: a title, service or update text can never mention a
/// channel, make a link or start a second line.
pub fn chat_line(p: &Payload, chat: Chat) -> String {
    let esc: fn(&str) -> String = match chat {
        Chat::Mattermost => escape::mattermost,
        Chat::Slack => escape::slack,
    };
    format!(
        "[{}] {} {} ({}): {} — by {}",
        p.severity,
        p.incident,
        esc(&p.title),
        esc(&p.service),
        esc(&p.text),
        esc(&p.by)
    )
}

/// The lines of a Teams message, each already escaped (the card's first
/// line is its headline).
fn teams_lines(p: &Payload) -> [String; 3] {
    [
        format!("{} {} {}", p.severity, p.incident, escape::teams(&p.title)),
        escape::teams(&p.text),
        format!(
            "{} · {} · by {}",
            escape::teams(&p.service),
            p.status,
            escape::teams(&p.by)
        ),
    ]
}

/// A Microsoft Teams incoming-webhook message (a Workflows webhook): an
/// Adaptive Card of three text blocks.
pub fn teams_message(p: &Payload) -> Value {
    let [head, text, foot] = teams_lines(p);
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": [
                    { "type": "TextBlock", "text": head, "weight": "Bolder", "wrap": true },
                    { "type": "TextBlock", "text": text, "wrap": true },
                    { "type": "TextBlock", "text": foot, "isSubtle": true, "wrap": true }
                ]
            }
        }]
    })
}

/// An e-mail: a one-line subject (never a second header), a plain-text
/// body and the same as HTML with every field escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Characters of an e-mail subject, at most.
pub const MAX_SUBJECT: usize = 200;

pub fn email(p: &Payload) -> Email {
    let what = match p.subject {
        Subject::StakeholderUpdate => match p.audience {
            Some(crate::model::wire::Audience::Public) => "update",
            _ => "internal update",
        },
        _ => "incident",
    };
    let subject = escape::mail_header(
        &format!("[{}] {} {}: {}", p.severity, p.incident, what, p.title),
        MAX_SUBJECT,
    );
    let when = p.at.format("%Y-%m-%d %H:%M UTC");
    let facts = [
        ("Incident", format!("{} — {}", p.incident, p.title)),
        ("Severity", p.severity.to_string()),
        ("Status", p.status.to_string()),
        ("Service", p.service.clone()),
        ("When", format!("{when}, by {}", p.by)),
    ];
    let body = crate::text::clean(&p.text, true);
    let mut text = format!("{body}\n\n");
    let mut html = format!(
        "<!DOCTYPE html><html><body><p style=\"white-space:pre-wrap\">{}</p><table>",
        escape::html(&p.text, true)
    );
    for (k, v) in &facts {
        text.push_str(&format!("{k}: {}\n", crate::text::one_line(v, 500)));
        html.push_str(&format!(
            "<tr><th align=\"left\">{k}</th><td>{}</td></tr>",
            escape::html(v, false)
        ));
    }
    html.push_str("</table></body></html>");
    Email {
        subject,
        text,
        html,
    }
}

/// An update as each kind of channel will show it, for the IC to read
/// before it is sent: `(channel, text)`.
pub fn preview(p: &Payload) -> Vec<(&'static str, String)> {
    let mail = email(p);
    vec![
        ("Slack", chat_line(p, Chat::Slack)),
        ("Mattermost", chat_line(p, Chat::Mattermost)),
        ("Teams", teams_lines(p).join("\n")),
        (
            "E-mail",
            format!("Subject: {}\n\n{}", mail.subject, mail.text),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::wire::Audience;

    fn hostile() -> Payload {
        Payload {
            subject: Subject::StakeholderUpdate,
            incident: "INC-7".into(),
            title: "<!channel> [click](https://evil.example)\r\nBcc: all@corp".into(),
            severity: crate::model::Severity::Sev1,
            status: crate::model::Status::Investigating,
            service: "api{{DATE(2017-02-14T06:08:39Z, SHORT)}}".into(),
            commander: None,
            text: "<script>alert(1)</script> @here **now**".into(),
            seq: 3,
            at: chrono::Utc::now(),
            by: "mallory".into(),
            paged: None,
            audience: Some(Audience::Public),
        }
    }

    #[test]
    fn every_channel_shows_hostile_text_as_text() {
        let p = hostile();
        let slack = chat_line(&p, Chat::Slack);
        assert!(!slack.contains("<!channel>") && slack.contains("&lt;!channel&gt;"));
        assert!(!slack.contains("@here") && !slack.contains('\n'), "{slack}");
        let teams = teams_message(&p).to_string();
        assert!(!teams.contains("{{DATE"), "{teams}");
        assert!(teams.contains(r"\\[click\\]"), "{teams}");
        assert!(!teams.contains("@here"), "{teams}");
        let mail = email(&p);
        assert!(
            !mail.subject.contains('\n') && !mail.subject.contains('\r'),
            "{:?}",
            mail.subject
        );
        assert!(!mail.html.contains("<script>"), "{}", mail.html);
        assert!(mail.html.contains("&lt;script&gt;"), "{}", mail.html);
        assert!(
            mail.text.contains("<script>alert(1)</script>"),
            "plain text stays as written"
        );
    }
}
