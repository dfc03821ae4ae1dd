#!/usr/bin/env bash
# Shell test of the vmir command-line tool: every command on good and bad
# input, checking exit codes, outputs and that error messages name the file
# and the place (line:column for text, byte offset for binary, pc for the
# verifier).
#
# usage: conformance/cli.sh PATH/TO/vmir SOURCE_ROOT
set -u

vmir=${1:?usage: cli.sh VMIR SOURCE_ROOT}
root=${2:?usage: cli.sh VMIR SOURCE_ROOT}
data="$root/conformance/data"
vd="$data/verify"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmir-cli.XXXXXX") || exit 3
trap 'rm -rf "$tmp"' EXIT

pass=0
fail=0
out="$tmp/stdout"
err="$tmp/stderr"

ok() { pass=$((pass + 1)); }
bad() {
  fail=$((fail + 1))
  echo "FAIL: $*" >&2
  echo "  stdout: $(head -c 600 "$out")" >&2
  echo "  stderr: $(head -c 600 "$err")" >&2
}

# run EXPECTED_RC ARGS...: runs vmir with stdin from /dev/null unless the
# caller redirects; records stdout and stderr.
run() {
  local want=$1
  shift
  "$vmir" "$@" </dev/null >"$out" 2>"$err"
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else bad "vmir $* exited $rc, want $want"; fi
}

# run_in EXPECTED_RC INPUT ARGS...: as run, with INPUT on stdin.
run_in() {
  local want=$1 input=$2
  shift 2
  "$vmir" "$@" <"$input" >"$out" 2>"$err"
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else bad "vmir $* < $input exited $rc, want $want"; fi
}

has() {  # has FILE TEXT: the file contains TEXT (fixed string)
  if grep -qF -- "$2" "$1"; then ok; else bad "$(basename "$1") lacks '$2'"; fi
}
lacks() {
  if grep -qF -- "$2" "$1"; then bad "$(basename "$1") has '$2'"; else ok; fi
}
has_re() {  # has_re FILE REGEX (extended)
  if grep -qE -- "$2" "$1"; then ok; else bad "$(basename "$1") lacks /$2/"; fi
}
same() {  # same FILE_A FILE_B: byte-identical
  if cmp -s "$1" "$2"; then ok; else bad "$1 and $2 differ"; fi
}
empty() {
  if [ ! -s "$1" ]; then ok; else bad "$(basename "$1") is not empty"; fi
}

minimal="$data/ir/minimal.vmir"
if [ ! -f "$minimal" ]; then
  echo "FAIL: $minimal is missing" >&2
  exit 1
fi

# ---- top level: help, version, usage errors ------------------------------
run 0 --help
has "$out" "usage: vmir COMMAND"
for c in fmt asm disasm verify shape-id; do has "$out" "  $c "; done
has "$out" "Exit codes:"
has "$out" "3  I/O error"
run 0 help
has "$out" "Commands:"
run 0 help --help
has "$out" "Commands:"
run 0 --version
has_re "$out" '^vmir [0-9]+\.[0-9]+\.[0-9]+ \(program ABI 1\)$'
run 2
has "$err" "usage: vmir COMMAND"
run 2 frobnicate
has "$err" "unknown command 'frobnicate'"
run 2 --frobnicate
has "$err" "unknown option '--frobnicate'"
run 2 help frobnicate
has "$err" "unknown command 'frobnicate'"
for c in fmt asm disasm verify shape-id; do
  run 0 help "$c"
  has "$out" "usage: vmir $c"
  has "$out" "Exit codes:"
  cp "$out" "$tmp/help1"
  run 0 "$c" --help
  same "$out" "$tmp/help1"
  run 0 "$c" -h
  same "$out" "$tmp/help1"
  run 2 "$c" --no-such-option
  has "$err" "vmir $c: unknown option '--no-such-option'"
  has "$err" "Try 'vmir $c --help'"
done

# ---- fmt ------------------------------------------------------------------
# The issue's "done when": the spec's minimal example is its own canonical
# form.
run 0 fmt "$minimal"
same "$out" "$minimal"
run 0 fmt --check "$minimal"
empty "$out"
empty "$err"
run_in 0 "$minimal" fmt
same "$out" "$minimal"
run_in 0 "$minimal" fmt -
same "$out" "$minimal"
run 0 fmt "$minimal" -o "$tmp/min.vmir"
empty "$out"
same "$tmp/min.vmir" "$minimal"
run 0 fmt --output="$tmp/min2.vmir" "$minimal"
same "$tmp/min2.vmir" "$minimal"
for f in tw_user_encode rec_encode tw_user_bad_index tw_user_leave_root; do
  run 0 fmt --check "$vd/$f.vmir"
