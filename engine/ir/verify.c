/* The verifier: shape-aware checks before a program may run.
 *
 * The builder already checks the structure (ranges, terminators, an entry
 * proc); the verifier re-checks the ranges it relies on so that it never
 * reads out of bounds even for a program assembled by hand, then checks that
 * every opcode belongs to the program's kind and that navigation is typed and
 * balanced for the bound root shape. The rules: docs/verify.md.
 *
 * Navigation is checked by abstract interpretation: the state at a program
 * point is the stack of shapes on the path stack (relative to the base of
 * the current proc) plus the number of active loops. Every block is visited
 * once per proc and every proc once, with the state its first predecessor
 * (or caller) gives it; every other predecessor must give the identical
 * state. Stacks are persistent linked nodes, so a state is one node index.
 * Work is bounded by the instruction count plus a step budget, so hostile
 * programs (cycles, recursion, huge jump tables) terminate quickly. */
#include "vmir/verify.h"
#include "util/error_set.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds on the abstract state; beyond them the program is rejected with
 * VMIR_E_LIMIT rather than analysed at unbounded cost. */
#define VERIFY_MAX_PATH_DEPTH 256u   /* path entries within one proc */
#define VERIFY_MAX_LOOP_DEPTH 256u   /* active loops within one proc */
#define VERIFY_STEP_BUDGET (1u << 26) /* edges followed + join comparisons */
#define PEEK_TOKEN_CASES 7u

#define NO_NODE UINT32_MAX

typedef struct vnode {
  const vmir_shape *shape;
  uint32_t parent;              /* NO_NODE for the proc's base */
} vnode;

typedef struct vstate {
  uint32_t top;                 /* node of the current value */
  uint32_t depth;               /* path entries, >= 1 */
  uint32_t loops;               /* active loops begun in this proc */
} vstate;

typedef struct vblock {
  vstate in;
  bool seen;
} vblock;

typedef struct verifier {
  const vmir_program *p;
  const vmir_shape *root;
  vmir_error *err;
  /* per proc: entry shape (NULL until some call site or the entry reaches it) */
  const vmir_shape **proc_entry;
  uint32_t *proc_queue;
  uint32_t proc_head, proc_tail;
  /* per analysed proc, reused */
  vblock *blocks;
  uint32_t *block_queue;
  vnode *nodes;
  uint32_t node_count, node_cap;
  uint64_t budget;
} verifier;

/* ---- errors -------------------------------------------------------------- */

/* Tuple positions that are encoded: every field not flagged skip. */
static uint32_t wire_positions(const vmir_shape *tuple) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < tuple->u.fields.count; i++)
    if (!(tuple->u.fields.fields[i].flags & VMIR_FIELD_SKIP)) n++;
  return n;
}

