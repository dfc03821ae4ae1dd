/* Checks on loaded programs (see program_check.h). */
#include "program_check.h"

#include <stdlib.h>
#include <string.h>

#include "fixed_shapes.h"
#include "gen_value.h"
#include "tiers.h"

static void forms(const char *target, const vmir_program *p) {
  vmir_error err;
  size_t l1 = 0, l2 = 0, lb = 0;
  char *t1 = vmir_program_print_text(p, &l1);
  if (!t1) abort();
  vmir_program *q = vmir_program_parse_text(t1, l1, "<printed>", &err);
  if (!q) fz_fail(target, NULL, "printed program does not parse: %s\n%s", err.message, t1);
  if (!vmir_program_equal(p, q)) fz_fail(target, NULL, "text round trip changes the program\n%s", t1);
  char *t2 = vmir_program_print_text(q, &l2);
  if (!t2) abort();
  if (l1 != l2 || memcmp(t1, t2, l1) != 0)
    fz_fail(target, NULL, "print -> parse -> print is not a fixed point at byte %zu\n%s",
            fz_first_diff((const uint8_t *)t1, l1, (const uint8_t *)t2, l2), t1);
  uint8_t *bin = vmir_program_encode_binary(p, &lb);
  if (!bin) abort();
  vmir_program *r = vmir_program_decode_binary(bin, lb, &err);
  if (!r) fz_fail(target, NULL, "encoded program does not decode: %s\n%s", err.message, t1);
  if (!vmir_program_equal(p, r)) fz_fail(target, NULL, "binary round trip changes the program\n%s", t1);
  free(t1);
  free(t2);
  free(bin);
  vmir_program_free(q);
  vmir_program_free(r);
}

/* The verifier does not promise termination (a `jump` back to an earlier
 * block is a loop whatever it does), so a program is only run when every
 * cycle of every proc's blocks makes progress: emits an event (encode; the
 * recorder stops the run after 2^16 events) or consumes input (fused
 * decode, without cursor-restore). Recursion ends at the call depth limit. */
static bool progress_op(vmir_program_kind kind, uint32_t op) {
  const vmir_op_info *info = vmir_op_info_of(op);
  if (kind == VMIR_PROGRAM_ENCODE) return info && info->family == VMIR_FAMILY_EMISSION;
  return (op >= VMIR_OP_JSON_BEGIN_OBJECT && op <= VMIR_OP_JSON_EXPECT_END &&
          op != VMIR_OP_JSON_PEEK_NULL && op != VMIR_OP_JSON_PEEK_TOKEN) ||
         (op >= VMIR_OP_MSGPACK_READ_MAP_HEADER && op <= VMIR_OP_MSGPACK_EXPECT_END &&
          op != VMIR_OP_MSGPACK_PEEK_NIL && op != VMIR_OP_MSGPACK_PEEK_TOKEN) ||
         op == VMIR_OP_MSGPACK_READ_EXT || op == VMIR_OP_EXPECT_BYTES;
}

/* Calls f(target) for every block operand of instruction `in`. */
static bool block_has_cycle(const vmir_program *p, const vmir_proc *proc, uint32_t b, uint8_t *color,
                            const bool *progress);

static bool successor(const vmir_program *p, const vmir_proc *proc, int64_t t, uint8_t *color,
                      const bool *progress) {
  if (t < 0 || (uint64_t)t >= proc->block_count || progress[t]) return false;
  if (color[t] == 1) return true;
  return color[t] == 0 && block_has_cycle(p, proc, (uint32_t)t, color, progress);
}

/* DFS over the blocks that make no progress; true when one is on a cycle.
 * Recursion depth is bounded by the proc's block count, which programs
 * that reach here (loaded from at most a fuzz input's size) keep small. */
static bool block_has_cycle(const vmir_program *p, const vmir_proc *proc, uint32_t b, uint8_t *color,
                            const bool *progress) {
  color[b] = 1;
  const vmir_block *blk = &p->blocks[proc->first_block + b];
  for (uint32_t i = 0; i < blk->insn_count; i++) {
    const vmir_insn *in = &p->insns[blk->first_insn + i];
    const vmir_op_info *info = vmir_op_info_of(in->op);
    for (uint32_t k = 0; info && k < info->operand_count; k++) {
      if (info->operands[k].type == VMIR_OPERAND_BLOCK &&
          successor(p, proc, in->operand[k], color, progress))
        return true;
      if (info->operands[k].type == VMIR_OPERAND_BLOCKS && in->operand[k] >= 0 &&
          (uint64_t)in->operand[k] < p->list_count) {
        const vmir_span *l = &p->lists[in->operand[k]];
        for (uint32_t j = 0; j < l->len; j++)
          if (successor(p, proc, p->list_items[l->start + j], color, progress)) return true;
      }
    }
  }
  color[b] = 2;
  return false;
}

