/* Verifier conformance suite: every verifier rule has a program that passes
 * and a program that breaks it, and the rejection is checked for its error
 * code, its pc (proc, block, instruction) and its message.
 *
 * Programs are written in the text form (docs/ir-forms.md) around a small
 * template (see prog()), shapes are C descriptors (verify_shapes.h), so each
 * test reads as the IR it checks. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "verify_shapes.h"
#include "vmir/vmir.h"

/* ---- helpers ---------------------------------------------------------------- */

#define DEFAULT_STRINGS "\"a\" \"b\" \"c\""
/* p0 is-none, p1 is-empty, p2 is-default */
#define DEFAULT_PREDICATES                                                    \
  "(p0 (test is-none) (field (string 0)))"                                    \
  " (p1 (test is-empty) (field (string 0)))"                                  \
  " (p2 (test is-default) (field (string 0)))"

/* Parses a program of `kind` bound to `root` (its real shape id), with the
 * default constant tables, the given procs and entry proc. */
static vmir_program *prog_entry(const char *kind, const vmir_shape *root,
                                const char *procs, unsigned entry) {
  size_t cap = strlen(procs) + 1024;
  char *text = malloc(cap);
  ck_assert_ptr_nonnull(text);
  snprintf(text, cap,
           "(vmir (abi 1) (kind %s) (shape-id %" PRIu64 ")\n"
           " (consts (strings (" DEFAULT_STRINGS ")) (predicates (" DEFAULT_PREDICATES ")))\n"
           " (code (procs (%s)) (entry-proc f%u)))\n",
           kind, vmir_shape_id(root), procs, entry);
  vmir_error err;
  vmir_program *p = vmir_program_parse_text(text, strlen(text), "test.vmir", &err);
  if (!p) ck_abort_msg("test program does not parse: %s\n%s", err.message, text);
  free(text);
  return p;
}

static vmir_program *prog(const char *kind, const vmir_shape *root, const char *procs) {
  return prog_entry(kind, root, procs, 0);
}

static void assert_ok(const vmir_program *p, const vmir_shape *root) {
  vmir_error err;
  vmir_status st = vmir_verify(p, root, &err);
  ck_assert_msg(st == VMIR_OK, "expected the program to verify, got %s: %s",
                vmir_status_name(st), err.message);
}

/* The verifier rejects with `code` at pc fP:bB:I (-1: no pc) and a message
 * containing `needle`; verifier messages start with their pc label. */
static void assert_rejected(const vmir_program *p, const vmir_shape *root,
                            vmir_status code, int proc, int block, int insn,
                            const char *needle) {
  vmir_error err;
  vmir_status st = vmir_verify(p, root, &err);
  ck_assert_msg(st == code, "expected %s, got %s: %s", vmir_status_name(code),
                vmir_status_name(st), err.message);
  ck_assert_int_eq(err.code, code);
  ck_assert_int_eq(err.proc, proc);
  ck_assert_int_eq(err.block, block);
  ck_assert_int_eq(err.insn, insn);
  ck_assert_msg(strstr(err.message, needle) != NULL, "message '%s' lacks '%s'",
                err.message, needle);
  if (proc >= 0) {
    char label[48];
    snprintf(label, sizeof label, "f%d:b%d:%d: ", proc, block, insn);
    ck_assert_msg(strncmp(err.message, label, strlen(label)) == 0,
                  "message '%s' does not start with '%s'", err.message, label);
  }
}

static void ok(const char *kind, const vmir_shape *root, const char *procs) {
  vmir_program *p = prog(kind, root, procs);
  assert_ok(p, root);
  vmir_program_free(p);
}

static void rejected(const char *kind, const vmir_shape *root, const char *procs,
                     vmir_status code, int proc, int block, int insn,
                     const char *needle) {
  vmir_program *p = prog(kind, root, procs);
  assert_rejected(p, root, code, proc, block, insn, needle);
  vmir_program_free(p);
}

/* A copy of `p` whose instruction `index` has operand `slot` = `value`: a
 * hand-made program that never went through the builder, to check that the
 * verifier does not rely on the builder's checks for its own safety. */
typedef struct patched {
  vmir_program program;
  vmir_insn *insns;
} patched;

static patched patch(const vmir_program *p, uint32_t index, int slot, int64_t value) {
  patched out = {*p, malloc((size_t)p->insn_count * sizeof(vmir_insn))};
  ck_assert_ptr_nonnull(out.insns);
  memcpy(out.insns, p->insns, (size_t)p->insn_count * sizeof(vmir_insn));
  out.insns[index].operand[slot] = value;
  out.program.insns = out.insns;
  return out;
}

/* ---- envelope: ABI, shape id, root shape -------------------------------------- */

/* t[verify format.ir.program-abi-version] */
START_TEST(abi_version_checked) {
  /* the builder records any ABI; the verifier accepts only this library's */
  for (uint32_t abi = 1; abi <= 2; abi++) {
    vmir_builder *b = vmir_builder_new(VMIR_PROGRAM_ENCODE, vmir_shape_id(&vmir_shape_u32));
    vmir_builder_set_abi(b, abi);
    uint32_t f = vmir_builder_add_proc(b);
    uint32_t b0 = vmir_builder_add_block(b, f);
    vmir_builder_set_proc_entry(b, f, b0);
    vmir_builder_set_entry_proc(b, f);
    vmir_builder_emit(b, f, b0, VMIR_OP_EMIT_SCALAR, 0, 0, 0);
    vmir_builder_emit(b, f, b0, VMIR_OP_RET, 0, 0, 0);
    vmir_error err;
    vmir_program *p = vmir_builder_finish(b, &err);
    ck_assert_msg(p != NULL, "%s", err.message);
    ck_assert_uint_eq(p->abi, abi);
    if (abi == VMIR_ABI_VERSION)
      assert_ok(p, &vmir_shape_u32);
    else
      assert_rejected(p, &vmir_shape_u32, VMIR_E_ABI, -1, -1, -1, "ABI 2");
    vmir_program_free(p);
  }
}
END_TEST

/* t[verify format.ir.program-root-shape] */
START_TEST(root_shape_id_bound) {
  vmir_program *p = prog("encode", &tw_user_shape,
                         "(f0 (entry b0) (blocks ((b0 (enter-field (index 0)) "
                         "(emit-scalar) (leave) (ret)))))");
  assert_ok(p, &tw_user_shape);
  /* the same program against another root: the id no longer matches */
  assert_rejected(p, &rec_shape, VMIR_E_SHAPE_ID, -1, -1, -1, "shape id");
  assert_rejected(p, &vmir_shape_u64, VMIR_E_SHAPE_ID, -1, -1, -1, "shape id");
  vmir_program_free(p);
}
END_TEST

