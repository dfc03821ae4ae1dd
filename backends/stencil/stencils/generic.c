/* The generic stencils: one instruction through the reference interpreter
 * (vmir_interp_step), so no opcode is ever unsupported; and the deopt exit.
 * t[impl format.exec.jit-semantic-equivalence] */
#include "stencil.h"

STENCIL vmir_stencil_generic(STENCIL_ARGS) {
  uint32_t pc = PC;
  vm->pc = pc;
  vmir_status st = vmir_interp_step(shapes->exe, vm, scratch->err);
  if (UNLIKELY(st != VMIR_OK)) return st == VMIR_STEP_DONE ? VMIR_OK : st;
  if (LIKELY(vm->pc == pc + 1)) CONTINUE();
  DISPATCH(vm->pc);
}

/* A terminator through the interpreter: always continue via the pc table. */
STENCIL vmir_stencil_generic_dispatch(STENCIL_ARGS) {
  vm->pc = PC;
  vmir_status st = vmir_interp_step(shapes->exe, vm, scratch->err);
  if (UNLIKELY(st != VMIR_OK)) return st == VMIR_STEP_DONE ? VMIR_OK : st;
  DISPATCH(vm->pc);
}

/* Deopt exit: A = the reason (forced by the debug knob, or an opcode the
 * backend does not compile). The interpreter resumes at this instruction.
 * t[impl format.exec.deopt-resume-point] */
STENCIL vmir_stencil_deopt(STENCIL_ARGS) { DEOPT(OPERAND_A); }
