/* JSON numbers (RFC 8259 section 6, exactly):
 *   number = [ "-" ] int [ frac ] [ exp ]
 *   int = "0" / ( digit1-9 *digit ), frac = "." 1*digit,
 *   exp = ( "e" / "E" ) [ "-" / "+" ] 1*digit
 * No '+' sign, no leading zeros, no ".5", no "1.", no hex, no NaN/Infinity.
 *
 * Integers (no fraction, no exponent) are read exactly from their digits:
 * u64 when non-negative, i64 when negative; "-0" is the integer zero and
 * reads as u64 0 (integers have no signed zero). Anything beyond u64/i64 is
 * rejected rather than silently rounded.
 *
 * Fraction or exponent: the correctly rounded double, from the first 19
 * significant digits m and a power of ten e10:
 *   1. Clinger's exact path: m <= 2^53 and |e10| <= 22, one IEEE operation;
 *   2. Eisel-Lemire (format/float_parse.c), which decides almost all of the
 *      rest with one or two 64x64 multiplications. With more than 19
 *      digits, m and m + 1 bracket the value: when both round to the same
 *      double, that is the answer;
 *   3. otherwise strtod, which glibc implements with correct rounding
 *      (multi-precision arithmetic), under the "C" numeric locale so that a
 *      host program's setlocale() cannot change the decimal point.
 * Digits are scanned and converted in one pass, eight at a time (SWAR).
 *
 * Results that overflow to infinity are rejected ("number out of range for
 * a double"): a finite document should not decode to a value that JSON
 * cannot write back. Underflow to zero or a subnormal is the correctly
 * rounded result and is accepted.
 *
 * format/json_number_reference.c keeps the previous lexer as the test
 * oracle. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "format/float_parse.h"
#include "format/json_internal.h"

static inline bool is_digit(uint8_t c) { return (uint8_t)(c - '0') < 10; }

/* ---- eight digits at a time ---------------------------------------------- */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR_DIGITS 1
static inline uint64_t load8(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/* The value of eight digit bytes, first digit in the lowest byte: pairs,
 * then quads, then the whole, each step one multiply-add on all lanes. */
static inline uint32_t eight_digits_value(uint64_t v) {
  v -= UINT64_C(0x3030303030303030);
  v = v * 10 + (v >> 8); /* bytes 0,2,4,6: two-digit values */
  const uint64_t lanes = UINT64_C(0x000000FF000000FF);
  uint64_t pairs_a = v & lanes, pairs_b = (v >> 16) & lanes;
  v = pairs_a * (100 + (UINT64_C(1000000) << 32)) + pairs_b * (1 + (UINT64_C(10000) << 32));
  return (uint32_t)(v >> 32);
}

/* The first non-digit byte of v (8 when there is none). A byte is a digit
 * when its high nibble is 3 before and after adding 6; a byte >= 0xFA
 * carries into the next one, but it already fails its own test and only
 * bytes after it are disturbed. */
static inline unsigned leading_digits(uint64_t v) {
  const uint64_t highs = UINT64_C(0xF0F0F0F0F0F0F0F0), threes = UINT64_C(0x3030303030303030);
  uint64_t bad = ((v & highs) ^ threes) | (((v + UINT64_C(0x0606060606060606)) & highs) ^ threes);
  return bad ? (unsigned)__builtin_ctzll(bad) >> 3 : 8;
}
#endif

/* The run of digits from p: its end, and m * 10^count + its value into *m
 * (wrapping past 19 digits in all: callers check the count). Eight bytes
 * are read at a time where eight remain; a run's last few digits are
 * shifted to the top of their word, under '0' fill, and converted like a
 * full word, so no multiply-add chain runs digit by digit. */
static inline size_t read_digits(const uint8_t *d, size_t p, size_t n, uint64_t *m) {
  uint64_t acc = *m;
#ifdef SWAR_DIGITS
  static const uint64_t pow10[8] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
  while (n - p >= 8) {
    uint64_t v = load8(d + p);
    unsigned k = leading_digits(v);
    if (k == 8) {
      acc = acc * 100000000 + eight_digits_value(v);
      p += 8;
      continue;
    }
    if (k) {
      unsigned drop = 64 - 8 * k; /* 8..56 */
      uint64_t top = v << drop | UINT64_C(0x3030303030303030) >> (64 - drop);
      acc = acc * pow10[k] + eight_digits_value(top);
    }
    *m = acc;
    return p + k;
  }
#endif
  for (; p < n && is_digit(d[p]); p++) acc = acc * 10 + (uint64_t)(d[p] - '0');
  *m = acc;
  return p;
}

/* m * 10^len + the value of the len digits at s (no overflow check). */
static inline uint64_t add_digits(uint64_t m, const uint8_t *s, size_t len) {
#ifdef SWAR_DIGITS
  for (; len >= 8; len -= 8, s += 8) m = m * 100000000 + eight_digits_value(load8(s));
#endif
  for (; len; len--) m = m * 10 + (uint64_t)(*s++ - '0');
  return m;
}

/* strtod on a NUL-terminated copy of the token: on the stack when short,
 * else briefly in the arena (released before returning). */
static vmir_status slow_double(vmir_source *src, vmir_arena *arena, size_t start,
                               size_t len, double *out, vmir_error *err) {
  char small[128];
  if (len < sizeof small) {
    memcpy(small, src->data + start, len);
    small[len] = '\0';
    *out = vmir_strtod_c(small);
    return VMIR_OK;
  }
  vmir_arena_pos mark = vmir_arena_mark(arena);
  char *big = len < SIZE_MAX ? vmir_arena_alloc(arena, len + 1, 1) : NULL;
  if (!big) return vmir_source_arena_failed(src, err, arena, start);
  memcpy(big, src->data + start, len);
  big[len] = '\0';
  *out = vmir_strtod_c(big);
  vmir_arena_reset_to(arena, mark);
  return VMIR_OK;
}

/* ---- the fast paths -------------------------------------------------------- */

static const double POW10[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* m * 10^e10 (m the exact significand, or, when truncated, the first 19
 * digits of a longer one) correctly rounded; false when only the exact
 * path can tell. */
static bool fast_double(uint64_t m, int64_t e10, bool truncated, double *out) {
  if (m == 0) {
    *out = 0.0;
    return true;
  }
#if FLT_EVAL_METHOD == 0
  /* Clinger: m and 10^|e10| are exact doubles, so the one IEEE operation
   * is correctly rounded (needs no excess precision: x86-64 SSE, AArch64). */
  if (!truncated && m <= (UINT64_C(1) << 53) && e10 >= -22 && e10 <= 22) {
    double v = (double)m;
    *out = e10 < 0 ? v / POW10[-e10] : v * POW10[e10];
    return true;
  }
#else
  (void)POW10;
#endif
  if (!vmir_decimal_to_double(m, e10, out)) return false;
  if (!truncated) return true;
  /* The dropped digits put the value in [m, m + 1) * 10^e10. */
  double above;
  return vmir_decimal_to_double(m + 1, e10, &above) && above == *out;
}

/* The token, cut for messages. */
#define TOKEN_FMT "%.*s%s"
#define TOKEN_ARGS(d, start, len) \
  (int)((len) > 40 ? 40 : (len)), (const char *)(d) + (start), (len) > 40 ? "\u2026" : ""

#define MAX_DIGITS 19 /* any 19 digits fit in u64 */

/* The significand of a float token with more than 19 digits: the first 19
 * significant ones into *m, the power of ten they leave in *e10 (added to
 * it), and whether a non-zero digit was dropped. */
static bool long_significand(const uint8_t *d, size_t int_start, size_t int_end,
                             size_t frac_start, size_t frac_end, uint64_t *m,
                             int64_t *e10) {
  uint64_t v = 0;
  unsigned count = 0;
  bool truncated = false;
  int64_t e = 0;
  for (size_t i = int_start; i < int_end; i++) {
    unsigned dg = (unsigned)(d[i] - '0');
    if (v == 0 && dg == 0) continue; /* the single leading "0" */
    if (count < MAX_DIGITS) {
      v = v * 10 + dg;
      count++;
    } else {
      e++;
      truncated |= dg != 0;
    }
  }
  for (size_t i = frac_start; i < frac_end; i++) {
    unsigned dg = (unsigned)(d[i] - '0');
    if (v == 0 && dg == 0) {
      e--; /* leading zeros only scale */
    } else if (count < MAX_DIGITS) {
      v = v * 10 + dg;
      count++;
      e--;
    } else {
      truncated |= dg != 0;
    }
  }
  *m = v;
  *e10 += e;
  return truncated;
}

vmir_status vmir_json_lex_number(vmir_source *src, vmir_arena *arena,
                                 vmir_scalar *out, vmir_error *err) {
  const uint8_t *d = src->data;
  const size_t n = src->len, start = src->pos;
  size_t p = start;
  bool neg = false;
  if (p < n && d[p] == '-') {
    neg = true;
    p++;
  }
  if (p >= n || !is_digit(d[p]))
    return vmir_source_expected(src, err, p, neg ? "a digit after '-'" : "a number");

  /* The grammar first: the digit runs of the three parts. */
  /* The significand's digits are converted as they are scanned (m); it is
   * exact when there are at most 19 of them. */
  const size_t int_start = p;
  uint64_t m = 0;
  if (d[p] == '0') {
    p++;
    if (p < n && is_digit(d[p]))
      return vmir_source_fail(src, err, VMIR_E_DECODE, start,
                              "leading zeros are not allowed in a number");
  } else {
    p = read_digits(d, p, n, &m);
  }
  const size_t int_end = p;
  size_t frac_start = p, frac_end = p;
  bool is_float = false;
  if (p < n && d[p] == '.') {
    p++;
    if (p >= n || !is_digit(d[p]))
      return vmir_source_expected(src, err, p, "a digit after the decimal point");
    frac_start = p;
    p = frac_end = read_digits(d, p, n, &m);
    is_float = true;
  }
  int64_t e10 = 0;
  if (p < n && (d[p] == 'e' || d[p] == 'E')) {
    p++;
    bool eneg = false;
    if (p < n && (d[p] == '+' || d[p] == '-')) eneg = d[p++] == '-';
    if (p >= n || !is_digit(d[p]))
      return vmir_source_expected(src, err, p, "a digit in the exponent");
    int64_t e = 0;
    do {
      if (e < 1000000) e = e * 10 + (d[p] - '0');  /* saturate: far out of range */
      p++;
    } while (p < n && is_digit(d[p]));
    e10 = eneg ? -e : e;
    is_float = true;
  }
  const size_t len = p - start;
  const size_t int_digits = int_end - int_start, frac_digits = frac_end - frac_start;
  out->is_f32 = false;

  if (!is_float) {
    bool overflow = int_digits > MAX_DIGITS + 1;
    if (int_digits == MAX_DIGITS + 1) {
      m = add_digits(0, d + int_start, MAX_DIGITS);
      unsigned dg = (unsigned)(d[int_start + MAX_DIGITS] - '0');
      overflow = m > (UINT64_MAX - dg) / 10;
      m = m * 10 + dg;
    }
    if (overflow || (neg && m > (uint64_t)INT64_MAX + 1)) {
      return vmir_source_fail(src, err, VMIR_E_DECODE, start,
                              "integer out of range: " TOKEN_FMT " is %s",
                              TOKEN_ARGS(d, start, len),
                              neg ? "below the i64 minimum -9223372036854775808"
                                  : "above the u64 maximum 18446744073709551615");
    }
    if (neg && m != 0) {
      out->type = VMIR_SCALAR_INT;
      /* -(2^63) is not representable as a positive i64: spell it out. */
      out->as.i64 = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
    } else {
      out->type = VMIR_SCALAR_UINT;
      out->as.u64 = m;
    }
    src->pos = p;
    return VMIR_OK;
  }

  bool truncated = false;
  if (int_digits + frac_digits <= MAX_DIGITS) {
    /* The common case: every digit fits (a leading "0" adds nothing). */
    e10 -= (int64_t)frac_digits;
  } else {
    truncated = long_significand(d, int_start, int_end, frac_start, frac_end, &m, &e10);
  }
  double v = 0;
  if (fast_double(m, e10, truncated, &v)) {
    if (neg) v = -v;
  } else {
    vmir_status st = slow_double(src, arena, start, len, &v, err);
    if (st != VMIR_OK) return st;
  }
  if (isinf(v)) {
    return vmir_source_fail(src, err, VMIR_E_DECODE, start,
                            "number out of range for a double: " TOKEN_FMT,
                            TOKEN_ARGS(d, start, len));
  }
  out->type = VMIR_SCALAR_FLOAT;
  out->as.f64 = v;
  src->pos = p;
  return VMIR_OK;
}
