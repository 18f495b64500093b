//! The worker's one routing table: every request that reaches the worker
//! (the static site answers the rest) is matched here, handled by a named
//! handler, and any error is answered by [`http::error`] with its status
//! from [`ApiError::status`].
//!
//! What reaches the worker (`run_worker_first` in `wrangler.toml`):
//! `/api/*`, the intake pages `/en/` and `/es/` (for today's intake status
//! and a fresh idempotency key; the pages of each status under
//! `/{lang}/status/` are only served there), `/sent`, the CLT's pages
//! `/{lang}/clt/*` (and the old `/clt/*` addresses, which move there), and
//! the dashboards `/en/data/*` and `/es/data/*` (for the community commentary).

use lead_content::form;
use lead_content::reference::Reference;
use lead_content::referral::{FieldError, RawReferral, IDEMPOTENCY_PLACEHOLDER};
use lead_content::Lang;
use worker::{Context, Env, Method, Request, Response};

use crate::clt::handlers as clt;
use crate::error::ApiError;
use crate::http::{self, Format};
use crate::intake::{self, BodyKind};
use crate::pages::{self, Area};
use crate::staff::handlers as staff;
use crate::{assets, capacity, csp, status};

pub async fn handle(mut req: Request, env: Env, ctx: Context) -> Response {
    use Method::{Get, Post, Put};
    let path = req.path();
    let lang = req.url().ok().and_then(|url| {
        url.query_pairs()
            .find(|(name, _)| name == "lang")
            .and_then(|(_, code)| Lang::parse(&code))
    });
    let (format, area) = (Format::of(&req), area(&path, lang));
    // A CLT form's answer comes in the language of the page it was on.
    let clt_lang = lang.unwrap_or_default();
    let result = match (req.method(), path.as_str()) {
        // Health: what a deploy check waits on.
        (Get, "/api/health") => health(&env),

        // Referring someone.
        (Post, "/api/referrals") => post_referral(&mut req, &env, &ctx).await,
        (_, "/api/referrals" | "/api/health") => Err(ApiError::MethodNotAllowed),
        (Get, "/sent") => sent_page(&req, &env).await,
        (Get, p) if intake_lang(p).is_some() => intake_page(&req, &env, intake_lang(p).unwrap_or_default()).await,
        (Get, p) if details_lang(p).is_some() => details_page(&req, &env, details_lang(p).unwrap_or_default()).await,
        // The page of one notice is only ever served at /{lang}/, while it holds.
        (_, p) if notice_page_lang(p).is_some() => Ok(http::see_other(&format!(
            "/{}/",
            notice_page_lang(p).unwrap_or_default().code()
        ))),
        // HEAD and the like on an intake page: the static page as is.
        (_, p) if intake_lang(p).is_some() => assets::pass_through(&req, &env).await,
        (Post, "/api/csp-report") => csp::report(&mut req, &env).await,

        // Intake now, capacity, and the delivery record.
        (Get, "/api/status") => status::get(&req, &env).await,
        (Put, "/api/capacity") => capacity::put(&mut req, &env).await,
        (_, "/api/status" | "/api/capacity") => Err(ApiError::MethodNotAllowed),

        // The Community Leadership Team, in each language.
        (Get, p) if clt_page(p).is_some() => {
            let (lang, page) = clt_page(p).unwrap_or_default();
            match page {
                "join" => clt::join_page(&req, lang),
                "" => clt::home(&req, &env, lang).await,
                "moderate" => clt::moderate(&req, &env, lang).await,
                "signout" => clt::sign_out_page(&req, &env, lang).await,
                "signed-out" => Ok(clt::signed_out_page(lang)),
                _ => Err(ApiError::NotFound),
            }
        }
        // The CLT's first addresses (invitation links already sent): in English.
        (Get, p) if p == "/clt" || p.starts_with("/clt/") => Ok(http::moved(&format!(
            "/en{p}{}",
            req.url()
                .ok()
                .and_then(|u| u.query().map(|q| format!("?{q}")))
                .unwrap_or_default()
        ))),
        (Post, "/api/clt/join") => clt::join(&mut req, &env, clt_lang).await,
        (Post, "/api/clt/signout") => clt::sign_out(&mut req, &env, clt_lang).await,
        (Post, "/api/clt/devices") => clt::add_device(&mut req, &env, clt_lang).await,
        (Get, "/api/clt/me") => clt::me(&req, &env).await,
        (Get, "/api/clt/comments") => clt::my_comments(&req, &env).await,
        (Post, "/api/clt/comments") => clt::post_comment(&mut req, &env, clt_lang).await,
        (Get, "/api/clt/queue") => clt::queue(&req, &env).await,
        (Post, p) if p.starts_with(COMMENTS) => match comment_action(p) {
            Some((id, "reply")) => clt::post_reply(&mut req, &env, id, clt_lang).await,
            Some((id, "approve")) => clt::post_approve(&mut req, &env, id, clt_lang).await,
            Some((id, "unpublish")) => clt::post_unpublish(&mut req, &env, id, clt_lang).await,
            _ => Err(ApiError::NotFound),
        },

        // The staff console.
        (Get, "/staff" | "/staff/") => staff::console(&req, &env).await,
        (Get, "/api/staff/overview") => staff::overview(&req, &env).await,
        (Post, "/api/staff/intake") => staff::set_intake(&mut req, &env).await,
        (Post, "/api/staff/intake/end") => staff::end_intake(&mut req, &env).await,
        (Post, "/api/staff/capacity") => staff::enter_capacity(&mut req, &env).await,
        (Post, "/api/staff/referrals/resend-all") => staff::resend_all(&mut req, &env).await,
        (Post, p) if p.starts_with(STAFF_REFERRALS) => match referral_action(p) {
            Some((reference, "resend")) => staff::resend(&mut req, &env, reference).await,
            _ => Err(ApiError::NotFound),
        },
        (Get, "/api/staff/audit.csv") => staff::audit_csv(&req, &env).await,
        (Get, "/staff/people" | "/staff/people/" | "/api/staff/people") => staff::people(&req, &env).await,
        (Post, "/api/staff/people") => staff::invite(&mut req, &env).await,
        (Post, p) if p.starts_with(STAFF_PEOPLE) => match person_action(p) {
            Some((id, "reinvite")) => staff::reinvite(&mut req, &env, id).await,
            Some((id, "revoke")) => staff::revoke(&mut req, &env, id).await,
            _ => Err(ApiError::NotFound),
        },
        (Get, "/api/staff/feedback.csv") => staff::feedback_csv(&req, &env).await,

        // The dashboards, with the community commentary and the delivery record.
        // In each language: `/en/data/…`, `/es/data/…`.
        (Get, p) if on_dashboards(p) || lead_data::paths::parse_dashboards(p).is_some() => {
            clt::dashboard(&req, &env, p).await
        }
        // HEAD and anything else on the dashboards: the static page as is.
        (_, p) if on_dashboards(p) => assets::pass_through(&req, &env).await,

        _ => Err(ApiError::NotFound),
    };
    result.unwrap_or_else(|e| http::error(&e, format, area))
}

