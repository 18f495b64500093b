//! The content files as a program manager edits them: the shipped TOML under
//! `content/intake/` loads and matches what the crate embeds, and every kind
//! of mistake in an edit is reported with the file and the field to fix,
//! both by `Content::from_toml` and by the `check-content` command.
//!
//! Broken content is made by editing the real TOML text, so these tests keep
//! describing the files people actually edit. The rules that read valid
//! content belong in `rules.rs`.
//!
//! Needs the `toml` feature (see `[[test]]` in `content/Cargo.toml`):
//! `cargo test -p lead-content --features toml`.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

use lead_content::{intake, Content, ContentError};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/intake");
const QUESTIONS: &str = "content/intake/questions.toml";
const POLICY: &str = "content/intake/policy.toml";
const COPY: &str = "content/intake/copy.toml";
const CLT: &str = "content/intake/clt.toml";
const DASHBOARDS: &str = "content/intake/dashboards.toml";

/// The content files' text.
struct Sources {
    questions: String,
    policy: String,
    copy: String,
    clt: String,
    dashboards: String,
}

fn shipped() -> Sources {
    let read =
        |name: &str| fs::read_to_string(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
    Sources {
        questions: read("questions.toml"),
        policy: read("policy.toml"),
        copy: read("copy.toml"),
        clt: read("clt.toml"),
        dashboards: read("dashboards.toml"),
    }
}

impl Sources {
    fn load(&self) -> Result<Content, Vec<ContentError>> {
        Content::from_toml(&self.questions, &self.policy, &self.copy)
    }

    fn file(&mut self, file: &str) -> &mut String {
        match file {
            QUESTIONS => &mut self.questions,
            POLICY => &mut self.policy,
            COPY => &mut self.copy,
            CLT => &mut self.clt,
            DASHBOARDS => &mut self.dashboards,
            other => panic!("no such content file {other}"),
        }
    }

    /// Makes the edit, or says why it no longer fits the shipped files.
    fn apply(&mut self, edit: &Edit) -> Result<(), String> {
        match *edit {
            Edit::Replace(file, find, with) => {
                let text = self.file(file);
                match text.matches(find).count() {
                    1 => *text = text.replacen(find, with, 1),
                    n => return Err(format!("{find:?} should occur once in {file}, found {n}")),
                }
            }
            Edit::RemoveQuestion(id) => {
                let text = &mut self.questions;
                let start = text
                    .find(&format!("[[question]]\nid = \"{id}\"\n"))
                    .ok_or_else(|| format!("no question {id:?} in {QUESTIONS}"))?;
                let end = text[start + 1..]
                    .find("[[question]]")
                    .map_or(text.len(), |i| start + 1 + i);
                text.replace_range(start..end, "");
            }
        }
        Ok(())
    }

    fn edited(mut self, edits: &[Edit]) -> Self {
        for edit in edits {
            self.apply(edit).unwrap_or_else(|e| panic!("{e}"));
        }
        self
    }
}

/// One change a program manager might make by mistake.
enum Edit {
    /// In this file, replace this text (which must occur exactly once).
    Replace(&'static str, &'static str, &'static str),
    /// Delete the whole `[[question]]` block with this id.
    RemoveQuestion(&'static str),
}
use Edit::{RemoveQuestion, Replace};

/// The error a broken edit must produce.
struct Expect {
    file: &'static str,
    /// The field path, or empty for errors found while parsing.
    field: String,
    /// Text the message must contain (may be empty).
    mentions: &'static str,
}

fn at(file: &'static str, field: &str, mentions: &'static str) -> Expect {
    Expect {
        file,
        field: field.into(),
        mentions,
    }
}

/// A parse error (syntax, unknown or missing key, wrong value) in `file`.
fn parse(file: &'static str, mentions: &'static str) -> Expect {
    Expect {
        file,
        field: String::new(),
        mentions,
    }
}

/// The field path of a shipped question, as the checks write it.
fn question_field(id: &str, field: &str) -> String {
    renamed_question_field(id, id, field)
}

/// The field path of the shipped question `id` after it was renamed to `shown`.
fn renamed_question_field(id: &str, shown: &str, field: &str) -> String {
    let i = intake()
        .questions
        .questions
        .iter()
        .position(|q| q.id == id)
        .expect("a shipped question");
    format!("question[{i}] ({shown}).{field}")
}

struct Case {
    name: &'static str,
    edits: Vec<Edit>,
    expect: Vec<Expect>,
}

fn case(name: &'static str, edits: Vec<Edit>, expect: Vec<Expect>) -> Case {
    Case { name, edits, expect }
}

#[rustfmt::skip]
fn broken_content() -> Vec<Case> {
    vec![
        // Tiers.
        case(
            "tier thresholds out of order",
            vec![Replace(POLICY, "min_score = 4", "min_score = 9")],
            vec![at(POLICY, "tier[1] (standard).min_score", "lower than the tier above (8)")],
        ),
        case(
            "two tiers with the same threshold",
            vec![Replace(POLICY, "min_score = 4", "min_score = 8")],
            vec![at(POLICY, "tier[1] (standard).min_score", "lower than the tier above")],
        ),
        case(
            "last tier min_score not 0",
            vec![Replace(POLICY, "min_score = 0\nlabel", "min_score = 1\nlabel")],
            vec![at(POLICY, "tier[2] (waitlist).min_score", "min_score = 0")],
        ),
        case(
            "a tier id that is not an identifier",
            vec![Replace(POLICY, "id = \"standard\"", "id = \"Standard tier\"")],
            vec![at(POLICY, "tier[1] (Standard tier).id", "lowercase")],
        ),
        case(
            "two tiers with the same id",
            vec![Replace(POLICY, "id = \"standard\"", "id = \"priority\"")],
            vec![at(POLICY, "tier[1] (priority).id", "used by another tier")],
        ),
        // Eligibility.
        case(
            "eligibility accept value not an option",
            vec![Replace(POLICY, "question = \"chronic_conduct\"\naccept = [\"yes\"]", "question = \"chronic_conduct\"\naccept = [\"sure\"]")],
            vec![at(POLICY, "eligibility[0].accept", "\"sure\" is not an answer of \"chronic_conduct\"")],
        ),
        case(
            "eligibility accepts a neighbourhood the catchment lacks",
            vec![Replace(POLICY, "\"north_hill\", \"eastgate\"]", "\"north_hill\", \"eastgate\", \"uptown\"]")],
            vec![at(POLICY, "eligibility[2].accept", "uptown")],
        ),
        case(
            "eligibility accepting nothing",
            vec![Replace(POLICY, "question = \"legal_response_expected\"\naccept = [\"yes\"]", "question = \"legal_response_expected\"\naccept = []")],
            vec![at(POLICY, "eligibility[1].accept", "at least one")],
        ),
        case(
            "eligibility on a free-text question",
            vec![Replace(POLICY, "question = \"neighborhood\"", "question = \"person_name\"")],
            vec![at(POLICY, "eligibility[2].question", "not a choice question")],
        ),
        case(
            "eligibility on a question that does not exist",
            vec![Replace(POLICY, "question = \"neighborhood\"", "question = \"neighbourhood\"")],
            vec![at(POLICY, "eligibility[2].question", "\"neighbourhood\"")],
        ),
        // Weights.
        case(
            "weights for an unknown question",
            vec![Replace(POLICY, "[weights.prior_help]", "[weights.prior_helps]")],
            vec![at(POLICY, "weights.prior_helps", "not a choice question")],
        ),
        case(
            "weights for a free-text question",
            vec![Replace(POLICY, "[weights.prior_help]", "[weights.person_name]")],
            vec![at(POLICY, "weights.person_name", "not a choice question")],
        ),
        case(
            "weights for an unknown answer",
            vec![Replace(POLICY, "monthly = 1", "hourly = 1")],
            vec![at(POLICY, "weights.frequency.hourly", "not an answer of \"frequency\"")],
        ),
        case(
            "a weight over 100 points",
            vec![Replace(POLICY, "daily = 4", "daily = 400")],
            vec![at(POLICY, "weights.frequency.daily", "more than 100")],
        ),
        case("a negative weight", vec![Replace(POLICY, "daily = 4", "daily = -4")], vec![parse(POLICY, "")]),
        // Intake status.
        case(
            "priority_only with no priority tiers",
            vec![
                Replace(POLICY, "status = \"open\"", "status = \"priority_only\""),
                Replace(POLICY, "priority_tiers = [\"priority\"]", "priority_tiers = []"),
            ],
            vec![at(POLICY, "intake.priority_tiers", "priority_only")],
        ),
        case(
            "capacity that closes to open",
            vec![Replace(POLICY, "then = \"priority_only\"", "then = \"open\"")],
            vec![at(POLICY, "intake.capacity.then", "priority_only or paused")],
        ),
        case(
            "a highest caseload under the average",
            vec![Replace(POLICY, "highest_at = 25", "highest_at = 15")],
            vec![at(POLICY, "intake.capacity.highest_at", "at least as high")],
        ),
        case(
            "a capacity report trusted for a year",
            vec![Replace(POLICY, "stale_after_hours = 48", "stale_after_hours = 9000")],
            vec![at(POLICY, "intake.capacity.stale_after_hours", "1 to 720")],
        ),
        case(
            "a priority tier that does not exist",
            vec![Replace(POLICY, "priority_tiers = [\"priority\"]", "priority_tiers = [\"urgent\"]")],
            vec![at(POLICY, "intake.priority_tiers", "\"urgent\" is not a tier id")],
        ),
        case(
            "an unknown intake status",
            vec![Replace(POLICY, "status = \"open\"", "status = \"closed\"")],
            vec![parse(POLICY, "closed")],
        ),
        // Typos and syntax.
        case(
            "unknown key (typo) in policy",
            vec![Replace(POLICY, "status = \"open\"", "staus = \"open\"")],
            vec![parse(POLICY, "staus")],
        ),
        case(
            "unknown key (typo) in a tier",
            vec![Replace(POLICY, "min_score = 8", "min_scor = 8")],
            vec![parse(POLICY, "min_scor")],
        ),
        case("a TOML syntax error", vec![Replace(POLICY, "status = \"open\"", "status = open")], vec![parse(POLICY, "line")]),
        case(
            "unknown key (typo) in a question",
            vec![Replace(QUESTIONS, "max_len = 80\nlabel = { en = \"Your name\"", "maxlen = 80\nlabel = { en = \"Your name\"")],
            vec![parse(QUESTIONS, "maxlen")],
        ),
        case(
            "an unknown question kind",
            vec![Replace(QUESTIONS, "kind = \"phone\"", "kind = \"telephone\"")],
            vec![parse(QUESTIONS, "telephone")],
        ),
        case(
            "unknown key (typo) in copy",
            vec![Replace(COPY, "send = {", "sned = {")],
            vec![parse(COPY, "sned")],
        ),
        // Policy lists.
        case(
            "a catchment value used twice",
            vec![Replace(POLICY, "{ value = \"eastgate\"", "{ value = \"riverside\"")],
            vec![at(POLICY, "catchment[3].value", "appears twice")],
        ),
        // Questions.
        case(
            "duplicate question id",
            vec![Replace(QUESTIONS, "id = \"person_name\"", "id = \"person_description\"")],
            vec![at(QUESTIONS, &question_field("person_description", "id"), "used by another question")],
        ),
        case(
            "a question id the form reserves",
            vec![Replace(QUESTIONS, "id = \"person_name\"", "id = \"website\"")],
            vec![at(QUESTIONS, &renamed_question_field("person_name", "website", "id"), "reserved")],
        ),
        case(
            "a question id that is not an identifier",
            vec![Replace(QUESTIONS, "id = \"person_name\"", "id = \"Person name\"")],
            vec![at(QUESTIONS, &renamed_question_field("person_name", "Person name", "id"), "lowercase")],
        ),
        case(
            "a question on a step that does not exist",
            vec![Replace(QUESTIONS, "id = \"person_name\"\nstep = \"person\"", "id = \"person_name\"\nstep = \"people\"")],
            vec![at(QUESTIONS, &question_field("person_name", "step"), "\"people\"")],
        ),
        case(
            "a choice question with no options",
            vec![Replace(QUESTIONS, "options_from = \"catchment\"\n", "")],
            vec![at(QUESTIONS, &question_field("neighborhood", "options"), "needs options")],
        ),
        case(
            "a choice question with options and options_from",
            vec![Replace(QUESTIONS, "id = \"frequency\"\n", "id = \"frequency\"\noptions_from = \"referrers\"\n")],
            vec![at(QUESTIONS, &question_field("frequency", "options"), "not both")],
        ),
        case(
            "a choice option value that is not an identifier",
            vec![Replace(QUESTIONS, "{ value = \"rarely\"", "{ value = \"Rarely\"")],
            vec![at(QUESTIONS, &question_field("frequency", "options[3].value"), "lowercase")],
        ),
        case(
            "a choice option value used twice",
            vec![Replace(QUESTIONS, "{ value = \"rarely\"", "{ value = \"daily\"")],
            vec![at(QUESTIONS, &question_field("frequency", "options[3].value"), "appears twice")],
        ),
        case(
            "a choice question with a max_len",
            vec![Replace(QUESTIONS, "id = \"frequency\"\n", "id = \"frequency\"\nmax_len = 10\n")],
            vec![at(QUESTIONS, &question_field("frequency", "max_len"), "only text questions")],
        ),
        case(
            "a text question with options",
            vec![Replace(QUESTIONS, "id = \"referrer_name\"\n", "id = \"referrer_name\"\noptions_from = \"referrers\"\n")],
            vec![at(QUESTIONS, &question_field("referrer_name", "options"), "only choice questions")],
        ),
        case(
            "text question without max_len",
            vec![Replace(QUESTIONS, "max_len = 80\nlabel = { en = \"Your name\"", "label = { en = \"Your name\"")],
            vec![at(QUESTIONS, &question_field("referrer_name", "max_len"), "need a max_len")],
        ),
        case(
            "a max_len over the limit",
            vec![Replace(QUESTIONS, "max_len = 254", "max_len = 2001")],
            vec![at(QUESTIONS, &question_field("contact_email", "max_len"), "2001 is outside 1..=2000")],
        ),
        case(
            "a max_len of 0",
            vec![Replace(QUESTIONS, "max_len = 30\n", "max_len = 0\n")],
            vec![at(QUESTIONS, &question_field("contact_phone", "max_len"), "0 is outside")],
        ),
        case(
            "removing a question the rules require (person_description)",
            vec![RemoveQuestion("person_description")],
            vec![at(QUESTIONS, "question", "\"person_description\" is required by the referral rules")],
        ),
        case(
            "removing a question the rules require (contact_email)",
            vec![RemoveQuestion("contact_email")],
            vec![at(QUESTIONS, "question", "\"contact_email\" is required")],
        ),
        case(
            "removing a question the policy weighs",
            vec![RemoveQuestion("prior_help")],
            vec![at(POLICY, "weights.prior_help", "not a choice question")],
        ),
        case(
            "removing a question eligibility reads",
            vec![RemoveQuestion("chronic_conduct")],
            vec![at(POLICY, "eligibility[0].question", "\"chronic_conduct\"")],
        ),
        case(
            "a step id used twice",
            vec![Replace(QUESTIONS, "id = \"situation\"", "id = \"fit\"")],
            vec![at(QUESTIONS, "step[1].id", "used by another step")],
        ),
        // Missing Spanish.
        case(
            "missing Spanish question label",
            vec![Replace(QUESTIONS, "label = { en = \"Your name\", es = \"Su nombre\" }", "label = { en = \"Your name\", es = \"\" }")],
            vec![at(QUESTIONS, &question_field("referrer_name", "label"), "en and es")],
        ),
        case(
            "Spanish question label left out entirely",
            vec![Replace(QUESTIONS, "label = { en = \"Your name\", es = \"Su nombre\" }", "label = { en = \"Your name\" }")],
            vec![parse(QUESTIONS, "missing field `es`")],
        ),
        case(
            "missing Spanish help",
            vec![Replace(QUESTIONS, "es = \"Por ejemplo, un perro, o momentos en que la persona suele estar alterada.\"", "es = \" \"")],
            vec![at(QUESTIONS, &question_field("safety_notes", "help"), "en and es")],
        ),
        case(
            "missing Spanish option label",
            vec![Replace(QUESTIONS, "es = \"Con menos frecuencia\"", "es = \"\"")],
            vec![at(QUESTIONS, &question_field("frequency", "options[3].label"), "en and es")],
        ),
        case(
            "missing Spanish step title",
            vec![Replace(QUESTIONS, "es = \"Sobre usted\"", "es = \"\"")],
            vec![at(QUESTIONS, "step[3].title", "en and es")],
        ),
        case(
            "missing Spanish tier label",
            vec![Replace(POLICY, "es = \"Prioritaria\"", "es = \"\"")],
            vec![at(POLICY, "tier[0] (priority).label", "en and es")],
        ),
        case(
            "missing Spanish eligibility reason",
            vec![Replace(POLICY, "es = \"Este programa solo atiende los barrios indicados.\"", "es = \"\"")],
            vec![at(POLICY, "eligibility[2].reason", "en and es")],
        ),
        case(
            "missing Spanish referrer label",
            vec![Replace(POLICY, "es = \"Vecino/a de la zona\"", "es = \"\"")],
            vec![at(POLICY, "referrers[1].label", "en and es")],
        ),
        case(
            "blank Spanish intake message",
            vec![Replace(
                POLICY,
                "es = \"Los administradores de casos están a plena capacidad, así que los referidos comunitarios están en pausa. Vuelva a consultar más adelante.\"",
                "es = \"  \"",
            )],
            vec![at(POLICY, "intake.messages.paused", "en and es")],
        ),
        case(
            "missing Spanish page text",
            vec![Replace(COPY, "es = \"Enviar referido\"", "es = \"  \"")],
            vec![at(COPY, "text.send", "en and es")],
        ),
        case(
            "missing English page text",
            vec![Replace(COPY, "en = \"Send referral\"", "en = \"\"")],
            vec![at(COPY, "text.send", "en and es")],
        ),
        case(
            "a page text key removed",
            vec![Replace(COPY, "send = { en = \"Send referral\", es = \"Enviar referido\" }\n", "")],
            vec![parse(COPY, "missing field `send`")],
        ),
        // US English, "not sure", the privacy notice and the program's contact.
        case(
            "British spelling in English text",
            vec![Replace(COPY, "If someone in your neighborhood keeps", "If someone in your neighbourhood keeps")],
            vec![at(COPY, "text.lead_in", "\"neighbourhood\" is British spelling")],
        ),
        case(
            "British spelling in a question's help",
            vec![Replace(QUESTIONS, "How would an outreach worker recognize", "How would an outreach worker recognise")],
            vec![at(QUESTIONS, "question (person_description).label", "British")],
        ),
        case(
            "what \"not sure\" does is left unsaid",
            vec![Replace(POLICY, "accept = [\"yes\"]\nnot_sure = \"flag\"\nreason = { en = \"LEAD can only", "accept = [\"yes\"]\nreason = { en = \"LEAD can only")],
            vec![at(POLICY, "eligibility[0].not_sure", "say what that answer does")],
        ),
        case(
            "\"not sure\" listed as an accepted answer",
            vec![Replace(POLICY, "accept = [\"yes\"]\nnot_sure = \"flag\"\nreason = { en = \"LEAD is for", "accept = [\"yes\", \"unsure\"]\nnot_sure = \"flag\"\nreason = { en = \"LEAD is for")],
            vec![at(POLICY, "eligibility[1].accept", "not in accept")],
        ),
        case(
            "an unknown \"not sure\" mode",
            vec![Replace(POLICY, "accept = [\"yes\"]\nnot_sure = \"flag\"\nreason = { en = \"LEAD is for", "accept = [\"yes\"]\nnot_sure = \"maybe\"\nreason = { en = \"LEAD is for")],
            vec![parse(POLICY, "unknown variant `maybe`")],
        ),
        case(
            "an unknown key in the privacy notice",
            vec![Replace(POLICY, "referred_person = { en = \"The program does not tell", "referred_person = { en = \"\", was = \"The program does not tell")],
            vec![parse(POLICY, "unknown field `was`")],
        ),
        case(
            "a privacy field emptied",
            vec![Replace(POLICY, "es = \"El programa no le dice a la persona quién la refirió. Aun así, lo que usted escriba podría permitirle adivinarlo, así que describa solo lo que ha visto.\"", "es = \" \"")],
            vec![at(POLICY, "privacy.referred_person", "nothing unset")],
        ),
        case(
            "a privacy field removed",
            vec![Replace(POLICY, "\nseen_by = { en = \"LEAD case managers and their supervisors, in the program's case-management system.\", es = \"Los administradores de casos de LEAD y sus supervisores, en el sistema de gestión de casos del programa.\" }", "")],
            vec![parse(POLICY, "missing field `seen_by`")],
        ),
        case(
            "the privacy notice no longer says how long a draft stays",
            vec![Replace(POLICY, "kept on this device for at most 4 hours", "kept on this device for a while")],
            vec![at(POLICY, "privacy.on_device.en", "4 hours")],
        ),
        case(
            "a phone number nobody can call",
            vec![Replace(POLICY, "phone = \"(555) 010-0142\"", "phone = \"ask at the desk\"")],
            vec![at(POLICY, "program.phone", "not a phone number")],
        ),
        case(
            "a placeholder in one language only",
            vec![Replace(COPY, "teléfono: llame al {phone}, {hours}.", "teléfono: llame al programa, {hours}.")],
            vec![at(COPY, "text.phone_referral", "placeholders")],
        ),
        case(
            "a contact line without the phone",
            vec![Replace(COPY, "To reach the program, call {phone} ({hours}) or email {email}.", "To reach the program, email {email} ({hours}), {phone}"), Replace(COPY, "To reach the program, email {email} ({hours}), {phone}", "To reach the program, email {email} ({hours}).")],
            vec![at(COPY, "text.contact_line", "placeholders"), at(COPY, "text.contact_line", "phone")],
        ),
        // Several at once.
        case(
            "every problem is reported, not only the first",
            vec![
                Replace(POLICY, "min_score = 4", "min_score = 9"),
                Replace(POLICY, "monthly = 1", "hourly = 1"),
                Replace(QUESTIONS, "max_len = 254", "max_len = 2001"),
                Replace(COPY, "es = \"Enviar referido\"", "es = \"\""),
            ],
            vec![
                at(POLICY, "tier[1] (standard).min_score", ""),
                at(POLICY, "weights.frequency.hourly", ""),
                at(QUESTIONS, &question_field("contact_email", "max_len"), ""),
                at(COPY, "text.send", ""),
            ],
        ),
    ]
}

#[test]
fn the_shipped_files_load() {
    let content = shipped().load().unwrap_or_else(|errors| {
        let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("the shipped content is invalid:\n{}", all.join("\n"))
    });
    assert!(!content.questions.questions.is_empty());
    assert!(!content.policy.tiers.is_empty());
}

#[test]
fn the_embedded_content_loads_and_passes_its_checks() {
    let content = intake();
    assert_eq!(lead_content::check::check(content), vec![]);
    for id in lead_content::check::REQUIRED_QUESTIONS {
        assert!(content.question(id).is_some(), "{id} is missing");
    }
}

#[test]
fn the_embedded_content_is_the_files_on_disk() {
    fn json(value: &impl serde::Serialize) -> serde_json::Value {
        serde_json::to_value(value).expect("content serialises")
    }
    let from_disk = shipped().load().expect("the shipped content loads");
    let embedded = intake();
    assert_eq!(json(&embedded.questions), json(&from_disk.questions), "questions.toml");
    assert_eq!(json(&embedded.policy), json(&from_disk.policy), "policy.toml");
    assert_eq!(json(&embedded.copy), json(&from_disk.copy), "copy.toml");
}

#[test]
fn each_broken_edit_is_reported_with_its_file_and_field() {
    let mut failures = Vec::new();
    for case in broken_content() {
        let mut sources = shipped();
        if let Err(e) = case.edits.iter().try_for_each(|edit| sources.apply(edit)) {
            failures.push(format!("{}: cannot make the edit: {e}", case.name));
            continue;
        }
        let errors = match sources.load() {
            Ok(_) => {
                failures.push(format!("{}: the content was accepted", case.name));
                continue;
            }
            Err(errors) => errors,
        };
        for want in &case.expect {
            let found = errors.iter().find(|e| e.file == want.file && e.field == want.field);
            let shown = || errors.iter().map(|e| format!("\n      {e}")).collect::<String>();
            match found {
                None => failures.push(format!(
                    "{}: no error at {} {:?}; got:{}",
                    case.name,
                    want.file,
                    want.field,
                    shown()
                )),
                Some(e) => {
                    let display = e.to_string();
                    if !e.message.contains(want.mentions) {
                        failures.push(format!(
                            "{}: {display:?} does not mention {:?}",
                            case.name, want.mentions
                        ));
                    }
                    if !display.starts_with(&format!("{}: ", want.file)) || !display.contains(&want.field) {
                        failures.push(format!("{}: {display:?} does not name the file and field", case.name));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

#[test]
fn errors_display_as_file_field_message() {
    let with_field = ContentError {
        file: POLICY,
        field: "tier[1] (standard).min_score".into(),
        message: "too high".into(),
    };
    assert_eq!(
        with_field.to_string(),
        "content/intake/policy.toml: tier[1] (standard).min_score: too high"
    );
    let without = ContentError {
        file: COPY,
        field: String::new(),
        message: "bad syntax".into(),
    };
    assert_eq!(without.to_string(), "content/intake/copy.toml: bad syntax");
}

// ---------------------------------------------------------------------------
// The check-content command

/// A directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn with(name: &str, sources: &Sources) -> TempDir {
        let dir = std::env::temp_dir().join(format!("lead-content-test-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        for (file, text) in [
            ("questions.toml", &sources.questions),
            ("policy.toml", &sources.policy),
            ("copy.toml", &sources.copy),
            ("clt.toml", &sources.clt),
            ("dashboards.toml", &sources.dashboards),
        ] {
            fs::write(dir.join(file), text).expect("write content file");
        }
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn check_content(args: &[&std::ffi::OsStr]) -> (Output, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_check-content"))
        .args(args)
        .output()
        .expect("check-content runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stdout, stderr)
}

#[test]
fn check_content_passes_the_shipped_files() {
    for args in [vec![std::ffi::OsStr::new(DIR)], vec![]] {
        let (output, stdout, stderr) = check_content(&args);
        assert!(output.status.success(), "{args:?}: {stderr}");
        assert!(stdout.contains("content is valid"), "{args:?}: {stdout}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn check_content_passes_a_copy_of_the_shipped_files() {
    let dir = TempDir::with("copy", &shipped());
    let (output, _, stderr) = check_content(&[dir.0.as_os_str()]);
    assert!(output.status.success(), "{stderr}");
}

#[test]
fn check_content_fails_on_a_broken_policy_naming_file_and_field() {
    let sources = shipped().edited(&[
        Replace(POLICY, "min_score = 4", "min_score = 9"),
        Replace(POLICY, "monthly = 1", "hourly = 1"),
    ]);
    let dir = TempDir::with("broken-policy", &sources);
    let (output, stdout, stderr) = check_content(&[dir.0.as_os_str()]);
    assert!(!output.status.success(), "a broken policy passed: {stdout}");
    // The folder checked is named, so another program's set is found.
    let policy = dir.0.join("policy.toml").display().to_string();
    assert!(
        stderr.contains(&format!("{policy}: tier[1] (standard).min_score: ")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{policy}: weights.frequency.hourly: ")),
        "{stderr}"
    );
    assert!(stderr.contains("2 problem(s) found"), "{stderr}");
}

#[test]
fn check_content_fails_on_a_syntax_error_naming_the_file() {
    let sources = shipped().edited(&[Replace(COPY, "send = {", "send = {{")]);
    let dir = TempDir::with("syntax", &sources);
    let (output, _, stderr) = check_content(&[dir.0.as_os_str()]);
    assert!(!output.status.success());
    let copy = dir.0.join("copy.toml").display().to_string();
    assert!(stderr.contains(&format!("{copy}: ")), "{stderr}");
}

#[test]
fn check_content_fails_when_a_file_is_missing() {
    let dir = TempDir::with("missing", &shipped());
    fs::remove_file(dir.0.join("policy.toml")).expect("remove policy.toml");
    let (output, _, stderr) = check_content(&[dir.0.as_os_str()]);
    assert!(!output.status.success());
    assert!(stderr.contains("policy.toml: cannot read"), "{stderr}");
}

#[test]
fn the_clt_text_is_checked_like_the_intake_text() {
    let shipped_text = shipped();
    assert!(lead_content::CltText::from_toml(&shipped_text.clt).is_ok());
    let cases = [
        (
            Replace(
                CLT,
                r#"sign_out = { en = "Sign out", es = "Cerrar sesión" }"#,
                r#"sign_out = { en = "Sign out", es = " " }"#,
            ),
            "text.sign_out: needs both en and es text",
        ),
        (
            Replace(CLT, r#"es = "Página {n}""#, r#"es = "Página""#),
            "text.page_number: en has the placeholders",
        ),
        (
            Replace(
                CLT,
                r#"es = "Su comentario" }"#,
                r#"es = "Su comentario" }
extra_key = { en = "x", es = "y" }"#,
            ),
            "unknown field `extra_key`",
        ),
        (
            Replace(
                CLT,
                "(kept in the audit log)",
                "(kept in the audit log, organised by date)",
            ),
            "text.withdraw_reason: \"organised\" is British spelling",
        ),
    ];
    for (edit, expected) in cases {
        let sources = shipped().edited(&[edit]);
        let errors = lead_content::CltText::from_toml(&sources.clt).expect_err(expected);
        let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            all.iter()
                .any(|e| e.starts_with("content/intake/clt.toml: ") && e.contains(expected)),
            "{expected}: {all:?}"
        );
    }
    // And check-content names the file and the key.
    let sources = shipped().edited(&[Replace(CLT, r#"es = "Enviar respuesta""#, r#"es = """#)]);
    let dir = TempDir::with("clt", &sources);
    let (output, _, stderr) = check_content(&[dir.0.as_os_str()]);
    assert!(!output.status.success());
    let clt = dir.0.join("clt.toml").display().to_string();
    assert!(
        stderr.contains(&format!("{clt}: text.send_reply: needs both en and es text")),
        "{stderr}"
    );
}

#[test]
fn the_embedded_clt_text_is_the_file_on_disk() {
    let from_disk = lead_content::CltText::from_toml(&shipped().clt).expect("clt.toml loads");
    assert_eq!(
        serde_json::to_value(lead_content::clt()).expect("serialises"),
        serde_json::to_value(&from_disk).expect("serialises")
    );
}

#[test]
fn the_dashboards_text_is_checked_like_the_intake_text() {
    assert!(lead_content::DashboardCopy::from_toml(&shipped().dashboards).is_ok());
    let cases = [
        (
            Replace(DASHBOARDS, r#"es = "Tableros" }"#, r#"es = "" }"#),
            "text.dashboards_nav: needs both en and es text",
        ),
        (
            Replace(DASHBOARDS, r#"es = "Trimestres de {year}""#, r#"es = "Trimestres""#),
            "text.quarters_of: en has the placeholders",
        ),
        (
            Replace(
                DASHBOARDS,
                "\nhousing = { en = \"Of people enrolled",
                "\nhousingx = { en = \"Of people enrolled",
            ),
            "caption.housing: is missing: every chart needs one",
        ),
        (
            Replace(
                DASHBOARDS,
                "\nhousing = { en = \"Of people enrolled",
                "\nhousingx = { en = \"Of people enrolled",
            ),
            "caption.housingx: is not a chart",
        ),
        (
            Replace(
                DASHBOARDS,
                "\ncapacity = { en = \"Whether",
                "\ncapacity = { en = \"Whether (organised)",
            ),
            "intro.capacity: \"organised\" is British spelling",
        ),
        (
            Replace(
                DASHBOARDS,
                r#"site_name = { en = "LEAD in figures", es = "LEAD en cifras" }"#,
                "",
            ),
            "missing field `site_name`",
        ),
    ];
    for (edit, expected) in cases {
        let sources = shipped().edited(&[edit]);
        let errors = lead_content::DashboardCopy::from_toml(&sources.dashboards).expect_err(expected);
        let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            all.iter()
                .any(|e| e.starts_with("content/intake/dashboards.toml: ") && e.contains(expected)),
            "{expected}: {all:?}"
        );
    }
    // And check-content names the file and the key.
    let sources = shipped().edited(&[Replace(DASHBOARDS, r#"es = "Tableros" }"#, r#"es = "" }"#)]);
    let dir = TempDir::with("dashboards", &sources);
    let (output, _, stderr) = check_content(&[dir.0.as_os_str()]);
    assert!(!output.status.success());
    let file = dir.0.join("dashboards.toml").display().to_string();
    assert!(
        stderr.contains(&format!("{file}: text.dashboards_nav: needs both en and es text")),
        "{stderr}"
    );
}

#[test]
fn the_embedded_dashboards_text_is_the_file_on_disk() {
    let from_disk = lead_content::DashboardCopy::from_toml(&shipped().dashboards).expect("dashboards.toml loads");
    assert_eq!(
        serde_json::to_value(lead_content::dashboards()).expect("serialises"),
        serde_json::to_value(&from_disk).expect("serialises")
    );
}

#[test]
fn the_measures_a_program_declares_are_checked_and_embedded() {
    let declared = fs::read_to_string(PathBuf::from(DIR).join("measures.toml")).expect("measures.toml");
    let from_disk = lead_content::Measures::from_toml(&declared).expect("measures.toml loads");
    assert_eq!(&from_disk, lead_content::measures());
    let cases = [
        (
            r#"code = "health_coverage""#,
            r#"code = "housed""#,
            "outcomes.csv already carries",
        ),
        (r#"kind = "rate""#, r#"kind = "score""#, "one of count, rate, yes_no"),
        (
            r#"windows = ["post_6m", "post_12m"]"#,
            "windows = []",
            "name at least one window",
        ),
        (
            r#"windows = ["pre_12m", "post_12m"]
name = { en = "Nights"#,
            r#"windows = ["post_12m"]
name = { en = "Nights"#,
            "a count is compared before and after enrollment",
        ),
        (
            r#"en = "Has health coverage""#,
            r#"en = "Has health coverage (organised)""#,
            "\"organised\" is British spelling",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(declared.contains(from), "{from}");
        let errors = lead_content::Measures::from_toml(&declared.replacen(from, to, 1)).expect_err(expected);
        let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            all.iter()
                .any(|e| e.starts_with("content/intake/measures.toml: ") && e.contains(expected)),
            "{expected}: {all:?}"
        );
    }
    // check-content names the file of the set it checked; a set with no
    // measures.toml declares none.
    let dir = TempDir::with("measures", &shipped());
    fs::write(
        dir.0.join("measures.toml"),
        declared.replacen("kind = \"rate\"", "kind = \"score\"", 1),
    )
    .expect("write");
    let (output, _, stderr) = check_content(&[dir.0.as_os_str()]);
    assert!(!output.status.success());
    let file = dir.0.join("measures.toml").display().to_string();
    assert!(stderr.contains(&format!("{file}: ")), "{stderr}");
    fs::remove_file(dir.0.join("measures.toml")).expect("remove");
    let (output, stdout, stderr) = check_content(&[dir.0.as_os_str()]);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("0 measures of the program's own"), "{stdout}");
}
