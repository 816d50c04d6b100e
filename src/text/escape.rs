//! Text on its way out of warroom, escaped for where it lands. The
//! terminal has [`super::clean`]; this file holds the other destinations
//! whose markup could let a field act instead of being read.

use super::clean;

/// One field of a Slack message (`mrkdwn`; Mattermost's Slack-compatible
/// hooks read the same): one line, `&`, `<` and `>` escaped as Slack's
/// message formatting asks, so `<!channel>`, `<!here>`, `<!subteam^…>`
/// and `<https://evil.example|runbook>` arrive as text, and an `@` that
/// starts a word is followed by a zero-width space so `@channel` or
/// `@here` can never notify anyone. Control characters are shown, not sent.
pub fn slack(s: &str) -> String {
    let line = clean(s, false);
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("@\u{200B}"),
            c => out.push(c),
        }
    }
    out
}

/// One field of a Mattermost message: everything [`slack`] does, and
/// Markdown's active characters backslash-escaped, since Mattermost renders
/// Markdown (a `[runbook](https://evil.example)` would be a disguised link,
/// `# …` a headline).
pub fn mattermost(s: &str) -> String {
    let escaped = slack(s);
    let mut out = String::with_capacity(escaped.len() + 8);
    for c in escaped.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '(' | ')' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text in an HTML or XML document (an element's text or a quoted
/// attribute): the five characters markup acts on become entities, so a
/// `<script>` arrives as text; control characters are shown, line breaks
/// kept when `keep_newlines`.
pub fn html(s: &str, keep_newlines: bool) -> String {
    let t = clean(s, keep_newlines);
    let mut out = String::with_capacity(t.len() + 16);
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One field of a Microsoft Teams message (an Adaptive Card's
/// `TextBlock`, which renders a Markdown subset and `{{DATE(…)}}`
/// functions): one line, Markdown's active characters backslash-escaped,
/// a `{{` broken so no function runs, and an `@` that starts a word
/// followed by a zero-width space (as in [`slack`]).
pub fn teams(s: &str) -> String {
    let line = clean(s, false);
    let mut out = String::with_capacity(line.len() + 8);
    let mut prev = ' ';
    for c in line.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '(' | ')' | '#' | '|' | '<' | '>' | '!'
            | '-' | '+' => {
                out.push('\\');
                out.push(c);
            }
            '{' if prev == '{' => out.push_str("\u{200B}{"),
            '@' => out.push_str("@\u{200B}"),
            c => out.push(c),
        }
        prev = c;
    }
    out
}

/// An e-mail header's text (a subject): one line, control characters
/// shown, so a field can never end the header and start another (the
/// mail library encodes what is not ASCII).
pub fn mail_header(s: &str, max: usize) -> String {
    super::one_line(s, max)
}

/// A serialized JSON document with every character a terminal could act
/// on written as a `\uXXXX` escape: DEL, the C1 controls (U+0080–U+009F,
/// CSI among them), bidi controls, line and paragraph separators and
/// invisible characters. `serde_json` escapes only C0, and these can only
/// stand inside strings, so the result is the same JSON value. Applying it
/// twice changes nothing, so a server and a client give the same bytes.
pub fn json_document(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        let u = c as u32;
        let risky = u == 0x7f
            || (0x80..=0x9f).contains(&u)
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}' | '\u{180E}');
        if risky {
            out.push_str(&format!("\\u{u:04x}"));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_mentions_and_links_arrive_as_text() {
        for hostile in [
            "<!channel>",
            "<!here>",
            "<!subteam^S012345>",
            "<https://evil.example|runbook>",
            "<@U024BE7LH>",
        ] {
            let out = slack(hostile);
            assert!(!out.contains('<') && !out.contains('>'), "{out}");
        }
        assert_eq!(slack("a & b < c"), "a &amp; b &lt; c");
        assert_eq!(slack("ping @channel now"), "ping @\u{200B}channel now");
    }

    #[test]
    fn one_line_and_no_raw_controls() {
        let out = slack("first\nsecond\r\n\u{1b}[2Jthird\u{2028}x");
        assert!(!out.contains('\n') && !out.contains('\r') && !out.contains('\u{1b}'));
        assert!(!out.contains('\u{2028}'), "{out}");
    }

    #[test]
    fn json_documents_carry_no_raw_terminal_controls() {
        let v = serde_json::json!({"note": "a\u{9b}31m b\u{202E}c\u{2028}d\u{7f}\u{1b}[2J"});
        let raw = serde_json::to_string(&v).unwrap();
        let safe = json_document(&raw);
        assert!(safe.chars().all(|c| (' '..='~').contains(&c)), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), v);
        assert_eq!(json_document(&safe), safe, "idempotent");
    }

    #[test]
    fn mattermost_markdown_is_inert() {
        let out = mattermost("[runbook](https://evil.example) **bold** # head");
        assert_eq!(
            out,
            "\\[runbook\\]\\(https://evil.example\\) \\*\\*bold\\*\\* \\# head"
        );
        assert!(!mattermost("<!channel>").contains('<'));
    }
}