/// The part of the portal a path is in, for the page an error is shown on:
/// an intake page's language is its path's or, for the form's post to
/// `/api/referrals?lang=`, the one the form was in.
fn area(path: &str, lang: Option<Lang>) -> Area {
    if path.starts_with("/staff") || path.starts_with("/api/staff/") {
        Area::Staff
    } else if let Some((lang, _)) = clt_page(path) {
        Area::Clt(lang)
    } else if path.starts_with("/clt") || path.starts_with("/api/clt/") {
        Area::Clt(lang.unwrap_or_default())
    } else if path.starts_with("/es/") {
        Area::Intake(Lang::Es)
    } else {
        Area::Intake(lang.unwrap_or(Lang::En))
    }
}

/// A CLT page's language and name: `/es/clt/moderate` is
/// `(Es, "moderate")`, `/en/clt/` is `(En, "")`.
fn clt_page(path: &str) -> Option<(Lang, &str)> {
    let (code, rest) = path.strip_prefix('/')?.split_once('/')?;
    let rest = rest.strip_prefix("clt")?;
    let page = match rest {
        "" | "/" => "",
        _ => rest.strip_prefix('/')?.trim_end_matches('/'),
    };
    Some((Lang::parse(code)?, page))
}

/// The language of an intake page path (`/en/`, `/es/`).
fn intake_lang(path: &str) -> Option<Lang> {
    let code = path.strip_prefix('/')?.strip_suffix('/')?;
    Lang::parse(code)
}

