//! The published tables: the dimensions a figure is broken down by, the
//! measures counted and derived, and every table the dashboards publish.
//! The aggregation step writes them (`lead-aggregate`), the site reads and
//! draws them, the worker shows the figures a comment was made on; a table,
//! a dimension or a measure is named here and nowhere else.

use crate::unit::Unit;
use crate::vocab::{Door, Label, Outcome, RaceEthnicity, ReferrerType, UNASSIGNED_TIER, UNASSIGNED_TIER_LABEL};
use crate::vocabulary;

vocabulary!(
    /// A published table; its label is its title.
    TableId, "the id of a published table" {
        ReferralsByDoor = "referrals_by_door", "Referrals by door", "Referidos por puerta";
        CommunityReferralsByReferrerType = "community_referrals_by_referrer_type", "Community referrals by who referred", "Referidos comunitarios según quién refirió";
        CommunityReferralsByPriorityTier = "community_referrals_by_priority_tier", "Community referrals by priority tier", "Referidos comunitarios por nivel de prioridad";
        ReferralOutcomes = "referral_outcomes", "What became of referrals", "Qué pasó con los referidos";
        DaysToIntake = "days_to_intake", "Days from referral to intake and to full enrollment", "Días entre el referido y la primera entrevista, y hasta la inscripción completa";
        ParticipantsByStatus = "participants_by_status", "Enrollments by month enrolled and current status (active, inactive)", "Inscripciones por mes de inscripción y estado actual (activo, inactivo)";
        Retention = "retention", "Retention 6 and 12 months after enrollment (active or inactive, not discharged)", "Permanencia a los 6 y 12 meses de la inscripción (activo o inactivo, sin baja)";
        DischargesAndReturns = "discharges_and_returns", "Discharges by month of discharge and door, and how many of those people have enrolled again", "Bajas por mes de la baja y por puerta, y cuántas de esas personas se han vuelto a inscribir";
        AverageCaseload = "average_caseload", "Active caseloads of case managers: average, highest and how many case managers had more than 25", "Casos activos de los administradores de casos: promedio, máximo y cuántos administradores tenían más de 25";
        ReferralsWaitlisted = "referrals_waitlisted", "Referrals waitlisted", "Referidos en lista de espera";
        ReferralsDeclined = "referrals_declined", "Referrals declined", "Referidos rechazados";
        CommunityWaitlistedByPriorityTier = "community_waitlisted_by_priority_tier", "Community referrals waitlisted, by priority tier", "Referidos comunitarios en lista de espera, por nivel de prioridad";
        EquityDiversionEligibleArrests = "equity_diversion_eligible_arrests", "Diversion-eligible arrests by race and ethnicity", "Arrestos elegibles para desvío por raza y etnia";
        EquityBookings = "equity_bookings", "Diversion-eligible arrests booked into jail by race and ethnicity", "Arrestos elegibles para desvío con ingreso en la cárcel por raza y etnia";
        EquityArrestDiversions = "equity_arrest_diversions", "Arrest diversions by race and ethnicity", "Desvíos de arresto por raza y etnia";
        EquityReferralsByDoor = "equity_referrals_by_door", "Referrals by door (arrest diversion, social contact, community) and race and ethnicity", "Referidos por puerta (desvío de arresto, contacto social, comunitaria) y por raza y etnia";
        EquityEnrolment = "equity_enrolment", "Referrals that led to enrollment by race and ethnicity", "Referidos que terminaron en inscripción por raza y etnia";
        EquityRetention = "equity_retention", "Enrollments followed and retained 6 months by race and ethnicity", "Inscripciones con seguimiento y que permanecen a los 6 meses por raza y etnia";
        EquityPriorityTiers = "equity_priority_tiers", "Community referrals by priority tier and race and ethnicity", "Referidos comunitarios por nivel de prioridad y por raza y etnia";
        EquityReferralOutcomes = "equity_referral_outcomes", "What became of referrals, by race and ethnicity", "Qué pasó con los referidos, por raza y etnia";
        EquityParticipantOutcomes = "equity_participant_outcomes", "Participant outcomes by race and ethnicity: jail bookings and emergency visits in the 12 months before and after enrollment, housing 6 and 12 months after", "Resultados de los participantes por raza y etnia: ingresos en la cárcel y visitas a urgencias en los 12 meses antes y después de la inscripción, vivienda a los 6 y 12 meses";
        LegalSystemUse = "legal_system_use", "Legal-system use of participants: arrests, criminal charges and days in jail in the 12 months before and after enrollment", "Uso del sistema penal por los participantes: arrestos, cargos penales y días en la cárcel en los 12 meses antes y después de la inscripción";
        ComparisonGroup = "comparison_group", "Comparison group: jail bookings and emergency visits of similar people outside LEAD, 12 months before and after an index month", "Grupo de comparación: ingresos en la cárcel y visitas a urgencias de personas parecidas fuera de LEAD, 12 meses antes y después de un mes de referencia";
        Satisfaction = "satisfaction", "Satisfaction surveys: who answered and how many were satisfied, by respondent group", "Encuestas de satisfacción: quién respondió y cuántos estaban satisfechos, por grupo";
        ParticipantOutcomes = "participant_outcomes", "Participant outcomes: jail bookings and emergency visits in the 12 months before and after enrollment, housing", "Resultados de los participantes: ingresos en la cárcel y visitas a urgencias en los 12 meses antes y después de la inscripción, vivienda";
        DiversionRate = "diversion_rate", "Diversion rate: arrest diversions among diversion-eligible arrests", "Tasa de desvío: desvíos de arresto entre los arrestos elegibles para desvío";
        SystemBookings = "system_bookings", "Diversion-eligible arrests and bookings", "Arrestos elegibles para desvío e ingresos en la cárcel";
        SystemCharging = "system_charging", "Diversion-eligible arrests charged by the prosecutor", "Arrestos elegibles para desvío con cargos de la fiscalía";
        SiteOutcomes = "site_outcomes", "Outcome measures chosen by the program's policy group, before and after enrollment", "Medidas de resultados elegidas por el grupo de políticas del programa, antes y después de la inscripción";
    }
);

vocabulary!(
    /// A dashboard page, as its path names it; its label is its title.
    DashboardId, "the id of a dashboard page" {
        Referrals = "referrals", "Referrals", "Referidos";
        GettingStarted = "getting-started", "Getting started", "Primeros pasos";
        Engagement = "engagement", "Engagement", "Participación";
        Capacity = "capacity", "Capacity", "Capacidad";
        RacialEquity = "racial-equity", "Racial equity", "Equidad racial";
        Outcomes = "outcomes", "Outcomes", "Resultados";
    }
);

