/* Conformance: the canonical S-expression text form of vmir programs
 * (vm-ir.md "Canonical S-expression Shape", "Atoms and Literals",
 * "References", "Comments and Whitespace"), the opcode table and the
 * builder's structural checks that every loader shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "vmir/text.h"

/* ---- helpers ----------------------------------------------------------------- */

static char *load(const char *rel) {
  size_t len;
  char *text = vmir_test_read_file(vmir_test_data_path(rel), &len);
  ck_assert_msg(text != NULL, "cannot read test data %s", rel);
  ck_assert_uint_eq(strlen(text), len);
  return text;
}

static vmir_program *parse(const char *text, vmir_error *err) {
  return vmir_program_parse_text(text, strlen(text), "test", err);
}

static vmir_program *parse_ok(const char *text) {
  vmir_error err;
  vmir_program *p = parse(text, &err);
  ck_assert_msg(p != NULL, "parse failed: %s", err.message);
  return p;
}

static char *print(const vmir_program *p) {
  size_t len;
  char *text = vmir_program_print_text(p, &len);
  ck_assert_ptr_nonnull(text);
  ck_assert_uint_eq(strlen(text), len);
  return text;
}

/* Parses `text` and checks that printing gives `canonical` byte for byte. */
static void assert_prints_as(const char *text, const char *canonical) {
  vmir_program *p = parse_ok(text);
  char *out = print(p);
  ck_assert_msg(strcmp(out, canonical) == 0, "printed:\n%s\nexpected:\n%s",
                out, canonical);
  free(out);
  vmir_program_free(p);
}

/* Parsing must fail with `code` and a message containing `needle`; the
 * message starts with "test:<line>:<column>: ". Returns the error. */
static vmir_error reject(const char *text, vmir_status code,
                         const char *needle) {
  vmir_error err;
  vmir_program *p = parse(text, &err);
  ck_assert_msg(p == NULL, "accepted, expected an error containing '%s':\n%s",
                needle, text);
  ck_assert_msg(err.code == code, "code %s, expected %s: %s",
                vmir_status_name(err.code), vmir_status_name(code),
                err.message);
  ck_assert_msg(strstr(err.message, needle) != NULL,
                "message '%s' lacks '%s'", err.message, needle);
  ck_assert_msg(strncmp(err.message, "test:", 5) == 0 && err.line > 0 &&
                    err.column > 0 && err.has_offset,
                "message lacks origin:line:column: %s", err.message);
  return err;
}

/* A copy of `text` with the first `from` replaced by `to`. */
static char *subst(const char *text, const char *from, const char *to) {
  const char *at = strstr(text, from);
  ck_assert_msg(at != NULL, "test bug: '%s' not in the text", from);
  size_t head = (size_t)(at - text), fl = strlen(from), tl = strlen(to);
  size_t rest = strlen(at + fl);
  char *out = malloc(head + tl + rest + 1);
  ck_assert_ptr_nonnull(out);
  memcpy(out, text, head);
  memcpy(out + head, to, tl);
  memcpy(out + head + tl, at + fl, rest + 1);
  return out;
}

/* Substitutes into the minimal program and expects rejection. */
static void reject_minimal(const char *from, const char *to, vmir_status code,
                           const char *needle) {
  char *base = load("ir/minimal.vmir");
  char *text = subst(base, from, to);
  reject(text, code, needle);
  free(text);
  free(base);
}

/* Substitutes into the minimal program and expects it to parse. */
static vmir_program *accept_minimal(const char *from, const char *to) {
  char *base = load("ir/minimal.vmir");
  char *text = subst(base, from, to);
  vmir_program *p = parse_ok(text);
  free(text);
  free(base);
  return p;
}

/* True when `text` has a ';' outside string literals (a comment). */
static bool has_comment(const char *text) {
  bool in_string = false;
  for (const char *c = text; *c; c++) {
    if (in_string && *c == '\\' && c[1]) c++;
    else if (*c == '"') in_string = !in_string;
    else if (!in_string && *c == ';') return true;
  }
  return false;
}

static const char *const canonical_files[] = {
    "ir/minimal.vmir",       "ir/encode_policies.vmir", "ir/decode_json.vmir",
    "ir/build_events.vmir",  "ir/fused_msgpack.vmir",
};
#define CANONICAL_FILES (sizeof canonical_files / sizeof canonical_files[0])

/* ---- the spec's example and the checked-in programs ------------------------------ */

