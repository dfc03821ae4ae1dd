/* Hostile documents (issue 11): decode costs stay linear in the document
 * (time as a ratio of CPU time per item at two sizes, memory as a ratio of
 * arena bytes to document bytes, never wall-clock limits), repeated keys
 * inside `value` trees follow the --duplicates policy, and errors inside a
 * `value` name their real path. Every case runs fused and unfused. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format/json_lex.h"
#include "format/msgpack_lex.h"
#include "harness.h"
#include "util/arena.h"
#include "vmir/vmir.h"

typedef struct codec {
  vmir_shape_set *set;
  const vmir_shape *shape;
  vmir_program *fused_p, *parse_p, *build_p;
  vmir_executable *fused, *parse, *build;
} codec;

static codec codec_of(const char *shape_text, vmir_format format, bool last_wins,
                      vmir_unknown_policy unknown) {
  codec c = {0};
  vmir_error err;
  c.set = vmir_shape_text_parse(shape_text, strlen(shape_text), "<test>", &err);
  ck_assert_msg(c.set, "shape: %s", err.message);
  c.shape = vmir_shape_set_root(c.set);
  vmir_compile_options opt = vmir_compile_options_default(format);
  opt.duplicate_last_wins = last_wins;
  opt.unknown_fields = unknown;
  c.fused_p = vmir_compile_decode_fused(c.shape, &opt, &err);
  ck_assert_msg(c.fused_p, "%s", err.message);
  c.parse_p = vmir_compile_decode_parse(c.shape, &opt, &err);
  ck_assert_msg(c.parse_p, "%s", err.message);
  c.build_p = vmir_compile_decode_build(c.shape, &opt, &err);
  ck_assert_msg(c.build_p, "%s", err.message);
  c.fused = vmir_executable_new(c.fused_p, c.shape, &err);
  c.parse = vmir_executable_new(c.parse_p, c.shape, &err);
  c.build = vmir_executable_new(c.build_p, c.shape, &err);
  ck_assert(c.fused && c.parse && c.build);
  return c;
}

static void codec_free(codec *c) {
  vmir_executable_free(c->fused);
  vmir_executable_free(c->parse);
  vmir_executable_free(c->build);
  vmir_program_free(c->fused_p);
  vmir_program_free(c->parse_p);
  vmir_program_free(c->build_p);
  vmir_shape_set_free(c->set);
}

static vmir_status decode_mode(const codec *c, bool unfused, const void *doc, size_t len,
                               vmir_decoder *dec, void *dest, vmir_error *err) {
  return unfused ? vmir_decode_unfused(c->parse, c->build, doc, len, dest, c->shape, dec, NULL, err)
                 : vmir_decode(c->fused, doc, len, dest, c->shape, dec, NULL, err);
}

static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Best of three CPU times of one decode (absorbs scheduling noise), with a
 * decoder reused as a server would: a first, unmeasured decode lets the
 * arena and event batch reach their size, so page faults are not counted. */
static double best_decode_time(const codec *c, bool unfused, const char *doc, size_t len) {
  double best = 1e9;
  vmir_decoder *dec = vmir_decoder_new(NULL);
  for (int run = 0; run < 4; run++) {
    uint8_t dest[64] = {0};
    vmir_error err;
    vmir_decoder_reset(dec);
    double t0 = cpu_seconds();
    vmir_status st = decode_mode(c, unfused, doc, len, dec, dest, &err);
    double t = cpu_seconds() - t0;
    ck_assert_msg(st == VMIR_OK, "%s", err.message);
    if (run > 0 && t < best) best = t;
  }
  vmir_decoder_free(dec);
  return best;
}

/* {"k0":0,"k1":1,...} */
static char *map_doc(size_t keys, size_t *len) {
  char *doc = malloc(keys * 24 + 2);
  size_t n = 0;
  doc[n++] = '{';
  for (size_t i = 0; i < keys; i++) n += (size_t)sprintf(doc + n, "%s\"k%zu\":%zu", i ? "," : "", i, i);
  doc[n++] = '}';
  *len = n;
  return doc;
}

