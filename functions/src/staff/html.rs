//! The console's page. Everything staff or the case system wrote goes
//! through [`escape`]; no referral content is ever shown (the outbox holds
//! it sealed, and the console reads only references, ages and errors).

use lead_content::intake;
use lead_content::intake_state::Cause;
use lead_content::schema::IntakeStatus;
use lead_data::published::{Figure, TableFile};
use lead_data::tables::Dim;
use lead_data::vocab::Door;
use lead_data::{Month, Period};

use super::store::{Ledger, Logged, Person};
use super::Action;
use crate::clt::input::Role;
use crate::clt::store::Session;
use crate::pages::{escape, Area};
use crate::status::{DeliveryRecord, State};
use crate::time::iso;

/// How long ago, in words a person reads at a glance.
pub fn age(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    match minutes {
        0 => "under a minute".to_owned(),
        1..=119 => format!("{minutes} min"),
        120..=2879 => format!("{} h", minutes / 60),
        _ => format!("{} days", minutes / 1440),
    }
}

fn status_words(status: IntakeStatus) -> &'static str {
    match status {
        IntakeStatus::Open => "Open: taking community referrals",
        IntakeStatus::PriorityOnly => "Priority only: taking priority community referrals only",
        IntakeStatus::Paused => "Paused: not taking community referrals",
    }
}

fn record_words(r: Option<&DeliveryRecord>, days: i64) -> String {
    match r {
        Some(r) => format!(
            "Last {days} days: {} of {} referrals ({:.0} %) reached the case system within an hour; median {} min.",
            (r.share_within_hour * r.referrals as f64).round(),
            r.referrals,
            (r.share_within_hour * 100.0).floor(),
            r.median_minutes
        ),
        None => format!("Last {days} days: no referrals delivered or waiting an hour or more."),
    }
}

fn csrf_field(csrf: &str) -> String {
    format!("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", escape(csrf))
}

