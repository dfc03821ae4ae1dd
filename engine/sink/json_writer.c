/* JSON writer sink (RFC 8259). Policies: docs/sinks.md.
 *
 * The writer checks the event grammar as it goes (field names only directly
 * inside a struct or map, one before each member value; `end` closes the
 * innermost container; declared member counts are kept; one root value), so
 * a program that breaks the sink contract fails here with a reason instead
 * of producing malformed JSON. Output goes straight into one growable
 * buffer: no allocation per event. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format/timestamp.h"
#include "format/json_quote.h"
#include "sink/event_order.h"
#include "sink/sink_internal.h"
#include "util/buf.h"
#include "util/short_copy.h"

struct vmir_json_writer {
  vmir_sink sink;
  vmir_buf out;
  vmir_event_order order; /* the event grammar and the nesting stack */
  bool pretty;
};

#define FAIL(w, ...) VMIR_ORDER_FAIL(&(w)->order, __VA_ARGS__)

/* Room for n more bytes; NULL after an allocation failure. The buffer
 * keeps its capacity across documents (the largest one seen
 * so far is kept), so after the first document this is one comparison. */
static inline uint8_t *room(vmir_json_writer *w, size_t n) {
  if (__builtin_expect(w->out.failed || n > w->out.cap - w->out.len, 0) &&
      !vmir_buf_reserve(&w->out, n))
    return NULL;
  return w->out.data + w->out.len;
}

static vmir_status nomem(vmir_json_writer *w) { return vmir_order_nomem(&w->order); }

/* Pretty mode: newline and two spaces per level. */
static bool put_newline_indent(vmir_json_writer *w, uint32_t depth) {
  size_t n = 1 + 2 * (size_t)depth;
  uint8_t *p = room(w, n);
  if (!p) return false;
  p[0] = '\n';
  memset(p + 1, ' ', n - 1);
  w->out.len += n;
  return true;
}

/* Checks that a value may start here and writes what precedes it (a comma
 * and, in pretty mode, the line break inside sequences; inside objects the
 * field name already wrote them). */
static vmir_status before_value(vmir_json_writer *w) {
  vmir_level *seq;
  vmir_status st = vmir_order_before_value(&w->order, &seq);
  if (st != VMIR_OK || !seq) return st;
  if (seq->count++ > 0) {
    uint8_t *p = room(w, 1);
    if (!p) return nomem(w);
    *p = ',';
    w->out.len++;
  }
  if (w->pretty && !put_newline_indent(w, w->order.depth)) return nomem(w);
  return VMIR_OK;
}

/* before_value and room for `len` bytes of the value under one
 * reservation: where the value goes (past the comma), or NULL with *st
 * set. The caller writes the value and sets w->out.len past it. Pretty
 * output takes the separate steps. */
static inline uint8_t *value_at(vmir_json_writer *w, size_t len, vmir_status *st) {
  if (w->pretty) {
    *st = before_value(w);
    if (*st != VMIR_OK) return NULL;
    uint8_t *p = room(w, len);
    if (!p) *st = nomem(w);
    return p;
  }
  vmir_level *seq;
  *st = vmir_order_before_value(&w->order, &seq);
  if (*st != VMIR_OK) return NULL;
  uint8_t *p = room(w, len + 1);
  if (!p) {
    *st = nomem(w);
    return NULL;
  }
  if (seq && seq->count++ > 0) *p++ = ',';
  return p;
}

/* Ends a value written up to p (from value_at). */
static inline void value_end(vmir_json_writer *w, uint8_t *p) {
  w->out.len = (size_t)(p - w->out.data);
  vmir_order_after_value(&w->order);
}

/* ---- strings ----------------------------------------------------------- */

/* Writes s as a JSON string (format/json_quote.h); `what` names the
 * string in errors. On return w->out.len is past the closing quote and
 * `tail` bytes of room remain. */
static vmir_status write_string_tail(vmir_json_writer *w, const uint8_t *s, size_t n,
                                     const char *what, size_t tail) {
  size_t bad = 0;
  switch (vmir_json_quote(&w->out, s, n, true, tail, &bad)) {
    case VMIR_JSON_QUOTED: return VMIR_OK;
    case VMIR_JSON_QUOTE_BAD_UTF8: return FAIL(w, "invalid UTF-8 at byte %zu of %s", bad, what);
    case VMIR_JSON_QUOTE_NOMEM: break;
  }
  return nomem(w);
}

static vmir_status write_string(vmir_json_writer *w, const uint8_t *s, size_t n,
                                const char *what) {
  return write_string_tail(w, s, n, what, 0);
}

/* ---- scalars ----------------------------------------------------------- */