/* t[verify format.vm.text-form-sexp] */
/* t[verify format.vm.sexp-root-tag] */
/* t[verify format.vm.sexp-key-order] */
/* t[verify format.vm.sexp-code-is-logic] */
/* t[verify format.vm.sexp-canonical-print] */
START_TEST(test_minimal_example_byte_exact) {
  char *text = load("ir/minimal.vmir");
  vmir_program *p = parse_ok(text);
  ck_assert_uint_eq(p->abi, 1);
  ck_assert_int_eq(p->kind, VMIR_PROGRAM_ENCODE);
  ck_assert_uint_eq(p->shape_id, 42);
  ck_assert_uint_eq(p->string_count, 2);
  ck_assert_str_eq(p->string_bytes + p->strings[1].start, "name");
  ck_assert_uint_eq(p->predicate_count, 0);
  ck_assert_uint_eq(p->proc_count, 1);
  ck_assert_uint_eq(p->block_count, 1);
  ck_assert_uint_eq(p->insn_count, 11);
  ck_assert_uint_eq(p->entry_proc, 0);
  ck_assert_uint_eq(p->insns[0].op, VMIR_OP_EMIT_BEGIN_STRUCT);
  ck_assert_int_eq(p->insns[0].operand[0], 2);
  ck_assert_uint_eq(p->insns[10].op, VMIR_OP_RET);
  char *out = print(p);
  ck_assert_str_eq(out, text);
  free(out);
  vmir_program_free(p);
  free(text);
}
END_TEST

/* t[verify format.vm.sexp-canonical-print] */
/* t[verify format.vm.text-form-sexp] */
/* t[verify format.vm.single-vm-dialect] */
START_TEST(test_data_files_print_back) {
  for (size_t i = 0; i < CANONICAL_FILES; i++) {
    char *text = load(canonical_files[i]);
    assert_prints_as(text, text);
    free(text);
  }
}
END_TEST

/* t[verify format.vm.sexp-parser-whitespace] */
/* t[verify format.vm.sexp-parser-comments] */
/* t[verify format.vm.sexp-canonical-no-comments] */
START_TEST(test_rough_files_print_canonically) {
  static const char *const names[] = {"encode_policies", "decode_json",
                                      "build_events", "fused_msgpack"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char rough[128], canon[128];
    snprintf(rough, sizeof rough, "ir/rough/%s.vmir", names[i]);
    snprintf(canon, sizeof canon, "ir/%s.vmir", names[i]);
    char *r = load(rough), *c = load(canon);
    ck_assert(has_comment(r));
    ck_assert(!has_comment(c));
    assert_prints_as(r, c);
    free(r);
    free(c);
  }
}
END_TEST

/* ---- root layout ---------------------------------------------------------------- */

/* t[verify format.vm.sexp-root-tag] */
START_TEST(test_root_tag) {
  vmir_program_free(accept_minimal("(vmir", "(vmir"));
  reject_minimal("(vmir", "(program", VMIR_E_SYNTAX, "root tag must be `vmir`");
  reject_minimal("(vmir", "(vm-ir", VMIR_E_SYNTAX, "root tag must be `vmir`");
  reject_minimal("(vmir", "(VMIR", VMIR_E_SYNTAX, "root tag must be `vmir`");
  reject_minimal("(vmir", "(\"vmir\"", VMIR_E_SYNTAX, "root tag must be `vmir`");
  reject("vmir", VMIR_E_SYNTAX, "root tag must be `vmir`");
  reject("()", VMIR_E_SYNTAX, "root tag must be `vmir`");
  reject("(vmir)", VMIR_E_SYNTAX, "missing (abi ...)");
}
END_TEST

/* t[verify format.vm.sexp-key-order] */
START_TEST(test_root_key_order) {
  /* abi and kind swapped */
  reject_minimal("(abi 1)\n  (kind encode)", "(kind encode)\n  (abi 1)",
                 VMIR_E_SYNTAX, "root key `kind` out of order: expected `abi`");
  /* consts after code */
  char *base = load("ir/minimal.vmir");
  const char *consts = strstr(base, "  (consts");
  const char *code = strstr(base, "  (code");
  ck_assert(consts && code);
  char swapped[4096];
  snprintf(swapped, sizeof swapped, "%.*s%.*s)\n%.*s)", (int)(consts - base),
           base, (int)(strlen(code) - 2), code, (int)(code - consts - 1),
           consts);
  reject(swapped, VMIR_E_SYNTAX, "out of order");
  free(base);
  /* a key missing, a key repeated, an unknown key */
  reject_minimal("  (shape-id 42)\n", "", VMIR_E_SYNTAX,
                 "root key `consts` out of order: expected `shape-id`");
  reject_minimal("(entry-proc f0)))", "(entry-proc f0))\n  (abi 1))",
                 VMIR_E_SYNTAX, "duplicate root key `abi`");
  reject_minimal("(kind encode)", "(kind encode)\n  (name \"x\")",
                 VMIR_E_SYNTAX, "unknown root key `name`: expected `shape-id`");
  reject_minimal("(entry-proc f0)))", "(entry-proc f0))\n  (extra 1))",
                 VMIR_E_SYNTAX, "unexpected form after (code ...)");
  reject_minimal("(abi 1)", "abi", VMIR_E_SYNTAX, "expected (abi ...)");
  /* the printer writes exactly abi, kind, shape-id, consts, code */
  char *text = load("ir/encode_policies.vmir");
  vmir_program *p = parse_ok(text);
  char *out = print(p);
  const char *keys[] = {"\n  (abi ", "\n  (kind ", "\n  (shape-id ",
                        "\n  (consts", "\n  (code"};
  const char *prev = out;
  for (int i = 0; i < 5; i++) {
    const char *at = strstr(out, keys[i]);
    ck_assert_msg(at && at > prev, "key %s missing or out of order", keys[i]);
    prev = at;
  }
  free(out);
  vmir_program_free(p);
  free(text);
}
END_TEST