/* t[verify format.ir.program-root-shape] */
START_TEST(root_shape_must_be_valid) {
  vmir_error err;
  vmir_program *p = prog("encode", &vmir_shape_u32,
                         "(f0 (entry b0) (blocks ((b0 (emit-scalar) (ret)))))");
  /* an invalid root is refused with the shape validator's error, before
   * its id is trusted */
  vmir_status st = vmir_verify(p, &broken_shape, &err);
  ck_assert_msg(st == VMIR_E_LAYOUT || st == VMIR_E_SHAPE, "got %s: %s",
                vmir_status_name(st), err.message);
  ck_assert_ptr_nonnull(strstr(err.message, "broken"));
  /* NULL arguments are usage errors, not crashes */
  ck_assert_int_eq(vmir_verify(NULL, &vmir_shape_u32, &err), VMIR_E_USAGE);
  ck_assert_int_eq(vmir_verify(p, NULL, &err), VMIR_E_USAGE);
  ck_assert_int_eq(vmir_verify(p, &vmir_shape_u32, NULL), VMIR_OK);
  vmir_program_free(p);
}
END_TEST

/* ---- entry proc, procs and blocks ------------------------------------------------ */

/* t[verify format.vm.sexp-entry-proc] */
START_TEST(entry_proc_required_and_used) {
  /* the entry proc need not be f0; it runs on the root shape, and f0 here
   * is a helper entered with the u64 field */
  vmir_program *p = prog_entry(
      "encode", &tw_user_shape,
      "(f0 (entry b0) (blocks ((b0 (emit-scalar) (ret)))))"
      " (f1 (entry b0) (blocks ((b0 (emit-begin-struct (fields 1))"
      " (emit-field-name (string 0)) (enter-field (index 0)) (call (proc f0))"
      " (leave) (emit-end) (ret)))))",
      1);
  ck_assert_uint_eq(p->entry_proc, 1);
  assert_ok(p, &tw_user_shape);
  vmir_program_free(p);
  /* with f0 as the entry, emit-scalar meets the struct root */
  p = prog_entry("encode", &tw_user_shape,
                 "(f0 (entry b0) (blocks ((b0 (emit-scalar) (ret)))))", 0);
  assert_rejected(p, &tw_user_shape, VMIR_E_VERIFY, 0, 0, 0,
                  "emit-scalar needs a scalar");
  vmir_program_free(p);

  /* a program without an entry proc is never built */
  vmir_builder *b = vmir_builder_new(VMIR_PROGRAM_ENCODE, 1);
  uint32_t f = vmir_builder_add_proc(b);
  uint32_t b0 = vmir_builder_add_block(b, f);
  vmir_builder_set_proc_entry(b, f, b0);
  vmir_builder_emit(b, f, b0, VMIR_OP_RET, 0, 0, 0);
  vmir_error err;
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_ptr_nonnull(strstr(err.message, "entry proc"));
  /* nor read from text without (entry-proc ...) */
  const char *text =
      "(vmir (abi 1) (kind encode) (shape-id 1) (consts (strings ()) (predicates ()))"
      " (code (procs ((f0 (entry b0) (blocks ((b0 (ret))))))) ))";
  ck_assert_ptr_null(vmir_program_parse_text(text, strlen(text), "t.vmir", &err));
  ck_assert_int_eq(err.code, VMIR_E_SYNTAX);

  /* a hand-made program whose entry proc dangles is rejected, not read */
  p = prog("encode", &vmir_shape_u32, "(f0 (entry b0) (blocks ((b0 (emit-scalar) (ret)))))");
  vmir_program copy = *p;
  copy.entry_proc = 3;
  assert_rejected(&copy, &vmir_shape_u32, VMIR_E_VERIFY, -1, -1, -1, "entry-proc f3");
  vmir_program_free(p);
}
END_TEST

/* t[verify format.ir.compile-validate-block-targets] */
START_TEST(dangling_block_rejected) {
  vmir_error err;
  /* text: a jump to a block the proc does not have */
  const char *text =
      "(vmir (abi 1) (kind encode) (shape-id 1) (consts (strings ()) (predicates ()))\n"
      " (code (procs ((f0 (entry b0) (blocks ((b0 (jump (to b9))))))))\n"
      " (entry-proc f0)))";
  ck_assert_ptr_null(vmir_program_parse_text(text, strlen(text), "t.vmir", &err));
  ck_assert_ptr_nonnull(strstr(err.message, "b9"));
  ck_assert_uint_eq(err.line, 2);
  /* builder: the same through the API */
  vmir_builder *b = vmir_builder_new(VMIR_PROGRAM_ENCODE, 1);
  uint32_t f = vmir_builder_add_proc(b);
  uint32_t b0 = vmir_builder_add_block(b, f);
  vmir_builder_set_proc_entry(b, f, b0);
  vmir_builder_set_entry_proc(b, f);
  vmir_builder_emit(b, f, b0, VMIR_OP_JUMP, 9, 0, 0);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_int_eq(err.code, VMIR_E_VERIFY);
  ck_assert_int_eq(err.block, 0);
  /* verifier: a hand-made program with a dangling target, single and in a
   * case list; the valid original passes */
  vmir_program *p = prog("encode", &rec_shape,
                         "(f0 (entry b0) (blocks ((b0 (enter-field (index 9))"
                         " (switch-variant (cases (b1 b1 b1))))"
                         " (b1 (leave) (jump (to b2))) (b2 (ret)))))");
  assert_ok(p, &rec_shape);
  patched bad = patch(p, 3, 0, 7); /* b1's jump -> b7 */
  assert_rejected(&bad.program, &rec_shape, VMIR_E_VERIFY, 0, 1, 1, "dangling block b7");
  free(bad.insns);
  vmir_program_free(p);
}
END_TEST

/* t[verify format.ir.compile-validate-proc-targets] */
START_TEST(dangling_proc_rejected) {
  vmir_error err;
  const char *text =
      "(vmir (abi 1) (kind encode) (shape-id 1) (consts (strings ()) (predicates ()))\n"
      " (code (procs ((f0 (entry b0) (blocks ((b0\n"
      "   (call (proc f4)) (ret)))))))\n"
      " (entry-proc f0)))";
  ck_assert_ptr_null(vmir_program_parse_text(text, strlen(text), "t.vmir", &err));
  ck_assert_ptr_nonnull(strstr(err.message, "f4"));
  ck_assert_uint_eq(err.line, 3);
  vmir_builder *b = vmir_builder_new(VMIR_PROGRAM_ENCODE, 1);
  uint32_t f = vmir_builder_add_proc(b);
  uint32_t b0 = vmir_builder_add_block(b, f);
  vmir_builder_set_proc_entry(b, f, b0);
  vmir_builder_set_entry_proc(b, f);
  vmir_builder_emit(b, f, b0, VMIR_OP_CALL, 4, 0, 0);
  vmir_builder_emit(b, f, b0, VMIR_OP_RET, 0, 0, 0);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_int_eq(err.code, VMIR_E_VERIFY);
  /* verifier: a hand-made call to f4 */
  vmir_program *p = prog("encode", &vmir_shape_u32,
                         "(f0 (entry b0) (blocks ((b0 (call (proc f1)) (ret)))))"
                         " (f1 (entry b0) (blocks ((b0 (emit-scalar) (ret)))))");
  assert_ok(p, &vmir_shape_u32);
  patched bad = patch(p, 0, 0, 4);
  assert_rejected(&bad.program, &vmir_shape_u32, VMIR_E_VERIFY, 0, 0, 0, "dangling proc f4");
  free(bad.insns);
  vmir_program_free(p);
}
END_TEST

