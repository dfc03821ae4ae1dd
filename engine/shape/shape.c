/* Builtin leaf shapes, kind names, wire names and the small helpers shared by
 * the other shape sources (child iteration, pointer map, error filling). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shape/shape_internal.h"
#include "util/error_set.h"

#define LEAF(k, nm, T)                                                        \
  { .kind = (k), .name = (nm), .size = (uint32_t)sizeof(T),                   \
    .align = (uint32_t)_Alignof(T) }

const vmir_shape vmir_shape_bool = LEAF(VMIR_KIND_BOOL, "bool", bool);
const vmir_shape vmir_shape_u8 = LEAF(VMIR_KIND_U8, "u8", uint8_t);
const vmir_shape vmir_shape_u16 = LEAF(VMIR_KIND_U16, "u16", uint16_t);
const vmir_shape vmir_shape_u32 = LEAF(VMIR_KIND_U32, "u32", uint32_t);
const vmir_shape vmir_shape_u64 = LEAF(VMIR_KIND_U64, "u64", uint64_t);
const vmir_shape vmir_shape_i8 = LEAF(VMIR_KIND_I8, "i8", int8_t);
const vmir_shape vmir_shape_i16 = LEAF(VMIR_KIND_I16, "i16", int16_t);
const vmir_shape vmir_shape_i32 = LEAF(VMIR_KIND_I32, "i32", int32_t);
const vmir_shape vmir_shape_i64 = LEAF(VMIR_KIND_I64, "i64", int64_t);
const vmir_shape vmir_shape_f32 = LEAF(VMIR_KIND_F32, "f32", float);
const vmir_shape vmir_shape_f64 = LEAF(VMIR_KIND_F64, "f64", double);
/* Unit is zero-sized; alignment 1 like an empty Rust tuple. */
const vmir_shape vmir_shape_unit = {
    .kind = VMIR_KIND_UNIT, .name = "unit", .size = 0, .align = 1};
const vmir_shape vmir_shape_string = LEAF(VMIR_KIND_STRING, "string", vmir_str);
const vmir_shape vmir_shape_bytes = LEAF(VMIR_KIND_BYTES, "bytes", vmir_bytes);
const vmir_shape vmir_shape_value = LEAF(VMIR_KIND_VALUE, "value", vmir_value);
const vmir_shape vmir_shape_timestamp =
    LEAF(VMIR_KIND_TIMESTAMP, "timestamp", vmir_timestamp);

static const char *const kind_names[VMIR_KIND_COUNT] = {
    [VMIR_KIND_BOOL] = "bool",     [VMIR_KIND_U8] = "u8",
    [VMIR_KIND_U16] = "u16",       [VMIR_KIND_U32] = "u32",
    [VMIR_KIND_U64] = "u64",       [VMIR_KIND_I8] = "i8",
    [VMIR_KIND_I16] = "i16",       [VMIR_KIND_I32] = "i32",
    [VMIR_KIND_I64] = "i64",       [VMIR_KIND_F32] = "f32",
    [VMIR_KIND_F64] = "f64",       [VMIR_KIND_UNIT] = "unit",
    [VMIR_KIND_STRING] = "string", [VMIR_KIND_BYTES] = "bytes",
    [VMIR_KIND_STRUCT] = "struct", [VMIR_KIND_TUPLE] = "tuple",
    [VMIR_KIND_ENUM] = "enum",     [VMIR_KIND_OPTION] = "option",
    [VMIR_KIND_POINTER] = "pointer", [VMIR_KIND_LIST] = "list",
    [VMIR_KIND_ARRAY] = "array",   [VMIR_KIND_MAP] = "map",
    [VMIR_KIND_VALUE] = "value",   [VMIR_KIND_TIMESTAMP] = "timestamp",
};

const char *vmir_kind_name(vmir_kind kind) {
  /* The enum may hold any int when it comes from hostile data: compare as
   * unsigned so negative values are rejected too. */
  if ((unsigned)kind >= (unsigned)VMIR_KIND_COUNT) return "unknown";
  return kind_names[kind];
}

