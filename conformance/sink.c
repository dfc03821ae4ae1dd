/* Sinks: the JSON writer, the MessagePack writer and the event recorder,
 * driven directly through their callbacks. Output is checked three ways:
 * exact bytes where the encoding is fixed (escapes, headers, float text),
 * parsing by independent libraries (json-c, msgpack-c, strtod/strtof), and
 * event-order violations that must fail. */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "peers.h"
#include "vmir/sink.h"

/* ---- event helpers ------------------------------------------------------ */

static vmir_status ev_struct(vmir_sink *s, uint64_t n) { return s->ops->begin_struct(s, n); }
static vmir_status ev_seq(vmir_sink *s, uint64_t n) { return s->ops->begin_seq(s, n); }
static vmir_status ev_map(vmir_sink *s, uint64_t n) { return s->ops->begin_map(s, n); }
static vmir_status ev_end(vmir_sink *s) { return s->ops->end(s); }

static vmir_status ev_name_len(vmir_sink *s, const char *name, size_t len) {
  vmir_str str = {name, len};
  return s->ops->field_name(s, str);
}
static vmir_status ev_name(vmir_sink *s, const char *name) {
  return ev_name_len(s, name, strlen(name));
}

static vmir_status ev_scalar(vmir_sink *s, vmir_scalar v) { return s->ops->scalar(s, &v); }
static vmir_status ev_null(vmir_sink *s) {
  return ev_scalar(s, (vmir_scalar){.type = VMIR_SCALAR_NULL});
}
static vmir_status ev_bool(vmir_sink *s, bool b) {
  return ev_scalar(s, (vmir_scalar){.type = VMIR_SCALAR_BOOL, .as.boolean = b});
}
static vmir_status ev_int(vmir_sink *s, int64_t v) {
  return ev_scalar(s, (vmir_scalar){.type = VMIR_SCALAR_INT, .as.i64 = v});
}
static vmir_status ev_uint(vmir_sink *s, uint64_t v) {
  return ev_scalar(s, (vmir_scalar){.type = VMIR_SCALAR_UINT, .as.u64 = v});
}
static vmir_status ev_f64(vmir_sink *s, double v) {
  return ev_scalar(s, (vmir_scalar){.type = VMIR_SCALAR_FLOAT, .as.f64 = v});
}
static vmir_status ev_f32(vmir_sink *s, float v) {
  return ev_scalar(s, (vmir_scalar){.type = VMIR_SCALAR_FLOAT, .is_f32 = true, .as.f64 = v});
}
static vmir_status ev_str_len(vmir_sink *s, const char *p, size_t n) {
  return ev_scalar(s, (vmir_scalar){.type = VMIR_SCALAR_STRING, .as.string = {p, n}});
}
static vmir_status ev_str(vmir_sink *s, const char *p) { return ev_str_len(s, p, strlen(p)); }
static vmir_status ev_bytes(vmir_sink *s, const uint8_t *p, size_t n) {
  return ev_scalar(s, (vmir_scalar){.type = VMIR_SCALAR_BYTES, .as.bytes = {p, n}});
}

/* Check's assertions record a checkpoint (a write to the parent process)
 * even when they pass; loops that run hundreds of thousands of times use
 * these instead, which only report failures. */
#define CHECK(cond, ...)                       \
  do {                                         \
    if (!(cond)) ck_abort_msg(__VA_ARGS__);    \
  } while (0)

#define OK(expr)                                                                     \
  do {                                                                               \
    vmir_status st_ = (expr);                                                        \
    CHECK(st_ == VMIR_OK, "%s failed: %s (%s)", #expr, vmir_status_name(st_),        \
          sink->error);                                                              \
  } while (0)

/* The JSON writer's output as a NUL-terminated string (static storage,
 * valid until the next call). */
static const char *json_text(vmir_json_writer *w) {
  static char *copy;
  size_t len;
  const uint8_t *data = vmir_json_writer_data(w, &len);
  free(copy);
  copy = malloc(len + 1);
  memcpy(copy, data, len);
  copy[len] = '\0';
  return copy;
}

/* Writes one scalar as a whole JSON document; returns its text (static
 * storage) or NULL when the writer refused it (reason in *why). */
static const char *json_of(vmir_scalar v, vmir_status *st, char *why, size_t why_cap) {
  static vmir_json_writer *w;
  if (!w) w = vmir_json_writer_new(NULL);
  vmir_json_writer_reset(w);
  vmir_sink *sink = vmir_json_writer_sink(w);
  *st = sink->ops->scalar(sink, &v);
  if (why) snprintf(why, why_cap, "%s", sink->error);
  return *st == VMIR_OK ? json_text(w) : NULL;
}

static const char *json_of_f64(double v) {
  vmir_status st;
  char why[128];
  const char *t = json_of((vmir_scalar){.type = VMIR_SCALAR_FLOAT, .as.f64 = v}, &st, why,
                          sizeof why);
  CHECK(st == VMIR_OK, "%.17g refused: %s", v, why);
  return t;
}

static const char *json_of_f32(float v) {
  vmir_status st;
  char why[128];
  const char *t = json_of(
      (vmir_scalar){.type = VMIR_SCALAR_FLOAT, .is_f32 = true, .as.f64 = v}, &st, why,
      sizeof why);
  CHECK(st == VMIR_OK, "%.9g (f32) refused: %s", (double)v, why);
  return t;
}

/* RFC 8259 number grammar: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
static bool is_json_number(const char *s) {
  if (*s == '-') s++;
  if (*s == '0') s++;
  else if (*s >= '1' && *s <= '9') while (*s >= '0' && *s <= '9') s++;
  else return false;
  if (*s == '.') {
    s++;
    if (!(*s >= '0' && *s <= '9')) return false;
    while (*s >= '0' && *s <= '9') s++;
  }
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '+' || *s == '-') s++;
    if (!(*s >= '0' && *s <= '9')) return false;
    while (*s >= '0' && *s <= '9') s++;
  }
  return *s == '\0';
}

static bool same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* json-c cannot tell that a bare number at the end of its input is
 * complete (it answers "continue"), so root scalars are parsed inside an
 * array: the returned object is the element (caller puts it). */
static json_object *peer_parse_scalar(const char *text, char *why, size_t why_cap) {
  size_t n = strlen(text);
  char *wrapped = malloc(n + 3);
  wrapped[0] = '[';
  memcpy(wrapped + 1, text, n);
  wrapped[n + 1] = ']';
  wrapped[n + 2] = '\0';
  json_object *arr = peer_parse_json(wrapped, n + 2, why, why_cap);
  free(wrapped);
  if (why[0]) return NULL;
  json_object *elem = json_object_get(json_object_array_get_idx(arr, 0));
  json_object_put(arr);
  return elem;
}

/* ---- JSON: documents ------------------------------------------------------ */

START_TEST(json_compact_document) {
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  vmir_sink *sink = vmir_json_writer_sink(w);
  ck_assert_int_eq(sink->kind, VMIR_SINK_JSON);
  static const uint8_t raw[] = {0, 127, 255};
  OK(ev_struct(sink, 6));
  OK(ev_name(sink, "id"));
  OK(ev_uint(sink, 42));
  OK(ev_name(sink, "name"));
  OK(ev_str(sink, "vmir"));
  OK(ev_name(sink, "tags"));
  OK(ev_seq(sink, VMIR_LEN_UNKNOWN));
  OK(ev_str(sink, "a"));
  OK(ev_bool(sink, false));
  OK(ev_null(sink));
  OK(ev_end(sink));
  OK(ev_name(sink, "scores"));
  OK(ev_map(sink, 2));
  OK(ev_name(sink, "x"));
  OK(ev_f64(sink, -1.25));
  OK(ev_name(sink, "y"));
  OK(ev_int(sink, -7));
  OK(ev_end(sink));
  OK(ev_name(sink, "raw"));
  OK(ev_bytes(sink, raw, sizeof raw));
  OK(ev_name(sink, "empty"));
  OK(ev_struct(sink, 0));
  OK(ev_end(sink));
  OK(ev_end(sink));
  const char *want =
      "{\"id\":42,\"name\":\"vmir\",\"tags\":[\"a\",false,null],"
      "\"scores\":{\"x\":-1.25,\"y\":-7},\"raw\":[0,127,255],\"empty\":{}}";
  ck_assert_str_eq(json_text(w), want);
  char why[256], diff[512];
  json_object *got = peer_parse_json(json_text(w), strlen(want), why, sizeof why);
  ck_assert_msg(!why[0], "%s", why);
  json_object *expect = json_tokener_parse(want);
  ck_assert_msg(peer_tree_equal(got, expect, true, diff, sizeof diff), "%s", diff);
  json_object_put(got);
  json_object_put(expect);
  vmir_json_writer_free(w);
}
END_TEST