static bool terminates(const vmir_program *p) {
  for (uint32_t i = 0; i < p->insn_count; i++)
    if (p->insns[i].op == VMIR_OP_CURSOR_RESTORE) return false;
  bool ok = true;
  for (uint32_t f = 0; f < p->proc_count && ok; f++) {
    const vmir_proc *proc = &p->procs[f];
    uint8_t *color = calloc(proc->block_count + 1, 1);
    bool *progress = calloc(proc->block_count + 1, sizeof *progress);
    if (!color || !progress) abort();
    for (uint32_t b = 0; b < proc->block_count; b++) {
      const vmir_block *blk = &p->blocks[proc->first_block + b];
      for (uint32_t i = 0; i < blk->insn_count; i++)
        progress[b] |= progress_op(p->kind, p->insns[blk->first_insn + i].op);
    }
    for (uint32_t b = 0; b < proc->block_count && ok; b++)
      if (!progress[b] && color[b] == 0) ok = !block_has_cycle(p, proc, b, color, progress);
    free(color);
    free(progress);
  }
  return ok;
}

/* A verified program must run to a status; which one does not matter. */
static void run(const vmir_program *p, const vmir_shape *shape, vmir_executable *exe, uint32_t pick) {
  vmir_error err;
  if (!terminates(p)) {
    fz_stat("verified, not run: a cycle without progress");
    return;
  }
  if (p->kind == VMIR_PROGRAM_ENCODE) {
    vmir_arena arena;
    vmir_arena_init(&arena, 1u << 20);
    vmir_gen g = {.state = pick, .arena = &arena, .max_list = 3, .max_depth = 4, .top_list = 0};
    void *value = vmir_arena_alloc(&arena, shape->size ? shape->size : 1, shape->align);
    vmir_sink *sink = fz_sink(FZ_SINK_EVENTS);
    vmir_recorder_fail_at(fz_recorder(), 1u << 16);
    if (value && vmir_gen_value(&g, shape, value)) {
      fz_stat("verified, encoded");
      vmir_encode(exe, value, shape, sink, &fz_env, &err);
    }
    vmir_arena_free(&arena);
  } else if (p->kind == VMIR_PROGRAM_FUSED) {
    static const char *const docs[] = {"{}", "[]", "null", "{\"id\":1,\"name\":\"x\"}", "\x81\xa1\x61\x01",
                                       "[1,2,{\"a\":[true]}]", "\x92\x01\xc0"};
    const char *d = docs[pick % (sizeof docs / sizeof docs[0])];
    void *dest = calloc(1, shape->size ? shape->size : 1);
    vmir_decoder *dec = vmir_decoder_new(NULL);
    if (!dest || !dec) abort();
    fz_stat("verified, decoded");
    vmir_decode(exe, d, strlen(d), dest, shape, dec, &fz_env, &err);
    vmir_decoder_free(dec);
    free(dest);
  }
}

void fz_program_check(const char *target, const vmir_program *p, uint32_t pick) {
  forms(target, p);
  const vmir_shape *shape = fz_fixed_by_id(p->shape_id);
  if (!shape) shape = fz_fixed_get(pick % fz_fixed_count())->shape;
  vmir_error err;
  vmir_error_clear(&err);
  vmir_status st = vmir_verify(p, shape, &err);
  if (st != VMIR_OK && err.code != st)
    fz_fail(target, shape, "verify returns %s but its error says %s", vmir_status_name(st),
            vmir_status_name(err.code));
  vmir_executable *exe = vmir_executable_new(p, shape, &err);
  if ((st == VMIR_OK) != (exe != NULL))
    fz_fail(target, shape, "verify says %s but the executor %s", vmir_status_name(st),
            exe ? "accepts the program" : err.message);
  if (!exe) return;
  run(p, shape, exe, pick);
  vmir_executable_free(exe);
}
