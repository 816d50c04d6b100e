//! What an action would run for one incident: its placeholders filled from
//! the incident, refused when a value could change what the program is
//! told (an argument that starts with `-`, a NUL), and described exactly as
//! it will run, for the IC's confirmation.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::config::ActionDef;
use super::template::Template;
use crate::model::Incident;
use crate::model::runbook_action::ActionPreview;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Program {
        program: PathBuf,
        args: Vec<String>,
        /// Variable names passed on from the server's environment.
        env: Vec<String>,
    },
    Http {
        method: String,
        url: String,
        /// Names and values; the values are never shown.
        headers: Vec<(String, String)>,
        body: Option<String>,
    },
    /// A drill's action: nothing runs; its scenario's output is played.
    Simulated {
        lines: Vec<String>,
        outcome: crate::model::ActionOutcome,
    },
}

/// One placeholder's value from the incident.
fn field(inc: &Incident, name: &str) -> Result<String, String> {
    let v = match name {
        "id" => inc.id.to_string(),
        "title" => inc.title.clone(),
        "service" => inc.service.clone(),
        "severity" => inc.severity.to_string(),
        "status" => inc.status.to_string(),
        "commander" => inc.commander.clone().unwrap_or_default(),
        other => return Err(format!("unknown placeholder `{{{other}}}`")),
    };
    if v.is_empty() {
        return Err(format!(
            "the incident has no {name}, which `{{{name}}}` needs"
        ));
    }
    if v.contains('\0') {
        return Err(format!("the incident's {name} holds a NUL character"));
    }
    Ok(v)
}

/// A program argument: one argument, whatever it holds, but never one
/// that the incident's text turns into an option.
fn argument(inc: &Incident, raw: &str) -> Result<String, String> {
    let t = Template::parse(raw)?;
    let a = t.fill_with(|f| field(inc, f))?;
    if t.starts_with_field() && a.starts_with('-') {
        return Err(format!(
            "the argument `{raw}` would start with `-` (`{}`): refused, a program would read it as an option",
            crate::text::clean(&a, false)
        ));
    }
    Ok(a)
}

fn percent_encode(s: &str) -> String {
    crate::text::urlencode(s)
}

fn json_escape(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len() - 1].to_string()
}

impl Plan {
    pub fn build(def: &ActionDef, inc: &Incident) -> Result<Plan, String> {
        if let Some(program) = &def.program {
            let args = def
                .args
                .iter()
                .map(|a| argument(inc, a))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Plan::Program {
                program: program.clone(),
                args,
                env: def.env.clone(),
            });
        }
        let h = def
            .http
            .as_ref()
            .ok_or("the action has neither `program` nor `http`")?;
        let url =
            Template::parse(&h.url)?.fill_with(|f| field(inc, f).map(|v| percent_encode(&v)))?;
        let body = match &h.body {
            Some(b) => {
                Some(Template::parse(b)?.fill_with(|f| field(inc, f).map(|v| json_escape(&v)))?)
            }
            None => None,
        };
        Ok(Plan::Http {
            method: h.method.clone(),
            url,
            headers: h.headers.clone().into_iter().collect(),
            body,
        })
    }

    /// One line: exactly what runs.
    pub fn command(&self) -> String {
        match self {
            Plan::Program { program, args, .. } => std::iter::once(program.display().to_string())
                .chain(args.iter().cloned())
                .map(|a| shell_quote(&a))
                .collect::<Vec<_>>()
                .join(" "),
            Plan::Http { method, url, .. } => format!("{method} {url}"),
            Plan::Simulated { .. } => {
                "(drill) nothing runs: the scenario's output is played".into()
            }
        }
    }

    /// What else the IC should know, with no secret in it.
    pub fn details(&self) -> Vec<String> {
        match self {
            Plan::Program { env, .. } if env.is_empty() => {
                vec!["environment: none (no shell, no PATH)".into()]
            }
            Plan::Program { env, .. } => {
                vec![format!("environment: {} (from the server)", env.join(", "))]
            }
            Plan::Http { headers, body, .. } => {
                let mut d = Vec::new();
                if !headers.is_empty() {
                    let names: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
                    d.push(format!("headers: {} (values hidden)", names.join(", ")));
                }
                if let Some(b) = body {
                    d.push(format!("body: {b}"));
                }
                d
            }
            Plan::Simulated { lines, .. } => {
                vec![format!(
                    "simulated: {} line(s) of scenario output",
                    lines.len()
                )]
            }
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Plan::Program { .. } => "program",
            Plan::Http { .. } => "http",
            Plan::Simulated { .. } => "simulated",
        }
    }
}

/// What the IC is shown, and the digest they confirm with.
pub fn preview(def: &ActionDef, item: &str, plan: &Plan) -> ActionPreview {
    let command = plan.command();
    let details = plan.details();
    let mut h = Sha256::new();
    for part in [def.name.as_str(), &command, &details.join("\n")] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update(def.timeout_seconds.to_be_bytes());
    h.update([def.tick as u8]);
    // Headers are not shown but are part of what runs.
    if let Plan::Http { headers, .. } = plan {
        for (k, v) in headers {
            h.update(k.as_bytes());
            h.update(v.as_bytes());
        }
    }
    ActionPreview {
        action: def.name.clone(),
        kind: plan.kind().into(),
        item: item.into(),
        command,
        details,
        timeout_seconds: def.timeout_seconds,
        ticks_item: def.tick,
        digest: hex::encode(&h.finalize()[..12]),
        running: None,
    }
}

