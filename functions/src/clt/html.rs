//! The CLT's HTML: its own pages, the comment form and the community
//! commentary put into the prerendered dashboard pages. Everything a member
//! or moderator wrote goes through [`escape`], so it is only ever text.

use std::collections::HashMap;

use lead_data::tables::DIMS;
use lead_data::vocab::Vocabulary;
use lead_data::Date;

use super::input::{CommentInput, Kind, Publish, ReplyInput, ReplyStatus, Role, MAX_POINT_CHARS, MAX_TEXT_CHARS};
use super::store::{Comment, Session};
use crate::pages::{escape, Area};

/// The current data version of each (page, chart, period) a comment is on;
/// `None` when the chart is no longer published.
pub type Versions = HashMap<(String, String, String), Option<String>>;

/// `YYYY-MM-DD` (UTC) of a time in ms.
fn date(ms: f64) -> String {
    Date::from_unix_ms(ms as i64).map(|d| d.to_string()).unwrap_or_default()
}

/// A CLT page: the portal's page shell, and who is signed in.
pub fn page(title: &str, session: Option<&Session>, csrf: Option<&str>, body: &str) -> String {
    let who = match (session, csrf) {
        (Some(s), Some(_)) => signed_in_as(s),
        _ => String::new(),
    };
    crate::pages::page(Area::Clt, title, &format!("{who}{body}"))
}

/// Who is signed in, and the link to sign out (a page that says what
/// signing out means first), on the CLT's pages and the staff console.
pub fn signed_in_as(s: &Session) -> String {
    format!(
        "<p class=\"clt-who\">Signed in as {} ({}){} <a href=\"/clt/signout\">Sign out</a></p>",
        escape(&s.name),
        escape(&s.organisation),
        match s.role {
            Role::Member => "",
            Role::Moderator => ", moderator",
            Role::Manager => ", manager",
        },
    )
}

/// A CLT page with links to the pages of its list before `</main>`: lists
/// show [`store::PAGE_SIZE`](super::store::PAGE_SIZE) comments at a time.
pub fn with_pages(html: &str, path: &str, number: usize, more: bool) -> String {
    if number <= 1 && !more {
        return html.to_string();
    }
    let mut nav = String::from("<nav class=\"pages\" aria-label=\"Pages of comments\"><p>");
    let join = if path.contains('?') { "&amp;" } else { "?" };
    if number > 1 {
        nav.push_str(&format!(
            "<a href=\"{path}{join}page={}\">Newer comments</a> ",
            number - 1
        ));
    }
    nav.push_str(&format!("Page {number}"));
    if more {
        nav.push_str(&format!(
            " <a href=\"{path}{join}page={}\">Older comments</a>",
            number + 1
        ));
    }
    nav.push_str("</p></nav>");
    match html.rfind("</main>") {
        Some(at) => format!("{}{nav}{}", &html[..at], &html[at..]),
        None => format!("{html}{nav}"),
    }
}

/// The page an invitation link opens: one button that spends it.
pub fn join_page(token: &str) -> String {
    page(
        "Join the Community Leadership Team",
        None,
        None,
        &format!(
            "<p>This invitation signs you in to comment on the program's published data. It works once.</p>\
             <form method=\"post\" action=\"/api/clt/join\"><input type=\"hidden\" name=\"invitation\" value=\"{}\">\
             <button type=\"submit\">Sign in</button></form>",
            escape(token)
        ),
    )
}

/// The figures a comment was made on (the chart's published CSV), as a
/// small table.
fn figures_table(csv_text: &str) -> String {
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
                    dim.label(value).map_or(value, |l| l.en)
                })
                .filter(|v| !v.is_empty() && *v != "all")
                .collect();
            let shown = if get(suppressed) == "true" {
                "suppressed"
            } else {
                get(value)
            };
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(get(period)),
                escape(&what.join(", ")),
                escape(get(measure)),
                escape(shown)
            )
        })
        .collect();
    format!(
        "<details class=\"figures-seen\"><summary>The figures this comment was made on</summary>\
         <div class=\"table-scroll\" role=\"region\" aria-label=\"Figures this comment was made on\" tabindex=\"0\">\
         <table class=\"data-table\"><thead><tr><th scope=\"col\">Period</th><th scope=\"col\">Group</th>\
         <th scope=\"col\">Measure</th><th scope=\"col\">Value</th></tr></thead><tbody>{rows}</tbody></table></div></details>"
    )
}

