//! A person who signs in to the portal (a CLT member, a moderator, a
//! manager), as a program drives them in the tests: invited by a manager
//! through the console's API, signed in by the invitation, then holding the
//! session cookie and sending the portal's own Origin and the session's
//! CSRF token.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

use crate::portal::Portal;

/// A client of the portal's CLT API: holds the session cookie and sends
/// the portal's own Origin unless told otherwise.
pub struct Member {
    pub base: String,
    pub cookie: Option<String>,
    pub csrf: String,
}

pub fn status_and_body(result: Result<ureq::Response, ureq::Error>) -> (u16, Value, Option<String>) {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = response.status();
    let cookie = response.header("Set-Cookie").map(str::to_owned);
    let text = response.into_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
        cookie,
    )
}

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().redirects(0).build()
}

/// The `i` parameter of the first invitation link in `output` (printed
/// text or JSON).
pub fn invitation_of(output: &str) -> String {
    let (_, rest) = output.split_once("/clt/join?i=").expect("a link was printed");
    rest.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect()
}

/// The name of the manager the tests' setup signs in as ([`Portal::manager`]).
pub const SETUP_MANAGER: &str = "Test setup manager";

/// Invites someone as a manager does, through the console's API (the
/// setup manager's session), and returns the `i` parameter of their link.
pub fn invite(portal: &Portal, name: &str, org: &str, email: &str, role: &str) -> String {
    let (status, body) = portal.manager().post(
        "/api/staff/people",
        serde_json::json!({ "name": name, "organisation": org, "email": email, "role": role }),
    );
    assert_eq!(status, 201, "invite {email}: {body}");
    invitation_of(body["link"].as_str().expect("the link"))
}

/// A person's id on the people list the setup manager sees.
pub fn person_id(portal: &Portal, email: &str) -> String {
    let (status, body) = portal.manager().get("/api/staff/people");
    assert_eq!(status, 200, "people: {body}");
    body["people"]
        .as_array()
        .and_then(|people| people.iter().find(|p| p["email"] == email))
        .and_then(|p| p["id"].as_str())
        .unwrap_or_else(|| panic!("{email} is not on the people list: {body}"))
        .to_owned()
}

/// A new link for someone already on the list, as a manager gives it (older
/// unused links stop working; a revoked person is restored).
pub fn reinvite(portal: &Portal, email: &str) -> String {
    let id = person_id(portal, email);
    let (status, body) = portal
        .manager()
        .post(&format!("/api/staff/people/{id}/reinvite"), serde_json::json!({}));
    assert_eq!(status, 200, "reinvite {email}: {body}");
    invitation_of(body["link"].as_str().expect("the link"))
}

/// Ends someone's access at once, as a manager does.
pub fn revoke(portal: &Portal, email: &str) {
    let id = person_id(portal, email);
    let (status, body) = portal.manager().post(
        &format!("/api/staff/people/{id}/revoke"),
        serde_json::json!({ "reason": "Left the organization" }),
    );
    assert_eq!(status, 200, "revoke {email}: {body}");
}

pub fn join(portal: &Portal, token: &str, origin: Option<&str>) -> (u16, Value, Option<String>) {
    let mut req = agent()
        .post(&portal.url("/api/clt/join"))
        .set("Accept", "application/json");
    if let Some(origin) = origin {
        req = req.set("Origin", origin);
    }
    status_and_body(req.send_form(&[("invitation", token)]))
}

impl Member {
    /// Makes the portal's first manager with `functions/bin/staff
    /// first-manager`, as the README says a program does, and signs in.
    pub fn setup_manager(portal: &Portal) -> Member {
        let (ok, out, err) = portal.staff_command(
            &portal.state_dir().join("setup-session"),
            &[
                "first-manager",
                "--name",
                SETUP_MANAGER,
                "--organisation",
                "LEAD program",
                "--email",
                "setup-manager@example.org",
            ],
        );
        assert!(ok, "first-manager: {err}");
        Member::sign_in(portal, &invitation_of(&out))
    }

    pub fn sign_in(portal: &Portal, token: &str) -> Member {
        let (status, body, cookie) = join(portal, token, Some(&portal.url("")));
        assert_eq!(status, 200, "signed in: {body}");
        let cookie = cookie.expect("a session cookie");
        for part in ["__Host-lead_clt=", "Path=/", "Secure", "HttpOnly", "SameSite=Strict"] {
            assert!(cookie.contains(part), "cookie {cookie:?} lacks {part}");
        }
        let token = cookie
            .split(';')
            .next()
            .expect("name=value")
            .trim_start_matches("__Host-lead_clt=");
        assert!(
            URL_SAFE_NO_PAD.decode(token).expect("base64url").len() >= 16,
            "at least 128 bits"
        );
        Member {
            base: portal.url(""),
            cookie: Some(token.to_owned()),
            csrf: body["csrf"].as_str().expect("csrf").to_owned(),
        }
    }

    pub fn anonymous(portal: &Portal) -> Member {
        Member {
            base: portal.url(""),
            cookie: None,
            csrf: String::new(),
        }
    }

    pub fn request(&self, method: &str, path: &str) -> ureq::Request {
        let mut req = agent()
            .request(method, &format!("{}{path}", self.base))
            .set("Accept", "application/json");
        if let Some(cookie) = &self.cookie {
            req = req.set("Cookie", &format!("__Host-lead_clt={cookie}"));
        }
        req
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        let (s, b, _) = status_and_body(self.request("GET", path).call());
        (s, b)
    }

    /// A JSON post from the portal's own origin with the session's CSRF token.
    pub fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let (s, b, _) = status_and_body(
            self.request("POST", path)
                .set("Origin", &self.base)
                .set("X-CSRF-Token", &self.csrf)
                .send_json(body),
        );
        (s, b)
    }
}
