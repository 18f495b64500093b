//! Types for the content files under `content/intake/`.
//!
//! The field names here are the keys a program manager writes in TOML; each
//! struct rejects unknown keys so a typo is reported instead of ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::text::{Lang, Text};

/// A struct of texts, one field per key, whose [`entries`] list every key
/// with its text, so checks (both languages, placeholders, spelling) cover
/// every field without a list kept by hand.
macro_rules! text_fields {
    ($(#[$doc:meta])* $name:ident { $($(#[$field_doc:meta])* $key:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name { $($(#[$field_doc])* pub $key: Text,)* }

        impl $name {
            /// Every key with its text, in the order declared.
            pub fn entries(&self) -> Vec<(&'static str, &Text)> {
                vec![$((stringify!($key), &self.$key),)*]
            }
        }
    };
}

/// `questions.toml`: the steps of the intake form and their questions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questions {
    #[serde(rename = "step")]
    pub steps: Vec<Step>,
    #[serde(rename = "question")]
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: Text,
    pub intro: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Pick exactly one of the options (radio buttons).
    Choice,
    /// One line of free text.
    Text,
    /// Several lines of free text.
    LongText,
    Email,
    Phone,
}

impl QuestionKind {
    pub fn is_free_text(self) -> bool {
        !matches!(self, QuestionKind::Choice)
    }
}

/// Where a choice question takes its options from, when the policy owns them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionSource {
    Referrers,
    Catchment,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub step: String,
    pub kind: QuestionKind,
    pub label: Text,
    pub help: Option<Text>,
    #[serde(default)]
    pub required: bool,
    pub max_len: Option<usize>,
    #[serde(default)]
    pub options: Vec<Choice>,
    pub options_from: Option<OptionSource>,
}

/// One answer of a choice question: the value sent, the label shown and,
/// for an answer that calls for it, a notice shown as soon as it is chosen
/// (with or without JavaScript), such as where to turn in a crisis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Text>,
}

/// The answer value of "I'm not sure" on a choice question.
pub const NOT_SURE: &str = "unsure";

/// `policy.toml`: what the Policy Coordinating Group decides.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub referrers: Vec<Choice>,
    pub catchment: Vec<Choice>,
    pub eligibility: Vec<Criterion>,
    /// question id -> answer value -> points.
    #[serde(default)]
    pub weights: BTreeMap<String, BTreeMap<String, u32>>,
    #[serde(rename = "tier")]
    pub tiers: Vec<Tier>,
    pub intake: Intake,
    pub program: Program,
    pub privacy: Privacy,
}

/// A core eligibility criterion: the answer to `question` must be one of
/// `accept`, otherwise the referral is not sent and `reason` is shown. An
/// honest "I'm not sure" ([`NOT_SURE`]) does what `not_sure` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub question: String,
    pub accept: Vec<String>,
    pub reason: Text,
    /// Required when the question offers "I'm not sure".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_sure: Option<NotSure>,
}

/// What "I'm not sure" on a core criterion does: the seeds' test is
/// "reason to believe", and the program vets every community referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotSure {
    /// Taken like a "yes".
    Accept,
    /// Taken, and the case system is told the criterion needs checking.
    Flag,
    /// Not taken; the referrer is told the program asks them to be sure.
    Refuse,
}

/// How people reach the program: on the intake page (a phone call is also
/// a way to refer), the confirmation, the paused page and the privacy
/// notice. Copy fills `{phone}`, `{email}` and `{hours}` from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    pub phone: String,
    pub email: String,
    /// When the phone is answered.
    pub hours: Text,
}

impl Program {
    /// `template` with the program's contact details in place.
    pub fn fill(&self, template: &str, lang: Lang) -> String {
        // Hours that end a sentence themselves ("… 5 p.m.") take the
        // template's full stop.
        let hours = self.hours.get(lang);
        let template = if hours.ends_with('.') {
            template.replace("{hours}.", "{hours}")
        } else {
            template.to_owned()
        };
        template
            .replace("{phone}", &self.phone)
            .replace("{email}", &self.email)
            .replace("{hours}", self.hours.get(lang))
    }
}

