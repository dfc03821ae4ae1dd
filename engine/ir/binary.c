/* The canonical binary form (layout in docs/ir-forms.md):
 *
 *   "VMIR"                     4 bytes magic
 *   abi                        varint; must be VMIR_ABI_VERSION to decode
 *   kind                       varint
 *   shape id                   8 bytes little-endian
 *   strings predicates lists blobs code
 *                              5 varints: the byte length of each section
 *   the five sections          back to back, exactly those lengths
 *
 * Every integer is an unsigned LEB128 varint in its shortest form; signed
 * operands are zigzag-mapped first. A program has exactly one encoding: the
 * decoder rejects anything the encoder would not have written, and checks
 * that by re-encoding what it decoded.
 *
 * t[impl format.vm.binary-form-canonical] */
/* t[impl format.vm.text-binary-roundtrip] both forms hold every field of a
 * program (the builder's canonical pools make the text's inline lists
 * lossless), so text -> program -> binary -> program -> text is the identity. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "vmir/text.h"

#define MAGIC "VMIR"
#define MAGIC_LEN 4u
#define SECTIONS 5u

static const char *const section_names[SECTIONS] = {"strings", "predicates",
                                                    "lists", "blobs", "code"};

/* ---- encoding ---------------------------------------------------------------- */

static void put_varint(vmir_buf *out, uint64_t v) { vmir_buf_put_uleb128(out, v); }

/* Zigzag: small magnitudes of either sign stay short. Written without
 * shifting a negative value, which C leaves implementation-defined. */
static uint64_t zigzag(int64_t v) {
  return v < 0 ? ~((uint64_t)v << 1) : (uint64_t)v << 1;
}

static int64_t unzigzag(uint64_t u) {
  return (u & 1) ? -(int64_t)(u >> 1) - 1 : (int64_t)(u >> 1);
}

static void put_pool(vmir_buf *out, const vmir_span *spans, uint32_t count,
                     const uint8_t *bytes) {
  put_varint(out, count);
  for (uint32_t i = 0; i < count; i++) {
    put_varint(out, spans[i].len);
    vmir_buf_append(out, bytes + spans[i].start, spans[i].len);
  }
}

static void put_predicates(vmir_buf *out, const vmir_program *p) {
  put_varint(out, p->predicate_count);
  for (uint32_t i = 0; i < p->predicate_count; i++) {
    put_varint(out, (uint64_t)p->predicates[i].test);
    put_varint(out, p->predicates[i].host_id);
    put_varint(out, p->predicates[i].field_name);
  }
}

static void put_lists(vmir_buf *out, const vmir_program *p) {
  put_varint(out, p->list_count);
  for (uint32_t i = 0; i < p->list_count; i++) {
    put_varint(out, p->lists[i].len);
    for (uint32_t k = 0; k < p->lists[i].len; k++)
      put_varint(out, p->list_items[p->lists[i].start + k]);
  }
}

/* Only declared operands are written; the builder keeps the others 0. */
static void put_insn(vmir_buf *out, const vmir_insn *insn) {
  const vmir_op_info *info = vmir_op_info_of(insn->op);
  put_varint(out, insn->op);
  for (uint32_t s = 0; info && s < info->operand_count; s++) {
    int64_t v = insn->operand[s];
    put_varint(out, info->operands[s].type == VMIR_OPERAND_INT ? zigzag(v)
                                                               : (uint64_t)v);
  }
}

static void put_code(vmir_buf *out, const vmir_program *p) {
  put_varint(out, p->proc_count);
  put_varint(out, p->entry_proc);
  for (uint32_t f = 0; f < p->proc_count; f++) {
    const vmir_proc *proc = &p->procs[f];
    put_varint(out, proc->block_count);
    put_varint(out, proc->entry_block);
    for (uint32_t k = 0; k < proc->block_count; k++) {
      const vmir_block *block = &p->blocks[proc->first_block + k];
      put_varint(out, block->insn_count);
      for (uint32_t i = 0; i < block->insn_count; i++)
        put_insn(out, &p->insns[block->first_insn + i]);
    }
  }
}

