/* The backends built into this library. Adding one: its vmir_backend
 * definition and one row here, under its meson option's define. */
#include <string.h>

#include "backend.h"

#ifdef VMIR_HAVE_STENCIL
extern const vmir_backend vmir_stencil_backend;
#endif

static const vmir_backend *const backends[] = {
#ifdef VMIR_HAVE_STENCIL
    &vmir_stencil_backend,
#endif
    NULL /* keeps the array non-empty when no backend is built in */
};

size_t vmir_backend_count(void) { return sizeof backends / sizeof backends[0] - 1; }

const vmir_backend *vmir_backend_at(size_t i) {
  return i < vmir_backend_count() ? backends[i] : NULL;
}

const vmir_backend *vmir_backend_find(const char *name) {
  for (size_t i = 0; i < vmir_backend_count(); i++)
    if (strcmp(backends[i]->name, name) == 0) return backends[i];
  return NULL;
}

uint32_t vmir_cap_of_sink_kind(vmir_sink_kind kind) {
  switch (kind) {
    case VMIR_SINK_JSON: return VMIR_CAP_SINK_JSON;
    case VMIR_SINK_MSGPACK: return VMIR_CAP_SINK_MSGPACK;
    case VMIR_SINK_RECORDER: return VMIR_CAP_SINK_RECORDER;
    case VMIR_SINK_EVENT_BATCH: return VMIR_CAP_SINK_EVENTS;
    case VMIR_SINK_CUSTOM: return VMIR_CAP_SINK_CUSTOM;
  }
  return 0;
}
