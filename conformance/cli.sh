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
# every command of the table: each has its help, by `help C`, `C --help`
# and `C -h`
commands="fmt asm disasm verify shape-id compile encode decode transcode check stats"
run 0 --help
has "$out" "usage: vmir COMMAND"
for c in $commands; do
  has "$out" "  $c "
done
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
for c in $commands; do
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
# every option given twice is a usage error naming it: flags as much as
# options with a value, whichever spelling (long, short, --opt=VALUE)
run 2 fmt --check --check "$minimal"
has "$err" "vmir fmt: option '--check' given twice"
run 2 shape-id -x --hex "$data/verify/tw_user.shape"
has "$err" "option '--hex' given twice"
empty "$out"
run 2 compile -s "$data/verify/tw_user.shape" -f json --binary -b
has "$err" "option '-b' given twice"
run 2 decode -s "$data/verify/tw_user.shape" -f json --pretty --pretty "$minimal"
has "$err" "option '--pretty' given twice"
run 2 check -s "$data/verify/tw_user.shape" -f json --unfused --unfused "$minimal"
has "$err" "option '--unfused' given twice"
run 2 decode -s "$data/verify/tw_user.shape" -f json -o "$tmp/a" --output="$tmp/b" "$minimal"
has "$err" "option '--output' given twice"
run 2 stats -s "$data/verify/tw_user.shape" -f json -n 2 --runs 3 "$minimal"
has "$err" "option '--runs' given twice"
# decode's help lists the limits, the 64 MiB string limit among them
run 0 decode --help
has "$out" "string, key or bin      64 MiB"

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
# past the limit of 4096 definitions: the error names the define that
# crosses it (line 4098, after the `(shapes` line), not the file's start
{
  echo '(shapes'
  i=0
  while [ "$i" -le 4096 ]; do
    echo "  (define t$i (struct (size 8) (align 8) (field a (offset 0) (shape u64))))"
    i=$((i + 1))
  done
  echo '  (root t0))'
} >"$tmp/many.shape"
run 1 shape-id "$tmp/many.shape"
has "$err" "many.shape:4098:3: limit error: more than 4096 definitions"
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

# ---- documents: shared fixtures -------------------------------------------
# tw_user: four scalar fields; rec: every kind (options, lists, maps, value,
# tuple, array, enum, recursion through a nullable option, pointer, bytes).
tws="$vd/tw_user.shape"
recs="$vd/rec.shape"
tw_canon='{"id":7,"name":"ann","verified":true,"followers":12}'
printf '%s\n' "$tw_canon" >"$tmp/u_canon.json"
# the same value with other member order and layout
printf '{ "followers": 12,\n  "verified": true, "name": "ann",\n  "id": 7 }\n' >"$tmp/u.json"
# a boolean given as 1: line 3, column 13
printf '{"id":7,\n "name":"ann",\n "verified":1,"followers":12}' >"$tmp/u_bad.json"
printf '{"id":7,\n  "name":"ann"' >"$tmp/u_trunc.json"
printf '{"id":7,"name":"ann","verified":true,"followers":12,"x":1}' >"$tmp/u_unknown.json"
printf '{"id":7,"name":"ann","id":8,"verified":true,"followers":12}' >"$tmp/u_dup.json"
printf '{"id":7,"name":"ann","verified":true}' >"$tmp/u_missing.json"
cat >"$tmp/rec.json" <<'JSON'
{"id":1,"name":"r","maybe":null,"tags":[1,2],"attrs":{"a":1},"extra":{"k":[1,"x",null,true,-2,1.5]},"any":{"z":1.5},"pair":[3,"p"],"trio":[1,2,3],"ev":{"C":{"s":"s","n":2}},"next":{"id":2,"name":"q","maybe":5,"tags":[],"attrs":{},"extra":{},"any":null,"pair":[0,""],"trio":[0,0,0],"ev":"A","next":null,"user":{"id":0,"name":"","verified":false,"followers":0},"flag":true,"blob":[]},"user":{"id":7,"name":"ann","verified":true,"followers":12},"flag":false,"blob":[1,2,255]}
JSON
# one f64 field, for a value JSON cannot spell (NaN from MessagePack)
printf '(shapes\n  (define p (struct (size 8) (align 8)\n    (field x (offset 0) (shape f64) (member-size 8))))\n  (root p))\n' >"$tmp/f64.shape"
printf '\201\241x\313\177\370\0\0\0\0\0\0' >"$tmp/nan.mp"

