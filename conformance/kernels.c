/* The format kernels against their oracles: the JSON number lexer against
 * the previous lexer (format/reference.h) and strtod, shortest float
 * printing against the previous exact-integer method and against strtod
 * reading it back, the string scanner and the one-pass string lexer
 * against the previous scanner and a byte-wise unescaper, the JSON
 * writer's escaping against a byte-wise escaper.
 *
 * Each test draws a sample of random and edge-case inputs: VMIR_KERNEL_SAMPLES
 * per test (default 100000, about half a million inputs over the suite, the
 * CI run); scripts/kernel-check runs hundreds of millions (hours). The seed
 * is fixed unless VMIR_KERNEL_SEED is set, so a failure names an input that
 * repeats. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/json_lex.h"
#include "format/key_match.h"
#include "format/reference.h"
#include "format/string_blocks.h"
#include "format/utf8.h"
#include "harness.h"
#include "sink/sink_internal.h"
#include "util/arena.h"
#include "util/short_copy.h"
#include "vmir/sink.h"

static uint64_t rng_state;

static uint64_t next_random(void) {
  /* splitmix64: small, fast and good enough to spread test inputs. */
  uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static uint64_t samples(uint64_t fallback) {
  const char *s = getenv("VMIR_KERNEL_SAMPLES");
  return s && *s ? strtoull(s, NULL, 10) : fallback;
}

static void seed(void) {
  const char *s = getenv("VMIR_KERNEL_SEED");
  rng_state = s && *s ? strtoull(s, NULL, 10) : UINT64_C(20261206);
}

