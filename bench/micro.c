#include "micro.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_value.h"

/* Shapes are written in the shape text form (docs/shapes.md) so that no C
 * struct has to mirror them: the documents are generated, never read as C. */

static const char point_text[] =
    "(shapes (define point (struct (size 16) (align 8)"
    " (field x (offset 0) (shape f64)) (field y (offset 8) (shape f64)))) (root point))";

static const char deep_text[] =
    "(shapes (define node (struct (size 16) (align 8)"
    " (field v (offset 0) (shape u32))"
    " (field next (offset 8) (shape (option nullable node)))))"
    " (root node))";

static const char enums_text[] =
    "(shapes"
    " (define color (enum (size 1) (align 1) (tag (offset 0) (width 1)) (tagging external) (unit-as-string true)"
    "  (variant red (discriminant 0) (style unit)) (variant orange (discriminant 1) (style unit))"
    "  (variant yellow (discriminant 2) (style unit)) (variant green (discriminant 3) (style unit))"
    "  (variant blue (discriminant 4) (style unit)) (variant indigo (discriminant 5) (style unit))"
    "  (variant violet (discriminant 6) (style unit)) (variant black (discriminant 7) (style unit))))"
    " (define event (enum (size 16) (align 8) (tag (offset 0) (width 4)) (tagging internal (tag-key \"kind\"))"
    "  (variant start (discriminant 0) (style unit)) (variant stop (discriminant 1) (style unit))"
    "  (variant move (discriminant 2) (style struct) (field dx (offset 8) (shape i32)) (field dy (offset 12) (shape i32)))"
    "  (variant wait (discriminant 3) (style struct) (field ms (offset 8) (shape u64)))))"
    " (define item (struct (size 24) (align 8) (field c (offset 0) (shape color)) (field e (offset 8) (shape event))))"
    " (define items (list item)) (root items))";

static const char floats_text[] = "(shapes (define floats (list f64)) (root floats))";

static const char strings_text[] = "(shapes (define strings (list string)) (root strings))";

static const char maps_text[] =
    "(shapes (define counts (map (entry-size 24) (value-offset 16) (shape u64))) (root counts))";

static const char tree_text[] =
    "(shapes (define tree (struct (size 24) (align 8)"
    " (field v (offset 0) (shape i64)) (field kids (offset 8) (shape (list tree)))))"
    " (root tree))";

/* 64 u32 fields f0..f63: the shape text is long, so it is written out. */
static char *wide_text(void) {
  size_t cap = 8192, n = 0;
  char *t = malloc(cap);
  if (!t) return NULL;
  n += (size_t)snprintf(t + n, cap - n, "(shapes (define wide (struct (size 256) (align 4)");
  for (int i = 0; i < 64; i++)
    n += (size_t)snprintf(t + n, cap - n, " (field f%d (offset %d) (shape u32))", i, i * 4);
  snprintf(t + n, cap - n, ")) (define wides (list wide)) (root wides))");
  return t;
}

/* ---- documents -------------------------------------------------------------- */

typedef struct gen_args {
  uint32_t max_list, max_depth, top_list;
} gen_args;

static bool fill_generated(void *value, vmir_arena *arena, void *arg) {
  const gen_args *a = ((void **)arg)[1];
  const vmir_shape *shape = ((void **)arg)[0];
  vmir_gen g = {.state = 42, .arena = arena, .max_list = a->max_list, .max_depth = a->max_depth,
                .top_list = a->top_list};
  return vmir_gen_value(&g, shape, value);
}

/* A chain of 100 nested objects: nesting depth, nothing else. */
typedef struct node {
  uint32_t v;
  struct node *next;
} node;

static bool fill_deep(void *value, vmir_arena *arena, void *arg) {
  (void)arg;
  node *n = value;
  for (uint32_t depth = 0; depth < 100; depth++) {
    n->v = depth;
    n->next = depth + 1 < 100 ? vmir_arena_alloc(arena, sizeof *n, 8) : NULL;
    if (depth + 1 < 100 && !n->next) return false;
    n = n->next;
  }
  return true;
}

