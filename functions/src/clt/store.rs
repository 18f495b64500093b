//! CLT members, invitations, sessions and comments in D1. Each state change
//! is one guarded statement: an invitation is spent by the UPDATE that
//! finds it unspent, so two redemptions cannot both succeed.

use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, Result};

use super::{CommentInput, InvitationError, ReplyInput};

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn n(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}

fn opt(v: &str) -> JsValue {
    if v.trim().is_empty() {
        JsValue::NULL
    } else {
        s(v.trim())
    }
}

/// A live session and who holds it.
#[derive(Debug, Clone, Deserialize)]
pub struct Session {
    pub token_hash: String,
    pub member_id: String,
    pub name: String,
    pub organisation: String,
    pub role: String,
    pub expires_at: f64,
    pub session_revoked_at: Option<f64>,
    pub member_revoked_at: Option<f64>,
}

impl Session {
    pub fn is_moderator(&self) -> bool {
        self.role == "moderator"
    }

    pub fn revoked(&self) -> bool {
        self.session_revoked_at.is_some() || self.member_revoked_at.is_some()
    }
}

pub async fn session(db: &D1Database, token_hash: &str) -> Result<Option<Session>> {
    db.prepare(
        "SELECT s.token_hash, s.member_id, m.name, m.organisation, m.role, s.expires_at,
                s.revoked_at AS session_revoked_at, m.revoked_at AS member_revoked_at
         FROM clt_sessions s JOIN clt_members m ON m.id = s.member_id WHERE s.token_hash = ?1",
    )
    .bind(&[s(token_hash)])?
    .first::<Session>(None)
    .await
}

/// Spends an invitation; the member it was for. The member must not be revoked.
pub async fn redeem(
    db: &D1Database,
    invitation_id: &str,
    now: i64,
) -> Result<std::result::Result<String, InvitationError>> {
    let spent = db
        .prepare(
            "UPDATE clt_invitations SET redeemed_at = ?2
             WHERE id = ?1 AND redeemed_at IS NULL AND expires_at > ?2
               AND member_id IN (SELECT id FROM clt_members WHERE revoked_at IS NULL)
             RETURNING member_id",
        )
        .bind(&[s(invitation_id), n(now)])?
        .first::<String>(Some("member_id"))
        .await?;
    if let Some(member) = spent {
        return Ok(Ok(member));
    }
    #[derive(Deserialize)]
    struct Row {
        redeemed_at: Option<f64>,
        expires_at: f64,
    }
    let row = db
        .prepare("SELECT redeemed_at, expires_at FROM clt_invitations WHERE id = ?1")
        .bind(&[s(invitation_id)])?
        .first::<Row>(None)
        .await?;
    Ok(Err(match row {
        Some(r) if r.redeemed_at.is_some() => InvitationError::Used,
        Some(r) if r.expires_at as i64 <= now => InvitationError::Expired,
        // Unknown, or for a revoked member.
        _ => InvitationError::Invalid,
    }))
}

pub async fn create_session(db: &D1Database, token_hash: &str, member_id: &str, now: i64) -> Result<()> {
    db.prepare("INSERT INTO clt_sessions (token_hash, member_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(&[s(token_hash), s(member_id), n(now), n(now + super::SESSION_MS)])?
        .run()
        .await?;
    Ok(())
}

/// Signing out deletes the session: its token is then unknown (401), unlike
/// a revoked one (403).
pub async fn end_session(db: &D1Database, token_hash: &str) -> Result<()> {
    db.prepare("DELETE FROM clt_sessions WHERE token_hash = ?1")
        .bind(&[s(token_hash)])?
        .run()
        .await?;
    Ok(())
}

/// A comment with its member's organisation and the program's reply.
#[derive(Debug, Clone, Deserialize)]
pub struct Comment {
    pub id: String,
    pub member_id: String,
    pub member_name: String,
    pub organisation: String,
    pub page: String,
    pub chart: String,
    pub period: String,
    pub data_point: Option<String>,
    pub kind: String,
    pub body: String,
    pub publish: String,
    pub data_version: String,
    pub figures: String,
    pub created_at: f64,
    pub reply_status: Option<String>,
    pub reply_body: Option<String>,
    pub reply_reason: Option<String>,
    pub replied_at: Option<f64>,
    pub approved_at: Option<f64>,
}

const COMMENT_COLUMNS: &str = "c.id, c.member_id, m.name AS member_name, m.organisation, c.page, c.chart, c.period,
    c.data_point, c.kind, c.body, c.publish, c.data_version, c.figures, c.created_at, c.reply_status,
    c.reply_body, c.reply_reason, c.replied_at, c.approved_at";

pub struct NewComment<'a> {
    pub id: &'a str,
    pub member_id: &'a str,
    pub input: &'a CommentInput,
    pub data_version: &'a str,
    pub figures: &'a str,
    pub now: i64,
}

