//! The static site, as the worker reads it through the assets binding: the
//! prerendered pages it fills in (intake, confirmation, dashboards) and the
//! published CSV of a chart.

use worker::{Env, Request, Response};

use crate::config;
use crate::error::ApiError;

/// The site's file at `path`, as the assets binding answers it.
pub async fn fetch(env: &Env, path: &str) -> Result<Response, ApiError> {
    let assets = env
        .assets(config::ASSETS)
        .map_err(ApiError::unavailable("assets binding"))?;
    assets
        .fetch(format!("https://assets.local{path}"), None)
        .await
        .map_err(ApiError::unavailable("assets"))
}

/// The request answered by the static site as it is.
pub async fn pass_through(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let assets = env
        .assets(config::ASSETS)
        .map_err(ApiError::unavailable("assets binding"))?;
    let request = req.clone().map_err(ApiError::unavailable("request"))?;
    assets
        .fetch_request(request)
        .await
        .map_err(ApiError::unavailable("assets"))
}

/// A prerendered page the worker fills in; 503 if it is missing (the site
/// was not built into this deploy).
pub async fn page(env: &Env, path: &str) -> Result<String, ApiError> {
    published(env, path).await?.ok_or_else(|| {
        worker::console_error!("page {path}: the site has no such template");
        ApiError::Unavailable
    })
}

/// A published file's text, `None` if the site does not publish it.
pub async fn published(env: &Env, path: &str) -> Result<Option<String>, ApiError> {
    let mut response = fetch(env, path).await?;
    if response.status_code() != 200 {
        return Ok(None);
    }
    response
        .text()
        .await
        .map(Some)
        .map_err(ApiError::unavailable("published file"))
}
