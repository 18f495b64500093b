//! The Community Leadership Team end to end: the manager's commands, the
//! invitation, sessions, comments, replies and approval, what the public
//! sees, and everything that must be refused (no session, a revoked or
//! wrong-role one, expired or reused invitations, cross-site posts, sign-in
//! floods), plus script-injection strings that must stay text on every page
//! that shows comments.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use fantoccini::{Client, Locator};
use lead_e2e::browser::{check, Browser};
use lead_e2e::member::{invite, join, reinvite, revoke, status_and_body, Member};
use lead_e2e::openapi;
use lead_e2e::portal::{Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::{TEST_CLT_SECRET, TEST_SECRET};
use serde_json::{json, Value};

/// What a CLT member does beyond what every signed-in person does.
trait Comments {
    fn comment(&self, chart: &str, body: &str, publish: &str) -> String;
}

impl Comments for Member {
    fn comment(&self, chart: &str, body: &str, publish: &str) -> String {
        let (status, reply) = self.post(
            "/api/clt/comments",
            json!({ "page": "capacity", "chart": chart, "period": "all", "kind": "concern",
                    "body": body, "publish": publish, "data_point": "" }),
        );
        assert_eq!(status, 201, "comment stored: {reply}");
        reply["id"].as_str().expect("id").to_owned()
    }
}

fn public_page(portal: &Portal, path: &str) -> String {
    ureq::get(&portal.url(path))
        .call()
        .expect("page")
        .into_string()
        .expect("html")
}

/// An invitation token for `id` that expired a minute ago, signed as the
/// portal signs them.
fn expired_token(id: &str) -> String {
    use hmac::{Hmac, Mac};
    let expires = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64
        - 60_000;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(TEST_CLT_SECRET.as_bytes()).expect("key");
    mac.update(format!("invite|{id}|{expires}").as_bytes());
    format!("{id}.{expires}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

#[test]
fn members_comment_moderators_answer_and_the_public_sees_only_what_was_approved() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let own = portal.url("");

    // The public: every CLT endpoint says 401, and nothing can be posted.
    let public = Member::anonymous(&portal);
    for path in [
        "/api/clt/me",
        "/api/clt/comments",
        "/api/clt/queue",
        "/en/clt/",
        "/en/clt/moderate",
    ] {
        assert_eq!(public.get(path).0, 401, "{path} without a session");
    }
    for path in [
        "/api/clt/comments",
        "/api/clt/signout",
        "/api/clt/comments/x/reply",
        "/api/clt/comments/x/approve",
    ] {
        assert_eq!(
            public.post(path, json!({ "body": "hello" })).0,
            401,
            "{path} without a session"
        );
    }
    let forged = Member {
        cookie: Some(URL_SAFE_NO_PAD.encode([7u8; 32])),
        ..Member::anonymous(&portal)
    };
    assert_eq!(forged.get("/api/clt/me").0, 401, "a forged session token");

    let ana_link = invite(
        &portal,
        "Ana Member",
        "Eastgate Neighbours",
        "ana@example.org",
        "member",
    );
    let mo_link = invite(&portal, "Mo Moderator", "LEAD program", "mo@example.org", "moderator");
    let (status, body) = portal.manager().post(
        "/api/staff/people",
        json!({ "name": "A", "organisation": "B", "email": "ana@example.org", "role": "member" }),
    );
    assert!(
        status == 422 && body.to_string().contains("already on the list"),
        "{status} {body}"
    );

    // Invitations: forged, cross-site, expired, then used once only.
    let (id, rest) = ana_link.split_once('.').expect("id.rest");
    assert_eq!(
        join(&portal, &format!("{id}x.{rest}"), Some(&own)).0,
        400,
        "a forged link"
    );
    assert_eq!(
        join(&portal, &ana_link, Some("https://evil.example")).0,
        403,
        "a cross-site sign-in"
    );
    assert_eq!(join(&portal, &ana_link, None).0, 403, "a sign-in with no origin");
    let (status, body, _) = join(&portal, &expired_token(id), Some(&own));
    assert_eq!((status, body["error"].as_str()), (410, Some("invitation_expired")));
    let ana = Member::sign_in(&portal, &ana_link);
    let (status, body, cookie) = join(&portal, &ana_link, Some(&own));
    assert_eq!((status, body["error"].as_str()), (410, Some("invitation_used")));
    assert!(cookie.is_none(), "no session from a used link");
    let mo = Member::sign_in(&portal, &mo_link);
    assert_eq!(ana.get("/api/clt/me").1["organisation"], "Eastgate Neighbours");

    // Cross-site posts fail even with a session.
    let comment = json!({ "page": "capacity", "chart": "average-caseload", "period": "all",
        "kind": "blind_spot", "body": "What about the waitlist?", "publish": "with_organisation" });
    let (s, b, _) = status_and_body(
        ana.request("POST", "/api/clt/comments")
            .set("Origin", "https://evil.example")
            .set("X-CSRF-Token", &ana.csrf)
            .send_json(comment.clone()),
    );
    assert_eq!(
        (s, b["error"].as_str()),
        (403, Some("cross_site")),
        "another site's Origin"
    );
    let (s, _, _) = status_and_body(
        ana.request("POST", "/api/clt/comments")
            .set("Origin", &own)
            .send_json(comment.clone()),
    );
    assert_eq!(s, 403, "no CSRF token");
    let (s, _, _) = status_and_body(
        ana.request("POST", "/api/clt/comments")
            .set("Origin", &own)
            .set("X-CSRF-Token", &mo.csrf)
            .send_json(comment.clone()),
    );
    assert_eq!(s, 403, "another session's CSRF token");
    assert!(ana.get("/api/clt/comments").1["comments"]
        .as_array()
        .expect("list")
        .is_empty());

    // Bad input gets field errors and stores nothing.
    let (s, b) = ana.post(
        "/api/clt/comments",
        json!({ "page": "capacity", "chart": "average-caseload", "period": "all", "kind": "rant", "body": "", "publish": "x" }),
    );
    assert_eq!(s, 422);
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["kind", "publish", "body"]);
    let (s, _) = ana.post(
        "/api/clt/comments",
        json!({ "page": "capacity", "chart": "no-such-chart", "period": "all",
        "kind": "question", "body": "?", "publish": "anonymous" }),
    );
    assert_eq!(s, 422, "a chart that is not published");

    // A member comments; a member cannot moderate.
    let published = ana.comment("average-caseload", "What about the waitlist?", "with_organisation");
    let private = ana.comment("waitlisted-declined", "Only for the program, please.", "program_only");
    assert_eq!(ana.get("/api/clt/queue").0, 403, "a member is not a moderator");
    assert_eq!(
        ana.post(&format!("/api/clt/comments/{published}/approve"), json!({})).0,
        403
    );
    let mine = ana.get("/api/clt/comments").1;
    assert_eq!(mine["comments"].as_array().expect("list").len(), 2);
    assert_eq!(mine["comments"][1]["figures_changed"], false);
    assert!(mine["comments"][1]["figures"]
        .as_str()
        .expect("figures")
        .starts_with("table,period,"));
    assert!(
        !public_page(&portal, "/en/data/capacity/").contains("What about the waitlist?"),
        "not yet approved"
    );

    // The moderator replies and approves; the program-only one cannot be published.
    let queue = mo.get("/api/clt/queue").1;
    assert_eq!(queue["comments"].as_array().expect("queue").len(), 2);
    let (s, b) = mo.post(
        &format!("/api/clt/comments/{published}/reply"),
        json!({ "status": "wont_act", "body": "Thanks." }),
    );
    assert_eq!(
        (s, b["errors"][0]["field"].as_str()),
        (422, Some("reason")),
        "won't act needs a reason"
    );
    assert_eq!(
        mo.post(
            &format!("/api/clt/comments/{published}/reply"),
            json!({ "status": "will_act", "body": "We will publish waitlist times." })
        )
        .0,
        200
    );
    assert_eq!(
        mo.post(&format!("/api/clt/comments/{published}/approve"), json!({})).0,
        200
    );
    assert_eq!(
        mo.post(&format!("/api/clt/comments/{private}/approve"), json!({})).0,
        409
    );
    assert_eq!(mo.post("/api/clt/comments/nope/approve", json!({})).0, 404);
    // Replies and approvals are staff actions: each is in the audit log
    // once, with the reply it replaced; refused ones are not.
    let lines = portal.query(
        "SELECT action, subject, from_value, to_value FROM audit_log WHERE action IN ('reply', 'approve') ORDER BY id",
    );
    let lines: Vec<(String, String, String)> = lines
        .iter()
        .map(|l| {
            let text = |k: &str| l[k].as_str().unwrap_or("").to_owned();
            (text("action"), text("subject"), text("to_value"))
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("reply".to_owned(), published.clone(), "will_act".to_owned()),
            ("approve".to_owned(), published.clone(), "published".to_owned()),
        ]
    );

    let page = public_page(&portal, "/en/data/capacity/");
    assert!(page.contains("What about the waitlist?") && page.contains("Eastgate Neighbours"));
    assert!(page.contains("Will act") && page.contains("We will publish waitlist times."));
    assert!(
        !page.contains("Only for the program"),
        "a program-only comment is never shown"
    );
    assert!(!page.contains("Comment on this chart"), "the public gets no form");
    assert_eq!(
        ana.get("/api/clt/comments").1["comments"][1]["reply"]["status"],
        "will_act"
    );
    // Her page marks the reply as new once, until she has seen it.
    let home = |who: &Member| {
        let (_, page, _) = status_and_body(who.request("GET", "/en/clt/").set("Accept", "text/html").call());
        page.as_str().unwrap_or_default().to_owned()
    };
    let first = home(&ana);
    assert!(
        first.contains("1 comment has a new reply since your last visit."),
        "{first}"
    );
    assert_eq!(
        first
            .matches("<strong>New reply since your last visit.</strong>")
            .count(),
        1
    );
    assert!(!home(&ana).contains("New reply"), "seen now");
    // A published comment can be withdrawn, with a reason, and is gone
    // from beside its chart; then published again.
    let unpublish = format!("/api/clt/comments/{published}/unpublish");
    assert_eq!(
        mo.post(&unpublish, json!({ "reason": "" })).0,
        422,
        "a reason is needed"
    );
    assert_eq!(ana.post(&unpublish, json!({ "reason": "x" })).0, 403, "moderators only");
    assert_eq!(mo.post(&unpublish, json!({ "reason": "Names a person" })).0, 200);
    assert!(!public_page(&portal, "/en/data/capacity/").contains("What about the waitlist?"));
    assert_eq!(
        mo.post(&unpublish, json!({ "reason": "again" })).0,
        404,
        "not published now"
    );
    assert_eq!(
        mo.post(&format!("/api/clt/comments/{published}/approve"), json!({})).0,
        200
    );
    let withdrawn = portal.query("SELECT reason FROM audit_log WHERE action = 'unpublish'");
    assert_eq!(withdrawn, [json!({ "reason": "Names a person" })]);
    // The queue shows only what waits for a reply when asked.
    let (_, waiting) = mo.get("/api/clt/queue?show=waiting");
    let ids: Vec<&str> = waiting["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, [private.as_str()], "the answered one is not waiting");
    let (_, page, _) = status_and_body(
        mo.request("GET", "/en/clt/moderate?show=waiting")
            .set("Accept", "text/html")
            .call(),
    );
    let page = page.as_str().unwrap_or_default().to_owned();
    assert!(page.contains("Comments waiting for a reply") && !page.contains(&format!("comment-{published}")));

    // When the figures are rebuilt, the comment says so and keeps what was seen.
    portal.query(&format!(
        "UPDATE clt_comments SET data_version = 'an-older-build' WHERE id = '{published}'"
    ));
    assert!(
        public_page(&portal, "/en/data/capacity/").contains("The figures have changed since this comment was made.")
    );
    assert_eq!(ana.get("/api/clt/comments").1["comments"][1]["figures_changed"], true);

    // The manager's export has both comments and the reply.
    let (status, csv) = portal.manager().get("/api/staff/feedback.csv");
    assert_eq!(status, 200, "{csv}");
    let csv = csv.as_str().expect("CSV").to_owned();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().expect("a header").clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("an RFC 4180 record")).collect();
    assert_eq!(rows.len(), 2, "two comments:\n{csv}");
    let column = |name: &str| header.iter().position(|h| h == name).expect("a column");
    assert!(
        rows.iter().any(|r| &r[column("body")] == "What about the waitlist?"),
        "{csv}"
    );
    assert!(rows.iter().any(|r| &r[column("reply_status")] == "will_act"), "{csv}");
    assert!(rows.iter().any(|r| &r[column("publish")] == "program_only"), "{csv}");

    // Revoking ends every session at once; a new invitation restores access.
    let ana_again = Member::sign_in(&portal, &reinvite(&portal, "ana@example.org"));
    revoke(&portal, "ana@example.org");
    for session in [&ana, &ana_again] {
        let (s, b) = session.get("/api/clt/me");
        assert_eq!((s, b["error"].as_str()), (403, Some("revoked")));
        assert_eq!(session.post("/api/clt/comments", comment.clone()).0, 403);
    }
    let (_, people) = portal.manager().get("/api/staff/people");
    let listed = people["people"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["email"] == "ana@example.org"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (&listed["role"], &listed["active"], &listed["comments"]),
        (&json!("member"), &json!(false), &json!(2)),
        "{people}"
    );
    let restored = Member::sign_in(&portal, &reinvite(&portal, "ana@example.org"));
    assert_eq!(restored.get("/api/clt/me").0, 200);
    assert_eq!(restored.post("/api/clt/signout", json!({})).0, 200);
    assert_eq!(restored.get("/api/clt/me").0, 401, "signed out");
    // A moderator does not publish their own comment, and a reply has words.
    let (_, own) = mo.post("/api/clt/comments", comment.clone());
    let own = own["id"].as_str().expect("an id").to_owned();
    let (status, body) = mo.post(&format!("/api/clt/comments/{own}/approve"), json!({}));
    assert_eq!((status, body["error"].as_str()), (409, Some("own_comment")), "{body}");
    let (status, body) = mo.post(
        &format!("/api/clt/comments/{own}/reply"),
        json!({ "status": "noted", "body": "  " }),
    );
    assert_eq!(status, 422, "an empty reply: {body}");
    assert!(
        body.to_string().contains("Write the reply the member will read."),
        "{body}"
    );
}

#[test]
fn sign_in_attempts_are_rate_limited() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let own = portal.url("");
    // The manager who will invite someone signs in first: the first of the
    // ten sign-ins this client may make in 15 minutes.
    portal.manager();
    let mut statuses = Vec::new();
    for n in 0..14 {
        statuses.push(join(&portal, &format!("guess{n}.1.AAAA"), Some(&own)).0);
    }
    assert!(statuses[..9].iter().all(|&s| s == 400), "{statuses:?}");
    assert!(statuses[9..].iter().all(|&s| s == 429), "{statuses:?}");
    let token = invite(&portal, "Late", "Org", "late@example.org", "member");
    assert_eq!(
        join(&portal, &token, Some(&own)).0,
        429,
        "even a real invitation waits out the limit"
    );
}

