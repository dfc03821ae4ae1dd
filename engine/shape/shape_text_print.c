/* Canonical shape text: a deterministic printing of a shape graph such that
 * parsing it back and printing again gives the same bytes and the same
 * vmir_shape_id. Rules (docs/shapes.md, "Canonical printing"):
 *   - leaves print as their kind name (u32, string, value, ...);
 *   - a composite shape is defined with (define NAME FORM) when it has a name,
 *     is referred to more than once (the root reference counts), or would sit
 *     more than MAX_INLINE inline levels deep; all others print inline;
 *   - definitions come in first-use order of a depth-first walk from the root
 *     that follows sub-shapes in canonical order; (root ...) comes last;
 *   - names are made valid symbols, distinct, and distinct from builtin
 *     names, by replacing characters and appending _2, _3, ...;
 *   - two-space indentation: fields and variants each on their own line, two
 *     spaces deeper than the form that holds them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/json_quote.h"
#include "shape/shape_internal.h"
#include "util/buf.h"

/* Inline nesting levels before a definition is forced; keeps the output far
 * below the parser's nesting bound. */
#define MAX_INLINE 8u
#define MAX_PRINT_NAME 1000u

typedef struct pnode {
  const vmir_shape *shape;
  uint32_t refs;
  uint32_t depth;       /* inline nesting level below the nearest definition */
  bool defined;
  bool visited;
  char *name;           /* print name of defined shapes */
} pnode;

typedef struct printer {
  pnode *nodes;
  size_t len, cap;
  vmir_ptrmap index;
  uint32_t *order;      /* defined nodes in first-use order */
  size_t order_len;
  vmir_buf out;
  bool failed;
} printer;

/* ---- Graph facts -------------------------------------------------------- */

static bool composite(const vmir_shape *s) {
  return !vmir_shape__is_leaf(s->kind);
}

static uint32_t node_index(const printer *p, const vmir_shape *s) {
  uint32_t i = 0;
  vmir_ptrmap_get(&p->index, s, &i);
  return i;
}

static bool add_node(printer *p, const vmir_shape *s) {
  if (vmir_ptrmap_get(&p->index, s, NULL)) return true;
  if (p->len == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 32;
    pnode *grown = realloc(p->nodes, cap * sizeof *grown);
    if (!grown) return false;
    p->nodes = grown;
    p->cap = cap;
  }
  if (!vmir_ptrmap_put(&p->index, s, (uint32_t)p->len)) return false;
  p->nodes[p->len++] = (pnode){.shape = s};
  return true;
}

/* Collects composite shapes breadth-first and counts references to each. */
static bool count_refs(printer *p, const vmir_shape *root) {
  if (!add_node(p, root)) return false;
  p->nodes[0].refs = 1;  /* the (root ...) form */
  for (size_t i = 0; i < p->len; i++) {
    vmir_child_iter it;
    vmir_child ch;
    vmir_child_iter_init(&it, p->nodes[i].shape);
    while (vmir_child_iter_next(&it, &ch)) {
      if (!composite(ch.shape)) continue;
      if (!add_node(p, ch.shape)) return false;
      p->nodes[node_index(p, ch.shape)].refs++;
    }
  }
  for (size_t i = 0; i < p->len; i++)
    p->nodes[i].defined = p->nodes[i].shape->name || p->nodes[i].refs > 1;
  return true;
}

/* Depth-first pre-order from the root (an explicit stack with a visited
 * check on pop gives the same order as recursion). Lists defined shapes in
 * first-use order and decides the depth rule for inline ones. */
