/* Shape inference over the executable's CFG: a worklist over blocks with
 * a small stack of shapes (the proc-local path stack) at each block start. */
#include "jit/infer.h"

#include <stdlib.h>
#include <string.h>

/* Deeper local nesting than this is left to the dynamic stencils. */
#define DEPTH 12
#define TOP 0xff         /* unbalanced or too deep: nothing known */

/* "Reached with different shapes". NULL is "not reached yet". */
static const char conflict_marker;
#define CONFLICT ((const vmir_shape *)(const void *)&conflict_marker)

typedef struct state {
  uint8_t depth;         /* 0: block not reached; TOP: unknown */
  const vmir_shape *s[DEPTH];
} state;

typedef struct infer {
  const vmir_executable *exe;
  const vmir_program *p;
  state *blocks;         /* per global block index */
  const vmir_shape **entry;  /* per proc: shape it is called with */
  uint32_t *work;
  uint8_t *queued;
  uint32_t work_len;
  const vmir_shape **out;
} infer;

static const vmir_shape *merge(const vmir_shape *a, const vmir_shape *b) {
  if (!a) return b;
  if (!b || a == b) return a;
  return CONFLICT;
}

static uint32_t block_of(const infer *in, uint32_t pc) {
  const vmir_pc *at = &in->exe->pcs[pc];
  return in->p->procs[at->proc].first_block + at->block;
}

static void enqueue(infer *in, uint32_t b) {
  if (in->queued[b]) return;
  in->queued[b] = 1;
  in->work[in->work_len++] = b;
}

/* Joins `st` into the state at the start of block b. */
static void flow(infer *in, uint32_t b, const state *st) {
  state *dst = &in->blocks[b];
  bool changed = false;
  if (dst->depth == 0) {
    *dst = *st;
    changed = true;
  } else if (dst->depth != TOP) {
    if (st->depth != dst->depth) {
      dst->depth = TOP;
      changed = true;
    } else {
      for (uint32_t i = 0; i < st->depth; i++) {
        const vmir_shape *m = merge(dst->s[i], st->s[i]);
        if (m != dst->s[i]) {
          dst->s[i] = m;
          changed = true;
        }
      }
    }
  }
  if (changed) enqueue(in, b);
}

static void push(state *st, const vmir_shape *s) {
  if (st->depth == TOP) return;
  if (st->depth == DEPTH) {
    st->depth = TOP;
    return;
  }
  st->s[st->depth++] = s ? s : CONFLICT;
}

static const vmir_shape *known(const state *st) {
  if (st->depth == TOP || st->depth == 0) return CONFLICT;
  return st->s[st->depth - 1];
}

/* The shape an entering op pushes, or CONFLICT. */
static const vmir_shape *entered(const vmir_xinsn *x, const vmir_shape *s) {
  if (s == CONFLICT) return CONFLICT;
  switch ((vmir_opcode)x->op) {
    case VMIR_OP_ENTER_FIELD:
      if ((s->kind == VMIR_KIND_STRUCT || s->kind == VMIR_KIND_TUPLE) && x->a < s->u.fields.count)
        return s->u.fields.fields[x->a].shape;
      return CONFLICT;
    case VMIR_OP_ENTER_VARIANT_FIELD:
      if (s->kind == VMIR_KIND_ENUM && x->a < s->u.enumeration.count &&
          x->b < s->u.enumeration.variants[x->a].field_count)
        return s->u.enumeration.variants[x->a].fields[x->b].shape;
      return CONFLICT;
    case VMIR_OP_ENTER_SOME:
      return s->kind == VMIR_KIND_OPTION ? s->u.option.payload : CONFLICT;
    case VMIR_OP_ENTER_POINTEE:
      return s->kind == VMIR_KIND_POINTER ? s->u.pointer.target : CONFLICT;
    case VMIR_OP_ENTER_ELEMENT:
    case VMIR_OP_BUILD_PUSH_ELEMENT:
      return s->kind == VMIR_KIND_LIST || s->kind == VMIR_KIND_ARRAY ? s->u.sequence.element : CONFLICT;
    case VMIR_OP_ENTER_MAP_VALUE:
    case VMIR_OP_BUILD_PUSH_ENTRY:
      return s->kind == VMIR_KIND_MAP ? s->u.map.value : CONFLICT;
    default:
      return CONFLICT;
  }
}

