#!/usr/bin/env bash
# Installs, builds and starts the LineDesk portal on http://127.0.0.1:8080 with its SQLite file
# in ./data/. Extra arguments go to linedesk-server (see build/server/linedesk-server --help).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/build.sh
mkdir -p data
exec build/server/linedesk-server --db data/linedesk.db --host 127.0.0.1 --port 8080 "$@"
