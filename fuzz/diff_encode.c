/* diff-encode: fuzz bytes -> a random shape (shape_gen.c), a random value
 * (bench/gen_value.c, then value_edit.c), a format and options -> compile
 * -> run every path that must agree, byte for byte and error for error:
 *
 *   - the interpreter, on one executable twice and on the program after a
 *     text round trip (print, parse) and a binary round trip;
 *   - three sinks each time: JSON writer, MessagePack writer, recorder;
 *   - every JIT tier (tiers.c), plain and with a forced deopt at a
 *     fuzz-chosen pc.
 * Invariants on the way: the compiler never emits a program its verifier
 * rejects; JSON and MessagePack encode programs are identical; the program
 * cache returns an equal program; both round trips give an equal program;
 * a sink failure at event k stops the run with the sink's error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gen_value.h"
#include "shape_gen.h"
#include "tiers.h"
#include "value_edit.h"

#define TARGET "diff-encode"

/* On a JIT tier: `fresh`: one new executable per sink (each compiled for
 * its sink); else one executable for all three (the later sinks fail the
 * sink guard of code compiled for the first). */
static void run_tier(size_t tier, const vmir_program *p, const vmir_shape *shape, const void *value,
                     const vmir_exec_env *env, int64_t deopt_pc, uint32_t guards, bool fresh,
                     fz_runs *r) {
  vmir_error err;
  fz_tier_select(tier, deopt_pc, guards);
  vmir_executable *exe = NULL;
  for (int k = 0; k < FZ_SINK_COUNT; k++) {
    if (!exe) exe = vmir_executable_new(p, shape, &err);
    if (!exe) fz_fail(TARGET, shape, "executable on %s: %s", fz_tier_name(tier), err.message);
    vmir_error_clear(&err);
    uint64_t code_runs = 0;
    fz_tier_ran_code(exe, &code_runs);
    vmir_status st = vmir_encode(exe, value, shape, fz_sink((fz_sink_kind)k), env, &err);
    /* A slow tier's first run goes interpreted while the background
     * thread compiles: once the code is there, the run that counts. */
    if (fz_tier_slow(tier) && !fz_tier_ran_code(exe, &code_runs) && fz_tier_await(exe)) {
      vmir_error_clear(&err);
      st = vmir_encode(exe, value, shape, fz_sink((fz_sink_kind)k), env, &err);
    }
    fz_sink_take((fz_sink_kind)k, st, &err, &r->out[k]);
    if (fresh) {
      vmir_executable_free(exe);
      exe = NULL;
    }
  }
  vmir_executable_free(exe);
  fz_tier_select(0, FZ_NO_DEOPT, 0);
}

/* Program invariants that need no value. */
static void check_program(const vmir_shape *shape, const vmir_program *p, vmir_format format,
                          const vmir_compile_options *opt) {
  vmir_error err;
  vmir_compile_options other = *opt;
  other.format = format == VMIR_FORMAT_JSON ? VMIR_FORMAT_MSGPACK : VMIR_FORMAT_JSON;
  vmir_program *q = vmir_compile_encode(shape, &other, &err);
  if (!q) fz_fail(TARGET, shape, "compiles for %s but not for %s: %s", vmir_format_name(format),
                  vmir_format_name(other.format), err.message);
  if (!vmir_program_equal(p, q)) fz_fail(TARGET, shape, "JSON and MessagePack encode programs differ");
  vmir_program_free(q);

  vmir_program_cache *cache = vmir_program_cache_new();
  if (!cache) abort();
  const vmir_program *c1 = vmir_program_cache_encode(cache, shape, opt, &err);
  const vmir_program *c2 = vmir_program_cache_encode(cache, shape, opt, &err);
  vmir_program_cache_stats stats = vmir_program_cache_get_stats(cache);
  if (!c1 || c1 != c2 || !vmir_program_equal(p, c1) || stats.hits != 1 || stats.misses != 1)
    fz_fail(TARGET, shape, "program cache: miss then hit should return the compiled program");
  vmir_program_cache_free(cache);
}

/* Text and binary round trips; returns the program parsed back from text. */
static vmir_program *round_trip(const vmir_shape *shape, const vmir_program *p) {
  vmir_error err;
  size_t len = 0;
  char *text = vmir_program_print_text(p, &len);
  if (!text) abort();
  vmir_program *t = vmir_program_parse_text(text, len, "<printed>", &err);
  if (!t) fz_fail(TARGET, shape, "printed program does not parse: %s\n%s", err.message, text);
  if (!vmir_program_equal(p, t)) fz_fail(TARGET, shape, "text round trip changes the program");
  free(text);
  uint8_t *bin = vmir_program_encode_binary(p, &len);
  if (!bin) abort();
  vmir_program *d = vmir_program_decode_binary(bin, len, &err);
  if (!d) fz_fail(TARGET, shape, "encoded program does not decode: %s", err.message);
  if (!vmir_program_equal(p, d)) fz_fail(TARGET, shape, "binary round trip changes the program");
  free(bin);
  vmir_program_free(d);
  return t;
}

/* A sink that fails at event k stops the run there with the sink's error. */
static void check_sink_failure(vmir_executable *exe, const vmir_shape *shape, const void *value,
                               const vmir_exec_env *env, uint32_t pick) {
  vmir_recorder *rec = fz_recorder();
  vmir_sink *sink = fz_sink(FZ_SINK_EVENTS);
  vmir_error err;
  if (vmir_encode(exe, value, shape, sink, env, &err) != VMIR_OK) return;
  size_t n = vmir_recorder_event_count(rec);
  if (!n) return;
  uint64_t k = 1 + pick % n;
  sink = fz_sink(FZ_SINK_EVENTS);
  vmir_recorder_fail_at(rec, k);
  vmir_status st = vmir_encode(exe, value, shape, sink, env, &err);
  if (st != VMIR_E_SINK)
    fz_fail(TARGET, shape, "recorder failing at event %llu of %zu: run returned %s, not sink",
            (unsigned long long)k, n, vmir_status_name(st));
}