vocabulary!(
    /// A chart on a dashboard page, as its CSV, its anchor and a Community
    /// Leadership Team comment name it; its label is its title.
    ChartId, "the id of a dashboard chart" {
        ReferralsByDoor = "referrals-by-door", "Referrals by door, each month", "Referidos por puerta, cada mes";
        CommunityByReferrer = "community-by-referrer", "Community referrals by who referred", "Referidos comunitarios según quién refirió";
        CommunityByTier = "community-by-tier", "Community referrals by priority tier", "Referidos comunitarios por nivel de prioridad";
        ReferralOutcomes = "referral-outcomes", "What became of referrals", "Qué pasó con los referidos";
        MedianDaysToIntake = "median-days-to-intake", "Median days from referral to intake, each month", "Mediana de días entre el referido y la primera entrevista, cada mes";
        IntakeWithin30Days = "intake-within-30-days", "Share of referrals reached for an intake within 30 days, each month", "Porcentaje de referidos con primera entrevista dentro de los 30 días, cada mes";
        DaysToFullEnrollment = "days-to-full-enrollment", "Median days from referral to full enrollment, each month", "Mediana de días entre el referido y la inscripción completa, cada mes";
        DaysToIntakeByDoor = "days-to-intake-by-door", "Median days from referral to intake, by door", "Mediana de días entre el referido y la primera entrevista, por puerta";
        EnrolmentsByStatus = "enrolments-by-status", "Enrollments each month, by current status", "Inscripciones cada mes, por estado actual";
        Retention = "retention", "Retention at 6 and 12 months", "Permanencia a los 6 y 12 meses";
        DischargesAndReturns = "discharges-and-returns", "Discharges each month, and how many of those people have come back", "Bajas cada mes, y cuántas de esas personas han vuelto";
        AverageCaseload = "average-caseload", "Average and highest active caseload per case manager, each month", "Número medio y máximo de casos activos por administrador de casos, cada mes";
        CaseManagersOver25 = "case-managers-over-25", "Case managers with more than 25 active cases, each month", "Administradores de casos con más de 25 casos activos, cada mes";
        WaitlistedDeclined = "waitlisted-declined", "Referrals waitlisted (the program was full) or declined by the person, each month", "Referidos en lista de espera (el programa estaba lleno) o que la persona no quiso aceptar, cada mes";
        WaitlistedByDoor = "waitlisted-by-door", "Referrals waitlisted because the program was full, by door, each month", "Referidos en lista de espera porque el programa estaba lleno, por puerta, cada mes";
        WaitlistedByTier = "waitlisted-by-tier", "Community referrals waitlisted because the program was full, by priority tier", "Referidos comunitarios en lista de espera porque el programa estaba lleno, por nivel de prioridad";
        ShareByStage = "share-by-stage", "Race and ethnicity at each stage, beside the population", "Raza y etnia en cada etapa, junto a la población";
        RelativeRateByStage = "relative-rate-by-stage", "Relative rate at each stage", "Tasa relativa en cada etapa";
        StageToStage = "stage-to-stage", "Relative rate at each stage against the stage before", "Tasa relativa en cada etapa frente a la etapa anterior";
        TiersByRace = "tiers-by-race", "Priority tiers of community referrals, by race and ethnicity", "Niveles de prioridad de los referidos comunitarios, por raza y etnia";
        OutcomesByRace = "outcomes-by-race", "What became of referrals, by race and ethnicity", "Qué pasó con los referidos, por raza y etnia";
        ParticipantOutcomesByRace = "participant-outcomes-by-race", "Change in jail bookings and emergency visits after enrollment, by race and ethnicity", "Cambio en los ingresos en la cárcel y las visitas a urgencias después de la inscripción, por raza y etnia";
        HousingByRace = "housing-by-race", "Housed after enrollment, by race and ethnicity", "Con vivienda después de la inscripción, por raza y etnia";
        BookingsAndEmergencyVisits = "bookings-and-emergency-visits", "Jail bookings and emergency visits, before and after enrollment", "Ingresos en la cárcel y visitas a urgencias, antes y después de la inscripción";
        LegalSystemUse = "legal-system-use", "Arrests, criminal charges and days in jail, before and after enrollment", "Arrestos, cargos penales y días en la cárcel, antes y después de la inscripción";
        ComparisonGroup = "comparison-group", "Change after enrollment, beside a comparison group outside LEAD", "Cambio después de la inscripción, junto a un grupo de comparación fuera de LEAD";
        Satisfaction = "satisfaction", "Satisfied with LEAD, by who answered the survey", "Satisfechos con LEAD, según quién respondió la encuesta";
        Housing = "housing", "Housed after enrollment", "Con vivienda después de la inscripción";
        DiversionRate = "diversion-rate", "Diversion rate, each month", "Tasa de desvío, cada mes";
        SystemBookings = "system-bookings", "Diversion-eligible arrests and bookings, each month", "Arrestos elegibles para desvío e ingresos en la cárcel, cada mes";
        SystemCharging = "system-charging", "Share of diversion-eligible arrests charged, each month", "Porcentaje de arrestos elegibles para desvío con cargos, cada mes";
        SiteCounts = "site-counts", "The program's own measures: totals before and after enrollment", "Medidas propias del programa: totales antes y después de la inscripción";
        SiteRates = "site-rates", "The program's own measures: average per person", "Medidas propias del programa: promedio por persona";
        SiteShares = "site-shares", "The program's own measures: share with yes", "Medidas propias del programa: porcentaje con sí";
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
    /// An outcome measure the program's content declares
    /// ([`crate::measures`]); its labels are the content's.
    SiteMeasure = 5,
}

/// How many dimensions a cell has.
pub const N_DIMS: usize = 6;

pub const DIMS: [Dim; N_DIMS] = [
    Dim::Door,
    Dim::ReferrerType,
    Dim::PriorityTier,
    Dim::Outcome,
    Dim::Race,
    Dim::SiteMeasure,
];

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
            // The policy group's tiers are labelled by the content.
            Dim::PriorityTier => (value == UNASSIGNED_TIER).then_some(UNASSIGNED_TIER_LABEL),
            Dim::Outcome => Outcome::parse(value).map(Outcome::label),
            Dim::Race => RaceEthnicity::parse(value).map(RaceEthnicity::label),
            Dim::SiteMeasure => None,
        }
    }

    /// Whether the values of the dimension add up to an `all` margin: the
    /// site's measures count different things, so theirs do not.
    pub fn has_margin(self) -> bool {
        self != Dim::SiteMeasure
    }

    pub fn column(self) -> &'static str {
        match self {
            Dim::Door => "door",
            Dim::ReferrerType => "referrer_type",
            Dim::PriorityTier => "priority_tier",
            Dim::Outcome => "outcome",
            Dim::Race => "race_ethnicity",
            Dim::SiteMeasure => "site_measure",
        }
    }
}

