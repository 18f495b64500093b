//! The Community Leadership Team's routes, as the worker's routing table
//! calls them. A form post (no JavaScript) gets a page or a 303 back to
//! where the member was; a JSON request gets JSON ([`Format`]). Every
//! endpoint answers 401 without a session, 403 for a revoked one or the
//! wrong role, and 403 for a post from another site or without the
//! session's CSRF token; errors are [`ApiError`]s like any route's.

use std::collections::HashMap;

use lead_content::Lang;
use lead_data::paths;
use lead_data::Period;
use serde::de::DeserializeOwned;
use worker::{D1Database, Env, Request, Response};

use super::html::{self, Versions};
use super::input::{CommentInput, NewComment, Reply, ReplyInput, Subject, PROGRAM, WHOLE_PAGE};
use super::store::{self, Approval, Session};
use super::{clear_cookie, random_token, set_cookie, Secret, SIGN_IN_WINDOW_SECONDS};
use crate::crypto::sha256_hex;
use crate::error::{ApiError, Limited};
use crate::http::{self, Format};
use crate::session::{authenticate, check_origin, check_post, db, page_number, problem, read, secret, signed_in};
use crate::time::now_ms;
use crate::{assets, config, limit};

/// A chart's published CSV for a period (what a comment is made on).
async fn chart_csv(env: &Env, page: &str, chart: &str, period: &str) -> Result<Option<String>, ApiError> {
    let Ok(period) = period.parse() else {
        return Ok(None);
    };
    assets::published(env, &paths::chart_csv(page, period, chart)).await
}

/// The current data version of every chart and period these comments are
/// on (comments on a page as a whole or on the program have no figures).
async fn versions(env: &Env, comments: &[&store::Comment]) -> Result<Versions, ApiError> {
    let mut out = Versions::new();
    for c in comments.iter().filter(|c| c.has_figures()) {
        let key = (c.page.clone(), c.chart.clone(), c.period.clone());
        if let std::collections::hash_map::Entry::Vacant(slot) = out.entry(key) {
            let csv = chart_csv(env, &c.page, &c.chart, &c.period).await?;
            slot.insert(csv.map(|t| sha256_hex(t.as_bytes())));
        }
    }
    Ok(out)
}

fn member_json(session: &Session, csrf: &str) -> serde_json::Value {
    serde_json::json!({
        "name": session.name,
        "organisation": session.organisation,
        "role": session.role.as_str(),
        "csrf": csrf,
    })
}

fn comment_json(c: &store::Comment, versions: &Versions) -> serde_json::Value {
    let current = versions.get(&(c.page.clone(), c.chart.clone(), c.period.clone()));
    let (page, chart, period, topic) = match c.subject() {
        Some(Subject::Program(topic)) => (None, None, None, Some(topic.as_str())),
        Some(Subject::Page { .. }) => (Some(&c.page), None, Some(&c.period), None),
        _ => (Some(&c.page), Some(&c.chart), Some(&c.period), None),
    };
    serde_json::json!({
        "id": c.id,
        "topic": topic,
        "page": page,
        "chart": chart,
        "period": period,
        "data_point": c.data_point,
        "kind": c.kind.as_str(),
        "body": c.body,
        "publish": c.publish.as_str(),
        "organisation": c.organisation,
        "data_version": c.data_version,
        "figures_changed": c.has_figures() && !matches!(current, Some(Some(v)) if *v == c.data_version),
        "figures": c.figures,
        "created_at": crate::time::iso(c.created_at as i64),
        "reply": c.reply_status.map(|status| serde_json::json!({
            "status": status.as_str(),
            "body": c.reply_body,
            "reason": c.reply_reason,
            "replied_at": c.replied_at.map(|t| crate::time::iso(t as i64)),
        })),
        // The replies the newest one replaced, oldest first.
        "earlier_replies": c.earlier_replies().iter().map(|r| serde_json::json!({
            "status": r.status.as_str(),
            "body": r.body,
            "reason": r.reason,
            "replied_at": crate::time::iso(r.replied_at as i64),
        })).collect::<Vec<_>>(),
        "approved": c.approved_at.is_some(),
    })
}

