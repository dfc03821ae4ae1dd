#!/usr/bin/env bash
# Renders vmir-trace's HTML report in headless Chromium and checks the DOM:
# the page loaded, its script ran (body data-js-ok="1"), it shows one row per
# rule, the #only=RESULT filter hides the other rows, and the browser logged
# no script errors. Exits 77 (meson: skipped) when chromium is absent.
#
# usage: html_view.sh VMIR_TRACE REGISTRY FIXTURE_DIR
#   VMIR_TRACE   the built vmir-trace
#   REGISTRY     the project's registry.tsv (its rows are counted)
#   FIXTURE_DIR  tests/fixtures/basic (a tree with test results)
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 VMIR_TRACE REGISTRY FIXTURE_DIR" >&2
  exit 2
fi
trace=$1
registry=$2
fixture=$3
browser=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$browser" ]; then
  echo "SKIP: $browser is not installed (scripts/bootstrap installs chromium)"
  exit 77
fi

tmp=$(mktemp -d /tmp/vmir-html-view.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# render PAGE_URL NAME: dumps the DOM to $tmp/NAME.dom, the log to NAME.log.
render() {
  local url=$1 name=$2
  local profile="$tmp/profile-$name"
  mkdir -p "$profile"
  if ! timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
      --disable-quic --no-first-run --disable-background-networking \
      --disable-component-update --disable-sync --disable-dev-shm-usage \
      --user-data-dir="$profile" --enable-logging=stderr --v=0 \
      --dump-dom "$url" >"$tmp/$name.dom" 2>"$tmp/$name.log"; then
    fail "$name: chromium failed; its log:"
    tail -n 20 "$tmp/$name.log"
    return 1
  fi
}

# check NAME EXPECTED_ROWS EXPECTED_VISIBLE
check() {
  local name=$1 rows=$2 visible=$3 dom="$tmp/$1.dom" log="$tmp/$1.log"
  grep -q '<body data-js-ok="1"' "$dom" || fail "$name: script did not run (no data-js-ok=\"1\")"
  local n
  n=$(grep -c '<tr class="rule"' "$dom" || true)
  [ "$n" = "$rows" ] || fail "$name: $n rule rows in the DOM, expected $rows"
  local hidden
  hidden=$(grep '<tr class="rule"' "$dom" | grep -c 'hidden=' || true)
  [ $((n - hidden)) = "$visible" ] ||
    fail "$name: $((n - hidden)) rows visible, expected $visible"
  if grep -E 'Uncaught|:CONSOLE' "$log"; then
    fail "$name: script errors or console output in the browser log"
  fi
  echo "$name: $n rows, $((n - hidden)) visible"
}

# 1. The project's registry, every rule shown.
rows=$(grep -c -v -E '^[[:space:]]*(#|$)' "$registry")
root=$(cd "$(dirname "$registry")/.." && pwd)
"$trace" --root "$root" --registry "$registry" --no-results -q \
  --html "$tmp/project/index.html"
render "file://$tmp/project/index.html" project && check project "$rows" "$rows"

# 2. The fixture with results, an extra section, and the #only=fail filter.
cat >"$tmp/bench.html" <<'FRAG'
<h2>Benchmarks</h2>
<p id="bench-fragment">placeholder section</p>
FRAG
"$trace" --root "$fixture" --registry "$fixture/traceability/registry.tsv" \
  --results "$fixture/results" --spec "$fixture/spec.md" -q \
  --extra-section "$tmp/bench.html" --html "$tmp/fixture/index.html"
render "file://$tmp/fixture/index.html#only=fail" fixture && {
  check fixture 13 3
  grep -q 'id="bench-fragment"' "$tmp/fixture.dom" || fail "fixture: extra section missing"
  grep -q 'href="#sec-benchmarks-1"' "$tmp/fixture.dom" || fail "fixture: nav link missing"
}

if [ "$failures" != 0 ]; then
  echo "html_view: $failures failures"
  exit 1
fi
echo "html_view: ok"
