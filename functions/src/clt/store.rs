//! CLT members, invitations, sessions and comments in D1. Each state change
//! is one guarded statement: an invitation is spent by the UPDATE that
//! finds it unspent, so two redemptions cannot both succeed.

use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Result};

use super::input::{Kind, NewComment, Publish, Reply, ReplyStatus, Role, Subject};
use super::InvitationError;
use crate::d1::{number, optional, text};
use crate::staff::{audit_if, Action, Entry};

/// A live session and who holds it.
#[derive(Debug, Clone, Deserialize)]
pub struct Session {
    pub token_hash: String,
    pub member_id: String,
    pub name: String,
    pub organisation: String,
    pub role: Role,
    pub expires_at: f64,
    pub session_revoked_at: Option<f64>,
    pub member_revoked_at: Option<f64>,
}

impl Session {
    /// Moderators and managers reply to and approve comments.
    pub fn is_moderator(&self) -> bool {
        matches!(self.role, Role::Moderator | Role::Manager)
    }

    /// The program's staff: moderators and managers open the console.
    pub fn is_staff(&self) -> bool {
        self.is_moderator()
    }

    /// Managers change intake, resend referrals and invite people.
    pub fn is_manager(&self) -> bool {
        self.role == Role::Manager
    }

    pub fn revoked(&self) -> bool {
        self.session_revoked_at.is_some() || self.member_revoked_at.is_some()
    }
}

pub async fn session(db: &D1Database, token_hash: &str) -> Result<Option<Session>> {
    db.prepare(
        "SELECT s.token_hash, s.member_id, m.name, m.organisation,
                CASE WHEN m.manager = 1 THEN 'manager' ELSE m.role END AS role, s.expires_at,
                s.revoked_at AS session_revoked_at, m.revoked_at AS member_revoked_at
         FROM clt_sessions s JOIN clt_members m ON m.id = s.member_id WHERE s.token_hash = ?1",
    )
    .bind(&[text(token_hash)])?
    .first::<Session>(None)
    .await
}

/// Spends an invitation and starts a session for its member, in one
/// transaction: either both happen or neither does, so a failure between
/// them cannot spend the link without signing the member in. The
/// invitation must be unspent, unexpired and not voided, and the member not
/// revoked. Returns the member.
pub async fn redeem(
    db: &D1Database,
    invitation_id: &str,
    token_hash: &str,
    now: i64,
) -> Result<std::result::Result<String, InvitationError>> {
    const USABLE: &str = "i.id = ?1 AND i.redeemed_at IS NULL AND i.voided_at IS NULL AND i.expires_at > ?2
        AND i.member_id IN (SELECT id FROM clt_members WHERE revoked_at IS NULL)";
    // D1 runs a batch as one transaction, one batch at a time: of two
    // redemptions of one link, the second finds it spent in both statements.
    let start = db
        .prepare(format!(
            "INSERT INTO clt_sessions (token_hash, member_id, created_at, expires_at)
             SELECT ?3, i.member_id, ?2, ?4 FROM clt_invitations i WHERE {USABLE}"
        ))
        .bind(&[
            text(invitation_id),
            number(now),
            text(token_hash),
            number(now + super::SESSION_MS),
        ])?;
    let spend = db
        .prepare(format!(
            "UPDATE clt_invitations AS i SET redeemed_at = ?2 WHERE {USABLE} RETURNING member_id"
        ))
        .bind(&[text(invitation_id), number(now)])?;
    let results = db.batch(vec![start, spend]).await?;
    #[derive(Deserialize)]
    struct Spent {
        member_id: String,
    }
    let spent = match results.last() {
        Some(r) => r.results::<Spent>()?,
        None => Vec::new(),
    };
    if let Some(s) = spent.into_iter().next() {
        return Ok(Ok(s.member_id));
    }
    #[derive(Deserialize)]
    struct Row {
        redeemed_at: Option<f64>,
        voided_at: Option<f64>,
        expires_at: f64,
    }
    let row = db
        .prepare("SELECT redeemed_at, voided_at, expires_at FROM clt_invitations WHERE id = ?1")
        .bind(&[text(invitation_id)])?
        .first::<Row>(None)
        .await?;
    Ok(Err(match row {
        Some(r) if r.redeemed_at.is_some() => InvitationError::Used,
        // Replaced by a newer link, or the member's access was revoked.
        Some(r) if r.voided_at.is_some() => InvitationError::Invalid,
        Some(r) if r.expires_at as i64 <= now => InvitationError::Expired,
        // Unknown, or for a revoked member.
        _ => InvitationError::Invalid,
    }))
}

