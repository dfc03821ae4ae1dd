/* Peer JSON libraries, each behind a tiny C function in its own file (json-c
 * and jansson declare clashing names, so they never meet in one unit). */
#ifndef VMIR_BENCH_PEER_LIBS_H
#define VMIR_BENCH_PEER_LIBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Parse into the library's DOM and free it: true on success. */
bool peer_jsonc_parse(const char *json, size_t len);
bool peer_cjson_parse(const char *json, size_t len);
/* why (may be NULL): jansson's reason when it cannot read the document
 * (it holds integers as long long: a u64 above INT64_MAX is too big). */
bool peer_jansson_parse(const char *json, size_t len, char *why, size_t why_cap);

/* json-c's serializer over a tree parsed once, its doubles printed from
 * their values (as from a tree built from C values), not from the text
 * they were parsed from. The text stays owned by the tree. */
void *peer_jsonc_tree(const char *json, size_t len);
const char *peer_jsonc_serialize(void *tree, size_t *len);

/* simdjson (C++, bench/peer_simdjson.cc): a padded copy of the document
 * made once, then its DOM parse, or On-Demand decoding into the canada
 * model structs with memory from `alloc` (the benchmark's arena). */
typedef void *(*peer_alloc_fn)(void *ctx, size_t size, size_t align);
struct canada_doc;
void *peer_simdjson_prepare(const char *json, size_t len);
bool peer_simdjson_dom_parse(void *prepared);
bool peer_simdjson_canada(void *prepared, struct canada_doc *out, peer_alloc_fn alloc, void *alloc_ctx);
/* The same into the twitter and citm structs (bench/peer_simdjson_twitter.cc,
 * bench/peer_simdjson_citm.cc). */
struct twitter_doc;
struct citm_catalog;
bool peer_simdjson_twitter(void *prepared, struct twitter_doc *out, peer_alloc_fn alloc, void *alloc_ctx);
bool peer_simdjson_citm(void *prepared, struct citm_catalog *out, peer_alloc_fn alloc, void *alloc_ctx);

/* RapidJSON's Writer over the canada, citm (bench/peer_rapidjson.cc) and
 * twitter (bench/peer_rapidjson_twitter.cc) structs: the text stays valid
 * until the next call of the same function. */
bool peer_rapidjson_canada(const struct canada_doc *doc, const char **text, size_t *len);
bool peer_rapidjson_citm(const struct citm_catalog *c, const char **text, size_t *len);
bool peer_rapidjson_twitter(const struct twitter_doc *doc, const char **text, size_t *len);

/* msgpack-c: unpack a document into its object tree; pack the canada
 * (bench/peer_msgpack.c), twitter and citm (bench/peer_msgpack_models.c)
 * structs: the bytes stay valid until the next call of the same function. */
bool peer_msgpack_unpack(const uint8_t *data, size_t len);
bool peer_msgpack_pack_canada(const struct canada_doc *doc, const uint8_t **data, size_t *len);
bool peer_msgpack_pack_twitter(const struct twitter_doc *doc, const uint8_t **data, size_t *len);
bool peer_msgpack_pack_citm(const struct citm_catalog *c, const uint8_t **data, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
