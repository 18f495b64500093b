//! The intake form's markup names, shared by the site, which draws the
//! form, and the worker, which gives it back without JavaScript: a first
//! page or a whole form that the rules did not accept comes back as the
//! same page with every answer in place, each error beside its question
//! and all of them listed at the top, linked, as the wizard shows them.

use crate::page::{escape, HYDRATE_HEAD};
use crate::referral::{FieldError, RawReferral};
use crate::{intake, Lang, Question, QuestionKind};

/// The radio button of one answer.
pub fn option_id(question: &str, value: &str) -> String {
    format!("{question}-{value}")
}

/// The element around a question: its label or legend, help, error and
/// control.
pub fn question_container_id(question: &str) -> String {
    format!("{question}-question")
}

/// The error message shown with a question.
pub fn error_id(question: &str) -> String {
    format!("{question}-error")
}

/// The list of errors the worker puts at the top of a page it fills in.
pub const FORM_ERRORS_ID: &str = "form-errors";

/// `page` (the prerendered form as served) with `answers` back in its
/// controls and `errors` shown with their questions and listed after the
/// heading; its title starts "Error: ". With errors the hydrating scripts
/// are left out (the wizard would not find its own markup), so the page
/// stays a plain form. Only answers to questions on the page come back: a
/// choice only when it is one of the question's options, text escaped,
/// and the honeypot never.
pub fn refill(page: &str, answers: &RawReferral, errors: &[FieldError], lang: Lang) -> String {
    let content = intake();
    let mut html = page.to_owned();
    for question in &content.questions.questions {
        let value = answers.get(&question.id);
        if value.is_empty() {
            continue;
        }
        match question.kind {
            QuestionKind::Choice => {
                if content.options(question).iter().any(|c| c.value == value) {
                    add_attribute(&mut html, &option_id(&question.id, value), "checked", None);
                }
            }
            QuestionKind::LongText => {
                if let Some(start) = html.find(&id_attribute(&question.id)) {
                    if let Some(end) = html[start..].find('>') {
                        // A newline straight after `<textarea>` is dropped
                        // by the parser; one more keeps the answer's own.
                        let lead = if value.starts_with('\n') { "\n" } else { "" };
                        html.insert_str(start + end + 1, &format!("{lead}{}", escape(value)));
                    }
                }
            }
            _ => add_attribute(&mut html, &question.id, "value", Some(value)),
        }
    }
    let shown: Vec<(&Question, &FieldError)> = content
        .questions
        .questions
        .iter()
        .filter_map(|q| errors.iter().find(|e| e.field == q.id).map(|e| (q, e)))
        .filter(|(q, _)| html.contains(&id_attribute(&question_container_id(&q.id))))
        .collect();
    let mut items = Vec::new();
    for (question, error) in &shown {
        let message = error.kind.message(lang);
        mark_invalid(&mut html, question, &message);
        items.push(format!(
            "<li><a href=\"#{}\">{} – {}</a></li>",
            question_container_id(&question.id),
            escape(question.label.get(lang).trim_end_matches(':')),
            escape(&message)
        ));
    }
    // What has no question on the page (a forged field, the honeypot) is
    // still said, without a link.
    items.extend(
        errors
            .iter()
            .filter(|e| !shown.iter().any(|(q, _)| q.id == e.field))
            .map(|e| {
                format!(
                    "<li>{} – {}</li>",
                    escape(content.field_label(&e.field, lang)),
                    escape(&e.kind.message(lang))
                )
            }),
    );
    if !items.is_empty() {
        html = html.replacen(HYDRATE_HEAD, "", 1);
        let summary = format!(
            "<div class=\"error-summary\" id=\"{FORM_ERRORS_ID}\" tabindex=\"-1\" role=\"alert\" \
             aria-labelledby=\"{FORM_ERRORS_ID}-title\"><h2 id=\"{FORM_ERRORS_ID}-title\">{}</h2><ul>{}</ul></div>",
            escape(content.copy.errors_heading.get(lang)),
            items.concat()
        );
        if let Some(end) = html.find("</h1>") {
            html.insert_str(end + "</h1>".len(), &summary);
        }
        if let Some(start) = html.find("<title>") {
            let at = start + "<title>".len();
            html.insert_str(at, &format!("{}: ", escape(content.copy.error_title.get(lang))));
        }
    }
    html
}

fn id_attribute(id: &str) -> String {
    format!("id=\"{id}\"")
}

/// The start and end (after `>`) of the tag that carries `id`.
fn tag_of(html: &str, id: &str) -> Option<(usize, usize)> {
    let at = html.find(&id_attribute(id))?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')? + 1;
    Some((start, end))
}

/// Adds `name` (with `value`, escaped) after the `id` of the tag that has it.
fn add_attribute(html: &mut String, id: &str, name: &str, value: Option<&str>) {
    if let Some(at) = html.find(&id_attribute(id)) {
        let attribute = match value {
            Some(v) => format!(" {name}=\"{}\"", escape(v)),
            None => format!(" {name}"),
        };
        html.insert_str(at + id_attribute(id).len(), &attribute);
    }
}

/// Adds `word` to the space-separated attribute `name` of the tag with
/// `id`, or gives the tag that attribute.
fn add_to_list(html: &mut String, id: &str, name: &str, word: &str) {
    let Some((start, end)) = tag_of(html, id) else {
        return;
    };
    let opening = format!(" {name}=\"");
    match html[start..end].find(&opening) {
        Some(at) => {
            let value_start = start + at + opening.len();
            if let Some(close) = html[value_start..end].find('"') {
                html.insert_str(value_start + close, &format!(" {word}"));
            }
        }
        None => add_attribute(html, id, name, Some(word)),
    }
}

/// The question shown as the wizard shows one in error: its container
/// marked, the message after its help (or its label), the control (or the
/// group) described by the message and marked invalid.
fn mark_invalid(html: &mut String, question: &Question, message: &str) {
    let id = question.id.as_str();
    let container = question_container_id(id);
    add_to_list(html, &container, "class", "has-error");
    let Some(from) = html.find(&id_attribute(&container)) else {
        return;
    };
    let after = match html.find(&id_attribute(&format!("{id}-help"))) {
        Some(help) if question.help.is_some() => html[help..].find("</p>").map(|end| help + end + "</p>".len()),
        _ => ["</legend>", "</label>"]
            .iter()
            .filter_map(|tag| html[from..].find(tag).map(|at| from + at + tag.len()))
            .min(),
    };
    if let Some(at) = after {
        html.insert_str(
            at,
            &format!(
                "<p class=\"field-error\" id=\"{}\">{}</p>",
                error_id(id),
                escape(message)
            ),
        );
    }
    let described = match question.kind {
        QuestionKind::Choice => container,
        _ => id.to_owned(),
    };
    add_to_list(html, &described, "aria-describedby", &error_id(id));
    match question.kind {
        QuestionKind::Choice => {
            for choice in intake().options(question) {
                add_attribute(html, &option_id(id, &choice.value), "aria-invalid", Some("true"));
            }
        }
        _ => add_attribute(html, id, "aria-invalid", Some("true")),
    }
}