/* t[verify format.ir.proc-cfg-only] */
START_TEST(procs_are_blocks_with_explicit_edges) {
  /* a CFG with a diamond (branch-some) and a join verifies */
  ok("encode", &rec_shape,
     "(f0 (entry b0) (blocks ("
     " (b0 (enter-field (index 2)) (branch-some (then b1) (else b2)))"
     " (b1 (enter-some) (emit-scalar) (leave) (jump (to b3)))"
     " (b2 (emit-null) (jump (to b3)))"
     " (b3 (leave) (ret)))))");
  /* blocks without a terminator, or with one in the middle, are never built */
  vmir_error err;
  vmir_builder *b = vmir_builder_new(VMIR_PROGRAM_ENCODE, 1);
  uint32_t f = vmir_builder_add_proc(b);
  uint32_t b0 = vmir_builder_add_block(b, f);
  vmir_builder_set_proc_entry(b, f, b0);
  vmir_builder_set_entry_proc(b, f);
  vmir_builder_emit(b, f, b0, VMIR_OP_EMIT_NULL, 0, 0, 0);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_ptr_nonnull(strstr(err.message, "terminator"));
  b = vmir_builder_new(VMIR_PROGRAM_ENCODE, 1);
  f = vmir_builder_add_proc(b);
  b0 = vmir_builder_add_block(b, f);
  vmir_builder_set_proc_entry(b, f, b0);
  vmir_builder_set_entry_proc(b, f);
  vmir_builder_emit(b, f, b0, VMIR_OP_RET, 0, 0, 0);
  vmir_builder_emit(b, f, b0, VMIR_OP_EMIT_NULL, 0, 0, 0);
  vmir_builder_emit(b, f, b0, VMIR_OP_RET, 0, 0, 0);
  ck_assert_ptr_null(vmir_builder_finish(b, &err));
  ck_assert_ptr_nonnull(strstr(err.message, "terminator"));
  /* the verifier checks the same on a hand-made program: ret moved into
   * the middle of b0 */
  vmir_program *p = prog("encode", &vmir_shape_u32,
                         "(f0 (entry b0) (blocks ((b0 (emit-scalar) (ret)))))");
  patched bad = patch(p, 0, 0, 0);
  bad.insns[0].op = VMIR_OP_RET;
  assert_rejected(&bad.program, &vmir_shape_u32, VMIR_E_VERIFY, 0, 0, 0,
                  "terminator before the end");
  free(bad.insns);
  vmir_program_free(p);
}
END_TEST

/* ---- field and variant indexes ---------------------------------------------------- */

/* t[verify format.ir.compile-validate-indices] */
START_TEST(enter_field_index_in_range) {
  ok("encode", &tw_user_shape,
     "(f0 (entry b0) (blocks ((b0 (enter-field (index 3)) (emit-scalar) (leave) (ret)))))");
  rejected("encode", &tw_user_shape,
           "(f0 (entry b0) (blocks ((b0 (emit-begin-struct (fields 1))"
           " (enter-field (index 4)) (emit-scalar) (leave) (emit-end) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 1,
           "enter-field index 4 out of range: struct tw_user has 4 fields");
  /* through a pointer, in a later block */
  ok("encode", &rec_shape,
     "(f0 (entry b0) (blocks ((b0 (enter-field (index 11)) (jump (to b1)))"
     " (b1 (enter-pointee) (enter-field (index 1)) (emit-scalar) (leave) (leave)"
     " (leave) (ret)))))");
  rejected("encode", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-field (index 11)) (jump (to b1)))"
           " (b1 (enter-pointee) (enter-field (index 5)) (emit-scalar) (leave) (leave)"
           " (leave) (ret)))))",
           VMIR_E_VERIFY, 0, 1, 1,
           "enter-field index 5 out of range: struct tw_user has 4 fields");
  /* tuples have positional fields */
  ok("encode", &rec_shape,
     "(f0 (entry b0) (blocks ((b0 (enter-field (index 7)) (enter-field (index 1))"
     " (emit-scalar) (leave) (leave) (ret)))))");
  rejected("encode", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-field (index 7)) (enter-field (index 2))"
           " (emit-scalar) (leave) (leave) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 1, "tuple pair has 2 fields");
}
END_TEST

