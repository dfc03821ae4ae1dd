#!/usr/bin/env python3
"""Regenerates fuzz/seeds/ and fuzz/dicts/ (docs/fuzzing.md).

usage: fuzz/make_seeds.py BUILD_DIR [SHARED_DIR] [--cmin AFL_BUILD_DIR]

BUILD_DIR holds a built `cli/vmir` (it compiles the IR seeds and converts
JSON seeds to MessagePack); SHARED_DIR (default ../shared) the corpora, of
which only small trimmed excerpts become seeds. With --cmin, each target's
seeds are minimised with afl-cmin against AFL_BUILD_DIR/fuzz/afl-TARGET.
Deterministic: the same inputs give the same files.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TARGETS = ["diff-encode", "diff-decode", "ir-text", "ir-binary", "shape-text",
           "json-decode", "msgpack-decode"]
# fixed_shapes.c order: C shapes, then the embedded shape files.
FIXED = ["value", "twitter", "citm_catalog", "canada", "tw_status", "ca_geometry", "user",
         "all_kinds", "policies", "figure_external", "figure_external_unit", "figure_adjacent",
         "figure_untagged", "figure_internal", "node", "string", "f64",
         "kinds", "enums", "expr", "twitter_data", "rec", "tw_user", "twitter_model",
         "citm_catalog_model", "canada_model", "stamps"]
# model -> (shape file, type in it or None for the root)
MODELS = {
    "twitter": ("conformance/models/twitter.shape", None),
    "tw_status": ("conformance/models/twitter.shape", "tw_status"),
    "citm_catalog": ("conformance/models/citm_catalog.shape", None),
    "canada": ("conformance/models/canada.shape", None),
    "ca_geometry": ("conformance/models/canada.shape", "ca_geometry"),
}
MAX_SEED = 6000


def vmir(build, *args, data=None):
    r = subprocess.run([os.path.join(build, "cli", "vmir")] + list(args), input=data,
                       capture_output=True)
    return r.stdout if r.returncode == 0 else None


def trim(v, keep=2):
    """Keeps the first `keep` items of every list."""
    if isinstance(v, list):
        return [trim(x, keep) for x in v[:keep]]
    if isinstance(v, dict):
        return {k: trim(x, keep) for k, x in v.items()}
    return v


def trim_maps(v, keep):
    if isinstance(v, dict):
        items = list(v.items())
        if all(k.isdigit() for k, _ in items) and items:
            items = items[:keep]
        return {k: trim_maps(x, keep) for k, x in items}
    if isinstance(v, list):
        return [trim_maps(x, keep) for x in v[:keep]]
    return v


def dumps(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode()


def corpus_docs(shared):
    """Small excerpts of the corpora: {model: json bytes}."""
    docs = {}
    corpora = os.path.join(shared, "corpora")
    try:
        tw = json.load(open(os.path.join(corpora, "twitter.json"), encoding="utf-8"))
        tw["statuses"] = [trim(s) for s in tw["statuses"][:1]]
        docs["twitter"] = dumps(tw)
        docs["tw_status"] = dumps(tw["statuses"][0])
        citm = json.load(open(os.path.join(corpora, "citm_catalog.json"), encoding="utf-8"))
        docs["citm_catalog"] = dumps(trim_maps(citm, 2))
        ca = json.load(open(os.path.join(corpora, "canada.json"), encoding="utf-8"))
        feat = ca["features"][0]
        feat["geometry"]["coordinates"] = [ring[:5] for ring in feat["geometry"]["coordinates"][:1]]
        ca["features"] = [feat]
        docs["canada"] = dumps(ca)
        docs["ca_geometry"] = dumps(feat["geometry"])
    except (OSError, KeyError, ValueError) as e:
        print("make_seeds: corpora excerpts skipped:", e, file=sys.stderr)
    return docs


VALUE_DOCS = [b"null", b"true", b"0", b"-0", b"-1", b"18446744073709551615", b"-9223372036854775808",
              b"1.5e300", b"0.1", b"2.2250738585072011e-308", b'""', b'"a\\u00e9\\ud83d\\ude00\\n"',
              b'"caf\xc3\xa9"', b"[]", b"{}", b'[1,[2,[3,{"a":null}]]]',
              b'{"a":1,"a":2,"b":[true,false],"c":{"d":"e"}}', b' [ 1 , 2 ] ', b"[1,]", b'{"a" 1}',
              b'"\\ud800"', b"01", b"1.", b"NaN", b'"\x01"', b"[" * 30 + b"]" * 30]


def json_suite_docs(shared, limit=40):
    d = os.path.join(shared, "conformance", "json-test-suite", "test_parsing")
    if not os.path.isdir(d):
        return []
    names = sorted(n for n in os.listdir(d) if n.endswith(".json"))
    names = [n for n in names if os.path.getsize(os.path.join(d, n)) <= 64]
    rng = random.Random(7)
    rng.shuffle(names)
    return [open(os.path.join(d, n), "rb").read() for n in sorted(names[:limit])]


def write(target, name, data, seeds):
    if len(data) > MAX_SEED:
        return
    path = os.path.join(seeds, target, name)
    with open(path, "wb") as f:
        f.write(data)


def ir_seeds(build, seeds):
    shapes = ["conformance/data/shapes/kinds.shape", "conformance/data/shapes/enums.shape",
              "conformance/data/shapes/expr.shape", "conformance/data/verify/tw_user.shape",
              "conformance/data/verify/rec.shape"]
    variants = [("enc", ["-f", "json"]), ("fused-json", ["-f", "json", "-d", "decode"]),
                ("fused-mp", ["-f", "msgpack", "-d", "decode", "--unknown", "skip"]),
                ("parse", ["-f", "json", "--unfused-parse"]),
                ("build", ["-f", "msgpack", "--unfused-build", "--duplicates", "last-wins"])]
    for s in shapes:
        base = os.path.basename(s)[:-6]
        for vname, args in variants:
            text = vmir(build, "compile", "-s", os.path.join(ROOT, s), *args)
            if text is None:
                continue
            write("ir-text", f"{base}-{vname}.vmir", text, seeds)
            with tempfile.NamedTemporaryFile(suffix=".vmirb") as tmp:
                if vmir(build, "compile", "-s", os.path.join(ROOT, s), *args, "--binary", "-o",
                        tmp.name) is not None:
                    write("ir-binary", f"{base}-{vname}.vmirb", open(tmp.name, "rb").read(), seeds)
    for d in ["conformance/data/ir", "conformance/data/verify"]:
        for n in sorted(os.listdir(os.path.join(ROOT, d))):
            p = os.path.join(ROOT, d, n)
            if n.endswith(".vmir") and os.path.isfile(p):
                write("ir-text", "data-" + n, open(p, "rb").read(), seeds)
            if n.endswith(".shape"):
                write("shape-text", n, open(p, "rb").read(), seeds)
    for d in ["conformance/data/shapes", "conformance/models", "fuzz/shapes"]:
        for n in sorted(os.listdir(os.path.join(ROOT, d))):
            if n.endswith(".shape"):
                write("shape-text", n, open(os.path.join(ROOT, d, n), "rb").read(), seeds)


JSON_TOKENS = ["{", "}", "[", "]", ":", ",", '"', "true", "false", "null", "-", "0", "-0", "1e308",
               "0.5E-3", "18446744073709551615", "-9223372036854775808", "\\u0000", "\\ud800",
               "\\udc00", "\\n", "\\\"", "\\/", '""', "[]", "{}", '{"":', " ", "\t", "\r\n",
               "\xc3\xa9", "\xf0\x9f\x98\x80", "\xef\xbb\xbf"]
MSGPACK_TOKENS = ["\xc0", "\xc2", "\xc3", "\xcc\xff", "\xcd\xff\xff", "\xce\xff\xff\xff\xff",
                  "\xcf\xff\xff\xff\xff\xff\xff\xff\xff", "\xd0\x80", "\xd1\x80\x00",
                  "\xd2\x80\x00\x00\x00", "\xd3\x80\x00\x00\x00\x00\x00\x00\x00",
                  "\xca\x7f\xc0\x00\x00", "\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00", "\xd9\x01",
                  "\xda\x00\x01", "\xdb\x00\x00\x00\x01", "\xc4\x01", "\xc5\x00\x01",
                  "\xc6\x00\x00\x00\x01", "\xdc\x00\x01", "\xdd\x00\x00\x00\x01", "\xde\x00\x01",
                  "\xdf\x00\x00\x00\x01", "\x90", "\x80", "\xa0", "\xa1a", "\x91", "\x81",
                  "\xc1", "\xd4\x01\x00", "\xc7\x01\x01\x00", "\xff", "\xe0", "\x7f",
                  # ext headers of every width, and the timestamp's (type -1) three
                  "\xd5\x01", "\xd6\x01", "\xd7\x01", "\xd8\x01", "\xc8\x00\x01\x01",
                  "\xc9\x00\x00\x00\x01\x01", "\xd6\xff", "\xd7\xff", "\xc7\x0c\xff"]
SHAPE_WORDS = ["shapes", "define", "root", "struct", "tuple", "enum", "option", "nullable", "flag",
               "pointer", "list", "array", "map", "size", "align", "field", "offset", "shape", "rename",
               "flags", "skip", "flatten", "default", "skip-if", "is-none", "is-empty", "is-default",
               "host", "variant", "discriminant", "style", "unit", "newtype", "tagging", "external",
               "internal", "adjacent", "untagged", "tag-key", "content-key", "unit-as-string", "count",
               "entry-size", "value-offset", "member-size", "tag", "width", "flag-offset",
               "payload-offset", "bool", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32",
               "f64", "string", "bytes", "value", "true", "false", "timestamp"]
IR_WORDS = ["vmir", "abi", "kind", "encode", "decode", "build", "fused", "shape-id", "consts", "strings",
            "predicates", "code", "procs", "entry", "blocks", "entry-proc", "test", "field", "index",
            "variant", "to", "then", "else", "cases", "body", "exit", "proc", "string", "pred", "len",
            "fields", "keys", "unknown", "bytes", "last-wins", "empty", "end", "f0", "b0", "b1", "p0"]


def dict_line(name, token):
    """An AFL++ dictionary line; the token's characters are bytes (latin-1)."""
    out = []
    for b in token.encode("latin-1"):
        c = chr(b)
        if c in '\\"':
            out.append("\\" + c)
        elif 0x20 <= b < 0x7f:
            out.append(c)
        else:
            out.append("\\x%02x" % b)
    return f'{name}="{"".join(out)}"\n'


