//! Runbook actions on warroom's API: the preview, the start (sent at once,
//! never queued in the outbox: a restart that runs minutes later, when the
//! link is back, is not what the IC confirmed) and the live output.

use reqwest::Method;

use super::super::http::{
    REQUEST_TIMEOUT, content_type, decode, error_from, read_capped, transport,
};
use super::{Fetched, WarroomBackend, warroom_error};
use crate::client::ClientError;
use crate::model::runbook_action::{
    ActionPreview, MAX_LINE_CHARS, MAX_RUN_LINES, RunActionRequest, RunOutput, RunStarted,
};
use crate::model::{IncidentId, Phase};
use crate::text::one_line;

/// A run's read waits this long on the server for new output.
const RUN_WAIT_SECS: u64 = 20;

/// The readiness check may take a target's whole send timeout (5 s) and
/// a mail server's handshake.
const READINESS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

impl WarroomBackend {
    /// `POST /notify/test`: sent at once, like a run (never queued).
    pub(super) async fn readiness(
        &self,
        req: &crate::model::wire::NotifyTestRequest,
    ) -> Result<crate::model::wire::NotifyTestResponse, ClientError> {
        self.post_now("/notify/test", req, READINESS_TIMEOUT).await
    }

    pub(super) async fn preview_action(
        &self,
        id: IncidentId,
        phase: Phase,
        item: usize,
    ) -> Result<ActionPreview, ClientError> {
        let path = format!("/incidents/{id}/actions/preview?phase={phase}&item={item}");
        match self
            .get::<ActionPreview>(&path, None, REQUEST_TIMEOUT)
            .await?
        {
            Fetched::Fresh { mut value, .. } => {
                for s in [&mut value.action, &mut value.kind, &mut value.item] {
                    *s = one_line(s, 100);
                }
                value.command = one_line(&value.command, 2_000);
                value.details.truncate(10);
                value.details.iter_mut().for_each(|d| *d = one_line(d, 500));
                Ok(value)
            }
            Fetched::NotModified => Err(ClientError::BadResponse("304 on a preview".into())),
        }
    }

    pub(super) async fn run_output(
        &self,
        id: IncidentId,
        run: u64,
        after: u64,
    ) -> Result<RunOutput, ClientError> {
        let path = format!("/incidents/{id}/actions/runs/{run}?after={after}&wait={RUN_WAIT_SECS}");
        let timeout = REQUEST_TIMEOUT + std::time::Duration::from_secs(RUN_WAIT_SECS);
        match self.get::<RunOutput>(&path, None, timeout).await? {
            Fetched::Fresh { mut value, .. } => {
                value.action = one_line(&value.action, 100);
                value.by = one_line(&value.by, 100);
                value.command = one_line(&value.command, 2_000);
                let n = value.lines.len();
                value.lines.drain(..n.saturating_sub(MAX_RUN_LINES));
                // A program's output: escapes in it must never reach the IC's terminal.
                value
                    .lines
                    .iter_mut()
                    .for_each(|l| l.text = one_line(&l.text, MAX_LINE_CHARS));
                Ok(value)
            }
            Fetched::NotModified => Err(ClientError::BadResponse("304 on a run".into())),
        }
    }

    pub(super) async fn start_action(
        &self,
        id: IncidentId,
        req: &RunActionRequest,
        key: &str,
    ) -> Result<RunStarted, ClientError> {
        let resp = self
            .request(
                Method::POST,
                &format!("/incidents/{id}/actions"),
                REQUEST_TIMEOUT,
            )
            .header("Idempotency-Key", key)
            .json(req)
            .send()
            .await
            .map_err(transport)?;
        if !resp.status().is_success() {
            return Err(error_from(resp, warroom_error).await);
        }
        let ct = content_type(&resp);
        let body = read_capped(resp).await?;
        let mut s: RunStarted = decode(ct, &body)?;
        s.action = one_line(&s.action, 100);
        Ok(s)
    }
}