static vmir_status write_raw(vmir_json_writer *w, const char *text, size_t n) {
  uint8_t *p = room(w, n);
  if (!p) return nomem(w);
  memcpy(p, text, n);
  w->out.len += n;
  return VMIR_OK;
}

/* The text of a signed integer into p (room for 20 bytes); its length. */
static size_t int_text(uint8_t *p, int64_t v) {
  /* Magnitude in unsigned arithmetic: -INT64_MIN does not fit an int64. */
  uint64_t mag = v < 0 ? UINT64_C(0) - (uint64_t)v : (uint64_t)v;
  size_t n = 0;
  if (v < 0) p[n++] = '-';
  return n + vmir_sink_format_u64((char *)p + n, mag);
}

/* Bytes: an array of numbers 0..255 (JSON has no byte strings), laid out
 * like any other sequence. */
static vmir_status write_bytes(vmir_json_writer *w, const uint8_t *b, size_t n) {
  uint32_t depth = w->order.depth;
  size_t per_byte = 4 + (w->pretty ? 1 + 2 * ((size_t)depth + 1) : 0);
  if (n > (SIZE_MAX - 64) / per_byte - 1) return nomem(w);
  if (!room(w, n * per_byte + 3 + 2 * (size_t)depth)) return nomem(w);
  w->out.data[w->out.len++] = '[';
  for (size_t i = 0; i < n; i++) {
    if (i > 0) w->out.data[w->out.len++] = ',';
    if (w->pretty) put_newline_indent(w, depth + 1);
    w->out.len += vmir_sink_format_u64((char *)w->out.data + w->out.len, b[i]);
  }
  if (w->pretty && n > 0) put_newline_indent(w, depth);
  w->out.data[w->out.len++] = ']';
  return VMIR_OK;
}

/* Numbers, null and booleans: the values whose text is at most
 * VMIR_FLOAT_TEXT_MAX bytes. */
static inline bool is_short_scalar(vmir_scalar_type type) {
  switch (type) {
    case VMIR_SCALAR_NULL: case VMIR_SCALAR_BOOL: case VMIR_SCALAR_INT: case VMIR_SCALAR_UINT:
    case VMIR_SCALAR_FLOAT:
      return true;
    default: return false;
  }
}

static inline bool has_json_form(const vmir_scalar *v) {
  return v->type != VMIR_SCALAR_FLOAT ||
         (isfinite(v->as.f64) && (!v->is_f32 || isfinite((float)v->as.f64)));
}

/* The text of a short scalar with a JSON form at p (VMIR_FLOAT_TEXT_MAX
 * bytes of room); returns the end of it. */
static inline uint8_t *short_scalar_text(uint8_t *p, const vmir_scalar *v) {
  switch (v->type) {
    case VMIR_SCALAR_NULL: memcpy(p, "null", 4); return p + 4;
    case VMIR_SCALAR_BOOL:
      if (v->as.boolean) {
        memcpy(p, "true", 4);
        return p + 4;
      }
      memcpy(p, "false", 5);
      return p + 5;
    case VMIR_SCALAR_INT: return p + int_text(p, v->as.i64);
    case VMIR_SCALAR_UINT: return p + vmir_sink_format_u64((char *)p, v->as.u64);
    default: return p + vmir_sink_format_float((char *)p, v->as.f64, v->is_f32);
  }
}

static vmir_status fail_no_json_form(vmir_json_writer *w) {
  return FAIL(w, "non-finite float has no JSON form");
}

/* Short scalars: separator and text under one reservation (value_at). */
static vmir_status write_short_scalar(vmir_json_writer *w, const vmir_scalar *v) {
  vmir_status st;
  uint8_t *p = value_at(w, VMIR_FLOAT_TEXT_MAX, &st);
  if (!p) return st;
  if (!has_json_form(v)) return fail_no_json_form(w);
  value_end(w, short_scalar_text(p, v));
  return VMIR_OK;
}

static vmir_status json_scalar(vmir_sink *sink, const vmir_scalar *v) {
  vmir_json_writer *w = sink->ctx;
  if (is_short_scalar(v->type)) return write_short_scalar(w, v);
  vmir_status st = before_value(w);
  if (st != VMIR_OK) return st;
  switch (v->type) {
    case VMIR_SCALAR_STRING:
      st = write_string(w, (const uint8_t *)v->as.string.ptr, v->as.string.len,
                        "string");
      break;
    case VMIR_SCALAR_BYTES: st = write_bytes(w, v->as.bytes.ptr, v->as.bytes.len); break;
    case VMIR_SCALAR_TIMESTAMP: {
      char text[VMIR_RFC3339_MAX];
      size_t n;
      if (!vmir_timestamp_format(v->as.timestamp, text, &n))
        return FAIL(w, "timestamp (%lld s, %u ns) has no RFC 3339 form (years 0000..9999, "
                    "nanoseconds below 1000000000)", (long long)v->as.timestamp.seconds,
                    (unsigned)v->as.timestamp.nanoseconds);
      st = write_raw(w, "\"", 1);
      if (st == VMIR_OK) st = write_raw(w, text, n);
      if (st == VMIR_OK) st = write_raw(w, "\"", 1);
      break;
    }
    /* JSON has no ext: any spelling (an object, a string) would read back
     * as a different value, so the data would change without notice. */
    case VMIR_SCALAR_EXT:
      return FAIL(w, "MessagePack ext (type %d, %u bytes) has no JSON form", (int)v->as.ext.type,
                  (unsigned)v->as.ext.len);
    default: return FAIL(w, "unknown scalar type %d", (int)v->type);
  }
  if (st != VMIR_OK) return st;
  vmir_order_after_value(&w->order);
  return VMIR_OK;
}