/// Issue 11: members could post without limit (each comment copying the
/// chart's CSV), lists had no LIMIT, `revoke` left unused links valid and
/// `reinvite` revived every older one, spending a link and starting the
/// session were two steps, and comments kept control and bidi characters.
#[test]
fn the_clt_stays_within_bounds() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()).with_var("CLT_COMMENTS_PER_HOUR", "55"));
    let count = |sql: &str| portal.query(sql)[0]["n"].as_u64().expect("a count");

    // Spending a link and starting the session are one step: when the
    // session cannot be stored, the link is not spent either.
    let token = invite(&portal, "Ana", "Eastgate Tenants", "ana@example.org", "moderator");
    portal.query(
        "CREATE TRIGGER no_sessions BEFORE INSERT ON clt_sessions BEGIN SELECT RAISE(ABORT, 'simulated failure'); END",
    );
    let (status, body, _) = join(&portal, &token, Some(&portal.url("")));
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        count(
            "SELECT COUNT(*) AS n FROM clt_invitations i JOIN clt_members m ON m.id = i.member_id
             WHERE m.email = 'ana@example.org' AND i.redeemed_at IS NOT NULL"
        ),
        0,
        "not spent"
    );
    portal.query("DROP TRIGGER no_sessions");
    let ana = Member::sign_in(&portal, &token);

    // A member's comments per hour are limited; what was sent stays, and
    // a comment refused for its content does not count.
    let (status, _) = ana.post(
        "/api/clt/comments",
        json!({ "page": "capacity", "chart": "average-caseload", "period": "all", "kind": "concern",
                "body": "   ", "publish": "anonymous", "data_point": "" }),
    );
    assert_eq!(status, 422);
    let tricky = "Why\u{202E}gnp.exe\u{7} this\u{2066} drop?";
    let first = ana.comment("average-caseload", tricky, "anonymous");
    for n in 1..55 {
        ana.comment("average-caseload", &format!("Comment {n} on the caseload"), "anonymous");
    }
    let (status, over) = ana.post(
        "/api/clt/comments",
        json!({ "page": "capacity", "chart": "average-caseload", "period": "all", "kind": "concern",
                "body": "One too many", "publish": "anonymous", "data_point": "" }),
    );
    assert_eq!(status, 429, "{over}");
    assert!(over["retry_after"].as_u64().is_some_and(|s| s > 0), "{over}");
    assert_eq!(count("SELECT COUNT(*) AS n FROM clt_comments"), 55);
    // The figures are kept once per version, not once per comment.
    assert_eq!(count("SELECT COUNT(*) AS n FROM clt_figures"), 1);

    // Control and bidi characters are gone, in the API and the export.
    let (_, mine) = ana.get("/api/clt/comments?page=2");
    let cleaned = mine["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .find(|c| c["id"] == first.as_str())
        .expect("the first comment, on the last page")
        .clone();
    assert_eq!(cleaned["body"], "Whygnp.exe this drop?");
    assert!(
        cleaned["figures"].as_str().is_some_and(|f| f.contains(',')),
        "the figures it was made on"
    );
    let (status, export) = portal.manager().get("/api/staff/feedback.csv");
    assert_eq!(status, 200);
    let export = export.as_str().expect("CSV").to_owned();
    assert!(
        !export.chars().any(|c| matches!(c, '\u{202E}' | '\u{2066}' | '\u{7}')),
        "nothing in the export can rewrite a terminal"
    );

    // Every list comes in pages of 50.
    for path in ["/api/clt/comments", "/api/clt/queue"] {
        let (_, one) = ana.get(path);
        assert_eq!(one["comments"].as_array().map(Vec::len), Some(50), "{path}");
        assert_eq!(one["next_page"], 2, "{path}");
        let (_, two) = ana.get(&format!("{path}?page=2"));
        assert_eq!(two["comments"].as_array().map(Vec::len), Some(5), "{path}");
        assert_eq!(two["next_page"], Value::Null, "{path}");
    }
    let (_, queue, _) = status_and_body(ana.request("GET", "/en/clt/moderate").set("Accept", "text/html").call());
    let queue = queue.as_str().unwrap_or("").to_string();
    assert!(
        queue.contains("/en/clt/moderate?page=2\">Older comments"),
        "the queue links its next page"
    );

    // Revoking voids unused links; a new link voids every older one.
    let old_link = invite(&portal, "Bo", "Corner Store", "bo@example.org", "member");
    revoke(&portal, "bo@example.org");
    let second = reinvite(&portal, "bo@example.org");
    let newest = reinvite(&portal, "bo@example.org");
    for (what, link) in [
        ("the link sent before the revocation", &old_link),
        ("an older reinvitation", &second),
    ] {
        let (status, body, _) = join(&portal, link, Some(&portal.url("")));
        assert_eq!(status, 400, "{what} no longer works: {body}");
    }
    Member::sign_in(&portal, &newest);
}

