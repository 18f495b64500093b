//! The staff console end to end, as a program manager uses it: signs in
//! with an invitation link, pauses intake
//! (the intake page shows it with and without JavaScript and posts are
//! refused with its message), ends the pause, lets an override expire,
//! resends a stuck referral; every action is in the audit log and its CSV.
//! The first manager is made with `functions/bin/staff first-manager`,
//! which refuses once the portal has a manager.
//! And what must be refused: no session (401), a CLT member at the console
//! or a moderator changing intake (403), on every `staff` operation.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lead_content::intake_state::Notice;
use lead_content::schema::IntakeStatus;
use lead_content::{intake, Lang};
use lead_e2e::browser::{action, check, find, Browser};
use lead_e2e::member::{invitation_of, invite, Member, SETUP_MANAGER};
use lead_e2e::openapi;
use lead_e2e::portal::{sample_referral, Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::TEST_SECRET;
use serde_json::{json, Value};

fn message(status: IntakeStatus, lang: Lang) -> String {
    Notice::policy(status)
        .message(&intake().policy.intake)
        .get(lang)
        .to_string()
}

fn intake_status(portal: &Portal) -> String {
    let (_, body) = portal.get("/api/status");
    serde_json::from_str::<Value>(&body).expect("JSON")["intake_status"]
        .as_str()
        .expect("a status")
        .to_owned()
}

/// The audit log, without the lines of the tests' own setup (the manager
/// who invites the people a test signs in as).
fn audit(portal: &Portal) -> Vec<Value> {
    portal.query(&format!(
        "SELECT actor_name, action, subject, from_value, to_value, reason FROM audit_log
         WHERE actor_name NOT IN ('{SETUP_MANAGER}', 'functions/bin/staff first-manager') ORDER BY id"
    ))
}

#[tokio::test]
async fn a_manager_pauses_intake_and_the_intake_page_shows_it_with_and_without_javascript() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let link = invite(&portal, "Pat Manager", "LEAD program", "pm@example.org", "manager");

    let browser = Browser::start(true).await;
    let c = &browser.client;
    action::sign_in_with(c, &portal.url(&format!("/en/clt/join?i={link}"))).await;
    check::sees(c, "Staff console").await;
    check::sees(c, "Open: taking community referrals").await;
    // Community referrals beside the other doors, from the published figures.
    check::sees(c, "Referrals by door").await;
    check::sees(c, "Community referral").await;
    check::sees(c, "Arrest diversion").await;
    check::accessible(c, "the staff console").await;

    action::choose(c, "Set intake by hand", "Paused: not taking community referrals").await;
    action::type_into(c, "Reason (kept in the audit log)", "Staff training day").await;
    action::press(c, "Set intake").await;
    check::sees(c, "Intake was set.").await;
    check::sees(c, "Paused: not taking community referrals").await;
    check::accessible(c, "the staff console with an override").await;

    // The intake page says so without JavaScript, and has no form.
    let paused = message(IntakeStatus::Paused, Lang::En);
    let (status, html) = portal.get("/en/");
    assert_eq!(status, 200);
    assert!(
        html.contains(&lead_content::page::escape(&paused)),
        "the paused message"
    );
    assert!(!html.contains("<form class=\"intake\""), "no form while paused");
    let plain = Browser::start(false).await;
    plain.client.goto(&portal.url("/es/")).await.expect("intake page");
    check::sees(&plain.client, &message(IntakeStatus::Paused, Lang::Es)).await;
    plain.close().await;
    // And with JavaScript.
    c.goto(&portal.url("/en/")).await.expect("intake page");
    check::sees(c, &paused).await;
    // Posts are refused with the message; nothing is stored.
    let (status, body) = portal.post_json(&sample_referral(1));
    assert_eq!((status, body["error"].as_str()), (422, Some("intake_closed")), "{body}");
    assert_eq!(body["message"], paused);
    assert_eq!(portal.query("SELECT COUNT(*) AS n FROM referrals")[0]["n"], 0);

    // Ending the pause reopens intake.
    c.goto(&portal.url("/staff/")).await.expect("console");
    action::type_into(c, "Reason for ending the override", "Training ended early").await;
    action::press(c, "End the override now").await;
    check::sees(c, "The override has ended").await;
    assert_eq!(intake_status(&portal), "open");
    browser.close().await;

    let lines = audit(&portal);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["actor_name"], "Pat Manager");
    assert_eq!(lines[0]["action"], "intake_override");
    assert_eq!(lines[0]["from_value"], "open");
    assert!(
        lines[0]["to_value"].as_str().unwrap_or("").starts_with("paused until "),
        "{lines:?}"
    );
    assert_eq!(lines[0]["reason"], "Staff training day");
    assert_eq!(lines[1]["action"], "intake_override_ended");
    assert_eq!(lines[1]["reason"], "Training ended early");

    // The CSV, for a manager.
    let other = invite(&portal, "Sam Deputy", "LEAD program", "deputy@example.org", "manager");
    let deputy = Member::sign_in(&portal, &other);
    let (status, csv) = deputy.get("/api/staff/audit.csv");
    assert_eq!(status, 200);
    let csv = csv.as_str().expect("CSV text").to_owned();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
    assert_eq!(header, ["at", "who", "action", "subject", "from", "to", "reason"]);
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.expect("a row"))
        .filter(|r| &r[1] != SETUP_MANAGER && &r[1] != "functions/bin/staff first-manager")
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][2], "intake_override_ended", "newest first");
    assert_eq!(&rows[1][6], "Staff training day");
}

