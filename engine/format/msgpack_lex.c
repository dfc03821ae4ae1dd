/* The MessagePack builtins of docs/ir.md that read one token each.
 * Together with msgpack_item.c and msgpack_value.c they are the whole
 * MessagePack part of the closed builtin set: one function per msgpack-*
 * opcode, and nothing else in the engine knows MessagePack. */
/* t[impl format.vm.builtins-extension-point] */
#include <string.h>

#include "format/msgpack_internal.h"
#include "format/utf8.h"
#include "util/big_endian.h"

/* Checks the leading byte's kind before reading, so a wrong type reports
 * "expected X, found Y" rather than a failure inside Y's payload. */
static vmir_status read_kind(vmir_source *src, mp_kind want, const char *what,
                             mp_item *it, vmir_error *err) {
  if (src->pos < src->len && vmir_mp_kind_of(src->data[src->pos]) == want)
    return vmir_mp_read_item(src, it, err);
  return vmir_mp_expected(src, err, what);
}

/* A fixstr at the cursor whose bytes are in the input, within the string
 * limit and valid UTF-8 (the strings and names of most documents):
 * *s its bytes, consumed. Anything else, errors included, is the item
 * reader's (false, nothing consumed). */
static inline bool fixstr_at(vmir_source *src, vmir_str *s) {
  size_t p = src->pos, bad;
  if (p >= src->len || (src->data[p] & 0xe0) != 0xa0) return false;
  size_t n = src->data[p] & 0x1f;
  if (n >= src->len - p || n > src->string_limit || !vmir_utf8_validate(src->data + p + 1, n, &bad))
    return false;
  s->ptr = (const char *)src->data + p + 1;
  s->len = n;
  src->pos = p + 1 + n;
  return true;
}

/* A fixmap or fixarray header at the cursor (0x80 or 0x90 in the high
 * nibble: `base`) whose count of `per`-byte-minimum members fits in the
 * rest of the input: *count, consumed. Anything else is the item
 * reader's (false, nothing consumed). */
static inline bool fix_container_at(vmir_source *src, uint8_t base, size_t per, uint64_t *count) {
  size_t p = src->pos;
  if (p >= src->len || (src->data[p] & 0xf0) != base) return false;
  size_t n = src->data[p] & 0x0f;
  if (n * per > src->len - p - 1) return false;
  *count = n;
  src->pos = p + 1;
  return true;
}

/* A fixint or a whole float 64 at the cursor (canada's coordinates, most
 * small counts): *out, consumed. Anything else is the item reader's
 * (false, nothing consumed or written). */
static inline bool number_inline(vmir_source *src, vmir_scalar *out) {
  size_t p = src->pos;
  if (p >= src->len) return false;
  uint8_t b = src->data[p];
  if (b <= 0x7f) {
    out->type = VMIR_SCALAR_UINT;
    out->as.u64 = b;
    src->pos = p + 1;
  } else if (b >= 0xe0) {
    out->type = VMIR_SCALAR_INT;
    out->as.i64 = (int64_t)b - 256;
    src->pos = p + 1;
  } else if (b == 0xcb && src->len - p >= 9) {
    uint64_t bits = vmir_load_be64(src->data + p + 1);
    out->type = VMIR_SCALAR_FLOAT;
    memcpy(&out->as.f64, &bits, sizeof bits);
    src->pos = p + 9;
  } else {
    return false;
  }
  out->is_f32 = false;
  return true;
}

vmir_status vmir_msgpack_read_map_header(vmir_source *src, uint64_t *count,
                                         vmir_error *err) {
  if (fix_container_at(src, 0x80, 2, count)) return VMIR_OK;
  mp_item it;
  vmir_status st = read_kind(src, MP_MAP, "a map", &it, err);
  if (st == VMIR_OK) *count = it.count;
  return st;
}

vmir_status vmir_msgpack_read_array_header(vmir_source *src, uint64_t *count,
                                           vmir_error *err) {
  if (fix_container_at(src, 0x90, 1, count)) return VMIR_OK;
  mp_item it;
  vmir_status st = read_kind(src, MP_ARRAY, "an array", &it, err);
  if (st == VMIR_OK) *count = it.count;
  return st;
}

vmir_status vmir_msgpack_peek_nil(vmir_source *src, bool *is_nil, vmir_error *err) {
  if (src->pos >= src->len) return vmir_mp_truncated(src, err, 1, "a value");
  *is_nil = src->data[src->pos] == 0xc0;
  if (*is_nil) src->pos++;
  return VMIR_OK;
}

vmir_status vmir_msgpack_peek_token(vmir_source *src, vmir_token_class *cls,
                                    vmir_error *err) {
  if (src->pos >= src->len) return vmir_mp_truncated(src, err, 1, "a value");
  switch (vmir_mp_kind_of(src->data[src->pos])) {
    case MP_NIL: *cls = VMIR_TOKEN_NULL; return VMIR_OK;
    case MP_BOOL: *cls = VMIR_TOKEN_BOOL; return VMIR_OK;
    case MP_UINT: case MP_INT: case MP_FLOAT: *cls = VMIR_TOKEN_NUMBER; return VMIR_OK;
    case MP_STR: *cls = VMIR_TOKEN_STRING; return VMIR_OK;
    /* Binary data: bin, and ext (whose type says what it holds); a parse
     * program tells them apart with msgpack-peek-ext. */
    case MP_BIN: case MP_EXT: *cls = VMIR_TOKEN_BYTES; return VMIR_OK;
    case MP_ARRAY: *cls = VMIR_TOKEN_ARRAY; return VMIR_OK;
    case MP_MAP: *cls = VMIR_TOKEN_OBJECT; return VMIR_OK;
    case MP_RESERVED: break;
  }
  /* The item reader words this error. */
  mp_item it;
  return vmir_mp_read_item(src, &it, err);
}

