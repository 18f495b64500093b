//! Small helpers over the content's text: placeholders and paths.

use lead_content::Lang;

/// Fills `{n}` and `{total}` in the progress text.
pub fn progress(template: &str, n: usize, total: usize) -> String {
    template
        .replace("{n}", &n.to_string())
        .replace("{total}", &total.to_string())
}

/// The intake page of a language, e.g. `/es/`.
pub fn intake_path(lang: Lang) -> String {
    format!("/{}/", lang.code())
}

/// The whole form without JavaScript, once the first step's answers were
/// checked, e.g. `/es/details/`.
pub fn details_path(lang: Lang) -> String {
    format!("/{}/details/", lang.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_fills_both_placeholders() {
        assert_eq!(progress("Step {n} of {total}", 2, 5), "Step 2 of 5");
    }
}
