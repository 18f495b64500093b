//! What each dashboard page shows: its charts, and for each chart which
//! published cells fill which category and series. [`ChartSpec::grid`]
//! turns a spec and a period into the figures of the chart and its table.

use lead_charts::{ChartView, Kind, ReferenceLine, SeriesView, Unit};

use lead_data::measures::{SiteKind, SiteMeasure};
use lead_data::tables::{ChartId, DashboardId, DerivedMeasure, Dim, Measure, Stat, TableId};
use lead_data::vocab::{
    Door, Outcome, RaceEthnicity, ReferrerType, Vocabulary, Window, UNASSIGNED_TIER, UNASSIGNED_TIER_LABEL,
};

use super::data::{CellKey, Figure, PublishedData};
use super::period::{Lang, Month, Period, PeriodView};
use super::text;
use lead_content::Text;

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
    pub caption: String,
    /// The language of its words.
    pub lang: Lang,
    pub kind: Kind,
    pub unit: Unit,
    /// Heading of the table's first column.
    pub axis: String,
    pub categories: Categories,
    pub series: Vec<Part>,
    pub lines: Vec<ReferenceLine>,
    /// A sentence naming, for the period shown, the stage where a group's
    /// share changes most from the stage before.
    pub finding: Option<Finding>,
    /// For a chart drawn from data a program may not have (an optional file
    /// or measure), the counts of people it rests on: when none of them is
    /// above zero over all time, the program's data does not include it and
    /// the page says so.
    pub reported_by: &'static [(TableId, Measure)],
}

/// The words of a chart's finding: `says` fills `{period}`, `{stage}` (the
/// category), `{group}` (the series), `{before}` and `{after}` (the group's
/// share at the stage before and at this one); `none` fills `{period}`.
#[derive(Debug, Clone, Copy)]
pub struct Finding {
    pub says: &'static Text,
    pub none: &'static Text,
}

#[derive(Debug)]
pub struct Page {
    /// Which page: its path's slug and its title.
    pub id: DashboardId,
    /// What the page is for (also its meta description).
    pub intro: String,
    /// The language of its words.
    pub lang: Lang,
    pub charts: Vec<ChartSpec>,
}

