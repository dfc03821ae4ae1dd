/* Storing a decoded scalar into a destination of a given kind: the
 * conversions build-store makes, written once for build.c's action and
 * the inline fast path of generated code (exec/ops_build_inline.h). */
#ifndef VMIR_EXEC_BUILD_STORE_H
#define VMIR_EXEC_BUILD_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vmir/shape.h"
#include "vmir/sink.h"

static inline __attribute__((always_inline)) void vmir_build_write_uint(uint8_t *p, uint32_t width, uint64_t v) {
  switch (width) {
    case 1: { uint8_t x = (uint8_t)v; memcpy(p, &x, 1); break; }
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
  }
}

/* Stores the scalar s into p, a value of `kind` and `size` bytes, when it
 * is a plain store: a boolean, an integer in range, a float into an f64,
 * null into unit. False, with nothing written, for anything to report
 * (another type, out of range) and for what needs more than a store: a
 * conversion to floating point (build.c; generated code could not load
 * its constants), an arena copy (strings, bytes), a timestamp. */
static inline __attribute__((always_inline)) bool vmir_build_store_plain(vmir_kind kind, uint32_t size,
                                                                         const vmir_scalar *s,
                                                                         uint8_t *p) {
  switch (kind) {
    case VMIR_KIND_BOOL:
      if (s->type != VMIR_SCALAR_BOOL) return false;
      p[0] = s->as.boolean ? 1 : 0;
      return true;
    case VMIR_KIND_U8: case VMIR_KIND_U16: case VMIR_KIND_U32: case VMIR_KIND_U64: {
      uint64_t max = size == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
      if (s->type != VMIR_SCALAR_UINT || s->as.u64 > max) return false;
      vmir_build_write_uint(p, size, s->as.u64);
      return true;
    }
    case VMIR_KIND_I8: case VMIR_KIND_I16: case VMIR_KIND_I32: case VMIR_KIND_I64: {
      int64_t max = size == 8 ? INT64_MAX : (INT64_C(1) << (8 * size - 1)) - 1;
      int64_t min = -max - 1;
      if (s->type == VMIR_SCALAR_UINT && s->as.u64 <= (uint64_t)max)
        vmir_build_write_uint(p, size, s->as.u64);
      else if (s->type == VMIR_SCALAR_INT && s->as.i64 >= min && s->as.i64 <= max)
        vmir_build_write_uint(p, size, (uint64_t)s->as.i64);
      else
        return false;
      return true;
    }
    case VMIR_KIND_F64:
      if (s->type != VMIR_SCALAR_FLOAT) return false;
      memcpy(p, &s->as.f64, 8);
      return true;
    case VMIR_KIND_UNIT:
      return s->type == VMIR_SCALAR_NULL;
    default:
      return false;
  }
}

#endif
