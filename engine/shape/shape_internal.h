/* Internal helpers shared by the shape sources (validation, id, text form).
 * Not installed; users see only vmir/shape.h. */
#ifndef VMIR_SHAPE_INTERNAL_H
#define VMIR_SHAPE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmir/shape.h"

/* Leaf kinds have no sub-shapes and one fixed layout: the scalars, unit,
 * string, bytes and value. */
bool vmir_shape__is_leaf(vmir_kind kind);
/* The builtin shape of a leaf kind; NULL for composite or unknown kinds. */
const vmir_shape *vmir_shape__builtin(vmir_kind kind);
/* Leaf kind by its text name ("u32", "value", ...); false when not a leaf. */
bool vmir_shape__leaf_by_name(const char *name, size_t len, vmir_kind *out);

/* ---- Sub-shape iteration ------------------------------------------------
 * Every reference from a shape to a sub-shape, in canonical order: struct and
 * tuple fields; enum variants' fields (variant by variant); the payload of an
 * option; the target of a pointer; the element of a list or array; the value
 * of a map. Missing arrays (NULL with a count) yield nothing, so walking an
 * unvalidated shape stays memory-safe. */
typedef struct vmir_child_iter {
  const vmir_shape *shape;
  uint32_t variant, field;
} vmir_child_iter;

typedef struct vmir_child {
  const vmir_shape *shape;        /* may be NULL in unvalidated graphs */
  const vmir_field *field;        /* the field, for fields; else NULL */
  const vmir_variant *variant;    /* the variant, for enum fields; else NULL */
  const char *edge;               /* "element", "value", "payload", "target"
                                     for non-field references */
  bool inline_edge;               /* the child's bytes live inside the parent */
} vmir_child;

void vmir_child_iter_init(vmir_child_iter *it, const vmir_shape *shape);
bool vmir_child_iter_next(vmir_child_iter *it, vmir_child *out);

/* ---- Pointer map (open addressing), pointer -> uint32 ------------------- */
typedef struct vmir_ptrmap {
  const void **keys;
  uint32_t *vals;
  size_t cap, len;
} vmir_ptrmap;

void vmir_ptrmap_init(vmir_ptrmap *m);
void vmir_ptrmap_free(vmir_ptrmap *m);
/* Inserts or overwrites; false when an allocation failed. */
bool vmir_ptrmap_put(vmir_ptrmap *m, const void *key, uint32_t val);
bool vmir_ptrmap_get(const vmir_ptrmap *m, const void *key, uint32_t *val);

/* ---- Validation entry used by the text parser ----------------------------
 * Validates every graph reachable from `roots` in one walk. On failure,
 * `*bad` (when non-NULL) receives the shape the error is about, so that the
 * parser can point at the form that defined it. */
vmir_status vmir_shape__validate_roots(const vmir_shape *const *roots,
                                       size_t count, vmir_error *err,
                                       const vmir_shape **bad);

/* Fills `err` (may be NULL) with code and a formatted message. Returns code. */
vmir_status vmir_shape__fail(vmir_error *err, vmir_status code,
                             const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Whether `s` (len bytes) is well-formed UTF-8. */
bool vmir_shape__utf8_valid(const char *s, size_t len);

#endif
