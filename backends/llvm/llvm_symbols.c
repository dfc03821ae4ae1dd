/* The symbols generated code may reference (llvm_kernels.h): the op
 * wrappers and the helper table (engine/jit/helpers.def), by name, with
 * their addresses in this library. The LLJIT instances define them as
 * absolute symbols, so no lookup goes through the dynamic symbol table
 * (the library may be linked statically). */
#include <string.h>

#include "jit/helpers.h"
#include "llvm_kernels.h"
#include "llvm_kernels_list.h"

#define SYM(name) {#name, (void (*)(void))name},
#define WRAP2(OP, name) SYM(vmir_llvm_op_##name)
#define WRAP_BUILD(OP, name) SYM(vmir_llvm_op_build_##name)
#define WRAP_KEY_PAIR(guess, then_switch) SYM(vmir_llvm_op_##guess) SYM(vmir_llvm_op_##then_switch)
#define HELPER(name) SYM(name)
const vmir_llvm_symbol vmir_llvm_symbols[] = {
    VMIR_LLVM_CORE_WRAPPERS(WRAP2)
    VMIR_LLVM_PRED_WRAPPERS(WRAP2)
    VMIR_LLVM_KEY_WRAPPERS(WRAP2)
    VMIR_LLVM_KEY_PAIR_WRAPPERS(WRAP_KEY_PAIR)
    VMIR_LLVM_BUILD_WRAPPERS(WRAP2)
    VMIR_LLVM_FUSED_WRAPPERS(WRAP2)
    VMIR_LEX_OPS(WRAP2, WRAP2, WRAP2)
    VMIR_BUILD_OPS(WRAP_BUILD)
#include "jit/helpers.def"
};
#undef HELPER
const size_t vmir_llvm_symbol_count = sizeof vmir_llvm_symbols / sizeof vmir_llvm_symbols[0];

const char *vmir_llvm_op_wrapper(const vmir_executable *exe, const vmir_xinsn *x) {
  switch ((vmir_opcode)x->op) {
#define CASE2(OP, name)                                                        \
  case VMIR_OP_##OP: return "vmir_llvm_op_" #name;
    VMIR_LLVM_BUILD_WRAPPERS(CASE2)
    default: break;
  }
#undef CASE2
  switch ((vmir_opcode)x->op) {
#define CASE2(OP, name)                                                        \
  case VMIR_OP_##OP: return "vmir_llvm_op_" #name;
#define CASE_BUILD(OP, name)                                                   \
  case VMIR_OP_##OP: return "vmir_llvm_op_build_" #name;
    VMIR_LLVM_CORE_WRAPPERS(CASE2)
    VMIR_LEX_OPS(CASE2, CASE2, CASE2)
    VMIR_BUILD_OPS(CASE_BUILD)
    case VMIR_OP_BRANCH_PRED:
      switch (exe->program->predicates[x->a].test) {
#define PRED(TEST, name)                                                       \
  case VMIR_PRED_##TEST: return "vmir_llvm_op_" #name;
        VMIR_LLVM_PRED_WRAPPERS(PRED)
      }
      return NULL;
    default: return NULL;
  }
}