static vmir_status fail_at(verifier *v, vmir_status code, uint32_t proc,
                           uint32_t block, uint32_t insn, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Every verifier message starts with the pc in the text form's labels. */
static vmir_status fail_at(verifier *v, vmir_status code, uint32_t proc,
                           uint32_t block, uint32_t insn, const char *fmt, ...) {
  vmir_error *err = v->err;
  if (!err) return code;
  vmir_error_clear(err);
  err->code = code;
  err->proc = (int32_t)proc;
  err->block = (int32_t)block;
  err->insn = (int32_t)insn;
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(err->message, sizeof err->message, "f%u:b%u:%u: %s", proc, block,
           insn, msg);
  return code;
}

static vmir_status fail_plain(vmir_error *err, vmir_status code,
                              const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static vmir_status fail_plain(vmir_error *err, vmir_status code,
                              const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmir_error_setv(err, code, fmt, ap);
  va_end(ap);
  return code;
}

/* "struct tw_user", or just the kind for anonymous shapes. Returns buf. */
static const char *describe(const vmir_shape *s, char *buf, size_t cap) {
  if (!s) {
    snprintf(buf, cap, "(no shape)");
    return buf;
  }
  const char *kind = (unsigned)s->kind < VMIR_KIND_COUNT ? vmir_kind_name(s->kind) : NULL;
  if (!kind) kind = "?";
  /* Leaf shapes are named after their kind: say "u32", not "u32 u32". */
  if (s->name && s->name[0] && strcmp(s->name, kind) != 0)
    snprintf(buf, cap, "%s %.48s", kind, s->name);
  else
    snprintf(buf, cap, "%s", kind);
  return buf;
}

/* ---- small helpers -------------------------------------------------------- */

static const vmir_op_info *op_of(const vmir_insn *in) {
  return vmir_op_info_of(in->op);
}

static bool idx_ok(int64_t v, uint64_t count) {
  return v >= 0 && (uint64_t)v < count;
}

/* The list behind a BLOCKS or STRINGS operand (range already checked). */
static const uint32_t *list_items(const vmir_program *p, int64_t list,
                                  uint32_t *len) {
  const vmir_span *s = &p->lists[list];
  *len = s->len;
  return p->list_items + s->start;
}

static bool has_prefix(const char *s, const char *prefix) {
  return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- structure: the ranges the verifier relies on ------------------------ */

static vmir_status check_operand(verifier *v, const vmir_proc *proc,
                                 uint32_t pi, uint32_t bi, uint32_t ii,
                                 const vmir_op_info *info, unsigned k,
                                 int64_t val) {
  const vmir_program *p = v->p;
  const char *name = info->name;
  const char *key = info->operands[k].key;
  switch (info->operands[k].type) {
    case VMIR_OPERAND_NONE:
    case VMIR_OPERAND_INT:
      return VMIR_OK;
    case VMIR_OPERAND_UINT:
      if (val < 0)
        return fail_at(v, VMIR_E_VERIFY, pi, bi, ii, "%s %s is negative", name, key);
      return VMIR_OK;
    case VMIR_OPERAND_BOOL:
      if (val != 0 && val != 1)
        return fail_at(v, VMIR_E_VERIFY, pi, bi, ii, "%s %s is not a boolean", name, key);
      return VMIR_OK;
    case VMIR_OPERAND_STRING:
      if (!idx_ok(val, p->string_count))
        return fail_at(v, VMIR_E_VERIFY, pi, bi, ii, "%s %s %lld out of range: %u strings",
                       name, key, (long long)val, p->string_count);
      return VMIR_OK;
    case VMIR_OPERAND_BLOCK:
      /* t[impl format.ir.compile-validate-block-targets] */
      if (!idx_ok(val, proc->block_count))
        return fail_at(v, VMIR_E_VERIFY, pi, bi, ii,
                       "%s %s: dangling block b%lld (f%u has %u blocks)", name, key,
                       (long long)val, pi, proc->block_count);
      return VMIR_OK;
    case VMIR_OPERAND_PROC:
      /* t[impl format.ir.compile-validate-proc-targets] */
      if (!idx_ok(val, p->proc_count))
        return fail_at(v, VMIR_E_VERIFY, pi, bi, ii,
                       "%s %s: dangling proc f%lld (%u procs)", name, key,
                       (long long)val, p->proc_count);
      return VMIR_OK;
    case VMIR_OPERAND_PRED:
      if (!idx_ok(val, p->predicate_count))
        return fail_at(v, VMIR_E_VERIFY, pi, bi, ii, "%s %s p%lld out of range: %u predicates",
                       name, key, (long long)val, p->predicate_count);
      return VMIR_OK;
    case VMIR_OPERAND_BYTES:
      if (!idx_ok(val, p->blob_count))
        return fail_at(v, VMIR_E_VERIFY, pi, bi, ii, "%s %s blob %lld out of range",
                       name, key, (long long)val);
      return VMIR_OK;
    case VMIR_OPERAND_BLOCKS:
    case VMIR_OPERAND_STRINGS: {
      if (!idx_ok(val, p->list_count))
        return fail_at(v, VMIR_E_VERIFY, pi, bi, ii, "%s %s list %lld out of range",
                       name, key, (long long)val);
      uint32_t len;
      const uint32_t *items = list_items(p, val, &len);
      bool blocks = info->operands[k].type == VMIR_OPERAND_BLOCKS;
      uint32_t limit = blocks ? proc->block_count : p->string_count;
      for (uint32_t j = 0; j < len; j++) {
        if (items[j] < limit) continue;
        if (blocks) /* t[impl format.ir.compile-validate-block-targets] */
          return fail_at(v, VMIR_E_VERIFY, pi, bi, ii,
                         "%s %s[%u]: dangling block b%u (f%u has %u blocks)", name,
                         key, j, items[j], pi, proc->block_count);
        return fail_at(v, VMIR_E_VERIFY, pi, bi, ii, "%s %s[%u]: string %u out of range",
                       name, key, j, items[j]);
      }
      return VMIR_OK;
    }
  }
  return fail_at(v, VMIR_E_VERIFY, pi, bi, ii, "%s: unknown operand type", name);
}

static vmir_status check_structure(verifier *v) {
  const vmir_program *p = v->p;
  if (p->proc_count == 0 || p->entry_proc >= p->proc_count)
    return fail_plain(v->err, VMIR_E_VERIFY, "entry-proc f%u: dangling (%u procs)",
                      p->entry_proc, p->proc_count);
  for (uint32_t pi = 0; pi < p->proc_count; pi++) {
    const vmir_proc *proc = &p->procs[pi];
    if (proc->block_count == 0 || proc->first_block > p->block_count ||
        proc->block_count > p->block_count - proc->first_block ||
        proc->entry_block >= proc->block_count)
      return fail_at(v, VMIR_E_VERIFY, pi, 0, 0, "proc f%u has a bad block range or entry", pi);
    for (uint32_t bi = 0; bi < proc->block_count; bi++) {
      const vmir_block *blk = &p->blocks[proc->first_block + bi];
      if (blk->insn_count == 0 || blk->first_insn > p->insn_count ||
          blk->insn_count > p->insn_count - blk->first_insn)
        return fail_at(v, VMIR_E_VERIFY, pi, bi, 0, "block b%u has a bad instruction range", bi);
      for (uint32_t ii = 0; ii < blk->insn_count; ii++) {
        const vmir_insn *in = &p->insns[blk->first_insn + ii];
        const vmir_op_info *info = op_of(in);
        if (!info)
          return fail_at(v, VMIR_E_VERIFY, pi, bi, ii, "unknown opcode %u", in->op);
        bool last = ii + 1 == blk->insn_count;
        if (info->terminator != last)
          return fail_at(v, VMIR_E_VERIFY, pi, bi, ii,
                         last ? "%s: block does not end in a terminator"
                              : "%s: terminator before the end of the block",
                         info->name);
        for (unsigned k = 0; k < info->operand_count && k < VMIR_MAX_OPERANDS; k++) {
          vmir_status st = check_operand(v, proc, pi, bi, ii, info, k, in->operand[k]);
          if (st != VMIR_OK) return st;
        }
      }
    }
  }
  return VMIR_OK;
}

/* ---- opcode families per program kind ------------------------------------ */

typedef enum lex_class { LEX_JSON, LEX_MSGPACK, LEX_EVENT, LEX_NEUTRAL } lex_class;

static lex_class lexing_class(const vmir_op_info *info) {
  if (has_prefix(info->name, "json-")) return LEX_JSON;
  if (has_prefix(info->name, "msgpack-")) return LEX_MSGPACK;
  if (has_prefix(info->name, "event-")) return LEX_EVENT;
  return LEX_NEUTRAL;
}

/* Which opcodes a program of each kind may hold (docs/verify.md, "Program
 * kinds"): encode reads a value and emits; decode lexes bytes and emits
 * build events; build reads events and builds; fused lexes and builds. */
static bool op_allowed(vmir_program_kind kind, uint32_t op, const vmir_op_info *info) {
  switch (info->family) {
    case VMIR_FAMILY_CONTROL:
    case VMIR_FAMILY_NAVIGATION:
    case VMIR_FAMILY_PREDICATE:
      return true;
    case VMIR_FAMILY_EMISSION:
      if (kind == VMIR_PROGRAM_DECODE) return true;
      /* emit-key/emit-token forward decode registers: parse side only */
      return kind == VMIR_PROGRAM_ENCODE && op != VMIR_OP_EMIT_KEY &&
             op != VMIR_OP_EMIT_TOKEN;
    case VMIR_FAMILY_LEXING: {
      lex_class c = lexing_class(info);
      if (kind == VMIR_PROGRAM_BUILD)
        return c == LEX_EVENT || op == VMIR_OP_SWITCH_KEY ||
               op == VMIR_OP_SWITCH_STRING || op == VMIR_OP_CURSOR_SAVE ||
               op == VMIR_OP_CURSOR_RESTORE || op == VMIR_OP_CURSOR_DROP;
      return (kind == VMIR_PROGRAM_DECODE || kind == VMIR_PROGRAM_FUSED) &&
             c != LEX_EVENT;
    }
    case VMIR_FAMILY_BUILD:
      return kind == VMIR_PROGRAM_BUILD || kind == VMIR_PROGRAM_FUSED;
  }
  return false;
}

static vmir_status check_families(verifier *v) {
  const vmir_program *p = v->p;
  const char *kind_name = vmir_program_kind_name(p->kind);
  if (!kind_name)
    return fail_plain(v->err, VMIR_E_VERIFY, "unknown program kind %u", (unsigned)p->kind);
  /* The first json-* and msgpack-* builtin seen, to report a mix of both. */
  int32_t seen[2][3] = {{-1, -1, -1}, {-1, -1, -1}};
  for (uint32_t pi = 0; pi < p->proc_count; pi++) {
    const vmir_proc *proc = &p->procs[pi];
    for (uint32_t bi = 0; bi < proc->block_count; bi++) {
      const vmir_block *blk = &p->blocks[proc->first_block + bi];
      for (uint32_t ii = 0; ii < blk->insn_count; ii++) {
        const vmir_insn *in = &p->insns[blk->first_insn + ii];
        const vmir_op_info *info = op_of(in);
        if (!op_allowed(p->kind, in->op, info))
          return fail_at(v, VMIR_E_VERIFY, pi, bi, ii,
                         "%s (%s) is not allowed in %s programs", info->name,
                         vmir_op_family_name(info->family), kind_name);
        if (info->family != VMIR_FAMILY_LEXING) continue;
        lex_class c = lexing_class(info);
        if (c != LEX_JSON && c != LEX_MSGPACK) continue;
        int mine = c == LEX_JSON ? 0 : 1;
        if (seen[mine][0] < 0) {
          seen[mine][0] = (int32_t)pi;
          seen[mine][1] = (int32_t)bi;
          seen[mine][2] = (int32_t)ii;
        }
        /* One program lowers for one format; both builtin sets in one
         * program is a compiler bug, not a dialect. */
        if (seen[1 - mine][0] >= 0)
          return fail_at(v, VMIR_E_VERIFY, pi, bi, ii,
                         "%s mixes %s and %s builtins (first %s builtin at f%d:b%d:%d)",
                         info->name, mine ? "msgpack" : "json", mine ? "json" : "msgpack",
                         mine ? "json" : "msgpack", seen[1 - mine][0],
                         seen[1 - mine][1], seen[1 - mine][2]);
      }
    }
  }
  return VMIR_OK;
}

/* ---- abstract interpretation of the path stack --------------------------- */

typedef struct pc {
  uint32_t proc, block, insn;
} pc;

static bool spend(verifier *v, uint64_t n) {
  if (v->budget < n) return false;
  v->budget -= n;
  return true;
}

static vmir_status over_budget(verifier *v, pc at) {
  return fail_at(v, VMIR_E_LIMIT, at.proc, at.block, at.insn,
                 "verification work limit exceeded");
}

static vmir_status push_node(verifier *v, pc at, const char *op, vstate *s,
                             const vmir_shape *shape) {
  char d[80];
  if (!shape)
    return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                   "%s: %s has no inner shape", op, describe(v->nodes[s->top].shape, d, sizeof d));
  if (s->depth >= VERIFY_MAX_PATH_DEPTH)
    return fail_at(v, VMIR_E_LIMIT, at.proc, at.block, at.insn,
                   "%s: path depth over %u within one proc", op, VERIFY_MAX_PATH_DEPTH);
  if (v->node_count == v->node_cap) {
    uint32_t cap = v->node_cap ? v->node_cap * 2 : 64;
    vnode *grown = realloc(v->nodes, (size_t)cap * sizeof *grown);
    if (!grown) return fail_plain(v->err, VMIR_E_NOMEM, "out of memory");
    v->nodes = grown;
    v->node_cap = cap;
  }
  v->nodes[v->node_count] = (vnode){shape, s->top};
  s->top = v->node_count++;
  s->depth++;
  return VMIR_OK;
}

/* Equal depth, loops and shape stacks; walks the two chains until they meet. */
static int states_equal(verifier *v, vstate a, vstate b) {
  if (a.depth != b.depth || a.loops != b.loops) return 0;
  uint32_t x = a.top, y = b.top;
  while (x != y) {
    if (!spend(v, 1)) return -1;
    if (x == NO_NODE || y == NO_NODE) return 0;
    if (v->nodes[x].shape != v->nodes[y].shape) return 0;
    x = v->nodes[x].parent;
    y = v->nodes[y].parent;
  }
  return 1;
}

/* Passes `s` along the edge to block `to`: first visit records and queues
 * it; later visits must agree. */
static vmir_status flow_to(verifier *v, pc at, const char *op, uint32_t to,
                           vstate s, uint32_t *queued) {
  if (!spend(v, 1)) return over_budget(v, at);
  vblock *b = &v->blocks[to];
  if (!b->seen) {
    b->seen = true;
    b->in = s;
    v->block_queue[(*queued)++] = to;
    return VMIR_OK;
  }
  int eq = states_equal(v, b->in, s);
  if (eq < 0) return over_budget(v, at);
  if (eq) return VMIR_OK;
  char d1[80], d2[80];
  return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                 "%s: inconsistent navigation at join into b%u: depth %u, %u loops, at %s "
                 "here; depth %u, %u loops, at %s before",
                 op, to, s.depth, s.loops, describe(v->nodes[s.top].shape, d1, sizeof d1),
                 b->in.depth, b->in.loops,
                 describe(v->nodes[b->in.top].shape, d2, sizeof d2));
}

/* Shape requirements: reject unless the current shape has one of the kinds. */
static vmir_status need(verifier *v, pc at, const char *op, const vmir_shape *cur,
                        bool ok, const char *what) {
  if (ok) return VMIR_OK;
  char d[80];
  return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                 "%s needs %s, current value is %s", op, what, describe(cur, d, sizeof d));
}

