//! Caseload reports, which the policy's capacity rule reads at every intake
//! request (`lead_content::intake_state`). The case system sends them with
//! `PUT /api/capacity`, signed per Standard Webhooks with the secret the two
//! systems already share (a stale timestamp, a wrong signature or a
//! webhook-id seen before is refused); a manager can enter one in the staff
//! console. The wire form ([`CapacityInput`]) becomes a checked
//! [`CapacityReport`] before anything is stored.

use lead_content::intake_state::CapacityReport;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, D1Result, Env, Request, Response};

use crate::d1::{number, text};
use crate::error::{ApiError, Problem};
use crate::http;
use crate::time::now_ms;

/// The highest caseload anyone could report; above it, a report is a
/// mistake (a count of people, not of cases or contacts).
pub const MAX_CASELOAD: f64 = 1000.0;
/// How far ahead of now a report's `as_of` may be (clocks differ).
const FUTURE_SLACK_MS: i64 = 5 * 60 * 1000;

/// A report as sent, before checking.
#[derive(Debug, Default, Deserialize)]
pub struct CapacityInput {
    pub average_caseload: Option<f64>,
    pub highest_caseload: Option<f64>,
    pub as_of: Option<String>,
}

impl CapacityInput {
    /// The checked report, or every problem with it, named by field.
    pub fn check(&self, now_ms: i64) -> Result<CapacityReport, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut caseload = |field: &'static str, value: Option<f64>| match value {
            Some(v) if v.is_finite() && (0.0..=MAX_CASELOAD).contains(&v) => Some(v),
            Some(_) => {
                problems.push(Problem {
                    field,
                    message: format!("{field} must be a number of people from 0 to {MAX_CASELOAD}."),
                });
                None
            }
            None => {
                problems.push(Problem {
                    field,
                    message: format!("{field} is required."),
                });
                None
            }
        };
        let average = caseload("average_caseload", self.average_caseload);
        let highest = caseload("highest_caseload", self.highest_caseload);
        if let (Some(a), Some(h)) = (average, highest) {
            if h < a {
                problems.push(Problem {
                    field: "highest_caseload",
                    message: "highest_caseload cannot be lower than average_caseload.".into(),
                });
            }
        }
        let as_of = match self.as_of.as_deref().map(lead_data::calendar::parse_timestamp) {
            Some(Some(t)) if t <= now_ms + FUTURE_SLACK_MS => Some(t),
            Some(Some(_)) => {
                problems.push(Problem {
                    field: "as_of",
                    message: "as_of is in the future; send when the caseloads were counted.".into(),
                });
                None
            }
            Some(None) => {
                problems.push(Problem {
                    field: "as_of",
                    message: "as_of must be an RFC 3339 timestamp, such as 2026-11-30T14:05:00Z.".into(),
                });
                None
            }
            None => {
                problems.push(Problem {
                    field: "as_of",
                    message: "as_of is required.".into(),
                });
                None
            }
        };
        match (average, highest, as_of, problems.is_empty()) {
            (Some(average_caseload), Some(highest_caseload), Some(as_of_ms), true) => Ok(CapacityReport {
                average_caseload,
                highest_caseload,
                as_of_ms,
            }),
            _ => Err(problems),
        }
    }
}

/// The newest report, with who made it.
#[derive(Debug, Clone)]
pub struct Latest {
    pub report: CapacityReport,
    pub reported_by: String,
    pub received_at: i64,
}

/// The query for the report with the newest `as_of` (batched with the
/// override's by [`crate::status::current`]: one round trip per request).
pub fn latest_query(db: &D1Database) -> D1PreparedStatement {
    db.prepare(
        "SELECT average_caseload, highest_caseload, as_of, received_at, reported_by
         FROM capacity_reports ORDER BY as_of DESC, received_at DESC LIMIT 1",
    )
}

/// The newest report, from [`latest_query`]'s result.
pub fn latest_from(result: &D1Result) -> worker::Result<Option<Latest>> {
    #[derive(Deserialize)]
    struct Row {
        average_caseload: f64,
        highest_caseload: f64,
        as_of: f64,
        received_at: f64,
        reported_by: String,
    }
    Ok(result.results::<Row>()?.into_iter().next().map(|r| Latest {
        report: CapacityReport {
            average_caseload: r.average_caseload,
            highest_caseload: r.highest_caseload,
            as_of_ms: r.as_of as i64,
        },
        reported_by: r.reported_by,
        received_at: r.received_at as i64,
    }))
}

