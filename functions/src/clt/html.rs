//! The CLT's HTML: its own pages, the comment form and the community
//! commentary put into the prerendered dashboard pages, in the reader's
//! language (the words are `content/intake/clt.toml`). Everything a member
//! or moderator wrote goes through [`escape`], so it is only ever text.

use std::collections::HashMap;

use lead_content::{CltText, Lang, Text};
use lead_data::tables::{ChartId, DashboardId, Stat, DIMS};
use lead_data::vocab::Vocabulary;
use lead_data::{Date, Period};

use super::input::{
    CommentInput, Kind, Publish, ReplyInput, ReplyStatus, Role, Subject, Topic, MAX_POINT_CHARS, MAX_TEXT_CHARS,
    PROGRAM, WHOLE_PAGE,
};
use super::store::{Comment, Session};
use crate::error::{ApiError, InvitationError, Limited, Problem};
use crate::pages::{escape, Area};

/// The current data version of each (page, chart, period) a comment is on;
/// `None` when the chart is no longer published.
pub type Versions = HashMap<(String, String, String), Option<String>>;

/// The CLT's words.
fn t() -> &'static CltText {
    lead_content::clt()
}

/// `text` in `lang` with each `{name}` replaced by its value, as plain
/// text (escaped).
pub fn say(text: &Text, lang: Lang, values: &[(&str, &str)]) -> String {
    escape(&fill(text.get(lang), values))
}

pub use lead_content::text::fill;

/// `text` in `lang`, escaped, with `{name}` replaced by trusted markup.
fn say_with_markup(text: &Text, lang: Lang, name: &str, markup: &str) -> String {
    escape(text.get(lang)).replace(&format!("{{{name}}}"), markup)
}

/// Where a CLT page is: `/{lang}/clt/{rest}`.
pub fn at(lang: Lang, rest: &str) -> String {
    format!("/{}/clt/{rest}", lang.code())
}

/// Where a CLT form posts: `/api/clt/{rest}?lang=`, so the answer comes in
/// the page's language.
fn api(lang: Lang, rest: &str) -> String {
    format!("/api/clt/{rest}?lang={}", lang.code())
}

/// `YYYY-MM-DD` (UTC) of a time in ms.
fn date(ms: f64) -> String {
    Date::from_unix_ms(ms as i64).map(|d| d.to_string()).unwrap_or_default()
}

/// A CLT page in `lang`: the portal's page shell, and who is signed in.
/// `here` is the page's address after `/{lang}/clt/` (its query included),
/// so the language switch keeps the reader where they are.
pub fn page(lang: Lang, here: &str, title: &str, session: Option<&Session>, csrf: Option<&str>, body: &str) -> String {
    let who = match (session, csrf) {
        (Some(s), Some(_)) => signed_in_as(s, lang),
        _ => String::new(),
    };
    crate::pages::shell(Area::Clt(lang), title, &format!("{who}{body}"), Some(here))
}

/// Who is signed in, and the link to sign out (a page that says what
/// signing out means first), on the CLT's pages and the staff console.
pub fn signed_in_as(s: &Session, lang: Lang) -> String {
    let (name, organization) = (s.name.as_str(), s.organisation.as_str());
    let who = match s.role {
        Role::Member => say(
            &t().signed_in_as,
            lang,
            &[("name", name), ("organization", organization)],
        ),
        Role::Moderator | Role::Manager => {
            let role = if s.role == Role::Moderator {
                &t().role_moderator
            } else {
                &t().role_manager
            };
            say(
                &t().signed_in_as_role,
                lang,
                &[("name", name), ("organization", organization), ("role", role.get(lang))],
            )
        }
    };
    format!(
        "<p class=\"clt-who\">{who} <a href=\"{}\">{}</a></p>",
        at(lang, "signout"),
        escape(t().sign_out.get(lang))
    )
}

/// On a dashboard page, for a signed-in member: who they are, and the way
/// to their comments (and, for moderators, the queue).
pub fn member_bar(s: &Session, lang: Lang) -> String {
    let queue = if s.is_moderator() {
        format!(
            " <a href=\"{}\">{}</a>",
            at(lang, "moderate"),
            escape(t().moderation_queue.get(lang))
        )
    } else {
        String::new()
    };
    format!(
        "<nav class=\"clt-bar\" aria-label=\"{team}\">{who}<p><a href=\"{home}\">{yours}</a>{queue}</p></nav>",
        team = escape(t().team_name.get(lang)),
        who = signed_in_as(s, lang),
        home = at(lang, ""),
        yours = escape(t().your_comments.get(lang)),
    )
}

/// A CLT page with links to the pages of its list before `</main>`: lists
/// show [`store::PAGE_SIZE`](super::store::PAGE_SIZE) comments at a time.
pub fn with_pages(html: &str, lang: Lang, path: &str, number: usize, more: bool) -> String {
    if number <= 1 && !more {
        return html.to_string();
    }
    let mut nav = format!(
        "<nav class=\"pages\" aria-label=\"{}\"><p>",
        escape(t().pages_nav.get(lang))
    );
    let join = if path.contains('?') { "&amp;" } else { "?" };
    if number > 1 {
        nav.push_str(&format!(
            "<a href=\"{path}{join}page={}\">{}</a> ",
            number - 1,
            escape(t().newer.get(lang))
        ));
    }
    nav.push_str(&say(&t().page_number, lang, &[("n", &number.to_string())]));
    if more {
        nav.push_str(&format!(
            " <a href=\"{path}{join}page={}\">{}</a>",
            number + 1,
            escape(t().older.get(lang))
        ));
    }
    nav.push_str("</p></nav>");
    match html.rfind("</main>") {
        Some(at) => format!("{}{nav}{}", &html[..at], &html[at..]),
        None => format!("{html}{nav}"),
    }
}

/// The page an invitation link opens: one button that spends it.
pub fn join_page(lang: Lang, token: &str) -> String {
    page(
        lang,
        &format!("join?i={}", escape(token)),
        t().join_title.get(lang),
        None,
        None,
        &format!(
            "<p>{}</p>\
             <form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"invitation\" value=\"{}\">\
             <button type=\"submit\">{}</button></form>",
            escape(t().join_text.get(lang)),
            api(lang, "join"),
            escape(token),
            escape(t().sign_in.get(lang)),
        ),
    )
}

