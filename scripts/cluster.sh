#!/usr/bin/env bash
# Starts LineDesk as a small cluster on this machine, on loopback only: a throwaway PostgreSQL
# server (scripts/with-postgres.sh), N linedesk-server processes sharing its database, and nginx
# in front of them on one port, round-robin. Prints the URL and how to sign in, then runs until
# Ctrl-C, which stops everything and removes the database and the cluster's folder.
#
#   scripts/cluster.sh [--servers N] [--port P] [--demo] [--migrate-from FILE.db] [--durable]
#                      [--log-requests] [-- SERVER-OPTIONS...]
#
#   --servers N          linedesk-server processes (default 3)
#   --port P             nginx's port on 127.0.0.1 (default 8080; when 8080 is taken, a free one)
#   --demo               seed the demo enterprise (one server does it; the others wait for it)
#   --migrate-from FILE  first copy this SQLite database (no server may be running on it) into
#                        the empty PostgreSQL database, checking every table's row count
#   --durable            PostgreSQL with fsync on (default off: the database is thrown away)
#   --log-requests       each server logs one line per request (in its log file)
#   -- ...               further options for every linedesk-server (see linedesk-server --help)
#
# DEPLOYMENT.md explains the pieces and shows the nginx configuration this script writes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="$root/build/server/linedesk-server"

usage() { sed -n '7,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

servers=3
port=""
demo=0
migrate_from=""
durable=0
log_requests=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --servers) [ $# -ge 2 ] || usage; servers="$2"; shift 2 ;;
    --port) [ $# -ge 2 ] || usage; port="$2"; shift 2 ;;
    --demo) demo=1; shift ;;
    --migrate-from) [ $# -ge 2 ] || usage; migrate_from="$2"; shift 2 ;;
    --durable) durable=1; shift ;;
    --log-requests) log_requests=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage 0 ;;
    *) echo "cluster: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$servers" in ''|*[!0-9]*) echo "cluster: --servers needs a number" >&2; exit 2 ;; esac
