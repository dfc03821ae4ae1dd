/* JSON lexing builtins (engine/format/json_lex.h), the decode arena and
 * decode errors with token context; JSONTestSuite over read-value. */
#include <dirent.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/json_lex.h"
#include "format/msgpack_lex.h"
#include "format/utf8.h"
#include "harness.h"
#include "lex_checks.h"
#include "util/arena.h"
#include "vmir/program.h"

static vmir_arena arena;
static vmir_error err;
static vmir_source src;

static void setup(void) {
  vmir_arena_init(&arena, VMIR_ARENA_UNLIMITED);
  vmir_error_clear(&err);
}

static void teardown(void) { vmir_arena_free(&arena); }

static vmir_source *json_n(const void *text, size_t len) {
  vmir_source_init(&src, text, len, VMIR_SOURCE_TEXT);
  vmir_error_clear(&err);
  return &src;
}

static vmir_source *json(const char *text) { return json_n(text, strlen(text)); }

static bool str_is(vmir_str s, const char *want, size_t want_len) {
  return s.len == want_len && memcmp(s.ptr, want, want_len) == 0;
}

static bool in_input(const void *p) {
  const uint8_t *b = p;
  return b >= src.data && b <= src.data + src.len;
}

/* ---- arena -------------------------------------------------------------- */

START_TEST(test_arena_alignment_and_chunks) {
  vmir_arena a;
  vmir_arena_init(&a, VMIR_ARENA_UNLIMITED);
  uint8_t *prev = NULL;
  for (int i = 0; i < 20000; i++) {
    size_t align = (size_t)1 << (i % 5);  /* 1..16 */
    uint8_t *p = vmir_arena_alloc(&a, (size_t)(i % 37) + 1, align);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % align, 0);
    memset(p, 0xAB, (size_t)(i % 37) + 1);
    ck_assert(p != prev);
    prev = p;
  }
  /* Larger than any chunk size. */
  uint8_t *big = vmir_arena_alloc(&a, 5u << 20, 16);
  ck_assert_ptr_nonnull(big);
  memset(big, 1, 5u << 20);
  ck_assert_ptr_nonnull(vmir_arena_alloc(&a, 0, 8));
  /* Count overflow is a failure, not a wrap-around. */
  ck_assert_ptr_null(VMIR_ARENA_NEW_ARRAY(&a, vmir_value, SIZE_MAX / 4));
  ck_assert_int_eq(vmir_arena_failure(&a), VMIR_E_LIMIT);
  vmir_arena_free(&a);
}
END_TEST

START_TEST(test_arena_mark_reset_to) {
  vmir_arena a;
  vmir_arena_init(&a, VMIR_ARENA_UNLIMITED);
  ck_assert_ptr_nonnull(vmir_arena_alloc(&a, 100, 8));
  vmir_arena_pos mark = vmir_arena_mark(&a);
  uint8_t *first = vmir_arena_alloc(&a, 64, 8);
  /* Spill into several more chunks, then release them all. */
  for (int i = 0; i < 1000; i++) ck_assert_ptr_nonnull(vmir_arena_alloc(&a, 1000, 8));
  size_t held = vmir_arena_held(&a);
  vmir_arena_reset_to(&a, mark);
  ck_assert_ptr_eq(vmir_arena_alloc(&a, 64, 8), first);
  /* The released chunks are reused: no new memory for the same work. */
  for (int i = 0; i < 1000; i++) ck_assert_ptr_nonnull(vmir_arena_alloc(&a, 1000, 8));
  ck_assert_uint_eq(vmir_arena_held(&a), held);
  /* reset forgets everything but keeps the chunks. */
  vmir_arena_reset(&a);
  for (int i = 0; i < 1000; i++) ck_assert_ptr_nonnull(vmir_arena_alloc(&a, 1000, 8));
  ck_assert_uint_eq(vmir_arena_held(&a), held);
  /* A mark taken on a fresh arena resets to the very start. */
  vmir_arena_reset(&a);
  vmir_arena_pos start = vmir_arena_mark(&a);
  uint8_t *p0 = vmir_arena_alloc(&a, 10, 1);
  vmir_arena_reset_to(&a, start);
  ck_assert_ptr_eq(vmir_arena_alloc(&a, 10, 1), p0);
  vmir_arena_free(&a);
}
END_TEST

/* In-place growth: only the last allocation, only within its chunk, and
 * a refusal changes nothing. */
START_TEST(test_arena_extend) {
  vmir_arena a;
  vmir_arena_init(&a, VMIR_ARENA_UNLIMITED);
  uint8_t *list = vmir_arena_alloc(&a, 64, 8);
  ck_assert_ptr_nonnull(list);
  ck_assert(vmir_arena_extend(&a, list, 64, 128));
  memset(list, 0xCD, 128);
  uint8_t *next = vmir_arena_alloc(&a, 8, 8);
  ck_assert_ptr_eq(next, list + 128); /* the extension was taken */
  /* No longer the last: refused, and the next allocation is unchanged. */
  ck_assert(!vmir_arena_extend(&a, list, 128, 256));
  ck_assert(!vmir_arena_extend(&a, next, 8, 4)); /* shrinking is not growth */
  ck_assert_ptr_eq(vmir_arena_alloc(&a, 8, 8), next + 8);
  /* Past the chunk: refused. */
  uint8_t *last = vmir_arena_alloc(&a, 8, 8);
  ck_assert(!vmir_arena_extend(&a, last, 8, SIZE_MAX / 2));
  ck_assert_ptr_eq(vmir_arena_alloc(&a, 1, 1), last + 8);
  vmir_arena_free(&a);
}
END_TEST

START_TEST(test_arena_limit) {
  vmir_arena a;
  vmir_arena_init(&a, 64 * 1024);
  size_t total = 0;
  while (vmir_arena_alloc(&a, 1000, 8)) total += 1000;
  ck_assert_int_eq(vmir_arena_failure(&a), VMIR_E_LIMIT);
  ck_assert_uint_le(vmir_arena_held(&a), 64 * 1024);
  ck_assert_uint_ge(total, 40 * 1000);
  /* After a reset the same memory serves again. */
  vmir_arena_reset(&a);
  ck_assert_ptr_nonnull(vmir_arena_alloc(&a, 1000, 8));
  /* Scratch counts against the limit too, and keeps its contents. */
  vmir_arena b;
  vmir_arena_init(&b, 4096);
  char *s = vmir_arena_scratch(&b, 100);
  ck_assert_ptr_nonnull(s);
  memcpy(s, "keep", 5);
  s = vmir_arena_scratch(&b, 3000);
  ck_assert_ptr_nonnull(s);
  ck_assert_str_eq(s, "keep");
  ck_assert_ptr_null(vmir_arena_scratch(&b, 5000));
  ck_assert_int_eq(vmir_arena_failure(&b), VMIR_E_LIMIT);
  vmir_arena_free(&a);
  vmir_arena_free(&b);
}
END_TEST

/* A decode that fails releases what it allocated: the arena is back at the
 * mark, and the limit error of an exhausted arena carries token context. */
START_TEST(test_read_value_failure_releases_arena) {
  const char *doc = "{\"k\\u0041\": [\"a\\n\", \"b\\t\", {\"c\\\"\": [1, 2, x]}]}";
  ck_ok(vmir_json_read_value(json("[\"warm\\u0041\"]"), &arena, &(vmir_value){0}, &err));
  vmir_arena_pos before = vmir_arena_mark(&arena);
  vmir_value v;
  ck_fails(vmir_json_read_value(json(doc), &arena, &v, &err), VMIR_E_DECODE,
           "expected a JSON value, found 'x'");
  vmir_arena_pos after = vmir_arena_mark(&arena);
  ck_assert_ptr_eq(after.chunk, before.chunk);
  ck_assert_ptr_eq(after.ptr, before.ptr);

  vmir_arena small;
  vmir_arena_init(&small, 1024);
  char big[4096];
  big[0] = '[';
  size_t n = 1;
  for (int i = 0; i < 600; i++) n += (size_t)sprintf(big + n, "%d,", i);
  big[n - 1] = ']';
  ck_fails(vmir_json_read_value(json_n(big, n), &small, &v, &err), VMIR_E_LIMIT,
           "decode arena limit of 1024 bytes");
  vmir_arena_free(&small);
}
END_TEST

/* ---- structure ---------------------------------------------------------- */

