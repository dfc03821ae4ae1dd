/* A JIT backend with two levels (libgccjit, LLVM) against the interpreter:
 * VMIR_TEST_JIT_BACKEND names the backend, VMIR_TEST_JIT_LEVEL one of its
 * level names (gccjit O0/O2, llvm fast/opt). Every encode case through
 * every sink, every fused decode case (whole and truncated), and forced
 * deopts, give the interpreter's outputs and errors byte for byte;
 * compiles happen on the background thread; the code is never mapped
 * writable and executable; an unavailable backend runs everything on the
 * interpreter. Backend-specific: the gccjit probe without `as`/`ld`, and
 * 10 000 LLVM modules compiled and released leaving resident memory flat.
 *
 * Each program is compiled once per configuration and reused for every
 * input; forced deopts are tried at every VMIR_TEST_JIT_DEOPT_STRIDE-th pc
 * (1 by default; meson sets a larger stride at the levels whose compiles
 * cost several times more). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "jit/backend.h"
#include "jit_cases.h"

static const char *backend(void) {
  const char *b = getenv("VMIR_TEST_JIT_BACKEND");
  return b && *b ? b : "llvm";
}

static const char *level_name(void) {
  const char *l = getenv("VMIR_TEST_JIT_LEVEL");
  return l && *l ? l : "";
}

/* The backend's low level (VMIR_JIT_FLAG_OPT_LOW): gccjit O0, llvm fast. */
static bool level_low(void) {
  const char *low = vmir_jit_backend_level_name(backend(), true);
  return low && strcmp(level_name(), low) == 0;
}

static uint32_t level_flags(void) { return level_low() ? VMIR_JIT_FLAG_OPT_LOW : 0; }

#define NEED_BACKEND()                                                              \
  do {                                                                              \
    const char *why_;                                                               \
    if (!vmir_jit_backend_available(backend(), &why_)) {                            \
      printf("%s: skipped, backend %s not available: %s\n", __func__, backend(),    \
             why_ ? why_ : "not built in");                                         \
      return;                                                                       \
    }                                                                               \
  } while (0)

static void setup(void) {
  jit_reset();
  vmir_jit_test_force_unavailable(backend(), false);
}
static void teardown(void) {
  vmir_jit_shutdown();
  vmir_jit_test_force_unavailable(backend(), false);
  jit_reset();
}