/// The figures a comment was made on (the chart's published CSV), as a
/// small table.
fn figures_table(csv_text: &str, lang: Lang) -> String {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let Ok(header) = reader.headers().cloned() else {
        return String::new();
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(measure), Some(value), Some(suppressed), Some(period)) =
        (col("measure"), col("value"), col("suppressed"), col("period"))
    else {
        return String::new();
    };
    let dims: Vec<(usize, lead_data::tables::Dim)> = DIMS.iter().filter_map(|&d| Some((col(d.column())?, d))).collect();
    let rows: String = reader
        .records()
        .map_while(Result::ok)
        .map(|record| {
            let get = |i: usize| record.get(i).unwrap_or("");
            // Each group as a person reads it ("Partner organization"),
            // not its code.
            let what: Vec<&str> = dims
                .iter()
                .map(|&(i, dim)| {
                    let value = get(i);
                    lead_content::value_label(dim, value, lang).unwrap_or(value)
                })
                .filter(|v| !v.is_empty() && *v != "all")
                .collect();
            // The measure by its name and the value written as the
            // chart's table writes it ("13.6", "42.5%"), not as stored.
            let stat = Stat::parse(get(measure));
            let shown = if get(suppressed) == "true" {
                t().suppressed.get(lang).to_owned()
            } else {
                match (stat, get(value).parse::<f64>()) {
                    (Some(stat), Ok(v)) => stat.unit().format(v),
                    _ => get(value).to_owned(),
                }
            };
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(&period_words(get(period), lang)),
                escape(&what.join(", ")),
                escape(stat.map_or(get(measure), |s| s.label().get(lang))),
                escape(&shown)
            )
        })
        .collect();
    let seen = escape(t().figures_seen.get(lang));
    format!(
        "<details class=\"figures-seen\"><summary>{seen}</summary>\
         <div class=\"table-scroll\" role=\"region\" aria-label=\"{seen}\" tabindex=\"0\">\
         <table class=\"data-table\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>{rows}</tbody></table></div></details>",
        escape(t().column_period.get(lang)),
        escape(t().column_group.get(lang)),
        escape(t().column_measure.get(lang)),
        escape(t().column_value.get(lang)),
    )
}

fn changed_note(c: &Comment, versions: &Versions, lang: Lang) -> String {
    if !c.has_figures() {
        return String::new();
    }
    let note = match versions.get(&(c.page.clone(), c.chart.clone(), c.period.clone())) {
        Some(Some(v)) if *v == c.data_version => return String::new(),
        Some(None) => &t().no_longer_published,
        _ => &t().figures_changed,
    };
    format!("<p class=\"changed\">{}</p>", escape(note.get(lang)))
}

fn reply_block(c: &Comment, lang: Lang) -> String {
    let Some(status) = c.reply_status else {
        return format!("<p class=\"reply-status\">{}</p>", escape(t().no_reply_yet.get(lang)));
    };
    let mut out = format!(
        "<div class=\"reply\"><p><strong>{}</strong>{}</p>",
        say(&t().program_reply, lang, &[("status", status.label().get(lang))]),
        c.replied_at.map(|t| format!(" ({})", date(t))).unwrap_or_default()
    );
    out.push_str(&reply_words(c.reply_body.as_deref(), c.reply_reason.as_deref(), lang));
    out.push_str("</div>");
    out
}

/// What a reply says, and why the program will not act, as text.
fn reply_words(body: Option<&str>, reason: Option<&str>, lang: Lang) -> String {
    let mut out = String::new();
    if let Some(body) = body {
        out.push_str(&format!("<p class=\"text\">{}</p>", escape(body)));
    }
    if let Some(reason) = reason {
        out.push_str(&format!(
            "<p class=\"text\">{}</p>",
            say(&t().why_not, lang, &[("reason", reason)])
        ));
    }
    out
}

/// The replies the program's newest one replaced, oldest first, for the
/// member and the moderators (the public reads only the newest).
fn earlier_replies(c: &Comment, lang: Lang) -> String {
    let earlier = c.earlier_replies();
    if earlier.is_empty() {
        return String::new();
    }
    let items: String = earlier
        .iter()
        .map(|r| {
            let mut item = format!(
                "<li><p>{}</p>",
                say(
                    &t().earlier_reply,
                    lang,
                    &[
                        ("status", r.status.label().get(lang)),
                        ("date", &date(r.replied_at)),
                        ("name", r.by.as_deref().unwrap_or("")),
                    ]
                )
            );
            item.push_str(&reply_words(r.body.as_deref(), r.reason.as_deref(), lang));
            item.push_str("</li>");
            item
        })
        .collect();
    format!(
        "<details class=\"earlier-replies\"><summary>{}</summary><ol>{items}</ol></details>",
        say(&t().earlier_replies, lang, &[("n", &earlier.len().to_string())])
    )
}

/// A period as a reader says it: "all time", "2025", "Q1 2025",
/// "Mar 2025" (in Spanish "todo el período", "trimestre 1 de 2025",
/// "mar 2025"); text that is not a period is shown as it is.
fn period_words(period: &str, lang: Lang) -> String {
    match period.parse::<Period>() {
        Ok(Period::All) => t().all_time.get(lang).to_owned(),
        Ok(Period::Year(year)) => year.to_string(),
        Ok(Period::Quarter(year, quarter)) => fill(
            t().quarter.get(lang),
            &[("quarter", &quarter.to_string()), ("year", &year.to_string())],
        ),
        Ok(Period::Month(month)) => month.label(lang),
        Err(_) => period.to_owned(),
    }
}

/// What a comment is on, in words: a chart or a page by its title, linked
/// to its place on the dashboard page of the comment's period, or the part
/// of the program, linked to the program's commentary.
fn chart_link(c: &Comment, lang: Lang) -> String {
    let period = c.period.parse().unwrap_or(Period::All);
    let page_title = DashboardId::parse(&c.page).map_or(c.page.as_str(), |page| page.label().get(lang));
    let (href, title) = match c.subject() {
        Some(Subject::Program(topic)) => (
            format!("{}#{PROGRAM}-commentary", lead_data::paths::dashboards(lang)),
            fill(t().program_topic.get(lang), &[("topic", topic.label().get(lang))]),
        ),
        Some(Subject::Page { .. }) => (
            format!(
                "{}#{WHOLE_PAGE}-commentary",
                lead_data::paths::dashboard_page(lang, &c.page, period)
            ),
            fill(t().whole_page.get(lang), &[("page", page_title)]),
        ),
        _ => (
            format!(
                "{}#{}",
                lead_data::paths::dashboard_page(lang, &c.page, period),
                c.chart
            ),
            ChartId::parse(&c.chart)
                .map_or(c.chart.as_str(), |chart| chart.label().get(lang))
                .to_owned(),
        ),
    };
    let when = match c.subject() {
        Some(Subject::Program(_)) => String::new(),
        _ => format!(" ({})", period_words(&c.period, lang)),
    };
    format!("<a href=\"{}\">{}{}</a>", escape(&href), escape(&title), escape(&when))
}

