/* The op wrappers (llvm_kernels.h): one external function per opcode, each
 * one call of the op's kernel. Compiled twice: into the library (what the
 * fast level calls, and what opt-level code calls for any wrapper it did
 * not inline) and by clang-19 into the bitcode the opt level links and
 * inlines (backends/llvm/meson.build). So this file is plain C over the
 * kernel headers and must not hold any state of its own.
 * t[impl format.exec.jit-semantic-equivalence] */
#include "llvm_kernels_list.h"

#include "exec/interp.h"
#include "exec/ops.h"
#include "jit/backend.h"

/* Generated code never reports failed checks: it deopts and lets the
 * interpreter report them (the `report` flag is a constant false). */
#define KCTX                                                                   \
  vm->pc = pc;                                                                 \
  vmir_op_ctx kc = {.exe = exe, .vm = vm, .err = err, .pc = pc, .report = false}; \
  vmir_op_ctx *k = &kc;                                                        \
  (void)k; (void)a; (void)b; (void)c; (void)n; (void)shapes

#define WRAPPER(name)                                                          \
  vmir_status vmir_llvm_op_##name(const vmir_executable *exe, vmir_vm_state *vm, \
                                  vmir_error *err, uint32_t pc, uint32_t a, uint32_t b, \
                                  uint32_t c, uint32_t n, const vmir_shape_context *shapes)

/* A field op of a known struct (exec/ops.h, "known structs"): `known` is
 * 0, or 1 | level step << 1 (llvm_lower.c), `offset` the field's offset;
 * the arguments of the _known kernels for instruction pc: this run's
 * inferred shape there (or NULL), the offset, the step. */
#define KNOWN_FIELD(known, offset)                                             \
  ((known) && shapes->known_shapes ? shapes->known_shapes[pc] : (const vmir_shape *)NULL), \
      (offset), ((known) >> 1)

#define K(call)                                                                \
  do {                                                                         \
    vmir_status st_ = (call);                                                  \
    if (__builtin_expect(st_ != VMIR_OK, 0)) return st_;                       \
  } while (0)

/* A kernel that falls through. */
#define NEXT(call)                                                             \
  do {                                                                         \
    K(call);                                                                   \
    vm->pc = pc + 1;                                                           \
    return VMIR_OK;                                                            \
  } while (0)

/* ---- control -------------------------------------------------------------- */

WRAPPER(branch_some) {
  KCTX;
  bool present = false;
  K(vmir_op_branch_some(k, &present));
  vm->pc = present ? a : b;
  return VMIR_OK;
}

/* n = the number of cases; the targets are read from the running
 * executable (code is shared between executables of one program). */
WRAPPER(switch_variant) {
  KCTX;
  uint32_t to = 0;
  K(vmir_op_switch_variant(k, n, &to));
  vm->pc = exe->code[pc].targets[to];
  return VMIR_OK;
}

WRAPPER(call) {
  KCTX;
  K(vmir_op_call(k, a, pc + 1));
  vm->pc = exe->proc_entry[a];
  return VMIR_OK;
}

WRAPPER(ret) {
  KCTX;
  bool done = false;
  uint32_t to = 0;
  K(vmir_op_ret(k, &done, &to));
  if (done) return VMIR_STEP_DONE;
  vm->pc = to;
  return VMIR_OK;
}

WRAPPER(fail) {
  KCTX;
  return vmir_op_fail(k, a);
}

WRAPPER(loop_begin) { KCTX; NEXT(vmir_op_loop_begin(k)); }
WRAPPER(loop_begin_count) { KCTX; NEXT(vmir_op_loop_begin_count(k)); }
WRAPPER(loop_step) { KCTX; NEXT(vmir_op_loop_step(k)); }
WRAPPER(loop_exit) { KCTX; NEXT(vmir_op_loop_exit(k)); }

WRAPPER(loop_next) {
  KCTX;
  bool more = false;
  K(vmir_op_loop_next(k, &more));
  vm->pc = more ? a : b;
  return VMIR_OK;
}

