/* Decoding one MessagePack item: the leading byte, its length fields and,
 * for str and bin, the payload. Everything is bounds-checked against the
 * remaining input before it is read, and declared lengths and counts are
 * checked before any caller can allocate for them. */
#include <stdio.h>
#include <string.h>

#include "format/msgpack_internal.h"
#include "format/utf8.h"
#include "util/big_endian.h"

const char *vmir_mp_format_name(uint8_t b) {
  if (b <= 0x7f) return "positive fixint";
  if (b <= 0x8f) return "fixmap";
  if (b <= 0x9f) return "fixarray";
  if (b <= 0xbf) return "fixstr";
  if (b >= 0xe0) return "negative fixint";
  static const char *const names[] = {
      "nil", "never used", "false", "true", "bin 8", "bin 16", "bin 32",
      "ext 8", "ext 16", "ext 32", "float 32", "float 64", "uint 8", "uint 16",
      "uint 32", "uint 64", "int 8", "int 16", "int 32", "int 64", "fixext 1",
      "fixext 2", "fixext 4", "fixext 8", "fixext 16", "str 8", "str 16",
      "str 32", "array 16", "array 32", "map 16", "map 32"};
  return names[b - 0xc0];
}

vmir_status vmir_mp_truncated(const vmir_source *src, vmir_error *err, size_t missing,
                              const char *what) {
  return vmir_source_fail(src, err, VMIR_E_DECODE, src->len,
                          "unexpected end of input: expected %zu more byte%s for %s",
                          missing, missing == 1 ? "" : "s", what);
}

vmir_status vmir_mp_expected(const vmir_source *src, vmir_error *err, const char *what) {
  if (src->pos >= src->len) return vmir_mp_truncated(src, err, 1, what);
  uint8_t b = src->data[src->pos];
  return vmir_source_fail(src, err, VMIR_E_DECODE, src->pos,
                          "expected %s, found %s (0x%02x)", what, vmir_mp_format_name(b),
                          b);
}

/* Big-endian unsigned integer of n bytes (1, 2, 4 or 8). */
static uint64_t be(const uint8_t *p, size_t n) {
  switch (n) {
    case 1: return p[0];
    case 2: return vmir_load_be16(p);
    case 4: return vmir_load_be32(p);
    case 8: return vmir_load_be64(p);
  }
  uint64_t v = 0; /* (no format has other widths) */
  for (size_t i = 0; i < n; i++) v = (v << 8) | p[i];
  return v;
}

/* A two's-complement value of n bytes as int64, without implementation-
 * defined conversions: negative values are -(~u & mask) - 1. */
static int64_t be_signed(const uint8_t *p, size_t n, bool *negative) {
  uint64_t u = be(p, n);
  uint64_t sign = UINT64_C(1) << (8 * n - 1);
  uint64_t mask = n == 8 ? UINT64_MAX : (sign << 1) - 1;
  *negative = (u & sign) != 0;
  if (!*negative) return (int64_t)u;
  return -(int64_t)(~u & mask) - 1;
}

/* Needs n bytes from `at` (the leading byte's offset) for the format b. */
static vmir_status need(const vmir_source *src, size_t at, size_t n, uint8_t b,
                        vmir_error *err) {
  if (src->len - at >= n) return VMIR_OK;
  char what[48];
  snprintf(what, sizeof what, "%s (0x%02x)", vmir_mp_format_name(b), b);
  return vmir_mp_truncated(src, err, n - (src->len - at), what);
}

/* Size of the length field that follows the leading byte of str, bin, ext,
 * array and map formats (0 for the fix* forms). */
static size_t length_field(uint8_t b) {
  switch (b) {
    case 0xc4: case 0xd9: case 0xc7: return 1;
    case 0xc5: case 0xda: case 0xdc: case 0xde: case 0xc8: return 2;
    case 0xc6: case 0xdb: case 0xdd: case 0xdf: case 0xc9: return 4;
    default: return 0;
  }
}

/* str/bin/ext: header of h bytes at `at` (ext: the type byte included),
 * payload of len bytes. */
static vmir_status read_payload(vmir_source *src, size_t at, size_t h, uint64_t len,
                                mp_item *it, vmir_error *err) {
  uint8_t b = src->data[at];
  size_t left = src->len - at - h;
  if (len > left) {
    char what[64];
    snprintf(what, sizeof what, "the %s payload of %llu bytes", vmir_mp_format_name(b),
             (unsigned long long)len);
    return vmir_mp_truncated(src, err, (size_t)(len - left), what);
  }
  if (len > src->string_limit)
    return vmir_source_fail(src, err, VMIR_E_LIMIT, at,
                            "%s of %llu bytes is longer than the limit of %zu bytes",
                            it->kind == MP_STR ? "string" : it->kind == MP_BIN ? "bin" : "ext data",
                            (unsigned long long)len, src->string_limit);
  it->data = at + h;
  it->count = len;
  if (it->kind == MP_STR) {
    size_t bad;
    if (!vmir_utf8_validate(src->data + it->data, (size_t)len, &bad))
      return vmir_source_fail(src, err, VMIR_E_DECODE, it->data + bad,
                              "invalid UTF-8 in a string at byte 0x%02x",
                              src->data[it->data + bad]);
  }
  src->pos = at + h + (size_t)len;
  return VMIR_OK;
}

