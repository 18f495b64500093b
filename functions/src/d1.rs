//! Values bound to D1 statements, written once for every store (the outbox,
//! rate limits, the CLT). D1 numbers are doubles; times and counts fit.

use worker::wasm_bindgen::JsValue;

pub fn text(v: &str) -> JsValue {
    JsValue::from_str(v)
}

pub fn number(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}

/// `NULL` for `None`.
pub fn optional(v: Option<&str>) -> JsValue {
    v.map(text).unwrap_or(JsValue::NULL)
}

/// A list bound as one JSON parameter, for `IN (SELECT value FROM json_each(?))`.
pub fn list(items: &[&str]) -> JsValue {
    text(&serde_json::to_string(items).unwrap_or_else(|_| "[]".into()))
}
