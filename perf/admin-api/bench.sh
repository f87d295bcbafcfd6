#!/usr/bin/env bash
# Admin API load: authenticated reads over TLS at a fixed rate with h2load (Debian nghttp2-client),
# and how long a dial-plan change takes to reach the running switch.
#   perf/admin-api/bench.sh start [commit]     builds the commit into /tmp/abench, starts it, logs an admin in
#   perf/admin-api/bench.sh run RATE [SECONDS] h2load at RATE requests/s over 10 connections (default 30 s)
#   perf/admin-api/bench.sh propagation [N]    N dial-plan changes: time until the switch's cache has each
#   perf/admin-api/bench.sh stop
# Loopback only; every run is bounded by its duration.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
ABENCH="${ABENCH:-/tmp/abench}"
PORT=18443
H="https://127.0.0.1:$PORT"
die() { echo "bench: $*" >&2; exit 1; }
voxgate_pid() { pgrep -f "java .*$ABENCH/build/server/target/voxgate.jar" | head -1 || true; }
cli() { (cd "$ABENCH/run" && "$ABENCH/build/voxgate" "$@"); }
token() { cat "$ABENCH/run/token"; }

cmd_start() {
  local commit="${1:-HEAD}"
  command -v h2load >/dev/null || die "no h2load: apt-get install nghttp2-client"
  [[ -z "$(voxgate_pid)" ]] || die "a benchmark Voxgate is already running (bench.sh stop)"
  rm -rf "$ABENCH" && mkdir -p "$ABENCH/build" "$ABENCH/run"
  git -C "$repo" archive "$commit" | tar -x -C "$ABENCH/build"
  echo "bench: building $(git -C "$repo" rev-parse --short "$commit")"
  (cd "$ABENCH/build" && JAVA_HOME="$("$repo/bin/find-jdk25")" MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow \
     ./mvnw -q -o -DskipTests package)
  # The per-token abuse limit (600/min) would turn a 500/s run from one token into 429s: raised
  # here, because the load stands for many admins and apps, each well under their own limit.
  cat > "$ABENCH/run/voxgate.yml" <<YML
sip:
  listen-address: 127.0.0.1
  tls-port: 15061
admin:
  listen-address: 127.0.0.1
  https-port: $PORT
  requests-per-minute-per-token: 1000000
provisioning:
  enabled: false
media:
  listen-address: 127.0.0.1
YML
  (cd "$ABENCH/run" && exec nohup "$ABENCH/build/voxgate" run >run.out 2>run.err </dev/null) >/dev/null 2>&1 &
  for _ in $(seq 1 90); do grep -q "Voxgate started" "$ABENCH/run/run.err" 2>/dev/null && break; sleep 1; done
  grep -q "Voxgate started" "$ABENCH/run/run.err" || die "Voxgate did not start: $(tail -3 "$ABENCH/run/run.err")"
  create_admin
  for i in $(seq 100 199); do # a page of users to list, as a small office has
    api POST /api/v1/tenants/demo/users "{\"extension\":\"5$i\",\"displayName\":\"Bench $i\"}" | grep -q '"extension"' \
      || die "cannot add user 5$i"
  done
  echo "bench: Voxgate pid $(voxgate_pid), admin logged in, 100 users added"
}

# An admin made by the CLI, TOTP enrolled and confirmed as an authenticator app would; its
# password and otpauth URI are kept in the run directory for later logins.
create_admin() {
  local out enrol
  out="$(cli admins add --email bench@demo.example --role tenant-admin --tenant demo)"
  sed -n 's/.*(shown once): \([^ ]*\).*/\1/p' <<<"$out" > "$ABENCH/run/admin-password"
  enrol="$(api POST /api/v1/auth/login "{\"email\":\"bench@demo.example\",\"password\":\"$(cat "$ABENCH/run/admin-password")\"}" \
    | field enrolmentToken)" # a 401 that carries the enrolment token
  api POST /api/v1/auth/totp/enrol "{\"enrolmentToken\":\"$enrol\"}" | field otpauthUri > "$ABENCH/run/otpauth-uri"
  api POST /api/v1/auth/totp/confirm "{\"enrolmentToken\":\"$enrol\",\"code\":\"$(totp)\"}" | field accessToken > "$ABENCH/run/token"
}

# A fresh 15-minute access token; a code is accepted once, so a second login in the same 30 s step waits for the next.
login() {
  local answer
  for _ in 1 2; do
    answer="$(api POST /api/v1/auth/login "{\"email\":\"bench@demo.example\",\"password\":\"$(cat "$ABENCH/run/admin-password")\",\"totp\":\"$(totp)\"}")"
    if grep -q accessToken <<<"$answer"; then field accessToken <<<"$answer" > "$ABENCH/run/token"; return; fi
    sleep $(( 31 - $(date +%s) % 30 ))
  done
  die "cannot log in: $answer"
}

