/* branch-pred with a builtin test known at compile time, and host
 * predicates behind the host-hook capability guard, each by its kernel
 * (exec/ops.h). A = predicate index, TARGET = then, CONTINUE = else. */
#include "stencil.h"

STENCIL vmir_stencil_pred_is_none(STENCIL_ARGS) {
  KERNEL_CTX;
  bool result;
  RUN(vmir_op_pred_is_none(k, OPERAND_A, &result));
  if (result) GOTO_TARGET();
  CONTINUE();
}

STENCIL vmir_stencil_pred_is_empty(STENCIL_ARGS) {
  KERNEL_CTX;
  bool result;
  RUN(vmir_op_pred_is_empty(k, OPERAND_A, &result));
  if (result) GOTO_TARGET();
  CONTINUE();
}

STENCIL vmir_stencil_pred_is_default(STENCIL_ARGS) {
  KERNEL_CTX;
  bool result;
  RUN(vmir_op_pred_is_default(k, &result));
  if (result) GOTO_TARGET();
  CONTINUE();
}

/* IMM = host id. The entry guard checked the hook exists
 * (VMIR_CAP_HOST_PREDICATE); the kernel's own check is then never taken. */
STENCIL vmir_stencil_pred_host(STENCIL_ARGS) {
  KERNEL_CTX;
  bool result = false;
  RUN(vmir_op_pred_host(k, OPERAND_A, (uint32_t)IMM, &result));
  if (result) GOTO_TARGET();
  CONTINUE();
}
