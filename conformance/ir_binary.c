/* Conformance: the canonical binary form of vmir programs (docs/ir-forms.md)
 * and its round trip with the text form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "vmir/text.h"

/* ---- helpers ------------------------------------------------------------------ */

static char *load(const char *rel) {
  size_t len;
  char *text = vmir_test_read_file(vmir_test_data_path(rel), &len);
  ck_assert_msg(text != NULL, "cannot read test data %s", rel);
  return text;
}

static vmir_program *parse_ok(const char *text) {
  vmir_error err;
  vmir_program *p = vmir_program_parse_text(text, strlen(text), "test", &err);
  ck_assert_msg(p != NULL, "parse failed: %s", err.message);
  return p;
}

static char *print(const vmir_program *p) {
  char *text = vmir_program_print_text(p, NULL);
  ck_assert_ptr_nonnull(text);
  return text;
}

typedef struct bin {
  uint8_t *bytes;
  size_t len;
} bin;

static bin encode(const vmir_program *p) {
  bin b;
  b.bytes = vmir_program_encode_binary(p, &b.len);
  ck_assert_ptr_nonnull(b.bytes);
  return b;
}

static vmir_program *decode_ok(bin b) {
  vmir_error err;
  vmir_program *p = vmir_program_decode_binary(b.bytes, b.len, &err);
  ck_assert_msg(p != NULL, "decode failed: %s", err.message);
  return p;
}

/* Decoding must fail with `code`, a message containing `needle` and, when
 * `offset` is not SIZE_MAX, that byte offset. */
static vmir_error reject(const uint8_t *bytes, size_t len, vmir_status code,
                         const char *needle, size_t offset) {
  vmir_error err;
  vmir_program *p = vmir_program_decode_binary(bytes, len, &err);
  ck_assert_msg(p == NULL, "accepted, expected '%s'", needle);
  ck_assert_msg(err.code == code, "code %s, expected %s: %s",
                vmir_status_name(err.code), vmir_status_name(code),
                err.message);
  ck_assert_msg(strstr(err.message, needle) != NULL,
                "message '%s' lacks '%s'", err.message, needle);
  if (offset != SIZE_MAX) {
    ck_assert_msg(err.has_offset, "no offset: %s", err.message);
    ck_assert_msg(err.offset == offset, "offset %zu, expected %zu: %s",
                  err.offset, offset, err.message);
  }
  return err;
}

static bin encode_file(const char *rel, vmir_program **out) {
  char *text = load(rel);
  vmir_program *p = parse_ok(text);
  free(text);
  bin b = encode(p);
  if (out) *out = p;
  else vmir_program_free(p);
  return b;
}

/* The binary split into its header fields and sections (test-side reader
 * of the documented layout, for building damaged inputs). */
typedef struct parts {
  uint64_t abi, kind;
  uint8_t shape_id[8];
  uint64_t len[5];
  const uint8_t *section[5];
  size_t section_at[5];
} parts;

static uint64_t get_varint(const uint8_t *p, size_t *pos) {
  uint64_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    uint8_t byte = p[(*pos)++];
    v |= (uint64_t)(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return v;
  }
}

static parts split(bin b) {
  parts s;
  size_t pos = 4;
  ck_assert(memcmp(b.bytes, "VMIR", 4) == 0);
  s.abi = get_varint(b.bytes, &pos);
  s.kind = get_varint(b.bytes, &pos);
  memcpy(s.shape_id, b.bytes + pos, 8);
  pos += 8;
  for (int i = 0; i < 5; i++) s.len[i] = get_varint(b.bytes, &pos);
  for (int i = 0; i < 5; i++) {
    s.section[i] = b.bytes + pos;
    s.section_at[i] = pos;
    pos += s.len[i];
  }
  ck_assert_uint_eq(pos, b.len);
  return s;
}

static void put_varint(uint8_t *out, size_t *o, uint64_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    out[(*o)++] = byte | (v ? 0x80 : 0);
  } while (v);
}

/* Writes the parts back with `declared` section lengths in the header and
 * `sections` (with their real lengths `real`) as the body. */
