//! The published tables: the dimensions a figure is broken down by, the
//! measures counted and derived, and every table the dashboards publish.
//! The aggregation step writes them (`lead-aggregate`), the site reads and
//! draws them, the worker shows the figures a comment was made on; a table,
//! a dimension or a measure is named here and nowhere else.

use crate::vocab::{Door, Label, Outcome, RaceEthnicity, ReferrerType, PRIORITY_TIERS};
use crate::vocabulary;

vocabulary!(
    /// A published table; its label is its title.
    TableId, "the id of a published table" {
        ReferralsByDoor = "referrals_by_door", "Referrals by door", "Referidos por puerta";
        CommunityReferralsByReferrerType = "community_referrals_by_referrer_type", "Community referrals by who referred", "Referidos comunitarios según quién refirió";
        CommunityReferralsByPriorityTier = "community_referrals_by_priority_tier", "Community referrals by priority tier", "Referidos comunitarios por nivel de prioridad";
        ReferralOutcomes = "referral_outcomes", "What became of referrals", "Qué pasó con los referidos";
        DaysToIntake = "days_to_intake", "Days from referral to intake", "Días entre el referido y la primera entrevista";
        ParticipantsByStatus = "participants_by_status", "Enrollments by month enrolled and current status (active, inactive)", "Inscripciones por mes de inscripción y estado actual (activo, inactivo)";
        Retention = "retention", "Retention 6 and 12 months after enrollment (active or inactive, not discharged)", "Permanencia a los 6 y 12 meses de la inscripción (activo o inactivo, sin baja)";
        AverageCaseload = "average_caseload", "Average active caseload per case manager", "Número medio de casos activos por administrador de casos";
        ReferralsWaitlisted = "referrals_waitlisted", "Referrals waitlisted", "Referidos en lista de espera";
        ReferralsDeclined = "referrals_declined", "Referrals declined", "Referidos rechazados";
        EquityDiversionEligibleArrests = "equity_diversion_eligible_arrests", "Diversion-eligible arrests by race and ethnicity", "Arrestos elegibles para desvío por raza y etnia";
        EquityReferralsByDoor = "equity_referrals_by_door", "Referrals by door (arrest diversion, social contact, community) and race and ethnicity", "Referidos por puerta (desvío de arresto, contacto social, comunitaria) y por raza y etnia";
        EquityEnrolment = "equity_enrolment", "Referrals that led to enrollment by race and ethnicity", "Referidos que terminaron en inscripción por raza y etnia";
        EquityRetention = "equity_retention", "Enrollments retained 6 months by race and ethnicity", "Inscripciones que permanecen a los 6 meses por raza y etnia";
        ParticipantOutcomes = "participant_outcomes", "Participant outcomes: jail bookings and emergency visits in the 12 months before and after enrollment, housing", "Resultados de los participantes: ingresos en la cárcel y visitas a urgencias en los 12 meses antes y después de la inscripción, vivienda";
        DiversionRate = "diversion_rate", "Diversion rate: arrest diversions among diversion-eligible arrests", "Tasa de desvío: desvíos de arresto entre los arrestos elegibles para desvío";
        SystemBookings = "system_bookings", "Diversion-eligible arrests and bookings", "Arrestos elegibles para desvío e ingresos en la cárcel";
    }
);

/// The dimensions, in the order of their `cells.csv` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dim {
    Door = 0,
    ReferrerType = 1,
    PriorityTier = 2,
    Outcome = 3,
    Race = 4,
}

/// How many dimensions a cell has.
pub const N_DIMS: usize = 5;

pub const DIMS: [Dim; N_DIMS] = [Dim::Door, Dim::ReferrerType, Dim::PriorityTier, Dim::Outcome, Dim::Race];

impl Dim {
    /// The dimension whose `cells.csv` column is `column`.
    pub fn from_column(column: &str) -> Option<Dim> {
        DIMS.into_iter().find(|d| d.column() == column)
    }

