//! What Community Leadership Team members and moderators send, parsed into
//! validated types the way a referral is: the wire form ([`CommentInput`],
//! [`ReplyInput`]) holds strings as sent; only a [`NewComment`] or a
//! [`Reply`] reaches storage. The limits here are the ones the forms use.

use lead_content::{CltText, Lang};
use lead_data::vocab::Vocabulary;
use lead_data::Period;

pub use crate::error::Problem;
use serde::Deserialize;

/// Longest comment or reply, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;
/// Longest "data point" note, in characters.
pub const MAX_POINT_CHARS: usize = 200;
/// Longest page or chart id.
const MAX_SLUG_CHARS: usize = 64;

lead_data::vocabulary!(
    /// What a member can say about a chart.
    Kind, "one of question, blind_spot, concern, suggestion, appreciation" {
        Question = "question", "Question", "Pregunta";
        BlindSpot = "blind_spot", "Blind spot (something the figures leave out)", "Punto ciego (algo que las cifras no muestran)";
        Concern = "concern", "Concern", "Preocupación";
        Suggestion = "suggestion", "Suggestion", "Sugerencia";
        Appreciation = "appreciation", "Appreciation", "Reconocimiento";
    }
);

lead_data::vocabulary!(
    /// The parts of the program as a whole a member can comment on, beside
    /// its figures: the Community Leadership Team advises on who is
    /// referred and how, on priorities and on capacity.
    Topic, "one of intake-questions, prioritization, capacity, program" {
        IntakeQuestions = "intake-questions", "The referral questions and who can be referred", "Las preguntas para referir y a quién se puede referir";
        Prioritization = "prioritization", "How referrals are prioritized", "Cómo se da prioridad a los referidos";
        Capacity = "capacity", "The program's capacity to take people", "La capacidad del programa para recibir personas";
        Program = "program", "Something else about the program", "Otro aspecto del programa";
    }
);

/// What a comment is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// One chart of a dashboard page, for a period.
    Chart {
        page: String,
        chart: String,
        period: Period,
    },
    /// A dashboard page as a whole, for a period.
    Page { page: String, period: Period },
    /// A part of the program, whatever the figures.
    Program(Topic),
}

/// A comment on a dashboard page as a whole is stored with its slot's name
/// in the `chart` column; one on the program, with the program's slot name
/// in the `page` column and its topic in `chart`.
pub use lead_data::paths::{PROGRAM, WHOLE_PAGE};

impl Subject {
    /// The stored `page`, `chart` and `period` columns.
    pub fn columns(&self) -> (String, String, Period) {
        match self {
            Subject::Chart { page, chart, period } => (page.clone(), chart.clone(), *period),
            Subject::Page { page, period } => (page.clone(), WHOLE_PAGE.to_owned(), *period),
            Subject::Program(topic) => (PROGRAM.to_owned(), topic.as_str().to_owned(), Period::All),
        }
    }

    /// The subject stored as these columns; `None` for columns no parsed
    /// comment writes.
    pub fn from_columns(page: &str, chart: &str, period: &str) -> Option<Subject> {
        if page == PROGRAM {
            return Topic::parse(chart).map(Subject::Program);
        }
        let period = period.parse().ok()?;
        let page = slug(page)?;
        Some(if chart == WHOLE_PAGE {
            Subject::Page { page, period }
        } else {
            Subject::Chart {
                page,
                chart: slug(chart)?,
                period,
            }
        })
    }

    /// The dashboard page and period the subject is on, if it is on one.
    pub fn dashboard(&self) -> Option<(&str, Period)> {
        match self {
            Subject::Chart { page, period, .. } | Subject::Page { page, period } => Some((page, *period)),
            Subject::Program(_) => None,
        }
    }
}

lead_data::vocabulary!(
    /// Whether and how a comment may be published.
    Publish, "one of with_organisation, anonymous, program_only" {
        WithOrganisation = "with_organisation", "Publish it with my organization's name", "Publicarlo con el nombre de mi organización";
        Anonymous = "anonymous", "Publish it without my organization's name", "Publicarlo sin el nombre de mi organización";
        ProgramOnly = "program_only", "Keep it for the program only", "Guardarlo solo para el programa";
    }
);

lead_data::vocabulary!(
    /// The program's answer to a comment.
    ReplyStatus, "one of noted, will_act, done, wont_act" {
        Noted = "noted", "Noted", "Recibido";
        WillAct = "will_act", "Will act", "Actuará";
        Done = "done", "Done", "Hecho";
        WontAct = "wont_act", "Won't act", "No actuará";
    }
);

