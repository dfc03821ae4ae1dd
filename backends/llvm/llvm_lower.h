/* Lowering of the per-op plan (engine/jit/plan.h) to LLVM IR: one function
 * per program over the shared VM state, one basic block per instruction,
 * each op a call of its wrapper (llvm_kernels.h) with the operands as
 * constants, control flow as branches and switches on vm->pc. */
#ifndef VMIR_LLVM_LOWER_H
#define VMIR_LLVM_LOWER_H

#include <llvm-c/Core.h>

#include "jit/backend.h"

/* Adds the program's entry function `name` (type vmir_jit_entry_fn) to
 * mod. assume: what the entry guard checks. False with a reason in why. */
bool vmir_llvm_lower(LLVMModuleRef mod, const char *name, const vmir_jit_request *req,
                     const vmir_jit_assumptions *assume, char *why, size_t why_cap);

#endif