static vmir_jit_stats exe_stats(const vmir_executable *exe) {
  vmir_jit_stats s;
  vmir_jit_executable_stats(exe, &s);
  return s;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Waits (up to 60 s: the machine is shared) until the executable has code
 * bound by the background thread. */
static void await_code(const vmir_executable *exe, const char *what) {
  for (int i = 0; i < 60000 && !vmir_jit_executable_code(exe, NULL, NULL); i++) {
    ck_assert_msg(exe_stats(exe).compile_failures == 0, "%s: the compile failed", what);
    sleep_ms(1);
  }
  ck_assert_msg(vmir_jit_executable_code(exe, NULL, NULL), "%s: no code after 60 s", what);
}

/* ---- encode ---------------------------------------------------------------- */

/* One encode case through one sink: the promoting run (interpreted while
 * the background thread compiles) and a run in generated code both match
 * the interpreter, good values never deopt, and the sink failing at every
 * event gives the interpreter's error (the same compiled code reused). */
/* Forced deopts in one run of c through the stencil backend with the
 * deopt forced at pc (the stencil suite checks that they happen where the
 * run reaches pc); UINT64_MAX when the stencil backend is not built. */
static uint64_t stencil_forced_deopts(const jit_case *c, jit_sink sink, int64_t pc) {
  if (!vmir_jit_backend_available("stencil", NULL)) return UINT64_MAX;
  vmir_jit_config keep = vmir_jit_get_config();
  jit_program p = jit_compile_encode(c->shape, jit_sink_format(sink));
  jit_use("stencil", 0, 0, pc);
  jit_outcome o = jit_encode(&p, c, sink, 0);
  uint64_t forced = exe_stats(p.exe).deopts_forced;
  jit_outcome_free(&o);
  jit_program_free(&p);
  ck_assert_int_eq(vmir_jit_configure(&keep, NULL), VMIR_OK);
  return forced;
}

static void encode_case(const jit_case *c, jit_sink sink, int64_t force_pc) {
  jit_program p = jit_compile_encode(c->shape, jit_sink_format(sink));
  jit_outcome want = jit_reference(&p, c, sink, 0);
  char what[200];
  snprintf(what, sizeof what, "%s via %s under %s %s, forced deopt at %lld", c->name,
           jit_sink_name(sink), backend(), level_name(), (long long)force_pc);
  jit_use(backend(), 0, level_flags(), force_pc);
  jit_outcome first = jit_encode(&p, c, sink, 0);
  jit_assert_same(&want, &first, what);
  await_code(p.exe, what);
  vmir_jit_stats before = exe_stats(p.exe);
  jit_outcome got = jit_encode(&p, c, sink, 0);
  jit_assert_same(&want, &got, what);
  vmir_jit_stats s = exe_stats(p.exe);
  ck_assert_msg(s.jit_executions == before.jit_executions + 1, "%s: did not run generated code", what);
  /* A forced deopt happens exactly where the run reaches the pc, as in
   * the stencils: no op is fused or folded past it. */
  uint64_t reference = force_pc >= 0 ? stencil_forced_deopts(c, sink, force_pc) : UINT64_MAX;
  if (reference != UINT64_MAX)
    ck_assert_msg(s.deopts_forced - before.deopts_forced == reference,
                  "%s: %llu forced deopts, the stencils %llu", what,
                  (unsigned long long)(s.deopts_forced - before.deopts_forced),
                  (unsigned long long)reference);
  if (force_pc < 0 && want.status == VMIR_OK)
    ck_assert_msg(s.deopts == 0, "%s: %llu deopts", what, (unsigned long long)s.deopts);
  if (force_pc < 0 && sink == JIT_SINK_RECORDER) {
    size_t events = 0;
    for (size_t k = 0; k < want.len; k++) events += want.out[k] == '\n';
    for (uint64_t at = 1; at <= events; at++) {
      jit_outcome w = jit_reference(&p, c, sink, at);
      jit_use(backend(), 0, level_flags(), force_pc);
      jit_outcome g = jit_encode(&p, c, sink, at);
      char at_what[240];
      snprintf(at_what, sizeof at_what, "%s, sink fails at event %llu", what,
               (unsigned long long)at);
      jit_assert_same(&w, &g, at_what);
      jit_outcome_free(&w);
      jit_outcome_free(&g);
    }
  }
  jit_outcome_free(&want);
  jit_outcome_free(&first);
  jit_outcome_free(&got);
  jit_program_free(&p);
}

/* t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.exec.interpreter-is-reference]
 * t[verify format.exec.error-propagation] */
START_TEST(encode_matches_interpreter) {
  NEED_BACKEND();
  const jit_case *cases;
  size_t n = jit_cases(&cases);
  /* The code cache stays between the sinks of one case: the backend
   * assumes nothing of the sink, so one compile per format serves them. */
  for (size_t i = 0; i < n; i++) {
    for (int s = 0; s < JIT_SINK_COUNT; s++) encode_case(&cases[i], (jit_sink)s, -1);
    vmir_jit_cache_clear();
  }
}
END_TEST

static uint32_t deopt_stride(void) {
  const char *n = getenv("VMIR_TEST_JIT_DEOPT_STRIDE");
  long stride = n ? strtol(n, NULL, 10) : 1;
  return stride > 0 ? (uint32_t)stride : 1;
}

/* t[verify format.exec.deopt-resume-point]
 * t[verify format.exec.deopt-state-transfer] */
START_TEST(encode_forced_deopt) {
  NEED_BACKEND();
  static const char *names[] = {"user", "tree", "all-kinds"};
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    const jit_case *c = jit_case_named(names[k]);
    jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
    uint32_t insns = p.prog->insn_count;
    jit_program_free(&p);
    for (uint32_t pc = 0; pc < insns; pc += deopt_stride()) {
      encode_case(c, JIT_SINK_JSON, pc);
      vmir_jit_cache_clear();
    }
  }
}
END_TEST

