/* Small bit helpers for the vectorised scans of the lexers. */
#ifndef VMIR_FORMAT_BITS_H
#define VMIR_FORMAT_BITS_H

/* Index of the lowest set bit of a non-zero mask. */
static inline unsigned vmir_first_set(unsigned mask) {
#if defined(__GNUC__) || defined(__clang__)
  return (unsigned)__builtin_ctz(mask);
#else
  unsigned i = 0;
  while (!(mask & 1u)) {
    mask >>= 1;
    i++;
  }
  return i;
#endif
}

#endif
