//! The referral rules as a referrer meets them: how answers are normalised,
//! which single answers are accepted (`Content::check_answer`), which whole
//! referrals are taken (`Content::validate`), how they are scored into a tier,
//! when intake status turns them away, and the messages people see.
//!
//! Everything here runs against the shipped content (`lead_content::intake()`).
//! Loading and checking the content files themselves belongs in
//! `content_files.rs`.
//!
//! Each table row has a short name; a failing test lists every failing row
//! by name with what it got and what it expected.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use lead_content::referral::{
    idempotency_key, normalise, ErrorKind, FieldError, RawReferral, Rejection, ShapeError, HONEYPOT_FIELD,
    IDEMPOTENCY_FIELD, IDEMPOTENCY_PLACEHOLDER, LANG_FIELD,
};
use lead_content::schema::{IntakeStatus, Question, QuestionKind};
use lead_content::{intake, Content, Lang};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// Helpers

/// Panics listing every failing row, so one run shows all of them.
fn report(test: &str, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{test}: {} row(s) failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

fn err(field: &str, kind: ErrorKind) -> FieldError {
    FieldError::new(field, kind)
}

/// A shipped question by id.
fn shipped(id: &str) -> &'static Question {
    intake()
        .question(id)
        .unwrap_or_else(|| panic!("the shipped content has no question {id:?}"))
}

/// What happened to a referral, in a form that compares well in tables.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Taken, with this score and tier.
    Accepted {
        score: u32,
        tier: String,
    },
    /// Some answers need correcting (sorted by field, then kind).
    Invalid(Vec<FieldError>),
    /// These criteria (by question id) do not hold.
    NotEligible(Vec<String>),
    Closed(IntakeStatus),
}

fn accepted(score: u32, tier: &str) -> Outcome {
    Outcome::Accepted {
        score,
        tier: tier.into(),
    }
}

fn invalid(errors: impl IntoIterator<Item = FieldError>) -> Outcome {
    Outcome::Invalid(sorted(errors.into_iter().collect()))
}

fn not_eligible(questions: &[&str]) -> Outcome {
    Outcome::NotEligible(questions.iter().map(ToString::to_string).collect())
}

fn sorted(mut errors: Vec<FieldError>) -> Vec<FieldError> {
    errors.sort_by_key(|e| (e.field.clone(), format!("{:?}", e.kind)));
    errors
}

fn outcome(content: &Content, raw: &RawReferral) -> Outcome {
    match content.validate(raw) {
        Ok(referral) => Outcome::Accepted {
            score: referral.score(),
            tier: referral.tier().into(),
        },
        Err(Rejection::Invalid(errors)) => Outcome::Invalid(sorted(errors)),
        Err(Rejection::NotEligible(criteria)) => {
            Outcome::NotEligible(criteria.iter().map(|c| c.criterion.question.clone()).collect())
        }
        Err(Rejection::Closed(status)) => Outcome::Closed(status),
    }
}

/// A complete referral that every rule accepts. It scores
/// weekly (3) + no recent harm (0) + not tried (1) = 4: the standard tier.
const VALID: &[(&str, &str)] = &[
    ("lang", "en"),
    ("website", ""),
    ("chronic_conduct", "yes"),
    ("legal_response_expected", "yes"),
    ("neighborhood", "downtown"),
    ("frequency", "weekly"),
    (
        "conduct_places",
        "Sleeps in the shop entrance and shouts at customers, 3rd Ave and Pine.",
    ),
    ("recent_harm", "none"),
    ("prior_help", "not_tried"),
    (
        "person_description",
        "Man in his forties, green army jacket, pushes a shopping cart.",
    ),
    ("usual_places_times", "3rd Ave and Pine, mornings before 10."),
    ("referrer_type", "business"),
    ("referrer_name", "Ana Pérez"),
    ("contact_phone", "(206) 555-0100"),
];

/// One change to [`VALID`].
#[derive(Debug, Clone, Copy)]
enum Edit {
    /// Give this field this value (adding it if absent).
    Set(&'static str, &'static str),
    /// Leave this field out.
    Drop(&'static str),
    /// Send this field a second time with this value.
    Repeat(&'static str, &'static str),
}

fn pairs_with(edits: &[Edit]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = VALID.iter().map(|&(k, v)| (k.into(), v.into())).collect();
    for edit in edits {
        match *edit {
            Edit::Set(field, value) => match pairs.iter_mut().find(|(k, _)| k == field) {
                Some(pair) => pair.1 = value.into(),
                None => pairs.push((field.into(), value.into())),
            },
            Edit::Drop(field) => pairs.retain(|(k, _)| k != field),
            Edit::Repeat(field, value) => pairs.push((field.into(), value.into())),
        }
    }
    pairs
}

fn raw_with(edits: &[Edit]) -> RawReferral {
    RawReferral::from_pairs(pairs_with(edits))
}

fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect()
}

// ---------------------------------------------------------------------------
// normalise

#[test]
fn normalise_cleans_answers_per_kind() {
    use QuestionKind::*;
    #[rustfmt::skip]
    let cases: &[(&str, QuestionKind, &str, &str)] = &[
        // Trimming and collapsing.
        ("text is trimmed", Text, "  Ana  ", "Ana"),
        ("runs of spaces collapse", Text, "Ana    María", "Ana María"),
        ("tabs become spaces", Text, "Ana\t\tMaría", "Ana María"),
        ("no-break spaces collapse like spaces", Text, "Ana\u{a0}\u{a0}María", "Ana María"),
        ("whitespace only is empty", Text, " \t \r\n ", ""),
        ("empty stays empty", Text, "", ""),
        // Line breaks: kept only in long text.
        ("a line break in one-line text is a space", Text, "3rd Ave\nPine St", "3rd Ave Pine St"),
        ("a CRLF in one-line text is a space", Text, "3rd Ave\r\nPine St", "3rd Ave Pine St"),
        ("a lone CR in one-line text is a space", Text, "3rd Ave\rPine St", "3rd Ave Pine St"),
        ("a line break in an email is a space", Email, "ana@\nexample.org", "ana@ example.org"),
        ("a line break in a phone is a space", Phone, "206\n555 0100", "206 555 0100"),
        ("long text keeps a line break", LongText, "first line\nsecond line", "first line\nsecond line"),
        ("long text turns CRLF into a line break", LongText, "first\r\nsecond", "first\nsecond"),
        ("long text turns a lone CR into a space", LongText, "first\rsecond", "first second"),
        ("long text collapses blank lines", LongText, "first\r\n\r\n\r\nsecond", "first\nsecond"),
        ("long text trims each line", LongText, "  first  \n\t second\t", "first\nsecond"),
        ("long text drops leading and trailing lines", LongText, "\n\n first \n\n", "first"),
        ("long text collapses spaces within lines", LongText, "a   b\nc \t d", "a b\nc d"),
        // Control characters are removed.
        ("NUL and BEL are removed", Text, "An\u{0}a\u{7}", "Ana"),
        ("escape sequences lose their ESC", Text, "\u{1b}[31mred", "[31mred"),
        ("DEL is removed", LongText, "a\u{7f}b", "ab"),
        ("C1 controls are removed", Text, "a\u{9b}b", "ab"),
        // Direction overrides and marks are removed.
        ("right-to-left override is removed", Text, "invoice\u{202e}fdp.exe", "invoicefdp.exe"),
        ("left-to-right isolate is removed", Text, "\u{2066}Ana\u{2069}", "Ana"),
        ("embeddings are removed", LongText, "\u{202a}a\u{202c}\n\u{202b}b", "a\nb"),
        ("direction marks are removed", Text, "\u{200e}Ana\u{200f}", "Ana"),
        ("only invisible characters is empty", Text, "\u{202e}\u{2066}\u{0}", ""),
        ("an override between spaces leaves one space", Text, "a \u{202e} b", "a b"),
        // Case.
        ("email is lowercased", Email, "  Ana.Perez@Example.ORG ", "ana.perez@example.org"),
        ("email lowercases non-ASCII letters", Email, "ÁNA@EXAMPLE.ORG", "ána@example.org"),
        ("text keeps its case", Text, "Ana PÉREZ", "Ana PÉREZ"),
        ("choice keeps its case", Choice, " Weekly ", "Weekly"),
        ("phone keeps its punctuation", Phone, " +1 (206)  555-0100 ", "+1 (206) 555-0100"),
        // Ordinary text is untouched.
        ("accents and emoji are kept", Text, "José 👍", "José 👍"),
        ("markup is not stripped here", Text, "<b>hi</b>", "<b>hi</b>"),
    ];
    let mut failures = Vec::new();
    for &(name, kind, input, want) in cases {
        let got = normalise(kind, input);
        if got != want {
            failures.push(format!(
                "{name}: normalise({kind:?}, {input:?}) = {got:?}, want {want:?}"
            ));
        }
    }
    report("normalise", failures);
}

