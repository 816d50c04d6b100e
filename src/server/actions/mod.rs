//! Runbook actions: the common fixes (restart, roll back, fail over, flush
//! a cache) one confirmed keystroke away, run by the server and recorded.
//!
//! - [`config`]: `[[actions]]`, the allowlist: a program by absolute path
//!   with fixed arguments, or an HTTP request; a timeout each.
//! - [`template`]: the placeholders, filled only from incident fields.
//! - [`plan`]: what would run for one incident, exactly, and its digest.
//! - [`runs`]: what is running, its bounded live output, one run per
//!   action and incident at a time.
//! - [`exec`]: running it (process group, timeout, output read in lines).
//! - [`recover`]: runs outliving their server: the lease's heartbeat, the
//!   sweep that ends a run whose server is gone, and ending this server's
//!   own runs when it shuts down.
//!
//! The API (`server/actions_api.rs`) records the start on the timeline,
//! runs the plan in a task and records the end (and ticks the item on
//! success when the action says so).

pub mod config;
pub mod exec;
pub mod plan;
pub mod recover;
pub mod runs;
pub mod template;

pub use config::{ActionDef, HttpDef, check_all};

use crate::model::runbook_action::ActionPreview;
use crate::model::{DomainError, IncidentDetail, Phase};

/// The server's actions and its runs.
#[derive(Default)]
pub struct Actions {
    pub defs: Vec<ActionDef>,
    pub runs: runs::Runs,
    /// This server among others on one database (host, process and a
    /// random part): who holds an action's lease.
    pub server: String,
}

fn server_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; the name is cut at NUL.
    let host = if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0 {
        let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        "host".into()
    };
    let nonce = &crate::server::store::generate_token()[3..9];
    format!(
        "{}:{}:{nonce}",
        crate::text::one_line(&host, 64),
        std::process::id()
    )
}

/// An item's action, planned for the incident as it is.
pub struct Planned<'a> {
    pub def: std::borrow::Cow<'a, ActionDef>,
    pub item: String,
    pub plan: plan::Plan,
    pub preview: ActionPreview,
}

impl Actions {
    pub fn new(defs: Vec<ActionDef>) -> Self {
        Self {
            defs,
            runs: runs::Runs::default(),
            server: server_name(),
        }
    }

    /// What the item's action would run on this incident now, or why it
    /// cannot run. A drill incident's actions come from its scenario
    /// (`simulated`) and never from `[[actions]]`: a drill runs nothing real.
    pub fn plan(
        &self,
        d: &IncidentDetail,
        phase: Phase,
        item: usize,
        simulated: Option<&[crate::model::drill::scenario::SimAction]>,
    ) -> Result<Planned<'_>, DomainError> {
        let it = d
            .checklists
            .iter()
            .find(|c| c.phase == phase)
            .and_then(|c| c.items.get(item))
            .ok_or_else(|| {
                DomainError::Invalid(format!("there is no item {item} in the {phase} checklist"))
            })?;
        let name = it
            .action
            .as_deref()
            .ok_or_else(|| DomainError::Invalid(format!("`{}` has no action to run", it.text)))?;
        let (def, plan) = if d.incident.drill.is_some() {
            let sim = simulated
                .and_then(|all| all.iter().find(|a| a.name == name))
                .ok_or_else(|| {
                    DomainError::Conflict(format!(
                        "{} is a drill and its scenario is not running on this server; \
                         nothing runs (a drill never runs a real action)",
                        d.incident.id
                    ))
                })?;
            let def = ActionDef {
                name: sim.name.clone(),
                timeout_seconds: 60,
                tick: true,
                ..ActionDef::default()
            };
            let plan = plan::Plan::Simulated {
                lines: sim.output.clone(),
                outcome: sim.outcome,
            };
            (std::borrow::Cow::Owned(def), plan)
        } else {
            let def = self.defs.iter().find(|a| a.name == name).ok_or_else(|| {
                DomainError::Conflict(format!(
                    "the action `{name}` is not in this server's [[actions]] (any more); nothing runs"
                ))
            })?;
            let plan = plan::Plan::build(def, &d.incident).map_err(DomainError::Invalid)?;
            (std::borrow::Cow::Borrowed(def), plan)
        };
        let mut preview = plan::preview(&def, &it.text, &plan);
        preview.running = self.runs.running(d.incident.id, name);
        Ok(Planned {
            def,
            item: it.text.clone(),
            plan,
            preview,
        })
    }
}

/// Every action a runbook names must be in `[[actions]]`: a template that
/// names a missing one would offer the IC a key that can never work.
pub fn check_runbooks(
    defs: &[ActionDef],
    runbooks: &crate::model::RunbookSet,
) -> Result<(), String> {
    for (rb, item, action) in runbooks.named_actions() {
        if !defs.iter().any(|d| d.name == action) {
            return Err(format!(
                "runbook `{rb}`, item `{item}`: the action `{action}` is not in [[actions]]"
            ));
        }
    }
    Ok(())
}
