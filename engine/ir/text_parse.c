/* The text loader: S-expression tree (util/sexp.h) -> builder -> program.
 *
 * The reader handles the lexical rules (whitespace, comments, string escapes
 * and UTF-8, integer and #x token spelling). This file checks the program
 * grammar of docs/ir-forms.md strictly: exact root layout and key order,
 * canonical labels numbered in order, one operand form per declared operand.
 * Every error names origin:line:column and says what was expected and what
 * was found. Structural checks (targets in range, terminators) are the
 * builder's; their errors are mapped back to the offending form's position. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sexp.h"
#include "vmir/text.h"

typedef struct parser {
  const char *origin;
  vmir_error *err;
  vmir_builder *b;
  const sexp_node *root;
  const sexp_node *pred_list;   /* the list inside (predicates ...) */
  const sexp_node *proc_list;   /* the list inside (procs ...) */
} parser;

/* ---- errors ---------------------------------------------------------------- */

__attribute__((format(printf, 4, 5)))
static bool fail_code(parser *ps, vmir_status code, const sexp_node *at,
                      const char *fmt, ...) {
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  sexp_error(ps->err, code, ps->origin, at, "%s", msg);
  return false;
}

#define fail(ps, at, ...) fail_code(ps, VMIR_E_SYNTAX, at, __VA_ARGS__)

/* A short description of a node for "found ..." in messages. */
static const char *describe(const sexp_node *n, char *buf, size_t cap) {
  switch (n->type) {
    case SEXP_SYMBOL:
      snprintf(buf, cap, "symbol `%.*s`", (int)(n->len > 40 ? 40 : n->len),
               n->text);
      break;
    case SEXP_INT:
      snprintf(buf, cap, "integer %s%llu", n->negative ? "-" : "",
               (unsigned long long)n->magnitude);
      break;
    case SEXP_STRING: snprintf(buf, cap, "a string literal"); break;
    case SEXP_BYTES: snprintf(buf, cap, "a #x byte literal"); break;
    case SEXP_LIST:
      if (n->count == 0)
        snprintf(buf, cap, "an empty list ()");
      else if (n->items[0].type == SEXP_SYMBOL)
        snprintf(buf, cap, "form (%.*s ...)",
                 (int)(n->items[0].len > 40 ? 40 : n->items[0].len),
                 n->items[0].text);
      else
        snprintf(buf, cap, "a list");
      break;
  }
  return buf;
}

/* Shorthand for the common "expected X, found Y" error. */
static bool expected(parser *ps, const sexp_node *at, const char *what) {
  char d[80];
  return fail(ps, at, "expected %s, found %s", what, describe(at, d, sizeof d));
}

/* ---- atoms ------------------------------------------------------------------ */

/* [a-z][a-z0-9]*(-[a-z0-9]+)*
 * t[impl format.vm.sexp-symbol-style] */
static bool kebab_case(const char *s, size_t n) {
  if (n == 0 || s[0] < 'a' || s[0] > 'z') return false;
  for (size_t i = 1; i < n; i++) {
    char c = s[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c == '-') {
      if (i + 1 == n || s[i + 1] == '-') return false;
    } else if (!alnum) {
      return false;
    }
  }
  return true;
}

/* Every symbol the parser reads goes through here first. */
static bool check_symbol(parser *ps, const sexp_node *n) {
  if (n->type != SEXP_SYMBOL) return expected(ps, n, "a symbol");
  if (!kebab_case(n->text, n->len))
    return fail(ps, n, "symbol `%.*s` is not lowercase kebab-case "
                "([a-z][a-z0-9]*(-[a-z0-9]+)*)",
                (int)(n->len > 40 ? 40 : n->len), n->text);
  return true;
}

static bool symbol_is(const sexp_node *n, const char *sym) {
  return n->type == SEXP_SYMBOL && strlen(sym) == n->len &&
         memcmp(n->text, sym, n->len) == 0;
}

/* t[impl format.vm.sexp-int-format] the reader rejects '+' and leading
 * zeros; "-0" is rejected here since zero has one spelling. */
