//! warroom's own HTTP API (see docs/api.md).

use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use reqwest::{Method, StatusCode, header};
use serde::de::DeserializeOwned;

use super::http::{REQUEST_TIMEOUT, content_type, decode, error_from, read_capped, transport};
use super::{
    Capabilities, ClientError, Fetched, ReadBackend, Token, Write, WriteBackend, WriteOp,
    clean_detail, clean_incident,
};
use crate::model::wire::{ChangesResponse, ErrorBody, ListResponse};
use crate::model::{ActorRole, IncidentDetail, IncidentId};
use crate::text::one_line;

pub struct WarroomBackend {
    client: reqwest::Client,
    base: String,
    token: Option<Token>,
}

fn warroom_error(body: &[u8]) -> Option<(String, String)> {
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|e| (e.error.code, e.error.message))
}

impl WarroomBackend {
    pub fn new(client: reqwest::Client, base: String, token: Option<Token>) -> Self {
        Self {
            client,
            base,
            token,
        }
    }

    fn request(&self, method: Method, path: &str, timeout: Duration) -> reqwest::RequestBuilder {
        let mut r = self
            .client
            .request(method, format!("{}/api/v1{path}", self.base))
            .timeout(timeout);
        if let Some(t) = &self.token {
            r = r.bearer_auth(t.expose());
        }
        r
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        etag: Option<&str>,
        timeout: Duration,
    ) -> Result<Fetched<T>, ClientError> {
        let mut r = self.request(Method::GET, path, timeout);
        if let Some(e) = etag {
            r = r.header(header::IF_NONE_MATCH, e);
        }
        let resp = r.send().await.map_err(transport)?;
        if resp.status() == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !resp.status().is_success() {
            return Err(error_from(resp, warroom_error).await);
        }
        let etag = resp
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let ct = content_type(&resp);
        let body = read_capped(resp).await?;
        Ok(Fetched::Fresh {
            value: decode(ct, &body)?,
            etag,
        })
    }

    async fn send_write(&self, w: &Write) -> Result<Option<IncidentDetail>, ClientError> {
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
            other => return Err(ClientError::Unsupported(other.describe())),
        };
        let mut r = self
            .request(method, &path, REQUEST_TIMEOUT)
            .header("idempotency-key", &w.key)
            .json(&body);
        if let Some(v) = if_match {
            r = r.header(header::IF_MATCH, format!("\"{v}\""));
        }
        let resp = r.send().await.map_err(transport)?;
        if !resp.status().is_success() {
            return Err(error_from(resp, warroom_error).await);
        }
        let ct = content_type(&resp);
        let body = read_capped(resp).await?;
        let mut d: IncidentDetail = decode(ct, &body)?;
        clean_detail(&mut d);
        Ok(Some(d))
    }
}

impl ReadBackend for WarroomBackend {
    fn capabilities(&self) -> Capabilities {
        Capabilities::WARROOM
    }

    fn list<'a>(
        &'a self,
        all: bool,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<ListResponse>, ClientError>> {
        async move {
            let path = if all {
                "/incidents?all=true"
            } else {
                "/incidents"
            };
            let mut f = self
                .get::<ListResponse>(path, etag, REQUEST_TIMEOUT)
                .await?;
            if let Fetched::Fresh { value, .. } = &mut f {
                value.incidents.iter_mut().for_each(clean_incident);
            }
            Ok(f)
        }
        .boxed()
    }

    fn detail<'a>(
        &'a self,
        id: IncidentId,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Fetched<IncidentDetail>, ClientError>> {
        async move {
            let mut f = self
                .get::<IncidentDetail>(&format!("/incidents/{id}"), etag, REQUEST_TIMEOUT)
                .await?;
            if let Fetched::Fresh { value, .. } = &mut f {
                clean_detail(value);
            }
            Ok(f)
        }
        .boxed()
    }

    fn changes(
        &self,
        since: u64,
        wait: Duration,
    ) -> BoxFuture<'_, Result<ChangesResponse, ClientError>> {
        async move {
            let path = format!("/changes?since={since}&wait={}", wait.as_secs());
            match self
                .get::<ChangesResponse>(&path, None, wait + REQUEST_TIMEOUT)
                .await?
            {
                Fetched::Fresh { value, .. } => Ok(value),
                Fetched::NotModified => {
                    Err(ClientError::BadResponse("304 on the change feed".into()))
                }
            }
        }
        .boxed()
    }

    fn whoami(&self) -> BoxFuture<'_, Result<(String, ActorRole), ClientError>> {
        async move {
            #[derive(serde::Deserialize)]
            struct Who {
                handle: String,
                role: ActorRole,
            }
            match self.get::<Who>("/whoami", None, REQUEST_TIMEOUT).await? {
                Fetched::Fresh { value, .. } => Ok((one_line(&value.handle, 60), value.role)),
                Fetched::NotModified => Err(ClientError::BadResponse("304 on whoami".into())),
            }
        }
        .boxed()
    }
}

impl WriteBackend for WarroomBackend {
    fn send<'a>(
        &'a self,
        w: &'a Write,
    ) -> BoxFuture<'a, Result<Option<IncidentDetail>, ClientError>> {
        self.send_write(w).boxed()
    }
}
