//! The dashboards' charts.
//!
//! A [`ChartView`] holds exactly the published figures one chart shows (the
//! prerendered page carries it in the chart's `data-chart` attribute, beside
//! the data table made from the same figures). [`chart`] is a pure function
//! from a view to a `charming::Chart`, so every chart can be snapshot-tested
//! natively; in the browser (feature `wasm`) the module draws each view on
//! the page with the site's own ECharts bundle.
//!
//! A figure hidden by disclosure control is `None`, drawn as a gap, never
//! as zero, and marked at the foot of its category with a hollow diamond
//! that the legend names (a true zero has no mark), as the data table says
//! it in words.

use charming::component::{Axis, Grid, Legend};
use charming::datatype::CompositeValue;
use charming::element::ItemStyle;
use charming::element::{
    AxisLabel, AxisType, BoundaryGap, Formatter, Label, LabelPosition, LineStyle, LineStyleType, MarkLine,
    MarkLineData, MarkLineVariant, Symbol,
};
use charming::series::{Bar, Line, Scatter};
use charming::Chart;
use serde::{Deserialize, Serialize};

/// How the figures are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Side-by-side bars, one per series in each category.
    Bar,
    /// Bars stacked per category (parts of one whole).
    StackedBar,
    /// One line per series, categories along the x axis (usually months).
    Line,
}

pub use lead_data::unit::{group_thousands, Unit};

/// How the value axis labels a unit.
fn axis_formatter(unit: Unit) -> Option<&'static str> {
    match unit {
        Unit::Share => Some("{value}%"),
        Unit::Ratio => Some("{value}×"),
        Unit::Count | Unit::Days | Unit::Average => None,
    }
}

/// One series: a value (or a suppressed gap) per category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesView {
    pub name: String,
    pub values: Vec<Option<f64>>,
    /// The categories whose figure is hidden by disclosure control (a
    /// `None` that is not in this list is a figure that does not exist).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden: Vec<usize>,
}

/// A horizontal line marking a standard, such as the caseload limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceLine {
    pub name: String,
    pub value: f64,
}

/// Everything one chart shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartView {
    pub kind: Kind,
    pub unit: Unit,
    /// Labels along the category axis.
    pub categories: Vec<String>,
    pub series: Vec<SeriesView>,
    /// Standards drawn across the chart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<ReferenceLine>,
    /// Categories are named groups (doors, stages), not months: bars run
    /// across so long names stay readable, and every name is shown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub named: bool,
    /// What the legend calls the mark of a hidden figure.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hidden_label: String,
}

/// The categories where some series has a hidden figure, in order.
pub fn hidden_categories(view: &ChartView) -> Vec<usize> {
    let mut hidden: Vec<usize> = view.series.iter().flat_map(|s| s.hidden.iter().copied()).collect();
    hidden.sort_unstable();
    hidden.dedup();
    hidden
}

/// The hollow diamonds at the foot of each category with a hidden figure.
fn hidden_marks(view: &ChartView, across: bool) -> Option<Scatter> {
    let hidden = hidden_categories(view);
    if hidden.is_empty() {
        return None;
    }
    let points: Vec<Vec<i64>> = hidden
        .into_iter()
        .map(|category| {
            let category = i64::try_from(category).unwrap_or_default();
            if across {
                vec![0, category]
            } else {
                vec![category, 0]
            }
        })
        .collect();
    Some(
        Scatter::new()
            .name(view.hidden_label.as_str())
            .symbol(Symbol::Diamond)
            .symbol_size(12)
            .item_style(
                ItemStyle::new()
                    .color("#FFFFFF")
                    .border_color("#333333")
                    .border_width(2),
            )
            .data(points),
    )
}

/// Colours told apart with the common forms of colour blindness (Okabe and
/// Ito). The chart's legend names each colour, and the data table beside
/// every chart carries the same figures in text.
pub const PALETTE: [&str; 9] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000", "#F0E442", "#8C8C8C",
];

fn values(view: &ChartView, series: &SeriesView) -> Vec<CompositeValue> {
    series
        .values
        .iter()
        .map(|v| match view.unit {
            // Counts are whole numbers, drawn and labelled as such.
            Unit::Count => CompositeValue::from(v.map(|v| v.round() as i64)),
            unit => CompositeValue::from(v.map(|v| unit.scale(v))),
        })
        .collect()
}