static bool order_defines(printer *p) {
  size_t cap = 64, top = 0;
  uint32_t *stack = malloc(cap * sizeof *stack);
  const vmir_shape **kids = NULL;
  size_t kids_cap = 0;
  p->order = malloc(p->len * sizeof *p->order);
  bool ok = stack && p->order;
  if (ok) stack[top++] = 0;
  while (ok && top > 0) {
    uint32_t n = stack[--top];
    pnode *pn = &p->nodes[n];
    if (pn->visited) continue;
    pn->visited = true;
    if (pn->defined) p->order[p->order_len++] = n;
    size_t nk = 0;
    vmir_child_iter it;
    vmir_child ch;
    vmir_child_iter_init(&it, pn->shape);
    while (ok && vmir_child_iter_next(&it, &ch)) {
      if (!composite(ch.shape)) continue;
      if (nk == kids_cap) {
        kids_cap = kids_cap ? kids_cap * 2 : 16;
        const vmir_shape **grown = realloc(kids, kids_cap * sizeof *grown);
        if (!grown) ok = false;
        else kids = grown;
      }
      if (ok) kids[nk++] = ch.shape;
    }
    /* Push in reverse so the first child is explored first. */
    for (size_t k = nk; ok && k-- > 0;) {
      uint32_t c = node_index(p, kids[k]);
      pnode *cn = &p->nodes[c];
      if (!cn->defined && !cn->visited) {
        /* Only referrer: its depth follows the parent's. */
        uint32_t base = p->nodes[n].defined ? 0 : p->nodes[n].depth;
        cn->depth = base + 1;
        if (cn->depth > MAX_INLINE) cn->defined = true;
      }
      if (top == cap) {
        uint32_t *grown = realloc(stack, cap * 2 * sizeof *grown);
        if (!grown) {
          ok = false;
          break;
        }
        stack = grown;
        cap *= 2;
      }
      stack[top++] = c;
    }
  }
  free(stack);
  free(kids);
  return ok;
}

/* ---- Names -------------------------------------------------------------- */

static bool sym_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool sym_char(char c) {
  return sym_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static bool is_symbol(const char *s) {
  if (!sym_start(s[0])) return false;
  for (const char *q = s + 1; *q; q++)
    if (!sym_char(*q)) return false;
  /* Keep within the parser's name bound. */
  return strlen(s) <= MAX_PRINT_NAME;
}

/* Names in use, as an open-addressing set of borrowed strings. */
typedef struct name_set {
  const char **slots;
  size_t cap;
} name_set;

static size_t name_hash(const char *s) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (; *s; s++) h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
  return (size_t)h;
}

static bool name_set_has(const name_set *ns, const char *name) {
  for (size_t j = name_hash(name) & (ns->cap - 1); ns->slots[j];
       j = (j + 1) & (ns->cap - 1))
    if (strcmp(ns->slots[j], name) == 0) return true;
  return false;
}

/* The set never fills past half: its capacity is fixed up front. */
static void name_set_add(name_set *ns, const char *name) {
  size_t j = name_hash(name) & (ns->cap - 1);
  while (ns->slots[j]) j = (j + 1) & (ns->cap - 1);
  ns->slots[j] = name;
}

/* Makes a valid symbol from a type name: bad characters become '_', a bad
 * first character gets a "t_" prefix; anonymous shapes get "<kind>_<n>". */
static void base_name(const vmir_shape *s, size_t ordinal, char *base,
                      size_t cap) {
  if (!s->name || !s->name[0]) {
    snprintf(base, cap, "%s_%zu", vmir_kind_name(s->kind), ordinal);
    return;
  }
  size_t n = strlen(s->name), o = 0;
  if (n > MAX_PRINT_NAME - 16) n = MAX_PRINT_NAME - 16;
  if (!sym_start(s->name[0])) {
    base[o++] = 't';
    base[o++] = '_';
  }
  for (size_t k = 0; k < n && o + 1 < cap; k++)
    base[o++] = sym_char(s->name[k]) ? s->name[k] : '_';
  base[o] = '\0';
}

/* A valid, distinct symbol for each defined shape, in definition order;
 * builtin names count as taken. */
static bool assign_names(printer *p) {
  name_set ns = {0};
  ns.cap = 64;
  while (ns.cap < (p->order_len + VMIR_KIND_COUNT) * 2) ns.cap *= 2;
  ns.slots = calloc(ns.cap, sizeof *ns.slots);
  if (!ns.slots) return false;
  for (unsigned k = 0; k < (unsigned)VMIR_KIND_COUNT; k++)
    if (vmir_shape__is_leaf((vmir_kind)k))
      name_set_add(&ns, vmir_kind_name((vmir_kind)k));
  bool ok = true;
  for (size_t i = 0; ok && i < p->order_len; i++) {
    pnode *n = &p->nodes[p->order[i]];
    char base[MAX_PRINT_NAME + 1];
    char name[MAX_PRINT_NAME + 32];
    base_name(n->shape, i + 1, base, sizeof base);
    snprintf(name, sizeof name, "%s", base);
    for (unsigned k = 2; name_set_has(&ns, name); k++)
      snprintf(name, sizeof name, "%s_%u", base, k);
    n->name = strdup(name);
    if (!n->name) ok = false;
    else name_set_add(&ns, n->name);
  }
  free(ns.slots);
  return ok;
}

/* ---- Output ------------------------------------------------------------- */

