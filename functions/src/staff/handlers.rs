//! The console's routes, as the worker's routing table calls them. Every
//! one answers 401 without a session, 403 for a CLT member, a revoked
//! session or (for a manager's action) a moderator, and 403 for a post from
//! another site or without the session's CSRF token. A form post gets a
//! 303 back to the console; JSON gets JSON.

use lead_content::Lang;
use serde::de::DeserializeOwned;
use worker::{D1Database, Env, Request, Response};

use super::html::{self, Console};
use super::input::{reason, OverrideInput, ReasonInput};
use super::store;
use super::{staff, Need};
use crate::capacity::CapacityInput;
use crate::clt::store::Session;
use crate::clt::Secret;
use crate::error::ApiError;
use crate::http::{self, Format};
use crate::session::{check_post, read};
use crate::time::now_ms;

/// How many audit lines the console shows (the CSV has all).
const AUDIT_SHOWN: usize = 20;

fn unavailable(what: &'static str) -> impl FnOnce(worker::Error) -> ApiError {
    ApiError::unavailable(what)
}

/// A post by someone who may do what `need` says: session, origin and
/// CSRF checked, then the role, then the body parsed.
async fn post<T: DeserializeOwned>(
    req: &mut Request,
    env: &Env,
    need: Need,
) -> Result<(D1Database, Session, T), ApiError> {
    let (secret, db, session): (Secret, _, _) = staff(req, env, Need::Staff).await?;
    let (input, csrf) = read::<T>(req).await?;
    check_post(req, &secret, &session, csrf.as_deref())?;
    if need == Need::Manager && !session.is_manager() {
        return Err(ApiError::ManagersOnly);
    }
    Ok((db, session, input))
}

/// A 303 back to the console saying what was done, or JSON.
fn done(req: &Request, what: &str, json: serde_json::Value) -> Response {
    match Format::of(req) {
        Format::Json => http::json(200, &json),
        Format::Page => http::see_other(&format!("/staff/?done={what}")),
    }
}

/// `GET /staff/`: the console.
pub async fn console(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let (secret, db, session) = staff(req, env, Need::Staff).await?;
    let now = now_ms();
    let state = crate::status::current(&db, now).await?;
    let ledger = store::ledger(&db, now).await.map_err(unavailable("staff: ledger"))?;
    let audit = if session.is_manager() {
        Some(
            store::audit_log(&db, Some(AUDIT_SHOWN))
                .await
                .map_err(unavailable("staff: audit log"))?,
        )
    } else {
        None
    };
    #[derive(serde::Deserialize)]
    struct Query {
        done: Option<String>,
    }
    let done = req.query::<Query>().ok().and_then(|q| q.done);
    let doors = published_table(env, lead_data::tables::TableId::ReferralsByDoor).await;
    let page = html::console_page(&Console {
        session: &session,
        csrf: &secret.csrf(&session.token_hash),
        state: &state,
        ledger: &ledger,
        audit: audit.as_deref(),
        done: done.as_deref(),
        doors: doors.as_ref(),
        now,
    });
    Ok(http::with_headers(
        http::html(200, page),
        &[("Cache-Control", "no-store")],
    ))
}

/// A published table, as the dashboards publish it; `None` (logged) if it
/// cannot be read: the console still shows everything else.
async fn published_table(env: &Env, table: lead_data::tables::TableId) -> Option<lead_data::published::TableFile> {
    let path = format!("/data/tables/{}", lead_data::published::table_file(table));
    match crate::assets::published(env, &path).await {
        Ok(Some(text)) => serde_json::from_str(&text)
            .map_err(|e| worker::console_warn!("staff: {path}: {e}"))
            .ok(),
        _ => None,
    }
}

