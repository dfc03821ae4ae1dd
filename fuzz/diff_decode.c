/* diff-decode: fuzz bytes -> a shape (random from shape_gen.c when the
 * first byte is below 128, else a fixed one: corpus models, conformance
 * types and shape files) and a document (JSON or MessagePack: the rest of
 * the bytes as they are, or a random value of the shape encoded by our
 * encoder and then mutated by the rest of the bytes) -> decode fused,
 * unfused and on every JIT tier -> equal values (re-encoded through each
 * sink) or equal errors (code, offset, path; for VMIR_E_LIMIT the code).
 * Also: the three decode compilers agree on whether a shape compiles, a
 * failed decode leaves the destination untouched, and a decoder reused
 * after reset gives the same result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixed_shapes.h"
#include "gen_value.h"
#include "shape_gen.h"
#include "tiers.h"
#include "value_edit.h"

#define TARGET "diff-decode"
#define POISON 0xa5

typedef struct programs {
  vmir_program *fused, *parse, *build, *encode;
  vmir_executable *fused_x, *parse_x, *build_x, *encode_x;
} programs;

static void programs_free(programs *p) {
  vmir_executable_free(p->fused_x);
  vmir_executable_free(p->parse_x);
  vmir_executable_free(p->build_x);
  vmir_executable_free(p->encode_x);
  vmir_program_free(p->fused);
  vmir_program_free(p->parse);
  vmir_program_free(p->build);
  vmir_program_free(p->encode);
}

static vmir_executable *exe_of(const vmir_shape *shape, vmir_program *p) {
  vmir_error err;
  if (!p) return NULL;
  vmir_executable *x = vmir_executable_new(p, shape, &err);
  if (!x) fz_fail(TARGET, shape, "compiled program rejected by the executor: %s", err.message);
  return x;
}

/* False when the shape does not compile for decode (for all three alike). */
static bool compile_all(const vmir_shape *shape, const vmir_compile_options *opt, programs *p) {
  vmir_error ef, ep, eb, ee;
  p->fused = vmir_compile_decode_fused(shape, opt, &ef);
  p->parse = vmir_compile_decode_parse(shape, opt, &ep);
  p->build = vmir_compile_decode_build(shape, opt, &eb);
  const vmir_error *errs[3] = {&ef, &ep, &eb};
  vmir_program *progs[3] = {p->fused, p->parse, p->build};
  for (int i = 0; i < 3; i++)
    if (!progs[i] && errs[i]->code != VMIR_E_LIMIT && errs[i]->code != VMIR_E_NOMEM &&
        errs[i]->code != VMIR_E_SHAPE && errs[i]->code != VMIR_E_UNSUPPORTED)
      fz_fail(TARGET, shape, "decode compile (%s) fails: %s: %s",
              i == 0 ? "fused" : i == 1 ? "parse" : "build", vmir_status_name(errs[i]->code),
              errs[i]->message);
  /* The parse program is shape-independent (docs/decode.md): it compiles
   * where the typed rules refuse a shape, never the other way round. */
  if (!p->fused != !p->build || (p->fused && !p->parse))
    fz_fail(TARGET, shape, "decode compilers disagree: fused %s, parse %s, build %s",
            p->fused ? "ok" : ef.message, p->parse ? "ok" : ep.message, p->build ? "ok" : eb.message);
  if (!p->fused) return false;
  p->encode = vmir_compile_encode(shape, opt, &ee);
  /* What decodes must encode: the compilers refuse the same shapes. */
  if (!p->encode && ee.code != VMIR_E_LIMIT)
    fz_fail(TARGET, shape, "decodable shape does not compile for encode: %s", ee.message);
  p->fused_x = exe_of(shape, p->fused);
  p->parse_x = exe_of(shape, p->parse);
  p->build_x = exe_of(shape, p->build);
  p->encode_x = exe_of(shape, p->encode);
  return true;
}

/* ---- the document --------------------------------------------------------- */

typedef struct doc {
  uint8_t *data;
  size_t len;
} doc;

