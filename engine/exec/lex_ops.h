/* Lexing builtins as the interpreter runs them (dispatch over the kernels
 * of exec/ops_lex.h), and the out-of-line parts those kernels call. */
#ifndef VMIR_EXEC_LEX_OPS_H
#define VMIR_EXEC_LEX_OPS_H

#include "exec/decode_state.h"
#include "exec/executable.h"
#include "exec/vm_state.h"

/* Runs one lexing instruction; a branching one sets *next to its target. */
vmir_status vmir_lex_op(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                        uint32_t *next, vmir_error *err);

/* The failure of lexing opcode `op` (vm->pc at it) whose builtin filled
 * err; entry_pos: the input position before the op. Adds pc and path; a
 * typed read that met another token class reports what unfused decode
 * reports. */
vmir_status vmir_lex_failed(const vmir_executable *exe, vmir_vm_state *vm, uint32_t op,
                            size_t entry_pos, vmir_error *err);

/* switch-string on a scalar register that holds no string. */
vmir_status vmir_lex_not_string(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err);

/* cursor-save, cursor-restore, cursor-drop. */
vmir_status vmir_lex_cursor(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                            uint32_t *next, vmir_error *err);
vmir_status vmir_lex_expect_bytes(const vmir_executable *exe, vmir_vm_state *vm,
                                  const vmir_xinsn *in, uint32_t *next, vmir_error *err);
/* An event-source op of unfused decode (events.c), failures recorded as
 * the failed op. */
vmir_status vmir_lex_event(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                           uint32_t *next, vmir_error *err);

#endif
