#include "check_xml.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_LOG_BYTES ((size_t)64 << 20)
enum { MAX_FIELD = 1 << 16 };

const char *test_result_name(test_result r) {
  switch (r) {
    case TEST_PASS: return "pass";
    case TEST_FAIL: return "fail";
    case TEST_NOT_RUN: return "not run";
    case TEST_UNKNOWN: return "unknown";
  }
  return "unknown";
}

/* Finds needle in [p, end); NULL when absent. */
static const char *find(const char *p, const char *end, const char *needle) {
  size_t n = strlen(needle);
  while ((size_t)(end - p) >= n) {
    const char *q = memchr(p, needle[0], (size_t)(end - p));
    if (!q || (size_t)(end - q) < n) return NULL;
    if (memcmp(q, needle, n) == 0) return q;
    p = q + 1;
  }
  return NULL;
}

static void put_utf8(sbuf *b, unsigned long cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  char u[4];
  if (cp < 0x80) {
    sb_putc(b, (char)cp);
  } else if (cp < 0x800) {
    u[0] = (char)(0xC0 | (cp >> 6));
    u[1] = (char)(0x80 | (cp & 0x3F));
    sb_putn(b, u, 2);
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F));
    sb_putn(b, u, 3);
  } else {
    u[0] = (char)(0xF0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    sb_putn(b, u, 4);
  }
}

/* Decodes XML text [s, e) (entities, CDATA), trimmed, at most MAX_FIELD. */
static char *decode_text(const char *s, const char *e) {
  while (s < e && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')) s++;
  while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r' ||
                   e[-1] == '\t')) {
    e--;
  }
  if ((size_t)(e - s) > MAX_FIELD) e = s + MAX_FIELD;
  sbuf b = {0};
  sb_putn(&b, "", 0);
  while (s < e) {
    if (*s == '&') {
      const char *semi = memchr(s, ';', (size_t)(e - s) < 12 ? (size_t)(e - s) : 12);
      if (semi) {
        size_t n = (size_t)(semi - s - 1);
        const char *name = s + 1;
        int done = 1;
        if (n == 2 && memcmp(name, "lt", 2) == 0) sb_putc(&b, '<');
        else if (n == 2 && memcmp(name, "gt", 2) == 0) sb_putc(&b, '>');
        else if (n == 3 && memcmp(name, "amp", 3) == 0) sb_putc(&b, '&');
        else if (n == 4 && memcmp(name, "quot", 4) == 0) sb_putc(&b, '"');
        else if (n == 4 && memcmp(name, "apos", 4) == 0) sb_putc(&b, '\'');
        else if (n >= 2 && name[0] == '#') {
          unsigned long cp = 0;
          int hex = name[1] == 'x' || name[1] == 'X';
          size_t k = hex ? 2 : 1;
          int ok = k < n;
          for (; k < n && ok; k++) {
            char c = name[k];
            int v = (c >= '0' && c <= '9') ? c - '0'
                    : (hex && c >= 'a' && c <= 'f') ? c - 'a' + 10
                    : (hex && c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                     : -1;
            if (v < 0) ok = 0;
            else cp = cp * (hex ? 16u : 10u) + (unsigned long)v;
            if (cp > 0x10FFFF) cp = 0x110000;
          }
          if (ok) put_utf8(&b, cp);
          else done = 0;
        } else {
          done = 0;
        }
        if (done) {
          s = semi + 1;
          continue;
        }
      }
    } else if (*s == '<' && (size_t)(e - s) >= 9 &&
               memcmp(s, "<![CDATA[", 9) == 0) {
      const char *ce = find(s + 9, e, "]]>");
      const char *stop = ce ? ce : e;
      sb_putn(&b, s + 9, (size_t)(stop - s - 9));
      s = ce ? ce + 3 : e;
      continue;
    }
    sb_putc(&b, *s++);
  }
  return b.data;
}

/* Text of the first <tag>...</tag> in [p, end), or NULL. */
static char *element_text(const char *p, const char *end, const char *tag) {
  char open[40], close[40];
  snprintf(open, sizeof open, "<%s>", tag);
  snprintf(close, sizeof close, "</%s>", tag);
  const char *s = find(p, end, open);
  if (!s) {
    snprintf(open, sizeof open, "<%s/>", tag);
    return find(p, end, open) ? xstrdup("") : NULL;
  }
  s += strlen(open);
  const char *e = find(s, end, close);
  if (!e) return NULL;
  return decode_text(s, e);
}