uint8_t *vmir_program_encode_binary(const vmir_program *p, size_t *len_out) {
  if (len_out) *len_out = 0;
  if (!p) return NULL;
  vmir_buf sec[SECTIONS];
  for (uint32_t i = 0; i < SECTIONS; i++) vmir_buf_init(&sec[i]);
  put_pool(&sec[0], p->strings, p->string_count,
           (const uint8_t *)p->string_bytes);
  put_predicates(&sec[1], p);
  put_lists(&sec[2], p);
  put_pool(&sec[3], p->blobs, p->blob_count, p->blob_bytes);
  put_code(&sec[4], p);

  vmir_buf out;
  vmir_buf_init(&out);
  vmir_buf_append(&out, MAGIC, MAGIC_LEN);
  put_varint(&out, p->abi);
  put_varint(&out, (uint64_t)p->kind);
  uint8_t id[8];
  for (int i = 0; i < 8; i++) id[i] = (uint8_t)(p->shape_id >> (8 * i));
  vmir_buf_append(&out, id, sizeof id);
  bool failed = false;
  for (uint32_t i = 0; i < SECTIONS; i++) put_varint(&out, sec[i].len);
  for (uint32_t i = 0; i < SECTIONS; i++) {
    failed |= sec[i].failed;
    if (sec[i].len) vmir_buf_append(&out, sec[i].data, sec[i].len);
    vmir_buf_free(&sec[i]);
  }
  if (failed) {
    vmir_buf_free(&out);
    return NULL;
  }
  return (uint8_t *)vmir_buf_take(&out, len_out);
}

/* ---- decoding ------------------------------------------------------------------ */

typedef struct reader {
  const uint8_t *p;
  size_t pos;
  size_t end;          /* end of the current section (or of the header) */
  const char *section; /* for messages */
  vmir_error *err;
} reader;

__attribute__((format(printf, 4, 5)))
static bool fail_at(reader *r, vmir_status code, size_t offset,
                    const char *fmt, ...) {
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  vmir_error_clear(r->err);
  r->err->code = code;
  r->err->offset = offset;
  r->err->has_offset = 1;
  snprintf(r->err->message, sizeof r->err->message, "binary offset %zu: %s",
           offset, msg);
  return false;
}

#define fail(r, offset, ...) fail_at(r, VMIR_E_ENCODING, offset, __VA_ARGS__)

/* Unsigned LEB128, shortest form only: at most 10 bytes, no bits beyond 64,
 * no trailing 0x00 group (0x80 0x00 spells 0 in two bytes). */
static bool read_varint(reader *r, uint64_t *out) {
  size_t start = r->pos;
  uint64_t v = 0;
  for (unsigned i = 0;; i++) {
    if (r->pos >= r->end)
      return fail(r, start, "%s: truncated varint (section length mismatch "
                  "or input cut short)", r->section);
    uint8_t byte = r->p[r->pos++];
    if (i == 9 && byte > 1)
      return fail(r, start, "%s: varint overflows 64 bits or exceeds 10 "
                  "bytes", r->section);
    v |= (uint64_t)(byte & 0x7f) << (7 * i);
    if (!(byte & 0x80)) {
      if (byte == 0 && i > 0)
        return fail(r, start, "%s: varint not in shortest form", r->section);
      *out = v;
      return true;
    }
  }
}

/* A varint bounded by `max` (inclusive); `what` names it in messages. */
static bool read_bounded(reader *r, uint64_t max, const char *what,
                         uint64_t *out) {
  size_t start = r->pos;
  if (!read_varint(r, out)) return false;
  if (*out > max)
    return fail(r, start, "%s: %s %llu out of range (at most %llu)",
                r->section, what, (unsigned long long)*out,
                (unsigned long long)max);
  return true;
}

static bool read_u32(reader *r, const char *what, uint32_t *out) {
  uint64_t v;
  if (!read_bounded(r, UINT32_MAX, what, &v)) return false;
  *out = (uint32_t)v;
  return true;
}

/* A count of entries each at least `min_bytes` long: bounding it by the
 * bytes left keeps hostile counts from driving huge loops or allocations. */
static bool read_count(reader *r, size_t min_bytes, const char *what,
                       uint32_t *out) {
  uint64_t limit = (r->end - r->pos) / min_bytes;
  if (limit > UINT32_MAX - 1u) limit = UINT32_MAX - 1u;
  uint64_t v;
  if (!read_bounded(r, limit, what, &v)) return false;
  *out = (uint32_t)v;
  return true;
}

/* `n` raw bytes inside the current section. */
static bool read_bytes(reader *r, size_t n, const uint8_t **out) {
  if (n > r->end - r->pos)
    return fail(r, r->pos, "%s: %zu bytes needed, %zu left in the section",
                r->section, n, r->end - r->pos);
  *out = r->p + r->pos;
  r->pos += n;
  return true;
}

