/* The canonical text printer. The layout is the spec's (vm-ir.md), written
 * down in docs/ir-forms.md: two spaces per nesting level, one form per line,
 * procs, blocks and predicates one per line inside an extra list level whose
 * later items align one column right of its opening paren, closing parens at
 * the end of the last line, one final newline.
 *
 * t[impl format.vm.text-form-sexp] */
/* t[impl format.vm.sexp-canonical-print] */
/* Output depends only on the program's contents (the builder lays programs
 * out canonically), never on addresses, locale or the time.
 * t[impl format.vm.sexp-canonical-no-comments] the printer has no way to
 * write a comment: nothing below emits ';'. */
#include <inttypes.h>
#include <stdio.h>

#include "util/buf.h"
#include "vmir/text.h"

static void newline(vmir_buf *out, unsigned indent) {
  vmir_buf_putc(out, '\n');
  for (unsigned i = 0; i < indent; i++) vmir_buf_putc(out, ' ');
}

/* JSON escapes for '"', '\\' and control characters; every other byte,
 * multi-byte UTF-8 included, is written as is. One spelling per character
 * (the short escape where JSON has one, else \u00xx in lowercase) keeps the
 * output canonical.
 * t[impl format.vm.sexp-string-format] */
static void put_string(vmir_buf *out, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  vmir_buf_putc(out, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
      case '"': vmir_buf_puts(out, "\\\""); break;
      case '\\': vmir_buf_puts(out, "\\\\"); break;
      case '\n': vmir_buf_puts(out, "\\n"); break;
      case '\r': vmir_buf_puts(out, "\\r"); break;
      case '\t': vmir_buf_puts(out, "\\t"); break;
      case '\b': vmir_buf_puts(out, "\\b"); break;
      case '\f': vmir_buf_puts(out, "\\f"); break;
      default:
        if (c < 0x20) {
          char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
          vmir_buf_puts(out, esc);
        } else {
          vmir_buf_putc(out, (char)c);
        }
    }
  }
  vmir_buf_putc(out, '"');
}

/* t[impl format.vm.sexp-bytes-format] */
static void put_bytes(vmir_buf *out, const uint8_t *p, uint32_t n) {
  static const char hex[] = "0123456789abcdef";
  vmir_buf_puts(out, "#x");
  for (uint32_t i = 0; i < n; i++) {
    vmir_buf_putc(out, hex[p[i] >> 4]);
    vmir_buf_putc(out, hex[p[i] & 15]);
  }
}

static void print_strings(vmir_buf *out, const vmir_program *p) {
  newline(out, 4);
  vmir_buf_puts(out, "(strings (");
  for (uint32_t i = 0; i < p->string_count; i++) {
    if (i) vmir_buf_putc(out, ' ');
    put_string(out, p->string_bytes + p->strings[i].start, p->strings[i].len);
  }
  vmir_buf_puts(out, "))");
}

/* (p0 (test is-none) (field (string 3))); host tests add (host-id N). */
static void print_predicates(vmir_buf *out, const vmir_program *p) {
  newline(out, 4);
  if (p->predicate_count == 0) {
    vmir_buf_puts(out, "(predicates ())");
    return;
  }
  vmir_buf_puts(out, "(predicates");
  for (uint32_t i = 0; i < p->predicate_count; i++) {
    const vmir_predicate *pr = &p->predicates[i];
    newline(out, i == 0 ? 6 : 7);
    vmir_buf_printf(out, "%s(p%u (test %s)", i == 0 ? "(" : "", i,
                    vmir_predicate_test_name(pr->test));
    if (pr->test == VMIR_PRED_HOST)
      vmir_buf_printf(out, " (host-id %u)", pr->host_id);
    vmir_buf_printf(out, " (field (string %u)))", pr->field_name);
  }
  vmir_buf_puts(out, "))");
}

static void print_list(vmir_buf *out, const vmir_program *p, int64_t index,
                       const char *prefix) {
  vmir_buf_putc(out, '(');
  if (index >= 0 && index < p->list_count) {
    vmir_span sp = p->lists[index];
    for (uint32_t k = 0; k < sp.len; k++)
      vmir_buf_printf(out, "%s%s%" PRIu32, k ? " " : "", prefix,
                      p->list_items[sp.start + k]);
  }
  vmir_buf_putc(out, ')');
}