    /// How a person reads `value` of this dimension; `None` for a value the
    /// vocabulary does not know (a priority tier of the policy group's own).
    pub fn label(self, value: &str) -> Option<Label> {
        match self {
            Dim::Door => Door::parse(value).map(Door::label),
            Dim::ReferrerType => ReferrerType::parse(value).map(ReferrerType::label),
            Dim::PriorityTier => PRIORITY_TIERS.iter().find(|(v, _)| *v == value).map(|(_, l)| *l),
            Dim::Outcome => Outcome::parse(value).map(Outcome::label),
            Dim::Race => RaceEthnicity::parse(value).map(RaceEthnicity::label),
        }
    }

    pub fn column(self) -> &'static str {
        match self {
            Dim::Door => "door",
            Dim::ReferrerType => "referrer_type",
            Dim::PriorityTier => "priority_tier",
            Dim::Outcome => "outcome",
            Dim::Race => "race_ethnicity",
        }
    }
}

/// Counted measures. Those a table lists as `implied` are never published
/// but follow from published ones (a total minus a part), so they are
/// protected if small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    Referrals,
    WithIntake,
    IntakeWithin30Days,
    IntakeAfter30Days,
    WithoutIntake,
    /// Referrals whose outcome is not `enrolled` (implied: referrals minus
    /// the `enrolled` row); keyed with the outcome dimension at `all`.
    ReferralsNotEnrolled,
    // Engagement: enrolments by month of `enrolled_date`, current status.
    Enrolled,
    Active,
    Inactive,
    /// Discharged, or enrolled with no status.
    Discharged,
    /// Enrolments at least 6 months (183 days) before the export date.
    Followed6,
    /// Enrolments too recent for the 6-month look.
    NotFollowed6,
    Retained6,
    NotRetained6,
    /// Followed for 6 but not 12 months (365 days).
    Followed6Not12,
    Followed12,
    Retained12,
    NotRetained12,
    // Capacity: caseloads.csv by month.
    CaseManagerMonths,
    CaseloadSum,
    // arrests.csv by month.
    EligibleArrests,
    Booked,
    EligibleNotBooked,
    // Participant outcomes (outcomes.csv) by month of first enrolment.
    OutcomePeople12,
    JailBookingsPre12,
    JailBookingsPost12,
    EdVisitsPre12,
    EdVisitsPost12,
    HousingPeople6,
    Housed6,
    NotHoused6,
    HousingPeople12,
    Housed12,
    NotHoused12,
}

impl Measure {
    pub fn name(self) -> &'static str {
        match self {
            Measure::Referrals => "referrals",
            Measure::WithIntake => "referrals_with_intake",
            Measure::IntakeWithin30Days => "intake_within_30_days",
            Measure::IntakeAfter30Days => "intake_after_30_days",
            Measure::WithoutIntake => "referrals_without_intake",
            Measure::ReferralsNotEnrolled => "referrals_not_enrolled",
            Measure::Enrolled => "participants_enrolled",
            Measure::Active => "participants_active",
            Measure::Inactive => "participants_inactive",
            Measure::Discharged => "participants_discharged",
            Measure::Followed6 => "enrolments_followed_6m",
            Measure::NotFollowed6 => "enrolments_not_followed_6m",
            Measure::Retained6 => "retained_6m",
            Measure::NotRetained6 => "not_retained_6m",
            Measure::Followed6Not12 => "enrolments_followed_6m_not_12m",
            Measure::Followed12 => "enrolments_followed_12m",
            Measure::Retained12 => "retained_12m",
            Measure::NotRetained12 => "not_retained_12m",
            Measure::CaseManagerMonths => "case_manager_months",
            Measure::CaseloadSum => "active_caseload_sum",
            Measure::EligibleArrests => "diversion_eligible_arrests",
            Measure::Booked => "booked",
            Measure::EligibleNotBooked => "eligible_arrests_not_booked",
            Measure::OutcomePeople12 => "people_followed_12m",
            Measure::JailBookingsPre12 => "jail_bookings_pre_12m",
            Measure::JailBookingsPost12 => "jail_bookings_post_12m",
            Measure::EdVisitsPre12 => "ed_visits_pre_12m",
            Measure::EdVisitsPost12 => "ed_visits_post_12m",
            Measure::HousingPeople6 => "people_followed_housing_6m",
            Measure::Housed6 => "housed_post_6m",
            Measure::NotHoused6 => "not_housed_post_6m",
            Measure::HousingPeople12 => "people_followed_housing_12m",
            Measure::Housed12 => "housed_post_12m",
            Measure::NotHoused12 => "not_housed_post_12m",
        }
    }
}

