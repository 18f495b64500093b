//! The one way any route reads a request body: capped before it is held.
//!
//! `Request::bytes()` buffers the whole body before anyone can look at its
//! size, so one large post could take most of an isolate's 128 MB and end
//! the referral posts running beside it. This reader refuses a declared
//! `Content-Length` over the limit without reading a byte, and stops a
//! chunked or lying body as soon as it passes the limit.

use futures_util::StreamExt;
use worker::Request;

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("the request body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the request body could not be read")]
    Unreadable,
}

/// The body's bytes, at most `limit` of them. No body at all reads as empty.
pub async fn read(req: &mut Request, limit: usize) -> Result<Vec<u8>, BodyError> {
    let declared = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge { limit });
    }
    if req.inner().body().is_none() {
        return Ok(Vec::new());
    }
    let mut body = Vec::new();
    let mut stream = req.stream().map_err(|_| BodyError::Unreadable)?;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| BodyError::Unreadable)?;
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
