/* Struct completion: a field absent from the document is left zero (an
 * option none, a default) when it may be absent, else the struct is
 * incomplete. One rule for build.c's build-end-struct and its inline fast
 * path in generated code (exec/ops_build_inline.h). */
#ifndef VMIR_EXEC_BUILD_COMPLETE_H
#define VMIR_EXEC_BUILD_COMPLETE_H

#include <stdbool.h>

#include "vmir/shape.h"

static inline bool vmir_build_field_optional(const vmir_field *f) {
  return (f->flags & (VMIR_FIELD_SKIP | VMIR_FIELD_DEFAULT | VMIR_FIELD_SKIP_IF)) ||
         f->shape->kind == VMIR_KIND_OPTION;
}

#endif