fn changed_note(c: &Comment, versions: &Versions) -> &'static str {
    match versions.get(&(c.page.clone(), c.chart.clone(), c.period.clone())) {
        Some(Some(v)) if *v == c.data_version => "",
        Some(None) => "<p class=\"changed\">This chart is no longer published for this period.</p>",
        _ => "<p class=\"changed\">The figures have changed since this comment was made.</p>",
    }
}

fn reply_block(c: &Comment) -> String {
    let Some(status) = c.reply_status else {
        return "<p class=\"reply-status\">No reply from the program yet.</p>".into();
    };
    let mut out = format!(
        "<div class=\"reply\"><p><strong>The program's reply: {}</strong>{}</p>",
        escape(status.label().en),
        c.replied_at.map(|t| format!(" ({})", date(t))).unwrap_or_default()
    );
    if let Some(body) = c.reply_body.as_deref() {
        out.push_str(&format!("<p class=\"text\">{}</p>", escape(body)));
    }
    if let Some(reason) = c.reply_reason.as_deref() {
        out.push_str(&format!("<p class=\"text\">Why not: {}</p>", escape(reason)));
    }
    out.push_str("</div>");
    out
}

fn chart_link(c: &Comment) -> String {
    let period = c.period.parse().unwrap_or(lead_data::Period::All);
    format!(
        "<a href=\"{}#{}\">{} ({})</a>",
        escape(&lead_data::paths::dashboard_page(&c.page, period)),
        escape(&c.chart),
        escape(&c.chart.replace('-', " ")),
        escape(if c.period == "all" { "all time" } else { &c.period })
    )
}

/// One comment as its author or (with `author`, the member who wrote it,
/// shown above the comment, never under the program's reply) a moderator
/// sees it.
fn comment_card(c: &Comment, versions: &Versions, author: bool, extra: &str) -> String {
    format!(
        "<article class=\"comment\" id=\"comment-{id}\"><h3>{kind} on {chart}</h3>\
         <p class=\"meta\">{by}{date} · {publish}{point}</p><p class=\"text\">{body}</p>{changed}{figures}{reply}{extra}</article>",
        id = escape(&c.id),
        kind = escape(c.kind.label().en),
        chart = chart_link(c),
        by = if author {
            format!("From {} ({}) · ", escape(&c.member_name), escape(&c.organisation))
        } else {
            String::new()
        },
        date = date(c.created_at),
        publish = escape(c.publish.label().en),
        point = c
            .data_point
            .as_deref()
            .map(|p| format!(" · about: {}", escape(p)))
            .unwrap_or_default(),
        body = escape(&c.body),
        changed = changed_note(c, versions),
        figures = figures_table(&c.figures),
        reply = reply_block(c),
    )
}

/// What to do without a session: add a device from one that is signed in,
/// or ask the program manager for a new invitation.
pub fn how_to_sign_in() -> String {
    format!(
        "<p>If you are signed in on another device (a phone or a computer), open <strong>Your comments</strong> there \
         and choose <strong>Sign in on another device</strong>: it gives you a link for this one. \
         Otherwise ask the program manager for a new invitation link. {}</p>",
        escape(&lead_content::intake().contact_line(lead_content::Lang::En))
    )
}

/// `GET /clt/signout`.
pub fn sign_out_page(csrf: &str) -> String {
    page(
        "Sign out",
        None,
        None,
        &format!(
            "<p>After you sign out, you need a new link to sign in again. To keep signing in on another device, \
             get its link first from <a href=\"/clt/\">Your comments</a> (<strong>Sign in on another device</strong>).</p>\
             <form method=\"post\" action=\"/api/clt/signout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <button type=\"submit\">Sign out now</button></form>\
             <p><a href=\"/clt/\">Stay signed in</a></p>",
            escape(csrf)
        ),
    )
}

