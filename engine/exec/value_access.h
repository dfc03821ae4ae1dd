/* Reads of the user's value by shape. Every pointer dereference of user
 * memory in the interpreter goes through these helpers, inside the engine.
 * t[impl format.ir.exec-pointer-reads-in-engine] */
#ifndef VMIR_EXEC_VALUE_ACCESS_H
#define VMIR_EXEC_VALUE_ACCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vmir/shape.h"
#include "vmir/sink.h"

static inline uint64_t vmir_read_u(const uint8_t *p, uint32_t width) {
  switch (width) {
    case 1: return p[0];
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
  }
}

static inline int64_t vmir_read_i(const uint8_t *p, uint32_t width) {
  switch (width) {
    case 1: return (int8_t)p[0];
    case 2: { int16_t v; memcpy(&v, p, 2); return v; }
    case 4: { int32_t v; memcpy(&v, p, 4); return v; }
    default: { int64_t v; memcpy(&v, p, 8); return v; }
  }
}

static inline const uint8_t *vmir_read_ptr(const uint8_t *p) {
  const uint8_t *v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline vmir_list vmir_read_list(const uint8_t *p) {
  vmir_list v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline vmir_str vmir_read_str(const uint8_t *p) {
  vmir_str v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* Option presence: a non-zero flag byte, or a non-NULL pointer. */
static inline bool vmir_option_present(const vmir_shape *s, const uint8_t *p) {
  if (s->u.option.repr == VMIR_OPTION_FLAG) return p[s->u.option.flag_offset] != 0;
  return vmir_read_ptr(p) != NULL;
}

static inline const uint8_t *vmir_option_payload(const vmir_shape *s, const uint8_t *p) {
  if (s->u.option.repr == VMIR_OPTION_FLAG) return p + s->u.option.payload_offset;
  return vmir_read_ptr(p);
}

/* The active variant index of an enum value, or -1 for an unknown tag. */
static inline int64_t vmir_enum_variant(const vmir_shape *s, const uint8_t *p, int64_t *tag) {
  int64_t t = vmir_read_i(p + s->u.enumeration.tag_offset, s->u.enumeration.tag_width);
  if (tag) *tag = t;
  for (uint32_t v = 0; v < s->u.enumeration.count; v++)
    if (s->u.enumeration.variants[v].discriminant == t) return v;
  return -1;
}

/* Copies a scalar of the given kind and byte size out of the value; false
 * when the kind is not a scalar. With constant kind and size (generated
 * code specialised to a shape) the switch folds to one load. */
static inline __attribute__((always_inline)) bool vmir_read_scalar_as(vmir_kind kind, uint32_t size,
                                                                      const uint8_t *p,
                                                                      vmir_scalar *out) {
  out->is_f32 = false;
  switch (kind) {
    case VMIR_KIND_BOOL: out->type = VMIR_SCALAR_BOOL; out->as.boolean = p[0] != 0; return true;
    case VMIR_KIND_U8: case VMIR_KIND_U16: case VMIR_KIND_U32: case VMIR_KIND_U64:
      out->type = VMIR_SCALAR_UINT; out->as.u64 = vmir_read_u(p, size); return true;
    case VMIR_KIND_I8: case VMIR_KIND_I16: case VMIR_KIND_I32: case VMIR_KIND_I64:
      out->type = VMIR_SCALAR_INT; out->as.i64 = vmir_read_i(p, size); return true;
    case VMIR_KIND_F32: {
      float f;
      memcpy(&f, p, 4);
      out->type = VMIR_SCALAR_FLOAT; out->is_f32 = true; out->as.f64 = f;
      return true;
    }
    case VMIR_KIND_F64: memcpy(&out->as.f64, p, 8); out->type = VMIR_SCALAR_FLOAT; return true;
    case VMIR_KIND_UNIT: out->type = VMIR_SCALAR_NULL; return true;
    case VMIR_KIND_STRING:
      out->type = VMIR_SCALAR_STRING; out->as.string = vmir_read_str(p); return true;
    case VMIR_KIND_BYTES: {
      out->type = VMIR_SCALAR_BYTES;
      memcpy(&out->as.bytes, p, sizeof out->as.bytes);
      return true;
    }
    case VMIR_KIND_TIMESTAMP:
      out->type = VMIR_SCALAR_TIMESTAMP;
      memcpy(&out->as.timestamp, p, sizeof out->as.timestamp);
      return true;
    default: return false;
  }
}

/* Copies a scalar out of the value; false when the kind is not a scalar. */
static inline __attribute__((always_inline)) bool vmir_read_scalar(const vmir_shape *s, const uint8_t *p, vmir_scalar *out) {
  return vmir_read_scalar_as(s->kind, s->size, p, out);
}

/* Length of a string, bytes, list, array or map; false for other kinds. */
static inline bool vmir_read_length(const vmir_shape *s, const uint8_t *p, uint64_t *len) {
  switch (s->kind) {
    case VMIR_KIND_STRING: case VMIR_KIND_BYTES: case VMIR_KIND_LIST: case VMIR_KIND_MAP:
      *len = vmir_read_list(p).len;
      return true;
    case VMIR_KIND_ARRAY: *len = s->u.sequence.count; return true;
    default: return false;
  }
}

#endif
