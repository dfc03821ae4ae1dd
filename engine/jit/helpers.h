/* Functions of the library that stencils call (their addresses are the
 * HELPER holes) and that the generated stencil table names. Slow paths
 * only: errors, stack growth, one instruction through the interpreter,
 * lexing builtins and build actions. */
#ifndef VMIR_STENCIL_HELPERS_H
#define VMIR_STENCIL_HELPERS_H

#include <stdint.h>
#include <string.h>

#include "exec/decode_ops.h"
#include "exec/executable.h"
#include "exec/interp.h"
#include "exec/lex_ops.h"
#include "exec/vm_state.h"

/* A sink callback failed: the same execution error the interpreter
 * reports (code, message, pc, path). vm->pc must be the instruction's. */
vmir_status vmir_jit_sink_failed(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                                 vmir_status st);

/* The host predicate hook of predicate `index` reported an error: the
 * interpreter's predicate error (id and field included). */
vmir_status vmir_jit_host_failed(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                                 uint32_t index);

/* A computed continuation named no instruction (a corrupted frame): an
 * execution error instead of a jump into the unknown. */
vmir_status vmir_jit_bad_pc(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                            uint32_t pc);

#endif