lead_data::vocabulary!(
    /// What a signed-in person may do: a member comments; a moderator also
    /// replies and approves; a manager also runs the staff console.
    Role, "one of member, moderator, manager" {
        Member = "member", "Member", "Miembro";
        Moderator = "moderator", "Moderator", "Moderador";
        Manager = "manager", "Manager", "Gerente";
    }
);

/// A comment as a member submits it, before parsing: on a chart (`page`,
/// `chart`, `period`), on a dashboard page as a whole (`page`, `period`)
/// or on a part of the program (`topic`).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct CommentInput {
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub page: String,
    #[serde(default)]
    pub chart: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub data_point: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub publish: String,
}

impl CommentInput {
    /// The commentary slot of the form it was sent from: the program's,
    /// the page's, or its chart's.
    pub fn slot(&self) -> &str {
        if !self.topic.is_empty() {
            PROGRAM
        } else if self.chart.is_empty() {
            WHOLE_PAGE
        } else {
            &self.chart
        }
    }
}

/// A reply as a moderator submits it, before parsing.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReplyInput {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub reason: String,
}

/// A comment that may be stored: on a part of the program, or on a chart
/// or a whole page of a published dashboard page and period (whether that
/// chart or page exists is the published site's to say), with its text
/// cleaned and within the limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    pub subject: Subject,
    pub data_point: Option<String>,
    pub kind: Kind,
    pub body: String,
    pub publish: Publish,
}

/// A reply that may be stored; "won't act" always has a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: ReplyStatus,
    pub body: Option<String>,
    pub reason: Option<String>,
}

/// Free text as the referral rules keep it: control and bidirectional
/// override characters removed (they could disguise a comment on a page or
/// in a spreadsheet through the feedback CSV), spaces collapsed, single
/// line breaks kept.
/// Text as the portal keeps it: the referral rules' normalising (control
/// and direction-override characters removed, spaces collapsed), trimmed.
pub(crate) fn clean(text: &str, multiline: bool) -> String {
    use lead_content::QuestionKind;
    let kind = if multiline {
        QuestionKind::LongText
    } else {
        QuestionKind::Text
    };
    lead_content::referral::normalise(kind, text).trim().to_owned()
}

/// The problems found so far, said in the sender's language.
struct Problems {
    lang: Lang,
    words: &'static CltText,
    found: Vec<Problem>,
}

impl Problems {
    fn new(lang: Lang) -> Problems {
        Problems {
            lang,
            words: lead_content::clt(),
            found: Vec::new(),
        }
    }

    fn add(&mut self, field: &'static str, message: fn(&CltText) -> &lead_content::Text) {
        self.found.push(Problem {
            field,
            message: message(self.words).get(self.lang).to_owned(),
        });
    }

    fn has(&self, field: &str) -> bool {
        self.found.iter().any(|p| p.field == field)
    }

    /// Cleaned text within `max` characters: `None` when empty.
    fn text(&mut self, field: &'static str, raw: &str, multiline: bool, max: usize) -> Option<String> {
        let text = clean(raw, multiline);
        let n = text.chars().count();
        if n > max {
            self.found.push(Problem {
                field,
                message: crate::clt::html::fill(
                    self.words.problem_too_long.get(self.lang),
                    &[("max", &max.to_string()), ("n", &n.to_string())],
                ),
            });
        }
        (!text.is_empty()).then_some(text)
    }

    fn choice<C: Vocabulary>(
        &mut self,
        field: &'static str,
        raw: &str,
        message: fn(&CltText) -> &lead_content::Text,
    ) -> Option<C> {
        let parsed = C::from_code(raw);
        if parsed.is_none() {
            self.add(field, message);
        }
        parsed
    }
}

fn slug(s: &str) -> Option<String> {
    let ok = !s.is_empty()
        && s.len() <= MAX_SLUG_CHARS
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    ok.then(|| s.to_owned())
}

