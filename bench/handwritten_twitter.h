/* Hand-written C baseline for the twitter corpus: a JSON encoder and
 * decoder for the typed model of conformance/models/twitter_model.h with no
 * IR between, over the same number formatting, string escaping and JSON
 * lexing functions vmir uses, so that a comparison measures the IR. */
#ifndef VMIR_BENCH_HANDWRITTEN_TWITTER_H
#define VMIR_BENCH_HANDWRITTEN_TWITTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twitter_model.h"
#include "util/arena.h"
#include "util/buf.h"

/* Appends the compact JSON of doc to out: the same bytes as vmir's JSON
 * encoder for twitter_shape. False on a value with no JSON form (invalid
 * UTF-8, a non-finite float, an enum tag with no variant, nesting deeper
 * than the limits) or when out failed to grow. */
bool tw_encode_json(const twitter_doc *doc, vmir_buf *out);

/* Decodes a twitter document into *out, allocating in arena, as strictly
 * as vmir's default decoder for twitter_shape: unknown and repeated keys
 * are rejected, every non-option field is required, numbers must fit. */
bool tw_decode_json(const uint8_t *in, size_t len, twitter_doc *out, vmir_arena *arena);

#endif
