/* The entry guards, described once for every backend: what compiled code
 * assumes against the facts the runtime presents in the shape context.
 * A backend's entry evaluates vmir_jit_entry_guard before anything else
 * (the stencil backend inlines it into its entry stencil; a backend that
 * emits calls may call it) and deopts at the entry pc when it names a
 * failed guard, changing nothing.
 * t[impl format.exec.guard-shape-id] t[impl format.exec.guard-program-abi]
 * t[impl format.exec.guard-runtime-capabilities] */
#ifndef VMIR_JIT_GUARDS_H
#define VMIR_JIT_GUARDS_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/backend.h"

/* The same callbacks, compared one by one (never by table address: a
 * table freed and reused at the same address must not pass). */
static inline __attribute__((always_inline)) bool vmir_jit_same_sink_ops(const vmir_sink_ops *a,
                                                                        const vmir_sink_ops *b) {
#define VMIR_SAME_CALLBACK(m) && a->m == b->m
  return true VMIR_SINK_CALLBACKS(VMIR_SAME_CALLBACK);
#undef VMIR_SAME_CALLBACK
}

/* True when every callback is present (code may call them directly). */
static inline bool vmir_jit_sink_ops_complete(const vmir_sink_ops *ops) {
#define VMIR_HAS_CALLBACK(m) && ops->m
  return true VMIR_SINK_CALLBACKS(VMIR_HAS_CALLBACK);
#undef VMIR_HAS_CALLBACK
}

/* 0 when the code may run; else 1 + the vmir_jit_guard_kind that failed
 * (the value vmir_scratch.guard_failed takes). shape_id, abi, caps and
 * sink are what the code was compiled to assume. */
static inline __attribute__((always_inline)) uint32_t vmir_jit_entry_guard(
    const vmir_shape_context *shapes, const void *io, uint64_t shape_id, uint32_t abi,
    uint32_t caps, const vmir_sink_ops *sink) {
  if (shapes->root_shape_id != shape_id) return 1 + VMIR_JIT_GUARD_SHAPE_ID;
  if (shapes->program_abi != abi) return 1 + VMIR_JIT_GUARD_ABI;
  uint32_t sink_caps = caps & VMIR_CAP_SINK_ANY;
  if (sink_caps) {
    const vmir_sink_ops *ops = io ? ((const vmir_sink *)io)->ops : NULL;
    if ((shapes->caps & sink_caps) != sink_caps || !ops || !vmir_jit_same_sink_ops(ops, sink))
      return 1 + VMIR_JIT_GUARD_SINK;
  }
  if ((caps & VMIR_CAP_HOST_PREDICATE) && !(shapes->caps & VMIR_CAP_HOST_PREDICATE))
    return 1 + VMIR_JIT_GUARD_HOST_PREDICATE;
  return 0;
}

#endif