// ---------------------------------------------------------------------------
// check_answer

/// A question to check one answer against: a shipped question, with
/// `required` and `max_len` set for the row so boundaries are explicit.
#[derive(Debug, Clone, Copy)]
struct Q {
    id: &'static str,
    kind: QuestionKind,
    required: bool,
    max_len: Option<usize>,
}

impl Q {
    fn build(self) -> Question {
        let mut q = shipped(self.id).clone();
        assert_eq!(q.kind, self.kind, "the shipped question {:?} changed kind", self.id);
        q.required = self.required;
        q.max_len = self.max_len;
        q
    }
}

const CHOICE: Q = Q {
    id: "frequency",
    kind: QuestionKind::Choice,
    required: true,
    max_len: None,
};
const CHOICE_OPTIONAL: Q = Q {
    required: false,
    ..CHOICE
};
/// Options come from the policy's catchment list.
const CHOICE_FROM_POLICY: Q = Q {
    id: "neighborhood",
    kind: QuestionKind::Choice,
    required: true,
    max_len: None,
};
const TEXT: Q = Q {
    id: "referrer_name",
    kind: QuestionKind::Text,
    required: true,
    max_len: Some(5),
};
const TEXT_OPTIONAL: Q = Q {
    required: false,
    ..TEXT
};
const LONG: Q = Q {
    id: "person_description",
    kind: QuestionKind::LongText,
    required: true,
    max_len: Some(5),
};
const LONG_OPTIONAL: Q = Q {
    required: false,
    ..LONG
};
const LONG_ROOMY: Q = Q {
    max_len: Some(500),
    ..LONG
};
const TEXT_ROOMY: Q = Q {
    max_len: Some(80),
    ..TEXT
};
const EMAIL: Q = Q {
    id: "contact_email",
    kind: QuestionKind::Email,
    required: false,
    max_len: Some(254),
};
const EMAIL_REQUIRED: Q = Q {
    required: true,
    ..EMAIL
};
const EMAIL_SHORT: Q = Q {
    max_len: Some(20),
    ..EMAIL
};
const PHONE: Q = Q {
    id: "contact_phone",
    kind: QuestionKind::Phone,
    required: false,
    max_len: Some(30),
};
const PHONE_REQUIRED: Q = Q {
    required: true,
    ..PHONE
};
const PHONE_SHORT: Q = Q {
    max_len: Some(10),
    ..PHONE
};

type Answer = Result<Option<&'static str>, ErrorKind>;

const fn ok(s: &'static str) -> Answer {
    Ok(Some(s))
}
const NONE: Answer = Ok(None);
const REQUIRED: Answer = Err(ErrorKind::Required);
const UNKNOWN_OPTION: Answer = Err(ErrorKind::UnknownOption);
const MARKUP: Answer = Err(ErrorKind::Markup);
const BAD_EMAIL: Answer = Err(ErrorKind::InvalidEmail);
const BAD_PHONE: Answer = Err(ErrorKind::InvalidPhone);
const fn too_long(max: usize) -> Answer {
    Err(ErrorKind::TooLong { max })
}

/// (name, question, input, normalised answer or error)
type CheckCase = (&'static str, Q, &'static str, Answer);

fn run_check_answer(test: &str, cases: &[CheckCase]) {
    let content = intake();
    let mut failures = Vec::new();
    for (name, q, input, want) in cases {
        let got = content.check_answer(&q.build(), input);
        let want = want.clone().map(|v| v.map(String::from));
        if got != want {
            failures.push(format!("{name}: {} {input:?} gave {got:?}, want {want:?}", q.id));
        }
    }
    report(test, failures);
}

#[test]
fn required_and_optional_answers() {
    #[rustfmt::skip]
    let cases: &[CheckCase] = &[
        ("empty required choice", CHOICE, "", REQUIRED),
        ("blank required choice", CHOICE, " \t\r\n", REQUIRED),
        ("empty optional choice", CHOICE_OPTIONAL, "", NONE),
        ("blank optional choice", CHOICE_OPTIONAL, "  ", NONE),
        ("empty required text", TEXT, "", REQUIRED),
        ("blank required text", TEXT, "   \t ", REQUIRED),
        ("invisible-only required text", TEXT, "\u{202e}\u{0}", REQUIRED),
        ("empty optional text", TEXT_OPTIONAL, "", NONE),
        ("blank optional text", TEXT_OPTIONAL, " \r\n ", NONE),
        ("empty required long text", LONG, "", REQUIRED),
        ("blank-lines-only required long text", LONG, "\n \n\r\n", REQUIRED),
        ("empty optional long text", LONG_OPTIONAL, "", NONE),
        ("empty required email", EMAIL_REQUIRED, "", REQUIRED),
        ("blank optional email", EMAIL, "  ", NONE),
        ("empty required phone", PHONE_REQUIRED, "", REQUIRED),
        ("blank optional phone", PHONE, " \t", NONE),
    ];
    run_check_answer("required and optional", cases);
}

#[test]
fn choice_answers_must_be_one_of_the_options() {
    #[rustfmt::skip]
    let cases: &[CheckCase] = &[
        ("an option", CHOICE, "weekly", ok("weekly")),
        ("every option is accepted: daily", CHOICE, "daily", ok("daily")),
        ("every option is accepted: rarely", CHOICE, "rarely", ok("rarely")),
        ("an option with surrounding whitespace", CHOICE, " \tweekly \r\n", ok("weekly")),
        ("an option with a direction mark", CHOICE, "\u{200e}weekly", ok("weekly")),
        ("an unknown option", CHOICE, "hourly", UNKNOWN_OPTION),
        ("an option in another case", CHOICE, "Weekly", UNKNOWN_OPTION),
        ("an option's label instead of its value", CHOICE, "About weekly", UNKNOWN_OPTION),
        ("two options", CHOICE, "daily weekly", UNKNOWN_OPTION),
        ("an option with inner spaces", CHOICE, "week ly", UNKNOWN_OPTION),
        ("an option of another question", CHOICE, "downtown", UNKNOWN_OPTION),
        ("markup in a choice is just an unknown option", CHOICE, "<b>weekly</b>", UNKNOWN_OPTION),
        ("an unknown optional option", CHOICE_OPTIONAL, "hourly", UNKNOWN_OPTION),
        ("a catchment option from the policy", CHOICE_FROM_POLICY, "riverside", ok("riverside")),
        ("the catchment's outside option", CHOICE_FROM_POLICY, "outside", ok("outside")),
        ("a neighbourhood the policy does not list", CHOICE_FROM_POLICY, "uptown", UNKNOWN_OPTION),
    ];
    run_check_answer("choices", cases);
}

