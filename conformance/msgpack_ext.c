/* MessagePack ext items and the timestamp: ext in a `value` round-trips
 * byte for byte (smallest ext header), the shape-level timestamp decodes
 * from the timestamp extension in all three widths and from RFC 3339 text,
 * encodes to the smallest width and to RFC 3339, and bad input fails with
 * its place. Every decode runs fused and unfused, which must agree; the
 * msgpack-c peer writes the ext items and timestamps we read. */
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "vmir/vmir.h"

/* ---- shapes ---------------------------------------------------------------- */

typedef struct event {
  vmir_timestamp at;
  vmir_value extra;
} event;

static const vmir_field event_fields[] = {
    VMIR_FIELD(event, at, &vmir_shape_timestamp),
    VMIR_FIELD(event, extra, &vmir_shape_value),
};
static const vmir_shape event_shape = VMIR_STRUCT(event, event_fields);

/* ---- running programs -------------------------------------------------------- */

typedef struct programs {
  const vmir_shape *shape;
  vmir_program *p[5];
  vmir_executable *fused, *parse, *build, *to_json, *to_msgpack;
} programs;

static vmir_executable *executable(vmir_program *p, const vmir_shape *shape) {
  vmir_error err;
  ck_assert_msg(p != NULL, "compile failed");
  vmir_executable *e = vmir_executable_new(p, shape, &err);
  ck_assert_msg(e != NULL, "%s", err.message);
  return e;
}

static programs programs_for(const vmir_shape *shape, vmir_format from) {
  programs g = {.shape = shape};
  vmir_error err;
  vmir_compile_options opt = vmir_compile_options_default(from);
  g.p[0] = vmir_compile_decode_fused(shape, &opt, &err);
  g.p[1] = vmir_compile_decode_parse(shape, &opt, &err);
  g.p[2] = vmir_compile_decode_build(shape, &opt, &err);
  vmir_compile_options json = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_compile_options mp = vmir_compile_options_default(VMIR_FORMAT_MSGPACK);
  g.p[3] = vmir_compile_encode(shape, &json, &err);
  g.p[4] = vmir_compile_encode(shape, &mp, &err);
  g.fused = executable(g.p[0], shape);
  g.parse = executable(g.p[1], shape);
  g.build = executable(g.p[2], shape);
  g.to_json = executable(g.p[3], shape);
  g.to_msgpack = executable(g.p[4], shape);
  return g;
}

static void programs_free(programs *g) {
  vmir_executable *e[] = {g->fused, g->parse, g->build, g->to_json, g->to_msgpack};
  for (size_t i = 0; i < 5; i++) {
    vmir_executable_free(e[i]);
    vmir_program_free(g->p[i]);
  }
}

/* The encoded document (NUL-terminated, malloc'd) or NULL with err set. */
static char *encode_with(vmir_executable *exe, const vmir_shape *shape, const void *value,
                         bool json, size_t *len, vmir_error *err) {
  vmir_json_writer *jw = json ? vmir_json_writer_new(NULL) : NULL;
  vmir_msgpack_writer *mw = json ? NULL : vmir_msgpack_writer_new();
  vmir_sink *sink = json ? vmir_json_writer_sink(jw) : vmir_msgpack_writer_sink(mw);
  char *out = NULL;
  if (vmir_encode(exe, value, shape, sink, NULL, err) == VMIR_OK) {
    const uint8_t *d = json ? vmir_json_writer_data(jw, len) : vmir_msgpack_writer_data(mw, len);
    out = malloc(*len + 1);
    memcpy(out, d, *len);
    out[*len] = 0;
  }
  vmir_json_writer_free(jw);
  vmir_msgpack_writer_free(mw);
  return out;
}

typedef struct result {
  vmir_status status;
  vmir_error err;
  char *json;          /* the value as JSON (NULL if that fails: ext) */
  char *msgpack;       /* and as MessagePack */
  size_t msgpack_len;
  vmir_error json_err;
} result;

static void result_free(result *r) {
  free(r->json);
  free(r->msgpack);
}

/* Decodes fused and unfused; both must agree (the same encodings, or the
 * same code, offset, line, column and path). Returns the fused result. */
