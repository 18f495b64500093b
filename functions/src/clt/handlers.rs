//! CLT requests. A form post (no JavaScript) gets a page or a 303 back to
//! where the member was; a JSON request gets JSON. Every endpoint answers 401
//! without a session, 403 for a revoked one or the wrong role, and 403 for a
//! post from another site or without the session's CSRF token.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use worker::{D1Database, Env, Headers, Method, Request, Response};

use super::html::{self, Versions};
use super::store::{self, Approval, Session};
use super::{
    clear_cookie, random_token, same_origin, session_token, set_cookie, sha256_hex, CommentInput, InvitationError,
    Problem, ReplyInput, Secret, SIGN_IN_WINDOW_SECONDS,
};
use crate::config;
use crate::limit;
use crate::time::now_ms;

/// The CLT's secret setting (invitations and CSRF tokens).
pub const CLT_SECRET: &str = "CLT_SECRET";

#[derive(Debug)]
pub enum CltError {
    /// No session, an unknown token or an expired session.
    Unauthenticated,
    /// A revoked member or session.
    Revoked,
    /// A member where a moderator is needed.
    WrongRole,
    /// A post from another site, or without the session's CSRF token.
    CrossSite,
    Invalid(Vec<Problem>),
    Invitation(InvitationError),
    RateLimited(u32),
    /// Over the member's comments per hour; seconds until the window ends.
    TooManyComments(u32),
    NotFound,
    NotPublishable,
    UnsupportedMediaType,
    /// The body is over the limit (bytes); nothing past it was read.
    TooLarge(usize),
    /// `CLT_SECRET` is not set: the CLT is closed.
    NotConfigured,
    Unavailable,
}

impl CltError {
    pub fn status(&self) -> u16 {
        match self {
            CltError::Unauthenticated => 401,
            CltError::Revoked | CltError::WrongRole | CltError::CrossSite => 403,
            CltError::Invalid(_) => 422,
            CltError::Invitation(InvitationError::Invalid) => 400,
            CltError::Invitation(_) => 410,
            CltError::RateLimited(_) | CltError::TooManyComments(_) => 429,
            CltError::NotFound => 404,
            CltError::NotPublishable => 409,
            CltError::UnsupportedMediaType => 415,
            CltError::TooLarge(_) => 413,
            CltError::NotConfigured | CltError::Unavailable => 503,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            CltError::Unauthenticated => "not_signed_in",
            CltError::Revoked => "revoked",
            CltError::WrongRole => "moderators_only",
            CltError::CrossSite => "cross_site",
            CltError::Invalid(_) => "invalid",
            CltError::Invitation(InvitationError::Invalid) => "invitation_invalid",
            CltError::Invitation(InvitationError::Expired) => "invitation_expired",
            CltError::Invitation(InvitationError::Used) => "invitation_used",
            CltError::RateLimited(_) | CltError::TooManyComments(_) => "rate_limited",
            CltError::NotFound => "not_found",
            CltError::NotPublishable => "not_publishable",
            CltError::UnsupportedMediaType => "unsupported_media_type",
            CltError::TooLarge(_) => "too_large",
            CltError::NotConfigured => "clt_closed",
            CltError::Unavailable => "unavailable",
        }
    }

