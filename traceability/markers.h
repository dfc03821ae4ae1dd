/* Marker extraction from one file's text.
 *
 * A marker is the tracey syntax  t[impl ID]  or  t[verify ID]  where ID is
 * [a-z0-9.-]+ starting with a letter or digit; the 't' must not continue a
 * longer word. In C files that
 * define Check tests (START_TEST), each verify marker is attached to a test:
 * a marker inside a START_TEST body belongs to that test; a marker outside
 * any function body belongs to the next START_TEST in the file; a marker
 * inside some other function body belongs to no test. */
#ifndef VMIR_TRACE_MARKERS_H
#define VMIR_TRACE_MARKERS_H

#include <stddef.h>

#include "util.h"

typedef enum { MARK_IMPL = 0, MARK_VERIFY = 1 } marker_kind;

typedef struct {
  marker_kind kind;
  char *id;
  char *file; /* path relative to the scanned root */
  int line;
  char *test;    /* enclosing Check test name, NULL if none */
  int test_line; /* line of its START_TEST, 0 if none */
} marker;

typedef struct {
  marker *items;
  size_t n;
  size_t cap;
} marker_list;

/* A START_TEST(name) found in a C file. */
typedef struct {
  char *file;
  char *name;
  int line;
} test_def;

typedef struct {
  test_def *items;
  size_t n;
  size_t cap;
} test_def_list;

const char *marker_kind_name(marker_kind kind);

/* Appends the markers of text (len bytes, need not be NUL-terminated) to out.
 * With c_syntax, C comments/strings/braces are followed to attach verify
 * markers to Check tests, and START_TEST definitions go to tests (may be
 * NULL). Never reads past len. */
void markers_scan(const char *text, size_t len, const char *file,
                  int c_syntax, marker_list *out, test_def_list *tests);

void marker_list_free(marker_list *l);
void test_def_list_free(test_def_list *l);

#endif
