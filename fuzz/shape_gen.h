/* Random shape graphs built in memory from fuzz bytes: every kind, every
 * field policy, every tagging style and option representation, recursion
 * through nullable options, lists and maps, bounded depth and size. Layouts
 * are computed like a C compiler would lay the types out; now and then one
 * number is perturbed, so the caller must run vmir_shape_validate and skip
 * shapes it rejects. */
#ifndef VMIR_FUZZ_SHAPE_GEN_H
#define VMIR_FUZZ_SHAPE_GEN_H

#include "fuzz.h"

/* Owns every shape, field, variant and name of one generated graph. */
typedef struct fz_shapes fz_shapes;

/* Generates a graph; *owner receives what must be freed (also when the
 * result is NULL: only on allocation failure). */
const vmir_shape *fz_shape_gen(fz_bytes *b, fz_shapes **owner);
void fz_shapes_free(fz_shapes *owner);

/* Whether no two fields of one struct, tuple or variant overlap. The
 * validator accepts overlapping fields (a perturbed offset), but no value
 * can then hold valid data in both (a list's pointer overwritten by an
 * integer), so the harnesses skip such shapes: a value with a garbage
 * pointer is the caller's bug, not the engine's. Call after validation. */
bool fz_shapes_disjoint(const fz_shapes *owner);

#endif
