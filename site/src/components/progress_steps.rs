//! "Step 2 of 5" and the list of steps, the current one marked for
//! assistive technology with `aria-current="step"`.

use crate::content::intake;
use leptos::prelude::*;

use crate::text::progress;
use crate::wizard::{steps, total_stages, Stage, Wizard};

/// The 1-based position of a stage, if it is a numbered one.
fn position(stage: &Stage) -> Option<usize> {
    match stage {
        Stage::Step(i) => Some(i + 1),
        Stage::Review => Some(total_stages()),
        _ => None,
    }
}

#[component]
pub fn ProgressSteps() -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let lang = wizard.lang;
    let copy = &intake().copy;
    let current = move || wizard.stage.with(position);
    let items = move || {
        steps()
            .iter()
            .map(|s| s.title.get(lang))
            .chain(std::iter::once(copy.review_heading.get(lang)))
            .enumerate()
            .map(|(i, title)| {
                let n = i + 1;
                let state = move || match current() {
                    Some(c) if c == n => "current",
                    Some(c) if c > n => "done",
                    _ => "todo",
                };
                // A finished step is said in words and marked with a tick,
                // not shown by color alone.
                let done = move || {
                    (state() == "done").then(|| {
                        view! {
                            <span class="step-done" aria-hidden="true">" ✓"</span>
                            <span class="visually-hidden">" (" {copy.step_done.get(lang)} ")"</span>
                        }
                    })
                };
                view! {
                    <li class=state aria-current=move || (current() == Some(n)).then_some("step")>
                        {title}
                        {done}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || current().is_some()>
            <div class="progress">
                <p class="progress-text">
                    {move || progress(copy.progress.get(lang), current().unwrap_or(1), total_stages())}
                </p>
                <ol class="progress-steps">{items()}</ol>
            </div>
        </Show>
    }
}