text_fields!(
    /// The privacy notice, field by field: policy the program signs off, so
    /// each is set explicitly and none can be left out.
    Privacy {
        /// What the form collects.
        collect,
        /// Why.
        purpose,
        /// Who may see a referral.
        seen_by,
        /// Who checks a community referral before outreach, and who may
        /// discuss it (police and prosecutors, where they do).
        vetted_by,
        /// Whether the person referred may learn who referred them.
        referred_person,
        /// How long the portal and the case system keep a referral.
        retention,
        /// How long a draft stays on the device (must name the hours).
        on_device,
    }
);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub id: String,
    pub min_score: u32,
    pub label: Text,
    pub meaning: Text,
}

/// Whether community referrals are taken, from the most open to the most
/// closed (the order [`IntakeStatus::stricter`] uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntakeStatus {
    Open,
    PriorityOnly,
    Paused,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    pub status: IntakeStatus,
    #[serde(default)]
    pub priority_tiers: Vec<String>,
    /// How long a second referral of the same person from the same
    /// referrer is flagged as a duplicate of the first, in hours.
    #[serde(default = "default_duplicate_window_hours")]
    pub duplicate_window_hours: u32,
    /// When caseloads close community referrals.
    pub capacity: CapacityRule,
    pub messages: IntakeMessages,
}

fn default_duplicate_window_hours() -> u32 {
    24
}

/// The policy group's capacity rule. The case system reports caseloads
/// (or a manager enters them); while the average active caseload is above
/// `average_above`, or any case manager has `highest_at` or more,
/// community referrals are `then` (priority_only or paused), and open again
/// when capacity recovers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityRule {
    pub average_above: f64,
    pub highest_at: f64,
    pub then: IntakeStatus,
    /// A report older than this is flagged to staff as stale.
    pub stale_after_hours: u32,
}

text_fields!(IntakeMessages {
    open,
    priority_only,
    paused,
    /// Priority only because caseloads are over the capacity rule.
    capacity_priority_only,
    /// Paused because caseloads are over the capacity rule.
    capacity_paused,
    /// What counts as priority, shown before the questions while only
    /// priority referrals are taken.
    priority_criteria,
});

impl IntakeStatus {
    pub const ALL: [IntakeStatus; 3] = [IntakeStatus::Open, IntakeStatus::PriorityOnly, IntakeStatus::Paused];

    pub fn code(self) -> &'static str {
        match self {
            IntakeStatus::Open => "open",
            IntakeStatus::PriorityOnly => "priority_only",
            IntakeStatus::Paused => "paused",
        }
    }

    pub fn parse(code: &str) -> Option<IntakeStatus> {
        IntakeStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The more closed of two statuses.
    pub fn stricter(self, other: IntakeStatus) -> IntakeStatus {
        self.max(other)
    }
}

/// `copy.toml`: page text. Every key is required, so a missing translation
/// is a load error naming the key rather than a blank on the page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Copy {
    pub text: CopyText,
}

text_fields!(
    /// The page text, one field per key of `[text]` in `copy.toml`.
    CopyText {
    site_name,
    page_title,
    meta_intake,
    meta_sent,
    meta_poster,
    meta_language,
    meta_not_found,
    meta_not_sent,
    lead_in,
    emergency,
    emergency_heading,
    intake_status_heading,
    language,
    other_language,
    progress,
    next,
    back,
    review_heading,
    review_intro,
    change,
    not_answered,
    send,
    sending,
    send_failed,
    retry,
    errors_heading,
    try_again_heading,
    error_rate_limited,
    error_unavailable,
    error_request,
    error_too_large,
    go_back,
    back_to_form,
    already_sent_heading,
    already_sent,
    required_mark,
    honeypot,
    draft_note,
    skip_link,
    draft_restored,
    start_again,
    step_done,
    error_title,
    chars_limit,
    chars_left,
    chars_left_one,
    chars_over,
    chars_over_one,
    clear_answers,
    answers_cleared,
    no_js_note,
    no_js_first_note,
    not_fit_heading,
    not_fit_intro,
    other_help,
    closed_heading,
    sent_heading,
    reference,
    reference_help,
    next_steps_heading,
    next_steps,
    confidentiality,
    another,
    tiers_heading,
    tiers_intro,
    phone_referral,
    contact_line,
    not_sure_hint,
    not_sure_refused,
    privacy_heading,
    privacy_collect,
    privacy_purpose,
    privacy_seen_by,
    privacy_vetted_by,
    privacy_referred_person,
    privacy_retention,
    privacy_on_device,
    privacy_questions,
    poster_title,
    poster_body,
    poster_switch,
    poster_phone,
    poster_local,
    data_link,
    delivery_record,
    delivery_record_fast,
}
);

