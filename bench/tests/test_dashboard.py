#!/usr/bin/env python3
"""Tests of the dashboard's statistics and output (bench/history.py,
bench/dashboard.py, bench/svg.py) on the fixture runs in fixtures/history:
run B is run A with decode/twitter/vmir-fused@stencil made 30% slower."""

import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import dashboard  # noqa: E402
import history  # noqa: E402
import svg  # noqa: E402

FIXTURES = os.path.join(HERE, "fixtures", "history")


class MannWhitney(unittest.TestCase):
    def test_exact_small_samples(self):
        # fully separated samples: 2 of C(6,3)=20 and of C(10,5)=252 arrangements
        self.assertAlmostEqual(history.mann_whitney_p([1, 2, 3], [4, 5, 6]), 0.1)
        self.assertAlmostEqual(history.mann_whitney_p([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]), 2 / 252)
        self.assertAlmostEqual(history.mann_whitney_p(list(range(9)), [x + 100 for x in range(9)]), 2 / 48620)

    def test_interleaved_is_not_significant(self):
        self.assertGreater(history.mann_whitney_p([1, 2, 3, 4, 5], [1.5, 2.5, 3.5, 4.5, 5.5]), 0.5)

    def test_ties_use_the_normal_approximation(self):
        p = history.mann_whitney_p([1, 1, 2, 2, 3], [1, 2, 2, 3, 3])
        self.assertTrue(0.3 < p <= 1.0)

    def test_empty_sample(self):
        self.assertIsNone(history.mann_whitney_p([], [1.0]))


class Compare(unittest.TestCase):
    def setUp(self):
        self.runs = [history.load_run(r) for r in history.list_runs(FIXTURES)]

    def test_runs_in_time_order(self):
        self.assertEqual([r["id"][:8] for r in self.runs], ["20260101", "20260102"])

    def test_the_slowed_benchmark_alone_is_flagged(self):
        rows = history.compare_rows(self.runs[0], self.runs[1])
        flagged = {r["name"]: r["verdict"] for r in rows if r["verdict"] != "same"}
        self.assertEqual(flagged, {"decode/twitter/vmir-fused@stencil": "slower"})
        slowed = next(r for r in rows if r["name"] == "decode/twitter/vmir-fused@stencil")
        self.assertAlmostEqual(slowed["change"], 0.30, places=2)

    def test_trend_flags_the_second_run(self):
        tr = history.trends(self.runs)
        self.assertEqual(tr["decode/twitter/vmir-fused@stencil"]["flags"], [1])
        self.assertEqual(tr["decode/twitter/vmir-fused@interp"]["flags"], [])

    def test_machine_drift_is_removed(self):
        # the whole machine 20% slower (peers included), one benchmark 30% more
        a = self.runs[0]
        b = {"bench": {n: {"cpu": [v * 1.2 * (1.3 if n == "decode/twitter/vmir-fused@interp" else 1)
                                   for v in r["cpu"]], "error": r["error"]} for n, r in a["bench"].items()}}
        rows = history.compare_rows(a, b)
        self.assertAlmostEqual(rows[0]["drift"], 0.2, places=6)
        flagged = {r["name"]: r["verdict"] for r in rows if r["verdict"] != "same"}
        self.assertEqual(flagged, {"decode/twitter/vmir-fused@interp": "slower"})

    def test_errors_are_kept(self):
        run = history.load_run(history.list_runs(FIXTURES)[0])
        self.assertTrue(all(v["cpu"] or v["error"] for v in run["bench"].values()))

    def test_resolve_aliases(self):
        self.assertTrue(history.resolve(FIXTURES, "latest").endswith("bbbbbbbbbbbb"))
        self.assertTrue(history.resolve(FIXTURES, "previous").endswith("aaaaaaaaaaaa"))