static result decode(const programs *g, const void *in, size_t len) {
  result r[2];
  for (int unfused = 0; unfused < 2; unfused++) {
    result *o = &r[unfused];
    memset(o, 0, sizeof *o);
    vmir_decoder *dec = vmir_decoder_new(NULL);
    void *dest = calloc(1, g->shape->size);
    o->status = unfused ? vmir_decode_unfused(g->parse, g->build, in, len, dest, g->shape, dec,
                                              NULL, &o->err)
                        : vmir_decode(g->fused, in, len, dest, g->shape, dec, NULL, &o->err);
    if (o->status == VMIR_OK) {
      size_t n;
      o->json = encode_with(g->to_json, g->shape, dest, true, &n, &o->json_err);
      o->msgpack = encode_with(g->to_msgpack, g->shape, dest, false, &o->msgpack_len, &o->err);
      ck_assert_msg(o->msgpack != NULL, "MessagePack encode: %s", o->err.message);
    }
    free(dest);
    vmir_decoder_free(dec);
  }
  ck_assert_msg(r[0].status == r[1].status, "fused %s (%s), unfused %s (%s)",
                vmir_status_name(r[0].status), r[0].err.message, vmir_status_name(r[1].status),
                r[1].err.message);
  if (r[0].status == VMIR_OK) {
    ck_assert((r[0].json == NULL) == (r[1].json == NULL));
    if (r[0].json) ck_assert_str_eq(r[0].json, r[1].json);
    ck_assert_uint_eq(r[0].msgpack_len, r[1].msgpack_len);
    ck_assert(memcmp(r[0].msgpack, r[1].msgpack, r[0].msgpack_len) == 0);
  } else {
    ck_assert_msg(r[0].err.offset == r[1].err.offset, "fused: %s / unfused: %s",
                  r[0].err.message, r[1].err.message);
    ck_assert_uint_eq(r[0].err.line, r[1].err.line);
    ck_assert_uint_eq(r[0].err.column, r[1].err.column);
    ck_assert_str_eq(r[0].err.path, r[1].err.path);
  }
  result_free(&r[1]);
  return r[0];
}

/* The timestamp extension document {"at": <ext bytes>, "extra": nil}. */
static size_t event_doc(uint8_t *out, const uint8_t *ext, size_t ext_len) {
  static const uint8_t head[] = {0x82, 0xa2, 'a', 't'};
  static const uint8_t tail[] = {0xa5, 'e', 'x', 't', 'r', 'a', 0xc0};
  memcpy(out, head, sizeof head);
  memcpy(out + sizeof head, ext, ext_len);
  memcpy(out + sizeof head + ext_len, tail, sizeof tail);
  return sizeof head + ext_len + sizeof tail;
}

#define HEX(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

/* ---- the timestamp extension -------------------------------------------------- */

/* The layouts of the MessagePack spec's timestamp section, one example per
 * width at its edges: each decodes to the RFC 3339 text, and encodes back
 * to the smallest width that holds it (timestamp 32 when nanoseconds are 0
 * and seconds fit 32 bits, timestamp 64 when seconds fit 34 bits). Fused
 * and unfused decode give the same value.
 * t[verify format.parse.fusion-semantic-equivalence] */