def write_dicts():
    d = os.path.join(HERE, "dicts")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "json.dict"), "w") as f:
        f.write("# JSON tokens (fuzz/make_seeds.py)\n")
        for i, t in enumerate(JSON_TOKENS):
            f.write(dict_line(f"json_{i}", t))
    with open(os.path.join(d, "msgpack.dict"), "w") as f:
        f.write("# MessagePack type bytes and headers (fuzz/make_seeds.py)\n")
        for i, t in enumerate(MSGPACK_TOKENS):
            f.write(dict_line(f"mp_{i}", t))
    ops = []
    for line in open(os.path.join(ROOT, "engine", "include", "vmir", "opcodes.def")):
        if line.startswith("X("):
            ops.append(line.split('"')[1])
    with open(os.path.join(d, "vmir.dict"), "w") as f:
        f.write("# vmir program and shape text words, binary magic (fuzz/make_seeds.py)\n")
        f.write(dict_line("magic", "VMIR"))
        for w in IR_WORDS + ops + SHAPE_WORDS:
            f.write(dict_line(w.replace("-", "_"), "(" + w + " "))


def to_msgpack(build, shape_file, doc):
    with tempfile.NamedTemporaryFile(suffix=".mp") as tmp:
        if vmir(build, "transcode", "-s", shape_file, "--from", "json", "--to", "msgpack", "-o",
                tmp.name, "-", data=doc) is None:
            return None
        return open(tmp.name, "rb").read()


