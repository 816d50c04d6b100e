//! What each response metric measures: its start and end points, said
//! with every figure (`warroom stats --explain`, `:stats`, and always in
//! `/stats`'s JSON), because a number without its definition misleads
//! (DORA renamed "time to restore" in 2023 for this reason).

use serde::{Deserialize, Serialize};

/// One figure's definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    /// The figure as `stats` names it (`acknowledge`, `resolve`, …).
    pub figure: String,
    /// Where it starts.
    pub from: String,
    /// Where it ends.
    pub to: String,
    /// What it means, and what it does not.
    pub means: String,
}

fn def(figure: &str, from: &str, to: &str, means: &str) -> Definition {
    Definition {
        figure: figure.into(),
        from: from.into(),
        to: to.into(),
        means: means.into(),
    }
}

/// The definitions of the postmortem's key durations, in its order.
pub fn postmortem() -> Vec<Definition> {
    const DETECTED: &str = "detection (the first firing alert, or the declaration when no \
                            alert came first)";
    const IMPACT: &str = "impact start (`impact_started_at` as the IC set it, else detection)";
    vec![
        def(
            "impact to detection",
            IMPACT,
            DETECTED,
            "How long the impact went unnoticed.",
        ),
        def(
            "detection to acknowledgement",
            DETECTED,
            "acknowledgement (the incident first left `triggered`)",
            "How long before a person owned it.",
        ),
        def(
            "detection to containment",
            DETECTED,
            "containment (the incident first reached `contained`)",
            "How long the impact went on growing once it was known.",
        ),
        def(
            "detection to resolution",
            DETECTED,
            "resolution (the incident first reached `resolved`)",
            "Time to resolve, measured from detection; DORA's failed deployment recovery \
             time is this figure over incidents caused by a change.",
        ),
        def(
            "resolution to verification",
            "resolution",
            "verification (the incident first reached `verified`)",
            "How long the fix took to be confirmed.",
        ),
        def(
            "customer impact",
            IMPACT,
            "resolution",
            "How long customers were affected (Datadog's customer impact duration), ending at \
             resolution: the service restored, whatever verification found later.",
        ),
    ]
}

/// The definitions of every figure `stats` prints, in its order.
pub fn all() -> Vec<Definition> {
    const DECLARED: &str = "declaration (the incident was opened: by a person, or by an alert \
                            group, so for alert-born incidents this is detection)";
    vec![
        def(
            "acknowledge",
            DECLARED,
            "acknowledgement (the incident first left `triggered`)",
            "Time to acknowledge, median and p90 (MTTA is its mean). Incidents never \
             acknowledged are not counted in it.",
        ),
        def(
            "contain",
            DECLARED,
            "containment (the incident reached `contained`)",
            "How long the impact went on growing once it was known. It does not start at the \
             impact's own start (`impact_started_at`), which may be earlier.",
        ),
        def(
            "resolve",
            DECLARED,
            "resolution (the incident reached `resolved`)",
            "Time to resolve (MTTR here means mean time to resolve, measured from detection). \
             It is not DORA's failed deployment recovery time, which counts only incidents \
             caused by a change.",
        ),
        def(
            "verify",
            "resolution",
            "verification (the incident reached `verified`)",
            "How long the fix took to be confirmed.",
        ),
        def(
            "customer impact",
            "impact start (`impact_started_at` as the IC set it, else the declaration)",
            "resolution",
            "How long customers were affected (Datadog's customer impact duration), ending when \
             the service was restored; it starts before detection when the impact did.",
        ),
        def(
            "failed deployment recovery",
            DECLARED,
            "resolution",
            "DORA's failed deployment recovery time (called time to restore service before \
             2023): time to resolve over the incidents tagged as caused by a change ([policy] \
             change_tags, default `change`, `deploy`) only, with how many there were.",
        ),
        def(
            "pages per shift",
            "each page of a person",
            "the same moment, counted in shifts of [policy] shift_hours (12) from midnight in \
             the asked-for UTC offset",
            "Person-shifts with a page, and those with more incidents than [policy] \
             pages_per_shift (2: Google's SRE book puts the ceiling at two incidents per \
             12-hour on-call shift).",
        ),
        def(
            "repeat alerts",
            "each firing of an alert",
            "the same moment",
            "Alerts that fired on more than one incident of the window: on how many, and how \
             many times they fired in all (a flapping alert fires many times on one).",
        ),
        def(
            "slowest",
            DECLARED,
            "resolution",
            "The five incidents that took longest to resolve.",
        ),
        def(
            "forced / skipped",
            "an incident leaving a phase",
            "the same moment",
            "Forced: transitions made past open checklist items, by the phase left. Skipped: \
             items still open in phases a finished incident left.",
        ),
        def(
            "load: incident hours",
            DECLARED,
            "resolution, or now for an open incident",
            "Per person on the incident's responders, summed over incidents; not the hours \
             they worked.",
        ),
        def(
            "load: pages, off hours",
            "each page of the person",
            "the same moment",
            "Pages recorded on incidents, and those outside 09:00-18:00 in the asked-for UTC \
             offset (--utc-offset).",
        ),
        def(
            "per day",
            "declaration",
            "the same moment",
            "Incidents declared each day of the window, oldest first. Drill incidents are left \
             out of every figure (drills_left_out counts them).",
        ),
    ]
}
