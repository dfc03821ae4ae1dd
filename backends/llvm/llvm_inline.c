/* Kernel bitcode for inlining (llvm_inline.h). */
#include "llvm_inline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/BitReader.h>
#include <llvm-c/Linker.h>

/* llvm_kernels.bc as a C array (embed_bitcode.py, at build time). */
extern const unsigned char vmir_llvm_kernels_bc[];
extern const size_t vmir_llvm_kernels_bc_size;

struct vmir_llvm_inline {
  LLVMModuleRef mod;                /* prepared once; cloned per link */
};

static bool is_wrapper(const char *name) { return strncmp(name, "vmir_llvm_op_", 13) == 0; }

/* Every definition the library exports becomes available_externally: the
 * optimiser may inline it, and whatever it does not inline is called in
 * the library (the LLJIT's absolute symbols), never emitted again. The
 * wrappers are also always-inline, so the cheap pre-pass inlines them
 * before O2. Internal definitions (static helpers clang kept out of line)
 * stay internal: they are copied with the code that calls them. */
static void prepare(LLVMModuleRef mod) {
  LLVMContextRef ctx = LLVMGetModuleContext(mod);
  unsigned always = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
  unsigned noinline = LLVMGetEnumAttributeKindForName("noinline", 8);
  for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f)) {
    if (LLVMIsDeclaration(f) || LLVMGetLinkage(f) != LLVMExternalLinkage) continue;
    LLVMSetLinkage(f, LLVMAvailableExternallyLinkage);
    size_t len;
    if (is_wrapper(LLVMGetValueName2(f, &len))) {
      LLVMRemoveEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, noinline);
      LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(ctx, always, 0));
    }
  }
  for (LLVMValueRef v = LLVMGetFirstGlobal(mod); v; v = LLVMGetNextGlobal(v))
    if (!LLVMIsDeclaration(v) && LLVMGetLinkage(v) == LLVMExternalLinkage)
      LLVMSetLinkage(v, LLVMAvailableExternallyLinkage);
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
  prepare(inl->mod);
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
