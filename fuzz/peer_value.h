/* The independent parsers the `value` kind is checked against: json-c in
 * strict mode for JSON, msgpack-c for MessagePack. Each returns a verdict
 * for a document and, when both sides accept it, compares the trees.
 *
 * Documents in a known divergence class (where the peer accepts what
 * RFC 8259 or our MessagePack profile forbids; docs/fuzzing.md lists them)
 * are reported as FZ_PEER_EXCLUDED and not compared. */
#ifndef VMIR_FUZZ_PEER_VALUE_H
#define VMIR_FUZZ_PEER_VALUE_H

#include "fuzz.h"

/* Nesting the peers handle: json-c is given this depth, msgpack-c's stack
 * holds 32 levels; the harnesses decode with a smaller vmir limit and
 * exclude documents that reach it. */
#define FZ_PEER_JSON_DEPTH 64
#define FZ_VMIR_PEER_DEPTH 24

typedef enum fz_peer_verdict {
  FZ_PEER_REJECT = 0,
  FZ_PEER_ACCEPT,
  FZ_PEER_EXCLUDED
} fz_peer_verdict;

/* Parses `doc` with the peer. When the peer accepts and `ours` is not NULL
 * (our decode accepted too), compares the trees; a difference is written
 * to `diff` and the function returns FZ_PEER_REJECT with diff non-empty.
 * `why` names the divergence class when the result is FZ_PEER_EXCLUDED. */
fz_peer_verdict fz_peer_json(const uint8_t *doc, size_t len, const vmir_value *ours, char *diff,
                             size_t cap);
fz_peer_verdict fz_peer_msgpack(const uint8_t *doc, size_t len, const vmir_value *ours,
                                char *diff, size_t cap);

/* Strict RFC 3629 UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF). */
bool fz_utf8_valid(const uint8_t *s, size_t len);

#endif
