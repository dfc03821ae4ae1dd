/* kernels: the format kernels against the implementations they replaced
 * (format/reference.h), on the fuzzer's bytes. The first byte picks the
 * kernel:
 *   0  JSON number lexing: the rest is the token text
 *   1  float printing: the next 8 bytes are the double's bits (and 4 of
 *      them a float's); text equal to the reference's, and reads back
 *   2  JSON string scanning: '"' plus the rest
 *   3  UTF-8 validation: the block kernel against the byte-wise one
 * Any difference in status, value, end position or message aborts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format/reference.h"
#include "format/string_blocks.h"
#include "format/utf8.h"
#include "fuzz.h"
#include "sink/sink_internal.h"
#include "util/arena.h"

#define TARGET "kernels"

static vmir_arena arena;

void vmir_fuzz_init(void) { vmir_arena_init(&arena, VMIR_ARENA_UNLIMITED); }

static void same_number(const uint8_t *text, size_t len) {
  vmir_source a, b;
  vmir_scalar va, vb;
  vmir_error ea, eb;
  vmir_source_init(&a, text, len, VMIR_SOURCE_TEXT);
  vmir_source_init(&b, text, len, VMIR_SOURCE_TEXT);
  vmir_error_clear(&ea);
  vmir_error_clear(&eb);
  memset(&va, 0, sizeof va);
  memset(&vb, 0, sizeof vb);
  vmir_status sa = vmir_json_lex_number(&a, &arena, &va, &ea);
  vmir_status sb = vmir_json_lex_number_reference(&b, &arena, &vb, &eb);
  vmir_arena_reset(&arena);
  if (sa != sb) fz_fail(TARGET, NULL, "number: status %d, reference %d", sa, sb);
  if (sa != VMIR_OK) {
    if (strcmp(ea.message, eb.message) != 0)
      fz_fail(TARGET, NULL, "number: message '%s', reference '%s'", ea.message, eb.message);
    return;
  }
  if (a.pos != b.pos || va.type != vb.type || va.as.u64 != vb.as.u64)
    fz_fail(TARGET, NULL, "number: end %zu type %d bits %llx, reference end %zu type %d bits %llx",
            a.pos, va.type, (unsigned long long)va.as.u64, b.pos, vb.type,
            (unsigned long long)vb.as.u64);
}

static void same_float_text(double v, bool is_f32) {
  char got[VMIR_FLOAT_TEXT_MAX + 1], want[VMIR_FLOAT_TEXT_MAX + 1];
  size_t gn = vmir_sink_format_float(got, v, is_f32);
  size_t wn = vmir_sink_format_float_reference(want, v, is_f32);
  got[gn] = want[wn] = 0;
  if (gn != wn || memcmp(got, want, gn) != 0)
    fz_fail(TARGET, NULL, "print %a%s: '%s', reference '%s'", v, is_f32 ? " (f32)" : "", got, want);
  double back = is_f32 ? (double)strtof(got, NULL) : strtod(got, NULL);
  double exact = is_f32 ? (double)(float)v : v;
  if (memcmp(&back, &exact, sizeof back) != 0)
    fz_fail(TARGET, NULL, "print %a: '%s' reads back as %a", v, got, back);
}

static void same_string(const uint8_t *body, size_t len) {
  uint8_t *text = malloc(len + 1);
  if (!text) abort();
  text[0] = '"';
  if (len) memcpy(text + 1, body, len);
  vmir_source a, b;
  vmir_json_string sa_, sb_;
  vmir_error ea, eb;
  vmir_source_init(&a, text, len + 1, VMIR_SOURCE_TEXT);
  vmir_source_init(&b, text, len + 1, VMIR_SOURCE_TEXT);
  vmir_error_clear(&ea);
  vmir_error_clear(&eb);
  vmir_status sa = vmir_json_scan_string(&a, &sa_, &ea);
  vmir_status sb = vmir_json_scan_string_reference(&b, &sb_, &eb);
  free(text);
  if (sa != sb) fz_fail(TARGET, NULL, "string: status %d, reference %d", sa, sb);
  if (sa != VMIR_OK) {
    if (strcmp(ea.message, eb.message) != 0)
      fz_fail(TARGET, NULL, "string: message '%s', reference '%s'", ea.message, eb.message);
    return;
  }
  if (a.pos != b.pos || sa_.end != sb_.end || sa_.decoded_len != sb_.decoded_len ||
      sa_.escaped != sb_.escaped)
    fz_fail(TARGET, NULL, "string: end %zu decoded %zu, reference end %zu decoded %zu", sa_.end,
            sa_.decoded_len, sb_.end, sb_.decoded_len);
}

int vmir_fuzz_one(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  const uint8_t *rest = data + 1;
  size_t n = size - 1;
  switch (data[0] % 4) {
    case 0:
      same_number(rest, n);
      break;
    case 1: {
      uint64_t bits = 0;
      memcpy(&bits, rest, n < 8 ? n : 8);
      double v;
      memcpy(&v, &bits, sizeof v);
      if (isfinite(v)) same_float_text(v, false);
      uint32_t fbits = (uint32_t)bits;
      float f;
      memcpy(&f, &fbits, sizeof f);
      if (isfinite(f)) same_float_text(f, true);
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
      break;
  }
  return 0;
}