/* A map of 200 000 keys costs no more than 3x the time per key of 20 000
 * keys (the duplicate check was a scan of every earlier key: 10x more keys
 * took 100x the time per ... key 10x).
 * t[verify format.parse.unsafe-contained] */
START_TEST(map_keys_linear_time) {
  codec c = codec_of("(shapes (root (map (entry-size 24) (value-offset 16) (shape u64))))",
                     VMIR_FORMAT_JSON, false, VMIR_UNKNOWN_DENY);
  size_t small_len, large_len;
  char *small = map_doc(20000, &small_len), *large = map_doc(200000, &large_len);
  for (int unfused = 0; unfused < 2; unfused++) {
    double per_small = best_decode_time(&c, unfused, small, small_len) / 20000;
    double per_large = best_decode_time(&c, unfused, large, large_len) / 200000;
    double ratio = per_large / per_small;
    printf("map keys (%s): time per key at 200000 / at 20000 = %.2f\n", unfused ? "unfused" : "fused",
           ratio);
    ck_assert_msg(ratio <= 3.0, "%s: a key costs %.1fx more at 200000 keys than at 20000",
                  unfused ? "unfused" : "fused", ratio);
  }
  free(small);
  free(large);
  codec_free(&c);
}
END_TEST

/* {"id":1,"unknown_member_000000":"<a 100-byte text>",...} */
static char *collect_doc(size_t members, size_t *len) {
  char *doc = malloc(members * 160 + 32);
  size_t n = (size_t)sprintf(doc, "{\"id\":1");
  for (size_t i = 0; i < members; i++)
    n += (size_t)sprintf(doc + n, ",\"unknown_member_%06zu\":\"collected text %06zu: %.80s\"", i, i,
                         "a member the shape does not name, kept in the struct's value field ......");
  doc[n++] = '}';
  *len = n;
  return doc;
}

/* Arena bytes after collecting `members` unknown members. */
static size_t collect_held(const codec *c, bool unfused, size_t members, size_t *doc_len) {
  char *doc = collect_doc(members, doc_len);
  /* a bounded arena: quadratic copies fail at the limit, not at 8 GB */
  vmir_decode_limits limits = {.max_arena = (size_t)256 << 20};
  vmir_decoder *dec = vmir_decoder_new(&limits);
  uint8_t dest[32] = {0};
  vmir_error err;
  vmir_status st = decode_mode(c, unfused, doc, *doc_len, dec, dest, &err);
  ck_assert_msg(st == VMIR_OK, "%zu members: %s", members, err.message);
  vmir_value rest;
  memcpy(&rest, dest + 8, sizeof rest);
  ck_assert_int_eq(rest.type, VMIR_VALUE_OBJECT);
  ck_assert_uint_eq(rest.as.object.len, members);
  size_t held = vmir_decoder_bytes_held(dec);
  vmir_decoder_free(dec);
  free(doc);
  return held;
}

/* Collecting 20 000 unknown members holds under 4x the document's size in
 * the arena, and the arena bytes per member at 20 000 members are within
 * 1.5x of those at 2 000 (each append copied the whole member array, and
 * the arena kept every copy). t[verify format.parse.unsafe-contained] */
START_TEST(collected_members_linear_memory) {
  codec c = codec_of("(shapes (root (struct (size 32) (align 8) (field id (offset 0) (shape u64))"
                     " (field rest (offset 8) (shape value)))))",
                     VMIR_FORMAT_JSON, false, VMIR_UNKNOWN_COLLECT);
  for (int unfused = 0; unfused < 2; unfused++) {
    size_t small_len, large_len;
    size_t small = collect_held(&c, unfused, 2000, &small_len);
    size_t large = collect_held(&c, unfused, 20000, &large_len);
    double to_doc = (double)large / (double)large_len;
    double growth = ((double)large / 20000) / ((double)small / 2000);
    printf("collected members (%s): arena/document = %.2f; bytes per member 20000/2000 = %.2f\n",
           unfused ? "unfused" : "fused", to_doc, growth);
    ck_assert_msg(to_doc < 4.0, "arena holds %.1fx the document", to_doc);
    ck_assert_msg(growth <= 1.5, "a member costs %.1fx more memory at 20000 members", growth);
  }
  codec_free(&c);
}
END_TEST

