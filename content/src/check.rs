//! Loads the content files and checks that they still make sense after an
//! edit. The types are in [`crate::schema`]; this module depends on them,
//! never the other way round.
//!
//! Serde already rejects missing and unknown keys; this module checks what
//! types cannot: references between files, unique ids, thresholds in order,
//! and the questions the rules in code rely on. Each error names the file and
//! the field so a program manager can find it without reading Rust.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::schema::{
    CltCopy, CltText, Content, Copy as CopyFile, CopyText, DashboardCopy, IntakeStatus, Policy, QuestionKind, Questions,
};
use crate::Text;
use lead_data::measures::SiteMeasures;

pub const QUESTIONS_FILE: &str = "content/intake/questions.toml";
pub const POLICY_FILE: &str = "content/intake/policy.toml";
pub const COPY_FILE: &str = "content/intake/copy.toml";
pub const CLT_FILE: &str = "content/intake/clt.toml";
pub const DASHBOARDS_FILE: &str = "content/intake/dashboards.toml";
pub const MEASURES_FILE: &str = "content/intake/measures.toml";

/// Questions the referral rules read by id (eligibility is policy, but the
/// contact rule and the duplicate flag are code).
pub const REQUIRED_QUESTIONS: [&str; 4] = ["person_description", "referrer_type", "contact_phone", "contact_email"];

pub use crate::referral::MAX_TEXT_LEN;

/// A problem in a content file, with where to find it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ContentError {
    pub file: &'static str,
    pub field: String,
    pub message: String,
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.field, self.message)
        }
    }
}

impl ContentError {
    fn new(file: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        ContentError {
            file,
            field: field.into(),
            message: message.into(),
        }
    }

    pub(crate) fn parse(file: &'static str, error: impl fmt::Display) -> Self {
        ContentError::new(file, "", error.to_string().trim().to_string())
    }
}

/// Content is only ever made through these: parsed, then checked, so a
/// `Content` that exists has passed [`check`].
impl Content {
    /// Parses the JSON the build embeds (see `build.rs`) and checks it.
    pub fn from_json(questions: &str, policy: &str, copy: &str) -> Result<Content, Vec<ContentError>> {
        let questions = serde_json::from_str(questions).map_err(|e| vec![ContentError::parse(QUESTIONS_FILE, e)])?;
        let policy = serde_json::from_str(policy).map_err(|e| vec![ContentError::parse(POLICY_FILE, e)])?;
        let copy: CopyFile = serde_json::from_str(copy).map_err(|e| vec![ContentError::parse(COPY_FILE, e)])?;
        Content::checked(questions, policy, copy.text)
    }

    /// Parses the TOML sources as a program manager wrote them and checks them.
    #[cfg(feature = "toml")]
    pub fn from_toml(questions: &str, policy: &str, copy: &str) -> Result<Content, Vec<ContentError>> {
        let questions = toml::from_str(questions).map_err(|e| vec![ContentError::parse(QUESTIONS_FILE, e)])?;
        let policy = toml::from_str(policy).map_err(|e| vec![ContentError::parse(POLICY_FILE, e)])?;
        let copy: CopyFile = toml::from_str(copy).map_err(|e| vec![ContentError::parse(COPY_FILE, e)])?;
        Content::checked(questions, policy, copy.text)
    }

