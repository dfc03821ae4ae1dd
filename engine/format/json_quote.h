/* The JSON string writer: one kernel for every place that writes a JSON
 * string (the JSON writer sink, the hand-written reference encoder, the
 * shape printer, the sink recorder, the benchmark records), so all of
 * them get the same escapes and the same speed. */
#ifndef VMIR_FORMAT_JSON_QUOTE_H
#define VMIR_FORMAT_JSON_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

typedef enum vmir_json_quote_result {
  VMIR_JSON_QUOTED,
  VMIR_JSON_QUOTE_BAD_UTF8, /* *bad: the offset in s of the ill-formed sequence */
  VMIR_JSON_QUOTE_NOMEM,
} vmir_json_quote_result;

/* Appends s[0..n) to out between double quotes, with the escapes RFC 8259
 * requires: '"', '\\' and the control bytes (\b \f \n \r \t in their short
 * forms, the others as \u00xx); everything else, DEL and non-ASCII
 * included, is copied as is. `validate`: check the UTF-8 in the same pass
 * (else the caller vouches for it, or wants the bytes as they are). On
 * success `tail` more bytes of room remain after the closing quote, for
 * the caller to write without a reservation of its own. On failure out
 * is as it was. */
vmir_json_quote_result vmir_json_quote(vmir_buf *out, const uint8_t *s, size_t n, bool validate,
                                       size_t tail, size_t *bad);

#endif