static void indent(vmir_buf *b, unsigned n) {
  vmir_buf_putc(b, '\n');
  for (unsigned i = 0; i < n; i++) vmir_buf_putc(b, ' ');
}

/* Names were checked to be UTF-8 when the shape was built. */
static void put_string(vmir_buf *b, const char *s) {
  size_t bad;
  (void)vmir_json_quote(b, (const uint8_t *)s, strlen(s), false, 0, &bad);
}

/* Field and variant names: a symbol when possible, a plain integer for
 * canonical decimal names ("0", "12"), else a string. */
static void put_name(vmir_buf *b, const char *s) {
  size_t n = strlen(s);
  bool decimal = n > 0 && n <= 19 && (s[0] != '0' || n == 1);
  for (size_t i = 0; decimal && i < n; i++) decimal = s[i] >= '0' && s[i] <= '9';
  if (is_symbol(s) || decimal) vmir_buf_puts(b, s);
  else put_string(b, s);
}

static void print_ref(printer *p, const vmir_shape *s, unsigned ind);

static void print_field(printer *p, const vmir_field *f, unsigned ind) {
  vmir_buf *b = &p->out;
  vmir_buf_puts(b, "(field ");
  put_name(b, f->name);
  vmir_buf_printf(b, " (offset %u) (shape ", f->offset);
  print_ref(p, f->shape, ind);
  vmir_buf_putc(b, ')');
  if (f->rename) {
    vmir_buf_puts(b, " (rename ");
    put_string(b, f->rename);
    vmir_buf_putc(b, ')');
  }
  if (f->member_size) vmir_buf_printf(b, " (member-size %u)", f->member_size);
  if (f->flags & (VMIR_FIELD_SKIP | VMIR_FIELD_FLATTEN | VMIR_FIELD_DEFAULT)) {
    vmir_buf_puts(b, " (flags");
    if (f->flags & VMIR_FIELD_SKIP) vmir_buf_puts(b, " skip");
    if (f->flags & VMIR_FIELD_FLATTEN) vmir_buf_puts(b, " flatten");
    if (f->flags & VMIR_FIELD_DEFAULT) vmir_buf_puts(b, " default");
    vmir_buf_putc(b, ')');
  }
  switch (f->skip_if) {
    case VMIR_PRED_IS_NONE: vmir_buf_puts(b, " (skip-if is-none)"); break;
    case VMIR_PRED_IS_EMPTY: vmir_buf_puts(b, " (skip-if is-empty)"); break;
    case VMIR_PRED_IS_DEFAULT: vmir_buf_puts(b, " (skip-if is-default)"); break;
    case VMIR_PRED_HOST:
      vmir_buf_printf(b, " (skip-if (host %u))", f->host_predicate);
      break;
    default: break;
  }
  vmir_buf_putc(b, ')');
}

static void print_fields(printer *p, const vmir_field *fields, uint32_t count,
                         unsigned ind) {
  for (uint32_t i = 0; i < count; i++) {
    indent(&p->out, ind);
    print_field(p, &fields[i], ind);
  }
}

static void print_enum(printer *p, const vmir_shape *s, unsigned ind) {
  static const char *const modes[] = {"external", "internal", "adjacent",
                                      "untagged"};
  static const char *const styles[] = {"unit", "newtype", "struct", "tuple"};
  vmir_buf *b = &p->out;
  vmir_buf_printf(b,
                  "(enum (size %u) (align %u) (tag (offset %u) (width %u)) "
                  "(tagging %s",
                  s->size, s->align, s->u.enumeration.tag_offset,
                  s->u.enumeration.tag_width, modes[s->u.enumeration.tagging]);
  if (s->u.enumeration.tag_key) {
    vmir_buf_puts(b, " (tag-key ");
    put_string(b, s->u.enumeration.tag_key);
    vmir_buf_putc(b, ')');
  }
  if (s->u.enumeration.content_key) {
    vmir_buf_puts(b, " (content-key ");
    put_string(b, s->u.enumeration.content_key);
    vmir_buf_putc(b, ')');
  }
  vmir_buf_putc(b, ')');
  if (s->u.enumeration.unit_as_string) vmir_buf_puts(b, " (unit-as-string true)");
  for (uint32_t i = 0; i < s->u.enumeration.count; i++) {
    const vmir_variant *v = &s->u.enumeration.variants[i];
    indent(b, ind + 2);
    vmir_buf_puts(b, "(variant ");
    put_name(b, v->name);
    vmir_buf_printf(b, " (discriminant %lld) (style %s)",
                    (long long)v->discriminant, styles[v->style]);
    if (v->rename) {
      vmir_buf_puts(b, " (rename ");
      put_string(b, v->rename);
      vmir_buf_putc(b, ')');
    }
    print_fields(p, v->fields, v->field_count, ind + 4);
    vmir_buf_putc(b, ')');
  }
  vmir_buf_putc(b, ')');
}