#[test]
fn capacity_and_an_override_that_expires() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let manager = Member::sign_in(
        &portal,
        &invite(&portal, "Pat Manager", "LEAD program", "pm@example.org", "manager"),
    );
    // A manager enters caseloads over the threshold: priority only, by itself.
    let (status, body) = manager.post(
        "/api/staff/capacity",
        json!({ "average_caseload": 22, "highest_caseload": 24 }),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["intake_status"], "priority_only");
    let (_, overview) = manager.get("/api/staff/overview");
    assert_eq!(overview["intake"]["cause"], "capacity");
    assert_eq!(overview["intake"]["capacity"]["reported_by"], "manager");
    assert_eq!(overview["intake"]["capacity"]["stale"], false);

    // An override for a few seconds opens it, then the rule applies again.
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_millis() as i64;
    let until = lead_data::calendar::utc_timestamp(now + 4_000);
    let (status, body) = manager.post(
        "/api/staff/intake",
        json!({ "status": "open", "until": until, "reason": "A community event this afternoon" }),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(intake_status(&portal), "open");
    let (status, body) = portal.post_json(&sample_referral(1));
    assert_eq!(status, 202, "taken during the override: {body}");
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(intake_status(&portal), "priority_only", "the override expired");
    let (_, overview) = manager.get("/api/staff/overview");
    assert_eq!(overview["intake"]["override"]["in_force"], false);
    assert_eq!(overview["intake"]["cause"], "capacity");

    // Refused: no reason, an end in the past.
    let (status, body) = manager.post("/api/staff/intake", json!({ "status": "paused", "hours": "2" }));
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (422, Some("reason")),
        "{body}"
    );
    let (status, _) = manager.post(
        "/api/staff/intake",
        json!({ "status": "paused", "until": "2020-01-01T00:00:00Z", "reason": "x" }),
    );
    assert_eq!(status, 422);
    let actions: Vec<String> = audit(&portal)
        .iter()
        .map(|l| l["action"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(actions, ["capacity_entered", "intake_override"]);
}

#[tokio::test]
async fn a_stuck_referral_is_resent_from_the_console() {
    let receiver = Receiver::start(TEST_SECRET);
    receiver.down();
    let portal = Portal::start(Options::for_tests(&receiver.url()).with_var("MAX_DELIVERY_ATTEMPTS", "1"));
    let (status, body) = portal.post_json(&sample_referral(7));
    assert_eq!(status, 202, "{body}");
    let reference = body["reference"].as_str().expect("a reference").to_owned();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while portal.query(&format!("SELECT status FROM referrals WHERE reference = '{reference}'"))[0]["status"] != "stuck"
    {
        assert!(std::time::Instant::now() < deadline, "the referral became stuck");
        std::thread::sleep(Duration::from_millis(500));
    }

    let link = invite(&portal, "Pat Manager", "LEAD program", "pm@example.org", "manager");
    let browser = Browser::start(true).await;
    let c = &browser.client;
    action::sign_in_with(c, &portal.url(&format!("/en/clt/join?i={link}"))).await;
    check::sees(c, "Stuck referrals").await;
    check::sees(c, &reference).await;
    check::sees(c, "could not connect to the case system").await;
    let page = find::body_text(c).await;
    assert!(!page.contains("Synthetic person 7"), "the console never shows content");

    receiver.up();
    action::press(c, "Resend").await;
    check::sees(c, "Resent").await;
    // The resend wakes the delivery queue; if its message is lost (a busy
    // machine), the minute's sweep sends it, fired here rather than waited for.
    let delivered = |a: &[lead_e2e::receiver::Arrival]| a.iter().any(|a| a.id == reference && a.status == 200);
    let in_time = receiver.wait_for(Duration::from_secs(30), delivered) || {
        portal.sweep();
        receiver.wait_for(Duration::from_secs(30), delivered)
    };
    assert!(in_time, "delivered after the resend");
    browser.close().await;
    let lines = audit(&portal);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["action"], "resend");
    assert_eq!(lines[0]["subject"], reference.as_str());
}