text_fields!(
    /// The Community Leadership Team's page text, one field per key of
    /// `[text]` in `clt.toml`.
    CltText {
    team_name,
    meta,
    figures_link,
    other_language,
    language,
    skip_link,
    signed_in_as,
    signed_in_as_role,
    role_moderator,
    role_manager,
    sign_out,
    your_comments,
    moderation_queue,
    pages_nav,
    newer,
    older,
    page_number,
    join_title,
    join_text,
    sign_in,
    how_to_sign_in,
    sign_out_text,
    sign_out_now,
    stay_signed_in,
    signed_out_title,
    signed_out_text,
    device_title,
    device_text,
    device_link_label,
    devices_intro,
    back_to_comments,
    home_intro,
    home_program,
    dashboards_front,
    dashboards,
    no_comments_yet,
    new_replies_one,
    new_replies_many,
    new_reply,
    published_beside,
    comment_heading,
    comment_from,
    about_point,
    all_time,
    quarter,
    figures_seen,
    column_period,
    column_group,
    column_measure,
    column_value,
    suppressed,
    no_longer_published,
    figures_changed,
    no_reply_yet,
    program_reply,
    earlier_replies,
    earlier_reply,
    why_not,
    please_sign_in,
    kept_text,
    your_comment,
    back_to_chart,
    comment_on,
    comment_on_page,
    comment_on_program,
    topic_legend,
    page_commentary_heading,
    program_commentary_heading,
    program_topic,
    whole_page,
    back_to_page,
    comment_is_about,
    kind_legend,
    point_label,
    publish_legend,
    send_comment,
    correct_comment,
    comment_sent,
    comments_page,
    commentary_heading,
    commentary_line,
    period_figures,
    all_time_figures,
    anonymous_member,
    queue_heading_all,
    queue_heading_waiting,
    queue_all_intro,
    queue_waiting_intro,
    show_waiting,
    show_all,
    approve_intro,
    none_waiting,
    no_comments,
    reply_legend,
    reply_body_label,
    reply_reason_label,
    send_reply,
    correct_reply,
    program_only,
    approved,
    withdraw_reason,
    withdraw,
    own_comment,
    approve,
    saved_reply,
    saved_unpublish,
    title_invitation,
    title_wait,
    title_not_found,
    title_try_later,
    title_not_allowed,
    error_not_signed_in,
    error_revoked,
    error_moderators_only,
    error_managers_only,
    error_cross_site,
    error_invitation_invalid,
    error_invitation_expired,
    error_invitation_used,
    error_not_publishable,
    error_own_comment,
    error_closed,
    error_sign_ins,
    error_comments,
    error_not_found,
    error_unavailable,
    error_request,
    problem_too_long,
    problem_chart,
    problem_topic,
    problem_no_page,
    problem_no_chart,
    problem_kind,
    problem_publish,
    problem_body,
    problem_status,
    problem_reason,
    problem_body_reply,
    problem_withdraw_reason,
}
);

