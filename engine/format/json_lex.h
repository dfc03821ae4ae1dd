/* The JSON lexing builtins of docs/ir.md, one function per json-* opcode.
 * The interpreter calls them (and JIT code may call them too); the loops
 * over ',' and ']' stay in the IR, these only lex one token each.
 *
 * Every function first skips insignificant whitespace (space, \t, \n, \r)
 * and fails with a vmir_error carrying the token context (offset, line,
 * column, excerpt, expected/found; see format/source.h). On failure the
 * cursor position is unspecified: decode stops at the first failure.
 *
 * Strings and keys come back as views into the input when they have no
 * escapes, otherwise unescaped into the arena. read-value copies every
 * string into the arena so the tree does not depend on the input buffer.
 * Rules and limits: docs/decode-formats.md. */
#ifndef VMIR_FORMAT_JSON_LEX_H
#define VMIR_FORMAT_JSON_LEX_H

#include <stdbool.h>

#include "format/key_match.h"
#include "format/source.h"
#include "util/arena.h"
#include "vmir/shape.h"
#include "vmir/sink.h"

/* RFC 8259 insignificant whitespace: exactly these four bytes. */
static inline bool vmir_json_is_ws(uint8_t c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Position of the first non-whitespace byte at or after p (or n): the
 * vectorised loop for long runs such as indentation, out of line so that
 * the inline whitespace checks (and the stencils) stay small. */
size_t vmir_json_skip_ws_run(const uint8_t *d, size_t p, size_t n);

/* json-begin-object: consumes '{'; *empty when '}' follows (consumed too). */
vmir_status vmir_json_begin_object(vmir_source *src, bool *empty, vmir_error *err);
/* json-read-key: a member name string into *key, then consumes ':'. */
vmir_status vmir_json_read_key(vmir_source *src, vmir_arena *arena, vmir_str *key,
                               vmir_error *err);
/* json-read-key when the name ahead (at src->pos, whitespace skipped) is
 * `expected`, a plain name (printable ASCII without '"' or '\\', whose JSON
 * text is its bytes between quotes: sink/sink_internal.h,
 * vmir_sink_name_is_plain): compared in place in the input, no string
 * lexing. True with *key pointing into the input and the ':' consumed;
 * false with nothing consumed, and vmir_json_read_key then reads whatever
 * is there and reports any error: so the result is always
 * vmir_json_read_key's. */
static inline bool vmir_json_read_key_if(vmir_source *src, vmir_str expected, vmir_str *key) {
  size_t p = src->pos, n = expected.len;
  if (src->len - p < n + 3 || n > src->string_limit) return false;
  const uint8_t *d = src->data + p;
  if (d[0] != '"' || d[n + 1] != '"' || !vmir_key_equal((const char *)d + 1, expected.ptr, n))
    return false;
  size_t colon = p + n + 2;
  if (src->data[colon] != ':') {
    colon = vmir_json_skip_ws_run(src->data, colon, src->len);
    if (colon >= src->len || src->data[colon] != ':') return false;
  }
  key->ptr = (const char *)d + 1;
  key->len = n;
  src->pos = colon + 1;
  return true;
}

/* json-next-member: ',' -> *end false; '}' -> *end true. */
vmir_status vmir_json_next_member(vmir_source *src, bool *end, vmir_error *err);
/* json-begin-array: consumes '['; *empty when ']' follows (consumed too). */
vmir_status vmir_json_begin_array(vmir_source *src, bool *empty, vmir_error *err);
/* json-next-element: ',' -> *end false; ']' -> *end true. */
vmir_status vmir_json_next_element(vmir_source *src, bool *end, vmir_error *err);
/* The structural tokens with nothing to skip around them, the common case
 * in compact documents: decided inline, so a decode step pays no call for
 * a ',' or a bracket. Anything else (whitespace, an error) is left to the
 * functions above, from the same position: the result is always theirs. */
/* The token at the cursor if it is ',' (*end false) or `close` (*end
 * true), consumed; false, with nothing consumed, for anything else. The
 * decision of json-next-member and json-next-element after whitespace. */
static inline bool vmir_json_take_next(vmir_source *src, uint8_t close, bool *end) {
  size_t p = src->pos;
  if (p >= src->len || (src->data[p] != ',' && src->data[p] != close)) return false;
  *end = src->data[p] == close;
  src->pos = p + 1;
  return true;
}

static inline vmir_status vmir_json_next_in_fast(vmir_source *src, uint8_t close, bool *end,
                                                 vmir_error *err,
                                                 vmir_status (*next)(vmir_source *, bool *,
                                                                     vmir_error *)) {
  return vmir_json_take_next(src, close, end) ? VMIR_OK : next(src, end, err);
}

static inline vmir_status vmir_json_begin_fast(vmir_source *src, uint8_t open, uint8_t close,
                                               bool *empty, vmir_error *err,
                                               vmir_status (*begin)(vmir_source *, bool *,
                                                                    vmir_error *)) {
  size_t p = src->pos;
  if (p < src->len && src->len - p >= 2 && src->data[p] == open) {
    uint8_t c = src->data[p + 1];
    if (!vmir_json_is_ws(c)) {
      *empty = c == close;
      src->pos = p + 1 + *empty;
      return VMIR_OK;
    }
  }
  return begin(src, empty, err);
}

static inline vmir_status vmir_json_next_element_fast(vmir_source *src, bool *end, vmir_error *err) {
  return vmir_json_next_in_fast(src, ']', end, err, vmir_json_next_element);
}
static inline vmir_status vmir_json_next_member_fast(vmir_source *src, bool *end, vmir_error *err) {
  return vmir_json_next_in_fast(src, '}', end, err, vmir_json_next_member);
}
static inline vmir_status vmir_json_begin_array_fast(vmir_source *src, bool *empty, vmir_error *err) {
  return vmir_json_begin_fast(src, '[', ']', empty, err, vmir_json_begin_array);
}
static inline vmir_status vmir_json_begin_object_fast(vmir_source *src, bool *empty, vmir_error *err) {
  return vmir_json_begin_fast(src, '{', '}', empty, err, vmir_json_begin_object);
}

/* json-peek-null: true (and consumed) when the next token is null; false
 * leaves the cursor before the token. Never fails. */
bool vmir_json_peek_null(vmir_source *src);
/* json-peek-token: class of the next token, not consumed. Fails at end of
 * input and on a byte that starts no JSON value. */
vmir_status vmir_json_peek_token(vmir_source *src, vmir_token_class *cls,
                                 vmir_error *err);
/* json-read-bool: true/false into *out (VMIR_SCALAR_BOOL). */
vmir_status vmir_json_read_bool(vmir_source *src, vmir_scalar *out, vmir_error *err);
/* json-read-number: RFC 8259 number. Integers (no fraction, no exponent):
 * VMIR_SCALAR_UINT when non-negative (including "-0"), VMIR_SCALAR_INT when
 * negative; beyond u64/i64 -> error. Otherwise VMIR_SCALAR_FLOAT, correctly
 * rounded; overflow to infinity -> error, underflow accepted. The arena
 * holds long tokens briefly (released before returning). */
vmir_status vmir_json_read_number(vmir_source *src, vmir_arena *arena,
                                  vmir_scalar *out, vmir_error *err);
/* json-read-number with the cursor already at the number's first byte (no
 * whitespace skipping): the lexing kernel skips it once itself. */
vmir_status vmir_json_lex_number(vmir_source *src, vmir_arena *arena,
                                 vmir_scalar *out, vmir_error *err);
/* json-read-string: VMIR_SCALAR_STRING, unescaped, validated UTF-8. */
vmir_status vmir_json_read_string(vmir_source *src, vmir_arena *arena,
                                  vmir_scalar *out, vmir_error *err);
/* json-read-null: VMIR_SCALAR_NULL. */
vmir_status vmir_json_read_null(vmir_source *src, vmir_scalar *out, vmir_error *err);
/* json-read-value: any value into *out, built in the arena; iterative, at
 * most src->depth_limit nested containers. On failure the arena is reset to
 * where it was on entry. */
vmir_status vmir_json_read_value(vmir_source *src, vmir_arena *arena, vmir_value *out,
                                 vmir_error *err);
/* json-skip-value: validates and skips any value (as read-value, without
 * building). Uses the arena's scratch buffer for its nesting stack. */
vmir_status vmir_json_skip_value(vmir_source *src, vmir_arena *arena, vmir_error *err);
/* json-expect-end: only whitespace remains. */
vmir_status vmir_json_expect_end(vmir_source *src, vmir_error *err);

#endif