impl NewComment {
    /// Every problem at once, in the order of the form, in `lang`.
    pub fn parse(input: CommentInput, lang: Lang) -> Result<NewComment, Vec<Problem>> {
        let mut problems = Problems::new(lang);
        let subject = if input.topic.is_empty() {
            // Only dashboard pages have comment forms: all time, a year, a quarter.
            let period = input
                .period
                .parse::<Period>()
                .ok()
                .filter(|p| !matches!(p, Period::Month(_)));
            let page = slug(&input.page).filter(|p| p != PROGRAM);
            match (page, period, input.chart.as_str()) {
                (Some(page), Some(period), "") => Some(Subject::Page { page, period }),
                (Some(page), Some(period), chart) => slug(chart)
                    .filter(|c| c != WHOLE_PAGE)
                    .map(|chart| Subject::Chart { page, chart, period }),
                _ => None,
            }
            .or_else(|| {
                problems.add("chart", |t| &t.problem_chart);
                None
            })
        } else {
            problems
                .choice::<Topic>("topic", &input.topic, |t| &t.problem_topic)
                .map(Subject::Program)
        };
        let kind = problems.choice::<Kind>("kind", &input.kind, |t| &t.problem_kind);
        let publish = problems.choice::<Publish>("publish", &input.publish, |t| &t.problem_publish);
        let body = problems.text("body", &input.body, true, MAX_TEXT_CHARS);
        if body.is_none() && !problems.has("body") {
            problems.add("body", |t| &t.problem_body);
        }
        let body = body.unwrap_or_default();
        let data_point = problems.text("data_point", &input.data_point, false, MAX_POINT_CHARS);
        match (subject, kind, publish) {
            (Some(subject), Some(kind), Some(publish)) if problems.found.is_empty() => Ok(NewComment {
                subject,
                data_point,
                kind,
                body,
                publish,
            }),
            _ => Err(problems.found),
        }
    }
}

