/* Emission: sink events through the sink's callbacks (EMIT_STENCIL makes
 * the sink->ops and the direct-call variant of each). */
#include "stencil.h"

/* emit-begin-struct (IMM = member count) and emit-begin-struct-dynamic
 * (IMM = VMIR_LEN_UNKNOWN). */
EMIT_STENCIL(emit_begin_struct,
  SINK_CHECK(SINK_FN(sink_len_fn, begin_struct, direct)((vmir_sink *)io, IMM));
  CONTINUE();)

/* emit-begin-tuple (IMM = len) and emit-begin-seq-dynamic (IMM = unknown). */
EMIT_STENCIL(emit_begin_seq_const,
  SINK_CHECK(SINK_FN(sink_len_fn, begin_seq, direct)((vmir_sink *)io, IMM));
  CONTINUE();)

/* emit-begin-seq: the current list's length or the array's count. */
EMIT_STENCIL(emit_begin_seq,
  const vmir_path_entry *cur = CUR;
  const vmir_shape *s = cur->shape;
  uint64_t len;
  if (s->kind == VMIR_KIND_LIST) len = vmir_read_list(cur->addr).len;
  else if (s->kind == VMIR_KIND_ARRAY) len = s->u.sequence.count;
  else DEOPT_CHECK();
  SINK_CHECK(SINK_FN(sink_len_fn, begin_seq, direct)((vmir_sink *)io, len));
  CONTINUE();)

EMIT_STENCIL(emit_begin_map,
  const vmir_path_entry *cur = CUR;
  if (UNLIKELY(cur->shape->kind != VMIR_KIND_MAP)) DEOPT_CHECK();
  SINK_CHECK(SINK_FN(sink_len_fn, begin_map, direct)((vmir_sink *)io, vmir_read_list(cur->addr).len));
  CONTINUE();)

/* emit-field-name: IMM = the name's bytes (owned by the code object),
 * IMM2 = its length. */
EMIT_STENCIL(emit_field_name,
  vmir_str name = {(const char *)(uintptr_t)IMM, (size_t)IMM2};
  SINK_CHECK(SINK_FN(sink_name_fn, field_name, direct)((vmir_sink *)io, name));
  CONTINUE();)

EMIT_STENCIL(emit_map_key,
  const vmir_path_entry *cur = CUR;
  const vmir_shape *s = cur->shape;
  if (UNLIKELY(s->kind != VMIR_KIND_MAP || vm->loop_depth == 0)) DEOPT_CHECK();
  uint64_t i = vm->loops[vm->loop_depth - 1].index;
  vmir_list l = vmir_read_list(cur->addr);
  if (UNLIKELY(i >= l.len || !l.ptr)) DEOPT_CHECK();
  vmir_str key = vmir_read_str((const uint8_t *)l.ptr + i * s->u.map.entry_size);
  if (UNLIKELY(!key.ptr && key.len)) DEOPT_CHECK();
  SINK_CHECK(SINK_FN(sink_name_fn, field_name, direct)((vmir_sink *)io, key));
  CONTINUE();)

EMIT_STENCIL(emit_null,
  vmir_scalar sc = {.type = VMIR_SCALAR_NULL};
  SINK_CHECK(SINK_FN(sink_scalar_fn, scalar, direct)((vmir_sink *)io, &sc));
  CONTINUE();)

/* emit-string: IMM/IMM2 = the constant's bytes and length. */
EMIT_STENCIL(emit_string,
  vmir_scalar sc = {.type = VMIR_SCALAR_STRING};
  sc.as.string = (vmir_str){(const char *)(uintptr_t)IMM, (size_t)IMM2};
  SINK_CHECK(SINK_FN(sink_scalar_fn, scalar, direct)((vmir_sink *)io, &sc));
  CONTINUE();)

EMIT_STENCIL(emit_end,
  SINK_CHECK(SINK_FN(sink_end_fn, end, direct)((vmir_sink *)io));
  CONTINUE();)
