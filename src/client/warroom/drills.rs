//! Drills and documents on warroom's API: starting a drill (sent at once,
//! never queued: a rehearsal that starts when the link is back is not the
//! one asked for), and reading a document whole (the postmortem, a drill's
//! debrief).

use reqwest::Method;

use super::super::http::{
    REQUEST_TIMEOUT, content_type, decode, error_from, read_capped, transport,
};
use super::{WarroomBackend, warroom_error};
use crate::client::ClientError;
use crate::model::drill::{DrillStarted, StartDrill};

impl WarroomBackend {
    /// `POST /drills`.
    pub(super) async fn drill(&self, req: &StartDrill) -> Result<DrillStarted, ClientError> {
        self.post_now("/drills", req, REQUEST_TIMEOUT).await
    }

    /// A POST sent at once (never through the outbox: a readiness check
    /// or a drill is about now), its JSON answer decoded and cleaned.
    pub(super) async fn post_now<B, T>(
        &self,
        path: &str,
        body: &B,
        timeout: std::time::Duration,
    ) -> Result<T, ClientError>
    where
        B: serde::Serialize + ?Sized,
        T: serde::de::DeserializeOwned + crate::client::Sanitize,
    {
        let resp = self
            .request(Method::POST, path, timeout)
            .json(body)
            .send()
            .await
            .map_err(transport)?;
        if !resp.status().is_success() {
            return Err(error_from(resp, warroom_error).await);
        }
        let ct = content_type(&resp);
        let body = read_capped(resp).await?;
        decode(ct, &body)
    }

    /// A document at `path`, as Markdown or JSON (`format`).
    pub(super) async fn document(
        &self,
        path: String,
        what: &str,
        format: &str,
    ) -> Result<String, ClientError> {
        let resp = self
            .request(Method::GET, &path, REQUEST_TIMEOUT)
            .send()
            .await
            .map_err(transport)?;
        if !resp.status().is_success() {
            return Err(error_from(resp, warroom_error).await);
        }
        let body = read_capped(resp).await?;
        // The server escapes what it quotes; still, nothing from the wire
        // reaches a terminal or a file unchecked. A document is checked
        // whole, never cut: for a server that escapes, these passes change
        // nothing, so the file is the API's bytes.
        let text = String::from_utf8(body)
            .map_err(|_| ClientError::BadResponse(format!("{what} is not UTF-8")))?;
        if format == "json" {
            if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_err() {
                return Err(ClientError::BadResponse(format!(
                    "{what} is not whole JSON"
                )));
            }
            return Ok(crate::text::escape::json_document(&text));
        }
        Ok(crate::text::clean_document(&text).into_owned())
    }
}
