/* JIT tiering and the copy-and-patch backend: every program runs under the
 * interpreter (the reference) and under generated code, and the two must
 * agree byte for byte: outputs, error codes, messages, pcs and paths. Also
 * the tiering policy (thresholds, compile failures, backoff), entry guards,
 * deoptimisation at every program point, the code cache and the safety of
 * generated code. */
#include <check.h>
#include <msgpack.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/backend.h"
#include "jit/jit_internal.h"
#include "harness.h"
#include "jit_cases.h"
#include "jit_compiling.h"

/* Tests that need generated code return early (with a note) when the
 * stencil backend is not built in or not available on this host; the
 * interpreter-only tests run everywhere. */
#define NEED_STENCIL()                                                          \
  do {                                                                          \
    if (!jit_have_stencil()) {                                                  \
      printf("%s: skipped, the stencil backend is not available here\n", __func__); \
      return;                                                                   \
    }                                                                           \
  } while (0)

static void setup(void) { jit_reset(); }
static void teardown(void) { jit_reset(); }

static vmir_jit_stats exe_stats(const vmir_executable *exe) {
  vmir_jit_stats s;
  vmir_jit_executable_stats(exe, &s);
  return s;
}

/* Runs one case under the interpreter and under the stencil backend
 * (threshold 0) with the given flags, and compares. */
static void compare_case(const jit_case *c, jit_sink sink, uint32_t flags, uint64_t fail_at) {
  jit_program p = jit_compile_encode(c->shape, jit_sink_format(sink));
  jit_outcome want = jit_reference(&p, c, sink, fail_at);
  jit_use("stencil", 0, flags, -1);
  jit_outcome got = jit_encode(&p, c, sink, fail_at);
  char what[160];
  snprintf(what, sizeof what, "%s via %s (flags %#x, fail at %llu)", c->name, jit_sink_name(sink),
           flags, (unsigned long long)fail_at);
  jit_assert_same(&want, &got, what);
  vmir_jit_stats s = exe_stats(p.exe);
  ck_assert_msg(s.jit_executions == 1, "%s: did not run generated code", what);
  /* Good values never leave generated code. */
  if (want.status == VMIR_OK) ck_assert_msg(s.deopts == 0, "%s: %llu deopts", what, (unsigned long long)s.deopts);
  jit_outcome_free(&want);
  jit_outcome_free(&got);
  jit_program_free(&p);
  vmir_jit_cache_clear();
}

/* ---- equivalence ------------------------------------------------------------------ */

/* Every case of every shape, through the three sinks: identical outputs and
 * identical errors, with the specialised stencils.
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.exec.interpreter-is-reference]
 * t[verify format.exec.error-propagation]
 * t[verify format.exec.error-context] */
START_TEST(jit_matches_interpreter) {
  NEED_STENCIL();
  const jit_case *cases;
  size_t n = jit_cases(&cases);
  for (size_t i = 0; i < n; i++)
    for (int s = 0; s < JIT_SINK_COUNT; s++) compare_case(&cases[i], (jit_sink)s, 0, 0);
}
END_TEST

/* The same under every backend option: generic slow paths only, sink
 * callbacks through sink->ops, tail jumps kept, no shape specialisation.
 * t[verify format.exec.jit-semantic-equivalence] */
START_TEST(jit_options_match_interpreter) {
  NEED_STENCIL();
  static const uint32_t flag_sets[] = {
      VMIR_JIT_FLAG_GENERIC_ONLY, VMIR_JIT_FLAG_NO_SINK_DIRECT, VMIR_JIT_FLAG_NO_ELIDE,
      VMIR_JIT_FLAG_NO_SHAPE_SPECIALIZE, VMIR_JIT_FLAG_NO_FUSE,
      VMIR_JIT_FLAG_NO_SINK_DIRECT | VMIR_JIT_FLAG_NO_ELIDE | VMIR_JIT_FLAG_NO_SHAPE_SPECIALIZE,
      VMIR_JIT_FLAG_NO_FUSE | VMIR_JIT_FLAG_NO_ELIDE};
  const jit_case *cases;
  size_t n = jit_cases(&cases);
  for (size_t f = 0; f < sizeof flag_sets / sizeof flag_sets[0]; f++)
    for (size_t i = 0; i < n; i++)
      for (int s = 0; s < JIT_SINK_COUNT; s++) compare_case(&cases[i], (jit_sink)s, flag_sets[f], 0);
}
END_TEST

/* A sink failing at each event in turn: the generated code stops at the
 * same instruction with the same error as the interpreter.
 * t[verify format.exec.error-propagation]
 * t[verify format.exec.error-context] */
START_TEST(sink_failure_at_every_event) {
  NEED_STENCIL();
  const jit_case *cases;
  size_t n = jit_cases(&cases);
  for (size_t i = 0; i < n; i++) {
    jit_program p = jit_compile_encode(cases[i].shape, VMIR_FORMAT_JSON);
    jit_outcome all = jit_reference(&p, &cases[i], JIT_SINK_RECORDER, 0);
    size_t events = 0;
    for (size_t k = 0; k < all.len; k++) events += all.out[k] == '\n';
    jit_outcome_free(&all);
    jit_program_free(&p);
    for (uint64_t at = 1; at <= events; at++) compare_case(&cases[i], JIT_SINK_RECORDER, 0, at);
  }
}
END_TEST

/* ---- deoptimisation ------------------------------------------------------------------ */

/* Forcing a deopt at every program point of every program: the interpreter
 * resumes there on the live state and the result is the interpreter's.
 * t[verify format.exec.deopt-resume-point]
 * t[verify format.exec.deopt-state-transfer] */
START_TEST(forced_deopt_at_every_pc) {
  NEED_STENCIL();
  const jit_case *cases;
  size_t n = jit_cases(&cases);
  for (size_t i = 0; i < n; i++) {
    for (int s = 0; s < JIT_SINK_COUNT; s++) {
      jit_program p = jit_compile_encode(cases[i].shape, jit_sink_format((jit_sink)s));
      jit_outcome want = jit_reference(&p, &cases[i], (jit_sink)s, 0);
      uint32_t insns = p.prog->insn_count;
      uint64_t reached = 0;
      for (uint32_t pc = 0; pc < insns; pc++) {
        vmir_jit_stats before = exe_stats(p.exe);
        jit_use("stencil", 0, 0, pc);
        jit_outcome got = jit_encode(&p, &cases[i], (jit_sink)s, 0);
        char what[160];
        snprintf(what, sizeof what, "%s via %s, deopt forced at pc %u", cases[i].name,
                 jit_sink_name((jit_sink)s), pc);
        jit_assert_same(&want, &got, what);
        vmir_jit_stats after = exe_stats(p.exe);
        uint64_t forced = after.deopts_forced - before.deopts_forced;
        ck_assert_msg(forced <= 1, "%s: %llu forced deopts", what, (unsigned long long)forced);
        if (forced) ck_assert_msg(vmir_jit_deopts_at(p.exe, pc) >= 1, "%s: counted elsewhere", what);
        reached += forced;
        jit_outcome_free(&got);
        vmir_jit_cache_clear();
      }
      /* The entry pc is reached by every run. */
      ck_assert_msg(reached >= 1, "%s: no forced deopt was reached", cases[i].name);
      jit_outcome_free(&want);
      jit_program_free(&p);
    }
  }
}
END_TEST

/* An opcode the backend is told it cannot compile becomes a deopt exit:
 * the run finishes on the interpreter, no undefined behaviour.
 * t[verify format.exec.no-ub-on-unsupported-case]
 * t[verify format.exec.deopt-resume-point] */
START_TEST(unsupported_op_deopts) {
  NEED_STENCIL();
  static const vmir_opcode ops[] = {VMIR_OP_EMIT_SCALAR, VMIR_OP_ENTER_FIELD, VMIR_OP_CALL,
                                    VMIR_OP_LOOP_NEXT, VMIR_OP_SWITCH_VARIANT, VMIR_OP_RET};
  const jit_case *cases;
  size_t n = jit_cases(&cases);
  for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
    uint64_t exits = 0;
    vmir_jit_test_unsupported_op(ops[o]);
    for (size_t i = 0; i < n; i++) {
      jit_program p = jit_compile_encode(cases[i].shape, VMIR_FORMAT_JSON);
      jit_outcome want = jit_reference(&p, &cases[i], JIT_SINK_JSON, 0);
      jit_use("stencil", 0, 0, -1);
      jit_outcome got = jit_encode(&p, &cases[i], JIT_SINK_JSON, 0);
      jit_assert_same(&want, &got, cases[i].name);
      exits += exe_stats(p.exe).deopts_unsupported;
      jit_outcome_free(&want);
      jit_outcome_free(&got);
      jit_program_free(&p);
      vmir_jit_cache_clear();
    }
    ck_assert_msg(exits > 0, "opcode %s never reached a deopt exit", vmir_op_info_of(ops[o])->name);
  }
}
END_TEST

/* Values the interpreter rejects (a list with NULL data and a length, a
 * tag naming no variant) are rejected by the same error from generated
 * code, which checks before it forms an address and deopts.
 * t[verify format.exec.bounded-memory-access]
 * t[verify format.exec.no-ub-on-unsupported-case] */
START_TEST(invalid_values_are_checked) {
  NEED_STENCIL();
  const jit_case *cases;
  size_t n = jit_cases(&cases);
  size_t checked = 0;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(cases[i].name, "all-kinds-null-list") != 0 && strcmp(cases[i].name, "unknown-tag") != 0 &&
        strcmp(cases[i].name, "tree-null-children") != 0)
      continue;
    jit_program p = jit_compile_encode(cases[i].shape, VMIR_FORMAT_JSON);
    jit_outcome want = jit_reference(&p, &cases[i], JIT_SINK_JSON, 0);
    ck_assert_int_eq(want.status, VMIR_E_EXEC);
    jit_use("stencil", 0, 0, -1);
    jit_outcome got = jit_encode(&p, &cases[i], JIT_SINK_JSON, 0);
    jit_assert_same(&want, &got, cases[i].name);
    ck_assert_uint_ge(exe_stats(p.exe).deopts_check, 1);
    jit_outcome_free(&want);
    jit_outcome_free(&got);
    jit_program_free(&p);
    checked++;
  }
  ck_assert_uint_eq(checked, 3);
}
END_TEST

/* ---- guards ------------------------------------------------------------------------- */

/* Presents wrong facts to one guard: the entry deopts before anything
 * runs, the interpreter runs the whole program, the failure is counted.
 * Without perturbation no guard fails. */
static void perturbed_guard(vmir_jit_guard_kind kind) {
  const jit_case *c = jit_case_named("policies");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&p, c, JIT_SINK_JSON, 0);
  jit_use("stencil", 0, 0, -1);
  jit_outcome first = jit_encode(&p, c, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &first, "unperturbed");
  ck_assert_uint_eq(exe_stats(p.exe).guard_failures[kind], 0);
  vmir_jit_test_perturb_guards(1u << kind);
  jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
  vmir_jit_test_perturb_guards(0);
  jit_assert_same(&want, &got, "perturbed");
  vmir_jit_stats s = exe_stats(p.exe);
  ck_assert_uint_eq(s.guard_failures[kind], 1);
  ck_assert_uint_eq(s.deopts, 1);
  uint32_t entry = p.exe->proc_entry[p.prog->entry_proc];
  ck_assert_uint_eq(vmir_jit_deopts_at(p.exe, entry), 1);
  for (int g = 0; g < VMIR_JIT_GUARD_COUNT; g++)
    if (g != (int)kind) ck_assert_uint_eq(s.guard_failures[g], 0);
  jit_outcome_free(&want);
  jit_outcome_free(&first);
  jit_outcome_free(&got);
  jit_program_free(&p);
}

