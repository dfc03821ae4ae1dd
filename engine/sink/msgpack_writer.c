/* MessagePack writer sink. Encoding choices: docs/sinks.md.
 *
 * Every header, integer and float takes its smallest valid form, so equal
 * values always give equal bytes (the differential fuzzers compare bytes).
 * Structs and maps become maps with string keys; sequences become arrays.
 *
 * Containers whose length is unknown at `begin` (VMIR_LEN_UNKNOWN) get a
 * 5-byte placeholder header; at `end` the smallest header for the counted
 * members is written and the body moved back over the unused header bytes.
 * That costs one memmove of the container's body (up to 4 bytes of shift),
 * and nested unknown-length containers move the inner body once per
 * enclosing unknown level; programs use them only where a count is truly
 * unknowable up front (skip-if fields), which keeps the bodies small.
 *
 * A declared length is a promise: the header is already written, so a
 * container that ends with a different count would corrupt the stream; it
 * fails instead (VMIR_E_SINK), as do the event-order violations the JSON
 * writer rejects. */
#include <stdlib.h>
#include <string.h>

#include "format/timestamp.h"
#include "sink/event_order.h"
#include "sink/sink_internal.h"
#include "util/big_endian.h"
#include "util/buf.h"
#include "util/short_copy.h"

/* Each level's `mark` is the offset of its header, a placeholder while the
 * length is unknown. */
struct vmir_msgpack_writer {
  vmir_sink sink;
  vmir_buf out;
  vmir_event_order order; /* the event grammar and the nesting stack */
};

/* Format bytes (MessagePack spec names). */
enum {
  MP_NIL = 0xc0, MP_FALSE = 0xc2, MP_TRUE = 0xc3,
  MP_BIN8 = 0xc4, MP_BIN16 = 0xc5, MP_BIN32 = 0xc6,
  MP_FLOAT32 = 0xca, MP_FLOAT64 = 0xcb,
  MP_UINT8 = 0xcc, MP_UINT16 = 0xcd, MP_UINT32 = 0xce, MP_UINT64 = 0xcf,
  MP_INT8 = 0xd0, MP_INT16 = 0xd1, MP_INT32 = 0xd2, MP_INT64 = 0xd3,
  MP_STR8 = 0xd9, MP_STR16 = 0xda, MP_STR32 = 0xdb,
  MP_ARRAY16 = 0xdc, MP_ARRAY32 = 0xdd, MP_MAP16 = 0xde, MP_MAP32 = 0xdf,
  MP_FIXMAP = 0x80, MP_FIXARRAY = 0x90, MP_FIXSTR = 0xa0
};

#define PLACEHOLDER_LEN 5

#define FAIL(w, ...) VMIR_ORDER_FAIL(&(w)->order, __VA_ARGS__)

static vmir_status nomem(vmir_msgpack_writer *w) { return vmir_order_nomem(&w->order); }

static inline uint8_t *room(vmir_msgpack_writer *w, size_t n) {
  /* The buffer keeps its capacity across documents: after the first one
   * this is one comparison, not a call. */
  if (__builtin_expect(w->out.failed || n > w->out.cap - w->out.len, 0) &&
      !vmir_buf_reserve(&w->out, n))
    return NULL;
  return w->out.data + w->out.len;
}

/* A header with a length: the fix form when `fix_base` is given and n fits
 * `fix_max`, else the 8/16/32-bit form (op8 == 0: no 8-bit form, as for
 * arrays and maps). Returns its length (1..5); n must be < 2^32. */
static size_t length_header(uint8_t *p, uint64_t n, int fix_base, uint64_t fix_max,
                            int op8, int op16, int op32) {
  if (fix_base >= 0 && n <= fix_max) {
    p[0] = (uint8_t)(fix_base | (int)n);
    return 1;
  }
  if (op8 && n <= UINT8_MAX) {
    p[0] = (uint8_t)op8;
    p[1] = (uint8_t)n;
    return 2;
  }
  if (n <= UINT16_MAX) {
    p[0] = (uint8_t)op16;
    vmir_store_be16(p + 1, (uint16_t)n);
    return 3;
  }
  p[0] = (uint8_t)op32;
  vmir_store_be32(p + 1, (uint32_t)n);
  return 5;
}