vocabulary!(
    /// Counted measures, as `cells.csv` names them and as a reader reads
    /// them. Those a table lists as `implied` are never published but
    /// follow from published ones (a total minus a part), so they are
    /// protected if small.
    Measure, "the name of a counted measure" {
        Referrals = "referrals", "Referrals", "Referidos";
        WithIntake = "referrals_with_intake", "Referrals that reached an intake", "Referidos que llegaron a una primera entrevista";
        /// Referrals made at least 30 days before the export's last date,
        /// so that whether they were reached within 30 days is known.
        Followed30Days = "referrals_followed_30_days", "Referrals made at least 30 days before the data's last date", "Referidos hechos al menos 30 días antes de la última fecha de los datos";
        /// Referrals too recent for the 30-day look (implied).
        NotFollowed30Days = "referrals_not_followed_30_days", "Referrals too recent to look at 30 days on", "Referidos demasiado recientes para mirarlos a los 30 días";
        /// Of those followed 30 days, the ones with an intake within 30 days.
        ReachedWithin30Days = "reached_within_30_days", "Referrals that reached an intake within 30 days", "Referidos que llegaron a una primera entrevista dentro de los 30 días";
        /// Of those followed 30 days, the ones with an intake later or never
        /// (implied).
        NotReachedWithin30Days = "not_reached_within_30_days", "Referrals with no intake within 30 days (later, or not yet)", "Referidos sin primera entrevista dentro de los 30 días (más tarde, o todavía no)";
        /// Referrals that reached full enrollment: an intake interview and
        /// a signed release of information (both dates in the export).
        WithRoi = "referrals_fully_enrolled", "Referrals that reached full enrollment (intake done, release of information signed)", "Referidos que llegaron a la inscripción completa (primera entrevista hecha, autorización para compartir información firmada)";
        /// Referrals not (yet) fully enrolled (implied).
        WithoutRoi = "referrals_not_fully_enrolled", "Referrals not (yet) fully enrolled", "Referidos todavía sin inscripción completa";
        WithoutIntake = "referrals_without_intake", "Referrals with no intake yet", "Referidos todavía sin primera entrevista";
        /// Referrals whose outcome is not `enrolled` (implied: referrals minus
        /// the `enrolled` row); keyed with the outcome dimension at `all`.
        ReferralsNotEnrolled = "referrals_not_enrolled", "Referrals not enrolled", "Referidos sin inscripción";
        // Engagement: enrolments by month of `enrolled_date`, current status.
        Enrolled = "participants_enrolled", "People enrolled", "Personas inscritas";
        Active = "participants_active", "Enrolled, now active", "Inscritas, ahora activas";
        Inactive = "participants_inactive", "Enrolled, now inactive", "Inscritas, ahora inactivas";
        /// Discharged, or enrolled with no status.
        Discharged = "participants_discharged", "Enrolled, since discharged", "Inscritas y dadas de baja después";
        /// Enrolments at least 6 months (183 days) before the export date.
        Followed6 = "enrolments_followed_6m", "Enrollments followed for 6 months", "Inscripciones con 6 meses de seguimiento";
        /// Enrolments too recent for the 6-month look.
        NotFollowed6 = "enrolments_not_followed_6m", "Enrollments too recent to follow for 6 months", "Inscripciones demasiado recientes para 6 meses de seguimiento";
        Retained6 = "retained_6m", "Still enrolled after 6 months", "Siguen inscritas a los 6 meses";
        NotRetained6 = "not_retained_6m", "Discharged within 6 months", "Dadas de baja antes de los 6 meses";
        /// Followed for 6 but not 12 months (365 days).
        Followed6Not12 = "enrolments_followed_6m_not_12m", "Enrollments followed for 6 but not 12 months", "Inscripciones con 6 meses de seguimiento pero no 12";
        Followed12 = "enrolments_followed_12m", "Enrollments followed for 12 months", "Inscripciones con 12 meses de seguimiento";
        Retained12 = "retained_12m", "Still enrolled after 12 months", "Siguen inscritas a los 12 meses";
        NotRetained12 = "not_retained_12m", "Discharged within 12 months", "Dadas de baja antes de los 12 meses";
        /// Enrollments the case-management team ended, by month of the
        /// discharge (`status_date`).
        Discharges = "discharges", "Discharges (enrollments the case-management team ended)", "Bajas (inscripciones que el equipo de administración de casos terminó)";
        /// Of those, the ones whose person enrolled again after the discharge.
        DischargesReturned = "discharges_returned", "Discharged people who have since enrolled again", "Personas dadas de baja que se han vuelto a inscribir";
        /// Discharges less those returned (implied).
        DischargesNotReturned = "discharges_not_returned", "Discharged people who have not enrolled again (yet)", "Personas dadas de baja que (todavía) no se han vuelto a inscribir";
        // Capacity: caseloads.csv by month.
        CaseManagerMonths = "case_manager_months", "Case managers (months worked)", "Administradores de casos (meses trabajados)";
        CaseloadSum = "active_caseload_sum", "Active cases of all case managers", "Casos activos de todos los administradores de casos";
        CaseManagersOver25 = "case_managers_over_25", "Case managers with more than 25 active cases", "Administradores de casos con más de 25 casos activos";
        /// Case-manager months less those over 25.
        CaseManagersAtMost25 = "case_managers_at_most_25", "Case managers with 25 active cases or fewer", "Administradores de casos con 25 casos activos o menos";
        // arrests.csv by month.
        EligibleArrests = "diversion_eligible_arrests", "Diversion-eligible arrests", "Arrestos elegibles para desvío";
        Booked = "booked", "Diversion-eligible arrests booked into jail", "Arrestos elegibles para desvío con ingreso en la cárcel";
        EligibleNotBooked = "eligible_arrests_not_booked", "Diversion-eligible arrests not booked into jail", "Arrestos elegibles para desvío sin ingreso en la cárcel";
        // Charging of diversion-eligible arrests (arrests.csv's optional
        // `charged` column), system-wide.
        ChargeKnownArrests = "eligible_arrests_charging_known", "Diversion-eligible arrests whose charging decision is known", "Arrestos elegibles para desvío con decisión de cargos conocida";
        ChargedArrests = "eligible_arrests_charged", "Diversion-eligible arrests charged by the prosecutor", "Arrestos elegibles para desvío con cargos de la fiscalía";
        NotChargedArrests = "eligible_arrests_not_charged", "Diversion-eligible arrests not charged", "Arrestos elegibles para desvío sin cargos";
        // Participant outcomes (outcomes.csv) by month of first enrolment.
        OutcomePeople12 = "people_followed_12m", "People followed for 12 months", "Personas con 12 meses de seguimiento";
        JailBookingsPre12 = "jail_bookings_pre_12m", "Jail bookings in the 12 months before enrollment", "Ingresos en la cárcel en los 12 meses antes de la inscripción";
        JailBookingsPost12 = "jail_bookings_post_12m", "Jail bookings in the 12 months after enrollment", "Ingresos en la cárcel en los 12 meses después de la inscripción";
        EdVisitsPre12 = "ed_visits_pre_12m", "Emergency room visits in the 12 months before enrollment", "Visitas a urgencias en los 12 meses antes de la inscripción";
        EdVisitsPost12 = "ed_visits_post_12m", "Emergency room visits in the 12 months after enrollment", "Visitas a urgencias en los 12 meses después de la inscripción";
        // Legal-system use (outcomes.csv, optional), each with the people
        // it was known for in both 12-month windows.
        ArrestsPeople12 = "people_followed_arrests_12m", "People whose arrests were known 12 months before and after enrollment", "Personas con arrestos conocidos 12 meses antes y después de la inscripción";
        ArrestsPre12 = "arrests_pre_12m", "Arrests in the 12 months before enrollment", "Arrestos en los 12 meses antes de la inscripción";
        ArrestsPost12 = "arrests_post_12m", "Arrests in the 12 months after enrollment", "Arrestos en los 12 meses después de la inscripción";
        ChargesPeople12 = "people_followed_charges_12m", "People whose criminal charges were known 12 months before and after enrollment", "Personas con cargos penales conocidos 12 meses antes y después de la inscripción";
        ChargesPre12 = "charges_pre_12m", "Criminal charges filed in the 12 months before enrollment", "Cargos penales presentados en los 12 meses antes de la inscripción";
        ChargesPost12 = "charges_post_12m", "Criminal charges filed in the 12 months after enrollment", "Cargos penales presentados en los 12 meses después de la inscripción";
        JailDaysPeople12 = "people_followed_jail_days_12m", "People whose days in jail were known 12 months before and after enrollment", "Personas con días en la cárcel conocidos 12 meses antes y después de la inscripción";
        JailDaysPre12 = "jail_days_pre_12m", "Days in jail in the 12 months before enrollment", "Días en la cárcel en los 12 meses antes de la inscripción";
        JailDaysPost12 = "jail_days_post_12m", "Days in jail in the 12 months after enrollment", "Días en la cárcel en los 12 meses después de la inscripción";
        // The comparison group (comparison.csv, optional): similar people
        // outside LEAD, by index month.
        ComparisonPeople12 = "comparison_people_followed_12m", "People in the comparison group followed 12 months before and after", "Personas del grupo de comparación con seguimiento 12 meses antes y después";
        ComparisonJailBookingsPre12 = "comparison_jail_bookings_pre_12m", "Comparison group: jail bookings in the 12 months before", "Grupo de comparación: ingresos en la cárcel en los 12 meses antes";
        ComparisonJailBookingsPost12 = "comparison_jail_bookings_post_12m", "Comparison group: jail bookings in the 12 months after", "Grupo de comparación: ingresos en la cárcel en los 12 meses después";
        ComparisonEdVisitsPre12 = "comparison_ed_visits_pre_12m", "Comparison group: emergency room visits in the 12 months before", "Grupo de comparación: visitas a urgencias en los 12 meses antes";
        ComparisonEdVisitsPost12 = "comparison_ed_visits_post_12m", "Comparison group: emergency room visits in the 12 months after", "Grupo de comparación: visitas a urgencias en los 12 meses después";
        // Satisfaction surveys (surveys.csv, optional), by respondent group.
        RespondentsParticipants = "survey_respondents_participants", "Participants who answered the satisfaction survey", "Participantes que respondieron la encuesta de satisfacción";
        SatisfiedParticipants = "survey_satisfied_participants", "Participants satisfied", "Participantes satisfechos";
        NotSatisfiedParticipants = "survey_not_satisfied_participants", "Participants not satisfied", "Participantes no satisfechos";
        RespondentsPartners = "survey_respondents_partners", "Partner agency staff who answered the satisfaction survey", "Personal de agencias asociadas que respondió la encuesta de satisfacción";
        SatisfiedPartners = "survey_satisfied_partners", "Partner agency staff satisfied", "Personal de agencias asociadas satisfecho";
        NotSatisfiedPartners = "survey_not_satisfied_partners", "Partner agency staff not satisfied", "Personal de agencias asociadas no satisfecho";
        RespondentsCommunity = "survey_respondents_community", "Community members who answered the satisfaction survey", "Miembros de la comunidad que respondieron la encuesta de satisfacción";
        SatisfiedCommunity = "survey_satisfied_community", "Community members satisfied", "Miembros de la comunidad satisfechos";
        NotSatisfiedCommunity = "survey_not_satisfied_community", "Community members not satisfied", "Miembros de la comunidad no satisfechos";
        HousingPeople6 = "people_followed_housing_6m", "People whose housing was known 6 months after enrollment", "Personas con situación de vivienda conocida 6 meses después de la inscripción";
        Housed6 = "housed_post_6m", "Housed 6 months after enrollment", "Con vivienda 6 meses después de la inscripción";
        NotHoused6 = "not_housed_post_6m", "Not housed 6 months after enrollment", "Sin vivienda 6 meses después de la inscripción";
        HousingPeople12 = "people_followed_housing_12m", "People whose housing was known 12 months after enrollment", "Personas con situación de vivienda conocida 12 meses después de la inscripción";
        Housed12 = "housed_post_12m", "Housed 12 months after enrollment", "Con vivienda 12 meses después de la inscripción";
        NotHoused12 = "not_housed_post_12m", "Not housed 12 months after enrollment", "Sin vivienda 12 meses después de la inscripción";
        // Outcome measures the program's content declares (one value of
        // the site_measure dimension each), by month of first enrollment.
        SitePeople = "site_measure_people", "People the measure is known for in every window it is recorded for", "Personas con la medida conocida en todos los periodos en que se registra";
        SiteTotalPre12 = "site_measure_total_pre_12m", "The measure summed over those people, 12 months before enrollment", "La medida sumada sobre esas personas, 12 meses antes de la inscripción";
        SiteTotalPost6 = "site_measure_total_post_6m", "The measure summed over those people, 6 months after enrollment", "La medida sumada sobre esas personas, 6 meses después de la inscripción";
        SiteTotalPost12 = "site_measure_total_post_12m", "The measure summed over those people, 12 months after enrollment", "La medida sumada sobre esas personas, 12 meses después de la inscripción";
        SiteYesPre12 = "site_measure_yes_pre_12m", "People with yes, 12 months before enrollment", "Personas con sí, 12 meses antes de la inscripción";
        SiteYesPost6 = "site_measure_yes_post_6m", "People with yes, 6 months after enrollment", "Personas con sí, 6 meses después de la inscripción";
        SiteYesPost12 = "site_measure_yes_post_12m", "People with yes, 12 months after enrollment", "Personas con sí, 12 meses después de la inscripción";
        SiteNoPre12 = "site_measure_no_pre_12m", "People with no, 12 months before enrollment", "Personas con no, 12 meses antes de la inscripción";
        SiteNoPost6 = "site_measure_no_post_6m", "People with no, 6 months after enrollment", "Personas con no, 6 meses después de la inscripción";
        SiteNoPost12 = "site_measure_no_post_12m", "People with no, 12 months after enrollment", "Personas con no, 12 meses después de la inscripción";
    }
);