/* t[verify format.exec.guard-shape-id]
 * t[verify format.exec.deopt-on-guard-fail] */
START_TEST(guard_shape_id) {
  NEED_STENCIL();
  perturbed_guard(VMIR_JIT_GUARD_SHAPE_ID);
}
END_TEST

/* t[verify format.exec.guard-program-abi]
 * t[verify format.exec.deopt-on-guard-fail] */
START_TEST(guard_program_abi) {
  NEED_STENCIL();
  perturbed_guard(VMIR_JIT_GUARD_ABI);
}
END_TEST

/* Both capabilities the code assumes: the sink it calls directly and the
 * host predicate hook.
 * t[verify format.exec.guard-runtime-capabilities]
 * t[verify format.exec.deopt-on-guard-fail] */
START_TEST(guard_capabilities_perturbed) {
  NEED_STENCIL();
  perturbed_guard(VMIR_JIT_GUARD_SINK);
  jit_reset();
  perturbed_guard(VMIR_JIT_GUARD_HOST_PREDICATE);
}
END_TEST

/* Real capability changes: code compiled for a JSON writer entered with a
 * recorder, and code that calls the host hook entered without one. The
 * guard deopts, the interpreter gives the right output (or the right
 * predicate error), the code is invalidated and the next run compiles for
 * the new capabilities.
 * t[verify format.exec.guard-runtime-capabilities]
 * t[verify format.exec.deopt-on-guard-fail]
 * t[verify format.exec.code-cache-invalidate-on-runtime-mismatch] */
START_TEST(guard_capabilities_real) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("all-kinds");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_outcome want_json = jit_reference(&p, c, JIT_SINK_JSON, 0);
  jit_outcome want_rec = jit_reference(&p, c, JIT_SINK_RECORDER, 0);
  jit_use("stencil", 0, 0, -1);
  jit_outcome a = jit_encode(&p, c, JIT_SINK_JSON, 0);
  jit_outcome b = jit_encode(&p, c, JIT_SINK_RECORDER, 0);
  jit_outcome d = jit_encode(&p, c, JIT_SINK_RECORDER, 0);
  jit_assert_same(&want_json, &a, "json");
  jit_assert_same(&want_rec, &b, "recorder after json (guard fails)");
  jit_assert_same(&want_rec, &d, "recorder again (recompiled)");
  vmir_jit_stats s = exe_stats(p.exe);
  ck_assert_uint_eq(s.guard_failures[VMIR_JIT_GUARD_SINK], 1);
  ck_assert_uint_eq(s.cache_invalidations, 1);
  ck_assert_uint_eq(s.compiles, 2);
  ck_assert_uint_eq(s.jit_executions, 3);
  jit_outcome_free(&want_json);
  jit_outcome_free(&want_rec);
  jit_outcome_free(&a);
  jit_outcome_free(&b);
  jit_outcome_free(&d);
  jit_program_free(&p);

  /* The host hook: compiled with it, entered without it. */
  const jit_case *with = jit_case_named("policies");
  jit_case without = *with;
  without.env = NULL;
  p = jit_compile_encode(with->shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&p, &without, JIT_SINK_JSON, 0);
  ck_assert_int_eq(want.status, VMIR_E_PREDICATE);
  jit_use("stencil", 0, 0, -1);
  a = jit_encode(&p, with, JIT_SINK_JSON, 0);
  ck_assert_int_eq(a.status, VMIR_OK);
  b = jit_encode(&p, &without, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &b, "host hook gone");
  s = exe_stats(p.exe);
  ck_assert_uint_eq(s.guard_failures[VMIR_JIT_GUARD_HOST_PREDICATE], 1);
  ck_assert_uint_eq(s.cache_invalidations, 1);
  jit_outcome_free(&want);
  jit_outcome_free(&a);
  jit_outcome_free(&b);
  jit_program_free(&p);
}
END_TEST

/* A sink whose callbacks write one letter per event; its ops table is
 * rewritten in place between runs, at the same address. */
typedef struct letters {
  vmir_sink sink;
  char out[256];
  size_t len;
} letters;

static vmir_status put(vmir_sink *s, char c) {
  letters *l = (letters *)s;
  if (l->len + 1 < sizeof l->out) l->out[l->len++] = c;
  return VMIR_OK;
}
static vmir_status a_len(vmir_sink *s, uint64_t n) { (void)n; return put(s, 'A'); }
static vmir_status a_name(vmir_sink *s, vmir_str n) { (void)n; return put(s, 'a'); }
static vmir_status a_scalar(vmir_sink *s, const vmir_scalar *v) { (void)v; return put(s, '1'); }
static vmir_status a_end(vmir_sink *s) { return put(s, '.'); }
static vmir_status b_len(vmir_sink *s, uint64_t n) { (void)n; return put(s, 'B'); }
static vmir_status b_name(vmir_sink *s, vmir_str n) { (void)n; return put(s, 'b'); }
static vmir_status b_scalar(vmir_sink *s, const vmir_scalar *v) { (void)v; return put(s, '2'); }
static vmir_status b_end(vmir_sink *s) { return put(s, ';'); }
static vmir_sink_ops rewritten_ops;

static letters run_letters(jit_program *p, const jit_case *c) {
  letters l = {.sink = {.kind = VMIR_SINK_CUSTOM, .ops = &rewritten_ops}};
  vmir_error err;
  ck_assert_int_eq(vmir_encode(p->exe, c->value, c->shape, &l.sink, NULL, &err), VMIR_OK);
  l.out[l.len] = 0;
  return l;
}

/* The sink guard compares the callbacks themselves, not the address of
 * their table: a table rewritten (or freed and reused) at the same address
 * fails the guard instead of running the old callbacks.
 * t[verify format.exec.guard-runtime-capabilities]
 * t[verify format.exec.code-cache-key] */
START_TEST(guard_sink_callbacks_not_table_address) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("user");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_use("stencil", 0, 0, -1);
  rewritten_ops = (vmir_sink_ops){a_len, a_len, a_len, a_name, a_scalar, a_end};
  letters first = run_letters(&p, c);
  ck_assert_str_eq(first.out, "Aa1a1.");
  rewritten_ops = (vmir_sink_ops){b_len, b_len, b_len, b_name, b_scalar, b_end};
  letters second = run_letters(&p, c);
  ck_assert_str_eq(second.out, "Bb2b2;");
  vmir_jit_stats s = exe_stats(p.exe);
  ck_assert_uint_eq(s.guard_failures[VMIR_JIT_GUARD_SINK], 1);
  letters third = run_letters(&p, c);
  ck_assert_str_eq(third.out, "Bb2b2;");
  s = exe_stats(p.exe);
  ck_assert_uint_eq(s.compiles, 2);
  ck_assert_uint_eq(s.jit_executions, 3);
  jit_program_free(&p);
}
END_TEST

/* ---- tiering policy ---------------------------------------------------------------- */

/* Threshold 0 compiles before the first run, 1 after the first run, N
 * after N runs; the hotness counter counts every run.
 * t[verify format.exec.promotion-threshold]
 * t[verify format.exec.hotness-counter] */
START_TEST(promotion_thresholds) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("tree");
  static const int64_t thresholds[] = {0, 1, 2, 5};
  for (size_t k = 0; k < sizeof thresholds / sizeof thresholds[0]; k++) {
    int64_t th = thresholds[k];
    /* The reference runs on its own executable: runs count towards the
     * hotness whichever tier runs them. */
    jit_program ref = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
    jit_outcome want = jit_reference(&ref, c, JIT_SINK_JSON, 0);
    jit_program_free(&ref);
    jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
    jit_use("stencil", th, 0, -1);
    uint64_t base = vmir_executable_hotness(p.exe);
    for (int run = 1; run <= 8; run++) {
      jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
      jit_assert_same(&want, &got, "threshold run");
      jit_outcome_free(&got);
      vmir_jit_stats s = exe_stats(p.exe);
      uint64_t interpreted = (uint64_t)run < (uint64_t)th ? (uint64_t)run : (uint64_t)th;
      ck_assert_msg(s.jit_executions == (uint64_t)run - interpreted,
                    "threshold %lld, run %d: %llu runs in generated code", (long long)th, run,
                    (unsigned long long)s.jit_executions);
      ck_assert_uint_eq(s.compiles, run > th ? 1 : 0);
      ck_assert_uint_eq(vmir_executable_hotness(p.exe), base + (uint64_t)run);
    }
    jit_outcome_free(&want);
    jit_program_free(&p);
    vmir_jit_cache_clear();
  }
}
END_TEST

/* A failing compile: the run is interpreted with the same result, the
 * failure is counted, compiling is retried after the backoff, and after
 * the maximum number of failures the executable stays interpreted.
 * t[verify format.exec.jit-compile-failure-fallback] */
START_TEST(compile_failure_falls_back) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("all-kinds");
  jit_program ref = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&ref, c, JIT_SINK_JSON, 0);
  jit_program_free(&ref);
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  vmir_jit_config cfg = vmir_jit_config_default();
  cfg.backend = "stencil";
  cfg.threshold = 0;
  cfg.backoff_runs = 2;
  cfg.max_compile_failures = 2;
  ck_assert_int_eq(vmir_jit_configure(&cfg, NULL), VMIR_OK);
  vmir_jit_test_fail_compiles(1);
  /* Run 1 fails to compile (retry after 2 more runs); run 2 waits out the
   * backoff; run 3 compiles. */
  for (int run = 1; run <= 4; run++) {
    jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
    jit_assert_same(&want, &got, "after a compile failure");
    jit_outcome_free(&got);
    vmir_jit_stats s = exe_stats(p.exe);
    ck_assert_uint_eq(s.compile_failures, 1);
    ck_assert_uint_eq(s.jit_executions, run >= 3 ? (uint64_t)run - 2 : 0);
  }
  jit_program_free(&p);

  /* Every compile fails: two attempts, then the interpreter for good (the
   * cache is emptied first, or it would serve the code compiled above). */
  vmir_jit_cache_clear();
  p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  ck_assert_int_eq(vmir_jit_configure(&cfg, NULL), VMIR_OK);
  vmir_jit_test_fail_compiles(1000);
  for (int run = 1; run <= 12; run++) {
    jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
    jit_assert_same(&want, &got, "compiles always fail");
    jit_outcome_free(&got);
  }
  vmir_jit_stats s = exe_stats(p.exe);
  ck_assert_uint_eq(s.compile_failures, 2);
  ck_assert_uint_eq(s.jit_executions, 0);
  ck_assert_uint_eq(s.executions, 12);
  vmir_jit_test_fail_compiles(0);
  jit_outcome_free(&want);
  jit_program_free(&p);
}
END_TEST

/* No backend configured, the backend made unavailable at run time, or not
 * built in at all (-Djit_stencil=disabled): everything runs on the
 * interpreter with the same results.
 * t[verify format.exec.jit-optional] */
START_TEST(interpreter_only) {
  const jit_case *cases;
  size_t n = jit_cases(&cases);
  const char *why = NULL;
  bool built = false;
  for (size_t i = 0; i < vmir_jit_backend_count(); i++)
    built |= strcmp(vmir_jit_backend_name(i), "stencil") == 0;
  if (!built) {
    ck_assert(!vmir_jit_backend_available("stencil", &why));
    ck_assert_ptr_nonnull(why);
  }
  for (int mode = 0; mode < 2; mode++) {
    if (mode == 0) {
      jit_use("none", 0, 0, -1);
    } else {
      vmir_jit_test_force_unavailable("stencil", true);
      ck_assert(!vmir_jit_backend_available("stencil", &why));
      ck_assert_ptr_nonnull(why);
      jit_use("stencil", 0, 0, -1);
      ck_assert_str_eq(vmir_jit_selected_backend(NULL), "none");
    }
    for (size_t i = 0; i < n; i++) {
      jit_program p = jit_compile_encode(cases[i].shape, VMIR_FORMAT_JSON);
      jit_outcome a = jit_encode(&p, &cases[i], JIT_SINK_JSON, 0);
      jit_outcome b = jit_encode(&p, &cases[i], JIT_SINK_JSON, 0);
      jit_assert_same(&a, &b, cases[i].name);
      vmir_jit_stats s = exe_stats(p.exe);
      ck_assert_uint_eq(s.executions, 2);
      ck_assert_uint_eq(s.jit_executions, 0);
      ck_assert_uint_eq(s.compiles + s.compile_failures, 0);
      jit_outcome_free(&a);
      jit_outcome_free(&b);
      jit_program_free(&p);
    }
  }
}
END_TEST

