//! One intake question: its label, help, error and control, bound to the
//! wizard's answers. The same markup is the plain form without JavaScript.

use crate::content::intake;
use lead_content::form::error_id;
use lead_content::{Question, QuestionKind};
use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::components::char_count::CharCount;
use crate::wizard::{option_id, question_container_id, Wizard};

/// `aria-describedby` for a question: its help and, when shown, its error.
fn described_by(question: &'static Question, wizard: Wizard) -> impl Fn() -> Option<String> + Copy {
    let id = question.id.as_str();
    let has_help = question.help.is_some();
    let has_limit = question.max_len.is_some();
    move || {
        let mut ids = Vec::new();
        if has_help {
            ids.push(format!("{id}-help"));
        }
        if has_limit {
            ids.push(format!("{id}-limit"));
        }
        if wizard.errors.with(|e| e.contains_key(id)) {
            ids.push(error_id(id));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// WCAG 1.3.5: the referrer's own details say what they are, so browsers
/// can fill them in. Answers about the other person are never autofilled.
fn autocomplete(question: &Question) -> &'static str {
    match (question.step.as_str(), question.kind) {
        (_, QuestionKind::Email) => "email",
        (_, QuestionKind::Phone) => "tel",
        ("referrer", _) if question.id == "referrer_name" => "name",
        ("referrer", _) if question.id == "referrer_organisation" => "organization",
        _ => "off",
    }
}

#[component]
pub fn QuestionField(question: &'static Question) -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let lang = wizard.lang;
    let copy = &intake().copy;
    let id = question.id.as_str();
    let required_mark = question
        .required
        .then(|| view! { <span class="required">" (" {copy.required_mark.get(lang)} ")"</span> });
    let help = question
        .help
        .as_ref()
        .map(|h| view! { <p class="help" id=format!("{id}-help")>{h.get(lang)}</p> });
    let error = move || {
        wizard.error(id).map(|message| {
            view! {
                <p class="field-error" id=error_id(id)>
                    {message}
                </p>
            }
        })
    };
    let invalid = move || wizard.errors.with(|e| e.contains_key(id)).then_some("true");
    let described = described_by(question, wizard);
    let container = question_container_id(id);
    let class = move |base: &'static str| {
        move || match invalid() {
            Some(_) => format!("{base} has-error"),
            None => base.to_owned(),
        }
    };
    // The limit is the content's, the same number the worker checks; the
    // box itself never cuts what is typed or pasted (no `maxlength`).
    let count = question.max_len.map(|max| view! { <CharCount id max/> });

    match question.kind {
        QuestionKind::Choice => {
            let options = intake()
                .options(question)
                .iter()
                .map(|choice| {
                    let value = choice.value.as_str();
                    let option = option_id(id, value);
                    // Shown by the stylesheet as soon as the answer is
                    // chosen (no JavaScript needed), and read with the
                    // answer by screen readers.
                    let notice_id = format!("{option}-notice");
                    let notice = choice.notice.as_ref().map(|n| {
                        view! { <p class="option-notice" id=notice_id.clone()>{n.get(lang)}</p> }
                    });
                    let notice_ref = choice.notice.is_some().then_some(notice_id.clone());
                    view! {
                        <div class="option">
                            <input
                                type="radio"
                                id=option.clone()
                                name=id
                                value=value
                                required=question.required
                                aria-invalid=invalid
                                aria-describedby=notice_ref
                                prop:checked=move || wizard.answers.with(|a| a.get(id).is_some_and(|v| v == value))
                                on:change=move |_| wizard.set_answer(id, value.to_owned())
                            />
                            <label for=option>{choice.label.get(lang)}</label>
                            {notice}
                        </div>
                    }
                })
                .collect_view();
            EitherOf3::A(view! {
                <fieldset class=class("question choice") id=container aria-describedby=described>
                    <legend>{question.label.get(lang)} {required_mark}</legend>
                    {help}
                    {error}
                    <div class="options">{options}</div>
                </fieldset>
            })
        }
        QuestionKind::LongText => EitherOf3::B(view! {
            <div class=class("question") id=container>
                <label for=id>{question.label.get(lang)} {required_mark}</label>
                {help}
                {error}
                <textarea
                    id=id
                    name=id
                    rows="4"
                    required=question.required
                    autocomplete=autocomplete(question)
                    aria-describedby=described
                    aria-invalid=invalid
                    prop:value=move || wizard.answer(id)
                    on:input:target=move |ev| wizard.set_answer(id, ev.target().value())
                ></textarea>
                {count}
            </div>
        }),
        kind => {
            let input_type = match kind {
                QuestionKind::Email => "email",
                QuestionKind::Phone => "tel",
                _ => "text",
            };
            EitherOf3::C(view! {
                <div class=class("question") id=container>
                    <label for=id>{question.label.get(lang)} {required_mark}</label>
                    {help}
                    {error}
                    <input
                        type=input_type
                        id=id
                        name=id
                        required=question.required
                        autocomplete=autocomplete(question)
                        aria-describedby=described
                        aria-invalid=invalid
                        prop:value=move || wizard.answer(id)
                        on:input:target=move |ev| wizard.set_answer(id, ev.target().value())
                    />
                    {count}
                </div>
            })
        }
    }
}
