/* The encode compiler: every lowering rule, read back from the compiled
 * program's tables and instructions (compile_inspect.h renders procs one
 * line per block). Proc numbers are deterministic: f0 is the root, then
 * procs in order of first reference. Also the program cache and the typed
 * models of the corpora. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canada_model.h"
#include "citm_model.h"
#include "compile/compile_internal.h"
#include "compile_inspect.h"
#include "compile_shapes.h"
#include "harness.h"
#include "peers.h"
#include "twitter_model.h"

/* ---- helpers ------------------------------------------------------------------ */

/* Every block ends in exactly one terminator and every proc has exactly one
 * `ret`: the shape of every program this compiler produces. */
static void check_cfg(const vmir_program *p) {
  for (uint32_t f = 0; f < p->proc_count; f++) {
    ck_assert_uint_eq(inspect_count_op_in(p, f, VMIR_OP_RET), 1);
    for (uint32_t b = 0; b < inspect_block_count(p, f); b++) {
      uint32_t n = inspect_insn_count(p, f, b);
      ck_assert_uint_gt(n, 0);
      for (uint32_t i = 0; i < n; i++) {
        const vmir_op_info *info = vmir_op_info_of(inspect_insn(p, f, b, i)->op);
        ck_assert_ptr_nonnull(info);
        ck_assert_msg(info->terminator == (i + 1 == n),
                      "f%u:b%u:%u: terminator only at the end", f, b, i);
      }
    }
  }
}

static vmir_program *compile_fmt(const vmir_shape *shape, vmir_format format) {
  vmir_compile_options opt = vmir_compile_options_default(format);
  vmir_error err;
  vmir_program *p = vmir_compile_encode(shape, &opt, &err);
  ck_assert_msg(p, "compile failed: %s: %s", vmir_status_name(err.code), err.message);
  ck_assert_uint_eq(p->kind, VMIR_PROGRAM_ENCODE);
  ck_assert_uint_eq(p->abi, VMIR_ABI_VERSION);
  ck_assert_uint_eq(p->shape_id, vmir_shape_id(shape));
  ck_assert_uint_eq(p->entry_proc, 0);
  check_cfg(p);
  return p;
}

static vmir_program *compile(const vmir_shape *shape) {
  return compile_fmt(shape, VMIR_FORMAT_JSON);
}

static vmir_status compile_error(const vmir_shape *shape, vmir_error *err) {
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_program *p = vmir_compile_encode(shape, &opt, err);
  ck_assert_ptr_null(p);
  ck_assert_int_ne(err->code, VMIR_OK);
  return err->code;
}

#define ASSERT_HAS(text, needle)                                              \
  ck_assert_msg(strstr((text), (needle)) != NULL, "missing\n  %s\nin\n%s",    \
                (needle), (text))
#define ASSERT_LACKS(text, needle)                                            \
  ck_assert_msg(strstr((text), (needle)) == NULL, "unexpected\n  %s\nin\n%s", \
                (needle), (text))

/* ---- skip, rename ---------------------------------------------------------------- */

/* A skipped field leaves no instruction that enters it and no string; the
 * object's count excludes it.
 * t[verify format.ir.compile-static-skip]
 * t[verify format.ir.compile-policy-owner] */
START_TEST(static_skip_leaves_nothing) {
  vmir_program *p = compile(&cs_plain_shape);
  char *t = inspect_program_text(p);
  ck_assert_int_eq(inspect_string_index(p, "secret_member"), -1);
  ck_assert_uint_eq(inspect_count_op_a0(p, VMIR_OP_ENTER_FIELD, 1), 0);
  ASSERT_HAS(t, "f0:b0: emit-begin-struct 3; emit-field-name \"kept\"; enter-field 0; "
                "emit-scalar; leave; emit-field-name \"wireName\"; enter-field 2; "
                "emit-scalar; leave; emit-field-name \"text\"; enter-field 3; "
                "emit-scalar; leave; emit-end; ret\n");
  free(t);
  vmir_program_free(p);
}
END_TEST

/* Wire names are resolved at compile time into the string table: the
 * rename is there, the C member name is not; variant renames likewise.
 * t[verify format.ir.compile-rename-resolution] */
START_TEST(rename_resolved_into_string_table) {
  vmir_program *p = compile(&cs_plain_shape);
  int64_t wire = inspect_string_index(p, "wireName");
  ck_assert_int_ge(wire, 0);
  ck_assert_int_eq(inspect_string_index(p, "c_only_name"), -1);
  ck_assert_uint_eq(inspect_count_op_a0(p, VMIR_OP_EMIT_FIELD_NAME, wire), 1);
  vmir_program_free(p);

  p = compile(&cs_external_shape);
  ck_assert_int_ge(inspect_string_index(p, "Rectangle"), 0);
  ck_assert_int_eq(inspect_string_index(p, "rect"), -1);
  vmir_program_free(p);
}
END_TEST

/* Each field name is emitted directly before the value it names: the next
 * instruction enters the field, or (flatten, tags) emits the value.
 * t[verify format.ir.sink-field-name-order] */
START_TEST(field_name_directly_before_value) {
  const vmir_shape *shapes[] = {&cs_plain_shape, &cs_flat_shape, &cs_cond_shape,
                                &cs_external_shape, &cs_internal_shape,
                                &cs_adjacent_shape, &twitter_shape, &citm_shape};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    vmir_program *p = compile(shapes[s]);
    for (uint32_t f = 0; f < p->proc_count; f++)
      for (uint32_t b = 0; b < inspect_block_count(p, f); b++)
        for (uint32_t i = 0; i < inspect_insn_count(p, f, b); i++) {
          if (inspect_insn(p, f, b, i)->op != VMIR_OP_EMIT_FIELD_NAME) continue;
          ck_assert_uint_lt(i + 1, inspect_insn_count(p, f, b));
          uint16_t next = inspect_insn(p, f, b, i + 1)->op;
          ck_assert_msg(next == VMIR_OP_ENTER_FIELD || next == VMIR_OP_ENTER_VARIANT_FIELD ||
                            next == VMIR_OP_EMIT_STRING || next == VMIR_OP_EMIT_SCALAR ||
                            next == VMIR_OP_EMIT_BEGIN_STRUCT || next == VMIR_OP_EMIT_BEGIN_TUPLE ||
                            next == VMIR_OP_EMIT_NULL || next == VMIR_OP_CALL,
                        "f%u:b%u:%u: field name followed by %s", f, b, i,
                        vmir_op_info_of(next)->name);
        }
    vmir_program_free(p);
  }
}
END_TEST