/* t[verify format.ir.compile-validate-indices] */
START_TEST(variant_indexes_in_range) {
  /* C is variant 2 with fields s (0) and n (1) */
  ok("encode", &event_shape,
     "(f0 (entry b0) (blocks ((b0 (switch-variant (cases (b1 b2 b3))))"
     " (b1 (emit-string (string 0)) (ret))"
     " (b2 (enter-variant-field (variant 1) (index 0)) (emit-scalar) (leave) (ret))"
     " (b3 (enter-variant-field (variant 2) (index 1)) (emit-scalar) (leave) (ret)))))");
  rejected("encode", &event_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-variant-field (variant 3) (index 0))"
           " (emit-scalar) (leave) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 0,
           "enter-variant-field variant 3 out of range: enum event has 3 variants");
  rejected("encode", &event_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-variant-field (variant 2) (index 2))"
           " (emit-scalar) (leave) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 0, "index 2 out of range: variant 2 (C)");
  /* the unit variant has no fields */
  rejected("encode", &event_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-variant-field (variant 0) (index 0))"
           " (emit-scalar) (leave) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 0, "has 0 fields");
  /* switch-variant: one case per variant */
  rejected("encode", &event_shape,
           "(f0 (entry b0) (blocks ((b0 (switch-variant (cases (b1 b1))))"
           " (b1 (emit-null) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 0, "switch-variant has 2 cases: enum event has 3 variants");
  /* build side: select a variant, mark a field */
  ok("fused", &rec_shape,
     "(f0 (entry b0) (blocks ((b0 (build-begin-struct) (build-field (index 9) (last-wins false))"
     " (enter-field (index 9)) (build-select-variant (variant 2)) (leave)"
     " (build-end-struct) (build-commit) (ret)))))");
  rejected("fused", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-field (index 9))"
           " (build-select-variant (variant 3)) (leave) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 1, "build-select-variant variant 3 out of range");
  rejected("build", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (build-begin-struct)"
           " (build-field (index 14) (last-wins true)) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 1, "build-field index 14 out of range: struct rec has 14 fields");
  /* field tracking of an enum's active variant: the index must fit one */
  ok("build", &event_shape,
     "(f0 (entry b0) (blocks ((b0 (build-select-variant (variant 2)) (build-begin-struct)"
     " (build-field (index 1) (last-wins false)) (build-end-struct) (ret)))))");
  rejected("build", &event_shape,
           "(f0 (entry b0) (blocks ((b0 (build-select-variant (variant 2)) (build-begin-struct)"
           " (build-field (index 2) (last-wins false)) (build-end-struct) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 2,
           "build-field index 2 out of range: no variant of enum event has more than 2 fields");
}
END_TEST

/* t[verify format.ir.compile-validate-indices] */
START_TEST(collect_unknown_field_fits) {
  ok("fused", &rec_shape,
     "(f0 (entry b0) (blocks ((b0 (json-read-key) (json-read-value)"
     " (build-collect-unknown (index 5) (last-wins false)) (build-collect-unknown (index 6) (last-wins false)) (ret)))))");
  rejected("fused", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (json-read-key) (json-read-value)"
           " (build-collect-unknown (index 4) (last-wins false)) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 2, "build-collect-unknown field 4 (attrs) is map");
  rejected("fused", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (build-collect-unknown (index 20) (last-wins false)) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 0, "index 20 out of range");
  rejected("fused", &tw_user_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-field (index 0))"
           " (build-collect-unknown (index 0) (last-wins false)) (leave) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 1, "build-collect-unknown needs a struct");
}
END_TEST

/* ---- navigation balance ---------------------------------------------------------- */

/* t[verify format.ir.exec-stack-balance] */
START_TEST(leave_never_leaves_root) {
  ok("encode", &tw_user_shape,
     "(f0 (entry b0) (blocks ((b0 (enter-field (index 1)) (emit-scalar) (leave) (ret)))))");
  rejected("encode", &tw_user_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-field (index 1)) (emit-scalar) (leave)"
           " (leave) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 3, "would leave the root scope");
  /* nor the base of a called proc */
  rejected("encode", &tw_user_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-field (index 1)) (call (proc f1)) (leave)"
           " (ret)))))"
           " (f1 (entry b0) (blocks ((b0 (leave) (ret)))))",
           VMIR_E_VERIFY, 1, 0, 0, "leave at the base of f1");
}
END_TEST

/* t[verify format.ir.exec-stack-balance] */
START_TEST(ret_needs_balanced_navigation) {
  rejected("encode", &tw_user_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-field (index 1)) (emit-scalar) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 2, "ret with unbalanced navigation: 1 path entries");
  /* a loop still open at ret */
  rejected("encode", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-field (index 3)) (loop-begin) (leave)"
           " (ret)))))",
           VMIR_E_VERIFY, 0, 0, 3, "0 path entries and 1 loops");
}
END_TEST

/* t[verify format.ir.exec-stack-balance] */
START_TEST(joins_agree_on_navigation) {
  /* then-branch enters the option, else-branch does not: b3 is reached at
   * two depths */
  rejected("encode", &rec_shape,
           "(f0 (entry b0) (blocks ("
           " (b0 (enter-field (index 2)) (branch-some (then b1) (else b2)))"
           " (b1 (enter-some) (emit-scalar) (jump (to b3)))"
           " (b2 (emit-null) (jump (to b3)))"
           " (b3 (leave) (ret)))))",
           VMIR_E_VERIFY, 0, 2, 1, "inconsistent navigation at join into b3");
  /* same depth, different shapes */
  rejected("encode", &rec_shape,
           "(f0 (entry b0) (blocks ("
           " (b0 (branch-pred (pred p2) (then b1) (else b2)))"
           " (b1 (enter-field (index 0)) (jump (to b3)))"
           " (b2 (enter-field (index 1)) (jump (to b3)))"
           " (b3 (emit-scalar) (leave) (ret)))))",
           VMIR_E_VERIFY, 0, 2, 1, "inconsistent navigation at join into b3");
  /* same shapes on both paths: fine */
  ok("encode", &rec_shape,
     "(f0 (entry b0) (blocks ("
     " (b0 (branch-pred (pred p2) (then b1) (else b2)))"
     " (b1 (enter-field (index 0)) (jump (to b3)))"
     " (b2 (enter-field (index 0)) (jump (to b3)))"
     " (b3 (emit-scalar) (leave) (ret)))))");
}
END_TEST