vocabulary!(
    /// Figures computed from published counts (or, for the population
    /// baseline, from the census file).
    DerivedMeasure, "the name of a derived measure" {
        /// Median days from referral to intake among referrals with an intake.
        MedianDaysToIntake = "median_days_to_intake", "Median days from referral to intake", "Mediana de días entre el referido y la primera entrevista";
        /// Median days from referral to full enrollment (the later of the
        /// intake and the signed release of information).
        MedianDaysToFullEnrollment = "median_days_to_full_enrollment", "Median days from referral to full enrollment", "Mediana de días entre el referido y la inscripción completa";
        /// Share of referrals followed 30 days that reached an intake within
        /// them: those never reached count, as not reached in time.
        ShareWithin30Days = "share_intake_within_30_days", "Share of referrals that reached an intake within 30 days", "Porcentaje de referidos que llegaron a una primera entrevista dentro de los 30 días";
        /// Share of enrolments followed 6 (12) months that were not discharged by then.
        Retention6 = "retention_6m", "Share still enrolled after 6 months", "Porcentaje que sigue inscrito a los 6 meses";
        Retention12 = "retention_12m", "Share still enrolled after 12 months", "Porcentaje que sigue inscrito a los 12 meses";
        /// Discharges returned / discharges.
        ReturnRate = "share_discharged_returned", "Share of discharged people who have since enrolled again", "Porcentaje de personas dadas de baja que se han vuelto a inscribir";
        /// Caseload sum / case-manager months.
        AverageCaseload = "average_active_caseload", "Average active caseload per case manager", "Número medio de casos activos por administrador de casos";
        /// The largest caseload of one case manager in the month (in a
        /// longer period, the largest of its months).
        HighestCaseload = "highest_active_caseload", "Highest active caseload of a case manager", "Mayor número de casos activos de un administrador de casos";
        /// A stage's count for one race / the stage's count for all races.
        ShareByRace = "share_by_race", "Share of everyone at this stage", "Porcentaje de todas las personas en esta etapa";
        /// The race's share of the census population (not a count of people
        /// LEAD served, so not suppressed).
        PopulationShare = "population_share", "Share of the population", "Porcentaje de la población";
        /// ShareByRace / PopulationShare.
        RelativeRate = "relative_rate", "Relative rate (share at this stage divided by share of the population)", "Tasa relativa (porcentaje en esta etapa dividido entre el porcentaje de la población)";
        /// ShareByRace / the ShareByRace of the table's previous stage.
        StageRelativeRate = "stage_relative_rate", "Relative rate against the stage before (share at this stage divided by share at the stage before)", "Tasa relativa frente a la etapa anterior (porcentaje en esta etapa dividido entre el porcentaje en la etapa anterior)";
        /// Arrest diversions (referrals through the arrest diversion door) /
        /// diversion-eligible arrests.
        DiversionRate = "diversion_rate", "Share of diversion-eligible arrests diverted", "Porcentaje de arrestos elegibles para desvío que se desviaron";
        /// Jail bookings in the 12 months after enrollment against the 12
        /// months before, as a change (-0.4 is 40 % fewer).
        JailBookingsChange = "jail_bookings_change", "Change in jail bookings, the 12 months after enrollment against the 12 months before", "Cambio en los ingresos en la cárcel, los 12 meses después de la inscripción frente a los 12 meses antes";
        ComparisonJailBookingsChange = "comparison_jail_bookings_change", "Comparison group: change in jail bookings, the 12 months after against the 12 months before", "Grupo de comparación: cambio en los ingresos en la cárcel, los 12 meses después frente a los 12 meses antes";
        ComparisonEdVisitsChange = "comparison_ed_visits_change", "Comparison group: change in emergency room visits, the 12 months after against the 12 months before", "Grupo de comparación: cambio en las visitas a urgencias, los 12 meses después frente a los 12 meses antes";
        ArrestsChange = "arrests_change", "Change in arrests, the 12 months after enrollment against the 12 months before", "Cambio en los arrestos, los 12 meses después de la inscripción frente a los 12 meses antes";
        ChargesChange = "charges_change", "Change in criminal charges filed, the 12 months after enrollment against the 12 months before", "Cambio en los cargos penales presentados, los 12 meses después de la inscripción frente a los 12 meses antes";
        JailDaysChange = "jail_days_change", "Change in days in jail, the 12 months after enrollment against the 12 months before", "Cambio en los días en la cárcel, los 12 meses después de la inscripción frente a los 12 meses antes";
        EdVisitsChange = "ed_visits_change", "Change in emergency room visits, the 12 months after enrollment against the 12 months before", "Cambio en las visitas a urgencias, los 12 meses después de la inscripción frente a los 12 meses antes";
        ChargeRate = "charge_rate", "Share of diversion-eligible arrests charged by the prosecutor", "Porcentaje de arrestos elegibles para desvío con cargos de la fiscalía";
        SatisfiedParticipants = "share_satisfied_participants", "Share of participants who answered that were satisfied", "Porcentaje de participantes que respondieron y estaban satisfechos";
        SatisfiedPartners = "share_satisfied_partners", "Share of partner agency staff who answered that were satisfied", "Porcentaje del personal de agencias asociadas que respondió y estaba satisfecho";
        SatisfiedCommunity = "share_satisfied_community", "Share of community members who answered that were satisfied", "Porcentaje de miembros de la comunidad que respondieron y estaban satisfechos";
        ShareHoused6 = "share_housed_post_6m", "Share housed 6 months after enrollment", "Porcentaje con vivienda 6 meses después de la inscripción";
        ShareHoused12 = "share_housed_post_12m", "Share housed 12 months after enrollment", "Porcentaje con vivienda 12 meses después de la inscripción";
        // The program's own measures.
        SiteMeanPre12 = "site_measure_mean_pre_12m", "Average per person, 12 months before enrollment", "Promedio por persona, 12 meses antes de la inscripción";
        SiteMeanPost6 = "site_measure_mean_post_6m", "Average per person, 6 months after enrollment", "Promedio por persona, 6 meses después de la inscripción";
        SiteMeanPost12 = "site_measure_mean_post_12m", "Average per person, 12 months after enrollment", "Promedio por persona, 12 meses después de la inscripción";
        SiteSharePre12 = "site_measure_share_pre_12m", "Share with yes, 12 months before enrollment", "Porcentaje con sí, 12 meses antes de la inscripción";
        SiteSharePost6 = "site_measure_share_post_6m", "Share with yes, 6 months after enrollment", "Porcentaje con sí, 6 meses después de la inscripción";
        SiteSharePost12 = "site_measure_share_post_12m", "Share with yes, 12 months after enrollment", "Porcentaje con sí, 12 meses después de la inscripción";
        /// The total 12 months after against 12 months before, as a change.
        SiteChange = "site_measure_change", "Change, the 12 months after enrollment against the 12 months before", "Cambio, los 12 meses después de la inscripción frente a los 12 meses antes";
    }
);

