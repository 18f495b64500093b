//! Languages the portal speaks and text given in each of them.

use serde::{Deserialize, Serialize};

pub use lead_data::Lang;

/// One piece of text in every language the portal speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    pub es: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Es => &self.es,
        }
    }

    /// The text in `lang` with each `{name}` replaced by its value.
    pub fn fill(&self, lang: Lang, values: &[(&str, &str)]) -> String {
        fill(self.get(lang), values)
    }

    pub(crate) fn is_complete(&self) -> bool {
        !self.en.trim().is_empty() && !self.es.trim().is_empty()
    }
}

/// `text` with each `{name}` replaced by its value.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(text.to_owned(), |out, (name, value)| {
        out.replace(&format!("{{{name}}}"), value)
    })
}