    fn message(&self) -> String {
        match self {
            CltError::Unauthenticated => "Sign in with the invitation link the program manager sent you.".into(),
            CltError::Revoked => "Your access to the Community Leadership Team has ended. Ask the program manager if this is a mistake.".into(),
            CltError::WrongRole => "Only moderators can do this.".into(),
            CltError::CrossSite => "This request did not come from the portal's own pages, so it was refused. Go back, reload the page and try again.".into(),
            CltError::Invalid(problems) => problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join(" "),
            CltError::Invitation(InvitationError::Invalid) => "This invitation link is not valid. Check that the whole link was copied, or ask the program manager for a new one.".into(),
            CltError::Invitation(InvitationError::Expired) => "This invitation has expired. Ask the program manager for a new one.".into(),
            CltError::Invitation(InvitationError::Used) => "This invitation has already been used. Ask the program manager for a new one if you need to sign in again.".into(),
            CltError::RateLimited(s) => format!("Too many sign-in attempts. Try again in {s} seconds."),
            CltError::TooManyComments(s) => format!(
                "You have sent as many comments as one member can in an hour; nothing was lost from your earlier ones. Try again in {} minutes.",
                s.div_ceil(60)
            ),
            CltError::NotFound => "There is no such comment.".into(),
            CltError::NotPublishable => "The member kept this comment for the program only, so it cannot be published.".into(),
            CltError::UnsupportedMediaType => "Send a form or JSON.".into(),
            CltError::TooLarge(limit) => format!("The request is larger than {limit} bytes, so it was not read."),
            CltError::NotConfigured => "The Community Leadership Team pages are not set up on this site.".into(),
            CltError::Unavailable => "Something went wrong on our side; nothing was changed. Please try again.".into(),
        }
    }

    fn title(&self) -> &'static str {
        match self {
            CltError::Unauthenticated => "Please sign in",
            CltError::Invitation(_) => "This invitation cannot be used",
            CltError::Invalid(_) => "Please correct your comment",
            CltError::TooManyComments(_) => "Please wait before commenting again",
            _ => "Not allowed",
        }
    }

    fn json(&self) -> serde_json::Value {
        let mut body = serde_json::json!({ "error": self.code(), "message": self.message() });
        if let CltError::Invalid(problems) = self {
            body["errors"] = serde_json::to_value(problems).unwrap_or_default();
        }
        if let CltError::RateLimited(s) | CltError::TooManyComments(s) = self {
            body["retry_after"] = (*s).into();
        }
        body
    }
}

fn unavailable<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> CltError {
    move |e| {
        worker::console_error!("clt: {what}: {e}");
        CltError::Unavailable
    }
}

/// Whether the client wants JSON: a JSON body, `Accept: application/json`,
/// or a GET of an `/api/` path. Form posts get pages.
fn wants_json(req: &Request) -> bool {
    let header = |name: &str| req.headers().get(name).ok().flatten().unwrap_or_default();
    header("Content-Type").starts_with("application/json")
        || header("Accept").starts_with("application/json")
        || (req.method() == Method::Get && req.path().starts_with("/api/"))
}

fn respond_json(status: u16, body: &serde_json::Value) -> Response {
    Response::from_json(body)
        .map(|r| r.with_status(status))
        .unwrap_or_else(|_| Response::empty().expect("empty response"))
}

fn respond_html(status: u16, body: String) -> Response {
    Response::from_html(body)
        .map(|r| r.with_status(status))
        .unwrap_or_else(|_| Response::empty().expect("empty response"))
}

fn redirect(location: &str, cookie: Option<&str>) -> Response {
    let headers = Headers::new();
    let _ = headers.set("Location", location);
    if let Some(cookie) = cookie {
        let _ = headers.set("Set-Cookie", cookie);
    }
    Response::empty()
        .map(|r| r.with_status(303).with_headers(headers))
        .unwrap_or_else(|_| respond_html(303, String::new()))
}

fn error_response(req: &Request, e: &CltError) -> Response {
    let response = if wants_json(req) {
        respond_json(e.status(), &e.json())
    } else {
        respond_html(e.status(), html::message_page(e.title(), &e.message()))
    };
    match e {
        CltError::RateLimited(s) | CltError::TooManyComments(s) => {
            crate::headers::with_set(response, &[("Retry-After", &s.to_string())])
        }
        _ => response,
    }
}

fn secret(env: &Env) -> Result<Secret, CltError> {
    config::text(env, CLT_SECRET)
        .and_then(|s| Secret::new(&s))
        .ok_or(CltError::NotConfigured)
}

