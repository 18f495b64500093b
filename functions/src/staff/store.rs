//! The console's D1: the intake override, the outbox ledger as staff see it
//! (counts, ages and errors, never content), resending stuck referrals,
//! and the audit log. Each change is one batch with its audit line.

use lead_content::intake_state::{CapacityReport, Override};
use lead_content::schema::IntakeStatus;
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{audit, Action, Entry};
use crate::clt::store::Session;
use crate::d1::{number, text};
use crate::status::{counted, DeliveryRecord};

/// The override in force or not (the console shows an ended one as ended).
#[derive(Debug, Clone)]
pub struct SetOverride {
    pub state: Override,
    pub reason: String,
    pub set_by: String,
    pub set_at: i64,
}

#[derive(Deserialize)]
struct OverrideRow {
    status: String,
    until_at: f64,
    reason: String,
    set_by_name: String,
    set_at: f64,
}

/// The query for the override last set (batched with the capacity
/// report's by [`crate::status::current`]).
pub fn override_query(db: &D1Database) -> worker::D1PreparedStatement {
    db.prepare(
        "SELECT o.status, o.until_at, o.reason, m.name AS set_by_name, o.set_at
         FROM intake_override o JOIN clt_members m ON m.id = o.set_by WHERE o.id = 1",
    )
}

/// The override last set, from [`override_query`]'s result.
pub fn override_from(result: &worker::D1Result) -> Result<Option<SetOverride>> {
    let row = result.results::<OverrideRow>()?.into_iter().next();
    Ok(row.and_then(|r| {
        Some(SetOverride {
            state: Override {
                status: IntakeStatus::parse(&r.status)?,
                until_ms: r.until_at as i64,
            },
            reason: r.reason,
            set_by: r.set_by_name,
            set_at: r.set_at as i64,
        })
    }))
}

/// The override last set, if any.
pub async fn last_override(db: &D1Database) -> Result<Option<SetOverride>> {
    override_from(&override_query(db).all().await?)
}

/// Sets the override (replacing any), with its audit line.
pub async fn set_override(
    db: &D1Database,
    actor: &Session,
    state: &Override,
    reason: &str,
    from: &str,
    now: i64,
) -> Result<()> {
    let until = crate::time::iso(state.until_ms);
    let to = format!("{} until {until}", state.status.code());
    let set = db
        .prepare(
            "INSERT INTO intake_override (id, status, until_at, reason, set_by, set_at) VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, until_at = excluded.until_at,
               reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at",
        )
        .bind(&[
            text(state.status.code()),
            number(state.until_ms),
            text(reason),
            text(&actor.member_id),
            number(now),
        ])?;
    let line = audit(
        db,
        actor,
        Action::IntakeOverride,
        &Entry {
            subject: Some("intake"),
            from: Some(from),
            to: Some(&to),
            reason: Some(reason),
        },
        now,
    )?;
    db.batch(vec![set, line]).await?;
    Ok(())
}

/// Ends the override now, with its audit line; `false` if none was set.
pub async fn end_override(db: &D1Database, actor: &Session, reason: &str, now: i64) -> Result<bool> {
    let Some(current) = last_override(db).await? else {
        return Ok(false);
    };
    let from = format!(
        "{} until {}",
        current.state.status.code(),
        crate::time::iso(current.state.until_ms)
    );
    let line = audit(
        db,
        actor,
        Action::IntakeOverrideEnded,
        &Entry {
            subject: Some("intake"),
            from: Some(&from),
            to: Some("policy and capacity rule"),
            reason: Some(reason),
        },
        now,
    )?;
    let end = db.prepare("DELETE FROM intake_override WHERE id = 1");
    db.batch(vec![line, end]).await?;
    Ok(true)
}

/// Stores caseloads a manager entered, with its audit line.
pub async fn enter_capacity(
    db: &D1Database,
    actor: &Session,
    id: &str,
    report: &CapacityReport,
    now: i64,
) -> Result<()> {
    let insert = crate::capacity::insert(db, id, report, &actor.member_id, now)?;
    let to = format!(
        "average {}, highest {}, as of {}",
        report.average_caseload,
        report.highest_caseload,
        crate::time::iso(report.as_of_ms)
    );
    let line = audit(
        db,
        actor,
        Action::CapacityEntered,
        &Entry {
            subject: Some("capacity"),
            to: Some(&to),
            ..Entry::default()
        },
        now,
    )?;
    db.batch(vec![insert, line]).await?;
    Ok(())
}

