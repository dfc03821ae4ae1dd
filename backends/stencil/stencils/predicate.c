/* branch-pred with a builtin test known at compile time, and host
 * predicates behind the host-hook capability guard. TARGET = then,
 * CONTINUE = else. Predicates only steer control flow. */
#include "stencil.h"

STENCIL vmir_stencil_pred_is_none(STENCIL_ARGS) {
  const vmir_path_entry *cur = CUR;
  if (UNLIKELY(cur->shape->kind != VMIR_KIND_OPTION)) DEOPT_CHECK();
  if (!vmir_option_present(cur->shape, cur->addr)) GOTO_TARGET();
  CONTINUE();
}

STENCIL vmir_stencil_pred_is_empty(STENCIL_ARGS) {
  const vmir_path_entry *cur = CUR;
  uint64_t len;
  if (UNLIKELY(!vmir_read_length(cur->shape, cur->addr, &len))) DEOPT_CHECK();
  if (len == 0) GOTO_TARGET();
  CONTINUE();
}

/* Every byte of the value zero (size from the shape, as the interpreter). */
STENCIL vmir_stencil_pred_is_default(STENCIL_ARGS) {
  const vmir_path_entry *cur = CUR;
  uint32_t size = cur->shape->size;
  bool zero = true;
  for (uint32_t i = 0; i < size && zero; i++) zero = cur->addr[i] == 0;
  if (zero) GOTO_TARGET();
  CONTINUE();
}

/* A = predicate index, IMM = host id. The code assumes the hook exists
 * (VMIR_CAP_HOST_PREDICATE, checked by the entry guard); the hook sees a
 * copy of the value, never its address. */
STENCIL vmir_stencil_pred_host(STENCIL_ARGS) {
  const vmir_path_entry *cur = CUR;
  const vmir_shape *s = cur->shape;
  vmir_value_view view;
  memset(&view, 0, sizeof view);
  view.kind = s->kind;
  vmir_read_scalar(s, cur->addr, &view.scalar);
  vmir_read_length(s, cur->addr, &view.length);
  if (s->kind == VMIR_KIND_OPTION) view.present = vmir_option_present(s, cur->addr);
  bool result = false;
  const vmir_exec_env *env = vm->env;
  if (UNLIKELY(env->host_predicate(env->host_ctx, (uint32_t)IMM, &view, &result) != VMIR_OK)) {
    vm->pc = PC;
    return vmir_jit_host_failed(shapes->exe, vm, scratch->err, OPERAND_A);
  }
  if (result) GOTO_TARGET();
  CONTINUE();
}
