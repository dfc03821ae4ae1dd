/* Prints the canonical shape text of one corpus model, the source of the
 * checked-in .shape files:
 *   vmir_model_shapes twitter > conformance/models/twitter.shape
 * (also citm_catalog, canada). The compile suite checks that each file
 * still describes its C model (same shape id, same program). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canada_model.h"
#include "citm_model.h"
#include "twitter_model.h"

int main(int argc, char **argv) {
  static const struct { const char *name; const vmir_shape *shape; } models[] = {
      {"twitter", &twitter_shape},
      {"citm_catalog", &citm_shape},
      {"canada", &canada_shape},
  };
  for (size_t i = 0; argc == 2 && i < sizeof models / sizeof models[0]; i++) {
    if (strcmp(argv[1], models[i].name) != 0) continue;
    size_t len = 0;
    char *text = vmir_shape_text_print(models[i].shape, &len);
    if (!text) {
      fprintf(stderr, "vmir_model_shapes: out of memory\n");
      return 1;
    }
    int ok = fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0;
    free(text);
    return ok ? 0 : 1;
  }
  fprintf(stderr, "usage: vmir_model_shapes twitter|citm_catalog|canada\n");
  return 2;
}