/// The intake section: status now and why, and (for managers) the forms
/// that change it.
fn intake_section(state: &State, manager: bool, csrf: &str, now: i64) -> String {
    let policy = &intake().policy.intake;
    let rule = &policy.capacity;
    let why = match state.notice.cause {
        Cause::Policy => "the policy file's status (no capacity rule or override applies)".to_owned(),
        Cause::Capacity => format!(
            "the capacity rule: the average caseload is above {} or a case manager has {} or more",
            rule.average_above, rule.highest_at
        ),
        Cause::Override => "a manager's override".to_owned(),
    };
    let mut out = format!(
        "<section aria-labelledby=\"intake-heading\"><h2 id=\"intake-heading\">Intake</h2>\
         <p class=\"intake-now\"><strong>{}</strong>, because of {}.</p>\
         <p>The intake page says: \u{201c}{}\u{201d}</p>",
        status_words(state.notice.status),
        escape(&why),
        escape(state.notice.message(policy).get(lead_content::Lang::En))
    );
    out.push_str("<h3>Caseloads</h3>");
    match &state.capacity {
        Some(latest) => {
            let r = &latest.report;
            let by = if latest.reported_by == "case_system" {
                "the case system".to_owned()
            } else {
                "a manager".to_owned()
            };
            out.push_str(&format!(
                "<p>Average active caseload <strong>{}</strong> (the rule acts above {}); highest <strong>{}</strong> (acts at {}). \
                 Counted {} ({} ago), reported by {by}.</p>",
                r.average_caseload,
                rule.average_above,
                r.highest_caseload,
                rule.highest_at,
                iso(r.as_of_ms),
                age(now - r.as_of_ms)
            ));
            if r.is_stale(rule, now) {
                out.push_str(&format!(
                    "<p class=\"warning\" role=\"alert\"><strong>This report is stale:</strong> it is older than the {} hours the policy trusts. \
                     Ask the case system why it stopped reporting, or enter today's caseloads below.</p>",
                    rule.stale_after_hours
                ));
            }
        }
        None => out.push_str(
            "<p class=\"warning\">No caseload report yet: the capacity rule has nothing to act on. \
             The case system reports with PUT /api/capacity, or enter caseloads below.</p>",
        ),
    }
    if let Some(m) = &state.manual {
        let in_force = m.state.until_ms > now;
        out.push_str(&format!(
            "<h3>Override</h3><p>{} set intake to <strong>{}</strong> on {} until {}{}. Reason: {}</p>",
            escape(&m.set_by),
            m.state.status.code(),
            iso(m.set_at),
            iso(m.state.until_ms),
            if in_force { "" } else { " (ended)" },
            escape(&m.reason)
        ));
    }
    if manager {
        let options: String = IntakeStatus::ALL
            .iter()
            .map(|s| {
                format!(
                    "<div class=\"choice\"><input type=\"radio\" name=\"status\" id=\"override-{0}\" value=\"{0}\" required>\
                     <label for=\"override-{0}\">{1}</label></div>",
                    s.code(),
                    status_words(*s)
                )
            })
            .collect();
        let hours: String = [
            (1, "1 hour"),
            (4, "4 hours"),
            (24, "1 day"),
            (72, "3 days"),
            (168, "1 week"),
            (336, "2 weeks"),
            (720, "30 days"),
        ]
        .iter()
        .map(|(h, label)| format!("<option value=\"{h}\">{label}</option>"))
        .collect();
        out.push_str(&format!(
            "<form class=\"reply-form\" method=\"post\" action=\"/api/staff/intake\">{csrf}\
             <fieldset><legend>Set intake by hand</legend>{options}</fieldset>\
             <label for=\"override-hours\">For how long (then the policy and the capacity rule apply again)</label>\
             <select id=\"override-hours\" name=\"hours\">{hours}</select>\
             <label for=\"override-reason\">Reason (kept in the audit log)</label>\
             <textarea id=\"override-reason\" name=\"reason\" rows=\"2\" maxlength=\"500\" required></textarea>\
             <p><button type=\"submit\">Set intake</button></p></form>",
            csrf = csrf_field(csrf)
        ));
        if state.manual.as_ref().is_some_and(|m| m.state.until_ms > now) {
            out.push_str(&format!(
                "<form class=\"reply-form\" method=\"post\" action=\"/api/staff/intake/end\">{}\
                 <label for=\"end-reason\">Reason for ending the override</label>\
                 <textarea id=\"end-reason\" name=\"reason\" rows=\"2\" maxlength=\"500\" required></textarea>\
                 <p><button type=\"submit\" class=\"button-secondary\">End the override now</button></p></form>",
                csrf_field(csrf)
            ));
        }
        out.push_str(&format!(
            "<form class=\"reply-form\" method=\"post\" action=\"/api/staff/capacity\">{}\
             <fieldset><legend>Enter caseloads (counted now)</legend>\
             <label for=\"capacity-average\">Average active caseload</label>\
             <input type=\"number\" id=\"capacity-average\" name=\"average_caseload\" min=\"0\" max=\"1000\" step=\"0.1\" required>\
             <label for=\"capacity-highest\">Highest caseload of any case manager</label>\
             <input type=\"number\" id=\"capacity-highest\" name=\"highest_caseload\" min=\"0\" max=\"1000\" step=\"1\" required>\
             </fieldset><p><button type=\"submit\">Save caseloads</button></p></form>",
            csrf_field(csrf)
        ));
    }
    out.push_str("</section>");
    out
}

/// The delivery section: the outbox ledger and stuck referrals.
fn delivery_section(ledger: &Ledger, manager: bool, csrf: &str, now: i64) -> String {
    let mut out = format!(
        "<section aria-labelledby=\"delivery-heading\"><h2 id=\"delivery-heading\">Delivery to the case system</h2>\
         <table class=\"data-table\"><caption>Referrals in the outbox</caption>\
         <thead><tr><th scope=\"col\">Pending</th><th scope=\"col\">Delivered</th><th scope=\"col\">Stuck</th><th scope=\"col\">Oldest pending</th></tr></thead>\
         <tbody><tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></tbody></table>\
         <p>{}</p><p>{}</p>",
        ledger.pending,
        ledger.delivered,
        ledger.stuck,
        ledger.oldest_pending_at.map_or("none".to_owned(), |t| format!("{} ago", age(now - t))),
        record_words(ledger.last_7_days.as_ref(), 7),
        record_words(ledger.last_30_days.as_ref(), 30),
    );
    if let Some((reference, error, at)) = &ledger.last_error {
        out.push_str(&format!(
            "<p>Last error ({} ago, {}): {}</p>",
            age(now - at),
            escape(reference),
            escape(error)
        ));
    }
    out.push_str(&format!(
        "<p>Community referrals received: {} in the last 7 days, {} in the last 30 days. \
         Police and court referrals reach the case system without this portal; the capacity rule closes only this door.</p>",
        ledger.received_7, ledger.received_30
    ));
    out.push_str("<h3>Stuck referrals</h3>");
    if ledger.stuck_list.is_empty() {
        out.push_str("<p>None: every referral has been delivered or is on its way.</p>");
    } else {
        let rows: String = ledger
            .stuck_list
            .iter()
            .map(|s| {
                let action = if manager {
                    format!(
                        "<td><form method=\"post\" action=\"/api/staff/referrals/{0}/resend\">{1}\
                         <button type=\"submit\" class=\"button-secondary\" aria-label=\"Resend {0}\">Resend</button></form></td>",
                        escape(&s.reference),
                        csrf_field(csrf)
                    )
                } else {
                    String::new()
                };
                format!(
                    "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td>{action}</tr>",
                    escape(&s.reference),
                    age(now - s.received_at as i64),
                    s.attempts,
                    escape(s.last_error.as_deref().unwrap_or(""))
                )
            })
            .collect();
        out.push_str(&format!(
            "<div class=\"table-scroll\" role=\"region\" aria-label=\"Stuck referrals\" tabindex=\"0\"><table class=\"data-table\">\
             <caption>Referrals whose delivery was given up (reference, age, attempts, last error; never content)</caption>\
             <thead><tr><th scope=\"col\">Reference</th><th scope=\"col\">Age</th><th scope=\"col\">Attempts</th><th scope=\"col\">Last error</th>{}</tr></thead>\
             <tbody>{rows}</tbody></table></div>",
            if manager { "<th scope=\"col\">Action</th>" } else { "" }
        ));
        if manager {
            out.push_str(&format!(
                "<form method=\"post\" action=\"/api/staff/referrals/resend-all\">{}\
                 <p><button type=\"submit\">Resend every stuck referral</button></p></form>",
                csrf_field(csrf)
            ));
        }
    }
    out.push_str("</section>");
    out
}