/* Value of attribute name="..." inside the start tag [p, end). */
static char *attribute(const char *p, const char *end, const char *name) {
  size_t n = strlen(name);
  for (const char *q = p; q + n + 2 <= end; q++) {
    if ((q == p || q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\n') &&
        memcmp(q, name, n) == 0 && q[n] == '=' &&
        (q[n + 1] == '"' || q[n + 1] == '\'')) {
      char quote = q[n + 1];
      const char *s = q + n + 2;
      const char *e = memchr(s, quote, (size_t)(end - s));
      if (!e) return NULL;
      return decode_text(s, e);
    }
  }
  return NULL;
}

static int parse_int(const char *s, int fallback) {
  if (!s || !*s) return fallback;
  char *e;
  long v = strtol(s, &e, 10);
  if (*e || v < 0 || v > 1000000000L) return fallback;
  return (int)v;
}

size_t check_xml_parse(const char *text, size_t len, const char *path,
                       result_list *out, strlist *warnings) {
  const char *p = text, *end = text + len;
  if (!find(p, end, "<testsuites")) {
    strlist_printf(warnings, "%s:1: not a Check XML log (no <testsuites>)",
                   path);
    return 0;
  }
  char *stem = path_stem(path);
  char *suite = NULL;
  size_t added = 0;
  while (p < end) {
    const char *lt = memchr(p, '<', (size_t)(end - p));
    if (!lt) break;
    const char *gt = memchr(lt, '>', (size_t)(end - lt));
    if (!gt) break;
    const char *tag = lt + 1;
    size_t tag_len = (size_t)(gt - tag);
    if (tag_len >= 5 && memcmp(tag, "suite", 5) == 0 &&
        (tag_len == 5 || tag[5] == ' ')) {
      free(suite);
      const char *close = find(gt, end, "</suite>");
      const char *next_test = find(gt, close ? close : end, "<test");
      suite = element_text(gt, next_test ? next_test : (close ? close : end),
                           "title");
      p = gt + 1;
      continue;
    }
    int is_test = tag_len >= 4 && memcmp(tag, "test", 4) == 0 &&
                  (tag_len == 4 || tag[4] == ' ' || tag[4] == '\t' ||
                   tag[4] == '\n');
    if (!is_test) {
      p = gt + 1;
      continue;
    }
    const char *body_end = find(gt, end, "</test>");
    if (!body_end) {
      strlist_printf(warnings, "%s:%d: truncated <test> element; rest ignored",
                     path, line_of_offset(text, (size_t)(lt - text)));
      break;
    }
    char *res = attribute(tag, gt, "result");
    char *fn = element_text(gt, body_end, "fn");
    char *id = element_text(gt, body_end, "id");
    if (!id || !*id) {
      strlist_printf(warnings, "%s:%d: <test> without <id>; ignored", path,
                     line_of_offset(text, (size_t)(lt - text)));
      free(res);
      free(fn);
      free(id);
      p = body_end + 7;
      continue;
    }
    xml_result r = {0};
    r.log = xstrdup(path);
    r.log_stem = xstrdup(stem);
    r.suite = xstrdup(suite ? suite : "");
    r.id = id;
    r.tcase = element_text(gt, body_end, "description");
    if (!r.tcase) r.tcase = xstrdup("");
    r.message = element_text(gt, body_end, "message");
    if (!r.message) r.message = xstrdup("");
    char *iter = element_text(gt, body_end, "iteration");
    r.iteration = parse_int(iter, 0);
    free(iter);
    if (fn) {
      char *colon = strrchr(fn, ':');
      if (colon) {
        *colon = '\0';
        r.fn_line = parse_int(colon + 1, 0);
      }
      r.fn_file = xstrdup(path_basename(fn));
      free(fn);
    } else {
      r.fn_file = xstrdup("");
    }
    if (res && strcmp(res, "success") == 0) {
      r.result = TEST_PASS;
    } else {
      r.result = TEST_FAIL;
      r.is_error = !res || strcmp(res, "failure") != 0;
      if (!res || (strcmp(res, "failure") != 0 && strcmp(res, "error") != 0)) {
        strlist_printf(warnings,
                       "%s:%d: test %s has result '%s'; counted as failed",
                       path, line_of_offset(text, (size_t)(lt - text)), r.id,
                       res ? res : "(none)");
      }
    }
    free(res);
    VEC_PUSH(out, r);
    added++;
    p = body_end + 7;
  }
  free(suite);
  free(stem);
  return added;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_xml_name(const char *name) {
  size_t n = strlen(name);
  return n > 4 && strcmp(name + n - 4, ".xml") == 0;
}

/* The *.xml names in dir, prefixed with `prefix/` when prefix is set; the
 * folders in it go to `subdirs` when that is not NULL. */
static bool list_xml(const char *dir, const char *prefix, strlist *names,
                     strlist *subdirs) {
  DIR *d = opendir(dir);
  if (!d) return false;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    if (is_xml_name(e->d_name)) {
      if (prefix) strlist_printf(names, "%s/%s", prefix, e->d_name);
      else strlist_push(names, e->d_name);
    } else if (subdirs) {
      char *path = path_join(dir, e->d_name);
      struct stat st;
      if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) strlist_push(subdirs, e->d_name);
      free(path);
    }
  }
  closedir(d);
  return true;
}

/* The logs in dir and in its folders one level down: meson runs one test
 * executable under several configurations (test_jit_backend: a backend
 * and level each), each writing its logs to a folder of its own. */
int check_xml_load_dir(const char *dir, result_list *out, strlist *warnings,
                       strlist *errors) {
  strlist names = {0}, subdirs = {0};
  if (!list_xml(dir, NULL, &names, &subdirs)) {
    strlist_printf(errors, "%s: cannot read results folder: %s", dir,
                   strerror(errno));
    return -1;
  }
  for (size_t i = 0; i < subdirs.n; i++) {
    char *sub = path_join(dir, subdirs.items[i]);
    list_xml(sub, subdirs.items[i], &names, NULL);
    free(sub);
  }
  strlist_free(&subdirs);
  if (names.n > 1) qsort(names.items, names.n, sizeof *names.items, cmp_str);
  for (size_t i = 0; i < names.n; i++) {
    char *path = path_join(dir, names.items[i]);
    char err[256];
    size_t len = 0;
    char *text = read_file(path, MAX_LOG_BYTES, &len, err, sizeof err);
    if (!text) {
      strlist_printf(warnings, "%s: skipped: %s", path, err);
    } else {
      check_xml_parse(text, len, path, out, warnings);
      out->logs++;
      free(text);
    }
    free(path);
  }
  strlist_free(&names);
  return 0;
}

void result_list_free(result_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    xml_result *r = &l->items[i];
    free(r->log);
    free(r->log_stem);
    free(r->suite);
    free(r->fn_file);
    free(r->id);
    free(r->tcase);
    free(r->message);
  }
  free(l->items);
  memset(l, 0, sizeof *l);
}
