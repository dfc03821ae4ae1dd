#include "mutation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MUTATION_BYTES ((size_t)8 << 20)
enum { MAX_COLS = 8, MAX_LISTED = 20 };

static const char *const status_keys[MUT_STATUS_COUNT] = {
    "not-run", "killed", "survived", "site-missing", "ambiguous", "build-failed"};

const char *mutant_status_key(mutant_status s) {
  return (unsigned)s < MUT_STATUS_COUNT ? status_keys[s] : "not-run";
}

static int status_of(const char *key, mutant_status *out) {
  for (int i = 0; i < MUT_STATUS_COUNT; i++) {
    if (strcmp(key, status_keys[i]) == 0) {
      *out = (mutant_status)i;
      return 0;
    }
  }
  return -1;
}

static unsigned fnv(unsigned h, const char *s) {
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 0x01000193u;
  }
  return h;
}

void mutant_checksum(const char *file, const char *original,
                     const char *mutated, char out[9]) {
  unsigned h = 0x811C9DC5u;
  h = fnv(h, file);
  h = fnv(h, "\t");
  h = fnv(h, original);
  h = fnv(h, "\t");
  h = fnv(h, mutated);
  snprintf(out, 9, "%08x", h & 0xFFFFFFFFu);
}

/* Splits [s, e) at tabs into at most MAX_COLS columns (not trimmed: the
 * text columns are exact). Returns the count. */
static int split(const char *s, const char *e, char **cols) {
  int n = 0;
  const char *start = s;
  for (const char *p = s;; p++) {
    if (p == e || *p == '\t') {
      if (n == MAX_COLS) return MAX_COLS + 1;
      const char *b = p;
      if (b > start && b[-1] == '\r' && p == e) b--;
      cols[n++] = xstrndup(start, (size_t)(b - start));
      if (p == e) break;
      start = p + 1;
    }
  }
  return n;
}

static void free_cols(char **cols, int n) {
  for (int i = 0; i < n && i < MAX_COLS; i++) free(cols[i]);
}

/* Calls row(ctx, cols, n, line) for every non-comment line of text. */
static void each_row(const char *text, size_t len,
                     void (*row)(void *, char **, int, int), void *ctx) {
  const char *p = text, *end = text + len;
  int line = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    const char *s = p;
    p = nl ? nl + 1 : end;
    line++;
    if (s == e || *s == '#' || (e - s == 1 && *s == '\r')) continue;
    char *cols[MAX_COLS] = {0};
    int n = split(s, e, cols);
    row(ctx, cols, n, line);
    free_cols(cols, n);
  }
}

typedef struct {
  mutant_list *l;
  const char *path;
  strlist *errors;
  strlist *warnings;
  int nerr;
  size_t unknown_listed;
} load_ctx;

static void catalogue_row(void *vctx, char **cols, int n, int line) {
  load_ctx *c = vctx;
  if (n < 6 || n > 7) {
    c->nerr++;
    strlist_printf(c->errors,
                   "%s:%d: expected 6 or 7 tab-separated columns (id, rule, "
                   "file, original, mutated, why[, equivalent]), found %d",
                   c->path, line, n > MAX_COLS ? MAX_COLS + 1 : n);
    return;
  }
  if (!*cols[0] || !is_rule_id(cols[1]) || !*cols[2] || !*cols[3] || !*cols[5]) {
    c->nerr++;
    strlist_printf(c->errors,
                   "%s:%d: a mutant needs an id, a rule id, a file, the "
                   "original text and a reason",
                   c->path, line);
    return;
  }
  for (size_t i = 0; i < c->l->n; i++) {
    if (strcmp(c->l->items[i].id, cols[0]) == 0) {
      c->nerr++;
      strlist_printf(c->errors, "%s:%d: duplicate mutant id '%s' (first on line %d)",
                     c->path, line, cols[0], c->l->items[i].line);
      return;
    }
  }
  mutant m = {0};
  m.id = xstrdup(cols[0]);
  m.rule = xstrdup(cols[1]);
  m.file = xstrdup(cols[2]);
  m.why = xstrdup(cols[5]);
  m.equivalent = n == 7 && *cols[6] ? xstrdup(cols[6]) : NULL;
  m.line = line;
  m.status = MUT_NOT_RUN;
  /* The checksum goes where the result will be matched: keep it in detail
   * until then (replaced by the stored detail). */
  char sum[9];
  mutant_checksum(cols[2], cols[3], cols[4], sum);
  m.detail = xstrdup(sum);
  VEC_PUSH(c->l, m);
}

static mutant *find(mutant_list *l, const char *id) {
  for (size_t i = 0; i < l->n; i++) {
    if (strcmp(l->items[i].id, id) == 0) return &l->items[i];
  }
  return NULL;
}

/* mutant, rule, status, seconds, checksum, date, detail */
static void result_row(void *vctx, char **cols, int n, int line) {
  load_ctx *c = vctx;
  mutant_status st;
  if (n < 6 || status_of(cols[2], &st) != 0) {
    strlist_printf(c->warnings, "%s:%d: not a mutation result row (ignored)",
                   c->path, line);
    return;
  }
  mutant *m = find(c->l, cols[0]);
  if (!m) {
    if (c->unknown_listed++ < MAX_LISTED) {
      strlist_printf(c->warnings,
                     "%s:%d: result for mutant '%s', which the catalogue no "
                     "longer has",
                     c->path, line, cols[0]);
    }
    return;
  }
  if (strcmp(m->detail, cols[4]) != 0) {
    m->stale = 1;
    strlist_printf(c->warnings,
                   "%s:%d: result for mutant '%s' is stale (its catalogue row "
                   "changed since); run scripts/mutate %s",
                   c->path, line, m->id, m->id);
    return;
  }
  m->status = st;
  m->seconds = strtod(cols[3], NULL);
  free(m->detail);
  m->detail = xstrdup(n > 6 ? cols[6] : "");
}

int mutants_load(mutant_list *l, const char *catalogue, const char *results,
                 strlist *warnings, strlist *errors) {
  char err[256];
  size_t len = 0;
  char *text = read_file(catalogue, MAX_MUTATION_BYTES, &len, err, sizeof err);
  if (!text) {
    strlist_printf(errors, "%s: cannot read the mutant catalogue: %s", catalogue,
                   err);
    return -1;
  }
  l->catalogue = xstrdup(catalogue);
  l->results = xstrdup(results);
  load_ctx c = {l, catalogue, errors, warnings, 0, 0};
  each_row(text, len, catalogue_row, &c);
  free(text);
  if (path_is_file(results)) {
    text = read_file(results, MAX_MUTATION_BYTES, &len, err, sizeof err);
    if (!text) {
      strlist_printf(warnings, "%s: cannot read mutation results: %s", results,
                     err);
    } else {
      c.path = results;
      each_row(text, len, result_row, &c);
      free(text);
    }
  }
  /* Rows without a (current) result keep no checksum in detail. */
  for (size_t i = 0; i < l->n; i++) {
    mutant *m = &l->items[i];
    if (m->status == MUT_NOT_RUN) {
      free(m->detail);
      m->detail = NULL;
    }
  }
  return c.nerr ? -1 : 0;
}

void mutants_free(mutant_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    mutant *m = &l->items[i];
    free(m->id);
    free(m->rule);
    free(m->file);
    free(m->why);
    free(m->equivalent);
    free(m->detail);
  }
  free(l->items);
  free(l->catalogue);
  free(l->results);
  memset(l, 0, sizeof *l);
}
