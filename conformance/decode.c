/* Decode path, end to end: shape -> decode compiler -> interpreter (fused
 * and unfused) -> typed C value, checked against our encoder and against
 * independent parsers, with hostile input and the JSONTestSuite. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canada_model.h"
#include "citm_model.h"
#include "encode_types.h"
#include "harness.h"
#include <msgpack.h>
#include "peers.h"
#include "twitter_model.h"

/* ---- helpers ------------------------------------------------------------- */

/* Compiled fused, parse and build programs plus an encoder for a shape. */
typedef struct codec {
  const vmir_shape *shape;
  vmir_format format;
  vmir_program *fused_p, *parse_p, *build_p, *encode_json_p, *encode_msgpack_p;
  vmir_executable *fused, *parse, *build, *encode_json, *encode_msgpack;
} codec;

static vmir_executable *exe_of(vmir_program *p, const vmir_shape *shape) {
  vmir_error err;
  ck_assert_msg(p, "compile failed");
  vmir_executable *e = vmir_executable_new(p, shape, &err);
  ck_assert_msg(e, "executable: %s", err.message);
  return e;
}

static codec codec_new(const vmir_shape *shape, vmir_format format, vmir_compile_options opt) {
  codec c = {.shape = shape, .format = format};
  vmir_error err;
  opt.format = format;
  c.fused_p = vmir_compile_decode_fused(shape, &opt, &err);
  ck_assert_msg(c.fused_p, "fused: %s", err.message);
  c.parse_p = vmir_compile_decode_parse(shape, &opt, &err);
  ck_assert_msg(c.parse_p, "parse: %s", err.message);
  c.build_p = vmir_compile_decode_build(shape, &opt, &err);
  ck_assert_msg(c.build_p, "build: %s", err.message);
  vmir_compile_options eo = vmir_compile_options_default(VMIR_FORMAT_JSON);
  c.encode_json_p = vmir_compile_encode(shape, &eo, &err);
  eo.format = VMIR_FORMAT_MSGPACK;
  c.encode_msgpack_p = vmir_compile_encode(shape, &eo, &err);
  c.fused = exe_of(c.fused_p, shape);
  c.parse = exe_of(c.parse_p, shape);
  c.build = exe_of(c.build_p, shape);
  c.encode_json = exe_of(c.encode_json_p, shape);
  c.encode_msgpack = exe_of(c.encode_msgpack_p, shape);
  return c;
}

static codec codec_default(const vmir_shape *shape, vmir_format format) {
  return codec_new(shape, format, vmir_compile_options_default(format));
}

static void codec_free(codec *c) {
  vmir_executable_free(c->fused);
  vmir_executable_free(c->parse);
  vmir_executable_free(c->build);
  vmir_executable_free(c->encode_json);
  vmir_executable_free(c->encode_msgpack);
  vmir_program_free(c->fused_p);
  vmir_program_free(c->parse_p);
  vmir_program_free(c->build_p);
  vmir_program_free(c->encode_json_p);
  vmir_program_free(c->encode_msgpack_p);
}

/* Encodes a value with our writer; malloc'd bytes. */
static char *encode(const codec *c, const void *value, vmir_format f, size_t *len) {
  vmir_error err;
  char *out = NULL;
  if (f == VMIR_FORMAT_JSON) {
    vmir_json_writer *w = vmir_json_writer_new(NULL);
    ck_assert_msg(vmir_encode(c->encode_json, value, c->shape, vmir_json_writer_sink(w), NULL, &err) == VMIR_OK,
                  "encode: %s", err.message);
    const uint8_t *d = vmir_json_writer_data(w, len);
    out = malloc(*len + 1);
    memcpy(out, d, *len);
    out[*len] = 0;
    vmir_json_writer_free(w);
  } else {
    vmir_msgpack_writer *w = vmir_msgpack_writer_new();
    ck_assert_msg(vmir_encode(c->encode_msgpack, value, c->shape, vmir_msgpack_writer_sink(w), NULL, &err) == VMIR_OK,
                  "encode: %s", err.message);
    const uint8_t *d = vmir_msgpack_writer_data(w, len);
    out = malloc(*len + 1);
    memcpy(out, d, *len);
    out[*len] = 0;
    vmir_msgpack_writer_free(w);
  }
  return out;
}

typedef struct outcome {
  vmir_status status;
  vmir_error err;
  char *json;   /* the decoded value re-encoded as JSON, on success */
} outcome;

/* Decodes `in` fused and unfused (separate decoders and destinations),
 * asserts both agree (same value, or same error code, offset and path),
 * and returns the fused outcome. */
static outcome decode_both_limited(const codec *c, const void *in, size_t len,
                                   const vmir_decode_limits *limits) {
  outcome o[2];
  for (int mode = 0; mode < 2; mode++) {
    vmir_decoder *dec = vmir_decoder_new(limits);
    void *dest = calloc(1, c->shape->size ? c->shape->size : 1);
    memset(&o[mode], 0, sizeof o[mode]);
    o[mode].status = mode == 0
        ? vmir_decode(c->fused, in, len, dest, c->shape, dec, NULL, &o[mode].err)
        : vmir_decode_unfused(c->parse, c->build, in, len, dest, c->shape, dec, NULL, &o[mode].err);
    if (o[mode].status == VMIR_OK) {
      size_t n;
      o[mode].json = encode(c, dest, VMIR_FORMAT_JSON, &n);
    }
    free(dest);
    vmir_decoder_free(dec);
  }
  ck_assert_msg(o[0].status == o[1].status, "fused %s (%s) vs unfused %s (%s)",
                vmir_status_name(o[0].status), o[0].err.message, vmir_status_name(o[1].status),
                o[1].err.message);
  if (o[0].status == VMIR_OK) {
    ck_assert_str_eq(o[0].json, o[1].json);
  } else if (o[0].status != VMIR_E_LIMIT) {
    /* Limits are enforced by different mechanisms (the value reader's depth
     * bound, the VM's call depth), so only the code must agree for them. */
    ck_assert_msg(o[0].err.offset == o[1].err.offset, "offsets differ: fused %s / unfused %s",
                  o[0].err.message, o[1].err.message);
    ck_assert_str_eq(o[0].err.path, o[1].err.path);
  }
  free(o[1].json);
  return o[0];
}

static outcome decode_both(const codec *c, const void *in, size_t len) {
  return decode_both_limited(c, in, len, NULL);
}

static void expect_decoded(const codec *c, const char *input, const char *expected_json) {
  outcome o = decode_both(c, input, strlen(input));
  ck_assert_msg(o.status == VMIR_OK, "decode of %s failed: %s", input, o.err.message);
  ck_assert_str_eq(o.json, expected_json);
  free(o.json);
}

static outcome expect_failure(const codec *c, const char *input, vmir_status code) {
  outcome o = decode_both(c, input, strlen(input));
  ck_assert_msg(o.status == code, "decode of %s: expected %s, got %s (%s)", input,
                vmir_status_name(code), vmir_status_name(o.status), o.err.message);
  return o;
}

#define S(lit) ((vmir_str){lit, sizeof(lit) - 1})

/* ---- every kind, both formats ----------------------------------------------- */

static const char all_kinds_json[] =
    "{\"b\":true,\"u8\":255,\"u16\":65535,\"u32\":4294967295,\"u64\":18446744073709551615,"
    "\"i8\":-128,\"i16\":-32768,\"i32\":-2147483648,\"i64\":-9223372036854775808,\"f32\":0.5,"
    "\"f64\":-1.25,\"s\":\"h\xc3\xa9llo \\\"q\\\" \\\\ \\n\\t\\u0001\",\"bytes\":[0,1,255],\"opt\":-5,"
    "\"nullable\":7,\"pointer\":18446744073709551615,\"list\":[1,2,65535],\"array\":[1,2,3],"
    "\"map\":{\"a\":0.5,\"b\\\"q\":-2.25},\"tuple\":[-1,200],\"dynamic\":{\"k\":[\"x\",2.5],\"n\":null},"
    "\"nothing\":null}";

/* JSON -> value -> JSON is the identity on our canonical output, fused and
 * unfused agree, and the same holds through MessagePack.
 * t[verify format.parse.fusion-semantic-equivalence]
 * t[verify format.parse.fusion-optional]
 * t[verify format.parse.build-ops-equivalence] */
