/* Small helpers shared by the vmir-trace modules: checked allocation, a
 * growable byte buffer, bounded file reading and path handling. */
#ifndef VMIR_TRACE_UTIL_H
#define VMIR_TRACE_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* Allocation that never returns NULL: on exhaustion it prints and exits 2. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Grows *items (element size elem) so that it holds at least need elements. */
void vec_reserve(void **items, size_t *cap, size_t need, size_t elem);
#define VEC_PUSH(vec, value)                                                   \
  do {                                                                         \
    vec_reserve((void **)&(vec)->items, &(vec)->cap, (vec)->n + 1,             \
                sizeof *(vec)->items);                                         \
    (vec)->items[(vec)->n++] = (value);                                        \
  } while (0)

typedef struct {
  char *data; /* always NUL-terminated once anything was written */
  size_t len;
  size_t cap;
} sbuf;

void sb_putn(sbuf *b, const char *s, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_putc(sbuf *b, char c);
void sb_printf(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sb_vprintf(sbuf *b, const char *fmt, va_list ap);
const char *sb_str(sbuf *b); /* "" when empty */
void sb_free(sbuf *b);

/* A growable list of owned strings (diagnostics, paths). */
typedef struct {
  char **items;
  size_t n;
  size_t cap;
} strlist;

void strlist_push(strlist *l, const char *s);
void strlist_printf(strlist *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void strlist_free(strlist *l);

/* Reads a whole file of at most max bytes. Returns a NUL-terminated buffer
 * (caller frees) or NULL with a reason in err. */
char *read_file(const char *path, size_t max, size_t *len_out, char *err,
                size_t errlen);

/* Writes len bytes to path ("-" = stdout), creating missing parent folders.
 * Returns 0, or -1 with a reason in err. */
int write_file(const char *path, const char *data, size_t len, char *err,
               size_t errlen);

/* mkdir -p for the folder that will hold path. 0 on success. */
int make_parent_dirs(const char *path);

const char *path_basename(const char *path);
/* basename without its last extension; caller frees. */
char *path_stem(const char *path);
/* a + "/" + b (b alone when a is "" or "."); caller frees. */
char *path_join(const char *a, const char *b);
int path_is_dir(const char *path);
int path_is_file(const char *path);
/* Relative path from folder from_dir to target (both existing), ending in
 * '/' when non-empty; NULL when either cannot be resolved. Caller frees. */
char *path_relative_dir(const char *from_dir, const char *target);
/* Folder part of path ("." when none); caller frees. */
char *path_dirname(const char *path);

/* Rule id characters, as in the tracey marker syntax: [a-z0-9.-]. */
int is_rule_id_char(int c);
/* 1 if s is a non-empty id made only of rule id characters. */
int is_rule_id(const char *s);

/* 1-based line number of offset off in text. */
int line_of_offset(const char *text, size_t off);

#endif
