/* MessagePack lexing builtins (engine/format/msgpack_lex.h). Inputs come
 * from msgpack-c's packer (every type and size class) and its unpacker is
 * the reference the value trees are compared with; malformed, truncated
 * and hostile inputs are built by hand. */
#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/msgpack_internal.h"
#include "format/msgpack_lex.h"
#include "harness.h"
#include "lex_checks.h"
#include "util/arena.h"

static vmir_arena arena;
static vmir_error err;
static vmir_source src;

static void setup(void) {
  vmir_arena_init(&arena, VMIR_ARENA_UNLIMITED);
  vmir_error_clear(&err);
}

static void teardown(void) { vmir_arena_free(&arena); }

static vmir_source *mp(const void *data, size_t len) {
  vmir_source_init(&src, data, len, VMIR_SOURCE_BINARY);
  vmir_error_clear(&err);
  return &src;
}

#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

/* ---- packing with msgpack-c --------------------------------------------- */

typedef struct packed {
  msgpack_sbuffer sb;
  msgpack_packer pk;
} packed;

static void pk_init(packed *p) {
  msgpack_sbuffer_init(&p->sb);
  msgpack_packer_init(&p->pk, &p->sb, msgpack_sbuffer_write);
}

static void pk_free(packed *p) { msgpack_sbuffer_destroy(&p->sb); }