# on_tty ARGS...: runs vmir with stdout on a terminal (when `script` can
# give it one); leaves "rc=N" and the messages in $out. Returns 1 when no
# terminal is at hand.
on_tty() {
  command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1 || return 1
  local cmd="\"$vmir\""
  for a in "$@"; do cmd="$cmd \"$a\""; done
  script -qec "$cmd </dev/null; echo rc=\$?" /dev/null >"$out" 2>"$err"
}

# ---- compile --------------------------------------------------------------
# the encode program of tw_user is the checked-in fixture, for both formats
# (encode programs are format-neutral)
run 0 compile --shape "$tws" --format json
same "$out" "$vd/tw_user_encode.vmir"
run 0 compile -s "$tws" -f msgpack --direction encode
same "$out" "$vd/tw_user_encode.vmir"
run 0 compile -s "$recs" -f json --type tw_user -o "$tmp/c_tw.vmir"
empty "$out"
same "$tmp/c_tw.vmir" "$vd/tw_user_encode.vmir"
run 0 compile -s "$recs" -f json -o "$tmp/c_rec.vmir"
run 0 verify -s "$recs" "$tmp/c_rec.vmir"
has "$out" "encode program"
run 0 fmt --check "$tmp/c_rec.vmir"
# decode programs: fused by default, or either half of the unfused pair
run 0 compile -s "$recs" -f json --direction decode -o "$tmp/c_fused.vmir"
has "$tmp/c_fused.vmir" "(kind fused)"
run 0 verify -s "$recs" "$tmp/c_fused.vmir"
has "$out" "fused program"
run 0 compile -s "$recs" -f json --direction=decode --fused
same "$out" "$tmp/c_fused.vmir"
run 0 compile -s "$recs" -f msgpack --unfused-parse -o "$tmp/c_parse.vmir"
has "$tmp/c_parse.vmir" "(kind decode)"
has "$tmp/c_parse.vmir" "msgpack-"
run 0 verify -s "$recs" "$tmp/c_parse.vmir"
run 0 compile -s "$recs" -f msgpack -d decode --unfused-build -o "$tmp/c_build.vmir"
has "$tmp/c_build.vmir" "(kind build)"
run 0 verify -s "$recs" "$tmp/c_build.vmir"
# policies change the decode program
run 0 compile -s "$tws" -f json --direction decode
has "$out" "(build-deny-unknown)"
has "$out" "(last-wins false)"
run 0 compile -s "$tws" -f json --unknown skip --duplicates last-wins
has "$out" "(kind fused)"
lacks "$out" "(build-deny-unknown)"
has "$out" "(last-wins true)"
# binary form: the same program as the text
run 0 compile -s "$recs" -f json --binary -o "$tmp/c_rec.vmirb"
if [ "$(head -c 4 "$tmp/c_rec.vmirb")" = "VMIR" ]; then ok; else bad "compile --binary lacks the VMIR magic"; fi
run 0 disasm "$tmp/c_rec.vmirb"
same "$out" "$tmp/c_rec.vmir"
run_in 0 "$tws" compile -s - -f json -b
cp "$out" "$tmp/c_tw.vmirb"
run 0 disasm "$tmp/c_tw.vmirb" -o "$tmp/c_tw2.vmir"
same "$tmp/c_tw2.vmir" "$vd/tw_user_encode.vmir"
if on_tty compile -s "$tws" -f json --binary; then
  has "$out" "rc=2"
  has "$out" "refusing to write binary to a terminal"
