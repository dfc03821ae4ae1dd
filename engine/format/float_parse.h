/* Decimal to double: the Eisel-Lemire method. */
#ifndef VMIR_FORMAT_FLOAT_PARSE_H
#define VMIR_FORMAT_FLOAT_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* w * 10^q rounded to the nearest double (ties to even) into *out, for
 * w != 0; false when the method cannot decide cheaply (a product too close
 * to a rounding boundary, or a subnormal result), and the caller must take
 * an exact path. Results beyond the largest double are +infinity. */
bool vmir_decimal_to_double(uint64_t w, int64_t q, double *out);

/* strtod of a NUL-terminated, grammar-checked token under the "C" numeric
 * locale (glibc rounds correctly), so that a host program's setlocale()
 * cannot change the decimal point. The exact path behind both methods. */
double vmir_strtod_c(const char *token);

#endif
