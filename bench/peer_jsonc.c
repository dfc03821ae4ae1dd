#include <json-c/json.h>

#include "peer_libs.h"

bool peer_jsonc_parse(const char *json, size_t len) {
  json_tokener *tok = json_tokener_new();
  json_object *o = json_tokener_parse_ex(tok, json, (int)len);
  json_tokener_free(tok);
  json_object_put(o);
  return o != NULL;
}

/* json_tokener keeps each parsed double's text and prints that text back;
 * a tree built from C values (json_object_new_double) prints the double
 * itself, with "%.17g". Dropping the kept text (a NULL serializer restores
 * the type's default) makes the tree print as one a user builds from the
 * model structs would. */
static void print_doubles_from_values(json_object *o) {
  switch (json_object_get_type(o)) {
    case json_type_double: json_object_set_serializer(o, NULL, NULL, NULL); break;
    case json_type_array:
      for (size_t i = 0, n = json_object_array_length(o); i < n; i++)
        print_doubles_from_values(json_object_array_get_idx(o, i));
      break;
    case json_type_object: {
      json_object_object_foreach(o, key, value) {
        (void)key;
        print_doubles_from_values(value);
      }
      break;
    }
    default: break;
  }
}

void *peer_jsonc_tree(const char *json, size_t len) {
  json_tokener *tok = json_tokener_new();
  json_object *o = json_tokener_parse_ex(tok, json, (int)len);
  json_tokener_free(tok);
  if (o) print_doubles_from_values(o);
  return o;
}

const char *peer_jsonc_serialize(void *tree, size_t *len) {
  return json_object_to_json_string_length(tree, JSON_C_TO_STRING_PLAIN, len);
}