/* ---- flatten ------------------------------------------------------------------- */

/* A flattened struct is entered, its members join the parent object, and
 * it gets no begin/end and no proc of its own; twice nested works too.
 * t[verify format.ir.compile-flatten-lowering]
 * t[verify format.vm.delimiters-are-ir] */
START_TEST(flatten_inlines_members) {
  vmir_program *p = compile(&cs_flat_shape);
  char *t = inspect_program_text(p);
  ck_assert_uint_eq(p->proc_count, 1);
  ck_assert_uint_eq(inspect_count_op(p, VMIR_OP_EMIT_BEGIN_STRUCT), 1);
  ck_assert_uint_eq(inspect_count_op(p, VMIR_OP_EMIT_END), 1);
  ck_assert_int_eq(inspect_string_index(p, "flat"), -1);
  ck_assert_int_eq(inspect_string_index(p, "two"), -1);
  ck_assert_int_eq(inspect_string_index(p, "deep"), -1);
  ASSERT_HAS(t, "f0:b0: emit-begin-struct 7; emit-field-name \"head\"; enter-field 0; "
                "emit-scalar; leave; "
                "enter-field 1; emit-field-name \"x\"; enter-field 0; emit-scalar; leave; "
                "emit-field-name \"y\"; enter-field 1; emit-scalar; leave; leave; "
                "enter-field 2; emit-field-name \"m\"; enter-field 0; emit-scalar; leave; "
                "enter-field 1; emit-field-name \"dx\"; enter-field 0; emit-scalar; leave; "
                "emit-field-name \"dy\"; enter-field 1; emit-scalar; leave; leave; leave; "
                "emit-field-name \"tail\"; enter-field 3; emit-scalar; leave; emit-end; ret\n");
  free(t);
  vmir_program_free(p);
}
END_TEST

/* Flatten policy errors are compile errors: a non-struct target, member
 * names that collide once flattened, nesting past the bound.
 * t[verify format.ir.compile-flatten-lowering] */
START_TEST(flatten_errors) {
  vmir_error err;
  ck_assert_int_eq(compile_error(&cs_flatten_u32_shape, &err), VMIR_E_SHAPE);
  ck_assert_ptr_nonnull(strstr(err.message, "flatten"));
  /* The shape validator already refuses these (the compiler checks again:
   * defence in depth); either way the message names the culprit. */
  ck_assert_int_eq(compile_error(&cs_flatten_clash_shape, &err), VMIR_E_SHAPE);
  ck_assert_msg(strstr(err.message, "cs_inner") || strstr(err.message, "\"x\""), "%s",
                err.message);
}
END_TEST

/* A chain of structs each flattening the next, built at run time. */
typedef struct chain {
  vmir_shape shapes[64];
  vmir_field fields[64];
} chain;

static const vmir_shape *make_chain(chain *c, unsigned depth) {
  for (unsigned i = 0; i <= depth; i++) {
    bool leaf = i == depth;
    c->fields[i] = (vmir_field){
        .name = leaf ? "leaf" : "f", .offset = 0, .member_size = 8,
        .shape = leaf ? &vmir_shape_u64 : &c->shapes[i + 1],
        .flags = leaf ? 0u : VMIR_FIELD_FLATTEN};
    c->shapes[i] = (vmir_shape){.kind = VMIR_KIND_STRUCT, .name = NULL, .size = 8,
                                .align = 8, .u.fields = {&c->fields[i], 1}};
  }
  return &c->shapes[0];
}

/* Flatten nests in C recursion, so the compiler bounds it: hostile shape
 * graphs (from text) get a limit error, not a stack overflow.
 * t[verify format.ir.compile-flatten-lowering] */
START_TEST(flatten_depth_bounded) {
  static chain c;
  vmir_program *p = compile(make_chain(&c, 10));
  char *t = inspect_proc_text(p, 0);
  ASSERT_HAS(t, "b0: emit-begin-struct 1; enter-field 0; enter-field 0; enter-field 0; "
                "enter-field 0; enter-field 0; enter-field 0; enter-field 0; enter-field 0; "
                "enter-field 0; enter-field 0; emit-field-name \"leaf\"; enter-field 0; "
                "emit-scalar; leave; leave;");
  free(t);
  vmir_program_free(p);
  vmir_error err;
  ck_assert_int_eq(compile_error(make_chain(&c, 40), &err), VMIR_E_LIMIT);
}
END_TEST

/* ---- skip-if ------------------------------------------------------------------- */

/* Each skip-if field is a predicate table entry (test, host id, field name)
 * and a branch around the member; the object's count becomes dynamic.
 * t[verify format.ir.compile-predicate-binding]
 * t[verify format.ir.compile-lowering-selection] */
