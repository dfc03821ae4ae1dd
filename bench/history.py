#!/usr/bin/env python3
"""Stored benchmark runs: loading, comparing two runs, trends across runs.

A run is a folder (out/history/RUN_ID/) holding bench.json (Google Benchmark
JSON with every repetition), tiers.json (vmir-tiers) and machine.json.
A change between two runs is flagged when a two-sided Mann-Whitney U test on
the repetitions gives p < ALPHA (as Google Benchmark's compare.py does) and
the medians differ by more than both runs' own spread (interquartile range
relative to the median), after removing the machine's drift: the median
change of the peer libraries, which no vmir commit touches. Standard
library only.

usage: history.py compare [--history DIR] A B
       A, B: run ids (folder names), folders, or latest / previous
"""

import argparse
import json
import math
import os
import statistics
import sys

ALPHA = 0.05
# compare.py's advice: below this many repetitions the test cannot reach ALPHA.
OPTIMAL_REPETITIONS = 9


def list_runs(history):
    """Run folders in time order (their ids start with a UTC timestamp)."""
    if not os.path.isdir(history):
        return []
    return sorted(os.path.join(history, d) for d in os.listdir(history)
                  if os.path.isfile(os.path.join(history, d, "bench.json")))


def resolve(history, spec):
    runs = list_runs(history)
    if spec in ("latest", "previous"):
        need = 1 if spec == "latest" else 2
        if len(runs) < need:
            sys.exit(f"history: fewer than {need} stored runs in {history}")
        return runs[-need]
    if os.path.isdir(spec):
        return spec
    path = os.path.join(history, spec)
    if os.path.isdir(path):
        return path
    matches = [r for r in runs if os.path.basename(r).startswith(spec) or spec in os.path.basename(r)]
    if len(matches) == 1:
        return matches[0]
    sys.exit(f"history: no single stored run matches '{spec}' in {history}")


def _ns(entry, key):
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}.get(entry.get("time_unit", "ns"), 1)
    return entry[key] * scale


def load_bench(path):
    """{benchmark name: {"cpu": [ns per repetition], "error": msg or None}}.

    A repetition whose timed runs did not all run the tier's code to the
    end (the counter jit_share below 1) makes the row an error."""
    with open(path) as f:
        data = json.load(f)
    out = {}
    for e in data.get("benchmarks", []):
        name = e.get("run_name") or e.get("name", "")
        row = out.setdefault(name, {"cpu": [], "error": None})
        if e.get("error_occurred"):
            row["error"] = e.get("error_message", "error")
            continue
        if e.get("run_type", "iteration") == "iteration" and "cpu_time" in e:
            row["cpu"].append(_ns(e, "cpu_time"))
            # vmir-bench's check that the timed runs ran the tier's code
            share = e.get("jit_share", 1.0)
            if share < 1.0 and not row["error"]:
                row["error"] = (f"only {share:.0%} of the timed runs ran the tier's code "
                                "(the rest ran on the interpreter): not the tier's time")
    return out


def load_run(folder):
    run = {"id": os.path.basename(folder.rstrip("/")), "folder": folder,
           "bench": load_bench(os.path.join(folder, "bench.json"))}
    for name in ("machine", "tiers"):
        p = os.path.join(folder, name + ".json")
        run[name] = json.load(open(p)) if os.path.isfile(p) else None
    return run


def spread(values):
    """Interquartile range relative to the median (0 with fewer than 2)."""
    if len(values) < 2:
        return 0.0
    q = statistics.quantiles(values, n=4, method="inclusive")
    m = statistics.median(values)
    return (q[2] - q[0]) / m if m else 0.0


def _exact_u_cdf(n, m):
    """counts[u] = arrangements with statistic u (no ties), for an exact p."""
    # f(i, j, u): ways for i x-values and j y-values to give U = u.
    prev = [[1] + [0] * (n * m) for _ in range(m + 1)]
    for i in range(1, n + 1):
        cur = [[0] * (n * m + 1) for _ in range(m + 1)]
        for j in range(m + 1):
            for u in range(n * m + 1):
                c = prev[j][u] if i > 0 else 0
                if j > 0 and u - i >= 0:
                    c += cur[j - 1][u - i]
                cur[j][u] = c
        prev = cur
    return prev[m]


def mann_whitney_p(a, b):
    """Two-sided p-value of the Mann-Whitney U test of samples a and b:
    exact for small samples without ties, else the normal approximation with
    tie and continuity corrections. None when a sample is empty."""
    n, m = len(a), len(b)
    if not n or not m:
        return None
    combined = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks = [0.0] * len(combined)
    i, ties = 0, 0.0
    while i < len(combined):
        j = i
        while j + 1 < len(combined) and combined[j + 1][0] == combined[i][0]:
            j += 1
        r = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[k] = r
        t = j - i + 1
        ties += t ** 3 - t
        i = j + 1
    ra = sum(r for r, (_, g) in zip(ranks, combined) if g == 0)
    u = ra - n * (n + 1) / 2
    if ties == 0 and n * m <= 400:
        counts = _exact_u_cdf(n, m)
        total = sum(counts)
        lo = min(u, n * m - u)
        p = 2 * sum(counts[: int(lo) + 1]) / total
        return min(1.0, p)
    mu = n * m / 2
    sigma = math.sqrt(n * m / 12 * ((n + m + 1) - ties / ((n + m) * (n + m - 1))))
    if sigma == 0:
        return 1.0
    z = (abs(u - mu) - 0.5) / sigma
    return min(1.0, math.erfc(max(z, 0) / math.sqrt(2)))


