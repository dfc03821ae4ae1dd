/* Emission: each op's kernel (exec/ops.h) with the sink callback either
 * from sink->ops or patched in (EMIT_STENCIL makes both variants). */
#include "stencil.h"

/* emit-begin-struct (IMM = member count) and emit-begin-struct-dynamic
 * (IMM = VMIR_LEN_UNKNOWN). */
EMIT_STENCIL(emit_begin_struct,
  KERNEL_CTX;
  RUN(vmir_op_emit_len(k, io, SINK_FN(vmir_sink_len_fn, begin_struct, direct), IMM));
  CONTINUE();)

/* emit-begin-tuple (IMM = len) and emit-begin-seq-dynamic (IMM = unknown). */
EMIT_STENCIL(emit_begin_seq_const,
  KERNEL_CTX;
  RUN(vmir_op_emit_len(k, io, SINK_FN(vmir_sink_len_fn, begin_seq, direct), IMM));
  CONTINUE();)

/* emit-begin-seq: the current list's length or the array's count. */
EMIT_STENCIL(emit_begin_seq,
  KERNEL_CTX;
  RUN(vmir_op_emit_begin_seq(k, io, SINK_FN(vmir_sink_len_fn, begin_seq, direct)));
  CONTINUE();)

EMIT_STENCIL(emit_begin_map,
  KERNEL_CTX;
  RUN(vmir_op_emit_begin_map(k, io, SINK_FN(vmir_sink_len_fn, begin_map, direct)));
  CONTINUE();)

/* emit-field-name: IMM = the name's bytes (owned by the code object),
 * IMM2 = its length. */
EMIT_STENCIL(emit_field_name,
  KERNEL_CTX;
  vmir_str name = {(const char *)(uintptr_t)IMM, (size_t)IMM2};
  RUN(vmir_op_emit_name(k, io, SINK_FN(vmir_sink_name_fn, field_name, direct), name));
  CONTINUE();)

EMIT_STENCIL(emit_map_key,
  KERNEL_CTX;
  RUN(vmir_op_emit_map_key(k, io, SINK_FN(vmir_sink_name_fn, field_name, direct)));
  CONTINUE();)

EMIT_STENCIL(emit_null,
  KERNEL_CTX;
  vmir_scalar sc = {.type = VMIR_SCALAR_NULL};
  RUN(vmir_op_emit_const(k, io, SINK_FN(vmir_sink_scalar_fn, scalar, direct), &sc));
  CONTINUE();)

/* emit-string: IMM/IMM2 = the constant's bytes and length. */
EMIT_STENCIL(emit_string,
  KERNEL_CTX;
  vmir_scalar sc = {.type = VMIR_SCALAR_STRING};
  sc.as.string = (vmir_str){(const char *)(uintptr_t)IMM, (size_t)IMM2};
  RUN(vmir_op_emit_const(k, io, SINK_FN(vmir_sink_scalar_fn, scalar, direct), &sc));
  CONTINUE();)

EMIT_STENCIL(emit_end,
  KERNEL_CTX;
  RUN(vmir_op_emit_end(k, io, SINK_FN(vmir_sink_end_fn, end, direct)));
  CONTINUE();)

/* emit-key / emit-token (the parse side of unfused decode). */
STENCIL vmir_stencil_emit_key(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_emit_event(k, true));
  CONTINUE();
}

STENCIL vmir_stencil_emit_token(STENCIL_ARGS) {
  KERNEL_CTX;
  RUN(vmir_op_emit_event(k, false));
  CONTINUE();
}
