#include "workloads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen_value.h"
#include "handwritten_twitter.h"
#include "peer_libs.h"
#include "records.h"
#include "shim.h"
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

bool doc_bench_init(doc_bench *b, const char *name, const char *file, const vmir_shape *shape,
                    const char *shared_dir) {
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
  b->peer_tree = peer_jsonc_tree(b->json, b->json_len);
  return b->peer_tree != NULL;
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
  return peer_jsonc_serialize(b->peer_tree) ? 0 : 1;
}

static int cjson_parse(void *ctx) {
  doc_bench *b = ctx;
  return peer_cjson_parse(b->json, b->json_len) ? 0 : 1;
}

static int jansson_parse(void *ctx) {
  doc_bench *b = ctx;
  return peer_jansson_parse(b->json, b->json_len) ? 0 : 1;
}

/* Execution tiers: every vmir workload runs once on the interpreter alone
 * and once on stencil code compiled before its first run. */
static int tier_interp(void *ctx) {
  (void)ctx;
  vmir_jit_config c = vmir_jit_config_default();
  c.backend = "none";
  return vmir_jit_configure(&c, NULL) != VMIR_OK;
}

static int tier_stencil(void *ctx) {
  (void)ctx;
  if (!vmir_jit_backend_available("stencil", NULL)) return 1;
  vmir_jit_config c = vmir_jit_config_default();
  c.backend = "stencil";
  c.threshold = 0;
  return vmir_jit_configure(&c, NULL) != VMIR_OK;
}

/* The libgccjit tiers (O0, O2): compiles take hundreds of milliseconds
 * on the background thread, so the setup runs the workload until its
 * programs are compiled before the timing starts. */
typedef struct gccjit_tier {
  vmir_bench_fn fn;
  void *ctx;
  uint32_t flags;
} gccjit_tier;

/* Compiles claimed (cache misses), and those finished. */
static void compile_counts(uint64_t *claimed, uint64_t *finished) {
  vmir_jit_stats s;
  vmir_jit_stats_get(&s);
  *claimed = s.cache_misses;
  *finished = s.compiles + s.compile_failures;
}

static int tier_gccjit(void *ctx) {
  gccjit_tier *t = ctx;
  if (!vmir_jit_backend_available("gccjit", NULL)) return 1;
  vmir_jit_config c = vmir_jit_config_default();
  c.backend = "gccjit";
  c.threshold = 0;
  c.flags = t->flags;
  if (vmir_jit_configure(&c, NULL) != VMIR_OK) return 1;
  /* Run until a run claims no new compile, waiting (up to 2 min) for
   * every claimed compile to finish after each. */
  for (int round = 0; round < 20; round++) {
    uint64_t claimed_before, finished, claimed;
    compile_counts(&claimed_before, &finished);
    if (t->fn(t->ctx) != 0) return 1;
    struct timespec pause = {0, 10 * 1000000L};
    for (int i = 0; i < 12000; i++) {
      compile_counts(&claimed, &finished);
      if (finished >= claimed) break;
      nanosleep(&pause, NULL);
    }
    if (claimed == claimed_before) return 0;
  }
  return 0;
}

static int gccjit_run(void *ctx) {
  gccjit_tier *t = ctx;
  return t->fn(t->ctx);
}

static void add_gccjit(const char *name, vmir_bench_fn fn, void *ctx, size_t bytes) {
  static const struct {
    const char *level;
    uint32_t flags;
  } levels[] = {{"O0", VMIR_JIT_FLAG_OPT_LOW}, {"O2", 0}};
  for (size_t i = 0; i < 2; i++) {
    gccjit_tier *t = malloc(sizeof *t);
    if (!t) return;
    *t = (gccjit_tier){fn, ctx, levels[i].flags};
    char full[200];
    snprintf(full, sizeof full, name, levels[i].level);
    vmir_bench_add_setup(strdup(full), tier_gccjit, gccjit_run, t, bytes);
  }
}

static void add(doc_bench *b, const char *op, const char *variant, vmir_bench_fn fn, size_t bytes) {
  char name[160];
  const char *doc = b->generated ? "-generated" : "";
  if (strncmp(variant, "vmir-", 5) != 0) {
    snprintf(name, sizeof name, "%s/%s%s/%s", op, b->name, doc, variant);
    vmir_bench_add_setup(strdup(name), tier_interp, fn, b, bytes);
    return;
  }
  snprintf(name, sizeof name, "%s/%s%s/vmir-interp-%s", op, b->name, doc, variant + 5);
  vmir_bench_add_setup(strdup(name), tier_interp, fn, b, bytes);
  snprintf(name, sizeof name, "%s/%s%s/vmir-stencil-%s", op, b->name, doc, variant + 5);
  vmir_bench_add_setup(strdup(name), tier_stencil, fn, b, bytes);
  /* %%s: the level, filled in by add_gccjit. */
  snprintf(name, sizeof name, "%s/%s%s/vmir-gccjit-%%s-%s", op, b->name, doc, variant + 5);
  add_gccjit(name, fn, b, bytes);
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

static bool same_bytes(const char *what, const uint8_t *want, size_t want_len, const uint8_t *got,
                       size_t got_len) {
  size_t n = want_len < got_len ? want_len : got_len, i = 0;
  while (i < n && want[i] == got[i]) i++;
  if (i == n && want_len == got_len) return true;
  fprintf(stderr,
          "bench twitter/handwritten-c: %s differs from vmir at byte %zu (vmir %zu bytes, "
          "hand-written %zu bytes); not registered\n",
          what, i, want_len, got_len);
  return false;
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

void doc_bench_register(doc_bench *b) {
  if (b->shape == &twitter_shape) twitter_hw_register(b);
  add(b, "encode", "vmir-json", encode_json, b->json_len);
  add(b, "encode", "vmir-msgpack", encode_msgpack, b->json_len);
  add(b, "encode", "peer-json-c", jsonc_serialize, b->json_len);
  add(b, "decode", "vmir-fused", decode_fused, b->json_len);
  add(b, "decode", "vmir-unfused", decode_unfused, b->json_len);
  add(b, "decode", "vmir-msgpack", decode_msgpack, b->json_len);
  add(b, "decode", "peer-json-c", jsonc_parse, b->json_len);
  add(b, "decode", "peer-cjson", cjson_parse, b->json_len);
  add(b, "decode", "peer-jansson", jansson_parse, b->json_len);
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
  vmir_bench_add_setup("encode/records/vmir-interp-json", tier_interp, records_encode_vmir, NULL, n);
  vmir_bench_add_setup("encode/records/vmir-stencil-json", tier_stencil, records_encode_vmir, NULL, n);
  vmir_bench_add("decode/records/handwritten-c", records_decode_handwritten, NULL, n);
  vmir_bench_add_setup("decode/records/vmir-interp-fused", tier_interp, records_decode_fused, NULL, n);
  vmir_bench_add_setup("decode/records/vmir-stencil-fused", tier_stencil, records_decode_fused, NULL, n);
  vmir_bench_add_setup("decode/records/vmir-interp-unfused", tier_interp, records_decode_unfused, NULL, n);
  vmir_bench_add_setup("decode/records/vmir-stencil-unfused", tier_stencil, records_decode_unfused, NULL, n);
  return true;
}
