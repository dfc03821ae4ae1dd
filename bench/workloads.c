#include "workloads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canada_model.h"
#include "citm_model.h"
#include "gen_value.h"
#include "handwritten_twitter.h"
#include "peer_libs.h"
#include "records.h"
#include "twitter_model.h"
#include "shim.h"
#include "tier_bench.h"
#include "tiers.h"
#include "vmir/jit.h"

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (!buf) return NULL;
  buf[n] = 0;
  *len = (size_t)n;
  return buf;
}

static vmir_executable *prepare(doc_bench *b, int slot, vmir_program *p) {
  vmir_error err;
  if (!p) return NULL;
  b->programs[slot] = p;
  vmir_executable *e = vmir_executable_new(p, b->shape, &err);
  if (!e) fprintf(stderr, "bench %s: %s\n", b->name, err.message);
  return e;
}

static bool encode_to(doc_bench *b, bool msgpack) {
  vmir_error err;
  if (msgpack) {
    vmir_msgpack_writer_reset(b->msgpack_writer);
    return vmir_encode(b->encode_msgpack, b->value, b->shape, vmir_msgpack_writer_sink(b->msgpack_writer), NULL, &err) == VMIR_OK;
  }
  vmir_json_writer_reset(b->json_writer);
  return vmir_encode(b->encode_json, b->value, b->shape, vmir_json_writer_sink(b->json_writer), NULL, &err) == VMIR_OK;
}

/* Compiles every program and allocates the writers and the decoder. */
static bool doc_bench_prepare(doc_bench *b, const char *name, const vmir_shape *shape) {
  memset(b, 0, sizeof *b);
  b->name = name;
  b->shape = shape;
  vmir_error err;
  vmir_compile_options json = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_compile_options mp = vmir_compile_options_default(VMIR_FORMAT_MSGPACK);
  b->encode_json = prepare(b, 0, vmir_compile_encode(shape, &json, &err));
  b->encode_msgpack = prepare(b, 1, vmir_compile_encode(shape, &mp, &err));
  b->fused = prepare(b, 2, vmir_compile_decode_fused(shape, &json, &err));
  b->parse = prepare(b, 3, vmir_compile_decode_parse(shape, &json, &err));
  b->build = prepare(b, 4, vmir_compile_decode_build(shape, &json, &err));
  b->fused_msgpack = prepare(b, 5, vmir_compile_decode_fused(shape, &mp, &err));
  if (!b->encode_json || !b->encode_msgpack || !b->fused || !b->parse || !b->build || !b->fused_msgpack)
    return false;
  b->json_writer = vmir_json_writer_new(NULL);
  b->msgpack_writer = vmir_msgpack_writer_new();
  b->decoder = vmir_decoder_new(NULL);
  b->dest = calloc(1, shape->size);
  b->value = calloc(1, shape->size);
  vmir_arena_init(&b->value_arena, VMIR_ARENA_UNLIMITED);
  return true;
}

/* The documents (JSON unless already read, MessagePack) and the peers'
 * tree, from b->value. */
static bool doc_bench_finish(doc_bench *b) {
  if (!b->json) {
    if (!encode_to(b, false)) return false;
    size_t n;
    const uint8_t *d = vmir_json_writer_data(b->json_writer, &n);
    b->json = malloc(n + 1);
    memcpy(b->json, d, n);
    b->json[n] = 0;
    b->json_len = n;
  }
  if (!encode_to(b, true)) return false;
  const uint8_t *d = vmir_msgpack_writer_data(b->msgpack_writer, &b->msgpack_len);
  b->msgpack = malloc(b->msgpack_len);
  memcpy(b->msgpack, d, b->msgpack_len);
  /* NULL when json-c refuses the document (its depth limit is 32): then
   * json-c has no encode benchmark, and its decode one reports the error. */
  b->peer_tree = peer_jsonc_tree(b->json, b->json_len);
  return true;
}

