/* Declarations of every function in the helper table (jit/helpers.def):
 * what generated code may call. The stencil table (generated) includes
 * this header to take their addresses. */
#ifndef VMIR_STENCIL_HELPERS_H
#define VMIR_STENCIL_HELPERS_H

#include <stdint.h>
#include <string.h>

#include "exec/decode_ops.h"
#include "exec/exec_error.h"
#include "exec/executable.h"
#include "exec/interp.h"
#include "exec/lex_ops.h"
#include "exec/ops_build.h"
#include "format/json_lex.h"
#include "format/msgpack_lex.h"
#include "exec/vm_state.h"

/* A computed continuation named no instruction (a corrupted frame): an
 * execution error instead of a jump into the unknown. */
vmir_status vmir_jit_bad_pc(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                            uint32_t pc);

/* vmir_jit_entry_guard (jit/guards.h) out of line: a backend that emits
 * calls instead of inlining C (libgccjit) calls this. */
uint32_t vmir_jit_entry_guard_call(const void *shapes, const void *io, uint64_t shape_id,
                                   uint32_t abi, uint32_t caps, const void *sink);

/* clang lowers a memcmp compared with zero to bcmp, which the C library
 * defines but no header of this build (POSIX 2008) declares. */
int bcmp(const void *a, const void *b, size_t n);

#endif