#[test]
fn every_clt_operation_is_tagged_clt_in_the_openapi_document() {
    let doc = openapi::document();
    let mut n = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (_, op) in item.as_object().expect("operations") {
            let tags = op["tags"].as_array().expect("tags");
            assert_eq!(path.starts_with("/api/clt/"), tags.contains(&json!("clt")), "{path}");
            n += usize::from(path.starts_with("/api/clt/"));
        }
    }
    assert_eq!(n, 10, "every CLT operation is documented");
}

/// Strings that would run script or change the page if echoed unescaped.
/// Each sets `window.__pwned` (or the title) if it ever executes.
const INJECTIONS: [&str; 12] = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=\"window.__pwned=1\">",
    "\"><svg onload=window.__pwned=1>",
    "'><iframe src=javascript:window.top.__pwned=1>",
    "<a href=\"javascript:window.__pwned=1\">click</a>",
    "</textarea><script>window.__pwned=1</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>",
    "{{constructor.constructor('window.__pwned=1')()}}",
    "<IMG SRC=x OnErRoR=window.__pwned=1>",
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    "\u{202e}<b onmouseover=window.__pwned=1>reversed</b>",
    "<details open ontoggle=window.__pwned=1>",
];

async fn nothing_ran(c: &Client, what: &str) {
    let state = c
        .execute(
            "return { pwned: window.__pwned === 1 || (window.top && window.top.__pwned === 1),
                      injected: document.querySelectorAll('.comment script, .comment img, .comment svg, .comment iframe, .comment [onerror], .comment [onload], .comment [ontoggle], .comment [onmouseover], .comment a[href^=\"javascript\"]').length }",
            vec![],
        )
        .await
        .expect("inspect the page");
    assert_eq!(state["pwned"], false, "{what}: a payload ran");
    assert_eq!(state["injected"], 0, "{what}: a payload became markup");
}

