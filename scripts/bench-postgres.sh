#!/usr/bin/env bash
# Issue 10's benchmark: the same push workload (bench/load.cpp --mix push) against one server
# on SQLite, then 1, 2 and 3 server processes sharing one PostgreSQL database, and one server
# on PostgreSQL with synchronous_commit off (the durability of SQLite's synchronous=NORMAL).
# Prints one table: setup | commands/s | push p50 | push p99 | pushes | conflicts | errors | CPU
# seconds of the servers, PostgreSQL, the load clients and the rest of the machine during the
# run; then linedesk_load's own line for each setup (pull figures among others).
#
#   scripts/bench-postgres.sh [--seconds 60] [--clients 50] [--seed 1]
#
# Builds nothing: the binaries come from LINEDESK_SERVER and LINEDESK_LOAD (default
# build/server/linedesk-server and build/bench/linedesk_load). PostgreSQL is a throwaway
# cluster from scripts/with-postgres.sh --durable (fsync on); each setup starts on a new database
# (the demo is seeded by the first server of each setup) and every process is stopped at the
# end. Exits 1 if any setup had an error.
set -euo pipefail
# Paths given in the environment are from the caller's folder; the defaults from the project's.
server="${LINEDESK_SERVER:+$(realpath -m "$LINEDESK_SERVER")}"
load="${LINEDESK_LOAD:+$(realpath -m "$LINEDESK_LOAD")}"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
server="${server:-$root/build/server/linedesk-server}"
load="${load:-$root/build/bench/linedesk_load}"

seconds=60
clients=50
seed=1
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "usage: $0 [--seconds S] [--clients N] [--seed N]" >&2; exit 2 ;;
  esac
done

for bin in "$server" "$load"; do
  [ -x "$bin" ] || { echo "bench-postgres: $bin is missing (build it first, or set LINEDESK_SERVER / LINEDESK_LOAD)" >&2; exit 2; }
done

# The outer run: start the PostgreSQL cluster and run this script again inside it. The inner run
# is marked so that a LINEDESK_TEST_POSTGRES of the caller's own is never dropped below.
if [ -z "${LINEDESK_BENCH_PG_INNER:-}" ]; then
  pidfile="$(mktemp /tmp/linedesk-bench-pg.XXXXXX)"
  set +e
  LINEDESK_BENCH_PG_INNER=1 LINEDESK_BENCH_PG_PIDFILE="$pidfile" LINEDESK_SERVER="$server" \
    LINEDESK_LOAD="$load" scripts/with-postgres.sh --durable "$root/scripts/bench-postgres.sh" --seconds "$seconds" \
    --clients "$clients" --seed "$seed"
  status=$?
  set -e
  # with-postgres.sh stopped its cluster: check that its postmaster is gone (it may take a
  # moment to exit after pg_ctl returns).
  pg_pid="$(cat "$pidfile" 2>/dev/null || true)"
  rm -f "$pidfile"
  for _ in $(seq 1 100); do
    { [ -n "$pg_pid" ] && kill -0 "$pg_pid" 2>/dev/null; } || break
    sleep 0.1
  done
  if [ -n "$pg_pid" ] && kill -0 "$pg_pid" 2>/dev/null; then
    echo "bench-postgres: PostgreSQL (pid $pg_pid) is still running" >&2
    exit 1
  fi
  exit "$status"
fi

pg_url="$LINEDESK_TEST_POSTGRES"
hostport="${pg_url#postgresql://*@}"
hostport="${hostport%%/*}"
pg_host="${hostport%:*}"
pg_port="${hostport##*:}"
pg_pid="$(head -1 "$LINEDESK_PG_DIR/data/postmaster.pid")"
echo "$pg_pid" >"$LINEDESK_BENCH_PG_PIDFILE"
psql_admin() { psql -q -X -v ON_ERROR_STOP=1 -h "$pg_host" -p "$pg_port" -U linedesk -d postgres "$@" >/dev/null; }

