//! The staff console: the program runs its own portal without a developer.
//!
//! Staff sign in with the same machinery as the Community Leadership Team
//! ([`crate::session`]): a `moderator` opens the console and moderates; a
//! `manager` also changes intake, enters caseloads, resends stuck
//! referrals and reads the audit log. Every staff action is written to the
//! audit log ([`audit`]) in the same D1 transaction as the change it
//! records, so neither exists without the other.
//!
//! [`input`] parses what staff send; [`store`] is D1; [`html`] the pages;
//! [`handlers`] the routes the worker's routing table calls.

pub mod handlers;
pub mod html;
pub mod input;
pub mod store;

use worker::{D1Database, D1PreparedStatement, Env, Request};

use crate::clt::store::Session;
use crate::clt::Secret;
use crate::d1::{number, optional, text};
use crate::error::ApiError;
use crate::session::signed_in;

lead_data::vocabulary!(
    /// What a staff action did, as the audit log names it.
    Action, "a staff action" {
        IntakeOverride = "intake_override", "Intake status set", "Estado de admisión fijado";
        IntakeOverrideEnded = "intake_override_ended", "Intake override ended", "Fin del cambio de estado";
        CapacityEntered = "capacity_entered", "Caseloads entered", "Cargas de casos registradas";
        Resend = "resend", "Referral resent", "Referido reenviado";
        ResendAll = "resend_all", "Stuck referrals resent", "Referidos atascados reenviados";
        Invite = "invite", "Person invited", "Persona invitada";
        Reinvite = "reinvite", "Person invited again", "Persona invitada de nuevo";
        Revoke = "revoke", "Access revoked", "Acceso revocado";
        Reply = "reply", "Comment answered", "Comentario respondido";
        Approve = "approve", "Comment published", "Comentario publicado";
        Unpublish = "unpublish", "Comment withdrawn from publication", "Comentario retirado de la publicación";
    }
);

/// Who may do something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Moderators and managers.
    Staff,
    Manager,
}

/// The signed-in person, if they may do what `need` says: 401 without a
/// session, 403 for a revoked one or the wrong role.
pub async fn staff(req: &Request, env: &Env, need: Need) -> Result<(Secret, D1Database, Session), ApiError> {
    let (secret, db, session) = signed_in(req, env).await?;
    if !session.is_staff() {
        return Err(ApiError::StaffOnly);
    }
    if need == Need::Manager && !session.is_manager() {
        return Err(ApiError::ManagersOnly);
    }
    Ok((secret, db, session))
}

/// One line of the audit log.
#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    pub subject: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub reason: Option<&'a str>,
}

/// The statement that writes `entry` for `actor`, to run in one batch
/// with the change it records.
pub fn audit(
    db: &D1Database,
    actor: &Session,
    action: Action,
    entry: &Entry<'_>,
    now: i64,
) -> worker::Result<D1PreparedStatement> {
    audit_if(db, actor, action, entry, now, "SELECT 1", &[])
}

/// Like [`audit`], written only if `exists` (SQL whose parameters start at
/// `?9`) finds a row: batched before a guarded change, the line is written
/// exactly when the change happens.
pub fn audit_if(
    db: &D1Database,
    actor: &Session,
    action: Action,
    entry: &Entry<'_>,
    now: i64,
    exists: &str,
    binds: &[worker::wasm_bindgen::JsValue],
) -> worker::Result<D1PreparedStatement> {
    let mut all = vec![
        number(now),
        text(&actor.member_id),
        text(&actor.name),
        text(action.as_str()),
        optional(entry.subject),
        optional(entry.from),
        optional(entry.to),
        optional(entry.reason),
    ];
    all.extend_from_slice(binds);
    db.prepare(format!(
        "INSERT INTO audit_log (at, actor_id, actor_name, action, subject, from_value, to_value, reason)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE EXISTS ({exists})"
    ))
    .bind(&all)
}
