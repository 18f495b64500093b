//! The portal's worker: entry points only. Every request goes through the
//! one routing table in [`routes`]; errors of every route are
//! [`error::ApiError`], answered by [`http`]. The intake is in [`intake`],
//! the Community Leadership Team in [`clt`], delivery and the sweep in
//! [`delivery`]; the referral rules are in the `lead-content` crate and the
//! shapes of the published data in `lead-data`.

pub mod assets;
pub mod backoff;
pub mod body;
pub mod capacity;
pub mod clt;
pub mod config;
pub mod crypto;
pub mod csp;
pub mod d1;
pub mod delivery;
pub mod error;
pub mod headers;
pub mod http;
pub mod intake;
pub mod limit;
pub mod outbox;
pub mod pages;
pub mod routes;
pub mod seal;
pub mod session;
pub mod signing;
pub mod staff;
pub mod status;
pub mod time;

use worker::{event, Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    Ok(headers::secure(routes::handle(req, env, ctx).await))
}

#[event(queue)]
async fn queue(batch: MessageBatch<String>, env: Env, _ctx: Context) -> Result<()> {
    if batch.queue() == config::DEAD_LETTER_QUEUE_NAME {
        for message in &batch.messages()? {
            delivery::dead_letter(message, &env).await?;
        }
        return Ok(());
    }
    if let Err(e) = delivery::consume(&batch, &env).await {
        worker::console_error!("delivery: outbox unavailable, the batch will be retried: {e}");
        // Not at once: a D1 incident would run out the queue's retries in
        // minutes.
        batch.retry_all_with_options(&worker::QueueRetryOptionsBuilder::new().with_delay_seconds(30).build());
    }
    Ok(())
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    match delivery::sweep(&env).await {
        Ok(0) => {}
        Ok(n) => worker::console_log!("sweep: re-enqueued {n} referral(s)"),
        Err(e) => worker::console_error!("sweep failed: {e}"),
    }
}