/* ---- navigation ----------------------------------------------------------- */

/* b, c: the known field's offset and 1 | level step << 1, or 0. */
WRAPPER(enter_field) { KCTX; NEXT(vmir_op_enter_field_known(k, a, KNOWN_FIELD(c, b))); }
WRAPPER(enter_variant_field) { KCTX; NEXT(vmir_op_enter_variant_field(k, a, b)); }
WRAPPER(enter_some) { KCTX; NEXT(vmir_op_enter_some(k)); }
WRAPPER(enter_pointee) { KCTX; NEXT(vmir_op_enter_pointee(k)); }
WRAPPER(enter_element) { KCTX; NEXT(vmir_op_enter_element(k)); }
WRAPPER(enter_map_value) { KCTX; NEXT(vmir_op_enter_map_value(k)); }
WRAPPER(leave) { KCTX; NEXT(vmir_op_leave(k)); }

/* ---- emission (through the run's sink->ops) -------------------------------- */

WRAPPER(emit_begin_struct) {
  KCTX;
  vmir_sink *sink = vm->sink;
  NEXT(vmir_op_emit_len(k, sink, sink->ops->begin_struct, a));
}
WRAPPER(emit_begin_struct_dynamic) {
  KCTX;
  vmir_sink *sink = vm->sink;
  NEXT(vmir_op_emit_len(k, sink, sink->ops->begin_struct, VMIR_LEN_UNKNOWN));
}
WRAPPER(emit_begin_seq) {
  KCTX;
  vmir_sink *sink = vm->sink;
  NEXT(vmir_op_emit_begin_seq(k, sink, sink->ops->begin_seq));
}
WRAPPER(emit_begin_tuple) {
  KCTX;
  vmir_sink *sink = vm->sink;
  NEXT(vmir_op_emit_len(k, sink, sink->ops->begin_seq, a));
}
WRAPPER(emit_begin_seq_dynamic) {
  KCTX;
  vmir_sink *sink = vm->sink;
  NEXT(vmir_op_emit_len(k, sink, sink->ops->begin_seq, VMIR_LEN_UNKNOWN));
}
WRAPPER(emit_begin_map) {
  KCTX;
  vmir_sink *sink = vm->sink;
  NEXT(vmir_op_emit_begin_map(k, sink, sink->ops->begin_map));
}
/* Strings come from the running executable's table, never baked in. b:
 * 1 when the name needs no escape (llvm_lower.c), which the sink's plain
 * variant then copies without scanning, where it has one (the code does
 * not assume the sink: vm->field_name_plain is the run's). */
WRAPPER(emit_field_name) {
  KCTX;
  vmir_sink *sink = vm->sink;
  vmir_sink_name_fn name_fn = sink->ops->field_name;
  if (b && vm->field_name_plain) name_fn = vm->field_name_plain;
  NEXT(vmir_op_emit_name(k, sink, name_fn, exe->strings[a]));
}
WRAPPER(emit_map_key) {
  KCTX;
  vmir_sink *sink = vm->sink;
  NEXT(vmir_op_emit_map_key(k, sink, sink->ops->field_name));
}
/* b, c: the scalar's size and kind as inference gives them (llvm_lower.c;
 * VMIR_KIND_COUNT when unknown), constants the optimiser folds. */
WRAPPER(emit_scalar) {
  KCTX;
  vmir_sink *sink = vm->sink;
  NEXT(vmir_op_emit_scalar(k, sink, sink->ops->scalar, (vmir_kind)c, b));
}
/* enter-field a; emit-scalar; leave (llvm_kernels_list.h). */
WRAPPER(field_scalar) {
  KCTX;
  vmir_sink *sink = vm->sink;
  K(vmir_op_field_scalar_known(k, sink, sink->ops->scalar, a, KNOWN_FIELD(n, b),
                               (vmir_kind)(c & 0xff), c >> 8));
  vm->pc = pc + 3;
  return VMIR_OK;
}
/* emit-field-name a (a plain name); enter-field; emit-scalar; leave
 * (llvm_kernels_list.h): b the known field's offset, c the scalar's kind
 * | its size << 8 | the known field's flags (enter-field's c) << 16, n
 * the field's index. */
