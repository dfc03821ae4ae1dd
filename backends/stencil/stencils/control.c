/* Control flow: jumps, option and variant branches, calls, loops, each
 * its kernel (exec/ops.h) with the branch taken chained to the target's
 * code. */
#include "stencil.h"

/* jump: CONTINUE is the target (dropped entirely when it is the next
 * instruction's code). */
STENCIL vmir_stencil_jump(STENCIL_ARGS) { CONTINUE(); }

/* branch-some: TARGET = then, CONTINUE = else. */
STENCIL vmir_stencil_branch_some(STENCIL_ARGS) {
  KERNEL_CTX;
  bool present;
  RUN(vmir_op_branch_some(k, &present));
  if (present) GOTO_TARGET();
  CONTINUE();
}

/* switch-variant: CASES = code of each case, COUNT = cases. */
STENCIL vmir_stencil_switch_variant(STENCIL_ARGS) {
  KERNEL_CTX;
  uint32_t v;
  RUN(vmir_op_switch_variant(k, (uint32_t)HOLE(_JIT_COUNT), &v));
  vmir_stencil_fn f = ((const vmir_stencil_fn *)HOLE(_JIT_CASES))[v];
  __attribute__((musttail)) return f(STENCIL_PASS);
}

/* call: A = callee proc, TARGET = its entry code. */
STENCIL vmir_stencil_call(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_call(k, OPERAND_A, PC + 1));
  GOTO_TARGET();
}

/* ret: from the entry proc the run is over; otherwise continue after the
 * call through the pc table. */
STENCIL vmir_stencil_ret(STENCIL_ARGS) {
  KERNEL_CTX;
  bool done;
  uint32_t to;
  RUN(vmir_op_ret(k, &done, &to));
  if (done) {
    vm->pc = PC;
    return VMIR_OK;
  }
  vm->pc = to;
  DISPATCH(to);
}

/* loop-begin over the current list, array or map. */
STENCIL vmir_stencil_loop_begin(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_loop_begin(k));
  CONTINUE();
}

/* loop-next: TARGET = body, CONTINUE = exit. */
STENCIL vmir_stencil_loop_next(STENCIL_ARGS) {
  KERNEL_CTX;
  bool more;
  RUN(vmir_op_loop_next(k, &more));
  if (more) GOTO_TARGET();
  CONTINUE();
}

STENCIL vmir_stencil_loop_step(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_loop_step(k));
  CONTINUE();
}

STENCIL vmir_stencil_loop_exit(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_loop_exit(k));
  CONTINUE();
}

STENCIL vmir_stencil_loop_begin_count(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_loop_begin_count(k));
  CONTINUE();
}