START_TEST(skip_if_binds_predicates) {
  vmir_program *p = compile(&cs_cond_shape);
  ck_assert_uint_eq(p->predicate_count, 5);
  static const struct { vmir_predicate_test test; uint32_t host; const char *field; } want[] = {
      {VMIR_PRED_IS_NONE, 0, "maybe"},     {VMIR_PRED_IS_EMPTY, 0, "items"},
      {VMIR_PRED_IS_DEFAULT, 0, "zero"},   {VMIR_PRED_HOST, 7, "hosted"},
      {VMIR_PRED_IS_DEFAULT, 0, "flat_if"},
  };
  for (uint32_t i = 0; i < 5; i++) {
    ck_assert_int_eq(p->predicates[i].test, want[i].test);
    ck_assert_uint_eq(p->predicates[i].host_id, want[i].host);
    ck_assert_str_eq(inspect_string(p, p->predicates[i].field_name), want[i].field);
    ck_assert_uint_eq(inspect_count_op_a0(p, VMIR_OP_BRANCH_PRED, i), 1);
  }
  ck_assert_uint_eq(inspect_count_op(p, VMIR_OP_EMIT_BEGIN_STRUCT_DYNAMIC), 1);
  ck_assert_uint_eq(inspect_count_op(p, VMIR_OP_EMIT_BEGIN_STRUCT), 0);
  char *t = inspect_proc_text(p, 0);
  /* enter; branch (then skip) (else emit); emit: name, value; join: leave */
  ASSERT_HAS(t, "b0: emit-begin-struct-dynamic; emit-field-name \"always\"; enter-field 0; "
                "emit-scalar; leave; enter-field 1; branch-pred p0 b1 b2\n"
                "b1: jump b3\n"
                "b2: emit-field-name \"maybe\"; call f1; jump b3\n"
                "b3: leave; enter-field 2; branch-pred p1 b4 b5\n");
  /* a skip-if flattened member guards the whole group of inner members */
  ASSERT_HAS(t, "enter-field 5; branch-pred p4 b13 b14\n"
                "b13: jump b15\n"
                "b14: emit-field-name \"dx\"; enter-field 0; emit-scalar; leave; "
                "emit-field-name \"dy\"; enter-field 1; emit-scalar; leave; jump b15\n"
                "b15: leave; emit-end; ret\n");
  free(t);
  vmir_program_free(p);
}
END_TEST

/* A builtin test that cannot apply to the field's kind is refused when the
 * program is compiled, naming the field.
 * t[verify format.ir.compile-predicate-binding] */
START_TEST(skip_if_test_must_fit_kind) {
  vmir_error err;
  ck_assert_int_eq(compile_error(&cs_is_none_on_u32_shape, &err), VMIR_E_SHAPE);
  ck_assert_ptr_nonnull(strstr(err.message, "always"));
  ck_assert_int_eq(compile_error(&cs_is_empty_on_u32_shape, &err), VMIR_E_SHAPE);
  ck_assert_ptr_nonnull(strstr(err.message, "is-empty"));
}
END_TEST

/* ---- enums -------------------------------------------------------------------- */

/* External tagging: {"Name": payload}, unit variants as a string; one case
 * block per variant, in variant order, each jumping to one join.
 * t[verify format.ir.enum-tagging-policy]
 * t[verify format.ir.enum-payload-control-flow]
 * t[verify format.ir.compile-lowering-selection] */
START_TEST(enum_external) {
  vmir_program *p = compile(&cs_external_shape);
  char *t = inspect_proc_text(p, 0);
  ASSERT_HAS(t, "b0: switch-variant [b1 b2 b3 b4]\n");
  ASSERT_HAS(t, "b1: emit-begin-struct 1; emit-field-name \"circle\"; enter-variant-field 0 0; "
                "emit-scalar; leave; emit-end; jump b5\n");
  ASSERT_HAS(t, "b2: emit-begin-struct 1; emit-field-name \"Rectangle\"; emit-begin-struct 2; "
                "emit-field-name \"w\"; enter-variant-field 1 0; emit-scalar; leave; "
                "emit-field-name \"h\"; enter-variant-field 1 1; emit-scalar; leave; emit-end; "
                "emit-end; jump b5\n");
  ASSERT_HAS(t, "b3: emit-begin-struct 1; emit-field-name \"point\"; emit-begin-tuple 2; "
                "enter-variant-field 2 0; emit-scalar; leave; enter-variant-field 2 1; "
                "emit-scalar; leave; emit-end; emit-end; jump b5\n");
  ASSERT_HAS(t, "b4: emit-string \"empty\"; jump b5\nb5: ret\n");
  free(t);
  vmir_program_free(p);
  /* unit_as_string off: {"empty": null} */
  p = compile(&cs_external_null_shape);
  t = inspect_proc_text(p, 0);
  ASSERT_HAS(t, "b4: emit-begin-struct 1; emit-field-name \"empty\"; emit-null; emit-end; jump b5\n");
  free(t);
  vmir_program_free(p);
}
END_TEST

/* Internal tagging: the tag member first, then the variant's fields in the
 * same object; a newtype holding a struct is entered and its fields merged.
 * t[verify format.ir.enum-tagging-policy]
 * t[verify format.ir.enum-payload-control-flow] */
START_TEST(enum_internal) {
  vmir_program *p = compile(&cs_internal_shape);
  char *t = inspect_proc_text(p, 0);
  ASSERT_HAS(t, "b0: switch-variant [b1 b2 b3]\n");
  ASSERT_HAS(t, "b1: emit-begin-struct 3; emit-field-name \"kind\"; emit-string \"rect\"; "
                "emit-field-name \"w\"; enter-variant-field 0 0; emit-scalar; leave; "
                "emit-field-name \"h\"; enter-variant-field 0 1; emit-scalar; leave; "
                "emit-end; jump b4\n");
  ASSERT_HAS(t, "b2: emit-begin-struct 1; emit-field-name \"kind\"; emit-string \"empty\"; "
                "emit-end; jump b4\n");
  ASSERT_HAS(t, "b3: emit-begin-struct 3; emit-field-name \"kind\"; emit-string \"boxed\"; "
                "enter-variant-field 2 0; emit-field-name \"x\"; enter-field 0; emit-scalar; "
                "leave; emit-field-name \"y\"; enter-field 1; emit-scalar; leave; leave; "
                "emit-end; jump b4\n");
  ck_assert_uint_eq(inspect_count_op(p, VMIR_OP_CALL), 0);
  free(t);
  vmir_program_free(p);
}
END_TEST

/* Internal tagging that cannot be honoured is a compile error: a tuple
 * variant, a newtype of a scalar, a field named like the tag key.
 * t[verify format.ir.enum-tagging-policy] */
