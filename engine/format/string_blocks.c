/* 32-byte block kernels for strings (format/string_blocks.h).
 *
 * UTF-8 validation by nibble lookups (Keiser and Lemire, "Validating UTF-8
 * in less than one instruction per byte", 2021), written for vmir from the
 * paper's description. Every error of well-formedness shows in a pair of
 * adjacent bytes, given the high nibble of the first, its low nibble and
 * the high nibble of the second. Three 16-entry tables map those nibbles
 * to sets of error classes (one bit each); a pair is bad when some class
 * is in all three sets. The one thing pairs cannot see is the third or
 * fourth byte of a sequence (a continuation after a continuation, legal
 * only there): that class (bit 7) is instead compared with "the byte two
 * back starts a 3- or 4-byte sequence, or the byte three back a 4-byte
 * one". Strings end at an ASCII byte (the quote, or a backslash), so a
 * truncated sequence before it fails the same pair and two-back tests.
 *
 * Why our own: simdjson and simdutf are C++ with their own string
 * handling; this is the small part vmir needs, under its error model. */
#include "format/string_blocks.h"

#include <stdatomic.h>
#include <string.h>

#include "format/json_escape.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))

bool vmir_string_blocks_available(void) {
  /* Decoders may run on several threads: a relaxed atomic keeps the lazy
   * answer race-free (every thread computes the same value). */
  static _Atomic int available = -1;
  int a = atomic_load_explicit(&available, memory_order_relaxed);
  if (a < 0) {
    a = __builtin_cpu_supports("avx2") ? 1 : 0;
    atomic_store_explicit(&available, a, memory_order_relaxed);
  }
  return a == 1;
}

/* Error classes of a byte pair (first, second). */
enum {
  TOO_SHORT = 1 << 0,      /* a lead byte, then no continuation */
  TOO_LONG = 1 << 1,       /* ASCII, then a continuation */
  OVERLONG_3 = 1 << 2,     /* E0 80..9F */
  TOO_LARGE = 1 << 3,      /* F4 90..BF, F5..FF 90..BF */
  SURROGATE = 1 << 4,      /* ED A0..BF */
  OVERLONG_2 = 1 << 5,     /* C0..C1 then a continuation */
  TOO_LARGE_80 = 1 << 6,   /* F5..FF 80..8F */
  OVERLONG_4 = 1 << 6,     /* F0 80..8F (same bit: told apart by the low nibble) */
  /* bit 7: written as the signed char the table constructors take (0x80) */
  TWO_CONTS = -128,        /* a continuation after a continuation */
};
#define ANY_LOW (TOO_SHORT | TOO_LONG | TWO_CONTS) /* classes blind to the low nibble */

#define TABLE(...) _mm256_setr_epi8(__VA_ARGS__, __VA_ARGS__)

/* The 32 bytes ending n bytes before each byte of `input`: the block
 * before supplies the first n. */
#define BYTES_BEFORE(input, before, n) \
  _mm256_alignr_epi8((input), _mm256_permute2x128_si256((before), (input), 0x21), 16 - (n))