    fn checked(questions: Questions, policy: Policy, copy: CopyText) -> Result<Content, Vec<ContentError>> {
        let content = Content {
            questions,
            policy,
            copy,
        };
        passed(content, check)
    }
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Every problem found, in file order; empty when the content is usable.
pub fn check(content: &Content) -> Vec<ContentError> {
    let mut errors = Vec::new();
    check_questions(content, &mut errors);
    check_policy(content, &mut errors);
    check_texts(COPY_FILE, &content.copy.entries(), &mut errors);
    // The wizard forgets a draft after DRAFT_MAX_AGE_HOURS; what people
    // are told must say the same.
    let hours = crate::referral::DRAFT_MAX_AGE_HOURS;
    for (file, field, text) in [
        (COPY_FILE, "text.draft_note", &content.copy.draft_note),
        (POLICY_FILE, "privacy.on_device", &content.policy.privacy.on_device),
    ] {
        let said = [
            (crate::Lang::En, format!("{hours} hours")),
            (crate::Lang::Es, format!("{hours} horas")),
        ];
        for (lang, phrase) in said {
            if !text.get(lang).contains(&phrase) {
                errors.push(ContentError::new(
                    file,
                    format!("{field}.{}", lang.code()),
                    format!("must say how long a draft stays on the device ({phrase:?})"),
                ));
            }
        }
    }
    // The contact lines give the program's phone.
    for (key, text) in [
        ("reference_help", &content.copy.reference_help),
        ("phone_referral", &content.copy.phone_referral),
        ("contact_line", &content.copy.contact_line),
        ("not_sure_refused", &content.copy.not_sure_refused),
    ] {
        if !text.en.contains("{phone}") {
            errors.push(ContentError::new(
                COPY_FILE,
                format!("text.{key}"),
                "must give the program's phone ({phone})",
            ));
        }
    }
    // US English: the site is for a US program.
    for (file, field, text) in english_texts(content) {
        check_spelling(file, &field, &text, &mut errors);
    }
    errors
}

/// `value` if it passes `check`, else every problem the check found.
fn passed<T>(value: T, check: impl FnOnce(&T) -> Vec<ContentError>) -> Result<T, Vec<ContentError>> {
    let errors = check(&value);
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors)
    }
}

/// US English: each British spelling in the English text of `field`.
fn check_spelling(file: &'static str, field: &str, english: &str, errors: &mut Vec<ContentError>) {
    for word in british_spellings(english) {
        errors.push(ContentError::new(
            file,
            field.to_owned(),
            format!("{word:?} is British spelling; the site is in US English"),
        ));
    }
}

/// Each text of a page-text file (`[text]` in `copy.toml` or `clt.toml`)
/// is given in every language, with the same placeholders in each.
fn check_texts(file: &'static str, entries: &[(&str, &Text)], errors: &mut Vec<ContentError>) {
    check_section(file, "text", entries, errors);
}

/// Each text of `section` has both languages and the same placeholders in
/// each.
fn check_section(file: &'static str, section: &str, entries: &[(&str, &Text)], errors: &mut Vec<ContentError>) {
    for (key, text) in entries {
        if !text.is_complete() {
            errors.push(ContentError::new(
                file,
                format!("{section}.{key}"),
                "needs both en and es text",
            ));
        }
        let (en, es) = (placeholders(&text.en), placeholders(&text.es));
        if en != es {
            errors.push(ContentError::new(
                file,
                format!("{section}.{key}"),
                format!("en has the placeholders {en:?} and es {es:?}: they must be the same"),
            ));
        }
    }
}

impl CltText {
    /// Parses the JSON the build embeds and checks it.
    pub fn from_json(text: &str) -> Result<CltText, Vec<ContentError>> {
        let file: CltCopy = serde_json::from_str(text).map_err(|e| vec![ContentError::parse(CLT_FILE, e)])?;
        passed(file.text, check_clt)
    }

    /// Parses `clt.toml` as a program manager wrote it and checks it.
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<CltText, Vec<ContentError>> {
        let file: CltCopy = toml::from_str(text).map_err(|e| vec![ContentError::parse(CLT_FILE, e)])?;
        passed(file.text, check_clt)
    }
}

/// Every problem in the Community Leadership Team's page text.
pub fn check_clt(text: &CltText) -> Vec<ContentError> {
    let entries = text.entries();
    let mut errors = Vec::new();
    check_texts(CLT_FILE, &entries, &mut errors);
    for (key, text) in entries {
        check_spelling(CLT_FILE, &format!("text.{key}"), &text.en, &mut errors);
    }
    errors
}