static vmir_status need_loop(verifier *v, pc at, const char *op, const vstate *s) {
  if (s->loops > 0) return VMIR_OK;
  return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                 "%s outside of a loop (no loop-begin active in this proc)", op);
}

static bool is_kind(const vmir_shape *s, vmir_kind k) { return s->kind == k; }
static bool is_fields(const vmir_shape *s) {
  return s->kind == VMIR_KIND_STRUCT || s->kind == VMIR_KIND_TUPLE;
}
static bool is_seq(const vmir_shape *s) {
  return s->kind == VMIR_KIND_LIST || s->kind == VMIR_KIND_ARRAY;
}

/* A struct/tuple field index in range; `field` receives the field. */
static vmir_status field_index(verifier *v, pc at, const char *op, const vmir_shape *cur,
                               int64_t index, const vmir_field **field) {
  vmir_status st = need(v, at, op, cur, is_fields(cur), "a struct or tuple");
  if (st != VMIR_OK) return st;
  /* t[impl format.ir.compile-validate-indices] */
  if (!idx_ok(index, cur->u.fields.count) || !cur->u.fields.fields) {
    char d[80];
    return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                   "%s index %lld out of range: %s has %u fields", op, (long long)index,
                   describe(cur, d, sizeof d), cur->u.fields.count);
  }
  *field = &cur->u.fields.fields[index];
  return VMIR_OK;
}