/* t[verify format.vm.execution-profile-free] */
START_TEST(test_profile_key_rejected) {
  reject_minimal("(shape-id 42)", "(shape-id 42)\n  (profile fast)",
                 VMIR_E_SYNTAX, "no `profile` key");
  reject_minimal("(abi 1)", "(profile fast)\n  (abi 1)", VMIR_E_SYNTAX,
                 "no `profile` key");
  reject_minimal("(entry-proc f0)))", "(entry-proc f0))\n  (profile fast))",
                 VMIR_E_SYNTAX, "no `profile` key");
  /* Nothing about execution profiles is printed either. */
  for (size_t i = 0; i < CANONICAL_FILES; i++) {
    char *text = load(canonical_files[i]);
    vmir_program *p = parse_ok(text);
    char *out = print(p);
    ck_assert(strstr(out, "profile") == NULL);
    free(out);
    vmir_program_free(p);
    free(text);
  }
}
END_TEST

/* t[verify format.vm.no-format-specific-ir] */
START_TEST(test_format_key_rejected) {
  reject_minimal("(kind encode)", "(kind encode)\n  (format json)",
                 VMIR_E_SYNTAX, "no `format` key");
  reject_minimal("(abi 1)", "(format msgpack)\n  (abi 1)", VMIR_E_SYNTAX,
                 "no `format` key");
  /* There is no per-format kind either. */
  reject_minimal("(kind encode)", "(kind json)", VMIR_E_SYNTAX,
                 "expected a program kind");
  /* JSON and MessagePack builtins live side by side in one program. */
  vmir_program *p = accept_minimal(
      "(emit-scalar)", "(json-read-number)\n            (msgpack-read-number)");
  ck_assert_uint_eq(p->insns[3].op, VMIR_OP_JSON_READ_NUMBER);
  ck_assert_uint_eq(p->insns[4].op, VMIR_OP_MSGPACK_READ_NUMBER);
  vmir_program_free(p);
}
END_TEST

/* t[verify format.vm.single-vm-dialect] */
/* t[verify format.vm.no-format-specific-ir] */
START_TEST(test_one_dialect_for_every_kind) {
  static const char *const kinds[] = {"encode", "decode", "build", "fused"};
  char *base = load("ir/decode_json.vmir");
  vmir_program *ref = parse_ok(base);
  for (int k = 0; k < 4; k++) {
    char kind[32];
    snprintf(kind, sizeof kind, "(kind %s)", kinds[k]);
    char *text = subst(base, "(kind decode)", kind);
    vmir_program *p = parse_ok(text);
    ck_assert_int_eq(p->kind, k);
    ck_assert_str_eq(vmir_program_kind_name(p->kind), kinds[k]);
    /* Same instructions, same opcodes, whatever the kind. */
    ck_assert_uint_eq(p->insn_count, ref->insn_count);
    for (uint32_t i = 0; i < p->insn_count; i++)
      ck_assert_uint_eq(p->insns[i].op, ref->insns[i].op);
    char *out = print(p);
    ck_assert_str_eq(out, text);
    free(out);
    vmir_program_free(p);
    free(text);
  }
  vmir_program_free(ref);
  free(base);
}
END_TEST