/* ---- fused decode ----------------------------------------------------------- */

static vmir_executable *fused_program(const jit_case *c, vmir_format f, vmir_program **prog) {
  vmir_compile_options opt = vmir_compile_options_default(f);
  opt.fused = true;
  vmir_error err;
  *prog = vmir_compile_decode_fused(c->shape, &opt, &err);
  if (!*prog) {
    printf("fused decode of %s (%s) does not compile yet: %s\n", c->name, vmir_format_name(f),
           err.message);
    return NULL;
  }
  vmir_executable *exe = vmir_executable_new(*prog, c->shape, &err);
  ck_assert_msg(exe, "%s", err.message);
  return exe;
}

static jit_outcome document(const jit_case *c, vmir_format f) {
  jit_sink sink = f == VMIR_FORMAT_JSON ? JIT_SINK_JSON : JIT_SINK_MSGPACK;
  jit_program enc = jit_compile_encode(c->shape, f);
  jit_outcome doc = jit_reference(&enc, c, sink, 0);
  jit_program_free(&enc);
  return doc;
}

/* Decodes doc[0..cut) under the interpreter and the backend; the
 * executable has its code already. */
static void decode_compare(vmir_executable *exe, const jit_case *c, const jit_outcome *doc,
                           size_t cut, int64_t force_pc, const char *what) {
  jit_use("none", 0, 0, -1);
  jit_outcome want = jit_decode_once(exe, c->shape, doc->out, cut);
  jit_use(backend(), 0, level_flags(), force_pc);
  jit_outcome got = jit_decode_once(exe, c->shape, doc->out, cut);
  jit_assert_same(&want, &got, what);
  jit_outcome_free(&want);
  jit_outcome_free(&got);
}

/* Compiles exe under the backend (one promoting run, then the background
 * compile). */
static void promote(vmir_executable *exe, const jit_case *c, const jit_outcome *doc,
                    int64_t force_pc, const char *what) {
  jit_use(backend(), 0, level_flags(), force_pc);
  jit_outcome first = jit_decode_once(exe, c->shape, doc->out, doc->len);
  jit_outcome_free(&first);
  await_code(exe, what);
}

/* t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.parse.hotpath-jit-eligibility] */
START_TEST(fused_decode_matches_interpreter) {
  NEED_BACKEND();
  const jit_case *cases;
  size_t n = jit_cases(&cases);
  size_t compiled = 0;
  for (size_t i = 0; i < n; i++) {
    for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
      vmir_program *prog;
      vmir_executable *exe = fused_program(&cases[i], (vmir_format)f, &prog);
      if (!exe) continue;
      compiled++;
      jit_outcome doc = document(&cases[i], (vmir_format)f);
      char what[200];
      snprintf(what, sizeof what, "decode %s (%s)", cases[i].name,
               vmir_format_name((vmir_format)f));
      promote(exe, &cases[i], &doc, -1, what);
      uint64_t before = exe_stats(exe).jit_executions;
      for (size_t cut = doc.len + 1; cut-- > 0;) {
        char at[240];
        snprintf(at, sizeof at, "%s, %zu of %zu bytes", what, cut, doc.len);
        decode_compare(exe, &cases[i], &doc, cut, -1, at);
        if (cut + 8 < doc.len && cut > 8) cut = 8;
      }
      ck_assert_uint_gt(exe_stats(exe).jit_executions, before);
      vmir_executable_free(exe);
      vmir_program_free(prog);
      jit_outcome_free(&doc);
      vmir_jit_cache_clear();
    }
  }
  ck_assert_uint_gt(compiled, 0);
}
END_TEST

/* t[verify format.exec.deopt-resume-point]
 * t[verify format.exec.deopt-state-transfer] */