typedef struct dup_case {
  const char *json;
  const uint8_t *msgpack;
  size_t msgpack_len;
  const char *key, *path;   /* the rejection: the key and the object's path */
  size_t json_offset, msgpack_offset;
} dup_case;

/* Duplicate keys inside a `value` follow --duplicates: rejected by default
 * at the repeated key (offset, key, path), last value at the first key's
 * place under last-wins; fused and unfused, JSON and MessagePack agree.
 * t[verify format.parse.error-build-context]
 * t[verify format.parse.fusion-semantic-equivalence] */
START_TEST(value_duplicates_follow_policy) {
  static const uint8_t flat_mp[] = {0x82, 0xa1, 'a', 0x01, 0xa1, 'a', 0x02};
  static const uint8_t nested_mp[] = {0x92, 0x01, 0x81, 0xa1, 'b', 0x83, 0xa1, 'x', 0x01,
                                      0xa1, 'y', 0x02, 0xa1, 'x', 0x03};
  static const dup_case cases[] = {
      {"{\"a\":1,\"a\":2}", flat_mp, sizeof flat_mp, "a", "(root)", 7, 4},
      {"[1,{\"b\":{\"x\":1,\"y\":2,\"x\":3}}]", nested_mp, sizeof nested_mp, "x", "[1].b", 21, 12},
  };
  /* last-wins: the repeated key's object keeps this many members, the
   * first of them with the last value */
  static const struct { size_t members; uint64_t last; } kept[] = {{1, 2}, {2, 3}};
  for (int fmt = 0; fmt < 2; fmt++) {
    vmir_format format = fmt ? VMIR_FORMAT_MSGPACK : VMIR_FORMAT_JSON;
    codec strict = codec_of("(shapes (root value))", format, false, VMIR_UNKNOWN_DENY);
    codec lenient = codec_of("(shapes (root value))", format, true, VMIR_UNKNOWN_DENY);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
      const dup_case *k = &cases[i];
      const void *doc = fmt ? (const void *)k->msgpack : k->json;
      size_t len = fmt ? k->msgpack_len : strlen(k->json);
      for (int unfused = 0; unfused < 2; unfused++) {
        vmir_decoder *dec = vmir_decoder_new(NULL);
        vmir_value v = {.type = VMIR_VALUE_BOOL};
        vmir_error err;
        ck_assert_int_eq(decode_mode(&strict, unfused, doc, len, dec, &v, &err), VMIR_E_BUILD);
        char want[64];
        snprintf(want, sizeof want, "duplicate key \"%s\"", k->key);
        ck_assert_msg(strstr(err.message, want), "%s", err.message);
        ck_assert_uint_eq(err.offset, fmt ? k->msgpack_offset : k->json_offset);
        ck_assert_str_eq(err.path, k->path);
        ck_assert_int_eq(v.type, VMIR_VALUE_BOOL);  /* destination untouched */
        ck_assert_int_eq(decode_mode(&lenient, unfused, doc, len, dec, &v, &err), VMIR_OK);
        const vmir_value *obj = i == 0 ? &v : &v.as.array.items[1].as.object.members[0].value;
        ck_assert_int_eq(obj->type, VMIR_VALUE_OBJECT);
        ck_assert_uint_eq(obj->as.object.len, kept[i].members);
        ck_assert_uint_eq(obj->as.object.members[0].key.len, 1);
        ck_assert_int_eq(obj->as.object.members[0].key.ptr[0], k->key[0]);
        ck_assert_uint_eq(obj->as.object.members[0].value.as.u64, kept[i].last);
        vmir_decoder_free(dec);
      }
    }
    codec_free(&strict);
    codec_free(&lenient);
  }
}
END_TEST

