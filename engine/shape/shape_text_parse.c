/* Shape text (S-expression shape files) -> a vmir_shape_set. The grammar is
 * in docs/shapes.md ("Text form"). The input is untrusted: the S-expression
 * reader bounds nesting, this file bounds counts, every integer is range
 * checked, and the finished graph goes through vmir_shape_validate before the
 * caller sees it. Errors read "<origin>:<line>:<column>: <what was expected>".
 *
 * Two passes over the top-level forms: the first creates one empty shape per
 * (define NAME FORM) so that definitions may refer to each other in any order
 * (recursive types), the second fills them in. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shape/shape_internal.h"
#include "util/sexp.h"

/* Limits for one file. Nesting: (shapes (define (struct (field (shape ...
 * costs four levels per inline struct, so 128 allows 30 inline levels. */
#define MAX_DEPTH 128u
#define MAX_SHAPES 4096u        /* composite shapes, defined or inline */
#define MAX_FIELDS 65536u       /* fields of structs, tuples and variants */
#define MAX_VARIANTS 65536u
#define MAX_NAME 1024u          /* bytes in a name or string */

/* ---- Arena: the set owns every byte it hands out ------------------------ */

typedef struct arena_block {
  struct arena_block *next;
  size_t used, cap;
  max_align_t data[];
} arena_block;

typedef struct set_def {
  const char *name;
  vmir_shape *shape;
} set_def;

struct vmir_shape_set {
  arena_block *arena;
  const vmir_shape *root;
  set_def *defs;                /* sorted by name */
  size_t def_count;
};

static void *arena_alloc(vmir_shape_set *set, size_t n) {
  const size_t a = _Alignof(max_align_t);
  n = (n + a - 1) / a * a;
  arena_block *b = set->arena;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > 16384 ? n : 16384;
    b = calloc(1, sizeof *b + cap);
    if (!b) return NULL;
    b->cap = cap;
    b->next = set->arena;
    set->arena = b;
  }
  void *p = (char *)b->data + b->used;
  b->used += n;
  return p; /* zeroed: blocks come from calloc */
}

