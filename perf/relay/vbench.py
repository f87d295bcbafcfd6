#!/usr/bin/env python3
"""
vbench.py - Voxgate SRTP relay ramp with the reference generator (shared/bench/rtpengine/gen).

For every step N: start RelayBench (MediaRelay in-process, N calls set up through RelayControl,
sessions CSV written), warm the JVM up with one unmeasured gen run, wait (bounded) for a quiet
machine, run gen for the measured window (same arguments as the reference bench.py: --duration,
--warmup, --watch-pid), record gen's JSON plus the relay's CPU from /proc/<pid>/stat over the whole
gen run, RSS, fds, threads and foreign CPU; stop RelayBench by PID; append one JSON line.
Pass rule as the reference: loss < 0.1 %, no auth/misrouted/other failures, >= 99 % of the target offered.
Only 127.0.0.0/8 is used; every step is bounded in time.
"""
import argparse, json, os, signal, subprocess, sys, tempfile, time

HZ = os.sysconf("SC_CLK_TCK")


def proc_ticks():
    out = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                s = f.read()
            r = s.rsplit(")", 1)[1].split()
            out[int(p)] = (int(r[11]) + int(r[12]), s[s.index("(") + 1:s.rindex(")")])
        except Exception:
            pass
    return out


def pid_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        r = f.read().rsplit(")", 1)[1].split()
    return int(r[11]) + int(r[12])


def pid_rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for ln in f:
            if ln.startswith("VmRSS:"):
                return int(ln.split()[1])
    return -1


def sys_busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    tot = sum(v)
    return tot - v[3] - v[4], tot


def busy_pct(interval=1.0):
    b0, t0 = sys_busy(); time.sleep(interval); b1, t1 = sys_busy()
    return 100.0 * (b1 - b0) / max(1, t1 - t0) * os.cpu_count()


