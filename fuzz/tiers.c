/* Tiers and shared sinks (see tiers.h). */
#include "tiers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if __has_include("vmir/jit.h")
#include "vmir/jit.h"
#define FZ_HAVE_JIT 1
#endif

#define MAX_TIERS 24

typedef struct tier {
  char name[48];
  const char *backend;
  uint32_t flags;
  bool slow; /* compiles take long (a backend with levels: gccjit, llvm) */
} tier;

static tier tiers[MAX_TIERS];
static size_t tier_n;
static size_t tier_selected;
static int64_t selected_deopt_pc = FZ_NO_DEOPT;
static uint32_t selected_guards;

/* The names of a backend's two optimisation levels {default, low}
 * (VMIR_JIT_FLAG_OPT_LOW picks the low one), or false for a backend with
 * one level (vmir_jit_backend_level_name). */
static bool backend_levels(const char *backend, const char **level, const char **low) {
  *level = vmir_jit_backend_level_name(backend, false);
  *low = vmir_jit_backend_level_name(backend, true);
  return *level && *low;
}

static void tiers_init(void) {
  if (tier_n) return;
  tiers[tier_n++] = (tier){"interpreter", "none", 0, false};
#ifdef FZ_HAVE_JIT
  /* Every backend at three shapes of its default level, plus its low
   * level (default shape) when it has levels. */
  static const struct { const char *suffix; uint32_t flags; } shapes[] = {
      {"", 0},
      {"/generic-only", VMIR_JIT_FLAG_GENERIC_ONLY},
      {"/plain", VMIR_JIT_FLAG_NO_ELIDE | VMIR_JIT_FLAG_NO_SHAPE_SPECIALIZE |
                     VMIR_JIT_FLAG_NO_SINK_DIRECT},
  };
  const char *fast_only = getenv("VMIR_FUZZ_FAST_TIERS_ONLY");
  bool fast_tiers_only = fast_only && strcmp(fast_only, "1") == 0;
  for (size_t i = 0; i < vmir_jit_backend_count(); i++) {
    const char *name = vmir_jit_backend_name(i);
    if (!vmir_jit_backend_available(name, NULL)) continue;
    const char *level = NULL, *low = NULL;
    bool levels = backend_levels(name, &level, &low);
    /* The sanitizer build's replay (scripts/test) leaves out the slow
     * backends: the normal build replays them, and under ASan their
     * compiles alone would take most of CI's time. */
    if (levels && fast_tiers_only) continue;
    for (size_t l = 0; l < sizeof shapes / sizeof shapes[0] && tier_n < MAX_TIERS; l++) {
      tier *t = &tiers[tier_n++];
      snprintf(t->name, sizeof t->name, "%s%s%s%s", name, levels ? "-" : "", levels ? level : "",
               shapes[l].suffix);
      t->backend = name;
      t->flags = shapes[l].flags;
      t->slow = levels;
    }
    if (levels && tier_n < MAX_TIERS) {
      tier *t = &tiers[tier_n++];
      snprintf(t->name, sizeof t->name, "%s-%s", name, low);
      t->backend = name;
      t->flags = VMIR_JIT_FLAG_OPT_LOW;
      t->slow = true;
    }
  }
#endif
  if (getenv("VMIR_FUZZ_VERBOSE"))
    for (size_t i = 0; i < tier_n; i++) fprintf(stderr, "tier %zu: %s\n", i, tiers[i].name);
}

size_t fz_tier_suspend_slow(void) {
  size_t t = tier_selected;
  if (!fz_tier_slow(t)) return 0;
  int64_t pc = selected_deopt_pc;
  uint32_t guards = selected_guards;
  fz_tier_select(0, FZ_NO_DEOPT, 0);
  selected_deopt_pc = pc;
  selected_guards = guards;
  return t;
}

void fz_tier_resume(size_t t) {
  if (t) fz_tier_select(t, selected_deopt_pc, selected_guards);
}

bool fz_tier_slow(size_t t) {
  tiers_init();
  return t < tier_n && tiers[t].slow;
}

int64_t fz_tier_deopt_pc(size_t t, uint32_t pick, uint32_t insns) {
  if (!insns) return 0;
  /* A slow tier compiles anew for every forced deopt pc (the pc is part of
   * the cache key): one input in eight forces one. */
  if (fz_tier_slow(t) && (pick >> 16) % 8 != 0) return FZ_NO_DEOPT;
  return (int64_t)(pick % insns);
}