bool vmir_kind_is_scalar(vmir_kind kind) {
  /* Scalars reach a sink as one scalar event: numbers, bool, unit (null),
   * string, bytes and timestamp. `value` is a tree, not a scalar. */
  return (unsigned)kind <= (unsigned)VMIR_KIND_BYTES || kind == VMIR_KIND_TIMESTAMP;
}

const char *vmir_field_wire_name(const vmir_field *field) {
  if (!field) return NULL;
  return field->rename ? field->rename : field->name;
}

const char *vmir_variant_wire_name(const vmir_variant *variant) {
  if (!variant) return NULL;
  return variant->rename ? variant->rename : variant->name;
}

/* ---- Leaf kinds --------------------------------------------------------- */

bool vmir_shape__is_leaf(vmir_kind kind) {
  return vmir_kind_is_scalar(kind) || kind == VMIR_KIND_VALUE;
}

const vmir_shape *vmir_shape__builtin(vmir_kind kind) {
  switch (kind) {
    case VMIR_KIND_BOOL: return &vmir_shape_bool;
    case VMIR_KIND_U8: return &vmir_shape_u8;
    case VMIR_KIND_U16: return &vmir_shape_u16;
    case VMIR_KIND_U32: return &vmir_shape_u32;
    case VMIR_KIND_U64: return &vmir_shape_u64;
    case VMIR_KIND_I8: return &vmir_shape_i8;
    case VMIR_KIND_I16: return &vmir_shape_i16;
    case VMIR_KIND_I32: return &vmir_shape_i32;
    case VMIR_KIND_I64: return &vmir_shape_i64;
    case VMIR_KIND_F32: return &vmir_shape_f32;
    case VMIR_KIND_F64: return &vmir_shape_f64;
    case VMIR_KIND_UNIT: return &vmir_shape_unit;
    case VMIR_KIND_STRING: return &vmir_shape_string;
    case VMIR_KIND_BYTES: return &vmir_shape_bytes;
    case VMIR_KIND_VALUE: return &vmir_shape_value;
    case VMIR_KIND_TIMESTAMP: return &vmir_shape_timestamp;
    default: return NULL;
  }
}

bool vmir_shape__leaf_by_name(const char *name, size_t len, vmir_kind *out) {
  for (unsigned k = 0; k < (unsigned)VMIR_KIND_COUNT; k++) {
    if (!vmir_shape__is_leaf((vmir_kind)k)) continue;
    const char *kn = kind_names[k];
    if (strlen(kn) == len && memcmp(kn, name, len) == 0) {
      *out = (vmir_kind)k;
      return true;
    }
  }
  return false;
}

/* ---- Sub-shape iteration ------------------------------------------------ */

void vmir_child_iter_init(vmir_child_iter *it, const vmir_shape *shape) {
  it->shape = shape;
  it->variant = 0;
  it->field = 0;
}

/* Single-reference kinds: yields `child` once. */
static bool single_child(vmir_child_iter *it, vmir_child *out,
                         const vmir_shape *child, const char *edge,
                         bool inline_edge) {
  if (it->field > 0) return false;
  it->field = 1;
  out->shape = child;
  out->edge = edge;
  out->inline_edge = inline_edge;
  return true;
}

