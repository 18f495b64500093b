//! The OpenAPI 3.1 document for the portal's HTTP API.
//!
//! The request schema is generated from the intake questions, so it cannot
//! drift from the rules; the committed `functions/openapi.json` is checked
//! against this in the tests (set `UPDATE_OPENAPI=1` to rewrite it).

use lead_content::{intake, QuestionKind};
use serde_json::{json, Map, Value};

/// A complete, valid example referral (synthetic).
pub fn example_referral() -> Value {
    json!({
        "lang": "en",
        "chronic_conduct": "yes",
        "legal_response_expected": "yes",
        "neighborhood": "riverside",
        "frequency": "weekly",
        "conduct_places": "Sleeps in the bus shelter on River Rd and argues with people waiting",
        "recent_harm": "unknown",
        "prior_help": "not_tried",
        "safety_notes": "Has a friendly dog",
        "person_name": "Jo",
        "person_description": "Example person: short grey hair, red backpack, about 60",
        "usual_places_times": "River Rd bus shelter, evenings",
        "referrer_type": "resident",
        "referrer_name": "Example Resident",
        "contact_email": "resident@example.org"
    })
}

fn answer_schemas() -> (Map<String, Value>, Vec<String>) {
    let content = intake();
    let mut properties = Map::new();
    let mut required = Vec::new();
    for q in &content.questions.questions {
        let mut schema = json!({ "type": "string", "description": q.label.en });
        match q.kind {
            QuestionKind::Choice => {
                let values: Vec<&str> = content.options(q).iter().map(|c| c.value.as_str()).collect();
                schema["enum"] = json!(values);
            }
            QuestionKind::Email => {
                schema["format"] = json!("email");
            }
            _ => {}
        }
        if let Some(max) = q.max_len {
            schema["maxLength"] = json!(max);
        }
        if q.required {
            required.push(q.id.clone());
        }
        properties.insert(q.id.clone(), schema);
    }
    properties.insert(
        "lang".into(),
        json!({ "type": "string", "enum": ["en", "es"], "description": "Language for messages and follow-up." }),
    );
    properties.insert(
        "idempotency_key".into(),
        json!({ "type": "string", "maxLength": 255, "description": "The form's hidden idempotency key (JSON clients send the Idempotency-Key header)." }),
    );
    properties.insert(
        "website".into(),
        json!({ "type": "string", "maxLength": 0, "description": "Honeypot: must be empty or absent." }),
    );
    (properties, required)
}

fn error_response(description: &str, example_code: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": {
            "schema": { "$ref": "#/components/schemas/Error" },
            "example": { "error": example_code, "message": description }
        }}
    })
}

/// The CLT's error responses, shared by every CLT operation.
fn clt_errors(extra: &[(&str, &str, &str)]) -> Map<String, Value> {
    let mut out = Map::new();
    let clt_error = |description: &str, code: &str| {
        json!({
            "description": description,
            "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/CltError" },
                "example": { "error": code, "message": description }
            }}
        })
    };
    out.insert(
        "401".into(),
        clt_error(
            "No session, or it expired: sign in with an invitation link.",
            "not_signed_in",
        ),
    );
    out.insert(
        "403".into(),
        clt_error("A revoked member or session (`revoked`), the wrong role (`moderators_only`), or a post from another site or without the session's CSRF token (`cross_site`).", "revoked"),
    );
    for (status, description, code) in extra {
        out.insert((*status).into(), clt_error(description, code));
    }
    out.insert(
        "503".into(),
        clt_error(
            "The CLT is not set up (`clt_closed`) or storage failed; nothing changed.",
            "unavailable",
        ),
    );
    out
}

/// A CLT operation: tag `clt`, the session cookie, and for posts the CSRF
/// token (form field `csrf` or header `X-CSRF-Token`).
/// The language of the page a CLT form post is answered with (and of the
/// problems it lists).
static CLT_LANG: std::sync::LazyLock<Value> = std::sync::LazyLock::new(|| {
    json!({ "name": "lang", "in": "query", "required": false,
        "description": "The language of the page a form post is answered with or sent to, and of the problems listed.",
        "schema": { "type": "string", "enum": ["en", "es"], "default": "en" } })
});

