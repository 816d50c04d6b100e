//! Tests of the parent module.

mod rules {
    use super::super::*;
    use chrono::FixedOffset;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn deadlines_count_calendar_days_or_business_days_in_the_servers_zone() {
        let utc = FixedOffset::east_opt(0).unwrap();
        // Friday 2026-12-04 15:00 UTC.
        let friday = at("2026-12-04T15:00:00Z");
        let sev1 = ReviewDeadline {
            days: 3,
            business: false,
        };
        let sev2 = ReviewDeadline {
            days: 5,
            business: true,
        };
        assert_eq!(
            due(friday, sev1, &utc),
            at("2026-12-07T15:00:00Z"),
            "Monday"
        );
        assert_eq!(
            due(friday, sev2, &utc),
            at("2026-12-11T15:00:00Z"),
            "next Friday"
        );
        // Resolved on a Saturday: counting starts Monday.
        let saturday = at("2026-12-05T10:00:00Z");
        assert_eq!(due(saturday, sev2, &utc), at("2026-12-11T10:00:00Z"));
        // Friday 23:30 UTC is Saturday 08:30 in Tokyo: five business days
        // from there end on Friday 08:30 Tokyo time, Thursday in UTC.
        let tokyo = FixedOffset::east_opt(9 * 3600).unwrap();
        let late = at("2026-12-04T23:30:00Z");
        assert_eq!(due(late, sev2, &tokyo), at("2026-12-10T23:30:00Z"));
        // In UTC the same moment is still Friday: Monday counts first, so
        // the fifth business day is Friday too.
        assert_eq!(due(late, sev2, &utc), at("2026-12-11T23:30:00Z"));
        // Thursday + 5 business days: the next Thursday.
        assert_eq!(
            due(at("2026-12-03T09:00:00Z"), sev2, &utc),
            at("2026-12-10T09:00:00Z")
        );
    }

    #[test]
    fn a_review_moves_one_step_at_a_time_and_is_overdue_past_what_is_due() {
        let r = Review {
            owner: "dana".into(),
            status: ReviewStatus::Draft,
            due: at("2026-12-07T15:00:00Z"),
            draft_due: at("2026-12-06T15:00:00Z"),
            steps: Vec::new(),
        };
        assert!(!r.overdue(at("2026-12-06T14:00:00Z")));
        assert!(r.overdue(at("2026-12-06T16:00:00Z")), "the draft is late");
        let mut r2 = r.clone();
        r2.status = ReviewStatus::InReview;
        assert!(!r2.overdue(at("2026-12-06T16:00:00Z")));
        assert!(
            r2.overdue(at("2026-12-07T16:00:00Z")),
            "the meeting is late"
        );
        r2.status = ReviewStatus::Reviewed;
        assert!(!r2.overdue(at("2027-01-01T00:00:00Z")));
        assert_eq!(ReviewStatus::Draft.next(), Some(ReviewStatus::InReview));
        assert_eq!("in-review".parse(), Ok(ReviewStatus::InReview));
    }
}

mod process {
    //! The whole process at chosen moments: a SEV1 resolved on a Friday,
    //! its review through the four statuses, overdue on the way.
    use super::super::*;
    use crate::model::wire::{DeclareRequest, TransitionRequest};
    use crate::model::{Action, ActorRole, Status, apply, declare};
    use chrono::FixedOffset;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn who(h: &str, role: ActorRole) -> Actor {
        Actor {
            handle: h.into(),
            role,
        }
    }

    fn resolved_on(sev: Severity, when: DateTime<Utc>) -> IncidentDetail {
        let ic = who("alice", ActorRole::Commander);
        let req = DeclareRequest {
            title: "checkout down".into(),
            service: "checkout".into(),
            severity: sev,
            summary: String::new(),
            commander: None,
            tags: Vec::new(),
        };
        let mut d = declare(crate::model::IncidentId(7), req, &ic, Vec::new(), when).unwrap();
        for to in [
            Status::Acknowledged,
            Status::Investigating,
            Status::Identified,
            Status::Contained,
            Status::Resolved,
        ] {
            let t = TransitionRequest {
                to,
                force: true,
                reason: Some("test".into()),
            };
            apply(
                &mut d,
                Action::Transition {
                    to: t.to,
                    force: t.force,
                    reason: t.reason,
                },
                &ic,
                when,
            )
            .unwrap();
        }
        d
    }

    fn facts(d: &IncidentDetail, untriaged: Option<String>) -> ReviewFacts {
        let resolved = d.incident.status_times[&Status::Resolved];
        let deadline = default_deadlines()[&d.incident.severity];
        ReviewFacts {
            due: Some(due(resolved, deadline, &FixedOffset::east_opt(0).unwrap())),
            draft_hours: 24,
            untriaged,
            no_deadline: None,
        }
    }

