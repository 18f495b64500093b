//! Intake as it is now, read at request time for every intake page, every
//! referral post and `GET /api/status`: the policy file's default, made
//! stricter by the capacity rule on the newest caseload report, unless a
//! manager's override is in force (the rule is
//! `lead_content::intake_state`'s, the reports [`crate::capacity`]'s, the
//! override [`crate::staff`]'s).
//!
//! `GET /api/status` also publishes the delivery record, which no referrer
//! can see anywhere else: of the referrals received in the last 30 days
//! (delivered, or waiting an hour or more: one waiting less is not yet
//! known to be late), the share that reached the case system within an
//! hour and the median time it took, from the outbox's
//! timestamps, which stay after the content is deleted. It is hidden while
//! fewer than the dashboards' k referrals fall in the window.

use lead_content::intake_state::{self, Notice};
use lead_content::{intake, Lang};
use lead_data::published::{Version, VERSION_PATH};
use serde::{Deserialize, Serialize};
use worker::{D1Database, D1PreparedStatement, D1Result, Env, Request, Response};

use crate::capacity::{self, Latest};
use crate::d1::number;
use crate::error::ApiError;
use crate::staff::store::SetOverride;
use crate::time::now_ms;
use crate::{assets, http};

/// The delivery record's window.
pub const WINDOW_DAYS: i64 = 30;
/// What "reached case managers quickly" means.
pub const WITHIN_MS: i64 = 3_600_000;
/// The record hides under this many referrals when the dashboards' k
/// cannot be read.
const DEFAULT_K: u64 = 11;

/// Intake now, and what it rests on.
#[derive(Debug, Clone)]
pub struct State {
    pub notice: Notice,
    pub capacity: Option<Latest>,
    /// The override last set (in force or ended).
    pub manual: Option<SetOverride>,
}

impl State {
    /// What a program (and `PUT /api/capacity`) is told.
    pub fn json(&self, lang: Lang) -> serde_json::Value {
        serde_json::json!({
            "intake_status": self.notice.status.code(),
            "intake_message": self.notice.message(&intake().policy.intake).get(lang),
        })
    }
}

/// Intake now: the newest caseload report and the override, read in one
/// round trip (every intake page and referral post asks).
pub async fn current(db: &D1Database, now: i64) -> Result<State, ApiError> {
    let results = db
        .batch(vec![
            capacity::latest_query(db),
            crate::staff::store::override_query(db),
        ])
        .await
        .map_err(ApiError::unavailable("status: read"))?;
    let (Some(capacity), Some(manual)) = (results.first(), results.get(1)) else {
        worker::console_error!("status: a batch result is missing");
        return Err(ApiError::Unavailable);
    };
    let capacity = capacity::latest_from(capacity).map_err(ApiError::unavailable("status: capacity"))?;
    let manual = crate::staff::store::override_from(manual).map_err(ApiError::unavailable("status: override"))?;
    let notice = intake_state::current(
        &intake().policy.intake,
        capacity.as_ref().map(|l| &l.report),
        manual.as_ref().map(|m| &m.state),
        now,
    );
    Ok(State {
        notice,
        capacity,
        manual,
    })
}

/// How reliably referrals reach the case system.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryRecord {
    /// Share (0 to 1) delivered within [`WITHIN_MS`].
    pub share_within_hour: f64,
    /// Median time from receipt to delivery, in minutes (one decimal).
    pub median_minutes: f64,
    pub referrals: u64,
    pub window_days: i64,
}

/// The figures the outbox gives for a window, counted in D1 (see
/// [`record_query`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
pub struct Counted {
    /// Referrals in the window.
    pub n: f64,
    /// Of them, delivered within [`WITHIN_MS`].
    pub within: f64,
    /// The median wait in milliseconds (`None` for an empty window).
    pub median: Option<f64>,
}

impl Counted {
    /// The record over `window_days`; `None` under `k` referrals (or none).
    pub fn record(&self, window_days: i64, k: u64) -> Option<DeliveryRecord> {
        let n = self.n as u64;
        let median = self.median?;
        if n < k.max(1) {
            return None;
        }
        Some(DeliveryRecord {
            share_within_hour: self.within / self.n,
            median_minutes: (median / 6_000.0).round() / 10.0,
            referrals: n,
            window_days,
        })
    }
}

/// The statement that counts the delivery record over the `window_days`
/// before `now`: each referral's time to delivery or, for one not yet
/// delivered, the time it has waited so far (so the median is never
/// flattered by leaving the slowest out); one waiting less than an hour is
/// not yet known to be late and is left out. Only the three figures leave
/// D1, whatever the number of referrals. The intake pages, `GET
/// /api/status` and the staff console's ledger all use it.
pub fn record_query(db: &D1Database, now: i64, window_days: i64) -> worker::Result<D1PreparedStatement> {
    db.prepare(
        "SELECT COUNT(*) AS n, COALESCE(SUM(wait <= ?4), 0) AS within,
                AVG(CASE WHEN position IN ((total + 1) / 2, (total + 2) / 2) THEN wait END) AS median
         FROM (SELECT wait, ROW_NUMBER() OVER (ORDER BY wait) AS position, COUNT(*) OVER () AS total
               FROM (SELECT COALESCE(delivered_at, ?1) - received_at AS wait FROM referrals
                     WHERE received_at >= ?2 AND (delivered_at IS NOT NULL OR received_at <= ?3)))",
    )
    .bind(&[
        number(now),
        number(now - window_days * 86_400_000),
        number(now - WITHIN_MS),
        number(WITHIN_MS),
    ])
}

