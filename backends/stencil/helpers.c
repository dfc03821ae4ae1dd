/* Slow-path helpers of the stencils. Messages are the interpreter's, word
 * for word, so JIT errors are identical to interpreted ones.
 * t[impl format.exec.error-propagation] t[impl format.exec.error-context] */
#include "helpers.h"

#include <stdio.h>

#include "exec/exec_error.h"

vmir_status vmir_jit_sink_failed(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                                 vmir_status st) {
  const char *why = vm->sink->error[0] ? vm->sink->error : "sink reported an error";
  return vmir_exec_fail(exe, vm, err, st == VMIR_E_NOMEM ? VMIR_E_NOMEM : VMIR_E_SINK, "%s", why);
}

vmir_status vmir_jit_host_failed(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                                 uint32_t index) {
  const vmir_predicate *pred = &exe->program->predicates[index];
  const vmir_str *name = &exe->strings[pred->field_name];
  int shown = (int)(name->len > 60 ? 60 : name->len);
  vmir_status code = vmir_exec_fail(exe, vm, err, VMIR_E_PREDICATE,
                                    "predicate p%u (%s) for field '%.*s': %s", index, "host", shown,
                                    name->ptr, "the host predicate hook reported an error");
  if (err) {
    err->predicate = (int32_t)index;
    snprintf(err->predicate_field, sizeof err->predicate_field, "%.*s", shown, name->ptr);
  }
  return code;
}

vmir_status vmir_jit_bad_pc(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                            uint32_t pc) {
  return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "continuation to instruction %u, which does not exist",
                        pc);
}