#[test]
fn free_text_length_is_counted_in_characters_after_normalising() {
    #[rustfmt::skip]
    let cases: &[CheckCase] = &[
        ("text at max_len", TEXT, "abcde", ok("abcde")),
        ("text at max_len + 1", TEXT, "abcdef", too_long(5)),
        ("accented text at max_len", TEXT, "ééééé", ok("ééééé")),
        ("accented text at max_len + 1", TEXT, "éééééé", too_long(5)),
        ("emoji at max_len", TEXT, "😀😀😀😀😀", ok("😀😀😀😀😀")),
        ("emoji at max_len + 1", TEXT, "😀😀😀😀😀😀", too_long(5)),
        ("mixed scripts at max_len", TEXT, "añ😀ü文", ok("añ😀ü文")),
        ("surrounding whitespace does not count", TEXT, "   abcde \t ", ok("abcde")),
        ("collapsed spaces count once", TEXT, "ab    de", ok("ab de")),
        ("invisible characters do not count", TEXT, "ab\u{202e}c\u{0}de", ok("abcde")),
        ("too long optional text", TEXT_OPTIONAL, "abcdef", too_long(5)),
        ("long text at max_len with a line break", LONG, "ab\ncd", ok("ab\ncd")),
        ("long text line break counts as a character", LONG, "abc\ncd", too_long(5)),
        ("long text at max_len + 1", LONG, "ééééé😀", too_long(5)),
        ("blank lines do not count", LONG, "ab\n\n\n\ncd", ok("ab\ncd")),
        ("email at max_len", EMAIL_SHORT, "abcdefgh@example.org", ok("abcdefgh@example.org")),
        ("email at max_len + 1", EMAIL_SHORT, "abcdefghi@example.org", too_long(20)),
        ("phone at max_len", PHONE_SHORT, "2065550100", ok("2065550100")),
        ("phone at max_len + 1", PHONE_SHORT, "206-5550100", too_long(10)),
        ("length is checked before format", EMAIL_SHORT, "not-an-email-at-all-really", too_long(20)),
    ];
    run_check_answer("length", cases);
}

#[test]
fn shipped_free_text_questions_accept_exactly_their_max_len() {
    let content = intake();
    let mut failures = Vec::new();
    for q in content.questions.questions.iter().filter(|q| q.kind.is_free_text()) {
        let max = q.max_len.unwrap_or_else(|| panic!("{} has no max_len", q.id));
        // An answer of exactly `len` characters that is otherwise valid.
        let answer = |len: usize| match q.kind {
            QuestionKind::Email => {
                format!("{}@example.org", "a".repeat(len - "@example.org".len()))
            }
            QuestionKind::Phone => format!("2065550100{}", "-".repeat(len - 10)),
            _ => "é".repeat(len),
        };
        let at_max = answer(max);
        if content.check_answer(q, &at_max) != Ok(Some(at_max.clone())) {
            failures.push(format!("{}: {max} characters should be accepted", q.id));
        }
        if content.check_answer(q, &answer(max + 1)) != Err(ErrorKind::TooLong { max }) {
            failures.push(format!("{}: {} characters should be too long", q.id, max + 1));
        }
    }
    report("shipped max_len", failures);
}

#[test]
fn emails_need_one_at_and_a_dotted_domain() {
    #[rustfmt::skip]
    let cases: &[CheckCase] = &[
        ("a plain address", EMAIL, "ana@example.org", ok("ana@example.org")),
        ("an address is lowercased", EMAIL, "Ana.Perez@Example.ORG", ok("ana.perez@example.org")),
        ("plus addressing", EMAIL, "ana+lead@example.org", ok("ana+lead@example.org")),
        ("a subdomain", EMAIL, "ana@mail.example.org", ok("ana@mail.example.org")),
        ("a hyphenated domain", EMAIL, "ana@my-shop.example", ok("ana@my-shop.example")),
        ("an international domain", EMAIL, "ana@café.example", ok("ana@café.example")),
        ("surrounding whitespace", EMAIL, "  ana@example.org\t", ok("ana@example.org")),
        ("no @", EMAIL, "ana.example.org", BAD_EMAIL),
        ("two @ in a row", EMAIL, "ana@@example.org", BAD_EMAIL),
        ("two @ apart", EMAIL, "ana@shop@example.org", BAD_EMAIL),
        ("no dot in the domain", EMAIL, "ana@example", BAD_EMAIL),
        ("a space in the local part", EMAIL, "ana perez@example.org", BAD_EMAIL),
        ("a space in the domain", EMAIL, "ana@example .org", BAD_EMAIL),
        ("a space after the @", EMAIL, "ana@ example.org", BAD_EMAIL),
        ("empty local part", EMAIL, "@example.org", BAD_EMAIL),
        ("empty domain", EMAIL, "ana@", BAD_EMAIL),
        ("empty label between dots", EMAIL, "ana@example..org", BAD_EMAIL),
        ("empty first label", EMAIL, "ana@.example.org", BAD_EMAIL),
        ("empty last label", EMAIL, "ana@example.org.", BAD_EMAIL),
        ("an underscore in the domain", EMAIL, "ana@my_shop.org", BAD_EMAIL),
        ("a name and address", EMAIL, "Ana Pérez ana@example.org", BAD_EMAIL),
        ("an address in angle brackets is markup", EMAIL, "<ana@example.org>", MARKUP),
        ("a phone number in the email field", EMAIL, "206 555 0100", BAD_EMAIL),
    ];
    run_check_answer("emails", cases);
}

#[test]
fn phones_need_7_to_15_digits_and_only_phone_punctuation() {
    #[rustfmt::skip]
    let cases: &[CheckCase] = &[
        ("6 digits", PHONE, "555010", BAD_PHONE),
        ("7 digits", PHONE, "5550100", ok("5550100")),
        ("15 digits", PHONE, "123456789012345", ok("123456789012345")),
        ("16 digits", PHONE, "1234567890123456", BAD_PHONE),
        ("6 digits with punctuation", PHONE, "(55) 50-10", BAD_PHONE),
        ("international format", PHONE, "+1 (206) 555-0100", ok("+1 (206) 555-0100")),
        ("dots", PHONE, "206.555.0100", ok("206.555.0100")),
        ("extra spaces collapse", PHONE, " 206   555  0100 ", ok("206 555 0100")),
        ("letters", PHONE, "555-CALL-NOW", BAD_PHONE),
        ("digits and an extension word", PHONE, "206 555 0100 ext 5", BAD_PHONE),
        ("a trailing x", PHONE, "2065550100x", BAD_PHONE),
        ("a slash", PHONE, "206/555/0100", BAD_PHONE),
        ("a hash", PHONE, "#2065550100", BAD_PHONE),
        ("full-width digits", PHONE, "２０６５５５０１００", BAD_PHONE),
        ("Arabic-Indic digits", PHONE, "٢٠٦٥٥٥٠١٠٠", BAD_PHONE),
        ("punctuation only", PHONE, "+() -.", BAD_PHONE),
        ("an email in the phone field", PHONE, "ana@example.org", BAD_PHONE),
    ];
    run_check_answer("phones", cases);
}

