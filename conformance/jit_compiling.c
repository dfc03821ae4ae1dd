/* Compiling off the lock: a slow compile (the test hook holds it until
 * released) does not stop other runs of the executable, which complete in
 * the interpreter with the same output; the code is used once ready; at
 * most one compile per program and assumptions runs at a time; and an
 * executable freed, or the background thread stopped, with a compile in
 * flight leaks nothing (the sanitizer builds check the last). */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "jit_cases.h"
#include "jit_compiling.h"

static void setup(void) { jit_reset(); }
static void teardown(void) {
  vmir_jit_test_slow_compile(0, false);
  vmir_jit_shutdown();
  jit_reset();
}

static vmir_jit_stats stats_of(const vmir_executable *exe) {
  vmir_jit_stats s;
  vmir_jit_executable_stats(exe, &s);
  return s;
}

static vmir_jit_stats process_stats(void) {
  vmir_jit_stats s;
  vmir_jit_stats_get(&s);
  return s;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Waits (up to 10 s) until the process has seen `misses` cache misses:
 * that many compiles were claimed. */
static void await_claims(uint64_t misses) {
  for (int i = 0; i < 10000 && process_stats().cache_misses < misses; i++) sleep_ms(1);
  ck_assert_uint_ge(process_stats().cache_misses, misses);
}

static void await_compiles(const vmir_executable *exe, uint64_t n) {
  for (int i = 0; i < 10000 && stats_of(exe).compiles < n; i++) sleep_ms(1);
  ck_assert_uint_eq(stats_of(exe).compiles, n);
}

typedef struct runner {
  const jit_program *p;
  const jit_case *c;
  jit_outcome got;
} runner;

static void *run_once(void *arg) {
  runner *r = arg;
  r->got = jit_encode(r->p, r->c, JIT_SINK_JSON, 0);
  return NULL;
}

/* Releases a held compile after 50 ms (the background thread stays on). */
static void *release_soon(void *arg) {
  (void)arg;
  sleep_ms(50);
  vmir_jit_test_slow_compile(0, true);
  return NULL;
}

/* The promoting run compiles with no lock held: meanwhile other runs of
 * the same executable complete in the interpreter; the promoting run and
 * the runs after use the code.
 * t[verify format.exec.jit-semantic-equivalence] */
START_TEST(other_runs_interpreted_while_compiling) {
  if (!jit_have_stencil()) return;
  const jit_case *c = jit_case_named("all-kinds");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&p, c, JIT_SINK_JSON, 0);
  uint64_t runs0 = stats_of(p.exe).executions;
  jit_use("stencil", 0, 0, -1);
  vmir_jit_test_slow_compile(VMIR_JIT_TEST_HOLD, false);
  runner promoting = {&p, c, {0}};
  pthread_t tid;
  ck_assert_int_eq(pthread_create(&tid, NULL, run_once, &promoting), 0);
  await_claims(1);
  for (int i = 0; i < 20; i++) {
    jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
    jit_assert_same(&want, &got, "run during the compile");
    jit_outcome_free(&got);
  }
  vmir_jit_stats during = stats_of(p.exe);
  ck_assert_uint_eq(during.compiles, 0);
  ck_assert_uint_eq(during.jit_executions, 0);
  ck_assert_uint_eq(during.executions, runs0 + 21);
  vmir_jit_test_slow_compile(0, false);
  pthread_join(tid, NULL);
  jit_assert_same(&want, &promoting.got, "the promoting run");
  jit_outcome_free(&promoting.got);
  ck_assert_uint_eq(stats_of(p.exe).compiles, 1);
  ck_assert_uint_eq(stats_of(p.exe).jit_executions, 1);
  jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &got, "run after the compile");
  jit_outcome_free(&got);
  ck_assert_uint_eq(stats_of(p.exe).jit_executions, 2);
  jit_outcome_free(&want);
  jit_program_free(&p);
}
END_TEST

/* Two executables of one program under the same assumptions: while one
 * compiles, the other does not compile the same code again; it runs in
 * the interpreter and then takes the code from the cache.
 * t[verify format.exec.code-cache-key] */
START_TEST(one_compile_per_program_and_assumptions) {
  if (!jit_have_stencil()) return;
  const jit_case *c = jit_case_named("all-kinds");
  jit_program a = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_program b = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&a, c, JIT_SINK_JSON, 0);
  jit_use("stencil", 0, 0, -1);
  vmir_jit_test_slow_compile(VMIR_JIT_TEST_HOLD, false);
  runner promoting = {&a, c, {0}};
  pthread_t tid;
  ck_assert_int_eq(pthread_create(&tid, NULL, run_once, &promoting), 0);
  await_claims(1);
  jit_outcome got = jit_encode(&b, c, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &got, "the other executable during the compile");
  jit_outcome_free(&got);
  ck_assert_uint_eq(stats_of(b.exe).jit_executions, 0);
  vmir_jit_test_slow_compile(0, false);
  pthread_join(tid, NULL);
  jit_outcome_free(&promoting.got);
  got = jit_encode(&b, c, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &got, "the other executable after the compile");
  jit_outcome_free(&got);
  ck_assert_uint_eq(process_stats().compiles, 1);
  ck_assert_uint_eq(stats_of(b.exe).cache_hits, 1);
  ck_assert_uint_eq(stats_of(b.exe).jit_executions, 1);
  jit_outcome_free(&want);
  jit_program_free(&a);
  jit_program_free(&b);
}
END_TEST