START_TEST(every_kind_round_trip) {
  codec json = codec_default(&all_kinds_shape, VMIR_FORMAT_JSON);
  codec mp = codec_default(&all_kinds_shape, VMIR_FORMAT_MSGPACK);
  expect_decoded(&json, all_kinds_json, all_kinds_json);
  /* JSON -> value -> MessagePack -> value -> JSON */
  vmir_decoder *dec = vmir_decoder_new(NULL);
  all_kinds v;
  vmir_error err;
  ck_assert_int_eq(vmir_decode(json.fused, all_kinds_json, strlen(all_kinds_json), &v, &all_kinds_shape, dec, NULL, &err), VMIR_OK);
  size_t n;
  char *packed = encode(&mp, &v, VMIR_FORMAT_MSGPACK, &n);
  outcome o = decode_both(&mp, packed, n);
  ck_assert_msg(o.status == VMIR_OK, "%s", o.err.message);
  ck_assert_str_eq(o.json, all_kinds_json);
  free(o.json);
  free(packed);
  vmir_decoder_free(dec);
  /* Whitespace anywhere between tokens. */
  expect_decoded(&json, " {\n\t\"b\" : true , \"u8\":255,\"u16\":65535,\"u32\":4294967295,\"u64\":18446744073709551615,"
                 "\"i8\":-128,\"i16\":-32768,\"i32\":-2147483648,\"i64\":-9223372036854775808,\"f32\":0.5,"
                 "\"f64\":-1.25,\"s\":\"\",\"bytes\":[ ],\"opt\":null,\"nullable\":null,\"pointer\":1,"
                 "\"list\":[],\"array\":[1 ,2, 3],\"map\":{},\"tuple\":[-1,200],\"dynamic\":[],\"nothing\":null }\r\n",
                 "{\"b\":true,\"u8\":255,\"u16\":65535,\"u32\":4294967295,\"u64\":18446744073709551615,"
                 "\"i8\":-128,\"i16\":-32768,\"i32\":-2147483648,\"i64\":-9223372036854775808,\"f32\":0.5,"
                 "\"f64\":-1.25,\"s\":\"\",\"bytes\":[],\"opt\":null,\"nullable\":null,\"pointer\":1,"
                 "\"list\":[],\"array\":[1,2,3],\"map\":{},\"tuple\":[-1,200],\"dynamic\":[],\"nothing\":null}");
  codec_free(&json);
  codec_free(&mp);
}
END_TEST

/* ---- enums ------------------------------------------------------------------- */

/* t[verify format.ir.enum-tagging-policy] */
START_TEST(enum_tagging_decode) {
  struct { const vmir_shape *shape; const char *in, *out; } cases[] = {
      {&figure_external_shape, "{\"circle\":1.5}", "{\"circle\":1.5}"},
      {&figure_external_shape, "{\"rect\":{\"h\":2.5,\"w\":1.5}}", "{\"rect\":{\"w\":1.5,\"h\":2.5}}"},
      {&figure_external_shape, "{\"point\":[-1,2]}", "{\"point\":[-1,2]}"},
      {&figure_external_shape, "\"empty\"", "\"empty\""},
      {&figure_external_unit_shape, "{\"empty\":null}", "{\"empty\":null}"},
      {&figure_adjacent_shape, "{\"t\":\"circle\",\"c\":1.5}", "{\"t\":\"circle\",\"c\":1.5}"},
      {&figure_adjacent_shape, "{\"c\":[3,4],\"t\":\"point\"}", "{\"t\":\"point\",\"c\":[3,4]}"},
      {&figure_adjacent_shape, "{\"t\":\"empty\"}", "{\"t\":\"empty\"}"},
      {&figure_internal_shape, "{\"w\":1.5,\"type\":\"rect\",\"h\":2.5}", "{\"type\":\"rect\",\"w\":1.5,\"h\":2.5}"},
      {&figure_internal_shape, "{\"type\":\"empty\"}", "{\"type\":\"empty\"}"},
      {&figure_untagged_shape, "1.5", "1.5"},
      {&figure_untagged_shape, "{\"w\":1.5,\"h\":2.5}", "{\"w\":1.5,\"h\":2.5}"},
      {&figure_untagged_shape, "[3,4]", "[3,4]"},
      {&figure_untagged_shape, "null", "null"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
      codec jc = codec_default(cases[i].shape, VMIR_FORMAT_JSON);
      if (f == VMIR_FORMAT_JSON) {
        expect_decoded(&jc, cases[i].in, cases[i].out);
      } else {
        /* Through MessagePack: decode the JSON, pack it, decode the pack. */
        codec mc = codec_default(cases[i].shape, VMIR_FORMAT_MSGPACK);
        vmir_decoder *dec = vmir_decoder_new(NULL);
        figure fig;
        vmir_error err;
        ck_assert_int_eq(vmir_decode(jc.fused, cases[i].in, strlen(cases[i].in), &fig, cases[i].shape, dec, NULL, &err), VMIR_OK);
        size_t n;
        char *packed = encode(&mc, &fig, VMIR_FORMAT_MSGPACK, &n);
        outcome o = decode_both(&mc, packed, n);
        ck_assert_msg(o.status == VMIR_OK, "%s: %s", cases[i].in, o.err.message);
        ck_assert_str_eq(o.json, cases[i].out);
        free(o.json);
        free(packed);
        vmir_decoder_free(dec);
        codec_free(&mc);
      }
      codec_free(&jc);
    }
  }
  codec c = codec_default(&figure_external_shape, VMIR_FORMAT_JSON);
  outcome o = expect_failure(&c, "{\"hexagon\":1}", VMIR_E_DECODE);
  ck_assert_uint_eq(o.err.offset, 11);
  codec_free(&c);
}
END_TEST

/* ---- build state machine ----------------------------------------------------- */

/* Options absent or null become none; a missing required field is a build
 * error that names it; duplicates are rejected unless last-wins.
 * t[verify format.parse.build-state-machine-preserved]
 * t[verify format.parse.error-build-context] */
START_TEST(strict_completion_and_duplicates) {
  codec c = codec_default(&user_shape, VMIR_FORMAT_JSON);
  expect_decoded(&c, "{\"name\":\"a\",\"id\":1}", "{\"id\":1,\"name\":\"a\"}");
  outcome o = expect_failure(&c, "{\"id\":1}", VMIR_E_BUILD);
  ck_assert_ptr_nonnull(strstr(o.err.message, "name"));
  o = expect_failure(&c, "{\"id\":1,\"name\":\"a\",\"id\":2}", VMIR_E_BUILD);
  ck_assert_ptr_nonnull(strstr(o.err.message, "duplicate"));
  ck_assert_uint_eq(o.err.offset, 19);
  codec_free(&c);
  vmir_compile_options lw = vmir_compile_options_default(VMIR_FORMAT_JSON);
  lw.duplicate_last_wins = true;
  c = codec_new(&user_shape, VMIR_FORMAT_JSON, lw);
  expect_decoded(&c, "{\"id\":1,\"name\":\"a\",\"id\":2}", "{\"id\":2,\"name\":\"a\"}");
  codec_free(&c);
  codec n = codec_default(&node_shape, VMIR_FORMAT_JSON);
  expect_decoded(&n, "{\"value\":1,\"next\":null,\"children\":[{\"value\":2,\"next\":{\"value\":3,\"next\":null,\"children\":[]},\"children\":[]}]}",
                 "{\"value\":1,\"next\":null,\"children\":[{\"value\":2,\"next\":{\"value\":3,\"next\":null,\"children\":[]},\"children\":[]}]}");
  /* `next` is an option: absent is none. */
  expect_decoded(&n, "{\"value\":1,\"children\":[]}", "{\"value\":1,\"next\":null,\"children\":[]}");
  codec_free(&n);
}
END_TEST

/* Strict completion past 64 fields (the seen bits span two words): a
 * complete struct decodes, an absent field flagged default is zero, and
 * of several absent required fields the error names the first in field
 * order, in either word.
 * t[verify format.parse.build-state-machine-preserved]
 * t[verify format.parse.error-build-context] */
START_TEST(strict_completion_wide_struct) {
  char text[8192];
  size_t n = (size_t)snprintf(text, sizeof text, "(shapes (define wide (struct (size 70) (align 1)");
  for (int i = 0; i < 70; i++)
    n += (size_t)snprintf(text + n, sizeof text - n, " (field f%d (offset %d) (shape u8)%s)", i, i,
                          i == 66 ? " (flags default)" : "");
  n += (size_t)snprintf(text + n, sizeof text - n, ")) (root wide))");
  ck_assert_uint_lt(n, sizeof text);
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(text, n, "<wide>", &err);
  ck_assert_msg(set != NULL, "%s", err.message);
  codec c = codec_default(vmir_shape_set_root(set), VMIR_FORMAT_JSON);
  /* {"f0":1,...} without the fields a case leaves out; the expected
   * outcome: decoded, or the field the error must name. */
  static const struct {
    int absent[3]; /* ended by -1 */
    const char *named;
  } cases[] = {
      {{-1}, NULL},              /* complete */
      {{66, -1}, NULL},          /* only the default field absent: zero */
      {{67, -1}, "'f67'"},       /* required, in the second word */
      {{5, 65, -1}, "'f5'"},     /* two absent: the first in field order */
      {{64, 66, -1}, "'f64'"},   /* the first bit of the second word */
  };
  char doc[2048];
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    size_t m = 0;
    doc[m++] = '{';
    for (int i = 0; i < 70; i++) {
      bool skip = false;
      for (int j = 0; cases[k].absent[j] >= 0; j++) skip |= cases[k].absent[j] == i;
      if (skip) continue;
      m += (size_t)snprintf(doc + m, sizeof doc - m, "%s\"f%d\":%d", m > 1 ? "," : "", i, i + 1);
    }
    doc[m++] = '}';
    doc[m] = 0;
    outcome o = decode_both(&c, doc, m);
    if (!cases[k].named) {
      ck_assert_msg(o.status == VMIR_OK, "case %zu: %s", k, o.err.message);
      ck_assert_ptr_nonnull(strstr(o.json, k == 1 ? "\"f66\":0" : "\"f66\":67"));
      ck_assert_ptr_nonnull(strstr(o.json, "\"f69\":70"));
      free(o.json);
    } else {
      ck_assert_msg(o.status == VMIR_E_BUILD, "case %zu: %s", k, vmir_status_name(o.status));
      ck_assert_msg(strstr(o.err.message, "missing required field") &&
                        strstr(o.err.message, cases[k].named),
                    "case %zu: %s", k, o.err.message);
    }
  }
  codec_free(&c);
  vmir_shape_set_free(set);
}
END_TEST

