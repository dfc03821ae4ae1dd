#include <jansson.h>
#include <stdio.h>

#include "peer_libs.h"

bool peer_jansson_parse(const char *json, size_t len, char *why, size_t why_cap) {
  json_error_t e;
  /* RFC 8259 accepts any value at the top and U+0000 in strings; jansson
   * does only with these flags. */
  json_t *o = json_loadb(json, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
  if (!o && why) snprintf(why, why_cap, "%s at byte %d", e.text, e.position);
  json_decref(o);
  return o != NULL;
}