/// A referral whose delivery was given up: never its content.
#[derive(Debug, Clone, Deserialize)]
pub struct Stuck {
    pub reference: String,
    pub received_at: f64,
    pub attempts: f64,
    pub last_error: Option<String>,
}

/// The outbox as staff see it.
#[derive(Debug, Clone)]
pub struct Ledger {
    pub pending: u64,
    pub delivered: u64,
    pub stuck: u64,
    pub oldest_pending_at: Option<i64>,
    /// The latest failed attempt: its reference, error and time.
    pub last_error: Option<(String, String, i64)>,
    pub stuck_list: Vec<Stuck>,
    pub last_7_days: Option<DeliveryRecord>,
    pub last_30_days: Option<DeliveryRecord>,
    /// Community referrals received in the last 7 and 30 days.
    pub received_7: u64,
    pub received_30: u64,
}

/// How many stuck referrals the console lists.
pub const STUCK_SHOWN: usize = 100;

pub async fn ledger(db: &D1Database, now: i64) -> Result<Ledger> {
    let day = 86_400_000;
    let counts = db
        .prepare(
            "SELECT
           COUNT(*) FILTER (WHERE status = 'pending') AS pending,
           COUNT(*) FILTER (WHERE status = 'delivered') AS delivered,
           COUNT(*) FILTER (WHERE status = 'stuck') AS stuck,
           MIN(received_at) FILTER (WHERE status = 'pending') AS oldest_pending,
           COUNT(*) FILTER (WHERE received_at >= ?1) AS received_7,
           COUNT(*) FILTER (WHERE received_at >= ?2) AS received_30
         FROM referrals",
        )
        .bind(&[number(now - 7 * day), number(now - 30 * day)])?;
    let last_error = db.prepare(
        "SELECT reference, last_error, failed_at FROM referrals
         WHERE last_error IS NOT NULL ORDER BY failed_at DESC LIMIT 1",
    );
    let stuck = db
        .prepare(format!(
            "SELECT reference, received_at, attempts, last_error FROM referrals
             WHERE status = 'stuck' ORDER BY received_at LIMIT {STUCK_SHOWN}"
        ))
        .bind(&[])?;
    let week = crate::status::record_query(db, now, 7)?;
    let month = crate::status::record_query(db, now, 30)?;
    let results = db.batch(vec![counts, last_error, stuck, week, month]).await?;
    #[derive(Deserialize)]
    struct Counts {
        pending: f64,
        delivered: f64,
        stuck: f64,
        oldest_pending: Option<f64>,
        received_7: f64,
        received_30: f64,
    }
    #[derive(Deserialize)]
    struct LastError {
        reference: String,
        last_error: String,
        failed_at: f64,
    }
    let mut results = results.into_iter();
    let mut next = || {
        results
            .next()
            .ok_or_else(|| worker::Error::RustError("a batch result is missing".into()))
    };
    let counts = next()?.results::<Counts>()?.into_iter().next();
    let last_error = next()?.results::<LastError>()?.into_iter().next();
    let stuck_list = next()?.results::<Stuck>()?;
    let last_7 = counted(&next()?)?;
    let last_30 = counted(&next()?)?;
    let count = |f: fn(&Counts) -> f64| counts.as_ref().map_or(0, |c| f(c) as u64);
    Ok(Ledger {
        pending: count(|c| c.pending),
        delivered: count(|c| c.delivered),
        stuck: count(|c| c.stuck),
        oldest_pending_at: counts.as_ref().and_then(|c| c.oldest_pending).map(|t| t as i64),
        last_error: last_error.map(|e| (e.reference, e.last_error, e.failed_at as i64)),
        stuck_list,
        // Staff see every figure: no small-number hiding inside the program.
        last_7_days: last_7.record(7, 1),
        last_30_days: last_30.record(30, 1),
        received_7: count(|c| c.received_7),
        received_30: count(|c| c.received_30),
    })
}