START_TEST(spec_timestamp_examples) {
  static const struct {
    uint8_t ext[16];
    size_t len;
    const char *rfc3339;
    uint8_t smallest[16];
    size_t smallest_len;
  } ex[] = {
      /* timestamp 32: seconds in 32 bits unsigned */
      {{0xd6, 0xff, 0, 0, 0, 0}, 6, "1970-01-01T00:00:00Z", {0xd6, 0xff, 0, 0, 0, 0}, 6},
      {{0xd6, 0xff, 0xff, 0xff, 0xff, 0xff}, 6, "2106-02-07T06:28:15Z",
       {0xd6, 0xff, 0xff, 0xff, 0xff, 0xff}, 6},
      /* timestamp 64: nanoseconds in the upper 30 bits, seconds in 34 */
      {{0xd7, 0xff, 0, 0, 0, 0x04, 0, 0, 0, 0}, 10, "1970-01-01T00:00:00.000000001Z",
       {0xd7, 0xff, 0, 0, 0, 0x04, 0, 0, 0, 0}, 10},
      {{0xd7, 0xff, 0xee, 0x6b, 0x27, 0xff, 0xff, 0xff, 0xff, 0xff}, 10,
       "2514-05-30T01:53:03.999999999Z",
       {0xd7, 0xff, 0xee, 0x6b, 0x27, 0xff, 0xff, 0xff, 0xff, 0xff}, 10},
      /* timestamp 64 holding what timestamp 32 could: re-encoded smaller */
      {{0xd7, 0xff, 0, 0, 0, 0, 0, 0, 0, 5}, 10, "1970-01-01T00:00:05Z",
       {0xd6, 0xff, 0, 0, 0, 5}, 6},
      /* timestamp 96: nanoseconds in 32 bits, then signed 64-bit seconds */
      {{0xc7, 12, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 15,
       "1969-12-31T23:59:59Z",
       {0xc7, 12, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 15},
      {{0xc7, 12, 0xff, 0x1d, 0xcd, 0x65, 0, 0xff, 0xff, 0xff, 0xf1, 0x88, 0x6e, 0x09, 0x00}, 15,
       "0001-01-01T00:00:00.5Z",
       {0xc7, 12, 0xff, 0x1d, 0xcd, 0x65, 0, 0xff, 0xff, 0xff, 0xf1, 0x88, 0x6e, 0x09, 0x00}, 15},
      /* timestamp 96 holding small values: re-encoded as 32 and 64 */
      {{0xc7, 12, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7}, 15, "1970-01-01T00:00:07Z",
       {0xd6, 0xff, 0, 0, 0, 7}, 6},
      {{0xc7, 12, 0xff, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0}, 15,
       "2106-02-07T06:28:16.000000001Z", {0xd7, 0xff, 0, 0, 0, 0x05, 0, 0, 0, 0}, 10},
  };
  programs g = programs_for(&event_shape, VMIR_FORMAT_MSGPACK);
  for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
    uint8_t doc[64], want[64];
    size_t n = event_doc(doc, ex[i].ext, ex[i].len);
    size_t wn = event_doc(want, ex[i].smallest, ex[i].smallest_len);
    result r = decode(&g, doc, n);
    ck_assert_msg(r.status == VMIR_OK, "example %zu: %s", i, r.err.message);
    char expected[96];
    snprintf(expected, sizeof expected, "{\"at\":\"%s\",\"extra\":null}", ex[i].rfc3339);
    ck_assert_str_eq(r.json, expected);
    ck_assert_uint_eq(r.msgpack_len, wn);
    ck_assert_msg(memcmp(r.msgpack, want, wn) == 0, "example %zu: not the smallest width", i);
    result_free(&r);
  }
  programs_free(&g);
}
END_TEST

/* Wrong lengths, nanoseconds of 1e9 or more, another ext type, truncation
 * and other kinds are errors at the ext's offset, with the field's path,
 * the same fused and unfused.
 * t[verify format.parse.error-token-context]
 * t[verify format.parse.error-build-context]
 * t[verify format.parse.fusion-semantic-equivalence] */
START_TEST(timestamp_ext_rejected) {
  static const struct {
    uint8_t ext[20];
    size_t len;
    vmir_status code;
    const char *needle;
  } bad[] = {
      {{0xd4, 0xff, 0}, 3, VMIR_E_DECODE, "timestamp ext data of 1 bytes: expected 4, 8 or 12"},
      {{0xd5, 0xff, 0, 0}, 4, VMIR_E_DECODE, "of 2 bytes"},
      {{0xd8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 18, VMIR_E_DECODE,
       "of 16 bytes"},
      {{0xc7, 5, 0xff, 0, 0, 0, 0, 0}, 8, VMIR_E_DECODE, "of 5 bytes"},
      {{0xc7, 0, 0xff}, 3, VMIR_E_DECODE, "of 0 bytes"},
      /* nanoseconds = 1e9 in timestamp 64 (0x3b9aca00 << 34) and 96 */
      {{0xd7, 0xff, 0xee, 0x6b, 0x28, 0, 0, 0, 0, 0}, 10, VMIR_E_DECODE,
       "timestamp nanoseconds 1000000000 out of range"},
      {{0xc7, 12, 0xff, 0x3b, 0x9a, 0xca, 0x00, 0, 0, 0, 0, 0, 0, 0, 0}, 15, VMIR_E_DECODE,
       "timestamp nanoseconds 1000000000 out of range"},
      {{0xc7, 12, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0}, 15, VMIR_E_DECODE,
       "nanoseconds 4294967295 out of range"},
      {{0xd6, 0x05, 0, 0, 0, 0}, 6, VMIR_E_DECODE,
       "expected a timestamp (ext type -1), found ext type 5"},
      {{0xc4, 4, 0, 0, 0, 0}, 6, VMIR_E_DECODE, "found byte 0xc4"},
      {{0xa3, '1', '2', '3'}, 4, VMIR_E_DECODE, "expected an ext, found byte 0xa3"},
  };
  programs g = programs_for(&event_shape, VMIR_FORMAT_MSGPACK);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    uint8_t doc[64];
    size_t n = event_doc(doc, bad[i].ext, bad[i].len);
    result r = decode(&g, doc, n);
    ck_assert_msg(r.status == bad[i].code, "case %zu: %s", i, r.err.message);
    ck_assert_msg(strstr(r.err.message, bad[i].needle), "case %zu: \"%s\" lacks \"%s\"", i,
                  r.err.message, bad[i].needle);
    ck_assert_uint_eq(r.err.has_offset, 1);
    ck_assert_uint_eq(r.err.offset, 4);  /* the ext's lead byte */
    ck_assert_str_eq(r.err.path, ".at");
    result_free(&r);
  }
  /* A cut bin where a timestamp is due, and a cut ext where the struct's
   * map is due: fused decode validates the item it met as the unfused
   * parse program does, so both report the cut at the end of input. */
  result cut_bin = decode(&g, HEX(0x81, 0xa2, 'a', 't', 0xc4, 0x05, 'a'));
  ck_assert_int_eq(cut_bin.status, VMIR_E_DECODE);
  ck_assert_uint_eq(cut_bin.err.offset, 7);
  ck_assert_msg(strstr(cut_bin.err.message, "bin 8 payload of 5 bytes"), "%s", cut_bin.err.message);
  result_free(&cut_bin);
  result cut_ext = decode(&g, HEX(0xc8, 0x96));
  ck_assert_int_eq(cut_ext.status, VMIR_E_DECODE);
  ck_assert_uint_eq(cut_ext.err.offset, 2);
  ck_assert_msg(strstr(cut_ext.err.message, "for ext 16 (0xc8)"), "%s", cut_ext.err.message);
  result_free(&cut_ext);
  /* Truncated anywhere inside the timestamp: the end of input. */
  static const uint8_t ts96[] = {0x81, 0xa2, 'a', 't', 0xc7, 12, 0xff, 0, 0, 0, 0,
                                 0,    0,    0,   0,   0,    0,  0,    1};
  for (size_t cut = 5; cut < sizeof ts96; cut++) {
    result r = decode(&g, ts96, cut);
    ck_assert_int_eq(r.status, VMIR_E_DECODE);
    ck_assert_msg(strstr(r.err.message, "unexpected end of input"), "%s", r.err.message);
    ck_assert_uint_eq(r.err.offset, cut);
    result_free(&r);
  }
  programs_free(&g);
}
END_TEST

/* msgpack-c's own timestamp writer: every width it picks decodes to the
 * same seconds and nanoseconds, and ours writes the same bytes back. */
START_TEST(timestamps_from_msgpack_c) {
  static const msgpack_timestamp ts[] = {
      {0, 0}, {1, 0}, {4294967295, 0}, {4294967296, 0}, {1505140205, 123456789},
      {17179869183, 999999999}, {17179869184, 0}, {-1, 0}, {-1, 999999999},
      {-62135596800, 1}, {253402300799, 999999999}, {INT64_MIN, 0}, {INT64_MAX, 999999999},
  };
  typedef struct stamp_only { vmir_timestamp at; } stamp_only;
  static const vmir_field fields[] = {VMIR_FIELD(stamp_only, at, &vmir_shape_timestamp)};
  static const vmir_shape shape = VMIR_STRUCT(stamp_only, fields);
  programs g = programs_for(&shape, VMIR_FORMAT_MSGPACK);
  for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 1);
    msgpack_pack_str_with_body(&pk, "at", 2);
    msgpack_pack_timestamp(&pk, &ts[i]);
    vmir_decoder *dec = vmir_decoder_new(NULL);
    stamp_only v;
    vmir_error err;
    ck_assert_int_eq(vmir_decode(g.fused, sb.data, sb.size, &v, &shape, dec, NULL, &err),
                     VMIR_OK);
    ck_assert_int_eq(v.at.seconds, ts[i].tv_sec);
    ck_assert_uint_eq(v.at.nanoseconds, ts[i].tv_nsec);
    result r = decode(&g, sb.data, sb.size);
    ck_assert_int_eq(r.status, VMIR_OK);
    ck_assert_uint_eq(r.msgpack_len, sb.size);
    ck_assert(memcmp(r.msgpack, sb.data, sb.size) == 0);
    /* and msgpack-c reads our bytes as the same timestamp */
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    ck_assert_int_eq(msgpack_unpack_next(&up, r.msgpack, r.msgpack_len, NULL),
                     MSGPACK_UNPACK_SUCCESS);
    msgpack_timestamp back;
    ck_assert(msgpack_object_to_timestamp(&up.data.via.map.ptr[0].val, &back));
    ck_assert_int_eq(back.tv_sec, ts[i].tv_sec);
    ck_assert_uint_eq(back.tv_nsec, ts[i].tv_nsec);
    msgpack_unpacked_destroy(&up);
    result_free(&r);
    vmir_decoder_free(dec);
    msgpack_sbuffer_destroy(&sb);
  }
  programs_free(&g);
}
END_TEST