static void fuzz_value(const vmir_shape *shape, const vmir_program *prog, fz_bytes *b) {
  vmir_error err;
  vmir_arena arena;
  vmir_arena_init(&arena, 4u << 20);
  vmir_gen g = {.state = fz_u64(b), .arena = &arena, .max_list = fz_below(b, 5),
                .max_depth = 1 + fz_below(b, 6), .top_list = 0};
  uint8_t rate_byte = fz_u8(b);
  uint64_t edit_seed = fz_u64(b);
  uint32_t deopt_pc = fz_u32(b);
  uint32_t sink_pick = fz_u32(b);
  uint32_t guards = fz_u8(b) < 32 ? fz_below(b, 16) : 0;
  uint8_t tier_pick = (uint8_t)(deopt_pc >> 24); /* no byte of its own */
  vmir_exec_env env = fz_env;
  if (fz_u8(b) < 16) env.max_depth = 1 + fz_below(b, 12);
  void *value = vmir_arena_alloc(&arena, shape->size ? shape->size : 1, shape->align);
  if (!value || !vmir_gen_value(&g, shape, value)) goto out;
  fz_stat("values");
  fz_value_edit(shape, value, &arena, edit_seed, rate_byte < 64 ? 0 : 2 + rate_byte % 14);

  vmir_executable *exe = vmir_executable_new(prog, shape, &err);
  if (!exe) fz_fail(TARGET, shape, "compiled program rejected by the executor: %s", err.message);
  fz_runs ref = {0}, again = {0}, other = {0};
  fz_run_exe(exe, shape, value, &env, &ref);
  fz_run_exe(exe, shape, value, &env, &again);
  fz_stat(ref.out[FZ_SINK_JSON].status == VMIR_OK ? "json ok" : "json failed");
  fz_stat(ref.out[FZ_SINK_MSGPACK].status == VMIR_OK ? "msgpack ok" : "msgpack failed");
  fz_expect_runs(TARGET, shape, "interpreter", &ref, "interpreter, second run", &again, true);
  check_sink_failure(exe, shape, value, &env, sink_pick);

  vmir_program *reparsed = round_trip(shape, prog);
  vmir_executable *exe2 = vmir_executable_new(reparsed, shape, &err);
  if (!exe2) fz_fail(TARGET, shape, "reparsed program rejected by the executor: %s", err.message);
  fz_run_exe(exe2, shape, value, &env, &other);
  fz_expect_runs(TARGET, shape, "interpreter", &ref, "interpreter on the reparsed program", &other, true);
  vmir_executable_free(exe2);
  vmir_program_free(reparsed);

  size_t first, end;
  fz_tier_range(tier_pick, &first, &end);
  for (size_t t = first; t < end; t++) {
    if (!fz_tier_runs(t, prog->insn_count)) continue;
    char name[128];
    run_tier(t, prog, shape, value, &env, FZ_NO_DEOPT, 0, true, &other);
    fz_expect_runs(TARGET, shape, "interpreter", &ref, fz_tier_name(t), &other, true);
    int64_t at = fz_tier_deopt_pc(t, deopt_pc, prog->insn_count);
    run_tier(t, prog, shape, value, &env, at, guards, false, &other);
    snprintf(name, sizeof name, "%s, deopt at pc %lld, guard mask %u", fz_tier_name(t), (long long)at,
             guards);
    fz_expect_runs(TARGET, shape, "interpreter", &ref, name, &other, true);
  }
  fz_runs_free(&ref);
  fz_runs_free(&again);
  fz_runs_free(&other);
  vmir_executable_free(exe);
out:
  vmir_arena_free(&arena);
}

void vmir_fuzz_init(void) { fz_init_common(); }

int vmir_fuzz_one(const uint8_t *data, size_t size) {
  fz_tiers_reset();
  fz_bytes b = fz_bytes_of(data, size);
  fz_shapes *owner = NULL;
  const vmir_shape *shape = fz_shape_gen(&b, &owner);
  vmir_error err;
  fz_stat("test cases");
  if (!shape || vmir_shape_validate(shape, &err) != VMIR_OK) goto out;
  fz_stat("valid shapes");
  if (!fz_shapes_disjoint(owner)) goto out;
  vmir_format format = fz_bit(&b) ? VMIR_FORMAT_MSGPACK : VMIR_FORMAT_JSON;
  vmir_compile_options opt = vmir_compile_options_default(format);
  opt.unknown_fields = (vmir_unknown_policy)fz_below(&b, 3);
  opt.duplicate_last_wins = fz_bit(&b);
  vmir_program *prog = vmir_compile_encode(shape, &opt, &err);
  if (!prog) {
    /* A valid shape may still be refused: for a limit, or by the
     * compiler's own shape rules (docs/compiler.md, docs/decode.md: e.g. a
     * newtype variant whose one field is skipped). Anything else (verify:
     * the compiler emitted a program its verifier rejects) is a bug. */
    if (err.code != VMIR_E_LIMIT && err.code != VMIR_E_NOMEM && err.code != VMIR_E_SHAPE &&
        err.code != VMIR_E_UNSUPPORTED)
      fz_fail(TARGET, shape, "valid shape, but compile fails: %s: %s", vmir_status_name(err.code),
              err.message);
    goto out;
  }
  fz_stat("compiled");
  check_program(shape, prog, format, &opt);
  fuzz_value(shape, prog, &b);
  vmir_program_free(prog);
out:
  fz_shapes_free(owner);
  return 0;
}
