#!/usr/bin/env bash
# The dashboard as scripts/report shows it, rendered in headless Chromium:
# the dashboard of the fixture runs, put into a vmir-trace page as a
# further section, checked by bench/view_check.sh (no console errors, every
# chart present, a screenshot written). Exits 77 when chromium is absent.
#
# usage: dashboard_view.sh VMIR_TRACE SOURCE_ROOT
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 VMIR_TRACE SOURCE_ROOT" >&2; exit 2; }
trace=$1
root=$2
tmp=$(mktemp -d /tmp/vmir-dash-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fixtures="$root/bench/tests/fixtures/history"
python3 "$root/bench/dashboard.py" --run "$fixtures/20260102T000000Z-bbbbbbbbbbbb" \
  --history "$fixtures" --out "$tmp" --root "$root"
"$trace" --root "$root" --registry "$root/traceability/registry.tsv" --no-results -q \
  --extra-section "$tmp/sections/benchmarks.html" --html "$tmp/index.html"
"$root/bench/view_check.sh" "$tmp/index.html" "$tmp/dashboard.json" "$tmp/screenshot.png"