/* array/map: every element takes at least one byte (a map entry two), so a
 * count beyond that is malformed; rejecting it here keeps callers from
 * allocating for elements that cannot exist. */
static vmir_status read_container(vmir_source *src, size_t at, size_t h, uint64_t count,
                                  mp_item *it, vmir_error *err) {
  size_t left = src->len - at - h;
  uint64_t min_bytes = it->kind == MP_MAP ? count * 2 : count;
  if (min_bytes > left) {
    uint8_t b = src->data[at];
    return vmir_source_fail(src, err, VMIR_E_DECODE, at,
                            "unexpected end of input: %s header declares %llu %s but "
                            "only %zu bytes remain", vmir_mp_format_name(b),
                            (unsigned long long)count,
                            it->kind == MP_MAP ? "entries" : "elements", left);
  }
  it->count = count;
  src->pos = at + h;
  return VMIR_OK;
}

vmir_status vmir_mp_read_item(vmir_source *src, mp_item *it, vmir_error *err) {
  const uint8_t *d = src->data;
  size_t at = src->pos;
  if (at >= src->len) return vmir_mp_truncated(src, err, 1, "a value");
  uint8_t b = d[at];
  vmir_status st;
  it->kind = vmir_mp_kind_of(b);
  it->is_f32 = false;
  it->negative = false;
  switch (it->kind) {
    case MP_NIL:
      src->pos = at + 1;
      return VMIR_OK;
    case MP_BOOL:
      it->v.b = b == 0xc3;
      src->pos = at + 1;
      return VMIR_OK;
    case MP_UINT: {
      if (b <= 0x7f) {
        it->v.u = b;
        src->pos = at + 1;
        return VMIR_OK;
      }
      size_t n = (size_t)1 << (b - 0xcc);  /* cc..cf: 1, 2, 4, 8 bytes */
      if ((st = need(src, at, 1 + n, b, err)) != VMIR_OK) return st;
      it->v.u = be(d + at + 1, n);
      src->pos = at + 1 + n;
      return VMIR_OK;
    }
    case MP_INT: {
      int64_t v;
      size_t n = 0;
      if (b >= 0xe0) {
        v = (int64_t)b - 256;  /* negative fixint: 111xxxxx */
      } else {
        n = (size_t)1 << (b - 0xd0);  /* d0..d3: 1, 2, 4, 8 bytes */
        if ((st = need(src, at, 1 + n, b, err)) != VMIR_OK) return st;
        bool neg;
        v = be_signed(d + at + 1, n, &neg);
      }
      /* Non-negative values read as unsigned, whatever the format, so
       * equal numbers compare equal however the writer encoded them. */
      it->negative = v < 0;
      if (v < 0) it->v.i = v;
      else it->v.u = (uint64_t)v;
      src->pos = at + 1 + n;
      return VMIR_OK;
    }
    case MP_FLOAT: {
      if (b == 0xca) {
        if ((st = need(src, at, 5, b, err)) != VMIR_OK) return st;
        uint32_t bits = (uint32_t)be(d + at + 1, 4);
        float f;
        _Static_assert(sizeof f == 4, "float must be IEEE binary32");
        memcpy(&f, &bits, 4);
        it->v.f = (double)f;  /* exact: every float is a double */
        it->is_f32 = true;
        src->pos = at + 5;
      } else {
        if ((st = need(src, at, 9, b, err)) != VMIR_OK) return st;
        uint64_t bits = be(d + at + 1, 8);
        double f;
        _Static_assert(sizeof f == 8, "double must be IEEE binary64");
        memcpy(&f, &bits, 8);
        it->v.f = f;
        src->pos = at + 9;
      }
      return VMIR_OK;
    }
    case MP_STR:
    case MP_BIN:
    case MP_ARRAY:
    case MP_MAP: {
      size_t h = length_field(b);
      uint64_t count;
      if (h == 0) {
        count = it->kind == MP_STR ? (uint64_t)(b & 0x1f) : (uint64_t)(b & 0x0f);
      } else {
        if ((st = need(src, at, 1 + h, b, err)) != VMIR_OK) return st;
        count = be(d + at + 1, h);
      }
      if (it->kind == MP_STR || it->kind == MP_BIN)
        return read_payload(src, at, 1 + h, count, it, err);
      return read_container(src, at, 1 + h, count, it, err);
    }
    case MP_EXT: {
      /* fixext 1/2/4/8/16 (d4..d8): the length is in the lead byte; ext
       * 8/16/32 (c7..c9): a length field. Then the type byte, then data. */
      size_t h = length_field(b);
      uint64_t len;
      if (h == 0) {
        len = (uint64_t)1 << (b - 0xd4);
      } else {
        if ((st = need(src, at, 1 + h, b, err)) != VMIR_OK) return st;
        len = be(d + at + 1, h);
      }
      if ((st = need(src, at, 1 + h + 1, b, err)) != VMIR_OK) return st;
      uint8_t type = d[at + 1 + h];
      it->ext_type = (int8_t)(type >= 0x80 ? (int)type - 256 : (int)type);
      return read_payload(src, at, 1 + h + 1, len, it, err);
    }
    case MP_RESERVED:
      break;
  }
  return vmir_source_fail(src, err, VMIR_E_DECODE, at,
                          "reserved byte 0xc1 (never used in MessagePack)");
}