/* Non-zero bytes where the pair ending there is ill-formed. */
static AVX2 inline __m256i utf8_errors(__m256i input, __m256i before) {
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  const __m256i first_high = TABLE(
      TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, /* 0..7 */
      TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,                                     /* 8..B */
      TOO_SHORT | OVERLONG_2,                                                         /* C */
      TOO_SHORT,                                                                      /* D */
      TOO_SHORT | OVERLONG_3 | SURROGATE,                                             /* E */
      TOO_SHORT | TOO_LARGE | TOO_LARGE_80 | OVERLONG_4);                             /* F */
  const __m256i first_low = TABLE(
      ANY_LOW | OVERLONG_2 | OVERLONG_3 | OVERLONG_4, /* x0 */
      ANY_LOW | OVERLONG_2,                           /* x1 */
      ANY_LOW, ANY_LOW,                               /* x2, x3 */
      ANY_LOW | TOO_LARGE,                            /* x4 */
      ANY_LOW | TOO_LARGE | TOO_LARGE_80, ANY_LOW | TOO_LARGE | TOO_LARGE_80,
      ANY_LOW | TOO_LARGE | TOO_LARGE_80, ANY_LOW | TOO_LARGE | TOO_LARGE_80,
      ANY_LOW | TOO_LARGE | TOO_LARGE_80, ANY_LOW | TOO_LARGE | TOO_LARGE_80,
      ANY_LOW | TOO_LARGE | TOO_LARGE_80, ANY_LOW | TOO_LARGE | TOO_LARGE_80,
      ANY_LOW | TOO_LARGE | TOO_LARGE_80 | SURROGATE, /* xD */
      ANY_LOW | TOO_LARGE | TOO_LARGE_80, ANY_LOW | TOO_LARGE | TOO_LARGE_80);
  const __m256i second_high = TABLE(
      TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
      TOO_LONG | TWO_CONTS | OVERLONG_2 | OVERLONG_3 | TOO_LARGE_80 | OVERLONG_4, /* 8 */
      TOO_LONG | TWO_CONTS | OVERLONG_2 | OVERLONG_3 | TOO_LARGE,                 /* 9 */
      TOO_LONG | TWO_CONTS | OVERLONG_2 | SURROGATE | TOO_LARGE,                  /* A */
      TOO_LONG | TWO_CONTS | OVERLONG_2 | SURROGATE | TOO_LARGE,                  /* B */
      TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT);
  __m256i prev1 = BYTES_BEFORE(input, before, 1);
  __m256i classes = _mm256_and_si256(
      _mm256_and_si256(
          _mm256_shuffle_epi8(first_high, _mm256_and_si256(_mm256_srli_epi16(prev1, 4), nibble)),
          _mm256_shuffle_epi8(first_low, _mm256_and_si256(prev1, nibble))),
      _mm256_shuffle_epi8(second_high, _mm256_and_si256(_mm256_srli_epi16(input, 4), nibble)));
  /* Bit 7 where a continuation must follow a continuation: two back is
   * E0..FF or three back is F0..FF (saturating subtraction keeps bit 7
   * exactly for those). */
  __m256i prev2 = BYTES_BEFORE(input, before, 2), prev3 = BYTES_BEFORE(input, before, 3);
  __m256i third = _mm256_subs_epu8(prev2, _mm256_set1_epi8((char)(0xE0 - 0x80)));
  __m256i fourth = _mm256_subs_epu8(prev3, _mm256_set1_epi8((char)(0xF0 - 0x80)));
  __m256i must_continue = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
  return _mm256_xor_si256(classes, must_continue);
}

static AVX2 inline unsigned nonzero_bytes(__m256i v) {
  return ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_setzero_si256()));
}

/* 32 bytes from s[0..avail): a short tail padded with zero bytes. */
static AVX2 inline __m256i load_block(const uint8_t *s, size_t avail) {
  if (avail >= 32) return _mm256_loadu_si256((const __m256i *)(const void *)s);
  uint8_t tail[32] = {0};
  memcpy(tail, s, avail);
  return _mm256_loadu_si256((const __m256i *)(const void *)tail);
}

AVX2 bool vmir_json_unescape_string_blocks(const uint8_t *d, size_t p, size_t n, uint8_t *dst,
                                           size_t cap, size_t *end, size_t *out_len, bool *escaped_out,
                                           bool *written_out) {
  const __m256i quote = _mm256_set1_epi8('"'), backslash = _mm256_set1_epi8('\\');
  const __m256i last_control = _mm256_set1_epi8(0x1F);
  const size_t start = p;
  __m256i before = _mm256_setzero_si256(); /* the bytes before p are ASCII */
  bool before_ascii = true;
  __m256i errors = _mm256_setzero_si256();
  bool escaped = false;
  bool writing = false; /* from the first escape on, while dst has room */
  size_t o = 0;         /* bytes written to dst while writing */
  size_t saved = 0;     /* bytes the escapes save (input minus output) */
  for (;;) {
    size_t avail = n - p;
    __m256i v = load_block(d + p, avail);
    if (writing && avail >= 32) {
      /* Stored before it is looked at: bytes past a stop are overwritten
       * by what follows them. Out of room, the scan goes on alone. */
      if (cap - o >= 32) _mm256_storeu_si256((__m256i *)(void *)(dst + o), v);
      else writing = false;
    }
    __m256i stop = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, backslash)),
        _mm256_cmpeq_epi8(_mm256_max_epu8(v, last_control), last_control));
    unsigned stops = (unsigned)_mm256_movemask_epi8(stop);
    unsigned non_ascii = (unsigned)_mm256_movemask_epi8(v);
    if (!stops) {
      if (non_ascii || !before_ascii) errors = _mm256_or_si256(errors, utf8_errors(v, before));
      before = v;
      before_ascii = non_ascii == 0;
      p += 32;
      o += 32;
      continue;
    }
    unsigned j = (unsigned)__builtin_ctz(stops);
    if (j >= avail) return false; /* the padding: end of input */
    unsigned upto = j == 31 ? ~0u : (2u << j) - 1; /* bytes 0..j */
    if ((non_ascii & upto) || !before_ascii) {
      if (nonzero_bytes(utf8_errors(v, before)) & upto) return false;
    }
    if (nonzero_bytes(errors)) return false;
    if (writing && avail < 32) {
      if (cap - o >= j) memcpy(dst + o, d + p, j);
      else writing = false;
    }
    o += j;
    uint8_t c = d[p + j];
    if (c == '"') {
      *end = p + j;
      *out_len = p + j - start - saved;
      *escaped_out = escaped;
      *written_out = writing;
      return true;
    }
    if (c != '\\') return false; /* a raw control byte */
    size_t in_len = 0, dec_len = 0;
    int32_t cp = 0;
    if (vmir_escape_length(d, p + j, n, &in_len, &dec_len, &cp) != VMIR_ESCAPE_OK) return false;
    saved += in_len - dec_len;
    if (!escaped) {
      /* The first escape: what came before it is copied once. */
      escaped = true;
      o = p + j - start;
      writing = dst != NULL && cap >= o;
      if (writing) memcpy(dst, d + start, o);
    }
    if (writing && cap - o < 4) writing = false;
    if (writing) o += vmir_escape_decode(d, p + j, in_len, dst + o);
    p += j + in_len;
    before = _mm256_setzero_si256(); /* an escape is ASCII */
    before_ascii = true;
  }
}

