//! The demo outage: placeholder until the scenario lands.
use super::store::{Result, Store};
use crate::model::RunbookSet;
pub fn seed(_store: &Store, _runbooks: &RunbookSet) -> Result<()> { Ok(()) }
pub async fn run_live(_store: std::sync::Arc<Store>) {}