fn clt_operation(
    id: &str,
    summary: &str,
    post: bool,
    body: Option<Value>,
    ok: (&str, Value),
    extra: &[(&str, &str, &str)],
) -> Value {
    let mut responses = clt_errors(extra);
    responses.insert(ok.0.into(), ok.1);
    if post {
        responses.insert(
            "413".into(),
            json!({
                "description": "The body is larger than 32768 bytes; it was not read.",
                "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/CltError" },
                    "example": { "error": "too_large", "message": "The request is larger than 32768 bytes, so it was not read." }
                }}
            }),
        );
    }
    let mut op = json!({
        "operationId": id,
        "tags": ["clt"],
        "summary": summary,
        "security": [{ "cltSession": [] }],
        "responses": responses,
    });
    if post {
        op["parameters"] = json!([{ "name": "X-CSRF-Token", "in": "header", "required": false,
            "description": "The session's CSRF token (from /api/clt/me), unless sent as the form field `csrf`.",
            "schema": { "type": "string" } }, CLT_LANG.clone()]);
    }
    if let Some(schema) = body {
        op["requestBody"] = json!({ "required": true, "content": {
            "application/json": { "schema": schema.clone() },
            "application/x-www-form-urlencoded": { "schema": schema }
        }});
    } else if post {
        // A button on a page: the form carries only the CSRF token.
        let schema = json!({ "type": "object", "properties": { "csrf": { "type": "string" } } });
        op["requestBody"] = json!({ "required": false, "content": {
            "application/json": { "schema": schema.clone() },
            "application/x-www-form-urlencoded": { "schema": schema }
        }});
    }
    op
}

fn json_ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn clt_paths() -> Map<String, Value> {
    let comments = json!({ "type": "object", "required": ["comments", "page", "next_page"], "properties": {
        "comments": { "type": "array", "maxItems": 50, "items": { "$ref": "#/components/schemas/Comment" } },
        "page": { "type": "integer", "minimum": 1 },
        "next_page": { "type": ["integer", "null"], "description": "The next page, if there are more comments." } } });
    let page = json!([{ "name": "page", "in": "query", "required": false,
        "description": "Which page of 50 (from 1).", "schema": { "type": "integer", "minimum": 1, "maximum": 10000 } }]);
    let mut paths = Map::new();
    paths.insert("/api/clt/join".into(), json!({ "post": {
        "operationId": "cltJoin",
        "tags": ["clt"],
        "summary": "Redeem a single-use invitation and start a session",
        "description": "Sets the `__Host-lead_clt` cookie (HttpOnly, Secure, SameSite=Strict). Must come from the portal's own origin. Rate limited per client.",
        "parameters": [CLT_LANG.clone()],
        "requestBody": { "required": true, "content": {
            "application/x-www-form-urlencoded": { "schema": { "$ref": "#/components/schemas/Invitation" } },
            "application/json": { "schema": { "$ref": "#/components/schemas/Invitation" } } } },
        "responses": {
            "200": json_ok("Signed in (JSON request).", json!({ "$ref": "#/components/schemas/Member" })),
            "303": { "description": "Signed in (form post): to /{lang}/clt/, in the language of the lang query parameter." },
            "400": { "description": "Not an invitation this program made.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CltError" } } } },
            "403": { "description": "Posted from another site.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CltError" } } } },
            "410": { "description": "The invitation expired (`invitation_expired`) or was already used (`invitation_used`).", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CltError" } } } },
            "413": { "description": "The body is larger than 32768 bytes; it was not read.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CltError" } } } },
            "429": { "description": "Too many sign-in attempts; see Retry-After.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CltError" } } } }
        }
    }}));
    paths.insert(
        "/api/clt/me".into(),
        json!({ "get": clt_operation("cltMe", "Who is signed in, and the session's CSRF token", false, None,
        ("200", json_ok("The member.", json!({ "$ref": "#/components/schemas/Member" }))), &[]) }),
    );
    paths.insert(
        "/api/clt/signout".into(),
        json!({ "post": clt_operation("cltSignOut", "End this session", true, None,
        ("200", json_ok("Signed out; the cookie is cleared.", json!({ "type": "object" }))), &[]) }),
    );
    paths.insert(
        "/api/clt/devices".into(),
        json!({ "post": clt_operation("cltAddDevice", "A single-use link that signs the same person in on another device, valid for 15 minutes", true, None,
        ("201", json_ok("The link, shown once (a form post gets a page with the link and its QR code).", json!({
            "type": "object", "required": ["link", "expires_at"],
            "properties": { "link": { "type": "string" }, "expires_at": { "type": "string", "format": "date-time" } }
        }))), &[("429", "More new devices in 15 minutes than sign-ins a client may make (`CLT_SIGN_IN_LIMIT`, 10); see Retry-After.", "rate_limited")]) }),
    );
    let mut mine = clt_operation(
        "cltMyComments",
        "The member's own comments and the program's replies, 50 a page",
        false,
        None,
        ("200", json_ok("Newest first.", comments.clone())),
        &[],
    );
    mine["parameters"] = page.clone();
    let mut queue = clt_operation(
        "cltQueue",
        "Every comment, for moderators, 50 a page",
        false,
        None,
        ("200", json_ok("Unanswered first.", comments)),
        &[],
    );
    queue["parameters"] = page;
    queue["parameters"]
        .as_array_mut()
        .expect("a list")
        .push(json!({ "name": "show", "in": "query", "required": false,
            "description": "`waiting`: only the comments without a reply yet; otherwise every comment, unanswered first.",
            "schema": { "type": "string", "enum": ["all", "waiting"], "default": "all" } }));
    paths.insert("/api/clt/comments".into(), json!({
        "get": mine,
        "post": clt_operation("cltComment", "Comment on a chart, a dashboard page as a whole, or a part of the program", true, Some(json!({ "$ref": "#/components/schemas/CommentInput" })),
            ("201", json_ok("Stored, with the version of the figures it was made on.", json!({ "type": "object", "required": ["id"], "properties": { "id": { "type": "string" } } }))),
            &[("422", "Fields need correcting, or there is no such chart or page for that period.", "invalid"),
              ("429", "More comments than one member may send in an hour (`CLT_COMMENTS_PER_HOUR`, 20); see Retry-After.", "rate_limited")])
    }));
    paths.insert("/api/clt/queue".into(), json!({ "get": queue }));
    paths.insert(
        "/api/clt/comments/{id}/reply".into(),
        json!({ "post": clt_operation("cltReply", "Reply to a comment (moderators)", true,
        Some(json!({ "$ref": "#/components/schemas/ReplyInput" })),
        ("200", json_ok("Reply recorded.", json!({ "type": "object" }))),
        &[("404", "There is no such comment.", "not_found"), ("422", "Fields need correcting.", "invalid")]) }),
    );
    paths.insert("/api/clt/comments/{id}/approve".into(), json!({ "post": clt_operation("cltApprove", "Publish a comment beside its chart (moderators)", true, None,
        ("200", json_ok("Approved.", json!({ "type": "object" }))),
        &[("404", "There is no such comment.", "not_found"), ("409", "The member kept it for the program only (`not_publishable`), or the moderator wrote it (`own_comment`): another moderator approves it.", "not_publishable")]) }));
    paths.insert("/api/clt/comments/{id}/unpublish".into(), json!({ "post": clt_operation("cltUnpublish", "Withdraw a published comment from beside its chart, with a reason for the audit log (moderators)", true,
        Some(json!({ "type": "object", "required": ["reason"], "properties": { "reason": { "type": "string", "maxLength": 500 } } })),
        ("200", json_ok("Withdrawn.", json!({ "type": "object" }))),
        &[("404", "No published comment has that id.", "not_found"), ("422", "A reason is needed.", "invalid")]) }));
    for id_path in [
        "/api/clt/comments/{id}/reply",
        "/api/clt/comments/{id}/approve",
        "/api/clt/comments/{id}/unpublish",
    ] {
        paths[id_path]["post"]["parameters"]
            .as_array_mut()
            .expect("post parameters")
            .push(json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }));
    }
    paths
}

