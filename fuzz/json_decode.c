/* json-decode: see decode_fixed.h. */
#include "decode_fixed.h"

void vmir_fuzz_init(void) { fz_decode_fixed_init("json-decode", VMIR_FORMAT_JSON); }

int vmir_fuzz_one(const uint8_t *data, size_t size) {
  return fz_decode_fixed("json-decode", VMIR_FORMAT_JSON, data, size);
}