/* ---- containers ---------------------------------------------------------- */

static vmir_status begin(vmir_sink *sink, vmir_level_kind kind, uint64_t len) {
  vmir_json_writer *w = sink->ctx;
  vmir_status st;
  uint8_t *p = value_at(w, 1, &st);
  if (!p) return st;
  /* The bracket counts once the level is open (the push can fail). */
  *p = kind == VMIR_LEVEL_SEQ ? '[' : '{';
  st = vmir_order_push(&w->order, kind, len, 0);
  if (st != VMIR_OK) return st;
  w->out.len = (size_t)(p + 1 - w->out.data);
  return VMIR_OK;
}

static vmir_status json_begin_struct(vmir_sink *sink, uint64_t len) {
  return begin(sink, VMIR_LEVEL_STRUCT, len);
}
static vmir_status json_begin_seq(vmir_sink *sink, uint64_t len) {
  return begin(sink, VMIR_LEVEL_SEQ, len);
}
static vmir_status json_begin_map(vmir_sink *sink, uint64_t len) {
  return begin(sink, VMIR_LEVEL_MAP, len);
}

/* Compact output of a member's plain name at p (room for name.len + 4
 * bytes): the comma before any but the first member of top (counting
 * this one), the quoted name and the colon; returns the end of it. */
static inline uint8_t *plain_name_text(uint8_t *p, vmir_level *top, vmir_str name) {
  if (top->count++ > 0) *p++ = ',';
  p[0] = '"';
  vmir_copy_short(p + 1, name.ptr, name.len);
  p[1 + name.len] = '"';
  p[2 + name.len] = ':';
  return p + 3 + name.len;
}

/* A field name. `plain`: the caller checked that the name needs no
 * escape and is valid UTF-8 (vmir_sink_name_is_plain), so it is copied as
 * is instead of scanned: the output is the same. */
static inline vmir_status field_name(vmir_sink *sink, vmir_str name, bool plain) {
  vmir_json_writer *w = sink->ctx;
  vmir_level *top = NULL;
  vmir_status st = vmir_order_field_name(&w->order, &top);
  if (st != VMIR_OK) return st;
  if (plain && !w->pretty) {
    /* Compact, a name known to need no escape (generated code's): the
     * comma, the quoted name and the colon under one reservation. */
    if (name.len > SIZE_MAX - 16) return nomem(w);
    uint8_t *p = room(w, name.len + 4);
    if (!p) return nomem(w);
    w->out.len = (size_t)(plain_name_text(p, top, name) - w->out.data);
    w->order.key_pending = true;
    return VMIR_OK;
  }
  if (top->count++ > 0) {
    uint8_t *p = room(w, 1 + name.len + 3);
    if (!p) return nomem(w);
    *p = ',';
    w->out.len++;
  }
  if (w->pretty && !put_newline_indent(w, w->order.depth)) return nomem(w);
  /* (pretty output scans even a plain name: the same text, off the fast path) */
  st = write_string_tail(w, (const uint8_t *)name.ptr, name.len, "field name", 2);
  if (st != VMIR_OK) return st;
  w->out.data[w->out.len++] = ':';
  if (w->pretty) w->out.data[w->out.len++] = ' ';
  w->order.key_pending = true;
  return VMIR_OK;
}

static vmir_status json_field_name(vmir_sink *sink, vmir_str name) {
  return field_name(sink, name, false);
}

/* For generated code naming a constant field it checked at compile time. */
static vmir_status json_field_name_plain(vmir_sink *sink, vmir_str name) {
  return field_name(sink, name, true);
}

/* sink_internal.h, vmir_sink_named_scalar_cb. Compact output, a short
 * scalar or a string: the order checked once (the name's check; the
 * value's is then the pending name's), the name and a short value
 * written into room the buffer already has. Anything else, or too little
 * room, takes the two calls. */