START_TEST(json_pretty_exact) {
  vmir_json_options opt = {.pretty = true};
  vmir_json_writer *w = vmir_json_writer_new(&opt);
  vmir_sink *sink = vmir_json_writer_sink(w);
  static const uint8_t two[] = {1, 2};
  OK(ev_struct(sink, VMIR_LEN_UNKNOWN));
  OK(ev_name(sink, "name"));
  OK(ev_str(sink, "vmir"));
  OK(ev_name(sink, "tags"));
  OK(ev_seq(sink, 2));
  OK(ev_str(sink, "a"));
  OK(ev_str(sink, "b"));
  OK(ev_end(sink));
  OK(ev_name(sink, "empty_list"));
  OK(ev_seq(sink, 0));
  OK(ev_end(sink));
  OK(ev_name(sink, "empty_obj"));
  OK(ev_map(sink, 0));
  OK(ev_end(sink));
  OK(ev_name(sink, "nested"));
  OK(ev_struct(sink, 2));
  OK(ev_name(sink, "x"));
  OK(ev_f64(sink, 1.5));
  OK(ev_name(sink, "y"));
  OK(ev_seq(sink, 1));
  OK(ev_struct(sink, 1));
  OK(ev_name(sink, "deep"));
  OK(ev_null(sink));
  OK(ev_end(sink));
  OK(ev_end(sink));
  OK(ev_end(sink));
  OK(ev_name(sink, "bytes"));
  OK(ev_bytes(sink, two, 2));
  OK(ev_name(sink, "no_bytes"));
  OK(ev_bytes(sink, two, 0));
  OK(ev_end(sink));
  ck_assert_str_eq(json_text(w),
                   "{\n"
                   "  \"name\": \"vmir\",\n"
                   "  \"tags\": [\n"
                   "    \"a\",\n"
                   "    \"b\"\n"
                   "  ],\n"
                   "  \"empty_list\": [],\n"
                   "  \"empty_obj\": {},\n"
                   "  \"nested\": {\n"
                   "    \"x\": 1.5,\n"
                   "    \"y\": [\n"
                   "      {\n"
                   "        \"deep\": null\n"
                   "      }\n"
                   "    ]\n"
                   "  },\n"
                   "  \"bytes\": [\n"
                   "    1,\n"
                   "    2\n"
                   "  ],\n"
                   "  \"no_bytes\": []\n"
                   "}");
  /* A root scalar is one line, no trailing newline; reset keeps the mode. */
  vmir_json_writer_reset(w);
  OK(ev_int(sink, 1));
  ck_assert_str_eq(json_text(w), "1");
  vmir_json_writer_free(w);
}
END_TEST

/* ---- JSON: strings --------------------------------------------------------- */

START_TEST(json_string_escapes) {
  /* Every control character, the quote and the backslash escaped; '/' and
   * DEL pass through. */
  char in[40];
  size_t n = 0;
  for (int c = 0; c < 0x20; c++) in[n++] = (char)c;
  in[n++] = '"';
  in[n++] = '\\';
  in[n++] = '/';
  in[n++] = 0x7f;
  in[n++] = 'z';
  char want[256];
  size_t m = 0;
  want[m++] = '"';
  for (int c = 0; c < 0x20; c++) {
    const char *esc = c == '\b' ? "\\b" : c == '\f' ? "\\f" : c == '\n' ? "\\n"
                    : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
    if (esc) m += (size_t)sprintf(want + m, "%s", esc);
    else m += (size_t)sprintf(want + m, "\\u%04x", c);
  }
  m += (size_t)sprintf(want + m, "\\\"\\\\/\x7fz\"");
  vmir_status st;
  const char *got = json_of((vmir_scalar){.type = VMIR_SCALAR_STRING, .as.string = {in, n}},
                            &st, NULL, 0);
  ck_assert_int_eq(st, VMIR_OK);
  ck_assert_str_eq(got, want);
  char why[256];
  json_object *o = peer_parse_json(got, strlen(got), why, sizeof why);
  ck_assert_msg(!why[0], "%s", why);
  ck_assert_int_eq(json_object_get_string_len(o), (int)n);
  ck_assert_mem_eq(json_object_get_string(o), in, n);
  json_object_put(o);
  /* Long plain runs take the 8-byte path; escapes at every alignment. */
  for (size_t at = 0; at < 24; at++) {
    char s[32];
    memset(s, 'a', sizeof s);
    s[at] = '\n';
    got = json_of((vmir_scalar){.type = VMIR_SCALAR_STRING, .as.string = {s, sizeof s}}, &st,
                  NULL, 0);
    o = peer_parse_json(got, strlen(got), why, sizeof why);
    ck_assert_msg(!why[0], "%s", why);
    ck_assert_int_eq(json_object_get_string_len(o), (int)sizeof s);
    ck_assert_mem_eq(json_object_get_string(o), s, sizeof s);
    ck_assert_uint_eq(strlen(got), sizeof s + 3);
    json_object_put(o);
  }
}
END_TEST

/* Well-formed UTF-8 at every length boundary passes through byte for byte. */
static const char *const valid_utf8[] = {
    "\xC2\x80",         /* U+0080, first 2-byte */
    "\xDF\xBF",         /* U+07FF, last 2-byte */
    "\xE0\xA0\x80",     /* U+0800, first 3-byte */
    "\xED\x9F\xBF",     /* U+D7FF, below the surrogates */
    "\xEE\x80\x80",     /* U+E000, above the surrogates */
    "\xEF\xBF\xBF",     /* U+FFFF */
    "\xF0\x90\x80\x80", /* U+10000, first 4-byte */
    "\xF4\x8F\xBF\xBF", /* U+10FFFF, the last code point */
    "caf\xC3\xA9 \xE2\x82\xAC 10 \xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",
};

START_TEST(json_utf8_passthrough) {
  for (size_t i = 0; i < sizeof valid_utf8 / sizeof *valid_utf8; i++) {
    const char *s = valid_utf8[i];
    vmir_status st;
    const char *got = json_of((vmir_scalar){.type = VMIR_SCALAR_STRING,
                                            .as.string = {s, strlen(s)}},
                              &st, NULL, 0);
    ck_assert_int_eq(st, VMIR_OK);
    ck_assert_uint_eq(strlen(got), strlen(s) + 2);
    ck_assert_mem_eq(got + 1, s, strlen(s));
    char why[256];
    json_object *o = peer_parse_json(got, strlen(got), why, sizeof why);
    ck_assert_msg(!why[0], "%s", why);
    ck_assert_str_eq(json_object_get_string(o), s);
    json_object_put(o);
  }
}
END_TEST

/* Ill-formed UTF-8 and the offset of the first bad sequence. */
typedef struct bad_utf8 {
  const char *bytes;
  size_t offset;
} bad_utf8;

static const bad_utf8 invalid_utf8[] = {
    {"ab\xC0\x80", 2},             /* overlong 2-byte NUL */
    {"\xC1\xBF", 0},               /* overlong 2-byte */
    {"x\xE0\x80\x80", 1},          /* overlong 3-byte */
    {"\xE0\x9F\xBF", 0},           /* overlong 3-byte, just below U+0800 */
    {"\xF0\x80\x80\x80", 0},       /* overlong 4-byte */
    {"\xF0\x8F\xBF\xBF", 0},       /* overlong 4-byte, just below U+10000 */
    {"abc\xED\xA0\x80", 3},        /* surrogate U+D800 */
    {"\xED\xBF\xBF", 0},           /* surrogate U+DFFF */
    {"\xF4\x90\x80\x80", 0},       /* U+110000 */
    {"\xF5\x80\x80\x80", 0},       /* lead byte beyond U+10FFFF */
    {"\xFF", 0},                   /* never valid */
    {"\x80", 0},                   /* lone continuation */
    {"abcdefgh\xE2\x82", 8},       /* truncated 3-byte at the end */
    {"\xF0\x9F\x98", 0},           /* truncated 4-byte */
    {"\xE2\x28\xA1", 0},           /* bad continuation */
    {"ok \xC3", 3},                /* truncated 2-byte */
    {"\xC3\xA9\xC3", 2},           /* valid then truncated */
};