START_TEST(test_begin_object) {
  bool empty;
  ck_ok(vmir_json_begin_object(json(" \t\r\n{ \n}x"), &empty, &err));
  ck_assert(empty);
  ck_assert_uint_eq(src.pos, 8);
  ck_ok(vmir_json_begin_object(json("{ \"a\""), &empty, &err));
  ck_assert(!empty);
  ck_assert_uint_eq(src.pos, 2);  /* at the key, past the whitespace */
  ck_fails(vmir_json_begin_object(json("  [1]"), &empty, &err), VMIR_E_DECODE,
           "expected '{' to begin an object, found '['");
  ck_assert_uint_eq(err.offset, 2);
  ck_fails(vmir_json_begin_object(json("  "), &empty, &err), VMIR_E_DECODE,
           "found end of input");
  /* Only the four RFC 8259 whitespace bytes are skipped. */
  ck_fails(vmir_json_begin_object(json("\f{}"), &empty, &err), VMIR_E_DECODE,
           "found byte 0x0c");
  ck_fails(vmir_json_begin_object(json("\xc2\xa0{}"), &empty, &err), VMIR_E_DECODE,
           "found '\xc2\xa0'");
}
END_TEST

START_TEST(test_read_key) {
  vmir_str key;
  ck_ok(vmir_json_read_key(json("  \"name\" :  1"), &arena, &key, &err));
  ck_assert(str_is(key, "name", 4));
  ck_assert(in_input(key.ptr));  /* no escapes: a view into the input */
  ck_assert_uint_eq(src.pos, 10);
  ck_ok(vmir_json_read_key(json("\"a\\nb\\u00e9\":"), &arena, &key, &err));
  ck_assert(str_is(key, "a\nb\xc3\xa9", 5));
  ck_assert(!in_input(key.ptr));  /* escapes: unescaped into the arena */
  ck_ok(vmir_json_read_key(json("\"\":"), &arena, &key, &err));
  ck_assert_uint_eq(key.len, 0);
  ck_fails(vmir_json_read_key(json("\"a\" 1"), &arena, &key, &err), VMIR_E_DECODE,
           "expected ':' after object member name, found '1'");
  ck_fails(vmir_json_read_key(json("}"), &arena, &key, &err), VMIR_E_DECODE,
           "expected a string (object member name), found '}'");
  ck_fails(vmir_json_read_key(json("name:"), &arena, &key, &err), VMIR_E_DECODE,
           "found 'name'");
  ck_fails(vmir_json_read_key(json("'a':"), &arena, &key, &err), VMIR_E_DECODE,
           "found '''");
  ck_fails(vmir_json_read_key(json("\"a\\x\":"), &arena, &key, &err), VMIR_E_DECODE,
           "invalid escape");
  ck_fails(vmir_json_read_key(json("\"a"), &arena, &key, &err), VMIR_E_DECODE,
           "unterminated string");
}
END_TEST

START_TEST(test_next_member_and_element) {
  bool end;
  ck_ok(vmir_json_next_member(json(" , "), &end, &err));
  ck_assert(!end);
  ck_assert_uint_eq(src.pos, 2);
  ck_ok(vmir_json_next_member(json("\n}"), &end, &err));
  ck_assert(end);
  ck_fails(vmir_json_next_member(json(" ]"), &end, &err), VMIR_E_DECODE,
           "expected ',' or '}' after object member, found ']'");
  ck_fails(vmir_json_next_member(json(""), &end, &err), VMIR_E_DECODE,
           "found end of input");
  ck_ok(vmir_json_next_element(json(","), &end, &err));
  ck_assert(!end);
  ck_ok(vmir_json_next_element(json("  ]"), &end, &err));
  ck_assert(end);
  ck_assert_uint_eq(src.pos, 3);
  ck_fails(vmir_json_next_element(json(" }"), &end, &err), VMIR_E_DECODE,
           "expected ',' or ']' after array element, found '}'");
  ck_fails(vmir_json_next_element(json(";"), &end, &err), VMIR_E_DECODE, "found ';'");
}
END_TEST

START_TEST(test_begin_array) {
  bool empty;
  ck_ok(vmir_json_begin_array(json("[ ]"), &empty, &err));
  ck_assert(empty);
  ck_assert_uint_eq(src.pos, 3);
  ck_ok(vmir_json_begin_array(json(" [1]"), &empty, &err));
  ck_assert(!empty);
  ck_assert_uint_eq(src.pos, 2);
  ck_fails(vmir_json_begin_array(json("{}"), &empty, &err), VMIR_E_DECODE,
           "expected '[' to begin an array, found '{'");
  ck_fails(vmir_json_begin_array(json(""), &empty, &err), VMIR_E_DECODE,
           "found end of input");
}
END_TEST

START_TEST(test_peek_null_and_token) {
  ck_assert(vmir_json_peek_null(json("  null,")));
  ck_assert_uint_eq(src.pos, 6);
  ck_assert(!vmir_json_peek_null(json(" nul")));
  ck_assert(!vmir_json_peek_null(json(" 1")));
  ck_assert_uint_eq(src.pos, 1);  /* not consumed */
  ck_assert(!vmir_json_peek_null(json("")));

  static const struct { const char *text; vmir_token_class cls; } cases[] = {
      {"null", VMIR_TOKEN_NULL},    {" true", VMIR_TOKEN_BOOL},
      {"false", VMIR_TOKEN_BOOL},   {"-1", VMIR_TOKEN_NUMBER},
      {"0", VMIR_TOKEN_NUMBER},     {"9", VMIR_TOKEN_NUMBER},
      {"\"s\"", VMIR_TOKEN_STRING}, {"\n[", VMIR_TOKEN_ARRAY},
      {"{", VMIR_TOKEN_OBJECT},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    vmir_token_class cls;
    ck_ok(vmir_json_peek_token(json(cases[i].text), &cls, &err));
    ck_assert_int_eq(cls, cases[i].cls);
    /* peeking does not consume the token */
    ck_assert_uint_eq(src.data[src.pos], (uint8_t)cases[i].text[strspn(cases[i].text, " \n")]);
  }
  vmir_token_class cls;
  ck_fails(vmir_json_peek_token(json("+1"), &cls, &err), VMIR_E_DECODE,
           "expected a JSON value, found '+1'");
  ck_fails(vmir_json_peek_token(json(".5"), &cls, &err), VMIR_E_DECODE, "found '.5'");
  ck_fails(vmir_json_peek_token(json("  "), &cls, &err), VMIR_E_DECODE,
           "found end of input");
  ck_fails(vmir_json_peek_token(json("]"), &cls, &err), VMIR_E_DECODE, "found ']'");
  ck_fails(vmir_json_peek_token(json("\xef\xbb\xbf{}"), &cls, &err), VMIR_E_DECODE,
           "found a UTF-8 byte order mark (U+FEFF) near \u00ab\u2038\\ufeff{}\u00bb");
}
END_TEST

START_TEST(test_literals) {
  vmir_scalar s;
  ck_ok(vmir_json_read_bool(json(" true"), &s, &err));
  ck_assert_int_eq(s.type, VMIR_SCALAR_BOOL);
  ck_assert(s.as.boolean);
  ck_ok(vmir_json_read_bool(json("false]"), &s, &err));
  ck_assert(!s.as.boolean);
  ck_assert_uint_eq(src.pos, 5);
  ck_fails(vmir_json_read_bool(json("tru"), &s, &err), VMIR_E_DECODE,
           "expected true or false, found 'tru'");
  ck_fails(vmir_json_read_bool(json("True"), &s, &err), VMIR_E_DECODE, "found 'True'");
  ck_fails(vmir_json_read_bool(json("1"), &s, &err), VMIR_E_DECODE, "found '1'");
  ck_ok(vmir_json_read_null(json("\tnull"), &s, &err));
  ck_assert_int_eq(s.type, VMIR_SCALAR_NULL);
  ck_assert_uint_eq(src.pos, 5);
  ck_fails(vmir_json_read_null(json("nil"), &s, &err), VMIR_E_DECODE,
           "expected null, found 'nil'");
  ck_fails(vmir_json_read_null(json("NULL"), &s, &err), VMIR_E_DECODE, "found 'NULL'");
}
END_TEST

START_TEST(test_expect_end) {
  ck_ok(vmir_json_expect_end(json(""), &err));
  ck_ok(vmir_json_expect_end(json(" \t\r\n "), &err));
  ck_fails(vmir_json_expect_end(json("  x"), &err), VMIR_E_DECODE,
           "expected end of input after the document, found 'x'");
  ck_assert_uint_eq(err.offset, 2);
  ck_fails(vmir_json_expect_end(json_n(" \0", 2), &err), VMIR_E_DECODE, "found byte 0x00");
}
END_TEST

