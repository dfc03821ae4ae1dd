/* The previous JSON number lexer, kept as the test oracle of the number
 * kernels (format/json_number.c): compiled into the test-only reference
 * library, never into libvmir. Same grammar and results; slower (digit by
 * digit, Clinger / x87 fast paths, else strtod).
 *
 * JSON numbers (RFC 8259 section 6, exactly):
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
 * Fraction or exponent: the correctly rounded double. Most tokens take an
 * exact fast path (Clinger's, or its x87 extended-precision form with a
 * halfway-point check, below); the rest go to strtod, which glibc implements
 * with correct rounding (multi-precision arithmetic), under the "C" numeric
 * locale so that a host program's setlocale() cannot change the decimal
 * point. Results that overflow to infinity are rejected ("number out of
 * range for a double"): a finite document should not decode to a value
 * that JSON cannot write back. Underflow to zero or a subnormal is the
 * correctly rounded result and is accepted. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "format/float_parse.h"
#include "format/json_internal.h"
#include "format/reference.h"

static bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* ---- exact fast paths -----------------------------------------------------
 * Clinger: when the decimal significand m fits in 53 bits and |e| <= 22,
 * both m and 10^|e| are exact doubles, so the one IEEE multiplication or
 * division m * 10^e is correctly rounded. Needs double arithmetic without
 * excess precision (FLT_EVAL_METHOD 0: x86-64 SSE, AArch64). */
static const double POW10[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#if (defined(__x86_64__) || defined(__i386__)) && LDBL_MANT_DIG == 64
#define HAVE_X87_PATH 1
/* x87 extended precision covers what Clinger cannot: up to 19 significant
 * digits (m < 2^64 is exact in a 64-bit significand) and |e| <= 27
 * (10^27 = 5^27 * 2^27 with 5^27 < 2^64, exact too). The one extended
 * operation gives r = x rounded to 64 bits, |r - x| <= half an ulp of r.
 * Rounding r to 53 bits then gives x rounded to 53 bits unless r sits on a
 * 53-bit halfway point, where x may lie on either side: that shows as the
 * 11 bits below the double's significand reading 0x400. Those cases (and,
 * for margin, their neighbours 0x3ff and 0x401) go to strtod. With the x87
 * precision control at 53 bits, r is already the correctly rounded double
 * and its low bits are zero, so the result stays right. */
static const long double POW10L[28] = {
    1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
    1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
    1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};

static bool x87_double(uint64_t m, int64_t e10, double *out) {
  if (e10 < -27 || e10 > 27) return false;
  long double r = e10 < 0 ? (long double)m / POW10L[-e10] : (long double)m * POW10L[e10];
  uint64_t significand;  /* x87 layout: the 64-bit significand comes first */
  memcpy(&significand, &r, sizeof significand);
  unsigned low = (unsigned)(significand & 0x7FF);
  if (low >= 0x3FF && low <= 0x401) return false;
  *out = (double)r;
  return true;
}
#endif

/* m * 10^e10 exactly rounded by a fast path; false when none applies. */
static bool fast_double(uint64_t m, int64_t e10, double *out) {
  if (m == 0) {
    *out = 0.0;
    return true;
  }
#if FLT_EVAL_METHOD == 0
  if (m <= (UINT64_C(1) << 53) && e10 >= -22 && e10 <= 22) {
    double v = (double)m;
    *out = e10 < 0 ? v / POW10[-e10] : v * POW10[e10];
    return true;
  }
#else
  (void)POW10;
#endif
#ifdef HAVE_X87_PATH
  return x87_double(m, e10, out);
#else
  return false;
#endif
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

/* The token, cut for messages. */
#define TOKEN_FMT "%.*s%s"
#define TOKEN_ARGS(d, start, len) \
  (int)((len) > 40 ? 40 : (len)), (const char *)(d) + (start), (len) > 40 ? "\u2026" : ""

vmir_status vmir_json_lex_number_reference(vmir_source *src, vmir_arena *arena,
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

  /* One pass validates the grammar and gathers the decimal significand m
   * (exact while it fits in u64) and its power of ten e10. For an integer
   * token m is the value; for a float, m * 10^e10 feeds the fast paths. */
  uint64_t m = 0;
  int64_t e10 = 0;
  bool overflow = false;   /* the integer part does not fit in u64 */
  bool inexact = false;    /* a fraction digit did not fit in m */
  if (d[p] == '0') {
    p++;
    if (p < n && is_digit(d[p]))
      return vmir_source_fail(src, err, VMIR_E_DECODE, start,
                              "leading zeros are not allowed in a number");
  } else {
    do {
      unsigned dg = (unsigned)(d[p] - '0');
      if (!overflow && m <= (UINT64_MAX - dg) / 10) m = m * 10 + dg;
      else overflow = true;
      p++;
    } while (p < n && is_digit(d[p]));
  }

  bool is_float = false;
  if (p < n && d[p] == '.') {
    p++;
    if (p >= n || !is_digit(d[p]))
      return vmir_source_expected(src, err, p, "a digit after the decimal point");
    do {
      unsigned dg = (unsigned)(d[p] - '0');
      if (m == 0 && dg == 0) {
        e10--;                              /* leading zeros only scale */
      } else if (!overflow && m <= (UINT64_MAX - dg) / 10) {
        m = m * 10 + dg;
        e10--;
      } else if (dg != 0) {
        inexact = true;                     /* (dropped zeros change nothing) */
      }
      p++;
    } while (p < n && is_digit(d[p]));
    is_float = true;
  }
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
    e10 += eneg ? -e : e;
    is_float = true;
  }
  size_t len = p - start;
  out->is_f32 = false;

  if (!is_float) {
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

  double v = 0;
  if (!overflow && !inexact && fast_double(m, e10, &v)) {
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