static size_t container_header(uint8_t *p, vmir_level_kind kind, uint64_t n) {
  if (kind == VMIR_LEVEL_SEQ) return length_header(p, n, MP_FIXARRAY, 15, 0, MP_ARRAY16, MP_ARRAY32);
  return length_header(p, n, MP_FIXMAP, 15, 0, MP_MAP16, MP_MAP32);
}

/* ---- event order (shared with the JSON writer: event_order.h) ---------- */

/* Array headers hold at most 2^32 - 1 elements. */
static inline __attribute__((always_inline)) vmir_status before_value(vmir_msgpack_writer *w) {
  vmir_level *seq;
  vmir_status st = vmir_order_before_value(&w->order, &seq);
  if (st != VMIR_OK || !seq) return st;
  if (seq->count == UINT32_MAX)
    return FAIL(w, "sequence longer than MessagePack's 4294967295 elements");
  seq->count++;
  return VMIR_OK;
}

/* ---- scalars ----------------------------------------------------------- */

/* The smallest form of v at p (room for 9 bytes); returns its length. */
static size_t uint_at(uint8_t *p, uint64_t v) {
  if (v <= 0x7f) {
    p[0] = (uint8_t)v; /* positive fixint */
    return 1;
  }
  if (v <= UINT8_MAX) {
    p[0] = MP_UINT8;
    p[1] = (uint8_t)v;
    return 2;
  }
  if (v <= UINT16_MAX) {
    p[0] = MP_UINT16;
    vmir_store_be16(p + 1, (uint16_t)v);
    return 3;
  }
  if (v <= UINT32_MAX) {
    p[0] = MP_UINT32;
    vmir_store_be32(p + 1, (uint32_t)v);
    return 5;
  }
  p[0] = MP_UINT64;
  vmir_store_be64(p + 1, v);
  return 9;
}

/* Non-negative values take the unsigned forms (the smallest, and what other
 * encoders do); negative ones the smallest signed form. Two's complement
 * bytes come from converting to unsigned, which C defines modulo 2^N. */
static size_t int_at(uint8_t *p, int64_t v) {
  if (v >= 0) return uint_at(p, (uint64_t)v);
  uint64_t bits = (uint64_t)v;
  if (v >= -32) {
    p[0] = (uint8_t)bits; /* negative fixint 0xe0..0xff */
    return 1;
  }
  if (v >= INT8_MIN) {
    p[0] = MP_INT8;
    p[1] = (uint8_t)bits;
    return 2;
  }
  if (v >= INT16_MIN) {
    p[0] = MP_INT16;
    vmir_store_be16(p + 1, (uint16_t)bits);
    return 3;
  }
  if (v >= INT32_MIN) {
    p[0] = MP_INT32;
    vmir_store_be32(p + 1, (uint32_t)bits);
    return 5;
  }
  p[0] = MP_INT64;
  vmir_store_be64(p + 1, bits);
  return 9;
}

/* f32 values stay float32 (exact: they were widened from a float); all
 * other floats are float64. NaN and infinities are ordinary floats here. */
static size_t float_at(uint8_t *p, double v, bool is_f32) {
  if (is_f32) {
    float f = (float)v;
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    p[0] = MP_FLOAT32;
    vmir_store_be32(p + 1, bits);
    return 5;
  }
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  p[0] = MP_FLOAT64;
  vmir_store_be64(p + 1, bits);
  return 9;
}

/* Null, booleans and numbers: at most SHORT_SCALAR_MAX bytes. */
#define SHORT_SCALAR_MAX 9
static inline bool is_short_scalar(vmir_scalar_type type) {
  switch (type) {
    case VMIR_SCALAR_NULL: case VMIR_SCALAR_BOOL: case VMIR_SCALAR_INT: case VMIR_SCALAR_UINT:
    case VMIR_SCALAR_FLOAT:
      return true;
    default: return false;
  }
}