/* 32 strings of 8 KiB: ASCII prose (escapes may land anywhere, so no
 * multi-byte sequence to cut) with an escape every few hundred bytes. */
static bool fill_strings(void *value, vmir_arena *arena, void *arg) {
  (void)arg;
  static const char prose[] = "The quick brown fox jumps over the lazy dog; a cafe au lait. ";
  enum { COUNT = 32, LEN = 8192 };
  vmir_str *items = vmir_arena_alloc(arena, COUNT * sizeof *items, 8);
  if (!items) return false;
  for (size_t i = 0; i < COUNT; i++) {
    char *s = vmir_arena_alloc(arena, LEN, 1);
    if (!s) return false;
    for (size_t k = 0; k < LEN; k++) s[k] = prose[k % (sizeof prose - 1)];
    for (size_t k = 300 + i; k < LEN; k += 397) s[k] = (k / 397) % 2 ? '"' : '\n';
    items[i] = (vmir_str){s, LEN};
  }
  vmir_list l = {items, COUNT};
  memcpy(value, &l, sizeof l);
  return true;
}

/* A complete tree: 3 children per node, 6 levels (364 nodes). */
typedef struct tree {
  int64_t v;
  vmir_list kids;
} tree;

static bool fill_tree_at(tree *t, vmir_arena *arena, uint32_t level, int64_t *next_v) {
  t->v = (*next_v)++ * 7919 - 1000000;
  t->kids = (vmir_list){NULL, 0};
  if (level == 5) return true;
  tree *kids = vmir_arena_alloc(arena, 3 * sizeof *kids, 8);
  if (!kids) return false;
  for (int i = 0; i < 3; i++)
    if (!fill_tree_at(&kids[i], arena, level + 1, next_v)) return false;
  t->kids = (vmir_list){kids, 3};
  return true;
}

static bool fill_tree(void *value, vmir_arena *arena, void *arg) {
  (void)arg;
  int64_t v = 0;
  return fill_tree_at(value, arena, 0, &v);
}

typedef struct micro_def {
  const char *name;
  const char *text;          /* NULL: wide_text() */
  doc_bench_fill_fn fill;    /* NULL: generated with `gen` */
  gen_args gen;
} micro_def;

static const micro_def micros[] = {
    {"point", point_text, NULL, {0, 4, 0}},
    {"wide64", NULL, NULL, {0, 4, 50}},
    {"deep", deep_text, fill_deep, {0}},
    {"enums", enums_text, NULL, {0, 6, 1000}},
    {"floats", floats_text, NULL, {0, 4, 2000}},
    {"strings", strings_text, fill_strings, {0}},
    {"maps", maps_text, NULL, {0, 4, 1000}},
    {"tree", tree_text, fill_tree, {0}},
};

size_t micro_count(void) { return sizeof micros / sizeof micros[0]; }
const char *micro_name(size_t i) { return i < micro_count() ? micros[i].name : NULL; }

bool micro_init(doc_bench *b, size_t i) {
  if (i >= micro_count()) return false;
  const micro_def *m = &micros[i];
  char *owned = m->text ? NULL : wide_text();
  const char *text = m->text ? m->text : owned;
  if (!text) return false;
  vmir_error err;
  /* The shape set lives as long as the benchmark process. */
  vmir_shape_set *set = vmir_shape_text_parse(text, strlen(text), m->name, &err);
  free(owned);
  if (!set) {
    fprintf(stderr, "bench micro %s: shape: %s\n", m->name, err.message);
    return false;
  }
  const vmir_shape *shape = vmir_shape_set_root(set);
  void *args[2] = {(void *)shape, (void *)&m->gen};
  char name[48];
  snprintf(name, sizeof name, "micro-%s", m->name);
  return doc_bench_init_value(b, strdup(name), shape, m->fill ? m->fill : fill_generated, args);
}