/// Signing out deletes the session: its token is then unknown (401), unlike
/// a revoked one (403).
/// When the member last opened their page (`None`: never), and now
/// recorded as their latest visit, in one batch.
pub async fn replies_seen(db: &D1Database, member_id: &str, now: i64) -> Result<Option<f64>> {
    let before = db
        .prepare("SELECT replies_seen_at FROM clt_members WHERE id = ?1")
        .bind(&[text(member_id)])?;
    let update = db
        .prepare("UPDATE clt_members SET replies_seen_at = ?2 WHERE id = ?1")
        .bind(&[text(member_id), number(now)])?;
    let results = db.batch(vec![before, update]).await?;
    #[derive(Deserialize)]
    struct Row {
        replies_seen_at: Option<f64>,
    }
    Ok(match results.first() {
        Some(r) => r.results::<Row>()?.into_iter().next().and_then(|r| r.replies_seen_at),
        None => None,
    })
}

/// A single-use link for another device of `member_id`, valid until
/// `expires_at`. Older links stay as they were: the member adds a device,
/// nothing is taken away.
pub async fn device_link(db: &D1Database, member_id: &str, id: &str, expires_at: i64, now: i64) -> Result<()> {
    db.prepare("INSERT INTO clt_invitations (id, member_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(&[text(id), text(member_id), number(now), number(expires_at)])?
        .run()
        .await?;
    Ok(())
}

pub async fn end_session(db: &D1Database, token_hash: &str) -> Result<()> {
    db.prepare("DELETE FROM clt_sessions WHERE token_hash = ?1")
        .bind(&[text(token_hash)])?
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
    pub kind: Kind,
    pub body: String,
    pub publish: Publish,
    pub data_version: String,
    /// The chart's CSV at that version: what the member saw.
    pub figures: String,
    pub created_at: f64,
    pub reply_status: Option<ReplyStatus>,
    pub reply_body: Option<String>,
    pub reply_reason: Option<String>,
    pub replied_at: Option<f64>,
    pub approved_at: Option<f64>,
    /// The replies this one replaced, oldest first, as a JSON array (see
    /// [`Comment::earlier_replies`]).
    #[serde(default)]
    pub earlier: Option<String>,
}

/// A reply the program gave before its newest one.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EarlierReply {
    pub status: ReplyStatus,
    pub body: Option<String>,
    pub reason: Option<String>,
    pub replied_at: f64,
    /// The moderator's name.
    pub by: Option<String>,
}

impl Comment {
    /// What the comment is on; `None` only for a row no parsed comment
    /// wrote.
    pub fn subject(&self) -> Option<Subject> {
        Subject::from_columns(&self.page, &self.chart, &self.period)
    }

    /// The replies the newest one replaced, oldest first.
    pub fn earlier_replies(&self) -> Vec<EarlierReply> {
        let mut replies: Vec<EarlierReply> = self
            .earlier
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default();
        replies.sort_by(|a, b| a.replied_at.total_cmp(&b.replied_at));
        replies
    }

    /// Whether the comment was made on a chart's figures (and keeps them).
    pub fn has_figures(&self) -> bool {
        matches!(self.subject(), Some(Subject::Chart { .. }))
    }
}

const COMMENT_COLUMNS: &str = "c.id, c.member_id, m.name AS member_name, m.organisation, c.page, c.chart, c.period,
    c.data_point, c.kind, c.body, c.publish, c.data_version, COALESCE(f.figures, c.figures, '') AS figures, c.created_at, c.reply_status,
    c.reply_body, c.reply_reason, c.replied_at, c.approved_at,
    (SELECT json_group_array(json_object('status', r.status, 'body', r.body, 'reason', r.reason,
                                         'replied_at', r.replied_at, 'by', rm.name))
       FROM (SELECT * FROM clt_replies WHERE comment_id = c.id ORDER BY replied_at, rowid) r
       LEFT JOIN clt_members rm ON rm.id = r.replied_by) AS earlier";

/// A comment as it is stored: who made it, on which figures, when.
pub struct Stored<'a> {
    pub id: &'a str,
    pub member_id: &'a str,
    pub comment: &'a NewComment,
    pub data_version: &'a str,
    pub figures: &'a str,
    pub now: i64,
}