START_TEST(enum_internal_errors) {
  vmir_error err;
  ck_assert_int_eq(compile_error(&cs_internal_tuple_shape, &err), VMIR_E_SHAPE);
  ck_assert_ptr_nonnull(strstr(err.message, "tuple"));
  ck_assert_int_eq(compile_error(&cs_internal_scalar_shape, &err), VMIR_E_SHAPE);
  ck_assert_ptr_nonnull(strstr(err.message, "struct"));
  ck_assert_int_eq(compile_error(&cs_internal_clash_shape, &err), VMIR_E_SHAPE);
  ck_assert_ptr_nonnull(strstr(err.message, "type"));
}
END_TEST

/* Adjacent tagging: {"t": "Name", "c": payload}; unit: only the tag.
 * t[verify format.ir.enum-tagging-policy]
 * t[verify format.ir.enum-payload-control-flow] */
START_TEST(enum_adjacent) {
  vmir_program *p = compile(&cs_adjacent_shape);
  char *t = inspect_proc_text(p, 0);
  ASSERT_HAS(t, "b1: emit-begin-struct 2; emit-field-name \"t\"; emit-string \"circle\"; "
                "emit-field-name \"c\"; enter-variant-field 0 0; emit-scalar; leave; "
                "emit-end; jump b5\n");
  ASSERT_HAS(t, "b3: emit-begin-struct 2; emit-field-name \"t\"; emit-string \"point\"; "
                "emit-field-name \"c\"; emit-begin-tuple 2;");
  ASSERT_HAS(t, "b4: emit-begin-struct 1; emit-field-name \"t\"; emit-string \"empty\"; "
                "emit-end; jump b5\n");
  free(t);
  vmir_program_free(p);
}
END_TEST

/* Untagged: the payload alone, unit as null; no variant name is emitted or
 * even stored.
 * t[verify format.ir.enum-tagging-policy]
 * t[verify format.ir.enum-payload-control-flow] */
START_TEST(enum_untagged) {
  vmir_program *p = compile(&cs_untagged_shape);
  char *t = inspect_proc_text(p, 0);
  ASSERT_HAS(t, "b1: enter-variant-field 0 0; emit-scalar; leave; jump b5\n");
  ASSERT_HAS(t, "b2: emit-begin-struct 2; emit-field-name \"w\";");
  ASSERT_HAS(t, "b3: emit-begin-tuple 2;");
  ASSERT_HAS(t, "b4: emit-null; jump b5\n");
  const char *names[] = {"circle", "Rectangle", "rect", "point", "empty"};
  for (size_t i = 0; i < 5; i++) ck_assert_int_eq(inspect_string_index(p, names[i]), -1);
  ck_assert_uint_eq(inspect_count_op(p, VMIR_OP_EMIT_STRING), 0);
  free(t);
  vmir_program_free(p);
}
END_TEST

/* ---- containers, composites, recursion ------------------------------------------ */

/* Lists, arrays and maps are CFG loops with an explicit back-edge: the loop
 * body ends with a jump to the earlier block holding loop-next; begin/end
 * delimit the sequence in IR. Options branch; pointers enter.
 * t[verify format.ir.loop-via-cfg-backedge]
 * t[verify format.vm.delimiters-are-ir]
 * t[verify format.ir.proc-cfg-only] */
START_TEST(loops_have_backedges) {
  vmir_program *p = compile(&cs_containers_shape);
  char *t = inspect_program_text(p);
  ASSERT_HAS(t, "f0:b0: emit-begin-struct 8; emit-field-name \"list\"; enter-field 0; call f1; "
                "leave; emit-field-name \"array\"; enter-field 1; call f2; leave; "
                "emit-field-name \"map\"; enter-field 2; call f3; leave; "
                "emit-field-name \"tuple\"; enter-field 3; call f4; leave; "
                "emit-field-name \"opt\"; enter-field 4; call f5; leave; "
                "emit-field-name \"pointer\"; enter-field 5; call f6; leave; "
                "emit-field-name \"dynamic\"; enter-field 6; emit-value; leave; "
                "emit-field-name \"nothing\"; enter-field 7; emit-null; leave; emit-end; ret\n");
  for (int f = 1; f <= 2; f++) {
    char want[512];
    snprintf(want, sizeof want,
             "f%d:b0: emit-begin-seq; loop-begin; jump b1\nf%d:b1: loop-next b2 b3\n"
             "f%d:b2: enter-element; emit-scalar; leave; loop-step; jump b1\n"
             "f%d:b3: emit-end; ret\n", f, f, f, f);
    ASSERT_HAS(t, want);
  }
  ASSERT_HAS(t, "f3:b0: emit-begin-map; loop-begin; jump b1\nf3:b1: loop-next b2 b3\n"
                "f3:b2: emit-map-key; enter-map-value; emit-scalar; leave; loop-step; jump b1\n"
                "f3:b3: emit-end; ret\n");
  ASSERT_HAS(t, "f4:b0: emit-begin-tuple 2; enter-field 0; emit-scalar; leave; enter-field 1; "
                "emit-scalar; leave; emit-end; ret\n");
  ASSERT_HAS(t, "f5:b0: branch-some b1 b2\nf5:b1: enter-some; emit-scalar; leave; jump b3\n"
                "f5:b2: emit-null; jump b3\nf5:b3: ret\n");
  ASSERT_HAS(t, "f6:b0: enter-pointee; emit-scalar; leave; ret\n");
  /* Generic form of the back-edge: every loop-next's body block ends with a
   * jump back to the (earlier) head block. */
  uint32_t loops = 0;
  for (uint32_t f = 0; f < p->proc_count; f++)
    for (uint32_t b = 0; b < inspect_block_count(p, f); b++) {
      const vmir_insn *head = inspect_insn(p, f, b, 0);
      if (head->op != VMIR_OP_LOOP_NEXT) continue;
      uint32_t body = (uint32_t)head->operand[0];
      const vmir_insn *last = inspect_insn(p, f, body, inspect_insn_count(p, f, body) - 1);
      ck_assert_uint_eq(last->op, VMIR_OP_JUMP);
      ck_assert_int_eq(last->operand[0], b);
      ck_assert_uint_lt(b, body);
      loops++;
    }
  ck_assert_uint_eq(loops, 3);
  free(t);
  vmir_program_free(p);
}
END_TEST

