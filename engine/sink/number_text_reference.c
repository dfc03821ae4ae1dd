/* The previous number text of the sinks, kept as the test oracle of the
 * number kernels (sink/number_text.c): compiled into the test-only
 * reference library, never into libvmir.
 *
 * Number text for the sinks: integers and shortest round-trip floats.
 *
 * Why our own float formatting: JSON output must be exact (the text reads
 * back to the same bits) and short (benchmarks compare with yyjson). glibc's
 * printf has no "shortest round-trip" mode: %.17g is exact but long
 * ("0.10000000000000001"), and %g's default 6 digits lose information. No
 * Debian-packaged C library offers shortest formatting either, so we find
 * the shortest digits ourselves:
 *
 * - fast path, exact integer arithmetic: for doubles and floats in roughly
 *   [7e-12, 1.8e38) (almost every number real documents carry) the rounding
 *   interval of the value, scaled by a power of ten, fits in 128-bit
 *   integers, so choosing the shortest decimal in it is exact comparisons
 *   on integers; no tables, no approximations.
 * - slow path, outside that range: ask printf for the correctly rounded
 *   decimal at 1, 2, ... digits and keep the first one that strtod (strtof)
 *   reads back exactly. Correct because printf and strtod are correctly
 *   rounded in glibc; slow (microseconds), but only very large or very small
 *   magnitudes take it.
 *
 * Both paths yield digits and a power of ten; one layout function turns
 * them into text, so the policy (docs/sinks.md) does not depend on the path.
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/reference.h"
#include "sink/sink_internal.h"

/* 128-bit integers: a GCC/Clang extension; __extension__ keeps -Wpedantic
 * builds quiet. */
__extension__ typedef unsigned __int128 u128;

/* "00".."99": two digits per division halves the divisions. */
static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536"
    "37383940414243444546474849505152535455565758596061626364656667686970717273"
    "74757677787980818283848586878889909192939495969798"
    "99";

static size_t format_u64(char *out, uint64_t v) {
  char tmp[20];
  char *p = tmp + sizeof tmp;
  while (v >= 100) {
    unsigned pair = (unsigned)(v % 100);
    v /= 100;
    p -= 2;
    memcpy(p, digit_pairs + 2 * pair, 2);
  }
  if (v >= 10) {
    p -= 2;
    memcpy(p, digit_pairs + 2 * v, 2);
  } else {
    *--p = (char)('0' + v);
  }
  size_t len = (size_t)(tmp + sizeof tmp - p);
  memcpy(out, p, len);
  return len;
}

/* A positive decimal: digits * 10^exp10, digits without trailing zeros. */
typedef struct decimal {
  uint64_t digits;
  int exp10;
} decimal;

static void strip_trailing_zeros(decimal *d) {
  while (d->digits % 10 == 0) {
    d->digits /= 10;
    d->exp10++;
  }
}

/* ---- fast path: exact integer arithmetic ---------------------------------
 *
 * The value is x = c * 2^q (c the integer significand with the hidden bit).
 * Readers round to nearest, ties to even, so the decimals that read back as
 * x form the interval R around x bounded by the midpoints to the neighbours:
 * [(4c - 2) * 2^(q-2), (4c + 2) * 2^(q-2)], closed when c is even. When c is
 * the smallest significand of its binade ("irregular"), the neighbour below
 * is twice as close: the lower bound is (4c - 1) * 2^(q-2).
 *
 * Let k = floor(log10(2^q)), so 10^k <= 2^q < 10^(k+1): the width of R is at
 * most 2^q < 10^(k+1), so R holds at most one multiple of 10^(k+1), and (for
 * regular x) at least one multiple of 10^k, within half of 10^k of x. The
 * shortest decimal is then:
 *   1. the multiple of 10^(k+1) in R if there is one (fewer digits), else
 *   2. the one of floor(x/10^k), floor(x/10^k)+1 in R, the closer one to x
 *      if both are (ties to the even one).
 * Irregular x may have no multiple of 10^k in R; then one more digit (k-1)
 * always works: R still reaches 2^(q-2) >= 10^k / 4 below x (twice that
 * above), more than the 10^(k-1) / 2 by which the nearest multiple of
 * 10^(k-1) can miss x.
 *
 * All of it is comparisons of n * 10^k with the bounds, done exactly on
 * integers scaled by a power of two: for k <= 0, bounds * 5^p (p = -k <= 27,
 * so 5^p < 2^63) against n << shift; for k > 0, the bounds (integers, as
 * q >= 2) against n * 10^k. 128 bits hold every product when q is in
 * [-89, 74], i.e. for |x| roughly in [7e-12, 1.8e38) (double; float
 * magnitudes up to 3e29): almost every number real documents carry. */