static bin join(const parts *s, const uint64_t declared[5],
                const uint8_t *const sections[5], const size_t real[5]) {
  size_t cap = 64;
  for (int i = 0; i < 5; i++) cap += real[i];
  bin b = {malloc(cap), 0};
  ck_assert_ptr_nonnull(b.bytes);
  memcpy(b.bytes, "VMIR", 4);
  b.len = 4;
  put_varint(b.bytes, &b.len, s->abi);
  put_varint(b.bytes, &b.len, s->kind);
  memcpy(b.bytes + b.len, s->shape_id, 8);
  b.len += 8;
  for (int i = 0; i < 5; i++) put_varint(b.bytes, &b.len, declared[i]);
  for (int i = 0; i < 5; i++) {
    memcpy(b.bytes + b.len, sections[i], real[i]);
    b.len += real[i];
  }
  return b;
}

static size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >>= 7) n++;
  return n;
}

/* Bytes before the first section when the header declares `declared`. */
static size_t header_size(const parts *s, const uint64_t declared[5]) {
  size_t n = 4 + varint_size(s->abi) + varint_size(s->kind) + 8;
  for (int i = 0; i < 5; i++) n += varint_size(declared[i]);
  return n;
}

/* The input with bytes [at, at + cut) replaced by `ins`, and the code
 * section's declared length adjusted to match: a damaged code section
 * whose length is still right. */
static bin patch_code(bin b, size_t at, size_t cut, const uint8_t *ins,
                      size_t n) {
  parts s = split(b);
  ck_assert(at >= s.section_at[4] && at + cut <= b.len);
  size_t rel = at - s.section_at[4];
  size_t code_len = (size_t)s.len[4] - cut + n;
  uint8_t *code = malloc(code_len + 1);
  memcpy(code, s.section[4], rel);
  memcpy(code + rel, ins, n);
  memcpy(code + rel + n, s.section[4] + rel + cut, (size_t)s.len[4] - rel - cut);
  uint64_t declared[5];
  size_t real[5];
  const uint8_t *sections[5];
  for (int i = 0; i < 5; i++) {
    declared[i] = s.len[i];
    real[i] = (size_t)s.len[i];
    sections[i] = s.section[i];
  }
  declared[4] = code_len;
  real[4] = code_len;
  sections[4] = code;
  bin out = join(&s, declared, sections, real);
  free(code);
  return out;
}

static const char *const data_files[] = {
    "ir/minimal.vmir",      "ir/encode_policies.vmir", "ir/decode_json.vmir",
    "ir/build_events.vmir", "ir/fused_msgpack.vmir",
};
#define DATA_FILES (sizeof data_files / sizeof data_files[0])

/* ---- a program holding every opcode -------------------------------------------------- */

/* One block per opcode, in opcode order, with valid operands of every type;
 * non-terminators are followed by a jump to the next block. The last block
 * returns. A second proc is there for `call`. */
static vmir_program *every_opcode_program(void) {
  vmir_builder *b = vmir_builder_new(VMIR_PROGRAM_FUSED, 0x0123456789abcdefull);
  vmir_builder_add_string(b, "a", 1);
  vmir_builder_add_string(b, "b\n\"", 3);
  vmir_builder_add_string(b, "", 0);
  vmir_builder_add_predicate(b, (vmir_predicate){VMIR_PRED_IS_NONE, 0, 0});
  vmir_builder_add_predicate(b, (vmir_predicate){VMIR_PRED_HOST, 300, 1});
  uint32_t f0 = vmir_builder_add_proc(b), f1 = vmir_builder_add_proc(b);
  uint32_t nblocks = VMIR_OP_COUNT + 1;
  for (uint32_t k = 0; k < nblocks; k++) vmir_builder_add_block(b, f0);
  vmir_builder_set_proc_entry(b, f0, 0);
  vmir_builder_add_block(b, f1);
  vmir_builder_emit(b, f1, 0, VMIR_OP_RET, 0, 0, 0);
  for (uint32_t op = 0; op < VMIR_OP_COUNT; op++) {
    const vmir_op_info *info = vmir_op_info_of(op);
    int64_t v[3] = {0, 0, 0};
    for (uint32_t s = 0; s < info->operand_count; s++) {
      switch (info->operands[s].type) {
        case VMIR_OPERAND_NONE: break;
        case VMIR_OPERAND_UINT: v[s] = op * 1000003ll + s; break;
        case VMIR_OPERAND_INT: v[s] = -(int64_t)op - 1; break;
        case VMIR_OPERAND_BOOL: v[s] = op & 1; break;
        case VMIR_OPERAND_STRING: v[s] = op % 3; break;
        case VMIR_OPERAND_BLOCK: v[s] = (op + s * 7) % nblocks; break;
        case VMIR_OPERAND_PROC: v[s] = 1; break;
        case VMIR_OPERAND_PRED: v[s] = op % 2; break;
        case VMIR_OPERAND_BYTES: {
          uint8_t bytes[4] = {(uint8_t)op, 0x00, 0xff, 0x80};
          v[s] = vmir_builder_add_blob(b, bytes, op % 5);
          break;
        }
        case VMIR_OPERAND_BLOCKS: {
          uint32_t items[3] = {op % nblocks, 0, nblocks - 1};
          v[s] = vmir_builder_add_list(b, items, 3);
          break;
        }
        case VMIR_OPERAND_STRINGS: {
          uint32_t items[2] = {2, 0};
          v[s] = vmir_builder_add_list(b, items, 2);
          break;
        }
      }
    }
    vmir_builder_emit(b, f0, op, (vmir_opcode)op, v[0], v[1], v[2]);
    if (!info->terminator) vmir_builder_emit(b, f0, op, VMIR_OP_JUMP, op + 1, 0, 0);
  }
  vmir_builder_emit(b, f0, VMIR_OP_COUNT, VMIR_OP_RET, 0, 0, 0);
  vmir_builder_set_entry_proc(b, f0);
  vmir_error err;
  vmir_program *p = vmir_builder_finish(b, &err);
  ck_assert_msg(p != NULL, "%s", err.message);
  return p;
}

