/* Public decode entry points: fused (one program) and unfused (a parse
 * program emitting a batch of build events, then a build program consuming
 * them). Both build in a shadow root and commit only on success. Each
 * program runs in the tier it has earned (jit/tier.c); the executor's
 * part of the call is exec/decode_run.h. */
#include <string.h>

#include "exec/decode_ops.h"
#include "exec/decode_run.h"
#include "jit/tier.h"

/* Runs one program over the decode state, from its entry proc; io is the
 * sink a parse program emits into, else the decode state. */
static vmir_status run(vmir_executable *exe, vmir_decode_state *d, const vmir_shape *shape,
                       vmir_sink *sink, const vmir_exec_env *env, vmir_error *err) {
  vmir_vm_state vm;
  vmir_decode_vm_init(&vm, exe, d, shape, sink, env);
  vmir_status st = vmir_tier_run(exe, &vm, d->shadow, shape, sink ? (void *)sink : (void *)d, err);
  vmir_vm_state_release(&vm);
  return st;
}

vmir_status vmir_decode(vmir_executable *fused, const void *input, size_t len, void *dest,
                        const vmir_shape *shape, vmir_decoder *dec, const vmir_exec_env *env,
                        vmir_error *err) {
  vmir_error scratch;
  if (!err) err = &scratch;
  vmir_error_clear(err);
  vmir_status st = vmir_decode_check_call(fused, input, len, dest, shape, dec, VMIR_PROGRAM_FUSED, err);
  if (st != VMIR_OK) return st;
  vmir_arena_pos mark = vmir_arena_mark(&dec->arena);
  vmir_decode_state d;
  st = vmir_decode_begin(&d, dec, input, len, dest, shape, fused->program, err);
  if (st == VMIR_OK) st = run(fused, &d, shape, NULL, env, err);
  return vmir_decode_finish(&d, mark, st, err);
}

/* Unfused decode needs no fused program: the interpreter runs the parse
 * and build programs alone. t[impl format.parse.fusion-optional] */
vmir_status vmir_decode_unfused(vmir_executable *parse, vmir_executable *build, const void *input,
                                size_t len, void *dest, const vmir_shape *shape, vmir_decoder *dec,
                                const vmir_exec_env *env, vmir_error *err) {
  vmir_error scratch;
  if (!err) err = &scratch;
  vmir_error_clear(err);
  vmir_status st = vmir_decode_check_call(parse, input, len, dest, shape, dec, VMIR_PROGRAM_DECODE, err);
  if (st == VMIR_OK) st = vmir_decode_check_call(build, input, len, dest, shape, dec, VMIR_PROGRAM_BUILD, err);
  if (st != VMIR_OK) return st;
  vmir_arena_pos mark = vmir_arena_mark(&dec->arena);
  vmir_decode_state d;
  st = vmir_decode_begin(&d, dec, input, len, dest, shape, parse->program, err);
  if (st != VMIR_OK) return vmir_decode_finish(&d, mark, st, err);
  /* Parse: the whole input into one batch of build events. */
  vmir_sink batch;
  vmir_event_sink_init(&batch, &d);
  vmir_error parse_err;
  vmir_error_clear(&parse_err);
  vmir_status parse_st = run(parse, &d, shape, &batch, env, &parse_err);
  /* Build: consume the batch. When parsing failed, the events before the
   * failure are still built, so a build error earlier in the input wins, as
   * it does in fused decode; the batch's error event marks where the
   * failure is met (docs/decode.md, "Malformed input, unfused"). Without
   * room for it, the end of the batch stands for it. */
  if (parse_st != VMIR_OK) (void)vmir_event_append_error(&d);
  d.event_pos = 0;
  d.commit_blocked = parse_st != VMIR_OK;
  st = run(build, &d, shape, NULL, env, err);
  if (parse_st != VMIR_OK && (st == VMIR_OK || d.events_exhausted)) {
    /* The parse program knows no value path; where the build program met
     * the error event is the value the failed token belonged to. */
    char path[sizeof err->path];
    memcpy(path, err->path, sizeof path);
    bool have_path = st != VMIR_OK;
    *err = parse_err;
    if (have_path) memcpy(err->path, path, sizeof path);
    st = parse_st;
  }
  return vmir_decode_finish(&d, mark, st, err);
}
