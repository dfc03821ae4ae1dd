/* Source initialisation and decode errors with token context. */
#include "format/source.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "format/utf8.h"

void vmir_source_init(vmir_source *src, const void *data, size_t len,
                      vmir_source_format format) {
  src->data = data;
  src->len = data ? len : 0;
  src->pos = 0;
  src->depth_limit = VMIR_DEFAULT_DEPTH_LIMIT;
  src->string_limit = SIZE_MAX;
  src->format = format;
  src->notes = NULL;
}

const char *vmir_token_class_name(vmir_token_class cls) {
  switch (cls) {
    case VMIR_TOKEN_NULL: return "null";
    case VMIR_TOKEN_BOOL: return "bool";
    case VMIR_TOKEN_NUMBER: return "number";
    case VMIR_TOKEN_STRING: return "string";
    case VMIR_TOKEN_BYTES: return "bytes";
    case VMIR_TOKEN_ARRAY: return "array";
    case VMIR_TOKEN_OBJECT: return "object";
  }
  return "?";
}

void vmir_source_line_column(const vmir_source *src, size_t offset,
                             uint32_t *line, uint32_t *column) {
  if (offset > src->len) offset = src->len;
  uint32_t l = 1, c = 1;
  for (size_t i = 0; i < offset; i++) {
    uint8_t b = src->data[i];
    if (b == '\n') {
      l++;
      c = 1;
    } else if ((b & 0xC0) != 0x80) {
      c++;  /* continuation bytes do not start a character */
    }
  }
  *line = l;
  *column = c;
}

/* Bounded appender over a caller's buffer; always NUL-terminated. */
typedef struct out {
  char *buf;
  size_t cap, len;
} out;

static void put(out *o, const char *s, size_t n) {
  if (o->cap == 0) return;
  size_t room = o->cap - 1 - o->len;
  if (n > room) n = room;
  memcpy(o->buf + o->len, s, n);
  o->len += n;
  o->buf[o->len] = '\0';
}

static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

static void put_hex_escape(out *o, uint8_t b) {
  char t[8];
  snprintf(t, sizeof t, "\\x%02x", b);
  puts_(o, t);
}

static const char CARET[] = "\u2038";     /* ‸ marks the error offset */
static const char ELLIPSIS[] = "\u2026";  /* … marks a cut */

static void excerpt_text(const vmir_source *src, size_t offset, out *o) {
  const uint8_t *d = src->data;
  size_t start = offset > 16 ? offset - 16 : 0;
  /* Do not start in the middle of a UTF-8 sequence. */
  for (int k = 0; k < 3 && start > 0 && start < offset && (d[start] & 0xC0) == 0x80; k++)
    start++;
  size_t end = src->len - offset > 8 ? offset + 8 : src->len;
  if (start > 0) puts_(o, ELLIPSIS);
  size_t i = start;
  while (i < end) {
    if (i == offset) puts_(o, CARET);
    uint8_t c = d[i];
    if (c >= 0x20 && c < 0x7F) {
      put(o, (const char *)&c, 1);
    } else if (c == '\n') {
      puts_(o, "\\n");
    } else if (c == '\r') {
      puts_(o, "\\r");
    } else if (c == '\t') {
      puts_(o, "\\t");
    } else if (c >= 0x80) {
      size_t k = vmir_utf8_seq_len(d + i, src->len - i);
      /* A sequence that hides the offset inside it is shown byte by byte. */
      if (k > 0 && !(i < offset && offset < i + k)) {
        if (k == 3 && c == 0xEF && d[i + 1] == 0xBB && d[i + 2] == 0xBF)
          puts_(o, "\\ufeff");  /* a BOM would print as nothing */
        else
          put(o, (const char *)d + i, k);
        i += k;
        continue;
      }
      put_hex_escape(o, c);
    } else {
      put_hex_escape(o, c);
    }
    i++;
  }
  if (offset >= i) puts_(o, CARET);
  if (i < src->len) puts_(o, ELLIPSIS);
}

static void excerpt_binary(const vmir_source *src, size_t offset, out *o) {
  size_t start = offset > 8 ? offset - 8 : 0;
  size_t end = src->len - offset > 8 ? offset + 8 : src->len;
  if (start > 0) puts_(o, ELLIPSIS);
  for (size_t i = start; i < end; i++) {
    if (i > start) puts_(o, " ");
    if (i == offset) puts_(o, CARET);
    char t[4];
    snprintf(t, sizeof t, "%02x", src->data[i]);
    puts_(o, t);
  }
  if (offset >= end) {
    if (end > start) puts_(o, " ");
    puts_(o, CARET);
  }
  if (end < src->len) puts_(o, ELLIPSIS);
}

