#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server: initdb into a temporary folder (as a
# non-root user: PostgreSQL refuses to run as root), started on a free loopback port, stopped and
# removed afterwards. The command finds the database in LINEDESK_TEST_POSTGRES
# (postgresql://linedesk@127.0.0.1:PORT/linedesk) and the server's folder in LINEDESK_PG_DIR.
#
#   scripts/with-postgres.sh [--durable] COMMAND [ARGS...]
#
# Without --durable the server runs with fsync off (tests: a crash of the machine is not what
# they test). With it, PostgreSQL's defaults (benchmarks).
set -euo pipefail

durable=0
if [ "${1:-}" = --durable ]; then durable=1; shift; fi
[ $# -gt 0 ] || { echo "usage: $0 [--durable] COMMAND [ARGS...]" >&2; exit 2; }

pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "with-postgres: no PostgreSQL server found under /usr/lib/postgresql (run ./emsdk-setup.sh)" >&2
  exit 2
fi

dir="$(mktemp -d /tmp/linedesk-pg.XXXXXX)"
as=()
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  id -u "$owner" >/dev/null 2>&1 || owner=nobody
  chown "$owner" "$dir"
  as=(runuser -u "$owner" --)
fi

cleanup() {
  "${as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

"${as[@]}" "$pgbin/initdb" -D "$dir/data" -U linedesk --auth=trust -E UTF8 --no-locale \
  >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

settings=(-c listen_addresses=127.0.0.1 -c max_connections=300 -c unix_socket_directories="$dir")
if [ "$durable" -eq 0 ]; then
  settings+=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
fi

# A free port: the kernel's choice for a socket bound to port 0; retried if taken meanwhile.
started=0
for _ in 1 2 3 4 5; do
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  if "${as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port ${settings[*]}" start >/dev/null 2>&1; then
    started=1
    break
  fi
done
if [ "$started" -ne 1 ]; then
  echo "with-postgres: PostgreSQL did not start; its log:" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
fi

psql -q -h 127.0.0.1 -p "$port" -U linedesk -d postgres -c "CREATE DATABASE linedesk" >/dev/null

export LINEDESK_TEST_POSTGRES="postgresql://linedesk@127.0.0.1:$port/linedesk"
export LINEDESK_PG_DIR="$dir"
set +e
"$@"
status=$?
set -e
exit "$status"