/* A recursive type becomes a recursive call: node -> option -> node, and
 * node -> list -> node; each shape is one proc however often it is used.
 * t[verify format.ir.proc-call-explicit] */
START_TEST(recursion_is_a_call_cycle) {
  vmir_program *p = compile(&cs_node_shape);
  ck_assert_uint_eq(p->proc_count, 3);
  ck_assert(inspect_calls_reach(p, 0, 0));
  ck_assert(inspect_calls_reach(p, 1, 1));
  ck_assert(inspect_calls_reach(p, 2, 2));
  char *t = inspect_program_text(p);
  ASSERT_HAS(t, "f1:b1: enter-some; call f0; leave; jump b3\n");
  ASSERT_HAS(t, "f2:b2: enter-element; call f0; leave; loop-step; jump b1\n");
  free(t);
  vmir_program_free(p);
  /* Memoised by shape: two fields of one struct shape call one proc. */
  p = compile(&cs_twice_shape);
  ck_assert_uint_eq(p->proc_count, 2);
  ck_assert_uint_eq(inspect_count_op_a0(p, VMIR_OP_CALL, 1), 2);
  vmir_program_free(p);
}
END_TEST

/* A scalar root is a one-proc program that emits it. The entry proc is f0
 * and ends with ret.
 * t[verify format.ir.proc-call-explicit] */
START_TEST(scalar_root) {
  vmir_program *p = compile(&vmir_shape_u64);
  char *t = inspect_program_text(p);
  ck_assert_str_eq(t, "f0:b0: emit-scalar; ret\n");
  free(t);
  vmir_program_free(p);
  p = compile(&vmir_shape_unit);
  t = inspect_program_text(p);
  ck_assert_str_eq(t, "f0:b0: emit-null; ret\n");
  free(t);
  vmir_program_free(p);
}
END_TEST

/* ---- formats -------------------------------------------------------------------- */

/* JSON and MessagePack lower to the one dialect: the format is an input,
 * and for encode the programs are identical (the writers differ); no
 * format builtin appears in an encode program. Compiling twice gives an
 * equal program.
 * t[verify format.vm.single-vm-dialect]
 * t[verify format.vm.format-is-compile-time-input]
 * t[verify format.vm.no-format-specific-ir] */
START_TEST(formats_share_one_program) {
  const vmir_shape *shapes[] = {&cs_plain_shape,  &cs_flat_shape,     &cs_cond_shape,
                                &cs_containers_shape, &cs_node_shape, &cs_external_shape,
                                &cs_internal_shape, &cs_adjacent_shape, &cs_untagged_shape,
                                &twitter_shape,   &citm_shape,        &canada_shape};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    vmir_program *json = compile_fmt(shapes[s], VMIR_FORMAT_JSON);
    vmir_program *mp = compile_fmt(shapes[s], VMIR_FORMAT_MSGPACK);
    vmir_program *again = compile_fmt(shapes[s], VMIR_FORMAT_JSON);
    ck_assert(vmir_program_equal(json, mp));
    ck_assert(vmir_program_equal(json, again));
    for (uint32_t i = 0; i < json->insn_count; i++) {
      const vmir_op_info *info = vmir_op_info_of(json->insns[i].op);
      ck_assert_int_ne(info->family, VMIR_FAMILY_LEXING);
      ck_assert_int_ne(info->family, VMIR_FAMILY_BUILD);
    }
    vmir_program_free(json);
    vmir_program_free(mp);
    vmir_program_free(again);
  }
}
END_TEST

/* ---- the compiler's own checks ------------------------------------------------------ */

/* A lowering bug that leaves a dangling block or proc reference, or a field
 * or variant index the shape does not have, never leaves the compiler: the
 * builder's structural check and the verifier stop it (faults injected).
 * t[verify format.ir.compile-validate-block-targets]
 * t[verify format.ir.compile-validate-proc-targets]
 * t[verify format.ir.compile-validate-indices] */
START_TEST(invalid_programs_never_leave) {
  static const struct { vmir_compile_fault fault; const vmir_shape *shape; } cases[] = {
      {VMIR_COMPILE_FAULT_DANGLING_BLOCK, &cs_plain_shape},
      {VMIR_COMPILE_FAULT_DANGLING_PROC, &cs_plain_shape},
      {VMIR_COMPILE_FAULT_BAD_FIELD_INDEX, &cs_plain_shape},
      {VMIR_COMPILE_FAULT_BAD_VARIANT_INDEX, &cs_external_shape},
  };
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    vmir_error err;
    vmir_program *p = vmir_compile_encode_faulty(cases[i].shape, &opt, VMIR_COMPILE_FAULT_NONE, &err);
    ck_assert_msg(p, "%s", err.message);
    vmir_program_free(p);
    p = vmir_compile_encode_faulty(cases[i].shape, &opt, cases[i].fault, &err);
    ck_assert_msg(!p, "fault %d let a program out", (int)cases[i].fault);
    ck_assert_int_eq(err.code, VMIR_E_VERIFY);
    ck_assert_ptr_nonnull(strstr(err.message, "compiler produced an invalid program"));
  }
}
END_TEST

/* The shape is validated before lowering: a field past the struct's size is
 * a layout error and no program is built (lowering trusts offsets and
 * indexes only because of this).
 * t[verify format.ir.compile-validate-indices] */
START_TEST(invalid_shape_rejected) {
  vmir_error err;
  ck_assert_int_eq(compile_error(&cs_bad_layout_shape, &err), VMIR_E_LAYOUT);
}
END_TEST

/* Options: defaults, names, and misuse.
 * t[verify format.vm.format-is-compile-time-input] */