/* ---- RFC 3339 in JSON ------------------------------------------------------------ */

/* JSON output is UTC with 'Z', a fraction only when the nanoseconds are not
 * 0 and then without trailing zeros; offsets and lower-case 't'/'z' read
 * back to the same instant; the output reads back to the same value. */
START_TEST(rfc3339_forms) {
  static const struct { const char *in, *out; } forms[] = {
      {"1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"},
      {"1970-01-01T00:00:00.000000000Z", "1970-01-01T00:00:00Z"},
      {"1970-01-01T00:00:00.5Z", "1970-01-01T00:00:00.5Z"},
      {"1970-01-01T00:00:00.120Z", "1970-01-01T00:00:00.12Z"},
      {"1970-01-01T00:00:00.000000001Z", "1970-01-01T00:00:00.000000001Z"},
      {"1969-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.999999999Z"},
      {"2017-09-11T16:30:05.123456789+02:00", "2017-09-11T14:30:05.123456789Z"},
      {"2017-09-11t16:30:05-00:30", "2017-09-11T17:00:05Z"},
      {"2000-02-29T23:59:59z", "2000-02-29T23:59:59Z"},
      {"0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"},
      {"9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z"},
      {"2024-01-01T00:30:00+01:00", "2023-12-31T23:30:00Z"},
  };
  programs g = programs_for(&event_shape, VMIR_FORMAT_JSON);
  programs mp = programs_for(&event_shape, VMIR_FORMAT_MSGPACK);
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
    char doc[128], want[128];
    snprintf(doc, sizeof doc, "{\"at\":\"%s\",\"extra\":[1]}", forms[i].in);
    snprintf(want, sizeof want, "{\"at\":\"%s\",\"extra\":[1]}", forms[i].out);
    result r = decode(&g, doc, strlen(doc));
    ck_assert_msg(r.status == VMIR_OK, "%s: %s", forms[i].in, r.err.message);
    ck_assert_str_eq(r.json, want);
    /* the output is a fixed point, and MessagePack carries the same value */
    result again = decode(&g, r.json, strlen(r.json));
    ck_assert_str_eq(again.json, want);
    result via = decode(&mp, r.msgpack, r.msgpack_len);
    ck_assert_int_eq(via.status, VMIR_OK);
    ck_assert_str_eq(via.json, want);
    result_free(&via);
    result_free(&again);
    result_free(&r);
  }
  programs_free(&mp);
  programs_free(&g);
}
END_TEST