/* Our own output decodes back under every field policy: skip (absent on
 * the wire, zero after decode), rename, flatten, and skip-if fields that the
 * encoder omitted. */
START_TEST(policies_round_trip) {
  codec c = codec_default(&policies_shape, VMIR_FORMAT_JSON);
  vmir_decoder *dec = vmir_decoder_new(NULL);
  policies p;
  vmir_error err;
  const char *doc = "{\"kept\":1,\"newName\":2,\"y\":-3,\"x\":3}";
  ck_assert_int_eq(vmir_decode(c.fused, doc, strlen(doc), &p, &policies_shape, dec, NULL, &err), VMIR_OK);
  ck_assert_uint_eq(p.kept, 1);
  ck_assert_uint_eq(p.renamed, 2);
  ck_assert_int_eq(p.flat.x, 3);
  ck_assert_int_eq(p.flat.y, -3);
  ck_assert(!p.maybe.present);
  ck_assert_uint_eq(p.items.len, 0);
  ck_assert_uint_eq(p.zero, 0);
  ck_assert_uint_eq(p.secret, 0);
  const char *full = "{\"kept\":1,\"newName\":2,\"x\":3,\"y\":-3,\"maybe\":6,\"items\":[4,5],\"zero\":8,\"hosted\":9}";
  ck_assert_int_eq(vmir_decode_unfused(c.parse, c.build, full, strlen(full), &p, &policies_shape, dec, NULL, &err), VMIR_OK);
  ck_assert(p.maybe.present && p.maybe.value == 6);
  ck_assert_uint_eq(p.items.len, 2);
  ck_assert_uint_eq(p.hosted, 9);
  /* A skipped field's key is unknown on the wire. */
  outcome o = expect_failure(&c, "{\"kept\":1,\"newName\":2,\"x\":3,\"y\":-3,\"secret\":5}", VMIR_E_BUILD);
  ck_assert_ptr_nonnull(strstr(o.err.message, "secret"));
  vmir_decoder_free(dec);
  codec_free(&c);
}
END_TEST

typedef struct open_record {
  uint32_t a;
  vmir_value rest;
} open_record;

static const vmir_field open_fields[] = {
    VMIR_FIELD(open_record, a, &vmir_shape_u32),
    VMIR_FIELD(open_record, rest, &vmir_shape_value, .flags = VMIR_FIELD_DEFAULT),
};
static const vmir_shape open_shape = VMIR_STRUCT(open_record, open_fields);

/* Unknown fields: denied by default (naming the key and where it is),
 * skipped, or collected. */
START_TEST(unknown_field_policies) {
  codec deny = codec_default(&user_shape, VMIR_FORMAT_JSON);
  outcome o = expect_failure(&deny, "{\"id\":1,\n \"zzz\":[1,{}],\"name\":\"a\"}", VMIR_E_BUILD);
  ck_assert_ptr_nonnull(strstr(o.err.message, "zzz"));
  ck_assert_uint_eq(o.err.line, 2);
  ck_assert_uint_eq(o.err.column, 2);
  codec_free(&deny);
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  opt.unknown_fields = VMIR_UNKNOWN_SKIP;
  codec skip = codec_new(&user_shape, VMIR_FORMAT_JSON, opt);
  expect_decoded(&skip, "{\"id\":1,\"zzz\":[1,{\"q\":[]}],\"name\":\"a\"}", "{\"id\":1,\"name\":\"a\"}");
  codec_free(&skip);
  opt.unknown_fields = VMIR_UNKNOWN_COLLECT;
  codec collect = codec_new(&open_shape, VMIR_FORMAT_JSON, opt);
  expect_decoded(&collect, "{\"x\":true,\"a\":5,\"y\":[1]}", "{\"a\":5,\"rest\":{\"x\":true,\"y\":[1]}}");
  codec_free(&collect);
}
END_TEST

/* ---- errors and failure semantics -------------------------------------------- */

/* Decode errors carry offset, line, column, an excerpt, expected vs found,
 * and the value path.
 * t[verify format.parse.error-token-context]
 * t[verify format.parse.error-build-context] */
START_TEST(error_context) {
  codec c = codec_default(&node_shape, VMIR_FORMAT_JSON);
  const char *in = "{\"value\":1,\n  \"children\":[{\"value\":2,\"children\":[]},\n   {\"value\":\"x\"}]}";
  outcome o = expect_failure(&c, in, VMIR_E_DECODE);
  ck_assert_uint_eq(o.err.line, 3);
  ck_assert_uint_eq(o.err.column, 13);
  ck_assert_uint_eq(o.err.offset, (size_t)(strstr(in, "\"x\"") - in));
  ck_assert_str_eq(o.err.path, ".children[1].value");
  ck_assert_ptr_nonnull(strstr(o.err.message, "line 3, column 13"));
  ck_assert_ptr_nonnull(strstr(o.err.message, "\"x\""));
  ck_assert_int_ge(o.err.insn, 0);
  /* Syntax errors name the token found. */
  o = expect_failure(&c, "{\"value\":1 \"children\":[]}", VMIR_E_DECODE);
  ck_assert_uint_eq(o.err.column, 12);
  /* Out of range for the width. */
  codec u = codec_default(&all_kinds_shape, VMIR_FORMAT_JSON);
  char *big = strdup(all_kinds_json);
  memcpy(strstr(big, "\"u8\":255") + 5, "256", 3);
  o = decode_both(&u, big, strlen(big));
  ck_assert_int_eq(o.status, VMIR_E_BUILD);
  ck_assert_str_eq(o.err.path, ".u8");
  ck_assert_ptr_nonnull(strstr(o.err.message, "out of range"));
  free(big);
  codec_free(&u);
  codec_free(&c);
}
END_TEST

/* A failed decode leaves the destination exactly as it was and gives back
 * the arena memory of the attempt.
 * t[verify format.parse.error-stop-on-failure] */
START_TEST(failure_leaves_destination_untouched) {
  codec c = codec_default(&all_kinds_shape, VMIR_FORMAT_JSON);
  all_kinds dest, before;
  memset(&dest, 0xab, sizeof dest);
  memcpy(&before, &dest, sizeof dest);
  vmir_decoder *dec = vmir_decoder_new(NULL);
  vmir_error err;
  size_t len = strlen(all_kinds_json);
  /* Fail at every position: truncated prefixes of a valid document. */
  for (size_t cut = 0; cut < len; cut++) {
    ck_assert_int_ne(vmir_decode(c.fused, all_kinds_json, cut, &dest, &all_kinds_shape, dec, NULL, &err), VMIR_OK);
    ck_assert_mem_eq(&dest, &before, sizeof dest);
    ck_assert_int_ne(vmir_decode_unfused(c.parse, c.build, all_kinds_json, cut, &dest, &all_kinds_shape, dec, NULL, &err), VMIR_OK);
    ck_assert_mem_eq(&dest, &before, sizeof dest);
  }
  /* Failing attempts do not accumulate memory. */
  char *late = strdup(all_kinds_json);
  late[len - 2] = 'x';
  ck_assert_int_ne(vmir_decode(c.fused, late, len, &dest, &all_kinds_shape, dec, NULL, &err), VMIR_OK);
  size_t held = vmir_decoder_bytes_held(dec);
  for (int i = 0; i < 300; i++)
    ck_assert_int_ne(vmir_decode(c.fused, late, len, &dest, &all_kinds_shape, dec, NULL, &err), VMIR_OK);
  ck_assert_uint_eq(vmir_decoder_bytes_held(dec), held);
  ck_assert_mem_eq(&dest, &before, sizeof dest);
  /* And success writes it. */
  ck_assert_int_eq(vmir_decode(c.fused, all_kinds_json, len, &dest, &all_kinds_shape, dec, NULL, &err), VMIR_OK);
  ck_assert_uint_eq(dest.u8, 255);
  free(late);
  vmir_decoder_free(dec);
  codec_free(&c);
}
END_TEST

/* Depth bombs, oversized input and strings are rejected with a limit
 * error, never a crash and never stack growth. */