#[test]
fn every_staff_operation_answers_401_without_a_session_and_403_for_the_wrong_role() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let member = Member::sign_in(
        &portal,
        &invite(&portal, "Ana", "Residents' council", "ana@example.org", "member"),
    );
    let moderator = Member::sign_in(
        &portal,
        &invite(&portal, "Mo", "Program", "mo@example.org", "moderator"),
    );
    let anonymous = Member::anonymous(&portal);
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(lead_e2e::root().join("functions/openapi.json")).expect("openapi.json"),
    )
    .expect("JSON");

    // (method, path, managers only)
    let operations = [
        ("GET", "/api/staff/overview", false),
        ("POST", "/api/staff/intake", true),
        ("POST", "/api/staff/intake/end", true),
        ("POST", "/api/staff/capacity", true),
        ("POST", "/api/staff/referrals/LEAD-AAAAA-AAAAA/resend", true),
        ("POST", "/api/staff/referrals/resend-all", true),
        ("GET", "/api/staff/audit.csv", true),
        ("GET", "/api/staff/people", true),
        ("POST", "/api/staff/people", true),
        ("POST", "/api/staff/people/someone/reinvite", true),
        ("POST", "/api/staff/people/someone/revoke", true),
        ("GET", "/api/staff/feedback.csv", false),
    ];
    let documented = |path: &str| {
        path.replace("LEAD-AAAAA-AAAAA", "{reference}")
            .replace("/someone/", "/{id}/")
    };
    let tagged_staff: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .filter(|(p, _)| p.starts_with("/api/staff/"))
        .map(|(p, _)| p.clone())
        .collect();
    let tested: std::collections::BTreeSet<String> = operations.iter().map(|(_, p, _)| documented(p)).collect();
    assert_eq!(
        tagged_staff.len(),
        tested.len(),
        "every staff path is tested: {tagged_staff:?}"
    );
    for (method, path, managers_only) in operations {
        let op = &doc["paths"][documented(path)][method.to_lowercase()];
        assert_eq!(op["tags"], json!(["staff"]), "{method} {path} is tagged staff");
        let call = |who: &Member| -> (u16, Value) {
            if method == "GET" {
                who.get(path)
            } else {
                who.post(path, json!({}))
            }
        };
        let (status, body) = call(&anonymous);
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("not_signed_in")),
            "{method} {path}"
        );
        let (status, body) = call(&member);
        assert_eq!(
            (status, body["error"].as_str()),
            (403, Some("staff_only")),
            "{method} {path}"
        );
        if managers_only {
            let (status, body) = call(&moderator);
            assert_eq!(
                (status, body["error"].as_str()),
                (403, Some("managers_only")),
                "{method} {path}"
            );
        }
        for status in [401, 403] {
            openapi::allows(&doc, method, &documented(path), status, Some("application/json"))
                .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        }
    }
    // A moderator opens the console and sees how things stand.
    let (status, overview) = moderator.get("/api/staff/overview");
    assert_eq!(status, 200, "{overview}");
    assert_eq!(overview["role"], "moderator");
    // A CLT member cannot open the console page either.
    let (status, _) = member.get("/staff/");
    assert_eq!(status, 403);
    assert!(audit(&portal).is_empty(), "nothing refused was done");
}

