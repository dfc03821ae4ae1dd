/* stencil_compile: what the copy-and-patch backend costs and earns on the
 * corpora models (twitter, citm_catalog, canada), for docs/jit.md:
 *   - compile latency (min and median of N compiles of the same program;
 *     of which the part spent making pages executable),
 *   - code size (machine code) and table size,
 *   - interpreter and generated-code time per run, and the break-even
 *     number of runs (compile time / time saved per run).
 *
 *   stencil_compile [SHARED_DIR] [-n COMPILES] [-r RUNS] [-b BACKEND] [-O0]
 *
 * -b names another backend (gccjit); -O0 sets VMIR_JIT_FLAG_OPT_LOW. A
 * backend that compiles in the background is waited for after the first
 * run of each timing.
 *
 * Not a timed test: a measurement printed as a table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jit/backend.h"
#include "stencil/code_arena.h"
#include "canada_model.h"
#include "citm_model.h"
#include "twitter_model.h"
#include "vmir/vmir.h"

#ifndef VMIR_SHARED_DIR_DEFAULT
#define VMIR_SHARED_DIR_DEFAULT "../shared"
#endif

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) buf[n] = 0;
  *len = (size_t)n;
  return buf;
}

static const char *jit_backend = "stencil";
static uint32_t jit_flags;

static void use(const char *backend) {
  vmir_jit_config c = vmir_jit_config_default();
  c.backend = backend;
  c.threshold = 0;
  c.flags = jit_flags;
  vmir_jit_configure(&c, NULL);
}

/* A backend that compiles on the background thread: wait (up to 60 s)
 * until the code is bound, so the timing is of generated code. */
static void await_code(const vmir_executable *exe, const char *backend) {
  if (strcmp(backend, "none") == 0) return;
  struct timespec pause = {0, 1000000L};
  for (int i = 0; i < 60000 && !vmir_jit_executable_code(exe, NULL, NULL); i++)
    nanosleep(&pause, NULL);
}

typedef struct compile_cost {
  uint64_t min_ns, median_ns;   /* whole compile */
  uint64_t protect_ns;          /* median of the seal: making the code executable */
  uint64_t patch_ns;            /* median of the rest: selection, copy, patch */
  size_t code, data;
} compile_cost;

/* N compiles of the program behind exe (no sink capability assumed, the
 * configuration runs use with a JSON writer would add one: same code size). */
static compile_cost measure_compile(const vmir_executable *exe, const vmir_program *p, int n) {
  const vmir_backend *b = vmir_backend_find(jit_backend);
  uint64_t *t = malloc((size_t)n * sizeof *t), *pr = malloc((size_t)n * sizeof *pr);
  uint64_t *pa = malloc((size_t)n * sizeof *pa);
  compile_cost c = {0};
  for (int i = 0; i < n; i++) {
    vmir_jit_request req = {.exe = exe,
                            .assume = {.root_shape_id = p->shape_id, .program_abi = p->abi},
                            .options = {.flags = jit_flags, .force_deopt_pc = -1,
                                        .unsupported_op = -1}};
    vmir_jit_code *code = NULL;
    char why[256];
    uint64_t t0 = now_ns();
    vmir_status st = b->compile(&req, &code, why, sizeof why);
    t[i] = now_ns() - t0;
    if (st != VMIR_OK) {
      fprintf(stderr, "compile failed: %s\n", why);
      exit(1);
    }
    pr[i] = code->protect_ns;
    pa[i] = t[i] - code->protect_ns;
    c.code = code->code_size;
    c.data = code->data_size;
    b->release(code);
  }
  qsort(t, (size_t)n, sizeof *t, cmp_u64);
  qsort(pr, (size_t)n, sizeof *pr, cmp_u64);
  qsort(pa, (size_t)n, sizeof *pa, cmp_u64);
  c.patch_ns = pa[n / 2];
  c.min_ns = t[0];
  c.median_ns = t[n / 2];
  c.protect_ns = pr[n / 2];
  free(t);
  free(pr);
  free(pa);
  return c;
}

