#!/usr/bin/env python3
"""summary.py FILE.jsonl... [--ref LABEL --cmp LABEL] - per-label tables (the reference summarize.py's
columns and pass rule) plus relay CPU us per relayed packet, max passing N, and per-step ratios."""
import argparse, json
from collections import OrderedDict

ap = argparse.ArgumentParser()
ap.add_argument("files", nargs="+")
ap.add_argument("--ref", default="srtp-unpinned-t2")
ap.add_argument("--cmp", default="voxgate-srtp-unpinned-t2")
a = ap.parse_args()
rows = [json.loads(l) for p in a.files for l in open(p) if l.strip()]
by = OrderedDict()
for r in rows:
    by.setdefault(r["label"], []).append(r)


def derive(r):
    ach = 100.0 * r["sent"] / max(1.0, r["target_pps"] * r["window_s"])
    ok = r["loss_pct"] < 0.1 and r["auth_fail"] == 0 and r["misrouted"] == 0 and r["other_fail"] == 0 and ach >= 99.0
    # relay CPU seconds over the window / packets relayed (delivered to gen) in the window
    us = r["relay_cpu_pct"] / 100.0 * r["window_s"] * 1e6 / max(1, r["received"])
    return ach, ok, us


best = {}
for label, rs in by.items():
    print("\n### %s\n" % label)
    print("| calls | target pps in (=out) | offered % | loss % | auth fail | relay CPU % | relay RSS MB | CPU us / relayed pkt | gen CPU % | machine busy % (of 200) | foreign % | lat p50 / p99 / p99.9 app (us) | max send late (ms) | sock drops gen / relay | ts | pass |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    b = b20 = None
    for r in rs:
        ach, ok, us = derive(r)
        la = r["lat_app_us"]
        print("| %d | %.0f | %.1f | %.3f | %d | %.0f | %.0f | %.2f | %.0f | %.0f | %.0f | %.0f / %.0f / %.0f | %.1f | %s | %s | %s |" % (
            r["calls"], r["target_pps"], ach, r["loss_pct"], r["auth_fail"], r["relay_cpu_pct"], r["relay_rss_kb"] / 1024.0,
            us, r["gen_cpu_pct"], r["sys_cpu_pct_of_2_cores"], r.get("foreign_cpu_pct", -1), la["p50"], la["p99"], la["p999"],
            r["send_late_us"]["max"] / 1000.0, "%s / %s" % (r.get("sock_drops_gen", "n/a"), r.get("sock_drops_relay", "n/a")),
            r.get("ts", ""), "yes" if ok else ("NO (gen-limited)" if ach < 99.0 else "NO")))
        if ok and (b is None or r["calls"] > b):
            b = r["calls"]
        if ok and la["p99"] < 20000 and (b20 is None or r["calls"] > b20):
            b20 = r["calls"]
    best[label] = (b, b20)
    print("\nmax passing N (loss < 0.1%%, 0 auth failures, >=99%% offered): %s" % b)
    print("max passing N that also has p99 added latency < 20 ms: %s" % b20)

if a.ref in by and a.cmp in by:
    ref = {r["calls"]: r for r in by[a.ref]}
    print("\n### ratios %s / %s, per step\n" % (a.cmp, a.ref))
    print("| calls | loss % (ref / cmp) | relay CPU % ratio | RSS ratio | CPU us/pkt (ref / cmp, ratio) | p50 ratio | p99 ratio |")
    print("|---|---|---|---|---|---|---|")
    for r in by[a.cmp]:
        q = ref.get(r["calls"])
        if not q:
            continue
        _, _, ur = derive(q); _, _, uc = derive(r)
        f = lambda x, y: "%.2f" % (x / y) if y else "n/a"
        print("| %d | %.3f / %.3f | %s | %s | %.2f / %.2f (%s) | %s | %s |" % (
            r["calls"], q["loss_pct"], r["loss_pct"], f(r["relay_cpu_pct"], q["relay_cpu_pct"]),
            f(r["relay_rss_kb"], q["relay_rss_kb"]), ur, uc, f(uc, ur),
            f(r["lat_app_us"]["p50"], q["lat_app_us"]["p50"]), f(r["lat_app_us"]["p99"], q["lat_app_us"]["p99"])))
    (rb, rb20), (cb, cb20) = best[a.ref], best[a.cmp]
    print("\nmax passing N: %s %s, %s %s; with p99 < 20 ms: %s %s, %s %s" % (a.ref, rb, a.cmp, cb, a.ref, rb20, a.cmp, cb20))
