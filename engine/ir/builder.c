/* The program builder: the one way a vmir_program comes to exist. The text
 * parser, the binary decoder and the compiler all go through it, so the
 * structural checks below are shared by every loader.
 *
 * Misuse of the API (an unknown proc or block, a NULL pointer, a failed
 * allocation) is recorded once, the first time, and reported by
 * vmir_builder_finish; later calls keep going harmlessly so callers need not
 * check every step.
 *
 * vmir_builder_finish lays the program out in one allocation, procs and
 * blocks in index order, and canonicalizes the operand pools: every BLOCKS,
 * STRINGS and BYTES operand gets its own pool entry, numbered in instruction
 * order. The text form writes those operands inline, so this is what makes a
 * program built here equal (vmir_program_equal) to the program read back
 * from its text, and makes the binary form canonical. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmir/program.h"
#include "util/error_set.h"

typedef struct bblock {
  vmir_insn *insns;
  uint32_t count, cap;
} bblock;

typedef struct bproc {
  uint32_t *blocks;          /* indexes into builder->blocks, local order */
  uint32_t count, cap;
  uint32_t entry;
} bproc;

typedef struct vmir_builder {
  uint32_t abi;
  vmir_program_kind kind;
  uint64_t shape_id;

  vmir_span *strings;
  uint32_t string_count, string_cap;
  char *string_bytes;
  size_t string_bytes_len, string_bytes_cap;

  vmir_predicate *predicates;
  uint32_t predicate_count, predicate_cap;

  vmir_span *lists;
  uint32_t list_count, list_cap;
  uint32_t *list_items;
  size_t list_items_len, list_items_cap;

  vmir_span *blobs;
  uint32_t blob_count, blob_cap;
  uint8_t *blob_bytes;
  size_t blob_bytes_len, blob_bytes_cap;

  bproc *procs;
  uint32_t proc_count, proc_cap;
  bblock *blocks;
  uint32_t block_count, block_cap;

  bool entry_set;
  uint32_t entry_proc;

  /* The first misuse, reported by finish. */
  bool failed;
  vmir_error error;
} vmir_builder;

/* Every table and pool is indexed by uint32; keep one value spare so that
 * UINT32_MAX can mean "failed" in return values. */
#define MAX_COUNT (UINT32_MAX - 1u)
#define FAILED_INDEX UINT32_MAX

/* "1 block", "4 blocks": counts in messages. */
static const char *plural(uint64_t n) { return n == 1 ? "" : "s"; }

/* ---- errors ---------------------------------------------------------------- */

static void set_error_v(vmir_error *err, vmir_status code, int32_t proc,
                        int32_t block, int32_t insn, const char *fmt,
                        va_list ap) {
  vmir_error_setv(err, code, fmt, ap);
  err->proc = proc;
  err->block = block;
  err->insn = insn;
}

__attribute__((format(printf, 6, 7)))
static void set_error(vmir_error *err, vmir_status code, int32_t proc,
                      int32_t block, int32_t insn, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_error_v(err, code, proc, block, insn, fmt, ap);
  va_end(ap);
}

/* Records the first misuse; later ones would only be consequences. */
__attribute__((format(printf, 3, 4)))
static void misuse(vmir_builder *b, vmir_status code, const char *fmt, ...) {
  if (b->failed) return;
  b->failed = true;
  va_list ap;
  va_start(ap, fmt);
  set_error_v(&b->error, code, -1, -1, -1, fmt, ap);
  va_end(ap);
}

/* ---- growable arrays --------------------------------------------------------- */

/* Makes room for `need` elements of `elem` bytes in *items (capacity *cap,
 * in elements). Doubling keeps appends amortized O(1). */
static bool grow(vmir_builder *b, void **items, size_t *cap, size_t need,
                 size_t elem) {
  if (need <= *cap) return true;
  size_t next = *cap ? *cap : 8;
  while (next < need) {
    if (next > SIZE_MAX / 2) { next = need; break; }
    next *= 2;
  }
  if (next > SIZE_MAX / elem) {
    misuse(b, VMIR_E_NOMEM, "builder: table too large");
    return false;
  }
  void *p = realloc(*items, next * elem);
  if (!p) {
    misuse(b, VMIR_E_NOMEM, "builder: out of memory");
    return false;
  }
  *items = p;
  *cap = next;
  return true;
}