/// One comment as its author or (with `author`, the member who wrote it,
/// shown above the comment, never under the program's reply) a moderator
/// sees it.
fn comment_card(c: &Comment, versions: &Versions, lang: Lang, author: bool, extra: &str) -> String {
    let heading = escape(t().comment_heading.get(lang))
        .replace("{kind}", &escape(c.kind.label().get(lang)))
        .replace("{chart}", &chart_link(c, lang));
    format!(
        "<article class=\"comment\" id=\"comment-{id}\"><h3>{heading}</h3>\
         <p class=\"meta\">{by}{date} · {publish}{point}</p><p class=\"text\">{body}</p>{changed}{figures}{reply}{earlier}{extra}</article>",
        id = escape(&c.id),
        by = if author {
            format!(
                "{} · ",
                say(
                    &t().comment_from,
                    lang,
                    &[("name", &c.member_name), ("organization", &c.organisation)]
                )
            )
        } else {
            String::new()
        },
        date = date(c.created_at),
        publish = escape(c.publish.label().get(lang)),
        point = c
            .data_point
            .as_deref()
            .map(|p| format!(" · {}", say(&t().about_point, lang, &[("point", p)])))
            .unwrap_or_default(),
        body = escape(&c.body),
        changed = changed_note(c, versions, lang),
        figures = figures_table(&c.figures, lang),
        reply = reply_block(c, lang),
        earlier = earlier_replies(c, lang),
    )
}

/// What to do without a session: add a device from one that is signed in,
/// or ask the program manager for a new invitation.
pub fn how_to_sign_in(lang: Lang) -> String {
    format!(
        "<p>{} {}</p>",
        escape(t().how_to_sign_in.get(lang)),
        escape(&lead_content::intake().contact_line(lang))
    )
}

/// `GET /{lang}/clt/signout`.
pub fn sign_out_page(lang: Lang, csrf: &str) -> String {
    page(
        lang,
        "signout",
        t().sign_out.get(lang),
        None,
        None,
        &format!(
            "<p>{}</p>\
             <form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <button type=\"submit\">{}</button></form>\
             <p><a href=\"{}\">{}</a></p>",
            escape(t().sign_out_text.get(lang)),
            api(lang, "signout"),
            escape(csrf),
            escape(t().sign_out_now.get(lang)),
            at(lang, ""),
            escape(t().stay_signed_in.get(lang)),
        ),
    )
}

/// `GET /{lang}/clt/signed-out`.
pub fn signed_out_page(lang: Lang) -> String {
    page(
        lang,
        "signed-out",
        t().signed_out_title.get(lang),
        None,
        None,
        &format!(
            "<p>{}</p>{}<p><a href=\"{}\">{}</a></p>",
            escape(t().signed_out_text.get(lang)),
            how_to_sign_in(lang),
            lead_data::paths::dashboards(lang),
            escape(t().figures_link.get(lang)),
        ),
    )
}

/// A link that signs the same person in on another device, shown once.
pub fn device_page(lang: Lang, link: &str) -> String {
    let qr = lead_content::page::qr_svg(link).unwrap_or_default();
    let minutes = super::handlers::DEVICE_LINK_MINUTES.to_string();
    page(
        lang,
        "",
        t().device_title.get(lang),
        None,
        None,
        &format!(
            "<p>{text}</p>\
             <label for=\"device-link\">{label}</label>\
             <input type=\"text\" id=\"device-link\" class=\"invite-link\" value=\"{link}\" readonly>\
             <div class=\"qr\">{qr}</div>\
             <p><a href=\"{home}\">{back}</a></p>",
            text = say(&t().device_text, lang, &[("minutes", &minutes)]),
            label = escape(t().device_link_label.get(lang)),
            link = escape(link),
            home = at(lang, ""),
            back = escape(t().back_to_comments.get(lang)),
        ),
    )
}

/// `/{lang}/clt/`: the member's own comments and the program's replies,
/// those answered since `seen` (the member's last visit) marked.
pub fn home_page(
    lang: Lang,
    session: &Session,
    csrf: &str,
    comments: &[Comment],
    versions: &Versions,
    seen: Option<f64>,
) -> String {
    let is_new = |c: &Comment| c.replied_at.is_some_and(|r| seen.is_none_or(|s| r > s));
    let mut body = format!(
        "<p>{}</p>",
        say_with_markup(
            &t().home_intro,
            lang,
            "dashboards",
            &format!(
                "<a href=\"{}\">{}</a>",
                lead_data::paths::dashboards(lang),
                escape(t().dashboards.get(lang))
            )
        )
    );
    body.push_str(&format!(
        "<p>{}</p>",
        say_with_markup(
            &t().home_program,
            lang,
            "link",
            &format!(
                "<a href=\"{}#{PROGRAM}-commentary\">{}</a>",
                lead_data::paths::dashboards(lang),
                escape(t().dashboards_front.get(lang))
            )
        )
    ));
    let minutes = super::handlers::DEVICE_LINK_MINUTES.to_string();
    body.push_str(&format!(
        "<section aria-labelledby=\"devices-heading\"><h2 id=\"devices-heading\">{title}</h2>\
         <p>{intro}</p>\
         <form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <button type=\"submit\" class=\"button-secondary\">{title}</button></form></section>",
        title = escape(t().device_title.get(lang)),
        intro = say(&t().devices_intro, lang, &[("minutes", &minutes)]),
        action = api(lang, "devices"),
        csrf = escape(csrf)
    ));
    if session.is_moderator() {
        body.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            at(lang, "moderate"),
            escape(t().moderation_queue.get(lang))
        ));
    }
    body.push_str(&format!("<h2>{}</h2>", escape(t().your_comments.get(lang))));
    if comments.is_empty() {
        body.push_str(&format!("<p>{}</p>", escape(t().no_comments_yet.get(lang))));
    }
    match comments.iter().filter(|c| is_new(c)).count() {
        0 => {}
        1 => body.push_str(&format!(
            "<p class=\"new-replies\">{}</p>",
            escape(t().new_replies_one.get(lang))
        )),
        n => body.push_str(&format!(
            "<p class=\"new-replies\">{}</p>",
            say(&t().new_replies_many, lang, &[("n", &n.to_string())])
        )),
    }
    for c in comments {
        let mut status = String::new();
        if is_new(c) {
            status.push_str(&format!(
                "<p class=\"new-reply\"><strong>{}</strong></p>",
                escape(t().new_reply.get(lang))
            ));
        }
        if c.approved_at.is_some() {
            status.push_str(&format!(
                "<p class=\"approved\">{}</p>",
                escape(t().published_beside.get(lang))
            ));
        }
        body.push_str(&comment_card(c, versions, lang, false, &status));
    }
    page(lang, "", t().your_comments.get(lang), Some(session), Some(csrf), &body)
}

