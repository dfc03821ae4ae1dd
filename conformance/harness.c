#include "harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int vmir_test_run(Suite *suite, const char *name) {
  const char *dir = getenv("VMIR_RESULTS_DIR");
  if (!dir || !*dir) dir = "results";
  /* A suite run alone may be the first to write results: its parent
   * folder (results/ under a per-backend subfolder) may not exist yet. */
  char parent[4096];
  snprintf(parent, sizeof parent, "%s", dir);
  char *slash = strrchr(parent, '/');
  if (slash && slash != parent) {
    *slash = '\0';
    if (mkdir(parent, 0777) != 0 && errno != EEXIST)
      fprintf(stderr, "%s: cannot create %s: %s\n", name, parent, strerror(errno));
  }
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "%s: cannot create results folder %s: %s\n", name, dir,
            strerror(errno));
  }
  char xml[4096];
  snprintf(xml, sizeof xml, "%s/%s.xml", dir, name);
  SRunner *runner = srunner_create(suite);
  srunner_set_xml(runner, xml);
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

const char *vmir_test_shared_dir(void) {
  static char resolved[4096];
  const char *dir = getenv("VMIR_SHARED");
  if (!dir || !*dir) dir = VMIR_SHARED_DIR_DEFAULT;
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "SKIP: shared folder %s is absent (set VMIR_SHARED)\n", dir);
    return NULL;
  }
  snprintf(resolved, sizeof resolved, "%s", dir);
  return resolved;
}

const char *vmir_test_data_path(const char *rel) {
  static char path[4][4096];
  static int next;
  char *p = path[next++ & 3];
  snprintf(p, sizeof path[0], "%s/%s", VMIR_TEST_DATA_DIR, rel);
  return p;
}

char *vmir_test_read_file(const char *path, size_t *len_out) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap + 1);
  size_t n;
  while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
    len += n;
    if (len == cap) {
      char *grown = realloc(buf, cap * 2 + 1);
      if (!grown) { free(buf); buf = NULL; break; }
      buf = grown;
      cap *= 2;
    }
  }
  fclose(f);
  if (!buf) return NULL;
  buf[len] = '\0';
  if (len_out) *len_out = len;
  return buf;
}