fi
# errors
run 2 compile -s "$tws"
has "$err" "missing --format json|msgpack"
run 2 compile -s "$tws" -f xml
has "$err" "unknown format 'xml'"
run 2 compile -f json
has "$err" "missing --shape"
run 2 compile -s "$tws" -f json --fused --unfused-parse
has "$err" "exclude each other"
run 2 compile -s "$tws" -f json --direction encode --unfused-build
has "$err" "apply to --direction decode"
run 2 compile -s "$tws" -f json --direction encode --unknown skip
run 2 compile -s "$tws" -f json --direction sideways
has "$err" "expected encode or decode, not 'sideways'"
run 2 compile -s "$tws" -f json --unknown maybe
has "$err" "--unknown: expected deny, skip or collect"
run 2 compile -s "$tws" -f json --duplicates first-wins
has "$err" "--duplicates: expected reject or last-wins"
run 2 compile -s "$tws" -f json extra.vmir
has "$err" "unexpected argument 'extra.vmir'"
run 1 compile -s "$recs" -f json --type nobody
has "$err" "no type named 'nobody'"
run 1 compile -s "$tmp/syntax.shape" -f json
has_re "$err" "syntax\.shape:2:[0-9]+: "
run 1 compile -s "$tmp/bad.shape" -f json
has "$err" "bad.shape:2:13: layout error: field 'b' of struct t at offset 8"
# the kind is said once, not again by the library's message
lacks "$err" "layout error: layout:"
printf '(shapes\n  (define e (enum (size 8) (align 4) (tag (offset 0) (width 4))\n    (tagging adjacent (tag-key "t") (content-key "t"))\n    (variant a (discriminant 0) (style unit))))\n  (root e))\n' >"$tmp/samekey.shape"
run 1 compile -s "$tmp/samekey.shape" -f json
has "$err" "samekey.shape:2:13: shape error: enum e uses the same key 't' for tag and content"
run 1 shape-id "$tmp/samekey.shape"
lacks "$err" "shape error: shape:"
run 3 compile -s "$tmp/none.shape" -f json
has "$err" "none.shape: cannot open"
run 3 compile -s "$tws" -f json -o "$tmp/no-such-dir/p.vmir"
has "$err" "cannot create"

# ---- decode ---------------------------------------------------------------
# canonical JSON: compact, members in shape order, one newline
run 0 decode --shape "$tws" --format json "$tmp/u.json"
same "$out" "$tmp/u_canon.json"
empty "$err"
run_in 0 "$tmp/u.json" decode -s "$tws" -f json
same "$out" "$tmp/u_canon.json"
run_in 0 "$tmp/u.json" decode -s "$tws" -f json -
same "$out" "$tmp/u_canon.json"
run 0 decode -s "$tws" -f json --unfused "$tmp/u.json"
same "$out" "$tmp/u_canon.json"
run 0 decode -s "$tws" -f json "$tmp/u.json" -o "$tmp/u_out.json"
empty "$out"
same "$tmp/u_out.json" "$tmp/u_canon.json"
printf '{\n  "id": 7,\n  "name": "ann",\n  "verified": true,\n  "followers": 12\n}\n' >"$tmp/u_pretty.json"
run 0 decode -s "$tws" -f json --pretty "$tmp/u.json"
same "$out" "$tmp/u_pretty.json"
# every kind: the canonical document is its own canonical form
run 0 decode -s "$recs" -f json "$tmp/rec.json"
same "$out" "$tmp/rec.json"
run 0 decode -s "$recs" -f json --unfused "$tmp/rec.json"
same "$out" "$tmp/rec.json"
run 0 decode -s "$recs" -f json --type tw_user "$tmp/u.json"
same "$out" "$tmp/u_canon.json"
# errors: FILE:LINE:COLUMN, the excerpt, the value path, the pc
run 1 decode -s "$tws" -f json "$tmp/u_bad.json"
has "$err" "u_bad.json:3:13: decode error: expected a boolean, found '1'"
has "$err" "\"verified\":‸1"
has "$err" "(at .verified)"
has_re "$err" '\[pc f[0-9]+:b[0-9]+:[0-9]+\]$'
lacks "$err" "line 3, column 13"
empty "$out"
run 1 decode -s "$tws" -f json --unfused "$tmp/u_bad.json"
has "$err" "u_bad.json:3:13: decode error: "
has "$err" "(at .verified)"
run_in 1 "$tmp/u_bad.json" decode -s "$tws" -f json
has "$err" "<stdin>:3:13: decode error"
run 1 decode -s "$tws" -f json "$tmp/u_trunc.json"
has "$err" "u_trunc.json:2:15: decode error: expected ',' or '}' after object member, found end of input"
run 1 decode -s "$tws" -f json "$tmp/u_unknown.json"
has "$err" "u_unknown.json:1:53: build error: unknown field \"x\""
run 0 decode -s "$tws" -f json --unknown skip "$tmp/u_unknown.json"
same "$out" "$tmp/u_canon.json"
run 1 decode -s "$tws" -f json "$tmp/u_dup.json"
has "$err" "u_dup.json:1:22: build error: duplicate key 'id'"
run 0 decode -s "$tws" -f json --duplicates last-wins "$tmp/u_dup.json"
has "$out" '{"id":8,'
run 1 decode -s "$tws" -f json "$tmp/u_missing.json"
has "$err" "u_missing.json: build error: missing required field 'followers'"
printf '' >"$tmp/empty.json"
run 1 decode -s "$tws" -f json "$tmp/empty.json"
has "$err" "empty.json:1:1: decode error: "
# JSON read as MessagePack: a byte offset, not a line
run 1 decode -s "$tws" -f msgpack "$tmp/u.json"
has "$err" "u.json: offset 0: decode error: "
run 2 decode -s "$tws" "$tmp/u.json"
has "$err" "missing --format"
run 2 decode -f json "$tmp/u.json"
has "$err" "missing --shape"
run 2 decode -s - -f json
has "$err" "cannot both come from stdin"
run 2 decode -s "$tws" -f json "$tmp/u.json" "$tmp/u.json"
has "$err" "unexpected argument"
run 3 decode -s "$tws" -f json "$tmp/none.json"
has "$err" "none.json: cannot open"
run 3 decode -s "$tmp/none.shape" -f json "$tmp/u.json"

