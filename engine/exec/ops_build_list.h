/* The build opcodes and their actions, X(OP, name): the action is
 * vmir_build_NAME (exec/ops_build.h). Macros only, so build tools can
 * include it (the helper table, jit/helpers.def). */
#ifndef VMIR_EXEC_OPS_BUILD_LIST_H
#define VMIR_EXEC_OPS_BUILD_LIST_H

#define VMIR_BUILD_OPS(X)                                                      \
  X(BUILD_BEGIN_STRUCT, begin_struct)                                          \
  X(BUILD_FIELD, field)                                                        \
  X(BUILD_END_STRUCT, end_struct)                                              \
  X(BUILD_DENY_UNKNOWN, deny_unknown)                                          \
  X(BUILD_COLLECT_UNKNOWN, collect_unknown)                                    \
  X(BUILD_STORE, store)                                                        \
  X(BUILD_STORE_VALUE, store_value)                                            \
  X(BUILD_SET_NONE, set_none)                                                  \
  X(BUILD_SET_SOME, set_some)                                                  \
  X(BUILD_ALLOC_POINTEE, alloc_pointee)                                        \
  X(BUILD_BEGIN_LIST, begin_list)                                              \
  X(BUILD_PUSH_ELEMENT, push_element)                                          \
  X(BUILD_END_LIST, end_list)                                                  \
  X(BUILD_BEGIN_MAP, begin_map)                                                \
  X(BUILD_PUSH_ENTRY, push_entry)                                              \
  X(BUILD_END_MAP, end_map)                                                    \
  X(BUILD_SELECT_VARIANT, select_variant)                                      \
  X(BUILD_COMMIT, commit)

#endif