/// `GET /{lang}/clt/join?i=…`: the page an invitation link opens.
pub fn join_page(req: &Request, lang: Lang) -> Result<Response, ApiError> {
    #[derive(serde::Deserialize)]
    struct Query {
        i: Option<String>,
    }
    let token = req.query::<Query>().ok().and_then(|q| q.i).unwrap_or_default();
    Ok(http::html(200, html::join_page(lang, &token)))
}

/// `POST /api/clt/join`: spends an invitation and starts a session.
pub async fn join(req: &mut Request, env: &Env, lang: Lang) -> Result<Response, ApiError> {
    let secret = secret(env)?;
    check_origin(req)?;
    let db = db(env)?;
    let client = secret.fingerprint(&limit::client(req));
    let most = config::clt_limits(env).sign_in;
    limit::enforce(&db, Limited::SignIns, &client, SIGN_IN_WINDOW_SECONDS, most).await?;
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default)]
        invitation: String,
    }
    let (body, _) = read::<Body>(req).await?;
    let now = now_ms();
    let id = secret
        .check_invitation(&body.invitation, now)
        .map_err(ApiError::Invitation)?;
    let token = random_token::<32>().ok_or(ApiError::Unavailable)?;
    let token_hash = sha256_hex(token.as_bytes());
    store::redeem(&db, &id, &token_hash, now)
        .await
        .map_err(ApiError::unavailable("clt: redeem"))?
        .map_err(ApiError::Invitation)?;
    let cookie = set_cookie(&token);
    let session = store::session(&db, &token_hash)
        .await
        .map_err(ApiError::unavailable("clt: session"))?
        .ok_or(ApiError::Unavailable)?;
    let response = match Format::of(req) {
        Format::Json => http::json(200, &member_json(&session, &secret.csrf(&token_hash))),
        // A manager runs the portal from the console.
        Format::Page if session.is_manager() => http::see_other("/staff/"),
        Format::Page => http::see_other(&html::at(lang, "")),
    };
    Ok(http::with_headers(response, &[("Set-Cookie", &cookie)]))
}

/// A list page as JSON: the comments, and the next page if there is one.
fn page_json(page: &store::Page, number: usize, comments: Vec<serde_json::Value>) -> serde_json::Value {
    serde_json::json!({
        "comments": comments,
        "page": number,
        "next_page": page.more.then_some(number + 1),
    })
}

async fn moderator(req: &Request, env: &Env) -> Result<(Secret, D1Database, Session), ApiError> {
    let (secret, db, session) = signed_in(req, env).await?;
    if !session.is_moderator() {
        return Err(ApiError::ModeratorsOnly);
    }
    Ok((secret, db, session))
}

/// `GET /{lang}/clt/`: the member's own comments and the program's replies.
pub async fn home(req: &Request, env: &Env, lang: Lang) -> Result<Response, ApiError> {
    let (secret, db, session) = signed_in(req, env).await?;
    let number = page_number(req);
    let page = store::comments_of(&db, &session.member_id, number)
        .await
        .map_err(ApiError::unavailable("clt: comments"))?;
    let versions = versions(env, &page.comments.iter().collect::<Vec<_>>()).await?;
    let seen = store::replies_seen(&db, &session.member_id, now_ms())
        .await
        .map_err(ApiError::unavailable("clt: last visit"))?;
    let body = html::home_page(
        lang,
        &session,
        &secret.csrf(&session.token_hash),
        &page.comments,
        &versions,
        seen,
    );
    Ok(http::html(
        200,
        html::with_pages(&body, lang, &html::at(lang, ""), number, page.more),
    ))
}

/// `GET /{lang}/clt/moderate`: every comment, for moderators.
pub async fn moderate(req: &Request, env: &Env, lang: Lang) -> Result<Response, ApiError> {
    let (secret, db, session) = moderator(req, env).await?;
    queue_page(req, env, lang, (&secret, &db, &session), None).await
}

