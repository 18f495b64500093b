//! Snapshot tests of the chart functions: each view's chart, serialised,
//! must equal the committed `tests/snapshots/<name>.json`. After a deliberate
//! change, `UPDATE_SNAPSHOTS=1 cargo test -p lead-charts` rewrites them;
//! review the diff before committing.

use std::path::PathBuf;

use lead_charts::{chart, ChartView, Kind, ReferenceLine, SeriesView, Unit};

/// A series whose `None`s are hidden figures (suppressed).
fn series(name: &str, values: &[Option<f64>]) -> SeriesView {
    SeriesView {
        name: name.to_owned(),
        values: values.to_vec(),
        hidden: (0..values.len()).filter(|&i| values[i].is_none()).collect(),
    }
}

const HIDDEN: &str = "Hidden to protect privacy (not zero)";

fn months(n: usize) -> Vec<String> {
    ["Jan 2025", "Feb 2025", "Mar 2025", "Apr 2025"][..n]
        .iter()
        .map(|m| m.to_string())
        .collect()
}

fn check(name: &str, view: &ChartView) -> serde_json::Value {
    let json = serde_json::to_value(chart(view)).expect("a chart serialises");
    let text = serde_json::to_string_pretty(&json).expect("JSON prints") + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/snapshots/{name}.json"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).expect("snapshot written");
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_SNAPSHOTS=1 to create it)", path.display()));
    assert_eq!(text, expected, "chart {name} differs from its snapshot");
    json
}

#[test]
fn stacked_counts_by_month_with_a_suppressed_gap() {
    let view = ChartView {
        kind: Kind::StackedBar,
        unit: Unit::Count,
        categories: months(3),
        series: vec![
            series("Arrest diversion", &[Some(37.0), Some(39.0), None]),
            series("Community referral", &[Some(30.0), Some(0.0), Some(44.0)]),
        ],
        lines: vec![],
        named: false,
        hidden_label: HIDDEN.to_owned(),
    };
    let json = check("stacked_counts", &view);
    let series = json["series"].as_array().expect("series");
    assert_eq!(series.len(), 3, "two series of bars and the marks of hidden figures");
    let bars = &series[..2];
    assert!(bars.iter().all(|s| s["type"] == "bar" && s["stack"] == "total"));
    // A suppressed figure is a gap, never a zero; a true zero stays zero.
    assert_eq!(bars[0]["data"], serde_json::json!([37, 39, null]));
    assert_eq!(bars[1]["data"], serde_json::json!([30, 0, 44]));
    // The gap is marked at the foot of its month, the zero is not, and the
    // legend names the mark.
    assert_eq!(series[2]["type"], "scatter");
    assert_eq!(series[2]["name"], HIDDEN);
    assert_eq!(series[2]["data"], serde_json::json!([[2, 0]]));
    assert_eq!(
        json["xAxis"]["data"],
        serde_json::json!(["Jan 2025", "Feb 2025", "Mar 2025"])
    );
    assert!(json["legend"].is_object(), "two series have a legend");
}

#[test]
fn shares_become_percentages() {
    let view = ChartView {
        kind: Kind::Bar,
        unit: Unit::Share,
        categories: vec!["All doors".into(), "Community referral".into()],
        series: vec![
            series("Retained at 6 months", &[Some(0.944407), None]),
            series("Retained at 12 months", &[Some(0.88145), Some(0.5)]),
        ],
        lines: vec![],
        named: true,
        hidden_label: HIDDEN.to_owned(),
    };
    let json = check("shares", &view);
    assert_eq!(json["series"][0]["data"], serde_json::json!([94.4, null]));
    assert_eq!(json["series"][1]["data"], serde_json::json!([88.1, 50.0]));
    // Across the page the mark of the hidden figure is (value 0, door 1).
    assert_eq!(json["series"][2]["data"], serde_json::json!([[0, 1]]));
    // Named groups run down the page: values along x, the doors along y.
    assert_eq!(json["xAxis"]["axisLabel"]["formatter"], "{value}%");
    assert_eq!(json["yAxis"]["type"], "category");
    assert_eq!(json["yAxis"]["inverse"], true);
    assert!(json["series"][0].get("stack").is_none());
}

#[test]
fn caseload_line_with_the_standard_and_the_maximum() {
    let view = ChartView {
        kind: Kind::Line,
        unit: Unit::Average,
        categories: months(4),
        series: vec![series(
            "Average caseload",
            &[Some(17.1045), Some(19.96), None, Some(26.0)],
        )],
        lines: vec![
            ReferenceLine {
                name: "Average standard".into(),
                value: 20.0,
            },
            ReferenceLine {
                name: "Maximum".into(),
                value: 25.0,
            },
        ],
        named: false,
        hidden_label: HIDDEN.to_owned(),
    };
    let json = check("caseload_lines", &view);
    let line = &json["series"][0];
    assert_eq!(line["type"], "line");
    assert_eq!(line["data"], serde_json::json!([17.1, 20.0, null, 26.0]));
    assert_eq!(line["connectNulls"], false, "a suppressed month is not bridged");
    let marks = line["markLine"]["data"].as_array().expect("mark lines");
    assert_eq!(marks.len(), 2);
    assert_eq!(marks[0]["yAxis"], 20.0);
    assert_eq!(marks[1]["name"], "Maximum");
    // The hidden month is marked and named in a legend.
    assert_eq!(json["series"][1]["data"], serde_json::json!([[2, 0]]));
    assert!(json["legend"].is_object(), "the mark of a hidden month is named");
}

#[test]
fn relative_rates_keep_two_decimals() {
    let view = ChartView {
        kind: Kind::Line,
        unit: Unit::Ratio,
        categories: vec!["Diversion-eligible arrests".into(), "Enrolled".into()],
        series: vec![series("Black", &[Some(3.0757964), Some(2.5)])],
        lines: vec![ReferenceLine {
            name: "Population share".into(),
            value: 1.0,
        }],
        named: true,
        hidden_label: HIDDEN.to_owned(),
    };
    let json = check("relative_rates", &view);
    assert_eq!(json["series"][0]["data"], serde_json::json!([3.08, 2.5]));
    assert!(json.get("legend").is_none(), "one series and nothing hidden: no legend");
    assert_eq!(json["series"].as_array().map(Vec::len), Some(1));
}

#[test]
fn the_same_view_always_gives_the_same_chart() {
    let view = ChartView {
        kind: Kind::Bar,
        unit: Unit::Count,
        categories: vec!["Resident".into()],
        series: vec![series("Community referrals", &[Some(355.0)])],
        lines: vec![],
        named: false,
        hidden_label: HIDDEN.to_owned(),
    };
    let json = serde_json::to_string(&view).expect("view serialises");
    let back: ChartView = serde_json::from_str(&json).expect("view parses");
    assert_eq!(back, view, "a view survives the page's data-chart attribute");
    assert_eq!(chart(&view), chart(&back));
}

#[test]
fn table_formatting() {
    assert_eq!(Unit::Count.format(12345.0), "12,345");
    assert_eq!(Unit::Count.format(0.0), "0");
    assert_eq!(Unit::Share.format(0.73678), "73.7%");
    assert_eq!(Unit::Days.format(10.0), "10.0");
    assert_eq!(Unit::Ratio.format(0.4531), "0.45");
    assert_eq!(Unit::Average.format(17.104545), "17.1");
}