START_TEST(limits) {
  codec v = codec_default(&vmir_shape_value, VMIR_FORMAT_JSON);
  size_t n = 100000;
  char *bomb = malloc(n + 1);
  memset(bomb, '[', n);
  bomb[n] = 0;
  outcome o = decode_both(&v, bomb, n);
  ck_assert_int_ne(o.status, VMIR_OK);
  free(bomb);
  codec node = codec_default(&node_shape, VMIR_FORMAT_JSON);
  /* A typed recursive value nested deeper than the limit. */
  size_t depth = 3000;
  char *deep = malloc(depth * 32 + 64);
  size_t at = 0;
  for (size_t i = 0; i < depth; i++) at += (size_t)sprintf(deep + at, "{\"value\":1,\"children\":[");
  for (size_t i = 0; i < depth; i++) at += (size_t)sprintf(deep + at, "]}");
  o = decode_both(&node, deep, at);
  ck_assert_int_eq(o.status, VMIR_E_LIMIT);
  free(deep);
  vmir_decode_limits lim = {.max_input = 16, .max_string = 4};
  vmir_decoder *dec = vmir_decoder_new(&lim);
  user u;
  vmir_error err;
  codec uc = codec_default(&user_shape, VMIR_FORMAT_JSON);
  const char *doc = "{\"id\":1,\"name\":\"abcdef\"}";
  ck_assert_int_eq(vmir_decode(uc.fused, doc, strlen(doc), &u, &user_shape, dec, NULL, &err), VMIR_E_LIMIT);
  vmir_decoder_free(dec);
  lim.max_input = 1000;
  dec = vmir_decoder_new(&lim);
  ck_assert_int_ne(vmir_decode(uc.fused, doc, strlen(doc), &u, &user_shape, dec, NULL, &err), VMIR_OK);
  ck_assert_ptr_nonnull(strstr(err.message, "4"));
  vmir_decoder_free(dec);
  codec_free(&uc);
  codec_free(&node);
  codec_free(&v);
}
END_TEST

/* On malformed input, unfused decode reports what fused decode reports:
 * the build side meets the parse failure where the fused program meets
 * the malformed token (found by the diff-decode fuzzer, class
 * unfused-syntax-errors). decode_both asserts equal code, offset and path;
 * each case also pins which error that is.
 * t[verify format.parse.fusion-semantic-equivalence]
 * t[verify format.parse.error-build-context] */
START_TEST(malformed_input_same_error) {
  codec node = codec_default(&node_shape, VMIR_FORMAT_JSON);
  /* an item that fails: the path names the item, not its container */
  const char *bad_item = "{\"value\":1,\"children\":[{\"value\":2,\"children\":[]},\x93]}";
  outcome o = expect_failure(&node, bad_item, VMIR_E_DECODE);
  ck_assert_str_eq(o.err.path, ".children[1]");
  ck_assert_uint_eq(o.err.offset, (size_t)(strchr(bad_item, '\x93') - bad_item));
  /* a separator that fails: the container's path */
  const char *bad_separator = "{\"value\":1,\"children\":[{\"value\":2,\"children\":[]} x]}";
  o = expect_failure(&node, bad_separator, VMIR_E_DECODE);
  ck_assert_str_eq(o.err.path, ".children");
  ck_assert_uint_eq(o.err.offset, (size_t)(strchr(bad_separator, 'x') - bad_separator));
  /* a truncated first item, and an array cut right after its bracket
   * (the end of input is no closing bracket: an item is due) */
  o = expect_failure(&node, "{\"value\":1,\"children\":[{\"val", VMIR_E_DECODE);
  ck_assert_str_eq(o.err.path, ".children[0]");
  o = expect_failure(&node, "{\"value\":1,\"children\":[", VMIR_E_DECODE);
  ck_assert_str_eq(o.err.path, ".children[0]");
  codec_free(&node);

  /* a `fail` just before the malformed token wins over it */
  codec ext = codec_default(&figure_external_shape, VMIR_FORMAT_JSON);
  const char *unknown_then_bad = "{\"hexagon\":\"\xe9\"}";
  o = expect_failure(&ext, unknown_then_bad, VMIR_E_DECODE);
  ck_assert_ptr_nonnull(strstr(o.err.message, "unknown variant"));
  ck_assert_uint_eq(o.err.offset, 11);
  codec_free(&ext);

  /* untagged: a truncated string is still a string to the class dispatch */
  codec untagged = codec_default(&figure_untagged_shape, VMIR_FORMAT_JSON);
  o = expect_failure(&untagged, "\"abc", VMIR_E_DECODE);
  ck_assert_ptr_nonnull(strstr(o.err.message, "no variant"));
  ck_assert_uint_eq(o.err.offset, 0);
  /* ... and a byte no value starts with is the syntax error */
  o = expect_failure(&untagged, "\x93", VMIR_E_DECODE);
  ck_assert_ptr_null(strstr(o.err.message, "no variant"));
  /* ... also a ',' where an item should start (no separator there) */
  o = expect_failure(&untagged, ",true", VMIR_E_DECODE);
  ck_assert_ptr_null(strstr(o.err.message, "no variant"));
  ck_assert_uint_eq(o.err.offset, 0);
  o = expect_failure(&untagged, "[,1]", VMIR_E_DECODE);
  ck_assert_uint_eq(o.err.offset, 1);
  codec_free(&untagged);

  /* MessagePack: an array longer than a fixed array and cut short: the
   * count check comes first, before the extra element is read */
  static const char fixed_text[] =
      "(shapes (define pair (array (count 2) (size 8) (align 4) (shape i32))) (root pair))";
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(fixed_text, sizeof fixed_text - 1, "<pair>", &err);
  ck_assert_msg(set != NULL, "%s", err.message);
  codec pair = codec_default(vmir_shape_set_root(set), VMIR_FORMAT_MSGPACK);
  static const uint8_t longer_and_cut[] = {0x93, 0x01, 0x02, 0xcd, 0x01};
  o = decode_both(&pair, longer_and_cut, sizeof longer_and_cut);
  ck_assert_int_eq(o.status, VMIR_E_BUILD);
  ck_assert_ptr_nonnull(strstr(o.err.message, "more than 2"));
  /* cut inside the second element: the truncation, at that element */
  static const uint8_t cut[] = {0x92, 0x01, 0xcd, 0x01};
  o = decode_both(&pair, cut, sizeof cut);
  ck_assert_int_eq(o.status, VMIR_E_DECODE);
  ck_assert_str_eq(o.err.path, "[1]");
  codec_free(&pair);
  vmir_shape_set_free(set);

  /* a unit read over a malformed string: the string's error, in both (the
   * build side reads a null event, as json-read-null reads a null) */
  codec unit = codec_default(&vmir_shape_unit, VMIR_FORMAT_JSON);
  o = expect_failure(&unit, "\"\x10\"", VMIR_E_DECODE);
  ck_assert_uint_eq(o.err.offset, 1);
  o = expect_failure(&unit, "1", VMIR_E_DECODE);
  ck_assert_uint_eq(o.err.offset, 0);
  codec_free(&unit);

  /* a MessagePack header of another class, cut short: its own error */
  codec flag = codec_default(&vmir_shape_bool, VMIR_FORMAT_MSGPACK);
  static const uint8_t cut_map_header[] = {0xde, 0x00};
  o = decode_both(&flag, cut_map_header, sizeof cut_map_header);
  ck_assert_int_eq(o.status, VMIR_E_DECODE);
  ck_assert_uint_eq(o.err.offset, sizeof cut_map_header); /* the end: the count is cut */
  ck_assert_ptr_null(strstr(o.err.message, "expected a boolean"));
  codec_free(&flag);

  /* a dynamic value nested past the depth limit before a syntax error: the
   * limit, met first in the input, in both */
  codec value = codec_default(&vmir_shape_value, VMIR_FORMAT_JSON);
  vmir_decode_limits one_level = {.max_depth = 1};
  const char *deep_then_bad = "[[true],x";
  o = decode_both_limited(&value, deep_then_bad, strlen(deep_then_bad), &one_level);
  ck_assert_int_eq(o.status, VMIR_E_LIMIT);
  const char *bad_then_deep = "[x,[true]]";
  o = decode_both_limited(&value, bad_then_deep, strlen(bad_then_deep), &one_level);
  ck_assert_int_eq(o.status, VMIR_E_DECODE);
  codec_free(&value);
}
END_TEST

/* Untagged dispatch offers a bytes variant what a bytes field accepts: in
 * MessagePack a bin or an array of numbers, as in the unfused build
 * program (found by the diff-decode fuzzer: untagged-bytes-array, where
 * fused MessagePack sent an array to a later list variant).
 * t[verify format.ir.enum-tagging-policy]
 * t[verify format.parse.fusion-semantic-equivalence] */
