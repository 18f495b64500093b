//! Referral rules: raw input in, a validated, normalised, scored
//! [`Referral`] out, or the reasons it cannot be taken.
//!
//! Both the site (step by step, as the referrer types) and the intake worker
//! (on the whole submission) call [`Content::validate`], so the rules and
//! their messages exist once. Only a [`Referral`] reaches scoring, storage
//! and forwarding; its fields are private so one cannot be built by hand.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::schema::{Content, Criterion, IntakeStatus, NotSure, Question, QuestionKind, Tier, NOT_SURE};
use crate::text::Lang;

/// Longest `max_len` a free-text question may set; the request body limit is
/// sized from it (checked by `check-content`).
pub const MAX_TEXT_LEN: usize = 2000;

/// The form's hidden honeypot field: people never see it, bots fill it in.
pub const HONEYPOT_FIELD: &str = "website";
/// The language the referrer used, so follow-up happens in it.
pub const LANG_FIELD: &str = "lang";
/// The form's hidden idempotency key (JSON clients send the
/// `Idempotency-Key` header instead): a resent form gets the same
/// reference instead of a second referral.
pub const IDEMPOTENCY_FIELD: &str = "idempotency_key";
/// The header JSON clients (the wizard too) send their idempotency key in:
/// the name of the IETF draft "The Idempotency-Key HTTP Header Field".
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// What the prerendered form holds in that field until the worker that
/// serves the page puts a fresh key there; sent as is, it means no key.
pub const IDEMPOTENCY_PLACEHOLDER: &str = "__IDEMPOTENCY_KEY__";
/// How long the wizard keeps unsent answers on the device, in hours. The
/// draft note and the privacy notice say so (a content test checks).
pub const DRAFT_MAX_AGE_HOURS: u32 = 4;
/// Longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// Reads an idempotency key as sent: a header value (an RFC 8941 string,
/// quotes optional) or the form field. `Ok(None)` when there is none.
pub fn idempotency_key(sent: &str) -> Result<Option<&str>, ErrorKind> {
    let trimmed = sent.trim();
    let key = trimmed
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .unwrap_or(trimmed);
    if key.is_empty() || key == IDEMPOTENCY_PLACEHOLDER {
        return Ok(None);
    }
    if key.len() > MAX_IDEMPOTENCY_KEY || !key.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\') {
        return Err(ErrorKind::BadIdempotencyKey);
    }
    Ok(Some(key))
}
/// Longest field name echoed back in an error.
const MAX_ECHOED_NAME: usize = 64;

/// Why one field was not accepted. The message for people is
/// [`ErrorKind::message`]; `code` is for programs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ErrorKind {
    /// A required question has no answer.
    Required,
    /// The answer is longer than the question allows.
    TooLong { max: usize },
    /// A choice answer that is not one of the options.
    UnknownOption,
    /// Not an email address.
    InvalidEmail,
    /// Not a phone number.
    InvalidPhone,
    /// Free text that contains HTML or script markup.
    Markup,
    /// Neither a phone number nor an email address was given.
    ContactNeeded,
    /// A JSON value that is not a string.
    WrongType,
    /// A field the form does not have.
    UnknownField,
    /// The same field sent more than once.
    Repeated,
    /// The honeypot field was filled in.
    Honeypot,
    /// `lang` is not a language the portal speaks.
    UnknownLanguage,
    /// The idempotency key (header or hidden field) is not 1 to 255
    /// visible ASCII characters.
    BadIdempotencyKey,
}