fn db(env: &Env) -> Result<D1Database, CltError> {
    env.d1(config::DB).map_err(unavailable("no database"))
}

/// A request body as form fields or JSON, into `T`; the CSRF token if sent.
async fn read<T: DeserializeOwned>(req: &mut Request) -> Result<(T, Option<String>), CltError> {
    let content_type = req.headers().get("Content-Type").ok().flatten().unwrap_or_default();
    let bytes = crate::body::read(req, config::MAX_BODY_BYTES)
        .await
        .map_err(|e| match e {
            crate::body::BodyError::TooLarge { limit } => CltError::TooLarge(limit),
            crate::body::BodyError::Unreadable => CltError::Invalid(vec![Problem {
                field: "body",
                message: "The request could not be read.".into(),
            }]),
        })?;
    let value: serde_json::Value = if content_type.starts_with("application/json") {
        serde_json::from_slice(&bytes).map_err(|e| {
            CltError::Invalid(vec![Problem {
                field: "body",
                message: format!("The request is not valid JSON: {e}"),
            }])
        })?
    } else if content_type.starts_with("application/x-www-form-urlencoded") || bytes.is_empty() {
        let fields: serde_json::Map<String, serde_json::Value> = form_urlencoded::parse(&bytes)
            .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
            .collect();
        serde_json::Value::Object(fields)
    } else {
        return Err(CltError::UnsupportedMediaType);
    };
    let csrf = value.get("csrf").and_then(|v| v.as_str()).map(str::to_owned);
    let parsed = serde_json::from_value(value).map_err(|e| {
        CltError::Invalid(vec![Problem {
            field: "body",
            message: format!("The request's fields are not as expected: {e}"),
        }])
    })?;
    Ok((parsed, csrf))
}

fn own_origin(req: &Request) -> String {
    req.url().map(|u| u.origin().ascii_serialization()).unwrap_or_default()
}

/// A state-changing request must come from the portal's own pages.
fn check_origin(req: &Request) -> Result<(), CltError> {
    let header = |name: &str| req.headers().get(name).ok().flatten();
    if same_origin(
        &own_origin(req),
        header("Origin").as_deref(),
        header("Sec-Fetch-Site").as_deref(),
    ) {
        Ok(())
    } else {
        Err(CltError::CrossSite)
    }
}

/// The session of the request's cookie.
async fn authenticate(req: &Request, db: &D1Database) -> Result<Session, CltError> {
    let cookies = req.headers().get("Cookie").ok().flatten().unwrap_or_default();
    let token = session_token(&cookies).ok_or(CltError::Unauthenticated)?;
    let session = store::session(db, &sha256_hex(token.as_bytes()))
        .await
        .map_err(unavailable("session lookup"))?
        .ok_or(CltError::Unauthenticated)?;
    if session.revoked() {
        return Err(CltError::Revoked);
    }
    if session.expires_at as i64 <= now_ms() {
        return Err(CltError::Unauthenticated);
    }
    Ok(session)
}

/// Origin and CSRF token of a post made within a session.
fn check_post(req: &Request, secret: &Secret, session: &Session, csrf: Option<&str>) -> Result<(), CltError> {
    check_origin(req)?;
    let header = req.headers().get("X-CSRF-Token").ok().flatten();
    let presented = csrf.or(header.as_deref()).unwrap_or_default();
    if secret.csrf_ok(&session.token_hash, presented) {
        Ok(())
    } else {
        Err(CltError::CrossSite)
    }
}

async fn rate_limit_sign_in(req: &Request, env: &Env, db: &D1Database, secret: &Secret) -> Result<(), CltError> {
    let client = secret.fingerprint(&limit::client(req));
    let most = config::clt_limits(env).sign_in;
    match limit::hit(db, "clt-sign-in", &client, SIGN_IN_WINDOW_SECONDS, most, now_ms()).await {
        Ok(None) => Ok(()),
        Ok(Some(retry_after)) => Err(CltError::RateLimited(retry_after)),
        Err(e) => Err(unavailable("rate limit count failed")(e)),
    }
}