/// `GET /api/staff/overview`: what the console shows, as JSON.
pub async fn overview(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let (secret, db, session) = staff(req, env, Need::Staff).await?;
    let now = now_ms();
    let state = crate::status::current(&db, now).await?;
    let ledger = store::ledger(&db, now).await.map_err(unavailable("staff: ledger"))?;
    let rule = &lead_content::intake().policy.intake.capacity;
    let body = serde_json::json!({
        "role": session.role.as_str(),
        "csrf": secret.csrf(&session.token_hash),
        "intake": {
            "status": state.notice.status.code(),
            "cause": state.notice.cause.code(),
            "override": state.manual.as_ref().map(|m| serde_json::json!({
                "status": m.state.status.code(),
                "until": crate::time::iso(m.state.until_ms),
                "in_force": m.state.until_ms > now,
                "reason": m.reason,
                "set_by": m.set_by,
            })),
            "capacity": state.capacity.as_ref().map(|c| serde_json::json!({
                "average_caseload": c.report.average_caseload,
                "highest_caseload": c.report.highest_caseload,
                "as_of": crate::time::iso(c.report.as_of_ms),
                "stale": c.report.is_stale(rule, now),
                "reported_by": if c.reported_by == "case_system" { "case_system" } else { "manager" },
            })),
        },
        "delivery": {
            "pending": ledger.pending,
            "delivered": ledger.delivered,
            "stuck": ledger.stuck,
            "oldest_pending_at": ledger.oldest_pending_at.map(crate::time::iso),
            "last_error": ledger.last_error.as_ref().map(|(r, e, at)| serde_json::json!({
                "reference": r, "error": e, "at": crate::time::iso(*at)
            })),
            "stuck_referrals": ledger.stuck_list.iter().map(|s| serde_json::json!({
                "reference": s.reference,
                "received_at": crate::time::iso(s.received_at as i64),
                "attempts": s.attempts as u64,
                "last_error": s.last_error,
            })).collect::<Vec<_>>(),
            "last_7_days": ledger.last_7_days,
            "last_30_days": ledger.last_30_days,
            "community_referrals_7_days": ledger.received_7,
            "community_referrals_30_days": ledger.received_30,
        },
    });
    Ok(http::with_headers(
        http::json(200, &body),
        &[("Cache-Control", "no-store")],
    ))
}

/// `POST /api/staff/intake`: a manager sets intake until a time.
pub async fn set_intake(req: &mut Request, env: &Env) -> Result<Response, ApiError> {
    let (db, session, input) = post::<OverrideInput>(req, env, Need::Manager).await?;
    let now = now_ms();
    let new = input.check(now).map_err(ApiError::Problems)?;
    let before = crate::status::current(&db, now).await?.notice.status;
    store::set_override(&db, &session, &new.state, &new.reason, before.code(), now)
        .await
        .map_err(unavailable("staff: set override"))?;
    Ok(done(
        req,
        "intake",
        serde_json::json!({
            "intake_status": new.state.status.code(),
            "until": crate::time::iso(new.state.until_ms),
        }),
    ))
}

/// `POST /api/staff/intake/end`: a manager ends the override now.
pub async fn end_intake(req: &mut Request, env: &Env) -> Result<Response, ApiError> {
    let (db, session, input) = post::<ReasonInput>(req, env, Need::Manager).await?;
    let why = reason(&input.reason, Lang::En).map_err(|p| ApiError::Problems(vec![p]))?;
    let now = now_ms();
    if !store::end_override(&db, &session, &why, now)
        .await
        .map_err(unavailable("staff: end override"))?
    {
        return Err(ApiError::NotFound);
    }
    let status = crate::status::current(&db, now).await?.notice.status;
    Ok(done(
        req,
        "intake_end",
        serde_json::json!({ "intake_status": status.code() }),
    ))
}