/* The same for tables whose capacity is a uint32 count. */
static bool grow32(vmir_builder *b, void **items, uint32_t *cap, uint32_t count,
                   size_t elem) {
  if (count >= MAX_COUNT) {
    misuse(b, VMIR_E_LIMIT, "builder: more than %u entries in a table",
           MAX_COUNT);
    return false;
  }
  size_t c = *cap;
  if (!grow(b, items, &c, (size_t)count + 1, elem)) return false;
  *cap = c > MAX_COUNT ? MAX_COUNT : (uint32_t)c;
  return true;
}

/* ---- construction -------------------------------------------------------------- */

vmir_builder *vmir_builder_new(vmir_program_kind kind, uint64_t shape_id) {
  vmir_builder *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->abi = VMIR_ABI_VERSION;
  b->kind = kind;
  b->shape_id = shape_id;
  return b;
}

void vmir_builder_free(vmir_builder *b) {
  if (!b) return;
  for (uint32_t i = 0; i < b->block_count; i++) free(b->blocks[i].insns);
  for (uint32_t i = 0; i < b->proc_count; i++) free(b->procs[i].blocks);
  free(b->strings);
  free(b->string_bytes);
  free(b->predicates);
  free(b->lists);
  free(b->list_items);
  free(b->blobs);
  free(b->blob_bytes);
  free(b->procs);
  free(b->blocks);
  free(b);
}

void vmir_builder_set_abi(vmir_builder *b, uint32_t abi) {
  if (b) b->abi = abi;
}

/* Appends `len` bytes plus a NUL to the string pool and returns the span. */
uint32_t vmir_builder_add_string(vmir_builder *b, const char *s, size_t len) {
  if (!b || b->failed) return FAILED_INDEX;
  if (!s && len) {
    misuse(b, VMIR_E_USAGE, "builder: add_string with NULL bytes");
    return FAILED_INDEX;
  }
  if (len > UINT32_MAX - 1u || b->string_bytes_len + len + 1 > UINT32_MAX) {
    misuse(b, VMIR_E_LIMIT, "builder: string pool exceeds 4 GiB");
    return FAILED_INDEX;
  }
  size_t cap = b->string_bytes_cap;
  if (!grow(b, (void **)&b->string_bytes, &cap, b->string_bytes_len + len + 1,
            1))
    return FAILED_INDEX;
  b->string_bytes_cap = cap;
  if (!grow32(b, (void **)&b->strings, &b->string_cap, b->string_count,
              sizeof *b->strings))
    return FAILED_INDEX;
  if (len) memcpy(b->string_bytes + b->string_bytes_len, s, len);
  b->string_bytes[b->string_bytes_len + len] = '\0';
  b->strings[b->string_count] =
      (vmir_span){(uint32_t)b->string_bytes_len, (uint32_t)len};
  b->string_bytes_len += len + 1;
  return b->string_count++;
}

/* A linear scan: string tables hold field and variant names, a few hundred
 * at most, and interning happens at compile time only. */
uint32_t vmir_builder_intern_string(vmir_builder *b, const char *s, size_t len) {
  if (!b || b->failed) return FAILED_INDEX;
  if (!s && len) {
    misuse(b, VMIR_E_USAGE, "builder: intern_string with NULL bytes");
    return FAILED_INDEX;
  }
  for (uint32_t i = 0; i < b->string_count; i++) {
    vmir_span sp = b->strings[i];
    if (sp.len == len && (len == 0 || memcmp(b->string_bytes + sp.start, s, len) == 0))
      return i;
  }
  return vmir_builder_add_string(b, s, len);
}