/* ---- numbers ------------------------------------------------------------ */

/* Reads one number that must span the whole text. */
static vmir_status number(const char *text, vmir_scalar *out) {
  vmir_status st = vmir_json_read_number(json(text), &arena, out, &err);
  if (st == VMIR_OK) ck_assert_msg(src.pos == src.len, "%s: stopped at %zu", text, src.pos);
  return st;
}

static void ck_uint(const char *text, uint64_t want) {
  vmir_scalar s;
  ck_ok(number(text, &s));
  ck_assert_msg(s.type == VMIR_SCALAR_UINT && s.as.u64 == want, "%s", text);
}

static void ck_int(const char *text, int64_t want) {
  vmir_scalar s;
  ck_ok(number(text, &s));
  ck_assert_msg(s.type == VMIR_SCALAR_INT && s.as.i64 == want, "%s", text);
}

static void ck_double(const char *text, double want) {
  vmir_scalar s;
  ck_ok(number(text, &s));
  ck_assert_msg(s.type == VMIR_SCALAR_FLOAT, "%s: not a float", text);
  ck_assert_msg(memcmp(&s.as.f64, &want, sizeof want) == 0, "%s: got %a, want %a", text,
                s.as.f64, want);
}

START_TEST(test_integer_edges) {
  ck_uint("0", 0);
  /* "-0" is the integer zero: integers have no signed zero, and non-negative
   * integers are always UINT (as in MessagePack). */
  ck_uint("-0", 0);
  ck_uint("1", 1);
  ck_uint("9007199254740993", UINT64_C(9007199254740993));  /* exact, not a double */
  ck_uint("9223372036854775807", (uint64_t)INT64_MAX);
  ck_uint("9223372036854775808", (uint64_t)INT64_MAX + 1);
  ck_uint("18446744073709551615", UINT64_MAX);
  ck_int("-1", -1);
  ck_int("-9223372036854775807", -INT64_MAX);
  ck_int("-9223372036854775808", INT64_MIN);
  vmir_scalar s;
  ck_fails(number("18446744073709551616", &s), VMIR_E_DECODE,
           "integer out of range: 18446744073709551616 is above the u64 maximum");
  ck_assert_uint_eq(err.offset, 0);
  ck_fails(number("-9223372036854775809", &s), VMIR_E_DECODE,
           "integer out of range: -9223372036854775809 is below the i64 minimum");
  ck_fails(number("100000000000000000000000000000", &s), VMIR_E_DECODE,
           "integer out of range");
  /* With a fraction or exponent the same digits are a double. */
  ck_double("18446744073709551616.0", 18446744073709551616.0);
  ck_double("-9223372036854775809e0", -9223372036854775809.0);
}
END_TEST

START_TEST(test_float_hard_cases) {
  ck_double("0.1", 0.1);
  ck_double("1e23", 1e23);
  ck_double("2.2250738585072011e-308", 2.2250738585072011e-308);
  ck_double("2.2250738585072012e-308", 2.2250738585072012e-308);
  ck_double("9007199254740993.0", 9007199254740992.0);  /* tie: to even */
  ck_double("9007199254740995e0", 9007199254740996.0);
  ck_double("1.7976931348623157e308", DBL_MAX);
  ck_double("4.9406564584124654e-324", 4.9406564584124654e-324);  /* least subnormal */
  ck_double("2.4703282292062328e-324", 4.9406564584124654e-324);  /* just over half */
  ck_double("2.4703282292062327e-324", 0.0);                      /* just under */
  ck_double("1e-400", 0.0);    /* underflow: the correctly rounded zero */
  ck_double("-1e-400", -0.0);
  ck_double("-0.0", -0.0);
  ck_double("-0e5", -0.0);
  ck_double("0e999999999999", 0.0);
  ck_double("0.0", 0.0);
  ck_double("1E2", 100.0);
  ck_double("1e+2", 100.0);
  ck_double("1e-2", 0.01);
  ck_double("123.456e-2", 1.23456);
  ck_double("3.141592653589793238462643383279", 3.141592653589793238462643383279);
  ck_double("0.30000000000000004", 0.30000000000000004);
  ck_double("1.00000000000000000000000000000000000000001", 1.0);
  ck_double("8.98846567431158e307", 8.98846567431158e307);
  vmir_scalar s;
  ck_fails(number("1.7976931348623159e308", &s), VMIR_E_DECODE,
           "number out of range for a double: 1.7976931348623159e308");
  ck_fails(number("-1e400", &s), VMIR_E_DECODE, "number out of range for a double");
}
END_TEST

/* Tokens longer than the stack buffer go through the arena, which is left
 * exactly as it was. */
START_TEST(test_float_long_tokens) {
  char text[2100];
  strcpy(text, "0.");
  memset(text + 2, '0', 1500);
  strcpy(text + 1502, "123456789e1500");
  vmir_arena_pos before = vmir_arena_mark(&arena);
  ck_double(text, strtod(text, NULL));
  ck_assert_double_eq(strtod(text, NULL), 0.123456789);
  vmir_arena_pos after = vmir_arena_mark(&arena);
  ck_assert_ptr_eq(before.ptr, after.ptr);
  /* 800 significant digits around the halfway point between two doubles. */
  strcpy(text, "9007199254740993.");
  memset(text + 17, '0', 780);
  strcpy(text + 797, "1");
  ck_double(text, 9007199254740994.0);  /* just above the tie: rounds up */
}
END_TEST

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* Random decimal strings, compared bit for bit with strtod (glibc's is
 * correctly rounded); overflow must be rejected exactly when strtod says
 * infinity. */
START_TEST(test_float_random_against_strtod) {
  char text[128];
  for (int iter = 0; iter < 50000; iter++) {
    size_t n = 0;
    if (rng() & 1) text[n++] = '-';
    int int_digits = 1 + (int)(rng() % 20);
    text[n++] = (char)('1' + rng() % 9);
    for (int i = 1; i < int_digits; i++) text[n++] = (char)('0' + rng() % 10);
    bool frac = rng() & 1;
    if (frac) {
      text[n++] = '.';
      int fd = 1 + (int)(rng() % 25);
      for (int i = 0; i < fd; i++) text[n++] = (char)('0' + rng() % 10);
    }
    if (!frac || (rng() & 1)) {
      n += (size_t)sprintf(text + n, "e%d", (int)(rng() % 700) - 350);
    }
    text[n] = '\0';
    double want = strtod(text, NULL);
    vmir_scalar s;
    vmir_status st = number(text, &s);
    if (isinf(want)) {
      ck_assert_msg(st == VMIR_E_DECODE, "%s should overflow", text);
      continue;
    }
    ck_assert_msg(st == VMIR_OK, "%s: %s", text, err.message);
    ck_assert_msg(memcmp(&s.as.f64, &want, 8) == 0, "%s: got %a want %a", text, s.as.f64,
                  want);
  }
  /* Shortest round-trip texts of random doubles. */
  for (int iter = 0; iter < 20000; iter++) {
    uint64_t bits = rng();
    double d;
    memcpy(&d, &bits, 8);
    if (!isfinite(d)) continue;
    snprintf(text, sizeof text, "%.*e", (int)(rng() % 17), d);
    double want = strtod(text, NULL);
    vmir_scalar s;
    ck_ok(number(text, &s));
    ck_assert_msg(memcmp(&s.as.f64, &want, 8) == 0, "%s", text);
  }
}
END_TEST

/* The exact fast paths (up to 19 significant digits, |e| <= 27) against
 * strtod, including decimal values that sit exactly on, or one unit next
 * to, the halfway point between two doubles, where double rounding would
 * go wrong. */
