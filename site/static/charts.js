// Loads the charts module, which draws every chart on a dashboard page.
// Without JavaScript (or if this fails) the page's data tables remain.
import init from "/pkg/lead_charts.js";

init({ module_or_path: "/pkg/lead_charts_bg.wasm" });
