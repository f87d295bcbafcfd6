#!/usr/bin/env bash
# Voxgate side of the side-by-side SIP benchmark: the reference harness in
# ../shared/bench/kamailio (its sipp, scenarios and pass rule) pointed at a Voxgate built from a
# commit. Run Kamailio with the same harness in the same session (the harness's run.sh
# kam-start / ramp / kam-stop); both listen on 127.0.0.1:5061, so one at a time.
#
#   perf/sipp/bench.sh setup              copy the harness to $KBENCH and build sipp + Kamailio (minutes)
#   perf/sipp/bench.sh start [COMMIT]     build COMMIT (default HEAD) from git archive, start it, add the users
#   perf/sipp/bench.sh run ARGS...        run.sh ARGS against the running Voxgate (reg, ramp, call, conns)
#   perf/sipp/bench.sh stop               SIGTERM (the embedded PostgreSQL stops with it)
#
# Users: callers 100000..109999 and callees 200000..200099, password "secret", domain "localhost"
# (the harness's USER_PREFIX=10 / CALLEE_PREFIX=20 with %04d). Loopback only; every sipp run is
# bounded by -m and -timeout (the harness sets them).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
KBENCH="${KBENCH:-/tmp/kbench}"
VBENCH="${VBENCH:-/tmp/vbench}"
harness="$KBENCH/kamailio"

die() { echo "bench: $*" >&2; exit 1; }

voxgate_pid() { pgrep -f "$VBENCH/build/server/target/voxgate.jar run" || true; }

target_env() {
  local jp pm
  jp="$(voxgate_pid)"; [[ -n "$jp" ]] || die "Voxgate is not running (bench.sh start)"
  pm="$(head -1 "$VBENCH/run/data/postgres/data/postmaster.pid")"
  export TARGET_HOST=127.0.0.1 TARGET_PORT=5061 DOMAIN=localhost PASSWORD=secret
  export USER_PREFIX=10 NUSERS=10000 CALLEE_PREFIX=20 NCALLEES=100 OUTDIR="${OUTDIR:-$KBENCH/results-vox}"
  # CPU is summed over the JVM, the postmaster and its backends (taken when each step starts)
  TARGET_PID="$jp $pm $(pgrep -P "$pm" | tr '\n' ' ')"
  export TARGET_PID
}

cmd_setup() {
  if [[ ! -x "$harness/run.sh" ]]; then
    mkdir -p "$KBENCH" && cp -r "$repo/../shared/bench/kamailio" "$KBENCH/" && chmod -R u+w "$KBENCH"
  fi
  "$harness/run.sh" setup
}

cmd_start() {
  local commit="${1:-HEAD}"
  [[ -x "$harness/run.sh" ]] || die "no harness in $KBENCH (bench.sh setup)"
  [[ -z "$(voxgate_pid)" ]] || die "a benchmark Voxgate is already running (bench.sh stop)"
  ss -ltn | grep -q '127.0.0.1:5061 \|\*:5061 ' && die "port 5061 is busy: stop Kamailio first ($harness/run.sh kam-stop)"
  rm -rf "$VBENCH/build" && mkdir -p "$VBENCH/build" "$VBENCH/run"
  git -C "$repo" archive "$commit" | tar -x -C "$VBENCH/build"
  echo "bench: building $(git -C "$repo" rev-parse --short "$commit")"
  (cd "$VBENCH/build" && JAVA_HOME="$("$repo/bin/find-jdk25")" MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow \
     ./mvnw -q -o -DskipTests package)
  cat > "$VBENCH/run/voxgate.yml" <<YML
sip:
  listen-address: 127.0.0.1
${BENCH_SIP_EXTRA:-}
admin:
  listen-address: 127.0.0.1
  https-port: 18443
provisioning:
  listen-address: 127.0.0.1
media:
  listen-address: 127.0.0.1
YML
  start_switch
  add_users
  cmd_stop >/dev/null
  start_switch # again, so the users are preloaded into the account caches as at any start
  echo "bench: Voxgate pid $(voxgate_pid), $(grep -o 'SIP accounts cached: [0-9]* credentials' "$VBENCH/run/run.err")"
}

start_switch() {
  rm -f "$VBENCH/run/run.err"
  # detached: the switch must not hold this script's stdout (a caller piping it would wait forever)
  (cd "$VBENCH/run" && exec nohup "$VBENCH/build/voxgate" run >run.out 2>run.err </dev/null) >/dev/null 2>&1 &
  for _ in $(seq 1 90); do grep -q "Voxgate started" "$VBENCH/run/run.err" 2>/dev/null && break; sleep 1; done
  grep -q "Voxgate started" "$VBENCH/run/run.err" || die "Voxgate did not start: $(tail -3 "$VBENCH/run/run.err")"
}

add_users() {
  local port password
  port="$(sed -n 4p "$VBENCH/run/data/postgres/data/postmaster.pid")"
  password="$(cat "$VBENCH/run/data/secrets/embedded-postgres-voxgate.password")"
  PGPASSWORD="$password" psql -q -h 127.0.0.1 -p "$port" -U voxgate -d voxgate -v ON_ERROR_STOP=1 <<'SQL'
BEGIN;
WITH u AS (INSERT INTO tenant_demo.users(extension, display_name)
           SELECT e::text, 'bench' FROM (SELECT 100000 + g AS e FROM generate_series(0, 9999) g
                                         UNION ALL SELECT 200000 + g FROM generate_series(0, 99) g) x
           ON CONFLICT DO NOTHING RETURNING id, extension)
INSERT INTO tenant_demo.sip_credentials(user_id, username, realm, ha1_md5, ha1_sha256)
SELECT id, extension, 'localhost', md5(extension || ':localhost:secret'),
       encode(sha256(convert_to(extension || ':localhost:secret', 'UTF8')), 'hex') FROM u;
COMMIT;
SQL
}

cmd_run() {
  target_env
  (cd "$harness" && ./run.sh "$@")
}

cmd_stop() {
  local pids p; pids="$(voxgate_pid)"
  [[ -n "$pids" ]] || { echo "bench: no benchmark Voxgate running"; return 0; }
  for p in $pids; do kill -TERM "$p"; done
  for _ in $(seq 1 30); do [[ -z "$(voxgate_pid)" ]] && { echo "bench: stopped"; return 0; }; sleep 1; done
  die "Voxgate ($pids) still runs 30 s after SIGTERM"
}

case "${1:-}" in
  setup) cmd_setup ;;
  start) shift; cmd_start "$@" ;;
  run) shift; cmd_run "$@" ;;
  stop) cmd_stop ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
