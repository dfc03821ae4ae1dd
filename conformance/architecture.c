/* Where code may live, checked on the sources rather than promised in a
 * comment: format modules (lexers, writers) cannot reach the executor's
 * state or read user values by themselves, only the executor reads values
 * by address, only the build actions write destinations, and the sink
 * interface carries no addresses. Each check runs on the real tree (must
 * pass) and on a fixture tree with violations (must fail). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Calls fn on every .c/.h file under root/rel (one level of folders). */
typedef int (*file_check)(const char *path, const char *text, char *why, size_t cap);

static int scan(const char *root, const char *rel, file_check fn, char *why, size_t cap) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/%s", root, rel);
  DIR *d = opendir(dir);
  if (!d) return 0;
  int violations = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (n < 3 || (strcmp(e->d_name + n - 2, ".c") && strcmp(e->d_name + n - 2, ".h"))) continue;
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    char *text = vmir_test_read_file(path, NULL);
    if (!text) continue;
    violations += fn(path, text, why, cap);
    free(text);
  }
  closedir(d);
  return violations;
}

/* Format modules include no executor header: they cannot see the VM state,
 * the build state or the value accessors. */
static int no_exec_include(const char *path, const char *text, char *why, size_t cap) {
  const char *bad[] = {"\"exec/", "\"vmir/exec.h\"", "\"backends/"};
  for (size_t i = 0; i < 3; i++)
    if (strstr(text, bad[i])) {
      snprintf(why, cap, "%.300s includes %s", path, bad[i]);
      return 1;
    }
  return 0;
}

static int format_modules_violations(const char *root, char *why, size_t cap) {
  return scan(root, "engine/format", no_exec_include, why, cap) +
         scan(root, "engine/sink", no_exec_include, why, cap);
}

/* The value accessors (every read of user memory by address) are included
 * only by the executor and the JIT backends. */
static const char *current_dir;
static int value_access_outside_exec(const char *path, const char *text, char *why, size_t cap) {
  (void)path;
  if (strstr(text, "exec/value_access.h") && strcmp(current_dir, "engine/exec") != 0) {
    snprintf(why, cap, "%.300s reads values by address outside the executor", path);
    return 1;
  }
  return 0;
}

static int pointer_read_violations(const char *root, char *why, size_t cap) {
  static const char *dirs[] = {"engine/format", "engine/sink", "engine/compile", "engine/ir",
                               "engine/shape", "engine/util", "engine/exec", "cli"};
  int v = 0;
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
    current_dir = dirs[i];
    v += scan(root, dirs[i], value_access_outside_exec, why, cap);
  }
  return v;
}

/* Destination writes: the writable view of the value being built exists in
 * build.c alone. */
static int writable_cast_outside_build(const char *path, const char *text, char *why, size_t cap) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (strstr(text, "(uint8_t *)(uintptr_t)CUR->addr") && strcmp(base, "build.c") != 0) {
    snprintf(why, cap, "%.300s writes destinations outside the build actions", path);
    return 1;
  }
  return 0;
}

static int destination_write_violations(const char *root, char *why, size_t cap) {
  return scan(root, "engine/exec", writable_cast_outside_build, why, cap) +
         scan(root, "engine/format", writable_cast_outside_build, why, cap) +
         scan(root, "engine/sink", writable_cast_outside_build, why, cap);
}

/* The sink interface: no callback parameter is an untyped address. */
static int sink_interface_violations(const char *root, char *why, size_t cap) {
  char path[4096];
  snprintf(path, sizeof path, "%s/engine/include/vmir/sink.h", root);
  char *text = vmir_test_read_file(path, NULL);
  if (!text) {
    snprintf(why, cap, "%.300s is missing", path);
    return 1;
  }
  int v = 0;
  const char *ops = strstr(text, "typedef struct vmir_sink_ops {");
  const char *end = ops ? strstr(ops, "} vmir_sink_ops;") : NULL;
  if (!ops || !end) {
    snprintf(why, cap, "%.300s has no vmir_sink_ops", path);
    v = 1;
  } else {
    for (const char *p = ops; p && p < end; p = strstr(p + 1, "void *"))
      if (strncmp(p, "void *", 6) == 0 && p > ops) {
        snprintf(why, cap, "%.300s: a sink callback takes an untyped address", path);
        v++;
      }
  }
  free(text);
  return v;
}

static const char *fixture_root(void) { return vmir_test_data_path("architecture"); }

/* t[verify format.parse.no-direct-pointer-write-in-format]
 * t[verify format.parse.apply-through-runtime] */
START_TEST(format_modules_cannot_reach_the_build_state) {
  char why[512] = "";
  ck_assert_msg(format_modules_violations(VMIR_SOURCE_ROOT, why, sizeof why) == 0, "%s", why);
  ck_assert_int_eq(format_modules_violations(fixture_root(), why, sizeof why), 2);
  ck_assert_ptr_nonnull(strstr(why, "includes"));
}
END_TEST

/* t[verify format.ir.exec-pointer-reads-in-engine] */
START_TEST(pointer_reads_only_in_the_executor) {
  char why[512] = "";
  ck_assert_msg(pointer_read_violations(VMIR_SOURCE_ROOT, why, sizeof why) == 0, "%s", why);
  ck_assert_int_ge(pointer_read_violations(fixture_root(), why, sizeof why), 1);
}
END_TEST

/* t[verify format.parse.unsafe-contained] */
START_TEST(destination_writes_only_in_build_actions) {
  char why[512] = "";
  ck_assert_msg(destination_write_violations(VMIR_SOURCE_ROOT, why, sizeof why) == 0, "%s", why);
  /* The check does find the writable view where it lives. */
  char path[4096];
  snprintf(path, sizeof path, "%s/engine/exec/build.c", VMIR_SOURCE_ROOT);
  char *text = vmir_test_read_file(path, NULL);
  ck_assert_ptr_nonnull(text);
  ck_assert_int_eq(writable_cast_outside_build("engine/exec/lex_ops.c", text, why, sizeof why), 1);
  free(text);
}
END_TEST

/* t[verify format.ir.exec-no-raw-pointer-to-sink] */
START_TEST(sink_interface_carries_no_addresses) {
  char why[512] = "";
  ck_assert_msg(sink_interface_violations(VMIR_SOURCE_ROOT, why, sizeof why) == 0, "%s", why);
  ck_assert_int_ge(sink_interface_violations(fixture_root(), why, sizeof why), 1);
}
END_TEST

static Suite *architecture_suite(void) {
  Suite *s = suite_create("architecture");
  TCase *tc = tcase_create("where code may live");
  tcase_add_test(tc, format_modules_cannot_reach_the_build_state);
  tcase_add_test(tc, pointer_reads_only_in_the_executor);
  tcase_add_test(tc, destination_writes_only_in_build_actions);
  tcase_add_test(tc, sink_interface_carries_no_addresses);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return vmir_test_run(architecture_suite(), "architecture"); }