impl Measure {
    /// For a measure that sums a quantity over people or case managers
    /// (bookings, visits, cases), the count of whom it sums over, under the
    /// same key: a sum over fewer than k of them is suppressed whatever its
    /// value, since it tells about those few.
    pub fn contributors(self) -> Option<Measure> {
        match self {
            Measure::JailBookingsPre12
            | Measure::JailBookingsPost12
            | Measure::EdVisitsPre12
            | Measure::EdVisitsPost12 => Some(Measure::OutcomePeople12),
            Measure::ArrestsPre12 | Measure::ArrestsPost12 => Some(Measure::ArrestsPeople12),
            Measure::ComparisonJailBookingsPre12
            | Measure::ComparisonJailBookingsPost12
            | Measure::ComparisonEdVisitsPre12
            | Measure::ComparisonEdVisitsPost12 => Some(Measure::ComparisonPeople12),
            Measure::ChargesPre12 | Measure::ChargesPost12 => Some(Measure::ChargesPeople12),
            Measure::JailDaysPre12 | Measure::JailDaysPost12 => Some(Measure::JailDaysPeople12),
            Measure::CaseloadSum => Some(Measure::CaseManagerMonths),
            Measure::SiteTotalPre12 | Measure::SiteTotalPost6 | Measure::SiteTotalPost12 => Some(Measure::SitePeople),
            _ => None,
        }
    }
}