/// The radios of a vocabulary, `chosen` checked.
fn options_chosen<C: Vocabulary>(name: &str, chosen: &str, lang: Lang) -> String {
    C::VALUES
        .iter()
        .enumerate()
        .map(|(i, choice)| {
            let (value, text) = (choice.code(), escape(choice.labels().get(lang)));
            format!(
                "<div class=\"choice\"><input type=\"radio\" name=\"{name}\" id=\"{id}\" value=\"{value}\"{required}{checked}>\
                 <label for=\"{id}\">{text}</label></div>",
                id = format!("{name}-{value}-{{ID}}"),
                // One required radio makes the whole group required.
                required = if i == 0 { " required" } else { "" },
                checked = if value == chosen { " checked" } else { "" },
            )
        })
        .collect()
}

/// A comment sent without a session: not stored, but shown back so the
/// member keeps what they wrote, with how to sign in and the way back.
pub fn comment_kept_page(lang: Lang, input: &CommentInput) -> String {
    let back = match (input.slot(), input.period.parse::<lead_data::Period>()) {
        (PROGRAM, _) => format!(
            "<p><a href=\"{}#{PROGRAM}-commentary\">{}</a></p>",
            lead_data::paths::dashboards(lang),
            escape(t().back_to_page.get(lang))
        ),
        (WHOLE_PAGE, Ok(period)) if !input.page.is_empty() => format!(
            "<p><a href=\"{}#{WHOLE_PAGE}-commentary\">{}</a></p>",
            escape(&lead_data::paths::dashboard_page(lang, &input.page, period)),
            escape(t().back_to_page.get(lang))
        ),
        (chart, Ok(period)) if !input.page.is_empty() => format!(
            "<p><a href=\"{}#{}\">{}</a></p>",
            escape(&lead_data::paths::dashboard_page(lang, &input.page, period)),
            escape(chart),
            escape(t().back_to_chart.get(lang))
        ),
        _ => String::new(),
    };
    page(
        lang,
        "",
        t().please_sign_in.get(lang),
        None,
        None,
        &format!(
            "<p>{}</p>\
             <label for=\"kept-comment\">{}</label>\
             <textarea id=\"kept-comment\" rows=\"6\" readonly>{}</textarea>{}{back}",
            escape(t().kept_text.get(lang)),
            escape(t().your_comment.get(lang)),
            escape(&input.body),
            how_to_sign_in(lang)
        ),
    )
}

/// `/{lang}/clt/moderate`: every comment, with a reply form and, for
/// publishable ones, the approval button.
#[allow(clippy::too_many_arguments)]
pub fn moderate_page(
    lang: Lang,
    session: &Session,
    csrf: &str,
    comments: &[Comment],
    versions: &Versions,
    waiting: bool,
    done: Option<(&str, &str)>,
    kept: Option<&KeptReply<'_>>,
) -> String {
    let (heading, intro, other, other_href) = if waiting {
        (
            &t().queue_heading_waiting,
            &t().queue_waiting_intro,
            &t().show_all,
            at(lang, "moderate"),
        )
    } else {
        (
            &t().queue_heading_all,
            &t().queue_all_intro,
            &t().show_waiting,
            at(lang, "moderate?show=waiting"),
        )
    };
    let mut body = format!(
        "<p>{}</p><h2>{}</h2><p>{} <a href=\"{}\">{}</a></p>",
        escape(t().approve_intro.get(lang)),
        escape(heading.get(lang)),
        escape(intro.get(lang)),
        escape(&other_href),
        escape(other.get(lang)),
    );
    if comments.is_empty() {
        let none = if waiting { &t().none_waiting } else { &t().no_comments };
        body.push_str(&format!("<p>{}</p>", escape(none.get(lang))));
    }
    let csrf = escape(csrf);
    for c in comments {
        let id = escape(&c.id);
        // A reply sent back to be corrected: what was written, each
        // problem beside its field.
        let kept = kept.filter(|k| k.id == c.id);
        let problems = kept.map_or(&[][..], |k| k.problems);
        let error = |name: &str| field_error(problems, name, &format!("reply-{name}-error-{id}"));
        let written = |f: fn(&ReplyInput) -> &str| kept.map(|k| escape(f(k.input))).unwrap_or_default();
        let reply_form = format!(
            "<form method=\"post\" action=\"{action}\" class=\"reply-form\">{summary}\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <fieldset><legend>{legend}</legend>{status_error}{statuses}</fieldset>\
             <label for=\"reply-body-{id}\">{body_label}</label>{body_error}<textarea id=\"reply-body-{id}\" name=\"body\" rows=\"3\" required>{body_value}</textarea>\
             <label for=\"reply-reason-{id}\">{reason_label}</label>{reason_error}\
             <textarea id=\"reply-reason-{id}\" name=\"reason\" rows=\"2\">{reason_value}</textarea>\
             <button type=\"submit\">{send}</button></form>",
            action = api(lang, &format!("comments/{id}/reply")),
            summary = error_summary("h4", t().correct_reply.get(lang), problems),
            legend = escape(t().reply_legend.get(lang)),
            statuses = options_chosen::<ReplyStatus>("status", kept.map_or("", |k| k.input.status.as_str()), lang)
                .replace("{ID}", &id),
            status_error = error("status"),
            body_label = escape(t().reply_body_label.get(lang)),
            body_error = error("body"),
            reason_label = escape(t().reply_reason_label.get(lang)),
            reason_error = error("reason"),
            body_value = written(|i| &i.body),
            reason_value = written(|i| &i.reason),
            send = escape(t().send_reply.get(lang)),
        );
        let approve = match (c.publish, c.approved_at) {
            (Publish::ProgramOnly, _) => format!("<p>{}</p>", escape(t().program_only.get(lang))),
            (_, Some(_)) => format!(
                "<p class=\"approved\">{approved}</p>\
                 <form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
                 <label for=\"unpublish-reason-{id}\">{reason}</label>\
                 <input type=\"text\" id=\"unpublish-reason-{id}\" name=\"reason\" required maxlength=\"{max}\">\
                 <button type=\"submit\" class=\"button-secondary\">{withdraw}</button></form>",
                approved = escape(t().approved.get(lang)),
                action = api(lang, &format!("comments/{id}/unpublish")),
                reason = escape(t().withdraw_reason.get(lang)),
                max = crate::staff::input::MAX_REASON_CHARS,
                withdraw = escape(t().withdraw.get(lang)),
            ),
            _ if c.member_id == session.member_id => format!("<p>{}</p>", escape(t().own_comment.get(lang))),
            _ => format!(
                "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
                 <button type=\"submit\">{}</button></form>",
                api(lang, &format!("comments/{id}/approve")),
                escape(t().approve.get(lang)),
            ),
        };
        // What was just done to this comment, where the page lands.
        let saved = match done {
            Some((action, done_id)) if done_id == c.id => match action {
                "reply" => Some(&t().saved_reply),
                "approve" => Some(&t().published_beside),
                "unpublish" => Some(&t().saved_unpublish),
                _ => None,
            },
            _ => None,
        }
        .map(|text| format!("<p class=\"saved\" role=\"status\">{}</p>", escape(text.get(lang))))
        .unwrap_or_default();
        body.push_str(&comment_card(
            c,
            versions,
            lang,
            true,
            &format!("{saved}{reply_form}{approve}"),
        ));
    }
    let here = if waiting { "moderate?show=waiting" } else { "moderate" };
    page(
        lang,
        here,
        t().moderation_queue.get(lang),
        Some(session),
        Some(&csrf),
        &body,
    )
}

