/* Slow-path helpers of generated code that the op kernels do not cover.
 * They build their errors with the interpreter's functions
 * (exec/exec_error.h), so JIT errors are identical to interpreted ones.
 * t[impl format.exec.error-propagation] t[impl format.exec.error-context] */
#include "jit/helpers.h"

#include "exec/exec_error.h"
#include "jit/guards.h"

vmir_status vmir_jit_bad_pc(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                            uint32_t pc) {
  return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "continuation to instruction %u, which does not exist",
                        pc);
}

uint32_t vmir_jit_entry_guard_call(const void *shapes, const void *io, uint64_t shape_id,
                                   uint32_t abi, uint32_t caps, const void *sink) {
  return vmir_jit_entry_guard(shapes, io, shape_id, abi, caps, sink);
}