async fn click_button(c: &Client, within: &str, text: &str) {
    let scope = c.find(Locator::Css(within)).await.expect("scope");
    let button = scope
        .find(Locator::XPath(&format!(".//button[normalize-space()='{text}']")))
        .await
        .unwrap_or_else(|_| panic!("button {text}"));
    button.click().await.expect("click");
}

#[tokio::test(flavor = "multi_thread")]
async fn in_the_browser_a_member_comments_a_moderator_approves_and_the_public_reads_it_as_text() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let ana_link = invite(
        &portal,
        "Ana <b>Member</b>",
        "Eastgate \"Neighbours\" <i>&</i>",
        "ana@example.org",
        "member",
    );
    let mo_link = invite(&portal, "Mo Moderator", "LEAD program", "mo@example.org", "moderator");

    // The member follows the link, signs in and comments on a chart.
    let member = Browser::start(true).await;
    let c = &member.client;
    c.goto(&portal.url(&format!("/en/clt/join?i={ana_link}")))
        .await
        .expect("open the link");
    check::accessible(c, "the invitation page").await;
    click_button(c, "main", "Sign in").await;
    check::sees(c, "Signed in as Ana <b>Member</b>").await;
    check::accessible(c, "the member's page").await;
    c.goto(&portal.url("/en/data/capacity/"))
        .await
        .expect("open the dashboard");
    let block = "#average-caseload";
    let summary = c
        .find(Locator::Css(&format!("{block} .comment-form summary")))
        .await
        .expect("the comment form");
    // The toggle names its chart and period.
    let named = summary.text().await.expect("text");
    assert!(
        named.starts_with(
            "Comment on this chart: Average and highest active caseload per case manager, each month, All time ("
        ),
        "{named}"
    );
    summary.click().await.expect("open it");
    check::accessible(c, "a dashboard with the comment form").await;
    c.find(Locator::Css("#kind-concern-average-caseload"))
        .await
        .expect("kind")
        .click()
        .await
        .expect("choose");
    c.find(Locator::Css("#comment-average-caseload"))
        .await
        .expect("comment box")
        .send_keys(&format!("Caseloads near the limit. {}", INJECTIONS.join(" ")))
        .await
        .expect("type");
    c.find(Locator::Css("#point-average-caseload"))
        .await
        .expect("data point")
        .send_keys(INJECTIONS[2])
        .await
        .expect("type");
    c.find(Locator::Css("#publish-with_organisation-average-caseload"))
        .await
        .expect("publish")
        .click()
        .await
        .expect("choose");
    click_button(c, &format!("{block} .comment-form"), "Send comment").await;
    check::sees(c, "Thank you: your comment was sent to the program.").await;
    // The page lands on the thank-you, so it is read out.
    let landed = c.current_url().await.expect("url");
    assert_eq!(landed.fragment(), Some("sent-average-caseload"), "{landed}");
    nothing_ran(c, "the dashboard after commenting").await;

    // The form on the page as a whole, and on the front page the form on
    // the program, pass axe open.
    for (path, toggle) in [
        (
            "/en/data/capacity/",
            "Comment on this page as a whole: Capacity, All time",
        ),
        ("/en/data/", "Comment on the program as a whole"),
    ] {
        c.goto(&portal.url(path)).await.expect("open the page");
        c.find(Locator::XPath(&format!(
            "//summary[starts-with(normalize-space(), '{toggle}')]"
        )))
        .await
        .unwrap_or_else(|_| panic!("{path}: the toggle {toggle}"))
        .click()
        .await
        .expect("open it");
        check::accessible(c, &format!("{path} with the form open: {toggle}")).await;
    }

    // More payloads through the API: as comments, and as the moderator's reply.
    let api = Member::sign_in(
        &portal,
        &invite(
            &portal,
            "<svg onload=alert(1)>",
            "Org <script>x</script>",
            "api@example.org",
            "member",
        ),
    );
    for payload in INJECTIONS {
        api.comment("waitlisted-declined", payload, "with_organisation");
    }

    // The moderator replies (with payloads) and approves everything publishable.
    let moderator = Browser::start(true).await;
    let m = &moderator.client;
    m.goto(&portal.url(&format!("/en/clt/join?i={mo_link}")))
        .await
        .expect("open the link");
    click_button(m, "main", "Sign in").await;
    check::sees(m, "Moderation queue").await;
    m.goto(&portal.url("/en/clt/moderate")).await.expect("queue");
    check::accessible(m, "the moderation queue").await;
    nothing_ran(m, "the moderation queue").await;
    loop {
        let Ok(form) = m.find(Locator::Css("form[action$='/approve?lang=en']")).await else {
            break;
        };
        let action = form.attr("action").await.expect("attr").expect("action");
        let id = action
            .trim_start_matches("/api/clt/comments/")
            .trim_end_matches("/approve?lang=en")
            .to_owned();
        let card = format!("#comment-{id}");
        m.find(Locator::Css(&format!("#status-will_act-{id}")))
            .await
            .expect("status")
            .click()
            .await
            .expect("choose");
        m.find(Locator::Css(&format!("#reply-body-{id}")))
            .await
            .expect("reply box")
            .send_keys(&format!("We will look. {}", INJECTIONS[1]))
            .await
            .expect("type");
        click_button(m, &card, "Send reply").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        click_button(m, &card, "Approve for publication").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    nothing_ran(m, "the moderation queue after replies").await;
    c.goto(&portal.url("/en/clt/")).await.expect("member page");
    check::sees(c, "The program's reply: Will act").await;
    nothing_ran(c, "the member's page").await;

    // The public sees the commentary, as text, and passes axe.
    let public = Browser::start(true).await;
    let p = &public.client;
    p.goto(&portal.url("/en/data/capacity/")).await.expect("open");
    check::sees(p, "Caseloads near the limit.").await;
    check::sees(p, "Eastgate \"Neighbours\" <i>&</i>").await;
    check::sees(p, "{{constructor.constructor('window.__pwned=1')()}}").await;
    nothing_ran(p, "the public dashboard").await;
    let shown = p
        .execute(
            "return document.querySelectorAll('.commentary .comment').length",
            vec![],
        )
        .await
        .expect("count");
    assert_eq!(shown, json!(1 + INJECTIONS.len()), "every approved comment is shown");
    check::accessible(p, "the public dashboard with commentary").await;
    member.close().await;
    moderator.close().await;
    public.close().await;
}