/// Shown beside the chart a member has just commented on; the page lands
/// on it (`#sent-{chart}`), so it is read out.
pub fn comment_sent(lang: Lang, chart: &str) -> String {
    format!(
        "<p class=\"comment-sent\" role=\"status\" id=\"sent-{}\" tabindex=\"-1\">{}</p>",
        escape(chart),
        say_with_markup(
            &t().comment_sent,
            lang,
            "link",
            &format!(
                "<a href=\"{}\">{}</a>",
                at(lang, ""),
                escape(t().comments_page.get(lang))
            )
        )
    )
}

/// Above a form sent back to be corrected: every problem, announced.
/// Empty when there is none.
fn error_summary(heading: &str, text: &str, problems: &[Problem]) -> String {
    if problems.is_empty() {
        return String::new();
    }
    let items: String = problems
        .iter()
        .map(|p| format!("<li>{}</li>", escape(&p.message)))
        .collect();
    format!(
        "<div class=\"error-summary\" role=\"alert\"><{heading}>{}</{heading}><ul>{items}</ul></div>",
        escape(text)
    )
}

/// The problem with `field`, if any, as the paragraph beside it
/// (`element_id` is its id).
fn field_error(problems: &[Problem], field: &str, element_id: &str) -> String {
    problems
        .iter()
        .find(|p| p.field == field)
        .map(|p| {
            format!(
                "<p class=\"field-error\" id=\"{element_id}\">{}</p>",
                escape(&p.message)
            )
        })
        .unwrap_or_default()
}

/// A reply sent back with what needs correcting.
pub struct KeptReply<'a> {
    /// The comment it answers.
    pub id: &'a str,
    pub input: &'a ReplyInput,
    pub problems: &'a [Problem],
}

/// A comment form sent back with what needs correcting: what the member
/// wrote and, beside each field, its problem.
pub struct Kept<'a> {
    pub input: &'a CommentInput,
    pub problems: &'a [Problem],
}

impl Kept<'_> {
    /// The commentary slot whose form it goes back to.
    pub fn slot(&self) -> &str {
        self.input.slot()
    }
}

/// The comment form of one commentary slot: a chart's on a dashboard page,
/// the page's as a whole ([`WHOLE_PAGE`]) or, on the dashboards' front
/// page, the program's ([`PROGRAM`]: the member picks the part of the
/// program). `about` names the chart or page and period (attribute-escaped,
/// from the page); `kept`, a comment sent back to be corrected, opens the
/// form with it.
pub fn comment_form(
    lang: Lang,
    page: &str,
    slot: &str,
    period: &str,
    about: &str,
    csrf: &str,
    kept: Option<&Kept<'_>>,
) -> String {
    let id = escape(slot);
    let field = |name: &str| format!("{name}-{id}");
    let problems = kept.map_or(&[][..], |k| k.problems);
    let error = |name: &str| field_error(problems, name, &format!("{name}-error-{id}"));
    let value = |f: fn(&CommentInput) -> &str| kept.map(|k| escape(f(k.input))).unwrap_or_default();
    let chosen = |f: fn(&CommentInput) -> &str| kept.map_or("", |k| f(k.input));
    let is_about = format!(
        "<p>{}</p>",
        escape(t().comment_is_about.get(lang)).replace("{about}", &format!("<strong>{about}</strong>"))
    );
    let hidden =
        |name: &str, value: &str| format!("<input type=\"hidden\" name=\"{name}\" value=\"{}\">", escape(value));
    // What the comment is on: hidden for a chart or a page, chosen for the
    // program. A comment on the program points to no figure.
    let (summary_text, place, point) = match slot {
        PROGRAM => (
            escape(t().comment_on_program.get(lang)),
            format!(
                "<fieldset><legend>{}</legend>{}{}</fieldset>",
                escape(t().topic_legend.get(lang)),
                error("topic"),
                options_chosen::<Topic>("topic", chosen(|i| &i.topic), lang).replace("{ID}", &id)
            ),
            false,
        ),
        WHOLE_PAGE => (
            escape(t().comment_on_page.get(lang)).replace("{about}", about),
            format!("{is_about}{}{}", hidden("page", page), hidden("period", period)),
            true,
        ),
        chart => (
            escape(t().comment_on.get(lang)).replace("{about}", about),
            format!(
                "{is_about}{}{}{}",
                hidden("page", page),
                hidden("chart", chart),
                hidden("period", period)
            ),
            true,
        ),
    };
    let point = if point {
        format!(
            "<label for=\"{point}\">{point_label}</label>{point_error}<input type=\"text\" id=\"{point}\" name=\"data_point\" maxlength=\"{MAX_POINT_CHARS}\" value=\"{point_value}\">",
            point = field("point"),
            point_label = escape(t().point_label.get(lang)),
            point_error = error("data_point"),
            point_value = value(|i| &i.data_point),
        )
    } else {
        String::new()
    };
    format!(
        "<details class=\"comment-form\"{open}><summary>{summary_text}</summary>\
         <form method=\"post\" action=\"{action}\">{summary}\
         {csrf}{place}\
         <fieldset><legend>{kind_legend}</legend>{kind_error}{kinds}</fieldset>\
         {point}\
         <label for=\"{text}\">{text_label}</label>{body_error}<textarea id=\"{text}\" name=\"body\" rows=\"4\" required maxlength=\"{MAX_TEXT_CHARS}\">{body_value}</textarea>\
         <fieldset><legend>{publish_legend}</legend>{publish_error}{publish}</fieldset>\
         <button type=\"submit\">{send}</button></form></details>",
        open = if kept.is_some() { " open" } else { "" },
        action = api(lang, "comments"),
        summary = error_summary("h3", t().correct_comment.get(lang), problems),
        csrf = hidden("csrf", csrf),
        kind_legend = escape(t().kind_legend.get(lang)),
        kinds = options_chosen::<Kind>("kind", chosen(|i| &i.kind), lang).replace("{ID}", &id),
        text_label = escape(t().your_comment.get(lang)),
        publish_legend = escape(t().publish_legend.get(lang)),
        publish = options_chosen::<Publish>("publish", chosen(|i| &i.publish), lang).replace("{ID}", &id),
        send = escape(t().send_comment.get(lang)),
        text = field("comment"),
        kind_error = error("kind"),
        body_error = error("body"),
        publish_error = error("publish"),
        body_value = value(|i| &i.body),
    )
}