static bool read_int(parser *ps, const sexp_node *n, int64_t *out) {
  if (n->type != SEXP_INT) return expected(ps, n, "an integer");
  if (n->negative && n->magnitude == 0)
    return fail(ps, n, "integer -0 is not canonical: write 0");
  if (!sexp_to_i64(n, out))
    return fail(ps, n, "integer out of the signed 64-bit range");
  return true;
}

static bool read_uint(parser *ps, const sexp_node *n, uint64_t max,
                      uint64_t *out) {
  if (n->type != SEXP_INT || n->negative)
    return expected(ps, n, "a non-negative integer");
  if (n->magnitude > max)
    return fail(ps, n, "integer %llu out of range (at most %llu)",
                (unsigned long long)n->magnitude, (unsigned long long)max);
  *out = n->magnitude;
  return true;
}

static bool read_u32(parser *ps, const sexp_node *n, uint32_t *out) {
  uint64_t v = 0;
  if (!read_uint(ps, n, UINT32_MAX, &v)) return false;
  *out = (uint32_t)v;
  return true;
}

/* Labels: one lowercase letter then a base-10 number without leading zeros.
 * t[impl format.vm.sexp-block-labels] */
/* t[impl format.vm.sexp-predicate-labels] */
/* t[impl format.vm.sexp-proc-labels] */
static bool read_label(parser *ps, const sexp_node *n, char prefix,
                       uint32_t *out) {
  static const char *const kinds[] = {"block label bN", "proc label fN",
                                      "predicate label pN"};
  const char *what = prefix == 'b' ? kinds[0] : prefix == 'f' ? kinds[1]
                                                              : kinds[2];
  if (n->type != SEXP_SYMBOL) return expected(ps, n, what);
  if (!check_symbol(ps, n)) return false;
  const char *s = n->text;
  size_t len = n->len;
  bool digits = len >= 2 && len <= 11 && s[0] == prefix &&
                !(s[1] == '0' && len > 2);
  uint64_t v = 0;
  for (size_t i = 1; digits && i < len; i++) {
    if (s[i] < '0' || s[i] > '9') digits = false;
    else v = v * 10 + (uint64_t)(s[i] - '0');
  }
  if (!digits || v >= UINT32_MAX) return expected(ps, n, what);
  *out = (uint32_t)v;
  return true;
}

/* A definition's label must be the next number in order: f0 f1 ..., b0 b1 ...,
 * p0 p1 ... . */
static bool read_definition(parser *ps, const sexp_node *n, char prefix,
                            uint32_t index) {
  uint32_t v = 0;
  if (!read_label(ps, n, prefix, &v)) return false;
  if (v != index)
    return fail(ps, n, "labels are defined in order: expected %c%u, found %c%u",
                prefix, index, prefix, v);
  return true;
}

/* ---- forms ------------------------------------------------------------------- */

/* A list `(head arg...)` with exactly `args` arguments. */
static bool expect_form(parser *ps, const sexp_node *n, const char *head,
                        uint32_t args) {
  char want[64];
  snprintf(want, sizeof want, "(%s ...)", head);
  if (n->type != SEXP_LIST || n->count == 0) return expected(ps, n, want);
  if (!check_symbol(ps, &n->items[0])) return false;
  if (!symbol_is(&n->items[0], head)) return expected(ps, n, want);
  if (n->count - 1 < args)
    return fail(ps, n, "(%s ...) needs %u item%s, found %u", head, args,
                args == 1 ? "" : "s", n->count - 1);
  if (n->count - 1 > args)
    return fail(ps, &n->items[args + 1], "(%s ...) takes %u item%s; "
                "unexpected extra item", head, args, args == 1 ? "" : "s");
  return true;
}

static bool expect_list(parser *ps, const sexp_node *n, const char *what) {
  if (n->type != SEXP_LIST) return expected(ps, n, what);
  return true;
}

/* An instruction form inside a constant table is logic where none may be.
 * Returns true (after reporting) when `n` is one.
 * t[impl format.vm.sexp-consts-not-logic] */