static vmir_status variant_index(verifier *v, pc at, const char *op, const vmir_shape *cur,
                                 int64_t variant) {
  vmir_status st = need(v, at, op, cur, is_kind(cur, VMIR_KIND_ENUM), "an enum");
  if (st != VMIR_OK) return st;
  /* t[impl format.ir.compile-validate-indices] */
  if (!idx_ok(variant, cur->u.enumeration.count) || !cur->u.enumeration.variants) {
    char d[80];
    return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                   "%s variant %lld out of range: %s has %u variants", op,
                   (long long)variant, describe(cur, d, sizeof d), cur->u.enumeration.count);
  }
  return VMIR_OK;
}

/* build-field on an enum marks a field of the active variant: the index
 * must fit at least one variant (the executor checks the active one). */
static vmir_status variant_field_index(verifier *v, pc at, const char *op,
                                       const vmir_shape *cur, int64_t index) {
  uint32_t most = 0;
  for (uint32_t k = 0; k < cur->u.enumeration.count && cur->u.enumeration.variants; k++)
    if (cur->u.enumeration.variants[k].field_count > most)
      most = cur->u.enumeration.variants[k].field_count;
  if (idx_ok(index, most)) return VMIR_OK;
  char d[80];
  /* t[impl format.ir.compile-validate-indices] */
  return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                 "%s index %lld out of range: no variant of %s has more than %u fields",
                 op, (long long)index, describe(cur, d, sizeof d), most);
}