/// `GET /clt/signed-out`.
pub fn signed_out_page() -> String {
    page(
        "You are signed out",
        None,
        None,
        &format!(
            "<p>This device is no longer signed in to the Community Leadership Team.</p>{}\
             <p><a href=\"/en/data/\">LEAD in figures</a></p>",
            how_to_sign_in()
        ),
    )
}

/// A link that signs the same person in on another device, shown once.
pub fn device_page(link: &str) -> String {
    let qr = lead_content::page::qr_svg(link).unwrap_or_default();
    page(
        "Sign in on another device",
        None,
        None,
        &format!(
            "<p>Open this link on the other device, or scan the code with it. It works once, for the next {minutes} \
             minutes, and signs that device in as you. Do not send it to anyone else.</p>\
             <label for=\"device-link\">Sign-in link</label>\
             <input type=\"text\" id=\"device-link\" class=\"invite-link\" value=\"{link}\" readonly>\
             <div class=\"qr\">{qr}</div>\
             <p><a href=\"/clt/\">Back to your comments</a></p>",
            minutes = super::handlers::DEVICE_LINK_MINUTES,
            link = escape(link)
        ),
    )
}

/// `/clt/`: the member's own comments and the program's replies, those
/// answered since `seen` (the member's last visit) marked.
pub fn home_page(
    session: &Session,
    csrf: &str,
    comments: &[Comment],
    versions: &Versions,
    seen: Option<f64>,
) -> String {
    let is_new = |c: &Comment| c.replied_at.is_some_and(|r| seen.is_none_or(|s| r > s));
    let mut body = String::from(
        "<p>Open any chart on the <a href=\"/en/data/\">dashboards</a> to comment on it. \
         Comments you allow to be published appear beside their chart once a moderator approves them.</p>",
    );
    body.push_str(&format!(
        "<section aria-labelledby=\"devices-heading\"><h2 id=\"devices-heading\">Sign in on another device</h2>\
         <p>To sign in on your phone or another computer too, get a link for it here. It works once, for {} minutes.</p>\
         <form method=\"post\" action=\"/api/clt/devices\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <button type=\"submit\" class=\"button-secondary\">Sign in on another device</button></form></section>",
        super::handlers::DEVICE_LINK_MINUTES,
        escape(csrf)
    ));
    if session.is_moderator() {
        body.push_str("<p><a href=\"/clt/moderate\">Moderation queue</a></p>");
    }
    body.push_str("<h2>Your comments</h2>");
    if comments.is_empty() {
        body.push_str("<p>You have not commented yet.</p>");
    }
    match comments.iter().filter(|c| is_new(c)).count() {
        0 => {}
        1 => body.push_str("<p class=\"new-replies\">1 comment has a new reply since your last visit.</p>"),
        n => body.push_str(&format!(
            "<p class=\"new-replies\">{n} comments have a new reply since your last visit.</p>"
        )),
    }
    for c in comments {
        let mut status = String::new();
        if is_new(c) {
            status.push_str("<p class=\"new-reply\"><strong>New reply</strong> since your last visit.</p>");
        }
        if c.approved_at.is_some() {
            status.push_str("<p class=\"approved\">Published beside the chart.</p>");
        }
        body.push_str(&comment_card(c, versions, false, &status));
    }
    page("Your comments", Some(session), Some(csrf), &body)
}