impl Page {
    /// Where the page is (`/{lang}/data/{slug}/`).
    pub fn slug(&self) -> &'static str {
        self.id.as_str()
    }

    /// The page's title, from the data contract.
    pub fn title(&self) -> &'static str {
        self.id.label().get(self.lang)
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
    /// The chart's title, from the data contract.
    pub fn title(&self) -> &'static str {
        self.id.label().get(self.lang)
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
                .map(|m| (Part::new(m.label(self.lang)), m.to_string()))
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

    /// Where a group's share moves most from the stage before (in
    /// percentage points, so that a small group's noisy ratio does not
    /// outweigh a large group's real shift), leaving out people whose race
    /// was not recorded: the category, the series and the share before and
    /// at the stage. Reads each cell's share beside its stage-to-stage rate.
    pub fn largest_shift<'g>(&self, grid: &'g Grid, data: &PublishedData) -> Option<(&'g str, &'g str, f64, f64)> {
        let unrecorded = |s: usize| {
            self.series[s]
                .dims
                .iter()
                .any(|(d, v)| *d == Dim::Race && v == RaceEthnicity::Unknown.as_str())
        };
        let mut best: Option<(usize, usize, f64, f64)> = None;
        for (c, row) in grid.cells.iter().enumerate() {
            for (s, (key, figure)) in row.iter().enumerate() {
                let Some(Figure::Value(rate)) = *figure else { continue };
                let share_key = CellKey {
                    measure: DerivedMeasure::ShareByRace.into(),
                    ..key.clone()
                };
                let Some(Figure::Value(share)) = data.figure(&share_key) else {
                    continue;
                };
                if rate <= 0.0 || unrecorded(s) {
                    continue;
                }
                let before = share / rate;
                if best.is_none_or(|(_, _, b, a)| (share - before).abs() > (a - b).abs()) {
                    best = Some((c, s, before, share));
                }
            }
        }
        best.map(|(c, s, before, after)| (grid.categories[c].as_str(), grid.series[s].as_str(), before, after))
    }

    /// The chart's finding for the period, in its language.
    pub fn finding_text(&self, grid: &Grid, data: &PublishedData, period_label: &str) -> Option<String> {
        let finding = self.finding?;
        Some(match self.largest_shift(grid, data) {
            Some((stage, group, before, after)) => finding.says.fill(
                self.lang,
                &[
                    ("period", period_label),
                    ("stage", stage),
                    ("group", group),
                    ("before", &Unit::Share.format(before)),
                    ("after", &Unit::Share.format(after)),
                ],
            ),
            None => finding.none.fill(self.lang, &[("period", period_label)]),
        })
    }

    /// Whether the program's data includes what the chart shows (see
    /// `reported_by`).
    pub fn reported(&self, data: &PublishedData) -> bool {
        self.reported_by.is_empty()
            || self
                .reported_by
                .iter()
                .any(|&(table, measure)| data.reports(table, measure.into()))
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
            // The legend names the mark of a figure hidden by disclosure
            // control, so that it is not read as a zero.
            hidden_label: text().hidden_mark.get(self.lang).to_owned(),
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

fn values<V: Vocabulary>(in_order: &[V], lang: Lang) -> Vec<(&'static str, &'static str)> {
    in_order.iter().map(|v| (v.code(), v.labels().get(lang))).collect()
}

fn doors(lang: Lang) -> Vec<(&'static str, &'static str)> {
    values(Door::ALL, lang)
}

fn races(lang: Lang) -> Vec<(&'static str, &'static str)> {
    values(RaceEthnicity::ALL, lang)
}

/// Referrer types in the order the charts show them: the community's first.
fn referrer_types(lang: Lang) -> Vec<(&'static str, &'static str)> {
    use ReferrerType as R;
    let order = [R::Business, R::Resident, R::PartnerOrg, R::Court, R::Police, R::Other];
    values(&order, lang)
}

/// Outcomes in the order the charts stack them.
fn outcomes(lang: Lang) -> Vec<(&'static str, &'static str)> {
    use Outcome as O;
    let order = [
        O::Enrolled,
        O::Pending,
        O::Waitlisted,
        O::Declined,
        O::NotLocated,
        O::Ineligible,
    ];
    values(&order, lang)
}

/// The priority tiers of the program's policy, from the highest, with its
/// labels, then community referrals exported with no tier.
fn tiers(lang: Lang) -> Vec<(&'static str, &'static str)> {
    lead_content::intake()
        .policy
        .tiers
        .iter()
        .map(|t| (t.id.as_str(), t.label.get(lang)))
        .chain(std::iter::once((UNASSIGNED_TIER, UNASSIGNED_TIER_LABEL.get(lang))))
        .collect()
}

fn over(dim: Dim, values: &[(&str, &str)], table: TableId) -> Vec<Part> {
    values
        .iter()
        .map(|(value, label)| Part::new(*label).table(table).dim(dim, value))
        .collect()
}

fn doors_with_all(table: TableId, lang: Lang) -> Vec<Part> {
    let all = text().all_doors.get(lang);
    let mut parts = vec![Part::new(all).table(table).dim(Dim::Door, "all")];
    parts.extend(over(Dim::Door, &doors(lang), table));
    parts
}

/// The stages of the continuum, each with the table and filter that count it.
fn stages(lang: Lang) -> Vec<Part> {
    let t = text();
    let l = |text: &Text| text.get(lang).to_owned();
    vec![
        Part::new(l(&t.stage_eligible_arrests)).table(TableId::EquityDiversionEligibleArrests),
        Part::new(l(&t.stage_booked)).table(TableId::EquityBookings),
        Part::new(l(&t.stage_arrest_diversions))
            .table(TableId::EquityReferralsByDoor)
            .dim(Dim::Door, Door::ArrestDiversion.as_str()),
        Part::new(l(&t.stage_social_contact))
            .table(TableId::EquityReferralsByDoor)
            .dim(Dim::Door, Door::SocialContact.as_str()),
        Part::new(l(&t.stage_community))
            .table(TableId::EquityReferralsByDoor)
            .dim(Dim::Door, Door::Community.as_str()),
        Part::new(l(&t.stage_enrolled)).table(TableId::EquityEnrolment),
        Part::new(l(&t.stage_retained_6)).table(TableId::EquityRetention),
    ]
}

/// The stages that have a stage before them, named with it.
fn steps(lang: Lang) -> Vec<Part> {
    let t = text();
    let l = |text: &Text| text.get(lang).to_owned();
    vec![
        Part::new(l(&t.stage_booked_of_arrests)).table(TableId::EquityBookings),
        Part::new(l(&t.stage_diverted_of_arrests)).table(TableId::EquityArrestDiversions),
        Part::new(l(&t.stage_enrolled_of_referred)).table(TableId::EquityEnrolment),
        Part::new(l(&t.stage_retained_of_enrolled)).table(TableId::EquityRetention),
    ]
}

fn races_of(measure: DerivedMeasure, lang: Lang) -> Vec<Part> {
    races(lang)
        .iter()
        .map(|(value, label)| Part::new(*label).measure(measure).dim(Dim::Race, value))
        .collect()
}

/// The charts of the outcome measures the program declares in its
/// content, one for each kind it uses: each measure a category (named and
/// described by the content), each window a series. A count's chart shows
/// beside its totals the people they are over.
fn site_charts(lang: Lang) -> Vec<ChartSpec> {
    let declared = lead_content::measures();
    let copy = lead_content::dashboards();
    let t = &copy.text;
    let kinds = [
        (SiteKind::Count, ChartId::SiteCounts, Unit::Count),
        (SiteKind::Rate, ChartId::SiteRates, Unit::Average),
        (SiteKind::YesNo, ChartId::SiteShares, Unit::Share),
    ];
    kinds
        .into_iter()
        .filter_map(|(kind, id, unit)| {
            let measures: Vec<&SiteMeasure> = declared.of_kind(kind).collect();
            let first = *measures.first()?;
            let windows: Vec<Window> = Window::ALL
                .iter()
                .copied()
                .filter(|w| measures.iter().any(|m| m.windows.contains(w)))
                .collect();
            let mut caption = copy.caption(id).get(lang).to_owned();
            for m in &measures {
                caption.push_str(&format!(" {}: {}", m.name.get(lang), m.about.get(lang)));
            }
            let mut series = Vec::new();
            if kind == SiteKind::Count {
                series.push(Part::new(t.people_known.get(lang)).measure(Measure::SitePeople));
            }
            series.extend(
                windows
                    .iter()
                    .map(|&w| Part::new(w.label().get(lang)).measure(first.figure(w))),
            );
            Some(ChartSpec {
                id,
                caption,
                reported_by: &[(TableId::SiteOutcomes, Measure::SitePeople)],
                lang,
                kind: Kind::Bar,
                unit,
                axis: t.axis_measure.get(lang).to_owned(),
                categories: Categories::Parts(
                    measures
                        .iter()
                        .map(|m| {
                            Part::new(m.name.get(lang))
                                .table(TableId::SiteOutcomes)
                                .dim(Dim::SiteMeasure, &m.code)
                        })
                        .collect(),
                ),
                series,
                lines: vec![],
                finding: None,
            })
        })
        .collect()
}

/// Every dashboard page in `lang`, in the order of the site's navigation.
pub fn pages(lang: Lang) -> Vec<Page> {
    let mut pages = contract_pages(lang);
    // The program's own measures follow the outcomes every portal publishes.
    if let Some(outcomes) = pages.iter_mut().find(|p| p.id == DashboardId::Outcomes) {
        let at = outcomes
            .charts
            .iter()
            .position(|c| c.id == ChartId::Housing)
            .map_or(outcomes.charts.len(), |i| i + 1);
        outcomes.charts.splice(at..at, site_charts(lang));
    }
    pages
}

/// The pages and charts every portal has.
fn contract_pages(lang: Lang) -> Vec<Page> {
    use DerivedMeasure as D;
    use Kind::*;
    use Measure as M;
    use Unit::*;
    let copy = lead_content::dashboards();
    let t = &copy.text;
    let l = |text: &Text| text.get(lang).to_owned();
    let one = |label: &str, table: TableId, measure: Stat| Part::new(label).table(table).measure(measure);
    vec![
        Page {
            id: DashboardId::Referrals,
            intro: copy.intro(DashboardId::Referrals).get(lang).to_owned(),
            lang,
            charts: vec![
                ChartSpec {
                    id: ChartId::ReferralsByDoor,
                    caption: copy.caption(ChartId::ReferralsByDoor).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: StackedBar,
                    unit: Count,
                    axis: l(&t.axis_month),
                    categories: Categories::Months,
                    series: doors(lang)
                        .iter()
                        .map(|(door, label)| {
                            one(label, TableId::ReferralsByDoor, M::Referrals.into()).dim(Dim::Door, door)
                        })
                        .collect(),
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::CommunityByReferrer,
                    caption: copy.caption(ChartId::CommunityByReferrer).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Count,
                    axis: l(&t.axis_referred_by),
                    categories: Categories::Parts(over(
                        Dim::ReferrerType,
                        &referrer_types(lang),
                        TableId::CommunityReferralsByReferrerType,
                    )),
                    series: vec![Part::new(l(&t.community_referrals)).measure(M::Referrals)],
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::CommunityByTier,
                    caption: copy.caption(ChartId::CommunityByTier).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Count,
                    axis: l(&t.axis_tier),
                    categories: Categories::Parts(over(
                        Dim::PriorityTier,
                        &tiers(lang),
                        TableId::CommunityReferralsByPriorityTier,
                    )),
                    series: vec![Part::new(l(&t.community_referrals)).measure(M::Referrals)],
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::ReferralOutcomes,
                    caption: copy.caption(ChartId::ReferralOutcomes).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: StackedBar,
                    unit: Count,
                    axis: l(&t.axis_door),
                    categories: Categories::Parts(doors_with_all(TableId::ReferralOutcomes, lang)),
                    series: outcomes(lang)
                        .iter()
                        .map(|(outcome, label)| Part::new(*label).measure(M::Referrals).dim(Dim::Outcome, outcome))
                        .collect(),
                    lines: vec![],
                    finding: None,
                },
            ],
        },
        Page {
            id: DashboardId::GettingStarted,
            intro: copy.intro(DashboardId::GettingStarted).get(lang).to_owned(),
            lang,
            charts: vec![
                ChartSpec {
                    id: ChartId::MedianDaysToIntake,
                    caption: copy.caption(ChartId::MedianDaysToIntake).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Line,
                    unit: Days,
                    axis: l(&t.axis_month),
                    categories: Categories::Months,
                    series: doors_with_all(TableId::DaysToIntake, lang)
                        .into_iter()
                        .map(|p| p.measure(D::MedianDaysToIntake))
                        .collect(),
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::DaysToFullEnrollment,
                    caption: copy.caption(ChartId::DaysToFullEnrollment).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Line,
                    unit: Days,
                    axis: l(&t.axis_month),
                    categories: Categories::Months,
                    series: doors_with_all(TableId::DaysToIntake, lang)
                        .into_iter()
                        .map(|p| p.measure(D::MedianDaysToFullEnrollment))
                        .collect(),
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::IntakeWithin30Days,
                    caption: copy.caption(ChartId::IntakeWithin30Days).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Line,
                    unit: Share,
                    axis: l(&t.axis_month),
                    categories: Categories::Months,
                    series: doors_with_all(TableId::DaysToIntake, lang)
                        .into_iter()
                        .map(|p| p.measure(D::ShareWithin30Days))
                        .collect(),
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::DaysToIntakeByDoor,
                    caption: copy.caption(ChartId::DaysToIntakeByDoor).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Days,
                    axis: l(&t.axis_door),
                    categories: Categories::Parts(doors_with_all(TableId::DaysToIntake, lang)),
                    series: vec![Part::new(l(&t.median_days)).measure(D::MedianDaysToIntake)],
                    lines: vec![],
                    finding: None,
                },
            ],
        },
        Page {
            id: DashboardId::Engagement,
            intro: copy.intro(DashboardId::Engagement).get(lang).to_owned(),
            lang,
            charts: vec![
                ChartSpec {
                    id: ChartId::EnrolmentsByStatus,
                    caption: copy.caption(ChartId::EnrolmentsByStatus).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: StackedBar,
                    unit: Count,
                    axis: l(&t.axis_month_enrolled),
                    categories: Categories::Months,
                    series: vec![
                        one(&l(&t.active), TableId::ParticipantsByStatus, M::Active.into()).dim(Dim::Door, "all"),
                        one(&l(&t.inactive), TableId::ParticipantsByStatus, M::Inactive.into()).dim(Dim::Door, "all"),
                    ],
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::Retention,
                    caption: copy.caption(ChartId::Retention).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Share,
                    axis: l(&t.axis_door),
                    categories: Categories::Parts(doors_with_all(TableId::Retention, lang)),
                    series: vec![
                        Part::new(l(&t.retained_6)).measure(D::Retention6),
                        Part::new(l(&t.retained_12)).measure(D::Retention12),
                    ],
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::DischargesAndReturns,
                    caption: copy.caption(ChartId::DischargesAndReturns).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Line,
                    unit: Count,
                    axis: l(&t.axis_month),
                    categories: Categories::Months,
                    series: vec![
                        one(&l(&t.discharged), TableId::DischargesAndReturns, M::Discharges.into())
                            .dim(Dim::Door, "all"),
                        one(
                            &l(&t.came_back),
                            TableId::DischargesAndReturns,
                            M::DischargesReturned.into(),
                        )
                        .dim(Dim::Door, "all"),
                    ],
                    lines: vec![],
                    finding: None,
                },
            ],
        },
        Page {
            id: DashboardId::Capacity,
            intro: copy.intro(DashboardId::Capacity).get(lang).to_owned(),
            lang,
            charts: vec![
                ChartSpec {
                    id: ChartId::AverageCaseload,
                    caption: copy.caption(ChartId::AverageCaseload).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Line,
                    unit: Average,
                    axis: l(&t.axis_month),
                    categories: Categories::Months,
                    series: vec![
                        one(
                            &l(&t.average_caseload),
                            TableId::AverageCaseload,
                            D::AverageCaseload.into(),
                        ),
                        one(
                            &l(&t.highest_caseload),
                            TableId::AverageCaseload,
                            D::HighestCaseload.into(),
                        ),
                    ],
                    lines: vec![
                        ReferenceLine {
                            name: l(&t.line_average),
                            value: 20.0,
                        },
                        ReferenceLine {
                            name: l(&t.line_maximum),
                            value: 25.0,
                        },
                    ],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::CaseManagersOver25,
                    caption: copy.caption(ChartId::CaseManagersOver25).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Count,
                    axis: l(&t.axis_month),
                    categories: Categories::Months,
                    series: vec![
                        one(
                            &l(&t.case_managers),
                            TableId::AverageCaseload,
                            M::CaseManagerMonths.into(),
                        ),
                        one(
                            &l(&t.case_managers_over_25),
                            TableId::AverageCaseload,
                            M::CaseManagersOver25.into(),
                        ),
                    ],
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::WaitlistedDeclined,
                    caption: copy.caption(ChartId::WaitlistedDeclined).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Count,
                    axis: l(&t.axis_month),
                    categories: Categories::Months,
                    series: vec![
                        one(&l(&t.waitlisted), TableId::ReferralsWaitlisted, M::Referrals.into()).dim(Dim::Door, "all"),
                        one(&l(&t.declined), TableId::ReferralsDeclined, M::Referrals.into()).dim(Dim::Door, "all"),
                    ],
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::WaitlistedByDoor,
                    caption: copy.caption(ChartId::WaitlistedByDoor).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: StackedBar,
                    unit: Count,
                    axis: l(&t.axis_month),
                    categories: Categories::Months,
                    series: doors(lang)
                        .iter()
                        .map(|(door, label)| {
                            one(label, TableId::ReferralsWaitlisted, M::Referrals.into()).dim(Dim::Door, door)
                        })
                        .collect(),
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::WaitlistedByTier,
                    caption: copy.caption(ChartId::WaitlistedByTier).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Count,
                    axis: l(&t.axis_tier),
                    categories: Categories::Parts(over(
                        Dim::PriorityTier,
                        &tiers(lang),
                        TableId::CommunityWaitlistedByPriorityTier,
                    )),
                    series: vec![Part::new(l(&t.waitlisted)).measure(M::Referrals)],
                    lines: vec![],
                    finding: None,
                },
            ],
        },
        Page {
            id: DashboardId::RacialEquity,
            intro: copy.intro(DashboardId::RacialEquity).get(lang).to_owned(),
            lang,
            charts: vec![
                ChartSpec {
                    id: ChartId::ShareByStage,
                    caption: copy.caption(ChartId::ShareByStage).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: StackedBar,
                    unit: Share,
                    axis: l(&t.axis_stage),
                    categories: Categories::Parts({
                        let mut parts = vec![Part::new(l(&t.population))
                            .table(TableId::EquityDiversionEligibleArrests)
                            .measure(D::PopulationShare)];
                        parts.extend(stages(lang).into_iter().map(|p| p.measure(D::ShareByRace)));
                        parts
                    }),
                    series: races(lang)
                        .iter()
                        .map(|(value, label)| Part::new(*label).dim(Dim::Race, value))
                        .collect(),
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::RelativeRateByStage,
                    caption: copy.caption(ChartId::RelativeRateByStage).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Line,
                    unit: Ratio,
                    axis: l(&t.axis_stage),
                    categories: Categories::Parts(stages(lang)),
                    series: races_of(DerivedMeasure::RelativeRate, lang),
                    lines: vec![ReferenceLine {
                        name: l(&t.line_population),
                        value: 1.0,
                    }],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::StageToStage,
                    caption: copy.caption(ChartId::StageToStage).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Ratio,
                    axis: l(&t.axis_stage),
                    categories: Categories::Parts(steps(lang)),
                    series: races_of(DerivedMeasure::StageRelativeRate, lang),
                    lines: vec![ReferenceLine {
                        name: l(&t.line_previous),
                        value: 1.0,
                    }],
                    finding: Some(Finding {
                        says: &t.largest_change,
                        none: &t.largest_change_none,
                    }),
                },
                ChartSpec {
                    id: ChartId::TiersByRace,
                    caption: copy.caption(ChartId::TiersByRace).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Ratio,
                    axis: l(&t.axis_tier),
                    categories: Categories::Parts(over(Dim::PriorityTier, &tiers(lang), TableId::EquityPriorityTiers)),
                    series: races_of(DerivedMeasure::StageRelativeRate, lang),
                    lines: vec![ReferenceLine {
                        name: l(&t.line_all_community),
                        value: 1.0,
                    }],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::OutcomesByRace,
                    caption: copy.caption(ChartId::OutcomesByRace).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Ratio,
                    axis: l(&t.axis_outcome),
                    categories: Categories::Parts(over(Dim::Outcome, &outcomes(lang), TableId::EquityReferralOutcomes)),
                    series: races_of(DerivedMeasure::StageRelativeRate, lang),
                    lines: vec![ReferenceLine {
                        name: l(&t.line_all_referrals),
                        value: 1.0,
                    }],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::ParticipantOutcomesByRace,
                    caption: copy.caption(ChartId::ParticipantOutcomesByRace).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Share,
                    axis: l(&t.axis_race),
                    categories: Categories::Parts(over(Dim::Race, &races(lang), TableId::EquityParticipantOutcomes)),
                    series: vec![
                        Part::new(l(&t.jail_bookings)).measure(D::JailBookingsChange),
                        Part::new(l(&t.ed_visits)).measure(D::EdVisitsChange),
                    ],
                    lines: vec![ReferenceLine {
                        name: l(&t.line_no_change),
                        value: 0.0,
                    }],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::HousingByRace,
                    caption: copy.caption(ChartId::HousingByRace).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Share,
                    axis: l(&t.axis_race),
                    categories: Categories::Parts(over(Dim::Race, &races(lang), TableId::EquityParticipantOutcomes)),
                    series: vec![
                        Part::new(l(&t.housed_6)).measure(D::ShareHoused6),
                        Part::new(l(&t.housed_12)).measure(D::ShareHoused12),
                    ],
                    lines: vec![],
                    finding: None,
                },
            ],
        },
        Page {
            id: DashboardId::Outcomes,
            intro: copy.intro(DashboardId::Outcomes).get(lang).to_owned(),
            lang,
            charts: vec![
                ChartSpec {
                    id: ChartId::BookingsAndEmergencyVisits,
                    caption: copy.caption(ChartId::BookingsAndEmergencyVisits).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Count,
                    axis: l(&t.axis_measure),
                    categories: Categories::Parts(vec![
                        Part::new(l(&t.jail_bookings))
                            .table(TableId::ParticipantOutcomes)
                            .per_series(&[M::JailBookingsPre12.into(), M::JailBookingsPost12.into()]),
                        Part::new(l(&t.ed_visits))
                            .table(TableId::ParticipantOutcomes)
                            .per_series(&[M::EdVisitsPre12.into(), M::EdVisitsPost12.into()]),
                    ]),
                    series: vec![Part::new(l(&t.before_12)), Part::new(l(&t.after_12))],
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::ComparisonGroup,
                    caption: copy.caption(ChartId::ComparisonGroup).get(lang).to_owned(),
                    reported_by: &[(TableId::ComparisonGroup, M::ComparisonPeople12)],
                    lang,
                    kind: Bar,
                    unit: Share,
                    axis: l(&t.axis_measure),
                    categories: Categories::Parts(vec![
                        Part::new(l(&t.jail_bookings))
                            .per_series(&[D::JailBookingsChange.into(), D::ComparisonJailBookingsChange.into()]),
                        Part::new(l(&t.ed_visits))
                            .per_series(&[D::EdVisitsChange.into(), D::ComparisonEdVisitsChange.into()]),
                    ]),
                    series: vec![
                        Part::new(l(&t.participants_all)).table(TableId::EquityParticipantOutcomes),
                        Part::new(l(&t.comparison_group)).table(TableId::ComparisonGroup),
                    ],
                    lines: vec![ReferenceLine {
                        name: l(&t.line_no_change),
                        value: 0.0,
                    }],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::LegalSystemUse,
                    caption: copy.caption(ChartId::LegalSystemUse).get(lang).to_owned(),
                    reported_by: &[
                        (TableId::LegalSystemUse, M::ArrestsPeople12),
                        (TableId::LegalSystemUse, M::ChargesPeople12),
                        (TableId::LegalSystemUse, M::JailDaysPeople12),
                    ],
                    lang,
                    kind: Bar,
                    unit: Count,
                    axis: l(&t.axis_measure),
                    categories: Categories::Parts(vec![
                        Part::new(l(&t.arrests)).table(TableId::LegalSystemUse).per_series(&[
                            M::ArrestsPeople12.into(),
                            M::ArrestsPre12.into(),
                            M::ArrestsPost12.into(),
                        ]),
                        Part::new(l(&t.charges)).table(TableId::LegalSystemUse).per_series(&[
                            M::ChargesPeople12.into(),
                            M::ChargesPre12.into(),
                            M::ChargesPost12.into(),
                        ]),
                        Part::new(l(&t.jail_days)).table(TableId::LegalSystemUse).per_series(&[
                            M::JailDaysPeople12.into(),
                            M::JailDaysPre12.into(),
                            M::JailDaysPost12.into(),
                        ]),
                    ]),
                    // The people each measure was known for: none means the
                    // program's data does not include it.
                    series: vec![
                        Part::new(l(&t.people_known)),
                        Part::new(l(&t.before_12)),
                        Part::new(l(&t.after_12)),
                    ],
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::Satisfaction,
                    caption: copy.caption(ChartId::Satisfaction).get(lang).to_owned(),
                    reported_by: &[
                        (TableId::Satisfaction, M::RespondentsParticipants),
                        (TableId::Satisfaction, M::RespondentsPartners),
                        (TableId::Satisfaction, M::RespondentsCommunity),
                    ],
                    lang,
                    kind: Bar,
                    unit: Share,
                    axis: l(&t.axis_respondents),
                    categories: Categories::Parts(vec![
                        Part::new(l(&t.group_participants)).measure(D::SatisfiedParticipants),
                        Part::new(l(&t.group_partners)).measure(D::SatisfiedPartners),
                        Part::new(l(&t.group_community)).measure(D::SatisfiedCommunity),
                    ]),
                    series: vec![Part::new(l(&t.satisfied)).table(TableId::Satisfaction)],
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::Housing,
                    caption: copy.caption(ChartId::Housing).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Bar,
                    unit: Share,
                    axis: l(&t.axis_time_after),
                    categories: Categories::Parts(vec![
                        Part::new(l(&t.after_6_months)).measure(D::ShareHoused6),
                        Part::new(l(&t.after_12_months)).measure(D::ShareHoused12),
                    ]),
                    series: vec![Part::new(l(&t.housed)).table(TableId::ParticipantOutcomes)],
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::DiversionRate,
                    caption: copy.caption(ChartId::DiversionRate).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Line,
                    unit: Share,
                    axis: l(&t.axis_month),
                    categories: Categories::Months,
                    series: vec![one(
                        &l(&t.diversion_rate),
                        TableId::DiversionRate,
                        D::DiversionRate.into(),
                    )],
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::SystemBookings,
                    caption: copy.caption(ChartId::SystemBookings).get(lang).to_owned(),
                    reported_by: &[],
                    lang,
                    kind: Line,
                    unit: Count,
                    axis: l(&t.axis_month),
                    categories: Categories::Months,
                    series: vec![
                        one(
                            &l(&t.eligible_arrests),
                            TableId::SystemBookings,
                            M::EligibleArrests.into(),
                        ),
                        one(&l(&t.booked), TableId::SystemBookings, M::Booked.into()),
                    ],
                    lines: vec![],
                    finding: None,
                },
                ChartSpec {
                    id: ChartId::SystemCharging,
                    caption: copy.caption(ChartId::SystemCharging).get(lang).to_owned(),
                    reported_by: &[(TableId::SystemCharging, M::ChargeKnownArrests)],
                    lang,
                    kind: Line,
                    unit: Share,
                    axis: l(&t.axis_month),
                    categories: Categories::Months,
                    series: vec![one(&l(&t.charged), TableId::SystemCharging, D::ChargeRate.into())],
                    lines: vec![],
                    finding: None,
                },
            ],
        },
    ]
}
