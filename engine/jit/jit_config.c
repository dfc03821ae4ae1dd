/* The process-wide JIT configuration: defaults, environment, the public
 * configure API, backend selection and the test hooks.
 * t[impl format.exec.promotion-threshold]: the threshold is configurable
 * (API, VMIR_JIT_THRESHOLD) with a per-backend default. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/jit_internal.h"

#define DEFAULT_MAX_FAILURES 3u
#define DEFAULT_BACKOFF 16u

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static vmir_jit_config config;     /* config.backend: a static name */
static vmir_jit_snapshot snap;
static _Atomic uint64_t generation = 1;
static uint32_t forced_unavailable;   /* bit i: backend i */
static int64_t unsupported_op = -1;
static _Atomic uint32_t injected_failures;
static _Atomic uint32_t perturbed;
static _Atomic uint32_t compile_delay_ms;
static _Atomic bool compile_background;

/* Names a configuration may use: the built-in backends, the ones this
 * build may lack, and the two policies. Returns the name's static spelling
 * (configurations keep that pointer, never the caller's), or NULL. */
static const char *known_name(const char *name) {
  static const char *const policies[] = {"auto", "none"};
  for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
    if (strcmp(name, policies[i]) == 0) return policies[i];
  return vmir_backend_known_name(name);
}

static bool usable(size_t i) {
  const vmir_backend *b = vmir_backend_at(i);
  return b && !(forced_unavailable & (1u << i)) && b->available(NULL);
}

/* The backend the configuration selects, NULL for the interpreter only.
 * t[impl format.exec.jit-optional] */
static const vmir_backend *resolve(const char *name) {
  if (!name || strcmp(name, "auto") == 0) {
    for (size_t i = 0; i < vmir_backend_count(); i++)
      if (usable(i)) return vmir_backend_at(i);
    return NULL;
  }
  for (size_t i = 0; i < vmir_backend_count(); i++)
    if (strcmp(vmir_backend_at(i)->name, name) == 0) return usable(i) ? vmir_backend_at(i) : NULL;
  return NULL;
}

/* Recomputes the snapshot from `config`; caller holds the lock. */
static void refresh(void) {
  snap.backend = resolve(config.backend);
  snap.threshold = config.threshold >= 0 ? (uint64_t)config.threshold
                   : snap.backend         ? snap.backend->default_threshold[(config.flags & VMIR_JIT_FLAG_OPT_LOW) ? 1 : 0]
                                          : 0;
  snap.max_failures = config.max_compile_failures ? config.max_compile_failures : DEFAULT_MAX_FAILURES;
  snap.backoff = config.backoff_runs ? config.backoff_runs : DEFAULT_BACKOFF;
  snap.options.flags = config.flags;
  snap.options.force_deopt_pc = config.force_deopt_pc;
  snap.options.unsupported_op = unsupported_op;
  atomic_fetch_add(&generation, 1);
}

static bool env_int(const char *name, int64_t *out) {
  const char *v = getenv(name);
  if (!v || !*v) return false;
  char *end;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  if (errno || *end || n < 0) return false;
  *out = n;
  return true;
}

vmir_jit_config vmir_jit_config_default(void) {
  vmir_jit_config c = {.backend = "auto", .threshold = -1, .force_deopt_pc = -1};
  const char *b = getenv("VMIR_JIT_BACKEND");
  /* An unknown name selects no backend rather than failing every run. */
  if (b && *b) c.backend = known_name(b) ? known_name(b) : "none";
  env_int("VMIR_JIT_THRESHOLD", &c.threshold);
  env_int("VMIR_JIT_FORCE_DEOPT_PC", &c.force_deopt_pc);
  const char *level = getenv("VMIR_JIT_GCCJIT_LEVEL");
  if (level && strcmp(level, "O0") == 0) c.flags |= VMIR_JIT_FLAG_OPT_LOW;
  /* The same flag is the LLVM backend's fast level. */
  level = getenv("VMIR_JIT_LLVM_LEVEL");
  if (level && strcmp(level, "fast") == 0) c.flags |= VMIR_JIT_FLAG_OPT_LOW;
  return c;
}

/* c->backend is a known name (checked by the caller) or NULL. */
static void set_config(const vmir_jit_config *c) {
  config = *c;
  config.backend = c->backend ? known_name(c->backend) : "auto";
  refresh();
}

static void init(void) {
  vmir_jit_config c = vmir_jit_config_default();
  pthread_mutex_lock(&lock);
  set_config(&c);
  pthread_mutex_unlock(&lock);
}

