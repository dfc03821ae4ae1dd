/* S-expression reader. One top-level form; recursion is bounded by
 * max_depth so hostile nesting cannot grow the stack. */
#include "util/sexp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8_encode.h"

/* Node and string storage: a list of malloc'd chunks freed together. */
typedef struct chunk {
  struct chunk *next;
  size_t used, cap;
  max_align_t data[];
} chunk;

struct sexp_doc {
  chunk *chunks;
  sexp_node root;
};

typedef struct reader {
  const char *src;
  size_t len, pos;
  uint32_t line;
  size_t line_start;
  const char *origin;
  uint32_t max_depth;
  sexp_doc *doc;
  vmir_error *err;
} reader;

static void *doc_alloc(sexp_doc *doc, size_t n) {
  n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
  if (n == 0) n = sizeof(max_align_t);
  chunk *c = doc->chunks;
  if (!c || c->cap - c->used < n) {
    size_t cap = n > 16384 ? n : 16384;
    c = malloc(sizeof(chunk) + cap);
    if (!c) return NULL;
    c->next = doc->chunks;
    c->used = 0;
    c->cap = cap;
    doc->chunks = c;
  }
  void *p = (char *)c->data + c->used;
  c->used += n;
  return p;
}

vmir_status sexp_error(vmir_error *err, vmir_status code, const char *origin,
                       const sexp_node *at, const char *fmt, ...) {
  if (!err) return code;
  vmir_error_clear(err);
  err->code = code;
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (at) {
    err->line = at->line;
    err->column = at->column;
    err->offset = at->offset;
    err->has_offset = 1;
    snprintf(err->message, sizeof err->message, "%s:%u:%u: %s",
             origin ? origin : "<input>", at->line, at->column, msg);
  } else {
    snprintf(err->message, sizeof err->message, "%s: %s",
             origin ? origin : "<input>", msg);
  }
  return code;
}

/* Fills a pseudo-node holding the reader's current position. */
static sexp_node here(const reader *r) {
  sexp_node n;
  memset(&n, 0, sizeof n);
  n.line = r->line;
  n.column = (uint32_t)(r->pos - r->line_start + 1);
  n.offset = r->pos;
  return n;
}

#define FAIL_AT(r, code, ...)                                      \
  do {                                                             \
    sexp_node at_ = here(r);                                       \
    sexp_error((r)->err, (code), (r)->origin, &at_, __VA_ARGS__);  \
    return false;                                                  \
  } while (0)

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_atom_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

static void skip_space_and_comments(reader *r) {
  while (r->pos < r->len) {
    char c = r->src[r->pos];
    if (c == '\n') {
      r->pos++;
      r->line++;
      r->line_start = r->pos;
    } else if (is_space(c)) {
      r->pos++;
    } else if (c == ';') {
      while (r->pos < r->len && r->src[r->pos] != '\n') r->pos++;
    } else {
      return;
    }
  }
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Length of a valid UTF-8 sequence starting at s (max n bytes), 0 if invalid.
 * Rejects overlong forms, surrogates and code points past U+10FFFF. */
static size_t utf8_sequence(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
  else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
  else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
  else return 0;
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return 0;
  if (cp >= 0xd800 && cp <= 0xdfff) return 0;
  if (cp > 0x10ffff) return 0;
  return len;
}

static bool read_hex4(reader *r, uint32_t *out) {
  if (r->len - r->pos < 4) FAIL_AT(r, VMIR_E_SYNTAX, "truncated \\u escape");
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hex_value(r->src[r->pos + (size_t)i]);
    if (h < 0) FAIL_AT(r, VMIR_E_SYNTAX, "\\u escape needs four hex digits");
    v = v << 4 | (uint32_t)h;
  }
  r->pos += 4;
  *out = v;
  return true;
}