START_TEST(fused_decode_forced_deopt) {
  NEED_BACKEND();
  static const char *names[] = {"user", "tree"};
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    const jit_case *c = jit_case_named(names[k]);
    vmir_program *prog;
    vmir_executable *exe = fused_program(c, VMIR_FORMAT_JSON, &prog);
    if (!exe) continue;
    jit_outcome doc = document(c, VMIR_FORMAT_JSON);
    for (uint32_t pc = 0; pc < prog->insn_count; pc += deopt_stride()) {
      char what[160];
      snprintf(what, sizeof what, "decode %s, deopt forced at pc %u", c->name, pc);
      promote(exe, c, &doc, pc, what);
      decode_compare(exe, c, &doc, doc.len, pc, what);
      vmir_jit_cache_clear();
    }
    ck_assert_uint_ge(exe_stats(exe).deopts_forced, 1);
    jit_outcome_free(&doc);
    vmir_executable_free(exe);
    vmir_program_free(prog);
  }
}
END_TEST

/* docs[0..n) into `shape`, decoded in turn by one executable with the
 * backend's code (three passes in different orders, so the member-name
 * guess misses and hits): the interpreter's values and errors. */
static void decodes_in_turn(const vmir_shape *shape, const char *const *docs, size_t n,
                            const char *set) {
  vmir_program *prog;
  vmir_executable *exe = jit_fused_json_decoder(shape, &prog);
  jit_use(backend(), 0, level_flags(), -1);
  jit_outcome first = jit_decode_once(exe, shape, docs[0], strlen(docs[0]));
  jit_outcome_free(&first);
  await_code(exe, set);
  uint64_t before = exe_stats(exe).jit_executions;
  for (int pass = 0; pass < 3; pass++) {
    for (size_t d = 0; d < n; d++) {
      size_t at = jit_turn_order(pass, d, n);
      jit_use("none", 0, 0, -1);
      jit_outcome want = jit_decode_once(exe, shape, docs[at], strlen(docs[at]));
      jit_use(backend(), 0, level_flags(), -1);
      jit_outcome got = jit_decode_once(exe, shape, docs[at], strlen(docs[at]));
      char what[240];
      snprintf(what, sizeof what, "%s: decode %s under %s %s, pass %d", set, docs[at], backend(),
               level_name(), pass);
      jit_assert_same(&want, &got, what);
      jit_outcome_free(&want);
      jit_outcome_free(&got);
    }
  }
  ck_assert_uint_ge(exe_stats(exe).jit_executions, before + 3 * n);
  vmir_executable_free(exe);
  vmir_program_free(prog);
  vmir_jit_cache_clear();
}

/* Member names under the backend's guessing switch-key and its in-place
 * read-key/switch-key pair (jit_cases.h lists the documents).
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.exec.error-propagation] */
START_TEST(decode_member_names) {
  NEED_BACKEND();
  const vmir_shape *user = jit_case_named("user")->shape;
  const char *const *docs;
  size_t n = jit_member_order_docs(&docs);
  decodes_in_turn(user, docs, n, "member order");
  n = jit_member_name_docs(&docs);
  decodes_in_turn(user, docs, n, "member names");
  const char *text;
  n = jit_quoted_name_docs(&text, &docs);
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(text, strlen(text), "<quoted names>", &err);
  ck_assert_msg(set, "%s", err.message);
  decodes_in_turn(vmir_shape_set_root(set), docs, n, "quoted names");
  vmir_shape_set_free(set);
}
END_TEST

/* The documents of `set` (jit_cases.h), decoded in turn. */
static void doc_set_in_turn(jit_doc_set *set, const char *what) {
  const char *const *docs;
  size_t n;
  vmir_shape_set *shapes = jit_doc_set_open(set, what, &docs, &n);
  decodes_in_turn(vmir_shape_set_root(shapes), docs, n, what);
  vmir_shape_set_free(shapes);
}

/* Lists, fixed arrays, maps and options built by the inline build
 * actions (jit_cases.h, jit_list_docs), under the backend.
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.exec.error-propagation] */
START_TEST(decode_lists_built_in_place) {
  NEED_BACKEND();
  doc_set_in_turn(jit_list_docs, "lists");
}
END_TEST

/* Structs whose field tracking the backend's code begins and ends inline
 * (jit_cases.h, jit_struct_docs).
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.exec.error-propagation] */
START_TEST(decode_structs_tracked_in_place) {
  NEED_BACKEND();
  doc_set_in_turn(jit_struct_docs, "structs");
}
END_TEST