/// Referrals by door in the latest published months, so the program can
/// see that the community door (the only one capacity closes here) is not
/// crowding out police and court referrals. From the published figures:
/// suppressed cells stay suppressed.
pub fn doors_section(table: Option<&TableFile>) -> String {
    let mut out =
        String::from("<section aria-labelledby=\"doors-heading\"><h2 id=\"doors-heading\">Referrals by door</h2>");
    let Some(table) = table else {
        out.push_str("<p>The dashboards have no published figures by door yet.</p></section>");
        return out;
    };
    let mut months: Vec<Month> = table
        .rows
        .iter()
        .filter_map(|r| match r.period {
            Period::Month(m) => Some(m),
            _ => None,
        })
        .collect();
    months.sort();
    months.dedup();
    let recent: Vec<Month> = months.iter().rev().take(3).rev().copied().collect();
    let figure = |month: Month, door: &str| -> String {
        table
            .rows
            .iter()
            .find(|r| {
                r.period == Period::Month(month)
                    && r.measure == "referrals"
                    && r.dims.iter().any(|(d, v)| *d == Dim::Door && v == door)
            })
            .and_then(|r| r.figure())
            .map_or("no figure".to_owned(), |f| match f {
                Figure::Value(v) => format!("{v}"),
                Figure::Suppressed => format!("fewer than {}", table.suppression.k),
            })
    };
    let head: String = recent.iter().map(|m| format!("<th scope=\"col\">{m}</th>")).collect();
    let rows: String = Door::ALL
        .iter()
        .map(|door| {
            let cells: String = recent
                .iter()
                .map(|m| format!("<td>{}</td>", figure(*m, door.as_str())))
                .collect();
            format!("<tr><th scope=\"row\">{}</th>{cells}</tr>", door.label().en)
        })
        .collect();
    out.push_str(&format!(
        "<p>From the published dashboards ({}). Capacity closes only the community door; police and court referrals keep their priority.</p>\
         <div class=\"table-scroll\" role=\"region\" aria-label=\"Referrals by door\" tabindex=\"0\"><table class=\"data-table\">\
         <caption>Referrals by door, the latest published months</caption>\
         <thead><tr><th scope=\"col\">Door</th>{head}</tr></thead><tbody>{rows}</tbody></table></div></section>",
        escape(table.source.description())
    ));
    out
}

