//! The server's own reads and writes of Alertmanager's v2 API (`[alertmanager]
//! url` in server.toml): the alerts of one group, a silence, and creating
//! one. Bounded: each answer is read up to [`MAX_ANSWER`] bytes, each
//! request waits at most [`TIMEOUT`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::model::AlertGroupRef;

/// The most of one Alertmanager answer the server reads.
pub const MAX_ANSWER: usize = 4 * 1024 * 1024;
/// How long one request to Alertmanager may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// `[alertmanager]` in server.toml: where Alertmanager is, and how the
/// server keeps its alert-born incidents in step with it. The older
/// `[[alertmanager.rules]]` live here too.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertmanagerSection {
    /// Classification rules (the older place; `[[rules]]` is the newer).
    #[serde(default)]
    pub rules: Vec<super::super::classify::Rule>,
    /// Alertmanager's address, e.g. `http://alertmanager:9093`. Without it
    /// the server only receives webhooks.
    pub url: Option<String>,
    /// A file holding a bearer token for Alertmanager (behind a proxy),
    /// readable by its owner only.
    pub token_file: Option<PathBuf>,
    /// How often the alerts behind open incidents are read, in seconds
    /// (default 30, at least 5).
    pub interval_seconds: Option<u64>,
}

/// A checked `[alertmanager]` connection.
#[derive(Clone)]
pub struct Am {
    client: reqwest::Client,
    base: String,
    token: Option<String>,
    pub interval: Duration,
}

impl std::fmt::Debug for Am {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the token.
        f.debug_struct("Am").field("base", &self.base).finish()
    }
}

impl AlertmanagerSection {
    /// The connection, when a URL is given; an error names the setting.
    pub fn connect(&self) -> Result<Option<Am>, String> {
        let Some(url) = &self.url else {
            if self.token_file.is_some() || self.interval_seconds.is_some() {
                return Err("token_file and interval_seconds need url".into());
            }
            return Ok(None);
        };
        let parsed =
            reqwest::Url::parse(url.trim()).map_err(|e| format!("url is not a URL ({e})"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err("url must be http:// or https://".into());
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err("url must not hold credentials: give token_file".into());
        }
        let interval = self.interval_seconds.unwrap_or(30);
        if interval < 5 {
            return Err("interval_seconds is at least 5".into());
        }
        let token = match &self.token_file {
            Some(p) => Some(crate::private_fs::read_secret_file(p)?),
            None => None,
        };
        crate::tls::install();
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
        Ok(Some(Am {
            client,
            base: url.trim().trim_end_matches('/').to_string(),
            token,
            interval: Duration::from_secs(interval),
        }))
    }
}

impl Am {
    /// The same connection read at another pace (tests: a round a second
    /// instead of the five-second floor of the config).
    pub fn every(mut self, interval: Duration) -> Am {
        self.interval = interval;
        self
    }
}

/// One alert as Alertmanager's API lists it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmAlert {
    pub fingerprint: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub status: AmAlertStatus,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmAlertStatus {
    /// `active`, `suppressed` or `unprocessed`.
    pub state: String,
    #[serde(default)]
    pub silenced_by: Vec<String>,
}

impl AmAlert {
    pub fn silenced(&self) -> bool {
        self.status.state == "suppressed" && !self.status.silenced_by.is_empty()
    }

