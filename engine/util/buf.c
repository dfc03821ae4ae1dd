#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vmir_buf_init(vmir_buf *b) { memset(b, 0, sizeof *b); }

void vmir_buf_free(vmir_buf *b) {
  free(b->data);
  vmir_buf_init(b);
}

bool vmir_buf_reserve(vmir_buf *b, size_t extra) {
  if (b->failed) return false;
  if (extra <= b->cap - b->len) return true;
  if (extra > SIZE_MAX / 2 - b->len) { b->failed = true; return false; }
  size_t cap = b->cap ? b->cap : 64;
  while (cap - b->len < extra + 1) cap *= 2; /* +1 keeps room for take()'s NUL */
  uint8_t *data = realloc(b->data, cap);
  if (!data) { b->failed = true; return false; }
  b->data = data;
  b->cap = cap;
  return true;
}

void vmir_buf_append(vmir_buf *b, const void *p, size_t n) {
  if (n == 0 || !vmir_buf_reserve(b, n)) return;
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

void vmir_buf_putc(vmir_buf *b, char c) {
  if (!vmir_buf_reserve(b, 1)) return;
  b->data[b->len++] = (uint8_t)c;
}

void vmir_buf_puts(vmir_buf *b, const char *s) { vmir_buf_append(b, s, strlen(s)); }

void vmir_buf_printf(vmir_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char small[128];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) { b->failed = true; return; }
  if ((size_t)n < sizeof small) { vmir_buf_append(b, small, (size_t)n); return; }
  if (!vmir_buf_reserve(b, (size_t)n + 1)) return;
  va_start(ap, fmt);
  vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

char *vmir_buf_take(vmir_buf *b, size_t *len_out) {
  if (!vmir_buf_reserve(b, 1)) { vmir_buf_free(b); return NULL; }
  b->data[b->len] = 0;
  char *out = (char *)b->data;
  if (len_out) *len_out = b->len;
  vmir_buf_init(b);
  return out;
}

size_t vmir_uleb128(uint8_t out[VMIR_ULEB128_MAX], uint64_t v) {
  size_t n = 0;
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    out[n++] = (uint8_t)(byte | (v ? 0x80 : 0));
  } while (v);
  return n;
}

void vmir_buf_put_uleb128(vmir_buf *b, uint64_t v) {
  uint8_t tmp[VMIR_ULEB128_MAX];
  vmir_buf_append(b, tmp, vmir_uleb128(tmp, v));
}