static bool reject_logic(parser *ps, const sexp_node *n, const char *table) {
  if (n->type != SEXP_LIST || n->count == 0 || n->items[0].type != SEXP_SYMBOL)
    return false;
  if (vmir_op_by_name(n->items[0].text, n->items[0].len) < 0) return false;
  fail(ps, n, "constant table `%s` holds no logic: found instruction `%.*s` "
       "(instructions belong in code procs)", table,
       (int)(n->items[0].len > 40 ? 40 : n->items[0].len), n->items[0].text);
  return true;
}

/* ---- root ---------------------------------------------------------------------- */

static const char *const root_keys[] = {"abi", "kind", "shape-id", "consts",
                                        "code"};
#define ROOT_KEYS 5u

static int root_key_index(const sexp_node *head) {
  for (int i = 0; i < (int)ROOT_KEYS; i++)
    if (symbol_is(head, root_keys[i])) return i;
  return -1;
}

/* Explains why the form at root position `pos` is not the expected key.
 * t[impl format.vm.sexp-key-order] */
/* t[impl format.vm.execution-profile-free] */
/* t[impl format.vm.no-format-specific-ir] */
static bool root_key_error(parser *ps, const sexp_node *n, uint32_t pos) {
  const char *want = pos < ROOT_KEYS ? root_keys[pos] : NULL;
  if (n->type != SEXP_LIST || n->count == 0) {
    char w[48];
    snprintf(w, sizeof w, "(%s ...)", want ? want : "end of program");
    return expected(ps, n, w);
  }
  const sexp_node *head = &n->items[0];
  if (!check_symbol(ps, head)) return false;
  if (symbol_is(head, "profile"))
    return fail(ps, n, "a program has no `profile` key: execution semantics "
                "do not depend on a profile");
  if (symbol_is(head, "format"))
    return fail(ps, n, "a program has no `format` key: every format shares "
                "one IR dialect");
  int at = root_key_index(head);
  if (at >= 0 && !want)
    return fail(ps, n, "duplicate root key `%s` after (code ...)",
                root_keys[at]);
  if (at >= 0)
    return fail(ps, n, "root key `%s` out of order: expected `%s` here "
                "(order: abi, kind, shape-id, consts, code)", root_keys[at],
                want);
  if (!want)
    return fail(ps, n, "unexpected form after (code ...): the program ends "
                "there");
  return fail(ps, n, "unknown root key `%.*s`: expected `%s`",
              (int)(head->len > 40 ? 40 : head->len), head->text, want);
}

static bool parse_abi(parser *ps, const sexp_node *n) {
  uint32_t abi;
  if (!expect_form(ps, n, "abi", 1) || !read_u32(ps, &n->items[1], &abi))
    return false;
  /* The text grammar is the one of VMIR_ABI_VERSION; other versions are
   * other grammars.
   * t[impl format.ir.program-abi-version] */
  if (abi != VMIR_ABI_VERSION)
    return fail_code(ps, VMIR_E_ABI, &n->items[1],
                     "program ABI %u is not supported (this library reads "
                     "ABI %u)", abi, VMIR_ABI_VERSION);
  return true;  /* the builder's default ABI is this one */
}

static bool parse_kind(parser *ps, const sexp_node *n, vmir_program_kind *out) {
  if (!expect_form(ps, n, "kind", 1)) return false;
  const sexp_node *k = &n->items[1];
  if (k->type != SEXP_SYMBOL) return expected(ps, k, "a program kind");
  if (!check_symbol(ps, k)) return false;
  for (int i = 0; i < VMIR_PROGRAM_KIND_COUNT; i++) {
    if (symbol_is(k, vmir_program_kind_name((vmir_program_kind)i))) {
      *out = (vmir_program_kind)i;
      return true;
    }
  }
  return expected(ps, k, "a program kind (encode, decode, build or fused)");
}

static bool parse_shape_id(parser *ps, const sexp_node *n, uint64_t *out) {
  return expect_form(ps, n, "shape-id", 1) &&
         read_uint(ps, &n->items[1], UINT64_MAX, out);
}

/* ---- consts ---------------------------------------------------------------------- */

/* The reader has decoded the JSON escapes and checked the UTF-8.
 * t[impl format.vm.sexp-string-format] */
