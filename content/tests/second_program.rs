//! A second program's content set proves that content is data: the
//! fictional Harbor County LEAD (`tests/programs/harbor-county/`) differs
//! from the shipped program in everything a program's content may change
//! (neighborhoods, referrer types, weights, tiers and thresholds, intake
//! status and capacity rule, what "I'm not sure" does, contact details,
//! privacy notice and outcome measures), passes the same checks the build runs, and the same
//! rules read it with no change to code.
//!
//! What belongs here: loading that content set and the rules as they read
//! it. The shipped program's rules are in `rules.rs`; broken edits of the
//! shipped files in `content_files.rs`.
//!
//! Needs the `toml` feature: `cargo test -p lead-content --features toml`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use lead_content::referral::{RawReferral, Rejection};
use lead_content::schema::{IntakeStatus, NotSure};
use lead_content::{intake, Content, Lang};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/programs/harbor-county")
}

fn harbor() -> Content {
    let read = |name: &str| {
        let path = dir().join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    Content::from_toml(&read("questions.toml"), &read("policy.toml"), &read("copy.toml")).unwrap_or_else(|errors| {
        let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("the second program's content is invalid:\n{}", all.join("\n"))
    })
}

fn values(choices: &[lead_content::schema::Choice]) -> BTreeSet<&str> {
    choices.iter().map(|c| c.value.as_str()).collect()
}

#[test]
fn check_content_passes_the_second_programs_content_set() {
    let output = Command::new(env!("CARGO_BIN_EXE_check-content"))
        .arg(dir())
        .output()
        .expect("check-content runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stdout.trim(),
        "content is valid: 16 questions in 4 steps, 4 tiers, intake PriorityOnly, 2 measures of the program's own"
    );
}

#[test]
fn the_second_program_differs_in_everything_content_may_change() {
    let (ours, theirs) = (intake(), harbor());
    let (a, b) = (&ours.policy, &theirs.policy);
    let (ours_places, theirs_places) = (values(&a.catchment), values(&b.catchment));
    let in_both: Vec<&str> = ours_places.intersection(&theirs_places).copied().collect();
    assert_eq!(in_both, ["outside"], "other neighborhoods");
    assert_ne!(values(&a.referrers), values(&b.referrers), "other referrer types");
    assert_ne!(a.weights, b.weights, "other weights");
    let tiers = |c: &Content| {
        c.policy
            .tiers
            .iter()
            .map(|t| (t.id.clone(), t.min_score))
            .collect::<Vec<_>>()
    };
    assert_ne!(tiers(ours), tiers(&theirs), "other tiers and thresholds");
    assert_eq!(theirs.policy.tiers.len(), 4);
    assert_ne!(a.intake.status, b.intake.status, "another intake status");
    assert_eq!(b.intake.status, IntakeStatus::PriorityOnly);
    assert_ne!(a.intake.priority_tiers, b.intake.priority_tiers);
    assert_ne!(
        (
            a.intake.capacity.average_above,
            a.intake.capacity.highest_at,
            a.intake.capacity.then
        ),
        (
            b.intake.capacity.average_above,
            b.intake.capacity.highest_at,
            b.intake.capacity.then
        ),
        "another capacity rule"
    );
    let not_sure = |c: &Content| c.policy.eligibility.iter().map(|e| e.not_sure).collect::<Vec<_>>();
    assert_ne!(not_sure(ours), not_sure(&theirs), "another \"not sure\" policy");
    assert_ne!(
        (&a.program.phone, &a.program.email),
        (&b.program.phone, &b.program.email),
        "other contact details"
    );
    for lang in Lang::ALL {
        assert_ne!(a.privacy.seen_by.get(lang), b.privacy.seen_by.get(lang));
        assert_ne!(a.privacy.referred_person.get(lang), b.privacy.referred_person.get(lang));
        assert_ne!(a.privacy.retention.get(lang), b.privacy.retention.get(lang));
        assert_ne!(ours.copy.site_name.get(lang), theirs.copy.site_name.get(lang));
    }
    // Its own outcome measures, read by the same check.
    let text = std::fs::read_to_string(dir().join("measures.toml")).expect("measures.toml");
    let theirs = lead_content::Measures::from_toml(&text).expect("valid measures");
    let codes = |m: &lead_content::SiteMeasures| m.measure.iter().map(|m| m.code.clone()).collect::<Vec<_>>();
    assert_ne!(
        codes(lead_content::measures()),
        codes(&theirs),
        "other outcome measures"
    );
}

/// A complete referral to Harbor County LEAD; rows change some answers.
fn referral(changes: &[(&str, &str)]) -> RawReferral {
    let mut pairs: Vec<(String, String)> = [
        ("lang", "en"),
        ("website", ""),
        ("chronic_conduct", "yes"),
        ("legal_response_expected", "yes"),
        ("neighborhood", "old_port"),
        ("frequency", "daily"),
        (
            "conduct_places",
            "Comes into the store most days and takes food without paying.",
        ),
        ("recent_harm", "none"),
        ("prior_help", "not_tried"),
        (
            "person_description",
            "Woman in her sixties, red raincoat, a cart of bottles.",
        ),
        ("usual_places_times", "Harbor St by the ferry dock, evenings."),
        ("referrer_type", "faith_community"),
        ("referrer_name", "Minh Tran"),
        ("contact_email", "minh@example.org"),
    ]
    .iter()
    .map(|&(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for &(field, value) in changes {
        match pairs.iter_mut().find(|(k, _)| k == field) {
            Some(pair) => pair.1 = value.to_owned(),
            None => pairs.push((field.to_owned(), value.to_owned())),
        }
    }
    RawReferral::from_pairs(pairs)
}

/// A table row: its name, the answers changed, the intake status, and
/// what happens ("tier score", "closed", "invalid", "not eligible: …").
type Row = (
    &'static str,
    &'static [(&'static str, &'static str)],
    IntakeStatus,
    &'static str,
);

#[test]
fn the_same_rules_read_the_second_programs_policy() {
    let content = harbor();
    let rows: &[Row] = &[
        // daily 5 + self 5 + not tried 2 = 12
        (
            "harm to self, daily",
            &[("recent_harm", "self")],
            IntakeStatus::Open,
            "urgent 12",
        ),
        // daily 5 + others 3 + not tried 2 = 10
        (
            "harm to others, daily",
            &[("recent_harm", "others")],
            IntakeStatus::Open,
            "urgent 10",
        ),
        // daily 5 + none 0 + not tried 2 = 7
        ("daily, no harm", &[], IntakeStatus::Open, "priority 7"),
        // weekly 2 + none 0 + currently helped 1 = 3
        (
            "weekly, helped",
            &[("frequency", "weekly"), ("prior_help", "currently_helped")],
            IntakeStatus::Open,
            "routine 3",
        ),
        // rarely 0 + none 0 + currently helped 1 = 1
        (
            "rarely",
            &[("frequency", "rarely"), ("prior_help", "currently_helped")],
            IntakeStatus::Open,
            "hold 1",
        ),
        // The shipped status, priority only: urgent and priority are taken.
        (
            "priority only takes priority",
            &[],
            IntakeStatus::PriorityOnly,
            "priority 7",
        ),
        (
            "priority only refuses routine",
            &[("frequency", "weekly"), ("prior_help", "currently_helped")],
            IntakeStatus::PriorityOnly,
            "closed",
        ),
        // A referrer type and neighborhood of this program only.
        (
            "service provider in Cedar Flats",
            &[("referrer_type", "service_provider"), ("neighborhood", "cedar_flats")],
            IntakeStatus::Open,
            "priority 7",
        ),
        (
            "the shipped program's neighborhood",
            &[("neighborhood", "downtown")],
            IntakeStatus::Open,
            "invalid",
        ),
        (
            "outside the county",
            &[("neighborhood", "outside")],
            IntakeStatus::Open,
            "not eligible: neighborhood",
        ),
        // "I'm not sure": taken on conduct, refused on the legal response.
        (
            "not sure of the conduct",
            &[("chronic_conduct", "unsure")],
            IntakeStatus::Open,
            "priority 7",
        ),
        (
            "not sure of the legal response",
            &[("legal_response_expected", "unsure")],
            IntakeStatus::Open,
            "not eligible: legal_response_expected",
        ),
    ];
    let mut failures = Vec::new();
    for (name, changes, status, want) in rows {
        let got = match content.validate_with(&referral(changes), *status) {
            Ok(r) => {
                assert!(r.to_check().is_empty(), "{name}: \"accept\" flags nothing");
                format!("{} {}", r.tier(), r.score())
            }
            Err(Rejection::Invalid(_)) => "invalid".to_owned(),
            Err(Rejection::NotEligible(criteria)) => format!(
                "not eligible: {}",
                criteria
                    .iter()
                    .map(|c| c.criterion.question.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Err(Rejection::Closed(_)) => "closed".to_owned(),
        };
        if got != *want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} row(s) failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    let modes: Vec<_> = content.policy.eligibility.iter().map(|e| e.not_sure).collect();
    assert_eq!(modes, [Some(NotSure::Accept), Some(NotSure::Refuse), None]);
}