START_TEST(json_utf8_invalid_rejected) {
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  vmir_sink *sink = vmir_json_writer_sink(w);
  for (size_t i = 0; i < sizeof invalid_utf8 / sizeof *invalid_utf8; i++) {
    const bad_utf8 *b = &invalid_utf8[i];
    char want[128];
    vmir_json_writer_reset(w);
    ck_assert_int_eq(ev_str(sink, b->bytes), VMIR_E_SINK);
    snprintf(want, sizeof want, "invalid UTF-8 at byte %zu of string", b->offset);
    ck_assert_str_eq(sink->error, want);
    size_t len;
    vmir_json_writer_data(w, &len);
    ck_assert_uint_eq(len, 0);
    /* Field names are checked the same way. */
    vmir_json_writer_reset(w);
    OK(ev_struct(sink, 1));
    ck_assert_int_eq(ev_name(sink, b->bytes), VMIR_E_SINK);
    snprintf(want, sizeof want, "invalid UTF-8 at byte %zu of field name", b->offset);
    ck_assert_str_eq(sink->error, want);
  }
  vmir_json_writer_free(w);
}
END_TEST

/* ---- JSON: integers ---------------------------------------------------- */

START_TEST(json_integers_exact) {
  static const int64_t ints[] = {0, -1, 1, 9, 10, -9, -10, 99, 100, 12345, -987654321,
                                 INT32_MIN, INT32_MAX, INT64_MIN, INT64_MIN + 1, INT64_MAX};
  for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
    char want[32];
    snprintf(want, sizeof want, "%" PRId64, ints[i]);
    vmir_status st;
    const char *got = json_of((vmir_scalar){.type = VMIR_SCALAR_INT, .as.i64 = ints[i]}, &st,
                              NULL, 0);
    ck_assert_str_eq(got, want);
    char why[256];
    json_object *o = peer_parse_scalar(got, why, sizeof why);
    ck_assert_msg(!why[0], "%s", why);
    ck_assert_int_eq(json_object_get_type(o), json_type_int);
    ck_assert_msg(json_object_get_int64(o) == ints[i], "json-c read %s differently", got);
    json_object_put(o);
  }
  /* Every power of ten and its neighbours, up to UINT64_MAX. */
  uint64_t p = 1;
  for (int e = 0; e < 20; e++, p *= 10) {
    uint64_t vals[] = {p - 1, p, p + 1, UINT64_MAX - p + 1};
    for (size_t i = 0; i < 4; i++) {
      char want[32];
      snprintf(want, sizeof want, "%" PRIu64, vals[i]);
      vmir_status st;
      const char *got =
          json_of((vmir_scalar){.type = VMIR_SCALAR_UINT, .as.u64 = vals[i]}, &st, NULL, 0);
      ck_assert_str_eq(got, want);
    }
  }
  char why[256];
  vmir_status st;
  const char *got =
      json_of((vmir_scalar){.type = VMIR_SCALAR_UINT, .as.u64 = UINT64_MAX}, &st, NULL, 0);
  ck_assert_str_eq(got, "18446744073709551615");
  json_object *o = peer_parse_scalar(got, why, sizeof why);
  ck_assert_msg(!why[0], "%s", why);
  ck_assert_msg(json_object_get_uint64(o) == UINT64_MAX, "json-c read u64 max differently");
  json_object_put(o);
}
END_TEST

/* ---- JSON: floats ---------------------------------------------------------- */

typedef struct float_text {
  double value;
  const char *text;
} float_text;

/* The layout policy (docs/sinks.md) on representative values. */
static const float_text f64_texts[] = {
    {0.1, "0.1"},
    {1.5, "1.5"},
    {-1.5, "-1.5"},
    {3.0, "3.0"},
    {0.0, "0.0"},
    {-0.0, "-0.0"},
    {100.0, "100.0"},
    {123.456, "123.456"},
    {0.30000000000000004, "0.30000000000000004"},
    {1.0 / 3.0, "0.3333333333333333"},
    {2.0 / 3.0, "0.6666666666666666"},
    {1e-6, "0.000001"},
    {1.5e-6, "0.0000015"},
    {1e-7, "1e-7"},
    {1.5e-7, "1.5e-7"},
    {1e20, "100000000000000000000.0"},
    {1e21, "1e+21"},
    {1.5e21, "1.5e+21"},
    {1e23, "1e+23"},
    {9007199254740993.0, "9007199254740992.0"}, /* 2^53 + 1 rounds to 2^53 */
    {9007199254740994.0, "9007199254740994.0"},
    {9223372036854775808.0, "9223372036854776000.0"}, /* 2^63 */
    {5e-324, "5e-324"},
    {2.2250738585072014e-308, "2.2250738585072014e-308"},
    {1e-300, "1e-300"},
    {1.7976931348623157e308, "1.7976931348623157e+308"},
    {-65.613616999999977, "-65.61361699999998"},
    {0.000244140625, "0.000244140625"}, /* 2^-12, exact */
    {4.35, "4.35"},
    {2.5e-5, "0.000025"},
};

START_TEST(json_float_text) {
  for (size_t i = 0; i < sizeof f64_texts / sizeof *f64_texts; i++) {
    const char *got = json_of_f64(f64_texts[i].value);
    ck_assert_msg(strcmp(got, f64_texts[i].text) == 0, "%.17g: got %s, want %s",
                  f64_texts[i].value, got, f64_texts[i].text);
  }
}
END_TEST

/* Each value reads back to the same bits with strtod and with json-c. */
START_TEST(json_float_roundtrip_peers) {
  static const double vals[] = {0.1, 1e-300, 5e-324, 1.7976931348623157e308, -0.0,
                                1.0 / 3.0, 9007199254740993.0, 9007199254740995.0,
                                2.2250738585072009e-308, 4.9406564584124654e-324 * 3,
                                123456789.125, -1e-10, 6.02214076e23, 1.602176634e-19};
  for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
    const char *got = json_of_f64(vals[i]);
    ck_assert_msg(is_json_number(got), "%s is not a JSON number", got);
    ck_assert_msg(same_bits(strtod(got, NULL), vals[i]), "%s does not read back as %.17g",
                  got, vals[i]);
    char why[256];
    json_object *o = peer_parse_scalar(got, why, sizeof why);
    ck_assert_msg(!why[0], "%s: %s", got, why);
    ck_assert_int_eq(json_object_get_type(o), json_type_double);
    ck_assert_msg(same_bits(json_object_get_double(o), vals[i]), "json-c read %s differently",
                  got);
    json_object_put(o);
  }
}
END_TEST

/* Digits and power of ten of a decimal text ("-1.25e-7", "0.001", "3.0"),
 * without leading or trailing zeros. Zeros are held back until a nonzero
 * digit follows, so long integral texts ("2305843009213694000.0") fit. */
static void decimal_of(const char *s, uint64_t *digits, int *exp10, int *count) {
  uint64_t d = 0;
  int n = 0, e = 0, zeros = 0;
  bool after_point = false;
  for (; *s && *s != 'e' && *s != 'E'; s++) {
    if (*s == '.' || *s == ',') {
      after_point = true;
    } else if (*s >= '0' && *s <= '9') {
      if (after_point) e--;
      if (*s == '0') {
        if (n > 0) zeros++;
        continue;
      }
      for (; zeros > 0; zeros--, n++) d *= 10;
      d = d * 10 + (uint64_t)(*s - '0');
      n++;
    }
  }
  if (*s == 'e' || *s == 'E') e += atoi(s + 1);
  *digits = d;
  *exp10 = e + zeros;
  *count = n;
}

static uint64_t rng_state = UINT64_C(0x9E3779B97F4A7C15);
static uint64_t rng(void) { /* xorshift64*: deterministic, good enough */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * UINT64_C(0x2545F4914F6CDD1D);
}

/* Checks our text for x against printf/strtod: it reads back exactly, it
 * is a JSON number, no decimal with one digit fewer (printf's nearest)
 * reads back, and where printf's nearest decimal with as many digits reads
 * back, ours is that one (the closest shortest). */
