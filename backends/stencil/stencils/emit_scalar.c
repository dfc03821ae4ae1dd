/* emit-scalar: the current value copied into a vmir_scalar (a view for
 * strings and bytes) and handed to the sink. One variant per scalar kind,
 * chosen where the shape at the program point is known at compile time
 * (checked again here: a different kind deopts), and a dynamic one. */
#include "stencil.h"

/* As the interpreter: a view with NULL data and a length never reaches a
 * sink. */
ALWAYS_INLINE bool view_ok(const vmir_scalar *sc) {
  if (sc->type == VMIR_SCALAR_STRING) return sc->as.string.ptr || sc->as.string.len == 0;
  if (sc->type == VMIR_SCALAR_BYTES) return sc->as.bytes.ptr || sc->as.bytes.len == 0;
  return true;
}

#define SCALAR_BODY(kind_check)                                               \
  const vmir_path_entry *cur = CUR;                                           \
  if (UNLIKELY(!(kind_check))) DEOPT_CHECK();                                 \
  vmir_scalar sc;                                                             \
  if (UNLIKELY(!vmir_read_scalar(cur->shape, cur->addr, &sc) || !view_ok(&sc))) DEOPT_CHECK(); \
  SINK_CHECK(SINK_FN(sink_scalar_fn, scalar, direct)((vmir_sink *)io, &sc)); \
  CONTINUE();

#define SCALAR_STENCIL(name, KIND) EMIT_STENCIL(emit_scalar_##name, SCALAR_BODY(cur->shape->kind == KIND))
/* Integers: the width is checked with the kind, so the read is one load. */
#define INT_STENCIL(name, KIND, WIDTH)                                        \
  EMIT_STENCIL(emit_scalar_##name,                                            \
               SCALAR_BODY(cur->shape->kind == KIND && cur->shape->size == WIDTH))

SCALAR_STENCIL(bool, VMIR_KIND_BOOL)
INT_STENCIL(u8, VMIR_KIND_U8, 1)
INT_STENCIL(u16, VMIR_KIND_U16, 2)
INT_STENCIL(u32, VMIR_KIND_U32, 4)
INT_STENCIL(u64, VMIR_KIND_U64, 8)
INT_STENCIL(i8, VMIR_KIND_I8, 1)
INT_STENCIL(i16, VMIR_KIND_I16, 2)
INT_STENCIL(i32, VMIR_KIND_I32, 4)
INT_STENCIL(i64, VMIR_KIND_I64, 8)
SCALAR_STENCIL(f32, VMIR_KIND_F32)
SCALAR_STENCIL(f64, VMIR_KIND_F64)
SCALAR_STENCIL(unit, VMIR_KIND_UNIT)
SCALAR_STENCIL(string, VMIR_KIND_STRING)
SCALAR_STENCIL(bytes, VMIR_KIND_BYTES)
/* Any kind: vmir_read_scalar says whether it is a scalar at all. */
EMIT_STENCIL(emit_scalar, SCALAR_BODY(true))
