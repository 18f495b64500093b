// Leptos hydration reads these before the wasm runs; a file rather than an
// inline script so the Content-Security-Policy can forbid inline scripts.
window.__RESOLVED_RESOURCES = [];
window.__SERIALIZED_ERRORS = [];
window.__INCOMPLETE_CHUNKS = [];