static void check_shortest_f64(double x) {
  if (x == 0) return; /* zeros: json_float_text */
  const char *got = json_of_f64(x);
  CHECK(is_json_number(got), "%.17g gave %s, not a JSON number", x, got);
  CHECK(same_bits(strtod(got, NULL), x), "%.17g gave %s, which reads back differently",
                x, got);
  uint64_t digits;
  int exp10, count;
  decimal_of(got, &digits, &exp10, &count);
  char ref[64];
  if (count > 1) {
    snprintf(ref, sizeof ref, "%.*e", count - 2, x);
    CHECK(strtod(ref, NULL) != x, "%.17g gave %s but %s is shorter", x, got, ref);
  }
  snprintf(ref, sizeof ref, "%.*e", count - 1, x);
  if (strtod(ref, NULL) == x) {
    uint64_t rd;
    int re, rc;
    decimal_of(ref, &rd, &re, &rc);
    CHECK(rd == digits && re == exp10, "%.17g gave %s, the closer one is %s", x, got,
                  ref);
  }
}

static void check_shortest_f32(float x) {
  if (x == 0) return;
  const char *got = json_of_f32(x);
  CHECK(is_json_number(got), "%.9g gave %s, not a JSON number", (double)x, got);
  CHECK(strtof(got, NULL) == x, "%.9g (f32) gave %s, which reads back differently",
                (double)x, got);
  uint64_t digits;
  int exp10, count;
  decimal_of(got, &digits, &exp10, &count);
  char ref[64];
  if (count > 1) {
    snprintf(ref, sizeof ref, "%.*e", count - 2, (double)x);
    CHECK(strtof(ref, NULL) != x, "%.9g gave %s but %s is shorter", (double)x, got,
                  ref);
  }
  snprintf(ref, sizeof ref, "%.*e", count - 1, (double)x);
  if (strtof(ref, NULL) == x) {
    uint64_t rd;
    int re, rc;
    decimal_of(ref, &rd, &re, &rc);
    CHECK(rd == digits && re == exp10, "%.9g gave %s, the closer one is %s", (double)x,
                  got, ref);
  }
}

