/* The fixed shape list (see fixed_shapes.h). */
#include "fixed_shapes.h"

#include <stdio.h>
#include <stdlib.h>

#include "canada_model.h"
#include "citm_model.h"
#include "encode_types.h"
#include "twitter_model.h"

static const fz_fixed c_shapes[] = {
    {"value", &vmir_shape_value},
    {"twitter", &twitter_shape},
    {"citm_catalog", &citm_shape},
    {"canada", &canada_shape},
    {"tw_status", &tw_status_shape},
    {"ca_geometry", &ca_geometry_shape},
    {"user", &user_shape},
    {"all_kinds", &all_kinds_shape},
    {"policies", &policies_shape},
    {"figure_external", &figure_external_shape},
    {"figure_external_unit", &figure_external_unit_shape},
    {"figure_adjacent", &figure_adjacent_shape},
    {"figure_untagged", &figure_untagged_shape},
    {"figure_internal", &figure_internal_shape},
    {"node", &node_shape},
    {"string", &vmir_shape_string},
    {"f64", &vmir_shape_f64},
};
#define C_COUNT (sizeof c_shapes / sizeof c_shapes[0])
#define MAX_FIXED 64

static fz_fixed all[MAX_FIXED];
static vmir_shape_set *sets[MAX_FIXED]; /* owners of the parsed shapes */
static uint64_t ids[MAX_FIXED];
static size_t count;

/* Parses the embedded shape files once; a file that does not parse is a
 * broken build, not a fuzz finding. The sets stay alive until exit. */
static void init(void) {
  if (count) return;
  for (size_t i = 0; i < C_COUNT; i++) all[count++] = c_shapes[i];
  for (size_t i = 0; i < fz_shape_text_count && count < MAX_FIXED; i++) {
    vmir_error err;
    const fz_shape_text *t = &fz_shape_texts[i];
    vmir_shape_set *set = vmir_shape_text_parse(t->text, t->len, t->name, &err);
    if (!set || !vmir_shape_set_root(set)) {
      fprintf(stderr, "vmir-fuzz: embedded shape file %s does not load: %s\n", t->name, err.message);
      abort();
    }
    sets[count] = set;
    all[count++] = (fz_fixed){t->name, vmir_shape_set_root(set)};
  }
  for (size_t i = 0; i < count; i++) ids[i] = vmir_shape_id(all[i].shape);
}

size_t fz_fixed_count(void) {
  init();
  return count;
}

const fz_fixed *fz_fixed_get(size_t i) {
  init();
  return i < count ? &all[i] : NULL;
}

const vmir_shape *fz_fixed_by_id(uint64_t id) {
  init();
  for (size_t i = 0; i < count; i++)
    if (ids[i] == id) return all[i].shape;
  return NULL;
}
