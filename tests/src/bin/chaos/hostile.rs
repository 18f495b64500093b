//! `chaos hostile`.
//!
//! Every payload of [`hostile_corpus`] through every CLT field that is
//! shown again (comment text, data point, reply and reason, member and
//! organisation names), then the pages that show them loaded in a real
//! browser: nothing may run, become markup, or trip the CSP.

use crate::common::api_session;
use std::process::ExitCode;
use std::time::Duration;

use lead_e2e::portal::{Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::TEST_SECRET;

/// Script and markup payloads: each sets `window.__pwned` if it ever runs.
/// Base payloads × context breaks × spellings (as is, mixed case, entity or
/// percent encoded), plus direction overrides and template syntax.
pub fn hostile_corpus() -> Vec<String> {
    let bases = [
        "<script>window.__pwned=1</script>",
        "<img src=x onerror=window.__pwned=1>",
        "<svg onload=window.__pwned=1>",
        "<svg><script>window.__pwned=1</script></svg>",
        "<math><mtext><img src=x onerror=window.__pwned=1></mtext></math>",
        "<iframe src=\"javascript:window.top.__pwned=1\"></iframe>",
        "<a href=\"javascript:window.__pwned=1\">x</a>",
        "<body onload=window.__pwned=1>",
        "<details open ontoggle=window.__pwned=1>",
        "<input autofocus onfocus=window.__pwned=1>",
        "<video><source onerror=window.__pwned=1></video>",
        "<object data=\"javascript:window.__pwned=1\"></object>",
        "<embed src=\"javascript:window.__pwned=1\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__pwned=1\">",
        "<form action=\"javascript:window.__pwned=1\"><button>x</button></form>",
        "<template><img src=x onerror=window.__pwned=1></template>",
        "<noscript><p title=\"</noscript><img src=x onerror=window.__pwned=1>\">",
        "<marquee onstart=window.__pwned=1>",
        "<div style=\"background:url(javascript:window.__pwned=1)\">",
        "<link rel=stylesheet href=\"javascript:window.__pwned=1\">",
        "{{constructor.constructor('window.__pwned=1')()}}",
        "${window.__pwned=1}",
        "<base href=\"javascript:window.__pwned=1//\">",
        "<select autofocus onfocus=window.__pwned=1>",
        "<isindex type=image src=1 onerror=window.__pwned=1>",
    ];
    let breaks = [
        "",
        "\">",
        "'>",
        "</textarea>",
        "</title>",
        "--></p>",
        "]]>",
        "</script>",
    ];
    let mixed = |s: &str| {
        s.chars()
            .enumerate()
            .map(|(i, c)| if i % 2 == 0 { c.to_ascii_uppercase() } else { c })
            .collect::<String>()
    };
    let entities = |s: &str| s.replace('<', "&#x3c;").replace('>', "&#62;").replace('"', "&quot;");
    let percent = |s: &str| s.replace('<', "%3C").replace('>', "%3E").replace('"', "%22");
    let mut out = Vec::new();
    for (i, base) in bases.iter().enumerate() {
        for (j, prefix) in breaks.iter().enumerate() {
            let payload = format!("{prefix}{base}");
            out.push(payload.clone());
            out.push(mixed(&payload));
            out.push(match (i + j) % 4 {
                0 => entities(&payload),
                1 => percent(&payload),
                2 => format!("\u{202e}{payload}\u{202c}"),
                _ => format!("{payload}\u{0000}<!--"),
            });
        }
    }
    out
}

/// Every payload of [`hostile_corpus`] through every CLT field that is
/// shown again (comment text, data point, reply and reason, member and
/// organisation names), then the pages that show them loaded in a real
/// browser: nothing may run, become markup, or trip the CSP.
pub fn hostile() -> ExitCode {
    let corpus = hostile_corpus();
    let receiver = Receiver::start(TEST_SECRET);
    // More sign-ins than the default limit: one per hostile name.
    // Hundreds of comments from a few members: no comment limit here.
    let portal = Portal::start(
        Options::for_tests(&receiver.url())
            .with_var("CLT_SIGN_IN_LIMIT", "100")
            .with_var("CLT_COMMENTS_PER_HOUR", "10000"),
    );
    let own = portal.url("");
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    // Invited as a manager does, through the console's API (which cleans
    // names as it stores them, or refuses them with a clear error).
    let invite = |name: &str, org: &str, email: &str, role: &str| {
        let (status, body) = portal.manager().post(
            "/api/staff/people",
            serde_json::json!({ "name": name, "organisation": org, "email": email, "role": role }),
        );
        assert!(status == 201 || status == 422, "invite {email}: {status} {body}");
        (status == 201).then(|| lead_e2e::member::invitation_of(body["link"].as_str().unwrap_or_default()))
    };
    let api_session = |token: &str| {
        let r = agent
            .post(&portal.url("/api/clt/join"))
            .set("Origin", &own)
            .set("Accept", "application/json")
            .send_form(&[("invitation", token)])
            .expect("an API session");
        api_session(r)
    };
    let post = |session: &(String, String), path: &str, body: serde_json::Value| match agent
        .post(&portal.url(path))
        .set("Origin", &own)
        .set("Cookie", &session.0)
        .set("X-CSRF-Token", &session.1)
        .send_json(body)
    {
        Ok(r) => (r.status(), r.into_json::<serde_json::Value>().unwrap_or_default()),
        Err(ureq::Error::Status(s, r)) => (s, r.into_json().unwrap_or_default()),
        Err(e) => panic!("{path}: {e}"),
    };

    // Names and organisations (an invitation per member, so a sample of the corpus).
    let names: Vec<&String> = corpus.iter().step_by(corpus.len() / 12).take(12).collect();
    let mut names_refused = 0;
    for (i, payload) in names.iter().enumerate() {
        let Some(token) = invite(payload, payload, &format!("n{i}@example.org"), "member") else {
            names_refused += 1;
            continue;
        };
        let session = api_session(&token);
        let (status, _) = post(
            &session,
            "/api/clt/comments",
            serde_json::json!({ "page": "capacity", "chart": "average-caseload",
            "period": "all", "kind": "concern", "body": "from a member with a hostile name", "publish": "with_organisation" }),
        );
        assert_eq!(status, 201);
    }
    // One link for the API session and, after it is spent, a second for the
    // browser (a new link voids only unused older ones).
    let member_api = api_session(&invite("Member", "Org", "m@example.org", "member").expect("invited"));
    let member_browser_link = lead_e2e::member::reinvite(&portal, "m@example.org");
    let moderator_api = api_session(&invite("Mod", "LEAD", "mod@example.org", "moderator").expect("invited"));
    let moderator_browser_link = lead_e2e::member::reinvite(&portal, "mod@example.org");

    // Every payload as a comment and a data point; replies and reasons too.
    let mut fields = 0;
    for (i, payload) in corpus.iter().enumerate() {
        let point: String = payload.chars().take(200).collect();
        let (status, body) = post(
            &member_api,
            "/api/clt/comments",
            serde_json::json!({ "page": "capacity",
            "chart": if i % 2 == 0 { "average-caseload" } else { "waitlisted-declined" }, "period": "all",
            "kind": "question", "body": payload, "data_point": point, "publish": "with_organisation" }),
        );
        assert_eq!(status, 201, "payload {i} refused: {body}");
        let id = body["id"].as_str().unwrap_or_default().to_owned();
        let (status, _) = post(
            &moderator_api,
            &format!("/api/clt/comments/{id}/reply"),
            serde_json::json!({ "status": "wont_act", "body": payload, "reason": payload }),
        );
        assert_eq!(status, 200);
        fields += 4;
    }
    // Approve everything publishable.
    let queue: serde_json::Value = agent
        .get(&portal.url("/api/clt/queue"))
        .set("Cookie", &moderator_api.0)
        .call()
        .expect("queue")
        .into_json()
        .expect("JSON");
    for c in queue["comments"].as_array().cloned().unwrap_or_default() {
        let id = c["id"].as_str().unwrap_or_default();
        post(
            &moderator_api,
            &format!("/api/clt/comments/{id}/approve"),
            serde_json::json!({}),
        );
    }
    let comments = queue["comments"].as_array().map_or(0, Vec::len);

    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let results = runtime.block_on(async {
        use fantoccini::Locator;
        let mut results = Vec::new();
        // What members and moderators wrote is in `.text` and `.meta`, which
        // hold only text: any element in them, or any handler or javascript:
        // link anywhere in a comment, is a payload that became markup.
        let inspect = "return { pwned: window.__pwned === 1 || (window.top && window.top.__pwned === 1),
            markup: document.querySelectorAll('.comment .text *, .comment .meta *, .comment [onerror], .comment [onload], .comment [onfocus], .comment [ontoggle], .comment [onstart], .comment a[href^=\"javascript\"], .comment iframe, .comment script').length,
            comments: document.querySelectorAll('.comment').length }";
        let sign_in = |c: fantoccini::Client, token: String, url: String| async move {
            c.goto(&format!("{url}/en/clt/join?i={token}")).await.expect("open the link");
            c.find(Locator::XPath("//button[normalize-space()='Sign in']")).await.expect("button").click().await.expect("click");
            tokio::time::sleep(Duration::from_millis(500)).await;
            c
        };
        let member = lead_e2e::browser::Browser::start(true).await;
        let moderator = lead_e2e::browser::Browser::start(true).await;
        let public = lead_e2e::browser::Browser::start(true).await;
        let m = sign_in(member.client.clone(), member_browser_link.clone(), own.clone()).await;
        let d = sign_in(moderator.client.clone(), moderator_browser_link.clone(), own.clone()).await;
        for (who, client, path) in [
            ("public", &public.client, "/en/data/capacity/"),
            ("member", &m, "/en/data/capacity/"),
            ("member", &m, "/en/clt/"),
            ("moderator", &d, "/en/clt/moderate"),
            ("moderator", &d, "/en/data/capacity/"),
        ] {
            client.goto(&portal.url(path)).await.expect("open");
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let state = client.execute(inspect, vec![]).await.expect("inspect");
            results.push((who, path, state));
        }
        // CSP reports arrive a moment after the pages.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let violations = portal.logs().matches("csp-violation").count();
        // A control: an inline script added by hand must be blocked and
        // reported, or a count of 0 above would prove nothing.
        let _ = public
            .client
            .execute(
                "const s = document.createElement('script'); s.textContent = 'window.__control = 1'; document.body.appendChild(s); return window.__control === 1",
                vec![],
            )
            .await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let control = portal.logs().matches("csp-violation").count() - violations;
        member.close().await;
        moderator.close().await;
        public.close().await;
        (results, violations, control)
    });
    let (results, violations, control) = results;

    println!();
    println!("| page | as | comments shown | payloads run | payloads become markup |");
    println!("| --- | --- | --- | --- | --- |");
    let mut bad = 0;
    for (who, path, state) in &results {
        let pwned = state["pwned"].as_bool() != Some(false);
        let markup = state["markup"].as_u64().unwrap_or(u64::MAX);
        bad += usize::from(pwned) + markup as usize;
        println!(
            "| {path} | {who} | {} | {} | {markup} |",
            state["comments"],
            u8::from(pwned)
        );
    }
    println!();
    println!("| figure | value |");
    println!("| --- | --- |");
    println!("| payloads in the corpus | {} |", corpus.len());
    println!(
        "| fields carrying them (comment, data point, reply, reason; 12 names and organisations) | {fields} + 24 |"
    );
    println!("| names refused by the invitation form (a clear error, nothing stored) | {names_refused} of 12 |");
    println!("| comments stored and approved | {comments} |");
    println!("| payloads executed or turned into markup | {bad} |");
    println!("| CSP violations reported | {violations} |");
    println!("| control: an inline script added by hand, blocked and reported | {control} report(s) |");
    println!(
        "headline: {} payloads, {bad} executed or became markup, {violations} CSP violations (control: {control} report)",
        corpus.len()
    );
    if bad == 0 && violations == 0 && control > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
