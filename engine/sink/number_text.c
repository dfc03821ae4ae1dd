/* Number text for the sinks: integers and shortest round-trip floats.
 *
 * Why our own float formatting: JSON output must be exact (the text reads
 * back to the same bits) and short. glibc's printf has no "shortest
 * round-trip" mode: %.17g is exact but long ("0.10000000000000001"), and
 * %g's default 6 digits lose information. No Debian-packaged C library
 * offers shortest formatting, so we find the shortest digits ourselves with
 * Schubfach (Giulietti, "The Schubfach way to render doubles", 2020),
 * written for vmir from the paper: the rounding interval of the value,
 * scaled by a power of ten from format/pow10_table.h, is computed with
 * three 64x128-bit multiplications rounded to odd, and the shortest decimal
 * in it falls out of a few comparisons. No loops, no fallback.
 *
 * One layout function turns digits and a power of ten into text, so the
 * policy (docs/sinks.md) does not depend on the algorithm.
 * sink/number_text_reference.c keeps the previous exact-integer method as
 * the test oracle. */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/pow10_table.h"
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

/* Number of decimal digits of v (1 for 0): the bit length gives it to
 * within one, a table comparison settles it. */
static inline int digit_count(uint64_t v) {
  static const uint64_t pow10[20] = {
      UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000),
      UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000),
      UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
      UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
      UINT64_C(1000000000000000), UINT64_C(10000000000000000),
      UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
      UINT64_C(10000000000000000000)};
  int bits = 64 - __builtin_clzll(v | 1);
  int guess = (bits * 1233) >> 12; /* 1233 / 4096 is just above log10(2) */
  return guess + ((v | 1) >= pow10[guess]); /* (v | 1: zero has one digit) */
}

static inline void put_pair(char *p, uint32_t two_digits) {
  memcpy(p, digit_pairs + 2 * two_digits, 2);
}

/* Exactly eight digits of v < 10^8 (leading zeros kept): 32-bit divisions
 * by constants, which compile to multiplications. */
static inline void put_eight(char *p, uint32_t v) {
  uint32_t hi = v / 10000, lo = v % 10000;
  put_pair(p, hi / 100);
  put_pair(p + 2, hi % 100);
  put_pair(p + 4, lo / 100);
  put_pair(p + 6, lo % 100);
}

/* The digits of v, written back to front from out + n (n = digit_count). */
static inline void put_digits(char *out, uint64_t v, int n) {
  char *p = out + n;
  while (v >= 100000000) {
    p -= 8;
    put_eight(p, (uint32_t)(v % 100000000));
    v /= 100000000;
  }
  uint32_t r = (uint32_t)v;
  while (r >= 100) {
    p -= 2;
    put_pair(p, r % 100);
    r /= 100;
  }
  if (r >= 10) put_pair(p - 2, r);
  else p[-1] = (char)('0' + r);
}