/* The callee's entry shape: set by the first call that reaches it; every
 * other call must enter with the same current shape. */
static vmir_status enter_proc(verifier *v, pc at, uint32_t callee, const vmir_shape *cur) {
  const vmir_shape *known = v->proc_entry[callee];
  if (!known) {
    v->proc_entry[callee] = cur;
    v->proc_queue[v->proc_tail++] = callee;
    return VMIR_OK;
  }
  if (known == cur) return VMIR_OK;
  char d1[80], d2[80];
  return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                 "call f%u with current value %s, but f%u is entered with %s elsewhere",
                 callee, describe(cur, d1, sizeof d1), callee, describe(known, d2, sizeof d2));
}

/* Applies one non-terminator (or the shape check of a terminator) to `s`. */
static vmir_status step(verifier *v, pc at, const vmir_insn *in, vstate *s) {
  const vmir_program *p = v->p;
  const vmir_op_info *info = op_of(in);
  const char *op = info->name;
  const vmir_shape *cur = v->nodes[s->top].shape;
  const vmir_field *field = NULL;
  vmir_status st = VMIR_OK;
  char d[80];
  switch ((vmir_opcode)in->op) {
    /* navigation: typed pushes and balanced pops */
    case VMIR_OP_ENTER_FIELD:
      st = field_index(v, at, op, cur, in->operand[0], &field);
      return st != VMIR_OK ? st : push_node(v, at, op, s, field->shape);
    case VMIR_OP_ENTER_VARIANT_FIELD: {
      st = variant_index(v, at, op, cur, in->operand[0]);
      if (st != VMIR_OK) return st;
      const vmir_variant *var = &cur->u.enumeration.variants[in->operand[0]];
      /* t[impl format.ir.compile-validate-indices] */
      if (!idx_ok(in->operand[1], var->field_count) || !var->fields)
        return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                       "%s index %lld out of range: variant %lld (%.48s) of %s has %u fields",
                       op, (long long)in->operand[1], (long long)in->operand[0],
                       var->name ? var->name : "?", describe(cur, d, sizeof d),
                       var->field_count);
      return push_node(v, at, op, s, var->fields[in->operand[1]].shape);
    }
    case VMIR_OP_ENTER_SOME:
      st = need(v, at, op, cur, is_kind(cur, VMIR_KIND_OPTION), "an option");
      return st != VMIR_OK ? st : push_node(v, at, op, s, cur->u.option.payload);
    case VMIR_OP_ENTER_POINTEE:
      st = need(v, at, op, cur, is_kind(cur, VMIR_KIND_POINTER), "a pointer");
      return st != VMIR_OK ? st : push_node(v, at, op, s, cur->u.pointer.target);
    case VMIR_OP_ENTER_ELEMENT:
      st = need(v, at, op, cur, is_seq(cur), "a list or array");
      if (st == VMIR_OK) st = need_loop(v, at, op, s);
      return st != VMIR_OK ? st : push_node(v, at, op, s, cur->u.sequence.element);
    case VMIR_OP_ENTER_MAP_VALUE:
      st = need(v, at, op, cur, is_kind(cur, VMIR_KIND_MAP), "a map");
      if (st == VMIR_OK) st = need_loop(v, at, op, s);
      return st != VMIR_OK ? st : push_node(v, at, op, s, cur->u.map.value);
    case VMIR_OP_BUILD_PUSH_ELEMENT:
      st = need(v, at, op, cur, is_seq(cur), "a list or array");
      return st != VMIR_OK ? st : push_node(v, at, op, s, cur->u.sequence.element);
    case VMIR_OP_BUILD_PUSH_ENTRY:
      st = need(v, at, op, cur, is_kind(cur, VMIR_KIND_MAP), "a map");
      return st != VMIR_OK ? st : push_node(v, at, op, s, cur->u.map.value);
    case VMIR_OP_LEAVE:
      /* t[impl format.ir.exec-stack-balance] */
      if (s->depth <= 1)
        return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                       "leave at the base of f%u: would leave the %s scope", at.proc,
                       at.proc == p->entry_proc ? "root" : "proc's entry");
      s->top = v->nodes[s->top].parent;
      s->depth--;
      return VMIR_OK;

    /* loops */
    case VMIR_OP_LOOP_BEGIN:
      st = need(v, at, op, cur, is_seq(cur) || is_kind(cur, VMIR_KIND_MAP),
                "a list, array or map");
      if (st != VMIR_OK) return st;
      /* fall through */
    case VMIR_OP_LOOP_BEGIN_COUNT:
      if (s->loops >= VERIFY_MAX_LOOP_DEPTH)
        return fail_at(v, VMIR_E_LIMIT, at.proc, at.block, at.insn,
                       "%s: more than %u nested loops within one proc", op,
                       VERIFY_MAX_LOOP_DEPTH);
      s->loops++;
      return VMIR_OK;
    case VMIR_OP_LOOP_STEP:
    case VMIR_OP_LOOP_NEXT:
      return need_loop(v, at, op, s);
    case VMIR_OP_LOOP_EXIT:
      st = need_loop(v, at, op, s);
      if (st == VMIR_OK) s->loops--;
      return st;

    /* calls */
    case VMIR_OP_CALL:
      return enter_proc(v, at, (uint32_t)in->operand[0], cur);
    case VMIR_OP_RET:
      /* t[impl format.ir.exec-stack-balance] */
      if (s->depth != 1 || s->loops != 0)
        return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                       "ret with unbalanced navigation: %u path entries and %u loops "
                       "above the proc's entry (want 0 and 0)",
                       s->depth - 1, s->loops);
      return VMIR_OK;

    /* control over the current value */
    case VMIR_OP_BRANCH_SOME:
    case VMIR_OP_BUILD_SET_NONE:
    case VMIR_OP_BUILD_SET_SOME:
      return need(v, at, op, cur, is_kind(cur, VMIR_KIND_OPTION), "an option");
    case VMIR_OP_SWITCH_VARIANT: {
      st = need(v, at, op, cur, is_kind(cur, VMIR_KIND_ENUM), "an enum");
      if (st != VMIR_OK) return st;
      uint32_t len;
      list_items(p, in->operand[0], &len);
      /* t[impl format.ir.compile-validate-indices] */
      if (len != cur->u.enumeration.count)
        return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                       "switch-variant has %u cases: %s has %u variants", len,
                       describe(cur, d, sizeof d), cur->u.enumeration.count);
      return VMIR_OK;
    }

    /* emission */
    case VMIR_OP_EMIT_SCALAR:
    case VMIR_OP_BUILD_STORE:
      return need(v, at, op, cur, vmir_kind_is_scalar(cur->kind),
                  "a scalar (bool, integer, float, unit, string, bytes or timestamp)");
    case VMIR_OP_EMIT_BEGIN_SEQ:
    case VMIR_OP_BUILD_BEGIN_LIST:
    case VMIR_OP_BUILD_END_LIST:
      return need(v, at, op, cur, is_seq(cur), "a list or array");
    case VMIR_OP_EMIT_BEGIN_TUPLE:
      /* skipped positions are not on the wire */
      if (is_kind(cur, VMIR_KIND_TUPLE) && in->operand[0] != (int64_t)wire_positions(cur))
        return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                       "emit-begin-tuple len %lld: %s has %u fields on the wire",
                       (long long)in->operand[0], describe(cur, d, sizeof d),
                       wire_positions(cur));
      return VMIR_OK;
    case VMIR_OP_EMIT_MAP_KEY:
      st = need(v, at, op, cur, is_kind(cur, VMIR_KIND_MAP), "a map");
      return st != VMIR_OK ? st : need_loop(v, at, op, s);
    case VMIR_OP_EMIT_BEGIN_MAP:
    case VMIR_OP_BUILD_BEGIN_MAP:
    case VMIR_OP_BUILD_END_MAP:
      return need(v, at, op, cur, is_kind(cur, VMIR_KIND_MAP), "a map");
    case VMIR_OP_EMIT_VALUE:
      return need(v, at, op, cur, is_kind(cur, VMIR_KIND_VALUE), "a dynamic value");
    case VMIR_OP_BUILD_STORE_VALUE:
      /* bytes from formats without a bytes type arrive as a value (a JSON
       * array of numbers) and are converted on store */
      return need(v, at, op, cur, is_kind(cur, VMIR_KIND_VALUE) || is_kind(cur, VMIR_KIND_BYTES),
                  "a dynamic value or bytes");

    /* build actions */
    case VMIR_OP_BUILD_ALLOC_POINTEE:
      return need(v, at, op, cur, is_kind(cur, VMIR_KIND_POINTER), "a pointer");
    case VMIR_OP_BUILD_SELECT_VARIANT:
      return variant_index(v, at, op, cur, in->operand[0]);
    /* Field tracking works on a struct, a tuple, or the fields of the
     * active variant of an enum (which variant is a run-time matter). */
    case VMIR_OP_BUILD_BEGIN_STRUCT:
    case VMIR_OP_BUILD_END_STRUCT:
      return need(v, at, op, cur, is_fields(cur) || is_kind(cur, VMIR_KIND_ENUM),
                  "a struct, tuple or enum");
    case VMIR_OP_BUILD_FIELD:
      if (is_kind(cur, VMIR_KIND_ENUM)) return variant_field_index(v, at, op, cur, in->operand[0]);
      return field_index(v, at, op, cur, in->operand[0], &field);
    case VMIR_OP_BUILD_COLLECT_UNKNOWN: {
      st = need(v, at, op, cur, is_kind(cur, VMIR_KIND_STRUCT), "a struct");
      if (st == VMIR_OK) st = field_index(v, at, op, cur, in->operand[0], &field);
      if (st != VMIR_OK) return st;
      const vmir_shape *fs = field->shape;
      bool ok = fs && (fs->kind == VMIR_KIND_VALUE ||
                       (fs->kind == VMIR_KIND_MAP && fs->u.map.value &&
                        fs->u.map.value->kind == VMIR_KIND_VALUE));
      if (!ok)
        return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                       "build-collect-unknown field %lld (%.48s) is %s, not a value "
                       "or a map of values",
                       (long long)in->operand[0], field->name ? field->name : "?",
                       describe(fs, d, sizeof d));
      return VMIR_OK;
    }

    /* lexing: operand list shapes */
    case VMIR_OP_SWITCH_KEY:
    case VMIR_OP_SWITCH_STRING: {
      uint32_t nkeys, ncases;
      list_items(p, in->operand[0], &nkeys);
      list_items(p, in->operand[1], &ncases);
      if (nkeys != ncases)
        return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                       "%s has %u keys but %u cases", op, nkeys, ncases);
      return VMIR_OK;
    }
    case VMIR_OP_JSON_PEEK_TOKEN:
    case VMIR_OP_MSGPACK_PEEK_TOKEN:
    case VMIR_OP_EVENT_PEEK_TOKEN: {
      uint32_t len;
      list_items(p, in->operand[0], &len);
      if (len != PEEK_TOKEN_CASES)
        return fail_at(v, VMIR_E_VERIFY, at.proc, at.block, at.insn,
                       "%s has %u cases, needs %u (null, bool, number, string, bytes, "
                       "array, object)", op, len, PEEK_TOKEN_CASES);
      return VMIR_OK;
    }
    case VMIR_OP_BRANCH_PRED: {
      /* The builtin tests apply to some kinds only, as for skip-if fields
       * in shape validation; is-default and host tests take any value. */
      vmir_predicate_test t = p->predicates[in->operand[0]].test;
      if (t == VMIR_PRED_IS_NONE)
        return need(v, at, "branch-pred (is-none)", cur, is_kind(cur, VMIR_KIND_OPTION),
                    "an option");
      if (t == VMIR_PRED_IS_EMPTY)
        return need(v, at, "branch-pred (is-empty)", cur,
                    is_kind(cur, VMIR_KIND_STRING) || is_kind(cur, VMIR_KIND_BYTES) ||
                        is_kind(cur, VMIR_KIND_LIST) || is_kind(cur, VMIR_KIND_MAP),
                    "a string, bytes, list or map");
      return VMIR_OK;
    }
    default:
      /* The rest neither move on the path stack nor depend on its shape. */
      return VMIR_OK;
  }
}