/* Malformed RFC 3339 text fails at the offending character (line and
 * column), fused and unfused alike; with an escape before it, at the
 * string. Values outside years 0000..9999 have no RFC 3339 form: the
 * JSON writer's failure stops the encode as an error with the path.
 * t[verify format.parse.error-token-context]
 * t[verify format.parse.fusion-semantic-equivalence]
 * t[verify format.ir.sink-error-propagation]
 * t[verify format.exec.error-context] */
START_TEST(rfc3339_rejected) {
  static const struct { const char *text; uint32_t column; const char *needle; } bad[] = {
      {"2017-13-11T16:30:05Z", 13, "month 13 out of range (1..12)"},
      {"2017-02-29T16:30:05Z", 16, "day 29 does not exist in 2017-02"},
      {"1900-02-29T00:00:00Z", 16, "day 29 does not exist"},
      {"2017-09-31T00:00:00Z", 16, "day 31 does not exist"},
      {"2017-09-11 16:30:05Z", 18, "expected 'T' between date and time"},
      {"2017-09-11T24:00:00Z", 19, "hour 24 out of range"},
      {"2017-09-11T16:60:00Z", 22, "minute 60 out of range"},
      {"2017-09-11T16:30:60Z", 25, "leap second"},
      {"2017-09-11T16:30:05", 27, "expected 'Z' or an offset"},
      {"2017-09-11T16:30:05.Z", 28, "expected a digit after '.'"},
      {"2017-09-11T16:30:05.1234567891Z", 37, "more than 9 fractional digits"},
      {"2017-09-11T16:30:05+2:00", 29, "expected 2 digits of the offset hour"},
      {"2017-09-11T16:30:05+02:00x", 33, "expected the end of the timestamp"},
      {"2017-9-11T16:30:05Z", 14, "expected 2 digits of the month"},
      {"17-09-11T16:30:05Z", 10, "expected 4 digits of the year"},
      {"", 8, "expected 4 digits of the year"},
      {"2017-09-11T16:30:05Zjunk", 28, "expected the end"},
      {"\\u00322017-01-01T00:00:00Z", 7, "expected '-'"},
  };
  programs g = programs_for(&event_shape, VMIR_FORMAT_JSON);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char doc[128];
    snprintf(doc, sizeof doc, "{\"extra\":0,\n \"at\":\"%s\"}", bad[i].text);
    result r = decode(&g, doc, strlen(doc));
    ck_assert_msg(r.status == VMIR_E_DECODE, "%s: %s", bad[i].text, vmir_status_name(r.status));
    ck_assert_msg(strstr(r.err.message, bad[i].needle), "\"%s\" lacks \"%s\"", r.err.message,
                  bad[i].needle);
    ck_assert_uint_eq(r.err.line, 2);
    ck_assert_msg(r.err.column == bad[i].column, "%s: column %u, expected %u (%s)", bad[i].text,
                  r.err.column, bad[i].column, r.err.message);
    ck_assert_str_eq(r.err.path, ".at");
    result_free(&r);
  }
  static const char *not_strings[] = {"{\"at\":5,\"extra\":0}", "{\"at\":null,\"extra\":0}",
                                      "{\"at\":[],\"extra\":0}"};
  for (size_t i = 0; i < 3; i++) {
    result r = decode(&g, not_strings[i], strlen(not_strings[i]));
    ck_assert_int_eq(r.status, VMIR_E_DECODE);
    ck_assert_uint_eq(r.err.column, 7);
    result_free(&r);
  }
  /* Encode: years outside 0000..9999 have no RFC 3339 form (MessagePack
   * holds them); nanoseconds of 1e9 or more are invalid in both formats. */
  event e = {.at = {INT64_C(253402300800), 0}, .extra = {.type = VMIR_VALUE_NULL}};
  vmir_error err;
  size_t n;
  ck_assert_ptr_null(encode_with(g.to_json, &event_shape, &e, true, &n, &err));
  ck_assert_int_eq(err.code, VMIR_E_SINK);
  ck_assert_msg(strstr(err.message, "has no RFC 3339 form"), "%s", err.message);
  ck_assert_str_eq(err.path, ".at");
  char *packed = encode_with(g.to_msgpack, &event_shape, &e, false, &n, &err);
  ck_assert_ptr_nonnull(packed);
  free(packed);
  e.at = (vmir_timestamp){0, 1000000000u};
  ck_assert_ptr_null(encode_with(g.to_json, &event_shape, &e, true, &n, &err));
  ck_assert_ptr_null(encode_with(g.to_msgpack, &event_shape, &e, false, &n, &err));
  ck_assert_msg(strstr(err.message, "nanoseconds 1000000000 out of range"), "%s", err.message);
  programs_free(&g);
}
END_TEST

