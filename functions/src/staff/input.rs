//! What staff send, parsed into checked types the way a referral is: the
//! wire forms hold strings as a form or JSON sent them; only the checked
//! types reach storage.

use lead_content::intake_state::Override;
use lead_content::schema::IntakeStatus;
use serde::Deserialize;

use crate::error::Problem;

/// Longest reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;
/// The longest an override may last.
pub const MAX_OVERRIDE_HOURS: i64 = 90 * 24;

fn problem(field: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        field,
        message: message.into(),
    }
}

/// A reason as given: required, cleaned as CLT text is (line breaks kept);
/// what is wrong with it is said in `lang` (a moderator's CLT page may be
/// Spanish; the console is English).
pub fn reason(text: &str, lang: lead_content::Lang) -> Result<String, Problem> {
    let words = lead_content::clt();
    let clean = crate::clt::input::clean(text, true);
    if clean.is_empty() {
        return Err(problem("reason", words.problem_withdraw_reason.get(lang)));
    }
    let n = clean.chars().count();
    if n > MAX_REASON_CHARS {
        return Err(problem(
            "reason",
            crate::clt::html::fill(
                words.problem_too_long.get(lang),
                &[("max", &MAX_REASON_CHARS.to_string()), ("n", &n.to_string())],
            ),
        ));
    }
    Ok(clean)
}

/// A manager's intake override as sent: the status, a reason, and when it
/// ends, as a time (`until`, RFC 3339) or a number of hours from now
/// (`hours`, what the console's form sends).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct OverrideInput {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub hours: String,
}

/// A checked override and its reason.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOverride {
    pub state: Override,
    pub reason: String,
}

impl OverrideInput {
    pub fn check(&self, now_ms: i64) -> Result<NewOverride, Vec<Problem>> {
        let mut problems = Vec::new();
        let status = IntakeStatus::parse(self.status.trim());
        if status.is_none() {
            problems.push(problem("status", "Choose open, priority_only or paused."));
        }
        let until = match (self.until.trim(), self.hours.trim()) {
            ("", "") => Err(problem("until", "Say when the override ends.")),
            (until, "") => lead_data::calendar::parse_timestamp(until)
                .ok_or_else(|| problem("until", "until must be an RFC 3339 time, such as 2026-12-01T17:00:00Z.")),
            (_, hours) => hours
                .parse::<i64>()
                .ok()
                .filter(|h| (1..=MAX_OVERRIDE_HOURS).contains(h))
                .map(|h| now_ms + h * 3_600_000)
                .ok_or_else(|| problem("hours", format!("Choose from 1 to {MAX_OVERRIDE_HOURS} hours."))),
        };
        let until = match until {
            Ok(t) if t <= now_ms => Err(problem("until", "The end must be in the future.")),
            Ok(t) if t > now_ms + MAX_OVERRIDE_HOURS * 3_600_000 => Err(problem(
                "until",
                "An override lasts 90 days at most; set it again then.",
            )),
            other => other,
        };
        let until = until.map_err(|p| problems.push(p)).ok();
        let reason = reason(&self.reason, lead_content::Lang::En)
            .map_err(|p| problems.push(p))
            .ok();
        match (status, until, reason) {
            (Some(status), Some(until_ms), Some(reason)) if problems.is_empty() => Ok(NewOverride {
                state: Override { status, until_ms },
                reason,
            }),
            _ => Err(problems),
        }
    }
}