/// An argument as a POSIX shell would need it quoted, so what the IC reads
/// is unambiguous (it is not run through a shell).
pub fn shell_quote(a: &str) -> String {
    let plain = !a.is_empty()
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        a.to_string()
    } else if a.chars().any(hidden) {
        ansi_c_quote(a)
    } else {
        format!("'{}'", a.replace('\'', "'\\''"))
    }
}

/// A character a terminal would not show as itself: a control (C0, DEL,
/// C1), a bidi control, a zero-width or other invisible format character,
/// a line or paragraph separator.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}'
            | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}')
}

/// Bash's ANSI-C quoting (`$'…'`), every hidden character written as an
/// escape (`\x1b`, `\u200b`): what "It runs exactly:" shows is exactly
/// the argument, in printable ASCII a terminal cannot alter, and pasting
/// it into bash gives the same bytes.
fn ansi_c_quote(a: &str) -> String {
    let mut out = String::from("$'");
    for c in a.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c if (c as u32) < 0x80 && hidden(c) => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if hidden(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_shown_exactly() {
        assert_eq!(shell_quote("db\u{200B}-01"), "$'db\\u200b-01'");
        assert_eq!(shell_quote("a\u{1b}[2Jb"), "$'a\\x1b[2Jb'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("x\u{202E}y'z"), "$'x\\u202ey\\'z'");
        // The preview survives the console's cleaner unchanged.
        let q = shell_quote("a\u{1b}b\u{2060}c\u{9b}");
        assert_eq!(crate::text::clean(&q, false), q.as_str());
    }
    use crate::model::{IncidentId, Severity, Status};

    fn incident(service: &str) -> Incident {
        let now = chrono::Utc::now();
        Incident {
            id: IncidentId(42),
            title: "Checkout down".into(),
            summary: String::new(),
            service: service.into(),
            severity: Severity::Sev1,
            status: Status::Investigating,
            commander: None,
            tags: vec![],
            declared_at: now,
            updated_at: now,
            status_times: Default::default(),
            last_stakeholder_update_at: None,
            version: 1,
            last_seq: 1,
            summary_cut: false,
            impact_started_at: None,
            state_counts: Default::default(),
            public: None,
            drill: None,
            alert_group: None,
            linked: Vec::new(),
            silenced: None,
            review: None,
            updates_sent: 0,
        }
    }

    fn program(args: &[&str]) -> ActionDef {
        ActionDef {
            name: "restart".into(),
            program: Some("/bin/echo".into()),
            args: args.iter().map(|a| a.to_string()).collect(),
            timeout_seconds: 5,
            ..ActionDef::default()
        }
    }

    #[test]
    fn each_placeholder_is_one_argument_and_the_command_reads_as_it_runs() {
        let inc = incident("check out; rm -rf /");
        let p = Plan::build(&program(&["restart", "deploy/{service}", "{id}"]), &inc).unwrap();
        let Plan::Program { args, .. } = &p else {
            panic!()
        };
        assert_eq!(args, &["restart", "deploy/check out; rm -rf /", "INC-42"]);
        assert_eq!(
            p.command(),
            "/bin/echo restart 'deploy/check out; rm -rf /' INC-42"
        );
    }

    #[test]
    fn a_value_that_would_become_an_option_or_is_missing_is_refused() {
        let inc = incident("--delete-everything");
        let e = Plan::build(&program(&["{service}"]), &inc).unwrap_err();
        assert!(e.contains("start with `-`"), "{e}");
        // After a literal it is only text.
        assert!(Plan::build(&program(&["--service={service}"]), &inc).is_ok());
        let e = Plan::build(&program(&["{commander}"]), &inc).unwrap_err();
        assert!(e.contains("no commander"), "{e}");
        let e = Plan::build(&program(&["{service}"]), &incident("a\0b")).unwrap_err();
        assert!(e.contains("NUL"), "{e}");
    }

    #[test]
    fn http_placeholders_are_encoded_and_header_values_never_shown() {
        let def = ActionDef {
            name: "purge".into(),
            http: Some(super::super::config::HttpDef {
                method: "POST".into(),
                url: "https://cdn.example/purge?s={service}".into(),
                headers: [("Authorization".to_string(), "Bearer SECRET".to_string())].into(),
                // Literal braces are doubled, as in the URL and arguments.
                body: Some("{{\"title\": \"{title}\"}}".into()),
            }),
            timeout_seconds: 5,
            ..ActionDef::default()
        };
        let mut inc = incident("a b&c");
        inc.title = "say \"hi\"".into();
        let p = Plan::build(&def, &inc).unwrap();
        assert_eq!(p.command(), "POST https://cdn.example/purge?s=a%20b%26c");
        let pv = preview(&def, "Purge", &p);
        let all = format!("{pv:?}");
        assert!(!all.contains("SECRET"), "{all}");
        assert!(pv.details.iter().any(|d| d.contains("Authorization")));
        assert!(
            pv.details.iter().any(|d| d.contains(r#""say \"hi\"""#)),
            "{:?}",
            pv.details
        );
    }

    #[test]
    fn the_digest_changes_when_what_runs_changes() {
        let def = program(&["{service}"]);
        let a = preview(
            &def,
            "x",
            &Plan::build(&def, &incident("checkout")).unwrap(),
        );
        let b = preview(
            &def,
            "x",
            &Plan::build(&def, &incident("payments")).unwrap(),
        );
        assert_ne!(a.digest, b.digest);
        let a2 = preview(
            &def,
            "x",
            &Plan::build(&def, &incident("checkout")).unwrap(),
        );
        assert_eq!(a.digest, a2.digest);
    }
}
