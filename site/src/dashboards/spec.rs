//! What each dashboard page shows: its charts, and for each chart which
//! published cells fill which category and series. [`ChartSpec::grid`]
//! turns a spec and a period into the figures of the chart and its table.

use lead_charts::{ChartView, Kind, ReferenceLine, SeriesView, Unit};

use lead_data::tables::{ChartId, DashboardId, DerivedMeasure, Dim, Measure, Stat, TableId};
use lead_data::vocab::{Door, Outcome, RaceEthnicity, ReferrerType, Vocabulary, PRIORITY_TIERS};

use super::data::{CellKey, Figure, PublishedData};
use super::period::{month_label, Month, Period, PeriodView};

/// What a chart's legend calls the mark of a figure hidden by disclosure
/// control, so that it is not read as a zero.
pub const HIDDEN_LABEL: &str = "Hidden to protect privacy (not zero)";

/// A category (row of the table) or a series (column): what it adds to the
/// key of each cell it crosses. The series' table and measure win over the
/// category's; a category's per-series measure wins over both.
#[derive(Debug, Clone)]
pub struct Part {
    pub label: String,
    pub table: Option<TableId>,
    pub measure: Option<Stat>,
    /// A category's measure for each series in turn, where each crossing
    /// has its own (jail bookings before, after).
    pub per_series: Vec<Stat>,
    pub dims: Vec<(Dim, String)>,
}

impl Part {
    pub fn new(label: impl Into<String>) -> Part {
        Part {
            label: label.into(),
            table: None,
            measure: None,
            per_series: Vec::new(),
            dims: Vec::new(),
        }
    }

    pub fn table(mut self, table: TableId) -> Part {
        self.table = Some(table);
        self
    }

    pub fn measure(mut self, measure: impl Into<Stat>) -> Part {
        self.measure = Some(measure.into());
        self
    }

    pub fn per_series(mut self, measures: &[Stat]) -> Part {
        self.per_series = measures.to_vec();
        self
    }

    pub fn dim(mut self, dim: Dim, value: &str) -> Part {
        self.dims.push((dim, value.to_owned()));
        self
    }
}

/// What runs along the category axis.
#[derive(Debug, Clone)]
pub enum Categories {
    /// The months of the period shown (each cell reads that month).
    Months,
    /// Fixed categories (each cell reads the period shown).
    Parts(Vec<Part>),
}

#[derive(Debug, Clone)]
pub struct ChartSpec {
    /// Which chart: its id and its title.
    pub id: ChartId,
    /// What the chart shows, in a sentence or two.
    pub caption: &'static str,
    pub kind: Kind,
    pub unit: Unit,
    /// Heading of the table's first column.
    pub axis: &'static str,
    pub categories: Categories,
    pub series: Vec<Part>,
    pub lines: Vec<ReferenceLine>,
}

#[derive(Debug)]
pub struct Page {
    /// Which page: its path's slug and its title.
    pub id: DashboardId,
    pub intro: &'static str,
    pub charts: Vec<ChartSpec>,
}

impl Page {
    /// Where the page is (`/en/data/{slug}/`).
    pub fn slug(&self) -> &'static str {
        self.id.as_str()
    }

    /// The page's title (in English; [`DashboardId::label`] has both).
    pub fn title(&self) -> &'static str {
        self.id.label().en
    }
}

/// One chart's figures for one period.
#[derive(Debug)]
pub struct Grid {
    pub categories: Vec<String>,
    pub series: Vec<String>,
    /// `cells[category][series]`: the key and what was published there.
    pub cells: Vec<Vec<(CellKey, Option<Figure>)>>,
}

impl Grid {
    pub fn suppressed(&self) -> usize {
        self.cells
            .iter()
            .flatten()
            .filter(|(_, f)| *f == Some(Figure::Suppressed))
            .count()
    }
}