    pub fn name(&self) -> String {
        crate::text::one_line(
            self.labels.get("alertname").map_or("alert", String::as_str),
            80,
        )
    }
}

/// A silence as Alertmanager's API gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmSilence {
    pub id: String,
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub comment: String,
    pub ends_at: DateTime<Utc>,
    #[serde(default)]
    pub matchers: Vec<AmMatcher>,
    pub status: Option<AmSilenceStatus>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AmSilenceStatus {
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AmMatcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    #[serde(default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

/// A matcher value in Alertmanager's filter syntax: quoted, `"` and `\`
/// escaped.
fn quoted(v: &str) -> String {
    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Equality matchers for every label of the group: exactly its alerts.
pub fn matchers(g: &AlertGroupRef) -> Vec<AmMatcher> {
    g.labels
        .iter()
        .map(|(k, v)| AmMatcher {
            name: k.clone(),
            value: v.clone(),
            is_regex: false,
            is_equal: true,
        })
        .collect()
}

impl Am {
    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        let mut r = self.client.get(format!("{}/api/v2{path}", self.base));
        if let Some(t) = &self.token {
            r = r.bearer_auth(t);
        }
        r
    }

    async fn answer<T: serde::de::DeserializeOwned>(
        &self,
        r: reqwest::RequestBuilder,
    ) -> Result<T, String> {
        // Errors name Alertmanager's status, never the URL's secrets (it
        // holds none: refused at start) nor the token.
        let mut resp = r
            .send()
            .await
            .map_err(|e| format!("cannot reach Alertmanager: {}", without_url(&e)))?;
        let status = resp.status();
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| format!("Alertmanager's answer broke off: {}", without_url(&e)))?
        {
            if body.len() + chunk.len() > MAX_ANSWER {
                return Err(format!(
                    "Alertmanager answered more than {MAX_ANSWER} bytes"
                ));
            }
            body.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            let text = crate::text::one_line(&String::from_utf8_lossy(&body), 200);
            return Err(format!("Alertmanager answered {status}: {text}"));
        }
        serde_json::from_slice(&body)
            .map_err(|e| format!("Alertmanager's answer is not what its API describes: {e}"))
    }

    /// The alerts of one group (its receiver and labels), silenced and
    /// inhibited ones included.
    pub async fn alerts(&self, g: &AlertGroupRef) -> Result<Vec<AmAlert>, String> {
        let mut q: Vec<(&str, String)> = vec![
            ("active", "true".into()),
            ("silenced", "true".into()),
            ("inhibited", "true".into()),
        ];
        if !g.receiver.is_empty() {
            q.push(("receiver", format!("^(?:{})$", regex_escape(&g.receiver))));
        }
        for (k, v) in &g.labels {
            q.push(("filter", format!("{k}={}", quoted(v))));
        }
        self.answer(self.get("/alerts").query(&q)).await
    }

    pub async fn silence(&self, id: &str) -> Result<AmSilence, String> {
        let id: String = id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(64)
            .collect();
        self.answer(self.get(&format!("/silence/{id}"))).await
    }

    /// Active silences with exactly these matchers.
    pub async fn silences_for(&self, m: &[AmMatcher]) -> Result<Vec<AmSilence>, String> {
        let all: Vec<AmSilence> = self.answer(self.get("/silences")).await?;
        Ok(all
            .into_iter()
            .filter(|s| s.status.as_ref().is_some_and(|st| st.state == "active"))
            .filter(|s| {
                let mut a = s.matchers.clone();
                let mut b = m.to_vec();
                a.sort_by(|x, y| x.name.cmp(&y.name));
                b.sort_by(|x, y| x.name.cmp(&y.name));
                a == b
            })
            .collect())
    }

    /// Creates a silence; Alertmanager's id for it.
    pub async fn create_silence(
        &self,
        matchers: &[AmMatcher],
        created_by: &str,
        comment: &str,
        ends_at: DateTime<Utc>,
    ) -> Result<String, String> {
        #[derive(Deserialize)]
        struct Created {
            #[serde(rename = "silenceID")]
            silence_id: String,
        }
        let body = serde_json::json!({
            "matchers": matchers,
            "startsAt": Utc::now(),
            "endsAt": ends_at,
            "createdBy": created_by,
            "comment": comment,
        });
        let mut r = self
            .client
            .post(format!("{}/api/v2/silences", self.base))
            .json(&body);
        if let Some(t) = &self.token {
            r = r.bearer_auth(t);
        }
        let c: Created = self.answer(r).await?;
        Ok(crate::text::one_line(&c.silence_id, 64))
    }
}

/// A receiver name as a regular expression matching only itself.
fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

/// reqwest's errors name the URL; ours do not need to.
fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.without_url_ref().to_string();
    s.truncate(200);
    s
}

trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        if self.is_timeout() {
            "timed out".into()
        } else if self.is_connect() {
            "connection failed".into()
        } else {
            "request failed".into()
        }
    }
}