/// Signing in again without the program manager: a signed-in member gets a
/// single-use link for another device (a page with the link and its QR
/// code, or JSON); signing out says first that a new link will be needed,
/// and ends on a page that says how to come back; a spent link and a
/// missing session say what to do instead, with the program's contact.
#[tokio::test]
async fn a_member_adds_a_device_and_signs_out_knowing_how_to_come_back() {
    use lead_e2e::browser::{action, find};
    use lead_e2e::member::invitation_of;
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let ana = Member::sign_in(
        &portal,
        &invite(&portal, "Ana Ruiz", "Eastgate Neighbors", "ana@example.org", "member"),
    );
    let (status, body) = ana.post("/api/clt/devices", json!({}));
    assert_eq!(status, 201, "{body}");
    let link = body["link"].as_str().expect("a link").to_owned();
    assert!(link.starts_with(&portal.url("/en/clt/join?i=")), "{link}");
    let phone = Member::sign_in(&portal, &invitation_of(&link));
    assert_eq!(phone.get("/api/clt/me").1["name"], "Ana Ruiz", "the same person");
    let (status, _, _) = join(&portal, &invitation_of(&link), Some(&portal.url("")));
    assert_eq!(status, 410, "once only");
    let expires: Vec<i64> = portal
        .query("SELECT expires_at - created_at AS valid FROM clt_invitations ORDER BY created_at DESC LIMIT 1")
        .iter()
        .filter_map(|r| r["valid"].as_i64())
        .collect();
    assert_eq!(expires, [15 * 60_000], "valid for 15 minutes");
    // Without a session or a CSRF token, no link.
    assert_eq!(Member::anonymous(&portal).post("/api/clt/devices", json!({})).0, 401);
    let forged = Member {
        csrf: "x".into(),
        ..Member::sign_in(
            &portal,
            &invitation_of(&ana.post("/api/clt/devices", json!({})).1["link"].to_string()),
        )
    };
    assert_eq!(forged.post("/api/clt/devices", json!({})).0, 403);

    let contact = "(555) 010-0142";
    let browser = Browser::start(true).await;
    let c = &browser.client;
    let (_, body) = ana.post("/api/clt/devices", json!({}));
    action::sign_in_with(c, body["link"].as_str().expect("a link")).await;
    check::sees(c, "Signed in as Ana Ruiz").await;
    action::press(c, "Sign in on another device").await;
    check::sees(c, "It works once, for the next 15 minutes").await;
    let shown = find::field_by_label(c, "Sign-in link").await;
    let shown = shown.prop("value").await.ok().flatten().expect("the link");
    assert!(shown.starts_with(&portal.url("/en/clt/join?i=")), "{shown}");
    let qr = c.find(Locator::Css("svg.qr-code")).await.expect("a QR code");
    assert_eq!(
        qr.attr("aria-label").await.ok().flatten().as_deref(),
        Some(shown.as_str())
    );
    check::accessible(c, "the link for another device").await;

    // Signing out: first what it means, then said so.
    c.goto(&portal.url("/en/clt/")).await.expect("home");
    c.find(Locator::LinkText("Sign out"))
        .await
        .expect("link")
        .click()
        .await
        .expect("click");
    check::sees(c, "you need a new link to sign in again").await;
    check::accessible(c, "the sign-out page").await;
    action::press(c, "Sign out now").await;
    check::sees(c, "You are signed out").await;
    check::sees(c, contact).await;
    check::accessible(c, "the signed-out page").await;
    // Without a session, and with a spent link: what to do instead.
    c.goto(&portal.url("/en/clt/")).await.expect("home");
    check::sees(c, "You are not signed in on this device").await;
    check::sees(c, "Sign in on another device").await;
    check::sees(c, contact).await;
    action::sign_in_with(c, &link).await;
    check::sees(c, "This sign-in link has already been used").await;
    check::sees(c, contact).await;
    let page = find::body_text(c).await;
    assert!(!page.contains("invitation link the program manager sent you"), "{page}");
    browser.close().await;
}