impl ChartSpec {
    /// The chart's title (in English; [`ChartId::label`] has both).
    pub fn title(&self) -> &'static str {
        self.id.label().en
    }

    fn key(&self, category: &Part, index: usize, series: &Part, period: String) -> CellKey {
        let table = series
            .table
            .or(category.table)
            .expect("every chart names the table of each cell");
        let measure = category
            .per_series
            .get(index)
            .copied()
            .or(series.measure)
            .or(category.measure)
            .expect("every chart names the measure of each cell");
        let mut dims = category.dims.clone();
        dims.extend(series.dims.iter().cloned());
        CellKey {
            table,
            period,
            dims,
            measure,
        }
    }

    /// The chart's figures for `period`. Fixed categories with nothing
    /// published at all (say, a tier the program does not use) are left out.
    pub fn grid(&self, data: &PublishedData, period: Period, covered: (Month, Month)) -> Grid {
        let rows: Vec<(Part, String)> = match &self.categories {
            Categories::Months => period
                .months(covered)
                .into_iter()
                .map(|m| (Part::new(month_label(m)), m.to_string()))
                .collect(),
            Categories::Parts(parts) => parts.iter().map(|p| (p.clone(), period.to_string())).collect(),
        };
        let mut categories = Vec::new();
        let mut cells = Vec::new();
        for (category, cell_period) in rows {
            let row: Vec<(CellKey, Option<Figure>)> = self
                .series
                .iter()
                .enumerate()
                .map(|(index, series)| {
                    let key = self.key(&category, index, series, cell_period.clone());
                    let figure = data.figure(&key);
                    (key, figure)
                })
                .collect();
            let keep = matches!(self.categories, Categories::Months) || row.iter().any(|(_, f)| f.is_some());
            if keep {
                categories.push(category.label.clone());
                cells.push(row);
            }
        }
        Grid {
            categories,
            series: self.series.iter().map(|s| s.label.clone()).collect(),
            cells,
        }
    }

    /// The view the browser draws: the same figures, suppressed ones as gaps.
    pub fn view(&self, grid: &Grid) -> ChartView {
        let series = grid
            .series
            .iter()
            .enumerate()
            .map(|(s, name)| SeriesView {
                name: name.clone(),
                values: grid
                    .cells
                    .iter()
                    .map(|row| match row[s].1 {
                        Some(Figure::Value(v)) => Some(v),
                        _ => None,
                    })
                    .collect(),
                hidden: (0..grid.cells.len())
                    .filter(|&c| matches!(grid.cells[c][s].1, Some(Figure::Suppressed)))
                    .collect(),
            })
            .collect();
        ChartView {
            kind: self.kind,
            unit: self.unit,
            categories: grid.categories.clone(),
            series,
            lines: self.lines.clone(),
            named: matches!(self.categories, Categories::Parts(_)),
            hidden_label: HIDDEN_LABEL.to_owned(),
        }
    }

    /// The chart's figures as `cells.csv` rows, exactly as published, in
    /// the table's order (cells with no figure have no row).
    pub fn csv(&self, data: &PublishedData, grid: &Grid) -> String {
        data.cells_csv_of(
            grid.cells
                .iter()
                .flatten()
                .filter(|(_, figure)| figure.is_some())
                .map(|(key, _)| key),
        )
    }
}

// The dimensions' values and their labels come from the data contract.

fn values<V: Vocabulary>(in_order: &[V]) -> Vec<(&'static str, &'static str)> {
    in_order.iter().map(|v| (v.code(), v.labels().en)).collect()
}

fn doors() -> Vec<(&'static str, &'static str)> {
    values(Door::ALL)
}

fn races() -> Vec<(&'static str, &'static str)> {
    values(RaceEthnicity::ALL)
}

/// Referrer types in the order the charts show them: the community's first.
fn referrer_types() -> Vec<(&'static str, &'static str)> {
    use ReferrerType as R;
    let order = [R::Business, R::Resident, R::PartnerOrg, R::Court, R::Police, R::Other];
    values(&order)
}

/// Outcomes in the order the charts stack them.
fn outcomes() -> Vec<(&'static str, &'static str)> {
    use Outcome as O;
    let order = [
        O::Enrolled,
        O::Pending,
        O::Waitlisted,
        O::Declined,
        O::NotLocated,
        O::Ineligible,
    ];
    values(&order)
}

fn tiers() -> Vec<(&'static str, &'static str)> {
    PRIORITY_TIERS.iter().map(|(code, label)| (*code, label.en)).collect()
}