/* An unknown backend name is a usage error; a known one that is not built
 * in is accepted and runs on the interpreter.
 * t[verify format.exec.jit-optional] */
START_TEST(configure_rejects_unknown_backend) {
  vmir_jit_config c = vmir_jit_config_default();
  c.backend = "no-such-backend";
  vmir_error err;
  ck_assert_int_eq(vmir_jit_configure(&c, &err), VMIR_E_USAGE);
  ck_assert_ptr_nonnull(strstr(err.message, "no-such-backend"));
  c.backend = "gccjit";
  ck_assert_int_eq(vmir_jit_configure(&c, &err), VMIR_OK);
  if (!vmir_jit_backend_available("gccjit", NULL))
    ck_assert_str_eq(vmir_jit_selected_backend(NULL), "none");
}
END_TEST

/* ---- code cache ----------------------------------------------------------------------- */

/* Same program (compiled twice, two executables): one compile, one hit.
 * Different capabilities or backend options: misses.
 * t[verify format.exec.code-cache-key]
 * t[verify format.exec.code-cache-in-process-v0] */
START_TEST(code_cache_keys) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("tree");
  jit_program a = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_program b = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  ck_assert_ptr_ne(a.prog, b.prog);
  jit_outcome want = jit_reference(&a, c, JIT_SINK_JSON, 0);
  jit_use("stencil", 0, 0, -1);
  vmir_jit_stats_reset();
  jit_outcome ra = jit_encode(&a, c, JIT_SINK_JSON, 0);
  jit_outcome rb = jit_encode(&b, c, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &ra, "first executable");
  jit_assert_same(&want, &rb, "second executable, cached code");
  vmir_jit_stats s;
  vmir_jit_stats_get(&s);
  ck_assert_uint_eq(s.compiles, 1);
  ck_assert_uint_eq(s.cache_misses, 1);
  ck_assert_uint_eq(s.cache_hits, 1);
  ck_assert_uint_eq(s.cache_entries, 1);

  /* Another sink kind: other assumed capabilities, another entry. */
  jit_program r = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_outcome rr = jit_encode(&r, c, JIT_SINK_RECORDER, 0);
  vmir_jit_stats_get(&s);
  ck_assert_uint_eq(s.cache_misses, 2);
  ck_assert_uint_eq(s.compiles, 2);
  /* Other backend options: another entry. */
  jit_use("stencil", 0, VMIR_JIT_FLAG_NO_ELIDE, -1);
  jit_outcome rc = jit_encode(&a, c, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &rc, "other options");
  vmir_jit_stats_get(&s);
  ck_assert_uint_eq(s.cache_misses, 3);
  ck_assert_uint_eq(s.compiles, 3);
  /* Back to the first options: the first entry is still cached. */
  jit_use("stencil", 0, 0, -1);
  jit_outcome rd = jit_encode(&b, c, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &rd, "first options again");
  vmir_jit_stats_get(&s);
  ck_assert_uint_eq(s.compiles, 3);
  ck_assert_uint_eq(s.cache_hits, 2);
  /* In-process only: clearing drops every entry no executable holds. */
  jit_use("none", 0, 0, -1);
  jit_outcome re = jit_encode(&a, c, JIT_SINK_JSON, 0);
  jit_outcome rf = jit_encode(&b, c, JIT_SINK_JSON, 0);
  jit_outcome rg = jit_encode(&r, c, JIT_SINK_JSON, 0);
  vmir_jit_cache_clear();
  vmir_jit_stats_get(&s);
  ck_assert_uint_eq(s.cache_entries, 0);
  jit_outcome *all[] = {&want, &ra, &rb, &rr, &rc, &rd, &re, &rf, &rg};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) jit_outcome_free(all[i]);
  jit_program_free(&a);
  jit_program_free(&b);
  jit_program_free(&r);
}
END_TEST

/* Threads sharing one executable while the configuration keeps changing
 * (each change drops the bound code, the next run rebinds or recompiles):
 * every run still gives the interpreter's output. Reference counts keep
 * code alive while any run is inside it. */
typedef struct worker {
  jit_program *p;
  const jit_case *c;
  const jit_outcome *want;
  int mismatches;
} worker;

static void *work(void *arg) {
  worker *w = arg;
  for (int i = 0; i < 300; i++) {
    jit_outcome got = jit_encode(w->p, w->c, JIT_SINK_JSON, 0);
    if (got.status != w->want->status || got.len != w->want->len ||
        memcmp(got.out, w->want->out, got.len) != 0)
      w->mismatches++;
    jit_outcome_free(&got);
  }
  return NULL;
}

/* t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.exec.code-cache-key] */
START_TEST(concurrent_runs_and_reconfiguration) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("all-kinds");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&p, c, JIT_SINK_JSON, 0);
  jit_use("stencil", 0, 0, -1);
  enum { THREADS = 4 };
  worker w[THREADS];
  pthread_t tid[THREADS];
  for (int i = 0; i < THREADS; i++) {
    w[i] = (worker){&p, c, &want, 0};
    ck_assert_int_eq(pthread_create(&tid[i], NULL, work, &w[i]), 0);
  }
  static const uint32_t flags[] = {0, VMIR_JIT_FLAG_NO_ELIDE, VMIR_JIT_FLAG_GENERIC_ONLY,
                                   VMIR_JIT_FLAG_NO_SINK_DIRECT};
  for (int k = 0; k < 40; k++) {
    jit_use(k % 5 == 4 ? "none" : "stencil", 0, flags[k % 4], -1);
    if (k % 7 == 6) vmir_jit_cache_clear();
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(tid[i], NULL);
    ck_assert_int_eq(w[i].mismatches, 0);
  }
  ck_assert_uint_eq(exe_stats(p.exe).executions, 1 + THREADS * 300);
  jit_outcome_free(&want);
  jit_program_free(&p);
}
END_TEST

/* ---- ABI and safety ---------------------------------------------------------------- */

/* The one entry function type, called directly: root pointer, read-only
 * shape context, sink, scratch, VM state. A wrong shape id in the context
 * deopts at the entry pc with nothing emitted.
 * t[verify format.exec.abi-root-ptr]
 * t[verify format.exec.abi-shape-context]
 * t[verify format.exec.abi-sink-context]
 * t[verify format.exec.abi-scratch-context]
 * t[verify format.exec.guard-shape-id] */
START_TEST(entry_abi) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("user");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  const vmir_backend *b = vmir_backend_find("stencil");
  ck_assert_ptr_nonnull(b);
  vmir_jit_request req = {.exe = p.exe,
                          .assume = {.root_shape_id = p.prog->shape_id, .program_abi = p.prog->abi},
                          .options = {.force_deopt_pc = -1, .unsupported_op = -1}};
  vmir_jit_code *code = NULL;
  char why[256];
  ck_assert_msg(b->compile(&req, &code, why, sizeof why) == VMIR_OK, "%s", why);
  for (int wrong = 0; wrong < 2; wrong++) {
    vmir_json_writer *w = vmir_json_writer_new(NULL);
    vmir_sink *sink = vmir_json_writer_sink(w);
    vmir_vm_state vm;
    vmir_vm_state_init(&vm, sink, NULL);
    uint32_t entry = p.exe->proc_entry[p.prog->entry_proc];
    vm.proc = p.prog->entry_proc;
    vm.pc = entry;
    vm.path[0] = (vmir_path_entry){.addr = c->value, .shape = c->shape, .segment = VMIR_SEG_ROOT};
    vm.path_depth = 1;
    vmir_shape_context ctx = {.root = c->shape, .root_shape_id = vmir_shape_id(c->shape) ^ (uint64_t)wrong,
                              .program_abi = p.prog->abi, .exe = p.exe};
    vmir_error err;
    vmir_error_clear(&err);
    vmir_scratch scratch = {.err = &err};
    vmir_status st = code->entry(c->value, &ctx, sink, &scratch, &vm);
    size_t len;
    const uint8_t *out = vmir_json_writer_data(w, &len);
    if (!wrong) {
      ck_assert_int_eq(st, VMIR_OK);
      ck_assert_uint_eq(len, strlen("{\"id\":42,\"name\":\"ada\"}"));
      ck_assert(memcmp(out, "{\"id\":42,\"name\":\"ada\"}", len) == 0);
    } else {
      ck_assert_int_eq(st, VMIR_JIT_DEOPT);
      ck_assert_uint_eq(scratch.deopt_reason, VMIR_DEOPT_GUARD);
      ck_assert_uint_eq(scratch.guard_failed, 1 + VMIR_JIT_GUARD_SHAPE_ID);
      ck_assert_uint_eq(vm.pc, entry);
      ck_assert_uint_eq(len, 0);
    }
    vmir_vm_state_release(&vm);
    vmir_json_writer_free(w);
  }
  b->release(code);
  jit_program_free(&p);
}
END_TEST

/* Generated code lives in pages that are never writable and executable at
 * once; after compiling, no mapping of the process is both, and the code
 * is in a read+execute mapping.
 * t[verify format.exec.unsafe-contained] */
START_TEST(code_pages_never_writable_and_executable) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("all-kinds");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  const vmir_backend *b = vmir_backend_find("stencil");
  vmir_jit_request req = {.exe = p.exe,
                          .assume = {.root_shape_id = p.prog->shape_id, .program_abi = p.prog->abi},
                          .options = {.force_deopt_pc = -1, .unsupported_op = -1}};
  vmir_jit_code *code = NULL;
  char why[256];
  ck_assert_msg(b->compile(&req, &code, why, sizeof why) == VMIR_OK, "%s", why);
  uintptr_t at = (uintptr_t)code->entry;
  FILE *maps = fopen("/proc/self/maps", "r");
  ck_assert_ptr_nonnull(maps);
  char line[512];
  bool found = false;
  while (fgets(line, sizeof line, maps)) {
    unsigned long lo, hi;
    char perms[8];
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3) continue;
    ck_assert_msg(!(perms[1] == 'w' && perms[2] == 'x'), "writable and executable: %s", line);
    /* With the memfd strategy no mapping of the code file is writable
     * (the suite runs again with VMIR_JIT_CODE_MEMORY=mprotect). */
    ck_assert_msg(!(strstr(line, "vmir-jit") && perms[1] == 'w'), "writable code file: %s", line);
    if (at >= lo && at < hi) {
      found = true;
      ck_assert_msg(perms[0] == 'r' && perms[1] == '-' && perms[2] == 'x', "code mapping %s", line);
    }
  }
  fclose(maps);
  ck_assert(found);
  b->release(code);
  jit_program_free(&p);
}
END_TEST

/* A sink that checks what it is handed: never an address inside the
 * user's value (scalars arrive as copies, names as views of constants or
 * of string bytes the value points to). */
typedef struct probe {
  vmir_sink sink;
  const uint8_t *lo, *hi;
  int leaks;
  int events;
} probe;

