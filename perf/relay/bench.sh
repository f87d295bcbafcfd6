#!/usr/bin/env bash
# perf/relay/bench.sh - Voxgate's SRTP relay against the reference rtpengine run, same generator
# (shared/bench/rtpengine/gen), same window, same pass rule, back to back in one session.
#
#   perf/relay/bench.sh setup                  # copy the reference harness to $BENCH_DIR, run its setup.sh
#                                              # (rtpengine, libsrtp2+OpenSSL, gen), build media-relay test classes
#   perf/relay/bench.sh rtpengine [STEPS]      # reference: its bench.py, srtp unpinned, 2 threads
#   perf/relay/bench.sh voxgate   [STEPS]      # Voxgate: vbench.py (RelayBench + the same gen)
#   perf/relay/bench.sh both      [STEPS]      # rtpengine ramp then Voxgate ramp
#   perf/relay/bench.sh summary                # tables, max passing N, ratios
#
# STEPS is comma-separated (default 100,250,500,1000,1500). Env: DURATION (20 s, as the reference),
# THREADS (2), BENCH_DIR (/tmp/rbench), OUT (results dir, $BENCH_DIR/results), JVM_OPTS (extra JVM
# flags for RelayBench), PROFILE=jfr (JFR of each measured window), LABEL, B_SUITE.
# Only 127.0.0.0/8 is used; every step is bounded in time. Nothing here is committed from the harness.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/rbench}
H=$BENCH_DIR/rtpengine
OUT=${OUT:-$BENCH_DIR/results}
DURATION=${DURATION:-20}
THREADS=${THREADS:-2}
STEPS=${2:-${STEPS:-100,250,500,1000,1500}}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}
Q="--quiet-pct ${QUIET_PCT:-30} --quiet-samples ${QUIET_SAMPLES:-2} --quiet-wait ${QUIET_WAIT:-300}"
ulimit -n 20000 2>/dev/null || true

build() {
  (cd "$REPO" && ./mvnw -B -o -q -pl media-relay -am test-compile \
     && ./mvnw -B -o -q -pl media-relay dependency:build-classpath -Dmdep.outputFile="$BENCH_DIR/cp.txt") >&2
  echo "$REPO/media-relay/target/test-classes:$REPO/media-relay/target/classes:$(cat "$BENCH_DIR/cp.txt")"
}

machine() {
  { date -u +%FT%TZ; echo "nproc $(nproc)"; uname -r; grep -m1 'model name' /proc/cpuinfo;
    rtpengine --version 2>&1 | head -1; "$H/gen" --version; "$JAVA_HOME/bin/java" -version 2>&1 | head -1;
    (cd "$REPO" && git rev-parse --short HEAD && git status --porcelain media-relay | head); } > "$OUT/env-$(date +%H%M%S).txt"
}

case "${1:-}" in
  setup)
    mkdir -p "$BENCH_DIR"
    if [ ! -x "$H/gen" ]; then
      rm -rf "$H"; cp -r "$REPO/../shared/bench/rtpengine" "$H" 2>/dev/null || cp -r /work/shared/bench/rtpengine "$H"
      chmod -R u+w "$H"
      bash "$H/setup.sh"
    fi
    build >/dev/null
    echo "ready: $H/gen, classpath in $BENCH_DIR/cp.txt"
    ;;
  rtpengine)
    mkdir -p "$OUT"; machine
    (cd "$H" && python3 bench.py --mode srtp --calls "$STEPS" --duration "$DURATION" --threads "$THREADS" \
       --out "$OUT/rtpengine.jsonl" $Q)
    ;;
  voxgate)
    mkdir -p "$OUT"; CP=$(build); machine
    python3 "$HERE/vbench.py" --gen "$H/gen" --java "$JAVA_HOME/bin/java" --cp "$CP" --calls "$STEPS" \
      --duration "$DURATION" --threads "$THREADS" --out "$OUT/voxgate.jsonl" --logs "$OUT/logs" \
      --jvm-opts="${JVM_OPTS:-}" --profile="${PROFILE:-}" ${LABEL:+--label "$LABEL"} ${B_SUITE:+--b-suite "$B_SUITE"} $Q
    ;;
  both)
    "$0" rtpengine "$STEPS"
    "$0" voxgate "$STEPS"
    "$0" summary
    ;;
  summary)
    python3 "$HERE/summary.py" $(ls "$OUT"/rtpengine.jsonl "$OUT"/voxgate*.jsonl 2>/dev/null)
    ;;
  *) sed -n 2,16p "$0"; exit 2 ;;
esac
