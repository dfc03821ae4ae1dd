#!/usr/bin/env python3
"""The report's Benchmarks section (the backend dashboard) and its JSON.

Reads one stored run (bench.json from vmir-bench, tiers.json from
vmir-tiers, machine.json) and the other runs in the history folder, and
writes OUT/sections/benchmarks.html (an HTML fragment with inline SVG charts,
no script, no network; scripts/report puts it in index.html), the same as a
page of its own (OUT/dashboard.html) and OUT/dashboard.json (the figures for
tools).
docs/bench.md describes both. Standard library only.

usage: dashboard.py --run RUN_DIR [--history DIR] [--out DIR]
                    [--trace TRACEABILITY.json] [--root SOURCE_DIR]
"""

import argparse
import json
import math
import os
import statistics
import sys
from html import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import history  # noqa: E402
import svg  # noqa: E402

CSS = """
#benchmarks .dash-table { border-collapse: collapse; margin: .4em 0 1em; font-size: 12px; }
#benchmarks .dash-table th, #benchmarks .dash-table td { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
#benchmarks .dash-table th:first-child, #benchmarks .dash-table td:first-child { text-align: left; }
#benchmarks .absent { color: #999; font-style: italic; }
#benchmarks .good { background: #e6f4ea; } #benchmarks .bad { background: #fdecea; }
#benchmarks .charts { display: flex; flex-wrap: wrap; gap: 10px; }
#benchmarks svg.chart { background: #fff; }
#benchmarks .note { color: #555; font-size: 12px; }
"""


def parse_name(name):
    """"decode/twitter/vmir-fused@stencil" -> (op, workload, impl, tier)."""
    parts = name.split("/")
    if len(parts) < 3:
        return None
    op, workload, impl = parts[0], "/".join(parts[1:-1]), parts[-1]
    tier = None
    if "@" in impl:
        impl, tier = impl.split("@", 1)
    return op, workload, impl, tier


def median(v):
    return statistics.median(v) if v else None


def ratio_cell(x, base, higher_is_better=True):
    if not x or not base:
        return "<td>-</td>"
    r = base / x if higher_is_better else x / base
    cls = "good" if r > 1.05 else "bad" if r < 0.95 else ""
    return f'<td class="{cls}">{r:.2f}×</td>'


class Page:
    def __init__(self):
        self.parts = []
        self.charts = []

    def add(self, s):
        self.parts.append(s)

    def chart(self, s, chart_id):
        self.charts.append(chart_id)
        self.parts.append(s)


def tier_list(tiers_json):
    return tiers_json["tiers"] if tiers_json else [{"name": "interp", "present": True, "rank": 0}]


