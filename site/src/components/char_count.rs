//! Under a text box with a limit: the limit in words (read with the box,
//! and all there is without JavaScript), then, once hydrated, how many
//! characters are left or over, on screen as the person types and told to
//! screen readers politely once they pause.

use std::time::Duration;

use crate::content::intake;
use leptos::prelude::*;

use crate::wizard::Wizard;

/// How long typing must pause before the count is read out.
const ANNOUNCE_AFTER: Duration = Duration::from_millis(1000);

/// "12 characters left", "1 character too many": counted as the worker
/// counts (characters, not bytes or UTF-16 units).
pub fn remaining_text(max: usize, used: usize, lang: lead_content::Lang) -> String {
    let copy = &intake().copy;
    let (template, n) = match max.checked_sub(used) {
        Some(1) => (copy.chars_left_one.get(lang), 1),
        Some(left) => (copy.chars_left.get(lang), left),
        None if used - max == 1 => (copy.chars_over_one.get(lang), 1),
        None => (copy.chars_over.get(lang), used - max),
    };
    template.replace("{n}", &n.to_string())
}

#[component]
pub fn CharCount(id: &'static str, max: usize) -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let lang = wizard.lang;
    let copy = &intake().copy;
    let used = move || wizard.answers.with(|a| a.get(id).map_or(0, |v| v.chars().count()));
    let over = move || used() > max;
    let spoken = RwSignal::new(String::new());
    let typed = StoredValue::new(0u32);
    // Each change restarts the wait; only the last one is read out. The
    // count shown at hydration is not announced.
    Effect::new(move |previous: Option<usize>| {
        let now = used();
        if previous.is_some_and(|p| p != now) {
            let turn = typed.get_value() + 1;
            typed.set_value(turn);
            set_timeout(
                move || {
                    if typed.get_value() == turn {
                        spoken.set(remaining_text(max, now, lang));
                    }
                },
                ANNOUNCE_AFTER,
            );
        }
        now
    });
    view! {
        <p class="char-limit" id=format!("{id}-limit") hidden=move || wizard.is_active()>
            {copy.chars_limit.get(lang).replace("{max}", &max.to_string())}
        </p>
        <p
            class=move || if over() { "char-count over" } else { "char-count" }
            id=format!("{id}-count")
            aria-hidden="true"
            hidden=move || !wizard.is_active()
        >
            {move || remaining_text(max, used(), lang)}
        </p>
        <p class="visually-hidden" aria-live="polite" id=format!("{id}-count-live")>
            {move || spoken.get()}
        </p>
    }
}
