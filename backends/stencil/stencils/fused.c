/* Fused stencils: the common short runs of a field, one stencil each, so
 * the ops between them pay no dispatch (stencil.h, "fused stencils";
 * select.c decides where a run may be fused). Each op is its kernel, as in
 * its own stencil; op j is instruction PC + j.
 *
 * Encode: enter-field A; emit-scalar (of a known kind); leave; and the
 * same run after the emit-field-name of a plain name.
 * Decode: [build-field B C;] enter-field A; json-read-X or msgpack-read-X;
 * build-store; leave. */
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

VMIR_OP_SCALAR_KINDS(FIELD_SCALAR_STENCIL)

/* emit-field-name (a plain name); enter-field; emit-scalar; leave, at the
 * name's pc: A the field's index, B the name's string (read from the
 * running executable's table), IMM the known field (of the enter-field
 * at PC + 1). The sink's paired callback (exec/ops.h,
 * vmir_op_named_field_scalar) is the patched one in the direct variant,
 * else the run's. */
#define NAMED_FIELD_SCALAR_STENCIL(name, KIND, SIZE)                          \
  EMIT_STENCIL(named_field_scalar_##name,                                     \
    {                                                                         \
      KERNEL_CTX_AT(0);                                                       \
      vmir_sink *sink_ = io;                                                  \
      vmir_sink_named_scalar_cb named_ =                                      \
          direct ? (vmir_sink_named_scalar_cb)(uintptr_t)HOLE(_JIT_SINK_FN)   \
                 : vm->named_scalar_plain;                                    \
      RUN_AT(0, vmir_op_named_field_scalar(k, sink_, named_, sink_->ops->field_name, \
                                           sink_->ops->scalar, shapes->exe->strings[OPERAND_B], \
                                           OPERAND_A, KNOWN_FIELD(1), KIND, SIZE)); \
    }                                                                         \
    CONTINUE();)

VMIR_OP_SCALAR_KINDS(NAMED_FIELD_SCALAR_STENCIL)

/* ---- decode ------------------------------------------------------------------- */

/* The build kernels (exec/ops_build_inline.h): build-field B C, and the
 * build-store right after its read with the destination's kind a
 * constant, so only that kind's store is code: the one kind a bool or
 * string read can fill, or after a number the known field's kind (IMM2,
 * select.c) among the common ones. Any other destination takes the
 * action. */
#define FIELD_TRACK(j) \
  { KERNEL_CTX_AT(j); RUN_AT(j, vmir_op_build_field(k, OPERAND_B, OPERAND_C)); }
#define STORE_AS(kind) vmir_op_build_store_as(k, kind, true)
#define STORE_AFTER_json_read_bool STORE_AS(VMIR_KIND_BOOL)
#define STORE_AFTER_json_read_string STORE_AS(VMIR_KIND_STRING)
#define STORE_AFTER_msgpack_read_bool STORE_AS(VMIR_KIND_BOOL)
#define STORE_AFTER_msgpack_read_string STORE_AS(VMIR_KIND_STRING)
#define STORE_FAST(kind) vmir_op_build_store_fast(k, kind, true)
#define STORE_AFTER_msgpack_read_number STORE_AFTER_json_read_number
#define STORE_AFTER_json_read_number                                          \
  ((IMM2 == VMIR_KIND_U64   ? STORE_FAST(VMIR_KIND_U64)                       \
    : IMM2 == VMIR_KIND_I64 ? STORE_FAST(VMIR_KIND_I64)                       \
    : IMM2 == VMIR_KIND_F64 ? STORE_FAST(VMIR_KIND_F64)                       \
    : IMM2 == VMIR_KIND_U32 ? STORE_FAST(VMIR_KIND_U32)                       \
    : IMM2 == VMIR_KIND_I32 ? STORE_FAST(VMIR_KIND_I32)                       \
                            : false)                                          \
       ? VMIR_OK                                                              \
       : STORE_AS(VMIR_KIND_COUNT))

#define FIELD_READ_BODY(j, read)                                              \
  FIELD_ENTER(j)                                                              \
  { KERNEL_CTX_AT((j) + 1); RUN_AT((j) + 1, vmir_op_##read(k)); }            \
  { KERNEL_CTX_AT((j) + 2); RUN_AT((j) + 2, STORE_AFTER_##read); }           \
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
    FIELD_TRACK(0)                                                            \
    FIELD_READ_BODY(1, read)                                                  \
    CONTINUE();                                                               \
  }

FIELD_READ_STENCIL(json_read_bool)
FIELD_READ_STENCIL(json_read_number)
FIELD_READ_STENCIL(json_read_string)
FIELD_READ_STENCIL(msgpack_read_bool)
FIELD_READ_STENCIL(msgpack_read_number)
FIELD_READ_STENCIL(msgpack_read_string)