#[test]
fn free_text_with_markup_is_refused_but_comparisons_are_not() {
    #[rustfmt::skip]
    let cases: &[CheckCase] = &[
        ("a script tag", TEXT_ROOMY, "<script>alert(1)</script>", MARKUP),
        ("a script tag in mixed case", TEXT_ROOMY, "<ScRiPt>alert(1)</sCrIpT>", MARKUP),
        ("a closing tag", TEXT_ROOMY, "bold</b>", MARKUP),
        ("an HTML comment", TEXT_ROOMY, "hello <!-- hidden -->", MARKUP),
        ("a doctype", TEXT_ROOMY, "<!DOCTYPE html>", MARKUP),
        ("a processing instruction", TEXT_ROOMY, "<?php echo 1; ?>", MARKUP),
        ("an svg with an event handler", TEXT_ROOMY, "<svg onload=alert(1)>", MARKUP),
        ("an img tag", TEXT_ROOMY, "<img src=x onerror=alert(1)>", MARKUP),
        ("a tag without spaces around it", TEXT_ROOMY, "a<b", MARKUP),
        ("a javascript URL", TEXT_ROOMY, "javascript:alert(1)", MARKUP),
        ("a javascript URL in mixed case", TEXT_ROOMY, "JaVaScRiPt:alert(1)", MARKUP),
        ("a javascript URL in capitals", TEXT_ROOMY, "see JAVASCRIPT:alert(1)", MARKUP),
        ("a javascript URL hidden by an override", TEXT_ROOMY, "java\u{202e}script:alert(1)", MARKUP),
        ("a tag split by a control character", TEXT_ROOMY, "<\u{0}script>", MARKUP),
        ("a tag in long text", LONG_ROOMY, "fine\n<script>x</script>", MARKUP),
        ("a tag across a long-text line", LONG_ROOMY, "fine <\nb>", ok("fine <\nb>")),
        ("a tag in an optional answer", TEXT_OPTIONAL, "<b>", MARKUP),
        ("a tag in an email", EMAIL, "<b>@example.org", MARKUP),
        ("a tag in a phone", PHONE, "<b>2065550100", MARKUP),
        ("less than with spaces", TEXT_ROOMY, "a < b", ok("a < b")),
        ("a heart", TEXT_ROOMY, "thanks <3", ok("thanks <3")),
        ("greater than", TEXT_ROOMY, "5 > 4", ok("5 > 4")),
        ("both comparisons", TEXT_ROOMY, "1 < 2 and 3 > 2", ok("1 < 2 and 3 > 2")),
        ("less than a number", TEXT_ROOMY, "x<10", ok("x<10")),
        ("an arrow", TEXT_ROOMY, "here -> there <- back", ok("here -> there <- back")),
        ("the word javascript alone", TEXT_ROOMY, "learning javascript", ok("learning javascript")),
        ("a full-width angle bracket", TEXT_ROOMY, "＜script＞", ok("＜script＞")),
    ];
    run_check_answer("markup", cases);
}

// ---------------------------------------------------------------------------
// validate

#[test]
fn the_valid_referral_is_accepted_as_standard() {
    let referral = intake()
        .validate(&raw_with(&[]))
        .expect("the valid referral is accepted");
    assert_eq!(referral.tier(), "standard");
    assert_eq!(referral.score(), 4);
    assert_eq!(referral.lang(), Lang::En);
}

/// A field name longer than the 64 characters an error echoes back.
const LONG_FIELD: &str = "a_field_name_much_longer_than_the_sixty_four_characters_an_error_echoes";

