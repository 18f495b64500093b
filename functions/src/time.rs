//! Wall-clock time in the worker. Dates and timestamps are written by the
//! workspace's one calendar (`lead_data::calendar`).

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}

/// RFC 3339 UTC timestamp, to the second, of a time in milliseconds.
pub fn iso(ms: i64) -> String {
    lead_data::calendar::utc_timestamp(ms)
}