/// Without JavaScript, a comment that needs correcting comes back on its
/// chart's page with the form open, what was written, and each problem
/// beside its field; one sent after the session ended is shown back, not
/// lost.
#[test]
fn a_comment_that_cannot_be_taken_is_kept_for_the_member() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let ana = Member::sign_in(
        &portal,
        &invite(&portal, "Ana", "Eastgate Neighbors", "ana@example.org", "member"),
    );
    let form = |who: &Member, body: &str| {
        let csrf = who.csrf.clone();
        status_and_body(
            who.request("POST", "/api/clt/comments")
                .set("Accept", "text/html")
                .set("Origin", &portal.url(""))
                .send_form(&[
                    ("csrf", csrf.as_str()),
                    ("page", "capacity"),
                    ("chart", "average-caseload"),
                    ("period", "all"),
                    ("kind", "question"),
                    ("data_point", "2024-Q3 Police"),
                    ("body", body),
                    ("publish", "anonymous"),
                ]),
        )
    };
    let (status, page, _) = form(&ana, "   ");
    let page = page.as_str().unwrap_or_default().to_owned();
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("<details class=\"comment-form\" open>"),
        "the form is open"
    );
    assert!(page.contains("Please correct your comment"), "{page}");
    assert!(page.contains("value=\"2024-Q3 Police\""), "what was written stays");
    assert!(
        page.contains("id=\"kind-question-average-caseload\" value=\"question\" required checked")
            || page.contains("value=\"question\" required checked"),
        "the kind chosen stays"
    );
    let body_error = page
        .find("body-error-average-caseload")
        .expect("an error beside the comment box");
    let textarea = page.find("id=\"comment-average-caseload\"").expect("the comment box");
    assert!(body_error < textarea, "the error is at its field");
    assert_eq!(
        portal.query("SELECT COUNT(*) AS n FROM clt_comments")[0]["n"],
        0,
        "nothing stored"
    );

    // A moderator's reply to correct comes back the same way, on the queue.
    let mo = Member::sign_in(
        &portal,
        &invite(&portal, "Mo", "LEAD program", "mo@example.org", "moderator"),
    );
    let (_, made) = ana.post(
        "/api/clt/comments",
        json!({ "page": "capacity", "chart": "average-caseload", "period": "all", "kind": "question",
                "body": "What about the waitlist?", "publish": "anonymous" }),
    );
    let id = made["id"].as_str().expect("an id").to_owned();
    let csrf = mo.csrf.clone();
    let (status, page, _) = status_and_body(
        mo.request("POST", &format!("/api/clt/comments/{id}/reply"))
            .set("Accept", "text/html")
            .set("Origin", &portal.url(""))
            .send_form(&[
                ("csrf", csrf.as_str()),
                ("status", "wont_act"),
                ("body", "Not this year."),
                ("reason", ""),
            ]),
    );
    let page = page.as_str().unwrap_or_default().to_owned();
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Please correct your reply"), "{page}");
    assert!(
        page.contains(&format!(
            "id=\"reply-reason-error-{id}\">Say why the program won&#39;t act."
        )),
        "{page}"
    );
    assert!(page.contains("Not this year.</textarea>"), "what was written stays");
    assert!(page.contains("value=\"wont_act\" checked"), "the status chosen stays");

    // The session ends while Ana writes: her comment is shown back.
    ana.post("/api/clt/signout", json!({}));
    let (status, page, _) = form(&ana, "Why did waitlists grow in the autumn?");
    let page = page.as_str().unwrap_or_default().to_owned();
    assert_eq!(status, 401, "{page}");
    assert!(page.contains("Why did waitlists grow in the autumn?"), "{page}");
    assert!(page.contains("Nothing is lost"), "{page}");
    assert!(page.contains("Sign in on another device"), "how to come back");
    assert!(
        page.contains("href=\"/en/data/capacity/#average-caseload\""),
        "the way back: {page}"
    );
}