#[test]
fn validate_one_change_at_a_time() {
    use Edit::*;
    #[rustfmt::skip]
    let cases: Vec<(&str, Vec<Edit>, Outcome)> = vec![
        ("the valid referral", vec![], accepted(4, "standard")),
        // Language.
        ("Spanish", vec![Set("lang", "es")], accepted(4, "standard")),
        ("no language given", vec![Drop("lang")], accepted(4, "standard")),
        ("empty language", vec![Set("lang", "")], accepted(4, "standard")),
        ("unknown language", vec![Set("lang", "fr")], invalid([err(LANG_FIELD, ErrorKind::UnknownLanguage)])),
        ("language in capitals", vec![Set("lang", "EN")], invalid([err(LANG_FIELD, ErrorKind::UnknownLanguage)])),
        ("language with a region", vec![Set("lang", "es-MX")], invalid([err(LANG_FIELD, ErrorKind::UnknownLanguage)])),
        // Honeypot.
        ("honeypot absent", vec![Drop("website")], accepted(4, "standard")),
        ("honeypot filled", vec![Set(HONEYPOT_FIELD, "http://spam.example")], invalid([err("website", ErrorKind::Honeypot)])),
        ("honeypot with a space", vec![Set(HONEYPOT_FIELD, " ")], invalid([err("website", ErrorKind::Honeypot)])),
        // Idempotency key (the form's hidden field).
        ("idempotency key", vec![Set(IDEMPOTENCY_FIELD, "8e03978e-40d5-43e8-bc93-6894a57f9324")], accepted(4, "standard")),
        ("empty idempotency key", vec![Set(IDEMPOTENCY_FIELD, "")], accepted(4, "standard")),
        ("key left as the page's placeholder", vec![Set(IDEMPOTENCY_FIELD, IDEMPOTENCY_PLACEHOLDER)], accepted(4, "standard")),
        ("idempotency key with a space", vec![Set(IDEMPOTENCY_FIELD, "a b")], invalid([err(IDEMPOTENCY_FIELD, ErrorKind::BadIdempotencyKey)])),
        ("idempotency key not in ASCII", vec![Set(IDEMPOTENCY_FIELD, "clé-1")], invalid([err(IDEMPOTENCY_FIELD, ErrorKind::BadIdempotencyKey)])),
        // Missing, unknown and repeated fields.
        ("missing required choice", vec![Drop("frequency")], invalid([err("frequency", ErrorKind::Required)])),
        ("missing required long text", vec![Drop("person_description")], invalid([err("person_description", ErrorKind::Required)])),
        ("blank required text", vec![Set("referrer_name", "   ")], invalid([err("referrer_name", ErrorKind::Required)])),
        ("missing eligibility answer", vec![Drop("chronic_conduct")], invalid([err("chronic_conduct", ErrorKind::Required)])),
        ("two missing answers", vec![Drop("frequency"), Drop("referrer_type")], invalid([err("frequency", ErrorKind::Required), err("referrer_type", ErrorKind::Required)])),
        ("unknown field", vec![Set("favourite_colour", "blue")], invalid([err("favourite_colour", ErrorKind::UnknownField)])),
        ("unknown empty field", vec![Set("favourite_colour", "")], invalid([err("favourite_colour", ErrorKind::UnknownField)])),
        ("field in another case", vec![Set("Frequency", "weekly")], invalid([err("Frequency", ErrorKind::UnknownField)])),
        ("long unknown field name is cut to 64 characters", vec![Set(LONG_FIELD, "x")], invalid([err(&LONG_FIELD[..64], ErrorKind::UnknownField)])),
        ("repeated answer", vec![Repeat("frequency", "daily")], invalid([err("frequency", ErrorKind::Repeated)])),
        ("repeated identical answer", vec![Repeat("frequency", "weekly")], invalid([err("frequency", ErrorKind::Repeated)])),
        ("repeated honeypot", vec![Repeat(HONEYPOT_FIELD, "")], invalid([err("website", ErrorKind::Repeated)])),
        ("repeated language", vec![Repeat(LANG_FIELD, "es")], invalid([err("lang", ErrorKind::Repeated)])),
        // Answers that fail their own rule.
        ("unknown option", vec![Set("frequency", "hourly")], invalid([err("frequency", ErrorKind::UnknownOption)])),
        ("unknown referrer type", vec![Set("referrer_type", "police")], invalid([err("referrer_type", ErrorKind::UnknownOption)])),
        ("markup in a description", vec![Set("person_description", "<img src=x>")], invalid([err("person_description", ErrorKind::Markup)])),
        ("invalid phone", vec![Set("contact_phone", "call me")], invalid([err("contact_phone", ErrorKind::InvalidPhone)])),
        ("invalid email with a phone", vec![Set("contact_email", "ana-at-example.org")], invalid([err("contact_email", ErrorKind::InvalidEmail)])),
        // Contact.
        ("email instead of phone", vec![Drop("contact_phone"), Set("contact_email", "ana@example.org")], accepted(4, "standard")),
        ("both phone and email", vec![Set("contact_email", "ana@example.org")], accepted(4, "standard")),
        ("neither phone nor email", vec![Drop("contact_phone")], invalid([err("contact_phone", ErrorKind::ContactNeeded)])),
        ("blank phone and email", vec![Set("contact_phone", " \t"), Set("contact_email", "  ")], invalid([err("contact_phone", ErrorKind::ContactNeeded)])),
        ("a phone of invisible characters only", vec![Set("contact_phone", "\u{200e}\u{202e}")], invalid([err("contact_phone", ErrorKind::ContactNeeded)])),
        ("an email of control characters only", vec![Drop("contact_phone"), Set("contact_email", "\u{0}\u{7}")], invalid([err("contact_phone", ErrorKind::ContactNeeded)])),
        ("an invalid email and no phone", vec![Drop("contact_phone"), Set("contact_email", "ana")], invalid([err("contact_email", ErrorKind::InvalidEmail)])),
        // Eligibility.
        ("chronic conduct no", vec![Set("chronic_conduct", "no")], not_eligible(&["chronic_conduct"])),
        ("chronic conduct unsure (the policy flags it)", vec![Set("chronic_conduct", "unsure")], accepted(4, "standard")),
        ("no legal response expected", vec![Set("legal_response_expected", "no")], not_eligible(&["legal_response_expected"])),
        ("legal response unsure (the policy flags it)", vec![Set("legal_response_expected", "unsure")], accepted(4, "standard")),
        ("outside the catchment", vec![Set("neighborhood", "outside")], not_eligible(&["neighborhood"])),
        ("every criterion failing", vec![Set("chronic_conduct", "no"), Set("legal_response_expected", "no"), Set("neighborhood", "outside")], not_eligible(&["chronic_conduct", "legal_response_expected", "neighborhood"])),
        ("an eligible answer with whitespace", vec![Set("chronic_conduct", " yes\t")], accepted(4, "standard")),
        ("an eligible answer with a direction mark", vec![Set("chronic_conduct", "\u{200e}yes")], accepted(4, "standard")),
        ("every other neighborhood is served", vec![Set("neighborhood", "eastgate")], accepted(4, "standard")),
        ("corrections come before eligibility", vec![Set("chronic_conduct", "no"), Drop("referrer_name")], invalid([err("referrer_name", ErrorKind::Required)])),
        // Optional answers.
        ("optional answers given", vec![Set("person_name", "Red"), Set("safety_notes", "Has a dog."), Set("referrer_organisation", "Pine St Deli")], accepted(4, "standard")),
        ("optional answer blank", vec![Set("person_name", "  ")], accepted(4, "standard")),
        // Scoring through validate.
        ("priority answers", vec![Set("frequency", "daily"), Set("recent_harm", "others")], accepted(9, "priority")),
        ("waitlist answers", vec![Set("frequency", "rarely"), Set("prior_help", "currently_helped")], accepted(0, "waitlist")),
    ];
    let content = intake();
    let mut failures = Vec::new();
    for (name, edits, want) in cases {
        let got = outcome(content, &raw_with(&edits));
        if got != want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    report("validate", failures);
}

#[test]
fn too_long_answers_are_refused_with_the_shipped_limit() {
    let max = shipped("referrer_name").max_len.expect("referrer_name has a max_len");
    let mut pairs = pairs_with(&[]);
    for (field, value) in &mut pairs {
        if field == "referrer_name" {
            *value = "é".repeat(max + 1);
        }
    }
    let raw = RawReferral::from_pairs(pairs);
    assert_eq!(
        outcome(intake(), &raw),
        invalid([err("referrer_name", ErrorKind::TooLong { max })])
    );
}

#[test]
fn an_accepted_referral_holds_normalised_answers_only() {
    let raw = raw_with(&[
        Edit::Set("lang", "es"),
        Edit::Set("referrer_name", "  Ana \t  Pérez "),
        Edit::Set("contact_email", " Ana@Example.ORG "),
        Edit::Set("conduct_places", "Shouts at customers.\r\n\r\n3rd Ave and Pine."),
        Edit::Set("person_name", "   "),
    ]);
    let referral = intake().validate(&raw).expect("accepted");
    assert_eq!(referral.lang(), Lang::Es);
    assert_eq!(referral.answer("referrer_name"), Some("Ana Pérez"));
    assert_eq!(referral.answer("contact_email"), Some("ana@example.org"));
    assert_eq!(
        referral.answer("conduct_places"),
        Some("Shouts at customers.\n3rd Ave and Pine.")
    );
    assert_eq!(
        referral.answer("person_name"),
        None,
        "a blank optional answer is absent"
    );
    assert_eq!(
        referral.answer("safety_notes"),
        None,
        "an unsent optional answer is absent"
    );
    assert_eq!(referral.answer(LANG_FIELD), None, "lang is not an answer");
    assert_eq!(referral.answer(HONEYPOT_FIELD), None, "the honeypot is not an answer");
    let ids: BTreeSet<&str> = intake().questions.questions.iter().map(|q| q.id.as_str()).collect();
    for id in referral.answers().keys() {
        assert!(ids.contains(id.as_str()), "{id} is not a question");
    }
}

/// (name, fields to set in the JSON body, outcome)
type JsonCase = (&'static str, Vec<(&'static str, Value)>, Outcome);