/* Our encoding of a random value of the shape, mutated by the fuzz bytes. */
static bool generated_doc(const vmir_shape *shape, const programs *p, vmir_format format,
                          fz_bytes *b, doc *d) {
  if (!p->encode_x) return false;
  vmir_arena arena;
  vmir_arena_init(&arena, 1u << 20);
  vmir_gen g = {.state = fz_u64(b), .arena = &arena, .max_list = fz_below(b, 4),
                .max_depth = 1 + fz_below(b, 5), .top_list = 0};
  uint8_t rate = fz_u8(b);
  uint64_t seed = fz_u64(b);
  void *value = vmir_arena_alloc(&arena, shape->size ? shape->size : 1, shape->align);
  bool ok = value && vmir_gen_value(&g, shape, value);
  if (ok) {
    fz_value_edit(shape, value, &arena, seed, rate < 128 ? 0 : 2 + rate % 30);
    fz_sink_kind sk = format == VMIR_FORMAT_JSON ? FZ_SINK_JSON : FZ_SINK_MSGPACK;
    vmir_error err;
    vmir_status st = vmir_encode(p->encode_x, value, shape, fz_sink(sk), &fz_env, &err);
    fz_out out = {0};
    fz_sink_take(sk, st, &err, &out);
    ok = st == VMIR_OK;
    d->data = out.data;
    d->len = out.len;
  }
  vmir_arena_free(&arena);
  if (!ok) return false;
  /* Up to 8 edits: flip, insert, delete, overwrite with a fuzz byte. */
  uint32_t edits = fz_below(b, 9);
  for (uint32_t i = 0; i < edits; i++) {
    uint8_t op = fz_u8(b);
    size_t at = d->len ? (fz_u8(b) << 8 | fz_u8(b)) % (d->len + 1) : 0;
    uint8_t v = fz_u8(b);
    if (op % 4 == 1 && at < d->len) {
      d->data[at] ^= (uint8_t)(1u << (v % 8));
    } else if (op % 4 == 2 && at < d->len) {
      memmove(d->data + at, d->data + at + 1, d->len - at - 1);
      d->len--;
    } else if (op % 4 == 3 && at < d->len) {
      d->data[at] = v;
    } else {
      uint8_t *grown = realloc(d->data, d->len + 1);
      if (!grown) abort();
      d->data = grown;
      memmove(d->data + at + 1, d->data + at, d->len - at);
      d->data[at] = v;
      d->len++;
    }
  }
  return true;
}

/* ---- decoding ----------------------------------------------------------- */

typedef struct result {
  fz_out status;   /* status and error; no bytes */
  fz_runs value;   /* the decoded value through each sink, on success */
} result;

static void result_free(result *r) {
  fz_out_free(&r->status);
  fz_runs_free(&r->value);
}

/* Decodes fused (`parse` NULL) or unfused into a poisoned destination. */
static void decode_one(const vmir_shape *shape, const programs *p, vmir_executable *fused,
                       vmir_executable *parse, vmir_executable *build, const doc *d,
                       vmir_decoder *dec, result *r) {
  uint8_t *dest = malloc(shape->size ? shape->size : 1);
  uint8_t *poison = malloc(shape->size ? shape->size : 1);
  if (!dest || !poison) abort();
  memset(dest, POISON, shape->size);
  memset(poison, POISON, shape->size);
  vmir_error err;
  vmir_error_clear(&err);
  vmir_status st = parse ? vmir_decode_unfused(parse, build, d->data, d->len, dest, shape, dec,
                                               &fz_env, &err)
                         : vmir_decode(fused, d->data, d->len, dest, shape, dec, &fz_env, &err);
  r->status.status = st;
  r->status.err = err;
  if (st != VMIR_OK) {
    if (memcmp(dest, poison, shape->size) != 0)
      fz_fail(TARGET, shape, "failed decode (%s) changed the destination", err.message);
  } else if (p->encode_x) {
    size_t suspended = fz_tier_suspend_slow();
    fz_run_exe(p->encode_x, shape, dest, &fz_env, &r->value);
    fz_tier_resume(suspended);
  }
  free(dest);
  free(poison);
}

/* Equal outcomes: for `exact`, equal errors to the message and pc (same
 * program); otherwise (fused against unfused: other programs) equal code,
 * offset and path, and for VMIR_E_LIMIT the code only (the two bound
 * depth by different mechanisms). Values through each sink alike. */