/* ---- round trips ---------------------------------------------------------------------- */

/* t[verify format.vm.text-binary-roundtrip] */
/* t[verify format.vm.binary-form-canonical] */
START_TEST(test_data_files_roundtrip) {
  for (size_t i = 0; i < DATA_FILES; i++) {
    char *text = load(data_files[i]);
    vmir_program *p = parse_ok(text);
    bin b = encode(p);
    vmir_program *q = decode_ok(b);
    ck_assert_msg(vmir_program_equal(p, q), "%s: binary round trip differs",
                  data_files[i]);
    char *again = print(q);
    ck_assert_str_eq(again, text);
    bin b2 = encode(q);
    ck_assert_uint_eq(b2.len, b.len);
    ck_assert(memcmp(b2.bytes, b.bytes, b.len) == 0);
    free(b2.bytes);
    free(again);
    vmir_program_free(q);
    free(b.bytes);
    vmir_program_free(p);
    free(text);
  }
}
END_TEST

/* t[verify format.vm.text-binary-roundtrip] */
/* t[verify format.vm.single-vm-dialect] */
/* t[verify format.vm.sexp-canonical-print] */
START_TEST(test_every_opcode_roundtrip) {
  vmir_program *p = every_opcode_program();
  /* every opcode of the inventory is present */
  for (uint32_t op = 0; op < VMIR_OP_COUNT; op++) {
    bool seen = false;
    for (uint32_t i = 0; i < p->insn_count && !seen; i++) seen = p->insns[i].op == op;
    ck_assert_msg(seen, "opcode %s missing", vmir_op_info_of(op)->name);
  }
  /* text -> program */
  char *text = print(p);
  vmir_program *from_text = parse_ok(text);
  ck_assert(vmir_program_equal(p, from_text));
  /* -> binary -> program -> text: the identity */
  bin b = encode(from_text);
  vmir_program *from_bin = decode_ok(b);
  ck_assert(vmir_program_equal(p, from_bin));
  char *again = print(from_bin);
  ck_assert_str_eq(again, text);
  /* each opcode's line is there, spelled by the table */
  for (uint32_t op = 0; op < VMIR_OP_COUNT; op++) {
    char needle[64];
    snprintf(needle, sizeof needle, "\n            (%s", vmir_op_info_of(op)->name);
    ck_assert_msg(strstr(text, needle), "%s not printed", needle);
  }
  free(again);
  vmir_program_free(from_bin);
  free(b.bytes);
  vmir_program_free(from_text);
  free(text);
  vmir_program_free(p);
}
END_TEST