/// A chart's published CSV for a period (what a comment is made on).
async fn chart_csv(env: &Env, page: &str, chart: &str, period: &str) -> Result<Option<String>, CltError> {
    let assets = env.assets(config::ASSETS).map_err(unavailable("no assets"))?;
    let url = format!("https://assets.local/data/{page}/{period}/{chart}.csv");
    let mut response = assets.fetch(url, None).await.map_err(unavailable("assets"))?;
    if response.status_code() != 200 {
        return Ok(None);
    }
    response.text().await.map(Some).map_err(unavailable("assets"))
}

/// The current data version of every chart and period these comments are on.
async fn versions(env: &Env, comments: &[&store::Comment]) -> Result<Versions, CltError> {
    let mut out = Versions::new();
    for c in comments {
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
        "role": session.role,
        "csrf": csrf,
    })
}

fn comment_json(c: &store::Comment, versions: &Versions) -> serde_json::Value {
    let current = versions.get(&(c.page.clone(), c.chart.clone(), c.period.clone()));
    serde_json::json!({
        "id": c.id,
        "page": c.page,
        "chart": c.chart,
        "period": c.period,
        "data_point": c.data_point,
        "kind": c.kind,
        "body": c.body,
        "publish": c.publish,
        "organisation": c.organisation,
        "data_version": c.data_version,
        "figures_changed": !matches!(current, Some(Some(v)) if *v == c.data_version),
        "figures": c.figures,
        "created_at": crate::time::iso(c.created_at as i64),
        "reply": c.reply_status.as_ref().map(|status| serde_json::json!({
            "status": status,
            "body": c.reply_body,
            "reason": c.reply_reason,
            "replied_at": c.replied_at.map(|t| crate::time::iso(t as i64)),
        })),
        "approved": c.approved_at.is_some(),
    })
}

/// Handles a CLT route, or `None` if the path is not one.
pub async fn handle(req: &mut Request, env: &Env, path: &str) -> Option<Response> {
    let method = req.method();
    let result = match (method.clone(), path) {
        (Method::Get, "/clt/join") => Ok(join_page(req)),
        (Method::Post, "/api/clt/join") => join(req, env).await,
        (Method::Get, "/clt" | "/clt/") => home(req, env).await,
        (Method::Get, "/clt/moderate" | "/clt/moderate/") => moderate(req, env).await,
        (Method::Post, "/api/clt/signout") => sign_out(req, env).await,
        (Method::Get, "/api/clt/me") => me(req, env).await,
        (Method::Get, "/api/clt/comments") => my_comments(req, env).await,
        (Method::Post, "/api/clt/comments") => post_comment(req, env).await,
        (Method::Get, "/api/clt/queue") => queue(req, env).await,
        (Method::Post, p) if p.starts_with("/api/clt/comments/") => {
            let rest = &p["/api/clt/comments/".len()..];
            match rest.split_once('/') {
                Some((id, "reply")) => post_reply(req, env, id).await,
                Some((id, "approve")) => post_approve(req, env, id).await,
                _ => return None,
            }
        }
        (Method::Get, p) if p.starts_with("/en/data/") => dashboard(req, env, p).await,
        // HEAD and anything else on the dashboards: the static page as is.
        (_, p) if p.starts_with("/en/data/") => static_asset(req, env).await,
        (_, p) if p.starts_with("/api/clt/") || p.starts_with("/clt") => Err(CltError::NotFound),
        _ => return None,
    };
    Some(result.unwrap_or_else(|e| error_response(req, &e)))
}

fn join_page(req: &Request) -> Response {
    #[derive(serde::Deserialize)]
    struct Query {
        i: Option<String>,
    }
    let token = req.query::<Query>().ok().and_then(|q| q.i).unwrap_or_default();
    respond_html(200, html::join_page(&token))
}

