/* Growable byte buffer used by printers, encoders and sinks. */
#ifndef VMIR_UTIL_BUF_H
#define VMIR_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vmir_buf {
  uint8_t *data;
  size_t len, cap;
  bool failed;     /* an allocation failed; later appends are ignored */
} vmir_buf;

void vmir_buf_init(vmir_buf *b);
void vmir_buf_free(vmir_buf *b);
bool vmir_buf_reserve(vmir_buf *b, size_t extra);
void vmir_buf_append(vmir_buf *b, const void *p, size_t n);
void vmir_buf_putc(vmir_buf *b, char c);
void vmir_buf_puts(vmir_buf *b, const char *s);
void vmir_buf_printf(vmir_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Unsigned LEB128, shortest form: writes v into out (up to
 * VMIR_ULEB128_MAX bytes) and returns the length. The one LEB128 writer of
 * the library (binary IR, shape ids). */
#define VMIR_ULEB128_MAX 10
size_t vmir_uleb128(uint8_t out[VMIR_ULEB128_MAX], uint64_t v);
void vmir_buf_put_uleb128(vmir_buf *b, uint64_t v);
/* Hands the bytes (NUL-terminated) to the caller; NULL if an allocation
 * failed. The buffer is reset. */
char *vmir_buf_take(vmir_buf *b, size_t *len_out);

#endif
