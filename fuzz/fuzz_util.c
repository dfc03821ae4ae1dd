/* Shared helpers of the fuzz harnesses: byte reader, reporting, outcomes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fixed_shapes.h"
#include "tiers.h"

bool fz_replay = false;

/* The JIT tiers a test case runs on: [*first, *end). */
void fz_tier_range(uint8_t pick, size_t *first, size_t *end) {
  size_t n = fz_tier_count();
  if (fz_replay || n <= 1) {
    *first = 1;
    *end = n;
    return;
  }
  *first = 1 + pick % (n - 1);
  *end = *first + 1;
}

uint8_t fz_u8(fz_bytes *b) { return b->pos < b->n ? b->p[b->pos++] : 0; }

uint32_t fz_u32(fz_bytes *b) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v = (v << 8) | fz_u8(b);
  return v;
}

uint64_t fz_u64(fz_bytes *b) {
  uint64_t hi = fz_u32(b);
  return (hi << 32) | fz_u32(b);
}

uint32_t fz_below(fz_bytes *b, uint32_t n) {
  if (n <= 1) return 0;
  return n <= 256 ? fz_u8(b) % n : fz_u32(b) % n;
}

bool fz_bit(fz_bytes *b) { return fz_u8(b) & 1; }

size_t fz_left(const fz_bytes *b) { return b->pos < b->n ? b->n - b->pos : 0; }

const uint8_t *fz_rest(fz_bytes *b, size_t *len) {
  *len = fz_left(b);
  const uint8_t *p = b->p + (b->pos < b->n ? b->pos : b->n);
  b->pos = b->n;
  return p;
}

#define MAX_STATS 32
static struct { const char *name; unsigned long long n; } stats[MAX_STATS];
static int stats_on = -1;

static void print_stats(void) {
  for (int i = 0; i < MAX_STATS && stats[i].name; i++)
    fprintf(stderr, "stat %-32s %llu\n", stats[i].name, stats[i].n);
}

static void stats_init(void) {
  if (stats_on >= 0) return;
  stats_on = getenv("VMIR_FUZZ_STATS") != NULL;
  if (stats_on) atexit(print_stats);
}

void fz_stat(const char *name) { fz_stat_add(name, 1); }

void fz_stat_add(const char *name, unsigned long long n) {
  if (stats_on <= 0 || !n) return;
  for (int i = 0; i < MAX_STATS; i++) {
    if (!stats[i].name) stats[i].name = name;
    if (stats[i].name == name || strcmp(stats[i].name, name) == 0) {
      stats[i].n += n;
      return;
    }
  }
}

bool fz_avoid(const char *bug) {
  const char *list = getenv("VMIR_FUZZ_AVOID");
  size_t n = strlen(bug);
  while (list && *list) {
    size_t len = strcspn(list, ",");
    if (len == n && strncmp(list, bug, n) == 0) return true;
    list += len + (list[len] == ',');
  }
  return false;
}

_Noreturn void fz_fail(const char *target, const vmir_shape *shape, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "vmir-fuzz %s: ", target);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  if (shape) {
    size_t len = 0;
    char *text = vmir_shape_text_print(shape, &len);
    fprintf(stderr, "shape (id %llu):\n%s\n", (unsigned long long)vmir_shape_id(shape),
            text ? text : "<shape text unavailable>");
    free(text);
  }
  fflush(stderr);
  abort();
}

size_t fz_first_diff(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
  size_t n = alen < blen ? alen : blen;
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return i;
  return alen == blen ? SIZE_MAX : n;
}

const char *fz_error_text(const vmir_error *err, char *buf, size_t cap) {
  vmir_error_format(err, buf, cap);
  return buf;
}

void fz_out_set(fz_out *o, const uint8_t *data, size_t len) {
  free(o->data);
  o->data = NULL;
  o->len = 0;
  if (!len) return;
  o->data = malloc(len);
  if (!o->data) {
    fputs("vmir-fuzz: out of memory\n", stderr);
    abort();
  }
  memcpy(o->data, data, len);
  o->len = len;
}

void fz_out_free(fz_out *o) {
  free(o->data);
  o->data = NULL;
  o->len = 0;
}

static void excerpt(const fz_out *o, size_t at, char *buf, size_t cap) {
  size_t from = at > 16 ? at - 16 : 0, n = 0;
  for (size_t i = from; i < o->len && i < at + 16 && n + 5 < cap; i++) {
    uint8_t c = o->data[i];
    n += (size_t)snprintf(buf + n, cap - n, c >= 0x20 && c < 0x7f && c != '\\' ? "%c" : "\\x%02x", c);
  }
  buf[n] = 0;
}

void fz_expect_same(const char *target, const vmir_shape *shape, const char *what_a,
                    const fz_out *a, const char *what_b, const fz_out *b, bool messages) {
  char ea[512], eb[512];
  if (a->status != b->status)
    fz_fail(target, shape, "%s gives %s (%s) but %s gives %s (%s)", what_a,
            vmir_status_name(a->status), a->status ? fz_error_text(&a->err, ea, sizeof ea) : "",
            what_b, vmir_status_name(b->status),
            b->status ? fz_error_text(&b->err, eb, sizeof eb) : "");
  size_t at = fz_first_diff(a->data, a->len, b->data, b->len);
  if (at != SIZE_MAX) {
    excerpt(a, at, ea, sizeof ea);
    excerpt(b, at, eb, sizeof eb);
    fz_fail(target, shape,
            "%s and %s differ at byte %zu (lengths %zu and %zu): ...%s... vs ...%s...", what_a,
            what_b, at, a->len, b->len, ea, eb);
  }
  if (a->status == VMIR_OK) return;
  const vmir_error *x = &a->err, *y = &b->err;
  bool same = x->code == y->code && strcmp(x->path, y->path) == 0 && x->proc == y->proc &&
              x->block == y->block && x->insn == y->insn && x->predicate == y->predicate &&
              (!messages || strcmp(x->message, y->message) == 0);
  if (!same)
    fz_fail(target, shape, "errors differ: %s: %s / %s: %s", what_a,
            fz_error_text(x, ea, sizeof ea), what_b, fz_error_text(y, eb, sizeof eb));
}

vmir_status fz_host_predicate(void *ctx, uint32_t host_id, const vmir_value_view *value,
                              bool *result) {
  (void)ctx;
  if (host_id == 13) return VMIR_E_PREDICATE;
  uint64_t h = host_id + value->length + (value->present ? 1 : 0);
  if (value->scalar.type == VMIR_SCALAR_BOOL) h += value->scalar.as.boolean;
  if (value->scalar.type == VMIR_SCALAR_INT || value->scalar.type == VMIR_SCALAR_UINT)
    h += value->scalar.as.u64;
  *result = (h & 1) != 0;
  return VMIR_OK;
}

const vmir_exec_env fz_env = {.host_predicate = fz_host_predicate, .host_ctx = NULL, .max_depth = 0};

void fz_init_common(void) {
  stats_init();
  fz_tier_count();
  fz_fixed_count();
  fz_tiers_reset();
}
