/* Lowering of the per-op plan (engine/jit/plan.h) to libgccjit IR: one
 * function per program over the shared VM state, one block per
 * instruction, control flow as GCC jumps and a switch on vm->pc. */
#ifndef VMIR_GCCJIT_LOWER_H
#define VMIR_GCCJIT_LOWER_H

#include <libgccjit.h>

#include "jit/backend.h"

/* The name of the generated entry function in the compiled result. */
#define VMIR_GCCJIT_ENTRY_NAME "vmir_gccjit_program"

/* Builds the program's entry function (type vmir_jit_entry_fn) in ctxt.
 * assume: what the entry guard checks, owned by the code object (the
 * generated code reads its sink callbacks through this pointer, so it must
 * live as long as the code). False with a reason in why on failure. */
bool vmir_gccjit_lower(gcc_jit_context *ctxt, const vmir_jit_request *req,
                       const vmir_jit_assumptions *assume, char *why, size_t why_cap);

#endif