/* t[verify format.ir.exec-stack-balance] */
START_TEST(navigation_is_typed) {
  struct {
    const char *body, *needle;
    int insn;
  } cases[] = {
    {"(enter-field (index 0)) (enter-field (index 0))", "enter-field needs a struct or tuple", 1},
    {"(enter-field (index 1)) (enter-some)", "enter-some needs an option", 1},
    {"(enter-field (index 0)) (enter-pointee)", "enter-pointee needs a pointer", 1},
    {"(enter-field (index 0)) (enter-variant-field (variant 0) (index 0))",
     "enter-variant-field needs an enum", 1},
    {"(enter-field (index 3)) (enter-element)", "enter-element outside of a loop", 1},
    {"(enter-field (index 4)) (loop-begin) (enter-element)", "enter-element needs a list", 2},
    {"(enter-field (index 4)) (enter-map-value)", "enter-map-value outside of a loop", 1},
    {"(enter-field (index 3)) (loop-begin) (enter-map-value)", "enter-map-value needs a map", 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char procs[512];
    snprintf(procs, sizeof procs, "(f0 (entry b0) (blocks ((b0 %s (fail (string 0))))))",
             cases[i].body);
    rejected("encode", &rec_shape, procs, VMIR_E_VERIFY, 0, 0, cases[i].insn,
             cases[i].needle);
  }
  /* their well-typed counterparts, each in its place */
  ok("encode", &rec_shape,
     "(f0 (entry b0) (blocks ((b0"
     " (enter-field (index 2)) (enter-some) (emit-scalar) (leave) (leave)"
     " (enter-field (index 10)) (enter-some) (enter-field (index 0)) (emit-scalar)"
     " (leave) (leave) (leave)"
     " (enter-field (index 11)) (enter-pointee) (enter-field (index 0)) (emit-scalar)"
     " (leave) (leave) (leave) (ret)))))");
}
END_TEST

/* t[verify format.ir.loop-via-cfg-backedge] */
/* t[verify format.ir.exec-stack-balance] */
START_TEST(loops_are_back_edges) {
  /* encode a list: loop-begin, then a body block that jumps back to the
   * loop head */
  ok("encode", &rec_shape,
     "(f0 (entry b0) (blocks ("
     " (b0 (enter-field (index 3)) (emit-begin-seq) (loop-begin) (jump (to b1)))"
     " (b1 (loop-next (body b2) (exit b3)))"
     " (b2 (enter-element) (emit-scalar) (leave) (loop-step) (jump (to b1)))"
     " (b3 (emit-end) (leave) (ret)))))");
  /* a map: key from the loop index, value entered */
  ok("encode", &rec_shape,
     "(f0 (entry b0) (blocks ("
     " (b0 (enter-field (index 4)) (emit-begin-map) (loop-begin) (jump (to b1)))"
     " (b1 (loop-next (body b2) (exit b3)))"
     " (b2 (emit-map-key) (enter-map-value) (emit-scalar) (leave) (loop-step)"
     " (jump (to b1)))"
     " (b3 (emit-end) (leave) (ret)))))");
  /* a fixed array, nested in a tuple-style sequence */
  ok("encode", &rec_shape,
     "(f0 (entry b0) (blocks ("
     " (b0 (enter-field (index 8)) (emit-begin-seq) (loop-begin) (jump (to b1)))"
     " (b1 (loop-next (body b2) (exit b3)))"
     " (b2 (enter-element) (emit-scalar) (leave) (loop-step) (jump (to b1)))"
     " (b3 (emit-end) (leave) (ret)))))");
  /* the body forgets its leave: the back-edge brings one entry more */
  rejected("encode", &rec_shape,
           "(f0 (entry b0) (blocks ("
           " (b0 (enter-field (index 3)) (emit-begin-seq) (loop-begin) (jump (to b1)))"
           " (b1 (loop-next (body b2) (exit b3)))"
           " (b2 (enter-element) (emit-scalar) (loop-step) (jump (to b1)))"
           " (b3 (emit-end) (leave) (ret)))))",
           VMIR_E_VERIFY, 0, 2, 3, "inconsistent navigation at join into b1");
  /* loop-begin inside the loop: every turn adds a loop level */
  rejected("encode", &rec_shape,
           "(f0 (entry b0) (blocks ("
           " (b0 (enter-field (index 3)) (jump (to b1)))"
           " (b1 (loop-begin) (loop-next (body b1) (exit b2)))"
           " (b2 (leave) (ret)))))",
           VMIR_E_VERIFY, 0, 1, 1, "inconsistent navigation at join into b1");
  /* loop-next with no loop */
  rejected("encode", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (loop-next (body b0) (exit b1))) (b1 (ret)))))",
           VMIR_E_VERIFY, 0, 0, 0, "loop-next outside of a loop");
  /* loop-exit leaves a loop before its end: the loop stack balances */
  ok("encode", &rec_shape,
     "(f0 (entry b0) (blocks ("
     " (b0 (enter-field (index 3)) (emit-begin-seq) (loop-begin) (jump (to b1)))"
     " (b1 (loop-next (body b2) (exit b3)))"
     " (b2 (loop-exit) (jump (to b3)))"
     " (b3 (emit-end) (leave) (ret)))))");
  /* loop-exit with no loop, and a loop-exit too many */
  rejected("encode", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (loop-exit) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 0, "loop-exit outside of a loop");
  rejected("encode", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-field (index 3)) (loop-begin) (loop-exit)"
           " (loop-exit) (leave) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 3, "loop-exit outside of a loop");
  /* loop-begin over a scalar */
  rejected("encode", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-field (index 0)) (loop-begin) (fail (string 0))))))",
           VMIR_E_VERIFY, 0, 0, 1, "loop-begin needs a list, array or map");
}
END_TEST

/* ---- calls ---------------------------------------------------------------------- */

/* t[verify format.ir.proc-call-explicit] */
START_TEST(calls_and_returns) {
  /* f1 encodes a tw_user; f0 calls it through the pointer field */
  ok("encode", &rec_shape,
     "(f0 (entry b0) (blocks ((b0 (enter-field (index 11)) (enter-pointee)"
     " (call (proc f1)) (leave) (leave) (ret)))))"
     " (f1 (entry b0) (blocks ((b0 (emit-begin-struct (fields 1))"
     " (emit-field-name (string 0)) (enter-field (index 0)) (emit-scalar) (leave)"
     " (emit-end) (ret)))))");
  /* recursion: f0 calls itself on `next` (a nullable rec) */
  ok("encode", &rec_shape,
     "(f0 (entry b0) (blocks ("
     " (b0 (enter-field (index 10)) (branch-some (then b1) (else b2)))"
     " (b1 (enter-some) (call (proc f0)) (leave) (jump (to b3)))"
     " (b2 (emit-null) (jump (to b3)))"
     " (b3 (leave) (ret)))))");
  /* f1 reached with a u64 and with a string */
  rejected("encode", &tw_user_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-field (index 0)) (call (proc f1)) (leave)"
           " (enter-field (index 1)) (call (proc f1)) (leave) (ret)))))"
           " (f1 (entry b0) (blocks ((b0 (emit-scalar) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 4, "call f1 with current value string");
  /* the callee's body is checked against its entry shape */
  rejected("encode", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (enter-field (index 11)) (enter-pointee)"
           " (call (proc f1)) (leave) (leave) (ret)))))"
           " (f1 (entry b0) (blocks ((b0 (enter-field (index 13)) (emit-scalar) (leave)"
           " (ret)))))",
           VMIR_E_VERIFY, 1, 0, 0, "struct tw_user has 4 fields");
  /* a callee that returns deeper than it was entered */
  rejected("encode", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (call (proc f1)) (ret)))))"
           " (f1 (entry b0) (blocks ((b0 (enter-field (index 0)) (ret)))))",
           VMIR_E_VERIFY, 1, 0, 1, "ret with unbalanced navigation");
  /* mutual recursion terminates */
  ok("encode", &rec_shape,
     "(f0 (entry b0) (blocks ((b0 (call (proc f1)) (ret)))))"
     " (f1 (entry b0) (blocks ((b0 (call (proc f0)) (ret)))))");
}
END_TEST

/* ---- opcode families per program kind ---------------------------------------- */

/* No rule id: the program kinds' opcode families and the one-format rule
 * are the verifier's own (docs/verify.md, "Program kinds"). */