/// The newest lines of the audit log.
fn audit_section(lines: &[Logged]) -> String {
    let rows: String = lines
        .iter()
        .map(|l| {
            let action = Action::parse(&l.action).map_or(l.action.clone(), |a| a.label().en.to_owned());
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                iso(l.at as i64),
                escape(&l.actor_name),
                escape(&action),
                escape(l.subject.as_deref().unwrap_or("")),
                escape(l.from_value.as_deref().unwrap_or("")),
                escape(l.to_value.as_deref().unwrap_or("")),
                escape(l.reason.as_deref().unwrap_or(""))
            )
        })
        .collect();
    format!(
        "<section aria-labelledby=\"audit-heading\"><h2 id=\"audit-heading\">Audit log</h2>\
         <p><a href=\"/api/staff/audit.csv\" download>Download the whole audit log (CSV)</a></p>\
         <div class=\"table-scroll\" role=\"region\" aria-label=\"Audit log\" tabindex=\"0\"><table class=\"data-table\">\
         <caption>The newest staff actions</caption>\
         <thead><tr><th scope=\"col\">When (UTC)</th><th scope=\"col\">Who</th><th scope=\"col\">What</th><th scope=\"col\">Subject</th>\
         <th scope=\"col\">From</th><th scope=\"col\">To</th><th scope=\"col\">Reason</th></tr></thead><tbody>{}</tbody></table></div></section>",
        if rows.is_empty() {
            "<tr><td colspan=\"7\">No staff action yet.</td></tr>".to_owned()
        } else {
            rows
        }
    )
}

/// What a form post just did, said once at the top of the console.
pub fn done_message(done: &str) -> Option<&'static str> {
    Some(match done {
        "intake" => "Intake was set. The intake pages show it now.",
        "intake_end" => "The override has ended: the policy and the capacity rule apply again.",
        "capacity" => "The caseloads were saved.",
        "resend" => "Resent: the referral is back in line and is being delivered.",
        "resend_all" => "Every stuck referral is back in line and being delivered.",
        "revoke" => "Access revoked: their sessions have ended and their unused links no longer work.",
        _ => return None,
    })
}

/// Everything the console shows.
pub struct Console<'a> {
    pub session: &'a Session,
    pub csrf: &'a str,
    pub state: &'a State,
    pub ledger: &'a Ledger,
    /// The newest audit lines (managers only).
    pub audit: Option<&'a [Logged]>,
    pub done: Option<&'a str>,
    /// The published referrals-by-door table, if the site has it.
    pub doors: Option<&'a TableFile>,
    pub now: i64,
}

/// `/staff/`.
pub fn console_page(c: &Console<'_>) -> String {
    let manager = c.session.is_manager();
    let mut body = crate::clt::html::signed_in_as(c.session, lead_content::Lang::En);
    if let Some(message) = c.done.and_then(done_message) {
        body.push_str(&format!("<p class=\"comment-sent\" role=\"status\">{message}</p>"));
    }
    if !manager {
        body.push_str(
            "<p>As a moderator you can see how intake and delivery stand, and answer and publish the \
             Community Leadership Team's comments on the <a href=\"/en/clt/moderate\">moderation page</a>. \
             Changes to intake and resending are for managers.</p>",
        );
    }
    body.push_str(&intake_section(c.state, manager, c.csrf, c.now));
    body.push_str(&delivery_section(c.ledger, manager, c.csrf, c.now));
    body.push_str(&doors_section(c.doors));
    if let Some(lines) = c.audit {
        body.push_str(&audit_section(lines));
    }
    crate::pages::page(Area::Staff, "Staff console", &body)
}

