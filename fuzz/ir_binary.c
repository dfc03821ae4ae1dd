/* ir-binary: the binary program loader never crashes; what it accepts is
 * canonical (encoding it again gives the input bytes) and passes the
 * checks of program_check.h. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "program_check.h"

void vmir_fuzz_init(void) { fz_init_common(); }

int vmir_fuzz_one(const uint8_t *data, size_t size) {
  vmir_error err;
  vmir_program *p = vmir_program_decode_binary(data, size, &err);
  if (!p) return 0;
  size_t len = 0;
  uint8_t *again = vmir_program_encode_binary(p, &len);
  if (!again) abort();
  if (len != size || memcmp(again, data, size) != 0)
    fz_fail("ir-binary", NULL, "accepted binary is not canonical: re-encoding differs at byte %zu",
            fz_first_diff(again, len, data, size));
  free(again);
  uint32_t pick = 0;
  for (size_t i = 0; i < size; i++) pick = pick * 31 + data[i];
  fz_program_check("ir-binary", p, pick);
  vmir_program_free(p);
  return 0;
}