/* An error inside a `value` names its real path, as a typed list does.
 * t[verify format.ir.error-carries-path] */
START_TEST(value_errors_name_their_path) {
  codec c = codec_of("(shapes (root value))", VMIR_FORMAT_JSON, false, VMIR_UNKNOWN_DENY);
  size_t count = 200000;
  char *doc = malloc(count * 2 + 32);
  size_t n = 0;
  doc[n++] = '[';
  for (size_t i = 0; i < count; i++) {
    doc[n++] = '0';
    doc[n++] = ',';
  }
  n += (size_t)sprintf(doc + n, "{\"key\":tru}]");
  for (int unfused = 0; unfused < 2; unfused++) {
    vmir_decoder *dec = vmir_decoder_new(NULL);
    vmir_value v;
    vmir_error err;
    ck_assert_int_eq(decode_mode(&c, unfused, doc, n, dec, &v, &err), VMIR_E_DECODE);
    ck_assert_msg(strcmp(err.path, "[200000].key") == 0 && err.offset == count * 2 + 8,
                  "%s: %s at %s", unfused ? "unfused" : "fused", err.message, err.path);
    vmir_decoder_free(dec);
  }
  free(doc);
  codec_free(&c);
}
END_TEST


/* `{"v":1,"next":` n times, null, then n closing braces: n objects. */
static char *chain_doc(size_t n, size_t *len) {
  char *doc = malloc(n * 16 + 8);
  size_t at = 0;
  for (size_t i = 0; i < n; i++) at += (size_t)sprintf(doc + at, "{\"v\":1,\"next\":");
  at += (size_t)sprintf(doc + at, "null");
  memset(doc + at, '}', n);
  *len = at + n;
  return doc;
}

/* The depth limit counts the document's levels: a recursive struct through
 * a nullable option decodes 512 nested objects and fails at the 513th (it
 * failed at 257: the option's payload took a second path entry per level),
 * with the position (offset, line, column) and the full path.
 * t[verify format.parse.error-token-context]
 * t[verify format.parse.error-build-context] */
START_TEST(depth_limit_counts_document_levels) {
  codec c = codec_of("(shapes (define node (struct (size 16) (align 8) (field v (offset 0) (shape u64))"
                     " (field next (offset 8) (shape (option nullable node))))) (root node))",
                     VMIR_FORMAT_JSON, false, VMIR_UNKNOWN_DENY);
  for (int unfused = 0; unfused < 2; unfused++) {
    size_t len;
    char *doc = chain_doc(512, &len);
    vmir_decoder *dec = vmir_decoder_new(NULL);
    uint8_t dest[16] = {0};
    vmir_error err;
    ck_assert_msg(decode_mode(&c, unfused, doc, len, dec, dest, &err) == VMIR_OK, "%s", err.message);
    free(doc);
    doc = chain_doc(513, &len);
    memset(dest, 0xab, sizeof dest);
    ck_assert_int_eq(decode_mode(&c, unfused, doc, len, dec, dest, &err), VMIR_E_LIMIT);
    ck_assert_msg(strstr(err.message, "nesting deeper than 512 levels"), "%s", err.message);
    /* at the 513th object's first member value (its first value one
     * level further in), inside the 512th object's `next` */
    ck_assert_uint_eq(err.offset, 512 * 14 + 5);
    ck_assert_uint_eq(err.line, 1);
    ck_assert_uint_eq(err.column, 512 * 14 + 6);
    ck_assert_msg(strncmp(err.path, ".next.next", 10) == 0, "%s", err.path);
    for (size_t i = 0; i < sizeof dest; i++) ck_assert_uint_eq(dest[i], 0xab);
    free(doc);
    vmir_decoder_free(dec);
  }
  codec_free(&c);
}
END_TEST

