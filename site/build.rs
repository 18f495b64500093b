//! Compiles the intake content into Rust for the browser build.
//!
//! `lead_content::intake()` parses embedded JSON with serde_json; in the wasm
//! that parser was the largest single part of the module (about 90 KB of
//! 470 KB). Here the same TOML is read and checked with `lead-content`'s own
//! loader at build time and written out as a constructor of the same types,
//! so the wasm carries the data but no parser. Native builds (prerender,
//! tests) use `intake()` itself; a test checks the two are equal.

use std::fmt::Write as _;
use std::{env, fs, path::Path};

use lead_content::schema::{Choice, Criterion, Intake, Policy, Step, Tier};
use lead_content::{Content, Question, Text};

fn s(value: &str) -> String {
    format!("s({value:?})")
}

fn text(t: &Text) -> String {
    format!("t({:?}, {:?})", t.en, t.es)
}

fn opt<T>(value: &Option<T>, f: impl Fn(&T) -> String) -> String {
    match value {
        Some(v) => format!("Some({})", f(v)),
        None => "None".to_owned(),
    }
}

fn list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    format!("vec![{}]", items.iter().map(f).collect::<Vec<_>>().join(", "))
}

fn choice(c: &Choice) -> String {
    format!(
        "Choice {{ value: {}, label: {}, notice: {} }}",
        s(&c.value),
        text(&c.label),
        opt(&c.notice, text)
    )
}

fn step(st: &Step) -> String {
    format!(
        "Step {{ id: {}, title: {}, intro: {} }}",
        s(&st.id),
        text(&st.title),
        opt(&st.intro, text)
    )
}

fn question(q: &Question) -> String {
    format!(
        "Question {{ id: {}, step: {}, kind: QuestionKind::{:?}, label: {}, help: {}, required: {}, max_len: {:?}, options: {}, options_from: {} }}",
        s(&q.id),
        s(&q.step),
        q.kind,
        text(&q.label),
        opt(&q.help, text),
        q.required,
        q.max_len,
        list(&q.options, choice),
        opt(&q.options_from, |o| format!("OptionSource::{o:?}")),
    )
}

fn criterion(c: &Criterion) -> String {
    format!(
        "Criterion {{ question: {}, accept: {}, reason: {}, not_sure: {} }}",
        s(&c.question),
        list(&c.accept, |a| s(a)),
        text(&c.reason),
        opt(&c.not_sure, |n| format!("NotSure::{n:?}"))
    )
}

fn tier(t: &Tier) -> String {
    format!(
        "Tier {{ id: {}, min_score: {}, label: {}, meaning: {} }}",
        s(&t.id),
        t.min_score,
        text(&t.label),
        text(&t.meaning)
    )
}

fn intake(i: &Intake) -> String {
    format!(
        "Intake {{ status: IntakeStatus::{:?}, priority_tiers: {}, duplicate_window_hours: {}, \
         capacity: CapacityRule {{ average_above: {:?}, highest_at: {:?}, then: IntakeStatus::{:?}, stale_after_hours: {} }}, \
         messages: IntakeMessages {{ open: {}, priority_only: {}, paused: {}, capacity_priority_only: {}, capacity_paused: {}, priority_criteria: {} }} }}",
        i.status,
        list(&i.priority_tiers, |t| s(t)),
        i.duplicate_window_hours,
        i.capacity.average_above,
        i.capacity.highest_at,
        i.capacity.then,
        i.capacity.stale_after_hours,
        text(&i.messages.open),
        text(&i.messages.priority_only),
        text(&i.messages.paused),
        text(&i.messages.capacity_priority_only),
        text(&i.messages.capacity_paused),
        text(&i.messages.priority_criteria),
    )
}

fn policy(p: &Policy) -> String {
    let mut weights = String::from("{ let mut w = BTreeMap::new();");
    for (question, answers) in &p.weights {
        let _ = write!(weights, " let mut a = BTreeMap::new();");
        for (answer, points) in answers {
            let _ = write!(weights, " a.insert({}, {points});", s(answer));
        }
        let _ = write!(weights, " w.insert({}, a);", s(question));
    }
    weights.push_str(" w }");
    let privacy = p
        .privacy
        .entries()
        .into_iter()
        .map(|(name, t)| format!("{name}: {}", text(t)))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "Policy {{ referrers: {}, catchment: {}, eligibility: {}, weights: {weights}, tiers: {}, intake: {}, \
         program: Program {{ phone: {}, email: {}, hours: {} }}, privacy: Privacy {{ {privacy} }} }}",
        list(&p.referrers, choice),
        list(&p.catchment, choice),
        list(&p.eligibility, criterion),
        list(&p.tiers, tier),
        intake(&p.intake),
        s(&p.program.phone),
        s(&p.program.email),
        text(&p.program.hours),
    )
}

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("../content/intake");
    let read = |name: &str| {
        let path = dir.join(format!("{name}.toml"));
        println!("cargo:rerun-if-changed={}", path.display());
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let content = Content::from_toml(&read("questions"), &read("policy"), &read("copy")).unwrap_or_else(|errors| {
        let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("content/intake is invalid:\n{}", all.join("\n"))
    });
    let copy = content
        .copy
        .entries()
        .into_iter()
        .map(|(key, t)| format!("{key}: {}", text(t)))
        .collect::<Vec<_>>()
        .join(", ");
    let code = format!(
        "// Generated by site/build.rs from content/intake/*.toml. Do not edit.\n\
         #[allow(clippy::all)]\n\
         pub fn build() -> Content {{\n\
         Content {{ questions: Questions {{ steps: {}, questions: {} }}, policy: {}, copy: CopyText {{ {copy} }} }}\n\
         }}\n",
        list(&content.questions.steps, step),
        list(&content.questions.questions, question),
        policy(&content.policy),
    );
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("content.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
