#include "spec.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SPEC_BYTES ((size_t)16 << 20)
enum { MAX_ID_LEN = 200 };

long spec_find(const spec_list *l, const char *id) {
  for (size_t i = 0; i < l->n; i++) {
    if (strcmp(l->items[i].id, id) == 0) return (long)i;
  }
  return -1;
}

/* Whole-word search for an upper-case keyword in [s, e). */
static int has_keyword(const char *s, const char *e, const char *kw) {
  size_t n = strlen(kw);
  for (const char *p = s; p + n <= e; p++) {
    if (memcmp(p, kw, n) != 0) continue;
    int before = p == s || !((p[-1] >= 'A' && p[-1] <= 'Z') ||
                             (p[-1] >= 'a' && p[-1] <= 'z'));
    int after = p + n == e || !((p[n] >= 'A' && p[n] <= 'Z') ||
                                (p[n] >= 'a' && p[n] <= 'z'));
    if (before && after) return 1;
  }
  return 0;
}

static spec_level level_of(const char *s, const char *e) {
  if (has_keyword(s, e, "MUST")) return SPEC_LEVEL_MUST;
  if (has_keyword(s, e, "MAY")) return SPEC_LEVEL_MAY;
  return SPEC_LEVEL_NONE;
}

size_t spec_parse(const char *text, size_t len, const char *file,
                  spec_list *out, strlist *problems) {
  const char *p = text, *end = text + len;
  int line = 0;
  size_t added = 0;
  long open = -1;           /* rule whose block quote is being read */
  const char *open_start = NULL;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    const char *s = p;
    p = nl ? nl + 1 : end;
    line++;
    int quoted = e > s && s[0] == '>';
    if (open >= 0 && (!quoted || (e - s >= 4 && memcmp(s, "> t[", 4) == 0))) {
      out->items[open].level = level_of(open_start, s);
      open = -1;
    }
    if (e - s < 5 || memcmp(s, "> t[", 4) != 0) continue;
    const char *id = s + 4, *q = id;
    while (q < e && is_rule_id_char((unsigned char)*q)) q++;
    if (q == id || q >= e || *q != ']' || q - id > MAX_ID_LEN) continue;
    char *rid = xstrndup(id, (size_t)(q - id));
    long dup = spec_find(out, rid);
    if (dup >= 0) {
      strlist_printf(problems,
                     "%s:%d: rule %s is defined twice (first at %s:%d)", file,
                     line, rid, out->items[dup].file, out->items[dup].line);
      free(rid);
      continue;
    }
    spec_rule r = {rid, xstrdup(file), line, SPEC_LEVEL_NONE};
    VEC_PUSH(out, r);
    open = (long)out->n - 1;
    open_start = q + 1;
    added++;
  }
  if (open >= 0) out->items[open].level = level_of(open_start, end);
  return added;
}

int spec_load(const char *file, spec_list *out, strlist *problems,
              strlist *errors) {
  char err[256];
  size_t len = 0;
  char *text = read_file(file, MAX_SPEC_BYTES, &len, err, sizeof err);
  if (!text) {
    strlist_printf(errors, "%s: %s", file, err);
    return -1;
  }
  strlist_push(&out->files, file);
  spec_parse(text, len, file, out, problems);
  free(text);
  return 0;
}

void spec_list_free(spec_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->items[i].id);
    free(l->items[i].file);
  }
  free(l->items);
  strlist_free(&l->files);
  memset(l, 0, sizeof *l);
}