impl DashboardCopy {
    /// Parses the JSON the build embeds and checks it.
    pub fn from_json(text: &str) -> Result<DashboardCopy, Vec<ContentError>> {
        let file: DashboardCopy =
            serde_json::from_str(text).map_err(|e| vec![ContentError::parse(DASHBOARDS_FILE, e)])?;
        passed(file, check_dashboards)
    }

    /// Parses `dashboards.toml` as a program manager wrote it and checks it.
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<DashboardCopy, Vec<ContentError>> {
        let file: DashboardCopy = toml::from_str(text).map_err(|e| vec![ContentError::parse(DASHBOARDS_FILE, e)])?;
        passed(file, check_dashboards)
    }
}

/// The outcome measures the program declares (`measures.toml`), checked.
pub struct Measures;

impl Measures {
    /// Parses the JSON the build embeds and checks it.
    pub fn from_json(text: &str) -> Result<SiteMeasures, Vec<ContentError>> {
        let file: SiteMeasures = serde_json::from_str(text).map_err(|e| vec![ContentError::parse(MEASURES_FILE, e)])?;
        passed(file, check_measures)
    }

    /// Parses `measures.toml` as a program manager wrote it and checks it.
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<SiteMeasures, Vec<ContentError>> {
        let file: SiteMeasures = toml::from_str(text).map_err(|e| vec![ContentError::parse(MEASURES_FILE, e)])?;
        passed(file, check_measures)
    }
}

/// Every problem in the declared measures: the contract's own rules
/// ([`SiteMeasures::problems`]) and British spelling.
pub fn check_measures(declared: &SiteMeasures) -> Vec<ContentError> {
    let mut errors: Vec<ContentError> = declared
        .problems()
        .into_iter()
        .map(|message| ContentError::new(MEASURES_FILE, "measure", message))
        .collect();
    for m in &declared.measure {
        check_spelling(
            MEASURES_FILE,
            &format!("measure {}: name.en", m.code),
            &m.name.en,
            &mut errors,
        );
        check_spelling(
            MEASURES_FILE,
            &format!("measure {}: about.en", m.code),
            &m.about.en,
            &mut errors,
        );
    }
    errors
}

/// Every problem in the dashboards' page text: a text missing a language
/// or a placeholder, British spelling, a page or chart of the data
/// contract with no intro or caption, or one that is not in the contract.
pub fn check_dashboards(copy: &DashboardCopy) -> Vec<ContentError> {
    use lead_data::tables::{ChartId, DashboardId};
    use lead_data::vocab::Vocabulary;
    let mut errors = Vec::new();
    let text = copy.text.entries();
    check_section(DASHBOARDS_FILE, "text", &text, &mut errors);
    let mut all: Vec<(String, &Text)> = text.iter().map(|(key, t)| (format!("text.{key}"), *t)).collect();
    fn keyed<'a, V: Vocabulary>(
        section: &str,
        map: &'a BTreeMap<String, Text>,
        what: &str,
        all: &mut Vec<(String, &'a Text)>,
        errors: &mut Vec<ContentError>,
    ) {
        for value in V::VALUES {
            if !map.contains_key(value.code()) {
                errors.push(ContentError::new(
                    DASHBOARDS_FILE,
                    format!("{section}.{}", value.code()),
                    format!("is missing: every {what} needs one ({})", value.labels().en),
                ));
            }
        }
        for key in map.keys() {
            if V::from_code(key).is_none() {
                let known: Vec<&str> = V::VALUES.iter().map(|v| v.code()).collect();
                errors.push(ContentError::new(
                    DASHBOARDS_FILE,
                    format!("{section}.{key}"),
                    format!("is not a {what}; the {what}s are {}", known.join(", ")),
                ));
            }
        }
        let entries: Vec<(&str, &Text)> = map.iter().map(|(k, t)| (k.as_str(), t)).collect();
        check_section(DASHBOARDS_FILE, section, &entries, errors);
        all.extend(map.iter().map(|(k, t)| (format!("{section}.{k}"), t)));
    }
    keyed::<DashboardId>("intro", &copy.intro, "dashboard page", &mut all, &mut errors);
    keyed::<ChartId>("caption", &copy.caption, "chart", &mut all, &mut errors);
    for (field, text) in all {
        check_spelling(DASHBOARDS_FILE, &field, &text.en, &mut errors);
    }
    errors
}

