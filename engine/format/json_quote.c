/* The JSON string writer (format/json_quote.h). */
#include "format/json_quote.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "format/string_blocks.h"
#include "format/utf8.h"

/* Copies the prefix of s[0..n) that needs no attention to dst and returns
 * its length: no control byte, '"' or '\\', and (unless `any_utf8`, when
 * the rest is known to be valid UTF-8) no byte >= 0x80. One pass: each
 * block is stored as it is tested (dst has room for n bytes, and what is
 * stored past the prefix is overwritten later). Sixteen bytes at a time
 * with SSE2 (all x86-64), else eight with the usual SWAR tests (a byte
 * below 0x20, or equal to a given byte, leaves its high bit set in the
 * expressions). */
static inline size_t copy_plain(const uint8_t *s, size_t n, uint8_t *dst, bool any_utf8) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20), last_control = _mm_set1_epi8(0x1F);
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    _mm_storeu_si128((__m128i *)(void *)(dst + i), v);
    __m128i low = any_utf8 ? _mm_cmpeq_epi8(_mm_max_epu8(v, last_control), last_control)
                           : _mm_cmplt_epi8(v, space); /* signed: >= 0x80 too */
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), low);
    unsigned mask = (unsigned)_mm_movemask_epi8(hit);
    if (mask) return i + (size_t)__builtin_ctz(mask);
  }
#endif
  const uint64_t ones = UINT64_C(0x0101010101010101);
  const uint64_t highs = UINT64_C(0x8080808080808080);
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, s + i, 8);
    uint64_t ctrl = (x - ones * 0x20) & ~x;
    uint64_t q = x ^ (ones * '"');
    uint64_t b = x ^ (ones * '\\');
    uint64_t attention = ctrl | ((q - ones) & ~q) | ((b - ones) & ~b);
    if (!any_utf8) attention |= x;
    if (attention & highs) break;
    memcpy(dst + i, &x, 8);
  }
  for (; i < n; i++) {
    uint8_t c = s[i];
    if (c < 0x20 || c == '"' || c == '\\' || (c >= 0x80 && !any_utf8)) break;
    dst[i] = c;
  }
  return i;
}

/* The escape for a byte that needs one (< 0x20, '"', '\\'); returns its
 * length (2 or 6). */
static size_t escape_byte(uint8_t c, uint8_t *dst) {
  static const char hex[] = "0123456789abcdef";
  char short_form = 0;
  switch (c) {
    case '"': short_form = '"'; break;
    case '\\': short_form = '\\'; break;
    case '\b': short_form = 'b'; break;
    case '\f': short_form = 'f'; break;
    case '\n': short_form = 'n'; break;
    case '\r': short_form = 'r'; break;
    case '\t': short_form = 't'; break;
    default: break;
  }
  dst[0] = '\\';
  if (short_form) {
    dst[1] = (uint8_t)short_form;
    return 2;
  }
  memcpy(dst + 1, "u00", 3);
  dst[4] = (uint8_t)hex[c >> 4];
  dst[5] = (uint8_t)hex[c & 15];
  return 6;
}

/* Room for n more bytes in out; NULL after an allocation failure. */
static inline uint8_t *room(vmir_buf *out, size_t n) {
  if (__builtin_expect(out->failed || n > out->cap - out->len, 0) && !vmir_buf_reserve(out, n))
    return NULL;
  return out->data + out->len;
}

/* Where the CPU has AVX2, a long enough rest goes through the block kernel
 * (format/string_blocks.c), which copies up to the next byte to escape
 * and validates UTF-8 on the way, one pass; when it finds ill-formed
 * UTF-8 the byte-wise path below takes over from there and names the
 * byte. Elsewhere, plain runs are copied a block at a time as they are
 * tested; at the first non-ASCII byte of a long enough rest, the UTF-8
 * block kernel validates all of it at once, and the copy goes on stopping
 * only at bytes to escape. Capacity invariant: before each input byte
 * there is room for the rest of the input copied as is plus the closing
 * quote and `tail` more bytes; an escape grows the reservation by the 5
 * extra bytes it may need. */
vmir_json_quote_result vmir_json_quote(vmir_buf *out, const uint8_t *s, size_t n, bool validate,
                                       size_t tail, size_t *bad) {
  size_t start = out->len;
  if (n > SIZE_MAX - 16 - tail || !room(out, n + 2 + tail)) return VMIR_JSON_QUOTE_NOMEM;
  uint8_t *dst = out->data + out->len;
  *dst++ = '"';
  size_t i = 0;
  bool utf8_checked = !validate; /* the rest of s is known to be valid UTF-8 */
  bool blocks = validate && n >= 32 && vmir_string_blocks_available();
  for (;;) {
    size_t run;
    if (blocks && n - i >= 32) {
      if (!vmir_json_copy_plain_blocks(s + i, n - i, dst, &run)) {
        blocks = false; /* ill-formed UTF-8 ahead: the byte-wise path names it */
        continue;
      }
      /* What it copied is valid UTF-8; the byte it stopped at is ASCII. */
    } else {
      run = copy_plain(s + i, n - i, dst, utf8_checked);
    }
    dst += run;
    i += run;
    if (i == n) break;
    uint8_t c = s[i];
    if (c >= 0x80 && !utf8_checked) {
      if (n - i >= 32 && vmir_string_blocks_available() && vmir_utf8_valid_blocks(s + i, n - i)) {
        utf8_checked = true;
        continue;
      }
      size_t len = vmir_utf8_seq_len(s + i, n - i);
      if (len == 0) {
        out->len = start;
        *bad = i;
        return VMIR_JSON_QUOTE_BAD_UTF8;
      }
      memcpy(dst, s + i, len);
      dst += len;
      i += len;
    } else {
      out->len = (size_t)(dst - out->data);
      if (!room(out, 6 + (n - i - 1) + 1 + tail)) {
        out->len = start;
        return VMIR_JSON_QUOTE_NOMEM;
      }
      dst = out->data + out->len;
      dst += escape_byte(c, dst);
      i++;
    }
  }
  *dst++ = '"';
  out->len = (size_t)(dst - out->data);
  return VMIR_JSON_QUOTED;
}
