/* The stencil library: machine code of every stencil with its holes, as
 * stencil_gen extracted it from clang's objects at build time
 * (stencil_table.c, generated). */
#ifndef VMIR_STENCIL_TABLE_H
#define VMIR_STENCIL_TABLE_H

#include <stdint.h>

#include "stencil_ids.h"

typedef enum vmir_hole_kind {
#define H(kind, sym) VMIR_HOLE_##kind,
#include "holes.def"
#undef H
  VMIR_HOLE_HELPER,             /* address of a function of the library */
  VMIR_HOLE_KIND_COUNT
} vmir_hole_kind;

/* Only the address of a helper is stored: never called through this type. */
typedef void (*vmir_helper_addr)(void);

typedef struct vmir_stencil_hole {
  uint32_t offset;              /* of the 8-byte little-endian field in body */
  uint32_t kind;                /* vmir_hole_kind */
  int64_t addend;
  vmir_helper_addr helper;      /* VMIR_HOLE_HELPER */
} vmir_stencil_hole;

typedef struct vmir_stencil {
  const char *name;
  const uint8_t *body;
  uint32_t size;
  /* Bytes to copy when the CONTINUE target is the code right after this
   * stencil: the tail jump (and its address load when adjacent) is dropped.
   * Equal to size when the stencil does not end in its CONTINUE jump. */
  uint32_t fallthrough_size;
  const vmir_stencil_hole *holes;
  uint32_t hole_count;
} vmir_stencil;

extern const vmir_stencil vmir_stencils[VMIR_STENCIL_COUNT];

#endif