[ "$servers" -ge 1 ] && [ "$servers" -le 32 ] || { echo "cluster: --servers takes 1 to 32" >&2; exit 2; }
if [ -n "$port" ]; then
  case "$port" in ''|*[!0-9]*) echo "cluster: --port needs a number" >&2; exit 2 ;; esac
  [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || { echo "cluster: --port takes 1 to 65535" >&2; exit 2; }
fi
if [ -n "$migrate_from" ]; then
  [ -f "$migrate_from" ] || { echo "cluster: --migrate-from $migrate_from: no such file" >&2; exit 2; }
  migrate_from="$(cd "$(dirname "$migrate_from")" && pwd)/$(basename "$migrate_from")"
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port_is_free() {
  python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

# --- Outside: start PostgreSQL and run this script again beside it ------------------------------
if [ "${LINEDESK_CLUSTER_INSIDE:-}" != 1 ]; then
  [ -x "$bin" ] || "$root/scripts/build.sh"
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || {
    echo "cluster: nginx is not installed (run ./emsdk-setup.sh)" >&2; exit 2; }
  # The front door's port, chosen first: the servers' mail links point to it.
  if [ -z "$port" ]; then
    port=8080
    if ! port_is_free "$port"; then
      port="$(free_port)"
      echo "cluster: port 8080 is taken; nginx listens on $port instead."
    fi
  elif ! port_is_free "$port"; then
    echo "cluster: port $port on 127.0.0.1 is taken; choose another with --port." >&2
    exit 1
  fi
  export LINEDESK_CLUSTER_INSIDE=1
  pg_args=()
  [ "$durable" -eq 0 ] || pg_args+=(--durable)
  args=(--servers "$servers")
  args+=(--port "$port")
  [ "$demo" -eq 0 ] || args+=(--demo)
  [ -z "$migrate_from" ] || args+=(--migrate-from "$migrate_from")
  [ "$log_requests" -eq 0 ] || args+=(--log-requests)
  # with-postgres.sh stops and removes the database when this script's second run ends.
  exec "$here/with-postgres.sh" "${pg_args[@]}" "$here/cluster.sh" "${args[@]}" -- "${extra[@]}"
fi

# --- Inside: LINEDESK_TEST_POSTGRES names the database -----------------------------------------
db="${LINEDESK_TEST_POSTGRES:?cluster: LINEDESK_TEST_POSTGRES is not set}"
nginx_bin="$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)"
# Everything written from here on is private (logs and mail hold sign-in links)...
umask 077
dir="$(mktemp -d /tmp/linedesk-cluster.XXXXXX)"
# ...but started by root, nginx's workers run as "nobody" and must pass through this folder and
# nginx's to reach their temporary folders (request bodies and large answers are buffered there).
chmod 711 "$dir"
pids=()        # the servers'
nginx_pid=""
sleeper=""
stopping=0

# Stops whatever is still running: TERM first, KILL after ten seconds.
stop_all() {
  local p waited
  for p in "${pids[@]}" $nginx_pid; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}" $nginx_pid; do
    waited=0
    while kill -0 "$p" 2>/dev/null && [ "$waited" -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}
cleanup() {
  [ "$stopping" -eq 1 ] && return
  stopping=1
  trap '' INT TERM HUP
  [ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null || true
  stop_all
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'echo; echo "cluster: stopping..."; exit 130' INT TERM HUP

# Chosen before anything starts (again here: it may have been taken meanwhile).
if ! port_is_free "$port"; then
  echo "cluster: port $port on 127.0.0.1 was taken meanwhile; start again." >&2
  exit 1
fi
url="http://127.0.0.1:$port"

if [ -n "$migrate_from" ]; then
  echo "cluster: copying $migrate_from into PostgreSQL..."
  if ! "$bin" --db "$db" --data-dir "$dir/migrate" --migrate-from "$migrate_from"; then
    echo "cluster: the migration failed; nothing was started." >&2
    exit 1
  fi
  [ "$demo" -eq 0 ] || echo "cluster: --demo does nothing after a migration (the database is not empty)."
fi

# --- The servers ---------------------------------------------------------------------------
server_args=(--db "$db" --host 127.0.0.1 --port 0 --public-url "$url" --outbox "$dir/outbox"
  --trusted-proxy 127.0.0.1)
[ "$demo" -eq 0 ] || server_args+=(--demo)
[ "$log_requests" -eq 0 ] || server_args+=(--log-requests)
for i in $(seq 1 "$servers"); do
  mkdir -p "$dir/server$i"
  "$bin" "${server_args[@]}" --data-dir "$dir/server$i" --port-file "$dir/server$i/port" \
    "${extra[@]}" >"$dir/server$i/log" 2>&1 &
  pids+=($!)
done

# All listening (the first to start migrates the schema, creates the enterprise and seeds the
# demo; the others wait for it on the database's startup lock).
ports=()
echo "cluster: starting $servers servers..."
for i in $(seq 1 "$servers"); do
  waited=0
  while [ ! -s "$dir/server$i/port" ]; do
    if ! kill -0 "${pids[$((i - 1))]}" 2>/dev/null; then
      echo "cluster: server $i stopped while starting; its log:" >&2
      cat "$dir/server$i/log" >&2
      exit 1
    fi
    if [ "$waited" -ge 3000 ]; then
      echo "cluster: server $i did not start within 5 minutes; its log:" >&2
      cat "$dir/server$i/log" >&2
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  ports+=("$(tr -d '[:space:]' <"$dir/server$i/port")")
done

# --- nginx ---------------------------------------------------------------------------------
# Its own configuration, logs, pid file and temporary folders, all in the cluster's folder:
# nothing under /etc/nginx or /var is read or written, and it runs as any user.
ng="$dir/nginx"
mkdir -p "$ng"
chmod 711 "$ng"
{
  cat <<EOF
# Written by scripts/cluster.sh. The servers listen on 127.0.0.1 only; nginx is the front door.
daemon off;
pid $ng/nginx.pid;
error_log $ng/error.log warn;
worker_processes auto;
events { worker_connections 1024; }

http {
  access_log $ng/access.log;
  client_body_temp_path $ng/client_body;
  proxy_temp_path $ng/proxy;
  fastcgi_temp_path $ng/fastcgi;
  uwsgi_temp_path $ng/uwsgi;
  scgi_temp_path $ng/scgi;

  upstream linedesk {
    # Round-robin (nginx's default): sessions and everything else shared live in PostgreSQL,
    # so any server can answer any request.
EOF
  for p in "${ports[@]}"; do echo "    server 127.0.0.1:$p;"; done
  cat <<EOF
    # Idle connections kept open to the servers, closed before the servers' own 5 s keep-alive
    # limit, so nginx does not reuse one just as its server closes it.
    keepalive 32;
    keepalive_timeout 4s;
  }

  server {
    listen 127.0.0.1:$port;

    # The servers' own request limit (16 MiB). nginx refuses larger bodies itself, in the
    # servers' JSON form: a server refuses them before reading them and closes the connection,
    # which nginx, still sending the body, would take for a failed server (502).
    client_max_body_size 16m;
    error_page 413 @too_large;

    proxy_http_version 1.1;          # keep-alive to the servers...
    proxy_set_header Connection "";  # ...(nginx would send "Connection: close")
    proxy_set_header Host \$http_host;
    # The servers believe it from nginx (--trusted-proxy 127.0.0.1): sign-in limits and the
    # Admin Activity Report use the client's own address.
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
    proxy_connect_timeout 5s;
    proxy_send_timeout 60s;
    # The longest answer a server holds back is a long-poll pull (25 s): well below this.
    proxy_read_timeout 60s;

    location / {
      proxy_pass http://linedesk;
    }

    location @too_large {
      default_type "application/json; charset=utf-8";
      return 413 '{"error":{"code":"body_too_large","field":"","message":"The request body is larger than the server accepts (16 MiB)."}}';
    }

    # The console's long poll (POST /api/sync/pull?wait=25): passed on as soon as it is answered.
    location = /api/sync/pull {
      proxy_pass http://linedesk;
      proxy_buffering off;
    }
  }
}
EOF
} >"$ng/nginx.conf"

"$nginx_bin" -t -q -p "$ng" -e "$ng/error.log" -c "$ng/nginx.conf" || {
  echo "cluster: nginx refused the configuration $ng/nginx.conf" >&2; exit 1; }
"$nginx_bin" -p "$ng" -e "$ng/error.log" -c "$ng/nginx.conf" &
nginx_pid=$!
waited=0
until python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
    "$url/api/health" 2>/dev/null; do
  if ! kill -0 "$nginx_pid" 2>/dev/null || [ "$waited" -ge 100 ]; then
    echo "cluster: nginx did not start; its log:" >&2
    cat "$ng/error.log" >&2 || true
    exit 1
  fi
  sleep 0.1
  waited=$((waited + 1))
done

# --- Ready ---------------------------------------------------------------------------------
sign_in="$(grep -h '^Created the enterprise' "$dir"/server*/log | head -n 1 || true)"
[ -n "$sign_in" ] || sign_in="$(grep -h '^Sign in' "$dir/server1/log" | head -n 1 || true)"
echo
echo "LineDesk is running at $url/ (nginx in front of $servers servers, PostgreSQL behind them)"
[ -z "$sign_in" ] || echo "$sign_in"
[ -z "$migrate_from" ] || echo "The administrators and their passwords are those of $migrate_from."
echo
for i in $(seq 1 "$servers"); do
  echo "  server $i  127.0.0.1:${ports[$((i - 1))]}  log $dir/server$i/log"
done
echo "  nginx     $url  configuration $ng/nginx.conf, logs $ng/"
echo "  database  $db"
echo "  mail      $dir/outbox/ (every server writes there; use -- --smtp URL for a relay)"
echo
echo "Press Ctrl-C to stop everything; the database and $dir are then removed."

# Runs until Ctrl-C (or until nginx or every server has stopped). One server stopping is
# reported and the others carry on: nginx sends its requests to them.
declare -A reported=()
while :; do
  sleep 1 &
  sleeper=$!
  wait "$sleeper" || true
  alive=0
  for i in $(seq 1 "$servers"); do
    p="${pids[$((i - 1))]}"
    if kill -0 "$p" 2>/dev/null; then
      alive=$((alive + 1))
    elif [ -z "${reported[$i]:-}" ]; then
      reported[$i]=1
      status=0
      wait "$p" 2>/dev/null || status=$?
      echo "cluster: server $i stopped (exit status $status); the others carry on. Last lines of its log:"
      tail -n 5 "$dir/server$i/log" | sed 's/^/    /'
    fi
  done
  if [ "$alive" -eq 0 ]; then
    echo "cluster: every server has stopped." >&2
    exit 1
  fi
  if ! kill -0 "$PPID" 2>/dev/null; then
    echo "cluster: with-postgres.sh (PostgreSQL's keeper) has gone; stopping." >&2
    exit 1
  fi
  if ! kill -0 "$nginx_pid" 2>/dev/null; then
    echo "cluster: nginx stopped; its log:" >&2
    tail -n 20 "$ng/error.log" >&2 || true
    exit 1
  fi
done
