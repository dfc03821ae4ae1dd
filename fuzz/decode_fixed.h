/* json-decode and msgpack-decode: the format decoders on fixed real shapes
 * (the dynamic `value` kind and the corpus models). The first byte picks
 * the shape and the options, the rest is the document. Checked: no crash
 * or leak; for `value`, acceptance and the decoded tree agree with the
 * independent parser (peer_value.c); for every shape, a decoded value
 * re-encodes to a document that decodes and re-encodes to itself. */
#ifndef VMIR_FUZZ_DECODE_FIXED_H
#define VMIR_FUZZ_DECODE_FIXED_H

#include "fuzz.h"

void fz_decode_fixed_init(const char *target, vmir_format format);
int fz_decode_fixed(const char *target, vmir_format format, const uint8_t *data, size_t size);

#endif
