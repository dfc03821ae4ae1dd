/* Event recorder sink (tests): one line of text per event, see
 * docs/sinks.md for the format. It records exactly what it is given and
 * checks no grammar, so tests can see what a program really emitted, wrong
 * orders included. fail_at(n) makes the nth event fail to test that sink
 * errors stop execution. */
#include <stdlib.h>
#include <string.h>

#include "format/json_quote.h"
#include "sink/sink_internal.h"
#include "util/buf.h"

struct vmir_recorder {
  vmir_sink sink;
  vmir_buf text;     /* always NUL-terminated (see terminate) */
  size_t recorded;   /* events recorded */
  uint64_t seen;     /* events received, the failing one included */
  uint64_t fail_at;  /* 0: never */
};

/* Keeps text.data[len] == '\0' so vmir_recorder_text needs no copy. The
 * buffer leaves room for it (vmir_buf reserves one byte beyond len). */
static vmir_status terminate(vmir_recorder *r) {
  if (!vmir_buf_reserve(&r->text, 1)) return vmir_sink_nomem(&r->sink);
  r->text.data[r->text.len] = '\0';
  r->recorded++;
  return VMIR_OK;
}

/* Counts the event; the injected failure answers instead of recording. */
static vmir_status arrive(vmir_recorder *r) {
  r->seen++;
  if (r->fail_at != 0 && r->seen == r->fail_at)
    return vmir_sink_fail(&r->sink, "recorder: injected failure at event %" PRIu64,
                          r->seen);
  return VMIR_OK;
}

static void put_length(vmir_buf *b, uint64_t len) {
  if (len == VMIR_LEN_UNKNOWN) {
    vmir_buf_puts(b, " ?");
    return;
  }
  char digits[20];
  vmir_buf_putc(b, ' ');
  vmir_buf_append(b, digits, vmir_sink_format_u64(digits, len));
}

static void put_hex(vmir_buf *b, const uint8_t *p, size_t n) {
  static const char hex[] = "0123456789abcdef";
  vmir_buf_puts(b, "#x");
  for (size_t i = 0; i < n; i++) {
    vmir_buf_putc(b, hex[p[i] >> 4]);
    vmir_buf_putc(b, hex[p[i] & 15]);
  }
}

/* Valid UTF-8: a JSON-escaped quoted string. Otherwise the raw bytes as
 * #x hex, so the dump stays valid UTF-8 text and loses nothing. */
static void put_string(vmir_buf *b, const char *s, size_t n) {
  size_t bad;
  if (vmir_json_quote(b, (const uint8_t *)s, n, true, 0, &bad) == VMIR_JSON_QUOTE_BAD_UTF8)
    put_hex(b, (const uint8_t *)s, n);
}

static vmir_status record_begin(vmir_sink *sink, const char *word, uint64_t len) {
  vmir_recorder *r = sink->ctx;
  vmir_status st = arrive(r);
  if (st != VMIR_OK) return st;
  vmir_buf_puts(&r->text, word);
  put_length(&r->text, len);
  vmir_buf_putc(&r->text, '\n');
  return terminate(r);
}

static vmir_status rec_begin_struct(vmir_sink *sink, uint64_t len) {
  return record_begin(sink, "begin-struct", len);
}
static vmir_status rec_begin_seq(vmir_sink *sink, uint64_t len) {
  return record_begin(sink, "begin-seq", len);
}
static vmir_status rec_begin_map(vmir_sink *sink, uint64_t len) {
  return record_begin(sink, "begin-map", len);
}

/* The recorder copies names and strings into its text as they arrive, so
 * the caller's bytes may change right after the callback. */
static vmir_status rec_field_name(vmir_sink *sink, vmir_str name) {
  vmir_recorder *r = sink->ctx;
  vmir_status st = arrive(r);
  if (st != VMIR_OK) return st;
  vmir_buf_puts(&r->text, "field-name ");
  put_string(&r->text, name.ptr, name.len);
  vmir_buf_putc(&r->text, '\n');
  return terminate(r);
}

