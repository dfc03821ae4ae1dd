/* Navigation: enter-* push a path entry, leave pops one; each its kernel
 * (exec/ops.h), which checks kinds and indexes against the shape before
 * any address is formed. t[impl format.exec.bounded-memory-access] */
#include "stencil.h"

/* enter-field: A = field index, IMM = what is known (stencil.h). */
STENCIL vmir_stencil_enter_field(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_enter_field_known(k, OPERAND_A, KNOWN_FIELD(0)));
  CONTINUE();
}

/* enter-variant-field: A = variant, B = field index. */
STENCIL vmir_stencil_enter_variant_field(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_enter_variant_field(k, OPERAND_A, OPERAND_B));
  CONTINUE();
}

STENCIL vmir_stencil_enter_some(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_enter_some(k));
  CONTINUE();
}

STENCIL vmir_stencil_enter_pointee(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_enter_pointee(k));
  CONTINUE();
}

STENCIL vmir_stencil_enter_element(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_enter_element(k));
  CONTINUE();
}

STENCIL vmir_stencil_enter_map_value(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_enter_map_value(k));
  CONTINUE();
}

STENCIL vmir_stencil_leave(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_leave(k));
  CONTINUE();
}