START_TEST(options_and_format_names) {
  vmir_compile_options o = vmir_compile_options_default(VMIR_FORMAT_MSGPACK);
  ck_assert_int_eq(o.format, VMIR_FORMAT_MSGPACK);
  ck_assert_int_eq(o.unknown_fields, VMIR_UNKNOWN_DENY);
  ck_assert(!o.duplicate_last_wins);
  ck_assert(!o.fused);
  vmir_format f = VMIR_FORMAT_COUNT;
  for (int i = 0; i < VMIR_FORMAT_COUNT; i++) {
    ck_assert(vmir_format_from_name(vmir_format_name((vmir_format)i), &f));
    ck_assert_int_eq(f, i);
  }
  ck_assert_str_eq(vmir_format_name(VMIR_FORMAT_JSON), "json");
  ck_assert_str_eq(vmir_format_name(VMIR_FORMAT_MSGPACK), "msgpack");
  ck_assert_str_eq(vmir_format_name((vmir_format)42), "unknown");
  ck_assert(!vmir_format_from_name("xml", &f));
  ck_assert(!vmir_format_from_name(NULL, &f));
  ck_assert(!vmir_format_from_name("JSON", &f));

  vmir_error err;
  ck_assert_ptr_null(vmir_compile_encode(&cs_plain_shape, NULL, &err));
  ck_assert_int_eq(err.code, VMIR_E_USAGE);
  o.format = (vmir_format)9;
  ck_assert_ptr_null(vmir_compile_encode(&cs_plain_shape, &o, &err));
  ck_assert_int_eq(err.code, VMIR_E_USAGE);
  o = vmir_compile_options_default(VMIR_FORMAT_JSON);
  ck_assert_ptr_null(vmir_compile_encode(NULL, &o, &err));
  ck_assert_int_eq(err.code, VMIR_E_USAGE);
  /* A NULL error pointer is allowed. */
  vmir_program *p = vmir_compile_encode(&cs_plain_shape, &o, NULL);
  ck_assert_ptr_nonnull(p);
  vmir_program_free(p);
  ck_assert_ptr_null(vmir_compile_encode(&cs_bad_layout_shape, &o, NULL));
}
END_TEST

/* ---- cache ---------------------------------------------------------------------- */

static void expect_stats(const vmir_program_cache *c, uint64_t hits, uint64_t misses,
                         uint64_t invalidations, uint64_t entries) {
  vmir_program_cache_stats s = vmir_program_cache_get_stats(c);
  ck_assert_uint_eq(s.hits, hits);
  ck_assert_uint_eq(s.misses, misses);
  ck_assert_uint_eq(s.abi_invalidations, invalidations);
  ck_assert_uint_eq(s.entries, entries);
}

/* Same (shape id, options) hits and returns the same program; another
 * format, another option, another shape miss; an equal shape described by
 * another object has the same id and hits.
 * t[verify format.ir.cache-key-shape-options]
 * t[verify format.ir.cache-in-process-v0] */
START_TEST(cache_keys) {
  vmir_program_cache *c = vmir_program_cache_new();
  vmir_compile_options json = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_compile_options mp = vmir_compile_options_default(VMIR_FORMAT_MSGPACK);
  vmir_error err;
  const vmir_program *a = vmir_program_cache_encode(c, &cs_plain_shape, &json, &err);
  ck_assert_ptr_nonnull(a);
  expect_stats(c, 0, 1, 0, 1);
  ck_assert_ptr_eq(vmir_program_cache_encode(c, &cs_plain_shape, &json, &err), a);
  expect_stats(c, 1, 1, 0, 1);
  const vmir_program *b = vmir_program_cache_encode(c, &cs_plain_shape, &mp, &err);
  ck_assert_ptr_nonnull(b);
  ck_assert_ptr_ne(a, b);
  expect_stats(c, 1, 2, 0, 2);
  vmir_compile_options last_wins = json;
  last_wins.duplicate_last_wins = true;
  ck_assert_ptr_ne(vmir_program_cache_encode(c, &cs_plain_shape, &last_wins, &err), a);
  expect_stats(c, 1, 3, 0, 3);
  ck_assert_ptr_nonnull(vmir_program_cache_encode(c, &cs_flat_shape, &json, &err));
  expect_stats(c, 1, 4, 0, 4);
  vmir_shape copy = cs_plain_shape;  /* same layout and names, other object */
  ck_assert_ptr_eq(vmir_program_cache_encode(c, &copy, &json, &err), a);
  expect_stats(c, 2, 4, 0, 4);
  /* Failures are not cached and change no counter but misses. */
  ck_assert_ptr_null(vmir_program_cache_encode(c, &cs_bad_layout_shape, &json, &err));
  ck_assert_int_eq(err.code, VMIR_E_LAYOUT);
  expect_stats(c, 2, 5, 0, 4);
  ck_assert_ptr_null(vmir_program_cache_encode(c, &cs_plain_shape, NULL, &err));
  ck_assert_int_eq(err.code, VMIR_E_USAGE);
  expect_stats(c, 2, 5, 0, 4);
  vmir_program_cache_free(c);
}
END_TEST

/* Many entries: the table grows and every program is still found.
 * t[verify format.ir.cache-key-shape-options] */
START_TEST(cache_many_entries) {
  enum { N = 200 };
  static chain chains[N];
  const vmir_program *first[N];
  vmir_program_cache *c = vmir_program_cache_new();
  vmir_compile_options json = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_error err;
  for (unsigned i = 0; i < N; i++) {
    /* Distinct shapes: chains of different depth (ids differ). */
    first[i] = vmir_program_cache_encode(c, make_chain(&chains[i], i % 20), &json, &err);
    if (i >= 20) ck_assert_ptr_eq(first[i], first[i % 20]);
  }
  expect_stats(c, N - 20, 20, 0, 20);
  vmir_program_cache_free(c);
}
END_TEST

/* An entry compiled under another ABI is dropped on lookup, counted, and
 * compiled afresh; the fresh entry then hits.
 * t[verify format.ir.cache-abi-invalidation] */