impl ErrorKind {
    pub fn message(&self, lang: Lang) -> String {
        use ErrorKind::*;
        match (self, lang) {
            (Required, Lang::En) => "Please answer this question.".into(),
            (Required, Lang::Es) => "Responda esta pregunta.".into(),
            (TooLong { max }, Lang::En) => format!("Please shorten this answer to {max} characters or fewer."),
            (TooLong { max }, Lang::Es) => format!("Acorte esta respuesta a {max} caracteres o menos."),
            (UnknownOption, Lang::En) => "Please choose one of the options shown.".into(),
            (UnknownOption, Lang::Es) => "Elija una de las opciones.".into(),
            (InvalidEmail, Lang::En) => "Please enter an email address like name@example.org.".into(),
            (InvalidEmail, Lang::Es) => "Escriba un correo como nombre@ejemplo.org.".into(),
            (InvalidPhone, Lang::En) => "Please enter a phone number of 7 to 15 digits.".into(),
            (InvalidPhone, Lang::Es) => "Escriba un teléfono de 7 a 15 dígitos.".into(),
            (Markup, Lang::En) => "Please remove the HTML tags (text between < and >).".into(),
            (Markup, Lang::Es) => "Quite las etiquetas HTML (texto entre < y >).".into(),
            (ContactNeeded, Lang::En) => "Please give a phone number or an email address.".into(),
            (ContactNeeded, Lang::Es) => "Indique un teléfono o un correo electrónico.".into(),
            (WrongType, Lang::En) => "This answer must be text.".into(),
            (WrongType, Lang::Es) => "Esta respuesta debe ser texto.".into(),
            (UnknownField, Lang::En) => "This form has no such question.".into(),
            (UnknownField, Lang::Es) => "Este formulario no tiene esa pregunta.".into(),
            (Repeated, Lang::En) => "This answer was sent more than once.".into(),
            (Repeated, Lang::Es) => "Esta respuesta se envió más de una vez.".into(),
            (Honeypot, Lang::En) => "Please leave this field empty.".into(),
            (Honeypot, Lang::Es) => "Deje este campo vacío.".into(),
            (UnknownLanguage, Lang::En) => "Language must be \"en\" or \"es\".".into(),
            (UnknownLanguage, Lang::Es) => "El idioma debe ser \"en\" o \"es\".".into(),
            (BadIdempotencyKey, Lang::En) => {
                "The idempotency key must be 1 to 255 visible ASCII characters, without quotes or backslashes.".into()
            }
            (BadIdempotencyKey, Lang::Es) => {
                "La clave de idempotencia debe tener de 1 a 255 caracteres ASCII visibles, sin comillas ni barras invertidas.".into()
            }
        }
    }
}

/// One field that was not accepted, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    #[serde(flatten)]
    pub kind: ErrorKind,
}

impl FieldError {
    pub fn new(field: &str, kind: ErrorKind) -> FieldError {
        let field = field.chars().take(MAX_ECHOED_NAME).collect();
        FieldError { field, kind }
    }
}

/// Answers exactly as received, before any rule has looked at them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawReferral {
    fields: BTreeMap<String, String>,
    /// Problems found while reading the input itself (types, repeats).
    shape_errors: Vec<FieldError>,
}

/// Why a JSON body could not be read as a referral at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    #[error("the body must be a JSON object of answers")]
    NotAnObject,
}

impl RawReferral {
    /// From form fields (urlencoded or the site's own state).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> RawReferral {
        let mut raw = RawReferral::default();
        for (k, v) in pairs {
            match raw.fields.entry(k.into()) {
                Entry::Occupied(e) => raw.shape_errors.push(FieldError::new(e.key(), ErrorKind::Repeated)),
                Entry::Vacant(e) => {
                    e.insert(v.into());
                }
            }
        }
        raw
    }

    /// From a JSON object whose values are strings (`null` counts as no answer).
    pub fn from_json(value: &serde_json::Value) -> Result<RawReferral, ShapeError> {
        let object = value.as_object().ok_or(ShapeError::NotAnObject)?;
        let mut raw = RawReferral::default();
        for (k, v) in object {
            match v {
                serde_json::Value::String(s) => {
                    raw.fields.insert(k.clone(), s.clone());
                }
                serde_json::Value::Null => {}
                _ => raw.shape_errors.push(FieldError::new(k, ErrorKind::WrongType)),
            }
        }
        Ok(raw)
    }

    pub fn get(&self, field: &str) -> &str {
        self.fields.get(field).map(String::as_str).unwrap_or("")
    }

    /// The language asked for, or English when none (or an unknown one) is given.
    pub fn lang(&self) -> Lang {
        Lang::parse(self.get(LANG_FIELD)).unwrap_or_default()
    }
}

/// A referral that passed every rule: normalised answers, its score and
/// tier, and the core criteria answered "I'm not sure" that the policy
/// flags for the program to check when it vets the referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Referral {
    lang: Lang,
    answers: BTreeMap<String, String>,
    score: u32,
    tier: String,
    to_check: Vec<String>,
}