bool doc_bench_init(doc_bench *b, const char *name, const char *file, const vmir_shape *shape,
                    const char *shared_dir) {
  if (!doc_bench_prepare(b, name, shape)) return false;
  vmir_error err;
  char path[4096];
  snprintf(path, sizeof path, "%s/corpora/%s", shared_dir, file);
  b->json = read_file(path, &b->json_len);
  if (b->json) {
    /* The corpus, decoded once into the typed value the encoders start from. */
    vmir_decoder *d = vmir_decoder_new(NULL);
    if (vmir_decode(b->fused, b->json, b->json_len, b->dest, shape, d, NULL, &err) != VMIR_OK) {
      fprintf(stderr, "bench %s: %s does not decode: %s\n", name, path, err.message);
      return false;
    }
    /* Keep the decoder alive: b->dest points into its arena. */
    memcpy(b->value, b->dest, shape->size);
  } else {
    fprintf(stderr, "bench %s: %s is absent; using a generated %s-like document (seed 42)\n", name,
            path, name);
    b->generated = true;
    vmir_gen g = {.state = 42, .arena = &b->value_arena, .max_list = 4, .max_depth = 6, .top_list = 200};
    if (!vmir_gen_value(&g, shape, b->value)) return false;
  }
  return doc_bench_finish(b);
}

bool doc_bench_init_value(doc_bench *b, const char *name, const vmir_shape *shape,
                          doc_bench_fill_fn fill, void *arg) {
  if (!doc_bench_prepare(b, name, shape)) return false;
  if (!fill(b->value, &b->value_arena, arg)) {
    fprintf(stderr, "bench %s: the document could not be made\n", name);
    return false;
  }
  return doc_bench_finish(b);
}

/* ---- workload bodies ---------------------------------------------------- */

static int encode_json(void *ctx) { return encode_to(ctx, false) ? 0 : 1; }
static int encode_msgpack(void *ctx) { return encode_to(ctx, true) ? 0 : 1; }

static int decode_fused(void *ctx) {
  doc_bench *b = ctx;
  vmir_decoder_reset(b->decoder);
  return vmir_decode(b->fused, b->json, b->json_len, b->dest, b->shape, b->decoder, NULL, NULL) != VMIR_OK;
}

static int decode_unfused(void *ctx) {
  doc_bench *b = ctx;
  vmir_decoder_reset(b->decoder);
  return vmir_decode_unfused(b->parse, b->build, b->json, b->json_len, b->dest, b->shape, b->decoder,
                             NULL, NULL) != VMIR_OK;
}

static int decode_msgpack(void *ctx) {
  doc_bench *b = ctx;
  vmir_decoder_reset(b->decoder);
  return vmir_decode(b->fused_msgpack, b->msgpack, b->msgpack_len, b->dest, b->shape, b->decoder, NULL,
                     NULL) != VMIR_OK;
}

static int jsonc_parse(void *ctx) {
  doc_bench *b = ctx;
  return peer_jsonc_parse(b->json, b->json_len) ? 0 : 1;
}

static int jsonc_serialize(void *ctx) {
  doc_bench *b = ctx;
  size_t len;
  return peer_jsonc_serialize(b->peer_tree, &len) ? 0 : 1;
}

static const uint8_t *jsonc_output(doc_bench *b, size_t *len) {
  return (const uint8_t *)peer_jsonc_serialize(b->peer_tree, len);
}

static int cjson_parse(void *ctx) {
  doc_bench *b = ctx;
  return peer_cjson_parse(b->json, b->json_len) ? 0 : 1;
}

static int jansson_parse(void *ctx) {
  doc_bench *b = ctx;
  return peer_jansson_parse(b->json, b->json_len, NULL, 0) ? 0 : 1;
}

/* Peers and hand-written code run with the JIT off (nothing of theirs is
 * compiled; this only keeps the configuration the same for all of them). */
static int tier_interp(void *ctx) {
  (void)ctx;
  return bench_tier_use(bench_tier_interp(), -1) ? 0 : 1;
}

/* What a run wrote, for the check against the interpreter (tier_bench.h). */
static const uint8_t *json_output(void *ctx, size_t *len) {
  return vmir_json_writer_data(((doc_bench *)ctx)->json_writer, len);
}

static const uint8_t *msgpack_output(void *ctx, size_t *len) {
  return vmir_msgpack_writer_data(((doc_bench *)ctx)->msgpack_writer, len);
}

