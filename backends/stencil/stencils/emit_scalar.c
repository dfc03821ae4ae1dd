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
SCALAR_STENCIL(bool, VMIR_KIND_BOOL, 0)
SCALAR_STENCIL(u8, VMIR_KIND_U8, 1)
SCALAR_STENCIL(u16, VMIR_KIND_U16, 2)
SCALAR_STENCIL(u32, VMIR_KIND_U32, 4)
SCALAR_STENCIL(u64, VMIR_KIND_U64, 8)
SCALAR_STENCIL(i8, VMIR_KIND_I8, 1)
SCALAR_STENCIL(i16, VMIR_KIND_I16, 2)
SCALAR_STENCIL(i32, VMIR_KIND_I32, 4)
SCALAR_STENCIL(i64, VMIR_KIND_I64, 8)
SCALAR_STENCIL(f32, VMIR_KIND_F32, 0)
SCALAR_STENCIL(f64, VMIR_KIND_F64, 0)
SCALAR_STENCIL(unit, VMIR_KIND_UNIT, 0)
SCALAR_STENCIL(string, VMIR_KIND_STRING, 0)
SCALAR_STENCIL(bytes, VMIR_KIND_BYTES, 0)
SCALAR_STENCIL(any, VMIR_KIND_COUNT, 0)