def ratios_section(page, bench, tiers, data):
    """Per workload: every contestant's time, its speed-up over the
    interpreter and its ratio to the hand-written reference."""
    groups = {}
    for name, row in bench.items():
        p = parse_name(name)
        if p:
            groups.setdefault((p[0], p[1]), []).append((p[2], p[3], row))
    tier_names = [t["name"] for t in tiers]
    jit = [t for t in tiers if t["name"] != "interp"]
    present = [t["name"] for t in jit if t.get("present")]
    page.add("<h3>Ratios per tier and workload</h3>")
    page.add('<p class="note">Speed-up of each tier over the interpreter on the same program '
             '(interpreter CPU time ÷ tier CPU time; above 1 is faster), median of the repetitions. '
             'A tier not built or not usable here is shown as absent with the reason.</p>')
    head = "".join(f"<th>{escape(t['name'])}</th>" for t in jit)
    page.add(f'<table class="dash-table"><tr><th>workload / program</th><th>interp</th>{head}'
             '<th>hand-written C</th><th>best tier ÷ hand-written</th></tr>')
    matrix, dot_rows = [], []
    for (op, wl), items in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        hand_json = next((median(r["cpu"]) for impl, t, r in items if impl == "handwritten-c"), None)
        variants = sorted({impl for impl, t, r in items if t})
        for v in variants:
            # the hand-written reference reads and writes JSON only
            hand = None if "msgpack" in v else hand_json
            by_tier = {t: r for impl, t, r in items if impl == v and t}
            base = median(by_tier.get("interp", {}).get("cpu", []))
            cells, entry, dots = [], {"op": op, "workload": wl, "variant": v,
                                      "interp_ns": base, "handwritten_ns": hand, "tiers": {}}, []
            best = base
            for t in jit:
                if not t.get("present"):
                    cells.append(f'<td class="absent" title="{escape(t.get("why", ""))}">absent</td>')
                    entry["tiers"][t["name"]] = {"absent": t.get("why", "")}
                    continue
                r = by_tier.get(t["name"])
                if not r or r.get("error") or not r["cpu"]:
                    why = (r or {}).get("error") or "not measured"
                    cells.append(f'<td class="bad" title="{escape(why)}">error</td>')
                    entry["tiers"][t["name"]] = {"error": why}
                    continue
                m = median(r["cpu"])
                best = min(best or m, m)
                cells.append(ratio_cell(m, base))
                entry["tiers"][t["name"]] = {"ns": m, "speedup": base / m if base else None,
                                             "vs_handwritten": m / hand if hand else None}
                if base:
                    dots.append((present.index(t["name"]), base / m, None, None))
            hw = f"{hand / 1e3:.1f} µs" if hand else "-"
            vs = f"{best / hand:.2f}×" if hand and best else "-"
            page.add(f"<tr><td>{escape(op)}/{escape(wl)}/{escape(v)}</td>"
                     f"<td>{svg.fmt_ns(base)}</td>{''.join(cells)}<td>{hw}</td><td>{vs}</td></tr>")
            matrix.append(entry)
            dot_rows.append((f"{op}/{wl}/{v}", dots))
    page.add("</table>")
    page.chart(svg.dot_rows("ratios", "Speed-up over the interpreter (log scale)", dot_rows,
                            present, "interpreter time ÷ tier time", log=True,
                            xfmt=lambda v: f"{v:g}×"), "ratios")
    data["ratios"] = matrix
    # The other contestants (hand-written C, peers), per workload.
    page.add("<h3>All contestants per workload</h3>")
    page.add('<p class="note">CPU time per document; ratio to the interpreter (vmir-json@interp for '
             'encode, vmir-fused@interp for decode, vmir-msgpack@interp for MessagePack contestants) and '
             'to the hand-written reference (JSON) where there is one.'
             '</p><table class="dash-table"><tr><th>contestant</th><th>CPU time</th><th>× interp</th>'
             '<th>× hand-written</th><th></th></tr>')
    contestants = []
    for (op, wl), items in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        def interp_of(ref):
            return next((median(r["cpu"]) for impl, t, r in items if impl == ref and t == "interp"), None)
        json_base = interp_of("vmir-json" if op == "encode" else "vmir-fused")
        msgpack_base = interp_of("vmir-msgpack")
        hand = next((median(r["cpu"]) for impl, t, r in items if impl == "handwritten-c"), None)
        worst = max((median(r["cpu"]) or 0 for _, _, r in items), default=0)
        page.add(f'<tr><th colspan="5">{escape(op)}/{escape(wl)}</th></tr>')
        for impl, t, r in sorted(items, key=lambda x: median(x[2]["cpu"]) or math.inf):
            label = f"{impl}@{t}" if t else impl
            # MessagePack contestants against the interpreter's MessagePack program
            base = msgpack_base if "msgpack" in impl else json_base
            m = median(r["cpu"])
            if r.get("error") or not m:
                page.add(f'<tr><td>{escape(label)}</td><td class="bad" colspan="4">error: '
                         f'{escape(r.get("error") or "no result")}</td></tr>')
                continue
            cid = f"bar-{op}-{wl}-{label}"
            page.add(f"<tr><td>{escape(label)}</td><td>{svg.fmt_ns(m)}</td>"
                     f"<td>{base / m:.2f}×</td>" if base else f"<tr><td>{escape(label)}</td>"
                     f"<td>{svg.fmt_ns(m)}</td><td>-</td>")
            json_only = hand and "msgpack" not in label
            page.add(f"<td>{m / hand:.2f}×</td>" if json_only else "<td>-</td>")
            page.add(f"<td>{svg.hbar(cid, m, worst, fill='#3b6ea5' if impl.startswith('vmir') else '#999', label=svg.fmt_ns(m))}</td></tr>")
            contestants.append({"op": op, "workload": wl, "contestant": label, "ns": m,
                                "vs_interp": base / m if base else None,
                                "vs_handwritten": m / hand if json_only else None})
    page.add("</table>")
    data["contestants"] = contestants