START_TEST(families_per_kind) {
  ok("decode", &rec_shape,
     "(f0 (entry b0) (blocks ((b0 (json-begin-object (then b1) (empty b2)))"
     " (b1 (json-read-key) (emit-key) (json-read-number) (emit-token) (jump (to b2)))"
     " (b2 (json-expect-end) (ret)))))");
  ok("build", &rec_shape,
     "(f0 (entry b0) (blocks ((b0 (event-begin-object (then b1) (empty b3)))"
     " (b1 (event-read-key) (switch-key (keys (0)) (cases (b2)) (unknown b3)))"
     " (b2 (enter-field (index 0)) (event-read-scalar) (build-store) (leave)"
     " (jump (to b3)))"
     " (b3 (event-expect-end) (build-commit) (ret)))))");
  ok("fused", &rec_shape,
     "(f0 (entry b0) (blocks ((b0 (msgpack-read-map-header) (enter-field (index 0))"
     " (msgpack-read-number) (build-store) (leave) (msgpack-expect-end) (build-commit)"
     " (ret)))))");
  struct {
    const char *kind, *body, *needle;
  } cases[] = {
    {"encode", "(json-read-key)", "json-read-key (lexing) is not allowed in encode programs"},
    {"encode", "(emit-key)", "emit-key (emission) is not allowed"},
    {"encode", "(build-commit)", "build-commit (build) is not allowed"},
    {"decode", "(build-commit)", "build-commit (build) is not allowed in decode programs"},
    {"decode", "(event-read-key)", "event-read-key (lexing) is not allowed"},
    {"build", "(json-read-key)", "json-read-key (lexing) is not allowed in build programs"},
    {"build", "(expect-bytes (bytes #x7b))", "expect-bytes (lexing) is not allowed"},
    {"build", "(emit-null)", "emit-null (emission) is not allowed"},
    {"fused", "(emit-scalar)", "emit-scalar (emission) is not allowed in fused programs"},
    {"fused", "(event-read-scalar)", "event-read-scalar (lexing) is not allowed"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char procs[256];
    snprintf(procs, sizeof procs, "(f0 (entry b0) (blocks ((b0 %s (ret)))))", cases[i].body);
    rejected(cases[i].kind, &rec_shape, procs, VMIR_E_VERIFY, 0, 0, 0, cases[i].needle);
  }
  /* one program lowers for one format */
  rejected("decode", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (json-read-key) (jump (to b1)))"
           " (b1 (msgpack-read-key) (ret)))))",
           VMIR_E_VERIFY, 0, 1, 0, "msgpack-read-key mixes msgpack and json builtins");
}
END_TEST

/* No rule id: operand list shapes of the lexing builtins (docs/ir.md). */
START_TEST(lexing_case_lists) {
  ok("decode", &rec_shape,
     "(f0 (entry b0) (blocks ((b0 (json-peek-token (cases (b1 b1 b1 b1 b1 b1 b1))))"
     " (b1 (json-skip-value) (ret)))))");
  rejected("decode", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (json-peek-token (cases (b1 b1 b1 b1 b1 b1))))"
           " (b1 (json-skip-value) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 0, "json-peek-token has 6 cases, needs 7");
  rejected("build", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (event-peek-token (cases (b1 b1 b1 b1 b1 b1 b1 b1))))"
           " (b1 (event-skip-value) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 0, "event-peek-token has 8 cases");
  rejected("decode", &rec_shape,
           "(f0 (entry b0) (blocks ((b0 (msgpack-read-key)"
           " (switch-key (keys (0 1)) (cases (b1)) (unknown b1)))"
           " (b1 (ret)))))",
           VMIR_E_VERIFY, 0, 0, 1, "switch-key has 2 keys but 1 cases");
}
END_TEST

