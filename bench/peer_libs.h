/* Peer JSON libraries, each behind a tiny C function in its own file (json-c
 * and jansson declare clashing names, so they never meet in one unit). */
#ifndef VMIR_BENCH_PEER_LIBS_H
#define VMIR_BENCH_PEER_LIBS_H

#include <stdbool.h>
#include <stddef.h>

/* Parse into the library's DOM and free it: true on success. */
bool peer_jsonc_parse(const char *json, size_t len);
bool peer_cjson_parse(const char *json, size_t len);
bool peer_jansson_parse(const char *json, size_t len);

/* json-c's serializer over a tree parsed once. */
void *peer_jsonc_tree(const char *json, size_t len);
bool peer_jsonc_serialize(void *tree);

#endif