#[tokio::test]
async fn a_clt_member_invited_from_the_console_signs_in_and_loses_access_when_revoked() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let link = invite(&portal, "Pat Manager", "LEAD program", "pm@example.org", "manager");
    let browser = Browser::start(true).await;
    let c = &browser.client;
    action::sign_in_with(c, &portal.url(&format!("/en/clt/join?i={link}"))).await;
    check::sees(c, "Staff console").await;
    c.goto(&portal.url("/staff/people")).await.expect("people");
    check::sees(c, "People who sign in").await;
    check::accessible(c, "the console's people page").await;

    action::type_into(c, "Name", "Ana Ruiz").await;
    action::type_into(c, "Organization", "Residents' council").await;
    action::type_into(c, "Email", "ana@example.org").await;
    action::choose(
        c,
        "Role",
        "Community Leadership Team member: comments on the published data",
    )
    .await;
    action::press(c, "Invite").await;
    check::sees(c, "Invitation for Ana Ruiz").await;
    check::accessible(c, "a new invitation link").await;
    // The link is shown once, with a copy button (JavaScript) and its QR code.
    let field = find::field_by_label(c, "Sign-in link").await;
    let member_link = field.prop("value").await.ok().flatten().expect("the link");
    assert!(member_link.starts_with(&portal.url("/en/clt/join?i=")), "{member_link}");
    find::button(c, "Copy link").await;
    let qr = c
        .find(fantoccini::Locator::Css("svg.qr-code"))
        .await
        .expect("a QR code");
    assert_eq!(
        qr.attr("aria-label").await.ok().flatten().as_deref(),
        Some(member_link.as_str())
    );

    // Ana signs in with it, without JavaScript.
    let ana = Browser::start(false).await;
    let a = &ana.client;
    action::sign_in_with(a, &member_link).await;
    check::sees(a, "Signed in as Ana Ruiz").await;
    // She is a member, not staff.
    a.goto(&portal.url("/staff/")).await.expect("console");
    check::sees(a, "The staff console is for the program's staff.").await;

    // The manager revokes her; her session ends at once.
    c.goto(&portal.url("/staff/people")).await.expect("people");
    check::sees(c, "Ana Ruiz").await;
    action::type_into(c, "Reason to revoke Ana Ruiz", "Left the council").await;
    action::press(c, "Revoke Ana Ruiz").await;
    check::sees(c, "Access revoked").await;
    a.goto(&portal.url("/en/clt/")).await.expect("Ana's page");
    check::sees(a, "Your access to the Community Leadership Team has ended.").await;
    ana.close().await;
    browser.close().await;

    let actions: Vec<(String, String)> = audit(&portal)
        .iter()
        .map(|l| {
            let text = |k: &str| l[k].as_str().unwrap_or("").to_owned();
            (text("action"), text("reason"))
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("invite".to_owned(), String::new()),
            ("revoke".to_owned(), "Left the council".to_owned())
        ]
    );
    // The feedback export, as staff download it; and the console as a
    // moderator sees it passes axe too.
    let deputy = Member::sign_in(
        &portal,
        &invite(&portal, "Sam Deputy", "LEAD program", "deputy@example.org", "moderator"),
    );
    let (status, console) = deputy.get("/staff/");
    assert_eq!(status, 200);
    let console = console.as_str().expect("a page").to_owned();
    assert!(console.contains("As a moderator"), "the moderator's console");
    assert!(
        !console.contains("Set intake by hand"),
        "no manager's forms for a moderator"
    );
    let checker = Browser::start(true).await;
    check::accessible_without_javascript(&checker.client, &portal.url("/"), &console, "the moderator's console").await;
    checker.close().await;
    let (status, csv) = deputy.get("/api/staff/feedback.csv");
    assert_eq!(status, 200);
    let csv = csv.as_str().expect("CSV").to_owned();
    assert!(
        csv.starts_with("id,created,organisation,member,page,chart,period"),
        "{csv}"
    );
}