/// Figures computed from published counts (or, for the population
/// baseline, from the census file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DerivedMeasure {
    /// Median days from referral to intake among referrals with an intake.
    MedianDaysToIntake,
    /// Share of referrals with an intake that had it within 30 days.
    ShareWithin30Days,
    /// Share of enrolments followed 6 (12) months that were not discharged by then.
    Retention6,
    Retention12,
    /// Caseload sum / case-manager months.
    AverageCaseload,
    /// A stage's count for one race / the stage's count for all races.
    ShareByRace,
    /// The race's share of the census population (not a count of people
    /// LEAD served, so not suppressed).
    PopulationShare,
    /// ShareByRace / PopulationShare.
    RelativeRate,
    /// Arrest diversions (referrals through the arrest diversion door) /
    /// diversion-eligible arrests.
    DiversionRate,
    ShareHoused6,
    ShareHoused12,
}

impl DerivedMeasure {
    pub fn name(self) -> &'static str {
        match self {
            DerivedMeasure::MedianDaysToIntake => "median_days_to_intake",
            DerivedMeasure::ShareWithin30Days => "share_intake_within_30_days",
            DerivedMeasure::Retention6 => "retention_6m",
            DerivedMeasure::Retention12 => "retention_12m",
            DerivedMeasure::AverageCaseload => "average_active_caseload",
            DerivedMeasure::ShareByRace => "share_by_race",
            DerivedMeasure::PopulationShare => "population_share",
            DerivedMeasure::RelativeRate => "relative_rate",
            DerivedMeasure::DiversionRate => "diversion_rate",
            DerivedMeasure::ShareHoused6 => "share_housed_post_6m",
            DerivedMeasure::ShareHoused12 => "share_housed_post_12m",
        }
    }
}

/// A published table: a slice of the cube.
#[derive(Debug)]
pub struct TableSpec {
    pub id: TableId,
    pub measures: &'static [Measure],
    /// Dimensions the table breaks down by (each with an `all` margin).
    pub dims: &'static [Dim],
    /// Dimensions held at one value (a filter), e.g. door = community.
    pub fixed: &'static [(Dim, u16)],
    /// Derived figures, each with the counted measure of the key it sits on.
    pub derived: &'static [(DerivedMeasure, Measure)],
    /// Unpublished measures the table implies.
    pub implied: &'static [Measure],
}

pub const COMMUNITY: u16 = Door::Community as u16;
pub const ARREST_DIVERSION: u16 = Door::ArrestDiversion as u16;
pub const ENROLLED: u16 = Outcome::Enrolled as u16;
pub const WAITLISTED: u16 = Outcome::Waitlisted as u16;
pub const DECLINED: u16 = Outcome::Declined as u16;