vmir_status vmir_msgpack_read_key(vmir_source *src, vmir_str *key, vmir_error *err) {
  if (fixstr_at(src, key)) return VMIR_OK;
  mp_item it;
  vmir_status st = read_kind(src, MP_STR, "a string map key", &it, err);
  if (st != VMIR_OK) return st;
  key->ptr = (const char *)src->data + it.data;
  key->len = (size_t)it.count;
  return VMIR_OK;
}

vmir_status vmir_msgpack_read_bool(vmir_source *src, vmir_scalar *out, vmir_error *err) {
  mp_item it;
  vmir_status st = read_kind(src, MP_BOOL, "true or false", &it, err);
  if (st != VMIR_OK) return st;
  out->type = VMIR_SCALAR_BOOL;
  out->is_f32 = false;
  out->as.boolean = it.v.b;
  return VMIR_OK;
}

vmir_status vmir_msgpack_read_number(vmir_source *src, vmir_scalar *out,
                                     vmir_error *err) {
  if (number_inline(src, out)) return VMIR_OK;
  if (src->pos < src->len) {
    mp_kind k = vmir_mp_kind_of(src->data[src->pos]);
    if (k == MP_UINT || k == MP_INT || k == MP_FLOAT) {
      mp_item it;
      vmir_status st = vmir_mp_read_item(src, &it, err);
      if (st != VMIR_OK) return st;
      out->is_f32 = it.is_f32;
      if (k == MP_FLOAT) {
        out->type = VMIR_SCALAR_FLOAT;
        out->as.f64 = it.v.f;
      } else if (it.negative) {
        out->type = VMIR_SCALAR_INT;
        out->as.i64 = it.v.i;
      } else {
        out->type = VMIR_SCALAR_UINT;
        out->as.u64 = it.v.u;
      }
      return VMIR_OK;
    }
  }
  return vmir_mp_expected(src, err, "a number");
}

vmir_status vmir_msgpack_read_string(vmir_source *src, vmir_scalar *out,
                                     vmir_error *err) {
  if (fixstr_at(src, &out->as.string)) {
    out->type = VMIR_SCALAR_STRING;
    out->is_f32 = false;
    return VMIR_OK;
  }
  mp_item it;
  vmir_status st = read_kind(src, MP_STR, "a string", &it, err);
  if (st != VMIR_OK) return st;
  out->type = VMIR_SCALAR_STRING;
  out->is_f32 = false;
  out->as.string.ptr = (const char *)src->data + it.data;
  out->as.string.len = (size_t)it.count;
  return VMIR_OK;
}

vmir_status vmir_msgpack_read_bin(vmir_source *src, vmir_scalar *out, vmir_error *err) {
  mp_item it;
  vmir_status st = read_kind(src, MP_BIN, "a bin", &it, err);
  if (st != VMIR_OK) return st;
  out->type = VMIR_SCALAR_BYTES;
  out->is_f32 = false;
  out->as.bytes.ptr = src->data + it.data;
  out->as.bytes.len = (size_t)it.count;
  return VMIR_OK;
}

vmir_status vmir_msgpack_peek_ext(vmir_source *src, bool *is_ext, vmir_error *err) {
  if (src->pos >= src->len) return vmir_mp_truncated(src, err, 1, "a value");
  *is_ext = vmir_mp_kind_of(src->data[src->pos]) == MP_EXT;
  return VMIR_OK;
}

vmir_status vmir_msgpack_read_ext(vmir_source *src, vmir_scalar *out, vmir_error *err) {
  mp_item it;
  vmir_status st = read_kind(src, MP_EXT, "an ext", &it, err);
  if (st != VMIR_OK) return st;
  out->type = VMIR_SCALAR_EXT;
  out->is_f32 = false;
  out->as.ext = (vmir_ext){.data = src->data + it.data, .len = (uint32_t)it.count,
                           .type = it.ext_type};
  return VMIR_OK;
}

vmir_status vmir_msgpack_read_nil(vmir_source *src, vmir_scalar *out, vmir_error *err) {
  if (src->pos >= src->len || src->data[src->pos] != 0xc0)
    return vmir_mp_expected(src, err, "nil");
  src->pos++;
  out->type = VMIR_SCALAR_NULL;
  out->is_f32 = false;
  return VMIR_OK;
}

vmir_status vmir_msgpack_expect_end(vmir_source *src, vmir_error *err) {
  if (src->pos == src->len) return VMIR_OK;
  uint8_t b = src->data[src->pos];
  size_t left = src->len - src->pos;
  return vmir_source_fail(src, err, VMIR_E_DECODE, src->pos,
                          "expected end of input, found %zu trailing byte%s starting "
                          "with %s (0x%02x)", left, left == 1 ? "" : "s",
                          vmir_mp_format_name(b), b);
}
