/* vmir verifier: shape-aware checks before a program may run. */
#ifndef VMIR_VERIFY_H
#define VMIR_VERIFY_H

#include "vmir/error.h"
#include "vmir/program.h"
#include "vmir/shape.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Rejects: ABI other than VMIR_ABI_VERSION, a root shape whose id differs
 * from program->shape_id, dangling block/proc/string/predicate/list refs,
 * blocks without exactly one terminator at their end, a missing entry proc,
 * field/variant indexes invalid for the shape at that point, navigation that
 * leaves the root scope or is unbalanced at a join or return, opcodes that
 * do not belong to the program's kind. The error carries the pc. */
vmir_status vmir_verify(const vmir_program *program, const vmir_shape *root,
                        vmir_error *err);

#ifdef __cplusplus
}
#endif
#endif
