/* The op kernels instantiated out of line for libgccjit code
 * (gccjit_ops.h): each wrapper runs its kernel with report = false and
 * the operands the generated code passes as constants. A failed check
 * writes vm->pc and returns VMIR_OP_CHECK, which the code turns into a
 * deopt at that pc, exactly where a stencil deopts.
 * t[impl format.exec.jit-semantic-equivalence] */
#include "gccjit_ops.h"

#include "exec/interp.h"

#define KCTX                                                                   \
  vmir_op_ctx kc_ = {.exe = exe, .vm = vm, .err = err, .pc = pc, .report = false}; \
  vmir_op_ctx *k = &kc_;                                                       \
  (void)io;                                                                    \
  (void)a;                                                                     \
  (void)fn;                                                                    \
  (void)out

/* A kernel's status, with vm->pc at the instruction for a failed check. */
static inline vmir_status ret(vmir_vm_state *vm, uint32_t pc, vmir_status st) {
  if (__builtin_expect(st == VMIR_OP_CHECK, 0)) vm->pc = pc;
  return st;
}

#define OP(name)                                                               \
  vmir_status vmir_gccjit_op_##name(const vmir_executable *exe, vmir_vm_state *vm, \
                                    vmir_error *err, void *io, uint32_t pc, uint64_t a, \
                                    const void *fn, uint32_t *out)
#define LO(a) ((uint32_t)(a))
#define HI(a) ((uint32_t)((a) >> 32))
/* A sink callback: the assumed sink's (fn), else the run's sink's. */
#define SINK_FN(type, member) (fn ? (type)fn : ((vmir_sink *)io)->ops->member)

/* ---- control ------------------------------------------------------------ */

OP(branch_some) {
  KCTX;
  bool present = false;
  vmir_status st = vmir_op_branch_some(k, &present);
  *out = present;
  return ret(vm, pc, st);
}

OP(switch_variant) {
  KCTX;
  return ret(vm, pc, vmir_op_switch_variant(k, LO(a), out));
}

/* a = callee proc; the code continues at its entry. */
OP(call) {
  KCTX;
  return ret(vm, pc, vmir_op_call(k, LO(a), pc + 1));
}

/* *out = the pc to continue at; VMIR_STEP_DONE when the entry proc
 * returned. */
OP(ret) {
  KCTX;
  bool done = false;
  vmir_status st = vmir_op_ret(k, &done, out);
  if (st != VMIR_OK) return ret(vm, pc, st);
  if (done) {
    vm->pc = pc;
    return VMIR_STEP_DONE;
  }
  return VMIR_OK;
}

OP(loop_begin) {
  KCTX;
  return ret(vm, pc, vmir_op_loop_begin(k));
}

OP(loop_begin_count) {
  KCTX;
  if (__builtin_expect(!vm->dec, 0)) return ret(vm, pc, VMIR_OP_CHECK);
  return ret(vm, pc, vmir_op_loop_begin_count(k));
}

OP(loop_next) {
  KCTX;
  bool more = false;
  vmir_status st = vmir_op_loop_next(k, &more);
  *out = more;
  return ret(vm, pc, st);
}

OP(loop_step) {
  KCTX;
  return ret(vm, pc, vmir_op_loop_step(k));
}

OP(loop_exit) {
  KCTX;
  return ret(vm, pc, vmir_op_loop_exit(k));
}

/* ---- navigation ---------------------------------------------------------- */

OP(enter_field) {
  KCTX;
  return ret(vm, pc, vmir_op_enter_field(k, LO(a)));
}

/* a = variant | field << 32 */
OP(enter_variant_field) {
  KCTX;
  return ret(vm, pc, vmir_op_enter_variant_field(k, LO(a), HI(a)));
}

OP(enter_some) {
  KCTX;
  return ret(vm, pc, vmir_op_enter_some(k));
}

OP(enter_pointee) {
  KCTX;
  return ret(vm, pc, vmir_op_enter_pointee(k));
}

OP(enter_element) {
  KCTX;
  return ret(vm, pc, vmir_op_enter_element(k));
}

OP(enter_map_value) {
  KCTX;
  return ret(vm, pc, vmir_op_enter_map_value(k));
}