uint32_t vmir_builder_add_predicate(vmir_builder *b, vmir_predicate pred) {
  if (!b || b->failed) return FAILED_INDEX;
  if (!grow32(b, (void **)&b->predicates, &b->predicate_cap,
              b->predicate_count, sizeof *b->predicates))
    return FAILED_INDEX;
  b->predicates[b->predicate_count] = pred;
  return b->predicate_count++;
}

uint32_t vmir_builder_add_list(vmir_builder *b, const uint32_t *items,
                               uint32_t n) {
  if (!b || b->failed) return FAILED_INDEX;
  if (!items && n) {
    misuse(b, VMIR_E_USAGE, "builder: add_list with NULL items");
    return FAILED_INDEX;
  }
  if (b->list_items_len + n > UINT32_MAX) {
    misuse(b, VMIR_E_LIMIT, "builder: list pool exceeds 2^32 items");
    return FAILED_INDEX;
  }
  size_t cap = b->list_items_cap;
  if (!grow(b, (void **)&b->list_items, &cap, b->list_items_len + n,
            sizeof *b->list_items))
    return FAILED_INDEX;
  b->list_items_cap = cap;
  if (!grow32(b, (void **)&b->lists, &b->list_cap, b->list_count,
              sizeof *b->lists))
    return FAILED_INDEX;
  if (n) memcpy(b->list_items + b->list_items_len, items, n * sizeof *items);
  b->lists[b->list_count] = (vmir_span){(uint32_t)b->list_items_len, n};
  b->list_items_len += n;
  return b->list_count++;
}

uint32_t vmir_builder_add_blob(vmir_builder *b, const uint8_t *bytes,
                               uint32_t n) {
  if (!b || b->failed) return FAILED_INDEX;
  if (!bytes && n) {
    misuse(b, VMIR_E_USAGE, "builder: add_blob with NULL bytes");
    return FAILED_INDEX;
  }
  if (b->blob_bytes_len + n > UINT32_MAX) {
    misuse(b, VMIR_E_LIMIT, "builder: blob pool exceeds 4 GiB");
    return FAILED_INDEX;
  }
  size_t cap = b->blob_bytes_cap;
  if (!grow(b, (void **)&b->blob_bytes, &cap, b->blob_bytes_len + n, 1))
    return FAILED_INDEX;
  b->blob_bytes_cap = cap;
  if (!grow32(b, (void **)&b->blobs, &b->blob_cap, b->blob_count,
              sizeof *b->blobs))
    return FAILED_INDEX;
  if (n) memcpy(b->blob_bytes + b->blob_bytes_len, bytes, n);
  b->blobs[b->blob_count] = (vmir_span){(uint32_t)b->blob_bytes_len, n};
  b->blob_bytes_len += n;
  return b->blob_count++;
}

uint32_t vmir_builder_add_proc(vmir_builder *b) {
  if (!b || b->failed) return FAILED_INDEX;
  if (!grow32(b, (void **)&b->procs, &b->proc_cap, b->proc_count,
              sizeof *b->procs))
    return FAILED_INDEX;
  b->procs[b->proc_count] = (bproc){0};
  return b->proc_count++;
}

static bool proc_exists(vmir_builder *b, uint32_t proc, const char *call) {
  if (proc < b->proc_count) return true;
  misuse(b, VMIR_E_USAGE, "builder: %s: proc f%u does not exist (%u proc%s)",
         call, proc, b->proc_count, plural(b->proc_count));
  return false;
}

uint32_t vmir_builder_add_block(vmir_builder *b, uint32_t proc) {
  if (!b || b->failed || !proc_exists(b, proc, "add_block"))
    return FAILED_INDEX;
  bproc *p = &b->procs[proc];
  if (!grow32(b, (void **)&b->blocks, &b->block_cap, b->block_count,
              sizeof *b->blocks) ||
      !grow32(b, (void **)&p->blocks, &p->cap, p->count, sizeof *p->blocks))
    return FAILED_INDEX;
  b->blocks[b->block_count] = (bblock){0};
  p->blocks[p->count] = b->block_count++;
  return p->count++;
}

/* The entry block is checked at finish, like every other block reference,
 * so that the error names the proc in the usual pc form. */
