/* The decode compiler's entry points: fused programs, and the unfused pair
 * of a ParseProgram (format lexing -> build events) and a BuildProgram
 * (build events -> value).
 *
 * Fused and build programs come from one typed lowering (decode_value.c,
 * decode_struct.c, decode_enum.c) over a token-source table: JSON or
 * MessagePack builtins for fused programs, the event source for build
 * programs. Typed programs have one proc per composite shape, memoised by
 * shape pointer (the encode compiler's memo and worklist), and a root proc
 * f0 that is only an entry wrapper, so a recursive root type calls its own
 * proc rather than re-running the root's end-of-input check:
 *   f0: <value of root>; expect-end; build-commit; ret
 * docs/decode.md describes the lowering of every kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile/decode_internal.h"
#include "vmir/verify.h"

/* Stands for f0 in the proc memo: the memo numbers procs in order of first
 * reference, and f0 must be the entry wrapper, not the root shape's proc. */
static const vmir_shape root_entry_marker = {.kind = VMIR_KIND_UNIT,
                                             .name = "(entry)"};

static void lower_typed(vmir_dlower *D, const vmir_shape *root) {
  vmir_lower *L = &D->L;
  uint32_t entry = vmir_lower_proc_for(L, &root_entry_marker);
  L->proc = entry;
  L->block = vmir_lower_block(L);
  if (!L->failed) vmir_builder_set_proc_entry(L->b, entry, L->block);
  vmir_dec_value(D, root);
  vmir_dec_op(D, D->ops->expect_end, 0, 0);
  /* The only write to the caller's destination, after everything else
   * succeeded. */
  vmir_lower_emit(L, VMIR_OP_BUILD_COMMIT, 0, 0, 0);
  vmir_lower_emit(L, VMIR_OP_RET, 0, 0, 0);
  /* The worklist: procs in order of first reference. */
  for (uint32_t p = 1; !L->failed && p < L->memo_count; p++) {
    L->proc = p;
    L->block = vmir_lower_block(L);
    vmir_builder_set_proc_entry(L->b, p, L->block);
    vmir_dec_proc_body(D, L->order[p]);
    /* Bodies end in the block where control joins; one ret per proc. */
    vmir_lower_emit(L, VMIR_OP_RET, 0, 0, 0);
  }
  if (!L->failed) vmir_builder_set_entry_proc(L->b, entry);
}

/* A rejection by the builder or the verifier is the compiler's bug. */
static void blame_compiler(vmir_error *err, const char *stage) {
  char inner[sizeof err->message];
  memcpy(inner, err->message, sizeof inner);
  snprintf(err->message, sizeof err->message,
           "decode compiler produced an invalid program (%s): %.160s", stage,
           inner);
}

static vmir_program *compile(const vmir_shape *shape,
                             const vmir_compile_options *options,
                             vmir_program_kind kind, vmir_error *err) {
  vmir_error local;
  if (!err) err = &local;
  vmir_error_clear(err);
  if (vmir_compile_options_check(options, err) != VMIR_OK) return NULL;
  if (!shape) {
    err->code = VMIR_E_USAGE;
    snprintf(err->message, sizeof err->message, "shape is NULL");
    return NULL;
  }
  /* Lowering trusts offsets, counts and references; validation is what
   * makes that safe for shapes loaded from text. */
  if (vmir_shape_validate(shape, err) != VMIR_OK) return NULL;

  /* t[impl format.vm.format-is-compile-time-input] */
  vmir_dlower D = {0};
  D.L.err = err;
  D.unknown = options->unknown_fields;
  D.last_wins = options->duplicate_last_wins;
  D.class_budget = VMIR_DECODE_CLASS_BUDGET;
  if (kind == VMIR_PROGRAM_BUILD)
    D.ops = &vmir_decode_ops_event;  /* the event stream is format-neutral */
  else
    D.ops = options->format == VMIR_FORMAT_MSGPACK ? &vmir_decode_ops_msgpack
                                                   : &vmir_decode_ops_json;
  D.L.b = vmir_builder_new(kind, vmir_shape_id(shape));
  if (!D.L.b) {
    err->code = VMIR_E_NOMEM;
    snprintf(err->message, sizeof err->message, "out of memory (builder)");
    return NULL;
  }
  if (kind == VMIR_PROGRAM_DECODE)
    vmir_dec_parse_program(&D);
  else
    lower_typed(&D, shape);
  free(D.L.memo);
  free(D.L.order);
  if (D.L.failed) {
    vmir_builder_free(D.L.b);
    return NULL;
  }
  /* Nothing leaves the compiler unchecked: structure at finish, then the
   * shape-aware verifier (indexes, navigation balance, opcode families). */
  vmir_program *program = vmir_builder_finish(D.L.b, err);
  if (!program) {
    if (err->code != VMIR_E_NOMEM) blame_compiler(err, "structure");
    return NULL;
  }
  if (vmir_verify(program, shape, err) != VMIR_OK) {
    blame_compiler(err, "verifier");
    vmir_program_free(program);
    return NULL;
  }
  vmir_error_clear(err);
  return program;
}

vmir_program *vmir_compile_decode_fused(const vmir_shape *shape,
                                        const vmir_compile_options *options,
                                        vmir_error *err) {
  return compile(shape, options, VMIR_PROGRAM_FUSED, err);
}

vmir_program *vmir_compile_decode_parse(const vmir_shape *shape,
                                        const vmir_compile_options *options,
                                        vmir_error *err) {
  return compile(shape, options, VMIR_PROGRAM_DECODE, err);
}

/* t[impl format.parse.build-ops-equivalence] */
/* The build program is the fused lowering over the event source: the same
 * build actions in the same order, each fed by the event that the fused
 * program's builtin would have read. */
vmir_program *vmir_compile_decode_build(const vmir_shape *shape,
                                        const vmir_compile_options *options,
                                        vmir_error *err) {
  return compile(shape, options, VMIR_PROGRAM_BUILD, err);
}
