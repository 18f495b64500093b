//! The intake content for the pages: `lead_content::intake()` natively, and
//! in the browser the same content compiled into Rust by `build.rs`, so the
//! wasm needs no JSON parser (see there for why).

use lead_content::Content;

/// The content every page and rule reads.
#[cfg(not(target_arch = "wasm32"))]
pub fn intake() -> &'static Content {
    lead_content::intake()
}

/// The content every page and rule reads.
#[cfg(target_arch = "wasm32")]
pub fn intake() -> &'static Content {
    static CONTENT: std::sync::OnceLock<Content> = std::sync::OnceLock::new();
    CONTENT.get_or_init(compiled::build)
}

/// The build-time copy, also compiled natively so a test can compare it.
pub mod compiled {
    #![allow(clippy::all, clippy::unwrap_used)]
    use std::collections::BTreeMap;

    use lead_content::schema::{
        CapacityRule, Choice, CopyText, Criterion, Intake, IntakeMessages, IntakeStatus, NotSure, OptionSource, Policy,
        Privacy, Program, Questions, Step, Tier,
    };
    use lead_content::{Content, Question, QuestionKind, Text};

    fn s(value: &str) -> String {
        value.to_owned()
    }

    fn t(en: &str, es: &str) -> Text {
        Text {
            en: en.to_owned(),
            es: es.to_owned(),
        }
    }

    include!(concat!(env!("OUT_DIR"), "/content.rs"));
}