static double f64_from_bits(uint64_t bits) {
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

static float f32_from_bits(uint32_t bits) {
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

START_TEST(json_float_shortest_f64) {
  /* Every power of two (the lopsided rounding intervals) and neighbours. */
  for (int e = -1074; e <= 1023; e++) {
    double p = ldexp(1.0, e);
    check_shortest_f64(p);
    check_shortest_f64(nextafter(p, 0));
    check_shortest_f64(-nextafter(p, INFINITY));
  }
  /* Random bit patterns over the whole range. */
  for (int i = 0; i < 20000; i++) {
    double x = f64_from_bits(rng());
    if (isfinite(x)) check_shortest_f64(x);
  }
  /* Random values of everyday magnitudes (the integer fast path range). */
  for (int i = 0; i < 100000; i++) {
    uint64_t field = 986 + rng() % 93; /* binary exponents -89..3 */
    double x = f64_from_bits(field << 52 | (rng() & ((UINT64_C(1) << 52) - 1)));
    check_shortest_f64(x);
  }
  /* Short decimals, as typed by people: m * 10^e. */
  for (int i = 0; i < 50000; i++) {
    char text[64];
    int ndig = 1 + (int)(rng() % 17);
    uint64_t m = rng() % UINT64_C(100000000000000000);
    uint64_t mod = 1;
    for (int d = 0; d < ndig; d++) mod *= 10;
    m %= mod;
    int e = (int)(rng() % 60) - 40;
    snprintf(text, sizeof text, "%" PRIu64 "e%d", m + 1, e);
    check_shortest_f64(strtod(text, NULL));
  }
}
END_TEST

START_TEST(json_float_shortest_f32) {
  for (int e = -149; e <= 127; e++) {
    float p = ldexpf(1.0f, e);
    check_shortest_f32(p);
    check_shortest_f32(nextafterf(p, 0));
    check_shortest_f32(-nextafterf(p, INFINITY));
  }
  for (int i = 0; i < 100000; i++) {
    float x = f32_from_bits((uint32_t)rng());
    if (isfinite(x)) check_shortest_f32(x);
  }
  for (int i = 0; i < 20000; i++) {
    char text[64];
    snprintf(text, sizeof text, "%" PRIu64 "e%d", 1 + rng() % 10000000, (int)(rng() % 40) - 25);
    check_shortest_f32(strtof(text, NULL));
  }
}
END_TEST

typedef struct float32_text {
  float value;
  const char *text;
} float32_text;

static const float32_text f32_texts[] = {
    {0.1f, "0.1"},
    {1.1f, "1.1"},
    {0.3f, "0.3"},
    {1.0f / 3.0f, "0.33333334"},
    {-0.0f, "-0.0"},
    {16777216.0f, "16777216.0"},
    {1e10f, "10000000000.0"},
    {123456790528.0f, "123456790000.0"},
    {3.4028235e38f, "3.4028235e+38"},
    {1.17549435e-38f, "1.1754944e-38"},
    {1e-45f, "1e-45"},
    {-2.5f, "-2.5"},
};

START_TEST(json_float_f32_text) {
  for (size_t i = 0; i < sizeof f32_texts / sizeof *f32_texts; i++) {
    const char *got = json_of_f32(f32_texts[i].value);
    ck_assert_msg(strcmp(got, f32_texts[i].text) == 0, "%.9g (f32): got %s, want %s",
                  (double)f32_texts[i].value, got, f32_texts[i].text);
    ck_assert_msg(strtof(got, NULL) == f32_texts[i].value, "%s does not read back", got);
  }
  /* The same value as f64 is printed with the f64's digits. */
  ck_assert_str_eq(json_of_f64((double)0.1f), "0.10000000149011612");
}
END_TEST

START_TEST(json_float_nonfinite_rejected) {
  const double bad[] = {NAN, -NAN, INFINITY, -INFINITY};
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  vmir_sink *sink = vmir_json_writer_sink(w);
  for (size_t i = 0; i < 4; i++) {
    for (int f32 = 0; f32 < 2; f32++) {
      vmir_json_writer_reset(w);
      OK(ev_seq(sink, 1));
      vmir_status st = f32 ? ev_f32(sink, (float)bad[i]) : ev_f64(sink, bad[i]);
      ck_assert_int_eq(st, VMIR_E_SINK);
      ck_assert_str_eq(sink->error, "non-finite float has no JSON form");
      /* The writer stays failed; the output is no document. */
      ck_assert_int_eq(ev_end(sink), VMIR_E_SINK);
      size_t len;
      vmir_json_writer_data(w, &len);
      ck_assert_uint_eq(len, 0);
    }
  }
  vmir_json_writer_free(w);
}
END_TEST

START_TEST(json_scalars_null_bool_bytes) {
  vmir_status st;
  ck_assert_str_eq(json_of((vmir_scalar){.type = VMIR_SCALAR_NULL}, &st, NULL, 0), "null");
  ck_assert_str_eq(json_of((vmir_scalar){.type = VMIR_SCALAR_BOOL, .as.boolean = true}, &st,
                           NULL, 0),
                   "true");
  ck_assert_str_eq(json_of((vmir_scalar){.type = VMIR_SCALAR_BOOL}, &st, NULL, 0), "false");
  static const uint8_t b[] = {0, 9, 10, 99, 100, 255};
  ck_assert_str_eq(
      json_of((vmir_scalar){.type = VMIR_SCALAR_BYTES, .as.bytes = {b, sizeof b}}, &st, NULL, 0),
      "[0,9,10,99,100,255]");
  ck_assert_str_eq(json_of((vmir_scalar){.type = VMIR_SCALAR_BYTES, .as.bytes = {b, 0}}, &st,
                           NULL, 0),
                   "[]");
  ck_assert_str_eq(json_of((vmir_scalar){.type = VMIR_SCALAR_STRING, .as.string = {"", 0}}, &st,
                           NULL, 0),
                   "\"\"");
}
END_TEST

/* ---- event order, both writers -------------------------------------------
 * A script is space-separated events: S<n>/Q<n>/M<n> begin struct/seq/map
 * with n or '?' (unknown) members, k a field name, v a scalar, e end. */

typedef struct writer {
  const char *name;
  void *w;
  vmir_sink *sink;
  void (*reset)(void *w);
  const uint8_t *(*data)(const void *w, size_t *len);
} writer;

static void json_reset(void *w) { vmir_json_writer_reset(w); }
static const uint8_t *json_data(const void *w, size_t *len) {
  return vmir_json_writer_data(w, len);
}
static void mp_reset(void *w) { vmir_msgpack_writer_reset(w); }
static const uint8_t *mp_data(const void *w, size_t *len) {
  return vmir_msgpack_writer_data(w, len);
}

static writer json_writer_for_test(void) {
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  return (writer){"json", w, vmir_json_writer_sink(w), json_reset, json_data};
}
static writer mp_writer_for_test(void) {
  vmir_msgpack_writer *w = vmir_msgpack_writer_new();
  return (writer){"msgpack", w, vmir_msgpack_writer_sink(w), mp_reset, mp_data};
}
static void writer_free(writer *wr) {
  if (wr->reset == json_reset) vmir_json_writer_free(wr->w);
  else vmir_msgpack_writer_free(wr->w);
}

/* Runs the script; returns the 1-based index of the first failing event,
 * 0 if all succeeded. */
static int run_script(vmir_sink *sink, const char *script, vmir_status *st) {
  int index = 0;
  *st = VMIR_OK;
  for (const char *p = script; *p;) {
    while (*p == ' ') p++;
    if (!*p) break;
    index++;
    char op = *p++;
    uint64_t n = VMIR_LEN_UNKNOWN;
    if (*p == '?') p++;
    else if (*p >= '0' && *p <= '9') n = strtoull(p, (char **)&p, 10);
    switch (op) {
      case 'S': *st = ev_struct(sink, n); break;
      case 'Q': *st = ev_seq(sink, n); break;
      case 'M': *st = ev_map(sink, n); break;
      case 'k': *st = ev_name(sink, "k"); break;
      case 'v': *st = ev_int(sink, 1); break;
      case 'e': *st = ev_end(sink); break;
      default: ck_abort_msg("bad script op %c", op);
    }
    if (*st != VMIR_OK) return index;
  }
  return 0;
}

typedef struct order_case {
  const char *script;
  int fails_at; /* 0: the script must succeed */
  const char *reason;
} order_case;

static void check_order_cases(const order_case *cases, size_t n) {
  writer writers[2] = {json_writer_for_test(), mp_writer_for_test()};
  for (int k = 0; k < 2; k++) {
    writer *wr = &writers[k];
    for (size_t i = 0; i < n; i++) {
      wr->reset(wr->w);
      vmir_status st;
      int at = run_script(wr->sink, cases[i].script, &st);
      ck_assert_msg(at == cases[i].fails_at, "%s: \"%s\" failed at event %d (%s), want %d",
                    wr->name, cases[i].script, at, wr->sink->error, cases[i].fails_at);
      if (at) {
        ck_assert_int_eq(st, VMIR_E_SINK);
        ck_assert_msg(strstr(wr->sink->error, cases[i].reason), "%s: \"%s\": reason \"%s\"",
                      wr->name, cases[i].script, wr->sink->error);
        /* Failed writers stay failed and hand out no document. */
        ck_assert_int_eq(ev_null(wr->sink), VMIR_E_SINK);
        size_t len;
        ck_assert_ptr_nonnull(wr->data(wr->w, &len));
        ck_assert_uint_eq(len, 0);
      }
    }
    writer_free(wr);
  }
}

/* t[verify format.ir.sink-field-name-order] */
START_TEST(order_field_name_before_value) {
  static const order_case cases[] = {
      {"S2 k v k Q1 v e e", 0, ""},
      {"M? k v k S0 e e", 0, ""},
      {"S1 v", 2, "value without a field name inside a struct"},
      {"M1 Q0", 2, "value without a field name inside a map"},
      {"S2 k v v", 4, "value without a field name inside a struct"},
      {"Q1 k", 2, "field name inside a sequence"},
      {"k", 1, "field name outside any struct or map"},
      {"S2 k k", 3, "two field names in a row"},
      {"S1 k e", 3, "end right after a field name"},
  };
  check_order_cases(cases, sizeof cases / sizeof *cases);
}
END_TEST

/* t[verify format.ir.sink-struct-balance] */
START_TEST(order_begin_end_balance) {
  static const order_case cases[] = {
      {"S0 e", 0, ""},
      {"Q? Q? Q? e e e", 0, ""},
      {"e", 1, "end without a matching begin"},
      {"Q0 e e", 3, "end without a matching begin"},
      {"S1 k M0 e e e", 6, "end without a matching begin"},
      {"v v", 2, "a second top-level value"},
      {"Q0 e Q0 e", 3, "a second top-level value"},
  };
  check_order_cases(cases, sizeof cases / sizeof *cases);
  /* A container never ended: every event succeeds, but no document. */
  writer writers[2] = {json_writer_for_test(), mp_writer_for_test()};
  for (int k = 0; k < 2; k++) {
    vmir_status st;
    ck_assert_int_eq(run_script(writers[k].sink, "S? k Q? v", &st), 0);
    size_t len;
    writers[k].data(writers[k].w, &len);
    ck_assert_msg(len == 0, "%s handed out an unbalanced document", writers[k].name);
    ck_assert_int_eq(run_script(writers[k].sink, "e e", &st), 0);
    writers[k].data(writers[k].w, &len);
    ck_assert_uint_gt(len, 0);
    writer_free(&writers[k]);
  }
}
END_TEST

/* A declared count is a promise in every writer (MessagePack has already
 * written it into the header). */
START_TEST(order_declared_count_kept) {
  static const order_case cases[] = {
      {"S2 k v e", 4, "struct declared 2 members but ended after 1"},
      {"Q1 v v", 3, "sequence declared 1 elements but got more"},
      {"M1 k v k", 4, "map declared 1 members but got more"},
      {"Q3 e", 2, "sequence declared 3 elements but ended after 0"},
      {"S0 k", 2, "struct declared 0 members but got more"},
  };
  check_order_cases(cases, sizeof cases / sizeof *cases);
}
END_TEST

/* Nesting is bounded: 4096 levels work, the 4097th fails. */
START_TEST(order_depth_limit) {
  writer writers[2] = {json_writer_for_test(), mp_writer_for_test()};
  for (int k = 0; k < 2; k++) {
    vmir_sink *sink = writers[k].sink;
    for (int i = 0; i < 4096; i++) OK(ev_seq(sink, i == 4095 ? 0 : 1));
    for (int i = 0; i < 4096; i++) OK(ev_end(sink));
    size_t len;
    writers[k].data(writers[k].w, &len);
    ck_assert_uint_gt(len, 0);
    writers[k].reset(writers[k].w);
    for (int i = 0; i < 4096; i++) OK(ev_seq(sink, VMIR_LEN_UNKNOWN));
    ck_assert_int_eq(ev_seq(sink, VMIR_LEN_UNKNOWN), VMIR_E_SINK);
    ck_assert_str_eq(sink->error, "nesting deeper than 4096 levels");
    writer_free(&writers[k]);
  }
}
END_TEST

START_TEST(writers_reset_reuse) {
  writer writers[2] = {json_writer_for_test(), mp_writer_for_test()};
  for (int k = 0; k < 2; k++) {
    vmir_status st;
    ck_assert_int_eq(run_script(writers[k].sink, "S1 k Q2 v v e e", &st), 0);
    size_t len1, len2;
    const uint8_t *d = writers[k].data(writers[k].w, &len1);
    uint8_t first[64];
    ck_assert_uint_le(len1, sizeof first);
    memcpy(first, d, len1);
    ck_assert_int_eq(run_script(writers[k].sink, "e", &st), 1); /* poison it */
    writers[k].reset(writers[k].w);
    ck_assert_str_eq(writers[k].sink->error, "");
    ck_assert_int_eq(run_script(writers[k].sink, "S1 k Q2 v v e e", &st), 0);
    d = writers[k].data(writers[k].w, &len2);
    ck_assert_uint_eq(len1, len2);
    ck_assert_mem_eq(d, first, len1);
    writer_free(&writers[k]);
  }
}
END_TEST

/* ---- MessagePack: exact encodings --------------------------------------- */

/* The writer's output for one root scalar (static storage). */
static const uint8_t *mp_of(vmir_scalar v, size_t *len) {
  static vmir_msgpack_writer *w;
  if (!w) w = vmir_msgpack_writer_new();
  vmir_msgpack_writer_reset(w);
  vmir_sink *sink = vmir_msgpack_writer_sink(w);
  OK(sink->ops->scalar(sink, &v));
  return vmir_msgpack_writer_data(w, len);
}

static void hex_of(const uint8_t *p, size_t n, char *out, size_t cap) {
  size_t m = 0;
  out[0] = 0;
  for (size_t i = 0; i < n && m + 3 < cap; i++) m += (size_t)snprintf(out + m, cap - m, "%02x", p[i]);
}

static void expect_bytes(const uint8_t *got, size_t got_len, const char *want_hex,
                         const char *what) {
  char hex[512];
  hex_of(got, got_len, hex, sizeof hex);
  ck_assert_msg(strcmp(hex, want_hex) == 0, "%s: got %s, want %s", what, hex, want_hex);
}

/* One msgpack-c object from the bytes, which must be consumed exactly. */
static void mp_unpack(const uint8_t *data, size_t len, msgpack_unpacked *out) {
  msgpack_unpacked_init(out);
  size_t off = 0;
  msgpack_unpack_return r = msgpack_unpack_next(out, (const char *)data, len, &off);
  ck_assert_int_eq(r, MSGPACK_UNPACK_SUCCESS);
  ck_assert_uint_eq(off, len);
}

typedef struct uint_case {
  uint64_t value;
  const char *hex;
} uint_case;

typedef struct int_case {
  int64_t value;
  const char *hex;
} int_case;

START_TEST(msgpack_integer_boundaries) {
  static const uint_case uints[] = {
      {0, "00"},
      {0x7f, "7f"},
      {0x80, "cc80"},
      {0xff, "ccff"},
      {0x100, "cd0100"},
      {0xffff, "cdffff"},
      {0x10000, "ce00010000"},
      {0xffffffff, "ceffffffff"},
      {UINT64_C(0x100000000), "cf0000000100000000"},
      {UINT64_MAX, "cfffffffffffffffff"},
  };
  for (size_t i = 0; i < sizeof uints / sizeof *uints; i++) {
    size_t len;
    const uint8_t *d = mp_of((vmir_scalar){.type = VMIR_SCALAR_UINT, .as.u64 = uints[i].value},
                             &len);
    expect_bytes(d, len, uints[i].hex, "uint");
    msgpack_unpacked u;
    mp_unpack(d, len, &u);
    ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_POSITIVE_INTEGER);
    ck_assert_msg(u.data.via.u64 == uints[i].value, "msgpack-c read %s differently",
                  uints[i].hex);
    msgpack_unpacked_destroy(&u);
  }
  static const int_case ints[] = {
      {0, "00"},
      {5, "05"},
      {127, "7f"},
      {128, "cc80"}, /* non-negative ints take the unsigned forms */
      {200, "ccc8"},
      {INT64_MAX, "cf7fffffffffffffff"},
      {-1, "ff"},
      {-32, "e0"},
      {-33, "d0df"},
      {-128, "d080"},
      {-129, "d1ff7f"},
      {-32768, "d18000"},
      {-32769, "d2ffff7fff"},
      {INT32_MIN, "d280000000"},
      {(int64_t)INT32_MIN - 1, "d3ffffffff7fffffff"},
      {INT64_MIN, "d38000000000000000"},
  };
  for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
    size_t len;
    const uint8_t *d = mp_of((vmir_scalar){.type = VMIR_SCALAR_INT, .as.i64 = ints[i].value},
                             &len);
    expect_bytes(d, len, ints[i].hex, "int");
    msgpack_unpacked u;
    mp_unpack(d, len, &u);
    if (ints[i].value >= 0) {
      ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_POSITIVE_INTEGER);
      ck_assert_msg(u.data.via.u64 == (uint64_t)ints[i].value, "msgpack-c: %s", ints[i].hex);
    } else {
      ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_NEGATIVE_INTEGER);
      ck_assert_msg(u.data.via.i64 == ints[i].value, "msgpack-c: %s", ints[i].hex);
    }
    msgpack_unpacked_destroy(&u);
  }
}
END_TEST

