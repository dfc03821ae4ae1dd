/* Fused decode: lexing builtins and build actions run their engine
 * implementations directly (no interpreter dispatch), with the branches of
 * two-way lexing ops chained to the target code.
 * t[impl format.parse.hotpath-jit-eligibility] */
#include "stencil.h"

#define LEX_CALL()                                                        \
  if (UNLIKELY(!vm->dec)) DEOPT_CHECK();                                      \
  const vmir_executable *exe = shapes->exe;                                   \
  uint32_t pc = PC, next = pc + 1;                                            \
  vm->pc = pc;                                                                \
  vmir_status st = vmir_lex_op(exe, vm, &exe->code[pc], &next, scratch->err); \
  if (UNLIKELY(st != VMIR_OK)) return st;

/* A lexing op that does not branch. */
STENCIL vmir_stencil_lex(STENCIL_ARGS) {
  LEX_CALL()
  if (LIKELY(next == pc + 1)) CONTINUE();
  DISPATCH(next);
}

/* A two-way lexing op: A = first target pc (its code: TARGET), B = second
 * target pc (its code: CONTINUE). */
STENCIL vmir_stencil_lex_branch(STENCIL_ARGS) {
  LEX_CALL()
  if (next == OPERAND_A) GOTO_TARGET();
  if (LIKELY(next == OPERAND_B)) CONTINUE();
  DISPATCH(next);
}

/* A many-way lexing op (peek-token, switch-key): through the pc table. */
STENCIL vmir_stencil_lex_dispatch(STENCIL_ARGS) {
  LEX_CALL()
  DISPATCH(next);
}

STENCIL vmir_stencil_build(STENCIL_ARGS) {
  if (UNLIKELY(!vm->dec)) DEOPT_CHECK();
  const vmir_executable *exe = shapes->exe;
  uint32_t pc = PC;
  vm->pc = pc;
  vmir_status st = vmir_build_action(exe, vm, &exe->code[pc], scratch->err);
  if (UNLIKELY(st != VMIR_OK)) return st;
  CONTINUE();
}
