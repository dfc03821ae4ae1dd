/* JIT statistics: process-wide and per-executable counters, and the text
 * dump behind `vmir stats`. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/executable.h"
#include "jit/jit_internal.h"
#include "util/buf.h"

void vmir_counters_read(const vmir_counters *c, vmir_jit_stats *o) {
#define R(f) o->f = atomic_load_explicit(&c->f, memory_order_relaxed)
  memset(o, 0, sizeof *o);
  R(executions); R(jit_executions); R(promotions); R(compiles); R(compile_failures);
  R(compile_ns); R(code_bytes); R(deopts); R(deopts_forced); R(deopts_check);
  R(deopts_unsupported); R(cache_hits); R(cache_misses); R(cache_invalidations);
  for (int g = 0; g < VMIR_JIT_GUARD_COUNT; g++) R(guard_failures[g]);
#undef R
}

void vmir_counters_clear(vmir_counters *c) {
#define Z(f) atomic_store_explicit(&c->f, 0, memory_order_relaxed)
  Z(executions); Z(jit_executions); Z(promotions); Z(compiles); Z(compile_failures);
  Z(compile_ns); Z(code_bytes); Z(deopts); Z(deopts_forced); Z(deopts_check);
  Z(deopts_unsupported); Z(cache_hits); Z(cache_misses); Z(cache_invalidations);
  for (int g = 0; g < VMIR_JIT_GUARD_COUNT; g++) Z(guard_failures[g]);
#undef Z
}

void vmir_jit_stats_get(vmir_jit_stats *out) {
  vmir_counters_read(&vmir_jit_global_counters, out);
  out->cache_entries = vmir_cache_entry_count();
}

void vmir_jit_stats_reset(void) { vmir_counters_clear(&vmir_jit_global_counters); }

static struct vmir_tier *tier_peek(const vmir_executable *exe) {
  return exe ? (struct vmir_tier *)atomic_load_explicit(&((vmir_executable *)exe)->tier,
                                                        memory_order_acquire)
             : NULL;
}

void vmir_jit_executable_stats(const vmir_executable *exe, vmir_jit_stats *out) {
  struct vmir_tier *t = tier_peek(exe);
  if (!t) {
    memset(out, 0, sizeof *out);
    return;
  }
  vmir_counters_read(&t->counters, out);
}

uint64_t vmir_jit_deopts_at(const vmir_executable *exe, uint32_t pc) {
  struct vmir_tier *t = tier_peek(exe);
  if (!t || pc >= t->insn_count) return 0;
  return atomic_load_explicit(&t->deopts_by_pc[pc], memory_order_relaxed);
}

bool vmir_jit_executable_code(const vmir_executable *exe, size_t *code_bytes, uint64_t *compile_ns) {
  struct vmir_tier *t = tier_peek(exe);
  bool has = false;
  if (t) {
    pthread_mutex_lock(&t->lock);
    if (t->bound) {
      const vmir_jit_code *c = vmir_cache_code(t->bound);
      has = true;
      if (code_bytes) *code_bytes = c->code_size;
      if (compile_ns) *compile_ns = c->compile_ns;
    }
    pthread_mutex_unlock(&t->lock);
  }
  if (!has) {
    if (code_bytes) *code_bytes = 0;
    if (compile_ns) *compile_ns = 0;
  }
  return has;
}

static void line(vmir_buf *b, const char *label, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void line(vmir_buf *b, const char *label, const char *fmt, ...) {
  char text[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  vmir_buf_printf(b, "  %-16s %s\n", label, text);
}

char *vmir_jit_stats_text(const vmir_executable *exe, size_t *len_out) {
  vmir_jit_stats s;
  if (exe) vmir_jit_executable_stats(exe, &s);
  else vmir_jit_stats_get(&s);
  uint64_t threshold = 0;
  const char *backend = vmir_jit_selected_backend(&threshold);
  vmir_buf b;
  vmir_buf_init(&b);
  vmir_buf_printf(&b, "vmir jit statistics (%s)\n", exe ? "executable" : "process");
  if (strcmp(backend, "none") == 0) line(&b, "backend", "none (interpreter only)");
  else if (vmir_backend_find(backend) && vmir_backend_find(backend)->level_names[0])
    line(&b, "backend", "%s, level %s, threshold %llu", backend,
         vmir_backend_find(backend)
             ->level_names[(vmir_jit_get_config().flags & VMIR_JIT_FLAG_OPT_LOW) ? 1 : 0],
         (unsigned long long)threshold);
  else line(&b, "backend", "%s, threshold %llu", backend, (unsigned long long)threshold);
  line(&b, "executions", "%llu (%llu in generated code)", (unsigned long long)s.executions,
       (unsigned long long)s.jit_executions);
  line(&b, "promotions", "%llu", (unsigned long long)s.promotions);
  line(&b, "compiles", "%llu (%llu failed)", (unsigned long long)s.compiles,
       (unsigned long long)s.compile_failures);
  line(&b, "compile time", "%.1f us total, %.1f us mean", s.compile_ns / 1e3,
       s.compiles ? s.compile_ns / 1e3 / (double)s.compiles : 0.0);
  line(&b, "code bytes", "%llu", (unsigned long long)s.code_bytes);
  line(&b, "guard failures", "shape-id %llu, abi %llu, sink %llu, host-predicate %llu",
       (unsigned long long)s.guard_failures[VMIR_JIT_GUARD_SHAPE_ID],
       (unsigned long long)s.guard_failures[VMIR_JIT_GUARD_ABI],
       (unsigned long long)s.guard_failures[VMIR_JIT_GUARD_SINK],
       (unsigned long long)s.guard_failures[VMIR_JIT_GUARD_HOST_PREDICATE]);
  line(&b, "deopts", "%llu (forced %llu, checks %llu, unsupported %llu)",
       (unsigned long long)s.deopts, (unsigned long long)s.deopts_forced,
       (unsigned long long)s.deopts_check, (unsigned long long)s.deopts_unsupported);
  if (exe)
    line(&b, "code cache", "hits %llu, misses %llu, invalidations %llu",
         (unsigned long long)s.cache_hits, (unsigned long long)s.cache_misses,
         (unsigned long long)s.cache_invalidations);
  else
    line(&b, "code cache", "hits %llu, misses %llu, invalidations %llu, entries %llu",
         (unsigned long long)s.cache_hits, (unsigned long long)s.cache_misses,
         (unsigned long long)s.cache_invalidations, (unsigned long long)s.cache_entries);
  struct vmir_tier *t = tier_peek(exe);
  if (t) {
    size_t shown = 0, more = 0;
    for (uint32_t pc = 0; pc < t->insn_count; pc++) {
      uint64_t n = atomic_load_explicit(&t->deopts_by_pc[pc], memory_order_relaxed);
      if (!n) continue;
      if (shown == 32) {
        more++;
        continue;
      }
      const vmir_pc *at = &exe->pcs[pc];
      line(&b, shown ? "" : "deopts by pc", "f%u:b%u:%u (pc %u) x%llu", at->proc, at->block, at->insn,
           pc, (unsigned long long)n);
      shown++;
    }
    if (more) line(&b, "", "... and %zu more program points", more);
  }
  return vmir_buf_take(&b, len_out);
}
