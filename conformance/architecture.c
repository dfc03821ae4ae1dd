/* Where code may live, checked on the sources rather than promised in a
 * comment: format modules (lexers, writers) cannot reach the executor's
 * state or read user values by themselves, only the executor reads values
 * by address, only the build actions write destinations, and the sink
 * interface carries no addresses. Each check runs on the real tree (must
 * pass) and on a fixture tree with violations (must fail). */
#include <dirent.h>
#include <stdbool.h>
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

/* ---- layering of the engine, the JIT layer and the backends ----------------- */

/* Calls fn on every .c/.h file in each folder directly under root/rel. */
static int scan_subdirs(const char *root, const char *rel, file_check fn, char *why, size_t cap) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/%s", root, rel);
  DIR *d = opendir(dir);
  if (!d) return 0;
  int violations = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name);
    violations += scan(root, sub, fn, why, cap);
  }
  closedir(d);
  return violations;
}

/* Calls fn(name, ctx) on each quoted #include of text; stops at the first
 * violation (fn returns 1). */
static int each_include(const char *text, int (*fn)(const char *name, size_t len, void *ctx),
                        void *ctx) {
  for (const char *p = strstr(text, "#include \""); p; p = strstr(p + 1, "#include \"")) {
    const char *name = p + strlen("#include \"");
    const char *end = strchr(name, '"');
    if (end && fn(name, (size_t)(end - name), ctx)) return 1;
  }
  return 0;
}

/* engine/exec is the executor: it includes nothing of the JIT layer (or of
 * the tiering runtime it replaced), so the interpreter never calls up. */
static int names_jit_layer(const char *name, size_t len, void *ctx) {
  (void)ctx;
  (void)len;
  return strncmp(name, "jit/", 4) == 0 || strncmp(name, "runtime/", 8) == 0;
}

static int exec_includes_jit(const char *path, const char *text, char *why, size_t cap) {
  if (!each_include(text, names_jit_layer, NULL)) return 0;
  snprintf(why, cap, "%.300s (the executor) includes the JIT layer", path);
  return 1;
}

static int exec_layer_violations(const char *root, char *why, size_t cap) {
  return scan(root, "engine/exec", exec_includes_jit, why, cap);
}

/* Nothing under engine/ includes a file of backends/: every quoted include
 * of an engine file names a file under the real tree's engine/ or
 * engine/include/ (or one generated from a .in there), or beside the
 * including file. */
typedef struct include_ctx {
  const char *root;
  const char *path;
} include_ctx;

static bool exists(const char *path) {
  FILE *f = fopen(path, "r");
  if (f) fclose(f);
  return f != NULL;
}

static int outside_engine(const char *name, size_t len, void *vctx) {
  const include_ctx *c = vctx;
  char file[8192];
  const char *slash = strrchr(c->path, '/');
  int dir_len = slash ? (int)(slash - c->path) : 0;
  const char *where[] = {"%s/engine/%.*s%s", "%s/engine/include/%.*s%s"};
  for (int in = 0; in < 2; in++) {
    const char *suffix = in ? ".in" : "";
    for (size_t w = 0; w < 2; w++) {
      snprintf(file, sizeof file, where[w], c->root, (int)len, name, suffix);
      if (exists(file)) return 0;
    }
    snprintf(file, sizeof file, "%.*s/%.*s%s", dir_len, c->path, (int)len, name, suffix);
    if (exists(file) && !strstr(file, "/backends/")) return 0;
  }
  return 1;
}

static int engine_includes_backend(const char *path, const char *text, char *why, size_t cap) {
  include_ctx c = {VMIR_SOURCE_ROOT, path};
  if (!each_include(text, outside_engine, &c)) return 0;
  snprintf(why, cap, "%.300s includes a file outside engine/ (a backend's?)", path);
  return 1;
}

static int engine_backend_violations(const char *root, char *why, size_t cap) {
  return scan_subdirs(root, "engine", engine_includes_backend, why, cap) +
         scan(root, "engine/include/vmir", engine_includes_backend, why, cap);
}

/* backends/<name>/ holds code generation only: the per-op plan's inputs
 * (flags, forced deopt pc, test hooks) are read by the JIT layer
 * (engine/jit/plan.c), never by a backend, so every backend obeys them
 * alike. */
static int backend_reads_plan_inputs(const char *path, const char *text, char *why, size_t cap) {
  const char *inputs[] = {"force_deopt_pc", "unsupported_op", "VMIR_JIT_FLAG_GENERIC_ONLY",
                          "VMIR_JIT_FLAG_NO_SHAPE_SPECIALIZE", "VMIR_JIT_FLAG_NO_SINK_DIRECT",
                          "vmir_stencil_infer_shapes("};
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    const char *hit = strstr(text, inputs[i]);
    /* A call of the layer's inference is fine; its definition is not. */
    if (hit && i == 5) continue;
    if (hit) {
      snprintf(why, cap, "%.300s reads %s, which the JIT layer's plan decides", path, inputs[i]);
      return 1;
    }
  }
  return 0;
}

static int backend_role_violations(const char *root, char *why, size_t cap) {
  return scan_subdirs(root, "backends", backend_reads_plan_inputs, why, cap);
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

START_TEST(executor_includes_no_jit_layer) {
  char why[512] = "";
  ck_assert_msg(exec_layer_violations(VMIR_SOURCE_ROOT, why, sizeof why) == 0, "%s", why);
  ck_assert_int_eq(exec_layer_violations(fixture_root(), why, sizeof why), 2);
  ck_assert_ptr_nonnull(strstr(why, "includes the JIT layer"));
}
END_TEST

START_TEST(engine_includes_no_backend) {
  char why[512] = "";
  ck_assert_msg(engine_backend_violations(VMIR_SOURCE_ROOT, why, sizeof why) == 0, "%s", why);
  ck_assert_int_eq(engine_backend_violations(fixture_root(), why, sizeof why), 2);
  ck_assert_ptr_nonnull(strstr(why, "outside engine/"));
}
END_TEST

START_TEST(backends_hold_only_code_generation) {
  char why[512] = "";
  ck_assert_msg(backend_role_violations(VMIR_SOURCE_ROOT, why, sizeof why) == 0, "%s", why);
  ck_assert_int_eq(backend_role_violations(fixture_root(), why, sizeof why), 1);
  ck_assert_ptr_nonnull(strstr(why, "GENERIC_ONLY"));
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
  TCase *layers = tcase_create("layers");
  tcase_add_test(layers, executor_includes_no_jit_layer);
  tcase_add_test(layers, engine_includes_no_backend);
  tcase_add_test(layers, backends_hold_only_code_generation);
  suite_add_tcase(s, layers);
  return s;
}

int main(void) { return vmir_test_run(architecture_suite(), "architecture"); }
