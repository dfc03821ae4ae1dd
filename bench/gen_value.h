/* Seeded random values of any shape, for generated corpora (when the real
 * ones are absent) and for fuzzing. Deterministic for a seed. */
#ifndef VMIR_BENCH_GEN_VALUE_H
#define VMIR_BENCH_GEN_VALUE_H

#include <stdint.h>

#include "util/arena.h"
#include "vmir/shape.h"

typedef struct vmir_gen {
  uint64_t state;          /* PRNG state (splitmix64) */
  vmir_arena *arena;       /* where containers, strings and pointees go */
  uint32_t max_list;       /* elements per list or map: 0..max_list */
  uint32_t max_depth;      /* beyond it options are none, lists empty */
  uint32_t top_list;       /* length of lists at depth 1 (the big ones) */
} vmir_gen;

/* Fills `out` (shape->size bytes) with a random value; false when the arena
 * is exhausted or the shape cannot be generated (an enum without variants). */
bool vmir_gen_value(vmir_gen *g, const vmir_shape *shape, void *out);

#endif