static bool read_string(reader *r, sexp_node *n) {
  r->pos++; /* opening quote */
  size_t start = r->pos;
  /* Decoded text is never longer than the source text. */
  size_t end = start;
  while (end < r->len && r->src[end] != '"') end += (r->src[end] == '\\') ? 2 : 1;
  if (end >= r->len) FAIL_AT(r, VMIR_E_SYNTAX, "unterminated string");
  char *out = doc_alloc(r->doc, end - start + 1);
  if (!out) FAIL_AT(r, VMIR_E_NOMEM, "out of memory");
  size_t o = 0;
  while (r->src[r->pos] != '"') {
    unsigned char c = (unsigned char)r->src[r->pos];
    if (c < 0x20) FAIL_AT(r, VMIR_E_SYNTAX, "control character 0x%02x in string must be escaped", c);
    if (c == '\\') {
      char e = r->src[r->pos + 1];
      r->pos += 2;
      switch (e) {
        case '"': out[o++] = '"'; break;
        case '\\': out[o++] = '\\'; break;
        case '/': out[o++] = '/'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!read_hex4(r, &cp)) return false;
          if (cp >= 0xdc00 && cp <= 0xdfff) FAIL_AT(r, VMIR_E_SYNTAX, "lone low surrogate in \\u escape");
          if (cp >= 0xd800 && cp <= 0xdbff) {
            uint32_t lo;
            if (r->len - r->pos < 2 || r->src[r->pos] != '\\' || r->src[r->pos + 1] != 'u')
              FAIL_AT(r, VMIR_E_SYNTAX, "high surrogate not followed by a \\u low surrogate");
            r->pos += 2;
            if (!read_hex4(r, &lo)) return false;
            if (lo < 0xdc00 || lo > 0xdfff) FAIL_AT(r, VMIR_E_SYNTAX, "invalid low surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          }
          o += vmir_utf8_encode(cp, (uint8_t *)out + o);
          break;
        }
        default:
          r->pos -= 1;
          FAIL_AT(r, VMIR_E_SYNTAX, "invalid escape '\\%c' in string", e);
      }
      continue;
    }
    size_t k = utf8_sequence((const unsigned char *)r->src + r->pos, end - r->pos);
    if (k == 0) FAIL_AT(r, VMIR_E_SYNTAX, "invalid UTF-8 in string");
    memcpy(out + o, r->src + r->pos, k);
    o += k;
    r->pos += k;
  }
  r->pos++; /* closing quote */
  out[o] = 0;
  n->type = SEXP_STRING;
  n->text = out;
  n->len = o;
  return true;
}

static bool read_bytes(reader *r, sexp_node *n) {
  if (r->len - r->pos < 2 || r->src[r->pos + 1] != 'x')
    FAIL_AT(r, VMIR_E_SYNTAX, "expected '#x' byte literal");
  r->pos += 2;
  size_t start = r->pos;
  while (r->pos < r->len && is_atom_char(r->src[r->pos])) r->pos++;
  size_t digits = r->pos - start;
  for (size_t i = start; i < r->pos; i++) {
    char c = r->src[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      r->pos = i;
      FAIL_AT(r, VMIR_E_SYNTAX, "byte literal digit '%c' is not lowercase hex", c);
    }
  }
  if (digits % 2) FAIL_AT(r, VMIR_E_SYNTAX, "byte literal has an odd number of hex digits");
  uint8_t *out = doc_alloc(r->doc, digits / 2 + 1);
  if (!out) FAIL_AT(r, VMIR_E_NOMEM, "out of memory");
  for (size_t i = 0; i < digits / 2; i++)
    out[i] = (uint8_t)(hex_value(r->src[start + 2 * i]) << 4 | hex_value(r->src[start + 2 * i + 1]));
  out[digits / 2] = 0;
  n->type = SEXP_BYTES;
  n->text = (const char *)out;
  n->len = digits / 2;
  return true;
}

static bool read_atom(reader *r, sexp_node *n) {
  size_t start = r->pos;
  while (r->pos < r->len && is_atom_char(r->src[r->pos])) r->pos++;
  const char *s = r->src + start;
  size_t len = r->pos - start;
  if (len == 0) {
    char c = r->src[start];
    FAIL_AT(r, VMIR_E_SYNTAX, "unexpected character '%c'", (c >= 0x20 && c < 0x7f) ? c : '?');
  }
  bool neg = s[0] == '-';
  if ((s[0] >= '0' && s[0] <= '9') || (neg && len > 1 && s[1] >= '0' && s[1] <= '9')) {
    size_t i = neg ? 1 : 0;
    if (s[i] == '0' && len - i > 1) {
      r->pos = start;
      FAIL_AT(r, VMIR_E_SYNTAX, "integer '%.*s' has a leading zero", (int)(len > 40 ? 40 : len), s);
    }
    uint64_t v = 0;
    for (; i < len; i++) {
      if (s[i] < '0' || s[i] > '9') {
        r->pos = start;
        FAIL_AT(r, VMIR_E_SYNTAX, "malformed integer '%.*s'", (int)(len > 40 ? 40 : len), s);
      }
      unsigned d = (unsigned)(s[i] - '0');
      if (v > (UINT64_MAX - d) / 10) {
        r->pos = start;
        FAIL_AT(r, VMIR_E_SYNTAX, "integer '%.*s' is out of range", (int)(len > 40 ? 40 : len), s);
      }
      v = v * 10 + d;
    }
    if (neg && v == 0) {
      r->pos = start;
      FAIL_AT(r, VMIR_E_SYNTAX, "'-0' is not a canonical integer");
    }
    n->type = SEXP_INT;
    n->magnitude = v;
    n->negative = neg;
    n->text = s;
    n->len = len;
    return true;
  }
  n->type = SEXP_SYMBOL;
  n->text = s;
  n->len = len;
  return true;
}

static bool read_form(reader *r, sexp_node *n, uint32_t depth);

