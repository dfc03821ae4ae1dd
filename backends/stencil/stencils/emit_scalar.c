/* emit-scalar: the current value copied into a vmir_scalar (a view for
 * strings and bytes) and handed to the sink, by its kernel (exec/ops.h).
 * One variant per scalar kind, chosen where the shape at the program point
 * is known at compile time (the kernel checks it again: a different kind
 * deopts), and a dynamic one. */
#include "stencil.h"

#define SCALAR_STENCIL(name, KIND, SIZE)                                      \
  EMIT_STENCIL(emit_scalar_##name,                                            \
    KERNEL_CTX;                                                               \
    RUN(vmir_op_emit_scalar(k, io, SINK_FN(vmir_sink_scalar_fn, scalar, direct), KIND, SIZE)); \
    CONTINUE();)

/* Integers: the width is checked with the kind, so the read is one load. */
VMIR_OP_SCALAR_KINDS(SCALAR_STENCIL)
SCALAR_STENCIL(any, VMIR_KIND_COUNT, 0)