START_TEST(untagged_bytes_variant) {
  static const char text[] =
      "(shapes (define blob (enum (size 24) (align 8) (tag (offset 0) (width 1)) (tagging untagged)\n"
      "  (variant raw (discriminant 1) (style newtype) (field 0 (offset 8) (shape bytes)))\n"
      "  (variant numbers (discriminant 2) (style newtype) (field 0 (offset 8) (shape (list i16))))))\n"
      "  (root blob))";
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(text, sizeof text - 1, "<blob>", &err);
  ck_assert_msg(set != NULL, "%s", err.message);
  const vmir_shape *blob = vmir_shape_set_root(set);
  for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
    codec c = codec_default(blob, (vmir_format)f);
    /* [1,2] as MessagePack (92 01 02) or JSON: the bytes variant takes it */
    static const uint8_t packed[] = {0x92, 0x01, 0x02};
    const void *in = f == VMIR_FORMAT_JSON ? (const void *)"[1,2]" : (const void *)packed;
    size_t len = f == VMIR_FORMAT_JSON ? 5 : sizeof packed;
    outcome o = decode_both(&c, in, len);
    ck_assert_msg(o.status == VMIR_OK, "%s", o.err.message);
    free(o.json);
    for (int unfused = 0; unfused < 2; unfused++) {
      uint8_t dest[24] = {0};
      vmir_decoder *dec = vmir_decoder_new(NULL);
      vmir_status st = unfused ? vmir_decode_unfused(c.parse, c.build, in, len, dest, blob, dec, NULL, &err)
                               : vmir_decode(c.fused, in, len, dest, blob, dec, NULL, &err);
      ck_assert_msg(st == VMIR_OK, "%s", err.message);
      ck_assert_uint_eq(dest[0], 1); /* raw */
      vmir_decoder_free(dec);
    }
    /* an array that is no byte string fails in the bytes variant */
    static const uint8_t too_big[] = {0x91, 0xcd, 0x01, 0x00};
    in = f == VMIR_FORMAT_JSON ? (const void *)"[256]" : (const void *)too_big;
    len = f == VMIR_FORMAT_JSON ? 5 : sizeof too_big;
    o = decode_both(&c, in, len);
    ck_assert_int_ne(o.status, VMIR_OK);
    codec_free(&c);
  }
  vmir_shape_set_free(set);
}
END_TEST

/* An internally tagged enum looks ahead for its tag. The members it steps
 * over before the tag are skipped values, bounded by the depth limit like
 * any skipped value; those after the tag are left to the typed second pass,
 * bounded by the same limit (it counts the document's levels), in fused
 * decode over both formats as in unfused decode (fuzz: limit-in-lookahead,
 * where fused MessagePack decode skipped the members after the tag too).
 * t[verify format.parse.fusion-semantic-equivalence] */
START_TEST(tag_lookahead_and_depth_limit) {
  const char *tag_first = "{\"type\":\"Polygon\",\"coordinates\":[[[1.5,2.5]],[[3.5,4.5]]]}";
  const char *tag_last = "{\"coordinates\":[[[1.5,2.5]],[[3.5,4.5]]],\"type\":\"Polygon\"}";
  const char *expected = "{\"type\":\"Polygon\",\"coordinates\":[[[1.5,2.5]],[[3.5,4.5]]]}";
  for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
    codec c = codec_default(&ca_geometry_shape, (vmir_format)f);
    codec v = codec_default(&vmir_shape_value, VMIR_FORMAT_JSON);
    for (int order = 0; order < 2; order++) {
      const char *json = order == 0 ? tag_first : tag_last;
      /* the document in this format, members in the same order: JSON ->
       * `value` (keeps the order) -> format */
      vmir_value tree;
      vmir_decoder *dec = vmir_decoder_new(NULL);
      vmir_error err;
      ck_assert_int_eq(vmir_decode(v.fused, json, strlen(json), &tree, &vmir_shape_value, dec, NULL, &err),
                       VMIR_OK);
      size_t len;
      char *doc = encode(&v, &tree, (vmir_format)f, &len);
      /* a limit below the coordinates' levels: `limit` in the typed pass
       * when the tag comes first, in the scan that skips them when it comes
       * last; fused and unfused agree either way */
      vmir_decode_limits lim = {.max_depth = 2};
      outcome o = decode_both_limited(&c, doc, len, &lim);
      ck_assert_msg(o.status == VMIR_E_LIMIT, "%s: %s", vmir_format_name((vmir_format)f), o.err.message);
      free(o.json);
      /* with room for them, both orders decode */
      lim.max_depth = 8;
      o = decode_both_limited(&c, doc, len, &lim);
      ck_assert_msg(o.status == VMIR_OK, "%s", o.err.message);
      ck_assert_str_eq(o.json, expected);
      free(o.json);
      free(doc);
      vmir_decoder_free(dec);
    }
    codec_free(&c);
    codec_free(&v);
  }
}
END_TEST

/* Integers are exact across the full u64 and i64 ranges, overflow is
 * rejected, floats are correctly rounded. */
START_TEST(numbers) {
  codec c = codec_default(&vmir_shape_value, VMIR_FORMAT_JSON);
  expect_decoded(&c, "[18446744073709551615,-9223372036854775808,0,-1]",
                 "[18446744073709551615,-9223372036854775808,0,-1]");
  expect_failure(&c, "18446744073709551616", VMIR_E_DECODE);
  expect_failure(&c, "-9223372036854775809", VMIR_E_DECODE);
  static const char *floats[] = {"0.1", "2.2250738585072011e-308", "9007199254740993.0", "1e23",
                                 "1.7976931348623157e308", "5e-324", "0.30000000000000004"};
  for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++) {
    vmir_decoder *dec = vmir_decoder_new(NULL);
    vmir_value v;
    vmir_error err;
    ck_assert_int_eq(vmir_decode(c.fused, floats[i], strlen(floats[i]), &v, &vmir_shape_value, dec, NULL, &err), VMIR_OK);
    double want = strtod(floats[i], NULL);
    ck_assert_int_eq(v.type, VMIR_VALUE_FLOAT);
    ck_assert_mem_eq(&v.as.f64, &want, sizeof want);
    vmir_decoder_free(dec);
  }
  codec_free(&c);
}
END_TEST

/* Unfused decode is batched: one run of the parse program fills a batch of
 * build events that one run of the build program consumes, instead of a
 * call into the build side per token.
 * t[verify format.parse.batch-friendly-execution] */
START_TEST(unfused_decode_is_batched) {
  codec c = codec_default(&vmir_shape_value, VMIR_FORMAT_JSON);
  vmir_decoder *dec = vmir_decoder_new(NULL);
  vmir_value v;
  vmir_error err;
  const char *doc = "{\"a\":[1,2,3],\"b\":null}";
  uint64_t parse_runs = vmir_executable_hotness(c.parse), build_runs = vmir_executable_hotness(c.build);
  ck_assert_int_eq(vmir_decode_unfused(c.parse, c.build, doc, strlen(doc), &v, &vmir_shape_value, dec, NULL, &err), VMIR_OK);
  /* begin, key, begin, 3 scalars, end, key, scalar, end */
  ck_assert_uint_eq(vmir_decoder_last_event_count(dec), 10);
  ck_assert_uint_eq(vmir_executable_hotness(c.parse) - parse_runs, 1);
  ck_assert_uint_eq(vmir_executable_hotness(c.build) - build_runs, 1);
  /* A malformed document still yields one batch, cut at the failure:
   * begin, 2 scalars, and the error event */
  ck_assert_int_ne(vmir_decode_unfused(c.parse, c.build, "[1,2,", 5, &v, &vmir_shape_value, dec, NULL, &err), VMIR_OK);
  ck_assert_uint_eq(vmir_decoder_last_event_count(dec), 4);
  vmir_decoder_free(dec);
  codec_free(&c);
}
END_TEST

/* ---- JSONTestSuite through decode programs -------------------------------- */

/* Every file decoded into the dynamic `value` shape by the fused and the
 * unfused programs: y_ accepted (and a re-encoded y_ value decodes equal),
 * n_ rejected, i_ deterministic and identical in both modes. RFC 8259
 * allows repeated member names (two y_ files have them), so the suite runs
 * with duplicates last-wins; under the default policy those two files are
 * rejected with a duplicate-key error. */
START_TEST(json_test_suite) {
  const char *shared = vmir_test_shared_dir();
  if (!shared) return;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/conformance/json-test-suite/test_parsing", shared);
  DIR *d = opendir(dir);
  ck_assert_msg(d, "cannot open %s", dir);
  vmir_compile_options last_wins = vmir_compile_options_default(VMIR_FORMAT_JSON);
  last_wins.duplicate_last_wins = true;
  codec c = codec_new(&vmir_shape_value, VMIR_FORMAT_JSON, last_wins);
  codec strict = codec_default(&vmir_shape_value, VMIR_FORMAT_JSON);
  int y_ok = 0, y_total = 0, n_rejected = 0, n_total = 0, i_accepted = 0, i_total = 0;
  int duplicates_rejected = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t nl = strlen(e->d_name);
    if (nl < 6 || strcmp(e->d_name + nl - 5, ".json") != 0) continue;
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    size_t len;
    char *doc = vmir_test_read_file(path, &len);
    ck_assert_ptr_nonnull(doc);
    outcome o = decode_both(&c, doc, len);
    if (e->d_name[0] == 'y') {
      y_total++;
      ck_assert_msg(o.status == VMIR_OK, "%s rejected: %s", e->d_name, o.err.message);
      y_ok++;
      /* Re-encoded and re-decoded: the same value. */
      outcome again = decode_both(&c, o.json, strlen(o.json));
      ck_assert_msg(again.status == VMIR_OK, "%s re-decode: %s", e->d_name, again.err.message);
      ck_assert_str_eq(again.json, o.json);
      free(again.json);
      /* only objects can repeat a key: the strict run is for those files */
      outcome by_default = {.status = VMIR_OK};
      if (strncmp(e->d_name, "y_object", 8) == 0) by_default = decode_both(&strict, doc, len);
      if (by_default.status != VMIR_OK) {
        ck_assert_msg(strstr(by_default.err.message, "duplicate key"), "%s: %s", e->d_name,
                      by_default.err.message);
        duplicates_rejected++;
      }
      free(by_default.json);
    } else if (e->d_name[0] == 'n') {
      n_total++;
      ck_assert_msg(o.status != VMIR_OK, "%s accepted", e->d_name);
      n_rejected++;
    } else {
      i_total++;
      if (o.status == VMIR_OK) i_accepted++;
    }
    free(o.json);
    free(doc);
  }
  closedir(d);
  printf("JSONTestSuite via decode programs: y_ %d/%d accepted, n_ %d/%d rejected, i_ %d/%d accepted\n",
         y_ok, y_total, n_rejected, n_total, i_accepted, i_total);
  ck_assert_int_eq(y_total, 95);
  ck_assert_int_eq(n_total, 188);
  ck_assert_int_eq(duplicates_rejected, 2);
  codec_free(&c);
  codec_free(&strict);
}
END_TEST