START_TEST(msgpack_floats_and_literals) {
  size_t len;
  const uint8_t *d;
  d = mp_of((vmir_scalar){.type = VMIR_SCALAR_FLOAT, .as.f64 = 1.5}, &len);
  expect_bytes(d, len, "cb3ff8000000000000", "f64 1.5");
  d = mp_of((vmir_scalar){.type = VMIR_SCALAR_FLOAT, .is_f32 = true, .as.f64 = 0.1f}, &len);
  expect_bytes(d, len, "ca3dcccccd", "f32 0.1");
  d = mp_of((vmir_scalar){.type = VMIR_SCALAR_FLOAT, .as.f64 = -0.0}, &len);
  expect_bytes(d, len, "cb8000000000000000", "f64 -0.0");
  d = mp_of((vmir_scalar){.type = VMIR_SCALAR_FLOAT, .as.f64 = INFINITY}, &len);
  expect_bytes(d, len, "cb7ff0000000000000", "f64 inf");
  d = mp_of((vmir_scalar){.type = VMIR_SCALAR_FLOAT, .is_f32 = true, .as.f64 = -INFINITY}, &len);
  expect_bytes(d, len, "caff800000", "f32 -inf");
  d = mp_of((vmir_scalar){.type = VMIR_SCALAR_NULL}, &len);
  expect_bytes(d, len, "c0", "nil");
  d = mp_of((vmir_scalar){.type = VMIR_SCALAR_BOOL, .as.boolean = true}, &len);
  expect_bytes(d, len, "c3", "true");
  d = mp_of((vmir_scalar){.type = VMIR_SCALAR_BOOL}, &len);
  expect_bytes(d, len, "c2", "false");
  /* msgpack-c reads the floats back bit for bit, NaN included. */
  static const double f64s[] = {0.1, 5e-324, 1.7976931348623157e308, -0.0, NAN};
  for (size_t i = 0; i < sizeof f64s / sizeof *f64s; i++) {
    d = mp_of((vmir_scalar){.type = VMIR_SCALAR_FLOAT, .as.f64 = f64s[i]}, &len);
    msgpack_unpacked u;
    mp_unpack(d, len, &u);
    ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_FLOAT64);
    ck_assert(same_bits(u.data.via.f64, f64s[i]));
    msgpack_unpacked_destroy(&u);
  }
  d = mp_of((vmir_scalar){.type = VMIR_SCALAR_FLOAT, .is_f32 = true, .as.f64 = 3.4028235e38f},
            &len);
  msgpack_unpacked u;
  mp_unpack(d, len, &u);
  ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_FLOAT32);
  ck_assert((float)u.data.via.f64 == 3.4028235e38f);
  msgpack_unpacked_destroy(&u);
}
END_TEST

typedef struct len_case {
  size_t len;
  const char *header_hex;
} len_case;

START_TEST(msgpack_str_headers) {
  static const len_case cases[] = {
      {0, "a0"},       {31, "bf"},         {32, "d920"},           {255, "d9ff"},
      {256, "da0100"}, {65535, "daffff"},  {65536, "db00010000"},
  };
  char *s = malloc(65536);
  for (size_t i = 0; i < 65536; i++) s[i] = (char)('a' + i % 26);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    size_t len, n = cases[i].len;
    const uint8_t *d =
        mp_of((vmir_scalar){.type = VMIR_SCALAR_STRING, .as.string = {s, n}}, &len);
    size_t h = strlen(cases[i].header_hex) / 2;
    ck_assert_uint_eq(len, h + n);
    expect_bytes(d, h, cases[i].header_hex, "str header");
    ck_assert_mem_eq(d + h, s, n);
    msgpack_unpacked u;
    mp_unpack(d, len, &u);
    ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_STR);
    ck_assert_uint_eq(u.data.via.str.size, n);
    if (n) ck_assert_mem_eq(u.data.via.str.ptr, s, n);
    msgpack_unpacked_destroy(&u);
  }
  free(s);
}
END_TEST

START_TEST(msgpack_bin_headers) {
  static const len_case cases[] = {
      {0, "c400"},       {1, "c401"},        {255, "c4ff"},
      {256, "c50100"},   {65535, "c5ffff"},  {65536, "c600010000"},
  };
  uint8_t *b = malloc(65536);
  for (size_t i = 0; i < 65536; i++) b[i] = (uint8_t)(i * 7);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    size_t len, n = cases[i].len;
    const uint8_t *d = mp_of((vmir_scalar){.type = VMIR_SCALAR_BYTES, .as.bytes = {b, n}}, &len);
    size_t h = strlen(cases[i].header_hex) / 2;
    ck_assert_uint_eq(len, h + n);
    expect_bytes(d, h, cases[i].header_hex, "bin header");
    ck_assert_mem_eq(d + h, b, n);
    msgpack_unpacked u;
    mp_unpack(d, len, &u);
    ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_BIN);
    ck_assert_uint_eq(u.data.via.bin.size, n);
    msgpack_unpacked_destroy(&u);
  }
  free(b);
}
END_TEST