/* t[verify format.vm.binary-form-canonical] */
START_TEST(test_header_layout) {
  bin b = encode_file("ir/minimal.vmir", NULL);
  static const uint8_t head[] = {'V', 'M', 'I', 'R', 1, 0, 42, 0, 0, 0, 0, 0, 0, 0};
  ck_assert(memcmp(b.bytes, head, sizeof head) == 0);
  parts s = split(b);
  /* strings: count 2, then length-prefixed bytes */
  static const uint8_t strings[] = {2, 2, 'i', 'd', 4, 'n', 'a', 'm', 'e'};
  ck_assert_uint_eq(s.len[0], sizeof strings);
  ck_assert(memcmp(s.section[0], strings, sizeof strings) == 0);
  /* predicates, lists, blobs: empty tables are one count byte */
  for (int i = 1; i <= 3; i++) {
    ck_assert_uint_eq(s.len[i], 1);
    ck_assert_uint_eq(s.section[i][0], 0);
  }
  /* code: 1 proc, entry f0, 1 block, entry b0, 11 instructions */
  static const uint8_t code_head[] = {1, 0, 1, 0, 11,
                                      VMIR_OP_EMIT_BEGIN_STRUCT, 2,
                                      VMIR_OP_EMIT_FIELD_NAME, 0,
                                      VMIR_OP_ENTER_FIELD, 0,
                                      VMIR_OP_EMIT_SCALAR, VMIR_OP_LEAVE};
  ck_assert(memcmp(s.section[4], code_head, sizeof code_head) == 0);
  ck_assert_uint_eq(s.section[4][s.len[4] - 1], VMIR_OP_RET);
  /* the shape id is 8 bytes little-endian */
  vmir_program *p = parse_ok("(vmir (abi 1) (kind build) (shape-id "
                             "18364758544493064720) (consts (strings ()) "
                             "(predicates ())) (code (procs ((f0 (entry b0) "
                             "(blocks ((b0 (ret))))))) (entry-proc f0)))");
  bin c = encode(p);
  static const uint8_t id[] = {'V', 'M', 'I', 'R', 1, 2, 0x10, 0x32, 0x54,
                               0x76, 0x98, 0xba, 0xdc, 0xfe};
  ck_assert(memcmp(c.bytes, id, sizeof id) == 0);
  free(c.bytes);
  vmir_program_free(p);
  free(b.bytes);
}
END_TEST

/* t[verify format.vm.binary-form-canonical] */
/* t[verify format.vm.sexp-canonical-print] */
START_TEST(test_encoding_deterministic) {
  for (size_t i = 0; i < DATA_FILES; i++) {
    bin a = encode_file(data_files[i], NULL);
    bin b = encode_file(data_files[i], NULL);
    ck_assert_uint_eq(a.len, b.len);
    ck_assert(memcmp(a.bytes, b.bytes, a.len) == 0);
    free(a.bytes);
    free(b.bytes);
  }
  /* the same program from the builder and from its text */
  vmir_program *p = every_opcode_program();
  char *text = print(p);
  vmir_program *q = parse_ok(text);
  bin a = encode(p), b = encode(q);
  ck_assert_uint_eq(a.len, b.len);
  ck_assert(memcmp(a.bytes, b.bytes, a.len) == 0);
  free(a.bytes);
  free(b.bytes);
  free(text);
  vmir_program_free(q);
  vmir_program_free(p);
  ck_assert_ptr_null(vmir_program_encode_binary(NULL, NULL));
}
END_TEST

/* ---- rejection -------------------------------------------------------------------------- */

/* t[verify format.vm.binary-form-canonical] */
START_TEST(test_bad_magic) {
  bin b = encode_file("ir/minimal.vmir", NULL);
  static const char *const magics[] = {"VMIX", "vmir", "RIMV", "\0MIR"};
  for (size_t i = 0; i < 4; i++) {
    memcpy(b.bytes, magics[i], 4);
    reject(b.bytes, b.len, VMIR_E_ENCODING, "bad magic", 0);
  }
  reject(NULL, 0, VMIR_E_ENCODING, "truncated magic", 0);
  reject((const uint8_t *)"VM", 2, VMIR_E_ENCODING, "truncated magic", 2);
  reject((const uint8_t *)"XM", 2, VMIR_E_ENCODING, "bad magic", 0);
  free(b.bytes);
}
END_TEST