/// The radios of a vocabulary, `chosen` checked.
fn options_chosen<C: Vocabulary>(name: &str, chosen: &str) -> String {
    C::VALUES
        .iter()
        .enumerate()
        .map(|(i, choice)| {
            let (value, text) = (choice.code(), escape(choice.labels().en));
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
pub fn comment_kept_page(input: &CommentInput) -> String {
    let back = match input.period.parse::<lead_data::Period>() {
        Ok(period) if !input.page.is_empty() => format!(
            "<p><a href=\"{}#{}\">Back to the chart</a></p>",
            escape(&lead_data::paths::dashboard_page(&input.page, period)),
            escape(&input.chart)
        ),
        _ => String::new(),
    };
    page(
        "Please sign in",
        None,
        None,
        &format!(
            "<p>You are not signed in on this device, so your comment was not sent. Nothing is lost: \
             it is below. Copy it, sign in, and send it again.</p>\
             <label for=\"kept-comment\">Your comment</label>\
             <textarea id=\"kept-comment\" rows=\"6\" readonly>{}</textarea>{}{back}",
            escape(&input.body),
            how_to_sign_in()
        ),
    )
}

/// `/clt/moderate`: every comment, with a reply form and, for publishable
/// ones, the approval button.
pub fn moderate_page(
    session: &Session,
    csrf: &str,
    comments: &[Comment],
    versions: &Versions,
    waiting: bool,
    done: Option<(&str, &str)>,
    kept: Option<&KeptReply<'_>>,
) -> String {
    let mut body = String::from(if waiting {
        "<p>Comments waiting for a reply, newest first. <a href=\"/clt/moderate\">Show every comment</a></p>"
    } else {
        "<p>Every comment, unanswered first. <a href=\"/clt/moderate?show=waiting\">Show only those waiting for a reply</a></p>"
    });
    body.push_str("<p>Approve a comment to publish it beside its chart.</p>");
    if comments.is_empty() {
        body.push_str(if waiting {
            "<p>No comment is waiting for a reply.</p>"
        } else {
            "<p>No comments yet.</p>"
        });
    }
    for c in comments {
        let id = escape(&c.id);
        // A reply sent back to be corrected: what was written, each
        // problem beside its field.
        let kept = kept.filter(|k| k.id == c.id);
        let problems = kept.map_or(&[][..], |k| k.problems);
        let error = |name: &str| field_error(problems, name, &format!("reply-{name}-error-{id}"));
        let written = |f: fn(&ReplyInput) -> &str| kept.map(|k| escape(f(k.input))).unwrap_or_default();
        let reply_form = format!(
            "<form method=\"post\" action=\"/api/clt/comments/{id}/reply\" class=\"reply-form\">{summary}\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <fieldset><legend>Reply: what will the program do?</legend>{status_error}{statuses}</fieldset>\
             <label for=\"reply-body-{id}\">Reply (the member reads it)</label>{body_error}<textarea id=\"reply-body-{id}\" name=\"body\" rows=\"3\" required>{body_value}</textarea>\
             <label for=\"reply-reason-{id}\">Reason (needed for \"Won't act\")</label>{reason_error}\
             <textarea id=\"reply-reason-{id}\" name=\"reason\" rows=\"2\">{reason_value}</textarea>\
             <button type=\"submit\">Send reply</button></form>",
            summary = error_summary("h4", "Please correct your reply", problems),
            csrf = escape(csrf),
            statuses = options_chosen::<ReplyStatus>("status", kept.map_or("", |k| k.input.status.as_str())).replace("{ID}", &id),
            status_error = error("status"),
            body_error = error("body"),
            reason_error = error("reason"),
            body_value = written(|i| &i.body),
            reason_value = written(|i| &i.reason),
        );
        let approve = match (c.publish, c.approved_at) {
            (Publish::ProgramOnly, _) => "<p>Kept for the program only: it cannot be published.</p>".to_owned(),
            (_, Some(_)) => format!(
                "<p class=\"approved\">Approved: published beside the chart.</p>\
                 <form method=\"post\" action=\"/api/clt/comments/{id}/unpublish\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
                 <label for=\"unpublish-reason-{id}\">Reason to withdraw it (kept in the audit log)</label>\
                 <input type=\"text\" id=\"unpublish-reason-{id}\" name=\"reason\" required maxlength=\"{max}\">\
                 <button type=\"submit\" class=\"button-secondary\">Withdraw from publication</button></form>",
                escape(csrf),
                max = crate::staff::input::MAX_REASON_CHARS
            ),
            _ if c.member_id == session.member_id => {
                "<p>Your own comment: another moderator approves it for publication.</p>".to_owned()
            }
            _ => format!(
                "<form method=\"post\" action=\"/api/clt/comments/{id}/approve\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
                 <button type=\"submit\">Approve for publication</button></form>",
                escape(csrf)
            ),
        };
        // What was just done to this comment, where the page lands.
        let saved = match done {
            Some((action, done_id)) if done_id == c.id => match action {
                "reply" => {
                    "<p class=\"saved\" role=\"status\">Your reply was saved; the member sees it on their page.</p>"
                }
                "approve" => "<p class=\"saved\" role=\"status\">Published beside the chart.</p>",
                "unpublish" => "<p class=\"saved\" role=\"status\">Withdrawn: no longer shown beside the chart.</p>",
                _ => "",
            },
            _ => "",
        };
        body.push_str(&comment_card(
            c,
            versions,
            true,
            &format!("{saved}{reply_form}{approve}"),
        ));
    }
    page("Moderation queue", Some(session), Some(csrf), &body)
}

/// Shown beside the chart a member has just commented on; the page lands
/// on it (`#sent-{chart}`), so it is read out.
pub fn comment_sent(chart: &str) -> String {
    format!(
        "<p class=\"comment-sent\" role=\"status\" id=\"sent-{}\" tabindex=\"-1\">Thank you: your comment was sent to the program. \
         It and any reply are on <a href=\"/clt/\">your comments page</a>.</p>",
        escape(chart)
    )
}

/// The "comment on this chart" form for one chart on a dashboard page.
/// Above a form sent back to be corrected: every problem, announced.
/// Empty when there is none.
fn error_summary(heading: &str, text: &str, problems: &[crate::error::Problem]) -> String {
    if problems.is_empty() {
        return String::new();
    }
    let items: String = problems
        .iter()
        .map(|p| format!("<li>{}</li>", escape(&p.message)))
        .collect();
    format!("<div class=\"error-summary\" role=\"alert\"><{heading}>{text}</{heading}><ul>{items}</ul></div>")
}

/// The problem with `field`, if any, as the paragraph beside it
/// (`element_id` is its id).
fn field_error(problems: &[crate::error::Problem], field: &str, element_id: &str) -> String {
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
    pub problems: &'a [crate::error::Problem],
}

/// A comment form sent back with what needs correcting: what the member
/// wrote and, beside each field, its problem.
pub struct Kept<'a> {
    pub input: &'a CommentInput,
    pub problems: &'a [crate::error::Problem],
}

/// `about` names the chart and period (attribute-escaped, from the page);
/// `kept`, a comment sent back to be corrected, opens the form with it.
pub fn comment_form(page: &str, chart: &str, period: &str, about: &str, csrf: &str, kept: Option<&Kept<'_>>) -> String {
    let id = escape(chart);
    let field = |name: &str| format!("{name}-{id}");
    let problems = kept.map_or(&[][..], |k| k.problems);
    let error = |name: &str| field_error(problems, name, &format!("{name}-error-{id}"));
    let value = |f: fn(&CommentInput) -> &str| kept.map(|k| escape(f(k.input))).unwrap_or_default();
    let summary = error_summary("h3", "Please correct your comment", problems);
    format!(
        "<details class=\"comment-form\"{open}><summary>Comment on this chart: {about}</summary>\
         <form method=\"post\" action=\"/api/clt/comments\">{summary}\
         <p>Your comment is about <strong>{about}</strong>.</p>\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"page\" value=\"{page}\">\
         <input type=\"hidden\" name=\"chart\" value=\"{id}\"><input type=\"hidden\" name=\"period\" value=\"{period}\">\
         <fieldset><legend>What kind of comment is it?</legend>{kind_error}{kinds}</fieldset>\
         <label for=\"{point}\">Which figure or row (optional)</label>{point_error}<input type=\"text\" id=\"{point}\" name=\"data_point\" maxlength=\"{MAX_POINT_CHARS}\" value=\"{point_value}\">\
         <label for=\"{text}\">Your comment</label>{body_error}<textarea id=\"{text}\" name=\"body\" rows=\"4\" required maxlength=\"{MAX_TEXT_CHARS}\">{body_value}</textarea>\
         <fieldset><legend>May it be published?</legend>{publish_error}{publish}</fieldset>\
         <button type=\"submit\">Send comment</button></form></details>",
        open = if kept.is_some() { " open" } else { "" },
        csrf = escape(csrf),
        page = escape(page),
        period = escape(period),
        kinds = options_chosen::<Kind>("kind", kept.map_or("", |k| k.input.kind.as_str())).replace("{ID}", &id),
        publish = options_chosen::<Publish>("publish", kept.map_or("", |k| k.input.publish.as_str())).replace("{ID}", &id),
        point = field("point"),
        text = field("comment"),
        kind_error = error("kind"),
        point_error = error("data_point"),
        body_error = error("body"),
        publish_error = error("publish"),
        point_value = value(|i| &i.data_point),
        body_value = value(|i| &i.body),
    )
}

/// The approved comments on one chart, as published community commentary.
pub fn commentary(comments: &[&Comment], versions: &Versions) -> String {
    if comments.is_empty() {
        return String::new();
    }
    let items: String = comments
        .iter()
        .map(|c| {
            let who = if c.publish == Publish::WithOrganisation {
                escape(&c.organisation)
            } else {
                "a Community Leadership Team member".to_owned()
            };
            format!(
                "<li class=\"comment\"><p class=\"meta\">{kind} from {who}, {date}, on the {period} figures{point}</p>\
                 <p class=\"text\">{body}</p>{changed}{reply}</li>",
                kind = escape(c.kind.label().en),
                date = date(c.created_at),
                period = escape(if c.period == "all" { "all-time" } else { &c.period }),
                // The figure the member pointed to, as members and
                // moderators see it.
                point = c
                    .data_point
                    .as_deref()
                    .map(|p| format!(", about: {}", escape(p)))
                    .unwrap_or_default(),
                body = escape(&c.body),
                changed = changed_note(c, versions),
                reply = reply_block(c),
            )
        })
        .collect();
    format!("<h3>Community commentary</h3><ul class=\"commentary-list\">{items}</ul>")
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
        let html = commentary(&[&c], &versions);
        for raw in ["<script", "<img", "<svg", "<i>", "\"quoted\""] {
            assert!(!html.contains(raw), "{raw} reached the page: {html}");
        }
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("Org &quot;quoted&quot; &amp; &lt;i&gt;"));
        assert!(html.contains("The figures have changed since"));
        assert!(html.contains("Won&#39;t act"));
        let home = moderate_page(
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
        assert_eq!(with_pages(html, "/clt/moderate", 1, false), html);
        let first = with_pages(html, "/clt/moderate", 1, true);
        assert!(
            first.contains("<a href=\"/clt/moderate?page=2\">Older comments</a></p></nav></main>"),
            "{first}"
        );
        assert!(!first.contains("Newer"));
        let middle = with_pages(html, "/clt/", 3, true);
        assert!(
            middle.contains("/clt/?page=2\">Newer") && middle.contains("/clt/?page=4\">Older"),
            "{middle}"
        );
    }

    #[test]
    fn the_public_line_names_the_figure_pointed_to_and_groups_read_as_words() {
        let mut c = comment("fine", "Org");
        c.data_point = Some("2025-01 Partner".into());
        c.figures =
            "table,period,referrer_type,measure,value,suppressed\nx,2025-01,partner_org,referrals,12,false\n".into();
        let html = commentary(&[&c], &Versions::new());
        assert!(html.contains("on the 2025 figures, about: 2025-01 Partner"), "{html}");
        let table = figures_table(&c.figures);
        assert!(
            table.contains("<td>Partner organization</td>") && !table.contains("partner_org"),
            "{table}"
        );
    }

    #[test]
    fn anonymous_comments_name_no_organisation() {
        let mut c = comment("fine", "Secret Org");
        c.publish = Publish::Anonymous;
        let html = commentary(&[&c], &Versions::new());
        assert!(!html.contains("Secret Org"));
        assert!(html.contains("from a Community Leadership Team member"));
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
