/* Build kernels (part of exec/ops.h). Every destination write stays in
 * build.c (the only place that holds a writable view of the value being
 * built) and the inline fast paths of two actions
 * (exec/ops_build_inline.h), so each build action is one small function there, taking its
 * operands as values; the interpreter and generated code call the action
 * of the opcode directly, with no dispatch on the opcode.
 *
 * VMIR_BUILD_OPS (ops_build_list.h) lists every build opcode with its
 * action once: X(OP, name) is vmir_status vmir_build_NAME(exe, vm, a, b,
 * err). */
#ifndef VMIR_EXEC_OPS_BUILD_H
#define VMIR_EXEC_OPS_BUILD_H

#include "exec/decode_state.h"
#include "exec/executable.h"
#include "exec/vm_state.h"

#include "exec/ops_build_list.h"

/* The actions (build.c). vm->pc is the instruction's (errors name it). */
#define VMIR_BUILD_DECLARE(OP, name)                                           \
  vmir_status vmir_build_##name(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a, \
                                uint32_t b, vmir_error *err);
VMIR_BUILD_OPS(VMIR_BUILD_DECLARE)
#undef VMIR_BUILD_DECLARE

#endif