/* ---- predicates: a = predicate index (| host id << 32) ------------------ */

#define PRED(name, ...)                                                        \
  OP(pred_##name) {                                                            \
    KCTX;                                                                      \
    bool result = false;                                                       \
    vmir_status st = vmir_op_pred_##name(__VA_ARGS__);                         \
    *out = result;                                                             \
    return ret(vm, pc, st);                                                    \
  }
PRED(is_none, k, LO(a), &result)
PRED(is_empty, k, LO(a), &result)
PRED(is_default, k, &result)
PRED(host, k, LO(a), HI(a), &result)

/* ---- emission: io is the sink ------------------------------------------- */

/* begin-struct and begin-struct-dynamic: a = the length (or
 * VMIR_LEN_UNKNOWN). */
OP(emit_begin_struct) {
  KCTX;
  return ret(vm, pc, vmir_op_emit_len(k, io, SINK_FN(vmir_sink_len_fn, begin_struct), a));
}

/* begin-tuple and begin-seq-dynamic: a = the length (or VMIR_LEN_UNKNOWN). */
OP(emit_begin_tuple) {
  KCTX;
  return ret(vm, pc, vmir_op_emit_len(k, io, SINK_FN(vmir_sink_len_fn, begin_seq), a));
}

OP(emit_begin_seq) {
  KCTX;
  return ret(vm, pc, vmir_op_emit_begin_seq(k, io, SINK_FN(vmir_sink_len_fn, begin_seq)));
}

OP(emit_begin_map) {
  KCTX;
  return ret(vm, pc, vmir_op_emit_begin_map(k, io, SINK_FN(vmir_sink_len_fn, begin_map)));
}

/* a = the name's string index */
OP(emit_field_name) {
  KCTX;
  return ret(vm, pc, vmir_op_emit_name(k, io, SINK_FN(vmir_sink_name_fn, field_name),
                                       exe->strings[LO(a)]));
}

OP(emit_map_key) {
  KCTX;
  return ret(vm, pc, vmir_op_emit_map_key(k, io, SINK_FN(vmir_sink_name_fn, field_name)));
}

/* a = kind | size << 32: the kind inferred at the program point
 * (VMIR_KIND_COUNT: any scalar); the kernel checks it again. Each case
 * instantiates the kernel for a constant kind. */
OP(emit_scalar) {
  KCTX;
  vmir_sink_scalar_fn f = SINK_FN(vmir_sink_scalar_fn, scalar);
  switch ((vmir_kind)LO(a)) {
#define KIND(name, K, SIZE) \
  case K: return ret(vm, pc, vmir_op_emit_scalar(k, io, f, K, SIZE));
    VMIR_OP_SCALAR_KINDS(KIND)
#undef KIND
    default:
      return ret(vm, pc, vmir_op_emit_scalar(k, io, f, VMIR_KIND_COUNT, 0));
  }
}

/* emit-field-name; enter-field; emit-scalar; leave at the name's pc
 * (jit/plan.h, vmir_jit_plan_named_field_scalar): a = the name's string
 * | the value's kind << 32; the field's index is the enter-field's
 * operand. fn: the assumed sink's paired callback, else the
 * run's (vm->named_scalar_plain). */
OP(named_field_scalar) {
  KCTX;
  vmir_sink *sink = io;
  vmir_sink_named_scalar_cb named = fn ? (vmir_sink_named_scalar_cb)fn : vm->named_scalar_plain;
  vmir_str name_text = exe->strings[LO(a)];
  uint32_t index = exe->code[pc + 1].a;
  switch ((vmir_kind)(HI(a) & 0xff)) {
#define KIND(name, K, SIZE)                                                                 \
  case K:                                                                                   \
    return ret(vm, pc, vmir_op_named_field_scalar(k, sink, named, sink->ops->field_name,   \
                                                  sink->ops->scalar, name_text, index, NULL, \
                                                  0, 0, K, SIZE));
    VMIR_OP_SCALAR_KINDS(KIND)
#undef KIND
    default:
      return ret(vm, pc, VMIR_OP_CHECK);
  }
}

