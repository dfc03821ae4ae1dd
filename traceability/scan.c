#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { MAX_DEPTH = 48, MAX_ENTRIES_PER_DIR = 100000 };
#define MAX_SOURCE_BYTES ((size_t)8 << 20)
#define BINARY_PROBE 8192

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

int scan_file_kind(const char *relpath) {
  const char *base = path_basename(relpath);
  static const char *const c_ext[] = {".c", ".h", ".cc", ".cpp", ".hpp",
                                      ".inc"};
  static const char *const text_ext[] = {".def", ".md", ".py", ".sh"};
  for (size_t i = 0; i < sizeof c_ext / sizeof *c_ext; i++) {
    if (ends_with(base, c_ext[i])) return 2;
  }
  for (size_t i = 0; i < sizeof text_ext / sizeof *text_ext; i++) {
    if (ends_with(base, text_ext[i])) return 1;
  }
  if (strcmp(base, "meson.build") == 0 ||
      strcmp(base, "meson_options.txt") == 0) {
    return 1;
  }
  /* Any file directly inside a folder named scripts. */
  size_t blen = (size_t)(base - relpath);
  if (blen >= 8 && memcmp(base - 8, "scripts/", 8) == 0 &&
      (blen == 8 || base[-9] == '/')) {
    return 1;
  }
  return 0;
}

static int is_excluded(const char *rel, const strlist *excludes) {
  if (!excludes) return 0;
  for (size_t i = 0; i < excludes->n; i++) {
    const char *x = excludes->items[i];
    while (x[0] == '.' && x[1] == '/') x += 2;
    size_t n = strlen(x);
    while (n > 0 && x[n - 1] == '/') n--;
    if (n == 0) continue;
    if (strncmp(rel, x, n) == 0 && (rel[n] == '\0' || rel[n] == '/')) return 1;
  }
  return 0;
}

static int skip_dir(const char *path, const char *name, int depth) {
  if (name[0] == '.') return 1;
  if (strcmp(name, "__pycache__") == 0 || strcmp(name, "subprojects") == 0) {
    return 1;
  }
  if (depth == 0 &&
      (strncmp(name, "build", 5) == 0 || strcmp(name, "out") == 0)) {
    return 1;
  }
  char *probe = path_join(path, "meson-private");
  int skip = path_is_dir(probe);
  free(probe);
  if (skip) return 1;
  probe = path_join(path, ".trace-skip");
  skip = path_is_file(probe);
  free(probe);
  return skip;
}

int scan_one_file(const char *path, const char *relpath, int kind,
                  scan_result *res) {
  char err[256];
  size_t len = 0;
  char *text = read_file(path, MAX_SOURCE_BYTES, &len, err, sizeof err);
  if (!text) {
    strlist_printf(&res->warnings, "%s: skipped: %s", relpath, err);
    return -1;
  }
  size_t probe = len < BINARY_PROBE ? len : BINARY_PROBE;
  if (memchr(text, '\0', probe)) {
    free(text);
    return 0; /* binary: silently not a source */
  }
  markers_scan(text, len, relpath, kind == 2, &res->markers, &res->tests);
  res->files_scanned++;
  free(text);
  return 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *path, const char *rel, int depth,
                 const strlist *excludes, scan_result *res) {
  if (depth > MAX_DEPTH) {
    strlist_printf(&res->warnings, "%s: skipped: nested too deep", rel);
    return;
  }
  DIR *d = opendir(path);
  if (!d) {
    strlist_printf(&res->warnings, "%s: skipped: %s", *rel ? rel : ".",
                   strerror(errno));
    return;
  }
  strlist names = {0};
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (names.n >= MAX_ENTRIES_PER_DIR) {
      strlist_printf(&res->warnings, "%s: more than %d entries, rest skipped",
                     *rel ? rel : ".", MAX_ENTRIES_PER_DIR);
      break;
    }
    strlist_push(&names, e->d_name);
  }
  closedir(d);
  if (names.n > 1) qsort(names.items, names.n, sizeof *names.items, cmp_str);
  for (size_t i = 0; i < names.n; i++) {
    const char *name = names.items[i];
    char *child = path_join(path, name);
    char *crel = *rel ? path_join(rel, name) : xstrdup(name);
    struct stat st;
    if (lstat(child, &st) != 0 || is_excluded(crel, excludes)) {
      /* vanished or excluded */
    } else if (S_ISDIR(st.st_mode)) {
      if (!skip_dir(child, name, depth)) {
        walk(child, crel, depth + 1, excludes, res);
      }
    } else if (S_ISREG(st.st_mode)) {
      int kind = scan_file_kind(crel);
      if (kind) scan_one_file(child, crel, kind, res);
    }
    free(child);
    free(crel);
  }
  strlist_free(&names);
}

int scan_tree(const char *root, const strlist *excludes, scan_result *res,
              strlist *errors) {
  if (!path_is_dir(root)) {
    strlist_printf(errors, "%s: source root is not a readable folder", root);
    return -1;
  }
  walk(root, "", 0, excludes, res);
  return 0;
}

void scan_result_free(scan_result *res) {
  marker_list_free(&res->markers);
  test_def_list_free(&res->tests);
  strlist_free(&res->warnings);
  res->files_scanned = 0;
}