/* ---- MessagePack against msgpack-c ------------------------------------------ */

/* Values packed by msgpack-c decode equal to msgpack-c's own reading;
 * truncated input is rejected at every length. */
START_TEST(msgpack_from_peer) {
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  msgpack_pack_map(&pk, 6);
  msgpack_pack_str_with_body(&pk, "ints", 4);
  msgpack_pack_array(&pk, 6);
  msgpack_pack_uint64(&pk, UINT64_MAX);
  msgpack_pack_int64(&pk, INT64_MIN);
  msgpack_pack_int8(&pk, -32);
  msgpack_pack_uint16(&pk, 300);
  msgpack_pack_int32(&pk, -70000);
  msgpack_pack_fix_uint8(&pk, 7);
  msgpack_pack_str_with_body(&pk, "floats", 6);
  msgpack_pack_array(&pk, 2);
  msgpack_pack_double(&pk, 0.1);
  msgpack_pack_float(&pk, 0.5f);
  msgpack_pack_str_with_body(&pk, "str", 3);
  msgpack_pack_str_with_body(&pk, "h\xc3\xa9", 3);
  msgpack_pack_str_with_body(&pk, "nil", 3);
  msgpack_pack_nil(&pk);
  msgpack_pack_str_with_body(&pk, "bool", 4);
  msgpack_pack_true(&pk);
  msgpack_pack_str_with_body(&pk, "nested", 6);
  msgpack_pack_map(&pk, 1);
  msgpack_pack_str_with_body(&pk, "k", 1);
  msgpack_pack_array(&pk, 0);
  codec c = codec_default(&vmir_shape_value, VMIR_FORMAT_MSGPACK);
  outcome o = decode_both(&c, sb.data, sb.size);
  ck_assert_msg(o.status == VMIR_OK, "%s", o.err.message);
  char why[128], diff[256];
  json_object *ours = peer_parse_json(o.json, strlen(o.json), why, sizeof why);
  ck_assert(!why[0]);
  json_object *theirs = peer_parse_msgpack((const uint8_t *)sb.data, sb.size, why, sizeof why);
  ck_assert(!why[0]);
  ck_assert_msg(peer_tree_equal(ours, theirs, true, diff, sizeof diff), "%s", diff);
  json_object_put(ours);
  json_object_put(theirs);
  free(o.json);
  for (size_t cut = 0; cut < sb.size; cut++) {
    o = decode_both(&c, sb.data, cut);
    ck_assert_int_ne(o.status, VMIR_OK);
  }
  static const uint8_t malformed[][6] = {{0xc1}, {0xd4, 0x01}, {0x81, 0x01, 0x02}, {0xdd, 0xff, 0xff, 0xff, 0xff}};
  static const size_t malformed_len[] = {1, 2, 3, 5};
  for (size_t i = 0; i < 4; i++) {
    o = decode_both(&c, malformed[i], malformed_len[i]);
    ck_assert_int_ne(o.status, VMIR_OK);
  }
  msgpack_sbuffer_destroy(&sb);
  codec_free(&c);
}
END_TEST

/* ---- the corpora ------------------------------------------------------------ */

/* A corpus decodes into its typed model with unknown fields denied, encodes
 * back to a tree equal (json-c) to the original, and survives
 * JSON -> value -> MessagePack -> value -> JSON. */
/* Damaged copies of a corpus document: fused and unfused decode agree on
 * each (decode_both asserts equal code, offset and path), cut at, and with
 * a byte overwritten at, spread positions (t[verify
 * format.parse.fusion-semantic-equivalence] on real shapes). */
static void damaged_copies_agree(const codec *c, const char *doc, size_t len) {
  enum { POINTS = 60 };
  static const uint8_t bad[] = {0x00, '"', ']', '}', ',', 0xc1, 0xff, '1', 0x92, 0xdd};
  char *copy = malloc(len);
  ck_assert_ptr_nonnull(copy);
  for (size_t k = 0; k < POINTS && len > 0; k++) {
    size_t at = (len / POINTS) * k + (k * 7919) % (len / POINTS + 1);
    if (at >= len) at = len - 1;
    outcome o = decode_both(c, doc, at);
    free(o.json);
    memcpy(copy, doc, len);
    copy[at] = (char)bad[k % sizeof bad];
    o = decode_both(c, copy, len);
    free(o.json);
  }
  free(copy);
}

static void corpus_round_trip(const char *file, const vmir_shape *shape) {
  const char *shared = vmir_test_shared_dir();
  if (!shared) return;
  char path[4096];
  snprintf(path, sizeof path, "%s/corpora/%s", shared, file);
  size_t len;
  char *doc = vmir_test_read_file(path, &len);
  ck_assert_msg(doc, "cannot read %s", path);
  codec jc = codec_default(shape, VMIR_FORMAT_JSON);
  codec mc = codec_default(shape, VMIR_FORMAT_MSGPACK);
  outcome o = decode_both(&jc, doc, len);
  ck_assert_msg(o.status == VMIR_OK, "%s: %s", file, o.err.message);
  char why[256], diff[1024];
  json_object *original = peer_parse_json(doc, len, why, sizeof why);
  ck_assert_msg(!why[0], "%s", why);
  json_object *ours = peer_parse_json(o.json, strlen(o.json), why, sizeof why);
  ck_assert_msg(!why[0], "%s", why);
  ck_assert_msg(peer_tree_equal(ours, original, false, diff, sizeof diff), "%s: %s", file, diff);
  /* Through MessagePack. */
  vmir_decoder *dec = vmir_decoder_new(NULL);
  void *value = calloc(1, shape->size);
  vmir_error err;
  ck_assert_int_eq(vmir_decode(jc.fused, doc, len, value, shape, dec, NULL, &err), VMIR_OK);
  size_t n;
  char *packed = encode(&mc, value, VMIR_FORMAT_MSGPACK, &n);
  outcome m = decode_both(&mc, packed, n);
  ck_assert_msg(m.status == VMIR_OK, "%s via msgpack: %s", file, m.err.message);
  ck_assert_str_eq(m.json, o.json);
  damaged_copies_agree(&jc, doc, len);
  damaged_copies_agree(&mc, packed, n);
  free(m.json);
  free(packed);
  free(value);
  vmir_decoder_free(dec);
  json_object_put(original);
  json_object_put(ours);
  free(o.json);
  free(doc);
  codec_free(&jc);
  codec_free(&mc);
}

START_TEST(corpus_twitter) { corpus_round_trip("twitter.json", &twitter_shape); }
END_TEST
START_TEST(corpus_citm) { corpus_round_trip("citm_catalog.json", &citm_shape); }
END_TEST
START_TEST(corpus_canada) { corpus_round_trip("canada.json", &canada_shape); }
END_TEST

/* ---- mutation evidence (docs/mutation.md) ---------------------------------------- */

/* A decode program with many switch tables (one per struct of all_kinds,
 * plus the map and the dynamic value) runs from its binary form alone:
 * decoded back into a fresh program, it decodes the same value.
 * t[verify format.parse.program-self-contained] */
START_TEST(decode_program_runs_from_its_binary_form) {
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_error err;
  vmir_program *p = vmir_compile_decode_fused(&all_kinds_shape, &opt, &err);
  ck_assert_msg(p, "%s", err.message);
  size_t len;
  uint8_t *bin = vmir_program_encode_binary(p, &len);
  vmir_program_free(p);
  vmir_program *q = vmir_program_decode_binary(bin, len, &err);
  ck_assert_msg(q, "%s", err.message);
  free(bin);
  vmir_executable *exe = vmir_executable_new(q, &all_kinds_shape, &err);
  ck_assert_msg(exe, "%s", err.message);
  codec c = codec_default(&all_kinds_shape, VMIR_FORMAT_JSON);
  vmir_decoder *dec = vmir_decoder_new(NULL);
  all_kinds v;
  ck_assert_int_eq(vmir_decode(exe, all_kinds_json, strlen(all_kinds_json), &v, &all_kinds_shape, dec,
                               NULL, &err), VMIR_OK);
  size_t n;
  char *again = encode(&c, &v, VMIR_FORMAT_JSON, &n);
  ck_assert_str_eq(again, all_kinds_json);
  free(again);
  vmir_decoder_free(dec);
  codec_free(&c);
  vmir_executable_free(exe);
  vmir_program_free(q);
}
END_TEST