def peers_section(page, bench, data):
    """Per workload, operation and format: the fastest vmir program and
    tier against the fastest peer library measured in the same run (the
    alternatives a user would pick), as peer time ÷ vmir time, good or bad."""
    best = {}
    for name, row in bench.items():
        p = parse_name(name)
        if not p or row.get("error") or not row["cpu"]:
            continue
        op, wl, impl, tier = p
        fmt = "MessagePack" if "msgpack" in impl else "JSON"
        side = "vmir" if impl.startswith("vmir") else "peer" if impl.startswith("peer-") else None
        if not side:
            continue
        label = f"{impl}@{tier}" if tier else impl[len("peer-"):]
        m = median(row["cpu"])
        slot = best.setdefault((wl, op, fmt), {})
        if side not in slot or m < slot[side][1]:
            slot[side] = (label, m)
    page.add("<h3>Against the fastest peer</h3>")
    page.add('<p class="note">For each workload, operation and format, the fastest vmir program and tier '
             'against the fastest peer library in the same run (median CPU time). The ratio is peer time ÷ '
             'vmir time: above 1, vmir is faster. Peers do different amounts of work (a DOM parse builds no '
             'typed value); the table names each one.</p>')
    page.add('<table class="dash-table"><tr><th>workload</th><th>operation</th><th>format</th>'
             '<th>fastest vmir</th><th>time</th><th>fastest peer</th><th>time</th><th>peer ÷ vmir</th></tr>')
    rows = []
    for (wl, op, fmt), slot in sorted(best.items()):
        if "vmir" not in slot or "peer" not in slot:
            continue
        (vl, vm), (pl, pm) = slot["vmir"], slot["peer"]
        ratio = pm / vm
        cls = "good" if ratio >= 1 else "bad"
        page.add(f"<tr><td>{escape(wl)}</td><td>{escape(op)}</td><td>{fmt}</td><td>{escape(vl)}</td>"
                 f"<td>{svg.fmt_ns(vm)}</td><td>{escape(pl)}</td><td>{svg.fmt_ns(pm)}</td>"
                 f'<td class="{cls}">{ratio:.2f}×</td></tr>')
        rows.append({"workload": wl, "op": op, "format": fmt, "vmir": vl, "vmir_ns": vm,
                     "peer": pl, "peer_ns": pm, "peer_over_vmir": ratio})
    page.add("</table>")
    data["peers"] = rows