/// The moderation queue; `kept`, a reply sent back to be corrected, fills
/// its comment's form.
async fn queue_page(
    req: &Request,
    env: &Env,
    lang: Lang,
    (secret, db, session): (&Secret, &D1Database, &Session),
    kept: Option<&html::KeptReply<'_>>,
) -> Result<Response, ApiError> {
    let number = page_number(req);
    let waiting = waiting_only(req);
    let page = store::all_comments(db, number, waiting)
        .await
        .map_err(ApiError::unavailable("clt: queue"))?;
    let versions = versions(env, &page.comments.iter().collect::<Vec<_>>()).await?;
    #[derive(serde::Deserialize)]
    struct Done {
        done: Option<String>,
    }
    let done = req.query::<Done>().ok().and_then(|q| q.done);
    let body = html::moderate_page(
        lang,
        session,
        &secret.csrf(&session.token_hash),
        &page.comments,
        &versions,
        waiting,
        done.as_deref().and_then(|d| d.split_once('-')),
        kept,
    );
    let path = html::at(lang, if waiting { "moderate?show=waiting" } else { "moderate" });
    Ok(http::html(200, html::with_pages(&body, lang, &path, number, page.more)))
}

/// `?show=waiting`: only the comments without a reply yet.
fn waiting_only(req: &Request) -> bool {
    #[derive(serde::Deserialize)]
    struct Query {
        show: Option<String>,
    }
    req.query::<Query>().ok().and_then(|q| q.show).as_deref() == Some("waiting")
}

/// `POST /api/clt/signout`.
pub async fn sign_out(req: &mut Request, env: &Env, lang: Lang) -> Result<Response, ApiError> {
    let (secret, db, session) = signed_in(req, env).await?;
    let (_, csrf) = read::<serde_json::Value>(req).await?;
    check_post(req, &secret, &session, csrf.as_deref())?;
    store::end_session(&db, &session.token_hash)
        .await
        .map_err(ApiError::unavailable("clt: sign out"))?;
    let response = match Format::of(req) {
        Format::Json => http::json(200, &serde_json::json!({ "signed_out": true })),
        Format::Page => http::see_other(&html::at(lang, "signed-out")),
    };
    Ok(http::with_headers(response, &[("Set-Cookie", &clear_cookie())]))
}

/// `GET /{lang}/clt/signout`: what signing out means (a new link is needed
/// to come back), and the button that does it.
pub async fn sign_out_page(req: &Request, env: &Env, lang: Lang) -> Result<Response, ApiError> {
    let (secret, _, session) = signed_in(req, env).await?;
    Ok(http::html(
        200,
        html::sign_out_page(lang, &secret.csrf(&session.token_hash)),
    ))
}

/// `GET /{lang}/clt/signed-out`: said so, with how to come back.
pub fn signed_out_page(lang: Lang) -> Response {
    http::html(200, html::signed_out_page(lang))
}

/// How long a link for another device works.
pub const DEVICE_LINK_MINUTES: i64 = 15;

/// `POST /api/clt/devices`: a single-use link, valid for
/// [`DEVICE_LINK_MINUTES`], that signs the same person in on another
/// device, so nobody needs the program manager to sign in on a phone.
pub async fn add_device(req: &mut Request, env: &Env, lang: Lang) -> Result<Response, ApiError> {
    let (secret, db, session) = signed_in(req, env).await?;
    let (_, csrf) = read::<serde_json::Value>(req).await?;
    check_post(req, &secret, &session, csrf.as_deref())?;
    // As many new devices an hour as sign-ins a client may make.
    let key = secret.fingerprint(&format!("device|{}", session.member_id));
    let most = config::clt_limits(env).sign_in;
    limit::enforce(&db, Limited::SignIns, &key, SIGN_IN_WINDOW_SECONDS, most).await?;
    let now = now_ms();
    let (id, expires_at, link) = super::new_link(req, &secret, lang, now + DEVICE_LINK_MINUTES * 60_000)?;
    store::device_link(&db, &session.member_id, &id, expires_at, now)
        .await
        .map_err(ApiError::unavailable("clt: device link"))?;
    let response = match Format::of(req) {
        Format::Json => http::json(
            201,
            &serde_json::json!({ "link": link, "expires_at": crate::time::iso(expires_at) }),
        ),
        Format::Page => http::html(201, html::device_page(lang, &link)),
    };
    // The link signs someone in: never kept by a cache.
    Ok(http::with_headers(response, &[("Cache-Control", "no-store")]))
}