/* A build error names the value (its offset, not its key's) and the path
 * by wire names and zero-based indices: a renamed field's value out of
 * range, a list's third element out of range.
 * t[verify format.parse.error-build-context]
 * t[verify format.ir.error-carries-path] */
START_TEST(build_errors_name_the_value_and_its_wire_path) {
  codec c = codec_default(&policies_shape, VMIR_FORMAT_JSON);
  static const char renamed[] = "{\"kept\":1,\"newName\":-5}";
  outcome o = expect_failure(&c, renamed, VMIR_E_BUILD);
  ck_assert_uint_eq(o.err.offset, (size_t)(strstr(renamed, "-5") - renamed));
  ck_assert_str_eq(o.err.path, ".newName");
  static const char element[] = "{\"kept\":1,\"items\":[1,2,3000000000]}";
  o = expect_failure(&c, element, VMIR_E_BUILD);
  ck_assert_uint_eq(o.err.offset, (size_t)(strstr(element, "3000000000") - element));
  ck_assert_str_eq(o.err.path, ".items[2]");
  codec_free(&c);
}
END_TEST

/* The input limit is exact: an input of max_input bytes is decoded, one of
 * max_input + 1 bytes is refused before any byte is read, fused and
 * unfused.
 * t[verify format.parse.error-stop-on-failure] */
START_TEST(input_limit_is_exact) {
  codec uc = codec_default(&user_shape, VMIR_FORMAT_JSON);
  static const char doc[] = "{\"id\":1,\"name\":\"abc\"}";
  size_t len = strlen(doc);
  for (int mode = 0; mode < 2; mode++) {
    for (size_t limit = len - 1; limit <= len; limit++) {
      vmir_decode_limits lim = {.max_input = limit};
      vmir_decoder *dec = vmir_decoder_new(&lim);
      user u;
      vmir_error err;
      vmir_status st = mode == 0
          ? vmir_decode(uc.fused, doc, len, &u, &user_shape, dec, NULL, &err)
          : vmir_decode_unfused(uc.parse, uc.build, doc, len, &u, &user_shape, dec, NULL, &err);
      if (limit == len) {
        ck_assert_msg(st == VMIR_OK, "limit %zu: %s", limit, err.message);
      } else {
        ck_assert_int_eq(st, VMIR_E_LIMIT);
        ck_assert_msg(strstr(err.message, "over the limit"), "%s", err.message);
      }
      vmir_decoder_free(dec);
    }
  }
  codec_free(&uc);
}
END_TEST

/* A decode that reaches the end of its program without build-commit has
 * not produced the value: it fails (never reports success over a
 * destination it did not write), and the destination stays untouched.
 * The program is the compiled one with its build-commit taken out.
 * t[verify format.parse.error-stop-on-failure] */
START_TEST(decode_without_build_commit_fails) {
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_error err;
  vmir_program *full = vmir_compile_decode_fused(&user_shape, &opt, &err);
  ck_assert_msg(full, "%s", err.message);
  size_t len;
  char *text = vmir_program_print_text(full, &len);
  char *at = strstr(text, "(build-commit)");
  ck_assert_ptr_nonnull(at);
  ck_assert_ptr_null(strstr(at + 1, "(build-commit)"));
  memmove(at, at + strlen("(build-commit)"), strlen(at + strlen("(build-commit)")) + 1);
  vmir_program *cut = vmir_program_parse_text(text, strlen(text), "cut", &err);
  ck_assert_msg(cut, "%s", err.message);
  vmir_executable *exe = vmir_executable_new(cut, &user_shape, &err);
  ck_assert_msg(exe, "%s", err.message);
  static const char doc[] = "{\"id\":7,\"name\":\"x\"}";
  vmir_decoder *dec = vmir_decoder_new(NULL);
  user v, before;
  memset(&v, 0x5a, sizeof v);
  memcpy(&before, &v, sizeof v);
  ck_assert_int_eq(vmir_decode(exe, doc, strlen(doc), &v, &user_shape, dec, NULL, &err), VMIR_E_EXEC);
  ck_assert_msg(strstr(err.message, "without build-commit"), "%s", err.message);
  ck_assert(memcmp(&v, &before, sizeof v) == 0);
  vmir_decoder_free(dec);
  vmir_executable_free(exe);
  vmir_program_free(cut);
  vmir_program_free(full);
  free(text);
}
END_TEST

static int points_into(const void *p, const uint8_t *buf, size_t len) {
  return p && (const uint8_t *)p >= buf && (const uint8_t *)p < buf + len;
}

/* Decoded strings, byte strings and map keys are copies the decoder owns:
 * none points into the caller's input, which may be reused at once. Checked
 * on MessagePack (whose strings are never unescaped, so a view into the
 * input is what a missing copy gives) and JSON, fused and unfused.
 * t[verify format.parse.no-direct-pointer-write-in-format] */
START_TEST(decoded_text_owns_its_bytes) {
  codec json = codec_default(&all_kinds_shape, VMIR_FORMAT_JSON);
  codec mp = codec_default(&all_kinds_shape, VMIR_FORMAT_MSGPACK);
  size_t packed_len;
  all_kinds ref;
  vmir_error err;
  vmir_decoder *rdec = vmir_decoder_new(NULL);
  ck_assert_int_eq(vmir_decode(json.fused, all_kinds_json, strlen(all_kinds_json), &ref,
                               &all_kinds_shape, rdec, NULL, &err), VMIR_OK);
  char *packed = encode(&mp, &ref, VMIR_FORMAT_MSGPACK, &packed_len);
  vmir_decoder_free(rdec);
  for (int f = 0; f < 2; f++) {
    const codec *c = f == 0 ? &mp : &json;
    const char *doc = f == 0 ? packed : all_kinds_json;
    size_t len = f == 0 ? packed_len : strlen(all_kinds_json);
    for (int mode = 0; mode < 2; mode++) {
      uint8_t *in = malloc(len);
      memcpy(in, doc, len);
      vmir_decoder *dec = vmir_decoder_new(NULL);
      all_kinds v;
      vmir_status st = mode == 0
          ? vmir_decode(c->fused, in, len, &v, &all_kinds_shape, dec, NULL, &err)
          : vmir_decode_unfused(c->parse, c->build, in, len, &v, &all_kinds_shape, dec, NULL, &err);
      ck_assert_msg(st == VMIR_OK, "%s", err.message);
      const char *how = f == 0 ? (mode == 0 ? "msgpack fused" : "msgpack unfused")
                               : (mode == 0 ? "json fused" : "json unfused");
      ck_assert_msg(!points_into(v.s.ptr, in, len), "%s: the string points into the input", how);
      ck_assert_msg(!points_into(v.bytes.ptr, in, len), "%s: the bytes point into the input", how);
      ck_assert_uint_eq(v.map.len, 2);
      for (size_t i = 0; i < v.map.len; i++)
        ck_assert_msg(!points_into(v.map.ptr[i].key.ptr, in, len),
                      "%s: map key %zu points into the input", how, i);
      /* The input reused: the value still reads the same. */
      memset(in, 'X', len);
      size_t n;
      char *again = encode(&json, &v, VMIR_FORMAT_JSON, &n);
      ck_assert_str_eq(again, all_kinds_json);
      free(again);
      free(in);
      vmir_decoder_free(dec);
    }
  }
  free(packed);
  codec_free(&json);
  codec_free(&mp);
}
END_TEST

typedef struct skip_first {
  uint32_t a;
  uint32_t b;
} skip_first;
static const vmir_field skip_first_fields[] = {
    VMIR_FIELD(skip_first, a, &vmir_shape_u32, .flags = VMIR_FIELD_SKIP),
    VMIR_FIELD(skip_first, b, &vmir_shape_u32),
};
static const vmir_shape skip_first_shape = VMIR_STRUCT(skip_first, skip_first_fields);

/* A skipped field has no key on the wire, first field included: under the
 * default (deny) policy its name is an unknown member.
 * t[verify format.ir.compile-static-skip] */
START_TEST(skipped_first_field_has_no_key) {
  codec c = codec_default(&skip_first_shape, VMIR_FORMAT_JSON);
  expect_decoded(&c, "{\"b\":2}", "{\"b\":2}");
  outcome o = expect_failure(&c, "{\"a\":1,\"b\":2}", VMIR_E_BUILD);
  ck_assert_msg(strstr(o.err.message, "unknown field \"a\""), "%s", o.err.message);
  codec_free(&c);
}
END_TEST

/* Unfused decode checks the kind of each program it is given: a parse or
 * fused program passed as the build program is refused before any byte of
 * the destination is written.
 * t[verify format.parse.fusion-optional] */
