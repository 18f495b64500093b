//! Writing what an aggregation publishes: `cells.csv` and one JSON file
//! per table, in the shapes of the data contract (`lead_data::published`).

use lead_data::published::{Row, Value};

use super::*;

pub(crate) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> AggregateError + '_ {
    move |source| AggregateError::Write {
        path: path.to_owned(),
        source,
    }
}

/// Writes `cells.csv` and `<table>.json` for every table into `dir`.
pub fn write(aggregates: &Aggregates, dir: &Path, provenance: &Provenance) -> Result<(), AggregateError> {
    fs::create_dir_all(dir).map_err(io_error(dir))?;
    let path = dir.join(CELLS_CSV);
    let csv_error = |source| AggregateError::Csv {
        path: path.clone(),
        source,
    };
    let mut writer = csv::Writer::from_path(&path).map_err(csv_error)?;
    writer.write_record(cells_header()).map_err(csv_error)?;
    for row in &aggregates.rows {
        let period = row.period.to_string();
        let value = row.figure.text();
        let mut record = vec![row.table.as_str(), period.as_str()];
        record.extend(row.dims.iter().map(DimValue::as_str));
        record.extend([
            row.measure,
            value.as_str(),
            if row.figure.is_suppressed() { "true" } else { "false" },
        ]);
        writer.write_record(&record).map_err(csv_error)?;
    }
    writer.flush().map_err(io_error(&path))?;

    for spec in TABLES {
        let rows = aggregates
            .rows
            .iter()
            .filter(|r| r.table == spec.id)
            .map(|r| Row {
                period: r.period,
                dims: spec
                    .dims
                    .iter()
                    .map(|d| (*d, r.dims[*d as usize].as_str().to_owned()))
                    .collect(),
                measure: r.measure.to_owned(),
                value: match r.figure {
                    Figure::Count(p) => p.value().map(Value::Count),
                    Figure::Derived(d) => d.value().map(Value::Ratio),
                },
                suppressed: r.figure.is_suppressed(),
            })
            .collect();
        let filter = spec
            .fixed
            .iter()
            .map(|&(d, v)| (d.column().to_owned(), value_name(d, v, &[], &SiteMeasures::default())))
            .collect();
        let json = TableFile {
            table: spec.id,
            title: spec.title().to_owned(),
            dimensions: spec.dims.to_vec(),
            filter,
            period_covered: aggregates.covered.map(|(from, to)| Covered { from, to }),
            generated_at: provenance.generated_at.clone(),
            source: provenance.source.clone(),
            suppression: Suppression {
                k: aggregates.policy.k(),
                rule: aggregates.policy.describe(),
            },
            rows,
        };
        let path = dir.join(table_file(spec.id));
        let text = serde_json::to_string_pretty(&json).map_err(|e| AggregateError::Write {
            path: path.clone(),
            source: e.into(),
        })?;
        fs::write(&path, text).map_err(io_error(&path))?;
    }
    Ok(())
}
