/* Fixed shapes the harnesses choose from by index: the typed corpus models
 * (conformance/models), the encode conformance types
 * (conformance/encode_types.h), the dynamic `value` kind, and the shape
 * files of conformance/data and conformance/models, embedded at build time
 * (fuzz/embed.c) and parsed on first use. The order is fixed: seeds name
 * shapes by index, so new entries go at the end. */
#ifndef VMIR_FUZZ_FIXED_SHAPES_H
#define VMIR_FUZZ_FIXED_SHAPES_H

#include "fuzz.h"

typedef struct fz_shape_text {
  const char *name;
  const char *text;
  size_t len;
} fz_shape_text;

/* Generated: the embedded shape files. */
extern const fz_shape_text fz_shape_texts[];
extern const size_t fz_shape_text_count;

typedef struct fz_fixed {
  const char *name;
  const vmir_shape *shape;
} fz_fixed;

size_t fz_fixed_count(void);
const fz_fixed *fz_fixed_get(size_t i);
/* The fixed shape with this id, NULL when none has it. */
const vmir_shape *fz_fixed_by_id(uint64_t id);

#endif
