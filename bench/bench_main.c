/* vmir-bench: every workload in one run, so figures compare as ratios.
 * Google Benchmark flags apply (--benchmark_filter, --benchmark_out=FILE
 * --benchmark_out_format=json, --benchmark_min_time=...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canada_model.h"
#include "citm_model.h"
#include "micro.h"
#include "shim.h"
#include "twitter_model.h"
#include "workloads.h"

static doc_bench docs[3];
static doc_bench *micros;

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: vmir-bench [google-benchmark flags]\n"
             "Encodes and decodes twitter, citm_catalog and canada (from $VMIR_SHARED/corpora,\n"
             "default %s/corpora; generated documents of the same shapes when absent) and a\n"
             "synthetic records list and micro shapes (micro.c), on every JIT tier built in\n"
             "(tiers.c), with hand-written C and peers.\n"
             "Common flags: --benchmark_filter=REGEX --benchmark_min_time=0.2\n"
             "  --benchmark_out=FILE --benchmark_out_format=json\n", VMIR_SHARED_DIR_DEFAULT);
      return 0;
    }
  }
  const char *shared = getenv("VMIR_SHARED");
  if (!shared || !*shared) shared = VMIR_SHARED_DIR_DEFAULT;
  if (!records_bench_init(20000)) return fprintf(stderr, "records workload failed\n"), 1;
  static const struct { const char *name, *file; const vmir_shape *shape; } corpora[] = {
      {"twitter", "twitter.json", &twitter_shape},
      {"citm", "citm_catalog.json", &citm_shape},
      {"canada", "canada.json", &canada_shape},
  };
  for (int i = 0; i < 3; i++) {
    if (!doc_bench_init(&docs[i], corpora[i].name, corpora[i].file, corpora[i].shape, shared)) {
      fprintf(stderr, "%s workload failed to initialise\n", corpora[i].name);
      return 1;
    }
    doc_bench_register(&docs[i]);
  }
  micros = calloc(micro_count(), sizeof *micros);
  for (size_t i = 0; micros && i < micro_count(); i++) {
    if (!micro_init(&micros[i], i)) {
      fprintf(stderr, "micro workload %s failed to initialise\n", micro_name(i));
      return 1;
    }
    doc_bench_register(&micros[i]);
  }
  return vmir_bench_run(argc, argv);
}