async fn join(req: &mut Request, env: &Env) -> Result<Response, CltError> {
    let secret = secret(env)?;
    check_origin(req)?;
    let db = db(env)?;
    rate_limit_sign_in(req, env, &db, &secret).await?;
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default)]
        invitation: String,
    }
    let (body, _) = read::<Body>(req).await?;
    let now = now_ms();
    let id = secret
        .check_invitation(&body.invitation, now)
        .map_err(CltError::Invitation)?;
    let token = random_token(32).ok_or(CltError::Unavailable)?;
    let token_hash = sha256_hex(token.as_bytes());
    store::redeem(&db, &id, &token_hash, now)
        .await
        .map_err(unavailable("redeem"))?
        .map_err(CltError::Invitation)?;
    let cookie = set_cookie(&token);
    if wants_json(req) {
        let session = store::session(&db, &token_hash)
            .await
            .map_err(unavailable("session"))?
            .ok_or(CltError::Unavailable)?;
        let response = respond_json(200, &member_json(&session, &secret.csrf(&token_hash)));
        Ok(crate::headers::with_set(response, &[("Set-Cookie", &cookie)]))
    } else {
        Ok(redirect("/clt/", Some(&cookie)))
    }
}

/// The page of a list asked for (`?page=N`, from 1).
fn page_number(req: &Request) -> usize {
    #[derive(serde::Deserialize)]
    struct Query {
        page: Option<String>,
    }
    req.query::<Query>()
        .ok()
        .and_then(|q| q.page)
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1)
}

/// A list page as JSON: the comments, and the next page if there is one.
fn page_json(page: &store::Page, number: usize, comments: Vec<serde_json::Value>) -> serde_json::Value {
    serde_json::json!({
        "comments": comments,
        "page": number,
        "next_page": page.more.then_some(number + 1),
    })
}

async fn signed_in(req: &Request, env: &Env) -> Result<(Secret, D1Database, Session), CltError> {
    let secret = secret(env)?;
    let db = db(env)?;
    let session = authenticate(req, &db).await?;
    Ok((secret, db, session))
}

async fn home(req: &mut Request, env: &Env) -> Result<Response, CltError> {
    let (secret, db, session) = signed_in(req, env).await?;
    let number = page_number(req);
    let page = store::comments_of(&db, &session.member_id, number)
        .await
        .map_err(unavailable("comments"))?;
    let versions = versions(env, &page.comments.iter().collect::<Vec<_>>()).await?;
    let body = html::home_page(&session, &secret.csrf(&session.token_hash), &page.comments, &versions);
    Ok(respond_html(200, html::with_pages(&body, "/clt/", number, page.more)))
}

async fn moderate(req: &mut Request, env: &Env) -> Result<Response, CltError> {
    let (secret, db, session) = signed_in(req, env).await?;
    if !session.is_moderator() {
        return Err(CltError::WrongRole);
    }
    let number = page_number(req);
    let page = store::all_comments(&db, number).await.map_err(unavailable("queue"))?;
    let versions = versions(env, &page.comments.iter().collect::<Vec<_>>()).await?;
    let body = html::moderate_page(&session, &secret.csrf(&session.token_hash), &page.comments, &versions);
    Ok(respond_html(
        200,
        html::with_pages(&body, "/clt/moderate", number, page.more),
    ))
}

async fn sign_out(req: &mut Request, env: &Env) -> Result<Response, CltError> {
    let (secret, db, session) = signed_in(req, env).await?;
    let (_, csrf) = read::<serde_json::Value>(req).await?;
    check_post(req, &secret, &session, csrf.as_deref())?;
    store::end_session(&db, &session.token_hash)
        .await
        .map_err(unavailable("sign out"))?;
    let cookie = clear_cookie();
    if wants_json(req) {
        let response = respond_json(200, &serde_json::json!({ "signed_out": true }));
        Ok(crate::headers::with_set(response, &[("Set-Cookie", &cookie)]))
    } else {
        Ok(redirect("/en/data/", Some(&cookie)))
    }
}