def compile_section(page, tiers_json, data):
    tiers = [t for t in tier_list(tiers_json) if t["name"] != "interp" and t.get("present")]
    names = [t["name"] for t in tiers]
    progs = tiers_json.get("programs", []) if tiers_json else []
    page.add("<h3>Compile latency, code size, memory</h3>")
    o = (tiers_json or {}).get("options", {})
    page.add(f'<p class="note">Each program compiled {o.get("compiles", "?")} times from cold (empty code '
             'cache, fresh executable): median and interquartile range of the compile time the runtime '
             'records; machine code bytes; memory held = heap growth over the first run plus the code. '
             'Log scale.</p>')
    rows = []
    for p in progs:
        dots = []
        for t in p["tiers"]:
            if t.get("ok") and t["tier"] in names:
                c = t["compile_ns"]
                dots.append((names.index(t["tier"]), c["median"] / 1e3, c["p25"] / 1e3, c["p75"] / 1e3))
        rows.append((p["name"], dots))
    page.chart(svg.dot_rows("compile-latency", "Compile latency per program (µs, log scale)", rows, names,
                            "compile time (µs)", log=True), "compile-latency")
    page.add('<table class="dash-table"><tr><th>program</th><th>insns</th>'
             + "".join(f"<th>{escape(n)} compile</th><th>code</th><th>held</th>" for n in names) + "</tr>")
    for p in progs:
        cells = ""
        by = {t["tier"]: t for t in p["tiers"]}
        for n in names:
            t = by.get(n)
            if t and t.get("ok"):
                c = t["compile_ns"]
                cells += (f"<td>{svg.fmt_ns(c['median'])} [{svg.fmt_ns(c['p25'])}–{svg.fmt_ns(c['p75'])}]</td>"
                          f"<td>{t['code_bytes'] / 1024:.1f} KiB</td><td>{t['held_bytes'] / 1024:.1f} KiB</td>")
            else:
                cells += f'<td class="bad" colspan="3">{escape((t or {}).get("why", "not measured"))}</td>'
        page.add(f"<tr><td>{escape(p['name'])}</td><td>{p['insns']}</td>{cells}</tr>")
    page.add("</table>")
    data["compile"] = progs


def breakeven_section(page, tiers_json, data):
    tiers = [t for t in tier_list(tiers_json) if t["name"] != "interp" and t.get("present")]
    progs = tiers_json.get("programs", []) if tiers_json else []
    page.add("<h3>Break-even</h3>")
    page.add('<p class="note">Total time of N runs including the compile: T(N) = compile + N × time per '
             'run (the interpreter: N × its time per run). Break-even N: the least N at which the tier '
             'costs less in total than the interpreter, or than a lower tier (cheaper to compile). '
             '"never": its runs are not faster.</p>')
    cols = []
    for t in tiers:
        cols.append((t["name"], "interp"))
        for lower in tiers:
            if lower["rank"] < t["rank"]:
                cols.append((t["name"], lower["name"]))
    page.add('<table class="dash-table"><tr><th>program</th>'
             + "".join(f"<th>{escape(a)} vs {escape(b)}</th>" for a, b in cols) + "</tr>")
    summary = []
    for p in progs:
        by = {t["tier"]: t for t in p["tiers"]}
        cells = ""
        for a, b in cols:
            t = by.get(a)
            if not t or not t.get("ok"):
                cells += '<td class="absent">-</td>'
                continue
            n = t["breakeven"].get(b)
            cells += f"<td>{n}</td>" if n else '<td class="bad">never</td>'
            summary.append({"program": p["name"], "tier": a, "vs": b, "n": n})
        page.add(f"<tr><td>{escape(p['name'])}</td>{cells}</tr>")
    page.add("</table>")
    data["breakeven"] = summary
    page.add('<div class="charts">')
    for p in progs:
        ri = p["interp_run_ns"]["median"]
        ok = [t for t in p["tiers"] if t.get("ok")]
        finite = [t["breakeven"]["interp"] for t in ok if t["breakeven"].get("interp")]
        nmax = max(10, min(10 ** 6, 4 * max(finite, default=10)))
        ns = sorted({max(1, round(10 ** (k / 12 * math.log10(nmax)))) for k in range(13)})
        series = [("interp", [(n, n * ri / 1e6) for n in ns], svg.color(0))]
        marks = []
        for i, t in enumerate(ok):
            c, r = t["compile_ns"]["median"], t["run_ns"]["median"]
            series.append((t["tier"], [(n, (c + n * r) / 1e6) for n in ns], svg.color(i + 1)))
            n = t["breakeven"].get("interp")
            if n and n <= nmax:
                marks.append((n, (c + n * r) / 1e6, f"{t['tier']} breaks even at N = {n}"))
        cid = "breakeven-" + p["name"].replace("/", "-")
        page.chart(svg.line_chart(cid, p["name"], series, "runs N", "total ms", xlog=True, ylog=True,
                                  width=300, height=180, marks=marks), cid)
    page.add("</div>")