size_t vmir_source_excerpt(const vmir_source *src, size_t offset, char *buf,
                           size_t cap) {
  out o = {buf, cap, 0};
  if (cap) buf[0] = '\0';
  if (offset > src->len) offset = src->len;
  if (src->format == VMIR_SOURCE_TEXT) excerpt_text(src, offset, &o);
  else excerpt_binary(src, offset, &o);
  return o.len;
}

/* Characters that make up words worth quoting whole: literals and numbers. */
static bool word_char(uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == '_';
}

size_t vmir_source_describe(const vmir_source *src, size_t offset, char *buf,
                            size_t cap) {
  out o = {buf, cap, 0};
  if (cap) buf[0] = '\0';
  if (offset >= src->len) {
    puts_(&o, "end of input");
    return o.len;
  }
  const uint8_t *d = src->data;
  uint8_t c = d[offset];
  if (src->format == VMIR_SOURCE_TEXT) {
    /* Invisible when printed, so name it. */
    if (src->len - offset >= 3 && c == 0xEF && d[offset + 1] == 0xBB &&
        d[offset + 2] == 0xBF) {
      puts_(&o, "a UTF-8 byte order mark (U+FEFF)");
      return o.len;
    }
    if (word_char(c)) {
      size_t n = 0;
      while (offset + n < src->len && n < 12 && word_char(d[offset + n])) n++;
      puts_(&o, "'");
      put(&o, (const char *)d + offset, n);
      if (offset + n < src->len && word_char(d[offset + n])) puts_(&o, ELLIPSIS);
      puts_(&o, "'");
      return o.len;
    }
    if (c > 0x20 && c < 0x7F) {
      char t[4] = {'\'', (char)c, '\'', 0};
      puts_(&o, t);
      return o.len;
    }
    if (c >= 0x80) {
      size_t k = vmir_utf8_seq_len(d + offset, src->len - offset);
      if (k) {
        puts_(&o, "'");
        put(&o, (const char *)d + offset, k);
        puts_(&o, "'");
        return o.len;
      }
    }
  }
  char t[32];
  snprintf(t, sizeof t, "byte 0x%02x", c);
  puts_(&o, t);
  return o.len;
}

/* Cuts s back to at most n bytes without splitting a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n) {
  while (n > 0 && ((uint8_t)s[n] & 0xC0) == 0x80) n--;
  return n;
}

/* t[impl format.parse.error-token-context] */
vmir_status vmir_source_fail(const vmir_source *src, vmir_error *err,
                             vmir_status code, size_t offset, const char *fmt,
                             ...) {
  if (!err) return code;
  if (offset > src->len) offset = src->len;
  vmir_error_clear(err);
  err->code = code;
  err->offset = offset;
  err->has_offset = 1;

  char prefix[80];
  if (src->format == VMIR_SOURCE_TEXT) {
    vmir_source_line_column(src, offset, &err->line, &err->column);
    snprintf(prefix, sizeof prefix, "line %u, column %u (offset %zu): ",
             (unsigned)err->line, (unsigned)err->column, offset);
  } else {
    snprintf(prefix, sizeof prefix, "offset %zu: ", offset);
  }

  char text[sizeof err->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);

  char excerpt[160];
  vmir_source_excerpt(src, offset, excerpt, sizeof excerpt);

  /* The excerpt is the most useful context: shorten the text, not it. */
  size_t room = sizeof err->message - 1;
  size_t fixed = strlen(prefix) + strlen(" near \u00ab\u00bb") + strlen(excerpt);
  size_t text_len = strlen(text);
  if (fixed < room && text_len > room - fixed) {
    size_t keep = room - fixed;
    size_t ell = strlen(ELLIPSIS);
    keep = keep > ell ? utf8_cut(text, keep - ell) : 0;
    memcpy(text + keep, ELLIPSIS, ell + 1);
  }
  /* The parts were sized to fit above; a cut here is a last resort. */
  if (snprintf(err->message, sizeof err->message, "%s%s near \u00ab%s\u00bb", prefix, text,
               excerpt) < 0)
    err->message[0] = 0;
  return code;
}

vmir_status vmir_source_expected(const vmir_source *src, vmir_error *err,
                                 size_t offset, const char *what) {
  char found[64];
  vmir_source_describe(src, offset, found, sizeof found);
  return vmir_source_fail(src, err, VMIR_E_DECODE, offset, "expected %s, found %s",
                          what, found);
}

vmir_status vmir_source_arena_failed(const vmir_source *src, vmir_error *err,
                                     const vmir_arena *arena, size_t offset) {
  vmir_status code = vmir_arena_failure(arena);
  if (code == VMIR_E_LIMIT) {
    return vmir_source_fail(src, err, code, offset,
                            "decode arena limit of %zu bytes reached", arena->limit);
  }
  return vmir_source_fail(src, err, code, offset, "out of memory in the decode arena");
}
