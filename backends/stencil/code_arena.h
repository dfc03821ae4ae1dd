/* Executable memory for generated code: never writable and executable at
 * once. t[impl format.exec.unsafe-contained]
 *
 * Two strategies, chosen once per process:
 *  - memfd (Linux): code pages are a read+execute shared mapping of a
 *    memory file and are NEVER mapped writable; the backend builds the code
 *    in a heap staging buffer and sealing writes it into the file with
 *    pwrite. No page-protection change, so no TLB shootdown: sealing costs
 *    about a memcpy.
 *  - mprotect (fallback when memory files are unavailable): pages are
 *    read+write while free and while the backend writes them, then sealed
 *    read+execute with one mprotect.
 * Either way address space is reserved in large chunks and handed out
 * page-aligned, so a compile never maps memory. */
#ifndef VMIR_STENCIL_CODE_ARENA_H
#define VMIR_STENCIL_CODE_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vmir_code_block {
  uint8_t *base;            /* where the code runs (read+execute once sealed) */
  uint8_t *write;           /* where the backend writes it until sealed */
  size_t size;              /* whole pages */
  uint32_t chunk;
} vmir_code_block;

/* A block of at least `size` bytes; write the code at block->write with
 * the addresses of block->base. False when the arena cannot provide it. */
bool vmir_code_alloc(size_t size, vmir_code_block *out);
/* Makes the code executable at base (and no longer writable anywhere);
 * false on failure (the block must then be freed). */
bool vmir_code_seal(vmir_code_block *block);
/* Returns the block: its code is overwritten with traps (or its memory
 * released), so a stale pointer into it faults instead of running code
 * compiled there later. */
void vmir_code_free(vmir_code_block *block);
/* "memfd" or "mprotect" (after the first allocation; "none" before). */
const char *vmir_code_strategy(void);

#endif