/* ---- ext in a value ---------------------------------------------------------------- */

/* Every ext width (msgpack-c writes the smallest header for each length)
 * decodes into a value and encodes back to the same bytes; a longer header
 * than needed comes back as the smallest one. JSON output of a value that
 * holds an ext fails, naming the ext: JSON has no form for it. */
START_TEST(value_ext_round_trip) {
  static const size_t lens[] = {1, 2, 4, 8, 16, 0, 3, 12, 255, 256, 65535, 65536};
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, sizeof lens / sizeof lens[0] + 1);
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    char *body = malloc(lens[i] + 1);
    for (size_t k = 0; k < lens[i]; k++) body[k] = (char)(k ^ i);
    msgpack_pack_ext(&pk, lens[i], (int8_t)(i * 37 - 128));
    msgpack_pack_ext_body(&pk, body, lens[i]);
    free(body);
  }
  msgpack_timestamp t = {1505140205, 5};
  msgpack_pack_timestamp(&pk, &t);
  programs g = programs_for(&vmir_shape_value, VMIR_FORMAT_MSGPACK);
  result r = decode(&g, sb.data, sb.size);
  ck_assert_msg(r.status == VMIR_OK, "%s", r.err.message);
  ck_assert_uint_eq(r.msgpack_len, sb.size);
  ck_assert(memcmp(r.msgpack, sb.data, sb.size) == 0);
  ck_assert_ptr_null(r.json);
  ck_assert_int_eq(r.json_err.code, VMIR_E_SINK);
  ck_assert_msg(strstr(r.json_err.message, "MessagePack ext (type -128, 1 bytes) has no JSON form"),
                "%s", r.json_err.message);
  /* the first element of the array is the ext the writer refuses */
  ck_assert_str_eq(r.json_err.path, "[0]");
  result_free(&r);
  /* ext 8/16/32 headers for lengths a smaller form holds */
  static const struct { uint8_t in[16]; size_t len; uint8_t out[16]; size_t out_len; } longer[] = {
      {{0xc7, 1, 5, 0xaa}, 4, {0xd4, 5, 0xaa}, 3},
      {{0xc8, 0, 4, 5, 1, 2, 3, 4}, 8, {0xd6, 5, 1, 2, 3, 4}, 6},
      {{0xc9, 0, 0, 0, 3, 0xff, 1, 2, 3}, 9, {0xc7, 3, 0xff, 1, 2, 3}, 6},
      /* a timestamp in a value is an ext: kept as written, not re-sized */
      {{0xc7, 12, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9}, 15,
       {0xc7, 12, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9}, 15},
  };
  for (size_t i = 0; i < sizeof longer / sizeof longer[0]; i++) {
    r = decode(&g, longer[i].in, longer[i].len);
    ck_assert_msg(r.status == VMIR_OK, "%s", r.err.message);
    ck_assert_uint_eq(r.msgpack_len, longer[i].out_len);
    ck_assert(memcmp(r.msgpack, longer[i].out, longer[i].out_len) == 0);
    result_free(&r);
  }
  /* truncated ext data inside a value: the place is the end of input */
  r = decode(&g, HEX(0x91, 0xd7, 0x01, 1, 2, 3));
  ck_assert_int_eq(r.status, VMIR_E_DECODE);
  ck_assert_uint_eq(r.err.offset, 6);
  ck_assert_msg(strstr(r.err.message, "fixext 8 payload of 8 bytes"), "%s", r.err.message);
  result_free(&r);
  programs_free(&g);
  msgpack_sbuffer_destroy(&sb);
}
END_TEST

/* A timestamp inside an untagged enum: MessagePack dispatches an ext to it
 * (bytes class), JSON a string. */