impl Referral {
    pub fn lang(&self) -> Lang {
        self.lang
    }
    /// Normalised answers by question id; unanswered optional questions are absent.
    pub fn answers(&self) -> &BTreeMap<String, String> {
        &self.answers
    }
    pub fn answer(&self, id: &str) -> Option<&str> {
        self.answers.get(id).map(String::as_str)
    }
    pub fn score(&self) -> u32 {
        self.score
    }
    pub fn tier(&self) -> &str {
        &self.tier
    }
    /// Question ids of the core criteria answered "I'm not sure" under a
    /// policy that flags them.
    pub fn to_check(&self) -> &[String] {
        &self.to_check
    }
}

/// A core criterion the answers do not meet; `not_sure` when the answer
/// was "I'm not sure" and the policy refuses that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed<'a> {
    pub criterion: &'a Criterion,
    pub not_sure: bool,
}

/// Why a referral cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection<'a> {
    /// Some answers need correcting.
    Invalid(Vec<FieldError>),
    /// The core eligibility criteria do not hold; each failed criterion
    /// carries the kind explanation to show ([`Content::not_fit_reasons`]).
    NotEligible(Vec<Failed<'a>>),
    /// Intake is paused, or only priority referrals are being taken and this
    /// one is not.
    Closed(IntakeStatus),
}

/// Removes what never belongs in an answer: control characters and the
/// Unicode direction overrides that can make text display other than it reads.
/// Line breaks stay for [`normalise`] to keep (long text) or turn into spaces.
/// Also what any other text the portal writes out (a CSV cell) passes through.
pub fn strip_invisible(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            if c == '\n' {
                return true;
            }
            !(c.is_control()
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}'))
        })
        .collect()
}

/// Collapses runs of spaces and trims; for long text keeps single line breaks.
pub fn normalise(kind: QuestionKind, input: &str) -> String {
    let unified = input.replace("\r\n", "\n").replace(['\r', '\t'], " ");
    let multiline = kind == QuestionKind::LongText;
    let cleaned = strip_invisible(&unified);
    let lines = cleaned
        .split('\n')
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>();
    let text = lines.join(if multiline { "\n" } else { " " });
    match kind {
        QuestionKind::Email => text.to_lowercase(),
        _ => text,
    }
}

/// Does this text carry something a browser would read as a tag?
fn has_markup(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    bytes
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
        || lower.contains("javascript:")
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.contains(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '-'))
}

fn is_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits) && s.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

impl Content {
    /// The normalised answer to one question, or why it is not accepted.
    /// `None` means no answer (fine for an optional question).
    pub fn check_answer(&self, question: &Question, input: &str) -> Result<Option<String>, ErrorKind> {
        let value = normalise(question.kind, input);
        if value.is_empty() {
            return if question.required {
                Err(ErrorKind::Required)
            } else {
                Ok(None)
            };
        }
        match question.kind {
            QuestionKind::Choice => {
                if !self.options(question).iter().any(|c| c.value == value) {
                    return Err(ErrorKind::UnknownOption);
                }
            }
            _ => {
                let max = question.max_len.unwrap_or(MAX_TEXT_LEN);
                if value.chars().count() > max {
                    return Err(ErrorKind::TooLong { max });
                }
                if has_markup(&value) {
                    return Err(ErrorKind::Markup);
                }
                if question.kind == QuestionKind::Email && !is_email(&value) {
                    return Err(ErrorKind::InvalidEmail);
                }
                if question.kind == QuestionKind::Phone && !is_phone(&value) {
                    return Err(ErrorKind::InvalidPhone);
                }
            }
        }
        Ok(Some(value))
    }