static bool inside(const probe *p, const void *x) {
  const uint8_t *b = x;
  return b >= p->lo && b < p->hi;
}
static vmir_status p_len(vmir_sink *s, uint64_t len) {
  (void)len;
  ((probe *)s)->events++;
  return VMIR_OK;
}
static vmir_status p_name(vmir_sink *s, vmir_str name) {
  probe *p = (probe *)s;
  p->events++;
  p->leaks += inside(p, name.ptr);
  return VMIR_OK;
}
static vmir_status p_scalar(vmir_sink *s, const vmir_scalar *v) {
  probe *p = (probe *)s;
  p->events++;
  p->leaks += inside(p, v);
  if (v->type == VMIR_SCALAR_STRING) p->leaks += inside(p, v->as.string.ptr);
  return VMIR_OK;
}
static vmir_status p_end(vmir_sink *s) {
  ((probe *)s)->events++;
  return VMIR_OK;
}
static const vmir_sink_ops probe_ops = {p_len, p_len, p_len, p_name, p_scalar, p_end};

/* t[verify format.exec.no-pointer-leak] */
START_TEST(no_pointer_reaches_the_sink) {
  NEED_STENCIL();
  const jit_case *cases;
  size_t n = jit_cases(&cases);
  for (size_t i = 0; i < n; i++) {
    jit_program p = jit_compile_encode(cases[i].shape, VMIR_FORMAT_JSON);
    for (int tier = 0; tier < 2; tier++) {
      jit_use(tier ? "stencil" : "none", 0, 0, -1);
      probe pr = {.sink = {.kind = VMIR_SINK_CUSTOM, .ops = &probe_ops}};
      pr.lo = cases[i].value;
      pr.hi = pr.lo + cases[i].shape->size;
      vmir_error err;
      vmir_encode(p.exe, cases[i].value, cases[i].shape, &pr.sink, cases[i].env, &err);
      ck_assert_msg(pr.leaks == 0, "%s: %d addresses inside the value reached the sink", cases[i].name,
                    pr.leaks);
    }
    ck_assert_uint_eq(exe_stats(p.exe).jit_executions, 1);
    jit_program_free(&p);
  }
}
END_TEST

/* ---- decode ------------------------------------------------------------------------------ */

/* Encoded documents of every case (by the interpreter), decoded by the
 * fused program under the interpreter and under generated code, whole and
 * truncated at every byte: the same values, or the same errors.
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.parse.hotpath-jit-eligibility] */
START_TEST(fused_decode_matches_interpreter) {
  NEED_STENCIL();
  const jit_case *cases;
  size_t n = jit_cases(&cases);
  size_t compiled = 0;
  for (size_t i = 0; i < n; i++) {
    for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
      jit_sink sink = f == VMIR_FORMAT_JSON ? JIT_SINK_JSON : JIT_SINK_MSGPACK;
      jit_program enc = jit_compile_encode(cases[i].shape, (vmir_format)f);
      jit_outcome doc = jit_reference(&enc, &cases[i], sink, 0);
      jit_program_free(&enc);
      vmir_compile_options opt = vmir_compile_options_default((vmir_format)f);
      opt.fused = true;
      vmir_error err;
      vmir_program *prog = vmir_compile_decode_fused(cases[i].shape, &opt, &err);
      if (!prog) {
        printf("fused decode of %s (%s) does not compile yet: %s\n", cases[i].name,
               vmir_format_name((vmir_format)f), err.message);
        jit_outcome_free(&doc);
        continue;
      }
      vmir_executable *exe = vmir_executable_new(prog, cases[i].shape, &err);
      ck_assert_msg(exe, "%s", err.message);
      compiled++;
      for (size_t cut = doc.len + 1; cut-- > 0;) {
        jit_use("none", 0, 0, -1);
        jit_outcome want = jit_decode_once(exe, cases[i].shape, doc.out, cut);
        jit_use("stencil", 0, 0, -1);
        jit_outcome got = jit_decode_once(exe, cases[i].shape, doc.out, cut);
        char what[160];
        snprintf(what, sizeof what, "decode %s (%s), %zu of %zu bytes", cases[i].name,
                 vmir_format_name((vmir_format)f), cut, doc.len);
        jit_assert_same(&want, &got, what);
        jit_outcome_free(&want);
        jit_outcome_free(&got);
        /* Whole and nearly whole documents suffice beyond the first few. */
        if (cut + 8 < doc.len && cut > 8) cut = 8;
      }
      ck_assert_uint_ge(exe_stats(exe).jit_executions, 1);
      vmir_executable_free(exe);
      vmir_program_free(prog);
      jit_outcome_free(&doc);
      vmir_jit_cache_clear();
    }
  }
  ck_assert_uint_gt(compiled, 0);
}
END_TEST

/* Decodes docs[0..n) (lens[d] bytes each) of `format` into `shape` under
 * the interpreter, then under stencil code (fused and unfused code
 * shapes) three times over in different orders, so that state kept across
 * runs (the switch-key guess) misses and hits in turn: the same values or
 * the same errors. */
static void same_decodes_of_format(const vmir_shape *shape, vmir_format format,
                                   const char *const *docs, const size_t *lens, size_t n) {
  static const uint32_t flag_sets[] = {0, VMIR_JIT_FLAG_NO_FUSE};
  vmir_program *prog;
  vmir_executable *exe = jit_fused_decoder(shape, format, &prog);
  jit_outcome *want = calloc(n, sizeof *want);
  ck_assert_ptr_nonnull(want);
  jit_use("none", 0, 0, -1);
  for (size_t d = 0; d < n; d++) want[d] = jit_decode_once(exe, shape, docs[d], lens[d]);
  for (size_t f = 0; f < sizeof flag_sets / sizeof flag_sets[0]; f++) {
    jit_use("stencil", 0, flag_sets[f], -1);
    for (int pass = 0; pass < 3; pass++) {
      for (size_t d = 0; d < n; d++) {
        size_t at = jit_turn_order(pass, d, n);
        jit_outcome got = jit_decode_once(exe, shape, docs[at], lens[at]);
        char what[200];
        snprintf(what, sizeof what, "decode %s document %zu, flags %u, pass %d",
                 vmir_format_name(format), at, flag_sets[f], pass);
        jit_assert_same(&want[at], &got, what);
        jit_outcome_free(&got);
      }
    }
    vmir_jit_cache_clear();
  }
  ck_assert_uint_ge(exe_stats(exe).jit_executions, 2 * 3 * n);
  for (size_t d = 0; d < n; d++) jit_outcome_free(&want[d]);
  free(want);
  vmir_executable_free(exe);
  vmir_program_free(prog);
}

/* The same for JSON texts. */
static void same_decodes_in_turn(const vmir_shape *shape, const char *const *docs, size_t n) {
  size_t *lens = calloc(n, sizeof *lens);
  ck_assert_ptr_nonnull(lens);
  for (size_t d = 0; d < n; d++) lens[d] = strlen(docs[d]);
  same_decodes_of_format(shape, VMIR_FORMAT_JSON, docs, lens, n);
  free(lens);
}

/* Members in any order, unknown and repeated ones, wrong token kinds, in
 * one sequence of runs of the same code: the switch-key guess (kept across
 * runs) misses and hits in turn, and the fused field stencils fail where
 * the interpreter does, with its errors. Fused and unfused code shapes.
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.exec.error-propagation] */
START_TEST(fused_decode_members_in_any_order) {
  NEED_STENCIL();
  const char *const *docs;
  size_t n = jit_member_order_docs(&docs);
  same_decodes_in_turn(jit_case_named("user")->shape, docs, n);
}
END_TEST

/* A MessagePack map from `spec`: members "KEY:VALUE" separated by
 * spaces, VALUE a string when it starts with '\'', else an integer; a KEY
 * starting with '8' is the rest in the str8 form (not the writers' fixstr),
 * with 'b' the rest as a bin. The bytes malloc'd, *len their size. */
static char *msgpack_members(const char *spec, size_t *len) {
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  size_t members = 0;
  for (const char *c = spec; *c; c++) members += *c == ':';
  msgpack_pack_map(&pk, members);
  for (const char *at = spec; *at;) {
    const char *colon = strchr(at, ':'), *end = strchr(at, ' ');
    if (!end) end = at + strlen(at);
    size_t key_len = (size_t)(colon - at);
    if (at[0] == '8') {
      const uint8_t head[2] = {0xd9, (uint8_t)(key_len - 1)};
      msgpack_sbuffer_write(&sb, (const char *)head, 2);
      msgpack_sbuffer_write(&sb, at + 1, key_len - 1);
    } else if (at[0] == 'b') {
      msgpack_pack_bin(&pk, key_len - 1);
      msgpack_pack_bin_body(&pk, at + 1, key_len - 1);
    } else {
      msgpack_pack_str(&pk, key_len);
      msgpack_pack_str_body(&pk, at, key_len);
    }
    if (colon[1] == '\'') {
      msgpack_pack_str(&pk, (size_t)(end - colon - 2));
      msgpack_pack_str_body(&pk, colon + 2, (size_t)(end - colon - 2));
    } else {
      msgpack_pack_int64(&pk, strtoll(colon + 1, NULL, 10));
    }
    at = *end ? end + 1 : end;
  }
  *len = sb.size;
  return sb.data;
}

/* The MessagePack pair of msgpack-read-key and switch-key compares the
 * guessed name in place (format/msgpack_lex.h, vmir_msgpack_read_key_if):
 * members in any order, unknown and repeated ones, names next to the
 * guessed one, the guessed name in the str8 form or as a bin, wrong value
 * types, and every truncation of a document: each is the interpreter's
 * value or error.
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.exec.error-propagation] */
START_TEST(fused_msgpack_members_in_any_order) {
  NEED_STENCIL();
  static const char *const specs[] = {
      "id:1 name:'a",         "name:'b id:2",          "name:'c",
      "id:3 x:1 name:'d",     "id:4 id:5 name:'e",     "name:'f name:'g id:6",
      "id:'7 name:8",         "id:9 8name:'h",         "id:10 bname:'i",
      "id:11 nam:'j",         "id:12 names:'k",        "id:-1 name:'l",
      "id:13 name:'m name:'n", "id:14 8id:15 name:'o", "id:16 name:'p"};
  enum { SPECS = sizeof specs / sizeof specs[0] };
  char *whole[SPECS];
  size_t whole_len[SPECS];
  for (size_t d = 0; d < SPECS; d++) whole[d] = msgpack_members(specs[d], &whole_len[d]);
  const vmir_shape *shape = jit_case_named("user")->shape;
  same_decodes_of_format(shape, VMIR_FORMAT_MSGPACK, (const char *const *)whole, whole_len, SPECS);
  /* Every truncation of the last document, after the others have moved
   * the guess along. */
  size_t cuts = whole_len[SPECS - 1];
  const char **cut_docs = calloc(cuts, sizeof *cut_docs);
  size_t *cut_lens = calloc(cuts, sizeof *cut_lens);
  ck_assert(cut_docs && cut_lens);
  for (size_t c = 0; c < cuts; c++) {
    cut_docs[c] = whole[SPECS - 1];
    cut_lens[c] = c;
  }
  same_decodes_of_format(shape, VMIR_FORMAT_MSGPACK, cut_docs, cut_lens, cuts);
  free(cut_docs);
  free(cut_lens);
  for (size_t d = 0; d < SPECS; d++) free(whole[d]);
}
END_TEST

/* Member names next to the guessed one, which generated code compares in
 * place in the input before it lexes a name (jit_cases.h,
 * jit_member_name_docs), and names whose JSON text is not their bytes,
 * never compared in place (jit_quoted_name_docs). Each is the
 * interpreter's value or error.
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.exec.error-propagation] */
START_TEST(fused_decode_names_read_in_place) {
  NEED_STENCIL();
  const char *const *docs;
  size_t n = jit_member_name_docs(&docs);
  same_decodes_in_turn(jit_case_named("user")->shape, docs, n);
  const char *text;
  n = jit_quoted_name_docs(&text, &docs);
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(text, strlen(text), "<quoted names>", &err);
  ck_assert_msg(set, "%s", err.message);
  same_decodes_in_turn(vmir_shape_set_root(set), docs, n);
  vmir_shape_set_free(set);
}
END_TEST

