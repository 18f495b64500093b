//! The program's content and the rules that read it.
//!
//! Intake questions, the policy group's prioritisation policy and the page
//! text live as TOML under `content/intake/`; this crate gives them types
//! ([`schema`]), checks that a program manager's edits still make sense
//! ([`check`]), and holds the one copy of every referral rule: parsing raw
//! input into a validated [`referral::Referral`], normalising it and scoring
//! it into a tier ([`referral`]), and whether referrals are taken right now
//! ([`intake_state`]). The site, the workers and the build steps
//! all call these, so a rule and its message exist once.

pub mod check;
pub mod form;
pub mod intake_state;
pub mod page;
pub mod reference;
pub mod referral;
pub mod schema;
pub mod text;

use std::sync::OnceLock;

pub use check::{ContentError, Measures};
pub use lead_data::measures::SiteMeasures;
pub use schema::{CltText, Content, Copy, DashboardCopy, DashboardText, Policy, Question, QuestionKind, Questions};
pub use text::{Lang, Text};

/// The embedded intake content, parsed once.
///
/// # Panics
/// If the embedded files do not pass [`check::check`]. The test suite and
/// `check-content` run the same check, so a build that reaches users has
/// already passed it.
pub fn intake() -> &'static Content {
    static CONTENT: OnceLock<Content> = OnceLock::new();
    CONTENT.get_or_init(|| {
        Content::from_json(
            include_str!(concat!(env!("OUT_DIR"), "/questions.json")),
            include_str!(concat!(env!("OUT_DIR"), "/policy.json")),
            include_str!(concat!(env!("OUT_DIR"), "/copy.json")),
        )
        .unwrap_or_else(|errors| {
            let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!("embedded content is invalid:\n{}", all.join("\n"))
        })
    })
}

/// The embedded Community Leadership Team page text, parsed once.
///
/// # Panics
/// If `clt.toml` does not pass [`check::check_clt`] (the tests and
/// `check-content` run the same check first).
pub fn clt() -> &'static CltText {
    static TEXT: OnceLock<CltText> = OnceLock::new();
    TEXT.get_or_init(|| {
        CltText::from_json(include_str!(concat!(env!("OUT_DIR"), "/clt.json"))).unwrap_or_else(|errors| {
            let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!("embedded CLT text is invalid:\n{}", all.join("\n"))
        })
    })
}

/// The embedded dashboards' page text, parsed once.
///
/// # Panics
/// If `dashboards.toml` does not pass [`check::check_dashboards`] (the
/// tests and `check-content` run the same check first).
pub fn dashboards() -> &'static DashboardCopy {
    static TEXT: OnceLock<DashboardCopy> = OnceLock::new();
    TEXT.get_or_init(|| {
        DashboardCopy::from_json(include_str!(concat!(env!("OUT_DIR"), "/dashboards.json"))).unwrap_or_else(|errors| {
            let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!("embedded dashboards text is invalid:\n{}", all.join("\n"))
        })
    })
}

/// The embedded outcome measures the program declares, parsed once.
///
/// # Panics
/// If `measures.toml` does not pass [`check::check_measures`] (the tests
/// and `check-content` run the same check first).
pub fn measures() -> &'static SiteMeasures {
    static MEASURES: OnceLock<SiteMeasures> = OnceLock::new();
    MEASURES.get_or_init(|| {
        Measures::from_json(include_str!(concat!(env!("OUT_DIR"), "/measures.json"))).unwrap_or_else(|errors| {
            let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!("embedded measures are invalid:\n{}", all.join("\n"))
        })
    })
}

/// How a person reads `value` of `dim`: the data contract's label, or for
/// a priority tier or a measure of the program's own the content's; `None`
/// for a value neither knows.
pub fn value_label(dim: lead_data::tables::Dim, value: &str, lang: Lang) -> Option<&'static str> {
    match dim {
        lead_data::tables::Dim::SiteMeasure => measures().get(value).map(|m| m.name.get(lang)),
        lead_data::tables::Dim::PriorityTier => intake()
            .policy
            .tiers
            .iter()
            .find(|t| t.id == value)
            .map(|t| t.label.get(lang))
            .or_else(|| dim.label(value).map(|l| l.get(lang))),
        _ => dim.label(value).map(|l| l.get(lang)),
    }
}