/// `GET /api/clt/me`: who is signed in, and the session's CSRF token.
pub async fn me(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let (secret, _, session) = signed_in(req, env).await?;
    Ok(http::json(
        200,
        &member_json(&session, &secret.csrf(&session.token_hash)),
    ))
}

/// `GET /api/clt/comments`: the member's own comments, a page at a time.
pub async fn my_comments(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let (_, db, session) = signed_in(req, env).await?;
    let number = page_number(req);
    let page = store::comments_of(&db, &session.member_id, number)
        .await
        .map_err(ApiError::unavailable("clt: comments"))?;
    let versions = versions(env, &page.comments.iter().collect::<Vec<_>>()).await?;
    let list: Vec<_> = page.comments.iter().map(|c| comment_json(c, &versions)).collect();
    Ok(http::json(200, &page_json(&page, number, list)))
}

/// `GET /api/clt/queue`: every comment, unanswered first, for moderators.
pub async fn queue(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let (_, db, _) = moderator(req, env).await?;
    let number = page_number(req);
    let page = store::all_comments(&db, number, waiting_only(req))
        .await
        .map_err(ApiError::unavailable("clt: queue"))?;
    let versions = versions(env, &page.comments.iter().collect::<Vec<_>>()).await?;
    let list: Vec<_> = page
        .comments
        .iter()
        .map(|c| {
            let mut json = comment_json(c, &versions);
            json["member"] = c.member_name.clone().into();
            json
        })
        .collect();
    Ok(http::json(200, &page_json(&page, number, list)))
}

/// `POST /api/clt/comments`: a member's comment on a published chart.
pub async fn post_comment(req: &mut Request, env: &Env, lang: Lang) -> Result<Response, ApiError> {
    let page_post = Format::of(req) == Format::Page;
    let auth = signed_in(req, env).await;
    let (input, csrf) = read::<CommentInput>(req).await?;
    // A comment typed while the session ended is not lost: the page shows
    // it back, with how to sign in.
    let (secret, db, session) = match auth {
        Ok(signed_in) => signed_in,
        Err(ApiError::NotSignedIn) if page_post => {
            return Ok(http::html(401, html::comment_kept_page(lang, &input)));
        }
        Err(e) => return Err(e),
    };
    check_post(req, &secret, &session, csrf.as_deref())?;
    let comment = match NewComment::parse(input.clone(), lang) {
        Ok(comment) => comment,
        // Without JavaScript: the page the form was on again, the form
        // open with what was written and each problem beside its field.
        Err(problems) if page_post => {
            let path = if input.topic.is_empty() {
                let Some(period) = input.period.parse::<lead_data::Period>().ok() else {
                    return Err(ApiError::Problems(problems));
                };
                paths::dashboard_page(lang, &input.page, period)
            } else {
                paths::dashboards(lang)
            };
            let kept = html::Kept {
                input: &input,
                problems: &problems,
            };
            let mut page = dashboard_page(req, env, &path, Some(&kept)).await?;
            if page.status_code() == 200 {
                page = page.with_status(422);
            }
            return Ok(page);
        }
        Err(problems) => return Err(ApiError::Problems(problems)),
    };
    // A chart's comment keeps the figures it was made on; a page's needs
    // the page to be published.
    let figures = match &comment.subject {
        Subject::Chart { page, chart, period } => assets::published(env, &paths::chart_csv(page, *period, chart))
            .await?
            .ok_or_else(|| problem("chart", lead_content::clt().problem_no_chart.get(lang).to_owned()))?,
        Subject::Page { page, period } => {
            assets::published(env, &paths::dashboard_page(lang, page, *period))
                .await?
                .ok_or_else(|| problem("chart", lead_content::clt().problem_no_page.get(lang).to_owned()))?;
            String::new()
        }
        Subject::Program(_) => String::new(),
    };
    let data_version = if figures.is_empty() {
        String::new()
    } else {
        sha256_hex(figures.as_bytes())
    };
    // Counted only for comments that would be stored: a correction does
    // not use up the hour's allowance.
    let limits = config::clt_limits(env);
    limit::enforce(
        &db,
        Limited::Comments,
        &session.member_id,
        3600,
        limits.comments_per_hour,
    )
    .await?;
    let id = random_token::<12>().ok_or(ApiError::Unavailable)?;
    store::insert_comment(
        &db,
        &store::Stored {
            id: &id,
            member_id: &session.member_id,
            comment: &comment,
            data_version: &data_version,
            figures: &figures,
            now: now_ms(),
        },
    )
    .await
    .map_err(ApiError::unavailable("clt: insert comment"))?;
    Ok(match Format::of(req) {
        Format::Json => http::json(201, &serde_json::json!({ "id": id })),
        Format::Page => {
            // Back to the form's place, which thanks the member.
            let (path, slot) = match &comment.subject {
                Subject::Chart { page, chart, period } => (paths::dashboard_page(lang, page, *period), chart.as_str()),
                Subject::Page { page, period } => (paths::dashboard_page(lang, page, *period), WHOLE_PAGE),
                Subject::Program(_) => (paths::dashboards(lang), PROGRAM),
            };
            http::see_other(&format!("{path}?commented={slot}#sent-{slot}"))
        }
    })
}