    /// Errors for the given questions only: the site checks one step at a time.
    pub fn field_errors<'a>(
        &self,
        raw: &RawReferral,
        questions: impl IntoIterator<Item = &'a Question>,
    ) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut contact_asked = false;
        for q in questions {
            if let Err(kind) = self.check_answer(q, raw.get(&q.id)) {
                errors.push(FieldError::new(&q.id, kind));
            }
            contact_asked |= q.id == "contact_phone";
        }
        let blank = |id: &str, kind| normalise(kind, raw.get(id)).is_empty();
        if contact_asked && blank("contact_phone", QuestionKind::Phone) && blank("contact_email", QuestionKind::Email) {
            errors.push(FieldError::new("contact_phone", ErrorKind::ContactNeeded));
        }
        errors
    }

    /// The core criteria that the answers given so far do not meet.
    /// Unanswered questions are not counted as failures here. "I'm not
    /// sure" fails only where the policy refuses it.
    pub fn failed_criteria(&self, raw: &RawReferral) -> Vec<Failed<'_>> {
        self.policy
            .eligibility
            .iter()
            .filter_map(|criterion| {
                let answer = normalise(QuestionKind::Choice, raw.get(&criterion.question));
                let not_sure = answer == NOT_SURE;
                let met = answer.is_empty()
                    || criterion.accept.contains(&answer)
                    || (not_sure && matches!(criterion.not_sure, Some(NotSure::Accept | NotSure::Flag)));
                (!met).then_some(Failed { criterion, not_sure })
            })
            .collect()
    }

    /// What a referrer is told for each failed criterion: its reason and,
    /// where it applies, what "I'm not sure" does under this policy.
    pub fn not_fit_reasons(&self, failed: &[Failed<'_>], lang: Lang) -> Vec<String> {
        failed
            .iter()
            .map(|f| {
                let reason = f.criterion.reason.get(lang);
                let more = if f.not_sure {
                    Some(&self.copy.not_sure_refused)
                } else if matches!(f.criterion.not_sure, Some(NotSure::Accept | NotSure::Flag)) {
                    Some(&self.copy.not_sure_hint)
                } else {
                    None
                };
                match more {
                    Some(text) => format!("{reason} {}", self.policy.program.fill(text.get(lang), lang)),
                    None => reason.to_owned(),
                }
            })
            .collect()
    }

    /// Score and tier for a set of normalised answers.
    pub fn prioritise(&self, answers: &BTreeMap<String, String>) -> (u32, &Tier) {
        let score = answers
            .iter()
            .filter_map(|(q, a)| self.policy.weights.get(q)?.get(a))
            .sum();
        let tier = self
            .policy
            .tiers
            .iter()
            .find(|t| score >= t.min_score)
            .or(self.policy.tiers.last())
            .expect("the content check guarantees at least one tier");
        (score, tier)
    }

    /// Every rule, in the order a referrer meets them, with intake as the
    /// policy file sets it.
    pub fn validate(&self, raw: &RawReferral) -> Result<Referral, Rejection<'_>> {
        self.validate_with(raw, self.policy.intake.status)
    }

    /// Every rule, with intake `status` as it is now (the worker reads it at
    /// request time: [`crate::intake_state::current`]).
    pub fn validate_with(&self, raw: &RawReferral, status: IntakeStatus) -> Result<Referral, Rejection<'_>> {
        let mut errors = raw.shape_errors.clone();
        for field in raw.fields.keys() {
            let known = field == LANG_FIELD
                || field == HONEYPOT_FIELD
                || field == IDEMPOTENCY_FIELD
                || self.question(field).is_some();
            if !known {
                errors.push(FieldError::new(field, ErrorKind::UnknownField));
            }
        }
        if !raw.get(HONEYPOT_FIELD).is_empty() {
            errors.push(FieldError::new(HONEYPOT_FIELD, ErrorKind::Honeypot));
        }
        if let Err(kind) = idempotency_key(raw.get(IDEMPOTENCY_FIELD)) {
            errors.push(FieldError::new(IDEMPOTENCY_FIELD, kind));
        }
        if !raw.get(LANG_FIELD).is_empty() && Lang::parse(raw.get(LANG_FIELD)).is_none() {
            errors.push(FieldError::new(LANG_FIELD, ErrorKind::UnknownLanguage));
        }
        errors.extend(self.field_errors(raw, &self.questions.questions));
        if !errors.is_empty() {
            return Err(Rejection::Invalid(errors));
        }
        let failed = self.failed_criteria(raw);
        if !failed.is_empty() {
            return Err(Rejection::NotEligible(failed));
        }
        let answers: BTreeMap<String, String> = self
            .questions
            .questions
            .iter()
            .filter_map(|q| Some((q.id.clone(), self.check_answer(q, raw.get(&q.id)).ok()??)))
            .collect();
        let (score, tier) = self.prioritise(&answers);
        let to_check = self
            .policy
            .eligibility
            .iter()
            .filter(|c| c.not_sure == Some(NotSure::Flag) && answers.get(&c.question).is_some_and(|a| a == NOT_SURE))
            .map(|c| c.question.clone())
            .collect();
        let closed = match status {
            IntakeStatus::Open => false,
            IntakeStatus::Paused => true,
            IntakeStatus::PriorityOnly => !self.policy.intake.priority_tiers.contains(&tier.id),
        };
        if closed {
            return Err(Rejection::Closed(status));
        }
        Ok(Referral {
            lang: raw.lang(),
            answers,
            score,
            tier: tier.id.clone(),
            to_check,
        })
    }
}
