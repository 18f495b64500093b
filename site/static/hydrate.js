import init, { hydrate } from "/pkg/lead_site.js";

init({ module_or_path: "/pkg/lead_site_bg.wasm" }).then(() => hydrate());
