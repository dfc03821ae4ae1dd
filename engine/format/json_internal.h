/* Pieces shared by the JSON builtins, the string and number lexers and the
 * value reader. Not part of the builtin API. */
#ifndef VMIR_FORMAT_JSON_INTERNAL_H
#define VMIR_FORMAT_JSON_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "format/json_lex.h"


static inline void vmir_json_skip_ws(vmir_source *src) {
  const uint8_t *d = src->data;
  size_t p = src->pos, n = src->len;
  /* Most tokens follow no whitespace or a single space (": ", ", "); only
   * longer runs take the out-of-line loop. */
  if (p < n && vmir_json_is_ws(d[p])) {
    p++;
    if (p < n && vmir_json_is_ws(d[p])) p = vmir_json_skip_ws_run(d, p + 1, n);
    src->pos = p;
  }
}

/* Does the input continue at the cursor with the literal `lit`? */
static inline bool vmir_json_at_literal(const vmir_source *src, const char *lit,
                                        size_t n) {
  return src->len - src->pos >= n && memcmp(src->data + src->pos, lit, n) == 0;
}

/* A scanned and validated string token. */
typedef struct vmir_json_string {
  size_t start;        /* first byte after the opening quote */
  size_t end;          /* offset of the closing quote */
  size_t decoded_len;  /* length after unescaping */
  bool escaped;        /* has at least one escape */
} vmir_json_string;

/* The cursor is at '"'. Validates the whole string (escapes, surrogate
 * pairs, UTF-8, control characters, src->string_limit) and moves the cursor
 * past the closing quote. */
vmir_status vmir_json_scan_string(vmir_source *src, vmir_json_string *s,
                                  vmir_error *err);

/* Writes the s->decoded_len bytes of a scanned string into out. */
void vmir_json_unescape(const vmir_source *src, const vmir_json_string *s,
                        uint8_t *out);

/* The cursor is at '"': scans the string and yields it as a view into the
 * input (no escapes, copy false) or as arena bytes (escapes, or copy). */
vmir_status vmir_json_lex_string(vmir_source *src, vmir_arena *arena, bool copy,
                                 vmir_str *out, vmir_error *err);

#endif