/// `POST /api/staff/capacity`: a manager enters caseloads (counted now,
/// unless `as_of` says when).
pub async fn enter_capacity(req: &mut Request, env: &Env) -> Result<Response, ApiError> {
    #[derive(serde::Deserialize)]
    struct Form {
        #[serde(default)]
        average_caseload: serde_json::Value,
        #[serde(default)]
        highest_caseload: serde_json::Value,
        #[serde(default)]
        as_of: Option<String>,
    }
    let (db, session, form) = post::<Form>(req, env, Need::Manager).await?;
    let now = now_ms();
    // A form sends numbers as text.
    let number = |v: &serde_json::Value| match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    let input = CapacityInput {
        average_caseload: number(&form.average_caseload),
        highest_caseload: number(&form.highest_caseload),
        as_of: Some(
            form.as_of
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| crate::time::iso(now)),
        ),
    };
    let report = input.check(now).map_err(ApiError::Problems)?;
    let id = format!(
        "manager:{}",
        crate::clt::random_token::<12>().ok_or(ApiError::Unavailable)?
    );
    store::enter_capacity(&db, &session, &id, &report, now)
        .await
        .map_err(unavailable("staff: enter capacity"))?;
    let status = crate::status::current(&db, now).await?.notice.status;
    Ok(done(
        req,
        "capacity",
        serde_json::json!({ "intake_status": status.code() }),
    ))
}

/// Wakes delivery of resent referrals at once (the sweep would within a
/// minute).
async fn wake(env: &Env, references: &[String]) {
    let Ok(queue) = env.queue(crate::config::DELIVERY_QUEUE) else {
        return;
    };
    for chunk in references.chunks(100) {
        if let Err(e) = queue.send_batch(chunk.to_vec()).await {
            worker::console_warn!("staff: resent referrals wait for the sweep: {e}");
        }
    }
}

/// `POST /api/staff/referrals/{reference}/resend`.
pub async fn resend(req: &mut Request, env: &Env, reference: &str) -> Result<Response, ApiError> {
    let (db, session, _) = post::<serde_json::Value>(req, env, Need::Manager).await?;
    let resent = store::resend(&db, &session, Some(reference), now_ms())
        .await
        .map_err(unavailable("staff: resend"))?;
    if resent.is_empty() {
        return Err(ApiError::NotFound);
    }
    wake(env, &resent).await;
    Ok(done(req, "resend", serde_json::json!({ "resent": resent })))
}

/// `POST /api/staff/referrals/resend-all`.
pub async fn resend_all(req: &mut Request, env: &Env) -> Result<Response, ApiError> {
    let (db, session, _) = post::<serde_json::Value>(req, env, Need::Manager).await?;
    let resent = store::resend(&db, &session, None, now_ms())
        .await
        .map_err(unavailable("staff: resend all"))?;
    wake(env, &resent).await;
    Ok(done(req, "resend_all", serde_json::json!({ "resent": resent })))
}

/// `GET /staff/people`: who signs in (managers).
pub async fn people(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let (secret, db, session) = staff(req, env, Need::Manager).await?;
    let people = store::people(&db).await.map_err(unavailable("staff: people"))?;
    #[derive(serde::Deserialize)]
    struct Query {
        done: Option<String>,
    }
    let done = req.query::<Query>().ok().and_then(|q| q.done);
    if Format::of(req) == Format::Json {
        let list: Vec<_> = people
            .iter()
            .map(|p| {
                serde_json::json!({
                    "id": p.id, "name": p.name, "organisation": p.organisation, "email": p.email,
                    "role": p.role, "active": p.revoked_at.is_none(),
                    "last_sign_in": p.last_sign_in.map(|t| crate::time::iso(t as i64)),
                    "comments": p.comments as u64,
                })
            })
            .collect();
        return Ok(http::json(200, &serde_json::json!({ "people": list })));
    }
    let page = html::people_page(
        &session,
        &secret.csrf(&session.token_hash),
        &people,
        done.as_deref(),
        now_ms(),
    );
    Ok(http::with_headers(
        http::html(200, page),
        &[("Cache-Control", "no-store")],
    ))
}