/* No rule id: kind requirements of emission, build and predicate ops. */
START_TEST(values_fit_their_ops) {
  struct {
    const char *kind, *body, *needle;
    int insn;
  } cases[] = {
    {"encode", "(emit-scalar)", "emit-scalar needs a scalar", 0},
    {"encode", "(enter-field (index 6)) (emit-scalar)", "current value is value", 1},
    {"encode", "(enter-field (index 4)) (emit-begin-seq)", "emit-begin-seq needs a list or array", 1},
    {"encode", "(enter-field (index 7)) (emit-begin-tuple (len 3))",
     "emit-begin-tuple len 3: tuple pair has 2 fields", 1},
    {"encode", "(enter-field (index 3)) (emit-begin-map)", "emit-begin-map needs a map", 1},
    {"encode", "(enter-field (index 4)) (emit-map-key)", "emit-map-key outside of a loop", 1},
    {"encode", "(enter-field (index 5)) (emit-value)", "emit-value needs a dynamic value", 1},
    {"encode", "(branch-some (then b0) (else b0))", "branch-some needs an option", 0},
    {"encode", "(enter-field (index 1)) (branch-pred (pred p0) (then b0) (else b0))",
     "branch-pred (is-none) needs an option", 1},
    {"encode", "(enter-field (index 0)) (branch-pred (pred p1) (then b0) (else b0))",
     "branch-pred (is-empty) needs a string, bytes, list or map", 1},
    {"fused", "(build-store)", "build-store needs a scalar", 0},
    {"fused", "(build-store-value (last-wins false))", "build-store-value needs a dynamic value or bytes", 0},
    {"fused", "(build-set-some)", "build-set-some needs an option", 0},
    {"fused", "(build-set-none)", "build-set-none needs an option", 0},
    {"fused", "(build-alloc-pointee)", "build-alloc-pointee needs a pointer", 0},
    {"fused", "(build-push-element)", "build-push-element needs a list or array", 0},
    {"fused", "(build-push-entry (last-wins false))", "build-push-entry needs a map", 0},
    {"fused", "(build-begin-list)", "build-begin-list needs a list or array", 0},
    {"fused", "(build-end-map)", "build-end-map needs a map", 0},
    {"fused", "(enter-field (index 0)) (build-begin-struct)",
     "build-begin-struct needs a struct, tuple or enum", 1},
    {"build", "(enter-field (index 3)) (build-end-struct)",
     "build-end-struct needs a struct, tuple or enum", 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char procs[512];
    snprintf(procs, sizeof procs, "(f0 (entry b0) (blocks ((b0 %s (fail (string 0))))))",
             cases[i].body);
    /* bodies that end in a branch need no fail after them */
    char *br = strstr(procs, "(else b0))");
    if (br) strcpy(br, "(else b0))))))");
    rejected(cases[i].kind, &rec_shape, procs, VMIR_E_VERIFY, 0, 0, cases[i].insn,
             cases[i].needle);
  }
  /* the well-typed decode of each kind */
  ok("fused", &rec_shape,
     "(f0 (entry b0) (blocks ((b0 (build-begin-struct)"
     " (enter-field (index 1)) (json-read-string) (build-store) (leave)"
     " (enter-field (index 6)) (json-read-value) (build-store-value (last-wins false)) (leave)"
     " (enter-field (index 2)) (build-set-some) (enter-some) (json-read-number) (build-store)"
     " (leave) (leave)"
     " (enter-field (index 10)) (build-set-none) (leave)"
     " (enter-field (index 11)) (build-alloc-pointee) (enter-pointee) (build-begin-struct)"
     " (build-end-struct) (leave) (leave)"
     " (enter-field (index 3)) (build-begin-list) (build-push-element) (json-read-number)"
     " (build-store) (leave) (build-end-list) (leave)"
     " (enter-field (index 8)) (build-begin-list) (build-push-element) (json-read-number)"
     " (build-store) (leave) (build-end-list) (leave)"
     " (enter-field (index 4)) (build-begin-map) (json-read-key)"
     " (build-push-entry (last-wins true)) (json-read-number) (build-store) (leave)"
     " (build-end-map) (leave)"
     " (enter-field (index 7)) (build-begin-struct) (build-field (index 1) (last-wins false))"
     " (build-end-struct) (leave)"
     " (enter-field (index 13)) (json-read-string) (build-store) (leave)"
     " (enter-field (index 13)) (json-read-value) (build-store-value (last-wins false)) (leave)"
     " (build-end-struct) (build-commit) (ret)))))");
  ok("encode", &rec_shape,
     "(f0 (entry b0) (blocks ((b0 (emit-begin-struct-dynamic)"
     " (enter-field (index 6)) (emit-value) (leave)"
     " (enter-field (index 7)) (emit-begin-tuple (len 2)) (emit-end) (leave)"
     " (enter-field (index 9)) (emit-begin-tuple (len 5)) (emit-end) (leave)"
     " (enter-field (index 1)) (branch-pred (pred p1) (then b1) (else b1)))"
     " (b1 (leave) (enter-field (index 2)) (branch-pred (pred p0) (then b2) (else b2)))"
     " (b2 (leave) (emit-end) (ret)))))");
}
END_TEST

/* ---- hostile programs ------------------------------------------------------------- */

/* No rule id: the verifier's own bounds (docs/verify.md, "Bounds"). */
START_TEST(hostile_programs_terminate) {
  /* a self-loop and an unreachable block */
  ok("encode", &vmir_shape_u32,
     "(f0 (entry b0) (blocks ((b0 (jump (to b0))) (b1 (leave) (ret)))))");
  /* a path deeper than the verifier's bound, through the recursive type:
   * rec.next.some.next.some... */
  size_t cap = 200 * 48 + 256;
  char *procs = malloc(cap);
  ck_assert_ptr_nonnull(procs);
  size_t n = (size_t)snprintf(procs, cap, "(f0 (entry b0) (blocks ((b0");
  for (int i = 0; i < 200; i++)
    n += (size_t)snprintf(procs + n, cap - n, " (enter-field (index 10)) (enter-some)");
  snprintf(procs + n, cap - n, " (fail (string 0))))))");
  rejected("encode", &rec_shape, procs, VMIR_E_LIMIT, 0, 0, 255, "path depth over 256");
  free(procs);
}
END_TEST

/* ---- checked-in fixtures ------------------------------------------------------ */

static vmir_shape_set *load_shapes(const char *rel) {
  size_t len = 0;
  char *text = vmir_test_read_file(vmir_test_data_path(rel), &len);
  ck_assert_msg(text != NULL, "cannot read %s", rel);
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(text, len, rel, &err);
  ck_assert_msg(set != NULL, "%s", err.message);
  free(text);
  return set;
}

static vmir_program *load_program(const char *rel) {
  size_t len = 0;
  char *text = vmir_test_read_file(vmir_test_data_path(rel), &len);
  ck_assert_msg(text != NULL, "cannot read %s", rel);
  vmir_error err;
  vmir_program *p = vmir_program_parse_text(text, len, rel, &err);
  ck_assert_msg(p != NULL, "%s", err.message);
  free(text);
  return p;
}

/* t[verify format.ir.program-root-shape] */
/* t[verify format.ir.proc-call-explicit] */
/* t[verify format.ir.loop-via-cfg-backedge] */
START_TEST(fixtures_verify_from_text_and_binary) {
  /* data/verify/rec.shape is the text form of rec_shape: same id, and the
   * fixture program (two procs, recursion, loops, joins) verifies against
   * both, from its text and from its binary form */
  vmir_shape_set *set = load_shapes("verify/rec.shape");
  const vmir_shape *root = vmir_shape_set_root(set);
  ck_assert_uint_eq(vmir_shape_id(root), vmir_shape_id(&rec_shape));
  vmir_program *p = load_program("verify/rec_encode.vmir");
  ck_assert_uint_eq(p->proc_count, 2);
  assert_ok(p, root);
  assert_ok(p, &rec_shape);
  size_t len = 0;
  uint8_t *bytes = vmir_program_encode_binary(p, &len);
  ck_assert_ptr_nonnull(bytes);
  vmir_error err;
  vmir_program *q = vmir_program_decode_binary(bytes, len, &err);
  ck_assert_msg(q != NULL, "%s", err.message);
  assert_ok(q, root);
  free(bytes);
  vmir_program_free(q);
  /* against tw_user (a type the file also defines) the id does not match */
  assert_rejected(p, vmir_shape_set_find(set, "tw_user"), VMIR_E_SHAPE_ID, -1, -1, -1,
                  "shape id");
  vmir_program_free(p);
  vmir_shape_set_free(set);

  set = load_shapes("verify/tw_user.shape");
  root = vmir_shape_set_root(set);
  p = load_program("verify/tw_user_encode.vmir");
  assert_ok(p, root);
  vmir_program_free(p);
  p = load_program("verify/tw_user_bad_index.vmir");
  assert_rejected(p, root, VMIR_E_VERIFY, 0, 0, 14,
                  "enter-field index 5 out of range: struct tw_user has 4 fields");
  vmir_program_free(p);
  p = load_program("verify/tw_user_leave_root.vmir");
  assert_rejected(p, root, VMIR_E_VERIFY, 0, 0, 17, "would leave the root scope");
  vmir_program_free(p);
  vmir_shape_set_free(set);
}
END_TEST

/* ---- mutation evidence (docs/mutation.md) ------------------------------------ */

/* One past the last block or proc is as dangling as far past it: the
 * boundary of every target check, in the builder and in the verifier.
 * t[verify format.ir.compile-validate-block-targets]
 * t[verify format.ir.compile-validate-proc-targets] */
START_TEST(targets_one_past_the_end) {
  vmir_program *p = prog("encode", &rec_shape,
                         "(f0 (entry b0) (blocks ((b0 (enter-field (index 9))"
                         " (switch-variant (cases (b1 b1 b1))))"
                         " (b1 (leave) (jump (to b2))) (b2 (ret)))))");
  assert_ok(p, &rec_shape);
  patched bad = patch(p, 3, 0, 3); /* b1's jump -> b3, one past b2 */
  assert_rejected(&bad.program, &rec_shape, VMIR_E_VERIFY, 0, 1, 1, "dangling block b3");
  free(bad.insns);
  /* a case list naming b3 */
  vmir_program q = *p;
  size_t n = p->lists[p->list_count - 1].start + p->lists[p->list_count - 1].len;
  uint32_t *items = malloc(n * sizeof *items);
  ck_assert_ptr_nonnull(items);
  memcpy(items, p->list_items, n * sizeof *items);
  items[p->lists[0].start + 2] = 3;
  q.list_items = items;
  assert_rejected(&q, &rec_shape, VMIR_E_VERIFY, 0, 0, 1, "dangling block b3");
  free(items);
  vmir_program_free(p);
  /* a call to f2 when there are f0 and f1 */
  p = prog("encode", &vmir_shape_u32,
           "(f0 (entry b0) (blocks ((b0 (call (proc f1)) (ret)))))"
           " (f1 (entry b0) (blocks ((b0 (emit-scalar) (ret)))))");
  bad = patch(p, 0, 0, 2);
  assert_rejected(&bad.program, &vmir_shape_u32, VMIR_E_VERIFY, 0, 0, 0, "dangling proc f2");
  free(bad.insns);
  vmir_program_free(p);
  /* the builder: a jump to b1 with one block, a call to f1 with one proc,
   * entry proc f1 with one proc */
  for (int what = 0; what < 3; what++) {
    vmir_error err;
    vmir_builder *b = vmir_builder_new(VMIR_PROGRAM_ENCODE, 1);
    uint32_t f = vmir_builder_add_proc(b);
    uint32_t b0 = vmir_builder_add_block(b, f);
    vmir_builder_set_proc_entry(b, f, b0);
    vmir_builder_set_entry_proc(b, what == 2 ? 1 : f);
    if (what == 0) {
      vmir_builder_emit(b, f, b0, VMIR_OP_JUMP, 1, 0, 0);
    } else {
      if (what == 1) vmir_builder_emit(b, f, b0, VMIR_OP_CALL, 1, 0, 0);
      vmir_builder_emit(b, f, b0, VMIR_OP_RET, 0, 0, 0);
    }
    vmir_program *none = vmir_builder_finish(b, &err);
    ck_assert_msg(none == NULL, "case %d: built a program with a target one past the end", what);
    ck_assert_int_eq(err.code, VMIR_E_VERIFY);
    ck_assert_msg(strstr(err.message, what == 0 ? "block target b1" : "f1"), "%s", err.message);
  }
}
END_TEST

/* A switch-variant names exactly one case per variant: one too many is as
 * wrong as one too few.
 * t[verify format.ir.compile-validate-indices] */
START_TEST(switch_variant_case_count_exact) {
  rejected("encode", &event_shape,
           "(f0 (entry b0) (blocks ((b0 (switch-variant (cases (b1 b1 b1 b1))))"
           " (b1 (emit-null) (ret)))))",
           VMIR_E_VERIFY, 0, 0, 0, "switch-variant has 4 cases: enum event has 3 variants");
}
END_TEST

/* Shape id 0 is an id like any other: a program bound to it verifies only
 * against a root whose id is 0, which no real shape has.
 * t[verify format.ir.program-root-shape] */
START_TEST(shape_id_zero_binds_like_any_other) {
  const char *text =
      "(vmir (abi 1) (kind encode) (shape-id 0) (consts (strings ()) (predicates ()))\n"
      " (code (procs ((f0 (entry b0) (blocks ((b0 (emit-scalar) (ret))))))) (entry-proc f0)))";
  vmir_error err;
  vmir_program *p = vmir_program_parse_text(text, strlen(text), "t.vmir", &err);
  ck_assert_msg(p != NULL, "%s", err.message);
  ck_assert_uint_ne(vmir_shape_id(&vmir_shape_u32), 0);
  assert_rejected(p, &vmir_shape_u32, VMIR_E_SHAPE_ID, -1, -1, -1, "shape id");
  vmir_program_free(p);
}
END_TEST

/* The verifier takes only its own ABI, also from a program that never went
 * through the builder (which refuses ABI 0 itself).
 * t[verify format.ir.program-abi-version] */
START_TEST(abi_below_the_current_rejected) {
  vmir_program *p = prog("encode", &vmir_shape_u32, "(f0 (entry b0) (blocks ((b0 (emit-scalar) (ret)))))");
  assert_ok(p, &vmir_shape_u32);
  vmir_program old = *p;
  old.abi = VMIR_ABI_VERSION - 1;
  assert_rejected(&old, &vmir_shape_u32, VMIR_E_ABI, -1, -1, -1, "ABI");
  vmir_program_free(p);
}
END_TEST

static Suite *verify_suite(void) {
  Suite *s = suite_create("verify");
  TCase *t = tcase_create("verify");
  tcase_add_test(t, abi_version_checked);
  tcase_add_test(t, root_shape_id_bound);
  tcase_add_test(t, root_shape_must_be_valid);
  tcase_add_test(t, entry_proc_required_and_used);
  tcase_add_test(t, dangling_block_rejected);
  tcase_add_test(t, dangling_proc_rejected);
  tcase_add_test(t, procs_are_blocks_with_explicit_edges);
  tcase_add_test(t, enter_field_index_in_range);
  tcase_add_test(t, variant_indexes_in_range);
  tcase_add_test(t, collect_unknown_field_fits);
  tcase_add_test(t, leave_never_leaves_root);
  tcase_add_test(t, ret_needs_balanced_navigation);
  tcase_add_test(t, joins_agree_on_navigation);
  tcase_add_test(t, navigation_is_typed);
  tcase_add_test(t, loops_are_back_edges);
  tcase_add_test(t, calls_and_returns);
  tcase_add_test(t, families_per_kind);
  tcase_add_test(t, lexing_case_lists);
  tcase_add_test(t, values_fit_their_ops);
  tcase_add_test(t, hostile_programs_terminate);
  tcase_add_test(t, fixtures_verify_from_text_and_binary);
  suite_add_tcase(s, t);
  TCase *mut = tcase_create("mutation evidence");
  tcase_add_test(mut, targets_one_past_the_end);
  tcase_add_test(mut, switch_variant_case_count_exact);
  tcase_add_test(mut, shape_id_zero_binds_like_any_other);
  tcase_add_test(mut, abi_below_the_current_rejected);
  suite_add_tcase(s, mut);
  return s;
}

int main(void) { return vmir_test_run(verify_suite(), "verify"); }
