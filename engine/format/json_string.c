/* JSON strings: scanning with validation, then unescaping only when the
 * string has escapes. The scan is the hot path. Where the CPU has AVX2 the
 * block kernel (format/string_blocks.c) finds the end and validates UTF-8
 * 32 bytes at a time; anything it does not accept, and every CPU without
 * it, goes to the exact scanner below: sixteen (SSE2) or eight (portable)
 * bytes at a time to the next '"', '\\', control or non-ASCII byte, UTF-8
 * one sequence at a time, and every error message. */
#include <stdio.h>
#include <string.h>

#include "format/bits.h"
#include "format/json_escape.h"
#include "format/json_internal.h"
#include "format/json_plain_run.h"
#include "format/string_blocks.h"
#include "format/utf8.h"

/* Validates the escape at d[p] == '\\'. Stores its input length and the
 * length of its UTF-8 output. */
static vmir_status scan_escape(const vmir_source *src, size_t p, size_t *in_len,
                               size_t *out_len, vmir_error *err) {
  int32_t cp = 0;
  switch (vmir_escape_length(src->data, p, src->len, in_len, out_len, &cp)) {
    case VMIR_ESCAPE_OK:
      return VMIR_OK;
    case VMIR_ESCAPE_TRUNCATED:
      return vmir_source_expected(src, err, p + 1, "an escape character after '\\'");
    case VMIR_ESCAPE_BAD_CHAR: {
      char found[48];
      vmir_source_describe(src, p + 1, found, sizeof found);
      return vmir_source_fail(src, err, VMIR_E_DECODE, p,
                              "invalid escape: expected one of \"\\/bfnrtu after '\\', "
                              "found %s", found);
    }
    case VMIR_ESCAPE_BAD_HEX:
      return vmir_source_fail(src, err, VMIR_E_DECODE, p,
                              "invalid \\u escape: expected 4 hex digits after '\\u'");
    case VMIR_ESCAPE_LONE_LOW:
      return vmir_source_fail(src, err, VMIR_E_DECODE, p,
                              "lone surrogate \\u%04X: a low surrogate must follow "
                              "a high surrogate escape", (unsigned)cp);
    case VMIR_ESCAPE_LONE_HIGH:
    default:
      return vmir_source_fail(src, err, VMIR_E_DECODE, p,
                              "lone surrogate \\u%04X: a high surrogate must be "
                              "followed by a \\u escape of a low surrogate "
                              "(DC00-DFFF)", (unsigned)cp);
  }
}

/* The string byte by byte where it is not plain ASCII: the exact scanner,
 * which owns every error message. */
static vmir_status scan_exact(vmir_source *src, vmir_json_string *s, vmir_error *err) {
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

vmir_status vmir_json_scan_string(vmir_source *src, vmir_json_string *s,
                                  vmir_error *err) {
  size_t end, saved;
  bool escaped;
#if defined(__SSE2__)
  /* Most strings (member names above all) are short plain ASCII: when the
   * first byte of the first sixteen that needs attention is the closing
   * quote, that is the whole scan, inline. */
  const uint8_t *d = src->data;
  size_t p = src->pos + 1;
  if (src->len - p >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(d + p));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                            _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                               _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    unsigned mask = (unsigned)_mm_movemask_epi8(hit);
    if (mask && d[p + vmir_first_set(mask)] == '"') {
      end = p + vmir_first_set(mask);
      saved = 0;
      escaped = false;
      goto scanned;
    }
  }
#endif
  if (!vmir_string_blocks_available() ||
      !vmir_json_scan_string_blocks(src->data, src->pos + 1, src->len, &end, &saved, &escaped))
    return scan_exact(src, s, err);
#if defined(__SSE2__)
scanned:
#endif
  s->start = src->pos + 1;
  s->end = end;
  s->decoded_len = end - s->start - saved;
  s->escaped = escaped;
  if (s->decoded_len > src->string_limit)
    return vmir_source_fail(src, err, VMIR_E_LIMIT, src->pos,
                            "string of %zu bytes is longer than the limit of %zu bytes",
                            s->decoded_len, src->string_limit);
  src->pos = end + 1;
  return VMIR_OK;
}

