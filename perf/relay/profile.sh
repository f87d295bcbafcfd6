#!/usr/bin/env bash
# perf/relay/profile.sh N [SECONDS] - RelayBench with N calls under the reference gen, then `perf record -g`
# of the relay JVM (JIT symbols from jcmd Compiler.perfmap) and a syscall summary (perf trace -s).
# Needs perf/relay/bench.sh setup first. Output in $BENCH_DIR/profile-N/.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/rbench}; N=${1:-500}; S=${2:-10}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
P=$BENCH_DIR/profile-$N; mkdir -p "$P"; rm -f "$P/s.csv"
CP="$REPO/media-relay/target/test-classes:$REPO/media-relay/target/classes:$(cat "$BENCH_DIR/cp.txt")"
ulimit -n 20000
mkfifo "$P/in" 2>/dev/null || true
"$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -XX:+PreserveFramePointer \
  ${JVM_OPTS:-} -cp "$CP" io.voxgate.media.perf.RelayBench --calls "$N" --csv "$P/s.csv" < "$P/in" > "$P/relay.log" 2>&1 &
JP=$!; exec 3>"$P/in"
trap 'kill -TERM $JP 2>/dev/null || true; exec 3>&-' EXIT
for _ in $(seq 600); do [ -f "$P/s.csv" ] && break; sleep 0.2; done
G=$BENCH_DIR/rtpengine/gen
"$G" --sessions "$P/s.csv" --duration 10 --warmup 0 --drain 0.5 --label warm > /dev/null
"$G" --sessions "$P/s.csv" --duration $((S + 8)) --warmup 2 --watch-pid $JP --label prof > "$P/gen.json" &
GP=$!
sleep 3
perf record -F 499 -g -p $JP -o "$P/perf.data" -- sleep "$S" > /dev/null 2>&1
perf trace -s -p $JP -o "$P/trace.txt" -- sleep 3 > /dev/null 2>&1 || true
"$JAVA_HOME/bin/jcmd" $JP Compiler.perfmap > /dev/null
wait $GP
cat "$P/gen.json"
perf report -i "$P/perf.data" --no-children --sort dso,sym --stdio 2>/dev/null | grep -v '^$' | grep -E '^ +[0-9]' | head -45 > "$P/top-self.txt"
perf report -i "$P/perf.data" --children --sort sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -60 > "$P/top-children.txt"
echo "profile in $P (top-self.txt, top-children.txt, trace.txt)"
