//! Wall-clock time in the worker.

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}

/// RFC 3339 / ISO 8601 UTC timestamp for a time in milliseconds.
pub fn iso(ms: i64) -> String {
    worker::js_sys::Date::new(&worker::wasm_bindgen::JsValue::from_f64(ms as f64))
        .to_iso_string()
        .into()
}