/// The link, shown once: a page, or JSON.
fn show_link(
    req: &Request,
    status: u16,
    name: &str,
    role: crate::clt::input::Role,
    link: &str,
    expires_at: i64,
) -> Response {
    let response = match Format::of(req) {
        Format::Json => http::json(
            status,
            &serde_json::json!({ "link": link, "expires_at": crate::time::iso(expires_at) }),
        ),
        Format::Page => http::html(status, html::invitation_page(name, role, link, expires_at)),
    };
    // The link signs someone in: never kept by a cache.
    http::with_headers(response, &[("Cache-Control", "no-store")])
}

/// `POST /api/staff/people`: a manager invites someone.
pub async fn invite(req: &mut Request, env: &Env) -> Result<Response, ApiError> {
    let (db, session, input) = post::<super::input::InviteInput>(req, env, Need::Manager).await?;
    let person = input.check().map_err(ApiError::Problems)?;
    let secret = crate::session::secret(env)?;
    let now = now_ms();
    let member_id = crate::clt::random_token::<12>().ok_or(ApiError::Unavailable)?;
    let (id, expires_at, link) = crate::clt::new_link(req, &secret, Lang::En, now + person.days * 86_400_000)?;
    let invited = store::invite(
        &db,
        &session,
        &person,
        &member_id,
        &store::Invitation { id: &id, expires_at },
        now,
    )
    .await
    .map_err(unavailable("staff: invite"))?;
    if invited == store::Invited::EmailTaken {
        return Err(ApiError::Problems(vec![crate::error::Problem {
            field: "email",
            message: format!("{} is already on the list: give them a new link there.", person.email),
        }]));
    }
    Ok(show_link(req, 201, &person.name, person.role, &link, expires_at))
}

/// `POST /api/staff/people/{id}/reinvite`: a new link; older unused ones
/// stop working, and a revoked person is restored.
pub async fn reinvite(req: &mut Request, env: &Env, member_id: &str) -> Result<Response, ApiError> {
    let (db, session, _) = post::<serde_json::Value>(req, env, Need::Manager).await?;
    let who = store::person(&db, member_id)
        .await
        .map_err(unavailable("staff: person"))?
        .ok_or(ApiError::NotFound)?;
    let secret = crate::session::secret(env)?;
    let now = now_ms();
    let (id, expires_at, link) =
        crate::clt::new_link(req, &secret, Lang::En, now + super::input::INVITATION_DAYS * 86_400_000)?;
    store::reinvite(&db, &session, &who, &store::Invitation { id: &id, expires_at }, now)
        .await
        .map_err(unavailable("staff: reinvite"))?;
    let role = crate::clt::input::Role::parse(&who.role).unwrap_or(crate::clt::input::Role::Member);
    Ok(show_link(req, 200, &who.name, role, &link, expires_at))
}

/// `POST /api/staff/people/{id}/revoke`: ends their access at once.
pub async fn revoke(req: &mut Request, env: &Env, member_id: &str) -> Result<Response, ApiError> {
    let (db, session, input) = post::<ReasonInput>(req, env, Need::Manager).await?;
    let why = reason(&input.reason, Lang::En).map_err(|p| ApiError::Problems(vec![p]))?;
    let who = store::person(&db, member_id)
        .await
        .map_err(unavailable("staff: person"))?
        .ok_or(ApiError::NotFound)?;
    if who.id == session.member_id {
        return Err(ApiError::Problems(vec![crate::error::Problem {
            field: "id",
            message: "You cannot revoke your own access; ask another manager.".into(),
        }]));
    }
    store::revoke(&db, &session, &who, &why, now_ms())
        .await
        .map_err(unavailable("staff: revoke"))?;
    Ok(match Format::of(req) {
        Format::Json => http::json(200, &serde_json::json!({ "revoked": who.id })),
        Format::Page => http::see_other("/staff/people?done=revoke"),
    })
}