/* The documents of `set` (jit_cases.h): the first `values` of them
 * decode to values under the interpreter and the others fail; then each
 * is decoded in turn under the stencils with the same value or error. */
static void doc_set_in_turn(jit_doc_set *set, size_t values, const char *what) {
  const char *const *docs;
  size_t n;
  vmir_shape_set *shapes = jit_doc_set_open(set, what, &docs, &n);
  const vmir_shape *shape = vmir_shape_set_root(shapes);
  vmir_program *prog;
  vmir_executable *exe = jit_fused_json_decoder(shape, &prog);
  jit_use("none", 0, 0, -1);
  for (size_t d = 0; d < n; d++) {
    jit_outcome got = jit_decode_once(exe, shape, docs[d], strlen(docs[d]));
    ck_assert_msg((got.status == VMIR_OK) == (d < values), "%s document %zu: %s", what, d,
                  got.err.message);
    jit_outcome_free(&got);
  }
  vmir_executable_free(exe);
  vmir_program_free(prog);
  same_decodes_in_turn(shape, docs, n);
  vmir_shape_set_free(shapes);
}

/* Lists and fixed arrays built by the inline build-push-element of
 * generated code (exec/ops_build_inline.h; jit_cases.h, jit_list_docs):
 * element sizes inside and outside its range, storage growing, a fixed
 * array given too many and too few, bad elements after good ones, maps
 * and options, each decoded in turn under the interpreter and the
 * stencils with the same value or error.
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.exec.error-propagation] */
START_TEST(fused_decode_lists_built_in_place) {
  NEED_STENCIL();
  doc_set_in_turn(jit_list_docs, 4, "<lists>");
}
END_TEST

/* Structs built with field tracking, whose begin and end generated code
 * runs inline (exec/ops_build_inline.h; jit_cases.h, jit_struct_docs):
 * optional fields absent, a required one absent at either end of a
 * struct wider than the fast paths take, a tuple and an empty struct,
 * each decoded in turn under the interpreter and the stencils with the
 * same value or error.
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.exec.error-propagation] */
START_TEST(fused_decode_structs_tracked_in_place) {
  NEED_STENCIL();
  doc_set_in_turn(jit_struct_docs, 3, "<structs>");
}
END_TEST

/* A struct with a field of each common kind, for the fused field reads. */
static const char known_kinds_text[] =
    "(shapes (define k (struct (size 80) (align 8)"
    " (field a (offset 0) (shape string)) (field b (offset 16) (shape string))"
    " (field c (offset 32) (shape string)) (field n8 (offset 48) (shape u8))"
    " (field s8 (offset 49) (shape i8)) (field t (offset 50) (shape bool))"
    " (field u32 (offset 52) (shape u32)) (field u64 (offset 56) (shape u64))"
    " (field i32 (offset 64) (shape i32)) (field f (offset 72) (shape f64)))) (root k))";
typedef struct known_kinds {
  vmir_str a, b, c;
  uint8_t n8;
  int8_t s8;
  bool t;
  uint32_t u32;
  uint64_t u64;
  int32_t i32;
  double f;
} known_kinds;

/* Fields stored by the inline fast paths of generated code
 * (exec/ops_build_inline.h), the destination's kind known: every kind's
 * values at and past its range, wrong token kinds, escaped and plain and
 * empty strings side by side, each decoded in turn under the interpreter
 * and the stencils with the same value or error. An escaped string, which
 * the read unescapes into the arena and the store keeps without a second
 * copy, still owns its bytes: none points into the input, two never
 * share bytes, and all survive the input being overwritten.
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.parse.unsafe-contained] */
START_TEST(fused_field_stores_of_known_kinds) {
  NEED_STENCIL();
  static const char *const docs[] = {
      "{\"a\":\"x\\/y\",\"b\":\"\\u00e9t\\u00e9\",\"c\":\"\",\"n8\":255,\"s8\":-128,\"t\":true,"
      "\"u32\":4294967295,\"u64\":18446744073709551615,\"i32\":-2147483648,\"f\":1.5}",
      "{\"a\":\"plain\",\"b\":\"\\n\",\"c\":\"\\\"q\\\"\",\"n8\":0,\"s8\":127,\"t\":false,"
      "\"u32\":0,\"u64\":0,\"i32\":2147483647,\"f\":7}",
      "{\"a\":\"\",\"b\":\"\",\"c\":\"x\",\"n8\":1,\"s8\":0,\"t\":true,\"u32\":1,\"u64\":1,"
      "\"i32\":-1,\"f\":-0.0}",
      "{\"a\":\"x\",\"b\":\"y\",\"c\":\"z\",\"n8\":256,\"s8\":0,\"t\":true,\"u32\":1,\"u64\":1,\"i32\":1,\"f\":1}",
      "{\"a\":\"x\",\"b\":\"y\",\"c\":\"z\",\"n8\":1,\"s8\":-129,\"t\":true,\"u32\":1,\"u64\":1,\"i32\":1,\"f\":1}",
      "{\"a\":\"x\",\"b\":\"y\",\"c\":\"z\",\"n8\":1,\"s8\":0,\"t\":true,\"u32\":4294967296,\"u64\":1,\"i32\":1,\"f\":1}",
      "{\"a\":\"x\",\"b\":\"y\",\"c\":\"z\",\"n8\":1,\"s8\":0,\"t\":true,\"u32\":1,\"u64\":-1,\"i32\":1,\"f\":1}",
      "{\"a\":\"x\",\"b\":\"y\",\"c\":\"z\",\"n8\":1,\"s8\":0,\"t\":true,\"u32\":1,\"u64\":1.5,\"i32\":1,\"f\":1}",
      "{\"a\":\"x\",\"b\":\"y\",\"c\":\"z\",\"n8\":1,\"s8\":0,\"t\":true,\"u32\":1,\"u64\":1,\"i32\":2147483648,\"f\":1}",
      "{\"a\":\"x\",\"b\":\"y\",\"c\":\"z\",\"n8\":1,\"s8\":0,\"t\":1,\"u32\":1,\"u64\":1,\"i32\":1,\"f\":1}",
      "{\"a\":1,\"b\":\"y\",\"c\":\"z\",\"n8\":1,\"s8\":0,\"t\":true,\"u32\":1,\"u64\":1,\"i32\":1,\"f\":1}",
      "{\"a\":\"x\",\"b\":\"y\",\"c\":\"z\",\"n8\":1,\"s8\":0,\"t\":true,\"u32\":1,\"u64\":1,\"i32\":1,\"f\":\"1\"}",
      "{\"a\":\"x\",\"b\":\"y\",\"c\":\"z\",\"n8\":1,\"s8\":0,\"t\":true,\"u32\":1,\"u64\":1,\"i32\":1,\"f\":1e400}",
  };
  const size_t n = sizeof docs / sizeof docs[0];
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(known_kinds_text, strlen(known_kinds_text),
                                               "<known kinds>", &err);
  ck_assert_msg(set, "%s", err.message);
  const vmir_shape *shape = vmir_shape_set_root(set);
  same_decodes_in_turn(shape, docs, n);

  vmir_program *prog;
  vmir_executable *exe = jit_fused_json_decoder(shape, &prog);
  jit_use("stencil", 0, 0, -1);
  vmir_decoder *dec = vmir_decoder_new(NULL);
  const char *doc = docs[1];
  size_t len = strlen(doc);
  char *in = malloc(len);
  ck_assert_ptr_nonnull(in);
  for (int run = 0; run < 3; run++) {
    memcpy(in, doc, len);
    struct { vmir_str a, b, c; uint8_t rest[32]; } v;
    memset(&v, 0, sizeof v);
    ck_assert_int_eq(vmir_decode(exe, in, len, &v, shape, dec, NULL, &err), VMIR_OK);
    const vmir_str *strs[] = {&v.a, &v.b, &v.c};
    for (size_t i = 0; i < 3; i++) {
      ck_assert_msg(strs[i]->ptr + strs[i]->len <= in || strs[i]->ptr >= in + len,
                    "string %zu points into the input", i);
      for (size_t j = 0; j < i; j++)
        ck_assert_msg(strs[i]->ptr + strs[i]->len <= strs[j]->ptr ||
                          strs[j]->ptr + strs[j]->len <= strs[i]->ptr,
                      "strings %zu and %zu share bytes", j, i);
    }
    memset(in, '#', len);
    ck_assert_int_eq((int)v.a.len, 5);
    ck_assert_int_eq(memcmp(v.a.ptr, "plain", 5), 0);
    ck_assert_int_eq((int)v.b.len, 1);
    ck_assert_int_eq(v.b.ptr[0], '\n');
    ck_assert_int_eq((int)v.c.len, 3);
    ck_assert_int_eq(memcmp(v.c.ptr, "\"q\"", 3), 0);
  }
  ck_assert_uint_ge(exe_stats(exe).jit_executions, 3);
  free(in);
  vmir_decoder_free(dec);
  vmir_executable_free(exe);
  vmir_program_free(prog);
  vmir_shape_set_free(set);
}
END_TEST

static void pack_string(msgpack_packer *pk, const char *text) {
  size_t n = strlen(text);
  msgpack_pack_str(pk, n);
  msgpack_pack_str_body(pk, text, n);
}

/* A MessagePack document of known_kinds_text: variant 0 in range, 12 at
 * the other ends, each other one with one member out of range or of
 * another type. *len its size; the bytes malloc'd. */
static char *known_kinds_msgpack(int variant, size_t *len) {
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  msgpack_pack_map(&pk, 10);
  pack_string(&pk, "a");
  if (variant == 8) msgpack_pack_int64(&pk, 1);
  else pack_string(&pk, "x/y");
  pack_string(&pk, "b");
  pack_string(&pk, variant == 12 ? "" : "\xc3\xa9t\xc3\xa9");
  pack_string(&pk, "c");
  pack_string(&pk, variant == 12 ? "z" : "");
  pack_string(&pk, "n8");
  msgpack_pack_uint64(&pk, variant == 1 ? 256 : variant == 12 ? 0 : 255);
  pack_string(&pk, "s8");
  msgpack_pack_int64(&pk, variant == 2 ? -129 : variant == 12 ? 127 : -128);
  pack_string(&pk, "t");
  if (variant == 7) msgpack_pack_int64(&pk, 1);
  else if (variant == 12) msgpack_pack_false(&pk);
  else msgpack_pack_true(&pk);
  pack_string(&pk, "u32");
  msgpack_pack_uint64(&pk, variant == 3 ? UINT64_C(1) << 32 : variant == 12 ? 0 : UINT32_MAX);
  pack_string(&pk, "u64");
  if (variant == 4) msgpack_pack_int64(&pk, -1);
  else if (variant == 5) msgpack_pack_double(&pk, 1.5);
  else msgpack_pack_uint64(&pk, variant == 12 ? 0 : UINT64_MAX);
  pack_string(&pk, "i32");
  msgpack_pack_int64(&pk, variant == 6 ? (int64_t)INT32_MAX + 1 : variant == 12 ? INT32_MAX : INT32_MIN);
  pack_string(&pk, "f");
  if (variant == 9) pack_string(&pk, "1");
  else if (variant == 10) msgpack_pack_float(&pk, 1.5f);
  else if (variant == 11 || variant == 12) msgpack_pack_uint64(&pk, 7);
  else msgpack_pack_double(&pk, -0.25);
  *len = sb.size;
  return sb.data;
}