static bool parse_strings(parser *ps, const sexp_node *n) {
  if (!expect_form(ps, n, "strings", 1)) return false;
  const sexp_node *list = &n->items[1];
  if (!expect_list(ps, list, "a list of string literals")) return false;
  for (uint32_t i = 0; i < list->count; i++) {
    const sexp_node *s = &list->items[i];
    if (reject_logic(ps, s, "strings")) return false;
    if (s->type != SEXP_STRING) return expected(ps, s, "a string literal");
    vmir_builder_add_string(ps->b, s->text, s->len);
  }
  return true;
}

static const struct {
  const char *name;
  vmir_predicate_test test;
} pred_tests[] = {
    {"is-none", VMIR_PRED_IS_NONE},
    {"is-empty", VMIR_PRED_IS_EMPTY},
    {"is-default", VMIR_PRED_IS_DEFAULT},
    {"host", VMIR_PRED_HOST},
};

static bool parse_test(parser *ps, const sexp_node *n, vmir_predicate_test *out) {
  if (!expect_form(ps, n, "test", 1)) return false;
  const sexp_node *t = &n->items[1];
  if (t->type == SEXP_SYMBOL && !check_symbol(ps, t)) return false;
  for (size_t i = 0; i < sizeof pred_tests / sizeof pred_tests[0]; i++) {
    if (symbol_is(t, pred_tests[i].name)) {
      *out = pred_tests[i].test;
      return true;
    }
  }
  return expected(ps, t, "a predicate test (is-none, is-empty, is-default "
                  "or host)");
}

/* (field (string K)) */
static bool parse_field(parser *ps, const sexp_node *n, uint32_t *out) {
  return expect_form(ps, n, "field", 1) &&
         expect_form(ps, &n->items[1], "string", 1) &&
         read_u32(ps, &n->items[1].items[1], out);
}

/* (pN (test T) [(host-id H) when T is host] (field (string K))) */
static bool parse_predicate(parser *ps, const sexp_node *n, uint32_t index) {
  if (reject_logic(ps, n, "predicates")) return false;
  if (n->type != SEXP_LIST || n->count == 0)
    return expected(ps, n, "a predicate (pN (test ...) (field ...))");
  if (!read_definition(ps, &n->items[0], 'p', index)) return false;
  for (uint32_t i = 1; i < n->count; i++)
    if (reject_logic(ps, &n->items[i], "predicates")) return false;
  vmir_predicate pred = {0};
  if (n->count < 3) return fail(ps, n, "predicate p%u needs (test ...) and "
                                "(field ...)", index);
  if (!parse_test(ps, &n->items[1], &pred.test)) return false;
  uint32_t next = 2;
  if (pred.test == VMIR_PRED_HOST) {
    if (!expect_form(ps, &n->items[next], "host-id", 1) ||
        !read_u32(ps, &n->items[next].items[1], &pred.host_id))
      return false;
    next++;
  }
  if (next >= n->count)
    return fail(ps, n, "predicate p%u needs (field (string K))", index);
  if (!parse_field(ps, &n->items[next], &pred.field_name)) return false;
  if (next + 1 < n->count)
    return fail(ps, &n->items[next + 1], "unexpected item after (field ...) "
                "in predicate p%u", index);
  vmir_builder_add_predicate(ps->b, pred);
  return true;
}

static bool parse_predicates(parser *ps, const sexp_node *n) {
  if (!expect_form(ps, n, "predicates", 1)) return false;
  const sexp_node *list = &n->items[1];
  if (!expect_list(ps, list, "a list of predicates")) return false;
  ps->pred_list = list;
  for (uint32_t i = 0; i < list->count; i++)
    if (!parse_predicate(ps, &list->items[i], i)) return false;
  return true;
}

static bool parse_consts(parser *ps, const sexp_node *n) {
  return expect_form(ps, n, "consts", 2) && parse_strings(ps, &n->items[1]) &&
         parse_predicates(ps, &n->items[2]);
}

/* ---- instructions ------------------------------------------------------------------ */

