#!/usr/bin/env bash
# Installs whatever is missing and builds everything (native server and tests, WASM console and
# core tests) into build/. Used by serve.sh and test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./emsdk-setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"