/* Nesting past the native call depth of the LLVM backend
 * (VMIR_LLVM_NATIVE_DEPTH, 256 calls): each level of the chain is two
 * calls, so 100 levels stay native, 200 and 512 go on in the interpreter
 * from the call that would nest deeper (a deopt, counted), and 513 fails
 * at the document depth limit. Every document gives the interpreter's
 * value or error.
 * t[verify format.exec.jit-semantic-equivalence]
 * t[verify format.exec.deopt-state-transfer] */
START_TEST(deep_nesting_stays_off_the_native_stack) {
  NEED_BACKEND();
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(jit_chain_shape, strlen(jit_chain_shape), "<chain>", &err);
  ck_assert_msg(set, "%s", err.message);
  const vmir_shape *shape = vmir_shape_set_root(set);
  char *docs[4] = {jit_chain_doc(100), jit_chain_doc(200), jit_chain_doc(512), jit_chain_doc(513)};
  decodes_in_turn(shape, (const char *const *)docs, 4, "nested");
  if (strcmp(backend(), "llvm") == 0) {
    vmir_program *prog;
    vmir_executable *exe = jit_fused_json_decoder(shape, &prog);
    jit_use(backend(), 0, level_flags(), -1);
    jit_outcome first = jit_decode_once(exe, shape, docs[0], strlen(docs[0]));
    jit_outcome_free(&first);
    await_code(exe, "nested");
    vmir_jit_stats_reset();
    jit_outcome shallow = jit_decode_once(exe, shape, docs[0], strlen(docs[0]));
    vmir_jit_stats s;
    vmir_jit_stats_get(&s);
    ck_assert_int_eq(shallow.status, VMIR_OK);
    ck_assert_uint_eq(s.deopts, 0);
    jit_outcome deep = jit_decode_once(exe, shape, docs[1], strlen(docs[1]));
    vmir_jit_stats_get(&s);
    ck_assert_int_eq(deep.status, VMIR_OK);
    ck_assert_uint_eq(s.deopts, 1);
    jit_outcome_free(&shallow);
    jit_outcome_free(&deep);
    vmir_executable_free(exe);
    vmir_program_free(prog);
  }
  for (int i = 0; i < 4; i++) free(docs[i]);
  vmir_shape_set_free(set);
}
END_TEST

/* ---- cost, memory, availability --------------------------------------------- */

/* The promoting run, and the runs during the compile, stay on the
 * interpreter: the compile never happens on a caller's path. */
START_TEST(compiles_in_background) {
  NEED_BACKEND();
  const jit_case *c = jit_case_named("user");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_use(backend(), 0, level_flags(), -1);
  jit_outcome first = jit_encode(&p, c, JIT_SINK_JSON, 0);
  ck_assert_uint_eq(exe_stats(p.exe).jit_executions, 0);
  await_code(p.exe, "user");
  size_t bytes = 0;
  ck_assert(vmir_jit_executable_code(p.exe, &bytes, NULL));
  ck_assert_uint_gt(bytes, 0);
  jit_outcome_free(&first);
  jit_program_free(&p);
}
END_TEST

/* LLJIT links through JITLink's in-process memory manager, which writes
 * the code into read+write pages and then makes them read+execute. No
 * mapping of the process is writable and executable after a compile.
 * t[verify format.exec.unsafe-contained] */
START_TEST(no_writable_executable_mapping) {
  NEED_BACKEND();
  const jit_case *c = jit_case_named("all-kinds");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_use(backend(), 0, level_flags(), -1);
  jit_outcome first = jit_encode(&p, c, JIT_SINK_JSON, 0);
  await_code(p.exe, "all-kinds");
  FILE *maps = fopen("/proc/self/maps", "r");
  ck_assert_ptr_nonnull(maps);
  char line[512];
  size_t lines = 0;
  while (fgets(line, sizeof line, maps)) {
    char perms[8] = "";
    ck_assert_int_eq(sscanf(line, "%*s %7s", perms), 1);
    ck_assert_msg(!(perms[1] == 'w' && perms[2] == 'x'), "writable and executable: %s", line);
    lines++;
  }
  fclose(maps);
  ck_assert_uint_gt(lines, 0);
  jit_outcome_free(&first);
  jit_program_free(&p);
}
END_TEST