work="$(mktemp -d /tmp/linedesk-bench.XXXXXX)"
pids=()
stop_servers() {
  local pid hung=0
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "bench-postgres: linedesk-server $pid did not stop within 30 s of SIGTERM; killed" >&2
      kill -KILL "$pid" 2>/dev/null || true
      hung=1
    fi
    wait "$pid" 2>/dev/null || true
  done
  pids=()
  [ "$hung" -eq 0 ] || failed=1
}
failed=0
trap 'stop_servers; rm -rf "$work"' EXIT

# Starts a server on DB (a file or a URL) in folder DIR; waits until it listens (the first one
# of a database seeds the demo first). Adds its URL to `urls`.
urls=()
start_server() {
  local db="$1" dir="$2"
  mkdir -p "$dir"
  "$server" --db "$db" --port 0 --port-file "$dir/port" --data-dir "$dir" --demo \
    --admin-email load@linedesk.test --admin-password "Load test password 2026" \
    >"$dir/server.log" 2>&1 &
  pids+=($!)
  local pid=$!
  for _ in $(seq 1 1200); do
    if [ -s "$dir/port" ]; then urls+=("http://127.0.0.1:$(cat "$dir/port")"); return 0; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench-postgres: the server in $dir did not start; its log:" >&2
  cat "$dir/server.log" >&2
  return 1
}

fresh_postgres() {  # a new, empty database for each setup
  psql_admin -c "DROP DATABASE IF EXISTS linedesk WITH (FORCE)" -c "CREATE DATABASE linedesk"
}

# CPU seconds (user + system) the given processes have used so far.
clk="$(getconf CLK_TCK)"
cpu_of() {
  local total=0 pid t
  for pid in "$@"; do
    t="$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || echo 0)"
    total=$((total + t))
  done
  awk -v t="$total" -v c="$clk" 'BEGIN { printf "%.1f", t / c }'
}
# CPU seconds the whole machine has been busy (every core: user, nice, system, irq, softirq,
# steal), to see what else ran meanwhile.
machine_cpu() {
  awk -v c="$clk" '$1 == "cpu" { printf "%.1f", ($2 + $3 + $4 + $7 + $8 + $9) / c }' /proc/stat
}
# PostgreSQL: the postmaster and its children (one backend per server connection, the writers).
postgres_pids() { echo "$pg_pid" $(pgrep -P "$pg_pid" || true); }

results="$work/results"
: >"$results"
# Runs the workload against the servers started for setup NAME; one JSON line to $results.
measure() {
  local name="$1"; shift
  local args=()
  for url in "$@"; do args+=(--server "$url"); done
  echo "== $name: $# server(s), $clients clients, $seconds s, seed $seed" >&2
  local servers_cpu0 postgres_cpu0 machine_cpu0
  machine_cpu0="$(machine_cpu)"
  servers_cpu0="$(cpu_of "${pids[@]}")"
  postgres_cpu0="$(cpu_of $(postgres_pids))"
  set +e
  "$load" --mix push --clients "$clients" --seconds "$seconds" --seed "$seed" "${args[@]}" \
    >"$work/out.json" 2>"$work/out.err"
  local rc=$?
  set -e
  local servers_cpu postgres_cpu machine_cpu
  machine_cpu="$(awk -v a="$machine_cpu0" -v b="$(machine_cpu)" 'BEGIN { printf "%.1f", b - a }')"
  servers_cpu="$(awk -v a="$servers_cpu0" -v b="$(cpu_of "${pids[@]}")" 'BEGIN { printf "%.1f", b - a }')"
  postgres_cpu="$(awk -v a="$postgres_cpu0" -v b="$(cpu_of $(postgres_pids))" 'BEGIN { printf "%.1f", b - a }')"
  if [ ! -s "$work/out.json" ]; then echo '{}' >"$work/out.json"; fi
  cat "$work/out.err" >&2
  if [ "$rc" -ne 0 ]; then
    failed=1
    echo "bench-postgres: $name: linedesk_load exited with $rc; the servers' logs:" >&2
    for log in "$work/$name"/*/server.log; do echo "--- $log" >&2; tail -20 "$log" >&2; done
  else
    # Whatever a server complained of, even when every request succeeded.
    grep -H "^linedesk-server:" "$work/$name"/*/server.log >&2 || true
  fi
  SETUP="$name" RC="$rc" SERVERS_CPU="$servers_cpu" POSTGRES_CPU="$postgres_cpu" \
    MACHINE_CPU="$machine_cpu" python3 -c '
import json, os, sys
r = json.loads(open(sys.argv[1]).read() or "{}")
r["setup"] = os.environ["SETUP"]; r["rc"] = int(os.environ["RC"])
r["servers_cpu_s"] = float(os.environ["SERVERS_CPU"]); r["postgres_cpu_s"] = float(os.environ["POSTGRES_CPU"])
r["machine_cpu_s"] = float(os.environ["MACHINE_CPU"])
print(json.dumps(r))' "$work/out.json" >>"$results"
  stop_servers
  urls=()
}