WRAPPER(named_field_scalar) {
  KCTX;
  vmir_sink *sink = vm->sink;
  const vmir_shape *known = (c >> 16) && shapes->known_shapes ? shapes->known_shapes[pc + 1] : NULL;
  K(vmir_op_named_field_scalar(k, sink, vm->named_scalar_plain, sink->ops->field_name,
                               sink->ops->scalar, exe->strings[a], n, known, b, c >> 17,
                               (vmir_kind)(c & 0xff), (c >> 8) & 0xff));
  vm->pc = pc + 4;
  return VMIR_OK;
}
WRAPPER(emit_null) {
  KCTX;
  vmir_sink *sink = vm->sink;
  vmir_scalar sc = {.type = VMIR_SCALAR_NULL};
  NEXT(vmir_op_emit_const(k, sink, sink->ops->scalar, &sc));
}
WRAPPER(emit_string) {
  KCTX;
  vmir_sink *sink = vm->sink;
  vmir_scalar sc = {.type = VMIR_SCALAR_STRING, .as.string = exe->strings[a]};
  NEXT(vmir_op_emit_const(k, sink, sink->ops->scalar, &sc));
}
WRAPPER(emit_end) {
  KCTX;
  vmir_sink *sink = vm->sink;
  NEXT(vmir_op_emit_end(k, sink, sink->ops->end));
}
WRAPPER(emit_key) { KCTX; NEXT(vmir_op_emit_event(k, true)); }
WRAPPER(emit_token) { KCTX; NEXT(vmir_op_emit_event(k, false)); }

/* ---- predicates: one wrapper per test (a = predicate, b/c = then/else) ---- */

WRAPPER(pred_is_none) {
  KCTX;
  bool r = false;
  K(vmir_op_pred_is_none(k, a, &r));
  vm->pc = r ? b : c;
  return VMIR_OK;
}
WRAPPER(pred_is_empty) {
  KCTX;
  bool r = false;
  K(vmir_op_pred_is_empty(k, a, &r));
  vm->pc = r ? b : c;
  return VMIR_OK;
}
WRAPPER(pred_is_default) {
  KCTX;
  bool r = false;
  K(vmir_op_pred_is_default(k, &r));
  vm->pc = r ? b : c;
  return VMIR_OK;
}
WRAPPER(pred_host) {
  KCTX;
  bool r = false;
  K(vmir_op_pred_host(k, a, exe->program->predicates[a].host_id, &r));
  vm->pc = r ? b : c;
  return VMIR_OK;
}
WRAPPER(pred_cannot) {
  KCTX;
  return vmir_op_pred_cannot(k, a);
}

/* ---- lexing: VMIR_LEX_OPS by branch structure ------------------------------ */