/* A backend built into the library is available, unless the environment
 * says it may not be (VMIR_TEST_JIT_MAY_BE_UNAVAILABLE=1): every other
 * test here skips an unavailable backend, so without this a broken probe
 * (a tool missing, the LLVM backend's kernel bitcode refused by its
 * checks) would pass the suite untested. */
START_TEST(built_backend_is_available) {
  bool built = false;
  for (size_t i = 0; i < vmir_jit_backend_count(); i++)
    built |= strcmp(vmir_jit_backend_name(i), backend()) == 0;
  const char *may = getenv("VMIR_TEST_JIT_MAY_BE_UNAVAILABLE");
  if (!built || (may && strcmp(may, "1") == 0)) {
    printf("%s: skipped, backend %s %s\n", __func__, backend(),
           built ? "may be unavailable here" : "not built in");
    return;
  }
  const char *why = NULL;
  ck_assert_msg(vmir_jit_backend_available(backend(), &why), "backend %s is built in but unavailable: %s",
                backend(), why ? why : "(no reason)");
}
END_TEST

/* Made unavailable at run time: everything runs on the interpreter with
 * the same results, and the reason is readable.
 * t[verify format.exec.jit-optional] */
START_TEST(unavailable_runs_interpreted) {
  const char *why = NULL;
  vmir_jit_test_force_unavailable(backend(), true);
  ck_assert(!vmir_jit_backend_available(backend(), &why));
  ck_assert_ptr_nonnull(why);
  const jit_case *c = jit_case_named("user");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  jit_outcome want = jit_reference(&p, c, JIT_SINK_JSON, 0);
  jit_use(backend(), 0, level_flags(), -1);
  for (int run = 0; run < 3; run++) {
    jit_outcome got = jit_encode(&p, c, JIT_SINK_JSON, 0);
    jit_assert_same(&want, &got, "user, backend unavailable");
    jit_outcome_free(&got);
  }
  ck_assert_uint_eq(exe_stats(p.exe).jit_executions, 0);
  ck_assert_str_eq(vmir_jit_selected_backend(NULL), "none");
  jit_outcome_free(&want);
  jit_program_free(&p);
}
END_TEST

/* Resident memory stays flat over 10 000 modules compiled and released
 * at the fast level (each compile one module, its resource tracker
 * removed on release, dead symbol-string-pool entries cleared, the
 * context recreated every 100 modules): what is resident after 10 000
 * is within a tolerance of what was resident after 2 000. */