/// The racial-equity figures of one stage of the continuum.
const EQUITY: &[(DerivedMeasure, Measure)] = &[
    (DerivedMeasure::ShareByRace, Measure::Referrals),
    (DerivedMeasure::PopulationShare, Measure::Referrals),
    (DerivedMeasure::RelativeRate, Measure::Referrals),
];
const EQUITY_ARRESTS: &[(DerivedMeasure, Measure)] = &[
    (DerivedMeasure::ShareByRace, Measure::EligibleArrests),
    (DerivedMeasure::PopulationShare, Measure::EligibleArrests),
    (DerivedMeasure::RelativeRate, Measure::EligibleArrests),
];
const EQUITY_RETENTION: &[(DerivedMeasure, Measure)] = &[
    (DerivedMeasure::ShareByRace, Measure::Retained6),
    (DerivedMeasure::PopulationShare, Measure::Retained6),
    (DerivedMeasure::RelativeRate, Measure::Retained6),
];

/// Every dashboard table.
pub const TABLES: &[TableSpec] = &[
    TableSpec {
        id: TableId::ReferralsByDoor,
        measures: &[Measure::Referrals],
        dims: &[Dim::Door],
        fixed: &[],
        derived: &[],
        implied: &[],
    },
    TableSpec {
        id: TableId::CommunityReferralsByReferrerType,
        measures: &[Measure::Referrals],
        dims: &[Dim::ReferrerType],
        fixed: &[(Dim::Door, COMMUNITY)],
        derived: &[],
        implied: &[],
    },
    TableSpec {
        id: TableId::CommunityReferralsByPriorityTier,
        measures: &[Measure::Referrals],
        dims: &[Dim::PriorityTier],
        fixed: &[(Dim::Door, COMMUNITY)],
        derived: &[],
        implied: &[],
    },
    TableSpec {
        id: TableId::ReferralOutcomes,
        measures: &[Measure::Referrals],
        dims: &[Dim::Door, Dim::Outcome],
        fixed: &[],
        derived: &[],
        implied: &[],
    },
    TableSpec {
        id: TableId::DaysToIntake,
        measures: &[Measure::Referrals, Measure::WithIntake, Measure::IntakeWithin30Days],
        dims: &[Dim::Door],
        fixed: &[],
        derived: &[
            (DerivedMeasure::MedianDaysToIntake, Measure::WithIntake),
            (DerivedMeasure::ShareWithin30Days, Measure::WithIntake),
        ],
        implied: &[Measure::IntakeAfter30Days, Measure::WithoutIntake],
    },
    // Engagement.
    TableSpec {
        id: TableId::ParticipantsByStatus,
        measures: &[Measure::Enrolled, Measure::Active, Measure::Inactive],
        dims: &[Dim::Door],
        fixed: &[],
        derived: &[],
        implied: &[Measure::Discharged],
    },
    TableSpec {
        id: TableId::Retention,
        measures: &[
            Measure::Followed6,
            Measure::Retained6,
            Measure::Followed12,
            Measure::Retained12,
        ],
        dims: &[Dim::Door],
        fixed: &[],
        derived: &[
            (DerivedMeasure::Retention6, Measure::Followed6),
            (DerivedMeasure::Retention12, Measure::Followed12),
        ],
        implied: &[
            Measure::NotRetained6,
            Measure::NotRetained12,
            Measure::NotFollowed6,
            Measure::Followed6Not12,
        ],
    },
    // Capacity.
    TableSpec {
        id: TableId::AverageCaseload,
        measures: &[Measure::CaseManagerMonths, Measure::CaseloadSum],
        dims: &[],
        fixed: &[],
        derived: &[(DerivedMeasure::AverageCaseload, Measure::CaseManagerMonths)],
        implied: &[],
    },
    TableSpec {
        id: TableId::ReferralsWaitlisted,
        measures: &[Measure::Referrals],
        dims: &[Dim::Door],
        fixed: &[(Dim::Outcome, WAITLISTED)],
        derived: &[],
        implied: &[],
    },
    TableSpec {
        id: TableId::ReferralsDeclined,
        measures: &[Measure::Referrals],
        dims: &[Dim::Door],
        fixed: &[(Dim::Outcome, DECLINED)],
        derived: &[],
        implied: &[],
    },
    // Racial equity, one table per stage of the continuum (the referral
    // doors share one table).
    TableSpec {
        id: TableId::EquityDiversionEligibleArrests,
        measures: &[Measure::EligibleArrests],
        dims: &[Dim::Race],
        fixed: &[],
        derived: EQUITY_ARRESTS,
        implied: &[],
    },
    TableSpec {
        id: TableId::EquityReferralsByDoor,
        measures: &[Measure::Referrals],
        dims: &[Dim::Door, Dim::Race],
        fixed: &[],
        derived: EQUITY,
        implied: &[],
    },
    TableSpec {
        id: TableId::EquityEnrolment,
        measures: &[Measure::Referrals],
        dims: &[Dim::Race],
        fixed: &[(Dim::Outcome, ENROLLED)],
        derived: EQUITY,
        implied: &[],
    },
    TableSpec {
        id: TableId::EquityRetention,
        measures: &[Measure::Retained6],
        dims: &[Dim::Race],
        fixed: &[],
        derived: EQUITY_RETENTION,
        implied: &[],
    },
    // Outcomes.
    TableSpec {
        id: TableId::ParticipantOutcomes,
        measures: &[
            Measure::OutcomePeople12,
            Measure::JailBookingsPre12,
            Measure::JailBookingsPost12,
            Measure::EdVisitsPre12,
            Measure::EdVisitsPost12,
            Measure::HousingPeople6,
            Measure::Housed6,
            Measure::HousingPeople12,
            Measure::Housed12,
        ],
        dims: &[],
        fixed: &[],
        derived: &[
            (DerivedMeasure::ShareHoused6, Measure::HousingPeople6),
            (DerivedMeasure::ShareHoused12, Measure::HousingPeople12),
        ],
        implied: &[Measure::NotHoused6, Measure::NotHoused12],
    },
    TableSpec {
        id: TableId::DiversionRate,
        measures: &[Measure::EligibleArrests],
        dims: &[],
        fixed: &[],
        derived: &[(DerivedMeasure::DiversionRate, Measure::EligibleArrests)],
        implied: &[],
    },
    TableSpec {
        id: TableId::SystemBookings,
        measures: &[Measure::EligibleArrests, Measure::Booked],
        dims: &[],
        fixed: &[],
        derived: &[],
        implied: &[Measure::EligibleNotBooked],
    },
];