/* A short scalar at p (room for SHORT_SCALAR_MAX bytes); its length. */
static inline size_t short_scalar_at(uint8_t *p, const vmir_scalar *v) {
  switch (v->type) {
    case VMIR_SCALAR_NULL: *p = MP_NIL; return 1;
    case VMIR_SCALAR_BOOL: *p = v->as.boolean ? MP_TRUE : MP_FALSE; return 1;
    case VMIR_SCALAR_INT: return int_at(p, v->as.i64);
    case VMIR_SCALAR_UINT: return uint_at(p, v->as.u64);
    default: return float_at(p, v->as.f64, v->is_f32);
  }
}

/* str (validated UTF-8) or bin: header + the bytes. */
static vmir_status write_blob(vmir_msgpack_writer *w, const uint8_t *s, size_t n,
                              bool is_str, const char *what) {
  size_t bad;
  if (is_str && !vmir_utf8_validate(s, n, &bad))
    return FAIL(w, "invalid UTF-8 at byte %zu of %s", bad, what);
  if ((uint64_t)n > UINT32_MAX)
    return FAIL(w, "%s of %zu bytes is too long for MessagePack", what, n);
  uint8_t *p = room(w, n + 5);
  if (!p) return nomem(w);
  size_t h = is_str ? length_header(p, n, MP_FIXSTR, 31, MP_STR8, MP_STR16, MP_STR32)
                    : length_header(p, n, -1, 0, MP_BIN8, MP_BIN16, MP_BIN32);
  vmir_copy_short(p + h, s, n);
  w->out.len += h + n;
  return VMIR_OK;
}

/* ext: the smallest header, fixext 1/2/4/8/16 when the length is one of
 * theirs, else ext 8/16/32; then the type byte and the data. */
static vmir_status write_ext(vmir_msgpack_writer *w, int8_t type, const uint8_t *data,
                             size_t n) {
  uint8_t *p = room(w, n + 6);
  if (!p) return nomem(w);
  size_t h;
  switch (n) {
    case 1: p[0] = 0xd4; h = 1; break;
    case 2: p[0] = 0xd5; h = 1; break;
    case 4: p[0] = 0xd6; h = 1; break;
    case 8: p[0] = 0xd7; h = 1; break;
    case 16: p[0] = 0xd8; h = 1; break;
    default: h = length_header(p, n, -1, 0, 0xc7, 0xc8, 0xc9); break;
  }
  p[h] = (uint8_t)type;
  if (n) memcpy(p + h + 1, data, n);
  w->out.len += h + 1 + n;
  return VMIR_OK;
}

static vmir_status mp_scalar(vmir_sink *sink, const vmir_scalar *v) {
  vmir_msgpack_writer *w = sink->ctx;
  vmir_status st = before_value(w);
  if (st != VMIR_OK) return st;
  if (is_short_scalar(v->type)) {
    uint8_t *p = room(w, SHORT_SCALAR_MAX);
    if (!p) return nomem(w);
    w->out.len += short_scalar_at(p, v);
    vmir_order_after_value(&w->order);
    return VMIR_OK;
  }
  switch (v->type) {
    case VMIR_SCALAR_STRING:
      st = write_blob(w, (const uint8_t *)v->as.string.ptr, v->as.string.len, true,
                      "string");
      break;
    case VMIR_SCALAR_BYTES:
      st = write_blob(w, v->as.bytes.ptr, v->as.bytes.len, false, "bytes");
      break;
    case VMIR_SCALAR_EXT:
      st = write_ext(w, v->as.ext.type, v->as.ext.data, v->as.ext.len);
      break;
    case VMIR_SCALAR_TIMESTAMP: {
      if (v->as.timestamp.nanoseconds >= VMIR_NANOS_PER_SECOND)
        return FAIL(w, "timestamp nanoseconds %u out of range (must be below 1000000000)",
                    (unsigned)v->as.timestamp.nanoseconds);
      uint8_t data[12];
      size_t n = vmir_timestamp_to_ext(v->as.timestamp, data);
      st = write_ext(w, VMIR_TIMESTAMP_EXT_TYPE, data, n);
      break;
    }
    default: return FAIL(w, "unknown scalar type %d", (int)v->type);
  }
  if (st != VMIR_OK) return st;
  vmir_order_after_value(&w->order);
  return VMIR_OK;
}

/* ---- containers ---------------------------------------------------------- */