/// The staff console's operations: tag `staff`, the same session and CSRF
/// token as the CLT's; 401 without a session, 403 for a CLT member
/// (`staff_only`) or, for a manager's action, a moderator (`managers_only`).
fn staff_paths() -> Map<String, Value> {
    let op = |id: &str,
              summary: &str,
              post: bool,
              body: Option<Value>,
              ok: (&str, Value),
              extra: &[(&str, &str, &str)]| {
        let mut op = clt_operation(id, summary, post, body, ok, extra);
        op["tags"] = json!(["staff"]);
        op["responses"]["403"]["description"] = json!("A CLT member (`staff_only`), a moderator where a manager is needed (`managers_only`), a revoked session (`revoked`), or a post from another site or without the session's CSRF token (`cross_site`).");
        if post {
            op["responses"]["303"] = json!({ "description": "Done (form post): back to /staff/." });
        }
        op
    };
    let intake = json!({ "type": "object", "properties": {
        "intake_status": { "type": "string", "enum": ["open", "priority_only", "paused"] } } });
    let mut paths = Map::new();
    paths.insert("/api/staff/overview".into(), json!({ "get": op("staffOverview",
        "Intake now and why (the capacity report, stale or not; the override), and the outbox ledger: counts, the oldest pending referral, the last error, stuck referrals (never content) and delivery times over 7 and 30 days",
        false, None, ("200", json_ok("The console's figures.", json!({ "type": "object", "required": ["role", "csrf", "intake", "delivery"] }))), &[]) }));
    paths.insert("/api/staff/intake".into(), json!({ "post": op("staffSetIntake",
        "Set intake by hand until a time (managers); then the policy and the capacity rule apply again",
        true, Some(json!({ "type": "object", "required": ["status", "reason"], "properties": {
            "status": { "type": "string", "enum": ["open", "priority_only", "paused"] },
            "until": { "type": "string", "format": "date-time", "description": "When the override ends (at most 90 days ahead)." },
            "hours": { "type": "integer", "minimum": 1, "maximum": 2160, "description": "Or: how many hours from now it ends." },
            "reason": { "type": "string", "maxLength": 500 } } })),
        ("200", json_ok("Set; written to the audit log.", json!({ "type": "object", "properties": {
            "intake_status": { "type": "string" }, "until": { "type": "string", "format": "date-time" } } }))),
        &[("422", "Fields need correcting.", "invalid")]) }));
    paths.insert("/api/staff/intake/end".into(), json!({ "post": op("staffEndIntake",
        "End the override now (managers)", true,
        Some(json!({ "type": "object", "required": ["reason"], "properties": { "reason": { "type": "string", "maxLength": 500 } } })),
        ("200", json_ok("Ended; intake as the policy and the capacity rule say.", intake.clone())),
        &[("404", "No override is set.", "not_found"), ("422", "A reason is needed.", "invalid")]) }));
    paths.insert(
        "/api/staff/capacity".into(),
        json!({ "post": op("staffEnterCapacity",
        "Enter caseloads (managers), as the case system would report them", true,
        Some(json!({ "type": "object", "required": ["average_caseload", "highest_caseload"], "properties": {
            "average_caseload": { "type": "number", "minimum": 0, "maximum": 1000 },
            "highest_caseload": { "type": "number", "minimum": 0, "maximum": 1000 },
            "as_of": { "type": "string", "format": "date-time", "description": "When counted; now if absent." } } })),
        ("200", json_ok("Stored; intake as it now is.", intake.clone())),
        &[("422", "Fields need correcting.", "invalid")]) }),
    );
    let mut resend = op(
        "staffResend",
        "Resend a stuck referral (managers)",
        true,
        None,
        (
            "200",
            json_ok(
                "Back in line and woken.",
                json!({ "type": "object", "properties": { "resent": { "type": "array", "items": { "type": "string" } } } }),
            ),
        ),
        &[(
            "404",
            "No stuck referral with that reference whose content is still held.",
            "not_found",
        )],
    );
    resend["parameters"]
        .as_array_mut()
        .expect("post parameters")
        .push(json!({ "name": "reference", "in": "path", "required": true, "schema": { "type": "string" } }));
    paths.insert(
        "/api/staff/referrals/{reference}/resend".into(),
        json!({ "post": resend }),
    );
    paths.insert("/api/staff/referrals/resend-all".into(), json!({ "post": op("staffResendAll",
        "Resend every stuck referral (managers), after a long outage of the case system", true, None,
        ("200", json_ok("Back in line and woken.", json!({ "type": "object", "properties": { "resent": { "type": "array", "items": { "type": "string" } } } }))),
        &[]) }));
    let mut audit = op(
        "staffAuditLog",
        "The whole audit log as CSV (managers): at, who, action, subject, from, to, reason",
        false,
        None,
        (
            "200",
            json!({ "description": "Newest first.", "content": { "text/csv": { "schema": { "type": "string" } } } }),
        ),
        &[],
    );
    audit["responses"]["403"]["description"] =
        json!("Not a manager (`staff_only`, `managers_only`) or a revoked session.");
    paths.insert("/api/staff/audit.csv".into(), json!({ "get": audit }));
    paths.extend(people_paths(&op));
    paths
}