typedef struct when {
  int32_t tag;
  union { vmir_timestamp at; uint64_t count; } u;
} when;
static const vmir_field when_at[] = {{.name = "0", .offset = offsetof(when, u), .shape = &vmir_shape_timestamp}};
static const vmir_field when_count[] = {{.name = "0", .offset = offsetof(when, u), .shape = &vmir_shape_u64}};
static const vmir_variant when_variants[] = {
    {.name = "at", .discriminant = 0, .style = VMIR_VARIANT_NEWTYPE, .fields = when_at, .field_count = 1},
    {.name = "count", .discriminant = 1, .style = VMIR_VARIANT_NEWTYPE, .fields = when_count, .field_count = 1},
};
static const vmir_shape when_shape =
    VMIR_ENUM(when, tag, when_variants, VMIR_TAG_UNTAGGED, NULL, NULL, false);

START_TEST(untagged_timestamp) {
  programs mp = programs_for(&when_shape, VMIR_FORMAT_MSGPACK);
  programs js = programs_for(&when_shape, VMIR_FORMAT_JSON);
  result r = decode(&mp, HEX(0xd6, 0xff, 0, 0, 0, 1));
  ck_assert_int_eq(r.status, VMIR_OK);
  ck_assert_str_eq(r.json, "\"1970-01-01T00:00:01Z\"");
  result_free(&r);
  r = decode(&mp, HEX(0x07));
  ck_assert_int_eq(r.status, VMIR_OK);
  ck_assert_str_eq(r.json, "7");
  result_free(&r);
  r = decode(&js, "\"1970-01-01T00:00:01Z\"", 22);
  ck_assert_int_eq(r.status, VMIR_OK);
  ck_assert_str_eq(r.json, "\"1970-01-01T00:00:01Z\"");
  result_free(&r);
  programs_free(&js);
  programs_free(&mp);
}
END_TEST

/* ---- the writers ------------------------------------------------------------------ */

static size_t write_scalar(const vmir_scalar *sc, bool json, uint8_t *out, size_t cap,
                           vmir_status *st, char *why) {
  vmir_json_writer *jw = json ? vmir_json_writer_new(NULL) : NULL;
  vmir_msgpack_writer *mw = json ? NULL : vmir_msgpack_writer_new();
  vmir_sink *sink = json ? vmir_json_writer_sink(jw) : vmir_msgpack_writer_sink(mw);
  *st = sink->ops->scalar(sink, sc);
  snprintf(why, 128, "%s", sink->error);
  size_t n;
  const uint8_t *d = json ? vmir_json_writer_data(jw, &n) : vmir_msgpack_writer_data(mw, &n);
  ck_assert_uint_le(n, cap);
  memcpy(out, d, n);
  vmir_json_writer_free(jw);
  vmir_msgpack_writer_free(mw);
  return n;
}

/* The smallest timestamp width at each boundary, the smallest ext header at
 * each length boundary, and the RFC 3339 text of the JSON writer. */
START_TEST(writers_at_the_boundaries) {
  static const struct { int64_t s; uint32_t ns; size_t len; const char *rfc3339; } ts[] = {
      {0, 0, 6, "1970-01-01T00:00:00Z"},
      {INT64_C(4294967295), 0, 6, "2106-02-07T06:28:15Z"},
      {INT64_C(4294967296), 0, 10, "2106-02-07T06:28:16Z"},
      {0, 1, 10, "1970-01-01T00:00:00.000000001Z"},
      {INT64_C(17179869183), 999999999, 10, "2514-05-30T01:53:03.999999999Z"},
      {INT64_C(17179869184), 0, 15, "2514-05-30T01:53:04Z"},
      {-1, 0, 15, "1969-12-31T23:59:59Z"},
      {INT64_C(-62167219200), 0, 15, "0000-01-01T00:00:00Z"},
      {INT64_C(951782400), 100000000, 10, "2000-02-29T00:00:00.1Z"},
  };
  uint8_t out[80];
  char why[128];
  vmir_status st;
  for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
    vmir_scalar sc = {.type = VMIR_SCALAR_TIMESTAMP, .as.timestamp = {ts[i].s, ts[i].ns}};
    size_t n = write_scalar(&sc, false, out, sizeof out, &st, why);
    ck_assert_int_eq(st, VMIR_OK);
    ck_assert_uint_eq(n, ts[i].len);
    ck_assert_uint_eq(out[n == 15 ? 2 : 1], 0xff);  /* type -1 */
    n = write_scalar(&sc, true, out, sizeof out, &st, why);
    ck_assert_int_eq(st, VMIR_OK);
    char want[48];
    snprintf(want, sizeof want, "\"%s\"", ts[i].rfc3339);
    ck_assert_uint_eq(n, strlen(want));
    ck_assert(memcmp(out, want, n) == 0);
  }
  vmir_scalar before_year_0 = {.type = VMIR_SCALAR_TIMESTAMP, .as.timestamp = {INT64_C(-62167219201), 0}};
  ck_assert_uint_eq(write_scalar(&before_year_0, true, out, sizeof out, &st, why), 0);
  ck_assert_int_eq(st, VMIR_E_SINK);
  ck_assert_msg(strstr(why, "has no RFC 3339 form"), "%s", why);
  static const struct { uint32_t len; uint8_t lead; size_t header; } ext[] = {
      {0, 0xc7, 2}, {1, 0xd4, 1}, {2, 0xd5, 1}, {3, 0xc7, 2}, {4, 0xd6, 1}, {8, 0xd7, 1},
      {16, 0xd8, 1}, {17, 0xc7, 2}, {255, 0xc7, 2}, {256, 0xc8, 3}, {65535, 0xc8, 3},
      {65536, 0xc9, 5},
  };
  uint8_t *data = calloc(1, 65536), *big = malloc(65536 + 8);
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
    vmir_scalar sc = {.type = VMIR_SCALAR_EXT, .as.ext = {.data = data, .len = ext[i].len, .type = -7}};
    size_t n = write_scalar(&sc, false, big, 65536 + 8, &st, why);
    ck_assert_int_eq(st, VMIR_OK);
    ck_assert_uint_eq(n, ext[i].header + 1 + ext[i].len);
    ck_assert_uint_eq(big[0], ext[i].lead);
    ck_assert_uint_eq(big[ext[i].header], 0xf9);  /* -7 */
    ck_assert_uint_eq(write_scalar(&sc, true, out, sizeof out, &st, why), 0);
    ck_assert_int_eq(st, VMIR_E_SINK);
    ck_assert_msg(strstr(why, "has no JSON form"), "%s", why);
  }
  free(data);
  free(big);
  /* the recorder names both */
  vmir_recorder *rec = vmir_recorder_new();
  vmir_sink *sink = vmir_recorder_sink(rec);
  vmir_scalar t = {.type = VMIR_SCALAR_TIMESTAMP, .as.timestamp = {-1, 500}};
  ck_assert_int_eq(sink->ops->begin_seq(sink, 2), VMIR_OK);
  ck_assert_int_eq(sink->ops->scalar(sink, &t), VMIR_OK);
  vmir_scalar e = {.type = VMIR_SCALAR_EXT, .as.ext = {.data = (const uint8_t *)"\x01\x02", .len = 2, .type = 5}};
  ck_assert_int_eq(sink->ops->scalar(sink, &e), VMIR_OK);
  ck_assert_int_eq(sink->ops->end(sink), VMIR_OK);
  ck_assert_str_eq(vmir_recorder_text(rec),
                   "begin-seq 2\nscalar timestamp -1 500\nscalar ext 5 #x0102\nend\n");
  vmir_recorder_free(rec);
}
END_TEST

