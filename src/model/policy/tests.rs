//! Tests of the parent module.

mod rules {
    use super::super::*;
    use chrono::TimeZone;

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap() + Duration::minutes(min)
    }

    fn incident(times: &[(Status, i64)], status: Status, sev: Severity) -> Incident {
        Incident {
            id: super::super::super::IncidentId(1),
            title: "t".into(),
            summary: String::new(),
            service: "s".into(),
            severity: sev,
            status,
            commander: None,
            tags: vec![],
            declared_at: at(0),
            updated_at: at(0),
            status_times: times.iter().map(|(s, m)| (*s, at(*m))).collect(),
            last_stakeholder_update_at: None,
            version: 1,
            last_seq: 1,
            summary_cut: false,
            impact_started_at: None,
            state_counts: Default::default(),
            public: None,
            drill: None,
            alert_group: None,
            linked: Vec::new(),
            silenced: None,
            review: None,
            updates_sent: 0,
        }
    }

    #[test]
    fn phase_times_follow_the_status_times_and_the_current_phase_runs_to_now() {
        let i = incident(
            &[
                (Status::Triggered, 0),
                (Status::Acknowledged, 3),
                (Status::Identified, 20),
                (Status::Contained, 50),
            ],
            Status::Contained,
            Severity::Sev1,
        );
        let spans = phase_spans(&i, at(70));
        let mins: Vec<Option<i64>> = spans
            .iter()
            .map(|s| s.spent.map(|d| d.num_minutes()))
            .collect();
        assert_eq!(mins, vec![Some(20), Some(30), Some(20), None, None]);
        assert!(spans[2].current && !spans[1].current);
    }

    #[test]
    fn a_reopened_incident_has_no_negative_and_no_future_phase() {
        // Resolved at 60, reopened to investigating at 80 (its time is the latest).
        let i = incident(
            &[
                (Status::Triggered, 0),
                (Status::Identified, 20),
                (Status::Resolved, 60),
                (Status::Investigating, 80),
            ],
            Status::Investigating,
            Severity::Sev2,
        );
        let spans = phase_spans(&i, at(90));
        assert!(
            spans
                .iter()
                .all(|s| s.spent.is_none_or(|d| d >= Duration::zero()))
        );
        assert_eq!(spans[3].spent, None, "verification is not reached now");
        assert!(spans[0].current);
    }

    #[test]
    fn updates_follow_the_stages_of_the_guideline_with_a_chosen_clock() {
        use super::super::super::cadence::Stage;
        let p = Policy::default();
        let mut i = incident(
            &[(Status::Triggered, 0)],
            Status::Investigating,
            Severity::Sev1,
        );
        // Nothing sent: the initial message within 5 minutes.
        assert_eq!(p.next_update(&i, at(1)), Some((Stage::Initial, at(5))));
        // The first went out at 4: the scoping message 5 minutes after.
        i.last_stakeholder_update_at = Some(at(4));
        i.updates_sent = 1;
        assert_eq!(p.next_update(&i, at(6)), Some((Stage::Scoping, at(9))));
        // Then every 20 minutes for the first two hours...
        i.last_stakeholder_update_at = Some(at(9));
        i.updates_sent = 2;
        assert_eq!(p.next_update(&i, at(10)), Some((Stage::Regular, at(29))));
        i.last_stakeholder_update_at = Some(at(110));
        i.updates_sent = 7;
        assert_eq!(p.next_update(&i, at(111)), Some((Stage::Regular, at(130))));
        // ...and hourly for a long incident.
        assert_eq!(p.next_update(&i, at(121)), Some((Stage::Long, at(170))));
        // An incident from before updates were counted, with an update.
        i.updates_sent = 0;
        i.last_stakeholder_update_at = Some(at(4));
        assert_eq!(p.next_update(&i, at(6)).map(|x| x.0), Some(Stage::Scoping));
        // No cadence for SEV3; none once resolved.
        i.severity = Severity::Sev3;
        assert_eq!(
            p.update_due(&i, at(6)),
            None,
            "no cadence for SEV3 by default"
        );
        i.severity = Severity::Sev2;
        i.status = Status::Resolved;
        assert_eq!(p.update_due(&i, at(6)), None);
    }

    #[test]
    fn a_flat_cadence_from_an_earlier_config_keeps_meaning_what_it_said() {
        use super::super::super::cadence::Stage;
        let p: Policy = toml::from_str("update_cadence_minutes = { SEV1 = 30 }").unwrap();
        p.check().unwrap();
        let mut i = incident(
            &[(Status::Triggered, 0)],
            Status::Investigating,
            Severity::Sev1,
        );
        assert_eq!(p.next_update(&i, at(1)), Some((Stage::Flat, at(30))));
        i.last_stakeholder_update_at = Some(at(25));
        assert_eq!(p.update_due(&i, at(26)), Some(at(55)));
        assert_eq!(p.describe_cadence(Severity::Sev1), "SEV1 every 30m");
        // Set alone, it is the whole cadence, as before stages.
        assert_eq!(p.next_update(&i, at(26)).map(|x| x.1), Some(at(55)));
        assert!(p.update_due(&i, at(1)).is_some());
        i.severity = Severity::Sev2;
        assert_eq!(p.update_due(&i, at(26)), None, "only what is listed");
        // With stages beside it, each severity follows its own.
        let both: Policy = toml::from_str(
            "update_cadence_minutes = { SEV1 = 30 }\n\
             update_stages = { SEV2 = { initial = 5, scoping = 5, regular = 20, long_after = 120, long = 60 } }",
        )
        .unwrap();
        assert!(
            both.describe_cadence(Severity::Sev2)
                .contains("first 5m, scoping +5m")
        );
        assert_eq!(both.describe_cadence(Severity::Sev1), "SEV1 every 30m");
        let bad: Policy = toml::from_str("update_cadence_minutes = { SEV1 = 0 }").unwrap();
        assert!(bad.check().unwrap_err().contains("SEV1"));
        let bad: Policy = toml::from_str(
            "update_stages = { SEV1 = { initial = 0, scoping = 5, regular = 20, long_after = 120, long = 60 } }",
        )
        .unwrap();
        assert!(
            bad.check()
                .unwrap_err()
                .contains("update_stages.SEV1.initial")
        );
    }
}