# ---- transcode ------------------------------------------------------------
run 0 transcode -s "$tws" --from json --to msgpack "$tmp/u.json" -o "$tmp/u.mp"
empty "$out"
# fixmap of 4, "id": 7 first (shape order)
if [ "$(head -c 5 "$tmp/u.mp" | od -An -tx1 | tr -d ' \n')" = "84a2696407" ]; then
  ok
else
  bad "transcode to msgpack: unexpected header $(head -c 5 "$tmp/u.mp" | od -An -tx1)"
fi
run 0 transcode -s "$tws" --from msgpack --to json "$tmp/u.mp"
same "$out" "$tmp/u_canon.json"
run 0 transcode -s "$tws" --from msgpack --to msgpack "$tmp/u.mp"
same "$out" "$tmp/u.mp"
run_in 0 "$tmp/u.mp" transcode -s "$tws" --from=msgpack --to=json --pretty
same "$out" "$tmp/u_pretty.json"
run 0 transcode -s "$tws" --from json --to json "$tmp/u.json"
same "$out" "$tmp/u_canon.json"
run 0 decode -s "$tws" -f msgpack "$tmp/u.mp"
same "$out" "$tmp/u_canon.json"
# every kind, through MessagePack and back
run 0 transcode -s "$recs" --from json --to msgpack "$tmp/rec.json" -o "$tmp/rec.mp"
run 0 transcode -s "$recs" --from msgpack --to json --unfused "$tmp/rec.mp"
same "$out" "$tmp/rec.json"
# errors
head -c 20 "$tmp/u.mp" >"$tmp/u_short.mp"
run 1 transcode -s "$tws" --from msgpack --to json "$tmp/u_short.mp"
has "$err" "u_short.mp: offset 20: decode error: unexpected end of input"
has_re "$err" '\[pc f[0-9]+:b[0-9]+:[0-9]+\]$'
empty "$out"
run 1 transcode -s "$tws" --from json --to msgpack "$tmp/u_bad.json" -o "$tmp/x.mp"
has "$err" "u_bad.json:3:13: decode error"
# NaN fits MessagePack but has no JSON form: an encode (sink) error
run 0 transcode -s "$tmp/f64.shape" --from msgpack --to msgpack "$tmp/nan.mp"
same "$out" "$tmp/nan.mp"
run 1 transcode -s "$tmp/f64.shape" --from msgpack --to json "$tmp/nan.mp"
has "$err" "nan.mp: sink error: non-finite float has no JSON form (at .x) [pc f0:"
empty "$out"
run 2 transcode -s "$tws" --to json "$tmp/u.json"
has "$err" "missing --from json|msgpack"
run 2 transcode -s "$tws" --from json "$tmp/u.json"
has "$err" "missing --to json|msgpack"
run 2 transcode -s "$tws" --from json --to yaml "$tmp/u.json"
has "$err" "--to: unknown format 'yaml'"
run 2 transcode -s "$tws" --from json --to msgpack --pretty "$tmp/u.json"
has "$err" "--pretty applies to JSON output only"
if on_tty transcode -s "$tws" --from json --to msgpack "$tmp/u.json"; then
  has "$out" "rc=2"
  has "$out" "refusing to write binary to a terminal"
