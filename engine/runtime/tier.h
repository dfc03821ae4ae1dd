/* The tiering runtime's entry for the engine: vmir_encode and the decode
 * entry points call vmir_tier_run where they used to call the interpreter.
 * It runs the executable's generated code when it has (or now earns) some,
 * and the interpreter otherwise, on deopt, and on compile failure. */
#ifndef VMIR_RUNTIME_TIER_H
#define VMIR_RUNTIME_TIER_H

#include "exec/executable.h"
#include "exec/vm_state.h"

/* Runs `exe` over the initialised VM state (pc at the entry proc's entry,
 * path[0] = root of `shape`). io: the sink for programs that emit, else
 * the decode state. Same results as vmir_interp_run. */
vmir_status vmir_tier_run(vmir_executable *exe, vmir_vm_state *vm, const void *root,
                          const vmir_shape *shape, void *io, vmir_error *err);

/* Releases an executable's tiering state (its code reference included). */
void vmir_tier_free(struct vmir_tier *tier);

#endif
