/* The op kernels made visible to the optimiser (the PostgreSQL
 * llvmjit_inline approach, docs/jit.md): the bitcode of llvm_kernels.c,
 * compiled by clang-19 at build time and embedded in the library, parsed
 * and checked once per LLVM context and linked into each opt-level module
 * with its external definitions available_externally and the wrappers
 * always-inline, so the pre-pass inlines them and the operands passed as
 * constants fold into the kernels. */
#ifndef VMIR_LLVM_INLINE_H
#define VMIR_LLVM_INLINE_H

#include <stdbool.h>
#include <stddef.h>

#include <llvm-c/Core.h>

typedef struct vmir_llvm_inline vmir_llvm_inline;

/* Parses the embedded bitcode in ctx; NULL with a reason in why. */
vmir_llvm_inline *vmir_llvm_inline_load(LLVMContextRef ctx, char *why, size_t why_cap);
void vmir_llvm_inline_free(vmir_llvm_inline *inl);

/* Links a copy of the kernels into mod (same context). */
bool vmir_llvm_inline_link(vmir_llvm_inline *inl, LLVMModuleRef mod, char *why, size_t why_cap);

#endif
