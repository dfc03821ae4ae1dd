/* Code generation of the copy-and-patch backend: select a stencil per
 * instruction, lay them out in instruction order after the entry stencil,
 * copy each into writable pages of the code arena, patch its holes, then
 * seal the pages read+execute. */
#ifndef VMIR_STENCIL_PATCH_H
#define VMIR_STENCIL_PATCH_H

#include "jit/backend.h"
#include "code_arena.h"

/* Behind vmir_jit_code.impl. */
typedef struct vmir_stencil_impl {
  vmir_code_block block;
  /* Tables the code reads (absolute addresses patched into it): the code
   * address of every instruction, each switch's case addresses, the sink
   * callbacks the entry guard compares, and the program's string bytes
   * (the code object owns its copy, so it never points into an executable
   * or program that may go away first). */
  uint64_t *data;
} vmir_stencil_impl;

vmir_status vmir_stencil_generate(const vmir_jit_request *req, vmir_jit_code **out, char *why,
                                  size_t why_cap);
void vmir_stencil_free(vmir_jit_code *code);

#endif