static const uint8_t *decoded_output(void *ctx, size_t *len) {
  doc_bench *b = ctx;
  vmir_json_writer_reset(b->json_writer);
  if (vmir_encode(b->encode_json, b->dest, b->shape, vmir_json_writer_sink(b->json_writer), NULL, NULL) != VMIR_OK)
    return NULL;
  return vmir_json_writer_data(b->json_writer, len);
}

static void add(doc_bench *b, const char *op, const char *variant, vmir_bench_fn fn, size_t bytes) {
  char name[160];
  const char *doc = b->generated ? "-generated" : "";
  if (strncmp(variant, "vmir-", 5) != 0) {
    snprintf(name, sizeof name, "%s/%s%s/%s", op, b->name, doc, variant);
    vmir_bench_add_setup(strdup(name), tier_interp, fn, b, bytes);
    return;
  }
  tier_output_fn output = strcmp(op, "decode") == 0        ? decoded_output
                          : strcmp(variant, "vmir-msgpack") == 0 ? msgpack_output
                                                                 : json_output;
  snprintf(name, sizeof name, "%s/%s%s", op, b->name, doc);
  tier_bench_add(name, variant + 5, fn, output, b, bytes);
}

/* ---- twitter: the hand-written C baseline -------------------------------- */

typedef struct twitter_hw {
  doc_bench *b;
  twitter_doc dest;
  vmir_arena scratch;
  vmir_buf out;
} twitter_hw;

/* One twitter document: add() hands the doc_bench as context, so the
 * baseline's state lives here. */
static twitter_hw twhw;

static int twitter_encode_handwritten(void *ctx) {
  (void)ctx;
  twitter_hw *h = &twhw;
  h->out.len = 0;
  return tw_encode_json(h->b->value, &h->out) ? 0 : 1;
}

static int twitter_decode_handwritten(void *ctx) {
  (void)ctx;
  twitter_hw *h = &twhw;
  vmir_arena_reset(&h->scratch);
  return tw_decode_json((const uint8_t *)h->b->json, h->b->json_len, &h->dest, &h->scratch) ? 0 : 1;
}

/* vmir's JSON encoding of `value` into a malloc'd copy (NULL on failure). */
static uint8_t *vmir_json_of(doc_bench *b, const void *value, size_t *len) {
  vmir_error err;
  vmir_json_writer_reset(b->json_writer);
  if (vmir_encode(b->encode_json, value, b->shape, vmir_json_writer_sink(b->json_writer), NULL, &err) !=
      VMIR_OK) {
    fprintf(stderr, "bench %s: vmir encode failed: %s\n", b->name, err.message);
    return NULL;
  }
  const uint8_t *d = vmir_json_writer_data(b->json_writer, len);
  uint8_t *copy = malloc(*len ? *len : 1);
  if (copy) memcpy(copy, d, *len);
  return copy;
}

static bool same_bytes_as(const char *who, const char *what, const uint8_t *want, size_t want_len, const uint8_t *got,
                       size_t got_len) {
  size_t n = want_len < got_len ? want_len : got_len, i = 0;
  while (i < n && want[i] == got[i]) i++;
  if (i == n && want_len == got_len) return true;
  fprintf(stderr,
          "bench %s: %s differs from vmir at byte %zu (vmir %zu bytes, "
          "the peer's %zu bytes); not registered\n",
          who, what, i, want_len, got_len);
  return false;
}

static bool same_bytes(const char *what, const uint8_t *want, size_t want_len, const uint8_t *got,
                       size_t got_len) {
  return same_bytes_as("twitter/handwritten-c", what, want, want_len, got, got_len);
}

/* Registers the hand-written baseline only when it writes exactly what vmir
 * writes, and decodes to a value that both encoders write as vmir's decode. */
