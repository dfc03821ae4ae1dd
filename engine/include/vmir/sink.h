/* vmir sinks: where encode programs deliver events. A sink is a small table
 * of callbacks plus a kind id (JIT code may inline a known kind behind a
 * guard). Sinks receive values and string views, never addresses inside the
 * user's value. */
#ifndef VMIR_SINK_H
#define VMIR_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmir/error.h"
#include "vmir/shape.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vmir_sink_kind {
  VMIR_SINK_CUSTOM = 0,
  VMIR_SINK_JSON,
  VMIR_SINK_MSGPACK,
  VMIR_SINK_RECORDER,
  VMIR_SINK_EVENT_BATCH
} vmir_sink_kind;

typedef enum vmir_scalar_type {
  VMIR_SCALAR_NULL = 0,
  VMIR_SCALAR_BOOL,
  VMIR_SCALAR_INT,     /* signed */
  VMIR_SCALAR_UINT,    /* unsigned */
  VMIR_SCALAR_FLOAT,   /* f64, or f32 widened (see is_f32) */
  VMIR_SCALAR_STRING,  /* UTF-8 view, valid only during the callback */
  VMIR_SCALAR_BYTES,
  VMIR_SCALAR_EXT,       /* MessagePack ext (type + data view); no JSON form */
  VMIR_SCALAR_TIMESTAMP  /* vmir_timestamp: MessagePack ext -1, RFC 3339 in JSON */
} vmir_scalar_type;

/* A scalar copied out of the value (strings and bytes as views whose bytes
 * the sink must copy if it keeps them). */
typedef struct vmir_scalar {
  vmir_scalar_type type;
  bool is_f32;         /* FLOAT came from an f32: format it as the shortest f32 */
  union {
    bool boolean;
    int64_t i64;
    uint64_t u64;
    double f64;
    vmir_str string;
    vmir_bytes bytes;
    vmir_ext ext;
    vmir_timestamp timestamp;
  } as;
} vmir_scalar;

/* Container lengths: VMIR_LEN_UNKNOWN when not known until `end`. */
#define VMIR_LEN_UNKNOWN UINT64_MAX

typedef struct vmir_sink vmir_sink;

/* Each callback returns VMIR_OK or VMIR_E_SINK after writing a reason into
 * sink->error (or any other status). Execution stops on the first failure. */
typedef struct vmir_sink_ops {
  vmir_status (*begin_struct)(vmir_sink *sink, uint64_t len);
  vmir_status (*begin_seq)(vmir_sink *sink, uint64_t len);
  vmir_status (*begin_map)(vmir_sink *sink, uint64_t len);
  vmir_status (*field_name)(vmir_sink *sink, vmir_str name);
  vmir_status (*scalar)(vmir_sink *sink, const vmir_scalar *value);
  vmir_status (*end)(vmir_sink *sink);
} vmir_sink_ops;

/* The members of vmir_sink_ops in order, for code that treats each
 * callback alike (the JIT's sink guard, code cache key and direct calls):
 * one list instead of one per place. X(member) */
#define VMIR_SINK_CALLBACKS(X) X(begin_struct) X(begin_seq) X(begin_map) X(field_name) X(scalar) X(end)

struct vmir_sink {
  vmir_sink_kind kind;
  const vmir_sink_ops *ops;
  void *ctx;
  char error[128];
};

/* ---- JSON writer (RFC 8259) ---------------------------------------------
 * Strings: control characters, '"' and '\\' escaped; valid UTF-8 passed
 * through; invalid UTF-8 is an error (VMIR_E_SINK naming the byte offset)
 * rather than silently replaced, so output is always valid JSON and nothing
 * is lost without notice. Floats: shortest text that reads back to the same
 * value; NaN and infinities are an error (JSON has no spelling for them).
 * Bytes: an array of numbers 0..255. Integers exact. */
typedef struct vmir_json_writer vmir_json_writer;

typedef struct vmir_json_options {
  bool pretty;          /* two-space indentation, one member per line */
} vmir_json_options;

vmir_json_writer *vmir_json_writer_new(const vmir_json_options *options);
void vmir_json_writer_free(vmir_json_writer *w);
/* Clears the output and the nesting state; keeps the buffer's memory. */
void vmir_json_writer_reset(vmir_json_writer *w);
vmir_sink *vmir_json_writer_sink(vmir_json_writer *w);
/* The document; len 0 (never NULL) until one complete root value has been
 * written, and after any failed event: fragments are never handed out. */
const uint8_t *vmir_json_writer_data(const vmir_json_writer *w, size_t *len);

/* ---- MessagePack writer --------------------------------------------------
 * Smallest valid encoding for every integer, float (f32 stays f32), string,
 * bin, array and map header. Unknown-length containers are backpatched to
 * the smallest header at `end`. NaN and infinities are written as floats. */
typedef struct vmir_msgpack_writer vmir_msgpack_writer;

vmir_msgpack_writer *vmir_msgpack_writer_new(void);
void vmir_msgpack_writer_free(vmir_msgpack_writer *w);
void vmir_msgpack_writer_reset(vmir_msgpack_writer *w);
vmir_sink *vmir_msgpack_writer_sink(vmir_msgpack_writer *w);
/* As vmir_json_writer_data: len 0 unless one complete value was written. */
const uint8_t *vmir_msgpack_writer_data(const vmir_msgpack_writer *w, size_t *len);

/* ---- Event recorder (tests) ---------------------------------------------
 * Records every event; prints them one per line, e.g. `begin-struct 2`,
 * `field-name "id"`, `scalar uint 7`, `end` (docs/sinks.md). Can be told to
 * fail at the Nth event to test sink-error propagation. */
typedef struct vmir_recorder vmir_recorder;

vmir_recorder *vmir_recorder_new(void);
void vmir_recorder_free(vmir_recorder *r);
void vmir_recorder_reset(vmir_recorder *r);
/* The Nth event (1-based) fails with VMIR_E_SINK; 0 disables. */
void vmir_recorder_fail_at(vmir_recorder *r, uint64_t nth_event);
vmir_sink *vmir_recorder_sink(vmir_recorder *r);
size_t vmir_recorder_event_count(const vmir_recorder *r);
/* NUL-terminated dump of the events so far, one per line. */
const char *vmir_recorder_text(const vmir_recorder *r);

#ifdef __cplusplus
}
#endif
#endif
