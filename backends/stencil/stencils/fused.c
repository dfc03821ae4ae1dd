/* Fused stencils: the common short runs of a field, one stencil each, so
 * the ops between them pay no dispatch (stencil.h, "fused stencils";
 * select.c decides where a run may be fused). Each op is its kernel, as in
 * its own stencil; op j is instruction PC + j.
 *
 * Encode: enter-field A; emit-scalar (of a known kind); leave.
 * Decode: [build-field B C;] enter-field A; json-read-X; build-store; leave. */
#include "stencil.h"

#define FIELD_ENTER(j) \
  { KERNEL_CTX_AT(j); RUN_AT(j, vmir_op_enter_field_known(k, OPERAND_A, KNOWN_FIELD(j))); }
#define FIELD_LEAVE(j) \
  { KERNEL_CTX_AT(j); RUN_AT(j, vmir_op_leave(k)); }

/* ---- encode ------------------------------------------------------------------- */

#define FIELD_SCALAR_STENCIL(name, KIND, SIZE)                                \
  EMIT_STENCIL(field_scalar_##name,                                           \
    {                                                                         \
      KERNEL_CTX_AT(0);                                                       \
      RUN_AT(0, vmir_op_field_scalar_known(k, io, SINK_FN(vmir_sink_scalar_fn, scalar, direct), \
                                           OPERAND_A, KNOWN_FIELD(0), KIND, SIZE)); \
    }                                                                         \
    CONTINUE();)

FIELD_SCALAR_STENCIL(bool, VMIR_KIND_BOOL, 0)
FIELD_SCALAR_STENCIL(u8, VMIR_KIND_U8, 1)
FIELD_SCALAR_STENCIL(u16, VMIR_KIND_U16, 2)
FIELD_SCALAR_STENCIL(u32, VMIR_KIND_U32, 4)
FIELD_SCALAR_STENCIL(u64, VMIR_KIND_U64, 8)
FIELD_SCALAR_STENCIL(i8, VMIR_KIND_I8, 1)
FIELD_SCALAR_STENCIL(i16, VMIR_KIND_I16, 2)
FIELD_SCALAR_STENCIL(i32, VMIR_KIND_I32, 4)
FIELD_SCALAR_STENCIL(i64, VMIR_KIND_I64, 8)
FIELD_SCALAR_STENCIL(f32, VMIR_KIND_F32, 0)
FIELD_SCALAR_STENCIL(f64, VMIR_KIND_F64, 0)
FIELD_SCALAR_STENCIL(unit, VMIR_KIND_UNIT, 0)
FIELD_SCALAR_STENCIL(string, VMIR_KIND_STRING, 0)
FIELD_SCALAR_STENCIL(bytes, VMIR_KIND_BYTES, 0)

/* ---- decode ------------------------------------------------------------------- */

/* A build action as its own stencil calls it (decode.c): the pc first,
 * errors name it. */
#define FIELD_BUILD(j, name, a, b)                                            \
  {                                                                           \
    vm->pc = PC + (j);                                                        \
    vmir_status st_ = vmir_build_##name(shapes->exe, vm, (a), (b), scratch->err); \
    if (UNLIKELY(st_ != VMIR_OK)) return st_;                                 \
  }

#define FIELD_READ_BODY(j, read)                                              \
  FIELD_ENTER(j)                                                              \
  { KERNEL_CTX_AT((j) + 1); RUN_AT((j) + 1, vmir_op_##read(k)); }            \
  FIELD_BUILD((j) + 2, store, 0, 0)                                           \
  FIELD_LEAVE((j) + 3)

/* Lexing and build ops need the decode state (decode.c, NEED_DECODE). */
#define FIELD_READ_STENCIL(read)                                              \
  STENCIL vmir_stencil_field_##read(STENCIL_ARGS) {                           \
    if (UNLIKELY(!vm->dec)) DEOPT_CHECK();                                    \
    FIELD_READ_BODY(0, read)                                                  \
    CONTINUE();                                                               \
  }                                                                           \
  STENCIL vmir_stencil_tracked_field_##read(STENCIL_ARGS) {                   \
    if (UNLIKELY(!vm->dec)) DEOPT_CHECK();                                    \
    FIELD_BUILD(0, field, OPERAND_B, OPERAND_C)                               \
    FIELD_READ_BODY(1, read)                                                  \
    CONTINUE();                                                               \
  }

FIELD_READ_STENCIL(json_read_bool)
FIELD_READ_STENCIL(json_read_number)
FIELD_READ_STENCIL(json_read_string)
