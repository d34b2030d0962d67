#!/usr/bin/env bash
# Installs, builds native and WASM, and runs every test: core (native and under node), server,
# and browser tests in Chromium. Screenshots land in build/browser-artifacts/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/build.sh
ctest --test-dir build --output-on-failure "$@"