/// The `{name}` placeholders in a text, sorted.
fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| is_identifier(name))
        .collect()
}

/// Every English text of the content files, with where it is.
fn english_texts(content: &Content) -> Vec<(&'static str, String, String)> {
    let mut all = Vec::new();
    for step in &content.questions.steps {
        all.push((
            QUESTIONS_FILE,
            format!("step ({}).title", step.id),
            step.title.en.clone(),
        ));
        if let Some(intro) = &step.intro {
            all.push((QUESTIONS_FILE, format!("step ({}).intro", step.id), intro.en.clone()));
        }
    }
    for q in &content.questions.questions {
        let at = |f: &str| format!("question ({}).{f}", q.id);
        all.push((QUESTIONS_FILE, at("label"), q.label.en.clone()));
        if let Some(help) = &q.help {
            all.push((QUESTIONS_FILE, at("help"), help.en.clone()));
        }
        for c in &q.options {
            all.push((
                QUESTIONS_FILE,
                at(&format!("options ({})", c.value)),
                c.label.en.clone(),
            ));
            if let Some(notice) = &c.notice {
                all.push((
                    QUESTIONS_FILE,
                    at(&format!("options ({}).notice", c.value)),
                    notice.en.clone(),
                ));
            }
        }
    }
    let p = &content.policy;
    for c in p.referrers.iter().chain(&p.catchment) {
        all.push((POLICY_FILE, format!("{}.label", c.value), c.label.en.clone()));
    }
    for c in &p.eligibility {
        all.push((
            POLICY_FILE,
            format!("eligibility ({}).reason", c.question),
            c.reason.en.clone(),
        ));
    }
    for t in &p.tiers {
        all.push((POLICY_FILE, format!("tier ({}).label", t.id), t.label.en.clone()));
        all.push((POLICY_FILE, format!("tier ({}).meaning", t.id), t.meaning.en.clone()));
    }
    for (name, text) in p.privacy.entries() {
        all.push((POLICY_FILE, format!("privacy.{name}"), text.en.clone()));
    }
    all.push((POLICY_FILE, "program.hours".into(), p.program.hours.en.clone()));
    for (name, text) in p.intake.messages.entries() {
        all.push((POLICY_FILE, format!("intake.messages.{name}"), text.en.clone()));
    }
    for (key, text) in content.copy.entries() {
        all.push((COPY_FILE, format!("text.{key}"), text.en.clone()));
    }
    all
}

/// Stems of British spellings a US reader would notice, with the US form
/// in the comment. Matched at the start of a word, case-insensitively.
const BRITISH: [&str; 40] = [
    "neighbour",   // neighbor
    "organis",     // organiz-
    "recognis",    // recogniz-
    "prioritis",   // prioritiz-
    "realis",      // realiz-
    "minimis",     // minimiz-
    "summaris",    // summariz-
    "apologis",    // apologiz-
    "authoris",    // authoriz-
    "criticis",    // criticiz-
    "emphasise",   // emphasize
    "categoris",   // categoriz-
    "characteris", // characteriz-
    "stabilis",    // stabiliz-
    "utilis",      // utiliz-
    "normalis",    // normaliz-
    "finalis",     // finaliz-
    "offence",     // offense
    "defence",     // defense
    "licence",     // license
    "colour",      // color
    "behaviour",   // behavior
    "favour",      // favor
    "honour",      // honor
    "labour",      // labor
    "rumour",      // rumor
    "harbour",     // harbor
    "centre",      // center
    "programme",   // program
    "travell",     // travel-
    "cancell",     // cancel-
    "counsell",    // counsel-
    "enrolment",   // enrollment
    "catalogue",   // catalog
    "analyse",     // analyze
    "judgement",   // judgment
    "whilst",      // while
    "amongst",     // among
    "fulfil ",     // fulfill
    "practise",    // practice (the verb)
];