static long resident_kb(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  ck_assert_ptr_nonnull(f);
  long size = 0, resident = 0;
  ck_assert_int_eq(fscanf(f, "%ld %ld", &size, &resident), 2);
  fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

START_TEST(modules_leave_memory_flat) {
  NEED_BACKEND();
  const vmir_backend *b = vmir_backend_find(backend());
  ck_assert_ptr_nonnull(b);
  const jit_case *c = jit_case_named("user");
  jit_program p = jit_compile_encode(c->shape, VMIR_FORMAT_JSON);
  vmir_jit_request req = {.exe = p.exe,
                          .assume = {.root_shape_id = 1, .program_abi = 1},
                          .options = {.flags = VMIR_JIT_FLAG_OPT_LOW, .force_deopt_pc = -1,
                                      .unsupported_op = -1}};
  long after_2000 = 0;
  for (int i = 1; i <= 10000; i++) {
    vmir_jit_code *code = NULL;
    char why[256] = "";
    ck_assert_msg(b->compile(&req, &code, why, sizeof why) == VMIR_OK, "compile %d: %s", i, why);
    b->release(code);
    if (i == 2000) after_2000 = resident_kb();
  }
  long after_10000 = resident_kb();
  printf("%s: resident %ld kB after 2000 modules, %ld kB after 10000\n", __func__, after_2000,
         after_10000);
  /* 8000 more modules of about 15 kB of code each would be over 100 MB if
   * any of it stayed; allow the allocator's slack. */
  ck_assert_msg(after_10000 - after_2000 < 8 * 1024, "resident grew from %ld kB to %ld kB",
                after_2000, after_10000);
  jit_program_free(&p);
}
END_TEST

/* The level is part of the configuration `vmir stats` shows. */
/* Without the GCC driver, `as` and `ld` on PATH the probe fails and says
 * why. Runs in a child whose PATH is empty of them; the probe runs once
 * per process, so the test is meaningful only when this test's process
 * has not probed yet (Check's fork mode, the default).
 * t[verify format.exec.jit-optional] */
START_TEST(missing_tools_make_it_unavailable) {
  if (strcmp(backend(), "gccjit") != 0) return;
  const char *fork_mode = getenv("CK_FORK");
  if (fork_mode && strcmp(fork_mode, "no") == 0) {
    printf("%s: skipped under CK_FORK=no (the probe result is per process)\n", __func__);
    return;
  }
  int fds[2];
  ck_assert_int_eq(pipe(fds), 0);
  pid_t child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0) {
    close(fds[0]);
    setenv("PATH", "/nonexistent", 1);
    const char *why = NULL;
    bool ok = vmir_jit_backend_available(backend(), &why);
    char msg[400];
    int n = snprintf(msg, sizeof msg, "%d %s", ok, why ? why : "");
    if (write(fds[1], msg, (size_t)n) != n) _exit(2);
    _exit(0);
  }
  close(fds[1]);
  char msg[400] = "";
  ssize_t got = read(fds[0], msg, sizeof msg - 1);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ck_assert_msg(got > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed");
  msg[got] = '\0';
  if (strcmp(msg, "0 not built into this library (see the meson options jit_*)") == 0) return;
  ck_assert_msg(msg[0] == '0', "available without a driver on PATH: %s", msg);
  ck_assert_msg(strstr(msg, "libgccjit could not compile a trivial function"), "reason: %s", msg);
  ck_assert_msg(strstr(msg, "`as` is not on PATH"), "reason: %s", msg);
}
END_TEST

START_TEST(stats_show_level) {
  NEED_BACKEND();
  jit_use(backend(), 0, level_flags(), -1);
  size_t len;
  char *text = vmir_jit_stats_text(NULL, &len);
  ck_assert_ptr_nonnull(text);
  char want[64];
  snprintf(want, sizeof want, "%s, level %s", backend(), level_name());
  ck_assert_msg(strstr(text, want), "%s", text);
  free(text);
}
END_TEST

static char suite_name[64];

static Suite *suite(void) {
  Suite *s = suite_create(suite_name);
  TCase *enc = tcase_create("encode");
  tcase_add_checked_fixture(enc, setup, teardown);
  tcase_set_timeout(enc, 600);
  tcase_add_test(enc, encode_matches_interpreter);
  tcase_add_test(enc, encode_forced_deopt);
  suite_add_tcase(s, enc);
  TCase *dec = tcase_create("decode");
  tcase_add_checked_fixture(dec, setup, teardown);
  tcase_set_timeout(dec, 600);
  tcase_add_test(dec, fused_decode_matches_interpreter);
  tcase_add_test(dec, fused_decode_forced_deopt);
  tcase_add_test(dec, decode_member_names);
  tcase_add_test(dec, decode_lists_built_in_place);
  tcase_add_test(dec, decode_structs_tracked_in_place);
  tcase_add_test(dec, deep_nesting_stays_off_the_native_stack);
  suite_add_tcase(s, dec);
  TCase *misc = tcase_create("backend");
  tcase_add_checked_fixture(misc, setup, teardown);
  tcase_set_timeout(misc, 300);
  tcase_add_test(misc, built_backend_is_available);
  tcase_add_test(misc, compiles_in_background);
  tcase_add_test(misc, no_writable_executable_mapping);
  tcase_add_test(misc, unavailable_runs_interpreted);
  tcase_add_test(misc, stats_show_level);
  tcase_add_test(misc, missing_tools_make_it_unavailable);
  if (level_low() && strcmp(backend(), "llvm") == 0)
    tcase_add_test(misc, modules_leave_memory_flat);
  suite_add_tcase(s, misc);
  return s;
}

int main(void) {
  snprintf(suite_name, sizeof suite_name, "jit_%s", backend());
  return vmir_test_run(suite(), suite_name);
}
