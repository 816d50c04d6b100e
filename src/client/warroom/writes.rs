//! Writes to a warroom server: the request each write becomes (also
//! what `--dry-run` prints), and sending it with its idempotency key.

use reqwest::Method;

use super::{WarroomBackend, warroom_error};
use crate::client::http::{
    REQUEST_TIMEOUT, content_type, decode, error_from, read_capped, transport,
};
use crate::client::{ClientError, PlannedRequest, Write, WriteOp};
use crate::model::wire::WriteAnswer;

impl WarroomBackend {
    pub(super) fn plan_write(&self, w: &Write) -> Result<PlannedRequest, ClientError> {
        let json = |v: Result<serde_json::Value, serde_json::Error>| {
            v.map_err(|e| ClientError::BadResponse(format!("cannot encode the request: {e}")))
        };
        let (method, path, body, if_match) = match &w.op {
            WriteOp::Declare { body } => (
                Method::POST,
                "/incidents".to_string(),
                json(serde_json::to_value(body))?,
                None,
            ),
            WriteOp::Patch { id, if_match, body } => (
                Method::PATCH,
                format!("/incidents/{id}"),
                json(serde_json::to_value(body))?,
                Some(*if_match),
            ),
            WriteOp::Transition { id, body } => (
                Method::POST,
                format!("/incidents/{id}/transition"),
                json(serde_json::to_value(body))?,
                None,
            ),
            WriteOp::Note { id, body } => (
                Method::POST,
                format!("/incidents/{id}/notes"),
                json(serde_json::to_value(body))?,
                None,
            ),
            WriteOp::StakeholderUpdate { id, body } => (
                Method::POST,
                format!("/incidents/{id}/updates"),
                json(serde_json::to_value(body))?,
                None,
            ),
            WriteOp::Responder { id, body } => (
                Method::POST,
                format!("/incidents/{id}/responders"),
                json(serde_json::to_value(body))?,
                None,
            ),
            WriteOp::Checklist { id, body } => (
                Method::POST,
                format!("/incidents/{id}/checklist"),
                json(serde_json::to_value(body))?,
                None,
            ),
            // The server makes the silence in Alertmanager.
            WriteOp::Silence {
                id,
                comment,
                minutes,
            } => (
                Method::POST,
                format!("/incidents/{id}/silence"),
                serde_json::json!({ "comment": comment, "minutes": minutes }),
                None,
            ),
            WriteOp::AddFollowUp { id, body } => (
                Method::POST,
                format!("/incidents/{id}/followups"),
                json(serde_json::to_value(body))?,
                None,
            ),
            WriteOp::UpdateFollowUp { followup, body, .. } => (
                Method::PATCH,
                format!("/followups/{followup}"),
                json(serde_json::to_value(body))?,
                None,
            ),
            other => match other.state_route() {
                Some((id, route, body)) => (
                    Method::POST,
                    format!("/incidents/{id}/{route}"),
                    json(body)?,
                    None,
                ),
                None => return Err(ClientError::Unsupported(other.describe())),
            },
        };
        let mut headers = vec![("Idempotency-Key".to_string(), w.key.clone())];
        if let Some(v) = if_match {
            headers.push(("If-Match".to_string(), format!("\"{v}\"")));
        }
        headers.push(("Content-Type".to_string(), "application/json".to_string()));
        Ok(PlannedRequest {
            method: method.to_string(),
            url: format!("{}/api/v1{path}", self.base),
            authorization: self
                .token
                .as_ref()
                .map(|_| format!("Bearer {}", crate::client::write::HIDDEN_TOKEN)),
            headers,
            body: Some(body),
        })
    }

    pub(super) async fn send_write(&self, w: &Write) -> Result<Option<WriteAnswer>, ClientError> {
        Ok(self.send_write_verbatim(w).await?.answer)
    }

    /// Sends, keeping the server's answer as it came (for `--json`: a
    /// silence's answer carries its `silence_id`).
    pub(super) async fn send_write_verbatim(
        &self,
        w: &Write,
    ) -> Result<crate::client::Sent, ClientError> {
        let plan = self.plan_write(w)?;
        let method = Method::from_bytes(plan.method.as_bytes())
            .map_err(|e| ClientError::BadResponse(e.to_string()))?;
        let mut r = self
            .client
            .request(method, &plan.url)
            .timeout(REQUEST_TIMEOUT)
            .json(&plan.body);
        if let Some(t) = &self.token {
            r = r.bearer_auth(t.expose());
        }
        // `.json` set the Content-Type the plan names.
        for (k, v) in plan.headers.iter().filter(|(k, _)| k != "Content-Type") {
            r = r.header(k, v);
        }
        let resp = r.send().await.map_err(transport)?;
        if !resp.status().is_success() {
            return Err(error_from(resp, warroom_error).await);
        }
        // A follow-up is not the incident: nothing to merge into its view.
        let ct = content_type(&resp);
        let body = read_capped(resp).await?;
        let raw: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        if matches!(
            w.op,
            WriteOp::AddFollowUp { .. } | WriteOp::UpdateFollowUp { .. }
        ) {
            return Ok(crate::client::Sent {
                answer: None,
                body: raw,
            });
        }
        let a: WriteAnswer = decode(ct, &body)?;
        Ok(crate::client::Sent {
            answer: Some(a),
            body: raw,
        })
    }
}