static void call(infer *in, uint32_t proc, const vmir_shape *s) {
  const vmir_shape *m = merge(in->entry[proc], s);
  if (m == in->entry[proc]) return;
  in->entry[proc] = m;
  state st = {.depth = 1, .s = {m}};
  const vmir_proc *pr = &in->p->procs[proc];
  uint32_t b = pr->first_block + pr->entry_block;
  /* A changed entry shape replaces (it only ever rises to CONFLICT). */
  in->blocks[b] = st;
  enqueue(in, b);
}

static void run_block(infer *in, uint32_t b) {
  state st = in->blocks[b];
  const vmir_block *blk = &in->p->blocks[b];
  for (uint32_t k = 0; k < blk->insn_count; k++) {
    uint32_t pc = blk->first_insn + k;
    const vmir_xinsn *x = &in->exe->code[pc];
    in->out[pc] = merge(in->out[pc], known(&st));
    const vmir_op_info *info = vmir_op_info_of(x->op);
    switch ((vmir_opcode)x->op) {
      case VMIR_OP_ENTER_FIELD: case VMIR_OP_ENTER_VARIANT_FIELD: case VMIR_OP_ENTER_SOME:
      case VMIR_OP_ENTER_POINTEE: case VMIR_OP_ENTER_ELEMENT: case VMIR_OP_ENTER_MAP_VALUE:
      case VMIR_OP_BUILD_PUSH_ELEMENT: case VMIR_OP_BUILD_PUSH_ENTRY:
        push(&st, entered(x, known(&st)));
        break;
      case VMIR_OP_LEAVE:
        if (st.depth != TOP) {
          if (st.depth <= 1) st.depth = TOP;
          else st.depth--;
        }
        break;
      case VMIR_OP_CALL:
        call(in, x->a, known(&st));
        break;
      default:
        break;
    }
    if (!info || !info->terminator) continue;
    /* Successors: every block operand and block list of the terminator. */
    for (uint32_t o = 0; o < info->operand_count; o++) {
      const uint32_t *slot = o == 0 ? &x->a : o == 1 ? &x->b : &x->c;
      if (info->operands[o].type == VMIR_OPERAND_BLOCK) flow(in, block_of(in, *slot), &st);
      if (info->operands[o].type == VMIR_OPERAND_BLOCKS)
        for (uint32_t t = 0; t < x->list_len; t++) flow(in, block_of(in, x->targets[t]), &st);
    }
  }
}

bool vmir_stencil_infer_shapes(const vmir_executable *exe, const vmir_shape **shapes) {
  const vmir_program *p = exe->program;
  memset(shapes, 0, (size_t)p->insn_count * sizeof *shapes);
  infer in = {.exe = exe, .p = p, .out = shapes};
  in.blocks = calloc(p->block_count ? p->block_count : 1, sizeof *in.blocks);
  in.entry = calloc(p->proc_count ? p->proc_count : 1, sizeof *in.entry);
  in.work = malloc((p->block_count ? p->block_count : 1) * sizeof *in.work);
  in.queued = calloc(p->block_count ? p->block_count : 1, 1);
  bool ok = in.blocks && in.entry && in.work && in.queued;
  if (ok && p->proc_count) {
    call(&in, p->entry_proc, exe->root);
    while (in.work_len) {
      uint32_t b = in.work[--in.work_len];
      in.queued[b] = 0;
      run_block(&in, b);
    }
    for (uint32_t pc = 0; pc < p->insn_count; pc++)
      if (shapes[pc] == CONFLICT) shapes[pc] = NULL;
  }
  free(in.blocks);
  free(in.entry);
  free(in.work);
  free(in.queued);
  return ok;
}