size_t vmir_sink_format_u64(char *out, uint64_t v) {
  int n = digit_count(v);
  put_digits(out, v, n);
  return (size_t)n;
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

/* ---- Schubfach --------------------------------------------------------
 * The value is x = c * 2^q (c the integer significand). Readers round to
 * nearest, ties to even, so the decimals that read back as x form the
 * interval R between the midpoints to the neighbours, closed when c is
 * even: [(4c - 2) * 2^(q-2), (4c + 2) * 2^(q-2)], with 4c - 1 for the lower
 * bound when c is the least significand of its binade (the neighbour below
 * is twice as close). With k chosen so that 10^k <= the spacing of doubles
 * near x (about; for the lopsided case 3/4 of it), R holds at least one
 * multiple of 10^k and at most one of 10^(k+1). Scaled by 10^-k (the table
 * gives g with (g - 1) * 2^r <= 10^-k < g * 2^r, 2^125 <= g < 2^126) and by
 * 4, the bounds and x become integers vbl, vbr, vb plus a sticky bit
 * (rounded to odd), which is all the comparisons need: the multiple of
 * 10^(k+1) in R if there is one, else the one of s = floor(x / 10^k) and
 * s + 1 in R, the closer to x when both are (ties to even). */

/* floor(g * cp / 2^127), with its lowest bit set when the division is not
 * exact (round to odd keeps "exactly on a bound" apart from "just past it"). */
static inline uint64_t round_to_odd(u128 g, uint64_t cp) {
  u128 low = (u128)(uint64_t)g * cp;
  u128 high = (u128)(uint64_t)(g >> 64) * cp + (uint64_t)(low >> 64);
  uint64_t sticky = ((uint64_t)high & (UINT64_MAX >> 1)) != 0;
  return (uint64_t)(high >> 63) | sticky;
}

/* g for 10^e: the table holds 10^e truncated to 128 bits; 126 bits of it,
 * plus one, bound it from above. */
static inline u128 schubfach_g(int e) {
  const vmir_pow10_significand *t = vmir_pow10(e);
  return ((((u128)t->hi << 64) | t->lo) >> 2) + 1;
}

/* The shortest decimal for x = c * 2^q (c >= 1); `irregular` when c is the
 * least significand of its binade above the subnormals. dk = -1 when the
 * caller passed 10c for a tiny c (its digits would be too few for the
 * comparisons otherwise). */
static decimal schubfach(uint64_t c, int q, bool irregular, int dk) {
  uint64_t out = c & 1; /* bounds excluded when c is odd */
  uint64_t cb = c << 2, cbr = cb + 2, cbl;
  int k;
  if (irregular) {
    cbl = cb - 1;
    k = vmir_floor_log10_three_quarters_pow2(q);
  } else {
    cbl = cb - 2;
    k = vmir_floor_log10_pow2(q);
  }
  int h = q + vmir_floor_log2_pow10(-k) + 2; /* 1..5: cbr << h fits 64 bits */
  u128 g = schubfach_g(-k);
  uint64_t vb = round_to_odd(g, cb << h);
  uint64_t vbl = round_to_odd(g, cbl << h);
  uint64_t vbr = round_to_odd(g, cbr << h);
  uint64_t s = vb >> 2;
  {
    /* (The paper skips this for s < 100, as Java wants two digits; we want
     * the shortest. sp10 = 0 is never in R: vbl >= 1.) */
    uint64_t sp10 = s / 10 * 10, tp10 = sp10 + 10;
    bool lower_in = vbl + out <= sp10 << 2, upper_in = (tp10 << 2) + out <= vbr;
    if (lower_in != upper_in) return (decimal){lower_in ? sp10 : tp10, k + dk};
  }
  uint64_t t = s + 1;
  bool lower_in = vbl + out <= s << 2, upper_in = (t << 2) + out <= vbr;
  if (lower_in != upper_in) return (decimal){lower_in ? s : t, k + dk};
  /* Both in: the closer to x; vb - 2(s + t) is 4x minus twice their sum. */
  int64_t cmp = (int64_t)(vb - ((s + t) << 1));
  return (decimal){cmp < 0 || (cmp == 0 && (s & 1) == 0) ? s : t, k + dk};
}

/* x = c * 2^q from a binary layout: `field` the biased exponent, `frac` the
 * stored fraction, `bits` the fraction width, `q_min` the exponent of the
 * subnormals, `c_tiny` the significands too small for direct use. */
static decimal shortest(uint64_t field, uint64_t frac, int bits, int q_min, uint64_t c_tiny) {
  decimal d;
  if (field != 0) {
    uint64_t c = frac | UINT64_C(1) << bits;
    int q = (int)field + q_min - 1;
    d = schubfach(c, q, frac == 0 && field > 1, 0);
  } else if (frac < c_tiny) {
    /* The few least subnormals (double 1..2, float 1..7 times the least
     * one): their two digits from 10c, rounded to the one digit that is
     * shortest for each of them (the kernels test checks all of them). */
    d = schubfach(frac * 10, q_min, false, -1);
    d.digits = (d.digits + 5) / 10;
    d.exp10++;
  } else {
    d = schubfach(frac, q_min, false, 0);
  }
  strip_trailing_zeros(&d);
  return d;
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
  int n = digit_count(d->digits);
  int point = n + d->exp10;
  char *p = out;
  if (negative) *p++ = '-';
  if (0 < point && point < n) {
    /* The common case (1.5, 123.456): digits one place to the right, then
     * the leading ones back over the gap for the point. */
    put_digits(p + 1, d->digits, n);
    memmove(p, p + 1, (size_t)point);
    p[point] = '.';
    p += n + 1;
  } else if (n <= point && point <= 21) {
    put_digits(p, d->digits, n);
    p += n;
    memset(p, '0', (size_t)(point - n));
    p += point - n;
    memcpy(p, ".0", 2);
    p += 2;
  } else if (-6 < point && point <= 0) {
    memcpy(p, "0.", 2);
    p += 2;
    memset(p, '0', (size_t)-point);
    p += -point;
    put_digits(p, d->digits, n);
    p += n;
  } else {
    put_digits(p + 1, d->digits, n);
    p[0] = p[1];
    if (n > 1) {
      p[1] = '.';
      p += n + 1;
    } else {
      p += 1;
    }
    int exp = point - 1;
    *p++ = 'e';
    *p++ = exp < 0 ? '-' : '+';
    p += vmir_sink_format_u64(p, (uint64_t)(exp < 0 ? -exp : exp));
  }
  return (size_t)(p - out);
}

/* Integral values below 2^mantissa_bits: their own digits are the shortest
 * text (the rounding interval is at most 1 wide), so skip the search. */
static size_t format_integral(char *out, bool negative, uint64_t magnitude) {
  char *p = out;
  if (negative) *p++ = '-';
  p += vmir_sink_format_u64(p, magnitude);
  memcpy(p, ".0", 2);
  return (size_t)(p + 2 - out);
}

size_t vmir_sink_format_float(char *out, double value, bool is_f32) {
  bool negative = signbit(value) != 0;
  double magnitude = fabs(value);
  if (isnan(value)) return (size_t)(stpcpy(out, "nan") - out);
  if (isinf(value)) return (size_t)(stpcpy(out, negative ? "-inf" : "inf") - out);
  if (magnitude == 0) return format_integral(out, negative, 0);
  decimal d;
  if (is_f32) {
    float f = (float)magnitude;
    if (isinf(f)) return (size_t)(stpcpy(out, negative ? "-inf" : "inf") - out);
    if (f < 16777216.0f && f == (float)(uint32_t)f)
      return format_integral(out, negative, (uint32_t)f);
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    d = shortest(bits >> 23, bits & 0x7FFFFF, 23, -149, 8);
  } else {
    if (magnitude < 9007199254740992.0 && magnitude == (double)(uint64_t)magnitude)
      return format_integral(out, negative, (uint64_t)magnitude);
    uint64_t bits;
    memcpy(&bits, &magnitude, sizeof bits);
    d = shortest(bits >> 52, bits & ((UINT64_C(1) << 52) - 1), 52, -1074, 3);
  }
  return layout(out, negative, &d);
}