/* The fused MessagePack field reads (bool, number, string) with the store
 * of the known field's kind inline, as for JSON above: every kind in
 * range, out of range and of another type, the same values or the same
 * errors as the interpreter; and the values themselves.
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.parse.error-build-context] */
START_TEST(fused_msgpack_field_stores_of_known_kinds) {
  NEED_STENCIL();
  enum { VARIANTS = 13 };
  char *docs[VARIANTS];
  size_t lens[VARIANTS];
  for (int v = 0; v < VARIANTS; v++) docs[v] = known_kinds_msgpack(v, &lens[v]);
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(known_kinds_text, strlen(known_kinds_text),
                                               "<known kinds>", &err);
  ck_assert_msg(set, "%s", err.message);
  const vmir_shape *shape = vmir_shape_set_root(set);
  same_decodes_of_format(shape, VMIR_FORMAT_MSGPACK, (const char *const *)docs, lens, VARIANTS);

  vmir_program *prog;
  vmir_executable *exe = jit_fused_decoder(shape, VMIR_FORMAT_MSGPACK, &prog);
  jit_use("stencil", 0, 0, -1);
  vmir_decoder *dec = vmir_decoder_new(NULL);
  for (int run = 0; run < 3; run++) {
    known_kinds v;
    memset(&v, 0, sizeof v);
    ck_assert_int_eq(vmir_decode(exe, docs[0], lens[0], &v, shape, dec, NULL, &err), VMIR_OK);
    ck_assert(v.a.len == 3 && memcmp(v.a.ptr, "x/y", 3) == 0);
    ck_assert(v.b.len == 5 && memcmp(v.b.ptr, "\xc3\xa9t\xc3\xa9", 5) == 0);
    ck_assert_uint_eq(v.c.len, 0);
    ck_assert_uint_eq(v.n8, 255);
    ck_assert_int_eq(v.s8, -128);
    ck_assert(v.t);
    ck_assert_uint_eq(v.u32, UINT32_MAX);
    ck_assert(v.u64 == UINT64_MAX);
    ck_assert_int_eq(v.i32, INT32_MIN);
    ck_assert(v.f == -0.25);
    memset(&v, 0, sizeof v);
    ck_assert_int_eq(vmir_decode(exe, docs[10], lens[10], &v, shape, dec, NULL, &err), VMIR_OK);
    ck_assert(v.f == 1.5);
    ck_assert_int_ne(vmir_decode(exe, docs[1], lens[1], &v, shape, dec, NULL, &err), VMIR_OK);
    ck_assert_msg(strstr(err.path, "n8") != NULL, "error path %s", err.path);
  }
  ck_assert_uint_ge(exe_stats(exe).jit_executions, 9);
  vmir_decoder_free(dec);
  vmir_executable_free(exe);
  vmir_program_free(prog);
  vmir_shape_set_free(set);
  for (int v = 0; v < VARIANTS; v++) free(docs[v]);
}
END_TEST

/* Forced deopts at every pc of fused decode programs.
 * t[verify format.exec.deopt-resume-point]
 * t[verify format.exec.deopt-state-transfer]
 * t[verify format.parse.hotpath-jit-eligibility] */
/* The document depth limit met at fields of known structs (exec/ops.h,
 * "known structs": the entry's level is worked out from the known struct)
 * stops generated code exactly where it stops the interpreter: 512 nested
 * objects decode, 513 fail with the same error, place and path.
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.parse.error-build-context] */
START_TEST(fused_decode_depth_limit_at_known_fields) {
  NEED_STENCIL();
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(jit_chain_shape, strlen(jit_chain_shape), "<chain>", &err);
  ck_assert_msg(set, "%s", err.message);
  char *docs[3] = {jit_chain_doc(511), jit_chain_doc(512), jit_chain_doc(513)};
  same_decodes_in_turn(vmir_shape_set_root(set), (const char *const *)docs, 3);
  for (int i = 0; i < 3; i++) free(docs[i]);
  vmir_shape_set_free(set);
}
END_TEST

START_TEST(fused_decode_forced_deopt) {
  NEED_STENCIL();
  static const char *names[] = {"user", "tree", "adjacent-rect", "all-kinds"};
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    const jit_case *c = jit_case_named(names[k]);
    jit_program enc = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
    jit_outcome doc = jit_reference(&enc, c, JIT_SINK_JSON, 0);
    jit_program_free(&enc);
    vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
    opt.fused = true;
    vmir_error err;
    vmir_program *prog = vmir_compile_decode_fused(c->shape, &opt, &err);
    if (!prog) {
      printf("fused decode of %s does not compile yet: %s\n", c->name, err.message);
      jit_outcome_free(&doc);
      continue;
    }
    vmir_executable *exe = vmir_executable_new(prog, c->shape, &err);
    ck_assert_msg(exe, "%s", err.message);
    jit_use("none", 0, 0, -1);
    jit_outcome want = jit_decode_once(exe, c->shape, doc.out, doc.len);
    for (uint32_t pc = 0; pc < prog->insn_count; pc++) {
      jit_use("stencil", 0, 0, pc);
      jit_outcome got = jit_decode_once(exe, c->shape, doc.out, doc.len);
      char what[128];
      snprintf(what, sizeof what, "decode %s, deopt forced at pc %u", c->name, pc);
      jit_assert_same(&want, &got, what);
      jit_outcome_free(&got);
      vmir_jit_cache_clear();
    }
    ck_assert_uint_ge(exe_stats(exe).deopts_forced, 1);
    jit_outcome_free(&want);
    jit_outcome_free(&doc);
    vmir_executable_free(exe);
    vmir_program_free(prog);
  }
}
END_TEST

/* ---- statistics ------------------------------------------------------------------------ */

/* The stats dump names the counters and the program points of deopts. */
START_TEST(stats_text) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("user");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  uint32_t entry = p.exe->proc_entry[p.prog->entry_proc];
  jit_use("stencil", 0, 0, entry + 1);
  jit_outcome o = jit_encode(&p, c, JIT_SINK_JSON, 0);
  ck_assert_int_eq(o.status, VMIR_OK);
  char *text = vmir_jit_stats_text(p.exe, NULL);
  ck_assert_ptr_nonnull(text);
  ck_assert_ptr_nonnull(strstr(text, "backend          stencil, threshold 0"));
  ck_assert_ptr_nonnull(strstr(text, "executions       1 (1 in generated code)"));
  ck_assert_ptr_nonnull(strstr(text, "deopts           1 (forced 1"));
  char pc_text[64];
  snprintf(pc_text, sizeof pc_text, "(pc %u) x1", entry + 1);
  ck_assert_msg(strstr(text, pc_text), "%s", text);
  free(text);
  text = vmir_jit_stats_text(NULL, NULL);
  ck_assert_ptr_nonnull(strstr(text, "vmir jit statistics (process)"));
  ck_assert_ptr_nonnull(strstr(text, "entries 1"));
  free(text);
  jit_outcome_free(&o);
  jit_program_free(&p);
}
END_TEST

/* ---- mutation evidence (docs/mutation.md) ------------------------------------------- */

/* The reference the JIT is compared with is itself right: the interpreter
 * writes the tree case as its value says (every list as long as it is,
 * every absent option as null), and so does generated code.
 * t[verify format.exec.interpreter-is-reference] */
START_TEST(the_reference_output_is_the_value) {
  const jit_case *c = jit_case_named("tree");
  static const char want[] =
      "{\"value\":1,\"next\":{\"value\":2,\"next\":null,\"children\":[]},\"children\":["
      "{\"value\":4,\"next\":null,\"children\":[]},"
      "{\"value\":5,\"next\":{\"value\":3,\"next\":null,\"children\":[]},\"children\":[]}]}";
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_outcome ref = jit_reference(&p, c, JIT_SINK_JSON, 0);
  ck_assert_int_eq(ref.status, VMIR_OK);
  ck_assert_uint_eq(ref.len, strlen(want));
  ck_assert_msg(memcmp(ref.out, want, ref.len) == 0, "%.*s", (int)ref.len, (const char *)ref.out);
  if (jit_have_stencil()) {
    jit_use("stencil", 0, 0, -1);
    jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
    jit_assert_same(&ref, &got, "tree in generated code");
    jit_outcome_free(&got);
  }
  jit_outcome_free(&ref);
  jit_program_free(&p);
}
END_TEST

/* A build action that fails in generated code (a repeated key under the
 * default policy) fails the decode there, as in the interpreter: same
 * status, message and offset.
 * t[verify format.parse.hotpath-jit-eligibility] */
START_TEST(build_failures_in_generated_decode_code) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("user");
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_error err;
  vmir_program *prog = vmir_compile_decode_fused(c->shape, &opt, &err);
  ck_assert_msg(prog, "%s", err.message);
  vmir_executable *exe = vmir_executable_new(prog, c->shape, &err);
  ck_assert_msg(exe, "%s", err.message);
  static const char doc[] = "{\"id\":1,\"name\":\"a\",\"id\":2}";
  jit_use("none", 0, 0, -1);
  jit_outcome want = jit_decode_once(exe, c->shape, doc, strlen(doc));
  ck_assert_int_eq(want.status, VMIR_E_BUILD);
  jit_use("stencil", 0, 0, -1);
  jit_outcome got = jit_decode_once(exe, c->shape, doc, strlen(doc));
  jit_assert_same(&want, &got, "repeated key in generated code");
  ck_assert_uint_eq(got.err.offset, want.err.offset);
  ck_assert_uint_ge(exe_stats(exe).jit_executions, 1);
  jit_outcome_free(&want);
  jit_outcome_free(&got);
  vmir_executable_free(exe);
  vmir_program_free(prog);
}
END_TEST

/* Generated code tells the runtime why it deopted through the scratch
 * context: a forced deopt is counted as forced, a failed sink guard as
 * that guard (and invalidates the code).
 * t[verify format.exec.abi-scratch-context] */
START_TEST(deopt_reason_reaches_the_runtime) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("tree");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&p, c, JIT_SINK_JSON, 0);
  jit_use("stencil", 0, 0, 1);
  jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &got, "forced deopt at pc 1");
  vmir_jit_stats s = exe_stats(p.exe);
  ck_assert_uint_eq(s.deopts, 1);
  ck_assert_uint_eq(s.deopts_forced, 1);
  jit_outcome_free(&got);
  jit_use("stencil", 0, 0, -1);
  jit_outcome first = jit_encode(&p, c, JIT_SINK_JSON, 0);
  vmir_jit_test_perturb_guards(1u << VMIR_JIT_GUARD_SINK);
  got = jit_encode(&p, c, JIT_SINK_JSON, 0);
  vmir_jit_test_perturb_guards(0);
  jit_assert_same(&want, &got, "sink guard failed");
  s = exe_stats(p.exe);
  ck_assert_uint_eq(s.guard_failures[VMIR_JIT_GUARD_SINK], 1);
  ck_assert_uint_eq(s.cache_invalidations, 1);
  jit_outcome_free(&first);
  jit_outcome_free(&got);
  jit_outcome_free(&want);
  jit_program_free(&p);
}
END_TEST

/* The shape context presents what the run provides: code compiled for a
 * JSON sink (called directly) and run again and again with such a sink
 * passes its entry guards every time (no deopt, no guard failure).
 * t[verify format.exec.abi-shape-context] */
