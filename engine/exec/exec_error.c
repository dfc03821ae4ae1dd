#include "exec/exec_error.h"

#include <stdarg.h>
#include <stdio.h>

vmir_status vmir_exec_annotate(const vmir_executable *exe, const vmir_vm_state *vm,
                               vmir_error *err) {
  if (!err) return VMIR_E_EXEC;
  /* t[impl format.ir.error-carries-pc] t[impl format.exec.error-context] */
  const vmir_pc *pc = &exe->pcs[vm->pc];
  err->proc = (int32_t)pc->proc;
  err->block = (int32_t)pc->block;
  err->insn = (int32_t)pc->insn;
  /* t[impl format.ir.error-carries-path] t[impl format.parse.error-build-context] */
  vmir_format_path(vm, err->path, sizeof err->path);
  return err->code;
}

vmir_status vmir_exec_fail(const vmir_executable *exe, const vmir_vm_state *vm,
                           vmir_error *err, vmir_status code, const char *fmt, ...) {
  if (!err) return code;
  vmir_error_clear(err);
  err->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  vmir_exec_annotate(exe, vm, err);
  return code;
}
