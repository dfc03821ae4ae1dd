/* vmir program forms: canonical S-expression text and canonical binary. */
#ifndef VMIR_TEXT_H
#define VMIR_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "vmir/error.h"
#include "vmir/program.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits that bound every loader; inputs beyond them are rejected. */
#define VMIR_TEXT_MAX_DEPTH 64u
#define VMIR_TEXT_MAX_BYTES (64u << 20)

/* Parses program text (buffer, length); never reads past len. `origin`
 * names the input in errors, which carry line and column. */
vmir_program *vmir_program_parse_text(const char *text, size_t len,
                                      const char *origin, vmir_error *err);
/* Canonical text: two-space indentation, one form per line as in the spec's
 * examples, no comments. Deterministic. malloc'd, NUL-terminated. */
char *vmir_program_print_text(const vmir_program *program, size_t *len_out);

/* Canonical binary: header (magic "VMIR", ABI, kind, shape id, section
 * lengths) then sections of shortest-form LEB128 varints. malloc'd. */
uint8_t *vmir_program_encode_binary(const vmir_program *program, size_t *len_out);
/* Decodes the binary form; rejects bad magic, another ABI, non-shortest
 * varints, unknown opcodes, trailing bytes. Errors carry the byte offset. */
vmir_program *vmir_program_decode_binary(const uint8_t *bytes, size_t len,
                                         vmir_error *err);

#ifdef __cplusplus
}
#endif
#endif
