//! Signing in, for everyone who signs in: Community Leadership Team
//! members, moderators and the program's managers. One machinery: a
//! single-use invitation starts a server-side session (`__Host-` cookie,
//! looked up in D1 on every request, so revocation is effective at once);
//! a state-changing request must come from the portal's own origin and
//! carry the session's CSRF token. The tokens and the cookie are
//! [`crate::clt`]'s; the sessions are [`crate::clt::store`]'s.

use serde::de::DeserializeOwned;
use worker::{D1Database, Env, Request};

use crate::clt::store::{self, Session};
use crate::clt::{same_origin, session_token, Secret};
use crate::config;
use crate::crypto::sha256_hex;
use crate::error::{ApiError, Problem};
use crate::http;
use crate::time::now_ms;

pub fn secret(env: &Env) -> Result<Secret, ApiError> {
    config::clt_secret(env)
        .and_then(|text| Secret::new(&text))
        .ok_or(ApiError::CltClosed)
}

pub fn db(env: &Env) -> Result<D1Database, ApiError> {
    env.d1(config::DB).map_err(ApiError::unavailable("clt: no database"))
}

pub fn problem(field: &'static str, message: String) -> ApiError {
    ApiError::Problems(vec![Problem { field, message }])
}

/// A request body as form fields or JSON, into `T`; the CSRF token if sent.
pub async fn read<T: DeserializeOwned>(req: &mut Request) -> Result<(T, Option<String>), ApiError> {
    let content_type = http::content_type(req);
    let bytes = crate::body::read(req, config::MAX_BODY_BYTES).await?;
    let value: serde_json::Value = if content_type == http::JSON {
        serde_json::from_slice(&bytes).map_err(|e| problem("body", format!("The request is not valid JSON: {e}")))?
    } else if content_type == http::FORM || bytes.is_empty() {
        let fields: serde_json::Map<String, serde_json::Value> = form_urlencoded::parse(&bytes)
            .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
            .collect();
        serde_json::Value::Object(fields)
    } else {
        return Err(ApiError::UnsupportedMediaType);
    };
    let csrf = value.get("csrf").and_then(|v| v.as_str()).map(str::to_owned);
    let parsed = serde_json::from_value(value)
        .map_err(|e| problem("body", format!("The request's fields are not as expected: {e}")))?;
    Ok((parsed, csrf))
}

pub fn own_origin(req: &Request) -> String {
    req.url().map(|u| u.origin().ascii_serialization()).unwrap_or_default()
}

/// A state-changing request must come from the portal's own pages.
pub fn check_origin(req: &Request) -> Result<(), ApiError> {
    let header = |name: &str| req.headers().get(name).ok().flatten();
    if same_origin(
        &own_origin(req),
        header("Origin").as_deref(),
        header("Sec-Fetch-Site").as_deref(),
    ) {
        Ok(())
    } else {
        Err(ApiError::CrossSite)
    }
}

/// The session of the request's cookie.
pub async fn authenticate(req: &Request, db: &D1Database) -> Result<Session, ApiError> {
    let cookies = req.headers().get("Cookie").ok().flatten().unwrap_or_default();
    let token = session_token(&cookies).ok_or(ApiError::NotSignedIn)?;
    let session = store::session(db, &sha256_hex(token.as_bytes()))
        .await
        .map_err(ApiError::unavailable("clt: session lookup"))?
        .ok_or(ApiError::NotSignedIn)?;
    if session.revoked() {
        return Err(ApiError::Revoked);
    }
    if session.expires_at as i64 <= now_ms() {
        return Err(ApiError::NotSignedIn);
    }
    Ok(session)
}

/// Origin and CSRF token of a post made within a session.
pub fn check_post(req: &Request, secret: &Secret, session: &Session, csrf: Option<&str>) -> Result<(), ApiError> {
    check_origin(req)?;
    let header = req.headers().get("X-CSRF-Token").ok().flatten();
    let presented = csrf.or(header.as_deref()).unwrap_or_default();
    if secret.csrf_ok(&session.token_hash, presented) {
        Ok(())
    } else {
        Err(ApiError::CrossSite)
    }
}

/// The page of a list asked for (`?page=N`, from 1).
pub fn page_number(req: &Request) -> usize {
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

pub async fn signed_in(req: &Request, env: &Env) -> Result<(Secret, D1Database, Session), ApiError> {
    let secret = secret(env)?;
    let db = db(env)?;
    let session = authenticate(req, &db).await?;
    Ok((secret, db, session))
}