#define FAST_MIN_Q (-89)
#define FAST_MAX_Q 74
#define FAST_MAX_P 27

static const uint64_t pow5[FAST_MAX_P + 1] = {
    UINT64_C(1),
    UINT64_C(5),
    UINT64_C(25),
    UINT64_C(125),
    UINT64_C(625),
    UINT64_C(3125),
    UINT64_C(15625),
    UINT64_C(78125),
    UINT64_C(390625),
    UINT64_C(1953125),
    UINT64_C(9765625),
    UINT64_C(48828125),
    UINT64_C(244140625),
    UINT64_C(1220703125),
    UINT64_C(6103515625),
    UINT64_C(30517578125),
    UINT64_C(152587890625),
    UINT64_C(762939453125),
    UINT64_C(3814697265625),
    UINT64_C(19073486328125),
    UINT64_C(95367431640625),
    UINT64_C(476837158203125),
    UINT64_C(2384185791015625),
    UINT64_C(11920928955078125),
    UINT64_C(59604644775390625),
    UINT64_C(298023223876953125),
    UINT64_C(1490116119384765625),
    UINT64_C(7450580596923828125),
};

/* floor(log10(2^q)); 78913 / 2^18 is close enough to log10(2) to be exact
 * for |q| < 1100 (checked exhaustively when written). Spelled without
 * shifting negative numbers, which C leaves implementation-defined. */
static int floor_log10_pow2(int q) {
  if (q >= 0) return (int)(((uint32_t)q * 78913u) >> 18);
  return -(int)(((uint32_t)(-q) * 78913u + (1u << 18) - 1) >> 18);
}

/* R scaled so that a candidate n sits at (n * unit) << shift. */
typedef struct scaled_interval {
  u128 lo, mid, hi;
  u128 unit;      /* 1, or 10^k for k > 0 */
  unsigned shift; /* 0 when unit > 1 */
  bool closed;
} scaled_interval;

/* The branch keeps the common case (unit 1) a shift, not a 128-bit
 * multiply. */
static inline u128 scaled(const scaled_interval *r, uint64_t n) {
  return r->unit == 1 ? (u128)n << r->shift : (u128)n * r->unit;
}

static bool interval_holds(const scaled_interval *r, uint64_t n) {
  u128 v = scaled(r, n);
  return r->closed ? (r->lo <= v && v <= r->hi) : (r->lo < v && v < r->hi);
}

/* R for x = c * 2^q around candidates n * 10^k (see above); false when the
 * products would not fit 128 bits. */
static bool scale_interval(uint64_t c, int q, int k, bool irregular, scaled_interval *r) {
  u128 lo = 4 * c - (irregular ? 1 : 2), mid = 4 * c, hi = 4 * c + 2;
  r->closed = (c & 1) == 0;
  if (k > 0) {
    /* n * 10^k against the bounds themselves: q >= 2, so they are
     * integers; 4c * 2^(q-2) < 2^127 for q <= 74, and 10^k <= 2^q. (k is at
     * most 22 there; the test states the table bound for the compiler.) */
    if (k > FAST_MAX_P) return false;
    r->lo = lo << (q - 2);
    r->mid = mid << (q - 2);
    r->hi = hi << (q - 2);
    r->unit = (u128)pow5[k] << k;
    r->shift = 0;
    return true;
  }
  int p = -k;
  if (p > FAST_MAX_P) return false;
  /* x * 10^p = 4c * 5^p * 2^(q+p-2): bounds * 5^p (< 2^118) and the
   * power of two moved to whichever side keeps everything an integer. */
  int e = q + p - 2;
  u128 m = pow5[p];
  r->lo = lo * m;
  r->mid = mid * m;
  r->hi = hi * m;
  r->unit = 1;
  r->shift = 0;
  if (e > 0) {
    r->lo <<= e;
    r->mid <<= e;
    r->hi <<= e;
  } else {
    r->shift = (unsigned)-e;
  }
  return true;
}

