#include "exec/exec_error.h"
#include "exec/ops.h"
#include "util/error_set.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

void vmir_exec_append_path(vmir_error *err, const char *inner) {
  if (!err || !inner || !inner[0]) return;
  size_t n = strcmp(err->path, "(root)") == 0 ? 0 : strlen(err->path);
  snprintf(err->path + n, sizeof err->path - n, "%s", inner);
}

vmir_status vmir_exec_fail(const vmir_executable *exe, const vmir_vm_state *vm,
                           vmir_error *err, vmir_status code, const char *fmt, ...) {
  if (!err) return code;
  va_list ap;
  va_start(ap, fmt);
  vmir_error_setv(err, code, fmt, ap);
  va_end(ap);
  vmir_exec_annotate(exe, vm, err);
  return code;
}

/* A sink failure becomes an execution error naming the sink's reason.
 * t[impl format.ir.sink-error-propagation] t[impl format.exec.error-propagation] */
vmir_status vmir_exec_sink_failed(const vmir_executable *exe, const vmir_vm_state *vm,
                                  vmir_error *err, vmir_status st) {
  const char *why = vm->sink->error[0] ? vm->sink->error : "sink reported an error";
  return vmir_exec_fail(exe, vm, err, st == VMIR_E_NOMEM ? VMIR_E_NOMEM : VMIR_E_SINK, "%s", why);
}

/* A predicate failure names the predicate and the field it guards.
 * t[impl format.ir.error-predicate-context] */
vmir_status vmir_exec_predicate_failed(const vmir_executable *exe, const vmir_vm_state *vm,
                                       vmir_error *err, uint32_t index, const char *why) {
  const vmir_predicate *pred = &exe->program->predicates[index];
  const vmir_str *name = &exe->strings[pred->field_name];
  int shown = (int)(name->len > 60 ? 60 : name->len);
  vmir_status code = vmir_exec_fail(exe, vm, err, VMIR_E_PREDICATE,
                                    "predicate p%u (%s) for field '%.*s': %s", index,
                                    vmir_predicate_test_name(pred->test), shown, name->ptr, why);
  if (err) {
    err->predicate = (int32_t)index;
    snprintf(err->predicate_field, sizeof err->predicate_field, "%.*s", shown, name->ptr);
  }
  return code;
}

vmir_status vmir_exec_host_failed(const vmir_executable *exe, const vmir_vm_state *vm,
                                  vmir_error *err, uint32_t index) {
  return vmir_exec_predicate_failed(exe, vm, err, index, "the host predicate hook reported an error");
}

vmir_status vmir_exec_field_sink_failed(const vmir_executable *exe, vmir_vm_state *vm,
                                        vmir_error *err, uint32_t enter_pc, uint32_t index,
                                        vmir_status st) {
  /* The sink cannot touch the VM: the current entry is the struct's, and
   * the fused op made room for one more entry before calling it. */
  const vmir_path_entry *cur = &vm->path[vm->path_depth - 1];
  const vmir_field *f = &cur->shape->u.fields.fields[index];
  vmir_op_put_entry(vm, vmir_vm_entry_level(cur, VMIR_SEG_FIELD, index), cur->addr + f->offset,
                    f->shape, VMIR_SEG_FIELD, index, 0);
  vm->pc = enter_pc + 1;
  return vmir_exec_sink_failed(exe, vm, err, st);
}