api() { # METHOD PATH [JSON]
  local args=(-s --cacert "$ABENCH/run/data/pki/root-ca.pem" -X "$1" "$H$2" -H 'Content-Type: application/json')
  [[ -n "${3:-}" ]] && args+=(-d "$3")
  [[ -s "$ABENCH/run/token" && "$2" != /api/v1/auth/* ]] && args+=(-H "Authorization: Bearer $(token)")
  curl "${args[@]}"
}

field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

totp() {
  python3 - "$(cat "$ABENCH/run/otpauth-uri")" <<'PY'
import base64, hashlib, hmac, re, struct, sys, time
secret = re.search(r"secret=([A-Z2-7]+)", sys.argv[1]).group(1)
key = base64.b32decode(secret + "=" * (-len(secret) % 8))
h = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = h[19] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000))
PY
}

cpu_ticks() { # utime+stime of the JVM and the embedded PostgreSQL with its backends
  local pm total=0 pid
  pm="$(head -1 "$ABENCH/run/data/postgres/data/postmaster.pid")"
  for pid in "$(voxgate_pid)" "$pm" $(pgrep -P "$pm"); do
    [[ -r /proc/$pid/stat ]] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}

cmd_run() {
  local rate="$1" seconds="${2:-30}" clients=10 log="$ABENCH/run/h2load-$1.log" before after
  [[ -n "$(voxgate_pid)" ]] || die "Voxgate is not running (bench.sh start)"
  login # a fresh 15-minute token
  # READS (paths, space-separated) replaces the default mix, e.g. READS=/api/v1/me for one endpoint alone
  local reads="${READS:-/api/v1/me /api/v1/tenants/demo/users?limit=50 /api/v1/tenants/demo/users/1001 /api/v1/tenants/demo/devices /api/v1/tenants/demo/dial-plans/tenant}"
  printf "$H%s\n" $reads > "$ABENCH/run/uris"
  rm -f "$log"
  before="$(cpu_ticks)"
  h2load --h1 -c "$clients" --rps "$(( (rate + clients - 1) / clients ))" -D "$seconds" --warm-up-time 2 \
    -H "Authorization: Bearer $(token)" -i "$ABENCH/run/uris" --log-file "$log" > "$ABENCH/run/h2load-$rate.out"
  after="$(cpu_ticks)"
  # the log: start (µs since epoch), status, duration (µs) per request
  python3 - "$log" "$rate" "$seconds" "$(( after - before ))" "$(getconf CLK_TCK)" "$ABENCH/run/h2load-$rate.out" <<'PY'
import sys
log, rate, seconds, ticks, hz, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
rows = [line.split() for line in open(log) if line.strip()]
durations = sorted(int(r[2]) / 1000 for r in rows)
statuses = {}
for r in rows:
    statuses[r[1]] = statuses.get(r[1], 0) + 1
def pct(p):
    return durations[min(len(durations) - 1, int(p / 100 * len(durations)))]
print(f"offered {rate}/s for {seconds} s: {len(rows)} requests ({len(rows) / seconds:.0f}/s), statuses {statuses}, "
      f"p50 {pct(50):.1f} ms, p95 {pct(95):.1f} ms, p99 {pct(99):.1f} ms, max {durations[-1]:.1f} ms, "
      f"server CPU {100 * ticks / hz / seconds:.0f} % of one core")
PY
}

# How long a dial-plan change through the API takes to be in the running switch's calling-rules
# cache: the switch's /metrics counts each change it applied (voxgate_config_changes_total{table="dial_plans"}).
cmd_propagation() {
  local n="${1:-20}" i
  [[ -n "$(voxgate_pid)" ]] || die "Voxgate is not running (bench.sh start)"
  login
  python3 - "$n" "$H" "$(token)" "$ABENCH/run/data/pki/root-ca.pem" <<'PY'
import json, re, ssl, sys, time, urllib.request
n, base, token, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
tls = ssl.create_default_context(cafile=ca)
def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    return urllib.request.urlopen(req, context=tls).read().decode()
def applied():
    m = re.search(r'voxgate_config_changes_total\{[^}]*table="dial_plans"[^}]*\} ([0-9.]+)', call("GET", "/metrics"))
    return float(m.group(1)) if m else 0.0
took = []
for i in range(n):
    seen = applied()
    start = time.monotonic()
    call("PUT", "/api/v1/tenants/demo/dial-plans/role:reports-viewer", {"international": i % 2 == 0})
    while applied() <= seen:
        if time.monotonic() - start > 5:
            sys.exit("bench: a dial-plan change did not reach the switch within 5 s")
        time.sleep(0.002)
    took.append((time.monotonic() - start) * 1000)
took.sort()
print(f"{n} dial-plan changes: API answer to applied in the switch p50 {took[n // 2]:.0f} ms, max {took[-1]:.0f} ms")
PY
}

cmd_stop() {
  local pid; pid="$(voxgate_pid)"
  [[ -n "$pid" ]] && kill "$pid" && while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  echo "bench: stopped"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  run) shift; cmd_run "$@" ;;
  propagation) shift; cmd_propagation "$@" ;;
  stop) cmd_stop ;;
  *) sed -n '2,8p' "$0"; exit 2 ;;
esac