/* Follows every block operand of a terminator. loop-next's exit edge leaves
 * the loop; every other edge keeps the state. */
static vmir_status successors(verifier *v, pc at, const vmir_insn *in, vstate s,
                              uint32_t *queued) {
  const vmir_op_info *info = op_of(in);
  for (unsigned k = 0; k < info->operand_count && k < VMIR_MAX_OPERANDS; k++) {
    vmir_operand_type t = info->operands[k].type;
    vstate out = s;
    if (in->op == VMIR_OP_LOOP_NEXT && k == 1) out.loops--;
    if (t == VMIR_OPERAND_BLOCK) {
      vmir_status st = flow_to(v, at, info->name, (uint32_t)in->operand[k], out, queued);
      if (st != VMIR_OK) return st;
    } else if (t == VMIR_OPERAND_BLOCKS) {
      uint32_t len;
      const uint32_t *items = list_items(v->p, in->operand[k], &len);
      for (uint32_t j = 0; j < len; j++) {
        vmir_status st = flow_to(v, at, info->name, items[j], out, queued);
        if (st != VMIR_OK) return st;
      }
    }
  }
  return VMIR_OK;
}

/* Analyses one proc from its entry shape: a worklist over its blocks. */
static vmir_status verify_proc(verifier *v, uint32_t pi) {
  const vmir_program *p = v->p;
  const vmir_proc *proc = &p->procs[pi];
  memset(v->blocks, 0, (size_t)proc->block_count * sizeof *v->blocks);
  v->node_count = 0;
  v->nodes[v->node_count++] = (vnode){v->proc_entry[pi], NO_NODE};
  uint32_t head = 0, queued = 0;
  v->blocks[proc->entry_block].seen = true;
  v->blocks[proc->entry_block].in = (vstate){0, 1, 0};
  v->block_queue[queued++] = proc->entry_block;
  while (head < queued) {
    uint32_t bi = v->block_queue[head++];
    const vmir_block *blk = &p->blocks[proc->first_block + bi];
    vstate s = v->blocks[bi].in;
    for (uint32_t ii = 0; ii < blk->insn_count; ii++) {
      const vmir_insn *in = &p->insns[blk->first_insn + ii];
      pc at = {pi, bi, ii};
      if (!spend(v, 1)) return over_budget(v, at);
      vmir_status st = step(v, at, in, &s);
      if (st != VMIR_OK) return st;
      if (ii + 1 == blk->insn_count) {
        st = successors(v, at, in, s, &queued);
        if (st != VMIR_OK) return st;
      }
    }
  }
  return VMIR_OK;
}

