// The Google Benchmark side of the C shim: C++ only because the library is.
#include "shim.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

namespace {

void run_workload(benchmark::State &state, vmir_bench_fn setup, vmir_bench_fn fn,
                  vmir_bench_share_fn share, void *ctx, size_t bytes, const std::string &name) {
  if (setup && setup(ctx) != 0) {
    state.SkipWithError((name + ": setup failed (tier unavailable?)").c_str());
    return;
  }
  for (auto _ : state) {
    if (fn(ctx) != 0) {
      state.SkipWithError((name + ": workload failed").c_str());
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
  if (share && !state.error_occurred()) {
    double s = share(ctx, static_cast<uint64_t>(state.iterations()));
    state.counters["jit_share"] = s;
    if (s < 1.0)
      std::fprintf(stderr, "bench %s: only %.0f%% of the timed runs ran the tier's code to the end\n",
                   name.c_str(), 100.0 * s);
  }
}

}  // namespace

extern "C" void vmir_bench_add_checked(const char *name, vmir_bench_fn setup, vmir_bench_fn fn,
                                       vmir_bench_share_fn share, void *ctx, size_t bytes) {
  std::string n(name);
  benchmark::RegisterBenchmark(name, [setup, fn, share, ctx, bytes, n](benchmark::State &s) {
    run_workload(s, setup, fn, share, ctx, bytes, n);
  })->Unit(benchmark::kMicrosecond);
}

extern "C" void vmir_bench_add_setup(const char *name, vmir_bench_fn setup, vmir_bench_fn fn,
                                     void *ctx, size_t bytes) {
  vmir_bench_add_checked(name, setup, fn, nullptr, ctx, bytes);
}

extern "C" void vmir_bench_add(const char *name, vmir_bench_fn fn, void *ctx, size_t bytes) {
  vmir_bench_add_setup(name, nullptr, fn, ctx, bytes);
}

extern "C" int vmir_bench_run(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
