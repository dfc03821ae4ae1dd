/* The JSON builtins of docs/ir.md that lex one token each. Together with
 * json_string.c, json_number.c and json_value.c they are the whole JSON
 * part of the closed builtin set: one function per json-* opcode, and
 * nothing else in the engine knows JSON syntax. */
/* t[impl format.vm.builtins-extension-point] */
#include "format/json_internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "format/bits.h"

size_t vmir_json_skip_ws_run(const uint8_t *d, size_t p, size_t n) {
#if defined(__SSE2__)
  const __m128i sp = _mm_set1_epi8(' '), nl = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r'), tab = _mm_set1_epi8('\t');
  while (n - p >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(d + p));
    __m128i ws = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, nl)),
                              _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, tab)));
    unsigned other = ~(unsigned)_mm_movemask_epi8(ws) & 0xFFFFu;
    if (other) return p + vmir_first_set(other);
    p += 16;
  }
#endif
  while (p < n && vmir_json_is_ws(d[p])) p++;
  return p;
}

/* ',' -> *end false, `close` -> *end true, both consumed. */
static vmir_status next_in(vmir_source *src, uint8_t close, bool *end,
                           const char *what, vmir_error *err) {
  vmir_json_skip_ws(src);
  if (vmir_json_take_next(src, close, end)) return VMIR_OK;
  return vmir_source_expected(src, err, src->pos, what);
}

/* `open` consumed; *empty when `close` follows (consumed too). */
static vmir_status begin_in(vmir_source *src, uint8_t open, uint8_t close, bool *empty,
                            const char *what, vmir_error *err) {
  vmir_json_skip_ws(src);
  if (src->pos >= src->len || src->data[src->pos] != open)
    return vmir_source_expected(src, err, src->pos, what);
  src->pos++;
  vmir_json_skip_ws(src);
  *empty = src->pos < src->len && src->data[src->pos] == close;
  if (*empty) src->pos++;
  return VMIR_OK;
}

vmir_status vmir_json_begin_object(vmir_source *src, bool *empty, vmir_error *err) {
  return begin_in(src, '{', '}', empty, "'{' to begin an object", err);
}

vmir_status vmir_json_read_key(vmir_source *src, vmir_arena *arena, vmir_str *key,
                               vmir_error *err) {
  vmir_json_skip_ws(src);
  if (src->pos >= src->len || src->data[src->pos] != '"')
    return vmir_source_expected(src, err, src->pos, "a string (object member name)");
  vmir_status st = vmir_json_lex_string(src, arena, false, key, err);
  if (st != VMIR_OK) return st;
  vmir_json_skip_ws(src);
  if (src->pos >= src->len || src->data[src->pos] != ':')
    return vmir_source_expected(src, err, src->pos, "':' after object member name");
  src->pos++;
  return VMIR_OK;
}

vmir_status vmir_json_next_member(vmir_source *src, bool *end, vmir_error *err) {
  return next_in(src, '}', end, "',' or '}' after object member", err);
}

vmir_status vmir_json_begin_array(vmir_source *src, bool *empty, vmir_error *err) {
  return begin_in(src, '[', ']', empty, "'[' to begin an array", err);
}

vmir_status vmir_json_next_element(vmir_source *src, bool *end, vmir_error *err) {
  return next_in(src, ']', end, "',' or ']' after array element", err);
}

bool vmir_json_peek_null(vmir_source *src) {
  vmir_json_skip_ws(src);
  if (!vmir_json_at_literal(src, "null", 4)) return false;
  src->pos += 4;
  return true;
}

vmir_status vmir_json_peek_token(vmir_source *src, vmir_token_class *cls,
                                 vmir_error *err) {
  vmir_json_skip_ws(src);
  if (src->pos < src->len) {
    switch (src->data[src->pos]) {
      case 'n': *cls = VMIR_TOKEN_NULL; return VMIR_OK;
      case 't': case 'f': *cls = VMIR_TOKEN_BOOL; return VMIR_OK;
      case '"': *cls = VMIR_TOKEN_STRING; return VMIR_OK;
      case '[': *cls = VMIR_TOKEN_ARRAY; return VMIR_OK;
      case '{': *cls = VMIR_TOKEN_OBJECT; return VMIR_OK;
      case '-': case '0': case '1': case '2': case '3': case '4':
      case '5': case '6': case '7': case '8': case '9':
        *cls = VMIR_TOKEN_NUMBER;
        return VMIR_OK;
      default: break;
    }
  }
  return vmir_source_expected(src, err, src->pos, "a JSON value");
}

vmir_status vmir_json_read_bool(vmir_source *src, vmir_scalar *out, vmir_error *err) {
  vmir_json_skip_ws(src);
  out->is_f32 = false;
  out->type = VMIR_SCALAR_BOOL;
  if (vmir_json_at_literal(src, "true", 4)) {
    src->pos += 4;
    out->as.boolean = true;
    return VMIR_OK;
  }
  if (vmir_json_at_literal(src, "false", 5)) {
    src->pos += 5;
    out->as.boolean = false;
    return VMIR_OK;
  }
  return vmir_source_expected(src, err, src->pos, "true or false");
}

vmir_status vmir_json_read_number(vmir_source *src, vmir_arena *arena,
                                  vmir_scalar *out, vmir_error *err) {
  vmir_json_skip_ws(src);
  return vmir_json_lex_number(src, arena, out, err);
}

vmir_status vmir_json_read_string(vmir_source *src, vmir_arena *arena,
                                  vmir_scalar *out, vmir_error *err) {
  vmir_json_skip_ws(src);
  if (src->pos >= src->len || src->data[src->pos] != '"')
    return vmir_source_expected(src, err, src->pos, "a string");
  out->type = VMIR_SCALAR_STRING;
  out->is_f32 = false;
  return vmir_json_lex_string(src, arena, false, &out->as.string, err);
}

vmir_status vmir_json_read_null(vmir_source *src, vmir_scalar *out, vmir_error *err) {
  vmir_json_skip_ws(src);
  if (!vmir_json_at_literal(src, "null", 4))
    return vmir_source_expected(src, err, src->pos, "null");
  src->pos += 4;
  out->type = VMIR_SCALAR_NULL;
  out->is_f32 = false;
  return VMIR_OK;
}

vmir_status vmir_json_expect_end(vmir_source *src, vmir_error *err) {
  vmir_json_skip_ws(src);
  if (src->pos == src->len) return VMIR_OK;
  return vmir_source_expected(src, err, src->pos, "end of input after the document");
}