/* ---- the shape ---------------------------------------------------------------------- */

/* timestamp is a leaf of the text form, validates only with its own layout
 * (16 bytes, align 8), and its id is pinned: version, leaf, kind 23, size
 * 16, align 8. */
START_TEST(timestamp_shape) {
  static const char text[] =
      "(shapes\n  (define ev (struct (size 40) (align 8)\n"
      "    (field at (offset 0) (shape timestamp))\n"
      "    (field extra (offset 16) (shape value))))\n  (root ev))\n";
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(text, sizeof text - 1, "<t>", &err);
  ck_assert_msg(set != NULL, "%s", err.message);
  const vmir_shape *root = vmir_shape_set_root(set);
  ck_assert_int_eq(vmir_shape_validate(root, &err), VMIR_OK);
  ck_assert_uint_eq(vmir_shape_id(root), vmir_shape_id(&event_shape));
  size_t len;
  char *printed = vmir_shape_text_print(root, &len);
  ck_assert_str_eq(printed, text);
  free(printed);
  vmir_shape_set_free(set);
  ck_assert(vmir_kind_is_scalar(VMIR_KIND_TIMESTAMP));
  ck_assert_str_eq(vmir_kind_name(VMIR_KIND_TIMESTAMP), "timestamp");
  /* FNV-1a 64 of 01 01 17 10 08 */
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  static const uint8_t enc[] = {1, 1, 23, 16, 8};
  for (size_t i = 0; i < sizeof enc; i++) h = (h ^ enc[i]) * UINT64_C(0x100000001b3);
  ck_assert_uint_eq(vmir_shape_id(&vmir_shape_timestamp), h);
  vmir_shape wrong = vmir_shape_timestamp;
  wrong.size = 12;
  ck_assert_int_eq(vmir_shape_validate(&wrong, &err), VMIR_E_LAYOUT);
}
END_TEST

static Suite *msgpack_ext_suite(void) {
  Suite *s = suite_create("msgpack_ext");
  TCase *tc = tcase_create("ext and timestamp");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, spec_timestamp_examples);
  tcase_add_test(tc, timestamp_ext_rejected);
  tcase_add_test(tc, timestamps_from_msgpack_c);
  tcase_add_test(tc, rfc3339_forms);
  tcase_add_test(tc, rfc3339_rejected);
  tcase_add_test(tc, value_ext_round_trip);
  tcase_add_test(tc, untagged_timestamp);
  tcase_add_test(tc, timestamp_shape);
  tcase_add_test(tc, writers_at_the_boundaries);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return vmir_test_run(msgpack_ext_suite(), "msgpack_ext"); }