/* Deep nesting in unfused decode is an error with a place: the offset,
 * line and column of the container past the limit, and its path (it was
 * "call depth over 512" with neither). t[verify format.parse.error-token-context] */
START_TEST(unfused_deep_nesting_has_a_place) {
  codec c = codec_of("(shapes (root value))", VMIR_FORMAT_JSON, false, VMIR_UNKNOWN_DENY);
  size_t n = 3000;
  char *doc = malloc(2 * n + 1);
  memset(doc, '[', n);
  memset(doc + n, ']', n);
  for (int unfused = 0; unfused < 2; unfused++) {
    vmir_decoder *dec = vmir_decoder_new(NULL);
    vmir_value v;
    vmir_error err;
    ck_assert_int_eq(decode_mode(&c, unfused, doc, 2 * n, dec, &v, &err), VMIR_E_LIMIT);
    ck_assert_msg(err.has_offset && err.offset == 512 && err.line == 1 && err.column == 513,
                  "%s: %s", unfused ? "unfused" : "fused", err.message);
    ck_assert_msg(strstr(err.path, "[0][0]"), "%s", err.path);
    vmir_decoder_free(dec);
  }
  free(doc);
  codec_free(&c);
}
END_TEST

/* Collected unknown members follow --duplicates too: a repeated unknown key
 * is rejected at its offset, or its last value kept in the first place. */
START_TEST(collected_duplicates_follow_policy) {
  const char *shape = "(shapes (root (struct (size 32) (align 8) (field id (offset 0) (shape u64))"
                      " (field rest (offset 8) (shape value)))))";
  const char *doc = "{\"id\":1,\"x\":1,\"y\":2,\"x\":3}";
  codec strict = codec_of(shape, VMIR_FORMAT_JSON, false, VMIR_UNKNOWN_COLLECT);
  codec lenient = codec_of(shape, VMIR_FORMAT_JSON, true, VMIR_UNKNOWN_COLLECT);
  for (int unfused = 0; unfused < 2; unfused++) {
    vmir_decoder *dec = vmir_decoder_new(NULL);
    uint8_t dest[32] = {0};
    vmir_error err;
    ck_assert_int_eq(decode_mode(&strict, unfused, doc, strlen(doc), dec, dest, &err), VMIR_E_BUILD);
    ck_assert_msg(strstr(err.message, "duplicate key \"x\""), "%s", err.message);
    ck_assert_uint_eq(err.offset, 20);
    ck_assert_int_eq(decode_mode(&lenient, unfused, doc, strlen(doc), dec, dest, &err), VMIR_OK);
    vmir_value rest;
    memcpy(&rest, dest + 8, sizeof rest);
    ck_assert_uint_eq(rest.as.object.len, 2);
    ck_assert_int_eq(rest.as.object.members[0].key.ptr[0], 'x');
    ck_assert_uint_eq(rest.as.object.members[0].value.as.u64, 3);
    vmir_decoder_free(dec);
  }
  codec_free(&strict);
  codec_free(&lenient);
}
END_TEST

/* Encoding a `value` names the failing item's path inside it: a NaN at
 * index 200000 of an array (no JSON form) is at [200000], not (root).
 * t[verify format.ir.error-carries-path] t[verify format.ir.sink-error-propagation] */
