/* Every op wrapper of llvm_kernels.c by name, for the symbol table and the
 * wrapper choice (llvm_symbols.c). */
#ifndef VMIR_LLVM_KERNELS_LIST_H
#define VMIR_LLVM_KERNELS_LIST_H

#include "exec/ops.h"
#include "jit/backend.h"

/* X(OP, name): the wrapper vmir_llvm_op_NAME of opcode VMIR_OP_OP; branch-pred
 * has one wrapper per predicate test (VMIR_LLVM_PRED_WRAPPERS). */
#define VMIR_LLVM_CORE_WRAPPERS(X)                                             \
  X(BRANCH_SOME, branch_some)                                                  \
  X(SWITCH_VARIANT, switch_variant)                                            \
  X(CALL, call)                                                                \
  X(RET, ret)                                                                  \
  X(FAIL, fail)                                                                \
  X(LOOP_BEGIN, loop_begin)                                                    \
  X(LOOP_BEGIN_COUNT, loop_begin_count)                                        \
  X(LOOP_NEXT, loop_next)                                                      \
  X(LOOP_STEP, loop_step)                                                      \
  X(LOOP_EXIT, loop_exit)                                                      \
  X(ENTER_FIELD, enter_field)                                                  \
  X(ENTER_VARIANT_FIELD, enter_variant_field)                                  \
  X(ENTER_SOME, enter_some)                                                    \
  X(ENTER_POINTEE, enter_pointee)                                              \
  X(ENTER_ELEMENT, enter_element)                                              \
  X(ENTER_MAP_VALUE, enter_map_value)                                          \
  X(LEAVE, leave)                                                              \
  X(EMIT_BEGIN_STRUCT, emit_begin_struct)                                      \
  X(EMIT_BEGIN_STRUCT_DYNAMIC, emit_begin_struct_dynamic)                      \
  X(EMIT_BEGIN_SEQ, emit_begin_seq)                                            \
  X(EMIT_BEGIN_TUPLE, emit_begin_tuple)                                        \
  X(EMIT_BEGIN_SEQ_DYNAMIC, emit_begin_seq_dynamic)                            \
  X(EMIT_BEGIN_MAP, emit_begin_map)                                            \
  X(EMIT_FIELD_NAME, emit_field_name)                                          \
  X(EMIT_MAP_KEY, emit_map_key)                                                \
  X(EMIT_SCALAR, emit_scalar)                                                  \
  X(EMIT_NULL, emit_null)                                                      \
  X(EMIT_STRING, emit_string)                                                  \
  X(EMIT_END, emit_end)                                                        \
  X(EMIT_KEY, emit_key)                                                        \
  X(EMIT_TOKEN, emit_token)

/* X(OP, name): a switch-key the plan gives a guess slot (jit/plan.h),
 * trying its guess first. */
#define VMIR_LLVM_KEY_WRAPPERS(X)                                              \
  X(SWITCH_KEY, switch_key_guessing)

/* json-read-key; switch-key as one (jit/plan.h, vmir_jit_plan_key_in_place),
 * the guess kept by the generated code (llvm_lower.c, lower_key_pair):
 * the in-place compare of one guessed name, and the pair for any other
 * key (called at the read-key's pc with the switch-key's operands and the
 * guess's address), per format. */
#define VMIR_LLVM_KEY_PAIR_WRAPPERS(X)                                         \
  X(read_key_guess, read_key_then_switch)                                      \
  X(msgpack_read_key_guess, msgpack_read_key_then_switch)
#define VMIR_LLVM_KEY_GUESS_DECLARE(name)                                      \
  uint32_t vmir_llvm_op_##name(vmir_vm_state *vm, const char *key, uint32_t len)
#define VMIR_LLVM_KEY_SWITCH_DECLARE(name)                                     \
  vmir_status vmir_llvm_op_##name(const vmir_executable *exe, vmir_vm_state *vm, \
                                  vmir_error *err, uint32_t pc, uint32_t a, uint32_t b, \
                                  uint32_t c, uint32_t n, const vmir_shape_context *shapes, \
                                  uint32_t *guess)