/// The counts [`record_query`] answered.
pub fn counted(result: &D1Result) -> worker::Result<Counted> {
    Ok(result.results::<Counted>()?.into_iter().next().unwrap_or_default())
}

/// The public delivery record now (hidden under `k` referrals).
pub async fn delivery_record(db: &D1Database, now: i64, k: u64) -> Result<Option<DeliveryRecord>, ApiError> {
    let counts = record_query(db, now, WINDOW_DAYS)
        .map_err(ApiError::unavailable("status: record query"))?
        .first::<Counted>(None)
        .await
        .map_err(ApiError::unavailable("status: record"))?
        .unwrap_or_default();
    Ok(counts.record(WINDOW_DAYS, k))
}

/// What the dashboards were built from, if the build published it. The
/// published files change only with a deployment, which starts new
/// isolates, so an isolate reads it once.
pub async fn dashboards(env: &Env) -> Result<Option<Version>, ApiError> {
    thread_local! {
        static READ: std::cell::OnceCell<Option<Version>> = const { std::cell::OnceCell::new() };
    }
    if let Some(known) = READ.with(|r| r.get().cloned()) {
        return Ok(known);
    }
    let version: Option<Version> = assets::published(env, VERSION_PATH)
        .await?
        .and_then(|text| serde_json::from_str(&text).ok());
    READ.with(|r| {
        let _ = r.set(version.clone());
    });
    Ok(version)
}

/// `html` with the public delivery record written into its slot, when
/// there is one to publish. A failure to compute it is logged and the page
/// is served without it: the record never keeps a page from a referrer.
pub async fn with_record(env: &Env, db: &D1Database, html: String, lang: Lang, now: i64) -> String {
    let k = match dashboards(env).await {
        Ok(v) => v.map_or(DEFAULT_K, |v| v.k),
        Err(_) => DEFAULT_K,
    };
    match delivery_record(db, now, k).await {
        Ok(Some(r)) => {
            let words = intake_state::delivery_record_words(
                &intake().copy,
                lang,
                r.window_days,
                r.share_within_hour,
                r.median_minutes,
            );
            intake_state::fill_delivery_record(&html, &words)
        }
        Ok(None) => html,
        Err(_) => html,
    }
}

/// `GET /api/status?lang=en|es`: intake now, the delivery record and the
/// dashboards' data version.
pub async fn get(req: &Request, env: &Env) -> Result<Response, ApiError> {
    #[derive(Deserialize)]
    struct Query {
        lang: Option<String>,
    }
    let lang = req
        .query::<Query>()
        .ok()
        .and_then(|q| q.lang)
        .and_then(|code| Lang::parse(&code))
        .unwrap_or_default();
    let db = env
        .d1(crate::config::DB)
        .map_err(ApiError::unavailable("status: no database"))?;
    let now = now_ms();
    let state = current(&db, now).await?;
    let version = dashboards(env).await?;
    let k = version.as_ref().map_or(DEFAULT_K, |v| v.k);
    let mut body = state.json(lang);
    body["delivery"] = serde_json::to_value(delivery_record(&db, now, k).await?).unwrap_or_default();
    body["dashboards"] = match version {
        Some(v) => {
            serde_json::json!({ "data_version": v.data_version, "generated_at": v.generated_at, "demo": v.synthetic })
        }
        None => serde_json::Value::Null,
    };
    Ok(http::with_headers(
        http::json(200, &body),
        &[("Cache-Control", "no-store")],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_hides_under_k_and_rounds_the_median_to_a_tenth_of_a_minute() {
        let minute = 60_000.0;
        let counted = |n: f64, within: f64, median: Option<f64>| Counted { n, within, median };
        assert_eq!(counted(10.0, 10.0, Some(minute)).record(30, 11), None);
        assert_eq!(counted(0.0, 0.0, None).record(30, 0), None, "nothing to say");
        let r = counted(12.0, 9.0, Some(minute)).record(30, 11).expect("12 >= k");
        assert_eq!(
            r,
            DeliveryRecord {
                share_within_hour: 0.75,
                median_minutes: 1.0,
                referrals: 12,
                window_days: 30
            }
        );
        assert_eq!(
            counted(4.0, 4.0, Some(40.0)).record(7, 1).expect("4").median_minutes,
            0.0
        );
        assert_eq!(
            counted(1.0, 0.0, Some(95.0 * minute + 2_999.0))
                .record(7, 1)
                .expect("1")
                .median_minutes,
            95.0
        );
        assert_eq!(
            counted(1.0, 0.0, Some(95.0 * minute + 3_000.0))
                .record(7, 1)
                .expect("1")
                .median_minutes,
            95.1
        );
    }
}