/// A reason alone (ending an override, resending).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReasonInput {
    #[serde(default)]
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(status: &str, reason: &str, until: &str, hours: &str) -> OverrideInput {
        OverrideInput {
            status: status.into(),
            reason: reason.into(),
            until: until.into(),
            hours: hours.into(),
        }
    }

    #[test]
    fn an_override_needs_a_status_an_end_and_a_reason() {
        let now = lead_data::calendar::parse_timestamp("2026-12-01T12:00:00Z").expect("time");
        let ok = input("paused", "  Staff training day \u{7} ", "", "4")
            .check(now)
            .expect("valid");
        assert_eq!(ok.state.status, IntakeStatus::Paused);
        assert_eq!(ok.state.until_ms, now + 4 * 3_600_000);
        assert_eq!(ok.reason, "Staff training day");
        let at = input("open", "Back early", "2026-12-01T13:00:00Z", "")
            .check(now)
            .expect("valid");
        assert_eq!(at.state.until_ms, now + 3_600_000);

        let fields = |i: OverrideInput| -> Vec<&'static str> {
            i.check(now).err().unwrap_or_default().iter().map(|p| p.field).collect()
        };
        assert_eq!(fields(input("", "", "", "")), ["status", "until", "reason"]);
        assert_eq!(fields(input("closed", "x", "", "2")), ["status"]);
        assert_eq!(fields(input("paused", "x", "2026-12-01T11:00:00Z", "")), ["until"]);
        assert_eq!(fields(input("paused", "x", "2027-12-01T11:00:00Z", "")), ["until"]);
        assert_eq!(fields(input("paused", "x", "", "0")), ["hours"]);
        assert_eq!(fields(input("paused", "x", "", "many")), ["hours"]);
        assert_eq!(fields(input("paused", &"x".repeat(501), "", "1")), ["reason"]);
    }
}

/// Longest name or organisation, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// How long an invitation link works, in days, unless the manager says.
pub const INVITATION_DAYS: i64 = 7;

/// A person a manager invites, as sent.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct InviteInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub days: String,
}

/// A checked invitation: who, with which role, for how many days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub name: String,
    pub organisation: String,
    pub email: String,
    pub role: crate::clt::input::Role,
    pub days: i64,
}

fn one_line(field: &'static str, what: &str, text: &str) -> Result<String, Problem> {
    let clean = crate::clt::input::clean(text, false);
    if clean.is_empty() {
        return Err(problem(field, format!("{what} is required.")));
    }
    if clean.chars().count() > MAX_NAME_CHARS {
        return Err(problem(
            field,
            format!("Keep {} to {MAX_NAME_CHARS} characters.", what.to_lowercase()),
        ));
    }
    Ok(clean)
}

impl InviteInput {
    pub fn check(&self) -> Result<NewPerson, Vec<Problem>> {
        use lead_data::vocab::Vocabulary;
        let mut problems = Vec::new();
        let name = one_line("name", "A name", &self.name)
            .map_err(|p| problems.push(p))
            .ok();
        let organisation = one_line("organisation", "An organization", &self.organisation)
            .map_err(|p| problems.push(p))
            .ok();
        let email = self.email.trim().to_lowercase();
        let valid_email = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
            });
        if !valid_email {
            problems.push(problem("email", "Enter an email address, such as name@example.org."));
        }
        let role = crate::clt::input::Role::from_code(self.role.trim());
        if role.is_none() {
            problems.push(problem("role", "Choose member, moderator or manager."));
        }
        let days = match self.days.trim() {
            "" => Some(INVITATION_DAYS),
            d => d.parse::<i64>().ok().filter(|d| (1..=90).contains(d)),
        };
        if days.is_none() {
            problems.push(problem("days", "The link works for 1 to 90 days."));
        }
        match (name, organisation, role, days) {
            (Some(name), Some(organisation), Some(role), Some(days)) if problems.is_empty() => Ok(NewPerson {
                name,
                organisation,
                email,
                role,
                days,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod people_tests {
    use super::*;
    use crate::clt::input::Role;

    #[test]
    fn an_invitation_names_a_person_a_role_and_an_address() {
        let input = InviteInput {
            name: "  Ana   Ruiz ".into(),
            organisation: "Residents' council".into(),
            email: " Ana@Example.org ".into(),
            role: "member".into(),
            days: String::new(),
        };
        let person = input.check().expect("valid");
        assert_eq!(person.name, "Ana Ruiz");
        assert_eq!(person.email, "ana@example.org");
        assert_eq!(person.role, Role::Member);
        assert_eq!(person.days, 7);
        let fields = |i: InviteInput| -> Vec<&'static str> {
            i.check().err().unwrap_or_default().iter().map(|p| p.field).collect()
        };
        assert_eq!(
            fields(InviteInput::default()),
            ["name", "organisation", "email", "role"]
        );
        let bad = InviteInput {
            email: "not an address".into(),
            role: "admin".into(),
            days: "365".into(),
            ..input
        };
        assert_eq!(fields(bad), ["email", "role", "days"]);
    }
}