/* (bA bB ...) or (0 1 ...) -> a list pool entry. */
static bool parse_index_list(parser *ps, const sexp_node *n, bool blocks,
                             int64_t *out) {
  if (!expect_list(ps, n, blocks ? "a list of block labels (b1 b2 ...)"
                                 : "a list of string indexes (0 1 ...)"))
    return false;
  uint32_t *items = malloc((n->count ? n->count : 1) * sizeof *items);
  if (!items) return fail_code(ps, VMIR_E_NOMEM, n, "out of memory");
  bool ok = true;
  for (uint32_t i = 0; ok && i < n->count; i++)
    ok = blocks ? read_label(ps, &n->items[i], 'b', &items[i])
                : read_u32(ps, &n->items[i], &items[i]);
  if (ok) *out = vmir_builder_add_list(ps->b, items, n->count);
  free(items);
  return ok;
}

/* One operand value, spelled as its declared type requires. */
static bool parse_value(parser *ps, const sexp_node *v, vmir_operand_type type,
                        int64_t *out) {
  uint64_t u = 0;
  uint32_t label = 0;
  switch (type) {
    case VMIR_OPERAND_NONE: return expected(ps, v, "no operand");
    case VMIR_OPERAND_UINT:
      if (!read_uint(ps, v, INT64_MAX, &u)) return false;
      *out = (int64_t)u;
      return true;
    case VMIR_OPERAND_INT: return read_int(ps, v, out);
    case VMIR_OPERAND_STRING:
      if (!read_uint(ps, v, UINT32_MAX, &u)) return false;
      *out = (int64_t)u;
      return true;
    /* t[impl format.vm.sexp-bool-format] */
    case VMIR_OPERAND_BOOL:
      if (symbol_is(v, "true")) *out = 1;
      else if (symbol_is(v, "false")) *out = 0;
      else return expected(ps, v, "a boolean `true` or `false`");
      return true;
    case VMIR_OPERAND_BLOCK:
    case VMIR_OPERAND_PROC:
    case VMIR_OPERAND_PRED:
      if (!read_label(ps, v, type == VMIR_OPERAND_BLOCK  ? 'b'
                             : type == VMIR_OPERAND_PROC ? 'f'
                                                         : 'p',
                      &label))
        return false;
      *out = label;
      return true;
    /* t[impl format.vm.sexp-bytes-format] the reader accepts only #x with
     * an even count of lowercase hex digits. */
    case VMIR_OPERAND_BYTES:
      if (v->type != SEXP_BYTES) return expected(ps, v, "a #x byte literal");
      if (v->len > UINT32_MAX) return fail(ps, v, "byte literal too long");
      *out = vmir_builder_add_blob(ps->b, (const uint8_t *)v->text,
                                   (uint32_t)v->len);
      return true;
    case VMIR_OPERAND_BLOCKS: return parse_index_list(ps, v, true, out);
    case VMIR_OPERAND_STRINGS: return parse_index_list(ps, v, false, out);
  }
  return expected(ps, v, "an operand");
}

/* (name (key value) ...) with exactly the declared operands, in order. */
static bool parse_insn(parser *ps, const sexp_node *n, uint32_t proc,
                       uint32_t block) {
  if (n->type != SEXP_LIST || n->count == 0)
    return expected(ps, n, "an instruction (name (key value) ...)");
  const sexp_node *head = &n->items[0];
  if (!check_symbol(ps, head)) return false;
  int op = vmir_op_by_name(head->text, head->len);
  if (op < 0)
    return fail(ps, head, "unknown instruction `%.*s`",
                (int)(head->len > 40 ? 40 : head->len), head->text);
  const vmir_op_info *info = vmir_op_info_of((uint32_t)op);
  int64_t operand[VMIR_MAX_OPERANDS] = {0, 0, 0};
  for (uint32_t s = 0; s < info->operand_count; s++) {
    const char *key = info->operands[s].key;
    if (s + 1 >= n->count)
      return fail(ps, n, "instruction `%s` needs operand (%s ...)", info->name,
                  key);
    const sexp_node *o = &n->items[s + 1];
    if (!expect_form(ps, o, key, 1) ||
        !parse_value(ps, &o->items[1], info->operands[s].type, &operand[s]))
      return false;
  }
  if (n->count > info->operand_count + 1u)
    return fail(ps, &n->items[info->operand_count + 1], "instruction `%s` "
                "takes %u operand%s; unexpected extra item", info->name,
                info->operand_count, info->operand_count == 1 ? "" : "s");
  vmir_builder_emit(ps->b, proc, block, (vmir_opcode)op, operand[0],
                    operand[1], operand[2]);
  return true;
}

