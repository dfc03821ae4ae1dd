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

#include "vmir/sink.h"

/* For generated code that names constant fields (the stencil backend
 * checks each name at compile time): a name that needs no escape in any
 * writer (printable ASCII without '"' and '\\'), and the variant of
 * ops->field_name that takes only such names and copies them without
 * scanning (same output), or NULL when the sink has none. */
typedef vmir_status (*vmir_sink_name_cb)(vmir_sink *, vmir_str);
bool vmir_sink_name_is_plain(vmir_str name);
vmir_sink_name_cb vmir_sink_plain_field_name(const vmir_sink_ops *ops);

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
 * Well-formed sequences per Unicode table 3-7: no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncation. */

static inline bool vmir_utf8_is_cont(uint8_t c) { return (c & 0xC0) == 0x80; }

/* Length (1..4) of the well-formed sequence at s (avail >= 1 bytes
 * readable), or 0 if the bytes there are not well-formed UTF-8. */
static inline size_t vmir_utf8_sequence(const uint8_t *s, size_t avail) {
  uint8_t c = s[0];
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0; /* stray continuation byte, or overlong 2-byte lead */
  if (c < 0xE0) return avail >= 2 && vmir_utf8_is_cont(s[1]) ? 2 : 0;
  if (c < 0xF0) {
    if (avail < 3) return 0;
    /* E0 needs A0.. (else overlong); ED needs ..9F (else a surrogate). */
    uint8_t lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return s[1] >= lo && s[1] <= hi && vmir_utf8_is_cont(s[2]) ? 3 : 0;
  }
  if (c < 0xF5) {
    if (avail < 4) return 0;
    /* F0 needs 90.. (else overlong); F4 needs ..8F (else above U+10FFFF). */
    uint8_t lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return s[1] >= lo && s[1] <= hi && vmir_utf8_is_cont(s[2]) &&
                   vmir_utf8_is_cont(s[3])
               ? 4
               : 0;
  }
  return 0;
}

/* True when s[0..n) is well-formed UTF-8; otherwise false with *bad set to
 * the offset of the first byte of the first ill-formed sequence. ASCII runs
 * are checked eight bytes at a time because most text is ASCII. */
static inline bool vmir_utf8_valid(const uint8_t *s, size_t n, size_t *bad) {
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t word;
      memcpy(&word, s + i, 8);
      if ((word & UINT64_C(0x8080808080808080)) == 0) {
        i += 8;
        continue;
      }
    }
    size_t len = vmir_utf8_sequence(s + i, n - i);
    if (len == 0) {
      *bad = i;
      return false;
    }
    i += len;
  }
  return true;
}

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
