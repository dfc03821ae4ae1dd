/* The entry stencil: the one function every compiled program is entered
 * through (C ABI, vmir_jit_entry_fn). It checks the entry guards
 * (jit/guards.h) against the facts the runtime presents, then calls into the preserve_none chain
 * starting at the entry proc's first instruction. A failed guard changes
 * nothing and returns VMIR_JIT_DEOPT with vm->pc still at the entry pc, so
 * the interpreter runs the whole program.
 * t[impl format.exec.guard-shape-id] t[impl format.exec.guard-program-abi]
 * t[impl format.exec.guard-runtime-capabilities]
 * t[impl format.exec.deopt-on-guard-fail] */
#include "jit/guards.h"
#include "stencil.h"

/* Holes: IMM = expected root shape id, A = expected program ABI,
 * B = capabilities assumed, IMM2 = the code object's copy of the sink
 * callbacks it calls directly (with a sink capability), CONTINUE = the
 * entry instruction's code. */
vmir_status vmir_stencil_entry(const void *root, const vmir_shape_context *shapes, void *io,
                               vmir_scratch *scratch, vmir_vm_state *vm) {
  uint32_t failed = vmir_jit_entry_guard(shapes, io, IMM, OPERAND_A, (uint32_t)HOLE(_JIT_B),
                                         (const vmir_sink_ops *)(uintptr_t)IMM2);
  if (UNLIKELY(failed)) {
    scratch->guard_failed = failed;
    scratch->deopt_reason = VMIR_DEOPT_GUARD;
    return VMIR_JIT_DEOPT;
  }
  (void)root; /* the runtime put it in the path's first entry */
  return _JIT_CONTINUE(vm, io, scratch, shapes);
}
