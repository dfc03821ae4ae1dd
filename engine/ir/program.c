/* Program lifetime and structural equality. A program is one allocation
 * (see builder.c), so freeing it is one free. */
#include <stdlib.h>
#include <string.h>

#include "vmir/program.h"

void vmir_program_free(vmir_program *program) { free(program); }

static bool spans_equal(const vmir_span *a, const vmir_span *b, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (a[i].start != b[i].start || a[i].len != b[i].len) return false;
  return true;
}

/* Compares pooled bytes through the spans, so that only the bytes that are
 * part of an entry matter (the string pool's NUL terminators included). */
static bool pool_equal(const vmir_span *sa, const void *pa,
                       const vmir_span *sb, const void *pb, uint32_t n,
                       size_t elem) {
  if (!spans_equal(sa, sb, n)) return false;
  for (uint32_t i = 0; i < n; i++) {
    if (sa[i].len == 0) continue;
    const unsigned char *a = (const unsigned char *)pa + (size_t)sa[i].start * elem;
    const unsigned char *b = (const unsigned char *)pb + (size_t)sb[i].start * elem;
    if (memcmp(a, b, (size_t)sa[i].len * elem) != 0) return false;
  }
  return true;
}

static bool header_equal(const vmir_program *a, const vmir_program *b) {
  return a->abi == b->abi && a->kind == b->kind && a->shape_id == b->shape_id &&
         a->entry_proc == b->entry_proc && a->string_count == b->string_count &&
         a->predicate_count == b->predicate_count &&
         a->proc_count == b->proc_count && a->block_count == b->block_count &&
         a->insn_count == b->insn_count && a->list_count == b->list_count &&
         a->blob_count == b->blob_count;
}

static bool predicates_equal(const vmir_program *a, const vmir_program *b) {
  for (uint32_t i = 0; i < a->predicate_count; i++) {
    const vmir_predicate *x = &a->predicates[i], *y = &b->predicates[i];
    if (x->test != y->test || x->host_id != y->host_id ||
        x->field_name != y->field_name)
      return false;
  }
  return true;
}

static bool code_equal(const vmir_program *a, const vmir_program *b) {
  for (uint32_t i = 0; i < a->proc_count; i++) {
    const vmir_proc *x = &a->procs[i], *y = &b->procs[i];
    if (x->first_block != y->first_block || x->block_count != y->block_count ||
        x->entry_block != y->entry_block)
      return false;
  }
  for (uint32_t i = 0; i < a->block_count; i++) {
    const vmir_block *x = &a->blocks[i], *y = &b->blocks[i];
    if (x->first_insn != y->first_insn || x->insn_count != y->insn_count)
      return false;
  }
  /* Field by field: vmir_insn has padding after `op`. */
  for (uint32_t i = 0; i < a->insn_count; i++) {
    const vmir_insn *x = &a->insns[i], *y = &b->insns[i];
    if (x->op != y->op) return false;
    for (int k = 0; k < VMIR_MAX_OPERANDS; k++)
      if (x->operand[k] != y->operand[k]) return false;
  }
  return true;
}

/* Builders lay programs out canonically (procs, blocks and operand pools in
 * index and use order), so structural equality is semantic equality. */
bool vmir_program_equal(const vmir_program *a, const vmir_program *b) {
  if (a == b) return true;
  if (!a || !b) return false;
  return header_equal(a, b) &&
         pool_equal(a->strings, a->string_bytes, b->strings, b->string_bytes,
                    a->string_count, 1) &&
         predicates_equal(a, b) && code_equal(a, b) &&
         pool_equal(a->lists, a->list_items, b->lists, b->list_items,
                    a->list_count, sizeof(uint32_t)) &&
         pool_equal(a->blobs, a->blob_bytes, b->blobs, b->blob_bytes,
                    a->blob_count, 1);
}
