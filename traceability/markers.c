#include "markers.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_ID_LEN = 200, MAX_TEST_NAME = 200 };

const char *marker_kind_name(marker_kind kind) {
  return kind == MARK_VERIFY ? "verify" : "impl";
}

static int is_word_char(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

/* If a marker starts at text[i], returns its end offset and fills kind and
 * the id span; else 0. */
static size_t match_marker(const char *t, size_t len, size_t i,
                           marker_kind *kind, size_t *id_start,
                           size_t *id_len) {
  if (t[i] != 't' || i + 2 >= len || t[i + 1] != '[') return 0;
  if (i > 0 && is_word_char((unsigned char)t[i - 1])) return 0;
  size_t p = i + 2;
  if (len - p >= 4 && memcmp(t + p, "impl", 4) == 0) {
    *kind = MARK_IMPL;
    p += 4;
  } else if (len - p >= 6 && memcmp(t + p, "verify", 6) == 0) {
    *kind = MARK_VERIFY;
    p += 6;
  } else {
    return 0;
  }
  size_t spaces = 0;
  while (p < len && (t[p] == ' ' || t[p] == '\t')) p++, spaces++;
  if (!spaces) return 0;
  size_t s = p;
  /* An id starts with a letter or digit, so "t[verify ...]" in prose is
   * no marker. */
  if (p >= len || t[p] == '.' || t[p] == '-') return 0;
  while (p < len && is_rule_id_char((unsigned char)t[p])) p++;
  if (p == s || p - s > MAX_ID_LEN) return 0;
  size_t e = p;
  while (p < len && (t[p] == ' ' || t[p] == '\t')) p++;
  if (p >= len || t[p] != ']') return 0;
  *id_start = s;
  *id_len = e - s;
  return p + 1;
}

/* Context of a verify marker, decided while scanning. */
typedef enum { CTX_NONE, CTX_TEST, CTX_NEXT_TEST } ctx_kind;

typedef struct {
  size_t marker_index; /* in out */
  ctx_kind ctx;
} pending;

/* Tries to read START_TEST ( name ) at text[i]; returns end offset and the
 * name span, or 0. */
static size_t match_start_test(const char *t, size_t len, size_t i,
                               size_t *name_start, size_t *name_len) {
  static const char kw[] = "START_TEST";
  size_t k = sizeof kw - 1;
  if (len - i < k || memcmp(t + i, kw, k) != 0) return 0;
  if (i > 0 && is_word_char((unsigned char)t[i - 1])) return 0;
  size_t p = i + k;
  if (p < len && is_word_char((unsigned char)t[p])) return 0;
  while (p < len && (t[p] == ' ' || t[p] == '\t')) p++;
  if (p >= len || t[p] != '(') return 0;
  p++;
  while (p < len && (t[p] == ' ' || t[p] == '\t')) p++;
  size_t s = p;
  while (p < len && is_word_char((unsigned char)t[p])) p++;
  if (p == s || p - s > MAX_TEST_NAME) return 0;
  size_t e = p;
  while (p < len && (t[p] == ' ' || t[p] == '\t')) p++;
  if (p >= len || t[p] != ')') return 0;
  *name_start = s;
  *name_len = e - s;
  return p + 1;
}

typedef enum { ST_CODE, ST_LINE_COMMENT, ST_BLOCK_COMMENT, ST_STRING, ST_CHAR } lex_state;

void markers_scan(const char *t, size_t len, const char *file, int c_syntax,
                  marker_list *out, test_def_list *tests) {
  pending *pend = NULL;
  size_t npend = 0, cappend = 0;
  test_def_list local_tests = {0};

  lex_state st = ST_CODE;
  int line = 1;
  int at_line_start = 1; /* only whitespace so far on this line (code) */
  int in_pp = 0;         /* inside a preprocessor directive */
  long depth = 0;
  long cur_test = -1;     /* index in local_tests of the body being read */
  long pending_test = -1; /* START_TEST seen, body '{' not yet */

  for (size_t i = 0; i < len; i++) {
    char c = t[i];
    marker_kind kind;
    size_t ids, idl;
    size_t mend = match_marker(t, len, i, &kind, &ids, &idl);
    if (mend) {
      marker m = {0};
      m.kind = kind;
      m.id = xstrndup(t + ids, idl);
      m.file = xstrdup(file);
      m.line = line;
      VEC_PUSH(out, m);
      if (c_syntax) {
        pending p = {out->n - 1, CTX_NONE};
        if (depth > 0 && cur_test >= 0) {
          p.ctx = CTX_TEST;
          out->items[out->n - 1].test = xstrdup(local_tests.items[cur_test].name);
          out->items[out->n - 1].test_line = local_tests.items[cur_test].line;
        } else if (depth <= 0 && pending_test >= 0) {
          /* Between START_TEST(name) and its '{': that test. */
          out->items[out->n - 1].test =
              xstrdup(local_tests.items[pending_test].name);
          out->items[out->n - 1].test_line =
              local_tests.items[pending_test].line;
          p.ctx = CTX_TEST;
        } else if (depth <= 0) {
          p.ctx = CTX_NEXT_TEST;
        }
        vec_reserve((void **)&pend, &cappend, npend + 1, sizeof *pend);
        pend[npend++] = p;
      }
      i = mend - 1; /* a marker holds no newline */
      if (st == ST_CODE) at_line_start = 0;
      continue;
    }
    if (c == '\n') {
      line++;
      if (st == ST_LINE_COMMENT) {
        st = ST_CODE;
        if (i > 0 && t[i - 1] == '\\') st = ST_LINE_COMMENT;
      }
      if (st == ST_STRING || st == ST_CHAR) {
        if (!(i > 0 && t[i - 1] == '\\')) st = ST_CODE; /* unterminated */
      }
      if (st == ST_CODE) {
        if (in_pp && !(i > 0 && t[i - 1] == '\\')) in_pp = 0;
        at_line_start = 1;
      }
      continue;
    }
    if (!c_syntax) continue;
    switch (st) {
      case ST_LINE_COMMENT:
        break;
      case ST_BLOCK_COMMENT:
        if (c == '*' && i + 1 < len && t[i + 1] == '/') {
          st = ST_CODE;
          i++;
        }
        break;
      case ST_STRING:
      case ST_CHAR:
        if (c == '\\') {
          if (i + 1 < len && t[i + 1] != '\n') i++;
        } else if ((st == ST_STRING && c == '"') || (st == ST_CHAR && c == '\'')) {
          st = ST_CODE;
        }
        break;
      case ST_CODE:
        if (c == '/' && i + 1 < len && t[i + 1] == '/') {
          st = ST_LINE_COMMENT;
          i++;
          break;
        }
        if (c == '/' && i + 1 < len && t[i + 1] == '*') {
          st = ST_BLOCK_COMMENT;
          i++;
          break;
        }
        if (c == '"') {
          st = ST_STRING;
          at_line_start = 0;
          break;
        }
        if (c == '\'') {
          st = ST_CHAR;
          at_line_start = 0;
          break;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') break;
        if (c == '#' && at_line_start) {
          in_pp = 1;
          at_line_start = 0;
          break;
        }
        at_line_start = 0;
        if (in_pp) break;
        if (c == '{') {
          if (depth == 0 && pending_test >= 0) {
            cur_test = pending_test;
            pending_test = -1;
          }
          depth++;
        } else if (c == '}') {
          if (depth > 0) depth--;
          if (depth == 0) cur_test = -1;
        } else if (c == ';' && depth == 0 && pending_test >= 0) {
          /* START_TEST(x); without a body: not a definition after all. */
          pending_test = -1;
        } else if (c == 'S' && depth == 0) {
          size_t ns, nl;
          size_t e = match_start_test(t, len, i, &ns, &nl);
          if (e) {
            test_def d = {xstrdup(file), xstrndup(t + ns, nl), line};
            VEC_PUSH(&local_tests, d);
            pending_test = (long)local_tests.n - 1;
            i = e - 1;
          }
        }
        break;
    }
  }

  /* Markers above a test: attach to the next START_TEST after them. */
  if (c_syntax) {
    size_t d = 0;
    for (size_t k = 0; k < npend; k++) {
      if (pend[k].ctx != CTX_NEXT_TEST) continue;
      marker *m = &out->items[pend[k].marker_index];
      while (d < local_tests.n && local_tests.items[d].line < m->line) d++;
      /* Same line: a START_TEST on the marker's line follows it. */
      if (d < local_tests.n) {
        m->test = xstrdup(local_tests.items[d].name);
        m->test_line = local_tests.items[d].line;
      }
    }
  }
  free(pend);
  if (tests) {
    for (size_t k = 0; k < local_tests.n; k++) VEC_PUSH(tests, local_tests.items[k]);
    free(local_tests.items);
  } else {
    test_def_list_free(&local_tests);
  }
}

void marker_list_free(marker_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->items[i].id);
    free(l->items[i].file);
    free(l->items[i].test);
  }
  free(l->items);
  memset(l, 0, sizeof *l);
}

void test_def_list_free(test_def_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->items[i].file);
    free(l->items[i].name);
  }
  free(l->items);
  memset(l, 0, sizeof *l);
}