# (a) One server on SQLite (a file in the temp folder, beside PostgreSQL's cluster).
start_server "$work/sqlite/s1/load.db" "$work/sqlite/s1"
measure sqlite "${urls[@]}"

# (b-d) 1, 2 and 3 servers on one PostgreSQL database: the first seeds the demo and is waited
# for, then the others start (they find the enterprise there).
for n in 1 2 3; do
  fresh_postgres
  for i in $(seq 1 "$n"); do start_server "$pg_url" "$work/postgres-$n/s$i"; done
  measure "postgres-$n" "${urls[@]}"
done

# (e) One server on PostgreSQL without waiting for the WAL flush at commit, as SQLite's
# synchronous=NORMAL does not sync its WAL at commit either: a crash may lose the last commits,
# never consistency.
fresh_postgres
psql_admin -c "ALTER DATABASE linedesk SET synchronous_commit = off"
start_server "$pg_url" "$work/postgres-1-async/s1"
measure postgres-1-async "${urls[@]}"

echo
python3 - "$results" "$clients" "$seconds" <<'PY'
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
labels = {
    "sqlite": "1 server, SQLite (synchronous=NORMAL)",
    "postgres-1": "1 server, PostgreSQL",
    "postgres-2": "2 servers, one PostgreSQL",
    "postgres-3": "3 servers, one PostgreSQL",
    "postgres-1-async": "1 server, PostgreSQL, synchronous_commit=off",
}
print(f"push workload: {sys.argv[2]} clients, {sys.argv[3]} s per setup; CPU s: used during the run "
      f"(other: the rest of the machine, {os.cpu_count()} cores)")
head = ["setup", "commands/s", "push p50 ms", "push p99 ms", "pushes", "conflicts", "errors",
        "CPU s: servers", "postgres", "clients", "other"]
widths = [max(11, len(h)) for h in head[1:]]
print(f"{head[0]:<46} " + " ".join(f"{h:>{w}}" for h, w in zip(head[1:], widths)))
for r in rows:
    p = r.get("push", {})
    errors = r.get("errors", "-")
    if r["rc"] != 0 and not errors:
        errors = f"exit {r['rc']}"
    cells = [r.get("commands_per_s", "-"), f"{p.get('p50_ms', float('nan')):.1f}",
             f"{p.get('p99_ms', float('nan')):.1f}", p.get("n", "-"), r.get("conflicts", "-"), errors,
             r["servers_cpu_s"], r["postgres_cpu_s"], r.get("client_cpu_s", "-"),
             f'{r["machine_cpu_s"] - r["servers_cpu_s"] - r["postgres_cpu_s"] - r.get("client_cpu_s", 0):.1f}']
    print(f"{labels.get(r['setup'], r['setup']):<46} " + " ".join(f"{str(c):>{w}}" for c, w in zip(cells, widths)))
print()
print("linedesk_load's lines (pull figures, totals), one per setup:")
for r in rows:
    print(json.dumps(r, separators=(",", ":")))
PY
exit "$failed"
