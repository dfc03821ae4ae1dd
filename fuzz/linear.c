/* linear: a hostile document costs linear time and memory to decode.
 *
 * Each test case picks a workload that once went quadratic or could (many
 * map keys, many keys in a `value` object with repeats, many collected
 * unknown members, long strings of escapes, deep nesting into `value` and
 * into a recursive typed shape, a long list), a format, fused or unfused
 * decode, a key spelling and a base size n; the document is generated at n
 * and at 8n items and both are decoded. Flagged (aborts):
 * - memory: arena bytes per item at 8n over 4x those at n (deterministic:
 *   the arena's held bytes);
 * - work: CPU instructions per item at 8n over 6x those at n (a quadratic
 *   step gives 8x). Instructions are counted with perf_event_open where the
 *   kernel allows it (deterministic up to interrupts); elsewhere CPU time,
 *   the best of three runs, and a flag only when a fresh measurement agrees
 *   (so no verdict rests on one noisy run);
 * - the two sizes decoding with different outcomes.
 * A test case costs milliseconds (tens of thousands of items), so this
 * target is left out of the smoke run (docs/fuzzing.md). */
/* syscall(2) for perf_event_open, which has no libc wrapper */
#define _DEFAULT_SOURCE
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define TARGET "linear"
#define GROWTH 8u
#define MEMORY_RATIO_MAX 4.0
#define WORK_RATIO_MAX 6.0

typedef enum workload {
  W_MAP_KEYS = 0,   /* {"k0":0,...} into a map of u64 */
  W_VALUE_KEYS,     /* the same into `value`, one key in 8 repeated */
  W_COLLECT,        /* unknown members collected into a `value` field */
  W_ESCAPES,        /* one string of n escapes (JSON) or n bytes */
  W_DEEP_VALUE,     /* n nested arrays into `value` */
  W_DEEP_TYPED,     /* n nested objects of a recursive struct */
  W_LIST,           /* n numbers into a list of u64 */
  W_COUNT
} workload;

static const char *const workload_names[W_COUNT] = {
    "map-keys", "value-keys", "collect", "escapes", "deep-value", "deep-typed", "list"};

static const char *const shape_texts[W_COUNT] = {
    "(shapes (root (map (entry-size 24) (value-offset 16) (shape u64))))",
    "(shapes (root value))",
    "(shapes (root (struct (size 32) (align 8) (field id (offset 0) (shape u64))"
    " (field rest (offset 8) (shape value)))))",
    "(shapes (root string))",
    "(shapes (root value))",
    "(shapes (define node (struct (size 16) (align 8) (field v (offset 0) (shape u64))"
    " (field next (offset 8) (shape (option nullable node))))) (root node))",
    "(shapes (root (list u64)))",
};

typedef struct codec {
  vmir_shape_set *set;
  const vmir_shape *shape;
  vmir_executable *fused, *parse, *build;
} codec;

static codec codecs[W_COUNT][VMIR_FORMAT_COUNT];
static vmir_decoder *decoder;

static vmir_executable *compile(vmir_program *p, const vmir_shape *shape) {
  vmir_error err;
  if (!p) fz_fail(TARGET, shape, "compile failed");
  /* the executable keeps using the program: both live for the process */
  vmir_executable *e = vmir_executable_new(p, shape, &err);
  if (!e) fz_fail(TARGET, shape, "executable: %s", err.message);
  return e;
}

void vmir_fuzz_init(void) {
  fz_init_common();
  for (int w = 0; w < W_COUNT; w++)
    for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
      codec *c = &codecs[w][f];
      vmir_error err;
      c->set = vmir_shape_text_parse(shape_texts[w], strlen(shape_texts[w]), TARGET, &err);
      if (!c->set) fz_fail(TARGET, NULL, "shape: %s", err.message);
      c->shape = vmir_shape_set_root(c->set);
      vmir_compile_options opt = vmir_compile_options_default((vmir_format)f);
      opt.duplicate_last_wins = true;
      opt.unknown_fields = w == W_COLLECT ? VMIR_UNKNOWN_COLLECT : VMIR_UNKNOWN_DENY;
      c->fused = compile(vmir_compile_decode_fused(c->shape, &opt, &err), c->shape);
      c->parse = compile(vmir_compile_decode_parse(c->shape, &opt, &err), c->shape);
      c->build = compile(vmir_compile_decode_build(c->shape, &opt, &err), c->shape);
    }
  decoder = vmir_decoder_new(NULL);
}

/* ---- documents -------------------------------------------------------------- */

typedef struct doc {
  uint8_t *p;
  size_t len, cap;
} doc;