impl TableSpec {
    /// The table's title (in English; [`TableId::label`] has both).
    pub fn title(&self) -> &'static str {
        self.id.label().en
    }

    /// The table with this id.
    pub fn of(id: TableId) -> &'static TableSpec {
        TABLES
            .iter()
            .find(|t| t.id == id)
            .expect("every TableId has a TableSpec (checked by a test)")
    }
}

/// A published figure's measure: counted, or derived from counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stat {
    Count(Measure),
    Derived(DerivedMeasure),
}

impl Stat {
    /// The `measure` column of `cells.csv` and the table files.
    pub fn name(self) -> &'static str {
        match self {
            Stat::Count(m) => m.name(),
            Stat::Derived(d) => d.name(),
        }
    }
}

impl From<Measure> for Stat {
    fn from(m: Measure) -> Stat {
        Stat::Count(m)
    }
}

impl From<DerivedMeasure> for Stat {
    fn from(d: DerivedMeasure) -> Stat {
        Stat::Derived(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_id_has_one_spec_and_every_column_one_dimension() {
        for id in TableId::ALL {
            assert_eq!(TABLES.iter().filter(|t| t.id == *id).count(), 1, "{id}");
        }
        assert_eq!(TABLES.len(), TableId::ALL.len());
        for d in DIMS {
            assert_eq!(Dim::from_column(d.column()), Some(d));
        }
        assert_eq!(Dim::Door.label("community").map(|l| l.en), Some("Community referral"));
        assert_eq!(Dim::PriorityTier.label("tier_9"), None);
    }
}