/* t[verify format.vm.single-vm-dialect] */
/* t[verify format.vm.sexp-symbol-style] */
START_TEST(test_opcode_table) {
  for (uint32_t op = 0; op < VMIR_OP_COUNT; op++) {
    const vmir_op_info *info = vmir_op_info_of(op);
    ck_assert_ptr_nonnull(info);
    ck_assert_ptr_nonnull(info->name);
    ck_assert_int_eq(vmir_op_by_name(info->name, strlen(info->name)), (int)op);
    ck_assert_ptr_nonnull(vmir_op_family_name(info->family));
    ck_assert_uint_le(info->operand_count, VMIR_MAX_OPERANDS);
    for (uint32_t s = 0; s < VMIR_MAX_OPERANDS; s++) {
      const vmir_operand_info *o = &info->operands[s];
      if (s < info->operand_count) {
        ck_assert_ptr_nonnull(o->key);
        ck_assert_int_ne(o->type, VMIR_OPERAND_NONE);
        for (const char *c = o->key; *c; c++)
          ck_assert_msg((*c >= 'a' && *c <= 'z') || *c == '-', "key %s", o->key);
      } else {
        ck_assert_ptr_null(o->key);
        ck_assert_int_eq(o->type, VMIR_OPERAND_NONE);
      }
    }
    for (const char *c = info->name; *c; c++)
      ck_assert_msg((*c >= 'a' && *c <= 'z') || *c == '-', "name %s",
                    info->name);
    for (uint32_t other = 0; other < op; other++)
      ck_assert_str_ne(vmir_op_info_of(other)->name, info->name);
  }
  ck_assert_ptr_null(vmir_op_info_of(VMIR_OP_COUNT));
  ck_assert_int_eq(vmir_op_by_name("emit-scalars", 12), -1);
  ck_assert_int_eq(vmir_op_by_name("emit-scalar", 11), VMIR_OP_EMIT_SCALAR);
  ck_assert_int_eq(vmir_op_by_name("emit-scalar-x", 11), VMIR_OP_EMIT_SCALAR);
  ck_assert_str_eq(vmir_op_info_of(VMIR_OP_BUILD_FIELD)->operands[1].key,
                   "last-wins");
  ck_assert_int_eq(vmir_op_info_of(VMIR_OP_BUILD_FIELD)->operands[1].type,
                   VMIR_OPERAND_BOOL);
  ck_assert_uint_eq(vmir_op_info_of(VMIR_OP_SWITCH_KEY)->operand_count, 3);
  ck_assert(vmir_op_info_of(VMIR_OP_RET)->terminator);
  ck_assert(!vmir_op_info_of(VMIR_OP_CALL)->terminator);
  ck_assert_str_eq(vmir_op_family_name(VMIR_FAMILY_LEXING), "lexing");
  ck_assert_str_eq(vmir_program_kind_name(VMIR_PROGRAM_FUSED), "fused");
  ck_assert_ptr_null(vmir_program_kind_name(VMIR_PROGRAM_KIND_COUNT));
}
END_TEST

/* t[verify format.ir.program-abi-version] */
/* t[verify format.parse.program-abi-version] */
START_TEST(test_abi_is_explicit) {
  char *text = load("ir/minimal.vmir");
  vmir_program *p = parse_ok(text);
  char *out = print(p);
  ck_assert(strstr(out, "\n  (abi 1)\n") != NULL);
  free(out);
  vmir_program_free(p);
  free(text);
  reject_minimal("(abi 1)", "(abi 2)", VMIR_E_ABI, "ABI 2 is not supported");
  reject_minimal("(abi 1)", "(abi 0)", VMIR_E_ABI, "ABI 0 is not supported");
  reject_minimal("(abi 1)", "(abi -1)", VMIR_E_SYNTAX,
                 "expected a non-negative integer");
  reject_minimal("(abi 1)", "(abi)", VMIR_E_SYNTAX, "(abi ...) needs 1 item");
}
END_TEST

/* ---- atoms ---------------------------------------------------------------------- */

