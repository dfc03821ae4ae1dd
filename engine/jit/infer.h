/* Static shapes of the current value at each program point, so emission
 * can use a stencil specialised to the scalar kind. An abstract
 * interpretation of the navigation ops over each proc, from the root shape
 * at the entry proc and from each call site's current shape at callees.
 * Only an optimisation: a point reached with different shapes, or through
 * anything the analysis does not model, gets NULL (the dynamic stencil),
 * and specialised stencils check the kind again at run time. */
#ifndef VMIR_STENCIL_INFER_H
#define VMIR_STENCIL_INFER_H

#include "exec/executable.h"

/* Fills shapes[pc] (insn_count entries) with the shape of the current value
 * at pc, or NULL when it is not one known shape. False when out of memory
 * (shapes is then all NULL). */
bool vmir_stencil_infer_shapes(const vmir_executable *exe, const vmir_shape **shapes);

#endif