static void twitter_hw_register(doc_bench *b) {
  twitter_hw *h = &twhw;
  h->b = b;
  vmir_arena_init(&h->scratch, VMIR_ARENA_UNLIMITED);
  vmir_buf_init(&h->out);
  size_t want_len = 0, hw_len = 0;
  uint8_t *want = vmir_json_of(b, b->value, &want_len);
  bool ok = want != NULL;
  if (ok && twitter_encode_handwritten(NULL) != 0) {
    fprintf(stderr, "bench twitter/handwritten-c: the encoder fails; not registered\n");
    ok = false;
  }
  if (ok) ok = same_bytes("encode", want, want_len, h->out.data, h->out.len);
  /* Decode: vmir's encoding of vmir's decode of the text is the reference. */
  uint8_t *ref = NULL;
  size_t ref_len = 0;
  if (ok) {
    vmir_decoder_reset(b->decoder);
    vmir_error err;
    ok = vmir_decode(b->fused, b->json, b->json_len, b->dest, b->shape, b->decoder, NULL, &err) == VMIR_OK;
    if (ok) ref = vmir_json_of(b, b->dest, &ref_len);
    ok = ok && ref;
  }
  if (ok && twitter_decode_handwritten(NULL) != 0) {
    fprintf(stderr, "bench twitter/handwritten-c: the decoder rejects the document; not registered\n");
    ok = false;
  }
  if (ok) {
    h->out.len = 0;
    ok = tw_encode_json(&h->dest, &h->out) &&
         same_bytes("hand-written encode of the hand-written decode", ref, ref_len, h->out.data, h->out.len);
  }
  uint8_t *hw = NULL;
  if (ok) {
    hw = vmir_json_of(b, &h->dest, &hw_len);
    ok = hw && same_bytes("vmir encode of the hand-written decode", ref, ref_len, hw, hw_len);
  }
  free(want);
  free(ref);
  free(hw);
  if (!ok) return;
  add(b, "encode", "handwritten-c", twitter_encode_handwritten, b->json_len);
  add(b, "decode", "handwritten-c", twitter_decode_handwritten, b->json_len);
}

/* ---- simdjson ------------------------------------------------------------ */

static int simdjson_dom(void *ctx) {
  doc_bench *b = ctx;
  return peer_simdjson_dom_parse(b->simdjson) ? 0 : 1;
}

static void *peer_arena_alloc(void *ctx, size_t size, size_t align) {
  return vmir_arena_alloc(ctx, size, align);
}

static int simdjson_canada(void *ctx) {
  doc_bench *b = ctx;
  vmir_arena_reset(&b->peer_arena);
  return peer_simdjson_canada(b->simdjson, b->dest, peer_arena_alloc, &b->peer_arena) ? 0 : 1;
}

static int simdjson_twitter(void *ctx) {
  doc_bench *b = ctx;
  vmir_arena_reset(&b->peer_arena);
  return peer_simdjson_twitter(b->simdjson, b->dest, peer_arena_alloc, &b->peer_arena) ? 0 : 1;
}

static int simdjson_citm(void *ctx) {
  doc_bench *b = ctx;
  vmir_arena_reset(&b->peer_arena);
  return peer_simdjson_citm(b->simdjson, b->dest, peer_arena_alloc, &b->peer_arena) ? 0 : 1;
}

/* A peer that decodes into the model structs is registered only when vmir
 * writes its result exactly as it writes vmir's own decode of the text. */
static void register_struct_decoder(doc_bench *b, const char *variant, vmir_bench_fn fn) {
  char who[96];
  snprintf(who, sizeof who, "%s/%s", b->name, variant);
  vmir_error err;
  vmir_decoder_reset(b->decoder);
  size_t ref_len = 0, got_len = 0;
  uint8_t *ref = NULL, *got = NULL;
  if (vmir_decode(b->fused, b->json, b->json_len, b->dest, b->shape, b->decoder, NULL, &err) == VMIR_OK)
    ref = vmir_json_of(b, b->dest, &ref_len);
  memset(b->dest, 0, b->shape->size);
  bool ok = ref && fn(b) == 0;
  if (!ok) fprintf(stderr, "bench %s: the peer rejects the document; not registered\n", who);
  if (ok) got = vmir_json_of(b, b->dest, &got_len);
  ok = ok && got && same_bytes_as(who, "its decode", ref, ref_len, got, got_len);
  free(ref);
  free(got);
  if (ok) add(b, "decode", variant, fn, b->json_len);
}

