/* Slow-path helpers of the stencils. They build their errors with the
 * interpreter's functions (exec/exec_error.h), so JIT errors are identical
 * to interpreted ones.
 * t[impl format.exec.error-propagation] t[impl format.exec.error-context] */
#include "jit/helpers.h"

#include "exec/exec_error.h"

vmir_status vmir_jit_sink_failed(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                                 vmir_status st) {
  return vmir_exec_sink_failed(exe, vm, err, st);
}

vmir_status vmir_jit_host_failed(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                                 uint32_t index) {
  return vmir_exec_predicate_failed(exe, vm, err, index, "the host predicate hook reported an error");
}

vmir_status vmir_jit_bad_pc(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                            uint32_t pc) {
  return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "continuation to instruction %u, which does not exist",
                        pc);
}