/* t[verify format.vm.binary-form-canonical] */
/* t[verify format.ir.program-abi-version] */
/* t[verify format.parse.program-abi-version] */
START_TEST(test_wrong_abi) {
  bin b = encode_file("ir/minimal.vmir", NULL);
  ck_assert_uint_eq(b.bytes[4], VMIR_ABI_VERSION);
  b.bytes[4] = 2;
  reject(b.bytes, b.len, VMIR_E_ABI, "program ABI 2 is not supported", 4);
  b.bytes[4] = 0;
  reject(b.bytes, b.len, VMIR_E_ABI, "program ABI 0 is not supported", 4);
  b.bytes[4] = 0x7f;
  reject(b.bytes, b.len, VMIR_E_ABI, "program ABI 127", 4);
  /* A program built for another ABI encodes, keyed by that ABI, and is
   * refused by this decoder. */
  vmir_builder *bl = vmir_builder_new(VMIR_PROGRAM_ENCODE, 1);
  vmir_builder_set_abi(bl, 300);
  uint32_t f = vmir_builder_add_proc(bl);
  vmir_builder_add_block(bl, f);
  vmir_builder_emit(bl, f, 0, VMIR_OP_RET, 0, 0, 0);
  vmir_builder_set_entry_proc(bl, f);
  vmir_error err;
  vmir_program *p = vmir_builder_finish(bl, &err);
  ck_assert_ptr_nonnull(p);
  bin c = encode(p);
  ck_assert_uint_eq(c.bytes[4], 0xac);
  ck_assert_uint_eq(c.bytes[5], 0x02);
  reject(c.bytes, c.len, VMIR_E_ABI, "program ABI 300 is not supported", 4);
  free(c.bytes);
  vmir_program_free(p);
  free(b.bytes);
}
END_TEST

/* A two-block program: b0 jumps to b1, b1 returns. Code section bytes:
 * 1 proc, entry f0, 2 blocks, entry b0, [1 insn: jump 1], [1 insn: ret]. */
static bin jump_program(size_t *code_at) {
  vmir_builder *b = vmir_builder_new(VMIR_PROGRAM_ENCODE, 3);
  uint32_t f = vmir_builder_add_proc(b);
  vmir_builder_add_block(b, f);
  vmir_builder_add_block(b, f);
  vmir_builder_emit(b, f, 0, VMIR_OP_JUMP, 1, 0, 0);
  vmir_builder_emit(b, f, 1, VMIR_OP_RET, 0, 0, 0);
  vmir_builder_set_entry_proc(b, f);
  vmir_error err;
  vmir_program *p = vmir_builder_finish(b, &err);
  ck_assert_ptr_nonnull(p);
  bin out = encode(p);
  vmir_program_free(p);
  parts s = split(out);
  static const uint8_t code[] = {1, 0, 2, 0, 1, VMIR_OP_JUMP, 1, 1, VMIR_OP_RET};
  ck_assert_uint_eq(s.len[4], sizeof code);
  ck_assert(memcmp(s.section[4], code, sizeof code) == 0);
  *code_at = s.section_at[4];
  return out;
}

/* t[verify format.vm.binary-form-canonical] */
START_TEST(test_non_shortest_varint) {
  size_t code;
  bin b = jump_program(&code);
  /* the jump target 1 written as 0x81 0x00 */
  static const uint8_t two[] = {0x81, 0x00};
  bin bad = patch_code(b, code + 6, 1, two, 2);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "code: varint not in shortest "
         "form", code + 6);
  free(bad.bytes);
  /* 0 as 0x80 0x80 0x00 in the entry-block field */
  static const uint8_t three[] = {0x80, 0x80, 0x00};
  bad = patch_code(b, code + 3, 1, three, 3);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "not in shortest form", code + 3);
  free(bad.bytes);
  /* in the header: the kind 0 as 0x80 0x00 */
  bad.len = b.len + 1;
  bad.bytes = malloc(bad.len);
  memcpy(bad.bytes, b.bytes, 5);
  bad.bytes[5] = 0x80;
  bad.bytes[6] = 0x00;
  memcpy(bad.bytes + 7, b.bytes + 6, b.len - 6);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "header: varint not in shortest "
         "form", 5);
  free(bad.bytes);
  /* the same value in shortest form is fine */
  static const uint8_t one[] = {0x01};
  bin good = patch_code(b, code + 6, 1, one, 1);
  vmir_program_free(decode_ok(good));
  free(good.bytes);
  free(b.bytes);
}
END_TEST

/* t[verify format.vm.binary-form-canonical] */
START_TEST(test_overlong_varint) {
  size_t code;
  bin b = jump_program(&code);
  /* 11 bytes */
  static const uint8_t eleven[] = {0x81, 0x80, 0x80, 0x80, 0x80, 0x80,
                                   0x80, 0x80, 0x80, 0x80, 0x00};
  bin bad = patch_code(b, code + 6, 1, eleven, sizeof eleven);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "overflows 64 bits or exceeds "
         "10 bytes", code + 6);
  free(bad.bytes);
  /* 10 bytes with bits beyond 64 */
  static const uint8_t overflow[] = {0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0x02};
  bad = patch_code(b, code + 6, 1, overflow, sizeof overflow);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "overflows 64 bits", code + 6);
  free(bad.bytes);
  /* UINT64_MAX is a well-formed varint but no valid block target */
  static const uint8_t max[] = {0xff, 0xff, 0xff, 0xff, 0xff,
                                0xff, 0xff, 0xff, 0xff, 0x01};
  bad = patch_code(b, code + 6, 1, max, sizeof max);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "to 18446744073709551615 out of "
         "range", code + 6);
  free(bad.bytes);
  /* a count above what the section could hold */
  static const uint8_t many[] = {0xff, 0xff, 0x03};
  bad = patch_code(b, code + 2, 1, many, sizeof many);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "block count 65535 out of range",
         code + 2);
  free(bad.bytes);
  free(b.bytes);
}
END_TEST