type Op<'a> = dyn Fn(&str, &str, bool, Option<Value>, (&str, Value), &[(&str, &str, &str)]) -> Value + 'a;

/// Inviting, reinviting and revoking people, and the CLT's feedback export.
fn people_paths(op: &Op<'_>) -> Map<String, Value> {
    let mut paths = Map::new();
    let mut link = json_ok("The single-use sign-in link, shown only now (a form post gets a page with the link, a copy button and its QR code).",
        json!({ "type": "object", "required": ["link", "expires_at"], "properties": {
            "link": { "type": "string", "format": "uri" }, "expires_at": { "type": "string", "format": "date-time" } } }));
    link["content"]["text/html"] = json!({ "schema": { "type": "string" } });
    let mut invite = op(
        "staffInvite",
        "Invite a CLT member, a moderator or a manager (managers)",
        true,
        Some(
            json!({ "type": "object", "required": ["name", "organisation", "email", "role"], "properties": {
            "name": { "type": "string", "maxLength": 200 }, "organisation": { "type": "string", "maxLength": 200 },
            "email": { "type": "string", "format": "email" },
            "role": { "type": "string", "enum": ["member", "moderator", "manager"] },
            "days": { "type": "integer", "minimum": 1, "maximum": 90, "description": "How long the link works (7)." } } }),
        ),
        ("201", link.clone()),
        &[(
            "422",
            "Fields need correcting, or the email address is already on the list.",
            "invalid",
        )],
    );
    invite["responses"].as_object_mut().expect("responses").remove("303");
    paths.insert("/api/staff/people".into(), json!({
        "get": op("staffPeople", "Everyone who signs in: name, organization, email, role, active or not, last sign-in, comments (managers)", false, None,
            ("200", json_ok("The list.", json!({ "type": "object", "required": ["people"], "properties": { "people": { "type": "array", "items": { "type": "object" } } } }))), &[]),
        "post": invite,
    }));
    let mut reinvite = op(
        "staffReinvite",
        "A new sign-in link for someone (managers): older unused links stop working, and a revoked person is restored",
        true,
        None,
        ("200", link),
        &[("404", "There is no such person.", "not_found")],
    );
    reinvite["responses"].as_object_mut().expect("responses").remove("303");
    let revoke = op(
        "staffRevoke",
        "End someone's access at once (managers): their sessions end and their unused links stop working",
        true,
        Some(
            json!({ "type": "object", "required": ["reason"], "properties": { "reason": { "type": "string", "maxLength": 500 } } }),
        ),
        ("200", json_ok("Revoked.", json!({ "type": "object" }))),
        &[
            ("404", "There is no such person.", "not_found"),
            ("422", "A reason is needed, or it is your own access.", "invalid"),
        ],
    );
    for (path, mut operation) in [
        ("/api/staff/people/{id}/reinvite", reinvite),
        ("/api/staff/people/{id}/revoke", revoke),
    ] {
        operation["parameters"]
            .as_array_mut()
            .expect("post parameters")
            .push(json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }));
        paths.insert(path.into(), json!({ "post": operation }));
    }
    paths.insert("/api/staff/feedback.csv".into(), json!({ "get": op("staffFeedback",
        "Every CLT comment with the program's reply, as CSV for the policy group (staff)", false, None,
        ("200", json!({ "description": "Oldest first.", "content": { "text/csv": { "schema": { "type": "string" } } } })), &[]) }));
    paths
}

