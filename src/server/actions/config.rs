//! `[[actions]]` in the server config: the allowlist of what runbook items
//! may run. Nothing that is not written here can run, and every argument
//! is fixed except for placeholders filled from the incident.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use super::template::Template;

/// At most this many actions in one config.
pub const MAX_ACTIONS: usize = 200;
/// At most this many arguments to one program.
pub const MAX_ARGS: usize = 64;
/// The longest timeout an action may have: an hour.
pub const MAX_TIMEOUT_SECONDS: u64 = 3_600;
const DEFAULT_TIMEOUT_SECONDS: u64 = 60;

#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionDef {
    /// What runbook items name (`action = "…"`), and the timeline shows.
    pub name: String,
    /// A program to run, by absolute path; never through a shell.
    #[serde(default)]
    pub program: Option<PathBuf>,
    /// Its arguments, each one argument whatever a placeholder holds.
    #[serde(default)]
    pub args: Vec<String>,
    /// Names of the server's environment variables passed on; the program
    /// gets no other environment.
    #[serde(default)]
    pub env: Vec<String>,
    /// Or an HTTP request.
    #[serde(default)]
    pub http: Option<HttpDef>,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// A success ticks the checklist item.
    #[serde(default)]
    pub tick: bool,
}

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_SECONDS
}

#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpDef {
    #[serde(default = "default_method")]
    pub method: String,
    /// Placeholders in it are percent-encoded.
    pub url: String,
    /// Values are secrets (tokens): never shown, logged or answered.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Placeholders in it are escaped as inside a JSON string.
    #[serde(default)]
    pub body: Option<String>,
}

fn default_method() -> String {
    "POST".into()
}

/// Header values and URLs may hold tokens: a `Debug` print (a log line, a
/// panic message) shows the shape only.
impl std::fmt::Debug for ActionDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionDef")
            .field("name", &self.name)
            .field("program", &self.program)
            .field("args", &self.args)
            .field("env", &self.env)
            .field("http", &self.http.as_ref().map(|h| h.method.as_str()))
            .field("timeout_seconds", &self.timeout_seconds)
            .finish()
    }
}

impl ActionDef {
    /// Everything wrong with the definition, in words naming it; the
    /// server does not start with a wrong one.
    pub fn check(&self) -> Result<(), String> {
        let name = &self.name;
        if name.trim().is_empty() || name.chars().count() > 100 {
            return Err("an action needs a `name` of 1 to 100 characters".into());
        }
        let fail = |why: String| Err(format!("action `{name}`: {why}"));
        if !(1..=MAX_TIMEOUT_SECONDS).contains(&self.timeout_seconds) {
            return fail(format!("timeout_seconds must be 1..={MAX_TIMEOUT_SECONDS}"));
        }
        match (&self.program, &self.http) {
            (Some(_), Some(_)) => fail("set `program` or `http`, not both".into()),
            (None, None) => fail("set `program` (a path) or `http` (a request)".into()),
            (Some(p), None) => self.check_program(p).or_else(&fail),
            (None, Some(h)) => {
                if !self.args.is_empty() || !self.env.is_empty() {
                    return fail("`args` and `env` are for programs, not `http`".into());
                }
                check_http(h).or_else(fail)
            }
        }
    }

    fn check_program(&self, p: &std::path::Path) -> Result<(), String> {
        use std::os::unix::fs::PermissionsExt;
        if !p.is_absolute() {
            return Err(format!(
                "`program` must be an absolute path, not `{}` (no search of PATH)",
                p.display()
            ));
        }
        let meta = std::fs::metadata(p).map_err(|e| format!("`program` {}: {e}", p.display()))?;
        if !meta.is_file() || meta.permissions().mode() & 0o111 == 0 {
            return Err(format!(
                "`program` {} is not an executable file",
                p.display()
            ));
        }
        if self.args.len() > MAX_ARGS {
            return Err(format!("at most {MAX_ARGS} `args`"));
        }
        for a in &self.args {
            Template::parse(a).map_err(|e| format!("argument `{a}`: {e}"))?;
        }
        for v in &self.env {
            let ok = !v.is_empty()
                && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !v.starts_with(|c: char| c.is_ascii_digit());
            if !ok {
                return Err(format!("`env` entry `{v}` is not a variable name"));
            }
        }
        Ok(())
    }
}

fn check_http(h: &HttpDef) -> Result<(), String> {
    if reqwest::Method::from_bytes(h.method.as_bytes()).is_err()
        || !h.method.chars().all(|c| c.is_ascii_uppercase())
    {
        return Err(format!(
            "`http.method` `{}` is not an HTTP method",
            h.method
        ));
    }
    // The URL may hold a token: say what is wrong without echoing it.
    let t = Template::parse(&h.url).map_err(|e| format!("`http.url`: {e}"))?;
    const MARK: &str = "wrplaceholdermark";
    let literal = t.fill_with(|_| Ok(MARK.to_string())).unwrap_or_default();
    match reqwest::Url::parse(&literal) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {
            // Where the request goes (and its secret headers with it) is
            // the config's, never an incident's: placeholders only in the
            // path, query or fragment.
            let authority = format!(
                "{}{}{}{}",
                u.username(),
                u.password().unwrap_or(""),
                u.host_str().unwrap_or(""),
                u.port().map(|p| p.to_string()).unwrap_or_default()
            );
            if authority.contains(MARK) || literal.split("://").next().unwrap_or("").contains(MARK)
            {
                return Err(
                    "`http.url`: a placeholder may stand only in the path or query, \
                            never in the scheme, host or port"
                        .into(),
                );
            }
        }
        Ok(_) => return Err("`http.url` must be http:// or https://".into()),
        Err(e) => return Err(format!("`http.url` is not a URL ({e})")),
    }
    for (k, v) in &h.headers {
        if reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_err() {
            return Err(format!("`http.headers`: `{k}` is not a header name"));
        }
        if reqwest::header::HeaderValue::from_str(v).is_err() {
            return Err(format!(
                "`http.headers`: the value of `{k}` is not a header value"
            ));
        }
    }
    if let Some(b) = &h.body {
        Template::parse(b).map_err(|e| format!("`http.body`: {e}"))?;
    }
    Ok(())
}

/// Every action, checked as a whole: names unique, each definition sound.
pub fn check_all(actions: &[ActionDef]) -> Result<(), String> {
    if actions.len() > MAX_ACTIONS {
        return Err(format!("at most {MAX_ACTIONS} actions"));
    }
    let mut seen = std::collections::HashSet::new();
    for a in actions {
        a.check()?;
        if !seen.insert(a.name.as_str()) {
            return Err(format!("two actions are named `{}`", a.name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(url: &str) -> HttpDef {
        HttpDef {
            method: "POST".into(),
            url: url.into(),
            headers: BTreeMap::from([("Authorization".into(), "Bearer s".into())]),
            body: None,
        }
    }

    /// An incident's fields never choose where secret headers go.
    #[test]
    fn placeholders_stay_out_of_the_host() {
        for bad in [
            "https://{service}.example.com/purge",
            "https://api.example{service}/x",
            "https://{service}/x",
            "https://api.example:{id}/x",
            "https://{title}@api.example/x",
        ] {
            let e = check_http(&http(bad)).unwrap_err();
            assert!(
                e.contains("only in the path or query") || e.contains("not a URL"),
                "{bad}: {e}"
            );
        }
        for good in [
            "https://cdn.example/purge?s={service}",
            "https://api.example/incidents/{id}/page",
        ] {
            check_http(&http(good)).unwrap();
        }
    }
}