/// Puts stuck referrals back in line (one, or every one) with an audit
/// line, in one batch; the references resent. Only a referral whose
/// content is still sealed in the outbox can be resent.
pub async fn resend(db: &D1Database, actor: &Session, reference: Option<&str>, now: i64) -> Result<Vec<String>> {
    const RESENDABLE: &str = "status = 'stuck' AND sealed IS NOT NULL";
    let (which, binds) = match reference {
        Some(r) => (format!("{RESENDABLE} AND reference = ?9"), vec![text(r)]),
        None => (RESENDABLE.to_owned(), Vec::new()),
    };
    let count = db
        .prepare(format!(
            "SELECT COUNT(*) AS n FROM referrals WHERE {}",
            which.replace("?9", "?1")
        ))
        .bind(&binds)?
        .first::<f64>(Some("n"))
        .await?
        .unwrap_or(0.0);
    let (action, subject) = match reference {
        Some(r) => (Action::Resend, r.to_owned()),
        None => (Action::ResendAll, format!("{count} referrals")),
    };
    let line = super::audit_if(
        db,
        actor,
        action,
        &Entry {
            subject: Some(&subject),
            from: Some("stuck"),
            to: Some("pending"),
            reason: None,
        },
        now,
        &format!("SELECT 1 FROM referrals WHERE {which}"),
        &binds,
    )?;
    let update = db
        .prepare(format!(
            "UPDATE referrals SET status = 'pending', attempts = 0, last_error = NULL,
               next_attempt_at = 0, lease_until = 0, outage = 0
             WHERE {} RETURNING reference",
            which.replace("?9", "?1")
        ))
        .bind(&binds)?;
    #[derive(Deserialize)]
    struct Row {
        reference: String,
    }
    let results = db.batch(vec![line, update]).await?;
    let resent = match results.last() {
        Some(r) => r.results::<Row>()?.into_iter().map(|r| r.reference).collect(),
        None => Vec::new(),
    };
    Ok(resent)
}

/// One line of the audit log, as read.
#[derive(Debug, Clone, Deserialize)]
pub struct Logged {
    pub at: f64,
    pub actor_name: String,
    pub action: String,
    pub subject: Option<String>,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub reason: Option<String>,
}

/// The newest `limit` lines of the audit log, newest first (all of it
/// with `None`).
pub async fn audit_log(db: &D1Database, limit: Option<usize>) -> Result<Vec<Logged>> {
    let limit = limit.map_or(String::new(), |n| format!(" LIMIT {n}"));
    db.prepare(format!(
        "SELECT at, actor_name, action, subject, from_value, to_value, reason FROM audit_log ORDER BY at DESC, id DESC{limit}"
    ))
    .all()
    .await?
    .results::<Logged>()
}

/// A person who signs in, as the console lists them.
#[derive(Debug, Clone, Deserialize)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub email: String,
    pub role: String,
    pub revoked_at: Option<f64>,
    pub last_sign_in: Option<f64>,
    pub comments: f64,
}

const PEOPLE: &str = "SELECT m.id, m.name, m.organisation, m.email,
       CASE WHEN m.manager = 1 THEN 'manager' ELSE m.role END AS role, m.revoked_at,
       (SELECT MAX(s.created_at) FROM clt_sessions s WHERE s.member_id = m.id) AS last_sign_in,
       (SELECT COUNT(*) FROM clt_comments c WHERE c.member_id = m.id) AS comments
     FROM clt_members m";

/// Everyone who signs in: active first, then by organization and name.
pub async fn people(db: &D1Database) -> Result<Vec<Person>> {
    db.prepare(format!(
        "{PEOPLE} ORDER BY (m.revoked_at IS NOT NULL), m.organisation, m.name"
    ))
    .all()
    .await?
    .results::<Person>()
}

pub async fn person(db: &D1Database, id: &str) -> Result<Option<Person>> {
    db.prepare(format!("{PEOPLE} WHERE m.id = ?1"))
        .bind(&[text(id)])?
        .first::<Person>(None)
        .await
}

/// A new invitation: its id and when it stops working.
pub struct Invitation<'a> {
    pub id: &'a str,
    pub expires_at: i64,
}

/// What inviting someone did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invited {
    Invited,
    /// Someone with that email address is already on the list.
    EmailTaken,
}

/// Adds a person with their first invitation and the audit line, in one
/// batch.
pub async fn invite(
    db: &D1Database,
    actor: &Session,
    person: &super::input::NewPerson,
    member_id: &str,
    invitation: &Invitation<'_>,
    now: i64,
) -> Result<Invited> {
    use crate::clt::input::Role;
    let taken = db
        .prepare("SELECT id FROM clt_members WHERE email = ?1")
        .bind(&[text(&person.email)])?
        .first::<String>(Some("id"))
        .await?;
    if taken.is_some() {
        return Ok(Invited::EmailTaken);
    }
    // A manager is stored as a moderator with the manager flag (migration 0007).
    let (stored_role, manager) = match person.role {
        Role::Member => ("member", 0),
        Role::Moderator => ("moderator", 0),
        Role::Manager => ("moderator", 1),
    };
    let add = db
        .prepare(
            "INSERT INTO clt_members (id, name, organisation, email, role, manager, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(&[
            text(member_id),
            text(&person.name),
            text(&person.organisation),
            text(&person.email),
            text(stored_role),
            number(manager),
            number(now),
        ])?;
    let link = db
        .prepare("INSERT INTO clt_invitations (id, member_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(&[
            text(invitation.id),
            text(member_id),
            number(now),
            number(invitation.expires_at),
        ])?;
    let subject = format!("{} ({})", person.email, person.organisation);
    let line = audit(
        db,
        actor,
        Action::Invite,
        &Entry {
            subject: Some(&subject),
            to: Some(person.role.as_str()),
            ..Entry::default()
        },
        now,
    )?;
    db.batch(vec![add, link, line]).await?;
    Ok(Invited::Invited)
}

