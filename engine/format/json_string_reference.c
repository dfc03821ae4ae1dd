/* The previous JSON string scanner, kept as the test oracle of the string
 * kernel (format/json_string.c): compiled into the test-only reference
 * library, never into libvmir.
 *
 * JSON strings: scanning with validation, then unescaping only when the
 * string has escapes. The scan is the hot path: it tests sixteen (SSE2) or
 * eight (portable) bytes at a time and stops only at '"', '\\', a control
 * byte or a non-ASCII byte; UTF-8 is validated only for the non-ASCII
 * bytes it stops at. */
#include <stdio.h>
#include <string.h>

#include "format/bits.h"
#include "format/json_internal.h"
#include "format/json_plain_run.h"
#include "format/reference.h"
#include "format/utf8.h"

static int hex_digit(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Four hex digits at d[p..p+4) (caller checked they exist); -1 if not hex. */
static int32_t hex4(const uint8_t *d, size_t p) {
  int32_t v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hex_digit(d[p + (size_t)i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/* Validates the escape at d[p] == '\\'. Stores its input length and the
 * length of its UTF-8 output. */
static vmir_status scan_escape(const vmir_source *src, size_t p, size_t *in_len,
                               size_t *out_len, vmir_error *err) {
  const uint8_t *d = src->data;
  size_t n = src->len;
  if (n - p < 2)
    return vmir_source_expected(src, err, p + 1, "an escape character after '\\'");
  switch (d[p + 1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
      *in_len = 2;
      *out_len = 1;
      return VMIR_OK;
    case 'u':
      break;
    default: {
      char found[48];
      vmir_source_describe(src, p + 1, found, sizeof found);
      return vmir_source_fail(src, err, VMIR_E_DECODE, p,
                              "invalid escape: expected one of \"\\/bfnrtu after '\\', "
                              "found %s", found);
    }
  }
  int32_t cp = n - p >= 6 ? hex4(d, p + 2) : -1;
  if (cp < 0)
    return vmir_source_fail(src, err, VMIR_E_DECODE, p,
                            "invalid \\u escape: expected 4 hex digits after '\\u'");
  if (cp >= 0xDC00 && cp <= 0xDFFF)
    return vmir_source_fail(src, err, VMIR_E_DECODE, p,
                            "lone surrogate \\u%04X: a low surrogate must follow "
                            "a high surrogate escape", (unsigned)cp);
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    /* Only a pair of escapes spells a supplementary character; a high
     * surrogate alone has no Unicode scalar value, so it is rejected. */
    int32_t lo = -1;
    if (n - p >= 12 && d[p + 6] == '\\' && d[p + 7] == 'u') lo = hex4(d, p + 8);
    if (lo < 0xDC00 || lo > 0xDFFF)
      return vmir_source_fail(src, err, VMIR_E_DECODE, p,
                              "lone surrogate \\u%04X: a high surrogate must be "
                              "followed by a \\u escape of a low surrogate "
                              "(DC00-DFFF)", (unsigned)cp);
    *in_len = 12;
    *out_len = 4;
    return VMIR_OK;
  }
  *in_len = 6;
  *out_len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
  return VMIR_OK;
}

vmir_status vmir_json_scan_string_reference(vmir_source *src, vmir_json_string *s,
                                            vmir_error *err) {
  const uint8_t *d = src->data;
  const size_t n = src->len;
  const size_t open = src->pos;
  size_t p = open + 1;
  size_t saved = 0;  /* bytes that escapes save: input minus output length */
  bool escaped = false;
  for (;;) {
    p = vmir_json_skip_plain(d, p, n);
    if (p >= n)
      return vmir_source_fail(src, err, VMIR_E_DECODE, n,
                              "unterminated string (opened at offset %zu): "
                              "expected '\"', found end of input", open);
    uint8_t c = d[p];
    if (c == '"') break;
    if (c == '\\') {
      size_t in_len = 0, out_len = 0;
      vmir_status st = scan_escape(src, p, &in_len, &out_len, err);
      if (st != VMIR_OK) return st;
      saved += in_len - out_len;
      escaped = true;
      p += in_len;
    } else if (c < 0x20) {
      return vmir_source_fail(src, err, VMIR_E_DECODE, p,
                              "raw control character 0x%02x in a string "
                              "(must be escaped)", c);
    } else if (c >= 0x80) {
      size_t k = vmir_utf8_seq_len(d + p, n - p);
      if (k == 0)
        return vmir_source_fail(src, err, VMIR_E_DECODE, p,
                                "invalid UTF-8 in a string at byte 0x%02x", c);
      p += k;
    }
  }
  s->start = open + 1;
  s->end = p;
  s->decoded_len = p - (open + 1) - saved;
  s->escaped = escaped;
  if (s->decoded_len > src->string_limit)
    return vmir_source_fail(src, err, VMIR_E_LIMIT, open,
                            "string of %zu bytes is longer than the limit of %zu bytes",
                            s->decoded_len, src->string_limit);
  src->pos = p + 1;
  return VMIR_OK;
}


/* The JSON writer's escaping as it was before its block kernels: one byte
 * at a time, UTF-8 one sequence at a time. */
size_t vmir_json_escape_reference(const uint8_t *s, size_t n, uint8_t *out, size_t *bad) {
  static const char hex[] = "0123456789abcdef";
  uint8_t *o = out;
  *o++ = '"';
  for (size_t i = 0; i < n;) {
    uint8_t c = s[i];
    if (c >= 0x80) {
      size_t k = vmir_utf8_seq_len(s + i, n - i);
      if (k == 0) {
        *bad = i;
        return 0;
      }
      memcpy(o, s + i, k);
      o += k;
      i += k;
      continue;
    }
    i++;
    const char *short_form = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\b' ? "\\b"
                           : c == '\f' ? "\\f" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                           : c == '\t' ? "\\t" : NULL;
    if (short_form) {
      memcpy(o, short_form, 2);
      o += 2;
    } else if (c < 0x20) {
      memcpy(o, "\\u00", 4);
      o[4] = (uint8_t)hex[c >> 4];
      o[5] = (uint8_t)hex[c & 15];
      o += 6;
    } else {
      *o++ = c;
    }
  }
  *o++ = '"';
  return (size_t)(o - out);
}

/* Unescaping one byte at a time, as the string was scanned (well formed). */
size_t vmir_json_unescape_reference(const uint8_t *d, size_t start, size_t end, uint8_t *out) {
  uint8_t *o = out;
  for (size_t p = start; p < end;) {
    if (d[p] != '\\') {
      *o++ = d[p++];
      continue;
    }
    uint8_t e = d[p + 1];
    p += 2;
    if (e != 'u') {
      *o++ = e == 'b' ? '\b' : e == 'f' ? '\f' : e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
      continue;
    }
    uint32_t cp = 0;
    for (int i = 0; i < 4; i++) cp = cp * 16 + (uint32_t)hex_digit(d[p++]);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t lo = 0;
      p += 2; /* "\\u" */
      for (int i = 0; i < 4; i++) lo = lo * 16 + (uint32_t)hex_digit(d[p++]);
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    o += vmir_utf8_encode(cp, o);
  }
  return (size_t)(o - out);
}