/* t[verify format.vm.binary-form-canonical] */
/* t[verify format.vm.single-vm-dialect] */
START_TEST(test_unknown_opcode) {
  size_t code;
  bin b = jump_program(&code);
  uint8_t op[2] = {VMIR_OP_COUNT, 0};
  size_t n = 1;
  if (VMIR_OP_COUNT >= 0x80) {
    op[0] = (uint8_t)(VMIR_OP_COUNT & 0x7f) | 0x80;
    op[1] = (uint8_t)(VMIR_OP_COUNT >> 7);
    n = 2;
  }
  bin bad = patch_code(b, code + 8, 1, op, n);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "code: unknown opcode", code + 8);
  free(bad.bytes);
  static const uint8_t huge[] = {0xff, 0x7f};
  bad = patch_code(b, code + 8, 1, huge, 2);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "unknown opcode 16383", code + 8);
  free(bad.bytes);
  /* the last opcode of the table is known (the block may be malformed in
   * other ways: it need not be a terminator and may want operands) */
  uint8_t last = VMIR_OP_COUNT - 1;
  ck_assert_uint_lt(last, 0x80);
  bin good = patch_code(b, code + 8, 1, &last, 1);
  vmir_error err;
  vmir_program *p = vmir_program_decode_binary(good.bytes, good.len, &err);
  if (p) vmir_program_free(p);
  else ck_assert(strstr(err.message, "unknown opcode") == NULL);
  free(good.bytes);
  free(b.bytes);
}
END_TEST

/* t[verify format.vm.binary-form-canonical] */
START_TEST(test_truncated_at_every_length) {
  for (size_t i = 0; i <= DATA_FILES; i++) {
    bin b;
    if (i < DATA_FILES) {
      b = encode_file(data_files[i], NULL);
    } else {
      vmir_program *p = every_opcode_program();
      b = encode(p);
      vmir_program_free(p);
    }
    for (size_t len = 0; len < b.len; len++) {
      /* a copy of exactly `len` bytes, so ASan sees any read past it */
      uint8_t *cut = malloc(len ? len : 1);
      memcpy(cut, b.bytes, len);
      vmir_error err;
      vmir_program *p = vmir_program_decode_binary(cut, len, &err);
      ck_assert_msg(p == NULL, "prefix of %zu/%zu bytes accepted", len, b.len);
      ck_assert_msg(err.code == VMIR_E_ENCODING && err.has_offset,
                    "prefix %zu: %s", len, err.message);
      ck_assert_uint_le(err.offset, len);
      free(cut);
    }
    vmir_program_free(decode_ok(b));
    free(b.bytes);
  }
}
END_TEST

/* t[verify format.vm.binary-form-canonical] */
START_TEST(test_trailing_bytes) {
  bin b = encode_file("ir/encode_policies.vmir", NULL);
  uint8_t *more = malloc(b.len + 3);
  memcpy(more, b.bytes, b.len);
  more[b.len] = 0;
  more[b.len + 1] = VMIR_OP_RET;
  more[b.len + 2] = 'x';
  reject(more, b.len + 1, VMIR_E_ENCODING, "1 trailing bytes after the code "
         "section", b.len);
  reject(more, b.len + 3, VMIR_E_ENCODING, "3 trailing bytes", b.len);
  free(more);
  free(b.bytes);
}
END_TEST

