#!/usr/bin/env bash
# perf/relay/memory-per-call.sh [N ...] - the relay's memory per call: RelayBench with each N calls,
# 5 s of the reference generator's SRTP through every call (so every leg has its SSRC contexts),
# a full GC, then live heap (jcmd GC.heap_info), RSS (/proc) and NMT's committed total.
# Needs `perf/relay/bench.sh setup` first (the generator in $BENCH_DIR, the classpath). Compare two
# N (e.g. 1 and 1000): the difference over N-1 is the cost of one call. Loopback only, bounded.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/rbench}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
GEN=$BENCH_DIR/rtpengine/gen
[ -x "$GEN" ] || { echo "no $GEN: run perf/relay/bench.sh setup" >&2; exit 2; }
(cd "$REPO" && ./mvnw -B -o -q -pl media-relay -am test-compile \
   && ./mvnw -B -o -q -pl media-relay dependency:build-classpath -Dmdep.outputFile="$BENCH_DIR/cp.txt") >&2
CP="$REPO/media-relay/target/test-classes:$REPO/media-relay/target/classes:$(cat "$BENCH_DIR/cp.txt")"
ulimit -n 20000 2>/dev/null || true
[ $# -gt 0 ] || set -- 1 1000
for N in "$@"; do
  dir=$(mktemp -d)
  mkfifo "$dir/stdin"
  ( sleep 600 > "$dir/stdin" ) & HOLD=$!            # RelayBench runs until its stdin closes
  "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
     -Xms64m -Xmx512m -XX:NativeMemoryTracking=summary -cp "$CP" io.voxgate.media.perf.RelayBench \
     --calls "$N" --threads 2 --port-min 36000 --port-max 45999 --csv "$dir/sessions.csv" \
     < "$dir/stdin" > "$dir/relay.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do [ -s "$dir/sessions.csv" ] && break; sleep 0.3; done
  sleep 1
  "$GEN" --sessions "$dir/sessions.csv" --duration 5 --warmup 0 --drain 0.5 --label mem > "$dir/gen.json" 2>/dev/null || true
  "$JAVA_HOME/bin/jcmd" "$PID" GC.run > /dev/null
  sleep 1
  heap=$("$JAVA_HOME/bin/jcmd" "$PID" GC.heap_info | grep -o "used [0-9]*K" | head -1)
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
  nmt=$("$JAVA_HOME/bin/jcmd" "$PID" VM.native_memory summary | grep -m1 "Total:" | tr -s ' ')
  received=$(python3 -c "import json,sys; r=json.load(open('$dir/gen.json')); print(r.get('received'), 'received,', r.get('auth_fail'), 'auth failures')" 2>/dev/null || echo "gen: no result")
  echo "calls=$N heap_${heap// /=} rss_kb=$rss nmt:${nmt} gen: $received"
  kill "$PID"; kill "$HOLD" 2>/dev/null || true; wait "$PID" 2>/dev/null || true
  rm -rf "$dir"
done