/* On the background thread the promoting run is interpreted too; the code
 * is bound once ready and the next run uses it. */
START_TEST(background_compile_used_once_ready) {
  if (!jit_have_stencil()) return;
  const jit_case *c = jit_case_named("all-kinds");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&p, c, JIT_SINK_JSON, 0);
  jit_use("stencil", 0, 0, -1);
  vmir_jit_test_slow_compile(VMIR_JIT_TEST_HOLD, true);
  for (int i = 0; i < 5; i++) {
    jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
    jit_assert_same(&want, &got, "run while the background compile is held");
    jit_outcome_free(&got);
  }
  ck_assert_uint_eq(stats_of(p.exe).jit_executions, 0);
  ck_assert_uint_eq(process_stats().cache_misses, 1);
  vmir_jit_test_slow_compile(0, true);
  await_compiles(p.exe, 1);
  jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &got, "run after the background compile");
  jit_outcome_free(&got);
  ck_assert_uint_eq(stats_of(p.exe).jit_executions, 1);
  jit_outcome_free(&want);
  jit_program_free(&p);
}
END_TEST

/* vmir_jit_wait_compiles: while a background compile is held it times out
 * and says so; once released it returns idle with the code bound, so the
 * very next run is generated code. */
START_TEST(wait_compiles_until_idle) {
  if (!jit_have_stencil()) return;
  const jit_case *c = jit_case_named("all-kinds");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_use("stencil", 0, 0, -1);
  ck_assert(vmir_jit_wait_compiles(0)); /* no thread yet: idle */
  vmir_jit_test_slow_compile(VMIR_JIT_TEST_HOLD, true);
  jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
  jit_outcome_free(&got);
  await_claims(1);
  ck_assert(!vmir_jit_wait_compiles(30));
  ck_assert_uint_eq(stats_of(p.exe).compiles, 0);
  pthread_t tid;
  ck_assert_int_eq(pthread_create(&tid, NULL, release_soon, NULL), 0);
  ck_assert(vmir_jit_wait_compiles(10000));
  pthread_join(tid, NULL);
  ck_assert_uint_eq(stats_of(p.exe).compiles, 1);
  got = jit_encode(&p, c, JIT_SINK_JSON, 0);
  jit_outcome_free(&got);
  ck_assert_uint_eq(stats_of(p.exe).jit_executions, 1);
  jit_program_free(&p);
}
END_TEST

/* Freeing an executable whose compile runs waits for it; one whose
 * compile is still queued drops it; stopping the thread with nothing left
 * finishes cleanly. Nothing leaks (LeakSanitizer in the sanitizer build),
 * and no code stays in the cache once cleared. */
START_TEST(shutdown_with_compile_in_flight) {
  if (!jit_have_stencil()) return;
  const jit_case *c = jit_case_named("all-kinds");
  const jit_case *other = jit_case_named("tree");
  jit_program running = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_program queued = jit_compile_encode(other->shape, VMIR_FORMAT_JSON);
  jit_use("stencil", 0, 0, -1);
  vmir_jit_test_slow_compile(VMIR_JIT_TEST_HOLD, true);
  jit_outcome got = jit_encode(&running, c, JIT_SINK_JSON, 0);
  jit_outcome_free(&got);
  await_claims(1);
  got = jit_encode(&queued, other, JIT_SINK_JSON, 0);
  jit_outcome_free(&got);
  await_claims(2);
  /* The queued compile goes with its executable, without waiting. */
  jit_program_free(&queued);
  /* The running one is waited for: release it shortly. */
  pthread_t tid;
  ck_assert_int_eq(pthread_create(&tid, NULL, release_soon, NULL), 0);
  jit_program_free(&running);
  pthread_join(tid, NULL);
  vmir_jit_shutdown();
  vmir_jit_cache_clear();
  ck_assert_uint_eq(process_stats().cache_entries, 0);
  /* A compile held on the thread when it is stopped is finished first. */
  jit_program again = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  vmir_jit_test_slow_compile(VMIR_JIT_TEST_HOLD, true);
  got = jit_encode(&again, c, JIT_SINK_JSON, 0);
  jit_outcome_free(&got);
  ck_assert_int_eq(pthread_create(&tid, NULL, release_soon, NULL), 0);
  vmir_jit_shutdown();
  pthread_join(tid, NULL);
  jit_program_free(&again);
  vmir_jit_cache_clear();
  ck_assert_uint_eq(process_stats().cache_entries, 0);
}
END_TEST

TCase *jit_compiling_tcase(void) {
  TCase *tc = tcase_create("compiling off the lock");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, other_runs_interpreted_while_compiling);
  tcase_add_test(tc, one_compile_per_program_and_assumptions);
  tcase_add_test(tc, background_compile_used_once_ready);
  tcase_add_test(tc, shutdown_with_compile_in_flight);
  tcase_add_test(tc, wait_compiles_until_idle);
  return tc;
}