impl Reply {
    /// Every problem at once, in `lang`.
    pub fn parse(input: ReplyInput, lang: Lang) -> Result<Reply, Vec<Problem>> {
        let mut problems = Problems::new(lang);
        let status = problems.choice::<ReplyStatus>("status", &input.status, |t| &t.problem_status);
        let body = problems.text("body", &input.body, true, MAX_TEXT_CHARS);
        let reason = problems.text("reason", &input.reason, true, MAX_TEXT_CHARS);
        if status == Some(ReplyStatus::WontAct) && reason.is_none() && !problems.has("reason") {
            problems.add("reason", |t| &t.problem_reason);
        }
        // Whatever the status, the member reads a reply in words.
        if body.is_none() && !problems.has("body") {
            problems.add("body", |t| &t.problem_body_reply);
        }
        match status {
            Some(status) if problems.found.is_empty() => Ok(Reply { status, body, reason }),
            _ => Err(problems.found),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> CommentInput {
        CommentInput {
            topic: "".into(),
            page: "capacity".into(),
            chart: "average-caseload".into(),
            period: "2025-Q1".into(),
            data_point: "".into(),
            kind: "blind_spot".into(),
            body: "What about people on the waitlist?".into(),
            publish: "with_organisation".into(),
        }
    }

    fn fields(problems: Vec<Problem>) -> Vec<&'static str> {
        problems.iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_comment_is_parsed_field_by_field() {
        let comment = NewComment::parse(good(), Lang::En).expect("a good comment");
        assert_eq!(
            comment.subject,
            Subject::Chart {
                page: "capacity".into(),
                chart: "average-caseload".into(),
                period: Period::Quarter(2025, 1)
            }
        );
        assert_eq!(
            (comment.kind, comment.publish),
            (Kind::BlindSpot, Publish::WithOrganisation)
        );
        assert_eq!(comment.data_point, None);
        let bad = CommentInput {
            period: "2025-Q5".into(),
            kind: "rant".into(),
            body: " ".into(),
            publish: "".into(),
            data_point: "x".repeat(MAX_POINT_CHARS + 1),
            ..good()
        };
        let problems = NewComment::parse(bad, Lang::En).expect_err("problems");
        assert_eq!(fields(problems), ["chart", "kind", "publish", "body", "data_point"]);
        let long = CommentInput {
            body: "é".repeat(MAX_TEXT_CHARS + 1),
            ..good()
        };
        let problems = NewComment::parse(long, Lang::En).expect_err("too long");
        assert!(problems[0].message.contains("4000 characters"), "{problems:?}");
        for period in ["all", "2025", "2025-Q4"] {
            assert!(
                NewComment::parse(
                    CommentInput {
                        period: period.into(),
                        ..good()
                    },
                    Lang::En
                )
                .is_ok(),
                "{period}"
            );
        }
        for period in ["2025-03", "ALL", "2025-Q1 ", ""] {
            assert!(
                NewComment::parse(
                    CommentInput {
                        period: period.into(),
                        ..good()
                    },
                    Lang::En
                )
                .is_err(),
                "{period}"
            );
        }
    }

    #[test]
    fn a_comment_is_on_a_chart_a_whole_page_or_a_part_of_the_program() {
        let whole = CommentInput {
            chart: "".into(),
            ..good()
        };
        let subject = NewComment::parse(whole, Lang::En).expect("a page comment").subject;
        assert_eq!(
            subject,
            Subject::Page {
                page: "capacity".into(),
                period: Period::Quarter(2025, 1)
            }
        );
        let program = CommentInput {
            topic: "prioritization".into(),
            page: "".into(),
            chart: "".into(),
            period: "".into(),
            ..good()
        };
        let subject = NewComment::parse(program, Lang::En).expect("a program comment").subject;
        assert_eq!(subject, Subject::Program(Topic::Prioritization));
        // Stored and read back as the same subject.
        for subject in [
            subject,
            Subject::Page {
                page: "capacity".into(),
                period: Period::All,
            },
            NewComment::parse(good(), Lang::En).expect("a chart comment").subject,
        ] {
            let (page, chart, period) = subject.columns();
            assert_eq!(Subject::from_columns(&page, &chart, &period.to_string()), Some(subject));
        }
        let unknown = CommentInput {
            topic: "police".into(),
            ..good()
        };
        let problems = NewComment::parse(unknown, Lang::Es).expect_err("no such topic");
        assert_eq!(fields(problems.clone()), ["topic"]);
        assert!(problems[0].message.contains("programa"), "{problems:?}");
        // The stored names of a whole page and of the program cannot be
        // sent as a chart or a page.
        for (page, chart) in [("capacity", WHOLE_PAGE), (PROGRAM, "average-caseload"), (PROGRAM, "")] {
            let odd = CommentInput {
                page: page.into(),
                chart: chart.into(),
                ..good()
            };
            let problems = NewComment::parse(odd, Lang::En).expect_err("not a place");
            assert_eq!(fields(problems), ["chart"], "{page} {chart}");
        }
    }

    #[test]
    fn control_and_bidi_characters_are_removed_from_what_members_write() {
        let comment = NewComment::parse(
            CommentInput {
                body: "Fine\u{202E}txt.exe\u{7}\u{1b}[31m red\r\n\r\nnext line\u{2066}".into(),
                data_point: "2025-Q1\u{200F}\n Police".into(),
                ..good()
            },
            Lang::En,
        )
        .expect("a good comment");
        assert_eq!(comment.body, "Finetxt.exe[31m red\nnext line");
        assert_eq!(comment.data_point.as_deref(), Some("2025-Q1 Police"));
        let reply = Reply::parse(
            ReplyInput {
                status: "wont_act".into(),
                body: "Not this year.".into(),
                reason: "\u{202D}no\u{0}".into(),
            },
            Lang::En,
        )
        .expect("a reason");
        assert_eq!(reply.reason.as_deref(), Some("no"));
    }

    #[test]
    fn wont_act_needs_a_reason() {
        let reply = ReplyInput {
            status: "wont_act".into(),
            body: "".into(),
            reason: " \u{202E} ".into(),
        };
        let problems = Reply::parse(reply.clone(), Lang::En).expect_err("no reason");
        assert_eq!(problems[0].field, "reason");
        assert_eq!(problems[0].message, "Say why the program won't act.");
        assert_eq!(problems[1].field, "body", "and every reply has words");
        let noted = Reply::parse(
            ReplyInput {
                status: "noted".into(),
                body: "Thank you: we will look at this at the next policy group meeting.".into(),
                ..reply.clone()
            },
            Lang::En,
        )
        .expect("noted needs no reason");
        assert_eq!((noted.status, noted.reason), (ReplyStatus::Noted, None));
        let empty = Reply::parse(
            ReplyInput {
                status: "noted".into(),
                ..reply
            },
            Lang::En,
        )
        .expect_err("an empty reply");
        assert_eq!(empty[0].field, "body");
    }

    #[test]
    fn choices_parse_only_their_own_codes() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(Publish::parse("program_only"), Some(Publish::ProgramOnly));
        assert_eq!(ReplyStatus::parse("Won't act"), None);
        assert_eq!(Role::parse("admin"), None);
    }
}