AVX2 bool vmir_json_copy_plain_blocks(const uint8_t *s, size_t n, uint8_t *dst, size_t *run) {
  const __m256i quote = _mm256_set1_epi8('"'), backslash = _mm256_set1_epi8('\\');
  const __m256i last_control = _mm256_set1_epi8(0x1F);
  __m256i before = _mm256_setzero_si256(), errors = _mm256_setzero_si256();
  bool before_ascii = true;
  for (size_t i = 0;; i += 32) {
    size_t avail = n - i;
    __m256i v = load_block(s + i, avail);
    /* Stored before it is looked at: the bytes past a stop are within the
     * caller's room and are overwritten by what follows them. */
    if (avail >= 32) _mm256_storeu_si256((__m256i *)(void *)(dst + i), v);
    /* The zero padding of a short block is a control byte: it stops at avail. */
    unsigned stops = (unsigned)_mm256_movemask_epi8(_mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, backslash)),
        _mm256_cmpeq_epi8(_mm256_max_epu8(v, last_control), last_control)));
    unsigned non_ascii = (unsigned)_mm256_movemask_epi8(v);
    if (!stops) {
      if (non_ascii || !before_ascii) errors = _mm256_or_si256(errors, utf8_errors(v, before));
      before = v;
      before_ascii = non_ascii == 0;
      continue;
    }
    /* The stop byte is ASCII: a sequence it cuts short fails at it. */
    unsigned j = (unsigned)__builtin_ctz(stops);
    unsigned upto = j == 31 ? ~0u : (2u << j) - 1; /* bytes 0..j */
    if ((non_ascii & upto) || !before_ascii) {
      if (nonzero_bytes(utf8_errors(v, before)) & upto) return false;
    }
    if (nonzero_bytes(errors)) return false;
    if (avail < 32) memcpy(dst + i, s + i, j);
    *run = i + j;
    return true;
  }
}

AVX2 bool vmir_utf8_valid_blocks(const uint8_t *s, size_t n) {
  __m256i before = _mm256_setzero_si256(), errors = _mm256_setzero_si256();
  bool before_ascii = true;
  /* The zero padding of the last block is ASCII: a sequence cut by the end
   * fails like one cut by a quote. A full last block gets an all-zero one
   * after it for the same reason. */
  for (size_t i = 0; i <= n; i += 32) {
    __m256i v = load_block(s + i, n - i);
    unsigned non_ascii = (unsigned)_mm256_movemask_epi8(v);
    if (non_ascii || !before_ascii) errors = _mm256_or_si256(errors, utf8_errors(v, before));
    before = v;
    before_ascii = non_ascii == 0;
  }
  return _mm256_testz_si256(errors, errors);
}

#else

bool vmir_string_blocks_available(void) { return false; }

bool vmir_utf8_valid_blocks(const uint8_t *s, size_t n) {
  (void)s, (void)n;
  return false;
}

bool vmir_json_copy_plain_blocks(const uint8_t *s, size_t n, uint8_t *dst, size_t *run) {
  (void)s, (void)n, (void)dst, (void)run;
  return false;
}

bool vmir_json_unescape_string_blocks(const uint8_t *d, size_t p, size_t n, uint8_t *dst, size_t cap,
                                      size_t *end, size_t *out_len, bool *escaped, bool *written) {
  (void)d, (void)p, (void)n, (void)dst, (void)cap, (void)end, (void)out_len, (void)escaped, (void)written;
  return false;
}

#endif

/* The scan alone: the unescaping kernel with nowhere to write (dst NULL
 * never becomes `writing`), so the two cannot drift apart. */
bool vmir_json_scan_string_blocks(const uint8_t *d, size_t p, size_t n, size_t *end,
                                  size_t *saved, bool *escaped) {
  size_t len;
  bool written;
  if (!vmir_json_unescape_string_blocks(d, p, n, NULL, 0, end, &len, escaped, &written)) return false;
  *saved = *end - p - len;
  return true;
}