static bool shortest_fast(uint64_t c, int q, bool irregular, decimal *out) {
  if (q < FAST_MIN_Q || q > FAST_MAX_Q) return false;
  int k = floor_log10_pow2(q);
  /* A second round (one more digit) only for irregular x; see above. */
  for (int round = 0; round < 2; round++, k--) {
    scaled_interval r;
    if (!scale_interval(c, q, k, irregular, &r)) return false;
    /* floor(x / 10^k) < 2^60; a 128-bit division only for large x. */
    uint64_t s = r.unit == 1 ? (uint64_t)(r.mid >> r.shift) : (uint64_t)(r.mid / r.unit);
    uint64_t tens = s - s % 10;
    uint64_t pick;
    if (tens != 0 && interval_holds(&r, tens)) {
      pick = tens;
    } else if (interval_holds(&r, tens + 10)) {
      pick = tens + 10;
    } else {
      bool below = interval_holds(&r, s), above = interval_holds(&r, s + 1);
      if (below && above) {
        u128 d_below = r.mid - scaled(&r, s), d_above = scaled(&r, s + 1) - r.mid;
        if (d_below != d_above) pick = d_below < d_above ? s : s + 1;
        else pick = (s & 1) == 0 ? s : s + 1;
      } else if (below) {
        pick = s;
      } else if (above) {
        pick = s + 1;
      } else {
        if (!irregular) return false; /* cannot happen; the slow path copes */
        continue;
      }
    }
    out->digits = pick;
    out->exp10 = k;
    strip_trailing_zeros(out);
    return true;
  }
  return false;
}

/* ---- slow path: printf's correctly rounded digits, checked by strtod ---- */

/* strtod, or strtof for f32 values, widened back. */
static double read_back(const char *text, bool is_f32) {
  return is_f32 ? (double)strtof(text, NULL) : strtod(text, NULL);
}

/* Parses printf's "%.*e" output ("d.ddde+XX", any decimal-point character
 * the locale uses) into digits and a power of ten. */
static void parse_exp_text(const char *text, decimal *d) {
  uint64_t digits = 0;
  int count = 0;
  const char *p = text;
  for (; *p && *p != 'e'; p++) {
    if (*p >= '0' && *p <= '9') {
      digits = digits * 10 + (uint64_t)(*p - '0');
      count++;
    }
  }
  int exp = *p == 'e' ? atoi(p + 1) : 0;
  d->digits = digits;
  d->exp10 = exp - (count - 1);
}

/* Shortest decimal for a positive finite value with printf and strtod.
 *
 * For normal values the search starts at DBL_DIG (15; FLT_DIG, 6, for f32)
 * digits: decimals of that many digits lie more than 1e-15 (1e-6) apart
 * relative to the value, over four times the width of the rounding
 * interval (at most one ulp, 2^-52 or 2^-23 relative). So if any decimal of
 * at most 15 digits reads back, it is the only 15-digit decimal within an
 * ulp of the value, hence printf's nearest one, and that one with its
 * trailing zeros stripped is the shortest. Subnormals have fewer bits, so
 * their search starts at one digit. Past the first count, the candidates
 * are the decimals just below and just above the value: the nearest
 * (printf's) first; the other one can win only where the interval is
 * lopsided (powers of two). */
static void shortest_slow(double magnitude, bool is_f32, decimal *out) {
  int max_digits = is_f32 ? FLT_DECIMAL_DIG : DBL_DECIMAL_DIG;
  bool subnormal = magnitude < (is_f32 ? (double)FLT_MIN : DBL_MIN);
  int first = subnormal ? 1 : is_f32 ? FLT_DIG : DBL_DIG;
  char text[48];
  for (int n = first; n <= max_digits; n++) {
    snprintf(text, sizeof text, "%.*e", n - 1, magnitude);
    parse_exp_text(text, out);
    double back = read_back(text, is_f32);
    if (back == magnitude) break;
    if (n == max_digits) break; /* cannot happen: 17 (9) digits always read back */
    if (n == first && !subnormal) continue; /* no other candidate, see above */
    /* The other neighbour: one unit in the last digit toward the value. */
    decimal other = *out;
    if (back < magnitude) other.digits++;
    else if (other.digits > 1) other.digits--;
    else continue;
    snprintf(text, sizeof text, "%" PRIu64 "e%d", other.digits, other.exp10);
    if (read_back(text, is_f32) == magnitude) {
      *out = other;
      break;
    }
  }
  strip_trailing_zeros(out);
}