/// A new link for a person (restoring them if revoked); every older unused
/// link stops working. One batch with the audit line.
pub async fn reinvite(
    db: &D1Database,
    actor: &Session,
    who: &Person,
    invitation: &Invitation<'_>,
    now: i64,
) -> Result<()> {
    let void = db
        .prepare(
            "UPDATE clt_invitations SET voided_at = ?2
             WHERE member_id = ?1 AND redeemed_at IS NULL AND voided_at IS NULL",
        )
        .bind(&[text(&who.id), number(now)])?;
    let restore = db
        .prepare("UPDATE clt_members SET revoked_at = NULL WHERE id = ?1")
        .bind(&[text(&who.id)])?;
    let link = db
        .prepare("INSERT INTO clt_invitations (id, member_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(&[
            text(invitation.id),
            text(&who.id),
            number(now),
            number(invitation.expires_at),
        ])?;
    let subject = format!("{} ({})", who.email, who.organisation);
    let line = audit(
        db,
        actor,
        Action::Reinvite,
        &Entry {
            subject: Some(&subject),
            from: Some(if who.revoked_at.is_some() { "revoked" } else { "active" }),
            to: Some("active"),
            ..Entry::default()
        },
        now,
    )?;
    db.batch(vec![void, restore, link, line]).await?;
    Ok(())
}

/// Ends a person's access at once: every session ends and every unused
/// link stops working. One batch with the audit line.
pub async fn revoke(db: &D1Database, actor: &Session, who: &Person, reason: &str, now: i64) -> Result<()> {
    let member = db
        .prepare("UPDATE clt_members SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL")
        .bind(&[text(&who.id), number(now)])?;
    let sessions = db
        .prepare("UPDATE clt_sessions SET revoked_at = ?2 WHERE member_id = ?1 AND revoked_at IS NULL")
        .bind(&[text(&who.id), number(now)])?;
    let links = db
        .prepare(
            "UPDATE clt_invitations SET voided_at = ?2
             WHERE member_id = ?1 AND redeemed_at IS NULL AND voided_at IS NULL",
        )
        .bind(&[text(&who.id), number(now)])?;
    let subject = format!("{} ({})", who.email, who.organisation);
    let line = audit(
        db,
        actor,
        Action::Revoke,
        &Entry {
            subject: Some(&subject),
            from: Some(if who.revoked_at.is_some() { "revoked" } else { "active" }),
            to: Some("revoked"),
            reason: Some(reason),
        },
        now,
    )?;
    db.batch(vec![line, member, sessions, links]).await?;
    Ok(())
}

/// A comment with the program's reply, as the feedback export writes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Feedback {
    pub id: String,
    pub created_at: f64,
    pub organisation: String,
    pub member: String,
    pub page: String,
    pub chart: String,
    pub period: String,
    pub data_point: Option<String>,
    pub kind: String,
    pub body: String,
    pub publish: String,
    pub data_version: String,
    pub approved_at: Option<f64>,
    pub reply_status: Option<String>,
    pub reply_body: Option<String>,
    pub reply_reason: Option<String>,
    pub replied_at: Option<f64>,
}

/// Every comment with its reply, oldest first.
pub async fn feedback(db: &D1Database) -> Result<Vec<Feedback>> {
    db.prepare(
        "SELECT c.id, c.created_at, m.organisation, m.name AS member, c.page, c.chart, c.period, c.data_point,
                c.kind, c.body, c.publish, c.data_version, c.approved_at, c.reply_status, c.reply_body,
                c.reply_reason, c.replied_at
         FROM clt_comments c JOIN clt_members m ON m.id = c.member_id ORDER BY c.created_at, c.id",
    )
    .all()
    .await?
    .results::<Feedback>()
}