/// What fills a commentary slot: the published commentary and, for a
/// member, the form. A chart's goes in its box; the page's and the
/// program's, when there is anything, in a section of their own.
pub fn slot_section(slot: &str, lang: Lang, inside: String) -> String {
    let heading = match slot {
        _ if inside.is_empty() => return inside,
        WHOLE_PAGE => &t().page_commentary_heading,
        PROGRAM => &t().program_commentary_heading,
        _ => return inside,
    };
    format!(
        "<section aria-labelledby=\"{slot}-commentary\"><h2 id=\"{slot}-commentary\">{}</h2>{inside}</section>",
        escape(heading.get(lang))
    )
}

/// The approved comments on one chart, as published community commentary.
pub fn commentary(comments: &[&Comment], versions: &Versions, lang: Lang) -> String {
    if comments.is_empty() {
        return String::new();
    }
    let items: String = comments
        .iter()
        .map(|c| {
            let who = if c.publish == Publish::WithOrganisation {
                c.organisation.as_str()
            } else {
                t().anonymous_member.get(lang)
            };
            let figures = match c.subject() {
                Some(Subject::Program(topic)) => {
                    fill(t().program_topic.get(lang), &[("topic", topic.label().get(lang))])
                }
                _ if c.period == "all" => t().all_time_figures.get(lang).to_owned(),
                _ => fill(
                    t().period_figures.get(lang),
                    &[("period", &period_words(&c.period, lang))],
                ),
            };
            let date = date(c.created_at);
            let line = say(
                &t().commentary_line,
                lang,
                &[
                    ("kind", c.kind.label().get(lang)),
                    ("who", who),
                    ("date", &date),
                    ("figures", &figures),
                ],
            );
            format!(
                "<li class=\"comment\"><p class=\"meta\">{line}{point}</p>\
                 <p class=\"text\">{body}</p>{changed}{reply}</li>",
                // The figure the member pointed to, as members and
                // moderators see it.
                point = c
                    .data_point
                    .as_deref()
                    .map(|p| format!(", {}", say(&t().about_point, lang, &[("point", p)])))
                    .unwrap_or_default(),
                body = escape(&c.body),
                changed = changed_note(c, versions, lang),
                reply = reply_block(c, lang),
            )
        })
        .collect();
    format!(
        "<h3>{}</h3><ul class=\"commentary-list\">{items}</ul>",
        escape(t().commentary_heading.get(lang))
    )
}