static vmir_status begin(vmir_sink *sink, vmir_level_kind kind, uint64_t len) {
  vmir_msgpack_writer *w = sink->ctx;
  vmir_status st = before_value(w);
  if (st != VMIR_OK) return st;
  if (len != VMIR_LEN_UNKNOWN && len > UINT32_MAX)
    return FAIL(w, "%s of %" PRIu64 " %s is too long for MessagePack",
                vmir_level_kind_name(kind), len, vmir_level_member_word(kind));
  uint8_t *p = room(w, PLACEHOLDER_LEN);
  if (!p) return nomem(w);
  st = vmir_order_push(&w->order, kind, len, w->out.len);
  if (st != VMIR_OK) return st;
  /* Unknown length: the 32-bit form as a placeholder, fixed at `end`. */
  size_t h = len == VMIR_LEN_UNKNOWN ? container_header(p, kind, UINT32_MAX)
                                     : container_header(p, kind, len);
  w->out.len += h;
  return VMIR_OK;
}

static vmir_status mp_begin_struct(vmir_sink *sink, uint64_t len) {
  return begin(sink, VMIR_LEVEL_STRUCT, len);
}
static vmir_status mp_begin_seq(vmir_sink *sink, uint64_t len) {
  return begin(sink, VMIR_LEVEL_SEQ, len);
}
static vmir_status mp_begin_map(vmir_sink *sink, uint64_t len) {
  return begin(sink, VMIR_LEVEL_MAP, len);
}

/* Map headers hold at most 2^32 - 1 members. */
/* A field name. `plain`: the caller checked that the name is printable
 * ASCII (vmir_sink_name_is_plain), so valid UTF-8: a short one is written
 * as its fixstr header and bytes under one reservation, with no scan. */
static inline vmir_status field_name(vmir_sink *sink, vmir_str name, bool plain) {
  vmir_msgpack_writer *w = sink->ctx;
  vmir_level *top = NULL;
  vmir_status st = vmir_order_field_name(&w->order, &top);
  if (st != VMIR_OK) return st;
  if (top->count == UINT32_MAX)
    return FAIL(w, "%s longer than MessagePack's 4294967295 members",
                vmir_level_kind_name(top->kind));
  if (plain && name.len <= 31) {
    uint8_t *p = room(w, 1 + name.len);
    if (!p) return nomem(w);
    p[0] = (uint8_t)(MP_FIXSTR | name.len);
    vmir_copy_short(p + 1, name.ptr, name.len);
    w->out.len += 1 + name.len;
  } else {
    st = write_blob(w, (const uint8_t *)name.ptr, name.len, true, "field name");
    if (st != VMIR_OK) return st;
  }
  top->count++;
  w->order.key_pending = true;
  return VMIR_OK;
}

static vmir_status mp_field_name(vmir_sink *sink, vmir_str name) {
  return field_name(sink, name, false);
}

/* For generated code naming a constant field it checked at compile time. */
static vmir_status mp_field_name_plain(vmir_sink *sink, vmir_str name) {
  return field_name(sink, name, true);
}

/* sink_internal.h, vmir_sink_named_scalar_cb. A name of up to 31 bytes
 * (a fixstr) and a short scalar or a string: the order checked once (the
 * name's check; the value's is then the pending name's), the name and a
 * short value written into room the buffer already has. Anything else, or
 * too little room, takes the two calls. */