static void put_scalar(vmir_buf *b, const vmir_scalar *v) {
  char num[VMIR_FLOAT_TEXT_MAX];
  switch (v->type) {
    case VMIR_SCALAR_NULL: vmir_buf_puts(b, "null"); break;
    case VMIR_SCALAR_BOOL: vmir_buf_puts(b, v->as.boolean ? "bool true" : "bool false"); break;
    case VMIR_SCALAR_INT: {
      uint64_t mag = v->as.i64 < 0 ? UINT64_C(0) - (uint64_t)v->as.i64 : (uint64_t)v->as.i64;
      vmir_buf_puts(b, v->as.i64 < 0 ? "int -" : "int ");
      vmir_buf_append(b, num, vmir_sink_format_u64(num, mag));
      break;
    }
    case VMIR_SCALAR_UINT:
      vmir_buf_puts(b, "uint ");
      vmir_buf_append(b, num, vmir_sink_format_u64(num, v->as.u64));
      break;
    case VMIR_SCALAR_FLOAT:
      vmir_buf_puts(b, v->is_f32 ? "f32 " : "f64 ");
      vmir_buf_append(b, num, vmir_sink_format_float(num, v->as.f64, v->is_f32));
      break;
    case VMIR_SCALAR_STRING:
      vmir_buf_puts(b, "string ");
      put_string(b, v->as.string.ptr, v->as.string.len);
      break;
    case VMIR_SCALAR_BYTES:
      vmir_buf_puts(b, "bytes ");
      put_hex(b, v->as.bytes.ptr, v->as.bytes.len);
      break;
    case VMIR_SCALAR_EXT:
      vmir_buf_printf(b, "ext %d ", (int)v->as.ext.type);
      put_hex(b, v->as.ext.data, v->as.ext.len);
      break;
    case VMIR_SCALAR_TIMESTAMP:
      vmir_buf_printf(b, "timestamp %lld %u", (long long)v->as.timestamp.seconds,
                      (unsigned)v->as.timestamp.nanoseconds);
      break;
    default: vmir_buf_printf(b, "unknown-type %d", (int)v->type); break;
  }
}

static vmir_status rec_scalar(vmir_sink *sink, const vmir_scalar *v) {
  vmir_recorder *r = sink->ctx;
  vmir_status st = arrive(r);
  if (st != VMIR_OK) return st;
  vmir_buf_puts(&r->text, "scalar ");
  put_scalar(&r->text, v);
  vmir_buf_putc(&r->text, '\n');
  return terminate(r);
}

static vmir_status rec_end(vmir_sink *sink) {
  vmir_recorder *r = sink->ctx;
  vmir_status st = arrive(r);
  if (st != VMIR_OK) return st;
  vmir_buf_puts(&r->text, "end\n");
  return terminate(r);
}

static const vmir_sink_ops recorder_ops = {
    .begin_struct = rec_begin_struct,
    .begin_seq = rec_begin_seq,
    .begin_map = rec_begin_map,
    .field_name = rec_field_name,
    .scalar = rec_scalar,
    .end = rec_end,
};

vmir_recorder *vmir_recorder_new(void) {
  vmir_recorder *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  vmir_buf_init(&r->text);
  r->sink.kind = VMIR_SINK_RECORDER;
  r->sink.ops = &recorder_ops;
  r->sink.ctx = r;
  return r;
}

void vmir_recorder_free(vmir_recorder *r) {
  if (!r) return;
  vmir_buf_free(&r->text);
  free(r);
}

/* Back to the state of a new recorder, injected failure included; the
 * text buffer's memory is kept. */
void vmir_recorder_reset(vmir_recorder *r) {
  r->text.len = 0;
  r->text.failed = false;
  if (r->text.data) r->text.data[0] = '\0';
  r->recorded = 0;
  r->seen = 0;
  r->fail_at = 0;
  r->sink.error[0] = '\0';
}

void vmir_recorder_fail_at(vmir_recorder *r, uint64_t nth_event) { r->fail_at = nth_event; }

vmir_sink *vmir_recorder_sink(vmir_recorder *r) { return &r->sink; }

size_t vmir_recorder_event_count(const vmir_recorder *r) { return r->recorded; }

const char *vmir_recorder_text(const vmir_recorder *r) {
  return r->text.data && !r->text.failed ? (const char *)r->text.data : "";
}