/// Stores a comment, and the figures it was made on once per version.
pub async fn insert_comment(db: &D1Database, c: &Stored<'_>) -> Result<()> {
    let figures = db
        .prepare("INSERT OR IGNORE INTO clt_figures (data_version, figures) VALUES (?1, ?2)")
        .bind(&[text(c.data_version), text(c.figures)])?;
    let (page, chart, period) = c.comment.subject.columns();
    let comment = db
        .prepare(
            "INSERT INTO clt_comments (id, member_id, page, chart, period, data_point, kind, body, publish,
                                   data_version, created_at, figures)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, '')",
        )
        .bind(&[
            text(c.id),
            text(c.member_id),
            text(&page),
            text(&chart),
            text(&period.to_string()),
            optional(c.comment.data_point.as_deref()),
            text(c.comment.kind.as_str()),
            text(&c.comment.body),
            text(c.comment.publish.as_str()),
            text(c.data_version),
            number(c.now),
        ])?;
    // A comment on a page as a whole or on the program has no figures.
    let statements = if c.figures.is_empty() {
        vec![comment]
    } else {
        vec![figures, comment]
    };
    db.batch(statements).await?;
    Ok(())
}

/// Comments shown per page of a list (a member's own, the moderators'
/// queue); commentary beside a chart shows the newest this many.
pub const PAGE_SIZE: usize = 50;

/// One page of a list and whether another follows.
pub struct Page {
    pub comments: Vec<Comment>,
    pub more: bool,
}

async fn comments(db: &D1Database, filter: &str, binds: &[JsValue], limit: usize, offset: usize) -> Result<Page> {
    let sql = format!(
        "SELECT {COMMENT_COLUMNS} FROM clt_comments c JOIN clt_members m ON m.id = c.member_id
         LEFT JOIN clt_figures f ON f.data_version = c.data_version {filter} LIMIT {} OFFSET {offset}",
        limit + 1
    );
    let mut comments = db.prepare(&sql).bind(binds)?.all().await?.results::<Comment>()?;
    let more = comments.len() > limit;
    comments.truncate(limit);
    Ok(Page { comments, more })
}

/// A page (from 1) of a member's own comments, newest first.
pub async fn comments_of(db: &D1Database, member_id: &str, page: usize) -> Result<Page> {
    let offset = page.saturating_sub(1) * PAGE_SIZE;
    comments(
        db,
        "WHERE c.member_id = ?1 ORDER BY c.created_at DESC, c.id",
        &[text(member_id)],
        PAGE_SIZE,
        offset,
    )
    .await
}

/// A page (from 1) of every comment (or, `waiting`, only those without a
/// reply), unanswered first, then newest first (the moderators' queue).
pub async fn all_comments(db: &D1Database, page: usize, waiting: bool) -> Result<Page> {
    let offset = page.saturating_sub(1) * PAGE_SIZE;
    comments(
        db,
        if waiting {
            "WHERE c.reply_status IS NULL ORDER BY c.created_at DESC, c.id"
        } else {
            "ORDER BY (c.reply_status IS NOT NULL), c.created_at DESC, c.id"
        },
        &[],
        PAGE_SIZE,
        offset,
    )
    .await
}

/// The newest [`PAGE_SIZE`] approved comments on a dashboard page, oldest
/// first.
pub async fn approved_on_page(db: &D1Database, page: &str) -> Result<Vec<Comment>> {
    let mut newest = comments(
        db,
        "WHERE c.page = ?1 AND c.approved_at IS NOT NULL AND c.publish != 'program_only' ORDER BY c.created_at DESC, c.id",
        &[text(page)],
        PAGE_SIZE,
        0,
    )
    .await?
    .comments;
    newest.reverse();
    Ok(newest)
}