#[test]
fn validate_json_bodies() {
    let base: serde_json::Map<String, Value> = VALID
        .iter()
        .map(|&(k, v)| (k.to_string(), Value::String(v.into())))
        .collect();
    #[rustfmt::skip]
    let cases: Vec<JsonCase> = vec![
        ("all strings", vec![], accepted(4, "standard")),
        ("a number", vec![("person_name", json!(42))], invalid([err("person_name", ErrorKind::WrongType)])),
        ("a bool", vec![("referrer_organisation", json!(true))], invalid([err("referrer_organisation", ErrorKind::WrongType)])),
        ("an array", vec![("safety_notes", json!(["has a dog"]))], invalid([err("safety_notes", ErrorKind::WrongType)])),
        ("an object", vec![("contact_email", json!({"address": "ana@example.org"}))], invalid([err("contact_email", ErrorKind::WrongType)])),
        ("an array of one option", vec![("frequency", json!(["weekly"]))], invalid([err("frequency", ErrorKind::WrongType), err("frequency", ErrorKind::Required)])),
        ("a number for the language", vec![("lang", json!(1))], invalid([err("lang", ErrorKind::WrongType)])),
        ("a bool for the honeypot", vec![("website", json!(false))], invalid([err("website", ErrorKind::WrongType)])),
        ("null for an optional answer", vec![("person_name", Value::Null)], accepted(4, "standard")),
        ("null for the honeypot", vec![("website", Value::Null)], accepted(4, "standard")),
        ("null for the language", vec![("lang", Value::Null)], accepted(4, "standard")),
        ("null for a required answer", vec![("referrer_name", Value::Null)], invalid([err("referrer_name", ErrorKind::Required)])),
        ("null for the only contact", vec![("contact_phone", Value::Null)], invalid([err("contact_phone", ErrorKind::ContactNeeded)])),
        ("an unknown string field", vec![("extra", json!("x"))], invalid([err("extra", ErrorKind::UnknownField)])),
        ("an empty string for an optional answer", vec![("person_name", json!(""))], accepted(4, "standard")),
    ];
    let content = intake();
    let mut failures = Vec::new();
    for (name, changes, want) in cases {
        let mut body = base.clone();
        for (field, value) in changes {
            body.insert(field.into(), value);
        }
        let got = match RawReferral::from_json(&Value::Object(body)) {
            Ok(raw) => outcome(content, &raw),
            Err(e) => {
                failures.push(format!("{name}: an object body was refused: {e}"));
                continue;
            }
        };
        if got != want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    report("json bodies", failures);
}

#[test]
fn a_json_body_must_be_an_object() {
    #[rustfmt::skip]
    let cases: &[(&str, Value)] = &[
        ("null", Value::Null),
        ("a string", json!("chronic_conduct=yes")),
        ("a number", json!(1)),
        ("a bool", json!(true)),
        ("an array of pairs", json!([["chronic_conduct", "yes"]])),
        ("an empty array", json!([])),
    ];
    let mut failures = Vec::new();
    for (name, body) in cases {
        let got = RawReferral::from_json(body);
        if got != Err(ShapeError::NotAnObject) {
            failures.push(format!("{name}: got {got:?}"));
        }
    }
    report("json shape", failures);
    assert!(!ShapeError::NotAnObject.to_string().is_empty());
    assert!(
        RawReferral::from_json(&json!({})).is_ok(),
        "an empty object is read (and then fails validation)"
    );
}

#[test]
fn from_json_and_from_pairs_read_the_same_referral() {
    let body: serde_json::Map<String, Value> = VALID
        .iter()
        .map(|&(k, v)| (k.to_string(), Value::String(v.into())))
        .collect();
    let from_json = RawReferral::from_json(&Value::Object(body)).expect("an object");
    assert_eq!(from_json, raw_with(&[]));
}

#[test]
fn field_errors_check_only_the_questions_asked() {
    let content = intake();
    let step = |id: &'static str| content.questions_in_step(id).collect::<Vec<_>>();
    #[rustfmt::skip]
    let cases: Vec<(&str, &str, RawReferral, Vec<FieldError>)> = vec![
        ("the first step of the valid referral", "fit", raw_with(&[]), vec![]),
        ("the first step, empty", "fit", RawReferral::default(), vec![err("chronic_conduct", ErrorKind::Required), err("legal_response_expected", ErrorKind::Required), err("neighborhood", ErrorKind::Required)]),
        ("a wrong answer on another step is not reported", "fit", raw_with(&[Edit::Set("referrer_name", "<b>")]), vec![]),
        ("the contact rule applies on the step asking for contact", "referrer", raw_with(&[Edit::Drop("contact_phone")]), vec![err("contact_phone", ErrorKind::ContactNeeded)]),
        ("the contact rule does not apply elsewhere", "person", raw_with(&[Edit::Drop("contact_phone")]), vec![]),
    ];
    let mut failures = Vec::new();
    for (name, step_id, raw, want) in cases {
        let got = sorted(content.field_errors(&raw, step(step_id)));
        let want = sorted(want);
        if got != want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    report("field_errors", failures);
}

/// (name, answers given, questions whose criterion fails)
type CriteriaCase = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
);

#[test]
fn failed_criteria_ignore_unanswered_questions() {
    let content = intake();
    #[rustfmt::skip]
    let cases: &[CriteriaCase] = &[
        ("nothing answered yet", &[], &[]),
        ("one eligible answer", &[("chronic_conduct", "yes")], &[]),
        ("one failing answer", &[("chronic_conduct", "no")], &["chronic_conduct"]),
        ("a blank answer is unanswered", &[("neighborhood", "  ")], &[]),
        ("an answer outside the catchment", &[("neighborhood", "outside")], &["neighborhood"]),
        ("an unknown answer fails", &[("legal_response_expected", "maybe")], &["legal_response_expected"]),
    ];
    let mut failures = Vec::new();
    for (name, pairs, want) in cases {
        let raw = RawReferral::from_pairs(pairs.iter().copied());
        let got: Vec<&str> = content
            .failed_criteria(&raw)
            .iter()
            .map(|c| c.criterion.question.as_str())
            .collect();
        if got != *want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    report("failed_criteria", failures);
}

#[test]
fn not_eligible_carries_the_reason_to_show() {
    let content = intake();
    let raw = raw_with(&[Edit::Set("neighborhood", "outside")]);
    let Err(Rejection::NotEligible(criteria)) = content.validate(&raw) else {
        panic!("a referral from outside the catchment should not be eligible");
    };
    let criterion = criteria.first().expect("one criterion").criterion;
    for lang in Lang::ALL {
        assert!(!criterion.reason.get(lang).trim().is_empty(), "no {lang:?} reason");
    }
    assert!(criterion.reason.en.contains("neighborhoods"), "{}", criterion.reason.en);
}

// ---------------------------------------------------------------------------
// Prioritisation

/// The tier a score should reach, worked out independently of
/// `Content::prioritise`: the tier with the highest threshold at or below it.
fn expected_tier(content: &Content, score: u32) -> &str {
    content
        .policy
        .tiers
        .iter()
        .filter(|t| t.min_score <= score)
        .max_by_key(|t| t.min_score)
        .map(|t| t.id.as_str())
        .expect("a tier with min_score 0 exists")
}

#[test]
fn shipped_policy_scores_and_tiers() {
    // Hard-coded for the shipped policy.toml: if the PCG changes weights or
    // thresholds, these rows should be updated on purpose.
    #[rustfmt::skip]
    let cases: &[(&str, [&str; 3], u32, &str)] = &[
        ("the maximum", ["daily", "others", "tried_not_worked"], 11, "priority"),
        ("the maximum with self-harm", ["daily", "self", "tried_not_worked"], 11, "priority"),
        ("exactly the priority threshold", ["daily", "others", "currently_helped"], 8, "priority"),
        ("one below priority", ["daily", "none", "tried_not_worked"], 7, "standard"),
        ("exactly the standard threshold", ["weekly", "none", "not_tried"], 4, "standard"),
        ("one below standard", ["weekly", "none", "currently_helped"], 3, "waitlist"),
        ("unknown harm scores a little", ["monthly", "unknown", "not_tried"], 3, "waitlist"),
        ("nothing weighted", ["rarely", "none", "currently_helped"], 0, "waitlist"),
    ];
    let content = intake();
    let mut failures = Vec::new();
    for &(name, [frequency, recent_harm, prior_help], score, tier) in cases {
        let answers = answers(&[
            ("frequency", frequency),
            ("recent_harm", recent_harm),
            ("prior_help", prior_help),
        ]);
        let (got_score, got_tier) = content.prioritise(&answers);
        if (got_score, got_tier.id.as_str()) != (score, tier) {
            failures.push(format!(
                "{name}: got {got_score} {:?}, want {score} {tier:?}",
                got_tier.id
            ));
        }
    }
    report("shipped tiers", failures);
}

#[test]
fn every_combination_of_weighted_answers_gets_the_tier_its_score_reaches() {
    let content = intake();
    let weights = &content.policy.weights;
    // Every combination of every answer (weighted or not) to every weighted question.
    let mut combinations: Vec<BTreeMap<String, String>> = vec![BTreeMap::new()];
    for question in weights.keys() {
        let q = content.question(question).expect("weights name a question");
        combinations = combinations
            .into_iter()
            .flat_map(|answers| {
                content.options(q).iter().map(move |choice| {
                    let mut answers = answers.clone();
                    answers.insert(question.clone(), choice.value.clone());
                    answers
                })
            })
            .collect();
    }
    assert!(combinations.len() > 1, "the shipped policy weights some answers");
    let maximum: u32 = weights.values().map(|w| w.values().copied().max().unwrap_or(0)).sum();
    let mut highest = 0;
    let mut failures = Vec::new();
    for answers in &combinations {
        let score: u32 = answers
            .iter()
            .map(|(q, a)| weights[q].get(a).copied().unwrap_or(0))
            .sum();
        let (got_score, got_tier) = content.prioritise(answers);
        highest = highest.max(got_score);
        if (got_score, got_tier.id.as_str()) != (score, expected_tier(content, score)) {
            failures.push(format!("{answers:?}: got {got_score} {:?}, want {score}", got_tier.id));
        }
    }
    report("combinations", failures);
    assert_eq!(highest, maximum, "the best answers reach the maximum score");
    assert_eq!(content.prioritise(&BTreeMap::new()).0, 0, "no answers score 0");
}

#[test]
fn a_score_exactly_at_a_threshold_reaches_that_tier_and_one_below_does_not() {
    // Real tiers, with one synthetic weight so any score can be produced.
    let tiers = &intake().policy.tiers;
    let mut cases: Vec<(String, u32, &str)> = Vec::new();
    for (i, tier) in tiers.iter().enumerate() {
        cases.push((
            format!("exactly {} ({})", tier.id, tier.min_score),
            tier.min_score,
            &tier.id,
        ));
        if let (Some(below), Some(next)) = (tier.min_score.checked_sub(1), tiers.get(i + 1)) {
            cases.push((format!("one below {} ({below})", tier.id), below, &next.id));
        }
    }
    let top = tiers.first().expect("a tier");
    cases.push(("far above the top tier".into(), top.min_score + 90, &top.id));
    let mut failures = Vec::new();
    for (name, score, want) in cases {
        let mut content = intake().clone();
        content.policy.weights =
            BTreeMap::from([("frequency".to_string(), BTreeMap::from([("daily".to_string(), score)]))]);
        let (got_score, got_tier) = content.prioritise(&answers(&[("frequency", "daily")]));
        if (got_score, got_tier.id.as_str()) != (score, want) {
            failures.push(format!(
                "{name}: got {got_score} {:?}, want {score} {want:?}",
                got_tier.id
            ));
        }
    }
    report("thresholds", failures);
}

#[test]
fn answers_to_unweighted_questions_add_nothing() {
    let content = intake();
    let mut all = answers(VALID);
    all.insert("frequency".into(), "rarely".into());
    all.insert("prior_help".into(), "currently_helped".into());
    all.insert("not_a_question".into(), "daily".into());
    assert_eq!(content.prioritise(&all).0, 0);
}

// ---------------------------------------------------------------------------
// Intake status

/// (name, intake status, priority tiers, changes to the valid referral, outcome)
type StatusCase = (
    &'static str,
    IntakeStatus,
    &'static [&'static str],
    &'static [Edit],
    Outcome,
);

#[test]
fn intake_status_decides_which_tiers_are_taken() {
    use IntakeStatus::*;
    let priority: &[Edit] = &[Edit::Set("frequency", "daily"), Edit::Set("recent_harm", "others")];
    let standard: &[Edit] = &[];
    let waitlist: &[Edit] = &[
        Edit::Set("frequency", "rarely"),
        Edit::Set("prior_help", "currently_helped"),
    ];
    let invalid_one: &[Edit] = &[Edit::Drop("referrer_name")];
    let ineligible: &[Edit] = &[Edit::Set("chronic_conduct", "no")];
    let shipped_priority: &[&str] = &["priority"];
    #[rustfmt::skip]
    let cases: Vec<StatusCase> = vec![
        ("open takes priority", Open, shipped_priority, priority, accepted(9, "priority")),
        ("open takes standard", Open, shipped_priority, standard, accepted(4, "standard")),
        ("open takes waitlist", Open, shipped_priority, waitlist, accepted(0, "waitlist")),
        ("priority only takes priority", PriorityOnly, shipped_priority, priority, accepted(9, "priority")),
        ("priority only closes to standard", PriorityOnly, shipped_priority, standard, Outcome::Closed(PriorityOnly)),
        ("priority only closes to waitlist", PriorityOnly, shipped_priority, waitlist, Outcome::Closed(PriorityOnly)),
        ("priority only with standard listed takes standard", PriorityOnly, &["priority", "standard"], standard, accepted(4, "standard")),
        ("paused closes to priority", Paused, shipped_priority, priority, Outcome::Closed(Paused)),
        ("paused closes to standard", Paused, shipped_priority, standard, Outcome::Closed(Paused)),
        ("paused closes to waitlist", Paused, shipped_priority, waitlist, Outcome::Closed(Paused)),
        ("paused still asks for corrections first", Paused, shipped_priority, invalid_one, invalid([err("referrer_name", ErrorKind::Required)])),
        ("paused still explains ineligibility first", Paused, shipped_priority, ineligible, not_eligible(&["chronic_conduct"])),
    ];
    let mut failures = Vec::new();
    for (name, status, priority_tiers, edits, want) in cases {
        let mut content = intake().clone();
        content.policy.intake.status = status;
        content.policy.intake.priority_tiers = priority_tiers.iter().map(ToString::to_string).collect();
        let got = outcome(&content, &raw_with(edits));
        if got != want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    report("intake status", failures);
}

#[test]
fn the_intake_message_follows_the_status() {
    let mut content = intake().clone();
    let messages = content.policy.intake.messages.clone();
    for (status, want) in [
        (IntakeStatus::Open, &messages.open),
        (IntakeStatus::PriorityOnly, &messages.priority_only),
        (IntakeStatus::Paused, &messages.paused),
    ] {
        content.policy.intake.status = status;
        let notice = lead_content::intake_state::Notice::policy(status);
        assert_eq!(notice.message(&content.policy.intake), want, "{status:?}");
    }
}

// ---------------------------------------------------------------------------
#[test]
fn idempotency_keys_are_read_as_headers_and_fields_send_them() {
    #[rustfmt::skip]
    let table: [(&str, Result<Option<&str>, ErrorKind>); 9] = [
        ("", Ok(None)),
        ("   ", Ok(None)),
        (IDEMPOTENCY_PLACEHOLDER, Ok(None)),
        ("abc-123", Ok(Some("abc-123"))),
        ("\"abc-123\"", Ok(Some("abc-123"))),
        (" abc ", Ok(Some("abc"))),
        ("a b", Err(ErrorKind::BadIdempotencyKey)),
        ("caf\u{e9}", Err(ErrorKind::BadIdempotencyKey)),
        ("a\\b", Err(ErrorKind::BadIdempotencyKey)),
    ];
    for (sent, expected) in table {
        assert_eq!(idempotency_key(sent), expected, "{sent:?}");
    }
    assert_eq!(
        idempotency_key(&"k".repeat(255)).map(|k| k.map(str::len)),
        Ok(Some(255))
    );
    assert_eq!(idempotency_key(&"k".repeat(256)), Err(ErrorKind::BadIdempotencyKey));
}

// Messages

/// Every variant, so a new one must be added here (the match below fails to
/// compile until it is).
fn every_error_kind() -> Vec<ErrorKind> {
    use ErrorKind::*;
    let all = vec![
        Required,
        TooLong { max: 80 },
        UnknownOption,
        InvalidEmail,
        InvalidPhone,
        Markup,
        ContactNeeded,
        WrongType,
        UnknownField,
        Repeated,
        Honeypot,
        UnknownLanguage,
        BadIdempotencyKey,
    ];
    for kind in &all {
        match kind {
            Required
            | TooLong { .. }
            | UnknownOption
            | InvalidEmail
            | InvalidPhone
            | Markup
            | ContactNeeded
            | WrongType
            | UnknownField
            | Repeated
            | Honeypot
            | UnknownLanguage
            | BadIdempotencyKey => {}
        }
    }
    all
}

#[test]
fn every_error_has_distinct_english_and_spanish_messages() {
    let kinds = every_error_kind();
    let mut failures = Vec::new();
    let mut seen: HashMap<(Lang, String), &ErrorKind> = HashMap::new();
    for kind in &kinds {
        let en = kind.message(Lang::En);
        let es = kind.message(Lang::Es);
        if en.trim().is_empty() || es.trim().is_empty() {
            failures.push(format!("{kind:?}: empty message (en {en:?}, es {es:?})"));
        }
        if en == es {
            failures.push(format!("{kind:?}: English and Spanish are the same: {en:?}"));
        }
        for (lang, text) in [(Lang::En, en), (Lang::Es, es)] {
            if let Some(other) = seen.insert((lang, text.clone()), kind) {
                failures.push(format!("{kind:?} and {other:?} share the {lang:?} message {text:?}"));
            }
        }
    }
    report("messages", failures);
}

#[test]
fn the_too_long_message_names_the_limit() {
    for lang in Lang::ALL {
        let text = ErrorKind::TooLong { max: 123 }.message(lang);
        assert!(text.contains("123"), "{lang:?}: {text}");
    }
}

#[test]
fn field_errors_serialise_with_a_code_for_programs() {
    let cases = [
        (
            err("frequency", ErrorKind::Required),
            json!({"field": "frequency", "code": "required"}),
        ),
        (
            err("referrer_name", ErrorKind::TooLong { max: 80 }),
            json!({"field": "referrer_name", "code": "too_long", "max": 80}),
        ),
        (
            err("contact_phone", ErrorKind::ContactNeeded),
            json!({"field": "contact_phone", "code": "contact_needed"}),
        ),
        (
            err("lang", ErrorKind::UnknownLanguage),
            json!({"field": "lang", "code": "unknown_language"}),
        ),
    ];
    for (error, want) in cases {
        assert_eq!(serde_json::to_value(&error).expect("serialises"), want);
    }
}

/// "I'm not sure" on a core criterion, in each mode the policy may choose:
/// taken, taken and flagged for the case system, or refused with a word
/// about being sure and the program's phone; and a "no" tells the referrer
/// that "not sure" would have been taken, except where it would not.
#[cfg(feature = "toml")]
#[test]
fn not_sure_on_a_core_criterion_does_what_the_policy_says() {
    use Edit::*;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/intake");
    let read = |name: &str| std::fs::read_to_string(format!("{dir}/{name}")).expect("content file");
    let (questions, policy, copy) = (read("questions.toml"), read("policy.toml"), read("copy.toml"));
    assert_eq!(
        policy.matches("not_sure = \"flag\"").count(),
        2,
        "the shipped policy flags both"
    );
    let phone = "(555) 010-0142";
    // (mode, answers, outcome, to_check, a reason says "not sure", a reason gives the phone)
    type Row = (&'static str, Vec<Edit>, Outcome, Vec<&'static str>, bool, bool);
    let rows: Vec<Row> = vec![
        (
            "accept",
            vec![Set("chronic_conduct", "unsure")],
            accepted(4, "standard"),
            vec![],
            false,
            false,
        ),
        (
            "flag",
            vec![Set("chronic_conduct", "unsure")],
            accepted(4, "standard"),
            vec!["chronic_conduct"],
            false,
            false,
        ),
        (
            "flag",
            vec![
                Set("chronic_conduct", "unsure"),
                Set("legal_response_expected", "unsure"),
            ],
            accepted(4, "standard"),
            vec!["chronic_conduct", "legal_response_expected"],
            false,
            false,
        ),
        (
            "refuse",
            vec![Set("chronic_conduct", "unsure")],
            not_eligible(&["chronic_conduct"]),
            vec![],
            false,
            true,
        ),
        (
            "accept",
            vec![Set("chronic_conduct", "no")],
            not_eligible(&["chronic_conduct"]),
            vec![],
            true,
            false,
        ),
        (
            "flag",
            vec![Set("legal_response_expected", "no")],
            not_eligible(&["legal_response_expected"]),
            vec![],
            true,
            false,
        ),
        (
            "refuse",
            vec![Set("chronic_conduct", "no")],
            not_eligible(&["chronic_conduct"]),
            vec![],
            false,
            false,
        ),
        // The catchment offers no "not sure": its reason stays as it is.
        (
            "flag",
            vec![Set("neighborhood", "outside")],
            not_eligible(&["neighborhood"]),
            vec![],
            false,
            false,
        ),
    ];
    let mut failures = Vec::new();
    for (mode, edits, want, want_check, says_not_sure, gives_phone) in rows {
        let content = Content::from_toml(
            &questions,
            &policy.replace("not_sure = \"flag\"", &format!("not_sure = \"{mode}\"")),
            &copy,
        )
        .unwrap_or_else(|e| panic!("{mode}: {e:?}"));
        let raw = raw_with(&edits);
        let got = outcome(&content, &raw);
        let name = format!("{mode} {edits:?}");
        if got != want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
        match content.validate(&raw) {
            Ok(referral) => {
                if referral.to_check() != want_check.as_slice() {
                    failures.push(format!(
                        "{name}: to_check {:?}, want {want_check:?}",
                        referral.to_check()
                    ));
                }
            }
            Err(Rejection::NotEligible(failed)) => {
                for lang in Lang::ALL {
                    let reasons = content.not_fit_reasons(&failed, lang).join(" ");
                    let hint = content.copy.not_sure_hint.get(lang);
                    if reasons.contains(hint) != says_not_sure {
                        failures.push(format!("{name} {lang:?}: says to choose \"not sure\": {reasons}"));
                    }
                    if reasons.contains(phone) != gives_phone {
                        failures.push(format!("{name} {lang:?}: gives the phone: {reasons}"));
                    }
                }
            }
            Err(other) => failures.push(format!("{name}: {other:?}")),
        }
    }
    report("not sure", failures);
}