/// The statement that stores a report under `id` (a report already
/// stored under it is left alone and nothing is returned), by `by`: the case
/// system, or the manager who entered it (then batched with the audit line).
pub fn insert(
    db: &D1Database,
    id: &str,
    report: &CapacityReport,
    by: &str,
    now: i64,
) -> worker::Result<D1PreparedStatement> {
    db.prepare(
        "INSERT INTO capacity_reports (id, average_caseload, highest_caseload, as_of, received_at, reported_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING RETURNING id",
    )
    .bind(&[
        text(id),
        report.average_caseload.into(),
        report.highest_caseload.into(),
        number(report.as_of_ms),
        number(now),
        text(by),
    ])
}

/// Stores a report under `id`; `false` if that id was stored before.
pub async fn store(db: &D1Database, id: &str, report: &CapacityReport, by: &str, now: i64) -> worker::Result<bool> {
    let stored = insert(db, id, report, by, now)?.first::<String>(Some("id")).await?;
    Ok(stored.is_some())
}

/// `PUT /api/capacity`: the case system's signed caseload report. Answers
/// with the intake status that now holds.
pub async fn put(req: &mut Request, env: &Env) -> Result<Response, ApiError> {
    let config = crate::intake::config(env)?;
    if http::content_type(req) != http::JSON {
        return Err(ApiError::UnsupportedMediaType);
    }
    let body = crate::body::read(req, crate::config::MAX_BODY_BYTES).await?;
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let (id, timestamp, signature) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    );
    let now = now_ms();
    config
        .target
        .key
        .verify(
            id.as_deref(),
            timestamp.as_deref(),
            signature.as_deref(),
            &body,
            now / 1000,
        )
        .map_err(ApiError::BadSignature)?;
    let input: CapacityInput = serde_json::from_slice(&body).map_err(|e| ApiError::MalformedJson(e.to_string()))?;
    let report = input.check(now).map_err(ApiError::Problems)?;
    let db = env
        .d1(crate::config::DB)
        .map_err(ApiError::unavailable("capacity: no database"))?;
    let id = format!("case_system:{}", id.unwrap_or_default().trim());
    if !store(&db, &id, &report, "case_system", now)
        .await
        .map_err(ApiError::unavailable("capacity: store"))?
    {
        return Err(ApiError::Replayed);
    }
    let state = crate::status::current(&db, now).await?;
    Ok(http::json(200, &state.json(lead_content::Lang::En)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(average: Option<f64>, highest: Option<f64>, as_of: Option<&str>) -> CapacityInput {
        CapacityInput {
            average_caseload: average,
            highest_caseload: highest,
            as_of: as_of.map(str::to_owned),
        }
    }

    #[test]
    fn reports_are_checked_field_by_field() {
        let now = lead_data::calendar::parse_timestamp("2026-11-30T14:05:00Z").expect("time");
        let good = input(Some(18.5), Some(24.0), Some("2026-11-30T09:00:00-05:00"));
        let report = good.check(now).expect("a good report");
        assert_eq!(report.average_caseload, 18.5);
        assert_eq!(report.as_of_ms, now - 5 * 60 * 1000);

        let fields = |i: CapacityInput| -> Vec<&'static str> {
            i.check(now).err().unwrap_or_default().iter().map(|p| p.field).collect()
        };
        assert_eq!(
            fields(input(None, None, None)),
            ["average_caseload", "highest_caseload", "as_of"]
        );
        assert_eq!(
            fields(input(Some(-1.0), Some(f64::NAN), Some("yesterday"))),
            ["average_caseload", "highest_caseload", "as_of"]
        );
        assert_eq!(
            fields(input(Some(20.0), Some(12.0), Some("2026-11-30T14:00:00Z"))),
            ["highest_caseload"]
        );
        assert_eq!(
            fields(input(Some(20.0), Some(22.0), Some("2026-11-30T15:00:00Z"))),
            ["as_of"]
        );
        assert_eq!(
            fields(input(Some(2000.0), Some(2000.0), Some("2026-11-30T14:00:00Z"))),
            ["average_caseload", "highest_caseload"]
        );
    }
}
