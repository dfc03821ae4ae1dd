/* Independent views of our output: json-c parses our JSON, msgpack-c our
 * MessagePack, and both become json-c trees compared by value. A bug in
 * our writers cannot hide behind our own readers. */
#ifndef VMIR_CONFORMANCE_PEERS_H
#define VMIR_CONFORMANCE_PEERS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Both parsers return the tree; json-c represents the value null as NULL, so
 * failure is signalled by a non-empty `why` (which they always clear first). */

/* Parses JSON with json-c (strict mode); fails if bytes follow the value. */
json_object *peer_parse_json(const char *text, size_t len, char *why, size_t why_cap);

/* Unpacks one MessagePack object with msgpack-c into a json-c tree: maps
 * become objects (string keys), bin becomes an array of byte numbers. NULL
 * if msgpack-c rejects it or bytes follow. */
json_object *peer_parse_msgpack(const uint8_t *data, size_t len, char *why, size_t why_cap);

/* Compares two trees: numbers by numeric value whatever their json-c type,
 * objects by key set (and, when `ordered`, by member order too). On a
 * difference writes the JSON path and both values into diff. */
bool peer_tree_equal(json_object *a, json_object *b, bool ordered, char *diff, size_t diff_cap);

#endif