MODEL_BAND = 0.02  # a threshold within 2% of the best modelled total is as good


def sweep_model(tiers_json, tier, thresholds):
    """Modelled total of the sweep's call mix per threshold (None: never
    compile), from the break-even study's medians: a program called n times
    costs n r_i below the threshold T, else T r_i + C + (n - T) r."""
    progs = {p["name"]: p for p in tiers_json.get("programs", [])}
    out = []
    for th in thresholds:
        total = 0.0
        for m in tiers_json["sweep"]["mix"]:
            p = progs.get(m["program"])
            t = next((x for x in (p or {}).get("tiers", []) if x["tier"] == tier and x.get("ok")), None)
            if not t:
                return None
            n, ri = m["calls"], p["interp_run_ns"]["median"]
            c, r = t["compile_ns"]["median"], t["run_ns"]["median"]
            total += n * ri if th is None or n <= th else th * ri + c + (n - th) * r
        out.append(total)
    return out


def recommend(thresholds, model):
    """The largest threshold whose modelled total is within MODEL_BAND of
    the best: as fast, and fewer rarely-called programs compiled."""
    best = min(model)
    return max((th for th, v in zip(thresholds, model) if v <= best * (1 + MODEL_BAND)),
               key=lambda th: math.inf if th is None else th)


