/* Walks a source tree and collects markers and Check test definitions.
 *
 * Scanned: *.c *.h *.cc *.cpp *.hpp *.inc *.def *.md *.py *.sh, meson.build,
 * meson_options.txt and every file in a folder named scripts/. Skipped: at
 * the root, folders named build* and out; anywhere, hidden folders (.git),
 * __pycache__, subprojects, meson build folders (those holding
 * meson-private/), folders holding a file named .trace-skip, and the paths
 * given as excludes. Symbolic links are not followed; files over the size
 * bound and binary files (a NUL byte near the start) are skipped. */
#ifndef VMIR_TRACE_SCAN_H
#define VMIR_TRACE_SCAN_H

#include <stddef.h>

#include "markers.h"
#include "util.h"

typedef struct {
  marker_list markers;
  test_def_list tests;
  strlist warnings; /* "path: why" for skipped files */
  size_t files_scanned;
} scan_result;

/* 0: not scanned, 1: plain text markers, 2: C syntax (tests attached). */
int scan_file_kind(const char *relpath);

/* Scans root; excludes are paths relative to root (folders or files).
 * Returns 0, or -1 with a reason in errors when root cannot be read. */
int scan_tree(const char *root, const strlist *excludes, scan_result *res,
              strlist *errors);

/* Scans one file (relpath is how it is reported). 0 on success. */
int scan_one_file(const char *path, const char *relpath, int kind,
                  scan_result *res);

void scan_result_free(scan_result *res);

#endif