START_TEST(cache_abi_invalidation) {
  vmir_program_cache *c = vmir_program_cache_new();
  vmir_compile_options json = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_error err;
  vmir_program_cache_set_abi_for_testing(c, VMIR_ABI_VERSION + 1);
  ck_assert_ptr_nonnull(vmir_program_cache_encode(c, &cs_node_shape, &json, &err));
  ck_assert_ptr_nonnull(vmir_program_cache_encode(c, &cs_plain_shape, &json, &err));
  expect_stats(c, 0, 2, 0, 2);
  vmir_program_cache_set_abi_for_testing(c, VMIR_ABI_VERSION);
  const vmir_program *fresh = vmir_program_cache_encode(c, &cs_node_shape, &json, &err);
  ck_assert_ptr_nonnull(fresh);
  ck_assert_uint_eq(fresh->abi, VMIR_ABI_VERSION);
  expect_stats(c, 0, 3, 1, 2);
  ck_assert_ptr_eq(vmir_program_cache_encode(c, &cs_node_shape, &json, &err), fresh);
  expect_stats(c, 1, 3, 1, 2);
  /* The other stale entry goes on its own next lookup. */
  ck_assert_ptr_nonnull(vmir_program_cache_encode(c, &cs_plain_shape, &json, &err));
  expect_stats(c, 1, 4, 2, 2);
  vmir_program_cache_free(c);
}
END_TEST

/* ---- corpora models -------------------------------------------------------------- */

/* The typed models of twitter, citm_catalog and canada validate and compile
 * for both formats, with their policies visible in the program: twitter's
 * status is a recursive call through retweeted_status and its absent keys
 * are skip-if none; citm's id tables are map loops under renamed keys;
 * canada's geometry is internally tagged by "type".
 * t[verify format.ir.compile-rename-resolution]
 * t[verify format.ir.compile-predicate-binding]
 * t[verify format.ir.proc-call-explicit]
 * t[verify format.ir.enum-tagging-policy] */
START_TEST(corpora_models_compile) {
  const vmir_shape *models[] = {&twitter_shape, &citm_shape, &canada_shape};
  for (size_t m = 0; m < 3; m++) {
    vmir_error err;
    ck_assert_msg(vmir_shape_validate(models[m], &err) == VMIR_OK, "%s", err.message);
    for (int f = 0; f < VMIR_FORMAT_COUNT; f++) vmir_program_free(compile_fmt(models[m], (vmir_format)f));
  }

  vmir_program *p = compile(&twitter_shape);
  ck_assert(inspect_calls_reach(p, 0, 0) == false);
  uint32_t status_proc = UINT32_MAX;
  for (uint32_t i = 0; i < p->predicate_count; i++) {
    const char *field = inspect_string(p, p->predicates[i].field_name);
    ck_assert_int_eq(p->predicates[i].test, VMIR_PRED_IS_NONE);
    if (strcmp(field, "retweeted_status") == 0) {
      /* the proc holding this predicate's branch is the status proc */
      for (uint32_t f = 0; f < p->proc_count; f++)
        for (uint32_t b = 0; b < inspect_block_count(p, f); b++) {
          uint32_t n = inspect_insn_count(p, f, b);
          const vmir_insn *last = inspect_insn(p, f, b, n - 1);
          if (last->op == VMIR_OP_BRANCH_PRED && last->operand[0] == i) status_proc = f;
        }
    }
  }
  ck_assert_uint_ne(status_proc, UINT32_MAX);
  ck_assert(inspect_calls_reach(p, status_proc, status_proc));
  ck_assert_int_ge(inspect_string_index(p, "protected"), 0);
  ck_assert_int_eq(inspect_string_index(p, "is_protected"), -1);
  ck_assert_int_ge(inspect_string_index(p, "recent"), 0);
  vmir_program_free(p);

  p = compile(&citm_shape);
  ck_assert_int_ge(inspect_string_index(p, "areaNames"), 0);
  ck_assert_int_eq(inspect_string_index(p, "area_names"), -1);
  ck_assert_uint_ge(inspect_count_op(p, VMIR_OP_EMIT_MAP_KEY), 3);
  ck_assert_uint_eq(p->predicate_count, 0);
  vmir_program_free(p);

  p = compile(&canada_shape);
  char *t = inspect_program_text(p);
  ASSERT_HAS(t, "emit-field-name \"type\"; emit-string \"Polygon\"; emit-field-name \"coordinates\";");
  ASSERT_HAS(t, "emit-string \"FeatureCollection\"");
  ASSERT_HAS(t, "emit-begin-tuple 2; enter-field 0; emit-scalar; leave; enter-field 1; emit-scalar; leave; emit-end");
  free(t);
  vmir_program_free(p);
}
END_TEST

/* The checked-in shape text of each model (conformance/models/NAME.shape,
 * printed by vmir_model_shapes) still describes its C model: the same shape
 * id, hence the same program, which the text-loaded shape also compiles to.
 * t[verify format.vm.format-is-compile-time-input]
 * t[verify format.ir.program-root-shape] */
START_TEST(corpora_shape_files_match_models) {
  static const struct { const char *file; const vmir_shape *shape; } models[] = {
      {"../models/twitter.shape", &twitter_shape},
      {"../models/citm_catalog.shape", &citm_shape},
      {"../models/canada.shape", &canada_shape},
  };
  for (size_t m = 0; m < 3; m++) {
    size_t len = 0;
    char *text = vmir_test_read_file(vmir_test_data_path(models[m].file), &len);
    ck_assert_msg(text, "cannot read %s", models[m].file);
    vmir_error err;
    vmir_shape_set *set = vmir_shape_text_parse(text, len, models[m].file, &err);
    ck_assert_msg(set, "%s: %s", models[m].file, err.message);
    const vmir_shape *root = vmir_shape_set_root(set);
    ck_assert_uint_eq(vmir_shape_id(root), vmir_shape_id(models[m].shape));
    vmir_program *from_c = compile(models[m].shape);
    vmir_program *from_text = compile(root);
    ck_assert(vmir_program_equal(from_c, from_text));
    vmir_program_free(from_c);
    vmir_program_free(from_text);
    vmir_shape_set_free(set);
    free(text);
  }
}
END_TEST