static double double_of(uint64_t bits) {
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

static uint64_t bits_of(double d) {
  uint64_t b;
  memcpy(&b, &d, sizeof b);
  return b;
}

/* A random finite double: uniform bits, or near powers of two and ten, or
 * small integers and short decimals, the shapes real documents carry. */
static double random_double(void) {
  uint64_t r = next_random();
  switch (r & 7) {
    case 0: return (double)(int64_t)(next_random() >> (r >> 3 & 63)) / 1000.0;
    case 1: return ldexp(1.0, (int)(next_random() % 2098) - 1074) * (1 + (double)((r >> 8) & 3));
    case 2: return double_of(next_random() & ((UINT64_C(1) << 52) - 1)); /* subnormal */
    default: {
      uint64_t b;
      do b = next_random(); while (((b >> 52) & 0x7FF) == 0x7FF);
      return double_of(b);
    }
  }
}

/* ---- number lexing -------------------------------------------------------- */

static vmir_arena arena;

static void setup(void) { vmir_arena_init(&arena, VMIR_ARENA_UNLIMITED); }
static void teardown(void) { vmir_arena_free(&arena); }

/* Lexes `text` with the kernel and the reference (format/reference.h), and
 * a float also with strtod, the correctly rounded answer of the C library. */
static void same_number(const char *text, size_t len) {
  char why[512];
  ck_assert_msg(vmir_reference_same_number((const uint8_t *)text, len, &arena, why, sizeof why),
                "%s", why);
  /* Inside a document too: the lexer reads eight bytes at a time where
   * eight remain, so the token must end at its last digit, not at a digit
   * after the separator. */
  char in_doc[600];
  if (len + 16 < sizeof in_doc) {
    static const char *const after[] = {",12345678]", "}", " 9", "]1234567890123456"};
    for (size_t i = 0; i < sizeof after / sizeof after[0]; i++) {
      int n = snprintf(in_doc, sizeof in_doc, "%.*s%s", (int)len, text, after[i]);
      ck_assert_msg(vmir_reference_same_number((const uint8_t *)in_doc, (size_t)n, &arena, why,
                                               sizeof why),
                    "%s", why);
    }
  }
  vmir_source src;
  vmir_scalar v;
  vmir_error err;
  vmir_source_init(&src, text, len, VMIR_SOURCE_TEXT);
  char tmp[512];
  if (len < sizeof tmp && vmir_json_lex_number(&src, &arena, &v, &err) == VMIR_OK &&
      v.type == VMIR_SCALAR_FLOAT) {
    memcpy(tmp, text, len);
    tmp[len] = 0;
    ck_assert_msg(bits_of(v.as.f64) == bits_of(strtod(tmp, NULL)), "'%s': %a, strtod %a", tmp,
                  v.as.f64, strtod(tmp, NULL));
  }
}

static void same_number_text(const char *text) { same_number(text, strlen(text)); }

START_TEST(test_number_edge_cases) {
  static const char *cases[] = {
      "0", "-0", "0.0", "-0.0", "1", "-1", "9", "10", "12345678", "123456789", "1234567812345678",
      "9223372036854775807", "9223372036854775808", "-9223372036854775808",
      "-9223372036854775809", "18446744073709551615", "18446744073709551616",
      "99999999999999999999", "100000000000000000000", "00", "01", "-", "-a", "1.", "1.e5",
      ".5", "1e", "1e+", "1e-", "1E5", "1e+5", "1e-5", "0.1", "0.2", "0.3", "1.5", "2.5",
      "9007199254740993", "9007199254740993.0", "9007199254740993e0", "4.9e-324", "5e-324",
      "2.4703282292062327e-324", "2.4703282292062328e-324", "2.2250738585072011e-308",
      "2.2250738585072014e-308", "1.7976931348623157e308", "1.7976931348623158e308",
      "1.7976931348623159e308", "1e309", "1e-400", "1e400", "-1e400", "123456789012345678901234567890",
      "0.000000000000000000000000000000000000000001", "1.00000000000000011102230246251565404236316680908203125",
      "1.00000000000000011102230246251565404236316680908203124",
      "1.00000000000000011102230246251565404236316680908203126",
      "7.2057594037927933e16", "3.0517578125e-05", "8.98846567431158e307",
      "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000"
      "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "000000000000000000000000000000000000000000000000000000000000.0",
      "1e1000000000000", "1e-1000000000000", "0e1000", "12.34e-5x", "1.2.3", "1e5e5", "-01",
      "1234567890123456789.5", "0.12345678901234567890123", "123456781234567812345678.0e-10",
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) same_number_text(cases[i]);
}
END_TEST

/* Every double printed three ways (shortest, %.17g, a random precision),
 * plus random digit strings with random exponents: the kernel agrees with
 * the reference and strtod. */
START_TEST(test_number_random) {
  seed();
  uint64_t count = samples(100000);
  char text[128];
  for (uint64_t i = 0; i < count; i++) {
    double v = random_double();
    if (next_random() & 1) v = -v;
    switch (i % 4) {
      case 0: snprintf(text, sizeof text, "%.17g", v); break;
      case 1: snprintf(text, sizeof text, "%.*e", (int)(next_random() % 25), v); break;
      case 2: {
        size_t n = vmir_sink_format_float(text, v, false);
        text[n] = 0;
        break;
      }
      default: {
        /* Digits, an optional fraction and exponent, no double behind them. */
        size_t n = 0;
        int digits = 1 + (int)(next_random() % 30);
        text[n++] = (char)('1' + next_random() % 9);
        for (int k = 1; k < digits; k++) text[n++] = (char)('0' + next_random() % 10);
        if (next_random() & 1) {
          text[n++] = '.';
          int frac = 1 + (int)(next_random() % 25);
          for (int k = 0; k < frac; k++) text[n++] = (char)('0' + next_random() % 10);
        }
        n += (size_t)snprintf(text + n, sizeof text - n, "e%d", (int)(next_random() % 700) - 350);
        break;
      }
    }
    /* JSON has no "inf" and no leading '+': those stay reference-checked
     * errors like any other bad token. */
    same_number_text(text);
  }
}
END_TEST

/* Exact halfway points between neighbouring doubles, and their neighbours
 * one digit away: the cases where rounding is hardest. */
START_TEST(test_number_halfway) {
  seed();
  uint64_t count = samples(100000) / 4;
  char text[1200];
  for (uint64_t i = 0; i < count; i++) {
    uint64_t b = next_random() % (UINT64_C(0x7FE) << 52);
    double lo = double_of(b), hi = double_of(b + 1);
    /* The midpoint printed exactly: %.*e with enough digits is exact. */
    long double mid = ((long double)lo + (long double)hi) / 2;
    int n = snprintf(text, sizeof text, "%.*Le", (int)(next_random() % 40) + 17, mid);
    same_number(text, (size_t)n);
  }
}
END_TEST

/* ---- float printing ---------------------------------------------------------- */

static void same_float_text(double v, bool is_f32) {
  char why[256];
  ck_assert_msg(vmir_reference_same_float_text(v, is_f32, why, sizeof why), "%s", why);
}

START_TEST(test_print_edge_cases) {
  static const double cases[] = {
      0.0, -0.0, 1.0, 0.1, 0.2, 0.3, 1.5, 1e21, 1e22, 1e23, 1e-7, 1e-6, 123456789.125,
      5e-324, 1e-323, 1.5e-323, 2.2250738585072009e-308, 2.2250738585072014e-308,
      1.7976931348623157e308, 9007199254740993.0, 9007199254740992.0, 4.35e-10, 0.3e-323,
      1.0 / 3, 2.0 / 3, 100.0 / 3, 5e-310, 1e300, 1e-300, 65.613616999999977,
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    same_float_text(cases[i], false);
    same_float_text(-cases[i], false);
    if (isfinite((float)cases[i])) same_float_text(cases[i], true);
  }
  /* Every power of two (the lopsided intervals) and its neighbours. */
  for (int e = -1074; e <= 1023; e++) {
    double p = ldexp(1.0, e);
    same_float_text(p, false);
    same_float_text(nextafter(p, 0), false);
    same_float_text(nextafter(p, INFINITY), false);
  }
  for (int e = -149; e <= 127; e++) {
    float p = ldexpf(1.0f, e);
    same_float_text(p, true);
    same_float_text(nextafterf(p, 0), true);
  }
  /* Every subnormal double with a tiny significand. */
  for (uint64_t c = 1; c < 4096; c++) {
    same_float_text(double_of(c), false);
    uint32_t fb = (uint32_t)c;
    float f;
    memcpy(&f, &fb, sizeof f);
    same_float_text(f, true);
  }
}
END_TEST

START_TEST(test_print_random) {
  seed();
  uint64_t count = samples(100000);
  for (uint64_t i = 0; i < count; i++) {
    double v = random_double();
    same_float_text(v, false);
    /* %.17g round trip, the other classic oracle. */
    char text[40];
    snprintf(text, sizeof text, "%.17g", v);
    ck_assert(bits_of(strtod(text, NULL)) == bits_of(v));
    uint32_t fb = (uint32_t)next_random();
    if (((fb >> 23) & 0xFF) != 0xFF) {
      float f;
      memcpy(&f, &fb, sizeof f);
      same_float_text(f, true);
    }
  }
}
END_TEST

/* ---- string scanning ---------------------------------------------------------- */

/* Scans `text` (which starts with '"') with the kernel and the reference. */
static void same_string(const uint8_t *text, size_t len) {
  char why[256];
  ck_assert_msg(vmir_reference_same_string(text, len, why, sizeof why), "%s", why);
  ck_assert_msg(vmir_reference_same_lexed_string(text, len, why, sizeof why), "%s", why);
}

START_TEST(test_string_random) {
  seed();
  uint64_t count = samples(100000) / 4;
  static const char *pieces[] = {"a", "bc", "\\n", "\\\"", "\\u00e9", "\\ud83d\\ude00", "\\ud83d",
                                 "\\udc00", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc0\xaf",
                                 "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", "\x1f", "\\x", "\\u12",
                                 "\xe2\x82", "0123456789abcdef", " ", "\xf0\x9f\x98"};
  uint8_t text[600];
  for (uint64_t i = 0; i < count; i++) {
    size_t n = 0;
    text[n++] = '"';
    int parts = (int)(next_random() % 40);
    for (int k = 0; k < parts && n < 500; k++) {
      uint64_t r = next_random();
      if (r % 16 == 0) {
        text[n++] = (uint8_t)(r >> 8); /* any byte at all */
      } else {
        const char *p = pieces[(r >> 8) % (sizeof pieces / sizeof pieces[0])];
        /* Mostly the valid pieces, so that scans get long. */
        if ((r >> 20) % 4 != 0 && (strchr(p, '\x80') || strchr(p, '\x1f') || strstr(p, "\\x")))
          p = "plain";
        size_t pl = strlen(p);
        memcpy(text + n, p, pl);
        n += pl;
      }
    }
    if (next_random() % 8) text[n++] = '"';
    same_string(text, n);
  }
}
END_TEST

/* The UTF-8 block kernel against the byte-wise validator: sequences around
 * the first block boundary and at the end, then random mixes of valid and
 * broken sequences. */
static void same_utf8(const uint8_t *s, size_t n) {
  size_t bad = 0;
  bool want = vmir_utf8_validate_bytes(s, n, &bad);
  ck_assert_msg(vmir_utf8_valid_blocks(s, n) == want, "%zu bytes: block kernel says %d", n, !want);
}

START_TEST(test_utf8_blocks) {
  if (!vmir_string_blocks_available()) return;
  uint8_t buf[96];
  /* Every non-ASCII first byte, then three bytes from the class
   * boundaries of the second to fourth bytes of a sequence. */
  static const uint8_t edges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0,
                                  0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
  const uint32_t e = sizeof edges;
  memset(buf, 'a', sizeof buf);
  for (uint32_t v = 0; v < 128 * e * e * e; v++) {
    size_t at = 28 + v % 5; /* straddles the first block boundary */
    memset(buf + 28, 'a', 10);
    buf[at] = (uint8_t)(0x80 | v % 128);
    buf[at + 1] = edges[v / 128 % e];
    buf[at + 2] = edges[v / 128 / e % e];
    buf[at + 3] = edges[v / 128 / e / e];
    same_utf8(buf, 36 + v % 4);
  }
  seed();
  uint64_t count = samples(100000) / 4;
  static const char *pieces[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc0\xaf",
                                 "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", "\xe2\x82", "\xef\xbf\xbf",
                                 "\xf4\x8f\xbf\xbf", "0123456789abcdef", "\xf0\x9f\x98", "\xe0\xa0\x80"};
  uint8_t text[600];
  for (uint64_t i = 0; i < count; i++) {
    size_t n = 0;
    int parts = (int)(next_random() % 60);
    for (int k = 0; k < parts && n < 500; k++) {
      uint64_t r = next_random();
      const char *p = pieces[r % (sizeof pieces / sizeof pieces[0])];
      if ((r >> 20) % 8 != 0 && (p[0] == '\x80' || !strcmp(p, "\xc0\xaf") || !strcmp(p, "\xe2\x82") ||
                                 !strcmp(p, "\xed\xa0\x80") || !strcmp(p, "\xf4\x90\x80\x80") ||
                                 !strcmp(p, "\xf0\x9f\x98")))
        p = "valid";
      size_t pl = strlen(p);
      memcpy(text + n, p, pl);
      n += pl;
    }
    same_utf8(text, n);
  }
}
END_TEST

/* ---- string escaping (the JSON writer) ----------------------------------------- */

/* The writer against the byte-wise reference escaper: random mixes of long
 * plain runs, bytes to escape, valid and broken UTF-8, placed across the
 * 16- and 32-byte block boundaries of the copy kernels; then every length
 * up to 100 with one special byte at every position. */
static void same_escape(const uint8_t *s, size_t n) {
  char why[256];
  ck_assert_msg(vmir_reference_same_escape(s, n, why, sizeof why), "%s", why);
}

START_TEST(test_escape) {
  seed();
  static const char *good[] = {"a", "bc", "\\", "\"", "\n", "\t", "\x01", "\x1f", "\x7f", "/",
                               "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "0123456789abcdef",
                               "0123456789abcdefghijklmnopqrstuvwxyz0123456789"};
  static const char *broken[] = {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", "\xe2\x82",
                                 "\xf0\x9f\x98"};
  uint8_t text[700];
  uint64_t count = samples(100000) / 4;
  for (uint64_t i = 0; i < count; i++) {
    size_t n = 0;
    int parts = (int)(next_random() % 40);
    for (int k = 0; k < parts && n < 600; k++) {
      uint64_t r = next_random();
      if (r % 16 == 0) {
        text[n++] = (uint8_t)(r >> 8); /* any byte at all */
        continue;
      }
      /* Mostly well-formed, so that a broken sequence comes late too. */
      const char *p = (r >> 20) % 64 == 0 ? broken[(r >> 8) % (sizeof broken / sizeof broken[0])]
                                          : good[(r >> 8) % (sizeof good / sizeof good[0])];
      size_t pl = strlen(p);
      memcpy(text + n, p, pl);
      n += pl;
    }
    same_escape(text, n);
  }
  static const uint8_t specials[] = {'"', '\\', 0x00, 0x1f, 0x80, 0xc3, 0xe2, 0xf0, 0xff};
  for (size_t n = 0; n <= 100; n++)
    for (size_t at = 0; at < n; at++)
      for (size_t k = 0; k < sizeof specials; k++) {
        memset(text, 'x', n);
        text[at] = specials[k];
        if (specials[k] == 0xc3 && at + 1 < n) text[at + 1] = 0xa9; /* a whole e-acute */
        same_escape(text, n);
      }
}
END_TEST

/* The key-match kernel against memcmp: keys of every length up to 40 that
 * differ in one byte anywhere, or not at all, and lookups in a key table. */
START_TEST(test_key_match) {
  seed();
  char a[48], b[48];
  for (int round = 0; round < 20000; round++) {
    size_t n = (size_t)(next_random() % 41);
    for (size_t i = 0; i < n; i++) a[i] = b[i] = (char)('a' + next_random() % 26);
    if (n && (next_random() & 1)) b[next_random() % n] ^= (char)(1 + next_random() % 7);
    ck_assert_int_eq(vmir_key_equal(a, b, n), memcmp(a, b, n) == 0);
  }
  static const vmir_str keys[] = {{"id", 2},       {"id_str", 6},        {"text", 4},
                                  {"user", 4},     {"entities", 8},      {"retweeted", 9},
                                  {"favorited", 9}, {"in_reply_to_status_id_str", 25}};
  const uint32_t count = sizeof keys / sizeof keys[0];
  for (uint32_t i = 0; i < count; i++)
    for (uint32_t hint = 0; hint <= count; hint++)
      ck_assert_uint_eq(vmir_key_match(keys, count, keys[i], hint), i);
  ck_assert_uint_eq(vmir_key_match(keys, count, (vmir_str){"ids", 3}, 0), count);
  ck_assert_uint_eq(vmir_key_match(keys, count, (vmir_str){"retweetee", 9}, 5), count);
}
END_TEST

/* ---- mutation evidence (docs/mutation.md) ------------------------------------ */

/* The string scanner and its reference agree on the surrogate escapes at
 * the edges of the ranges: lone low surrogates (first and last), a high
 * surrogate followed by the last low one and by the first code point past
 * the low range, and the last high surrogate.
 * t[verify format.vm.builtins-extension-point] */
START_TEST(test_string_surrogate_edges) {
  static const char *edges[] = {
      "\"\\udc00\"",        "\"\\udfff\"",        "\"a\\udfffb\"",     "\"\\ud800\\udfff\"",
      "\"\\udbff\\udfff\"", "\"\\ud800\\ue000\"", "\"\\ud800\\udbff\"", "\"\\ud800\\udc00\"",
      "\"\\udbff\"",        "\"\\ue000\"",        "\"\\ud7ff\""};
  for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
    same_string((const uint8_t *)edges[i], strlen(edges[i]));
}
END_TEST

/* The short-ASCII test of vmir_utf8_validate against a byte loop: every
 * length up to 32, all ASCII, and one byte >= 0x80 at each position (the
 * overlapping words must cover every byte and none outside the n). */
START_TEST(test_utf8_short_ascii) {
  uint8_t buf[48];
  for (size_t n = 0; n <= 32; n++) {
    memset(buf, 0xFF, sizeof buf); /* outside the n bytes: never ASCII */
    memset(buf + 8, 'a', n);
    ck_assert_msg(vmir_utf8_short_ascii(buf + 8, n), "%zu ASCII bytes", n);
    size_t bad = 0;
    ck_assert(vmir_utf8_validate(buf + 8, n, &bad));
    for (size_t at = 0; at < n; at++) {
      buf[8 + at] = 0x80;
      ck_assert_msg(!vmir_utf8_short_ascii(buf + 8, n), "%zu bytes, 0x80 at %zu", n, at);
      ck_assert(!vmir_utf8_validate(buf + 8, n, &bad));
      ck_assert_uint_eq(bad, at);
      buf[8 + at] = 'a';
    }
  }
}
END_TEST

/* The number lexer and its reference agree (and agree with strtod) at the
 * edges their fast paths and overflow checks hinge on: around 2^64, and
 * significands just above 2^53 with small exponents (not exact doubles).
 * t[verify format.vm.builtins-extension-point] */
START_TEST(test_number_reference_edges) {
  static const char *cases[] = {
      "18446744073709551615", "18446744073709551616", "18446744073709551619",
      "18446744073709551620", "-18446744073709551616", "99999999999999999999",
      "9007199254740993e1",   "9007199254740995e1",   "9007199254740993e-1",
      "18014398509481983e2",  "18014398509481983e-2", "9007199254740993e22",
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) same_number_text(cases[i]);
}
END_TEST

/* The short copy against memcpy: every length up to 40, at every offset
 * of a guarded buffer, writing exactly its bytes and nothing around them. */
START_TEST(test_short_copy) {
  seed();
  uint8_t src[64], dst[64], want[64];
  for (size_t n = 0; n <= 40; n++)
    for (size_t at = 0; at + n + 8 <= sizeof dst; at += 3) {
      for (size_t i = 0; i < sizeof src; i++) src[i] = (uint8_t)next_random();
      memset(dst, 0xA5, sizeof dst);
      memcpy(want, dst, sizeof dst);
      memcpy(want + at, src + 7, n);
      vmir_copy_short(dst + at, src + 7, n);
      ck_assert_msg(memcmp(dst, want, sizeof dst) == 0, "length %zu at %zu", n, at);
    }
}
END_TEST

/* The JSON writer's plain field names (what generated code calls for a
 * constant name, copied without a scan) give the text the scanning path
 * gives, for every name length around the copy's word sizes. */
START_TEST(test_plain_field_names) {
  char name[48];
  for (size_t n = 0; n <= 40; n++) {
    for (size_t i = 0; i < n; i++) name[i] = (char)('a' + (i * 7 + n) % 26);
    vmir_str s = {name, n};
    ck_assert(vmir_sink_name_is_plain(s));
    char want[80];
    snprintf(want, sizeof want, "{\"%.*s\":%zu}", (int)n, name, n);
    for (int plain = 0; plain < 2; plain++) {
      vmir_json_writer *w = vmir_json_writer_new(NULL);
      vmir_sink *sink = vmir_json_writer_sink(w);
      vmir_sink_name_cb named = plain ? vmir_sink_plain_field_name(sink->ops) : sink->ops->field_name;
      ck_assert_ptr_nonnull(named);
      vmir_scalar v = {.type = VMIR_SCALAR_UINT, .as.u64 = n};
      ck_assert_int_eq(sink->ops->begin_struct(sink, 1), VMIR_OK);
      ck_assert_int_eq(named(sink, s), VMIR_OK);
      ck_assert_int_eq(sink->ops->scalar(sink, &v), VMIR_OK);
      ck_assert_int_eq(sink->ops->end(sink), VMIR_OK);
      size_t len = 0;
      const uint8_t *got = vmir_json_writer_data(w, &len);
      ck_assert_msg(len == strlen(want) && memcmp(got, want, len) == 0, "%s: '%.*s', want '%s'",
                    plain ? "plain" : "scanned", (int)len, (const char *)got, want);
      vmir_json_writer_free(w);
    }
  }
}
END_TEST

/* ---- a member's name and scalar in one call (sink_internal.h) ---------------- */

/* One writer under test: its sink, its output, its reset. */
typedef struct named_writer {
  vmir_json_writer *json;
  vmir_msgpack_writer *msgpack;
} named_writer;

static vmir_sink *named_writer_sink(named_writer *w) {
  return w->json ? vmir_json_writer_sink(w->json) : vmir_msgpack_writer_sink(w->msgpack);
}

static const uint8_t *named_writer_data(named_writer *w, size_t *len) {
  return w->json ? vmir_json_writer_data(w->json, len) : vmir_msgpack_writer_data(w->msgpack, len);
}

static void named_writer_reset(named_writer *w) {
  if (w->json) vmir_json_writer_reset(w->json);
  else vmir_msgpack_writer_reset(w->msgpack);
}

/* The document {"first": 1, name: v} (or, with `outside`, the member at
 * the top level, which the order rejects), its member written by the
 * paired callback or by the two calls. The status, *value_failed (the
 * two calls: whether the scalar's call was the one that failed), the
 * output and the sink's error text. */
typedef struct named_result {
  vmir_status st;
  bool value_failed;
  uint8_t out[256];
  size_t len;
  char error[128];
} named_result;

static named_result named_member(named_writer *w, bool paired, vmir_str name, const vmir_scalar *v,
                                 bool outside) {
  named_result r = {.st = VMIR_OK};
  named_writer_reset(w);
  vmir_sink *sink = named_writer_sink(w);
  vmir_scalar one = {.type = VMIR_SCALAR_UINT, .as.u64 = 1};
  if (!outside) {
    ck_assert_int_eq(sink->ops->begin_struct(sink, 2), VMIR_OK);
    ck_assert_int_eq(sink->ops->field_name(sink, (vmir_str){"first", 5}), VMIR_OK);
    ck_assert_int_eq(sink->ops->scalar(sink, &one), VMIR_OK);
  }
  if (paired) {
    vmir_sink_named_scalar_cb named = vmir_sink_plain_named_scalar(sink->ops);
    ck_assert_ptr_nonnull(named);
    r.value_failed = !r.value_failed; /* the callback must set it either way */
    r.st = named(sink, name, v, &r.value_failed);
  } else {
    r.st = sink->ops->field_name(sink, name);
    if (r.st == VMIR_OK) {
      r.value_failed = true;
      r.st = sink->ops->scalar(sink, v);
    }
  }
  if (r.st == VMIR_OK && !outside) ck_assert_int_eq(sink->ops->end(sink), VMIR_OK);
  const uint8_t *data = named_writer_data(w, &r.len);
  ck_assert_uint_le(r.len, sizeof r.out);
  memcpy(r.out, data, r.len);
  if (r.st != VMIR_OK) snprintf(r.error, sizeof r.error, "%s", sink->error);
  return r;
}

/* The sinks' paired callback for a member's plain name and scalar value
 * (what generated code calls for emit-field-name; enter-field;
 * emit-scalar; leave) gives the bytes of the two calls it stands for, in
 * compact and pretty JSON and in MessagePack, for every scalar type and
 * name lengths around the copy's word sizes and MessagePack's fixstr
 * limit; and fails where they fail, with the same message, saying which
 * of the two failed: a non-finite float in JSON and invalid UTF-8 are
 * the value's, a member outside any struct is the name's.
 * t[verify format.exec.jit-semantic-equivalence] */
START_TEST(test_named_scalars) {
  static const uint8_t bytes[] = {0, 255};
  static const vmir_json_options pretty = {.pretty = true};
  const vmir_scalar values[] = {
      {.type = VMIR_SCALAR_NULL},
      {.type = VMIR_SCALAR_BOOL, .as.boolean = true},
      {.type = VMIR_SCALAR_BOOL, .as.boolean = false},
      {.type = VMIR_SCALAR_INT, .as.i64 = INT64_MIN},
      {.type = VMIR_SCALAR_INT, .as.i64 = -33},
      {.type = VMIR_SCALAR_INT, .as.i64 = 70000},
      {.type = VMIR_SCALAR_UINT, .as.u64 = UINT64_MAX},
      {.type = VMIR_SCALAR_UINT, .as.u64 = 0},
      {.type = VMIR_SCALAR_FLOAT, .as.f64 = -1.7976931348623157e308},
      {.type = VMIR_SCALAR_FLOAT, .as.f64 = 0.1, .is_f32 = true},
      {.type = VMIR_SCALAR_STRING, .as.string = {"say \"hi\"\n", 10}},
      {.type = VMIR_SCALAR_STRING, .as.string = {"", 0}},
      {.type = VMIR_SCALAR_BYTES, .as.bytes = {bytes, sizeof bytes}},
      {.type = VMIR_SCALAR_TIMESTAMP, .as.timestamp = {1, 2}},
  };
  const vmir_scalar failing[] = {
      {.type = VMIR_SCALAR_FLOAT, .as.f64 = NAN},
      {.type = VMIR_SCALAR_STRING, .as.string = {"bad \xff", 5}},
  };
  named_writer writers[3] = {{.json = vmir_json_writer_new(NULL)},
                             {.json = vmir_json_writer_new(&pretty)},
                             {.msgpack = vmir_msgpack_writer_new()}};
  char name_text[40];
  size_t checked = 0, failures = 0;
  for (int wi = 0; wi < 3; wi++) {
    named_writer *w = &writers[wi];
    for (size_t n = 0; n <= 33; n++) {
      for (size_t i = 0; i < n; i++) name_text[i] = (char)('a' + (i * 5 + n) % 26);
      vmir_str name = {name_text, n};
      for (size_t vi = 0; vi < sizeof values / sizeof values[0]; vi++) {
        named_result two = named_member(w, false, name, &values[vi], false);
        named_result one = named_member(w, true, name, &values[vi], false);
        ck_assert_int_eq(two.st, VMIR_OK);
        ck_assert_msg(one.st == VMIR_OK && one.len == two.len && memcmp(one.out, two.out, one.len) == 0,
                      "writer %d, name of %zu bytes, value %zu: status %d, %zu bytes against %zu",
                      wi, n, vi, (int)one.st, one.len, two.len);
        checked++;
      }
      for (size_t fi = 0; fi < sizeof failing / sizeof failing[0] + 1; fi++) {
        bool outside = fi == sizeof failing / sizeof failing[0];
        const vmir_scalar *v = outside ? &values[0] : &failing[fi];
        named_result two = named_member(w, false, name, v, outside);
        if (two.st == VMIR_OK) continue; /* NaN is a float in MessagePack */
        named_result one = named_member(w, true, name, v, outside);
        ck_assert_int_eq(one.st, two.st);
        ck_assert_msg(one.value_failed == two.value_failed && one.value_failed == !outside,
                      "writer %d, failure %zu: value_failed %d, the two calls %d", wi, fi,
                      one.value_failed, two.value_failed);
        ck_assert_str_eq(one.error, two.error);
        ck_assert_uint_eq(one.len, 0);
        failures++;
      }
    }
  }
  ck_assert_uint_eq(checked, 3 * 34 * (sizeof values / sizeof values[0]));
  ck_assert_uint_eq(failures, 34 * (3 + 3 + 2));
  for (int wi = 0; wi < 3; wi++) {
    vmir_json_writer_free(writers[wi].json);
    vmir_msgpack_writer_free(writers[wi].msgpack);
  }
}
END_TEST

static Suite *kernels_suite(void) {
  Suite *s = suite_create("kernels");
  TCase *tc = tcase_create("kernels");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 0);
  tcase_add_test(tc, test_number_edge_cases);
  tcase_add_test(tc, test_number_random);
  tcase_add_test(tc, test_number_halfway);
  tcase_add_test(tc, test_print_edge_cases);
  tcase_add_test(tc, test_print_random);
  tcase_add_test(tc, test_string_random);
  tcase_add_test(tc, test_utf8_blocks);
  tcase_add_test(tc, test_utf8_short_ascii);
  tcase_add_test(tc, test_escape);
  tcase_add_test(tc, test_key_match);
  tcase_add_test(tc, test_short_copy);
  tcase_add_test(tc, test_plain_field_names);
  tcase_add_test(tc, test_named_scalars);
  suite_add_tcase(s, tc);
  TCase *mut = tcase_create("mutation evidence");
  tcase_add_checked_fixture(mut, setup, teardown);
  tcase_add_test(mut, test_string_surrogate_edges);
  tcase_add_test(mut, test_number_reference_edges);
  suite_add_tcase(s, mut);
  return s;
}

int main(void) { return vmir_test_run(kernels_suite(), "kernels"); }