static vmir_status mp_named_scalar_plain(vmir_sink *sink, vmir_str name, const vmir_scalar *v,
                                         bool *value_failed) {
  vmir_msgpack_writer *w = sink->ctx;
  vmir_level *top = NULL;
  vmir_status st;
  *value_failed = false;
  bool short_value = is_short_scalar(v->type);
  if (name.len > 31 || !(short_value || v->type == VMIR_SCALAR_STRING)) goto separate;
  st = vmir_order_field_name(&w->order, &top);
  if (st != VMIR_OK) return st;
  if (top->count == UINT32_MAX) goto separate;
  /* Room already there, or the two calls: a failed allocation is sticky,
   * so only they can tell the name's failure from the value's. */
  size_t need = 1 + name.len + (short_value ? SHORT_SCALAR_MAX : 0);
  if (w->out.failed || need > w->out.cap - w->out.len) goto separate;
  uint8_t *p = w->out.data + w->out.len;
  p[0] = (uint8_t)(MP_FIXSTR | name.len);
  vmir_copy_short(p + 1, name.ptr, name.len);
  top->count++;
  *value_failed = true;
  if (short_value) {
    w->out.len += 1 + name.len + short_scalar_at(p + 1 + name.len, v);
  } else {
    w->out.len += 1 + name.len;
    st = write_blob(w, (const uint8_t *)v->as.string.ptr, v->as.string.len, true, "string");
    if (st != VMIR_OK) return st;
  }
  vmir_order_after_value(&w->order);
  return VMIR_OK;
separate:
  st = field_name(sink, name, true);
  if (st != VMIR_OK) return st;
  *value_failed = true;
  return mp_scalar(sink, v);
}

/* Unknown length: replace the placeholder by the smallest header for the
 * final count, moving the body back over the bytes it no longer needs. */
static void backpatch(vmir_msgpack_writer *w, const vmir_level *top) {
  uint8_t header[PLACEHOLDER_LEN];
  size_t h = container_header(header, top->kind, top->count);
  uint8_t *at = w->out.data + top->mark;
  size_t body = w->out.len - top->mark - PLACEHOLDER_LEN;
  if (h < PLACEHOLDER_LEN) memmove(at + h, at + PLACEHOLDER_LEN, body);
  memcpy(at, header, h);
  w->out.len -= PLACEHOLDER_LEN - h;
}

/* A declared count must be met exactly (vmir_order_end checks it): the
 * header is already written. */
static vmir_status mp_end(vmir_sink *sink) {
  vmir_msgpack_writer *w = sink->ctx;
  vmir_level *top = NULL;
  vmir_status st = vmir_order_end(&w->order, &top);
  if (st != VMIR_OK) return st;
  if (top->declared == VMIR_LEN_UNKNOWN) backpatch(w, top);
  vmir_order_pop(&w->order);
  return VMIR_OK;
}

static const vmir_sink_ops msgpack_ops = {
    .begin_struct = mp_begin_struct,
    .begin_seq = mp_begin_seq,
    .begin_map = mp_begin_map,
    .field_name = mp_field_name,
    .scalar = mp_scalar,
    .end = mp_end,
};

vmir_sink_name_cb vmir_msgpack_plain_field_name(const vmir_sink_ops *ops) {
  return ops->field_name == mp_field_name ? mp_field_name_plain : NULL;
}

vmir_sink_named_scalar_cb vmir_msgpack_plain_named_scalar(const vmir_sink_ops *ops) {
  return ops->field_name == mp_field_name ? mp_named_scalar_plain : NULL;
}

/* ---- public API -------------------------------------------------------- */

vmir_msgpack_writer *vmir_msgpack_writer_new(void) {
  vmir_msgpack_writer *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  vmir_buf_init(&w->out);
  w->sink.kind = VMIR_SINK_MSGPACK;
  w->sink.ops = &msgpack_ops;
  w->sink.ctx = w;
  w->order.sink = &w->sink;
  return w;
}

void vmir_msgpack_writer_free(vmir_msgpack_writer *w) {
  if (!w) return;
  vmir_buf_free(&w->out);
  vmir_order_free(&w->order);
  free(w);
}

void vmir_msgpack_writer_reset(vmir_msgpack_writer *w) {
  w->out.len = 0;
  w->out.failed = false;
  vmir_order_reset(&w->order);
}

vmir_sink *vmir_msgpack_writer_sink(vmir_msgpack_writer *w) { return &w->sink; }

/* Only a complete value is handed out (otherwise len 0, which a complete
 * value never has): a fragment's unknown lengths are still placeholders. */
const uint8_t *vmir_msgpack_writer_data(const vmir_msgpack_writer *w, size_t *len) {
  if (!vmir_order_complete(&w->order)) {
    if (len) *len = 0;
    return (const uint8_t *)""; /* not NULL: callers may memcpy 0 bytes from it */
  }
  if (len) *len = w->out.len;
  return w->out.data;
}