fi
run 3 transcode -s "$tws" --from json --to json "$tmp/none.json"

# ---- encode ---------------------------------------------------------------
run 0 encode --shape "$tws" --to json "$tmp/u.json"
same "$out" "$tmp/u_canon.json"
run 0 encode -s "$tws" --to json --pretty "$tmp/u.json"
same "$out" "$tmp/u_pretty.json"
run 0 encode -s "$tws" --to msgpack "$tmp/u.json" -o "$tmp/e.mp"
same "$tmp/e.mp" "$tmp/u.mp"
run_in 0 "$tmp/u.json" encode -s "$tws" --to msgpack
same "$out" "$tmp/u.mp"
# a given program, text or binary, for either format
run 0 encode -s "$tws" --to msgpack --program "$vd/tw_user_encode.vmir" "$tmp/u.json"
same "$out" "$tmp/u.mp"
run 0 asm "$vd/tw_user_encode.vmir" -o "$tmp/tw_enc.vmirb"
run 0 encode -s "$tws" --to json -p "$tmp/tw_enc.vmirb" "$tmp/u.json"
same "$out" "$tmp/u_canon.json"
run_in 0 "$tmp/tw_enc.vmirb" encode -s "$tws" --to json --program - "$tmp/u.json"
same "$out" "$tmp/u_canon.json"
run 0 encode -s "$recs" --to json -p "$tmp/c_rec.vmirb" "$tmp/rec.json"
same "$out" "$tmp/rec.json"
run 0 encode -s "$recs" --to msgpack "$tmp/rec.json"
same "$out" "$tmp/rec.mp"
# the program is verified against the shape
run 1 encode -s "$tws" --to json --program "$vd/tw_user_bad_index.vmir" "$tmp/u.json"
has "$err" "tw_user_bad_index.vmir: verify error: f0:b0:14: enter-field index 5 out of range"
empty "$out"
run 1 encode -s "$recs" --to json --program "$vd/tw_user_encode.vmir" "$tmp/rec.json"
has "$err" "tw_user_encode.vmir: shape-id error:"
run 1 encode -s "$tws" --to json --program "$tmp/c_fused.vmir" "$tmp/u.json"
has "$err" "c_fused.vmir: invalid input: a fused program, not an encode program"
run 1 encode -s "$tws" --to json --program "$vd/bad_syntax.vmir" "$tmp/u.json"
has "$err" "bad_syntax.vmir:15:14: syntax error"
# the value must fit the shape
run 1 encode -s "$tws" --to json "$tmp/u_bad.json"
has "$err" "u_bad.json:3:13: decode error: expected a boolean"
has "$err" "(at .verified)"
run 1 encode -s "$tws" --to msgpack "$tmp/u_unknown.json" -o "$tmp/x.mp"
has "$err" "u_unknown.json:1:53: build error: unknown field"
run 2 encode -s "$tws" "$tmp/u.json"
has "$err" "missing --to json|msgpack"
run 2 encode -s "$tws" --to msgpack --pretty "$tmp/u.json"
has "$err" "--pretty applies to JSON output only"
run 2 encode -s "$tws" --to json --program - -
has "$err" "only one of the shape, the program and the value can come from stdin"
run 2 encode -s "$tws" --to json --format json "$tmp/u.json"
has "$err" "unknown option '--format'"
if on_tty encode -s "$tws" --to msgpack "$tmp/u.json"; then
  has "$out" "rc=2"
  has "$out" "refusing to write binary to a terminal"
fi
run 3 encode -s "$tws" --to json --program "$tmp/none.vmir" "$tmp/u.json"
has "$err" "none.vmir: cannot open"
run 3 encode -s "$tws" --to json "$tmp/none.json"