vmir_status vmir_jit_configure(const vmir_jit_config *c, vmir_error *err) {
  pthread_once(&once, init);
  vmir_jit_config d = c ? *c : vmir_jit_config_default();
  if (d.backend && !known_name(d.backend)) {
    if (err) {
      char names[128];
      vmir_backend_known_list(names, sizeof names);
      vmir_error_clear(err);
      err->code = VMIR_E_USAGE;
      snprintf(err->message, sizeof err->message, "unknown JIT backend '%.40s' (auto, none, %s)",
               d.backend, names);
    }
    return VMIR_E_USAGE;
  }
  pthread_mutex_lock(&lock);
  set_config(&d);
  pthread_mutex_unlock(&lock);
  return VMIR_OK;
}

vmir_jit_config vmir_jit_get_config(void) {
  pthread_once(&once, init);
  pthread_mutex_lock(&lock);
  vmir_jit_config c = config;
  pthread_mutex_unlock(&lock);
  return c;
}

uint64_t vmir_jit_generation(void) {
  pthread_once(&once, init);
  return atomic_load_explicit(&generation, memory_order_acquire);
}

void vmir_jit_snapshot_get(vmir_jit_snapshot *out, uint64_t *gen) {
  pthread_once(&once, init);
  pthread_mutex_lock(&lock);
  *out = snap;
  *gen = atomic_load(&generation);
  pthread_mutex_unlock(&lock);
}

size_t vmir_jit_backend_count(void) { return vmir_backend_count(); }

const char *vmir_jit_backend_name(size_t i) {
  const vmir_backend *b = vmir_backend_at(i);
  return b ? b->name : NULL;
}

const char *vmir_jit_backend_level_name(const char *name, bool low) {
  const vmir_backend *b = vmir_backend_find(name);
  return b ? b->level_names[low ? 1 : 0] : NULL;
}

bool vmir_jit_backend_available(const char *name, const char **reason) {
  pthread_once(&once, init);
  for (size_t i = 0; i < vmir_backend_count(); i++) {
    if (strcmp(vmir_backend_at(i)->name, name) != 0) continue;
    pthread_mutex_lock(&lock);
    bool forced = forced_unavailable & (1u << i);
    pthread_mutex_unlock(&lock);
    if (forced) {
      if (reason) *reason = "made unavailable by a test hook";
      return false;
    }
    return vmir_backend_at(i)->available(reason);
  }
  if (reason) *reason = "not built into this library (see the meson options jit_*)";
  return false;
}

const char *vmir_jit_selected_backend(uint64_t *threshold) {
  vmir_jit_snapshot s;
  uint64_t gen;
  vmir_jit_snapshot_get(&s, &gen);
  if (threshold) *threshold = s.threshold;
  return s.backend ? s.backend->name : "none";
}

/* ---- test hooks --------------------------------------------------------------- */

void vmir_jit_test_fail_compiles(uint32_t n) { atomic_store(&injected_failures, n); }

bool vmir_jit_take_injected_failure(void) {
  uint32_t n = atomic_load(&injected_failures);
  while (n > 0)
    if (atomic_compare_exchange_weak(&injected_failures, &n, n - 1)) return true;
  return false;
}

void vmir_jit_test_force_unavailable(const char *name, bool unavailable) {
  pthread_once(&once, init);
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < vmir_backend_count(); i++) {
    if (strcmp(vmir_backend_at(i)->name, name) != 0) continue;
    if (unavailable) forced_unavailable |= 1u << i;
    else forced_unavailable &= ~(1u << i);
  }
  refresh();
  pthread_mutex_unlock(&lock);
}

void vmir_jit_test_perturb_guards(uint32_t mask) { atomic_store(&perturbed, mask); }

uint32_t vmir_jit_perturbed_guards(void) { return atomic_load_explicit(&perturbed, memory_order_relaxed); }

void vmir_jit_test_unsupported_op(int64_t op) {
  pthread_once(&once, init);
  pthread_mutex_lock(&lock);
  unsupported_op = op;
  refresh();
  pthread_mutex_unlock(&lock);
}

void vmir_jit_test_slow_compile(uint32_t delay_ms, bool background) {
  atomic_store(&compile_delay_ms, delay_ms);
  atomic_store(&compile_background, background);
}

uint32_t vmir_jit_test_compile_delay_ms(void) {
  return atomic_load_explicit(&compile_delay_ms, memory_order_relaxed);
}

bool vmir_jit_test_background(void) {
  return atomic_load_explicit(&compile_background, memory_order_relaxed);
}
