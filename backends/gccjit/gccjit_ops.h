/* The op kernels (exec/ops*.h) instantiated out of line for libgccjit code,
 * one exported function per op. They belong to this backend, not to the
 * engine's helper table (engine/jit/helpers.def lists engine functions any
 * backend's code may call; the LLVM backend resolves every row of it by
 * name, so a row defined only when gccjit is built would break it).
 *
 * The kernels are `static inline __attribute__((always_inline))`: gccjit
 * IR cannot call them, and asking GCC to inline an always_inline function
 * it refuses is a hard compile error, so each is wrapped once here in an
 * ordinary function the generated code calls with its operands as
 * constants. Every wrapper has ONE type (vmir_gccjit_op_fn), so the
 * lowering builds one function-pointer type and one call shape:
 *   exe, vm, err  the run (shapes->exe, the VM state, scratch->err);
 *   io            the sink (emission) or the decode state;
 *   pc            the instruction (errors and deopts name it);
 *   a             the op's operand (field index, length, string index,
 *                 predicate index, proc; two 32-bit operands packed as
 *                 a | b << 32; emit-scalar: kind | size << 32);
 *   fn            emission: the sink callback to call (the assumed sink's,
 *                 behind the sink guard), or NULL for io->ops's;
 *   out           a branching op's result: 1 when the first block operand
 *                 is taken (else 0), a switch's case index, a computed
 *                 next pc (dispatching lexing ops, ret).
 * Returns VMIR_OK; VMIR_OP_CHECK after writing vm->pc = pc (a check failed
 * before any effect: the code deopts and the interpreter re-runs the
 * instruction and reports it, as a stencil does); VMIR_STEP_DONE (ret
 * from the entry proc, vm->pc = pc); or the kernel's error. */
#ifndef VMIR_GCCJIT_OPS_H
#define VMIR_GCCJIT_OPS_H

#include <stdint.h>

#include "exec/executable.h"
#include "exec/ops.h"
#include "exec/vm_state.h"

typedef vmir_status (*vmir_gccjit_op_fn)(const vmir_executable *exe, vmir_vm_state *vm,
                                         vmir_error *err, void *io, uint32_t pc, uint64_t a,
                                         const void *fn, uint32_t *out);

#define VMIR_GCCJIT_OP_DECLARE(name)                                                     \
  vmir_status vmir_gccjit_op_##name(const vmir_executable *exe, vmir_vm_state *vm,       \
                                    vmir_error *err, void *io, uint32_t pc, uint64_t a,  \
                                    const void *fn, uint32_t *out);

/* The control, navigation, predicate and emission wrappers, X(name). */
#define VMIR_GCCJIT_OPS(X)                                                     \
  X(branch_some) X(switch_variant) X(call) X(ret) X(loop_begin)                \
  X(loop_begin_count) X(loop_next) X(loop_step) X(loop_exit)                   \
  X(enter_field) X(enter_variant_field) X(enter_some) X(enter_pointee)         \
  X(enter_element) X(enter_map_value)                                          \
  X(pred_is_none) X(pred_is_empty) X(pred_is_default) X(pred_host)             \
  X(emit_begin_struct) X(emit_begin_tuple) X(emit_begin_seq) X(emit_begin_map) X(emit_field_name)           \
  X(emit_map_key) X(emit_scalar) X(named_field_scalar) X(emit_null) X(emit_string) X(emit_end) \
  X(emit_key) X(emit_token) X(switch_key_guessing) X(read_key_switch)          \
  X(msgpack_read_key_switch) X(build_field_inline)
VMIR_GCCJIT_OPS(VMIR_GCCJIT_OP_DECLARE)

/* One per VMIR_BUILD_INLINE_OPS (exec/ops_build_inline.h):
 * vmir_gccjit_op_build_NAME, the action's inline fast path. */
#define VMIR_GCCJIT_BUILD_DECLARE(OP, name) VMIR_GCCJIT_OP_DECLARE(build_##name)
VMIR_BUILD_INLINE_OPS(VMIR_GCCJIT_BUILD_DECLARE)
#undef VMIR_GCCJIT_BUILD_DECLARE

/* One per lexing op of VMIR_LEX_OPS (exec/ops_lex.h): vmir_gccjit_op_lex_NAME. */
#define VMIR_GCCJIT_LEX_DECLARE(OP, name) VMIR_GCCJIT_OP_DECLARE(lex_##name)
VMIR_LEX_OPS(VMIR_GCCJIT_LEX_DECLARE, VMIR_GCCJIT_LEX_DECLARE, VMIR_GCCJIT_LEX_DECLARE)
#undef VMIR_GCCJIT_LEX_DECLARE

#endif