/* t[verify format.vm.binary-form-canonical] */
START_TEST(test_section_length_mismatch) {
  bin b = encode_file("ir/encode_policies.vmir", NULL);
  parts s = split(b);
  size_t real[5];
  uint64_t declared[5];
  for (int i = 0; i < 5; i++) real[i] = (size_t)(declared[i] = s.len[i]);
  /* strings claims one byte of the predicates section */
  declared[0] += 1;
  declared[1] -= 1;
  bin bad = join(&s, declared, s.section, real);
  vmir_error e = reject(bad.bytes, bad.len, VMIR_E_ENCODING,
                        "strings: 1 unused bytes at the end of the section "
                        "(section length mismatch)", SIZE_MAX);
  ck_assert_uint_eq(e.offset, header_size(&s, declared) + s.len[0]);
  free(bad.bytes);
  /* strings gives its last byte to predicates */
  declared[0] = s.len[0] - 1;
  declared[1] = s.len[1] + 1;
  bad = join(&s, declared, s.section, real);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "strings: ", SIZE_MAX);
  free(bad.bytes);
  /* the code section claims less than it holds */
  declared[0] = s.len[0];
  declared[1] = s.len[1];
  declared[3] = s.len[3] + 1;
  declared[4] = s.len[4] - 1;
  bad = join(&s, declared, s.section, real);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "blobs: 1 unused bytes",
         SIZE_MAX);
  free(bad.bytes);
  /* lengths that add up to more or less than the input */
  declared[3] = s.len[3];
  declared[4] = s.len[4] + 1;
  bad = join(&s, declared, s.section, real);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "sections need more bytes",
         SIZE_MAX);
  free(bad.bytes);
  declared[4] = s.len[4] - 1;
  bad = join(&s, declared, s.section, real);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "1 trailing bytes", SIZE_MAX);
  free(bad.bytes);
  free(b.bytes);
}
END_TEST

/* t[verify format.vm.binary-form-canonical] */
START_TEST(test_non_canonical_pools) {
  /* decode_json has three list operands: keys, cases, then peek cases. */
  vmir_program *p;
  bin good = encode_file("ir/decode_json.vmir", &p);
  ck_assert_uint_eq(p->list_count, 3);
  /* The same program with lists 0 and 1 swapped in the pool and in the
   * switch-key instruction that uses them. */
  vmir_program swapped = *p;
  vmir_span lists[3] = {p->lists[1], p->lists[0], p->lists[2]};
  vmir_insn *insns = malloc(p->insn_count * sizeof *insns);
  memcpy(insns, p->insns, p->insn_count * sizeof *insns);
  bool found = false;
  for (uint32_t i = 0; i < p->insn_count; i++) {
    if (insns[i].op == VMIR_OP_SWITCH_KEY) {
      insns[i].operand[0] = 1;
      insns[i].operand[1] = 0;
      found = true;
    }
  }
  ck_assert(found);
  swapped.lists = lists;
  swapped.insns = insns;
  bin bad = encode(&swapped);
  ck_assert(bad.len == good.len && memcmp(bad.bytes, good.bytes, bad.len) != 0);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "non-canonical encoding",
         SIZE_MAX);
  free(bad.bytes);
  /* an extra pool entry no instruction uses */
  vmir_span extra[4] = {p->lists[0], p->lists[1], p->lists[2], p->lists[0]};
  vmir_program unused = *p;
  unused.lists = extra;
  unused.list_count = 4;
  bad = encode(&unused);
  reject(bad.bytes, bad.len, VMIR_E_ENCODING, "non-canonical encoding",
         SIZE_MAX);
  free(bad.bytes);
  free(insns);
  free(good.bytes);
  vmir_program_free(p);
}
END_TEST

