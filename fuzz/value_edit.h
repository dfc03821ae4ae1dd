/* Edits a value made by vmir_gen_value (bench/gen_value.c) toward the edges
 * its generator avoids: extreme integers, NaN, infinities, -0 and
 * subnormal floats, strings with escapes, control characters and invalid
 * UTF-8, empty and long bytes, duplicate map keys, tags that match no
 * variant, and full dynamic `value` trees (the generator only writes small
 * unsigned numbers there). Deterministic for a seed. */
#ifndef VMIR_FUZZ_VALUE_EDIT_H
#define VMIR_FUZZ_VALUE_EDIT_H

#include "fuzz.h"
#include "util/arena.h"

/* `rate`: roughly one scalar in `rate` is edited (0: none); dynamic values
 * are always replaced. New strings and trees go into `arena`. */
void fz_value_edit(const vmir_shape *shape, void *value, vmir_arena *arena, uint64_t seed,
                   uint32_t rate);

/* A random dynamic value tree (depth <= 3) into *out. */
void fz_value_random(vmir_value *out, vmir_arena *arena, uint64_t seed);

#endif