START_TEST(shape_context_presents_the_run_capabilities) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("policies");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&p, c, JIT_SINK_JSON, 0);
  jit_use("stencil", 0, 0, -1);
  for (int run = 0; run < 3; run++) {
    jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
    jit_assert_same(&want, &got, "run with a JSON sink and the host hook");
    jit_outcome_free(&got);
  }
  vmir_jit_stats s = exe_stats(p.exe);
  ck_assert_uint_eq(s.jit_executions, 3);
  ck_assert_uint_eq(s.deopts, 0);
  for (int g = 0; g < VMIR_JIT_GUARD_COUNT; g++) ck_assert_uint_eq(s.guard_failures[g], 0);
  ck_assert_uint_eq(s.compiles, 1);
  jit_outcome_free(&want);
  jit_program_free(&p);
}
END_TEST

/* The cache compares a key's whole identity, not only its hash: a key whose
 * hash equals a cached entry's but whose program bytes differ (forced here;
 * 64-bit FNV-1a collisions between program encodings are rare, not
 * impossible) misses.
 * t[verify format.exec.code-cache-key] */
/* Field ops compiled for a known struct use what they resolved from it
 * only while the run's own inferred shape is the current one (exec/ops.h,
 * "known structs"). Every struct case three ways: its own root; a copy of
 * the root (same id, another object: nothing known for the run, so the
 * general kernels); and a second executable compiled from the copy, which
 * mostly takes the first one's code from the cache and finds its own
 * shapes.
 * All three give the interpreter's bytes without deoptimising.
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.exec.bounded-memory-access] */
START_TEST(known_structs_follow_the_run_root) {
  NEED_STENCIL();
  const jit_case *cases;
  size_t n = jit_cases(&cases);
  size_t structs = 0;
  for (size_t i = 0; i < n; i++) {
    const jit_case *c = &cases[i];
    if (c->shape->kind != VMIR_KIND_STRUCT) continue;
    structs++;
    vmir_shape copy = *c->shape;
    jit_case on_copy = *c;
    on_copy.shape = &copy;
    jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
    jit_program q = jit_compile_encode(&copy, VMIR_FORMAT_JSON);
    jit_outcome want = jit_reference(&p, c, JIT_SINK_RECORDER, 0);
    jit_use("stencil", 0, 0, -1);
    vmir_jit_stats_reset();
    jit_outcome own = jit_encode(&p, c, JIT_SINK_RECORDER, 0);
    jit_outcome other_root = jit_encode(&p, &on_copy, JIT_SINK_RECORDER, 0);
    jit_outcome shared = jit_encode(&q, &on_copy, JIT_SINK_RECORDER, 0);
    char what[160];
    snprintf(what, sizeof what, "%s, its own root", c->name);
    jit_assert_same(&want, &own, what);
    snprintf(what, sizeof what, "%s, a copy of the root", c->name);
    jit_assert_same(&want, &other_root, what);
    snprintf(what, sizeof what, "%s, a second executable sharing the code", c->name);
    jit_assert_same(&want, &shared, what);
    /* (A recursive root copied compiles to another program: then the
     * second executable has code of its own.) */
    ck_assert_uint_eq(exe_stats(p.exe).jit_executions, 2);
    ck_assert_uint_eq(exe_stats(q.exe).jit_executions, 1);
    vmir_jit_stats s;
    vmir_jit_stats_get(&s);
    ck_assert_uint_eq(s.compiles + s.cache_hits, 2);
    if (want.status == VMIR_OK)
      ck_assert_msg(s.deopts == 0, "%s: %llu deopts", c->name, (unsigned long long)s.deopts);
    jit_outcome *all[] = {&want, &own, &other_root, &shared};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) jit_outcome_free(all[k]);
    jit_program_free(&p);
    jit_program_free(&q);
    jit_reset();
  }
  ck_assert_uint_gt(structs, 3);
}
END_TEST

START_TEST(code_cache_compares_identity_not_only_hash) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("user");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  const vmir_backend *b = vmir_backend_find("stencil");
  vmir_jit_request req = {.exe = p.exe,
                          .assume = {.root_shape_id = p.prog->shape_id, .program_abi = p.prog->abi},
                          .options = {.force_deopt_pc = -1, .unsupported_op = -1}};
  vmir_jit_code *code = NULL;
  char why[256];
  ck_assert_msg(b->compile(&req, &code, why, sizeof why) == VMIR_OK, "%s", why);
  static const uint8_t id_a[] = "program a", id_b[] = "program b";
  vmir_cache_key ka = {.identity = id_a, .identity_len = sizeof id_a, .executor_abi = VMIR_ABI_VERSION,
                       .assume = req.assume, .backend = b, .options = req.options};
  vmir_cache_key_hash(&ka);
  vmir_cache_entry *e = vmir_cache_insert(&ka, code);
  ck_assert_ptr_nonnull(e);
  vmir_cache_key kb = ka;
  kb.identity = id_b;
  ck_assert_ptr_null(vmir_cache_lookup(&kb));
  vmir_cache_entry *again = vmir_cache_lookup(&ka);
  ck_assert_ptr_eq(again, e);
  vmir_cache_release(again);
  ck_assert(vmir_cache_invalidate(e));
  vmir_cache_release(e);
  jit_program_free(&p);
}
END_TEST

/* A continuation to an instruction the program does not have (here: a
 * return address planted in the VM state the code is entered with) is the
 * interpreter's execution error naming that pc, never a jump.
 * t[verify format.exec.error-context] */
START_TEST(continuation_out_of_the_program_is_an_execution_error) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("user");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  const vmir_backend *b = vmir_backend_find("stencil");
  vmir_jit_request req = {.exe = p.exe,
                          .assume = {.root_shape_id = p.prog->shape_id, .program_abi = p.prog->abi},
                          .options = {.force_deopt_pc = -1, .unsupported_op = -1}};
  vmir_jit_code *code = NULL;
  char why[256];
  ck_assert_msg(b->compile(&req, &code, why, sizeof why) == VMIR_OK, "%s", why);
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  vmir_sink *sink = vmir_json_writer_sink(w);
  vmir_vm_state vm;
  vmir_vm_state_init(&vm, sink, NULL);
  vm.proc = p.prog->entry_proc;
  vm.pc = p.exe->proc_entry[p.prog->entry_proc];
  vm.path[0] = (vmir_path_entry){.addr = c->value, .shape = c->shape, .segment = VMIR_SEG_ROOT};
  vm.path_depth = 1;
  ck_assert_uint_ge(vm.frame_cap, 1);
  vm.frames[vm.frame_depth++] = (vmir_frame){.return_pc = 99999, .path_depth = 1, .loop_depth = 0,
                                             .proc = vm.proc};
  vmir_shape_context ctx = {.root = c->shape, .root_shape_id = vmir_shape_id(c->shape),
                            .program_abi = p.prog->abi, .exe = p.exe};
  vmir_error err;
  vmir_error_clear(&err);
  vmir_scratch scratch = {.err = &err};
  vmir_status st = code->entry(c->value, &ctx, sink, &scratch, &vm);
  ck_assert_int_eq(st, VMIR_E_EXEC);
  ck_assert_int_eq(err.code, VMIR_E_EXEC);
  ck_assert_msg(strstr(err.message, "continuation to instruction 99999"), "%s", err.message);
  vmir_vm_state_release(&vm);
  vmir_json_writer_free(w);
  b->release(code);
  jit_program_free(&p);
}
END_TEST

/* The fallback code memory seals code read+execute as well. The strategy
 * is chosen once per process, at the first compile, so this test (in its
 * own forked process, like every test here) asks for the fallback before
 * compiling; the jit_mprotect run of the whole suite covers the rest.
 * t[verify format.exec.unsafe-contained] */
START_TEST(mprotect_code_memory_is_sealed) {
  NEED_STENCIL();
  setenv("VMIR_JIT_CODE_MEMORY", "mprotect", 1);
  const jit_case *c = jit_case_named("all-kinds");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  const vmir_backend *b = vmir_backend_find("stencil");
  vmir_jit_request req = {.exe = p.exe,
                          .assume = {.root_shape_id = p.prog->shape_id, .program_abi = p.prog->abi},
                          .options = {.force_deopt_pc = -1, .unsupported_op = -1}};
  vmir_jit_code *code = NULL;
  char why[256];
  ck_assert_msg(b->compile(&req, &code, why, sizeof why) == VMIR_OK, "%s", why);
  uintptr_t at = (uintptr_t)code->entry;
  FILE *maps = fopen("/proc/self/maps", "r");
  ck_assert_ptr_nonnull(maps);
  char line[512];
  bool found = false;
  while (fgets(line, sizeof line, maps)) {
    unsigned long lo, hi;
    char perms[8];
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3) continue;
    ck_assert_msg(!(perms[1] == 'w' && perms[2] == 'x'), "writable and executable: %s", line);
    ck_assert_msg(!strstr(line, "vmir-jit"), "a code file although mprotect was asked for: %s", line);
    if (at >= lo && at < hi) {
      found = true;
      ck_assert_msg(perms[0] == 'r' && perms[1] == '-' && perms[2] == 'x', "code mapping %s", line);
    }
  }
  fclose(maps);
  ck_assert(found);
  b->release(code);
  jit_program_free(&p);
}
END_TEST

/* What a host predicate sees of a scalar field, in both tiers: its kind and
 * value, and nothing else (no length, no presence, so no room for an
 * address). */
typedef struct seen_view {
  int calls;
  int strays;
  const uint8_t *lo, *hi;
} seen_view;

static vmir_status record_view(void *ctx, uint32_t host_id, const vmir_value_view *v, bool *skip) {
  seen_view *seen = ctx;
  (void)host_id;
  seen->calls++;
  uintptr_t len = (uintptr_t)v->length;
  if (v->kind != VMIR_KIND_U32 || v->scalar.type != VMIR_SCALAR_UINT || v->scalar.as.u64 != 9 ||
      v->length != 0 || v->present || ((const uint8_t *)len >= seen->lo && (const uint8_t *)len < seen->hi))
    seen->strays++;
  *skip = false;
  return VMIR_OK;
}

/* t[verify format.exec.no-pointer-leak] */
START_TEST(host_predicate_sees_a_copy_only) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("policies");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  for (int tier = 0; tier < 2; tier++) {
    seen_view seen = {.lo = c->value, .hi = (const uint8_t *)c->value + c->shape->size};
    vmir_exec_env env = {.host_predicate = record_view, .host_ctx = &seen};
    jit_case with = *c;
    with.env = &env;
    jit_use(tier ? "stencil" : "none", 0, 0, -1);
    jit_outcome o = jit_encode(&p, &with, JIT_SINK_JSON, 0);
    ck_assert_int_eq(o.status, VMIR_OK);
    ck_assert_int_eq(seen.calls, 1);
    ck_assert_msg(seen.strays == 0, "tier %d: the host predicate saw more than the value", tier);
    jit_outcome_free(&o);
  }
  ck_assert_uint_ge(exe_stats(p.exe).jit_executions, 1);
  jit_program_free(&p);
}
END_TEST

/* A non-null pointer field that is NULL at run time: generated code never
 * enters it; it hands the instruction to the interpreter, which reports
 * the execution error.
 * t[verify format.exec.bounded-memory-access] */
START_TEST(generated_code_never_enters_a_null_pointer) {
  NEED_STENCIL();
  jit_case c = *jit_case_named("all-kinds");
  all_kinds v = *(const all_kinds *)c.value;
  v.pointer = NULL;
  c.value = &v;
  jit_program p = jit_compile_encode(c.shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&p, &c, JIT_SINK_JSON, 0);
  ck_assert_int_eq(want.status, VMIR_E_EXEC);
  ck_assert_msg(strstr(want.err.message, "NULL pointer"), "%s", want.err.message);
  jit_use("stencil", 0, 0, -1);
  jit_outcome got = jit_encode(&p, &c, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &got, "NULL non-null pointer");
  ck_assert_uint_ge(exe_stats(p.exe).jit_executions, 1);
  jit_outcome_free(&want);
  jit_outcome_free(&got);
  jit_program_free(&p);
}
END_TEST