OP(emit_null) {
  KCTX;
  vmir_scalar sc = {.type = VMIR_SCALAR_NULL};
  return ret(vm, pc, vmir_op_emit_const(k, io, SINK_FN(vmir_sink_scalar_fn, scalar), &sc));
}

/* a = the string's index */
OP(emit_string) {
  KCTX;
  vmir_scalar sc = {.type = VMIR_SCALAR_STRING, .as.string = exe->strings[LO(a)]};
  return ret(vm, pc, vmir_op_emit_const(k, io, SINK_FN(vmir_sink_scalar_fn, scalar), &sc));
}

OP(emit_end) {
  KCTX;
  return ret(vm, pc, vmir_op_emit_end(k, io, SINK_FN(vmir_sink_end_fn, end)));
}

OP(emit_key) {
  KCTX;
  return ret(vm, pc, vmir_op_emit_event(k, true));
}

OP(emit_token) {
  KCTX;
  return ret(vm, pc, vmir_op_emit_event(k, false));
}

/* ---- lexing: every op of VMIR_LEX_OPS, by branch structure --------------
 * The decode state is required (the interpreter reports its absence). */
#define NEED_DECODE()                                                          \
  if (__builtin_expect(!vm->dec, 0)) return ret(vm, pc, VMIR_OP_CHECK)

#define LEX_PLAIN(OP_, name)                                                   \
  OP(lex_##name) {                                                             \
    KCTX;                                                                      \
    NEED_DECODE();                                                             \
    return ret(vm, pc, vmir_op_##name(k));                                     \
  }
/* *out = 1: the first block operand. */
#define LEX_BRANCH(OP_, name)                                                  \
  OP(lex_##name) {                                                             \
    KCTX;                                                                      \
    NEED_DECODE();                                                             \
    bool first = false;                                                        \
    vmir_status st = vmir_op_##name(k, &first);                                \
    *out = first;                                                              \
    return ret(vm, pc, st);                                                    \
  }
/* *out = the next pc. */
#define LEX_DISPATCH(OP_, name)                                                \
  OP(lex_##name) {                                                             \
    KCTX;                                                                      \
    NEED_DECODE();                                                             \
    *out = pc + 1;                                                             \
    return ret(vm, pc, vmir_op_##name(k, &exe->code[pc], out));                \
  }
VMIR_LEX_OPS(LEX_PLAIN, LEX_BRANCH, LEX_DISPATCH)

/* The plan's member-name variants (jit/plan.h): a switch-key that tries
 * its guess first, and json-read-key (at pc); switch-key (at pc + 1) as
 * one, the guessed name compared in place. The guess slots are the
 * executable's (exec/executable.h, key_guesses). *out = the next pc. */
OP(switch_key_guessing) {
  KCTX;
  NEED_DECODE();
  kc_.key_hint = &exe->key_guesses[pc];
  *out = pc + 1;
  return ret(vm, pc, vmir_op_switch_key(k, &exe->code[pc], out));
}
#define READ_KEY_SWITCH(name, kernel)                                          \
  OP(name) {                                                                   \
    KCTX;                                                                      \
    NEED_DECODE();                                                             \
    kc_.key_hint = &exe->key_guesses[pc + 1];                                  \
    *out = pc + 1;                                                             \
    return ret(vm, pc, kernel(k, &exe->code[pc + 1], out));                    \
  }
READ_KEY_SWITCH(read_key_switch, vmir_op_json_read_key_switch)
READ_KEY_SWITCH(msgpack_read_key_switch, vmir_op_msgpack_read_key_switch)

/* The build actions' inline fast paths (VMIR_BUILD_INLINE_OPS);
 * push-element's element size the frame's own. */
#define BUILD_INLINE(OP_, name)                                                \
  OP(build_##name) {                                                           \
    KCTX;                                                                      \
    NEED_DECODE();                                                             \
    return ret(vm, pc, vmir_op_build_##name(k, 0));                            \
  }
VMIR_BUILD_INLINE_OPS(BUILD_INLINE)
#undef BUILD_INLINE

/* build-field likewise (vmir_op_build_field); a = index | last-wins << 32. */
OP(build_field_inline) {
  KCTX;
  NEED_DECODE();
  return ret(vm, pc, vmir_op_build_field(k, LO(a), HI(a)));
}
