//! The commands a person types in the line console: one per line, the
//! incident first after the verb, as the CLI takes them.

use crate::model::{IncidentId, Severity};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    Help,
    List,
    Show(IncidentId),
    Ack(IncidentId),
    Note(IncidentId, String),
    Update(IncidentId, String),
    /// To the next phase; `force` with the reason leaves open items open.
    Advance {
        id: IncidentId,
        force: Option<String>,
    },
    Severity(IncidentId, Severity),
    /// Tick item N (from 1) of the current phase's checklist.
    Tick(IncidentId, usize),
    Quit,
}

pub const HELP: &[&str] = &[
    "list                      the active incidents",
    "show INC-7                one incident: where it stands and its last entries",
    "ack INC-7                 acknowledge",
    "note INC-7 TEXT           a note on the timeline",
    "update INC-7 TEXT         an internal stakeholder update",
    "advance INC-7             to the next phase (asks first if items are open)",
    "advance INC-7 force WHY   to the next phase, leaving open items open (recorded)",
    "severity INC-7 SEV1       change the severity",
    "tick INC-7 2              tick item 2 of the current phase's checklist (show lists them)",
    "quit                      leave (writes not yet sent stay in the outbox)",
];

/// The command on a typed line, or why it is not one.
pub fn parse(line: &str) -> Result<Option<Typed>, String> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(None);
    }
    let (verb, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    let (first, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let text = text.trim().to_string();
    let id = || -> Result<IncidentId, String> {
        if first.is_empty() {
            return Err(format!("{verb} needs an incident, e.g. `{verb} INC-7`"));
        }
        first
            .parse()
            .map_err(|e: crate::model::ParseIdError| e.to_string())
    };
    let needs_text = |t: String| {
        if t.is_empty() {
            Err(format!(
                "{verb} needs text, e.g. `{verb} INC-7 rolled back`"
            ))
        } else {
            Ok(t)
        }
    };
    Ok(Some(match verb.to_ascii_lowercase().as_str() {
        "help" | "?" => Typed::Help,
        "list" | "ls" => Typed::List,
        "quit" | "exit" | "q" => Typed::Quit,
        "show" => Typed::Show(id()?),
        "ack" => Typed::Ack(id()?),
        "note" => Typed::Note(id()?, needs_text(text)?),
        "update" => Typed::Update(id()?, needs_text(text)?),
        "advance" => {
            let force = match text.split_once(char::is_whitespace) {
                Some((f, why)) if f.eq_ignore_ascii_case("force") && !why.trim().is_empty() => {
                    Some(why.trim().to_string())
                }
                _ if text.eq_ignore_ascii_case("force") => {
                    return Err(
                        "advance … force needs why, e.g. `advance INC-7 force bridge agreed`"
                            .into(),
                    );
                }
                _ if text.is_empty() => None,
                _ => {
                    return Err(format!(
                        "advance takes an incident, then `force WHY`; not `{text}`"
                    ));
                }
            };
            Typed::Advance { id: id()?, force }
        }
        "tick" => Typed::Tick(
            id()?,
            text.parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or("tick needs the item's number, e.g. `tick INC-7 2` (show lists them)")?,
        ),
        "severity" | "sev" => Typed::Severity(id()?, text.parse().map_err(|e: String| e)?),
        _ => return Err(format!("`{verb}` is not a command; `help` lists them")),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_lines_become_commands_and_mistakes_say_what_to_type() {
        let id = IncidentId(7);
        assert_eq!(
            parse("  note INC-7  rolled back  ").unwrap(),
            Some(Typed::Note(id, "rolled back".into()))
        );
        assert_eq!(
            parse("advance inc-7").unwrap(),
            Some(Typed::Advance { id, force: None })
        );
        assert_eq!(
            parse("advance INC-7 force bridge agreed").unwrap(),
            Some(Typed::Advance {
                id,
                force: Some("bridge agreed".into())
            })
        );
        assert_eq!(parse("").unwrap(), None);
        assert!(
            parse("advance INC-7 force")
                .unwrap_err()
                .contains("needs why")
        );
        assert!(parse("note INC-7").unwrap_err().contains("needs text"));
        assert!(parse("ack").unwrap_err().contains("needs an incident"));
        assert!(parse("frobnicate").unwrap_err().contains("help"));
        assert!(parse("severity INC-7 SEV9").is_err());
    }
}
