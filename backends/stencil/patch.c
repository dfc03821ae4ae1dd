/* Copy and patch. See patch.h. */
#include "patch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jit/plan.h"
#include "select.h"
#include "sink/sink_internal.h"
#include "stencil_table.h"

typedef struct gen {
  const vmir_jit_request *req;
  const vmir_executable *exe;
  uint32_t n;
  vmir_plan *plans;
  uint32_t *offsets;         /* code offset of each instruction */
  uint32_t *kept;            /* bytes copied of each instruction's stencil */
  uint32_t *case_at;         /* index into data of each instruction's cases */
  uint8_t *base;             /* where the code runs: addresses */
  uint8_t *write;            /* where it is written until sealed */
  uint64_t *data;
  const char *strings;       /* the code object's copy of the string bytes */
  uint32_t *hints;           /* the switch-key guess slots */
  bool sink_direct;
  char *why;
  size_t why_cap;
} gen;

static vmir_status failed(gen *g, vmir_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static vmir_status failed(gen *g, vmir_status code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(g->why, g->why_cap, fmt, ap);
  va_end(ap);
  return code;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t code_addr(const gen *g, uint32_t pc) {
  return (uint64_t)(uintptr_t)(g->base + g->offsets[pc]);
}

/* Where continuing at pc really goes: through jump instructions compiled
 * as plain jumps straight to their targets (a few hops at most, so a
 * cycle of jumps cannot loop here). */
static uint32_t threaded(const gen *g, uint32_t pc) {
  for (int hops = 0; hops < 4 && pc < g->n && g->plans[pc].stencil == VMIR_STENCIL_jump &&
                     !g->plans[pc].absorbed && g->plans[pc].cont_pc < g->n;
       hops++)
    pc = g->plans[pc].cont_pc;
  return pc;
}

static uint64_t sink_fn(const vmir_sink_ops *ops, uint32_t op) {
  switch ((vmir_sink_op)op) {
#define SINK_FN_CASE(m) \
  case VMIR_SINK_OP_##m: return (uint64_t)(uintptr_t)ops->m;
    VMIR_SINK_CALLBACKS(SINK_FN_CASE)
#undef SINK_FN_CASE
    case VMIR_SINK_OP_NONE: break;
  }
  return 0;
}

/* The value of one hole of instruction pc's stencil; false when the plan
 * has nothing for it (a selection bug: compile fails, nothing runs). */
static bool hole_value(const gen *g, uint32_t pc, const vmir_plan *pl, const vmir_stencil_hole *h,
                       uint64_t *v) {
  const vmir_program *p = g->exe->program;
  switch ((vmir_hole_kind)h->kind) {
    case VMIR_HOLE_CONTINUE:
      if (pl->cont_pc >= g->n) return false;
      *v = code_addr(g, threaded(g, pl->cont_pc));
      break;
    case VMIR_HOLE_TARGET:
      if (pl->target_pc >= g->n) return false;
      *v = code_addr(g, threaded(g, pl->target_pc));
      break;
    case VMIR_HOLE_A: *v = pl->a; break;
    case VMIR_HOLE_B: *v = pl->b; break;
    case VMIR_HOLE_C: *v = pl->c; break;
    case VMIR_HOLE_PC: *v = pc; break;
    case VMIR_HOLE_IMM:
      if (pl->hint) {
        *v = (uint64_t)(uintptr_t)(g->hints + pl->imm);
        break;
      }
      *v = pl->string >= 0 ? (uint64_t)(uintptr_t)(g->strings + p->strings[pl->string].start) : pl->imm;
      break;
    case VMIR_HOLE_IMM2:
      *v = pl->string >= 0 ? p->strings[pl->string].len : pl->imm2;
      break;
    case VMIR_HOLE_CASES:
      if (!pl->cases) return false;
      *v = (uint64_t)(uintptr_t)(g->data + g->case_at[pc]);
      break;
    case VMIR_HOLE_COUNT:
      if (!pl->cases) return false;
      *v = g->exe->code[pc].list_len;
      break;
    case VMIR_HOLE_PC_TABLE: *v = (uint64_t)(uintptr_t)g->data; break;
    case VMIR_HOLE_PC_COUNT: *v = g->n; break;
    case VMIR_HOLE_SINK_FN:
      if (!g->sink_direct || !pl->sink_op) return false;
      *v = sink_fn(&g->req->assume.sink, pl->sink_op);
      if (pl->named_scalar)
        *v = (uint64_t)(uintptr_t)vmir_sink_plain_named_scalar(&g->req->assume.sink);
      else if (pl->plain_name && vmir_sink_plain_field_name(&g->req->assume.sink))
        *v = (uint64_t)(uintptr_t)vmir_sink_plain_field_name(&g->req->assume.sink);
      if (!*v) return false;
      break;
    case VMIR_HOLE_HELPER: *v = (uint64_t)(uintptr_t)h->helper; break;
    default: return false;
  }
  *v += (uint64_t)h->addend;
  return true;
}

/* Copies `keep` bytes of the plan's stencil to `at` (in the write view)
 * and patches the holes in them. */
static vmir_status place(gen *g, uint32_t pc, const vmir_plan *pl, uint8_t *at, uint32_t keep) {
  const vmir_stencil *st = &vmir_stencils[pl->stencil];
  memcpy(at, st->body, keep);
  for (uint32_t i = 0; i < st->hole_count; i++) {
    const vmir_stencil_hole *h = &st->holes[i];
    if (h->offset + 8u > keep) continue; /* in the dropped tail jump */
    uint64_t v;
    if (!hole_value(g, pc, pl, h, &v))
      return failed(g, VMIR_E_UNSUPPORTED, "stencil %s at pc %u: no value for hole kind %u", st->name,
                    pc, h->kind);
    memcpy(at + h->offset, &v, 8); /* little-endian imm64 of a movabs */
  }
  return VMIR_OK;
}

/* Profiling aid: with VMIR_JIT_PERF_MAP set, each instruction's code is
 * named in /tmp/perf-PID.map (perf's JIT symbol file) as
 * "vmir:PC:STENCIL", so `perf report` attributes generated code. */
static void perf_map(const gen *g) {
  static int enabled = -1;
  if (enabled < 0) enabled = getenv("VMIR_JIT_PERF_MAP") != NULL;
  if (!enabled) return;
  char path[64];
  snprintf(path, sizeof path, "/tmp/perf-%ld.map", (long)getpid());
  FILE *f = fopen(path, "a");
  if (!f) return;
  fprintf(f, "%llx %x vmir:entry\n", (unsigned long long)(uintptr_t)g->base,
          vmir_stencils[VMIR_STENCIL_entry].size);
  for (uint32_t pc = 0; pc < g->n; pc++)
    if (g->kept[pc])
      fprintf(f, "%llx %x vmir:%u:%s\n", (unsigned long long)code_addr(g, pc), g->kept[pc], pc,
              vmir_stencils[g->plans[pc].stencil].name);
  fclose(f);
}

static size_t string_bytes_len(const vmir_program *p) {
  size_t end = 0;
  for (uint32_t i = 0; i < p->string_count; i++) {
    size_t e = (size_t)p->strings[i].start + p->strings[i].len + 1; /* + its NUL */
    if (e > end) end = e;
  }
  return end;
}

static vmir_status generate(gen *g, vmir_jit_code *code, vmir_stencil_impl *impl) {
  const vmir_jit_request *req = g->req;
  const vmir_executable *exe = g->exe;
  const vmir_program *p = exe->program;
  uint32_t n = g->n;
  uint32_t flags = req->options.flags;

  /* Selection, following the layer's per-op plan. */
  vmir_jit_plan plan;
  if (!vmir_jit_plan_init(&plan, req)) return failed(g, VMIR_E_NOMEM, "out of memory for the plan");
  g->sink_direct = plan.sink_direct;
  uint32_t caps = vmir_jit_plan_caps(&plan);
  size_t cases = 0;
  uint32_t hints = 0;
  for (uint32_t pc = 0; pc < n; pc++) {
    vmir_stencil_select(&plan, pc, &g->plans[pc]);
    g->case_at[pc] = (uint32_t)(n + cases);
    if (g->plans[pc].cases) cases += exe->code[pc].list_len;
    if (g->plans[pc].hint) g->plans[pc].imm = hints++;
  }
  if (!(flags & VMIR_JIT_FLAG_NO_FUSE)) vmir_stencil_fuse(&plan, g->plans);
  vmir_jit_plan_free(&plan);

  /* Layout: the entry stencil, then each instruction in pc order, so a
   * continuation to pc + 1 is the next stencil and its jump can go. */
  const vmir_stencil *entry = &vmir_stencils[VMIR_STENCIL_entry];
  size_t off = entry->size;
  for (uint32_t pc = 0; pc < n; pc++) {
    const vmir_plan *pl = &g->plans[pc];
    g->offsets[pc] = (uint32_t)off;
    if (pl->absorbed) {
      /* Never continued at (select.c); its table entry names the code
       * after the run. */
      g->kept[pc] = 0;
      continue;
    }
    const vmir_stencil *st = &vmir_stencils[pl->stencil];
    uint32_t next = pc + 1;
    while (next < n && g->plans[next].absorbed) next++;
    /* (not when the continuation is threaded past a jump: the jump
     * taken directly beats falling into the jump's code) */
    bool falls = !(flags & VMIR_JIT_FLAG_NO_ELIDE) && pl->cont_pc == next && next < n &&
                 threaded(g, next) == next;
    g->kept[pc] = falls ? st->fallthrough_size : st->size;
    off += g->kept[pc];
    if (off > UINT32_MAX) return failed(g, VMIR_E_LIMIT, "program too large for the stencil backend");
  }
  size_t code_size = off;

  /* Data: pc table, case tables, sink callbacks, string bytes, guess
   * slots. */
  size_t strings_len = string_bytes_len(p);
  /* The sink callbacks the entry guard compares with the run's. */
  size_t sink_words = (sizeof(vmir_sink_ops) + 7) / 8;
  size_t string_words = (strings_len + 7) / 8;
  size_t words = (size_t)n + cases + sink_words + string_words + ((size_t)hints + 1) / 2;
  impl->data = malloc(words ? words * 8 : 8);
  if (!impl->data) return failed(g, VMIR_E_NOMEM, "out of memory for the code tables");
  g->data = impl->data;
  vmir_sink_ops *sink_copy = (vmir_sink_ops *)(void *)(impl->data + n + cases);
  *sink_copy = req->assume.sink;
  char *strings = (char *)(impl->data + n + cases + sink_words);
  if (strings_len) memcpy(strings, p->string_bytes, strings_len);
  g->strings = strings;
  /* Every guess starts at the first case. */
  g->hints = (uint32_t *)(void *)(impl->data + n + cases + sink_words + string_words);
  memset(g->hints, 0, (size_t)hints * sizeof *g->hints);

  if (!vmir_code_alloc(code_size, &impl->block))
    return failed(g, VMIR_E_NOMEM, "the code arena cannot provide %zu bytes", code_size);
  g->base = impl->block.base;
  g->write = impl->block.write;
  /* The rest of the last page: traps, not whatever the buffer held. */
  memset(g->write + code_size, 0xcc, impl->block.size - code_size);
  for (uint32_t pc = 0; pc < n; pc++) {
    g->data[pc] = code_addr(g, pc);
    if (g->plans[pc].cases)
      for (uint32_t t = 0; t < exe->code[pc].list_len; t++)
        g->data[g->case_at[pc] + t] = code_addr(g, exe->code[pc].targets[t]);
  }

  /* The entry stencil's plan: the guards' expected facts. */
  vmir_plan entry_plan = {
      .stencil = VMIR_STENCIL_entry,
      .cont_pc = exe->proc_entry[p->entry_proc],
      .target_pc = VMIR_NO_PC,
      .a = req->assume.program_abi,
      .b = caps,
      .imm = req->assume.root_shape_id,
      .imm2 = g->sink_direct ? (uint64_t)(uintptr_t)sink_copy : 0,
      .string = -1,
  };
  vmir_status st = place(g, 0, &entry_plan, g->write, entry->size);
  for (uint32_t pc = 0; pc < n && st == VMIR_OK; pc++)
    if (!g->plans[pc].absorbed) st = place(g, pc, &g->plans[pc], g->write + g->offsets[pc], g->kept[pc]);
  if (st != VMIR_OK) return st;
  uint64_t t0 = now_ns();
  bool sealed = vmir_code_seal(&impl->block);
  code->protect_ns = now_ns() - t0;
  if (!sealed) return failed(g, VMIR_E_NOMEM, "cannot make the generated code executable");

  perf_map(g);
  code->entry = (vmir_jit_entry_fn)(uintptr_t)g->base;
  code->assume = req->assume;
  code->assume.caps = caps;
  if (!g->sink_direct) memset(&code->assume.sink, 0, sizeof code->assume.sink);
  code->code_size = code_size;
  code->data_size = words * 8;
  return VMIR_OK;
}

vmir_status vmir_stencil_generate(const vmir_jit_request *req, vmir_jit_code **out, char *why,
                                  size_t why_cap) {
  uint32_t n = req->exe->program->insn_count;
  gen g = {.req = req, .exe = req->exe, .n = n, .why = why, .why_cap = why_cap};
  *out = NULL;
  if (n == 0) return failed(&g, VMIR_E_UNSUPPORTED, "empty program");
  vmir_jit_code *code = calloc(1, sizeof *code);
  vmir_stencil_impl *impl = calloc(1, sizeof *impl);
  g.plans = malloc((size_t)n * sizeof *g.plans);
  g.offsets = malloc((size_t)n * sizeof *g.offsets);
  g.kept = malloc((size_t)n * sizeof *g.kept);
  g.case_at = malloc((size_t)n * sizeof *g.case_at);
  vmir_status st = VMIR_E_NOMEM;
  if (code && impl && g.plans && g.offsets && g.kept && g.case_at) {
    code->impl = impl;
    st = generate(&g, code, impl);
  } else {
    failed(&g, st, "out of memory");
  }
  free(g.plans);
  free(g.offsets);
  free(g.kept);
  free(g.case_at);
  if (st != VMIR_OK) {
    if (code) {
      code->impl = impl;
      vmir_stencil_free(code);
    } else {
      free(impl);
    }
    return st;
  }
  *out = code;
  return VMIR_OK;
}

void vmir_stencil_free(vmir_jit_code *code) {
  if (!code) return;
  vmir_stencil_impl *impl = code->impl;
  if (impl) {
    vmir_code_free(&impl->block);
    free(impl->data);
    free(impl);
  }
  free(code);
}
