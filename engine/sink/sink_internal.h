/* Pieces shared by the built-in sinks (JSON writer, MessagePack writer,
 * recorder): failure reporting, UTF-8 validation and float formatting.
 * Internal to the engine; not installed. */
#ifndef VMIR_SINK_INTERNAL_H
#define VMIR_SINK_INTERNAL_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "format/utf8.h"
#include "vmir/sink.h"

/* For generated code that names constant fields (the stencil backend
 * checks each name at compile time): a name that needs no escape in any
 * writer (printable ASCII without '"' and '\\'), and the variant of
 * ops->field_name that takes only such names and copies them without
 * scanning (same output), or NULL when the sink has none. */
typedef vmir_status (*vmir_sink_name_cb)(vmir_sink *, vmir_str);
bool vmir_sink_name_is_plain(vmir_str name);
vmir_sink_name_cb vmir_sink_plain_field_name(const vmir_sink_ops *ops);
/* The MessagePack writer's, or NULL (vmir_sink_plain_field_name asks). */
vmir_sink_name_cb vmir_msgpack_plain_field_name(const vmir_sink_ops *ops);

/* For generated code that writes a member whose constant name it checked
 * plain and whose value is a scalar (exec/ops.h,
 * vmir_op_named_field_scalar): the plain field_name and the scalar as one
 * call, which checks the event order once and, where the output already
 * has room for both, checks that once too. Output and failures are those of the two calls
 * in a row; on a failure *value_failed says whether it was the value's
 * call that failed (the error then names the field), else the name's.
 * NULL when the sink has none (vmir_sink_plain_named_scalar). */
typedef vmir_status (*vmir_sink_named_scalar_cb)(vmir_sink *, vmir_str name,
                                                 const vmir_scalar *value, bool *value_failed);
vmir_sink_named_scalar_cb vmir_sink_plain_named_scalar(const vmir_sink_ops *ops);
/* The MessagePack writer's, or NULL (vmir_sink_plain_named_scalar asks). */
vmir_sink_named_scalar_cb vmir_msgpack_plain_named_scalar(const vmir_sink_ops *ops);

/* Deepest nesting the writers accept. Deep enough for any real document,
 * small enough that a runaway program fails fast instead of growing the
 * nesting stack without bound. */
#define VMIR_SINK_MAX_DEPTH 4096u

/* Writes the reason into sink->error and returns VMIR_E_SINK, so a failing
 * callback is one line: `return vmir_sink_fail(sink, "...", ...);`. */
static inline vmir_status vmir_sink_fail(vmir_sink *sink, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline vmir_status vmir_sink_fail(vmir_sink *sink, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(sink->error, sizeof sink->error, fmt, ap);
  va_end(ap);
  return VMIR_E_SINK;
}

static inline vmir_status vmir_sink_nomem(vmir_sink *sink) {
  snprintf(sink->error, sizeof sink->error, "out of memory");
  return VMIR_E_NOMEM;
}

/* ---- UTF-8 ----------------------------------------------------------------
 * Strings written by the sinks are validated with the format layer's
 * checks (format/utf8.h: vmir_utf8_validate, with the block kernel for
 * long strings). */

/* ---- Floats ----------------------------------------------------------------
 * Writes the shortest decimal that reads back to exactly `value` (to the
 * float (float)value when is_f32) in the layout docs/sinks.md describes,
 * e.g. "0.1", "3.0", "-0.0", "1e+21", "5e-324". Non-finite values give
 * "nan", "inf", "-inf" (not JSON: the JSON writer rejects them first).
 * Returns the length; out needs VMIR_FLOAT_TEXT_MAX bytes (no NUL written). */
#define VMIR_FLOAT_TEXT_MAX 32
size_t vmir_sink_format_float(char *out, double value, bool is_f32);

/* Unsigned decimal digits of v; out needs 20 bytes. Returns the length. */
size_t vmir_sink_format_u64(char *out, uint64_t v);

#endif