START_TEST(test_float_fast_paths_against_strtod) {
  char text[128];
  for (int iter = 0; iter < 60000; iter++) {
    int digits = 15 + (int)(rng() % 5);  /* 15..19 */
    size_t n = 0;
    if (rng() & 1) text[n++] = '-';
    char mant[24];
    mant[0] = (char)('1' + rng() % 9);
    for (int i = 1; i < digits; i++) mant[i] = (char)('0' + rng() % 10);
    int point = 1 + (int)(rng() % (unsigned)digits);  /* digits before '.' */
    memcpy(text + n, mant, (size_t)point);
    n += (size_t)point;
    if (point < digits) {
      text[n++] = '.';
      memcpy(text + n, mant + point, (size_t)(digits - point));
      n += (size_t)(digits - point);
    }
    n += (size_t)sprintf(text + n, "e%d", (int)(rng() % 61) - 30);
    text[n] = '\0';
    double want = strtod(text, NULL);
    vmir_scalar s;
    ck_ok(number(text, &s));
    ck_assert_msg(memcmp(&s.as.f64, &want, 8) == 0, "%s: got %a want %a", text, s.as.f64,
                  want);
  }
  /* Doubles in [2^54, 2^55) are multiples of 4: 4k+2 is a halfway point
   * (ties to even), 4k+1 and 4k+3 are one unit beside it. */
  for (int iter = 0; iter < 5000; iter++) {
    uint64_t base = (UINT64_C(1) << 54) + 4 * (rng() % (UINT64_C(1) << 50));
    for (uint64_t off = 1; off <= 3; off++) {
      snprintf(text, sizeof text, "%llu.0", (unsigned long long)(base + off));
      ck_double(text, strtod(text, NULL));
      snprintf(text, sizeof text, "%llu000e-3", (unsigned long long)(base + off));
      ck_double(text, strtod(text, NULL));
    }
  }
}
END_TEST

/* A host program's locale must not change how numbers read. */
START_TEST(test_float_ignores_locale) {
  static const char *const comma_locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                              "de_DE", "ru_RU.UTF-8"};
  const char *used = NULL;
  for (size_t i = 0; i < sizeof comma_locales / sizeof comma_locales[0] && !used; i++)
    if (setlocale(LC_NUMERIC, comma_locales[i])) used = comma_locales[i];
  if (!used) printf("json_lex: no comma-decimal locale installed; checking under C only\n");
  /* glibc's non-long-double fast paths would still catch a comma locale
   * for long tokens: use ones that go to strtod. */
  ck_double("0.12345678901234567890123", 0.12345678901234567890123);
  ck_double("1.5e300", 1.5e300);
  setlocale(LC_NUMERIC, "C");
}
END_TEST

