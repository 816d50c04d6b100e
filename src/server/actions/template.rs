//! Placeholders in an action's arguments, URL and body: `{service}` and the
//! like, filled only from the incident's own fields; `{{` and `}}` are
//! literal braces.

/// The incident fields a placeholder may name.
pub const PLACEHOLDERS: &[&str] = &["id", "title", "service", "severity", "status", "commander"];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Field(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template(Vec<Part>);

impl Template {
    pub fn parse(s: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    let field = PLACEHOLDERS.iter().find(|p| **p == name).ok_or_else(|| {
                        format!(
                            "unknown placeholder `{{{name}}}` (known: {})",
                            PLACEHOLDERS
                                .iter()
                                .map(|p| format!("{{{p}}}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })?;
                    if !lit.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut lit)));
                    }
                    parts.push(Part::Field(field));
                }
                '}' => return Err("a lone `}` (write `}}` for a brace)".into()),
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Literal(lit));
        }
        Ok(Template(parts))
    }

    /// Whether the text starts with a placeholder (so the incident, not the
    /// config, decides its first character).
    pub fn starts_with_field(&self) -> bool {
        matches!(self.0.first(), Some(Part::Field(_)))
    }

    /// The text with each placeholder replaced by `value(name)`.
    pub fn fill_with(
        &self,
        mut value: impl FnMut(&str) -> Result<String, String>,
    ) -> Result<String, String> {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Part::Literal(l) => out.push_str(l),
                Part::Field(f) => out.push_str(&value(f)?),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_braces_and_unknown_names() {
        let t = Template::parse("deploy/{service}-{{x}}").unwrap();
        let filled = t.fill_with(|f| Ok(format!("<{f}>"))).unwrap();
        assert_eq!(filled, "deploy/<service>-{x}");
        assert!(!t.starts_with_field());
        assert!(Template::parse("{service}").unwrap().starts_with_field());
        let e = Template::parse("{hostname}").unwrap_err();
        assert!(e.contains("{hostname}") && e.contains("{service}"), "{e}");
        assert!(Template::parse("a}b").is_err());
    }
}
