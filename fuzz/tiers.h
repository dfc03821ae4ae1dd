/* Every way this build can run a program, as tiers the differential
 * harnesses loop over. Tier 0 is the interpreter: the reference semantics.
 * When the tiering runtime is built in (vmir/jit.h), every available
 * backend adds tiers in three shapes: its default code, the generic
 * one-instruction slow paths only, and plain code (no elided jumps, no
 * shape specialisation, sinks called through their ops table); a backend
 * with optimisation levels (VMIR_JIT_FLAG_OPT_LOW) has them at its
 * default level, named after it ("gccjit-O2", "gccjit-O2/plain"), plus
 * one tier at its low level ("gccjit-O0"). A tier applies to executables
 * created after fz_tier_select and compiles before their first run
 * (threshold 0); a background-compiling backend's first run goes
 * interpreted, so the harnesses wait for the code (fz_tier_await) and run
 * again. */
#ifndef VMIR_FUZZ_TIERS_H
#define VMIR_FUZZ_TIERS_H

#include "fuzz.h"

/* Slow tiers (backends with optimisation levels, whose compiles take
 * 0.1 to 4 s and run on the background thread) and how the harnesses
 * wait for their code: see docs/fuzzing.md. */
bool fz_tier_slow(size_t tier);
/* The forced deopt pc of tier t's second run from the input's pick, in a
 * program of `insns` instructions: pick % insns, or for a slow tier on
 * most inputs FZ_NO_DEOPT (its code is then reused from the first run;
 * the guards are still perturbed). */
int64_t fz_tier_deopt_pc(size_t tier, uint32_t pick, uint32_t insns);
/* Whether tier t runs a program of `insns` instructions: a slow tier
 * skips programs above FZ_SLOW_TIER_MAX_INSNS (the corpus shapes'
 * decode programs: 300 to 1000 instructions, 1 to 4 s per compile at O2,
 * three compiles per test case and tier), which would hold the replay
 * suite for tens of minutes; the generated shapes stay well below. */
#define FZ_SLOW_TIER_MAX_INSNS 200
bool fz_tier_runs(size_t tier, uint32_t insns);
/* Whether exe's runs entered generated code since *before (its count of
 * such runs, updated). */
bool fz_tier_ran_code(const vmir_executable *exe, uint64_t *before);
/* On a JIT tier, waits until exe has code bound (a background compile
 * finished): true when it has, so a run that went interpreted while the
 * compile was pending can be repeated on the code. */
bool fz_tier_await(const vmir_executable *exe);

/* Runs that only check a result (re-encoding a decoded value) go on the
 * interpreter while a slow tier is selected: the configuration applies
 * to every executable's next run, and each would queue a background
 * compile nobody waits for. fz_tier_suspend_slow returns the tier to
 * pass to fz_tier_resume (0: nothing was suspended). */
size_t fz_tier_suspend_slow(void);
void fz_tier_resume(size_t tier);

/* No forced deoptimisation. */
#define FZ_NO_DEOPT (-1)

size_t fz_tier_count(void);
/* The JIT tiers one test case runs on, [*first, *end): all of them in
 * replay, else the one `pick` selects (fz_replay). */
void fz_tier_range(uint8_t pick, size_t *first, size_t *end);
const char *fz_tier_name(size_t tier);
/* Selects the tier for executables created from now on. `deopt_pc`: the
 * absolute instruction index where generated code is forced to
 * deoptimise and resume in the interpreter (FZ_NO_DEOPT: none);
 * `guard_mask`: entry guards made to fail (vmir_jit_test_perturb_guards).
 * Both are ignored by tier 0. */
void fz_tier_select(size_t tier, int64_t deopt_pc, uint32_t guard_mask);
/* Back to the interpreter, code cache dropped, counters cleared, new
 * sinks: called at the start of every test case so none sees another's
 * state. */
void fz_tiers_reset(void);

/* ---- sinks shared by the harnesses ----------------------------------------
 * One JSON writer, one MessagePack writer and one event recorder, created
 * on first use and reset before each run. */
typedef enum fz_sink_kind { FZ_SINK_JSON = 0, FZ_SINK_MSGPACK, FZ_SINK_EVENTS, FZ_SINK_COUNT } fz_sink_kind;

extern const char *const fz_sink_names[FZ_SINK_COUNT];
/* The reset sink (the recorder also stops failing on purpose). */
vmir_sink *fz_sink(fz_sink_kind kind);
/* The recorder, to make it fail at an event. */
vmir_recorder *fz_recorder(void);
/* Copies what the sink holds after a run with status `st` into `out`. */
void fz_sink_take(fz_sink_kind kind, vmir_status st, const vmir_error *err, fz_out *out);


/* One run into each sink. */
typedef struct fz_runs {
  fz_out out[FZ_SINK_COUNT];
} fz_runs;

void fz_runs_free(fz_runs *r);
/* Runs an encode executable into each sink. */
void fz_run_exe(vmir_executable *exe, const vmir_shape *shape, const void *value,
                const vmir_exec_env *env, fz_runs *r);
/* fz_expect_same for each sink. */
void fz_expect_runs(const char *target, const vmir_shape *shape, const char *a, const fz_runs *ra,
                    const char *b, const fz_runs *rb, bool messages);

#endif