/* t[verify format.vm.binary-form-canonical] */
/* t[verify format.ir.compile-validate-block-targets] */
START_TEST(test_decoded_structure_checked) {
  size_t code;
  bin b = jump_program(&code);
  /* jump to b5 of a two-block proc: the builder's check, with the pc */
  uint8_t five = 5;
  bin bad = patch_code(b, code + 6, 1, &five, 1);
  vmir_error e = reject(bad.bytes, bad.len, VMIR_E_VERIFY,
                        "f0:b0:0: block target b5 out of range (proc has 2 "
                        "blocks)", code + 5);
  ck_assert_int_eq(e.proc, 0);
  ck_assert_int_eq(e.block, 0);
  ck_assert_int_eq(e.insn, 0);
  free(bad.bytes);
  /* b0 ending in ret is fine; a non-terminator at the end is not */
  uint8_t scalar = VMIR_OP_EMIT_SCALAR;
  bad = patch_code(b, code + 8, 1, &scalar, 1);
  reject(bad.bytes, bad.len, VMIR_E_VERIFY, "f0:b1:0: block does not end in a "
         "terminator", code + 8);
  free(bad.bytes);
  /* unknown kind and predicate test, invalid UTF-8 string */
  bin m = encode_file("ir/minimal.vmir", NULL);
  m.bytes[5] = VMIR_PROGRAM_KIND_COUNT;
  reject(m.bytes, m.len, VMIR_E_ENCODING, "unknown program kind 4", 5);
  m.bytes[5] = 0;
  parts s = split(m);
  m.bytes[s.section_at[0] + 2] = 0xff;
  reject(m.bytes, m.len, VMIR_E_VERIFY, "string 0 is not valid UTF-8",
         s.section_at[0]);
  free(m.bytes);
  m = encode_file("ir/encode_policies.vmir", NULL);
  s = split(m);
  ck_assert_uint_eq(m.bytes[s.section_at[1] + 1], VMIR_PRED_IS_NONE);
  m.bytes[s.section_at[1] + 1] = 0;
  reject(m.bytes, m.len, VMIR_E_ENCODING, "predicates: p0 has unknown test 0",
         s.section_at[1] + 1);
  m.bytes[s.section_at[1] + 1] = 9;
  reject(m.bytes, m.len, VMIR_E_ENCODING, "unknown test 9", s.section_at[1] + 1);
  m.bytes[s.section_at[1] + 1] = VMIR_PRED_IS_NONE;
  /* p1 (the second entry: test, host id 7, field) names string 50 */
  ck_assert_uint_eq(m.bytes[s.section_at[1] + 4], VMIR_PRED_HOST);
  m.bytes[s.section_at[1] + 6] = 50;
  e = reject(m.bytes, m.len, VMIR_E_VERIFY, "p1: field string 50 out of range",
             s.section_at[1] + 4);
  ck_assert_int_eq(e.predicate, 1);
  free(m.bytes);
  free(b.bytes);
}
END_TEST

/* t[verify format.vm.binary-form-canonical] */
START_TEST(test_binary_limits) {
  size_t big = (size_t)VMIR_TEXT_MAX_BYTES + 1;
  uint8_t *huge = calloc(1, big);
  ck_assert_ptr_nonnull(huge);
  memcpy(huge, "VMIR", 4);
  reject(huge, big, VMIR_E_LIMIT, "limit", 0);
  free(huge);
}
END_TEST

/* ---- mutation evidence (docs/mutation.md) ------------------------------------ */

/* Unsigned operands keep their full range through the binary form: a
 * count above 2^32 survives text -> binary -> program -> text.
 * t[verify format.vm.text-binary-roundtrip] */
START_TEST(test_large_unsigned_operand_roundtrip) {
  char *base = load("ir/minimal.vmir");
  const char *from = "(emit-begin-struct (fields 2))";
  const char *to = "(emit-begin-struct (fields 6000000000))";
  char *at = strstr(base, from);
  ck_assert_ptr_nonnull(at);
  size_t head = (size_t)(at - base);
  char *text = malloc(strlen(base) + strlen(to));
  ck_assert_ptr_nonnull(text);
  sprintf(text, "%.*s%s%s", (int)head, base, to, at + strlen(from));
  vmir_program *p = parse_ok(text);
  bin b = encode(p);
  vmir_program *q = decode_ok(b);
  ck_assert(vmir_program_equal(p, q));
  char *again = print(q);
  ck_assert_str_eq(again, text);
  free(again);
  vmir_program_free(q);
  vmir_program_free(p);
  free(b.bytes);
  free(text);
  free(base);
}
END_TEST

int main(void) {
  Suite *s = suite_create("ir_binary");
  TCase *tc = tcase_create("binary");
  tcase_add_test(tc, test_data_files_roundtrip);
  tcase_add_test(tc, test_every_opcode_roundtrip);
  tcase_add_test(tc, test_header_layout);
  tcase_add_test(tc, test_encoding_deterministic);
  tcase_add_test(tc, test_bad_magic);
  tcase_add_test(tc, test_wrong_abi);
  tcase_add_test(tc, test_non_shortest_varint);
  tcase_add_test(tc, test_overlong_varint);
  tcase_add_test(tc, test_unknown_opcode);
  tcase_add_test(tc, test_truncated_at_every_length);
  tcase_add_test(tc, test_trailing_bytes);
  tcase_add_test(tc, test_section_length_mismatch);
  tcase_add_test(tc, test_non_canonical_pools);
  tcase_add_test(tc, test_decoded_structure_checked);
  tcase_add_test(tc, test_binary_limits);
  suite_add_tcase(s, tc);
  TCase *mut = tcase_create("mutation evidence");
  tcase_add_test(mut, test_large_unsigned_operand_roundtrip);
  suite_add_tcase(s, mut);
  return vmir_test_run(s, "ir_binary");
}