pub async fn insert_comment(db: &D1Database, c: &NewComment<'_>) -> Result<()> {
    db.prepare(
        "INSERT INTO clt_comments (id, member_id, page, chart, period, data_point, kind, body, publish,
                                   data_version, figures, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )
    .bind(&[
        s(c.id),
        s(c.member_id),
        s(&c.input.page),
        s(&c.input.chart),
        s(&c.input.period),
        opt(&c.input.data_point),
        s(&c.input.kind),
        s(c.input.body.trim()),
        s(&c.input.publish),
        s(c.data_version),
        s(c.figures),
        n(c.now),
    ])?
    .run()
    .await?;
    Ok(())
}

async fn comments(db: &D1Database, filter: &str, binds: &[JsValue]) -> Result<Vec<Comment>> {
    let sql = format!("SELECT {COMMENT_COLUMNS} FROM clt_comments c JOIN clt_members m ON m.id = c.member_id {filter}");
    db.prepare(&sql).bind(binds)?.all().await?.results::<Comment>()
}

/// A member's own comments, newest first.
pub async fn comments_of(db: &D1Database, member_id: &str) -> Result<Vec<Comment>> {
    comments(db, "WHERE c.member_id = ?1 ORDER BY c.created_at DESC", &[s(member_id)]).await
}

/// Every comment, unanswered first, then newest first (the moderators' queue).
pub async fn all_comments(db: &D1Database) -> Result<Vec<Comment>> {
    comments(db, "ORDER BY (c.reply_status IS NOT NULL), c.created_at DESC", &[]).await
}

/// Approved comments on a dashboard page, oldest first.
pub async fn approved_on_page(db: &D1Database, page: &str) -> Result<Vec<Comment>> {
    comments(
        db,
        "WHERE c.page = ?1 AND c.approved_at IS NOT NULL AND c.publish != 'program_only' ORDER BY c.created_at",
        &[s(page)],
    )
    .await
}

/// Records the program's reply; `false` if there is no such comment.
pub async fn reply(db: &D1Database, id: &str, input: &ReplyInput, by: &str, now: i64) -> Result<bool> {
    let updated = db
        .prepare(
            "UPDATE clt_comments SET reply_status = ?2, reply_body = ?3, reply_reason = ?4, replied_at = ?5, replied_by = ?6
             WHERE id = ?1 RETURNING id",
        )
        .bind(&[s(id), s(&input.status), opt(&input.body), opt(&input.reason), n(now), s(by)])?
        .first::<String>(Some("id"))
        .await?;
    Ok(updated.is_some())
}

pub enum Approval {
    Approved,
    NotFound,
    /// The member kept it for the program only.
    NotPublishable,
}

pub async fn approve(db: &D1Database, id: &str, by: &str, now: i64) -> Result<Approval> {
    let updated = db
        .prepare(
            "UPDATE clt_comments SET approved_at = ?2, approved_by = ?3
             WHERE id = ?1 AND publish != 'program_only' RETURNING id",
        )
        .bind(&[s(id), n(now), s(by)])?
        .first::<String>(Some("id"))
        .await?;
    if updated.is_some() {
        return Ok(Approval::Approved);
    }
    let exists = db
        .prepare("SELECT id FROM clt_comments WHERE id = ?1")
        .bind(&[s(id)])?
        .first::<String>(Some("id"))
        .await?;
    Ok(if exists.is_some() {
        Approval::NotPublishable
    } else {
        Approval::NotFound
    })
}