START_TEST(test_number_grammar) {
  static const struct { const char *text; const char *needle; } bad[] = {
      {"01", "leading zeros are not allowed"},
      {"-01", "leading zeros are not allowed"},
      {"00", "leading zeros are not allowed"},
      {"-", "expected a digit after '-', found end of input"},
      {"-a", "expected a digit after '-', found 'a'"},
      {"- 1", "expected a digit after '-'"},
      {"1.", "expected a digit after the decimal point, found end of input"},
      {"1.e5", "expected a digit after the decimal point, found 'e5'"},
      {".5", "expected a number, found '.5'"},
      {"+1", "expected a number, found '+1'"},
      {"1e", "expected a digit in the exponent"},
      {"1e+", "expected a digit in the exponent"},
      {"1E-x", "expected a digit in the exponent"},
      {"Infinity", "expected a number"},
      {"-Infinity", "expected a digit after '-'"},
      {"NaN", "expected a number"},
      {"", "expected a number, found end of input"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    vmir_scalar s;
    ck_fails(vmir_json_read_number(json(bad[i].text), &arena, &s, &err), VMIR_E_DECODE,
             bad[i].needle);
  }
  /* The token ends where the grammar ends; what follows is the next
   * builtin's business. */
  vmir_scalar s;
  ck_ok(vmir_json_read_number(json(" 0x10"), &arena, &s, &err));
  ck_assert_uint_eq(src.pos, 2);
  ck_ok(vmir_json_read_number(json("1.5.3"), &arena, &s, &err));
  ck_assert_uint_eq(src.pos, 3);
  ck_ok(vmir_json_read_number(json("12,"), &arena, &s, &err));
  ck_assert_uint_eq(src.pos, 2);
  ck_assert_uint_eq(s.as.u64, 12);
}
END_TEST

/* ---- strings ------------------------------------------------------------ */

static vmir_status string(const char *text, size_t len, vmir_scalar *out) {
  return vmir_json_read_string(json_n(text, len), &arena, out, &err);
}

#define STR(lit) lit, sizeof(lit) - 1

START_TEST(test_string_escapes) {
  vmir_scalar s;
  ck_ok(string(STR("\"plain text\""), &s));
  ck_assert_int_eq(s.type, VMIR_SCALAR_STRING);
  ck_assert(str_is(s.as.string, "plain text", 10));
  ck_assert(in_input(s.as.string.ptr));
  ck_ok(string(STR("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""), &s));
  ck_assert(str_is(s.as.string, "\"\\/\b\f\n\r\t", 8));
  ck_ok(string(STR("\"\\u0041\\u00e9\\u20AC\\uFFFF\\ud83d\\ude00\\uDBFF\\uDFFF\""), &s));
  ck_assert(str_is(s.as.string,
                   "A\xc3\xa9\xe2\x82\xac\xef\xbf\xbf\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", 17));
  ck_ok(string(STR("\"a\\u0000b\""), &s));
  ck_assert(str_is(s.as.string, "a\0b", 3));
  ck_ok(string(STR("\"\""), &s));
  ck_assert_uint_eq(s.as.string.len, 0);
  ck_ok(string(STR("\"\x7f\""), &s));  /* DEL is not a control character in JSON */
  static const struct { const char *text; size_t len; const char *needle; size_t at; } bad[] = {
      {STR("\"\\x\""), "invalid escape: expected one of \"\\/bfnrtu after '\\', found 'x'", 1},
      {STR("\"\\U0041\""), "invalid escape", 1},
      {STR("\"\\'\""), "invalid escape", 1},
      {STR("\"\\u12\""), "invalid \\u escape: expected 4 hex digits", 1},
      {STR("\"\\u12G4\""), "invalid \\u escape", 1},
      {STR("\"\\"), "expected an escape character after '\\', found end of input", 2},
      {STR("\"\\u00"), "invalid \\u escape", 1},
      /* Lone surrogates have no Unicode scalar value: rejected. */
      {STR("\"\\ud800\""), "lone surrogate \\uD800: a high surrogate must be followed", 1},
      {STR("\"x\\uDBFF\\u0041\""), "lone surrogate \\uDBFF", 2},
      {STR("\"\\uD800\\uD800\""), "lone surrogate \\uD800", 1},
      {STR("\"\\uD800\\n\""), "lone surrogate", 1},
      {STR("\"\\udc00\""), "lone surrogate \\uDC00: a low surrogate must follow", 1},
      {STR("\"\\uDFFF\\uD800\""), "lone surrogate \\uDFFF", 1},
      {STR("\"abc"), "unterminated string (opened at offset 0)", 4},
      {STR("\"a\nb\""), "raw control character 0x0a in a string", 2},
      {STR("\"\x1f\""), "raw control character 0x1f", 1},
      {STR("\"\t\""), "raw control character 0x09", 1},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_fails(string(bad[i].text, bad[i].len, &s), VMIR_E_DECODE, bad[i].needle);
    ck_assert_msg(err.offset == bad[i].at, "%s: offset %zu, want %zu", bad[i].text,
                  err.offset, bad[i].at);
  }
}
END_TEST

START_TEST(test_string_utf8) {
  vmir_scalar s;
  static const struct { const char *text; size_t len; } good[] = {
      {STR("\"\xc2\x80\"")},             {STR("\"\xdf\xbf\"")},
      {STR("\"\xe0\xa0\x80\"")},         {STR("\"\xed\x9f\xbf\"")},  /* U+D7FF */
      {STR("\"\xee\x80\x80\"")},         {STR("\"\xef\xbf\xbf\"")},
      {STR("\"\xf0\x90\x80\x80\"")},     {STR("\"\xf4\x8f\xbf\xbf\"")},  /* U+10FFFF */
      {STR("\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e text\"")},
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    ck_ok(string(good[i].text, good[i].len, &s));
    ck_assert(str_is(s.as.string, good[i].text + 1, good[i].len - 2));
  }
  static const struct { const char *text; size_t len; } bad[] = {
      {STR("\"\x80\"")},                 /* lone continuation byte */
      {STR("\"\xbf\"")},
      {STR("\"\xc0\xaf\"")},             /* overlong '/' */
      {STR("\"\xc1\xbf\"")},             /* overlong */
      {STR("\"\xe0\x80\xaf\"")},         /* overlong, 3 bytes */
      {STR("\"\xe0\x9f\xbf\"")},
      {STR("\"\xf0\x80\x80\xaf\"")},     /* overlong, 4 bytes */
      {STR("\"\xf0\x8f\xbf\xbf\"")},
      {STR("\"\xed\xa0\x80\"")},         /* surrogate U+D800 in UTF-8 */
      {STR("\"\xed\xbf\xbf\"")},         /* surrogate U+DFFF */
      {STR("\"\xf4\x90\x80\x80\"")},     /* U+110000 */
      {STR("\"\xf5\x80\x80\x80\"")},
      {STR("\"\xf8\x88\x80\x80\x80\"")}, /* 5-byte form */
      {STR("\"\xfc\x83\xbf\xbf\xbf\xbf\"")},
      {STR("\"\xfe\"")},
      {STR("\"\xff\"")},
      {STR("\"\xe6\x97\"")},             /* truncated before the quote */
      {STR("\"\xc3\"")},
      {STR("\"\xf0\x9f\x98\"")},
      {STR("\"\xe9\"")},                 /* ISO-8859-1 */
      {STR("\"\xe6\x97")},               /* truncated at end of input */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_fails(string(bad[i].text, bad[i].len, &s), VMIR_E_DECODE, "invalid UTF-8 in a string");
    ck_assert_uint_eq(err.offset, 1);
  }
}
END_TEST

/* The eight-byte scan must find a special byte at every position of a word
 * and across word boundaries. */
START_TEST(test_string_scan_every_position) {
  char text[80];
  for (size_t i = 0; i < 40; i++) {
    static const char stops[] = {'"', '\\', '\x01', '\x1f', '\x80'};
    for (size_t k = 0; k < sizeof stops; k++) {
      text[0] = '"';
      memset(text + 1, 'a', i);
      text[1 + i] = stops[k];
      memcpy(text + 2 + i, "n\"          ", 12);
      vmir_scalar s;
      vmir_status st = string(text, 2 + i + 12, &s);
      if (stops[k] == '"') {
        ck_ok(st);
        ck_assert_uint_eq(s.as.string.len, i);
      } else if (stops[k] == '\\') {
        ck_ok(st);
        ck_assert_uint_eq(s.as.string.len, i + 1);
        ck_assert_int_eq(s.as.string.ptr[i], '\n');
      } else {
        ck_assert_int_eq(st, VMIR_E_DECODE);
        ck_assert_uint_eq(err.offset, 1 + i);
      }
    }
  }
}
END_TEST

START_TEST(test_string_limit) {
  vmir_scalar s;
  json("\"abc\"");
  src.string_limit = 3;
  ck_ok(vmir_json_read_string(&src, &arena, &s, &err));
  json("\"abcd\"");
  src.string_limit = 3;
  ck_fails(vmir_json_read_string(&src, &arena, &s, &err), VMIR_E_LIMIT,
           "string of 4 bytes is longer than the limit of 3 bytes");
  /* The limit counts unescaped bytes. */
  json("\"\\u00e9\\u00e9\"");
  src.string_limit = 4;
  ck_ok(vmir_json_read_string(&src, &arena, &s, &err));
  json("\"\\u00e9\\u00e9x\"");
  src.string_limit = 4;
  ck_fails(vmir_json_read_string(&src, &arena, &s, &err), VMIR_E_LIMIT, "string of 5 bytes");
  vmir_str key;
  json("\"long key\":1");
  src.string_limit = 3;
  ck_fails(vmir_json_read_key(&src, &arena, &key, &err), VMIR_E_LIMIT, "limit of 3 bytes");
  ck_fails(vmir_json_read_string(json("5"), &arena, &s, &err), VMIR_E_DECODE,
           "expected a string, found '5'");
}
END_TEST

/* ---- read-value and skip-value ------------------------------------------ */

static const vmir_member *member(const vmir_value *obj, const char *key) {
  for (size_t i = 0; i < obj->as.object.len; i++)
    if (str_is(obj->as.object.members[i].key, key, strlen(key)))
      return &obj->as.object.members[i];
  return NULL;
}

START_TEST(test_read_value_tree) {
  const char *doc =
      " {\"a\": [1, -2, 3.5, true, false, null, \"s\\u00e9\", [], {}],\n"
      "  \"b\\n\": {\"c\": {\"d\": [[[\"deep\"]]]}}, \"e\": \"\", \"a\": 0 } ";
  vmir_value v;
  ck_ok(vmir_json_read_value(json(doc), &arena, &v, &err));
  ck_ok(vmir_json_expect_end(&src, &err));
  ck_assert_int_eq(v.type, VMIR_VALUE_OBJECT);
  ck_assert_uint_eq(v.as.object.len, 4);  /* duplicate keys kept, in order */
  const vmir_value *a = &v.as.object.members[0].value;
  ck_assert_int_eq(a->type, VMIR_VALUE_ARRAY);
  ck_assert_uint_eq(a->as.array.len, 9);
  const vmir_value *it = a->as.array.items;
  ck_assert_int_eq(it[0].type, VMIR_VALUE_UINT);
  ck_assert_uint_eq(it[0].as.u64, 1);
  ck_assert_int_eq(it[1].type, VMIR_VALUE_INT);
  ck_assert_int_eq(it[1].as.i64, -2);
  ck_assert_int_eq(it[2].type, VMIR_VALUE_FLOAT);
  ck_assert_double_eq(it[2].as.f64, 3.5);
  ck_assert(it[3].type == VMIR_VALUE_BOOL && it[3].as.boolean);
  ck_assert(it[4].type == VMIR_VALUE_BOOL && !it[4].as.boolean);
  ck_assert_int_eq(it[5].type, VMIR_VALUE_NULL);
  ck_assert_int_eq(it[6].type, VMIR_VALUE_STRING);
  ck_assert(str_is(it[6].as.string, "s\xc3\xa9", 3));
  ck_assert(it[7].type == VMIR_VALUE_ARRAY && it[7].as.array.len == 0);
  ck_assert(it[8].type == VMIR_VALUE_OBJECT && it[8].as.object.len == 0);
  const vmir_member *b = member(&v, "b\n");
  ck_assert_ptr_nonnull(b);
  const vmir_value *d = &member(&member(&b->value, "c")->value, "d")->value;
  ck_assert(d->type == VMIR_VALUE_ARRAY && d->as.array.len == 1);
  const vmir_value *deep = &d->as.array.items[0].as.array.items[0].as.array.items[0];
  ck_assert(str_is(deep->as.string, "deep", 4));
  const vmir_member *e = member(&v, "e");
  ck_assert(e->value.type == VMIR_VALUE_STRING && e->value.as.string.len == 0);
  /* The tree owns its strings: nothing points into the input. */
  ck_assert(!in_input(v.as.object.members[0].key.ptr));
  ck_assert(!in_input(deep->as.string.ptr));
  ck_assert_uint_eq(v.as.object.members[3].value.as.u64, 0);

  /* Scalars at the top level; the cursor stops right after the value. */
  ck_ok(vmir_json_read_value(json(" 42 ,"), &arena, &v, &err));
  ck_assert(v.type == VMIR_VALUE_UINT && v.as.u64 == 42);
  ck_assert_uint_eq(src.pos, 3);
  ck_ok(vmir_json_read_value(json("\"x\""), &arena, &v, &err));
  ck_assert(str_is(v.as.string, "x", 1));
}
END_TEST

/* Large containers grow the scratch stack past its first size. */
START_TEST(test_read_value_large) {
  size_t cap = 400000, n = 0;
  char *doc = malloc(cap);
  n += (size_t)sprintf(doc + n, "{\"list\":[");
  for (int i = 0; i < 20000; i++) n += (size_t)sprintf(doc + n, "%s{\"i\":%d}", i ? "," : "", i);
  n += (size_t)sprintf(doc + n, "],\"nest\":");
  for (int i = 0; i < 300; i++) doc[n++] = '[';
  for (int i = 0; i < 300; i++) doc[n++] = ']';
  doc[n++] = '}';
  vmir_value v;
  ck_ok(vmir_json_read_value(json_n(doc, n), &arena, &v, &err));
  const vmir_value *list = &v.as.object.members[0].value;
  ck_assert_uint_eq(list->as.array.len, 20000);
  for (size_t i = 0; i < 20000; i++)
    ck_assert_uint_eq(list->as.array.items[i].as.object.members[0].value.as.u64, i);
  ck_ok(vmir_json_skip_value(json_n(doc, n), &arena, &err));
  ck_assert_uint_eq(src.pos, n);
  free(doc);
}
END_TEST

START_TEST(test_read_value_errors) {
  static const struct { const char *text; const char *needle; size_t at; } bad[] = {
      {"[1, 2", "expected ',' or ']' after array element, found end of input", 5},
      {"[1 2]", "expected ',' or ']' after array element, found '2'", 3},
      {"[1,]", "expected a JSON value, found ']'", 3},
      {"[,1]", "expected a JSON value, found ','", 1},
      {"{\"a\" 1}", "expected ':' after object member name, found '1'", 5},
      {"{\"a\":1,}", "expected a string (object member name), found '}'", 7},
      {"{\"a\":1 \"b\":2}", "expected ',' or '}' after object member, found '\"'", 7},
      {"{1:2}", "expected a string (object member name), found '1'", 1},
      {"{\"a\":}", "expected a JSON value, found '}'", 5},
      {"[1]]", NULL, 0},  /* read-value stops after the value; expect-end fails */
      {"", "expected a JSON value, found end of input", 0},
      {"[tru]", "expected a JSON value, found 'tru'", 1},
      {"[\"a\\q\"]", "invalid escape", 3},
      {"[01]", "leading zeros", 1},
      {"{\"a\":[}", "expected a JSON value, found '}'", 6},
      {"[}", "expected a JSON value, found '}'", 1},
      {"{]", "expected a string (object member name), found ']'", 1},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    vmir_value v;
    vmir_status st = vmir_json_read_value(json(bad[i].text), &arena, &v, &err);
    if (!bad[i].needle) {
      ck_ok(st);
      ck_assert_int_ne(vmir_json_expect_end(&src, &err), VMIR_OK);
      continue;
    }
    ck_assert_msg(st == VMIR_E_DECODE, "%s accepted", bad[i].text);
    ck_assert_msg(strstr(err.message, bad[i].needle), "%s: %s", bad[i].text, err.message);
    ck_assert_msg(err.offset == bad[i].at, "%s: offset %zu", bad[i].text, err.offset);
    /* skip-value validates the same way and fails at the same place */
    vmir_error read_err = err;
    ck_assert_int_eq(vmir_json_skip_value(json(bad[i].text), &arena, &err), VMIR_E_DECODE);
    ck_assert_uint_eq(err.offset, bad[i].at);
    ck_assert_str_eq(err.message, read_err.message);
  }
}
END_TEST

START_TEST(test_depth_limit) {
  vmir_value v;
  json("[[[1]]]");
  src.depth_limit = 3;
  ck_ok(vmir_json_read_value(&src, &arena, &v, &err));
  json("[[[[1]]]]");
  src.depth_limit = 3;
  ck_fails(vmir_json_read_value(&src, &arena, &v, &err), VMIR_E_LIMIT,
           "nesting deeper than 3 levels");
  ck_assert_uint_eq(err.offset, 3);
  json("{\"a\":{\"b\":{\"c\":{}}}}");
  src.depth_limit = 3;
  ck_fails(vmir_json_skip_value(&src, &arena, &err), VMIR_E_LIMIT, "nesting deeper than 3");
  json("[[[]]]");
  src.depth_limit = 3;
  ck_ok(vmir_json_skip_value(&src, &arena, &err));
  /* The default is 512: exactly 512 nested arrays read, 513 do not. */
  char doc[1100];
  for (int depth = 512; depth <= 513; depth++) {
    memset(doc, '[', (size_t)depth);
    memset(doc + depth, ']', (size_t)depth);
    vmir_status want = depth == 512 ? VMIR_OK : VMIR_E_LIMIT;
    ck_assert_int_eq(vmir_json_read_value(json_n(doc, 2 * (size_t)depth), &arena, &v, &err), want);
    ck_assert_int_eq(vmir_json_skip_value(json_n(doc, 2 * (size_t)depth), &arena, &err), want);
  }
}
END_TEST

/* 100000 opening brackets: rejected at the depth limit, with a stack that
 * stays small (the explicit stack only ever holds depth-limit entries, and
 * the C stack does not grow with nesting at all). */
START_TEST(test_bracket_bombs) {
  size_t n = 100000;
  char *doc = malloc(n * 5);
  memset(doc, '[', n);
  vmir_value v;
  ck_fails(vmir_json_read_value(json_n(doc, n), &arena, &v, &err), VMIR_E_LIMIT,
           "nesting deeper than 512 levels");
  ck_assert_uint_eq(err.offset, 512);
  ck_fails(vmir_json_skip_value(json_n(doc, n), &arena, &err), VMIR_E_LIMIT,
           "nesting deeper than 512");
  for (size_t i = 0; i < n; i++) memcpy(doc + 5 * i, "{\"\":[", 5);
  ck_fails(vmir_json_read_value(json_n(doc, n * 5), &arena, &v, &err), VMIR_E_LIMIT,
           "nesting deeper than 512");
  ck_fails(vmir_json_skip_value(json_n(doc, n * 5), &arena, &err), VMIR_E_LIMIT,
           "nesting deeper than 512");
  ck_assert_uint_le(vmir_arena_held(&arena), 64 * 1024);
  free(doc);
}
END_TEST

/* ---- error context ------------------------------------------------------ */

/* t[verify format.parse.error-token-context] */
START_TEST(test_error_token_context) {
  const char *doc = "{\n  \"a\": 1,\n  \"b\": [1, 2],\n  \"c\": 1 x\n}";
  vmir_value v;
  ck_fails(vmir_json_read_value(json(doc), &arena, &v, &err), VMIR_E_DECODE, "");
  ck_assert_uint_eq(err.offset, 36);
  ck_assert_uint_eq(err.line, 4);
  ck_assert_uint_eq(err.column, 10);
  ck_assert_str_eq(err.message,
                   "line 4, column 10 (offset 36): expected ',' or '}' after object "
                   "member, found 'x' near \u00ab\u20261, 2],\\n  \"c\": 1 \u2038x\\n}\u00bb");
  /* The column counts characters, not bytes. */
  ck_fails(vmir_json_read_value(json("[\"\xc3\xa9\xc3\xa9\", x]"), &arena, &v, &err),
           VMIR_E_DECODE, "line 1, column 8 (offset 9): expected a JSON value, found 'x'");
  ck_assert_str_eq(strstr(err.message, "near"),
                   "near \u00ab[\"\xc3\xa9\xc3\xa9\", \u2038x]\u00bb");
  /* Invalid bytes show as escapes; the excerpt is cut on both sides. */
  ck_fails(vmir_json_read_value(json("[\"0123456789abcdefghij\xff klmnopqrstuvwxyz\"]"),
                                &arena, &v, &err),
           VMIR_E_DECODE,
           "line 1, column 23 (offset 22): invalid UTF-8 in a string at byte 0xff near "
           "\u00ab\u2026456789abcdefghij\u2038\\xff klmnop\u2026\u00bb");
  /* End of input: the caret after the last byte. */
  ck_fails(vmir_json_read_value(json("[1,\n"), &arena, &v, &err), VMIR_E_DECODE,
           "line 2, column 1 (offset 4): expected a JSON value, found end of input near "
           "\u00ab[1,\\n\u2038\u00bb");
  /* Every decode error, whatever the builtin, has the offset and position. */
  bool end;
  ck_fails(vmir_json_next_member(json("\n\n   ?"), &end, &err), VMIR_E_DECODE,
           "line 3, column 4 (offset 5): expected ',' or '}' after object member, found '?'");
  vmir_scalar s;
  ck_fails(vmir_json_read_number(json("  [1e]"), &arena, &s, &err), VMIR_E_DECODE,
           "line 1, column 3 (offset 2): expected a number, found '['");
  /* The same for MessagePack: the offset and a hex excerpt. */
  const uint8_t mp[] = {0x93, 0x01, 0xc1, 0x02};
  vmir_source bin;
  vmir_source_init(&bin, mp, sizeof mp, VMIR_SOURCE_BINARY);
  ck_assert_int_eq(vmir_msgpack_read_value(&bin, &arena, &v, &err), VMIR_E_DECODE);
  ck_assert_str_eq(err.message, "offset 2: reserved byte 0xc1 (never used in MessagePack) "
                                "near \u00ab93 01 \u2038c1 02\u00bb");
  ck_assert_int_eq(err.has_offset, 1);
  ck_assert_uint_eq(err.line, 0);
}
END_TEST

/* A UTF-8 sequence cut short by the end of a MessagePack string's payload
 * is invalid, even when the bytes after the payload would complete it.
 * t[verify format.vm.builtins-extension-point] */
START_TEST(test_msgpack_string_utf8_ends_with_its_payload) {
  static const uint8_t cut2[] = {0xa1, 0xc3, 0xa9};              /* str 1: C3 | A9 */
  static const uint8_t cut3[] = {0xa2, 0xe2, 0x82, 0xac, 0x41};  /* str 2: E2 82 | AC */
  static const uint8_t cut4[] = {0xa3, 0xf0, 0x9f, 0x98, 0x80};  /* str 3: F0 9F 98 | 80 */
  static const struct { const uint8_t *mp; size_t len; } cases[] = {
      {cut2, sizeof cut2}, {cut3, sizeof cut3}, {cut4, sizeof cut4}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    vmir_source bin;
    vmir_source_init(&bin, cases[i].mp, cases[i].len, VMIR_SOURCE_BINARY);
    vmir_scalar s;
    vmir_error_clear(&err);
    ck_assert_int_eq(vmir_msgpack_read_string(&bin, &s, &err), VMIR_E_DECODE);
    ck_assert_msg(strstr(err.message, "invalid UTF-8"), "%s", err.message);
  }
  /* The whole sequence inside the payload is fine. */
  static const uint8_t whole[] = {0xa3, 0xe2, 0x82, 0xac};
  vmir_source bin;
  vmir_source_init(&bin, whole, sizeof whole, VMIR_SOURCE_BINARY);
  vmir_scalar s;
  ck_assert_int_eq(vmir_msgpack_read_string(&bin, &s, &err), VMIR_OK);
  ck_assert(str_is(s.as.string, "\xe2\x82\xac", 3));
}
END_TEST

/* An error's place never lies past the input (an offset beyond it names the
 * end), its message names the exact offset in both forms, and a message
 * shortened to fit stays valid UTF-8 whatever multi-byte characters it
 * holds at the cut.
 * t[verify format.parse.error-token-context] */
START_TEST(test_error_place_and_message_edges) {
  vmir_source *text = json("[1,2]");
  ck_assert_int_eq(vmir_source_fail(text, &err, VMIR_E_DECODE, 99, "past the end"), VMIR_E_DECODE);
  ck_assert_uint_eq(err.offset, 5);
  ck_assert_msg(strncmp(err.message, "line 1, column 6 (offset 5): past the end", 41) == 0, "%s",
                err.message);
  static const uint8_t mp[] = {0x93, 0x01, 0xc1, 0x02};
  vmir_source bin;
  vmir_source_init(&bin, mp, sizeof mp, VMIR_SOURCE_BINARY);
  vmir_source_fail(&bin, &err, VMIR_E_DECODE, 2, "here");
  ck_assert_uint_eq(err.offset, 2);
  ck_assert_msg(strncmp(err.message, "offset 2: here", 14) == 0, "%s", err.message);
  char long_text[1200];
  for (size_t pad = 0; pad < 4; pad++) {
    size_t n = 0;
    for (size_t i = 0; i < pad; i++) long_text[n++] = 'x';
    while (n + 4 < sizeof long_text) {
      memcpy(long_text + n, "\xe2\x82\xac", 3); /* the euro sign: three bytes */
      n += 3;
    }
    long_text[n] = 0;
    vmir_source_fail(json("[1,2]"), &err, VMIR_E_DECODE, 1, "%s", long_text);
    size_t bad = 0;
    ck_assert_msg(vmir_utf8_validate_bytes((const uint8_t *)err.message, strlen(err.message), &bad),
                  "pad %zu: invalid UTF-8 at byte %zu of the shortened message", pad, bad);
    ck_assert_ptr_nonnull(strstr(err.message, "\u2026"));
  }
}
END_TEST

/* ---- the closed builtin set --------------------------------------------- */

typedef void (*any_fn)(void);

/* t[verify format.vm.builtins-extension-point] */
START_TEST(test_builtins_are_the_closed_set) {
  /* Every format-specific opcode has exactly one implementing function here,
   * and every function here is an opcode of the lexing family: format
   * behaviour is reachable only through this list. */
  static const struct { const char *op; any_fn fn; } builtins[] = {
      {"json-begin-object", (any_fn)vmir_json_begin_object},
      {"json-read-key", (any_fn)vmir_json_read_key},
      {"json-next-member", (any_fn)vmir_json_next_member},
      {"json-begin-array", (any_fn)vmir_json_begin_array},
      {"json-next-element", (any_fn)vmir_json_next_element},
      {"json-peek-null", (any_fn)vmir_json_peek_null},
      {"json-peek-token", (any_fn)vmir_json_peek_token},
      {"json-read-bool", (any_fn)vmir_json_read_bool},
      {"json-read-number", (any_fn)vmir_json_read_number},
      {"json-read-string", (any_fn)vmir_json_read_string},
      {"json-read-null", (any_fn)vmir_json_read_null},
      {"json-read-value", (any_fn)vmir_json_read_value},
      {"json-skip-value", (any_fn)vmir_json_skip_value},
      {"json-expect-end", (any_fn)vmir_json_expect_end},
      {"msgpack-read-map-header", (any_fn)vmir_msgpack_read_map_header},
      {"msgpack-read-array-header", (any_fn)vmir_msgpack_read_array_header},
      {"msgpack-peek-nil", (any_fn)vmir_msgpack_peek_nil},
      {"msgpack-peek-token", (any_fn)vmir_msgpack_peek_token},
      {"msgpack-read-key", (any_fn)vmir_msgpack_read_key},
      {"msgpack-read-bool", (any_fn)vmir_msgpack_read_bool},
      {"msgpack-read-number", (any_fn)vmir_msgpack_read_number},
      {"msgpack-read-string", (any_fn)vmir_msgpack_read_string},
      {"msgpack-read-bin", (any_fn)vmir_msgpack_read_bin},
      {"msgpack-read-nil", (any_fn)vmir_msgpack_read_nil},
      {"msgpack-read-value", (any_fn)vmir_msgpack_read_value},
      {"msgpack-skip-value", (any_fn)vmir_msgpack_skip_value},
      {"msgpack-expect-end", (any_fn)vmir_msgpack_expect_end},
      {"msgpack-peek-ext", (any_fn)vmir_msgpack_peek_ext},
      {"msgpack-read-ext", (any_fn)vmir_msgpack_read_ext},
  };
  size_t nb = sizeof builtins / sizeof builtins[0];
  for (size_t i = 0; i < nb; i++) {
    int op = vmir_op_by_name(builtins[i].op, strlen(builtins[i].op));
    ck_assert_msg(op >= 0, "%s is not an opcode", builtins[i].op);
    ck_assert_int_eq(vmir_op_info_of((uint32_t)op)->family, VMIR_FAMILY_LEXING);
    ck_assert_ptr_nonnull(builtins[i].fn);
  }
  size_t format_ops = 0;
  for (uint32_t op = 0; op < VMIR_OP_COUNT; op++) {
    const char *name = vmir_op_info_of(op)->name;
    if (strncmp(name, "json-", 5) != 0 && strncmp(name, "msgpack-", 8) != 0) continue;
    format_ops++;
    size_t found = 0;
    for (size_t i = 0; i < nb; i++) found += strcmp(builtins[i].op, name) == 0;
    ck_assert_msg(found == 1, "opcode %s has %zu builtin functions", name, found);
  }
  ck_assert_uint_eq(format_ops, nb);
  printf("json_lex: %zu format builtins, one function each\n", nb);
}
END_TEST

/* ---- JSONTestSuite ------------------------------------------------------ */

/* Implementation-defined cases: what vmir does and why (also in
 * docs/decode-formats.md). */
static const struct {
  const char *file;
  bool accept;
} i_decisions[] = {
    /* Underflow rounds to zero: that is the correctly rounded double. */
    {"i_number_double_huge_neg_exp.json", true},
    {"i_number_real_underflow.json", true},
    /* Overflow to infinity is rejected: JSON cannot write it back. */
    {"i_number_huge_exp.json", false},
    {"i_number_neg_int_huge_exp.json", false},
    {"i_number_pos_double_huge_exp.json", false},
    {"i_number_real_neg_overflow.json", false},
    {"i_number_real_pos_overflow.json", false},
    /* Integers beyond u64/i64 are rejected rather than rounded. */
    {"i_number_too_big_neg_int.json", false},
    {"i_number_too_big_pos_int.json", false},
    {"i_number_very_big_negative_int.json", false},
    /* Lone or mismatched surrogate escapes have no scalar value. */
    {"i_object_key_lone_2nd_surrogate.json", false},
    {"i_string_1st_surrogate_but_2nd_missing.json", false},
    {"i_string_1st_valid_surrogate_2nd_invalid.json", false},
    {"i_string_incomplete_surrogate_and_escape_valid.json", false},
    {"i_string_incomplete_surrogate_pair.json", false},
    {"i_string_incomplete_surrogates_escape_valid.json", false},
    {"i_string_invalid_lonely_surrogate.json", false},
    {"i_string_invalid_surrogate.json", false},
    {"i_string_inverted_surrogates_U+1D11E.json", false},
    {"i_string_lone_second_surrogate.json", false},
    /* Input must be UTF-8, strictly. */
    {"i_string_UTF-16LE_with_BOM.json", false},
    {"i_string_UTF-8_invalid_sequence.json", false},
    {"i_string_UTF8_surrogate_U+D800.json", false},
    {"i_string_invalid_utf-8.json", false},
    {"i_string_iso_latin_1.json", false},
    {"i_string_lone_utf8_continuation_byte.json", false},
    {"i_string_not_in_unicode_range.json", false},
    {"i_string_overlong_sequence_2_bytes.json", false},
    {"i_string_overlong_sequence_6_bytes.json", false},
    {"i_string_overlong_sequence_6_bytes_null.json", false},
    {"i_string_truncated-utf-8.json", false},
    {"i_string_utf16BE_no_BOM.json", false},
    {"i_string_utf16LE_no_BOM.json", false},
    /* 500 levels are within the default depth limit of 512. */
    {"i_structure_500_nested_arrays.json", true},
    /* RFC 8259: no BOM in JSON text; a BOM is rejected, not skipped. */
    {"i_structure_UTF-8_BOM_empty_object.json", false},
};

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parses a whole document: read-value, then only whitespace may remain.
 * skip-value must agree. */
static bool accept_document(const char *path, const char *name) {
  size_t len;
  char *text = vmir_test_read_file(path, &len);
  ck_assert_msg(text != NULL, "cannot read %s", path);
  vmir_value v;
  vmir_arena_reset(&arena);
  vmir_error skip_err;
  vmir_status skip = vmir_json_skip_value(json_n(text, len), &arena, &skip_err);
  if (skip == VMIR_OK) skip = vmir_json_expect_end(&src, &skip_err);
  vmir_status st = vmir_json_read_value(json_n(text, len), &arena, &v, &err);
  if (st == VMIR_OK) st = vmir_json_expect_end(&src, &err);
  ck_assert_msg(st == skip, "%s: read-value %s, skip-value %s", name, vmir_status_name(st),
                vmir_status_name(skip));
  if (st != VMIR_OK) {
    /* Every rejection carries the token context. */
    ck_assert_msg(err.has_offset && err.line >= 1 && strstr(err.message, " near \u00ab"),
                  "%s: %s", name, err.message);
    ck_assert_msg(st == VMIR_E_DECODE || st == VMIR_E_LIMIT, "%s: %s", name,
                  vmir_status_name(st));
  }
  free(text);
  return st == VMIR_OK;
}

START_TEST(test_json_test_suite) {
  const char *shared = vmir_test_shared_dir();
  if (!shared) {
    printf("SKIP: JSONTestSuite needs the shared folder\n");
    return;
  }
  char dir_path[4096];
  snprintf(dir_path, sizeof dir_path, "%s/conformance/json-test-suite/test_parsing", shared);
  DIR *dir = opendir(dir_path);
  if (!dir) {
    printf("SKIP: %s is absent\n", dir_path);
    return;
  }
  char **names = NULL;
  size_t count = 0, cap = 0;
  struct dirent *ent;
  while ((ent = readdir(dir)) != NULL) {
    if (ent->d_name[0] == '.') continue;
    if (count == cap) {
      cap = cap ? cap * 2 : 512;
      names = realloc(names, cap * sizeof *names);
      ck_assert_ptr_nonnull(names);
    }
    names[count++] = strdup(ent->d_name);
  }
  closedir(dir);
  qsort(names, count, sizeof *names, cmp_names);

  size_t y_ok = 0, y_total = 0, n_rejected = 0, n_total = 0, i_total = 0, i_accepted = 0;
  bool i_seen[sizeof i_decisions / sizeof i_decisions[0]] = {false};
  for (size_t f = 0; f < count; f++) {
    const char *name = names[f];
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir_path, name);
    bool ok = accept_document(path, name);
    if (name[0] == 'y') {
      y_total++;
      y_ok += ok;
      ck_assert_msg(ok, "%s rejected: %s", name, err.message);
    } else if (name[0] == 'n') {
      n_total++;
      n_rejected += !ok;
      ck_assert_msg(!ok, "%s accepted", name);
    } else if (name[0] == 'i') {
      i_total++;
      i_accepted += ok;
      size_t k = 0;
      while (k < sizeof i_decisions / sizeof i_decisions[0] &&
             strcmp(i_decisions[k].file, name) != 0)
        k++;
      ck_assert_msg(k < sizeof i_decisions / sizeof i_decisions[0],
                    "%s has no documented decision", name);
      i_seen[k] = true;
      ck_assert_msg(ok == i_decisions[k].accept, "%s: %s, documented %s (%s)", name,
                    ok ? "accepted" : "rejected",
                    i_decisions[k].accept ? "accept" : "reject", err.message);
    }
    free(names[f]);
  }
  free(names);
  for (size_t k = 0; k < sizeof i_decisions / sizeof i_decisions[0]; k++)
    ck_assert_msg(i_seen[k], "%s is missing from the suite", i_decisions[k].file);
  printf("JSONTestSuite: y_ accepted %zu/%zu, n_ rejected %zu/%zu, i_ %zu files "
         "(%zu accepted, %zu rejected, all as documented)\n",
         y_ok, y_total, n_rejected, n_total, i_total, i_accepted, i_total - i_accepted);
  ck_assert_uint_eq(y_ok, 95);
  ck_assert_uint_eq(y_total, 95);
  ck_assert_uint_eq(n_rejected, 188);
  ck_assert_uint_eq(n_total, 188);
  ck_assert_uint_eq(i_total, sizeof i_decisions / sizeof i_decisions[0]);
}
END_TEST

static Suite *json_lex_suite(void) {
  Suite *s = suite_create("json_lex");
  TCase *arena_tc = tcase_create("arena");
  tcase_add_test(arena_tc, test_arena_alignment_and_chunks);
  tcase_add_test(arena_tc, test_arena_mark_reset_to);
  tcase_add_test(arena_tc, test_arena_extend);
  tcase_add_test(arena_tc, test_arena_limit);
  suite_add_tcase(s, arena_tc);

  TCase *tc = tcase_create("builtins");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_read_value_failure_releases_arena);
  tcase_add_test(tc, test_begin_object);
  tcase_add_test(tc, test_read_key);
  tcase_add_test(tc, test_next_member_and_element);
  tcase_add_test(tc, test_begin_array);
  tcase_add_test(tc, test_peek_null_and_token);
  tcase_add_test(tc, test_literals);
  tcase_add_test(tc, test_expect_end);
  tcase_add_test(tc, test_integer_edges);
  tcase_add_test(tc, test_float_hard_cases);
  tcase_add_test(tc, test_float_long_tokens);
  tcase_add_test(tc, test_float_random_against_strtod);
  tcase_add_test(tc, test_float_fast_paths_against_strtod);
  tcase_add_test(tc, test_float_ignores_locale);
  tcase_add_test(tc, test_number_grammar);
  tcase_add_test(tc, test_string_escapes);
  tcase_add_test(tc, test_string_utf8);
  tcase_add_test(tc, test_string_scan_every_position);
  tcase_add_test(tc, test_string_limit);
  tcase_add_test(tc, test_msgpack_string_utf8_ends_with_its_payload);
  tcase_add_test(tc, test_error_place_and_message_edges);
  tcase_add_test(tc, test_read_value_tree);
  tcase_add_test(tc, test_read_value_large);
  tcase_add_test(tc, test_read_value_errors);
  tcase_add_test(tc, test_depth_limit);
  tcase_add_test(tc, test_bracket_bombs);
  tcase_add_test(tc, test_error_token_context);
  tcase_add_test(tc, test_builtins_are_the_closed_set);
  tcase_add_test(tc, test_json_test_suite);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return vmir_test_run(json_lex_suite(), "json_lex"); }