void vmir_builder_set_proc_entry(vmir_builder *b, uint32_t proc,
                                 uint32_t block) {
  if (!b || b->failed || !proc_exists(b, proc, "set_proc_entry")) return;
  b->procs[proc].entry = block;
}

void vmir_builder_set_entry_proc(vmir_builder *b, uint32_t proc) {
  if (!b || b->failed) return;
  /* t[impl format.vm.sexp-entry-proc] */
  if (b->entry_set) {
    misuse(b, VMIR_E_VERIFY,
           "a program has exactly one entry proc (set to f%u, then f%u)",
           b->entry_proc, proc);
    return;
  }
  b->entry_set = true;
  b->entry_proc = proc;
}

void vmir_builder_emit(vmir_builder *b, uint32_t proc, uint32_t block,
                       vmir_opcode op, int64_t a0, int64_t a1, int64_t a2) {
  if (!b || b->failed || !proc_exists(b, proc, "emit")) return;
  bproc *p = &b->procs[proc];
  if (block >= p->count) {
    misuse(b, VMIR_E_USAGE, "builder: emit: block f%u:b%u does not exist "
           "(proc has %u block%s)", proc, block, p->count, plural(p->count));
    return;
  }
  if ((uint32_t)op >= VMIR_OP_COUNT) {
    misuse(b, VMIR_E_USAGE, "builder: emit: unknown opcode %u", (unsigned)op);
    return;
  }
  bblock *bb = &b->blocks[p->blocks[block]];
  if (!grow32(b, (void **)&bb->insns, &bb->cap, bb->count, sizeof *bb->insns))
    return;
  bb->insns[bb->count++] = (vmir_insn){(uint16_t)op, {a0, a1, a2}};
}

/* ---- structural checks ---------------------------------------------------------- */

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
static bool utf8_valid(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    size_t extra;
    uint32_t cp, min;
    if (c < 0x80) { i++; continue; }
    if ((c & 0xe0) == 0xc0) { extra = 1; cp = c & 0x1f; min = 0x80; }
    else if ((c & 0xf0) == 0xe0) { extra = 2; cp = c & 0x0f; min = 0x800; }
    else if ((c & 0xf8) == 0xf0) { extra = 3; cp = c & 0x07; min = 0x10000; }
    else return false;
    if (n - i <= extra) return false;
    for (size_t k = 1; k <= extra; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += extra + 1;
  }
  return true;
}

static bool check_header(const vmir_builder *b, vmir_error *err) {
  if ((unsigned)b->kind >= VMIR_PROGRAM_KIND_COUNT) {
    set_error(err, VMIR_E_VERIFY, -1, -1, -1, "invalid program kind %u",
              (unsigned)b->kind);
    return false;
  }
  if (b->abi == 0) {
    set_error(err, VMIR_E_VERIFY, -1, -1, -1, "ABI version 0 is not valid");
    return false;
  }
  if (b->proc_count == 0) {
    set_error(err, VMIR_E_VERIFY, -1, -1, -1, "program has no procs");
    return false;
  }
  /* t[impl format.vm.sexp-entry-proc] */
  if (!b->entry_set) {
    set_error(err, VMIR_E_VERIFY, -1, -1, -1, "program has no entry proc");
    return false;
  }
  if (b->entry_proc >= b->proc_count) {
    set_error(err, VMIR_E_VERIFY, -1, -1, -1,
              "entry proc f%u out of range (program has %u proc%s)",
              b->entry_proc, b->proc_count, plural(b->proc_count));
    return false;
  }
  return true;
}

static bool check_strings(const vmir_builder *b, vmir_error *err) {
  /* t[impl format.vm.sexp-string-format] */
  for (uint32_t i = 0; i < b->string_count; i++) {
    vmir_span sp = b->strings[i];
    if (!utf8_valid((const uint8_t *)b->string_bytes + sp.start, sp.len)) {
      set_error(err, VMIR_E_VERIFY, -1, -1, -1,
                "string %u is not valid UTF-8", i);
      return false;
    }
  }
  return true;
}

