/* The entry stencil: the one function every compiled program is entered
 * through (C ABI, vmir_jit_entry_fn). It checks the entry guards against
 * the facts the runtime presents, then calls into the preserve_none chain
 * starting at the entry proc's first instruction. A failed guard changes
 * nothing and returns VMIR_JIT_DEOPT with vm->pc still at the entry pc, so
 * the interpreter runs the whole program.
 * t[impl format.exec.guard-shape-id] t[impl format.exec.guard-program-abi]
 * t[impl format.exec.guard-runtime-capabilities]
 * t[impl format.exec.deopt-on-guard-fail] */
#include "stencil.h"

/* The sink's callbacks are exactly those the code calls directly. */
ALWAYS_INLINE bool same_sink(const void *io, const vmir_sink_ops *want) {
  const vmir_sink_ops *ops = io ? ((const vmir_sink *)io)->ops : NULL;
  return ops && ops->begin_struct == want->begin_struct && ops->begin_seq == want->begin_seq &&
         ops->begin_map == want->begin_map && ops->field_name == want->field_name &&
         ops->scalar == want->scalar && ops->end == want->end;
}

/* Holes: IMM = expected root shape id, A = expected program ABI,
 * B = capabilities assumed, IMM2 = the code object's copy of the sink
 * callbacks it calls directly (with a sink capability), CONTINUE = the
 * entry instruction's code. */
vmir_status vmir_stencil_entry(const void *root, const vmir_shape_context *shapes, void *io,
                               vmir_scratch *scratch, vmir_vm_state *vm) {
  uint32_t need = (uint32_t)HOLE(_JIT_B);
  uint32_t failed = 0;
  if (shapes->root_shape_id != IMM) {
    failed = 1 + VMIR_JIT_GUARD_SHAPE_ID;
  } else if (shapes->program_abi != OPERAND_A) {
    failed = 1 + VMIR_JIT_GUARD_ABI;
  } else if ((need & VMIR_CAP_SINK_ANY) &&
             ((shapes->caps & need & VMIR_CAP_SINK_ANY) != (need & VMIR_CAP_SINK_ANY) ||
              !same_sink(io, (const vmir_sink_ops *)(uintptr_t)IMM2))) {
    failed = 1 + VMIR_JIT_GUARD_SINK;
  } else if ((need & VMIR_CAP_HOST_PREDICATE) && !(shapes->caps & VMIR_CAP_HOST_PREDICATE)) {
    failed = 1 + VMIR_JIT_GUARD_HOST_PREDICATE;
  }
  if (UNLIKELY(failed)) {
    scratch->guard_failed = failed;
    scratch->deopt_reason = VMIR_DEOPT_GUARD;
    return VMIR_JIT_DEOPT;
  }
  return _JIT_CONTINUE(vm, io, scratch, shapes, root);
}