#define LEX_P(OP, name)                                                        \
  WRAPPER(name) {                                                              \
    KCTX;                                                                      \
    NEXT(vmir_op_##name(k));                                                   \
  }
#define LEX_B(OP, name)                                                        \
  WRAPPER(name) {                                                              \
    KCTX;                                                                      \
    bool first = false;                                                        \
    K(vmir_op_##name(k, &first));                                              \
    vm->pc = first ? a : b;                                                    \
    return VMIR_OK;                                                            \
  }
/* Instruction `at` for its lists: a copy whose opcode and scalar operands
 * are the constants passed in (so they fold once inlined), its lists read
 * from the running executable. */
static inline vmir_xinsn insn_as(const vmir_executable *exe, uint32_t at, uint32_t op, uint32_t a,
                                 uint32_t b, uint32_t c, uint32_t n) {
  vmir_xinsn in = exe->code[at];
  in.op = op;
  in.a = a;
  in.b = b;
  in.c = c;
  in.list_len = n;
  return in;
}

#define LEX_D(OP, name)                                                        \
  WRAPPER(name) {                                                              \
    KCTX;                                                                      \
    vmir_xinsn in = insn_as(exe, pc, VMIR_OP_##OP, a, b, c, n);               \
    uint32_t next = pc + 1;                                                    \
    K(vmir_op_##name(k, &in, &next));                                          \
    vm->pc = next;                                                             \
    return VMIR_OK;                                                            \
  }
VMIR_LEX_OPS(LEX_P, LEX_B, LEX_D)

/* ---- member names (VMIR_LLVM_KEY_WRAPPERS) ------------------------------------ */

/* The guess slot is the executable's (exec/executable.h, key_guesses). */
WRAPPER(switch_key_guessing) {
  KCTX;
  kc.key_hint = &exe->key_guesses[pc];
  vmir_xinsn in = insn_as(exe, pc, VMIR_OP_SWITCH_KEY, a, b, c, n);
  uint32_t next = pc + 1;
  K(vmir_op_switch_key(k, &in, &next));
  vm->pc = next;
  return VMIR_OK;
}

/* json-read-key; switch-key with the guess kept by generated code
 * (llvm_lower.c, lower_key_pair). The guessed case's name, a constant of
 * the module, compared in place: 1 when it was there (the key read), else
 * 0 with nothing consumed. */
VMIR_LLVM_KEY_GUESS_DECLARE(read_key_guess) {
  return vmir_op_json_read_key_guess(vm->dec, (vmir_str){key, len});
}
VMIR_LLVM_KEY_GUESS_DECLARE(msgpack_read_key_guess) {
  return vmir_op_msgpack_read_key_guess(vm->dec, (vmir_str){key, len});
}

/* Any other key: pc is the json-read-key's (msgpack-read-key's), a, b, c,
 * n the switch-key's operands, `guess` the code's guess, which the match
 * tries first and moves on. */
#define READ_KEY_THEN_SWITCH(name, kernel)                                     \
  VMIR_LLVM_KEY_SWITCH_DECLARE(name) {                                         \
    KCTX;                                                                      \
    kc.key_hint = guess;                                                       \
    vmir_xinsn in = insn_as(exe, pc + 1, VMIR_OP_SWITCH_KEY, a, b, c, n);      \
    uint32_t next = pc + 1;                                                    \
    K(kernel(k, &in, &next));                                                  \
    vm->pc = next;                                                             \
    return VMIR_OK;                                                            \
  }
READ_KEY_THEN_SWITCH(read_key_then_switch, vmir_op_json_read_key_then_switch)
READ_KEY_THEN_SWITCH(msgpack_read_key_then_switch, vmir_op_msgpack_read_key_then_switch)

/* ---- build actions ----------------------------------------------------------- */

#define BUILD(OP, name)                                                        \
  WRAPPER(build_##name) {                                                              \
    KCTX;                                                                      \
    NEXT(vmir_build_##name(exe, vm, a, b, err));                               \
  }
VMIR_BUILD_OPS(BUILD)

WRAPPER(build_field_inline) {
  KCTX;
  NEXT(vmir_op_build_field(k, a, b));
}

/* c: push-element's element size as inference gives it (0: the frame's
 * own). */
#define BUILD_INLINE(OP, name)                                                 \
  WRAPPER(build_##name##_inline) {                                             \
    KCTX;                                                                      \
    NEXT(vmir_op_build_##name(k, c));                                          \
  }
VMIR_BUILD_INLINE_OPS(BUILD_INLINE)
#undef BUILD_INLINE

/* c: the kind inference expects (a constant after inlining, so only its
 * store is code). Not after a fused read: no string is taken as fresh. */
WRAPPER(build_store_as) {
  KCTX;
  NEXT(vmir_op_build_store_as(k, (vmir_kind)c, false));
}