done
# comments and free layout: accepted, rewritten, and --check says where
run 0 fmt "$vd/noncanonical.vmir" -o "$tmp/canon.vmir"
run 0 fmt --check "$tmp/canon.vmir"
run 1 fmt --check "$vd/noncanonical.vmir"
has "$err" "noncanonical.vmir:1:1: not canonical"
empty "$out"
# a difference further down: line and column of the first differing byte
sed 's/^    (entry-proc f0)))$/    (entry-proc  f0)))/' "$minimal" >"$tmp/late.vmir"
run 1 fmt --check "$tmp/late.vmir"
has "$err" "late.vmir:25:17: not canonical"
has "$err" "canonical:     (entry-proc f0)))"
# syntax errors carry file:line:column
run 1 fmt "$vd/bad_syntax.vmir"
has "$err" "bad_syntax.vmir:15:14: syntax error: unknown instruction"
run_in 1 "$vd/bad_syntax.vmir" fmt
has "$err" "<stdin>:15:14: syntax error"
printf '(vmir\n  (abi 1)\n  (kind encode)' >"$tmp/trunc.vmir"
run 1 fmt "$tmp/trunc.vmir"
has_re "$err" "trunc\.vmir:[0-9]+:[0-9]+: syntax error"
run 3 fmt "$tmp/no-such-file.vmir"
has "$err" "no-such-file.vmir: cannot open"
run 3 fmt "$minimal" -o "$tmp/no-such-dir/out.vmir"
has "$err" "cannot create"
run 2 fmt --check -o "$tmp/x.vmir" "$minimal"
run 2 fmt "$minimal" "$minimal"
has "$err" "unexpected argument"
run 2 fmt -o
has "$err" "needs a value"

# ---- asm / disasm ---------------------------------------------------------
run 0 asm "$vd/rec_encode.vmir" -o "$tmp/rec.vmirb"
empty "$out"
if [ "$(head -c 4 "$tmp/rec.vmirb")" = "VMIR" ]; then ok; else bad "asm output lacks the VMIR magic"; fi
run 0 disasm "$tmp/rec.vmirb"
same "$out" "$vd/rec_encode.vmir"
run 0 disasm "$tmp/rec.vmirb" -o "$tmp/rec.vmir"
same "$tmp/rec.vmir" "$vd/rec_encode.vmir"
run_in 0 "$tmp/rec.vmirb" disasm -
same "$out" "$vd/rec_encode.vmir"
# binary is canonical: text -> binary -> text -> binary gives the same bytes
run 0 asm "$tmp/rec.vmir" -o "$tmp/rec2.vmirb"
same "$tmp/rec.vmirb" "$tmp/rec2.vmirb"
run 0 asm "$minimal" -o "$tmp/min.vmirb"
run 0 disasm "$tmp/min.vmirb"
same "$out" "$minimal"
# to stdout when that is not a terminal (a pipe or a file here)
run_in 0 "$minimal" asm
same "$out" "$tmp/min.vmirb"
# refuse to write binary to a terminal: only testable with a tty at hand
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
  script -qec "\"$vmir\" asm \"$minimal\"; echo rc=\$?" /dev/null >"$out" 2>"$err"
  has "$out" "rc=2"
  has "$out" "refusing to write binary to a terminal"
fi
run 1 asm "$tmp/rec.vmirb" -o "$tmp/x.vmirb"
has "$err" "rec.vmirb: byte 0: invalid input: this is a binary program"
run 1 asm "$vd/bad_syntax.vmir" -o "$tmp/x.vmirb"
has "$err" "bad_syntax.vmir:15:14: syntax error"
run 1 disasm "$minimal"
has "$err" "minimal.vmir: byte 0: invalid input: not a binary program"
head -c 40 "$tmp/rec.vmirb" >"$tmp/short.vmirb"
run 1 disasm "$tmp/short.vmirb"
has_re "$err" "short\.vmirb: byte [0-9]+: encoding error: "
lacks "$err" "binary offset"
# trailing bytes
cat "$tmp/min.vmirb" >"$tmp/long.vmirb"
printf '\0' >>"$tmp/long.vmirb"
run 1 disasm "$tmp/long.vmirb"
has_re "$err" "long\.vmirb: byte [0-9]+: encoding error: "
# another ABI in the header (byte 4 holds the ABI varint)
{ head -c 4 "$tmp/min.vmirb"; printf '\002'; tail -c +6 "$tmp/min.vmirb"; } >"$tmp/abi2.vmirb"
run 1 disasm "$tmp/abi2.vmirb"
has_re "$err" "abi2\.vmirb: byte [0-9]+: "
run 3 disasm "$tmp/none.vmirb"
has "$err" "none.vmirb: cannot open"
run 2 asm "$minimal" -o