/// Beside the charts, members comment on a dashboard page as a whole and on
/// the parts of the program the CLT advises on (the referral questions,
/// prioritization, capacity); the same moderation publishes them where
/// they belong: the page's comments at the foot of the page, the
/// program's on the dashboards' front page (which keeps its delivery
/// record).
#[test]
fn members_comment_on_the_program_and_on_a_whole_page_and_the_public_reads_them_where_they_belong() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let ana = Member::sign_in(
        &portal,
        &invite(&portal, "Ana", "Eastgate Neighbors", "ana@example.org", "member"),
    );
    let mo = Member::sign_in(
        &portal,
        &invite(&portal, "Mo", "LEAD program", "mo@example.org", "moderator"),
    );
    let html = |who: &Member, path: &str| {
        let (status, body, _) = status_and_body(who.request("GET", path).set("Accept", "text/html").call());
        assert_eq!(status, 200, "{path}: {body}");
        body.as_str().unwrap_or_default().to_owned()
    };

    // A member sees both forms; the public sees neither.
    let front = html(&ana, "/en/data/");
    assert!(
        front.contains("Comment on the program as a whole")
            && front.contains("name=\"topic\" id=\"topic-prioritization-program\" value=\"prioritization\""),
        "{front}"
    );
    assert!(html(&ana, "/en/data/capacity/").contains("Comment on this page as a whole: Capacity, All time"));
    let public = html(&Member::anonymous(&portal), "/en/data/");
    assert!(!public.contains("Comment on the program") && !public.contains("Comments on the program"));
    assert!(
        public.contains("data-delivery-record"),
        "the front page keeps its delivery record"
    );

    // What is refused, in words.
    let (status, body) = ana.post(
        "/api/clt/comments",
        json!({ "topic": "police", "kind": "concern", "body": "x", "publish": "anonymous" }),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("which part of the program"), "{body}");
    let (status, body) = ana.post(
        "/api/clt/comments",
        json!({ "page": "nowhere", "period": "all", "kind": "concern", "body": "x", "publish": "anonymous" }),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("no such dashboard page"), "{body}");

    // Stored, answered and approved like a comment on a chart.
    let (status, made) = ana.post(
        "/api/clt/comments",
        json!({ "topic": "prioritization", "kind": "concern", "publish": "with_organisation",
                "body": "Referrals from shop owners seem to wait longer than others." }),
    );
    assert_eq!(status, 201, "{made}");
    let on_program = made["id"].as_str().expect("an id").to_owned();
    let (status, made) = ana.post(
        "/api/clt/comments",
        json!({ "page": "capacity", "period": "all", "kind": "suggestion", "publish": "anonymous",
                "body": "Show how many case managers are hired against the plan." }),
    );
    assert_eq!(status, 201, "{made}");
    let on_page = made["id"].as_str().expect("an id").to_owned();
    let (_, mine) = ana.get("/api/clt/comments");
    let mine = mine.to_string();
    assert!(
        mine.contains("\"topic\":\"prioritization\"") && mine.contains("\"chart\":null"),
        "{mine}"
    );
    for id in [&on_program, &on_page] {
        let (status, out) = mo.post(
            &format!("/api/clt/comments/{id}/reply"),
            json!({ "status": "will_act", "body": "We will look at it this quarter." }),
        );
        assert_eq!(status, 200, "{out}");
        let (status, out) = mo.post(&format!("/api/clt/comments/{id}/approve"), json!({}));
        assert_eq!(status, 200, "{out}");
    }
    // A second reply replaces the first for the public, and the first is
    // kept for the member and the moderators.
    let (status, out) = mo.post(
        &format!("/api/clt/comments/{on_program}/reply"),
        json!({ "status": "done", "body": "Shop owners' referrals now wait no longer than others." }),
    );
    assert_eq!(status, 200, "{out}");
    let queue = html(&mo, "/en/clt/moderate");
    let card = &queue[queue.find(&format!("id=\"comment-{on_program}\"")).expect("the card")..];
    let card = &card[..card.find("</article>").expect("its end")];
    assert!(
        card.contains("The program&#39;s reply: Done")
            && card.contains("Earlier replies from the program (1)")
            && card.contains("Will act, ")
            && card.contains(", by Mo")
            && card.contains("We will look at it this quarter."),
        "{card}"
    );
    let (_, mine) = ana.get("/api/clt/comments");
    let earlier = mine["comments"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["id"] == on_program.as_str()))
        .map(|c| c["earlier_replies"].clone())
        .expect("the member's comment");
    assert_eq!(earlier[0]["status"], "will_act", "{earlier}");
    assert_eq!(earlier.as_array().map(Vec::len), Some(1), "{earlier}");

    // The public reads each where it belongs.
    let front = html(&Member::anonymous(&portal), "/en/data/");
    let program = &front[front
        .find("Comments on the program as a whole")
        .expect("the program's commentary")..];
    assert!(
        program.contains("Concern from Eastgate Neighbors")
            && program.contains("on the program: How referrals are prioritized")
            && program.contains("shop owners seem to wait longer")
            && program.contains("Done")
            && program.contains("now wait no longer")
            && !program.contains("Earlier replies")
            && !program.contains("this quarter"),
        "{program}"
    );
    assert!(
        !front.contains("case managers are hired"),
        "the page's comment stays on its page"
    );
    let capacity = html(&Member::anonymous(&portal), "/en/data/capacity/");
    let whole = &capacity[capacity
        .find("Comments on this page as a whole")
        .expect("the page's commentary")..];
    assert!(
        whole.contains("Suggestion from a Community Leadership Team member")
            && whole.contains("case managers are hired"),
        "{whole}"
    );
    assert_eq!(capacity.matches("case managers are hired").count(), 1, "under no chart");
    assert!(!capacity.contains("shop owners seem to wait"));

    // On the member's page, each says what it is on, in their language.
    let home = html(&ana, "/en/clt/");
    assert!(
        home.contains(">the program: How referrals are prioritized</a>")
            && home.contains(">the Capacity page as a whole (all time)</a>")
            && home.contains("use the form on <a href=\"/en/data/#program-commentary\">"),
        "{home}"
    );
    let casa = html(&ana, "/es/clt/");
    assert!(
        casa.contains(">el programa: Cómo se da prioridad a los referidos</a>")
            && casa.contains(">la página Capacidad en conjunto (todo el período)</a>"),
        "{casa}"
    );

    // Without JavaScript: a problem comes back on the front page with the
    // form open; a comment sent lands on its thanks.
    // (status, Location, page)
    let form = |body: &str| {
        let csrf = ana.csrf.clone();
        let sent = ana
            .request("POST", "/api/clt/comments?lang=en")
            .set("Accept", "text/html")
            .set("Origin", &portal.url(""))
            .send_form(&[
                ("csrf", csrf.as_str()),
                ("topic", "capacity"),
                ("kind", "question"),
                ("body", body),
                ("publish", "program_only"),
            ]);
        let response = match sent {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        (
            response.status(),
            response.header("Location").map(str::to_owned),
            response.into_string().unwrap_or_default(),
        )
    };
    let (status, _, page) = form(" ");
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("<details class=\"comment-form\" open>")
            && page.contains("value=\"capacity\" checked")
            && page.contains("data-delivery-record"),
        "{page}"
    );
    let (status, location, _) = form("Could the program say how many people it can take this year?");
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/en/data/?commented=program#sent-program"))
    );
    let thanks = html(&ana, "/en/data/?commented=program");
    assert!(thanks.contains("id=\"sent-program\""), "{thanks}");
}