bool fz_tier_runs(size_t t, uint32_t insns) {
  if (!fz_tier_slow(t) || insns <= FZ_SLOW_TIER_MAX_INSNS) return true;
  fz_stat("slow tier runs skipped (program too large)");
  return false;
}

bool fz_tier_ran_code(const vmir_executable *exe, uint64_t *before) {
#ifdef FZ_HAVE_JIT
  vmir_jit_stats s;
  vmir_jit_executable_stats(exe, &s);
  bool ran = s.jit_executions != *before;
  *before = s.jit_executions;
  return ran;
#else
  (void)exe;
  (void)before;
  return false;
#endif
}

#ifdef FZ_HAVE_JIT
static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}
#endif

/* Longest wait for background code in a campaign, in milliseconds: for
 * the whole test case, however many executables it waits for (a decode
 * test case may wait for three), so that it stays under AFL++'s hang
 * limit (scripts/fuzz: -t 5000). Reset by fz_tiers_reset. */
#define FZ_CAMPAIGN_AWAIT_MS 2000
#ifdef FZ_HAVE_JIT
static int await_left_ms = FZ_CAMPAIGN_AWAIT_MS;
#endif

bool fz_tier_await(const vmir_executable *exe) {
#ifdef FZ_HAVE_JIT
  if (!tier_selected || !exe) return false;
  vmir_jit_stats s;
  vmir_jit_executable_stats(exe, &s);
  if (!s.executions) return false; /* never run (a build after a failed parse) */
  /* Replay (the CI suite) waits up to 120 s: a large generated program
   * at O2 on a loaded machine. A campaign waits less than AFL++'s hang
   * limit (scripts/fuzz: -t 5000): code not ready by then skips this
   * input's comparison on the tier, and the compile goes on in the
   * background for later inputs of the same program (the code cache is
   * kept between inputs), instead of a compile being reported as a hang. */
  int wait_ms = fz_replay ? 120000 : await_left_ms;
  for (int i = 0; i < wait_ms; i++) {
    if (vmir_jit_executable_code(exe, NULL, NULL)) return true;
    vmir_jit_executable_stats(exe, &s);
    if (s.compile_failures) return false;
    sleep_ms(1);
    if (!fz_replay) await_left_ms--;
  }
  fz_stat("slow tier code not ready in time (comparison skipped)");
#else
  (void)exe;
#endif
  return false;
}

size_t fz_tier_count(void) {
  tiers_init();
  return tier_n;
}

const char *fz_tier_name(size_t t) {
  tiers_init();
  return t < tier_n ? tiers[t].name : "?";
}

void fz_tier_select(size_t t, int64_t deopt_pc, uint32_t guard_mask) {
  tiers_init();
#ifdef FZ_HAVE_JIT
  if (t >= tier_n) abort();
  tier_selected = t;
  selected_deopt_pc = deopt_pc;
  selected_guards = guard_mask;
  vmir_jit_config c = vmir_jit_config_default();
  c.backend = tiers[t].backend;
  c.threshold = 0;
  c.force_deopt_pc = t ? deopt_pc : -1;
  c.flags = tiers[t].flags;
  vmir_error err;
  if (vmir_jit_configure(&c, &err) != VMIR_OK) {
    fprintf(stderr, "vmir-fuzz: cannot select tier %s: %s\n", tiers[t].name, err.message);
    abort();
  }
  vmir_jit_test_perturb_guards(t ? guard_mask : 0);
#else
  (void)t;
  (void)deopt_pc;
  (void)guard_mask;
#endif
}

static void sinks_renew(void);