/// `GET /api/staff/feedback.csv`: every CLT comment with the program's
/// reply, for the policy group (staff).
pub async fn feedback_csv(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let (_, db, _) = staff(req, env, Need::Staff).await?;
    let rows = store::feedback(&db).await.map_err(unavailable("staff: feedback"))?;
    let time = |t: Option<f64>| t.map(|t| crate::time::iso(t as i64)).unwrap_or_default();
    let records = rows.iter().map(|c| {
        vec![
            c.id.clone(),
            crate::time::iso(c.created_at as i64),
            c.organisation.clone(),
            c.member.clone(),
            c.page.clone(),
            c.chart.clone(),
            c.period.clone(),
            c.data_point.clone().unwrap_or_default(),
            c.kind.clone(),
            c.body.clone(),
            c.publish.clone(),
            c.data_version.clone(),
            if c.approved_at.is_some() { "yes" } else { "no" }.to_owned(),
            c.reply_status.clone().unwrap_or_default(),
            c.reply_body.clone().unwrap_or_default(),
            c.reply_reason.clone().unwrap_or_default(),
            time(c.replied_at),
        ]
    });
    csv_download(
        &[
            "id",
            "created",
            "organisation",
            "member",
            "page",
            "chart",
            "period",
            "data_point",
            "kind",
            "body",
            "publish",
            "data_version",
            "published",
            "reply_status",
            "reply_body",
            "reply_reason",
            "replied",
        ],
        records,
        "clt-feedback.csv",
    )
}

/// A CSV download: the header, then each record, every cell guarded.
fn csv_download(header: &[&str], records: impl Iterator<Item = Vec<String>>, name: &str) -> Result<Response, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(header.iter().map(|h| cell(h)))
        .map_err(|_| ApiError::Unavailable)?;
    for record in records {
        writer
            .write_record(record.iter().map(|v| cell(v)))
            .map_err(|_| ApiError::Unavailable)?;
    }
    let bytes = writer.into_inner().map_err(|_| ApiError::Unavailable)?;
    let text = String::from_utf8(bytes).map_err(|_| ApiError::Unavailable)?;
    let response = Response::ok(text).map_err(unavailable("staff: csv response"))?;
    Ok(http::with_headers(
        response,
        &[
            ("Content-Type", "text/csv; charset=utf-8"),
            ("Content-Disposition", &format!("attachment; filename=\"{name}\"")),
            ("Cache-Control", "no-store"),
        ],
    ))
}

/// A CSV cell a spreadsheet will not run as a formula, without control or
/// bidirectional-override characters (which could make a cell read other
/// than it is).
fn cell(text: &str) -> String {
    let clean = lead_content::referral::strip_invisible(text);
    if clean.starts_with(['=', '+', '-', '@']) {
        format!("'{clean}")
    } else {
        clean
    }
}

/// `GET /api/staff/audit.csv`: the whole audit log, newest first.
pub async fn audit_csv(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let (_, db, _) = staff(req, env, Need::Manager).await?;
    let lines = store::audit_log(&db, None)
        .await
        .map_err(unavailable("staff: audit log"))?;
    let records = lines.iter().map(|l| {
        vec![
            crate::time::iso(l.at as i64),
            l.actor_name.clone(),
            l.action.clone(),
            l.subject.clone().unwrap_or_default(),
            l.from_value.clone().unwrap_or_default(),
            l.to_value.clone().unwrap_or_default(),
            l.reason.clone().unwrap_or_default(),
        ]
    });
    csv_download(
        &["at", "who", "action", "subject", "from", "to", "reason"],
        records,
        "audit-log.csv",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_run_as_formulas() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("@SUM"), "'@SUM");
        assert_eq!(cell("Staff\u{7} training"), "Staff training");
        assert_eq!(
            cell("paused until 2026-12-01T00:00:00Z"),
            "paused until 2026-12-01T00:00:00Z"
        );
    }
}