START_TEST(encode_errors_inside_a_value_name_their_path) {
  vmir_error err;
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_program *p = vmir_compile_encode(&vmir_shape_value, &opt, &err);
  ck_assert_msg(p, "%s", err.message);
  vmir_executable *exe = vmir_executable_new(p, &vmir_shape_value, &err);
  ck_assert(exe);
  size_t n = 200001;
  vmir_value *items = calloc(n, sizeof *items);
  for (size_t i = 0; i < n; i++) items[i] = (vmir_value){.type = VMIR_VALUE_UINT};
  vmir_member member = {{"inner", 5}, {.type = VMIR_VALUE_FLOAT}};
  member.value.as.f64 = NAN;
  items[n - 1] = (vmir_value){.type = VMIR_VALUE_OBJECT};
  items[n - 1].as.object.members = &member;
  items[n - 1].as.object.len = 1;
  vmir_value root = {.type = VMIR_VALUE_ARRAY};
  root.as.array.items = items;
  root.as.array.len = n;
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  ck_assert_int_eq(vmir_encode(exe, &root, &vmir_shape_value, vmir_json_writer_sink(w), NULL, &err),
                   VMIR_E_SINK);
  ck_assert_str_eq(err.path, "[200000].inner");
  vmir_json_writer_free(w);
  free(items);
  vmir_executable_free(exe);
  vmir_program_free(p);
}
END_TEST

/* ---- mutation evidence (docs/mutation.md) ------------------------------------ */

/* The value readers' depth limit is exact, in both formats: arrays nested
 * as deep as the limit are read, one level more is a limit error and
 * nothing past it is read.
 * t[verify format.parse.unsafe-contained] */
START_TEST(value_depth_limit_is_exact) {
  enum { LIMIT = 6 };
  for (int deeper = 0; deeper < 2; deeper++) {
    size_t levels = LIMIT + (size_t)deeper;
    uint8_t mp[LIMIT + 2];
    char js[2 * LIMIT + 4];
    size_t n = 0;
    for (size_t i = 0; i < levels; i++) {
      mp[i] = 0x91; /* an array of one element */
      js[n++] = '[';
    }
    mp[levels] = 0x01;
    js[n++] = '1';
    for (size_t i = 0; i < levels; i++) js[n++] = ']';
    for (int f = 0; f < 2; f++) {
      vmir_arena arena;
      vmir_arena_init(&arena, VMIR_ARENA_UNLIMITED);
      vmir_source src;
      if (f == 0) vmir_source_init(&src, mp, levels + 1, VMIR_SOURCE_BINARY);
      else vmir_source_init(&src, js, n, VMIR_SOURCE_TEXT);
      src.depth_limit = LIMIT;
      vmir_value v;
      vmir_error err;
      vmir_error_clear(&err);
      vmir_status st = f == 0 ? vmir_msgpack_read_value(&src, &arena, &v, &err)
                              : vmir_json_read_value(&src, &arena, &v, &err);
      if (!deeper) {
        ck_assert_msg(st == VMIR_OK, "%s, %d levels: %s", f ? "JSON" : "MessagePack", LIMIT,
                      err.message);
      } else {
        ck_assert_msg(st == VMIR_E_LIMIT, "%s, %d levels: %s", f ? "JSON" : "MessagePack",
                      LIMIT + 1, vmir_status_name(st));
      }
      vmir_arena_free(&arena);
    }
  }
}
END_TEST

static Suite *hostile_suite(void) {
  Suite *s = suite_create("decode_hostile");
  TCase *tc = tcase_create("hostile documents");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, map_keys_linear_time);
  tcase_add_test(tc, collected_members_linear_memory);
  tcase_add_test(tc, value_duplicates_follow_policy);
  tcase_add_test(tc, value_errors_name_their_path);
  tcase_add_test(tc, depth_limit_counts_document_levels);
  tcase_add_test(tc, unfused_deep_nesting_has_a_place);
  tcase_add_test(tc, collected_duplicates_follow_policy);
  tcase_add_test(tc, encode_errors_inside_a_value_name_their_path);
  suite_add_tcase(s, tc);
  TCase *mut = tcase_create("mutation evidence");
  tcase_add_test(mut, value_depth_limit_is_exact);
  suite_add_tcase(s, mut);
  return s;
}

int main(void) { return vmir_test_run(hostile_suite(), "decode_hostile"); }