void fz_tiers_reset(void) {
  sinks_renew();
#ifdef FZ_HAVE_JIT
  await_left_ms = FZ_CAMPAIGN_AWAIT_MS;
#endif
  fz_tier_select(0, FZ_NO_DEOPT, 0);
#ifdef FZ_HAVE_JIT
  vmir_jit_stats js;
  vmir_jit_stats_get(&js);
  fz_stat_add("jit: runs in generated code", js.jit_executions);
  fz_stat_add("jit: compiles", js.compiles);
  fz_stat_add("jit: compile failures", js.compile_failures);
  fz_stat_add("jit: deopts forced", js.deopts_forced);
  fz_stat_add("jit: deopts (checks)", js.deopts_check);
  fz_stat_add("jit: deopts (unsupported)", js.deopts_unsupported);
  unsigned long long guards = 0;
  for (int g = 0; g < VMIR_JIT_GUARD_COUNT; g++) guards += js.guard_failures[g];
  fz_stat_add("jit: guard failures", guards);
  /* Compiled code is kept from one test case to the next: it is
   * immutable and keyed by program identity, assumptions and options, so
   * an input that yields a program seen before (most mutations keep the
   * shape) reuses its code instead of paying a slow backend's compile
   * again. Bounded: beyond 1024 entries the cache starts afresh. */
  if (js.cache_entries > 1024) vmir_jit_cache_clear();
  vmir_jit_stats_reset();
#endif
}

/* ---- shared sinks -------------------------------------------------------- */

const char *const fz_sink_names[FZ_SINK_COUNT] = {"json", "msgpack", "events"};

static vmir_json_writer *json_w;
static vmir_msgpack_writer *msgpack_w;
static vmir_recorder *recorder;

static void sinks_init(void) {
  if (json_w) return;
  json_w = vmir_json_writer_new(NULL);
  msgpack_w = vmir_msgpack_writer_new();
  recorder = vmir_recorder_new();
  if (!json_w || !msgpack_w || !recorder) abort();
}

/* New writers for every test case: a reused writer's buffer has grown
 * to fit earlier documents, so the same input would take other paths. */
static void sinks_renew(void) {
  vmir_json_writer_free(json_w);
  vmir_msgpack_writer_free(msgpack_w);
  vmir_recorder_free(recorder);
  json_w = NULL;
  sinks_init();
}

vmir_recorder *fz_recorder(void) {
  sinks_init();
  return recorder;
}

vmir_sink *fz_sink(fz_sink_kind kind) {
  sinks_init();
  switch (kind) {
    case FZ_SINK_JSON:
      vmir_json_writer_reset(json_w);
      return vmir_json_writer_sink(json_w);
    case FZ_SINK_MSGPACK:
      vmir_msgpack_writer_reset(msgpack_w);
      return vmir_msgpack_writer_sink(msgpack_w);
    default:
      vmir_recorder_reset(recorder);
      vmir_recorder_fail_at(recorder, 0);
      return vmir_recorder_sink(recorder);
  }
}

void fz_sink_take(fz_sink_kind kind, vmir_status st, const vmir_error *err, fz_out *out) {
  const uint8_t *data;
  size_t len = 0;
  switch (kind) {
    case FZ_SINK_JSON: data = vmir_json_writer_data(json_w, &len); break;
    case FZ_SINK_MSGPACK: data = vmir_msgpack_writer_data(msgpack_w, &len); break;
    default:
      data = (const uint8_t *)vmir_recorder_text(recorder);
      len = strlen((const char *)data);
      break;
  }
  fz_out_set(out, data, len);
  out->status = st;
  if (st != VMIR_OK) out->err = *err;
  else vmir_error_clear(&out->err);
}

void fz_runs_free(fz_runs *r) {
  for (int k = 0; k < FZ_SINK_COUNT; k++) fz_out_free(&r->out[k]);
}

void fz_run_exe(vmir_executable *exe, const vmir_shape *shape, const void *value,
                const vmir_exec_env *env, fz_runs *r) {
  for (int k = 0; k < FZ_SINK_COUNT; k++) {
    vmir_error err;
    vmir_error_clear(&err);
    vmir_status st = vmir_encode(exe, value, shape, fz_sink((fz_sink_kind)k), env, &err);
    fz_sink_take((fz_sink_kind)k, st, &err, &r->out[k]);
  }
}

void fz_expect_runs(const char *target, const vmir_shape *shape, const char *a, const fz_runs *ra,
                    const char *b, const fz_runs *rb, bool messages) {
  for (int k = 0; k < FZ_SINK_COUNT; k++) {
    char wa[128], wb[128];
    snprintf(wa, sizeof wa, "%s (%s sink)", a, fz_sink_names[k]);
    snprintf(wb, sizeof wb, "%s (%s sink)", b, fz_sink_names[k]);
    fz_expect_same(target, shape, wa, &ra->out[k], wb, &rb->out[k], messages);
  }
}