/// A moderator's post: the session, checked, and what was sent.
async fn moderator_post<T: DeserializeOwned>(
    req: &mut Request,
    env: &Env,
) -> Result<(D1Database, Session, T), ApiError> {
    let (secret, db, session) = signed_in(req, env).await?;
    let (input, csrf) = read::<T>(req).await?;
    check_post(req, &secret, &session, csrf.as_deref())?;
    if !session.is_moderator() {
        return Err(ApiError::ModeratorsOnly);
    }
    Ok((db, session, input))
}

/// `POST /api/clt/comments/{id}/reply`.
pub async fn post_reply(req: &mut Request, env: &Env, id: &str, lang: Lang) -> Result<Response, ApiError> {
    let (db, session, input) = moderator_post::<ReplyInput>(req, env).await?;
    let reply = match Reply::parse(input.clone(), lang) {
        Ok(reply) => reply,
        // Without JavaScript: the queue again, this reply's form with what
        // was written and each problem beside its field.
        Err(problems) if Format::of(req) == Format::Page => {
            let secret = secret(env)?;
            let kept = html::KeptReply {
                id,
                input: &input,
                problems: &problems,
            };
            let page = queue_page(req, env, lang, (&secret, &db, &session), Some(&kept)).await?;
            return Ok(page.with_status(422));
        }
        Err(problems) => return Err(ApiError::Problems(problems)),
    };
    if !store::reply(&db, id, &reply, &session, now_ms())
        .await
        .map_err(ApiError::unavailable("clt: reply"))?
    {
        return Err(ApiError::NotFound);
    }
    Ok(match Format::of(req) {
        Format::Json => http::json(200, &serde_json::json!({ "id": id, "status": reply.status.as_str() })),
        Format::Page => http::see_other(&html::at(lang, &format!("moderate?done=reply-{id}#comment-{id}"))),
    })
}

/// `POST /api/clt/comments/{id}/unpublish`: withdraws a published comment
/// from beside its chart, with a reason for the audit log.
pub async fn post_unpublish(req: &mut Request, env: &Env, id: &str, lang: Lang) -> Result<Response, ApiError> {
    let (db, session, input) = moderator_post::<crate::staff::input::ReasonInput>(req, env).await?;
    let why = crate::staff::input::reason(&input.reason, lang).map_err(|p| ApiError::Problems(vec![p]))?;
    if !store::unpublish(&db, id, &session, &why, now_ms())
        .await
        .map_err(ApiError::unavailable("clt: unpublish"))?
    {
        return Err(ApiError::NotFound);
    }
    Ok(match Format::of(req) {
        Format::Json => http::json(200, &serde_json::json!({ "id": id, "approved": false })),
        Format::Page => http::see_other(&html::at(lang, &format!("moderate?done=unpublish-{id}#comment-{id}"))),
    })
}

