/* json-decode and msgpack-decode (see decode_fixed.h). Programs are
 * compiled once per (format, shape, options) and kept: the same input
 * always meets the same program, so runs stay deterministic. */
#include "decode_fixed.h"

#include <stdlib.h>
#include <string.h>

#include "fixed_shapes.h"
#include "peer_value.h"
#include "tiers.h"

/* The first fixed shapes: value, twitter, citm_catalog, canada, tw_status,
 * ca_geometry (fixed_shapes.c). */
#define SHAPES 6
#define OPTION_SETS 4

/* Programs are compiled once; executables are made anew for every test
 * case, so no tiering state (hotness, promotion decisions) carries over
 * from one test case to the next. */
typedef struct codec {
  vmir_program *dec_p, *enc_p;
  vmir_executable *dec, *enc;
} codec;

static codec codecs[VMIR_FORMAT_COUNT][SHAPES][OPTION_SETS];

static void compile_codec(const char *target, vmir_format format, size_t shape_i, uint32_t opt_i) {
  codec *c = &codecs[format][shape_i][opt_i];
  const vmir_shape *shape = fz_fixed_get(shape_i)->shape;
  vmir_compile_options opt = vmir_compile_options_default(format);
  opt.unknown_fields = (opt_i & 1) ? VMIR_UNKNOWN_SKIP : VMIR_UNKNOWN_DENY;
  opt.duplicate_last_wins = (opt_i & 2) != 0;
  opt.fused = true;
  vmir_error err;
  c->dec_p = vmir_compile_decode_fused(shape, &opt, &err);
  if (!c->dec_p) fz_fail(target, shape, "fixed shape does not compile for decode: %s", err.message);
  c->enc_p = vmir_compile_encode(shape, &opt, &err);
  if (!c->enc_p) fz_fail(target, shape, "fixed shape does not compile for encode: %s", err.message);
}

static void bind(const char *target, codec *c, const vmir_shape *shape) {
  vmir_error err;
  c->dec = vmir_executable_new(c->dec_p, shape, &err);
  c->enc = vmir_executable_new(c->enc_p, shape, &err);
  if (!c->dec || !c->enc) fz_fail(target, shape, "executable: %s", err.message);
}

static void unbind(codec *c) {
  vmir_executable_free(c->dec);
  vmir_executable_free(c->enc);
  c->dec = c->enc = NULL;
}

void fz_decode_fixed_init(const char *target, vmir_format format) {
  fz_init_common();
  for (size_t s = 0; s < SHAPES; s++)
    for (uint32_t o = 0; o < OPTION_SETS; o++) compile_codec(target, format, s, o);
}

/* A new decoder for every test case (a reused arena would take other
 * paths for the same input). `value` gets the depth the peers handle. */
static vmir_decoder *new_decoder(size_t shape_i) {
  vmir_decode_limits lim = {.max_depth = shape_i ? 0 : FZ_VMIR_PEER_DEPTH};
  vmir_decoder *dec = vmir_decoder_new(&lim);
  if (!dec) abort();
  return dec;
}

/* The decoded value, re-encoded, decodes and re-encodes to itself. */
static void round_trip(const char *target, const vmir_shape *shape, const codec *c,
                       vmir_format format, const void *value, vmir_decoder *dec) {
  fz_sink_kind sk = format == VMIR_FORMAT_JSON ? FZ_SINK_JSON : FZ_SINK_MSGPACK;
  vmir_error err;
  fz_out first = {0}, second = {0};
  vmir_status st = vmir_encode(c->enc, value, shape, fz_sink(sk), &fz_env, &err);
  fz_sink_take(sk, st, &err, &first);
  if (st != VMIR_OK)
    fz_fail(target, shape, "a decoded value does not encode: %s", err.message);
  void *again = calloc(1, shape->size ? shape->size : 1);
  if (!again) abort();
  st = vmir_decode(c->dec, first.data, first.len, again, shape, dec, &fz_env, &err);
  if (st != VMIR_OK)
    fz_fail(target, shape, "our own output does not decode: %s: %.*s", err.message,
            (int)(first.len < 300 ? first.len : 300), (const char *)first.data);
  st = vmir_encode(c->enc, again, shape, fz_sink(sk), &fz_env, &err);
  fz_sink_take(sk, st, &err, &second);
  fz_expect_same(target, shape, "encode(decode(doc))", &first, "encode(decode(encode(decode(doc))))",
                 &second, true);
  free(again);
  fz_out_free(&first);
  fz_out_free(&second);
}

static void check_peer(const char *target, vmir_format format, const uint8_t *doc, size_t len,
                       vmir_status st, const vmir_error *err, const vmir_value *ours) {
  if (st == VMIR_E_LIMIT) return; /* past the depth the peers handle */
  char diff[256], why[512];
  fz_peer_verdict v = format == VMIR_FORMAT_JSON
                          ? fz_peer_json(doc, len, st == VMIR_OK ? ours : NULL, diff, sizeof diff)
                          : fz_peer_msgpack(doc, len, st == VMIR_OK ? ours : NULL, diff, sizeof diff);
  const char *peer = format == VMIR_FORMAT_JSON ? "json-c" : "msgpack-c";
  fz_stat(v == FZ_PEER_EXCLUDED ? "peer: excluded" : v == FZ_PEER_ACCEPT ? "peer: accepts" : "peer: rejects");
  if (v == FZ_PEER_EXCLUDED) return;
  /* A repeated key is an error under the default duplicates policy; the
   * peers have no such policy (docs/decode-formats.md, "Duplicate keys"). */
  if (st == VMIR_E_BUILD && strstr(err->message, "duplicate key")) {
    fz_stat("peer: duplicate key rejected by policy");
    return;
  }
  if (st == VMIR_OK && v != FZ_PEER_ACCEPT)
    fz_fail(target, &vmir_shape_value, "we accept, %s %s", peer,
            diff[0] ? diff : "rejects the document");
  if (st != VMIR_OK && v == FZ_PEER_ACCEPT)
    fz_fail(target, &vmir_shape_value, "%s accepts, we reject: %s", peer,
            fz_error_text(err, why, sizeof why));
}

int fz_decode_fixed(const char *target, vmir_format format, const uint8_t *data, size_t size) {
  fz_tiers_reset();
  fz_bytes b = fz_bytes_of(data, size);
  uint8_t sel = fz_u8(&b);
  size_t shape_i = sel % SHAPES;
  uint32_t opt_i = (sel >> 6) % OPTION_SETS;
  size_t len;
  const uint8_t *doc = fz_rest(&b, &len);
  const vmir_shape *shape = fz_fixed_get(shape_i)->shape;
  codec *c = &codecs[format][shape_i][opt_i];
  bind(target, c, shape);
  vmir_decoder *dec = new_decoder(shape_i);
  void *dest = calloc(1, shape->size);
  if (!dest) abort();
  vmir_error err;
  vmir_error_clear(&err);
  vmir_status st = vmir_decode(c->dec, doc, len, dest, shape, dec, &fz_env, &err);
  fz_stat(st == VMIR_OK ? "decoded" : "rejected");
  if (shape_i == 0) check_peer(target, format, doc, len, st, &err, dest);
  if (st == VMIR_OK) round_trip(target, shape, c, format, dest, dec);
  free(dest);
  vmir_decoder_free(dec);
  unbind(c);
  return 0;
}