/* (bN insn ...) */
static bool parse_block(parser *ps, const sexp_node *n, uint32_t proc,
                        uint32_t index) {
  if (n->type != SEXP_LIST || n->count == 0)
    return expected(ps, n, "a block (bN instruction ...)");
  if (!read_definition(ps, &n->items[0], 'b', index)) return false;
  for (uint32_t i = 1; i < n->count; i++)
    if (!parse_insn(ps, &n->items[i], proc, index)) return false;
  return true;
}

/* (fN (entry bK) (blocks (block ...))) */
static bool parse_proc(parser *ps, const sexp_node *n, uint32_t index) {
  if (n->type != SEXP_LIST || n->count == 0)
    return expected(ps, n, "a proc (fN (entry bK) (blocks (...)))");
  if (!read_definition(ps, &n->items[0], 'f', index)) return false;
  if (n->count != 3)
    return fail(ps, n, "proc f%u needs exactly (entry bK) and (blocks (...)), "
                "found %u items", index, n->count - 1);
  uint32_t entry;
  if (!expect_form(ps, &n->items[1], "entry", 1) ||
      !read_label(ps, &n->items[1].items[1], 'b', &entry) ||
      !expect_form(ps, &n->items[2], "blocks", 1))
    return false;
  const sexp_node *list = &n->items[2].items[1];
  if (!expect_list(ps, list, "a list of blocks")) return false;
  uint32_t proc = vmir_builder_add_proc(ps->b);
  for (uint32_t k = 0; k < list->count; k++) vmir_builder_add_block(ps->b, proc);
  vmir_builder_set_proc_entry(ps->b, proc, entry);
  for (uint32_t k = 0; k < list->count; k++)
    if (!parse_block(ps, &list->items[k], proc, k)) return false;
  return true;
}

/* (code (procs (proc ...)) (entry-proc fN))
 * t[impl format.vm.sexp-code-is-logic] */
/* t[impl format.vm.sexp-entry-proc] */
static bool parse_code(parser *ps, const sexp_node *n) {
  if (n->type == SEXP_LIST && n->count > 3 && symbol_is(&n->items[0], "code") &&
      n->items[3].type == SEXP_LIST && n->items[3].count > 0 &&
      symbol_is(&n->items[3].items[0], "entry-proc"))
    return fail(ps, &n->items[3], "a program has exactly one entry-proc; "
                "found another");
  if (n->type == SEXP_LIST && n->count == 2 && symbol_is(&n->items[0], "code"))
    return fail(ps, n, "(code ...) needs (entry-proc fN) after (procs ...)");
  if (!expect_form(ps, n, "code", 2) ||
      !expect_form(ps, &n->items[1], "procs", 1))
    return false;
  const sexp_node *list = &n->items[1].items[1];
  if (!expect_list(ps, list, "a list of procs")) return false;
  ps->proc_list = list;
  for (uint32_t f = 0; f < list->count; f++)
    if (!parse_proc(ps, &list->items[f], f)) return false;
  uint32_t entry;
  if (!expect_form(ps, &n->items[2], "entry-proc", 1) ||
      !read_label(ps, &n->items[2].items[1], 'f', &entry))
    return false;
  vmir_builder_set_entry_proc(ps->b, entry);
  return true;
}

/* ---- builder errors back to positions ------------------------------------------------- */

/* The form a builder error's pc (or predicate) points at; the root when it
 * names none. Every index was laid out from these very lists, so the walk
 * stays in bounds; it still checks, being cheap. */
static const sexp_node *node_for_error(const parser *ps, const vmir_error *e) {
  if (e->predicate >= 0 && ps->pred_list &&
      (uint32_t)e->predicate < ps->pred_list->count)
    return &ps->pred_list->items[e->predicate];
  if (e->proc < 0 || !ps->proc_list ||
      (uint32_t)e->proc >= ps->proc_list->count)
    return ps->root;
  const sexp_node *proc = &ps->proc_list->items[e->proc];
  if (e->block < 0) return proc;
  const sexp_node *blocks = &proc->items[2].items[1];
  if ((uint32_t)e->block >= blocks->count) return proc;
  const sexp_node *block = &blocks->items[e->block];
  if (e->insn < 0 || (uint32_t)e->insn + 1 >= block->count) return block;
  return &block->items[e->insn + 1];
}