    #[test]
    fn a_sev1_resolved_on_a_friday_is_reviewed_by_monday_through_four_statuses() {
        let friday = at("2026-12-04T15:00:00Z");
        let mut d = resolved_on(Severity::Sev1, friday);
        let ic = who("alice", ActorRole::Commander);
        let f = facts(&d, None);
        let assign = Action::Review(
            ReviewAction::Assign {
                owner: "dana".into(),
            },
            f.clone(),
        );
        apply(&mut d, assign, &ic, friday).unwrap();
        let r = d.incident.review.clone().unwrap();
        assert_eq!(r.due, at("2026-12-07T15:00:00Z"), "3 calendar days: Monday");
        assert_eq!(r.draft_due, at("2026-12-06T15:00:00Z"), "24 hours before");
        assert_eq!(r.status, ReviewStatus::Draft);
        // Sunday evening: the draft is overdue.
        assert!(r.overdue(at("2026-12-06T18:00:00Z")));
        // A responder who is not the owner may not move it; the owner may.
        let bob = who("bob", ActorRole::Responder);
        let dana = who("dana", ActorRole::Responder);
        let step = |to| Action::Review(ReviewAction::Move { to }, f.clone());
        assert!(apply(&mut d, step(ReviewStatus::InReview), &bob, friday).is_err());
        apply(
            &mut d,
            step(ReviewStatus::InReview),
            &dana,
            at("2026-12-06T19:00:00Z"),
        )
        .unwrap();
        // Steps go one at a time.
        assert!(apply(&mut d, step(ReviewStatus::Closed), &dana, friday).is_err());
        let r = d.incident.review.clone().unwrap();
        assert!(!r.overdue(at("2026-12-07T14:00:00Z")));
        assert!(r.overdue(at("2026-12-07T16:00:00Z")), "the meeting is late");
        apply(
            &mut d,
            step(ReviewStatus::Reviewed),
            &dana,
            at("2026-12-07T16:30:00Z"),
        )
        .unwrap();
        // The incident closes without waiting for the review…
        apply(
            &mut d,
            Action::Transition {
                to: Status::Verified,
                force: true,
                reason: Some("test".into()),
            },
            &ic,
            at("2026-12-07T17:00:00Z"),
        )
        .unwrap();
        apply(
            &mut d,
            Action::Transition {
                to: Status::Closed,
                force: true,
                reason: Some("test".into()),
            },
            &ic,
            at("2026-12-07T17:00:00Z"),
        )
        .unwrap();
        // …and the review closes only with its follow-ups triaged.
        let untriaged = Action::Review(
            ReviewAction::Move {
                to: ReviewStatus::Closed,
            },
            facts(&d, Some("1 untriaged: #1 add a pool alert".into())),
        );
        let e = apply(&mut d, untriaged, &dana, at("2026-12-08T09:00:00Z")).unwrap_err();
        assert!(e.to_string().contains("untriaged"), "{e}");
        apply(
            &mut d,
            step(ReviewStatus::Closed),
            &dana,
            at("2026-12-08T10:00:00Z"),
        )
        .unwrap();
        let r = d.incident.review.clone().unwrap();
        assert_eq!(r.status, ReviewStatus::Closed);
        let steps: Vec<(ReviewStatus, &str)> =
            r.steps.iter().map(|s| (s.status, s.by.as_str())).collect();
        assert_eq!(
            steps,
            [
                (ReviewStatus::Draft, "alice"),
                (ReviewStatus::InReview, "dana"),
                (ReviewStatus::Reviewed, "dana"),
                (ReviewStatus::Closed, "dana"),
            ],
            "who moved each"
        );
        assert!(!r.overdue(at("2027-01-01T00:00:00Z")));
    }

    #[test]
    fn a_sev2_resolved_on_a_friday_waits_five_business_days() {
        let friday = at("2026-12-04T15:00:00Z");
        let mut d = resolved_on(Severity::Sev2, friday);
        let f = facts(&d, None);
        let assign = Action::Review(
            ReviewAction::Assign {
                owner: "dana".into(),
            },
            f,
        );
        apply(&mut d, assign, &who("alice", ActorRole::Commander), friday).unwrap();
        let r = d.incident.review.unwrap();
        assert_eq!(
            r.due,
            at("2026-12-11T15:00:00Z"),
            "the next Friday, not Wednesday"
        );
        assert_eq!(r.draft_due, at("2026-12-10T15:00:00Z"));
    }

    #[test]
    fn a_review_is_named_after_resolution_and_follow_ups_decide_closing() {
        let now = at("2026-12-04T15:00:00Z");
        let ic = who("alice", ActorRole::Commander);
        let req = DeclareRequest {
            title: "x".into(),
            service: "y".into(),
            severity: Severity::Sev1,
            summary: String::new(),
            commander: None,
            tags: Vec::new(),
        };
        let mut d = declare(crate::model::IncidentId(8), req, &ic, Vec::new(), now).unwrap();
        let assign = Action::Review(
            ReviewAction::Assign {
                owner: "dana".into(),
            },
            ReviewFacts::default(),
        );
        let e = apply(&mut d, assign, &ic, now).unwrap_err();
        assert!(e.to_string().contains("once it is resolved"), "{e}");
        let open = |owner: Option<&str>, due: bool| FollowUp {
            id: 1,
            incident: crate::model::IncidentId(8),
            title: "add a pool alert".into(),
            owner: owner.map(str::to_string),
            due: due.then(|| chrono::NaiveDate::from_ymd_opt(2026, 12, 20).unwrap()),
            priority: Default::default(),
            status: FollowUpStatus::Open,
            link: None,
            created_by: "alice".into(),
            created_at: now,
            updated_at: now,
        };
        assert!(may_close(&[open(None, false)]).is_err());
        assert!(may_close(&[open(Some("dana"), false)]).is_err());
        assert!(may_close(&[open(Some("dana"), true)]).is_ok());
        let mut wont = open(None, false);
        wont.status = FollowUpStatus::WontDo;
        assert!(may_close(&[wont]).is_ok(), "not doing is a decision");
    }
}