static vmir_status json_named_scalar_plain(vmir_sink *sink, vmir_str name,
                                           const vmir_scalar *v, bool *value_failed) {
  vmir_json_writer *w = sink->ctx;
  vmir_level *top = NULL;
  vmir_status st;
  *value_failed = false;
  bool short_value = is_short_scalar(v->type);
  if (w->pretty || name.len > SIZE_MAX / 2 || !(short_value || v->type == VMIR_SCALAR_STRING))
    goto separate;
  st = vmir_order_field_name(&w->order, &top);
  if (st != VMIR_OK) return st;
  /* Room already there, or the two calls: a failed allocation is sticky,
   * so only they can tell the name's failure from the value's. */
  size_t need = name.len + 4 + (short_value ? VMIR_FLOAT_TEXT_MAX : 0);
  if (w->out.failed || need > w->out.cap - w->out.len) goto separate;
  uint8_t *p = plain_name_text(w->out.data + w->out.len, top, name);
  *value_failed = true;
  if (short_value) {
    if (!has_json_form(v)) return fail_no_json_form(w);
    p = short_scalar_text(p, v);
    w->out.len = (size_t)(p - w->out.data);
  } else {
    w->out.len = (size_t)(p - w->out.data);
    st = write_string(w, (const uint8_t *)v->as.string.ptr, v->as.string.len, "string");
    if (st != VMIR_OK) return st;
  }
  vmir_order_after_value(&w->order);
  return VMIR_OK;
separate:
  st = field_name(sink, name, true);
  if (st != VMIR_OK) return st;
  *value_failed = true;
  return json_scalar(sink, v);
}

static vmir_status json_end(vmir_sink *sink) {
  vmir_json_writer *w = sink->ctx;
  vmir_level *top = NULL;
  vmir_status st = vmir_order_end(&w->order, &top);
  if (st != VMIR_OK) return st;
  if (w->pretty && top->count > 0 && !put_newline_indent(w, w->order.depth - 1))
    return nomem(w);
  uint8_t *p = room(w, 1);
  if (!p) return nomem(w);
  *p = top->kind == VMIR_LEVEL_SEQ ? ']' : '}';
  w->out.len++;
  vmir_order_pop(&w->order);
  return VMIR_OK;
}

static const vmir_sink_ops json_ops = {
    .begin_struct = json_begin_struct,
    .begin_seq = json_begin_seq,
    .begin_map = json_begin_map,
    .field_name = json_field_name,
    .scalar = json_scalar,
    .end = json_end,
};

/* ---- for generated code (sink_internal.h) ---------------------------------- */

bool vmir_sink_name_is_plain(vmir_str name) {
  for (size_t i = 0; i < name.len; i++) {
    uint8_t c = (uint8_t)name.ptr[i];
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}

vmir_sink_name_cb vmir_sink_plain_field_name(const vmir_sink_ops *ops) {
  return ops->field_name == json_field_name ? json_field_name_plain
                                            : vmir_msgpack_plain_field_name(ops);
}

vmir_sink_named_scalar_cb vmir_sink_plain_named_scalar(const vmir_sink_ops *ops) {
  return ops->field_name == json_field_name ? json_named_scalar_plain
                                            : vmir_msgpack_plain_named_scalar(ops);
}

/* ---- public API -------------------------------------------------------- */

vmir_json_writer *vmir_json_writer_new(const vmir_json_options *options) {
  vmir_json_writer *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  vmir_buf_init(&w->out);
  w->pretty = options && options->pretty;
  w->sink.kind = VMIR_SINK_JSON;
  w->sink.ops = &json_ops;
  w->sink.ctx = w;
  w->order.sink = &w->sink;
  return w;
}

void vmir_json_writer_free(vmir_json_writer *w) {
  if (!w) return;
  vmir_buf_free(&w->out);
  vmir_order_free(&w->order);
  free(w);
}

void vmir_json_writer_reset(vmir_json_writer *w) {
  /* The next document likely needs what the largest so far did: the
   * buffer keeps that capacity, so its events never wait on growth. */
  w->out.len = 0;
  w->out.failed = false;
  vmir_order_reset(&w->order);
}

vmir_sink *vmir_json_writer_sink(vmir_json_writer *w) { return &w->sink; }

/* Only a complete document is handed out: after a failed event, before the
 * root value, or with a container still open the answer is empty (len 0;
 * a complete document never is), so a caller can never mistake a fragment
 * for valid JSON. */
const uint8_t *vmir_json_writer_data(const vmir_json_writer *w, size_t *len) {
  if (!vmir_order_complete(&w->order)) {
    if (len) *len = 0;
    return (const uint8_t *)""; /* not NULL: callers may memcpy 0 bytes from it */
  }
  if (len) *len = w->out.len;
  return w->out.data;
}