/* Encodes a decoded model value in `format`; the output parsed by a peer. */
static json_object *encode_with_peer(const vmir_shape *shape, const void *value,
                                     vmir_format format) {
  vmir_program *p = compile_fmt(shape, format);
  vmir_error err;
  vmir_executable *exe = vmir_executable_new(p, shape, &err);
  ck_assert_msg(exe, "%s", err.message);
  char why[160];
  json_object *tree;
  size_t len;
  if (format == VMIR_FORMAT_JSON) {
    vmir_json_writer *w = vmir_json_writer_new(NULL);
    ck_assert_int_eq(vmir_encode(exe, value, shape, vmir_json_writer_sink(w), NULL, &err), VMIR_OK);
    const uint8_t *out = vmir_json_writer_data(w, &len);
    tree = peer_parse_json((const char *)out, len, why, sizeof why);
    vmir_json_writer_free(w);
  } else {
    vmir_msgpack_writer *w = vmir_msgpack_writer_new();
    ck_assert_int_eq(vmir_encode(exe, value, shape, vmir_msgpack_writer_sink(w), NULL, &err), VMIR_OK);
    const uint8_t *out = vmir_msgpack_writer_data(w, &len);
    tree = peer_parse_msgpack(out, len, why, sizeof why);
    vmir_msgpack_writer_free(w);
  }
  ck_assert_msg(!why[0], "%s", why);
  vmir_executable_free(exe);
  vmir_program_free(p);
  return tree;
}

/* The models are faithful to their corpora: each corpus decodes into its
 * model and encodes back, in JSON and in MessagePack, to a document equal
 * to the original (compared by json-c, an independent reader), member order
 * included, except twitter's media `sizes`, whose four keys come in
 * varying order in the corpus. Every absent key stays absent (skip-if).
 * t[verify format.ir.compile-predicate-binding]
 * t[verify format.vm.format-is-compile-time-input] */
START_TEST(corpora_round_trip_through_models) {
  const char *shared = vmir_test_shared_dir();
  if (!shared) return;  /* the harness printed why */
  static const struct { const char *file; const vmir_shape *shape; size_t size; bool ordered; }
      corpora[] = {
          {"twitter.json", &twitter_shape, sizeof(twitter_doc), false},
          {"citm_catalog.json", &citm_shape, sizeof(citm_catalog), true},
          {"canada.json", &canada_shape, sizeof(canada_doc), true},
      };
  for (size_t c = 0; c < 3; c++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/corpora/%s", shared, corpora[c].file);
    size_t len = 0;
    char *input = vmir_test_read_file(path, &len);
    ck_assert_msg(input, "cannot read %s", path);
    char why[160];
    json_object *original = peer_parse_json(input, len, why, sizeof why);
    ck_assert_msg(!why[0], "%s", why);

    vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
    vmir_error err;
    vmir_program *dp = vmir_compile_decode_fused(corpora[c].shape, &opt, &err);
    ck_assert_msg(dp, "%s: decode compile: %s", corpora[c].file, err.message);
    vmir_executable *dx = vmir_executable_new(dp, corpora[c].shape, &err);
    ck_assert_msg(dx, "%s", err.message);
    vmir_decoder *dec = vmir_decoder_new(NULL);
    void *value = calloc(1, corpora[c].size);
    ck_assert_msg(vmir_decode(dx, input, len, value, corpora[c].shape, dec, NULL, &err) == VMIR_OK,
                  "%s: decode: %s at %s", corpora[c].file, err.message, err.path);

    for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
      json_object *back = encode_with_peer(corpora[c].shape, value, (vmir_format)f);
      char diff[512] = "";
      ck_assert_msg(peer_tree_equal(original, back, corpora[c].ordered, diff, sizeof diff),
                    "%s via %s: %s", corpora[c].file, vmir_format_name((vmir_format)f), diff);
      json_object_put(back);
    }
    free(value);
    vmir_decoder_free(dec);
    vmir_executable_free(dx);
    vmir_program_free(dp);
    json_object_put(original);
    free(input);
  }
}
END_TEST

static Suite *compile_suite(void) {
  Suite *s = suite_create("compile");
  TCase *lower = tcase_create("lowering");
  tcase_add_test(lower, static_skip_leaves_nothing);
  tcase_add_test(lower, rename_resolved_into_string_table);
  tcase_add_test(lower, field_name_directly_before_value);
  tcase_add_test(lower, flatten_inlines_members);
  tcase_add_test(lower, flatten_errors);
  tcase_add_test(lower, flatten_depth_bounded);
  tcase_add_test(lower, skip_if_binds_predicates);
  tcase_add_test(lower, skip_if_test_must_fit_kind);
  tcase_add_test(lower, enum_external);
  tcase_add_test(lower, enum_internal);
  tcase_add_test(lower, enum_internal_errors);
  tcase_add_test(lower, enum_adjacent);
  tcase_add_test(lower, enum_untagged);
  tcase_add_test(lower, loops_have_backedges);
  tcase_add_test(lower, recursion_is_a_call_cycle);
  tcase_add_test(lower, scalar_root);
  tcase_add_test(lower, formats_share_one_program);
  suite_add_tcase(s, lower);
  TCase *checks = tcase_create("checks");
  tcase_add_test(checks, invalid_programs_never_leave);
  tcase_add_test(checks, invalid_shape_rejected);
  tcase_add_test(checks, options_and_format_names);
  suite_add_tcase(s, checks);
  TCase *cache = tcase_create("cache");
  tcase_add_test(cache, cache_keys);
  tcase_add_test(cache, cache_many_entries);
  tcase_add_test(cache, cache_abi_invalidation);
  suite_add_tcase(s, cache);
  TCase *models = tcase_create("models");
  tcase_add_test(models, corpora_models_compile);
  tcase_add_test(models, corpora_shape_files_match_models);
  tcase_add_test(models, corpora_round_trip_through_models);
  suite_add_tcase(s, models);
  return s;
}

int main(void) { return vmir_test_run(compile_suite(), "compile"); }