/* ---- writer peers and msgpack-c ------------------------------------------- */

static int rapidjson_canada(void *ctx) {
  doc_bench *b = ctx;
  const char *text;
  size_t len;
  return peer_rapidjson_canada(b->value, &text, &len) ? 0 : 1;
}

static int rapidjson_citm(void *ctx) {
  doc_bench *b = ctx;
  const char *text;
  size_t len;
  return peer_rapidjson_citm(b->value, &text, &len) ? 0 : 1;
}

static int rapidjson_twitter(void *ctx) {
  doc_bench *b = ctx;
  const char *text;
  size_t len;
  return peer_rapidjson_twitter(b->value, &text, &len) ? 0 : 1;
}

static const uint8_t *rapidjson_twitter_output(doc_bench *b, size_t *len) {
  const char *text = NULL;
  return peer_rapidjson_twitter(b->value, &text, len) ? (const uint8_t *)text : NULL;
}

static int msgpack_pack_twitter(void *ctx) {
  doc_bench *b = ctx;
  const uint8_t *data;
  size_t len;
  return peer_msgpack_pack_twitter(b->value, &data, &len) ? 0 : 1;
}

static const uint8_t *msgpack_c_twitter_output(doc_bench *b, size_t *len) {
  const uint8_t *data = NULL;
  return peer_msgpack_pack_twitter(b->value, &data, len) ? data : NULL;
}

static int msgpack_pack_citm(void *ctx) {
  doc_bench *b = ctx;
  const uint8_t *data;
  size_t len;
  return peer_msgpack_pack_citm(b->value, &data, &len) ? 0 : 1;
}

static const uint8_t *msgpack_c_citm_output(doc_bench *b, size_t *len) {
  const uint8_t *data = NULL;
  return peer_msgpack_pack_citm(b->value, &data, len) ? data : NULL;
}

static const uint8_t *rapidjson_citm_output(doc_bench *b, size_t *len) {
  const char *text = NULL;
  return peer_rapidjson_citm(b->value, &text, len) ? (const uint8_t *)text : NULL;
}

static int msgpack_pack_canada(void *ctx) {
  doc_bench *b = ctx;
  const uint8_t *data;
  size_t len;
  return peer_msgpack_pack_canada(b->value, &data, &len) ? 0 : 1;
}

static int msgpack_unpack(void *ctx) {
  doc_bench *b = ctx;
  return peer_msgpack_unpack(b->msgpack, b->msgpack_len) ? 0 : 1;
}

/* An encode peer is registered only when its output, decoded by vmir into
 * the model, is the value it started from: vmir writes both alike. */
static void register_struct_encoder(doc_bench *b, const char *variant, vmir_bench_fn fn,
                                    const uint8_t *(*output)(doc_bench *b, size_t *len),
                                    bool msgpack) {
  char who[96];
  snprintf(who, sizeof who, "%s/%s", b->name, variant);
  size_t want_len = 0, got_len = 0, out_len = 0;
  uint8_t *want = vmir_json_of(b, b->value, &want_len), *got = NULL;
  bool ok = want && fn(b) == 0;
  if (!ok) fprintf(stderr, "bench %s: the peer fails to write the document; not registered\n", who);
  const uint8_t *out = ok ? output(b, &out_len) : NULL;
  ok = ok && out;
  vmir_error err;
  vmir_decoder_reset(b->decoder);
  if (ok && vmir_decode(msgpack ? b->fused_msgpack : b->fused, out, out_len, b->dest, b->shape,
                        b->decoder, NULL, &err) != VMIR_OK) {
    fprintf(stderr, "bench %s: vmir rejects the peer's output: %s; not registered\n", who, err.message);
    ok = false;
  }
  if (ok) got = vmir_json_of(b, b->dest, &got_len);
  ok = ok && got && same_bytes_as(who, "its output, read back", want, want_len, got, got_len);
  free(want);
  free(got);
  if (ok) add(b, "encode", variant, fn, b->json_len);
}

static const uint8_t *rapidjson_output(doc_bench *b, size_t *len) {
  const char *text = NULL;
  return peer_rapidjson_canada(b->value, &text, len) ? (const uint8_t *)text : NULL;
}