START_TEST(unfused_refuses_a_wrong_build_program) {
  codec c = codec_default(&all_kinds_shape, VMIR_FORMAT_JSON);
  vmir_decoder *dec = vmir_decoder_new(NULL);
  all_kinds v, before;
  memset(&v, 0xab, sizeof v);
  memcpy(&before, &v, sizeof v);
  vmir_error err;
  ck_assert_int_eq(vmir_decode_unfused(c.parse, c.parse, all_kinds_json, strlen(all_kinds_json), &v,
                                       &all_kinds_shape, dec, NULL, &err), VMIR_E_USAGE);
  ck_assert_str_eq(err.message, "expected a build program, not decode");
  ck_assert_int_eq(vmir_decode_unfused(c.parse, c.fused, all_kinds_json, strlen(all_kinds_json), &v,
                                       &all_kinds_shape, dec, NULL, &err), VMIR_E_USAGE);
  ck_assert(memcmp(&v, &before, sizeof v) == 0);
  vmir_decoder_free(dec);
  codec_free(&c);
}
END_TEST

/* A map's keys are unique under the default policy, in both formats and
 * both decode paths: a repeated key is a build error at the repeated key,
 * also when it repeats the map's only key; last-wins keeps the later value.
 * t[verify format.parse.build-state-machine-preserved]
 * t[verify format.parse.error-build-context] */
START_TEST(map_duplicate_keys) {
  static const char *const dups[] = {"{\"a\":0.5,\"a\":1.5}", "{\"a\":0.5,\"b\":1,\"a\":1.5}"};
  for (size_t i = 0; i < sizeof dups / sizeof dups[0]; i++) {
    char doc[sizeof all_kinds_json + 64];
    const char *at = strstr(all_kinds_json, "\"map\":");
    const char *after = strstr(at, "},") + 1;
    snprintf(doc, sizeof doc, "%.*s\"map\":%s%s", (int)(at - all_kinds_json), all_kinds_json,
             dups[i], after);
    codec c = codec_default(&all_kinds_shape, VMIR_FORMAT_JSON);
    outcome o = expect_failure(&c, doc, VMIR_E_BUILD);
    ck_assert_msg(strstr(o.err.message, "duplicate map key \"a\""), "%s", o.err.message);
    ck_assert_uint_eq(o.err.offset, (size_t)(strstr(doc, "\"a\":1.5") - doc));
    codec_free(&c);
    vmir_compile_options lw = vmir_compile_options_default(VMIR_FORMAT_JSON);
    lw.duplicate_last_wins = true;
    c = codec_new(&all_kinds_shape, VMIR_FORMAT_JSON, lw);
    outcome ok = decode_both(&c, doc, strlen(doc));
    ck_assert_msg(ok.status == VMIR_OK, "%s", ok.err.message);
    ck_assert_msg(strstr(ok.json, i == 0 ? "\"map\":{\"a\":1.5}" : "\"map\":{\"a\":1.5,\"b\":1.0}"),
                  "%s", ok.json);
    free(ok.json);
    codec_free(&c);
  }
}
END_TEST

/* Unfused decode whose parse fails after the whole value (trailing bytes):
 * the build side still builds the value, but never commits it.
 * t[verify format.parse.unsafe-contained] */
START_TEST(unfused_failure_after_the_value_commits_nothing) {
  codec c = codec_default(&all_kinds_shape, VMIR_FORMAT_JSON);
  all_kinds dest, before;
  memset(&dest, 0xab, sizeof dest);
  memcpy(&before, &dest, sizeof dest);
  vmir_decoder *dec = vmir_decoder_new(NULL);
  vmir_error err;
  char doc[sizeof all_kinds_json + 8];
  snprintf(doc, sizeof doc, "%s x", all_kinds_json);
  ck_assert_int_eq(vmir_decode_unfused(c.parse, c.build, doc, strlen(doc), &dest, &all_kinds_shape,
                                       dec, NULL, &err), VMIR_E_DECODE);
  ck_assert_mem_eq(&dest, &before, sizeof dest);
  ck_assert_int_eq(vmir_decode(c.fused, doc, strlen(doc), &dest, &all_kinds_shape, dec, NULL, &err),
                   VMIR_E_DECODE);
  ck_assert_mem_eq(&dest, &before, sizeof dest);
  vmir_decoder_free(dec);
  codec_free(&c);
}
END_TEST

/* Build errors at the edges of a value's range and size: a double beyond
 * f32, a fixed array one element short.
 * t[verify format.parse.unsafe-contained]
 * t[verify format.parse.apply-through-runtime] */
START_TEST(range_and_size_edges) {
  codec c = codec_default(&all_kinds_shape, VMIR_FORMAT_JSON);
  char doc[sizeof all_kinds_json + 16];
  const char *f32 = strstr(all_kinds_json, "\"f32\":0.5");
  snprintf(doc, sizeof doc, "%.*s\"f32\":1e39%s", (int)(f32 - all_kinds_json), all_kinds_json,
           f32 + strlen("\"f32\":0.5"));
  outcome o = expect_failure(&c, doc, VMIR_E_BUILD);
  ck_assert_msg(strstr(o.err.message, "out of range for f32"), "%s", o.err.message);
  const char *arr = strstr(all_kinds_json, "\"array\":[1,2,3]");
  snprintf(doc, sizeof doc, "%.*s\"array\":[1,2]%s", (int)(arr - all_kinds_json), all_kinds_json,
           arr + strlen("\"array\":[1,2,3]"));
  o = expect_failure(&c, doc, VMIR_E_BUILD);
  ck_assert_msg(strstr(o.err.message, "expected 3 elements"), "%s", o.err.message);
  codec_free(&c);
}
END_TEST

typedef struct wrap_all {
  all_kinds k;
} wrap_all;
static const vmir_field wrap_all_fields[] = {VMIR_FIELD(wrap_all, k, &all_kinds_shape)};
static const vmir_shape wrap_all_shape = VMIR_STRUCT(wrap_all, wrap_all_fields);

/* Last-wins replaces the earlier value whole: an option the later value
 * leaves out is none, not the earlier value's.
 * t[verify format.parse.apply-through-runtime] */
START_TEST(last_wins_replaces_the_whole_value) {
  vmir_compile_options lw = vmir_compile_options_default(VMIR_FORMAT_JSON);
  lw.duplicate_last_wins = true;
  codec c = codec_new(&wrap_all_shape, VMIR_FORMAT_JSON, lw);
  const char *opt = strstr(all_kinds_json, "\"opt\":-5,");
  size_t n = 2 * sizeof all_kinds_json + 32;
  char *doc = malloc(n);
  ck_assert_ptr_nonnull(doc);
  snprintf(doc, n, "{\"k\":%s,\"k\":%.*s%s}", all_kinds_json, (int)(opt - all_kinds_json),
           all_kinds_json, opt + strlen("\"opt\":-5,"));
  outcome o = decode_both(&c, doc, strlen(doc));
  ck_assert_msg(o.status == VMIR_OK, "%s", o.err.message);
  ck_assert_msg(strstr(o.json, "\"opt\":null"), "%s", o.json);
  free(o.json);
  free(doc);
  codec_free(&c);
}
END_TEST

static Suite *decode_suite(void) {
  Suite *s = suite_create("decode");
  TCase *tc = tcase_create("decode path");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, every_kind_round_trip);
  tcase_add_test(tc, enum_tagging_decode);
  tcase_add_test(tc, strict_completion_and_duplicates);
  tcase_add_test(tc, strict_completion_wide_struct);
  tcase_add_test(tc, unknown_field_policies);
  tcase_add_test(tc, policies_round_trip);
  tcase_add_test(tc, error_context);
  tcase_add_test(tc, failure_leaves_destination_untouched);
  tcase_add_test(tc, limits);
  tcase_add_test(tc, numbers);
  tcase_add_test(tc, tag_lookahead_and_depth_limit);
  tcase_add_test(tc, malformed_input_same_error);
  tcase_add_test(tc, untagged_bytes_variant);
  tcase_add_test(tc, msgpack_from_peer);
  tcase_add_test(tc, unfused_decode_is_batched);
  suite_add_tcase(s, tc);
  TCase *suites = tcase_create("external suites");
  tcase_set_timeout(suites, 300);
  tcase_add_test(suites, json_test_suite);
  tcase_add_test(suites, corpus_twitter);
  tcase_add_test(suites, corpus_citm);
  tcase_add_test(suites, corpus_canada);
  suite_add_tcase(s, suites);
  TCase *mut = tcase_create("mutation evidence");
  tcase_add_test(mut, unfused_refuses_a_wrong_build_program);
  tcase_add_test(mut, decoded_text_owns_its_bytes);
  tcase_add_test(mut, decode_without_build_commit_fails);
  tcase_add_test(mut, input_limit_is_exact);
  tcase_add_test(mut, decode_program_runs_from_its_binary_form);
  tcase_add_test(mut, build_errors_name_the_value_and_its_wire_path);
  tcase_add_test(mut, map_duplicate_keys);
  tcase_add_test(mut, skipped_first_field_has_no_key);
  tcase_add_test(mut, range_and_size_edges);
  tcase_add_test(mut, last_wins_replaces_the_whole_value);
  tcase_add_test(mut, unfused_failure_after_the_value_commits_nothing);
  suite_add_tcase(s, mut);
  return s;
}

int main(void) { return vmir_test_run(decode_suite(), "decode"); }