/* Predicates are descriptors only: a test, a host id for host tests, and the
 * string naming the guarded field. A host id on a builtin test would be
 * silently dropped by the text form, so it must be 0. */
static bool check_predicates(const vmir_builder *b, vmir_error *err) {
  for (uint32_t i = 0; i < b->predicate_count; i++) {
    vmir_predicate p = b->predicates[i];
    const char *why = NULL;
    char detail[96];
    if (p.test <= VMIR_PRED_NONE || p.test > VMIR_PRED_HOST) {
      snprintf(detail, sizeof detail, "invalid test %d", (int)p.test);
      why = detail;
    } else if (p.test != VMIR_PRED_HOST && p.host_id != 0) {
      snprintf(detail, sizeof detail,
               "host id %u on a builtin test (only host tests have one)",
               p.host_id);
      why = detail;
    } else if (p.field_name >= b->string_count) {
      snprintf(detail, sizeof detail,
               "field string %u out of range (table has %u string%s)",
               p.field_name, b->string_count, plural(b->string_count));
      why = detail;
    }
    if (why) {
      set_error(err, VMIR_E_VERIFY, -1, -1, -1, "p%u: %s", i, why);
      err->predicate = (int32_t)i;
      return false;
    }
  }
  return true;
}

/* Where the instruction under check sits, for messages and err's pc. */
typedef struct pc {
  uint32_t proc, block, insn;
} pc;