/// Intake now, the delivery record, and the case system's capacity reports.
fn status_paths() -> Map<String, Value> {
    let paths = json!({
            "/api/status": {
                "get": {
                    "operationId": "status",
                    "tags": ["status"],
                    "summary": "Whether referrals are being taken now, how reliably they reach case managers, and the dashboards' data version",
                    "parameters": [{ "name": "lang", "in": "query", "required": false,
                        "schema": { "type": "string", "enum": ["en", "es"], "default": "en" },
                        "description": "The language of intake_message." }],
                    "responses": {
                        "200": {
                            "description": "Intake now (the policy's status, made stricter by the capacity rule on the newest caseload report), the delivery record (null while fewer than the dashboards' k referrals fall in the window), and what the dashboards were built from.",
                            "content": { "application/json": { "schema": {
                                "type": "object", "required": ["intake_status", "intake_message", "delivery", "dashboards"],
                                "properties": {
                                    "intake_status": { "type": "string", "enum": ["open", "priority_only", "paused"] },
                                    "intake_message": { "type": "string", "description": "What the intake page says about it, in the language asked for." },
                                    "delivery": { "oneOf": [{ "type": "null" }, {
                                        "type": "object", "required": ["share_within_hour", "median_minutes", "referrals", "window_days"],
                                        "description": "Of the referrals received in the last window_days (delivered, or waiting an hour or more): the share that reached the case system within an hour, and the median minutes it took (a referral not yet delivered counts with the time it has waited so far).",
                                        "properties": {
                                            "share_within_hour": { "type": "number", "minimum": 0, "maximum": 1 },
                                            "median_minutes": { "type": "number" },
                                            "referrals": { "type": "integer" },
                                            "window_days": { "type": "integer" }
                                        }
                                    }]},
                                    "dashboards": { "oneOf": [{ "type": "null" }, {
                                        "type": "object", "required": ["data_version", "generated_at", "demo"],
                                        "properties": {
                                            "data_version": { "type": "string", "description": "SHA-256 of /data/cells.csv." },
                                            "generated_at": { "type": "string", "format": "date-time" },
                                            "demo": { "type": "boolean", "description": "The dashboards show synthetic demo figures." }
                                        }
                                    }]}
                                }
                            }}}
                        },
                        "503": error_response("Storage failed.", "unavailable")
                    }
                }
            },
            "/api/capacity": {
                "put": {
                    "operationId": "reportCapacity",
                    "tags": ["status"],
                    "summary": "The case system reports caseloads",
                    "description": "Signed per Standard Webhooks with CASE_SYSTEM_SECRET (the secret deliveries are signed with): webhook-id (unique per report), webhook-timestamp (seconds; refused more than 5 minutes from now) and webhook-signature (v1,<base64 HMAC-SHA256 of id.timestamp.body>). The newest report by as_of drives the policy's capacity rule: above its average, or with any case manager at its highest, community referrals become priority-only or paused as the policy says, and open again when a report shows capacity has recovered.",
                    "parameters": [
                        { "name": "webhook-id", "in": "header", "required": true, "schema": { "type": "string" } },
                        { "name": "webhook-timestamp", "in": "header", "required": true, "schema": { "type": "integer" } },
                        { "name": "webhook-signature", "in": "header", "required": true, "schema": { "type": "string" } }
                    ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": {
                        "type": "object", "required": ["average_caseload", "highest_caseload", "as_of"],
                        "properties": {
                            "average_caseload": { "type": "number", "minimum": 0, "maximum": 1000, "description": "The average active caseload of the case managers." },
                            "highest_caseload": { "type": "number", "minimum": 0, "maximum": 1000, "description": "The highest active caseload of any one case manager; not lower than the average." },
                            "as_of": { "type": "string", "format": "date-time", "description": "When the caseloads were counted (RFC 3339); not in the future." }
                        }
                    }}}},
                    "responses": {
                        "200": {
                            "description": "Stored. Intake as it now is.",
                            "content": { "application/json": { "schema": {
                                "type": "object", "required": ["intake_status", "intake_message"],
                                "properties": {
                                    "intake_status": { "type": "string", "enum": ["open", "priority_only", "paused"] },
                                    "intake_message": { "type": "string" }
                                }
                            }}}
                        },
                        "400": error_response("The body could not be read, or is not JSON.", "malformed_json"),
                        "401": error_response("A signature header is missing, the timestamp is more than 5 minutes from now, or no signature matches: nothing was stored.", "bad_signature"),
                        "409": error_response("A report with this webhook-id was already received: a report is taken once.", "replayed"),
                        "413": error_response("The body is larger than 32768 bytes; it was not read.", "too_large"),
                        "415": error_response("Send application/json.", "unsupported_media_type"),
                        "422": {
                            "description": "A field is missing or out of range; `errors` names each. Nothing was stored.",
                            "content": { "application/json": { "schema": {
                                "type": "object", "required": ["error", "message", "errors"],
                                "properties": {
                                    "error": { "const": "invalid" },
                                    "message": { "type": "string" },
                                    "errors": { "type": "array", "items": {
                                        "type": "object", "required": ["field", "message"],
                                        "properties": { "field": { "type": "string" }, "message": { "type": "string" } }
                                    }}
                                }
                            }}}
                        },
                        "503": error_response("A setting is refused or storage failed; nothing was stored.", "unavailable")
                    }
                }
            }
    });
    match paths {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub fn document() -> Value {
    let (properties, required) = answer_schemas();
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "LEAD portal API",
            "version": "1.0.0",
            "description": "Community referral intake for a LEAD program. Referrals are stored encrypted and forwarded to the program's case-management system, signed per Standard Webhooks."
        },
        "servers": [{ "url": "http://127.0.0.1:8787", "description": "Local run" }],
        "tags": [
            { "name": "referrals", "description": "Community referral intake (public)." },
            { "name": "security", "description": "Reports browsers send about the portal's security policy." },
            { "name": "status", "description": "Intake as it is now, the public delivery record, and the case system's capacity reports." },
            { "name": "clt", "description": "Community Leadership Team: members-only feedback on the published data. Every operation needs a session and answers 401 without one." }
        ],
        "paths": {
            "/api/csp-report": {
                "post": {
                    "operationId": "cspReport",
                    "tags": ["security"],
                    "summary": "Receive a browser's Content-Security-Policy violation report",
                    "description": "The pages' CSP names this as its report-uri. The worker logs the directive and the blocked resource's scheme and host, nothing else.",
                    "requestBody": { "content": { "application/csp-report": { "schema": { "type": "object" } } } },
                    "responses": {
                        "204": { "description": "Noted." },
                        "400": error_response("The body could not be read.", "unreadable"),
                        "413": error_response("The report is larger than 8192 bytes; it was not read.", "too_large"),
                        "429": {
                            "description": "More than 30 reports from this client this minute; see Retry-After.",
                            "headers": { "Retry-After": { "schema": { "type": "integer" }, "description": "Seconds to wait." } },
                            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
                        },
                        "503": error_response("Storage failed or a setting is refused; the report was not noted.", "unavailable")
                    }
                }
            },
            "/api/health": {
                "get": {
                    "operationId": "health",
                    "tags": ["referrals"],
                    "summary": "Liveness check",
                    "responses": {
                        "200": {
                            "description": "The worker is running and every setting is usable.",
                            "content": { "application/json": { "schema": {
                                "type": "object", "required": ["status"],
                                "properties": { "status": { "const": "ok" } }
                            }}}
                        },
                        "503": {
                            "description": "A setting is refused (an http:// case system, a lease no longer than the delivery timeout, two keys with one id, ...): the portal takes and delivers nothing until it is fixed.",
                            "content": { "application/json": { "schema": {
                                "type": "object", "required": ["status", "setting", "message"],
                                "properties": {
                                    "status": { "const": "misconfigured" },
                                    "setting": { "type": "string", "description": "The setting to fix, e.g. CASE_SYSTEM_URL." },
                                    "message": { "type": "string" }
                                }
                            }}}
                        }
                    }
                }
            },
            "/api/referrals": {
                "post": {
                    "operationId": "createReferral",
                    "tags": ["referrals"],
                    "summary": "Refer a person to LEAD case management",
                    "description": "Validates the answers with the program's rules, stores the referral encrypted and answers once it is durably stored. Form posts (no JavaScript) get a 303 to the confirmation page, or an HTML page listing what to correct. Idempotent with a key: a retry with the same Idempotency-Key header (or form field `idempotency_key`) and the same answers gets the same reference and stores nothing new.",
                    "parameters": [{
                        "name": "Idempotency-Key", "in": "header", "required": false,
                        "description": "A unique key per referral (a UUID), the same for every retry of it: the IETF draft's header. 1 to 255 visible ASCII characters, quotes optional.",
                        "schema": { "type": "string", "maxLength": 257 }
                    }, {
                        "name": "lang", "in": "query", "required": false,
                        "description": "The language of the page a form post gets when it is refused before its answers are read (too many posts, the portal unavailable, a body that cannot be read). The answers' own `lang` field sets the language of everything else.",
                        "schema": { "type": "string", "enum": ["en", "es"] }
                    }],
                    "requestBody": {
                        "required": true,
                        "content": {
                            "application/json": {
                                "schema": { "$ref": "#/components/schemas/Referral" },
                                "example": example_referral()
                            },
                            "application/x-www-form-urlencoded": {
                                "schema": { "$ref": "#/components/schemas/Referral" }
                            }
                        }
                    },
                    "responses": {
                        "202": {
                            "description": "Stored; it will be delivered to the case system. Also the answer to a retry with the same idempotency key, with the first reference.",
                            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Accepted" } } }
                        },
                        "303": {
                            "description": "Form post accepted: redirect to the confirmation page.",
                            "headers": { "Location": { "schema": { "type": "string" }, "description": "/sent?ref=REFERENCE&lang=LANG" } }
                        },
                        "400": error_response("The body could not be read, or is not valid JSON, UTF-8 or form data.", "malformed_json"),
                        "413": error_response("The body is larger than 32768 bytes; it was not read.", "too_large"),
                        "415": error_response("Not application/json or application/x-www-form-urlencoded.", "unsupported_media_type"),
                        "422": {
                            "description": "Answers need correcting (`invalid`, the idempotency key included), the core criteria do not hold (`not_eligible`), intake is closed (`intake_closed`), or the idempotency key was used for other answers (`idempotency_key_reused`).",
                            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
                        },
                        "429": {
                            "description": "Too many referrals from this client; see Retry-After.",
                            "headers": { "Retry-After": { "schema": { "type": "integer" }, "description": "Seconds to wait." } },
                            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
                        },
                        "503": error_response("The referral could not be stored (`unavailable`), or a setting is refused (`misconfigured`); nothing was saved.", "unavailable")
                    }
                }
            }
        },
        "components": {
            "securitySchemes": {
                "cltSession": { "type": "apiKey", "in": "cookie", "name": "__Host-lead_clt" }
            },
            "schemas": {
                "Referral": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": required,
                    "description": "Answers by question id. At least one of contact_phone and contact_email is required.",
                    "properties": properties
                },
                "Accepted": {
                    "type": "object",
                    "required": ["reference", "status"],
                    "properties": {
                        "reference": { "type": "string", "pattern": "^LEAD-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$" },
                        "status": { "const": "accepted" }
                    }
                },
                "Invitation": {
                    "type": "object", "required": ["invitation"],
                    "properties": { "invitation": { "type": "string", "description": "The `i` parameter of the invitation link." } }
                },
                "Member": {
                    "type": "object", "required": ["name", "organisation", "role", "csrf"],
                    "properties": {
                        "name": { "type": "string" }, "organisation": { "type": "string" },
                        "role": { "enum": ["member", "moderator"] },
                        "csrf": { "type": "string", "description": "Send with every post of this session." }
                    }
                },
                "CommentInput": {
                    "type": "object", "required": ["kind", "body", "publish"],
                    "description": "On a chart: page, chart and period. On a dashboard page as a whole: page and period. On a part of the program: topic alone.",
                    "properties": {
                        "topic": { "enum": ["intake-questions", "prioritization", "capacity", "program"], "description": "The part of the program the comment is on; then page, chart and period are left out." },
                        "page": { "type": "string", "description": "Dashboard slug, e.g. capacity." },
                        "chart": { "type": "string", "description": "Chart id on that page, e.g. average-caseload; left out for the page as a whole." },
                        "period": { "type": "string", "pattern": "^(all|[0-9]{4}(-Q[1-4])?)$" },
                        "data_point": { "type": "string", "maxLength": 200 },
                        "kind": { "enum": ["question", "blind_spot", "concern", "suggestion", "appreciation"] },
                        "body": { "type": "string", "minLength": 1, "maxLength": 4000 },
                        "publish": { "enum": ["with_organisation", "anonymous", "program_only"] },
                        "csrf": { "type": "string" }
                    }
                },
                "ReplyInput": {
                    "type": "object", "required": ["status"],
                    "properties": {
                        "status": { "enum": ["noted", "will_act", "done", "wont_act"] },
                        "body": { "type": "string", "maxLength": 4000 },
                        "reason": { "type": "string", "maxLength": 4000, "description": "Required for wont_act." },
                        "csrf": { "type": "string" }
                    }
                },
                "Comment": {
                    "type": "object",
                    "required": ["id", "topic", "page", "chart", "period", "kind", "body", "publish", "data_version", "figures_changed", "figures", "created_at", "approved"],
                    "properties": {
                        "id": { "type": "string" },
                        "topic": { "type": ["string", "null"], "description": "The part of the program, for a comment on the program (then page, chart and period are null)." },
                        "page": { "type": ["string", "null"] },
                        "chart": { "type": ["string", "null"], "description": "Null for a comment on a page as a whole." },
                        "period": { "type": ["string", "null"] }, "data_point": { "type": ["string", "null"] },
                        "kind": { "type": "string" }, "body": { "type": "string" }, "publish": { "type": "string" },
                        "organisation": { "type": "string" }, "member": { "type": "string" },
                        "data_version": { "type": "string", "description": "SHA-256 of the chart's published CSV when the comment was made; empty for a comment on a page or the program." },
                        "figures_changed": { "type": "boolean" },
                        "figures": { "type": "string", "description": "That CSV: the figures the member saw." },
                        "created_at": { "type": "string", "format": "date-time" },
                        "reply": { "type": ["object", "null"] },
                        "earlier_replies": { "type": "array", "description": "The replies the newest one replaced, oldest first (status, body, reason, replied_at).", "items": { "type": "object" } },
                        "approved": { "type": "boolean" }
                    }
                },
                "CltError": {
                    "type": "object", "required": ["error", "message"],
                    "properties": {
                        "error": { "enum": ["not_signed_in", "revoked", "moderators_only", "staff_only", "managers_only", "cross_site", "invalid", "invitation_invalid",
                            "invitation_expired", "invitation_used", "rate_limited", "not_found", "not_publishable", "own_comment",
                            "unsupported_media_type", "too_large", "clt_closed", "unavailable"] },
                        "message": { "type": "string" },
                        "errors": { "type": "array", "items": { "type": "object" } },
                        "retry_after": { "type": "integer" }
                    }
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": { "type": "string", "enum": [
                            "unsupported_media_type", "too_large", "unreadable", "not_utf8", "malformed_json", "malformed_form",
                            "invalid", "not_eligible", "intake_closed", "idempotency_key_reused", "rate_limited", "not_found",
                            "method_not_allowed", "misconfigured", "unavailable", "bad_signature", "replayed"
                        ]},
                        "message": { "type": "string" },
                        "errors": { "type": "array", "items": {
                            "type": "object", "required": ["field", "code", "message"],
                            "properties": {
                                "field": { "type": "string" },
                                "code": { "type": "string" },
                                "max": { "type": "integer" },
                                "message": { "type": "string" }
                            }
                        }},
                        "reasons": { "type": "array", "items": { "type": "string" } },
                        "intake_status": { "type": "string", "enum": ["open", "priority_only", "paused"] },
                        "retry_after": { "type": "integer" }
                    }
                }
            }
        }
    });
    let paths = doc["paths"].as_object_mut().expect("paths");
    paths.extend(clt_paths());
    paths.extend(status_paths());
    paths.extend(staff_paths());
    pages_for_form_posts(&mut doc);
    doc
}

