/* msgpack-decode: see decode_fixed.h. */
#include "decode_fixed.h"

void vmir_fuzz_init(void) { fz_decode_fixed_init("msgpack-decode", VMIR_FORMAT_MSGPACK); }

int vmir_fuzz_one(const uint8_t *data, size_t size) {
  return fz_decode_fixed("msgpack-decode", VMIR_FORMAT_MSGPACK, data, size);
}