static const uint8_t *msgpack_c_canada_output(doc_bench *b, size_t *len) {
  const uint8_t *data = NULL;
  return peer_msgpack_pack_canada(b->value, &data, len) ? data : NULL;
}

static void simdjson_register(doc_bench *b) {
  /* The simdjson peer is built for Haswell (bench/meson.build): skip it on
   * a CPU without AVX2 rather than die of an illegal instruction. */
  if (!__builtin_cpu_supports("avx2")) return;
  vmir_arena_init(&b->peer_arena, VMIR_ARENA_UNLIMITED);
  b->simdjson = peer_simdjson_prepare(b->json, b->json_len);
  if (!b->simdjson) return;
  if (simdjson_dom(b) == 0) add(b, "decode", "peer-simdjson-dom", simdjson_dom, b->json_len);
  if (b->shape == &canada_shape) register_struct_decoder(b, "peer-simdjson-ondemand", simdjson_canada);
  if (b->shape == &twitter_shape) register_struct_decoder(b, "peer-simdjson-ondemand", simdjson_twitter);
  if (b->shape == &citm_shape) register_struct_decoder(b, "peer-simdjson-ondemand", simdjson_citm);
}

static void writer_peers_register(doc_bench *b) {
  if (peer_msgpack_unpack(b->msgpack, b->msgpack_len))
    add(b, "decode", "peer-msgpack-c", msgpack_unpack, b->json_len);
  if (b->shape == &twitter_shape) {
    register_struct_encoder(b, "peer-rapidjson", rapidjson_twitter, rapidjson_twitter_output, false);
    register_struct_encoder(b, "peer-msgpack-c", msgpack_pack_twitter, msgpack_c_twitter_output, true);
  }
  if (b->shape == &citm_shape) {
    register_struct_encoder(b, "peer-rapidjson", rapidjson_citm, rapidjson_citm_output, false);
    register_struct_encoder(b, "peer-msgpack-c", msgpack_pack_citm, msgpack_c_citm_output, true);
  }
  if (b->shape != &canada_shape) return;
  register_struct_encoder(b, "peer-rapidjson", rapidjson_canada, rapidjson_output, false);
  register_struct_encoder(b, "peer-msgpack-c", msgpack_pack_canada, msgpack_c_canada_output, true);
}

void doc_bench_register(doc_bench *b) {
  if (b->shape == &twitter_shape) twitter_hw_register(b);
  simdjson_register(b);
  writer_peers_register(b);
  add(b, "encode", "vmir-json", encode_json, b->json_len);
  add(b, "encode", "vmir-msgpack", encode_msgpack, b->json_len);
  if (b->peer_tree) register_struct_encoder(b, "peer-json-c", jsonc_serialize, jsonc_output, false);
  add(b, "decode", "vmir-fused", decode_fused, b->json_len);
  add(b, "decode", "vmir-unfused", decode_unfused, b->json_len);
  add(b, "decode", "vmir-msgpack", decode_msgpack, b->json_len);
  add(b, "decode", "peer-json-c", jsonc_parse, b->json_len);
  add(b, "decode", "peer-cjson", cjson_parse, b->json_len);
  char why[160];
  if (peer_jansson_parse(b->json, b->json_len, why, sizeof why))
    add(b, "decode", "peer-jansson", jansson_parse, b->json_len);
  else
    fprintf(stderr, "vmir-bench: decode/%s/peer-jansson left out: jansson cannot read the document (%s)\n",
            b->name, why);
}

/* ---- records: vmir against hand-written C ------------------------------- */

typedef struct records_bench {
  records value, dest;
  vmir_arena arena, scratch;
  vmir_buf out;
  char *json;
  size_t json_len;
  vmir_executable *encode, *fused, *parse, *build;
  vmir_json_writer *writer;
  vmir_decoder *decoder;
} records_bench;

static records_bench rb;

static int records_encode_handwritten(void *ctx) {
  (void)ctx;
  rb.out.len = 0;
  return records_encode_json(&rb.value, &rb.out) ? 0 : 1;
}

