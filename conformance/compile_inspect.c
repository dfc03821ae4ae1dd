/* Program inspection for the compile suite (see compile_inspect.h). */
#include "compile_inspect.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t inspect_string_index(const vmir_program *p, const char *s) {
  size_t n = strlen(s);
  for (uint32_t i = 0; i < p->string_count; i++) {
    vmir_span sp = p->strings[i];
    if (sp.len == n && memcmp(p->string_bytes + sp.start, s, n) == 0) return i;
  }
  return -1;
}

const char *inspect_string(const vmir_program *p, uint32_t i) {
  return i < p->string_count ? p->string_bytes + p->strings[i].start : "<bad>";
}

uint32_t inspect_block_count(const vmir_program *p, uint32_t proc) {
  return p->procs[proc].block_count;
}

uint32_t inspect_insn_count(const vmir_program *p, uint32_t proc, uint32_t block) {
  return p->blocks[p->procs[proc].first_block + block].insn_count;
}

const vmir_insn *inspect_insn(const vmir_program *p, uint32_t proc,
                              uint32_t block, uint32_t i) {
  const vmir_block *b = &p->blocks[p->procs[proc].first_block + block];
  return &p->insns[b->first_insn + i];
}

uint32_t inspect_count_op(const vmir_program *p, vmir_opcode op) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < p->insn_count; i++) n += p->insns[i].op == op;
  return n;
}

uint32_t inspect_count_op_a0(const vmir_program *p, vmir_opcode op, int64_t a0) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < p->insn_count; i++)
    n += p->insns[i].op == op && p->insns[i].operand[0] == a0;
  return n;
}

uint32_t inspect_count_op_in(const vmir_program *p, uint32_t proc, vmir_opcode op) {
  uint32_t n = 0;
  for (uint32_t b = 0; b < inspect_block_count(p, proc); b++)
    for (uint32_t i = 0; i < inspect_insn_count(p, proc, b); i++)
      n += inspect_insn(p, proc, b, i)->op == op;
  return n;
}

const uint32_t *inspect_list(const vmir_program *p, int64_t list, uint32_t *n) {
  if (list < 0 || (uint64_t)list >= p->list_count) {
    *n = 0;
    return NULL;
  }
  *n = p->lists[list].len;
  return p->list_items + p->lists[list].start;
}

/* ---- rendering ------------------------------------------------------------- */

typedef struct text {
  char *s;
  size_t len, cap;
} text;

__attribute__((format(printf, 2, 3)))
static void put(text *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (t->len + (size_t)n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + (size_t)n + 1) cap *= 2;
    char *s = realloc(t->s, cap);
    if (!s) abort();
    t->s = s;
    t->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
  va_end(ap);
  t->len += (size_t)n;
}

static void put_operand(text *t, const vmir_program *p, vmir_operand_type type,
                        int64_t v) {
  uint32_t n = 0;
  const uint32_t *items;
  switch (type) {
    case VMIR_OPERAND_STRING:
      put(t, " \"%s\"", v >= 0 ? inspect_string(p, (uint32_t)v) : "<bad>");
      return;
    case VMIR_OPERAND_BLOCK: put(t, " b%" PRId64, v); return;
    case VMIR_OPERAND_PROC: put(t, " f%" PRId64, v); return;
    case VMIR_OPERAND_PRED: put(t, " p%" PRId64, v); return;
    case VMIR_OPERAND_BLOCKS:
      items = inspect_list(p, v, &n);
      put(t, " [");
      for (uint32_t i = 0; i < n; i++) put(t, i ? " b%u" : "b%u", items[i]);
      put(t, "]");
      return;
    case VMIR_OPERAND_BOOL: put(t, v ? " true" : " false"); return;
    default: put(t, " %" PRId64, v); return;
  }
}

static void put_proc(text *t, const vmir_program *p, uint32_t proc,
                     bool prefix) {
  for (uint32_t b = 0; b < inspect_block_count(p, proc); b++) {
    if (prefix) put(t, "f%u:", proc);
    put(t, "b%u:", b);
    for (uint32_t i = 0; i < inspect_insn_count(p, proc, b); i++) {
      const vmir_insn *in = inspect_insn(p, proc, b, i);
      const vmir_op_info *info = vmir_op_info_of(in->op);
      put(t, i ? "; %s" : " %s", info ? info->name : "?");
      for (uint8_t k = 0; info && k < info->operand_count; k++)
        put_operand(t, p, info->operands[k].type, in->operand[k]);
    }
    put(t, "\n");
  }
}

char *inspect_proc_text(const vmir_program *p, uint32_t proc) {
  text t = {0};
  put(&t, "%s", "");
  put_proc(&t, p, proc, false);
  return t.s;
}

char *inspect_program_text(const vmir_program *p) {
  text t = {0};
  put(&t, "%s", "");
  for (uint32_t f = 0; f < p->proc_count; f++) put_proc(&t, p, f, true);
  return t.s;
}

/* ---- call graph ------------------------------------------------------------- */

bool inspect_calls_reach(const vmir_program *p, uint32_t from, uint32_t to) {
  /* Breadth-first over procs; a proc is visited once. */
  uint32_t n = p->proc_count;
  uint32_t *queue = calloc(n ? n : 1, sizeof *queue);
  bool *seen = calloc(n ? n : 1, sizeof *seen);
  if (!queue || !seen) abort();
  uint32_t head = 0, tail = 0;
  bool found = false;
  if (from >= n) {
    free(queue);
    free(seen);
    return false;
  }
  seen[from] = true;
  queue[tail++] = from;
  while (head < tail && !found) {
    uint32_t f = queue[head++];
    for (uint32_t b = 0; b < inspect_block_count(p, f); b++) {
      for (uint32_t i = 0; i < inspect_insn_count(p, f, b); i++) {
        const vmir_insn *in = inspect_insn(p, f, b, i);
        if (in->op != VMIR_OP_CALL) continue;
        uint32_t callee = (uint32_t)in->operand[0];
        if (callee == to) found = true;
        if (callee < n && !seen[callee]) {
          seen[callee] = true;
          queue[tail++] = callee;
        }
      }
    }
  }
  free(queue);
  free(seen);
  return found;
}