static bool read_list(reader *r, sexp_node *n, uint32_t depth) {
  if (depth >= r->max_depth)
    FAIL_AT(r, VMIR_E_LIMIT, "nesting deeper than %u levels", r->max_depth);
  r->pos++; /* '(' */
  /* Children are collected in a heap vector, then copied into the doc. */
  sexp_node *items = NULL;
  uint32_t count = 0, cap = 0;
  for (;;) {
    skip_space_and_comments(r);
    if (r->pos >= r->len) {
      free(items);
      FAIL_AT(r, VMIR_E_SYNTAX, "unexpected end of input: missing ')' for the list opened at line %u, column %u",
              n->line, n->column);
    }
    if (r->src[r->pos] == ')') break;
    if (count == cap) {
      uint32_t ncap = cap ? cap * 2 : 8;
      if (ncap > (1u << 24)) {
        free(items);
        FAIL_AT(r, VMIR_E_LIMIT, "list has too many items");
      }
      sexp_node *grown = realloc(items, ncap * sizeof *items);
      if (!grown) { free(items); FAIL_AT(r, VMIR_E_NOMEM, "out of memory"); }
      items = grown;
      cap = ncap;
    }
    if (!read_form(r, &items[count], depth + 1)) { free(items); return false; }
    count++;
  }
  r->pos++; /* ')' */
  n->type = SEXP_LIST;
  n->count = count;
  n->items = NULL;
  if (count) {
    n->items = doc_alloc(r->doc, count * sizeof *items);
    if (!n->items) { free(items); FAIL_AT(r, VMIR_E_NOMEM, "out of memory"); }
    memcpy(n->items, items, count * sizeof *items);
  }
  free(items);
  return true;
}

static bool read_form(reader *r, sexp_node *n, uint32_t depth) {
  *n = here(r);
  char c = r->src[r->pos];
  if (c == '(') return read_list(r, n, depth);
  if (c == ')') FAIL_AT(r, VMIR_E_SYNTAX, "unexpected ')'");
  if (c == '"') return read_string(r, n);
  if (c == '#') return read_bytes(r, n);
  if (c == '+') FAIL_AT(r, VMIR_E_SYNTAX, "integers take no leading '+'");
  return read_atom(r, n);
}

sexp_doc *sexp_parse(const char *src, size_t len, const char *origin,
                     uint32_t max_depth, vmir_error *err) {
  sexp_doc *doc = calloc(1, sizeof *doc);
  if (!doc) {
    sexp_error(err, VMIR_E_NOMEM, origin, NULL, "out of memory");
    return NULL;
  }
  reader r = {.src = src, .len = len, .line = 1, .origin = origin,
              .max_depth = max_depth ? max_depth : 64, .doc = doc, .err = err};
  skip_space_and_comments(&r);
  if (r.pos >= r.len) {
    sexp_node at = here(&r);
    sexp_error(err, VMIR_E_SYNTAX, origin, &at, "empty input: expected a form");
    sexp_free(doc);
    return NULL;
  }
  if (!read_form(&r, &doc->root, 0)) {
    sexp_free(doc);
    return NULL;
  }
  skip_space_and_comments(&r);
  if (r.pos < r.len) {
    sexp_node at = here(&r);
    sexp_error(err, VMIR_E_SYNTAX, origin, &at, "unexpected text after the top-level form");
    sexp_free(doc);
    return NULL;
  }
  return doc;
}

const sexp_node *sexp_root(const sexp_doc *doc) { return &doc->root; }

void sexp_free(sexp_doc *doc) {
  if (!doc) return;
  chunk *c = doc->chunks;
  while (c) {
    chunk *next = c->next;
    free(c);
    c = next;
  }
  free(doc);
}

bool sexp_is_symbol(const sexp_node *n, const char *sym) {
  return n && n->type == SEXP_SYMBOL && strlen(sym) == n->len &&
         memcmp(n->text, sym, n->len) == 0;
}

bool sexp_is_form(const sexp_node *n, const char *head) {
  return n && n->type == SEXP_LIST && n->count > 0 && sexp_is_symbol(&n->items[0], head);
}

bool sexp_to_i64(const sexp_node *n, int64_t *out) {
  if (!n || n->type != SEXP_INT) return false;
  if (n->negative) {
    if (n->magnitude > (uint64_t)INT64_MAX + 1) return false;
    *out = n->magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)n->magnitude;
    return true;
  }
  if (n->magnitude > INT64_MAX) return false;
  *out = (int64_t)n->magnitude;
  return true;
}

bool sexp_to_u64(const sexp_node *n, uint64_t *out) {
  if (!n || n->type != SEXP_INT || n->negative) return false;
  *out = n->magnitude;
  return true;
}

const char *sexp_type_name(sexp_type t) {
  switch (t) {
    case SEXP_LIST: return "list";
    case SEXP_SYMBOL: return "symbol";
    case SEXP_INT: return "integer";
    case SEXP_STRING: return "string";
    case SEXP_BYTES: return "byte literal";
  }
  return "form";
}