/* X(OP, name): build actions through their inline fast paths
 * (exec/ops_build_inline.h), over the opcode's own wrapper. build-store
 * gets the destination's kind as inference gives it in c (llvm_lower.c;
 * VMIR_KIND_COUNT when unknown), build-push-element the element size
 * (0 when unknown). The NAME_inline ones are VMIR_BUILD_INLINE_OPS's. */
#define VMIR_LLVM_BUILD_WRAPPERS(X)                                            \
  X(BUILD_FIELD, build_field_inline)                                           \
  X(BUILD_STORE, build_store_as)                                               \
  X(BUILD_PUSH_ELEMENT, build_push_element_inline)                             \
  X(BUILD_BEGIN_STRUCT, build_begin_struct_inline)                             \
  X(BUILD_END_STRUCT, build_end_struct_inline)                                 \
  X(BUILD_BEGIN_LIST, build_begin_list_inline)                                 \
  X(BUILD_END_LIST, build_end_list_inline)                                     \
  X(BUILD_BEGIN_MAP, build_begin_map_inline)                                   \
  X(BUILD_END_MAP, build_end_map_inline)                                       \
  X(BUILD_SET_SOME, build_set_some_inline)                                     \
  X(BUILD_SET_NONE, build_set_none_inline)

/* X(OP, name): a run of ops as one wrapper (llvm_lower.c): enter-field a;
 * emit-scalar; leave at the enter-field's pc, c the scalar's kind | its
 * size << 8 as inference gives them, b and n the known field (as for
 * enter-field, llvm_kernels.c); and emit-field-name of a plain name
 * before such a run, at the name's pc (operands in llvm_kernels.c). */
#define VMIR_LLVM_FUSED_WRAPPERS(X)                                            \
  X(ENTER_FIELD, field_scalar)                                                 \
  X(EMIT_FIELD_NAME, named_field_scalar)

/* X(TEST, name): branch-pred of a predicate whose test is VMIR_PRED_TEST. */
#define VMIR_LLVM_PRED_WRAPPERS(X)                                             \
  X(IS_NONE, pred_is_none)                                                     \
  X(IS_EMPTY, pred_is_empty)                                                   \
  X(IS_DEFAULT, pred_is_default)                                               \
  X(HOST, pred_host)                                                           \
  X(NONE, pred_cannot)

#define VMIR_LLVM_WRAPPER_DECLARE(name)                                        \
  vmir_status vmir_llvm_op_##name(const vmir_executable *exe, vmir_vm_state *vm, \
                                  vmir_error *err, uint32_t pc, uint32_t a, uint32_t b, \
                                  uint32_t c, uint32_t n, const vmir_shape_context *shapes);
#define VMIR_LLVM_DECL2(OP, name) VMIR_LLVM_WRAPPER_DECLARE(name)
#define VMIR_LLVM_DECL_KEY_PAIR(guess, then_switch)                            \
  VMIR_LLVM_KEY_GUESS_DECLARE(guess);                                          \
  VMIR_LLVM_KEY_SWITCH_DECLARE(then_switch);
VMIR_LLVM_KEY_PAIR_WRAPPERS(VMIR_LLVM_DECL_KEY_PAIR)
#undef VMIR_LLVM_DECL_KEY_PAIR
#define VMIR_LLVM_DECL_BUILD(OP, name) VMIR_LLVM_WRAPPER_DECLARE(build_##name)
VMIR_LLVM_CORE_WRAPPERS(VMIR_LLVM_DECL2)
VMIR_LLVM_PRED_WRAPPERS(VMIR_LLVM_DECL2)
VMIR_LLVM_KEY_WRAPPERS(VMIR_LLVM_DECL2)
VMIR_LLVM_BUILD_WRAPPERS(VMIR_LLVM_DECL2)
VMIR_LLVM_FUSED_WRAPPERS(VMIR_LLVM_DECL2)
VMIR_LEX_OPS(VMIR_LLVM_DECL2, VMIR_LLVM_DECL2, VMIR_LLVM_DECL2)
VMIR_BUILD_OPS(VMIR_LLVM_DECL_BUILD)
#undef VMIR_LLVM_DECL2
#undef VMIR_LLVM_DECL_BUILD

#endif