fn over(dim: Dim, values: &[(&str, &str)], table: TableId) -> Vec<Part> {
    values
        .iter()
        .map(|(value, label)| Part::new(*label).table(table).dim(dim, value))
        .collect()
}

fn doors_with_all(table: TableId) -> Vec<Part> {
    let mut parts = vec![Part::new("All doors").table(table).dim(Dim::Door, "all")];
    parts.extend(over(Dim::Door, &doors(), table));
    parts
}

/// The stages of the continuum, each with the table and filter that count it.
fn stages() -> Vec<Part> {
    vec![
        Part::new("Diversion-eligible arrests").table(TableId::EquityDiversionEligibleArrests),
        Part::new("Arrest diversions")
            .table(TableId::EquityReferralsByDoor)
            .dim(Dim::Door, Door::ArrestDiversion.as_str()),
        Part::new("Social contact referrals")
            .table(TableId::EquityReferralsByDoor)
            .dim(Dim::Door, Door::SocialContact.as_str()),
        Part::new("Community referrals")
            .table(TableId::EquityReferralsByDoor)
            .dim(Dim::Door, Door::Community.as_str()),
        Part::new("Enrolled").table(TableId::EquityEnrolment),
        Part::new("Retained 6 months").table(TableId::EquityRetention),
    ]
}

fn races_of(measure: DerivedMeasure) -> Vec<Part> {
    races()
        .iter()
        .map(|(value, label)| Part::new(*label).measure(measure).dim(Dim::Race, value))
        .collect()
}