/// `/{lang}/details/`: the whole form without JavaScript.
fn details_lang(path: &str) -> Option<Lang> {
    let code = path.strip_prefix('/')?.strip_suffix("/details/")?;
    Lang::parse(code)
}

/// The language of a prerendered notice page (`/en/status/paused/`).
fn notice_page_lang(path: &str) -> Option<Lang> {
    let rest = path.strip_prefix('/')?;
    let (code, rest) = rest.split_once('/')?;
    rest.starts_with("status/").then_some(())?;
    Lang::parse(code)
}

/// Where a stuck referral's actions are.
const STAFF_REFERRALS: &str = "/api/staff/referrals/";

/// `/api/staff/referrals/{reference}/{action}`: the reference and the action.
fn referral_action(path: &str) -> Option<(&str, &str)> {
    path.strip_prefix(STAFF_REFERRALS)?.split_once('/')
}

/// Where a person's actions are.
const STAFF_PEOPLE: &str = "/api/staff/people/";

/// `/api/staff/people/{id}/{action}`: the person's id and the action.
fn person_action(path: &str) -> Option<(&str, &str)> {
    path.strip_prefix(STAFF_PEOPLE)?.split_once('/')
}

/// Where a comment's own actions are.
const COMMENTS: &str = "/api/clt/comments/";

/// `/api/clt/comments/{id}/{action}`: the id and the action.
fn comment_action(path: &str) -> Option<(&str, &str)> {
    path.strip_prefix(COMMENTS)?.split_once('/')
}

/// `ok`, or 503 naming the setting that keeps the portal from taking and
/// delivering referrals (a deploy check and `.ci/portal` wait on this).
fn health(env: &Env) -> Result<Response, ApiError> {
    match intake::config(env) {
        Ok(_) => Ok(http::json(200, &serde_json::json!({ "status": "ok" }))),
        Err(ApiError::Misconfigured(e)) => Ok(http::json(
            503,
            &serde_json::json!({ "status": "misconfigured", "setting": e.setting(), "message": e.to_string() }),
        )),
        Err(e) => Err(e),
    }
}

/// `POST /api/referrals`: stored, then answered (202 to JSON, 303 to the
/// confirmation page for a form), then delivered in the background of
/// this request.
async fn post_referral(req: &mut Request, env: &Env, ctx: &Context) -> Result<Response, ApiError> {
    let kind = intake::body_kind(req).ok_or(ApiError::UnsupportedMediaType)?;
    let (accepted, deliver) = match intake::accept(req, env, kind).await {
        Ok(accepted) => accepted,
        // Without JavaScript: the whole form again, filled in, with its errors.
        Err(intake::Refused {
            error: ApiError::Invalid { errors, lang },
            answers: Some(answers),
        }) if kind == BodyKind::Form => return refilled(env, lang, true, &answers, &errors).await,
        Err(refused) => return Err(refused.error),
    };
    if let Some(d) = deliver {
        ctx.wait_until(crate::delivery::deliver_new(env.clone(), d.config, d.claimed));
    }
    Ok(match kind {
        BodyKind::Json => http::json(202, &serde_json::to_value(&accepted).unwrap_or_default()),
        // Noted for this browser, so Back to the whole form finds no form
        // to put the answers back into (see `details_page`).
        BodyKind::Form => http::with_headers(
            http::see_other(&format!(
                "/sent?ref={}&lang={}",
                accepted.reference,
                accepted.lang.code()
            )),
            &[(
                "Set-Cookie",
                &format!("{SENT_COOKIE}=1; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600"),
            )],
        ),
    })
}

/// Set when a referral was sent without JavaScript; cleared by the first
/// page of the form. It holds nothing but that.
const SENT_COOKIE: &str = "lead_sent";