static char *arena_strndup(vmir_shape_set *set, const char *s, size_t n) {
  char *p = arena_alloc(set, n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

void vmir_shape_set_free(vmir_shape_set *set) {
  if (!set) return;
  for (arena_block *b = set->arena, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  free(set->defs);
  free(set);
}

const vmir_shape *vmir_shape_set_root(const vmir_shape_set *set) {
  return set ? set->root : NULL;
}

static int def_cmp_key(const void *key, const void *elem) {
  return strcmp((const char *)key, ((const set_def *)elem)->name);
}

const vmir_shape *vmir_shape_set_find(const vmir_shape_set *set,
                                      const char *name) {
  if (!set || !name || !set->def_count) return NULL;
  const set_def *d =
      bsearch(name, set->defs, set->def_count, sizeof *d, def_cmp_key);
  return d ? d->shape : NULL;
}

/* ---- Parser state and errors -------------------------------------------- */

typedef struct placed {
  const vmir_shape *shape;
  const sexp_node *form;      /* where it was written, for validation errors */
} placed;

typedef struct parser {
  vmir_shape_set *set;
  const char *origin;
  vmir_error *err;
  placed *shapes;             /* every composite shape created */
  size_t shape_count;
  uint32_t fields, variants;
  const sexp_node **def_forms;  /* defs[i] came from def_forms[i] */
} parser;

__attribute__((format(printf, 4, 5))) static vmir_status
fail(parser *p, const sexp_node *at, vmir_status code, const char *fmt, ...) {
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return sexp_error(p->err, code, p->origin, at, "%s", msg);
}

static vmir_status nomem(parser *p, const sexp_node *at) {
  return fail(p, at, VMIR_E_NOMEM, "out of memory");
}

/* "an integer", "a symbol", ... for messages. */
static const char *found(const sexp_node *n) {
  switch (n->type) {
    case SEXP_LIST: return n->count ? "a list" : "an empty list";
    case SEXP_SYMBOL: return "a symbol";
    case SEXP_INT: return "an integer";
    case SEXP_STRING: return "a string";
    case SEXP_BYTES: return "a byte string";
  }
  return "something else";
}

/* Head symbol of a form, or NULL when `n` is not a list starting with one. */
static const sexp_node *head(const sexp_node *n) {
  if (n->type != SEXP_LIST || n->count == 0 || n->items[0].type != SEXP_SYMBOL)
    return NULL;
  return &n->items[0];
}

static bool sym_eq(const sexp_node *n, const char *s) {
  return n && n->type == SEXP_SYMBOL && n->len == strlen(s) &&
         memcmp(n->text, s, n->len) == 0;
}

/* ---- Property forms ----------------------------------------------------- */

/* Sorts the items of `form` from index `first` on into `slots` (one per name
 * in `names`, each allowed at most once). Items headed by `repeat` (may be
 * NULL) are allowed any number of times and counted in *repeat_count. */
static vmir_status read_props(parser *p, const sexp_node *form, uint32_t first,
                              const char *what, const char *const *names,
                              size_t nnames, const sexp_node **slots,
                              const char *repeat, uint32_t *repeat_count) {
  for (size_t k = 0; k < nnames; k++) slots[k] = NULL;
  if (repeat_count) *repeat_count = 0;
  for (uint32_t i = first; i < form->count; i++) {
    const sexp_node *item = &form->items[i];
    const sexp_node *h = head(item);
    if (!h)
      return fail(p, item, VMIR_E_SYNTAX,
                  "expected a (name ...) form inside %s, found %s", what,
                  found(item));
    if (repeat && sym_eq(h, repeat)) {
      (*repeat_count)++;
      continue;
    }
    size_t k = 0;
    while (k < nnames && !sym_eq(h, names[k])) k++;
    if (k == nnames) {
      char list[160] = "";
      size_t used = 0;
      for (size_t j = 0; j <= nnames && used < sizeof list; j++) {
        const char *nm = j < nnames ? names[j] : repeat;
        if (!nm) continue;
        int w = snprintf(list + used, sizeof list - used, "%s%s",
                         used ? ", " : "", nm);
        if (w < 0) break;
        used += (size_t)w;
      }
      return fail(p, item, VMIR_E_SYNTAX,
                  "unknown form (%.*s ...) inside %s; expected one of: %s",
                  (int)(h->len > 40 ? 40 : h->len), h->text, what, list);
    }
    if (slots[k])
      return fail(p, item, VMIR_E_SYNTAX,
                  "(%s ...) given twice inside %s (first at line %u, column "
                  "%u)",
                  names[k], what, slots[k]->line, slots[k]->column);
    slots[k] = item;
  }
  return VMIR_OK;
}

static vmir_status require(parser *p, const sexp_node *form,
                           const sexp_node *slot, const char *prop,
                           const char *what) {
  if (slot) return VMIR_OK;
  return fail(p, form, VMIR_E_SYNTAX, "%s needs a (%s ...) form", what, prop);
}

/* `(prop X)` with exactly one argument; returns X. */
static vmir_status one_arg(parser *p, const sexp_node *slot,
                           const sexp_node **arg) {
  if (slot->count != 2)
    return fail(p, slot, VMIR_E_SYNTAX,
                "(%.*s ...) takes exactly one argument, found %u",
                (int)slot->items[0].len, slot->items[0].text, slot->count - 1);
  *arg = &slot->items[1];
  return VMIR_OK;
}

static vmir_status read_u32(parser *p, const sexp_node *slot, uint32_t *out) {
  const sexp_node *a = NULL;
  vmir_status st = one_arg(p, slot, &a);
  if (st) return st;
  uint64_t v;
  if (a->type != SEXP_INT || !sexp_to_u64(a, &v) || v > UINT32_MAX)
    return fail(p, a, VMIR_E_SYNTAX,
                "(%.*s N) needs an integer from 0 to 4294967295, found %s",
                (int)slot->items[0].len, slot->items[0].text,
                a->type == SEXP_INT ? "one out of range" : found(a));
  *out = (uint32_t)v;
  return VMIR_OK;
}

static vmir_status read_i64(parser *p, const sexp_node *slot, int64_t *out) {
  const sexp_node *a = NULL;
  vmir_status st = one_arg(p, slot, &a);
  if (st) return st;
  if (a->type != SEXP_INT || !sexp_to_i64(a, out))
    return fail(p, a, VMIR_E_SYNTAX,
                "(%.*s N) needs a 64-bit signed integer, found %s",
                (int)slot->items[0].len, slot->items[0].text,
                a->type == SEXP_INT ? "one out of range" : found(a));
  return VMIR_OK;
}

static vmir_status read_bool(parser *p, const sexp_node *slot, bool *out) {
  const sexp_node *a = NULL;
  vmir_status st = one_arg(p, slot, &a);
  if (st) return st;
  if (sym_eq(a, "true")) *out = true;
  else if (sym_eq(a, "false")) *out = false;
  else
    return fail(p, a, VMIR_E_SYNTAX, "expected true or false, found %s",
                found(a));
  return VMIR_OK;
}

/* A string argument copied into the set; no NUL bytes inside. */
static vmir_status copy_string(parser *p, const sexp_node *a, const char **out) {
  if (a->type != SEXP_STRING)
    return fail(p, a, VMIR_E_SYNTAX, "expected a string, found %s", found(a));
  if (a->len > MAX_NAME)
    return fail(p, a, VMIR_E_LIMIT, "string longer than %u bytes", MAX_NAME);
  if (memchr(a->text, '\0', a->len))
    return fail(p, a, VMIR_E_SYNTAX, "string contains a NUL character");
  *out = arena_strndup(p->set, a->text, a->len);
  return *out ? VMIR_OK : nomem(p, a);
}

static vmir_status read_string(parser *p, const sexp_node *slot,
                               const char **out) {
  const sexp_node *a = NULL;
  vmir_status st = one_arg(p, slot, &a);
  return st ? st : copy_string(p, a, out);
}

/* Field and variant names: a symbol, a string, or a non-negative integer
 * (positional fields: `(field 0 ...)` names the field "0"). */
static vmir_status read_name(parser *p, const sexp_node *a, const char **out) {
  if (a->type == SEXP_STRING) return copy_string(p, a, out);
  if (a->type == SEXP_SYMBOL) {
    if (a->len > MAX_NAME)
      return fail(p, a, VMIR_E_LIMIT, "name longer than %u bytes", MAX_NAME);
    *out = arena_strndup(p->set, a->text, a->len);
    return *out ? VMIR_OK : nomem(p, a);
  }
  if (a->type == SEXP_INT && !a->negative) {
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)a->magnitude);
    *out = arena_strndup(p->set, buf, (size_t)n);
    return *out ? VMIR_OK : nomem(p, a);
  }
  return fail(p, a, VMIR_E_SYNTAX,
              "expected a name (a symbol, a string or a non-negative "
              "integer), found %s",
              found(a));
}

/* ---- Shapes ------------------------------------------------------------- */

static vmir_status fill_form(parser *p, vmir_shape *s, const sexp_node *form);

static vmir_shape *new_shape(parser *p, const sexp_node *form) {
  if (p->shape_count >= MAX_SHAPES) {
    fail(p, form, VMIR_E_LIMIT, "more than %u composite shapes in one file",
         MAX_SHAPES);
    return NULL;
  }
  vmir_shape *s = arena_alloc(p->set, sizeof *s);
  if (!s) {
    nomem(p, form);
    return NULL;
  }
  p->shapes[p->shape_count++] = (placed){s, form};
  return s;
}

static const set_def *find_def(parser *p, const sexp_node *sym) {
  char buf[MAX_NAME + 1];
  if (sym->len > MAX_NAME) return NULL;
  memcpy(buf, sym->text, sym->len);
  buf[sym->len] = '\0';
  return bsearch(buf, p->set->defs, p->set->def_count, sizeof(set_def),
                 def_cmp_key);
}

/* A shape expression: a leaf kind name, a defined name, or an inline form. */
static vmir_status parse_ref(parser *p, const sexp_node *n,
                             const vmir_shape **out) {
  if (n->type == SEXP_SYMBOL) {
    vmir_kind k;
    if (vmir_shape__leaf_by_name(n->text, n->len, &k)) {
      *out = vmir_shape__builtin(k);
      return VMIR_OK;
    }
    const set_def *d = find_def(p, n);
    if (!d)
      return fail(p, n, VMIR_E_SHAPE,
                  "unknown shape name '%.*s'; expected a builtin (bool, u8 .. "
                  "u64, i8 .. i64, f32, f64, unit, string, bytes, value) or a "
                  "name given by (define ...)",
                  (int)(n->len > 60 ? 60 : n->len), n->text);
    *out = d->shape;
    return VMIR_OK;
  }
  if (!head(n))
    return fail(p, n, VMIR_E_SYNTAX,
                "expected a shape (a builtin name, a defined name or a form "
                "such as (list u32)), found %s",
                found(n));
  vmir_shape *s = new_shape(p, n);
  if (!s) return p->err ? p->err->code : VMIR_E_LIMIT;
  *out = s;
  return fill_form(p, s, n);
}

static vmir_status read_shape_prop(parser *p, const sexp_node *slot,
                                   const vmir_shape **out) {
  const sexp_node *a = NULL;
  vmir_status st = one_arg(p, slot, &a);
  return st ? st : parse_ref(p, a, out);
}

static vmir_status read_size_align(parser *p, vmir_shape *s,
                                   const sexp_node *form, const char *what,
                                   const sexp_node *size,
                                   const sexp_node *align) {
  vmir_status st = require(p, form, size, "size", what);
  if (!st) st = require(p, form, align, "align", what);
  if (!st) st = read_u32(p, size, &s->size);
  if (!st) st = read_u32(p, align, &s->align);
  return st;
}

/* (flags skip flatten default) */
static vmir_status read_flags(parser *p, const sexp_node *slot,
                              uint32_t *flags) {
  static const struct { const char *name; uint32_t bit; } known[] = {
      {"skip", VMIR_FIELD_SKIP},
      {"flatten", VMIR_FIELD_FLATTEN},
      {"default", VMIR_FIELD_DEFAULT},
  };
  for (uint32_t i = 1; i < slot->count; i++) {
    const sexp_node *a = &slot->items[i];
    size_t k = 0;
    while (k < 3 && !sym_eq(a, known[k].name)) k++;
    if (k == 3 && a->type == SEXP_SYMBOL)
      return fail(p, a, VMIR_E_SYNTAX,
                  "expected a flag (skip, flatten or default), found '%.*s'",
                  (int)(a->len > 40 ? 40 : a->len), a->text);
    if (k == 3)
      return fail(p, a, VMIR_E_SYNTAX,
                  "expected a flag (skip, flatten or default), found %s",
                  found(a));
    if (*flags & known[k].bit)
      return fail(p, a, VMIR_E_SYNTAX, "flag %s given twice", known[k].name);
    *flags |= known[k].bit;
  }
  return VMIR_OK;
}

/* (skip-if is-none | is-empty | is-default | (host N)) */
static vmir_status read_skip_if(parser *p, const sexp_node *slot,
                                vmir_field *f) {
  const sexp_node *a = NULL;
  vmir_status st = one_arg(p, slot, &a);
  if (st) return st;
  f->flags |= VMIR_FIELD_SKIP_IF;
  if (sym_eq(a, "is-none")) f->skip_if = VMIR_PRED_IS_NONE;
  else if (sym_eq(a, "is-empty")) f->skip_if = VMIR_PRED_IS_EMPTY;
  else if (sym_eq(a, "is-default")) f->skip_if = VMIR_PRED_IS_DEFAULT;
  else if (sym_eq(head(a), "host")) {
    f->skip_if = VMIR_PRED_HOST;
    return read_u32(p, a, &f->host_predicate);
  } else {
    return fail(p, a, VMIR_E_SYNTAX,
                "expected a predicate (is-none, is-empty, is-default or (host "
                "N)), found %s",
                found(a));
  }
  return VMIR_OK;
}

/* (field NAME (offset N) (shape S) [(rename "x")] [(member-size N)]
 *        [(flags ...)] [(skip-if P)]) */
static vmir_status parse_field(parser *p, const sexp_node *form,
                               vmir_field *f) {
  static const char *const names[] = {"offset", "shape", "rename",
                                      "member-size", "flags", "skip-if"};
  const sexp_node *sl[6];
  if (++p->fields > MAX_FIELDS)
    return fail(p, form, VMIR_E_LIMIT, "more than %u fields in one file",
                MAX_FIELDS);
  if (form->count < 2)
    return fail(p, form, VMIR_E_SYNTAX, "(field NAME ...) needs a name");
  vmir_status st = read_name(p, &form->items[1], &f->name);
  if (!st) st = read_props(p, form, 2, "field", names, 6, sl, NULL, NULL);
  if (!st) st = require(p, form, sl[0], "offset", "field");
  if (!st) st = require(p, form, sl[1], "shape", "field");
  if (!st) st = read_u32(p, sl[0], &f->offset);
  if (!st && sl[2]) st = read_string(p, sl[2], &f->rename);
  if (!st && sl[3]) st = read_u32(p, sl[3], &f->member_size);
  if (!st && sl[4]) st = read_flags(p, sl[4], &f->flags);
  if (!st && sl[5]) st = read_skip_if(p, sl[5], f);
  if (!st) st = read_shape_prop(p, sl[1], &f->shape);
  return st;
}

/* Parses every (field ...) item of `form` from `first` on into a new array. */
static vmir_status parse_fields(parser *p, const sexp_node *form,
                                uint32_t first, uint32_t count,
                                const vmir_field **out) {
  *out = NULL;
  if (count == 0) return VMIR_OK;
  vmir_field *fields = arena_alloc(p->set, (size_t)count * sizeof *fields);
  if (!fields) return nomem(p, form);
  uint32_t k = 0;
  for (uint32_t i = first; i < form->count; i++) {
    const sexp_node *item = &form->items[i];
    if (!sym_eq(head(item), "field")) continue;
    vmir_status st = parse_field(p, item, &fields[k++]);
    if (st) return st;
  }
  *out = fields;
  return VMIR_OK;
}

/* (struct|tuple (size N) (align N) (field ...)...) */
static vmir_status parse_struct(parser *p, vmir_shape *s,
                                const sexp_node *form, const char *what) {
  static const char *const names[] = {"size", "align"};
  const sexp_node *sl[2];
  uint32_t count;
  vmir_status st = read_props(p, form, 1, what, names, 2, sl, "field", &count);
  if (!st) st = read_size_align(p, s, form, what, sl[0], sl[1]);
  if (!st) st = parse_fields(p, form, 1, count, &s->u.fields.fields);
  s->u.fields.count = count;
  return st;
}

/* (tag (offset N) (width N)) */
static vmir_status parse_tag(parser *p, vmir_shape *s, const sexp_node *slot) {
  static const char *const names[] = {"offset", "width"};
  const sexp_node *sl[2];
  vmir_status st = read_props(p, slot, 1, "tag", names, 2, sl, NULL, NULL);
  if (!st) st = require(p, slot, sl[0], "offset", "tag");
  if (!st) st = require(p, slot, sl[1], "width", "tag");
  if (!st) st = read_u32(p, sl[0], &s->u.enumeration.tag_offset);
  if (!st) st = read_u32(p, sl[1], &s->u.enumeration.tag_width);
  return st;
}

/* (tagging external|untagged) (tagging internal (tag-key "k"))
 * (tagging adjacent (tag-key "k") (content-key "c")) */
static vmir_status parse_tagging(parser *p, vmir_shape *s,
                                 const sexp_node *slot) {
  static const char *const modes[] = {"external", "internal", "adjacent",
                                      "untagged"};
  static const char *const names[] = {"tag-key", "content-key"};
  const sexp_node *sl[2];
  if (slot->count < 2)
    return fail(p, slot, VMIR_E_SYNTAX,
                "(tagging MODE ...) needs a mode: external, internal, "
                "adjacent or untagged");
  const sexp_node *m = &slot->items[1];
  int mode = 0;
  while (mode < 4 && !sym_eq(m, modes[mode])) mode++;
  if (mode == 4)
    return fail(p, m, VMIR_E_SYNTAX,
                "expected a tagging mode (external, internal, adjacent or "
                "untagged), found %s",
                found(m));
  s->u.enumeration.tagging = (vmir_tagging)mode;
  vmir_status st = read_props(p, slot, 2, "tagging", names, 2, sl, NULL, NULL);
  if (st) return st;
  bool wants_tag = mode == VMIR_TAG_INTERNAL || mode == VMIR_TAG_ADJACENT;
  bool wants_content = mode == VMIR_TAG_ADJACENT;
  if (wants_tag && !sl[0])
    return fail(p, slot, VMIR_E_SYNTAX, "%s tagging needs a (tag-key \"...\")",
                modes[mode]);
  if (wants_content && !sl[1])
    return fail(p, slot, VMIR_E_SYNTAX,
                "adjacent tagging needs a (content-key \"...\")");
  if (!wants_tag && sl[0])
    return fail(p, sl[0], VMIR_E_SYNTAX, "%s tagging takes no tag key",
                modes[mode]);
  if (!wants_content && sl[1])
    return fail(p, sl[1], VMIR_E_SYNTAX,
                "only adjacent tagging takes a content key");
  if (sl[0]) st = read_string(p, sl[0], &s->u.enumeration.tag_key);
  if (!st && sl[1]) st = read_string(p, sl[1], &s->u.enumeration.content_key);
  return st;
}

/* (variant NAME (discriminant N) (style S) [(rename "x")] (field ...)...) */
static vmir_status parse_variant(parser *p, const sexp_node *form,
                                 vmir_variant *v) {
  static const char *const names[] = {"discriminant", "style", "rename"};
  static const char *const styles[] = {"unit", "newtype", "struct", "tuple"};
  const sexp_node *sl[3];
  uint32_t count;
  if (++p->variants > MAX_VARIANTS)
    return fail(p, form, VMIR_E_LIMIT, "more than %u variants in one file",
                MAX_VARIANTS);
  if (form->count < 2)
    return fail(p, form, VMIR_E_SYNTAX, "(variant NAME ...) needs a name");
  vmir_status st = read_name(p, &form->items[1], &v->name);
  if (!st)
    st = read_props(p, form, 2, "variant", names, 3, sl, "field", &count);
  if (!st) st = require(p, form, sl[0], "discriminant", "variant");
  if (!st) st = require(p, form, sl[1], "style", "variant");
  if (!st) st = read_i64(p, sl[0], &v->discriminant);
  if (!st) {
    const sexp_node *a = NULL;
    st = one_arg(p, sl[1], &a);
    int k = 0;
    while (!st && k < 4 && !sym_eq(a, styles[k])) k++;
    if (!st && k == 4)
      st = fail(p, a, VMIR_E_SYNTAX,
                "expected a variant style (unit, newtype, struct or tuple), "
                "found %s",
                found(a));
    if (!st) v->style = (vmir_variant_style)k;
  }
  if (!st && sl[2]) st = read_string(p, sl[2], &v->rename);
  if (!st) st = parse_fields(p, form, 2, count, &v->fields);
  v->field_count = count;
  return st;
}

/* (enum (size N) (align N) (tag ...) (tagging ...) [(unit-as-string B)]
 *       (variant ...)...) */
static vmir_status parse_enum(parser *p, vmir_shape *s, const sexp_node *form) {
  static const char *const names[] = {"size", "align", "tag", "tagging",
                                      "unit-as-string"};
  const sexp_node *sl[5];
  uint32_t count;
  vmir_status st =
      read_props(p, form, 1, "enum", names, 5, sl, "variant", &count);
  if (!st) st = read_size_align(p, s, form, "enum", sl[0], sl[1]);
  if (!st) st = require(p, form, sl[2], "tag", "enum");
  if (!st) st = require(p, form, sl[3], "tagging", "enum");
  if (!st) st = parse_tag(p, s, sl[2]);
  if (!st) st = parse_tagging(p, s, sl[3]);
  if (!st && sl[4]) st = read_bool(p, sl[4], &s->u.enumeration.unit_as_string);
  if (st || count == 0) return st;
  vmir_variant *vs = arena_alloc(p->set, (size_t)count * sizeof *vs);
  if (!vs) return nomem(p, form);
  s->u.enumeration.variants = vs;
  s->u.enumeration.count = count;
  uint32_t k = 0;
  for (uint32_t i = 1; i < form->count && !st; i++)
    if (sym_eq(head(&form->items[i]), "variant"))
      st = parse_variant(p, &form->items[i], &vs[k++]);
  return st;
}

/* (option nullable S) or (option flag (size N) (align N) (flag-offset N)
 *                                     (payload-offset N) (shape S)) */
static vmir_status parse_option(parser *p, vmir_shape *s,
                                const sexp_node *form) {
  static const char *const names[] = {"size", "align", "flag-offset",
                                      "payload-offset", "shape"};
  const sexp_node *sl[5];
  if (form->count >= 2 && sym_eq(&form->items[1], "nullable")) {
    if (form->count != 3)
      return fail(p, form, VMIR_E_SYNTAX,
                  "(option nullable S) takes exactly one shape");
    s->u.option.repr = VMIR_OPTION_NULLABLE;
    s->size = (uint32_t)sizeof(void *);
    s->align = (uint32_t)_Alignof(void *);
    return parse_ref(p, &form->items[2], &s->u.option.payload);
  }
  if (form->count < 2 || !sym_eq(&form->items[1], "flag"))
    return fail(p, form->count >= 2 ? &form->items[1] : form, VMIR_E_SYNTAX,
                "expected (option nullable S) or (option flag ...)");
  s->u.option.repr = VMIR_OPTION_FLAG;
  vmir_status st = read_props(p, form, 2, "option", names, 5, sl, NULL, NULL);
  if (!st) st = read_size_align(p, s, form, "option flag", sl[0], sl[1]);
  if (!st) st = require(p, form, sl[2], "flag-offset", "option flag");
  if (!st) st = require(p, form, sl[3], "payload-offset", "option flag");
  if (!st) st = require(p, form, sl[4], "shape", "option flag");
  if (!st) st = read_u32(p, sl[2], &s->u.option.flag_offset);
  if (!st) st = read_u32(p, sl[3], &s->u.option.payload_offset);
  if (!st) st = read_shape_prop(p, sl[4], &s->u.option.payload);
  return st;
}

/* (array (count N) (size N) (align N) (shape S)) */
static vmir_status parse_array(parser *p, vmir_shape *s,
                               const sexp_node *form) {
  static const char *const names[] = {"count", "size", "align", "shape"};
  const sexp_node *sl[4];
  vmir_status st = read_props(p, form, 1, "array", names, 4, sl, NULL, NULL);
  if (!st) st = require(p, form, sl[0], "count", "array");
  if (!st) st = require(p, form, sl[3], "shape", "array");
  if (!st) st = read_size_align(p, s, form, "array", sl[1], sl[2]);
  if (!st) st = read_u32(p, sl[0], &s->u.sequence.count);
  if (!st) st = read_shape_prop(p, sl[3], &s->u.sequence.element);
  return st;
}

/* (map (entry-size N) (value-offset N) (shape S)) */
static vmir_status parse_map(parser *p, vmir_shape *s, const sexp_node *form) {
  static const char *const names[] = {"entry-size", "value-offset", "shape"};
  const sexp_node *sl[3];
  s->size = (uint32_t)sizeof(vmir_list);
  s->align = (uint32_t)_Alignof(vmir_list);
  vmir_status st = read_props(p, form, 1, "map", names, 3, sl, NULL, NULL);
  if (!st) st = require(p, form, sl[0], "entry-size", "map");
  if (!st) st = require(p, form, sl[1], "value-offset", "map");
  if (!st) st = require(p, form, sl[2], "shape", "map");
  if (!st) st = read_u32(p, sl[0], &s->u.map.entry_size);
  if (!st) st = read_u32(p, sl[1], &s->u.map.value_offset);
  if (!st) st = read_shape_prop(p, sl[2], &s->u.map.value);
  return st;
}

/* (pointer S) and (list S): one shape, fixed layout. */
static vmir_status parse_single(parser *p, const sexp_node *form,
                                const char *what,
                                const vmir_shape **slot) {
  if (form->count != 2)
    return fail(p, form, VMIR_E_SYNTAX, "(%s S) takes exactly one shape",
                what);
  return parse_ref(p, &form->items[1], slot);
}

static vmir_status fill_form(parser *p, vmir_shape *s, const sexp_node *form) {
  const sexp_node *h = head(form);
  if (!h)
    return fail(p, form, VMIR_E_SYNTAX,
                "expected a shape form such as (struct ...), found %s",
                found(form));
  if (sym_eq(h, "struct")) {
    s->kind = VMIR_KIND_STRUCT;
    return parse_struct(p, s, form, "struct");
  }
  if (sym_eq(h, "tuple")) {
    s->kind = VMIR_KIND_TUPLE;
    return parse_struct(p, s, form, "tuple");
  }
  if (sym_eq(h, "enum")) {
    s->kind = VMIR_KIND_ENUM;
    return parse_enum(p, s, form);
  }
  if (sym_eq(h, "option")) {
    s->kind = VMIR_KIND_OPTION;
    return parse_option(p, s, form);
  }
  if (sym_eq(h, "pointer")) {
    s->kind = VMIR_KIND_POINTER;
    s->size = (uint32_t)sizeof(void *);
    s->align = (uint32_t)_Alignof(void *);
    return parse_single(p, form, "pointer", &s->u.pointer.target);
  }
  if (sym_eq(h, "list")) {
    s->kind = VMIR_KIND_LIST;
    s->size = (uint32_t)sizeof(vmir_list);
    s->align = (uint32_t)_Alignof(vmir_list);
    return parse_single(p, form, "list", &s->u.sequence.element);
  }
  if (sym_eq(h, "array")) {
    s->kind = VMIR_KIND_ARRAY;
    return parse_array(p, s, form);
  }
  if (sym_eq(h, "map")) {
    s->kind = VMIR_KIND_MAP;
    return parse_map(p, s, form);
  }
  return fail(p, form, VMIR_E_SYNTAX,
              "unknown shape form (%.*s ...); expected struct, tuple, enum, "
              "option, pointer, list, array or map",
              (int)(h->len > 40 ? 40 : h->len), h->text);
}

/* ---- Top level ---------------------------------------------------------- */

typedef struct def_entry {
  const char *name;
  vmir_shape *shape;
  uint32_t index;            /* position among the defines, for messages */
} def_entry;

static int def_entry_cmp(const void *a, const void *b) {
  const def_entry *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  if (c) return c;
  return (x->index > y->index) - (x->index < y->index);
}

/* Pass 1: one empty shape per (define NAME FORM); names sorted for lookup. */
static vmir_status collect_defines(parser *p, const sexp_node *top,
                                   const sexp_node **root_form) {
  uint32_t ndefs = 0;
  *root_form = NULL;
  for (uint32_t i = 1; i < top->count; i++) {
    const sexp_node *item = &top->items[i];
    const sexp_node *h = head(item);
    if (sym_eq(h, "define")) {
      /* Named at the define that crosses the limit, not at the file. */
      if (++ndefs > MAX_SHAPES)
        return fail(p, item, VMIR_E_LIMIT, "more than %u definitions", MAX_SHAPES);
    } else if (sym_eq(h, "root")) {
      if (*root_form)
        return fail(p, item, VMIR_E_SYNTAX,
                    "(root ...) given twice (first at line %u, column %u)",
                    (*root_form)->line, (*root_form)->column);
      if (item->count != 2)
        return fail(p, item, VMIR_E_SYNTAX, "(root S) takes exactly one shape");
      *root_form = item;
    } else if (h) {
      return fail(p, item, VMIR_E_SYNTAX,
                  "unknown form (%.*s ...) inside shapes; expected define or "
                  "root",
                  (int)(h->len > 40 ? 40 : h->len), h->text);
    } else {
      return fail(p, item, VMIR_E_SYNTAX,
                  "expected (define NAME FORM) or (root S) inside shapes, "
                  "found %s",
                  found(item));
    }
  }
  if (!*root_form)
    return fail(p, top, VMIR_E_SYNTAX, "shapes needs a (root NAME) form");
  def_entry *es = calloc(ndefs ? ndefs : 1, sizeof *es);
  p->def_forms = calloc(ndefs ? ndefs : 1, sizeof *p->def_forms);
  p->set->defs = calloc(ndefs ? ndefs : 1, sizeof *p->set->defs);
  if (!es || !p->def_forms || !p->set->defs) {
    free(es);
    return nomem(p, top);
  }
  vmir_status st = VMIR_OK;
  uint32_t k = 0;
  for (uint32_t i = 1; i < top->count && !st; i++) {
    const sexp_node *item = &top->items[i];
    if (!sym_eq(head(item), "define")) continue;
    const sexp_node *nm = item->count > 1 ? &item->items[1] : item;
    vmir_kind leaf;
    if (item->count != 3 || nm->type != SEXP_SYMBOL) {
      st = fail(p, nm, VMIR_E_SYNTAX,
                "expected (define NAME FORM) with NAME a symbol");
    } else if (nm->len > MAX_NAME) {
      st = fail(p, nm, VMIR_E_LIMIT, "name longer than %u bytes", MAX_NAME);
    } else if (vmir_shape__leaf_by_name(nm->text, nm->len, &leaf)) {
      st = fail(p, nm, VMIR_E_SYNTAX,
                "cannot define '%.*s': it is the name of a builtin shape",
                (int)nm->len, nm->text);
    } else if (!head(&item->items[2])) {
      st = fail(p, &item->items[2], VMIR_E_SYNTAX,
                "expected a shape form such as (struct ...) after the name, "
                "found %s",
                found(&item->items[2]));
    } else {
      vmir_shape *s = new_shape(p, &item->items[2]);
      const char *name = s ? arena_strndup(p->set, nm->text, nm->len) : NULL;
      if (!s) st = p->err ? p->err->code : VMIR_E_LIMIT;
      else if (!name) st = nomem(p, nm);
      else {
        s->name = name;
        es[k] = (def_entry){name, s, k};
        p->def_forms[k] = item;
        k++;
      }
    }
  }
  if (!st) {
    qsort(es, k, sizeof *es, def_entry_cmp);
    for (uint32_t i = 1; i < k && !st; i++) {
      if (strcmp(es[i - 1].name, es[i].name) == 0) {
        const sexp_node *first = p->def_forms[es[i - 1].index];
        st = fail(p, &p->def_forms[es[i].index]->items[1], VMIR_E_SYNTAX,
                  "'%s' is defined twice (first at line %u, column %u)",
                  es[i].name, first->line, first->column);
      }
    }
  }
  for (uint32_t i = 0; i < k; i++)
    p->set->defs[i] = (set_def){es[i].name, es[i].shape};
  p->set->def_count = k;
  free(es);
  return st;
}

/* Pass 2: fill every definition, then resolve the root. */
static vmir_status fill_defines(parser *p, const sexp_node *top,
                                const sexp_node *root_form) {
  for (uint32_t i = 1; i < top->count; i++) {
    const sexp_node *item = &top->items[i];
    if (!sym_eq(head(item), "define")) continue;
    const set_def *d = find_def(p, &item->items[1]);
    vmir_status st = fill_form(p, d->shape, &item->items[2]);
    if (st) return st;
  }
  return parse_ref(p, &root_form->items[1], &p->set->root);
}

/* Validates every definition and the root; errors point at the form that
 * wrote the offending shape. */
static vmir_status validate_all(parser *p, const sexp_node *root_form) {
  size_t n = p->set->def_count + 1;
  const vmir_shape **roots = malloc(n * sizeof *roots);
  if (!roots) return nomem(p, root_form);
  roots[0] = p->set->root;
  for (size_t i = 1; i < n; i++) roots[i] = p->set->defs[i - 1].shape;
  const vmir_shape *bad = NULL;
  vmir_error verr;
  vmir_status st = vmir_shape__validate_roots(roots, n, &verr, &bad);
  free(roots);
  if (!st) return VMIR_OK;
  const sexp_node *at = root_form;
  for (size_t i = 0; i < p->shape_count; i++)
    if (p->shapes[i].shape == bad) at = p->shapes[i].form;
  return fail(p, at, st, "%s", verr.message);
}

vmir_shape_set *vmir_shape_text_parse(const char *text, size_t len,
                                      const char *origin, vmir_error *err) {
  vmir_error local;
  if (!err) err = &local;
  if (!origin) origin = "<input>";
  if (!text && len) {
    vmir_shape__fail(err, VMIR_E_USAGE, "%s: no text given", origin);
    return NULL;
  }
  sexp_doc *doc = sexp_parse(text ? text : "", len, origin, MAX_DEPTH, err);
  if (!doc) return NULL;
  parser p = {.origin = origin, .err = err};
  p.set = calloc(1, sizeof *p.set);
  p.shapes = malloc(MAX_SHAPES * sizeof *p.shapes);
  const sexp_node *top = sexp_root(doc);
  const sexp_node *root_form = NULL;
  vmir_status st = VMIR_OK;
  if (!p.set || !p.shapes) st = nomem(&p, top);
  else if (!sym_eq(head(top), "shapes"))
    st = fail(&p, top, VMIR_E_SYNTAX,
              "expected (shapes ...) at the top level, found %s",
              head(top) ? "another form" : found(top));
  if (!st) st = collect_defines(&p, top, &root_form);
  if (!st) st = fill_defines(&p, top, root_form);
  if (!st) st = validate_all(&p, root_form);
  free(p.shapes);
  free(p.def_forms);
  sexp_free(doc);
  if (st) {
    vmir_shape_set_free(p.set);
    return NULL;
  }
  vmir_error_clear(err);
  return p.set;
}