/* Starts section `i`, `len` bytes from the current position. */
static void enter_section(reader *r, uint32_t i, size_t len) {
  r->section = section_names[i];
  r->end = r->pos + len;
}

/* The section's declared length must be exactly what its contents used. */
static bool leave_section(reader *r) {
  if (r->pos != r->end)
    return fail(r, r->pos, "%s: %zu unused bytes at the end of the section "
                "(section length mismatch)", r->section, r->end - r->pos);
  return true;
}

/* ---- sections ---- */

static bool read_strings(reader *r, vmir_builder *b) {
  uint32_t count;
  if (!read_count(r, 1, "string count", &count)) return false;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t len = 0;
    const uint8_t *bytes = NULL;
    if (!read_u32(r, "string length", &len) || !read_bytes(r, len, &bytes))
      return false;
    vmir_builder_add_string(b, (const char *)bytes, len);
  }
  return leave_section(r);
}

static bool read_predicates(reader *r, vmir_builder *b) {
  uint32_t count;
  if (!read_count(r, 3, "predicate count", &count)) return false;
  for (uint32_t i = 0; i < count; i++) {
    size_t at = r->pos;
    uint64_t test;
    vmir_predicate pred = {0};
    if (!read_varint(r, &test)) return false;
    /* Checked before the cast: an enum must hold a named value. */
    if (test == VMIR_PRED_NONE || test > VMIR_PRED_HOST)
      return fail(r, at, "predicates: p%u has unknown test %llu", i,
                  (unsigned long long)test);
    pred.test = (vmir_predicate_test)test;
    if (!read_u32(r, "host id", &pred.host_id) ||
        !read_u32(r, "field string", &pred.field_name))
      return false;
    vmir_builder_add_predicate(b, pred);
  }
  return leave_section(r);
}

static bool read_lists(reader *r, vmir_builder *b) {
  uint32_t count;
  if (!read_count(r, 1, "list count", &count)) return false;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t n;
    if (!read_count(r, 1, "list length", &n)) return false;
    uint32_t *items = malloc((n ? n : 1) * sizeof *items);
    if (!items) return fail_at(r, VMIR_E_NOMEM, r->pos, "out of memory");
    bool ok = true;
    for (uint32_t k = 0; ok && k < n; k++)
      ok = read_u32(r, "list item", &items[k]);
    if (ok) vmir_builder_add_list(b, items, n);
    free(items);
    if (!ok) return false;
  }
  return leave_section(r);
}

static bool read_blobs(reader *r, vmir_builder *b) {
  uint32_t count;
  if (!read_count(r, 1, "blob count", &count)) return false;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t len = 0;
    const uint8_t *bytes = NULL;
    if (!read_u32(r, "blob length", &len) || !read_bytes(r, len, &bytes))
      return false;
    vmir_builder_add_blob(b, bytes, len);
  }
  return leave_section(r);
}

static bool read_insn(reader *r, vmir_builder *b, uint32_t proc,
                      uint32_t block) {
  size_t at = r->pos;
  uint64_t op;
  if (!read_varint(r, &op)) return false;
  const vmir_op_info *info = op < VMIR_OP_COUNT ? vmir_op_info_of((uint32_t)op)
                                                : NULL;
  if (!info)
    return fail(r, at, "code: unknown opcode %llu (this ABI has %u)",
                (unsigned long long)op, (unsigned)VMIR_OP_COUNT);
  int64_t operand[VMIR_MAX_OPERANDS] = {0, 0, 0};
  for (uint32_t s = 0; s < info->operand_count; s++) {
    uint64_t v;
    vmir_operand_type type = info->operands[s].type;
    if (type == VMIR_OPERAND_INT) {
      if (!read_varint(r, &v)) return false;
      operand[s] = unzigzag(v);
    } else {
      /* Unsigned operands and indexes stay within int64 (the in-memory
       * operand type); the builder checks the exact range. */
      if (!read_bounded(r, INT64_MAX, info->operands[s].key, &v)) return false;
      operand[s] = (int64_t)v;
    }
  }
  vmir_builder_emit(b, proc, block, (vmir_opcode)op, operand[0], operand[1],
                    operand[2]);
  return true;
}