bool vmir_child_iter_next(vmir_child_iter *it, vmir_child *out) {
  const vmir_shape *s = it->shape;
  memset(out, 0, sizeof *out);
  if (!s) return false;
  switch (s->kind) {
    case VMIR_KIND_STRUCT:
    case VMIR_KIND_TUPLE: {
      if (!s->u.fields.fields || it->field >= s->u.fields.count) return false;
      const vmir_field *f = &s->u.fields.fields[it->field++];
      out->shape = f->shape;
      out->field = f;
      out->edge = f->name;
      out->inline_edge = true;
      return true;
    }
    case VMIR_KIND_ENUM: {
      const vmir_variant *vs = s->u.enumeration.variants;
      if (!vs) return false;
      while (it->variant < s->u.enumeration.count) {
        const vmir_variant *v = &vs[it->variant];
        if (v->fields && it->field < v->field_count) {
          const vmir_field *f = &v->fields[it->field++];
          out->shape = f->shape;
          out->field = f;
          out->variant = v;
          out->edge = f->name;
          out->inline_edge = true;
          return true;
        }
        it->variant++;
        it->field = 0;
      }
      return false;
    }
    case VMIR_KIND_OPTION:
      /* A flag option holds its payload inline; a nullable one points. */
      return single_child(it, out, s->u.option.payload, "payload",
                          s->u.option.repr != VMIR_OPTION_NULLABLE);
    case VMIR_KIND_POINTER:
      return single_child(it, out, s->u.pointer.target, "target", false);
    case VMIR_KIND_LIST:
      return single_child(it, out, s->u.sequence.element, "element", false);
    case VMIR_KIND_ARRAY:
      return single_child(it, out, s->u.sequence.element, "element", true);
    case VMIR_KIND_MAP:
      return single_child(it, out, s->u.map.value, "value", false);
    default:
      return false;
  }
}

/* ---- Pointer map -------------------------------------------------------- */

void vmir_ptrmap_init(vmir_ptrmap *m) { memset(m, 0, sizeof *m); }

void vmir_ptrmap_free(vmir_ptrmap *m) {
  free(m->keys);
  free(m->vals);
  memset(m, 0, sizeof *m);
}

static size_t ptr_hash(const void *p) {
  /* Fibonacci hashing of the address; low bits of pointers are mostly zero. */
  uint64_t x = (uint64_t)(uintptr_t)p;
  x ^= x >> 29;
  x *= UINT64_C(0x9e3779b97f4a7c15);
  return (size_t)(x >> 17);
}

static bool ptrmap_grow(vmir_ptrmap *m) {
  size_t cap = m->cap ? m->cap * 2 : 64;
  const void **keys = calloc(cap, sizeof *keys);
  uint32_t *vals = calloc(cap, sizeof *vals);
  if (!keys || !vals) {
    free(keys);
    free(vals);
    return false;
  }
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->keys[i]) continue;
    size_t j = ptr_hash(m->keys[i]) & (cap - 1);
    while (keys[j]) j = (j + 1) & (cap - 1);
    keys[j] = m->keys[i];
    vals[j] = m->vals[i];
  }
  free(m->keys);
  free(m->vals);
  m->keys = keys;
  m->vals = vals;
  m->cap = cap;
  return true;
}

bool vmir_ptrmap_put(vmir_ptrmap *m, const void *key, uint32_t val) {
  /* Keep the load under one half so probes stay short. */
  if ((m->len + 1) * 2 > m->cap && !ptrmap_grow(m)) return false;
  size_t j = ptr_hash(key) & (m->cap - 1);
  while (m->keys[j] && m->keys[j] != key) j = (j + 1) & (m->cap - 1);
  if (!m->keys[j]) m->len++;
  m->keys[j] = key;
  m->vals[j] = val;
  return true;
}

bool vmir_ptrmap_get(const vmir_ptrmap *m, const void *key, uint32_t *val) {
  if (m->cap == 0) return false;
  size_t j = ptr_hash(key) & (m->cap - 1);
  while (m->keys[j]) {
    if (m->keys[j] == key) {
      if (val) *val = m->vals[j];
      return true;
    }
    j = (j + 1) & (m->cap - 1);
  }
  return false;
}

/* ---- Errors and text checks --------------------------------------------- */

vmir_status vmir_shape__fail(vmir_error *err, vmir_status code,
                             const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmir_error_setv(err, code, fmt, ap);
  va_end(ap);
  return code;
}

bool vmir_shape__utf8_valid(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    unsigned c = p[i];
    size_t n;
    uint32_t cp;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; }
    else return false;
    if (len - i - 1 < n) return false;
    for (size_t k = 1; k <= n; k++) {
      if ((p[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}
