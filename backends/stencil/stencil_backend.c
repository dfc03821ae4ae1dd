/* The copy-and-patch backend object (backend.h). */
#include <stdio.h>

#include "patch.h"

extern const vmir_backend vmir_stencil_backend;

#if defined(__x86_64__) && defined(__linux__)
#define STENCIL_HOST_OK 1
#else
#define STENCIL_HOST_OK 0
#endif

static bool available(const char **reason) {
  if (!STENCIL_HOST_OK) {
    if (reason) *reason = "the stencil backend runs on x86-64 Linux only";
    return false;
  }
  if (reason) *reason = NULL;
  return true;
}

static vmir_status compile(const vmir_jit_request *req, vmir_jit_code **out, char *why,
                           size_t why_cap) {
  if (!available(NULL)) {
    snprintf(why, why_cap, "the stencil backend runs on x86-64 Linux only");
    return VMIR_E_UNSUPPORTED;
  }
  vmir_status st = vmir_stencil_generate(req, out, why, why_cap);
  if (st == VMIR_OK) (*out)->backend = &vmir_stencil_backend;
  return st;
}

/* Promotion default: a copy-and-patch compile costs microseconds (2 us
 * for a two-field struct, about 30 us for the largest corpus program) and
 * pays for itself within one run of a corpus-sized program (docs/jit.md),
 * so promote early; the two interpreted runs keep one-off programs from
 * being compiled at all. */
const vmir_backend vmir_stencil_backend = {
    .name = "stencil",
    .default_threshold = {2, 2}, /* one level */
    .capabilities = VMIR_CAP_SINK_ANY | VMIR_CAP_HOST_PREDICATE,
    .available = available,
    .compile = compile,
    .release = vmir_stencil_free,
};
