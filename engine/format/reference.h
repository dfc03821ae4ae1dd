/* The previous, simpler implementations of the format kernels, kept as
 * test oracles: the conformance kernel tests and the kernel fuzz target
 * compare the fast kernels with these on every input. Built into the
 * test-only library vmir_reference (engine/meson.build), never into
 * libvmir. */
#ifndef VMIR_FORMAT_REFERENCE_H
#define VMIR_FORMAT_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "format/json_internal.h"

/* vmir_json_lex_number, digit by digit, with strtod for what Clinger's
 * fast path cannot decide. */
vmir_status vmir_json_lex_number_reference(vmir_source *src, vmir_arena *arena,
                                           vmir_scalar *out, vmir_error *err);

/* vmir_sink_format_float by exact 128-bit interval arithmetic, with printf
 * and strtod outside its range. */
size_t vmir_sink_format_float_reference(char *out, double value, bool is_f32);

/* vmir_json_scan_string, sixteen bytes at a time to the first byte that is
 * not plain ASCII, UTF-8 checked one sequence at a time. */
vmir_status vmir_json_scan_string_reference(vmir_source *src, vmir_json_string *s,
                                            vmir_error *err);

/* The JSON writer's string escaping, byte by byte: s[0..n) as a quoted
 * JSON string into out (room for 6 n + 2 bytes), returning its length; 0
 * on ill-formed UTF-8, with *bad the offset of its first byte. */
size_t vmir_json_escape_reference(const uint8_t *s, size_t n, uint8_t *out, size_t *bad);

/* The string d[start..end) (scanned, well formed) unescaped byte by byte
 * into out (room for end - start bytes); its length. */
size_t vmir_json_unescape_reference(const uint8_t *d, size_t start, size_t end, uint8_t *out);

/* The kernel against its reference on one input: true when they agree,
 * else false with the difference described in why[0..why_len). Numbers:
 * status, end, type, value bits and message (the arena is reset after).
 * Floats: the same text, which reads back as the value (strtod, strtof).
 * Strings (text starts at the opening quote): status, bounds, decoded
 * length, escape flag and message; then vmir_json_lex_string (views and
 * copies, in an arena with ample and with little free room) against the
 * same scan and vmir_json_unescape_reference: same_lexed_string. */
bool vmir_reference_same_number(const uint8_t *text, size_t len, vmir_arena *arena, char *why,
                                size_t why_len);
bool vmir_reference_same_float_text(double v, bool is_f32, char *why, size_t why_len);
bool vmir_reference_same_string(const uint8_t *text, size_t len, char *why, size_t why_len);
bool vmir_reference_same_lexed_string(const uint8_t *text, size_t len, char *why, size_t why_len);
/* The JSON writer's string (a string scalar written by vmir_json_writer)
 * against vmir_json_escape_reference: the same bytes, or both refuse it
 * with the writer's message naming the reference's offset. */
bool vmir_reference_same_escape(const uint8_t *s, size_t n, char *why, size_t why_len);

#endif