def wait_quiet(limit_pct, max_wait, log, samples=2):
    t_end = time.time() + max_wait
    ok = 0
    while True:
        b = busy_pct(2.0)
        if b <= limit_pct:
            ok += 1
            if ok >= samples:
                return b
            continue
        ok = 0
        if time.time() > t_end:
            log("  machine still busy (%.0f%%) after %ds - running anyway (flagged)" % (b, max_wait))
            return b
        log("  machine busy %.0f%% (of %d00%%) - waiting" % (b, os.cpu_count()))
        time.sleep(4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gen", required=True, help="the reference harness's built gen binary")
    ap.add_argument("--java", default="/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
    ap.add_argument("--cp", required=True, help="media-relay test classpath")
    ap.add_argument("--jvm-opts", default="", help="extra JVM options (space separated)")
    ap.add_argument("--calls", default="100,250,500,1000,1500")
    ap.add_argument("--duration", type=float, default=20)
    ap.add_argument("--warmup", type=float, default=3, help="gen's own --warmup (as the reference)")
    ap.add_argument("--jit-warmup", type=float, default=10, help="unmeasured gen run before the measured one")
    ap.add_argument("--threads", type=int, default=2, help="relay event loops")
    ap.add_argument("--port-min", type=int, default=30000)
    ap.add_argument("--port-max", type=int, default=59999)
    ap.add_argument("--b-suite", default="AES_CM_128_HMAC_SHA1_32")
    ap.add_argument("--out", required=True)
    ap.add_argument("--label", default="")
    ap.add_argument("--logs", default=None)
    ap.add_argument("--quiet-pct", type=float, default=30)
    ap.add_argument("--quiet-wait", type=int, default=300)
    ap.add_argument("--quiet-samples", type=int, default=2)
    ap.add_argument("--stop-after-fail", type=int, default=2)
    ap.add_argument("--profile", default="", help="'jfr' records a JFR of the measured window into --logs")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    label = a.label or "voxgate-srtp-unpinned-t%d" % a.threads
    logs = a.logs or tempfile.mkdtemp(prefix="vbench-")
    os.makedirs(logs, exist_ok=True)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)

    def log(m):
        print(time.strftime("%H:%M:%S"), m, flush=True)

    fails = 0
    for n in [int(x) for x in a.calls.split(",")]:
        log("== %s N=%d" % (label, n))
        sess = os.path.join(logs, "sessions-%s-%d.csv" % (label, n))
        if os.path.exists(sess):
            os.unlink(sess)
        jlog = open(os.path.join(logs, "relay-%s-%d.log" % (label, n)), "w")
        jfr = os.path.join(logs, "relay-%s-%d.jfr" % (label, n))
        cmd = [a.java, "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"] + a.jvm_opts.split() + [
            "-cp", a.cp, "io.voxgate.media.perf.RelayBench", "--calls", str(n), "--threads", str(a.threads),
            "--port-min", str(a.port_min), "--port-max", str(a.port_max), "--csv", sess, "--b-suite", a.b_suite]
        # stdin is a pipe we hold open: RelayBench runs until SIGTERM or until we close it
        jp = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=jlog, stderr=subprocess.STDOUT, start_new_session=True)
        ok = False
        try:
            t_end = time.time() + 120
            while not os.path.exists(sess):
                if jp.poll() is not None:
                    raise RuntimeError("RelayBench exited rc=%s (see %s)" % (jp.returncode, jlog.name))
                if time.time() > t_end:
                    raise RuntimeError("RelayBench wrote no CSV in 120 s")
                time.sleep(0.2)
            with open(jlog.name) as f:
                log("  " + " | ".join(l.strip() for l in f if l.startswith("created") or l.startswith("PID")))
            if a.jit_warmup > 0:
                w = subprocess.run([a.gen, "--sessions", sess, "--duration", str(a.jit_warmup), "--warmup", "0",
                                    "--drain", "0.5", "--label", "jit-warmup"], capture_output=True, text=True,
                                   timeout=a.jit_warmup + 60)
                wr = json.loads(w.stdout.strip().splitlines()[-1]) if w.returncode == 0 else {}
                log("  JIT warm-up %.0fs: loss=%s%% auth_fail=%s" % (a.jit_warmup, wr.get("loss_pct"), wr.get("auth_fail")))
            pre_busy = wait_quiet(a.quiet_pct, a.quiet_wait, log, a.quiet_samples)
            if a.profile == "jfr":
                subprocess.run([os.path.join(os.path.dirname(a.java), "jcmd"), str(jp.pid), "JFR.start", "name=bench",
                                "settings=profile", "filename=" + jfr], capture_output=True, timeout=30)
            gcmd = [a.gen, "--sessions", sess, "--duration", str(a.duration), "--warmup", str(a.warmup),
                    "--watch-pid", str(jp.pid), "--label", label]
            snap0 = proc_ticks(); r0 = pid_ticks(jp.pid); t0 = time.time()
            g = subprocess.run(gcmd, capture_output=True, text=True, timeout=a.duration + a.warmup + 120)
            t1 = time.time(); r1 = pid_ticks(jp.pid); snap1 = proc_ticks()
            if a.profile == "jfr":
                subprocess.run([os.path.join(os.path.dirname(a.java), "jcmd"), str(jp.pid), "JFR.stop", "name=bench"],
                               capture_output=True, timeout=60)
            if g.returncode:
                raise RuntimeError("gen failed rc=%d: %s" % (g.returncode, g.stderr[-2000:]))
            res = json.loads(g.stdout.strip().splitlines()[-1])
            mine = {jp.pid, os.getpid()}
            foreign = 0; top = []
            for pid, (tk, name) in snap1.items():
                if pid in mine or name == "gen":  # other java processes (e.g. a build) count as foreign
                    continue
                d = tk - snap0[pid][0] if pid in snap0 else 0
                if d > 0:
                    foreign += d; top.append((d, name))
            top.sort(reverse=True)
            res["foreign_cpu_pct"] = round(100.0 * foreign / HZ / (t1 - t0), 1)
            res["foreign_top"] = ["%s:%.0f%%" % (nm, 100.0 * d / HZ / (t1 - t0)) for d, nm in top[:3]]
            res["pre_busy_pct"] = round(pre_busy, 1)
            # cross-check: relay CPU over the whole gen run (its warm-up and drain included)
            res["relay_cpu_pct_whole_run"] = round(100.0 * (r1 - r0) / HZ / (t1 - t0), 1)
            try:
                res["relay_fds"] = len(os.listdir("/proc/%d/fd" % jp.pid))
                res["relay_threads"] = len(os.listdir("/proc/%d/task" % jp.pid))
                res["relay_rss_kb_after"] = pid_rss_kb(jp.pid)
            except Exception:
                pass
            res.update(mode="srtp", pinned=False, relay_threads_opt=a.threads, jvm_opts=a.jvm_opts, b_suite=a.b_suite,
                       ts=time.strftime("%Y-%m-%dT%H:%M:%S"))
            res["achieved_pct"] = round(100.0 * res["sent"] / max(1.0, res["target_pps"] * res["window_s"]), 2)
            ok = (res["loss_pct"] < 0.1 and res["auth_fail"] == 0 and res["misrouted"] == 0
                  and res["other_fail"] == 0 and res["achieved_pct"] >= 99.0)
            res["pass"] = ok
            with open(a.out, "a") as f:
                f.write(json.dumps(res) + "\n")
            log("  %s loss=%.3f%% auth_fail=%d relay_cpu=%.0f%% rss=%.0fMB gen_cpu=%.0f%% sys=%.0f%% foreign=%.0f%% "
                "lat_app p50/p99=%.0f/%.0fus send_late max=%.1fms drops gen/relay=%s/%s" % (
                    "PASS" if ok else "FAIL", res["loss_pct"], res["auth_fail"], res["relay_cpu_pct"],
                    res["relay_rss_kb"] / 1024, res["gen_cpu_pct"], res["sys_cpu_pct_of_2_cores"], res["foreign_cpu_pct"],
                    res["lat_app_us"]["p50"], res["lat_app_us"]["p99"], res["send_late_us"]["max"] / 1000,
                    res.get("sock_drops_gen"), res.get("sock_drops_relay")))
        finally:
            if jp.poll() is None:
                jp.send_signal(signal.SIGTERM)
                try:
                    jp.wait(15)
                except subprocess.TimeoutExpired:
                    jp.kill(); jp.wait(5)
            jlog.close()
        fails = 0 if ok else fails + 1
        if fails >= a.stop_after_fail:
            log("stopping ramp after %d consecutive failures" % fails)
            break
        time.sleep(1)


if __name__ == "__main__":
    main()