static vmir_status verify_flow(verifier *v) {
  const vmir_program *p = v->p;
  uint32_t max_blocks = 1;
  for (uint32_t pi = 0; pi < p->proc_count; pi++)
    if (p->procs[pi].block_count > max_blocks) max_blocks = p->procs[pi].block_count;
  v->proc_entry = calloc(p->proc_count, sizeof *v->proc_entry);
  v->proc_queue = calloc(p->proc_count, sizeof *v->proc_queue);
  v->blocks = calloc(max_blocks, sizeof *v->blocks);
  v->block_queue = calloc(max_blocks, sizeof *v->block_queue);
  v->node_cap = 64;
  v->nodes = malloc(v->node_cap * sizeof *v->nodes);
  if (!v->proc_entry || !v->proc_queue || !v->blocks || !v->block_queue || !v->nodes)
    return fail_plain(v->err, VMIR_E_NOMEM, "out of memory");
  /* t[impl format.ir.program-root-shape] */
  /* The entry proc runs on the bound root shape; every other proc on the
   * shape its call sites agree on. */
  v->proc_entry[p->entry_proc] = v->root;
  v->proc_queue[v->proc_tail++] = p->entry_proc;
  while (v->proc_head < v->proc_tail) {
    vmir_status st = verify_proc(v, v->proc_queue[v->proc_head++]);
    if (st != VMIR_OK) return st;
  }
  return VMIR_OK;
}