/// A browser without JavaScript posts forms, and gets pages back: every
/// error of an operation that takes a form is also documented as
/// `text/html`, and a post that takes a form and succeeds may answer 303.
fn pages_for_form_posts(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(op) = item.get_mut("post") else { continue };
        let takes_forms = op["requestBody"]["content"]
            .get("application/x-www-form-urlencoded")
            .is_some();
        if !takes_forms {
            continue;
        }
        let Some(responses) = op["responses"].as_object_mut() else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            let error = status.starts_with('4') || status.starts_with('5');
            if error && response.get("content").is_some() {
                response["content"]["text/html"] = json!({ "schema": { "type": "string" } });
            }
        }
        responses
            .entry("303")
            .or_insert_with(|| json!({ "description": "Form post: to the page that shows the result." }));
    }
}

/// Whether the document allows this answer: the status is documented for
/// the operation, and the content type (essence only) is one of that
/// status's, or there is no body where none is documented.
pub fn allows(doc: &Value, method: &str, path: &str, status: u16, content_type: Option<&str>) -> Result<(), String> {
    let op = &doc["paths"][path][method.to_ascii_lowercase()];
    if op.is_null() {
        return Err(format!("{method} {path} is not documented"));
    }
    let response = &op["responses"][status.to_string()];
    if response.is_null() {
        return Err(format!("{method} {path} answered {status}, which is not documented"));
    }
    let essence = content_type.map(|t| t.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    match (essence.as_deref(), response.get("content")) {
        (None | Some(""), None) => Ok(()),
        (Some(t), Some(content)) if content.get(t).is_some() => Ok(()),
        (t, content) => Err(format!(
            "{method} {path} answered {status} as {t:?}; documented: {:?}",
            content
                .and_then(Value::as_object)
                .map(|c| c.keys().cloned().collect::<Vec<_>>())
        )),
    }
}
