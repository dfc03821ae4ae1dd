/* What ir-text and ir-binary check of every program a loader accepted:
 * print -> parse -> print is a fixed point, binary encode -> decode gives
 * an equal program, the verifier answers (any answer) against a fixed
 * shape, the executor agrees with the verifier, and a verified encode or
 * fused decode program runs to some status without crashing. */
#ifndef VMIR_FUZZ_PROGRAM_CHECK_H
#define VMIR_FUZZ_PROGRAM_CHECK_H

#include "fuzz.h"

/* `pick` chooses the shape when no fixed shape has the program's id. */
void fz_program_check(const char *target, const vmir_program *p, uint32_t pick);

#endif