impl DerivedMeasure {
    /// What the figure measures.
    pub fn unit(self) -> Unit {
        match self {
            DerivedMeasure::MedianDaysToIntake | DerivedMeasure::MedianDaysToFullEnrollment => Unit::Days,
            DerivedMeasure::AverageCaseload
            | DerivedMeasure::SiteMeanPre12
            | DerivedMeasure::SiteMeanPost6
            | DerivedMeasure::SiteMeanPost12 => Unit::Average,
            DerivedMeasure::HighestCaseload => Unit::Count,
            DerivedMeasure::RelativeRate | DerivedMeasure::StageRelativeRate => Unit::Ratio,
            DerivedMeasure::ShareWithin30Days
            | DerivedMeasure::Retention6
            | DerivedMeasure::Retention12
            | DerivedMeasure::ReturnRate
            | DerivedMeasure::ShareByRace
            | DerivedMeasure::PopulationShare
            | DerivedMeasure::DiversionRate
            | DerivedMeasure::ShareHoused6
            | DerivedMeasure::ShareHoused12
            | DerivedMeasure::JailBookingsChange
            | DerivedMeasure::EdVisitsChange
            | DerivedMeasure::ComparisonJailBookingsChange
            | DerivedMeasure::ComparisonEdVisitsChange
            | DerivedMeasure::ArrestsChange
            | DerivedMeasure::ChargesChange
            | DerivedMeasure::JailDaysChange
            | DerivedMeasure::ChargeRate
            | DerivedMeasure::SatisfiedParticipants
            | DerivedMeasure::SatisfiedPartners
            | DerivedMeasure::SatisfiedCommunity
            | DerivedMeasure::SiteSharePre12
            | DerivedMeasure::SiteSharePost6
            | DerivedMeasure::SiteSharePost12
            | DerivedMeasure::SiteChange => Unit::Share,
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
    /// The stage of the continuum before this table's, for its
    /// stage-to-stage rates.
    pub previous: Option<Previous>,
}

/// Where the stage before a table's stage is counted: a key of the table
/// with `measure`, and the dimensions in `clear` at `all` (the referrals
/// before the enrolled ones are those of every outcome).
#[derive(Debug, Clone, Copy)]
pub struct Previous {
    pub measure: Measure,
    pub clear: &'static [Dim],
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
    (DerivedMeasure::StageRelativeRate, Measure::Retained6),
];
/// A stage with a stage before it: the equity figures and the rate
/// against that stage.
const EQUITY_STAGE: &[(DerivedMeasure, Measure)] = &[
    (DerivedMeasure::ShareByRace, Measure::Referrals),
    (DerivedMeasure::PopulationShare, Measure::Referrals),
    (DerivedMeasure::RelativeRate, Measure::Referrals),
    (DerivedMeasure::StageRelativeRate, Measure::Referrals),
];
const EQUITY_BOOKED: &[(DerivedMeasure, Measure)] = &[
    (DerivedMeasure::ShareByRace, Measure::Booked),
    (DerivedMeasure::PopulationShare, Measure::Booked),
    (DerivedMeasure::RelativeRate, Measure::Booked),
    (DerivedMeasure::StageRelativeRate, Measure::Booked),
];
/// A group's share of a part of a stage (a tier, an outcome) against its
/// share of the whole stage.
const EQUITY_WITHIN: &[(DerivedMeasure, Measure)] = &[
    (DerivedMeasure::ShareByRace, Measure::Referrals),
    (DerivedMeasure::StageRelativeRate, Measure::Referrals),
];
/// The stage before bookings and arrest diversions.
const AFTER_ARRESTS: Option<Previous> = Some(Previous {
    measure: Measure::EligibleArrests,
    clear: &[Dim::Door],
});

/// Every dashboard table.
pub const TABLES: &[TableSpec] = &[
    TableSpec {
        id: TableId::ReferralsByDoor,
        measures: &[Measure::Referrals],
        dims: &[Dim::Door],
        fixed: &[],
        derived: &[],
        implied: &[],
        previous: None,
    },
    TableSpec {
        id: TableId::CommunityReferralsByReferrerType,
        measures: &[Measure::Referrals],
        dims: &[Dim::ReferrerType],
        fixed: &[(Dim::Door, COMMUNITY)],
        derived: &[],
        implied: &[],
        previous: None,
    },
    TableSpec {
        id: TableId::CommunityReferralsByPriorityTier,
        measures: &[Measure::Referrals],
        dims: &[Dim::PriorityTier],
        fixed: &[(Dim::Door, COMMUNITY)],
        derived: &[],
        implied: &[],
        previous: None,
    },
    TableSpec {
        id: TableId::ReferralOutcomes,
        measures: &[Measure::Referrals],
        dims: &[Dim::Door, Dim::Outcome],
        fixed: &[],
        derived: &[],
        implied: &[],
        previous: None,
    },
    TableSpec {
        id: TableId::DaysToIntake,
        measures: &[
            Measure::Referrals,
            Measure::WithIntake,
            Measure::Followed30Days,
            Measure::ReachedWithin30Days,
            Measure::WithRoi,
        ],
        dims: &[Dim::Door],
        fixed: &[],
        derived: &[
            (DerivedMeasure::MedianDaysToIntake, Measure::WithIntake),
            (DerivedMeasure::ShareWithin30Days, Measure::Followed30Days),
            (DerivedMeasure::MedianDaysToFullEnrollment, Measure::WithRoi),
        ],
        implied: &[
            Measure::WithoutIntake,
            Measure::WithoutRoi,
            Measure::NotFollowed30Days,
            Measure::NotReachedWithin30Days,
        ],
        previous: None,
    },
    // Engagement.
    TableSpec {
        id: TableId::ParticipantsByStatus,
        measures: &[Measure::Enrolled, Measure::Active, Measure::Inactive],
        dims: &[Dim::Door],
        fixed: &[],
        derived: &[],
        implied: &[Measure::Discharged],
        previous: None,
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
        previous: None,
    },
    // Discharge and return: LEAD lets people who were discharged come back.
    TableSpec {
        id: TableId::DischargesAndReturns,
        measures: &[Measure::Discharges, Measure::DischargesReturned],
        dims: &[Dim::Door],
        fixed: &[],
        derived: &[(DerivedMeasure::ReturnRate, Measure::Discharges)],
        implied: &[Measure::DischargesNotReturned],
        previous: None,
    },
    // Capacity.
    TableSpec {
        id: TableId::AverageCaseload,
        measures: &[
            Measure::CaseManagerMonths,
            Measure::CaseloadSum,
            Measure::CaseManagersOver25,
        ],
        dims: &[],
        fixed: &[],
        derived: &[
            (DerivedMeasure::AverageCaseload, Measure::CaseManagerMonths),
            (DerivedMeasure::HighestCaseload, Measure::CaseManagerMonths),
        ],
        implied: &[Measure::CaseManagersAtMost25],
        previous: None,
    },
    TableSpec {
        id: TableId::ReferralsWaitlisted,
        measures: &[Measure::Referrals],
        dims: &[Dim::Door],
        fixed: &[(Dim::Outcome, WAITLISTED)],
        derived: &[],
        implied: &[],
        previous: None,
    },
    TableSpec {
        id: TableId::ReferralsDeclined,
        measures: &[Measure::Referrals],
        dims: &[Dim::Door],
        fixed: &[(Dim::Outcome, DECLINED)],
        derived: &[],
        implied: &[],
        previous: None,
    },
    TableSpec {
        id: TableId::CommunityWaitlistedByPriorityTier,
        measures: &[Measure::Referrals],
        dims: &[Dim::PriorityTier],
        fixed: &[(Dim::Door, COMMUNITY), (Dim::Outcome, WAITLISTED)],
        derived: &[],
        implied: &[],
        previous: None,
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
        previous: None,
    },
    TableSpec {
        id: TableId::EquityBookings,
        measures: &[Measure::Booked],
        dims: &[Dim::Race],
        fixed: &[],
        derived: EQUITY_BOOKED,
        implied: &[Measure::EligibleNotBooked],
        previous: AFTER_ARRESTS,
    },
    // The arrest diversions of the table below, against the arrests.
    TableSpec {
        id: TableId::EquityArrestDiversions,
        measures: &[Measure::Referrals],
        dims: &[Dim::Race],
        fixed: &[(Dim::Door, ARREST_DIVERSION)],
        derived: EQUITY_STAGE,
        implied: &[],
        previous: AFTER_ARRESTS,
    },
    TableSpec {
        id: TableId::EquityReferralsByDoor,
        measures: &[Measure::Referrals],
        dims: &[Dim::Door, Dim::Race],
        fixed: &[],
        derived: EQUITY,
        implied: &[],
        previous: None,
    },
    TableSpec {
        id: TableId::EquityEnrolment,
        measures: &[Measure::Referrals],
        dims: &[Dim::Race],
        fixed: &[(Dim::Outcome, ENROLLED)],
        derived: EQUITY_STAGE,
        implied: &[],
        // Enrolled out of referred (by every door, every outcome).
        previous: Some(Previous {
            measure: Measure::Referrals,
            clear: &[Dim::Outcome],
        }),
    },
    TableSpec {
        id: TableId::EquityRetention,
        measures: &[Measure::Retained6, Measure::Followed6],
        dims: &[Dim::Race],
        fixed: &[],
        derived: EQUITY_RETENTION,
        implied: &[Measure::NotRetained6],
        // Retained out of those enrolled long enough to tell.
        previous: Some(Previous {
            measure: Measure::Followed6,
            clear: &[],
        }),
    },
    // Within a stage: how the program's own prioritization and what became
    // of referrals fall on each group, against the whole stage.
    TableSpec {
        id: TableId::EquityPriorityTiers,
        measures: &[Measure::Referrals],
        dims: &[Dim::PriorityTier, Dim::Race],
        fixed: &[(Dim::Door, COMMUNITY)],
        derived: EQUITY_WITHIN,
        implied: &[],
        previous: Some(Previous {
            measure: Measure::Referrals,
            clear: &[Dim::PriorityTier],
        }),
    },
    TableSpec {
        id: TableId::EquityReferralOutcomes,
        measures: &[Measure::Referrals],
        dims: &[Dim::Outcome, Dim::Race],
        fixed: &[],
        derived: EQUITY_WITHIN,
        implied: &[],
        previous: Some(Previous {
            measure: Measure::Referrals,
            clear: &[Dim::Outcome],
        }),
    },
    TableSpec {
        id: TableId::EquityParticipantOutcomes,
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
        dims: &[Dim::Race],
        fixed: &[],
        derived: &[
            (DerivedMeasure::JailBookingsChange, Measure::JailBookingsPre12),
            (DerivedMeasure::EdVisitsChange, Measure::EdVisitsPre12),
            (DerivedMeasure::ShareHoused6, Measure::HousingPeople6),
            (DerivedMeasure::ShareHoused12, Measure::HousingPeople12),
        ],
        implied: &[Measure::NotHoused6, Measure::NotHoused12],
        previous: None,
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
        previous: None,
    },
    TableSpec {
        id: TableId::LegalSystemUse,
        measures: &[
            Measure::ArrestsPeople12,
            Measure::ArrestsPre12,
            Measure::ArrestsPost12,
            Measure::ChargesPeople12,
            Measure::ChargesPre12,
            Measure::ChargesPost12,
            Measure::JailDaysPeople12,
            Measure::JailDaysPre12,
            Measure::JailDaysPost12,
        ],
        dims: &[],
        fixed: &[],
        derived: &[
            (DerivedMeasure::ArrestsChange, Measure::ArrestsPre12),
            (DerivedMeasure::ChargesChange, Measure::ChargesPre12),
            (DerivedMeasure::JailDaysChange, Measure::JailDaysPre12),
        ],
        implied: &[],
        previous: None,
    },
    TableSpec {
        id: TableId::ComparisonGroup,
        measures: &[
            Measure::ComparisonPeople12,
            Measure::ComparisonJailBookingsPre12,
            Measure::ComparisonJailBookingsPost12,
            Measure::ComparisonEdVisitsPre12,
            Measure::ComparisonEdVisitsPost12,
        ],
        dims: &[],
        fixed: &[],
        derived: &[
            (
                DerivedMeasure::ComparisonJailBookingsChange,
                Measure::ComparisonJailBookingsPre12,
            ),
            (
                DerivedMeasure::ComparisonEdVisitsChange,
                Measure::ComparisonEdVisitsPre12,
            ),
        ],
        implied: &[],
        previous: None,
    },
    TableSpec {
        id: TableId::Satisfaction,
        measures: &[
            Measure::RespondentsParticipants,
            Measure::SatisfiedParticipants,
            Measure::RespondentsPartners,
            Measure::SatisfiedPartners,
            Measure::RespondentsCommunity,
            Measure::SatisfiedCommunity,
        ],
        dims: &[],
        fixed: &[],
        derived: &[
            (DerivedMeasure::SatisfiedParticipants, Measure::RespondentsParticipants),
            (DerivedMeasure::SatisfiedPartners, Measure::RespondentsPartners),
            (DerivedMeasure::SatisfiedCommunity, Measure::RespondentsCommunity),
        ],
        implied: &[
            Measure::NotSatisfiedParticipants,
            Measure::NotSatisfiedPartners,
            Measure::NotSatisfiedCommunity,
        ],
        previous: None,
    },
    TableSpec {
        id: TableId::DiversionRate,
        measures: &[Measure::EligibleArrests],
        dims: &[],
        fixed: &[],
        derived: &[(DerivedMeasure::DiversionRate, Measure::EligibleArrests)],
        implied: &[],
        previous: None,
    },
    TableSpec {
        id: TableId::SystemBookings,
        measures: &[Measure::EligibleArrests, Measure::Booked],
        dims: &[],
        fixed: &[],
        derived: &[],
        implied: &[Measure::EligibleNotBooked],
        previous: None,
    },
    TableSpec {
        id: TableId::SystemCharging,
        measures: &[Measure::ChargeKnownArrests, Measure::ChargedArrests],
        dims: &[],
        fixed: &[],
        derived: &[(DerivedMeasure::ChargeRate, Measure::ChargeKnownArrests)],
        implied: &[Measure::NotChargedArrests],
        previous: None,
    },
    // The program's own measures: each value of the dimension publishes
    // only the figures of its kind and windows
    // ([`crate::measures::SiteMeasure::publishes`]).
    TableSpec {
        id: TableId::SiteOutcomes,
        measures: &[
            Measure::SitePeople,
            Measure::SiteTotalPre12,
            Measure::SiteTotalPost6,
            Measure::SiteTotalPost12,
            Measure::SiteYesPre12,
            Measure::SiteYesPost6,
            Measure::SiteYesPost12,
        ],
        dims: &[Dim::SiteMeasure],
        fixed: &[],
        derived: &[
            (DerivedMeasure::SiteMeanPre12, Measure::SitePeople),
            (DerivedMeasure::SiteMeanPost6, Measure::SitePeople),
            (DerivedMeasure::SiteMeanPost12, Measure::SitePeople),
            (DerivedMeasure::SiteSharePre12, Measure::SitePeople),
            (DerivedMeasure::SiteSharePost6, Measure::SitePeople),
            (DerivedMeasure::SiteSharePost12, Measure::SitePeople),
            (DerivedMeasure::SiteChange, Measure::SiteTotalPre12),
        ],
        implied: &[Measure::SiteNoPre12, Measure::SiteNoPost6, Measure::SiteNoPost12],
        previous: None,
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
            Stat::Count(m) => m.as_str(),
            Stat::Derived(d) => d.as_str(),
        }
    }

    /// The measure named `name` in `cells.csv`, if there is one.
    pub fn parse(name: &str) -> Option<Stat> {
        Measure::parse(name)
            .map(Stat::Count)
            .or_else(|| DerivedMeasure::parse(name).map(Stat::Derived))
    }

    /// How a person reads the measure.
    pub fn label(self) -> Label {
        match self {
            Stat::Count(m) => m.label(),
            Stat::Derived(d) => d.label(),
        }
    }

    /// What the figure measures: counted measures are counts.
    pub fn unit(self) -> Unit {
        match self {
            Stat::Count(_) => Unit::Count,
            Stat::Derived(d) => d.unit(),
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

    #[test]
    fn every_measure_is_named_once_and_labelled_in_both_languages() {
        let stats = Measure::ALL
            .iter()
            .map(|&m| Stat::from(m))
            .chain(DerivedMeasure::ALL.iter().map(|&d| Stat::from(d)));
        let mut names = std::collections::BTreeSet::new();
        for stat in stats {
            assert!(names.insert(stat.name()), "{} named twice", stat.name());
            assert_eq!(Stat::parse(stat.name()), Some(stat));
            let label = stat.label();
            assert!(!label.en.is_empty() && !label.es.is_empty(), "{}", stat.name());
            assert!(!label.en.contains('_') && !label.es.contains('_'), "{}", stat.name());
        }
        assert_eq!(
            Stat::parse("average_active_caseload").map(Stat::unit),
            Some(Unit::Average)
        );
        assert_eq!(Stat::parse("referrals").map(Stat::unit), Some(Unit::Count));
        assert_eq!(Stat::parse("Referrals"), None);
    }
}