static void expect_same_result(const vmir_shape *shape, const char *a, const result *ra,
                               const char *b, const result *rb, bool exact) {
  if (exact || ra->status.status == VMIR_OK || ra->status.status != rb->status.status) {
    fz_expect_same(TARGET, shape, a, &ra->status, b, &rb->status, exact);
  } else if (ra->status.status != VMIR_E_LIMIT) {
    const vmir_error *x = &ra->status.err, *y = &rb->status.err;
    char ex[512], ey[512];
    if (x->offset != y->offset || strcmp(x->path, y->path) != 0)
      fz_fail(TARGET, shape, "errors differ: %s: %s / %s: %s", a, fz_error_text(x, ex, sizeof ex),
              b, fz_error_text(y, ey, sizeof ey));
  }
  if (ra->status.status == VMIR_OK) fz_expect_runs(TARGET, shape, a, &ra->value, b, &rb->value, true);
}

/* Fused and unfused decode on JIT tier t, compared with the interpreter's. */
static void on_tier(const vmir_shape *shape, const programs *p, const doc *d,
                    const vmir_decode_limits *lim, size_t t, int64_t pc, uint32_t guards,
                    const result *fused, const result *unfused) {
  vmir_error err;
  fz_tier_select(t, pc, guards);
  vmir_executable *f = vmir_executable_new(p->fused, shape, &err);
  vmir_executable *ps = vmir_executable_new(p->parse, shape, &err);
  vmir_executable *bd = vmir_executable_new(p->build, shape, &err);
  if (!f || !ps || !bd) fz_fail(TARGET, shape, "executable on %s: %s", fz_tier_name(t), err.message);
  vmir_decoder *dec = vmir_decoder_new(lim);
  if (!dec) abort();
  result rf = {0}, ru = {0};
  uint64_t f_runs = 0, ps_runs = 0, bd_runs = 0;
  decode_one(shape, p, f, NULL, NULL, d, dec, &rf);
  /* A slow tier's first run goes interpreted while the background thread
   * compiles: once the code is there, the run that counts. */
  if (fz_tier_slow(t) && !fz_tier_ran_code(f, &f_runs) && fz_tier_await(f)) {
    result_free(&rf);
    rf = (result){0};
    vmir_decoder_reset(dec);
    decode_one(shape, p, f, NULL, NULL, d, dec, &rf);
  }
  vmir_decoder_reset(dec);
  decode_one(shape, p, NULL, ps, bd, d, dec, &ru);
  if (fz_tier_slow(t)) {
    bool ps_ran = fz_tier_ran_code(ps, &ps_runs), bd_ran = fz_tier_ran_code(bd, &bd_runs);
    bool ps_await = !ps_ran && fz_tier_await(ps);
    bool bd_await = !bd_ran && fz_tier_await(bd);
    if (ps_await || bd_await) {
      result_free(&ru);
      ru = (result){0};
      vmir_decoder_reset(dec);
      decode_one(shape, p, NULL, ps, bd, d, dec, &ru);
    }
  }
  fz_tier_select(0, FZ_NO_DEOPT, 0);
  char a[128], b[128];
  snprintf(a, sizeof a, "%s fused, deopt at %lld, guard mask %u", fz_tier_name(t), (long long)pc, guards);
  snprintf(b, sizeof b, "%s unfused, deopt at %lld, guard mask %u", fz_tier_name(t), (long long)pc, guards);
  expect_same_result(shape, "interpreter fused", fused, a, &rf, true);
  expect_same_result(shape, "interpreter unfused", unfused, b, &ru, true);
  result_free(&rf);
  result_free(&ru);
  vmir_decoder_free(dec);
  vmir_executable_free(f);
  vmir_executable_free(ps);
  vmir_executable_free(bd);
}

void vmir_fuzz_init(void) { fz_init_common(); }

/* VMIR_FUZZ_DUMP=FILE (replay): writes the document a test case decodes,
 * and prints its format and limits, for reproducing it with `vmir`. */
static void dump_doc(const doc *d, vmir_format format, const vmir_decode_limits *lim) {
  const char *path = fz_replay ? getenv("VMIR_FUZZ_DUMP") : NULL;
  if (!path) return;
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(d->data, 1, d->len, f) != d->len) perror(path);
  if (f) fclose(f);
  fprintf(stderr, "document: %zu bytes of %s in %s; limits: depth %u, string %zu\n", d->len,
          vmir_format_name(format), path, lim->max_depth, lim->max_string);
}

