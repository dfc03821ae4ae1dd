/* ir-text: the program text loader never crashes; what it accepts passes
 * the checks of program_check.h. */
#include "fuzz.h"
#include "program_check.h"

void vmir_fuzz_init(void) { fz_init_common(); }

int vmir_fuzz_one(const uint8_t *data, size_t size) {
  vmir_error err;
  vmir_program *p = vmir_program_parse_text((const char *)data, size, "<fuzz>", &err);
  if (!p) return 0;
  uint32_t pick = 0;
  for (size_t i = 0; i < size; i++) pick = pick * 31 + data[i];
  fz_program_check("ir-text", p, pick);
  vmir_program_free(p);
  return 0;
}