static bool read_proc(reader *r, vmir_builder *b) {
  uint32_t blocks, entry;
  if (!read_count(r, 1, "block count", &blocks) ||
      !read_u32(r, "entry block", &entry))
    return false;
  uint32_t proc = vmir_builder_add_proc(b);
  for (uint32_t k = 0; k < blocks; k++) vmir_builder_add_block(b, proc);
  vmir_builder_set_proc_entry(b, proc, entry);
  for (uint32_t k = 0; k < blocks; k++) {
    uint32_t insns;
    if (!read_count(r, 1, "instruction count", &insns)) return false;
    for (uint32_t i = 0; i < insns; i++)
      if (!read_insn(r, b, proc, k)) return false;
  }
  return true;
}

static bool read_code(reader *r, vmir_builder *b) {
  uint32_t procs, entry;
  if (!read_count(r, 2, "proc count", &procs) ||
      !read_u32(r, "entry proc", &entry))
    return false;
  for (uint32_t f = 0; f < procs; f++)
    if (!read_proc(r, b)) return false;
  vmir_builder_set_entry_proc(b, entry);
  return leave_section(r);
}

/* ---- header ---- */

typedef struct header {
  vmir_program_kind kind;
  uint64_t shape_id;
  uint64_t section_len[SECTIONS];
} header;

static bool read_header(reader *r, size_t len, header *h) {
  r->section = "header";
  if (len < MAGIC_LEN || memcmp(r->p, MAGIC, MAGIC_LEN) != 0) {
    size_t n = len < MAGIC_LEN ? len : MAGIC_LEN;
    if (memcmp(r->p, MAGIC, n) == 0)
      return fail(r, len, "header: truncated magic");
    return fail(r, 0, "header: bad magic (expected \"VMIR\")");
  }
  r->pos = MAGIC_LEN;
  uint64_t abi, kind;
  if (!read_varint(r, &abi)) return false;
  /* t[impl format.ir.program-abi-version] */
  /* t[impl format.parse.program-abi-version] */
  if (abi != VMIR_ABI_VERSION)
    return fail_at(r, VMIR_E_ABI, MAGIC_LEN, "header: program ABI %llu is "
                   "not supported (this library reads ABI %u)",
                   (unsigned long long)abi, VMIR_ABI_VERSION);
  size_t kind_at = r->pos;
  if (!read_varint(r, &kind)) return false;
  if (kind >= VMIR_PROGRAM_KIND_COUNT)
    return fail(r, kind_at, "header: unknown program kind %llu",
                (unsigned long long)kind);
  h->kind = (vmir_program_kind)kind;
  const uint8_t *id = NULL;
  if (!read_bytes(r, 8, &id)) return false;
  h->shape_id = 0;
  for (int i = 7; i >= 0; i--) h->shape_id = (h->shape_id << 8) | id[i];
  for (uint32_t i = 0; i < SECTIONS; i++)
    if (!read_varint(r, &h->section_len[i])) return false;
  /* The sections must fill the rest of the input exactly. */
  size_t left = len - r->pos;
  uint64_t need = 0;
  for (uint32_t i = 0; i < SECTIONS; i++) {
    if (h->section_len[i] > left - need)
      return fail(r, len, "header: sections need more bytes than the %zu "
                  "left (input truncated or section length wrong)", left);
    need += h->section_len[i];
  }
  if (need != left)
    return fail(r, r->pos + need, "%zu trailing bytes after the code section",
                (size_t)(left - need));
  return true;
}

/* ---- builder errors back to offsets ---- */

/* Skips one instruction that the first pass already read successfully. */
static void skip_insn(reader *r) {
  uint64_t op, v;
  read_varint(r, &op);
  const vmir_op_info *info = vmir_op_info_of((uint32_t)op);
  for (uint32_t s = 0; info && s < info->operand_count; s++) read_varint(r, &v);
}

/* The offset of the instruction, block or proc a builder error's pc names,
 * found by walking the (already validated) code section again. Only runs on
 * the error path, so decoding keeps no offset tables. */
static size_t code_offset(reader *r, const vmir_error *e) {
  uint64_t procs, entry, blocks, insns;
  size_t start = r->pos;
  read_varint(r, &procs);
  read_varint(r, &entry);
  for (uint64_t f = 0; f < procs; f++) {
    size_t proc_at = r->pos;
    read_varint(r, &blocks);
    read_varint(r, &entry);
    if ((int64_t)f == e->proc && e->block < 0) return proc_at;
    for (uint64_t k = 0; k < blocks; k++) {
      size_t block_at = r->pos;
      read_varint(r, &insns);
      bool here = (int64_t)f == e->proc && (int64_t)k == e->block;
      if (here && (e->insn < 0 || (uint64_t)e->insn >= insns)) return block_at;
      for (uint64_t i = 0; i < insns; i++) {
        if (here && (int64_t)i == e->insn) return r->pos;
        skip_insn(r);
      }
    }
  }
  return start;
}