text_fields!(
    /// The dashboards' page text, one field per key of `[text]` in
    /// `dashboards.toml`: the pages' frame, the table notes and the short
    /// labels of axes and series.
    DashboardText {
    site_name,
    skip_link,
    site_nav,
    refer_link,
    other_language,
    index_intro,
    index_meta,
    dashboards_nav,
    period_title,
    quarters_of,
    quarter_short,
    all_time,
    quarter,
    suppressed,
    no_data,
    hidden_mark,
    note_none,
    note_one,
    note_many,
    chart_label,
    table_label,
    unit_share,
    unit_days,
    unit_ratio,
    download_chart,
    demo_title,
    demo_text,
    about_title,
    about_covered,
    about_doors,
    about_source_synthetic,
    about_source_export,
    about_rule,
    about_limits,
    about_not_reported,
    not_reported_chart,
    download_all,
    axis_month,
    axis_referred_by,
    axis_tier,
    axis_door,
    axis_month_enrolled,
    axis_stage,
    axis_measure,
    axis_time_after,
    all_doors,
    community_referrals,
    median_days,
    active,
    inactive,
    discharged,
    came_back,
    retained_6,
    retained_12,
    average_caseload,
    highest_caseload,
    line_average,
    line_maximum,
    case_managers,
    case_managers_over_25,
    waitlisted,
    declined,
    population,
    stage_eligible_arrests,
    stage_arrest_diversions,
    stage_social_contact,
    stage_community,
    stage_enrolled,
    stage_retained_6,
    line_population,
    stage_booked,
    stage_booked_of_arrests,
    stage_diverted_of_arrests,
    stage_enrolled_of_referred,
    stage_retained_of_enrolled,
    line_previous,
    largest_change,
    largest_change_none,
    axis_race,
    axis_outcome,
    line_all_community,
    line_all_referrals,
    line_no_change,
    housed_6,
    housed_12,
    jail_bookings,
    ed_visits,
    people_known,
    charged,
    participants_all,
    comparison_group,
    axis_respondents,
    group_participants,
    group_partners,
    group_community,
    satisfied,
    arrests,
    charges,
    jail_days,
    before_12,
    after_12,
    after_6_months,
    after_12_months,
    housed,
    diversion_rate,
    eligible_arrests,
    booked,
}
);

/// `dashboards.toml`: the dashboards' page text, what each page is for
/// (`[intro]`, by page id) and what each chart shows (`[caption]`, by chart
/// id). Every page and chart of the data contract has one of each.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DashboardCopy {
    pub text: DashboardText,
    pub intro: BTreeMap<String, Text>,
    pub caption: BTreeMap<String, Text>,
}

impl DashboardCopy {
    /// What dashboard page `page` is for.
    pub fn intro(&self, page: lead_data::tables::DashboardId) -> &Text {
        &self.intro[page.as_str()]
    }

    /// What chart `chart` shows.
    pub fn caption(&self, chart: lead_data::tables::ChartId) -> &Text {
        &self.caption[chart.as_str()]
    }
}

/// `clt.toml`: the Community Leadership Team's page text.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CltCopy {
    pub text: CltText,
}

/// Everything the intake pages and rules need, checked for consistency.
#[derive(Debug, Clone)]
pub struct Content {
    pub questions: Questions,
    pub policy: Policy,
    pub copy: CopyText,
}

impl Content {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.questions.iter().find(|q| q.id == id)
    }

    /// The answers a choice question offers, wherever they are defined.
    pub fn options<'a>(&'a self, question: &'a Question) -> &'a [Choice] {
        match question.options_from {
            Some(OptionSource::Referrers) => &self.policy.referrers,
            Some(OptionSource::Catchment) => &self.policy.catchment,
            None => &question.options,
        }
    }

    pub fn questions_in_step<'a>(&'a self, step: &'a str) -> impl Iterator<Item = &'a Question> + 'a {
        self.questions.questions.iter().filter(move |q| q.step == step)
    }

    /// How an error names `field`: its question's label, the honeypot's
    /// own words, or (a field the form does not have) its name.
    pub fn field_label<'a>(&'a self, field: &'a str, lang: Lang) -> &'a str {
        match self.question(field) {
            Some(q) => q.label.get(lang),
            None if field == crate::referral::HONEYPOT_FIELD => self.copy.honeypot.get(lang),
            None => field,
        }
    }

    /// The first step's questions: without JavaScript they are the form's
    /// first page, asked before anything about the person or the referrer.
    pub fn first_step_questions(&self) -> impl Iterator<Item = &Question> + '_ {
        let first = self.questions.steps.first().map(|s| s.id.as_str());
        self.questions
            .questions
            .iter()
            .filter(move |q| Some(q.step.as_str()) == first)
    }

    pub fn option_label<'a>(&'a self, question: &'a Question, value: &str, lang: Lang) -> Option<&'a str> {
        self.options(question)
            .iter()
            .find(|c| c.value == value)
            .map(|c| c.label.get(lang))
    }

    pub fn tier(&self, id: &str) -> Option<&Tier> {
        self.policy.tiers.iter().find(|t| t.id == id)
    }

    /// How to reach the program, in words (`contact_line` with the
    /// program's phone, hours and email).
    pub fn contact_line(&self, lang: Lang) -> String {
        self.policy.program.fill(self.copy.contact_line.get(lang), lang)
    }
}