# ---- shape-id -------------------------------------------------------------
run 0 shape-id "$vd/tw_user.shape"
has_re "$out" '^[0-9]+$'
tw_id=$(cat "$out")
has "$vd/tw_user_encode.vmir" "(shape-id $tw_id)"
run 0 shape-id --hex "$vd/tw_user.shape"
has_re "$out" '^0x[0-9a-f]{16}$'
if [ "$(printf '%d' "$(cat "$out")" 2>/dev/null)" = "$tw_id" ] ||
   [ "$(python3 -c "print(int('$(cat "$out")', 16))" 2>/dev/null)" = "$tw_id" ]; then
  ok
else
  bad "--hex and decimal ids differ"
fi
run_in 0 "$vd/tw_user.shape" shape-id -
has_re "$out" "^$tw_id\$"
run 0 shape-id "$vd/rec.shape"
rec_id=$(cat "$out")
has "$vd/rec_encode.vmir" "(shape-id $rec_id)"
run 0 shape-id --type tw_user "$vd/rec.shape"
has_re "$out" "^$tw_id\$"
run 1 shape-id --type nobody "$vd/rec.shape"
has "$err" "no type named 'nobody'"
printf '(shapes\n  (define t (struct (size 8) (align 8)\n    (field a (offset 0) (shape u64) (member-size 8))\n    (field b (offset 8) (shape u64) (member-size 8))))\n  (root t))\n' >"$tmp/bad.shape"
run 1 shape-id "$tmp/bad.shape"
has "$err" "bad.shape"
printf '(shapes\n  (define t (strukt))\n  (root t))\n' >"$tmp/syntax.shape"
run 1 shape-id "$tmp/syntax.shape"
has_re "$err" "syntax\.shape:2:[0-9]+: "
run 2 shape-id
has "$err" "missing SHAPE.shape"
run 3 shape-id "$tmp/none.shape"

# ---- verify ---------------------------------------------------------------
run 0 verify --shape "$vd/tw_user.shape" "$vd/tw_user_encode.vmir"
has "$out" "ok: "
has "$out" "tw_user_encode.vmir: encode program, 1 procs, 1 blocks, 19 instructions"
has "$out" "shape tw_user (id $tw_id)"
run 0 verify --shape "$vd/rec.shape" "$vd/rec_encode.vmir"
has "$out" "2 procs, 17 blocks"
run 0 verify -s "$vd/rec.shape" "$tmp/rec.vmirb"
has "$out" "ok: "
run_in 0 "$tmp/rec.vmirb" verify --shape="$vd/rec.shape"
has "$out" "ok: <stdin>"
run_in 0 "$vd/rec_encode.vmir" verify --shape "$vd/rec.shape" -
# the callee f1 alone, as a tw_user program, does not fit rec
run 1 verify --shape "$vd/rec.shape" "$vd/tw_user_encode.vmir"
has "$err" "tw_user_encode.vmir: shape-id error:"
run 0 verify --shape "$vd/rec.shape" --type tw_user "$vd/tw_user_encode.vmir"
run 1 verify --shape "$vd/tw_user.shape" "$vd/tw_user_bad_index.vmir"
has "$err" "tw_user_bad_index.vmir: verify error: f0:b0:14: enter-field index 5 out of range: struct tw_user has 4 fields"
run 0 asm "$vd/tw_user_bad_index.vmir" -o "$tmp/bad_index.vmirb"
run 1 verify --shape "$vd/tw_user.shape" "$tmp/bad_index.vmirb"
has "$err" "bad_index.vmirb: verify error: f0:b0:14: enter-field index 5"
run 1 verify --shape "$vd/tw_user.shape" "$vd/tw_user_leave_root.vmir"
has "$err" "f0:b0:17: leave at the base of f0: would leave the root scope"
run 1 verify --shape "$vd/tw_user.shape" "$minimal"
has "$err" "minimal.vmir: shape-id error: program is bound to shape id 42"
run 1 verify --shape "$vd/tw_user.shape" "$vd/bad_syntax.vmir"
has "$err" "bad_syntax.vmir:15:14: syntax error"
run 1 verify --shape "$vd/tw_user.shape" "$tmp/short.vmirb"
has_re "$err" "short\.vmirb: byte [0-9]+: encoding error"
run 1 verify --shape "$tmp/syntax.shape" "$vd/tw_user_encode.vmir"
has_re "$err" "syntax\.shape:2:[0-9]+: "
run 2 verify "$vd/tw_user_encode.vmir"
has "$err" "missing --shape"
run 2 verify --shape - -
has "$err" "cannot both come from stdin"
run 2 verify --shape "$vd/tw_user.shape" --shape "$vd/rec.shape" "$vd/tw_user_encode.vmir"
has "$err" "given twice"
run 3 verify --shape "$tmp/none.shape" "$vd/tw_user_encode.vmir"
run 3 verify --shape "$vd/tw_user.shape" "$tmp/none.vmir"

echo "cli.sh: $pass checks passed, $fail failed"
[ "$fail" -eq 0 ]