/* t[verify format.vm.sexp-symbol-style] */
START_TEST(test_symbol_style) {
  reject_minimal("(emit-scalar)", "(emitScalar)", VMIR_E_SYNTAX,
                 "symbol `emitScalar` is not lowercase kebab-case");
  reject_minimal("(emit-scalar)", "(EMIT-SCALAR)", VMIR_E_SYNTAX,
                 "not lowercase kebab-case");
  reject_minimal("(emit-scalar)", "(emit_scalar)", VMIR_E_SYNTAX,
                 "not lowercase kebab-case");
  reject_minimal("(emit-scalar)", "(emit--scalar)", VMIR_E_SYNTAX,
                 "not lowercase kebab-case");
  reject_minimal("(emit-scalar)", "(emit-scalar-)", VMIR_E_SYNTAX,
                 "not lowercase kebab-case");
  reject_minimal("(emit-scalar)", "(-emit-scalar)", VMIR_E_SYNTAX,
                 "not lowercase kebab-case");
  reject_minimal("(emit-scalar)", "(emit.scalar)", VMIR_E_SYNTAX,
                 "not lowercase kebab-case");
  reject_minimal("(kind encode)", "(Kind encode)", VMIR_E_SYNTAX,
                 "symbol `Kind` is not lowercase kebab-case");
  reject_minimal("(kind encode)", "(kind Encode)", VMIR_E_SYNTAX,
                 "symbol `Encode` is not lowercase kebab-case");
  reject_minimal("(enter-field (index 0))", "(enter-field (Index 0))",
                 VMIR_E_SYNTAX, "not lowercase kebab-case");
  reject_minimal("(shape-id 42)", "(shape_id 42)", VMIR_E_SYNTAX,
                 "not lowercase kebab-case");
  reject_minimal("(entry-proc f0)", "(entryProc f0)", VMIR_E_SYNTAX,
                 "not lowercase kebab-case");
  /* kebab-case symbols that are simply unknown get their own message */
  reject_minimal("(emit-scalar)", "(emit-scalar2)", VMIR_E_SYNTAX,
                 "unknown instruction `emit-scalar2`");
  /* every symbol the printer writes is kebab-case: checked in
   * test_opcode_table for instruction and operand names. */
}
END_TEST

/* t[verify format.vm.sexp-int-format] */
START_TEST(test_int_format) {
  reject_minimal("(fields 2)", "(fields +2)", VMIR_E_SYNTAX, "no leading '+'");
  reject_minimal("(fields 2)", "(fields 02)", VMIR_E_SYNTAX, "leading zero");
  reject_minimal("(fields 2)", "(fields 00)", VMIR_E_SYNTAX, "leading zero");
  reject_minimal("(fields 2)", "(fields -0)", VMIR_E_SYNTAX, "-0");
  reject_minimal("(fields 2)", "(fields 0x2)", VMIR_E_SYNTAX,
                 "malformed integer");
  reject_minimal("(fields 2)", "(fields 2.0)", VMIR_E_SYNTAX,
                 "malformed integer");
  reject_minimal("(fields 2)", "(fields 2e0)", VMIR_E_SYNTAX,
                 "malformed integer");
  reject_minimal("(fields 2)", "(fields -2)", VMIR_E_SYNTAX,
                 "expected a non-negative integer");
  reject_minimal("(fields 2)", "(fields two)", VMIR_E_SYNTAX,
                 "expected a non-negative integer, found symbol `two`");
  reject_minimal("(fields 2)", "(fields 9223372036854775808)", VMIR_E_SYNTAX,
                 "out of range");
  reject_minimal("(shape-id 42)", "(shape-id 18446744073709551616)",
                 VMIR_E_SYNTAX, "out of range");
  reject_minimal("(shape-id 42)", "(shape-id -42)", VMIR_E_SYNTAX,
                 "expected a non-negative integer");
  /* Base-10 at both ends of the ranges survives a round trip. */
  char *base = load("ir/minimal.vmir");
  char *t1 = subst(base, "(shape-id 42)", "(shape-id 18446744073709551615)");
  char *t2 = subst(t1, "(fields 2)", "(fields 9223372036854775807)");
  char *t3 = subst(t2, "(index 0)", "(index 0)");
  assert_prints_as(t3, t3);
  vmir_program *p = parse_ok(t3);
  ck_assert_uint_eq(p->shape_id, UINT64_MAX);
  ck_assert_int_eq(p->insns[0].operand[0], INT64_MAX);
  vmir_program_free(p);
  free(t1);
  free(t2);
  free(t3);
  free(base);
}
END_TEST

/* build-field's second operand is the BOOL `last-wins`. */
static const char *const bool_program =
    "(vmir\n"
    "  (abi 1)\n"
    "  (kind build)\n"
    "  (shape-id 7)\n"
    "  (consts\n"
    "    (strings ())\n"
    "    (predicates ()))\n"
    "  (code\n"
    "    (procs\n"
    "      ((f0\n"
    "        (entry b0)\n"
    "        (blocks\n"
    "          ((b0\n"
    "            (build-field (index 0) (last-wins true))\n"
    "            (build-field (index 1) (last-wins false))\n"
    "            (build-push-entry (last-wins true))\n"
    "            (ret)))))))\n"
    "    (entry-proc f0)))\n";