/// Records the program's reply, with its audit line (from the reply
/// before, to this one), in one batch that first keeps the reply it
/// replaces in `clt_replies`; `false` if there is no such comment.
pub async fn reply(db: &D1Database, id: &str, reply: &Reply, by: &Session, now: i64) -> Result<bool> {
    let before = db
        .prepare("SELECT reply_status FROM clt_comments WHERE id = ?1")
        .bind(&[text(id)])?
        .first::<Option<String>>(Some("reply_status"))
        .await?
        .flatten();
    let line = audit_if(
        db,
        by,
        Action::Reply,
        &Entry {
            subject: Some(id),
            from: before.as_deref(),
            to: Some(reply.status.as_str()),
            reason: reply.reason.as_deref(),
        },
        now,
        "SELECT 1 FROM clt_comments WHERE id = ?9",
        &[text(id)],
    )?;
    let update = db
        .prepare(
            "UPDATE clt_comments SET reply_status = ?2, reply_body = ?3, reply_reason = ?4, replied_at = ?5, replied_by = ?6
             WHERE id = ?1 RETURNING id",
        )
        .bind(&[
            text(id),
            text(reply.status.as_str()),
            optional(reply.body.as_deref()),
            optional(reply.reason.as_deref()),
            number(now),
            text(&by.member_id),
        ])?;
    let keep = db
        .prepare(
            "INSERT INTO clt_replies (comment_id, status, body, reason, replied_at, replied_by)
             SELECT id, reply_status, reply_body, reply_reason, COALESCE(replied_at, 0), replied_by
             FROM clt_comments WHERE id = ?1 AND reply_status IS NOT NULL",
        )
        .bind(&[text(id)])?;
    found(db.batch(vec![line, keep, update]).await?)
}

/// Runs an audit line and the guarded change it records (an `UPDATE …
/// RETURNING id`) in one batch; whether the change found its row.
async fn changed(db: &D1Database, line: D1PreparedStatement, update: D1PreparedStatement) -> Result<bool> {
    found(db.batch(vec![line, update]).await?)
}

/// Whether the last statement of a batch (an `UPDATE … RETURNING id`)
/// found its row.
fn found(results: Vec<worker::D1Result>) -> Result<bool> {
    #[derive(Deserialize)]
    struct Row {
        #[allow(dead_code)]
        id: String,
    }
    Ok(match results.last() {
        Some(r) => !r.results::<Row>()?.is_empty(),
        None => false,
    })
}

/// Withdraws a published comment, with its audit line and the reason, in
/// one batch; `false` if no published comment has that id.
pub async fn unpublish(db: &D1Database, id: &str, by: &Session, reason: &str, now: i64) -> Result<bool> {
    let line = audit_if(
        db,
        by,
        Action::Unpublish,
        &Entry {
            subject: Some(id),
            from: Some("published"),
            to: Some("not published"),
            reason: Some(reason),
        },
        now,
        "SELECT 1 FROM clt_comments WHERE id = ?9 AND approved_at IS NOT NULL",
        &[text(id)],
    )?;
    let update = db
        .prepare(
            "UPDATE clt_comments SET approved_at = NULL, approved_by = NULL
             WHERE id = ?1 AND approved_at IS NOT NULL RETURNING id",
        )
        .bind(&[text(id)])?;
    changed(db, line, update).await
}

pub enum Approval {
    Approved,
    NotFound,
    /// The member kept it for the program only.
    NotPublishable,
    /// The moderator wrote it: another moderator approves it.
    OwnComment,
}

pub async fn approve(db: &D1Database, id: &str, by: &Session, now: i64) -> Result<Approval> {
    // Another member's comment that may be published.
    const PUBLISHABLE: &str = "id = ?9 AND publish != 'program_only' AND member_id != ?10";
    let line = audit_if(
        db,
        by,
        Action::Approve,
        &Entry {
            subject: Some(id),
            from: Some("not published"),
            to: Some("published"),
            reason: None,
        },
        now,
        &format!("SELECT 1 FROM clt_comments WHERE {PUBLISHABLE} AND approved_at IS NULL"),
        &[text(id), text(&by.member_id)],
    )?;
    let update = db
        .prepare(format!(
            "UPDATE clt_comments SET approved_at = COALESCE(approved_at, ?1), approved_by = COALESCE(approved_by, ?2)
             WHERE {} RETURNING id",
            PUBLISHABLE.replace("?9", "?3").replace("?10", "?2")
        ))
        .bind(&[number(now), text(&by.member_id), text(id)])?;
    if changed(db, line, update).await? {
        return Ok(Approval::Approved);
    }
    let author = db
        .prepare("SELECT member_id FROM clt_comments WHERE id = ?1")
        .bind(&[text(id)])?
        .first::<String>(Some("member_id"))
        .await?;
    Ok(match author {
        Some(author) if author == by.member_id => Approval::OwnComment,
        Some(_) => Approval::NotPublishable,
        None => Approval::NotFound,
    })
}
