#include <cjson/cJSON.h>

#include "peer_libs.h"

bool peer_cjson_parse(const char *json, size_t len) {
  cJSON *o = cJSON_ParseWithLength(json, len);
  cJSON_Delete(o);
  return o != NULL;
}
