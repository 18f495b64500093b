// The parts of ECharts the dashboards draw with, bundled by esbuild into the
// site's /echarts.js (served by the site itself, never from a CDN). The
// charts module (lead-charts, wasm) calls the global `echarts.init`. Scatter
// draws the marks of hidden figures.
import * as echarts from "echarts/core";
import { BarChart, LineChart, ScatterChart } from "echarts/charts";
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, ScatterChart, AriaComponent, GridComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);
globalThis.echarts = echarts;