mod template_tests {
    use super::super::super::cadence::{UpdateStage, blanks, template};
    use super::super::super::state_doc::{Component, Condition, Impact};
    use super::super::*;

    fn policy(toml_text: &str) -> Result<Policy, String> {
        let p: Policy = toml::from_str(toml_text).map_err(|e| e.to_string())?;
        p.check()?;
        Ok(p)
    }

    #[test]
    fn a_teams_template_is_filled_from_the_incident_and_a_bad_one_refused() {
        let p = policy(
            "[update_templates]\ninitial = \"{severity} on {service}: {customers} customers, \
             {components}. Workaround: [none yet]\"\n",
        )
        .unwrap();
        let mut inc = crate::model::declare(
            crate::model::IncidentId(7),
            crate::model::wire::DeclareRequest {
                title: "Checkout 502s\n[injected]".into(),
                service: "checkout\u{1b}[2J".into(),
                severity: Severity::Sev1,
                summary: String::new(),
                commander: None,
                tags: vec![],
            },
            &crate::model::Actor {
                handle: "a".into(),
                role: crate::model::ActorRole::Commander,
            },
            vec![],
            Utc::now(),
        )
        .unwrap()
        .incident;
        inc.updates_sent = 0;
        let impact = Impact {
            customers_affected: Some(1200),
            scope: String::new(),
            components: vec![Component {
                name: "Payments".into(),
                condition: Condition::Degraded,
            }],
        };
        let t = p
            .update_templates
            .get(&UpdateStage::Initial)
            .map(String::as_str);
        let text = template(t, UpdateStage::Initial, &inc, Some(&impact), None);
        assert_eq!(
            text,
            "SEV1 on checkout [2J: 1200 customers, Payments (degraded). Workaround: [none yet]\n"
        );
        assert_eq!(blanks(t.unwrap()), vec!["[none yet]".to_string()]);
        // The built-in one where the team set none, with the next update.
        let next = Utc::now();
        let text = template(None, UpdateStage::Update, &inc, None, Some(next));
        assert!(text.contains("[what changed since the last update]"));
        assert!(text.ends_with(&format!("Next update by {} UTC.", next.format("%H:%M"))));
        for (bad, why) in [
            (
                "[update_templates]\ninitial = \"{customer}\"\n",
                "`{customer}` is not a field",
            ),
            ("[update_templates]\nscoping = \"\"\n", "1 to 2000"),
            ("[update_templates]\nfinal = \"x\"\n", "unknown variant"),
        ] {
            let e = policy(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}
