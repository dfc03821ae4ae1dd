/* Small timing and statistics helpers shared by the compile-side study. */
#ifndef VMIR_BENCH_MEASURE_H
#define VMIR_BENCH_MEASURE_H

#include <stddef.h>
#include <stdint.h>

/* Process CPU time (measure.c says why). */
uint64_t measure_now_ns(void);
/* Wall-clock time, recorded beside it where latency matters (the sweep). */
uint64_t measure_wall_ns(void);

/* Median, 25th and 75th percentile of v[0..n) (sorted in place). */
typedef struct measure_stats {
  double median, p25, p75, min, max;
} measure_stats;
measure_stats measure_stats_of(double *v, size_t n);

/* Bytes the C heap holds now (glibc mallinfo2: in use plus mmapped). */
long long measure_heap_bytes(void);

/* One line of progress on stderr (rewritten in place on a terminal). */
void measure_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void measure_progress_end(void);

#endif