/// The intake page as intake is now, first part or whole: the site
/// prerenders one page per notice and part. A fresh idempotency key goes
/// in the form's hidden field, so the form sent twice without JavaScript
/// (Back, then Send again) is stored once. Never cached: each view gets
/// its own key and today's status.
async fn form_page(env: &Env, lang: Lang, whole: bool) -> Result<String, ApiError> {
    let db = env
        .d1(crate::config::DB)
        .map_err(ApiError::unavailable("intake page: no database"))?;
    let now = crate::time::now_ms();
    let notice = status::current(&db, now).await?.notice;
    let page = if whole {
        notice.details_page(lang)
    } else {
        notice.page(lang)
    };
    let text = assets::page(env, &page).await?;
    let text = status::with_record(env, &db, text, lang, now).await;
    let key = crate::crypto::hex(&intake::random::<16>()?);
    Ok(text.replace(IDEMPOTENCY_PLACEHOLDER, &key))
}

/// `/{lang}/`: the form's first page (the wizard with JavaScript). It ends
/// the note that a referral was sent: what comes after is a new one.
async fn intake_page(req: &Request, env: &Env, lang: Lang) -> Result<Response, ApiError> {
    let response = http::html(200, form_page(env, lang, false).await?);
    Ok(match http::cookie(&http::cookies(req), SENT_COOKIE) {
        Some(_) => http::with_headers(
            response,
            &[(
                "Set-Cookie",
                &format!("{SENT_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0"),
            )],
        ),
        None => response,
    })
}

/// `/{lang}/details/?…`: without JavaScript, the whole form once the first
/// page's answers pass the same rules a sent referral meets. Unanswered, or
/// not a fit for LEAD, is said before anything about the person or the
/// referrer is asked. The first step's answers come back chosen; each is
/// one of its question's options (checked), so only option values reach
/// the page. After a referral was sent from this browser, Back lands here
/// and finds no form to fill with what was sent.
async fn details_page(req: &Request, env: &Env, lang: Lang) -> Result<Response, ApiError> {
    if http::cookie(&http::cookies(req), SENT_COOKIE).is_some() {
        return Ok(http::html(200, pages::already_sent_page(lang)));
    }
    let content = lead_content::intake();
    let pairs: Vec<(String, String)> = req
        .url()
        .map_err(|_| ApiError::MalformedForm)?
        .query_pairs()
        .filter(|(name, _)| content.first_step_questions().any(|q| q.id == *name))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let raw = RawReferral::from_pairs(pairs);
    let errors = content.field_errors(&raw, content.first_step_questions());
    if !errors.is_empty() {
        return refilled(env, lang, false, &raw, &errors).await;
    }
    let failed = content.failed_criteria(&raw);
    if !failed.is_empty() {
        return Err(ApiError::NotEligible {
            reasons: content.not_fit_reasons(&failed, lang),
            lang,
        });
    }
    let text = form_page(env, lang, true).await?;
    Ok(http::html(200, form::refill(&text, &raw, &[], lang)))
}

/// Without JavaScript, answers the rules did not accept: the page they
/// were sent from (the first page, or the whole form) as a 422, with the
/// answers back in place and each error beside its question and listed at
/// the top. The page is never cached (see `headers::secure`).
async fn refilled(
    env: &Env,
    lang: Lang,
    whole: bool,
    answers: &RawReferral,
    errors: &[FieldError],
) -> Result<Response, ApiError> {
    let text = form_page(env, lang, whole).await?;
    Ok(http::html(422, form::refill(&text, answers, errors, lang)))
}

/// The no-JavaScript confirmation: the site's prerendered page with the
/// reference filled in. The reference is re-parsed, so only its own
/// characters ever reach the page.
async fn sent_page(req: &Request, env: &Env) -> Result<Response, ApiError> {
    #[derive(serde::Deserialize)]
    struct SentQuery {
        #[serde(rename = "ref")]
        reference: Option<String>,
        lang: Option<String>,
    }
    let query: SentQuery = req.query().map_err(|_| ApiError::NotFound)?;
    let reference = query
        .reference
        .as_deref()
        .and_then(Reference::parse)
        .ok_or(ApiError::NotFound)?;
    let lang = query.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
    let text = assets::page(env, &format!("/{}/sent/", lang.code())).await?;
    Ok(http::html(
        200,
        text.replace(pages::REFERENCE_PLACEHOLDER, reference.as_str()),
    ))
}

/// Whether `path` is under the dashboards of a language (`/es/data/…`).
fn on_dashboards(path: &str) -> bool {
    Lang::ALL
        .into_iter()
        .any(|lang| path.starts_with(&lead_data::paths::dashboards(lang)))
}
