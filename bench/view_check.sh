#!/usr/bin/env bash
# Renders a report page in headless Chromium and checks the dashboard on
# it: the page loads, the browser logs no script error or console message,
# and every chart dashboard.json lists is in the DOM. Saves a screenshot of
# the dashboard page (dashboard.html beside DASHBOARD.json: the report's
# first screen is the traceability matrix).
# Exits 77 (meson: skipped) when chromium is absent.
#
# usage: view_check.sh PAGE.html DASHBOARD.json SCREENSHOT.png
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 PAGE.html DASHBOARD.json SCREENSHOT.png" >&2
  exit 2
fi
page=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dashboard=$2
shot=$3
dash_page=$(cd "$(dirname "$dashboard")" && pwd)/dashboard.html
[ -f "$dash_page" ] || dash_page=$page
browser=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$browser" ]; then
  echo "SKIP: $browser is not installed (scripts/bootstrap installs chromium)"
  exit 77
fi
tmp=$(mktemp -d /tmp/vmir-dash-view.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --disable-dev-shm-usage --enable-logging=stderr --v=0)
if ! timeout 120 "$browser" "${flags[@]}" --user-data-dir="$tmp/p1" --dump-dom "file://$page" \
    >"$tmp/dom.html" 2>"$tmp/dom.log"; then
  echo "FAIL: chromium could not render $page; its log:"
  tail -n 20 "$tmp/dom.log"
  exit 1
fi
mkdir -p "$(dirname "$shot")"
shot=$(cd "$(dirname "$shot")" && pwd)/$(basename "$shot")
timeout 120 "$browser" "${flags[@]}" --user-data-dir="$tmp/p2" --hide-scrollbars \
  --window-size=1400,4000 --screenshot="$shot" "file://$dash_page" >/dev/null 2>"$tmp/shot.log" || true
failures=0
if grep -E 'Uncaught|:CONSOLE' "$tmp/dom.log" "$tmp/shot.log"; then
  echo "FAIL: script errors or console output in the browser log"
  failures=$((failures + 1))
fi
python3 - "$tmp/dom.html" "$dashboard" <<'PY' || failures=$((failures + 1))
import html, json, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
want = json.load(open(sys.argv[2]))["charts"]
have = {html.unescape(m) for m in re.findall(r'<svg[^>]*data-chart="([^"]*)"', dom)}
missing = [c for c in want if c not in have]
if 'id="benchmarks"' not in dom:
    print("FAIL: no Benchmarks section in the DOM"); sys.exit(1)
if missing:
    print(f"FAIL: {len(missing)} of {len(want)} charts missing from the DOM, e.g. {missing[:5]}"); sys.exit(1)
print(f"charts: all {len(want)} present")
PY
if [ -s "$shot" ]; then
  echo "screenshot: $shot"
else
  echo "FAIL: no screenshot written"
  failures=$((failures + 1))
fi
[ "$failures" = 0 ] && echo "view_check: ok" || { echo "view_check: $failures failures"; exit 1; }