/* Mean ns per encode of `value` under a backend ("none" or "stencil"). */
static double time_encode(vmir_executable *exe, const void *value, const vmir_shape *shape,
                          vmir_format f, const char *backend, int runs) {
  use(backend);
  vmir_json_writer *jw = vmir_json_writer_new(NULL);
  vmir_msgpack_writer *mw = vmir_msgpack_writer_new();
  vmir_sink *sink = f == VMIR_FORMAT_JSON ? vmir_json_writer_sink(jw) : vmir_msgpack_writer_sink(mw);
  vmir_error err;
  /* A first run compiles (stencil) and warms caches; it is not timed. */
  if (vmir_encode(exe, value, shape, sink, NULL, &err) != VMIR_OK) {
    fprintf(stderr, "encode failed: %s\n", err.message);
    exit(1);
  }
  await_code(exe, backend);
  uint64_t best = UINT64_MAX;
  for (int rep = 0; rep < 3; rep++) {
    uint64_t t0 = now_ns();
    for (int i = 0; i < runs; i++) {
      vmir_json_writer_reset(jw);
      vmir_msgpack_writer_reset(mw);
      vmir_encode(exe, value, shape, sink, NULL, &err);
    }
    uint64_t dt = now_ns() - t0;
    if (dt < best) best = dt;
  }
  vmir_json_writer_free(jw);
  vmir_msgpack_writer_free(mw);
  return (double)best / runs;
}

static double time_decode(vmir_executable *exe, const char *doc, size_t len, const vmir_shape *shape,
                          const char *backend, int runs, void *dest, bool *ok) {
  use(backend);
  vmir_decoder *dec = vmir_decoder_new(NULL);
  vmir_error err;
  *ok = vmir_decode(exe, doc, len, dest, shape, dec, NULL, &err) == VMIR_OK; /* compiles */
  await_code(exe, backend);
  if (!*ok) {
    printf("    (decode fails: %s)\n", err.message);
    vmir_decoder_free(dec);
    return 0;
  }
  uint64_t best = UINT64_MAX;
  for (int rep = 0; rep < 3; rep++) {
    uint64_t t0 = now_ns();
    for (int i = 0; i < runs; i++) {
      vmir_decoder_reset(dec);
      vmir_decode(exe, doc, len, dest, shape, dec, NULL, &err);
    }
    uint64_t dt = now_ns() - t0;
    if (dt < best) best = dt;
  }
  vmir_decoder_free(dec);
  return (double)best / runs;
}

static void row(const char *what, const vmir_program *p, compile_cost c, double interp_ns, double jit_ns) {
  double saved = interp_ns - jit_ns;
  char breakeven[32] = "-";
  if (interp_ns > 0 && saved > 0) snprintf(breakeven, sizeof breakeven, "%.1f", c.median_ns / saved);
  else if (interp_ns > 0) snprintf(breakeven, sizeof breakeven, "never");
  printf("  %-28s %6u %8zu %7zu %8.1f %8.1f %8.1f %8.1f %10.2f %10.2f %10s\n", what, p->insn_count,
         c.code, c.data, c.min_ns / 1e3, c.median_ns / 1e3, c.protect_ns / 1e3, c.patch_ns / 1e3,
         interp_ns / 1e3, jit_ns / 1e3, breakeven);
}

/* A micro program for the other end of the scale: two fields. */
typedef struct micro {
  uint64_t id;
  vmir_str name;
} micro;
static const vmir_field micro_fields[] = {
    VMIR_FIELD(micro, id, &vmir_shape_u64),
    VMIR_FIELD(micro, name, &vmir_shape_string),
};
static const vmir_shape micro_shape = VMIR_STRUCT(micro, micro_fields);

static void micro_rows(int compiles, int runs) {
  micro m = {42, {"ada", 3}};
  vmir_error err;
  for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
    vmir_compile_options opt = vmir_compile_options_default((vmir_format)f);
    vmir_program *ep = vmir_compile_encode(&micro_shape, &opt, &err);
    vmir_executable *ex = vmir_executable_new(ep, &micro_shape, &err);
    char what[64];
    snprintf(what, sizeof what, "micro %s encode", vmir_format_name((vmir_format)f));
    compile_cost c = measure_compile(ex, ep, compiles);
    double ti = time_encode(ex, &m, &micro_shape, (vmir_format)f, "none", runs * 1000);
    double tj = time_encode(ex, &m, &micro_shape, (vmir_format)f, jit_backend, runs * 1000);
    row(what, ep, c, ti, tj);
    vmir_executable_free(ex);
    vmir_program_free(ep);
    vmir_jit_cache_clear();
  }
}

typedef struct model {
  const char *name;
  const char *file;
  const vmir_shape *shape;
} model;