def main():
    args = sys.argv[1:]
    cmin = None
    if "--cmin" in args:
        i = args.index("--cmin")
        cmin = args[i + 1]
        del args[i:i + 2]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    build = args[0]
    shared = args[1] if len(args) > 1 else os.path.join(ROOT, "..", "shared")
    # afl-cmin refuses folders under /tmp: stage under out/ (git-ignored).
    os.makedirs(os.path.join(ROOT, "out"), exist_ok=True)
    seeds = (tempfile.mkdtemp(prefix="vmir-seeds-", dir=os.path.join(ROOT, "out")) if cmin
             else os.path.join(HERE, "seeds"))
    for t in TARGETS:
        shutil.rmtree(os.path.join(seeds, t), ignore_errors=True)
        os.makedirs(os.path.join(seeds, t))
    value_shape = os.path.join(seeds, "value.shape")
    open(value_shape, "w").write("(shapes (root value))")

    docs = corpus_docs(shared)
    values = VALUE_DOCS + json_suite_docs(shared)
    for i, d in enumerate(values):
        write("json-decode", f"value-{i:02d}.json", b"\x00" + d, seeds)
        mp = to_msgpack(build, value_shape, d)
        if mp is not None:
            write("msgpack-decode", f"value-{i:02d}.mp", b"\x00" + mp, seeds)
    for extra, data in [("ext", b"\xd4\x01\x00"),
                        ("ext-widths", b"\x98\xd4\x01\x00\xd5\x02\x00\x00\xd6\x03" + bytes(4) +
                         b"\xd7\x04" + bytes(8) + b"\xd8\x05" + bytes(16) + b"\xc7\x03\x06abc" +
                         b"\xc8\x00\x01\x07z" + b"\xc9\x00\x00\x00\x00\x08"),
                        ("timestamps", b"\x93\xd6\xff\x59\xb6\xbb\xed" +
                         b"\xd7\xff\x1d\x6f\x34\x54\x59\xb6\x9d\xed" +
                         b"\xc7\x0c\xff\x00\x00\x00\x01\xff\xff\xff\xff\xff\xff\xff\xff"), ("bin", b"\xc4\x03abc"), ("nonstr-key", b"\x81\x01\x02"),
                        ("reserved", b"\xc1"), ("f32", b"\xca\x3f\xc0\x00\x00"), ("truncated", b"\xdc\x00\x05\x01")]:
        write("msgpack-decode", f"peer-{extra}.mp", b"\x00" + data, seeds)
    for model, doc in sorted(docs.items()):
        sel = FIXED.index(model)
        write("json-decode", f"{model}.json", bytes([sel]) + doc, seeds)
        shape_rel, type_name = MODELS[model]
        shape_file = os.path.join(ROOT, shape_rel)
        typ = ["--type", type_name] if type_name else []
        mp = None
        with tempfile.NamedTemporaryFile(suffix=".mp") as tmp:
            if vmir(build, "transcode", "-s", shape_file, *typ, "--from", "json", "--to", "msgpack",
                    "-o", tmp.name, "-", data=doc) is not None:
                mp = open(tmp.name, "rb").read()
        if mp:
            write("msgpack-decode", f"{model}.mp", bytes([sel]) + mp, seeds)
        # diff-decode: raw documents for the models
        header = bytes([128 + sel, 0x00, 0, 0, 0, 7, 0xff])
        write("diff-decode", f"{model}.json", header + doc, seeds)
        if mp:
            write("diff-decode", f"{model}.mp", bytes([128 + sel, 0x01, 0, 0, 0, 7, 0xff]) + mp, seeds)

    rng = random.Random(42)
    for i, name in enumerate(FIXED):
        for fmt in (0, 1):
            head = bytes([128 + i, 0x20 | fmt]) + rng.randbytes(4) + b"\xff"
            # seed, list and depth bounds, edit rate and seed, no edits
            gen = rng.randbytes(8) + bytes([3, 3, 0]) + rng.randbytes(8) + b"\x00"
            write("diff-decode", f"gen-{name}-{'mp' if fmt else 'json'}", head + gen, seeds)
    for i in range(16):
        write("diff-decode", f"random-{i:02d}", bytes([i * 7 % 128]) + rng.randbytes(rng.randint(40, 200)), seeds)
    for k in range(22):
        write("diff-encode", f"kind-{k:02d}", bytes([k]) + rng.randbytes(rng.randint(60, 250)), seeds)
    ir_seeds(build, seeds)
    os.remove(value_shape)
    write_dicts()

    if cmin:
        for t in TARGETS:
            out = os.path.join(HERE, "seeds", t)
            shutil.rmtree(out, ignore_errors=True)
            env = dict(os.environ, AFL_SKIP_CPUFREQ="1", AFL_NO_AFFINITY="1", AFL_QUIET="1")
            r = subprocess.run(["afl-cmin", "-i", os.path.join(seeds, t), "-o", out, "-m", "none",
                                "-t", "5000", "--", os.path.join(cmin, "fuzz", "afl-" + t)],
                               env=env, capture_output=True, text=True)
            if r.returncode != 0 or not os.path.isdir(out):
                print(f"make_seeds: afl-cmin failed for {t}; keeping all seeds\n{r.stdout[-800:]}{r.stderr[-800:]}",
                      file=sys.stderr)
                shutil.copytree(os.path.join(seeds, t), out, dirs_exist_ok=True)
        shutil.rmtree(seeds)
    for t in TARGETS:
        d = os.path.join(HERE, "seeds", t)
        print(f"{t}: {len(os.listdir(d))} seeds, {sum(os.path.getsize(os.path.join(d, n)) for n in os.listdir(d))} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
