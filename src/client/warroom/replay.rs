//! Replay from a warroom server: `GET /incidents/{id}/at`.

use crate::client::http::REQUEST_TIMEOUT;
use crate::client::{ClientError, Fetched};
use crate::model::IncidentId;
use crate::model::replay::{ReplayAt, ReplayState};
use crate::text::urlencode;

impl super::WarroomBackend {
    /// The incident as it stood after an event, at a time, or a step on.
    pub(super) async fn read_state_at(
        &self,
        id: IncidentId,
        at: ReplayAt,
    ) -> Result<ReplayState, ClientError> {
        let query = match at {
            ReplayAt::Seq(n) => format!("seq={n}"),
            ReplayAt::Time(t) => format!("time={}", urlencode(&t.to_rfc3339())),
            ReplayAt::Step { from, step } => format!("seq={from}&step={}", step.as_str()),
        };
        let path = format!("/incidents/{id}/at?{query}");
        match self
            .get::<ReplayState>(&path, None, REQUEST_TIMEOUT)
            .await?
        {
            Fetched::Fresh { value, .. } => Ok(value),
            Fetched::NotModified => Err(ClientError::BadResponse("304 on a replay".into())),
        }
    }
}