static void differential(const vmir_shape *shape, const programs *p, const doc *d,
                         const vmir_decode_limits *lim, uint32_t pc,
                         uint32_t guards, uint8_t tier_pick) {
  vmir_decoder *dec = vmir_decoder_new(lim), *dec2 = vmir_decoder_new(lim);
  if (!dec || !dec2) abort();
  result fused = {0}, unfused = {0}, again = {0};
  decode_one(shape, p, p->fused_x, NULL, NULL, d, dec, &fused);
  decode_one(shape, p, NULL, p->parse_x, p->build_x, d, dec2, &unfused);
  static const char *const names[] = {"decoded ok", "decode: syntax", "decode: encoding", "decode: layout",
      "decode: shape", "decode: verify", "decode: abi", "decode: shape-id", "decode: limit", "decode: nomem",
      "decode: sink", "decode: predicate", "decode: exec", "decode: decode", "decode: build",
      "decode: unsupported", "decode: io", "decode: usage"};
  if ((unsigned)fused.status.status < sizeof names / sizeof names[0]) fz_stat(names[fused.status.status]);
  expect_same_result(shape, "fused", &fused, "unfused", &unfused, false);
  vmir_decoder_reset(dec);
  decode_one(shape, p, p->fused_x, NULL, NULL, d, dec, &again);
  expect_same_result(shape, "fused", &fused, "fused on a reused decoder", &again, true);
  size_t first, end;
  fz_tier_range(tier_pick, &first, &end);
  uint32_t insns = p->fused->insn_count;
  if (p->parse->insn_count > insns) insns = p->parse->insn_count;
  if (p->build->insn_count > insns) insns = p->build->insn_count;
  for (size_t t = first; t < end; t++) {
    if (!fz_tier_runs(t, insns)) continue;
    on_tier(shape, p, d, lim, t, FZ_NO_DEOPT, 0, &fused, &unfused);
    /* The pc counts over the fused program; the unfused pair gets it too. */
    on_tier(shape, p, d, lim, t, fz_tier_deopt_pc(t, pc, p->fused->insn_count ? p->fused->insn_count : 1),
            guards, &fused, &unfused);
  }
  result_free(&fused);
  result_free(&unfused);
  result_free(&again);
  vmir_decoder_free(dec);
  vmir_decoder_free(dec2);
}

int vmir_fuzz_one(const uint8_t *data, size_t size) {
  fz_tiers_reset();
  fz_bytes b = fz_bytes_of(data, size);
  uint8_t sel = fz_u8(&b);
  fz_shapes *owner = NULL;
  const vmir_shape *shape = sel < 128 ? fz_shape_gen(&b, &owner)
                                      : fz_fixed_get((sel - 128) % fz_fixed_count())->shape;
  programs p = {0};
  doc d = {0};
  vmir_error err;
  fz_stat("test cases");
  if (!shape || vmir_shape_validate(shape, &err) != VMIR_OK) goto out;
  fz_stat("valid shapes");
  if (owner && !fz_shapes_disjoint(owner)) goto out;
  uint8_t flags = fz_u8(&b);
  vmir_format format = flags & 1 ? VMIR_FORMAT_MSGPACK : VMIR_FORMAT_JSON;
  vmir_compile_options opt = vmir_compile_options_default(format);
  opt.unknown_fields = (vmir_unknown_policy)((flags >> 1) % 3);
  opt.duplicate_last_wins = (flags >> 3) & 1;
  vmir_decode_limits lim = {0};
  if ((flags >> 4) & 1) {
    lim.max_depth = 1 + fz_below(&b, 16);
    lim.max_string = fz_below(&b, 64);
  }
  bool generate = (flags >> 5) & 1;
  uint32_t pc = fz_u32(&b);
  uint32_t guards = fz_u8(&b) < 32 ? fz_below(&b, 16) : 0;
  uint8_t tier_pick = (uint8_t)(pc >> 24); /* no byte of its own: keeps old inputs' meaning */
  if (!compile_all(shape, &opt, &p)) goto out;
  fz_stat("compiled");
  if (generate && generated_doc(shape, &p, format, &b, &d)) {
    fz_stat("generated documents");
  } else {
    size_t len;
    const uint8_t *rest = fz_rest(&b, &len);
    d.data = malloc(len ? len : 1);
    if (!d.data) abort();
    if (len) memcpy(d.data, rest, len);
    d.len = len;
  }
  dump_doc(&d, format, &lim);
  differential(shape, &p, &d, &lim, pc, guards, tier_pick);
out:
  free(d.data);
  programs_free(&p);
  fz_shapes_free(owner);
  return 0;
}
