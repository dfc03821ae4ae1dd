/* Slow-path helpers of generated code that the op kernels do not cover.
 * They build their errors with the interpreter's functions
 * (exec/exec_error.h), so JIT errors are identical to interpreted ones.
 * t[impl format.exec.error-propagation] t[impl format.exec.error-context] */
#include "jit/helpers.h"

#include "exec/exec_error.h"

vmir_status vmir_jit_bad_pc(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                            uint32_t pc) {
  return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "continuation to instruction %u, which does not exist",
                        pc);
}