/* A container of n members (maps: key "" -> nil, encoded a0 c0; arrays:
 * nil), with its length declared or unknown. Returns a malloc'd copy. */
static uint8_t *mp_container(char kind, size_t n, bool declare, size_t *len) {
  vmir_msgpack_writer *w = vmir_msgpack_writer_new();
  vmir_sink *sink = vmir_msgpack_writer_sink(w);
  uint64_t decl = declare ? n : VMIR_LEN_UNKNOWN;
  if (kind == 'Q') OK(ev_seq(sink, decl));
  else if (kind == 'S') OK(ev_struct(sink, decl));
  else OK(ev_map(sink, decl));
  for (size_t i = 0; i < n; i++) {
    if (kind != 'Q') OK(ev_name(sink, ""));
    OK(ev_null(sink));
  }
  OK(ev_end(sink));
  const uint8_t *d = vmir_msgpack_writer_data(w, len);
  uint8_t *copy = malloc(*len);
  memcpy(copy, d, *len);
  vmir_msgpack_writer_free(w);
  return copy;
}

static const len_case array_headers[] = {
    {0, "90"},         {1, "91"},          {15, "9f"},          {16, "dc0010"},
    {255, "dc00ff"},   {65535, "dcffff"},  {65536, "dd00010000"},
};
static const len_case map_headers[] = {
    {0, "80"},         {1, "81"},          {15, "8f"},          {16, "de0010"},
    {255, "de00ff"},   {65535, "deffff"},  {65536, "df00010000"},
};

START_TEST(msgpack_container_headers_and_backpatch) {
  for (int k = 0; k < 3; k++) {
    char kind = "QSM"[k];
    const len_case *cases = kind == 'Q' ? array_headers : map_headers;
    for (size_t i = 0; i < 7; i++) {
      size_t n = cases[i].len, known_len, unknown_len;
      uint8_t *known = mp_container(kind, n, true, &known_len);
      uint8_t *unknown = mp_container(kind, n, false, &unknown_len);
      size_t h = strlen(cases[i].header_hex) / 2;
      ck_assert_uint_eq(known_len, h + n * (kind == 'Q' ? 1 : 2));
      expect_bytes(known, h, cases[i].header_hex, "container header");
      /* Backpatching an unknown length gives the very same bytes. */
      ck_assert_uint_eq(unknown_len, known_len);
      ck_assert_mem_eq(unknown, known, known_len);
      msgpack_unpacked u;
      mp_unpack(known, known_len, &u);
      ck_assert_int_eq(u.data.type, kind == 'Q' ? MSGPACK_OBJECT_ARRAY : MSGPACK_OBJECT_MAP);
      ck_assert_uint_eq(kind == 'Q' ? u.data.via.array.size : u.data.via.map.size, n);
      msgpack_unpacked_destroy(&u);
      free(known);
      free(unknown);
    }
  }
}
END_TEST

/* Nested unknown lengths: each level is backpatched on its own. */
START_TEST(msgpack_nested_backpatch) {
  vmir_msgpack_writer *wk = vmir_msgpack_writer_new(), *wu = vmir_msgpack_writer_new();
  for (int pass = 0; pass < 2; pass++) {
    vmir_sink *sink = vmir_msgpack_writer_sink(pass ? wu : wk);
    bool known = pass == 0;
    OK(ev_struct(sink, known ? 3 : VMIR_LEN_UNKNOWN));
    OK(ev_name(sink, "list"));
    OK(ev_seq(sink, known ? 17 : VMIR_LEN_UNKNOWN));
    for (int i = 0; i < 17; i++) {
      OK(ev_map(sink, known ? 1 : VMIR_LEN_UNKNOWN));
      OK(ev_name(sink, "i"));
      OK(ev_int(sink, -i * 1000));
      OK(ev_end(sink));
    }
    OK(ev_end(sink));
    OK(ev_name(sink, "empty"));
    OK(ev_seq(sink, known ? 0 : VMIR_LEN_UNKNOWN));
    OK(ev_end(sink));
    OK(ev_name(sink, "s"));
    OK(ev_str(sink, "tail"));
    OK(ev_end(sink));
  }
  size_t lk, lu;
  const uint8_t *dk = vmir_msgpack_writer_data(wk, &lk);
  const uint8_t *du = vmir_msgpack_writer_data(wu, &lu);
  ck_assert_uint_eq(lk, lu);
  ck_assert_mem_eq(dk, du, lk);
  char why[256], diff[512];
  json_object *got = peer_parse_msgpack(du, lu, why, sizeof why);
  ck_assert_msg(!why[0], "%s", why);
  char want[1024];
  size_t m = (size_t)snprintf(want, sizeof want, "{\"list\":[");
  for (int i = 0; i < 17; i++)
    m += (size_t)snprintf(want + m, sizeof want - m, "%s{\"i\":%d}", i ? "," : "", -i * 1000);
  snprintf(want + m, sizeof want - m, "],\"empty\":[],\"s\":\"tail\"}");
  json_object *expect = json_tokener_parse(want);
  ck_assert_msg(peer_tree_equal(got, expect, true, diff, sizeof diff), "%s", diff);
  json_object_put(got);
  json_object_put(expect);
  vmir_msgpack_writer_free(wk);
  vmir_msgpack_writer_free(wu);
}
END_TEST

START_TEST(msgpack_document_exact) {
  vmir_msgpack_writer *w = vmir_msgpack_writer_new();
  vmir_sink *sink = vmir_msgpack_writer_sink(w);
  ck_assert_int_eq(sink->kind, VMIR_SINK_MSGPACK);
  static const uint8_t raw[] = {0xde, 0xad};
  OK(ev_struct(sink, 4));
  OK(ev_name(sink, "id"));
  OK(ev_uint(sink, 7));
  OK(ev_name(sink, "neg"));
  OK(ev_int(sink, -200));
  OK(ev_name(sink, "tags"));
  OK(ev_seq(sink, 2));
  OK(ev_str(sink, "a"));
  OK(ev_null(sink));
  OK(ev_end(sink));
  OK(ev_name(sink, "raw"));
  OK(ev_bytes(sink, raw, 2));
  OK(ev_end(sink));
  size_t len;
  const uint8_t *d = vmir_msgpack_writer_data(w, &len);
  expect_bytes(d, len,
               "84"          /* fixmap 4 */
               "a2696407"    /* "id": 7 */
               "a36e6567d1ff38" /* "neg": int16 -200 */
               "a474616773" "92a161c0" /* "tags": ["a", nil] */
               "a3726177c402dead", /* "raw": bin8 2 */
               "document");
  vmir_msgpack_writer_free(w);
}
END_TEST

START_TEST(msgpack_invalid_utf8_and_limits) {
  vmir_msgpack_writer *w = vmir_msgpack_writer_new();
  vmir_sink *sink = vmir_msgpack_writer_sink(w);
  for (size_t i = 0; i < sizeof invalid_utf8 / sizeof *invalid_utf8; i++) {
    const bad_utf8 *b = &invalid_utf8[i];
    char want[128];
    vmir_msgpack_writer_reset(w);
    ck_assert_int_eq(ev_str(sink, b->bytes), VMIR_E_SINK);
    snprintf(want, sizeof want, "invalid UTF-8 at byte %zu of string", b->offset);
    ck_assert_str_eq(sink->error, want);
    vmir_msgpack_writer_reset(w);
    OK(ev_map(sink, 1));
    ck_assert_int_eq(ev_name(sink, b->bytes), VMIR_E_SINK);
    snprintf(want, sizeof want, "invalid UTF-8 at byte %zu of field name", b->offset);
    ck_assert_str_eq(sink->error, want);
  }
  for (size_t i = 0; i < sizeof valid_utf8 / sizeof *valid_utf8; i++) {
    vmir_msgpack_writer_reset(w);
    OK(ev_str(sink, valid_utf8[i]));
  }
  /* Bytes are not text: any bytes go. */
  vmir_msgpack_writer_reset(w);
  OK(ev_bytes(sink, (const uint8_t *)"\xff\xc0", 2));
  /* Lengths MessagePack cannot express. */
  vmir_msgpack_writer_reset(w);
  ck_assert_int_eq(ev_seq(sink, UINT64_C(0x100000000)), VMIR_E_SINK);
  ck_assert_str_eq(sink->error, "sequence of 4294967296 elements is too long for MessagePack");
  vmir_msgpack_writer_reset(w);
  OK(ev_map(sink, UINT64_C(0xffffffff)));
  vmir_msgpack_writer_free(w);
}
END_TEST

