/* shape-text: the shape text loader never crashes; an accepted file's root
 * prints to text that parses back to a shape with the same id and prints
 * identically; and the compilers take the shape without crashing. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define TARGET "shape-text"

static void compile_all(const vmir_shape *root) {
  vmir_error err;
  for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
    vmir_compile_options opt = vmir_compile_options_default((vmir_format)f);
    vmir_program *p = vmir_compile_encode(root, &opt, &err);
    if (!p && err.code == VMIR_E_VERIFY) fz_fail(TARGET, root, "encode compiler: %s", err.message);
    vmir_program_free(p);
    p = vmir_compile_decode_fused(root, &opt, &err);
    if (!p && err.code == VMIR_E_VERIFY) fz_fail(TARGET, root, "decode compiler: %s", err.message);
    vmir_program_free(p);
  }
}

void vmir_fuzz_init(void) { fz_init_common(); }

int vmir_fuzz_one(const uint8_t *data, size_t size) {
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse((const char *)data, size, "<fuzz>", &err);
  if (!set) return 0;
  const vmir_shape *root = vmir_shape_set_root(set);
  if (!root) fz_fail(TARGET, NULL, "a parsed shape set has no root");
  if (vmir_shape_validate(root, &err) != VMIR_OK)
    fz_fail(TARGET, root, "parser accepted a shape the validator rejects: %s", err.message);
  size_t l1 = 0, l2 = 0;
  char *t1 = vmir_shape_text_print(root, &l1);
  if (!t1) abort();
  vmir_shape_set *again = vmir_shape_text_parse(t1, l1, "<printed>", &err);
  if (!again) fz_fail(TARGET, root, "printed shape does not parse: %s", err.message);
  const vmir_shape *root2 = vmir_shape_set_root(again);
  char *t2 = vmir_shape_text_print(root2, &l2);
  if (!t2) abort();
  if (l1 != l2 || memcmp(t1, t2, l1) != 0)
    fz_fail(TARGET, root, "print -> parse -> print is not a fixed point at byte %zu",
            fz_first_diff((const uint8_t *)t1, l1, (const uint8_t *)t2, l2));
  if (vmir_shape_id(root) != vmir_shape_id(root2))
    fz_fail(TARGET, root, "shape id changes through text: %llu vs %llu",
            (unsigned long long)vmir_shape_id(root), (unsigned long long)vmir_shape_id(root2));
  compile_all(root);
  free(t1);
  free(t2);
  vmir_shape_set_free(again);
  vmir_shape_set_free(set);
  return 0;
}
