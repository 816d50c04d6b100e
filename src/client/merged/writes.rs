//! A merged view's writes: each to the incident's own backend with that
//! backend's id (a read-only backend refuses), the answer under the
//! view's id.

use futures::FutureExt;
use futures::future::BoxFuture;

use super::{MergedBackend, qualify_answer};
use crate::client::{ClientError, PlannedRequest, Write, WriteBackend, WriteOp};
use crate::model::IncidentId;
use crate::model::wire::WriteAnswer;

impl MergedBackend {
    /// The part a write goes to and the write as that backend takes it.
    fn route_write(&self, w: &Write) -> Result<(usize, Write), ClientError> {
        let (i, op) = match (&w.op, w.op.incident()) {
            (WriteOp::ExpireSilence { silence_id }, _) => {
                let (name, local) = silence_id.split_once('/').ok_or_else(|| ClientError::Api {
                    status: 404,
                    code: "not_found".into(),
                    message: format!(
                        "silence {} names no backend: write it as BACKEND/ID ({})",
                        crate::text::one_line(silence_id, 40),
                        self.names().join(", ")
                    ),
                })?;
                let i = self
                    .parts
                    .iter()
                    .position(|p| p.name == name)
                    .ok_or_else(|| ClientError::Api {
                        status: 404,
                        code: "not_found".into(),
                        message: format!(
                            "no backend `{}` in this view",
                            crate::text::one_line(name, 40)
                        ),
                    })?;
                let op = WriteOp::ExpireSilence {
                    silence_id: local.to_string(),
                };
                (i, op)
            }
            (op, Some(id)) => {
                let (i, local) = self.route(id)?;
                (i, op.for_incident(local))
            }
            (op, None) => (self.home(), op.clone()),
        };
        if let Some(why) = &self.parts[i].read_only {
            return Err(ClientError::Unsupported(format!(
                "{why}: it makes no changes"
            )));
        }
        Ok((
            i,
            Write {
                key: w.key.clone(),
                op,
                queued_by: w.queued_by.clone(),
            },
        ))
    }
}

impl WriteBackend for MergedBackend {
    fn plan(&self, w: &Write) -> Result<PlannedRequest, ClientError> {
        let (i, w) = self.route_write(w)?;
        self.parts[i].writer.plan(&w)
    }

    fn send<'a>(&'a self, w: &'a Write) -> BoxFuture<'a, Result<Option<WriteAnswer>, ClientError>> {
        async move {
            let (i, w) = self.route_write(w)?;
            let p = &self.parts[i];
            Ok(qualify_answer(&p.name, p.writer.send(&w).await?))
        }
        .boxed()
    }

    fn send_verbatim<'a>(
        &'a self,
        w: &'a Write,
    ) -> BoxFuture<'a, Result<crate::client::Sent, ClientError>> {
        async move {
            let (i, w) = self.route_write(w)?;
            let p = &self.parts[i];
            let mut sent = p.writer.send_verbatim(&w).await?;
            sent.answer = qualify_answer(&p.name, sent.answer);
            // The backend's own answer names the incident by its own id:
            // the view's id replaces it, so a script can use it again.
            if let (Some(body), Some(a)) = (sent.body.as_mut(), &sent.answer)
                && body["incident"]["id"].is_string()
            {
                body["incident"]["id"] = serde_json::Value::String(a.incident.id.to_string());
            }
            Ok(sent)
        }
        .boxed()
    }

    fn notify_test<'a>(
        &'a self,
        req: &'a crate::model::wire::NotifyTestRequest,
    ) -> BoxFuture<'a, Result<crate::model::wire::NotifyTestResponse, ClientError>> {
        self.parts[self.home()].writer.0.notify_test(req)
    }

    fn start_drill<'a>(
        &'a self,
        req: &'a crate::model::drill::StartDrill,
    ) -> BoxFuture<'a, Result<crate::model::drill::DrillStarted, ClientError>> {
        self.parts[self.home()].writer.0.start_drill(req)
    }

    fn run_action<'a>(
        &'a self,
        id: IncidentId,
        req: &'a crate::model::runbook_action::RunActionRequest,
        key: &'a str,
    ) -> BoxFuture<'a, Result<crate::model::runbook_action::RunStarted, ClientError>> {
        async move {
            let (i, local) = self.route(id)?;
            if let Some(why) = &self.parts[i].read_only {
                return Err(ClientError::Unsupported(format!(
                    "{why}: it makes no changes"
                )));
            }
            self.parts[i].writer.run_action(local, req, key).await
        }
        .boxed()
    }
}
