#include "measure.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <time.h>

/* CPU time of the process, not wall time: the machines this runs on are
 * shared, and another process's burst then costs us less noise. Compiles
 * run on the calling thread, so they are counted. */
uint64_t measure_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t measure_wall_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double quantile(const double *sorted, size_t n, double q) {
  double pos = q * (double)(n - 1);
  size_t lo = (size_t)pos;
  double frac = pos - (double)lo;
  return lo + 1 < n ? sorted[lo] * (1 - frac) + sorted[lo + 1] * frac : sorted[lo];
}

measure_stats measure_stats_of(double *v, size_t n) {
  measure_stats s = {0};
  if (!n) return s;
  qsort(v, n, sizeof *v, cmp_double);
  s.median = quantile(v, n, 0.5);
  s.p25 = quantile(v, n, 0.25);
  s.p75 = quantile(v, n, 0.75);
  s.min = v[0];
  s.max = v[n - 1];
  return s;
}

long long measure_heap_bytes(void) {
  struct mallinfo2 m = mallinfo2();
  return (long long)m.uordblks + (long long)m.hblkhd;
}

void measure_progress(const char *fmt, ...) {
  static int tty = -1;
  if (tty < 0) tty = isatty(2);
  va_list ap;
  va_start(ap, fmt);
  fputs(tty ? "\r\033[K[vmir-tiers] " : "[vmir-tiers] ", stderr);
  vfprintf(stderr, fmt, ap);
  if (!tty) fputc('\n', stderr);
  va_end(ap);
}

void measure_progress_end(void) {
  if (isatty(2)) fputc('\n', stderr);
}