int main(int argc, char **argv) {
  const char *shared = getenv("VMIR_SHARED") ? getenv("VMIR_SHARED") : VMIR_SHARED_DIR_DEFAULT;
  int compiles = 200, runs = 50;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) compiles = atoi(argv[++i]);
    else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) runs = atoi(argv[++i]);
    else if (strcmp(argv[i], "-b") == 0 && i + 1 < argc) jit_backend = argv[++i];
    else if (strcmp(argv[i], "-O0") == 0) jit_flags |= VMIR_JIT_FLAG_OPT_LOW;
    else shared = argv[i];
  }
  if (compiles < 1) compiles = 1;
  if (runs < 1) runs = 1;
  if (!vmir_jit_backend_available(jit_backend, NULL)) {
    printf("the %s backend is not available here\n", jit_backend);
    return 0;
  }
  static const model models[] = {
      {"twitter", "twitter.json", &twitter_shape},
      {"citm_catalog", "citm_catalog.json", &citm_shape},
      {"canada", "canada.json", &canada_shape},
  };
  printf("%s backend%s: %d compiles per program, %d runs per timing (best of 3)\n", jit_backend,
         jit_flags & VMIR_JIT_FLAG_OPT_LOW ? " (O0)" : "", compiles, runs);
  printf("  %-28s %6s %8s %7s %8s %8s %8s %8s %10s %10s %10s\n", "program", "insns", "code B",
         "data B", "min us", "med us", "seal us", "patch us", "interp us", "jit us", "break-even");
  micro_rows(compiles, runs);
  printf("  (code memory: %s)\n", vmir_code_strategy());
  for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/corpora/%s", shared, models[m].file);
    size_t len;
    char *doc = read_file(path, &len);
    if (!doc) {
      printf("  %s: %s not found, skipped\n", models[m].name, path);
      continue;
    }
    const vmir_shape *shape = models[m].shape;
    void *value = calloc(1, shape->size + 16);
    vmir_decoder *keep = vmir_decoder_new(NULL); /* owns the decoded value */
    for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
      vmir_error err;
      vmir_compile_options opt = vmir_compile_options_default((vmir_format)f);
      opt.unknown_fields = VMIR_UNKNOWN_SKIP;
      char what[64];
      /* fused decode */
      vmir_program *dp = vmir_compile_decode_fused(shape, &opt, &err);
      vmir_executable *dx = dp ? vmir_executable_new(dp, shape, &err) : NULL;
      /* encode */
      vmir_program *ep = vmir_compile_encode(shape, &opt, &err);
      vmir_executable *ex = ep ? vmir_executable_new(ep, shape, &err) : NULL;
      if (!dx || !ex) {
        printf("  %s %s: %s\n", models[m].name, vmir_format_name((vmir_format)f), err.message);
        continue;
      }
      /* The input of this format: the corpus for JSON; for MessagePack the
       * value decoded from JSON, encoded by the interpreter. */
      if (f == VMIR_FORMAT_JSON) {
        use("none");
        if (vmir_decode(dx, doc, len, value, shape, keep, NULL, &err) != VMIR_OK) {
          printf("  %s: the JSON corpus does not decode: %s\n", models[m].name, err.message);
          break;
        }
      }
      char *input = doc;
      size_t input_len = len;
      vmir_msgpack_writer *mw = NULL;
      if (f == VMIR_FORMAT_MSGPACK) {
        use("none");
        mw = vmir_msgpack_writer_new();
        vmir_encode(ex, value, shape, vmir_msgpack_writer_sink(mw), NULL, &err);
        input = (char *)vmir_msgpack_writer_data(mw, &input_len);
      }
      snprintf(what, sizeof what, "%s %s encode", models[m].name, vmir_format_name((vmir_format)f));
      compile_cost c = measure_compile(ex, ep, compiles);
      double ti = time_encode(ex, value, shape, (vmir_format)f, "none", runs);
      double tj = time_encode(ex, value, shape, (vmir_format)f, jit_backend, runs);
      row(what, ep, c, ti, tj);
      snprintf(what, sizeof what, "%s %s decode", models[m].name, vmir_format_name((vmir_format)f));
      c = measure_compile(dx, dp, compiles);
      void *dest = calloc(1, shape->size + 16);
      bool ok1, ok2;
      ti = time_decode(dx, input, input_len, shape, "none", runs, dest, &ok1);
      tj = time_decode(dx, input, input_len, shape, jit_backend, runs, dest, &ok2);
      row(what, dp, c, ok1 && ok2 ? ti : 0, ok1 && ok2 ? tj : 0);
      free(dest);
      vmir_msgpack_writer_free(mw);
      vmir_executable_free(ex);
      vmir_program_free(ep);
      vmir_executable_free(dx);
      vmir_program_free(dp);
      vmir_jit_cache_clear();
    }
    vmir_decoder_free(keep);
    free(value);
    free(doc);
  }
  return 0;
}