void vmir_json_unescape(const vmir_source *src, const vmir_json_string *s,
                        uint8_t *out) {
  const uint8_t *d = src->data;
  size_t p = s->start;
  while (p < s->end) {
    const uint8_t *bs = memchr(d + p, '\\', s->end - p);
    size_t run = bs ? (size_t)(bs - (d + p)) : s->end - p;
    memcpy(out, d + p, run);
    out += run;
    p += run;
    if (p >= s->end) break;
    uint8_t e = d[p + 1];
    p += 2;
    switch (e) {
      case 'b': *out++ = '\b'; break;
      case 'f': *out++ = '\f'; break;
      case 'n': *out++ = '\n'; break;
      case 'r': *out++ = '\r'; break;
      case 't': *out++ = '\t'; break;
      case 'u': {
        uint32_t cp = (uint32_t)vmir_hex4(d, p);
        p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          /* The scan guaranteed "\uDC00-DFFF" follows. */
          uint32_t lo = (uint32_t)vmir_hex4(d, p + 2);
          p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        out += vmir_utf8_encode(cp, out);
        break;
      }
      default: *out++ = e; break;  /* '"', '\\', '/' */
    }
  }
}

/* Is the first byte of d[p..p+16) that needs attention the closing quote?
 * Then the string is short plain ASCII, most strings (member names above
 * all), and *end is that quote. */
static inline bool short_plain(const uint8_t *d, size_t p, size_t n, size_t *end) {
#if defined(__SSE2__)
  if (n - p < 16) return false;
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(d + p));
  __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                          _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                             _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
  unsigned mask = (unsigned)_mm_movemask_epi8(hit);
  if (!mask || d[p + vmir_first_set(mask)] != '"') return false;
  *end = p + vmir_first_set(mask);
  return true;
#else
  (void)d, (void)p, (void)n, (void)end;
  return false;
#endif
}

/* One pass for the rest (AVX2): the block kernel scans, validates and
 * unescapes straight into the arena's free space, then the arena takes
 * exactly what it wrote. When that space runs out the kernel only scans
 * on, and the string is unescaped from its scan as on the old path. A
 * string it does not accept (malformed, or over the limit) goes to the
 * scan-then-unescape path below, which owns the messages. */
static bool lex_string_one_pass(vmir_source *src, vmir_arena *arena, bool copy, vmir_str *out) {
  /* The arena's free space in its current chunk: read, not taken, until
   * the length is known (vmir_arena_alloc of align 1 then returns it). */
  uint8_t *dst = arena->ptr;
  size_t cap = dst ? (size_t)(arena->end - dst) : 0, end, len;
  bool escaped, written;
  const uint8_t *d = src->data;
  size_t p = src->pos + 1;
  if (!vmir_json_unescape_string_blocks(d, p, src->len, dst, cap, &end, &len, &escaped, &written) ||
      len > src->string_limit)
    return false;
  if (written) {
    if (vmir_arena_alloc(arena, len, 1) != dst) return false; /* cannot happen: len <= cap */
    out->ptr = (const char *)dst;
  } else if (escaped || copy) {
    uint8_t *mem = vmir_arena_alloc(arena, len, 1);
    if (!mem) return false;
    if (escaped) {
      vmir_json_string s = {.start = p, .end = end, .decoded_len = len, .escaped = true};
      vmir_json_unescape(src, &s, mem);
    } else if (len) {
      memcpy(mem, d + p, len);
    }
    out->ptr = (const char *)mem;
  } else {
    out->ptr = (const char *)(d + p);
  }
  out->len = len;
  src->pos = end + 1;
  return true;
}

vmir_status vmir_json_lex_string(vmir_source *src, vmir_arena *arena, bool copy,
                                 vmir_str *out, vmir_error *err) {
  vmir_json_string s;
  size_t end;
  if (short_plain(src->data, src->pos + 1, src->len, &end) && end - (src->pos + 1) <= src->string_limit) {
    s = (vmir_json_string){.start = src->pos + 1, .end = end, .decoded_len = end - (src->pos + 1)};
    src->pos = end + 1;
  } else if (arena && vmir_string_blocks_available() && lex_string_one_pass(src, arena, copy, out)) {
    return VMIR_OK;
  } else {
    vmir_status st = vmir_json_scan_string(src, &s, err);
    if (st != VMIR_OK) return st;
  }
  const uint8_t *raw = src->data + s.start;
  if (!s.escaped && !copy) {
    out->ptr = (const char *)raw;
    out->len = s.decoded_len;
    return VMIR_OK;
  }
  uint8_t *dst = vmir_arena_alloc(arena, s.decoded_len, 1);
  if (!dst) return vmir_source_arena_failed(src, err, arena, s.start - 1);
  if (s.escaped) vmir_json_unescape(src, &s, dst);
  else if (s.decoded_len) memcpy(dst, raw, s.decoded_len);
  out->ptr = (const char *)dst;
  out->len = s.decoded_len;
  return VMIR_OK;
}