async fn me(req: &mut Request, env: &Env) -> Result<Response, CltError> {
    let (secret, _, session) = signed_in(req, env).await?;
    Ok(respond_json(
        200,
        &member_json(&session, &secret.csrf(&session.token_hash)),
    ))
}

async fn my_comments(req: &mut Request, env: &Env) -> Result<Response, CltError> {
    let (_, db, session) = signed_in(req, env).await?;
    let number = page_number(req);
    let page = store::comments_of(&db, &session.member_id, number)
        .await
        .map_err(unavailable("comments"))?;
    let versions = versions(env, &page.comments.iter().collect::<Vec<_>>()).await?;
    let list: Vec<_> = page.comments.iter().map(|c| comment_json(c, &versions)).collect();
    Ok(respond_json(200, &page_json(&page, number, list)))
}

async fn queue(req: &mut Request, env: &Env) -> Result<Response, CltError> {
    let (_, db, session) = signed_in(req, env).await?;
    if !session.is_moderator() {
        return Err(CltError::WrongRole);
    }
    let number = page_number(req);
    let page = store::all_comments(&db, number).await.map_err(unavailable("queue"))?;
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
    Ok(respond_json(200, &page_json(&page, number, list)))
}

fn dashboard_path(page: &str, period: &str) -> String {
    if period == "all" {
        format!("/en/data/{page}/")
    } else {
        format!("/en/data/{page}/{period}/")
    }
}

async fn post_comment(req: &mut Request, env: &Env) -> Result<Response, CltError> {
    let (secret, db, session) = signed_in(req, env).await?;
    let (input, csrf) = read::<CommentInput>(req).await?;
    check_post(req, &secret, &session, csrf.as_deref())?;
    let input = input.cleaned();
    let problems = input.problems();
    if !problems.is_empty() {
        return Err(CltError::Invalid(problems));
    }
    let figures = chart_csv(env, &input.page, &input.chart, &input.period)
        .await?
        .ok_or_else(|| {
            CltError::Invalid(vec![Problem {
                field: "chart",
                message: "There is no such chart for that period on the dashboards.".into(),
            }])
        })?;
    // Counted only for comments that would be stored: a correction does
    // not use up the hour's allowance.
    let limits = config::clt_limits(env);
    let counted = limit::hit(
        &db,
        "clt-comment",
        &session.member_id,
        3600,
        limits.comments_per_hour,
        now_ms(),
    )
    .await;
    match counted {
        Ok(None) => {}
        Ok(Some(retry_after)) => return Err(CltError::TooManyComments(retry_after)),
        Err(e) => return Err(unavailable("comment limit count failed")(e)),
    }
    let id = random_token(12).ok_or(CltError::Unavailable)?;
    let now = now_ms();
    store::insert_comment(
        &db,
        &store::NewComment {
            id: &id,
            member_id: &session.member_id,
            input: &input,
            data_version: &sha256_hex(figures.as_bytes()),
            figures: &figures,
            now,
        },
    )
    .await
    .map_err(unavailable("insert comment"))?;
    if wants_json(req) {
        Ok(respond_json(201, &serde_json::json!({ "id": id })))
    } else {
        Ok(redirect(
            &format!(
                "{}?commented={}#{}",
                dashboard_path(&input.page, &input.period),
                input.chart,
                input.chart
            ),
            None,
        ))
    }
}

async fn moderator_post<T: DeserializeOwned>(
    req: &mut Request,
    env: &Env,
) -> Result<(D1Database, Session, T), CltError> {
    let (secret, db, session) = signed_in(req, env).await?;
    let (input, csrf) = read::<T>(req).await?;
    check_post(req, &secret, &session, csrf.as_deref())?;
    if !session.is_moderator() {
        return Err(CltError::WrongRole);
    }
    Ok((db, session, input))
}