def is_control(name):
    """Peer libraries: code no vmir commit changes, so their shift between
    two runs is the machine's (load, clock), not ours."""
    return name.rsplit("/", 1)[-1].startswith("peer-")


def machine_drift(a, b):
    """Median relative change of the control benchmarks from run a to b
    (0 when there are none)."""
    changes = []
    for name in set(a["bench"]) & set(b["bench"]):
        x, y = a["bench"][name]["cpu"], b["bench"][name]["cpu"]
        if is_control(name) and x and y:
            changes.append(statistics.median(y) / statistics.median(x) - 1)
    return statistics.median(changes) if changes else 0.0


def compare_rows(a, b):
    """One row per benchmark in both runs: medians, change, p, verdict.
    Run b's times are first divided by the machine's drift (the controls'
    median change), so a busier machine does not read as a slower commit;
    "change" is the raw change, "corrected" the change after that."""
    drift = machine_drift(a, b)
    rows = []
    for name in sorted(set(a["bench"]) & set(b["bench"])):
        x, y = a["bench"][name]["cpu"], b["bench"][name]["cpu"]
        if not x or not y:
            continue
        y_corr = [v / (1 + drift) for v in y]
        mx, my = statistics.median(x), statistics.median(y)
        change = (my - mx) / mx if mx else 0.0
        corrected = (statistics.median(y_corr) - mx) / mx if mx else 0.0
        p = mann_whitney_p(x, y_corr)
        noise = max(spread(x), spread(y))
        flagged = p is not None and p < ALPHA and abs(corrected) > noise
        verdict = ("slower" if corrected > 0 else "faster") if flagged else "same"
        rows.append({"name": name, "a_ns": mx, "b_ns": my, "change": change, "corrected": corrected,
                     "drift": drift, "p": p, "noise": noise, "reps": (len(x), len(y)), "verdict": verdict})
    return rows


def trends(runs):
    """{benchmark: {"medians": [per run or None], "flags": [run indices]}}:
    a flag marks a run whose change from the run before is flagged."""
    names = sorted({n for r in runs for n in r["bench"]})
    verdicts = [{}] + [{row["name"]: row["verdict"] for row in compare_rows(runs[i - 1], runs[i])}
                       for i in range(1, len(runs))]
    out = {}
    for name in names:
        med, flags = [], []
        for i, r in enumerate(runs):
            cpu = r["bench"].get(name, {}).get("cpu") or []
            med.append(statistics.median(cpu) if cpu else None)
            if verdicts[i].get(name, "same") != "same":
                flags.append(i)
        out[name] = {"medians": med, "flags": flags}
    return out


def main(argv):
    ap = argparse.ArgumentParser(description="Compare two stored benchmark runs.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("compare")
    c.add_argument("--history", default="out/history")
    c.add_argument("a")
    c.add_argument("b")
    sub.add_parser("list").add_argument("--history", default="out/history")
    args = ap.parse_args(argv)
    if args.cmd == "list":
        for r in list_runs(args.history):
            print(os.path.basename(r))
        return 0
    a = load_run(resolve(args.history, args.a))
    b = load_run(resolve(args.history, args.b))
    rows = compare_rows(a, b)
    print(f"A: {a['id']}\nB: {b['id']}")
    reps = min((min(r["reps"]) for r in rows), default=0)
    if reps < OPTIMAL_REPETITIONS:
        print(f"note: {reps} repetitions; the U test needs about {OPTIMAL_REPETITIONS} "
              "(scripts/bench --full) to flag small changes")
    drift = rows[0]["drift"] if rows else 0.0
    print(f"machine drift (median change of the peer libraries, removed before testing): {drift * 100:+.1f}%")
    print(f"{'benchmark':60} {'A':>11} {'B':>11} {'change':>8} {'corr.':>7} {'p':>6} {'noise':>6}  verdict")
    for r in rows:
        p = "-" if r["p"] is None else f"{r['p']:.3f}"
        print(f"{r['name'][:60]:60} {r['a_ns'] / 1e3:9.2f}us {r['b_ns'] / 1e3:9.2f}us "
              f"{r['change'] * 100:+7.1f}% {r['corrected'] * 100:+6.1f}% {p:>6} {r['noise'] * 100:5.1f}%  "
              f"{r['verdict']}")
    slower = [r for r in rows if r["verdict"] == "slower"]
    faster = [r for r in rows if r["verdict"] == "faster"]
    print(f"{len(rows)} benchmarks compared: {len(slower)} slower, {len(faster)} faster beyond the noise")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