def breakeven_rule(tiers_json, tier):
    """The ski-rental rule: compile once a program has run as often as a
    compile takes to pay back. Returns (median break-even N against the
    interpreter over the programs the tier makes faster, that median to the
    nearest power of two, programs that never break even); None when no
    program breaks even."""
    ns, never = [], 0
    for p in tiers_json.get("programs", []):
        t = next((x for x in p.get("tiers", []) if x["tier"] == tier and x.get("ok")), None)
        if not t:
            continue
        n = (t.get("breakeven") or {}).get("interp")
        if n is None:
            never += 1
        else:
            ns.append(n)
    if not ns:
        return None
    ns.sort()
    median = ns[(len(ns) - 1) // 2]
    return median, 2 ** round(math.log2(max(median, 1))), never


def sweep_section(page, tiers_json, data):
    sw = (tiers_json or {}).get("sweep")
    page.add("<h3>Promotion-threshold sweep</h3>")
    if not sw:
        page.add("<p>No sweep in this run.</p>")
        return
    page.add(f'<p class="note">A mixed workload like a service: {sw["calls"]} calls over {sw["programs"]} '
             f'programs (the micro shapes and twitter, encode and decode), the k-th most popular called with '
             f'weight 1/k^{sw["zipf_s"]:g}, every program cold at the start. <b>Measured</b>: median CPU time '
             f'of {sw["reps"]} passes, interleaved across thresholds. <b>Model</b>: the same call mix costed '
             'with the break-even study\'s medians (compile, time per run) per program. Recommended: the '
             f'largest threshold whose modelled total is within {MODEL_BAND:.0%} of the best '
             '(docs/thresholds.md); the break-even rule: the median over all programs of the runs after '
             'which a compile has paid for itself, to the nearest power of two (the rule the defaults of '
             'compile-heavy tiers follow, since the model\'s pick grows with the length of the mix). '
             'Background compilation: '
             f'{escape(sw["background_compile"])}.</p>')
    measured = [t for t in sw["tiers"] if t["thresholds"]]
    labels = [r["threshold"] for r in measured[0]["thresholds"]] if measured else []
    xfmt = lambda i: str(labels[int(i)]) if 0 <= int(i) < len(labels) and i == int(i) else ""  # noqa: E731
    series, marks, recs = [], [], {}
    for i, t in enumerate(sw["tiers"]):
        if t["thresholds"]:
            pts = [(k, r["total_ns"] / 1e6) for k, r in enumerate(t["thresholds"])]
            series.append((f"{t['tier']} measured", pts, svg.color(i + 1)))
        model = sweep_model(tiers_json, t["tier"], labels + [None])
        if model:
            series.append((f"{t['tier']} model", [(k, v / 1e6) for k, v in enumerate(model[:-1])],
                           svg.color(i + 4)))
            rec = recommend(labels + [None], model)
            recs[t["tier"]] = {"recommended": rec, "model_ns": dict(zip(map(str, labels + [None]), model)),
                               "measured_pick": t.get("measured_pick")}
            if rec is not None:
                k = labels.index(rec)
                marks.append((k, model[k] / 1e6, f"{t['tier']}: recommended threshold {rec}"))
    page.chart(svg.line_chart("sweep", "Mixed workload: total CPU time per promotion threshold", series,
                              "threshold (runs before compiling)", "total ms", width=560, height=260,
                              xfmt=xfmt, marks=marks,
                              hlines=[(sw["interp"]["total_ns"] / 1e6, "interpreter only (measured)", "#888")]),
               "sweep")
    page.add('<table class="dash-table"><tr><th>tier</th><th></th>'
             + "".join(f"<th>{r}</th>" for r in labels) + "<th>interp only</th><th>recommended</th>"
             "<th>break-even rule</th><th>default now</th></tr>")
    defaults = {t["name"]: t.get("default_threshold") for t in tier_list(tiers_json)}
    for t in sw["tiers"]:
        cells = "".join(f'<td title="{r["compiles"]} compiles; p25–p75 {r["p25"] / 1e6:.0f}–'
                        f'{r["p75"] / 1e6:.0f} ms">{r["total_ns"] / 1e6:.0f} ms</td>' for r in t["thresholds"])
        if not t["thresholds"]:
            cells = f'<td colspan="{len(labels)}" class="note">{escape(t.get("skipped", "not measured"))}</td>'

        rec = recs.get(t["tier"], {})
        r = rec.get("recommended", "-")
        be = breakeven_rule(tiers_json, t["tier"])
        if be:
            rec["breakeven_median"], rec["breakeven_rule"], rec["never_break_even"] = be
            recs[t["tier"]] = rec
        be_cell = (f'<td rowspan="2" title="median {be[0]}; {be[2]} programs never break even">{be[1]}</td>'
                   if be else '<td rowspan="2">-</td>')
        page.add(f"<tr><td rowspan=\"2\">{escape(t['tier'])}</td><td>measured</td>{cells}"
                 f"<td>{sw['interp']['total_ns'] / 1e6:.0f} ms</td>"
                 f"<td rowspan=\"2\">{'never (interpreter)' if r is None else r}</td>{be_cell}"
                 f"<td rowspan=\"2\">{defaults.get(t['tier'], '-')}</td></tr>")
        model = rec.get("model_ns", {})
        page.add("<tr><td>model</td>" + "".join(f"<td>{model[str(th)] / 1e6:.0f} ms</td>" if str(th) in model
                                                 else "<td>-</td>" for th in labels + [None]) + "</tr>")
    page.add("</table>")
    data["sweep"] = dict(sw, recommendation=recs)


def trends_section(page, runs, data):
    page.add("<h3>History</h3>")
    page.add(f'<p class="note">{len(runs)} stored run(s). A change is flagged (red) when a Mann–Whitney U '
             f'test on the repetitions gives p &lt; {history.ALPHA} and the medians differ by more than the '
             f'runs\' own spread (interquartile range), after removing the machine\'s drift (the median change '
             'of the peer libraries, which no vmir commit touches); at least '
             f'{history.OPTIMAL_REPETITIONS} repetitions '
             '(<code>scripts/bench --full</code>) are needed to flag small changes. '
             '<code>scripts/bench --compare A B</code> compares any two runs.</p>')
    tr = history.trends(runs)
    page.add('<table class="dash-table"><tr><th>run</th><th>commit</th><th>mode</th><th>CPU</th><th>load</th></tr>')
    for r in runs:
        m = r.get("machine") or {}
        page.add(f"<tr><td>{escape(r['id'])}</td><td>{escape(str(m.get('commit', '?')))}</td>"
                 f"<td>{escape(str(m.get('mode', '?')))}</td><td>{escape(str(m.get('cpu_model', '?')))}</td>"
                 f"<td>{escape(str(m.get('load_start', '?')))}</td></tr>")
    page.add("</table>")
    last = len(runs) - 1
    flagged = [n for n, t in tr.items() if last in t["flags"]]
    page.add(f"<p>Changes beyond the noise in the latest run: <b>{len(flagged)}</b>"
             + (": " + ", ".join(f"<code>{escape(n)}</code>" for n in flagged) if flagged else "") + "</p>")
    page.add('<table class="dash-table"><tr><th>benchmark</th><th>trend</th><th>latest</th>'
             '<th>change</th><th>p</th><th>verdict</th></tr>')
    cmp = {}
    if len(runs) >= 2:
        cmp = {r["name"]: r for r in history.compare_rows(runs[-2], runs[-1])}
    for name, t in sorted(tr.items()):
        c = cmp.get(name)
        cid = "trend-" + name
        change = f"{c['change'] * 100:+.1f}% ({c['corrected'] * 100:+.1f}% corrected)" if c else "-"
        p = f"{c['p']:.3f}" if c and c["p"] is not None else "-"
        verdict = c["verdict"] if c else "-"
        cls = "bad" if verdict == "slower" else "good" if verdict == "faster" else ""
        page.add(f"<tr><td>{escape(name)}</td><td>{svg.sparkline(cid, t['medians'], set(t['flags']))}</td>"
                 f"<td>{svg.fmt_ns(t['medians'][-1])}</td><td>{change}</td><td>{p}</td>"
                 f'<td class="{cls}">{verdict}</td></tr>')
        page.charts.append(cid)
    page.add("</table>")
    data["trends"] = {"runs": [r["id"] for r in runs], "benchmarks": tr,
                      "latest_vs_previous": list(cmp.values())}


def machine_section(page, machine, tiers, data):
    page.add("<h3>Machine and build</h3>")
    m = machine or {}
    page.add('<table class="dash-table">')
    for k in ("date", "commit", "dirty", "mode", "repetitions", "cpu_model", "cores", "load_start", "load_end",
              "cc", "cxx", "clang", "buildtype", "kernel"):
        if k in m:
            page.add(f"<tr><td>{escape(k)}</td><td>{escape(str(m[k]))}</td></tr>")
    page.add("</table>")
    page.add("<p>Tiers:</p><ul>")
    for t in tiers:
        if t.get("present"):
            d = f", default threshold {t['default_threshold']}" if "default_threshold" in t else ""
            page.add(f"<li><b>{escape(t['name'])}</b>: present{d}</li>")
        else:
            page.add(f'<li class="absent"><b>{escape(t["name"])}</b>: absent ({escape(t.get("why", ""))})</li>')
    page.add("</ul>")
    data["machine"] = m
    data["tiers"] = tiers


def status_section(page, trace_path, root, data):
    page.add("<h3>Traceability and fuzzing</h3>")
    status = {}
    if trace_path and os.path.isfile(trace_path):
        c = json.load(open(trace_path)).get("counts", {})
        res = c.get("result", {})
        status["traceability"] = {"rules": c.get("rules"), "implemented": c.get("implemented"),
                                  "verified": c.get("verified"), "result": res,
                                  "problems": c.get("problems")}
        page.add(f'<p>Traceability: {c.get("rules")} rules, {c.get("implemented")} implemented, '
                 f'{c.get("verified")} verified; results: {res.get("pass", 0)} pass, {res.get("fail", 0)} fail, '
                 f'{res.get("partial", 0)} partial, {res.get("not-run", 0)} not run; '
                 f'{c.get("problems")} problems (<a href="#traceability">matrix</a>).</p>')
    else:
        page.add("<p>Traceability: no traceability.json given.</p>")
    fuzz = {}
    if root:
        tsv = os.path.join(root, "fuzz", "campaigns.tsv")
        if os.path.isfile(tsv):
            lines = [l.rstrip("\n").split("\t") for l in open(tsv) if l.strip()]
            fuzz["campaigns"] = [dict(zip(lines[0], l)) for l in lines[1:]]
        kb = os.path.join(root, "fuzz", "known-bugs")
        if os.path.isfile(kb):
            fuzz["open_bugs"] = sum(1 for l in open(kb) if l.strip() and not l.lstrip().startswith("#"))
        reg = os.path.join(root, "fuzz", "regressions")
        if os.path.isdir(reg):
            fuzz["regressions"] = sum(len(f) for _, _, f in os.walk(reg))
    if fuzz:
        last = fuzz.get("campaigns", [])[-1:] or [{}]
        page.add(f'<p>Fuzzing: {len(fuzz.get("campaigns", []))} campaigns on record (latest: '
                 f'{escape(last[0].get("date", "-"))} {escape(last[0].get("target", ""))}), '
                 f'{fuzz.get("regressions", 0)} regression inputs replayed by every build, '
                 f'{fuzz.get("open_bugs", 0)} open bugs (<a href="#fuzzing">details</a>).</p>')
        status["fuzzing"] = fuzz
    data["status"] = status


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", required=True)
    ap.add_argument("--history", default=None)
    ap.add_argument("--out", default="out/report")
    ap.add_argument("--trace", default=None)
    ap.add_argument("--root", default=None)
    args = ap.parse_args(argv)
    run = history.load_run(args.run)
    runs = [history.load_run(r) for r in history.list_runs(args.history)] if args.history else []
    if not any(os.path.samefile(r["folder"], args.run) for r in runs):
        runs.append(run)
    tiers = tier_list(run["tiers"])
    page, data = Page(), {"schema_version": 1, "run": run["id"]}
    page.add(f'<section id="benchmarks">\n<h2>Benchmarks</h2>\n<style>{CSS}</style>')
    m = run.get("machine") or {}
    page.add(f'<p>Run <code>{escape(run["id"])}</code> ({escape(str(m.get("mode", "?")))}, '
             f'{escape(str(m.get("repetitions", "?")))} repetitions) of <code>vmir-bench</code> and '
             '<code>vmir-tiers</code>. Figures are CPU time; the machine may be shared, so compare ratios '
             'taken in the same run, not absolute numbers across machines.</p>')
    status_section(page, args.trace, args.root, data)
    ratios_section(page, run["bench"], tiers, data)
    peers_section(page, run["bench"], data)
    compile_section(page, run["tiers"], data)
    breakeven_section(page, run["tiers"], data)
    sweep_section(page, run["tiers"], data)
    trends_section(page, runs, data)
    machine_section(page, run.get("machine"), tiers, data)
    page.add("</section>\n")
    data["charts"] = page.charts
    os.makedirs(os.path.join(args.out, "sections"), exist_ok=True)
    with open(os.path.join(args.out, "sections", "benchmarks.html"), "w") as f:
        f.write("\n".join(page.parts))
    # The same section as a page of its own (the screenshot is taken of it).
    with open(os.path.join(args.out, "dashboard.html"), "w") as f:
        f.write('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>vmir benchmarks</title>'
                '<style>body{font-family:sans-serif;margin:1em 2em;}</style></head><body>\n')
        f.write("\n".join(page.parts))
        f.write("</body></html>\n")
    with open(os.path.join(args.out, "dashboard.json"), "w") as f:
        json.dump(data, f, indent=1)
    print(f"dashboard: {len(page.charts)} charts -> {args.out}/sections/benchmarks.html, {args.out}/dashboard.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
