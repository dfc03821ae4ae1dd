/* kernels: the format kernels against the implementations they replaced
 * (format/reference.h), on the fuzzer's bytes. The first byte picks the
 * kernel:
 *   0  JSON number lexing: the rest is the token text
 *   1  float printing: the next 8 bytes are the double's bits (and 4 of
 *      them a float's); text equal to the reference's, and reads back
 *   2  JSON string scanning and lexing (views, copies, unescaping into
 *      an arena with ample and with little room): '"' plus the rest
 *   3  UTF-8 validation: the block kernel against the byte-wise one; and
 *      the JSON writer's escaping of the rest against the byte-wise
 *      reference (the same bytes, or the same refusal and offset)
 * Any difference in status, value, end position or message aborts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format/reference.h"
#include "format/string_blocks.h"
#include "format/utf8.h"
#include "fuzz.h"
#include "util/arena.h"

#define TARGET "kernels"

static vmir_arena arena;

void vmir_fuzz_init(void) { vmir_arena_init(&arena, VMIR_ARENA_UNLIMITED); }

static void same_string(const uint8_t *body, size_t len) {
  uint8_t *text = malloc(len + 1);
  if (!text) abort();
  text[0] = '"';
  if (len) memcpy(text + 1, body, len);
  char why[256];
  bool same = vmir_reference_same_string(text, len + 1, why, sizeof why) &&
              vmir_reference_same_lexed_string(text, len + 1, why, sizeof why);
  free(text);
  if (!same) fz_fail(TARGET, NULL, "%s", why);
}

int vmir_fuzz_one(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  const uint8_t *rest = data + 1;
  size_t n = size - 1;
  char why[512];
  switch (data[0] % 4) {
    case 0:
      if (!vmir_reference_same_number(rest, n, &arena, why, sizeof why))
        fz_fail(TARGET, NULL, "%s", why);
      break;
    case 1: {
      uint64_t bits = 0;
      memcpy(&bits, rest, n < 8 ? n : 8);
      double v;
      memcpy(&v, &bits, sizeof v);
      if (isfinite(v) && !vmir_reference_same_float_text(v, false, why, sizeof why))
        fz_fail(TARGET, NULL, "%s", why);
      uint32_t fbits = (uint32_t)bits;
      float f;
      memcpy(&f, &fbits, sizeof f);
      if (isfinite(f) && !vmir_reference_same_float_text(f, true, why, sizeof why))
        fz_fail(TARGET, NULL, "%s", why);
      break;
    }
    case 2:
      same_string(rest, n);
      break;
    default:
      if (vmir_string_blocks_available()) {
        size_t bad = 0;
        if (vmir_utf8_valid_blocks(rest, n) != vmir_utf8_validate_bytes(rest, n, &bad))
          fz_fail(TARGET, NULL, "utf-8: the block kernel disagrees on %zu bytes", n);
      }
      if (!vmir_reference_same_escape(rest, n, why, sizeof why)) fz_fail(TARGET, NULL, "%s", why);
      break;
  }
  return 0;
}