/* ---- layout -----------------------------------------------------------
 * The ECMAScript Number-to-String layout, with one change so that a float
 * always reads back as a float: integral values keep a ".0".
 * With n digits and the decimal point after `point` of them:
 *   n <= point <= 21      digits, zeros, ".0"      (3.0, 1e20 in full)
 *   0 < point < n         digits with a point       (1.5, 123.456)
 *   -6 < point <= 0       "0." zeros digits         (0.1, 0.000001)
 *   otherwise             d[.ddd]e(+|-)exp          (1e+21, 1e-7) */
static size_t layout(char *out, bool negative, const decimal *d) {
  char digits[20];
  int n = (int)format_u64(digits, d->digits);
  int point = n + d->exp10;
  char *p = out;
  if (negative) *p++ = '-';
  if (n <= point && point <= 21) {
    memcpy(p, digits, (size_t)n);
    p += n;
    memset(p, '0', (size_t)(point - n));
    p += point - n;
    memcpy(p, ".0", 2);
    p += 2;
  } else if (0 < point && point < n) {
    memcpy(p, digits, (size_t)point);
    p += point;
    *p++ = '.';
    memcpy(p, digits + point, (size_t)(n - point));
    p += n - point;
  } else if (-6 < point && point <= 0) {
    memcpy(p, "0.", 2);
    p += 2;
    memset(p, '0', (size_t)-point);
    p += -point;
    memcpy(p, digits, (size_t)n);
    p += n;
  } else {
    *p++ = digits[0];
    if (n > 1) {
      *p++ = '.';
      memcpy(p, digits + 1, (size_t)(n - 1));
      p += n - 1;
    }
    int exp = point - 1;
    *p++ = 'e';
    *p++ = exp < 0 ? '-' : '+';
    p += format_u64(p, (uint64_t)(exp < 0 ? -exp : exp));
  }
  return (size_t)(p - out);
}

/* Integral values below 2^mantissa_bits: their own digits are the shortest
 * text (the rounding interval is at most 1 wide), so skip the search. */
static size_t format_integral(char *out, bool negative, uint64_t magnitude) {
  char *p = out;
  if (negative) *p++ = '-';
  p += format_u64(p, magnitude);
  memcpy(p, ".0", 2);
  return (size_t)(p + 2 - out);
}

size_t vmir_sink_format_float_reference(char *out, double value, bool is_f32) {
  bool negative = signbit(value) != 0;
  double magnitude = fabs(value);
  if (isnan(value)) return (size_t)(stpcpy(out, "nan") - out);
  if (isinf(value)) return (size_t)(stpcpy(out, negative ? "-inf" : "inf") - out);
  if (magnitude == 0) return format_integral(out, negative, 0);
  decimal d;
  if (is_f32) {
    float f = (float)magnitude;
    if (f < 16777216.0f && f == (float)(uint32_t)f)
      return format_integral(out, negative, (uint32_t)f);
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    uint32_t field = bits >> 23, frac = bits & 0x7FFFFF;
    /* Subnormals (field 0) are outside the fast range; the slow path. */
    uint64_t c = frac | (UINT32_C(1) << 23);
    int q = (int)field - 150;
    if (field == 0 || !shortest_fast(c, q, frac == 0 && field > 1, &d))
      shortest_slow(f, true, &d);
  } else {
    if (magnitude < 9007199254740992.0 && magnitude == (double)(uint64_t)magnitude)
      return format_integral(out, negative, (uint64_t)magnitude);
    uint64_t bits;
    memcpy(&bits, &magnitude, sizeof bits);
    uint64_t field = bits >> 52, frac = bits & ((UINT64_C(1) << 52) - 1);
    uint64_t c = frac | (UINT64_C(1) << 52);
    int q = (int)field - 1075;
    if (field == 0 || !shortest_fast(c, q, frac == 0 && field > 1, &d))
      shortest_slow(magnitude, false, &d);
  }
  return layout(out, negative, &d);
}