/// The British spellings in `text` (the words as written).
pub fn british_spellings(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphabetic() || c == '\''))
        .filter(|word| {
            let lower = format!("{} ", word.to_lowercase());
            BRITISH.iter().any(|stem| lower.starts_with(stem))
        })
        .map(str::to_owned)
        .collect()
}

fn check_questions(content: &Content, errors: &mut Vec<ContentError>) {
    let qs = &content.questions;
    let mut push = |field: String, message: String| errors.push(ContentError::new(QUESTIONS_FILE, field, message));
    if qs.steps.is_empty() {
        push("step".into(), "at least one step is needed".into());
    }
    let mut step_ids = BTreeSet::new();
    for (i, step) in qs.steps.iter().enumerate() {
        if !is_identifier(&step.id) {
            push(
                format!("step[{i}].id"),
                format!("{:?} must be lowercase letters, digits and _", step.id),
            );
        }
        if !step_ids.insert(step.id.as_str()) {
            push(
                format!("step[{i}].id"),
                format!("{:?} is used by another step", step.id),
            );
        }
        if !step.title.is_complete() {
            push(format!("step[{i}].title"), "needs both en and es text".into());
        }
    }
    let mut ids = BTreeSet::new();
    for (i, q) in qs.questions.iter().enumerate() {
        let at = |field: &str| format!("question[{i}] ({}).{field}", q.id);
        if !is_identifier(&q.id) {
            push(at("id"), format!("{:?} must be lowercase letters, digits and _", q.id));
        }
        if matches!(q.id.as_str(), "lang" | "website") {
            push(at("id"), format!("{:?} is reserved by the form", q.id));
        }
        if !ids.insert(q.id.as_str()) {
            push(at("id"), format!("{:?} is used by another question", q.id));
        }
        if !step_ids.contains(q.step.as_str()) {
            push(at("step"), format!("no step has id {:?}", q.step));
        }
        if !q.label.is_complete() {
            push(at("label"), "needs both en and es text".into());
        }
        if q.help.as_ref().is_some_and(|h| !h.is_complete()) {
            push(at("help"), "needs both en and es text".into());
        }
        match q.kind {
            QuestionKind::Choice => {
                if q.max_len.is_some() {
                    push(at("max_len"), "only text questions have a max_len".into());
                }
                match (q.options.is_empty(), q.options_from.is_some()) {
                    (true, false) => push(at("options"), "a choice question needs options or options_from".into()),
                    (false, true) => push(at("options"), "give options or options_from, not both".into()),
                    _ => {}
                }
                check_choices(&q.options, &at("options"), &mut push);
            }
            _ => {
                if !q.options.is_empty() || q.options_from.is_some() {
                    push(at("options"), "only choice questions have options".into());
                }
                match q.max_len {
                    Some(n) if (1..=MAX_TEXT_LEN).contains(&n) => {}
                    Some(n) => push(at("max_len"), format!("{n} is outside 1..={MAX_TEXT_LEN}")),
                    None => push(at("max_len"), "text questions need a max_len".into()),
                }
            }
        }
    }
    for id in REQUIRED_QUESTIONS {
        if !ids.contains(id) {
            push(
                "question".into(),
                format!("the question {id:?} is required by the referral rules"),
            );
        }
    }
}