/* One operand value in the spelling of its type. */
static void print_value(vmir_buf *out, const vmir_program *p,
                        vmir_operand_type type, int64_t v) {
  switch (type) {
    case VMIR_OPERAND_NONE: return;
    /* t[impl format.vm.sexp-int-format] */
    case VMIR_OPERAND_UINT:
    case VMIR_OPERAND_INT:
    case VMIR_OPERAND_STRING:
      vmir_buf_printf(out, "%" PRId64, v);
      return;
    /* t[impl format.vm.sexp-bool-format] */
    case VMIR_OPERAND_BOOL: vmir_buf_puts(out, v ? "true" : "false"); return;
    /* t[impl format.vm.sexp-block-labels] */
    case VMIR_OPERAND_BLOCK: vmir_buf_printf(out, "b%" PRId64, v); return;
    /* t[impl format.vm.sexp-proc-labels] */
    case VMIR_OPERAND_PROC: vmir_buf_printf(out, "f%" PRId64, v); return;
    /* t[impl format.vm.sexp-predicate-labels] */
    case VMIR_OPERAND_PRED: vmir_buf_printf(out, "p%" PRId64, v); return;
    case VMIR_OPERAND_BYTES:
      if (v >= 0 && v < p->blob_count)
        put_bytes(out, p->blob_bytes + p->blobs[v].start, p->blobs[v].len);
      else
        vmir_buf_puts(out, "#x");
      return;
    case VMIR_OPERAND_BLOCKS: print_list(out, p, v, "b"); return;
    case VMIR_OPERAND_STRINGS: print_list(out, p, v, ""); return;
  }
}

/* (name (key value) ...) in operand order. */
static void print_insn(vmir_buf *out, const vmir_program *p,
                       const vmir_insn *insn) {
  const vmir_op_info *info = vmir_op_info_of(insn->op);
  if (!info) return;
  vmir_buf_printf(out, "(%s", info->name);
  for (uint32_t s = 0; s < info->operand_count; s++) {
    vmir_buf_printf(out, " (%s ", info->operands[s].key);
    print_value(out, p, info->operands[s].type, insn->operand[s]);
    vmir_buf_putc(out, ')');
  }
  vmir_buf_putc(out, ')');
}

static void print_proc(vmir_buf *out, const vmir_program *p, uint32_t f) {
  const vmir_proc *proc = &p->procs[f];
  newline(out, f == 0 ? 6 : 7);
  vmir_buf_printf(out, "%s(f%u", f == 0 ? "(" : "", f);
  newline(out, 8);
  vmir_buf_printf(out, "(entry b%u)", proc->entry_block);
  newline(out, 8);
  vmir_buf_puts(out, "(blocks");
  for (uint32_t k = 0; k < proc->block_count; k++) {
    const vmir_block *block = &p->blocks[proc->first_block + k];
    newline(out, k == 0 ? 10 : 11);
    vmir_buf_printf(out, "%s(b%u", k == 0 ? "(" : "", k);
    for (uint32_t i = 0; i < block->insn_count; i++) {
      newline(out, 12);
      print_insn(out, p, &p->insns[block->first_insn + i]);
    }
    vmir_buf_putc(out, ')');
  }
  vmir_buf_puts(out, ")))");  /* block list, (blocks, (fN */
}

/* t[impl format.vm.sexp-key-order] */
/* t[impl format.vm.sexp-root-tag] */
/* t[impl format.vm.execution-profile-free] the printer writes the five root
 * keys and nothing else: no profile, no format. */
char *vmir_program_print_text(const vmir_program *p, size_t *len_out) {
  if (len_out) *len_out = 0;
  if (!p) return NULL;
  vmir_buf out;
  vmir_buf_init(&out);
  const char *kind = vmir_program_kind_name(p->kind);
  vmir_buf_puts(&out, "(vmir");
  newline(&out, 2);
  vmir_buf_printf(&out, "(abi %" PRIu32 ")", p->abi);
  newline(&out, 2);
  vmir_buf_printf(&out, "(kind %s)", kind ? kind : "encode");
  newline(&out, 2);
  vmir_buf_printf(&out, "(shape-id %" PRIu64 ")", p->shape_id);
  newline(&out, 2);
  vmir_buf_puts(&out, "(consts");
  print_strings(&out, p);
  print_predicates(&out, p);
  vmir_buf_putc(&out, ')');
  newline(&out, 2);
  vmir_buf_puts(&out, "(code");
  newline(&out, 4);
  vmir_buf_puts(&out, "(procs");
  for (uint32_t f = 0; f < p->proc_count; f++) print_proc(&out, p, f);
  vmir_buf_puts(&out, "))");  /* proc list, (procs */
  newline(&out, 4);
  vmir_buf_printf(&out, "(entry-proc f%" PRIu32 ")))\n", p->entry_proc);
  return vmir_buf_take(&out, len_out);
}