static size_t predicate_offset(reader *r, int32_t index) {
  uint64_t count, v;
  read_varint(r, &count);
  for (int32_t i = 0; i < index && (uint64_t)i < count; i++)
    for (int k = 0; k < 3; k++) read_varint(r, &v);
  return r->pos;
}

/* Gives a structural (builder) error the byte offset of what it names: an
 * instruction, block or proc by its pc, a predicate by its index, else the
 * section it comes from. */
static void locate_builder_error(const uint8_t *bytes, const header *h,
                                 const size_t section_at[SECTIONS],
                                 vmir_error *err) {
  vmir_error scratch;
  size_t at;
  if (err->predicate >= 0) {
    reader r = {bytes, section_at[1], section_at[1] + h->section_len[1],
                "predicates", &scratch};
    at = predicate_offset(&r, err->predicate);
  } else if (err->proc >= 0) {
    reader r = {bytes, section_at[4], section_at[4] + h->section_len[4],
                "code", &scratch};
    at = code_offset(&r, err);
  } else if (strncmp(err->message, "string ", 7) == 0) {
    at = section_at[0];
  } else {
    at = section_at[4];
  }
  char message[sizeof err->message];
  memcpy(message, err->message, sizeof message);
  snprintf(err->message, sizeof err->message, "binary offset %zu: %.200s", at,
           message);
  err->offset = at;
  err->has_offset = 1;
}

/* Re-encodes the decoded program and demands the input back byte for byte:
 * the one remaining freedom, the order and sharing of pool entries, is
 * fixed by the builder, so any difference is a non-canonical input. */
static bool check_canonical(reader *r, const vmir_program *prog,
                            const uint8_t *bytes, size_t len) {
  size_t n;
  uint8_t *again = vmir_program_encode_binary(prog, &n);
  if (!again) return fail_at(r, VMIR_E_NOMEM, 0, "out of memory");
  size_t i = 0;
  while (i < n && i < len && again[i] == bytes[i]) i++;
  free(again);
  if (i == n && n == len) return true;
  return fail(r, i, "non-canonical encoding: operand pools must list one "
              "entry per use, in instruction order");
}

vmir_program *vmir_program_decode_binary(const uint8_t *bytes, size_t len,
                                         vmir_error *err) {
  vmir_error scratch;
  if (!err) err = &scratch;
  vmir_error_clear(err);
  reader r = {bytes, 0, len, "header", err};
  if (!bytes && len) {
    err->code = VMIR_E_USAGE;
    snprintf(err->message, sizeof err->message, "binary: NULL input");
    return NULL;
  }
  if (len > VMIR_TEXT_MAX_BYTES) {
    fail_at(&r, VMIR_E_LIMIT, 0, "binary program is %zu bytes; the limit is "
            "%u", len, VMIR_TEXT_MAX_BYTES);
    return NULL;
  }
  if (!bytes) bytes = (const uint8_t *)"";
  r.p = bytes;
  header h;
  if (!read_header(&r, len, &h)) return NULL;
  vmir_builder *b = vmir_builder_new(h.kind, h.shape_id);
  if (!b) {
    fail_at(&r, VMIR_E_NOMEM, 0, "out of memory");
    return NULL;
  }
  bool (*const readers[SECTIONS])(reader *, vmir_builder *) = {
      read_strings, read_predicates, read_lists, read_blobs, read_code};
  size_t section_at[SECTIONS];
  for (uint32_t i = 0; i < SECTIONS; i++) {
    section_at[i] = r.pos;
    enter_section(&r, i, (size_t)h.section_len[i]);
    if (!readers[i](&r, b)) {
      vmir_builder_free(b);
      return NULL;
    }
  }
  vmir_program *prog = vmir_builder_finish(b, err);
  if (!prog) locate_builder_error(bytes, &h, section_at, err);
  if (prog && !check_canonical(&r, prog, bytes, len)) {
    vmir_program_free(prog);
    return NULL;
  }
  return prog;
}