fn check_choices(choices: &[crate::schema::Choice], at: &str, push: &mut impl FnMut(String, String)) {
    let mut seen = BTreeSet::new();
    for (j, c) in choices.iter().enumerate() {
        if !is_identifier(&c.value) {
            push(
                format!("{at}[{j}].value"),
                format!("{:?} must be lowercase letters, digits and _", c.value),
            );
        }
        if !seen.insert(c.value.as_str()) {
            push(format!("{at}[{j}].value"), format!("{:?} appears twice", c.value));
        }
        if !c.label.is_complete() {
            push(format!("{at}[{j}].label"), "needs both en and es text".into());
        }
        if c.notice.as_ref().is_some_and(|n| !n.is_complete()) {
            push(format!("{at}[{j}].notice"), "needs both en and es text".into());
        }
    }
}

/// Longest duplicate window a policy may set, in hours.
pub const MAX_DUPLICATE_WINDOW_HOURS: u32 = 30 * 24;

fn check_policy(content: &Content, errors: &mut Vec<ContentError>) {
    let p = &content.policy;
    let mut push = |field: String, message: String| errors.push(ContentError::new(POLICY_FILE, field, message));
    if p.referrers.is_empty() {
        push("referrers".into(), "at least one kind of referrer is needed".into());
    }
    check_choices(&p.referrers, "referrers", &mut push);
    if p.catchment.is_empty() {
        push("catchment".into(), "at least one neighborhood is needed".into());
    }
    check_choices(&p.catchment, "catchment", &mut push);

    let choice_values = |question: &str| -> Option<BTreeSet<&str>> {
        let q = content.question(question)?;
        (q.kind == QuestionKind::Choice).then(|| content.options(q).iter().map(|c| c.value.as_str()).collect())
    };
    if p.eligibility.is_empty() {
        push("eligibility".into(), "the core eligibility criteria are missing".into());
    }
    for (i, c) in p.eligibility.iter().enumerate() {
        let at = |f: &str| format!("eligibility[{i}].{f}");
        match choice_values(&c.question) {
            None => push(
                at("question"),
                format!("{:?} is not a choice question in questions.toml", c.question),
            ),
            Some(values) => {
                if c.accept.is_empty() {
                    push(at("accept"), "list at least one accepted answer".into());
                }
                for v in &c.accept {
                    if !values.contains(v.as_str()) {
                        push(at("accept"), format!("{v:?} is not an answer of {:?}", c.question));
                    }
                }
                let offers_not_sure = values.contains(crate::schema::NOT_SURE);
                match (offers_not_sure, c.not_sure) {
                    (true, None) => push(
                        at("not_sure"),
                        format!("{:?} offers \"I'm not sure\": say what that answer does (not_sure = \"accept\", \"flag\" or \"refuse\")", c.question),
                    ),
                    (false, Some(_)) => push(
                        at("not_sure"),
                        format!("{:?} has no {:?} answer, so not_sure does nothing", c.question, crate::schema::NOT_SURE),
                    ),
                    _ => {}
                }
                if c.accept.iter().any(|v| v == crate::schema::NOT_SURE) {
                    push(at("accept"), "list \"unsure\" in not_sure, not in accept".into());
                }
            }
        }
        if !c.reason.is_complete() {
            push(at("reason"), "needs both en and es text".into());
        }
    }
    for (question, answers) in &p.weights {
        let at = format!("weights.{question}");
        match choice_values(question) {
            None => push(at, format!("{question:?} is not a choice question in questions.toml")),
            Some(values) => {
                for (answer, points) in answers {
                    if !values.contains(answer.as_str()) {
                        push(
                            format!("{at}.{answer}"),
                            format!("{answer:?} is not an answer of {question:?}"),
                        );
                    }
                    if *points > 100 {
                        push(format!("{at}.{answer}"), format!("{points} points is more than 100"));
                    }
                }
            }
        }
    }
    if p.tiers.is_empty() {
        push("tier".into(), "at least one tier is needed".into());
    }
    let mut tier_ids = BTreeSet::new();
    for (i, t) in p.tiers.iter().enumerate() {
        let at = |f: &str| format!("tier[{i}] ({}).{f}", t.id);
        if !is_identifier(&t.id) {
            push(at("id"), format!("{:?} must be lowercase letters, digits and _", t.id));
        }
        if !tier_ids.insert(t.id.as_str()) {
            push(at("id"), format!("{:?} is used by another tier", t.id));
        }
        if let Some(prev) = i.checked_sub(1).and_then(|j| p.tiers.get(j)) {
            if t.min_score >= prev.min_score {
                push(
                    at("min_score"),
                    format!("{} must be lower than the tier above ({})", t.min_score, prev.min_score),
                );
            }
        }
        if !t.label.is_complete() || !t.meaning.is_complete() {
            push(at("label"), "label and meaning need both en and es text".into());
        }
    }
    if let Some(last) = p.tiers.last() {
        if last.min_score != 0 {
            push(
                format!("tier[{}] ({}).min_score", p.tiers.len() - 1, last.id),
                "the last tier must have min_score = 0 so every referral has a tier".into(),
            );
        }
    }
    for t in &p.intake.priority_tiers {
        if !tier_ids.contains(t.as_str()) {
            push("intake.priority_tiers".into(), format!("{t:?} is not a tier id"));
        }
    }
    if p.intake.status == IntakeStatus::PriorityOnly && p.intake.priority_tiers.is_empty() {
        push(
            "intake.priority_tiers".into(),
            "status is priority_only but no tier is listed as priority".into(),
        );
    }
    let window = p.intake.duplicate_window_hours;
    if !(1..=MAX_DUPLICATE_WINDOW_HOURS).contains(&window) {
        push(
            "intake.duplicate_window_hours".into(),
            format!("{window} must be from 1 to {MAX_DUPLICATE_WINDOW_HOURS} hours (a month at most: only a keyed hash is kept that long)"),
        );
    }
    let c = &p.intake.capacity;
    if !(c.average_above.is_finite() && c.average_above > 0.0) {
        push(
            "intake.capacity.average_above".into(),
            format!("{} must be a caseload above 0", c.average_above),
        );
    }
    if !(c.highest_at.is_finite() && c.highest_at >= c.average_above) {
        push(
            "intake.capacity.highest_at".into(),
            format!(
                "{} must be a caseload at least as high as average_above ({})",
                c.highest_at, c.average_above
            ),
        );
    }
    if c.then == IntakeStatus::Open {
        push(
            "intake.capacity.then".into(),
            "must be priority_only or paused: what capacity closes to".into(),
        );
    }
    if c.then == IntakeStatus::PriorityOnly && p.intake.priority_tiers.is_empty() {
        push(
            "intake.priority_tiers".into(),
            "capacity closes to priority_only but no tier is listed as priority".into(),
        );
    }
    if !(1..=24 * 30).contains(&c.stale_after_hours) {
        push(
            "intake.capacity.stale_after_hours".into(),
            format!("{} must be from 1 to 720 hours", c.stale_after_hours),
        );
    }
    for (name, text) in p.privacy.entries() {
        if !text.is_complete() {
            push(
                format!("privacy.{name}"),
                "needs both en and es text: the notice leaves nothing unset".into(),
            );
        }
    }
    let phone_digits = p.program.phone.chars().filter(char::is_ascii_digit).count();
    if !(3..=15).contains(&phone_digits) {
        push(
            "program.phone".into(),
            format!("{:?} is not a phone number people can call", p.program.phone),
        );
    }
    let email = p.program.email.trim();
    if email.len() > 254
        || email
            .split_once('@')
            .is_none_or(|(a, d)| a.is_empty() || !d.contains('.'))
    {
        push(
            "program.email".into(),
            format!("{:?} is not an email address", p.program.email),
        );
    }
    if !p.program.hours.is_complete() {
        push("program.hours".into(), "needs both en and es text".into());
    }
    for (name, text) in p.intake.messages.entries() {
        if !text.is_complete() {
            push(format!("intake.messages.{name}"), "needs both en and es text".into());
        }
    }
}
