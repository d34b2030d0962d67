#!/usr/bin/env bash
# Prints LineDesk's benchmark figures: the core natively and as WASM under node, side by side.
# Usage: scripts/bench.sh [--no-build]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ "${1:-}" = "--no-build" ] || ./scripts/build.sh >/dev/null
native=$(build/bench/linedesk_bench_core 2>/dev/null)
wasm=$(node build/wasm/bench/linedesk_bench_core.js 2>/dev/null)
NATIVE="$native" WASM="$wasm" node - <<'JS'
const parse = (s) => Object.fromEntries(s.trim().split("\n").map((l) => JSON.parse(l)).map((r) => [r.name, r]));
const n = parse(process.env.NATIVE), w = parse(process.env.WASM);
const targets = { import_1000_rows: "native < 20 ms, wasm < 2.5x", export_100k_accounts: "native < 300 ms, wasm < 2.5x",
                  snapshot_100k_parse_apply: "browser (wasm) < 1500 ms with the transfer", rebase_1000_pending: "report" };
console.log(`${"benchmark".padEnd(26)} ${"native ms".padStart(10)} ${"MB/s".padStart(7)} ${"wasm ms".padStart(9)} ${"MB/s".padStart(7)} ${"wasm/native".padStart(12)}  target`);
for (const name of Object.keys(n)) {
  const a = n[name], b = w[name] || {};
  const ratio = b.median_ms / a.median_ms;
  console.log(`${name.padEnd(26)} ${a.median_ms.toFixed(1).padStart(10)} ${a.mb_per_s.toFixed(1).padStart(7)} ${(b.median_ms ?? NaN).toFixed(1).padStart(9)} ${(b.mb_per_s ?? NaN).toFixed(1).padStart(7)} ${ratio.toFixed(2).padStart(12)}  ${targets[name] || ""}`);
}
JS

# The server end to end over HTTP on loopback (native only): API import & invite with mail
# delivery, keep-alive reads, and sync (snapshot pull of 100 000 accounts, 10 000-command push).
echo
build/bench/linedesk_bench_server | node -e '
const rows = require("fs").readFileSync(0, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const targets = { api_import_and_invite_1000_delivered: "< 300 ms", sync_push_10000_commands: "< 2000 ms",
                  sync_pull_snapshot_100k_text: "< 1500 ms in the browser with the WASM decode" };
console.log(`${"server benchmark".padEnd(38)} ${"median ms".padStart(10)}  details  target`);
for (const r of rows) {
  const { name, median_ms, ...rest } = r;
  const details = Object.entries(rest).map(([k, v]) => `${k}=${v}`).join(" ");
  console.log(`${name.padEnd(38)} ${(median_ms ?? NaN).toFixed(1).padStart(10)}  ${details}  ${targets[name] || ""}`);
}'

# The console in headless Chromium (issue 6): frame work time of the Accounts screen with
# 100 000 accounts while scrolling and typing in the search, and a 1000-row file to its preview.
echo
(cd tests/browser && LINEDESK_SERVER="$PWD/../../build/server/linedesk-server" \
   LINEDESK_WEB="$PWD/../../build/wasm/web" node bench_accounts.mjs) | node -e '
const rows = require("fs").readFileSync(0, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const targets = { accounts_100k_scroll_frame: "p95 < 16 ms", accounts_100k_search_typing_frame: "p95 < 16 ms", accounts_100k_remote_edit_frame: "report",
                  import_preview_1000_rows: "< 500 ms" };
console.log(`${"console benchmark".padEnd(38)} figures  target`);
for (const r of rows) {
  const { name, ...rest } = r;
  console.log(`${name.padEnd(38)} ${Object.entries(rest).map(([k, v]) => `${k}=${v}`).join(" ")}  ${targets[name] || ""}`);
}'

# Load (issue 9): 50 keep-alive clients mixing reads, sync pushes and pulls for 60 s against a
# real `linedesk-server --demo`; errors, latency percentiles, the server's resident memory.
echo
build/bench/linedesk_load --server build/server/linedesk-server --clients 50 --seconds 60 --seed 1