/// Every dashboard page, in the order of the site's navigation.
pub fn pages() -> Vec<Page> {
    use DerivedMeasure as D;
    use Kind::*;
    use Measure as M;
    use Unit::*;
    let one = |label: &str, table: TableId, measure: Stat| Part::new(label).table(table).measure(measure);
    vec![
        Page {
            id: DashboardId::Referrals,
            intro: "Who is referred to LEAD, through which door, and what became of each referral.",
            charts: vec![
                ChartSpec {
                    id: ChartId::ReferralsByDoor,
                    caption: "People referred each month through each of LEAD's three doors: arrest diversion (an officer refers instead of booking), social contact (an officer refers without an arrest) and community referral (businesses, residents and partner organizations).",
                    kind: StackedBar,
                    unit: Count,
                    axis: "Month",
                    categories: Categories::Months,
                    series: doors()
                        .iter()
                        .map(|(door, label)| one(label, TableId::ReferralsByDoor, M::Referrals.into()).dim(Dim::Door, door))
                        .collect(),
                    lines: vec![],
                },
                ChartSpec {
                    id: ChartId::CommunityByReferrer,
                    caption: "Community referrals in the period, by who made them.",
                    kind: Bar,
                    unit: Count,
                    axis: "Referred by",
                    categories: Categories::Parts(over(
                        Dim::ReferrerType,
                        &referrer_types(),
                        TableId::CommunityReferralsByReferrerType,
                    )),
                    series: vec![Part::new("Community referrals").measure(M::Referrals)],
                    lines: vec![],
                },
                ChartSpec {
                    id: ChartId::CommunityByTier,
                    caption: "Community referrals in the period, by the priority tier the policy group's questions gave them.",
                    kind: Bar,
                    unit: Count,
                    axis: "Priority tier",
                    categories: Categories::Parts(over(Dim::PriorityTier, &tiers(), TableId::CommunityReferralsByPriorityTier)),
                    series: vec![Part::new("Community referrals").measure(M::Referrals)],
                    lines: vec![],
                },
                ChartSpec {
                    id: ChartId::ReferralOutcomes,
                    caption: "Referrals made in the period, by door and by what became of them so far.",
                    kind: StackedBar,
                    unit: Count,
                    axis: "Door",
                    categories: Categories::Parts(doors_with_all(TableId::ReferralOutcomes)),
                    series: outcomes()
                        .iter()
                        .map(|(outcome, label)| Part::new(*label).measure(M::Referrals).dim(Dim::Outcome, outcome))
                        .collect(),
                    lines: vec![],
                },
            ],
        },
        Page {
            id: DashboardId::GettingStarted,
            intro: "How long people wait between referral and their first intake with a case manager.",
            charts: vec![
                ChartSpec {
                    id: ChartId::MedianDaysToIntake,
                    caption: "For referrals made each month that reached an intake, the median number of days between referral and intake, by door.",
                    kind: Line,
                    unit: Days,
                    axis: "Month",
                    categories: Categories::Months,
                    series: doors_with_all(TableId::DaysToIntake)
                        .into_iter()
                        .map(|p| p.measure(D::MedianDaysToIntake))
                        .collect(),
                    lines: vec![],
                },
                ChartSpec {
                    id: ChartId::IntakeWithin30Days,
                    caption: "Of referrals made each month that reached an intake, the share whose intake was within 30 days of the referral.",
                    kind: Line,
                    unit: Share,
                    axis: "Month",
                    categories: Categories::Months,
                    series: doors_with_all(TableId::DaysToIntake)
                        .into_iter()
                        .map(|p| p.measure(D::ShareWithin30Days))
                        .collect(),
                    lines: vec![],
                },
                ChartSpec {
                    id: ChartId::DaysToIntakeByDoor,
                    caption: "For referrals made in the period that reached an intake, the median number of days to intake.",
                    kind: Bar,
                    unit: Days,
                    axis: "Door",
                    categories: Categories::Parts(doors_with_all(TableId::DaysToIntake)),
                    series: vec![Part::new("Median days").measure(D::MedianDaysToIntake)],
                    lines: vec![],
                },
            ],
        },
        Page {
            id: DashboardId::Engagement,
            intro: "Whether people who enroll stay engaged with their case manager.",
            charts: vec![
                ChartSpec {
                    id: ChartId::EnrolmentsByStatus,
                    caption: "People enrolled each month, by whether they are now active or inactive (people discharged since are not shown).",
                    kind: StackedBar,
                    unit: Count,
                    axis: "Month enrolled",
                    categories: Categories::Months,
                    series: vec![
                        one("Active", TableId::ParticipantsByStatus, M::Active.into()).dim(Dim::Door, "all"),
                        one("Inactive", TableId::ParticipantsByStatus, M::Inactive.into()).dim(Dim::Door, "all"),
                    ],
                    lines: vec![],
                },
                ChartSpec {
                    id: ChartId::Retention,
                    caption: "Of people enrolled in the period and followed long enough, the share still active or inactive (not discharged) 6 and 12 months after enrollment, by door.",
                    kind: Bar,
                    unit: Share,
                    axis: "Door",
                    categories: Categories::Parts(doors_with_all(TableId::Retention)),
                    series: vec![
                        Part::new("Retained at 6 months").measure(D::Retention6),
                        Part::new("Retained at 12 months").measure(D::Retention12),
                    ],
                    lines: vec![],
                },
            ],
        },
        Page {
            id: DashboardId::Capacity,
            intro: "Whether case managers have room for the people referred: LEAD caseloads should average 20 and never pass 25.",
            charts: vec![
                ChartSpec {
                    id: ChartId::AverageCaseload,
                    caption: "The average number of active participants per case manager each month, against the program's standard of 20 on average and 25 at most.",
                    kind: Line,
                    unit: Average,
                    axis: "Month",
                    categories: Categories::Months,
                    series: vec![one("Average caseload", TableId::AverageCaseload, D::AverageCaseload.into())],
                    lines: vec![
                        ReferenceLine {
                            name: "Average standard".to_owned(),
                            value: 20.0,
                        },
                        ReferenceLine {
                            name: "Maximum".to_owned(),
                            value: 25.0,
                        },
                    ],
                },
                ChartSpec {
                    id: ChartId::WaitlistedDeclined,
                    caption: "Referrals made each month that were put on the waitlist because the program was full, and those the person referred chose not to take up (declined: the person's choice, not the program's).",
                    kind: Bar,
                    unit: Count,
                    axis: "Month",
                    categories: Categories::Months,
                    series: vec![
                        one("Waitlisted", TableId::ReferralsWaitlisted, M::Referrals.into()).dim(Dim::Door, "all"),
                        one("Declined by the person", TableId::ReferralsDeclined, M::Referrals.into()).dim(Dim::Door, "all"),
                    ],
                    lines: vec![],
                },
            ],
        },
        Page {
            id: DashboardId::RacialEquity,
            intro: "At each stage from arrest to retention, who LEAD reaches, beside the population of the area it serves. A gap that grows from one stage to the next shows where the program should look.",
            charts: vec![
                ChartSpec {
                    id: ChartId::ShareByStage,
                    caption: "The share of each race and ethnicity among diversion-eligible arrests, each kind of referral, enrollments and people retained 6 months, beside their share of the population of the neighborhoods served.",
                    kind: StackedBar,
                    unit: Share,
                    axis: "Stage",
                    categories: Categories::Parts({
                        let mut parts = vec![Part::new("Population")
                            .table(TableId::EquityDiversionEligibleArrests)
                            .measure(D::PopulationShare)];
                        parts.extend(stages().into_iter().map(|p| p.measure(D::ShareByRace)));
                        parts
                    }),
                    series: races()
                        .iter()
                        .map(|(value, label)| Part::new(*label).dim(Dim::Race, value))
                        .collect(),
                    lines: vec![],
                },
                ChartSpec {
                    id: ChartId::RelativeRateByStage,
                    caption: "Each group's share at a stage divided by its share of the population: 1 means the same as the population, 2 means twice the population share.",
                    kind: Line,
                    unit: Ratio,
                    axis: "Stage",
                    categories: Categories::Parts(stages()),
                    series: races_of(DerivedMeasure::RelativeRate),
                    lines: vec![ReferenceLine {
                        name: "Population share".to_owned(),
                        value: 1.0,
                    }],
                },
            ],
        },
        Page {
            id: DashboardId::Outcomes,
            intro: "What changes for participants, for the program's reach among arrests, and for the justice system.",
            charts: vec![
                ChartSpec {
                    id: ChartId::BookingsAndEmergencyVisits,
                    caption: "For people enrolled in the period who have been followed for 12 months, the total jail bookings and emergency department visits in the 12 months before and the 12 months after enrollment.",
                    kind: Bar,
                    unit: Count,
                    axis: "Measure",
                    categories: Categories::Parts(vec![
                        Part::new("Jail bookings")
                            .table(TableId::ParticipantOutcomes)
                            .per_series(&[M::JailBookingsPre12.into(), M::JailBookingsPost12.into()]),
                        Part::new("Emergency department visits")
                            .table(TableId::ParticipantOutcomes)
                            .per_series(&[M::EdVisitsPre12.into(), M::EdVisitsPost12.into()]),
                    ]),
                    series: vec![Part::new("12 months before"), Part::new("12 months after")],
                    lines: vec![],
                },
                ChartSpec {
                    id: ChartId::Housing,
                    caption: "Of people enrolled in the period and followed long enough, the share housed 6 and 12 months after enrollment.",
                    kind: Bar,
                    unit: Share,
                    axis: "Time after enrollment",
                    categories: Categories::Parts(vec![
                        Part::new("6 months").measure(D::ShareHoused6),
                        Part::new("12 months").measure(D::ShareHoused12),
                    ]),
                    series: vec![Part::new("Housed").table(TableId::ParticipantOutcomes)],
                    lines: vec![],
                },
                ChartSpec {
                    id: ChartId::DiversionRate,
                    caption: "Of diversion-eligible arrests each month, the share referred to LEAD through arrest diversion instead of being booked.",
                    kind: Line,
                    unit: Share,
                    axis: "Month",
                    categories: Categories::Months,
                    series: vec![one("Diversion rate", TableId::DiversionRate, D::DiversionRate.into())],
                    lines: vec![],
                },
                ChartSpec {
                    id: ChartId::SystemBookings,
                    caption: "Arrests for conduct LEAD can divert, and how many of them ended in a jail booking, each month.",
                    kind: Line,
                    unit: Count,
                    axis: "Month",
                    categories: Categories::Months,
                    series: vec![
                        one("Diversion-eligible arrests", TableId::SystemBookings, M::EligibleArrests.into()),
                        one("Booked", TableId::SystemBookings, M::Booked.into()),
                    ],
                    lines: vec![],
                },
            ],
        },
    ]
}
