/* realpath() is an XSI interface. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void out_of_memory(void) {
  fputs("vmir-trace: out of memory\n", stderr);
  exit(2);
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) out_of_memory();
  return p;
}

void *xcalloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) out_of_memory();
  return p;
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) out_of_memory();
  return q;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n) {
  char *p = xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void vec_reserve(void **items, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return;
  size_t c = *cap ? *cap : 8;
  while (c < need) {
    if (c > SIZE_MAX / 2 / elem) out_of_memory();
    c *= 2;
  }
  *items = xrealloc(*items, c * elem);
  *cap = c;
}

static void sb_grow(sbuf *b, size_t extra) {
  if (extra > SIZE_MAX - b->len - 1) out_of_memory();
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return;
  size_t c = b->cap ? b->cap : 64;
  while (c < need) c = c > SIZE_MAX / 2 ? need : c * 2;
  b->data = xrealloc(b->data, c);
  b->cap = c;
}

void sb_putn(sbuf *b, const char *s, size_t n) {
  sb_grow(b, n);
  if (n) memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

void sb_putc(sbuf *b, char c) { sb_putn(b, &c, 1); }

void sb_vprintf(sbuf *b, const char *fmt, va_list ap) {
  char small[256];
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(small, sizeof small, fmt, copy);
  va_end(copy);
  if (n <= 0) return;
  if ((size_t)n < sizeof small) {
    sb_putn(b, small, (size_t)n);
    return;
  }
  sb_grow(b, (size_t)n);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
}

void sb_printf(sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(b, fmt, ap);
  va_end(ap);
}

const char *sb_str(sbuf *b) { return b->data ? b->data : ""; }

void sb_free(sbuf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void strlist_push(strlist *l, const char *s) { VEC_PUSH(l, xstrdup(s)); }

void strlist_printf(strlist *l, const char *fmt, ...) {
  sbuf b = {0};
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&b, fmt, ap);
  va_end(ap);
  if (!b.data) sb_putn(&b, "", 0);
  VEC_PUSH(l, b.data);
}

void strlist_free(strlist *l) {
  for (size_t i = 0; i < l->n; i++) free(l->items[i]);
  free(l->items);
  l->items = NULL;
  l->n = l->cap = 0;
}

char *read_file(const char *path, size_t max, size_t *len_out, char *err,
                size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "cannot open: %s", strerror(errno));
    return NULL;
  }
  sbuf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (b.len + n > max) {
      snprintf(err, errlen, "larger than %zu bytes", max);
      fclose(f);
      sb_free(&b);
      return NULL;
    }
    sb_putn(&b, chunk, n);
  }
  int failed = ferror(f);
  fclose(f);
  if (failed) {
    snprintf(err, errlen, "read error");
    sb_free(&b);
    return NULL;
  }
  if (!b.data) sb_putn(&b, "", 0);
  if (len_out) *len_out = b.len;
  return b.data;
}

int make_parent_dirs(const char *path) {
  char *dir = path_dirname(path);
  int rc = 0;
  for (char *p = dir + 1; ; p++) {
    if (*p == '/' || *p == '\0') {
      char saved = *p;
      *p = '\0';
      if (mkdir(dir, 0777) != 0 && errno != EEXIST) rc = -1;
      *p = saved;
      if (saved == '\0') break;
    }
  }
  if (rc != 0 && path_is_dir(dir)) rc = 0;
  free(dir);
  return rc;
}

int write_file(const char *path, const char *data, size_t len, char *err,
               size_t errlen) {
  if (strcmp(path, "-") == 0) {
    if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
      snprintf(err, errlen, "cannot write to stdout");
      return -1;
    }
    return 0;
  }
  make_parent_dirs(path);
  FILE *f = fopen(path, "wb");
  if (!f) {
    snprintf(err, errlen, "cannot create: %s", strerror(errno));
    return -1;
  }
  size_t w = fwrite(data, 1, len, f);
  int bad = (w != len) | (fclose(f) != 0);
  if (bad) {
    snprintf(err, errlen, "write failed: %s", strerror(errno));
    return -1;
  }
  return 0;
}

const char *path_basename(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

char *path_stem(const char *path) {
  const char *base = path_basename(path);
  const char *dot = strrchr(base, '.');
  return dot && dot != base ? xstrndup(base, (size_t)(dot - base))
                            : xstrdup(base);
}

char *path_join(const char *a, const char *b) {
  if (!*a || strcmp(a, ".") == 0) return xstrdup(b);
  size_t la = strlen(a);
  sbuf s = {0};
  sb_puts(&s, a);
  if (la && a[la - 1] != '/') sb_putc(&s, '/');
  sb_puts(&s, b);
  return s.data;
}

char *path_dirname(const char *path) {
  const char *s = strrchr(path, '/');
  if (!s) return xstrdup(".");
  if (s == path) return xstrdup("/");
  return xstrndup(path, (size_t)(s - path));
}

int path_is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int path_is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *path_relative_dir(const char *from_dir, const char *target) {
  char a[PATH_MAX], b[PATH_MAX];
  if (!realpath(from_dir, a) || !realpath(target, b)) return NULL;
  /* Common prefix, on whole components. */
  size_t i = 0, last = 0;
  while (a[i] && b[i] && a[i] == b[i]) {
    if (a[i] == '/') last = i;
    i++;
  }
  if ((a[i] == '\0' || a[i] == '/') && (b[i] == '\0' || b[i] == '/')) last = i;
  sbuf r = {0};
  for (const char *p = a + last; *p; p++) {
    if (*p == '/' && p[1] != '\0') sb_puts(&r, "../");
  }
  const char *rest = b + last;
  if (*rest == '/') rest++;
  if (*rest) {
    sb_puts(&r, rest);
    sb_putc(&r, '/');
  }
  if (!r.data) sb_putn(&r, "", 0);
  return r.data;
}

int is_rule_id_char(int c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

int is_rule_id(const char *s) {
  if (!*s) return 0;
  for (; *s; s++) {
    if (!is_rule_id_char((unsigned char)*s)) return 0;
  }
  return 1;
}

int line_of_offset(const char *text, size_t off) {
  int line = 1;
  for (size_t i = 0; i < off; i++) {
    if (text[i] == '\n') line++;
  }
  return line;
}