/// `/staff/people`: who signs in, and inviting, reinviting and revoking.
pub fn people_page(session: &Session, csrf: &str, people: &[Person], done: Option<&str>, now: i64) -> String {
    let mut body = crate::clt::html::signed_in_as(session, lead_content::Lang::En);
    if let Some(message) = done.and_then(done_message) {
        body.push_str(&format!("<p class=\"comment-sent\" role=\"status\">{message}</p>"));
    }
    let roles: String = [
        (
            Role::Member,
            "Community Leadership Team member: comments on the published data",
        ),
        (
            Role::Moderator,
            "Moderator: also answers and publishes comments, and sees the console",
        ),
        (
            Role::Manager,
            "Manager: also changes intake, resends referrals and invites people",
        ),
    ]
    .iter()
    .map(|(role, words)| {
        format!(
            "<div class=\"choice\"><input type=\"radio\" name=\"role\" id=\"role-{0}\" value=\"{0}\" required{1}>\
             <label for=\"role-{0}\">{2}</label></div>",
            role.as_str(),
            if *role == Role::Member { " checked" } else { "" },
            words
        )
    })
    .collect();
    body.push_str(&format!(
        "<section aria-labelledby=\"invite-heading\"><h2 id=\"invite-heading\">Invite someone</h2>\
         <form class=\"reply-form\" method=\"post\" action=\"/api/staff/people\">{csrf}\
         <label for=\"invite-name\">Name</label><input type=\"text\" id=\"invite-name\" name=\"name\" maxlength=\"200\" required autocomplete=\"off\">\
         <label for=\"invite-organisation\">Organization</label><input type=\"text\" id=\"invite-organisation\" name=\"organisation\" maxlength=\"200\" required autocomplete=\"off\">\
         <label for=\"invite-email\">Email</label><input type=\"email\" id=\"invite-email\" name=\"email\" maxlength=\"254\" required autocomplete=\"off\">\
         <fieldset><legend>Role</legend>{roles}</fieldset>\
         <p>The sign-in link works once, for 7 days. It is shown to you once, to send to them yourself.</p>\
         <p><button type=\"submit\">Invite</button></p></form></section>",
        csrf = csrf_field(csrf)
    ));
    let rows: String = people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let status = if p.revoked_at.is_some() { "Revoked" } else { "Active" };
            let revoke = if p.revoked_at.is_none() && p.id != session.member_id {
                format!(
                    "<form method=\"post\" action=\"/api/staff/people/{id}/revoke\">{csrf}\
                     <label for=\"revoke-{i}\">Reason to revoke {name}</label>\
                     <input type=\"text\" id=\"revoke-{i}\" name=\"reason\" maxlength=\"500\" required>\
                     <button type=\"submit\" class=\"button-secondary\">Revoke {name}</button></form>",
                    id = escape(&p.id),
                    csrf = csrf_field(csrf),
                    name = escape(&p.name)
                )
            } else {
                String::new()
            };
            format!(
                "<tr><th scope=\"row\">{name}</th><td>{}</td><td>{}</td><td>{}</td><td>{status}</td><td>{}</td><td>{}</td>\
                 <td><form method=\"post\" action=\"/api/staff/people/{id}/reinvite\">{csrf}\
                 <button type=\"submit\" class=\"button-secondary\">New link for {name}</button></form>{revoke}</td></tr>",
                escape(&p.organisation),
                escape(&p.email),
                escape(&p.role),
                p.last_sign_in.map_or("never".to_owned(), |t| format!("{} ago", age(now - t as i64))),
                p.comments,
                name = escape(&p.name),
                id = escape(&p.id),
                csrf = csrf_field(csrf)
            )
        })
        .collect();
    body.push_str(&format!(
        "<section aria-labelledby=\"people-heading\"><h2 id=\"people-heading\">People who sign in</h2>\
         <p><a href=\"/api/staff/feedback.csv\" download>Download every CLT comment with the program's reply (CSV)</a></p>\
         <div class=\"table-scroll\" role=\"region\" aria-label=\"People who sign in\" tabindex=\"0\"><table class=\"data-table\">\
         <caption>Members of the Community Leadership Team and the program's staff</caption>\
         <thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Organization</th><th scope=\"col\">Email</th><th scope=\"col\">Role</th>\
         <th scope=\"col\">Status</th><th scope=\"col\">Last sign-in</th><th scope=\"col\">Comments</th><th scope=\"col\">Actions</th></tr></thead>\
         <tbody>{rows}</tbody></table></div></section>"
    ));
    crate::pages::page(Area::Staff, "People", &body)
}

/// The page that shows a new invitation link, once: the link to copy (a
/// copy button with JavaScript) and its QR code.
pub fn invitation_page(person: &str, role: Role, link: &str, expires_at: i64) -> String {
    let qr = lead_content::page::qr_svg(link).unwrap_or_default();
    let body = format!(
        "<p>This link signs {name} in once, as {role}, until {until}. It is shown only now: copy it and send it to \
         {name} yourself, or let them scan the code. Anyone with the link can use it once, so send it only to them.</p>\
         <label for=\"invite-link\">Sign-in link</label>\
         <input type=\"text\" id=\"invite-link\" class=\"invite-link\" value=\"{link}\" readonly>\
         <p><button type=\"button\" data-copy=\"invite-link\" hidden>Copy link</button></p>\
         <div class=\"qr\">{qr}</div>\
         <p><a href=\"/staff/people\">Back to people</a></p>",
        name = escape(person),
        role = role.as_str(),
        until = iso(expires_at),
        link = escape(link)
    );
    crate::pages::page(Area::Staff, &format!("Invitation for {person}"), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_at_a_glance() {
        assert_eq!(age(20_000), "under a minute");
        assert_eq!(age(5 * 60_000), "5 min");
        assert_eq!(age(3 * 3_600_000), "3 h");
        assert_eq!(age(3 * 86_400_000), "3 days");
        assert_eq!(age(-5), "under a minute");
    }
}
