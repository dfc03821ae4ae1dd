/* Decimal to double by the Eisel-Lemire method (Lemire, "Number Parsing at
 * a Gigabyte per Second", 2021), written for vmir from the paper's
 * description.
 *
 * w * 10^q is w (normalised to bit 63) times the 128-bit truncated
 * significand T of 10^q. The top 64 bits of that product hold the double's
 * 53 bits, a rounding bit and 9 or 10 bits below it. T and the dropped low
 * product are below the true value by less than two units of the second
 * word, so the top word can be one too small only when its low bits are
 * all ones (then the second partial product is added) and the second word
 * is within two of overflowing (then we give up). Exact ties can only
 * arise for small |q| (the decimal must be a dyadic rational with 54+
 * significant bits); for 0 <= q <= 27 the product is exact, so a tie shows
 * as zero bits below the rounding bit; for negative q we give up on
 * anything that looks like a tie. Subnormal results also give up: they are
 * rare, and an exact path handles them. */
/* newlocale/uselocale are POSIX.1-2008 (the build defines this too). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "format/float_parse.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "format/pow10_table.h"

__extension__ typedef unsigned __int128 u128;

#define MANTISSA_BITS 52
#define EXPONENT_BIAS 1023

bool vmir_decimal_to_double(uint64_t w, int64_t q, double *out) {
  uint64_t bits;
  if (q < VMIR_POW10_MIN) {
    bits = 0; /* below 2^64 * 10^-343, under half the least subnormal */
  } else if (q > 308) {
    bits = UINT64_C(0x7FF) << MANTISSA_BITS; /* at least 1e309 */
  } else {
    int lz = __builtin_clzll(w);
    w <<= lz;
    const vmir_pow10_significand *t = vmir_pow10((int)q);
    u128 first = (u128)w * t->hi;
    uint64_t hi = (uint64_t)(first >> 64), lo = (uint64_t)first;
    if ((hi & 0x1FF) == 0x1FF) {
      uint64_t second_hi = (uint64_t)(((u128)w * t->lo) >> 64);
      lo += second_hi;
      if (lo < second_hi) hi++;
      if (lo >= UINT64_MAX - 1 && (q < 0 || q > 55)) return false;
    }
    unsigned upper = (unsigned)(hi >> 63);
    unsigned shift = upper + 64 - MANTISSA_BITS - 3;
    uint64_t mantissa = hi >> shift; /* 54 bits: the double's and a rounding bit */
    int64_t power2 = (int64_t)vmir_floor_log2_pow10((int)q) + 63 + upper - lz + EXPONENT_BIAS;
    if (power2 <= 0) return false; /* subnormal */
    if ((mantissa & 3) == 1 && lo <= 1 && (mantissa << shift) == hi && q >= -4 && q <= 23) {
      /* Looks exactly halfway between two doubles. */
      if (q < 0) return false;
      mantissa &= ~UINT64_C(1); /* a true tie: to the even neighbour */
    }
    mantissa += mantissa & 1;
    mantissa >>= 1;
    if (mantissa >= UINT64_C(2) << MANTISSA_BITS) {
      mantissa = UINT64_C(1) << MANTISSA_BITS;
      power2++;
    }
    mantissa &= ~(UINT64_C(1) << MANTISSA_BITS);
    if (power2 >= 0x7FF) {
      power2 = 0x7FF;
      mantissa = 0;
    }
    bits = mantissa | (uint64_t)power2 << MANTISSA_BITS;
  }
  memcpy(out, &bits, sizeof *out);
  return true;
}

/* ---- strtod under the C locale ------------------------------------------
 * The exact path of the number lexer and of its reference twin, once. The
 * locale object is the only mutable state on the lexers' path; here it
 * keeps the lexer files free of any (the LLVM backend's kernel bitcode
 * refuses writable globals, should they ever be compiled into it). */

static locale_t c_numeric;
static once_flag c_numeric_once = ONCE_FLAG_INIT;

static void init_c_numeric(void) {
  c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* uselocale only switches the calling thread, so concurrent decodes do not
 * interfere. If the C locale object cannot be made (it is built in, so in
 * practice never), the process locale is used. */
double vmir_strtod_c(const char *token) {
  call_once(&c_numeric_once, init_c_numeric);
  locale_t saved = (locale_t)0;
  if (c_numeric) saved = uselocale(c_numeric);
  double v = strtod(token, NULL);
  if (c_numeric) uselocale(saved);
  return v;
}