/// The heading and message of the page that shows an error on a CLT page,
/// in the reader's language.
pub fn error_text(error: &ApiError, lang: Lang) -> (String, String) {
    let t = t();
    let minutes = |seconds: u32| seconds.div_ceil(60).max(1).to_string();
    let (title, message) = match error {
        ApiError::NotSignedIn => (&t.please_sign_in, say(&t.error_not_signed_in, lang, &[])),
        ApiError::Invitation(e) => (
            &t.title_invitation,
            say(
                match e {
                    InvitationError::Invalid => &t.error_invitation_invalid,
                    InvitationError::Expired => &t.error_invitation_expired,
                    InvitationError::Used => &t.error_invitation_used,
                },
                lang,
                &[],
            ),
        ),
        ApiError::Problems(problems) => (
            &t.correct_comment,
            escape(
                &problems
                    .iter()
                    .map(|p| p.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        ),
        ApiError::RateLimited { retry_after, limit } => {
            let (title, text) = match limit {
                Limited::Comments => (&t.title_wait, &t.error_comments),
                _ => (&t.title_not_allowed, &t.error_sign_ins),
            };
            (title, say(text, lang, &[("minutes", &minutes(*retry_after))]))
        }
        ApiError::NotFound => (&t.title_not_found, say(&t.error_not_found, lang, &[])),
        ApiError::CltClosed => (&t.title_try_later, say(&t.error_closed, lang, &[])),
        ApiError::Misconfigured(_) | ApiError::Unavailable => {
            (&t.title_try_later, say(&t.error_unavailable, lang, &[]))
        }
        ApiError::Revoked => (&t.title_not_allowed, say(&t.error_revoked, lang, &[])),
        ApiError::ModeratorsOnly => (&t.title_not_allowed, say(&t.error_moderators_only, lang, &[])),
        ApiError::ManagersOnly | ApiError::StaffOnly => (&t.title_not_allowed, say(&t.error_managers_only, lang, &[])),
        ApiError::CrossSite => (&t.title_not_allowed, say(&t.error_cross_site, lang, &[])),
        ApiError::NotPublishable => (&t.title_not_allowed, say(&t.error_not_publishable, lang, &[])),
        ApiError::OwnComment => (&t.title_not_allowed, say(&t.error_own_comment, lang, &[])),
        _ => (&t.title_not_allowed, say(&t.error_request, lang, &[])),
    };
    (title.get(lang).to_owned(), message)
}

/// `insert` just inside the page's `<main …>`.
pub fn after_main_opens(html: &str, insert: &str) -> String {
    match html
        .find("<main")
        .and_then(|at| html[at..].find('>').map(|end| at + end + 1))
    {
        Some(at) => format!("{}{insert}{}", &html[..at], &html[at..]),
        None => html.to_owned(),
    }
}

/// Puts `fill(chart id)` inside each `<div … data-commentary="ID" …></div>`
/// of a prerendered dashboard page.
pub fn inject(html: &str, mut fill: impl FnMut(&str, &str) -> String) -> String {
    const MARK: &str = "data-commentary=\"";
    const ABOUT: &str = "data-about=\"";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(MARK) {
        let after = &rest[at + MARK.len()..];
        let Some(id_end) = after.find('"') else { break };
        let id = &after[..id_end];
        let Some(close) = after.find("></div>") else { break };
        // The chart and period the slot is about, as the page wrote it
        // (already escaped for an attribute, so kept as it is).
        let tag = &after[..close];
        let about = tag
            .find(ABOUT)
            .and_then(|a| tag[a + ABOUT.len()..].split_once('"'))
            .map_or("", |(about, _)| about);
        let split = at + MARK.len() + close + 1;
        out.push_str(&rest[..split]);
        out.push_str(&fill(id, about));
        rest = &rest[split..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clt::input::Role;

    fn comment(body: &str, org: &str) -> Comment {
        Comment {
            id: "c1".into(),
            member_id: "m1".into(),
            member_name: "Member <b>".into(),
            organisation: org.into(),
            page: "capacity".into(),
            chart: "average-caseload".into(),
            period: "2025".into(),
            data_point: Some("\"><svg onload=alert(1)>".into()),
            kind: Kind::Concern,
            body: body.into(),
            publish: Publish::WithOrganisation,
            data_version: "v1".into(),
            figures:
                "table,period,measure,value,suppressed\naverage_caseload,2025-01,average_active_caseload,17.1,false\n"
                    .into(),
            created_at: 1_750_000_000_000.0,
            reply_status: Some(ReplyStatus::WontAct),
            reply_body: Some("<script>x</script>".into()),
            reply_reason: Some("'; DROP".into()),
            replied_at: None,
            approved_at: Some(1.0),
            earlier: Some(
                r#"[{"status":"noted","body":"<b>first</b>","reason":null,"replied_at":1750000000000,"by":"Mo <i>"}]"#
                    .into(),
            ),
        }
    }

    #[test]
    fn what_members_write_is_only_text() {
        let c = comment(
            "<script>alert(1)</script><img src=x onerror=alert(2)>",
            "Org \"quoted\" & <i>",
        );
        let versions: Versions = [(
            ("capacity".into(), "average-caseload".into(), "2025".into()),
            Some("v2".into()),
        )]
        .into_iter()
        .collect();
        let html = commentary(&[&c], &versions, Lang::En);
        for raw in ["<script", "<img", "<svg", "<i>", "\"quoted\""] {
            assert!(!html.contains(raw), "{raw} reached the page: {html}");
        }
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("Org &quot;quoted&quot; &amp; &lt;i&gt;"));
        assert!(html.contains("The figures have changed since"));
        assert!(html.contains("Won&#39;t act"));
        let home = moderate_page(
            Lang::En,
            &Session {
                token_hash: "h".into(),
                member_id: "m".into(),
                name: "<b>Mod</b>".into(),
                organisation: "O".into(),
                role: Role::Moderator,
                expires_at: 0.0,
                session_revoked_at: None,
                member_revoked_at: None,
            },
            "tok\"en",
            &[c],
            &versions,
            false,
            None,
            None,
        );
        assert!(!home.contains("<b>") && !home.contains("<svg") && !home.contains("tok\"en"));
        // The reply the newest one replaced is kept, as text, for the
        // moderators (and the member), never in the public commentary.
        assert!(
            home.contains("Earlier replies from the program (1)")
                && home.contains("Noted, 2025-06-15, by Mo &lt;i&gt;")
                && home.contains("&lt;b&gt;first&lt;/b&gt;")
                && !home.contains("<i>"),
            "{home}"
        );
        assert!(!html.contains("Earlier replies") && !html.contains("first"), "{html}");
    }

    #[test]
    fn dates() {
        assert_eq!(date(0.0), "1970-01-01");
        assert_eq!(date(1_750_000_000_000.0), "2025-06-15");
        assert_eq!(date(951_782_400_000.0), "2000-02-29");
    }

    #[test]
    fn long_lists_link_their_pages() {
        let html = "<main><h1>Queue</h1></main>";
        assert_eq!(with_pages(html, Lang::En, "/en/clt/moderate", 1, false), html);
        let first = with_pages(html, Lang::En, "/en/clt/moderate", 1, true);
        assert!(
            first.contains("<a href=\"/en/clt/moderate?page=2\">Older comments</a></p></nav></main>"),
            "{first}"
        );
        assert!(!first.contains("Newer"));
        let middle = with_pages(html, Lang::Es, "/es/clt/", 3, true);
        assert!(
            middle.contains("/es/clt/?page=2\">Comentarios más recientes")
                && middle.contains("Página 3")
                && middle.contains("/es/clt/?page=4\">Comentarios anteriores"),
            "{middle}"
        );
    }

    #[test]
    fn the_public_line_names_the_figure_pointed_to_and_groups_read_as_words() {
        let mut c = comment("fine", "Org");
        c.data_point = Some("2025-01 Partner".into());
        c.figures =
            "table,period,referrer_type,measure,value,suppressed\nx,2025-01,partner_org,referrals,12,false\n".into();
        let html = commentary(&[&c], &Versions::new(), Lang::En);
        assert!(html.contains("on the 2025 figures, about: 2025-01 Partner"), "{html}");
        let table = figures_table(&c.figures, Lang::En);
        assert!(
            table.contains("<td>Partner organization</td>") && !table.contains("partner_org"),
            "{table}"
        );
        let spanish = figures_table(&c.figures, Lang::Es);
        assert!(
            spanish.contains("<td>Organización aliada</td>") && spanish.contains("<th scope=\"col\">Período</th>"),
            "{spanish}"
        );
        let html = commentary(&[&c], &Versions::new(), Lang::Es);
        assert!(
            html.contains("sobre las cifras de 2025, sobre: 2025-01 Partner"),
            "{html}"
        );
    }

    #[test]
    fn a_reader_sees_titles_measures_and_rounded_figures_never_codes() {
        let mut c = comment("fine", "Org");
        c.period = "2025-Q1".into();
        c.figures = "table,period,door,measure,value,suppressed\n\
                     average_caseload,2025-01,,average_active_caseload,13.6098,false\n\
                     retention,2025-Q1,arrest_diversion,retention_6m,0.4251,false\n\
                     retention,2025-Q1,community,retention_6m,,true\n\
                     x,all,,made_up_measure,3,false\n"
            .into();
        let table = figures_table(&c.figures, Lang::En);
        for shown in [
            "<td>Jan 2025</td>",
            "<td>Q1 2025</td>",
            "<td>Average active caseload per case manager</td>",
            "<td class=\"num\">13.6</td>",
            "<td>Arrest diversion</td>",
            "<td>Share still enrolled after 6 months</td>",
            "<td class=\"num\">42.5%</td>",
            "not shown (too few people)",
            // A measure the contract does not know is shown as it is.
            "<td>made_up_measure</td>",
        ] {
            assert!(table.contains(shown), "{shown} in {table}");
        }
        for code in [
            "average_active_caseload",
            "retention_6m",
            "arrest_diversion",
            "13.6098",
            "2025-Q1",
        ] {
            assert!(!table.contains(code), "{code} in {table}");
        }
        let spanish = figures_table(&c.figures, Lang::Es);
        for shown in [
            "<td>ene 2025</td>",
            "<td>trimestre 1 de 2025</td>",
            "<td>Número medio de casos activos por administrador de casos</td>",
            "<td>Porcentaje que sigue inscrito a los 6 meses</td>",
        ] {
            assert!(spanish.contains(shown), "{shown} in {spanish}");
        }
        let link = chart_link(&c, Lang::En);
        assert!(
            link.contains(">Average and highest active caseload per case manager, each month (Q1 2025)</a>")
                && link.contains("href=\"/en/data/capacity/2025-Q1/#average-caseload\""),
            "{link}"
        );
        let enlace = chart_link(&c, Lang::Es);
        assert!(
            enlace.contains(
                ">Número medio y máximo de casos activos por administrador de casos, cada mes (trimestre 1 de 2025)</a>"
            ),
            "{enlace}"
        );
    }

    #[test]
    fn anonymous_comments_name_no_organisation() {
        let mut c = comment("fine", "Secret Org");
        c.publish = Publish::Anonymous;
        let html = commentary(&[&c], &Versions::new(), Lang::En);
        assert!(!html.contains("Secret Org"));
        assert!(html.contains("from a Community Leadership Team member"));
        let html = commentary(&[&c], &Versions::new(), Lang::Es);
        assert!(
            html.contains("de un/a miembro del Equipo de Liderazgo Comunitario"),
            "{html}"
        );
    }

    #[test]
    fn commentary_goes_inside_its_chart_s_box() {
        let page = "<p>x</p><div data-commentary=\"a-b\" class=\"commentary\"></div><div class=\"commentary\" data-commentary=\"c\"></div>";
        let out = inject(page, |id, _| format!("[{id}]"));
        assert_eq!(
            out,
            "<p>x</p><div data-commentary=\"a-b\" class=\"commentary\">[a-b]</div><div class=\"commentary\" data-commentary=\"c\">[c]</div>"
        );
        assert_eq!(inject("<p>none</p>", |_, _| "x".into()), "<p>none</p>");
        let named = "<div class=\"commentary\" data-commentary=\"c\" data-about=\"Caseloads, 2024 Q3\"></div>";
        assert_eq!(
            inject(named, |id, about| format!("[{id}: {about}]")),
            "<div class=\"commentary\" data-commentary=\"c\" data-about=\"Caseloads, 2024 Q3\">[c: Caseloads, 2024 Q3]</div>"
        );
    }
}

#[cfg(test)]
mod in_spanish {
    use super::*;

    fn session(role: Role) -> Session {
        Session {
            token_hash: "h".into(),
            member_id: "m".into(),
            name: "Ana".into(),
            organisation: "Tienda".into(),
            role,
            expires_at: 0.0,
            session_revoked_at: None,
            member_revoked_at: None,
        }
    }

    #[test]
    fn every_clt_page_speaks_the_reader_s_language_and_keeps_it() {
        let member = session(Role::Member);
        let pages = [
            join_page(Lang::Es, "tok"),
            home_page(Lang::Es, &member, "c", &[], &Versions::new(), None),
            sign_out_page(Lang::Es, "c"),
            signed_out_page(Lang::Es),
            device_page(Lang::Es, "https://x.example/es/clt/join?i=t"),
            moderate_page(
                Lang::Es,
                &session(Role::Moderator),
                "c",
                &[],
                &Versions::new(),
                true,
                None,
                None,
            ),
        ];
        for html in &pages {
            assert!(html.contains("<html lang=\"es\""), "{html}");
            assert!(html.contains("Equipo de Liderazgo Comunitario"), "{html}");
            // Every form answers in Spanish; every CLT link stays in it.
            for action in html.split("action=\"").skip(1) {
                assert!(
                    action.split('"').next().is_some_and(|a| a.ends_with("lang=es")),
                    "{action}"
                );
            }
            // (but for the switch to English).
            let english: Vec<&str> = html
                .split("href=\"")
                .skip(1)
                .filter_map(|h| h.split('"').next())
                .filter(|href| href.starts_with("/en/clt") || href.starts_with("/clt"))
                .collect();
            assert_eq!(english.len(), 1, "{english:?} in {html}");
            // The switch leads to the same page in English.
            assert!(html.contains("hreflang=\"en\">English</a>"), "{html}");
        }
        assert!(pages[0].contains("href=\"/en/clt/join?i=tok\""), "{}", pages[0]);
        assert!(pages[1].contains("Sesión abierta como Ana (Tienda)"), "{}", pages[1]);
        assert!(pages[5].contains("Ningún comentario espera respuesta."), "{}", pages[5]);
        // The queue's headings go down one level at a time.
        assert!(pages[5].contains("<h2>Esperan respuesta</h2>"), "{}", pages[5]);
    }

    #[test]
    fn errors_on_clt_pages_are_in_the_page_s_language() {
        let (title, message) = error_text(&ApiError::Invitation(InvitationError::Used), Lang::Es);
        assert_eq!(title, "Esta invitación no se puede usar");
        assert!(message.contains("ya se usó"), "{message}");
        let (_, message) = error_text(
            &ApiError::RateLimited {
                retry_after: 61,
                limit: Limited::Comments,
            },
            Lang::Es,
        );
        assert!(message.contains("en 2 minutos"), "{message}");
        let page = crate::pages::error_page(&ApiError::NotSignedIn, Area::Clt(Lang::Es));
        assert!(
            page.contains("<h1>Inicie sesión</h1>") && page.contains("Iniciar sesión en otro dispositivo"),
            "{page}"
        );
    }
}
