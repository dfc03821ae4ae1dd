/* The tiering runtime's entry: the public entry points (encode_api.c,
 * decode_api.c) call vmir_tier_run over a VM state the executor prepared.
 * It runs the executable's generated code when it has (or now earns) some,
 * and the interpreter otherwise, on deopt, and on compile failure. */
#ifndef VMIR_JIT_TIER_H
#define VMIR_JIT_TIER_H

#include "exec/executable.h"
#include "exec/vm_state.h"

/* Runs `exe` over the initialised VM state (pc at the entry proc's entry,
 * path[0] = root of `shape`). io: the sink for programs that emit, else
 * the decode state. Same results as vmir_interp_run. */
vmir_status vmir_tier_run(vmir_executable *exe, vmir_vm_state *vm, const void *root,
                          const vmir_shape *shape, void *io, vmir_error *err);

#endif