static void pk_str(packed *p, size_t len) {
  /* Multi-byte UTF-8 content, cut only at character boundaries. */
  static const char pattern[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";  /* 1+2+3+4 */
  char *s = malloc(len + 1);
  size_t n = 0;
  while (n < len) {
    size_t k = len - n >= 10 ? 10 : 1;
    memcpy(s + n, k == 10 ? pattern : "z", k);
    n += k;
  }
  msgpack_pack_str(&p->pk, len);
  msgpack_pack_str_body(&p->pk, s, len);
  free(s);
}

static void pk_bin(packed *p, size_t len) {
  uint8_t *b = malloc(len + 1);
  for (size_t i = 0; i < len; i++) b[i] = (uint8_t)(i * 7);
  msgpack_pack_bin(&p->pk, len);
  msgpack_pack_bin_body(&p->pk, b, len);
  free(b);
}

/* ---- comparing with msgpack-c's unpacker -------------------------------- */

static bool same_tree(const msgpack_object *o, const vmir_value *v, char *why, size_t cap) {
  switch (o->type) {
    case MSGPACK_OBJECT_NIL:
      if (v->type == VMIR_VALUE_NULL) return true;
      break;
    case MSGPACK_OBJECT_BOOLEAN:
      if (v->type == VMIR_VALUE_BOOL && v->as.boolean == o->via.boolean) return true;
      break;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
      if (v->type == VMIR_VALUE_UINT && v->as.u64 == o->via.u64) return true;
      break;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
      if (v->type == VMIR_VALUE_INT && v->as.i64 == o->via.i64) return true;
      break;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
      if (v->type == VMIR_VALUE_FLOAT && memcmp(&v->as.f64, &o->via.f64, 8) == 0) return true;
      break;
    case MSGPACK_OBJECT_STR:
      if (v->type == VMIR_VALUE_STRING && v->as.string.len == o->via.str.size &&
          (o->via.str.size == 0 ||
           memcmp(v->as.string.ptr, o->via.str.ptr, o->via.str.size) == 0))
        return true;
      break;
    case MSGPACK_OBJECT_BIN:
      if (v->type == VMIR_VALUE_BYTES && v->as.bytes.len == o->via.bin.size &&
          (o->via.bin.size == 0 ||
           memcmp(v->as.bytes.ptr, o->via.bin.ptr, o->via.bin.size) == 0))
        return true;
      break;
    case MSGPACK_OBJECT_EXT:
      if (v->type == VMIR_VALUE_EXT && v->as.ext.type == o->via.ext.type &&
          v->as.ext.len == o->via.ext.size &&
          (o->via.ext.size == 0 || memcmp(v->as.ext.data, o->via.ext.ptr, o->via.ext.size) == 0))
        return true;
      break;
    case MSGPACK_OBJECT_ARRAY:
      if (v->type != VMIR_VALUE_ARRAY || v->as.array.len != o->via.array.size) break;
      for (uint32_t i = 0; i < o->via.array.size; i++)
        if (!same_tree(&o->via.array.ptr[i], &v->as.array.items[i], why, cap)) return false;
      return true;
    case MSGPACK_OBJECT_MAP:
      if (v->type != VMIR_VALUE_OBJECT || v->as.object.len != o->via.map.size) break;
      for (uint32_t i = 0; i < o->via.map.size; i++) {
        vmir_value key = {.type = VMIR_VALUE_STRING, .as.string = v->as.object.members[i].key};
        if (!same_tree(&o->via.map.ptr[i].key, &key, why, cap) ||
            !same_tree(&o->via.map.ptr[i].val, &v->as.object.members[i].value, why, cap))
          return false;
      }
      return true;
    default:
      break;
  }
  snprintf(why, cap, "msgpack-c type %d vs vmir value type %d", (int)o->type, (int)v->type);
  return false;
}

/* read-value gives msgpack-c's tree, consumes everything, and skip-value
 * consumes the same bytes. */
static void ck_same_as_msgpack_c(const uint8_t *data, size_t len) {
  msgpack_unpacked ref;
  msgpack_unpacked_init(&ref);
  size_t off = 0;
  ck_assert_int_eq(msgpack_unpack_next(&ref, (const char *)data, len, &off),
                   MSGPACK_UNPACK_SUCCESS);
  ck_assert_uint_eq(off, len);
  vmir_value v;
  ck_ok(vmir_msgpack_read_value(mp(data, len), &arena, &v, &err));
  ck_ok(vmir_msgpack_expect_end(&src, &err));
  char why[128] = "";
  ck_assert_msg(same_tree(&ref.data, &v, why, sizeof why), "trees differ: %s", why);
  ck_ok(vmir_msgpack_skip_value(mp(data, len), &arena, &err));
  ck_assert_uint_eq(src.pos, len);
  msgpack_unpacked_destroy(&ref);
}

/* ---- every type and size class ------------------------------------------ */

typedef struct sized_case {
  uint8_t lead;            /* the format msgpack-c must have chosen */
  vmir_token_class cls;
} sized_case;

/* Packs case i (of the list below) and returns its expected lead byte and
 * class; false past the end. */
static bool pack_case(size_t i, packed *p, sized_case *c) {
  msgpack_packer *pk = &p->pk;
  vmir_token_class NUM = VMIR_TOKEN_NUMBER;
#define CASE(lead_, cls_, stmt) \
  if (i-- == 0) {               \
    stmt;                       \
    c->lead = lead_;            \
    c->cls = cls_;              \
    return true;                \
  }
  CASE(0xc0, VMIR_TOKEN_NULL, msgpack_pack_nil(pk));
  CASE(0xc3, VMIR_TOKEN_BOOL, msgpack_pack_true(pk));
  CASE(0xc2, VMIR_TOKEN_BOOL, msgpack_pack_false(pk));
  CASE(0x00, NUM, msgpack_pack_uint64(pk, 0));
  CASE(0x7f, NUM, msgpack_pack_uint64(pk, 127));
  CASE(0xcc, NUM, msgpack_pack_uint64(pk, 128));
  CASE(0xcc, NUM, msgpack_pack_uint64(pk, 255));
  CASE(0xcd, NUM, msgpack_pack_uint64(pk, 256));
  CASE(0xcd, NUM, msgpack_pack_uint64(pk, 65535));
  CASE(0xce, NUM, msgpack_pack_uint64(pk, 65536));
  CASE(0xce, NUM, msgpack_pack_uint64(pk, UINT32_MAX));
  CASE(0xcf, NUM, msgpack_pack_uint64(pk, (uint64_t)UINT32_MAX + 1));
  CASE(0xcf, NUM, msgpack_pack_uint64(pk, UINT64_MAX));
  CASE(0xff, NUM, msgpack_pack_int64(pk, -1));
  CASE(0xe0, NUM, msgpack_pack_int64(pk, -32));
  CASE(0xd0, NUM, msgpack_pack_int64(pk, -33));
  CASE(0xd0, NUM, msgpack_pack_int64(pk, INT8_MIN));
  CASE(0xd1, NUM, msgpack_pack_int64(pk, INT8_MIN - 1));
  CASE(0xd1, NUM, msgpack_pack_int64(pk, INT16_MIN));
  CASE(0xd2, NUM, msgpack_pack_int64(pk, INT16_MIN - 1));
  CASE(0xd2, NUM, msgpack_pack_int64(pk, INT32_MIN));
  CASE(0xd3, NUM, msgpack_pack_int64(pk, (int64_t)INT32_MIN - 1));
  CASE(0xd3, NUM, msgpack_pack_int64(pk, INT64_MIN));
  /* Signed formats holding non-negative values, unsigned formats holding
   * small values: the format does not change the value. */
  CASE(0xd0, NUM, msgpack_pack_fix_int8(pk, 5));
  CASE(0xd1, NUM, msgpack_pack_fix_int16(pk, 300));
  CASE(0xd2, NUM, msgpack_pack_fix_int32(pk, 70000));
  CASE(0xd3, NUM, msgpack_pack_fix_int64(pk, INT64_MAX));
  CASE(0xd3, NUM, msgpack_pack_fix_int64(pk, 0));
  CASE(0xcc, NUM, msgpack_pack_fix_uint8(pk, 1));
  CASE(0xcd, NUM, msgpack_pack_fix_uint16(pk, 2));
  CASE(0xce, NUM, msgpack_pack_fix_uint32(pk, 3));
  CASE(0xcf, NUM, msgpack_pack_fix_uint64(pk, 4));
  CASE(0xca, NUM, msgpack_pack_float(pk, 1.5f));
  CASE(0xca, NUM, msgpack_pack_float(pk, 0.1f));
  CASE(0xca, NUM, msgpack_pack_float(pk, -INFINITY));
  CASE(0xcb, NUM, msgpack_pack_double(pk, 0.1));
  CASE(0xcb, NUM, msgpack_pack_double(pk, -0.0));
  CASE(0xcb, NUM, msgpack_pack_double(pk, 4.9406564584124654e-324));
  CASE(0xa0, VMIR_TOKEN_STRING, pk_str(p, 0));
  CASE(0xbf, VMIR_TOKEN_STRING, pk_str(p, 31));
  CASE(0xd9, VMIR_TOKEN_STRING, pk_str(p, 32));
  CASE(0xd9, VMIR_TOKEN_STRING, pk_str(p, 255));
  CASE(0xda, VMIR_TOKEN_STRING, pk_str(p, 256));
  CASE(0xda, VMIR_TOKEN_STRING, pk_str(p, 65535));
  CASE(0xdb, VMIR_TOKEN_STRING, pk_str(p, 65536));
  CASE(0xc4, VMIR_TOKEN_BYTES, pk_bin(p, 0));
  CASE(0xc4, VMIR_TOKEN_BYTES, pk_bin(p, 255));
  CASE(0xc5, VMIR_TOKEN_BYTES, pk_bin(p, 256));
  CASE(0xc5, VMIR_TOKEN_BYTES, pk_bin(p, 65535));
  CASE(0xc6, VMIR_TOKEN_BYTES, pk_bin(p, 65536));
  CASE(0x90, VMIR_TOKEN_ARRAY, msgpack_pack_array(pk, 0));
  CASE(0x9f, VMIR_TOKEN_ARRAY, {
    msgpack_pack_array(pk, 15);
    for (int k = 0; k < 15; k++) msgpack_pack_int(pk, k - 7);
  });
  CASE(0xdc, VMIR_TOKEN_ARRAY, {
    msgpack_pack_array(pk, 16);
    for (int k = 0; k < 16; k++) msgpack_pack_nil(pk);
  });
  CASE(0xdc, VMIR_TOKEN_ARRAY, {
    msgpack_pack_array(pk, 65535);
    for (int k = 0; k < 65535; k++) msgpack_pack_int(pk, k);
  });
  CASE(0xdd, VMIR_TOKEN_ARRAY, {
    msgpack_pack_array(pk, 65536);
    for (int k = 0; k < 65536; k++) msgpack_pack_true(pk);
  });
  CASE(0x80, VMIR_TOKEN_OBJECT, msgpack_pack_map(pk, 0));
  CASE(0x8f, VMIR_TOKEN_OBJECT, {
    msgpack_pack_map(pk, 15);
    for (int k = 0; k < 15; k++) {
      pk_str(p, (size_t)k);
      msgpack_pack_int(pk, k);
    }
  });
  CASE(0xde, VMIR_TOKEN_OBJECT, {
    msgpack_pack_map(pk, 16);
    for (int k = 0; k < 16; k++) {
      pk_str(p, (size_t)k + 1);
      pk_bin(p, (size_t)k);
    }
  });
  CASE(0xdf, VMIR_TOKEN_OBJECT, {
    msgpack_pack_map(pk, 65536);
    for (int k = 0; k < 65536; k++) {
      char key[16];
      int n = snprintf(key, sizeof key, "k%d", k);
      msgpack_pack_str(pk, (size_t)n);
      msgpack_pack_str_body(pk, key, (size_t)n);
      msgpack_pack_double(pk, k * 0.5);
    }
  });
#undef CASE
  return false;
}

START_TEST(test_every_type_and_size_class) {
  size_t n = 0;
  for (size_t i = 0;; i++) {
    packed p;
    pk_init(&p);
    sized_case c;
    if (!pack_case(i, &p, &c)) {
      pk_free(&p);
      break;
    }
    const uint8_t *data = (const uint8_t *)p.sb.data;
    ck_assert_msg(data[0] == c.lead, "case %zu: msgpack-c wrote 0x%02x, expected 0x%02x", i,
                  data[0], c.lead);
    vmir_arena_reset(&arena);
    ck_same_as_msgpack_c(data, p.sb.size);
    vmir_token_class cls;
    ck_ok(vmir_msgpack_peek_token(mp(data, p.sb.size), &cls, &err));
    ck_assert_int_eq(cls, c.cls);
    ck_assert_uint_eq(src.pos, 0);
    pk_free(&p);
    n++;
  }
  ck_assert_uint_eq(n, 59);
}
END_TEST

/* ---- scalar builtins ---------------------------------------------------- */

START_TEST(test_read_number) {
  static const struct { uint8_t bytes[9]; size_t len; vmir_scalar_type type; uint64_t u; int64_t i; } ints[] = {
      {{0x00}, 1, VMIR_SCALAR_UINT, 0, 0},
      {{0x7f}, 1, VMIR_SCALAR_UINT, 127, 0},
      {{0xcc, 0xff}, 2, VMIR_SCALAR_UINT, 255, 0},
      {{0xcd, 0x01, 0x00}, 3, VMIR_SCALAR_UINT, 256, 0},
      {{0xce, 0xff, 0xff, 0xff, 0xff}, 5, VMIR_SCALAR_UINT, UINT32_MAX, 0},
      {{0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 9, VMIR_SCALAR_UINT, UINT64_MAX, 0},
      {{0xe0}, 1, VMIR_SCALAR_INT, 0, -32},
      {{0xff}, 1, VMIR_SCALAR_INT, 0, -1},
      {{0xd0, 0x80}, 2, VMIR_SCALAR_INT, 0, -128},
      {{0xd0, 0x7f}, 2, VMIR_SCALAR_UINT, 127, 0},   /* non-negative: UINT */
      {{0xd1, 0x80, 0x00}, 3, VMIR_SCALAR_INT, 0, INT16_MIN},
      {{0xd1, 0x00, 0x00}, 3, VMIR_SCALAR_UINT, 0, 0},
      {{0xd2, 0x80, 0x00, 0x00, 0x00}, 5, VMIR_SCALAR_INT, 0, INT32_MIN},
      {{0xd2, 0xff, 0xff, 0xff, 0xfe}, 5, VMIR_SCALAR_INT, 0, -2},
      {{0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0}, 9, VMIR_SCALAR_INT, 0, INT64_MIN},
      {{0xd3, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 9, VMIR_SCALAR_UINT, INT64_MAX, 0},
  };
  for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
    vmir_scalar s;
    ck_ok(vmir_msgpack_read_number(mp(ints[k].bytes, ints[k].len), &s, &err));
    ck_assert_uint_eq(src.pos, ints[k].len);
    ck_assert_msg(s.type == ints[k].type, "case %zu: type %d", k, (int)s.type);
    if (s.type == VMIR_SCALAR_UINT) ck_assert_uint_eq(s.as.u64, ints[k].u);
    else ck_assert_int_eq(s.as.i64, ints[k].i);
    ck_assert(!s.is_f32);
  }
  vmir_scalar s;
  ck_ok(vmir_msgpack_read_number(mp(BYTES(0xca, 0x3d, 0xcc, 0xcc, 0xcd)), &s, &err));
  ck_assert_int_eq(s.type, VMIR_SCALAR_FLOAT);
  ck_assert(s.is_f32);
  ck_assert(s.as.f64 == (double)0.1f);
  ck_ok(vmir_msgpack_read_number(mp(BYTES(0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a)),
                                 &s, &err));
  ck_assert(!s.is_f32);
  ck_assert(s.as.f64 == 0.1);
  ck_ok(vmir_msgpack_read_number(mp(BYTES(0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0)), &s, &err));
  ck_assert(isnan(s.as.f64));
  ck_fails(vmir_msgpack_read_number(mp(BYTES(0xa1, 0x31)), &s, &err), VMIR_E_DECODE,
           "expected a number, found fixstr (0xa1)");
  ck_fails(vmir_msgpack_read_number(mp(BYTES(0xc0)), &s, &err), VMIR_E_DECODE,
           "expected a number, found nil (0xc0)");
  ck_fails(vmir_msgpack_read_number(mp(BYTES(0xcd, 0x01)), &s, &err), VMIR_E_DECODE,
           "unexpected end of input: expected 1 more byte for uint 16 (0xcd)");
  ck_fails(vmir_msgpack_read_number(mp(BYTES(0xcb, 0x01)), &s, &err), VMIR_E_DECODE,
           "unexpected end of input: expected 7 more bytes for float 64 (0xcb)");
  ck_fails(vmir_msgpack_read_number(mp(NULL, 0), &s, &err), VMIR_E_DECODE,
           "unexpected end of input: expected 1 more byte for a number");
}
END_TEST

/* The MessagePack half of the closed builtin set: each scalar builtin reads
 * exactly its forms (the JSON half is checked in json_lex.c).
 * t[verify format.vm.builtins-extension-point] */
START_TEST(test_scalar_builtins) {
  vmir_scalar s;
  ck_ok(vmir_msgpack_read_bool(mp(BYTES(0xc3)), &s, &err));
  ck_assert(s.type == VMIR_SCALAR_BOOL && s.as.boolean);
  ck_ok(vmir_msgpack_read_bool(mp(BYTES(0xc2)), &s, &err));
  ck_assert(!s.as.boolean);
  ck_fails(vmir_msgpack_read_bool(mp(BYTES(0x01)), &s, &err), VMIR_E_DECODE,
           "expected true or false, found positive fixint (0x01)");
  ck_ok(vmir_msgpack_read_nil(mp(BYTES(0xc0)), &s, &err));
  ck_assert_int_eq(s.type, VMIR_SCALAR_NULL);
  ck_fails(vmir_msgpack_read_nil(mp(BYTES(0xc2)), &s, &err), VMIR_E_DECODE,
           "expected nil, found false (0xc2)");

  /* Named arrays where the result (a view) is looked at after the call. */
  static const uint8_t abc[] = {0xa3, 'a', 'b', 'c', 0xc0};
  static const uint8_t e_acute[] = {0xd9, 0x02, 0xc3, 0xa9};
  static const uint8_t bin2[] = {0xc4, 0x02, 0xff, 0x00};
  static const uint8_t id[] = {0xa2, 'i', 'd', 0x01};
  ck_ok(vmir_msgpack_read_string(mp(abc, sizeof abc), &s, &err));
  ck_assert(s.type == VMIR_SCALAR_STRING && s.as.string.len == 3);
  ck_assert_ptr_eq(s.as.string.ptr, (const char *)src.data + 1);  /* a view */
  ck_assert_uint_eq(src.pos, 4);
  ck_ok(vmir_msgpack_read_string(mp(e_acute, sizeof e_acute), &s, &err));
  ck_assert(s.as.string.len == 2 && memcmp(s.as.string.ptr, "\xc3\xa9", 2) == 0);
  ck_ok(vmir_msgpack_read_string(mp(BYTES(0xda, 0x00, 0x00)), &s, &err));
  ck_assert_uint_eq(s.as.string.len, 0);
  ck_ok(vmir_msgpack_read_string(mp(BYTES(0xdb, 0, 0, 0, 1, 'x')), &s, &err));
  ck_fails(vmir_msgpack_read_string(mp(BYTES(0xc4, 0x01, 'x')), &s, &err), VMIR_E_DECODE,
           "expected a string, found bin 8 (0xc4)");
  ck_fails(vmir_msgpack_read_string(mp(BYTES(0xa3, 'a')), &s, &err), VMIR_E_DECODE,
           "unexpected end of input: expected 2 more bytes for the fixstr payload of 3 bytes");
  ck_fails(vmir_msgpack_read_string(mp(BYTES(0xda, 0x01)), &s, &err), VMIR_E_DECODE,
           "unexpected end of input: expected 1 more byte for str 16 (0xda)");

  ck_ok(vmir_msgpack_read_bin(mp(bin2, sizeof bin2), &s, &err));
  ck_assert(s.type == VMIR_SCALAR_BYTES && s.as.bytes.len == 2 && s.as.bytes.ptr[0] == 0xff);
  ck_ok(vmir_msgpack_read_bin(mp(BYTES(0xc5, 0x00, 0x01, 0x80)), &s, &err));
  ck_ok(vmir_msgpack_read_bin(mp(BYTES(0xc6, 0, 0, 0, 0)), &s, &err));
  ck_assert_uint_eq(s.as.bytes.len, 0);
  ck_fails(vmir_msgpack_read_bin(mp(BYTES(0xa1, 'x')), &s, &err), VMIR_E_DECODE,
           "expected a bin, found fixstr (0xa1)");

  vmir_str key;
  ck_ok(vmir_msgpack_read_key(mp(id, sizeof id), &key, &err));
  ck_assert(key.len == 2 && memcmp(key.ptr, "id", 2) == 0);
  ck_fails(vmir_msgpack_read_key(mp(BYTES(0x01)), &key, &err), VMIR_E_DECODE,
           "expected a string map key, found positive fixint (0x01)");
  ck_fails(vmir_msgpack_read_key(mp(BYTES(0xc4, 0x00)), &key, &err), VMIR_E_DECODE,
           "expected a string map key, found bin 8 (0xc4)");
}
END_TEST

START_TEST(test_headers_and_peeks) {
  uint64_t count;
  ck_ok(vmir_msgpack_read_map_header(mp(BYTES(0x82, 0xa1, 'a', 1, 0xa1, 'b', 2)), &count, &err));
  ck_assert_uint_eq(count, 2);
  ck_assert_uint_eq(src.pos, 1);
  ck_ok(vmir_msgpack_read_map_header(mp(BYTES(0xde, 0x00, 0x01, 0xa0, 0xc0)), &count, &err));
  ck_assert_uint_eq(count, 1);
  ck_assert_uint_eq(src.pos, 3);
  ck_ok(vmir_msgpack_read_map_header(mp(BYTES(0xdf, 0, 0, 0, 0)), &count, &err));
  ck_assert_uint_eq(count, 0);
  ck_fails(vmir_msgpack_read_map_header(mp(BYTES(0x91, 0xc0)), &count, &err), VMIR_E_DECODE,
           "expected a map, found fixarray (0x91)");
  ck_fails(vmir_msgpack_read_map_header(mp(BYTES(0xde, 0x00)), &count, &err), VMIR_E_DECODE,
           "unexpected end of input: expected 1 more byte for map 16 (0xde)");
  ck_fails(vmir_msgpack_read_map_header(mp(BYTES(0x82, 0xa1, 'a', 1)), &count, &err),
           VMIR_E_DECODE, "fixmap header declares 2 entries but only 3 bytes remain");

  ck_ok(vmir_msgpack_read_array_header(mp(BYTES(0x93, 1, 2, 3)), &count, &err));
  ck_assert_uint_eq(count, 3);
  ck_ok(vmir_msgpack_read_array_header(mp(BYTES(0xdc, 0x00, 0x02, 1, 2)), &count, &err));
  ck_assert_uint_eq(count, 2);
  ck_ok(vmir_msgpack_read_array_header(mp(BYTES(0xdd, 0, 0, 0, 1, 0xc0)), &count, &err));
  ck_assert_uint_eq(count, 1);
  ck_fails(vmir_msgpack_read_array_header(mp(BYTES(0x81, 0xa0, 0xc0)), &count, &err),
           VMIR_E_DECODE, "expected an array, found fixmap (0x81)");
  ck_fails(vmir_msgpack_read_array_header(mp(NULL, 0), &count, &err), VMIR_E_DECODE,
           "unexpected end of input: expected 1 more byte for an array");

  bool is_nil;
  ck_ok(vmir_msgpack_peek_nil(mp(BYTES(0xc0, 0x01)), &is_nil, &err));
  ck_assert(is_nil);
  ck_assert_uint_eq(src.pos, 1);
  ck_ok(vmir_msgpack_peek_nil(mp(BYTES(0x01)), &is_nil, &err));
  ck_assert(!is_nil);
  ck_assert_uint_eq(src.pos, 0);
  ck_fails(vmir_msgpack_peek_nil(mp(NULL, 0), &is_nil, &err), VMIR_E_DECODE,
           "unexpected end of input");

  vmir_token_class cls;
  ck_fails(vmir_msgpack_peek_token(mp(NULL, 0), &cls, &err), VMIR_E_DECODE,
           "unexpected end of input: expected 1 more byte for a value");
  ck_fails(vmir_msgpack_peek_token(mp(BYTES(0xc1)), &cls, &err), VMIR_E_DECODE,
           "reserved byte 0xc1");
  /* ext is binary data: the bytes class, told from bin by peek-ext */
  ck_ok(vmir_msgpack_peek_token(mp(BYTES(0xd4, 0x01, 0x00)), &cls, &err));
  ck_assert_int_eq(cls, VMIR_TOKEN_BYTES);
  bool is_ext;
  ck_ok(vmir_msgpack_peek_ext(mp(BYTES(0xd4, 0x01, 0x00)), &is_ext, &err));
  ck_assert(is_ext);
  ck_assert_uint_eq(src.pos, 0);
  ck_ok(vmir_msgpack_peek_ext(mp(BYTES(0xc4, 0x00)), &is_ext, &err));
  ck_assert(!is_ext);
  ck_fails(vmir_msgpack_peek_ext(mp(NULL, 0), &is_ext, &err), VMIR_E_DECODE,
           "unexpected end of input");

  static const uint8_t one_nil[] = {0xc0};
  ck_assert_int_eq(vmir_msgpack_expect_end(mp(one_nil, 1), &err), VMIR_E_DECODE);
  src.pos = 1;
  ck_ok(vmir_msgpack_expect_end(&src, &err));
  ck_fails(vmir_msgpack_expect_end(mp(BYTES(0xc0, 0xc0, 0x01)), &err), VMIR_E_DECODE,
           "expected end of input, found 3 trailing bytes starting with nil (0xc0)");
}
END_TEST

/* ---- malformed input ----------------------------------------------------- */

START_TEST(test_reserved_rejected) {
  vmir_value v;
  ck_fails(vmir_msgpack_read_value(mp(BYTES(0xc1)), &arena, &v, &err), VMIR_E_DECODE,
           "reserved byte 0xc1");
  ck_fails(vmir_msgpack_read_value(mp(BYTES(0x92, 0x01, 0xc1)), &arena, &v, &err),
           VMIR_E_DECODE, "reserved byte 0xc1");
  ck_assert_uint_eq(err.offset, 2);
  ck_fails(vmir_msgpack_skip_value(mp(BYTES(0x81, 0xa0, 0xc1)), &arena, &err), VMIR_E_DECODE,
           "reserved byte 0xc1");
}
END_TEST

/* Every ext format, as msgpack-c writes it: read-value gives msgpack-c's
 * type and data, skip-value consumes as much, read-ext reads it into a
 * scalar, and a wrong kind or a cut anywhere is an error with the place. */
START_TEST(test_ext_every_width) {
  static const size_t ext_lens[] = {1, 2, 4, 8, 16, 0, 3, 255, 300, 65535, 70000};
  static const uint8_t ext_leads[] = {0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xc7, 0xc7, 0xc7,
                                      0xc8, 0xc8, 0xc9};
  static const int8_t types[] = {7, -1, -128, 127, 0};
  for (size_t k = 0; k < sizeof ext_lens / sizeof ext_lens[0]; k++) {
    int8_t type = types[k % 5];
    packed p;
    pk_init(&p);
    msgpack_pack_array(&p.pk, 1);
    char *body = malloc(ext_lens[k] + 1);
    for (size_t i = 0; i < ext_lens[k]; i++) body[i] = (char)(i * 7 + k);
    msgpack_pack_ext(&p.pk, ext_lens[k], type);
    msgpack_pack_ext_body(&p.pk, body, ext_lens[k]);
    const uint8_t *data = (const uint8_t *)p.sb.data;
    ck_assert_uint_eq(data[1], ext_leads[k]);
    ck_same_as_msgpack_c(data, p.sb.size);
    vmir_value v;
    ck_ok(vmir_msgpack_read_value(mp(data, p.sb.size), &arena, &v, &err));
    ck_assert_int_eq(v.as.array.items[0].type, VMIR_VALUE_EXT);
    ck_assert_int_eq(v.as.array.items[0].as.ext.type, type);
    ck_assert_uint_eq(v.as.array.items[0].as.ext.len, ext_lens[k]);
    /* read-value copies the data into the arena */
    ck_assert(ext_lens[k] == 0 || v.as.array.items[0].as.ext.data < data ||
              v.as.array.items[0].as.ext.data >= data + p.sb.size);
    vmir_token_class cls;
    src.pos = 1;
    ck_ok(vmir_msgpack_peek_token(&src, &cls, &err));
    ck_assert_int_eq(cls, VMIR_TOKEN_BYTES);
    vmir_scalar sc;
    ck_ok(vmir_msgpack_read_ext(&src, &sc, &err));
    ck_assert_int_eq(sc.type, VMIR_SCALAR_EXT);
    ck_assert_int_eq(sc.as.ext.type, type);
    ck_assert_uint_eq(sc.as.ext.len, ext_lens[k]);
    ck_assert(ext_lens[k] == 0 || memcmp(sc.as.ext.data, body, ext_lens[k]) == 0);
    ck_assert_uint_eq(src.pos, p.sb.size);
    /* every proper prefix inside the ext is truncated input, reported at
     * the end (a cut before it is the array header's count check) */
    for (size_t cut = 2; cut < p.sb.size; cut++) {
      /* long data: the header cuts and the last few (Check asserts are slow) */
      if (cut > 16 && cut + 16 < p.sb.size) cut = p.sb.size - 16;
      ck_fails(vmir_msgpack_read_value(mp(data, cut), &arena, &v, &err), VMIR_E_DECODE,
               "unexpected end of input");
      ck_assert_uint_eq(err.offset, cut);
      ck_fails(vmir_msgpack_skip_value(mp(data, cut), &arena, &err), VMIR_E_DECODE,
               "unexpected end of input");
    }
    free(body);
    pk_free(&p);
  }
  vmir_scalar sc;
  ck_fails(vmir_msgpack_read_ext(mp(BYTES(0xc4, 0x00)), &sc, &err), VMIR_E_DECODE,
           "expected an ext, found bin 8 (0xc4)");
  ck_fails(vmir_msgpack_read_bin(mp(BYTES(0xd4, 0x01, 0x00)), &sc, &err), VMIR_E_DECODE,
           "expected a bin, found fixext 1 (0xd4)");
  /* an ext 32 declaring more data than remains allocates nothing */
  vmir_value v;
  ck_fails(vmir_msgpack_read_value(mp(BYTES(0xc9, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00)), &arena,
                                   &v, &err),
           VMIR_E_DECODE, "ext 32 payload of 4294967295 bytes");
  ck_assert_uint_eq(err.offset, 7);
  /* the string limit bounds ext data too */
  vmir_source *limited = mp(BYTES(0xd6, 0x01, 1, 2, 3, 4));
  limited->string_limit = 2;
  ck_fails(vmir_msgpack_read_value(limited, &arena, &v, &err), VMIR_E_LIMIT,
           "ext data of 4 bytes is longer than the limit");
}
END_TEST

START_TEST(test_map_keys_must_be_strings) {
  vmir_value v;
  static const struct { const uint8_t bytes[8]; size_t len; const char *found; } bad[] = {
      {{0x81, 0x01, 0xc0}, 3, "positive fixint (0x01)"},
      {{0x81, 0xc0, 0xc0}, 3, "nil (0xc0)"},
      {{0x81, 0xc4, 0x01, 'k', 0xc0}, 5, "bin 8 (0xc4)"},
      {{0x81, 0x90, 0xc0}, 3, "fixarray (0x90)"},
      {{0x82, 0xa1, 'a', 0x01, 0xcb}, 5, NULL},  /* second key is a float, truncated */
      {{0x82, 0xa1, 'a', 0x01, 0xc3, 0x02}, 6, "true (0xc3)"},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    char needle[96];
    snprintf(needle, sizeof needle, "map key must be a string, found %s",
             bad[k].found ? bad[k].found : "");
    if (!bad[k].found) {
      ck_assert_int_eq(vmir_msgpack_read_value(mp(bad[k].bytes, bad[k].len), &arena, &v, &err),
                       VMIR_E_DECODE);
      continue;
    }
    ck_fails(vmir_msgpack_read_value(mp(bad[k].bytes, bad[k].len), &arena, &v, &err),
             VMIR_E_DECODE, needle);
    size_t at = err.offset;
    ck_fails(vmir_msgpack_skip_value(mp(bad[k].bytes, bad[k].len), &arena, &err),
             VMIR_E_DECODE, needle);
    ck_assert_uint_eq(err.offset, at);
  }
}
END_TEST

/* Declared lengths beyond the input are rejected before anything is
 * allocated: a 5-byte array32 header claiming 2^32-1 elements allocates
 * nothing. */
START_TEST(test_huge_declared_lengths) {
  vmir_value v;
  static const struct { uint8_t bytes[8]; size_t len; const char *needle; } bad[] = {
      {{0xdd, 0xff, 0xff, 0xff, 0xff}, 5,
       "array 32 header declares 4294967295 elements but only 0 bytes remain"},
      {{0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0, 0xc0, 0xc0}, 8,
       "array 32 header declares 4294967295 elements but only 3 bytes remain"},
      {{0xdf, 0xff, 0xff, 0xff, 0xff, 0xc0, 0xc0}, 7,
       "map 32 header declares 4294967295 entries but only 2 bytes remain"},
      {{0xdc, 0xff, 0xff, 0xc0}, 4, "array 16 header declares 65535 elements"},
      {{0xde, 0x00, 0x02, 0xa0, 0xc0, 0xa0}, 6, "map 16 header declares 2 entries but only 3"},
      {{0xdb, 0xff, 0xff, 0xff, 0xff, 'a'}, 6,
       "expected 4294967294 more bytes for the str 32 payload of 4294967295 bytes"},
      {{0xc6, 0x80, 0x00, 0x00, 0x00}, 5,
       "expected 2147483648 more bytes for the bin 32 payload"},
      {{0xc5, 0x01, 0x00, 0x01}, 4, "expected 255 more bytes for the bin 16 payload"},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    vmir_arena fresh;
    vmir_arena_init(&fresh, VMIR_ARENA_UNLIMITED);
    ck_fails(vmir_msgpack_read_value(mp(bad[k].bytes, bad[k].len), &fresh, &v, &err),
             VMIR_E_DECODE, bad[k].needle);
    ck_assert(strstr(err.message, "unexpected end of input") != NULL);
    ck_assert_uint_eq(vmir_arena_held(&fresh), 0);
    ck_fails(vmir_msgpack_skip_value(mp(bad[k].bytes, bad[k].len), &fresh, &err),
             VMIR_E_DECODE, bad[k].needle);
    ck_assert_uint_eq(vmir_arena_held(&fresh), 0);
    vmir_arena_free(&fresh);
  }
  /* Array allocation is bounded by the input: 100000 nils, one allocation
   * of 100000 values, no more. */
  size_t n = 100000;
  uint8_t *doc = malloc(n + 5);
  doc[0] = 0xdd;
  doc[1] = (uint8_t)(n >> 24);
  doc[2] = (uint8_t)(n >> 16);
  doc[3] = (uint8_t)(n >> 8);
  doc[4] = (uint8_t)n;
  memset(doc + 5, 0xc0, n);
  ck_ok(vmir_msgpack_read_value(mp(doc, n + 5), &arena, &v, &err));
  ck_assert_uint_eq(v.as.array.len, n);
  ck_assert_uint_lt(vmir_arena_held(&arena), n * sizeof(vmir_value) + 64 * 1024);
  free(doc);
}
END_TEST

START_TEST(test_invalid_utf8) {
  static const struct { uint8_t bytes[8]; size_t len; size_t at; } bad[] = {
      {{0xa2, 0xc0, 0xaf}, 3, 1},               /* overlong */
      {{0xa3, 0xed, 0xa0, 0x80}, 4, 1},         /* surrogate */
      {{0xa4, 0xf4, 0x90, 0x80, 0x80}, 5, 1},   /* > U+10FFFF */
      {{0xa2, 'a', 0x80}, 3, 2},                /* lone continuation */
      {{0xa2, 'a', 0xe2}, 3, 2},                /* truncated in the string */
      {{0xa1, 0xff}, 2, 1},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    vmir_scalar s;
    vmir_str key;
    vmir_value v;
    ck_fails(vmir_msgpack_read_string(mp(bad[k].bytes, bad[k].len), &s, &err), VMIR_E_DECODE,
             "invalid UTF-8 in a string");
    ck_assert_uint_eq(err.offset, bad[k].at);
    ck_fails(vmir_msgpack_read_key(mp(bad[k].bytes, bad[k].len), &key, &err), VMIR_E_DECODE,
             "invalid UTF-8");
    ck_fails(vmir_msgpack_read_value(mp(bad[k].bytes, bad[k].len), &arena, &v, &err),
             VMIR_E_DECODE, "invalid UTF-8");
    ck_fails(vmir_msgpack_skip_value(mp(bad[k].bytes, bad[k].len), &arena, &err),
             VMIR_E_DECODE, "invalid UTF-8");
  }
  /* bin is not text: any bytes. */
  vmir_scalar s;
  ck_ok(vmir_msgpack_read_bin(mp(BYTES(0xc4, 0x02, 0xc0, 0xaf)), &s, &err));
}
END_TEST

START_TEST(test_string_limit) {
  vmir_scalar s;
  mp(BYTES(0xa3, 'a', 'b', 'c'));
  src.string_limit = 3;
  ck_ok(vmir_msgpack_read_string(&src, &s, &err));
  mp(BYTES(0xa4, 'a', 'b', 'c', 'd'));
  src.string_limit = 3;
  ck_fails(vmir_msgpack_read_string(&src, &s, &err), VMIR_E_LIMIT,
           "string of 4 bytes is longer than the limit of 3 bytes");
  mp(BYTES(0xc4, 0x04, 1, 2, 3, 4));
  src.string_limit = 3;
  ck_fails(vmir_msgpack_read_bin(&src, &s, &err), VMIR_E_LIMIT, "bin of 4 bytes");
  vmir_value v;
  mp(BYTES(0x81, 0xa4, 'l', 'o', 'n', 'g', 0xc0));
  src.string_limit = 3;
  ck_fails(vmir_msgpack_read_value(&src, &arena, &v, &err), VMIR_E_LIMIT, "limit of 3 bytes");
}
END_TEST

START_TEST(test_depth_limit) {
  size_t n = 100000;
  uint8_t *doc = malloc(2 * n + 1);
  vmir_value v;
  /* 100000 nested one-element arrays: rejected at the limit. */
  memset(doc, 0x91, n);
  doc[n] = 0xc0;
  ck_fails(vmir_msgpack_read_value(mp(doc, n + 1), &arena, &v, &err), VMIR_E_LIMIT,
           "nesting deeper than 512 levels");
  ck_assert_uint_eq(err.offset, 512);
  ck_fails(vmir_msgpack_skip_value(mp(doc, n + 1), &arena, &err), VMIR_E_LIMIT,
           "nesting deeper than 512");
  /* Exactly 512 levels read; an empty container still counts as a level. */
  ck_ok(vmir_msgpack_read_value(mp(doc + n - 512, 513), &arena, &v, &err));
  ck_ok(vmir_msgpack_skip_value(mp(doc + n - 512, 513), &arena, &err));
  doc[n - 1] = 0x90;  /* the innermost array is empty */
  ck_ok(vmir_msgpack_read_value(mp(doc + n - 512, 512), &arena, &v, &err));
  ck_fails(vmir_msgpack_skip_value(mp(doc + n - 513, 513), &arena, &err), VMIR_E_LIMIT,
           "nesting deeper than 512");
  ck_fails(vmir_msgpack_read_value(mp(doc + n - 513, 513), &arena, &v, &err), VMIR_E_LIMIT,
           "nesting deeper than 512");
  /* Nested maps {"": {"": ...}}. */
  for (size_t i = 0; i < n; i++) {
    doc[2 * i] = 0x81;
    doc[2 * i + 1] = 0xa0;
  }
  doc[2 * n] = 0xc0;
  ck_fails(vmir_msgpack_read_value(mp(doc, 2 * n + 1), &arena, &v, &err), VMIR_E_LIMIT,
           "nesting deeper than 512");
  ck_fails(vmir_msgpack_skip_value(mp(doc, 2 * n + 1), &arena, &err), VMIR_E_LIMIT,
           "nesting deeper than 512");
  mp(BYTES(0x91, 0x91, 0xc0));
  src.depth_limit = 1;
  ck_fails(vmir_msgpack_read_value(&src, &arena, &v, &err), VMIR_E_LIMIT,
           "nesting deeper than 1 levels");
  free(doc);
}
END_TEST

/* ---- random documents, and every truncation of them ---------------------- */

static uint64_t rng_state = 0x243F6A8885A308D3u;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void pack_random(packed *p, int depth) {
  msgpack_packer *pk = &p->pk;
  int pick = (int)(rng() % (depth < 4 ? 14 : 11));
  switch (pick) {
    case 0: msgpack_pack_nil(pk); break;
    case 1: if (rng() & 1) msgpack_pack_true(pk); else msgpack_pack_false(pk); break;
    case 2: {
      uint64_t shift = rng() % 64;  /* one call per statement: a fixed sequence */
      msgpack_pack_uint64(pk, rng() >> shift);
      break;
    }
    case 3: {
      uint64_t shift = 1 + rng() % 63;
      msgpack_pack_int64(pk, -(int64_t)(rng() >> shift) - 1);
      break;
    }
    case 4: msgpack_pack_fix_int32(pk, (int32_t)(uint32_t)rng()); break;
    case 5: msgpack_pack_float(pk, (float)(rng() % 100000) / 7.0f); break;
    case 6: msgpack_pack_double(pk, (double)(int64_t)rng() / 3.0); break;
    case 7: pk_str(p, rng() % 40); break;
    case 8: pk_str(p, 200 + rng() % 100); break;
    case 9: pk_bin(p, rng() % 20); break;
    case 10: msgpack_pack_fix_uint16(pk, (uint16_t)rng()); break;
    case 11:
    case 12: {
      size_t n = rng() % 20;
      msgpack_pack_array(pk, n);
      for (size_t i = 0; i < n; i++) pack_random(p, depth + 1);
      break;
    }
    default: {
      size_t n = rng() % 18;
      msgpack_pack_map(pk, n);
      for (size_t i = 0; i < n; i++) {
        pk_str(p, rng() % 12);
        pack_random(p, depth + 1);
      }
      break;
    }
  }
}

START_TEST(test_random_documents_and_truncations) {
  size_t truncations = 0;
  for (int iter = 0; iter < 300; iter++) {
    packed p;
    pk_init(&p);
    pack_random(&p, 0);
    const uint8_t *data = (const uint8_t *)p.sb.data;
    size_t len = p.sb.size;
    vmir_arena_reset(&arena);
    ck_same_as_msgpack_c(data, len);
    if (len <= 4096) {
      /* MessagePack is self-delimiting: no proper prefix of a value is a
       * value, so every prefix must be rejected, as truncated. */
      for (size_t cut = 0; cut < len; cut++) {
        vmir_value v;
        vmir_arena_pos mark = vmir_arena_mark(&arena);
        vmir_status st = vmir_msgpack_read_value(mp(data, cut), &arena, &v, &err);
        ck_assert_msg(st == VMIR_E_DECODE, "prefix %zu of %zu accepted", cut, len);
        ck_assert_msg(strstr(err.message, "unexpected end of input"), "prefix %zu: %s", cut,
                      err.message);
        vmir_arena_pos after = vmir_arena_mark(&arena);
        ck_assert_ptr_eq(after.ptr, mark.ptr);  /* the failed read released its memory */
        ck_assert_int_eq(vmir_msgpack_skip_value(mp(data, cut), &arena, &err), VMIR_E_DECODE);
        truncations++;
      }
    }
    pk_free(&p);
  }
  printf("msgpack_lex: 300 random documents, %zu truncations rejected\n", truncations);
}
END_TEST

/* t[verify format.parse.error-token-context] */
START_TEST(test_error_token_context) {
  vmir_value v;
  const uint8_t doc[] = {0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0xcd, 0x01};
  ck_fails(vmir_msgpack_read_value(mp(doc, sizeof doc), &arena, &v, &err), VMIR_E_DECODE, "");
  ck_assert_str_eq(err.message,
                   "offset 8: unexpected end of input: expected 1 more byte for uint 16 "
                   "(0xcd) near \u00ab82 a1 61 01 a1 62 cd 01 \u2038\u00bb");
  ck_assert_uint_eq(err.offset, 8);
  ck_assert_int_eq(err.has_offset, 1);
  ck_assert_int_eq(err.code, VMIR_E_DECODE);
  /* Long inputs: eight bytes either side, cut marks. */
  uint8_t arr[40];
  arr[0] = 0xdc;
  arr[1] = 0x00;
  arr[2] = 37;
  for (int i = 3; i < 40; i++) arr[i] = (uint8_t)(i - 3);
  arr[20] = 0xc1;
  ck_fails(vmir_msgpack_read_value(mp(arr, sizeof arr), &arena, &v, &err), VMIR_E_DECODE,
           "offset 20: reserved byte 0xc1 (never used in MessagePack) near "
           "\u00ab\u202609 0a 0b 0c 0d 0e 0f 10 \u2038c1 12 13 14 15 16 17 18\u2026\u00bb");
  uint64_t count;
  ck_fails(vmir_msgpack_read_array_header(mp(BYTES(0x01, 0x92)), &count, &err), VMIR_E_DECODE,
           "offset 0: expected an array, found positive fixint (0x01) near \u00ab\u203801 92\u00bb");
}
END_TEST

/* One reader on buf[0..len) with the string limit `limit`: its status,
 * and on success its cursor, value and count; on failure its message. */
typedef struct read_outcome {
  vmir_status st;
  size_t pos;
  vmir_scalar scalar;
  vmir_str key;
  uint64_t count;
  char message[sizeof err.message];
} read_outcome;

enum reader { READ_NUMBER, READ_STRING, READ_KEY, READ_MAP, READ_ARRAY, READERS };

static read_outcome run_reader(enum reader r, const uint8_t *buf, size_t len, size_t limit) {
  read_outcome o;
  memset(&o, 0, sizeof o);
  vmir_source *s = mp(buf, len);
  s->string_limit = limit;
  switch (r) {
    case READ_NUMBER: o.st = vmir_msgpack_read_number(s, &o.scalar, &err); break;
    case READ_STRING: o.st = vmir_msgpack_read_string(s, &o.scalar, &err); break;
    case READ_KEY: o.st = vmir_msgpack_read_key(s, &o.key, &err); break;
    case READ_MAP: o.st = vmir_msgpack_read_map_header(s, &o.count, &err); break;
    case READ_ARRAY: o.st = vmir_msgpack_read_array_header(s, &o.count, &err); break;
    case READERS: break;
  }
  o.pos = s->pos;
  snprintf(o.message, sizeof o.message, "%s", o.st == VMIR_OK ? "" : err.message);
  return o;
}

/* The readers' inline paths (a fixstr, fixints, a whole float64, fixmap
 * and fixarray headers; format/msgpack_lex.c) against the item reader
 * they stand in for: every leading byte, followed by bytes cut at every
 * length, valid UTF-8 or not, with a string limit below and above the
 * fixstr lengths. The reader of the byte's kind gives the item's status,
 * cursor and value, or its error word for word; the other readers fail
 * with nothing consumed.
 * t[verify format.vm.builtins-extension-point] */
START_TEST(test_inline_paths_match_the_item_reader) {
  static const mp_kind kind_of_reader[READERS] = {MP_UINT, MP_STR, MP_STR, MP_MAP, MP_ARRAY};
  uint8_t buf[40];
  size_t checked = 0;
  for (int lead = 0; lead < 256; lead++) {
    for (int bad_utf8 = 0; bad_utf8 < 2; bad_utf8++) {
      for (size_t limit = 4; limit <= 64; limit += 60) {
        for (size_t len = 1; len <= sizeof buf; len++) {
          buf[0] = (uint8_t)lead;
          for (size_t i = 1; i < sizeof buf; i++) buf[i] = (uint8_t)('a' + i % 26);
          if (bad_utf8) buf[2] = 0xff;
          vmir_source *s = mp(buf, len);
          s->string_limit = limit;
          mp_item it;
          vmir_status want = vmir_mp_read_item(s, &it, &err);
          size_t want_pos = s->pos;
          char want_message[sizeof err.message];
          snprintf(want_message, sizeof want_message, "%s", want == VMIR_OK ? "" : err.message);
          mp_kind kind = vmir_mp_kind_of(buf[0]);
          for (int r = 0; r < READERS; r++) {
            read_outcome got = run_reader((enum reader)r, buf, len, limit);
            bool numeric = kind == MP_UINT || kind == MP_INT || kind == MP_FLOAT;
            bool mine = r == READ_NUMBER ? numeric : kind == kind_of_reader[r];
            if (!mine) {
              ck_assert_msg(got.st != VMIR_OK && got.pos == 0, "reader %d took lead 0x%02x", r, lead);
              continue;
            }
            checked++;
            ck_assert_msg(got.st == want, "reader %d, lead 0x%02x, %zu bytes: status %d, item %d", r,
                          lead, len, (int)got.st, (int)want);
            if (want != VMIR_OK) {
              ck_assert_str_eq(got.message, want_message);
              continue;
            }
            ck_assert_uint_eq(got.pos, want_pos);
            if (r == READ_NUMBER && kind == MP_FLOAT) {
              ck_assert_int_eq(got.scalar.type, VMIR_SCALAR_FLOAT);
              ck_assert(memcmp(&got.scalar.as.f64, &it.v.f, sizeof it.v.f) == 0);
              ck_assert_int_eq(got.scalar.is_f32, it.is_f32);
            } else if (r == READ_NUMBER) {
              ck_assert_int_eq(got.scalar.type, it.negative ? VMIR_SCALAR_INT : VMIR_SCALAR_UINT);
              ck_assert(it.negative ? got.scalar.as.i64 == it.v.i : got.scalar.as.u64 == it.v.u);
            } else if (r == READ_STRING) {
              ck_assert_ptr_eq(got.scalar.as.string.ptr, (const char *)buf + it.data);
              ck_assert_uint_eq(got.scalar.as.string.len, it.count);
            } else if (r == READ_KEY) {
              ck_assert_ptr_eq(got.key.ptr, (const char *)buf + it.data);
              ck_assert_uint_eq(got.key.len, it.count);
            } else {
              ck_assert_uint_eq(got.count, it.count);
            }
          }
        }
      }
    }
  }
  ck_assert_uint_gt(checked, 10000);
}
END_TEST

static Suite *msgpack_lex_suite(void) {
  Suite *s = suite_create("msgpack_lex");
  TCase *tc = tcase_create("builtins");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_every_type_and_size_class);
  tcase_add_test(tc, test_read_number);
  tcase_add_test(tc, test_scalar_builtins);
  tcase_add_test(tc, test_headers_and_peeks);
  tcase_add_test(tc, test_reserved_rejected);
  tcase_add_test(tc, test_ext_every_width);
  tcase_add_test(tc, test_map_keys_must_be_strings);
  tcase_add_test(tc, test_huge_declared_lengths);
  tcase_add_test(tc, test_invalid_utf8);
  tcase_add_test(tc, test_string_limit);
  tcase_add_test(tc, test_depth_limit);
  tcase_add_test(tc, test_random_documents_and_truncations);
  tcase_add_test(tc, test_error_token_context);
  tcase_add_test(tc, test_inline_paths_match_the_item_reader);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return vmir_test_run(msgpack_lex_suite(), "msgpack_lex"); }