/// The CLT in Spanish, in a real browser: an English invitation link
/// switched to Spanish signs in to `/es/clt/`; the member page, the link for
/// another device, the moderation queue with a reply to correct, sign-out
/// and the "please sign in" page all speak Spanish and keep it; a member
/// sees on the dashboards that they are signed in; the old `/clt/`
/// addresses move to `/en/clt/`.
#[tokio::test]
async fn the_clt_in_spanish_keeps_the_language_from_sign_in_to_sign_out() {
    use lead_e2e::browser::{action, find};
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let contact = "(555) 010-0142";

    // Invitation links already sent keep working: /clt/… moves to /en/clt/….
    for (old, new) in [
        ("/clt/", "/en/clt/"),
        ("/clt/join?i=abc", "/en/clt/join?i=abc"),
        ("/clt/moderate", "/en/clt/moderate"),
    ] {
        let response = lead_e2e::member::agent()
            .get(&portal.url(old))
            .call()
            .expect("a redirect");
        assert_eq!(response.status(), 301, "{old}");
        assert_eq!(response.header("Location"), Some(new), "{old}");
    }

    let ana = invite(&portal, "Ana Ruiz", "Vecinos de Eastgate", "ana@example.org", "member");
    Member::sign_in(&portal, &ana).comment("average-caseload", "¿Y la lista de espera?", "anonymous");
    let ana_link = reinvite(&portal, "ana@example.org");
    let mo_link = invite(&portal, "Mo Díaz", "Programa", "mo@example.org", "moderator");

    let browser = Browser::start(true).await;
    let c = &browser.client;
    // The English invitation page, switched to Spanish, keeps the link.
    c.goto(&portal.url(&format!("/en/clt/join?i={ana_link}")))
        .await
        .expect("the invitation");
    c.find(Locator::LinkText("Español"))
        .await
        .expect("the language switch")
        .click()
        .await
        .expect("click");
    check::sees(c, "Únase al Equipo de Liderazgo Comunitario").await;
    check::accessible(c, "the invitation page in Spanish").await;
    action::press(c, "Iniciar sesión").await;
    check::sees(c, "Sesión abierta como Ana Ruiz (Vecinos de Eastgate)").await;
    let url = c.current_url().await.expect("url");
    assert_eq!(url.path(), "/es/clt/", "{url}");
    check::sees(c, "¿Y la lista de espera?").await;
    check::sees(c, "El programa todavía no ha respondido.").await;
    check::accessible(c, "the member page in Spanish").await;

    // Another device, in Spanish: the link opens the Spanish sign-in page.
    action::press(c, "Iniciar sesión en otro dispositivo").await;
    check::sees(c, "Funciona una sola vez, durante los próximos 15 minutos").await;
    let shown = find::field_by_label(c, "Enlace para iniciar sesión").await;
    let shown = shown.prop("value").await.ok().flatten().expect("the link");
    assert!(shown.starts_with(&portal.url("/es/clt/join?i=")), "{shown}");
    check::accessible(c, "the link for another device in Spanish").await;

    // On the dashboards, a member sees who is signed in and the way back.
    c.goto(&portal.url("/en/data/capacity/")).await.expect("dashboard");
    check::sees(c, "Signed in as Ana Ruiz").await;
    c.find(Locator::LinkText("Your comments"))
        .await
        .expect("the way to the comments");

    // Sign-out in Spanish, then the page for a device without a session.
    c.goto(&portal.url("/es/clt/signout")).await.expect("sign-out page");
    check::sees(c, "necesitará un enlace nuevo").await;
    action::press(c, "Cerrar sesión ahora").await;
    check::sees(c, "Cerró sesión").await;
    check::sees(c, contact).await;
    let url = c.current_url().await.expect("url");
    assert_eq!(url.path(), "/es/clt/signed-out", "{url}");
    check::accessible(c, "the signed-out page in Spanish").await;
    c.goto(&portal.url("/es/clt/")).await.expect("home");
    check::sees(c, "No tiene una sesión abierta en este dispositivo").await;
    check::sees(c, "Iniciar sesión en otro dispositivo").await;
    check::accessible(c, "the please-sign-in page in Spanish").await;

    // A moderator in Spanish: the queue, and a reply to correct.
    c.goto(&portal.url(&format!("/es/clt/join?i={mo_link}")))
        .await
        .expect("the invitation");
    action::press(c, "Iniciar sesión").await;
    // Signed in before the queue is opened, not while the sign-in is sent.
    check::sees(c, "Sesión abierta como Mo Díaz").await;
    c.goto(&portal.url("/es/clt/moderate")).await.expect("queue");
    check::sees(c, "Cola de moderación").await;
    let headings: Vec<String> = {
        let mut levels = Vec::new();
        for h in c
            .find_all(Locator::Css("main h1, main h2, main h3, main h4"))
            .await
            .expect("headings")
        {
            levels.push(h.tag_name().await.expect("tag"));
        }
        levels
    };
    let mut previous = 1;
    for h in &headings {
        let level: usize = h.trim_start_matches('h').parse().expect("level");
        assert!(level <= previous + 1, "the queue's headings skip a level: {headings:?}");
        previous = level;
    }
    // "Won't act" without a reason: the form comes back, in Spanish.
    find::radio(c, "Respuesta: ¿qué hará el programa?", "No actuará")
        .await
        .click()
        .await
        .expect("choose");
    find::field_by_label(c, "Respuesta (el/la miembro la lee)")
        .await
        .send_keys("Lo hablaremos en la próxima reunión.")
        .await
        .expect("type");
    action::press(c, "Enviar respuesta").await;
    check::sees(c, "Corrija su respuesta").await;
    check::sees(c, "Diga por qué el programa no actuará.").await;
    check::accessible(c, "the queue with a reply to correct, in Spanish").await;
    let url = c.current_url().await.expect("url");
    assert!(url.as_str().contains("lang=es"), "{url}");
    find::field_by_label(c, "Motivo (necesario para “No actuará”)")
        .await
        .send_keys("Ya se publica.")
        .await
        .expect("type");
    action::press(c, "Enviar respuesta").await;
    check::sees(c, "Su respuesta se guardó").await;
    let url = c.current_url().await.expect("url");
    assert_eq!(url.path(), "/es/clt/moderate", "{url}");
    assert!(
        find::body_text(c).await.contains("Respuesta del programa: No actuará"),
        "the reply, in Spanish"
    );
    browser.close().await;
}
