/* Capabilities: what a run provides, what a program could use, what code
 * compiled for it assumes. See caps.c. */
#ifndef VMIR_JIT_CAPS_H
#define VMIR_JIT_CAPS_H

#include "jit/backend.h"

/* The capabilities this run provides (io: the sink or decode state). */
uint32_t vmir_jit_run_caps(const vmir_vm_state *vm, const void *io);

/* The capabilities the program could use: a sink (it emits into one) and
 * the host predicate hook (it has host predicate branches). */
uint32_t vmir_jit_program_uses(const vmir_program *p);

/* What code compiled for this run may assume: the program's shape id and
 * ABI, and the capabilities the program uses, the run provides and the
 * backend exploits (no sink capability under VMIR_JIT_FLAG_NO_SINK_DIRECT),
 * with the sink's callbacks when one is assumed. */
void vmir_jit_assume(vmir_jit_assumptions *out, const vmir_program *p, uint32_t program_uses,
                     uint32_t backend_caps, const vmir_jit_options *options,
                     const vmir_vm_state *vm, const void *io);

#endif