__attribute__((format(printf, 3, 4)))
static bool insn_error(vmir_error *err, pc at, const char *fmt, ...) {
  char what[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  set_error(err, VMIR_E_VERIFY, (int32_t)at.proc, (int32_t)at.block,
            (int32_t)at.insn, "f%u:b%u:%u: %s", at.proc, at.block, at.insn,
            what);
  return false;
}

static bool check_list_items(const vmir_builder *b, pc at, const char *key,
                             vmir_span list, uint32_t limit, const char *kind,
                             vmir_error *err) {
  for (uint32_t k = 0; k < list.len; k++) {
    uint32_t item = b->list_items[list.start + k];
    if (item >= limit) {
      if (kind[0] == 'b')
        return insn_error(err, at, "%s item %u: block target b%u out of range "
                          "(proc has %u block%s)", key, k, item, limit,
                          plural(limit));
      return insn_error(err, at, "%s item %u: string %u out of range "
                        "(table has %u string%s)", key, k, item, limit,
                        plural(limit));
    }
  }
  return true;
}

/* Range checks for one operand, by its declared type: no dangling block,
 * proc, string, predicate or pool reference survives finish.
 * t[impl format.ir.compile-validate-block-targets] */
/* t[impl format.ir.compile-validate-proc-targets] */
static bool check_operand(const vmir_builder *b, pc at, vmir_operand_info info,
                          uint32_t slot, int64_t v, vmir_error *err) {
  uint32_t blocks = b->procs[at.proc].count;
  switch (info.type) {
    case VMIR_OPERAND_NONE:
      /* Unused slots are 0 so that every form of the program is lossless. */
      if (v != 0)
        return insn_error(err, at, "unused operand %u must be 0, got %lld",
                          slot, (long long)v);
      return true;
    case VMIR_OPERAND_INT:
      return true;
    case VMIR_OPERAND_UINT:
      if (v < 0)
        return insn_error(err, at, "operand %s must be >= 0, got %lld",
                          info.key, (long long)v);
      return true;
    case VMIR_OPERAND_BOOL:
      if (v != 0 && v != 1)
        return insn_error(err, at, "operand %s must be 0 or 1, got %lld",
                          info.key, (long long)v);
      return true;
    case VMIR_OPERAND_STRING:
      if (v < 0 || v >= b->string_count)
        return insn_error(err, at, "string %lld out of range (table has %u "
                          "string%s)", (long long)v, b->string_count,
                          plural(b->string_count));
      return true;
    case VMIR_OPERAND_BLOCK:
      if (v < 0 || v >= blocks)
        return insn_error(err, at, "block target b%lld out of range (proc has "
                          "%u block%s)", (long long)v, blocks, plural(blocks));
      return true;
    case VMIR_OPERAND_PROC:
      if (v < 0 || v >= b->proc_count)
        return insn_error(err, at, "proc target f%lld out of range (program "
                          "has %u proc%s)", (long long)v, b->proc_count,
                          plural(b->proc_count));
      return true;
    case VMIR_OPERAND_PRED:
      if (v < 0 || v >= b->predicate_count)
        return insn_error(err, at, "predicate p%lld out of range (table has "
                          "%u predicate%s)", (long long)v, b->predicate_count,
                          plural(b->predicate_count));
      return true;
    case VMIR_OPERAND_BYTES:
      if (v < 0 || v >= b->blob_count)
        return insn_error(err, at, "blob %lld out of range (pool has %u "
                          "blob%s)", (long long)v, b->blob_count,
                          plural(b->blob_count));
      return true;
    case VMIR_OPERAND_BLOCKS:
    case VMIR_OPERAND_STRINGS:
      if (v < 0 || v >= b->list_count)
        return insn_error(err, at, "list %lld out of range (pool has %u "
                          "list%s)", (long long)v, b->list_count,
                          plural(b->list_count));
      if (info.type == VMIR_OPERAND_BLOCKS)
        return check_list_items(b, at, info.key, b->lists[v], blocks, "block",
                                err);
      return check_list_items(b, at, info.key, b->lists[v], b->string_count,
                              "string", err);
  }
  return insn_error(err, at, "operand %s has an unknown type", info.key);
}

/* A basic block: instructions, then exactly one terminator at the end, so
 * control flow between blocks is always an explicit edge.
 * t[impl format.vm.sexp-code-is-logic] */
/* t[impl format.ir.proc-cfg-only] */
static bool check_block(const vmir_builder *b, uint32_t proc, uint32_t local,
                        vmir_error *err) {
  const bblock *bb = &b->blocks[b->procs[proc].blocks[local]];
  if (bb->count == 0) {
    set_error(err, VMIR_E_VERIFY, (int32_t)proc, (int32_t)local, -1,
              "f%u:b%u: block is empty (it must end in a terminator)", proc,
              local);
    return false;
  }
  for (uint32_t i = 0; i < bb->count; i++) {
    pc at = {proc, local, i};
    const vmir_insn *insn = &bb->insns[i];
    const vmir_op_info *info = vmir_op_info_of(insn->op);
    bool last = i + 1 == bb->count;
    if (info->terminator && !last)
      return insn_error(err, at, "terminator %s before the end of the block",
                        info->name);
    if (!info->terminator && last)
      return insn_error(err, at, "block does not end in a terminator (last "
                        "instruction is %s)", info->name);
    for (uint32_t s = 0; s < VMIR_MAX_OPERANDS; s++)
      if (!check_operand(b, at, info->operands[s], s, insn->operand[s], err))
        return false;
  }
  return true;
}

static bool check_procs(const vmir_builder *b, vmir_error *err) {
  for (uint32_t p = 0; p < b->proc_count; p++) {
    const bproc *pr = &b->procs[p];
    if (pr->count == 0) {
      set_error(err, VMIR_E_VERIFY, (int32_t)p, -1, -1,
                "f%u: proc has no blocks", p);
      return false;
    }
    if (pr->entry >= pr->count) {
      set_error(err, VMIR_E_VERIFY, (int32_t)p, -1, -1,
                "f%u: entry block b%u out of range (proc has %u block%s)", p,
                pr->entry, pr->count, plural(pr->count));
      return false;
    }
    for (uint32_t k = 0; k < pr->count; k++)
      if (!check_block(b, p, k, err)) return false;
  }
  return true;
}

/* ---- layout ---------------------------------------------------------------------- */

/* Sizes of the canonical program, counted after the checks passed. */
typedef struct sizes {
  size_t insns, lists, list_items, blobs, blob_bytes;
} sizes;

static sizes count_sizes(const vmir_builder *b) {
  sizes z = {0};
  for (uint32_t p = 0; p < b->proc_count; p++) {
    const bproc *pr = &b->procs[p];
    for (uint32_t k = 0; k < pr->count; k++) {
      const bblock *bb = &b->blocks[pr->blocks[k]];
      z.insns += bb->count;
      for (uint32_t i = 0; i < bb->count; i++) {
        const vmir_op_info *info = vmir_op_info_of(bb->insns[i].op);
        for (uint32_t s = 0; s < VMIR_MAX_OPERANDS; s++) {
          vmir_operand_type t = info->operands[s].type;
          int64_t v = bb->insns[i].operand[s];
          if (t == VMIR_OPERAND_BLOCKS || t == VMIR_OPERAND_STRINGS) {
            z.lists++;
            z.list_items += b->lists[v].len;
          } else if (t == VMIR_OPERAND_BYTES) {
            z.blobs++;
            z.blob_bytes += b->blobs[v].len;
          }
        }
      }
    }
  }
  return z;
}

/* Bump allocator over the single program allocation. */
typedef struct arena {
  size_t size;
  uint8_t *base;
} arena;

#define ALIGN_UP(n, a) (((n) + (a) - 1) / (a) * (a))

/* Reserves n elements of `elem` bytes aligned to `align`; with base NULL it
 * only measures. Sizes here are bounded by the uint32 counts, so no overflow
 * on 64-bit size_t. */
static void *take(arena *a, size_t n, size_t elem, size_t align) {
  a->size = ALIGN_UP(a->size, align);
  void *p = a->base ? a->base + a->size : NULL;
  a->size += n * elem;
  return p;
}

typedef struct layout {
  vmir_program *prog;
  vmir_span *strings;
  char *string_bytes;
  vmir_predicate *predicates;
  vmir_proc *procs;
  vmir_block *blocks;
  vmir_insn *insns;
  vmir_span *lists;
  uint32_t *list_items;
  vmir_span *blobs;
  uint8_t *blob_bytes;
} layout;

static layout carve(arena *a, const vmir_builder *b, sizes z) {
  layout l;
  l.prog = take(a, 1, sizeof(vmir_program), _Alignof(vmir_program));
  l.strings = take(a, b->string_count, sizeof(vmir_span), _Alignof(vmir_span));
  l.predicates = take(a, b->predicate_count, sizeof(vmir_predicate),
                      _Alignof(vmir_predicate));
  l.procs = take(a, b->proc_count, sizeof(vmir_proc), _Alignof(vmir_proc));
  l.blocks = take(a, b->block_count, sizeof(vmir_block), _Alignof(vmir_block));
  l.insns = take(a, z.insns, sizeof(vmir_insn), _Alignof(vmir_insn));
  l.lists = take(a, z.lists, sizeof(vmir_span), _Alignof(vmir_span));
  l.list_items = take(a, z.list_items, sizeof(uint32_t), _Alignof(uint32_t));
  l.blobs = take(a, z.blobs, sizeof(vmir_span), _Alignof(vmir_span));
  /* At least one byte: an empty table still has a valid "" to point at. */
  l.string_bytes = take(a, b->string_bytes_len ? b->string_bytes_len : 1, 1, 1);
  l.blob_bytes = take(a, z.blob_bytes, 1, 1);
  return l;
}

/* Copies one pooled operand into the program's own pool, in use order. */
static int64_t copy_list(layout *l, uint32_t *lists, uint32_t *items,
                         const vmir_builder *b, int64_t v) {
  vmir_span src = b->lists[v];
  if (src.len)
    memcpy(l->list_items + *items, b->list_items + src.start,
           src.len * sizeof(uint32_t));
  l->lists[*lists] = (vmir_span){*items, src.len};
  *items += src.len;
  return (int64_t)(*lists)++;
}

static int64_t copy_blob(layout *l, uint32_t *blobs, uint32_t *bytes,
                         const vmir_builder *b, int64_t v) {
  vmir_span src = b->blobs[v];
  if (src.len) memcpy(l->blob_bytes + *bytes, b->blob_bytes + src.start, src.len);
  l->blobs[*blobs] = (vmir_span){*bytes, src.len};
  *bytes += src.len;
  return (int64_t)(*blobs)++;
}

static void fill_code(layout *l, const vmir_builder *b) {
  uint32_t block_at = 0, insn_at = 0, lists = 0, items = 0, blobs = 0,
           bytes = 0;
  for (uint32_t p = 0; p < b->proc_count; p++) {
    const bproc *pr = &b->procs[p];
    l->procs[p] = (vmir_proc){block_at, pr->count, pr->entry};
    for (uint32_t k = 0; k < pr->count; k++) {
      const bblock *bb = &b->blocks[pr->blocks[k]];
      l->blocks[block_at++] = (vmir_block){insn_at, bb->count};
      for (uint32_t i = 0; i < bb->count; i++) {
        vmir_insn insn = bb->insns[i];
        const vmir_op_info *info = vmir_op_info_of(insn.op);
        for (uint32_t s = 0; s < VMIR_MAX_OPERANDS; s++) {
          vmir_operand_type t = info->operands[s].type;
          if (t == VMIR_OPERAND_BLOCKS || t == VMIR_OPERAND_STRINGS)
            insn.operand[s] = copy_list(l, &lists, &items, b, insn.operand[s]);
          else if (t == VMIR_OPERAND_BYTES)
            insn.operand[s] = copy_blob(l, &blobs, &bytes, b, insn.operand[s]);
        }
        l->insns[insn_at++] = insn;
      }
    }
  }
}

static vmir_program *assemble(const vmir_builder *b, vmir_error *err) {
  sizes z = count_sizes(b);
  if (z.insns > UINT32_MAX || z.lists > UINT32_MAX ||
      z.list_items > UINT32_MAX || z.blobs > UINT32_MAX ||
      z.blob_bytes > UINT32_MAX) {
    set_error(err, VMIR_E_LIMIT, -1, -1, -1,
              "program exceeds 2^32 instructions or pool entries");
    return NULL;
  }
  arena measure = {0, NULL};
  carve(&measure, b, z);
  uint8_t *mem = calloc(1, measure.size);
  if (!mem) {
    set_error(err, VMIR_E_NOMEM, -1, -1, -1, "out of memory for the program");
    return NULL;
  }
  arena a = {0, mem};
  layout l = carve(&a, b, z);
  if (b->string_count)
    memcpy(l.strings, b->strings, b->string_count * sizeof(vmir_span));
  if (b->string_bytes_len)
    memcpy(l.string_bytes, b->string_bytes, b->string_bytes_len);
  if (b->predicate_count)
    memcpy(l.predicates, b->predicates,
           b->predicate_count * sizeof(vmir_predicate));
  fill_code(&l, b);
  *l.prog = (vmir_program){
      .abi = b->abi,
      .kind = b->kind,
      .shape_id = b->shape_id,
      .strings = l.strings,
      .string_count = b->string_count,
      .string_bytes = l.string_bytes,
      .predicates = l.predicates,
      .predicate_count = b->predicate_count,
      .procs = l.procs,
      .proc_count = b->proc_count,
      .blocks = l.blocks,
      .block_count = b->block_count,
      .insns = l.insns,
      .insn_count = (uint32_t)z.insns,
      .lists = l.lists,
      .list_count = (uint32_t)z.lists,
      .list_items = l.list_items,
      .blobs = l.blobs,
      .blob_count = (uint32_t)z.blobs,
      .blob_bytes = l.blob_bytes,
      .entry_proc = b->entry_proc,
  };
  return l.prog;
}

vmir_program *vmir_builder_finish(vmir_builder *b, vmir_error *err) {
  vmir_error scratch;
  if (!err) err = &scratch;
  if (!b) {
    set_error(err, VMIR_E_NOMEM, -1, -1, -1, "builder could not be created");
    return NULL;
  }
  vmir_program *prog = NULL;
  if (b->failed) {
    *err = b->error;
  } else if (check_header(b, err) && check_strings(b, err) &&
             check_predicates(b, err) && check_procs(b, err)) {
    prog = assemble(b, err);
    if (prog) vmir_error_clear(err);
  }
  vmir_builder_free(b);
  return prog;
}