#[test]
fn the_staff_command_goes_through_the_console_api_and_is_audited() {
    use std::os::unix::fs::PermissionsExt;
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let session = portal.state_dir().join("staff-session");
    // The program's first manager, by the documented command.
    let first = |email: &str, again: Option<&str>| {
        let mut args = vec![
            "first-manager",
            "--name",
            "Pat Manager",
            "--organisation",
            "LEAD program",
            "--email",
            email,
        ];
        args.extend(again.iter().flat_map(|reason| ["--again", *reason]));
        portal.staff_command(&session, &args)
    };
    let (ok, out, err) = first("pm@example.org", None);
    assert!(ok, "{out}{err}");
    let link = invitation_of(&out);
    let (ok, _, err) = first("someone@example.org", None);
    assert!(
        !ok && err.contains("has a manager already (pm@example.org)"),
        "only the first manager is made this way: {err}"
    );
    let (ok, out, err) = portal.staff_command(&session, &["sign-in", &portal.url(&format!("/en/clt/join?i={link}"))]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("signed in as Pat Manager"), "{out}");
    let mode = std::fs::metadata(&session).expect("session file").permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the session file is the person's alone");

    let (ok, out, err) = portal.staff_command(
        &session,
        &["intake", "paused", "--hours", "2", "--reason", "Holiday closure"],
    );
    assert!(ok, "{out}{err}");
    assert_eq!(intake_status(&portal), "paused");
    let (ok, out, _) = portal.staff_command(&session, &["status"]);
    assert!(ok && out.contains("\"cause\": \"override\""), "{out}");
    let (ok, _, err) = portal.staff_command(&session, &["intake", "paused", "--hours", "2"]);
    assert!(!ok && err.contains("reason"), "a reason is required: {err}");
    let (ok, out, err) = portal.staff_command(&session, &["intake-end", "--reason", "Reopened early"]);
    assert!(ok, "{out}{err}");
    assert_eq!(intake_status(&portal), "open");
    let (ok, out, err) = portal.staff_command(
        &session,
        &[
            "invite",
            "--name",
            "Ana Ruiz",
            "--organisation",
            "Residents' council",
            "--email",
            "ana@example.org",
        ],
    );
    assert!(ok && out.contains("/en/clt/join?i="), "{out}{err}");
    let (ok, csv, _) = portal.staff_command(&session, &["audit"]);
    assert!(ok);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.expect("a row");
            (r[1].to_owned(), r[2].to_owned())
        })
        .collect();
    let who = "Pat Manager".to_owned();
    assert_eq!(
        rows,
        [
            (who.clone(), "invite".to_owned()),
            (who.clone(), "intake_override_ended".to_owned()),
            (who, "intake_override".to_owned()),
            ("functions/bin/staff first-manager".to_owned(), "invite".to_owned()),
        ],
        "every command is in the audit log, newest first"
    );

    // A moderator's session cannot change intake; no session, nothing.
    let (ok, out, err) = portal.staff_command(
        &session,
        &[
            "invite",
            "--name",
            "Mo",
            "--organisation",
            "Program",
            "--email",
            "mo@example.org",
            "--role",
            "moderator",
        ],
    );
    assert!(ok, "{out}{err}");
    let moderator = invitation_of(&out);
    let other = portal.state_dir().join("moderator-session");
    let (ok, _, err) = portal.staff_command(&other, &["status"]);
    assert!(!ok && err.contains("not signed in"), "{err}");
    let (ok, _, _) = portal.staff_command(
        &other,
        &["sign-in", &portal.url(&format!("/en/clt/join?i={moderator}"))],
    );
    assert!(ok);
    let (ok, _, err) = portal.staff_command(&other, &["intake", "paused", "--hours", "1", "--reason", "x"]);
    assert!(!ok && err.contains("403"), "{err}");
    assert_eq!(intake_status(&portal), "open");

    // When every manager has lost access, a new one is made with a reason,
    // and the audit log keeps it.
    let (ok, _, err) = first("lee@example.org", Some(""));
    assert!(!ok && err.contains("--again needs the reason"), "{err}");
    let (ok, out, err) = first("lee@example.org", Some("Pat left; no manager can sign in"));
    assert!(ok && out.contains("/en/clt/join?i="), "{out}{err}");
    let last =
        portal.query("SELECT actor_name, action, subject, to_value, reason FROM audit_log ORDER BY id DESC LIMIT 1");
    assert_eq!(
        last[0],
        json!({ "actor_name": "functions/bin/staff first-manager", "action": "invite",
                "subject": "lee@example.org (LEAD program)", "to_value": "manager",
                "reason": "Pat left; no manager can sign in" })
    );
}