# ---- check ----------------------------------------------------------------
run 0 check --shape "$tws" --format json "$tmp/u.json" "$tmp/u_canon.json"
has "$out" "ok: $tmp/u.json"
has "$out" "ok: $tmp/u_canon.json"
empty "$err"
run_in 0 "$tmp/u.json" check -s "$tws" -f json
has_re "$out" '^ok: <stdin>$'
run 0 check -s "$tws" -f msgpack "$tmp/u.mp" "$tmp/e.mp"
has "$out" "ok: $tmp/e.mp"
run 0 check -s "$recs" -f json --unfused "$tmp/rec.json"
run 0 check -s "$tws" -f json --unknown skip --duplicates last-wins "$tmp/u_unknown.json" "$tmp/u_dup.json"
# an invalid document fails the run, and the others are still checked
run 1 check -s "$tws" -f json "$tmp/u_bad.json" "$tmp/u.json" "$tmp/u_trunc.json"
has "$out" "ok: $tmp/u.json"
lacks "$out" "u_bad.json"
has "$err" "u_bad.json:3:13: decode error"
has "$err" "u_trunc.json:2:15: decode error"
# stdout and stderr in one stream keep the order of the documents
"$vmir" check -s "$tws" -f json "$tmp/u.json" "$tmp/u_bad.json" "$tmp/u_canon.json" \
  </dev/null >"$out" 2>&1
if [ "$(sed -n 1p "$out")" = "ok: $tmp/u.json" ] &&
   [ "$(sed -n 2p "$out" | cut -d: -f2-4)" = "3:13: decode error" ] &&
   [ "$(sed -n 3p "$out")" = "ok: $tmp/u_canon.json" ]; then
  ok
else
  bad "check 2>&1: the lines are out of the documents' order"
fi
run 1 check -s "$tws" -f msgpack "$tmp/u_short.mp"
has "$err" "u_short.mp: offset 20: "
run 3 check -s "$tws" -f json "$tmp/none.json" "$tmp/u.json"
has "$err" "none.json: cannot open"
has "$out" "ok: $tmp/u.json"
run 2 check -s "$tws" -f json - -
has "$err" "stdin can be read only once"
run 2 check -s - -f json
run 2 check -s "$tws" "$tmp/u.json"
has "$err" "missing --format"

# ---- stats ----------------------------------------------------------------
# 3 decodes and 3 encodes under the tiering runtime, whatever the backend
run 0 stats --shape "$tws" --format json --runs 3 "$tmp/u.json"
has "$out" "vmir jit statistics (process)"
has_re "$out" '^  executions +6 \([0-9]+ in generated code\)$'
has "$out" "decode program:"
has "$out" "encode program:"
has_re "$out" '^  executions +3 \('
empty "$err"
run 0 stats -s "$tws" -f json -n 3 --backend none "$tmp/u.json"
has "$out" "none (interpreter only)"
has_re "$out" '^  executions +6 \(0 in generated code\)$'
run_in 0 "$tmp/u.mp" stats -s "$tws" -f msgpack -n 2 --threshold 0
has_re "$out" '^  executions +4 \('
run 1 stats -s "$tws" -f json "$tmp/u_bad.json"
has "$err" "u_bad.json:3:13: decode error: expected a boolean"
empty "$out"
run 0 stats -s "$tws" -f json -n 1 --unknown skip "$tmp/u_unknown.json"
run 1 stats -s "$tws" -f json -n 1 "$tmp/u_unknown.json"
has "$err" "build error: unknown field"
run 2 stats -s "$tws" "$tmp/u.json"
has "$err" "missing --format json|msgpack"
run 2 stats -f json "$tmp/u.json"
has "$err" "missing --shape"
run 2 stats -s "$tws" -f json -n 0 "$tmp/u.json"
has "$err" "--runs: expected a number >= 1, got '0'"
run 2 stats -s "$tws" -f json --threshold x "$tmp/u.json"
has "$err" "--threshold: expected a number >= 0, got 'x'"
run 2 stats -s "$tws" -f json --backend nosuch "$tmp/u.json"
has "$err" "unknown JIT backend 'nosuch'"
run 2 stats -s - -f json
has "$err" "cannot both come from stdin"
run 3 stats -s "$tws" -f json "$tmp/none.json"
has "$err" "none.json: cannot open"
# VMIR_JIT_LLVM_PERF=1 (docs/jit.md, profiling): the LLVM code still runs,
# and a jitdump file for `perf inject --jit` appears under JITDUMPDIR.
# Where LLVM is not built in, the run stays on the interpreter.
mkdir -p "$tmp/jitdump"
JITDUMPDIR="$tmp/jitdump" VMIR_JIT_LLVM_PERF=1 \
  run 0 stats -s "$tws" -f json -n 3 --backend llvm --threshold 0 "$tmp/u.json"