fn reference_lines(view: &ChartView) -> Option<MarkLine> {
    if view.lines.is_empty() {
        return None;
    }
    let data: Vec<MarkLineVariant> = view
        .lines
        .iter()
        .map(|line| MarkLineVariant::Simple(MarkLineData::new().name(line.name.as_str()).y_axis(line.value)))
        .collect();
    Some(
        MarkLine::new()
            .silent(true)
            .symbol(vec![Symbol::None, Symbol::None])
            .line_style(LineStyle::new().type_(LineStyleType::Dashed).color("#333333"))
            .label(Label::new().formatter("{b}: {c}").position(LabelPosition::InsideEndTop))
            .data(data),
    )
}

/// The chart for a view. Pure: the same view always gives the same chart.
pub fn chart(view: &ChartView) -> Chart {
    let mut chart = Chart::new().animation(false).color(PALETTE.to_vec()).grid(
        Grid::new()
            .left(8)
            .right(24)
            .top(if view.series.len() > 1 || !hidden_categories(view).is_empty() {
                48
            } else {
                24
            })
            .bottom(8)
            .contain_label(true),
    );
    // Across: named groups drawn as bars run down the page, first at the top.
    let across = view.named && view.kind != Kind::Line;
    let marks = hidden_marks(view, across);
    if view.series.len() + usize::from(marks.is_some()) > 1 {
        chart = chart.legend(Legend::new().top(0));
    }
    let mut category_axis = Axis::new().type_(AxisType::Category).data(view.categories.clone());
    if view.kind == Kind::Line {
        category_axis = category_axis.boundary_gap(BoundaryGap::CategoryAxis(false));
    }
    if view.named {
        category_axis = category_axis.axis_label(AxisLabel::new().interval(0));
    }
    let mut value_axis = Axis::new().type_(AxisType::Value);
    if let Some(formatter) = axis_formatter(view.unit) {
        value_axis = value_axis.axis_label(AxisLabel::new().formatter(Formatter::String(formatter.to_owned())));
    }
    if view.unit == Unit::Share && view.kind == Kind::StackedBar {
        value_axis = value_axis.max(100);
    }
    chart = if across {
        chart.y_axis(category_axis.inverse(true)).x_axis(value_axis)
    } else {
        chart.x_axis(category_axis).y_axis(value_axis)
    };
    for (i, series) in view.series.iter().enumerate() {
        let marks = if i == 0 { reference_lines(view) } else { None };
        chart = match view.kind {
            Kind::Bar | Kind::StackedBar => {
                let mut bar = Bar::new().name(series.name.as_str()).data(values(view, series));
                if view.kind == Kind::StackedBar {
                    bar = bar.stack("total");
                }
                if let Some(marks) = marks {
                    bar = bar.mark_line(marks);
                }
                chart.series(bar)
            }
            Kind::Line => {
                let mut line = Line::new()
                    .name(series.name.as_str())
                    .connect_nulls(false)
                    .data(values(view, series));
                if let Some(marks) = marks {
                    line = line.mark_line(marks);
                }
                chart.series(line)
            }
        };
    }
    match marks {
        Some(marks) => chart.series(marks),
        None => chart,
    }
}

/// The browser side: draws every `[data-chart]` element on the page.
#[cfg(feature = "wasm")]
mod browser {
    use charming::WasmRenderer;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    use crate::{chart, ChartView};

    fn draw(element: &web_sys::Element) -> Option<charming::Echarts> {
        let view: ChartView = serde_json::from_str(&element.get_attribute("data-chart")?).ok()?;
        // Shown only once it can be drawn: without the module the page has
        // the table alone, not an empty box.
        element.remove_attribute("hidden").ok()?;
        let drawn = WasmRenderer::new_opt(None, None)
            .render(&element.id(), &chart(&view))
            .ok()?;
        element.set_attribute("data-drawn", "true").ok()?;
        Some(drawn)
    }

    /// Runs when the module loads: draws the charts, and redraws them at the
    /// new size when the window is resized. A chart that cannot be drawn
    /// leaves its data table, which the page shows anyway.
    #[wasm_bindgen(start)]
    pub fn start() {
        let Some(window) = web_sys::window() else { return };
        let Some(document) = window.document() else { return };
        let Ok(elements) = document.query_selector_all("[data-chart]") else {
            return;
        };
        let charts: Vec<charming::Echarts> = (0..elements.length())
            .filter_map(|i| elements.item(i)?.dyn_into::<web_sys::Element>().ok())
            .filter_map(|element| draw(&element))
            .collect();
        let on_resize = Closure::<dyn Fn()>::new(move || {
            for chart in &charts {
                chart.resize(JsValue::UNDEFINED);
            }
        });
        let _ = window.add_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref());
        on_resize.forget();
    }
}
