//! The scenarios shipped with warroom (`scenarios/*.toml`): a bad deploy,
//! a dependency outage with a red herring, and a slow-burn capacity
//! problem, each short enough to run in 15 minutes.

use super::scenario::{Scenario, ScenarioError};

/// Name and text of each built-in scenario.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "bad-deploy",
        include_str!("../../../scenarios/bad-deploy.toml"),
    ),
    (
        "dependency-outage",
        include_str!("../../../scenarios/dependency-outage.toml"),
    ),
    (
        "slow-burn",
        include_str!("../../../scenarios/slow-burn.toml"),
    ),
];

/// The built-in scenario of this name, read.
pub fn named(name: &str) -> Option<Result<Scenario, ScenarioError>> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| Scenario::parse(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_scenario_passes_its_check_and_is_named_as_its_file() {
        for (name, text) in BUILTIN {
            let s = Scenario::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(&s.name, name);
            assert!(
                s.limit() <= chrono::Duration::minutes(15),
                "{name} runs in 15 minutes"
            );
            assert!(!s.facts.is_empty() && !s.recommended.is_empty());
        }
    }
}