/// `POST /api/clt/comments/{id}/approve`.
pub async fn post_approve(req: &mut Request, env: &Env, id: &str, lang: Lang) -> Result<Response, ApiError> {
    let (db, session, _) = moderator_post::<serde_json::Value>(req, env).await?;
    match store::approve(&db, id, &session, now_ms())
        .await
        .map_err(ApiError::unavailable("clt: approve"))?
    {
        Approval::Approved => Ok(match Format::of(req) {
            Format::Json => http::json(200, &serde_json::json!({ "id": id, "approved": true })),
            Format::Page => http::see_other(&html::at(lang, &format!("moderate?done=approve-{id}#comment-{id}"))),
        }),
        Approval::NotFound => Err(ApiError::NotFound),
        Approval::NotPublishable => Err(ApiError::NotPublishable),
        Approval::OwnComment => Err(ApiError::OwnComment),
    }
}

/// `GET /{lang}/data/…`: a dashboard page with the community commentary beside
/// each chart and, for a signed-in member, the comment form.
pub async fn dashboard(req: &Request, env: &Env, path: &str) -> Result<Response, ApiError> {
    dashboard_page(req, env, path, None).await
}

/// A dashboard page with its commentary and, for a member, the comment
/// forms; `kept`, a comment sent back to be corrected, fills its chart's.
async fn dashboard_page(
    req: &Request,
    env: &Env,
    path: &str,
    kept: Option<&html::Kept<'_>>,
) -> Result<Response, ApiError> {
    // A dashboard page, or the dashboards' front page (whose commentary is
    // on the program as a whole).
    // The dashboards' language is their path's (`/en/data/…`, `/es/data/…`).
    let front = paths::parse_dashboards(path);
    let Some((lang, slug, period)) =
        paths::parse_dashboard_page(path).or(front.map(|lang| (lang, PROGRAM, Period::All)))
    else {
        return assets::pass_through(req, env).await;
    };
    // The front page as the site wrote it (`/en/data` is `/en/data/`).
    let front_path = front.map(paths::dashboards);
    let path = front_path.as_deref().unwrap_or(path);
    let front = front.is_some();
    let mut page = assets::fetch(env, path).await?;
    if page.status_code() != 200 {
        return Ok(page);
    }
    let text = page
        .text()
        .await
        .map_err(ApiError::unavailable("clt: dashboard page"))?;
    let db = db(env)?;
    let approved = store::approved_on_page(&db, slug).await.unwrap_or_else(|e| {
        worker::console_error!("clt: commentary unavailable: {e}");
        Vec::new()
    });
    let approved: Vec<&store::Comment> = approved.iter().collect();
    let versions = versions(env, &approved).await.unwrap_or_default();
    // Each comment in its slot: its chart's, the page's, the program's.
    let mut by_slot: HashMap<&str, Vec<&store::Comment>> = HashMap::new();
    for c in &approved {
        let slot = if front { PROGRAM } else { c.chart.as_str() };
        by_slot.entry(slot).or_default().push(c);
    }
    // A member's form only with a live session; anyone else sees the page.
    let member = match (secret(env), authenticate(req, &db).await) {
        (Ok(secret), Ok(session)) => Some((secret.csrf(&session.token_hash), session)),
        _ => None,
    };
    let form_csrf = member.as_ref().map(|(csrf, _)| csrf.clone());
    #[derive(serde::Deserialize)]
    struct Query {
        commented: Option<String>,
    }
    let commented = req.query::<Query>().ok().and_then(|q| q.commented);
    let period = period.to_string();
    let body = html::inject(&text, |slot, about| {
        let mut out = String::new();
        if form_csrf.is_some() && commented.as_deref() == Some(slot) {
            out.push_str(&html::comment_sent(lang, slot));
        }
        out.push_str(&html::commentary(
            by_slot.get(slot).map(Vec::as_slice).unwrap_or(&[]),
            &versions,
            lang,
        ));
        if let Some(csrf) = &form_csrf {
            let kept = kept.filter(|k| k.slot() == slot);
            out.push_str(&html::comment_form(lang, slug, slot, &period, about, csrf, kept));
        }
        html::slot_section(slot, lang, out)
    });
    // A signed-in member sees who they are and the way to their comments.
    let body = match &member {
        Some((_, session)) => html::after_main_opens(&body, &html::member_bar(session, lang)),
        None => body,
    };
    let body = if front {
        crate::status::with_record(env, &db, body, lang, now_ms()).await
    } else {
        body
    };
    Ok(http::html(200, body))
}
