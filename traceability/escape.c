#include "escape.h"

#include <string.h>

size_t utf8_seq_len(const unsigned char *s, size_t n) {
  if (n == 0) return 0;
  unsigned c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  unsigned min;
  unsigned long cp;
  if ((c & 0xE0) == 0xC0) {
    len = 2, min = 0x80, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, min = 0x800, cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, cp = c & 0x07;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

static const char replacement[] = "\xEF\xBF\xBD";

/* Calls emit for each character: ASCII bytes one by one (seq_len 1),
 * whole valid multibyte sequences, or the replacement character. */
#define FOR_EACH_CHAR(s, body)                                                 \
  do {                                                                         \
    const unsigned char *p_ = (const unsigned char *)(s);                      \
    size_t left_ = strlen((const char *)p_);                                   \
    while (left_ > 0) {                                                        \
      size_t n_ = utf8_seq_len(p_, left_);                                     \
      const char *ch = n_ ? (const char *)p_ : replacement;                    \
      size_t chlen = n_ ? n_ : 3;                                              \
      unsigned char c0 = n_ ? p_[0] : 0xEF;                                    \
      body;                                                                    \
      p_ += n_ ? n_ : 1;                                                       \
      left_ -= n_ ? n_ : 1;                                                    \
    }                                                                          \
  } while (0)

void esc_json(sbuf *b, const char *s) {
  if (!s) {
    sb_puts(b, "null");
    return;
  }
  sb_putc(b, '"');
  FOR_EACH_CHAR(s, {
    if (chlen > 1) {
      sb_putn(b, ch, chlen);
    } else if (c0 == '"') {
      sb_puts(b, "\\\"");
    } else if (c0 == '\\') {
      sb_puts(b, "\\\\");
    } else if (c0 == '\n') {
      sb_puts(b, "\\n");
    } else if (c0 == '\r') {
      sb_puts(b, "\\r");
    } else if (c0 == '\t') {
      sb_puts(b, "\\t");
    } else if (c0 < 0x20 || c0 == 0x7F) {
      sb_printf(b, "\\u%04x", c0);
    } else if (c0 == '<') {
      sb_puts(b, "\\u003c"); /* safe to embed in HTML script blocks */
    } else {
      sb_putc(b, (char)c0);
    }
  });
  sb_putc(b, '"');
}

void esc_html(sbuf *b, const char *s) {
  if (!s) return;
  FOR_EACH_CHAR(s, {
    if (chlen > 1) {
      sb_putn(b, ch, chlen);
    } else if (c0 == '<') {
      sb_puts(b, "&lt;");
    } else if (c0 == '>') {
      sb_puts(b, "&gt;");
    } else if (c0 == '&') {
      sb_puts(b, "&amp;");
    } else if (c0 == '"') {
      sb_puts(b, "&quot;");
    } else if (c0 == '\'') {
      sb_puts(b, "&#39;");
    } else if (c0 < 0x20 && c0 != '\n' && c0 != '\t') {
      sb_putc(b, ' ');
    } else {
      sb_putc(b, (char)c0);
    }
  });
}

void esc_markdown_cell(sbuf *b, const char *s) {
  if (!s) return;
  FOR_EACH_CHAR(s, {
    if (chlen > 1) {
      sb_putn(b, ch, chlen);
    } else if (c0 == '|') {
      sb_puts(b, "\\|");
    } else if (c0 == '<') {
      sb_puts(b, "&lt;");
    } else if (c0 < 0x20) {
      sb_putc(b, ' ');
    } else {
      sb_putc(b, (char)c0);
    }
  });
}

void esc_url_path(sbuf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char c = *p;
    int safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9') || strchr("-._~/:@!$+,;=", c) != NULL;
    if (safe) {
      sb_putc(b, (char)c);
    } else {
      sb_putc(b, '%');
      sb_putc(b, hex[c >> 4]);
      sb_putc(b, hex[c & 15]);
    }
  }
}