if grep -q "backend  *llvm, level" "$out"; then
  has_re "$out" '^  executions +6 \([1-9][0-9]* in generated code\)$'
  if find "$tmp/jitdump" -name 'jit-*.dump' -size +0 | grep -q .; then ok
  else bad "no jitdump file under JITDUMPDIR"; fi
fi

# ---- examples/: the files README.md and docs/cli.md use -------------------
# The program and the MessagePack document are outputs of the tool; they
# must stay what the tool makes of the shape and the JSON document.
ex="$root/examples"
run 0 compile -s "$ex/user.shape" -f json
same "$out" "$ex/user_encode.vmir"
run 0 verify -s "$ex/user.shape" "$ex/user_encode.vmir"
run 0 transcode -s "$ex/user.shape" --from json --to msgpack "$ex/user.json"
same "$out" "$ex/user.msgpack"
run 0 check -s "$ex/user.shape" -f msgpack "$ex/user.msgpack"
run 1 check -s "$ex/user.shape" -f json "$ex/user.json" "$ex/user_bad.json"
has "$err" "user_bad.json:4:15: decode error: expected a boolean, found '1'"

# ---- the twitter corpus through its model ---------------------------------
shared="${VMIR_SHARED:-$root/../shared}"
twitter="$shared/corpora/twitter.json"
tw_model="$root/conformance/models/twitter.shape"
if [ -f "$twitter" ]; then
  run 0 decode -s "$tw_model" -f json "$twitter" -o "$tmp/tw.json"
  empty "$err"
  # canonical JSON is a fixed point
  run 0 decode -s "$tw_model" -f json "$tmp/tw.json"
  same "$out" "$tmp/tw.json"
  run 0 decode -s "$tw_model" -f json --unfused "$twitter"
  same "$out" "$tmp/tw.json"
  run 0 transcode -s "$tw_model" --from json --to msgpack "$twitter" -o "$tmp/tw.mp"
  run 0 transcode -s "$tw_model" --from msgpack --to json "$tmp/tw.mp" -o "$tmp/tw2.json"
  same "$tmp/tw2.json" "$tmp/tw.json"
  run 0 encode -s "$tw_model" --to msgpack "$tmp/tw.json" -o "$tmp/tw2.mp"
  same "$tmp/tw2.mp" "$tmp/tw.mp"
  run 0 check -s "$tw_model" -f json "$twitter"
  has "$out" "ok: $twitter"
  run 0 check -s "$tw_model" -f msgpack "$tmp/tw.mp"
  has "$out" "ok: $tmp/tw.mp"
  # a boolean spelled 0 deep inside: found at its line and column, with the
  # value path down to it
  n=$(grep -n '"truncated": false' "$twitter" | sed -n '3p' | cut -d: -f1)
  if [ -z "$n" ]; then
    echo "cli.sh: SKIP twitter error position: no third \"truncated\": false"
  else
    sed "${n}s/\"truncated\": false/\"truncated\": 0/" "$twitter" >"$tmp/tw_bad.json"
    col=$(sed -n "${n}p" "$tmp/tw_bad.json" | awk '{ print index($0, "\"truncated\": 0") + 13 }')
    run 1 check -s "$tw_model" -f json "$tmp/tw_bad.json"
    has "$err" "tw_bad.json:$n:$col: decode error: expected a boolean, found '0'"
    has_re "$err" '\(at \.statuses\[[0-9]+\][^)]*\.truncated\)'
    empty "$out"
  fi
else
  echo "cli.sh: SKIP twitter corpus checks: $twitter is absent"
fi

echo "cli.sh: $pass checks passed, $fail failed"
[ "$fail" -eq 0 ]