/* ---- recorder -------------------------------------------------------------- */

START_TEST(recorder_dump_exact) {
  vmir_recorder *r = vmir_recorder_new();
  vmir_sink *sink = vmir_recorder_sink(r);
  ck_assert_int_eq(sink->kind, VMIR_SINK_RECORDER);
  ck_assert_str_eq(vmir_recorder_text(r), "");
  static const uint8_t raw[] = {0x0a, 0xff};
  OK(ev_struct(sink, 2));
  OK(ev_name(sink, "id"));
  OK(ev_uint(sink, 7));
  OK(ev_name(sink, "rest"));
  OK(ev_seq(sink, VMIR_LEN_UNKNOWN));
  OK(ev_map(sink, 1));
  OK(ev_end(sink));
  OK(ev_null(sink));
  OK(ev_bool(sink, true));
  OK(ev_bool(sink, false));
  OK(ev_int(sink, -5));
  OK(ev_int(sink, INT64_MIN));
  OK(ev_uint(sink, UINT64_MAX));
  OK(ev_f64(sink, 1.5));
  OK(ev_f64(sink, 3.0));
  OK(ev_f32(sink, 0.1f));
  OK(ev_f64(sink, NAN));
  OK(ev_f64(sink, -INFINITY));
  OK(ev_str(sink, "a\n\"\xC3\xA9"));
  OK(ev_str_len(sink, "\xC0\xAF", 2));
  OK(ev_bytes(sink, raw, 2));
  OK(ev_bytes(sink, raw, 0));
  OK(ev_end(sink));
  OK(ev_end(sink));
  ck_assert_str_eq(vmir_recorder_text(r),
                   "begin-struct 2\n"
                   "field-name \"id\"\n"
                   "scalar uint 7\n"
                   "field-name \"rest\"\n"
                   "begin-seq ?\n"
                   "begin-map 1\n"
                   "end\n"
                   "scalar null\n"
                   "scalar bool true\n"
                   "scalar bool false\n"
                   "scalar int -5\n"
                   "scalar int -9223372036854775808\n"
                   "scalar uint 18446744073709551615\n"
                   "scalar f64 1.5\n"
                   "scalar f64 3.0\n"
                   "scalar f32 0.1\n"
                   "scalar f64 nan\n"
                   "scalar f64 -inf\n"
                   "scalar string \"a\\n\\\"\xC3\xA9\"\n"
                   "scalar string #xc0af\n"
                   "scalar bytes #x0aff\n"
                   "scalar bytes #x\n"
                   "end\n"
                   "end\n");
  ck_assert_uint_eq(vmir_recorder_event_count(r), 24);
  vmir_recorder_reset(r);
  ck_assert_str_eq(vmir_recorder_text(r), "");
  ck_assert_uint_eq(vmir_recorder_event_count(r), 0);
  /* The recorder checks no grammar: it shows what was emitted. */
  OK(ev_end(sink));
  OK(ev_name(sink, "x"));
  ck_assert_str_eq(vmir_recorder_text(r), "end\nfield-name \"x\"\n");
  vmir_recorder_free(r);
}
END_TEST

START_TEST(recorder_fail_at_injects) {
  vmir_recorder *r = vmir_recorder_new();
  vmir_sink *sink = vmir_recorder_sink(r);
  vmir_recorder_fail_at(r, 3);
  OK(ev_seq(sink, 2));
  OK(ev_int(sink, 1));
  ck_assert_int_eq(ev_int(sink, 2), VMIR_E_SINK);
  ck_assert_str_eq(sink->error, "recorder: injected failure at event 3");
  ck_assert_uint_eq(vmir_recorder_event_count(r), 2);
  ck_assert_str_eq(vmir_recorder_text(r), "begin-seq 2\nscalar int 1\n");
  /* Reset makes it a new recorder: no injected failure left. */
  vmir_recorder_reset(r);
  for (int i = 0; i < 5; i++) OK(ev_null(sink));
  ck_assert_uint_eq(vmir_recorder_event_count(r), 5);
  /* The first event can fail too. */
  vmir_recorder_reset(r);
  vmir_recorder_fail_at(r, 1);
  ck_assert_int_eq(ev_struct(sink, 0), VMIR_E_SINK);
  ck_assert_str_eq(sink->error, "recorder: injected failure at event 1");
  ck_assert_str_eq(vmir_recorder_text(r), "");
  vmir_recorder_free(r);
}
END_TEST

/* Sinks get views valid only during the callback and must copy: changing
 * the caller's bytes afterwards changes no sink's output. */
/* t[verify format.ir.exec-safe-scalar-interface] */
START_TEST(sinks_copy_scalar_views) {
  vmir_recorder *r = vmir_recorder_new();
  vmir_json_writer *jw = vmir_json_writer_new(NULL);
  vmir_msgpack_writer *mw = vmir_msgpack_writer_new();
  vmir_sink *sinks[3] = {vmir_recorder_sink(r), vmir_json_writer_sink(jw),
                         vmir_msgpack_writer_sink(mw)};
  for (int k = 0; k < 3; k++) {
    vmir_sink *sink = sinks[k];
    char name[8] = "key", text[8] = "hello";
    uint8_t blob[3] = {1, 2, 3};
    OK(ev_struct(sink, 2));
    OK(ev_name(sink, name));
    OK(ev_str(sink, text));
    memcpy(name, "XXX", 3);
    memcpy(text, "XXXXX", 5);
    OK(ev_name(sink, "b"));
    OK(ev_bytes(sink, blob, 3));
    memset(blob, 0xee, 3);
    OK(ev_end(sink));
  }
  ck_assert_str_eq(vmir_recorder_text(r),
                   "begin-struct 2\nfield-name \"key\"\nscalar string \"hello\"\n"
                   "field-name \"b\"\nscalar bytes #x010203\nend\n");
  ck_assert_str_eq(json_text(jw), "{\"key\":\"hello\",\"b\":[1,2,3]}");
  size_t len;
  const uint8_t *d = vmir_msgpack_writer_data(mw, &len);
  expect_bytes(d, len, "82a36b6579a568656c6c6fa162c403010203", "msgpack");
  vmir_recorder_free(r);
  vmir_json_writer_free(jw);
  vmir_msgpack_writer_free(mw);
}
END_TEST

static Suite *sink_suite(void) {
  Suite *s = suite_create("sink");
  TCase *json = tcase_create("json");
  tcase_add_test(json, json_compact_document);
  tcase_add_test(json, json_pretty_exact);
  tcase_add_test(json, json_string_escapes);
  tcase_add_test(json, json_utf8_passthrough);
  tcase_add_test(json, json_utf8_invalid_rejected);
  tcase_add_test(json, json_integers_exact);
  tcase_add_test(json, json_float_text);
  tcase_add_test(json, json_float_roundtrip_peers);
  tcase_add_test(json, json_float_shortest_f64);
  tcase_add_test(json, json_float_shortest_f32);
  tcase_add_test(json, json_float_f32_text);
  tcase_add_test(json, json_float_nonfinite_rejected);
  tcase_add_test(json, json_scalars_null_bool_bytes);
  suite_add_tcase(s, json);
  TCase *order = tcase_create("order");
  tcase_add_test(order, order_field_name_before_value);
  tcase_add_test(order, order_begin_end_balance);
  tcase_add_test(order, order_declared_count_kept);
  tcase_add_test(order, order_depth_limit);
  tcase_add_test(order, writers_reset_reuse);
  suite_add_tcase(s, order);
  TCase *mp = tcase_create("msgpack");
  tcase_add_test(mp, msgpack_integer_boundaries);
  tcase_add_test(mp, msgpack_floats_and_literals);
  tcase_add_test(mp, msgpack_str_headers);
  tcase_add_test(mp, msgpack_bin_headers);
  tcase_add_test(mp, msgpack_container_headers_and_backpatch);
  tcase_add_test(mp, msgpack_nested_backpatch);
  tcase_add_test(mp, msgpack_document_exact);
  tcase_add_test(mp, msgpack_invalid_utf8_and_limits);
  suite_add_tcase(s, mp);
  TCase *rec = tcase_create("recorder");
  tcase_add_test(rec, recorder_dump_exact);
  tcase_add_test(rec, recorder_fail_at_injects);
  tcase_add_test(rec, sinks_copy_scalar_views);
  suite_add_tcase(s, rec);
  return s;
}

int main(void) {
  Suite *suite = sink_suite();
  return vmir_test_run(suite, "sink");
}
