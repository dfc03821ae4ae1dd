/* The op wrappers the LLVM backend's code calls: one external function per
 * opcode (per predicate test for branch-pred), each one call of the op's
 * kernel (engine/exec/ops*.h) with the operands as arguments. At the fast
 * level generated code calls them out of line; at the opt level their
 * bitcode (llvm_kernels.c compiled by clang-19 at build time) is linked
 * into the module and inlined, so the operands, passed as constants, fold
 * into the kernels.
 *
 * Contract of every wrapper: the instruction is at absolute index pc; the
 * wrapper writes vm->pc = pc first (errors and out-of-line parts read it),
 * runs the kernel without reporting failed checks, and returns
 *   VMIR_OK           vm->pc is the instruction to run next;
 *   VMIR_STEP_DONE    the entry proc returned (the run is over);
 *   VMIR_OP_CHECK     a check failed before any effect; vm->pc is still pc
 *                     (the code deopts there and the interpreter re-runs
 *                     the instruction, reporting the error itself);
 *   an error          err filled as the interpreter fills it. */
#ifndef VMIR_LLVM_KERNELS_H
#define VMIR_LLVM_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "exec/executable.h"
#include "exec/vm_state.h"

typedef vmir_status (*vmir_llvm_op_fn)(const vmir_executable *exe, vmir_vm_state *vm,
                                       vmir_error *err, uint32_t pc, uint32_t a, uint32_t b,
                                       uint32_t c, uint32_t n);

/* The wrapper that runs instruction x (for branch-pred: of its predicate's
 * test) and its symbol name; NULL when the op has none (the code then
 * takes the generic one-step path). */
const char *vmir_llvm_op_wrapper(const vmir_executable *exe, const vmir_xinsn *x);

/* Every symbol the generated code or the linked kernel bitcode may
 * reference in this library: the wrappers and the helper table. */
typedef struct vmir_llvm_symbol {
  const char *name;
  void (*addr)(void);
} vmir_llvm_symbol;
extern const vmir_llvm_symbol vmir_llvm_symbols[];
extern const size_t vmir_llvm_symbol_count;

#endif