/* The form of a composite shape; nested fields go at `ind` + 2. */
static void print_form(printer *p, const vmir_shape *s, unsigned ind) {
  vmir_buf *b = &p->out;
  switch (s->kind) {
    case VMIR_KIND_STRUCT:
    case VMIR_KIND_TUPLE:
      vmir_buf_printf(b, "(%s (size %u) (align %u)", vmir_kind_name(s->kind),
                      s->size, s->align);
      print_fields(p, s->u.fields.fields, s->u.fields.count, ind + 2);
      vmir_buf_putc(b, ')');
      break;
    case VMIR_KIND_ENUM:
      print_enum(p, s, ind);
      break;
    case VMIR_KIND_OPTION:
      if (s->u.option.repr == VMIR_OPTION_NULLABLE) {
        vmir_buf_puts(b, "(option nullable ");
      } else {
        vmir_buf_printf(b,
                        "(option flag (size %u) (align %u) (flag-offset %u) "
                        "(payload-offset %u) (shape ",
                        s->size, s->align, s->u.option.flag_offset,
                        s->u.option.payload_offset);
      }
      print_ref(p, s->u.option.payload, ind);
      vmir_buf_puts(b, s->u.option.repr == VMIR_OPTION_NULLABLE ? ")" : "))");
      break;
    case VMIR_KIND_POINTER:
      vmir_buf_puts(b, "(pointer ");
      print_ref(p, s->u.pointer.target, ind);
      vmir_buf_putc(b, ')');
      break;
    case VMIR_KIND_LIST:
      vmir_buf_puts(b, "(list ");
      print_ref(p, s->u.sequence.element, ind);
      vmir_buf_putc(b, ')');
      break;
    case VMIR_KIND_ARRAY:
      vmir_buf_printf(b, "(array (count %u) (size %u) (align %u) (shape ",
                      s->u.sequence.count, s->size, s->align);
      print_ref(p, s->u.sequence.element, ind);
      vmir_buf_puts(b, "))");
      break;
    case VMIR_KIND_MAP:
      vmir_buf_printf(b, "(map (entry-size %u) (value-offset %u) (shape ",
                      s->u.map.entry_size, s->u.map.value_offset);
      print_ref(p, s->u.map.value, ind);
      vmir_buf_puts(b, "))");
      break;
    default:
      break;  /* leaves never get here */
  }
}

static void print_ref(printer *p, const vmir_shape *s, unsigned ind) {
  if (!composite(s)) {
    vmir_buf_puts(&p->out, vmir_kind_name(s->kind));
    return;
  }
  const pnode *n = &p->nodes[node_index(p, s)];
  if (n->defined) vmir_buf_puts(&p->out, n->name);
  else print_form(p, s, ind);
}

char *vmir_shape_text_print(const vmir_shape *shape, size_t *len_out) {
  if (len_out) *len_out = 0;
  /* Printing trusts the layout (it indexes arrays and enum tables). */
  if (vmir_shape_validate(shape, NULL) != VMIR_OK) return NULL;
  printer p = {0};
  vmir_ptrmap_init(&p.index);
  vmir_buf_init(&p.out);
  bool ok = true;
  if (composite(shape))
    ok = count_refs(&p, shape) && order_defines(&p) && assign_names(&p);
  char *text = NULL;
  if (ok) {
    vmir_buf_puts(&p.out, "(shapes");
    for (size_t i = 0; i < p.order_len; i++) {
      const pnode *n = &p.nodes[p.order[i]];
      vmir_buf_puts(&p.out, "\n  (define ");
      vmir_buf_puts(&p.out, n->name);
      vmir_buf_putc(&p.out, ' ');
      print_form(&p, n->shape, 2);
      vmir_buf_putc(&p.out, ')');
    }
    vmir_buf_puts(&p.out, "\n  (root ");
    print_ref(&p, shape, 2);
    vmir_buf_puts(&p.out, "))\n");
    text = vmir_buf_take(&p.out, len_out);
  }
  for (size_t i = 0; i < p.len; i++) free(p.nodes[i].name);
  free(p.nodes);
  free(p.order);
  vmir_ptrmap_free(&p.index);
  vmir_buf_free(&p.out);
  return text;
}
