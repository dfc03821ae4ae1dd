/* Lexing builtins (json-*, msgpack-*, format-neutral, event-*) as run by
 * the interpreter. */
#ifndef VMIR_EXEC_LEX_OPS_H
#define VMIR_EXEC_LEX_OPS_H

#include "exec/decode_state.h"
#include "exec/executable.h"
#include "exec/vm_state.h"

/* Runs one lexing instruction; a branching one sets *next to its target. */
vmir_status vmir_lex_op(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                        uint32_t *next, vmir_error *err);

#endif