/* A program (hand-written, verified) that steps its loop past the end and
 * then enters the element: never an element one past the end, in either
 * tier; the interpreter's error is the answer.
 * t[verify format.exec.bounded-memory-access] */
START_TEST(element_past_the_end_is_never_entered) {
  const jit_case *c = jit_case_named("tree");
  char text[1024];
  snprintf(text, sizeof text,
           "(vmir (abi %u) (kind encode) (shape-id %llu)"
           " (consts (strings ()) (predicates ())) (code (procs ((f0 (entry b0) (blocks ((b0"
           " (enter-field (index 2)) (emit-begin-seq) (loop-begin) (loop-step) (loop-step)"
           " (enter-element) (enter-field (index 0)) (emit-scalar) (leave) (leave)"
           " (loop-exit) (emit-end) (leave) (ret)))))))"
           " (entry-proc f0)))",
           (unsigned)VMIR_ABI_VERSION, (unsigned long long)vmir_shape_id(c->shape));
  vmir_error err;
  jit_program p = {0};
  p.prog = vmir_program_parse_text(text, strlen(text), "past-the-end", &err);
  ck_assert_msg(p.prog, "%s", err.message);
  p.exe = vmir_executable_new(p.prog, c->shape, &err);
  ck_assert_msg(p.exe, "%s", err.message);
  jit_outcome want = jit_reference(&p, c, JIT_SINK_JSON, 0);
  ck_assert_int_eq(want.status, VMIR_E_EXEC);
  ck_assert_msg(strstr(want.err.message, "element 2 out of range"), "%s", want.err.message);
  if (jit_have_stencil()) {
    jit_use("stencil", 0, 0, -1);
    jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
    jit_assert_same(&want, &got, "element past the end");
    jit_outcome_free(&got);
  }
  jit_outcome_free(&want);
  jit_program_free(&p);
}
END_TEST

/* The sink guard compares every callback, not only some: a table rewritten
 * at the same address with one other scalar callback (begin and end
 * unchanged) fails the guard, and the run writes through the new callback.
 * t[verify format.exec.guard-runtime-capabilities] */
START_TEST(sink_guard_compares_every_callback) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("user");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_use("stencil", 0, 0, -1);
  rewritten_ops = (vmir_sink_ops){a_len, a_len, a_len, a_name, a_scalar, a_end};
  letters first = run_letters(&p, c);
  ck_assert_str_eq(first.out, "Aa1a1.");
  rewritten_ops.scalar = b_scalar;
  letters second = run_letters(&p, c);
  ck_assert_str_eq(second.out, "Aa2a2.");
  rewritten_ops.field_name = b_name;
  letters third = run_letters(&p, c);
  ck_assert_str_eq(third.out, "Ab2b2.");
  vmir_jit_stats s = exe_stats(p.exe);
  ck_assert_uint_ge(s.guard_failures[VMIR_JIT_GUARD_SINK], 1);
  jit_program_free(&p);
}
END_TEST

/* Code assumes the host predicate hook only for a program that has a host
 * predicate: a program without one, run first with a hook installed and
 * then without, keeps its code (no guard failure, no invalidation).
 * t[verify format.exec.guard-runtime-capabilities] */
START_TEST(host_hook_assumed_only_when_used) {
  NEED_STENCIL();
  jit_case with = *jit_case_named("user");
  with.env = jit_case_named("policies")->env;
  ck_assert_ptr_nonnull(with.env);
  jit_case without = with;
  without.env = NULL;
  jit_program p = jit_compile_encode(with.shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&p, &without, JIT_SINK_JSON, 0);
  jit_use("stencil", 0, 0, -1);
  jit_outcome a = jit_encode(&p, &with, JIT_SINK_JSON, 0);
  jit_outcome b = jit_encode(&p, &without, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &a, "with a hook");
  jit_assert_same(&want, &b, "without a hook");
  vmir_jit_stats s = exe_stats(p.exe);
  ck_assert_uint_eq(s.guard_failures[VMIR_JIT_GUARD_HOST_PREDICATE], 0);
  ck_assert_uint_eq(s.cache_invalidations, 0);
  ck_assert_uint_eq(s.compiles, 1);
  ck_assert_uint_eq(s.jit_executions, 2);
  jit_outcome_free(&want);
  jit_outcome_free(&a);
  jit_outcome_free(&b);
  jit_program_free(&p);
}
END_TEST

/* The forced-deopt pc is a backend option the code is compiled with, so it
 * is part of the cache key: code that deopts at one pc never serves a run
 * that forces another pc, or none.
 * t[verify format.exec.code-cache-key] */
START_TEST(code_cache_key_holds_forced_deopt_pc) {
  NEED_STENCIL();
  const jit_case *c = jit_case_named("tree");
  jit_program a = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&a, c, JIT_SINK_JSON, 0);
  const int64_t pcs[] = {1, 2, -1};
  jit_outcome got[3];
  vmir_jit_stats_reset();
  for (int i = 0; i < 3; i++) {
    jit_use("stencil", 0, 0, pcs[i]);
    got[i] = jit_encode(&a, c, JIT_SINK_JSON, 0);
    jit_assert_same(&want, &got[i], "forced deopt pc");
  }
  vmir_jit_stats s;
  vmir_jit_stats_get(&s);
  ck_assert_uint_eq(s.cache_hits, 0);
  ck_assert_uint_eq(s.cache_misses, 3);
  ck_assert_uint_eq(s.compiles, 3);
  /* The same pc again is a hit. */
  jit_use("stencil", 0, 0, 2);
  jit_outcome again = jit_encode(&a, c, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &again, "forced deopt pc 2 again");
  vmir_jit_stats_get(&s);
  ck_assert_uint_eq(s.cache_hits, 1);
  ck_assert_uint_eq(s.compiles, 3);
  for (int i = 0; i < 3; i++) jit_outcome_free(&got[i]);
  jit_outcome_free(&again);
  jit_outcome_free(&want);
  jit_program_free(&a);
}
END_TEST

/* The capabilities a run offers are part of the cache key: code compiled
 * assuming the host predicate hook never serves another executable of the
 * same program run without the hook (it would fail its entry guard on
 * every run); that run misses and compiles code of its own.
 * t[verify format.exec.code-cache-key] */
START_TEST(code_cache_key_holds_capabilities) {
  NEED_STENCIL();
  const jit_case *with = jit_case_named("policies");
  jit_case without = *with;
  without.env = NULL;
  jit_program a = jit_compile_encode(with->shape, VMIR_FORMAT_JSON);
  jit_program b = jit_compile_encode(with->shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&b, &without, JIT_SINK_JSON, 0);
  jit_use("stencil", 0, 0, -1);
  vmir_jit_stats_reset();
  jit_outcome ra = jit_encode(&a, with, JIT_SINK_JSON, 0);
  ck_assert_int_eq(ra.status, VMIR_OK);
  jit_outcome rb = jit_encode(&b, &without, JIT_SINK_JSON, 0);
  jit_assert_same(&want, &rb, "no host hook, other executable");
  vmir_jit_stats s;
  vmir_jit_stats_get(&s);
  ck_assert_uint_eq(s.cache_hits, 0);
  ck_assert_uint_eq(s.cache_misses, 2);
  ck_assert_uint_eq(exe_stats(b.exe).guard_failures[VMIR_JIT_GUARD_HOST_PREDICATE], 0);
  jit_outcome_free(&want);
  jit_outcome_free(&ra);
  jit_outcome_free(&rb);
  jit_program_free(&a);
  jit_program_free(&b);
}
END_TEST

static Suite *jit_suite(void) {
  Suite *s = suite_create("jit");
  TCase *eq = tcase_create("equivalence");
  tcase_add_checked_fixture(eq, setup, teardown);
  tcase_set_timeout(eq, 600);
  tcase_add_test(eq, jit_matches_interpreter);
  tcase_add_test(eq, jit_options_match_interpreter);
  tcase_add_test(eq, sink_failure_at_every_event);
  tcase_add_test(eq, forced_deopt_at_every_pc);
  tcase_add_test(eq, unsupported_op_deopts);
  tcase_add_test(eq, invalid_values_are_checked);
  suite_add_tcase(s, eq);
  TCase *guards = tcase_create("guards");
  tcase_add_checked_fixture(guards, setup, teardown);
  tcase_add_test(guards, guard_shape_id);
  tcase_add_test(guards, guard_program_abi);
  tcase_add_test(guards, guard_capabilities_perturbed);
  tcase_add_test(guards, guard_capabilities_real);
  tcase_add_test(guards, guard_sink_callbacks_not_table_address);
  suite_add_tcase(s, guards);
  TCase *tier = tcase_create("tiering");
  tcase_add_checked_fixture(tier, setup, teardown);
  tcase_add_test(tier, promotion_thresholds);
  tcase_add_test(tier, compile_failure_falls_back);
  tcase_add_test(tier, interpreter_only);
  tcase_add_test(tier, configure_rejects_unknown_backend);
  tcase_add_test(tier, code_cache_keys);
  tcase_add_test(tier, stats_text);
  tcase_add_test(tier, concurrent_runs_and_reconfiguration);
  suite_add_tcase(s, tier);
  suite_add_tcase(s, jit_compiling_tcase());

  TCase *safety = tcase_create("safety");
  tcase_add_checked_fixture(safety, setup, teardown);
  tcase_add_test(safety, entry_abi);
  tcase_add_test(safety, code_pages_never_writable_and_executable);
  tcase_add_test(safety, no_pointer_reaches_the_sink);
  suite_add_tcase(s, safety);
  TCase *dec = tcase_create("decode");
  tcase_add_checked_fixture(dec, setup, teardown);
  tcase_set_timeout(dec, 600);
  tcase_add_test(dec, fused_decode_matches_interpreter);
  tcase_add_test(dec, fused_decode_depth_limit_at_known_fields);
  tcase_add_test(dec, fused_field_stores_of_known_kinds);
  tcase_add_test(dec, fused_decode_lists_built_in_place);
  tcase_add_test(dec, fused_decode_structs_tracked_in_place);
  tcase_add_test(dec, fused_msgpack_field_stores_of_known_kinds);
  tcase_add_test(dec, fused_decode_forced_deopt);
  tcase_add_test(dec, fused_decode_members_in_any_order);
  tcase_add_test(dec, fused_msgpack_members_in_any_order);
  tcase_add_test(dec, fused_decode_names_read_in_place);
  suite_add_tcase(s, dec);
  TCase *mut = tcase_create("mutation evidence");
  tcase_add_checked_fixture(mut, setup, teardown);
  tcase_add_test(mut, code_cache_key_holds_forced_deopt_pc);
  tcase_add_test(mut, code_cache_key_holds_capabilities);
  tcase_add_test(mut, sink_guard_compares_every_callback);
  tcase_add_test(mut, host_hook_assumed_only_when_used);
  tcase_add_test(mut, generated_code_never_enters_a_null_pointer);
  tcase_add_test(mut, element_past_the_end_is_never_entered);
  tcase_add_test(mut, host_predicate_sees_a_copy_only);
  tcase_add_test(mut, mprotect_code_memory_is_sealed);
  tcase_add_test(mut, continuation_out_of_the_program_is_an_execution_error);
  tcase_add_test(mut, known_structs_follow_the_run_root);
  tcase_add_test(mut, code_cache_compares_identity_not_only_hash);
  tcase_add_test(mut, shape_context_presents_the_run_capabilities);
  tcase_add_test(mut, the_reference_output_is_the_value);
  tcase_add_test(mut, build_failures_in_generated_decode_code);
  tcase_add_test(mut, deopt_reason_reaches_the_runtime);
  suite_add_tcase(s, mut);
  return s;
}

int main(void) { return vmir_test_run(jit_suite(), "jit"); }
