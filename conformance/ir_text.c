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
  /* header, then code without the root's closing paren, then consts */
  snprintf(swapped, sizeof swapped, "%.*s%.*s\n%.*s)\n", (int)(consts - base),
           base, (int)(strlen(code) - 2), code, (int)(code - consts - 1),
           consts);
  reject(swapped, VMIR_E_SYNTAX,
         "root key `code` out of order: expected `consts`");
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
  reject_minimal("(fields 2)", "(fields 0x2)", VMIR_E_SYNTAX, "leading zero");
  reject_minimal("(fields 2)", "(fields 2x)", VMIR_E_SYNTAX,
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
  static const struct { const char *spelling, *needle; } bad[] = {
      {"True", "expected a boolean"},  {"FALSE", "expected a boolean"},
      {"1", "expected a boolean"},     {"0", "expected a boolean"},
      {"\"true\"", "expected a boolean"}, {"yes", "expected a boolean"},
      {"t", "expected a boolean"},     {"nil", "expected a boolean"},
      {"()", "expected a boolean"},    {"#t", "'#x'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char with[64];
    snprintf(with, sizeof with, "(last-wins %s)", bad[i].spelling);
    char *text = subst(bool_program, "(last-wins true)", with);
    reject(text, VMIR_E_SYNTAX, bad[i].needle);
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
      {"0x00ff7fab", "leading zero"}, {"\"\\u0000\"", "a #x byte literal"},
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
    "            (branch-pred (pred p0) (then b0) (else b0))))))))\n"
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

/* t[verify format.vm.sexp-proc-labels] */
/* t[verify format.ir.compile-validate-proc-targets] */
START_TEST(test_proc_labels) {
  vmir_program *p = parse_ok(labels_program);
  ck_assert_int_eq(p->insns[1].op, VMIR_OP_CALL);
  ck_assert_int_eq(p->insns[1].operand[0], 1);
  vmir_program_free(p);
  reject_labels("(call (proc f1))", "(call (proc proc1))", VMIR_E_SYNTAX,
                "expected proc label fN, found symbol `proc1`");
  reject_labels("(call (proc f1))", "(call (proc F1))", VMIR_E_SYNTAX,
                "not lowercase kebab-case");
  reject_labels("(call (proc f1))", "(call (proc f01))", VMIR_E_SYNTAX,
                "expected proc label fN");
  reject_labels("(call (proc f1))", "(call (proc 1))", VMIR_E_SYNTAX,
                "expected proc label fN");
  reject_labels("(entry-proc f0)", "(entry-proc b0)", VMIR_E_SYNTAX,
                "expected proc label fN");
  reject_labels("(entry-proc f0)", "(entry-proc main)", VMIR_E_SYNTAX,
                "expected proc label fN");
  /* definitions in order */
  reject_labels("(f1\n", "(f2\n", VMIR_E_SYNTAX, "expected f1, found f2");
  reject_labels("((f0\n", "((f1\n", VMIR_E_SYNTAX, "expected f0, found f1");
  reject_labels("((f0\n", "((proc0\n", VMIR_E_SYNTAX, "expected proc label fN");
  /* dangling targets */
  reject_labels("(call (proc f1))", "(call (proc f2))", VMIR_E_VERIFY,
                "f0:b1:0: proc target f2 out of range (program has 2 procs)");
  reject_labels("(entry-proc f0)", "(entry-proc f2)", VMIR_E_VERIFY,
                "entry proc f2 out of range (program has 2 procs)");
}
END_TEST

/* ---- whitespace and comments --------------------------------------------------------- */

/* Rewrites the whitespace between tokens of `text` (none inside strings):
 * every newline becomes `nl`, every space becomes `sp`. */
static char *respace(const char *text, const char *nl, const char *sp) {
  size_t cap = strlen(text) * (strlen(nl) + strlen(sp) + 1) + 1;
  char *out = malloc(cap);
  ck_assert_ptr_nonnull(out);
  size_t o = 0;
  bool in_string = false;
  for (const char *c = text; *c; c++) {
    const char *rep = NULL;
    if (in_string && *c == '\\') {
      out[o++] = *c++;
    } else if (*c == '"') {
      in_string = !in_string;
    } else if (!in_string && *c == '\n') {
      rep = nl;
    } else if (!in_string && *c == ' ') {
      rep = sp;
    }
    if (rep) {
      memcpy(out + o, rep, strlen(rep));
      o += strlen(rep);
    } else {
      out[o++] = *c;
    }
  }
  out[o] = '\0';
  return out;
}

/* t[verify format.vm.sexp-parser-whitespace] */
START_TEST(test_whitespace_anywhere) {
  for (size_t i = 0; i < CANONICAL_FILES; i++) {
    char *canon = load(canonical_files[i]);
    /* every ASCII whitespace character, in runs */
    char *wide = respace(canon, "\r\n\f\v\t \n", "\t \v\f\r\n  ");
    assert_prints_as(wide, canon);
    /* CRLF line ends and tab indentation */
    char *crlf = respace(canon, "\r\n", "\t");
    assert_prints_as(crlf, canon);
    /* everything on one line, single spaces */
    char *flat = respace(canon, " ", " ");
    assert_prints_as(flat, canon);
    /* leading and trailing whitespace around the form */
    size_t n = strlen(canon) + 16;
    char *padded = malloc(n);
    ck_assert_ptr_nonnull(padded);
    strcpy(padded, "\n\t \f");
    strcat(padded, canon);
    strcat(padded, "\v\r\n  ");
    assert_prints_as(padded, canon);
    free(padded);
    free(flat);
    free(crlf);
    free(wide);
    free(canon);
  }
  /* no whitespace at all where parens separate tokens */
  char *minimal = load("ir/minimal.vmir");
  assert_prints_as(
      "(vmir(abi 1)(kind encode)(shape-id 42)(consts(strings(\"id\"\"name\"))"
      "(predicates()))(code(procs((f0(entry b0)(blocks((b0(emit-begin-struct"
      "(fields 2))(emit-field-name(string 0))(enter-field(index 0))"
      "(emit-scalar)(leave)(emit-field-name(string 1))(enter-field(index 1))"
      "(emit-scalar)(leave)(emit-end)(ret)))))))(entry-proc f0)))",
      minimal);
  free(minimal);
  /* whitespace is ASCII whitespace: NUL and non-breaking spaces are not */
  reject_minimal("(abi 1)\n  (kind", "(abi 1)\xc2\xa0(kind", VMIR_E_SYNTAX,
                 "unexpected character");
  char *base = load("ir/minimal.vmir");
  size_t n = strlen(base);
  base[strstr(base, "\n  (kind") - base] = '\0';
  vmir_error err;
  ck_assert_ptr_null(vmir_program_parse_text(base, n, "nul", &err));
  ck_assert_int_eq(err.code, VMIR_E_SYNTAX);
  free(base);
}
END_TEST

/* Adds a comment line before every line and a comment after each line. */
static char *comment_every_line(const char *text) {
  static const char before[] = "; comment: (vmir (abi 2)) \"unclosed ;;\n";
  static const char after[] = " ;; trailing ( ) b0 f0 #xZZ";
  size_t lines = 1;
  for (const char *c = text; *c; c++) lines += *c == '\n';
  size_t cap = strlen(text) + lines * (sizeof before + sizeof after) + 1;
  char *out = malloc(cap);
  ck_assert_ptr_nonnull(out);
  size_t o = 0;
  memcpy(out, before, sizeof before - 1);
  o += sizeof before - 1;
  for (const char *c = text; *c; c++) {
    if (*c == '\n') {
      memcpy(out + o, after, sizeof after - 1);
      o += sizeof after - 1;
      out[o++] = '\n';
      memcpy(out + o, before, sizeof before - 1);
      o += sizeof before - 1;
    } else {
      out[o++] = *c;
    }
  }
  /* a comment at the very end, without a final newline */
  memcpy(out + o, after, sizeof after - 1);
  o += sizeof after - 1;
  out[o] = '\0';
  return out;
}

/* t[verify format.vm.sexp-parser-comments] */
/* t[verify format.vm.sexp-canonical-no-comments] */
START_TEST(test_comments_accepted_never_printed) {
  for (size_t i = 0; i < CANONICAL_FILES; i++) {
    char *canon = load(canonical_files[i]);
    char *commented = comment_every_line(canon);
    ck_assert(has_comment(commented));
    assert_prints_as(commented, canon);
    ck_assert(!has_comment(canon));
    free(commented);
    free(canon);
  }
  /* only ';' starts a comment */
  reject_minimal("(abi 1)", "// c\n  (abi 1)", VMIR_E_SYNTAX,
                 "unexpected character");
  reject_minimal("(abi 1)", "#| c |# (abi 1)", VMIR_E_SYNTAX, "'#x'");
  /* ';' inside a string is text, not a comment, and is printed as such */
  char *base = load("ir/minimal.vmir");
  char *text = subst(base, "\"name\"", "\"a;b ; c\"");
  assert_prints_as(text, text);
  ck_assert(!has_comment(text));
  free(text);
  free(base);
}
END_TEST

/* ---- determinism ------------------------------------------------------------------------ */

/* One program, built in two different orders: strings, lists and blobs are
 * added in another order and shared in one build, separate in the other,
 * blocks are filled out of order. The result must be the same program. */
static vmir_program *build_variant(bool reverse) {
  vmir_builder *b = vmir_builder_new(VMIR_PROGRAM_DECODE, 77);
  uint32_t id = vmir_builder_add_string(b, "id", 2);
  uint32_t name = vmir_builder_add_string(b, "name", 4);
  ck_assert_uint_eq(vmir_builder_intern_string(b, "name", 4), name);
  vmir_predicate pr = {VMIR_PRED_IS_EMPTY, 0, name};
  vmir_builder_add_predicate(b, pr);
  uint32_t f0 = vmir_builder_add_proc(b);
  for (int k = 0; k < 4; k++) vmir_builder_add_block(b, f0);
  uint32_t keys[] = {id, name}, cases[] = {1, 2};
  uint8_t magic[] = {0xde, 0xad};
  uint32_t lk, lc, lc2, blob;
  if (reverse) {
    blob = vmir_builder_add_blob(b, magic, 2);
    lc = vmir_builder_add_list(b, cases, 2);
    lk = vmir_builder_add_list(b, keys, 2);
    lc2 = lc;  /* shared by two instructions */
    vmir_builder_add_list(b, keys, 1);  /* never used */
  } else {
    lk = vmir_builder_add_list(b, keys, 2);
    lc = vmir_builder_add_list(b, cases, 2);
    lc2 = vmir_builder_add_list(b, cases, 2);
    blob = vmir_builder_add_blob(b, magic, 2);
  }
  if (reverse) {
    vmir_builder_emit(b, f0, 3, VMIR_OP_RET, 0, 0, 0);
    vmir_builder_emit(b, f0, 2, VMIR_OP_JSON_PEEK_TOKEN, lc2, 0, 0);
  }
  vmir_builder_emit(b, f0, 0, VMIR_OP_EXPECT_BYTES, blob, 0, 0);
  vmir_builder_emit(b, f0, 0, VMIR_OP_SWITCH_KEY, lk, lc, 3);
  vmir_builder_emit(b, f0, 1, VMIR_OP_BRANCH_PRED, 0, 2, 3);
  if (!reverse) {
    vmir_builder_emit(b, f0, 2, VMIR_OP_JSON_PEEK_TOKEN, lc2, 0, 0);
    vmir_builder_emit(b, f0, 3, VMIR_OP_RET, 0, 0, 0);
  }
  vmir_builder_set_entry_proc(b, f0);
  vmir_error err;
  vmir_program *p = vmir_builder_finish(b, &err);
  ck_assert_msg(p != NULL, "%s", err.message);
  return p;
}

/* t[verify format.vm.sexp-canonical-print] */
START_TEST(test_printer_deterministic) {
  vmir_program *a = build_variant(false), *b = build_variant(true);
  ck_assert(vmir_program_equal(a, b));
  char *ta = print(a), *tb = print(b), *ta2 = print(a);
  ck_assert_str_eq(ta, tb);
  ck_assert_str_eq(ta, ta2);
  /* The printed program reads back to the same program. */
  vmir_program *c = parse_ok(ta);
  ck_assert(vmir_program_equal(a, c));
  ck_assert(strstr(ta, "(switch-key (keys (0 1)) (cases (b1 b2)) (unknown b3))"));
  ck_assert(strstr(ta, "(json-peek-token (cases (b1 b2)))"));
  ck_assert(strstr(ta, "(expect-bytes (bytes #xdead))"));
  /* Pools are laid out one entry per use, in instruction order. */
  ck_assert_uint_eq(a->list_count, 3);
  ck_assert_uint_eq(a->insns[1].operand[0], 0);
  ck_assert_uint_eq(a->insns[1].operand[1], 1);
  ck_assert_uint_eq(a->insns[3].operand[0], 2);
  free(ta);
  free(tb);
  free(ta2);
  vmir_program_free(a);
  vmir_program_free(b);
  vmir_program_free(c);
}
END_TEST

/* t[verify format.vm.sexp-canonical-print] */
START_TEST(test_program_equal_distinguishes) {
  char *base = load("ir/encode_policies.vmir");
  vmir_program *ref = parse_ok(base);
  ck_assert(vmir_program_equal(ref, ref));
  ck_assert(!vmir_program_equal(ref, NULL));
  static const char *const edits[][2] = {
      {"(shape-id 12345678901234567890)", "(shape-id 12345678901234567891)"},
      {"(kind encode)", "(kind fused)"},
      {"\"kind\"", "\"kinds\""},
      {"(host-id 7)", "(host-id 8)"},
      {"(test is-empty)", "(test is-none)"},
      {"(index 3)", "(index 4)"},
      {"(cases (b5 b6))", "(cases (b6 b5))"},
      {"(emit-scalar)", "(emit-value)"},
      {"(entry-proc f0)", "(entry-proc f1)"},
  };
  for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
    char *text = subst(base, edits[i][0], edits[i][1]);
    vmir_program *p = parse_ok(text);
    ck_assert_msg(!vmir_program_equal(ref, p), "edit %zu not seen", i);
    char *out = print(p);
    ck_assert_str_ne(out, base);
    free(out);
    vmir_program_free(p);
    free(text);
  }
  vmir_program_free(ref);
  free(base);
}
END_TEST

/* ---- constant tables, code, entry ------------------------------------------------------ */

/* t[verify format.vm.sexp-consts-not-logic] */
START_TEST(test_consts_hold_no_logic) {
  reject_minimal("(strings (\"id\" \"name\"))",
                 "(strings (\"id\" (jump (to b0)) \"name\"))", VMIR_E_SYNTAX,
                 "constant table `strings` holds no logic: found instruction "
                 "`jump`");
  reject_minimal("(strings (\"id\" \"name\"))", "(strings (\"id\" (ret)))",
                 VMIR_E_SYNTAX, "holds no logic");
  reject_minimal("(strings (\"id\" \"name\"))", "(strings (\"id\" 3))",
                 VMIR_E_SYNTAX, "expected a string literal, found integer 3");
  reject_minimal("(predicates ())", "(predicates ((branch-pred (pred p0) "
                 "(then b0) (else b0))))", VMIR_E_SYNTAX,
                 "constant table `predicates` holds no logic: found "
                 "instruction `branch-pred`");
  reject_minimal("(predicates ())", "(predicates ((p0 (test is-none) "
                 "(field (string 0)) (jump (to b0)))))", VMIR_E_SYNTAX,
                 "holds no logic: found instruction `jump`");
  reject_minimal("(predicates ())", "(predicates ((p0 (call (proc f0)) "
                 "(field (string 0)))))", VMIR_E_SYNTAX,
                 "holds no logic: found instruction `call`");
  reject_minimal("(strings (\"id\" \"name\"))", "(ret)", VMIR_E_SYNTAX,
                 "expected (strings ...), found form (ret ...)");
  /* The tables hold descriptors: strings, and predicates printed one per
   * line. */
  char *text = load("ir/encode_policies.vmir");
  vmir_program *p = parse_ok(text);
  ck_assert_uint_eq(p->predicate_count, 4);
  ck_assert_int_eq(p->predicates[0].test, VMIR_PRED_IS_NONE);
  ck_assert_int_eq(p->predicates[3].test, VMIR_PRED_IS_DEFAULT);
  char *out = print(p);
  ck_assert(strstr(out, "\n      ((p0 (test is-none) (field (string 1)))\n"
                        "       (p1 (test host) (host-id 7) (field (string 6)))\n"));
  free(out);
  vmir_program_free(p);
  free(text);
}
END_TEST

/* t[verify format.vm.sexp-entry-proc] */
START_TEST(test_exactly_one_entry_proc) {
  vmir_program *p = parse_ok(labels_program);
  ck_assert_uint_eq(p->entry_proc, 0);
  vmir_program_free(p);
  reject_labels("\n    (entry-proc f0)", "", VMIR_E_SYNTAX,
                "needs (entry-proc fN)");
  reject_labels("(entry-proc f0)", "(entry-proc f0)\n    (entry-proc f1)",
                VMIR_E_SYNTAX, "exactly one entry-proc");
  reject_labels("(entry-proc f0)", "(entry-proc f0)\n    (entry-proc f0)",
                VMIR_E_SYNTAX, "exactly one entry-proc");
  reject_labels("(entry-proc f0)", "(entry-proc f0 f1)", VMIR_E_SYNTAX,
                "(entry-proc ...) takes 1 item");
  reject_labels("(entry-proc f0)", "(entry-proc)", VMIR_E_SYNTAX,
                "(entry-proc ...) needs 1 item");
  /* The builder holds to the same rule. */
  vmir_builder *b = vmir_builder_new(VMIR_PROGRAM_ENCODE, 1);
  uint32_t f = vmir_builder_add_proc(b);
  vmir_builder_add_block(b, f);
  vmir_builder_emit(b, f, 0, VMIR_OP_RET, 0, 0, 0);
  vmir_error err;
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_int_eq(err.code, VMIR_E_VERIFY);
  ck_assert_str_eq(err.message, "program has no entry proc");
  b = vmir_builder_new(VMIR_PROGRAM_ENCODE, 1);
  f = vmir_builder_add_proc(b);
  vmir_builder_add_block(b, f);
  vmir_builder_emit(b, f, 0, VMIR_OP_RET, 0, 0, 0);
  vmir_builder_set_entry_proc(b, f);
  vmir_builder_set_entry_proc(b, f);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_int_eq(err.code, VMIR_E_VERIFY);
  ck_assert(strstr(err.message, "exactly one entry proc"));
}
END_TEST

/* t[verify format.vm.sexp-code-is-logic] */
/* t[verify format.ir.proc-cfg-only] */
START_TEST(test_code_is_blocks_with_terminators) {
  /* a block must end in exactly one terminator */
  reject_minimal("            (ret)", "            (emit-scalar)", VMIR_E_VERIFY,
                 "f0:b0:10: block does not end in a terminator (last "
                 "instruction is emit-scalar)");
  reject_minimal("(emit-end)", "(ret)", VMIR_E_VERIFY,
                 "f0:b0:9: terminator ret before the end of the block");
  reject_labels("(b0\n            (ret))", "(b0)", VMIR_E_VERIFY,
                "f1:b0: block is empty");
  reject_labels("(blocks\n          ((b0\n            (ret))\n"
                "           (b1\n            (branch-pred (pred p0) "
                "(then b0) (else b0)))))",
                "(blocks ())", VMIR_E_VERIFY, "f1: proc has no blocks");
  reject_minimal("(procs\n      ((f0", "(procs\n      ((f0 (ret)", VMIR_E_SYNTAX,
                 "proc f0 needs exactly (entry bK) and (blocks (...))");
  /* instructions: declared operands only, in order, with their keys */
  reject_minimal("(enter-field (index 0))", "(enter-field)", VMIR_E_SYNTAX,
                 "instruction `enter-field` needs operand (index ...)");
  reject_minimal("(enter-field (index 0))", "(enter-field (field 0))",
                 VMIR_E_SYNTAX, "expected (index ...), found form (field ...)");
  reject_minimal("(enter-field (index 0))", "(enter-field (index 0) (index 1))",
                 VMIR_E_SYNTAX, "takes 1 operand; unexpected extra item");
  reject_minimal("(enter-field (index 0))", "(enter-field (index 0 1))",
                 VMIR_E_SYNTAX, "(index ...) takes 1 item");
  reject_minimal("(enter-field (index 0))", "(enter-field 0)", VMIR_E_SYNTAX,
                 "expected (index ...), found integer 0");
  reject_minimal("(emit-scalar)", "(emit-scalar (index 0))", VMIR_E_SYNTAX,
                 "takes 0 operands");
  reject_minimal("(emit-scalar)", "emit-scalar", VMIR_E_SYNTAX,
                 "expected an instruction");
  reject_minimal("(emit-scalar)", "()", VMIR_E_SYNTAX,
                 "expected an instruction");
  /* string operands index the table */
  reject_minimal("(string 1)", "(string 2)", VMIR_E_VERIFY,
                 "f0:b0:5: string 2 out of range (table has 2 strings)");
}
END_TEST

/* t[verify format.vm.text-form-sexp] */
START_TEST(test_errors_name_position) {
  char *base = load("ir/minimal.vmir");
  char *text = subst(base, "(emit-scalar)", "(emit-scalr)");
  vmir_error e = reject(text, VMIR_E_SYNTAX, "unknown instruction");
  ck_assert_str_eq(e.message, "test:17:14: unknown instruction `emit-scalr`");
  ck_assert_uint_eq(e.line, 17);
  ck_assert_uint_eq(e.column, 14);
  ck_assert_uint_eq(e.offset, (size_t)(strstr(text, "emit-scalr") - text));
  free(text);
  text = subst(base, "(kind encode)", "(kind 3)");
  e = reject(text, VMIR_E_SYNTAX, "expected a program kind");
  ck_assert_str_eq(e.message, "test:3:9: expected a program kind, found "
                   "integer 3");
  free(text);
  /* a structural error found by the builder points at the instruction */
  text = subst(base, "(ret)", "(jump (to b3))");
  e = reject(text, VMIR_E_VERIFY, "block target b3 out of range");
  ck_assert_str_eq(e.message, "test:24:13: f0:b0:10: block target b3 out of "
                   "range (proc has 1 block)");
  ck_assert_int_eq(e.insn, 10);
  free(text);
  /* reader errors carry the position too */
  reject("(vmir (abi 1)", VMIR_E_SYNTAX, "missing ')'");
  reject("(vmir) (vmir)", VMIR_E_SYNTAX, "after the top-level form");
  vmir_error err;
  ck_assert_ptr_null(vmir_program_parse_text("", 0, NULL, &err));
  ck_assert_int_eq(err.code, VMIR_E_SYNTAX);
  ck_assert_ptr_null(vmir_program_parse_text(base, strlen(base) - 3, "cut", &err));
  ck_assert(strncmp(err.message, "cut:", 4) == 0);
  /* only `len` bytes are read: a prefix of a valid program is not one */
  ck_assert_ptr_null(vmir_program_parse_text(base, 10, "cut", &err));
  free(base);
}
END_TEST

/* ---- limits ------------------------------------------------------------------------------ */

/* t[verify format.vm.text-form-sexp] */
START_TEST(test_limits) {
  /* nesting deeper than VMIR_TEXT_MAX_DEPTH */
  char deep[4 * VMIR_TEXT_MAX_DEPTH + 64];
  size_t o = 0;
  o += (size_t)snprintf(deep, sizeof deep, "(vmir (abi 1) ");
  for (unsigned i = 0; i < VMIR_TEXT_MAX_DEPTH + 1; i++) deep[o++] = '(';
  for (unsigned i = 0; i < VMIR_TEXT_MAX_DEPTH + 1; i++) deep[o++] = ')';
  deep[o++] = ')';
  deep[o] = '\0';
  reject(deep, VMIR_E_LIMIT, "nesting deeper than");
  /* larger than VMIR_TEXT_MAX_BYTES: refused before reading */
  size_t big = (size_t)VMIR_TEXT_MAX_BYTES + 1;
  char *huge = malloc(big);
  ck_assert_ptr_nonnull(huge);
  memset(huge, ' ', big);
  vmir_error err;
  ck_assert_ptr_null(vmir_program_parse_text(huge, big, "huge", &err));
  ck_assert_int_eq(err.code, VMIR_E_LIMIT);
  ck_assert(strstr(err.message, "limit"));
  free(huge);
}
END_TEST

/* ---- the builder's structural checks ---------------------------------------------------- */

/* A builder for one proc of four blocks, each ending in `ret`, except that
 * the caller adds the terminators itself when `open` is set. */
static vmir_builder *four_blocks(uint32_t *f) {
  vmir_builder *b = vmir_builder_new(VMIR_PROGRAM_FUSED, 5);
  vmir_builder_add_string(b, "s", 1);
  vmir_builder_add_predicate(b, (vmir_predicate){VMIR_PRED_IS_NONE, 0, 0});
  *f = vmir_builder_add_proc(b);
  for (int k = 0; k < 4; k++) ck_assert_uint_eq(vmir_builder_add_block(b, *f), (uint32_t)k);
  vmir_builder_set_entry_proc(b, *f);
  return b;
}

static void finish_ret_blocks(vmir_builder *b, uint32_t f, uint32_t except) {
  for (uint32_t k = 0; k < 4; k++)
    if (k != except) vmir_builder_emit(b, f, k, VMIR_OP_RET, 0, 0, 0);
}

/* Builds with one bad instruction at f0:b2:3 and checks the message. */
static void expect_bad_insn(vmir_opcode op, int64_t a0, int64_t a1, int64_t a2,
                            const char *message) {
  uint32_t f;
  vmir_builder *b = four_blocks(&f);
  uint32_t items[] = {0, 9};
  vmir_builder_add_list(b, items, 2);  /* list 0: a bad block list */
  vmir_builder_add_blob(b, (const uint8_t *)"x", 1);
  finish_ret_blocks(b, f, 2);
  for (int i = 0; i < 3; i++) vmir_builder_emit(b, f, 2, VMIR_OP_EMIT_SCALAR, 0, 0, 0);
  vmir_builder_emit(b, f, 2, op, a0, a1, a2);
  if (!vmir_op_info_of(op)->terminator) vmir_builder_emit(b, f, 2, VMIR_OP_RET, 0, 0, 0);
  vmir_error err;
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_int_eq(err.code, VMIR_E_VERIFY);
  ck_assert_str_eq(err.message, message);
  ck_assert_int_eq(err.proc, 0);
  ck_assert_int_eq(err.block, 2);
  ck_assert_int_eq(err.insn, 3);
}

/* t[verify format.ir.compile-validate-block-targets] */
/* t[verify format.ir.compile-validate-proc-targets] */
/* t[verify format.vm.sexp-code-is-logic] */
START_TEST(test_builder_operand_checks) {
  expect_bad_insn(VMIR_OP_JUMP, 9, 0, 0,
                  "f0:b2:3: block target b9 out of range (proc has 4 blocks)");
  expect_bad_insn(VMIR_OP_JUMP, -1, 0, 0,
                  "f0:b2:3: block target b-1 out of range (proc has 4 blocks)");
  expect_bad_insn(VMIR_OP_CALL, 1, 0, 0,
                  "f0:b2:3: proc target f1 out of range (program has 1 proc)");
  expect_bad_insn(VMIR_OP_EMIT_STRING, 1, 0, 0,
                  "f0:b2:3: string 1 out of range (table has 1 string)");
  expect_bad_insn(VMIR_OP_BRANCH_PRED, 1, 0, 0,
                  "f0:b2:3: predicate p1 out of range (table has 1 predicate)");
  expect_bad_insn(VMIR_OP_EXPECT_BYTES, 1, 0, 0,
                  "f0:b2:3: blob 1 out of range (pool has 1 blob)");
  expect_bad_insn(VMIR_OP_SWITCH_VARIANT, 1, 0, 0,
                  "f0:b2:3: list 1 out of range (pool has 1 list)");
  expect_bad_insn(VMIR_OP_SWITCH_VARIANT, 0, 0, 0,
                  "f0:b2:3: cases item 1: block target b9 out of range (proc "
                  "has 4 blocks)");
  expect_bad_insn(VMIR_OP_SWITCH_KEY, 0, 0, 0,
                  "f0:b2:3: keys item 1: string 9 out of range (table has 1 "
                  "string)");
  expect_bad_insn(VMIR_OP_BUILD_FIELD, 0, 2, 0,
                  "f0:b2:3: operand last-wins must be 0 or 1, got 2");
  expect_bad_insn(VMIR_OP_ENTER_FIELD, -3, 0, 0,
                  "f0:b2:3: operand index must be >= 0, got -3");
  expect_bad_insn(VMIR_OP_ENTER_FIELD, 1, 5, 0,
                  "f0:b2:3: unused operand 1 must be 0, got 5");
}
END_TEST

/* t[verify format.vm.sexp-code-is-logic] */
/* t[verify format.vm.sexp-consts-not-logic] */
START_TEST(test_builder_table_and_usage_checks) {
  vmir_error err;
  uint32_t f;
  /* predicate descriptors */
  static const struct { vmir_predicate pred; const char *message; } preds[] = {
      {{VMIR_PRED_NONE, 0, 0}, "p1: invalid test 0"},
      {{VMIR_PRED_IS_EMPTY, 4, 0}, "p1: host id 4 on a builtin test (only host "
                                   "tests have one)"},
      {{VMIR_PRED_HOST, 4, 1}, "p1: field string 1 out of range (table has 1 "
                               "string)"},
  };
  for (size_t i = 0; i < sizeof preds / sizeof preds[0]; i++) {
    vmir_builder *b = four_blocks(&f);
    finish_ret_blocks(b, f, 99);
    vmir_builder_add_predicate(b, preds[i].pred);
    ck_assert_ptr_null(vmir_builder_finish(b, &err));
    ck_assert_int_eq(err.code, VMIR_E_VERIFY);
    ck_assert_str_eq(err.message, preds[i].message);
    ck_assert_int_eq(err.predicate, 1);
  }
  /* strings are UTF-8 */
  vmir_builder *b = four_blocks(&f);
  finish_ret_blocks(b, f, 99);
  vmir_builder_add_string(b, "\xff", 1);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_str_eq(err.message, "string 1 is not valid UTF-8");
  /* entry block, kind, ABI 0, empty program */
  b = four_blocks(&f);
  finish_ret_blocks(b, f, 99);
  vmir_builder_set_proc_entry(b, f, 4);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_str_eq(err.message, "f0: entry block b4 out of range (proc has 4 "
                   "blocks)");
  ck_assert_int_eq(err.proc, 0);
  b = vmir_builder_new(VMIR_PROGRAM_KIND_COUNT, 0);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_str_eq(err.message, "invalid program kind 4");
  b = four_blocks(&f);
  finish_ret_blocks(b, f, 99);
  vmir_builder_set_abi(b, 0);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_str_eq(err.message, "ABI version 0 is not valid");
  b = vmir_builder_new(VMIR_PROGRAM_ENCODE, 0);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_str_eq(err.message, "program has no procs");
  /* misuse is recorded once and reported by finish */
  b = four_blocks(&f);
  finish_ret_blocks(b, f, 99);
  vmir_builder_emit(b, f, 7, VMIR_OP_RET, 0, 0, 0);
  vmir_builder_emit(b, 3, 0, VMIR_OP_RET, 0, 0, 0);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_int_eq(err.code, VMIR_E_USAGE);
  ck_assert(strstr(err.message, "block f0:b7 does not exist"));
  b = four_blocks(&f);
  ck_assert_uint_eq(vmir_builder_add_block(b, 5), UINT32_MAX);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_int_eq(err.code, VMIR_E_USAGE);
  ck_assert(strstr(err.message, "proc f5 does not exist"));
  b = four_blocks(&f);
  vmir_builder_emit(b, f, 0, VMIR_OP_COUNT, 0, 0, 0);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert(strstr(err.message, "unknown opcode"));
  b = four_blocks(&f);
  ck_assert_uint_eq(vmir_builder_add_string(b, NULL, 3), UINT32_MAX);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_int_eq(err.code, VMIR_E_USAGE);
  /* a NULL builder (failed allocation) is reported, not dereferenced */
  ck_assert_ptr_null(vmir_builder_finish(NULL, &err));
  ck_assert_int_eq(err.code, VMIR_E_NOMEM);
  vmir_builder_free(NULL);
  vmir_program_free(NULL);
  /* a good build: the defaults (ABI, entry block b0) and a valid program */
  b = four_blocks(&f);
  finish_ret_blocks(b, f, 99);
  vmir_program *p = vmir_builder_finish(b, &err);
  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(err.code, VMIR_OK);
  ck_assert_uint_eq(p->abi, VMIR_ABI_VERSION);
  ck_assert_uint_eq(p->procs[0].entry_block, 0);
  ck_assert_str_eq(p->string_bytes + p->strings[0].start, "s");
  vmir_program_free(p);
}
END_TEST

/* ---- mutation evidence (docs/mutation.md) ------------------------------------ */

/* String literals at the edges of their grammar: the last low surrogate
 * alone, overlong three- and four-byte UTF-8, and the top of the range.
 * t[verify format.vm.sexp-string-format] */
START_TEST(test_string_literal_edges) {
  reject_minimal("\"name\"", "\"\\udfff\"", VMIR_E_SYNTAX, "surrogate");
  reject_minimal("\"name\"", "\"\\udbff\\udbff\"", VMIR_E_SYNTAX, "surrogate");
  reject_minimal("\"name\"", "\"\xe0\x80\x80\"", VMIR_E_SYNTAX, "invalid UTF-8");
  reject_minimal("\"name\"", "\"\xe0\x9f\xbf\"", VMIR_E_SYNTAX, "invalid UTF-8");
  reject_minimal("\"name\"", "\"\xf0\x8f\xbf\xbf\"", VMIR_E_SYNTAX, "invalid UTF-8");
  reject_minimal("\"name\"", "\"\xf4\x90\x80\x80\"", VMIR_E_SYNTAX, "invalid UTF-8");
  /* the smallest three-byte and the largest four-byte scalar are fine */
  vmir_program *p = accept_minimal("\"name\"", "\"\xe0\xa0\x80\xf4\x8f\xbf\xbf\\udbff\\udfff\"");
  ck_assert_uint_eq(p->strings[1].len, 11);
  vmir_program_free(p);
}
END_TEST

/* A comment may end the text without a newline, even as a lone ';'.
 * t[verify format.vm.sexp-parser-comments] */
START_TEST(test_comment_at_the_very_end) {
  char *base = load("ir/minimal.vmir");
  size_t n = strlen(base);
  char *text = malloc(n + 2);
  ck_assert_ptr_nonnull(text);
  memcpy(text, base, n);
  memcpy(text + n, ";", 2);
  vmir_program *p = parse_ok(text);
  vmir_program_free(p);
  free(text);
  free(base);
}
END_TEST

/* Instruction names match whole: a prefix of one names nothing.
 * t[verify format.vm.single-vm-dialect] */
START_TEST(test_instruction_prefix_is_unknown) {
  reject_minimal("(emit-scalar)", "(emit-scal)", VMIR_E_SYNTAX, "unknown instruction `emit-scal`");
  reject_minimal("(leave)", "(le)", VMIR_E_SYNTAX, "unknown instruction `le`");
}
END_TEST

/* (code ...) holds a list of procs and nothing else will do, not even an
 * atom where the list belongs.
 * t[verify format.vm.sexp-code-is-logic] */
START_TEST(test_code_needs_a_proc_list) {
  reject("(vmir (abi 1) (kind encode) (shape-id 42) (consts (strings ()) (predicates ()))"
         " (code (procs x) (entry-proc f0)))",
         VMIR_E_SYNTAX, "a list of procs");
}
END_TEST

int main(void) {
  Suite *s = suite_create("ir_text");
  TCase *tc = tcase_create("text");
  tcase_add_test(tc, test_minimal_example_byte_exact);
  tcase_add_test(tc, test_data_files_print_back);
  tcase_add_test(tc, test_rough_files_print_canonically);
  tcase_add_test(tc, test_root_tag);
  tcase_add_test(tc, test_root_key_order);
  tcase_add_test(tc, test_profile_key_rejected);
  tcase_add_test(tc, test_format_key_rejected);
  tcase_add_test(tc, test_one_dialect_for_every_kind);
  tcase_add_test(tc, test_opcode_table);
  tcase_add_test(tc, test_abi_is_explicit);
  tcase_add_test(tc, test_symbol_style);
  tcase_add_test(tc, test_int_format);
  tcase_add_test(tc, test_bool_format);
  tcase_add_test(tc, test_string_format);
  tcase_add_test(tc, test_bytes_format);
  tcase_add_test(tc, test_block_labels);
  tcase_add_test(tc, test_predicate_labels);
  tcase_add_test(tc, test_proc_labels);
  tcase_add_test(tc, test_whitespace_anywhere);
  tcase_add_test(tc, test_comments_accepted_never_printed);
  tcase_add_test(tc, test_printer_deterministic);
  tcase_add_test(tc, test_program_equal_distinguishes);
  tcase_add_test(tc, test_consts_hold_no_logic);
  tcase_add_test(tc, test_exactly_one_entry_proc);
  tcase_add_test(tc, test_code_is_blocks_with_terminators);
  tcase_add_test(tc, test_errors_name_position);
  tcase_add_test(tc, test_limits);
  tcase_add_test(tc, test_builder_operand_checks);
  tcase_add_test(tc, test_builder_table_and_usage_checks);
  suite_add_tcase(s, tc);
  TCase *mut = tcase_create("mutation evidence");
  tcase_add_test(mut, test_string_literal_edges);
  tcase_add_test(mut, test_code_needs_a_proc_list);
  tcase_add_test(mut, test_comment_at_the_very_end);
  tcase_add_test(mut, test_instruction_prefix_is_unknown);
  suite_add_tcase(s, mut);
  return vmir_test_run(s, "ir_text");
}
