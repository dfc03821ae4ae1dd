#include <json-c/json.h>

#include "peer_libs.h"

bool peer_jsonc_parse(const char *json, size_t len) {
  json_tokener *tok = json_tokener_new();
  json_object *o = json_tokener_parse_ex(tok, json, (int)len);
  json_tokener_free(tok);
  json_object_put(o);
  return o != NULL;
}

void *peer_jsonc_tree(const char *json, size_t len) {
  json_tokener *tok = json_tokener_new();
  json_object *o = json_tokener_parse_ex(tok, json, (int)len);
  json_tokener_free(tok);
  return o;
}

bool peer_jsonc_serialize(void *tree) {
  return json_object_to_json_string_ext(tree, JSON_C_TO_STRING_PLAIN) != NULL;
}