/* ---- entry point ------------------------------------------------------------ */

vmir_status vmir_verify(const vmir_program *program, const vmir_shape *root,
                        vmir_error *err) {
  if (err) vmir_error_clear(err);
  if (!program || !root)
    return fail_plain(err, VMIR_E_USAGE, "vmir_verify: %s is NULL",
                      program ? "root shape" : "program");
  /* t[impl format.ir.program-abi-version] */
  if (program->abi != VMIR_ABI_VERSION)
    return fail_plain(err, VMIR_E_ABI, "program ABI %u, this library runs ABI %u",
                      program->abi, VMIR_ABI_VERSION);
  /* The shape is validated before hashing so that a malformed graph can
   * neither mislead the id nor the analysis below. */
  vmir_status st = vmir_shape_validate(root, err);
  if (st != VMIR_OK) return st;
  /* t[impl format.ir.program-root-shape] */
  uint64_t id = vmir_shape_id(root);
  if (id != program->shape_id)
    return fail_plain(err, VMIR_E_SHAPE_ID,
                      "program is bound to shape id %llu, root shape %.64s has id %llu",
                      (unsigned long long)program->shape_id,
                      root->name ? root->name : "(anonymous)", (unsigned long long)id);

  verifier v = {.p = program, .root = root, .err = err, .budget = VERIFY_STEP_BUDGET};
  st = check_structure(&v);
  if (st == VMIR_OK) st = check_families(&v);
  if (st == VMIR_OK) st = verify_flow(&v);
  free(v.proc_entry);
  free(v.proc_queue);
  free(v.blocks);
  free(v.block_queue);
  free(v.nodes);
  if (st == VMIR_OK && err) vmir_error_clear(err);
  return st;
}