/* t[verify format.vm.sexp-bool-format] */
START_TEST(test_bool_format) {
  assert_prints_as(bool_program, bool_program);
  vmir_program *p = parse_ok(bool_program);
  ck_assert_int_eq(p->insns[0].operand[1], 1);
  ck_assert_int_eq(p->insns[1].operand[1], 0);
  vmir_program_free(p);
  static const char *const bad[] = {"True", "FALSE", "1", "0", "#t", "\"true\"",
                                    "yes", "t", "nil", "()"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char with[64];
    snprintf(with, sizeof with, "(last-wins %s)", bad[i]);
    char *text = subst(bool_program, "(last-wins true)", with);
    reject(text, VMIR_E_SYNTAX, "expected a boolean `true` or `false`");
    free(text);
  }
}
END_TEST

/* Escapes as the printer writes them, and the string they decode to. */
static const char escaped_strings[] =
    "(strings (\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f\" "
    "\"\\u0000\\u0001\\u001f\\u007f\" \"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\" "
    "\"\" \"/;()\"))";

/* t[verify format.vm.sexp-string-format] */
START_TEST(test_string_format) {
  /* Every JSON escape the printer uses, control characters as \u00xx, and
   * UTF-8 written as is: prints back byte for byte. */
  char *base = load("ir/minimal.vmir");
  char *text = subst(base, "(strings (\"id\" \"name\"))", escaped_strings);
  char *canon = subst(text, "\\u007f", "\x7f");
  assert_prints_as(text, canon);
  vmir_program *p = parse_ok(text);
  ck_assert_uint_eq(p->string_count, 5);
  ck_assert_str_eq(p->string_bytes + p->strings[0].start,
                   "q\" b\\ n\n r\r t\t b\b f\f");
  ck_assert_uint_eq(p->strings[1].len, 4);
  ck_assert(memcmp(p->string_bytes + p->strings[1].start, "\0\x01\x1f\x7f", 4) == 0);
  ck_assert_str_eq(p->string_bytes + p->strings[2].start,
                   "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  vmir_program_free(p);
  free(canon);
  free(text);
  /* Other JSON spellings decode to the same string and print canonically. */
  text = subst(base, "\"name\"", "\"\\u006eam\\u0065\\/\\u00e9\\ud83d\\ude00\"");
  canon = subst(base, "\"name\"", "\"name/\xc3\xa9\xf0\x9f\x98\x80\"");
  assert_prints_as(text, canon);
  free(canon);
  free(text);
  free(base);
  /* Not UTF-8, not a JSON escape, not escaped. */
  reject_minimal("\"name\"", "\"n\xff\"", VMIR_E_SYNTAX, "invalid UTF-8");
  reject_minimal("\"name\"", "\"\xc0\xaf\"", VMIR_E_SYNTAX, "invalid UTF-8");
  reject_minimal("\"name\"", "\"\xed\xa0\x80\"", VMIR_E_SYNTAX,
                 "invalid UTF-8");
  reject_minimal("\"name\"", "\"\xe2\x82\"", VMIR_E_SYNTAX, "invalid UTF-8");
  reject_minimal("\"name\"", "\"\\x41\"", VMIR_E_SYNTAX, "invalid escape");
  reject_minimal("\"name\"", "\"\\'\"", VMIR_E_SYNTAX, "invalid escape");
  reject_minimal("\"name\"", "\"\\u12\"", VMIR_E_SYNTAX, "four hex digits");
  reject_minimal("\"name\"", "\"\\ud800\"", VMIR_E_SYNTAX, "surrogate");
  reject_minimal("\"name\"", "\"\\udc00\"", VMIR_E_SYNTAX, "surrogate");
  reject_minimal("\"name\"", "\"a\nb\"", VMIR_E_SYNTAX, "must be escaped");
  reject_minimal("\"name\"", "\"a\tb\"", VMIR_E_SYNTAX, "must be escaped");
  reject_minimal("\"name\"", "'name'", VMIR_E_SYNTAX, "unexpected character");
  reject_minimal("\"name\"", "name", VMIR_E_SYNTAX,
                 "expected a string literal, found symbol `name`");
}
END_TEST

static const char *const bytes_program =
    "(vmir\n"
    "  (abi 1)\n"
    "  (kind decode)\n"
    "  (shape-id 7)\n"
    "  (consts\n"
    "    (strings ())\n"
    "    (predicates ()))\n"
    "  (code\n"
    "    (procs\n"
    "      ((f0\n"
    "        (entry b0)\n"
    "        (blocks\n"
    "          ((b0\n"
    "            (expect-bytes (bytes #x00ff7fab))\n"
    "            (expect-bytes (bytes #x))\n"
    "            (expect-bytes (bytes #x0123456789abcdef))\n"
    "            (ret)))))))\n"
    "    (entry-proc f0)))\n";

/* t[verify format.vm.sexp-bytes-format] */
START_TEST(test_bytes_format) {
  assert_prints_as(bytes_program, bytes_program);
  vmir_program *p = parse_ok(bytes_program);
  ck_assert_uint_eq(p->blob_count, 3);
  ck_assert_uint_eq(p->blobs[0].len, 4);
  ck_assert(memcmp(p->blob_bytes + p->blobs[0].start, "\x00\xff\x7f\xab", 4) == 0);
  ck_assert_uint_eq(p->blobs[1].len, 0);
  ck_assert_uint_eq(p->blobs[2].len, 8);
  vmir_program_free(p);
  static const struct { const char *spelling, *needle; } bad[] = {
      {"#x00FF7FAB", "not lowercase hex"}, {"#xAB", "not lowercase hex"},
      {"#xabc", "odd number"},             {"#x0", "odd number"},
      {"#xg0", "not lowercase hex"},       {"#b0101", "'#x'"},
      {"0x00ff7fab", "malformed integer"}, {"\"\\u0000\"", "a #x byte literal"},
      {"(0 255)", "a #x byte literal"},    {"#X00", "'#x'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char with[64];
    snprintf(with, sizeof with, "(bytes %s)", bad[i].spelling);
    char *text = subst(bytes_program, "(bytes #x00ff7fab)", with);
    reject(text, VMIR_E_SYNTAX, bad[i].needle);
    free(text);
  }
}
END_TEST

/* ---- references ------------------------------------------------------------------- */

/* Two procs, three blocks, two predicates: every label kind in use. */
static const char *const labels_program =
    "(vmir\n"
    "  (abi 1)\n"
    "  (kind encode)\n"
    "  (shape-id 9)\n"
    "  (consts\n"
    "    (strings (\"a\" \"b\"))\n"
    "    (predicates\n"
    "      ((p0 (test is-none) (field (string 0)))\n"
    "       (p1 (test host) (host-id 3) (field (string 1))))))\n"
    "  (code\n"
    "    (procs\n"
    "      ((f0\n"
    "        (entry b0)\n"
    "        (blocks\n"
    "          ((b0\n"
    "            (branch-pred (pred p1) (then b1) (else b2)))\n"
    "           (b1\n"
    "            (call (proc f1))\n"
    "            (jump (to b2)))\n"
    "           (b2\n"
    "            (switch-variant (cases (b0 b1 b2 b2)))))))\n"
    "       (f1\n"
    "        (entry b1)\n"
    "        (blocks\n"
    "          ((b0\n"
    "            (ret))\n"
    "           (b1\n"
    "            (branch-pred (pred p0) (then b0) (else b0)))))))\n"
    "    (entry-proc f0)))\n";

static void reject_labels(const char *from, const char *to, vmir_status code,
                          const char *needle) {
  char *text = subst(labels_program, from, to);
  reject(text, code, needle);
  free(text);
}

/* t[verify format.vm.sexp-block-labels] */
/* t[verify format.ir.compile-validate-block-targets] */
START_TEST(test_block_labels) {
  assert_prints_as(labels_program, labels_program);
  vmir_program *p = parse_ok(labels_program);
  ck_assert_uint_eq(p->proc_count, 2);
  ck_assert_uint_eq(p->procs[1].entry_block, 1);
  ck_assert_uint_eq(p->list_count, 1);
  ck_assert_uint_eq(p->lists[0].len, 4);
  ck_assert_uint_eq(p->list_items[p->lists[0].start + 2], 2);
  vmir_program_free(p);
  /* references */
  reject_labels("(jump (to b2))", "(jump (to block2))", VMIR_E_SYNTAX,
                "expected block label bN, found symbol `block2`");
  reject_labels("(jump (to b2))", "(jump (to B2))", VMIR_E_SYNTAX,
                "not lowercase kebab-case");
  reject_labels("(jump (to b2))", "(jump (to b02))", VMIR_E_SYNTAX,
                "expected block label bN");
  reject_labels("(jump (to b2))", "(jump (to 2))", VMIR_E_SYNTAX,
                "expected block label bN, found integer 2");
  reject_labels("(jump (to b2))", "(jump (to f2))", VMIR_E_SYNTAX,
                "expected block label bN");
  reject_labels("(jump (to b2))", "(jump (to b))", VMIR_E_SYNTAX,
                "expected block label bN");
  reject_labels("(jump (to b2))", "(jump (to b2x))", VMIR_E_SYNTAX,
                "expected block label bN");
  reject_labels("(jump (to b2))", "(jump (to b-2))", VMIR_E_SYNTAX,
                "expected block label bN");
  reject_labels("(jump (to b2))", "(jump (to b4294967295))", VMIR_E_SYNTAX,
                "expected block label bN");
  reject_labels("(cases (b0 b1 b2 b2))", "(cases (b0 b1 bb b2))",
                VMIR_E_SYNTAX, "expected block label bN");
  reject_labels("(entry b1)", "(entry 1)", VMIR_E_SYNTAX,
                "expected block label bN");
  /* definitions: numbered in order from b0, no gaps */
  reject_labels("(b1\n            (call", "(b2\n            (call",
                VMIR_E_SYNTAX, "labels are defined in order: expected b1, "
                "found b2");
  reject_labels("((b0\n            (branch-pred (pred p1)",
                "((b1\n            (branch-pred (pred p1)", VMIR_E_SYNTAX,
                "expected b0, found b1");
  reject_labels("(b1\n            (call", "(block1\n            (call",
                VMIR_E_SYNTAX, "expected block label bN");
  /* dangling targets: the builder's check, reported at the instruction */
  vmir_error e = {0};
  char *text = subst(labels_program, "(jump (to b2))", "(jump (to b3))");
  e = reject(text, VMIR_E_VERIFY,
             "f0:b1:1: block target b3 out of range (proc has 3 blocks)");
  ck_assert_uint_eq(e.line, 19);
  ck_assert_uint_eq(e.column, 13);
  ck_assert_int_eq(e.proc, 0);
  ck_assert_int_eq(e.block, 1);
  ck_assert_int_eq(e.insn, 1);
  free(text);
  reject_labels("(cases (b0 b1 b2 b2))", "(cases (b0 b1 b2 b7))",
                VMIR_E_VERIFY, "cases item 3: block target b7 out of range");
  reject_labels("(entry b1)", "(entry b2)", VMIR_E_VERIFY,
                "f1: entry block b2 out of range (proc has 2 blocks)");
}
END_TEST

/* t[verify format.vm.sexp-predicate-labels] */
START_TEST(test_predicate_labels) {
  vmir_program *p = parse_ok(labels_program);
  ck_assert_uint_eq(p->predicate_count, 2);
  ck_assert_int_eq(p->predicates[1].test, VMIR_PRED_HOST);
  ck_assert_uint_eq(p->predicates[1].host_id, 3);
  ck_assert_uint_eq(p->predicates[1].field_name, 1);
  ck_assert_int_eq(p->insns[0].operand[0], 1);
  vmir_program_free(p);
  reject_labels("(pred p1)", "(pred pred1)", VMIR_E_SYNTAX,
                "expected predicate label pN, found symbol `pred1`");
  reject_labels("(pred p1)", "(pred P1)", VMIR_E_SYNTAX,
                "not lowercase kebab-case");
  reject_labels("(pred p1)", "(pred p01)", VMIR_E_SYNTAX,
                "expected predicate label pN");
  reject_labels("(pred p1)", "(pred 1)", VMIR_E_SYNTAX,
                "expected predicate label pN");
  reject_labels("(pred p1)", "(pred b1)", VMIR_E_SYNTAX,
                "expected predicate label pN");
  /* definitions in order */
  reject_labels("(p1 (test host)", "(p2 (test host)", VMIR_E_SYNTAX,
                "expected p1, found p2");
  reject_labels("((p0 (test", "((p1 (test", VMIR_E_SYNTAX,
                "expected p0, found p1");
  reject_labels("(p1 (test host)", "(pred1 (test host)", VMIR_E_SYNTAX,
                "expected predicate label pN");
  /* the entry syntax */
  reject_labels("(p1 (test host) (host-id 3)", "(p1 (test host)",
                VMIR_E_SYNTAX, "expected (host-id ...)");
  reject_labels("(test is-none)", "(test is-none) (host-id 3)", VMIR_E_SYNTAX,
                "expected (field ...)");
  reject_labels("(test is-none)", "(test always)", VMIR_E_SYNTAX,
                "expected a predicate test");
  reject_labels("(field (string 0))", "(field 0)", VMIR_E_SYNTAX,
                "expected (string ...)");
  reject_labels("(field (string 0))", "(field (string 0)) (extra 1)",
                VMIR_E_SYNTAX, "unexpected item after (field ...)");
  /* dangling references, reported at the instruction or the entry */
  reject_labels("(pred p1)", "(pred p2)", VMIR_E_VERIFY,
                "f0:b0:0: predicate p2 out of range (table has 2 predicates)");
  char *text = subst(labels_program, "(field (string 1))", "(field (string 5))");
  vmir_error e = reject(text, VMIR_E_VERIFY,
                        "p1: field string 5 out of range (table has 2 strings)");
  ck_assert_uint_eq(e.line, 9);
  ck_assert_int_eq(e.predicate, 1);
  free(text);
}
END_TEST