static void put(doc *d, const void *bytes, size_t n) {
  if (d->len + n > d->cap) {
    size_t cap = d->cap ? d->cap : 4096;
    while (cap < d->len + n) cap *= 2;
    d->p = realloc(d->p, cap);
    if (!d->p) abort();
    d->cap = cap;
  }
  memcpy(d->p + d->len, bytes, n);
  d->len += n;
}

static void put_byte(doc *d, uint8_t b) { put(d, &b, 1); }
static void put_str(doc *d, const char *s) { put(d, s, strlen(s)); }

static void put_be(doc *d, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; i--) put_byte(d, (uint8_t)(v >> (8 * i)));
}

/* A key: the test case's spelling (printable, no quote or backslash) and
 * a number; every eighth key of W_VALUE_KEYS repeats an earlier one. */
static void put_key(doc *d, vmir_format f, const char *spelling, size_t i) {
  char key[64];
  int n = snprintf(key, sizeof key, "%s%zu", spelling, i);
  if (f == VMIR_FORMAT_JSON) {
    put_byte(d, '"');
    put(d, key, (size_t)n);
    put_str(d, "\":");
  } else {
    put_byte(d, 0xd9);
    put_byte(d, (uint8_t)n);
    put(d, key, (size_t)n);
  }
}

static void put_uint(doc *d, vmir_format f, size_t v) {
  if (f == VMIR_FORMAT_JSON) {
    char num[24];
    put(d, num, (size_t)snprintf(num, sizeof num, "%zu", v));
  } else {
    put_byte(d, 0xce);
    put_be(d, v, 4);
  }
}

static void generate(doc *d, workload w, vmir_format f, size_t n, const char *spelling) {
  bool json = f == VMIR_FORMAT_JSON;
  d->len = 0;
  switch (w) {
    case W_MAP_KEYS:
    case W_VALUE_KEYS:
    case W_COLLECT: {
      size_t members = n + (w == W_COLLECT);
      if (json) put_byte(d, '{');
      else {
        put_byte(d, 0xdf);
        put_be(d, members, 4);
      }
      if (w == W_COLLECT) {
        if (json) put_str(d, "\"id\":1");
        else put(d, "\xa2id\x01", 4);
      }
      for (size_t i = 0; i < n; i++) {
        if (json && (i || w == W_COLLECT)) put_byte(d, ',');
        put_key(d, f, spelling, w == W_VALUE_KEYS && i % 8 == 7 ? i / 2 : i);
        put_uint(d, f, i);
      }
      if (json) put_byte(d, '}');
      return;
    }
    case W_ESCAPES:
      if (json) {
        put_byte(d, '"');
        for (size_t i = 0; i < n; i++) put_str(d, i % 2 ? "\\u00e9" : "\\n");
        put_byte(d, '"');
      } else {
        put_byte(d, 0xdb);
        put_be(d, n, 4);
        for (size_t i = 0; i < n; i++) put_byte(d, (uint8_t)('a' + i % 26));
      }
      return;
    case W_DEEP_VALUE:
      for (size_t i = 0; i < n; i++) put_byte(d, json ? '[' : 0x91);
      if (json) {
        put_byte(d, '0');
        for (size_t i = 0; i < n; i++) put_byte(d, ']');
      } else {
        put_byte(d, 0x00);
      }
      return;
    case W_DEEP_TYPED:
      for (size_t i = 0; i < n; i++) {
        if (json) put_str(d, "{\"v\":1,\"next\":");
        else put(d, "\x82\xa1v\x01\xa4next", 9);
      }
      put_byte(d, json ? 'n' : 0xc0);
      if (json) {
        put_str(d, "ull");
        for (size_t i = 0; i < n; i++) put_byte(d, '}');
      }
      return;
    case W_LIST:
      if (json) put_byte(d, '[');
      else {
        put_byte(d, 0xdd);
        put_be(d, n, 4);
      }
      for (size_t i = 0; i < n; i++) {
        if (json && i) put_byte(d, ',');
        put_uint(d, f, i);
      }
      if (json) put_byte(d, ']');
      return;
    case W_COUNT:
      break;
  }
}

/* ---- measuring -------------------------------------------------------------- */

static int instructions_fd = -2;   /* -2: not tried; -1: unavailable */

static int instructions_counter(void) {
  if (instructions_fd != -2) return instructions_fd;
  struct perf_event_attr a;
  memset(&a, 0, sizeof a);
  a.type = PERF_TYPE_HARDWARE;
  a.size = sizeof a;
  a.config = PERF_COUNT_HW_INSTRUCTIONS;
  a.disabled = 1;
  a.exclude_kernel = 1;
  a.exclude_hv = 1;
  instructions_fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
  if (instructions_fd < 0) instructions_fd = -1;
  return instructions_fd;
}