static void locate_builder_error(const parser *ps) {
  vmir_error saved = *ps->err;
  const sexp_node *at = node_for_error(ps, &saved);
  sexp_error(ps->err, saved.code, ps->origin, at, "%s", saved.message);
  ps->err->proc = saved.proc;
  ps->err->block = saved.block;
  ps->err->insn = saved.insn;
  ps->err->predicate = saved.predicate;
}

/* ---- entry point ------------------------------------------------------------------------ */

static bool parse_root(parser *ps, vmir_program_kind *kind, uint64_t *shape_id) {
  const sexp_node *root = ps->root;
  /* t[impl format.vm.sexp-root-tag] */
  if (root->type != SEXP_LIST || root->count == 0 ||
      !symbol_is(&root->items[0], "vmir"))
    return fail(ps, root->type == SEXP_LIST && root->count ? &root->items[0]
                                                           : root,
                "the root tag must be `vmir`: expected (vmir ...), found %s",
                describe(root, (char[80]){0}, 80));
  for (uint32_t pos = 0; pos < ROOT_KEYS; pos++) {
    if (pos + 1 >= root->count)
      return fail(ps, root, "program ends early: missing (%s ...)",
                  root_keys[pos]);
    const sexp_node *n = &root->items[pos + 1];
    if (n->type != SEXP_LIST || n->count == 0 ||
        !symbol_is(&n->items[0], root_keys[pos]))
      return root_key_error(ps, n, pos);
  }
  if (root->count > ROOT_KEYS + 1)
    return root_key_error(ps, &root->items[ROOT_KEYS + 1], ROOT_KEYS);
  return parse_abi(ps, &root->items[1]) &&
         parse_kind(ps, &root->items[2], kind) &&
         parse_shape_id(ps, &root->items[3], shape_id);
}

vmir_program *vmir_program_parse_text(const char *text, size_t len,
                                      const char *origin, vmir_error *err) {
  vmir_error scratch;
  if (!err) err = &scratch;
  vmir_error_clear(err);
  if (!origin) origin = "<text>";
  if (!text && len) {
    err->code = VMIR_E_USAGE;
    snprintf(err->message, sizeof err->message, "%s: NULL text", origin);
    return NULL;
  }
  if (len > VMIR_TEXT_MAX_BYTES) {
    err->code = VMIR_E_LIMIT;
    snprintf(err->message, sizeof err->message,
             "%s: program text is %zu bytes; the limit is %u", origin, len,
             VMIR_TEXT_MAX_BYTES);
    return NULL;
  }
  /* t[impl format.vm.sexp-parser-whitespace] */
  /* t[impl format.vm.sexp-parser-comments] the reader skips any ASCII
   * whitespace and `;` line comments between tokens. */
  sexp_doc *doc = sexp_parse(text ? text : "", len, origin,
                             VMIR_TEXT_MAX_DEPTH, err);
  if (!doc) return NULL;
  parser ps = {origin, err, NULL, sexp_root(doc), NULL, NULL};
  vmir_program_kind kind = VMIR_PROGRAM_ENCODE;
  uint64_t shape_id = 0;
  vmir_program *prog = NULL;
  /* The builder needs kind and shape id up front, so the three header keys
   * are read before it exists; consts and code go straight into it. */
  if (parse_root(&ps, &kind, &shape_id)) {
    ps.b = vmir_builder_new(kind, shape_id);
    if (!ps.b) {
      fail_code(&ps, VMIR_E_NOMEM, ps.root, "out of memory");
    } else if (parse_consts(&ps, &ps.root->items[4]) &&
               parse_code(&ps, &ps.root->items[5])) {
      prog = vmir_builder_finish(ps.b, err);
      ps.b = NULL;  /* finish consumed it */
      if (!prog) locate_builder_error(&ps);
    }
  }
  vmir_builder_free(ps.b);
  sexp_free(doc);
  return prog;
}