async fn post_reply(req: &mut Request, env: &Env, id: &str) -> Result<Response, CltError> {
    let (db, session, input) = moderator_post::<ReplyInput>(req, env).await?;
    let input = input.cleaned();
    let problems = input.problems();
    if !problems.is_empty() {
        return Err(CltError::Invalid(problems));
    }
    if !store::reply(&db, id, &input, &session.member_id, now_ms())
        .await
        .map_err(unavailable("reply"))?
    {
        return Err(CltError::NotFound);
    }
    if wants_json(req) {
        Ok(respond_json(
            200,
            &serde_json::json!({ "id": id, "status": input.status }),
        ))
    } else {
        Ok(redirect(&format!("/clt/moderate#comment-{id}"), None))
    }
}

async fn post_approve(req: &mut Request, env: &Env, id: &str) -> Result<Response, CltError> {
    let (db, session, _) = moderator_post::<serde_json::Value>(req, env).await?;
    match store::approve(&db, id, &session.member_id, now_ms())
        .await
        .map_err(unavailable("approve"))?
    {
        Approval::Approved if wants_json(req) => {
            Ok(respond_json(200, &serde_json::json!({ "id": id, "approved": true })))
        }
        Approval::Approved => Ok(redirect(&format!("/clt/moderate#comment-{id}"), None)),
        Approval::NotFound => Err(CltError::NotFound),
        Approval::NotPublishable => Err(CltError::NotPublishable),
    }
}

async fn static_asset(req: &Request, env: &Env) -> Result<Response, CltError> {
    let assets = env.assets(config::ASSETS).map_err(unavailable("no assets"))?;
    let request = req.clone().map_err(unavailable("request"))?;
    assets.fetch_request(request).await.map_err(unavailable("assets"))
}

/// A dashboard page with the community commentary beside each chart and,
/// for a signed-in member, the comment form.
async fn dashboard(req: &Request, env: &Env, path: &str) -> Result<Response, CltError> {
    let assets = env.assets(config::ASSETS).map_err(unavailable("no assets"))?;
    let mut page = assets
        .fetch(format!("https://assets.local{path}"), None)
        .await
        .map_err(unavailable("assets"))?;
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (slug, period) = match segments.as_slice() {
        ["en", "data", slug] => (*slug, "all"),
        ["en", "data", slug, period] => (*slug, *period),
        _ => return Ok(page),
    };
    if page.status_code() != 200 {
        return Ok(page);
    }
    let text = page.text().await.map_err(unavailable("assets"))?;
    let db = db(env)?;
    let approved = store::approved_on_page(&db, slug).await.unwrap_or_else(|e| {
        worker::console_error!("clt: commentary unavailable: {e}");
        Vec::new()
    });
    let approved: Vec<&store::Comment> = approved.iter().collect();
    let versions = versions(env, &approved).await.unwrap_or_default();
    let mut by_chart: HashMap<&str, Vec<&store::Comment>> = HashMap::new();
    for c in &approved {
        by_chart.entry(c.chart.as_str()).or_default().push(c);
    }
    // A member's form only with a live session; anyone else sees the page.
    let form_csrf = match (secret(env), authenticate(req, &db).await) {
        (Ok(secret), Ok(session)) => Some(secret.csrf(&session.token_hash)),
        _ => None,
    };
    #[derive(serde::Deserialize)]
    struct Query {
        commented: Option<String>,
    }
    let commented = req.query::<Query>().ok().and_then(|q| q.commented);
    let body = html::inject(&text, |chart| {
        let mut out = String::new();
        if form_csrf.is_some() && commented.as_deref() == Some(chart) {
            out.push_str(html::COMMENT_SENT);
        }
        out.push_str(&html::commentary(
            by_chart.get(chart).map(Vec::as_slice).unwrap_or(&[]),
            &versions,
        ));
        if let Some(csrf) = &form_csrf {
            out.push_str(&html::comment_form(slug, chart, period, csrf));
        }
        out
    });
    Ok(respond_html(200, body))
}
