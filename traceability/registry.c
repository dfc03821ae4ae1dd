#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ERRORS = 50, MAX_ID_LEN = 200, MAX_COLUMNS = 5 };
#define MAX_REGISTRY_BYTES ((size_t)4 << 20)

const char *level_name(rule_level level) {
  return level == LEVEL_MAY ? "MAY" : "MUST";
}

long registry_find(const registry *reg, const char *id) {
  for (size_t i = 0; i < reg->n; i++) {
    if (strcmp(reg->items[i].id, id) == 0) return (long)i;
  }
  return -1;
}

/* Splits line [s, e) at tabs into at most MAX_COLUMNS trimmed columns.
 * Returns the column count, or MAX_COLUMNS + 1 when there are more. */
static int split_columns(const char *s, const char *e, char **cols) {
  int n = 0;
  const char *start = s;
  for (const char *p = s;; p++) {
    if (p == e || *p == '\t') {
      if (n == MAX_COLUMNS) return MAX_COLUMNS + 1;
      const char *a = start, *b = p;
      while (a < b && (*a == ' ')) a++;
      while (b > a && (b[-1] == ' ' || b[-1] == '\r')) b--;
      cols[n++] = xstrndup(a, (size_t)(b - a));
      if (p == e) break;
      start = p + 1;
    }
  }
  return n;
}

static int add_error(strlist *errors, int *count, const char *path, int line,
                     const char *msg, const char *detail) {
  (*count)++;
  if (*count <= MAX_ERRORS) {
    strlist_printf(errors, "%s:%d: %s%s%s%s", path, line, msg,
                   detail ? " '" : "", detail ? detail : "", detail ? "'" : "");
  }
  return 0;
}

static int only_spaces(const char *s, const char *e) {
  for (; s < e; s++) {
    if (*s != ' ' && *s != '\t' && *s != '\r') return 0;
  }
  return 1;
}

int registry_parse(registry *reg, const char *path, const char *text,
                   size_t len, strlist *errors) {
  int nerr = 0;
  if (!reg->path) reg->path = xstrdup(path);
  const char *p = text, *end = text + len;
  int line = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    line++;
    const char *s = p;
    p = nl ? nl + 1 : end;
    if (memchr(s, '\0', (size_t)(e - s))) {
      add_error(errors, &nerr, path, line, "NUL byte in line", NULL);
      continue;
    }
    while (s < e && *s == ' ') s++;
    if (s == e || *s == '#' || only_spaces(s, e)) continue;
    char *cols[MAX_COLUMNS] = {0};
    int n = split_columns(s, e, cols);
    if (n > MAX_COLUMNS) {
      add_error(errors, &nerr, path, line,
                "too many tab-separated columns (at most 5: id, level, "
                "summary, status, reason)",
                NULL);
      for (int i = 0; i < MAX_COLUMNS; i++) free(cols[i]);
      continue;
    }
    int ok = 1;
    if (n < 3) {
      add_error(errors, &nerr, path, line,
                "expected at least 3 tab-separated columns (id, level, "
                "summary)",
                NULL);
      ok = 0;
    }
    if (ok && (strlen(cols[0]) > MAX_ID_LEN || !is_rule_id(cols[0]))) {
      add_error(errors, &nerr, path, line,
                "rule id must be made of [a-z0-9.-]:", cols[0]);
      ok = 0;
    }
    rule_level level = LEVEL_MUST;
    if (ok) {
      if (strcmp(cols[1], "MUST") == 0) {
        level = LEVEL_MUST;
      } else if (strcmp(cols[1], "MAY") == 0) {
        level = LEVEL_MAY;
      } else {
        add_error(errors, &nerr, path, line, "level must be MUST or MAY, not",
                  cols[1]);
        ok = 0;
      }
    }
    if (ok && !*cols[2]) {
      add_error(errors, &nerr, path, line, "empty summary", NULL);
      ok = 0;
    }
    int not_impl = 0;
    if (ok && n >= 4 && *cols[3]) {
      if (strcmp(cols[3], "not-implemented") == 0) {
        not_impl = 1;
      } else if (strcmp(cols[3], "expected") != 0) {
        add_error(errors, &nerr, path, line,
                  "status must be 'expected' or 'not-implemented', not",
                  cols[3]);
        ok = 0;
      }
    }
    if (ok && not_impl && level != LEVEL_MAY) {
      add_error(errors, &nerr, path, line,
                "only a MAY rule can be 'not-implemented':", cols[0]);
      ok = 0;
    }
    if (ok && not_impl && (n < 5 || !*cols[4])) {
      add_error(errors, &nerr, path, line,
                "a 'not-implemented' rule needs a reason in column 5:",
                cols[0]);
      ok = 0;
    }
    if (ok && !not_impl && n == 5 && *cols[4]) {
      add_error(errors, &nerr, path, line,
                "a reason (column 5) is only for 'not-implemented' rules:",
                cols[0]);
      ok = 0;
    }
    if (ok) {
      long dup = registry_find(reg, cols[0]);
      if (dup >= 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "duplicate rule id (first on line %d):",
                 reg->items[dup].line);
        add_error(errors, &nerr, path, line, msg, cols[0]);
        ok = 0;
      }
    }
    if (ok) {
      reg_rule r = {0};
      r.id = cols[0];
      r.level = level;
      r.summary = cols[2];
      r.not_implemented = not_impl;
      r.reason = not_impl ? cols[4] : NULL;
      r.line = line;
      cols[0] = cols[2] = NULL;
      if (not_impl) cols[4] = NULL;
      VEC_PUSH(reg, r);
    }
    for (int i = 0; i < MAX_COLUMNS; i++) free(cols[i]);
  }
  if (nerr > MAX_ERRORS) {
    strlist_printf(errors, "%s: %d more errors not shown", path,
                   nerr - MAX_ERRORS);
  }
  return nerr;
}

int registry_load(registry *reg, const char *path, strlist *errors) {
  char err[256];
  size_t len = 0;
  char *text = read_file(path, MAX_REGISTRY_BYTES, &len, err, sizeof err);
  if (!text) {
    strlist_printf(errors, "%s: %s", path, err);
    return 1;
  }
  int n = registry_parse(reg, path, text, len, errors);
  free(text);
  return n;
}

void registry_free(registry *reg) {
  for (size_t i = 0; i < reg->n; i++) {
    free(reg->items[i].id);
    free(reg->items[i].summary);
    free(reg->items[i].reason);
  }
  free(reg->items);
  free(reg->path);
  memset(reg, 0, sizeof *reg);
}