typedef struct cost {
  vmir_status status;
  double work;        /* instructions, or CPU seconds */
  size_t held;        /* arena bytes after a decode by a fresh decoder */
} cost;

static vmir_status decode_once(const codec *c, bool unfused, const doc *d, vmir_decoder *dec) {
  _Alignas(16) uint8_t dest[64] = {0};
  vmir_error err;
  vmir_decoder_reset(dec);
  return unfused ? vmir_decode_unfused(c->parse, c->build, d->p, d->len, dest, c->shape, dec, NULL, &err)
                 : vmir_decode(c->fused, d->p, d->len, dest, c->shape, dec, NULL, &err);
}

static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static cost measure(const codec *c, bool unfused, const doc *d) {
  cost out = {0};
  vmir_decoder *fresh = vmir_decoder_new(NULL);
  out.status = decode_once(c, unfused, d, fresh);
  out.held = vmir_decoder_bytes_held(fresh);
  vmir_decoder_free(fresh);
  /* work: on the shared decoder, warmed by one unmeasured decode */
  (void)decode_once(c, unfused, d, decoder);
  int fd = instructions_counter();
  if (fd >= 0) {
    uint64_t count = 0;
    ioctl(fd, PERF_EVENT_IOC_RESET, 0);
    ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
    (void)decode_once(c, unfused, d, decoder);
    ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
    if (read(fd, &count, sizeof count) == (ssize_t)sizeof count) {
      out.work = (double)count;
      return out;
    }
  }
  out.work = 1e30;
  for (int run = 0; run < 3; run++) {
    double t0 = cpu_seconds();
    (void)decode_once(c, unfused, d, decoder);
    double t = cpu_seconds() - t0;
    if (t < out.work) out.work = t;
  }
  return out;
}

/* ---- one test case ------------------------------------------------------------ */

int vmir_fuzz_one(const uint8_t *data, size_t size) {
  fz_bytes b = fz_bytes_of(data, size);
  workload w = (workload)fz_below(&b, W_COUNT);
  vmir_format f = (vmir_format)fz_below(&b, VMIR_FORMAT_COUNT);
  bool unfused = fz_bit(&b);
  bool deep = w == W_DEEP_VALUE || w == W_DEEP_TYPED;
  /* deep: both sizes within the depth limit (512), else the limit would
   * stop the large one early */
  size_t n = deep ? 8 + fz_below(&b, 52) : 500 + fz_below(&b, 1500);
  char spelling[9];
  size_t k = 0;
  for (; k < sizeof spelling - 1; k++) {
    uint8_t c = fz_u8(&b);
    if (!c) break;
    c = (uint8_t)(' ' + c % 95);
    spelling[k] = c == '"' || c == '\\' ? '_' : (char)c;
  }
  spelling[k] = 0;
  const codec *c = &codecs[w][f];
  doc small = {0}, large = {0};
  generate(&small, w, f, n, spelling);
  generate(&large, w, f, n * GROWTH, spelling);
  cost cs = measure(c, unfused, &small), cl = measure(c, unfused, &large);
  const char *what = workload_names[w];
  if (cs.status != cl.status)
    fz_fail(TARGET, c->shape, "%s %s %s: n=%zu gives %s, %zu gives %s", what, vmir_format_name(f),
            unfused ? "unfused" : "fused", n, vmir_status_name(cs.status), n * GROWTH,
            vmir_status_name(cl.status));
  fz_stat(cs.status == VMIR_OK ? "decoded" : "rejected at both sizes");
  double memory = ((double)cl.held / (double)(n * GROWTH)) / ((double)cs.held / (double)n);
  if (memory > MEMORY_RATIO_MAX)
    fz_fail(TARGET, c->shape, "%s %s %s: arena bytes per item grow %.1fx from %zu to %zu items",
            what, vmir_format_name(f), unfused ? "unfused" : "fused", memory, n, n * GROWTH);
  double work = (cl.work / (double)GROWTH) / (cs.work > 0 ? cs.work : 1e-9);
  if (work > WORK_RATIO_MAX) {
    /* measure again: a verdict never rests on one run */
    cs = measure(c, unfused, &small);
    cl = measure(c, unfused, &large);
    work = (cl.work / (double)GROWTH) / (cs.work > 0 ? cs.work : 1e-9);
    if (work > WORK_RATIO_MAX)
      fz_fail(TARGET, c->shape, "%s %s %s: work per item grows %.1fx from %zu to %zu items", what,
              vmir_format_name(f), unfused ? "unfused" : "fused", work, n, n * GROWTH);
  }
  free(small.p);
  free(large.p);
  return 0;
}
