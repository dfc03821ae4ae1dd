#include <jansson.h>

#include "peer_libs.h"

bool peer_jansson_parse(const char *json, size_t len) {
  json_error_t e;
  json_t *o = json_loadb(json, len, 0, &e);
  json_decref(o);
  return o != NULL;
}
