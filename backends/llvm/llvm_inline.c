/* Kernel bitcode for inlining (llvm_inline.h). */
#include "llvm_inline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/BitReader.h>
#include <llvm-c/Linker.h>

#include "llvm_kernels.h"

/* llvm_kernels.bc as a C array (embed_bitcode.py, at build time). */
extern const unsigned char vmir_llvm_kernels_bc[];
extern const size_t vmir_llvm_kernels_bc_size;

struct vmir_llvm_inline {
  LLVMModuleRef mod;                /* prepared once; cloned per link */
};

static bool is_wrapper(const char *name) { return strncmp(name, "vmir_llvm_op_", 13) == 0; }

/* Can generated code reach `name` when it calls it out of line: an
 * absolute symbol of the LLJIT (a wrapper or a helper, llvm_symbols.c) or
 * an LLVM intrinsic? */
static bool reachable(const char *name) {
  if (strncmp(name, "llvm.", 5) == 0) return true;
  for (size_t i = 0; i < vmir_llvm_symbol_count; i++)
    if (strcmp(vmir_llvm_symbols[i].name, name) == 0) return true;
  return false;
}

/* Every definition generated code may call in the library (a wrapper or a
 * helper) becomes available_externally: the optimiser may inline it, and
 * whatever it does not inline is called in the library (the LLJIT's
 * absolute symbols), never emitted again. The wrappers are also
 * always-inline, so the cheap pre-pass inlines them before O2. Any other
 * definition (static helpers clang kept out of line, constant tables) is
 * internal: copied with the code that uses it.
 * Refused, naming the culprit, when the backend is probed: a writable
 * global (each module would get its own copy of the state), a variable of
 * the library (generated code has no address for it), and a call of a
 * vmir_ function outside the helper table (add it to jit/helpers.def).
 * Other calls are the C library's, which the LLJIT finds in the process.
 * So a kernel that grows any of these fails the build's tests at once,
 * not as a compile failure of each program at run time. */
static bool prepare(LLVMModuleRef mod, char *why, size_t why_cap) {
  LLVMContextRef ctx = LLVMGetModuleContext(mod);
  unsigned always = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
  unsigned noinline = LLVMGetEnumAttributeKindForName("noinline", 8);
  size_t len;
  for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f)) {
    const char *name = LLVMGetValueName2(f, &len);
    if (LLVMIsDeclaration(f)) {
      if (LLVMGetFirstUse(f) && strncmp(name, "vmir_", 5) == 0 && !reachable(name)) {
        snprintf(why, why_cap,
                 "the kernel bitcode calls %s, which generated code cannot call (not in jit/helpers.def)",
                 name);
        return false;
      }
      continue;
    }
    if (LLVMGetLinkage(f) != LLVMExternalLinkage) continue;
    if (!reachable(name)) {
      LLVMSetLinkage(f, LLVMInternalLinkage);
      continue;
    }
    LLVMSetLinkage(f, LLVMAvailableExternallyLinkage);
    if (is_wrapper(name)) {
      LLVMRemoveEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, noinline);
      LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(ctx, always, 0));
    }
  }
  for (LLVMValueRef v = LLVMGetFirstGlobal(mod); v; v = LLVMGetNextGlobal(v)) {
    const char *name = LLVMGetValueName2(v, &len);
    if (LLVMIsDeclaration(v)) {
      if (!LLVMGetFirstUse(v)) continue;
      snprintf(why, why_cap, "the kernel bitcode refers to the variable %s of the library", name);
      return false;
    }
    if (!LLVMIsGlobalConstant(v)) {
      snprintf(why, why_cap, "the kernel bitcode holds the writable variable %s", name);
      return false;
    }
    if (LLVMGetLinkage(v) == LLVMExternalLinkage) LLVMSetLinkage(v, LLVMInternalLinkage);
  }
  return true;
}

vmir_llvm_inline *vmir_llvm_inline_load(LLVMContextRef ctx, char *why, size_t why_cap) {
  vmir_llvm_inline *inl = calloc(1, sizeof *inl);
  if (!inl) {
    snprintf(why, why_cap, "out of memory");
    return NULL;
  }
  LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRange(
      (const char *)vmir_llvm_kernels_bc, vmir_llvm_kernels_bc_size, "llvm_kernels.bc", 0);
  if (LLVMParseBitcodeInContext2(ctx, buf, &inl->mod)) {
    snprintf(why, why_cap, "LLVM could not parse the embedded kernel bitcode");
    LLVMDisposeMemoryBuffer(buf);
    free(inl);
    return NULL;
  }
  LLVMDisposeMemoryBuffer(buf);
  if (!prepare(inl->mod, why, why_cap)) {
    vmir_llvm_inline_free(inl);
    return NULL;
  }
  return inl;
}

void vmir_llvm_inline_free(vmir_llvm_inline *inl) {
  if (!inl) return;
  LLVMDisposeModule(inl->mod);
  free(inl);
}

bool vmir_llvm_inline_link(vmir_llvm_inline *inl, LLVMModuleRef mod, char *why, size_t why_cap) {
  LLVMModuleRef copy = LLVMCloneModule(inl->mod);
  if (!copy) {
    snprintf(why, why_cap, "LLVM could not copy the kernel bitcode");
    return false;
  }
  /* The program's triple and layout (the kernels were built for the same
   * host by clang-19): no mismatch warning from the linker. */
  LLVMSetTarget(copy, LLVMGetTarget(mod));
  LLVMSetDataLayout(copy, LLVMGetDataLayoutStr(mod));
  if (LLVMLinkModules2(mod, copy)) {   /* destroys copy either way */
    snprintf(why, why_cap, "LLVM could not link the kernel bitcode");
    return false;
  }
  return true;
}