static int records_encode_vmir(void *ctx) {
  (void)ctx;
  vmir_json_writer_reset(rb.writer);
  return vmir_encode(rb.encode, &rb.value, &records_shape, vmir_json_writer_sink(rb.writer), NULL, NULL) != VMIR_OK;
}

static int records_decode_handwritten(void *ctx) {
  (void)ctx;
  vmir_arena_reset(&rb.scratch);
  return records_decode_json((const uint8_t *)rb.json, rb.json_len, &rb.dest, &rb.scratch) ? 0 : 1;
}

static int records_decode_fused(void *ctx) {
  (void)ctx;
  vmir_decoder_reset(rb.decoder);
  return vmir_decode(rb.fused, rb.json, rb.json_len, &rb.dest, &records_shape, rb.decoder, NULL, NULL) != VMIR_OK;
}

static int records_decode_unfused(void *ctx) {
  (void)ctx;
  vmir_decoder_reset(rb.decoder);
  return vmir_decode_unfused(rb.parse, rb.build, rb.json, rb.json_len, &rb.dest, &records_shape, rb.decoder,
                             NULL, NULL) != VMIR_OK;
}

static const uint8_t *records_json_output(void *ctx, size_t *len) {
  (void)ctx;
  return vmir_json_writer_data(rb.writer, len);
}

static const uint8_t *records_decoded_output(void *ctx, size_t *len) {
  (void)ctx;
  vmir_json_writer_reset(rb.writer);
  if (vmir_encode(rb.encode, &rb.dest, &records_shape, vmir_json_writer_sink(rb.writer), NULL, NULL) != VMIR_OK)
    return NULL;
  return vmir_json_writer_data(rb.writer, len);
}

static vmir_executable *records_exe(vmir_program *p) {
  vmir_error err;
  return p ? vmir_executable_new(p, &records_shape, &err) : NULL;
}

bool records_bench_init(uint32_t count) {
  vmir_error err;
  vmir_arena_init(&rb.arena, VMIR_ARENA_UNLIMITED);
  vmir_arena_init(&rb.scratch, VMIR_ARENA_UNLIMITED);
  vmir_buf_init(&rb.out);
  if (!records_generate(&rb.value, count, 7, &rb.arena)) return false;
  vmir_compile_options json = vmir_compile_options_default(VMIR_FORMAT_JSON);
  rb.encode = records_exe(vmir_compile_encode(&records_shape, &json, &err));
  rb.fused = records_exe(vmir_compile_decode_fused(&records_shape, &json, &err));
  rb.parse = records_exe(vmir_compile_decode_parse(&records_shape, &json, &err));
  rb.build = records_exe(vmir_compile_decode_build(&records_shape, &json, &err));
  if (!rb.encode || !rb.fused || !rb.parse || !rb.build) return false;
  rb.writer = vmir_json_writer_new(NULL);
  rb.decoder = vmir_decoder_new(NULL);
  if (records_encode_vmir(NULL) || !records_encode_json(&rb.value, &rb.out)) return false;
  size_t n;
  const uint8_t *d = vmir_json_writer_data(rb.writer, &n);
  /* The baseline must write exactly what vmir writes. */
  if (n != rb.out.len || memcmp(d, rb.out.data, n) != 0) {
    fprintf(stderr, "bench records: hand-written and vmir JSON differ\n");
    return false;
  }
  rb.json = malloc(n + 1);
  memcpy(rb.json, d, n);
  rb.json[n] = 0;
  rb.json_len = n;
  if (records_decode_handwritten(NULL) || records_decode_fused(NULL) || records_decode_unfused(NULL)) {
    fprintf(stderr, "bench records: a decoder rejects the document\n");
    return false;
  }
  vmir_bench_add("encode/records/handwritten-c", records_encode_handwritten, NULL, n);
  tier_bench_add("encode/records", "json", records_encode_vmir, records_json_output, NULL, n);
  vmir_bench_add("decode/records/handwritten-c", records_decode_handwritten, NULL, n);
  tier_bench_add("decode/records", "fused", records_decode_fused, records_decoded_output, NULL, n);
  tier_bench_add("decode/records", "unfused", records_decode_unfused, records_decoded_output, NULL, n);
  return true;
}