class Page(unittest.TestCase):
    def test_names(self):
        self.assertEqual(dashboard.parse_name("decode/twitter/vmir-fused@llvm-opt"),
                         ("decode", "twitter", "vmir-fused", "llvm-opt"))
        self.assertEqual(dashboard.parse_name("decode/twitter/peer-cjson"),
                         ("decode", "twitter", "peer-cjson", None))

    def test_dashboard_on_the_fixture(self):
        with tempfile.TemporaryDirectory() as out:
            run = os.path.join(FIXTURES, "20260102T000000Z-bbbbbbbbbbbb")
            self.assertEqual(dashboard.main(["--run", run, "--history", FIXTURES, "--out", out]), 0)
            with open(os.path.join(out, "sections", "benchmarks.html")) as f:
                html = f.read()
            with open(os.path.join(out, "dashboard.json")) as f:
                data = json.load(f)
        for chart in ("ratios", "compile-latency", "sweep", "breakeven-decode-twitter-vmir-fused"):
            self.assertIn(chart, data["charts"])
            self.assertIn(f'data-chart="{chart}"', html)
        self.assertEqual(len(data["charts"]), len(set(data["charts"])), "chart ids are unique")
        # a tier that is not built shows as absent with its reason, not as an error
        self.assertIn("absent (not built", html)
        fused = next(r for r in data["ratios"] if r["workload"] == "twitter" and r["variant"] == "vmir-fused")
        self.assertIn("absent", fused["tiers"]["llvm-opt"])
        self.assertGreater(fused["tiers"]["stencil"]["speedup"], 0)
        self.assertNotIn("<script", html)
        self.assertNotIn("http://", html.replace('xmlns="http://www.w3.org/2000/svg"', ""))
        self.assertEqual(data["trends"]["runs"][-1], "20260102T000000Z-bbbbbbbbbbbb")
        # against the fastest peer: the fastest vmir program and tier and
        # the fastest peer of the same workload, operation and format
        self.assertIn("Against the fastest peer", html)
        bench = history.load_run(run)["bench"]
        peer_ns = {n.split("/")[-1][len("peer-"):]: dashboard.median(r["cpu"]) for n, r in bench.items()
                   if n.startswith("decode/twitter/peer-") and r["cpu"]}
        vmir_ns = min(dashboard.median(r["cpu"]) for n, r in bench.items()
                      if n.startswith("decode/twitter/vmir-") and "msgpack" not in n and r["cpu"])
        row = next(r for r in data["peers"] if (r["workload"], r["op"], r["format"]) == ("twitter", "decode", "JSON"))
        self.assertEqual(row["peer"], min(peer_ns, key=peer_ns.get))
        self.assertAlmostEqual(row["peer_over_vmir"], min(peer_ns.values()) / vmir_ns)
        # MessagePack contestants are never compared with JSON peers
        self.assertFalse(any(r["format"] == "MessagePack" and "msgpack" not in r["peer"] for r in data["peers"]))


class TimedRunsCheck(unittest.TestCase):
    """A repetition whose timed runs did not all run the tier's code
    (vmir-bench's counter jit_share) turns its row into an error."""

    def load(self, shares):
        rows = [{"run_name": "encode/twitter/vmir-json@stencil", "run_type": "iteration",
                 "cpu_time": 100.0 + i, "time_unit": "us", "jit_share": s}
                for i, s in enumerate(shares)]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"benchmarks": rows}, f)
        try:
            return history.load_bench(f.name)["encode/twitter/vmir-json@stencil"]
        finally:
            os.unlink(f.name)

    def test_all_runs_on_the_tier(self):
        row = self.load([1.0, 1.0])
        self.assertIsNone(row["error"])
        self.assertEqual(len(row["cpu"]), 2)

    def test_a_run_off_the_tier_is_an_error(self):
        row = self.load([1.0, 0.0])
        self.assertIn("0% of the timed runs", row["error"])


class Svg(unittest.TestCase):
    def test_log_axis(self):
        a = svg.Axis(1, 1000, 0, 300, log=True)
        self.assertAlmostEqual(a(10), 100)
        self.assertEqual(a.ticks()[0], 1)

    def test_charts_escape_labels(self):
        s = svg.line_chart("c<1>", "a & b", [("x<y", [(1, 1), (2, 3)], None)])
        self.assertIn("a &amp; b", s)
        self.assertNotIn("x<y", s)


if __name__ == "__main__":
    unittest.main()
