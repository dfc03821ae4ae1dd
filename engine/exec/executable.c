#include "exec/executable.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmir/verify.h"

static vmir_status nomem(vmir_error *err) {
  if (err) {
    vmir_error_clear(err);
    err->code = VMIR_E_NOMEM;
    strcpy(err->message, "out of memory while preparing the executable");
  }
  return VMIR_E_NOMEM;
}

static uint32_t block_start(const vmir_program *p, uint32_t proc, uint32_t block) {
  return p->blocks[p->procs[proc].first_block + block].first_insn;
}

/* Resolves one instruction's operands against its proc. */
static void resolve(const vmir_program *p, uint32_t proc,
                    const vmir_insn *in, vmir_xinsn *out, uint32_t **list_cursor) {
  const vmir_op_info *info = vmir_op_info_of(in->op);
  out->op = in->op;
  uint32_t *slots[3] = {&out->a, &out->b, &out->c};
  for (uint32_t k = 0; k < info->operand_count; k++) {
    int64_t v = in->operand[k];
    switch (info->operands[k].type) {
      case VMIR_OPERAND_BLOCK:
        *slots[k] = block_start(p, proc, (uint32_t)v);
        break;
      case VMIR_OPERAND_BLOCKS:
      case VMIR_OPERAND_STRINGS: {
        bool blocks = info->operands[k].type == VMIR_OPERAND_BLOCKS;
        vmir_span span = p->lists[v];
        uint32_t *dst = *list_cursor;
        for (uint32_t i = 0; i < span.len; i++) {
          uint32_t item = p->list_items[span.start + i];
          dst[i] = blocks ? block_start(p, proc, item) : item;
        }
        *list_cursor += span.len;
        *slots[k] = span.len;
        out->list_len = span.len;
        if (blocks) out->targets = dst;
        else out->keys = dst;
        break;
      }
      default:
        *slots[k] = (uint32_t)v;
        break;
    }
  }
}

/* Everything execution needs comes from the program and its shape: the
 * executable is derived from them alone, reads the program through const
 * pointers only, and never writes it.
 * t[impl format.ir.program-self-contained] t[impl format.parse.program-self-contained]
 * t[impl format.ir.program-immutable] t[impl format.ir.no-plan-indirection] */
vmir_executable *vmir_executable_new(const vmir_program *program,
                                     const vmir_shape *root, vmir_error *err) {
  vmir_error scratch;
  if (!err) err = &scratch;
  if (vmir_verify(program, root, err) != VMIR_OK) return NULL;
  vmir_executable *exe = calloc(1, sizeof *exe);
  if (!exe) { nomem(err); return NULL; }
  exe->program = program;
  exe->root = root;
  uint32_t n = program->insn_count;
  /* A list may be referenced by several instructions; size for the worst case. */
  size_t list_refs = 0;
  for (uint32_t i = 0; i < n; i++) {
    const vmir_op_info *info = vmir_op_info_of(program->insns[i].op);
    for (uint32_t k = 0; k < info->operand_count; k++)
      if (info->operands[k].type == VMIR_OPERAND_BLOCKS ||
          info->operands[k].type == VMIR_OPERAND_STRINGS)
        list_refs += program->lists[program->insns[i].operand[k]].len;
  }
  exe->code = calloc(n ? n : 1, sizeof *exe->code);
  exe->pcs = calloc(n ? n : 1, sizeof *exe->pcs);
  exe->proc_entry = calloc(program->proc_count ? program->proc_count : 1, sizeof *exe->proc_entry);
  exe->list_targets = calloc(list_refs ? list_refs : 1, sizeof *exe->list_targets);
  exe->strings = calloc(program->string_count ? program->string_count : 1, sizeof *exe->strings);
  exe->key_guesses = calloc(n ? n : 1, sizeof *exe->key_guesses);
  if (!exe->code || !exe->pcs || !exe->proc_entry || !exe->list_targets || !exe->strings ||
      !exe->key_guesses) {
    vmir_executable_free(exe);
    nomem(err);
    return NULL;
  }
  for (uint32_t s = 0; s < program->string_count; s++) {
    exe->strings[s].ptr = program->string_bytes + program->strings[s].start;
    exe->strings[s].len = program->strings[s].len;
  }
  uint32_t *list_cursor = exe->list_targets;
  for (uint32_t p = 0; p < program->proc_count; p++) {
    const vmir_proc *proc = &program->procs[p];
    exe->proc_entry[p] = block_start(program, p, proc->entry_block);
    for (uint32_t b = 0; b < proc->block_count; b++) {
      const vmir_block *blk = &program->blocks[proc->first_block + b];
      for (uint32_t i = 0; i < blk->insn_count; i++) {
        uint32_t at = blk->first_insn + i;
        resolve(program, p, &program->insns[at], &exe->code[at], &list_cursor);
        exe->pcs[at] = (vmir_pc){p, b, i};
      }
    }
  }
  atomic_init(&exe->hotness, 0);
  atomic_init(&exe->root_alias, NULL);
  atomic_init(&exe->tier, NULL);
  return exe;
}

void vmir_executable_free(vmir_executable *exe) {
  if (!exe) return;
  vmir_tier_hook *tier = atomic_load(&exe->tier);
  if (tier) tier->release(tier);
  free(exe->code);
  free(exe->pcs);
  free(exe->proc_entry);
  free(exe->list_targets);
  free(exe->strings);
  free(exe->key_guesses);
  free(exe);
}

const vmir_program *vmir_executable_program(const vmir_executable *exe) {
  return exe->program;
}

uint64_t vmir_executable_hotness(const vmir_executable *exe) {
  return atomic_load_explicit(&((vmir_executable *)exe)->hotness, memory_order_relaxed);
}

vmir_status vmir_exec_check_entry(const vmir_executable *exe, const vmir_shape *shape,
                                  vmir_program_kind kind, vmir_error *err) {
  const vmir_program *p = exe->program;
  /* t[impl format.ir.program-abi-version] t[impl format.parse.program-abi-version] */
  if (p->abi != VMIR_ABI_VERSION) {
    err->code = VMIR_E_ABI;
    snprintf(err->message, sizeof err->message, "program ABI %u, executor ABI %u", p->abi,
             VMIR_ABI_VERSION);
    return err->code;
  }
  /* The executable was verified against `exe->root`; another shape object
   * is accepted only when its id is the program's root shape id.
   * t[impl format.ir.exec-shape-guard] */
  bool known = shape == exe->root ||
               shape == atomic_load_explicit(&((vmir_executable *)exe)->root_alias, memory_order_relaxed);
  if (!known && vmir_shape_id(shape) == p->shape_id)
    atomic_store_explicit(&((vmir_executable *)exe)->root_alias, shape, memory_order_relaxed);
  else if (!known) {
    err->code = VMIR_E_SHAPE_ID;
    snprintf(err->message, sizeof err->message,
             "value shape id %llu is not the program's root shape id %llu",
             (unsigned long long)vmir_shape_id(shape), (unsigned long long)p->shape_id);
    return err->code;
  }
  if (p->kind != kind) {
    err->code = VMIR_E_USAGE;
    snprintf(err->message, sizeof err->message, "expected a %s program, not %s",
             vmir_program_kind_name(kind), vmir_program_kind_name(p->kind));
    return err->code;
  }
  return VMIR_OK;
}
